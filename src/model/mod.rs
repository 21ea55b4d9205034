//! Model state: agents as a struct of arrays, groups, ties, identity space.
//!
//! Invariants (checked by [`World::check_invariants`] in tests, every step):
//! - every state variable is finite and in [0, 1];
//! - membership lists agree in both directions (agent lists group <=> group lists agent),
//!   no duplicates, and only active groups have members;
//! - ties are symmetric (same weight, same last-seen step on both sides), have no self-ties
//!   or duplicates, and weights lie in (0, 1].

mod change;
mod invariants;
mod maths;
pub mod metrics;
pub mod network;
mod scope;
mod scratch;
mod state;

pub use crate::primitives::lanes::prefetch;
pub use crate::primitives::lists::{ListMut, Lists};
pub use maths::*;
pub use scratch::*;
pub use state::*;
