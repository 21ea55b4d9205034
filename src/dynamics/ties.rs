//! Process 6: ties are kept up by private contact (more by people with high approach);
//! ties not reinforced this week decay, the lonely's faster; weak ties vanish.
//!
//! The formulas are the rules of `crate::rules::ties` (ODD §6.6); this module applies them to
//! every tie, in parallel, in lanes or one tie at a time, and every path calls the same rules.
//!
//! Each tie is stored on both agents. Both copies are updated independently with the same
//! inputs and the same counter-based random number (a hash of the step's seed and the
//! pair), so they stay identical without looking each other up, and agents can be processed
//! in any order. An agent's ties are updated in lanes (`primitives::lanes`), eight at a time,
//! with the same bits as one at a time.

use crate::model::{Agents, Tie, World};
use crate::primitives::lanes::{by_level, Level, Width, LANES};
use crate::primitives::lists::RangeMut;
use crate::rng::{pair_uniform, PAR_MIN};
use crate::rules::interaction::warmth;
use crate::rules::ties::{self as rule, TieRates};
use crate::scenario::Config;
use rayon::prelude::*;

/// How many agents ahead the partners' values are fetched into the cache.
const AHEAD: usize = 2;

/// Agents from which the partners' values are fetched ahead: (loneliness, approach) of this
/// many agents (2 MB) outgrow a core's L2 cache.
const FAR: usize = 1 << 18;

/// Room for the run (`reserve::reserve_for_run`): the partners' values side by side and the
/// tie sums left for belonging.
pub fn reserve(world: &mut World, room: &super::reserve::Room) {
    world.scratch.pair.reserve(room.agents);
    world.carry.tie_sums.reserve(room.agents);
}

/// `key`: the phase's key; agents are processed in parallel.
pub fn run(w: &mut World, cfg: &Config, key: u64) {
    run_at(w, cfg, key, Level::detect());
}

/// The process with the instructions of `level`.
pub fn run_at(w: &mut World, cfg: &Config, key: u64, level: Level) {
    let rates = TieRates::new(&cfg.scenario);
    if rates.changes_nothing() {
        // Fixed network (classic scenarios): nothing is reinforced and nothing decays; only
        // ties weakened below the minimum elsewhere (exclusion) vanish. Same result as the
        // loop below, without its per-tie work, and none at all in a week in which no tie
        // changed (the only way a tie can fall below the minimum): the ties' edit count tells.
        if w.agents.ties.edits() == w.carry.ties_looked_at {
            return;
        }
        w.agents
            .ties
            .par_lists_mut()
            .with_min_len(PAR_MIN)
            .for_each(|mut list| list.retain(|t| rule::kept(&rates, t.weight)));
        w.carry.ties_looked_at = w.agents.ties.edits();
        return;
    }
    let t = w.t;
    let q = Rates {
        t,
        seed: key,
        rates,
    };
    let Agents {
        ties,
        loneliness,
        approach,
        ..
    } = &mut w.agents;
    // (loneliness, approach) side by side: a tie's other end is read at random.
    let pair = &mut w.scratch.pair;
    crate::model::pair_up(pair, loneliness, approach);
    let pair = &*pair;
    let sums = &mut w.carry.tie_sums;
    sums.resize(loneliness.len(), [0.0; 2]);
    ties.par_ranges_mut(PAR_MIN)
        .zip(sums.par_chunks_mut(PAR_MIN))
        .for_each(|(mut range, sums)| match level.width() {
            // The baseline has no 64-bit multiply in vectors: one tie at a time, with
            // branches, is faster there (measured: 0.14 s against 0.20 s in lanes, 100k
            // agents, 20 weeks).
            Width::Base => maintain_range::<false>(&mut range, sums, pair, &q),
            _ => maintain_at(level, &mut range, sums, pair, &q),
        });
    w.carry.stamp_tie_sums(t, &w.agents.ties);
}

/// One week's tie maintenance: the week, its seed and the rule's parameters.
struct Rates {
    t: u32,
    seed: u64,
    rates: TieRates,
}

by_level! {
    /// Every list of a range of agents, with `level`'s instructions.
    fn maintain_at(
        range: &mut RangeMut<'_, Tie>,
        sums: &mut [[f32; 2]],
        pair: &[[f32; 2]],
        q: &Rates,
    ) => maintain_range_in_lanes
}

