//! Process 3: attendees meet co-attendees. Encounters reinforce or create ties (warmth falls
//! with both partners' loneliness; strangers bond through identification with the shared
//! group and identity similarity), relieve distress (emotional support), and in support
//! groups raise regulation (informational support) and approach (practice in seeking support).

use crate::model::{distance, exp, scan, Agents, Tie, World};
use crate::rng::{below, Rng};
use crate::scenario::Config;
use rand::RngExt;

/// Parameters of an encounter, read once per step.
struct Params {
    t: u32,
    dims: usize,
    warmth_k: f32,
    tie_gain: f32,
    new_tie: f32,
    new_weight: f32,
    min_new_weight: f32,
    similarity_scale: f32,
    emotional: f32,
}

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let s = &cfg.scenario;
    let it = &s.interaction;
    let encounters = it.encounters as usize;
    let p = Params {
        t: w.t,
        dims: w.dims,
        warmth_k: it.warmth_loneliness as f32,
        tie_gain: it.tie_gain as f32,
        new_tie: it.new_tie as f32,
        new_weight: it.new_tie_weight as f32,
        min_new_weight: s.ties.min_weight as f32 * 1.5,
        similarity_scale: s.identity.similarity_scale as f32,
        emotional: it.emotional_support as f32,
    };
    let f = s.support.facilitation as f32;
    let (info, practice) = (
        s.support.informational as f32 * f,
        s.support.practice as f32 * f,
    );
    let mut idents: Vec<f32> = Vec::new();
    let support_kind = w.support_kind;
    let groups = &w.groups;
    let agents = &mut w.agents;
    for g in 0..groups.kind.len() {
        let attendees = &groups.attendees[g];
        if !groups.met[g] || attendees.is_empty() {
            continue;
        }
        let support = groups.kind[g] == support_kind;
        idents.clear();
        idents.extend(attendees.iter().map(|&i| {
            let list = &agents.memberships[i as usize];
            scan(list, |m| m.group == g as u32).map_or(0.0, |k| list[k].ident)
        }));
        // Emotional support is stronger in facilitated support groups.
        let boost = if support { 1.0 + f } else { 1.0 };
        if attendees.len() >= 2 {
            for x in 0..attendees.len() {
                for _ in 0..encounters {
                    let mut y = below(rng, attendees.len() - 1);
                    if y >= x {
                        y += 1;
                    }
                    let trust = 0.5 * (idents[x] + idents[y]);
                    let (i, j) = (attendees[x] as usize, attendees[y] as usize);
                    encounter(agents, &p, i, j, trust, boost, rng);
                }
            }
        }
        if support {
            for &i in attendees {
                let i = i as usize;
                agents.regulation[i] += info * (1.0 - agents.regulation[i]);
                agents.approach[i] += practice * (1.0 - agents.approach[i]);
            }
        }
    }
}

/// Warmth of an encounter: the lonely signal and receive less warmth.
#[inline]
pub fn warmth(cfg: &Config, li: f32, lj: f32) -> f32 {
    warmth_k(cfg.scenario.interaction.warmth_loneliness as f32, li, lj)
}

#[inline]
fn warmth_k(k: f32, li: f32, lj: f32) -> f32 {
    (1.0 - k * li) * (1.0 - k * lj)
}

/// An encounter of i and j; `trust` is their mean identification with the shared group.
#[inline]
fn encounter(
    a: &mut Agents,
    p: &Params,
    i: usize,
    j: usize,
    trust: f32,
    boost: f32,
    rng: &mut Rng,
) {
    let t = p.t;
    let warm = warmth_k(p.warmth_k, a.loneliness[i], a.loneliness[j]);
    match scan(&a.ties[i], |x| x.other == j as u32) {
        Some(k) => {
            let old = a.ties[i][k].weight;
            let new = (old + p.tie_gain * warm * (1.0 - old)).min(1.0);
            a.ties[i][k] = Tie {
                other: j as u32,
                weight: new,
                seen: t,
            };
            if let Some(b) = scan(&a.ties[j], |x| x.other == i as u32) {
                a.ties[j][b] = Tie {
                    other: i as u32,
                    weight: new,
                    seen: t,
                };
            }
        }
        None => {
            // p = new_tie x trust x warmth x similarity; similarity (an exp) is computed only
            // when the draw falls below the bound without it.
            let bound = p.new_tie * trust * warm;
            let u: f32 = rng.random();
            let bonded = u < bound && {
                let d = p.dims;
                let sim = exp(-distance(
                    &a.identity[i * d..(i + 1) * d],
                    &a.identity[j * d..(j + 1) * d],
                ) / p.similarity_scale);
                u < bound * sim
            };
            if bonded {
                let weight = (p.new_weight * (0.5 + 0.5 * warm))
                    .max(p.min_new_weight)
                    .min(1.0);
                a.ties[i].push(Tie {
                    other: j as u32,
                    weight,
                    seen: t,
                });
                a.ties[j].push(Tie {
                    other: i as u32,
                    weight,
                    seen: t,
                });
            }
        }
    }
    // Emotional support flows both ways.
    let es = p.emotional * warm * boost;
    let (ri, rj) = (a.regulation[i], a.regulation[j]);
    a.distress[i] -= (es * rj).min(1.0) * a.distress[i];
    a.distress[j] -= (es * ri).min(1.0) * a.distress[j];
}
