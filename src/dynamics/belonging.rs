//! Process 8: belonging and loneliness. Attachment, membership and collective identity each
//! saturate; belonging is their weighted sum; loneliness moves towards the relative gap
//! between need and belonging and towards tie-weighted neighbours' loneliness (contagion).
//! The agents' slower states (approach, distress, regulation) follow.

use crate::model::{distance, exp, Groups, Member, Tie, World, FOLLOW_UP, NEVER};
use crate::rng::PAR_MIN;
use crate::scenario::Config;
use rayon::prelude::*;

/// Coherence of each group: exp(-mean distance of members to the prototype / scale).
/// Members perceive it when they meet, so it is updated for groups that met this step
/// (`all` updates every group, as at the start).
pub fn update_coherence(w: &mut World, cfg: &Config, all: bool) {
    let scale = cfg.scenario.identity.similarity_scale as f32;
    let d = w.dims;
    let Groups {
        met,
        members,
        prototype,
        coherence,
        ..
    } = &mut w.groups;
    let identity = &w.agents.identity;
    coherence
        .par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN / 8)
        .for_each(|(g, coherence)| {
            if !(all || met[g]) {
                return;
            }
            let members = &members[g];
            *coherence = if members.is_empty() {
                0.0
            } else {
                let p = &prototype[g * d..(g + 1) * d];
                let total: f32 = members
                    .iter()
                    .map(|&i| distance(&identity[i as usize * d..(i as usize + 1) * d], p))
                    .sum();
                exp(-(total / members.len() as f32) / scale)
            };
        });
}

/// Saturation constants and normalised weights of the three components of belonging.
#[derive(Clone, Copy)]
struct Components {
    wa: f32,
    wm: f32,
    wc: f32,
    ka: f32,
    km: f32,
    kc: f32,
}

impl Components {
    fn new(cfg: &Config) -> Self {
        let b = &cfg.scenario.belonging;
        let wsum = (b.weight_attachment + b.weight_membership + b.weight_collective) as f32;
        Components {
            wa: b.weight_attachment as f32 / wsum,
            wm: b.weight_membership as f32 / wsum,
            wc: b.weight_collective as f32 / wsum,
            ka: b.kappa_attachment as f32,
            km: b.kappa_membership as f32,
            kc: b.kappa_collective as f32,
        }
    }

    /// (attachment, membership, collective identity, belonging) of one agent.
    #[inline]
    fn of(&self, ties: &[Tie], list: &[Member], coherence: &[f32]) -> [f32; 4] {
        let strength: f32 = ties.iter().map(|t| t.weight).sum();
        self.of_strength(strength, list, coherence)
    }

    /// The same from the agent's tie strength (sum of its ties' weights, in list order).
    #[inline]
    fn of_strength(&self, strength: f32, list: &[Member], coherence: &[f32]) -> [f32; 4] {
        let (mut sm, mut sc) = (0.0f32, 0.0f32);
        for m in list {
            sm += m.ident * m.attend;
            sc += m.ident * coherence[m.group as usize];
        }
        let a = saturate(strength, self.ka);
        let m = saturate(sm, self.km);
        let c = saturate(sc, self.kc);
        let b = (self.wa * a + self.wm * m + self.wc * c).clamp(0.0, 1.0);
        [a, m, c, b]
    }
}

/// 1 - e^(-x / k): a component of belonging with diminishing returns. Exactly 0 for x = 0,
/// as the formula gives, without computing e^0 (agents with no group, or no tie).
#[inline]
fn saturate(x: f32, k: f32) -> f32 {
    if x == 0.0 {
        0.0
    } else {
        1.0 - exp(-x / k)
    }
}

/// Attachment, membership, collective identity and belonging of every agent.
pub fn update_components(w: &mut World, cfg: &Config) {
    let k = Components::new(cfg);
    let coherence = &w.groups.coherence;
    let ag = &mut w.agents;
    (
        ag.attachment.par_iter_mut(),
        ag.membership.par_iter_mut(),
        ag.collective.par_iter_mut(),
        ag.belonging.par_iter_mut(),
        ag.ties.par_iter(),
        ag.memberships.par_iter(),
    )
        .into_par_iter()
        .with_min_len(PAR_MIN)
        .for_each(
            |(attachment, membership, collective, belonging, ties, list)| {
                [*attachment, *membership, *collective, *belonging] = k.of(ties, list, coherence);
            },
        );
}

