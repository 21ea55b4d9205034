//! Engine tests: mechanisms one at a time, invariants every step, determinism, a golden
//! snapshot, property tests (proptest) and century-long runs of every built-in scenario. One
//! binary (links once). The validation targets over replicates are a tier of their own
//! (`tests/validation.rs`, feature `validation-tests`, run by `.ci/run`).

mod common;
mod determinism;
mod docs;
mod golden;
mod intervals;
mod invariants;
mod long_runs;
mod mechanisms;
mod properties;
mod reference;
