//! JSON input (an array of objects, or NDJSON lines) decoded into text columns, so that JSON and
//! CSV go through one normalization. An element or line that is not a JSON object is kept as a
//! malformed record, for `--on-invalid` to judge; a JSON array that does not parse is an error.

use anyhow::Result;
use polars::prelude::*;
use serde_json::{Map, Value};

use super::{MALFORMED_COLUMN, NOT_AN_OBJECT, RECORD_COLUMN};
use crate::user_error;

/// Text columns being filled record by record, in first-seen column order.
#[derive(Default)]
struct Columns {
    names: Vec<String>,
    values: Vec<Vec<Option<String>>>,
    records: Vec<u32>,
    malformed: Vec<Option<u32>>,
}

impl Columns {
    fn push(&mut self, record: u32, object: Map<String, Value>) {
        let row = self.records.len();
        self.records.push(record);
        self.malformed.push(None);
        for (key, value) in object {
            let index = match self.names.iter().position(|n| *n == key) {
                Some(index) => index,
                None => {
                    self.names.push(key);
                    self.values.push(vec![None; row]);
                    self.names.len() - 1
                }
            };
            self.values[index].push(as_text(value));
        }
        for column in &mut self.values {
            if column.len() == row {
                column.push(None);
            }
        }
    }

    /// A record that is not a JSON object: no values, only where it is.
    fn push_malformed(&mut self, record: u32) {
        self.records.push(record);
        self.malformed.push(Some(NOT_AN_OBJECT));
        for column in &mut self.values {
            column.push(None);
        }
    }

    fn into_frame(self) -> Result<DataFrame> {
        let height = self.records.len();
        let mut columns = Vec::with_capacity(self.names.len() + 1);
        columns.push(Column::new(RECORD_COLUMN.into(), self.records));
        columns.push(Column::new(MALFORMED_COLUMN.into(), self.malformed));
        for (name, values) in self.names.into_iter().zip(self.values) {
            columns.push(Column::new(name.into(), values));
        }
        Ok(DataFrame::new(height, columns)?)
    }
}

/// JSON scalars become the text a CSV export would hold; `null` is missing.
fn as_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        nested => Some(nested.to_string()),
    }
}

/// A JSON array of objects; record numbers count the array's elements from 1.
pub(crate) fn read_array(text: &str, name: &str) -> Result<DataFrame> {
    let items: Vec<Value> = serde_json::from_str(text)
        .map_err(|e| user_error!("{name}: not a valid JSON array: {e}"))?;
    let mut columns = Columns::default();
    for (index, item) in items.into_iter().enumerate() {
        let record = index as u32 + 1;
        match item {
            Value::Object(object) => columns.push(record, object),
            _ => columns.push_malformed(record),
        }
    }
    columns.into_frame()
}

/// NDJSON: one object per line; blank lines are skipped; record numbers are line numbers.
pub(crate) fn read_lines(text: &str) -> Result<DataFrame> {
    let mut columns = Columns::default();
    for (index, line) in text.lines().enumerate() {
        let record = index as u32 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => columns.push(record, object),
            _ => columns.push_malformed(record),
        }
    }
    columns.into_frame()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
        frame
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    #[test]
    fn array_values_become_text_and_missing_keys_null() {
        let frame = read_array(
            r#"[{"id":"a","csat":5,"ok":true},{"id":"b","x":1.5,"csat":null}]"#,
            "t.json",
        )
        .unwrap();
        assert_eq!(texts(&frame, "id"), [Some("a".into()), Some("b".into())]);
        assert_eq!(texts(&frame, "csat"), [Some("5".into()), None]);
        assert_eq!(texts(&frame, "ok"), [Some("true".into()), None]);
        assert_eq!(texts(&frame, "x"), [None, Some("1.5".into())]);
    }

    #[test]
    fn ndjson_records_are_line_numbers() {
        let frame = read_lines("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n").unwrap();
        let records: Vec<Option<u32>> = frame
            .column(RECORD_COLUMN)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(records, [Some(1), Some(3)]);
    }

    #[test]
    fn records_that_are_not_objects_are_kept_as_malformed() {
        let malformed = |frame: &DataFrame| -> Vec<Option<u32>> {
            let column = frame.column(MALFORMED_COLUMN).unwrap();
            column.u32().unwrap().iter().collect()
        };
        let frame = read_lines("{\"id\":\"a\"}\n{oops\n[1]\n{\"id\":\"b\"}\n").unwrap();
        assert_eq!(
            malformed(&frame),
            [None, Some(NOT_AN_OBJECT), Some(NOT_AN_OBJECT), None]
        );
        assert_eq!(
            texts(&frame, "id"),
            [Some("a".into()), None, None, Some("b".into())]
        );
        let frame = read_array("[1, {\"id\":\"a\"}]", "t.json").unwrap();
        assert_eq!(malformed(&frame), [Some(NOT_AN_OBJECT), None]);
        assert!(read_array("[{\"id\":", "t.json").is_err());
    }
}
