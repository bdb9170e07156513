//! CSV input through polars' reader, set up so that a bad record is a record-level problem the
//! normalizer can find, not a failure of the whole file: every column is text, invalid UTF-8
//! becomes U+FFFD, and a sentinel column past the header catches records with too many fields.
//!
//! Records with too few fields cannot be told apart from records whose trailing cells are
//! empty: polars fills both the same way, so they read as missing values.

use std::sync::Arc;

use anyhow::Result;
use polars::prelude::*;

use super::{EXTRA_FIELDS, MALFORMED_COLUMN, RECORD_COLUMN};
use crate::user_error;

/// The sentinel column polars fills only from a record's extra fields.
const EXTRA_COLUMN: &str = "__extra_field";

/// Where the CSV bytes are.
pub enum CsvSource<'a> {
    Path(&'a std::path::Path),
    Bytes(Vec<u8>),
}

/// Plans the read of one CSV source whose first bytes are `head`; returns the frame (with
/// [`RECORD_COLUMN`] and [`MALFORMED_COLUMN`]) and the header's column names.
pub fn scan(
    source: CsvSource,
    head: &[u8],
    name: &str,
    delimiter: u8,
) -> Result<(LazyFrame, Vec<String>)> {
    let columns = header(head, name, delimiter)?;
    let mut schema = Schema::with_capacity(columns.len() + 1);
    for column in &columns {
        schema.with_column(column.as_str().into(), DataType::String);
    }
    schema.with_column(EXTRA_COLUMN.into(), DataType::String);
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
        .with_skip_rows(1)
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
    let frame = frame
        .filter(has_a_value)
        .with_row_index(RECORD_COLUMN, Some(1))
        .with_column(
            when(col(EXTRA_COLUMN).is_not_null())
                .then(lit(EXTRA_FIELDS))
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias(MALFORMED_COLUMN),
        )
        .drop(cols([EXTRA_COLUMN]));
    Ok((frame, columns))
}

/// The header row: the first CSV record of `head` (after a UTF-8 BOM).
fn header(head: &[u8], name: &str, delimiter: u8) -> Result<Vec<String>> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
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
