//! Validation against published results: each target of docs/VALIDATION.md ("What must emerge"
//! in docs/ODD.md) as a function that runs its experiment over replicates and returns a
//! [`Report`]: measured figures with their 95% confidence intervals, the published figures
//! they are held against, a typed [`Tolerance`] per check from which its [`Verdict`] follows
//! (holds, refuted or inconclusive; the rules are in [`verdict`]), and the charts of the
//! target with the published figures and tolerance bands drawn in. `belonging validate`
//! prints the reports, writes them (validation.csv, validation.md, validation.json) and draws
//! their plots; `tests/validation.rs` (the validation tier, run by `.ci/run`) asserts that every target holds; and
//! docs/VALIDATION.md quotes them.

use crate::experiment::{run_plan, JobResult, Plan};
use crate::scenario::{resolve, Config, Override, ScenarioError, Source};
pub use crate::stats::Bounds;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Mutex;
pub use verdict::{Decide, Tolerance, Verdict};

pub mod t10_illness_cost;
pub mod t11_recovery_without_support;
pub mod t12_support_careers;
pub mod t13_graded;
pub mod t14_stationary;
pub mod t1_baseline;
pub mod t2_loss_regain;
pub mod t3_support_helps;
pub mod t4_simic;
pub mod t5_contagion;
pub mod t6_dropout;
pub mod t7_exclusion;
pub mod t8_fluid_identity;
pub mod t9_classic;
pub mod verdict;

/// One measured figure against its published counterpart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// What is measured, e.g. "stable regions, F=5, q=15".
    pub what: String,
    #[serde(with = "finite")]
    pub measured: f64,
    /// Half-width of the 95% confidence interval of `measured` (Student t over `n` values;
    /// NaN when not applicable).
    #[serde(with = "finite")]
    pub half_width: f64,
    /// Independent values behind `measured` (replicates, replicate pairs or runs; 0 when not
    /// applicable, e.g. a deterministic check).
    pub n: u32,
    /// The published figure or range, with its source, e.g. "20.0 (Axelrod 1997, Table 1)".
    pub published: String,
    /// What the figure is held against; the verdict follows from it.
    pub tolerance: Tolerance,
    /// The tolerance in words, e.g. "95% CI over replicates inside 0.05–0.25".
    pub tolerance_text: String,
}

impl Check {
    /// A check of the mean of a sample (`e`, from [`estimate`]) against `tolerance`.
    pub fn of(
        what: impl Into<String>,
        e: Estimate,
        published: impl Into<String>,
        tolerance: Tolerance,
        text: impl Into<String>,
    ) -> Check {
        Check {
            what: what.into(),
            measured: e.mean,
            half_width: e.half_width,
            n: e.n,
            published: published.into(),
            tolerance,
            tolerance_text: text.into(),
        }
    }

    /// A check of one figure without a confidence interval (deterministic, or a count).
    pub fn figure(
        what: impl Into<String>,
        measured: f64,
        n: u32,
        published: impl Into<String>,
        tolerance: Tolerance,
        text: impl Into<String>,
    ) -> Check {
        Check {
            what: what.into(),
            measured,
            half_width: f64::NAN,
            n,
            published: published.into(),
            tolerance,
            tolerance_text: text.into(),
        }
    }

    /// "[holds]", "[REFUTED]", "[inconclusive]" or "[reported]".
    pub fn tag(&self) -> &'static str {
        match self.verdict() {
            Some(Verdict::Holds) => "[holds]",
            Some(Verdict::Refuted) => "[REFUTED]",
            Some(Verdict::Inconclusive) => "[inconclusive]",
            None => "[reported]",
        }
    }

    /// The measured figure as text: "0.073 ± 0.004" or "0.073".
    fn measured_text(&self, decimals: usize) -> String {
        if self.half_width.is_finite() {
            format!(
                "{:.*} ± {:.*}",
                decimals, self.measured, decimals, self.half_width
            )
        } else {
            format!("{:.*}", decimals, self.measured)
        }
    }

    /// The verdict in words, with the replicates that would decide an inconclusive check.
    pub fn verdict_text(&self) -> String {
        match (self.verdict(), self.replicates_to_decide()) {
            (None, _) => "reported".into(),
            (Some(Verdict::Inconclusive), Some(d)) => format!("inconclusive: {d}"),
            (Some(v), _) => v.word().into(),
        }
    }
}

