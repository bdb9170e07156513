//! `trend` as CSV in long form: one line per snapshot, metric and group.

use std::io::{self, Write};

use super::Series;
use crate::render::{io_error_of_csv, number_json};

pub(super) fn render(series: &[Series], category: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let keys: Vec<String> = (series.first())
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
                one.metric.name.to_string(),
                number(point.value),
                point.n.to_string(),
                number(point.change),
            ]);
            writer.write_record(&record).map_err(io_error_of_csv)?;
        }
    }
    writer.flush()
}
