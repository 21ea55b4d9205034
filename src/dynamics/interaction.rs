//! Process 3: attendees meet co-attendees. Encounters reinforce or create ties (warmth falls
//! with both partners' loneliness; strangers bond through identification with the shared
//! group and identity similarity), relieve distress (emotional support), and in support
//! groups raise regulation (informational support) and approach (practice in seeking support).
//!
//! In parallel and deterministic, in two passes:
//! 1. every side of every encounter is filed with its agent's block (`BLOCK` consecutive
//!    agents) in the canonical order (group, then draw), and no list of encounters is kept:
//!    the groups are split into ranges of about equal draws, one per thread, and each range
//!    draws its groups twice from their own streams (the same encounters both times), first
//!    counting the sides for each block, then writing them into the run each block has for
//!    that range, the runs of a block in group order (`model::runs`);
//! 2. each block applies its sides in that order (blocks in parallel), each side to its own
//!    agent, so every agent sees its own sides in the canonical order while its block's tie
//!    lists stay in the core's cache. Both partners see their shared encounters in the same
//!    order with the same inputs (loneliness, identity and regulation are not changed by this
//!    phase; the bonding draw travels with the encounter), so the two copies of a tie stay
//!    identical without locks, whatever the split. An agent whose list has no room for a new
//!    tie stops before that side and its later sides wait; room is then made for all such
//!    agents at once and they go on (few do: lists keep slack, and few encounters create a
//!    tie, so no room is reserved up front for the many that might).
//!
//! Below 2 x `PAR_MIN` agents every encounter is applied to both partners directly in the
//! canonical order (room reserved first for every tie an encounter could create), which gives
//! each agent the same sequence and so the same numbers (tested).
//!
//! Support groups' informational support and practice apply after all encounters.
//!
//! A tie's formulas (warmth, reinforcement, a new tie's chance and weight) are rules:
//! `crate::rules::interaction` (ODD §6.3) and `crate::rules::ties::reinforce`.

use crate::model::{
    distance, exp, find_tie, prefetch, Attendee, Encounter, Groups, ListMut, Scratch, Side, Tie,
    World,
};
use crate::primitives::lists::RangeMut;
use crate::rng::{below, group_stream, PAR_MIN};
use crate::rules::interaction::{bond_chance, new_tie_weight, warmth, Encounters};
use crate::rules::ties::reinforce;
use crate::scenario::Config;
use rand::RngExt;
use rayon::prelude::*;

/// How many sides ahead the partner's values are fetched into the cache.
const AHEAD: usize = 8;

/// Marks a side of an encounter in a support group.
const SUPPORT: u32 = 1 << 31;

/// Parameters of an encounter, read once per step.
struct Params {
    t: u32,
    dims: usize,
    /// The rules' parameters for ties (ODD §6.3).
    ties: Encounters,
    similarity_scale: f32,
    emotional: f32,
    /// Emotional support is stronger in facilitated support groups (1 + facilitation).
    support_boost: f32,
}

pub fn run(w: &mut World, cfg: &Config, key: u64) {
    run_in(w, cfg, key, direct(w.n()));
}

/// Whether a world of `n` agents applies its encounters directly (one thread, the small
/// worlds' way) rather than filed by blocks of agents.
pub fn direct(n: usize) -> bool {
    n < 2 * PAR_MIN
}

/// Agents in a block: a block's tie lists fit in a core's cache while its sides are applied.
pub const BLOCK: usize = 4096;

/// Most ranges of groups drawing encounters at once (one per thread up to this).
pub const MAX_RANGES: usize = 64;

/// An agent that has not stopped for room.
const GOING: u32 = u32::MAX;

