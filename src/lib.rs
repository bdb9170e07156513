//! cxkpi: customer-experience KPIs from exported interaction logs (see SPEC.md).

mod canonical;
mod check;
pub mod cli;
mod config;
mod date_formats;
pub mod exit;
mod exprs;
mod history;
pub mod ingest;
mod inspect;
mod messages;
mod metrics;
mod pipeline;
mod render;
mod report;
mod schedule;
mod snapshot;
mod timestamps;
mod trend;
mod units;
mod validate;

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
            let format = args.format.unwrap_or(if io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Json
            });
            write_stdout(|out| report::render(&report, format, out))?;
            Ok(Outcome::Success)
        }
        Command::Snapshot(args) => take_snapshot(args),
        Command::Inspect(args) => {
            let config = inspect::inspect(&args.file, args.sheet.as_deref())?;
            write_stdout(|out| out.write_all(config.as_bytes()))?;
            Ok(Outcome::Success)
        }
        Command::Trend(args) => {
            let format = args.format;
            let request = args.into_request()?;
            let series = trend::load(&request)?;
            let sparklines = io::stdout().is_terminal();
            write_stdout(|out| trend::render(&series, &request.category, format, sparklines, out))?;
            Ok(Outcome::Success)
        }
        Command::Check(args) => {
            // A broken SLA file is reported before any data is read.
            let rules = check::load(&args.sla)?;
            let request = args.input.into_request()?;
            let keys = check::all_keys(&rules, &request.by);
            let prepared = pipeline::prepare(&request, &keys)?;
            let verdicts = check::evaluate(&rules, &prepared, &request.by)?;
            write_stdout(|out| check::render(&verdicts, args.format, out))?;
            let breached = verdicts.iter().any(|v| v.status == check::Status::Breach);
            Ok(if breached {
                Outcome::Breach
            } else {
                Outcome::Success
            })
        }
    }
}

fn take_snapshot(args: cli::SnapshotArgs) -> Result<Outcome> {
    history::history_format(&args.history)?;
    cli::refuse_input_as_output("--history", &args.history, &args.input.files)?;
    let zone = timestamps::parse_zone(&args.input.tz).map_err(|e| user_error!("--tz: {e}"))?;
    let snapshot_at = args.snapshot_at(zone)?;
    let request = args.input.into_request()?;
    let report = pipeline::run(&request)?;
    snapshot::append(&args.history, snapshot_at, &report)?;
    Ok(Outcome::Success)
}

fn write_stdout(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    render(&mut out)
        .and_then(|()| out.flush())
        .context("writing the output")
}
