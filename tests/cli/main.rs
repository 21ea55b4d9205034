//! Integration tests of the `belonging` command line: every subcommand end to end, and bad
//! input (exit code 2, a clear message, no output folder, never a panic).
//!
//! Runs are tiny (tens of agents, a few weeks) so the whole binary takes seconds.

mod bad_input;
mod calibrate;
mod common;
mod concurrency;
mod interrupt;
mod meta;
mod output_safety;
mod resume;
mod sensitivity;
mod studio;
mod subcommands;
mod sweep;
mod sweep_plots;
mod validate;
