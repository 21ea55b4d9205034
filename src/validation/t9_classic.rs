//! Target 9: classic identity dynamics.
//!
//! (a) Axelrod (1997, "The dissemination of culture", J. Conflict Resolution 41:203–226,
//! Table 1): mean number of stable cultural regions on a 10 × 10 lattice with 4 neighbours
//! (no wrap-around), runs to absorption, for F = 5, 10, 15 features × q = 5, 10, 15 traits.
//! Each cell passes when the published mean lies within the measured mean ± the combined
//! sampling error: sqrt(h² + h_pub²) + 0.05, where h is the 95% CI half-width of our mean
//! (Student t over our runs), h_pub = t(0.975, 9) · sd / √10 is the 95% half-width the
//! published mean of Axelrod's 10 runs had if its spread was ours (but at least the spread
//! ten whole counts averaging the published figure must have: 1.2 needs sd >= 0.42), and
//! 0.05 is the rounding
//! of the published figures to one decimal. Every run must also reach absorption before the
//! cap.
//!
//! (b) Bounded confidence (Deffuant, Neau, Amblard & Weisbuch 2000, Adv. Complex Syst.
//! 3:87–98) on a complete graph of 500 agents, 1-D opinions, μ = 0.5, runs to absorption:
//! the number of major opinion clusters (at least 1% of the agents) against ε follows the
//! rule of thumb ⌊1/(2ε)⌋, and ε ≥ 0.3 gives consensus. Per ε, the check passes when
//! ⌊1/(2ε)⌋ lies within the measured mean ± (h + 0.5), h the 95% CI half-width over runs and
//! 0.5 the resolution of an integer rule of thumb (half a cluster); for ε ≥ 0.3 the share
//! of runs ending in one major cluster must be at least 0.8. Runs stop at absorption or
//! after 300 weeks; most are absorbed within 25–150 weeks, and the rest have only minor
//! clusters of a few extremists still converging (they rarely pick each other), so their
//! count of major clusters must have been unchanged over the last 100 weeks.

use super::{config, mean_ci, run_all, Check, Options, Report, Series, ValidationError};
use crate::model::metrics::M;

/// Axelrod's Table 1: rows F = 5, 10, 15; columns q = 5, 10, 15 (means over 10 runs).
pub const AXELROD_TABLE: [[f64; 3]; 3] = [[1.0, 3.2, 20.0], [1.0, 1.0, 1.4], [1.0, 1.0, 1.2]];
pub const FEATURES: [u32; 3] = [5, 10, 15];
pub const TRAITS: [u32; 3] = [5, 10, 15];
/// Runs per Axelrod cell (Axelrod used 10).
pub const AXELROD_RUNS: u32 = 30;
/// Step cap of an Axelrod run (runs are checked to have reached absorption before it).
pub const AXELROD_CAP: u32 = 20_000;
/// Confidence bounds of the bounded-confidence sweep.
pub const EPSILONS: [f64; 7] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4];
/// Runs per epsilon.
pub const BC_RUNS: u32 = 12;
/// Step cap of a bounded-confidence run.
pub const BC_CAP: u32 = 300;
/// A bounded-confidence run's count of major clusters must not have changed over this many
/// final weeks (runs not absorbed by the cap have only minor clusters still converging).
pub const BC_STABLE: usize = 100;

/// 97.5% quantile of Student's t with 9 degrees of freedom (Axelrod's 10 runs).
const T_9: f64 = 2.262_157;

/// The smallest sample sd (n - 1) that ten whole counts of at least 1 with mean `mean` can
/// have: as many as possible equal to floor(mean), the rest one more.
pub fn min_sd_of_ten(mean: f64) -> f64 {
    let total = (mean * 10.0).round();
    let low = (total / 10.0).floor();
    let high = total - low * 10.0; // counts at low + 1
    let m = total / 10.0;
    let ss = (10.0 - high) * (low - m).powi(2) + high * (low + 1.0 - m).powi(2);
    (ss / 9.0).sqrt()
}

