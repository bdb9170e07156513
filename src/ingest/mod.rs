//! Ingest: reads CSV, JSON-array and NDJSON logs (files or standard input) into one lazy frame
//! of text columns, then normalizes it into the typed canonical frame (see [`normalize`]).

mod csv;
pub(crate) mod facts;
pub(crate) mod invalid;
mod json;
pub(crate) mod mapping;
pub(crate) mod normalize;
pub mod short_records;
pub mod typed;
pub mod utf8;
mod workbook;

/// Column of the raw frame: why a record could not be read as a record (null when it could).
pub(crate) const MALFORMED_COLUMN: &str = "__malformed";
/// A CSV record with more (non-empty) fields than the header.
pub(crate) const EXTRA_FIELDS: u32 = 1;
/// A JSON array element or NDJSON line that is not a JSON object.
pub(crate) const NOT_AN_OBJECT: u32 = 2;
/// A CSV record with fewer fields than the header.
pub(crate) const MISSING_FIELDS: u32 = 3;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use polars::prelude::*;

use self::csv::CsvSource;
use crate::config::{Encoding, InputOptions};
use crate::messages::printable;
use crate::user_error;

/// Column of the raw frame holding the index of the source in [`RawLog::sources`].
pub(crate) const FILE_COLUMN: &str = "__file";
/// Column of the raw frame holding the 1-based record number within its source
/// (header not counted; for NDJSON the line number).
pub(crate) const RECORD_COLUMN: &str = "__record";

/// The input as read: every source column as text, with where each record came from.
pub(crate) struct RawLog {
    pub(crate) frame: LazyFrame,
    /// Every column name seen in any source, in first-seen order.
    pub(crate) columns: Vec<String>,
    /// Display names of the sources, indexed by [`FILE_COLUMN`].
    pub(crate) sources: Vec<String>,
    /// Each source's own columns, in the same order as `sources`.
    pub(crate) source_columns: Vec<Vec<String>>,
    /// Canonical fields a config converted from other columns (see [`Origin`]).
    pub(crate) origins: Vec<Origin>,
    /// The sources (as [`FILE_COLUMN`] values) with bytes that are not UTF-8, read as U+FFFD.
    pub(crate) undecodable: Vec<u32>,
    /// One-line notices for stderr about how the config was applied (absent optional
    /// columns, sniffed timestamp formats).
    pub(crate) notes: Vec<String>,
}

/// The input read, typed and checked, by either path: the records, and the invalid ones with
/// what made them so.
pub(crate) struct Input {
    /// The typed canonical frame. From the general path every record, flagged in
    /// [`normalize::INVALID_COLUMN`]; from the typed pass the valid records and those invalid
    /// only by repeating an earlier `interaction_id` (flagged likewise).
    pub(crate) frame: DataFrame,
    /// Every record read, invalid ones included.
    pub(crate) records: u64,
    /// The invalid records: file, record, the check that failed and the offending text.
    pub(crate) invalid: DataFrame,
    pub(crate) present: Vec<&'static str>,
    pub(crate) checks: Vec<normalize::Check>,
    pub(crate) sources: Vec<String>,
    /// Notices about how the config was applied, for stderr.
    pub(crate) notes: Vec<String>,
    /// The group-key columns held as codes rather than texts (the typed pass's).
    pub(crate) coded_keys: CodedKeys,
}

/// Group-key columns held as `u32` codes numbered in the order of their texts (so grouping
/// reads four bytes a record and sorting by code sorts by text), with each code's text (the
/// code is its index).
#[derive(Debug, Default)]
pub(crate) struct CodedKeys(Vec<(String, StringChunked)>);

impl CodedKeys {
    pub(crate) fn add(&mut self, column: &str, texts: &[String]) {
        let texts = StringChunked::from_iter_values(column.into(), texts.iter());
        self.0.push((column.to_string(), texts));
    }

    /// How many codes `column` has (its codes are `0..` that), when it holds codes.
    pub(crate) fn codes(&self, column: &str) -> Option<usize> {
        let texts = self.0.iter().find(|(name, _)| name == column);
        texts.map(|(_, texts)| texts.len())
    }

    /// [`CodedKeys::decode`], and `column` is text from here on: it is no longer listed.
    pub(crate) fn decode_for_good(
        &mut self,
        frame: &mut DataFrame,
        column: &str,
    ) -> PolarsResult<()> {
        self.decode(frame, column)?;
        self.0.retain(|(name, _)| name != column);
        Ok(())
    }

