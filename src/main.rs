//! The `belonging` binary.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(e) = cli::dispatch(args) {
        eprintln!("error: {}", cli::render_error(&e));
        std::process::exit(cli::exit_code(&e));
    }
}
