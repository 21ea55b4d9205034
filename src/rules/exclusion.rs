//! ODD §6.4 Exclusion and resignation: outside support groups a stigmatized attendee may be
//! excluded by a co-attendee, more so where the group's acceptance norm is low and the agent
//! is far from its prototype; an exclusion lowers identification, weakens the tie to the
//! excluder and raises exclusion, which fades each week; only sustained exclusion makes an
//! agent resigned, and a resigned agent withdraws. The engine is `dynamics::exclusion`.

use crate::rng::Rng;
use crate::scenario::Scenario;
use rand::RngExt;

/// The parameters of a week's exclusion and resignation (ODD §6.4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExclusionRates {
    /// Probability scale of an exclusion (`exclusion.rate`).
    pub rate: f32,
    /// Identification with the group lost per exclusion (`exclusion.identification_loss`).
    pub identification_loss: f32,
    /// Share of the tie to the excluder lost (`exclusion.tie_loss`).
    pub tie_loss: f32,
    /// Ties weaker than this vanish (`ties.min_weight`).
    pub min_weight: f32,
    /// Share of the remaining room an exclusion adds to exclusion (`exclusion.hit`).
    pub hit: f32,
    /// Distress added per exclusion (`exclusion.distress`).
    pub distress: f32,
    /// Weekly relative fading of exclusion (`exclusion.decay`).
    pub decay: f32,
    /// Exclusion above which a week counts towards resignation (`exclusion.threshold`).
    pub threshold: f32,
    /// Weeks in a row above the threshold that make an agent resigned (`exclusion.resign_weeks`).
    pub resign_weeks: u32,
    /// Weekly probability that a resigned agent recovers (`exclusion.recovery`).
    pub recovery: f64,
    /// Share of approach a resigned agent loses each week (`exclusion.resigned_withdrawal`).
    pub withdrawal: f32,
}

impl ExclusionRates {
    pub fn new(s: &Scenario) -> ExclusionRates {
        let x = &s.exclusion;
        ExclusionRates {
            rate: x.rate as f32,
            identification_loss: x.identification_loss as f32,
            tie_loss: x.tie_loss as f32,
            min_weight: s.ties.min_weight as f32,
            hit: x.hit as f32,
            distress: x.distress as f32,
            decay: x.decay as f32,
            threshold: x.threshold as f32,
            resign_weeks: x.resign_weeks,
            recovery: x.recovery,
            withdrawal: x.resigned_withdrawal as f32,
        }
    }
}

/// ODD §6.4: whether an attendee (outside support groups) may be excluded: its condition is
/// active and carries stigma.
#[inline(always)]
pub fn exposed(condition_active: bool, stigma: f32) -> bool {
    condition_active && stigma > 0.0
}

/// ODD §6.4: the probability that an exposed attendee is excluded this week,
/// `rate` × stigma × (1 − ½ integration) × (1 − acceptance_g) × (½ + ‖x_i − p_g‖ / √d),
/// from the distance ‖x_i − p_g‖ to the group's prototype and √d (d the identity
/// dimensions). Not capped: the engine draws with min(1, p).
#[inline(always)]
pub fn probability(
    r: &ExclusionRates,
    stigma: f32,
    integration: f32,
    acceptance: f32,
    distance: f32,
    sqrt_d: f32,
) -> f32 {
    let far = distance / sqrt_d;
    r.rate * stigma * (1.0 - 0.5 * integration) * (1.0 - acceptance) * (0.5 + far)
}

/// ODD §6.4: identification with the group after an exclusion, max(0, s − `identification_loss`).
#[inline(always)]
pub fn identification_after(r: &ExclusionRates, ident: f32) -> f32 {
    (ident - r.identification_loss).max(0.0)
}

/// ODD §6.4: the tie to the excluder after an exclusion, w (1 − `tie_loss`), or none if that
/// falls below `ties.min_weight` (the tie vanishes).
#[inline(always)]
pub fn tie_after(r: &ExclusionRates, weight: f32) -> Option<f32> {
    let weight = weight * (1.0 - r.tie_loss);
    if weight < r.min_weight {
        None
    } else {
        Some(weight)
    }
}

/// ODD §6.4: exclusion after an exclusion, x + `hit` (1 − x) (distress:
/// `rules::events::add_distress` with `distress`).
#[inline(always)]
pub fn hit(r: &ExclusionRates, x: f32) -> f32 {
    x + r.hit * (1.0 - x)
}

/// ODD §6.4: exclusion after a week's fading, x (1 − `decay`).
#[inline(always)]
pub fn fade(r: &ExclusionRates, x: f32) -> f32 {
    x * (1.0 - r.decay)
}

/// ODD §6.4: the weeks in a row with exclusion above `threshold`, counting this week's
/// exclusion `x` (reset to 0 by a week at or below it).
#[inline(always)]
pub fn weeks_excluded(r: &ExclusionRates, x: f32, weeks: u32) -> u32 {
    if x > r.threshold {
        weeks + 1
    } else {
        0
    }
}

