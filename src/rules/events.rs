//! ODD §6.1 Life events: a condition one lives with is slowly integrated; an agent without
//! an active condition is struck by an event kind with its weekly chance (higher in a pulse
//! week); a strike breaks memberships and ties, adds distress, sets the condition (for a drawn
//! duration, or for good) and shifts identity. The engine is `dynamics::events`; an event
//! kind's parameters are the scenario's `EventKind` as it stands (`events[k]`), and the
//! memberships it breaks `Config::event_losses[k]`.

use crate::rng::Rng;
use crate::scenario::EventKind;
use rand::RngExt;
use rand_distr::{Distribution, Exp};

/// ODD §6.1: whether an active condition that ends in week `end` has resolved in week `t`.
#[inline(always)]
pub fn resolved(t: u32, end: u32) -> bool {
    t >= end
}

/// ODD §6.1: integration after a week with an active condition of kind `e`,
/// integration + `adaptation` × (1 − integration) (unchanged when `adaptation` is 0).
#[inline(always)]
pub fn adapt(e: &EventKind, integration: f32) -> f32 {
    let r = e.adaptation as f32;
    if r > 0.0 {
        integration + r * (1.0 - integration)
    } else {
        integration
    }
}

/// ODD §6.1: the probability that event kind `e` strikes an agent without an active condition
/// in recorded week `step`, 1 − (1 − `hazard`)(1 − `pulse.fraction`), the pulse counting only
/// in its week.
#[inline(always)]
pub fn strike_probability(e: &EventKind, step: u32) -> f64 {
    let pulse = e
        .pulse
        .filter(|p| p.step == step)
        .map_or(0.0, |p| p.fraction);
    1.0 - (1.0 - e.hazard) * (1.0 - pulse)
}

/// ODD §6.1: the probability that a strike breaks a membership of group kind `kind`, from the
/// event's (group kind, probability) pairs (`lose`); none if the event spares that kind.
#[inline(always)]
pub fn loss_probability(losses: &[(usize, f64)], kind: usize) -> Option<f64> {
    losses.iter().find(|(k, _)| *k == kind).map(|&(_, p)| p)
}

/// ODD §6.1: whether a strike of `e` may break ties at all (each tie then breaks with
/// probability `tie_loss`).
#[inline(always)]
pub fn breaks_ties(e: &EventKind) -> bool {
    e.tie_loss > 0.0
}

/// ODD §6.1 (and §6.4): distress after a blow that adds `added`, min(1, distress + added).
#[inline(always)]
pub fn add_distress(distress: f32, added: f32) -> f32 {
    (distress + added).min(1.0)
}

/// ODD §6.1: how many weeks the condition a strike of `e` sets lasts, ⌈Exp(mean `duration`)⌉
/// and at least 1 (drawn from `rng`), or none for a chronic one (`duration` None).
#[inline(always)]
pub fn duration(e: &EventKind, rng: &mut Rng) -> Option<u32> {
    e.duration.map(|mean| {
        let weeks = Exp::new(1.0 / mean).map_or(mean, |d| d.sample(rng));
        weeks.ceil().max(1.0) as u32
    })
}

/// ODD §6.1: a strike's shift of one identity dimension, `identity_shift` × U(−1, 1) (one
/// draw from `rng`), the same for identity and personal identity.
#[inline(always)]
pub fn identity_step(e: &EventKind, rng: &mut Rng) -> f32 {
    e.identity_shift as f32 * rng.random_range(-1.0..=1.0)
}

