//! PROVISIONAL stand-in for the validation module being added on `main` (same API as
//! described there); replaced by main's version at the merge.

pub mod t9_classic;

use crate::experiment::{run_plan, JobResult, Plan};
use crate::scenario::{resolve, Config, Override, Source};
use std::fmt;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub what: String,
    pub measured: f64,
    pub half_width: f64,
    pub published: f64,
    pub tolerance: String,
    pub pass: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub target: u32,
    pub title: String,
    pub claim: String,
    pub scenario: String,
    pub replicates: u32,
    pub checks: Vec<Check>,
    pub series: Vec<Series>,
    pub x_label: String,
    pub y_label: String,
}

impl Report {
    pub fn pass(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "target {}: {} — {}", self.target, self.title, self.claim)?;
        for c in &self.checks {
            writeln!(
                f,
                "  [{}] {}: measured {:.3} ± {:.3}, published {:.3}; {}",
                if c.pass { "pass" } else { "FAIL" },
                c.what,
                c.measured,
                c.half_width,
                c.published,
                c.tolerance
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub threads: usize,
    pub replicates: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    #[error("unknown target {0}")]
    Unknown(u32),
    #[error("{0}")]
    Scenario(#[from] crate::scenario::ScenarioError),
    #[error("{0}")]
    Run(String),
}

pub type TargetFn = fn(&Options) -> Result<Report, ValidationError>;

pub const TARGETS: &[(u32, &str, TargetFn)] = &[(9, "classic identity dynamics", t9_classic::run)];

pub fn run(target: u32, opts: &Options) -> Result<Report, ValidationError> {
    let (_, _, f) = TARGETS
        .iter()
        .find(|t| t.0 == target)
        .ok_or(ValidationError::Unknown(target))?;
    f(opts)
}

pub fn config(name: &str, sets: &[&str]) -> Result<Config, ValidationError> {
    let overrides = sets
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(resolve(&Source::Builtin(name.into()), &overrides)?)
}

pub fn run_all(cfg: &Config, opts: &Options) -> Result<Vec<JobResult>, ValidationError> {
    let plan = Plan::replicates(cfg.scenario.seed, cfg.scenario.replicates);
    let out = Mutex::new(Vec::new());
    run_plan(cfg, &plan, opts.threads, |r| {
        out.lock().map_err(|e| e.to_string())?.push(r);
        Ok(())
    })
    .map_err(|e| ValidationError::Run(e.to_string()))?;
    let mut v = out
        .into_inner()
        .map_err(|e| ValidationError::Run(e.to_string()))?;
    v.sort_by_key(|r| r.job.index);
    Ok(v)
}

pub fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let mut t = crate::stats::TTable::default();
    let s = crate::stats::summarize(xs, &mut t);
    (s.mean, s.ci_high - s.mean)
}
