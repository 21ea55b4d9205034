//! TEMPORARY stand-in for the validation module being added on `main` (replaced at merge).

use crate::experiment::{run_plan, JobResult, Plan};
use crate::scenario::{resolve, Config, Override, Source};
use std::fmt;
use std::sync::Mutex;

pub mod t3_support_helps;
pub mod t4_simic;
pub mod t5_contagion;
pub mod t6_dropout;
pub mod t7_exclusion;

#[derive(Debug, Clone)]
pub struct Check {
    pub what: String,
    pub measured: f64,
    pub half_width: f64,
    pub published: String,
    pub tolerance: String,
    pub pass: bool,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

#[derive(Debug, Clone)]
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
        writeln!(
            f,
            "target {}: {} [{}]",
            self.target, self.title, self.scenario
        )?;
        writeln!(f, "  {}", self.claim)?;
        for c in &self.checks {
            writeln!(
                f,
                "  {} {}: {:.4} +- {:.4} (published {}; tolerance {})",
                if c.pass { "PASS" } else { "FAIL" },
                c.what,
                c.measured,
                c.half_width,
                c.published,
                c.tolerance
            )?;
        }
        for s in &self.series {
            writeln!(f, "  series {} ({} points)", s.name, s.points.len())?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub threads: usize,
    pub replicates: Option<u32>,
}

impl Options {
    pub fn replicates_or(&self, default: u32) -> u32 {
        self.replicates.unwrap_or(default)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    #[error("{0}")]
    Scenario(String),
    #[error("{0}")]
    Run(String),
    #[error("{0}")]
    Data(String),
}

pub fn config(name: &str, sets: &[&str]) -> Result<Config, ValidationError> {
    let overrides = sets
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ValidationError::Scenario(e.to_string()))?;
    resolve(&Source::Builtin(name.into()), &overrides)
        .map_err(|e| ValidationError::Scenario(e.to_string()))
}

pub fn run_all(cfg: &Config, opts: &Options) -> Result<Vec<JobResult>, ValidationError> {
    let plan = Plan::replicates(cfg.scenario.seed, cfg.scenario.replicates);
    let out = Mutex::new(Vec::new());
    run_plan(cfg, &plan, opts.threads, |r| {
        out.lock().unwrap().push(r);
        Ok(())
    })
    .map_err(|e| ValidationError::Run(e.to_string()))?;
    let mut v = out.into_inner().unwrap();
    v.sort_by_key(|r| r.job.index);
    Ok(v)
}

pub fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let mut t = crate::stats::TTable::default();
    let s = crate::stats::summarize(xs, &mut t);
    (s.mean, s.ci_high - s.mean)
}

pub fn metric(name: &str) -> usize {
    crate::model::metrics::index_of(name).expect("metric")
}

type Target = fn(&Options) -> Result<Report, ValidationError>;

pub const TARGETS: &[(u32, &str, Target)] = &[
    (3, "support groups help", t3_support_helps::run),
    (4, "social identity change (SIMIC)", t4_simic::run),
    (5, "contagion with distance", t5_contagion::run),
    (6, "dropout from support groups", t6_dropout::run),
    (7, "exclusion and resignation", t7_exclusion::run),
];

pub fn run(target: u32, opts: &Options) -> Result<Report, ValidationError> {
    let f = TARGETS
        .iter()
        .find(|t| t.0 == target)
        .ok_or_else(|| ValidationError::Data(format!("no target {target}")))?;
    (f.2)(opts)
}