#[inline(always)]
fn maintain_range_in_lanes(
    range: &mut RangeMut<'_, Tie>,
    sums: &mut [[f32; 2]],
    pair: &[[f32; 2]],
    q: &Rates,
) {
    maintain_range::<true>(range, sums, pair, q)
}

/// Every list of a range of agents, in agent order, in lanes or one tie at a time.
#[inline(always)]
fn maintain_range<const IN_LANES: bool>(
    range: &mut RangeMut<'_, Tie>,
    sums: &mut [[f32; 2]],
    pair: &[[f32; 2]],
    q: &Rates,
) {
    let owners = range.owners();
    // Partners' values are fetched ahead only when they are too many to stay in a core's cache
    // (smaller worlds would pay for the look-ahead and gain nothing: measured).
    let far = pair.len() >= FAR;
    for i in owners.clone() {
        if far && i + AHEAD < owners.end {
            for t in range.list_mut(i + AHEAD).as_slice() {
                crate::model::prefetch(pair, t.other as usize);
            }
        }
        let mut ties = range.list_mut(i);
        let list = ties.as_mut_slice();
        let (kept, sum) = if IN_LANES {
            maintain(list, i, pair, q)
        } else {
            maintain_one_by_one(list, i, pair, q)
        };
        ties.truncate(kept);
        sums[i - owners.start] = sum;
    }
}

/// One agent's ties: reinforced by private contact (drawn), decayed if not reinforced this
/// week, and compacted in place (ties below the minimum weight vanish). Returns how many are
/// kept and their sums for the belonging phase (weight, and weight times the partner's
/// loneliness), added in list order.
#[inline(always)]
fn maintain(list: &mut [Tie], i: usize, pair: &[[f32; 2]], q: &Rates) -> (usize, [f32; 2]) {
    let [li, ai] = pair[i];
    let n = list.len();
    let (mut strength, mut num) = (0.0f32, 0.0f32);
    let mut kept = 0;
    let (mut other, mut weight, mut seen) = ([0u32; LANES], [0f32; LANES], [0u32; LANES]);
    let (mut lj, mut aj) = ([0f32; LANES], [0f32; LANES]);
    let mut start = 0;
    while start < n {
        let m = (n - start).min(LANES);
        // Lanes past the list's end hold a former chunk's ties: computed, never kept.
        for (l, tie) in list[start..start + m].iter().enumerate() {
            other[l] = tie.other;
            weight[l] = tie.weight;
            seen[l] = tie.seen;
            [lj[l], aj[l]] = pair[tie.other as usize];
        }
        for l in 0..LANES {
            (weight[l], seen[l]) =
                step_tie(weight[l], seen[l], other[l], i, li, ai, lj[l], aj[l], q);
        }
        for l in 0..m {
            let w = weight[l];
            list[kept] = Tie {
                other: other[l],
                weight: w,
                seen: seen[l],
            };
            if rule::kept(&q.rates, w) {
                kept += 1;
                strength += w;
                num += w * lj[l];
            }
        }
        start += m;
    }
    (kept, [strength, num])
}

/// What `maintain` does, one tie at a time with branches.
#[inline(always)]
fn maintain_one_by_one(
    list: &mut [Tie],
    i: usize,
    pair: &[[f32; 2]],
    q: &Rates,
) -> (usize, [f32; 2]) {
    let (t, r) = (q.t, &q.rates);
    let [li, ai] = pair[i];
    let (mut strength, mut num) = (0.0f32, 0.0f32);
    let mut kept = 0;
    for k in 0..list.len() {
        let mut tie = list[k];
        let [lj, aj] = pair[tie.other as usize];
        if tie.seen != t && r.contact > 0.0 {
            let p = rule::contact_probability(r, ai, aj);
            if pair_uniform(q.seed, i as u32, tie.other) < p {
                let warm = warmth(r.warmth_k, li, lj);
                tie.weight = rule::reinforce(tie.weight, r.gain, warm);
                tie.seen = t;
            }
        }
        if tie.seen != t {
            tie.weight = rule::decay(r, tie.weight, li, lj);
        }
        list[kept] = tie;
        if rule::kept(r, tie.weight) {
            kept += 1;
            strength += tie.weight;
            num += tie.weight * lj;
        }
    }
    (kept, [strength, num])
}

