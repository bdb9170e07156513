//! `report` output (SPEC §4): one renderer per format over the metrics' [`Report`].

mod csv;
pub(crate) mod html;
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
    /// One self-contained HTML page: tiles, charts and tables.
    Html,
}

/// What only the HTML page shows: the inputs and options of the run, and the category rows
/// without keys (for its tiles) when the report has keys.
#[derive(Debug, Clone, Default)]
pub(crate) struct Context {
    pub(crate) used: html::Used,
    pub(crate) totals: Option<Report>,
}

pub(crate) fn render(
    report: &Report,
    format: Format,
    context: &Context,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Html => html::render(report, context.totals.as_ref(), &context.used, out),
        Format::Table => table::render(report, Style::Terminal, out),
        Format::Markdown => table::render(report, Style::Markdown, out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
    }
}
