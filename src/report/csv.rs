//! CSV output: a header, then one line per row with the JSON rows' columns in the same order.

use std::io::{self, Write};

use crate::metrics::Report;
use crate::render::{io_error_of_csv, text_rows};

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    (writer.write_record(report.column_names())).map_err(io_error_of_csv)?;
    for record in text_rows(report) {
        writer.write_record(&record).map_err(io_error_of_csv)?;
    }
    writer.flush()
}
