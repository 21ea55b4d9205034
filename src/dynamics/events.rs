//! Process 1: life events strike, break memberships and ties, and bring distress, stigma
//! and an identity shift; conditions with a duration resolve. The rules are
//! `rules::events` (ODD §6.1); here are the order of visits, the draws and the bookkeeping.

use crate::model::{World, NEVER};
use crate::rng::Rng;
use crate::rules::events::{
    adapt, add_distress, breaks_ties, duration, identity_step, loss_probability, resolved, shift,
    strike_probability,
};
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    if cfg.scenario.events.is_empty() {
        // No event can strike, and no condition is active to resolve (only a strike starts
        // one): nothing to do.
        return;
    }
    let t = w.t;
    let events = &cfg.scenario.events;
    let a = &mut w.agents;
    for i in 0..a.condition.len() {
        if !a.condition_active[i] {
            continue;
        }
        if resolved(t, a.condition_end[i]) {
            a.condition_active[i] = false;
        } else if let Some(e) = events.get(a.condition[i] as usize) {
            // Adjustment to a condition one lives with (6.1: adaptation).
            a.integration[i] = adapt(e, a.integration[i]);
        }
    }
    let Some(step) = w.recorded_step() else {
        return; // no events during the burn-in
    };
    for i in 0..w.n() {
        if w.agents.condition_active[i] {
            continue;
        }
        for (k, e) in events.iter().enumerate() {
            let p = strike_probability(e, step);
            if p > 0.0 && rng.random_bool(p) {
                strike(w, cfg, i, k, rng);
                break;
            }
        }
    }
}

/// Room for the run (`reserve::reserve_for_run`): the memberships or ties one event breaks.
pub fn reserve(world: &mut World, _room: &super::reserve::Room) {
    world.scratch.lost.reserve(64);
}

/// Agent i is struck by event kind k now.
pub fn strike(w: &mut World, cfg: &Config, i: usize, k: usize, rng: &mut Rng) {
    let e = &cfg.scenario.events[k];
    let t = w.t;
    // SIMIC bookkeeping: ordinary groups before the event (kept is set after the losses).
    let before = ordinary_groups(w, i);
    w.agents.groups_before[i] = before;
    w.agents.groups_joined[i] = 0;
    w.agents.loneliness_before[i] = w.agents.loneliness[i];
    w.agents.loneliness_year[i] = f32::NAN;
    // Lost memberships, by kind.
    w.agents.lost[i] = 0;
    w.agents.left_support[i] = false;
    let losses = &cfg.event_losses[k];
    if !losses.is_empty() {
        let mut lost = std::mem::take(&mut w.scratch.lost);
        lost.clear();
        for m in &w.agents.memberships[i] {
            let g = m.group as usize;
            let kind = w.groups.kind[g] as usize;
            if let Some(p) = loss_probability(losses, kind) {
                if rng.random_bool(p) {
                    lost.push(g);
                }
            }
        }
        let mut kinds = 0u32;
        for &g in &lost {
            kinds |= 1u32.checked_shl(w.groups.kind[g] as u32).unwrap_or(0);
            w.leave(i, g);
            w.counts.group_leaves += 1;
        }
        w.agents.lost[i] = kinds;
        w.scratch.lost = lost;
    }
    w.agents.groups_kept[i] = ordinary_groups(w, i);
    // Lost ties.
    if breaks_ties(e) {
        let mut lost = std::mem::take(&mut w.scratch.lost);
        lost.clear();
        for tie in &w.agents.ties[i] {
            if rng.random_bool(e.tie_loss) {
                lost.push(tie.other as usize);
            }
        }
        for &j in &lost {
            w.remove_tie(i, j);
        }
        w.scratch.lost = lost;
    }
    let a = &mut w.agents;
    a.distress[i] = add_distress(a.distress[i], e.distress as f32);
    a.condition[i] = k as u16;
    a.condition_active[i] = true;
    a.condition_end[i] = match duration(e, rng) {
        Some(weeks) => t.saturating_add(weeks).min(NEVER - 1),
        None => NEVER,
    };
    a.stigma[i] = e.stigma as f32;
    a.integration[i] = 0.0;
    a.event_step[i] = t;
    if e.identity_shift > 0.0 {
        let d = w.dims;
        for k in i * d..(i + 1) * d {
            let step = identity_step(e, rng);
            a.identity[k] = shift(a.identity[k], step);
            a.identity_base[k] = shift(a.identity_base[k], step);
        }
    }
    w.counts.new_events += 1;
}

/// Agent i's memberships of ordinary (non-support) groups.
fn ordinary_groups(w: &World, i: usize) -> u16 {
    w.agents.memberships[i]
        .iter()
        .filter(|m| !w.is_support(m.group as usize))
        .count()
        .min(u16::MAX as usize) as u16
}
