//! The reference week: the model's executable specification. One week as docs/ODD.md §3 and
//! §6 state it, built from the rules (`crate::rules`) with plain loops: one thread, items in
//! index order, no lanes, no filing by blocks, no reserved room, no carried sums. It is slow
//! and short; the engine (`crate::dynamics`) is fast and long, and a differential test
//! (`tests/engine/reference.rs`) runs both on several scenarios and asserts that they leave
//! the same state, bit for bit, after every process, at every instruction level the machine
//! has.
//!
//! Each process draws from the same random streams as the engine (`crate::rng`: one stream
//! per phase, or one per agent or group keyed by the phase), so the two can be compared
//! draw for draw. The processes the engine itself runs as a plain sequential loop over the
//! rules (events, interventions, exclusion, the classic identity rules, support-group
//! turnover and seeking, regaining roles, carrying out membership decisions, volunteering)
//! are their own reference: this week calls them. The others are written out below.

use crate::dynamics::sim::{runs, Process};
use crate::dynamics::{events, exclusion, identity, interventions, membership, volunteering};
use crate::model::{find_tie, Attendee, StepCounts, Tie, World, FOLLOW_UP, NEVER, NONE};
use crate::rng::{agent_stream, below, group_stream, pair_uniform, phase_key, stream, Phase};
use crate::rules::belonging::{self as belong, BelongingRates, Components};
use crate::rules::identity::{self as ident, IdentityRates};
use crate::rules::interaction::{bond_chance, new_tie_weight, warmth, Encounters};
use crate::rules::maths::{distance, distance_squared, exp};
use crate::rules::meetings::{self as meet, Attendance};
use crate::rules::membership::{self as member_rule, JoinRates};
use crate::rules::ties::{self as tie_rule, TieRates};
use crate::scenario::{Config, IdentityRule};

mod compare;
pub use compare::first_difference;
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// One week: the processes in their order (ODD §3), those the scenario has.
pub fn week(w: &mut World, cfg: &Config, job_seed: u64) {
    w.counts = StepCounts::default();
    for p in Process::ALL {
        if runs(cfg, p) {
            process(w, cfg, job_seed, p);
        }
    }
}

/// Process `p` of week `w.t`, as the rules state it. Belonging, the last, moves the clock on.
pub fn process(w: &mut World, cfg: &Config, job_seed: u64, p: Process) {
    let t = w.t as u64;
    let key = |phase| phase_key(job_seed, t, phase);
    match p {
        Process::Events => events::run(w, cfg, &mut stream(job_seed, t, Phase::Events)),
        Process::Interventions => {
            interventions::run(w, cfg, &mut stream(job_seed, t, Phase::Interventions))
        }
        Process::Meetings => meetings(w, cfg, key(Phase::Meetings)),
        Process::Interaction => interaction(w, cfg, key(Phase::Interaction)),
        Process::Exclusion => exclusion::run(w, cfg, &mut stream(job_seed, t, Phase::Exclusion)),
        Process::Identity => {
            prototypes(w, cfg, key(Phase::Identity));
            let conform = cfg.scenario.identity.rule == IdentityRule::Prototype;
            if !conform {
                let mut rng = stream(job_seed, t, Phase::Identity);
                identity::classic::run(w, cfg, &mut rng);
            }
            identify(w, cfg, conform);
        }
        Process::Ties => ties(w, cfg, key(Phase::Ties)),
        Process::Membership => {
            let mut rng = stream(job_seed, t, Phase::Membership);
            membership::support_and_roles(w, cfg, &mut rng);
            let decided = community_decisions(w, cfg, key(Phase::Membership));
            membership::carry_out(w, cfg, key(Phase::Membership), &decided);
        }
        Process::Volunteering => {
            volunteering::run(w, cfg, &mut stream(job_seed, t, Phase::Volunteering))
        }
        Process::Belonging => {
            coherence(w, cfg);
            if cfg.scenario.belonging.enabled {
                belonging(w, cfg);
            }
            w.t += 1;
        }
    }
}

