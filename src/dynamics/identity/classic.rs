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

use crate::model::World;
use crate::rng::{below, Rng};
use crate::scenario::{Config, IdentityRule, Scope};

/// One week of the scenario's classic rule (BoundedConfidence or Axelrod).
pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let id = &cfg.scenario.identity;
    let n = w.n();
    // Both lists are the world's scratch, taken for the week and put back (no allocation
    // once they have grown to the run's size).
    let mut order = std::mem::take(&mut w.scratch.order);
    order.clear();
    order.extend(0..n as u32);
    for i in (1..n).rev() {
        order.swap(i, below(rng, i + 1));
    }
    // Groups scope: the met groups each agent attended with someone else.
    let mut attended = std::mem::take(&mut w.scratch.attended);
    if id.scope == Scope::Groups {
        attended.resize_with(n, Vec::new);
        attended.iter_mut().for_each(Vec::clear);
        for g in 0..w.n_groups() {
            if w.groups.met[g] && w.groups.attendees[g].len() >= 2 {
                for &i in &w.groups.attendees[g] {
                    attended[i as usize].push(g as u32);
                }
            }
        }
    }
    let (eps, mu) = (id.epsilon as f32, id.mu as f32);
    for &i in &order {
        let i = i as usize;
        let j = match id.scope {
            Scope::Network => {
                let ties = &w.agents.ties[i];
                if ties.is_empty() {
                    continue;
                }
                ties[below(rng, ties.len())].other as usize
            }
            Scope::Groups => {
                let groups = &attended[i];
                if groups.is_empty() {
                    continue;
                }
                let g = groups[below(rng, groups.len())] as usize;
                let att = &w.groups.attendees[g];
                // A uniform co-attendee: draw among len - 1 slots, the agent's own slot
                // standing for the last one.
                let k = below(rng, att.len() - 1);
                let j = att[k] as usize;
                if j == i {
                    att[att.len() - 1] as usize
                } else {
                    j
                }
            }
        };
        match id.rule {
            IdentityRule::BoundedConfidence => bounded_confidence(w, i, j, eps, mu),
            IdentityRule::Axelrod => axelrod(w, i, j, rng),
            IdentityRule::Prototype => {}
        }
    }
    w.scratch.order = order;
    w.scratch.attended = attended;
}

/// Deffuant et al. (2000): if |x_i - x_j| < epsilon (Euclidean), x_i += mu (x_j - x_i) and
/// x_j += mu (x_i - x_j), both from the positions before the encounter.
#[inline]
pub fn bounded_confidence(w: &mut World, i: usize, j: usize, eps: f32, mu: f32) {
    let d = w.dims;
    let x = &mut w.agents.identity;
    let dist = crate::model::distance(&x[i * d..(i + 1) * d], &x[j * d..(j + 1) * d]);
    if dist >= eps {
        return;
    }
    for k in 0..d {
        let (a, b) = (x[i * d + k], x[j * d + k]);
        x[i * d + k] = (a + mu * (b - a)).clamp(0.0, 1.0);
        x[j * d + k] = (b + mu * (a - b)).clamp(0.0, 1.0);
    }
}

/// Axelrod (1997): with probability equal to the share of features on which i and j agree,
/// i copies j's trait on one uniformly chosen feature on which they differ (nothing happens
/// when they agree on all or none).
#[inline]
pub fn axelrod(w: &mut World, i: usize, j: usize, rng: &mut Rng) {
    let f = w.features;
    let c = &mut w.agents.culture;
    let same = (0..f).filter(|&k| c[i * f + k] == c[j * f + k]).count();
    if same == 0 || same == f {
        return;
    }
    // below(f) < same has probability same / f exactly.
    if below(rng, f) >= same {
        return;
    }
    let mut r = below(rng, f - same);
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

/// No interaction can change anything any more: Axelrod — every pair in scope agrees on all
/// features or on none; bounded confidence — every pair in scope is at least epsilon apart
/// or closer than `stop.tolerance`. Pairs in scope: network ties (Network), co-members of an
/// active group (Groups). Always false for the prototype rule (it never settles).
pub fn absorbed(w: &World, cfg: &Config) -> bool {
    let id = &cfg.scenario.identity;
    match id.rule {
        IdentityRule::Prototype => false,
        IdentityRule::Axelrod => {
            let f = w.features;
            let c = &w.agents.culture;
            w.for_each_scope_pair(|i, j| {
                let same = (0..f).filter(|&k| c[i * f + k] == c[j * f + k]).count();
                same == 0 || same == f
            })
        }
        IdentityRule::BoundedConfidence => {
            let (eps, tol) = (id.epsilon as f32, cfg.scenario.stop.tolerance as f32);
            w.for_each_scope_pair(|i, j| {
                let d = crate::model::distance(w.identity_of(i), w.identity_of(j));
                d >= eps || d < tol
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axelrod_copies_one_differing_trait_with_probability_similarity() {
        // Two agents, F = 4, agreeing on 2 features: interaction probability 1/2.
        let mut hits = 0;
        let mut rng = crate::rng::stream(1, 0, crate::rng::Phase::Identity);
        for _ in 0..4000 {
            let mut w = tiny_world(4);
            w.agents.culture = vec![1, 2, 3, 4, 1, 2, 5, 6];
            axelrod(&mut w, 0, 1, &mut rng);
            let c = &w.agents.culture;
            assert_eq!(&c[4..], &[1, 2, 5, 6], "the partner does not change");
            let changed = (0..4).filter(|&k| c[k] != [1, 2, 3, 4][k]).count();
            assert!(changed <= 1);
            if changed == 1 {
                assert!(c[2] == 5 || c[3] == 6, "copies a differing trait: {c:?}");
                hits += 1;
            }
        }
        // Binomial(4000, 0.5): sd 31.6; 5 sd tolerance.
        assert!((hits as f64 - 2000.0).abs() < 158.0, "{hits}");
        // Identical or completely different cultures never interact.
        let mut w = tiny_world(2);
        w.agents.culture = vec![1, 2, 3, 4];
        axelrod(&mut w, 0, 1, &mut rng);
        assert_eq!(w.agents.culture, vec![1, 2, 3, 4]);
    }

    #[test]
    fn bounded_confidence_moves_both_within_epsilon_only() {
        let mut w = tiny_world(0);
        w.agents.identity = vec![0.2, 0.3];
        bounded_confidence(&mut w, 0, 1, 0.2, 0.5);
        assert_eq!(w.agents.identity, vec![0.25, 0.25]);
        w.agents.identity = vec![0.2, 0.5];
        bounded_confidence(&mut w, 0, 1, 0.2, 0.5);
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
        let mut w = crate::model::init::build(&cfg, 1);
        w.features = f;
        w.traits = 10;
        w
    }
}
