//! Process 7: membership change. Agents with an active condition seek a support group (more
//! when lonely and approaching), joining one with room or waiting until enough others wait to
//! found one; members drop out at a rate that falls with identification and graduate once
//! their condition has resolved and they are no longer lonely; groups below the minimum size
//! dissolve. Everyone may join community groups (more with approach and unmet membership:
//! substitution) and leaves voluntary groups they no longer identify with.
//!
//! Support groups draw from the phase's one stream, in order. For community groups each agent
//! draws its own decisions from its own stream (in parallel: they depend only on its own
//! state), and the decisions are carried out agent by agent in order, so the result is the
//! same on any number of threads.

use super::init;
use crate::model::{Agents, Groups, SpellEnd, World};
use crate::rng::{self, agent_stream, Rng, PAR_MIN};
use crate::scenario::{Config, Scenario};
use rand::RngExt;
use rayon::prelude::*;

/// An agent's draws this week: it leaves at least one group.
pub const LEAVES: u8 = 1;
/// An agent's draws this week: it tries to join a community group (also the tag of the
/// joiners' own streams for their choice of groups).
pub const JOINS: u8 = 2;

/// `key`: the phase's key, from which each agent's own stream derives (community groups);
/// `rng`: the phase's sequential stream (support groups).
pub fn run(w: &mut World, cfg: &Config, key: u64, rng: &mut Rng) {
    support_and_roles(w, cfg, rng);
    community(w, cfg, key);
}

/// The sequential part of the process, from the phase's stream: support-group turnover and
/// seeking (when the scenario has support groups), then regaining roles.
pub fn support_and_roles(w: &mut World, cfg: &Config, rng: &mut Rng) {
    if !cfg.support_foci.is_empty() {
        support_turnover(w, cfg, rng);
        support_seeking(w, cfg, rng);
    }
    regain_roles(w, cfg, rng);
}

/// Random groups looked at for one regained role: the first of the kind with room is joined.
const REGAIN_TRIES: usize = 32;

/// Regaining roles (6.7): for each kind of membership the agent's most recent event took, with
/// probability `events[k].regain` × approach a week, it joins a group of that kind with room
/// (returning to work, new friends, a new club) — looking at up to [`REGAIN_TRIES`] random
/// groups — and the kind is regained. In agent order, from the phase's stream.
fn regain_roles(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let events = &cfg.scenario.events;
    if events.iter().all(|e| e.regain <= 0.0) || w.n_groups() == 0 {
        return;
    }
    let ident = cfg.scenario.membership.new_identification as f32;
    for i in 0..w.n() {
        let lost = w.agents.lost[i];
        if lost == 0 {
            continue;
        }
        let Some(e) = events.get(w.agents.condition[i] as usize) else {
            continue;
        };
        let p = (e.regain * w.agents.approach[i] as f64).min(1.0);
        if p <= 0.0 {
            continue;
        }
        for kind in 0..32u32 {
            if lost & (1 << kind) == 0 || !rng.random_bool(p) {
                continue;
            }
            for _ in 0..REGAIN_TRIES {
                let g = rng.random_range(0..w.n_groups());
                if w.groups.kind[g] as u32 != kind || w.is_support(g) {
                    continue;
                }
                let attendance = crate::model::logistic(w.groups.attendance_logit[g]);
                if w.join(i, g, ident, attendance) {
                    w.counts.group_joins += 1;
                    w.agents.lost[i] &= !(1 << kind);
                    break;
                }
            }
        }
    }
}

fn support_turnover(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let sp = &cfg.scenario.support;
    let threshold = cfg.scenario.belonging.threshold as f32;
    for g in 0..w.n_groups() {
        if !(w.groups.active[g] && w.is_support(g)) || w.is_programme(g) {
            continue;
        }
        let mut x = 0;
        while x < w.groups.members[g].len() {
            let i = w.groups.members[g][x] as usize;
            let a = &w.agents;
            let ident = w
                .membership_index(i, g)
                .map_or(0.0, |k| a.memberships[i][k].ident);
            // Adjusted: the condition resolved, or integrated into identity enough to live with.
            let adjusted = !a.condition_active[i]
                || sp
                    .graduation_integration
                    .is_some_and(|g| f64::from(a.integration[i]) >= g);
            let graduate =
                adjusted && a.loneliness[i] <= threshold && rng.random_bool(sp.graduation);
            let hazard = sp.dropout * (1.0 - ident as f64).powf(sp.dropout_shape) + sp.attrition;
            let drop = !graduate && rng.random_bool(hazard.min(1.0));
            if graduate || drop {
                w.leave(i, g); // swap_remove: re-examine position x
                let end = if graduate {
                    SpellEnd::Graduation
                } else {
                    SpellEnd::Dropout
                };
                w.close_spell(i, g, end);
                w.agents.left_support[i] = true;
                if graduate {
                    w.counts.support_graduations += 1;
                } else {
                    w.counts.support_dropouts += 1;
                }
            } else {
                x += 1;
            }
        }
        let size = w.groups.members[g].len() as u32;
        if size >= sp.min_size {
            w.groups.established[g] = true;
        } else if w.groups.established[g] {
            w.dissolve(g);
            w.counts.support_dissolved += 1;
        }
    }
}

