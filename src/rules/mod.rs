//! The rules: the model's formulas, as docs/ODD.md §6 states them, one module per ODD
//! section and one plain function per mechanism (a tie's reinforcement, its decay, the
//! chance of private contact, …), each written exactly once.
//!
//! A module holds its process's typed parameters (read from the scenario once per step,
//! before any item is touched) and functions of one item (a tie, an encounter, an agent),
//! with no rayon, no `unsafe` and no lanes: how items are visited — in parallel, in lanes
//! of vector instructions, one at a time in a test's reference — is the engine's business
//! (`crate::dynamics`), which calls these functions from every path. The functions are
//! `#[inline(always)]`, so they compile into each path (and into each instruction level's
//! copy of a loop in lanes, `primitives::lanes`) with the same IEEE operations in the same
//! order: every path gives the same bits.
//!
//! The ODD section names the function and the function's doc names the ODD section.
//!
//! Dependencies: `crate::scenario` and leaf modules (`crate::rng`, `crate::stats`, and the
//! rules' own numeric helpers, `maths`: the portable `exp`, `logistic`, distances, which
//! `model` re-exports) only; never `model`, `dynamics` or a later stage (checked: `layering`
//! in `src/lib.rs`). No `unsafe` here either: the compiler refuses it.

#![forbid(unsafe_code)]

pub mod belonging;
pub mod classic;
pub mod events;
pub mod exclusion;
pub mod identity;
pub mod interaction;
pub mod interventions;
pub mod maths;
pub mod meetings;
pub mod membership;
pub mod ties;
pub mod volunteering;
