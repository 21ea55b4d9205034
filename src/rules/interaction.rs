//! ODD §6.3 Interaction: what an encounter does to a tie — its warmth, and for strangers the
//! chance of a new tie and its weight. (An existing tie is reinforced by
//! [`super::ties::reinforce`], the rule private contact shares.) The engine is
//! `dynamics::interaction`.

use crate::scenario::Scenario;

/// The parameters of encounters' ties (ODD §6.3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Encounters {
    /// k in the warmth (`interaction.warmth_loneliness`).
    pub warmth_k: f32,
    /// Reinforcement of an existing tie (`interaction.tie_gain`).
    pub gain: f32,
    /// The chance of a new tie at full trust, warmth and similarity (`interaction.new_tie`).
    pub new_tie: f32,
    /// A new tie's weight at full warmth (`interaction.new_tie_weight`).
    pub new_weight: f32,
    /// The least weight of a new tie: 1.5 × `ties.min_weight`.
    pub min_new_weight: f32,
}

impl Encounters {
    pub fn new(s: &Scenario) -> Encounters {
        let it = &s.interaction;
        Encounters {
            warmth_k: it.warmth_loneliness as f32,
            gain: it.tie_gain as f32,
            new_tie: it.new_tie as f32,
            new_weight: it.new_tie_weight as f32,
            min_new_weight: s.ties.min_weight as f32 * 1.5,
        }
    }
}

/// ODD §6.3: the warmth of an encounter of i and j, (1 − k L_i)(1 − k L_j) — the lonely
/// signal and receive less warmth. Also warms private contact along a tie (ODD §6.6).
#[inline(always)]
pub fn warmth(k: f32, li: f32, lj: f32) -> f32 {
    (1.0 - k * li) * (1.0 - k * lj)
}

/// ODD §6.3: strangers form a tie with probability this × similarity (the similarity, an
/// exponential of the identities' distance, is computed by the engine only when the draw
/// falls below this bound): `new_tie` × trust × warmth.
#[inline(always)]
pub fn bond_chance(e: &Encounters, trust: f32, warm: f32) -> f32 {
    e.new_tie * trust * warm
}

/// ODD §6.3: the weight of a new tie, `new_tie_weight` (½ + ½ warmth), at least
/// 1.5 `ties.min_weight` and at most 1.
#[inline(always)]
pub fn new_tie_weight(e: &Encounters, warm: f32) -> f32 {
    (e.new_weight * (0.5 + 0.5 * warm))
        .max(e.min_new_weight)
        .min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Encounters {
        Encounters {
            warmth_k: 0.5,
            gain: 0.2,
            new_tie: 0.4,
            new_weight: 0.3,
            min_new_weight: 0.15,
        }
    }

    /// Tolerance: one f32 rounding of the hand-computed value (values are about 1, so
    /// 1e-6 covers a few ulps); exact where every operation is exact in f32.
    const TOL: f32 = 1e-6;

    #[test]
    fn warmth_falls_with_both_partners_loneliness() {
        assert_eq!(warmth(0.5, 0.0, 0.0), 1.0);
        // (1 − 0.5·0.4)(1 − 0.5·0.2) = 0.8 · 0.9 = 0.72
        assert!((warmth(0.5, 0.4, 0.2) - 0.72).abs() < TOL);
        assert_eq!(warmth(0.5, 0.4, 0.2), warmth(0.5, 0.2, 0.4));
        // k = 1: a completely lonely partner gives no warmth.
        assert_eq!(warmth(1.0, 1.0, 0.3), 0.0);
        assert_eq!(warmth(0.0, 1.0, 1.0), 1.0);
    }

    #[test]
    fn bond_chance_is_the_product() {
        let e = rules();
        // 0.4 · 0.5 · 0.72 = 0.144
        assert!((bond_chance(&e, 0.5, 0.72) - 0.144).abs() < TOL);
        // At warmth 1 it is the bound the engine reserves room by: new_tie × trust, exactly.
        assert_eq!(bond_chance(&e, 0.5, 1.0), 0.4f32 * 0.5);
        assert_eq!(bond_chance(&e, 0.0, 1.0), 0.0);
    }

    #[test]
    fn new_tie_weight_is_clamped() {
        let e = rules();
        // 0.3 (0.5 + 0.5) = 0.3 at full warmth; 0.3 · 0.75 = 0.225 at warmth ½.
        assert!((new_tie_weight(&e, 1.0) - 0.3).abs() < TOL);
        assert!((new_tie_weight(&e, 0.5) - 0.225).abs() < TOL);
        // 0.3 · 0.5 = 0.15 at warmth 0: the floor; below it the floor holds.
        assert!((new_tie_weight(&e, 0.0) - 0.15).abs() < TOL);
        let low = Encounters {
            new_weight: 0.1,
            ..e
        };
        assert_eq!(new_tie_weight(&low, 0.5), 0.15);
        let high = Encounters {
            new_weight: 3.0,
            ..e
        };
        assert_eq!(new_tie_weight(&high, 1.0), 1.0, "at most 1");
    }
}
