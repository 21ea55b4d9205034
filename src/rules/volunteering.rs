//! ODD §6.12 Volunteering: an agent who is not lonely sometimes invites a lonely friend (a
//! tie) to one of its community groups, and the friend accepts or declines. The engine is
//! `dynamics::volunteering`; the section is `scenario::sections::volunteering`.

use crate::scenario::Scenario;

/// The parameters of a week's volunteering (ODD §6.12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Invitations {
    /// Weekly probability that an agent who may invite does (`volunteering.rate`).
    pub rate: f64,
    /// Loneliness below which an agent may invite (`volunteering.max_loneliness`).
    pub max_loneliness: f32,
    /// Acceptance scale (`volunteering.acceptance`).
    pub acceptance: f32,
    /// Loneliness above which a friend counts as lonely (`belonging.threshold`).
    pub lonely: f32,
}

impl Invitations {
    pub fn new(s: &Scenario) -> Invitations {
        let v = &s.volunteering;
        Invitations {
            rate: v.rate,
            max_loneliness: v.max_loneliness as f32,
            acceptance: v.acceptance as f32,
            lonely: s.belonging.threshold as f32,
        }
    }

    /// ODD §6.12: the process is off (`rate` 0): nothing is drawn, nothing changes.
    #[inline]
    pub fn off(&self) -> bool {
        self.rate <= 0.0
    }
}

/// ODD §6.12: whether an agent of loneliness `l` may invite (it must also belong to a
/// community group with room and have a lonely friend outside it: the engine looks).
#[inline(always)]
pub fn may_invite(r: &Invitations, l: f32) -> bool {
    l < r.max_loneliness
}

/// ODD §6.12: whether a friend of loneliness `l` is someone to invite.
#[inline(always)]
pub fn is_lonely_friend(r: &Invitations, l: f32) -> bool {
    super::belonging::is_lonely(l, r.lonely)
}

/// ODD §6.12: the probability that an invited agent of approach `approach` accepts,
/// `acceptance` × approach.
#[inline(always)]
pub fn acceptance(r: &Invitations, approach: f32) -> f32 {
    r.acceptance * approach
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> Invitations {
        Invitations {
            rate: 0.1,
            max_loneliness: 0.2,
            acceptance: 0.5,
            lonely: 0.5,
        }
    }

    /// The thresholds are strict on both sides, as ODD §6.12 states them (exact: comparisons).
    #[test]
    fn who_invites_and_who_is_invited() {
        let r = rates();
        assert!(may_invite(&r, 0.0) && may_invite(&r, 0.199));
        assert!(!may_invite(&r, 0.2) && !may_invite(&r, 0.9));
        assert!(is_lonely_friend(&r, 0.51) && is_lonely_friend(&r, 1.0));
        assert!(!is_lonely_friend(&r, 0.5) && !is_lonely_friend(&r, 0.1));
    }

    /// acceptance × approach, to f32 rounding (tolerance 1e-7).
    #[test]
    fn acceptance_scales_with_approach() {
        let r = rates();
        assert!((acceptance(&r, 0.6) - 0.3).abs() < 1e-7);
        assert_eq!(acceptance(&r, 0.0), 0.0);
        assert_eq!(acceptance(&r, 1.0), 0.5);
    }

    /// The defaults leave the process off.
    #[test]
    fn off_by_default() {
        assert!(Invitations::new(&Scenario::default()).off());
        assert!(!rates().off());
    }
}