/// ODD §6.4: whether an agent is resigned after this week: `resign_weeks` weeks in a row
/// above the threshold make it so; a resigned agent whose exclusion is below half the
/// threshold recovers with probability `recovery` (one draw from `rng`, only then).
#[inline(always)]
pub fn resigned(r: &ExclusionRates, weeks: u32, resigned: bool, x: f32, rng: &mut Rng) -> bool {
    if weeks >= r.resign_weeks {
        true
    } else if resigned && x < 0.5 * r.threshold && rng.random_bool(r.recovery) {
        false
    } else {
        resigned
    }
}

/// ODD §6.4: a resigned agent's approach after a week's withdrawal,
/// approach − `resigned_withdrawal` × approach.
#[inline(always)]
pub fn withdraw(r: &ExclusionRates, approach: f32) -> f32 {
    approach - r.withdrawal * approach
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rates() -> ExclusionRates {
        ExclusionRates {
            rate: 0.2,
            identification_loss: 0.1,
            tie_loss: 0.5,
            min_weight: 0.05,
            hit: 0.3,
            distress: 0.05,
            decay: 0.1,
            threshold: 0.4,
            resign_weeks: 3,
            recovery: 0.5,
            withdrawal: 0.1,
        }
    }

    /// Tolerance: a few f32 roundings of values about 1 (1e-6).
    const TOL: f32 = 1e-6;

    #[test]
    fn only_an_active_stigmatized_condition_is_exposed() {
        assert!(exposed(true, 0.5));
        assert!(!exposed(true, 0.0));
        assert!(!exposed(false, 0.5));
    }

    #[test]
    fn exclusion_grows_with_stigma_and_distance_and_falls_with_acceptance() {
        let r = rates();
        // 0.2 · 0.5 · (1 − ½ 0.4) · (1 − 0.25) · (½ + 1/2) = 0.2 · 0.5 · 0.8 · 0.75 · 1 = 0.06
        assert!((probability(&r, 0.5, 0.4, 0.25, 1.0, 2.0) - 0.06).abs() < TOL);
        // At the prototype only half the distance term remains: 0.03.
        assert!((probability(&r, 0.5, 0.4, 0.25, 0.0, 2.0) - 0.03).abs() < TOL);
        assert_eq!(
            probability(&r, 0.5, 0.4, 1.0, 1.0, 2.0),
            0.0,
            "full acceptance"
        );
        assert_eq!(probability(&r, 0.0, 0.4, 0.0, 1.0, 2.0), 0.0, "no stigma");
        // Integration halves it at most: 0.2 · 1 · ½ · 1 · 1.5 = 0.15.
        assert!((probability(&r, 1.0, 1.0, 0.0, 2.0, 2.0) - 0.15).abs() < TOL);
    }

    #[test]
    fn an_exclusion_costs_identification_the_tie_and_adds_exclusion() {
        let r = rates();
        assert!((identification_after(&r, 0.5) - 0.4).abs() < TOL);
        assert_eq!(identification_after(&r, 0.05), 0.0);
        assert_eq!(tie_after(&r, 0.6), Some(0.3));
        assert_eq!(tie_after(&r, 0.1), Some(0.05), "the minimum itself is kept");
        assert_eq!(tie_after(&r, 0.09), None);
        // 0.2 + 0.3 · 0.8 = 0.44
        assert!((hit(&r, 0.2) - 0.44).abs() < TOL);
        assert_eq!(hit(&r, 1.0), 1.0);
    }

    #[test]
    fn exclusion_fades_and_counts_weeks_above_the_threshold() {
        let r = rates();
        assert!((fade(&r, 0.5) - 0.45).abs() < TOL);
        assert_eq!(weeks_excluded(&r, 0.45, 2), 3);
        assert_eq!(
            weeks_excluded(&r, 0.4, 2),
            0,
            "at the threshold: not above it"
        );
        assert!((withdraw(&r, 0.5) - 0.45).abs() < TOL);
    }

    /// Sustained exclusion resigns; recovery needs exclusion below half the threshold, and
    /// then comes with probability `recovery` (10 000 weeks at 0.5: 5 000 ± 250, 5 s.e.).
    #[test]
    fn resignation_and_recovery() {
        let r = rates();
        let mut rng = Rng::seed_from_u64(1);
        assert!(resigned(&r, 3, false, 0.5, &mut rng));
        assert!(
            resigned(&r, 3, true, 0.0, &mut rng),
            "still sustained: no recovery"
        );
        assert!(!resigned(&r, 2, false, 0.5, &mut rng));
        let before = rng.clone();
        assert!(
            resigned(&r, 0, true, 0.2, &mut rng),
            "not below half the threshold"
        );
        assert_eq!(rng, before, "and nothing drawn");
        let recovered = (0..10_000)
            .filter(|_| !resigned(&r, 0, true, 0.1, &mut rng))
            .count();
        assert!(
            (recovered as i64 - 5_000).abs() < 250,
            "{recovered} recovered"
        );
    }
}
