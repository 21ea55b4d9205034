//! `interventions`: facilitated group programmes offered to lonely agents (SCENARIOS.md §8a;
//! ODD §6.11). A programme's `start` reads `steps`: `validate.rs` checks it.

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// A facilitated group programme offered to lonely agents (e.g. Groups 4 Health: five weekly
/// sessions, then a booster a month later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Intervention {
    pub name: String,
    /// Recorded week at which the programme starts; agents lonely then are eligible.
    pub start: u32,
    /// Weeks after `start` at which the programme groups meet.
    pub sessions: Vec<u32>,
    /// Most participants (0 = every eligible agent who accepts).
    pub capacity: u32,
    /// Probability that an eligible agent accepts the offer.
    pub uptake: f64,
    /// Participants per programme group.
    pub group_size: u32,
    /// Baseline attendance of a participant at a session.
    pub attendance: f64,
    /// Probability that a participant joins a joinable (community) group when the programme
    /// ends (G4H's "scaffolding": planning and taking up new group memberships).
    pub scaffolding: f64,
}

impl Default for Intervention {
    fn default() -> Self {
        Intervention {
            name: "programme".into(),
            start: 52,
            sessions: vec![0, 1, 2, 3, 4, 8],
            capacity: 0,
            uptake: 0.7,
            group_size: 10,
            attendance: 0.85,
            scaffolding: 0.5,
        }
    }
}

/// Every range of the section, each problem with its field path (`interventions[i].FIELD`).
pub(in crate::scenario) fn check(interventions: &[Intervention], c: &mut Checker) {
    for (i, p) in interventions.iter().enumerate() {
        let at = |f: &str| format!("interventions[{i}].{f}");
        if p.sessions.is_empty() {
            c.push(at("sessions"), "must list at least one session week");
        }
        if let Some(&x) = p.sessions.iter().find(|&&x| x > 520) {
            c.push(
                at("sessions"),
                format!("session weeks must be in [0, 520], got {x}"),
            );
        }
        c.count(&at("group_size"), p.group_size, 2, 10_000);
        c.unit(&at("uptake"), p.uptake);
        c.unit(&at("scaffolding"), p.scaffolding);
        c.range(&at("attendance"), p.attendance, 0.001, 0.999);
    }
}
