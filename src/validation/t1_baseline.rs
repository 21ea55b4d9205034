//! Target 1: a stable baseline. With no life events, the prevalence of loneliness stays in
//! the published range and does not drift over 10 simulated years.

use super::*;

/// Tolerances: the 95% CI of the replicates' mean prevalence must lie inside 5–25%; the
/// drift (mean of year 10 minus mean of year 1, per replicate) must have a 95% CI inside ±2
/// percentage points, an equivalence margin of a tenth of the 5–25% band.
pub fn run(opts: &Options) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(10);
    let r = format!("replicates={reps}");
    let cfg = config("default", &["events[0].hazard=0", &r])?;
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
            by_step[t].push(*v);
        }
    }
    let (m, h) = mean_ci(&level);
    let (d, dh) = mean_ci(&drift);
    let points = by_step
        .iter()
        .enumerate()
        .map(|(t, xs)| {
            let (m, h) = mean_ci(xs);
            (t as f64, 100.0 * m, 100.0 * (m - h), 100.0 * (m + h))
        })
        .collect();
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
        checks: vec![
            Check {
                what: "prevalence of loneliness, mean over 10 years".into(),
                measured: m,
                half_width: h,
                published: "0.05–0.25 (Surkalim et al. 2022: 0.03–0.28)".into(),
                tolerance: "95% CI inside 0.05–0.25".into(),
                pass: m - h >= 0.05 && m + h <= 0.25,
            },
            Check {
                what: "drift: year 10 minus year 1 prevalence".into(),
                measured: d,
                half_width: dh,
                published: "0 (a stationary baseline)".into(),
                tolerance: "95% CI inside ±0.02".into(),
                pass: d - dh > -0.02 && d + dh < 0.02,
            },
        ],
        series: vec![Series {
            name: "lonely agents (mean over replicates)".into(),
            points,
        }],
        x_label: "Time (weeks)".into(),
        y_label: "Lonely agents (%)".into(),
    })
}
