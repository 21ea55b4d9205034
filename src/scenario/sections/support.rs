//! `support`: support groups, peer groups on one life event (SCENARIOS.md §7; ODD §6.7,
//! membership change of support groups, with their meetings and support in §6.2 and §6.3).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// Support groups: peer groups focused on one life event (condition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Support {
    /// Support groups exist at all (false gives the control condition).
    pub enabled: bool,
    /// Support groups that exist at the start for each event kind with `support: true`.
    pub initial_groups: u32,
    /// Most members a support group accepts.
    pub capacity: u32,
    /// A group that has reached this size dissolves when it falls below it again (standing
    /// groups that never reached it stay open).
    pub min_size: u32,
    /// A new group is founded once this many agents wait for one.
    pub found_size: u32,
    /// Most support groups per event kind at once (0 = no limit).
    pub max_groups: u32,
    /// Probability that a support group meets in a given week.
    pub meeting_rate: f64,
    /// Baseline attendance of a support-group member.
    pub attendance: f64,
    /// Facilitation quality: scales informational support and practice.
    pub facilitation: f64,
    /// Weekly probability scale of seeking a group (× loneliness × approach).
    pub seek_rate: f64,
    /// Weekly dropout hazard of a member with zero identification.
    pub dropout: f64,
    /// How fast the dropout hazard falls with identification (hazard × (1 - s)^dropout_shape).
    pub dropout_shape: f64,
    /// Weekly probability of leaving once the condition has resolved (or is integrated, see
    /// `graduation_integration`) and the agent is not lonely.
    pub graduation: f64,
    /// Integration of the condition into identity from which a member of a group on a chronic
    /// condition may graduate as if it had resolved (it has adjusted: Stanton, Revenson &
    /// Tennen 2007); None = only a resolved condition graduates.
    pub graduation_integration: Option<f64>,
    /// Weekly probability that a member leaves for reasons that have nothing to do with the
    /// group (moving, work, competing demands), whatever its identification.
    pub attrition: f64,
    /// Seeking again after leaving: an agent who has graduated from or dropped out of a
    /// support group on its current condition seeks one with `return_rate` × the probability of
    /// a first seeking (1 = no difference; a dissolved group does not count as leaving).
    pub return_rate: f64,
    /// Gain in regulation per meeting attended (× facilitation).
    pub informational: f64,
    /// Gain in approach per meeting attended (× facilitation): practice in seeking support.
    pub practice: f64,
    /// Weekly growth of integration of the condition into identity (× identification).
    pub integration_rate: f64,
    /// Weight of shared fate (a shared condition) in the identification target.
    pub shared_fate: f64,
    /// Initial identification of a new member.
    pub identification: f64,
}

impl Default for Support {
    fn default() -> Self {
        Support {
            enabled: true,
            initial_groups: 2,
            capacity: 14,
            min_size: 4,
            found_size: 6,
            max_groups: 0,
            meeting_rate: 0.9,
            attendance: 0.75,
            facilitation: 0.7,
            seek_rate: 0.3,
            dropout: 0.05,
            dropout_shape: 2.5,
            graduation: 0.002,
            graduation_integration: Some(0.9),
            attrition: 0.001,
            return_rate: 0.1,
            informational: 0.02,
            practice: 0.02,
            integration_rate: 0.03,
            shared_fate: 0.3,
            identification: 0.35,
        }
    }
}

impl Support {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let sp = self;
        c.count("support.capacity", sp.capacity, 2, 10_000);
        c.count("support.min_size", sp.min_size, 1, 10_000);
        c.count("support.found_size", sp.found_size, 1, 10_000);
        if sp.capacity < sp.min_size {
            c.push(
                "support.capacity",
                format!(
                    "must be at least support.min_size ({}), got {}",
                    sp.min_size, sp.capacity
                ),
            );
        }
        if sp.found_size < sp.min_size || sp.found_size > sp.capacity {
            c.push(
                "support.found_size",
                format!(
                    "must lie between support.min_size ({}) and support.capacity ({}), got {}",
                    sp.min_size, sp.capacity, sp.found_size
                ),
            );
        }
        c.count("support.initial_groups", sp.initial_groups, 0, 100_000);
        for (name, v) in [
            ("meeting_rate", sp.meeting_rate),
            ("facilitation", sp.facilitation),
            ("seek_rate", sp.seek_rate),
            ("dropout", sp.dropout),
            ("graduation", sp.graduation),
            ("attrition", sp.attrition),
            ("return_rate", sp.return_rate),
            ("informational", sp.informational),
            ("practice", sp.practice),
            ("integration_rate", sp.integration_rate),
            ("shared_fate", sp.shared_fate),
            ("identification", sp.identification),
        ] {
            c.unit(&format!("support.{name}"), v);
        }
        c.range("support.attendance", sp.attendance, 0.001, 0.999);
        c.range("support.dropout_shape", sp.dropout_shape, 0.0, 10.0);
        if let Some(g) = sp.graduation_integration {
            c.unit("support.graduation_integration", g);
        }
    }
}
