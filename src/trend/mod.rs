//! `trend`: each metric of a snapshot history over time, with the change against the previous
//! snapshot of the same group.

mod csv;
mod html;
mod json;
#[cfg(test)]
mod render_tests;
mod table;

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{anyhow, Result};
use polars::prelude::*;

use crate::canonical::CATEGORY;
use crate::history::COLUMNS as PREFIX;
use crate::ingest;
use crate::metrics::catalogue::{self, Column};
use crate::user_error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A table per metric (and group), one line per snapshot.
    Table,
    /// One JSON object with every series.
    Json,
    /// One line per snapshot, metric and group.
    Csv,
    /// One self-contained HTML page: a line chart per metric over the snapshots.
    Html,
}

pub(crate) fn render(
    series: &[Series],
    request: &TrendRequest,
    format: Format,
    sparklines: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let category = request.category;
    match format {
        Format::Html => html::render(series, request, out),
        Format::Table => table::render(series, category, sparklines, out),
        Format::Json => json::render(series, category, out),
        Format::Csv => csv::render(series, category, out),
    }
}

/// The metrics shown when none is asked for: the interaction count and every KPI value the
/// history holds (a history written before a KPI was added lacks its columns).
fn default_metrics(history_columns: &[String]) -> Vec<&'static Column> {
    (catalogue::COLUMNS.iter().copied())
        .filter(|c| c.name == "interactions" || c.label.is_some())
        .filter(|c| history_columns.iter().any(|h| h == c.name))
        .collect()
}

#[derive(Debug, Clone)]
pub(crate) struct TrendRequest {
    pub(crate) history: PathBuf,
    /// Empty: the default metrics.
    pub(crate) metrics: Vec<&'static Column>,
    pub(crate) category: &'static str,
    /// `KEY=VALUE` filters on the history's group keys.
    pub(crate) filters: Vec<(String, String)>,
}

/// One metric of one group over the snapshots, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub(crate) metric: &'static Column,
    pub(crate) group: Vec<(String, Option<String>)>,
    pub(crate) points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub(crate) snapshot_at: String,
    pub(crate) value: Option<f64>,
    pub(crate) n: u64,
    /// `value` minus the previous snapshot's (null for the first, or when either is null).
    pub(crate) change: Option<f64>,
}

/// Reads the history and builds every series of the category, for every group the filters
/// leave.
pub(crate) fn load(request: &TrendRequest) -> Result<Vec<Series>> {
    if !request.history.is_file() {
        return Err(user_error!(
            "{}: no such history file",
            request.history.display()
        ));
    }
    let (frame, columns) = ingest::read_table(&request.history)?;
    let name = request.history.display();
    let position = |column: &str| columns.iter().position(|c| c == column);
    let (Some(category_at), Some(first_metric_at)) =
        (position(CATEGORY), position(catalogue::COLUMNS[0].name))
    else {
        return Err(user_error!(
            "{name}: not a cxkpi history (it needs {}, {CATEGORY} and the metric columns; found {})",
            PREFIX[0],
            columns.join(", ")
        ));
    };
    if position(PREFIX[0]).is_none() {
        return Err(user_error!(
            "{name}: not a cxkpi history (no {} column)",
            PREFIX[0]
        ));
    }
    let keys: Vec<String> = columns[category_at + 1..first_metric_at.max(category_at + 1)].to_vec();
    let mut selected = col(CATEGORY).eq(lit(request.category));
    for (key, value) in &request.filters {
        if !keys.contains(key) {
            return Err(user_error!(
                "--by-key {key}: the history's group keys are {}",
                if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                }
            ));
        }
        selected = selected.and(col(key.as_str()).eq(lit(value.as_str())));
    }
    let metrics = if request.metrics.is_empty() {
        default_metrics(&columns)
    } else {
        request.metrics.clone()
    };
    for metric in &metrics {
        for column in [metric.name, metric.n] {
            if position(column).is_none() {
                return Err(user_error!("{name}: the history has no {column} column"));
            }
        }
    }
    // Read the history once; every metric's series comes from these rows.
    let rows = frame
        .filter(selected)
        .collect()
        .map_err(|e| user_error!("{name}: {e}"))?
        .lazy();
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
    let mut order = key_exprs.clone();
    order.push(col(PREFIX[0]));
    let mut series = Vec::new();
    for metric in metrics {
        let value = col(metric.name).cast(DataType::Float64);
        let mut select = key_exprs.clone();
        select.extend([
            col(PREFIX[0]),
            value.clone().alias("value"),
            col(metric.n).cast(DataType::Float64).alias("n"),
        ]);
        let points = rows
            .clone()
            .select(select)
            .sort_by_exprs(
                order.clone(),
                SortMultipleOptions::default()
                    .with_nulls_last(true)
                    .with_maintain_order(true),
            )
            .with_column((col("value") - previous_of("value", &key_exprs)?).alias("change"))
            .collect()
            .map_err(|e| user_error!("{name}: {e}"))?;
        series.extend(series_of(metric, &keys, &points)?);
    }
    Ok(series)
}

/// The previous row's `column` within the same group (rows sorted by group, then time).
fn previous_of(column: &str, keys: &[Expr]) -> Result<Expr> {
    let previous = col(column).shift(lit(1));
    if keys.is_empty() {
        Ok(previous)
    } else {
        previous.over(keys).map_err(|e| anyhow!("{e}"))
    }
}

/// Splits one metric's sorted points into a series per group.
fn series_of(metric: &'static Column, keys: &[String], points: &DataFrame) -> Result<Vec<Series>> {
    let key_columns = keys
        .iter()
        .map(|k| points.column(k).and_then(|c| c.str().cloned()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let stamps = points.column(PREFIX[0])?.str()?;
    let values = points.column("value")?.f64()?;
    let counts = points.column("n")?.f64()?;
    let changes = points.column("change")?.f64()?;
    let mut series: Vec<Series> = Vec::new();
    for i in 0..points.height() {
        let group: Vec<(String, Option<String>)> = keys
            .iter()
            .zip(&key_columns)
            .map(|(key, column)| (key.clone(), column.get(i).map(str::to_string)))
            .collect();
        let point = Point {
            snapshot_at: stamps.get(i).unwrap_or_default().to_string(),
            value: values.get(i),
            n: counts.get(i).unwrap_or(0.0).max(0.0) as u64,
            change: changes.get(i),
        };
        match series.last_mut() {
            Some(last) if last.group == group => last.points.push(point),
            _ => series.push(Series {
                metric,
                group,
                points: vec![point],
            }),
        }
    }
    Ok(series)
}
