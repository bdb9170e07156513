//! `snapshot`: appends a dated copy of the report's rows to a history file, CSV or NDJSON
//! (SPEC §6), so that cron retries replace instead of duplicating, concurrent runs all land,
//! and a crash at any moment leaves the old history or the new one, never a torn file.
//!
//! While a run reads and rewrites the history it holds an exclusive advisory lock on
//! `HISTORY.lock` beside it; the new history is written to a temporary file in the same
//! directory, synced, and renamed over the old one.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value};

use crate::report::Report;
use crate::timestamps::format_micros;
use crate::user_error;

/// The columns every snapshot row starts with.
pub const PREFIX: [&str; 3] = ["snapshot_at", "window_from", "window_to"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    Csv,
    Ndjson,
}

/// The history's format, from its extension.
pub fn history_format(path: &Path) -> Result<HistoryFormat> {
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

/// What [`append`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub written: usize,
    /// Rows of an earlier snapshot with the same `snapshot_at` that were replaced.
    pub replaced: usize,
}

/// Adds `report`'s rows, stamped `snapshot_at` (epoch microseconds, whole seconds), to the
/// history, replacing any rows of an earlier snapshot with the same stamp.
pub fn append(history: &Path, snapshot_at: i64, report: &Report) -> Result<Appended> {
    let format = history_format(history)?;
    // A history reached through a symlink is updated where it lives, and locked there.
    let resolved = fs::canonicalize(history).ok();
    let history = resolved.as_deref().unwrap_or(history);
    let stamp = format_micros(snapshot_at);
    let mut columns: Vec<String> = PREFIX.iter().map(|c| c.to_string()).collect();
    columns.extend(report.columns());

    let _lock = lock(history)?;
    let existing = match format {
        HistoryFormat::Csv => read_csv(history, &columns)?,
        HistoryFormat::Ndjson => read_ndjson(history, &columns)?,
    };
    let total = existing.len();
    let mut lines: Vec<Line> = existing
        .into_iter()
        .filter(|line| line.snapshot_at != stamp)
        .collect();
    let replaced = total - lines.len();
    lines.extend(new_lines(report, &stamp, format));
    // Stamps are UTC RFC 3339 in whole seconds, so text order is time order; the sort is
    // stable, keeping each snapshot's rows in report order.
    lines.sort_by(|a, b| a.snapshot_at.cmp(&b.snapshot_at));

    replace_atomically(history, |out| {
        match format {
            HistoryFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(&columns)?;
                for line in &lines {
                    writer.write_record(&line.fields)?;
                }
                writer.flush()?;
            }
            HistoryFormat::Ndjson => {
                for line in &lines {
                    writeln!(out, "{}", line.text)?;
                }
            }
        }
        Ok(())
    })?;
    Ok(Appended {
        written: report.rows.len(),
        replaced,
    })
}

/// The report's rows as history lines, stamped.
fn new_lines(report: &Report, stamp: &str, format: HistoryFormat) -> Vec<Line> {
    let window = [report.from, report.to].map(|bound| bound.map(format_micros));
    match format {
        HistoryFormat::Csv => report
            .text_rows()
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
        HistoryFormat::Ndjson => report
            .json_rows()
            .into_iter()
            .map(|row| {
                let mut object = Map::new();
                object.insert(PREFIX[0].into(), stamp.into());
                object.insert(PREFIX[1].into(), window[0].clone().into());
                object.insert(PREFIX[2].into(), window[1].clone().into());
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
struct Line {
    snapshot_at: String,
    /// CSV fields.
    fields: Vec<String>,
    /// The NDJSON line.
    text: String,
}

/// Holds the history's lock file locked until dropped (the OS releases it if the process dies).
fn lock(history: &Path) -> Result<File> {
    let mut name = history.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = history.with_file_name(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening the lock file {}", path.display()))?;
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
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
    same_columns(history, &header, columns)?;
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| not_history(&e))?;
            let fields: Vec<String> = record.iter().map(str::to_string).collect();
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
        same_columns(history, &keys, columns)?;
        let snapshot_at = object
            .get(PREFIX[0])
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
         use the same --by keys as the history, or another history file. The history is unchanged.",
        history.display()
    ))
}

/// Writes the new content to a temporary file beside `path`, syncs it and renames it over
/// `path`, then syncs the directory so that the rename itself survives a crash.
fn replace_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let directory: PathBuf = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".");
    let temporary = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(&directory)
        .with_context(|| format!("creating a temporary file in {}", directory.display()))?;
    {
        let mut out = BufWriter::new(temporary.as_file());
        write(&mut out)?;
        out.flush()?;
    }
    // The history keeps its permissions; a new one gets what any new file gets here (the
    // umask's), not the temporary file's private mode.
    let permissions = match fs::metadata(path) {
        Ok(metadata) => metadata.permissions(),
        Err(_) => new_file_permissions(&directory)?,
    };
    fs::set_permissions(temporary.path(), permissions)
        .context("setting the new history's permissions")?;
    temporary
        .as_file()
        .sync_all()
        .context("syncing the new history")?;
    temporary
        .persist(path)
        .with_context(|| format!("replacing {}", path.display()))?;
    if let Ok(dir) = fs::File::open(&directory) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The permissions a newly created file gets in `directory` (on Unix, 0666 less the umask),
/// found by creating one: the umask can only be read by changing it, which would race with
/// other threads.
fn new_file_permissions(directory: &Path) -> Result<fs::Permissions> {
    let probe = directory.join(format!(".cxkpi-permissions-{}", std::process::id()));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .with_context(|| format!("creating a file in {}", directory.display()))?;
    let permissions = file.metadata().map(|m| m.permissions());
    drop(file);
    let _ = fs::remove_file(&probe);
    Ok(permissions?)
}
