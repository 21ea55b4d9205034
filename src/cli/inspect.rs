//! `belonging check` (scenarios checked, nothing run), `belonging plot` (charts redrawn from
//! a results folder) and `belonging list` (the built-in scenarios).

use super::BadInput;
use anyhow::Result;
use belonging::plot::PlotError;
use belonging::scenario::{self, builtin, Source};
use std::path::Path;

pub(super) fn check(files: &[String]) -> Result<()> {
    let mut bad = 0;
    for f in files {
        let source = Source::from_arg(f);
        match scenario::resolve(&source, &[]) {
            Ok(cfg) => {
                let s = &cfg.scenario;
                say!(
                    "ok: {} ({}: {} agents, {} weeks, {} replicates)",
                    source.label(),
                    s.name,
                    s.population.size,
                    s.steps,
                    s.replicates
                )?;
            }
            Err(e) => {
                bad += 1;
                tell!("error: {e}");
            }
        }
    }
    if bad > 0 {
        return Err(BadInput(format!(
            "{bad} of {} scenario files are invalid",
            files.len()
        ))
        .into());
    }
    Ok(())
}

/// The `status` of a folder's manifest.json, if it has one.
fn run_status(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_string))
}

/// Tables a complete run wrote (its manifest's `files`) that are no longer there: their
/// charts cannot be drawn.
fn missing_tables(dir: &Path) -> Vec<String> {
    let listed: Vec<String> = std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("files").and_then(|f| f.as_array()).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f.as_str().map(str::to_string))
        .filter(|f| f.ends_with(".csv"))
        .collect();
    listed
        .into_iter()
        .filter(|f| !dir.join(f).exists())
        .collect()
}

/// The kind of results folder `belonging plot` was given, from the files in it.
enum Folder {
    Run,
    Sweep,
    Compare,
    Validation,
    Calibrate,
}

fn folder_kind(dir: &Path) -> Result<Folder> {
    if !dir.is_dir() {
        return Err(BadInput(format!("{}: no such folder", dir.display())).into());
    }
    if dir.join("sweep.json").is_file() {
        return Ok(Folder::Sweep);
    }
    if dir.join("compare.csv").is_file() {
        return Ok(Folder::Compare);
    }
    if dir.join(belonging::output::calibrate::SPEC).is_file() {
        // Its plots are drawn from posterior.csv, written when the calibration is complete.
        if !dir.join("posterior.csv").is_file() {
            return Err(BadInput(format!(
                "{}: this calibration is not complete (no posterior.csv): complete it with \
                 `belonging calibrate --resume {}`, which draws its plots",
                dir.display(),
                dir.display()
            ))
            .into());
        }
        return Ok(Folder::Calibrate);
    }
    if dir.join("validation.json").is_file() {
        return Ok(Folder::Validation);
    }
    if dir.join("validation.csv").is_file() {
        return Err(BadInput(format!(
            "{}: a validation folder without validation.json (written by an older version): \
             run `belonging validate` again to redraw it",
            dir.display()
        ))
        .into());
    }
    if dir.join("summary.csv").is_file() {
        // Plots of an unfinished run would show what may still change or be missing.
        let status = run_status(dir);
        if let Some(status) = status.filter(|s| s != "complete") {
            return Err(BadInput(format!(
                "{}: this run is not complete (status `{status}`): complete it with \
                 `belonging run --resume {}`, which draws its plots",
                dir.display(),
                dir.display()
            ))
            .into());
        }
        return Ok(Folder::Run);
    }
    // A run that has not finished writes no summary.csv yet.
    let status = run_status(dir);
    Err(BadInput(match status {
        Some(status) => format!(
            "{}: this run is not complete (status `{status}`): complete it with `belonging \
             run --resume {}`, which draws its plots",
            dir.display(),
            dir.display()
        ),
        None => format!(
            "{}: not a results folder (no summary.csv, sweep.json, compare.csv, \
             validation.json or calibrate.json); give a folder written by `belonging run`, \
             `sweep`, `compare`, `validate` or `calibrate`",
            dir.display()
        ),
    })
    .into())
}

