//! The command line: clap definitions and help text, turned into validated requests.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};

use crate::canonical;
use crate::check::Format as CheckFormat;
use crate::config::{read_user_file, Config};
use crate::ingest::invalid::{InvalidPolicy, OnInvalid};
use crate::metrics::catalogue::{self, Column};
use crate::metrics::Confidence;
use crate::periods::{Compare, Every, WeekStart};
use crate::pipeline::ReportRequest;
use crate::report::Format;
use crate::schedule::Schedules;
use crate::timestamps::{parse_when, parse_zone, to_micros, When};
use crate::trend::{Format as TrendFormat, TrendRequest};
use crate::units::parse_duration;
use crate::user_error;

#[derive(Debug, Parser)]
#[command(
    name = "cxkpi",
    version,
    about = "Customer-experience KPIs (CSAT, NPS, CES, FCR, AHT, FRT, churn) from interaction logs",
    long_about = "Customer-experience KPIs (CSAT, NPS, CES, FCR, AHT, FRT, churn) from exported \
                  help-desk tickets, chats and calls, reported for support, service, \
                  uncategorized and all interactions.\n\n\
                  Exit codes: 0 success, 1 an SLA threshold breached (check), 2 bad usage, \
                  configuration or input data, 3 any other failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Compute the KPIs and print them
    Report(ReportArgs),
    /// Compare the KPIs with SLA thresholds; exit 1 on any breach
    Check(CheckArgs),
    /// Append the report's rows, dated, to a history file (safe under cron retries and overlaps)
    Snapshot(SnapshotArgs),
    /// Show each metric over the snapshots of a history, with the change against the previous one
    Trend(TrendArgs),
    /// Recognise an export and print a commented config for it: `cxkpi report --config <(cxkpi inspect FILE) FILE`
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The export: CSV/TSV, JSON, NDJSON, an Excel/ODS workbook or Parquet
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// The workbook sheet to read [default: the first]
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct TrendArgs {
    /// The history file written by `cxkpi snapshot`
    #[arg(long, value_name = "HISTORY")]
    pub(crate) history: PathBuf,

    /// Metrics to show (comma list of output columns) [default: interactions and every KPI
    /// the history holds]
    #[arg(long, value_name = "METRIC,...", value_delimiter = ',', value_parser = metric)]
    pub(crate) metric: Vec<&'static Column>,

    /// The category to show
    #[arg(long, value_enum, default_value_t = CategoryArg::All, ignore_case = true)]
    pub(crate) category: CategoryArg,

    /// Only the group with this key value, e.g. --by-key agent=agent-007 (repeatable)
    #[arg(long, value_name = "KEY=VALUE", value_parser = key_value)]
    pub(crate) by_key: Vec<(String, String)>,

    /// Output format [default: table]
    #[arg(long, value_enum, default_value_t = TrendFormat::Table)]
    pub(crate) format: TrendFormat,
}

impl TrendArgs {
    pub(crate) fn into_request(self) -> TrendRequest {
        TrendRequest {
            history: self.history,
            metrics: self.metric,
            category: self.category.as_str(),
            filters: self.by_key,
        }
    }
}

impl Preset {
    fn as_str(self) -> &'static str {
        match self {
            Preset::Zendesk => "zendesk",
            Preset::Freshdesk => "freshdesk",
        }
    }
}

/// The category a command shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CategoryArg {
    Support,
    Service,
    Uncategorized,
    All,
}

impl CategoryArg {
    fn as_str(self) -> &'static str {
        match self {
            CategoryArg::Support => canonical::SUPPORT,
            CategoryArg::Service => canonical::SERVICE,
            CategoryArg::Uncategorized => canonical::UNCATEGORIZED,
            CategoryArg::All => canonical::ALL,
        }
    }
}

/// A built-in config for a known export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Preset {
    /// Zendesk's ticket CSV export
    Zendesk,
    /// Freshdesk's ticket CSV export
    Freshdesk,
}

/// `--metric`: an output column of the catalogue.
fn metric(name: &str) -> Result<&'static Column, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("name at least one metric, e.g. --metric csat,fcr".into());
    }
    catalogue::column(name)
        .ok_or_else(|| format!("unknown metric {name} (use one of {})", catalogue::names()))
}

/// `--by-key`: `KEY=VALUE`.
fn key_value(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("write KEY=VALUE, e.g. agent=agent-007, not {pair}")),
    }
}

