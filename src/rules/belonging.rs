//! ODD §6.8 Belonging and loneliness: a group's coherence; an agent's attachment, membership
//! and collective identity, each saturating, and belonging made of them (their weighted mean,
//! or one saturation of everything that feeds them); loneliness moving towards the relative
//! gap between need and belonging and towards the tie-weighted neighbours' loneliness, and
//! (optionally) towards the climate of the meetings the agent came to; the agent's slow
//! states (approach, distress, regulation). The engine is `dynamics::belonging` (in parallel,
//! in lanes of agents or one agent at a time) and, for the loneliness everyone starts at,
//! `dynamics::init`.

use super::maths::exp;
use crate::scenario::{Aggregation, Scenario};

/// The parameters of belonging's components and of their aggregation (ODD §6.8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Components {
    /// w_A, the weight of attachment (`belonging.weight_attachment`, normalised with the
    /// other two to sum 1).
    pub wa: f32,
    /// w_M, the weight of membership (`belonging.weight_membership`, normalised).
    pub wm: f32,
    /// w_C, the weight of collective identity (`belonging.weight_collective`, normalised).
    pub wc: f32,
    /// κ_A, attachment's saturation scale (`belonging.kappa_attachment`, > 0: validated).
    pub ka: f32,
    /// κ_M, membership's saturation scale (`belonging.kappa_membership`, > 0).
    pub km: f32,
    /// κ_C, collective identity's saturation scale (`belonging.kappa_collective`, > 0).
    pub kc: f32,
    /// `belonging.aggregation` is `Pooled` (else `Mean`).
    pub pooled: bool,
}

impl Components {
    pub fn new(s: &Scenario) -> Components {
        let b = &s.belonging;
        // The sum in f64, then each weight's share in f32 (the weights are not all 0:
        // validated).
        let wsum = (b.weight_attachment + b.weight_membership + b.weight_collective) as f32;
        Components {
            wa: b.weight_attachment as f32 / wsum,
            wm: b.weight_membership as f32 / wsum,
            wc: b.weight_collective as f32 / wsum,
            ka: b.kappa_attachment as f32,
            km: b.kappa_membership as f32,
            kc: b.kappa_collective as f32,
            pooled: b.aggregation == Aggregation::Pooled,
        }
    }
}

/// The rates of a week's loneliness and slow states (ODD §6.8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BelongingRates {
    /// Loneliness's weekly approach to the gap (`belonging.rate`).
    pub rate: f32,
    /// Pull towards the tie-weighted neighbours' loneliness (`belonging.contagion`;
    /// `rate` + `contagion` ≤ 1: validated).
    pub contagion: f32,
    /// Pull towards the climate of the meetings the agent came to
    /// (`belonging.group_contagion`; 0: off).
    pub group_contagion: f32,
    /// Approach's weekly return to its baseline (`traits.approach_recovery`).
    pub approach_recovery: f32,
    /// Approach lost per unit loneliness (`traits.hypervigilance`).
    pub hypervigilance: f32,
    /// Distress added per unit loneliness (`traits.distress_from_loneliness`).
    pub distress_from_loneliness: f32,
    /// Distress relieved per unit regulation (`traits.distress_recovery`).
    pub distress_recovery: f32,
    /// Regulation's weekly return to its baseline (`traits.regulation_recovery`).
    pub regulation_recovery: f32,
}

impl BelongingRates {
    pub fn new(s: &Scenario) -> BelongingRates {
        let (b, tr) = (&s.belonging, &s.traits);
        BelongingRates {
            rate: b.rate as f32,
            contagion: b.contagion as f32,
            group_contagion: b.group_contagion as f32,
            approach_recovery: tr.approach_recovery as f32,
            hypervigilance: tr.hypervigilance as f32,
            distress_from_loneliness: tr.distress_from_loneliness as f32,
            distress_recovery: tr.distress_recovery as f32,
            regulation_recovery: tr.regulation_recovery as f32,
        }
    }
}

