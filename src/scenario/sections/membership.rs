//! `membership`: joining and leaving community groups (SCENARIOS.md §15; ODD §6.7).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Membership {
    /// Weekly probability scale of joining a joinable group (× approach × unmet membership).
    pub join_rate: f64,
    /// Identification of a new member.
    pub new_identification: f64,
    /// Identification below which members of voluntary groups consider leaving.
    pub leave_threshold: f64,
    /// Weekly probability of leaving a group below the threshold.
    pub leave_rate: f64,
    /// Weekly probability of leaving a joinable voluntary group for reasons outside the model
    /// (moving on); balances joining so memberships stay stationary.
    pub turnover: f64,
}

impl Default for Membership {
    fn default() -> Self {
        Membership {
            join_rate: 0.05,
            new_identification: 0.3,
            leave_threshold: 0.15,
            leave_rate: 0.05,
            turnover: 0.002,
        }
    }
}

impl Membership {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let m = self;
        c.unit("membership.join_rate", m.join_rate);
        c.unit("membership.new_identification", m.new_identification);
        c.unit("membership.leave_threshold", m.leave_threshold);
        c.unit("membership.leave_rate", m.leave_rate);
        c.unit("membership.turnover", m.turnover);
    }
}