/// Coherence of the groups that met, then every agent's components of belonging and its
/// loneliness and slow states, in one pass over the agents (in parallel: an agent reads its
/// own components and the loneliness of its ties' partners at the start of the pass).
pub fn run(w: &mut World, cfg: &Config) {
    update_coherence(w, cfg, false);
    let k = Components::new(cfg);
    let coherence = &w.groups.coherence;
    let s = &cfg.scenario;
    let b = &s.belonging;
    let tr = &s.traits;
    let (rate, contagion) = (b.rate as f32, b.contagion as f32);
    let (approach_recovery, hypervigilance) =
        (tr.approach_recovery as f32, tr.hypervigilance as f32);
    let (from_loneliness, distress_recovery, regulation_recovery) = (
        tr.distress_from_loneliness as f32,
        tr.distress_recovery as f32,
        tr.regulation_recovery as f32,
    );
    let t = w.t;
    // The tie sums of this step's tie maintenance, if it left them (the ties have not changed
    // since, nor has anyone's loneliness: the same sums in the same order as below).
    let sums = (w.carry.tie_sums_at == Some(t)).then_some(&w.carry.tie_sums[..]);
    // Without them, the partners' loneliness at the start of the phase is needed: a copy.
    let mut before = std::mem::take(&mut w.scratch_loneliness);
    if sums.is_none() {
        before.copy_from_slice(&w.agents.loneliness);
    }
    let ag = &mut w.agents;
    let (need, ties, memberships, event_step) =
        (&ag.need, &ag.ties, &ag.memberships, &ag.event_step);
    let (approach_base, regulation_base) = (&ag.approach_base, &ag.regulation_base);
    let before_ref = &before;
    (
        (
            ag.attachment.par_iter_mut(),
            ag.membership.par_iter_mut(),
            ag.collective.par_iter_mut(),
            ag.belonging.par_iter_mut(),
        ),
        ag.loneliness.par_iter_mut(),
        ag.loneliness_year.par_iter_mut(),
        ag.approach.par_iter_mut(),
        ag.distress.par_iter_mut(),
        ag.regulation.par_iter_mut(),
    )
        .into_par_iter()
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(
            |(i, (parts, lonely, year, approach, distress, regulation))| {
                let (attachment, membership, collective, belonging) = parts;
                let before = before_ref;
                let (den, num) = match sums {
                    Some(sums) => (sums[i][0], sums[i][1]),
                    None => {
                        let (mut num, mut den) = (0.0f32, 0.0f32);
                        for t in &ties[i] {
                            num += t.weight * before[t.other as usize];
                            den += t.weight;
                        }
                        (den, num)
                    }
                };
                // Tie strength: the sum of the weights in list order (= den).
                let c = k.of_strength(den, &memberships[i], coherence);
                [*attachment, *membership, *collective, *belonging] = c;
                let need = need[i];
                let gap = ((need - c[3]).max(0.0) / need).min(1.0);
                // The agent's own loneliness at the start of the phase (only it writes it).
                let l = *lonely;
                let pull = if den > 0.0 {
                    contagion * (num / den - l)
                } else {
                    0.0
                };
                let l = (l + rate * (gap - l) + pull).clamp(0.0, 1.0);
                *lonely = l;
                // Follow-up a year after the event (SIMIC and support-effect bookkeeping).
                let e = event_step[i];
                if e != NEVER && t == e.saturating_add(FOLLOW_UP) {
                    *year = l;
                }
                // Slow states: approach returns to its baseline and is pushed down by loneliness
                // (hypervigilance); distress is relieved by regulation and fed by loneliness;
                // regulation returns to its baseline.
                let a = *approach;
                *approach = (a + approach_recovery * (approach_base[i] - a)
                    - hypervigilance * l * a)
                    .clamp(0.0, 1.0);
                let d = *distress;
                *distress = (d + from_loneliness * l * (1.0 - d)
                    - distress_recovery * *regulation * d)
                    .clamp(0.0, 1.0);
                let r = *regulation;
                *regulation = (r + regulation_recovery * (regulation_base[i] - r)).clamp(0.0, 1.0);
            },
        );
    w.scratch_loneliness = before;
}