/// Mean, 95% CI half-width (Student t) and number of the finite values of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    /// NaN for fewer than 2 values.
    pub half_width: f64,
    pub n: u32,
}

/// The [`Estimate`] of the finite values of `xs` (NaN = missing, skipped).
pub fn estimate(xs: &[f64]) -> Estimate {
    let mut t = crate::stats::TTable::default();
    let s = crate::stats::summarize(xs, &mut t);
    Estimate {
        mean: s.mean,
        half_width: s.ci_high - s.mean,
        n: s.n as u32,
    }
}

/// A line of a target's plot: (x, mean, CI low, CI high) points (NaN = none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    #[serde(with = "finite_points")]
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// A published figure or a tolerance, drawn into a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Legend label (references with the same label share one legend row).
    pub label: String,
    pub kind: RefKind,
}

/// How a [`Reference`] is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// A tolerance band across the chart from `lo` to `hi` (None: to the axis end).
    Band { lo: Option<f64>, hi: Option<f64> },
    /// A tolerance interval at one x: a box `width` wide from `lo` to `hi`.
    Interval {
        x: f64,
        width: f64,
        lo: f64,
        hi: f64,
    },
    /// A published figure across the chart (dashed line).
    Line { y: f64 },
    /// A published figure at one x (hollow black circle).
    Point { x: f64, y: f64 },
    /// A window of x the check measures (shaded; a vertical line when `from == to`).
    Window { from: f64, to: f64 },
}

impl Reference {
    pub fn new(label: impl Into<String>, kind: RefKind) -> Reference {
        Reference {
            label: label.into(),
            kind,
        }
    }
}

/// One panel of a target's plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Caption above the panel, e.g. "(b) Cohen's d per replicate pair" ("" for none).
    pub caption: String,
    /// Axis labels, with units.
    pub x_label: String,
    pub y_label: String,
    /// The range of the y quantity (e.g. 0 and 100 for a percentage; None: unbounded): the
    /// axis and every interval drawn stay inside it.
    pub y_min: Option<f64>,
    pub y_max: Option<f64>,
    /// Lines with their 95% CI ribbons; line k in colour k.
    pub series: Vec<Series>,
    /// Points not joined (e.g. one per replicate), with whiskers where they have an
    /// interval; set k in the colour of line k.
    pub points: Vec<Series>,
    /// Published figures and tolerance bands.
    pub references: Vec<Reference>,
}

impl Chart {
    /// An empty chart with its labels and y range.
    pub fn new(
        caption: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
        y_range: Bounds,
    ) -> Chart {
        Chart {
            caption: caption.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            y_min: y_range.lo,
            y_max: y_range.hi,
            series: Vec::new(),
            points: Vec::new(),
            references: Vec::new(),
        }
    }

    /// The y range as [`Bounds`].
    pub fn bounds(&self) -> Bounds {
        Bounds {
            lo: self.y_min,
            hi: self.y_max,
        }
    }

    pub fn with_series(mut self, s: Series) -> Chart {
        self.series.push(s);
        self
    }

    pub fn with_ref(mut self, label: impl Into<String>, kind: RefKind) -> Chart {
        self.references.push(Reference::new(label, kind));
        self
    }

    /// Adds a quantity measured once per replicate: its values as points at x = 1..n (times
    /// `scale`), and the check's mean with its 95% CI as a line with a ribbon across them.
    pub fn per_replicate(mut self, name: &str, values: &[f64], check: &Check, scale: f64) -> Chart {
        let n = values.len().max(1) as f64;
        let b = self.bounds();
        let m = scale * check.measured;
        let h = scale * check.half_width;
        let (lo, hi) = if h.is_finite() {
            (b.clamp(m - h), b.clamp(m + h))
        } else {
            (f64::NAN, f64::NAN)
        };
        // Line k and point set k share colour k: pad the shorter list.
        while self.points.len() < self.series.len() {
            self.points.push(Series {
                name: String::new(),
                points: Vec::new(),
            });
        }
        self.series.push(Series {
            name: format!("{name}: mean over replicates"),
            points: vec![(0.6, m, lo, hi), (n + 0.4, m, lo, hi)],
        });
        self.points.push(Series {
            name: format!("{name}: each replicate"),
            points: values
                .iter()
                .enumerate()
                .map(|(r, v)| ((r + 1) as f64, scale * v, f64::NAN, f64::NAN))
                .collect(),
        });
        self
    }
}

