//! The `report` renderers run in-process on hand-made reports (no input, no polars): every
//! expectation below was read against the report it renders, as each test's comment says.

use super::{render, Context, Format};
use crate::metrics::catalogue::{self, Kpi};
use crate::metrics::{columns_of, Cell, OutputColumn, Report, Row, Timeline, Variant};
use crate::periods::{Compare, Window};

/// 2026-03-01T00:00:00Z and 2026-03-08T00:00:00Z, in epoch microseconds.
const MARCH_1: i64 = 1_772_323_200_000_000;
const MARCH_8: i64 = MARCH_1 + 7 * 86_400_000_000;

/// The KPIs of these reports: the count, CSAT and FRT (enough for a count, a share with its
/// `n`, and durations).
fn kpis() -> Vec<&'static Kpi> {
    let wanted = ["interactions", "csat", "frt_mean_s"];
    (catalogue::KPIS.iter())
        .filter(|kpi| kpi.columns.iter().any(|c| wanted.contains(&c.name)))
        .collect()
}

/// A row whose cells are `values` by column name (a count for `interactions` and the `_n`s);
/// a column not listed has no data.
fn row(
    category: &str,
    keys: &[Option<&str>],
    columns: &[OutputColumn],
    values: &[(&str, f64)],
) -> Row {
    let value_of = |name: String| values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let cells = (columns.iter())
        .map(|output| {
            let value = value_of(output.name().into_owned());
            let cell = match output.is_value() {
                true => Cell::Value(value),
                false => Cell::Count(value.unwrap_or(0.0) as u64),
            };
            (*output, cell)
        })
        .collect();
    Row {
        category: category.to_string(),
        period: None,
        keys: keys.iter().map(|k| k.map(str::to_string)).collect(),
        cells,
        prev_intervals: Vec::new(),
    }
}

/// No keys, no periods: support with 40 interactions, 12 CSAT answers at 75 % and FRT mean
/// 1h 30m (5,400 s), median 20m (1,200 s), p90 4h 12m (15,120 s) over 40; service with 3
/// interactions and no answers or responses; all adds them up.
fn by_category() -> Report {
    let columns = columns_of(kpis(), false);
    let support = [
        ("interactions", 40.0),
        ("csat", 75.0),
        ("csat_n", 12.0),
        ("frt_mean_s", 5_400.0),
        ("frt_median_s", 1_200.0),
        ("frt_p90_s", 15_120.0),
        ("frt_n", 40.0),
    ];
    // Service adds only its 3 interactions.
    let mut all = support;
    all[0] = ("interactions", 43.0);
    Report {
        from: Some(MARCH_1),
        to: Some(MARCH_8),
        records: 44,
        skipped: 1,
        by: Vec::new(),
        timeline: Timeline::default(),
        rows: vec![
            row("support", &[], &columns, &support),
            row("service", &[], &columns, &[("interactions", 3.0)]),
            row("all", &[], &columns, &all),
        ],
        columns,
        confidence: None,
    }
}

/// By agent, compared with the previous week (as the pipeline does, every column has its
/// `_prev`): agent `a|1` went from 10 interactions and CSAT 80 % (n 10) to 12 and 75 % (n 12),
/// and the one record without an agent has no earlier week.
fn by_agent_compared() -> Report {
    let mut columns = columns_of(kpis(), false);
    columns.retain(|c| matches!(c.column.name, "interactions" | "csat" | "csat_n"));
    let prev: Vec<OutputColumn> = (columns.iter())
        .map(|c| OutputColumn {
            column: c.column,
            variant: Variant::Prev,
        })
        .collect();
    columns.extend(prev);
    let agent = [
        ("interactions", 12.0),
        ("csat", 75.0),
        ("csat_n", 12.0),
        ("interactions_prev", 10.0),
        ("csat_prev", 80.0),
        ("csat_n_prev", 10.0),
    ];
    let nobody = [("interactions", 1.0), ("csat", 100.0), ("csat_n", 1.0)];
    Report {
        from: Some(MARCH_1),
        to: Some(MARCH_8),
        records: 13,
        skipped: 0,
        by: vec!["agent".to_string()],
        timeline: Timeline {
            every: None,
            compare: Some(Compare::Previous),
            compare_window: Some(Window {
                from: MARCH_1 - 7 * 86_400_000_000,
                to: MARCH_1,
            }),
        },
        rows: vec![
            row("support", &[Some("a|1")], &columns, &agent),
            row("support", &[None], &columns, &nobody),
        ],
        columns,
        confidence: None,
    }
}

