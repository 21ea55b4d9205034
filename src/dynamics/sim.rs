//! One step (one week) of the model: the processes of docs/ODD.md in order, each with its own
//! random stream keyed by (job seed, step, phase). The heavy phases (meetings, interaction,
//! identity, ties, belonging) run in parallel over agents and groups with streams keyed by
//! (job, step, phase, agent or group); the others are sequential. Either way the result does
//! not depend on the number of threads.

use crate::model::{StepCounts, World};
use crate::primitives::lanes::Level;
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
    let level = Level::detect();
    w.counts = StepCounts::default();
    for p in Process::ALL {
        if runs(cfg, p) {
            process(w, cfg, job_seed, p, level);
            done(p);
        }
    }
}

/// Whether process `p` runs in this scenario's weeks: interventions and volunteering only
/// when the scenario has them, every other process always.
pub fn runs(cfg: &Config, p: Process) -> bool {
    match p {
        Process::Interventions => !cfg.scenario.interventions.is_empty(),
        Process::Volunteering => !Invitations::new(&cfg.scenario).off(),
        _ => true,
    }
}

/// Runs process `p` of week `w.t` alone, with `level`'s instructions where the process has
/// lanes (every level gives the same bits), each process from its own random stream. The
/// week is these in the order of `Process::ALL` (those that `runs`), after the week's counts
/// are reset; belonging, the last, moves the clock on. The reference week
/// (`crate::reference`) is tested against this one process at a time.
pub fn process(w: &mut World, cfg: &Config, job_seed: u64, p: Process, level: Level) {
    let t = w.t as u64;
    match p {
        Process::Events => super::events::run(w, cfg, &mut stream(job_seed, t, Phase::Events)),
        Process::Interventions => {
            super::interventions::run(w, cfg, &mut stream(job_seed, t, Phase::Interventions))
        }
        Process::Meetings => {
            super::meetings::run_at(w, cfg, phase_key(job_seed, t, Phase::Meetings), level)
        }
        Process::Interaction => {
            super::interaction::run(w, cfg, phase_key(job_seed, t, Phase::Interaction))
        }
        Process::Exclusion => {
            super::exclusion::run(w, cfg, &mut stream(job_seed, t, Phase::Exclusion))
        }
        Process::Identity => super::identity::run_at(
            w,
            cfg,
            phase_key(job_seed, t, Phase::Identity),
            &mut stream(job_seed, t, Phase::Identity),
            level,
        ),
        Process::Ties => super::ties::run_at(w, cfg, phase_key(job_seed, t, Phase::Ties), level),
        Process::Membership => super::membership::run(
            w,
            cfg,
            phase_key(job_seed, t, Phase::Membership),
            &mut stream(job_seed, t, Phase::Membership),
        ),
        Process::Volunteering => {
            super::volunteering::run(w, cfg, &mut stream(job_seed, t, Phase::Volunteering))
        }
        Process::Belonging => {
            if cfg.scenario.belonging.enabled {
                super::belonging::run_at(w, cfg, Some(level));
            } else {
                // Loneliness and belonging stay as they are; groups' coherence (an output)
                // still follows their members.
                super::belonging::update_coherence(w, cfg, false);
            }
            w.t += 1;
        }
    }
}
