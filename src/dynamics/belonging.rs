//! Process 8: belonging and loneliness. Attachment, membership and collective identity each
//! saturate; belonging is their weighted sum; loneliness moves towards the relative gap
//! between need and belonging and towards tie-weighted neighbours' loneliness (contagion).
//! The agents' slower states (approach, distress, regulation) follow.

use crate::model::{distance, exp, World, FOLLOW_UP, NEVER};
use crate::scenario::Config;

/// Coherence of each group: exp(-mean distance of members to the prototype / scale).
/// Members perceive it when they meet, so it is updated for groups that met this step
/// (`all` updates every group, as at the start).
pub fn update_coherence(w: &mut World, cfg: &Config, all: bool) {
    let scale = cfg.scenario.identity.similarity_scale as f32;
    for g in 0..w.n_groups() {
        if !(all || w.groups.met[g]) {
            continue;
        }
        let members = &w.groups.members[g];
        let coherence = if members.is_empty() {
            0.0
        } else {
            let p = w.prototype_of(g);
            let total: f32 = members
                .iter()
                .map(|&i| distance(w.identity_of(i as usize), p))
                .sum();
            exp(-(total / members.len() as f32) / scale)
        };
        w.groups.coherence[g] = coherence;
    }
}

/// Attachment, membership, collective identity and belonging of every agent.
pub fn update_components(w: &mut World, cfg: &Config) {
    let b = &cfg.scenario.belonging;
    let wsum = (b.weight_attachment + b.weight_membership + b.weight_collective) as f32;
    let (wa, wm, wc) = (
        b.weight_attachment as f32 / wsum,
        b.weight_membership as f32 / wsum,
        b.weight_collective as f32 / wsum,
    );
    let (ka, km, kc) = (
        b.kappa_attachment as f32,
        b.kappa_membership as f32,
        b.kappa_collective as f32,
    );
    for i in 0..w.n() {
        let strength: f32 = w.agents.ties[i].iter().map(|t| t.weight).sum();
        let (mut sm, mut sc) = (0.0f32, 0.0f32);
        for m in &w.agents.memberships[i] {
            sm += m.ident * m.attend;
            sc += m.ident * w.groups.coherence[m.group as usize];
        }
        let a = 1.0 - exp(-strength / ka);
        let m = 1.0 - exp(-sm / km);
        let c = 1.0 - exp(-sc / kc);
        let ag = &mut w.agents;
        ag.attachment[i] = a;
        ag.membership[i] = m;
        ag.collective[i] = c;
        ag.belonging[i] = (wa * a + wm * m + wc * c).clamp(0.0, 1.0);
    }
}

pub fn run(w: &mut World, cfg: &Config) {
    update_coherence(w, cfg, false);
    update_components(w, cfg);
    let s = &cfg.scenario;
    let b = &s.belonging;
    let tr = &s.traits;
    let (rate, contagion) = (b.rate as f32, b.contagion as f32);
    let mut before = std::mem::take(&mut w.scratch_loneliness);
    before.copy_from_slice(&w.agents.loneliness);
    for i in 0..w.n() {
        let ag = &mut w.agents;
        let need = ag.need[i];
        let gap = ((need - ag.belonging[i]).max(0.0) / need).min(1.0);
        let (mut num, mut den) = (0.0f32, 0.0f32);
        for t in &ag.ties[i] {
            num += t.weight * before[t.other as usize];
            den += t.weight;
        }
        let l = before[i];
        let pull = if den > 0.0 {
            contagion * (num / den - l)
        } else {
            0.0
        };
        let l = (l + rate * (gap - l) + pull).clamp(0.0, 1.0);
        ag.loneliness[i] = l;
        // Follow-up a year after the event (SIMIC and support-effect bookkeeping).
        let e = ag.event_step[i];
        if e != NEVER && w.t == e.saturating_add(FOLLOW_UP) {
            ag.loneliness_year[i] = l;
        }
        // Slow states: approach returns to its baseline and is pushed down by loneliness
        // (hypervigilance); distress is relieved by regulation and fed by loneliness;
        // regulation returns to its baseline.
        let a = ag.approach[i];
        ag.approach[i] = (a + tr.approach_recovery as f32 * (ag.approach_base[i] - a)
            - tr.hypervigilance as f32 * l * a)
            .clamp(0.0, 1.0);
        let d = ag.distress[i];
        ag.distress[i] = (d + tr.distress_from_loneliness as f32 * l * (1.0 - d)
            - tr.distress_recovery as f32 * ag.regulation[i] * d)
            .clamp(0.0, 1.0);
        let r = ag.regulation[i];
        ag.regulation[i] =
            (r + tr.regulation_recovery as f32 * (ag.regulation_base[i] - r)).clamp(0.0, 1.0);
    }
    w.scratch_loneliness = before;
}