fn rendered(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &Context::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// Read against `by_category`: 5,400 s is 1h 30m, 1,200 s 20m 00s, 15,120 s 4h 12m, each with
// its `n` in brackets; service has no values (`—`); the heading counts 44 read, 1 skipped.
#[test]
fn table_by_category() {
    insta::assert_snapshot!(rendered(&by_category(), Format::Table), @r"
        cxkpi report · 2026-03-01T00:00:00Z to 2026-03-08T00:00:00Z · 44 records read, 1 skipped as invalid

        ┌──────────────┬──────────────┬─────────┬──────────────┐
        │ Metric       ┆      support ┆ service ┆          all │
        ╞══════════════╪══════════════╪═════════╪══════════════╡
        │ Interactions ┆           40 ┆       3 ┆           43 │
        │ CSAT         ┆   75.0% (12) ┆       — ┆   75.0% (12) │
        │ FRT mean     ┆  1h 30m (40) ┆       — ┆  1h 30m (40) │
        │ FRT median   ┆ 20m 00s (40) ┆       — ┆ 20m 00s (40) │
        │ FRT p90      ┆  4h 12m (40) ┆       — ┆  4h 12m (40) │
        └──────────────┴──────────────┴─────────┴──────────────┘
    ");
}

// The same table as Markdown: a `##` heading, pipes, the numbers right-aligned.
#[test]
fn markdown_by_category() {
    insta::assert_snapshot!(rendered(&by_category(), Format::Markdown), @r"
        ## cxkpi report · 2026-03-01T00:00:00Z to 2026-03-08T00:00:00Z · 44 records read, 1 skipped as invalid

        | Metric       |      support | service |          all |
        |--------------|--------------|---------|--------------|
        | Interactions |           40 |       3 |           43 |
        | CSAT         |   75.0% (12) |       — |   75.0% (12) |
        | FRT mean     |  1h 30m (40) |       — |  1h 30m (40) |
        | FRT median   | 20m 00s (40) |       — | 20m 00s (40) |
        | FRT p90      |  4h 12m (40) |       — |  4h 12m (40) |
    ");
}

// Numbers unrounded; a value without data is empty, its `n` 0.
#[test]
fn csv_by_category() {
    insta::assert_snapshot!(rendered(&by_category(), Format::Csv), @r"
        category,interactions,csat,csat_n,frt_mean_s,frt_median_s,frt_p90_s,frt_n
        support,40,75.0,12,5400.0,1200.0,15120.0,40
        service,3,,0,,,,0
        all,43,75.0,12,5400.0,1200.0,15120.0,40
    ");
}

// The window as RFC 3339, the input counts, one object per row; no data is `null`.
#[test]
fn json_by_category() {
    insta::assert_snapshot!(rendered(&by_category(), Format::Json), @r#"
        {
          "window": {
            "from": "2026-03-01T00:00:00Z",
            "to": "2026-03-08T00:00:00Z"
          },
          "input": {
            "records": 44,
            "skipped": 1
          },
          "rows": [
            {
              "category": "support",
              "interactions": 40,
              "csat": 75.0,
              "csat_n": 12,
              "frt_mean_s": 5400.0,
              "frt_median_s": 1200.0,
              "frt_p90_s": 15120.0,
              "frt_n": 40
            },
            {
              "category": "service",
              "interactions": 3,
              "csat": null,
              "csat_n": 0,
              "frt_mean_s": null,
              "frt_median_s": null,
              "frt_p90_s": null,
              "frt_n": 0
            },
            {
              "category": "all",
              "interactions": 43,
              "csat": 75.0,
              "csat_n": 12,
              "frt_mean_s": 5400.0,
              "frt_median_s": 1200.0,
              "frt_p90_s": 15120.0,
              "frt_n": 40
            }
          ]
        }
    "#);
}

// Read against `by_agent_compared`: 12 against 10 interactions is +2; CSAT 75 % against 80 %
// is -5.0 points, worse (higher is better); no earlier CSAT is `new`; the missing agent is `—`;
// the table's title adds up the category's 13 interactions.
#[test]
fn table_by_agent_compared() {
    insta::assert_snapshot!(rendered(&by_agent_compared(), Format::Table), @r"
        cxkpi report · 2026-03-01T00:00:00Z to 2026-03-08T00:00:00Z · 13 records read, 0 skipped as invalid · compared with 2026-02-22T00:00:00Z to 2026-03-01T00:00:00Z
        Under each value, its change: in points for shares and NPS, better or worse by the metric's direction; new when there was no value to compare.

        support · 13 interactions
        ┌───────┬──────────────┬────────────┐
        │ agent ┆ Interactions ┆       CSAT │
        ╞═══════╪══════════════╪════════════╡
        │ a|1   ┆           12 ┆ 75.0% (12) │
        │       ┆           +2 ┆ -5.0 worse │
        │ —     ┆            1 ┆ 100.0% (1) │
        │       ┆           +1 ┆        new │
        └───────┴──────────────┴────────────┘
    ");
}

// Every `_prev` after the values; the missing agent and the missing CSAT are empty.
#[test]
fn csv_by_agent_compared() {
    insta::assert_snapshot!(rendered(&by_agent_compared(), Format::Csv), @r"
        category,agent,interactions,csat,csat_n,interactions_prev,csat_prev,csat_n_prev
        support,a|1,12,75.0,12,10,80.0,10
        support,,1,100.0,1,0,,0
    ");
}

// The comparison window is the week before (22 Feb to 1 Mar); the missing agent is `null`.
#[test]
fn json_by_agent_compared() {
    insta::assert_snapshot!(rendered(&by_agent_compared(), Format::Json), @r#"
        {
          "window": {
            "from": "2026-03-01T00:00:00Z",
            "to": "2026-03-08T00:00:00Z"
          },
          "compare": {
            "from": "2026-02-22T00:00:00Z",
            "to": "2026-03-01T00:00:00Z"
          },
          "input": {
            "records": 13,
            "skipped": 0
          },
          "rows": [
            {
              "category": "support",
              "agent": "a|1",
              "interactions": 12,
              "csat": 75.0,
              "csat_n": 12,
              "interactions_prev": 10,
              "csat_prev": 80.0,
              "csat_n_prev": 10
            },
            {
              "category": "support",
              "agent": null,
              "interactions": 1,
              "csat": 100.0,
              "csat_n": 1,
              "interactions_prev": 0,
              "csat_prev": null,
              "csat_n_prev": 0
            }
          ]
        }
    "#);
}
