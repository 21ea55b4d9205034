//! Engine tests: mechanisms one at a time, invariants every step, determinism, a golden
//! snapshot, validation targets of docs/ODD.md over replicates, property tests (proptest) and
//! century-long runs of every built-in scenario. One binary (links once).

mod common;
mod determinism;
mod docs;
mod golden;
mod intervals;
mod invariants;
mod long_runs;
mod mechanisms;
mod properties;
mod validation;
