//! Validation against published results: each target of docs/ODD.md ("What must emerge")
//! as a function that runs its experiment over replicates and returns a [`Report`] of
//! measured figures, their 95% confidence intervals, the published figures they are held
//! against, and whether each check passes. `belonging validate` prints the reports and draws
//! their plots; `tests/engine/validation.rs` asserts that every check passes; and
//! docs/VALIDATION.md quotes them.

use crate::experiment::{run_plan, JobResult, Plan};
use crate::scenario::{resolve, Config, Override, ScenarioError, Source};
use std::fmt;
use std::sync::Mutex;

pub mod t1_baseline;
pub mod t2_loss_regain;
pub mod t3_support_helps;
pub mod t4_simic;
pub mod t5_contagion;
pub mod t6_dropout;
pub mod t7_exclusion;
pub mod t8_fluid_identity;
pub mod t9_classic;

/// One measured figure against its published counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What is measured, e.g. "stable regions, F=5, q=15".
    pub what: String,
    pub measured: f64,
    /// Half-width of the 95% confidence interval of `measured` (NaN when not applicable).
    pub half_width: f64,
    /// The published figure or range, with its source, e.g. "20.0 (Axelrod 1997, Table 1)".
    pub published: String,
    /// The tolerance in words, e.g. "published mean inside the measured 95% CI".
    pub tolerance: String,
    pub pass: bool,
}

/// A line of a target's plot: (x, mean, CI low, CI high) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// The outcome of one validation target.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub target: u32,
    pub title: String,
    /// The published claim, with its citation.
    pub claim: String,
    /// Scenario(s) and settings used.
    pub scenario: String,
    pub replicates: u32,
    pub checks: Vec<Check>,
    /// The plot: lines with CI bands; `x_label` and `y_label` with units.
    pub series: Vec<Series>,
    pub x_label: String,
    pub y_label: String,
}

impl Report {
    pub fn pass(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.pass)
    }
}

impl Report {
    /// The report as a Markdown section for docs/VALIDATION.md; `image` is the path of its
    /// plot relative to the document.
    pub fn markdown(&self, image: &str) -> String {
        let mut s = format!(
            "## Target {}: {}\n\n**Claim.** {}\n\n**Scenario.** {} ({} replicates per \
             experiment).\n\n**Check it.** `cargo run --release -- validate {}` (or `cargo test \
             --test engine target_{}`).\n\n| check | measured (95% CI) | published | tolerance | \
             holds |\n|---|---|---|---|---|\n",
            self.target,
            self.title,
            self.claim,
            self.scenario,
            self.replicates,
            self.target,
            self.target
        );
        for c in &self.checks {
            let measured = if c.half_width.is_finite() {
                format!("{:.3} ± {:.3}", c.measured, c.half_width)
            } else {
                format!("{:.3}", c.measured)
            };
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                c.what.replace('|', "/"),
                measured,
                c.published.replace('|', "/"),
                c.tolerance.replace('|', "/"),
                if c.pass { "yes" } else { "**no**" }
            ));
        }
        s.push_str(&format!(
            "\n![Target {}: {}]({image})\n",
            self.target, self.title
        ));
        s
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "target {}: {} [{}]",
            self.target,
            self.title,
            if self.pass() { "pass" } else { "FAIL" }
        )?;
        writeln!(f, "  claim: {}", self.claim)?;
        writeln!(
            f,
            "  scenario: {} ({} replicates)",
            self.scenario, self.replicates
        )?;
        for c in &self.checks {
            let ci = if c.half_width.is_finite() {
                format!(" ± {:.4}", c.half_width)
            } else {
                String::new()
            };
            writeln!(
                f,
                "  [{}] {}: measured {:.4}{} | published {} | tolerance: {}",
                if c.pass { "ok" } else { "FAIL" },
                c.what,
                c.measured,
                ci,
                c.published,
                c.tolerance
            )?;
        }
        Ok(())
    }
}

/// How to run the targets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Replicates per experiment instead of each target's default (None = default).
    pub replicates: Option<u32>,
}

impl Options {
    pub fn replicates_or(&self, default: u32) -> u32 {
        self.replicates.unwrap_or(default)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    #[error("no validation target {0}; the targets are {1:?}")]
    Unknown(u32, Vec<u32>),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Run(String),
}

type TargetFn = fn(&Options) -> Result<Report, ValidationError>;

/// Every target: (number, short title, function).
pub const TARGETS: &[(u32, &str, TargetFn)] = &[
    (1, "stable baseline", t1_baseline::run),
    (2, "loss and regain", t2_loss_regain::run),
    (3, "support groups help", t3_support_helps::run),
    (4, "social identity change (SIMIC)", t4_simic::run),
    (5, "contagion with distance", t5_contagion::run),
    (6, "dropout from support groups", t6_dropout::run),
    (7, "exclusion and resignation", t7_exclusion::run),
    (8, "fluid collective identity", t8_fluid_identity::run),
    (9, "classic identity dynamics", t9_classic::run),
];

/// Runs one target.
pub fn run(target: u32, opts: &Options) -> Result<Report, ValidationError> {
    match TARGETS.iter().find(|(n, _, _)| *n == target) {
        Some((_, _, f)) => f(opts),
        None => Err(ValidationError::Unknown(
            target,
            TARGETS.iter().map(|t| t.0).collect(),
        )),
    }
}

// ---- helpers for target implementations ----

/// A built-in scenario with `--set` style overrides.
pub fn config(name: &str, sets: &[&str]) -> Result<Config, ValidationError> {
    let overrides = sets
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(resolve(&Source::Builtin(name.into()), &overrides)?)
}

/// Runs every replicate of `cfg`; results in replicate order.
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

/// The world at the end of a job (its last snapshot).
pub fn final_world(r: &JobResult) -> Result<&crate::model::World, ValidationError> {
    r.snapshots
        .last()
        .map(|s| &s.world)
        .ok_or_else(|| ValidationError::Run(format!("job {} has no final snapshot", r.job.index)))
}

/// Mean and half-width of the 95% CI (Student t) of a sample (half-width NaN for n < 2).
pub fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let mut t = crate::stats::TTable::default();
    let s = crate::stats::summarize(xs, &mut t);
    (s.mean, s.ci_high - s.mean)
}

/// Index of a metric by name (panics on a typo: a bug in a target, not user input).
pub fn metric(name: &str) -> usize {
    crate::model::metrics::index_of(name).unwrap_or_else(|| panic!("no metric named {name}"))
}
