//! cxkpi: customer-experience KPIs from exported interaction logs (see SPEC.md).

pub mod allocator;
mod canonical;
mod check;
pub mod cli;
mod config;
mod date_formats;
pub mod exit;
mod exprs;
mod group_number;
mod history;
pub mod ingest;
mod inspect;
mod messages;
mod metrics;
mod narrow;
mod periods;
mod pipeline;
mod render;
mod report;
mod schedule;
mod snapshot;
mod timestamps;
mod trend;
mod units;

use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};

use cli::{Cli, Command};
use exit::Outcome;
use report::Format;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Report(args) => {
            let terminal = io::stdout().is_terminal();
            let format = args.format.unwrap_or(if terminal {
                Format::Table
            } else {
                Format::Json
            });
            let colour = match args.color {
                cli::Color::Always => true,
                cli::Color::Never => false,
                // https://no-color.org: set and not empty.
                cli::Color::Auto => {
                    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let mut context = report::Context {
                min_n: args.min_n,
                colour,
                ..report::Context::default()
            };
            let report = if format == Format::Html {
                // The options as typed, after the subcommand.
                let typed = std::env::args().skip(2);
                context.used = report::html::Used::of(&args.input.files, typed);
                let request = args.input.into_request()?;
                let (report, totals) = pipeline::run_with_totals(&request)?;
                context.totals = totals;
                report
            } else {
                pipeline::run(&args.input.into_request()?)?
            };
            write_stdout(|out| report::render(&report, format, &context, out))?;
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
            let request = args.into_request();
            let series = trend::load(&request)?;
            let sparklines = io::stdout().is_terminal();
            write_stdout(|out| trend::render(&series, &request, format, sparklines, out))?;
            Ok(Outcome::Success)
        }
        Command::Check(args) => {
            // A broken SLA file is reported before any data is read.
            let rules = check::load(&args.sla)?;
            let mut request = args.input.into_request()?;
            if check::has_change_rules(&rules) && request.compare.is_none() {
                // A change rule compares each period with the one before (SPEC §5, §8).
                if request.every.is_none() {
                    return Err(user_error!(
                        "{}: a max_drop or max_rise rule needs --compare or --every",
                        args.sla.display()
                    ));
                }
                request.compare = Some(periods::Compare::Previous);
            }
            let keys = check::all_keys(&rules, &request.by);
            let prepared = pipeline::prepare(&request, &keys)?;
            let verdicts = check::evaluate(&rules, &prepared, &request)?;
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
    let snapshot_at = args.snapshot_at()?;
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

#[cfg(test)]
mod layering {
    //! Keeps `docs/architecture.md`'s layering true: a module names only modules of its own
    //! layer or the layers listed before it.

    use std::path::Path;

    /// The layers, in order; a module of one may name the modules of any layer before it.
    const LAYERS: [&[&str]; 6] = [
        &[
            "allocator",
            "exit",
            "messages",
            "canonical",
            "timestamps",
            "units",
            "config",
            "schedule",
            "periods",
            "date_formats",
            "exprs",
            "group_number",
            "narrow",
        ],
        &["ingest"],
        &["metrics"],
        &["pipeline"],
        &["render"],
        &["report", "check", "history", "snapshot", "trend", "inspect"],
    ];

    fn layer_of(module: &str) -> Option<usize> {
        LAYERS.iter().position(|layer| layer.contains(&module))
    }

    /// Every `crate::name` a file mentions.
    fn named_modules(text: &str) -> Vec<&str> {
        (text.match_indices("crate::"))
            .map(|(at, prefix)| {
                let rest = &text[at + prefix.len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    /// Every file below `folder`, its subfolders' too.
    fn files_below(folder: &Path) -> Vec<std::path::PathBuf> {
        let entries = std::fs::read_dir(folder).expect("a module folder");
        (entries.map(|entry| entry.expect("a folder entry").path()))
            .flat_map(|path| match path.is_dir() {
                true => files_below(&path),
                false => vec![path],
            })
            .collect()
    }

    #[test]
    fn no_module_names_a_module_of_a_later_layer() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut checked = 0;
        let mut breaches = Vec::new();
        for (module, layer) in LAYERS
            .iter()
            .enumerate()
            .flat_map(|(layer, modules)| modules.iter().map(move |module| (*module, layer)))
        {
            let file = src.join(format!("{module}.rs"));
            let folder = src.join(module);
            let files = if file.is_file() {
                vec![file]
            } else {
                files_below(&folder)
            };
            for path in files
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            {
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                checked += 1;
                for named in named_modules(&text) {
                    if layer_of(named).is_some_and(|later| later > layer) {
                        breaches.push(format!("{} names crate::{named}", path.display()));
                    }
                }
            }
        }
        // Every module file, the folders' included, was read.
        assert!(checked > 50, "only {checked} files read");
        assert!(
            breaches.is_empty(),
            "imports against the layering:\n{}",
            breaches.join("\n")
        );
    }
}
