//! Errors of the scenario stage, each one something a person can act on.

use std::fmt;

/// One semantic problem, named by its field path (`events[1].hazard`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Everything that can be wrong with a scenario before it runs. All of these are bad input
/// (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read scenario file: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// Syntax or type error, with its position and the offending line.
    #[error(
        "{file}:{line}:{col}: {}{message}{}",
        field.as_ref().map(|f| format!("{f}: ")).unwrap_or_default(),
        if snippet.is_empty() { String::new() } else { format!("\n{snippet}") }
    )]
    Parse {
        file: String,
        line: usize,
        col: usize,
        field: Option<String>,
        message: String,
        snippet: String,
    },
    /// Values that parse but make no sense; every problem in the file at once.
    #[error("{file}: invalid scenario ({} problem{}):\n{}", problems.len(), if problems.len() == 1 { "" } else { "s" }, render_problems(problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
    /// A bad `--set KEY=VALUE`.
    #[error("--set {arg}: {message}")]
    Override { arg: String, message: String },
    /// No built-in scenario of that name.
    #[error("no built-in scenario named `{name}`; built-in scenarios: {available}")]
    UnknownBuiltin { name: String, available: String },
}

fn render_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The offending line with a caret under the column, compiler style.
pub fn snippet(source: &str, line: usize, col: usize) -> String {
    let Some(text) = source.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    // Keep very long lines (minified or garbage input) readable.
    let text: String = text.chars().take(200).collect();
    let gutter = line.to_string().len();
    let caret_pad: String = text
        .chars()
        .take(col.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(
        "{:gutter$} |\n{line} | {text}\n{:gutter$} | {caret_pad}^",
        "",
        "",
        gutter = gutter
    )
}
