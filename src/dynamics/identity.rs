//! Process 5: identity dynamics (the rule a scenario chooses), identification with groups,
//! and integration of the condition into identity in support groups.

use crate::model::{distance, exp, scan, Groups, World, NONE};
use crate::rng::{group_stream, Rng, PAR_MIN};
use crate::scenario::{Config, IdentityRule};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

pub mod classic;

pub fn run(w: &mut World, cfg: &Config, key: u64, rng: &mut Rng) {
    match cfg.scenario.identity.rule {
        IdentityRule::Prototype => prototype(w, cfg, key, true),
        IdentityRule::BoundedConfidence | IdentityRule::Axelrod => {
            prototype(w, cfg, key, false);
            classic::run(w, cfg, rng);
        }
    }
    anchoring(w, cfg);
    identification(w, cfg);
}

/// Prototype rule: each group that met moves its prototype towards the identification-weighted
/// mean of its attendees, plus noise (fluid, path-dependent); with `conform`, attendees move
/// towards the prototypes of the groups they attended in proportion to their identification.
/// Under the classic rules prototypes still follow their attendees (so identification and
/// coherence keep their meaning) but do not pull them: the classic rule alone moves identities.
///
/// Synchronous and parallel: every prototype moves from the identities at the start of the
/// phase (groups in parallel, each with its own noise stream), then every agent conforms
/// (agents in parallel, in the order of its memberships).
pub fn prototype(w: &mut World, cfg: &Config, key: u64, conform: bool) {
    let id = &cfg.scenario.identity;
    let d = w.dims;
    if d == 0 {
        return;
    }
    let noise = Normal::new(0.0f32, id.noise as f32).ok();
    let drift = id.drift as f32;
    let Groups {
        met,
        attendees,
        prototype,
        ..
    } = &mut w.groups;
    let (identity, memberships) = (&w.agents.identity, &w.agents.memberships);
    prototype
        .par_chunks_mut(d)
        .enumerate()
        .with_min_len(PAR_MIN / 8)
        .for_each(|(g, proto)| {
            let att = &attendees[g];
            if !met[g] || att.is_empty() {
                return;
            }
            // Identification-weighted mean, accumulated dimension by dimension in attendee
            // order (no scratch buffer needed: dims is small).
            let mut rng = group_stream(key, g);
            let ident = |i: usize| {
                let list = &memberships[i];
                scan(list, |m| m.group == g as u32).map_or(0.0, |k| list[k].ident)
            };
            let total: f32 = att.iter().map(|&i| ident(i as usize)).sum();
            for (k, p) in proto.iter_mut().enumerate() {
                let pull = if total > 0.0 {
                    let m: f32 = att
                        .iter()
                        .map(|&i| ident(i as usize) * identity[i as usize * d + k])
                        .sum();
                    drift * (m / total - *p)
                } else {
                    0.0
                };
                let eps = noise.as_ref().map_or(0.0, |n| n.sample(&mut rng));
                *p = (*p + pull + eps).clamp(0.0, 1.0);
            }
        });
    if !conform {
        return;
    }
    let conformity = id.conformity as f32;
    let (met, prototype) = (&*met, &*prototype);
    w.agents
        .identity
        .par_chunks_mut(d)
        .zip(memberships.par_iter())
        .with_min_len(PAR_MIN)
        .for_each(|(xi, list)| {
            for m in list {
                let g = m.group as usize;
                if !(m.came && met[g]) {
                    continue;
                }
                let rate = conformity * m.ident;
                for (x, &p) in xi.iter_mut().zip(&prototype[g * d..(g + 1) * d]) {
                    *x = (*x + rate * (p - *x)).clamp(0.0, 1.0);
                }
            }
        });
}

/// Every agent's identity returns a little towards its personal identity each week, so group
/// influence does not dissolve all individuality.
pub fn anchoring(w: &mut World, cfg: &Config) {
    let rate = cfg.scenario.identity.anchoring as f32;
    if rate <= 0.0 {
        return;
    }
    let a = &mut w.agents;
    a.identity
        .par_iter_mut()
        .zip(a.identity_base.par_iter())
        .with_min_len(PAR_MIN)
        .for_each(|(x, base)| *x += rate * (*base - *x));
}

/// Similarity of an identity to a prototype, in (0, 1].
#[inline]
pub fn similarity(a: &[f32], b: &[f32], scale: f64) -> f32 {
    exp(-distance(a, b) / scale as f32)
}

/// Identification moves towards a target that grows with similarity to the prototype,
/// attendance and, in support groups, shared fate; support-group attendees integrate their
/// condition into their identity.
pub fn identification(w: &mut World, cfg: &Config) {
    let s = &cfg.scenario;
    let id = &s.identity;
    let d = w.dims;
    let rate = id.identification_rate as f32;
    let (w_sim, w_att, fate) = (
        id.similarity_weight as f32,
        id.attendance_weight as f32,
        s.support.shared_fate as f32,
    );
    let integration_rate = s.support.integration_rate as f32;
    let support_kind = w.support_kind;
    let Groups {
        kind,
        focus,
        met,
        prototype,
        ..
    } = &w.groups;
    let a = &mut w.agents;
    let (identity, condition) = (&a.identity, &a.condition);
    a.memberships
        .par_iter_mut()
        .zip(a.integration.par_iter_mut())
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(|(i, (list, integ))| {
            for rec in list.iter_mut() {
                let g = rec.group as usize;
                if !met[g] {
                    continue;
                }
                let sim = similarity(
                    &identity[i * d..(i + 1) * d],
                    &prototype[g * d..(g + 1) * d],
                    id.similarity_scale,
                );
                let shared_fate =
                    kind[g] == support_kind && focus[g] != NONE && condition[i] == focus[g];
                let target =
                    w_sim * sim + w_att * rec.attend + if shared_fate { fate } else { 0.0 };
                rec.ident = (rec.ident + rate * (target.min(1.0) - rec.ident)).clamp(0.0, 1.0);
                if shared_fate && rec.came {
                    *integ += integration_rate * rec.ident * (1.0 - *integ);
                }
            }
        });
}
