//! `trend` output: per metric and group, a table of snapshots with the change against the
//! previous one (and a sparkline on a terminal), or JSON, or CSV in long form.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde_json::json;

use super::Series;
use crate::metrics::{Measure, OUTPUT_COLUMNS};
use crate::report::{group_json, io_error_of_csv, io_error_of_json, readable_value};
use crate::units::format_duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table per metric (and group), one line per snapshot.
    Table,
    /// One JSON object with every series.
    Json,
    /// One line per snapshot, metric and group.
    Csv,
}

pub fn render(
    series: &[Series],
    category: &str,
    format: Format,
    sparklines: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table(series, category, sparklines, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &as_json(series, category))
                .map_err(io_error_of_json)?;
            writeln!(out)
        }
        Format::Csv => csv(series, category, out),
    }
}

fn table(
    series: &[Series],
    category: &str,
    sparklines: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if series.is_empty() {
        return writeln!(out, "no snapshots of {category} in the history");
    }
    for (index, one) in series.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let mut title = format!("{} · {category}", one.metric);
        for (key, value) in &one.group {
            title.push_str(&format!(" · {key}={}", value.as_deref().unwrap_or("—")));
        }
        if sparklines {
            title.push_str("  ");
            title.push_str(&sparkline(
                &one.points.iter().map(|p| p.value).collect::<Vec<_>>(),
            ));
        }
        writeln!(out, "{title}")?;
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(["Snapshot", "Value", "n", "Change"]);
        for point in &one.points {
            table.add_row([
                point.snapshot_at.clone(),
                point
                    .value
                    .map(|v| readable_value(one.metric, v))
                    .unwrap_or_else(|| "—".into()),
                point.n.to_string(),
                point
                    .change
                    .map(|c| readable_change(one.metric, c))
                    .unwrap_or_default(),
            ]);
        }
        for column in 1..4 {
            if let Some(column) = table.column_mut(column) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}

/// A change with its sign, in the metric's unit: `+1.2` points, `-3m 05s`, `+0.05`.
pub fn readable_change(metric: &str, change: f64) -> String {
    let sign = if change < 0.0 { "-" } else { "+" };
    match metric {
        "csat" | "fcr" | "churn" | "nps" => format!("{change:+.1}"),
        "ces" => format!("{change:+.2}"),
        seconds if seconds.ends_with("_s") => format!("{sign}{}", format_duration(change.abs())),
        _ => format!("{sign}{}", change.abs()),
    }
}

/// Values scaled onto `▁▂▃▄▅▆▇█` between their minimum and maximum; a gap is a space.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let present = values.iter().flatten().copied();
    let (low, high) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    values
        .iter()
        .map(|value| match value {
            None => ' ',
            Some(_) if high <= low => BARS[3],
            Some(v) => BARS[(((v - low) / (high - low)) * 7.0).round() as usize],
        })
        .collect()
}

/// A value of `metric` as JSON: counts as integers (`40`, not `40.0`), the rest exact.
fn number_json(metric: &str, value: Option<f64>) -> serde_json::Value {
    let is_count = OUTPUT_COLUMNS
        .iter()
        .any(|(name, measure)| *name == metric && *measure == Measure::Count);
    match value {
        Some(v) if is_count && v.fract() == 0.0 => json!(v as i64),
        Some(v) => json!(v),
        None => serde_json::Value::Null,
    }
}

fn as_json(series: &[Series], category: &str) -> serde_json::Value {
    let series: Vec<serde_json::Value> = series
        .iter()
        .map(|one| {
            json!({
                "metric": one.metric,
                "group": group_json(&one.group),
                "points": one.points.iter().map(|p| json!({
                    "snapshot_at": p.snapshot_at,
                    "value": number_json(one.metric, p.value),
                    "n": p.n,
                    "change": number_json(one.metric, p.change),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "category": category, "series": series })
}

fn csv(series: &[Series], category: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    let keys: Vec<String> = series
        .first()
        .map(|s| s.group.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    let mut header = vec!["snapshot_at".to_string(), "category".to_string()];
    header.extend(keys);
    header.extend(["metric", "value", "n", "change"].map(String::from));
    writer.write_record(&header).map_err(io_error_of_csv)?;
    for one in series {
        let number = |v: Option<f64>| number_json(one.metric, v).to_string().replace("null", "");
        for point in &one.points {
            let mut record = vec![point.snapshot_at.clone(), category.to_string()];
            record.extend(one.group.iter().map(|(_, v)| v.clone().unwrap_or_default()));
            record.extend([
                one.metric.to_string(),
                number(point.value),
                point.n.to_string(),
                number(point.change),
            ]);
            writer.write_record(&record).map_err(io_error_of_csv)?;
        }
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_between_min_and_max() {
        assert_eq!(sparkline(&[Some(0.0), Some(7.0), None, Some(3.5)]), "▁█ ▅");
        assert_eq!(sparkline(&[Some(2.0), Some(2.0)]), "▄▄");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn changes_carry_sign_and_unit() {
        assert_eq!(readable_change("csat", 1.25), "+1.2");
        assert_eq!(readable_change("nps", -4.0), "-4.0");
        assert_eq!(readable_change("frt_p90_s", -185.0), "-3m 05s");
        assert_eq!(readable_change("aht_s", 0.0), "+0s");
        assert_eq!(readable_change("interactions", -12.0), "-12");
    }
}
