//! Process 3: attendees meet co-attendees. Encounters reinforce or create ties (warmth falls
//! with both partners' loneliness; strangers bond through identification with the shared
//! group and identity similarity), relieve distress (emotional support), and in support
//! groups raise regulation (informational support) and approach (practice in seeking support).
//!
//! In parallel and deterministic, in three passes:
//! 1. each group that met draws its encounters from its own stream (groups in parallel);
//! 2. every encounter is filed under both partners in the canonical order (group, then
//!    draw): the agents are split into ranges, one per thread, and each range walks every
//!    encounter twice, counting then filing its own agents' sides (on one thread the groups
//!    are drawn in order and the sides counted as they are drawn);
//! 3. each agent applies its own sides in that order (agents in parallel). Both partners see
//!    their shared encounters in the same order with the same inputs (loneliness, identity
//!    and regulation are not changed by this phase; the bonding draw travels with the
//!    encounter), so the two copies of a tie stay identical without locks, whatever the split.
//!    An agent whose list has no room for a new tie stops before that side; room is then made
//!    for all such agents at once and they go on (few do: lists keep slack, and few
//!    encounters create a tie, so no room is reserved up front for the many that might).
//!    Below 2 x `PAR_MIN` agents every encounter is applied to both partners directly in the
//!    canonical order (room reserved first for every tie an encounter could create), which
//!    gives each agent the same sequence and so the same numbers (tested).
//!
//! Support groups' informational support and practice apply after all encounters.

use crate::model::lists::par_regions_mut;
use crate::model::{
    distance, exp, find_tie, prefetch, Attendee, Encounter, Groups, ListMut, Scratch, Side, Tie,
    World,
};
use crate::rng::{below, group_stream, PAR_MIN};
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
    warmth_k: f32,
    tie_gain: f32,
    new_tie: f32,
    new_weight: f32,
    min_new_weight: f32,
    similarity_scale: f32,
    emotional: f32,
    /// Emotional support is stronger in facilitated support groups (1 + facilitation).
    support_boost: f32,
}

pub fn run(w: &mut World, cfg: &Config, key: u64) {
    run_in(w, cfg, key, w.n() < 2 * PAR_MIN);
}

