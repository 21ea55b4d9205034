//! Target 5: loneliness spreads through the network and fades with distance (Cacioppo, Fowler
//! & Christakis 2009, J. Pers. Soc. Psychol. 97:977-991: an agent is about 52% more likely to
//! be lonely if a contact at distance 1 is lonely, 25% at distance 2, 15% at distance 3, and
//! not more likely beyond), and the lonely have fewer ties (they drift to the periphery).
//!
//! Measured on the final state of scenario `contagion`: for every lonely agent (alter), the
//! agents at exact network distance k (breadth-first search over ties of any weight) are
//! egos; the excess risk at distance k is (lonely egos) / (expected lonely egos) - 1 over all
//! such (ego, alter) pairs of a replicate, where an ego's expected risk is the share lonely
//! among all agents of the same degree (capped at 30). Conditioning on degree separates
//! contagion from the periphery effect: egos reached through ties have ties, and the lonely
//! have fewer, so a plain base rate (which counts the isolated) would make every distance look
//! protective. Published studies compare with shuffled networks for the same reason. 95% CIs
//! over replicates (16 by default: the scenario's neighbourhoods differ between replicates,
//! which widens the spread at distances 2 and 3).
//!
//! Tolerances. Magnitudes (`Within` on the 95% CI over replicates): the excess risk at
//! distance 1, 2 and 3 against the published +52%, +25% and +15%. The paper's text as we
//! have it quotes no confidence interval for these figures, so the tolerance is a factor of
//! two either side of each published estimate: 26–104% at distance 1, 12.5–50% at 2,
//! 7.5–30% at 3. A factor of two is wide on purpose — the model's network, its threshold of
//! loneliness and its degree-matched baseline are not the Framingham Heart Study's — yet it
//! still tells "about +50%" from "about +150%" or from "none", which a sign cannot. Distance
//! 4: the paper finds no association beyond three degrees ("about 0"); the tolerance is
//! within ±15 points, the smallest association the paper does report (+15% at distance 3):
//! an excess smaller than that in either direction is "about 0" on the paper's own
//! resolution. Shape (`Above(0)` on replicate-wise differences): the excess decreases with
//! distance, 1 > 2 > 3. Periphery (`Below(0)`): the lonely have fewer ties than the others
//! (CI of the difference in mean degree below 0); the paper gives no magnitude on the
//! model's tie counts, so only the sign is checked.
//!
//! Plot: (a) the model's excess risk by distance (95% CIs, kept above -100%) with the
//! published figures and their tolerance boxes; (b) the degree gap of each replicate, its
//! mean with the 95% CI, and the "below 0" tolerance.

use super::{
    config, estimate, point_in, Bounds, Chart, Check, Options, RefKind, Report, Series, Tolerance,
    Tweak, ValidationError,
};
use crate::model::World;
use crate::rules::belonging::is_lonely;
use std::collections::VecDeque;

/// Largest distance measured.
pub const MAX_DISTANCE: usize = 4;
/// Degrees above this are pooled when computing the risk by degree.
const DEGREE_CAP: usize = 30;

/// Excess risk of being lonely (ratio - 1) given a lonely contact at exact distance
/// 1..=MAX_DISTANCE (index 0 = distance 1); NaN where undefined.
pub fn excess_by_distance(w: &World, threshold: f32) -> Vec<f64> {
    let n = w.n();
    let lonely: Vec<bool> = w
        .agents
        .loneliness
        .iter()
        .map(|&l| is_lonely(l, threshold))
        .collect();
    let base = lonely.iter().filter(|&&x| x).count() as f64 / n as f64;
    // Share lonely by degree (capped).
    let deg = |i: usize| w.agents.ties[i].len().min(DEGREE_CAP);
    let mut by_degree = [(0.0f64, 0.0f64); DEGREE_CAP + 1];
    for i in 0..n {
        let b = &mut by_degree[deg(i)];
        b.0 += f64::from(u8::from(lonely[i]));
        b.1 += 1.0;
    }
    let risk: Vec<f64> = by_degree
        .iter()
        .map(|&(l, c)| if c > 0.0 { l / c } else { 0.0 })
        .collect();
    let mut pairs = [0u64; MAX_DISTANCE + 1];
    let mut hits = [0u64; MAX_DISTANCE + 1];
    let mut expected = [0.0f64; MAX_DISTANCE + 1];
    let mut dist = vec![u8::MAX; n];
    let mut seen: Vec<usize> = Vec::new();
    let mut queue = VecDeque::new();
    for alter in (0..n).filter(|&i| lonely[i]) {
        for &i in &seen {
            dist[i] = u8::MAX;
        }
        seen.clear();
        dist[alter] = 0;
        seen.push(alter);
        queue.push_back(alter);
        while let Some(i) = queue.pop_front() {
            let d = dist[i] as usize;
            if d > 0 {
                pairs[d] += 1;
                hits[d] += u64::from(lonely[i]);
                expected[d] += risk[deg(i)];
            }
            if d == MAX_DISTANCE {
                continue;
            }
            for t in &w.agents.ties[i] {
                let j = t.other as usize;
                if dist[j] == u8::MAX {
                    dist[j] = (d + 1) as u8;
                    seen.push(j);
                    queue.push_back(j);
                }
            }
        }
    }
    (1..=MAX_DISTANCE)
        .map(|k| {
            if pairs[k] == 0 || base == 0.0 || expected[k] <= 0.0 {
                f64::NAN
            } else {
                hits[k] as f64 / expected[k] - 1.0
            }
        })
        .collect()
}

