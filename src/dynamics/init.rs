//! Building the initial world from a validated configuration.

use crate::model::*;
use crate::rng::{self, Phase};
use crate::scenario::{Config, Dist, Generator, GroupKind, IdentityRule};
use rand::seq::SliceRandom;
use rand::RngExt;
use rand_distr::{Beta, Distribution, Normal, Poisson};

/// A trait's distribution: a Beta with the given mean and sd, or a constant (sd = 0, or a
/// mean at a bound).
enum TraitDist {
    Beta(Beta<f64>),
    Constant(f32),
}

impl TraitDist {
    fn new(d: &Dist) -> Self {
        if d.sd <= 0.0 || d.mean <= 0.0 || d.mean >= 1.0 {
            return TraitDist::Constant(d.mean.clamp(0.0, 1.0) as f32);
        }
        let k = d.mean * (1.0 - d.mean) / (d.sd * d.sd) - 1.0;
        match Beta::new(d.mean * k, (1.0 - d.mean) * k) {
            Ok(beta) => TraitDist::Beta(beta),
            Err(_) => TraitDist::Constant(d.mean as f32),
        }
    }

    #[inline]
    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f32 {
        match self {
            TraitDist::Beta(beta) => beta.sample(rng).clamp(0.0, 1.0) as f32,
            TraitDist::Constant(c) => *c,
        }
    }
}

/// Memberships an agent can expect at the start (one more for a support group).
pub fn expected_memberships(s: &crate::scenario::Scenario) -> f64 {
    s.groups.iter().map(|g| g.memberships).sum::<f64>() + 1.0
}

/// Ties an agent can expect at the start: those inside its groups plus acquaintances.
pub fn expected_degree(s: &crate::scenario::Scenario) -> f64 {
    s.groups
        .iter()
        .map(|g| g.memberships * (g.size - 1.0).max(0.0) * g.tie_density)
        .sum::<f64>()
        + s.network.cross_ties
}

