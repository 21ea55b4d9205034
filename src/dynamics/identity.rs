//! Process 5: identity dynamics (the rule a scenario chooses), identification with groups,
//! and integration of the condition into identity in support groups. The identification
//! updates are made in lanes (`primitives::lanes`), with the same bits as one at a time.
//!
//! The formulas are the rules of `crate::rules::identity` (ODD §6.5; the classic rules':
//! `crate::rules::classic`); every path (in parallel, in lanes at every level of
//! instructions, one at a time, and the tests' reference) calls them.

use crate::model::{distance_squared, Attendee, Groups, Member, World, NONE};
use crate::primitives::lanes::{by_level, Level, CHUNK, LANES, WAITING};
use crate::primitives::lists::RangeMut;
use crate::rng::{group_stream, Rng, PAR_MIN};
use crate::rules::identity::{self as rule, IdentityRates};
use crate::scenario::validate::MAX_DIMS;
use crate::scenario::{Config, IdentityRule};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

pub mod classic;

pub fn run(w: &mut World, cfg: &Config, key: u64, rng: &mut Rng) {
    run_at(w, cfg, key, rng, Level::detect());
}

/// The process with `level`'s instructions for the identification updates (every level
/// gives the same bits).
pub fn run_at(w: &mut World, cfg: &Config, key: u64, rng: &mut Rng, level: Level) {
    prototypes(w, cfg, key);
    let conform = match cfg.scenario.identity.rule {
        IdentityRule::Prototype => true,
        IdentityRule::BoundedConfidence | IdentityRule::Axelrod => {
            classic::run(w, cfg, rng);
            false
        }
    };
    agents_at(w, cfg, conform, level);
}

/// Each group that met moves its prototype towards the identification-weighted mean of its
/// attendees, plus noise (fluid, path-dependent). Under the classic rules prototypes still
/// follow their attendees (so identification and coherence keep their meaning) but do not
/// pull them: the classic rule alone moves identities.
///
/// Synchronous and parallel: every prototype moves from the identities at the start of the
/// phase (groups in parallel, each with its own noise stream). The rules:
/// `rules::identity::weighted_sums` and `rules::identity::prototype_step`.
pub fn prototypes(w: &mut World, cfg: &Config, key: u64) {
    let r = IdentityRates::new(&cfg.scenario);
    let d = w.dims;
    if d == 0 {
        return;
    }
    let noise = Normal::new(0.0f32, r.noise).ok();
    let Groups {
        met,
        attendees,
        prototype,
        ..
    } = &mut w.groups;
    let identity = &w.agents.identity;
    prototype
        .par_chunks_mut(d)
        .enumerate()
        .with_min_len(PAR_MIN / 8)
        .for_each(|(g, proto)| {
            let att = &attendees[g];
            if !met[g] || att.is_empty() {
                return;
            }
            // Identification-weighted mean: each attendee's identification is looked up once,
            // and every sum runs over the attendees in their order.
            let mut rng = group_stream(key, g);
            let mut sums = [0.0f32; MAX_DIMS as usize];
            let total = rule::weighted_sums(
                &mut sums,
                att.iter().map(|&Attendee { agent: i, ident: s }| {
                    (s, &identity[i as usize * d..(i as usize + 1) * d])
                }),
            );
            for (p, &m) in proto.iter_mut().zip(&sums) {
                let eps = noise.as_ref().map_or(0.0, |n| n.sample(&mut rng));
                *p = rule::prototype_step(&r, *p, m, total, eps);
            }
        });
}

/// The agents' side of the process, in one pass over the agents (in parallel; each agent
/// reads only its own identity and the prototypes, so the three steps run agent by agent):
/// 1. prototype rule (`conform`): attendees move towards the prototypes of the groups they
///    attended in proportion to their identification, in the order of their memberships;
/// 2. anchoring: every identity returns a little towards the agent's personal identity, so
///    group influence does not dissolve all individuality;
/// 3. identification moves towards a target that grows with similarity to the prototype,
///    attendance and, in support groups, shared fate; support-group attendees integrate their
///    condition into their identity.
pub fn agents(w: &mut World, cfg: &Config, conform: bool) {
    agents_at(w, cfg, conform, Level::detect());
}

