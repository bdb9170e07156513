//! `report --format html` (SPEC §4): the [`Report`] mapped onto the page renderer's model.
//!
//! Everything is read from the report model, not from a list of known metrics: the tiles,
//! charts and tables show every value column of `report.columns` (those with a label), each
//! with its `n`. Columns a later option adds are picked up by name:
//!
//! - `C_lo` / `C_hi` beside a value column `C` (`--ci`): the tile shows `±half-width` (or
//!   `[lo, hi]` for percentiles), line charts draw a band, the fallback tables get low/high
//!   columns.
//! - `C_prev` (`--compare`): the tile shows the change, marked better or worse by the
//!   catalogue's direction.
//! - Periods (`--every`, each row's `period`): a line chart per KPI over the periods, support
//!   and service as the series, a null value (an empty period) drawn as a gap. With `--by`
//!   keys beside the periods the page shows the tables only (a chart needs one value per
//!   period and series).
//!
//! With `--by` keys (and no period) each KPI gets a bar chart over the groups of the `all`
//! category, sorted best first (ascending where lower is better), the top 20 drawn and the
//! rest counted. The category tiles need rows without keys: with `--by` the caller passes
//! them as `totals` (the same prepared input reported with no keys).
//!
//! The page renderer escapes every text; this module formats values with the shared
//! `render::readable*` helpers so a tile reads like the terminal table.

use std::io::{self, Write};

use std::path::PathBuf;

use crate::metrics::catalogue::{Better, Interval};
use crate::metrics::{Cell, Column, Report, Row, Unit, Variant};
use crate::render::html::{
    self, Bar, BarChart, BarOrder, Change, DataTable, Header, LineChart, Page, Section, Series,
    Tile, TileGroup, ValueUnit, Window,
};
use crate::render::{readable, readable_change, NO_DATA};
use crate::timestamps::format_micros;

/// The categories drawn as line-chart series.
const SERIES_CATEGORIES: [&str; 2] = ["support", "service"];

/// The category whose groups the bar charts rank.
const BAR_CATEGORY: &str = "all";

/// How many bars a chart draws before counting the rest.
const BAR_LIMIT: usize = 20;

/// What the page's header says about the run: the input files and the options given.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Used {
    pub(crate) files: Vec<String>,
    pub(crate) options: Vec<String>,
}

impl Used {
    /// The input files, and the options of `arguments` (the command line after the
    /// subcommand, as typed: `--tz Europe/Paris`, `--by=agent`) other than the files and
    /// `--format`.
    pub(crate) fn of(files: &[PathBuf], arguments: impl IntoIterator<Item = String>) -> Used {
        let is_file = |arg: &str| files.iter().any(|f| f.as_os_str() == arg);
        let shown_files = if files.is_empty() {
            vec!["standard input".to_string()]
        } else {
            (files.iter())
                .map(|f| match f.to_str() {
                    Some("-") => "standard input".to_string(),
                    _ => f.display().to_string(),
                })
                .collect()
        };
        let mut options: Vec<String> = Vec::new();
        for arg in arguments {
            match options.last_mut() {
                // A value follows its option (`--tz Europe/Paris`), unless it is an input.
                Some(last)
                    if !arg.starts_with("--") && !last.contains([' ', '=']) && !is_file(&arg) =>
                {
                    last.push(' ');
                    last.push_str(&arg);
                }
                _ if arg.starts_with("--") => options.push(arg),
                _ => {}
            }
        }
        // The page itself says the format.
        options.retain(|option| !option.starts_with("--format"));
        Used {
            files: shown_files,
            options,
        }
    }
}

pub(crate) fn render(
    report: &Report,
    totals: Option<&Report>,
    used: &Used,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(html::render(&page(report, totals, used)).as_bytes())
}

