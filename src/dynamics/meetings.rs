//! Process 2: groups meet with their weekly rate; members attend with a probability that
//! rises with approach and identification and falls with loneliness, distress, resignation
//! and (outside support groups) self-stigma.
//!
//! Each group draws from its own stream and each agent from its own (keyed by job, step,
//! phase and id), so groups and agents are processed in parallel with the same result on any
//! number of threads. A group's attendees are listed in agent order, each with its
//! identification with the group (so later phases need not look it up): on one thread each
//! agent is filed as it decides; on several, each range of agents counts its attendees per
//! group as it decides, then files them into the runs its groups keep for it (`model::runs`),
//! so every membership is read twice in all, whatever the number of threads. The attendance
//! draws are made in lanes (`primitives::lanes`): each agent's prepared in the order of its
//! memberships, then made eight at a time, with the same bits as one at a time.
//!
//! The formulas are the rules of `crate::rules::meetings` (ODD §6.2); every path (one
//! thread or several, in lanes at every level of instructions, one at a time, and the
//! tests' reference) calls them.

use crate::model::{Agents, Attendee, Groups, Lists, Member, World};
use crate::primitives::lanes::{by_level, Level, CHUNK, LANES, WAITING};
use crate::primitives::lists::RangeMut;
use crate::rng::{agent_seed, group_stream, splitmix_f32, PAR_MIN, SPLITMIX_STEP};
use crate::rules::meetings::{self as rule, Attendance};
use crate::scenario::Config;
use rayon::prelude::*;

/// Most ranges of agents deciding at once (one per thread up to this): each range keeps a
/// count per group.
pub const MAX_RANGES: usize = 8;

pub fn run(w: &mut World, cfg: &Config, key: u64) {
    run_at(w, cfg, key, Level::detect());
}

/// The process with `level`'s instructions for the attendance draws (every level gives the
/// same bits).
pub fn run_at(w: &mut World, cfg: &Config, key: u64, level: Level) {
    if w.n_groups() == 0 {
        return; // no group to meet, and no membership to attend (classic scenarios)
    }
    let at = Attendance::new(&cfg.scenario);
    let support_kind = w.support_kind;
    let Groups {
        kind,
        members,
        active,
        meeting_rate,
        attendance_logit,
        met,
        attendees,
        ..
    } = &mut w.groups;
    met.par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(|(g, met)| {
            *met = rule::meets(active[g], members[g].len(), meeting_rate[g], || {
                group_stream(key, g)
            });
        });
    let Agents {
        approach,
        loneliness,
        distress,
        resigned,
        condition_active,
        condition,
        stigma,
        integration,
        memberships,
        ..
    } = &mut w.agents;
    let burden = &cfg.event_burden;
    let met = &*met;
    let q = Attend {
        key,
        at,
        support_kind,
        kind,
        met,
        attendance_logit,
        approach,
        loneliness,
        distress,
        resigned,
        condition_active,
        stigma,
        integration,
        condition,
        burden,
    };
    let n = memberships.owners();
    let n_groups = met.len();
    if rayon::current_num_threads() == 1 || n < 2 * PAR_MIN {
        // On one thread: each agent decides, then is filed under the groups it came to, in
        // one pass (agents in order, so each group's attendees are in agent order). Room for
        // every member of every group (met or not, so that the room asked for, and with it
        // the pool's layout, changes only with the groups), so the lists fill in place.
        let rooms = &mut w.scratch.rooms;
        rooms.clear();
        rooms.extend((0..n_groups).map(|g| members.len_of(g) as u32));
        attendees.clear_all();
        attendees.reserve_each(rooms);
        decide(level, 0..n, memberships, &q, |i, list| {
            for m in list.iter().filter(|m| m.came) {
                attendees.push(
                    m.group as usize,
                    Attendee {
                        agent: i as u32,
                        ident: m.ident,
                    },
                );
            }
        });
        return;
    }
    // On several threads the agents are split into ranges, one per thread. Each range decides
    // its agents' attendance, counting each group's attendees among them; then (each group's
    // list laid out afresh, packed, with a run for each range, the ranges in agent order)
    // files its attendees into their groups' runs (`model::runs`): each group's attendees in
    // agent order, the lists the one-thread pass gives.
    let ranges = rayon::current_num_threads().clamp(1, MAX_RANGES);
    let chunk = n.div_ceil(ranges);
    let ranges = n.div_ceil(chunk);
    let runs = &mut w.scratch.runs;
    runs.par_counters(ranges, n_groups)
        .zip(memberships.par_ranges_mut(chunk))
        .for_each(|(mut counter, mut lists)| {
            decide(level, lists.owners(), &mut lists, &q, |_, list| {
                for m in list.iter().filter(|m| m.came) {
                    counter.count(m.group as usize);
                }
            });
        });
    let offsets = &mut w.scratch.offsets;
    runs.lay_out(offsets);
    let memberships = &*memberships;
    runs.par_fill(attendees.lay_out_packed(offsets))
        .enumerate()
        .for_each(|(r, mut fill)| {
            for i in r * chunk..((r + 1) * chunk).min(n) {
                for m in memberships[i].iter().filter(|m| m.came) {
                    let agent = i as u32;
                    fill.push(
                        m.group as usize,
                        Attendee {
                            agent,
                            ident: m.ident,
                        },
                    );
                }
            }
        });
}

