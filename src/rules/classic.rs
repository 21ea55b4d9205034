//! ODD §6.5, the classic identity rules: what one encounter of an active agent i and its
//! partner j does under bounded confidence (Deffuant, Neau, Amblard & Weisbuch 2000) and
//! cultural dissemination (Axelrod 1997), and when a pair can no longer change (ODD §6.9).
//! Who meets whom (a random order, a partner in scope) is the engine's,
//! `dynamics::identity::classic`, which also compares cultures a word at a time.

use crate::rng::scale;
use crate::scenario::Scenario;

/// The parameters of the classic rules (ODD §6.5, §6.9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classic {
    /// Bounded confidence: partners interact only when closer than this (`identity.epsilon`).
    pub epsilon: f32,
    /// Bounded confidence: each partner's move, as a share of the way (`identity.mu`).
    pub mu: f32,
    /// Bounded confidence: partners closer than this count as agreeing at absorption
    /// (`stop.tolerance`).
    pub tolerance: f32,
}

impl Classic {
    pub fn new(s: &Scenario) -> Classic {
        Classic {
            epsilon: s.identity.epsilon as f32,
            mu: s.identity.mu as f32,
            tolerance: s.stop.tolerance as f32,
        }
    }
}

/// ODD §6.5, bounded confidence: whether partners at Euclidean distance `distance` interact,
/// ‖x_i − x_j‖ < ε.
#[inline(always)]
pub fn confident(c: &Classic, distance: f32) -> bool {
    distance < c.epsilon
}

/// ODD §6.5, bounded confidence: one dimension of both partners after they interact, from
/// their positions a, b before: (a + μ (b − a), b + μ (a − b)), each clamped to [0, 1].
#[inline(always)]
pub fn converge(c: &Classic, a: f32, b: f32) -> (f32, f32) {
    (
        (a + c.mu * (b - a)).clamp(0.0, 1.0),
        (b + c.mu * (a - b)).clamp(0.0, 1.0),
    )
}

/// ODD §6.9, bounded confidence: a pair at distance `distance` can no longer change: at least
/// ε apart, or closer than `stop.tolerance`.
#[inline(always)]
pub fn confidence_settled(c: &Classic, distance: f32) -> bool {
    distance >= c.epsilon || distance < c.tolerance
}

/// ODD §6.5, Axelrod: whether partners agreeing on `same` of `f` features may interact,
/// 0 < σ_ij = `same` / `f` < 1 (identical or completely different partners do not).
#[inline(always)]
pub fn axelrod_interacts(same: usize, f: usize) -> bool {
    same != 0 && same != f
}

/// ODD §6.9, Axelrod: a pair that can no longer change agrees on every feature or on none.
#[inline(always)]
pub fn axelrod_settled(same: usize, f: usize) -> bool {
    !axelrod_interacts(same, f)
}

/// ODD §6.5, Axelrod: whether a pair that may interact does, with probability σ_ij = `same` /
/// `f` exactly, given the draw `x` (a uniform u32): an index in 0 … f−1 below `same`.
#[inline(always)]
pub fn axelrod_copies(x: u32, same: usize, f: usize) -> bool {
    scale(x, f) < same
}

/// ODD §6.5, Axelrod: which of the `differ` features on which the partners differ the active
/// agent copies, counting from the first, given the draw `x` (a uniform u32): each equally
/// likely.
#[inline(always)]
pub fn axelrod_feature(x: u32, differ: usize) -> usize {
    scale(x, differ)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Classic {
        Classic {
            epsilon: 0.2,
            mu: 0.5,
            tolerance: 0.01,
        }
    }

    #[test]
    fn the_parameters_are_read_from_the_scenario() {
        let mut s = Scenario::default();
        s.identity.epsilon = 0.25;
        s.identity.mu = 0.125;
        s.stop.tolerance = 0.5;
        assert_eq!(
            Classic::new(&s),
            Classic {
                epsilon: 0.25,
                mu: 0.125,
                tolerance: 0.5
            }
        );
    }

    /// Exact: every value below is exact in f32 (halves and quarters), or within 1e-6 (a
    /// few roundings of values of order 1) where stated.
    #[test]
    fn bounded_confidence_meets_halfway_within_epsilon_only() {
        let c = rules();
        assert!(confident(&c, 0.1));
        assert!(!confident(&c, 0.2), "epsilon itself is too far");
        // μ = ½: both move to the midpoint.
        assert_eq!(converge(&c, 0.25, 0.75), (0.5, 0.5));
        // μ = ¼: 0.2 + 0.25 · 0.4 = 0.3 and 0.6 − 0.1 = 0.5 (within 1e-6).
        let quarter = Classic { mu: 0.25, ..c };
        let (a, b) = converge(&quarter, 0.2, 0.6);
        assert!((a - 0.3).abs() < 1e-6 && (b - 0.5).abs() < 1e-6, "{a} {b}");
        // μ = 0: nothing moves.
        assert_eq!(converge(&Classic { mu: 0.0, ..c }, 0.2, 0.6), (0.2, 0.6));
    }

    #[test]
    fn bounded_confidence_settles_apart_or_together() {
        let c = rules();
        assert!(confidence_settled(&c, 0.2));
        assert!(confidence_settled(&c, 0.005));
        assert!(
            !confidence_settled(&c, 0.01),
            "the tolerance itself can still move"
        );
        assert!(!confidence_settled(&c, 0.1));
    }

    #[test]
    fn axelrod_interacts_with_probability_similarity() {
        assert!(!axelrod_interacts(0, 5) && !axelrod_interacts(5, 5));
        assert!(axelrod_interacts(1, 5) && axelrod_interacts(4, 5));
        assert!(axelrod_settled(0, 5) && axelrod_settled(5, 5) && !axelrod_settled(2, 5));
        // On an even grid of 1024 draws (x = k 2^22) the share that copies is same / f to
        // the grid's step: the draws below 2/5 of the range, ⌈1024 · 2/5⌉ = 410.
        let draws = (0..1024u32).map(|k| k << 22);
        assert_eq!(
            draws.clone().filter(|&x| axelrod_copies(x, 2, 5)).count(),
            410
        );
        // Each of 3 differing features for a third of the grid: k < 1024/3, then the rest
        // split evenly (342 + 341 + 341).
        let mut hits = [0; 3];
        for x in draws {
            hits[axelrod_feature(x, 3)] += 1;
        }
        assert_eq!(hits, [342, 341, 341]);
        assert_eq!(
            axelrod_feature(u32::MAX, 4),
            3,
            "the last feature is reached"
        );
    }
}
