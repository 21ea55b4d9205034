//! `belonging compare`: treatment against control. Two scenarios (or one, with per-arm
//! overrides) run with the same replicates and seeds; the difference of a metric with a
//! paired 95% CI over replicate pairs, the agent-level Cohen's d with its 95% CI over
//! replicate pairs, and a plot of both arms. The folder gets manifest.json (with status),
//! both resolved scenarios, compare.csv and compare_series.csv.

use super::{
    all_cores, default_out, prepare_out_dir, progress_bar, stop_on_signals, threads_arg, BadInput,
    CompareArgs,
};
use anyhow::{Context, Result};
use belonging::experiment::{self, Job, Plan, Probe, RunError};
use belonging::model::metrics;
use belonging::output::manifest;
use belonging::output::tables::csv_field;
use belonging::scenario::{self, Override, Seeds, Source};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// One arm's results: per replicate, the metric's series and the probed agents' outcomes.
struct Arm {
    series: Vec<Vec<f64>>,
    outcomes: Vec<Vec<f64>>,
}

fn overrides(sets: &[String]) -> Result<Vec<Override>> {
    sets.iter()
        .map(|s| Override::parse(s).map_err(anyhow::Error::from))
        .collect()
}

/// The replicates of one arm: replicate r of the treatment runs with `job_seed(seed, 0, r)`
/// (as replicate r of a run); the control shares it, or with independent seeds uses key 1.
fn arm_plan(seed: u64, replicates: u32, key: u64) -> Plan {
    Plan {
        base_seed: seed,
        jobs: (0..replicates)
            .map(|r| Job {
                index: r,
                point: 0,
                replicate: r,
                seed: belonging::rng::job_seed(seed, key, r as u64),
            })
            .collect(),
    }
}