/// The outcome of one validation target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub target: u32,
    pub title: String,
    /// The published claim, with its citation.
    pub claim: String,
    /// Scenario(s) and settings used.
    pub scenario: String,
    /// Replicates per experiment.
    pub replicates: u32,
    pub checks: Vec<Check>,
    /// The plot: one or more panels, stacked.
    pub charts: Vec<Chart>,
}

impl Report {
    /// Refuted if any check is refuted, else inconclusive if any is (or if no check has a
    /// verdict), else holds.
    pub fn verdict(&self) -> Verdict {
        Verdict::combine(self.checks.iter().filter_map(Check::verdict))
    }

    /// For an inconclusive report: the replicates per experiment that would decide every
    /// inconclusive check (None when not inconclusive, or some check cannot say).
    pub fn replicates_to_decide(&self) -> Option<Decide> {
        if self.verdict() != Verdict::Inconclusive {
            return None;
        }
        Decide::combine(
            self.checks
                .iter()
                .filter(|c| c.verdict() == Some(Verdict::Inconclusive))
                .map(Check::replicates_to_decide),
        )
    }

    /// The verdict in words: "holds", "REFUTED", "inconclusive: about 9 replicates per
    /// experiment would decide".
    pub fn verdict_text(&self) -> String {
        match (self.verdict(), self.replicates_to_decide()) {
            (Verdict::Inconclusive, Some(d)) => format!("inconclusive: {d}"),
            (v, _) => v.shout().into(),
        }
    }
}

impl Report {
    /// Whether check `c` of this report is a known limitation ([`KNOWN_LIMITATIONS`]) that is
    /// refuted, as documented.
    pub fn known_limitation(&self, c: &Check) -> bool {
        c.verdict() == Some(Verdict::Refuted)
            && KNOWN_LIMITATIONS
                .iter()
                .any(|k| k.target == self.target && c.what.starts_with(k.check))
    }

