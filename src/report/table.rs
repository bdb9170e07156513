//! Tables for people: one per category, values in readable units (`78.8%`, `+14.3`, `4h 12m`),
//! each with its `n`, `—` for no data. Rendered for a terminal or as Markdown.

use std::io::{self, Write};

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, Table};

use super::{Cell, Report, Row};
use crate::metrics::sample_size_column;
use crate::units::format_duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Terminal,
    Markdown,
}

/// The metrics people read, each with its label and output column.
const SHOWN: [(&str, &str); 9] = [
    ("CSAT", "csat"),
    ("NPS", "nps"),
    ("CES", "ces"),
    ("FCR", "fcr"),
    ("AHT", "aht_s"),
    ("FRT mean", "frt_mean_s"),
    ("FRT median", "frt_median_s"),
    ("FRT p90", "frt_p90_s"),
    ("Churn", "churn"),
];

const NO_DATA: &str = "—";

pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", heading(report, style))?;
    let mut categories: Vec<&str> = Vec::new();
    for row in &report.rows {
        if !categories.contains(&row.category.as_str()) {
            categories.push(&row.category);
        }
    }
    for category in categories {
        let rows: Vec<&Row> = report
            .rows
            .iter()
            .filter(|r| r.category == category)
            .collect();
        let interactions: u64 = rows.iter().map(|r| count(r.cell("interactions"))).sum();
        writeln!(out)?;
        match style {
            Style::Terminal => writeln!(out, "{category} · {interactions} interactions")?,
            Style::Markdown => writeln!(out, "### {category} · {interactions} interactions\n")?,
        }
        let table = if report.by.is_empty() {
            metric_table(rows[0], style)
        } else {
            group_table(&report.by, &rows, style)
        };
        writeln!(out, "{table}")?;
    }
    Ok(())
}

fn heading(report: &Report, style: Style) -> String {
    let bound = |b: Option<i64>| b.map(crate::timestamps::format_micros);
    let window = match (bound(report.from), bound(report.to)) {
        (None, None) => "all time".to_string(),
        (from, to) => format!(
            "{} to {}",
            from.unwrap_or_else(|| "the start".into()),
            to.unwrap_or_else(|| "the end".into())
        ),
    };
    let text = format!(
        "cxkpi report · {window} · {} records read, {} skipped as invalid",
        report.records, report.skipped
    );
    match style {
        Style::Terminal => text,
        Style::Markdown => format!("## {text}"),
    }
}

/// Without `--by`: one line per metric, its value and its `n`.
fn metric_table(row: &Row, style: Style) -> Table {
    let mut table = new_table(style);
    table.set_header(["Metric", "Value", "n"]);
    for (label, column) in SHOWN {
        table.add_row([
            label.to_string(),
            readable(column, row.cell(column)),
            count(row.cell(sample_size_column(column))).to_string(),
        ]);
    }
    align_right(&mut table, 1..3);
    table
}

/// With `--by`: one line per group, each metric as `value (n)`.
fn group_table(keys: &[String], rows: &[&Row], style: Style) -> Table {
    let mut table = new_table(style);
    let mut header: Vec<String> = keys.to_vec();
    header.push("Interactions".into());
    header.extend(SHOWN.iter().map(|(label, _)| label.to_string()));
    table.set_header(header);
    for row in rows {
        let mut line: Vec<String> = row
            .keys
            .iter()
            .map(|k| match (k, style) {
                (None, _) => NO_DATA.to_string(),
                (Some(k), Style::Markdown) => markdown_cell(k),
                (Some(k), Style::Terminal) => k.clone(),
            })
            .collect();
        line.push(count(row.cell("interactions")).to_string());
        for (_, column) in SHOWN {
            let n = count(row.cell(sample_size_column(column)));
            line.push(match row.cell(column) {
                Cell::Value(Some(_)) => format!("{} ({n})", readable(column, row.cell(column))),
                _ => NO_DATA.to_string(),
            });
        }
        table.add_row(line);
    }
    align_right(&mut table, keys.len()..keys.len() + 1 + SHOWN.len());
    table
}

/// A cell's text for a Markdown table: a `|` would end the cell.
pub fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn new_table(style: Style) -> Table {
    let mut table = Table::new();
    table.load_preset(match style {
        Style::Terminal => UTF8_FULL_CONDENSED,
        Style::Markdown => ASCII_MARKDOWN,
    });
    table
}

fn align_right(table: &mut Table, columns: std::ops::Range<usize>) {
    for index in columns {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn count(cell: Cell) -> u64 {
    match cell {
        Cell::Count(n) => n,
        Cell::Value(_) => 0,
    }
}

/// A cell in the unit people read it in.
fn readable(column: &str, cell: Cell) -> String {
    match cell {
        Cell::Value(Some(value)) => readable_value(column, value),
        Cell::Value(None) => NO_DATA.to_string(),
        Cell::Count(n) => n.to_string(),
    }
}

/// A value of output column `column` in the unit people read it in: `78.8%`, `+14.3`, `4.84`,
/// `4h 12m`, or a plain count.
pub fn readable_value(column: &str, value: f64) -> String {
    match column {
        "csat" | "fcr" | "churn" => format!("{value:.1}%"),
        "nps" => format!("{value:+.1}"),
        "ces" => format!("{value:.2}"),
        seconds if seconds.ends_with("_s") => format_duration(value),
        _ => format!("{value}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(readable("csat", Cell::Value(Some(78.77697))), "78.8%");
        assert_eq!(readable("nps", Cell::Value(Some(14.2857))), "+14.3");
        assert_eq!(readable("nps", Cell::Value(Some(-40.0))), "-40.0");
        assert_eq!(readable("ces", Cell::Value(Some(4.841))), "4.84");
        assert_eq!(readable("frt_p90_s", Cell::Value(Some(15120.0))), "4h 12m");
        assert_eq!(readable("aht_s", Cell::Value(None)), "—");
        assert_eq!(readable("csat_n", Cell::Count(12)), "12");
        assert_eq!(readable_value("interactions", 30.0), "30");
    }
}
