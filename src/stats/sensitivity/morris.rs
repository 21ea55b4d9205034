//! Morris elementary effects (Morris 1991) on trajectories chosen for spread (Campolongo,
//! Cariboni & Saltelli 2007).
//!
//! **Grid.** Each of the `k` factors takes the `p` levels 0, 1/(p-1), ..., 1 (p even); the step
//! is Δ = p / (2(p-1)), i.e. p/2 grid intervals, so that every level is equally likely to be
//! visited (Morris 1991).
//!
//! **A trajectory** is k + 1 points. Its base point x* has each coordinate drawn uniformly
//! from the levels in [0, 1 - Δ]; each factor i gets a random direction d_i = ±1 and the
//! factors a random order π. The first point has x_i = x*_i where d_i = +1 and x*_i + Δ where
//! d_i = -1; step m = 1..k moves factor π(m) alone by d_{π(m)}·Δ. This is Morris's
//! B* = (J x* + (Δ/2)[(2B - J) D* + J]) P* written out: every factor moves exactly once, by
//! ±Δ, and every point stays on the grid in [0, 1].
//!
//! **Spread** (Campolongo et al. 2007). `candidates` (M) random trajectories are drawn and the
//! `r` with the largest spread kept: the distance of trajectories m and l is
//! d_ml = Σ_a Σ_b ||X_a^(m) - X_b^(l)|| over their points a, b, and a set's spread is
//! sqrt(Σ_{pairs} d_ml^2); maximising Σ d_ml^2 is the same. When C(M, r) is at most
//! [`EXACT_LIMIT`] every subset is scored (ties: the lexicographically first subset).
//! Otherwise a local search, as SALib offers one for large M: start greedily (the pair with the
//! largest d_ml, then repeatedly the candidate adding most to the sum), then make the best
//! improving exchange of one kept and one left-out trajectory until none improves (a local
//! optimum under single exchanges; ties go to the lowest indices). The kept trajectories keep
//! their order of generation.
//!
//! **Design rows.** Trajectory t (0-based) occupies rows t(k+1) ..= t(k+1) + k;
//! `steps[t·k + m - 1]` is the move from row t(k+1) + m - 1 to row t(k+1) + m (m = 1..k).
//!
//! **Indices.** The elementary effect of factor i in trajectory t is
//! EE_i^t = (y(after) - y(before)) / (d·Δ) at the step that moved i (exactly 0 when the two
//! outputs are equal; a design made elsewhere may give each step its own size instead of Δ,
//! `MorrisDesign::step_sizes`); over the r trajectories, μ_i = mean EE, μ*_i = mean |EE| (Campolongo
//! et al. 2007), σ_i = sample standard deviation of EE (denominator r - 1). Intervals:
//! bootstrap percentile, resampling whole trajectories.

use super::{check_outputs, percentile_interval, Bootstrap, Error};
use crate::rng::{key, Rng};
use rand::{RngExt as _, SeedableRng};

/// Subsets of candidates scored exhaustively when C(M, r) is at most this many.
pub const EXACT_LIMIT: u64 = 20_000;

/// One move of a trajectory: which factor moved, up (+Δ) or down (-Δ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub factor: usize,
    pub up: bool,
}

/// A Morris design: `trajectories` × (`factors` + 1) points of the unit cube (rows in the
/// order of the module docs) and the step that led to each non-first point.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    pub factors: usize,
    pub trajectories: usize,
    pub levels: usize,
    /// Δ = p / (2(p - 1)).
    pub delta: f64,
    pub points: Vec<Vec<f64>>,
    pub steps: Vec<Step>,
    /// Each step's size on the unit cube, in the order of `steps`, for a design made elsewhere
    /// whose steps need not all be Δ; `None`: every step is ±`delta` (the designs made here).
    pub step_sizes: Option<Vec<f64>>,
}

impl MorrisDesign {
    /// Number of design rows, r(k + 1).
    pub fn rows(&self) -> usize {
        self.points.len()
    }
}

/// A trajectory on the grid: level indices of its k + 1 points and its k steps.
struct Trajectory {
    levels: Vec<Vec<u32>>,
    steps: Vec<Step>,
}

