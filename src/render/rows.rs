//! A report's rows as exact text (CSV, the CSV history) or JSON objects (JSON, the NDJSON
//! history), in the report's column order.

use serde_json::{Map, Value};

use super::values::exact_number;
use crate::metrics::{Cell, Report, PERIOD};

/// Each row as text in [`Report::column_names`] order: numbers exact, missing values empty.
pub(crate) fn text_rows(report: &Report) -> Vec<Vec<String>> {
    (report.rows.iter())
        .map(|row| {
            let mut record = vec![row.category.clone()];
            if report.timeline.every.is_some() {
                record.push(row.period.clone().unwrap_or_default());
            }
            record.extend(row.keys.iter().map(|k| k.clone().unwrap_or_default()));
            record.extend(row.cells.iter().map(|(_, cell)| match cell {
                Cell::Count(n) => n.to_string(),
                Cell::Value(Some(v)) => exact_number(*v),
                Cell::Value(None) => String::new(),
            }));
            record
        })
        .collect()
}

/// Each row as a JSON object with its fields in [`Report::column_names`] order.
pub(crate) fn json_rows(report: &Report) -> Vec<Map<String, Value>> {
    (report.rows.iter())
        .map(|row| {
            let mut object = Map::new();
            object.insert("category".into(), row.category.clone().into());
            if report.timeline.every.is_some() {
                object.insert(PERIOD.into(), row.period.clone().into());
            }
            for (name, value) in report.by.iter().zip(&row.keys) {
                object.insert(name.clone(), value.clone().into());
            }
            for (column, cell) in &row.cells {
                let value = match cell {
                    Cell::Count(n) => (*n).into(),
                    Cell::Value(v) => (*v).into(),
                };
                object.insert(column.name().into_owned(), value);
            }
            object
        })
        .collect()
}

/// A group's key values as a JSON object, or `null` for no keys.
pub(crate) fn group_json(group: &[(String, Option<String>)]) -> Value {
    if group.is_empty() {
        return Value::Null;
    }
    (group.iter())
        .map(|(key, value)| (key.clone(), Value::from(value.clone())))
        .collect::<Map<_, _>>()
        .into()
}
