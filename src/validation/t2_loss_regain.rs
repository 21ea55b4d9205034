//! Target 2: loss and regain. After a disruptive event the affected agents' loneliness
//! rises, then falls again; the event-aligned trajectory shows both phases.
//!
//! Per replicate: baseline = mean loneliness of the affected in the 8 weeks before their
//! event; peak = weeks 8–26 after it; late = weeks 130–156. Checks: the 95% CIs over
//! replicates of (peak − baseline) and of (peak − late) both lie above zero (`Above(0)`).
//! The sources (Haslam et al. 2009, SIMIC; the design brief's loss-and-regain curve) give the
//! shape, not a magnitude on a loneliness scale, so only the signs are checked.
//!
//! Plot: (a) the event-aligned mean loneliness (95% CI inside 0–1) with the three windows
//! compared; (b) the rise and the fall of each replicate, their means with 95% CIs, and the
//! "above 0" tolerance.

use super::*;

pub fn run(opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(10);
    let r = format!("replicates={reps}");
    let cfg = config("default", &[&r], tweaks)?;
    let results = run_all(&cfg, opts)?;
    let (mut rise, mut fall) = (Vec::new(), Vec::new());
    let before = results.first().map_or(0, |r| r.aligned_before as i64);
    let len = results.first().map_or(0, |r| r.aligned.len());
    let mut curve = vec![Vec::new(); len];
    for res in &results {
        let window = |from: i64, to: i64| -> Result<f64, ValidationError> {
            let (mut s, mut n) = (0.0, 0u64);
            for k in from..=to {
                let b = res.aligned[(before + k) as usize];
                s += b.loneliness_sum;
                n += b.n;
            }
            if n == 0 {
                return Err(ValidationError::Run(format!(
                    "no affected agents in weeks {from}..{to} after their event"
                )));
            }
            Ok(s / n as f64)
        };
        let base = window(-8, -1)?;
        let peak = window(8, 26)?;
        let late = window(130, 156)?;
        rise.push(peak - base);
        fall.push(peak - late);
        for (k, b) in res.aligned.iter().enumerate() {
            if b.n > 0 {
                curve[k].push(b.loneliness_sum / b.n as f64);
            }
        }
    }
    let rise_check = Check::of(
        "rise: weeks 8–26 after the event minus the 8 weeks before",
        estimate(&rise),
        "> 0 (loss; no published magnitude)",
        Tolerance::Above(0.0),
        "95% CI above 0",
    );
    let fall_check = Check::of(
        "fall: weeks 8–26 minus weeks 130–156 after the event",
        estimate(&fall),
        "> 0 (regain; no published magnitude)",
        Tolerance::Above(0.0),
        "95% CI above 0",
    );
    let points = curve
        .iter()
        .enumerate()
        .map(|(k, xs)| point_in(k as f64 - before as f64, xs, Bounds::UNIT))
        .collect();
    let windows = "compared: −8…−1, 8…26, 130…156";
    let curve_chart = Chart::new(
        format!("(a) Affected agents around their event (mean of {reps} replicates)"),
        "Weeks since the event",
        "Mean loneliness (0–1)",
        Bounds::UNIT,
    )
    .with_series(Series {
        name: "affected agents (mean)".into(),
        points,
    })
    .with_ref(
        windows,
        RefKind::Window {
            from: -8.0,
            to: -1.0,
        },
    )
    .with_ref(
        windows,
        RefKind::Window {
            from: 8.0,
            to: 26.0,
        },
    )
    .with_ref(
        windows,
        RefKind::Window {
            from: 130.0,
            to: 156.0,
        },
    );
    let diff_chart = Chart::new(
        "(b) Rise and fall per replicate",
        "replicate",
        "rise, fall (0–1 scale)",
        Bounds {
            lo: Some(-1.0),
            hi: Some(1.0),
        },
    )
    .per_replicate("rise", &rise, &rise_check, 1.0)
    .per_replicate("fall", &fall, &fall_check, 1.0)
    .with_ref(
        "tolerance: 95% CI above 0 (sign only)",
        RefKind::Band {
            lo: Some(0.0),
            hi: None,
        },
    );
    Ok(Report {
        target: 2,
        title: "loss and regain".into(),
        claim: "Life-changing events disrupt places of belonging and bring loneliness; \
                belonging can be regained through new and support groups (Haslam et al. \
                2009, SIMIC; the design brief's loss-and-regain curve)."
            .into(),
        scenario: "default (chronic illness, support groups), 10 years".into(),
        replicates: reps,
        checks: vec![rise_check, fall_check],
        charts: vec![curve_chart, diff_chart],
    })
}
