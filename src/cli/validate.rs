//! `belonging validate`: the validation targets of docs/VALIDATION.md, printed, written
//! (validation.csv, validation.md, validation.json) and plotted. Exit code: 0 when every
//! target holds, 1 when a target is refuted, [`EXIT_INCONCLUSIVE`] (3) when none is refuted
//! but some are inconclusive.

use super::{all_cores, default_out, prepare_out_dir, threads_arg, BadInput, ValidateArgs};
use anyhow::{Context, Result};
use belonging::output::manifest;
use belonging::output::tables::csv_field;
use belonging::validation::{Report, Results, Verdict};
use std::time::Instant;

/// Exit code of `belonging validate` when no target is refuted but some are inconclusive.
pub const EXIT_INCONCLUSIVE: i32 = 3;

/// The verdict of a validation run that is not "every target holds": the error `validate`
/// returns, so that [`super::exit_code`] can choose the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Undecided {
    #[error("validation targets {0:?} are refuted: the model contradicts the published results")]
    Refuted(Vec<u32>),
    #[error(
        "validation targets {0:?} are inconclusive (none is refuted): more replicates would \
         decide; see each check above"
    )]
    Inconclusive(Vec<u32>),
}

impl Undecided {
    /// 1 when refuted, [`EXIT_INCONCLUSIVE`] when inconclusive.
    pub fn exit_code(&self) -> i32 {
        match self {
            Undecided::Refuted(_) => 1,
            Undecided::Inconclusive(_) => EXIT_INCONCLUSIVE,
        }
    }

    /// The outcome of a run's reports: None when every target holds.
    pub fn of(reports: &[Report]) -> Option<Undecided> {
        let with = |v: Verdict| -> Vec<u32> {
            reports
                .iter()
                .filter(|r| r.verdict() == v)
                .map(|r| r.target)
                .collect()
        };
        let refuted = with(Verdict::Refuted);
        let inconclusive = with(Verdict::Inconclusive);
        if !refuted.is_empty() {
            Some(Undecided::Refuted(refuted))
        } else if !inconclusive.is_empty() {
            Some(Undecided::Inconclusive(inconclusive))
        } else {
            None
        }
    }
}

/// Header of validation.csv.
const CSV_HEADER: &str = "target,title,check,measured,ci_half_width,n,published,tolerance,\
                          verdict,replicates_to_decide,replicates,scenario\n";

/// The rows of validation.csv for one report.
fn csv_rows(report: &Report) -> String {
    let num = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    let mut out = String::new();
    for c in &report.checks {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            report.target,
            csv_field(&report.title),
            csv_field(&c.what),
            num(c.measured),
            num(c.half_width),
            c.n,
            csv_field(&c.published),
            csv_field(&c.tolerance_text),
            c.verdict().map_or("reported", Verdict::word),
            csv_field(
                &c.replicates_to_decide()
                    .map(|d| d.cell())
                    .unwrap_or_default()
            ),
            report.replicates,
            csv_field(&report.scenario),
        ));
    }
    out
}