/// `--tz`: an IANA zone.
fn zone(name: &str) -> Result<Tz, String> {
    parse_zone(name.trim())
}

/// A duration option: seconds.
fn duration(text: &str) -> Result<f64, String> {
    parse_duration(text)
}

#[derive(Debug, Args)]
pub(crate) struct SnapshotArgs {
    /// The history file: .csv or .ndjson/.jsonl; created when absent
    #[arg(long, value_name = "HISTORY")]
    pub(crate) history: PathBuf,

    /// The snapshot's date and time [default: now]; a rerun with the same value replaces that snapshot
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub(crate) as_of: Option<When>,

    #[command(flatten)]
    pub(crate) input: InputArgs,
}

impl SnapshotArgs {
    /// The snapshot's stamp: `--as-of` (read in `zone`) or now, in whole seconds.
    pub(crate) fn snapshot_at(&self) -> Result<i64> {
        let instant = match self.as_of {
            Some(when) => (when.resolve(self.input.tz)).map_err(|e| user_error!("--as-of: {e}"))?,
            None => chrono::Utc::now(),
        };
        Ok(instant.timestamp() * 1_000_000)
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The SLA file: TOML [[rule]] entries with category, metric, min, max, max_drop or
    /// max_rise, optional min_n, by, confident and confidence
    #[arg(long, value_name = "SLA.toml")]
    pub(crate) sla: PathBuf,

    #[command(flatten)]
    pub(crate) input: InputArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub(crate) format: CheckFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,

    /// With --ci, tables mark values from fewer than N observations as low-sample
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub(crate) min_n: u64,

    /// Colour in tables: on a terminal unless NO_COLOR is set (auto), always, or never
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    pub(crate) color: Color,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// Options shared by every command that reads an interaction log.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Interaction logs: CSV, JSON array, NDJSON (.ndjson/.jsonl) workbooks (.xlsx/.xls/.ods) or Parquet; `-` or none reads standard input
    #[arg(value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,

    /// Only records created at or after this date or timestamp (a date means midnight)
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub(crate) from: Option<When>,

    /// Only records created before this date or timestamp (a date means midnight)
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub(crate) to: Option<When>,

    /// Time zone for naive timestamps and dates, e.g. Europe/Paris
    #[arg(long, value_name = "ZONE", default_value = "UTC", value_parser = zone)]
    pub(crate) tz: Tz,

    /// Extra group keys: any input column, e.g. channel,agent,team
    #[arg(long, value_name = "KEY,...", value_delimiter = ',')]
    pub(crate) by: Vec<String>,

    /// One row per period of created_at, in --tz: a local calendar day, week, month, quarter or year
    #[arg(long, value_enum, value_name = "UNIT")]
    pub(crate) every: Option<Every>,

    /// The weekday --every week starts on
    #[arg(long, value_enum, value_name = "DAY", default_value_t = WeekStart::Monday)]
    pub(crate) week_start: WeekStart,

    /// Add each metric over the comparison window as C_prev: the period (or --from/--to window) just before, or a year earlier
    #[arg(long, value_enum, value_name = "WINDOW")]
    pub(crate) compare: Option<Compare>,

    /// Repeat-mode FCR: a contact within this time after another is a repeat (90s, 30m, 72h, 7d)
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = duration)]
    pub(crate) fcr_window: f64,

    /// What to do with invalid records: stop with exit 2, or leave them out and count them
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = OnInvalid::Fail)]
    pub(crate) on_invalid: OnInvalid,

    /// Write each invalid record (file, record, column, value, reason) to this CSV file
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects: Option<PathBuf>,

    /// A TOML config for the export: [input], [columns] mapping, [categories] rules, [scales]
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// A built-in config for a known export format
    #[arg(
        long,
        value_enum,
        value_name = "NAME",
        conflicts_with = "config",
        ignore_case = true
    )]
    pub(crate) preset: Option<Preset>,

    /// Business hours (TOML: timezone, holidays, [hours], [[schedule]] overrides): adds the
    /// frt_bh_* and ttr_bh_* columns, counted only while the schedule is open
    #[arg(long, value_name = "FILE")]
    pub(crate) schedule: Option<PathBuf>,

    /// Add each KPI value's confidence interval: C_lo and C_hi after each value C (tables show
    /// ±half-width, or [lo, hi] for percentiles); check judges every rule on it
    #[arg(long)]
    pub(crate) ci: bool,

    /// The intervals' confidence level, strictly between 0 and 1 [default: 0.95]; implies --ci
    #[arg(long, value_name = "LEVEL", value_parser = parse_confidence)]
    pub(crate) confidence: Option<Confidence>,
}