    /// The report as a Markdown section for docs/VALIDATION.md; `image` is the path of its
    /// plot relative to the document.
    pub fn markdown(&self, image: &str) -> String {
        let mut s = format!(
            "## Target {}: {}\n\n**Verdict: {}.**\n\n**Claim.** {}\n\n**Scenario.** {} ({} \
             replicates per experiment).\n\n**Check it.** `cargo run --release -- validate {}` \
             (or `cargo test --features validation-tests --test validation target_{}`).\n\n| check | measured (95% CI) | n | \
             published | tolerance | verdict |\n|---|---|---|---|---|---|\n",
            self.target,
            self.title,
            self.verdict_text(),
            self.claim,
            self.scenario,
            self.replicates,
            self.target,
            self.target
        );
        for c in &self.checks {
            let verdict = match c.verdict() {
                Some(Verdict::Holds) => c.verdict_text(),
                None => "reported".into(),
                Some(_) if self.known_limitation(c) => format!(
                    "**{}** (known limitation, see [below](#known-limitations))",
                    c.verdict_text()
                ),
                Some(_) => format!("**{}**", c.verdict_text()),
            };
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                c.what.replace('|', "/"),
                c.measured_text(3),
                if c.n > 0 { c.n.to_string() } else { "-".into() },
                c.published.replace('|', "/"),
                c.tolerance_text.replace('|', "/"),
                verdict
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
        let verdict = match self.verdict() {
            Verdict::Inconclusive => self.verdict_text(),
            v => v.shout().to_string(),
        };
        writeln!(f, "target {}: {} [{}]", self.target, self.title, verdict)?;
        writeln!(f, "  claim: {}", self.claim)?;
        writeln!(
            f,
            "  scenario: {} ({} replicates)",
            self.scenario, self.replicates
        )?;
        for c in &self.checks {
            write!(
                f,
                "  {} {}: measured {} | published {} | tolerance: {}",
                c.tag(),
                c.what,
                c.measured_text(4),
                c.published,
                c.tolerance_text
            )?;
            if let Some(d) = c.replicates_to_decide() {
                write!(f, " | {d}")?;
            }
            if self.known_limitation(c) {
                write!(f, " | a known limitation (docs/VALIDATION.md)")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// The contents of `validation.json`: every report of a `belonging validate` run, from which
/// its plots can be redrawn (`belonging::plot::plot_validation_dir`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The belonging version that wrote the file.
    pub version: String,
    pub reports: Vec<Report>,
}

impl Results {
    pub fn new(reports: Vec<Report>) -> Results {
        Results {
            version: env!("CARGO_PKG_VERSION").to_string(),
            reports,
        }
    }
}

/// Serde for an f64 that may be NaN or infinite: written as `null`, read back as NaN (JSON
/// has no NaN).
pub(crate) mod finite {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_some(x)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// [`finite`] for the points of a [`Series`]: each point an array of 4 numbers or nulls.
mod finite_points {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Point = (f64, f64, f64, f64);

    pub fn serialize<S: Serializer>(points: &[Point], s: S) -> Result<S::Ok, S::Error> {
        let f = |x: f64| x.is_finite().then_some(x);
        points
            .iter()
            .map(|p| [f(p.0), f(p.1), f(p.2), f(p.3)])
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Point>, D::Error> {
        let f = |x: Option<f64>| x.unwrap_or(f64::NAN);
        Ok(Vec::<[Option<f64>; 4]>::deserialize(d)?
            .into_iter()
            .map(|p| (f(p[0]), f(p[1]), f(p[2]), f(p[3])))
            .collect())
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

type TargetFn = fn(&Options, &[Tweak]) -> Result<Report, ValidationError>;

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
    (10, "the long-run cost of illness", t10_illness_cost::run),
    (
        11,
        "partial recovery without support groups",
        t11_recovery_without_support::run,
    ),
    (
        12,
        "support-group careers over years",
        t12_support_careers::run,
    ),
    (
        13,
        "loneliness graded by groups and close ties",
        t13_graded::run,
    ),
    (14, "a stationary baseline", t14_stationary::run),
];

/// Runs one target.
pub fn run(target: u32, opts: &Options) -> Result<Report, ValidationError> {
    run_with(target, opts, &[])
}

/// Runs one target with `tweaks` applied to every scenario it builds (see [`Tweak`]).
pub fn run_with(target: u32, opts: &Options, tweaks: &[Tweak]) -> Result<Report, ValidationError> {
    match TARGETS.iter().find(|(n, _, _)| *n == target) {
        Some((_, _, f)) => f(opts, tweaks),
        None => Err(ValidationError::Unknown(
            target,
            TARGETS.iter().map(|t| t.0).collect(),
        )),
    }
}

/// A change to every scenario a target builds, for sensitivity analyses
/// (`examples/drivers.rs`) and for checking a candidate calibration before it becomes the
/// default. Tweaks apply before the target's own settings, so a target's design wins (target
/// 1's `events[0].hazard=0` stays 0 whatever the tweaks, and so does `replicates`).
#[derive(Debug, Clone, PartialEq)]
pub enum Tweak {
    /// `--set PATH=VALUE`.
    Set(Override),
    /// The numeric field at `path` multiplied by `factor`, from its value in the scenario the
    /// target runs (after the `Set` tweaks and the target's own settings); a whole-number
    /// field is rounded.
    Scale { path: String, factor: f64 },
}

impl Tweak {
    /// `PATH=VALUE` as a [`Tweak::Set`].
    pub fn set(arg: &str) -> Result<Tweak, ValidationError> {
        Ok(Tweak::Set(Override::parse(arg)?))
    }

    /// `PATH` × `factor` as a [`Tweak::Scale`].
    pub fn scale(path: &str, factor: f64) -> Tweak {
        Tweak::Scale {
            path: path.to_string(),
            factor,
        }
    }
}

impl fmt::Display for Tweak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tweak::Set(o) => write!(f, "{}={}", o.path, o.value),
            Tweak::Scale { path, factor } => write!(f, "{path}×{factor}"),
        }
    }
}

/// Lonely and total counts of a set of agents (targets 10 and 13).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub lonely: u32,
    pub n: u32,
}

impl Tally {
    pub fn add(&mut self, lonely: bool) {
        self.lonely += u32::from(lonely);
        self.n += 1;
    }

    /// The lonely share; NaN with fewer than `min` agents (and always for none).
    pub fn share_of_at_least(&self, min: u32) -> f64 {
        if self.n < min.max(1) {
            f64::NAN
        } else {
            f64::from(self.lonely) / f64::from(self.n)
        }
    }
}

/// A check the model is known to fail: its target and the start of its text. Listed, with
/// the reasons, in docs/VALIDATION.md ("Known limitations"); `belonging validate` still calls
/// the target refuted, and the tests assert these checks are refuted and all others hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KnownLimitation {
    pub target: u32,
    pub check: &'static str,
}

/// The checks the model is known to fail (docs/VALIDATION.md, "Known limitations").
pub const KNOWN_LIMITATIONS: &[KnownLimitation] = &[KnownLimitation {
    target: 13,
    check: "no cliff: lonely share with at most one ordinary group",
}];

/// Which check of a target's report is its headline statistic (the one figure
/// `examples/drivers.rs` follows as parameters change), and how to show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadlineSpec {
    pub target: u32,
    /// What the figure is, short (a table row).
    pub label: &'static str,
    /// Index of the check in the report.
    pub check: usize,
    /// The check is judged on the log scale of a ratio: the headline is the ratio
    /// (exp of the measured figure), its interval exp of the interval's ends.
    pub log: bool,
}

/// The headline statistic of every target (target 9, the classic models, included for
/// completeness: no parameter of the town enters it).
pub const HEADLINES: &[HeadlineSpec] = &[
    HeadlineSpec {
        target: 1,
        label: "T1 prevalence, no events (0–1)",
        check: 0,
        log: false,
    },
    HeadlineSpec {
        target: 2,
        label: "T2 fall, peak − weeks 130–156 (0–1)",
        check: 1,
        log: false,
    },
    HeadlineSpec {
        target: 3,
        label: "T3 Cohen's d at 52 weeks",
        check: 1,
        log: false,
    },
    HeadlineSpec {
        target: 4,
        label: "T4 slope on groups kept",
        check: 1,
        log: false,
    },
    HeadlineSpec {
        target: 5,
        label: "T5 excess risk at distance 1 (%)",
        check: 0,
        log: false,
    },
    HeadlineSpec {
        target: 6,
        label: "T6 left within a year (share)",
        check: 0,
        log: false,
    },
    HeadlineSpec {
        target: 7,
        label: "T7 resigned, stigma − none (points)",
        check: 2,
        log: false,
    },
    HeadlineSpec {
        target: 8,
        label: "T8 distance between prototypes",
        check: 2,
        log: false,
    },
    HeadlineSpec {
        target: 9,
        label: "T9 Axelrod regions, F = 5, q = 15",
        check: 2,
        log: false,
    },
    HeadlineSpec {
        target: 10,
        label: "T10 lonely ratio, ill ≥ 3 years vs never",
        check: 1,
        log: true,
    },
    HeadlineSpec {
        target: 11,
        label: "T11 share of the rise reversed, no support",
        check: 1,
        log: false,
    },
    HeadlineSpec {
        target: 12,
        label: "T12 1-year members still in at 5 years",
        check: 0,
        log: false,
    },
    HeadlineSpec {
        target: 13,
        label: "T13 lonely with ≤ 1 group (share)",
        check: 3,
        log: false,
    },
    HeadlineSpec {
        target: 14,
        label: "T14 drift, no events (points/year)",
        check: 0,
        log: false,
    },
];

/// A target's headline statistic ([`HEADLINES`]) measured once.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub target: u32,
    pub label: &'static str,
    pub value: f64,
    /// The 95% interval over replicates (NaN when none).
    pub lo: f64,
    pub hi: f64,
    pub verdict: Option<Verdict>,
}