/// The agents' side of the process with `level`'s instructions.
fn agents_at(w: &mut World, cfg: &Config, conform: bool, level: Level) {
    let r = IdentityRates::new(&cfg.scenario);
    let d = w.dims;
    if w.n_groups() == 0 && r.anchoring <= 0.0 {
        return; // no membership to update and no anchor to pull (classic scenarios)
    }
    let Groups {
        kind,
        focus,
        met,
        prototype,
        ..
    } = &w.groups;
    let crate::model::Agents {
        memberships,
        integration,
        identity,
        identity_base,
        condition,
        ..
    } = &mut w.agents;
    let q = Identify {
        d,
        conform,
        r,
        support_kind: w.support_kind,
        kind,
        focus,
        met,
        prototype,
        identity_base,
        condition,
    };
    memberships
        .par_ranges_mut(PAR_MIN)
        .zip(integration.par_chunks_mut(PAR_MIN))
        .zip(identity.par_chunks_mut(PAR_MIN * d))
        .for_each(|((mut lists, integration), identity)| {
            identify(level, &mut lists, integration, identity, &q);
        });
}

/// What the agents' side of the process reads.
struct Identify<'a> {
    d: usize,
    conform: bool,
    r: IdentityRates,
    support_kind: u16,
    kind: &'a [u16],
    focus: &'a [u16],
    met: &'a [bool],
    prototype: &'a [f32],
    identity_base: &'a [f32],
    condition: &'a [u16],
}

/// Identification updates prepared and not yet made: which membership each is for, the
/// squared distance of the agent's identity to the group's prototype, the membership's
/// identification and attendance, and whether the agent shares the group's fate.
struct Waiting {
    n: usize,
    at: [(u32, u32); WAITING],
    d2: [f32; WAITING],
    ident: [f32; WAITING],
    attend: [f32; WAITING],
    fate: [bool; WAITING],
}

/// The agents of a range, in order: each one's identity moves (prototype rule, anchoring),
/// then its identification with each group that met moves towards its target (prepared
/// agent by agent, made in lanes: the same operations as one at a time, so the same bits),
/// then its integration grows with each support group of its condition it attended, in the
/// order of its memberships.
fn identify(
    level: Level,
    lists: &mut RangeMut<'_, Member>,
    integration: &mut [f32],
    identity: &mut [f32],
    q: &Identify<'_>,
) {
    let d = q.d;
    let owners = lists.owners();
    let mut w = Waiting {
        n: 0,
        at: [(0, 0); WAITING],
        d2: [0.0; WAITING],
        ident: [0.0; WAITING],
        attend: [0.0; WAITING],
        fate: [false; WAITING],
    };
    let proto = |g: usize| &q.prototype[g * d..(g + 1) * d];
    let shared_fate = |i: usize, g: usize| {
        q.kind[g] == q.support_kind && q.focus[g] != NONE && q.condition[i] == q.focus[g]
    };
    let mut first = owners.start;
    while first < owners.end {
        let last = (first + CHUNK).min(owners.end);
        let mut integrates = false;
        for i in first..last {
            let x = i - owners.start;
            let xi = &mut identity[x * d..(x + 1) * d];
            let list = lists.list_mut(i).into_slice();
            if q.conform {
                for m in list.iter() {
                    let g = m.group as usize;
                    if !(m.came && q.met[g]) {
                        continue;
                    }
                    rule::conform(&q.r, xi, proto(g), m.ident);
                }
            }
            if q.r.anchoring > 0.0 {
                rule::anchor(&q.r, xi, &q.identity_base[i * d..(i + 1) * d]);
            }
            let updates = list.iter().filter(|m| q.met[m.group as usize]).count();
            // On the baseline (lanes measured no faster there), and for an agent with more
            // updates than can wait, the updates are made one at a time.
            let alone = level == Level::BASE || updates > WAITING;
            if !alone && w.n + updates > WAITING {
                make(level, &mut w, lists, q);
            }
            let list = lists.list_mut(i).into_slice();
            for (r, rec) in list.iter_mut().enumerate() {
                let g = rec.group as usize;
                if !q.met[g] {
                    continue;
                }
                let d2 = distance_squared(xi, proto(g));
                let fate = shared_fate(i, g);
                integrates |= fate && rec.came;
                if alone {
                    rec.ident = identification(d2, rec.ident, rec.attend, fate, q);
                    continue;
                }
                let k = w.n;
                w.at[k] = (i as u32, r as u32);
                w.d2[k] = d2;
                w.ident[k] = rec.ident;
                w.attend[k] = rec.attend;
                w.fate[k] = fate;
                w.n += 1;
            }
        }
        make(level, &mut w, lists, q);
        // Support-group attendees integrate their condition into their identity (rare: a
        // second look only in chunks with such an agent).
        if integrates {
            for i in first..last {
                let integ = &mut integration[i - owners.start];
                for rec in lists.list_mut(i).as_slice() {
                    if q.met[rec.group as usize] && rec.came && shared_fate(i, rec.group as usize) {
                        *integ = rule::integrate(&q.r, *integ, rec.ident);
                    }
                }
            }
        }
        first = last;
    }
}

