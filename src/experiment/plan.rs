//! A plan is the flat list of jobs of a run; each job has its own seed.

use crate::rng;

/// One job: a replicate (of a sweep point) with its own seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Position in the plan (0-based); also the order of results in every table.
    pub index: u32,
    pub point: u32,
    pub replicate: u32,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub base_seed: u64,
    pub jobs: Vec<Job>,
}

impl Plan {
    /// `replicates` replicates of one scenario (point 0).
    pub fn replicates(base_seed: u64, replicates: u32) -> Plan {
        let jobs = (0..replicates)
            .map(|r| Job {
                index: r,
                point: 0,
                replicate: r,
                seed: rng::job_seed(base_seed, 0, r as u64),
            })
            .collect();
        Plan { base_seed, jobs }
    }
}
