//! `trend` as one JSON object: the category and every series with its points.

use std::io::{self, Write};

use serde_json::json;

use super::Series;
use crate::render::{group_json, io_error_of_json, number_json};

pub(super) fn render(series: &[Series], category: &str, out: &mut dyn Write) -> io::Result<()> {
    let series: Vec<serde_json::Value> = (series.iter())
        .map(|one| {
            json!({
                "metric": one.metric.name,
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
    let document = json!({ "category": category, "series": series });
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io_error_of_json)?;
    writeln!(out)
}