fn support_seeking(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let s = &cfg.scenario;
    let sp = &s.support;
    // The waiting list forgets those whose condition resolved or who found a group.
    for k in 0..w.waiting.len() {
        let mut list = std::mem::take(&mut w.waiting[k]);
        list.retain(|&i| {
            let i = i as usize;
            w.agents.condition_active[i]
                && w.agents.condition[i] as usize == k
                && !w.in_support_for(i, k as u16)
        });
        w.waiting[k] = list;
    }
    // Who waits already (an agent can only wait on its own condition's list, as the lists
    // were just cleaned): marked, rather than each list searched for each agent.
    let mut waits = std::mem::take(&mut w.scratch.waits);
    waits.clear();
    waits.resize(w.n(), false);
    for &i in w.waiting.iter().flatten() {
        waits[i as usize] = true;
    }
    for i in 0..w.n() {
        let a = &w.agents;
        if !a.condition_active[i] {
            continue;
        }
        let k = a.condition[i];
        if !cfg.support_foci.contains(&(k as usize)) || waits[i] || w.in_support_for(i, k) {
            continue;
        }
        let again = if a.left_support[i] {
            sp.return_rate
        } else {
            1.0
        };
        let p = again * sp.seek_rate * a.loneliness[i] as f64 * a.approach[i] as f64;
        if p > 0.0 && rng.random_bool(p.min(1.0)) {
            w.waiting[k as usize].push(i as u32);
        }
    }
    w.scratch.waits = waits;
    // Place waiting agents into groups with room, in order of arrival; found new groups when
    // enough wait and no group has room.
    for &k in &cfg.support_foci {
        let mut list = std::mem::take(&mut w.waiting[k]);
        let mut open = std::mem::take(&mut w.scratch.groups);
        open.clear();
        open.extend(
            (0..w.n_groups()).filter(|&g| {
                w.groups.active[g] && w.is_support(g) && w.groups.focus[g] == k as u16
            }),
        );
        let existing = open.len() as u32;
        list.retain(|&i| {
            open.retain(|&g| w.groups.members[g].len() < w.groups.capacity[g] as usize);
            if open.is_empty() {
                return true;
            }
            let g = open[rng.random_range(0..open.len())];
            let joined = w.join(
                i as usize,
                g,
                sp.identification as f32,
                sp.attendance as f32,
            );
            if joined {
                w.counts.support_joins += 1;
            }
            !joined
        });
        let mut founded = 0;
        let mut founders = std::mem::take(&mut w.scratch.founders);
        let mut proto = std::mem::take(&mut w.scratch.proto);
        while list.len() >= sp.found_size as usize
            && (sp.max_groups == 0 || existing + founded < sp.max_groups)
        {
            founders.clear();
            founders.extend(list.drain(..sp.found_size as usize));
            let d = w.dims;
            proto.clear();
            proto.resize(d, 0.0);
            for &i in &founders {
                for (c, p) in proto.iter_mut().enumerate() {
                    *p += w.agents.identity[i as usize * d + c] / founders.len() as f32;
                }
            }
            let g = init::add_support_group(w, cfg, k as u16, &proto);
            for &i in &founders {
                if w.join(
                    i as usize,
                    g,
                    sp.identification as f32,
                    sp.attendance as f32,
                ) {
                    w.counts.support_joins += 1;
                }
            }
            w.counts.support_founded += 1;
            founded += 1;
        }
        w.scratch.founders = founders;
        w.scratch.proto = proto;
        w.waiting[k] = list;
        w.scratch.groups = open;
    }
}

