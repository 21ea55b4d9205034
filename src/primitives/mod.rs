//! The containers and primitives whose speed needs `unsafe`, apart from the model (the rest
//! of the crate denies `unsafe_code`; only this module allows it). Each `unsafe` block states
//! its SAFETY argument beside it, and each argument is checked by a test here:
//!
//! - `lists`: `Lists<T>`, pooled per-owner lists lent out in parallel — the slots of distinct
//!   owners never overlap (`lists::tests`);
//! - `runs`: `Runs<T>`, several threads filling one array, each (thread, owner) its own run —
//!   the runs partition the array and a writer panics rather than pass the end of its own
//!   (`runs::tests`);
//! - `lanes`: loops compiled once per instruction level, the widest run only once
//!   `is_x86_feature_detected!` has found it (a `Level` other than the baseline can be had
//!   only from `Level::detect` / `Level::available`), and `prefetch`, a hint that reads
//!   nothing.
//!
//! A leaf of the crate: it imports no other stage.

#![allow(unsafe_code)]

pub mod lanes;
pub mod lists;
pub mod runs;