/// Makes the waiting updates (in lanes) and records them in their memberships.
#[inline(always)]
fn make(level: Level, w: &mut Waiting, lists: &mut RangeMut<'_, Member>, q: &Identify<'_>) {
    updates_at(level, w, q);
    for k in 0..w.n {
        let (i, r) = w.at[k];
        lists.list_mut(i as usize).as_mut_slice()[r as usize].ident = w.ident[k];
    }
    w.n = 0;
}

by_level! {
    /// The waiting updates, with `level`'s instructions.
    fn updates_at(w: &mut Waiting, q: &Identify<'_>) => updates
}

/// Each waiting update in a lane of its own, without a branch.
#[inline(always)]
fn updates(w: &mut Waiting, q: &Identify<'_>) {
    for c in 0..w.n.div_ceil(LANES) {
        let lanes = c * LANES..(c + 1) * LANES;
        let d2: &[f32; LANES] = w.d2[lanes.clone()].try_into().expect("lanes");
        let attend: &[f32; LANES] = w.attend[lanes.clone()].try_into().expect("lanes");
        let fate: &[bool; LANES] = w.fate[lanes.clone()].try_into().expect("lanes");
        let mut ident = [0.0f32; LANES];
        ident.copy_from_slice(&w.ident[lanes.clone()]);
        for l in 0..LANES {
            ident[l] = identification(d2[l], ident[l], attend[l], fate[l], q);
        }
        w.ident[lanes].copy_from_slice(&ident);
    }
}

/// Identification after one meeting (`rules::identity::identification`), with the similarity
/// to the prototype at squared distance `d2` (`rules::identity::similarity`).
#[inline(always)]
fn identification(d2: f32, ident: f32, attend: f32, shared_fate: bool, q: &Identify<'_>) -> f32 {
    let sim = rule::similarity(&q.r, d2.sqrt());
    rule::identification(&q.r, sim, ident, attend, shared_fate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::init;
    use crate::model::distance;
    use crate::scenario::{resolve, Override, Source};

    /// The agents' side of the process as the rule reads, one agent and one membership at a
    /// time.
    fn reference(w: &mut World, cfg: &Config, conform: bool) {
        let r = IdentityRates::new(&cfg.scenario);
        let d = w.dims;
        let g = &w.groups;
        let a = &mut w.agents;
        for i in 0..a.need.len() {
            let xi = &mut a.identity[i * d..(i + 1) * d];
            let list = &mut a.memberships[i];
            if conform {
                for m in list.iter() {
                    let k = m.group as usize;
                    if m.came && g.met[k] {
                        rule::conform(&r, xi, &g.prototype[k * d..(k + 1) * d], m.ident);
                    }
                }
            }
            if r.anchoring > 0.0 {
                rule::anchor(&r, xi, &a.identity_base[i * d..(i + 1) * d]);
            }
            for rec in list.iter_mut() {
                let k = rec.group as usize;
                if !g.met[k] {
                    continue;
                }
                let sim = rule::similarity(&r, distance(xi, &g.prototype[k * d..(k + 1) * d]));
                let shared_fate = g.kind[k] == w.support_kind
                    && g.focus[k] != NONE
                    && a.condition[i] == g.focus[k];
                rec.ident = rule::identification(&r, sim, rec.ident, rec.attend, shared_fate);
                if shared_fate && rec.came {
                    a.integration[i] = rule::integrate(&r, a.integration[i], rec.ident);
                }
            }
        }
    }

    /// Every level of instructions gives, bit for bit, what the rule one agent and one
    /// membership at a time gives: every identity, identification and integration, in two
    /// and in three dimensions, with and without the prototype rule's pull.
    #[test]
    fn every_level_gives_the_rule_bits() {
        for dims in [2, 3] {
            let o = [
                Override::parse("population.size=9000").unwrap(),
                Override::parse("events[0].hazard=0.01").unwrap(),
                Override::parse(&format!("identity.dims={dims}")).unwrap(),
            ];
            let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
            let mut w = init::build(&cfg, 6);
            let mut integrated = 0;
            for week in 0..30 {
                crate::dynamics::step(&mut w, &cfg, 6);
                // The phase's input: this week's world, in which a support group met and was
                // attended by 40 agents living with its condition (set by hand, in this copy
                // only: few support groups form in the first weeks).
                let mut v = w.clone();
                let g = (0..v.n_groups())
                    .find(|&g| v.groups.kind[g] == v.support_kind && v.groups.focus[g] != NONE)
                    .expect("a support group");
                v.groups.met[g] = true;
                for i in (0..v.n()).step_by(v.n() / 40) {
                    if v.agents.memberships[i]
                        .iter()
                        .all(|m| m.group as usize != g)
                    {
                        v.agents.condition[i] = v.groups.focus[g];
                        v.agents.memberships.reserve(i, 1);
                        v.agents.memberships.push(
                            i,
                            Member {
                                group: g as u32,
                                ident: 0.5,
                                attend: 0.5,
                                joined: 0,
                                came: true,
                                leaving: false,
                            },
                        );
                    }
                }
                let conform = week % 3 != 2;
                let mut want = v.clone();
                reference(&mut want, &cfg, conform);
                integrated += (0..v.n())
                    .filter(|&i| want.agents.integration[i] != v.agents.integration[i])
                    .count();
                for level in Level::available() {
                    let mut got = v.clone();
                    agents_at(&mut got, &cfg, conform, level);
                    let (a, b) = (&got.agents, &want.agents);
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    let at = format!("{dims} dims, week {week}, {level:?}");
                    assert_eq!(bits(&a.identity), bits(&b.identity), "identity, {at}");
                    assert_eq!(
                        bits(&a.integration),
                        bits(&b.integration),
                        "integration, {at}"
                    );
                    for i in 0..v.n() {
                        let idents =
                            |l: &[Member]| l.iter().map(|m| m.ident.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            idents(&a.memberships[i]),
                            idents(&b.memberships[i]),
                            "identifications of {i}, {at}"
                        );
                    }
                }
            }
            // Shared fate in support groups was met: some integration grew.
            assert!(integrated > 0, "no integration in {dims} dims");
        }
    }
}
