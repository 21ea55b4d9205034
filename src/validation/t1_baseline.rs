//! Target 1: a stable baseline. With no life events, the prevalence of loneliness stays in
//! the published range and does not drift over 10 simulated years.
//!
//! Checks (interval rules of [`super::verdict`]): the 95% CI over replicates of the mean
//! prevalence over 10 years must lie inside 5–25% (`Within`: the design brief's range,
//! inside the 3–28% Surkalim et al. 2022 report across ages and regions); the drift (mean of
//! year 10 minus mean of year 1, per replicate) must have a 95% CI inside ±2 percentage points
//! (`Within`), an equivalence margin of a tenth of the 5–25% band. Both are magnitudes.
//!
//! Plot: (a) the weekly prevalence (mean over replicates, 95% CI inside 0–100%) with the
//! 5–25% tolerance band and Surkalim et al.'s 3% and 28%; (b) the drift of each replicate,
//! its mean with the 95% CI, and the ±2-point band.

use super::*;

pub fn run(opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(10);
    let r = format!("replicates={reps}");
    let cfg = config("default", &["events[0].hazard=0", &r], tweaks)?;
    let results = run_all(&cfg, opts)?;
    let p = metric("loneliness_prevalence");
    let (mut level, mut drift) = (Vec::new(), Vec::new());
    let steps = cfg.scenario.steps as usize;
    let mut by_step = vec![Vec::new(); steps];
    for res in &results {
        let prev: Vec<f64> = res.series.iter().map(|m| m.values[p]).collect();
        level.push(prev.iter().sum::<f64>() / prev.len() as f64);
        let year = 52.min(prev.len());
        let first: f64 = prev[..year].iter().sum::<f64>() / year as f64;
        let last: f64 = prev[prev.len() - year..].iter().sum::<f64>() / year as f64;
        drift.push(last - first);
        for (t, v) in prev.iter().enumerate().take(steps) {
            by_step[t].push(100.0 * *v);
        }
    }
    let prevalence = Check::of(
        "prevalence of loneliness, mean over 10 years",
        estimate(&level),
        "0.05–0.25 (Surkalim et al. 2022: 0.03–0.28)",
        Tolerance::Within(0.05, 0.25),
        "95% CI inside 0.05–0.25",
    );
    let drift_check = Check::of(
        "drift: year 10 minus year 1 prevalence",
        estimate(&drift),
        "0 (a stationary baseline)",
        Tolerance::Within(-0.02, 0.02),
        "95% CI inside ±0.02",
    );
    let points = by_step
        .iter()
        .enumerate()
        .map(|(t, xs)| point_in(t as f64, xs, PERCENT))
        .collect();
    let level_chart = Chart::new(
        format!("(a) Lonely agents by week (mean of {reps} replicates)"),
        "Time (weeks)",
        "Lonely agents (%)",
        PERCENT,
    )
    .with_series(Series {
        name: "lonely agents (mean)".into(),
        points,
    })
    .with_ref(
        "tolerance: 10-year mean inside 5–25%",
        RefKind::Band {
            lo: Some(5.0),
            hi: Some(25.0),
        },
    )
    .with_ref("Surkalim et al. 2022: 3–28%", RefKind::Line { y: 3.0 })
    .with_ref("Surkalim et al. 2022: 3–28%", RefKind::Line { y: 28.0 });
    let drift_chart = Chart::new(
        "(b) Drift per replicate: year 10 minus year 1",
        "replicate",
        "drift (% points)",
        Bounds {
            lo: Some(-100.0),
            hi: Some(100.0),
        },
    )
    .per_replicate("drift", &drift, &drift_check, 100.0)
    .with_ref(
        "tolerance: 95% CI inside ±2 points",
        RefKind::Band {
            lo: Some(-2.0),
            hi: Some(2.0),
        },
    )
    .with_ref("published: 0 (stationary)", RefKind::Line { y: 0.0 });
    Ok(Report {
        target: 1,
        title: "stable baseline".into(),
        claim: "Without life events, loneliness prevalence stays within the range observed \
                in populations and does not drift (Surkalim et al. 2022, BMJ 376:e067068: \
                3–28% across ages and regions; Chawla et al. 2021; the design brief asks for \
                roughly 5–25%)."
            .into(),
        scenario: "default with events[0].hazard=0 (no life events), 10 years".into(),
        replicates: reps,
        checks: vec![prevalence, drift_check],
        charts: vec![level_chart, drift_chart],
    })
}