fn random_trajectory(rng: &mut Rng, k: usize, p: usize) -> Trajectory {
    let half = (p / 2) as u32;
    let base: Vec<u32> = (0..k).map(|_| rng.random_range(0..half)).collect();
    let up: Vec<bool> = (0..k).map(|_| rng.random::<bool>()).collect();
    let mut order: Vec<usize> = (0..k).collect();
    for i in (1..k).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let mut point: Vec<u32> = (0..k)
        .map(|i| if up[i] { base[i] } else { base[i] + half })
        .collect();
    let mut levels = Vec::with_capacity(k + 1);
    levels.push(point.clone());
    let mut steps = Vec::with_capacity(k);
    for &i in &order {
        if up[i] {
            point[i] += half;
        } else {
            point[i] -= half;
        }
        levels.push(point.clone());
        steps.push(Step {
            factor: i,
            up: up[i],
        });
    }
    Trajectory { levels, steps }
}

/// C(n, r), saturating at u64::MAX.
fn binomial(n: usize, r: usize) -> u64 {
    let r = r.min(n - r);
    let mut c: u128 = 1;
    for i in 0..r {
        c = c * (n - i) as u128 / (i + 1) as u128;
        if c > u64::MAX as u128 {
            return u64::MAX;
        }
    }
    c as u64
}

/// Σ over pairs of `set` of d2[a][b].
fn spread(d2: &[Vec<f64>], set: &[usize]) -> f64 {
    let mut s = 0.0;
    for (x, &a) in set.iter().enumerate() {
        for &b in &set[x + 1..] {
            s += d2[a][b];
        }
    }
    s
}

/// The subset of `r` candidates with the largest Σ d2 over its pairs, by exhaustive search.
fn select_exact(d2: &[Vec<f64>], r: usize) -> Vec<usize> {
    let m = d2.len();
    let mut set: Vec<usize> = (0..r).collect();
    let mut best = set.clone();
    let mut best_score = spread(d2, &set);
    // Next combination in lexicographic order, while there is one.
    while let Some(i) = (0..r).rev().find(|&i| set[i] < m - r + i) {
        set[i] += 1;
        for j in i + 1..r {
            set[j] = set[j - 1] + 1;
        }
        let score = spread(d2, &set);
        if score > best_score {
            best_score = score;
            best.clone_from(&set);
        }
    }
    best
}

/// Greedy start and best-exchange local search (module docs).
fn select_local(d2: &[Vec<f64>], r: usize) -> Vec<usize> {
    let m = d2.len();
    // The pair with the largest distance.
    let (mut a0, mut b0, mut top) = (0, 1, f64::NEG_INFINITY);
    for a in 0..m {
        for b in a + 1..m {
            if d2[a][b] > top {
                (a0, b0, top) = (a, b, d2[a][b]);
            }
        }
    }
    let mut chosen = vec![false; m];
    let mut set = vec![a0, b0];
    chosen[a0] = true;
    chosen[b0] = true;
    // to_set[c] = Σ_{s in set} d2[c][s].
    let mut to_set: Vec<f64> = (0..m).map(|c| d2[c][a0] + d2[c][b0]).collect();
    while set.len() < r {
        let mut best = usize::MAX;
        for c in 0..m {
            if !chosen[c] && (best == usize::MAX || to_set[c] > to_set[best]) {
                best = c;
            }
        }
        chosen[best] = true;
        set.push(best);
        for (c, t) in to_set.iter_mut().enumerate() {
            *t += d2[c][best];
        }
    }
    // Best single exchange until none improves; each exchange strictly raises the spread, so
    // this ends (the cap only guards against a rounding cycle).
    for _ in 0..10_000 {
        let mut best: Option<(usize, usize, f64)> = None;
        for (x, &out) in set.iter().enumerate() {
            for inn in 0..m {
                if chosen[inn] {
                    continue;
                }
                // Spread change: d2 to the others of the set, in for out.
                let gain = (to_set[inn] - d2[inn][out]) - to_set[out];
                if gain > 0.0 && best.is_none_or(|(_, _, g)| gain > g) {
                    best = Some((x, inn, gain));
                }
            }
        }
        let Some((x, inn, _)) = best else { break };
        let out = set[x];
        // Guard against a gain that was only rounding: recompute exactly.
        let mut trial = set.clone();
        trial[x] = inn;
        if spread(d2, &trial) <= spread(d2, &set) {
            break;
        }
        set = trial;
        chosen[out] = false;
        chosen[inn] = true;
        for (c, t) in to_set.iter_mut().enumerate() {
            *t += d2[c][inn] - d2[c][out];
        }
    }
    set.sort_unstable();
    set
}

