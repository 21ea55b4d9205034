//! ODD §6.6 Ties: a tie not seen this week is kept up by private contact, which reinforces it
//! like an encounter (ODD §6.3); a tie still not seen decays, the lonely's faster and weak
//! ties faster than close ones; ties below the minimum weight vanish. The engine is
//! `dynamics::ties` (in parallel, in lanes or one tie at a time) and, for reinforcement by
//! encounters, `dynamics::interaction`.

use crate::scenario::Scenario;

/// The parameters of a week's tie maintenance (ODD §6.6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieRates {
    /// Private contact's probability scale (`interaction.contact`).
    pub contact: f32,
    /// Reinforcement per contact (`interaction.tie_gain`).
    pub gain: f32,
    /// k in the warmth of a contact (`interaction.warmth_loneliness`).
    pub warmth_k: f32,
    /// Weekly relative decay of a tie not seen (`ties.decay`).
    pub decay: f32,
    /// Extra decay for lonely pairs (`ties.lonely_decay`).
    pub lonely_decay: f32,
    /// Close ties decay more slowly (`ties.closeness`).
    pub closeness: f32,
    /// Ties weaker than this vanish (`ties.min_weight`).
    pub min_weight: f32,
}

impl TieRates {
    pub fn new(s: &Scenario) -> TieRates {
        TieRates {
            contact: s.interaction.contact as f32,
            gain: s.interaction.tie_gain as f32,
            warmth_k: s.interaction.warmth_loneliness as f32,
            decay: s.ties.decay as f32,
            lonely_decay: s.ties.lonely_decay as f32,
            closeness: s.ties.closeness as f32,
            min_weight: s.ties.min_weight as f32,
        }
    }

    /// ODD §6.6: whether a week's maintenance leaves every weight as it is (a fixed network:
    /// no private contact and no decay), so that only ties weakened below the minimum
    /// elsewhere vanish. The engine then skips the per-tie work. Any new term of the rule
    /// that changes a weight must be added here, or that shortcut would skip it.
    #[inline]
    pub fn changes_nothing(&self) -> bool {
        self.contact <= 0.0 && self.decay <= 0.0
    }
}

/// ODD §6.6: the probability that a tie not seen this week is kept up by private contact,
/// `contact` × ½ (approach_i + approach_j).
#[inline(always)]
pub fn contact_probability(r: &TieRates, ai: f32, aj: f32) -> f32 {
    r.contact * 0.5 * (ai + aj)
}

/// ODD §6.3 and §6.6: a tie's weight after an encounter or a private contact,
/// min(1, w + gain × warmth × (1 − w)).
#[inline(always)]
pub fn reinforce(weight: f32, gain: f32, warm: f32) -> f32 {
    (weight + gain * warm * (1.0 - weight)).min(1.0)
}

/// ODD §6.6: the weight of a tie not seen this week after its decay,
/// w (1 − min(1, `decay` × (1 + `lonely_decay` × ½ (L_i + L_j)) × (1 − `closeness` × w))):
/// the lonely lose ties faster and close ties wear more slowly; a weight in [0, 1] stays
/// in [0, 1] (the share lost is at most 1).
#[inline(always)]
pub fn decay(r: &TieRates, weight: f32, li: f32, lj: f32) -> f32 {
    let lonely = 0.5 * (li + lj);
    weight
        * (1.0
            - (r.decay * (1.0 + r.lonely_decay * lonely) * (1.0 - r.closeness * weight)).min(1.0))
}