/// The page for `report`; `totals` are its category rows without keys when it has keys.
pub(crate) fn page(report: &Report, totals: Option<&Report>, used: &Used) -> Page {
    let mut sections = Vec::new();
    let tile_rows = match totals {
        Some(totals) if totals.by.is_empty() => Some(totals),
        _ if report.by.is_empty() && report.timeline.every.is_none() => Some(report),
        _ => None,
    };
    if let Some(tile_report) = tile_rows {
        sections.push(Section::Heading("KPIs by category".into()));
        for row in &tile_report.rows {
            sections.push(Section::Tiles(tiles(tile_report, row)));
        }
    }
    let has_period = report.timeline.every.is_some();
    let group_keys = &report.by[..];
    if has_period && group_keys.is_empty() {
        sections.push(Section::Heading("Over the periods".into()));
        sections.extend(period_charts(report).into_iter().map(Section::LineChart));
    } else if !has_period && !group_keys.is_empty() {
        sections.push(Section::Heading(format!(
            "By {} ({BAR_CATEGORY})",
            group_keys.join(", ")
        )));
        sections.extend(group_charts(report).into_iter().map(Section::BarChart));
    }
    sections.push(Section::Heading("Tables".into()));
    for category in categories(report) {
        sections.push(Section::Table(category_table(report, category)));
    }
    let mut facts = vec![("Files".to_string(), used.files.join(", "))];
    if report.rows.is_empty() {
        facts.push(("Rows".into(), "none: no record in the window".into()));
    }
    Page {
        title: "cxkpi report".into(),
        header: Header {
            window: Some(Window {
                from: report.from.map(format_micros),
                to: report.to.map(format_micros),
            }),
            records_read: Some(report.records),
            records_skipped: Some(report.skipped),
            options: used.options.clone(),
            facts,
        },
        sections,
    }
}

/// The value columns people read (the labelled ones), in output order.
fn shown(report: &Report) -> impl Iterator<Item = &'static Column> + '_ {
    (report.columns.iter())
        .filter(|c| c.variant == Variant::Value && c.column.label.is_some())
        .map(|c| c.column)
}

fn label(column: &Column) -> &'static str {
    column.label.unwrap_or(column.name)
}

/// The categories of the rows, in their order.
fn categories(report: &Report) -> Vec<&str> {
    let mut categories: Vec<&str> = Vec::new();
    for row in &report.rows {
        if !categories.contains(&row.category.as_str()) {
            categories.push(&row.category);
        }
    }
    categories
}

pub(crate) fn value_unit(column: &Column) -> ValueUnit {
    match column.unit {
        Unit::Percent => ValueUnit::Percent,
        Unit::Seconds => ValueUnit::Seconds,
        Unit::Points | Unit::Score | Unit::Count => ValueUnit::Number,
    }
}

/// The axis title of a column's unit.
pub(crate) fn unit_label(column: &Column) -> &'static str {
    match column.unit {
        Unit::Percent => "percent",
        Unit::Points => "points (−100 to 100)",
        Unit::Score => "mean score",
        Unit::Seconds => "duration",
        Unit::Count => "count",
    }
}

/// A value of `row` in column `name` (absent column or no data: `None`).
fn number(row: &Row, name: &str) -> Option<f64> {
    row.get(name).and_then(Cell::number)
}

/// The interval of `column` in `row`, when the report has its `_lo`/`_hi` columns.
fn interval(row: &Row, column: &Column) -> Option<(f64, f64)> {
    row.interval(column.name)
}

/// Whether the report has `column`'s interval columns at all.
fn has_interval(report: &Report, column: &Column) -> bool {
    (report.columns.iter()).any(|c| c.column.name == column.name && c.variant == Variant::Lo)
}

/// An interval as the tables show it (SPEC §9): `[lo, hi]` for percentiles, else `±half`.
fn interval_text(column: &Column, (lo, hi): (f64, f64)) -> String {
    if matches!(column.interval, Some(Interval::Quantile(_))) {
        format!(
            "[{}, {}]",
            readable(column, Cell::Value(Some(lo))),
            readable(column, Cell::Value(Some(hi)))
        )
    } else {
        let half = readable_change(column, (hi - lo) / 2.0);
        format!("±{}", half.trim_start_matches('+'))
    }
}

/// The change against `C_prev`, when the report has it and both values exist.
fn change(row: &Row, column: &Column) -> Option<Change> {
    let value = number(row, column.name)?;
    let previous = row.prev(column.name)?.number()?;
    let change = value - previous;
    let better = match column.better {
        _ if change == 0.0 => None,
        Some(Better::Higher) => Some(change > 0.0),
        Some(Better::Lower) => Some(change < 0.0),
        None => None,
    };
    let arrow = match change {
        c if c > 0.0 => "▲ ",
        c if c < 0.0 => "▼ ",
        _ => "",
    };
    Some(Change {
        text: format!(
            "{arrow}{} vs {}",
            readable_change(column, change),
            readable(column, Cell::Value(Some(previous)))
        ),
        better,
    })
}

