//! `--set KEY=VALUE` overrides: any field of a scenario, addressed by its path
//! (`population.size`, `events[0].hazard`, `support.enabled`).
//!
//! The scenario is turned into a JSON tree, the value is put at the path, and the tree is
//! deserialized again, so an override is checked exactly like the same value in a file.

use super::error::ScenarioError;
use super::schema::Scenario;
use serde_json::Value;

/// One parsed `KEY=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub path: String,
    pub value: String,
}

impl Override {
    pub fn parse(arg: &str) -> Result<Self, ScenarioError> {
        match arg.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Override {
                path: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err(ScenarioError::Override {
                arg: arg.to_string(),
                message: "expected KEY=VALUE, e.g. population.size=5000".into(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() && out.is_empty() {
            return Err(format!("`{path}` does not start with a field name"));
        }
        if !name.is_empty() {
            out.push(Segment::Key(name.to_string()));
        }
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| format!("missing `]` in `{path}`"))?;
            let idx = rest[1..close]
                .parse::<usize>()
                .map_err(|_| format!("`{}` is not a list index in `{path}`", &rest[1..close]))?;
            out.push(Segment::Index(idx));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("unexpected `{rest}` in `{path}`"));
            }
        }
    }
    Ok(out)
}

/// Turns the text of a value into JSON: RON syntax (numbers, booleans, strings, lists,
/// structs, `None`, `Some(x)`); a bare word is taken as a string (an enum variant).
fn parse_value(text: &str) -> Value {
    // A list of bare words (`[Agents, Ties]`) is a list of enum variants: RON would read
    // each word as a unit struct and lose it.
    let t = text.trim();
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let words: Vec<&str> = inner
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        let bare = |w: &&str| {
            w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !matches!(*w, "true" | "false" | "None")
        };
        if !words.is_empty() && words.iter().all(bare) {
            return Value::Array(words.iter().map(|w| Value::String(w.to_string())).collect());
        }
    }
    match ron::from_str::<ron::Value>(text) {
        // RON reads a bare word (`lots`, `Prototype`) as a unit struct: keep the word.
        Ok(ron::Value::Unit) if text.trim() != "()" => Value::String(text.trim().to_string()),
        Ok(v) => ron_to_json(v),
        Err(_) => Value::String(text.to_string()),
    }
}

/// A RON number as JSON: integers exactly (a 64-bit seed must survive), floats as floats.
/// JSON has no NaN or infinity; those become the strings `NaN`, `inf`, `-inf`, which a
/// number field then refuses (see [`non_finite`]).
fn number_to_json(n: ron::Number) -> Value {
    use ron::Number as N;
    match n {
        N::I8(v) => Value::from(v),
        N::I16(v) => Value::from(v),
        N::I32(v) => Value::from(v),
        N::I64(v) => Value::from(v),
        N::U8(v) => Value::from(v),
        N::U16(v) => Value::from(v),
        N::U32(v) => Value::from(v),
        N::U64(v) => Value::from(v),
        other => {
            let f = other.into_f64();
            if !f.is_finite() {
                Value::String(f.to_string())
            } else if f.fract() == 0.0 && f.abs() < 9.0e15 {
                // `60.0` for a count is still 60.
                if f < 0.0 {
                    Value::from(f as i64)
                } else {
                    Value::from(f as u64)
                }
            } else {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
        }
    }
}

/// The non-finite value a serde message complains about, if that is what it is:
/// `invalid type: string "NaN", expected f64` -> `NaN`.
fn non_finite(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("invalid type: string \"")?;
    let (value, expected) = rest.split_once('"')?;
    (["NaN", "inf", "-inf"].contains(&value) && expected.starts_with(", expected f"))
        .then_some(value)
}

fn ron_to_json(v: ron::Value) -> Value {
    use ron::Value as R;
    match v {
        R::Bool(b) => Value::Bool(b),
        R::Char(c) => Value::String(c.to_string()),
        R::String(s) => Value::String(s),
        R::Bytes(b) => Value::Array(b.into_iter().map(Value::from).collect()),
        R::Number(n) => number_to_json(n),
        R::Option(None) | R::Unit => Value::Null,
        R::Option(Some(b)) => ron_to_json(*b),
        R::Seq(items) => Value::Array(items.into_iter().map(ron_to_json).collect()),
        R::Map(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        R::String(s) => s,
                        other => format!("{other:?}"),
                    };
                    (key, ron_to_json(v))
                })
                .collect(),
        ),
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "None",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a section",
    }
}

