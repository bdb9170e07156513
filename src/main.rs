//! The `cxkpi` binary: parse the command line, run it, exit with the contract's code.

use std::process::ExitCode;

use clap::Parser;

/// The system allocator, with large blocks on huge pages (see `cxkpi::allocator`).
#[global_allocator]
static ALLOCATOR: cxkpi::allocator::HugePages = cxkpi::allocator::HugePages;

fn main() -> ExitCode {
    let cli = cxkpi::cli::Cli::parse();
    ExitCode::from(cxkpi::exit::exit_code(cxkpi::run(cli)))
}