/// The process, applying the encounters directly (`direct`: one thread, the small worlds'
/// way) or filed by blocks of agents (any number of threads); the same numbers either way
/// (tested). Returns how many agents, filed by blocks, stopped for room for a new tie and
/// went on.
fn run_in(w: &mut World, cfg: &Config, key: u64, direct: bool) -> usize {
    if w.n_groups() == 0 {
        return 0; // no group, so no encounter and no support group (classic scenarios)
    }
    let s = &cfg.scenario;
    let it = &s.interaction;
    let encounters = it.encounters as usize;
    let f = s.support.facilitation as f32;
    let p = Params {
        t: w.t,
        dims: w.dims,
        ties: Encounters::new(s),
        similarity_scale: s.identity.similarity_scale as f32,
        emotional: it.emotional_support as f32,
        support_boost: 1.0 + f,
    };
    let (info, practice) = (
        s.support.informational as f32 * f,
        s.support.practice as f32 * f,
    );
    let n = w.n();
    let support_kind = w.support_kind;
    let Groups {
        kind,
        met,
        attendees,
        members,
        ..
    } = &w.groups;
    let Scratch {
        encounters: drawn,
        sides,
        offsets,
        cursor,
        runs,
        bonds,
        pair,
        rooms,
        ..
    } = &mut w.scratch;
    let meets = |g: usize| met[g] && attendees.len_of(g) >= 2;
    let mark = |g: usize| if kind[g] == support_kind { SUPPORT } else { 0 };

    let a = &mut w.agents;
    crate::model::pair_up(pair, &a.loneliness, &a.regulation);
    let pair = &*pair;
    let mut stopped = 0;
    if direct {
        // 1. Each group's encounters, drawn in order into its own list.
        while drawn.owners() < kind.len() {
            drawn.add_owner();
        }
        // (Room for every member's draws, met or not: the room asked for changes only with
        // the groups, so the pool's layout settles.)
        rooms.clear();
        rooms.extend((0..kind.len()).map(|g| (members.len_of(g) * encounters) as u32));
        drawn.clear_all();
        drawn.reserve_each(rooms);
        for g in (0..kind.len()).filter(|&g| meets(g)) {
            let mut list = drawn.list_mut(g);
            draw(&attendees[g], encounters, key, g, |e| list.push(e));
        }
        // Room for every tie an encounter could create (an upper bound that needs no
        // look-up: the bonding draw below its largest possible bound).
        bonds.clear();
        bonds.resize(n, 0);
        for e in drawn.iter().flatten() {
            if may_bond(e.u, e.trust, &p) {
                bonds[e.a as usize] += 1;
                bonds[e.b as usize] += 1;
            }
        }
        a.ties.reserve_each(bonds);
        let identity = &a.identity;
        // 2. A small world: every encounter applied to both partners, in the canonical order
        // (group, then draw). Each agent sees its encounters in the same order with the same
        // inputs as the blocks below give it, so the result is the same.
        for (g, list) in drawn.iter().enumerate() {
            let mark = mark(g);
            for e in list {
                for (i, j) in [(e.a, e.b), (e.b, e.a)] {
                    let side = Side {
                        me: i,
                        other: j | mark,
                        trust: e.trust,
                        u: e.u,
                    };
                    let i = i as usize;
                    let applied = apply(
                        &mut a.ties.list_mut(i),
                        &mut a.distress[i],
                        i,
                        &side,
                        pair,
                        identity,
                        &p,
                    );
                    assert!(
                        applied,
                        "room was made for every tie an encounter could create"
                    );
                }
            }
        }
    } else {
        // 1. Every side filed with its block of agents in the canonical order (group, then
        // draw), with no list of encounters: the groups are split into ranges of about equal
        // draws, one per thread, and each range draws its groups twice from their streams
        // (the same encounters both times), first counting each block's sides, then (each
        // block given a run for each range, the ranges in group order) writing them into its
        // runs.
        let ranges = rayon::current_num_threads().clamp(1, MAX_RANGES);
        let cuts = cut(kind.len(), ranges, |g| {
            if meets(g) {
                attendees.len_of(g)
            } else {
                0
            }
        });
        let groups_of = |r: usize| (cuts(r)..cuts(r + 1)).filter(|&g| meets(g));
        let blocks = n.div_ceil(BLOCK);
        runs.par_counters(ranges, blocks)
            .enumerate()
            .for_each(|(r, mut counter)| {
                for g in groups_of(r) {
                    draw(&attendees[g], encounters, key, g, |e| {
                        counter.count(e.a as usize / BLOCK);
                        counter.count(e.b as usize / BLOCK);
                    });
                }
            });
        let filed = runs.lay_out(offsets);
        // The buffer only grows (filling it anew each week would write it twice).
        if sides.len() < filed {
            sides.resize(filed, Side::default());
        }
        runs.par_fill(sides).enumerate().for_each(|(r, mut fill)| {
            for g in groups_of(r) {
                let mark = mark(g);
                draw(&attendees[g], encounters, key, g, |e| {
                    let (a, b, trust, u) = (e.a, e.b, e.trust, e.u);
                    let other = b | mark;
                    fill.push(
                        a as usize / BLOCK,
                        Side {
                            me: a,
                            other,
                            trust,
                            u,
                        },
                    );
                    let other = a | mark;
                    fill.push(
                        b as usize / BLOCK,
                        Side {
                            me: b,
                            other,
                            trust,
                            u,
                        },
                    );
                });
            }
        });
        // 2. Each block applies its sides in that order, blocks in parallel: every agent
        // sees its own sides in the canonical order, and its tie list stays in the core's
        // cache. An agent that would create a tie its list has no room for (rare: lists keep
        // some slack, and few encounters create a tie) stops before that side (`cursor`
        // notes which), and its later sides wait.
        let (sides, offsets) = (&sides[..filed], &*offsets);
        let identity = &a.identity;
        cursor.clear();
        cursor.resize(n, GOING);
        let block = |b: usize| &sides[offsets[b] as usize..offsets[b + 1] as usize];
        a.ties
            .par_ranges_mut(BLOCK)
            .zip(a.distress.par_chunks_mut(BLOCK))
            .zip(cursor.par_chunks_mut(BLOCK))
            .enumerate()
            .for_each(|(b, ((mut ties, distress), stops))| {
                let base = b * BLOCK;
                let sides = block(b);
                for (k, side) in sides.iter().enumerate() {
                    if let Some(next) = sides.get(k + AHEAD) {
                        ahead(next, &ties, pair, identity, &p);
                    }
                    let i = side.me as usize;
                    let x = i - base;
                    if stops[x] != GOING {
                        continue;
                    }
                    let list = &mut ties.list_mut(i);
                    if !apply(list, &mut distress[x], i, side, pair, identity, &p) {
                        stops[x] = k as u32;
                    }
                }
            });
        // 3. The agents that stopped: room for every tie their remaining sides could create
        // (the bonding draw below its largest possible bound: no look-up), all at once; then
        // they go on from where they stopped. Every agent's inputs are those of the start of
        // the phase, so pausing changes nothing.
        let stops = &*cursor;
        // A block's first side that waits (GOING if none: no agent of it stopped).
        let first = |b: usize| {
            let agents = b * BLOCK..((b + 1) * BLOCK).min(n);
            stops[agents].iter().copied().min().unwrap_or(GOING)
        };
        // Whether side k of a block waits: its agent stopped at it or before.
        let waits = |k: usize, side: &Side| {
            let stop = stops[side.me as usize];
            stop != GOING && stop as usize <= k
        };
        bonds.resize(n, 0);
        stopped = bonds
            .par_chunks_mut(BLOCK)
            .enumerate()
            .map(|(b, bonds)| {
                bonds.fill(0);
                let mut stopped = 0;
                let from = first(b);
                if from != GOING {
                    let sides = block(b);
                    for (k, side) in sides.iter().enumerate().skip(from as usize) {
                        if waits(k, side) {
                            let x = side.me as usize - b * BLOCK;
                            stopped += usize::from(stops[side.me as usize] as usize == k);
                            bonds[x] += u32::from(may_bond(side.u, side.trust, &p));
                        }
                    }
                }
                stopped
            })
            .sum();
        if stopped > 0 {
            a.ties.reserve_each(bonds);
            a.ties
                .par_ranges_mut(BLOCK)
                .zip(a.distress.par_chunks_mut(BLOCK))
                .enumerate()
                .for_each(|(b, (mut ties, distress))| {
                    let from = first(b);
                    if from == GOING {
                        return;
                    }
                    let sides = block(b);
                    for (k, side) in sides.iter().enumerate().skip(from as usize) {
                        if waits(k, side) {
                            let i = side.me as usize;
                            let list = &mut ties.list_mut(i);
                            let x = i - b * BLOCK;
                            let applied =
                                apply(list, &mut distress[x], i, side, pair, identity, &p);
                            assert!(applied, "room was made for every tie left");
                        }
                    }
                });
        }
    }

    // Informational support and practice in support groups: once for each support group an
    // agent attended. Only support groups are visited (a few among many), sequentially; an
    // agent in two of them gets the same update twice, in either order the same numbers.
    if info > 0.0 || practice > 0.0 {
        for g in 0..kind.len() {
            if !(met[g] && kind[g] == support_kind) {
                continue;
            }
            for at in &attendees[g] {
                let i = at.agent as usize;
                let (reg, app) = (&mut a.regulation[i], &mut a.approach[i]);
                *reg += info * (1.0 - *reg);
                *app += practice * (1.0 - *app);
            }
        }
    }
    stopped
}