/// Community groups, in two passes: every agent draws, from its own stream and in parallel,
/// whether it leaves each of its voluntary groups and whether it tries to join one (each
/// decision depends only on the agent's own state); then the decisions are carried out agent
/// by agent, in order (leaving first, then joining, which depends on the room left in the
/// groups).
fn community(w: &mut World, cfg: &Config, key: u64) {
    if w.n_groups() == 0 {
        return; // no membership to leave, no group to join (classic scenarios)
    }
    let s = &cfg.scenario;
    let m = &s.membership;
    let support_kind = w.support_kind;
    let Groups { kind, .. } = &w.groups;
    let Agents {
        memberships,
        membership,
        approach,
        ..
    } = &mut w.agents;
    let decided = &mut w.scratch.decided;
    decided.clear();
    decided.resize(memberships.owners(), 0);
    memberships
        .par_slices_mut()
        .zip(decided.par_iter_mut())
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(|(i, (list, decided))| {
            let mut r = agent_stream(key, i);
            // Leaving voluntary groups one no longer identifies with.
            for mb in list.iter_mut() {
                let g = mb.group as usize;
                let k = (kind[g] != support_kind).then(|| &s.groups[kind[g] as usize]);
                let voluntary = k.is_some_and(|k| k.voluntary_exit);
                let turnover = if k.is_some_and(|k| k.joinable) {
                    m.turnover
                } else {
                    0.0
                };
                let p = if mb.ident < m.leave_threshold as f32 {
                    m.leave_rate.max(turnover)
                } else {
                    turnover
                };
                mb.leaving = voluntary && p > 0.0 && r.random_bool(p);
                if mb.leaving {
                    *decided |= LEAVES;
                }
            }
            // Joining (substitution of lost memberships): more with approach and unmet need
            // for membership.
            let unmet = 1.0 - membership[i] as f64;
            let p = m.join_rate * approach[i] as f64 * unmet;
            if p > 0.0 && r.random_bool(p.min(1.0)) {
                *decided |= JOINS;
            }
        });
    let decided = std::mem::take(&mut w.scratch.decided);
    carry_out(w, cfg, key, &decided);
    w.scratch.decided = decided;
}

/// Community groups' decisions (`decided[i]`: `LEAVES`, `JOINS`, with each leaving
/// membership marked) carried out agent by agent, in order: leaving first (a group left
/// empty dissolves), then joining, which depends on the room left in the groups.
pub fn carry_out(w: &mut World, cfg: &Config, key: u64, decided: &[u8]) {
    if w.n_groups() == 0 {
        return;
    }
    let s = &cfg.scenario;
    let m = &s.membership;
    for (i, &d) in decided.iter().enumerate() {
        if d & LEAVES == 0 {
            continue;
        }
        let mut k = 0;
        while k < w.agents.memberships[i].len() {
            let mb = w.agents.memberships[i][k];
            if mb.leaving {
                let g = mb.group as usize;
                w.leave(i, g); // swap_remove: re-examine position k
                w.counts.group_leaves += 1;
                if w.groups.members[g].is_empty() {
                    w.dissolve(g);
                }
            } else {
                k += 1;
            }
        }
    }
    let mut joinable = std::mem::take(&mut w.scratch.groups);
    joinable.clear();
    joinable.extend((0..w.n_groups()).filter(|&g| is_joinable(w, s, g)));
    if !joinable.is_empty() && m.join_rate > 0.0 {
        join(w, m, &joinable, decided, rng::key(&[key, JOINS as u64]));
    }
    w.scratch.groups = joinable;
}

/// Group g is one that people looking for a group may join (room aside): active, ordinary and
/// of a joinable kind. Shared by joining, a programme's scaffolding and volunteering.
pub fn is_joinable(w: &World, s: &Scenario, g: usize) -> bool {
    w.groups.active[g] && !w.is_support(g) && s.groups[w.groups.kind[g] as usize].joinable
}

/// Joining: each agent that decided to tries up to three of the joinable groups, drawn from
/// its own stream (`key`), in agent order.
fn join(
    w: &mut World,
    m: &crate::scenario::Membership,
    joinable: &[usize],
    decided: &[u8],
    key: u64,
) {
    for (i, &d) in decided.iter().enumerate() {
        if d & JOINS == 0 {
            continue;
        }
        let mut r = agent_stream(key, i);
        for _ in 0..3 {
            let g = joinable[r.random_range(0..joinable.len())];
            let attendance = crate::model::logistic(w.groups.attendance_logit[g]);
            if w.join(i, g, m.new_identification as f32, attendance) {
                w.counts.group_joins += 1;
                break;
            }
        }
    }
}
