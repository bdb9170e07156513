//! The command line: clap definitions and help text, turned into validated requests.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::check::Format as CheckFormat;
use crate::config::{read_user_file, Config};
use crate::metrics::catalogue;
use crate::pipeline::ReportRequest;
use crate::report::Format;
use crate::schedule::Schedules;
use crate::timestamps::{parse_instant, parse_zone, to_micros};
use crate::trend::{parse_metrics, Format as TrendFormat, TrendRequest};
use crate::units::parse_duration;
use crate::user_error;
use crate::validate::OnInvalid;

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

    /// Metrics to show (comma list) [default: interactions and every KPI]
    #[arg(long, value_name = "METRIC,...")]
    pub(crate) metric: Vec<String>,

    /// The category to show: support, service, uncategorized or all
    #[arg(long, default_value = "all")]
    pub(crate) category: String,

    /// Only the group with this key value, e.g. --by-key agent=agent-007 (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub(crate) by_key: Vec<String>,

    /// Output format [default: table]
    #[arg(long, value_enum, default_value_t = TrendFormat::Table)]
    pub(crate) format: TrendFormat,
}

impl TrendArgs {
    pub(crate) fn into_request(self) -> Result<TrendRequest> {
        let filters = self
            .by_key
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) if !key.trim().is_empty() => {
                    Ok((key.trim().to_string(), value.to_string()))
                }
                _ => Err(user_error!(
                    "--by-key {pair}: write KEY=VALUE, e.g. agent=agent-007"
                )),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TrendRequest {
            history: self.history,
            metrics: parse_metrics(&self.metric)?,
            category: self.category.trim().to_lowercase(),
            filters,
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct SnapshotArgs {
    /// The history file: .csv or .ndjson/.jsonl; created when absent
    #[arg(long, value_name = "HISTORY")]
    pub(crate) history: PathBuf,

    /// The snapshot's date and time [default: now]; a rerun with the same value replaces that snapshot
    #[arg(long, value_name = "WHEN")]
    pub(crate) as_of: Option<String>,

    #[command(flatten)]
    pub(crate) input: InputArgs,
}

impl SnapshotArgs {
    /// The snapshot's stamp: `--as-of` (read in `zone`) or now, in whole seconds.
    pub(crate) fn snapshot_at(&self, zone: chrono_tz::Tz) -> Result<i64> {
        let instant = match &self.as_of {
            Some(text) => parse_instant(text, zone).map_err(|e| user_error!("--as-of: {e}"))?,
            None => chrono::Utc::now(),
        };
        Ok(instant.timestamp() * 1_000_000)
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The SLA file: TOML [[rule]] entries with category, metric, min or max, optional min_n and by
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
}

/// Options shared by every command that reads an interaction log.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Interaction logs: CSV, JSON array, NDJSON (.ndjson/.jsonl) workbooks (.xlsx/.xls/.ods) or Parquet; `-` or none reads standard input
    #[arg(value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,

    /// Only records created at or after this date or timestamp (a date means midnight)
    #[arg(long, value_name = "WHEN")]
    pub(crate) from: Option<String>,

    /// Only records created before this date or timestamp (a date means midnight)
    #[arg(long, value_name = "WHEN")]
    pub(crate) to: Option<String>,

    /// Time zone for naive timestamps and dates, e.g. Europe/Paris
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub(crate) tz: String,

    /// Extra group keys: any input column, e.g. channel,agent,team
    #[arg(long, value_name = "KEY,...", value_delimiter = ',')]
    pub(crate) by: Vec<String>,

    /// Repeat-mode FCR: a contact within this time after another is a repeat (90s, 30m, 72h, 7d)
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    pub(crate) fcr_window: String,

    /// What to do with invalid records: stop with exit 2, or leave them out and count them
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = OnInvalid::Fail)]
    pub(crate) on_invalid: OnInvalid,

    /// Write each invalid record (file, record, column, value, reason) to this CSV file
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects: Option<PathBuf>,

    /// A TOML config for the export: [input], [columns] mapping, [categories] rules, [scales]
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// A built-in config for a known export format: zendesk or freshdesk
    #[arg(long, value_name = "NAME", conflicts_with = "config")]
    pub(crate) preset: Option<String>,

    /// Business hours (TOML: timezone, holidays, [hours], [[schedule]] overrides): adds the
    /// frt_bh_* and ttr_bh_* columns, counted only while the schedule is open
    #[arg(long, value_name = "FILE")]
    pub(crate) schedule: Option<PathBuf>,
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
        let zone = parse_zone(&self.tz).map_err(|e| user_error!("--tz: {e}"))?;
        let bound = |name: &str, value: &Option<String>| -> Result<Option<i64>> {
            value
                .as_deref()
                .map(|text| {
                    parse_instant(text, zone)
                        .map(to_micros)
                        .map_err(|e| user_error!("{name}: {e}"))
                })
                .transpose()
        };
        let from = bound("--from", &self.from)?;
        let to = bound("--to", &self.to)?;
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                return Err(user_error!(
                    "--from must be before --to (the window is from <= created_at < to)"
                ));
            }
        }
        if let Some(rejects) = &self.rejects {
            refuse_input_as_output("--rejects", rejects, &self.files)?;
        }
        let fcr_window =
            parse_duration(&self.fcr_window).map_err(|e| user_error!("--fcr-window: {e}"))?;
        let mut by: Vec<String> = Vec::new();
        for key in self.by.iter().map(|k| k.trim()) {
            if key.is_empty() {
                return Err(user_error!("--by: an empty key name"));
            }
            let taken = catalogue::column(key).is_some() || crate::history::COLUMNS.contains(&key);
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
            fcr_window_micros: (fcr_window * 1e6).round() as i64,
            on_invalid: self.on_invalid,
            rejects: self.rejects,
            schedule: (self.schedule.as_deref()).map(load_schedule).transpose()?,
            config: match (&self.config, &self.preset) {
                (Some(path), _) => Config::load(path)?,
                (None, Some(name)) => Config::preset(name)?,
                (None, None) => Config::default(),
            },
        })
    }
}
