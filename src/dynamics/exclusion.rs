//! Process 4: outside support groups, a stigmatized attendee may be excluded: more so where
//! the acceptance norm is low and the agent's identity is far from the group's prototype.
//! Exclusion lowers identification, weakens the tie to the excluder and raises `exclusion`;
//! only sustained exclusion (weeks in a row above a threshold) leads to resignation. The
//! rules are `rules::exclusion` (ODD §6.4); here are the order of visits, the draws and the
//! state changes.

use crate::model::{distance, World};
use crate::rng::Rng;
use crate::rules::events::add_distress;
use crate::rules::exclusion::{
    exposed, fade, hit, identification_after, probability, resigned, tie_after, weeks_excluded,
    withdraw, ExclusionRates,
};
use crate::scenario::Config;
use rand::RngExt;

pub fn run(w: &mut World, cfg: &Config, rng: &mut Rng) {
    if w.n_groups() == 0 {
        // No group has ever existed, so nobody has been excluded: every agent's exclusion
        // is 0, with no week above the threshold and no resignation, and `weekly` would
        // leave it so (resign_weeks >= 1). Nothing to do (classic scenarios).
        return;
    }
    let r = ExclusionRates::new(&cfg.scenario);
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
            if !exposed(a.condition_active[i], a.stigma[i]) {
                continue;
            }
            let dist = distance(w.identity_of(i), w.prototype_of(g));
            let p = probability(&r, a.stigma[i], a.integration[i], acceptance, dist, sqrt_d);
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
    let r = ExclusionRates::new(&cfg.scenario);
    for i in 0..w.n() {
        let a = &mut w.agents;
        a.exclusion[i] = fade(&r, a.exclusion[i]);
        a.excluded_weeks[i] = weeks_excluded(&r, a.exclusion[i], a.excluded_weeks[i]);
        a.resigned[i] = resigned(&r, a.excluded_weeks[i], a.resigned[i], a.exclusion[i], rng);
        if a.resigned[i] {
            a.approach[i] = withdraw(&r, a.approach[i]);
        }
    }
}

/// Agent j excludes agent i in group g.
pub fn exclude(w: &mut World, cfg: &Config, i: usize, j: usize, g: usize) {
    let r = ExclusionRates::new(&cfg.scenario);
    if let Some(k) = w.membership_index(i, g) {
        let m = &mut w.agents.memberships[i][k];
        m.ident = identification_after(&r, m.ident);
        let ident = m.ident;
        // The attendee's identification as the later phases of this step read it.
        let att = &mut w.groups.attendees[g];
        if let Some(a) = att.iter_mut().find(|a| a.agent as usize == i) {
            a.ident = ident;
        }
    }
    if let Some(k) = w.tie_index(i, j as u32) {
        let tie = w.agents.ties[i][k];
        match tie_after(&r, tie.weight) {
            Some(weight) => w.set_tie(i, j, weight, tie.seen),
            None => w.remove_tie(i, j),
        }
    }
    let a = &mut w.agents;
    a.exclusion[i] = hit(&r, a.exclusion[i]);
    a.distress[i] = add_distress(a.distress[i], r.distress);
    w.counts.exclusions += 1;
}