/// One category row's tiles: every shown value with its `n`.
fn tiles(report: &Report, row: &Row) -> TileGroup {
    let interactions = row.get("interactions").map_or(0, Cell::count);
    TileGroup {
        category: format!("{} · {interactions} interactions", row.category),
        tiles: shown(report)
            .map(|column| {
                let cell = row.cell(column.name);
                Tile {
                    label: label(column).to_string(),
                    value_text: readable(column, cell),
                    raw: cell.number(),
                    n: row.get(column.n).map_or(0, Cell::count),
                    change: change(row, column),
                    interval_text: interval(row, column).map(|i| interval_text(column, i)),
                }
            })
            .collect(),
    }
}

/// With periods and no other key: per KPI, support and service over the periods.
fn period_charts(report: &Report) -> Vec<LineChart> {
    let mut periods: Vec<&str> = (report.rows.iter())
        .filter_map(|row| row.period.as_deref())
        .collect();
    periods.sort_unstable();
    periods.dedup();
    let present = categories(report);
    let mut drawn: Vec<&str> = SERIES_CATEGORIES
        .into_iter()
        .filter(|c| present.contains(c))
        .collect();
    if drawn.is_empty() {
        drawn = present;
    }
    shown(report)
        .map(|column| {
            let banded = has_interval(report, column);
            let series = drawn
                .iter()
                .map(|category| {
                    let row_of = |period: &str| {
                        (report.rows.iter()).find(|row| {
                            row.category == *category && row.period.as_deref() == Some(period)
                        })
                    };
                    let values = (periods.iter())
                        .map(|p| row_of(p).and_then(|row| number(row, column.name)))
                        .collect();
                    let band = banded.then(|| {
                        (periods.iter())
                            .map(|p| row_of(p).and_then(|row| interval(row, column)))
                            .collect()
                    });
                    Series {
                        name: category.to_string(),
                        values,
                        band,
                    }
                })
                .collect();
            LineChart {
                title: format!("{} by period", label(column)),
                unit_label: unit_label(column).into(),
                unit: value_unit(column),
                x_title: "period starting".into(),
                x_labels: periods.iter().map(|p| p.to_string()).collect(),
                series,
            }
        })
        .collect()
}

