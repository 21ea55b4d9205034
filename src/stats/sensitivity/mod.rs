//! Global sensitivity analysis on the unit hypercube: the designs (which points of
//! [0, 1]^k to run) and the estimators (indices from the outputs, one `f64` per design row),
//! with bootstrap intervals. Nothing here knows about scenarios, files or the model: a caller
//! maps each design row onto its factors' ranges, runs it, and hands back one output per row,
//! in row order.
//!
//! - [`morris`]: elementary effects (Morris 1991) on `r` trajectories chosen for spread among
//!   random candidates (Campolongo, Cariboni & Saltelli 2007): `mu`, `mu_star`, `sigma` per
//!   factor. A screening method: cheap (r(k + 1) runs), it ranks factors.
//! - [`sobol`]: variance-based first-order and total indices (Sobol' 1967, 2001) from the
//!   Saltelli design (Saltelli 2002; Saltelli et al. 2010) of N(k + 2) runs on a Sobol'
//!   low-discrepancy sequence; first order by Saltelli et al. (2010), total by Jansen (1999).
//!
//! Intervals are bootstrap percentile intervals ([`Bootstrap`]): the estimator is recomputed on
//! `resamples` resamples (with replacement) of the independent units — trajectories for
//! Morris, base rows for Sobol' — and the interval is the (1 - level)/2 and (1 + level)/2
//! quantiles of the resampled values (linear interpolation between order statistics, the
//! "type 7" quantile). Everything is deterministic: the same inputs and seed give the same
//! bits (sums run sequentially in a fixed order, resampling draws from one Xoshiro256++ stream).

pub mod morris;
pub mod sobol;

pub use morris::{morris_design, morris_indices, MorrisDesign, MorrisIndex, Step};
pub use sobol::{saltelli_design, sobol_indices, SaltelliDesign, SobolIndex, SobolIndices};

/// Why a design or an estimate cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("at least one factor is needed")]
    NoFactors,
    #[error("{factors} factors: the Sobol' sequence's direction numbers cover at most {max}")]
    TooManyFactors { factors: usize, max: usize },
    #[error(
        "Morris needs at least 2 trajectories (sigma is a standard deviation over them), got {0}"
    )]
    TooFewTrajectories(usize),
    #[error("Morris needs an even number of grid levels p >= 2 (so that the step p/(2(p-1)) lands on the grid), got {0}")]
    Levels(usize),
    #[error("{candidates} candidate trajectories cannot give {trajectories}: candidates must be at least the trajectories")]
    TooFewCandidates {
        candidates: usize,
        trajectories: usize,
    },
    #[error("the Saltelli base sample size N must be a power of two >= 2 (the Sobol' sequence is balanced at those), got {0}")]
    BaseSize(usize),
    #[error("expected {expected} outputs (one per design row), got {got}")]
    OutputCount { expected: usize, got: usize },
    #[error("output of design row {row} is {value}: every output must be a finite number")]
    NonFinite { row: usize, value: f64 },
    #[error("the bootstrap needs at least one resample")]
    Resamples,
    #[error("the interval level must be strictly between 0 and 1, got {0}")]
    Level(f64),
}

/// How the bootstrap intervals are made: `resamples` resamples, percentile intervals at
/// `level` (e.g. 0.95), resampling draws from a Xoshiro256++ stream seeded by `seed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    pub resamples: usize,
    pub level: f64,
    pub seed: u64,
}

impl Bootstrap {
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.resamples == 0 {
            return Err(Error::Resamples);
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(Error::Level(self.level));
        }
        Ok(())
    }
}

/// The `q` quantile (0 <= q <= 1) of sorted values, linear between order statistics (type 7).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let (a, b) = (sorted[lo], sorted[hi]);
    if a == b {
        a
    } else {
        a + (h - lo as f64) * (b - a)
    }
}

/// The percentile interval at `level` of bootstrap values (sorted here).
pub(crate) fn percentile_interval(values: &mut [f64], level: f64) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    (
        quantile_sorted(values, tail),
        quantile_sorted(values, 1.0 - tail),
    )
}

/// Checks the outputs: `expected` of them, all finite.
pub(crate) fn check_outputs(y: &[f64], expected: usize) -> Result<(), Error> {
    if y.len() != expected {
        return Err(Error::OutputCount {
            expected,
            got: y.len(),
        });
    }
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(Error::NonFinite { row, value: y[row] }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_known_values() {
        // 0..=100: the 2.5% and 97.5% type-7 quantiles are 2.5 and 97.5.
        let mut v: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        let (lo, hi) = percentile_interval(&mut v, 0.95);
        assert!(
            (lo - 2.5).abs() < 1e-12 && (hi - 97.5).abs() < 1e-12,
            "{lo} {hi}"
        );
        let mut zeros = vec![0.0; 7];
        assert_eq!(percentile_interval(&mut zeros, 0.9), (0.0, 0.0));
        assert_eq!(quantile_sorted(&[3.0], 0.3), 3.0);
    }

    #[test]
    fn bad_settings_are_refused() {
        let b = Bootstrap {
            resamples: 0,
            level: 0.95,
            seed: 1,
        };
        assert_eq!(b.check(), Err(Error::Resamples));
        for level in [0.0, 1.0, f64::NAN, -0.5] {
            let b = Bootstrap {
                resamples: 10,
                level,
                seed: 1,
            };
            assert!(matches!(b.check(), Err(Error::Level(_))));
        }
        assert!(matches!(
            check_outputs(&[1.0, f64::NAN], 2),
            Err(Error::NonFinite { row: 1, .. })
        ));
        assert_eq!(
            check_outputs(&[1.0], 2),
            Err(Error::OutputCount {
                expected: 2,
                got: 1
            })
        );
    }
}
