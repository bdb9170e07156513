//! `check` as one JSON object: every verdict (with the interval it was judged on, or `null`
//! when judged on the value), then the counts by status.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{count, Status, Verdict};
use crate::render::{group_json, io_error_of_json};

pub(super) fn render(verdicts: &[Verdict], out: &mut dyn Write) -> io::Result<()> {
    let results: Vec<Value> = (verdicts.iter())
        .map(|v| {
            let (bound, value) = (v.rule.limit.key(), v.rule.limit.value());
            let mut result = Map::new();
            result.insert("rule".into(), v.rule.name.clone().into());
            result.insert("category".into(), v.rule.category.clone().into());
            result.insert("metric".into(), v.rule.metric.name.into());
            result.insert("group".into(), group_json(&v.group));
            result.insert("actual".into(), v.actual.into());
            if v.rule.limit.is_change() {
                // A change rule: the value it is compared with (`C_prev`), and the change.
                let change = v.actual.zip(v.previous).map(|(now, before)| now - before);
                result.insert("previous".into(), v.previous.into());
                result.insert("change".into(), change.into());
            }
            result.insert("threshold".into(), json!({ bound: value }));
            result.insert("n".into(), v.n.into());
            result.insert("min_n".into(), v.rule.min_n.into());
            result.insert("status".into(), v.status.as_str().into());
            let interval = v.interval.map(|judged| {
                let (lo, hi) = judged.bounds.unzip();
                json!({
                    "confidence": judged.confidence.level(),
                    "lo": lo,
                    "hi": hi,
                })
            });
            result.insert("interval".into(), interval.into());
            Value::Object(result)
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