/// The indices of the `r` kept candidates (ascending), by the rule of the module docs.
fn select(d2: &[Vec<f64>], r: usize) -> Vec<usize> {
    if r == d2.len() {
        return (0..r).collect();
    }
    if binomial(d2.len(), r) <= EXACT_LIMIT {
        select_exact(d2, r)
    } else {
        select_local(d2, r)
    }
}

/// A Morris design of `trajectories` (r) trajectories for `factors` (k) factors on a
/// `levels`-level grid (p), the r of `candidates` random ones with the largest spread, drawn
/// from a Xoshiro256++ stream seeded from `seed`.
///
/// Errors: k = 0, r < 2, p odd or < 2, candidates < r.
pub fn morris_design(
    factors: usize,
    trajectories: usize,
    levels: usize,
    candidates: usize,
    seed: u64,
) -> Result<MorrisDesign, Error> {
    let (k, r, p) = (factors, trajectories, levels);
    if k == 0 {
        return Err(Error::NoFactors);
    }
    if r < 2 {
        return Err(Error::TooFewTrajectories(r));
    }
    if p < 2 || p % 2 != 0 || p > u32::MAX as usize {
        return Err(Error::Levels(p));
    }
    if candidates < r {
        return Err(Error::TooFewCandidates {
            candidates,
            trajectories: r,
        });
    }
    let mut rng = Rng::seed_from_u64(key(&[seed, 0x4D4F_5252_4953]));
    let pool: Vec<Trajectory> = (0..candidates)
        .map(|_| random_trajectory(&mut rng, k, p))
        .collect();
    let scale = 1.0 / (p - 1) as f64;
    let values: Vec<Vec<Vec<f64>>> = pool
        .iter()
        .map(|t| {
            t.levels
                .iter()
                .map(|row| row.iter().map(|&l| l as f64 * scale).collect())
                .collect()
        })
        .collect();
    let mut d2 = vec![vec![0.0; candidates]; candidates];
    if candidates > r {
        for a in 0..candidates {
            for b in a + 1..candidates {
                let mut d = 0.0;
                for x in &values[a] {
                    for y in &values[b] {
                        let mut s = 0.0;
                        for (u, v) in x.iter().zip(y) {
                            s += (u - v) * (u - v);
                        }
                        d += s.sqrt();
                    }
                }
                d2[a][b] = d * d;
                d2[b][a] = d * d;
            }
        }
    }
    let kept = select(&d2, r);
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut steps = Vec::with_capacity(r * k);
    for &c in &kept {
        points.extend(values[c].iter().cloned());
        steps.extend(pool[c].steps.iter().copied());
    }
    Ok(MorrisDesign {
        factors: k,
        trajectories: r,
        levels: p,
        delta: p as f64 / (2.0 * (p - 1) as f64),
        points,
        steps,
        step_sizes: None,
    })
}

/// Morris indices of one factor, with bootstrap percentile intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_ci_low: f64,
    pub mu_ci_high: f64,
    pub mu_star: f64,
    pub mu_star_ci_low: f64,
    pub mu_star_ci_high: f64,
    pub sigma: f64,
    pub sigma_ci_low: f64,
    pub sigma_ci_high: f64,
}

