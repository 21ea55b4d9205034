//! The processes of one step, one file each, in the order of docs/ODD.md; `sim` orders them.

pub mod belonging;
pub mod events;
pub mod exclusion;
pub mod identity;
pub mod init;
pub mod interaction;
pub mod interventions;
pub mod meetings;
pub mod membership;
pub mod reserve;
pub mod sim;
pub mod ties;
pub mod volunteering;

pub use sim::{step, step_with, Process};