    /// Puts the texts in place of the codes in `frame`'s column `column`, when it holds codes
    /// (a column of texts stays as it is).
    pub(crate) fn decode(&self, frame: &mut DataFrame, column: &str) -> PolarsResult<()> {
        let Some((_, texts)) = self.0.iter().find(|(name, _)| name == column) else {
            return Ok(());
        };
        let Ok(codes) = frame.column(column)?.u32() else {
            return Ok(());
        };
        let decoded = texts.take(codes)?;
        frame.replace(column, decoded.into_column())?;
        Ok(())
    }
}

/// One source, planned: its records as text (with [`RECORD_COLUMN`] and [`MALFORMED_COLUMN`]).
pub(crate) struct Source {
    pub(crate) frame: LazyFrame,
    pub(crate) columns: Vec<String>,
    /// The pass over a CSV source's bytes; none for JSON.
    pub(crate) byte_scan: Option<ByteScanState>,
}

/// What one pass over a CSV source's bytes finds, before polars reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ByteScan {
    /// The records with fewer fields than the header (see [`short_records`]).
    pub(crate) short: Vec<IdxSize>,
    /// Whether every byte is UTF-8 (else some values hold U+FFFD).
    pub(crate) utf8: bool,
}

impl ByteScan {
    /// What a plan assumes while the scan runs beside the read.
    pub(crate) fn is_clean(&self) -> bool {
        self.short.is_empty() && self.utf8
    }
}

/// A source's byte scan: known when the read was planned, or running beside the read, the plan
/// having assumed a clean one ([`ByteScan::is_clean`]) that [`ByteScanState::finish`] checks.
pub(crate) enum ByteScanState {
    Known(ByteScan),
    Running(std::thread::JoinHandle<Result<ByteScan>>),
}

impl ByteScanState {
    /// The scan's result, and whether the plan assumed it.
    pub(crate) fn finish(self) -> Result<(ByteScan, bool)> {
        match self {
            ByteScanState::Known(scan) => Ok((scan, true)),
            ByteScanState::Running(thread) => {
                let scan = (thread.join())
                    .map_err(|_| anyhow::anyhow!("the pass over the CSV bytes panicked"))??;
                let assumed = scan.is_clean();
                Ok((scan, assumed))
            }
        }
    }
}

/// Where a config took a canonical field from, so that a bad value is reported as the file
/// has it: the source text sits in [`origin_column`] beside the converted field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Origin {
    pub(crate) field: &'static str,
    /// The export's column(s), e.g. `"Date" + "Time"`.
    pub(crate) source: String,
    /// What the conversion expects, e.g. `a duration written H:MM:SS`.
    pub(crate) expected: Option<String>,
    /// Whether the field was converted (so its source text is kept in [`origin_column`]);
    /// a renamed field's text is the file's own.
    pub(crate) converted: bool,
}