/// Applies overrides in order; errors name the argument and what was expected.
pub fn apply(scenario: &Scenario, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    if overrides.is_empty() {
        return Ok(scenario.clone());
    }
    let err = |o: &Override, message: String| ScenarioError::Override {
        arg: format!("{}={}", o.path, o.value),
        message,
    };
    let mut tree = serde_json::to_value(scenario).map_err(|e| ScenarioError::Override {
        arg: String::new(),
        message: format!("internal: cannot represent the scenario: {e}"),
    })?;
    for o in overrides {
        let path = parse_path(&o.path).map_err(|m| err(o, m))?;
        let mut node = &mut tree;
        let mut walked = String::new();
        for seg in &path {
            node = match seg {
                Segment::Key(k) => {
                    let Value::Object(map) = node else {
                        return Err(err(
                            o,
                            format!("`{walked}` is {}, it has no field `{k}`", describe(node)),
                        ));
                    };
                    if !map.contains_key(k) {
                        let mut keys: Vec<&String> = map.keys().collect();
                        keys.sort();
                        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                        let at = if walked.is_empty() {
                            "the scenario"
                        } else {
                            &walked
                        };
                        return Err(err(
                            o,
                            format!(
                                "{at} has no field `{k}`; expected one of {}",
                                keys.join(", ")
                            ),
                        ));
                    }
                    if !walked.is_empty() {
                        walked.push('.');
                    }
                    walked.push_str(k);
                    map.get_mut(k).expect("key checked above")
                }
                Segment::Index(i) => {
                    let Value::Array(items) = node else {
                        return Err(err(
                            o,
                            format!("`{walked}` is {}, not a list", describe(node)),
                        ));
                    };
                    let len = items.len();
                    walked.push_str(&format!("[{i}]"));
                    items.get_mut(*i).ok_or_else(|| {
                        err(
                            o,
                            format!("`{walked}` does not exist: the list has {len} entries"),
                        )
                    })?
                }
            };
        }
        *node = parse_value(&o.value);
    }
    serde_path_to_error::deserialize::<_, Scenario>(tree).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        let message = match non_finite(&inner) {
            Some(v) => format!("{path}: must be a finite number, got {v}"),
            None => format!("{path}: {}", plain_types(&inner)),
        };
        // Name the override that put the bad value there (the last one touching the path).
        let arg = match overrides.iter().rev().find(|o| covers(&o.path, &path)) {
            Some(o) => format!("{}={}", o.path, o.value),
            None => overrides
                .iter()
                .map(|o| format!("{}={}", o.path, o.value))
                .collect::<Vec<_>>()
                .join(" "),
        };
        ScenarioError::Override { arg, message }
    })
}

/// serde names Rust types (`expected u32`); say what they hold.
fn plain_types(message: &str) -> String {
    let mut m = message.to_string();
    for (rust, plain) in [
        ("expected u32", "expected a whole number in [0, 4294967295]"),
        (
            "expected u64",
            "expected a whole number in [0, 18446744073709551615]",
        ),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        if m.ends_with(rust) {
            m.truncate(m.len() - rust.len());
            m.push_str(plain);
        }
    }
    m
}