/// Runs `target` with `tweaks` (and `opts.replicates`) and returns its headline statistic:
/// the same measurement as `belonging validate`, not a copy of it.
pub fn headline(
    target: u32,
    tweaks: &[Tweak],
    opts: &Options,
) -> Result<Headline, ValidationError> {
    let spec = HEADLINES
        .iter()
        .find(|h| h.target == target)
        .ok_or_else(|| {
            ValidationError::Unknown(target, HEADLINES.iter().map(|h| h.target).collect())
        })?;
    let report = run_with(target, opts, tweaks)?;
    let c = report.checks.get(spec.check).ok_or_else(|| {
        ValidationError::Run(format!(
            "target {target} has no check {} for its headline",
            spec.check
        ))
    })?;
    let (m, h) = (c.measured, c.half_width);
    let (value, lo, hi) = if spec.log {
        (m.exp(), (m - h).exp(), (m + h).exp())
    } else {
        (m, m - h, m + h)
    };
    Ok(Headline {
        target,
        label: spec.label,
        value,
        lo,
        hi,
        verdict: c.verdict(),
    })
}

// ---- helpers for target implementations ----

/// A built-in scenario with `--set` style overrides `sets` (the target's design), after
/// `tweaks` ([`Tweak`]: none for `belonging validate`).
pub fn config(name: &str, sets: &[&str], tweaks: &[Tweak]) -> Result<Config, ValidationError> {
    let source = Source::Builtin(name.into());
    let own = sets
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let fixed: Vec<Override> = tweaks
        .iter()
        .filter_map(|t| match t {
            Tweak::Set(o) => Some(o.clone()),
            Tweak::Scale { .. } => None,
        })
        .collect();
    // The targets read every week of the time series.
    let weekly = Override {
        path: "output.record_every".into(),
        value: "1".into(),
    };
    let with = |scaled: &[Override]| -> Vec<Override> {
        fixed
            .iter()
            .chain(scaled)
            .chain(&own)
            .chain(std::iter::once(&weekly))
            .cloned()
            .collect()
    };
    let cfg = resolve(&source, &with(&[]))?;
    if !tweaks.iter().any(|t| matches!(t, Tweak::Scale { .. })) {
        return Ok(cfg);
    }
    let tree = serde_json::to_value(&cfg.scenario)
        .map_err(|e| ValidationError::Run(format!("cannot represent the scenario: {e}")))?;
    let mut scaled = Vec::new();
    for t in tweaks {
        if let Tweak::Scale { path, factor } = t {
            let bad = |why: &str| {
                ValidationError::Run(format!("cannot scale `{path}` of scenario {name}: {why}"))
            };
            let v = field(&tree, path).ok_or_else(|| bad("no such field"))?;
            let x = v.as_f64().ok_or_else(|| bad("not a number"))?;
            let y = x * factor;
            let text = if v.is_f64() {
                format!("{y}")
            } else {
                format!("{}", y.round())
            };
            scaled.push(Override {
                path: path.clone(),
                value: text,
            });
        }
    }
    Ok(resolve(&source, &with(&scaled))?)
}