/// Builds the world of one job: agents, ordinary groups with their ties, cross ties and the
/// initial support groups. Deterministic in `job_seed`.
pub fn build(cfg: &Config, job_seed: u64) -> World {
    let s = &cfg.scenario;
    let n = cfg.agents();
    let dims = s.identity.dims as usize;
    let mut rng = rng::stream(job_seed, u64::MAX, Phase::Init);

    // The agents' own traits are drawn once they are numbered (below); until then every
    // array holds its default, which numbering leaves as it is.
    let mut agents = Agents {
        need: vec![0.0; n],
        approach: vec![0.0; n],
        approach_base: vec![0.0; n],
        regulation: vec![0.0; n],
        regulation_base: vec![0.0; n],
        identity: vec![0.0; n * dims],
        identity_base: vec![0.0; n * dims],
        ..Agents::default()
    };
    agents.distress = vec![0.0; n];
    agents.condition = vec![NONE; n];
    agents.condition_active = vec![false; n];
    agents.condition_end = vec![NEVER; n];
    agents.stigma = vec![0.0; n];
    agents.integration = vec![0.0; n];
    agents.event_step = vec![NEVER; n];
    agents.exclusion = vec![0.0; n];
    agents.excluded_weeks = vec![0; n];
    agents.resigned = vec![false; n];
    agents.groups_before = vec![0; n];
    agents.groups_kept = vec![0; n];
    agents.groups_joined = vec![0; n];
    agents.lost = vec![0; n];
    agents.left_support = vec![false; n];
    agents.loneliness_before = vec![0.0; n];
    agents.loneliness_year = vec![f32::NAN; n];
    agents.loneliness = vec![0.0; n];
    agents.attachment = vec![0.0; n];
    agents.membership = vec![0.0; n];
    agents.collective = vec![0.0; n];
    agents.belonging = vec![0.0; n];
    agents.memberships = Lists::new(n);
    agents.ties = Lists::new(n);
    // Room for the usual number of acquaintance ties, once the ties inside groups are made,
    // so making them rarely moves a list (the lists are compacted to their real lengths at
    // the end).
    let room = |x: f64| vec![(x.ceil() as u32).clamp(1, 64); n];

    let mut world = World {
        dims,
        features: 0,
        traits: 0,
        rule: s.identity.rule,
        scope: s.identity.scope,
        t: 0,
        burn_in: s.burn_in,
        agents,
        groups: Groups::default(),
        support_kind: s.groups.len() as u16,
        waiting: vec![Vec::new(); s.events.len()],
        counts: StepCounts::default(),
        scratch_loneliness: vec![0.0; n],
        scratch: Scratch::default(),
        carry: Carry::default(),
        support_log: Vec::new(),
    };

    // Every group's members, and each member's identification with it (in the order of the
    // groups' member lists); the agents' own lists of memberships are made from them once
    // the agents are numbered.
    let mut idents: Vec<f32> = Vec::new();
    // Each agent's neighbourhood (equal blocks of the first numbering; ODD §5 step 3).
    let hoods = s.network.neighbourhoods.max(1) as usize;
    let local = hoods > 1 && s.network.generator == Generator::Groups;
    let mut home: Vec<u32> = if local {
        (0..n).map(|i| (i * hoods / n) as u32).collect()
    } else {
        Vec::new()
    };
    for (k, kind) in s.groups.iter().enumerate() {
        // Each agent takes floor(m) memberships of this kind, plus one with probability frac(m).
        let whole = kind.memberships.floor() as usize;
        let frac = kind.memberships - kind.memberships.floor();
        let mut slots: Vec<u32> = Vec::new();
        for i in 0..n as u32 {
            let m = whole + usize::from(rng.random_bool(frac));
            slots.extend(std::iter::repeat_n(i, m));
        }
        slots.shuffle(&mut rng);
        if local {
            place_slots(&mut slots, &home, s.network.locality, &mut rng);
        }
        let extra = Poisson::new((kind.size - 2.0).max(0.0) + 1e-9).ok();
        let ident = |rng: &mut rng::Rng| {
            (kind.identification + rng.random_range(-0.15..=0.15)).clamp(0.0, 1.0) as f32
        };
        // Free room for this kind's member lists, filled one group after another.
        world.groups.members.reserve_room(slots.len() + 64);
        let mut at = 0;
        while at < slots.len() {
            let size = 2 + extra.as_ref().map_or(0, |d| d.sample(&mut rng) as usize);
            let size = size.min(kind.capacity as usize);
            let end = (at + size).min(slots.len());
            if end - at < 2 {
                break; // a last lone slot stays unfilled: a group of one is no group
            }
            let proto = vec![0.0; dims];
            let g = world.add_group(
                k as u16,
                NONE,
                kind.capacity,
                kind.meeting_rate,
                kind.attendance,
                kind.acceptance,
                &proto,
            );
            let members = &mut world.groups.members;
            members.reserve_exact(g, end - at);
            for &i in &slots[at..end] {
                let ident = ident(&mut rng);
                // (An agent given two slots of one group joins it once.)
                if !members[g].contains(&i) {
                    members.push(g, i);
                    idents.push(ident);
                }
            }
            at = end;
        }
    }
    if s.network.generator == Generator::Groups {
        // Number the agents so that co-members sit together, before any tie is made (so
        // that making them, and everything after, walks memory in order).
        let order = locality_order(&world, cfg, &mut rng);
        world.relabel(&order);
        if local {
            home = order.iter().map(|&o| home[o as usize]).collect();
        }
    }
    add_memberships(&mut world, cfg, &idents);
    drop(idents);
    // The agents' traits and identities, each agent from its own stream (in parallel).
    draw_traits(&mut world.agents, cfg, job_seed);
    if local && s.network.place_belonging > 0.0 {
        // Each neighbourhood's place belonging, taken off its residents' need to belong.
        let place = Normal::new(0.0, s.network.place_belonging).expect("validated spread");
        let given: Vec<f64> = (0..hoods).map(|_| place.sample(&mut rng)).collect();
        for (need, &h) in world.agents.need.iter_mut().zip(&home) {
            *need = place_need(*need, given[h as usize]);
        }
    }
    // Ties inside ordinary groups: drawn group by group, then made (see `add_group_ties`).
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    for g in 0..world.n_groups() {
        let kind = &s.groups[world.groups.kind[g] as usize];
        let members = &world.groups.members[g];
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if rng.random_bool(kind.tie_density) {
                    let w = (kind.tie_weight * rng.random_range(0.75..1.25)).clamp(0.05, 1.0);
                    edges.push((i, j, w as f32));
                }
            }
        }
    }
    add_group_ties(&mut world, &edges);
    drop(edges);
    world
        .agents
        .ties
        .reserve_each(&room(s.network.cross_ties * 1.5 + 4.0));
    if s.network.generator == Generator::Groups {
        // Acquaintance ties across groups.
        let cross = (s.network.cross_ties * n as f64 / 2.0).round() as usize;
        // The agents of each neighbourhood, for acquaintances made close to home.
        let mut residents: Vec<Vec<u32>> = vec![Vec::new(); if local { hoods } else { 0 }];
        for (i, &h) in home.iter().enumerate() {
            residents[h as usize].push(i as u32);
        }
        for _ in 0..cross {
            let i = rng.random_range(0..n);
            let j = if local && rng.random_bool(s.network.locality) {
                let near = &residents[home[i] as usize];
                near[rng.random_range(0..near.len())] as usize
            } else {
                rng.random_range(0..n)
            };
            if i != j && world.tie_index(i, j as u32).is_none() {
                let w = (s.network.cross_weight * rng.random_range(0.75..1.25)).clamp(0.05, 1.0);
                world.add_tie(i, j, w as f32, 0);
            }
        }
    } else {
        // A classic generator replaces the acquaintance ties.
        let edges = crate::model::network::generate(&s.network, n, &mut rng);
        crate::model::network::apply(&mut world, &edges, s.network.tie_weight as f32);
    }
    // Each agent's neighbourhood stays with it (agents.csv); empty in a town of one.
    world.agents.neighbourhood = home;
    // Prototypes start at the members' mean identity.
    for g in 0..world.n_groups() {
        let mut mean = vec![0.0f32; dims];
        let members = &world.groups.members[g];
        for &i in members {
            for (d, m) in mean.iter_mut().enumerate() {
                *m += world.agents.identity[i as usize * dims + d];
            }
        }
        let len = members.len().max(1) as f32;
        for (d, m) in mean.iter().enumerate() {
            world.groups.prototype[g * dims + d] = m / len;
        }
    }
    // Standing support groups, one set per condition that has them.
    for &k in &cfg.support_foci {
        for _ in 0..s.support.initial_groups {
            let proto: Vec<f32> = (0..dims).map(|_| rng.random::<f32>()).collect();
            add_support_group(&mut world, cfg, k as u16, &proto);
        }
    }
    if s.identity.rule == IdentityRule::Axelrod {
        // Axelrod culture: F features, each trait uniform on 0..q.
        let (f, q) = (s.identity.features as usize, s.identity.traits as usize);
        world.features = f;
        world.traits = q as u8;
        world.agents.culture = (0..n * f).map(|_| rng::below(&mut rng, q) as u8).collect();
    }
    // Lay the lists out in owner order, each with room to grow.
    // (The ties' pool also lets go of the room reserved for building them.)
    world.agents.ties.repack();
    world.agents.memberships.compact();
    world.groups.members.compact();
    super::reserve::reserve_for_run(&mut world, s.interaction.encounters as usize);
    super::belonging::update_coherence(&mut world, cfg, true);
    super::belonging::update_components(&mut world, cfg);
    // Start everyone at the loneliness their belonging implies.
    for i in 0..n {
        let a = &mut world.agents;
        a.loneliness[i] = crate::rules::belonging::gap(a.need[i], a.belonging[i]);
    }
    world
}

