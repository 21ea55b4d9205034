//! # belonging
//!
//! An agent-based simulation of how people lose and regain belonging, and how collective
//! identity forms, through group participation — support groups above all.
//!
//! The data flows one way (see `docs/ARCHITECTURE.md`):
//! scenario (RON) -> [`scenario::Config`] -> [`experiment::Plan`] -> jobs in parallel
//! -> [`output`] (tables, manifest) -> [`plot`].

// Index loops are the idiom of struct-of-arrays code: several arrays share one index.
#![allow(clippy::needless_range_loop)]

pub mod dynamics;
pub mod experiment;
pub mod model;
pub mod output;
pub mod plot;
pub mod rng;
pub mod rules;
pub mod scenario;
pub mod stats;
pub mod studio;
pub mod validation;
