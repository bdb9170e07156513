//! `report` tables for people: one per category, values in readable units (`78.8%`, `+14.3`,
//! `4h 12m`), each with its `n`, `—` for no data. With `--ci`, each value with its interval
//! (`75.6% ±4.2`, `[1h 05m, 5h 40m]` for percentiles), low-sample values marked, and a legend.
//! Drawn for a terminal or as Markdown.

use std::io::{self, Write};

use comfy_table::Table;

use crate::metrics::{Column, Report, Row, Variant};
use crate::render::{
    align_right, cell_text, new_table, readable, readable_interval, readable_level, Style, NO_DATA,
};

/// The columns people read: every value column of the report, by its label.
fn shown(report: &Report) -> impl Iterator<Item = &'static Column> + '_ {
    (report.columns.iter())
        .filter(|c| c.variant == Variant::Value && c.column.label.is_some())
        .map(|c| c.column)
}

pub(crate) fn render(
    report: &Report,
    style: Style,
    min_n: u64,
    out: &mut dyn Write,
) -> io::Result<()> {
    let marks = Marks {
        min_n,
        marked: std::cell::Cell::new(false),
    };
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
            metric_table(report, rows[0], style, &marks)
        } else {
            group_table(report, &rows, style, &marks)
        };
        writeln!(out, "{table}")?;
    }
    if let Some(confidence) = &report.confidence {
        writeln!(out)?;
        let gap = match style {
            Style::Terminal => "\n",
            Style::Markdown => "\n\n",
        };
        write!(
            out,
            "± the half-width of the {} confidence interval; [lo, hi] for percentiles.",
            readable_level(confidence)
        )?;
        if marks.marked.get() {
            write!(
                out,
                "{gap}† fewer than {min_n} observations (--min-n): a low sample, \
                 read its interval rather than its value."
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Which values are low-sample, and whether any table marked one (for the legend).
struct Marks {
    min_n: u64,
    marked: std::cell::Cell<bool>,
}

impl Marks {
    /// The low-sample mark (with its leading space) for a value from `n` observations, when
    /// the report has intervals; `""` otherwise.
    fn of(&self, report: &Report, n: u64) -> &'static str {
        if report.confidence.is_some() && n < self.min_n {
            self.marked.set(true);
            " †"
        } else {
            ""
        }
    }
}

/// The value of `column` in `row` for people, with its interval when the report has them;
/// `—` for no data.
fn value_text(row: &Row, column: &Column) -> String {
    let text = readable(column, row.cell(column.name));
    match row.interval(column.name) {
        Some(interval) => format!("{text} {}", readable_interval(column, interval)),
        None => text,
    }
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
fn metric_table(report: &Report, row: &Row, style: Style, marks: &Marks) -> Table {
    let mut table = new_table(style);
    table.set_header(["Metric", "Value", "n"]);
    for column in shown(report) {
        table.add_row([
            column.label.unwrap_or(column.name).to_string(),
            match row.cell(column.name).number() {
                Some(_) => {
                    let mark = marks.of(report, row.cell(column.n).count());
                    format!("{}{mark}", value_text(row, column))
                }
                None => NO_DATA.to_string(),
            },
            row.cell(column.n).count().to_string(),
        ]);
    }
    align_right(&mut table, 1..3);
    table
}

/// With `--by`: one line per group, each metric as `value (n)`.
fn group_table(report: &Report, rows: &[&Row], style: Style, marks: &Marks) -> Table {
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
                Some(_) => {
                    let mark = marks.of(report, n);
                    format!("{} ({n}){mark}", value_text(row, column))
                }
                None => NO_DATA.to_string(),
            });
        }
        table.add_row(line);
    }
    let shown_count = shown(report).count();
    align_right(&mut table, keys.len()..keys.len() + 1 + shown_count);
    table
}
