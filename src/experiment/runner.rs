//! The parallel runner: jobs of a plan on a rayon pool, each result handed to a sink as soon
//! as its job ends. Results never depend on the thread count: every job has its own seed
//! and its own world.

use super::interrupt;
use super::job::{run_job_probed, JobResult, Probe};
use super::plan::Plan;
use crate::scenario::Config;
use rayon::prelude::*;
use std::borrow::Cow;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "this run is too large for this machine: about {need_mb} MB would be needed at its \
         peak ({agents} agents x {concurrent} jobs at once, with snapshots, trajectories and \
         tables) but only {available_mb} MB are available; use fewer agents, fewer threads \
         (--threads), fewer snapshots (output.snapshot_every) or fewer jobs"
    )]
    TooLarge {
        agents: u64,
        concurrent: u64,
        need_mb: u64,
        available_mb: u64,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Pool { threads: usize, message: String },
    #[error("{0}")]
    Sink(String),
    /// A job's configuration could not be built (a sweep point found invalid when it ran).
    #[error("{0}")]
    Config(String),
    /// A stop was requested ([`interrupt::request`]: SIGINT, SIGTERM); the jobs that had
    /// finished were handed to the sink, the others were dropped.
    #[error("interrupted")]
    Interrupted,
}

/// Ties an agent holds (both ends of a tie are stored, one with each agent): those made
/// inside its groups, plus the acquaintances of the town or the ties of a classic network.
pub fn expected_ties_per_agent(s: &crate::scenario::Scenario) -> f64 {
    use crate::scenario::{Generator, Neighbourhood};
    let nw = &s.network;
    let in_groups = crate::dynamics::init::expected_degree(s) - nw.cross_ties;
    let n = f64::from(s.population.size);
    in_groups.max(0.0)
        + match nw.generator {
            Generator::Groups => nw.cross_ties,
            Generator::Lattice => match nw.neighbourhood {
                Neighbourhood::VonNeumann => 4.0,
                Neighbourhood::Moore => 8.0,
            },
            Generator::Complete => (n - 1.0).max(0.0),
            Generator::ErdosRenyi => nw.mean_degree,
            Generator::WattsStrogatz => f64::from(nw.k),
            Generator::BarabasiAlbert => 2.0 * f64::from(nw.m),
        }
}

/// Bytes of the process before any world: the program, its fonts, thread stacks, the
/// bitmap of a plot being drawn (1600 × 1420 pixels), buffers.
pub const BASE_BYTES: u64 = 32 << 20;

/// Peak bytes of one world over its build and its weeks, per agent: `140` of state, `115`
/// per group membership (its entries in the agent's and the group's lists, attendance, room
/// to grow) and `27` per tie an agent holds (the tie on each side, room to grow, the edges
/// of the build). Measured peaks (`examples/scale`, 2026-12-07): 706 bytes per agent for the
/// default town at 1,000,000 agents (estimate 788), 847 for `simic` (931), 1,168 for an
/// Erdős–Rényi town of mean degree 20 (1,285), 234 for Axelrod's lattice (248), 76,004 for
/// bounded confidence's complete graph of 3,000 (81,113): the coefficients are rounded up
/// so that no case is under-estimated. Neighbourhoods add `24` (each agent's, and the build's
/// keyed places and residents' lists: measured +21 for `contagion` at 1,000,000 agents with
/// 10 against 1).
fn world_bytes(s: &crate::scenario::Scenario) -> f64 {
    let per_agent = 140.0
        + 115.0 * crate::dynamics::init::expected_memberships(s)
        + 27.0 * expected_ties_per_agent(s)
        + 8.0 * f64::from(s.identity.dims)
        + f64::from(s.identity.features)
        + if s.network.neighbourhoods > 1 {
            24.0
        } else {
            0.0
        };
    f64::from(s.population.size) * per_agent
}

