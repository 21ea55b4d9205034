//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009)
//! with population Monte Carlo importance weights (Beaumont, Cornuet, Marin & Robert 2009),
//! in a form a batch-running, resumable caller drives one generation at a time. Nothing here
//! simulates: the caller runs the model at each proposed parameter vector and hands back one
//! distance (between simulated and observed summaries) per proposal.
//!
//! **Prior**: independent uniforms on [lo_d, hi_d] per parameter d.
//!
//! **A generation** t holds N particles θ_1..θ_N, their normalised weights, their distances,
//! the tolerance ε_t they were accepted at and the acceptance rate. One generation is made by
//! 1. [`Abc::propose`]: a batch of candidates. Generation 0 draws them from the prior; later
//!    ones draw a particle θ_j of generation t-1 with probability w_j and perturb it with a
//!    Gaussian kernel K of diagonal variance 2·Var_w(θ) per parameter (twice the weighted
//!    empirical variance, Beaumont et al. 2009); a candidate outside the prior's box is
//!    rejected and drawn again (Toni et al. 2009). Batch b of generation t draws from the
//!    stream keyed by (seed, t, b), so a resumed run proposes the same batches.
//! 2. The caller simulates every candidate and computes its distance.
//! 3. [`Abc::assemble`] with all candidates of the generation so far (batches 0, 1, ... in
//!    order) and their distances: the first N with distance <= ε_t, in proposal order, become
//!    the generation, or it asks for another batch. Weights: 1/N in generation 0; later
//!    w_i ∝ π(θ_i) / Σ_j w_j^(t-1) K(θ_i | θ_j), normalised (Beaumont et al. 2009), computed
//!    in log space. The acceptance rate is N over the candidates consumed up to the N-th
//!    acceptance (later candidates of the last batch are ignored).
//!
//! **Tolerances**: generation 0 may be accepted at ε = ∞ (all prior draws); later tolerances
//! are the caller's: a schedule, or [`next_epsilon`], a quantile (e.g. the median) of the
//! previous generation's accepted distances (the adaptive choice of Del Moral et al. 2012 and
//! Beaumont et al. 2009's examples).
//!
//! **Effective sample size** ([`Generation::ess`]): 1 / Σ w_i^2 (Kong, Liu & Wong 1994).
//!
//! Deterministic: the same inputs and seed give the same bits; every sum runs in particle
//! order.

use crate::rng::{key, Rng};
use rand::{RngExt as _, SeedableRng};
use rand_distr::StandardNormal;

/// Candidates drawn (and rejected as outside the prior) for one proposal before giving up.
pub const MAX_TRIES: usize = 1_000_000;

/// Why an ABC step cannot be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("at least one parameter is needed")]
    NoParameters,
    #[error("{lo} lower and {hi} upper bounds: one pair per parameter is needed")]
    BoundsLength { lo: usize, hi: usize },
    #[error("parameter {dim}: the bounds [{lo}, {hi}] must be finite with lo < hi")]
    Bounds { dim: usize, lo: f64, hi: f64 },
    #[error("a generation needs at least 2 particles, got {0}")]
    TooFewParticles(usize),
    #[error("generation {0} needs the previous generation")]
    NoPrevious(u64),
    #[error("the previous generation is malformed: {0}")]
    Previous(String),
    #[error("parameter {0}: every particle of the previous generation has the same value, so the perturbation kernel has no width")]
    Collapsed(usize),
    #[error("{MAX_TRIES} perturbed particles in a row fell outside the prior's bounds")]
    OutsidePrior,
    #[error("{candidates} candidates but {distances} distances")]
    Lengths { candidates: usize, distances: usize },
    #[error("candidate {0} has the wrong number of parameters or lies outside the prior's bounds")]
    Candidate(usize),
    #[error("distance of candidate {0} is NaN")]
    NanDistance(usize),
    #[error("the tolerance must not be NaN")]
    Epsilon,
    #[error("the quantile must be in (0, 1], got {0}")]
    Quantile(f64),
}