/// Room for the run (`reserve::reserve_for_run`), every group meeting in full: small worlds
/// keep each group's encounters; larger ones file each side with its block of agents as it is
/// drawn (each range of groups counting each block's sides), and note where agents stop and
/// the room they need for new ties; the partners' values side by side.
pub fn reserve(world: &mut World, room: &super::reserve::Room) {
    let (n, ng, more) = (room.agents, room.groups, room.more_groups);
    let encounters = room.encounters;
    let sc = &mut world.scratch;
    let draws: Vec<u32> = room.full.iter().map(|&m| m * encounters as u32).collect();
    if direct(n) {
        while sc.encounters.owners() < ng {
            sc.encounters.add_owner();
        }
        sc.encounters.reserve_owners(more);
        sc.encounters.reserve_each(&draws);
        sc.encounters
            .reserve_room(room.more_memberships * encounters);
    } else {
        sc.runs.reserve(MAX_RANGES, n.div_ceil(BLOCK));
    }
    let sides: usize = draws.iter().map(|&d| 2 * d as usize).sum::<usize>()
        + 2 * room.more_memberships * encounters;
    sc.sides.reserve(sides);
    sc.offsets.reserve(n + 1);
    sc.cursor.reserve(n);
    sc.bonds.reserve(n);
    sc.pair.reserve(n);
    sc.rooms.reserve(ng + more);
}

