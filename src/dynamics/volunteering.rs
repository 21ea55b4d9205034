//! Process 9 (off by default): volunteering, ODD §6.12. In agent order, an agent who is not
//! lonely may, with a weekly probability, invite one lonely friend (a tie) to one of its
//! community groups (joinable kinds, with room, that the friend is not in); the friend accepts
//! with a probability that grows with its approach and then joins as any newcomer does. The
//! rule is `rules::volunteering`; one stream (the step's `Phase::Volunteering`) is drawn in
//! agent order. Nothing is drawn when the process is off, so turning it on changes no other
//! process's numbers until someone joins.

use super::membership::is_joinable;
use crate::model::World;
use crate::rng::Rng;
use crate::rules::membership::{newcomer_attendance, JoinRates};
use crate::rules::volunteering::{acceptance, is_lonely_friend, may_invite, Invitations};
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let r = Invitations::new(&cfg.scenario);
    if r.off() {
        return;
    }
    let s = &cfg.scenario;
    let new_identification = JoinRates::new(s).new_identification;
    // A community group i may invite to: joinable, with room.
    let open = |w: &World, g: usize| {
        is_joinable(w, s, g) && w.groups.members[g].len() < w.groups.capacity[g] as usize
    };
    for i in 0..w.n() {
        if !may_invite(&r, w.agents.loneliness[i]) || !rng.random_bool(r.rate) {
            continue;
        }
        let Some((g, j)) = choose(w, i, &open, &r, rng) else {
            continue;
        };
        let p = acceptance(&r, w.agents.approach[j]);
        if p > 0.0 && rng.random_bool(p.min(1.0) as f64) {
            let attendance = newcomer_attendance(w.groups.attendance_logit[g]);
            if w.join(j, g, new_identification, attendance) {
                w.counts.group_joins += 1;
                w.counts.invitations += 1;
            }
        }
    }
}

/// The group (uniform over i's open community groups) and the friend (uniform over i's
/// lonely ties not in that group) of i's invitation, if there are both.
fn choose(
    w: &World,
    i: usize,
    open: &impl Fn(&World, usize) -> bool,
    r: &Invitations,
    rng: &mut Rng,
) -> Option<(usize, usize)> {
    let memberships = &w.agents.memberships[i];
    let g = pick(
        || {
            memberships
                .iter()
                .map(|m| m.group as usize)
                .filter(|&g| open(w, g))
        },
        rng,
    )?;
    let friends = || {
        w.agents.ties[i]
            .iter()
            .map(|t| t.other as usize)
            .filter(|&j| {
                is_lonely_friend(r, w.agents.loneliness[j]) && w.membership_index(j, g).is_none()
            })
    };
    Some((g, pick(friends, rng)?))
}

/// One of the items `items()` yields, uniformly, or none if it yields none: the items are
/// counted, then walked again to the drawn one (no buffer).
fn pick<I: Iterator<Item = usize>>(items: impl Fn() -> I, rng: &mut Rng) -> Option<usize> {
    let n = items().count();
    if n == 0 {
        return None;
    }
    items().nth(rng.random_range(0..n))
}
