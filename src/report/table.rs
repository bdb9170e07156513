//! `report` tables for people, values in readable units (`78.8%`, `+14.3`, `4h 12m`) with
//! their `n` beside them, `—` for no data. Drawn for a terminal or as Markdown.
//!
//! Without `--every` and `--by`: one table, a row per metric and a column per category. With
//! `--every` or `--by`: a table per category, a row per period and group. With `--compare`,
//! each value also shows its change and whether that is better or worse (SPEC §8). With `--ci`,
//! each value with its interval (`75.6% ±4.2`, `[1h 05m, 5h 40m]` for percentiles), values
//! from fewer than `--min-n` observations marked, and a legend.

use std::io::{self, Write};

use comfy_table::{Cell as TableCell, Color, ColumnConstraint, Table};

use crate::metrics::catalogue::Better;
use crate::metrics::{Cell, Column, Report, Row};
use crate::periods::Compare;
use crate::render::{
    align_right, cell_text, new_table, readable, readable_change, readable_interval,
    readable_level, Style, NO_DATA,
};
use crate::timestamps::format_micros;

/// How a table is drawn: its style, whether changes are coloured, and (with intervals) below
/// how many observations a value is marked low-sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    pub(crate) style: Style,
    pub(crate) colour: bool,
    pub(crate) min_n: u64,
}

/// The columns people read: every value column of the report, by its label.
fn shown(report: &Report) -> impl Iterator<Item = &'static Column> + '_ {
    report.values().filter(|c| c.label.is_some())
}

fn label(column: &Column) -> &'static str {
    column.label.unwrap_or(column.name)
}

pub(crate) fn render(report: &Report, look: Look, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", heading(report, look.style))?;
    if report.timeline.compare.is_some() {
        let legend = "Under each value, its change: in points for shares and NPS, better or \
                      worse by the metric's direction; new when there was no value to compare.";
        match look.style {
            Style::Terminal => writeln!(out, "{legend}")?,
            Style::Markdown => writeln!(out, "\n{legend}")?,
        }
    }
    if report.by.is_empty() && report.timeline.every.is_none() {
        writeln!(out)?;
        writeln!(out, "{}", metric_table(report, look))?;
        return interval_legend(report, look, out);
    }
    let mut categories: Vec<&str> = Vec::new();
    for row in &report.rows {
        if !categories.contains(&row.category.as_str()) {
            categories.push(&row.category);
        }
    }
    for category in categories {
        let rows: Vec<&Row> = (report.rows.iter())
            .filter(|r| r.category == category)
            .collect();
        let interactions: u64 = rows.iter().map(|r| r.cell("interactions").count()).sum();
        writeln!(out)?;
        match look.style {
            Style::Terminal => writeln!(out, "{category} · {interactions} interactions")?,
            Style::Markdown => writeln!(out, "### {category} · {interactions} interactions\n")?,
        }
        writeln!(out, "{}", group_table(report, &rows, look))?;
    }
    interval_legend(report, look, out)
}

/// With `--ci`: what `±` and `[lo, hi]` mean, and the low-sample mark when a value has it.
fn interval_legend(report: &Report, look: Look, out: &mut dyn Write) -> io::Result<()> {
    let Some(confidence) = &report.confidence else {
        return Ok(());
    };
    writeln!(out)?;
    let gap = match look.style {
        Style::Terminal => "\n",
        Style::Markdown => "\n\n",
    };
    write!(
        out,
        "± the half-width of the {} confidence interval; [lo, hi] for percentiles.",
        readable_level(confidence)
    )?;
    let low_sample = (report.rows.iter())
        .any(|row| shown(report).any(|column| low_sample(report, row, column, look.min_n)));
    if low_sample {
        write!(
            out,
            "{gap}† fewer than {} observations (--min-n): a low sample, read its interval \
             rather than its value.",
            look.min_n
        )?;
    }
    writeln!(out)
}

/// With `--ci` and `--compare`: whether the value's interval and its interval over the
/// comparison window do not overlap, the change a sign of more than sampling noise. (The
/// cautious test: two intervals can overlap a little while a two-sample test would still
/// find the difference; see the README.)
fn significant(row: &Row, column: &Column) -> bool {
    match (row.interval(column.name), row.prev_interval(column.name)) {
        (Some((lo, hi)), Some((lo_before, hi_before))) => lo > hi_before || hi < lo_before,
        _ => false,
    }
}

