//! Process 5: identity dynamics (the rule a scenario chooses), identification with groups,
//! and integration of the condition into identity in support groups.

use crate::model::{distance, exp, Attendee, Groups, World, NONE};
use crate::rng::{group_stream, Rng, PAR_MIN};
use crate::scenario::validate::MAX_DIMS;
use crate::scenario::{Config, IdentityRule};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

pub mod classic;

pub fn run(w: &mut World, cfg: &Config, key: u64, rng: &mut Rng) {
    prototypes(w, cfg, key);
    let conform = match cfg.scenario.identity.rule {
        IdentityRule::Prototype => true,
        IdentityRule::BoundedConfidence | IdentityRule::Axelrod => {
            classic::run(w, cfg, rng);
            false
        }
    };
    agents(w, cfg, conform);
}

/// Each group that met moves its prototype towards the identification-weighted mean of its
/// attendees, plus noise (fluid, path-dependent). Under the classic rules prototypes still
/// follow their attendees (so identification and coherence keep their meaning) but do not
/// pull them: the classic rule alone moves identities.
///
/// Synchronous and parallel: every prototype moves from the identities at the start of the
/// phase (groups in parallel, each with its own noise stream).
pub fn prototypes(w: &mut World, cfg: &Config, key: u64) {
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
            let mut total = 0.0f32;
            let mut sums = [0.0f32; MAX_DIMS as usize];
            for &Attendee { agent: i, ident: s } in att {
                total += s;
                let x = &identity[i as usize * d..(i as usize + 1) * d];
                for (m, &x) in sums.iter_mut().zip(x) {
                    *m += s * x;
                }
            }
            for (p, &m) in proto.iter_mut().zip(&sums) {
                let pull = if total > 0.0 {
                    drift * (m / total - *p)
                } else {
                    0.0
                };
                let eps = noise.as_ref().map_or(0.0, |n| n.sample(&mut rng));
                *p = (*p + pull + eps).clamp(0.0, 1.0);
            }
        });
}

/// Similarity of an identity to a prototype, in (0, 1].
#[inline]
pub fn similarity(a: &[f32], b: &[f32], scale: f64) -> f32 {
    exp(-distance(a, b) / scale as f32)
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
    let s = &cfg.scenario;
    let id = &s.identity;
    let d = w.dims;
    let conformity = id.conformity as f32;
    let anchoring = id.anchoring as f32;
    let rate = id.identification_rate as f32;
    let (w_sim, w_att, fate) = (
        id.similarity_weight as f32,
        id.attendance_weight as f32,
        s.support.shared_fate as f32,
    );
    let integration_rate = s.support.integration_rate as f32;
    if w.n_groups() == 0 && anchoring <= 0.0 {
        return; // no membership to update and no anchor to pull (classic scenarios)
    }
    let support_kind = w.support_kind;
    let Groups {
        kind,
        focus,
        met,
        prototype,
        ..
    } = &w.groups;
    let a = &mut w.agents;
    let (identity_base, condition) = (&a.identity_base, &a.condition);
    a.memberships
        .par_slices_mut()
        .zip(a.integration.par_iter_mut())
        .zip(a.identity.par_chunks_mut(d))
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(|(i, ((list, integ), xi))| {
            if conform {
                for m in list.iter() {
                    let g = m.group as usize;
                    if !(m.came && met[g]) {
                        continue;
                    }
                    let rate = conformity * m.ident;
                    for (x, &p) in xi.iter_mut().zip(&prototype[g * d..(g + 1) * d]) {
                        *x = (*x + rate * (p - *x)).clamp(0.0, 1.0);
                    }
                }
            }
            if anchoring > 0.0 {
                for (x, base) in xi.iter_mut().zip(&identity_base[i * d..(i + 1) * d]) {
                    *x += anchoring * (*base - *x);
                }
            }
            for rec in list.iter_mut() {
                let g = rec.group as usize;
                if !met[g] {
                    continue;
                }
                let sim = similarity(xi, &prototype[g * d..(g + 1) * d], id.similarity_scale);
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