/// The elementary effects: `ee[t][i]` of factor i in trajectory t (module docs), from the
/// outputs `y`, one per design row in row order.
pub fn elementary_effects(design: &MorrisDesign, y: &[f64]) -> Result<Vec<Vec<f64>>, Error> {
    let (k, r) = (design.factors, design.trajectories);
    if k == 0 {
        return Err(Error::NoFactors);
    }
    if r < 2 {
        return Err(Error::TooFewTrajectories(r));
    }
    check_outputs(y, r * (k + 1))?;
    if design.steps.len() != r * k || design.points.len() != r * (k + 1) {
        return Err(Error::OutputCount {
            expected: r * (k + 1),
            got: design.points.len(),
        });
    }
    let mut ee = vec![vec![0.0; k]; r];
    for (t, row) in ee.iter_mut().enumerate() {
        for m in 1..=k {
            let step = design.steps[t * k + m - 1];
            let diff = y[t * (k + 1) + m] - y[t * (k + 1) + m - 1];
            let size = design
                .step_sizes
                .as_ref()
                .and_then(|s| s.get(t * k + m - 1).copied())
                .unwrap_or(design.delta);
            let signed = if step.up { size } else { -size };
            if let Some(e) = row.get_mut(step.factor) {
                *e = if diff == 0.0 { 0.0 } else { diff / signed };
            }
        }
    }
    Ok(ee)
}

/// (μ, μ*, σ) of factor i over the trajectories `which` (with repetition).
fn moments(ee: &[Vec<f64>], i: usize, which: &[usize]) -> (f64, f64, f64) {
    let n = which.len() as f64;
    let (mut sum, mut abs) = (0.0, 0.0);
    for &t in which {
        sum += ee[t][i];
        abs += ee[t][i].abs();
    }
    let mu = sum / n;
    let mut ss = 0.0;
    for &t in which {
        let d = ee[t][i] - mu;
        ss += d * d;
    }
    (mu, abs / n, (ss / (n - 1.0)).sqrt())
}

