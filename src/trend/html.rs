//! `trend --format html`: a history's series as line charts, the snapshot dates on the x
//! axis, one chart per metric with a series per group (a chart per group and metric when
//! there are more groups than a chart tells apart), then each series as a table.

use std::io::{self, Write};

use super::{Series, TrendRequest};
use crate::metrics::Column;
use crate::render::html::{self, DataTable, Header, LineChart, Page, Section, Series as Line};
use crate::render::{readable_change, readable_value, NO_DATA};
use crate::report::html::{unit_label, value_unit};

/// The most series one chart holds: its six line styles (colour, dash and marker).
const MAX_LINES: usize = 6;

/// How a snapshot stamp is labelled: the date alone when every snapshot is at midnight UTC.
const MIDNIGHT: &str = "T00:00:00Z";

pub(super) fn render(
    series: &[Series],
    request: &TrendRequest,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(html::render(&page(series, request)).as_bytes())
}

fn page(series: &[Series], request: &TrendRequest) -> Page {
    let category = request.category;
    let mut sections = Vec::new();
    let dates_only = (series.iter())
        .flat_map(|s| &s.points)
        .all(|p| p.snapshot_at.ends_with(MIDNIGHT));
    let stamp = |at: &str| match dates_only {
        true => at.trim_end_matches(MIDNIGHT).to_string(),
        false => at.to_string(),
    };
    let mut metrics: Vec<&'static Column> = Vec::new();
    for one in series {
        if !metrics.iter().any(|m| m.name == one.metric.name) {
            metrics.push(one.metric);
        }
    }
    if series.is_empty() {
        sections.push(Section::Heading(format!(
            "No snapshots of {category} in the history"
        )));
    } else {
        sections.push(Section::Heading(format!("{category} over the snapshots")));
    }
    for metric in &metrics {
        let of_metric: Vec<&Series> = (series.iter())
            .filter(|s| s.metric.name == metric.name)
            .collect();
        let mut stamps: Vec<&str> = (of_metric.iter())
            .flat_map(|s| s.points.iter().map(|p| p.snapshot_at.as_str()))
            .collect();
        stamps.sort_unstable();
        stamps.dedup();
        let chunks: Vec<&[&Series]> = match of_metric.len() <= MAX_LINES {
            true => vec![&of_metric[..]],
            false => of_metric.chunks(1).collect(),
        };
        for chunk in chunks {
            let mut title = format!("{} · {category}", label(metric));
            if let [one] = chunk {
                if !one.group.is_empty() {
                    title.push_str(&format!(" · {}", group_label(one, category)));
                }
            }
            sections.push(Section::LineChart(LineChart {
                title,
                unit_label: unit_label(metric).into(),
                unit: value_unit(metric),
                x_title: "snapshot".into(),
                x_labels: stamps.iter().map(|s| stamp(s)).collect(),
                series: (chunk.iter())
                    .map(|one| Line {
                        name: group_label(one, category),
                        values: (stamps.iter())
                            .map(|at| {
                                let point = one.points.iter().find(|p| p.snapshot_at == *at);
                                point.and_then(|p| p.value)
                            })
                            .collect(),
                        band: None,
                    })
                    .collect(),
            }));
        }
    }
    if !series.is_empty() {
        sections.push(Section::Heading("Tables".into()));
    }
    for one in series {
        let mut caption = format!("{} · {category}", label(one.metric));
        if !one.group.is_empty() {
            caption.push_str(&format!(" · {}", group_label(one, category)));
        }
        sections.push(Section::Table(DataTable {
            caption,
            columns: ["Snapshot", "Value", "n", "Change"]
                .map(String::from)
                .to_vec(),
            rows: (one.points.iter())
                .map(|p| {
                    vec![
                        p.snapshot_at.clone(),
                        (p.value)
                            .map(|v| readable_value(one.metric, v))
                            .unwrap_or_else(|| NO_DATA.into()),
                        p.n.to_string(),
                        (p.change)
                            .map(|c| readable_change(one.metric, c))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
        }));
    }
    let mut options = vec![format!("--category {category}")];
    if !request.metrics.is_empty() {
        let names: Vec<&str> = request.metrics.iter().map(|m| m.name).collect();
        options.push(format!("--metric {}", names.join(",")));
    }
    options.extend((request.filters.iter()).map(|(key, value)| format!("--by-key {key}={value}")));
    let snapshots: usize = {
        let mut all: Vec<&str> = (series.iter())
            .flat_map(|s| s.points.iter().map(|p| p.snapshot_at.as_str()))
            .collect();
        all.sort_unstable();
        all.dedup();
        all.len()
    };
    Page {
        title: "cxkpi trend".into(),
        header: Header {
            window: None,
            records_read: None,
            records_skipped: None,
            options,
            facts: vec![
                ("History".into(), request.history.display().to_string()),
                ("Snapshots".into(), snapshots.to_string()),
            ],
        },
        sections,
    }
}

/// A metric's label; the count has none in the catalogue and reads as the tables' header.
fn label(column: &Column) -> &'static str {
    match column.label {
        Some(label) => label,
        None if column.name == "interactions" => "Interactions",
        None => column.name,
    }
}

/// A series' name: its group's `key=value`s, or the category when it has no group.
fn group_label(one: &Series, category: &str) -> String {
    if one.group.is_empty() {
        return category.to_string();
    }
    (one.group.iter())
        .map(|(key, value)| format!("{key}={}", value.as_deref().unwrap_or(NO_DATA)))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::column;
    use crate::trend::Point;

    fn series(metric: &str, channel: &str, stamps: &[&str]) -> Series {
        Series {
            metric: column(metric).unwrap(),
            group: vec![("channel".into(), Some(channel.into()))],
            points: (stamps.iter().enumerate())
                .map(|(i, at)| Point {
                    snapshot_at: at.to_string(),
                    value: Some(i as f64),
                    n: 3,
                    change: None,
                })
                .collect(),
        }
    }

    fn request() -> TrendRequest {
        TrendRequest {
            history: "h.csv".into(),
            metrics: Vec::new(),
            category: "all",
            filters: Vec::new(),
        }
    }

    fn charts(page: &Page) -> Vec<&LineChart> {
        (page.sections.iter())
            .filter_map(|s| match s {
                Section::LineChart(line) => Some(line),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_chart_per_metric_with_a_series_per_group_and_dates_on_the_x_axis() {
        let stamps = ["2026-03-08T00:00:00Z", "2026-03-15T00:00:00Z"];
        let all = [
            series("csat", "chat", &stamps),
            series("csat", "email", &stamps[1..]),
            series("aht_s", "chat", &stamps),
        ];
        let page = page(&all, &request());
        let charts = charts(&page);
        assert_eq!(charts.len(), 2);
        assert_eq!(charts[0].title, "CSAT · all");
        assert_eq!(charts[0].x_labels, ["2026-03-08", "2026-03-15"]);
        let names: Vec<&str> = charts[0].series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["channel=chat", "channel=email"]);
        // email has no first snapshot: a gap, not a zero.
        assert_eq!(charts[0].series[1].values, [None, Some(0.0)]);
    }

    #[test]
    fn more_groups_than_line_styles_get_a_chart_each_and_times_stay() {
        let stamps = ["2026-03-08T06:30:00Z"];
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        let all: Vec<Series> = names.iter().map(|c| series("nps", c, &stamps)).collect();
        let page = page(&all, &request());
        let charts = charts(&page);
        assert_eq!(charts.len(), 7);
        assert_eq!(charts[6].title, "NPS · all · channel=g");
        assert_eq!(charts[0].x_labels, ["2026-03-08T06:30:00Z"]);
    }
}
