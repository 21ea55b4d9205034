//! `exclusion`: exclusion at meetings and resignation (SCENARIOS.md §13; ODD §6.4).

use super::super::validate::{Checker, MAX_STEPS};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Exclusion {
    /// Probability scale per meeting of being excluded: × stigma × (1 - integration/2)
    /// × (1 - acceptance) × (0.5 + distance to prototype / √d).
    pub rate: f64,
    /// Identification lost per exclusion.
    pub identification_loss: f64,
    /// Fraction of the tie to the excluder lost.
    pub tie_loss: f64,
    /// Rise of `exclusion` per episode (towards 1).
    pub hit: f64,
    /// Distress added per episode.
    pub distress: f64,
    /// Weekly decay of `exclusion`.
    pub decay: f64,
    /// Level of `exclusion` that counts as being excluded this week.
    pub threshold: f64,
    /// Consecutive weeks above the threshold before resignation (sustained, not acute).
    pub resign_weeks: u32,
    /// Weekly probability of leaving resignation once exclusion is below half the threshold.
    pub recovery: f64,
    /// Weekly loss of approach while resigned (× approach).
    pub resigned_withdrawal: f64,
}

impl Default for Exclusion {
    fn default() -> Self {
        Exclusion {
            rate: 0.25,
            identification_loss: 0.1,
            tie_loss: 0.3,
            hit: 0.3,
            distress: 0.05,
            decay: 0.1,
            threshold: 0.3,
            resign_weeks: 8,
            recovery: 0.02,
            resigned_withdrawal: 0.05,
        }
    }
}

impl Exclusion {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let x = self;
        for (name, v) in [
            ("rate", x.rate),
            ("identification_loss", x.identification_loss),
            ("tie_loss", x.tie_loss),
            ("hit", x.hit),
            ("distress", x.distress),
            ("decay", x.decay),
            ("threshold", x.threshold),
            ("recovery", x.recovery),
            ("resigned_withdrawal", x.resigned_withdrawal),
        ] {
            c.unit(&format!("exclusion.{name}"), v);
        }
        c.count("exclusion.resign_weeks", x.resign_weeks, 1, MAX_STEPS);
    }
}
