//! Variance-based sensitivity indices (Sobol' 1967, 2001) by Saltelli's scheme.
//!
//! **Design** (Saltelli 2002; Saltelli et al. 2010). A Sobol' low-discrepancy sequence of
//! dimension 2k (Joe & Kuo 2008 "new-joe-kuo-6" direction numbers, from the `sobol` crate) is
//! taken from its second point on — the first, all zeros, is skipped as is customary — for N
//! points (N a power of two); point j + 1 gives base row j: its first k coordinates are row j
//! of matrix A, its last k row j of matrix B. AB_i is A with column i taken from B. Optionally
//! the whole sequence gets a random digital shift (each coordinate's 53-bit binary expansion
//! XORed with one random mask per dimension, Owen 2003 / L'Ecuyer & Lemieux 2002): a
//! randomised quasi-Monte Carlo design that keeps the sequence's net structure, so that
//! different seeds give independent replicate designs. (In the plain sequence, base row 0 is
//! the point (1/2, ..., 1/2), so A_0 = B_0 and that row adds nothing to any estimate.)
//!
//! **Row order.** The design has N(k + 2) rows, grouped by base row j = 0..N-1:
//! row j(k+2) is A_j, rows j(k+2) + 1 + i (i = 0..k-1) are AB_i,j, row j(k+2) + k + 1 is
//! B_j. A base row's k + 2 runs are contiguous, so any prefix of whole groups is itself a
//! smaller design (not a power of two in general).
//!
//! **Estimators**, with f_A, f_B, f_ABi the outputs at A_j, B_j, AB_i,j and means over j:
//! - V = the variance of f over the 2N values of A and B together (denominator 2N);
//! - first order (Saltelli et al. 2010): S1_i = mean(f_B (f_ABi - f_A)) / V;
//! - total (Jansen 1999): ST_i = mean((f_A - f_ABi)^2) / (2V).
//!
//! A factor without effect (f_ABi = f_A in every row) gets S1 = ST = 0 exactly, and so does
//! every index when V = 0. Intervals: bootstrap percentile, resampling the N base rows (each
//! with its k + 2 outputs; V is recomputed on each resample).

use super::{check_outputs, percentile_interval, Bootstrap, Error};
use crate::rng::{key, Rng};
use rand::{RngExt as _, SeedableRng};
use sobol::params::JoeKuoD6;
use sobol::{Sobol, SobolParams};

/// Most factors the bundled direction numbers allow (2k dimensions of 21 201).
pub const MAX_FACTORS: usize = 21_201 / 2;

/// A Saltelli design: N(k + 2) points of the unit cube in the row order of the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    pub factors: usize,
    /// N, the number of base rows.
    pub base: usize,
    pub points: Vec<Vec<f64>>,
}

impl SaltelliDesign {
    /// Row of A_j.
    pub fn row_a(&self, j: usize) -> usize {
        j * (self.factors + 2)
    }
    /// Row of AB_i,j.
    pub fn row_ab(&self, j: usize, i: usize) -> usize {
        j * (self.factors + 2) + 1 + i
    }
    /// Row of B_j.
    pub fn row_b(&self, j: usize) -> usize {
        j * (self.factors + 2) + self.factors + 1
    }
}

/// Points 1..=n (point 0 skipped) of the unscrambled Sobol' sequence of dimension `dims`, as
/// 53-bit integers (the binary expansion of the coordinate).
fn sobol_points(dims: usize, n: usize) -> Result<Vec<Vec<u64>>, Error> {
    let params = if dims <= 100 {
        JoeKuoD6::minimal()
    } else if dims <= 1000 {
        JoeKuoD6::standard()
    } else {
        JoeKuoD6::extended()
    };
    if dims > params.max_dims() {
        return Err(Error::TooManyFactors {
            factors: dims / 2,
            max: params.max_dims() / 2,
        });
    }
    let seq = Sobol::<u64>::new_with_resolution(dims, &params, Some(53));
    Ok(seq
        .skip(1)
        .take(n)
        .map(|p| p.into_iter().map(|v| v >> 11).collect())
        .collect())
}

