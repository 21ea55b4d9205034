//! Target 2: loss and regain. After a disruptive event the affected agents' loneliness
//! rises, then falls again; the event-aligned trajectory shows both phases.

use super::*;

/// Per replicate: baseline = mean loneliness of the affected in the 8 weeks before their
/// event; peak = weeks 8–26 after it; late = weeks 130–156. Tolerance: the 95% CIs over
/// replicates of (peak − baseline) and of (peak − late) both lie above zero.
pub fn run(opts: &Options) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(10);
    let r = format!("replicates={reps}");
    let cfg = config("default", &[&r])?;
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
    let (r, rh) = mean_ci(&rise);
    let (f, fh) = mean_ci(&fall);
    let points = curve
        .iter()
        .enumerate()
        .map(|(k, xs)| {
            let (m, h) = mean_ci(xs);
            (k as f64 - before as f64, m, m - h, m + h)
        })
        .collect();
    Ok(Report {
        target: 2,
        title: "loss and regain".into(),
        claim: "Life-changing events disrupt places of belonging and bring loneliness; \
                belonging can be regained through new and support groups (Haslam et al. \
                2009, SIMIC; the design brief's loss-and-regain curve)."
            .into(),
        scenario: "default (chronic illness, support groups), 10 years".into(),
        replicates: reps,
        checks: vec![
            Check {
                what: "rise: weeks 8–26 after the event minus the 8 weeks before".into(),
                measured: r,
                half_width: rh,
                published: "> 0 (loss)".into(),
                tolerance: "95% CI above 0".into(),
                pass: r - rh > 0.0,
            },
            Check {
                what: "fall: weeks 8–26 minus weeks 130–156 after the event".into(),
                measured: f,
                half_width: fh,
                published: "> 0 (regain)".into(),
                tolerance: "95% CI above 0".into(),
                pass: f - fh > 0.0,
            },
        ],
        series: vec![Series {
            name: "affected agents".into(),
            points,
        }],
        x_label: "Weeks since the event".into(),
        y_label: "Mean loneliness (0–1)".into(),
    })
}
