//! Scenario sections written the newer way: each section's struct, its defaults, its ranges
//! and their documentation side by side in one file (the older sections keep theirs in
//! `schema.rs` and `validate.rs`).

pub mod volunteering;
