//! `belonging compare`: treatment against control, two scenarios run with the same replicates
//! and seeds; the difference of a metric and Cohen's d with 95% CIs, and a plot of both.

use super::{all_cores, default_out, prepare_out_dir, threads_arg, BadInput, CompareArgs};
use anyhow::{Context, Result};
use belonging::experiment::{self, Plan};
use belonging::output::manifest;
use belonging::output::tables::csv_field;
use belonging::scenario::{self, Override, Source};

pub(super) fn compare(args: CompareArgs) -> Result<()> {
    use belonging::model::metrics::{index_of, NAMES};
    let Some(m) = index_of(&args.metric) else {
        return Err(BadInput(format!(
            "--metric {}: no such metric; the metrics are {}",
            args.metric,
            NAMES.join(", ")
        ))
        .into());
    };
    let mut sets = Vec::new();
    for s in &args.set {
        sets.push(Override::parse(s)?);
    }
    let treatment_src = Source::from_arg(&args.treatment);
    let first = scenario::resolve(&treatment_src, &sets)?;
    let replicates = args.replicates.unwrap_or(first.scenario.replicates);
    let seed = args.seed.unwrap_or(first.scenario.seed);
    if replicates < 2 {
        return Err(BadInput("--replicates must be at least 2 to compare".into()).into());
    }
    let mut common = sets.clone();
    common.push(Override {
        path: "replicates".into(),
        value: replicates.to_string(),
    });
    common.push(Override {
        path: "seed".into(),
        value: seed.to_string(),
    });
    if let Some(t) = args.steps {
        common.push(Override {
            path: "steps".into(),
            value: t.to_string(),
        });
    }
    let control_src = Source::from_arg(&args.control);
    let cfgs = [
        scenario::resolve(&treatment_src, &common)?,
        scenario::resolve(&control_src, &common)?,
    ];
    let steps = cfgs[0].scenario.steps.min(cfgs[1].scenario.steps);
    let at = args.at.unwrap_or(steps.saturating_sub(1));
    if at >= steps {
        return Err(BadInput(format!(
            "--at {at}: both scenarios record weeks 0..{}",
            steps.saturating_sub(1)
        ))
        .into());
    }
    let threads = threads_arg(args.threads, all_cores)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out("compare", manifest::now_secs()));
    prepare_out_dir(&out, args.force)?;
    let plan = Plan::replicates(seed, replicates);
    let mut series: Vec<Vec<Vec<f64>>> = Vec::new(); // [scenario][replicate][step]
    for cfg in &cfgs {
        experiment::runner::check_memory(cfg, &plan, threads)?;
        let results = std::sync::Mutex::new(Vec::new());
        experiment::run_plan(cfg, &plan, threads, |r| {
            let values: Vec<f64> = r.series.iter().map(|row| row.values[m]).collect();
            results
                .lock()
                .map_err(|e| e.to_string())?
                .push((r.job.index, values));
            Ok(())
        })?;
        let mut v = results
            .into_inner()
            .map_err(|e| anyhow::anyhow!("a worker thread panicked: {e}"))?;
        v.sort_by_key(|x| x.0);
        series.push(v.into_iter().map(|x| x.1).collect());
    }
    let at_step = |k: usize| -> Vec<f64> {
        series[k]
            .iter()
            .map(|s| s.get(at as usize).copied().unwrap_or(f64::NAN))
            .collect()
    };
    let c = belonging::stats::compare(&at_step(0), &at_step(1));
    let names = [cfgs[0].scenario.name.clone(), cfgs[1].scenario.name.clone()];
    say!(
        "{} at week {at}: treatment {} {:.4} vs control {} {:.4} ({} replicates each)",
        args.metric,
        names[0],
        c.mean_a,
        names[1],
        c.mean_b,
        replicates
    )?;
    say!(
        "  difference {:.4} (95% CI {:.4} to {:.4}); Cohen's d {:.3} (95% CI {:.3} to {:.3})",
        c.diff,
        c.diff_low,
        c.diff_high,
        c.d,
        c.d_low,
        c.d_high
    )?;
    let mut csv = String::from(
        "metric,at,treatment,control,n_treatment,n_control,mean_treatment,mean_control,\
         difference,difference_ci_low,difference_ci_high,cohens_d,d_ci_low,d_ci_high\n",
    );
    let f = |x: f64| {
        let mut s = String::new();
        belonging::output::tables::num(&mut s, x);
        s
    };
    csv.push_str(&format!(
        "{},{at},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        args.metric,
        csv_field(&names[0]),
        csv_field(&names[1]),
        c.n_a,
        c.n_b,
        f(c.mean_a),
        f(c.mean_b),
        f(c.diff),
        f(c.diff_low),
        f(c.diff_high),
        f(c.d),
        f(c.d_low),
        f(c.d_high)
    ));
    let mut t = belonging::stats::TTable::default();
    let mut lines = Vec::new();
    let mut per_step = String::from("scenario,role,step,mean,sd,ci_low,ci_high,n\n");
    for (k, role) in ["treatment", "control"].into_iter().enumerate() {
        let mut points = Vec::new();
        for step in 0..steps as usize {
            let xs: Vec<f64> = series[k]
                .iter()
                .map(|s| s.get(step).copied().unwrap_or(f64::NAN))
                .collect();
            let s = belonging::stats::summarize(&xs, &mut t);
            points.push((step as f64, s.mean, s.ci_low, s.ci_high));
            per_step.push_str(&format!(
                "{},{role},{step},{},{},{},{},{}\n",
                csv_field(&names[k]),
                f(s.mean),
                f(s.sd),
                f(s.ci_low),
                f(s.ci_high),
                s.n
            ));
        }
        lines.push(belonging::validation::Series {
            name: format!("{role}: {}", names[k]),
            points,
        });
    }
    for (name, text) in [("compare.csv", &csv), ("compare_series.csv", &per_step)] {
        belonging::output::atomic::write(&out.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    belonging::plot::register_fonts();
    belonging::plot::plot_compare(
        &out.join("plots"),
        &format!(
            "{} vs {}: d = {:.2} [{:.2}, {:.2}] at week {at}",
            names[0], names[1], c.d, c.d_low, c.d_high
        ),
        &args.metric,
        &lines,
    )
    .context("plot of the comparison")?;
    say!("results: {}", out.display())?;
    Ok(())
}
