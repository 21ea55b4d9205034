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

#[cfg(test)]
mod tests {
    use super::*;

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
