//! `interaction`: encounters at meetings, new ties, support and private contact
//! (SCENARIOS.md §12; ODD §6.3).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Interaction {
    /// Co-attendees each attendee meets per meeting.
    pub encounters: u32,
    /// Reinforcement of an existing tie per encounter (× warmth, towards 1).
    pub tie_gain: f64,
    /// Probability scale that strangers form a tie (× trust × similarity).
    pub new_tie: f64,
    /// Initial weight of a new tie (× (0.5 + 0.5 warmth), at least 1.5 × ties.min_weight).
    pub new_tie_weight: f64,
    /// How much loneliness cools an encounter: warmth = (1 - w·L_i)(1 - w·L_j).
    pub warmth_loneliness: f64,
    /// Share of current distress relieved per encounter (× warmth × the partner's regulation;
    /// × (1 + facilitation) in support groups).
    pub emotional_support: f64,
    /// Weekly probability scale of private contact along a tie (× mean approach of the pair).
    pub contact: f64,
}

impl Default for Interaction {
    fn default() -> Self {
        Interaction {
            encounters: 2,
            tie_gain: 0.15,
            new_tie: 0.15,
            new_tie_weight: 0.25,
            warmth_loneliness: 0.4,
            emotional_support: 0.05,
            contact: 0.4,
        }
    }
}

impl Interaction {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let it = self;
        c.count("interaction.encounters", it.encounters, 0, 1000);
        for (name, v) in [
            ("tie_gain", it.tie_gain),
            ("new_tie", it.new_tie),
            ("new_tie_weight", it.new_tie_weight),
            ("warmth_loneliness", it.warmth_loneliness),
            ("emotional_support", it.emotional_support),
            ("contact", it.contact),
        ] {
            c.unit(&format!("interaction.{name}"), v);
        }
    }
}
