//! `output`: what is recorded beyond the time series (SCENARIOS.md §18; ODD §4, observation).
//! Changes no result.

use super::super::validate::{Checker, MAX_STEPS};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Output {
    /// Individual agents followed in `trajectories.csv` (half affected, half not, where possible).
    pub sample_agents: u32,
    /// Also write agent and tie snapshots every K steps (None = only at the end).
    pub snapshot_every: Option<u32>,
    /// The snapshot tables written (agents.csv, ties.csv, memberships.csv, groups.csv): all
    /// four by default; a large population's can be left out (ties.csv of a million agents
    /// is about 95 MB a snapshot).
    pub snapshots: Vec<SnapshotTable>,
    /// Record the metrics (timeseries.csv, summary.csv), the sampled trajectories and the
    /// support groups' prototypes every K-th week (0, K, 2K, ...) and on the last week
    /// simulated; 1 = every week. The recorded weeks' numbers do not depend on K (the model
    /// runs every week either way); the event-aligned curve still gathers every week.
    pub record_every: u32,
    /// Weeks before the event shown in the event-aligned curve.
    pub event_window_before: u32,
    /// Weeks after the event shown in the event-aligned curve.
    pub event_window_after: u32,
}

/// A snapshot table (`output.snapshots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapshotTable {
    /// agents.csv: one row per agent.
    Agents,
    /// ties.csv: one row per tie.
    Ties,
    /// memberships.csv: one row per membership.
    Memberships,
    /// groups.csv: one row per group.
    Groups,
}

impl SnapshotTable {
    pub const ALL: [SnapshotTable; 4] = [
        SnapshotTable::Agents,
        SnapshotTable::Ties,
        SnapshotTable::Memberships,
        SnapshotTable::Groups,
    ];
}

impl Default for Output {
    fn default() -> Self {
        Output {
            sample_agents: 30,
            snapshot_every: None,
            snapshots: SnapshotTable::ALL.to_vec(),
            record_every: 1,
            event_window_before: 8,
            event_window_after: 156,
        }
    }
}

impl Output {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let o = self;
        c.count("output.sample_agents", o.sample_agents, 0, 10_000);
        c.count("output.record_every", o.record_every, 1, MAX_STEPS);
        if let Some(k) = o.snapshot_every {
            c.count("output.snapshot_every", k, 1, MAX_STEPS);
        }
        c.count("output.event_window_before", o.event_window_before, 0, 520);
        c.count("output.event_window_after", o.event_window_after, 0, 5200);
    }
}
