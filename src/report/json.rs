//! JSON output: one object with the window, the comparison window (`--compare` without
//! `--every`), the input counts and the rows (SPEC §4, §8).

use std::io::{self, Write};

use serde_json::{json, Map};

use crate::metrics::Report;
use crate::render::{io_error_of_json, json_rows};
use crate::timestamps::format_micros;

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut document = Map::new();
    document.insert(
        "window".into(),
        json!({
            "from": report.from.map(format_micros),
            "to": report.to.map(format_micros),
        }),
    );
    if let Some(window) = report.timeline.compare_window {
        document.insert(
            "compare".into(),
            json!({"from": format_micros(window.from), "to": format_micros(window.to)}),
        );
    }
    document.insert(
        "input".into(),
        json!({"records": report.records, "skipped": report.skipped}),
    );
    document.insert("rows".into(), json!(json_rows(report)));
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io_error_of_json)?;
    writeln!(out)
}
