//! Validation targets of docs/ODD.md (section 7), over replicates, each with a tolerance derived from the
//! replicates' spread (95% CI, Student t) and, where the claim is "about" a published
//! figure, a stated margin.

use crate::common::*;
use belonging::model::metrics::{index_of, NAMES};

fn metric(name: &str) -> usize {
    index_of(name).unwrap_or_else(|| panic!("no metric {name} in {NAMES:?}"))
}

/// Target 1: with no life events, the prevalence of loneliness stays within the published
/// range (Surkalim et al. 2022: 3-28% across ages and regions; the design brief asks for roughly
/// 5-25%) and does not drift over 10 simulated years.
///
/// Tolerances: the 95% CI of the replicates' mean prevalence must lie inside 5-25%; the
/// drift (year-10 mean minus year-1 mean, per replicate) must have a 95% CI inside +-2
/// percentage points, an equivalence margin of a tenth of the 5-25% band.
#[test]
fn target_1_stable_baseline() {
    let cfg = config("default", &["events[0].hazard=0", "replicates=10"]);
    assert_eq!(cfg.scenario.steps, 520, "10 simulated years");
    let results = run_all(&cfg, 2);
    let p = metric("loneliness_prevalence");
    let mut level = Vec::new();
    let mut drift = Vec::new();
    for r in &results {
        let prev: Vec<f64> = r.series.iter().map(|m| m.values[p]).collect();
        level.push(prev.iter().sum::<f64>() / prev.len() as f64);
        let first: f64 = prev[..52].iter().sum::<f64>() / 52.0;
        let last: f64 = prev[prev.len() - 52..].iter().sum::<f64>() / 52.0;
        drift.push(last - first);
        assert_eq!(r.series.last().unwrap().values[metric("affected")], 0.0);
    }
    let (m, h) = mean_ci(&level);
    eprintln!("target 1: prevalence {:.4} +- {:.4}", m, h);
    assert!(
        m - h >= 0.05 && m + h <= 0.25,
        "prevalence {m:.4} +- {h:.4} outside 5-25%"
    );
    let (d, dh) = mean_ci(&drift);
    eprintln!("target 1: drift over 10 years {:.4} +- {:.4}", d, dh);
    assert!(
        d - dh > -0.02 && d + dh < 0.02,
        "drift {d:.4} +- {dh:.4} exceeds +-2 points"
    );
}

/// Target 2: after a disruptive event, the affected agents' loneliness rises, then falls
/// again (the event-aligned trajectory shows both phases).
///
/// Per replicate: baseline = mean loneliness in the 8 weeks before the event; peak = mean
/// over weeks 8-26 after it; late = mean over weeks 130-156. Tolerance: the 95% CI over
/// replicates of (peak - baseline) and of (peak - late) must both lie above zero.
#[test]
fn target_2_loss_and_regain() {
    let cfg = config("default", &["replicates=10"]);
    let results = run_all(&cfg, 2);
    let (mut rise, mut fall) = (Vec::new(), Vec::new());
    for r in &results {
        let before = r.aligned_before as i64;
        let window = |from: i64, to: i64| {
            let (mut s, mut n) = (0.0, 0u64);
            for k in from..=to {
                let b = r.aligned[(before + k) as usize];
                s += b.loneliness_sum;
                n += b.n;
            }
            assert!(n > 0, "no affected agents in weeks {from}..{to}");
            s / n as f64
        };
        let base = window(-8, -1);
        let peak = window(8, 26);
        let late = window(130, 156);
        rise.push(peak - base);
        fall.push(peak - late);
    }
    let (r, rh) = mean_ci(&rise);
    let (f, fh) = mean_ci(&fall);
    eprintln!("target 2: rise {r:.4} +- {rh:.4}, fall {f:.4} +- {fh:.4}");
    assert!(
        r - rh > 0.0,
        "loneliness does not rise after the event: {r:.4} +- {rh:.4}"
    );
    assert!(
        f - fh > 0.0,
        "loneliness does not fall again: {f:.4} +- {fh:.4}"
    );
}

/// Target 9: classic identity dynamics — Axelrod's (1997) Table 1 of stable cultural regions
/// and the bounded-confidence rule's ⌊1/(2ε)⌋ major clusters (Deffuant et al. 2000). The
/// checks and their tolerances are stated in `src/validation/t9_classic.rs` and in the report.
#[test]
fn target_9_classic_identity_dynamics() {
    let opts = belonging::validation::Options {
        threads: 2,
        replicates: None,
    };
    let r = belonging::validation::run(9, &opts).expect("target 9 runs");
    eprintln!("{r}");
    assert!(r.pass(), "{r}");
}
