//! Process 6: ties are kept up by private contact (more by people with high approach);
//! ties not reinforced this week decay, the lonely's faster; weak ties vanish.
//!
//! Each tie is stored on both agents. Both copies are updated independently with the same
//! inputs and the same counter-based random number (a hash of the step's seed and the
//! pair), so they stay identical without looking each other up, and agents can be processed
//! in any order.

use crate::model::{Agents, World};
use crate::rng::{mix64, PAR_MIN};
use crate::scenario::Config;
use rayon::prelude::*;

/// How many agents ahead the partners' values are fetched into the cache.
const AHEAD: usize = 2;

/// Agents from which the partners' values are fetched ahead: (loneliness, approach) of this
/// many agents (2 MB) outgrow a core's L2 cache.
const FAR: usize = 1 << 18;

/// A uniform number in [0, 1) from a hash of (seed, pair), the same for (i, j) and (j, i).
#[inline]
fn pair_uniform(seed: u64, i: u32, j: u32) -> f32 {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    let h = mix64(seed ^ mix64(((a as u64) << 32) | b as u64));
    (h >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
}

/// `key`: the phase's key; agents are processed in parallel.
pub fn run(w: &mut World, cfg: &Config, key: u64) {
    let s = &cfg.scenario;
    let seed = key;
    let t = w.t;
    let contact = s.interaction.contact as f32;
    let gain = s.interaction.tie_gain as f32;
    let decay = s.ties.decay as f32;
    let lonely_decay = s.ties.lonely_decay as f32;
    let min_weight = s.ties.min_weight as f32;
    if contact <= 0.0 && decay <= 0.0 {
        // Fixed network (classic scenarios): nothing is reinforced and nothing decays; only
        // ties weakened below the minimum elsewhere (exclusion) vanish. Same result as the
        // loop below, without its per-tie work, and none at all in a week in which no tie
        // was set (the only way a tie can fall below the minimum).
        if !std::mem::take(&mut w.carry.ties_set) {
            return;
        }
        w.agents
            .ties
            .par_lists_mut()
            .with_min_len(PAR_MIN)
            .for_each(|mut list| list.retain(|t| t.weight >= min_weight));
        return;
    }
    let k_warm = s.interaction.warmth_loneliness as f32;
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
    // Partners' values are fetched ahead only when they are too many to stay in a core's cache
    // (smaller worlds would pay for the look-ahead and gain nothing: measured).
    let far = pair.len() >= FAR;
    ties.par_ranges_mut(PAR_MIN)
        .zip(sums.par_chunks_mut(PAR_MIN))
        .for_each(|(mut range, sums)| {
            let owners = range.owners();
            for i in owners.clone() {
                if far && i + AHEAD < owners.end {
                    for t in range.list_mut(i + AHEAD).as_slice() {
                        crate::model::prefetch(pair, t.other as usize);
                    }
                }
                let mut ties = range.list_mut(i);
                let sums = &mut sums[i - owners.start];
                let n_ties = ties.len();
                let list = ties.as_mut_slice();
                let [li, ai] = pair[i];
                // Update in place and compact: ties that fall below the minimum weight vanish.
                // The kept ties' sums for the belonging phase, in list order.
                let (mut strength, mut num) = (0.0f32, 0.0f32);
                let mut kept = 0;
                for k in 0..n_ties {
                    let mut tie = list[k];
                    let j = tie.other as usize;
                    let [lj, aj] = pair[j];
                    if tie.seen != t && contact > 0.0 {
                        let p = contact * 0.5 * (ai + aj);
                        if pair_uniform(seed, i as u32, tie.other) < p {
                            let warm = (1.0 - k_warm * li) * (1.0 - k_warm * lj);
                            tie.weight = (tie.weight + gain * warm * (1.0 - tie.weight)).min(1.0);
                            tie.seen = t;
                        }
                    }
                    if tie.seen != t {
                        let lonely = 0.5 * (li + lj);
                        tie.weight *= 1.0 - (decay * (1.0 + lonely_decay * lonely)).min(1.0);
                    }
                    list[kept] = tie;
                    if tie.weight >= min_weight {
                        kept += 1;
                        strength += tie.weight;
                        num += tie.weight * lj;
                    }
                }
                ties.truncate(kept);
                *sums = [strength, num];
            }
        });
    w.carry.tie_sums_at = Some(t);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_uniform_is_symmetric_and_spread() {
        let mut sum = 0.0;
        for i in 0..1000u32 {
            let (a, b) = (pair_uniform(7, i, i + 1), pair_uniform(7, i + 1, i));
            assert_eq!(a, b);
            assert!((0.0..1.0).contains(&a));
            sum += a as f64;
        }
        // Mean of 1000 uniforms: sd 0.289/sqrt(1000) = 0.009; 5 sd tolerance.
        assert!((sum / 1000.0 - 0.5).abs() < 0.046, "{sum}");
    }
}
