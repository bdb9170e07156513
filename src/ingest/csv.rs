//! CSV input through polars' reader, set up so that a bad record is a record-level problem the
//! normalizer can find, not a failure of the whole file: every column is text, invalid UTF-8
//! becomes U+FFFD, a sentinel column past the header catches records with too many fields, and
//! a pass over the bytes finds those with too few ([`super::short_records`]) and tells whether
//! they are all UTF-8 ([`super::utf8`]).

use std::sync::Arc;

use anyhow::{Context, Result};
use polars::prelude::*;

use super::short_records::{read_chunks, FieldCounter};
use super::utf8::{self, Utf8Validator};
use super::{
    skip_bom, ByteScan, ByteScanState, Source, EXTRA_FIELDS, MALFORMED_COLUMN, MISSING_FIELDS,
    RECORD_COLUMN,
};
use crate::user_error;

/// The sentinel column polars fills only from a record's extra fields.
const EXTRA_COLUMN: &str = "__extra_field";

/// Where the CSV bytes are.
pub(crate) enum CsvSource<'a> {
    Path(&'a std::path::Path),
    Bytes(Vec<u8>),
}

/// Plans the read of one CSV source whose first bytes are `head`. The pass over its bytes (see
/// [`ByteScan`]) is `known` from an earlier read, or made now: if `scan_beside`, beside the
/// read, in a thread, for a file whose head is UTF-8 (the plan then assumes a clean scan, and
/// the caller checks it); here for the rest.
pub(crate) fn scan(
    source: CsvSource,
    head: &[u8],
    name: &str,
    delimiter: u8,
    known: Option<ByteScan>,
    scan_beside: bool,
) -> Result<Source> {
    let columns = header(head, name, delimiter)?;
    let mut schema = Schema::with_capacity(columns.len() + 1);
    for column in &columns {
        schema.with_column(column.as_str().into(), DataType::String);
    }
    schema.with_column(EXTRA_COLUMN.into(), DataType::String);
    let fields = columns.len();
    let scan_file = move |path: std::path::PathBuf, name: String| {
        std::fs::File::open(path)
            .and_then(|file| scan_bytes(file, delimiter, fields))
            .with_context(|| format!("reading {name}"))
    };
    let byte_scan = match (known, &source) {
        (Some(known), _) => ByteScanState::Known(known),
        // A file that starts as UTF-8 is most likely all UTF-8, with no short record.
        (None, CsvSource::Path(path)) if scan_beside && utf8::is_utf8_start(head) => {
            let (path, name) = (path.to_path_buf(), name.to_string());
            ByteScanState::Running(std::thread::spawn(move || scan_file(path, name)))
        }
        (None, CsvSource::Path(path)) => {
            ByteScanState::Known(scan_file(path.to_path_buf(), name.to_string())?)
        }
        (None, CsvSource::Bytes(bytes)) => ByteScanState::Known(
            scan_bytes(&bytes[..], delimiter, fields).with_context(|| format!("reading {name}"))?,
        ),
    };
    let short = match &byte_scan {
        ByteScanState::Known(scan) => scan.short.clone(),
        ByteScanState::Running(_) => Vec::new(),
    };
    let reader = match source {
        CsvSource::Path(path) => {
            LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        }
        CsvSource::Bytes(bytes) => {
            LazyCsvReader::new_with_sources(ScanSources::Buffers(Arc::from(vec![
                polars_buffer::Buffer::from(bytes),
            ])))
        }
    };
    let frame = reader
        .with_has_header(false)
        .with_separator(delimiter)
        .with_skip_rows(1 + empty_lines_before_header(head))
        .with_schema(Some(Arc::new(schema)))
        .with_raise_if_empty(false)
        .with_truncate_ragged_lines(true)
        .with_encoding(CsvEncoding::LossyUtf8)
        .finish()
        .map_err(|e| user_error!("{name}: cannot read as CSV: {e}"))?;
    // A line without a single value (blank, or only delimiters) is not a record; records are
    // numbered after those are left out.
    let has_a_value = (columns.iter().map(String::as_str))
        .chain([EXTRA_COLUMN])
        .map(|c| col(c).is_not_null())
        .reduce(Expr::or)
        .expect("a header has at least one column");
    let well_formed = lit(NULL).cast(DataType::UInt32);
    let malformed = if short.is_empty() {
        well_formed
    } else {
        let short = Series::new("short".into(), short);
        when(col(RECORD_COLUMN).is_in(lit(short).implode(true), false))
            .then(lit(MISSING_FIELDS))
            .otherwise(well_formed)
    };
    let frame = frame
        .filter(has_a_value)
        .with_row_index(RECORD_COLUMN, Some(1))
        .with_column(
            when(col(EXTRA_COLUMN).is_not_null())
                .then(lit(EXTRA_FIELDS))
                .otherwise(malformed)
                .alias(MALFORMED_COLUMN),
        )
        .drop(cols([EXTRA_COLUMN]));
    Ok(Source {
        frame,
        columns,
        byte_scan: Some(byte_scan),
    })
}

