//! The history file that `snapshot` writes and `trend` reads (SPEC §6): its columns, its two
//! formats (CSV and NDJSON, by extension), and its rows read back and written out.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Map, Value};

use crate::metrics::{catalogue, Report};
use crate::render::{json_rows, text_rows};
use crate::timestamps::format_micros;
use crate::user_error;

/// The columns every snapshot row starts with.
pub(crate) const COLUMNS: [&str; 3] = ["snapshot_at", "window_from", "window_to"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HistoryFormat {
    Csv,
    Ndjson,
}

/// The history's format, from its extension.
pub(crate) fn history_format(path: &Path) -> Result<HistoryFormat> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("csv") => Ok(HistoryFormat::Csv),
        Some("ndjson" | "jsonl") => Ok(HistoryFormat::Ndjson),
        _ => Err(user_error!(
            "{}: a history file ends in .csv, .ndjson or .jsonl",
            path.display()
        )),
    }
}

/// The history's columns for rows of `report`.
pub(crate) fn columns_for(report: &Report) -> Vec<String> {
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    columns.extend(report.column_names());
    columns
}

/// The rows of the history at `path` (none when it does not exist yet), checked to have
/// `columns`.
pub(crate) fn read(path: &Path, format: HistoryFormat, columns: &[String]) -> Result<Vec<Line>> {
    match format {
        HistoryFormat::Csv => read_csv(path, columns),
        HistoryFormat::Ndjson => read_ndjson(path, columns),
    }
}

/// Writes `lines` as a whole history with `columns`.
pub(crate) fn write(
    out: &mut dyn Write,
    format: HistoryFormat,
    columns: &[String],
    lines: &[Line],
) -> Result<()> {
    match format {
        HistoryFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(columns)?;
            for line in lines {
                writer.write_record(&line.fields)?;
            }
            writer.flush()?;
        }
        HistoryFormat::Ndjson => {
            for line in lines {
                writeln!(out, "{}", line.text)?;
            }
        }
    }
    Ok(())
}

/// The report's rows as history lines, stamped.
pub(crate) fn new_lines(report: &Report, stamp: &str, format: HistoryFormat) -> Vec<Line> {
    let window = [report.from, report.to].map(|bound| bound.map(format_micros));
    match format {
        HistoryFormat::Csv => text_rows(report)
            .into_iter()
            .map(|row| {
                let mut fields = vec![stamp.to_string()];
                fields.extend(window.iter().map(|b| b.clone().unwrap_or_default()));
                fields.extend(row);
                Line {
                    snapshot_at: stamp.to_string(),
                    fields,
                    text: String::new(),
                }
            })
            .collect(),
        HistoryFormat::Ndjson => json_rows(report)
            .into_iter()
            .map(|row| {
                let mut object = Map::new();
                object.insert(COLUMNS[0].into(), stamp.into());
                object.insert(COLUMNS[1].into(), window[0].clone().into());
                object.insert(COLUMNS[2].into(), window[1].clone().into());
                object.extend(row);
                Line {
                    snapshot_at: stamp.to_string(),
                    fields: Vec::new(),
                    text: Value::Object(object).to_string(),
                }
            })
            .collect(),
    }
}

/// A history row: its stamp, and its content (written back unchanged when kept).
pub(crate) struct Line {
    pub(crate) snapshot_at: String,
    /// CSV fields.
    fields: Vec<String>,
    /// The NDJSON line.
    text: String,
}

fn read_csv(history: &Path, columns: &[String]) -> Result<Vec<Line>> {
    let file = match File::open(history) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", history.display())),
    };
    let not_history = |e: &dyn std::fmt::Display| {
        user_error!("{}: not a readable CSV history: {e}", history.display())
    };
    let mut reader = csv::Reader::from_reader(BufReader::new(file));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| not_history(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() {
        return Ok(Vec::new());
    }
    let upgrade = upgrade_of(&header, columns);
    if upgrade.is_none() {
        same_columns(history, &header, columns)?;
    }
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| not_history(&e))?;
            let fields: Vec<String> = match &upgrade {
                Some(sources) => (sources.iter())
                    .map(|source| source.and_then(|i| record.get(i)).unwrap_or_default())
                    .map(str::to_string)
                    .collect(),
                None => record.iter().map(str::to_string).collect(),
            };
            Ok(Line {
                snapshot_at: fields.first().cloned().unwrap_or_default(),
                fields,
                text: String::new(),
            })
        })
        .collect()
}

