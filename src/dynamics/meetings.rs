//! Process 2: groups meet with their weekly rate; members attend with a probability that
//! rises with approach and identification and falls with loneliness, distress, resignation
//! and (outside support groups) self-stigma.

use crate::model::{exp, World};
use crate::rng::Rng;
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let at = &cfg.scenario.attendance;
    for g in 0..w.n_groups() {
        w.groups.attendees[g].clear();
        w.groups.met[g] = w.groups.active[g]
            && !w.groups.members[g].is_empty()
            && rng.random_bool(w.groups.meeting_rate[g] as f64);
    }
    let memory = at.memory as f32;
    for i in 0..w.n() {
        let a = &w.agents;
        let self_stigma = if a.condition_active[i] {
            a.stigma[i] * (1.0 - a.integration[i])
        } else {
            0.0
        };
        let person = at.approach as f32 * (a.approach[i] - 0.5)
            - at.loneliness as f32 * a.loneliness[i]
            - at.distress as f32 * a.distress[i]
            - if a.resigned[i] {
                at.resigned as f32
            } else {
                0.0
            };
        for k in 0..w.agents.memberships[i].len() {
            let m = w.agents.memberships[i][k];
            let g = m.group as usize;
            if !w.groups.met[g] {
                continue;
            }
            let stigma_term = if w.is_support(g) {
                0.0
            } else {
                at.self_stigma as f32 * self_stigma
            };
            let logit =
                w.groups.attendance_logit[g] + person + at.identification as f32 * (m.ident - 0.5)
                    - stigma_term;
            // u < 1 / (1 + e^-x)  <=>  u e^-x < 1 - u  (no division).
            let u: f32 = rng.random();
            let came = u * exp(-logit) < 1.0 - u;
            let rec = &mut w.agents.memberships[i][k];
            rec.attend += memory * (f32::from(u8::from(came)) - rec.attend);
            if came {
                w.groups.attendees[g].push(i as u32);
            }
        }
    }
}