/// Room for the run (`reserve::reserve_for_run`): each group's room this week, and on
/// several threads each range of agents' count of attendees per group and the groups'
/// offsets.
pub fn reserve(world: &mut World, room: &super::reserve::Room) {
    let sc = &mut world.scratch;
    let groups = room.groups + room.more_groups;
    sc.rooms.reserve(groups);
    if !super::interaction::direct(room.agents) {
        sc.runs.reserve(MAX_RANGES, groups);
        sc.offsets.reserve(groups + 1);
    }
}

/// What an agent's attendance depends on.
struct Attend<'a> {
    key: u64,
    at: Attendance,
    support_kind: u16,
    kind: &'a [u16],
    met: &'a [bool],
    attendance_logit: &'a [f32],
    approach: &'a [f32],
    loneliness: &'a [f32],
    distress: &'a [f32],
    resigned: &'a [bool],
    condition_active: &'a [bool],
    stigma: &'a [f32],
    integration: &'a [f32],
    /// Each agent's condition (an event kind) and each event kind's burden on attendance.
    condition: &'a [u16],
    burden: &'a [f32],
}

impl Attend<'_> {
    /// Agent i's part of its attendance logits (`rules::meetings::person`, with its
    /// condition's burden: `rules::meetings::burden`) and its self-stigma term, β_σ σ_i
    /// (`rules::meetings::self_stigma`).
    #[inline(always)]
    fn person(&self, i: usize) -> (f32, f32) {
        let active = self.condition_active[i];
        let burden_k = self
            .burden
            .get(self.condition[i] as usize)
            .copied()
            .unwrap_or(0.0);
        let burden = rule::burden(active, burden_k, self.integration[i]);
        let person = rule::person(
            &self.at,
            self.approach[i],
            self.loneliness[i],
            self.distress[i],
            self.resigned[i],
            burden,
        );
        let sigma = rule::self_stigma(active, self.stigma[i], self.integration[i]);
        (person, self.at.self_stigma * sigma)
    }

    /// The attendance logit of a membership of group g (`rules::meetings::logit`).
    #[inline(always)]
    fn logit(&self, g: usize, person: f32, ident: f32, stigma: f32) -> f32 {
        let support = self.kind[g] == self.support_kind;
        rule::logit(
            &self.at,
            self.attendance_logit[g],
            person,
            ident,
            stigma,
            support,
        )
    }
}

/// The agents' lists of memberships, one at a time.
trait Memberships {
    fn of(&mut self, i: usize) -> &mut [Member];
}

impl Memberships for Lists<Member> {
    #[inline]
    fn of(&mut self, i: usize) -> &mut [Member] {
        &mut self[i]
    }
}

impl Memberships for RangeMut<'_, Member> {
    #[inline]
    fn of(&mut self, i: usize) -> &mut [Member] {
        self.list_mut(i).into_slice()
    }
}

/// Attendance draws prepared and not yet made: which membership each is for, its logit,
/// the agent stream's state for it, and the membership's running attendance.
struct Waiting {
    n: usize,
    at: [(u32, u32); WAITING],
    logit: [f32; WAITING],
    state: [u64; WAITING],
    attend: [f32; WAITING],
    came: [bool; WAITING],
}