/// Peak bytes of one job beyond its world: periodic snapshots (each a copy of the world;
/// the last week's is the world itself), the loneliness history of the event window, the
/// sampled trajectories, the weekly metrics and prototypes, and the text of its tables in
/// flight.
fn job_extra_bytes(s: &crate::scenario::Scenario, threads: usize) -> f64 {
    let n = f64::from(s.population.size);
    let steps = f64::from(s.steps);
    let world = world_bytes(s);
    let snapshots = s
        .output
        .snapshot_every
        .map_or(0.0, |k| (steps / f64::from(k.max(1))).floor())
        * world;
    let history = n * f64::from(s.output.event_window_before) * 4.0;
    let sampled = (8.0 * f64::from(s.output.sample_agents)).min(n);
    let identity = f64::from(s.identity.dims.max(s.identity.features));
    let trajectories = sampled * steps * (40.0 + 4.0 * identity);
    let series = steps * crate::model::metrics::COUNT as f64 * 8.0;
    let prototypes = support_groups_bound(s) * steps * (64.0 + 4.0 * f64::from(s.identity.dims));
    // Rows of text formatted side by side (output::tables), about 300 bytes each.
    let text = 400.0 * n.min((2 * threads.max(1) * 16_384) as f64);
    snapshots + history + trajectories + series + prototypes + text + 2.0 * n
}

/// At most how many support groups (and programme groups) can be active at once: every
/// agent an event with support groups may strike over the run (each event's hazard over the
/// burn-in and the recorded weeks, plus its pulse), in groups of at least `support.min_size`
/// (smaller ones dissolve), capped by `support.max_groups`; plus the programmes'.
fn support_groups_bound(s: &crate::scenario::Scenario) -> f64 {
    let n = f64::from(s.population.size);
    let weeks = f64::from(s.burn_in) + f64::from(s.steps);
    let mut groups = 0.0;
    if s.support.enabled {
        let struck: f64 = s
            .events
            .iter()
            .filter(|e| e.support)
            .map(|e| {
                n * (1.0 - (-e.hazard * weeks).exp())
                    + e.pulse.as_ref().map_or(0.0, |p| n * p.fraction)
            })
            .sum::<f64>()
            .min(n);
        groups = struck / f64::from(s.support.min_size.max(1))
            + f64::from(s.support.initial_groups) * s.events.len() as f64;
        if s.support.max_groups > 0 {
            let kinds = s.events.iter().filter(|e| e.support).count().max(1) as f64;
            groups = groups.min(f64::from(s.support.max_groups) * kinds);
        }
    }
    let programmes: f64 = s
        .interventions
        .iter()
        .map(|p| f64::from(p.capacity) / f64::from(p.group_size.max(1)) + 1.0)
        .sum();
    groups + programmes + 1.0
}

/// The memory a run of `jobs` jobs of `cfg` on `threads` threads may need at its peak:
/// [`BASE_BYTES`], the worlds and extras of the jobs running at once, and what grows with the
/// number of jobs (their time series, read back for summary.csv, and the job list). It never
/// under-estimates the measured peak of the cases in [`world_bytes`]'s documentation.
pub fn estimate_run_bytes(cfg: &Config, jobs: usize, threads: usize) -> u64 {
    estimate_bytes(cfg, jobs, jobs, threads)
}

/// [`estimate_run_bytes`] with the number of jobs whose time series are held together at the
/// end given apart: every replicate of a run (summary.csv), one point's replicates of a sweep
/// (its tables stream point by point).
pub fn estimate_bytes(cfg: &Config, jobs: usize, held_series: usize, threads: usize) -> u64 {
    let s = &cfg.scenario;
    let concurrent = threads.max(1).min(jobs.max(1)) as f64;
    let per_job = world_bytes(s) + job_extra_bytes(s, threads);
    let series = f64::from(s.steps) * crate::model::metrics::COUNT as f64 * 8.0;
    let per_held = 2.0 * series + 64.0;
    (BASE_BYTES as f64 + concurrent * per_job + held_series as f64 * per_held) as u64
}

