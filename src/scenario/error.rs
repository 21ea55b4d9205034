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

/// Most problems listed one by one; the rest are counted (a generated file with thousands of
/// identical mistakes should not print thousands of lines).
pub const MAX_LISTED_PROBLEMS: usize = 100;

fn render_problems(problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|p| format!("  - {p}"))
        .collect();
    if problems.len() > MAX_LISTED_PROBLEMS {
        lines.push(format!(
            "  ... and {} more problems",
            problems.len() - MAX_LISTED_PROBLEMS
        ));
    }
    lines.join("\n")
}

/// Characters of the offending line shown around the column (long lines are cut).
const SNIPPET_WIDTH: usize = 200;

/// The offending line with a caret under the column, compiler style. Very long lines
/// (minified or garbage input) show a window around the column, marked with `…`; control
/// characters show as `�` so garbage cannot disturb the terminal.
pub fn snippet(source: &str, line: usize, col: usize) -> String {
    let Some(text) = source.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let chars: Vec<char> = text.chars().collect();
    let col0 = col.saturating_sub(1).min(chars.len());
    let from = col0.saturating_sub(SNIPPET_WIDTH / 2);
    let from = if chars.len() <= SNIPPET_WIDTH {
        0
    } else {
        from
    };
    let to = (from + SNIPPET_WIDTH).min(chars.len());
    let clean = |c: char| {
        if c.is_control() && c != '\t' {
            '\u{fffd}'
        } else {
            c
        }
    };
    let mut shown: String = chars[from..to].iter().map(|&c| clean(c)).collect();
    let mut caret_pad: String = chars[from..col0]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    if from > 0 {
        shown.insert(0, '…');
        caret_pad.insert(0, ' ');
    }
    if to < chars.len() {
        shown.push('…');
    }
    let gutter = line.to_string().len();
    format!(
        "{:gutter$} |\n{line} | {shown}\n{:gutter$} | {caret_pad}^",
        "",
        "",
        gutter = gutter
    )
}

/// A user-given text for a message: at most 60 characters, with the length of the rest.
pub fn shown(text: &str) -> String {
    const MAX: usize = 60;
    let n = text.chars().count();
    if n <= MAX {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}… ({n} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_shows_a_window_around_the_column() {
        let line = format!("{}X{}", " ".repeat(5000), "y".repeat(5000));
        let s = snippet(&line, 1, 5001);
        let lines: Vec<&str> = s.lines().collect();
        assert!(
            lines[1].starts_with("1 | …") && lines[1].ends_with('…'),
            "{s}"
        );
        assert!(lines[1].chars().count() < 220, "{s}");
        // The caret sits under the X.
        let x = lines[1].chars().position(|c| c == 'X').unwrap();
        assert_eq!(lines[2].chars().count() - 1, x, "{s}");
    }

    #[test]
    fn control_characters_are_not_printed() {
        let s = snippet("\u{1b}[31m(name: \"x\")\u{0}", 1, 1);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{0}'), "{s:?}");
        assert!(s.contains("\u{fffd}[31m(name"), "{s:?}");
    }

    #[test]
    fn long_names_are_cut() {
        assert_eq!(shown("work"), "\"work\"");
        let long = "a".repeat(1000);
        assert_eq!(
            shown(&long),
            format!("\"{}\"… (1000 characters)", "a".repeat(60))
        );
    }

    #[test]
    fn at_most_100_problems_are_listed() {
        let problems: Vec<Problem> = (0..250)
            .map(|i| Problem::new(format!("events[{i}].hazard"), "must be in [0, 1]"))
            .collect();
        let text = ScenarioError::Invalid {
            file: "f.ron".into(),
            problems,
        }
        .to_string();
        assert!(text.starts_with("f.ron: invalid scenario (250 problems):"));
        assert_eq!(text.lines().filter(|l| l.starts_with("  - ")).count(), 100);
        assert!(text.ends_with("  ... and 150 more problems"), "{text}");
    }
}
