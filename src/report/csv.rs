//! CSV output: a header, then one line per row with the JSON rows' columns in the same order.

use std::io::{self, Write};

use super::Report;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(report.columns())
        .map_err(super::io_error_of_csv)?;
    for record in report.text_rows() {
        writer
            .write_record(&record)
            .map_err(super::io_error_of_csv)?;
    }
    writer.flush()
}