/// The raw frame's column holding the source text of a converted field.
pub(crate) fn origin_column(field: &str) -> String {
    format!("__source_{field}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    JsonArray,
    Ndjson,
}

/// Whether `paths` (as [`read_inputs`] takes them) include standard input, which can be read
/// only once.
pub(crate) fn reads_stdin(paths: &[PathBuf]) -> bool {
    paths.is_empty() || paths.iter().any(|p| p.as_os_str() == "-")
}

/// Reads every input (`-` or none: standard input) and concatenates them; returns the log and
/// each source's byte scan (none for JSON). `known` are the sources' byte scans from an earlier
/// read of the same inputs, if any; otherwise a file's scan may run beside the read if
/// `scan_beside` (see [`csv::scan`]).
pub(crate) fn read_inputs(
    paths: &[PathBuf],
    options: &InputOptions,
    known: Option<Vec<Option<ByteScan>>>,
    scan_beside: bool,
) -> Result<(RawLog, Vec<Option<ByteScanState>>)> {
    let stdin_only = [PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    let mut frames = Vec::with_capacity(paths.len());
    let mut sources = Vec::with_capacity(paths.len());
    let mut columns: Vec<String> = Vec::new();
    let mut source_columns = Vec::with_capacity(paths.len());
    let mut undecodable = Vec::new();
    let mut byte_scans = Vec::with_capacity(paths.len());
    let mut known = known.map(Vec::into_iter);
    for (index, path) in paths.iter().enumerate() {
        let name = display_name(path);
        let known = known.as_mut().and_then(Iterator::next).flatten();
        let Source {
            frame,
            columns: names,
            byte_scan,
        } = read_one(path, &name, options, known, scan_beside)?;
        if let Some(ByteScanState::Known(ByteScan { utf8: false, .. })) = byte_scan {
            undecodable.push(index as u32);
        }
        byte_scans.push(byte_scan);
        add_columns(&mut columns, &names);
        let frame = frame.with_column(lit(index as u32).cast(DataType::UInt32).alias(FILE_COLUMN));
        frames.push((frame, names.clone()));
        source_columns.push(names);
        sources.push(name);
    }
    let frame = aligned(
        frames,
        &columns,
        &[FILE_COLUMN, RECORD_COLUMN, MALFORMED_COLUMN],
    )?;
    Ok((
        RawLog {
            frame,
            columns,
            sources,
            source_columns,
            origins: Vec::new(),
            undecodable,
            notes: Vec::new(),
        },
        byte_scans,
    ))
}

/// Adds to `union` each of `columns` it lacks, in order.
pub(crate) fn add_columns(union: &mut Vec<String>, columns: &[String]) {
    for column in columns {
        if !union.contains(column) {
            union.push(column.clone());
        }
    }
}

/// The sources' frames, each with its own columns, as one frame: the `leading` columns, then
/// the `union` of the columns (text), a column a source lacks as nulls.
pub(crate) fn aligned(
    frames: Vec<(LazyFrame, Vec<String>)>,
    union: &[String],
    leading: &[&str],
) -> Result<LazyFrame> {
    let aligned: Vec<LazyFrame> = frames
        .into_iter()
        .map(|(frame, names)| {
            let mut exprs: Vec<Expr> = leading.iter().map(|c| col(*c)).collect();
            exprs.extend(union.iter().map(|c| {
                if names.contains(c) {
                    col(c.as_str())
                } else {
                    lit(NULL).cast(DataType::String).alias(c.as_str())
                }
            }));
            frame.select(exprs)
        })
        .collect();
    Ok(if aligned.len() == 1 {
        aligned.into_iter().next().expect("one frame")
    } else {
        concat(aligned, UnionArgs::default())?
    })
}

/// The field delimiter of a CSV source: the config's, else a tab for `.tsv`, else a comma.
pub(crate) fn delimiter_of(path: &Path, options: &InputOptions) -> u8 {
    let is_tsv = (path.extension()).is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    (options.delimiter).unwrap_or(if is_tsv { b'\t' } else { b',' })
}

/// Reads one table (CSV, JSON array or NDJSON) as text columns, e.g. a snapshot history;
/// returns it with its column names.
pub(crate) fn read_table(path: &Path) -> Result<(LazyFrame, Vec<String>)> {
    let source = read_one(
        path,
        &display_name(path),
        &InputOptions::default(),
        None,
        false,
    )?;
    Ok((source.frame, source.columns))
}

pub(crate) fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Plans the read of one source (see [`read_inputs`] for `known`).
fn read_one(
    path: &Path,
    name: &str,
    options: &InputOptions,
    known: Option<ByteScan>,
    scan_beside: bool,
) -> Result<Source> {
    let is_stdin = path.as_os_str() == "-";
    if !is_stdin && is_workbook(path) {
        if !path.is_file() {
            return Err(if path.exists() {
                user_error!("{name}: not a file")
            } else {
                user_error!("{name}: no such file")
            });
        }
        return workbook_source(path, name, options.sheet.as_deref());
    }
    if !is_stdin && is_parquet(path) {
        if !path.is_file() {
            return Err(if path.exists() {
                user_error!("{name}: not a file")
            } else {
                user_error!("{name}: no such file")
            });
        }
        return parquet_source(path, name);
    }
    let transcode = options.encoding != Encoding::Utf8;
    let bytes = if is_stdin {
        Some(read_stdin()?)
    } else {
        if !path.is_file() {
            return Err(if path.exists() {
                user_error!("{name}: not a file")
            } else {
                user_error!("{name}: no such file")
            });
        }
        if transcode {
            Some(fs::read(path).with_context(|| format!("reading {name}"))?)
        } else {
            None
        }
    };
    // Other encodings become UTF-8 in memory; the reader only knows UTF-8.
    let bytes = match bytes {
        Some(raw) if transcode => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&raw);
            Some(text.into_owned().into_bytes())
        }
        other => other,
    };
    let head = match &bytes {
        Some(buffer) => buffer[..buffer.len().min(HEAD_BYTES)].to_vec(),
        None => read_head(path).with_context(|| format!("reading {name}"))?,
    };
    let content = skip_bom(&head);
    if content.iter().all(u8::is_ascii_whitespace) {
        return Err(user_error!(
            "{name}: the file is empty (expected a CSV header row, a JSON array or NDJSON lines)"
        ));
    }
    let format = detect_format(path, content);
    let source = match format {
        Format::Csv => {
            if head.len() == HEAD_BYTES && !head.contains(&b'\n') {
                return Err(user_error!(
                    "{name}: the first line is longer than {HEAD_BYTES} bytes; \
                     this does not look like a CSV header row"
                ));
            }
            let bytes = match bytes {
                Some(buffer) => CsvSource::Bytes(buffer),
                None => CsvSource::Path(path),
            };
            let delimiter = delimiter_of(path, options);
            self::csv::scan(bytes, &head, name, delimiter, known, scan_beside)?
        }
        Format::JsonArray | Format::Ndjson => {
            let bytes = match bytes {
                Some(buffer) => buffer,
                None => fs::read(path).with_context(|| format!("reading {name}"))?,
            };
            let text = std::str::from_utf8(skip_bom(&bytes)).map_err(|e| {
                user_error!("{name}: not valid UTF-8 ({e}); JSON input must be UTF-8")
            })?;
            let frame = if format == Format::JsonArray {
                json::read_array(text, name)?
            } else {
                json::read_lines(text)?
            };
            let names = frame
                .get_column_names()
                .into_iter()
                .filter(|n| n.as_str() != RECORD_COLUMN && n.as_str() != MALFORMED_COLUMN)
                .map(|n| n.to_string())
                .collect();
            Source {
                frame: frame.lazy(),
                columns: names,
                byte_scan: None,
            }
        }
    };
    Ok(source)
}

