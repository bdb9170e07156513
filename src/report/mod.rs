//! `report` output (SPEC §4): one renderer per format over the metrics' [`Report`].

mod csv;
pub(crate) mod html;
mod json;
#[cfg(test)]
mod render_tests;
mod table;

use std::io::{self, Write};

use crate::metrics::Report;
use crate::render::Style;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable tables: a column per category, or with --every/--by a table per category.
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

/// What the renderers need besides the report: for the HTML page, the inputs and options of
/// the run and the category rows without keys (for its tiles) when the report has keys; for
/// tables, the low-sample threshold and whether to colour changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Context {
    pub(crate) used: html::Used,
    pub(crate) totals: Option<Report>,
    /// Tables with intervals mark values from fewer than `min_n` observations as low-sample.
    pub(crate) min_n: u64,
    /// Terminal tables colour changes better or worse.
    pub(crate) colour: bool,
}

pub(crate) fn render(
    report: &Report,
    format: Format,
    context: &Context,
    out: &mut dyn Write,
) -> io::Result<()> {
    let look = |style, colour| table::Look {
        style,
        colour,
        min_n: context.min_n,
    };
    match format {
        Format::Html => html::render(report, context.totals.as_ref(), &context.used, out),
        Format::Table => table::render(report, look(Style::Terminal, context.colour), out),
        Format::Markdown => table::render(report, look(Style::Markdown, false), out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
    }
}
