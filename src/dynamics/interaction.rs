//! Process 3: attendees meet co-attendees. Encounters reinforce or create ties (warmth falls
//! with both partners' loneliness; strangers bond through identification with the shared
//! group and identity similarity), relieve distress (emotional support), and in support
//! groups raise regulation (informational support) and approach (practice in seeking support).
//!
//! In parallel and deterministic, in three passes:
//! 1. each group that met draws its encounters from its own stream (groups in parallel);
//! 2. every encounter is filed under both partners, in the canonical order (group, draw);
//! 3. each agent applies its own encounters in that order (agents in parallel). Both partners
//!    see their shared encounters in the same order with the same inputs (loneliness, identity
//!    and regulation are not changed by this phase; the bonding draw travels with the
//!    encounter), so the two copies of a tie stay identical without locks.
//!
//! Support groups' informational support and practice apply after all encounters.

use crate::model::{distance, exp, scan, Encounter, Groups, ListMut, Scratch, Side, Tie, World};
use crate::rng::{below, group_stream, PAR_MIN};
use crate::scenario::Config;
use rand::RngExt;
use rayon::prelude::*;

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
        idents,
        sides,
        offsets,
        cursor,
        bonds,
        ..
    } = &mut w.scratch;
    let memberships = &w.agents.memberships;

    // 1. Draw each group's encounters.
    drawn.resize_with(kind.len(), Vec::new);
    idents.resize_with(kind.len(), Vec::new);
    drawn
        .par_iter_mut()
        .zip(idents.par_iter_mut())
        .enumerate()
        .with_min_len(PAR_MIN / 8)
        .for_each(|(g, (list, ident))| {
            list.clear();
            let att = &attendees[g];
            if !met[g] || att.len() < 2 {
                return;
            }
            // Room for every member's encounters, so the list grows only with the group.
            list.reserve(members[g].len() * encounters);
            ident.clear();
            ident.extend(att.iter().map(|&i| {
                let list = &memberships[i as usize];
                scan(list, |m| m.group == g as u32).map_or(0.0, |k| list[k].ident)
            }));
            let mut rng = group_stream(key, g);
            for x in 0..att.len() {
                for _ in 0..encounters {
                    let mut y = below(&mut rng, att.len() - 1);
                    if y >= x {
                        y += 1;
                    }
                    let trust = 0.5 * (ident[x] + ident[y]);
                    let u: f32 = rng.random();
                    list.push(Encounter {
                        a: att[x],
                        b: att[y],
                        trust,
                        u,
                    });
                }
            }
        });

    let a = &mut w.agents;
    if n < 2 * PAR_MIN || rayon::current_num_threads() == 1 {
        // One thread would do all the work anyway: apply every encounter to both partners in
        // the canonical order directly. Each agent sees its encounters in exactly the order
        // the filing below gives it, with the same inputs, so the result is identical
        // (tested: tests/engine/determinism.rs runs one large world on 1, 2 and 3 threads).
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
                    if a.ties.room(i) == 0 && may_bond(&side, &p) {
                        a.ties.reserve(i, 1);
                    }
                    apply(
                        &mut a.ties.list_mut(i),
                        &mut a.distress[i],
                        i,
                        &side,
                        &a.loneliness,
                        &a.regulation,
                        &a.identity,
                        &p,
                    );
                }
            }
        }
    } else {
        // 2. File every encounter under both partners (counting sort by agent, stable).
        offsets.clear();
        offsets.resize(n + 1, 0);
        for e in drawn.iter().flatten() {
            offsets[e.a as usize + 1] += 1;
            offsets[e.b as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        cursor.clear();
        cursor.extend_from_slice(&offsets[..n]);
        sides.clear();
        sides.resize(offsets[n] as usize, Side::default());
        for (g, list) in drawn.iter().enumerate() {
            let mark = if kind[g] == support_kind { SUPPORT } else { 0 };
            for e in list {
                for (me, other) in [(e.a, e.b), (e.b, e.a)] {
                    let c = &mut cursor[me as usize];
                    sides[*c as usize] = Side {
                        other: other | mark,
                        trust: e.trust,
                        u: e.u,
                    };
                    *c += 1;
                }
            }
        }
        // Room for every tie an agent's encounters could create (an upper bound that needs
        // no look-up), so that each agent's list grows in place in the parallel pass.
        bonds.clear();
        bonds.extend((0..n).map(|i| {
            let mine = &sides[offsets[i] as usize..offsets[i + 1] as usize];
            mine.iter().filter(|s| may_bond(s, &p)).count() as u32
        }));
        a.ties.reserve_each(bonds);
        // 3. Each agent applies its encounters, agents in parallel.
        let (loneliness, regulation, identity) = (&a.loneliness, &a.regulation, &a.identity);
        let (sides, offsets) = (&*sides, &*offsets);
        a.ties
            .par_lists_mut()
            .zip(a.distress.par_iter_mut())
            .enumerate()
            .with_min_len(PAR_MIN)
            .for_each(|(i, (mut ties, distress))| {
                let mine = &sides[offsets[i] as usize..offsets[i + 1] as usize];
                for side in mine {
                    apply(
                        &mut ties, distress, i, side, loneliness, regulation, identity, &p,
                    );
                }
            });
    }

    // Informational support and practice in support groups: once for each support group an
    // agent attended. Only support groups are visited (a few among many), sequentially; an
    // agent in two of them gets the same update twice, in either order the same numbers.
    if info > 0.0 || practice > 0.0 {
        for g in 0..kind.len() {
            if !(met[g] && kind[g] == support_kind) {
                continue;
            }
            for &i in &attendees[g] {
                let (reg, app) = (&mut a.regulation[i as usize], &mut a.approach[i as usize]);
                *reg += info * (1.0 - *reg);
                *app += practice * (1.0 - *app);
            }
        }
    }
}

/// Whether this side of an encounter could create a tie (the bonding draw below its largest
/// possible bound, warmth and similarity at 1): the room a list must have for it.
#[inline]
fn may_bond(side: &Side, p: &Params) -> bool {
    side.u < p.new_tie * side.trust
}

/// i's side of one encounter: the tie, then i's share of emotional support.
#[allow(clippy::too_many_arguments)]
#[inline]
fn apply(
    ties: &mut ListMut<'_, Tie>,
    distress: &mut f32,
    i: usize,
    side: &Side,
    loneliness: &[f32],
    regulation: &[f32],
    identity: &[f32],
    p: &Params,
) {
    let j = (side.other & !SUPPORT) as usize;
    let boost = if side.other & SUPPORT != 0 {
        p.support_boost
    } else {
        1.0
    };
    let warm = warmth_k(p.warmth_k, loneliness[i], loneliness[j]);
    encounter(ties, identity, p, i, j, side, warm);
    // Emotional support flows both ways; this is i's share.
    let es = p.emotional * warm * boost;
    *distress -= (es * regulation[j]).min(1.0) * *distress;
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
/// the same with the same inputs, so both copies agree.
#[inline]
fn encounter(
    ties: &mut ListMut<'_, Tie>,
    identity: &[f32],
    p: &Params,
    i: usize,
    j: usize,
    side: &Side,
    warm: f32,
) {
    let t = p.t;
    match scan(ties.as_slice(), |x| x.other == j as u32) {
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
}
