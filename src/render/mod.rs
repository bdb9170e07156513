//! What every command's output shares: the table look (terminal or Markdown), values in
//! readable units, report rows as exact text or JSON, writer errors kept as I/O errors, and the
//! HTML page renderer (`html`).

pub(crate) mod html;
mod io;
mod rows;
mod values;

pub(crate) use io::{io_error_of_csv, io_error_of_json};
pub(crate) use rows::{group_json, json_rows, text_rows};
pub(crate) use values::{
    number_json, readable, readable_change, readable_interval, readable_level, readable_value,
};

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// How a table is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Terminal,
    Markdown,
}

/// What a table shows for a value with no data.
pub(crate) const NO_DATA: &str = "—";

/// An empty table in `style`. On a terminal narrower than the table, columns wrap (comfy-table's
/// dynamic arrangement); elsewhere the table keeps its natural width.
pub(crate) fn new_table(style: Style) -> Table {
    let mut table = Table::new();
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.load_preset(match style {
        Style::Terminal => UTF8_FULL_CONDENSED,
        Style::Markdown => ASCII_MARKDOWN,
    });
    table
}

/// Right-aligns the numeric `columns`.
pub(crate) fn align_right(table: &mut Table, columns: std::ops::Range<usize>) {
    for index in columns {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Text from the data as a table cell: in Markdown a `|` would end the cell.
pub(crate) fn cell_text(text: &str, style: Style) -> String {
    match style {
        Style::Terminal => text.to_string(),
        Style::Markdown => text.replace('|', "\\|"),
    }
}
