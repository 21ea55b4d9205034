//! `stop`: when a replicate stops, after `steps` or at absorption (SCENARIOS.md §18a; ODD
//! §6.9). The rules `Absorption` sets for other sections are checked in `validate.rs`.

use super::super::validate::{Checker, MAX_STEPS};
use serde::{Deserialize, Serialize};

/// When a replicate stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopRule {
    /// After `steps` recorded steps.
    Steps,
    /// At absorption (no interaction can change anything), at the latest after `steps`.
    Absorption,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Stop {
    pub rule: StopRule,
    /// Absorption is checked after every `check_every`-th recorded step.
    pub check_every: u32,
    /// Bounded confidence: partners closer than this count as agreeing (absorbed).
    pub tolerance: f64,
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            rule: StopRule::Steps,
            check_every: 1,
            tolerance: 1e-4,
        }
    }
}

impl Stop {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.count("stop.check_every", self.check_every, 1, MAX_STEPS);
        c.range("stop.tolerance", self.tolerance, 0.0, 0.5);
    }
}
