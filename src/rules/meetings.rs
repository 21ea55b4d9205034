//! ODD §6.2 Meetings and attendance: a group with members meets with its weekly rate; a member
//! attends with a probability that rises with approach and identification and falls with
//! loneliness, distress, resignation, a condition's burden and (outside support groups)
//! self-stigma; the attendance record moves towards the outcome. The engine is
//! `dynamics::meetings` (groups in parallel, agents in ranges, draws in lanes).

use crate::scenario::Scenario;
use rand::RngExt;

/// The parameters of attendance (ODD §6.2): the β of the logit and the record's memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attendance {
    /// β_a, per unit approach above ½ (`attendance.approach`).
    pub approach: f32,
    /// β_s, per unit identification above ½ (`attendance.identification`).
    pub identification: f32,
    /// β_L, per unit loneliness (`attendance.loneliness`).
    pub loneliness: f32,
    /// β_δ, per unit distress (`attendance.distress`).
    pub distress: f32,
    /// β_R, for the resigned (`attendance.resigned`).
    pub resigned: f32,
    /// β_σ, per unit self-stigma (`attendance.self_stigma`).
    pub self_stigma: f32,
    /// The newest meeting's weight in the attendance record (`attendance.memory`).
    pub memory: f32,
}

impl Attendance {
    pub fn new(s: &Scenario) -> Attendance {
        let at = &s.attendance;
        Attendance {
            approach: at.approach as f32,
            identification: at.identification as f32,
            loneliness: at.loneliness as f32,
            distress: at.distress as f32,
            resigned: at.resigned as f32,
            self_stigma: at.self_stigma as f32,
            memory: at.memory as f32,
        }
    }
}

/// ODD §6.2: whether a group meets this week: an active group with members meets with
/// probability `meeting_rate` (its group's stream, made only for such a group, draws it).
#[inline(always)]
pub fn meets<R: RngExt>(
    active: bool,
    members: usize,
    meeting_rate: f32,
    stream: impl FnOnce() -> R,
) -> bool {
    active && members > 0 && stream().random_bool(meeting_rate as f64)
}

/// ODD §6.2: self-stigma σ = stigma × (1 − integration) while a condition is active, else 0.
#[inline(always)]
pub fn self_stigma(condition_active: bool, stigma: f32, integration: f32) -> f32 {
    if condition_active {
        stigma * (1.0 - integration)
    } else {
        0.0
    }
}

/// ODD §6.2: a condition's burden on attendance, `burden`_k (1 − ½ integration) while it is
/// active (it eases by half as the condition is integrated), else 0.
#[inline(always)]
pub fn burden(condition_active: bool, burden: f32, integration: f32) -> f32 {
    if condition_active {
        burden * (1.0 - 0.5 * integration)
    } else {
        0.0
    }
}

/// ODD §6.2: the agent's part of the attendance logit, the same for all its groups:
/// β_a (approach − ½) − β_L L − β_δ distress − β_R [resigned] − burden ([`burden`]).
#[inline(always)]
pub fn person(
    a: &Attendance,
    approach: f32,
    loneliness: f32,
    distress: f32,
    resigned: bool,
    burden: f32,
) -> f32 {
    a.approach * (approach - 0.5)
        - a.loneliness * loneliness
        - a.distress * distress
        - if resigned { a.resigned } else { 0.0 }
        - burden
}

/// ODD §6.2: the attendance logit of one membership, x = logit(`attendance`_g) + person
/// ([`person`]) + β_s (s_ig − ½) − β_σ σ_i, with no self-stigma term in a support group
/// (`stigma` = β_σ σ_i: [`Attendance::self_stigma`] × [`self_stigma`]).
#[inline(always)]
pub fn logit(
    a: &Attendance,
    group_logit: f32,
    person: f32,
    ident: f32,
    stigma: f32,
    support: bool,
) -> f32 {
    group_logit + person + a.identification * (ident - 0.5) - if support { 0.0 } else { stigma }
}

/// ODD §6.2: whether a member attends given its uniform draw `u` in [0, 1): with probability
/// logistic(x) = 1 / (1 + e^−x), decided as u e^−x < 1 − u (no division).
#[inline(always)]
pub fn attends(u: f32, logit: f32) -> bool {
    u * super::maths::exp(-logit) < 1.0 - u
}

