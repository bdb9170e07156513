//! JSON output: one object with the window, the input counts and the rows (SPEC §4).

use std::io::{self, Write};

use serde_json::json;

use super::Report;
use crate::timestamps::format_micros;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let document = json!({
        "window": {
            "from": report.from.map(format_micros),
            "to": report.to.map(format_micros),
        },
        "input": {
            "records": report.records,
            "skipped": report.skipped,
        },
        "rows": report.json_rows(),
    });
    serde_json::to_writer_pretty(&mut *out, &document).map_err(super::io_error_of_json)?;
    writeln!(out)
}