/// Whether an override of `set` (a field path) wrote the field at `path`: the same field, a
/// field inside it, or a section holding it.
fn covers(set: &str, path: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    let set: String = set.chars().filter(|c| !c.is_whitespace()).collect();
    inside(&set, path) || inside(path, &set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &Scenario, arg: &str) -> Result<Scenario, ScenarioError> {
        apply(s, &[Override::parse(arg).unwrap()])
    }

    #[test]
    fn sets_nested_and_indexed_fields() {
        let mut s = Scenario::default();
        s.events.push(Default::default());
        let s2 = set(&s, "population.size=5000").unwrap();
        assert_eq!(s2.population.size, 5000);
        let s3 = set(&s, "events[0].hazard=0.002").unwrap();
        assert_eq!(s3.events[0].hazard, 0.002);
        let s4 = set(&s, "support.enabled=false").unwrap();
        assert!(!s4.support.enabled);
        let s5 = set(&s, "events[0].duration=52").unwrap();
        assert_eq!(s5.events[0].duration, Some(52.0));
        let s6 = set(&s, "events[0].pulse=(step: 10, fraction: 0.5)").unwrap();
        assert_eq!(s6.events[0].pulse.map(|p| p.step), Some(10));
    }

    #[test]
    fn unknown_field_lists_expected() {
        let s = Scenario::default();
        let e = set(&s, "population.sise=5").unwrap_err().to_string();
        assert!(e.contains("no field `sise`") && e.contains("`size`"), "{e}");
    }

    #[test]
    fn wrong_type_names_field() {
        let s = Scenario::default();
        let e = set(&s, "population.size=lots").unwrap_err().to_string();
        assert!(e.contains("population.size"), "{e}");
    }

    #[test]
    fn large_integers_stay_exact() {
        let s = Scenario::default();
        let s2 = set(&s, "seed=18446744073709551615").unwrap();
        assert_eq!(s2.seed, u64::MAX);
        let s3 = set(&s, "seed=9007199254740993").unwrap();
        assert_eq!(s3.seed, 9_007_199_254_740_993);
    }

    #[test]
    fn bare_word_is_a_string() {
        let s = Scenario::default();
        let e = set(&s, "population.size=lots").unwrap_err().to_string();
        assert!(e.contains("\"lots\"") && !e.contains("null"), "{e}");
        let s2 = set(&s, "name=demo").unwrap();
        assert_eq!(s2.name, "demo");
    }

    #[test]
    fn a_list_of_bare_words_is_a_list_of_variants() {
        use crate::scenario::SnapshotTable as T;
        let s = Scenario::default();
        let s2 = set(&s, "output.snapshots=[Ties, Agents]").unwrap();
        assert_eq!(s2.output.snapshots, vec![T::Ties, T::Agents]);
        assert!(set(&s, "output.snapshots=[]")
            .unwrap()
            .output
            .snapshots
            .is_empty());
        let e = set(&s, "output.snapshots=[Edges]").unwrap_err().to_string();
        assert!(e.contains("Edges"), "{e}");
    }

    #[test]
    fn non_finite_is_refused_clearly() {
        let mut s = Scenario::default();
        s.events.push(Default::default());
        for v in ["NaN", "inf", "-inf"] {
            let e = set(&s, &format!("events[0].hazard={v}"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("events[0].hazard: must be a finite number") && e.contains(v),
                "{e}"
            );
        }
        let e = set(&s, "events[0].pulse=(step: 1, fraction: NaN)")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("events[0].pulse.fraction: must be a finite"),
            "{e}"
        );
        // A name may be any word, even one RON reads as a number.
        assert_eq!(set(&s, "name=NaN").unwrap().name, "NaN");
    }

    #[test]
    fn error_names_the_offending_override() {
        let s = Scenario::default();
        let e = apply(
            &s,
            &[
                Override::parse("seed=3").unwrap(),
                Override::parse("population.size=lots").unwrap(),
                Override::parse("steps=10").unwrap(),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("--set population.size=lots:"), "{e}");
    }

    #[test]
    fn index_out_of_range() {
        let s = Scenario::default();
        let e = set(&s, "events[3].hazard=0.1").unwrap_err().to_string();
        assert!(e.contains("0 entries"), "{e}");
    }
}
