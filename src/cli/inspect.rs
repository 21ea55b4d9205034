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

pub(super) fn plot(dir: &Path) -> Result<()> {
    if !dir.join("summary.csv").is_file() {
        return Err(BadInput(format!(
            "{}: not a results folder (no summary.csv); give a folder written by `belonging run`",
            dir.display()
        ))
        .into());
    }
    belonging::plot::register_fonts();
    let files = belonging::plot::plot_dir(dir).map_err(|e| match e {
        // A damaged results folder is bad input, not a failure of the tool.
        PlotError::MissingInput { .. } | PlotError::Csv { .. } | PlotError::Json { .. } => {
            anyhow::Error::new(BadInput(format!("{e}; is this a complete results folder?")))
        }
        // So is a folder where the plots cannot be written.
        PlotError::Io { ref path, .. } if path.starts_with(dir.join("plots")) => {
            anyhow::Error::new(BadInput(format!("cannot write the plots: {e}")))
        }
        other => anyhow::Error::new(other),
    })?;
    for f in files {
        say!("{}", f.display())?;
    }
    Ok(())
}

pub(super) fn list() -> Result<()> {
    for (name, text) in builtin::BUILTIN {
        let description = scenario::load::parse_str(name, text)
            .map(|s| s.description)
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        say!("{name:<14} {description}")?;
    }
    Ok(())
}
