//! Target 8: fluid collective identity. Support groups' prototypes (their collective
//! identities) end in different places in different replicates of the same scenario, and in
//! identical places when the seed is the same.

use super::*;
use crate::experiment::{run_job, Plan};

/// Position at `step` of the replicate's first support group (the lowest group id among
/// those recorded at that step), or None if it has none.
fn first_group(r: &JobResult, step: u32) -> Option<Vec<f64>> {
    r.prototypes
        .iter()
        .filter(|p| p.step == step)
        .min_by_key(|p| p.group)
        .map(|p| p.position.iter().map(|&x| x as f64).collect())
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Tolerances: rerunning replicate 0 with its seed reproduces every prototype exactly
/// (maximum difference 0); across seeds, no two replicates end with the same prototypes and
/// the mean distance between replicates' first support groups' final prototypes, with its
/// 95% CI, lies
/// above 0.05 (the identity resolution used for clusters, 5% of the space's side).
pub fn run(opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(12).max(3);
    let r = format!("replicates={reps}");
    let cfg = config("default", &[&r, "steps=156"], tweaks)?;
    let results = run_all(&cfg, opts)?;
    let last = cfg.scenario.steps - 1;

    // Same seed: the first replicate again.
    let plan = Plan::replicates(cfg.scenario.seed, cfg.scenario.replicates);
    let again = run_job(&cfg, plan.jobs[0]);
    let first = &results[0];
    let same = again.prototypes.len() == first.prototypes.len()
        && again
            .prototypes
            .iter()
            .zip(&first.prototypes)
            .all(|(a, b)| a == b);
    let max_diff = again
        .prototypes
        .iter()
        .zip(&first.prototypes)
        .flat_map(|(a, b)| a.position.iter().zip(&b.position))
        .map(|(x, y)| (x - y).abs() as f64)
        .fold(0.0, f64::max);

    // Different seeds: distances between the first support groups' final prototypes.
    let cents: Vec<Vec<f64>> = results
        .iter()
        .filter_map(|r| first_group(r, last))
        .collect();
    if cents.len() < 2 {
        return Err(ValidationError::Run(
            "fewer than two replicates ended with support groups".into(),
        ));
    }
    // Each replicate's mean distance to every other replicate (all pairs, so the estimate
    // does not hinge on which replicates happen to be neighbours).
    let pair: Vec<f64> = (0..cents.len())
        .map(|a| {
            let others: Vec<f64> = (0..cents.len())
                .filter(|&b| b != a)
                .map(|b| dist(&cents[a], &cents[b]))
                .collect();
            others.iter().sum::<f64>() / others.len() as f64
        })
        .collect();
    let min_pair = (0..cents.len())
        .flat_map(|a| (a + 1..cents.len()).map(move |b| (a, b)))
        .map(|(a, b)| dist(&cents[a], &cents[b]))
        .fold(f64::INFINITY, f64::min);

    let distance = Check::of(
        "different seeds: distance between replicates' first support groups, final prototypes",
        estimate(&pair),
        "clearly different places (no magnitude published)",
        Tolerance::Above(0.05),
        "95% CI above 0.05 (5% of the identity space's side)",
    );
    let mut paths = Chart::new(
        "(a) First support group's prototype (six replicates)",
        "Time (weeks)",
        "prototype, dimension 1 (0–1)",
        Bounds::UNIT,
    );
    paths.series = results
        .iter()
        .take(6)
        .map(|r| Series {
            name: format!("replicate {}", r.job.replicate),
            points: (0..cfg.scenario.steps)
                .filter_map(|t| first_group(r, t).map(|c| (t as f64, c[0], f64::NAN, f64::NAN)))
                .collect(),
        })
        .collect();
    let spread = Chart::new(
        "(b) Mean distance to the other replicates' final prototypes",
        "replicate (with a support group)",
        "distance (side = 1)",
        Bounds::NON_NEGATIVE,
    )
    .per_replicate("distance", &pair, &distance, 1.0)
    .with_ref(
        "tolerance: 95% CI above 0.05",
        RefKind::Band {
            lo: Some(0.05),
            hi: None,
        },
    );
    Ok(Report {
        target: 8,
        title: "fluid collective identity".into(),
        claim: "A support group's collective identity is constructed, fluid and unpredictable: \
                it looks different every time (the design brief, after Lehardy & Fowers 2018); \
                with the same seed the simulation reproduces it exactly."
            .into(),
        scenario: "default, 3 years".into(),
        replicates: reps,
        checks: vec![
            Check::figure(
                "same seed: largest difference of any prototype coordinate",
                max_diff,
                0,
                "0 (reproducible)",
                Tolerance::Exact(same && max_diff == 0.0),
                "exactly 0, every prototype row identical (deterministic)",
            ),
            Check::figure(
                "different seeds: closest pair of replicates' first support groups, final prototypes",
                min_pair,
                cents.len() as u32,
                "> 0 (different every time)",
                Tolerance::Exact(min_pair > 0.0),
                "above 0: no two replicates end in the same place",
            ),
            distance,
        ],
        charts: vec![paths, spread],
    })
}