/// ODD §6.8: a group's coherence, exp(−mean distance of its members to the prototype /
/// `identity.similarity_scale`), from the sum of the distances over its `members`; 0 for a
/// group without members.
#[inline(always)]
pub fn coherence(scale: f32, total_distance: f32, members: usize) -> f32 {
    if members == 0 {
        0.0
    } else {
        exp(-(total_distance / members as f32) / scale)
    }
}

/// ODD §6.8: what feeds membership and collective identity, Σ_g s_ig a_ig and
/// Σ_g s_ig coherence_g, from each of the agent's memberships' (identification s,
/// attendance a, the group's coherence), summed in the order given.
#[inline(always)]
pub fn membership_sums(memberships: impl IntoIterator<Item = (f32, f32, f32)>) -> [f32; 2] {
    let (mut sm, mut sc) = (0.0f32, 0.0f32);
    for (ident, attend, coherence) in memberships {
        sm += ident * attend;
        sc += ident * coherence;
    }
    [sm, sc]
}

/// ODD §6.8: a component of belonging with diminishing returns, 1 − exp(−x / κ). Exactly 0
/// for x = 0, as the formula gives, without computing e^0 (an agent with no tie, or no
/// group).
#[inline(always)]
pub fn saturate(x: f32, kappa: f32) -> f32 {
    if x == 0.0 {
        0.0
    } else {
        1.0 - exp(-x / kappa)
    }
}

/// ODD §6.8: attachment A = 1 − exp(−Σ_j w_ij / `kappa_attachment`), from the agent's tie
/// strength Σ_j w_ij (0 without ties: A = 0).
#[inline(always)]
pub fn attachment(k: &Components, strength: f32) -> f32 {
    saturate(strength, k.ka)
}

/// ODD §6.8: membership M = 1 − exp(−Σ_g s_ig a_ig / `kappa_membership`).
#[inline(always)]
pub fn membership(k: &Components, sum: f32) -> f32 {
    saturate(sum, k.km)
}

/// ODD §6.8: collective identity C = 1 − exp(−Σ_g s_ig coherence_g / `kappa_collective`).
#[inline(always)]
pub fn collective(k: &Components, sum: f32) -> f32 {
    saturate(sum, k.kc)
}

/// ODD §6.8: belonging B in [0, 1] from the components `[A, M, C]` and what feeds them,
/// `[Σw, Σsa, Σs·coh]`. `Mean`: w_A A + w_M M + w_C C (normalised weights). `Pooled`:
/// 1 − exp(−(w_A Σw/κ_A + w_M Σsa/κ_M + w_C Σs·coh/κ_C)) = 1 − Π (1 − X)^w_X, one
/// saturation of everything that feeds belonging, so one strong source can stand in for
/// another (Weiss 1973). Clamped (the normalised weights' sum can round past 1).
#[inline(always)]
pub fn belonging(k: &Components, [a, m, c]: [f32; 3], [strength, sm, sc]: [f32; 3]) -> f32 {
    let b = if k.pooled {
        let x = k.wa * strength / k.ka + k.wm * sm / k.km + k.wc * sc / k.kc;
        if x == 0.0 {
            0.0
        } else {
            1.0 - exp(-x)
        }
    } else {
        k.wa * a + k.wm * m + k.wc * c
    };
    b.clamp(0.0, 1.0)
}

/// ODD §6.8: an agent's `[A, M, C, B]` from its tie strength Σ_j w_ij and its membership sums
/// Σ_g s_ig a_ig and Σ_g s_ig coherence_g ([`membership_sums`]).
#[inline(always)]
pub fn components(k: &Components, strength: f32, sm: f32, sc: f32) -> [f32; 4] {
    let a = attachment(k, strength);
    let m = membership(k, sm);
    let c = collective(k, sc);
    [a, m, c, belonging(k, [a, m, c], [strength, sm, sc])]
}

/// ODD §6.8: an agent is lonely when its loneliness is above `belonging.threshold` (the
/// prevalence every table and target counts; support-group graduation, programmes and
/// volunteering ask the same question). The one definition of "lonely".
#[inline(always)]
pub fn is_lonely(loneliness: f32, threshold: f32) -> bool {
    loneliness > threshold
}