/// ODD §6.2: the attendance record after a meeting, a + `memory` (1[came] − a).
#[inline(always)]
pub fn record(a: &Attendance, attend: f32, came: bool) -> f32 {
    attend + a.memory * (f32::from(u8::from(came)) - attend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rules() -> Attendance {
        Attendance {
            approach: 2.0,
            identification: 1.5,
            loneliness: 0.75,
            distress: 1.0,
            resigned: 1.5,
            self_stigma: 2.0,
            memory: 0.1,
        }
    }

    /// Tolerance: a few f32 roundings of hand-computed values of order 1 (1e-6, about 8
    /// ulps at 1); exact (`assert_eq!`) where every operation is exact in f32 or a branch
    /// gives the value.
    const TOL: f32 = 1e-6;

    fn close(got: f32, want: f32) {
        assert!((got - want).abs() < TOL, "{got}, expected {want}");
    }

    #[test]
    fn the_parameters_are_read_from_the_scenario() {
        let mut s = Scenario::default();
        s.attendance.memory = 0.25;
        s.attendance.self_stigma = 3.0;
        let a = Attendance::new(&s);
        assert_eq!((a.memory, a.self_stigma), (0.25, 3.0));
        assert_eq!(a.approach, s.attendance.approach as f32);
    }

    #[test]
    fn only_active_groups_with_members_meet_at_their_rate() {
        let stream = |seed| move || rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let met = (0..4000)
            .filter(|&s| meets(true, 3, 0.25, stream(s)))
            .count();
        // Binomial(4000, 0.25): sd 27.4; 5 sd tolerance.
        assert!((met as f64 - 1000.0).abs() < 137.0, "{met}");
        assert!((0..100).all(|s| meets(true, 1, 1.0, stream(s))));
        assert!(!(0..100).any(|s| meets(true, 5, 0.0, stream(s))));
        // Inactive or empty: never, and no stream is made.
        let none = || -> rand_xoshiro::Xoshiro256PlusPlus { panic!("a stream was made") };
        assert!(!meets(false, 5, 1.0, none));
        assert!(!meets(true, 0, 1.0, none));
    }

    #[test]
    fn self_stigma_and_burden_ease_with_integration_while_the_condition_lasts() {
        // 0.8 (1 − 0.25) = 0.6; burden 0.4 (1 − ½ 0.5) = 0.3.
        close(self_stigma(true, 0.8, 0.25), 0.6);
        close(burden(true, 0.4, 0.5), 0.3);
        // Fully integrated: no self-stigma, half the burden.
        assert_eq!(self_stigma(true, 0.8, 1.0), 0.0);
        assert_eq!(burden(true, 0.4, 1.0), 0.2);
        // No active condition: neither.
        assert_eq!(self_stigma(false, 0.8, 0.0), 0.0);
        assert_eq!(burden(false, 0.4, 0.0), 0.0);
    }

    #[test]
    fn the_logit_adds_the_person_and_the_membership() {
        let a = rules();
        // 2 (0.75 − 0.5) − 0.75 · 0.4 − 1 · 0.2 − 1.5 − 0.1 = 0.5 − 0.3 − 0.2 − 1.5 − 0.1 = −1.6
        close(person(&a, 0.75, 0.4, 0.2, true, 0.1), -1.6);
        // Not resigned, no burden: 0.
        close(person(&a, 0.75, 0.4, 0.2, false, 0.0), 0.0);
        // At the midpoints and with nothing against: the group's logit alone.
        assert_eq!(person(&a, 0.5, 0.0, 0.0, false, 0.0), 0.0);
        assert_eq!(logit(&a, -0.4, 0.0, 0.5, 0.0, false), -0.4);
        // −0.4 + 0.5 + 1.5 (0.9 − 0.5) − 1.2 = −0.4 + 0.5 + 0.6 − 1.2 = −0.5
        close(logit(&a, -0.4, 0.5, 0.9, 1.2, false), -0.5);
        // In a support group self-stigma does not count: −0.4 + 0.5 + 0.6 = 0.7.
        close(logit(&a, -0.4, 0.5, 0.9, 1.2, true), 0.7);
    }

    #[test]
    fn a_member_attends_with_the_logistic_probability() {
        // x = 0: probability ½, so u < ½ attends.
        assert!(attends(0.49, 0.0));
        assert!(!attends(0.5, 0.0));
        // x = ln 3: probability ¾ (u e^−x = u/3 < 1 − u ⇔ u < ¾).
        let x = 3.0f32.ln();
        assert!(attends(0.74, x));
        assert!(!attends(0.76, x));
        // u = 0 always attends (but at the clamp of exp); far below, never.
        assert!(attends(0.0, -80.0));
        assert!(!attends(0.01, -20.0));
        // The share of a uniform grid that attends is the logistic probability:
        // 1 / (1 + e^1.5) = 0.1824255 at x = −1.5, to the grid's step.
        let n = 100_000;
        let share = (0..n)
            .filter(|&k| attends(k as f32 / n as f32, -1.5))
            .count() as f32;
        assert!((share / n as f32 - 0.182_425_5).abs() < 2e-5, "{share}");
    }

    #[test]
    fn the_record_moves_towards_the_outcome() {
        let a = rules();
        // 0.5 + 0.1 (1 − 0.5) = 0.55; 0.5 + 0.1 (0 − 0.5) = 0.45.
        close(record(&a, 0.5, true), 0.55);
        close(record(&a, 0.5, false), 0.45);
        // At the outcome it stays; memory 1 forgets everything else.
        assert_eq!(record(&a, 1.0, true), 1.0);
        assert_eq!(record(&a, 0.0, false), 0.0);
        let all = Attendance { memory: 1.0, ..a };
        assert_eq!(record(&all, 0.3, true), 1.0);
        assert_eq!(record(&all, 0.3, false), 0.0);
    }
}
