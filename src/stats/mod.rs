//! Aggregation over replicates: mean, sd and 95% confidence intervals (Student t), kept
//! inside the range of the quantity summarised ([`Bounds`]); paired and agent-level effect
//! sizes for `belonging compare`. Sums run sequentially in replicate order, so results do
//! not depend on thread count.
//!
//! Two submodules hold the numerical cores of `belonging sensitivity` and `belonging
//! calibrate`, pure functions on the unit hypercube and on plain outputs: [`sensitivity`]
//! (Morris elementary effects, Sobol' indices by Saltelli's scheme, bootstrap intervals) and
//! [`abc`] (ABC-SMC, generation by generation).

pub mod abc;
pub mod sensitivity;

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Summary of one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n - 1); NaN when n < 2.
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// Caches t quantiles by degrees of freedom.
#[derive(Debug, Default)]
pub struct TTable {
    cache: Vec<f64>,
}

impl TTable {
    pub fn t975(&mut self, df: usize) -> f64 {
        if df >= self.cache.len() {
            let from = self.cache.len();
            self.cache.extend((from..=df).map(t975));
        }
        self.cache[df]
    }
}

/// The range a quantity can take. Its confidence intervals stay inside it: a share or a
/// score in [0, 1] never gets an interval below 0 or above 1, a count never one below 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

impl Bounds {
    /// Any real number (differences, slopes, effect sizes): the plain Student t interval.
    pub const UNBOUNDED: Bounds = Bounds { lo: None, hi: None };
    /// Counts, sizes, rates: at least 0.
    pub const NON_NEGATIVE: Bounds = Bounds {
        lo: Some(0.0),
        hi: None,
    };
    /// Shares (prevalence) and scores in [0, 1].
    pub const UNIT: Bounds = Bounds {
        lo: Some(0.0),
        hi: Some(1.0),
    };

    /// The same range for a quantity multiplied by `k > 0` (e.g. 100 for percentages).
    pub fn scaled(self, k: f64) -> Bounds {
        Bounds {
            lo: self.lo.map(|x| x * k),
            hi: self.hi.map(|x| x * k),
        }
    }

    /// `x` clamped into the range (NaN stays NaN).
    pub fn clamp(self, x: f64) -> f64 {
        let x = self.lo.map_or(x, |lo| if x < lo { lo } else { x });
        self.hi.map_or(x, |hi| if x > hi { hi } else { x })
    }

    /// The 95% interval of a mean `mean` with standard error `se` and t quantile `tq`,
    /// inside the range:
    /// - both ends bounded (shares, scores): on the logit scale of (x - lo) / (hi - lo), with
    ///   the delta-method standard error se / (p (1 - p)), transformed back;
    /// - bounded below only (counts): on the log scale of x - lo, standard error se / (x - lo);
    /// - unbounded: mean ± tq·se (Student t).
    ///
    /// The transformed intervals agree with the t interval to first order where the mean is
    /// far from a bound, and become asymmetric near one, as a share near 0 should; a mean at a
    /// bound (every replicate there) has se 0 and a zero-width interval.
    pub fn interval(self, mean: f64, se: f64, tq: f64) -> (f64, f64) {
        if !(mean.is_finite() && se.is_finite() && tq.is_finite()) {
            return (f64::NAN, f64::NAN);
        }
        let half = tq * se;
        if half == 0.0 {
            return (mean, mean);
        }
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) if hi > lo => {
                let w = hi - lo;
                let p = (mean - lo) / w;
                if p <= 0.0 || p >= 1.0 {
                    return (self.clamp(mean), self.clamp(mean));
                }
                let logit = (p / (1.0 - p)).ln();
                let h = half / w / (p * (1.0 - p));
                let expit = |z: f64| 1.0 / (1.0 + (-z).exp());
                (lo + w * expit(logit - h), lo + w * expit(logit + h))
            }
            (Some(lo), None) => {
                let q = mean - lo;
                if q <= 0.0 {
                    return (lo, lo);
                }
                let h = half / q;
                (lo + q * (-h).exp(), lo + q * h.exp())
            }
            (None, Some(hi)) => {
                let q = hi - mean;
                if q <= 0.0 {
                    return (hi, hi);
                }
                let h = half / q;
                (hi - q * h.exp(), hi - q * (-h).exp())
            }
            _ => (mean - half, mean + half),
        }
    }
}