/// One tie's week, without a branch: (weight, seen) after private contact, with a
/// probability that grows with both partners' approach, and decay if not reinforced this
/// week (faster for the lonely).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn step_tie(
    weight: f32,
    seen: u32,
    other: u32,
    i: usize,
    li: f32,
    ai: f32,
    lj: f32,
    aj: f32,
    q: &Rates,
) -> (f32, u32) {
    let (t, r) = (q.t, &q.rates);
    let p = rule::contact_probability(r, ai, aj);
    let contact = (seen != t) & (r.contact > 0.0) & (pair_uniform(q.seed, i as u32, other) < p);
    let raised = rule::reinforce(weight, r.gain, warmth(r.warmth_k, li, lj));
    let (weight, seen) = if contact { (raised, t) } else { (weight, seen) };
    let decayed = rule::decay(r, weight, li, lj);
    (if seen != t { decayed } else { weight }, seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::init;
    use crate::rng::{phase_key, Phase};
    use crate::scenario::{resolve, Override, Source};

    /// The rules (`rules::ties`) applied one tie at a time, with branches, as docs/ODD.md §6.6
    /// states them.
    fn reference(w: &mut World, cfg: &Config, key: u64) {
        let (t, r) = (w.t, &TieRates::new(&cfg.scenario));
        let (l, a) = (w.agents.loneliness.clone(), w.agents.approach.clone());
        w.carry.tie_sums.resize(w.n(), [0.0; 2]);
        for i in 0..w.n() {
            let mut list = w.agents.ties.list_mut(i);
            let (mut strength, mut num) = (0.0f32, 0.0f32);
            let mut kept = Vec::new();
            for &tie in list.as_slice() {
                let mut tie = tie;
                let j = tie.other as usize;
                if tie.seen != t && r.contact > 0.0 {
                    let p = rule::contact_probability(r, a[i], a[j]);
                    if pair_uniform(key, i as u32, tie.other) < p {
                        let warm = warmth(r.warmth_k, l[i], l[j]);
                        tie.weight = rule::reinforce(tie.weight, r.gain, warm);
                        tie.seen = t;
                    }
                }
                if tie.seen != t {
                    tie.weight = rule::decay(r, tie.weight, l[i], l[j]);
                }
                if rule::kept(r, tie.weight) {
                    strength += tie.weight;
                    num += tie.weight * l[j];
                    kept.push(tie);
                }
            }
            list.truncate(0);
            for tie in kept {
                list.push(tie);
            }
            w.carry.tie_sums[i] = [strength, num];
        }
    }

    /// Every level of instructions this machine has gives, bit for bit, what the rule one tie
    /// at a time gives: every tie list (same ties, same order, same weights) and every sum.
    #[test]
    fn every_level_gives_the_rule_bits() {
        let o = [Override::parse("population.size=3000").unwrap()];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = init::build(&cfg, 3);
        let (mut seen_this_week, mut reinforced, mut vanished) = (0, 0, 0);
        for week in 0..8u64 {
            crate::dynamics::step(&mut w, &cfg, 3);
            // The phase's input: this week's ties, some reinforced by this week's encounters
            // (the step has moved the world a week on; its clock is set back in this copy).
            let mut v = w.clone();
            v.t -= 1;
            let seen = |x: &World| {
                (0..x.n())
                    .flat_map(|i| x.agents.ties[i].iter())
                    .filter(|t| t.seen == v.t)
                    .count()
            };
            // (A key of its own: with the week's, every contact drawn would repeat the step's.)
            let key = phase_key(3, 1000 + week, Phase::Ties);
            let mut want = v.clone();
            reference(&mut want, &cfg, key);
            seen_this_week += seen(&v);
            reinforced += seen(&want).saturating_sub(seen(&v));
            vanished += v.agents.ties.total() - want.agents.ties.total();
            for level in Level::available() {
                let mut got = v.clone();
                run_at(&mut got, &cfg, key, level);
                for i in 0..v.n() {
                    assert_eq!(
                        got.agents.ties[i], want.agents.ties[i],
                        "ties of {i}, week {week}, {level:?}"
                    );
                    let bits = |s: [f32; 2]| s.map(f32::to_bits);
                    assert_eq!(
                        bits(got.carry.tie_sums[i]),
                        bits(want.carry.tie_sums[i]),
                        "sums of {i}, week {week}, {level:?}"
                    );
                }
            }
        }
        // Every branch of the rule was taken: ties seen this week (not decayed), ties
        // reinforced by contact, and ties gone.
        assert!(
            seen_this_week > 0 && reinforced > 0 && vanished > 0,
            "{seen_this_week} seen this week, {reinforced} reinforced, {vanished} vanished"
        );
    }
}