/// A group's key values as one label: `email`, `email · ann`; a missing value is `—`.
fn group_label(row: &Row) -> String {
    (row.keys.iter())
        .map(|key| key.as_deref().unwrap_or(NO_DATA))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// With `--by`: per KPI, the groups of the `all` category as sorted bars.
fn group_charts(report: &Report) -> Vec<BarChart> {
    let rows: Vec<&Row> = (report.rows.iter())
        .filter(|row| row.category == BAR_CATEGORY)
        .collect();
    shown(report)
        .map(|column| BarChart {
            title: format!("{} by {}", label(column), report.by.join(", ")),
            unit_label: unit_label(column).into(),
            unit: value_unit(column),
            bars: (rows.iter())
                .map(|row| Bar {
                    label: group_label(row),
                    value: number(row, column.name),
                    n: row.get(column.n).map_or(0, Cell::count),
                })
                .collect(),
            order: match column.better {
                Some(Better::Lower) => BarOrder::Ascending,
                _ => BarOrder::Descending,
            },
            limit: BAR_LIMIT,
        })
        .collect()
}

/// A category's rows as the terminal table shows them: without keys one line per metric,
/// with keys one line per group, each value as `value (n)`.
fn category_table(report: &Report, category: &str) -> DataTable {
    let rows: Vec<&Row> = (report.rows.iter())
        .filter(|row| row.category == category)
        .collect();
    let interactions: u64 = rows
        .iter()
        .map(|row| row.get("interactions").map_or(0, Cell::count))
        .sum();
    let caption = format!("{category} · {interactions} interactions");
    let with_interval = |row: &Row, column: &Column| {
        let value = readable(column, row.cell(column.name));
        match interval(row, column) {
            Some(i) => format!("{value} {}", interval_text(column, i)),
            None => value,
        }
    };
    if report.by.is_empty() {
        let row = rows[0];
        return DataTable {
            caption,
            columns: vec!["Metric".into(), "Value".into(), "n".into()],
            rows: shown(report)
                .map(|column| {
                    vec![
                        label(column).to_string(),
                        with_interval(row, column),
                        row.get(column.n).map_or(0, Cell::count).to_string(),
                    ]
                })
                .collect(),
        };
    }
    let mut columns: Vec<String> = report.by.clone();
    columns.push("Interactions".into());
    columns.extend(shown(report).map(|c| label(c).to_string()));
    DataTable {
        caption,
        columns,
        rows: (rows.iter())
            .map(|row| {
                let mut line: Vec<String> = (row.keys.iter())
                    .map(|key| key.clone().unwrap_or_else(|| NO_DATA.into()))
                    .collect();
                line.push(row.get("interactions").map_or(0, Cell::count).to_string());
                line.extend(
                    shown(report).map(|column| match row.cell(column.name).number() {
                        Some(_) => format!(
                            "{} ({})",
                            with_interval(row, column),
                            row.get(column.n).map_or(0, Cell::count)
                        ),
                        None => NO_DATA.into(),
                    }),
                );
                line
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::{column, COLUMNS};
    use crate::metrics::{OutputColumn, Timeline, PERIOD};
    use scraper::{Html, Selector};

    /// A row by hand: its category, its key values and its cells' numbers in catalogue order
    /// (missing ones null or 0).
    type RowOf = (&'static str, Vec<Option<&'static str>>, Vec<Option<f64>>);

    /// A `by` of `[PERIOD]` makes a weekly report whose rows' first key is their period.
    fn report_of(by: &[&str], rows: Vec<RowOf>) -> Report {
        let columns: Vec<OutputColumn> = COLUMNS.iter().map(|c| OutputColumn::value(c)).collect();
        let weekly = by.first() == Some(&PERIOD);
        let by = if weekly { &by[1..] } else { by };
        Report {
            confidence: None,
            timeline: Timeline {
                every: weekly.then_some(crate::periods::Every::Week),
                ..Timeline::default()
            },
            from: None,
            to: None,
            records: 10,
            skipped: 0,
            by: by.iter().map(|k| k.to_string()).collect(),
            columns: columns.clone(),
            rows: rows
                .into_iter()
                .map(|(category, mut keys, values)| Row {
                    category: category.into(),
                    period: match weekly {
                        true => keys.remove(0).map(String::from),
                        false => None,
                    },
                    prev_intervals: Vec::new(),
                    keys: keys.into_iter().map(|k| k.map(String::from)).collect(),
                    cells: (columns.iter())
                        .zip(values.iter().chain(std::iter::repeat(&None)))
                        .map(|(c, v)| {
                            let cell = if c.is_value() {
                                Cell::Value(*v)
                            } else {
                                Cell::Count(v.unwrap_or(0.0) as u64)
                            };
                            (*c, cell)
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn sel(css: &str) -> Selector {
        Selector::parse(css).unwrap()
    }

    fn texts(doc: &Html, css: &str) -> Vec<String> {
        (doc.select(&sel(css)))
            .map(|e| e.text().collect::<String>())
            .collect()
    }

    /// The `variant` column of catalogue column `name`.
    fn output(name: &str, variant: Variant) -> OutputColumn {
        OutputColumn {
            column: column(name).unwrap(),
            variant,
        }
    }

    // interactions, csat, csat_n: the first three catalogue columns.
    #[test]
    fn a_period_key_gives_a_line_chart_per_kpi_with_gaps_and_bands() {
        let v = |i: f64, csat: Option<f64>| vec![Some(i), csat, Some(csat.map_or(0.0, |_| 4.0))];
        let mut report = report_of(
            &[PERIOD],
            vec![
                ("support", vec![Some("2026-01-05")], v(4.0, Some(75.0))),
                ("support", vec![Some("2026-01-12")], v(0.0, None)),
                ("support", vec![Some("2026-01-19")], v(4.0, Some(50.0))),
                ("service", vec![Some("2026-01-05")], v(4.0, Some(100.0))),
                ("service", vec![Some("2026-01-12")], v(0.0, None)),
                ("service", vec![Some("2026-01-19")], v(4.0, Some(25.0))),
            ],
        );
        // `--ci`: csat_lo and csat_hi after csat (values 60/90 on every row with data).
        let (lo, hi) = (output("csat", Variant::Lo), output("csat", Variant::Hi));
        report.columns.insert(2, lo);
        report.columns.insert(3, hi);
        for row in &mut report.rows {
            let has = row.cell("csat").number().is_some();
            let (l, h) = if has {
                (Some(60.0), Some(90.0))
            } else {
                (None, None)
            };
            row.cells.insert(2, (lo, Cell::Value(l)));
            row.cells.insert(3, (hi, Cell::Value(h)));
        }
        let page = page(&report, None, &Used::default());
        let lines: Vec<&LineChart> = (page.sections.iter())
            .filter_map(|s| match s {
                Section::LineChart(line) => Some(line),
                _ => None,
            })
            .collect();
        assert_eq!(lines.len(), shown(&report).count());
        let csat = lines[0];
        assert_eq!(csat.title, "CSAT by period");
        assert_eq!(
            csat.x_labels,
            vec!["2026-01-05", "2026-01-12", "2026-01-19"]
        );
        let names: Vec<&str> = csat.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["support", "service"]);
        assert_eq!(csat.series[0].values, vec![Some(75.0), None, Some(50.0)]);
        assert_eq!(
            csat.series[1].band,
            Some(vec![Some((60.0, 90.0)), None, Some((60.0, 90.0))])
        );
        // NPS has no interval columns: no band.
        assert_eq!(lines[1].series[0].band, None);
        // The empty middle period breaks the drawn line into two runs of one point each,
        // so no line is drawn across it.
        let doc = Html::parse_document(&html::render(&page));
        let csat_svg = doc.select(&sel("svg")).next().unwrap();
        assert_eq!(csat_svg.select(&sel("path.series-line")).count(), 0);
        assert_eq!(csat_svg.select(&sel("rect.empty-period")).count(), 1);
        assert_eq!(csat_svg.select(&sel("path.band")).count(), 4);
        // Without totals a report over periods has no tiles; the tables are there.
        assert_eq!(doc.select(&sel(".tile")).count(), 0);
        assert_eq!(texts(&doc, "h2").last().unwrap(), "Tables");
    }

    #[test]
    fn the_header_lists_the_options_as_typed_without_the_files_and_the_format() {
        let typed = [
            "--tz",
            "Europe/Paris",
            "--by=agent",
            "log.csv",
            "--format",
            "html",
            "--ci",
        ];
        let used = Used::of(
            &[std::path::PathBuf::from("log.csv")],
            typed.map(String::from),
        );
        assert_eq!(used.files, ["log.csv"]);
        assert_eq!(used.options, ["--tz Europe/Paris", "--by=agent", "--ci"]);
    }

    #[test]
    fn tiles_show_interval_and_change_when_the_columns_exist() {
        let mut report = report_of(
            &[],
            vec![("all", vec![], vec![Some(10.0), Some(80.0), Some(10.0)])],
        );
        let (lo, hi, prev) = (
            output("csat", Variant::Lo),
            output("csat", Variant::Hi),
            output("csat", Variant::Prev),
        );
        report.columns.extend([lo, hi, prev]);
        report.rows[0].cells.extend([
            (lo, Cell::Value(Some(70.0))),
            (hi, Cell::Value(Some(86.0))),
            (prev, Cell::Value(Some(82.5))),
        ]);
        let page = page(&report, None, &Used::default());
        let Section::Tiles(group) = &page.sections[1] else {
            panic!("tiles after the heading: {:?}", page.sections[1]);
        };
        assert_eq!(group.category, "all · 10 interactions");
        let csat = &group.tiles[0];
        assert_eq!(csat.value_text, "80.0%");
        assert_eq!(csat.n, 10);
        // By hand: (86 − 70) / 2 = 8; 80 − 82.5 = −2.5, CSAT higher is better: worse.
        assert_eq!(csat.interval_text.as_deref(), Some("±8.0"));
        let change = csat.change.as_ref().unwrap();
        assert_eq!(change.text, "▼ -2.5 vs 82.5%");
        assert_eq!(change.better, Some(false));
        // NPS has neither: plain tile.
        assert_eq!(group.tiles[1].interval_text, None);
        assert_eq!(group.tiles[1].change, None);
    }

    #[test]
    fn bars_rank_the_all_groups_lower_is_better_ascending() {
        // aht_s is column 9; give three agents different handle times.
        let row = |agent: &'static str, aht: f64| {
            let mut values = vec![Some(1.0); 17];
            values[9] = Some(aht);
            ("all", vec![Some(agent)], values)
        };
        let report = report_of(
            &["agent"],
            vec![row("ann", 300.0), row("bob", 100.0), row("cy", 200.0)],
        );
        let charts = group_charts(&report);
        let aht = charts.iter().find(|c| c.title == "AHT by agent").unwrap();
        assert_eq!(aht.order, BarOrder::Ascending);
        assert_eq!(aht.limit, 20);
        let csat = charts.iter().find(|c| c.title == "CSAT by agent").unwrap();
        assert_eq!(csat.order, BarOrder::Descending);
        let doc = Html::parse_document(&html::render(&page(&report, None, &Used::default())));
        let figure = (doc.select(&sel("figure")))
            .find(|f| f.text().collect::<String>().starts_with("AHT by agent"))
            .unwrap();
        let groups: Vec<String> = (figure.select(&sel("table.chart-data tbody th")))
            .map(|e| e.text().collect())
            .collect();
        assert_eq!(groups, vec!["bob", "cy", "ann"]);
    }
}
