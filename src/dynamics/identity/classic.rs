//! The classic identity rules: bounded confidence (Deffuant, Neau, Amblard & Weisbuch 2000)
//! and cultural dissemination (Axelrod 1997), and their absorption test.
//!
//! Update scheme (both rules): each week every agent is the active agent exactly once, in a
//! random order (a Fisher–Yates permutation drawn from the step's Identity stream), and picks
//! one partner uniformly at random in scope; updates are applied at once (asynchronous), so
//! later pairs see earlier changes. Scope `Network`: a uniformly chosen tie. Scope `Groups`:
//! a uniformly chosen group that met this week and that the agent attended with at least one
//! other attendee, then a uniformly chosen co-attendee. Agents without a partner skip their
//! turn.
//!
//! What an encounter does, and when a pair is settled, are the rules of
//! `crate::rules::classic` (ODD §6.5, §6.9); this module finds the pairs, and compares
//! cultures of up to 8 features a word at a time, calling the same rules as the
//! feature-by-feature path.

use crate::model::{distance, World};
use crate::rng::{scale, Rng, Xoshiro};
use crate::rules::classic::{self as rule, Classic};
use crate::scenario::{Config, IdentityRule, Scope};

/// One week of the scenario's classic rule (BoundedConfidence or Axelrod).
pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let id = &cfg.scenario.identity;
    let n = w.n();
    // The week's stream as a value the loops keep in registers (the same draws as `rng`,
    // which is given back its place at the end).
    let mut g = Xoshiro::of(rng);
    // Both lists are the world's scratch, taken for the week and put back (no allocation
    // once they have grown to the run's size).
    let mut order = std::mem::take(&mut w.scratch.order);
    order.clear();
    order.extend(0..n as u32);
    for i in (1..n).rev() {
        order.swap(i, scale(g.next_u32(), i + 1));
    }
    // Groups scope: the met groups each agent attended with someone else.
    let mut attended = std::mem::take(&mut w.scratch.attended);
    if id.scope == Scope::Groups {
        attended.resize_with(n, Vec::new);
        attended.iter_mut().for_each(Vec::clear);
        for g in 0..w.n_groups() {
            if w.groups.met[g] && w.groups.attendees[g].len() >= 2 {
                for a in &w.groups.attendees[g] {
                    attended[a.agent as usize].push(g as u32);
                }
            }
        }
    }
    let c = Classic::new(&cfg.scenario);
    for &i in &order {
        let i = i as usize;
        let j = match id.scope {
            Scope::Network => {
                let ties = &w.agents.ties[i];
                if ties.is_empty() {
                    continue;
                }
                ties[scale(g.next_u32(), ties.len())].other as usize
            }
            Scope::Groups => {
                let groups = &attended[i];
                if groups.is_empty() {
                    continue;
                }
                let group = groups[scale(g.next_u32(), groups.len())] as usize;
                let att = &w.groups.attendees[group];
                // A uniform co-attendee: draw among len - 1 slots, the agent's own slot
                // standing for the last one.
                let k = scale(g.next_u32(), att.len() - 1);
                let j = att[k].agent as usize;
                if j == i {
                    att[att.len() - 1].agent as usize
                } else {
                    j
                }
            }
        };
        match id.rule {
            IdentityRule::BoundedConfidence => bounded_confidence(w, i, j, &c),
            IdentityRule::Axelrod => axelrod(&mut w.agents.culture, w.features, i, j, &mut g),
            IdentityRule::Prototype => {}
        }
    }
    *rng = g.to_rng();
    w.scratch.order = order;
    w.scratch.attended = attended;
}

/// Deffuant et al. (2000): if |x_i - x_j| < epsilon (Euclidean), x_i += mu (x_j - x_i) and
/// x_j += mu (x_i - x_j), both from the positions before the encounter
/// (`rules::classic::confident`, `rules::classic::converge`).
#[inline]
pub fn bounded_confidence(w: &mut World, i: usize, j: usize, c: &Classic) {
    let d = w.dims;
    let x = &mut w.agents.identity;
    if !rule::confident(c, distance(&x[i * d..(i + 1) * d], &x[j * d..(j + 1) * d])) {
        return;
    }
    for k in 0..d {
        (x[i * d + k], x[j * d + k]) = rule::converge(c, x[i * d + k], x[j * d + k]);
    }
}