/// The Saltelli design for `factors` (k) factors on `base` (N, a power of two >= 2) base
/// rows; `shift`: the seed of a random digital shift, or `None` for the plain sequence.
///
/// Errors: k = 0, k > [`MAX_FACTORS`], N not a power of two >= 2.
pub fn saltelli_design(
    factors: usize,
    base: usize,
    shift: Option<u64>,
) -> Result<SaltelliDesign, Error> {
    let (k, n) = (factors, base);
    if k == 0 {
        return Err(Error::NoFactors);
    }
    if k > MAX_FACTORS {
        return Err(Error::TooManyFactors {
            factors: k,
            max: MAX_FACTORS,
        });
    }
    if n < 2 || !n.is_power_of_two() {
        return Err(Error::BaseSize(n));
    }
    let masks: Vec<u64> = match shift {
        None => vec![0; 2 * k],
        Some(seed) => {
            let mut rng = Rng::seed_from_u64(key(&[seed, 0x0053_4F42_4F4C]));
            (0..2 * k).map(|_| rng.random::<u64>() >> 11).collect()
        }
    };
    let unit = |v: u64| v as f64 * (1.0 / (1u64 << 53) as f64);
    let seq = sobol_points(2 * k, n)?;
    let mut points = Vec::with_capacity(n * (k + 2));
    for p in &seq {
        let x: Vec<f64> = p.iter().zip(&masks).map(|(v, m)| unit(v ^ m)).collect();
        let (a, b) = x.split_at(k);
        points.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            points.push(ab);
        }
        points.push(b.to_vec());
    }
    Ok(SaltelliDesign {
        factors: k,
        base: n,
        points,
    })
}

/// First-order and total index of one factor, with bootstrap percentile intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: f64,
    pub s1_ci_low: f64,
    pub s1_ci_high: f64,
    pub st: f64,
    pub st_ci_low: f64,
    pub st_ci_high: f64,
}

/// The indices of every factor, and the output variance V they divide.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub variance: f64,
    pub factors: Vec<SobolIndex>,
}

/// The outputs of a Saltelli design split by role.
struct Outputs {
    a: Vec<f64>,
    b: Vec<f64>,
    /// ab[i][j] = f(AB_i,j).
    ab: Vec<Vec<f64>>,
}

fn variance(o: &Outputs, which: &[usize]) -> f64 {
    let n2 = 2.0 * which.len() as f64;
    let mut sum = 0.0;
    for &j in which {
        sum += o.a[j];
        sum += o.b[j];
    }
    let mean = sum / n2;
    let mut ss = 0.0;
    for &j in which {
        ss += (o.a[j] - mean) * (o.a[j] - mean);
        ss += (o.b[j] - mean) * (o.b[j] - mean);
    }
    ss / n2
}

/// (S1_i, ST_i) over the base rows `which` (with repetition), given their variance `v`.
fn indices(o: &Outputs, i: usize, which: &[usize], v: f64) -> (f64, f64) {
    let n = which.len() as f64;
    let (mut first, mut total) = (0.0, 0.0);
    let mut any = false;
    for &j in which {
        let d = o.ab[i][j] - o.a[j];
        if d != 0.0 {
            any = true;
            first += o.b[j] * d;
            total += d * d;
        }
    }
    if !any || v == 0.0 {
        return (0.0, 0.0);
    }
    (first / n / v, total / n / (2.0 * v))
}

