//! Target 7: exclusion (Williams 2009, the temporal need-threat model: reflexive pain,
//! reflective coping, and resignation only after long-term exclusion). Stigma without
//! support raises resignation; one episode of exclusion does not.
//!
//! Stochastic part: scenario `stigma` (a visible, stigmatized condition, low acceptance
//! norms, no support groups) against the same scenario with `events[0].stigma=0`, replicate
//! r of both sharing its seed. Measured: the share of all agents resigned, averaged over the
//! last 52 weeks, per replicate. Tolerance: the 95% CI (Student t, over replicate pairs) of
//! the difference (stigma - no stigma) lies above 0 (`Above(0)`; Williams gives no prevalence
//! of resignation, so only the sign is checked). The two levels are reported beside it.
//!
//! Mechanism part (deterministic, `Tolerance::Exact`: holds or refuted, never inconclusive):
//! with the parameters of `stigma` and of `default`, an agent with a clean record is excluded
//! once (`dynamics::exclusion::exclude`) and then lives 104 weeks of
//! `dynamics::exclusion::weekly`; it must never be resigned. As a control, the same agent
//! excluded every week must become resigned (sustained exclusion does it).
//!
//! Plot: (a) the share resigned by week in both arms (95% CIs inside 0–100%) with the year
//! compared; (b) the difference of each replicate pair, its mean with the 95% CI, and the
//! "above 0" tolerance.

use super::{
    config, estimate, metric, point_in, Bounds, Chart, Check, Options, RefKind, Report, Series,
    Tolerance, Tweak, ValidationError, PERCENT,
};
use crate::dynamics::exclusion::{exclude, weekly};
use crate::dynamics::init;
use crate::rng::{stream, Phase};
use crate::scenario::Config;

/// Weeks resigned after one exclusion episode over `weeks` weeks, and the first week at which
/// an agent excluded every week is resigned (None = never).
pub fn episode_check(cfg: &Config, weeks: u32) -> (u32, Option<u32>) {
    let mut resigned_weeks = 0;
    let mut first = None;
    for sustained in [false, true] {
        let mut w = init::build(cfg, 11);
        let (i, j) = (0usize, 1usize);
        let a = &mut w.agents;
        a.exclusion[i] = 0.0;
        a.excluded_weeks[i] = 0;
        a.resigned[i] = false;
        for t in 0..weeks {
            if t == 0 || sustained {
                exclude(&mut w, cfg, i, j, 0);
            }
            weekly(&mut w, cfg, &mut stream(11, t as u64, Phase::Exclusion));
            if w.agents.resigned[i] {
                if sustained {
                    first = first.or(Some(t + 1));
                } else {
                    resigned_weeks += 1;
                }
            }
        }
    }
    (resigned_weeks, first)
}

/// Share of all agents resigned, per week, per replicate.
fn resigned_share(results: &[crate::experiment::JobResult], n: f64) -> Vec<Vec<f64>> {
    let k = metric("resigned");
    results
        .iter()
        .map(|r| r.series.iter().map(|m| m.values[k] / n).collect())
        .collect()
}

pub fn run(opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(6);
    let sets = [format!("replicates={reps}")];
    let with: Vec<&str> = sets.iter().map(String::as_str).collect();
    let mut without = with.clone();
    without.push("events[0].stigma=0");
    let cfg = config("stigma", &with, tweaks)?;
    let cfg0 = config("stigma", &without, tweaks)?;
    let n = cfg.scenario.population.size as f64;
    let a = resigned_share(&super::run_all(&cfg, opts)?, n);
    let b = resigned_share(&super::run_all(&cfg0, opts)?, n);
    let last_year = |s: &[f64]| {
        let x = &s[s.len().saturating_sub(52)..];
        x.iter().sum::<f64>() / x.len().max(1) as f64
    };
    let la: Vec<f64> = a.iter().map(|s| 100.0 * last_year(s)).collect();
    let lb: Vec<f64> = b.iter().map(|s| 100.0 * last_year(s)).collect();
    let diff: Vec<f64> = la.iter().zip(&lb).map(|(x, y)| x - y).collect();
    let diff_check = Check::of(
        "resigned share, stigma - no stigma (points)",
        estimate(&diff),
        "> 0 (Williams 2009; no published prevalence)",
        Tolerance::Above(0.0),
        "95% CI over replicate pairs above 0",
    );
    let mut checks = vec![
        Check::of(
            "resigned agents, stigma (%), last year",
            estimate(&la),
            "raised by sustained exclusion",
            Tolerance::Reported,
            "reported",
        ),
        Check::of(
            "resigned agents, no stigma (%), last year",
            estimate(&lb),
            "-",
            Tolerance::Reported,
            "reported",
        ),
        diff_check.clone(),
    ];
    for name in ["stigma", "default"] {
        let c = config(name, &["population.size=10"], tweaks)?;
        let (once, sustained) = episode_check(&c, 104);
        checks.push(Check::figure(
            format!("weeks resigned after one exclusion episode ({name} parameters)"),
            once as f64,
            0,
            "0 (acute exclusion does not cause resignation)",
            Tolerance::Exact(once == 0),
            "exactly 0 over 104 weeks (deterministic)",
        ));
        checks.push(Check::figure(
            format!("week of resignation under exclusion every week ({name} parameters)"),
            sustained.map_or(f64::NAN, f64::from),
            0,
            "resignation after sustained exclusion",
            Tolerance::Exact(sustained.is_some()),
            format!(
                "resigned within 104 weeks (resign_weeks = {}; deterministic)",
                c.scenario.exclusion.resign_weeks
            ),
        ));
    }
    let series = |name: &str, s: &[Vec<f64>]| Series {
        name: name.into(),
        points: (0..s[0].len())
            .step_by(4)
            .map(|t| {
                let xs: Vec<f64> = s.iter().map(|r| 100.0 * r[t]).collect();
                point_in(t as f64, &xs, PERCENT)
            })
            .collect(),
    };
    let weeks = a[0].len() as f64;
    let levels = Chart::new(
        format!("(a) Resigned agents by week (mean of {reps} replicates)"),
        "week",
        "resigned agents (% of all)",
        PERCENT,
    )
    .with_series(series("stigma", &a))
    .with_series(series("no stigma (events[0].stigma=0)", &b))
    .with_ref(
        "compared: the last 52 weeks",
        RefKind::Window {
            from: (weeks - 52.0).max(0.0),
            to: weeks - 1.0,
        },
    );
    let differences = Chart::new(
        "(b) Stigma − no stigma, last year, per replicate pair",
        "replicate pair",
        "difference (% points)",
        Bounds {
            lo: Some(-100.0),
            hi: Some(100.0),
        },
    )
    .per_replicate("difference", &diff, &diff_check, 1.0)
    .with_ref(
        "tolerance: 95% CI above 0 (sign only)",
        RefKind::Band {
            lo: Some(0.0),
            hi: None,
        },
    );
    Ok(Report {
        target: 7,
        title: "Exclusion and resignation".into(),
        claim: "Stigma without support raises resignation; one episode of exclusion does not \
                (Williams 2009, Adv. Exp. Soc. Psychol. 41:275-314)"
            .into(),
        scenario: "stigma vs stigma with events[0].stigma=0".into(),
        replicates: reps,
        checks,
        charts: vec![levels, differences],
    })
}