/// Peak bytes of one job (its world and extras), for comparing sweep points.
pub fn estimate_job_bytes(cfg: &Config) -> u64 {
    (world_bytes(&cfg.scenario) + job_extra_bytes(&cfg.scenario, 1)) as u64
}

/// Memory the system says is available (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Refuses a plan whose peak memory ([`estimate_run_bytes`]) would not fit in the memory
/// available, before anything is allocated.
pub fn check_memory(cfg: &Config, plan: &Plan, threads: usize) -> Result<(), RunError> {
    let jobs = plan.jobs.len();
    check_memory_of(cfg, jobs, jobs, threads, 0).map(|_| ())
}

/// [`check_memory`] for `jobs` jobs of which `held_series` have their time series held
/// together ([`estimate_bytes`]), with `extra` bytes the caller holds besides (a sweep's job
/// list and points). Returns the estimate.
pub fn check_memory_of(
    cfg: &Config,
    jobs: usize,
    held_series: usize,
    threads: usize,
    extra: u64,
) -> Result<u64, RunError> {
    let concurrent = (threads.max(1) as u64).min(jobs.max(1) as u64);
    let need = estimate_bytes(cfg, jobs, held_series, threads).saturating_add(extra);
    // Where the system does not say (no /proc/meminfo), assume the 24 GiB of the machines
    // this tool is developed for rather than allowing any size.
    let avail = available_memory().unwrap_or(24 << 30);
    if need > avail {
        return Err(RunError::TooLarge {
            agents: cfg.scenario.population.size as u64,
            concurrent,
            need_mb: need / 1_000_000,
            available_mb: avail / 1_000_000,
        });
    }
    Ok(need)
}

/// Runs every job of `plan` on `threads` threads (0 = all cores), calling `sink` with each
/// result as soon as its job ends (from the worker thread; in any order). Stops at the first
/// sink error. When a stop is requested ([`interrupt`]), starts no new job, stops the running
/// ones at their next step (their results are dropped) and returns
/// [`RunError::Interrupted`]; every job that ended before has been given to the sink.
pub fn run_plan<F>(cfg: &Config, plan: &Plan, threads: usize, sink: F) -> Result<(), RunError>
where
    F: Fn(JobResult) -> Result<(), String> + Sync,
{
    run_jobs(|_| Ok(Cow::Borrowed(cfg)), plan, threads, sink)
}

/// [`run_plan`] for jobs whose configuration depends on the job (sweep points): `config`
/// gives each job's (borrowed, or built when the job starts; an error stops the run).
pub fn run_jobs<'c, C, F>(config: C, plan: &Plan, threads: usize, sink: F) -> Result<(), RunError>
where
    C: Fn(&super::Job) -> Result<Cow<'c, Config>, String> + Sync,
    F: Fn(JobResult) -> Result<(), String> + Sync,
{
    run_jobs_probed(config, plan, threads, None, sink)
}

/// [`run_jobs`] with a [`Probe`] of every job (`belonging compare`'s agent outcomes).
pub fn run_jobs_probed<'c, C, F>(
    config: C,
    plan: &Plan,
    threads: usize,
    probe: Option<&Probe>,
    sink: F,
) -> Result<(), RunError>
where
    C: Fn(&super::Job) -> Result<Cow<'c, Config>, String> + Sync,
    F: Fn(JobResult) -> Result<(), String> + Sync,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Pool {
            threads,
            message: e.to_string(),
        })?;
    pool.install(|| {
        plan.jobs.par_iter().with_max_len(1).try_for_each(|&job| {
            if interrupt::requested() {
                return Err(RunError::Interrupted);
            }
            let cfg = config(&job).map_err(RunError::Config)?;
            match run_job_probed(&cfg, job, interrupt::requested, probe) {
                Some(r) => sink(r).map_err(RunError::Sink),
                None => Err(RunError::Interrupted),
            }
        })
    })
}