/// Whether `row`'s value of `column` has data from fewer than `min_n` observations, in a
/// report with intervals.
fn low_sample(report: &Report, row: &Row, column: &Column, min_n: u64) -> bool {
    report.confidence.is_some()
        && row.cell(column.name).number().is_some()
        && row.cell(column.n).count() < min_n
}

fn heading(report: &Report, style: Style) -> String {
    let window = window_text(report.from, report.to);
    let mut text = format!(
        "cxkpi report · {window} · {} records read, {} skipped as invalid",
        report.records, report.skipped
    );
    let timeline = &report.timeline;
    match (timeline.compare_window, timeline.compare) {
        (Some(window), _) => {
            let compared = window_text(Some(window.from), Some(window.to));
            text.push_str(&format!(" · compared with {compared}"));
        }
        (None, Some(Compare::Previous)) => {
            text.push_str(" · each period compared with the one before");
        }
        (None, Some(Compare::Year)) => {
            text.push_str(" · each period compared with the same period a year earlier");
        }
        (None, None) => {}
    }
    match style {
        Style::Terminal => text,
        Style::Markdown => format!("## {text}"),
    }
}

fn window_text(from: Option<i64>, to: Option<i64>) -> String {
    match (from.map(format_micros), to.map(format_micros)) {
        (None, None) => "all time".to_string(),
        (from, to) => format!(
            "{} to {}",
            from.unwrap_or_else(|| "the start".into()),
            to.unwrap_or_else(|| "the end".into())
        ),
    }
}

/// An empty table in `look`; with colour, coloured even when not writing to a terminal
/// (`--color always`).
fn table_for(look: Look) -> Table {
    let mut table = new_table(look.style);
    if look.colour {
        table.enforce_styling();
    }
    table
}

/// Without `--every` and `--by`: a line per metric, a column per category, each value with
/// its `n`.
fn metric_table(report: &Report, look: Look) -> Table {
    let mut table = table_for(look);
    let mut header = vec!["Metric".to_string()];
    header.extend(report.rows.iter().map(|row| row.category.clone()));
    table.set_header(header);
    let interactions = crate::metrics::catalogue::column("interactions").expect("a column");
    let mut line = vec![TableCell::new("Interactions")];
    line.extend((report.rows.iter()).map(|row| value_cell(report, row, interactions, look)));
    table.add_row(line);
    for column in shown(report) {
        let mut line = vec![TableCell::new(label(column))];
        line.extend((report.rows.iter()).map(|row| value_cell(report, row, column, look)));
        table.add_row(line);
    }
    align_right(&mut table, 1..1 + report.rows.len());
    keep_whole(&mut table, 0..1);
    table
}

/// Keeps the label columns (metric, period, keys) at their content's width, so that on a narrow
/// terminal the value columns wrap instead.
fn keep_whole(table: &mut Table, columns: std::ops::Range<usize>) {
    for index in columns {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
}

/// With `--every` or `--by`: a line per period and group, each metric as `value (n)`.
fn group_table(report: &Report, rows: &[&Row], look: Look) -> Table {
    let mut table = table_for(look);
    let periods = report.timeline.every.is_some();
    let mut header: Vec<String> = Vec::new();
    if periods {
        header.push("Period".into());
    }
    header.extend(report.by.iter().cloned());
    let keys = header.len();
    header.push("Interactions".into());
    header.extend(shown(report).map(|c| label(c).to_string()));
    table.set_header(header);
    let interactions = crate::metrics::catalogue::column("interactions").expect("a column");
    for row in rows {
        let mut line: Vec<TableCell> = Vec::new();
        if periods {
            line.push(TableCell::new(row.period.as_deref().unwrap_or(NO_DATA)));
        }
        line.extend(row.keys.iter().map(|key| match key {
            None => TableCell::new(NO_DATA),
            Some(key) => TableCell::new(cell_text(key, look.style)),
        }));
        line.push(value_cell(report, row, interactions, look));
        line.extend(shown(report).map(|column| value_cell(report, row, column, look)));
        table.add_row(line);
    }
    let shown_count = shown(report).count();
    align_right(&mut table, keys..keys + 1 + shown_count);
    keep_whole(&mut table, 0..keys);
    table
}

/// Whether a change is for the better, by the metric's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Better,
    Worse,
    Same,
    /// No direction (a count), or nothing to compare.
    Neutral,
}

