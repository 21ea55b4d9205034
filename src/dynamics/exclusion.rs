//! Process 4: outside support groups, a stigmatized attendee may be excluded: more so where
//! the acceptance norm is low and the agent's identity is far from the group's prototype.
//! Exclusion lowers identification, weakens the tie to the excluder and raises `exclusion`;
//! only sustained exclusion (weeks in a row above a threshold) leads to resignation.

use crate::model::{distance, World};
use crate::rng::Rng;
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    if w.n_groups() == 0 {
        // No group has ever existed, so nobody has been excluded: every agent's exclusion
        // is 0, with no week above the threshold and no resignation, and `weekly` would
        // leave it so (resign_weeks >= 1). Nothing to do (classic scenarios).
        return;
    }
    let x = &cfg.scenario.exclusion;
    let sqrt_d = (w.dims as f32).sqrt();
    for g in 0..w.n_groups() {
        let size = w.groups.attendees[g].len();
        if !w.groups.met[g] || w.is_support(g) || size < 2 {
            continue;
        }
        let acceptance = w.groups.acceptance[g];
        // Exclusion changes no attendee list: they are read in place.
        for xi in 0..size {
            let i = w.groups.attendees[g][xi].agent as usize;
            let a = &w.agents;
            if !a.condition_active[i] || a.stigma[i] <= 0.0 {
                continue;
            }
            let far = distance(w.identity_of(i), w.prototype_of(g)) / sqrt_d;
            let p = x.rate as f32
                * a.stigma[i]
                * (1.0 - 0.5 * a.integration[i])
                * (1.0 - acceptance)
                * (0.5 + far);
            if p > 0.0 && rng.random_bool(p.min(1.0) as f64) {
                let mut y = rng.random_range(0..size - 1);
                if y >= xi {
                    y += 1;
                }
                let j = w.groups.attendees[g][y].agent as usize;
                exclude(w, cfg, i, j, g);
            }
        }
    }
    weekly(w, cfg, rng);
}

/// Weekly: exclusion fades; sustained exclusion (`resign_weeks` weeks in a row above the
/// threshold) turns into resignation; resignation lifts slowly once exclusion has faded.
pub fn weekly(w: &mut World, cfg: &Config, rng: &mut Rng) {
    let x = &cfg.scenario.exclusion;
    for i in 0..w.n() {
        let a = &mut w.agents;
        a.exclusion[i] *= 1.0 - x.decay as f32;
        if a.exclusion[i] > x.threshold as f32 {
            a.excluded_weeks[i] += 1;
        } else {
            a.excluded_weeks[i] = 0;
        }
        if a.excluded_weeks[i] >= x.resign_weeks {
            a.resigned[i] = true;
        } else if a.resigned[i]
            && a.exclusion[i] < 0.5 * x.threshold as f32
            && rng.random_bool(x.recovery)
        {
            a.resigned[i] = false;
        }
        if a.resigned[i] {
            a.approach[i] -= x.resigned_withdrawal as f32 * a.approach[i];
        }
    }
}

/// Agent j excludes agent i in group g.
pub fn exclude(w: &mut World, cfg: &Config, i: usize, j: usize, g: usize) {
    let x = &cfg.scenario.exclusion;
    if let Some(k) = w.membership_index(i, g) {
        let m = &mut w.agents.memberships[i][k];
        m.ident = (m.ident - x.identification_loss as f32).max(0.0);
        let ident = m.ident;
        // The attendee's identification as the later phases of this step read it.
        let att = &mut w.groups.attendees[g];
        if let Some(a) = att.iter_mut().find(|a| a.agent as usize == i) {
            a.ident = ident;
        }
    }
    if let Some(k) = w.tie_index(i, j as u32) {
        let tie = w.agents.ties[i][k];
        let weight = tie.weight * (1.0 - x.tie_loss as f32);
        if weight < cfg.scenario.ties.min_weight as f32 {
            w.remove_tie(i, j);
        } else {
            w.set_tie(i, j, weight, tie.seen);
        }
    }
    let a = &mut w.agents;
    a.exclusion[i] += x.hit as f32 * (1.0 - a.exclusion[i]);
    a.distress[i] = (a.distress[i] + x.distress as f32).min(1.0);
    w.counts.exclusions += 1;
}
