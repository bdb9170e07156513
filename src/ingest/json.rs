//! JSON input (an array of objects, or NDJSON lines) decoded into text columns, so that JSON and
//! CSV go through one normalization.

use anyhow::Result;
use polars::prelude::*;
use serde_json::{Map, Value};

use super::RECORD_COLUMN;
use crate::user_error;

/// Text columns being filled record by record, in first-seen column order.
#[derive(Default)]
struct Columns {
    names: Vec<String>,
    values: Vec<Vec<Option<String>>>,
    records: Vec<u32>,
}

impl Columns {
    fn push(&mut self, record: u32, object: Map<String, Value>) {
        let row = self.records.len();
        self.records.push(record);
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

    fn into_frame(self) -> Result<DataFrame> {
        let height = self.records.len();
        let mut columns = Vec::with_capacity(self.names.len() + 1);
        columns.push(Column::new(RECORD_COLUMN.into(), self.records));
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
pub fn read_array(text: &str, name: &str) -> Result<DataFrame> {
    let items: Vec<Value> = serde_json::from_str(text)
        .map_err(|e| user_error!("{name}: not a valid JSON array: {e}"))?;
    let mut columns = Columns::default();
    for (index, item) in items.into_iter().enumerate() {
        let record = index as u32 + 1;
        match item {
            Value::Object(object) => columns.push(record, object),
            other => {
                return Err(user_error!(
                    "{name}: record {record}: expected a JSON object, found {}",
                    kind_of(&other)
                ))
            }
        }
    }
    columns.into_frame()
}

/// NDJSON: one object per line; blank lines are skipped; record numbers are line numbers.
pub fn read_lines(text: &str, name: &str) -> Result<DataFrame> {
    let mut columns = Columns::default();
    for (index, line) in text.lines().enumerate() {
        let record = index as u32 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => columns.push(record, object),
            Ok(other) => {
                return Err(user_error!(
                    "{name}: line {record}: expected a JSON object, found {}",
                    kind_of(&other)
                ))
            }
            Err(e) => return Err(user_error!("{name}: line {record}: not valid JSON: {e}")),
        }
    }
    columns.into_frame()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
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
        let frame = read_lines("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n", "t.ndjson").unwrap();
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
    fn malformed_lines_name_the_line() {
        let err = read_lines("{\"id\":\"a\"}\n{oops\n", "t.ndjson").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.ndjson: line 2: not valid JSON"),
            "{err}"
        );
        let err = read_array("[1]", "t.json").unwrap_err();
        assert!(err
            .to_string()
            .contains("record 1: expected a JSON object, found a number"));
    }
}