pub(super) fn compare(args: CompareArgs) -> Result<()> {
    let Some(m) = metrics::index_of(&args.metric) else {
        return Err(BadInput(format!(
            "--metric {}: no such metric; the metrics are {}",
            args.metric,
            metrics::NAMES.join(", ")
        ))
        .into());
    };
    let common = overrides(&args.set)?;
    let per_arm = [
        overrides(&args.set_treatment)?,
        overrides(&args.set_control)?,
    ];
    let sources = [
        Source::from_arg(&args.treatment),
        Source::from_arg(&args.control),
    ];
    let with = |k: usize, extra: &[Override]| -> Vec<Override> {
        common
            .iter()
            .chain(&per_arm[k])
            .chain(extra)
            .cloned()
            .collect()
    };
    let first = scenario::resolve(&sources[0], &with(0, &[]))
        .with_context(|| format!("treatment {}", sources[0].label()))?;
    let replicates = args.replicates.unwrap_or(first.scenario.replicates);
    let seed = args.seed.unwrap_or(first.scenario.seed);
    if replicates < 2 {
        return Err(BadInput("--replicates must be at least 2 to compare".into()).into());
    }
    let mut extra = vec![
        Override {
            path: "replicates".into(),
            value: replicates.to_string(),
        },
        Override {
            path: "seed".into(),
            value: seed.to_string(),
        },
    ];
    if let Some(t) = args.steps {
        extra.push(Override {
            path: "steps".into(),
            value: t.to_string(),
        });
    }
    // A comparison summarises every week of both arms (per_step.csv) and probes any week.
    extra.push(Override {
        path: "output.record_every".into(),
        value: "1".into(),
    });
    let cfgs = [
        scenario::resolve(&sources[0], &with(0, &extra))
            .with_context(|| format!("treatment {}", sources[0].label()))?,
        scenario::resolve(&sources[1], &with(1, &extra))
            .with_context(|| format!("control {}", sources[1].label()))?,
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
    let seeds = if args.independent_seeds {
        Seeds::Independent
    } else {
        Seeds::Common
    };
    let plans = [
        arm_plan(seed, replicates, 0),
        arm_plan(seed, replicates, u64::from(seeds == Seeds::Independent)),
    ];
    let threads = threads_arg(args.threads, all_cores)?;
    for (cfg, plan) in cfgs.iter().zip(&plans) {
        experiment::runner::check_memory(cfg, plan, threads)
            .context("not enough memory for this comparison")?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out("compare", manifest::now_secs()));
    let _lock = prepare_out_dir(&out, args.force)?;
    for name in [
        "compare.csv",
        "compare_series.csv",
        "manifest.json",
        "treatment.ron",
        "control.ron",
    ] {
        let p = out.join(name);
        if p.is_file() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    // Each arm named by its scenario and its own overrides ("default (support.enabled=false)").
    let label = |k: usize| {
        let name = cfgs[k].scenario.name.clone();
        if per_arm[k].is_empty() {
            name
        } else {
            let sets: Vec<String> = per_arm[k]
                .iter()
                .map(|o| format!("{}={}", o.path, o.value))
                .collect();
            format!("{name} ({})", sets.join(", "))
        }
    };
    let names = [label(0), label(1)];
    let rons = [
        scenario::to_ron(&cfgs[0].scenario),
        scenario::to_ron(&cfgs[1].scenario),
    ];
    for (file, text) in [("treatment.ron", &rons[0]), ("control.ron", &rons[1])] {
        belonging::output::atomic::write(&out.join(file), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(file).display()))?;
    }
    let started = manifest::now_secs();
    let clock = Instant::now();
    let write_manifest = |status: &str| -> Result<()> {
        let arm = |k: usize| {
            serde_json::json!({
                "scenario": cfgs[k].scenario.name,
                "label": names[k],
                "scenario_source": sources[k].label(),
                "scenario_hash": manifest::fnv1a(rons[k].as_bytes()),
                "set": with(k, &[]).iter().map(|o| format!("{}={}", o.path, o.value)).collect::<Vec<_>>(),
            })
        };
        let m = super::manifest_json(
            "compare",
            status,
            serde_json::json!({
                "treatment": arm(0),
                "control": arm(1),
                "metric": args.metric,
                "at": at,
                "seed": seed,
                "replicates": replicates,
                "seeds": if seeds == Seeds::Common { "common" } else { "independent" },
                "threads": threads,
                "command": std::env::args().collect::<Vec<_>>(),
                "started": manifest::rfc3339(started),
                "wall_seconds": clock.elapsed().as_secs_f64(),
                "peak_memory_bytes": manifest::peak_memory_bytes(),
                "vector_instructions": belonging::primitives::lanes::Level::detect().name(),
            }),
        );
        super::write_manifest_json(&out, &m)
    };
    write_manifest("running")?;
    stop_on_signals();

    let outcome = metrics::agent_outcome(m);
    let probe = outcome.map(|outcome| Probe { step: at, outcome });
    let bar = progress_bar(
        2 * replicates as u64,
        0,
        "replicates (both arms)",
        args.quiet,
    );
    let mut arms = Vec::new();
    for (cfg, plan) in cfgs.iter().zip(&plans) {
        let results = Mutex::new(Vec::new());
        let ran = experiment::run_jobs_probed(
            |_| Ok(std::borrow::Cow::Borrowed(cfg)),
            plan,
            threads,
            probe.as_ref(),
            |r| {
                let values: Vec<f64> = r.series.iter().map(|row| row.values[m]).collect();
                results
                    .lock()
                    .map_err(|e| e.to_string())?
                    .push((r.job.index, values, r.probe));
                bar.inc(1);
                Ok(())
            },
        )
        .and_then(|()| match experiment::interrupt::requested() {
            true => Err(RunError::Interrupted),
            false => Ok(()),
        });
        if let Err(e) = ran {
            bar.finish_and_clear();
            let interrupted = matches!(e, RunError::Interrupted);
            let _ = write_manifest(if interrupted { "interrupted" } else { "failed" });
            return Err(e).context(format!(
                "comparison into {} {}; nothing of it is kept as a result (run it again)",
                out.display(),
                if interrupted { "interrupted" } else { "failed" }
            ));
        }
        let mut v = results
            .into_inner()
            .map_err(|e| anyhow::anyhow!("a worker thread panicked: {e}"))?;
        v.sort_by_key(|x| x.0);
        let (series, outcomes) = v.into_iter().map(|x| (x.1, x.2)).unzip();
        arms.push(Arm { series, outcomes });
    }
    bar.finish_and_clear();

    let result = summarise(&arms, m, at, seeds);
    if let Err(e) = write_tables(&out, &args.metric, at, &names, seeds, &arms, &result, steps) {
        let _ = write_manifest("failed");
        return Err(e);
    }
    belonging::plot::register_fonts();
    if let Err(e) = belonging::plot::plot_compare_dir(&out).context("plot of the comparison") {
        let _ = write_manifest("failed");
        return Err(e);
    }
    write_manifest("complete")?;
    if !args.quiet {
        let c = &result.diff;
        say!(
            "{} at week {at}: treatment {} {:.4} vs control {} {:.4} ({} replicate pairs, {} \
             seeds)",
            args.metric,
            names[0],
            c.mean_a,
            names[1],
            c.mean_b,
            replicates,
            if seeds == Seeds::Common {
                "common"
            } else {
                "independent"
            }
        )?;
        say!(
            "  difference {:.4} (95% CI {:.4} to {:.4}, {})",
            c.diff,
            c.diff_low,
            c.diff_high,
            result.interval
        )?;
        match &result.d {
            Some(d) => say!(
                "  Cohen's d over agents {:.3} (95% CI {:.3} to {:.3} over replicate pairs; \
                 {:.0} vs {:.0} agents per replicate)",
                d.mean,
                d.ci_low,
                d.ci_high,
                result.agents[0],
                result.agents[1]
            )?,
            None => say!(
                "  no agent-level Cohen's d: {} is not a mean over agents",
                args.metric
            )?,
        }
        say!("results: {}", out.display())?;
    }
    Ok(())
}

/// The comparison's figures.
struct Figures {
    diff: belonging::stats::Comparison,
    /// How the difference's interval was taken.
    interval: &'static str,
    d: Option<belonging::stats::Summary>,
    /// Mean agents per replicate whose outcomes enter d, per arm.
    agents: [f64; 2],
}

fn summarise(arms: &[Arm], m: usize, at: u32, seeds: Seeds) -> Figures {
    let at_step = |arm: &Arm| -> Vec<f64> {
        arm.series
            .iter()
            .map(|s| s.get(at as usize).or(s.last()).copied().unwrap_or(f64::NAN))
            .collect()
    };
    let (a, b) = (at_step(&arms[0]), at_step(&arms[1]));
    let (diff, interval) = match seeds {
        Seeds::Common => (
            belonging::stats::compare_paired(&a, &b),
            "paired t over replicate pairs",
        ),
        Seeds::Independent => (belonging::stats::compare(&a, &b), "Welch t"),
    };
    let d = metrics::agent_outcome(m).map(|_| {
        let pairs: Vec<(&[f64], &[f64])> = arms[0]
            .outcomes
            .iter()
            .zip(&arms[1].outcomes)
            .map(|(x, y)| (x.as_slice(), y.as_slice()))
            .collect();
        belonging::stats::agent_level_d(&pairs)
    });
    let mean_len = |arm: &Arm| {
        arm.outcomes.iter().map(|o| o.len() as f64).sum::<f64>() / arm.outcomes.len().max(1) as f64
    };
    Figures {
        diff,
        interval,
        d,
        agents: [mean_len(&arms[0]), mean_len(&arms[1])],
    }
}

#[allow(clippy::too_many_arguments)]
fn write_tables(
    out: &Path,
    metric: &str,
    at: u32,
    names: &[String; 2],
    seeds: Seeds,
    arms: &[Arm],
    r: &Figures,
    steps: u32,
) -> Result<()> {
    let f = |x: f64| {
        let mut s = String::new();
        belonging::output::tables::num(&mut s, x);
        s
    };
    let c = &r.diff;
    let nan = f64::NAN;
    let (d, d_low, d_high) =
        r.d.map_or((nan, nan, nan), |d| (d.mean, d.ci_low, d.ci_high));
    let mut csv = String::from(
        "metric,at,treatment,control,seeds,replicates,mean_treatment,mean_control,difference,\
         difference_ci_low,difference_ci_high,difference_interval,cohens_d,cohens_d_ci_low,\
         cohens_d_ci_high,agents_treatment,agents_control\n",
    );
    csv.push_str(&format!(
        "{metric},{at},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        csv_field(&names[0]),
        csv_field(&names[1]),
        if seeds == Seeds::Common {
            "common"
        } else {
            "independent"
        },
        c.n_a.min(c.n_b),
        f(c.mean_a),
        f(c.mean_b),
        f(c.diff),
        f(c.diff_low),
        f(c.diff_high),
        csv_field(r.interval),
        f(d),
        f(d_low),
        f(d_high),
        if r.d.is_some() {
            f(r.agents[0])
        } else {
            String::new()
        },
        if r.d.is_some() {
            f(r.agents[1])
        } else {
            String::new()
        },
    ));
    let bounds =
        metrics::index_of(metric).map_or(belonging::stats::Bounds::UNBOUNDED, metrics::bounds);
    let mut t = belonging::stats::TTable::default();
    let mut per_step = String::from("scenario,role,step,mean,sd,ci_low,ci_high,n\n");
    for (k, role) in ["treatment", "control"].into_iter().enumerate() {
        for step in 0..steps as usize {
            let xs: Vec<f64> = arms[k]
                .series
                .iter()
                .map(|s| s.get(step).or(s.last()).copied().unwrap_or(f64::NAN))
                .collect();
            let s = belonging::stats::summarize_in(&xs, bounds, &mut t);
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
    }
    for (name, text) in [("compare.csv", &csv), ("compare_series.csv", &per_step)] {
        belonging::output::atomic::write(&out.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    Ok(())
}
