//! One step (one week) of the model: the processes of docs/ODD.md in order, each with its own
//! random stream keyed by (job seed, step, phase). The heavy phases (meetings, interaction,
//! identity, ties, belonging) run in parallel over agents and groups with streams keyed by
//! (job, step, phase, agent or group); the others are sequential. Either way the result does
//! not depend on the number of threads.

use crate::model::{StepCounts, World};
use crate::rng::{phase_key, stream, Phase};
use crate::rules::volunteering::Invitations;
use crate::scenario::Config;

/// The processes of a step, in their order (`step_with` reports the end of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    Events,
    Interventions,
    Meetings,
    Interaction,
    Exclusion,
    Identity,
    Ties,
    Membership,
    Volunteering,
    Belonging,
}

impl Process {
    pub const ALL: [Process; 10] = [
        Process::Events,
        Process::Interventions,
        Process::Meetings,
        Process::Interaction,
        Process::Exclusion,
        Process::Identity,
        Process::Ties,
        Process::Membership,
        Process::Volunteering,
        Process::Belonging,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Process::Events => "events",
            Process::Interventions => "interventions",
            Process::Meetings => "meetings",
            Process::Interaction => "interaction",
            Process::Exclusion => "exclusion",
            Process::Identity => "identity",
            Process::Ties => "ties",
            Process::Membership => "membership",
            Process::Volunteering => "volunteering",
            Process::Belonging => "belonging",
        }
    }
}

/// Advances the world by one week.
pub fn step(w: &mut World, cfg: &Config, job_seed: u64) {
    step_with(w, cfg, job_seed, |_| {});
}

/// Advances the world by one week, calling `done(p)` as each process `p` ends (for timing
/// them: `examples/scale.rs`). Interventions and volunteering are reported only when the
/// scenario has them.
///
/// Called from outside the rayon pool (a library user's main thread), the whole week runs on
/// one of the pool's workers: otherwise every parallel process would be handed to a worker
/// and waited for, and the world's data would move between cores' caches at every process.
/// Where it runs does not change a number.
pub fn step_with(w: &mut World, cfg: &Config, job_seed: u64, done: impl FnMut(Process) + Send) {
    if rayon::current_thread_index().is_none() {
        rayon::scope(|_| week(w, cfg, job_seed, done));
    } else {
        week(w, cfg, job_seed, done);
    }
}

fn week(w: &mut World, cfg: &Config, job_seed: u64, mut done: impl FnMut(Process)) {
    let t = w.t as u64;
    w.counts = StepCounts::default();
    super::events::run(w, cfg, &mut stream(job_seed, t, Phase::Events));
    done(Process::Events);
    if !cfg.scenario.interventions.is_empty() {
        super::interventions::run(w, cfg, &mut stream(job_seed, t, Phase::Interventions));
        done(Process::Interventions);
    }
    super::meetings::run(w, cfg, phase_key(job_seed, t, Phase::Meetings));
    done(Process::Meetings);
    super::interaction::run(w, cfg, phase_key(job_seed, t, Phase::Interaction));
    done(Process::Interaction);
    super::exclusion::run(w, cfg, &mut stream(job_seed, t, Phase::Exclusion));
    done(Process::Exclusion);
    super::identity::run(
        w,
        cfg,
        phase_key(job_seed, t, Phase::Identity),
        &mut stream(job_seed, t, Phase::Identity),
    );
    done(Process::Identity);
    super::ties::run(w, cfg, phase_key(job_seed, t, Phase::Ties));
    done(Process::Ties);
    super::membership::run(
        w,
        cfg,
        phase_key(job_seed, t, Phase::Membership),
        &mut stream(job_seed, t, Phase::Membership),
    );
    done(Process::Membership);
    if !Invitations::new(&cfg.scenario).off() {
        super::volunteering::run(w, cfg, &mut stream(job_seed, t, Phase::Volunteering));
        done(Process::Volunteering);
    }
    if cfg.scenario.belonging.enabled {
        super::belonging::run(w, cfg);
    } else {
        // Loneliness and belonging stay as they are; groups' coherence (an output) still
        // follows their members.
        super::belonging::update_coherence(w, cfg, false);
    }
    w.t += 1;
    done(Process::Belonging);
}
