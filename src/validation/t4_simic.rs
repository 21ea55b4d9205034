//! Target 4: the social identity model of identity change (SIMIC; Jetten, Haslam et al.
//! 2009/2014; Haslam et al. 2008, "Maintaining group memberships": stroke patients with more
//! group memberships before the stroke had higher well-being after it). The more groups an
//! agent had before its event, and the more it kept, the lower its loneliness after it
//! (monotone); joining new groups helps too.
//!
//! Measured on scenario `simic` (relocation: work, friends and community groups lost with
//! some probability; no support groups) from the per-agent bookkeeping of the final state:
//! `groups_before` (ordinary groups just before the event), `groups_kept` (of those, kept)
//! and `groups_joined` (groups joined in the 52 weeks after it), against `loneliness_year`
//! (loneliness 52 weeks after the event), for every agent followed that long.
//!
//! Per replicate: the least-squares slopes of loneliness on groups before (alone), on groups
//! kept (alone) and on groups joined (controlling for groups kept, since those who lost more
//! also have more reason to join). Tolerance: the 95% CI over replicates (Student t) of each
//! slope lies below 0 (`Below(0)`). The sources report associations with well-being on their
//! own scales, not a slope of loneliness per group, so only the signs are checked.
//!
//! Monotone (`Tolerance::Decreasing`): the pooled mean loneliness by number of groups (before
//! the event; kept), over the counts held by at least 2% of the followed agents. Refuted if a
//! rise from one count to the next is significant at the 5% level, one-sided,
//! Bonferroni-corrected over the pairs of neighbouring counts (a rise counts only above z ×
//! the standard error of the difference, z = Φ⁻¹(1 − 0.05 / pairs); 2.33 for 5 pairs): the
//! measured figure is the largest rise net of that margin. Holds if no rise is significant
//! and the decrease from the lowest count to the highest is (its 95% interval, 1.96 standard
//! errors, lies above 0). Inconclusive otherwise, or with fewer than two counts. Where the
//! curve flattens (6 and 7 groups before: belonging saturates) the true difference is about
//! 0, and a looser margin (one standard error) would refute by chance about one time in six
//! per pair. The standard errors are over pooled agents; the replicates that would decide
//! are estimated from the half-width falling as 1/√replicates.
//!
//! Plot: (a) mean loneliness by number of groups (95% CIs inside 0–1); (b) the three slopes
//! of each replicate, their means with 95% CIs, and the "below 0" tolerance.

use super::{
    config, mean_ci, Bounds, Chart, Check, Options, RefKind, Report, Series, Tolerance, Tweak,
    ValidationError,
};
use crate::model::World;
use statrs::distribution::{ContinuousCDF, Normal};

/// (before, kept, joined, loneliness a year after) of every agent followed a year.
pub fn followed(w: &World) -> Vec<(f64, f64, f64, f64)> {
    let a = &w.agents;
    (0..w.n())
        .filter(|&i| a.loneliness_year[i].is_finite())
        .map(|i| {
            (
                a.groups_before[i] as f64,
                a.groups_kept[i] as f64,
                a.groups_joined[i] as f64,
                a.loneliness_year[i] as f64,
            )
        })
        .collect()
}

/// Least-squares coefficients of y on the columns of x (with an intercept, first), by the
/// normal equations (Gauss-Jordan on a tiny system). None when singular.
pub fn ols(x: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let p = x.first().map_or(0, Vec::len) + 1;
    let mut m = vec![vec![0.0; p + 1]; p];
    for (row, &yi) in x.iter().zip(y) {
        let r: Vec<f64> = std::iter::once(1.0).chain(row.iter().copied()).collect();
        for a in 0..p {
            for b in 0..p {
                m[a][b] += r[a] * r[b];
            }
            m[a][p] += r[a] * yi;
        }
    }
    for c in 0..p {
        let piv = (c..p).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))?;
        if m[piv][c].abs() < 1e-12 {
            return None;
        }
        m.swap(c, piv);
        for r in 0..p {
            if r != c {
                let f = m[r][c] / m[c][c];
                for k in c..=p {
                    m[r][k] -= f * m[c][k];
                }
            }
        }
    }
    Some((0..p).map(|c| m[c][p] / m[c][c]).collect())
}

/// Pooled mean, standard error and count of loneliness by value of a count variable.
fn by_count(
    rows: &[(f64, f64, f64, f64)],
    key: impl Fn(&(f64, f64, f64, f64)) -> f64,
) -> Vec<(f64, f64, f64, usize)> {
    let max = rows.iter().map(&key).fold(0.0, f64::max) as usize;
    (0..=max)
        .filter_map(|k| {
            let ys: Vec<f64> = rows
                .iter()
                .filter(|r| key(r) as usize == k)
                .map(|r| r.3)
                .collect();
            if ys.len() < 2 {
                return None;
            }
            let (m, h) = mean_ci(&ys);
            let se = h / crate::stats::t975(ys.len() - 1);
            Some((k as f64, m, se, ys.len()))
        })
        .collect()
}

