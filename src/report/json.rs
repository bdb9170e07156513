//! JSON output: one object with the window, the input counts and the rows (SPEC §4).

use std::io::{self, Write};

use serde_json::json;

use crate::metrics::Report;
use crate::render::{io_error_of_json, json_rows};
use crate::timestamps::format_micros;

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let document = json!({
        "window": {
            "from": report.from.map(format_micros),
            "to": report.to.map(format_micros),
        },
        "input": {
            "records": report.records,
            "skipped": report.skipped,
        },
        "rows": json_rows(report),
    });
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io_error_of_json)?;
    writeln!(out)
}
