//! The `belonging` binary.

#![deny(unsafe_code)]

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(e) = cli::dispatch(args) {
        if cli::is_closed_pipe(&e) {
            // The reader of our output went away (`belonging list | head -1`): nothing to say.
            std::process::exit(0);
        }
        cli::report(&e);
        std::process::exit(cli::exit_code(&e));
    }
}
