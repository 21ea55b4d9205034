//! Experiment stage: plans of jobs (replicates, later sweep points), seeding, and the
//! parallel runner. Knows nothing of files or terminals: results go to a caller's sink.

pub mod interrupt;
pub mod job;
pub mod plan;
pub mod runner;
pub mod sweep;

pub use job::{run_job, run_job_probed, run_job_until, JobResult, Probe};
pub use plan::{Job, Plan};
pub use runner::{run_jobs, run_jobs_probed, run_plan, RunError};