/// Axelrod (1997): with probability equal to the share of features on which i and j agree,
/// i copies j's trait on one uniformly chosen feature on which they differ (nothing happens
/// when they agree on all or none: `rules::classic::axelrod_interacts`,
/// `rules::classic::axelrod_copies`, `rules::classic::axelrod_feature`). Cultures of `f`
/// features lie agent by agent in `c`.
#[inline(always)]
pub fn axelrod(c: &mut [u8], f: usize, i: usize, j: usize, g: &mut Xoshiro) {
    match differing(c, f, i, j) {
        Some(differ) => axelrod_word(c, f, i, j, differ, g),
        None => axelrod_bytes(c, f, i, j, g),
    }
}

/// `axelrod` for two cultures that differ on the features in `differ` (as `differing`
/// gives them), drawing from `g`: the same draws and the same result, without a branch.
/// Both draws are computed every time and taken only when the rule takes them, and the
/// trait is written every time (the agent's own when nothing is copied). Whether a pair
/// interacts, and copies, is often a coin toss, which branches pay for in mispredictions
/// (measured against the same with branches: 7-15% faster on the peer comparison's runs,
/// 50 x 50 for 200 weeks and 10 x 10 to absorption; 3-6% slower late in long 50 x 50 runs).
#[inline(always)]
fn axelrod_word(c: &mut [u8], f: usize, i: usize, j: usize, differ: u64, g: &mut Xoshiro) {
    let d = count_bytes(differ);
    let same = f - d;
    let interacts = rule::axelrod_interacts(same, f);
    let (x, next) = g.peek();
    g.take_if(interacts, next);
    let copies = interacts && rule::axelrod_copies(x, same, f);
    let (x, next) = g.peek();
    g.take_if(copies, next);
    // The r-th differing feature (a feature < f whatever the draws).
    let k = NTH_SET[gather_bytes(differ)][rule::axelrod_feature(x, d)] as usize;
    let from = if copies { j } else { i };
    c[i * f + k] = c[from * f + k];
}

/// `NTH_SET[pattern][r]`: the position of the r-th set bit of the 8-bit `pattern` (0 when it
/// has no r-th).
static NTH_SET: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut p = 0;
    while p < 256 {
        let (mut r, mut bit) = (0, 0);
        while bit < 8 {
            if p >> bit & 1 == 1 {
                table[p][r] = bit as u8;
                r += 1;
            }
            bit += 1;
        }
        p += 1;
    }
    table
};

/// Gathers the high bit of each byte of `high` (every other bit 0) into an 8-bit pattern:
/// the multiplication moves the high bit of byte b to bit 56 + b, with no two terms meeting.
#[inline(always)]
fn gather_bytes(high: u64) -> usize {
    ((high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as usize
}

/// `axelrod` feature by feature: for more than 8 features, and the last agents.
#[cold]
#[inline(never)]
fn axelrod_bytes(c: &mut [u8], f: usize, i: usize, j: usize, g: &mut Xoshiro) {
    let same = agree_bytes(c, f, i, j);
    if !rule::axelrod_interacts(same, f) || !rule::axelrod_copies(g.next_u32(), same, f) {
        return;
    }
    // The r-th differing feature, counting from the first.
    let mut r = rule::axelrod_feature(g.next_u32(), f - same);
    for k in 0..f {
        if c[i * f + k] != c[j * f + k] {
            if r == 0 {
                c[i * f + k] = c[j * f + k];
                return;
            }
            r -= 1;
        }
    }
}

/// On how many of their `f` features agents i and j agree, feature by feature.
#[inline]
fn agree_bytes(c: &[u8], f: usize, i: usize, j: usize) -> usize {
    (0..f).filter(|&k| c[i * f + k] == c[j * f + k]).count()
}

/// The features on which agents i and j differ, for cultures of up to 8 features laid out
/// agent by agent in `c`: bit 8k + 7 is set where they differ on feature k. Both cultures
/// are read as one word each and compared byte by byte at once. None when there are more
/// features, or fewer than 8 bytes to read (the last agents).
#[inline(always)]
fn differing(c: &[u8], f: usize, i: usize, j: usize) -> Option<u64> {
    if f > 8 {
        return None;
    }
    let (a, b) = (c.get(i * f..i * f + 8)?, c.get(j * f..j * f + 8)?);
    let word = |x: &[u8]| u64::from_le_bytes(x.try_into().expect("8 bytes"));
    let mask = if f == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * f)) - 1
    };
    let x = (word(a) ^ word(b)) & mask;
    // The high bit of each byte of x that is not 0.
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    Some((((x & LOW7) + LOW7) | x) & !LOW7)
}

