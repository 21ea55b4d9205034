//! The parallel runner: jobs of a plan on a rayon pool, each result handed to a sink as soon
//! as its job ends. Results never depend on the thread count: every job has its own seed
//! and its own world.

use super::interrupt;
use super::job::{run_job_probed, JobResult, Probe};
use super::plan::Plan;
use crate::scenario::Config;
use rayon::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "the population is too large for this machine: about {need_mb} MB would be needed \
         ({agents} agents x {concurrent} jobs at once) but only {available_mb} MB are available; \
         use fewer agents or fewer threads (--threads)"
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
    /// A stop was requested ([`interrupt::request`]: SIGINT, SIGTERM); the jobs that had
    /// finished were handed to the sink, the others were dropped.
    #[error("interrupted")]
    Interrupted,
}

/// Rough peak bytes of one job's world, from the scenario (agents, expected ties and
/// memberships); used to refuse absurd sizes before allocating anything.
pub fn estimate_job_bytes(cfg: &Config) -> u64 {
    let s = &cfg.scenario;
    let n = s.population.size as f64;
    let memberships = crate::model::init::expected_memberships(s);
    let degree = crate::model::init::expected_degree(s) + 4.0;
    let per_agent = 160.0                          // scalar state (struct of arrays)
        + 8.0 * s.identity.dims as f64             // identity, and its history
        + 4.0 * s.output.event_window_before as f64 // loneliness history ring
        + 48.0                                     // vector headers
        + 2.0 * degree * 12.0                      // ties, with growth headroom
        + 2.0 * memberships * 16.0; // memberships and group lists
                                    // The final snapshot holds a second copy of the world.
    (2.0 * n * per_agent) as u64
}

/// Memory the system says is available (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Refuses a plan whose concurrent jobs would not fit in memory.
pub fn check_memory(cfg: &Config, plan: &Plan, threads: usize) -> Result<(), RunError> {
    let concurrent = (threads.max(1) as u64).min(plan.jobs.len().max(1) as u64);
    let need = estimate_job_bytes(cfg).saturating_mul(concurrent);
    // Where the system does not say (no /proc/meminfo), assume the 24 GiB of the machines
    // this tool is developed for rather than allowing any size.
    let avail = available_memory().unwrap_or(24 << 30);
    {
        if need > avail {
            return Err(RunError::TooLarge {
                agents: cfg.scenario.population.size as u64,
                concurrent,
                need_mb: need / 1_000_000,
                available_mb: avail / 1_000_000,
            });
        }
    }
    Ok(())
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
    run_jobs(|_| cfg, plan, threads, sink)
}

/// [`run_plan`] for jobs whose configuration depends on the job (sweep points): `config`
/// gives each job's.
pub fn run_jobs<'c, C, F>(config: C, plan: &Plan, threads: usize, sink: F) -> Result<(), RunError>
where
    C: Fn(&super::Job) -> &'c Config + Sync,
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
    C: Fn(&super::Job) -> &'c Config + Sync,
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
            match run_job_probed(config(&job), job, interrupt::requested, probe) {
                Some(r) => sink(r).map_err(RunError::Sink),
                None => Err(RunError::Interrupted),
            }
        })
    })
}
