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
//!
//! The rules are `rules::membership` (ODD §6.7); here are the order of visits, the draws and
//! the state changes.

use super::init;
use crate::model::{Agents, Groups, SpellEnd, World};
use crate::rng::{self, agent_stream, Rng, PAR_MIN};
use crate::rules::membership::{
    add_to_prototype, adjusted, dropout_probability, established, join_probability, joinable,
    leave_probability, may_found, may_graduate, newcomer_attendance, regain_probability,
    seek_probability, JoinRates, SupportRates, JOIN_TRIES, REGAIN_TRIES,
};
use crate::scenario::{Config, GroupKind, Scenario};
use rand::RngExt;
use rayon::prelude::*;

/// An agent's draws this week: it leaves at least one group.
pub const LEAVES: u8 = 1;
/// An agent's draws this week: it tries to join a community group (also the tag of the
/// joiners' own streams for their choice of groups).
pub const JOINS: u8 = 2;

/// Room for the run (`reserve::reserve_for_run`): who waits and what each agent decided, the
/// lists of groups looked at, a new group's founders and their mean identity, the support
/// log and the waiting lists.
pub fn reserve(world: &mut World, room: &super::reserve::Room) {
    let n = room.agents;
    let sc = &mut world.scratch;
    sc.waits.reserve(n);
    sc.decided.reserve(n);
    sc.groups.reserve(room.groups + room.more_groups);
    sc.founders.reserve(64);
    sc.proto.reserve(64);
    world.support_log.reserve(n / 2 + 64);
    for list in &mut world.waiting {
        list.reserve(n / 8 + 16);
    }
}

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

/// Regaining roles (6.7): for each kind of membership the agent's most recent event took, with
/// probability `events[k].regain` × approach a week, it joins a group of that kind with room
/// (returning to work, new friends, a new club) — looking at up to [`REGAIN_TRIES`] random
/// groups — and the kind is regained. In agent order, from the phase's stream.
fn regain_roles(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let events = &cfg.scenario.events;
    if events.iter().all(|e| e.regain <= 0.0) || w.n_groups() == 0 {
        return;
    }
    let ident = JoinRates::new(&cfg.scenario).new_identification;
    for i in 0..w.n() {
        let lost = w.agents.lost[i];
        if lost == 0 {
            continue;
        }
        let Some(e) = events.get(w.agents.condition[i] as usize) else {
            continue;
        };
        let p = regain_probability(e, w.agents.approach[i]);
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
                let attendance = newcomer_attendance(w.groups.attendance_logit[g]);
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
    let r = SupportRates::new(&cfg.scenario);
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
            let settled = adjusted(&r, a.condition_active[i], a.integration[i]);
            let graduate =
                may_graduate(&r, settled, a.loneliness[i]) && rng.random_bool(r.graduation);
            let drop = !graduate && rng.random_bool(dropout_probability(&r, ident));
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
        if established(&r, size) {
            w.groups.established[g] = true;
        } else if w.groups.established[g] {
            w.dissolve(g);
            w.counts.support_dissolved += 1;
        }
    }
}

fn support_seeking(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let r = SupportRates::new(&cfg.scenario);
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
        let p = seek_probability(&r, a.left_support[i], a.loneliness[i], a.approach[i]);
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
            let joined = w.join(i as usize, g, r.identification, r.attendance);
            if joined {
                w.counts.support_joins += 1;
            }
            !joined
        });
        let mut founded = 0;
        let mut founders = std::mem::take(&mut w.scratch.founders);
        let mut proto = std::mem::take(&mut w.scratch.proto);
        while may_found(&r, list.len(), existing + founded) {
            founders.clear();
            founders.extend(list.drain(..r.found_size as usize));
            proto.clear();
            proto.resize(w.dims, 0.0);
            for &i in &founders {
                add_to_prototype(&mut proto, w.identity_of(i as usize), founders.len());
            }
            let g = init::add_support_group(w, cfg, k as u16, &proto);
            for &i in &founders {
                if w.join(i as usize, g, r.identification, r.attendance) {
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
    let r = JoinRates::new(s);
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
            let mut rng = agent_stream(key, i);
            // Leaving voluntary groups one no longer identifies with.
            for mb in list.iter_mut() {
                let k = ordinary_kind(s, kind[mb.group as usize], support_kind);
                let p = leave_probability(&r, k, mb.ident);
                mb.leaving = p > 0.0 && rng.random_bool(p);
                if mb.leaving {
                    *decided |= LEAVES;
                }
            }
            // Joining (substitution of lost memberships): more with approach and unmet need
            // for membership.
            let p = join_probability(&r, approach[i], membership[i]);
            if p > 0.0 && rng.random_bool(p.min(1.0)) {
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
    let r = JoinRates::new(s);
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
    if !joinable.is_empty() && r.join_rate > 0.0 {
        join(w, &r, &joinable, decided, rng::key(&[key, JOINS as u64]));
    }
    w.scratch.groups = joinable;
}

/// Group g is one that people looking for a group may join (room aside):
/// `rules::membership::joinable`. Shared by joining, a programme's scaffolding and
/// volunteering.
#[inline]
pub fn is_joinable(w: &World, s: &Scenario, g: usize) -> bool {
    joinable(
        w.groups.active[g],
        ordinary_kind(s, w.groups.kind[g], w.support_kind),
    )
}

/// The scenario's group kind `kind`, or none for the support kind.
#[inline]
pub fn ordinary_kind(s: &Scenario, kind: u16, support_kind: u16) -> Option<&GroupKind> {
    (kind != support_kind).then(|| &s.groups[kind as usize])
}

/// Joining: each agent that decided to tries up to [`JOIN_TRIES`] of the joinable groups, drawn from
/// its own stream (`key`), in agent order.
fn join(w: &mut World, r: &JoinRates, joinable: &[usize], decided: &[u8], key: u64) {
    for (i, &d) in decided.iter().enumerate() {
        if d & JOINS == 0 {
            continue;
        }
        let mut rng = agent_stream(key, i);
        for _ in 0..JOIN_TRIES {
            let g = joinable[rng.random_range(0..joinable.len())];
            let attendance = newcomer_attendance(w.groups.attendance_logit[g]);
            if w.join(i, g, r.new_identification, attendance) {
                w.counts.group_joins += 1;
                break;
            }
        }
    }
}
