//! The `trend` renderers run in-process on hand-made series (no history file): every
//! expectation below was read against the series it renders, as each test's comment says.

use super::{csv, json, table, Point, Series};
use crate::metrics::catalogue;

fn point(snapshot_at: &str, value: Option<f64>, n: u64, change: Option<f64>) -> Point {
    Point {
        snapshot_at: snapshot_at.to_string(),
        value,
        n,
        change,
    }
}

/// Support's CSAT by agent over three snapshots: 80 % (n 10), then no answers, then 75 %
/// (n 12; no change, as the snapshot before it has no value); and its FRT p90, 4h 12m
/// (15,120 s) then 3h 30m (12,600 s), a change of −42 m (−2,520 s).
fn series() -> Vec<Series> {
    let metric = |name| catalogue::column(name).expect("a catalogue column");
    let group = vec![("agent".to_string(), Some("a|1".to_string()))];
    vec![
        Series {
            metric: metric("csat"),
            group: group.clone(),
            points: vec![
                point("2026-03-01T00:00:00Z", Some(80.0), 10, None),
                point("2026-03-08T00:00:00Z", None, 0, None),
                point("2026-03-15T00:00:00Z", Some(75.0), 12, None),
            ],
        },
        Series {
            metric: metric("frt_p90_s"),
            group,
            points: vec![
                point("2026-03-01T00:00:00Z", Some(15_120.0), 40, None),
                point("2026-03-08T00:00:00Z", Some(12_600.0), 38, Some(-2_520.0)),
            ],
        },
    ]
}

fn rendered(write: impl Fn(&[Series], &mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&series(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// Read against `series`: CSAT's line is █ (80, the highest), a gap, ▁ (75, the lowest);
// FRT's █▁; 15,120 s is 4h 12m, 12,600 s 3h 30m, the change -42m 00s; no value is `—`.
#[test]
fn table_with_sparklines() {
    let text = rendered(|s, out| table::render(s, "support", true, out));
    insta::assert_snapshot!(text, @r"
        csat · support · agent=a|1  █ ▁
        ┌──────────────────────┬───────┬────┬────────┐
        │ Snapshot             ┆ Value ┆  n ┆ Change │
        ╞══════════════════════╪═══════╪════╪════════╡
        │ 2026-03-01T00:00:00Z ┆ 80.0% ┆ 10 ┆        │
        │ 2026-03-08T00:00:00Z ┆     — ┆  0 ┆        │
        │ 2026-03-15T00:00:00Z ┆ 75.0% ┆ 12 ┆        │
        └──────────────────────┴───────┴────┴────────┘

        frt_p90_s · support · agent=a|1  █▁
        ┌──────────────────────┬────────┬────┬──────────┐
        │ Snapshot             ┆  Value ┆  n ┆   Change │
        ╞══════════════════════╪════════╪════╪══════════╡
        │ 2026-03-01T00:00:00Z ┆ 4h 12m ┆ 40 ┆          │
        │ 2026-03-08T00:00:00Z ┆ 3h 30m ┆ 38 ┆ -42m 00s │
        └──────────────────────┴────────┴────┴──────────┘
    ");
}

#[test]
fn table_of_nothing() {
    let mut out = Vec::new();
    table::render(&[], "service", false, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "no snapshots of service in the history\n"
    );
}

// One line per point; a missing value or change is empty.
#[test]
fn csv_in_long_form() {
    let text = rendered(|s, out| csv::render(s, "support", out));
    insta::assert_snapshot!(text, @r"
        snapshot_at,category,agent,metric,value,n,change
        2026-03-01T00:00:00Z,support,a|1,csat,80.0,10,
        2026-03-08T00:00:00Z,support,a|1,csat,,0,
        2026-03-15T00:00:00Z,support,a|1,csat,75.0,12,
        2026-03-01T00:00:00Z,support,a|1,frt_p90_s,15120.0,40,
        2026-03-08T00:00:00Z,support,a|1,frt_p90_s,12600.0,38,-2520.0
    ");
}

// Values unrounded, a missing one `null`, the group as an object.
#[test]
fn json_document() {
    let text = rendered(|s, out| json::render(s, "support", out));
    insta::assert_snapshot!(text, @r#"
        {
          "category": "support",
          "series": [
            {
              "metric": "csat",
              "group": {
                "agent": "a|1"
              },
              "points": [
                {
                  "snapshot_at": "2026-03-01T00:00:00Z",
                  "value": 80.0,
                  "n": 10,
                  "change": null
                },
                {
                  "snapshot_at": "2026-03-08T00:00:00Z",
                  "value": null,
                  "n": 0,
                  "change": null
                },
                {
                  "snapshot_at": "2026-03-15T00:00:00Z",
                  "value": 75.0,
                  "n": 12,
                  "change": null
                }
              ]
            },
            {
              "metric": "frt_p90_s",
              "group": {
                "agent": "a|1"
              },
              "points": [
                {
                  "snapshot_at": "2026-03-01T00:00:00Z",
                  "value": 15120.0,
                  "n": 40,
                  "change": null
                },
                {
                  "snapshot_at": "2026-03-08T00:00:00Z",
                  "value": 12600.0,
                  "n": 38,
                  "change": -2520.0
                }
              ]
            }
          ]
        }
    "#);
}