/// One group's encounters, from its own stream: each attendee meets `encounters` others drawn
/// at random; `seen` is given each encounter in the order drawn.
#[inline]
fn draw(att: &[Attendee], encounters: usize, key: u64, g: usize, mut seen: impl FnMut(Encounter)) {
    let mut rng = group_stream(key, g);
    for x in 0..att.len() {
        for _ in 0..encounters {
            let mut y = below(&mut rng, att.len() - 1);
            if y >= x {
                y += 1;
            }
            let trust = 0.5 * (att[x].ident + att[y].ident);
            let u: f32 = rng.random();
            seen(Encounter {
                a: att[x].agent,
                b: att[y].agent,
                trust,
                u,
            });
        }
    }
}

/// Cuts `0..items` into `ranges` consecutive ranges of about equal `work`: range r is
/// `cuts(r)..cuts(r + 1)`.
fn cut(items: usize, ranges: usize, work: impl Fn(usize) -> usize) -> impl Fn(usize) -> usize {
    let mut cuts = [items; MAX_RANGES + 1];
    cuts[0] = 0;
    let total: usize = (0..items).map(&work).sum();
    let (mut r, mut done) = (1, 0);
    for g in 0..items {
        // Range r starts at the first item past r / ranges of the work.
        while r < ranges && done * ranges >= r * total {
            cuts[r] = g;
            r += 1;
        }
        done += work(g);
    }
    move |r| cuts[r]
}

/// Fetches into the cache what a side a few ahead will read: its agent's tie list and its
/// partner's values.
#[inline]
fn ahead(side: &Side, ties: &RangeMut<'_, Tie>, pair: &[[f32; 2]], identity: &[f32], p: &Params) {
    ties.prefetch(side.me as usize);
    let j = (side.other & !SUPPORT) as usize;
    prefetch(pair, j);
    if may_bond(side.u, side.trust, p) {
        prefetch(identity, j * p.dims);
    }
}

/// Whether an encounter could create a tie (its bonding draw below the largest possible
/// bound, warmth and similarity at 1): the room a list must have for it.
#[inline]
fn may_bond(u: f32, trust: f32, p: &Params) -> bool {
    u < bond_chance(&p.ties, trust, 1.0)
}