/// The pass over a CSV source's bytes.
fn scan_bytes(
    reader: impl std::io::Read,
    delimiter: u8,
    fields: usize,
) -> std::io::Result<ByteScan> {
    let mut counter = FieldCounter::new(delimiter, fields);
    let mut utf8 = Utf8Validator::default();
    read_chunks(reader, |chunk| {
        counter.feed(chunk);
        utf8.feed(chunk);
    })?;
    Ok(ByteScan {
        short: counter.finish(),
        utf8: utf8.finish(),
    })
}

/// How many empty lines (nothing, or a lone `\r`) come before the header row: the reader
/// counts them as rows to skip, the header parser does not.
pub(super) fn empty_lines_before_header(head: &[u8]) -> usize {
    let head = skip_bom(head);
    head.split(|&b| b == b'\n')
        .take_while(|line| line.is_empty() || *line == b"\r")
        .count()
}

/// The header row: the first CSV record of `head` (after a UTF-8 BOM).
pub(super) fn header(head: &[u8], name: &str, delimiter: u8) -> Result<Vec<String>> {
    let head = skip_bom(head);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(head);
    let mut record = ::csv::ByteRecord::new();
    let found = reader
        .read_byte_record(&mut record)
        .map_err(|e| user_error!("{name}: cannot read the CSV header row: {e}"))?;
    if !found || record.is_empty() {
        return Err(user_error!("{name}: no CSV header row"));
    }
    let mut columns: Vec<String> = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        let column = std::str::from_utf8(field)
            .map_err(|_| {
                user_error!(
                    "{name}: the header row is not valid UTF-8; this does not look like a CSV \
                     interaction log (is it another encoding, or not text at all?)"
                )
            })?
            .trim()
            .to_string();
        // An unnamed column (often a row number) gets a name to be addressed by.
        let column = if column.is_empty() {
            format!("column{}", index + 1)
        } else {
            column
        };
        if columns.contains(&column) {
            return Err(user_error!(
                "{name}: the header names column \"{column}\" twice; column names must be unique"
            ));
        }
        columns.push(column);
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::short_records::tests::{log, oracle};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The short-record pass and polars' reader number records alike: the frame has as
        /// many records as the `csv` crate finds, and marks the same ones as short.
        #[test]
        fn short_records_are_marked_on_the_readers_records(bytes in log()) {
            let (records, short) = oracle(&bytes, 3);
            let head = bytes.clone();
            let frame = scan(CsvSource::Bytes(bytes), &head, "t.csv", b',', None, false).unwrap().frame;
            let frame = frame.collect().unwrap();
            prop_assert_eq!(frame.height() as IdxSize, records);
            let marked: Vec<IdxSize> = frame
                .lazy()
                .filter(col(MALFORMED_COLUMN).eq(lit(MISSING_FIELDS)))
                .select([col(RECORD_COLUMN)])
                .collect()
                .unwrap()
                .column(RECORD_COLUMN)
                .unwrap()
                .idx()
                .unwrap()
                .into_no_null_iter()
                .collect();
            prop_assert_eq!(marked, short);
        }
    }
}
