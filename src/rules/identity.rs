//! ODD §6.5 Identity dynamics: a group's prototype drifts towards its attendees; under the
//! prototype rule attendees conform to it; every identity is anchored to the agent's personal
//! identity; identification moves towards a target that grows with similarity to the
//! prototype, attendance and shared fate; support-group attendees integrate their condition.
//! (The classic rules are [`super::classic`].) The engine is `dynamics::identity` (groups and
//! agents in parallel, identification in lanes).

use super::maths::exp;
use crate::scenario::Scenario;

/// The parameters of a week's identity dynamics (ODD §6.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdentityRates {
    /// A prototype's drift towards its attendees' mean (`identity.drift`).
    pub drift: f32,
    /// The standard deviation of a prototype's noise (`identity.noise`).
    pub noise: f32,
    /// An attendee's move towards the prototype, × identification (`identity.conformity`).
    pub conformity: f32,
    /// The weekly return to the personal identity (`identity.anchoring`).
    pub anchoring: f32,
    /// Identification's weekly approach to its target (`identity.identification_rate`).
    pub rate: f32,
    /// The weight of similarity in the target (`identity.similarity_weight`).
    pub w_sim: f32,
    /// The weight of attendance in the target (`identity.attendance_weight`).
    pub w_att: f32,
    /// The distance at which similarity falls to 1/e (`identity.similarity_scale`).
    pub scale: f32,
    /// The target's addition for shared fate (`support.shared_fate`).
    pub fate: f32,
    /// Integration's growth per week of a support group of one's condition
    /// (`support.integration_rate`).
    pub integration_rate: f32,
}

impl IdentityRates {
    pub fn new(s: &Scenario) -> IdentityRates {
        let id = &s.identity;
        IdentityRates {
            drift: id.drift as f32,
            noise: id.noise as f32,
            conformity: id.conformity as f32,
            anchoring: id.anchoring as f32,
            rate: id.identification_rate as f32,
            w_sim: id.similarity_weight as f32,
            w_att: id.attendance_weight as f32,
            scale: id.similarity_scale as f32,
            fate: s.support.shared_fate as f32,
            integration_rate: s.support.integration_rate as f32,
        }
    }
}

/// ODD §6.5: what the identification-weighted mean of a group's attendees is made of: adds
/// each attendee's s x (per dimension, to `sums`) and returns Σ s, in the order given.
#[inline(always)]
pub fn weighted_sums<'a>(
    sums: &mut [f32],
    attendees: impl IntoIterator<Item = (f32, &'a [f32])>,
) -> f32 {
    let mut total = 0.0f32;
    for (s, x) in attendees {
        total += s;
        for (m, &x) in sums.iter_mut().zip(x) {
            *m += s * x;
        }
    }
    total
}

/// ODD §6.5: one dimension of a prototype after a meeting, clamp(p + `drift` (m − p) + ε) to
/// [0, 1], with m = `sum` / `total` the attendees' identification-weighted mean (no pull
/// when no attendee identifies: `total` = 0) and ε the noise drawn for it.
#[inline(always)]
pub fn prototype_step(r: &IdentityRates, p: f32, sum: f32, total: f32, eps: f32) -> f32 {
    let pull = if total > 0.0 {
        r.drift * (sum / total - p)
    } else {
        0.0
    };
    (p + pull + eps).clamp(0.0, 1.0)
}

/// ODD §6.5 (prototype rule): an attendee's identity x after a meeting of a group of
/// prototype p, x + `conformity` s (p − x) per dimension, clamped to [0, 1].
#[inline(always)]
pub fn conform(r: &IdentityRates, x: &mut [f32], p: &[f32], ident: f32) {
    let rate = r.conformity * ident;
    for (x, &p) in x.iter_mut().zip(p) {
        *x = (*x + rate * (p - *x)).clamp(0.0, 1.0);
    }
}

/// ODD §6.5: anchoring, x + `anchoring` (x_base − x) per dimension (the engine skips it when
/// `anchoring` is 0).
#[inline(always)]
pub fn anchor(r: &IdentityRates, x: &mut [f32], base: &[f32]) {
    for (x, base) in x.iter_mut().zip(base) {
        *x += r.anchoring * (*base - *x);
    }
}

/// ODD §6.5: similarity to a prototype at Euclidean distance `distance`,
/// exp(−distance / `similarity_scale`), in (0, 1].
#[inline(always)]
pub fn similarity(r: &IdentityRates, distance: f32) -> f32 {
    exp(-distance / r.scale)
}

/// ODD §6.5: identification after a meeting, s + `identification_rate` (min(1, T) − s)
/// clamped to [0, 1], with the target T = `similarity_weight` × sim + `attendance_weight` × a
/// + `shared_fate` × [a support group of the agent's condition] (sim: [`similarity`]).
#[inline(always)]
pub fn identification(
    r: &IdentityRates,
    sim: f32,
    ident: f32,
    attend: f32,
    shared_fate: bool,
) -> f32 {
    let target = r.w_sim * sim + r.w_att * attend + if shared_fate { r.fate } else { 0.0 };
    (ident + r.rate * (target.min(1.0) - ident)).clamp(0.0, 1.0)
}