/// ODD §5 step 3: puts each of the (shuffled) group places `slots` in a neighbourhood, its
/// agent's own (`home`) with chance `locality`, else one drawn uniformly from all
/// `max(home) + 1`, and orders the places neighbourhood by neighbourhood (keeping the shuffled
/// order within each), so that the groups cut from consecutive places are local.
fn place_slots<R: rand::Rng + ?Sized>(
    slots: &mut Vec<u32>,
    home: &[u32],
    locality: f64,
    rng: &mut R,
) {
    let hoods = home.iter().max().map_or(1, |&h| h + 1);
    let mut keyed: Vec<(u32, u32)> = slots
        .iter()
        .map(|&i| {
            let h = if rng.random_bool(locality) {
                home[i as usize]
            } else {
                rng.random_range(0..hoods)
            };
            (h, i)
        })
        .collect();
    keyed.sort_by_key(|&(h, _)| h); // stable: the shuffled order within a neighbourhood
    slots.clear();
    slots.extend(keyed.into_iter().map(|(_, i)| i));
}

/// ODD §5 step 3: an agent's need to belong after its neighbourhood's place belonging
/// `place` is taken off, kept within [0.01, 1] as every drawn need is.
pub fn place_need(need: f32, place: f64) -> f32 {
    (f64::from(need) - place).clamp(0.01, 1.0) as f32
}