fn sd(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Final values of `metric` and whether each run was absorbed.
fn finals(results: &[crate::experiment::JobResult], metric: M) -> (Vec<f64>, usize) {
    let values = results
        .iter()
        .map(|r| r.series.last().map_or(f64::NAN, |m| m.get(metric)))
        .collect();
    let absorbed = results.iter().filter(|r| r.absorbed).count();
    (values, absorbed)
}

pub fn run(opts: &Options) -> Result<Report, ValidationError> {
    let mut checks = Vec::new();
    let mut series = Vec::new();
    let mut published_series = Vec::new();
    let ax_runs = opts.replicates.unwrap_or(AXELROD_RUNS).max(2);
    let bc_runs = opts.replicates.unwrap_or(BC_RUNS).max(2);
    let mut total_absorbed = 0;
    let mut total_runs = 0;

    for (fi, &f) in FEATURES.iter().enumerate() {
        let mut points = Vec::new();
        for (qi, &q) in TRAITS.iter().enumerate() {
            let sets = [
                format!("identity.features={f}"),
                format!("identity.traits={q}"),
                format!("replicates={ax_runs}"),
                format!("steps={AXELROD_CAP}"),
                "output.sample_agents=0".to_string(),
            ];
            let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
            let cfg = config("axelrod", &refs)?;
            let results = run_all(&cfg, opts)?;
            let (regions, absorbed) = finals(&results, M::identity_clusters);
            total_absorbed += absorbed;
            total_runs += results.len();
            let (mean, h) = mean_ci(&regions);
            let h = if h.is_finite() { h } else { 0.0 };
            let published = AXELROD_TABLE[fi][qi];
            let sd_pub = sd(&regions).max(min_sd_of_ten(published));
            let h_pub = T_9 * sd_pub / 10f64.sqrt();
            let tol = (h * h + h_pub * h_pub).sqrt() + 0.05;
            checks.push(Check {
                what: format!("Axelrod regions, F = {f}, q = {q} ({ax_runs} runs)"),
                measured: mean,
                half_width: h,
                published: format!("{published:.1} (Axelrod 1997, Table 1; 10 runs)"),
                tolerance: format!(
                    "|published - measured| <= sqrt(h^2 + h_pub^2) + 0.05 = {tol:.3} \
                     (h_pub = t9 sd/sqrt(10) = {h_pub:.3}: sampling error of a 10-run mean, sd \
                     at least that ten whole counts with the published mean must have; \
                     0.05: rounding)"
                ),
                pass: (published - mean).abs() <= tol,
            });
            points.push((q as f64, mean, mean - h, mean + h));
        }
        series.push(Series {
            name: format!("Axelrod regions, F = {f}, x = q"),
            points,
        });
        // The published line for F = 5 only (those for F = 10 and 15 are about 1, on top
        // of the measured ones; more lines would repeat the palette's colours).
        if f == 5 {
            published_series.push(Series {
                name: format!("Axelrod 1997 (published), F = {f}"),
                points: TRAITS
                    .iter()
                    .zip(AXELROD_TABLE[fi])
                    .map(|(&q, p)| (q as f64, p, p, p))
                    .collect(),
            });
        }
    }
    series.append(&mut published_series);
    checks.push(Check {
        what: "Axelrod runs that reached absorption before the cap".into(),
        measured: total_absorbed as f64 / total_runs.max(1) as f64,
        half_width: f64::NAN,
        published: "1 (Axelrod ran every run to absorption)".into(),
        tolerance: format!("all runs (cap {AXELROD_CAP} weeks)"),
        pass: total_absorbed == total_runs,
    });

    let mut bc_points = Vec::new();
    let mut rule_points = Vec::new();
    for &eps in &EPSILONS {
        let sets = [
            format!("identity.epsilon={eps}"),
            format!("replicates={bc_runs}"),
            format!("steps={BC_CAP}"),
            "output.sample_agents=0".to_string(),
        ];
        let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
        let cfg = config("bounded-confidence", &refs)?;
        let results = run_all(&cfg, opts)?;
        let (clusters, absorbed) = finals(&results, M::identity_clusters);
        // Runs stopped by the cap: the major-cluster count must have been stable at the end.
        let unstable = results
            .iter()
            .filter(|r| {
                let s = &r.series;
                let from = s.len().saturating_sub(BC_STABLE);
                !r.absorbed
                    && s[from..].iter().any(|m| {
                        m.get(M::identity_clusters) != s[s.len() - 1].get(M::identity_clusters)
                    })
            })
            .count();
        let (mean, h) = mean_ci(&clusters);
        let h = if h.is_finite() { h } else { 0.0 };
        let expected = (1.0 / (2.0 * eps) + 1e-9).floor();
        checks.push(Check {
            what: format!(
                "bounded confidence, eps = {eps}: major clusters ({bc_runs} runs, \
                 {absorbed} absorbed)"
            ),
            measured: mean,
            half_width: h,
            published: format!("{expected} = floor(1/(2 eps)) (Deffuant et al. 2000)"),
            tolerance: format!(
                "floor(1/(2 eps)) within measured ± (h + 0.5) = ± {:.3} (0.5: resolution of \
                 an integer rule of thumb); runs not absorbed by week {BC_CAP} must have kept \
                 their count over the last {BC_STABLE} weeks ({unstable} did not)",
                h + 0.5
            ),
            pass: (expected - mean).abs() <= h + 0.5 && unstable == 0,
        });
        if eps >= 0.3 - 1e-9 {
            let share = clusters.iter().filter(|&&c| c == 1.0).count() as f64
                / clusters.len().max(1) as f64;
            checks.push(Check {
                what: format!("bounded confidence, eps = {eps}: share of runs with consensus"),
                measured: share,
                half_width: f64::NAN,
                published: "1 (consensus for eps >= 0.3, Deffuant et al. 2000)".into(),
                tolerance: "at least 0.8 of the runs end in one major cluster (near the \
                            threshold an extremist cluster of >= 1% of the agents may survive \
                            at an edge)"
                    .into(),
                pass: share >= 0.8,
            });
        }
        // Plotted against 1/(2 eps), so the rule of thumb is the staircase floor(x) and both
        // experiments share the x axis (q = 5 … 15 for Axelrod, 1/(2 eps) = 1.25 … 5).
        let x = 1.0 / (2.0 * eps);
        bc_points.push((x, mean, mean - h, mean + h));
        rule_points.push((x, expected, expected, expected));
    }
    series.push(Series {
        name: "opinion clusters, x = 1/(2 eps)".into(),
        points: bc_points,
    });
    series.push(Series {
        name: "floor(1/(2 eps))".into(),
        points: rule_points,
    });

    Ok(Report {
        target: 9,
        title: "classic identity dynamics".into(),
        claim: "Axelrod (1997) Table 1: stable regions on a 10x10 lattice; bounded confidence \
                (Deffuant et al. 2000): about floor(1/(2 eps)) major clusters, consensus for \
                eps >= 0.3"
            .into(),
        scenario: "axelrod, bounded-confidence".into(),
        replicates: ax_runs,
        checks,
        series,
        x_label: "traits q (Axelrod) / 1/(2 eps) (bounded confidence)".into(),
        y_label: "stable regions / major clusters".into(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn min_sd_of_ten_counts() {
        assert_eq!(super::min_sd_of_ten(1.0), 0.0);
        // Eight 1s and two 2s.
        assert!((super::min_sd_of_ten(1.2) - (1.6f64 / 9.0).sqrt()).abs() < 1e-12);
        assert!((super::min_sd_of_ten(20.0)).abs() < 1e-12);
    }
}