/// One generation of particles.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// t: 0 for the generation from the prior.
    pub index: u64,
    pub particles: Vec<Vec<f64>>,
    /// Normalised importance weights (sum 1).
    pub weights: Vec<f64>,
    /// The accepted particles' distances.
    pub distances: Vec<f64>,
    /// ε_t, the tolerance the particles were accepted at.
    pub epsilon: f64,
    /// Candidates consumed to accept the N particles.
    pub proposed: usize,
    /// N / proposed.
    pub acceptance_rate: f64,
}

impl Generation {
    /// Effective sample size 1 / Σ w^2.
    pub fn ess(&self) -> f64 {
        let mut s = 0.0;
        for w in &self.weights {
            s += w * w;
        }
        1.0 / s
    }

    /// Weighted mean of each parameter.
    pub fn mean(&self) -> Vec<f64> {
        let dims = self.particles.first().map_or(0, Vec::len);
        let mut m = vec![0.0; dims];
        for (p, w) in self.particles.iter().zip(&self.weights) {
            for (m, x) in m.iter_mut().zip(p) {
                *m += w * x;
            }
        }
        m
    }

    /// Weighted variance of each parameter, Σ w_i (θ_i - mean)^2 (weights sum to 1).
    pub fn variance(&self) -> Vec<f64> {
        let m = self.mean();
        let mut v = vec![0.0; m.len()];
        for (p, w) in self.particles.iter().zip(&self.weights) {
            for ((v, x), m) in v.iter_mut().zip(p).zip(&m) {
                *v += w * (x - m) * (x - m);
            }
        }
        v
    }

    /// The weighted `q` quantile (0 <= q <= 1) of parameter `dim`: the smallest particle value
    /// whose cumulative weight (particles sorted by that value) reaches q. NaN if `dim` is out
    /// of range.
    pub fn quantile(&self, dim: usize, q: f64) -> f64 {
        let mut v: Vec<(f64, f64)> = self
            .particles
            .iter()
            .zip(&self.weights)
            .filter_map(|(p, &w)| p.get(dim).map(|&x| (x, w)))
            .collect();
        if v.is_empty() || q.is_nan() {
            return f64::NAN;
        }
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = v.iter().map(|p| p.1).sum();
        let mut cum = 0.0;
        for &(x, w) in &v {
            cum += w;
            if cum >= q * total {
                return x;
            }
        }
        v[v.len() - 1].0
    }
}

/// [`Abc::assemble`]'s answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Assembly {
    /// N particles were accepted: the generation.
    Complete(Generation),
    /// Fewer than N so far: propose another batch and assemble again with all candidates.
    NeedMore { accepted: usize, needed: usize },
}

/// The α quantile (0 < α <= 1; linear between order statistics) of a generation's accepted
/// distances: the adaptive tolerance of the next generation (α = 0.5: the median).
pub fn next_epsilon(previous: &Generation, alpha: f64) -> Result<f64, Error> {
    if !(alpha > 0.0 && alpha <= 1.0) {
        return Err(Error::Quantile(alpha));
    }
    if previous.distances.is_empty() || previous.distances.iter().any(|d| d.is_nan()) {
        return Err(Error::Previous("no distances or a NaN distance".into()));
    }
    let mut d = previous.distances.clone();
    d.sort_by(f64::total_cmp);
    Ok(super::sensitivity::quantile_sorted(&d, alpha))
}

/// An ABC-SMC run's fixed settings: the prior's box, the number of particles per generation
/// and the seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Abc {
    lo: Vec<f64>,
    hi: Vec<f64>,
    particles: usize,
    seed: u64,
}

/// The previous generation's kernel: cumulative weights and per-parameter variances.
struct Kernel<'a> {
    previous: &'a Generation,
    cumulative: Vec<f64>,
    variance: Vec<f64>,
}

impl Abc {
    /// Uniform priors on [lo_d, hi_d]; `particles` (N >= 2) per generation.
    pub fn new(lo: Vec<f64>, hi: Vec<f64>, particles: usize, seed: u64) -> Result<Abc, Error> {
        if lo.len() != hi.len() {
            return Err(Error::BoundsLength {
                lo: lo.len(),
                hi: hi.len(),
            });
        }
        if lo.is_empty() {
            return Err(Error::NoParameters);
        }
        for (dim, (&l, &h)) in lo.iter().zip(&hi).enumerate() {
            if !(l.is_finite() && h.is_finite() && l < h) {
                return Err(Error::Bounds { dim, lo: l, hi: h });
            }
        }
        if particles < 2 {
            return Err(Error::TooFewParticles(particles));
        }
        Ok(Abc {
            lo,
            hi,
            particles,
            seed,
        })
    }