/// i's side of one encounter: the tie, then i's share of emotional support. Returns false,
/// having changed nothing, if the encounter creates a tie and i's list has no room for it.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn apply(
    ties: &mut ListMut<'_, Tie>,
    distress: &mut f32,
    i: usize,
    side: &Side,
    pair: &[[f32; 2]],
    identity: &[f32],
    p: &Params,
) -> bool {
    let j = (side.other & !SUPPORT) as usize;
    let boost = if side.other & SUPPORT != 0 {
        p.support_boost
    } else {
        1.0
    };
    // pair[k] = (loneliness, regulation) of agent k.
    let [lj, rj] = pair[j];
    let warm = warmth(p.ties.warmth_k, pair[i][0], lj);
    if !encounter(ties, identity, p, i, j, side, warm) {
        return false;
    }
    // Emotional support flows both ways; this is i's share.
    let es = p.emotional * warm * boost;
    *distress -= (es * rj).min(1.0) * *distress;
    true
}

/// i's side of an encounter with j: reinforce their tie, or (strangers) perhaps bond. j does
/// the same with the same inputs, so both copies agree. Returns false, having changed
/// nothing, if they bond and i's list has no room for the tie.
#[inline(always)]
fn encounter(
    ties: &mut ListMut<'_, Tie>,
    identity: &[f32],
    p: &Params,
    i: usize,
    j: usize,
    side: &Side,
    warm: f32,
) -> bool {
    let t = p.t;
    match find_tie(ties.as_slice(), j as u32) {
        Some(k) => {
            let tie = &mut ties.as_mut_slice()[k];
            let old = tie.weight;
            tie.weight = reinforce(old, p.ties.gain, warm);
            tie.seen = t;
        }
        None => {
            // p = new_tie x trust x warmth x similarity; similarity (an exp) is computed only
            // when the draw falls below the bound without it.
            let bound = bond_chance(&p.ties, side.trust, warm);
            let u = side.u;
            let bonded = u < bound && {
                let d = p.dims;
                let sim = exp(-distance(
                    &identity[i * d..(i + 1) * d],
                    &identity[j * d..(j + 1) * d],
                ) / p.similarity_scale);
                u < bound * sim
            };
            if bonded {
                if ties.is_full() {
                    return false;
                }
                let weight = new_tie_weight(&p.ties, warm);
                ties.push(Tie {
                    other: j as u32,
                    weight,
                    seen: t,
                });
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics;
    use crate::dynamics::init;
    use crate::rng::{phase_key, Phase};
    use crate::scenario::{resolve, Override, Source};

    /// Encounters filed by blocks of agents, on one, two or three threads (as many ranges of
    /// groups), with agents stopping for room for new ties and going on, give exactly what
    /// applying them one by one in the canonical order gives: every tie list (same ties, same
    /// order, same bits) and every distress.
    #[test]
    fn filed_and_direct_application_agree() {
        // Three blocks of agents, the last one short.
        let o = [Override::parse("population.size=9000").unwrap()];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = init::build(&cfg, 5);
        let mut resumed = 0;
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let pools = [pool(1), pool(2), pool(3)];
        for t in 0..6u64 {
            // This week up to interaction, as the step runs it.
            let mut direct = w.clone();
            crate::dynamics::events::run(
                &mut direct,
                &cfg,
                &mut crate::rng::stream(5, t, Phase::Events),
            );
            crate::dynamics::meetings::run(&mut direct, &cfg, phase_key(5, t, Phase::Meetings));
            let key = phase_key(5, t, Phase::Interaction);
            let filed: Vec<World> = pools
                .iter()
                .map(|pool| {
                    let mut filed = direct.clone();
                    resumed += pool.install(|| run_in(&mut filed, &cfg, key, false));
                    filed
                })
                .collect();
            assert_eq!(run_in(&mut direct, &cfg, key, true), 0);
            for (threads, other) in (1..).zip(&filed) {
                for i in 0..w.n() {
                    assert_eq!(
                        other.agents.ties[i], direct.agents.ties[i],
                        "ties of {i}, week {t}, {threads} threads"
                    );
                    assert_eq!(
                        other.agents.distress[i].to_bits(),
                        direct.agents.distress[i].to_bits(),
                        "distress of {i}, week {t}, {threads} threads"
                    );
                }
            }
            dynamics::step(&mut w, &cfg, 5);
        }
        // The stop-and-go path was taken (lists fill as weeks go by).
        assert!(resumed > 0, "no agent stopped for room in 6 weeks");
    }
}