/// Mean degree of the lonely minus that of the others.
pub fn degree_gap(w: &World, threshold: f32) -> f64 {
    let (mut a, mut na, mut b, mut nb) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..w.n() {
        let d = w.agents.ties[i].len() as f64;
        if is_lonely(w.agents.loneliness[i], threshold) {
            a += d;
            na += 1.0;
        } else {
            b += d;
            nb += 1.0;
        }
    }
    a / na - b / nb
}

pub fn run(opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(16);
    let cfg = config("contagion", &[&format!("replicates={reps}")], tweaks)?;
    let th = cfg.scenario.belonging.threshold as f32;
    let results = super::run_all(&cfg, opts)?;
    let mut excess: Vec<Vec<f64>> = Vec::new();
    let mut gaps = Vec::new();
    for r in &results {
        let w = super::final_world(r)?;
        excess.push(excess_by_distance(w, th));
        gaps.push(degree_gap(w, th));
    }
    let at = |k: usize| -> Vec<f64> { excess.iter().map(|e| 100.0 * e[k - 1]).collect() };
    let diff = |a: usize, b: usize| -> Vec<f64> {
        excess
            .iter()
            .map(|e| 100.0 * (e[a - 1] - e[b - 1]))
            .collect()
    };
    // Published excess risks (%) by distance (Cacioppo, Fowler & Christakis 2009) and the
    // tolerance of each: a factor of two either side; ±15 points at distance 4.
    let published = [52.0, 25.0, 15.0, 0.0];
    let band = |k: usize| -> (f64, f64) {
        if k == MAX_DISTANCE {
            (-15.0, 15.0)
        } else {
            (published[k - 1] / 2.0, published[k - 1] * 2.0)
        }
    };
    let text = |v: f64| {
        if v == 0.0 {
            "about 0 (no association beyond 3 degrees)".to_string()
        } else {
            format!("+{v}% (Cacioppo et al. 2009)")
        }
    };
    let mut checks = Vec::new();
    for k in 1..=MAX_DISTANCE {
        let (lo, hi) = band(k);
        let tolerance_text = if k == MAX_DISTANCE {
            "95% CI over replicates within ±15 points (the smallest association the paper \
             reports, +15% at distance 3)"
                .to_string()
        } else {
            format!(
                "95% CI over replicates within {lo}–{hi}% (a factor of two either side; \
                 the paper quotes no interval)"
            )
        };
        checks.push(Check::of(
            format!("excess risk of loneliness, lonely contact at distance {k} (%)"),
            estimate(&at(k)),
            text(published[k - 1]),
            Tolerance::Within(lo, hi),
            tolerance_text,
        ));
    }
    for (a, b) in [(1, 2), (2, 3)] {
        checks.push(Check::of(
            format!("excess at distance {a} minus distance {b} (points)"),
            estimate(&diff(a, b)),
            format!("+{}% vs +{}%", published[a - 1], published[b - 1]),
            Tolerance::Above(0.0),
            "95% CI over replicates above 0 (decreasing with distance)",
        ));
    }
    let gap = Check::of(
        "mean degree of the lonely minus the others (ties)",
        estimate(&gaps),
        "< 0 (the lonely are at the periphery; no magnitude on the model's ties)",
        Tolerance::Below(0.0),
        "95% CI over replicates below 0",
    );
    // Excess risk is a ratio minus 1: at least -100%.
    let excess_range = Bounds {
        lo: Some(-100.0),
        hi: None,
    };
    let model = (1..=MAX_DISTANCE)
        .map(|k| point_in(k as f64, &at(k), excess_range))
        .collect();
    let mut by_distance = Chart::new(
        format!("(a) Excess risk by distance (model: mean of {reps} replicates)"),
        "network distance to a lonely contact (ties)",
        "excess risk of loneliness (%)",
        excess_range,
    )
    .with_series(Series {
        name: "model (mean)".into(),
        points: model,
    });
    for k in 1..=MAX_DISTANCE {
        let (lo, hi) = band(k);
        by_distance = by_distance.with_ref(
            "tolerance: ×½ to ×2 (distance 4: ±15)",
            RefKind::Interval {
                x: k as f64,
                width: 0.3,
                lo,
                hi,
            },
        );
    }
    for k in 1..=MAX_DISTANCE {
        by_distance = by_distance.with_ref(
            "Cacioppo, Fowler & Christakis 2009",
            RefKind::Point {
                x: k as f64,
                y: published[k - 1],
            },
        );
    }
    let degree = Chart::new(
        "(b) Mean degree, lonely minus others, per replicate",
        "replicate",
        "degree gap (ties)",
        Bounds::UNBOUNDED,
    )
    .per_replicate("degree gap", &gaps, &gap, 1.0)
    .with_ref(
        "tolerance: 95% CI below 0 (sign only)",
        RefKind::Band {
            lo: None,
            hi: Some(0.0),
        },
    );
    checks.push(gap);
    Ok(Report {
        target: 5,
        title: "Contagion with distance".into(),
        claim: "Being lonely is more likely with a lonely contact at distance 1, less at 2, \
                less again at 3, and not beyond (Cacioppo, Fowler & Christakis 2009, JPSP \
                97:977-991: +52%, +25%, +15%); the lonely have fewer ties"
            .into(),
        scenario: "contagion".into(),
        replicates: reps,
        checks,
        charts: vec![by_distance, degree],
    })
}
