//! Long runs stay sound: 100 years (5,200 weeks, after each scenario's burn-in) of every
//! built-in scenario keep every invariant and produce no NaN, and the baseline does not drift.
//!
//! To keep this test near a minute on two cores, populations are smaller than in the library
//! (300 agents; the Axelrod lattice keeps its 100, bounded confidence on the complete graph
//! runs 150), one replicate each, scenarios in parallel (rayon). Invariants are checked every
//! 10 weeks (every step is checked in `invariants.rs` over shorter runs) and after the last.
//!
//! Drift is judged on the *baseline* of each scenario of the town (prototype rule): the same
//! scenario without life events and interventions, which is meant to be stationary once the
//! burn-in is over. With events, chronic conditions accumulate over a century (a hazard of
//! 0.001 a week strikes 99% of agents in 100 years), so a trend is the intended dynamics, not
//! drift. The classic scenarios (Axelrod, bounded confidence) converge to absorbing states by
//! design and are judged on invariants and NaN only.
//!
//! Tolerance: with yearly means y of loneliness (and of prevalence) over years 10-20 and
//! 90-100, |mean(late) - mean(early)| must be at most 4 × the pooled standard deviation of the
//! yearly means + 0.01. Yearly means are autocorrelated, so the sd is not divided by √10: the
//! test asks that the late century stays within the year-to-year spread of the early one.

use crate::common::config;
use belonging::dynamics;
use belonging::dynamics::init;
use belonging::model::metrics::{self, M, NAMES};
use belonging::scenario::{builtin, IdentityRule};
use rayon::prelude::*;
use std::time::Instant;

const WEEKS: u32 = 5_200;
const YEAR: usize = 52;
/// Metrics that are means over a set that may be empty (no affected agent, no support group,
/// no tie), NaN by design (see model::metrics).
fn may_be_empty(name: &str) -> bool {
    name.contains("affected")
        || name.starts_with("support_")
        || name == "mean_tie_weight"
        || name == "integration_mean_affected"
}

/// What one 100-year run produced: yearly means of loneliness and prevalence.
struct Century {
    name: String,
    baseline: bool,
    stationary: bool,
    loneliness: Vec<f64>,
    prevalence: Vec<f64>,
    seconds: f64,
}

fn sets_for(name: &str) -> Vec<&'static str> {
    let mut sets = vec!["replicates=1", "steps=5200"];
    match name {
        // The 10 x 10 lattice holds the population exactly; keep it.
        "axelrod" => {}
        // N(N-1)/2 ties: 150 agents keep the complete graph small.
        "bounded-confidence" => sets.push("population.size=150"),
        _ => sets.push("population.size=300"),
    }
    sets
}

fn century(name: &str, baseline: bool) -> Result<Century, String> {
    let mut sets = sets_for(name);
    if baseline {
        sets.extend(["events=[]", "interventions=[]"]);
    }
    let cfg = config(name, &sets);
    let s = &cfg.scenario;
    let started = Instant::now();
    let mut w = init::build(&cfg, s.seed);
    let fail = |w: &belonging::model::World, e: String| {
        format!(
            "{name}{}: week {}: {e}",
            if baseline { " (baseline)" } else { "" },
            w.t
        )
    };
    w.check_invariants().map_err(|e| fail(&w, e))?;
    for _ in 0..s.burn_in {
        dynamics::step(&mut w, &cfg, s.seed);
    }
    let mut loneliness = Vec::new();
    let mut prevalence = Vec::new();
    let (mut l_sum, mut p_sum) = (0.0, 0.0);
    for week in 0..WEEKS as usize {
        dynamics::step(&mut w, &cfg, s.seed);
        if week % 10 == 9 || week + 1 == WEEKS as usize {
            w.check_invariants().map_err(|e| fail(&w, e))?;
        }
        let m = metrics::observe(&w, s.belonging.threshold, s.identity.cluster_tolerance);
        if let Some((k, v)) = m
            .values
            .iter()
            .enumerate()
            .find(|(k, v)| !v.is_finite() && !may_be_empty(NAMES[*k]))
        {
            return Err(fail(&w, format!("metric {} = {v}", NAMES[k])));
        }
        l_sum += m.get(M::loneliness_mean);
        p_sum += m.get(M::loneliness_prevalence);
        if (week + 1) % YEAR == 0 {
            loneliness.push(l_sum / YEAR as f64);
            prevalence.push(p_sum / YEAR as f64);
            (l_sum, p_sum) = (0.0, 0.0);
        }
    }
    Ok(Century {
        name: name.to_string(),
        baseline,
        stationary: baseline && s.identity.rule == IdentityRule::Prototype,
        loneliness,
        prevalence,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// `Err` when years 90-100 differ from years 10-20 by more than the tolerance (module docs).
fn drift(what: &str, yearly: &[f64]) -> Result<String, String> {
    let (early, e_sd) = mean_sd(&yearly[10..20]);
    let (late, l_sd) = mean_sd(&yearly[90..100]);
    let sd = ((e_sd * e_sd + l_sd * l_sd) / 2.0).sqrt();
    let tolerance = 4.0 * sd + 0.01;
    let line = format!(
        "{what}: years 10-20 {early:.4}, years 90-100 {late:.4}, |diff| {:.4}, tolerance {tolerance:.4}",
        (late - early).abs()
    );
    if (late - early).abs() <= tolerance {
        Ok(line)
    } else {
        Err(line)
    }
}

#[test]
fn a_century_of_every_builtin_scenario_stays_sound_and_the_baseline_does_not_drift() {
    let started = Instant::now();
    let mut jobs: Vec<(&str, bool)> = Vec::new();
    for name in builtin::names() {
        jobs.push((name, false));
        if !matches!(name, "axelrod" | "bounded-confidence") {
            jobs.push((name, true));
        }
    }
    let results: Vec<Result<Century, String>> =
        jobs.par_iter().map(|&(n, b)| century(n, b)).collect();
    let mut failures = Vec::new();
    for r in &results {
        match r {
            Err(e) => failures.push(e.clone()),
            Ok(c) => {
                assert_eq!(c.loneliness.len(), 100, "{}: 100 yearly means", c.name);
                let label = format!(
                    "{}{} ({:.1} s)",
                    c.name,
                    if c.baseline { " baseline" } else { "" },
                    c.seconds
                );
                if !c.stationary {
                    eprintln!("{label}: invariants and metrics sound for 100 years");
                    continue;
                }
                for (what, v) in [("loneliness", &c.loneliness), ("prevalence", &c.prevalence)] {
                    match drift(what, v) {
                        Ok(line) => eprintln!("{label}: {line}"),
                        Err(line) => failures.push(format!("{label}: drift: {line}")),
                    }
                }
            }
        }
    }
    eprintln!(
        "{} century runs in {:.1} s",
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