/// Each agent's need, approach, regulation (and their baselines) and identity position, from
/// the agent's own stream (keyed by job and agent, a key space apart from the steps').
fn draw_traits(a: &mut Agents, cfg: &Config, job_seed: u64) {
    use rayon::prelude::*;
    let p = &cfg.scenario.population;
    let (need, approach, regulation) = (
        TraitDist::new(&p.need),
        TraitDist::new(&p.approach),
        TraitDist::new(&p.regulation),
    );
    let dims = cfg.scenario.identity.dims as usize;
    let key = rng::phase_key(job_seed, u64::MAX - 1, Phase::Init);
    a.need
        .par_iter_mut()
        .zip(a.approach.par_iter_mut())
        .zip(a.regulation.par_iter_mut())
        .zip(a.identity.par_chunks_mut(dims)) // dims >= 1 (validated)
        .enumerate()
        .with_min_len(rng::PAR_MIN)
        .for_each(|(i, (((nd, ap), rg), id))| {
            let mut r = rng::agent_stream(key, i);
            *nd = need.sample(&mut r).max(0.01);
            *ap = approach.sample(&mut r);
            *rg = regulation.sample(&mut r);
            for x in id {
                *x = r.random::<f32>();
            }
        });
    a.approach_base.copy_from_slice(&a.approach);
    a.regulation_base.copy_from_slice(&a.regulation);
    a.identity_base.copy_from_slice(&a.identity);
}

/// Every agent's list of memberships, from the groups' member lists: each agent's in group
/// order, as joining the groups one after another would give (`idents`: each member's
/// identification, in the order of the member lists). The agents are split into ranges, one
/// per thread, and each range walks every group, filing its own agents.
fn add_memberships(world: &mut World, cfg: &Config, idents: &[f32]) {
    use rayon::prelude::*;
    let n = world.n();
    let Groups { kind, members, .. } = &world.groups;
    let memberships = &mut world.agents.memberships;
    let mut count = vec![0u32; n];
    for &i in members.iter().flatten() {
        count[i as usize] += 1;
    }
    memberships.reserve_each(&count);
    drop(count);
    let ranges = rayon::current_num_threads().clamp(1, (n / rng::PAR_MIN).max(1));
    memberships
        .par_ranges_mut(n.div_ceil(ranges))
        .for_each(|mut list| {
            let mine = list.owners();
            let mut k = 0;
            for (g, group) in members.iter().enumerate() {
                let attend = cfg.scenario.groups[kind[g] as usize].attendance as f32;
                for &i in group {
                    if mine.contains(&(i as usize)) {
                        list.push(
                            i as usize,
                            Member {
                                group: g as u32,
                                ident: idents[k],
                                attend,
                                joined: 0,
                                came: false,
                                leaving: false,
                            },
                        );
                    }
                    k += 1;
                }
            }
        });
}