/// ODD §6.2: each group meets with its weekly rate (a draw from its own stream); each member
/// of a group that met attends with probability logistic(logit), a draw from the agent's own
/// stream for each such membership in list order; attendance's running mean follows. A
/// group's attendees are listed in agent order.
fn meetings(w: &mut World, cfg: &Config, key: u64) {
    if w.n_groups() == 0 {
        return;
    }
    let at = Attendance::new(&cfg.scenario);
    let g = &mut w.groups;
    for x in 0..g.met.len() {
        let (active, members) = (g.active[x], g.members[x].len());
        g.met[x] = meet::meets(active, members, g.meeting_rate[x], || group_stream(key, x));
    }
    let a = &mut w.agents;
    g.attendees.clear_all();
    for i in 0..a.memberships.owners() {
        let mut rng = agent_stream(key, i);
        let (active, integration) = (a.condition_active[i], a.integration[i]);
        let kind_burden = cfg.event_burden.get(a.condition[i] as usize).copied();
        let burden = meet::burden(active, kind_burden.unwrap_or(0.0), integration);
        let person = meet::person(
            &at,
            a.approach[i],
            a.loneliness[i],
            a.distress[i],
            a.resigned[i],
            burden,
        );
        let stigma = at.self_stigma * meet::self_stigma(active, a.stigma[i], integration);
        for m in a.memberships.list_mut(i).as_mut_slice() {
            let x = m.group as usize;
            m.came = false;
            if !g.met[x] {
                continue;
            }
            let support = g.kind[x] == w.support_kind;
            let logit = meet::logit(&at, g.attendance_logit[x], person, m.ident, stigma, support);
            let u: f32 = rng.random();
            m.came = meet::attends(u, logit);
            m.attend = meet::record(&at, m.attend, m.came);
            if m.came {
                let agent = i as u32;
                g.attendees.push(
                    x,
                    Attendee {
                        agent,
                        ident: m.ident,
                    },
                );
            }
        }
    }
}

/// ODD §6.3: in each group that met with two or more attendees, each attendee meets
/// `interaction.encounters` others drawn from the group's stream; each encounter is applied
/// to both partners in turn (the tie, then emotional support). Support groups then give their
/// attendees informational support and practice.
fn interaction(w: &mut World, cfg: &Config, key: u64) {
    if w.n_groups() == 0 {
        return;
    }
    let s = &cfg.scenario;
    let f = s.support.facilitation as f32;
    let rules = Encounters::new(s);
    let g = &w.groups;
    let a = &mut w.agents;
    for x in 0..g.kind.len() {
        let att = &g.attendees[x];
        if !g.met[x] || att.len() < 2 {
            continue;
        }
        let boost = if g.kind[x] == w.support_kind {
            1.0 + f
        } else {
            1.0
        };
        let mut rng = group_stream(key, x);
        for me in 0..att.len() {
            for _ in 0..s.interaction.encounters {
                let mut other = below(&mut rng, att.len() - 1);
                if other >= me {
                    other += 1;
                }
                let trust = 0.5 * (att[me].ident + att[other].ident);
                let u: f32 = rng.random();
                let (p, q) = (att[me].agent as usize, att[other].agent as usize);
                for (i, j) in [(p, q), (q, p)] {
                    // i's side: the tie (reinforced, or perhaps made between strangers) ...
                    let warm = warmth(rules.warmth_k, a.loneliness[i], a.loneliness[j]);
                    match find_tie(&a.ties[i], j as u32) {
                        Some(k) => {
                            let mut list = a.ties.list_mut(i);
                            let tie = &mut list.as_mut_slice()[k];
                            tie.weight = tie_rule::reinforce(tie.weight, rules.gain, warm);
                            tie.seen = w.t;
                        }
                        None => {
                            let bound = bond_chance(&rules, trust, warm);
                            let d = w.dims;
                            let (xi, xj) = (&a.identity[i * d..][..d], &a.identity[j * d..][..d]);
                            let sim = exp(-distance(xi, xj) / s.identity.similarity_scale as f32);
                            if u < bound && u < bound * sim {
                                let weight = new_tie_weight(&rules, warm);
                                let tie = Tie {
                                    other: j as u32,
                                    weight,
                                    seen: w.t,
                                };
                                a.ties.push(i, tie);
                            }
                        }
                    }
                    // ... then i's share of emotional support.
                    let es = s.interaction.emotional_support as f32 * warm * boost;
                    a.distress[i] -= (es * a.regulation[j]).min(1.0) * a.distress[i];
                }
            }
        }
    }
    let info = s.support.informational as f32 * f;
    let practice = s.support.practice as f32 * f;
    if info > 0.0 || practice > 0.0 {
        for x in 0..g.kind.len() {
            if !(g.met[x] && g.kind[x] == w.support_kind) {
                continue;
            }
            for at in &g.attendees[x] {
                let i = at.agent as usize;
                a.regulation[i] += info * (1.0 - a.regulation[i]);
                a.approach[i] += practice * (1.0 - a.approach[i]);
            }
        }
    }
}

