//! The report (SPEC §4): one row per category × `--by` keys with every KPI and its `n`, and a
//! renderer per output format.

mod csv;
mod json;
mod table;

pub use table::{markdown_cell, readable_value};

use std::io::{self, Write};

use crate::metrics::{Measure, OUTPUT_COLUMNS};

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The window on `created_at`, epoch microseconds; `None` is open.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Records read, and those left out as invalid.
    pub records: u64,
    pub skipped: u64,
    /// The `--by` keys, in the order given.
    pub by: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub category: String,
    /// Values of the `--by` keys (missing is `None`).
    pub keys: Vec<Option<String>>,
    /// One cell per [`OUTPUT_COLUMNS`] entry, in that order.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Count(u64),
    /// A measured value; `None` when its `n` is 0.
    Value(Option<f64>),
}

impl Row {
    /// A group with no records: every count 0, every value null.
    pub fn empty(category: &str) -> Row {
        Row {
            category: category.to_string(),
            keys: Vec::new(),
            cells: OUTPUT_COLUMNS
                .iter()
                .map(|(_, measure)| match measure {
                    Measure::Count => Cell::Count(0),
                    Measure::Value => Cell::Value(None),
                })
                .collect(),
        }
    }

    /// The cell of output column `name` (one of [`OUTPUT_COLUMNS`]).
    pub fn cell(&self, name: &str) -> Cell {
        let index = OUTPUT_COLUMNS
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is not an output column"));
        self.cells[index]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One readable table per category.
    Table,
    /// One JSON object (SPEC §4), numbers unrounded.
    Json,
    /// One line per row, numbers unrounded.
    Csv,
    /// The tables as Markdown, e.g. for a CI job summary.
    Markdown,
}

pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, table::Style::Terminal, out),
        Format::Markdown => table::render(report, table::Style::Markdown, out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
    }
}

impl Report {
    /// The row columns: `category`, each `--by` key, then [`OUTPUT_COLUMNS`].
    pub fn columns(&self) -> Vec<String> {
        let mut columns = vec!["category".to_string()];
        columns.extend(self.by.iter().cloned());
        columns.extend(OUTPUT_COLUMNS.iter().map(|(name, _)| name.to_string()));
        columns
    }

    /// Each row as text in [`Report::columns`] order: numbers exact, missing values empty.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|row| {
                let mut record = vec![row.category.clone()];
                record.extend(row.keys.iter().map(|k| k.clone().unwrap_or_default()));
                record.extend(row.cells.iter().map(|cell| match cell {
                    Cell::Count(n) => n.to_string(),
                    Cell::Value(Some(v)) => exact_number(*v),
                    Cell::Value(None) => String::new(),
                }));
                record
            })
            .collect()
    }

    /// Each row as a JSON object with its fields in [`Report::columns`] order.
    pub fn json_rows(&self) -> Vec<serde_json::Map<String, serde_json::Value>> {
        self.rows
            .iter()
            .map(|row| {
                let mut object = serde_json::Map::new();
                object.insert("category".into(), row.category.clone().into());
                for (name, value) in self.by.iter().zip(&row.keys) {
                    object.insert(name.clone(), value.clone().into());
                }
                for ((name, _), cell) in OUTPUT_COLUMNS.iter().zip(&row.cells) {
                    let value = match cell {
                        Cell::Count(n) => (*n).into(),
                        Cell::Value(v) => (*v).into(),
                    };
                    object.insert(name.to_string(), value);
                }
                object
            })
            .collect()
    }
}

/// A group's key values as a JSON object, or `null` for no keys.
pub fn group_json(group: &[(String, Option<String>)]) -> serde_json::Value {
    if group.is_empty() {
        return serde_json::Value::Null;
    }
    (group.iter())
        .map(|(key, value)| (key.clone(), serde_json::Value::from(value.clone())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The I/O error inside a JSON writer's error, kept as such so that a closed pipe stays
/// recognisable (see [`crate::exit`]).
pub fn io_error_of_json(error: serde_json::Error) -> io::Error {
    match error.io_error_kind() {
        Some(kind) => io::Error::from(kind),
        None => io::Error::other(error),
    }
}

/// The I/O error inside a CSV writer's error, kept as such (see [`io_error_of_json`]).
pub fn io_error_of_csv(error: ::csv::Error) -> io::Error {
    match error.into_kind() {
        ::csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The shortest text that reads back as exactly `value` (`25.0`, `14.285714285714286`), shared
/// by the JSON and CSV renderers.
pub fn exact_number(value: f64) -> String {
    serde_json::to_string(&value).unwrap_or_else(|_| value.to_string())
}
