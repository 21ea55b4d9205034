//! What the page and the server say to each other (docs/STUDIO.md, "Protocol"): JSON
//! requests, JSON answers and errors, and the binary frame of a town's state.
//!
//! Plain HTTP, no WebSocket: the page asks for the next weeks when it has drawn the last
//! ones, so a slow page or a slow network never lets frames pile up (the page paces the
//! run), every request can be checked with a plain HTTP client, and a session lives in the
//! server's table, not in a connection that may drop.

use serde::{Deserialize, Serialize};

/// The limits of a studio server (docs/STUDIO.md, "Limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most people in one town.
    pub population: u32,
    /// Most person-weeks a town may record (people × recorded weeks): bounds the history
    /// each session keeps (3 bytes a person-week).
    pub person_weeks: u64,
    /// Most sessions (browser tabs) at once.
    pub sessions: usize,
    /// A session idle this long is dropped.
    pub idle_secs: u64,
    /// Most weeks one request may simulate.
    pub weeks_per_request: u32,
    /// Largest request body (an uploaded scenario included).
    pub body_bytes: usize,
    /// Simulations running at once (the rest wait their turn).
    pub busy: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            population: 20_000,
            person_weeks: 20_000 * 1_040,
            sessions: 8,
            idle_secs: 15 * 60,
            weeks_per_request: 52,
            body_bytes: 1 << 20,
            busy: 2,
        }
    }
}

/// One `--set`-style override: a field path and its value, as text.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SetField {
    pub path: String,
    pub value: String,
}

/// Where the scenario comes from.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// A built-in scenario's name (`default` when neither is given).
    #[serde(default)]
    pub builtin: Option<String>,
    /// The text of a RON scenario file, uploaded.
    #[serde(default)]
    pub ron: Option<String>,
    /// The uploaded file's name, for messages.
    #[serde(default)]
    pub file: Option<String>,
}

/// `POST /api/check` and `POST /api/setup`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub scenario: ScenarioSpec,
    /// Overrides of the first town (and of the second, before its own).
    #[serde(default)]
    pub set: Vec<SetField>,
    /// A second town, side by side: the same scenario and people with these overrides too.
    #[serde(default)]
    pub compare: Option<CompareSpec>,
    /// The session this setup replaces (its slot is freed first).
    #[serde(default)]
    pub replaces: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSpec {
    /// What the page calls the two towns ("with support groups", "without").
    #[serde(default)]
    pub labels: Option<(String, String)>,
    pub set: Vec<SetField>,
}

/// `POST /api/session/{id}/step`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// Weeks to simulate (0 = only send the current state).
    pub weeks: u32,
    /// Send every town's ties too.
    #[serde(default)]
    pub ties: bool,
}

/// `POST /api/session/{id}/strike`: a life event on one person, in every town.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StrikeRequest {
    pub person: u32,
    #[serde(default)]
    pub event: u32,
}

/// `POST /api/session/{id}/support`: open or close support groups now.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupportRequest {
    pub open: bool,
    /// One town (0 or 1), or every town.
    #[serde(default)]
    pub town: Option<usize>,
}

/// A problem with one field, for the page to show beside its control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

/// Every error answer: a message and, for a scenario, the problems by field path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub problems: Vec<FieldProblem>,
}

/// A town's ties: (a, b, weight) with a < b.
pub type TieList = Vec<(u32, u32, f32)>;

/// Appends `bytes` and zeros up to a multiple of 4 (typed arrays need aligned offsets).
fn put_aligned(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

/// The binary frame: `u32` length of the JSON header, the header, then aligned sections —
/// positions (`u16` x, y per person), and per town loneliness (`u8` per person, 255 = 1)
/// and flags (`u8` per person), then per town, if asked, the ties: `u32` count, `u32` pairs,
/// `u8` weights. Little-endian.
pub fn encode_frame(
    header: &serde_json::Value,
    positions: &[u16],
    towns: &[(Vec<u8>, Vec<u8>)],
    ties: Option<&[TieList]>,
) -> Vec<u8> {
    let head = serde_json::to_vec(header).unwrap_or_else(|_| b"{}".to_vec());
    let mut out = Vec::with_capacity(8 + head.len() + positions.len() * 2 + towns.len() * 4096);
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    put_aligned(&mut out, &head);
    let mut pos = Vec::with_capacity(positions.len() * 2);
    for p in positions {
        pos.extend_from_slice(&p.to_le_bytes());
    }
    put_aligned(&mut out, &pos);
    for (lonely, flags) in towns {
        put_aligned(&mut out, lonely);
        put_aligned(&mut out, flags);
    }
    if let Some(ties) = ties {
        for list in ties {
            out.extend_from_slice(&(list.len() as u32).to_le_bytes());
            let mut pairs = Vec::with_capacity(list.len() * 8);
            let mut weights = Vec::with_capacity(list.len());
            for &(a, b, w) in list {
                pairs.extend_from_slice(&a.to_le_bytes());
                pairs.extend_from_slice(&b.to_le_bytes());
                weights.push(super::story::byte(w));
            }
            put_aligned(&mut out, &pairs);
            put_aligned(&mut out, &weights);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_aligned_and_says_its_header_length() {
        let h = serde_json::json!({"week": 3});
        let f = encode_frame(
            &h,
            &[1, 2, 3, 4],
            &[(vec![9, 8], vec![1, 0])],
            Some(&[vec![(0, 1, 1.0)]]),
        );
        let len = u32::from_le_bytes(f[..4].try_into().unwrap()) as usize;
        assert_eq!(&f[4..4 + len], br#"{"week":3}"#);
        let mut at = 4 + len;
        at += (4 - at % 4) % 4;
        assert_eq!(&f[at..at + 8], &[1, 0, 2, 0, 3, 0, 4, 0]);
        assert_eq!(&f[at + 8..at + 10], &[9, 8]);
        assert_eq!(&f[at + 12..at + 14], &[1, 0]);
        assert_eq!(&f[at + 16..at + 20], &1u32.to_le_bytes());
        assert_eq!(f.len() % 4, 0);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<StepRequest, _> = serde_json::from_str(r#"{"weeks": 1, "bogus": 2}"#);
        assert!(r.is_err());
    }
}