/// How many bytes of `high` have their high bit set (every other bit 0): the bits moved to
/// the bottom of their bytes and summed into the top byte by one multiplication.
#[inline(always)]
fn count_bytes(high: u64) -> usize {
    ((high >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
}

/// No interaction can change anything any more: Axelrod — every pair in scope agrees on all
/// features or on none; bounded confidence — every pair in scope is at least epsilon apart
/// or closer than `stop.tolerance`. Pairs in scope: network ties (Network), co-members of an
/// active group (Groups). Always false for the prototype rule (it never settles).
///
/// The search for a pair that can still change starts where the last test found one (kept
/// in the world's scratch): near absorption the few such pairs seldom move, so most weeks
/// the test ends at once instead of walking every pair. Where it starts does not change the
/// answer.
pub fn absorbed(w: &mut World, cfg: &Config) -> bool {
    let id = &cfg.scenario.identity;
    let from = w.carry.absorb_from;
    let found = match id.rule {
        IdentityRule::Prototype => return false,
        IdentityRule::Axelrod => {
            let f = w.features;
            let c = &w.agents.culture;
            w.find_scope_pair(from, |i, j| {
                let same = match differing(c, f, i, j) {
                    Some(differ) => f - count_bytes(differ),
                    None => agree_bytes(c, f, i, j),
                };
                rule::axelrod_settled(same, f)
            })
        }
        IdentityRule::BoundedConfidence => {
            let c = Classic::new(&cfg.scenario);
            w.find_scope_pair(from, |i, j| {
                rule::confidence_settled(&c, distance(w.identity_of(i), w.identity_of(j)))
            })
        }
    };
    match found {
        Some(o) => {
            w.carry.absorb_from = o;
            false
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axelrod_copies_one_differing_trait_with_probability_similarity() {
        // Two agents, F = 4, agreeing on 2 features: interaction probability 1/2. Both ways
        // of comparing: feature by feature (the last agent has fewer than 8 bytes to read)
        // and word-wise (a third, idle agent's bytes follow).
        for padding in [0u64, 4] {
            let mut hits = 0;
            let mut copied = [0; 4];
            let mut g = Xoshiro::of(&crate::rng::stream(1, padding, crate::rng::Phase::Identity));
            for _ in 0..4000 {
                let mut w = tiny_world(4);
                w.agents.culture = vec![1, 2, 3, 4, 1, 2, 5, 6];
                w.agents.culture.resize(8 + padding as usize, 0);
                axelrod(&mut w.agents.culture, 4, 0, 1, &mut g);
                let c = &w.agents.culture;
                assert_eq!(&c[4..8], &[1, 2, 5, 6], "the partner does not change");
                let changed: Vec<usize> = (0..4).filter(|&k| c[k] != [1, 2, 3, 4][k]).collect();
                assert!(changed.len() <= 1);
                if let [k] = changed[..] {
                    assert!(
                        c[k] == c[4 + k] && k >= 2,
                        "copies a differing trait: {c:?}"
                    );
                    copied[k] += 1;
                    hits += 1;
                }
            }
            // Binomial(4000, 0.5): sd 31.6; 5 sd tolerance.
            assert!((hits as f64 - 2000.0).abs() < 158.0, "{padding}: {hits}");
            // Either differing feature, equally often: Binomial(hits, 0.5), 5 sd.
            let sd = (hits as f64 * 0.25).sqrt();
            assert!(
                (copied[2] as f64 - hits as f64 / 2.0).abs() < 5.0 * sd,
                "{padding}: {copied:?}"
            );
        }
        // Identical or completely different cultures never interact.
        let mut g = Xoshiro::of(&crate::rng::stream(1, 9, crate::rng::Phase::Identity));
        let mut w = tiny_world(2);
        w.agents.culture = vec![1, 2, 3, 4];
        axelrod(&mut w.agents.culture, 2, 0, 1, &mut g);
        assert_eq!(w.agents.culture, vec![1, 2, 3, 4]);
    }

    /// The position of the r-th set bit of `set` (r = 0: the lowest).
    fn nth_set(mut set: u64, r: usize) -> usize {
        for _ in 0..r {
            set &= set - 1;
        }
        set.trailing_zeros() as usize
    }

    /// The word-wise comparison finds the features of the byte-wise one, for every number
    /// of features it handles and every pattern of differences.
    #[test]
    fn differing_matches_a_byte_by_byte_comparison() {
        for f in 1..=8 {
            for pattern in 0u32..1 << f {
                // Agent 0 all 7s; agent 1 differs where the pattern has a bit (by 1 or 128,
                // to touch both the low and the high bit of a byte); 8 bytes of padding.
                let mut c = vec![7u8; 2 * f + 8];
                for k in 0..f {
                    if pattern >> k & 1 == 1 {
                        c[f + k] = if k % 2 == 0 { 6 } else { 135 };
                    }
                }
                for (i, j) in [(0, 1), (1, 0)] {
                    let d = differing(&c, f, i, j).expect("8 bytes to read");
                    let features: Vec<usize> = (0..pattern.count_ones() as usize)
                        .map(|r| nth_set(d, r) / 8)
                        .collect();
                    let expected: Vec<usize> = (0..f).filter(|k| pattern >> k & 1 == 1).collect();
                    assert_eq!(features, expected, "f {f} pattern {pattern:b}");
                    assert_eq!(count_bytes(d), expected.len(), "f {f} pattern {pattern:b}");
                }
            }
        }
        assert_eq!(differing(&[0; 20], 9, 0, 1), None, "more than 8 features");
        assert_eq!(differing(&[0; 10], 5, 0, 1), None, "too few bytes to read");
        for p in 0..256usize {
            let high = (0..8).fold(0u64, |h, b| h | ((p as u64 >> b & 1) << (8 * b + 7)));
            assert_eq!(gather_bytes(high), p);
            for r in 0..(p as u32).count_ones() as usize {
                assert_eq!(NTH_SET[p][r] as usize, nth_set(high, r) / 8, "{p:b} {r}");
            }
        }
        assert_eq!(nth_set(0b1011_0100, 0), 2);
        assert_eq!(nth_set(0b1011_0100, 2), 5);
        assert_eq!(nth_set(0b1011_0100, 3), 7);
    }

    #[test]
    fn bounded_confidence_moves_both_within_epsilon_only() {
        let mut w = tiny_world(0);
        w.agents.identity = vec![0.2, 0.3];
        let c = Classic {
            epsilon: 0.2,
            mu: 0.5,
            tolerance: 0.01,
        };
        bounded_confidence(&mut w, 0, 1, &c);
        assert_eq!(w.agents.identity, vec![0.25, 0.25]);
        w.agents.identity = vec![0.2, 0.5];
        bounded_confidence(&mut w, 0, 1, &c);
        assert_eq!(w.agents.identity, vec![0.2, 0.5], "farther than epsilon");
    }

    /// Two agents with one identity dimension and `f` Axelrod features.
    fn tiny_world(f: usize) -> World {
        let cfg = crate::scenario::Config::new(
            "test",
            crate::scenario::Scenario {
                population: crate::scenario::Population {
                    size: 2,
                    ..Default::default()
                },
                groups: Vec::new(),
                identity: crate::scenario::Identity {
                    dims: 1,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .expect("valid");
        let mut w = crate::dynamics::init::build(&cfg, 1);
        w.features = f;
        w.traits = 10;
        w
    }
}