pub(super) fn validate(args: ValidateArgs) -> Result<()> {
    use belonging::validation::{self, Options, TARGETS};
    let targets: Vec<u32> = if args.targets.is_empty() {
        TARGETS.iter().map(|t| t.0).collect()
    } else {
        args.targets.clone()
    };
    let known: Vec<u32> = TARGETS.iter().map(|t| t.0).collect();
    if let Some(bad) = targets.iter().find(|t| !known.contains(t)) {
        return Err(anyhow::Error::new(BadInput(format!(
            "no validation target {bad}; the targets are {known:?}"
        ))));
    }
    if args.replicates == Some(0) {
        return Err(anyhow::Error::new(BadInput(
            "--replicates must be at least 1".into(),
        )));
    }
    let threads = threads_arg(args.threads, all_cores)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out("validation", manifest::now_secs()));
    let _lock = prepare_out_dir(&out, args.force)?;
    let opts = Options {
        threads,
        replicates: args.replicates,
    };
    // manifest.json: who wrote the folder (version, commit) and whether it is complete.
    let started = manifest::now_secs();
    let whole = Instant::now();
    let write_manifest = |status: &str| -> Result<()> {
        let m = super::manifest_json(
            "validation",
            status,
            serde_json::json!({
                "targets": targets,
                "replicates": args.replicates,
                "threads": threads,
                "command": std::env::args().collect::<Vec<_>>(),
                "started": manifest::rfc3339(started),
                "wall_seconds": whole.elapsed().as_secs_f64(),
                "peak_memory_bytes": manifest::peak_memory_bytes(),
                "vector_instructions": belonging::primitives::lanes::Level::detect().name(),
            }),
        );
        super::write_manifest_json(&out, &m)
    };
    write_manifest("running")?;
    // A failure from here on says so in the manifest.
    let failed = |e: anyhow::Error| {
        let _ = write_manifest("failed");
        e
    };
    let mut csv = String::from(CSV_HEADER);
    let mut markdown = String::new();
    let mut reports = Vec::new();
    for &t in &targets {
        let clock = Instant::now();
        let report = validation::run(t, &opts)
            .with_context(|| format!("target {t}"))
            .map_err(failed)?;
        say!("{report}  ({:.1} s)", clock.elapsed().as_secs_f64()).map_err(|e| failed(e.into()))?;
        csv.push_str(&csv_rows(&report));
        belonging::plot::plot_report(&report, &out.join("plots"))
            .with_context(|| format!("plot of target {t}"))
            .map_err(failed)?;
        markdown.push_str(&report.markdown(&format!("plots/target_{t}.png")));
        markdown.push('\n');
        reports.push(report);
    }
    let outcome = Undecided::of(&reports);
    let json = serde_json::to_string_pretty(&Results::new(reports))
        .context("cannot encode validation.json")
        .map_err(failed)?;
    for (name, text) in [
        ("validation.csv", &csv),
        ("validation.md", &markdown),
        ("validation.json", &json),
    ] {
        belonging::output::atomic::write(&out.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))
            .map_err(failed)?;
    }
    write_manifest("complete")?;
    say!("results: {}", out.display())?;
    match outcome {
        None => Ok(()),
        Some(u) => Err(u.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use belonging::validation::{Check, Tolerance};

    fn report(target: u32, tolerances: &[Tolerance]) -> Report {
        Report {
            target,
            title: "t".into(),
            claim: String::new(),
            scenario: String::new(),
            replicates: 10,
            checks: tolerances
                .iter()
                .map(|t| Check {
                    what: "c".into(),
                    measured: 1.0,
                    half_width: 0.5,
                    n: 10,
                    published: String::new(),
                    tolerance: t.clone(),
                    tolerance_text: String::new(),
                })
                .collect(),
            charts: Vec::new(),
        }
    }

    /// 1.0 ± 0.5 holds above 0, is inconclusive above 1 and is refuted above 2.
    #[test]
    fn exit_codes_follow_the_worst_verdict() {
        let holds = report(1, &[Tolerance::Above(0.0)]);
        let open = report(2, &[Tolerance::Above(0.0), Tolerance::Above(1.0)]);
        let refuted = report(3, &[Tolerance::Above(2.0)]);
        assert!(Undecided::of(std::slice::from_ref(&holds)).is_none());
        let u = Undecided::of(&[holds.clone(), open.clone()]).expect("inconclusive");
        assert_eq!(u.exit_code(), EXIT_INCONCLUSIVE);
        assert!(matches!(&u, Undecided::Inconclusive(t) if t == &[2]));
        let u = Undecided::of(&[holds, open, refuted]).expect("refuted");
        assert_eq!(u.exit_code(), 1);
        assert!(matches!(&u, Undecided::Refuted(t) if t == &[3]));
        // Through the CLI's own mapping of errors to exit codes.
        let e = anyhow::Error::new(u).context("validate");
        assert_eq!(super::super::exit_code(&e), 1);
        let e = anyhow::Error::new(Undecided::Inconclusive(vec![6]));
        assert_eq!(super::super::exit_code(&e), EXIT_INCONCLUSIVE);
    }

    #[test]
    fn csv_rows_carry_the_verdict_and_the_replicates_to_decide() {
        let r = report(6, &[Tolerance::Above(1.0), Tolerance::Reported]);
        let rows = csv_rows(&r);
        let first: Vec<&str> = rows.lines().next().expect("a row").split(',').collect();
        let header: Vec<&str> = CSV_HEADER.trim_end().split(',').collect();
        assert_eq!(first.len(), header.len());
        let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
        assert_eq!(first[col("verdict")], "inconclusive");
        assert_eq!(
            first[col("replicates_to_decide")],
            "never: mean on the bound"
        );
        let second: Vec<&str> = rows.lines().nth(1).expect("a row").split(',').collect();
        assert_eq!(second[col("verdict")], "reported");
        assert_eq!(second[col("replicates_to_decide")], "");
    }
}