/// The confidence level of the intervals (SPEC §9).
pub(crate) const DEFAULT_CONFIDENCE: f64 = 0.95;

/// `--confidence LEVEL`: a number strictly between 0 and 1.
fn parse_confidence(text: &str) -> Result<Confidence, String> {
    let level: f64 = (text.trim().parse())
        .map_err(|_| format!("\"{text}\" is not a number; write a level such as 0.95"))?;
    Confidence::new(level).map_err(|e| e.to_string())
}

/// Refuses an output path that is one of the inputs: the inputs are only ever read.
pub(crate) fn refuse_input_as_output(
    option: &str,
    output: &Path,
    inputs: &[PathBuf],
) -> Result<()> {
    // An output that does not exist yet cannot be an input.
    let Ok(output) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    let is_input = inputs
        .iter()
        .filter(|input| input.as_os_str() != "-")
        .any(|input| std::fs::canonicalize(input).is_ok_and(|input| input == output));
    if is_input {
        return Err(user_error!(
            "{option} {}: that is one of the input files, and cxkpi never writes its inputs",
            output.display()
        ));
    }
    Ok(())
}

/// Reads and checks a `--schedule` file (SPEC §10).
fn load_schedule(path: &Path) -> Result<Schedules> {
    let text = read_user_file(path, "schedule")?;
    Schedules::parse(&text).map_err(|e| user_error!("--schedule {}: {e}", path.display()))
}

impl InputArgs {
    /// Checks the option values and builds the report request.
    pub(crate) fn into_request(self) -> Result<ReportRequest> {
        let zone = self.tz;
        let bound = |name: &str, value: Option<When>| -> Result<Option<i64>> {
            (value.map(|when| when.resolve(zone).map(to_micros)))
                .transpose()
                .map_err(|e| user_error!("{name}: {e}"))
        };
        let from = bound("--from", self.from)?;
        let to = bound("--to", self.to)?;
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                return Err(user_error!(
                    "--from must be before --to (the window is from <= created_at < to)"
                ));
            }
        }
        if self.compare.is_some() && self.every.is_none() && (from.is_none() || to.is_none()) {
            return Err(user_error!(
                "--compare needs --every, or both --from and --to: without periods, the \
                 comparison window is measured from the --from/--to window"
            ));
        }
        if let Some(rejects) = &self.rejects {
            refuse_input_as_output("--rejects", rejects, &self.files)?;
        }
        let fcr_window = self.fcr_window;
        let mut by: Vec<String> = Vec::new();
        for key in self.by.iter().map(|k| k.trim()) {
            if key.is_empty() {
                return Err(user_error!("--by: an empty key name"));
            }
            let taken = catalogue::column(key).is_some()
                || crate::history::COLUMNS.contains(&key)
                || (self.every.is_some() && key == crate::metrics::PERIOD);
            if taken {
                return Err(user_error!(
                    "--by {key}: that is the name of an output column; group by another column"
                ));
            }
            if !by.iter().any(|k| k == key) {
                by.push(key.to_string());
            }
        }
        Ok(ReportRequest {
            inputs: self.files,
            zone,
            from,
            to,
            by,
            every: self.every,
            week_start: self.week_start,
            compare: self.compare,
            fcr_window_micros: (fcr_window * 1e6).round() as i64,
            invalid: InvalidPolicy {
                on_invalid: self.on_invalid,
                rejects: self.rejects,
            },
            schedule: (self.schedule.as_deref()).map(load_schedule).transpose()?,
            ci: self.ci || self.confidence.is_some(),
            confidence: match self.confidence {
                Some(confidence) => confidence,
                None => Confidence::new(DEFAULT_CONFIDENCE).expect("a level inside (0, 1)"),
            },
            config: match (&self.config, &self.preset) {
                (Some(path), _) => Config::load(path)?,
                (None, Some(preset)) => Config::preset(preset.as_str())?,
                (None, None) => Config::default(),
            },
        })
    }
}