/// The numeric value of the field at `path` (`events[0].hazard`) of built-in scenario `name`
/// after `tweaks` (None when the field is not a number, e.g. an option that is `None`).
pub fn scenario_value(
    name: &str,
    path: &str,
    tweaks: &[Tweak],
) -> Result<Option<f64>, ValidationError> {
    let cfg = config(name, &[], tweaks)?;
    let tree = serde_json::to_value(&cfg.scenario)
        .map_err(|e| ValidationError::Run(format!("cannot represent the scenario: {e}")))?;
    match field(&tree, path) {
        Some(v) => Ok(v.as_f64()),
        None => Err(ValidationError::Run(format!(
            "scenario {name} has no field `{path}`"
        ))),
    }
}

/// The value at a `--set` path (`events[0].hazard`) of a scenario as JSON.
fn field<'v>(tree: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    let mut node = tree;
    for part in path.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            node = node.get(name)?;
        }
        while let Some(tail) = rest.strip_prefix('[') {
            let (idx, after) = tail.split_once(']')?;
            node = node.get(idx.parse::<usize>().ok()?)?;
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(node)
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
    let e = estimate(xs);
    (e.mean, e.half_width)
}

/// A plot point: (x, mean, CI low, CI high) of the finite values of `xs`, the 95% interval
/// kept inside `bounds` (`stats::Bounds::interval`: logit or log scale near a bound).
pub fn point_in(x: f64, xs: &[f64], bounds: Bounds) -> (f64, f64, f64, f64) {
    let mut t = crate::stats::TTable::default();
    let s = crate::stats::summarize_in(xs, bounds, &mut t);
    (x, s.mean, s.ci_low, s.ci_high)
}