/// Decides the attendance of `agents` in order, each with its own stream, and hands each
/// agent's memberships to `then` in agent order once decided. An agent's draws are its
/// stream's, in the order of its memberships of groups that met; they are prepared agent by
/// agent and made side by side in lanes (a draw is a function of the stream's state alone:
/// `rng::splitmix_f32`), with the same bits as one at a time (tested).
fn decide(
    level: Level,
    agents: std::ops::Range<usize>,
    lists: &mut impl Memberships,
    q: &Attend<'_>,
    mut then: impl FnMut(usize, &[Member]),
) {
    let mut w = Waiting {
        n: 0,
        at: [(0, 0); WAITING],
        logit: [0.0; WAITING],
        state: [0; WAITING],
        attend: [0.0; WAITING],
        came: [false; WAITING],
    };
    let mut first = agents.start;
    while first < agents.end {
        let last = (first + CHUNK).min(agents.end);
        for i in first..last {
            let list = lists.of(i);
            let draws = list.iter().filter(|m| q.met[m.group as usize]).count();
            if draws == 0 {
                for rec in list.iter_mut() {
                    rec.came = false;
                }
                continue;
            }
            // On the baseline (no 64-bit multiply in vectors: lanes measured slower there,
            // 0.135 s against 0.12 s at 100k agents, 20 weeks), and for an agent with more
            // draws than can wait, the draws are made one at a time.
            let alone = level == Level::BASE || draws > WAITING;
            if !alone && w.n + draws > WAITING {
                make(level, &mut w, lists, &q.at);
            }
            let list = lists.of(i);
            let mut state = agent_seed(q.key, i);
            let (person, stigma) = q.person(i);
            for (r, rec) in list.iter_mut().enumerate() {
                let g = rec.group as usize;
                rec.came = false;
                if !q.met[g] {
                    continue;
                }
                state = state.wrapping_add(SPLITMIX_STEP);
                let logit = q.logit(g, person, rec.ident, stigma);
                if alone {
                    (rec.came, rec.attend) = draw(state, logit, rec.attend, &q.at);
                    continue;
                }
                let k = w.n;
                w.at[k] = (i as u32, r as u32);
                w.logit[k] = logit;
                w.state[k] = state;
                w.attend[k] = rec.attend;
                w.n += 1;
            }
        }
        make(level, &mut w, lists, &q.at);
        for i in first..last {
            then(i, lists.of(i));
        }
        first = last;
    }
}

/// Makes the waiting draws (in lanes) and records them in their memberships.
#[inline(always)]
fn make(level: Level, w: &mut Waiting, lists: &mut impl Memberships, at: &Attendance) {
    draws_at(level, w, at);
    for k in 0..w.n {
        let (i, r) = w.at[k];
        let rec = &mut lists.of(i as usize)[r as usize];
        rec.came = w.came[k];
        rec.attend = w.attend[k];
    }
    w.n = 0;
}

/// One attendance draw: whether the member comes (`rules::meetings::attends`, the stream's
/// state being `state`), and its running attendance after (`rules::meetings::record`).
#[inline(always)]
fn draw(state: u64, logit: f32, attend: f32, at: &Attendance) -> (bool, f32) {
    let came = rule::attends(splitmix_f32(state), logit);
    (came, rule::record(at, attend, came))
}

by_level! {
    /// The waiting draws, with `level`'s instructions.
    fn draws_at(w: &mut Waiting, at: &Attendance) => draws
}