/// A metric's cell: its value with its `n` (a count alone), and with `--compare` its change
/// against the comparison window — on a second line on a terminal, after ` · ` in Markdown.
fn value_cell(report: &Report, row: &Row, column: &'static Column, look: Look) -> TableCell {
    let value = row.cell(column.name);
    let mut text = match value {
        Cell::Count(n) => n.to_string(),
        Cell::Value(Some(_)) => {
            let n = row.cell(column.n).count();
            let shown = match row.interval(column.name) {
                Some(interval) => {
                    format!(
                        "{} {}",
                        readable(column, value),
                        readable_interval(column, interval)
                    )
                }
                None => readable(column, value),
            };
            let mark = if low_sample(report, row, column, look.min_n) {
                " †"
            } else {
                ""
            };
            format!("{shown} ({n}){mark}")
        }
        Cell::Value(None) => NO_DATA.to_string(),
    };
    let mut verdict = Verdict::Neutral;
    if report.timeline.compare.is_some() {
        if let Some((change, judged)) = change_text(column, value, row.prev(column.name)) {
            verdict = judged;
            let separator = match look.style {
                Style::Terminal => "\n",
                Style::Markdown => " · ",
            };
            text.push_str(separator);
            text.push_str(&change);
            if significant(row, column) {
                text.push_str(" *");
            }
        }
    }
    let cell = TableCell::new(text);
    match (look.colour, verdict) {
        (true, Verdict::Better) => cell.fg(Color::Green),
        (true, Verdict::Worse) => cell.fg(Color::Red),
        _ => cell,
    }
}

/// The change of `value` against `previous` in the metric's unit, with a word for better or
/// worse: `+5.2 better`, `-3m 05s better` (lower is better for times), `new` when there was
/// no previous value; `None` when there is no value now.
fn change_text(column: &Column, value: Cell, previous: Option<Cell>) -> Option<(String, Verdict)> {
    let now = value.number()?;
    let Some(before) = previous.and_then(Cell::number) else {
        return Some(("new".to_string(), Verdict::Neutral));
    };
    let change = now - before;
    let verdict = match column.better {
        None => Verdict::Neutral,
        Some(_) if change == 0.0 => Verdict::Same,
        Some(Better::Higher) if change > 0.0 => Verdict::Better,
        Some(Better::Lower) if change < 0.0 => Verdict::Better,
        Some(_) => Verdict::Worse,
    };
    let word = match verdict {
        Verdict::Better => " better",
        Verdict::Worse => " worse",
        Verdict::Same => " same",
        Verdict::Neutral => "",
    };
    Some((
        format!("{}{word}", readable_change(column, change)),
        verdict,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::column;

    fn change(name: &str, now: Option<f64>, before: Option<f64>) -> Option<String> {
        let of = |v: Option<f64>| match name {
            "interactions" => Cell::Count(v.unwrap_or(0.0) as u64),
            _ => Cell::Value(v),
        };
        change_text(column(name).unwrap(), of(now), Some(of(before))).map(|(text, _)| text)
    }

    #[test]
    fn changes_read_in_points_and_durations_with_their_direction() {
        // 80 − 75 = +5 points, higher CSAT is better.
        assert_eq!(
            change("csat", Some(80.0), Some(75.0)).unwrap(),
            "+5.0 better"
        );
        // −20 − 10 = −30 NPS points.
        assert_eq!(
            change("nps", Some(-20.0), Some(10.0)).unwrap(),
            "-30.0 worse"
        );
        // 600 s − 785 s = −185 s: lower FRT is better.
        assert_eq!(
            change("frt_p90_s", Some(600.0), Some(785.0)).unwrap(),
            "-3m 05s better"
        );
        assert_eq!(change("aht_s", Some(60.0), Some(60.0)).unwrap(), "+0s same");
        // A count has no direction.
        assert_eq!(change("interactions", Some(12.0), Some(9.0)).unwrap(), "+3");
        // No previous value: new. No value now: nothing to say.
        assert_eq!(change("csat", Some(80.0), None).unwrap(), "new");
        assert_eq!(change("csat", None, Some(80.0)), None);
    }
}
