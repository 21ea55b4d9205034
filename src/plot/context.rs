//! What the plots need to know about the run beyond its tables, read from the folder's own
//! `scenario.ron`: whether the belonging process ran (classic models have it off), the
//! identity rule and lattice (for Axelrod's map), and the weeks of interventions and
//! pulses (shaded on every time axis).
//!
//! A folder without a readable `scenario.ron` (an old run, a hand-made folder) gets
//! [`RunContext::fallback`]: belonging on, no identity plots, no time marks — the plots
//! such a folder always had.

use std::path::Path;

use crate::scenario::{Generator, IdentityRule, Neighbourhood, Scenario};

/// A lattice network: agent i sits at column i % width, row i / width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lattice {
    pub width: usize,
    pub height: usize,
    pub neighbourhood: Neighbourhood,
    pub torus: bool,
}

/// What a time mark stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkKind {
    /// The weeks in which an intervention's groups meet (shaded span).
    Sessions,
    /// A one-week pulse of a life event (a vertical line).
    Pulse,
}

/// Something that happened in given weeks of the run, drawn on every time axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeMark {
    pub kind: MarkKind,
    /// Legend label, e.g. "groups4health sessions (weeks 52–56, 60)", "chronic illness
    /// pulse (week 26)".
    pub label: String,
    /// Spans in recorded weeks (the `step` axis of every table): a session week W is
    /// (W − 0.5, W + 0.5), consecutive weeks merged; a pulse is the single point
    /// (S, S).
    pub spans: Vec<(f64, f64)>,
}

/// What the plots know about the run from its `scenario.ron`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunContext {
    /// The belonging process ran (loneliness and belonging mean something).
    pub belonging: bool,
    /// The identity rule, when known.
    pub rule: Option<IdentityRule>,
    /// The lattice, when the network is one.
    pub lattice: Option<Lattice>,
    /// Bounded confidence: agents closer than this are one cluster (single linkage).
    pub cluster_tolerance: f64,
    /// Interventions and pulses.
    pub marks: Vec<TimeMark>,
}

impl RunContext {
    /// What a folder without a readable `scenario.ron` gets: the loneliness plots only.
    pub fn fallback() -> Self {
        RunContext {
            belonging: true,
            rule: None,
            lattice: None,
            cluster_tolerance: 0.05,
            marks: Vec::new(),
        }
    }

    /// Reads `path` (a results folder's `scenario.ron`); [`RunContext::fallback`] when it
    /// is missing or cannot be read as a scenario (written by an older version).
    pub fn load(path: &Path) -> Self {
        if !path.is_file() {
            return Self::fallback();
        }
        match crate::scenario::load::read_file(path) {
            Ok(s) => Self::from_scenario(&s),
            Err(_) => Self::fallback(),
        }
    }

    pub fn from_scenario(s: &Scenario) -> Self {
        let nw = &s.network;
        let lattice = (nw.generator == Generator::Lattice && nw.width > 0 && nw.height > 0)
            .then_some(Lattice {
                width: nw.width as usize,
                height: nw.height as usize,
                neighbourhood: nw.neighbourhood,
                torus: nw.torus,
            });
        RunContext {
            belonging: s.belonging.enabled,
            rule: Some(s.identity.rule),
            lattice,
            cluster_tolerance: s.identity.cluster_tolerance,
            marks: time_marks(s),
        }
    }

    /// A classic model (the belonging process off): time is counted in steps, not weeks.
    pub fn classic(&self) -> bool {
        !self.belonging
    }

    /// Description of every time axis.
    pub fn time_desc(&self) -> &'static str {
        if self.classic() {
            "Time (steps)"
        } else {
            "Time (weeks)"
        }
    }

    /// What the identity-cluster metric counts under this rule.
    pub fn cluster_noun(&self) -> &'static str {
        match self.rule {
            Some(IdentityRule::Axelrod) => "Cultural regions",
            Some(IdentityRule::BoundedConfidence) => "Major opinion clusters",
            _ => "Identity clusters",
        }
    }
}

/// "52–56, 60" for the sorted weeks `[52, 53, 54, 55, 56, 60]`, with the runs of
/// consecutive weeks.
fn week_runs(weeks: &[u32]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &w in weeks {
        match runs.last_mut() {
            Some((_, last)) if w == *last + 1 => *last = w,
            Some((_, last)) if w == *last => {}
            _ => runs.push((w, w)),
        }
    }
    runs
}

/// The interventions' session weeks and the events' pulses of `s`, in recorded weeks.
///
/// Both are counted in recorded weeks — the `step` column of the tables — whatever the
/// burn-in: a programme meets in recorded weeks `start + sessions[k]`
/// (`dynamics::interventions` compares them with `World::recorded_step`) and a pulse
/// strikes in recorded week `pulse.step` (`dynamics::events`, likewise). Weeks at or
/// beyond `steps` are never recorded and are left out.
pub(crate) fn time_marks(s: &Scenario) -> Vec<TimeMark> {
    let mut marks = Vec::new();
    for p in &s.interventions {
        let mut weeks: Vec<u32> = p
            .sessions
            .iter()
            .map(|&k| p.start.saturating_add(k))
            .filter(|&w| w < s.steps)
            .collect();
        weeks.sort_unstable();
        let runs = week_runs(&weeks);
        if runs.is_empty() {
            continue;
        }
        let text: Vec<String> = runs
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}–{b}")
                }
            })
            .collect();
        let plural = if weeks.len() == 1 { "week" } else { "weeks" };
        marks.push(TimeMark {
            kind: MarkKind::Sessions,
            label: format!(
                "{} sessions ({plural} {})",
                p.name.replace('_', " "),
                text.join(", ")
            ),
            spans: runs
                .iter()
                .map(|&(a, b)| (f64::from(a) - 0.5, f64::from(b) + 0.5))
                .collect(),
        });
    }
    for e in &s.events {
        if let Some(p) = e.pulse.filter(|p| p.step < s.steps && p.fraction > 0.0) {
            let at = f64::from(p.step);
            marks.push(TimeMark {
                kind: MarkKind::Pulse,
                label: format!("{} pulse (week {})", e.name.replace('_', " "), p.step),
                spans: vec![(at, at)],
            });
        }
    }
    marks
}