    /// Number of parameters.
    pub fn dims(&self) -> usize {
        self.lo.len()
    }

    /// N, particles per generation.
    pub fn particles(&self) -> usize {
        self.particles
    }

    fn inside(&self, theta: &[f64]) -> bool {
        theta.len() == self.dims()
            && theta
                .iter()
                .zip(self.lo.iter().zip(&self.hi))
                .all(|(x, (l, h))| *l <= *x && *x <= *h)
    }

    fn kernel<'a>(&self, previous: &'a Generation) -> Result<Kernel<'a>, Error> {
        let n = previous.particles.len();
        if n == 0 || previous.weights.len() != n {
            return Err(Error::Previous(format!(
                "{n} particles and {} weights",
                previous.weights.len()
            )));
        }
        if let Some(i) = previous.particles.iter().position(|p| !self.inside(p)) {
            return Err(Error::Previous(format!(
                "particle {i} is not a point of the prior's box"
            )));
        }
        if previous
            .weights
            .iter()
            .any(|w| !(w.is_finite() && *w >= 0.0))
        {
            return Err(Error::Previous("a weight is negative or not finite".into()));
        }
        let mut cumulative = Vec::with_capacity(n);
        let mut sum = 0.0;
        for w in &previous.weights {
            sum += w;
            cumulative.push(sum);
        }
        if sum <= 0.0 {
            return Err(Error::Previous("the weights sum to 0".into()));
        }
        // Weighted mean and variance with the weights normalised here.
        let dims = self.dims();
        let mut mean = vec![0.0; dims];
        for (p, w) in previous.particles.iter().zip(&previous.weights) {
            for (m, x) in mean.iter_mut().zip(p) {
                *m += w / sum * x;
            }
        }
        let mut variance = vec![0.0; dims];
        for (p, w) in previous.particles.iter().zip(&previous.weights) {
            for ((v, x), m) in variance.iter_mut().zip(p).zip(&mean) {
                *v += w / sum * (x - m) * (x - m);
            }
        }
        for (d, v) in variance.iter_mut().enumerate() {
            *v *= 2.0;
            if v.is_nan() || *v <= 0.0 {
                return Err(Error::Collapsed(d));
            }
        }
        Ok(Kernel {
            previous,
            cumulative,
            variance,
        })
    }

    /// A batch of `size` candidates for the generation after `previous` (from the prior when
    /// `previous` is `None`), batch number `batch` of that generation. Deterministic in
    /// (seed, generation, batch).
    pub fn propose(
        &self,
        previous: Option<&Generation>,
        batch: u64,
        size: usize,
    ) -> Result<Vec<Vec<f64>>, Error> {
        let t = previous.map_or(0, |p| p.index + 1);
        let mut rng = Rng::seed_from_u64(key(&[self.seed, 0x0041_4243, t, batch]));
        let Some(previous) = previous else {
            return Ok((0..size)
                .map(|_| {
                    self.lo
                        .iter()
                        .zip(&self.hi)
                        .map(|(l, h)| {
                            let u: f64 = rng.random();
                            // u < 1, and rounding cannot take l + (h - l) u above h.
                            (l + (h - l) * u).min(*h)
                        })
                        .collect()
                })
                .collect());
        };
        let k = self.kernel(previous)?;
        let sd: Vec<f64> = k.variance.iter().map(|v| v.sqrt()).collect();
        let total = k.cumulative[k.cumulative.len() - 1];
        let last = k.cumulative.len() - 1;
        let mut out = Vec::with_capacity(size);
        for _ in 0..size {
            let mut tries = 0;
            loop {
                if tries == MAX_TRIES {
                    return Err(Error::OutsidePrior);
                }
                tries += 1;
                let u: f64 = rng.random::<f64>() * total;
                let j = k.cumulative.partition_point(|&c| c <= u).min(last);
                let theta: Vec<f64> = k.previous.particles[j]
                    .iter()
                    .zip(&sd)
                    .map(|(x, s)| {
                        let z: f64 = rng.sample(StandardNormal);
                        x + s * z
                    })
                    .collect();
                if self.inside(&theta) {
                    out.push(theta);
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The generation after `previous` (generation 0 when `None`) at tolerance `epsilon`, from
    /// all its candidates so far (every batch, in order) and their distances; or a request for
    /// more candidates.
    pub fn assemble(
        &self,
        previous: Option<&Generation>,
        epsilon: f64,
        candidates: &[Vec<f64>],
        distances: &[f64],
    ) -> Result<Assembly, Error> {
        if epsilon.is_nan() {
            return Err(Error::Epsilon);
        }
        if candidates.len() != distances.len() {
            return Err(Error::Lengths {
                candidates: candidates.len(),
                distances: distances.len(),
            });
        }
        let kernel = previous.map(|p| self.kernel(p)).transpose()?;
        let n = self.particles;
        let mut accepted = Vec::with_capacity(n);
        let mut proposed = 0;
        for (i, (c, &d)) in candidates.iter().zip(distances).enumerate() {
            if !self.inside(c) {
                return Err(Error::Candidate(i));
            }
            if d.is_nan() {
                return Err(Error::NanDistance(i));
            }
            if accepted.len() < n && d <= epsilon {
                accepted.push(i);
                proposed = i + 1;
            }
        }
        if accepted.len() < n {
            return Ok(Assembly::NeedMore {
                accepted: accepted.len(),
                needed: n,
            });
        }
        let particles: Vec<Vec<f64>> = accepted.iter().map(|&i| candidates[i].clone()).collect();
        let weights = match &kernel {
            None => vec![1.0 / n as f64; n],
            Some(k) => pmc_weights(&particles, k),
        };
        Ok(Assembly::Complete(Generation {
            index: previous.map_or(0, |p| p.index + 1),
            particles,
            weights,
            distances: accepted.iter().map(|&i| distances[i]).collect(),
            epsilon,
            proposed,
            acceptance_rate: n as f64 / proposed as f64,
        }))
    }
}

/// Beaumont et al. (2009) weights: w_i ∝ 1 / Σ_j w_j K(θ_i | θ_j) (the uniform prior's density
/// is the same at every accepted particle, and so is the Gaussian's normalising constant),
/// normalised; in log space with log-sum-exp.
fn pmc_weights(particles: &[Vec<f64>], k: &Kernel) -> Vec<f64> {
    let prev = &k.previous;
    let total = k.cumulative[k.cumulative.len() - 1];
    let log_w: Vec<f64> = prev.weights.iter().map(|w| (w / total).ln()).collect();
    let mut terms = vec![0.0; prev.particles.len()];
    let log_weights: Vec<f64> = particles
        .iter()
        .map(|theta| {
            for ((t, p), lw) in terms.iter_mut().zip(&prev.particles).zip(&log_w) {
                let mut q = 0.0;
                for ((x, y), v) in theta.iter().zip(p).zip(&k.variance) {
                    q += (x - y) * (x - y) / v;
                }
                *t = lw - 0.5 * q;
            }
            -log_sum_exp(&terms)
        })
        .collect();
    let top = log_weights
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = log_weights.iter().map(|l| (l - top).exp()).collect();
    let mut sum = 0.0;
    for x in &w {
        sum += x;
    }
    w.iter().map(|x| x / sum).collect()
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let top = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        return top;
    }
    let mut s = 0.0;
    for x in xs {
        s += (x - top).exp();
    }
    top + s.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The toy problem: y_1..y_n ~ Normal(θ, 1), summary ȳ, distance |ȳ_sim - ȳ_obs|.
    /// Candidate c of generation t, batch b simulates from its own stream.
    fn simulate(theta: f64, n: usize, stream: u64) -> f64 {
        let mut rng = Rng::seed_from_u64(stream);
        let mut s = 0.0;
        for _ in 0..n {
            let z: f64 = rng.sample(StandardNormal);
            s += theta + z;
        }
        s / n as f64
    }

    /// Runs `generations` generations (ε_0 = ∞, then the median of the last accepted
    /// distances), proposing batches of N, as a batch-running caller would.
    fn run_abc(abc: &Abc, observed: f64, n_obs: usize, generations: u64, rep: u64) -> Generation {
        let mut gen: Option<Generation> = None;
        for t in 0..generations {
            let eps = gen
                .as_ref()
                .map_or(f64::INFINITY, |g| next_epsilon(g, 0.5).unwrap());
            let (mut cands, mut dists) = (Vec::new(), Vec::new());
            for batch in 0.. {
                let c = abc.propose(gen.as_ref(), batch, abc.particles()).unwrap();
                for (i, theta) in c.iter().enumerate() {
                    let sim = simulate(theta[0], n_obs, key(&[rep, t, batch, i as u64]));
                    dists.push((sim - observed).abs());
                }
                cands.extend(c);
                match abc.assemble(gen.as_ref(), eps, &cands, &dists).unwrap() {
                    Assembly::Complete(g) => {
                        gen = Some(g);
                        break;
                    }
                    Assembly::NeedMore { accepted, needed } => assert!(accepted < needed),
                }
            }
        }
        gen.unwrap()
    }

    #[test]
    fn the_posterior_of_a_normal_mean_is_recovered() {
        // n = 20 observations of Normal(θ = 1.3, 1), prior U(-10, 10). The exact posterior is
        // Normal(ȳ, 1/n) (the prior's truncation is 39 sd away). ABC at tolerance ε accepts
        // θ with probability P(|ȳ_sim - ȳ| <= ε), so its posterior is Normal(ȳ, 1/n) convolved
        // with Uniform(-ε, ε): mean ȳ, variance 1/n + ε²/3. The weighted particles estimate
        // it with standard errors sd/sqrt(ESS) for the mean and about sd/sqrt(2 ESS) for the
        // sd (normal theory); the test allows 4 standard errors.
        let n_obs = 20;
        let observed = simulate(1.3, n_obs, 99);
        let abc = Abc::new(vec![-10.0], vec![10.0], 1000, 5).unwrap();
        let g = run_abc(&abc, observed, n_obs, 10, 0);
        assert_eq!(g.index, 9);
        assert!(g.epsilon < 0.05, "{}", g.epsilon);
        let ess = g.ess();
        assert!(ess > 300.0 && ess <= 1000.0 + 1e-9, "{ess}");
        let sd_abc = (1.0 / n_obs as f64 + g.epsilon * g.epsilon / 3.0).sqrt();
        let mean = g.mean()[0];
        let sd = g.variance()[0].sqrt();
        assert!(
            (mean - observed).abs() < 4.0 * sd_abc / ess.sqrt(),
            "mean {mean} vs {observed}, ess {ess}"
        );
        assert!(
            (sd - sd_abc).abs() < 4.0 * sd_abc / (2.0 * ess).sqrt(),
            "sd {sd} vs {sd_abc}, ess {ess}"
        );
        // The weights are normalised and the acceptance rate fell as ε shrank.
        let s: f64 = g.weights.iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
        assert!(g.acceptance_rate > 0.0 && g.acceptance_rate < 0.5);
        assert!(g.distances.iter().all(|d| *d <= g.epsilon));
    }

    #[test]
    fn the_true_parameter_lies_in_most_90_percent_intervals() {
        // 20 repetitions, each with its own θ (spread over [-3, 3]), data and seed. With a flat
        // prior the normal posterior's 90% credible interval is also a 90% confidence
        // interval, and ABC with a small ε only widens it, so the number of repetitions whose
        // interval holds θ is at least Binomial(20, 0.9) (mean 18): P(<= 14) = 1.1%. The test
        // asks for at least 15.
        let n_obs = 10;
        let mut hits = 0;
        for rep in 0..20u64 {
            let theta = -3.0 + 6.0 * (rep as f64 + 0.5) / 20.0;
            let observed = simulate(theta, n_obs, key(&[77, rep]));
            let abc = Abc::new(vec![-10.0], vec![10.0], 400, rep).unwrap();
            let g = run_abc(&abc, observed, n_obs, 8, 1000 + rep);
            let (lo, hi) = (g.quantile(0, 0.05), g.quantile(0, 0.95));
            if lo <= theta && theta <= hi {
                hits += 1;
            }
        }
        assert!(hits >= 15, "{hits} of 20");
    }

    #[test]
    fn proposals_are_deterministic_and_inside_the_prior() {
        let abc = Abc::new(vec![0.0, -1.0], vec![1.0, 1.0], 50, 3).unwrap();
        let c0 = abc.propose(None, 0, 50).unwrap();
        assert_eq!(c0, abc.propose(None, 0, 50).unwrap());
        assert_ne!(c0, abc.propose(None, 1, 50).unwrap());
        let d: Vec<f64> = c0.iter().map(|t| t[0] + t[1].abs()).collect();
        let Assembly::Complete(g0) = abc.assemble(None, f64::INFINITY, &c0, &d).unwrap() else {
            panic!("generation 0 at ε = ∞ takes every candidate");
        };
        assert_eq!((g0.proposed, g0.acceptance_rate), (50, 1.0));
        assert!((g0.ess() - 50.0).abs() < 1e-9);
        // A resumed run (the generation rebuilt from its saved fields) proposes the same.
        let saved = g0.clone();
        let c1 = abc.propose(Some(&g0), 0, 200).unwrap();
        assert_eq!(c1, abc.propose(Some(&saved), 0, 200).unwrap());
        assert!(c1.iter().all(|t| abc.inside(t)));
        // Too few accepted: ask for more; the same inputs give the same generation.
        let eps = next_epsilon(&g0, 0.5).unwrap();
        let d1: Vec<f64> = c1.iter().map(|t| t[0] + t[1].abs()).collect();
        assert!(matches!(
            abc.assemble(Some(&g0), eps, &c1[..40], &d1[..40]).unwrap(),
            Assembly::NeedMore { needed: 50, .. }
        ));
        let a = abc.assemble(Some(&g0), eps, &c1, &d1).unwrap();
        assert_eq!(a, abc.assemble(Some(&g0), eps, &c1, &d1).unwrap());
        let Assembly::Complete(g1) = a else {
            panic!("{a:?}")
        };
        assert_eq!(g1.index, 1);
        assert!(g1.weights.iter().all(|w| *w > 0.0));
        assert!(g1.ess() <= 50.0 + 1e-9 && g1.ess() >= 1.0);
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert_eq!(Abc::new(vec![], vec![], 10, 1), Err(Error::NoParameters));
        assert!(matches!(
            Abc::new(vec![0.0], vec![1.0, 2.0], 10, 1),
            Err(Error::BoundsLength { .. })
        ));
        assert!(matches!(
            Abc::new(vec![1.0], vec![1.0], 10, 1),
            Err(Error::Bounds { .. })
        ));
        assert!(matches!(
            Abc::new(vec![f64::NAN], vec![1.0], 10, 1),
            Err(Error::Bounds { .. })
        ));
        assert_eq!(
            Abc::new(vec![0.0], vec![1.0], 1, 1),
            Err(Error::TooFewParticles(1))
        );
        let abc = Abc::new(vec![0.0], vec![1.0], 2, 1).unwrap();
        let c = vec![vec![0.5], vec![0.25]];
        assert_eq!(
            abc.assemble(None, 1.0, &c, &[0.0]),
            Err(Error::Lengths {
                candidates: 2,
                distances: 1
            })
        );
        assert_eq!(
            abc.assemble(None, 1.0, &c, &[0.0, f64::NAN]),
            Err(Error::NanDistance(1))
        );
        assert_eq!(
            abc.assemble(None, f64::NAN, &c, &[0.0, 0.0]),
            Err(Error::Epsilon)
        );
        assert_eq!(
            abc.assemble(None, 1.0, &[vec![2.0], vec![0.5]], &[0.0, 0.0]),
            Err(Error::Candidate(0))
        );
        // A collapsed population cannot be perturbed.
        let Assembly::Complete(g) = abc
            .assemble(None, 1.0, &[vec![0.5], vec![0.5]], &[0.0, 0.0])
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(abc.propose(Some(&g), 0, 3), Err(Error::Collapsed(0)));
        assert!(matches!(next_epsilon(&g, 0.0), Err(Error::Quantile(_))));
        assert_eq!(next_epsilon(&g, 1.0), Ok(0.0));
    }
}
