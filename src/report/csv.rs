//! CSV output: a header, then one line per row with the JSON rows' columns in the same order.

use std::io::{self, Write};

use super::{exact_number, Cell, Report};
use crate::metrics::OUTPUT_COLUMNS;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec!["category".to_string()];
    header.extend(report.by.iter().cloned());
    header.extend(OUTPUT_COLUMNS.iter().map(|(name, _)| name.to_string()));
    writer.write_record(&header)?;
    for row in &report.rows {
        let mut record = vec![row.category.clone()];
        record.extend(row.keys.iter().map(|k| k.clone().unwrap_or_default()));
        record.extend(row.cells.iter().map(|cell| match cell {
            Cell::Count(n) => n.to_string(),
            Cell::Value(Some(v)) => exact_number(*v),
            Cell::Value(None) => String::new(),
        }));
        writer.write_record(&record)?;
    }
    writer.flush()
}