/// Whether the file is a workbook calamine reads, by its extension.
pub(crate) fn is_workbook(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    matches!(
        extension.as_deref(),
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
    )
}

/// Whether the file is Parquet, by its extension.
pub(crate) fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// A Parquet file as a source: every column as the text a CSV export would hold (datetimes
/// with a zone in UTC RFC 3339, naive ones as `YYYY-MM-DD HH:MM:SS[.f]`, dates `YYYY-MM-DD`,
/// durations in seconds), rows numbered from 1.
fn parquet_source(path: &Path, name: &str) -> Result<Source> {
    let unreadable = |e: PolarsError| user_error!("{name}: cannot read as Parquet: {e}");
    let mut frame = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .map_err(unreadable)?;
    let schema = frame.collect_schema().map_err(unreadable)?;
    let mut exprs = vec![
        col(RECORD_COLUMN),
        lit(NULL).cast(DataType::UInt32).alias(MALFORMED_COLUMN),
    ];
    let mut names = Vec::with_capacity(schema.len());
    for (column, dtype) in schema.iter() {
        let value = col(column.clone());
        let text = match dtype {
            DataType::Datetime(_, Some(_)) => value
                .dt()
                .convert_time_zone(polars::prelude::TimeZone::UTC)
                .dt()
                .strftime("%Y-%m-%dT%H:%M:%S%.fZ"),
            DataType::Datetime(_, None) => value.dt().strftime("%Y-%m-%d %H:%M:%S%.f"),
            DataType::Date => value.dt().strftime("%Y-%m-%d"),
            DataType::Duration(_) => (value.dt().total_microseconds(false).cast(DataType::Float64)
                / lit(1e6))
            .cast(DataType::String),
            _ => value.cast(DataType::String),
        };
        exprs.push(text.alias(column.clone()));
        names.push(column.to_string());
    }
    if names
        .iter()
        .any(|n| n == RECORD_COLUMN || n == MALFORMED_COLUMN)
    {
        return Err(user_error!("{name}: a column name is reserved by cxkpi"));
    }
    let frame = frame.with_row_index(RECORD_COLUMN, Some(1)).select(exprs);
    Ok(Source {
        frame,
        columns: names,
        byte_scan: None,
    })
}

/// One sheet of a workbook as a source: the header row's names (trimmed; an empty one is
/// `columnN`, as in a CSV header), the data rows numbered from 1, every cell as text.
fn workbook_source(path: &Path, name: &str, sheet: Option<&str>) -> Result<Source> {
    let sheet = workbook::read_sheet(path, sheet).map_err(|e| user_error!("{e}"))?;
    let mut names: Vec<String> = Vec::with_capacity(sheet.headers.len());
    for (index, header) in sheet.headers.iter().enumerate() {
        let header = header.trim();
        let header = if header.is_empty() {
            format!("column{}", index + 1)
        } else {
            header.to_string()
        };
        if names.contains(&header) {
            return Err(user_error!(
                "{name}, sheet \"{}\": the header names column \"{header}\" twice; column names \
                 must be unique",
                sheet.name
            ));
        }
        names.push(header);
    }
    let height = sheet.records.len();
    let mut columns = Vec::with_capacity(names.len() + 2);
    let records: Vec<u32> = (sheet.records.iter()).map(|(n, _)| *n as u32).collect();
    columns.push(Column::new(RECORD_COLUMN.into(), records));
    columns.push(Column::new(
        MALFORMED_COLUMN.into(),
        vec![None::<u32>; height],
    ));
    for (index, column) in names.iter().enumerate() {
        let values: Vec<Option<&str>> = (sheet.records.iter())
            .map(|(_, cells)| cells.get(index).and_then(|c| c.as_deref()))
            .collect();
        columns.push(Column::new(column.as_str().into(), values));
    }
    let frame = DataFrame::new(height, columns)?;
    Ok(Source {
        frame: frame.lazy(),
        columns: names,
        byte_scan: None,
    })
}