/// Summarises the finite values of `xs` (NaN = missing, skipped), with the Student t
/// interval (an unbounded quantity).
pub fn summarize(xs: &[f64], t: &mut TTable) -> Summary {
    summarize_in(xs, Bounds::UNBOUNDED, t)
}

/// Summarises the finite values of `xs` (NaN = missing, skipped); the 95% interval stays
/// inside `bounds` ([`Bounds::interval`]).
pub fn summarize_in(xs: &[f64], bounds: Bounds, t: &mut TTable) -> Summary {
    let mut n = 0usize;
    let mut sum = 0.0;
    for &x in xs.iter().filter(|x| x.is_finite()) {
        n += 1;
        sum += x;
    }
    if n == 0 {
        return Summary {
            n,
            mean: f64::NAN,
            sd: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let mean = sum / n as f64;
    if n == 1 {
        return Summary {
            n,
            mean,
            sd: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let ss: f64 = xs
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| (x - mean) * (x - mean))
        .sum();
    let sd = (ss / (n - 1) as f64).sqrt();
    let (ci_low, ci_high) = bounds.interval(mean, sd / (n as f64).sqrt(), t.t975(n - 1));
    Summary {
        n,
        mean,
        sd,
        ci_low,
        ci_high,
    }
}

/// Cohen's d of two samples (pooled sd): (mean_a - mean_b) / s_pooled.
pub fn cohens_d(a: &[f64], b: &[f64]) -> f64 {
    let mut t = TTable::default();
    let (sa, sb) = (summarize(a, &mut t), summarize(b, &mut t));
    if sa.n < 2 || sb.n < 2 {
        return f64::NAN;
    }
    let pooled = (((sa.n - 1) as f64 * sa.sd * sa.sd + (sb.n - 1) as f64 * sb.sd * sb.sd)
        / (sa.n + sb.n - 2) as f64)
        .sqrt();
    (sa.mean - sb.mean) / pooled
}

/// Treatment (a) against control (b): the difference of means with its Welch 95% CI, and
/// Cohen's d with its 95% CI (large-sample standard error of Hedges & Olkin 1985:
/// se(d) = sqrt((n_a + n_b) / (n_a n_b) + d^2 / (2 (n_a + n_b))), with a t quantile on
/// n_a + n_b - 2 degrees of freedom).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub n_a: usize,
    pub n_b: usize,
    pub mean_a: f64,
    pub mean_b: f64,
    pub diff: f64,
    pub diff_low: f64,
    pub diff_high: f64,
    /// Welch–Satterthwaite degrees of freedom of the difference.
    pub df: f64,
    pub d: f64,
    pub d_low: f64,
    pub d_high: f64,
}

/// Compares two samples (NaN values are skipped); NaN figures when a sample has fewer than 2.
pub fn compare(a: &[f64], b: &[f64]) -> Comparison {
    let mut t = TTable::default();
    let (sa, sb) = (summarize(a, &mut t), summarize(b, &mut t));
    let (na, nb) = (sa.n as f64, sb.n as f64);
    let diff = sa.mean - sb.mean;
    let (va, vb) = (sa.sd * sa.sd / na, sb.sd * sb.sd / nb);
    let se = (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let tq = |df: f64| {
        StudentsT::new(0.0, 1.0, df)
            .map(|t| t.inverse_cdf(0.975))
            .unwrap_or(f64::NAN)
    };
    let half = if se > 0.0 { tq(df) * se } else { 0.0 };
    let d = cohens_d(a, b);
    let se_d = ((na + nb) / (na * nb) + d * d / (2.0 * (na + nb))).sqrt();
    let half_d = tq(na + nb - 2.0) * se_d;
    let ok = sa.n >= 2 && sb.n >= 2;
    let or_nan = |x: f64| if ok { x } else { f64::NAN };
    Comparison {
        n_a: sa.n,
        n_b: sb.n,
        mean_a: sa.mean,
        mean_b: sb.mean,
        diff: or_nan(diff),
        diff_low: or_nan(diff - half),
        diff_high: or_nan(diff + half),
        df: or_nan(df),
        d: or_nan(d),
        d_low: or_nan(d - half_d),
        d_high: or_nan(d + half_d),
    }
}

/// Treatment (a) against control (b) over replicate pairs: replicate r of both arms ran with
/// the same seed (common random numbers), so the arms' differences are taken pair by pair and
/// summarised (paired t interval over the pairs with both values; NaN with fewer than 2).
pub fn compare_paired(a: &[f64], b: &[f64]) -> Comparison {
    let mut t = TTable::default();
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(&x, &y)| (x, y))
        .collect();
    let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let diffs: Vec<f64> = pairs.iter().map(|p| p.0 - p.1).collect();
    let (sa, sb) = (summarize(&xs, &mut t), summarize(&ys, &mut t));
    let sd = summarize(&diffs, &mut t);
    let ok = sd.n >= 2;
    let or_nan = |x: f64| if ok { x } else { f64::NAN };
    Comparison {
        n_a: sa.n,
        n_b: sb.n,
        mean_a: sa.mean,
        mean_b: sb.mean,
        diff: or_nan(sd.mean),
        diff_low: or_nan(sd.ci_low),
        diff_high: or_nan(sd.ci_high),
        df: or_nan(sd.n as f64 - 1.0),
        d: f64::NAN,
        d_low: f64::NAN,
        d_high: f64::NAN,
    }
}

/// The agent-level effect size of treatment against control — the quantity trials report:
/// within each replicate pair, Cohen's d of the agents' outcomes (treatment agents against
/// control agents, pooled sd of individuals); then the mean of the pairs' d with its 95% CI
/// over pairs (Student t). Pairs where either arm has fewer than 2 agents are skipped. Agents
/// of one replicate share a town, so replicates, not agents, are the independent units.
pub fn agent_level_d(pairs: &[(&[f64], &[f64])]) -> Summary {
    let ds: Vec<f64> = pairs.iter().map(|(a, b)| cohens_d(a, b)).collect();
    summarize(&ds, &mut TTable::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_of_known_samples() {
        // a = 1..5 (mean 3, var 2.5), b = 3..7 (mean 5, var 2.5): diff -2, pooled sd
        // sqrt(2.5), d = -2 / 1.5811 = -1.2649; Welch df = 8, t_{0.975,8} = 2.306004,
        // se = 1.0, so the CI is -2 +- 2.306004.
        let c = compare(&[1.0, 2.0, 3.0, 4.0, 5.0], &[3.0, 4.0, 5.0, 6.0, 7.0]);
        assert!((c.diff + 2.0).abs() < 1e-12);
        assert!((c.df - 8.0).abs() < 1e-9);
        assert!((c.diff_high - (-2.0 + 2.306004)).abs() < 1e-5, "{c:?}");
        assert!((c.d + 1.264911).abs() < 1e-5, "{c:?}");
        // se(d) = sqrt(0.4 + 1.6 / 20) = 0.692820; half-width 2.306004 x 0.692820.
        assert!(
            (c.d_low - (-1.264911 - 2.306004 * 0.692820)).abs() < 1e-4,
            "{c:?}"
        );
        assert!(compare(&[1.0], &[2.0, 3.0]).d.is_nan());
    }

    #[test]
    fn known_values() {
        let mut t = TTable::default();
        // t_{0.975, 4} = 2.776445 (tables); sample 1..5: mean 3, sd sqrt(2.5).
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, 5.0], &mut t);
        assert_eq!(s.n, 5);
        assert!((s.mean - 3.0).abs() < 1e-12);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((s.ci_high - 3.0 - half).abs() < 1e-5, "{s:?}");
        assert!((t975(1000) - 1.962339).abs() < 1e-5);
    }

    #[test]
    fn missing_values_are_skipped() {
        let mut t = TTable::default();
        let s = summarize(&[f64::NAN, 2.0, f64::NAN, 4.0], &mut t);
        assert_eq!(s.n, 2);
        assert_eq!(s.mean, 3.0);
        assert!(summarize(&[f64::NAN], &mut t).mean.is_nan());
    }

    #[test]
    fn bounded_intervals_stay_in_range() {
        let mut t = TTable::default();
        // A share near 0: the t interval would go below 0, the logit one does not.
        let xs = [0.0, 0.01, 0.0, 0.05, 0.002];
        let plain = summarize(&xs, &mut t);
        assert!(plain.ci_low < 0.0, "{plain:?}");
        let s = summarize_in(&xs, Bounds::UNIT, &mut t);
        assert_eq!(s.mean, plain.mean);
        assert!(s.ci_low > 0.0 && s.ci_low < s.mean && s.ci_high > s.mean && s.ci_high < 1.0);
        // Near 1 likewise, and a count near 0 (log scale).
        let hi: Vec<f64> = xs.iter().map(|x| 1.0 - x).collect();
        let s = summarize_in(&hi, Bounds::UNIT, &mut t);
        assert!(s.ci_high < 1.0 && s.ci_low > 0.0, "{s:?}");
        let counts = [0.0, 1.0, 0.0, 0.0, 2.0];
        let s = summarize_in(&counts, Bounds::NON_NEGATIVE, &mut t);
        assert!(s.ci_low > 0.0 && s.ci_high > s.mean, "{s:?}");
        // Every replicate at the bound: a zero-width interval at it.
        let s = summarize_in(&[0.0, 0.0, 0.0], Bounds::UNIT, &mut t);
        assert_eq!((s.ci_low, s.ci_high), (0.0, 0.0));
        // Far from the bounds it agrees with the t interval to within a few percent of its
        // half-width (first-order agreement of the delta method).
        let mid = [0.48, 0.5, 0.52, 0.49, 0.51];
        let (a, b) = (
            summarize(&mid, &mut t),
            summarize_in(&mid, Bounds::UNIT, &mut t),
        );
        let half = a.ci_high - a.mean;
        assert!((a.ci_low - b.ci_low).abs() < 0.02 * half, "{a:?} {b:?}");
        assert!((a.ci_high - b.ci_high).abs() < 0.02 * half, "{a:?} {b:?}");
        // Scaled to percent: the same interval times 100.
        let p = summarize_in(&xs, Bounds::UNIT, &mut t);
        let pct: Vec<f64> = xs.iter().map(|x| 100.0 * x).collect();
        let q = summarize_in(&pct, Bounds::UNIT.scaled(100.0), &mut t);
        assert!((q.ci_low - 100.0 * p.ci_low).abs() < 1e-9);
    }

    #[test]
    fn paired_comparison_uses_the_pairs_differences() {
        // Differences 1, 2, 3 (mean 2, sd 1): paired CI 2 ± t_{0.975,2}/sqrt(3) = 2 ± 2.4841;
        // the arms' own spread (10, 20, 30) does not enter.
        let c = compare_paired(&[11.0, 22.0, 33.0], &[10.0, 20.0, 30.0]);
        assert_eq!(c.diff, 2.0);
        let half = 4.302653 / 3f64.sqrt();
        assert!((c.diff_high - 2.0 - half).abs() < 1e-5, "{c:?}");
        // Identical arms: exactly zero, with a zero-width interval.
        let same = compare_paired(&[0.1, 0.2, 0.4], &[0.1, 0.2, 0.4]);
        assert_eq!((same.diff, same.diff_low, same.diff_high), (0.0, 0.0, 0.0));
        assert!(compare_paired(&[1.0], &[2.0]).diff.is_nan());
    }

    #[test]
    fn agent_level_d_of_a_known_shift() {
        // In every pair the treatment agents are the control agents shifted down by one
        // pooled sd: d = -1 exactly (sd of 1..5 is sqrt(2.5)).
        let s = 2.5f64.sqrt();
        let control: Vec<f64> = (1..=5).map(f64::from).collect();
        let treated: Vec<f64> = control.iter().map(|x| x - s).collect();
        let pairs = vec![(&treated[..], &control[..]); 4];
        let d = agent_level_d(&pairs);
        assert!((d.mean + 1.0).abs() < 1e-12, "{d:?}");
        assert!((d.ci_low + 1.0).abs() < 1e-12 && (d.ci_high + 1.0).abs() < 1e-12);
        // Shifts of 0.5 and 1.5 sd in two pairs: mean -1, CI over the two pairs.
        let t1: Vec<f64> = control.iter().map(|x| x - 0.5 * s).collect();
        let t2: Vec<f64> = control.iter().map(|x| x - 1.5 * s).collect();
        let d = agent_level_d(&[(&t1, &control), (&t2, &control)]);
        assert!((d.mean + 1.0).abs() < 1e-12, "{d:?}");
        // sd of (-0.5, -1.5) is sqrt(0.5); half-width t_{0.975,1} x sqrt(0.5)/sqrt(2) = 6.3531.
        assert!((d.ci_high + 1.0 - 12.706205 * 0.5).abs() < 1e-4, "{d:?}");
    }

    #[test]
    fn cohens_d_of_shifted_samples() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [2.0, 3.0, 4.0, 5.0, 6.0];
        assert!((cohens_d(&a, &b) + 1.0 / 2.5f64.sqrt()).abs() < 1e-12);
    }
}
