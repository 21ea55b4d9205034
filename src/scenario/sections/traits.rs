//! `traits`: the slow dynamics of approach, distress and regulation (SCENARIOS.md §17; ODD
//! §6.8, the slow states).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// Slow dynamics of the agents' own states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Traits {
    /// Weekly return of approach towards its baseline.
    pub approach_recovery: f64,
    /// Weekly loss of approach per unit loneliness (hypervigilance).
    pub hypervigilance: f64,
    /// Weekly relief of distress per unit regulation.
    pub distress_recovery: f64,
    /// Weekly distress added per unit loneliness.
    pub distress_from_loneliness: f64,
    /// Weekly return of regulation towards its baseline.
    pub regulation_recovery: f64,
}

impl Default for Traits {
    fn default() -> Self {
        Traits {
            approach_recovery: 0.02,
            hypervigilance: 0.004,
            distress_recovery: 0.1,
            distress_from_loneliness: 0.02,
            regulation_recovery: 0.01,
        }
    }
}

impl Traits {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let t = self;
        for (name, v) in [
            ("approach_recovery", t.approach_recovery),
            ("hypervigilance", t.hypervigilance),
            ("distress_recovery", t.distress_recovery),
            ("distress_from_loneliness", t.distress_from_loneliness),
            ("regulation_recovery", t.regulation_recovery),
        ] {
            c.unit(&format!("traits.{name}"), v);
        }
    }
}
