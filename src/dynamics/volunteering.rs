//! Process 9 (off by default): volunteering, ODD §6.12. In agent order, an agent who is not
//! lonely may, with a weekly probability, invite one lonely friend (a tie) to one of its
//! community groups (joinable kinds, with room, that the friend is not in); the friend accepts
//! with a probability that grows with its approach and then joins as any newcomer does. The
//! rule is `rules::volunteering`; one stream (the step's `Phase::Volunteering`) is drawn in
//! agent order. Nothing is drawn when the process is off, so turning it on changes no other
//! process's numbers until someone joins.

use crate::model::{logistic, World};
use crate::rng::Rng;
use crate::rules::volunteering::{acceptance, is_lonely_friend, may_invite, Invitations};
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let r = Invitations::new(&cfg.scenario);
    if r.off() {
        return;
    }
    let s = &cfg.scenario;
    let new_identification = s.membership.new_identification as f32;
    // A community group i may invite to: active, ordinary, of a joinable kind, with room.
    let open = |w: &World, g: usize| {
        w.groups.active[g]
            && !w.is_support(g)
            && s.groups[w.groups.kind[g] as usize].joinable
            && w.groups.members[g].len() < w.groups.capacity[g] as usize
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
            let attendance = logistic(w.groups.attendance_logit[g]);
            if w.join(j, g, new_identification, attendance) {
                w.counts.group_joins += 1;
                w.counts.invitations += 1;
            }
        }
    }
}

/// The group (uniform over i's open community groups) and the friend (uniform over i's
/// lonely ties not in that group) of i's invitation, if there are both. The k-th eligible
/// item is found by walking the list again (no buffer).
fn choose(
    w: &World,
    i: usize,
    open: &impl Fn(&World, usize) -> bool,
    r: &Invitations,
    rng: &mut Rng,
) -> Option<(usize, usize)> {
    let groups = || {
        w.agents.memberships[i]
            .iter()
            .map(|m| m.group as usize)
            .filter(|&g| open(w, g))
    };
    let n_groups = groups().count();
    if n_groups == 0 {
        return None;
    }
    let g = groups().nth(rng.random_range(0..n_groups))?;
    let friends = || {
        w.agents.ties[i]
            .iter()
            .map(|t| t.other as usize)
            .filter(|&j| {
                is_lonely_friend(r, w.agents.loneliness[j]) && w.membership_index(j, g).is_none()
            })
    };
    let n_friends = friends().count();
    if n_friends == 0 {
        return None;
    }
    Some((g, friends().nth(rng.random_range(0..n_friends))?))
}