/// ODD §6.5, groups: each group that met moves its prototype towards the identification-
/// weighted mean of its attendees' identities, plus noise from its own stream, within [0, 1].
/// Every prototype moves from the identities at the start of the phase.
fn prototypes(w: &mut World, cfg: &Config, key: u64) {
    let r = IdentityRates::new(&cfg.scenario);
    let d = w.dims;
    if d == 0 {
        return;
    }
    let noise = Normal::new(0.0f32, r.noise).ok();
    let g = &mut w.groups;
    let identity = &w.agents.identity;
    for x in 0..g.kind.len() {
        let att = &g.attendees[x];
        if !g.met[x] || att.is_empty() {
            continue;
        }
        let mut rng = group_stream(key, x);
        let mut sums = vec![0.0f32; d];
        let of = |at: &Attendee| (at.ident, &identity[at.agent as usize * d..][..d]);
        let total = ident::weighted_sums(&mut sums, att.iter().map(of));
        for (p, &sum) in g.prototype[x * d..][..d].iter_mut().zip(&sums) {
            let eps = noise.as_ref().map_or(0.0, |n| n.sample(&mut rng));
            *p = ident::prototype_step(&r, *p, sum, total, eps);
        }
    }
}

/// ODD §6.5, agents, one at a time: (prototype rule) each attendee moves towards the
/// prototypes of the groups it attended by conformity × identification, in membership order;
/// every identity returns towards the personal identity (anchoring); identification with each
/// group that met moves towards its target (similarity, attendance, shared fate); support-
/// group attendees integrate their condition.
fn identify(w: &mut World, cfg: &Config, conform: bool) {
    let r = IdentityRates::new(&cfg.scenario);
    if w.n_groups() == 0 && r.anchoring <= 0.0 {
        return;
    }
    let (d, support_kind) = (w.dims, w.support_kind);
    let g = &w.groups;
    let a = &mut w.agents;
    let proto = |x: usize| &g.prototype[x * d..][..d];
    for i in 0..a.memberships.owners() {
        let condition = a.condition[i];
        let shared_fate =
            |x: usize| g.kind[x] == support_kind && g.focus[x] != NONE && condition == g.focus[x];
        let xi = &mut a.identity[i * d..][..d];
        let list = a.memberships.list_mut(i).into_slice();
        if conform {
            for m in list.iter().filter(|m| m.came && g.met[m.group as usize]) {
                ident::conform(&r, xi, proto(m.group as usize), m.ident);
            }
        }
        if r.anchoring > 0.0 {
            ident::anchor(&r, xi, &a.identity_base[i * d..][..d]);
        }
        for m in list.iter_mut().filter(|m| g.met[m.group as usize]) {
            let x = m.group as usize;
            let sim = ident::similarity(&r, distance_squared(xi, proto(x)).sqrt());
            m.ident = ident::identification(&r, sim, m.ident, m.attend, shared_fate(x));
        }
        for m in list.iter().filter(|m| g.met[m.group as usize] && m.came) {
            if shared_fate(m.group as usize) {
                a.integration[i] = ident::integrate(&r, a.integration[i], m.ident);
            }
        }
    }
}

/// ODD §6.6, one agent at a time, each tie in list order: a tie not seen this week is seen
/// through private contact with `rules::ties::contact_probability` (a draw shared by the
/// pair), which reinforces it; a tie still not seen decays; ties below the minimum vanish.
fn ties(w: &mut World, cfg: &Config, key: u64) {
    let (t, r) = (w.t, &TieRates::new(&cfg.scenario));
    let a = &mut w.agents;
    for i in 0..a.ties.owners() {
        let mut kept: Vec<Tie> = Vec::new();
        for &tie in &a.ties[i] {
            let mut tie = tie;
            let j = tie.other as usize;
            let (li, lj) = (a.loneliness[i], a.loneliness[j]);
            if tie.seen != t && r.contact > 0.0 {
                let p = tie_rule::contact_probability(r, a.approach[i], a.approach[j]);
                if pair_uniform(key, i as u32, tie.other) < p {
                    tie.weight =
                        tie_rule::reinforce(tie.weight, r.gain, warmth(r.warmth_k, li, lj));
                    tie.seen = t;
                }
            }
            if tie.seen != t {
                tie.weight = tie_rule::decay(r, tie.weight, li, lj);
            }
            if tie_rule::kept(r, tie.weight) {
                kept.push(tie);
            }
        }
        let mut list = a.ties.list_mut(i);
        list.truncate(0);
        for tie in kept {
            list.push(tie);
        }
    }
}

