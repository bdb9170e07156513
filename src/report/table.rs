//! `report` tables for people: one per category, values in readable units (`78.8%`, `+14.3`,
//! `4h 12m`), each with its `n`, `—` for no data. Drawn for a terminal or as Markdown.

use std::io::{self, Write};

use comfy_table::Table;

use crate::metrics::{Column, Report, Row};
use crate::render::{align_right, cell_text, new_table, readable, Style, NO_DATA};

/// The columns people read: every value column of the report, by its label.
fn shown(report: &Report) -> impl Iterator<Item = &'static Column> + '_ {
    report.values().filter(|c| c.label.is_some())
}

pub(crate) fn render(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
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
        let interactions: u64 = rows.iter().map(|r| r.cell("interactions").count()).sum();
        writeln!(out)?;
        match style {
            Style::Terminal => writeln!(out, "{category} · {interactions} interactions")?,
            Style::Markdown => writeln!(out, "### {category} · {interactions} interactions\n")?,
        }
        let table = if report.by.is_empty() {
            metric_table(report, rows[0], style)
        } else {
            group_table(report, &rows, style)
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
fn metric_table(report: &Report, row: &Row, style: Style) -> Table {
    let mut table = new_table(style);
    table.set_header(["Metric", "Value", "n"]);
    for column in shown(report) {
        table.add_row([
            column.label.unwrap_or(column.name).to_string(),
            readable(column, row.cell(column.name)),
            row.cell(column.n).count().to_string(),
        ]);
    }
    align_right(&mut table, 1..3);
    table
}

/// With `--by`: one line per group, each metric as `value (n)`.
fn group_table(report: &Report, rows: &[&Row], style: Style) -> Table {
    let mut table = new_table(style);
    let keys = &report.by;
    let mut header: Vec<String> = keys.to_vec();
    header.push("Interactions".into());
    header.extend(shown(report).map(|c| c.label.unwrap_or(c.name).to_string()));
    table.set_header(header);
    for row in rows {
        let mut line: Vec<String> = (row.keys.iter())
            .map(|key| match key {
                None => NO_DATA.to_string(),
                Some(key) => cell_text(key, style),
            })
            .collect();
        line.push(row.cell("interactions").count().to_string());
        for column in shown(report) {
            let n = row.cell(column.n).count();
            line.push(match row.cell(column.name).number() {
                Some(_) => format!("{} ({n})", readable(column, row.cell(column.name))),
                None => NO_DATA.to_string(),
            });
        }
        table.add_row(line);
    }
    let shown_count = shown(report).count();
    align_right(&mut table, keys.len()..keys.len() + 1 + shown_count);
    table
}
