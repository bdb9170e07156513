//! `check` as one JSON object: every verdict (with the interval it was judged on, or `null`
//! when judged on the value), then the counts by status.

use std::io::{self, Write};

use serde_json::json;

use super::{count, Limit, Status, Verdict};
use crate::render::{group_json, io_error_of_json};

pub(super) fn render(verdicts: &[Verdict], out: &mut dyn Write) -> io::Result<()> {
    let results: Vec<serde_json::Value> = (verdicts.iter())
        .map(|v| {
            let (bound, value) = match v.rule.limit {
                Limit::Min(x) => ("min", x),
                Limit::Max(x) => ("max", x),
            };
            json!({
                "rule": v.rule.name,
                "category": v.rule.category,
                "metric": v.rule.metric.name,
                "group": group_json(&v.group),
                "actual": v.actual,
                "threshold": { bound: value },
                "n": v.n,
                "min_n": v.rule.min_n,
                "status": v.status.as_str(),
                "interval": v.interval.map(|judged| {
                    let (lo, hi) = judged.bounds.unzip();
                    json!({
                        "confidence": judged.confidence.level(),
                        "lo": lo,
                        "hi": hi,
                    })
                }),
            })
        })
        .collect();
    let document = json!({
        "results": results,
        "summary": {
            "pass": count(verdicts, Status::Pass),
            "breach": count(verdicts, Status::Breach),
            "uncertain": count(verdicts, Status::Uncertain),
            "no_data": count(verdicts, Status::NoData),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io_error_of_json)?;
    writeln!(out)
}
