//! ODD §6.11 Interventions: facilitated group programmes (Groups 4 Health). In a programme's
//! `start` week the lonely are offered a place; those who accept are split into programme
//! groups that meet exactly in the scheduled session weeks and dissolve after the last one,
//! when each participant may join a community group (scaffolding). The engine is
//! `dynamics::interventions`; a programme's parameters are the scenario's `Intervention` as it
//! stands (`interventions[k]`).

use crate::scenario::{Intervention, Scenario};

/// A programme group's acceptance norm: no exclusion in it (ODD §6.11).
pub const ACCEPTANCE: f64 = 1.0;

/// What every programme shares (ODD §6.11).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Programmes {
    /// Loneliness above which an agent is offered a place (`belonging.threshold`).
    pub lonely: f32,
    /// A participant's initial identification with its programme group
    /// (`support.identification`).
    pub identification: f32,
}

impl Programmes {
    pub fn new(s: &Scenario) -> Programmes {
        Programmes {
            lonely: s.belonging.threshold as f32,
            identification: s.support.identification as f32,
        }
    }
}

/// ODD §6.11: whether an agent of loneliness `l` is offered a place (L > the threshold).
#[inline(always)]
pub fn eligible(r: &Programmes, l: f32) -> bool {
    super::belonging::is_lonely(l, r.lonely)
}

/// ODD §6.11: the most participants a programme takes (`capacity`; 0: no limit).
#[inline(always)]
pub fn capacity(p: &Intervention) -> usize {
    if p.capacity == 0 {
        usize::MAX
    } else {
        p.capacity as usize
    }
}

/// ODD §6.11: the size of a programme group (`group_size`, at least 1; the last group of a
/// programme takes the rest).
#[inline(always)]
pub fn group_size(p: &Intervention) -> usize {
    p.group_size.max(1) as usize
}

/// ODD §6.11: the recorded week of a programme's last session, `start` + max `sessions`.
#[inline(always)]
pub fn last_session(p: &Intervention) -> u32 {
    p.start + p.sessions.iter().copied().max().unwrap_or(0)
}

/// ODD §6.11: a programme group's meeting rate in recorded week `step`: 1 in the weeks
/// `start` + `sessions[k]`, 0 otherwise.
#[inline(always)]
pub fn meeting_rate(p: &Intervention, step: u32) -> f32 {
    if step >= p.start && p.sessions.contains(&(step - p.start)) {
        1.0
    } else {
        0.0
    }
}

/// ODD §6.11: whether a programme is over in recorded week `step` (the week after its last
/// session): its groups dissolve, after the scaffolding.
#[inline(always)]
pub fn over(p: &Intervention, step: u32) -> bool {
    step > last_session(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme() -> Intervention {
        Intervention {
            start: 10,
            sessions: vec![0, 2, 4],
            capacity: 0,
            group_size: 8,
            ..Intervention::default()
        }
    }

    /// All exact: integer arithmetic and comparisons.
    #[test]
    fn sessions_are_the_scheduled_weeks_and_the_programme_ends_after_the_last() {
        let p = programme();
        assert_eq!(last_session(&p), 14);
        let rates: Vec<f32> = (8..17).map(|t| meeting_rate(&p, t)).collect();
        assert_eq!(rates, [0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        assert!(!over(&p, 14) && over(&p, 15));
        let once = Intervention {
            sessions: Vec::new(),
            ..programme()
        };
        assert_eq!(last_session(&once), 10);
        assert_eq!(
            meeting_rate(&once, 10),
            0.0,
            "no session listed: never meets"
        );
    }

    #[test]
    fn who_is_offered_a_place_and_how_many_are_taken() {
        let r = Programmes {
            lonely: 0.5,
            identification: 0.5,
        };
        assert!(eligible(&r, 0.51) && !eligible(&r, 0.5));
        let p = programme();
        assert_eq!(capacity(&p), usize::MAX, "0: no limit");
        assert_eq!(capacity(&Intervention { capacity: 30, ..p }), 30);
        assert_eq!(group_size(&programme()), 8);
        let zero = Intervention {
            group_size: 0,
            ..programme()
        };
        assert_eq!(group_size(&zero), 1);
    }
}
