//! Process 2: groups meet with their weekly rate; members attend with a probability that
//! rises with approach and identification and falls with loneliness, distress, resignation
//! and (outside support groups) self-stigma.

use crate::model::{exp, Agents, Groups, World};
use crate::rng::Rng;
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
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
    for g in 0..kind.len() {
        attendees[g].clear();
        met[g] = active[g] && !members[g].is_empty() && rng.random_bool(meeting_rate[g] as f64);
    }
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
    for (i, list) in memberships.iter_mut().enumerate() {
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
            if came {
                attendees[g].push(i as u32);
            }
        }
    }
}