/// Percentages: [0, 100].
pub const PERCENT: Bounds = Bounds {
    lo: Some(0.0),
    hi: Some(100.0),
};

/// Index of a metric by name (panics on a typo: a bug in a target, not user input).
pub fn metric(name: &str) -> usize {
    crate::model::metrics::index_of(name).unwrap_or_else(|| panic!("no metric named {name}"))
}

/// A ratio measured once per replicate (a relative risk), judged on the log scale: the
/// check's figure is the mean of the replicates' log ratios with its Student t interval, and
/// the ratio shown is its exponential (the geometric mean ratio), with the interval's ends
/// transformed back — asymmetric and above 0, as a ratio's must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogRatio {
    /// Mean log ratio over the replicates with a positive, finite ratio.
    pub log: Estimate,
    /// exp of the mean log ratio, and of the ends of its 95% interval.
    pub ratio: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The [`LogRatio`] of per-replicate ratios (a ratio that is 0, infinite or NaN — a group
/// without a lonely agent, or an empty one — is left out, and `n` says so).
pub fn log_ratio(ratios: &[f64]) -> LogRatio {
    let logs: Vec<f64> = ratios
        .iter()
        .map(|&r| {
            if r.is_finite() && r > 0.0 {
                r.ln()
            } else {
                f64::NAN
            }
        })
        .collect();
    let log = estimate(&logs);
    LogRatio {
        log,
        ratio: log.mean.exp(),
        lo: (log.mean - log.half_width).exp(),
        hi: (log.mean + log.half_width).exp(),
    }
}

impl LogRatio {
    /// "1.85 (95% CI 1.70–2.01, geometric mean of 8 replicates)".
    pub fn text(&self) -> String {
        if self.log.half_width.is_finite() {
            format!(
                "{:.2} (95% CI {:.2}–{:.2}, geometric mean of {} replicates)",
                self.ratio, self.lo, self.hi, self.log.n
            )
        } else {
            format!("{:.2} ({} replicates: no interval)", self.ratio, self.log.n)
        }
    }
}

impl Chart {
    /// Like [`Chart::per_replicate`], for ratios judged on the log scale: each replicate's
    /// ratio as a point, and the geometric mean with its back-transformed 95% interval as a
    /// line with a ribbon.
    pub fn per_replicate_ratio(mut self, name: &str, ratios: &[f64], r: &LogRatio) -> Chart {
        let n = ratios.len().max(1) as f64;
        while self.points.len() < self.series.len() {
            self.points.push(Series {
                name: String::new(),
                points: Vec::new(),
            });
        }
        let (lo, hi) = if r.log.half_width.is_finite() {
            (r.lo, r.hi)
        } else {
            (f64::NAN, f64::NAN)
        };
        self.series.push(Series {
            name: format!("{name}: geometric mean over replicates"),
            points: vec![(0.6, r.ratio, lo, hi), (n + 0.4, r.ratio, lo, hi)],
        });
        self.points.push(Series {
            name: format!("{name}: each replicate"),
            points: ratios
                .iter()
                .enumerate()
                .map(|(k, &v)| ((k + 1) as f64, v, f64::NAN, f64::NAN))
                .collect(),
        });
        self
    }
}

/// Ratios: above 0.
pub const RATIO: Bounds = Bounds {
    lo: Some(0.0),
    hi: None,
};