/// Sobol' indices of `factors` (k) factors from the outputs `y` of a Saltelli design, one per
/// row in the row order of the module docs (N = y.len() / (k + 2) base rows; any N >= 2 is
/// accepted here), with bootstrap percentile intervals over resampled base rows.
///
/// Errors: k = 0, a length that is not a multiple of k + 2 or gives N < 2, a non-finite
/// output, bad bootstrap settings.
pub fn sobol_indices(factors: usize, y: &[f64], boot: &Bootstrap) -> Result<SobolIndices, Error> {
    let k = factors;
    if k == 0 {
        return Err(Error::NoFactors);
    }
    boot.check()?;
    let n = y.len() / (k + 2);
    check_outputs(y, (n * (k + 2)).max(2 * (k + 2)))?;
    let o = Outputs {
        a: (0..n).map(|j| y[j * (k + 2)]).collect(),
        b: (0..n).map(|j| y[j * (k + 2) + k + 1]).collect(),
        ab: (0..k)
            .map(|i| (0..n).map(|j| y[j * (k + 2) + 1 + i]).collect())
            .collect(),
    };
    let all: Vec<usize> = (0..n).collect();
    let v = variance(&o, &all);
    let mut rng = Rng::seed_from_u64(key(&[boot.seed, 0x0053_4F42_4F4C]));
    let mut s1_b = vec![Vec::with_capacity(boot.resamples); k];
    let mut st_b = vec![Vec::with_capacity(boot.resamples); k];
    let mut which = vec![0usize; n];
    for _ in 0..boot.resamples {
        for w in which.iter_mut() {
            *w = rng.random_range(0..n);
        }
        let vb = variance(&o, &which);
        for i in 0..k {
            let (s1, st) = indices(&o, i, &which, vb);
            s1_b[i].push(s1);
            st_b[i].push(st);
        }
    }
    let factors = (0..k)
        .map(|i| {
            let (s1, st) = indices(&o, i, &all, v);
            let (s1_ci_low, s1_ci_high) = percentile_interval(&mut s1_b[i], boot.level);
            let (st_ci_low, st_ci_high) = percentile_interval(&mut st_b[i], boot.level);
            SobolIndex {
                s1,
                s1_ci_low,
                s1_ci_high,
                st,
                st_ci_low,
                st_ci_high,
            }
        })
        .collect();
    Ok(SobolIndices {
        variance: v,
        factors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn boot(seed: u64) -> Bootstrap {
        Bootstrap {
            resamples: 400,
            level: 0.95,
            seed,
        }
    }

    fn run(d: &SaltelliDesign, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        d.points.iter().map(|x| f(x)).collect()
    }

    /// Ishigami (a = 7, b = 0.1) on [-π, π]^3, from unit-cube coordinates.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Ishigami's analytic indices (Ishigami & Homma 1990; Sobol' & Levitan 1999):
    /// V1 = 1/2 (1 + bπ^4/5)^2, V2 = a^2/8, V13 = b^2 π^8 (1/18 - 1/50), V = V1 + V2 + V13.
    fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    /// Sobol's G function Π (|4x - 2| + a_i) / (1 + a_i) and its analytic indices:
    /// V_i = 1/(3(1 + a_i)^2), V = Π(1 + V_i) - 1, S1_i = V_i / V,
    /// ST_i = V_i Π_{j≠i}(1 + V_j) / V.
    const G_A: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

    fn g_function(x: &[f64]) -> f64 {
        x.iter()
            .zip(G_A)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    }

    fn g_indices() -> (Vec<f64>, Vec<f64>) {
        let vi: Vec<f64> = G_A
            .iter()
            .map(|a| 1.0 / (3.0 * (1.0 + a).powi(2)))
            .collect();
        let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
        let s1 = vi.iter().map(|x| x / v).collect();
        let st = (0..vi.len())
            .map(|i| {
                let others: f64 = (0..vi.len())
                    .filter(|&j| j != i)
                    .map(|j| 1.0 + vi[j])
                    .product();
                vi[i] * others / v
            })
            .collect();
        (s1, st)
    }

    #[test]
    fn the_sequence_is_sobols() {
        // The first points of the 2-D Sobol' sequence (Joe & Kuo; Gray-code order), after the
        // skipped origin.
        let p = sobol_points(2, 7).unwrap();
        let want = [
            [0.5, 0.5],
            [0.75, 0.25],
            [0.25, 0.75],
            [0.375, 0.375],
            [0.875, 0.875],
            [0.625, 0.125],
            [0.125, 0.625],
        ];
        for (p, w) in p.iter().zip(want) {
            let x: Vec<f64> = p.iter().map(|&v| v as f64 / (1u64 << 53) as f64).collect();
            assert_eq!(x, w);
        }
    }

    #[test]
    fn rows_have_the_ab_structure() {
        for shift in [None, Some(7)] {
            let k = 4;
            let d = saltelli_design(k, 16, shift).unwrap();
            assert_eq!(d.points.len(), 16 * (k + 2));
            for j in 0..16 {
                let a = &d.points[d.row_a(j)];
                let b = &d.points[d.row_b(j)];
                assert!(a.iter().chain(b).all(|v| (0.0..1.0).contains(v)));
                for i in 0..k {
                    let ab = &d.points[d.row_ab(j, i)];
                    for c in 0..k {
                        let want = if c == i { b[c] } else { a[c] };
                        assert_eq!(ab[c].to_bits(), want.to_bits());
                    }
                }
            }
            // Balance of a power-of-two Sobol' sample (plain sequence; a digital shift keeps
            // it): each half of [0, 1) holds N/2 of the points 0..N-1. Skipping point 0 and
            // taking point N instead moves one point at most.
            let halves = (0..16).filter(|&j| d.points[d.row_a(j)][0] < 0.5).count();
            assert!((7..=9).contains(&halves), "{halves}");
        }
        assert_ne!(
            saltelli_design(2, 8, Some(1)).unwrap(),
            saltelli_design(2, 8, Some(2)).unwrap()
        );
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert_eq!(saltelli_design(0, 8, None), Err(Error::NoFactors));
        assert_eq!(saltelli_design(2, 12, None), Err(Error::BaseSize(12)));
        assert_eq!(saltelli_design(2, 1, None), Err(Error::BaseSize(1)));
        assert!(matches!(
            saltelli_design(MAX_FACTORS + 1, 8, None),
            Err(Error::TooManyFactors { .. })
        ));
        let b = boot(1);
        assert_eq!(sobol_indices(0, &[1.0; 8], &b), Err(Error::NoFactors));
        assert!(matches!(
            sobol_indices(2, &[1.0; 9], &b),
            Err(Error::OutputCount { .. })
        ));
        assert!(matches!(
            sobol_indices(2, &[1.0; 4], &b),
            Err(Error::OutputCount { .. })
        ));
        let mut y = vec![1.0; 8];
        y[5] = f64::NAN;
        assert!(matches!(
            sobol_indices(2, &y, &b),
            Err(Error::NonFinite { row: 5, .. })
        ));
    }

    #[test]
    fn a_null_factor_gets_exactly_zero() {
        // x2 is unused: f(AB_2) = f(A) in every row, so S1 = ST = 0 and [0, 0], bit for bit;
        // a constant function has V = 0 and every index 0.
        let d = saltelli_design(3, 64, None).unwrap();
        let y = run(&d, |x| x[0] - 2.0 * x[1] * x[1]);
        let s = sobol_indices(3, &y, &boot(2)).unwrap();
        let z = s.factors[2];
        for v in [
            z.s1,
            z.s1_ci_low,
            z.s1_ci_high,
            z.st,
            z.st_ci_low,
            z.st_ci_high,
        ] {
            assert_eq!(v.to_bits(), 0.0f64.to_bits(), "{z:?}");
        }
        assert!(s.factors[0].st > 0.0 && s.factors[1].st > 0.0);
        let c = sobol_indices(3, &vec![4.0; 64 * 5], &boot(2)).unwrap();
        assert!(c.factors.iter().all(|f| f.s1 == 0.0 && f.st_ci_high == 0.0));
        assert_eq!(s, sobol_indices(3, &y, &boot(2)).unwrap(), "deterministic");
    }

    /// How many of `analytic` fall in their intervals, over several digitally shifted designs.
    fn coverage(
        k: usize,
        n: usize,
        f: impl Fn(&[f64]) -> f64,
        s1: &[f64],
        st: &[f64],
        seeds: u64,
    ) -> (usize, usize, Vec<String>) {
        let (mut hit, mut all, mut misses) = (0, 0, Vec::new());
        for seed in 0..seeds {
            let d = saltelli_design(k, n, Some(seed)).unwrap();
            let s = sobol_indices(k, &run(&d, &f), &boot(100 + seed)).unwrap();
            for (i, x) in s.factors.iter().enumerate() {
                for (name, want, lo, hi) in [
                    ("S1", s1[i], x.s1_ci_low, x.s1_ci_high),
                    ("ST", st[i], x.st_ci_low, x.st_ci_high),
                ] {
                    all += 1;
                    if lo <= want && want <= hi {
                        hit += 1;
                    } else {
                        misses.push(format!("seed {seed} {name}{i}: {want} not in [{lo}, {hi}]"));
                    }
                }
            }
        }
        (hit, all, misses)
    }

    #[test]
    fn ishigami_indices_are_recovered() {
        let (s1, st) = ishigami_indices();
        // The published values.
        for (got, want) in s1.iter().zip([0.3139, 0.4424, 0.0]) {
            assert!((got - want).abs() < 5e-5);
        }
        for (got, want) in st.iter().zip([0.5576, 0.4424, 0.2437]) {
            assert!((got - want).abs() < 5e-5);
        }
        // The plain sequence at N = 2^13: every analytic index inside its 95% interval.
        let d = saltelli_design(3, 1 << 13, None).unwrap();
        // The intervals must also be narrow enough to tell a wrong estimator: the summands
        // f_B (f_ABi - f_A) and (f_A - f_ABi)^2 have sds of about 1-1.5 V here, so an iid
        // standard error is about 1.5 / sqrt(2^13) = 0.017 and a 95% width about 0.065;
        // every width must be below 0.1.
        let s = sobol_indices(3, &run(&d, ishigami), &boot(1)).unwrap();
        for (i, x) in s.factors.iter().enumerate() {
            assert!(x.s1_ci_low <= s1[i] && s1[i] <= x.s1_ci_high, "S1{i} {x:?}");
            assert!(x.st_ci_low <= st[i] && st[i] <= x.st_ci_high, "ST{i} {x:?}");
            assert!(x.s1_ci_high - x.s1_ci_low < 0.1, "{x:?}");
            assert!(x.st_ci_high - x.st_ci_low < 0.1, "{x:?}");
        }
        // Coverage over 10 shifted designs at N = 2^12: 60 intervals. Were they exact 95%
        // intervals of independent estimates, misses would be Binomial(60, 0.05) (mean 3,
        // sd 1.7); the bootstrap treats the quasi-random rows as independent, which
        // overstates the spread of a QMC estimate, so the intervals are conservative. At
        // least 54 of 60 (at most 6 misses, mean + 1.8 sd) fails with probability < 4% for
        // exact intervals and less for conservative ones.
        let (hit, all, misses) = coverage(3, 1 << 12, ishigami, &s1, &st, 10);
        assert!(hit >= 54, "{hit}/{all}: {misses:#?}");
    }

    #[test]
    fn g_function_indices_are_recovered() {
        let (s1, st) = g_indices();
        let d = saltelli_design(8, 1 << 12, None).unwrap();
        let s = sobol_indices(8, &run(&d, g_function), &boot(3)).unwrap();
        for (i, x) in s.factors.iter().enumerate() {
            assert!(x.s1_ci_low <= s1[i] && s1[i] <= x.s1_ci_high, "S1{i} {x:?}");
            assert!(x.st_ci_low <= st[i] && st[i] <= x.st_ci_high, "ST{i} {x:?}");
        }
        // 8 shifted designs at N = 2^11: 128 intervals; exact ones would miss
        // Binomial(128, 0.05) (mean 6.4, sd 2.5): at least 115 (at most 13 misses,
        // mean + 2.6 sd, probability < 1%).
        let (hit, all, misses) = coverage(8, 1 << 11, g_function, &s1, &st, 8);
        assert!(hit >= 115, "{hit}/{all}: {misses:#?}");
    }
}
