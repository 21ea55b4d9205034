//! The RON schema of a scenario: the top-level [`Scenario`] and its defaults. Each section's
//! types, defaults and ranges live side by side in `sections/` (one file a section) and are
//! re-exported here, so `crate::scenario::Population` and the like name them.
//!
//! Every struct denies unknown fields (a misspelled key is an error) and fills
//! every missing field from its `Default`, so a minimal scenario is a few lines.
//! `docs/SCENARIOS.md` is the reference of every field; keep the two in step.

pub use super::sections::attendance::Attendance;
pub use super::sections::belonging::{Aggregation, Belonging};
pub use super::sections::events::{EventKind, Loss, Pulse};
pub use super::sections::exclusion::Exclusion;
pub use super::sections::groups::{default_groups, GroupKind};
pub use super::sections::identity::{Identity, IdentityRule, Scope};
pub use super::sections::interaction::Interaction;
pub use super::sections::interventions::Intervention;
pub use super::sections::membership::Membership;
pub use super::sections::network::{Generator, Neighbourhood, Network};
pub use super::sections::output::{Output, SnapshotTable};
pub use super::sections::population::{Dist, Population};
pub use super::sections::stop::{Stop, StopRule};
pub use super::sections::support::Support;
pub use super::sections::sweep::{Seeds, SweepSection};
pub use super::sections::ties::Ties;
pub use super::sections::traits::Traits;
pub use super::sections::volunteering::Volunteering;
use serde::{Deserialize, Serialize};

/// A whole scenario: who lives in the town, which groups and life events exist,
/// and every parameter of the dynamics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Short name, used in output folder names and plot titles.
    pub name: String,
    /// One line for `belonging list` and plot subtitles.
    pub description: String,
    /// Base seed; replicate r runs with a seed derived from (seed, r).
    pub seed: u64,
    /// Simulated weeks recorded (after the burn-in).
    pub steps: u32,
    /// Weeks simulated before recording starts, without life events, so the
    /// network settles from its initial condition.
    pub burn_in: u32,
    /// Independent replicates (each with its own seed).
    pub replicates: u32,
    pub population: Population,
    /// Kinds of ordinary groups (families, workplaces, friend circles, community groups, ...).
    pub groups: Vec<GroupKind>,
    pub support: Support,
    /// Kinds of life events.
    pub events: Vec<EventKind>,
    pub network: Network,
    pub identity: Identity,
    pub attendance: Attendance,
    pub interaction: Interaction,
    pub exclusion: Exclusion,
    pub ties: Ties,
    pub membership: Membership,
    pub volunteering: Volunteering,
    pub belonging: Belonging,
    pub traits: Traits,
    /// Facilitated group programmes offered to lonely agents (none by default).
    pub interventions: Vec<Intervention>,
    /// When a replicate stops: after `steps` recorded steps, or earlier at absorption.
    pub stop: Stop,
    pub output: Output,
    /// A parameter sweep for `belonging sweep` (`--vary` and `--design` replace it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSection>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "scenario".into(),
            description: String::new(),
            seed: 1,
            steps: 520,
            burn_in: 156,
            replicates: 20,
            population: Population::default(),
            groups: default_groups(),
            support: Support::default(),
            events: Vec::new(),
            network: Network::default(),
            identity: Identity::default(),
            attendance: Attendance::default(),
            interaction: Interaction::default(),
            exclusion: Exclusion::default(),
            ties: Ties::default(),
            membership: Membership::default(),
            volunteering: Volunteering::default(),
            belonging: Belonging::default(),
            traits: Traits::default(),
            interventions: Vec::new(),
            stop: Stop::default(),
            output: Output::default(),
            sweep: None,
        }
    }
}