/// Each waiting draw in a lane of its own, without a branch: the member comes with
/// probability 1 / (1 + e^-logit), and its running attendance follows.
#[inline(always)]
fn draws(w: &mut Waiting, at: &Attendance) {
    for c in 0..w.n.div_ceil(LANES) {
        let lanes = c * LANES..(c + 1) * LANES;
        let state: &[u64; LANES] = w.state[lanes.clone()].try_into().expect("lanes");
        let logit: &[f32; LANES] = w.logit[lanes.clone()].try_into().expect("lanes");
        let (mut came, mut attend) = ([false; LANES], [0.0f32; LANES]);
        attend.copy_from_slice(&w.attend[lanes.clone()]);
        for l in 0..LANES {
            (came[l], attend[l]) = draw(state[l], logit[l], attend[l], at);
        }
        w.came[lanes.clone()].copy_from_slice(&came);
        w.attend[lanes].copy_from_slice(&attend);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// Decisions in lanes, on every level of instructions, give exactly what each agent's
    /// draws made one at a time from its stream give (`came` and the running attendance of
    /// every membership, bit for bit), and hand the agents on in order: agents with no
    /// group that met, agents whose draws overflow the ones waiting, and agents with more
    /// draws than can wait at all.
    #[test]
    fn lanes_give_each_agents_own_draws() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(8);
        let n = 300;
        let groups = 500;
        let met: Vec<bool> = (0..groups).map(|_| rng.random_bool(0.7)).collect();
        let kind: Vec<u16> = (0..groups).map(|g| (g % 5) as u16).collect();
        let logit: Vec<f32> = (0..groups).map(|_| rng.random_range(-2.0..2.0)).collect();
        let uniform = |rng: &mut rand_xoshiro::Xoshiro256PlusPlus| -> Vec<f32> {
            (0..n).map(|_| rng.random()).collect()
        };
        let (approach, loneliness, distress) =
            (uniform(&mut rng), uniform(&mut rng), uniform(&mut rng));
        let (stigma, integration) = (uniform(&mut rng), uniform(&mut rng));
        let resigned: Vec<bool> = (0..n).map(|_| rng.random_bool(0.2)).collect();
        let condition_active: Vec<bool> = (0..n).map(|_| rng.random_bool(0.3)).collect();
        let mut lists = Lists::new(n);
        let mut draws = Vec::new();
        for i in 0..n {
            // Mostly a few memberships; agent 7 has more than can wait.
            let k = if i == 7 {
                3 * WAITING
            } else {
                rng.random_range(0..9)
            };
            lists.reserve(i, k);
            for _ in 0..k {
                let group = rng.random_range(0..groups) as u32;
                lists.push(
                    i,
                    Member {
                        group,
                        ident: rng.random(),
                        attend: rng.random(),
                        joined: 0,
                        came: rng.random(),
                        leaving: false,
                    },
                );
            }
            draws.push(lists[i].iter().filter(|m| met[m.group as usize]).count());
        }
        assert!(draws[7] > WAITING && draws.contains(&0));
        let at = Attendance {
            memory: 0.3,
            approach: 1.5,
            loneliness: 1.0,
            distress: 0.7,
            resigned: 1.2,
            identification: 2.0,
            self_stigma: 1.1,
        };
        let burden = [0.0, 0.8, 0.3];
        let condition: Vec<u16> = (0..n).map(|i| (i % 4) as u16).collect();
        let q = Attend {
            key: 99,
            at,
            support_kind: 4,
            kind: &kind,
            met: &met,
            attendance_logit: &logit,
            approach: &approach,
            loneliness: &loneliness,
            distress: &distress,
            resigned: &resigned,
            condition_active: &condition_active,
            stigma: &stigma,
            integration: &integration,
            condition: &condition,
            burden: &burden,
        };
        // One agent at a time, from its stream, with the rules as docs/ODD.md §6.2 reads
        // (condition 3 has no burden listed: none).
        let mut want = lists.clone();
        for i in 0..n {
            let mut rng = crate::rng::agent_stream(q.key, i);
            let active = condition_active[i];
            let burden_k = burden.get(condition[i] as usize).copied().unwrap_or(0.0);
            let person = rule::person(
                &at,
                approach[i],
                loneliness[i],
                distress[i],
                resigned[i],
                rule::burden(active, burden_k, integration[i]),
            );
            let sigma = at.self_stigma * rule::self_stigma(active, stigma[i], integration[i]);
            for rec in want[i].iter_mut() {
                let g = rec.group as usize;
                rec.came = false;
                if !met[g] {
                    continue;
                }
                let support = kind[g] == q.support_kind;
                let x = rule::logit(&at, logit[g], person, rec.ident, sigma, support);
                let u: f32 = rng.random();
                rec.came = rule::attends(u, x);
                rec.attend = rule::record(&at, rec.attend, rec.came);
            }
        }
        for level in Level::available() {
            let mut got = lists.clone();
            let mut order = Vec::new();
            decide(level, 0..n, &mut got, &q, |i, list| {
                assert_eq!(list, &want[i][..], "agent {i} handed on before decided");
                order.push(i);
            });
            assert_eq!(order, (0..n).collect::<Vec<_>>(), "{level:?}");
            for i in 0..n {
                for (a, b) in got[i].iter().zip(want[i].iter()) {
                    assert_eq!(
                        (a.came, a.attend.to_bits()),
                        (b.came, b.attend.to_bits()),
                        "agent {i}, {level:?}"
                    );
                }
            }
        }
    }
}
