//! Engine tests: mechanisms one at a time, invariants every step, determinism, a golden
//! snapshot, and validation targets of docs/ODD.md over replicates. One binary (links once).

mod common;
mod determinism;
mod docs;
mod golden;
mod invariants;

mod mechanisms;
mod properties;
mod validation;
