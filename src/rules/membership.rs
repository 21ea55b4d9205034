//! ODD §6.7 Membership change: support-group members graduate once adjusted and not lonely or
//! drop out at a rate that falls with identification; agents with a condition seek a support
//! group and, when none has room and enough wait, found one; lost roles are regained; members
//! leave voluntary groups they no longer identify with, and everyone may join community
//! groups, more with approach and unmet membership. The engine is `dynamics::membership` (and,
//! for joining after a programme, `dynamics::interventions`; for invitations,
//! `dynamics::volunteering`).

use super::maths::logistic;
use crate::scenario::{EventKind, GroupKind, Scenario};

/// Random groups looked at for one regained role: the first of the kind with room is joined.
pub const REGAIN_TRIES: usize = 32;
/// Random joinable groups a joiner tries (community joining, a programme's scaffolding).
pub const JOIN_TRIES: usize = 3;

/// The parameters of a week's support groups (ODD §6.7).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupportRates {
    /// Weekly probability that an adjusted, not lonely member graduates (`support.graduation`).
    pub graduation: f64,
    /// Integration that counts as adjusted (`support.graduation_integration`; None: only a
    /// resolved condition does).
    pub graduation_integration: Option<f64>,
    /// Loneliness above which a member counts as lonely (`belonging.threshold`).
    pub lonely: f32,
    /// Dropout scale (`support.dropout`) and shape (`support.dropout_shape`).
    pub dropout: f64,
    pub dropout_shape: f64,
    /// Weekly leaving for reasons outside the group (`support.attrition`).
    pub attrition: f64,
    /// Size at which a group is established, below which an established one dissolves
    /// (`support.min_size`).
    pub min_size: u32,
    /// Seeking's probability scale (`support.seek_rate`), × `return_rate` after leaving one.
    pub seek_rate: f64,
    pub return_rate: f64,
    /// Waiting agents that found a group (`support.found_size`), and the most groups on one
    /// condition (`support.max_groups`, 0: no limit).
    pub found_size: u32,
    pub max_groups: u32,
    /// A joiner's identification (`support.identification`) and attendance (`support.attendance`).
    pub identification: f32,
    pub attendance: f32,
}

impl SupportRates {
    pub fn new(s: &Scenario) -> SupportRates {
        let sp = &s.support;
        SupportRates {
            graduation: sp.graduation,
            graduation_integration: sp.graduation_integration,
            lonely: s.belonging.threshold as f32,
            dropout: sp.dropout,
            dropout_shape: sp.dropout_shape,
            attrition: sp.attrition,
            min_size: sp.min_size,
            seek_rate: sp.seek_rate,
            return_rate: sp.return_rate,
            found_size: sp.found_size,
            max_groups: sp.max_groups,
            identification: sp.identification as f32,
            attendance: sp.attendance as f32,
        }
    }
}

/// The parameters of a week's community-group leaving and joining (ODD §6.7).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JoinRates {
    /// Joining's probability scale (`membership.join_rate`).
    pub join_rate: f64,
    /// A newcomer's identification (`membership.new_identification`).
    pub new_identification: f32,
    /// Identification below which a member considers leaving (`membership.leave_threshold`),
    /// and then leaves with `leave_rate`.
    pub leave_threshold: f32,
    pub leave_rate: f64,
    /// Weekly moving on from joinable groups (`membership.turnover`).
    pub turnover: f64,
}

impl JoinRates {
    pub fn new(s: &Scenario) -> JoinRates {
        let m = &s.membership;
        JoinRates {
            join_rate: m.join_rate,
            new_identification: m.new_identification as f32,
            leave_threshold: m.leave_threshold as f32,
            leave_rate: m.leave_rate,
            turnover: m.turnover,
        }
    }
}

/// ODD §6.7: whether a support-group member has adjusted: its condition resolved, or (with
/// `graduation_integration` set) integrated to at least that level.
#[inline(always)]
pub fn adjusted(r: &SupportRates, condition_active: bool, integration: f32) -> bool {
    !condition_active
        || r.graduation_integration
            .is_some_and(|g| f64::from(integration) >= g)
}

/// ODD §6.7: whether an adjusted member of loneliness `l` may graduate (L ≤ the threshold);
/// it then does with probability `graduation`.
#[inline(always)]
pub fn may_graduate(r: &SupportRates, adjusted: bool, l: f32) -> bool {
    adjusted && !super::belonging::is_lonely(l, r.lonely)
}