pub fn run(opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    let reps = opts.replicates_or(8);
    let cfg = config("simic", &[&format!("replicates={reps}")], tweaks)?;
    let results = super::run_all(&cfg, opts)?;
    let (mut s_before, mut s_kept, mut s_joined) = (Vec::new(), Vec::new(), Vec::new());
    let mut pooled = Vec::new();
    for r in &results {
        let w = super::final_world(r)?;
        let rows = followed(w);
        let y: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let slope = |x: Vec<Vec<f64>>, k: usize| ols(&x, &y).map_or(f64::NAN, |b| b[k]);
        s_before.push(slope(rows.iter().map(|r| vec![r.0]).collect(), 1));
        s_kept.push(slope(rows.iter().map(|r| vec![r.1]).collect(), 1));
        s_joined.push(slope(rows.iter().map(|r| vec![r.1, r.2]).collect(), 2));
        pooled.extend(rows);
    }
    let mut checks = Vec::new();
    let published = "< 0 (Haslam et al. 2008; Jetten et al. 2009; no magnitude on this scale)";
    let slopes = [
        (
            "slope of loneliness on groups before the event (per group)",
            "before",
            &s_before,
        ),
        (
            "slope of loneliness on groups kept (per group)",
            "kept",
            &s_kept,
        ),
        (
            "slope of loneliness on groups joined in the year after (per group, kept held fixed)",
            "joined",
            &s_joined,
        ),
    ];
    let mut slope_chart = Chart::new(
        "(b) Slopes per replicate",
        "replicate",
        "slope (per group)",
        Bounds::UNBOUNDED,
    );
    for (what, short, xs) in slopes {
        let c = Check::of(
            what,
            super::estimate(xs),
            published,
            Tolerance::Below(0.0),
            "95% CI over replicates below 0",
        );
        slope_chart = slope_chart.per_replicate(short, xs, &c, 1.0);
        checks.push(c);
    }
    slope_chart = slope_chart.with_ref(
        "tolerance: 95% CI below 0 (sign only)",
        RefKind::Band {
            lo: None,
            hi: Some(0.0),
        },
    );
    let min_n = (pooled.len() as f64 * 0.02).ceil() as usize;
    let mut by_count_chart = Chart::new(
        format!(
            "(a) Loneliness by number of groups (agents of {reps} replicates; claim: it falls)"
        ),
        "number of ordinary groups",
        "loneliness at 52 weeks (0–1)",
        Bounds::UNIT,
    );
    for (name, key) in [
        ("by groups before the event", 0usize),
        ("by groups kept", 1usize),
    ] {
        let bins: Vec<_> = by_count(&pooled, |r| if key == 0 { r.0 } else { r.1 })
            .into_iter()
            .filter(|b| b.3 >= min_n)
            .collect();
        let pairs = bins.len().saturating_sub(1).max(1);
        let z = Normal::standard().inverse_cdf(1.0 - 0.05 / pairs as f64);
        let rises: Vec<f64> = bins
            .windows(2)
            .map(|p| p[1].1 - p[0].1 - z * (p[0].2 * p[0].2 + p[1].2 * p[1].2).sqrt())
            .collect();
        let worst = rises.iter().copied().fold(f64::NAN, f64::max);
        let (decrease, half_width) = match (bins.first(), bins.last()) {
            (Some(a), Some(b)) if bins.len() >= 2 => {
                (a.1 - b.1, 1.96 * (a.2 * a.2 + b.2 * b.2).sqrt())
            }
            _ => (f64::NAN, f64::NAN),
        };
        checks.push(Check::figure(
            format!(
                "largest rise of mean loneliness from one count to the next, {name} \
                 (net of {z:.2} standard errors of the difference; counts {:?}; decrease from \
                 the lowest to the highest count {decrease:.3} ± {half_width:.3})",
                bins.iter().map(|b| b.0 as u32).collect::<Vec<_>>()
            ),
            worst,
            reps,
            "monotone decrease (no magnitude)",
            Tolerance::Decreasing {
                decrease,
                half_width,
            },
            "no rise significant at 5%, one-sided, Bonferroni over the pairs (measured ≤ 0; \
             refuted above 0), and the decrease over the counts' range significant (95% CI \
             above 0); pooled agents, counts with ≥ 2% of them",
        ));
        by_count_chart.series.push(Series {
            name: name.into(),
            points: bins
                .iter()
                .map(|b| {
                    let (lo, hi) = Bounds::UNIT.interval(b.1, b.2, 1.96);
                    (b.0, b.1, lo, hi)
                })
                .collect(),
        });
    }
    Ok(Report {
        target: 4,
        title: "Social identity change (SIMIC)".into(),
        claim: "The more groups an agent had before its event, and the more it kept, the lower \
                its loneliness after it; joining new groups helps too (Jetten et al. 2009; \
                Haslam et al. 2008, Neuropsychol. Rehabil. 18:671-691)"
            .into(),
        scenario: "simic".into(),
        replicates: reps,
        checks,
        charts: vec![by_count_chart, slope_chart],
    })
}