/// ODD §6.6: whether a tie of this weight is kept (ties below `min_weight` vanish).
#[inline(always)]
pub fn kept(r: &TieRates, weight: f32) -> bool {
    weight >= r.min_weight
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> TieRates {
        TieRates {
            contact: 0.2,
            gain: 0.2,
            warmth_k: 0.5,
            decay: 0.1,
            lonely_decay: 1.0,
            closeness: 0.5,
            min_weight: 0.05,
        }
    }

    /// Tolerance: a few f32 roundings of a hand-computed value about 1 (1e-6, about 8 ulps
    /// at 1); exact (`assert_eq!`) where every operation is exact in f32.
    const TOL: f32 = 1e-6;

    #[test]
    fn contact_probability_is_the_mean_approach_scaled() {
        let r = rates();
        // 0.2 · ½ (0.4 + 0.6) = 0.1
        assert!((contact_probability(&r, 0.4, 0.6) - 0.1).abs() < TOL);
        assert_eq!(contact_probability(&r, 0.0, 0.0), 0.0);
        let none = TieRates { contact: 0.0, ..r };
        assert_eq!(contact_probability(&none, 1.0, 1.0), 0.0);
    }

    #[test]
    fn reinforce_moves_towards_one() {
        // 0.5 + 0.2 · 1 · 0.5 = 0.6
        assert!((reinforce(0.5, 0.2, 1.0) - 0.6).abs() < TOL);
        // 0.5 + 0.2 · 0.72 · 0.5 = 0.572
        assert!((reinforce(0.5, 0.2, 0.72) - 0.572).abs() < TOL);
        // Boundaries: weight 1 stays 1, no warmth or no gain changes nothing, and a gain
        // past 1 is clamped to 1.
        assert_eq!(reinforce(1.0, 0.2, 1.0), 1.0);
        assert_eq!(reinforce(0.3, 0.2, 0.0), 0.3);
        assert_eq!(reinforce(0.3, 0.0, 1.0), 0.3);
        assert_eq!(reinforce(0.5, 3.0, 1.0), 1.0);
    }

    #[test]
    fn decay_is_faster_for_the_lonely_and_slower_for_close_ties() {
        let r = rates();
        // 0.5 (1 − 0.1 (1 + 1 · ½ (0.2 + 0.4)) (1 − 0.5 · 0.5)) = 0.5 (1 − 0.1 · 1.3 · 0.75)
        // = 0.5 · 0.9025 = 0.45125
        assert!((decay(&r, 0.5, 0.2, 0.4) - 0.45125).abs() < TOL);
        // Not lonely, no closeness: the plain rate, 0.5 · 0.9 = 0.45.
        let plain = TieRates {
            closeness: 0.0,
            ..r
        };
        assert!((decay(&plain, 0.5, 0.0, 0.0) - 0.45).abs() < TOL);
        assert!(decay(&r, 0.5, 0.8, 0.8) < decay(&r, 0.5, 0.0, 0.0));
        // Close ties lose a smaller share: 1 − 0.1 · 0.5 at w = 1, 1 − 0.1 · 0.95 at w = 0.1.
        assert!((decay(&plain, 1.0, 0.0, 0.0) - 0.9).abs() < TOL);
        assert!((decay(&r, 1.0, 0.0, 0.0) - 0.95).abs() < TOL);
        assert!((decay(&r, 0.1, 0.0, 0.0) - 0.1 * (1.0 - 0.1 * 0.95)).abs() < TOL);
        // Boundaries: no decay changes nothing, weight 0 stays 0, and a share past 1 is
        // clamped: the weight falls to 0, never below.
        let none = TieRates { decay: 0.0, ..r };
        assert_eq!(decay(&none, 0.7, 1.0, 1.0), 0.7);
        assert_eq!(decay(&r, 0.0, 1.0, 1.0), 0.0);
        let harsh = TieRates {
            decay: 5.0,
            ..plain
        };
        assert_eq!(decay(&harsh, 0.7, 1.0, 1.0), 0.0);
    }

    #[test]
    fn ties_below_the_minimum_vanish() {
        let r = rates();
        assert!(kept(&r, 0.05), "the minimum itself is kept");
        assert!(kept(&r, 1.0));
        assert!(!kept(&r, 0.049));
        assert!(!kept(&r, 0.0));
    }

    #[test]
    fn only_no_contact_and_no_decay_change_nothing() {
        let r = rates();
        assert!(!r.changes_nothing());
        assert!(!TieRates { contact: 0.0, ..r }.changes_nothing());
        assert!(!TieRates { decay: 0.0, ..r }.changes_nothing());
        let fixed = TieRates {
            contact: 0.0,
            decay: 0.0,
            ..r
        };
        assert!(fixed.changes_nothing());
        // Then, whatever the weight and the pair, decay changes no weight.
        for w in [0.0, 0.05, 0.5, 1.0] {
            assert_eq!(decay(&fixed, w, 0.9, 0.3), w);
        }
    }
}