/// ODD §6.7: a member's weekly probability of dropping out,
/// min(1, `dropout` × (1 − s_ig)^`dropout_shape` + `attrition`).
#[inline(always)]
pub fn dropout_probability(r: &SupportRates, ident: f32) -> f64 {
    (r.dropout * (1.0 - ident as f64).powf(r.dropout_shape) + r.attrition).min(1.0)
}

/// ODD §6.7: whether a support group of `size` members is (now) established (`min_size`);
/// an established group below it dissolves.
#[inline(always)]
pub fn established(r: &SupportRates, size: u32) -> bool {
    size >= r.min_size
}

/// ODD §6.7: the probability that an agent with an active condition, not in a group on it and
/// not waiting, seeks one, `seek_rate` × L × approach, × `return_rate` if it has left one
/// since its event (uncapped: the engine draws with min(1, p)).
#[inline(always)]
pub fn seek_probability(r: &SupportRates, left_support: bool, l: f32, approach: f32) -> f64 {
    let again = if left_support { r.return_rate } else { 1.0 };
    again * r.seek_rate * l as f64 * approach as f64
}

/// ODD §6.7: whether `waiting` agents, with `groups` groups on their condition (and none with
/// room), found one more: at least `found_size` wait and `max_groups` (0: none) allows it.
#[inline(always)]
pub fn may_found(r: &SupportRates, waiting: usize, groups: u32) -> bool {
    waiting >= r.found_size as usize && (r.max_groups == 0 || groups < r.max_groups)
}

/// ODD §6.7 (and §6.11): a new group's prototype is its founders' mean identity: adds the
/// share identity / n of one of the `n` founders to `proto` (summed in the founders' order).
#[inline(always)]
pub fn add_to_prototype(proto: &mut [f32], identity: &[f32], n: usize) {
    for (p, &x) in proto.iter_mut().zip(identity) {
        *p += x / n as f32;
    }
}

/// ODD §6.7: the weekly probability of regaining each group kind an event of kind `e` took,
/// min(1, `events[k].regain` × approach).
#[inline(always)]
pub fn regain_probability(e: &EventKind, approach: f32) -> f64 {
    (e.regain * approach as f64).min(1.0)
}

/// ODD §6.7: the weekly probability that a member with identification `ident` leaves a group
/// of `kind` (None: a support group, left only by turnover above): 0 unless the kind is
/// voluntary (`voluntary_exit`); `leave_rate` when s_ig < `leave_threshold`; at least
/// `turnover` in joinable kinds.
#[inline(always)]
pub fn leave_probability(r: &JoinRates, kind: Option<&GroupKind>, ident: f32) -> f64 {
    let Some(k) = kind.filter(|k| k.voluntary_exit) else {
        return 0.0;
    };
    let turnover = if k.joinable { r.turnover } else { 0.0 };
    if ident < r.leave_threshold {
        r.leave_rate.max(turnover)
    } else {
        turnover
    }
}

/// ODD §6.7: the probability that an agent looks for a community group this week,
/// `join_rate` × approach × (1 − M) (uncapped: the engine draws with min(1, p)).
#[inline(always)]
pub fn join_probability(r: &JoinRates, approach: f32, membership: f32) -> f64 {
    let unmet = 1.0 - membership as f64;
    r.join_rate * approach as f64 * unmet
}

/// ODD §6.7: whether people looking for a group may join a group (room aside): active,
/// ordinary (`kind` is None for a support group) and of a `joinable` kind.
#[inline(always)]
pub fn joinable(active: bool, kind: Option<&GroupKind>) -> bool {
    active && kind.is_some_and(|k| k.joinable)
}

