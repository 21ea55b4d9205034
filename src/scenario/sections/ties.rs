//! `ties`: tie decay (SCENARIOS.md §14; ODD §6.6).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ties {
    /// Weekly relative decay of a tie not reinforced that week.
    pub decay: f64,
    /// Extra decay for lonely pairs: rate × (1 + lonely_decay × mean loneliness of the pair).
    pub lonely_decay: f64,
    /// Close ties decay more slowly: rate × (1 − closeness × weight) (Burt 2000, Social
    /// Networks 22:1–28: strong and old relations decay slower; Roberts & Dunbar 2015).
    pub closeness: f64,
    /// Ties weaker than this vanish.
    pub min_weight: f64,
}

impl Default for Ties {
    fn default() -> Self {
        Ties {
            decay: 0.25,
            lonely_decay: 0.5,
            closeness: 0.0,
            min_weight: 0.05,
        }
    }
}

impl Ties {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.unit("ties.decay", self.decay);
        c.range("ties.lonely_decay", self.lonely_decay, 0.0, 10.0);
        c.unit("ties.closeness", self.closeness);
        c.range("ties.min_weight", self.min_weight, 0.0001, 0.5);
    }
}
