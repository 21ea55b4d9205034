//! `volunteering`: the section of ODD §6.12 (the rule: `rules::volunteering`; the process:
//! `dynamics::volunteering`). Off by default (`rate: 0.0`).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// Volunteering (ODD §6.12): agents who are not lonely sometimes invite a lonely friend to one
/// of their community groups. Off by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Volunteering {
    /// Weekly probability that an agent who may invite does invite (0 = off). In [0, 1].
    pub rate: f64,
    /// Only agents whose loneliness is below this invite. In [0, 1].
    pub max_loneliness: f64,
    /// Probability scale of accepting: an invited agent accepts with probability
    /// `acceptance` × its approach (the lonely's guarded approach makes them decline more
    /// often). In [0, 1].
    pub acceptance: f64,
}

impl Default for Volunteering {
    fn default() -> Self {
        Volunteering {
            rate: 0.0,
            max_loneliness: 0.2,
            acceptance: 0.5,
        }
    }
}

impl Volunteering {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.unit("volunteering.rate", self.rate);
        c.unit("volunteering.max_loneliness", self.max_loneliness);
        c.unit("volunteering.acceptance", self.acceptance);
    }
}
