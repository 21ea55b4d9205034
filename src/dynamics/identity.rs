//! Process 5: identity dynamics (the rule a scenario chooses), identification with groups,
//! and integration of the condition into identity in support groups.

use crate::model::{distance, exp, World};
use crate::rng::Rng;
use crate::scenario::{Config, IdentityRule};
use rand_distr::{Distribution, Normal};

pub mod classic;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    match cfg.scenario.identity.rule {
        IdentityRule::Prototype => prototype(w, cfg, rng, true),
        IdentityRule::BoundedConfidence => {
            prototype(w, cfg, rng, false);
            classic::run(w, cfg, rng);
        }
        IdentityRule::Axelrod => {
            prototype(w, cfg, rng, false);
            classic::run(w, cfg, rng);
        }
    }
    anchoring(w, cfg);
    identification(w, cfg);
}

/// Prototype rule: each group that met moves its prototype towards the identification-weighted
/// mean of its attendees, plus noise (fluid, path-dependent); with `conform`, attendees move
/// towards the prototype in proportion to their identification. Under the classic rules
/// prototypes still follow their attendees (so identification and coherence keep their
/// meaning) but do not pull them: the classic rule alone moves identities.
pub fn prototype(w: &mut World, cfg: &Config, rng: &mut Rng, conform: bool) {
    let id = &cfg.scenario.identity;
    let d = w.dims;
    let noise = Normal::new(0.0f32, id.noise as f32).ok();
    let mut mean = vec![0.0f32; d];
    let mut idents: Vec<f32> = Vec::new();
    for g in 0..w.n_groups() {
        if !w.groups.met[g] || w.groups.attendees[g].is_empty() {
            continue;
        }
        mean.iter_mut().for_each(|m| *m = 0.0);
        let mut total = 0.0f32;
        idents.clear();
        idents.extend(
            w.groups.attendees[g]
                .iter()
                .map(|&i| w.identification(i as usize, g)),
        );
        for (&i, &s) in w.groups.attendees[g].iter().zip(&idents) {
            let i = i as usize;
            total += s;
            for (k, m) in mean.iter_mut().enumerate() {
                *m += s * w.agents.identity[i * d + k];
            }
        }
        for k in 0..d {
            let p = &mut w.groups.prototype[g * d + k];
            let pull = if total > 0.0 {
                id.drift as f32 * (mean[k] / total - *p)
            } else {
                0.0
            };
            let eps = noise.as_ref().map_or(0.0, |n| n.sample(rng));
            *p = (*p + pull + eps).clamp(0.0, 1.0);
        }
        if !conform {
            continue;
        }
        for x in 0..w.groups.attendees[g].len() {
            let i = w.groups.attendees[g][x] as usize;
            let rate = id.conformity as f32 * idents[x];
            for k in 0..d {
                let p = w.groups.prototype[g * d + k];
                let xi = &mut w.agents.identity[i * d + k];
                *xi = (*xi + rate * (p - *xi)).clamp(0.0, 1.0);
            }
        }
    }
}

/// Every agent's identity returns a little towards its personal identity each week, so group
/// influence does not dissolve all individuality.
pub fn anchoring(w: &mut World, cfg: &Config) {
    let rate = cfg.scenario.identity.anchoring as f32;
    if rate <= 0.0 {
        return;
    }
    let a = &mut w.agents;
    for (x, base) in a.identity.iter_mut().zip(&a.identity_base) {
        *x += rate * (*base - *x);
    }
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
    for i in 0..w.n() {
        for k in 0..w.agents.memberships[i].len() {
            let m = w.agents.memberships[i][k];
            let g = m.group as usize;
            if !w.groups.met[g] {
                continue;
            }
            let sim = similarity(
                &w.agents.identity[i * d..(i + 1) * d],
                &w.groups.prototype[g * d..(g + 1) * d],
                id.similarity_scale,
            );
            let support = w.is_support(g);
            let shared_fate = support
                && w.groups.focus[g] != crate::model::NONE
                && w.agents.condition[i] == w.groups.focus[g];
            let target = id.similarity_weight as f32 * sim
                + id.attendance_weight as f32 * m.attend
                + if shared_fate {
                    s.support.shared_fate as f32
                } else {
                    0.0
                };
            let rec = &mut w.agents.memberships[i][k];
            rec.ident = (rec.ident + rate * (target.min(1.0) - rec.ident)).clamp(0.0, 1.0);
            if shared_fate && w.groups.attendees[g].contains(&(i as u32)) {
                let ident = rec.ident;
                let integ = &mut w.agents.integration[i];
                *integ += s.support.integration_rate as f32 * ident * (1.0 - *integ);
            }
        }
    }
}
