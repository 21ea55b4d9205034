//! `groups`: the kinds of ordinary groups and the four of the default town (SCENARIOS.md §6;
//! ODD §2, groups, and §5 step 1, their initialization).

use super::super::error::shown;
use super::super::validate::{identifier_message, is_identifier, Checker};
use serde::{Deserialize, Serialize};

/// One kind of ordinary group. Agents are placed into groups of this kind at the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GroupKind {
    /// Name of the kind, referred to by events (`lose`) and outputs.
    pub name: String,
    /// Expected number of groups of this kind per agent at the start (e.g. 0.6 = 60% are in one;
    /// 1.4 = everyone in one, 40% in a second).
    pub memberships: f64,
    /// Mean group size at the start.
    pub size: f64,
    /// Most members a group of this kind accepts.
    pub capacity: u32,
    /// Probability that two members start with a tie.
    pub tie_density: f64,
    /// Initial weight of those ties.
    pub tie_weight: f64,
    /// Probability that the group meets in a given week.
    pub meeting_rate: f64,
    /// Baseline attendance (probability that an average member attends a meeting).
    pub attendance: f64,
    /// Acceptance norm towards stigmatized members (1 = never excludes).
    pub acceptance: f64,
    /// Mean initial identification of members with the group.
    pub identification: f64,
    /// Agents looking for new groups may join groups of this kind.
    pub joinable: bool,
    /// Members may leave when they no longer identify with the group.
    pub voluntary_exit: bool,
}

impl Default for GroupKind {
    fn default() -> Self {
        GroupKind {
            name: "group".into(),
            memberships: 1.0,
            size: 10.0,
            capacity: 40,
            tie_density: 0.3,
            tie_weight: 0.4,
            meeting_rate: 0.5,
            attendance: 0.7,
            acceptance: 0.7,
            identification: 0.5,
            joinable: false,
            voluntary_exit: true,
        }
    }
}

/// The ordinary groups of a town: families, workplaces, friend circles and community groups.
pub fn default_groups() -> Vec<GroupKind> {
    vec![
        GroupKind {
            name: "family".into(),
            memberships: 0.85,
            size: 3.0,
            capacity: 8,
            tie_density: 1.0,
            tie_weight: 0.7,
            meeting_rate: 1.0,
            attendance: 0.9,
            acceptance: 0.85,
            identification: 0.7,
            joinable: false,
            voluntary_exit: false,
        },
        GroupKind {
            name: "work".into(),
            memberships: 0.6,
            size: 15.0,
            capacity: 60,
            tie_density: 0.15,
            tie_weight: 0.35,
            meeting_rate: 1.0,
            attendance: 0.85,
            acceptance: 0.5,
            identification: 0.4,
            joinable: false,
            voluntary_exit: false,
        },
        GroupKind {
            name: "friends".into(),
            memberships: 0.9,
            size: 5.0,
            capacity: 12,
            tie_density: 0.8,
            tie_weight: 0.5,
            meeting_rate: 0.6,
            attendance: 0.75,
            acceptance: 0.7,
            identification: 0.55,
            joinable: false,
            voluntary_exit: true,
        },
        GroupKind {
            name: "community".into(),
            memberships: 0.5,
            size: 20.0,
            capacity: 40,
            tie_density: 0.08,
            tie_weight: 0.3,
            meeting_rate: 0.5,
            attendance: 0.6,
            acceptance: 0.6,
            identification: 0.4,
            joinable: true,
            voluntary_exit: true,
        },
    ]
}

/// Every range of the section, each problem with its field path (`groups[i].FIELD`).
pub(in crate::scenario) fn check(groups: &[GroupKind], c: &mut Checker) {
    for (i, g) in groups.iter().enumerate() {
        let at = |f: &str| format!("groups[{i}].{f}");
        if g.name.trim().is_empty() {
            c.push(at("name"), "must not be empty");
        } else if !is_identifier(&g.name) {
            c.push(at("name"), identifier_message(&g.name));
        } else if g.name == "support" {
            c.push(
                at("name"),
                "`support` is the kind of support groups in the outputs; choose another name",
            );
        }
        if groups[..i].iter().any(|o| o.name == g.name) {
            c.push(
                at("name"),
                format!("duplicate group kind name {}", shown(&g.name)),
            );
        }
        c.range(&at("memberships"), g.memberships, 0.0, 5.0);
        c.range(&at("size"), g.size, 2.0, 10_000.0);
        c.count(&at("capacity"), g.capacity, 2, 1_000_000);
        if g.size.is_finite() && (g.capacity as f64) < g.size {
            c.push(
                at("capacity"),
                format!(
                    "must be at least the mean size {} (got {})",
                    g.size, g.capacity
                ),
            );
        }
        c.unit(&at("tie_density"), g.tie_density);
        c.range(&at("tie_weight"), g.tie_weight, 0.0, 1.0);
        c.unit(&at("meeting_rate"), g.meeting_rate);
        c.range(&at("attendance"), g.attendance, 0.001, 0.999);
        c.unit(&at("acceptance"), g.acceptance);
        c.unit(&at("identification"), g.identification);
    }
}