/// Morris indices per factor from the outputs `y` (one per design row, in row order), with
/// bootstrap percentile intervals over resampled trajectories.
///
/// Errors: wrong number of outputs, a non-finite output, bad bootstrap settings.
pub fn morris_indices(
    design: &MorrisDesign,
    y: &[f64],
    boot: &Bootstrap,
) -> Result<Vec<MorrisIndex>, Error> {
    boot.check()?;
    let ee = elementary_effects(design, y)?;
    let (k, r) = (design.factors, design.trajectories);
    let all: Vec<usize> = (0..r).collect();
    let mut rng = Rng::seed_from_u64(key(&[boot.seed, 0x4D4F_5252_4953]));
    // resampled[i] = the (μ, μ*, σ) of factor i in each resample.
    let mut resampled = vec![(Vec::new(), Vec::new(), Vec::new()); k];
    let mut which = vec![0usize; r];
    for _ in 0..boot.resamples {
        for w in which.iter_mut() {
            *w = rng.random_range(0..r);
        }
        for (i, (mu, star, sigma)) in resampled.iter_mut().enumerate() {
            let m = moments(&ee, i, &which);
            mu.push(m.0);
            star.push(m.1);
            sigma.push(m.2);
        }
    }
    Ok(resampled
        .iter_mut()
        .enumerate()
        .map(|(i, (mu_b, star_b, sigma_b))| {
            let (mu, mu_star, sigma) = moments(&ee, i, &all);
            let (mu_ci_low, mu_ci_high) = percentile_interval(mu_b, boot.level);
            let (mu_star_ci_low, mu_star_ci_high) = percentile_interval(star_b, boot.level);
            let (sigma_ci_low, sigma_ci_high) = percentile_interval(sigma_b, boot.level);
            MorrisIndex {
                mu,
                mu_ci_low,
                mu_ci_high,
                mu_star,
                mu_star_ci_low,
                mu_star_ci_high,
                sigma,
                sigma_ci_low,
                sigma_ci_high,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boot(seed: u64) -> Bootstrap {
        Bootstrap {
            resamples: 500,
            level: 0.95,
            seed,
        }
    }

    fn run(design: &MorrisDesign, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        design.points.iter().map(|x| f(x)).collect()
    }

    #[test]
    fn trajectories_move_one_factor_by_delta_and_stay_on_the_grid() {
        for (k, r, p, m, seed) in [(1, 2, 2, 2, 1), (4, 10, 4, 40, 2), (7, 6, 6, 60, 3)] {
            let d = morris_design(k, r, p, m, seed).unwrap();
            assert_eq!(d.points.len(), r * (k + 1));
            assert_eq!(d.steps.len(), r * k);
            let delta = p as f64 / (2.0 * (p - 1) as f64);
            assert_eq!(d.delta, delta);
            for x in &d.points {
                assert_eq!(x.len(), k);
                for &v in x {
                    assert!((0.0..=1.0).contains(&v), "{v}");
                    // On the grid: v (p - 1) is an integer (to rounding).
                    let l = v * (p - 1) as f64;
                    assert!((l - l.round()).abs() < 1e-12, "{v}");
                }
            }
            for t in 0..r {
                let mut moved = vec![0; k];
                for m in 1..=k {
                    let (a, b) = (&d.points[t * (k + 1) + m - 1], &d.points[t * (k + 1) + m]);
                    let s = d.steps[t * k + m - 1];
                    moved[s.factor] += 1;
                    for i in 0..k {
                        if i == s.factor {
                            let want = if s.up { delta } else { -delta };
                            assert!((b[i] - a[i] - want).abs() < 1e-15, "{a:?} {b:?} {s:?}");
                        } else {
                            assert_eq!(a[i].to_bits(), b[i].to_bits());
                        }
                    }
                }
                assert_eq!(moved, vec![1; k], "each factor moves once per trajectory");
            }
        }
    }

    #[test]
    fn the_design_is_deterministic() {
        let a = morris_design(5, 8, 4, 50, 11).unwrap();
        assert_eq!(a, morris_design(5, 8, 4, 50, 11).unwrap());
        assert_ne!(a, morris_design(5, 8, 4, 50, 12).unwrap());
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert_eq!(morris_design(0, 4, 4, 8, 1), Err(Error::NoFactors));
        assert_eq!(
            morris_design(3, 1, 4, 8, 1),
            Err(Error::TooFewTrajectories(1))
        );
        assert_eq!(morris_design(3, 4, 5, 8, 1), Err(Error::Levels(5)));
        assert_eq!(morris_design(3, 4, 0, 8, 1), Err(Error::Levels(0)));
        assert!(matches!(
            morris_design(3, 4, 4, 3, 1),
            Err(Error::TooFewCandidates { .. })
        ));
        let d = morris_design(2, 3, 4, 6, 1).unwrap();
        let b = boot(1);
        assert!(matches!(
            morris_indices(&d, &[0.0; 8], &b),
            Err(Error::OutputCount { .. })
        ));
        // A hand-made design with too few trajectories is refused, not resampled.
        let one = MorrisDesign {
            trajectories: 0,
            points: Vec::new(),
            steps: Vec::new(),
            ..d.clone()
        };
        assert_eq!(
            morris_indices(&one, &[], &b),
            Err(Error::TooFewTrajectories(0))
        );
        let mut y = vec![0.0; 9];
        y[4] = f64::INFINITY;
        assert!(matches!(
            morris_indices(&d, &y, &b),
            Err(Error::NonFinite { row: 4, .. })
        ));
    }

    #[test]
    fn selection_is_exact_on_small_pools_and_a_local_optimum_on_large_ones() {
        // A pool of 8 random symmetric distances: the exact choice of 3 beats every subset.
        let mut rng = Rng::seed_from_u64(5);
        let m = 8;
        let mut d2 = vec![vec![0.0; m]; m];
        for a in 0..m {
            for b in a + 1..m {
                let v: f64 = rng.random();
                d2[a][b] = v;
                d2[b][a] = v;
            }
        }
        let best = select_exact(&d2, 3);
        let top = spread(&d2, &best);
        for a in 0..m {
            for b in a + 1..m {
                for c in b + 1..m {
                    assert!(spread(&d2, &[a, b, c]) <= top);
                }
            }
        }
        // The local search on the same pool: no single exchange improves its result.
        let local = select_local(&d2, 3);
        let s = spread(&d2, &local);
        for x in 0..3 {
            for inn in (0..m).filter(|c| !local.contains(c)) {
                let mut t = local.clone();
                t[x] = inn;
                assert!(spread(&d2, &t) <= s + 1e-12);
            }
        }
        assert!(s <= top);
        // A real design large enough for the local search (C(60, 10) > EXACT_LIMIT): its
        // trajectories are spread at least as much as the first 10 candidates.
        assert!(binomial(60, 10) > EXACT_LIMIT);
        let chosen = morris_design(3, 10, 4, 60, 9).unwrap();
        let first = morris_design(3, 10, 4, 10, 9).unwrap(); // same stream: candidates 0..10
        let total = |d: &MorrisDesign| {
            let mut sum = 0.0;
            for a in 0..10 {
                for b in a + 1..10 {
                    let mut dist = 0.0;
                    for x in &d.points[a * 4..a * 4 + 4] {
                        for y in &d.points[b * 4..b * 4 + 4] {
                            let s: f64 = x.iter().zip(y).map(|(u, v)| (u - v) * (u - v)).sum();
                            dist += s.sqrt();
                        }
                    }
                    sum += dist * dist;
                }
            }
            sum
        };
        assert!(total(&chosen) > total(&first));
    }

    #[test]
    fn a_linear_function_has_mu_star_equal_to_its_slopes_and_no_spread() {
        // y = Σ c_i x_i on unit-range factors: every EE_i is c_i, so μ_i = c_i, μ*_i = |c_i|,
        // σ_i = 0 and the intervals collapse onto them. In floating point an EE is
        // (y' - y) / Δ with |y| <= Σ|c_i| = 9.5 and Δ >= 2/3: rounding of y, y' and the
        // division is below 4 · 9.5 · 2^-53 / (2/3) ≈ 6e-15, so 1e-12 bounds it with room.
        let c = [2.0, -3.0, 0.5, 4.0];
        let d = morris_design(4, 12, 4, 48, 21).unwrap();
        let y = run(&d, |x| x.iter().zip(&c).map(|(x, c)| x * c).sum());
        let idx = morris_indices(&d, &y, &boot(3)).unwrap();
        for (i, m) in idx.iter().enumerate() {
            let tol = 1e-12;
            assert!((m.mu - c[i]).abs() < tol, "{i} {m:?}");
            assert!((m.mu_star - c[i].abs()).abs() < tol, "{i} {m:?}");
            assert!(m.sigma.abs() < tol, "{i} {m:?}");
            assert!((m.mu_star_ci_low - c[i].abs()).abs() < tol, "{m:?}");
            assert!((m.mu_star_ci_high - c[i].abs()).abs() < tol, "{m:?}");
            assert!(m.sigma_ci_high < tol, "{m:?}");
        }
    }

    #[test]
    fn interacting_factors_have_spread_and_a_null_factor_is_exactly_zero() {
        // y = x0 + 3 x1 x2 (x3 unused). EE_0 = 1 always (σ_0 = 0); EE_1 = 3 x2 and EE_2 = 3 x1
        // at the time of the move, which differ between trajectories (levels 0, 1/3, 2/3, 1):
        // σ_1, σ_2 > 0, and μ*_1 = 3 E[x2 at the move] lies in [0, 3]. x3 never changes y, so
        // every EE_3 is exactly 0 and so are μ, μ*, σ and their intervals.
        let d = morris_design(4, 10, 4, 50, 8).unwrap();
        let y = run(&d, |x| x[0] + 3.0 * x[1] * x[2]);
        let idx = morris_indices(&d, &y, &boot(4)).unwrap();
        assert!((idx[0].mu_star - 1.0).abs() < 1e-12 && idx[0].sigma < 1e-12);
        for i in [1, 2] {
            let m = idx[i];
            assert!(m.sigma > 0.1, "{i} {m:?}");
            assert!(m.mu_star > 0.0 && m.mu_star <= 3.0 + 1e-12, "{m:?}");
            assert!(
                m.sigma_ci_low <= m.sigma && m.sigma <= m.sigma_ci_high,
                "{m:?}"
            );
            assert!(m.mu_star_ci_low <= m.mu_star && m.mu_star <= m.mu_star_ci_high);
        }
        let null = idx[3];
        for v in [
            null.mu,
            null.mu_ci_low,
            null.mu_ci_high,
            null.mu_star,
            null.mu_star_ci_low,
            null.mu_star_ci_high,
            null.sigma,
            null.sigma_ci_low,
            null.sigma_ci_high,
        ] {
            assert_eq!(v.to_bits(), 0.0f64.to_bits(), "{null:?}");
        }
        // Same inputs and seed: the same bits.
        assert_eq!(idx, morris_indices(&d, &y, &boot(4)).unwrap());
    }
}