/// ODD §6.7, community groups: each agent, from its own stream, decides whether it leaves
/// each of its voluntary groups (identification below the threshold, or turnover) and
/// whether it tries to join one (join rate × approach × unmet membership). What each decided
/// is returned for `membership::carry_out`.
fn community_decisions(w: &mut World, cfg: &Config, key: u64) -> Vec<u8> {
    if w.n_groups() == 0 {
        return Vec::new();
    }
    let s = &cfg.scenario;
    let r = JoinRates::new(s);
    let a = &mut w.agents;
    let mut decided = vec![0u8; a.memberships.owners()];
    for (i, decided) in decided.iter_mut().enumerate() {
        let mut rng = agent_stream(key, i);
        for mb in a.memberships.list_mut(i).as_mut_slice() {
            let kind = w.groups.kind[mb.group as usize];
            let k = membership::ordinary_kind(s, kind, w.support_kind);
            let p = member_rule::leave_probability(&r, k, mb.ident);
            mb.leaving = p > 0.0 && rng.random_bool(p);
            if mb.leaving {
                *decided |= membership::LEAVES;
            }
        }
        let p = member_rule::join_probability(&r, a.approach[i], a.membership[i]);
        if p > 0.0 && rng.random_bool(p.min(1.0)) {
            *decided |= membership::JOINS;
        }
    }
    decided
}

/// ODD §6.8: the coherence of each group that met (`rules::belonging::coherence`).
fn coherence(w: &mut World, cfg: &Config) {
    let scale = cfg.scenario.identity.similarity_scale as f32;
    let d = w.dims;
    let g = &mut w.groups;
    let identity = &w.agents.identity;
    for x in 0..g.kind.len() {
        if !g.met[x] {
            continue;
        }
        let p = &g.prototype[x * d..][..d];
        let total: f32 = g.members[x]
            .iter()
            .map(|&i| distance(&identity[i as usize * d..][..d], p))
            .sum();
        g.coherence[x] = belong::coherence(scale, total, g.members[x].len());
    }
}

/// ODD §6.8, one agent at a time, from everyone's loneliness at the start of the phase: the
/// components and belonging, loneliness (gap and contagion through ties), its follow-up a
/// year after an event, the slow states; then the pull of each group's climate.
fn belonging(w: &mut World, cfg: &Config) {
    let (k, r) = (
        Components::new(&cfg.scenario),
        BelongingRates::new(&cfg.scenario),
    );
    let t = w.t;
    let coherence = &w.groups.coherence;
    let a = &mut w.agents;
    let before = a.loneliness.clone();
    for i in 0..a.ties.owners() {
        let (mut num, mut den) = (0.0f32, 0.0f32);
        for tie in &a.ties[i] {
            num += tie.weight * before[tie.other as usize];
            den += tie.weight;
        }
        let of_groups = a.memberships[i]
            .iter()
            .map(|m| (m.ident, m.attend, coherence[m.group as usize]));
        let [sm, sc] = belong::membership_sums(of_groups);
        let c = belong::components(&k, den, sm, sc);
        [
            a.attachment[i],
            a.membership[i],
            a.collective[i],
            a.belonging[i],
        ] = c;
        let gap = belong::gap(a.need[i], c[3]);
        let lo = belong::loneliness_step(&r, a.loneliness[i], gap, num, den);
        a.loneliness[i] = lo;
        let e = a.event_step[i];
        if e != NEVER && t == e.saturating_add(FOLLOW_UP) {
            a.loneliness_year[i] = lo;
        }
        a.approach[i] = belong::approach_step(&r, a.approach[i], a.approach_base[i], lo);
        a.distress[i] = belong::distress_step(&r, a.distress[i], a.regulation[i], lo);
        a.regulation[i] = belong::regulation_step(&r, a.regulation[i], a.regulation_base[i]);
    }
    if cfg.scenario.belonging.group_contagion <= 0.0 {
        return;
    }
    let (g, n_groups) = (&w.groups, w.groups.met.len());
    let climate: Vec<Option<f32>> = (0..n_groups)
        .map(|x| {
            let room = &g.attendees[x];
            (g.met[x] && room.len() > 1).then(|| {
                let total: f32 = room.iter().map(|at| a.loneliness[at.agent as usize]).sum();
                total / room.len() as f32
            })
        })
        .collect();
    for i in 0..a.ties.owners() {
        let came = a.memberships[i].iter().filter(|m| m.came);
        let seen: Vec<f32> = came.filter_map(|m| climate[m.group as usize]).collect();
        if !seen.is_empty() {
            let mean = seen.iter().fold(0.0f32, |s, &c| s + c) / seen.len() as f32;
            a.loneliness[i] = belong::climate_step(&r, a.loneliness[i], mean);
        }
    }
}
