//! Scenario stage: RON text -> [`Scenario`] (serde types with defaults) -> validated [`Config`].

pub mod builtin;
pub mod error;
pub mod load;
pub mod overrides;
pub mod schema;
pub mod sections;
pub mod sweep;
pub mod validate;

pub use error::{Problem, ScenarioError};
pub use overrides::Override;
pub use schema::*;

use std::path::Path;

/// A scenario that passed validation, with the names it refers to resolved to indices.
#[derive(Debug, Clone)]
pub struct Config {
    pub scenario: Scenario,
    /// For each event kind, the (group kind index, probability) pairs it breaks.
    pub event_losses: Vec<Vec<(usize, f64)>>,
    /// The event kinds that have support groups (when support is enabled).
    pub support_foci: Vec<usize>,
    /// Each event kind's `burden` on attendance while its condition is active.
    pub event_burden: Vec<f32>,
}

impl Config {
    /// Validates `scenario` (every problem at once) and resolves references.
    pub fn new(file: &str, scenario: Scenario) -> Result<Self, ScenarioError> {
        let problems = validate::validate(&scenario);
        if !problems.is_empty() {
            return Err(ScenarioError::Invalid {
                file: file.to_string(),
                problems,
            });
        }
        let event_losses = scenario
            .events
            .iter()
            .map(|e| {
                e.lose
                    .iter()
                    .filter_map(|l| {
                        let k = scenario.groups.iter().position(|g| g.name == l.kind)?;
                        Some((k, l.probability))
                    })
                    .collect()
            })
            .collect();
        let support_foci = if scenario.support.enabled {
            (0..scenario.events.len())
                .filter(|&k| scenario.events[k].support)
                .collect()
        } else {
            Vec::new()
        };
        let event_burden = scenario.events.iter().map(|e| e.burden as f32).collect();
        Ok(Config {
            scenario,
            event_losses,
            support_foci,
            event_burden,
        })
    }

    pub fn agents(&self) -> usize {
        self.scenario.population.size as usize
    }
}

/// Where a scenario comes from: a file, or a built-in by name.
#[derive(Debug, Clone)]
pub enum Source {
    File(std::path::PathBuf),
    Builtin(String),
}

impl Source {
    /// A path that exists is a file; otherwise a built-in name (`default`, `classroom`, ...)
    /// is accepted; anything else is reported as a missing file.
    pub fn from_arg(arg: &str) -> Source {
        let path = Path::new(arg);
        if !path.exists() && builtin::get(arg).is_some() {
            Source::Builtin(arg.to_string())
        } else {
            Source::File(path.to_path_buf())
        }
    }

    pub fn label(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Builtin(n) => format!("<built-in {n}>"),
        }
    }
}

/// Loads, overrides and validates a scenario: the one entry point of this stage.
pub fn resolve(source: &Source, overrides: &[Override]) -> Result<Config, ScenarioError> {
    let label = source.label();
    let parsed = match source {
        Source::File(p) => load::read_file(p)?,
        Source::Builtin(name) => {
            let text = builtin::get(name).ok_or_else(|| ScenarioError::UnknownBuiltin {
                name: name.clone(),
                available: builtin::names().join(", "),
            })?;
            load::parse_str(&label, text)?
        }
    };
    let scenario = overrides::apply(&parsed, overrides)?;
    Config::new(&label, scenario)
}

/// The resolved scenario as RON text, every default filled in (written as `scenario.ron`).
pub fn to_ron(s: &Scenario) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .depth_limit(4)
        .struct_names(false)
        .separate_tuple_members(false);
    ron::ser::to_string_pretty(s, pretty).unwrap_or_else(|e| format!("// cannot serialize: {e}"))
}
