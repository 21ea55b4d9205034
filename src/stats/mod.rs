//! Aggregation over replicates: mean, sd and 95% confidence intervals (Student t).
//! Sums run sequentially in replicate order, so results do not depend on thread count.

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

/// Summarises the finite values of `xs` (NaN = missing, skipped).
pub fn summarize(xs: &[f64], t: &mut TTable) -> Summary {
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
    let half = t.t975(n - 1) * sd / (n as f64).sqrt();
    Summary {
        n,
        mean,
        sd,
        ci_low: mean - half,
        ci_high: mean + half,
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
    fn cohens_d_of_shifted_samples() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [2.0, 3.0, 4.0, 5.0, 6.0];
        assert!((cohens_d(&a, &b) + 1.0 / 2.5f64.sqrt()).abs() < 1e-12);
    }
}