/// The process, applying the encounters directly (`direct`: one thread, the small worlds'
/// way) or filed per agent (any number of threads); the same numbers either way (tested).
/// Returns how many agents, filed per agent, stopped for room for a new tie and went on.
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
        warmth_k: it.warmth_loneliness as f32,
        tie_gain: it.tie_gain as f32,
        new_tie: it.new_tie as f32,
        new_weight: it.new_tie_weight as f32,
        min_new_weight: s.ties.min_weight as f32 * 1.5,
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
        bonds,
        pair,
        rooms,
        ..
    } = &mut w.scratch;

    // 1. Draw each group's encounters.
    // Room for each group's encounters, so its list fills in place.
    while drawn.owners() < kind.len() {
        drawn.add_owner();
    }
    // (Room for every member's draws, met or not: the room asked for changes only with the
    // groups, so the pool's layout settles.)
    rooms.clear();
    rooms.extend((0..kind.len()).map(|g| (members.len_of(g) * encounters) as u32));
    drawn.clear_all();
    drawn.reserve_each(rooms);
    // On one thread the groups are drawn in order, and each agent's sides are counted as
    // they are drawn (filing needs the counts; on several threads a pass counts them).
    let counted = !direct && rayon::current_num_threads() == 1;
    if counted {
        offsets.clear();
        offsets.resize(n + 1, 0);
        for g in 0..kind.len() {
            if met[g] && attendees.len_of(g) >= 2 {
                draw(
                    &attendees[g],
                    encounters,
                    key,
                    g,
                    &mut drawn.list_mut(g),
                    |e| {
                        offsets[e.a as usize + 1] += 1;
                        offsets[e.b as usize + 1] += 1;
                    },
                );
            }
        }
    } else {
        drawn
            .par_lists_mut()
            .enumerate()
            .with_min_len(PAR_MIN / 8)
            .for_each(|(g, mut list)| {
                if met[g] && attendees.len_of(g) >= 2 {
                    draw(&attendees[g], encounters, key, g, &mut list, |_| ());
                }
            });
    }

    let a = &mut w.agents;
    bonds.clear();
    bonds.resize(n, 0);
    let drawn = &*drawn;
    crate::model::pair_up(pair, &a.loneliness, &a.regulation);
    let pair = &*pair;
    let mut stopped = 0usize;
    if direct {
        // Room for every tie an encounter could create (an upper bound that needs no
        // look-up: the bonding draw below its largest possible bound).
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
        // inputs as the sorted pass below gives it, so the result is the same.
        for (g, list) in drawn.iter().enumerate() {
            let mark = if kind[g] == support_kind { SUPPORT } else { 0 };
            for e in list {
                for (i, j) in [(e.a, e.b), (e.b, e.a)] {
                    let side = Side {
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
        // 2. File every side under its agent in the canonical order (group, then draw): the
        // agents are split into ranges, one per thread; each range walks every encounter,
        // first counting its agents' sides (unless drawing counted them), then (offsets
        // summed) filing them.
        let ranges = rayon::current_num_threads().clamp(1, n / PAR_MIN);
        let chunk = n.div_ceil(ranges);
        if !counted {
            offsets.clear();
            offsets.resize(n + 1, 0);
            offsets[1..]
                .par_chunks_mut(chunk)
                .enumerate()
                .for_each(|(r, counts)| {
                    let mine = r * chunk..r * chunk + counts.len();
                    for e in drawn.iter().flatten() {
                        for i in [e.a as usize, e.b as usize] {
                            if mine.contains(&i) {
                                counts[i - mine.start] += 1;
                            }
                        }
                    }
                });
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        cursor.clear();
        cursor.extend_from_slice(&offsets[..n]);
        // Every side up to offsets[n] is written below: the buffer only grows (filling it
        // anew each week would write it twice).
        if sides.len() < offsets[n] as usize {
            sides.resize(offsets[n] as usize, Side::default());
        }
        let base = &*offsets;
        par_regions_mut(sides, base, chunk)
            .zip(cursor.par_chunks_mut(chunk))
            .enumerate()
            .for_each(|(r, (region, cursor))| {
                let mine = r * chunk..r * chunk + cursor.len();
                let origin = base[mine.start];
                for (g, list) in drawn.iter().enumerate() {
                    let mark = if kind[g] == support_kind { SUPPORT } else { 0 };
                    for e in list {
                        for (me, other) in [(e.a, e.b), (e.b, e.a)] {
                            let me = me as usize;
                            if mine.contains(&me) {
                                let c = &mut cursor[me - mine.start];
                                region[(*c - origin) as usize] = Side {
                                    other: other | mark,
                                    trust: e.trust,
                                    u: e.u,
                                };
                                *c += 1;
                            }
                        }
                    }
                }
            });
        // 3. Each agent applies its sides in that order, agents in parallel, until one would
        // create a tie its list has no room for (rare: lists keep some slack, and few
        // encounters create a tie); it stops before that side and notes where (`cursor`,
        // free again).
        let (sides, offsets) = (&*sides, &*offsets);
        let identity = &a.identity;
        a.ties
            .par_lists_mut()
            .zip(a.distress.par_iter_mut())
            .zip(cursor.par_iter_mut())
            .enumerate()
            .with_min_len(PAR_MIN)
            .for_each(|(i, ((mut ties, distress), stop))| {
                let (from, to) = (offsets[i] as usize, offsets[i + 1] as usize);
                *stop = apply_sides(&mut ties, distress, i, from, to, sides, pair, identity, &p);
            });
        // 4. The agents that stopped: room for every tie their remaining sides could create
        // (the bonding draw below its largest possible bound: no look-up), all at once; then
        // they go on from where they stopped. Every agent's inputs are those of the start of
        // the phase, so pausing changes nothing.
        let cursor = &*cursor;
        for i in 0..n {
            let (at, to) = (cursor[i] as usize, offsets[i + 1] as usize);
            if at < to {
                stopped += 1;
                bonds[i] = sides[at..to]
                    .iter()
                    .filter(|x| may_bond(x.u, x.trust, &p))
                    .count() as u32;
            }
        }
        if stopped > 0 {
            a.ties.reserve_each(bonds);
            a.ties
                .par_lists_mut()
                .zip(a.distress.par_iter_mut())
                .enumerate()
                .with_min_len(PAR_MIN)
                .for_each(|(i, (mut ties, distress))| {
                    let (at, to) = (cursor[i] as usize, offsets[i + 1] as usize);
                    if at < to {
                        let end =
                            apply_sides(&mut ties, distress, i, at, to, sides, pair, identity, &p);
                        assert_eq!(end, to as u32, "room was made for every tie left");
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

/// One group's encounters, from its own stream: each attendee meets `encounters` others drawn
/// at random; `seen` is shown each encounter as it is listed.
fn draw(
    att: &[Attendee],
    encounters: usize,
    key: u64,
    g: usize,
    list: &mut ListMut<'_, Encounter>,
    mut seen: impl FnMut(&Encounter),
) {
    let mut rng = group_stream(key, g);
    for x in 0..att.len() {
        for _ in 0..encounters {
            let mut y = below(&mut rng, att.len() - 1);
            if y >= x {
                y += 1;
            }
            let trust = 0.5 * (att[x].ident + att[y].ident);
            let u: f32 = rng.random();
            let e = Encounter {
                a: att[x].agent,
                b: att[y].agent,
                trust,
                u,
            };
            seen(&e);
            list.push(e);
        }
    }
}

/// Whether an encounter could create a tie (its bonding draw below the largest possible
/// bound, warmth and similarity at 1): the room a list must have for it.
#[inline]
fn may_bond(u: f32, trust: f32, p: &Params) -> bool {
    u < p.new_tie * trust
}

/// Agent i's sides `sides[from..to]`, in order, until one would create a tie the list has no
/// room for: returns the index of that side (`to` once all are applied).
#[allow(clippy::too_many_arguments)]
#[inline]
fn apply_sides(
    ties: &mut ListMut<'_, Tie>,
    distress: &mut f32,
    i: usize,
    from: usize,
    to: usize,
    sides: &[Side],
    pair: &[[f32; 2]],
    identity: &[f32],
    p: &Params,
) -> u32 {
    for k in from..to {
        // The partner of a side a few ahead (this agent's or the next ones').
        if let Some(ahead) = sides.get(k + AHEAD) {
            let j = (ahead.other & !SUPPORT) as usize;
            prefetch(pair, j);
            if may_bond(ahead.u, ahead.trust, p) {
                prefetch(identity, j * p.dims);
            }
        }
        if !apply(ties, distress, i, &sides[k], pair, identity, p) {
            return k as u32;
        }
    }
    to as u32
}

/// i's side of one encounter: the tie, then i's share of emotional support. Returns false,
/// having changed nothing, if the encounter creates a tie and i's list has no room for it.
#[allow(clippy::too_many_arguments)]
#[inline]
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
    let warm = warmth_k(p.warmth_k, pair[i][0], lj);
    if !encounter(ties, identity, p, i, j, side, warm) {
        return false;
    }
    // Emotional support flows both ways; this is i's share.
    let es = p.emotional * warm * boost;
    *distress -= (es * rj).min(1.0) * *distress;
    true
}

/// Warmth of an encounter: the lonely signal and receive less warmth.
#[inline]
pub fn warmth(cfg: &Config, li: f32, lj: f32) -> f32 {
    warmth_k(cfg.scenario.interaction.warmth_loneliness as f32, li, lj)
}

#[inline]
fn warmth_k(k: f32, li: f32, lj: f32) -> f32 {
    (1.0 - k * li) * (1.0 - k * lj)
}

/// i's side of an encounter with j: reinforce their tie, or (strangers) perhaps bond. j does
/// the same with the same inputs, so both copies agree. Returns false, having changed
/// nothing, if they bond and i's list has no room for the tie.
#[inline]
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
            tie.weight = (old + p.tie_gain * warm * (1.0 - old)).min(1.0);
            tie.seen = t;
        }
        None => {
            // p = new_tie x trust x warmth x similarity; similarity (an exp) is computed only
            // when the draw falls below the bound without it.
            let bound = p.new_tie * side.trust * warm;
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
                let weight = (p.new_weight * (0.5 + 0.5 * warm))
                    .max(p.min_new_weight)
                    .min(1.0);
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
    use crate::model::init;
    use crate::rng::{phase_key, Phase};
    use crate::scenario::{resolve, Override, Source};

    /// Encounters filed per agent, on one thread (counted while drawn) or two (counted by a
    /// pass, over two ranges), with agents stopping for room for new ties and going on, give
    /// exactly what applying them one by one in the canonical order gives: every tie list
    /// (same ties, same order, same bits) and every distress.
    #[test]
    fn filed_and_direct_application_agree() {
        let o = [Override::parse("population.size=9000").unwrap()];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = init::build(&cfg, 5);
        let mut resumed = 0;
        // Filed over two ranges, on two threads; and on one.
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let (one, two) = (pool(1), pool(2));
        for t in 0..6u64 {
            // This week up to interaction, as the step runs it.
            let mut direct = w.clone();
            crate::dynamics::events::run(
                &mut direct,
                &cfg,
                &mut crate::rng::stream(5, t, Phase::Events),
            );
            crate::dynamics::meetings::run(&mut direct, &cfg, phase_key(5, t, Phase::Meetings));
            let mut filed = direct.clone();
            let mut counted = direct.clone();
            let key = phase_key(5, t, Phase::Interaction);
            assert_eq!(run_in(&mut direct, &cfg, key, true), 0);
            resumed += two.install(|| run_in(&mut filed, &cfg, key, false));
            // On one thread the sides are counted while the groups are drawn.
            one.install(|| run_in(&mut counted, &cfg, key, false));
            for (how, other) in [("two ranges", &filed), ("one thread", &counted)] {
                for i in 0..w.n() {
                    assert_eq!(
                        other.agents.ties[i], direct.agents.ties[i],
                        "ties of {i}, week {t}, {how}"
                    );
                    assert_eq!(
                        other.agents.distress[i].to_bits(),
                        direct.agents.distress[i].to_bits(),
                        "distress of {i}, week {t}, {how}"
                    );
                }
            }
            dynamics::step(&mut w, &cfg, 5);
        }
        // The stop-and-go path was taken (lists fill as weeks go by).
        assert!(resumed > 0, "no agent stopped for room in 6 weeks");
    }
}