/// ODD §6.7: a newcomer's attendance record in an ordinary group: the group's baseline,
/// logistic of its attendance logit.
#[inline(always)]
pub fn newcomer_attendance(attendance_logit: f32) -> f32 {
    logistic(attendance_logit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn support() -> SupportRates {
        SupportRates {
            graduation: 0.05,
            graduation_integration: Some(0.5),
            lonely: 0.5,
            dropout: 0.1,
            dropout_shape: 2.0,
            attrition: 0.01,
            min_size: 4,
            seek_rate: 0.5,
            return_rate: 0.1,
            found_size: 3,
            max_groups: 2,
            identification: 0.5,
            attendance: 0.6,
        }
    }

    fn joining() -> JoinRates {
        JoinRates {
            join_rate: 0.2,
            new_identification: 0.3,
            leave_threshold: 0.15,
            leave_rate: 0.05,
            turnover: 0.002,
        }
    }

    /// Tolerance: a few f64 roundings of values about 1 (1e-12).
    const TOL: f64 = 1e-12;

    #[test]
    fn graduation_needs_adjustment_and_not_being_lonely() {
        let r = support();
        assert!(adjusted(&r, false, 0.0), "resolved");
        assert!(adjusted(&r, true, 0.5) && !adjusted(&r, true, 0.49));
        let only_resolved = SupportRates {
            graduation_integration: None,
            ..r
        };
        assert!(!adjusted(&only_resolved, true, 1.0));
        assert!(may_graduate(&r, true, 0.5) && !may_graduate(&r, true, 0.51));
        assert!(!may_graduate(&r, false, 0.0));
    }

    #[test]
    fn dropout_falls_with_identification() {
        let r = support();
        // 0.1 (1 − 0.5)² + 0.01 = 0.035 (0.5 is exact in f32)
        assert!((dropout_probability(&r, 0.5) - 0.035).abs() < TOL);
        assert!(
            (dropout_probability(&r, 1.0) - 0.01).abs() < TOL,
            "attrition only"
        );
        assert!((dropout_probability(&r, 0.0) - 0.11).abs() < TOL);
        let harsh = SupportRates { dropout: 3.0, ..r };
        assert_eq!(dropout_probability(&harsh, 0.0), 1.0);
    }

    #[test]
    fn seeking_and_founding() {
        let r = support();
        // 0.5 · 0.5 · 0.5 = 0.125, and a tenth of it after leaving a group
        assert!((seek_probability(&r, false, 0.5, 0.5) - 0.125).abs() < TOL);
        assert!((seek_probability(&r, true, 0.5, 0.5) - 0.0125).abs() < TOL);
        assert!(established(&r, 4) && !established(&r, 3));
        assert!(may_found(&r, 3, 1) && !may_found(&r, 2, 1));
        assert!(!may_found(&r, 9, 2), "max_groups reached");
        assert!(may_found(&SupportRates { max_groups: 0, ..r }, 3, 99));
    }

    /// The mean of two identities, to f32 rounding (1e-7).
    #[test]
    fn the_prototype_is_the_founders_mean_identity() {
        let mut proto = [0.0f32; 2];
        add_to_prototype(&mut proto, &[0.2, 1.0], 2);
        add_to_prototype(&mut proto, &[0.4, 0.0], 2);
        assert!((proto[0] - 0.3).abs() < 1e-7 && (proto[1] - 0.5).abs() < 1e-7);
    }

    #[test]
    fn regaining_scales_with_approach() {
        let e = EventKind {
            regain: 0.04,
            ..EventKind::default()
        };
        assert!((regain_probability(&e, 0.5) - 0.02).abs() < TOL);
        let sure = EventKind { regain: 3.0, ..e };
        assert_eq!(regain_probability(&sure, 1.0), 1.0);
    }

    #[test]
    fn who_leaves_community_groups() {
        let r = joining();
        let club = GroupKind {
            voluntary_exit: true,
            joinable: true,
            ..GroupKind::default()
        };
        let family = GroupKind {
            voluntary_exit: false,
            ..club.clone()
        };
        let work = GroupKind {
            joinable: false,
            ..club.clone()
        };
        assert_eq!(leave_probability(&r, Some(&club), 0.1), 0.05);
        assert_eq!(leave_probability(&r, Some(&club), 0.5), 0.002, "turnover");
        assert_eq!(leave_probability(&r, Some(&work), 0.5), 0.0);
        assert_eq!(leave_probability(&r, Some(&work), 0.1), 0.05);
        assert_eq!(leave_probability(&r, Some(&family), 0.0), 0.0);
        assert_eq!(leave_probability(&r, None, 0.0), 0.0, "support groups");
        assert!(joinable(true, Some(&club)) && !joinable(false, Some(&club)));
        assert!(!joinable(true, Some(&work)) && !joinable(true, None));
    }

    #[test]
    fn joining_grows_with_approach_and_unmet_membership() {
        let r = joining();
        // 0.2 · 0.5 · (1 − 0.25) = 0.075
        assert!((join_probability(&r, 0.5, 0.25) - 0.075).abs() < TOL);
        assert_eq!(join_probability(&r, 0.5, 1.0), 0.0);
        assert_eq!(newcomer_attendance(0.0), 0.5);
    }
}
