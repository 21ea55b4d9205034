//! Facilitated group programmes offered to lonely agents (e.g. Groups 4 Health: Haslam et al.
//! 2016). At a programme's `start` week the agents lonely then (L > `belonging.threshold`)
//! are offered a place, in random order up to `capacity`; each accepts with probability
//! `uptake`. Participants are split into programme groups of `group_size`: facilitated
//! support-like groups (kind `support`, no focus condition) that meet only in the scheduled
//! weeks `start + sessions[k]`, where participants attend, meet and practise as in a support
//! group (interaction, identity and belonging as usual). The groups have no dropout or
//! graduation; they dissolve after the last session, leaving the ties, approach and
//! regulation they built, and each participant then joins a community (joinable) group with
//! probability `scaffolding` (G4H's module on taking up new group memberships).
//!
//! The rules are `rules::interventions` (ODD §6.11; joining as a newcomer:
//! `rules::membership`); here are the order of visits, the draws and the state changes.

use crate::model::{World, NONE};
use crate::rng::Rng;
use crate::rules::interventions::{
    capacity, eligible, group_size, meeting_rate, over, Programmes, ACCEPTANCE,
};
use crate::rules::membership::{add_to_prototype, newcomer_attendance, JoinRates, JOIN_TRIES};
use crate::scenario::Config;
use rand::seq::SliceRandom;
use rand::RngExt;

/// Runs before meetings each week: starts programmes, schedules their sessions, and
/// dissolves them after their last session.
pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let Some(step) = w.recorded_step() else {
        return;
    };
    for (k, p) in cfg.scenario.interventions.iter().enumerate() {
        if step == p.start {
            start(w, cfg, k, rng);
        }
        let rate = meeting_rate(p, step);
        let ended = over(p, step);
        for g in 0..w.n_groups() {
            if w.groups.programme[g] != k as u16 || !w.groups.active[g] {
                continue;
            }
            if ended {
                scaffold(w, cfg, g, p.scaffolding, rng);
                w.dissolve(g);
            } else {
                w.groups.meeting_rate[g] = rate;
            }
        }
    }
}

/// At the end of a programme each participant joins a random joinable group with room with
/// probability `p` (up to [`JOIN_TRIES`] tries), as a new member.
fn scaffold(w: &mut World, cfg: &Config, g: usize, p: f64, rng: &mut Rng) {
    let s = &cfg.scenario;
    let r = JoinRates::new(s);
    let joinable: Vec<usize> = (0..w.n_groups())
        .filter(|&h| super::membership::is_joinable(w, s, h))
        .collect();
    if joinable.is_empty() || p <= 0.0 {
        return;
    }
    let members = w.groups.members[g].to_vec();
    for i in members {
        if !rng.random_bool(p) {
            continue;
        }
        for _ in 0..JOIN_TRIES {
            let h = joinable[rng.random_range(0..joinable.len())];
            let attendance = newcomer_attendance(w.groups.attendance_logit[h]);
            if w.join(i as usize, h, r.new_identification, attendance) {
                w.counts.group_joins += 1;
                break;
            }
        }
    }
}

fn start(w: &mut World, cfg: &Config, k: usize, rng: &mut Rng) {
    let p = &cfg.scenario.interventions[k];
    let r = Programmes::new(&cfg.scenario);
    let mut offered: Vec<u32> = (0..w.n() as u32)
        .filter(|&i| eligible(&r, w.agents.loneliness[i as usize]))
        .collect();
    offered.shuffle(rng);
    let participants: Vec<u32> = offered
        .into_iter()
        .filter(|_| rng.random_bool(p.uptake))
        .take(capacity(p))
        .collect();
    for chunk in participants.chunks(group_size(p)) {
        let mut proto = vec![0.0f32; w.dims];
        for &i in chunk {
            add_to_prototype(&mut proto, w.identity_of(i as usize), chunk.len());
        }
        let kind = w.support_kind;
        let g = w.add_group(
            kind,
            NONE,
            chunk.len() as u32,
            0.0,
            p.attendance,
            ACCEPTANCE,
            &proto,
        );
        w.groups.programme[g] = k as u16;
        for &i in chunk {
            w.join(i as usize, g, r.identification, p.attendance as f32);
        }
    }
}