/// ODD §6.8: the relative gap between need and belonging, min(1, max(0, need − B) / need).
/// `need` > 0: the validation requires a positive mean (`population.need.mean`) and each
/// agent's need is drawn at least 0.01 (`dynamics::init`).
#[inline(always)]
pub fn gap(need: f32, belonging: f32) -> f32 {
    ((need - belonging).max(0.0) / need).min(1.0)
}

/// ODD §6.8: loneliness after a week, clamp(L + `rate` (gap − L) + `contagion` (L̄_N − L))
/// to [0, 1], where L̄_N = `num` / `den` is the tie-weighted mean of the neighbours'
/// loneliness at the start of the phase (`num` = Σ_j w_ij L_j, `den` = Σ_j w_ij); no pull
/// without ties (`den` = 0). (With `rate` + `contagion` ≤ 1, validated, the clamp only
/// catches rounding.)
#[inline(always)]
pub fn loneliness_step(r: &BelongingRates, lonely: f32, gap: f32, num: f32, den: f32) -> f32 {
    let pull = if den > 0.0 {
        r.contagion * (num / den - lonely)
    } else {
        0.0
    };
    (lonely + r.rate * (gap - lonely) + pull).clamp(0.0, 1.0)
}

/// ODD §6.8: loneliness pulled by a group's climate, L + `group_contagion` (climate − L)
/// clamped to [0, 1], where the climate is the mean, over the meetings the agent came to this
/// week, of each meeting's mean loneliness (meetings of two or more).
#[inline(always)]
pub fn climate_step(r: &BelongingRates, lonely: f32, climate: f32) -> f32 {
    (lonely + r.group_contagion * (climate - lonely)).clamp(0.0, 1.0)
}

/// ODD §6.8: approach after a week, approach + `approach_recovery` (approach_base − approach)
/// − `hypervigilance` × L × approach, clamped to [0, 1] (`lonely`: this week's loneliness).
#[inline(always)]
pub fn approach_step(r: &BelongingRates, approach: f32, base: f32, lonely: f32) -> f32 {
    (approach + r.approach_recovery * (base - approach) - r.hypervigilance * lonely * approach)
        .clamp(0.0, 1.0)
}

/// ODD §6.8: distress after a week, distress + `distress_from_loneliness` × L × (1 − distress)
/// − `distress_recovery` × regulation × distress, clamped to [0, 1] (`regulation`: the
/// week's before it moves).
#[inline(always)]
pub fn distress_step(r: &BelongingRates, distress: f32, regulation: f32, lonely: f32) -> f32 {
    (distress + r.distress_from_loneliness * lonely * (1.0 - distress)
        - r.distress_recovery * regulation * distress)
        .clamp(0.0, 1.0)
}

