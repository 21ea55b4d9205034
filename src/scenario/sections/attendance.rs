//! `attendance`: the logit model of attending a meeting (SCENARIOS.md §11; ODD §6.2).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// Attendance model: logit p = logit(base) + approach·(a-0.5) + identification·(s-0.5)
/// - loneliness·L - distress·δ - resigned·[resigned] - self_stigma·σ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Attendance {
    pub approach: f64,
    pub identification: f64,
    pub loneliness: f64,
    pub distress: f64,
    pub resigned: f64,
    pub self_stigma: f64,
    /// Weight of the newest meeting in the running attendance record.
    pub memory: f64,
}

impl Default for Attendance {
    fn default() -> Self {
        Attendance {
            approach: 2.0,
            identification: 1.5,
            loneliness: 0.75,
            distress: 1.0,
            resigned: 1.5,
            self_stigma: 2.0,
            memory: 0.1,
        }
    }
}

impl Attendance {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let a = self;
        for (name, v) in [
            ("approach", a.approach),
            ("identification", a.identification),
            ("loneliness", a.loneliness),
            ("distress", a.distress),
            ("resigned", a.resigned),
            ("self_stigma", a.self_stigma),
        ] {
            c.range(&format!("attendance.{name}"), v, 0.0, 20.0);
        }
        c.unit("attendance.memory", a.memory);
    }
}
