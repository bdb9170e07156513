//! `report` output (SPEC §4): one renderer per format over the metrics' [`Report`].

mod csv;
mod json;
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
}

/// Writes `report` in `format`; `colour` marks changes in terminal tables.
pub(crate) fn render(
    report: &Report,
    format: Format,
    colour: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => {
            let look = table::Look {
                style: Style::Terminal,
                colour,
            };
            table::render(report, look, out)
        }
        Format::Markdown => {
            let look = table::Look {
                style: Style::Markdown,
                colour: false,
            };
            table::render(report, look, out)
        }
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
    }
}
