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
//! so every membership is read twice in all, whatever the number of threads.

use crate::model::{exp, Agents, Attendee, Groups, Member, World};
use crate::rng::{agent_stream, group_stream, PAR_MIN};
use crate::scenario::Config;
use rand::RngExt;
use rayon::prelude::*;

/// Most ranges of agents deciding at once (one per thread up to this): each range keeps a
/// count per group.
pub const MAX_RANGES: usize = 8;

pub fn run(w: &mut World, cfg: &Config, key: u64) {
    if w.n_groups() == 0 {
        return; // no group to meet, and no membership to attend (classic scenarios)
    }
    let at = &cfg.scenario.attendance;
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
            *met = active[g]
                && !members[g].is_empty()
                && group_stream(key, g).random_bool(meeting_rate[g] as f64);
        });
    let memory = at.memory as f32;
    let (k_approach, k_lonely, k_distress, k_resigned) = (
        at.approach as f32,
        at.loneliness as f32,
        at.distress as f32,
        at.resigned as f32,
    );
    let (k_ident, k_stigma) = (at.identification as f32, at.self_stigma as f32);
    let Agents {
        approach,
        loneliness,
        distress,
        resigned,
        condition_active,
        stigma,
        integration,
        memberships,
        ..
    } = &mut w.agents;
    let met = &*met;
    // One agent's attendance draws, from its own stream.
    let decide = |i: usize, list: &mut [Member]| {
        if !list.iter().any(|m| met[m.group as usize]) {
            for rec in list.iter_mut() {
                rec.came = false;
            }
            return;
        }
        let mut rng = agent_stream(key, i);
        let self_stigma = if condition_active[i] {
            stigma[i] * (1.0 - integration[i])
        } else {
            0.0
        };
        let person = k_approach * (approach[i] - 0.5)
            - k_lonely * loneliness[i]
            - k_distress * distress[i]
            - if resigned[i] { k_resigned } else { 0.0 };
        // Outside support groups, self-stigma keeps people away.
        let stigma_term = k_stigma * self_stigma;
        for rec in list.iter_mut() {
            let g = rec.group as usize;
            rec.came = false;
            if !met[g] {
                continue;
            }
            let stigma_here = if kind[g] == support_kind {
                0.0
            } else {
                stigma_term
            };
            let logit = attendance_logit[g] + person + k_ident * (rec.ident - 0.5) - stigma_here;
            // u < 1 / (1 + e^-x)  <=>  u e^-x < 1 - u  (no division).
            let u: f32 = rng.random();
            let came = u * exp(-logit) < 1.0 - u;
            rec.attend += memory * (f32::from(u8::from(came)) - rec.attend);
            rec.came = came;
        }
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
        for i in 0..n {
            let list = &mut memberships[i];
            decide(i, list);
            for m in list.iter().filter(|m| m.came) {
                attendees.push(
                    m.group as usize,
                    Attendee {
                        agent: i as u32,
                        ident: m.ident,
                    },
                );
            }
        }
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
            for i in lists.owners() {
                let mut list = lists.list_mut(i);
                let list = list.as_mut_slice();
                decide(i, list);
                for m in list.iter().filter(|m| m.came) {
                    counter.count(m.group as usize);
                }
            }
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