/// The ties inside groups, from the pairs drawn (`edges`, in the order drawn): what raising
/// each pair's tie in turn gives (`World::raise_tie`: a tie made at its first pair, its
/// weight the largest of its pairs'), each agent's ties in the order of their first pairs.
/// The agents are split into ranges, one per thread, and each range walks every pair,
/// making its own agents' sides.
fn add_group_ties(world: &mut World, edges: &[(u32, u32, f32)]) {
    use rayon::prelude::*;
    let n = world.n();
    let ties = &mut world.agents.ties;
    // Room for a side per pair (an upper bound: a pair in two groups makes one tie).
    let mut count = vec![0u32; n];
    for &(i, j, _) in edges {
        count[i as usize] += 1;
        count[j as usize] += 1;
    }
    ties.reserve_each(&count);
    drop(count);
    let ranges = rayon::current_num_threads().clamp(1, (n / rng::PAR_MIN).max(1));
    ties.par_ranges_mut(n.div_ceil(ranges))
        .for_each(|mut list| {
            let mine = list.owners();
            for &(i, j, weight) in edges {
                for (a, b) in [(i, j), (j, i)] {
                    if mine.contains(&(a as usize)) {
                        raise(&mut list.list_mut(a as usize), b, weight);
                    }
                }
            }
        });
}

/// Makes one side of the tie with `other` at least `weight` (a new side, marked seen at 0,
/// if absent): `World::raise_tie` on one side.
fn raise(list: &mut ListMut<'_, Tie>, other: u32, weight: f32) {
    match find_tie(list.as_slice(), other) {
        Some(t) => {
            let tie = &mut list.as_mut_slice()[t];
            tie.weight = tie.weight.max(weight);
        }
        None => list.push(Tie {
            other,
            weight,
            seen: 0,
        }),
    }
}

/// Founds a support group on condition `focus`; returns its id.
pub fn add_support_group(world: &mut World, cfg: &Config, focus: u16, prototype: &[f32]) -> usize {
    let sp = &cfg.scenario.support;
    let kind = world.support_kind;
    world.add_group(
        kind,
        focus,
        sp.capacity,
        sp.meeting_rate,
        sp.attendance,
        1.0,
        prototype,
    )
}

