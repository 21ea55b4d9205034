//! One step (one week) of the model: the processes of docs/ODD.md in order, each with its own
//! random stream keyed by (job seed, step, phase). The heavy phases (meetings, interaction,
//! identity, ties, belonging) run in parallel over agents and groups with streams keyed by
//! (job, step, phase, agent or group); the others are sequential. Either way the result does
//! not depend on the number of threads.

use crate::model::{StepCounts, World};
use crate::rng::{phase_key, stream, Phase};
use crate::scenario::Config;

/// Advances the world by one week.
pub fn step(w: &mut World, cfg: &Config, job_seed: u64) {
    let t = w.t as u64;
    w.counts = StepCounts::default();
    super::events::run(w, cfg, &mut stream(job_seed, t, Phase::Events));
    if !cfg.scenario.interventions.is_empty() {
        super::interventions::run(w, cfg, &mut stream(job_seed, t, Phase::Interventions));
    }
    super::meetings::run(w, cfg, phase_key(job_seed, t, Phase::Meetings));
    super::interaction::run(w, cfg, phase_key(job_seed, t, Phase::Interaction));
    super::exclusion::run(w, cfg, &mut stream(job_seed, t, Phase::Exclusion));
    super::identity::run(
        w,
        cfg,
        phase_key(job_seed, t, Phase::Identity),
        &mut stream(job_seed, t, Phase::Identity),
    );
    super::ties::run(w, cfg, phase_key(job_seed, t, Phase::Ties));
    super::membership::run(w, cfg, &mut stream(job_seed, t, Phase::Membership));
    super::belonging::run(w, cfg);
    w.t += 1;
}
