//! `belonging validate`: the validation targets of docs/VALIDATION.md, printed and plotted.

use super::{all_cores, default_out, prepare_out_dir, threads_arg, BadInput, ValidateArgs};
use anyhow::{Context, Result};
use belonging::output::manifest;
use belonging::output::tables::csv_field;
use std::time::Instant;

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
    let mut csv = String::from(
        "target,title,check,measured,ci_half_width,published,tolerance,pass,replicates,scenario\n",
    );
    let mut failed = Vec::new();
    let mut markdown = String::new();
    for &t in &targets {
        let clock = Instant::now();
        let report = validation::run(t, &opts).with_context(|| format!("target {t}"))?;
        say!("{report}  ({:.1} s)", clock.elapsed().as_secs_f64())?;
        for c in &report.checks {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                report.target,
                csv_field(&report.title),
                csv_field(&c.what),
                c.measured,
                if c.half_width.is_finite() {
                    c.half_width.to_string()
                } else {
                    String::new()
                },
                csv_field(&c.published),
                csv_field(&c.tolerance),
                c.pass,
                report.replicates,
                csv_field(&report.scenario),
            ));
        }
        belonging::plot::plot_report(&report, &out.join("plots"))
            .with_context(|| format!("plot of target {t}"))?;
        markdown.push_str(&report.markdown(&format!("plots/target_{t}.png")));
        markdown.push('\n');
        if !report.pass() {
            failed.push(t);
        }
    }
    for (name, text) in [("validation.csv", &csv), ("validation.md", &markdown)] {
        belonging::output::atomic::write(&out.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    say!("results: {}", out.display())?;
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("validation targets {failed:?} do not hold")
    }
}
