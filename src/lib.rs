//! cxkpi: customer-experience KPIs from exported interaction logs (see SPEC.md).

pub mod canonical;
pub mod cli;
pub mod config;
pub mod exit;
pub mod exprs;
pub mod ingest;
pub mod metrics;
pub mod pipeline;
pub mod report;
pub mod timestamps;
pub mod units;
pub mod validate;

use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};

use cli::{Cli, Command};
use exit::Outcome;
use report::Format;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Report(args) => {
            let request = args.input.into_request()?;
            let report = pipeline::run(&request)?;
            let stdout = io::stdout();
            let format = args.format.unwrap_or(if stdout.is_terminal() {
                Format::Table
            } else {
                Format::Json
            });
            let mut out = io::BufWriter::new(stdout.lock());
            report::render(&report, format, &mut out)
                .and_then(|()| out.flush())
                .context("writing the report")?;
            Ok(Outcome::Success)
        }
    }
}
