//! JSON output: one object with the window, the input counts and the rows (SPEC §4).

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::{Cell, Report, Row};
use crate::metrics::OUTPUT_COLUMNS;
use crate::timestamps::format_micros;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Window(Option<i64>, Option<i64>);
        impl Serialize for Window {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("from", &self.0.map(format_micros))?;
                map.serialize_entry("to", &self.1.map(format_micros))?;
                map.end()
            }
        }
        struct Input(u64, u64);
        impl Serialize for Input {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("records", &self.0)?;
                map.serialize_entry("skipped", &self.1)?;
                map.end()
            }
        }
        struct Rows<'a>(&'a Report);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.rows.iter().map(|row| JsonRow(&self.0.by, row)))
            }
        }
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("window", &Window(self.from, self.to))?;
        map.serialize_entry("input", &Input(self.records, self.skipped))?;
        map.serialize_entry("rows", &Rows(self))?;
        map.end()
    }
}

/// A row with its keys named: `category`, then each `--by` key, then the metrics.
struct JsonRow<'a>(&'a [String], &'a Row);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let JsonRow(by, row) = self;
        let mut map = serializer.serialize_map(Some(1 + by.len() + row.cells.len()))?;
        map.serialize_entry("category", &row.category)?;
        for (name, value) in by.iter().zip(&row.keys) {
            map.serialize_entry(name, value)?;
        }
        for ((name, _), cell) in OUTPUT_COLUMNS.iter().zip(&row.cells) {
            match cell {
                Cell::Count(n) => map.serialize_entry(name, n)?,
                Cell::Value(v) => map.serialize_entry(name, v)?,
            }
        }
        map.end()
    }
}