/// A failure of the input's read. The CSV and JSON readers report content they cannot parse
/// (malformed quoting, a record of another shape) as `ComputeError`s, `NoData` or a schema or
/// shape mismatch: those are bad input (exit 2), told without polars' tuning advice. Anything
/// else, an I/O failure included, is a failure of the run (exit 3). The decision is made on the
/// error's type; its text only shapes the message.
pub(crate) fn unreadable(sources: &[String], error: PolarsError) -> anyhow::Error {
    let mut innermost = &error;
    while let PolarsError::Context { error, .. } | PolarsError::ExprContext { error, .. } =
        innermost
    {
        innermost = error;
    }
    let bad_input = matches!(
        innermost,
        PolarsError::ComputeError(_)
            | PolarsError::NoData(_)
            | PolarsError::SchemaMismatch(_)
            | PolarsError::ShapeMismatch(_)
    );
    if !bad_input {
        return anyhow::Error::new(error).context(format!("reading {}", sources.join(", ")));
    }
    let text = innermost.to_string();
    let cause = text
        .split_once("Original error: ```")
        .map(|(_, inner)| inner.trim_end_matches('`').trim())
        .unwrap_or_else(|| text.lines().next().unwrap_or_default());
    let cause = if cause.contains("not properly escaped") || cause.contains("malformed") {
        "the quoting is malformed: a quote inside an unquoted field, or a quoted field that is \
         never closed"
            .to_string()
    } else {
        printable(cause)
    };
    user_error!("cannot read {}: {cause}", sources.join(", "))
}

/// Standard input when a reader has read it and handed it back ([`give_back_stdin`]): it can
/// be read only once.
static STDIN: Mutex<Option<Vec<u8>>> = Mutex::new(None);

/// Every byte of standard input: read now, or the bytes an earlier reader handed back.
pub(crate) fn read_stdin() -> Result<Vec<u8>> {
    let kept = STDIN.lock().map(|mut kept| kept.take()).unwrap_or_default();
    if let Some(bytes) = kept {
        return Ok(bytes);
    }
    let mut buffer = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buffer)
        .context("reading standard input")?;
    Ok(buffer)
}

/// Keeps standard input's bytes for the next [`read_stdin`].
pub(crate) fn give_back_stdin(bytes: Vec<u8>) {
    if let Ok(mut kept) = STDIN.lock() {
        *kept = Some(bytes);
    }
}

/// How much of a source is looked at to detect its format and read a CSV header.
pub(crate) const HEAD_BYTES: usize = 64 * 1024;

pub(crate) fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    fs::File::open(path)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

pub(crate) fn skip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// `.ndjson`/`.jsonl` are NDJSON, `.csv`/`.tsv`/`.txt` CSV; otherwise the content decides:
/// `[` opens a JSON array, `{` an NDJSON line, anything else is CSV.
pub(crate) fn detect_format(path: &Path, content: &[u8]) -> Format {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("ndjson" | "jsonl") => Format::Ndjson,
        Some("csv" | "tsv" | "txt") => Format::Csv,
        _ => match content.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Format::JsonArray,
            Some(b'{') => Format::Ndjson,
            _ => Format::Csv,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_extension_then_content() {
        assert_eq!(detect_format(Path::new("a.ndjson"), b"[1]"), Format::Ndjson);
        assert_eq!(detect_format(Path::new("a.jsonl"), b"{}"), Format::Ndjson);
        assert_eq!(detect_format(Path::new("a.CSV"), b"[x"), Format::Csv);
        assert_eq!(
            detect_format(Path::new("a.json"), b"  [{}]"),
            Format::JsonArray
        );
        assert_eq!(
            detect_format(Path::new("a.json"), b"{\"a\":1}\n"),
            Format::Ndjson
        );
        assert_eq!(detect_format(Path::new("-"), b"\n[\n"), Format::JsonArray);
        assert_eq!(detect_format(Path::new("-"), b"id,csat\n"), Format::Csv);
    }
}
