//! Reading a scenario from RON text: syntax and type errors with file, line, column,
//! field path and the offending line.

use super::error::{snippet, ScenarioError};
use super::schema::Scenario;
use std::path::Path;

/// Largest scenario file accepted (a scenario is a few kilobytes; this refuses accidents).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads and parses a scenario file (no semantic validation yet).
pub fn read_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let io = |source| ScenarioError::Io {
        file: file.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            io(std::io::Error::new(
                e.kind(),
                format!(
                    "no such file (built-in scenarios, run by name: {})",
                    super::builtin::names().join(", ")
                ),
            ))
        } else {
            io(e)
        }
    })?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("is a directory, not a file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io(std::io::Error::other(format!(
            "file is {} bytes; a scenario file may be at most {} bytes",
            meta.len(),
            MAX_FILE_BYTES
        ))));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    parse_bytes(&file, &bytes)
}

/// Parses bytes that should hold UTF-8 RON.
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Scenario, ScenarioError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_str(file, text),
        Err(e) => {
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let line = valid.matches('\n').count() + 1;
            let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(ScenarioError::Parse {
                file: file.to_string(),
                line,
                col,
                field: None,
                message: format!(
                    "the file is not UTF-8 text (invalid byte 0x{:02x}); expected a RON scenario",
                    bytes[e.valid_up_to()]
                ),
                snippet: snippet(&valid, line, col),
            })
        }
    }
}

/// Parses RON text into a [`Scenario`], filling defaults for absent fields.
pub fn parse_str(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    if text.trim().is_empty() {
        return Err(ScenarioError::Parse {
            file: file.to_string(),
            line: 1,
            col: 1,
            field: None,
            message: "the file is empty; expected a scenario such as `(name: \"demo\")`".into(),
            snippet: String::new(),
        });
    }
    if text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("//")
    }) {
        return Err(ScenarioError::Parse {
            file: file.to_string(),
            line: 1,
            col: 1,
            field: None,
            message: "the file holds only comments; expected a scenario such as \
                      `(name: \"demo\")`"
                .into(),
            snippet: String::new(),
        });
    }
    let parse_error = |e: ron::error::SpannedError, field: Option<String>| {
        let (mut line, mut col) = (e.span.start.line, e.span.start.col);
        if e.code == ron::Error::TrailingCharacters {
            // RON points just after the scenario; show the stray text itself.
            (line, col) = next_non_blank(text, line, col);
        }
        ScenarioError::Parse {
            file: file.to_string(),
            line,
            col,
            field: field.and_then(|f| known_path(&f)),
            message: explain(&e.code, text, line, col),
            snippet: snippet(text, line, col),
        }
    };
    let options = ron::Options::default().with_recursion_limit(64);
    let mut de = ron::Deserializer::from_str_with_options(text, &options)
        .map_err(|e| parse_error(e, None))?;
    let scenario: Scenario = match serde_path_to_error::deserialize(&mut de) {
        Ok(s) => s,
        Err(e) => {
            let path = e.path().to_string();
            let field = (path != ".").then_some(path);
            let spanned = de.span_error(e.into_inner());
            return Err(parse_error(spanned, field));
        }
    };
    de.end().map_err(|e| parse_error(de.span_error(e), None))?;
    Ok(scenario)
}

/// The known part of a serde field path: `population.?` (a syntax error inside `population`)
/// becomes `population`; a path with nothing known becomes `None`.
fn known_path(path: &str) -> Option<String> {
    let mut p = path.trim();
    while let Some(rest) = p.strip_suffix(".?").or_else(|| p.strip_suffix('?')) {
        p = rest;
    }
    (!p.is_empty() && p != ".").then(|| p.to_string())
}

/// RON's message, with a hint where its wording alone leaves a person guessing.
fn explain(code: &ron::Error, text: &str, line: usize, col: usize) -> String {
    let chars: Vec<char> = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .chars()
        .collect();
    let before = &chars[..col.saturating_sub(1).min(chars.len())];
    let here = chars.get(col.saturating_sub(1)).copied();
    let at_line_start = before.iter().all(|c| c.is_whitespace());
    let after_digit = before.last().is_some_and(char::is_ascii_digit);
    match code {
        // `size: 1.5` for a count: RON reads `1`, then stops at the `.`.
        ron::Error::ExpectedComma if after_digit && matches!(here, Some('.' | 'e' | 'E')) => {
            "expected a whole number here, not a decimal".into()
        }
        ron::Error::ExpectedComma if line > 1 && at_line_start => {
            "expected a comma: is a `,` missing at the end of the previous line?".into()
        }
        ron::Error::ExpectedComma if matches!(here, Some(')' | ']' | '}')) => format!(
            "expected a comma between two entries, or the end of the list or section; \
             is this `{}` one too many, or the wrong kind of bracket?",
            here.unwrap_or(')')
        ),
        ron::Error::ExpectedComma => "expected a comma between two entries".into(),
        ron::Error::ExpectedStringEnd => {
            "this string is never closed: expected a closing `\"`".into()
        }
        ron::Error::ExpectedInteger => "expected a whole number, such as 10".into(),
        ron::Error::ExpectedFloat => "expected a number, such as 0.5".into(),
        ron::Error::ExpectedBoolean => "expected `true` or `false`".into(),
        ron::Error::ExpectedString => "expected a quoted string, such as \"demo\"".into(),
        ron::Error::ExpectedMapColon => "expected `:` between a field name and its value".into(),
        ron::Error::ExpectedIdentifier => {
            "expected a field name (such as `size`) or the closing `)` of the section".into()
        }
        ron::Error::UnclosedBlockComment => {
            "this block comment is never closed: expected `*/` before the end of the file".into()
        }
        ron::Error::ExceededRecursionLimit => {
            "the sections are nested too deeply (a scenario needs only a few levels)".into()
        }
        ron::Error::IntegerOutOfBounds if here == Some('-') || before.last() == Some(&'-') => {
            "expected a whole number >= 0, got a negative number".into()
        }
        ron::Error::TrailingCharacters => {
            "unexpected text after the end of the scenario (its closing `)`)".into()
        }
        ron::Error::IntegerOutOfBounds => "the number is too large for this field".into(),
        ron::Error::Eof => {
            "unexpected end of the file: is a closing `)`, `]` or `\"` missing?".into()
        }
        other => {
            // RON repeats what it found (an unknown field name, a string): keep it readable.
            let text = other.to_string();
            match text.char_indices().nth(400) {
                Some((cut, _)) => format!("{}… ({} characters)", &text[..cut], text.len()),
                None => text,
            }
        }
    }
}

/// The position (1-based line and column) of the first non-blank character at or after
/// `line:col`, or `line:col` itself when only blanks follow.
fn next_non_blank(text: &str, line: usize, col: usize) -> (usize, usize) {
    for (i, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let skip = if i + 1 == line {
            col.saturating_sub(1)
        } else {
            0
        };
        if let Some(k) = l.chars().skip(skip).position(|c| !c.is_whitespace()) {
            return (i + 1, skip + k + 1);
        }
    }
    (line, col)
}