fn read_ndjson(history: &Path, columns: &[String]) -> Result<Vec<Line>> {
    let file = match File::open(history) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", history.display())),
    };
    let mut lines = Vec::new();
    for (index, text) in BufReader::new(file).lines().enumerate() {
        let text = text.with_context(|| format!("reading {}", history.display()))?;
        if text.trim().is_empty() {
            continue;
        }
        let object: Map<String, Value> = serde_json::from_str(&text).map_err(|e| {
            user_error!(
                "{}: line {}: not a history row: {e}",
                history.display(),
                index + 1
            )
        })?;
        let keys: Vec<String> = object.keys().cloned().collect();
        let text = match upgrade_of(&keys, columns) {
            Some(_) => {
                let upgraded: Map<String, Value> = (columns.iter())
                    .map(|c| (c.clone(), object.get(c).cloned().unwrap_or(Value::Null)))
                    .collect();
                Value::Object(upgraded).to_string()
            }
            None => {
                same_columns(history, &keys, columns)?;
                text
            }
        };
        let snapshot_at = object
            .get(COLUMNS[0])
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        lines.push(Line {
            snapshot_at,
            fields: Vec::new(),
            text,
        });
    }
    Ok(lines)
}

/// For a history written before some metric columns were added (SPEC §6): where each of the
/// new rows' `wanted` columns is among the history's `found` ones, `None` for a metric column
/// it lacks. `None` when the history is not such a history: it has a column the new rows
/// lack, lacks one that is not a metric, or holds them in another order.
fn upgrade_of(found: &[String], wanted: &[String]) -> Option<Vec<Option<usize>>> {
    let sources: Vec<Option<usize>> = (wanted.iter())
        .map(|w| found.iter().position(|f| f == w))
        .collect();
    let lacks_only_metrics = (wanted.iter().zip(&sources))
        .filter(|(_, source)| source.is_none())
        .all(|(name, _)| catalogue::column(name).is_some());
    let has_nothing_else = found.iter().all(|f| wanted.contains(f));
    let kept: Vec<usize> = sources.iter().flatten().copied().collect();
    let in_order = kept.windows(2).all(|pair| pair[0] < pair[1]);
    let lacks_some = kept.len() < wanted.len();
    (lacks_some && lacks_only_metrics && has_nothing_else && in_order).then_some(sources)
}

/// A history only takes rows of its own shape (the same `--by` keys, the same metrics).
fn same_columns(history: &Path, found: &[String], wanted: &[String]) -> Result<()> {
    if found == wanted {
        return Ok(());
    }
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|c| !found.contains(c))
        .map(String::as_str)
        .collect();
    let extra: Vec<&str> = found
        .iter()
        .filter(|c| !wanted.contains(c))
        .map(String::as_str)
        .collect();
    let difference = if missing.is_empty() && extra.is_empty() {
        "the same columns in another order".to_string()
    } else {
        let mut parts = Vec::new();
        if !extra.is_empty() {
            parts.push(format!(
                "the history has {} that this snapshot lacks",
                extra.join(", ")
            ));
        }
        if !missing.is_empty() {
            parts.push(format!(
                "this snapshot has {} that the history lacks",
                missing.join(", ")
            ));
        }
        parts.join("; ")
    };
    Err(user_error!(
        "{}: the history's columns differ from this snapshot's ({difference}); \
         use the same --by, --every and --compare as the history, or another history file. The \
         history is unchanged.",
        history.display()
    ))
}