/// ODD §6.5: integration after a meeting of a support group of the agent's condition,
/// integration + `integration_rate` × s × (1 − integration).
#[inline(always)]
pub fn integrate(r: &IdentityRates, integration: f32, ident: f32) -> f32 {
    integration + r.integration_rate * ident * (1.0 - integration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> IdentityRates {
        IdentityRates {
            drift: 0.1,
            noise: 0.02,
            conformity: 0.5,
            anchoring: 0.25,
            rate: 0.5,
            w_sim: 0.4,
            w_att: 0.3,
            scale: 0.5,
            fate: 0.5,
            integration_rate: 0.2,
        }
    }

    /// Tolerance: a few f32 roundings and, where there is one, the portable exp (relative
    /// error < 5e-7) of values of order 1: 1e-6 (about 8 ulps at 1). Exact (`assert_eq!`)
    /// where every operation is exact in f32 or a clamp gives the value.
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
        s.identity.identification_rate = 0.25;
        s.support.shared_fate = 0.125;
        let r = IdentityRates::new(&s);
        assert_eq!((r.rate, r.fate), (0.25, 0.125));
        assert_eq!(r.scale, s.identity.similarity_scale as f32);
    }

    #[test]
    fn the_prototype_drifts_towards_the_weighted_mean() {
        let r = rates();
        // Attendees (s = 0.5, x = (0.2, 1)) and (s = 1, x = (0.8, 0)): Σ s = 1.5,
        // Σ s x = (0.1 + 0.8, 0.5) = (0.9, 0.5); the mean (0.6, 1/3).
        let mut sums = [0.0; 2];
        let a = [0.2, 1.0];
        let b = [0.8, 0.0];
        let total = weighted_sums(&mut sums, [(0.5, &a[..]), (1.0, &b[..])]);
        close(total, 1.5);
        close(sums[0], 0.9);
        close(sums[1], 0.5);
        // 0.5 + 0.1 (0.6 − 0.5) + 0.01 = 0.52
        close(prototype_step(&r, 0.5, sums[0], total, 0.01), 0.52);
        // Nobody identifies: only the noise moves it; clamped to [0, 1].
        close(prototype_step(&r, 0.5, 0.0, 0.0, -0.02), 0.48);
        assert_eq!(prototype_step(&r, 0.99, 1.5, 1.5, 0.05), 1.0);
        assert_eq!(prototype_step(&r, 0.01, 0.0, 1.5, -0.05), 0.0);
    }

    #[test]
    fn attendees_conform_and_everyone_is_anchored() {
        let r = rates();
        // rate 0.5 · 0.5 = 0.25: 0.2 + 0.25 (0.6 − 0.2) = 0.3; 0.8 + 0.25 (0 − 0.8) = 0.6.
        let mut x = [0.2, 0.8];
        conform(&r, &mut x, &[0.6, 0.0], 0.5);
        close(x[0], 0.3);
        close(x[1], 0.6);
        // No identification: no move, exactly.
        let mut y = [0.2, 0.8];
        conform(&r, &mut y, &[0.6, 0.0], 0.0);
        assert_eq!(y, [0.2, 0.8]);
        // Anchoring 0.25: 0.3 + 0.25 (0.7 − 0.3) = 0.4; 0.6 + 0.25 (0.6 − 0.6) = 0.6.
        anchor(&r, &mut x, &[0.7, 0.6]);
        close(x[0], 0.4);
        close(x[1], 0.6);
    }

    #[test]
    fn identification_moves_towards_its_target() {
        let r = rates();
        // sim at distance ½ = scale: e^−1 = 0.3678794; at 0: 1.
        close(similarity(&r, 0.5), 0.367_879_441_171_442_3);
        assert_eq!(similarity(&r, 0.0), 1.0);
        // T = 0.4 · 1 + 0.3 · 0.5 = 0.55: 0.2 + 0.5 (0.55 − 0.2) = 0.375.
        close(identification(&r, 1.0, 0.2, 0.5, false), 0.375);
        // Shared fate: T = 0.55 + 0.5 = 1.05, capped at 1: 0.2 + 0.5 · 0.8 = 0.6.
        close(identification(&r, 1.0, 0.2, 0.5, true), 0.6);
        // At its target it stays; clamped to [0, 1] at a rate past 1.
        close(identification(&r, 1.0, 0.55, 0.5, false), 0.55);
        let steep = IdentityRates { rate: 3.0, ..r };
        assert_eq!(identification(&steep, 0.0, 0.5, 0.0, false), 0.0);
    }

    #[test]
    fn integration_grows_with_identification() {
        let r = rates();
        // 0.5 + 0.2 · 0.5 · 0.5 = 0.55
        close(integrate(&r, 0.5, 0.5), 0.55);
        assert_eq!(integrate(&r, 1.0, 1.0), 1.0);
        assert_eq!(integrate(&r, 0.3, 0.0), 0.3);
    }
}