pub(super) fn plot(dir: &Path, full_scale: bool, metric: Option<&str>) -> Result<()> {
    if !dir.is_dir() {
        return Err(BadInput(format!("{}: no such folder", dir.display())).into());
    }
    // One writer per folder: not while a run, sweep or another plot writes into it.
    let mut lock = belonging::output::lock::acquire(dir)?;
    let kind = folder_kind(dir)?;
    lock.claim();
    if metric.is_some() && !matches!(kind, Folder::Sweep) {
        return Err(BadInput(
            "--metric chooses the metric of a sweep's plots; this folder is not a sweep".into(),
        )
        .into());
    }
    belonging::plot::register_fonts();
    if matches!(kind, Folder::Run) {
        for f in missing_tables(dir) {
            tell!(
                "warning: {}: the run wrote {f}, which is gone: the charts drawn from it are \
                 not drawn",
                dir.display()
            );
        }
    }
    let opts = belonging::plot::PlotOptions { full_scale };
    let drawn = match kind {
        Folder::Run => belonging::plot::plot_dir_with(dir, &opts),
        Folder::Sweep => {
            // The metric given, else the one the sweep was run with.
            let stored = belonging::output::sweep::read_spec(dir)
                .map_err(|e| BadInput(format!("{e}; is this a complete sweep folder?")))?;
            let metric = metric.map_or(stored.metric, str::to_string);
            belonging::plot::plot_sweep_metric(dir, &metric)
        }
        Folder::Compare => belonging::plot::plot_compare_dir(dir),
        Folder::Validation => belonging::plot::plot_validation_dir(dir),
        Folder::Calibrate => {
            let p = read_calibration(dir)?;
            belonging::plot::plot_posterior(dir, &p.paths, &p.lo, &p.hi, &p.last)
        }
    };
    let files = drawn.map_err(|e| match e {
        // A damaged results folder is bad input, not a failure of the tool.
        PlotError::MissingInput { .. } | PlotError::Csv { .. } | PlotError::Json { .. } => {
            anyhow::Error::new(BadInput(format!("{e}; is this a complete results folder?")))
        }
        PlotError::UnknownMetric { .. } => anyhow::Error::new(BadInput(format!("--metric: {e}"))),
        // So is a folder where the plots cannot be written.
        PlotError::Io { ref path, .. } if path.starts_with(dir.join("plots")) => {
            anyhow::Error::new(BadInput(format!("cannot write the plots: {e}")))
        }
        // And an input that cannot be read (a table that is a folder, unreadable).
        PlotError::Io { ref path, .. } if path.starts_with(dir) => {
            anyhow::Error::new(BadInput(format!("{e}; is this a complete results folder?")))
        }
        other => anyhow::Error::new(other),
    })?;
    for f in files {
        say!("{}", f.display())?;
    }
    Ok(())
}

/// What a calibration folder's plots are drawn from: its calibrate.json (the varied fields
/// and their prior ranges) and posterior.csv (with generations.csv's last row: the
/// generation's index and ε, which the title gives) — what `belonging calibrate` drew them
/// from. A damaged file is bad input.
struct Posterior {
    paths: Vec<String>,
    lo: Vec<f64>,
    hi: Vec<f64>,
    last: belonging::stats::abc::Generation,
}

fn read_calibration(dir: &Path) -> Result<Posterior> {
    use belonging::output::calibrate as out_cal;
    let damaged = |e: String| BadInput(format!("{e}; is this a complete calibration folder?"));
    let spec = out_cal::read_spec(dir).map_err(|e| damaged(e.to_string()))?;
    let (mut paths, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new());
    for a in &spec.vary {
        let v = belonging::experiment::sweep::Vary::parse(a)
            .map_err(|e| damaged(format!("{}: {e}", dir.join(out_cal::SPEC).display())))?;
        let r = v.range.ok_or_else(|| {
            damaged(format!(
                "{}: vary `{a}` is not a range LO..HI",
                dir.join(out_cal::SPEC).display()
            ))
        })?;
        paths.push(v.path);
        lo.push(r.lo);
        hi.push(r.hi);
    }
    let last = out_cal::read_posterior(dir, &paths).map_err(|e| damaged(e.to_string()))?;
    Ok(Posterior {
        paths,
        lo,
        hi,
        last,
    })
}

pub(super) fn list() -> Result<()> {
    let width = builtin::BUILTIN
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    for (name, text) in builtin::BUILTIN {
        let description = scenario::load::parse_str(name, text)
            .map(|s| s.description)
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        say!("{name:<width$}  {description}")?;
    }
    Ok(())
}
