//! `report` output (SPEC §4): one renderer per format over the metrics' [`Report`].

mod csv;
mod json;
mod table;

use std::io::{self, Write};

use crate::metrics::Report;
use crate::render::Style;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One readable table per category.
    Table,
    /// One JSON object (SPEC §4), numbers unrounded.
    Json,
    /// One line per row, numbers unrounded.
    Csv,
    /// The tables as Markdown, e.g. for a CI job summary.
    Markdown,
}

/// Renders `report` in `format`; tables with intervals mark values from fewer than `min_n`
/// observations as low-sample.
pub(crate) fn render(
    report: &Report,
    format: Format,
    min_n: u64,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, Style::Terminal, min_n, out),
        Format::Markdown => table::render(report, Style::Markdown, min_n, out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
    }
}
