//! The scenario's sections, one file each: the section's serde types, their defaults and the
//! section's ranges (`check`, each problem with its field path) side by side. `schema.rs`
//! holds the top-level `Scenario` and re-exports every type here; `validate.rs` calls each
//! `check` and holds the rules that read more than one section.

pub mod attendance;
pub mod belonging;
pub mod events;
pub mod exclusion;
pub mod groups;
pub mod identity;
pub mod interaction;
pub mod interventions;
pub mod membership;
pub mod network;
pub mod output;
pub mod population;
pub mod stop;
pub mod support;
pub mod sweep;
pub mod ties;
pub mod traits;
pub mod volunteering;