/// ODD §6.1: an identity coordinate after a shift, clamped to [0, 1].
#[inline(always)]
pub fn shift(x: f32, step: f32) -> f32 {
    (x + step).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Pulse;
    use rand::SeedableRng;

    fn kind() -> EventKind {
        EventKind {
            hazard: 0.01,
            adaptation: 0.1,
            pulse: Some(Pulse {
                step: 10,
                fraction: 0.2,
            }),
            ..EventKind::default()
        }
    }

    /// Tolerance: a few roundings of a value about 1 (1e-12 in f64, 1e-6 in f32).
    const TOL64: f64 = 1e-12;
    const TOL32: f32 = 1e-6;

    #[test]
    fn a_condition_resolves_in_its_last_week() {
        assert!(!resolved(4, 5));
        assert!(resolved(5, 5) && resolved(6, 5));
        assert!(
            !resolved(u32::MAX - 1, u32::MAX),
            "a chronic condition never resolves"
        );
    }

    #[test]
    fn adaptation_moves_integration_towards_one() {
        let e = kind();
        // 0.2 + 0.1 (1 − 0.2) = 0.28
        assert!((adapt(&e, 0.2) - 0.28).abs() < TOL32);
        assert_eq!(adapt(&e, 1.0), 1.0);
        let none = EventKind {
            adaptation: 0.0,
            ..kind()
        };
        assert_eq!(adapt(&none, 0.37), 0.37);
    }

    #[test]
    fn the_pulse_adds_to_the_hazard_in_its_week_only() {
        let e = kind();
        assert!((strike_probability(&e, 9) - 0.01).abs() < TOL64);
        // 1 − 0.99 · 0.8 = 0.208
        assert!((strike_probability(&e, 10) - 0.208).abs() < TOL64);
        let calm = EventKind {
            hazard: 0.0,
            pulse: None,
            ..kind()
        };
        assert_eq!(strike_probability(&calm, 10), 0.0);
    }

    #[test]
    fn only_the_listed_kinds_are_lost() {
        let losses = [(0, 0.3), (2, 0.9)];
        assert_eq!(loss_probability(&losses, 0), Some(0.3));
        assert_eq!(loss_probability(&losses, 2), Some(0.9));
        assert_eq!(loss_probability(&losses, 1), None);
        assert_eq!(loss_probability(&[], 0), None);
        assert!(!breaks_ties(&EventKind {
            tie_loss: 0.0,
            ..kind()
        }));
        assert!(breaks_ties(&EventKind {
            tie_loss: 0.1,
            ..kind()
        }));
    }

    #[test]
    fn distress_and_identity_stay_in_the_unit_interval() {
        assert!((add_distress(0.3, 0.4) - 0.7).abs() < TOL32);
        assert_eq!(add_distress(0.8, 0.4), 1.0);
        assert!((shift(0.5, -0.2) - 0.3).abs() < TOL32);
        assert_eq!(shift(0.9, 0.2), 1.0);
        assert_eq!(shift(0.1, -0.2), 0.0);
    }

    /// The duration is at least a week and about its mean (10 000 draws of mean 20: the mean
    /// of ⌈Exp⌉ is 1/(1 − e^(−1/20)) ≈ 20.5, standard error 0.2; tolerance 1, 5 s.e.); a
    /// chronic condition draws nothing.
    #[test]
    fn durations_are_drawn_whole_weeks() {
        let mut rng = Rng::seed_from_u64(7);
        let e = EventKind {
            duration: Some(20.0),
            ..kind()
        };
        let n = 10_000;
        let mut sum = 0u64;
        for _ in 0..n {
            let w = duration(&e, &mut rng).unwrap();
            assert!(w >= 1);
            sum += w as u64;
        }
        let mean = sum as f64 / n as f64;
        assert!((mean - 20.5).abs() < 1.0, "mean duration {mean}");
        let chronic = EventKind {
            duration: None,
            ..kind()
        };
        let before = rng.clone();
        assert_eq!(duration(&chronic, &mut rng), None);
        assert_eq!(rng, before, "a chronic condition draws nothing");
    }

    /// Each step is within ± `identity_shift` (exact: a product of a draw in [−1, 1]).
    #[test]
    fn identity_steps_are_bounded_by_the_shift() {
        let mut rng = Rng::seed_from_u64(3);
        let e = EventKind {
            identity_shift: 0.25,
            ..kind()
        };
        let steps: Vec<f32> = (0..1000).map(|_| identity_step(&e, &mut rng)).collect();
        assert!(steps.iter().all(|s| s.abs() <= 0.25));
        assert!(steps.iter().any(|&s| s > 0.2) && steps.iter().any(|&s| s < -0.2));
    }
}