/// ODD §6.8: regulation after a week, regulation + `regulation_recovery` (regulation_base −
/// regulation), clamped to [0, 1].
#[inline(always)]
pub fn regulation_step(r: &BelongingRates, regulation: f32, base: f32) -> f32 {
    (regulation + r.regulation_recovery * (base - regulation)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weights 1 : 1 : 2 (0.25, 0.25, 0.5), κ_A = 2, κ_M = 1, κ_C = 0.5.
    fn parts(pooled: bool) -> Components {
        Components {
            wa: 0.25,
            wm: 0.25,
            wc: 0.5,
            ka: 2.0,
            km: 1.0,
            kc: 0.5,
            pooled,
        }
    }

    fn rates() -> BelongingRates {
        BelongingRates {
            rate: 0.1,
            contagion: 0.05,
            group_contagion: 0.2,
            approach_recovery: 0.1,
            hypervigilance: 0.2,
            distress_from_loneliness: 0.2,
            distress_recovery: 0.1,
            regulation_recovery: 0.1,
        }
    }

    /// Tolerance: values about 1 after a few f32 roundings and, where there is one, the
    /// portable exp (relative error < 5e-7): 1e-6 (about 8 ulps at 1). Exact (`assert_eq!`)
    /// where every operation is exact in f32, or a clamp or a branch gives the value.
    const TOL: f32 = 1e-6;

    fn close(got: f32, want: f64) {
        assert!(
            (got as f64 - want).abs() < TOL as f64,
            "{got}, expected {want}"
        );
    }

    #[test]
    fn the_parameters_are_read_from_the_scenario() {
        let mut s = Scenario::default();
        s.belonging.weight_attachment = 1.0;
        s.belonging.weight_membership = 1.0;
        s.belonging.weight_collective = 2.0;
        s.belonging.kappa_attachment = 2.0;
        s.belonging.aggregation = Aggregation::Pooled;
        s.belonging.group_contagion = 0.2;
        s.traits.hypervigilance = 0.3;
        let k = Components::new(&s);
        // The weights normalised to sum 1 (exact: quarters and a half).
        assert_eq!((k.wa, k.wm, k.wc), (0.25, 0.25, 0.5));
        assert_eq!(k.ka, 2.0);
        assert!(k.pooled);
        s.belonging.aggregation = Aggregation::Mean;
        assert!(!Components::new(&s).pooled);
        let r = BelongingRates::new(&s);
        assert_eq!(r.group_contagion, 0.2);
        assert_eq!(r.hypervigilance, 0.3);
        assert_eq!(r.rate, s.belonging.rate as f32);
    }

    #[test]
    fn coherence_falls_with_the_members_mean_distance() {
        // Four members at total distance 1: mean 0.25, exp(−0.25 / 0.5) = e^−½ = 0.6065307.
        close(coherence(0.5, 1.0, 4), 0.606_530_659_712_633_4);
        // Members on the prototype: 1; no members: 0.
        assert_eq!(coherence(0.5, 0.0, 3), 1.0);
        assert_eq!(coherence(0.5, 0.0, 0), 0.0);
        assert!(coherence(0.5, 2.0, 4) < coherence(0.5, 1.0, 4));
    }

    #[test]
    fn membership_sums_are_identification_weighted() {
        // s a: 0.5 · 0.8 + 1 · 0.5 = 0.9; s coh: 0.5 · 0.6 + 1 · 0.2 = 0.5.
        let [sm, sc] = membership_sums([(0.5, 0.8, 0.6), (1.0, 0.5, 0.2)]);
        close(sm, 0.9);
        close(sc, 0.5);
        // No group: both 0, exactly.
        assert_eq!(membership_sums([]), [0.0, 0.0]);
    }

    #[test]
    fn components_saturate() {
        let k = parts(false);
        // x = κ: 1 − e^−1 = 0.6321206; x = 2κ: 1 − e^−2 = 0.8646647.
        close(saturate(2.0, 2.0), 0.632_120_558_828_557_7);
        close(saturate(2.0, 1.0), 0.864_664_716_763_387_3);
        // No ties: A = 0 exactly (no group: M = C = 0 too).
        assert_eq!(attachment(&k, 0.0), 0.0);
        assert_eq!(membership(&k, 0.0), 0.0);
        assert_eq!(collective(&k, 0.0), 0.0);
        // Each with its own κ: Σw = 2, κ_A = 2 → 1 − e^−1; Σsa = 0.5, κ_M = 1 → 1 − e^−½
        // = 0.3934693; Σs·coh = 0.5, κ_C = 0.5 → 1 − e^−1.
        close(attachment(&k, 2.0), 0.632_120_558_828_557_7);
        close(membership(&k, 0.5), 0.393_469_340_287_366_6);
        close(collective(&k, 0.5), 0.632_120_558_828_557_7);
        // Diminishing returns, below 1 for any finite input; 1 in f32 far out.
        assert!(attachment(&k, 4.0) - attachment(&k, 2.0) < attachment(&k, 2.0));
        assert_eq!(attachment(&k, 1e3), 1.0);
    }

    #[test]
    fn belonging_is_the_weighted_mean_or_one_saturation() {
        // Mean: 0.25 (1 − e^−1) + 0.25 (1 − e^−½) + 0.5 · 0 = 0.2563975.
        let [a, m, c, b] = components(&parts(false), 2.0, 0.5, 0.0);
        close(a, 0.632_120_558_828_557_7);
        close(m, 0.393_469_340_287_366_6);
        assert_eq!(c, 0.0);
        close(b, 0.256_397_474_778_981_06);
        // Pooled: the same components, B = 1 − exp(−(0.25 · 2/2 + 0.25 · 0.5/1 + 0))
        // = 1 − e^−0.375 = 0.3127107.
        let pooled = components(&parts(true), 2.0, 0.5, 0.0);
        assert_eq!(pooled[..3], [a, m, c]);
        close(pooled[3], 0.312_710_721_209_027_76);
        // One strong source stands in for another when pooled: close ties without groups
        // (Σw = 20) give 0.25 (1 − e^−10) = 0.2499887 as a mean, 1 − e^−2.5 = 0.9179150
        // pooled.
        close(
            components(&parts(false), 20.0, 0.0, 0.0)[3],
            0.249_988_650_017_559_4,
        );
        close(
            components(&parts(true), 20.0, 0.0, 0.0)[3],
            0.917_915_001_376_101_2,
        );
        // Nothing feeds belonging: 0 exactly, either way.
        assert_eq!(components(&parts(false), 0.0, 0.0, 0.0), [0.0; 4]);
        assert_eq!(components(&parts(true), 0.0, 0.0, 0.0), [0.0; 4]);
    }

    #[test]
    fn belonging_is_clamped_to_one() {
        // Weights 2 : 4 : 1 normalise in f32 to shares whose sum rounds to 1.0000001: every
        // component saturated (1 in f32), the weighted mean is clamped to 1.
        let mut s = Scenario::default();
        s.belonging.weight_attachment = 2.0;
        s.belonging.weight_membership = 4.0;
        s.belonging.weight_collective = 1.0;
        s.belonging.aggregation = Aggregation::Mean;
        let k = Components::new(&s);
        assert!(k.wa + k.wm + k.wc > 1.0, "the shares round past 1");
        assert_eq!(belonging(&k, [1.0; 3], [1e3; 3]), 1.0);
        assert_eq!(components(&k, 1e3, 1e3, 1e3), [1.0; 4]);
        // Pooled, far out: 1.
        assert_eq!(components(&parts(true), 1e3, 1e3, 1e3)[3], 1.0);
    }

    #[test]
    fn gap_is_relative_to_need_and_in_the_unit_interval() {
        // (0.5 − 0.2) / 0.5 = 0.6
        close(gap(0.5, 0.2), 0.6);
        // No belonging: the whole need, 1; belonging at or above need: 0.
        assert_eq!(gap(0.5, 0.0), 1.0);
        assert_eq!(gap(0.5, 0.5), 0.0);
        assert_eq!(gap(0.5, 0.9), 0.0);
        // The least need init draws (0.01): still in [0, 1].
        assert_eq!(gap(0.01, 0.0), 1.0);
        assert_eq!(gap(0.01, 0.3), 0.0);
    }

    #[test]
    fn loneliness_moves_towards_the_gap_and_the_neighbours() {
        let r = rates();
        // 0.4 + 0.1 (0.6 − 0.4) + 0.05 (1.2 / 1.5 − 0.4) = 0.4 + 0.02 + 0.02 = 0.44
        close(loneliness_step(&r, 0.4, 0.6, 1.2, 1.5), 0.44);
        // No ties: no pull, 0.4 + 0.02 = 0.42 (whatever the numerator).
        close(loneliness_step(&r, 0.4, 0.6, 0.0, 0.0), 0.42);
        assert_eq!(
            loneliness_step(&r, 0.4, 0.6, 0.0, 0.0),
            loneliness_step(&r, 0.4, 0.6, 5.0, 0.0)
        );
        // At the gap and the neighbours' mean: unchanged.
        close(loneliness_step(&r, 0.3, 0.3, 0.6, 2.0), 0.3);
        // Clamped at 0 and 1. (Validation keeps rate + contagion ≤ 1, for which the step
        // stays in [0, 1] but for rounding; these rates exceed it to reach the clamp.)
        let steep = BelongingRates {
            rate: 0.5,
            contagion: 0.6,
            ..r
        };
        // 0.1 − 0.5 · 0.1 − 0.6 · 0.1 = −0.01 → 0; 0.9 + 0.05 + 0.06 = 1.01 → 1.
        assert_eq!(loneliness_step(&steep, 0.1, 0.0, 0.0, 1.0), 0.0);
        assert_eq!(loneliness_step(&steep, 0.9, 1.0, 1.0, 1.0), 1.0);
        // At the validated edge (rate + contagion = 1) loneliness 1 stays 1, 0 stays 0.
        let edge = BelongingRates {
            rate: 0.4,
            contagion: 0.6,
            ..r
        };
        assert_eq!(loneliness_step(&edge, 1.0, 1.0, 2.0, 2.0), 1.0);
        assert_eq!(loneliness_step(&edge, 0.0, 0.0, 0.0, 2.0), 0.0);
    }

    #[test]
    fn the_climate_pulls_loneliness() {
        let r = rates();
        // 0.5 + 0.2 (0.25 − 0.5) = 0.45
        close(climate_step(&r, 0.5, 0.25), 0.45);
        assert_eq!(climate_step(&r, 0.5, 0.5), 0.5);
        let off = BelongingRates {
            group_contagion: 0.0,
            ..r
        };
        assert_eq!(climate_step(&off, 0.7, 0.1), 0.7);
        // Clamped (a pull past 1 overshoots): 0.5 + 3 (0 − 0.5) → 0, 0.5 + 3 · 0.5 → 1.
        let over = BelongingRates {
            group_contagion: 3.0,
            ..r
        };
        assert_eq!(climate_step(&over, 0.5, 0.0), 0.0);
        assert_eq!(climate_step(&over, 0.5, 1.0), 1.0);
    }

    #[test]
    fn slow_states_follow_loneliness_and_their_baselines() {
        let r = rates();
        // Approach: 0.5 + 0.1 (0.7 − 0.5) − 0.2 · 0.5 · 0.5 = 0.5 + 0.02 − 0.05 = 0.47.
        close(approach_step(&r, 0.5, 0.7, 0.5), 0.47);
        // Not lonely: only the return to the baseline, 0.52.
        close(approach_step(&r, 0.5, 0.7, 0.0), 0.52);
        // Distress: 0.5 + 0.2 · 0.5 · 0.5 − 0.1 · 0.4 · 0.5 = 0.5 + 0.05 − 0.02 = 0.53.
        close(distress_step(&r, 0.5, 0.4, 0.5), 0.53);
        // Regulation: 0.5 + 0.1 (0.7 − 0.5) = 0.52; at its baseline it stays.
        close(regulation_step(&r, 0.5, 0.7), 0.52);
        assert_eq!(regulation_step(&r, 0.7, 0.7), 0.7);
        // Boundaries: full distress stays at most 1 with no regulation; approach 0 stays 0
        // with baseline 0; clamped at 0 and 1 when the rates overshoot.
        assert_eq!(distress_step(&r, 1.0, 0.0, 1.0), 1.0);
        assert_eq!(approach_step(&r, 0.0, 0.0, 1.0), 0.0);
        let harsh = BelongingRates {
            hypervigilance: 2.0,
            distress_recovery: 3.0,
            regulation_recovery: 3.0,
            ..r
        };
        // 0.5 + 0.02 − 2 · 1 · 0.5 < 0 → 0; 0.5 + 0 − 3 · 1 · 0.5 < 0 → 0;
        // 0.5 + 3 (1 − 0.5) = 2 → 1.
        assert_eq!(approach_step(&harsh, 0.5, 0.7, 1.0), 0.0);
        assert_eq!(distress_step(&harsh, 0.5, 1.0, 0.0), 0.0);
        assert_eq!(regulation_step(&harsh, 0.5, 1.0), 1.0);
    }
}
