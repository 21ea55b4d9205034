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

use crate::model::{World, NONE};
use crate::rng::Rng;
use crate::scenario::{Config, Intervention};
use rand::seq::SliceRandom;
use rand::RngExt;

/// Recorded week of the last session of a programme.
fn last_session(p: &Intervention) -> u32 {
    p.start + p.sessions.iter().copied().max().unwrap_or(0)
}

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
        let session = step >= p.start && p.sessions.contains(&(step - p.start));
        let over = step > last_session(p);
        for g in 0..w.n_groups() {
            if w.groups.programme[g] != k as u16 || !w.groups.active[g] {
                continue;
            }
            if over {
                scaffold(w, cfg, g, p.scaffolding, rng);
                w.dissolve(g);
            } else {
                w.groups.meeting_rate[g] = if session { 1.0 } else { 0.0 };
            }
        }
    }
}

/// At the end of a programme each participant joins a random joinable group with room with
/// probability `p` (up to three tries), as a new member.
fn scaffold(w: &mut World, cfg: &Config, g: usize, p: f64, rng: &mut Rng) {
    let s = &cfg.scenario;
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
        for _ in 0..3 {
            let h = joinable[rng.random_range(0..joinable.len())];
            let attendance = crate::model::logistic(w.groups.attendance_logit[h]);
            if w.join(
                i as usize,
                h,
                s.membership.new_identification as f32,
                attendance,
            ) {
                w.counts.group_joins += 1;
                break;
            }
        }
    }
}

fn start(w: &mut World, cfg: &Config, k: usize, rng: &mut Rng) {
    let p = &cfg.scenario.interventions[k];
    let sp = &cfg.scenario.support;
    let threshold = cfg.scenario.belonging.threshold as f32;
    let mut eligible: Vec<u32> = (0..w.n() as u32)
        .filter(|&i| w.agents.loneliness[i as usize] > threshold)
        .collect();
    eligible.shuffle(rng);
    let capacity = if p.capacity == 0 {
        usize::MAX
    } else {
        p.capacity as usize
    };
    let participants: Vec<u32> = eligible
        .into_iter()
        .filter(|_| rng.random_bool(p.uptake))
        .take(capacity)
        .collect();
    let d = w.dims;
    for chunk in participants.chunks(p.group_size.max(1) as usize) {
        let mut proto = vec![0.0f32; d];
        for &i in chunk {
            for (c, x) in proto.iter_mut().enumerate() {
                *x += w.agents.identity[i as usize * d + c] / chunk.len() as f32;
            }
        }
        let kind = w.support_kind;
        let g = w.add_group(
            kind,
            NONE,
            chunk.len() as u32,
            0.0,
            p.attendance,
            1.0,
            &proto,
        );
        w.groups.programme[g] = k as u16;
        for &i in chunk {
            w.join(i as usize, g, sp.identification as f32, p.attendance as f32);
        }
    }
}
