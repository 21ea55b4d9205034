//! Process 3: attendees meet co-attendees. Encounters reinforce or create ties (warmth falls
//! with both partners' loneliness; strangers bond through identification with the shared
//! group and identity similarity), relieve distress (emotional support), and in support
//! groups raise regulation (informational support) and approach (practice in seeking support).

use crate::model::{distance, exp, World};
use crate::rng::Rng;
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let s = &cfg.scenario;
    let it = &s.interaction;
    let encounters = it.encounters as usize;
    let mut attendees = Vec::new();
    let mut idents: Vec<f32> = Vec::new();
    for g in 0..w.n_groups() {
        if !w.groups.met[g] || w.groups.attendees[g].is_empty() {
            continue;
        }
        // Take the list out so the world can be mutated while walking it; put it back after.
        std::mem::swap(&mut attendees, &mut w.groups.attendees[g]);
        let support = w.is_support(g);
        idents.clear();
        idents.extend(attendees.iter().map(|&i| w.identification(i as usize, g)));
        if attendees.len() >= 2 {
            for x in 0..attendees.len() {
                for _ in 0..encounters {
                    let mut y = rng.random_range(0..attendees.len() - 1);
                    if y >= x {
                        y += 1;
                    }
                    let trust = 0.5 * (idents[x] + idents[y]);
                    let (i, j) = (attendees[x] as usize, attendees[y] as usize);
                    encounter(w, cfg, i, j, trust, support, rng);
                }
            }
        }
        if support {
            let f = s.support.facilitation as f32;
            let (info, practice) = (
                s.support.informational as f32 * f,
                s.support.practice as f32 * f,
            );
            for &i in &attendees {
                let i = i as usize;
                let a = &mut w.agents;
                a.regulation[i] += info * (1.0 - a.regulation[i]);
                a.approach[i] += practice * (1.0 - a.approach[i]);
            }
        }
        std::mem::swap(&mut attendees, &mut w.groups.attendees[g]);
    }
}

/// Warmth of an encounter: the lonely signal and receive less warmth.
#[inline]
pub fn warmth(cfg: &Config, li: f32, lj: f32) -> f32 {
    let k = cfg.scenario.interaction.warmth_loneliness as f32;
    (1.0 - k * li) * (1.0 - k * lj)
}

/// An encounter of i and j; `trust` is their mean identification with the shared group.
fn encounter(
    w: &mut World,
    cfg: &Config,
    i: usize,
    j: usize,
    trust: f32,
    support: bool,
    rng: &mut Rng,
) {
    let s = &cfg.scenario;
    let it = &s.interaction;
    let t = w.t;
    let warm = warmth(cfg, w.agents.loneliness[i], w.agents.loneliness[j]);
    match w.tie_index(i, j as u32) {
        Some(k) => {
            let old = w.agents.ties[i][k].weight;
            let new = (old + it.tie_gain as f32 * warm * (1.0 - old)).min(1.0);
            let tie = &mut w.agents.ties[i][k];
            tie.weight = new;
            tie.seen = t;
            if let Some(b) = w.tie_index(j, i as u32) {
                let back = &mut w.agents.ties[j][b];
                back.weight = new;
                back.seen = t;
            }
        }
        None => {
            // p = new_tie x trust x warmth x similarity; similarity (an exp) is computed only
            // when the draw falls below the bound without it.
            let bound = it.new_tie as f32 * trust * warm;
            let u: f32 = rng.random();
            let bonded = u < bound && {
                let sim = exp(-distance(w.identity_of(i), w.identity_of(j))
                    / s.identity.similarity_scale as f32);
                u < bound * sim
            };
            if bonded {
                let weight = (it.new_tie_weight as f32 * (0.5 + 0.5 * warm))
                    .max(s.ties.min_weight as f32 * 1.5)
                    .min(1.0);
                w.set_tie(i, j, weight, t);
            }
        }
    }
    // Emotional support flows both ways, stronger in facilitated support groups.
    let boost = if support {
        1.0 + s.support.facilitation as f32
    } else {
        1.0
    };
    let es = it.emotional_support as f32 * warm * boost;
    let a = &mut w.agents;
    let (ri, rj) = (a.regulation[i], a.regulation[j]);
    a.distress[i] -= (es * rj).min(1.0) * a.distress[i];
    a.distress[j] -= (es * ri).min(1.0) * a.distress[j];
}