/// An order of the agents in which co-members sit next to each other: the groups of the
/// busiest kind (most attendances a week) one after the other in their creation order (itself
/// random), each with its members together, and the agents in no group of that kind, shuffled,
/// merged in one by one at random places. Numbering agents in this order is a pure relabelling
/// that keeps the data one meeting touches close together in memory, which is what makes large
/// worlds fast. The random merge keeps an agent's place in the order (which sequential
/// processes follow) from saying anything about how many groups it has.
fn locality_order<R: rand::Rng + ?Sized>(world: &World, cfg: &Config, rng: &mut R) -> Vec<u32> {
    let s = &cfg.scenario;
    let n = world.n();
    let traffic = |k: &GroupKind| k.memberships * k.meeting_rate * k.attendance;
    let busiest = (0..s.groups.len()).max_by(|&a, &b| {
        traffic(&s.groups[a])
            .total_cmp(&traffic(&s.groups[b]))
            .then(b.cmp(&a))
    });
    // A unit is a group of the busiest kind (its id) or a lone agent (n_groups + its id).
    // The groups keep their order (random already: they were filled from shuffled slots, and
    // passes over groups then walk the agents forwards); the lone agents, shuffled, are
    // merged in at random places.
    let mut placed = vec![false; n];
    let mut groups: Vec<usize> = Vec::new();
    for g in 0..world.n_groups() {
        if Some(world.groups.kind[g] as usize) == busiest {
            groups.push(g);
            for &i in &world.groups.members[g] {
                placed[i as usize] = true;
            }
        }
    }
    let ng = world.n_groups();
    let mut lone: Vec<usize> = (0..n).filter(|&i| !placed[i]).map(|i| ng + i).collect();
    lone.shuffle(rng);
    let mut is_lone: Vec<bool> = (0..groups.len() + lone.len())
        .map(|k| k < lone.len())
        .collect();
    is_lone.shuffle(rng);
    let (mut groups, mut lone) = (groups.into_iter(), lone.into_iter());
    let units = is_lone.iter().map(|&l| {
        if l {
            lone.next().expect("one lone agent per lone slot")
        } else {
            groups.next().expect("one group per group slot")
        }
    });
    // An agent in two groups of the busiest kind goes with the first of them.
    placed.fill(false);
    let mut order = Vec::with_capacity(n);
    for u in units {
        let lone = [u.wrapping_sub(ng) as u32];
        let members = if u < ng {
            &world.groups.members[u][..]
        } else {
            &lone[..]
        };
        for &i in members {
            if !std::mem::replace(&mut placed[i as usize], true) {
                order.push(i);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{resolve, Override, Source};

    fn two_threads<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(f)
    }

    /// The share of ties whose two agents have different needs, and the number of distinct
    /// needs, in a town whose need is constant but for its neighbourhoods' place belonging
    /// (so an agent's need tells its neighbourhood).
    fn cross_neighbourhood(locality: f64) -> (f64, usize) {
        let w = build(
            &config(&[
                "population.size=6000",
                "population.need=(mean: 0.5, sd: 0.0)",
                "network.neighbourhoods=10",
                &format!("network.locality={locality}"),
                "network.place_belonging=0.2",
            ]),
            5,
        );
        let need = &w.agents.need;
        let (mut across, mut all) = (0usize, 0usize);
        for (i, ties) in w.agents.ties.iter().enumerate() {
            for t in ties {
                all += 1;
                across += usize::from(need[i] != need[t.other as usize]);
            }
        }
        // Ten neighbourhoods of 600, each agent's need its neighbourhood's.
        let mut residents = [0usize; 10];
        let mut needs = [None; 10];
        for (i, &h) in w.agents.neighbourhood.iter().enumerate() {
            residents[h as usize] += 1;
            let first = *needs[h as usize].get_or_insert(need[i]);
            assert_eq!(
                need[i], first,
                "agent {i}'s need is not its neighbourhood's"
            );
        }
        assert_eq!(residents, [600; 10]);
        let mut distinct: Vec<u32> = need.iter().map(|x| x.to_bits()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        (across as f64 / all as f64, distinct.len())
    }

    /// Neighbourhoods: with locality 1 every group place and acquaintance is at home, so a tie
    /// crosses neighbourhoods only in a group cut across the boundary of two (at most nine
    /// per kind: tolerance 3% of ties, where 90% would cross in a mixed town); with locality 0
    /// the places are anywhere and about 1 − 1/10 of ties cross (binomial sd over the ~20,000
    /// pairs is 0.2%, but pairs in one group are not independent: tolerance ±5 points). Each
    /// neighbourhood's place belonging gives its residents one need: ten values.
    #[test]
    fn neighbourhoods_make_the_town_local() {
        let (local, values) = cross_neighbourhood(1.0);
        assert_eq!(values, 10, "one need per neighbourhood");
        assert!(
            local < 0.03,
            "{local} of ties cross neighbourhoods at locality 1"
        );
        let (mixed, _) = cross_neighbourhood(0.0);
        assert!(
            (mixed - 0.9).abs() < 0.05,
            "{mixed} cross at locality 0, not about 0.9"
        );
    }

    /// One neighbourhood (the default) draws nothing for locality or place belonging: the
    /// town is the one built without them, whatever they are set to.
    #[test]
    fn one_neighbourhood_is_the_town_without_them() {
        let plain = build(&config(&["population.size=3000"]), 9);
        let set = build(
            &config(&[
                "population.size=3000",
                "network.locality=0.2",
                "network.place_belonging=0.5",
            ]),
            9,
        );
        assert_eq!(plain.agents.need, set.agents.need);
        assert!(
            set.agents.neighbourhood.is_empty(),
            "one neighbourhood stores none"
        );
        let ties = |w: &World| -> Vec<(u32, u32)> {
            w.agents
                .ties
                .iter()
                .flatten()
                .map(|t| (t.other, t.weight.to_bits()))
                .collect()
        };
        assert_eq!(ties(&plain), ties(&set));
        assert_eq!(
            plain.groups.members.iter().collect::<Vec<_>>(),
            set.groups.members.iter().collect::<Vec<_>>()
        );
    }

    fn config(sets: &[&str]) -> Config {
        let o: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        resolve(&Source::Builtin("default".into()), &o).unwrap()
    }

    /// Group ties made over two ranges of agents on two threads are what raising each
    /// pair's tie in turn gives: every list the same ties in the same order, the same bits.
    #[test]
    fn group_ties_over_ranges_are_raised_ties() {
        let base = build(&config(&["population.size=9000"]), 3);
        let n = base.n();
        let mut rng = rng::stream(3, 0, Phase::Init);
        // Pairs drawn again (as a pair in two groups is), reversed, and among a few hundred
        // agents, so that lists grow long.
        let edges: Vec<(u32, u32, f32)> = (0..20_000)
            .map(|_| {
                let i = rng.random_range(0..300u32);
                let j = rng.random_range(0..n as u32);
                (
                    i,
                    if i == j { j + 1 } else { j },
                    rng.random_range(0.05..1.0),
                )
            })
            .collect();
        let empty = || {
            let mut w = base.clone();
            w.agents.ties = Lists::new(n);
            w
        };
        let mut raised = empty();
        for &(i, j, weight) in &edges {
            raised.raise_tie(i as usize, j as usize, weight);
        }
        let mut ranged = empty();
        two_threads(|| add_group_ties(&mut ranged, &edges));
        assert!(raised.agents.ties[0].len() > 40, "long lists");
        for i in 0..n {
            assert_eq!(ranged.agents.ties[i], raised.agents.ties[i], "ties of {i}");
        }
    }

    /// Memberships filed over two ranges of agents on two threads are what joining every
    /// group's members in turn gives: each agent's list, in order, each membership with the
    /// identification given for it (a distinct one for every member of every group).
    #[test]
    fn memberships_over_ranges_are_joined_groups() {
        let cfg = config(&["population.size=9000", "support.enabled=false"]);
        let built = build(&cfg, 4);
        let (n, ng) = (built.n(), built.n_groups());
        let total = built.groups.members.total();
        let idents: Vec<f32> = (0..total).map(|k| k as f32 / total as f32).collect();
        let mut filed = built.clone();
        filed.agents.memberships = Lists::new(n);
        two_threads(|| add_memberships(&mut filed, &cfg, &idents));
        let mut joined = built.clone();
        joined.agents.memberships = Lists::new(n);
        joined.groups.members = Lists::new(ng);
        let mut k = 0;
        for g in 0..ng {
            let attend = cfg.scenario.groups[built.groups.kind[g] as usize].attendance as f32;
            for &i in &built.groups.members[g] {
                assert!(joined.join(i as usize, g, idents[k], attend));
                k += 1;
            }
        }
        for i in 0..n {
            assert_eq!(
                filed.agents.memberships[i], joined.agents.memberships[i],
                "memberships of {i}"
            );
        }
        filed.check_invariants().unwrap();
    }
}
