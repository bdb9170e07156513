//! What belongs here: `cxkpi report` on canonical logs (KPIs, formats, stdin, files, windows,
//! `--by`, FCR modes, exit codes). Mapped exports go in `config`, bad records in `invalid`.
//!
//! Integration tests for `cxkpi report`, held to SPEC.md §1–4.
//!
//! Every expected value is computed by hand in the comments next to it, from fixtures in
//! `tests/data/` small enough to check. `tests/data/reference.py` is an independent plain-Python
//! implementation of SPEC §3 that was run on the fixtures to double-check the hand arithmetic
//! (`python3 tests/data/reference.py tests/data/kpis.csv`); `tests/data/to_json.py` wrote
//! `kpis.json`/`kpis.ndjson` from `kpis.csv`.
//!
//! Values are compared as exact `f64`s. The fixtures are chosen so that every expected value is
//! either exact (the percentiles land on whole seconds: e.g. p90 of 60, 120, 600, 610 is
//! 600 + 0.7 × 10 = 607, checked in reference.py with numpy's interpolation formula) or a single
//! division written the same way here (`200.0 / 3.0`). One value is neither: service's TTR p90,
//! where the rank 0.9 × 3 is 2.7000000000000002 in `f64` and numpy's `np.quantile` gives
//! 61560.000000000015, not 61560; it is written as that interpolation ([`SERVICE_TTR_P90`]).
//!
//! Expected rows are written with the output columns named: the main fixture as a table with a
//! line per column ([`KPIS`]), the others as `(column, value)` pairs over an empty row
//! ([`row`]).

use std::io::Write;
use std::process::Stdio;

use serde_json::{Map, Value};

use crate::util::{fixture, Cxkpi};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The output columns of a row after `category` and the `--by` keys, in SPEC §3 order.
#[rustfmt::skip]
const METRICS: [&str; 21] = [
    "interactions", "csat", "csat_n", "nps", "nps_n", "ces", "ces_n", "fcr", "fcr_n", "aht_s",
    "aht_n", "frt_mean_s", "frt_median_s", "frt_p90_s", "frt_n", "ttr_mean_s", "ttr_median_s",
    "ttr_p90_s", "ttr_n", "churn", "churn_n",
];

const CSV_HEADER: &str = "category,interactions,csat,csat_n,nps,nps_n,ces,ces_n,fcr,fcr_n,\
aht_s,aht_n,frt_mean_s,frt_median_s,frt_p90_s,frt_n,ttr_mean_s,ttr_median_s,ttr_p90_s,ttr_n,\
churn,churn_n";

/// The JSON report of SPEC §4. serde_json's `preserve_order` feature is on, so every object
/// keeps its keys in document order.
#[derive(Debug)]
struct Report {
    window: Value,
    input: Value,
    rows: Vec<Map<String, Value>>,
}

fn parse_report(text: &str) -> Report {
    let top: Value = serde_json::from_str(text).expect("the output is JSON");
    let top = top.as_object().expect("the output is one JSON object");
    let keys: Vec<&str> = top.keys().map(String::as_str).collect();
    assert_eq!(keys, ["window", "input", "rows"], "top-level keys");
    let rows = top["rows"].as_array().expect("`rows` is an array");
    Report {
        window: top["window"].clone(),
        input: top["input"].clone(),
        rows: rows.iter().map(|r| r.as_object().expect("a row is an object").clone()).collect(),
    }
}

/// `cxkpi report --format json ARGS`, which must succeed silently.
fn report_json(args: &str) -> Report {
    parse_report(&Cxkpi::new("report --format json").args(args).ok())
}

fn window(from: Option<&str>, to: Option<&str>) -> Value {
    serde_json::json!({ "from": from, "to": to })
}

fn input(records: u64, skipped: u64) -> Value {
    serde_json::json!({ "records": records, "skipped": skipped })
}

/// One cell as compared: counts and values as `f64` (`4` and `4.0` are the same number),
/// text, or null.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Num(f64),
    Text(String),
}

fn cell(value: &Value) -> Cell {
    match value {
        Value::Null => Cell::Null,
        Value::Number(n) => Cell::Num(n.as_f64().unwrap()),
        Value::String(s) => Cell::Text(s.clone()),
        other => panic!("unexpected cell {other}"),
    }
}

/// A row's cells with their names, in output order.
fn cells(row: &Map<String, Value>) -> Vec<(String, Cell)> {
    row.iter().map(|(k, v)| (k.clone(), cell(v))).collect()
}

/// The expected row: `category`, the `--by` keys, then the 21 output columns, all of an empty
/// row (`interactions` and every `_n` 0, every value null) except those `values` names.
fn row(
    category: &str,
    keys: &[(&str, Option<&str>)],
    values: &[(&str, Option<f64>)],
) -> Vec<(String, Cell)> {
    for (name, _) in values {
        assert!(METRICS.contains(name), "no output column {name}");
    }
    let mut out = vec![("category".to_string(), Cell::Text(category.to_string()))];
    for (name, value) in keys {
        out.push((name.to_string(), value.map_or(Cell::Null, |v| Cell::Text(v.to_string()))));
    }
    for name in METRICS {
        let empty = (name == "interactions" || name.ends_with("_n")).then_some(0.0);
        let value = values.iter().find(|(n, _)| *n == name).map_or(empty, |(_, v)| *v);
        out.push((name.to_string(), value.map_or(Cell::Null, Cell::Num)));
    }
    out
}

fn assert_rows(report: &Report, expected: &[Vec<(String, Cell)>]) {
    let actual: Vec<_> = report.rows.iter().map(cells).collect();
    assert_eq!(actual.len(), expected.len(), "number of rows: {actual:#?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a, e, "row {i}");
    }
}

/// Row `index`'s values of the named columns.
fn pick(report: &Report, index: usize, columns: &[&str]) -> Vec<Cell> {
    columns.iter().map(|c| cell(&report.rows[index][*c])).collect()
}

fn categories(report: &Report) -> Vec<String> {
    report.rows.iter().map(|r| r["category"].as_str().unwrap().to_string()).collect()
}

const N: Option<f64> = None;

fn s(v: f64) -> Option<f64> {
    Some(v)
}

// ---------------------------------------------------------------------------------------------
// The main fixture, tests/data/kpis.csv (10 records, ticket mode: it has a `contacts` column)
// ---------------------------------------------------------------------------------------------
//
// id  cust cat (raw)          created        FRT (s)            handle (s)        contacts reopened csat nps ces churned_at
// T01 C1   support            02-02 09:00    60 (at wins, 9999) 300+60+40 = 400   1  false 5  10 6  -
// T02 C2   support            02-03 10:00    120                600               3  false 2  6  3  -
// T03 C1   Support            02-05 08:00    600 (seconds col)  500 (talk 1000)   1  true  4  8  5  -
// T04 C3   support            02-06 12:00    610                200 (talk only)   1  -     -  9  -  02-20   (unresolved)
// T05 C4   service            02-07 09:00    30                 -                 0  no    3  9  2  -
// T06 C5   service            02-08 09:00    620                30 (wrap only)    1  0     4  10 4  03-01
// T07 C4   SERVICE            02-09 09:00    -                  100+20 = 120      -  false 5  -  7  -
// T08 C6   service            02-10 09:00    300                -                 1  yes   -  10 -  02-25
// T09 C7   billing question   02-11 09:00    600                90                1  false 5  0  1  -     (uncategorized)
// T10 -    (missing)          02-12 09:00    -                  -                 -  -     -  -  -  -     (uncategorized)
//
// support (T01–T04), 4 interactions:
//   csat 5,2,4 → ≥4: 2 of 3 → 200/3 %                      nps 10,6,8,9 → (2 − 1)/4 → 25
//   ces (6+3+5)/3 = 14/3                                    fcr: resolved with contacts T01–T03 (3); first: T01 → 100/3
//   aht (400+600+500+200)/4 = 425                           frt 60,120,600,610: mean 1390/4 = 347.5,
//   median (120+600)/2 = 360, p90 rank 0.9×3 = 2.7 → 600 + 0.7×10 = 607
//   churn: customers C1,C2,C3 (3), churned C3 → 100/3
// service (T05–T08), 4 interactions:
//   csat 3,4,5 → 2 of 3 → 200/3                             nps 9,10,10 → 3/3 → 100
//   ces (2+4+7)/3 = 13/3                                    fcr: T05,T06,T08 (T07 has no contacts): T05,T06 first → 200/3
//   aht (30+120)/2 = 75                                     frt 30,620,300: mean 950/3, median 300,
//   p90 rank 1.8 → 300 + 0.8×320 = 556                      churn: C4,C5,C6, churned C5,C6 → 200/3
// uncategorized (T09, T10), 2 interactions: every metric from T09 alone:
//   csat 100 · nps 0 → −100 · ces 1 · fcr 100 · aht 90 · frt 600/600/600 · churn C7 not churned → 0
// all, 10 interactions:
//   csat 5,2,4,3,4,5,5 → 5 of 7 → 500/7                     nps 10,6,8,9,9,10,10,0 → (5 − 2)/8 → 37.5
//   ces 28/7 = 4                                            fcr 7 eligible, first T01,T05,T06,T09 → 400/7
//   aht (400+600+500+200+30+120+90)/7 = 1940/7              frt 30,60,120,300,600,600,610,620: mean 2940/8 = 367.5,
//   median rank 3.5 → (300+600)/2 = 450, p90 rank 6.3 → 610 + 0.3×10 = 613
//   churn: C1..C7 (7), churned C3,C5,C6 → 300/7
//
// TTR (s) = resolved_at − created_at (kpis.csv has no resolution_seconds column, so a record
// without resolved_at has no TTR):
//   T01 09:00→10:00 3600 · T02 02-03 10:00→02-04 10:00 86400 · T03 08:00→09:00 3600 · T04 -
//   T05 09:00→09:20 1200 · T06 02-08 09:00→02-09 09:00 86400 · T07 09:00→09:30 1800
//   T08 09:00→10:00 3600 · T09 09:00→09:15 900 · T10 -
// support 3600,3600,86400 (n 3): mean 93600/3 = 31200, median 3600,
//   p90 rank 0.9×2 = 1.8 → 3600 + 0.8×82800 = 69840, exact in f64 (np.quantile gives 69840.0).
//   The group also holds T04, which has no TTR: a percentile is over the values, so that record
//   must not move it (the same three values alone give the same 69840.0).
// service 1200,1800,3600,86400 (n 4): mean 93000/4 = 23250,
//   median rank 1.5 → (1800+3600)/2 = 2700, p90 rank 0.9×3 = 2.7 → 3600 + 0.7×82800 = 61560
//   (in f64 61560.000000000015: see SERVICE_TTR_P90)
// uncategorized 900 (T09, n 1): 900/900/900
// all 900,1200,1800,3600,3600,3600,86400,86400 (n 8): mean 187500/8 = 23437.5,
//   median rank 3.5 → (3600+3600)/2 = 3600, p90 rank 6.3 → 86400 + 0.3×0 = 86400
// (reference.py prints the same: 31200.0,3600.0,69840.0,3 ·
//  23250.0,2700.0,61560.000000000015,4 · 900.0,900.0,900.0,1 · 23437.5,3600.0,86400.0,8.)

/// Service's TTR p90 as numpy's default ("linear") method computes it on 1200, 1800, 3600,
/// 86400: index 0.9 × (4 − 1), whose `f64` is 2.7000000000000002, so t = index − 2 is
/// 0.7000000000000002 and numpy's `_lerp` (t ≥ 0.5: from the upper end) gives
/// 86400 − 82800 × (1 − t) = 61560.000000000015 (`np.quantile([1200, 1800, 3600, 86400], 0.9)`
/// prints the same; so do 3600 + 82800 × t and 3600 × (1 − t) + 86400 × t).
const SERVICE_TTR_P90: f64 = 86400.0 - 82800.0 * (1.0 - (0.9 * 3.0 - 2.0));

#[rustfmt::skip]
const KPIS: [(&str, [f64; 4]); 21] = [
    // column         support        service          uncategorized  all
    ("interactions", [4.0,           4.0,             2.0,           10.0]),
    ("csat",         [200.0 / 3.0,   200.0 / 3.0,     100.0,         500.0 / 7.0]),
    ("csat_n",       [3.0,           3.0,             1.0,           7.0]),
    ("nps",          [25.0,          100.0,           -100.0,        37.5]),
    ("nps_n",        [4.0,           3.0,             1.0,           8.0]),
    ("ces",          [14.0 / 3.0,    13.0 / 3.0,      1.0,           4.0]),
    ("ces_n",        [3.0,           3.0,             1.0,           7.0]),
    ("fcr",          [100.0 / 3.0,   200.0 / 3.0,     100.0,         400.0 / 7.0]),
    ("fcr_n",        [3.0,           3.0,             1.0,           7.0]),
    ("aht_s",        [425.0,         75.0,            90.0,          1940.0 / 7.0]),
    ("aht_n",        [4.0,           2.0,             1.0,           7.0]),
    ("frt_mean_s",   [347.5,         950.0 / 3.0,     600.0,         367.5]),
    ("frt_median_s", [360.0,         300.0,           600.0,         450.0]),
    ("frt_p90_s",    [607.0,         556.0,           600.0,         613.0]),
    ("frt_n",        [4.0,           3.0,             1.0,           8.0]),
    ("ttr_mean_s",   [31200.0,       23250.0,         900.0,         23437.5]),
    ("ttr_median_s", [3600.0,        2700.0,          900.0,         3600.0]),
    ("ttr_p90_s",    [69840.0,       SERVICE_TTR_P90, 900.0,         86400.0]),
    ("ttr_n",        [3.0,           4.0,             1.0,           8.0]),
    ("churn",        [100.0 / 3.0,   200.0 / 3.0,     0.0,           300.0 / 7.0]),
    ("churn_n",      [3.0,           3.0,             1.0,           7.0]),
];

/// The rows of [`KPIS`], in output order.
fn kpis_expected_rows() -> Vec<Vec<(String, Cell)>> {
    ["support", "service", "uncategorized", "all"]
        .iter()
        .enumerate()
        .map(|(i, category)| {
            let values: Vec<_> = KPIS.iter().map(|(name, v)| (*name, s(v[i]))).collect();
            row(category, &[], &values)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Formats
// ---------------------------------------------------------------------------------------------

#[test]
fn json_reports_every_metric_per_category() {
    let report = report_json("tests/data/kpis.csv");
    assert_eq!(report.window, window(None, None));
    assert_eq!(report.input, input(10, 0));
    assert_eq!(categories(&report), ["support", "service", "uncategorized", "all"]);
    for r in &report.rows {
        let mut keys = vec!["category"];
        keys.extend(METRICS);
        let actual: Vec<&str> = r.keys().map(String::as_str).collect();
        assert_eq!(actual, keys, "row keys in SPEC order");
    }
    assert_rows(&report, &kpis_expected_rows());
}

#[test]
fn csv_is_exact_unrounded_text() {
    // The values of json_reports_every_metric_per_category, written as the shortest text that
    // reads back as the same f64 (Python's repr gives the same digits: 200/3 → 66.66666666666667;
    // service's TTR p90 is SERVICE_TTR_P90, 61560.000000000015, as reference.py prints it).
    let expected = format!(
        "{CSV_HEADER}\n\
support,4,66.66666666666667,3,25.0,4,4.666666666666667,3,33.333333333333336,3,425.0,4,347.5,360.0,607.0,4,31200.0,3600.0,69840.0,3,33.333333333333336,3\n\
service,4,66.66666666666667,3,100.0,3,4.333333333333333,3,66.66666666666667,3,75.0,2,316.6666666666667,300.0,556.0,3,23250.0,2700.0,61560.000000000015,4,66.66666666666667,3\n\
uncategorized,2,100.0,1,-100.0,1,1.0,1,100.0,1,90.0,1,600.0,600.0,600.0,1,900.0,900.0,900.0,1,0.0,1\n\
all,10,71.42857142857143,7,37.5,8,4.0,7,57.142857142857146,7,277.14285714285717,7,367.5,450.0,613.0,8,23437.5,3600.0,86400.0,8,42.857142857142854,7\n"
    );
    let out = Cxkpi::new("report --format csv tests/data/kpis.csv").ok();
    assert_eq!(out, expected);
}

#[test]
fn csv_leaves_null_values_empty() {
    // tests/data/by_keys.csv has only csat among the metric columns: every other value is
    // null (empty cell) with n 0 (TTR's four columns too: no resolved_at, no
    // resolution_seconds). Support: B1 5, B2 1, B3 4, B4 3, B8 2 → ≥4: 2 of 5 → 40.
    // Service: B5 5, B6 2, B7 4 → 2 of 3. All: 4 of 8 → 50.
    let out = Cxkpi::new("report --format csv tests/data/by_keys.csv").ok();
    assert_eq!(
        out,
        format!(
            "{CSV_HEADER}\n\
support,5,40.0,5,,0,,0,,0,,0,,,,0,,,,0,,0\n\
service,3,66.66666666666667,3,,0,,0,,0,,0,,,,0,,,,0,,0\n\
all,8,50.0,8,,0,,0,,0,,0,,,,0,,,,0,,0\n"
        )
    );
}

#[test]
fn markdown_snapshot() {
    // Reviewed against the hand computation above: support CSAT 66.7% (3), NPS +25.0 (4),
    // CES 4.67 (3), FCR 33.3% (3), AHT 425 s = 7m 05s (4), FRT mean 347.5 s ≈ 5m 48s,
    // median 360 s = 6m 00s, p90 607 s = 10m 07s (4), TTR mean 31200 s = 8h 40m, median
    // 3600 s = 1h 00m, p90 69840 s = 19h 24m (3), churn 33.3% (3); service TTR 23250 s =
    // 6h 27m 30s, shown 6h 27m, 2700 s = 45m 00s, 61560 s = 17h 06m (4); uncategorized TTR
    // 900 s = 15m 00s (1); all TTR 23437.5 s = 6h 30m 38s, shown 6h 30m, 3600 s = 1h 00m,
    // 86400 s = 1d 0h (8); and so on. The table snapshot holds the same values.
    let out = Cxkpi::new("report --format markdown tests/data/kpis.csv").ok();
    insta::assert_snapshot!("markdown_kpis", out);
}

#[test]
fn table_snapshot() {
    let out = Cxkpi::new("report --format table tests/data/kpis.csv").ok();
    insta::assert_snapshot!("table_kpis", out);
}

// ---------------------------------------------------------------------------------------------
// 2. Standard input
// ---------------------------------------------------------------------------------------------

#[test]
fn stdin_dash_reads_csv() {
    let from_file = Cxkpi::new("report --format json tests/data/kpis.csv").ok();
    let from_stdin = Cxkpi::new("report --format json -").stdin(fixture("kpis.csv")).ok();
    assert_eq!(from_stdin, from_file);
    assert_eq!(parse_report(&from_stdin).input, input(10, 0));
}

#[test]
fn stdin_without_file_reads_ndjson() {
    // No file argument at all; the content (`{` first) says NDJSON.
    let from_file = Cxkpi::new("report --format json tests/data/kpis.csv").ok();
    let from_stdin = Cxkpi::new("report --format json").stdin(fixture("kpis.ndjson")).ok();
    assert_eq!(from_stdin, from_file);
}

#[test]
fn stdin_reads_json_array() {
    let from_file = Cxkpi::new("report --format json tests/data/kpis.csv").ok();
    let from_stdin = Cxkpi::new("report --format json -").stdin(fixture("kpis.json")).ok();
    assert_eq!(from_stdin, from_file);
}

// ---------------------------------------------------------------------------------------------
// 3–4. Several files; the same records in every input format
// ---------------------------------------------------------------------------------------------

#[test]
fn several_files_are_concatenated() {
    // kpis_part1.csv holds T01–T05, kpis_part2.json T06–T10 (every key present, null where
    // empty): 5 + 5 = 10 records, and the report is byte for byte the one of kpis.csv.
    let one = Cxkpi::new("report --format json tests/data/kpis.csv").ok();
    let two =
        Cxkpi::new("report --format json tests/data/kpis_part1.csv tests/data/kpis_part2.json")
            .ok();
    assert_eq!(two, one);
    assert_eq!(parse_report(&two).input, input(10, 0));
    let part1 = report_json("tests/data/kpis_part1.csv");
    let part2 = report_json("tests/data/kpis_part2.json");
    assert_eq!(part1.input, input(5, 0));
    assert_eq!(part2.input, input(5, 0));
}

#[test]
fn several_files_with_different_columns_are_concatenated() {
    // kpis_part2.ndjson holds T06–T10 with the keys of empty values left out, so it has no
    // first_response_seconds key at all: a missing key is a missing value (SPEC §2), and the
    // concatenation is still the report of kpis.csv.
    let one = Cxkpi::new("report --format json tests/data/kpis.csv").ok();
    let two =
        Cxkpi::new("report --format json tests/data/kpis_part1.csv tests/data/kpis_part2.ndjson")
            .ok();
    assert_eq!(two, one);
}

#[test]
fn csv_json_and_ndjson_give_identical_bytes() {
    let csv = Cxkpi::new("report --format json tests/data/kpis.csv").ok();
    let json = Cxkpi::new("report --format json tests/data/kpis.json").ok();
    let ndjson = Cxkpi::new("report --format json tests/data/kpis.ndjson").ok();
    assert_eq!(json, csv);
    assert_eq!(ndjson, csv);
    assert_rows(&parse_report(&csv), &kpis_expected_rows());
}

// ---------------------------------------------------------------------------------------------
// 5. Windows
// ---------------------------------------------------------------------------------------------
//
// tests/data/window.csv: handle_seconds are powers of two, so the mean tells which records
// are in; churned_at tests the churn window. It has no resolved_at or resolution_seconds
// column: TTR is null with n 0 in every row (as FRT, CSAT and the others).
//   W1 A support 01-31T22:59:59Z 1  ·  W2 B support 01-31T23:00:00Z 2
//   W3 C support 02-01T00:00:00Z 4  churned 01-15 (before any `from` below: out of the base)
//   W4 D service 02-02T12:00:00Z 8  churned 02-02T00:00:00Z
//   W5 E service 02-02T23:00:00Z 16 churned 02-03T00:00:00Z
//   W6 F service 02-03T00:00:00Z 32 ·  W7 G support 02-03T00:00:01Z 64

/// The expected row of window.csv: interactions, AHT (its n is `interactions`), churn and its n.
fn window_row(
    category: &str,
    interactions: f64,
    aht: f64,
    churn: Option<f64>,
    churn_n: f64,
) -> Vec<(String, Cell)> {
    #[rustfmt::skip]
    let values = [
        ("interactions", s(interactions)), ("aht_s", s(aht)), ("aht_n", s(interactions)),
        ("churn", churn), ("churn_n", s(churn_n)),
    ];
    row(category, &[], &values)
}

#[test]
fn window_dates_are_midnight_utc_and_half_open() {
    // [2026-02-01T00:00Z, 2026-02-03T00:00Z): W3 (exactly at from: in), W4, W5; W6 exactly at
    // `to` is out, W2 one hour before `from` is out.
    // support W3: aht 4; churn: C churned before `from`, so the base is empty → null, n 0.
    // service W4, W5: aht (8+16)/2 = 12; base D, E; D churned in [from, to), E exactly at `to`
    // (not in the window) → 50, n 2.
    // all: aht 28/3; base D, E → 50, n 2.
    let report = report_json("--from 2026-02-01 --to 2026-02-03 tests/data/window.csv");
    assert_eq!(report.window, window(Some("2026-02-01T00:00:00Z"), Some("2026-02-03T00:00:00Z")));
    // records counts every record read, in the window or not.
    assert_eq!(report.input, input(7, 0));
    assert_rows(
        &report,
        &[
            window_row("support", 1.0, 4.0, N, 0.0),
            window_row("service", 2.0, 12.0, s(50.0), 2.0),
            window_row("all", 3.0, 28.0 / 3.0, s(50.0), 2.0),
        ],
    );
}

#[test]
fn window_with_timestamps_includes_from_and_excludes_to() {
    // [W3's instant, W6's instant): W3, W4, W5, exactly as with the dates.
    let report =
        report_json("--from 2026-02-01T00:00:00Z --to 2026-02-03T00:00:00Z tests/data/window.csv");
    assert_eq!(report.window, window(Some("2026-02-01T00:00:00Z"), Some("2026-02-03T00:00:00Z")));
    assert_eq!(
        pick(&report, 2, &["interactions", "aht_s"]),
        [Cell::Num(3.0), Cell::Num(28.0 / 3.0)]
    );
}

#[test]
fn window_dates_follow_tz() {
    // In Europe/Paris (UTC+1 in February) the dates are 2026-01-31T23:00Z and
    // 2026-02-02T23:00Z: W2 (exactly at from) is in, W5 (exactly at to) is out.
    // support W2, W3: aht (2+4)/2 = 3; base B (C churned before from), not churned → 0, n 1.
    // service W4: aht 8; D churned 02-02T00Z, in the window → 100, n 1.
    // all: aht 14/3; base B, D → 50, n 2.
    let report =
        report_json("--tz Europe/Paris --from 2026-02-01 --to 2026-02-03 tests/data/window.csv");
    assert_eq!(report.window, window(Some("2026-01-31T23:00:00Z"), Some("2026-02-02T23:00:00Z")));
    assert_eq!(report.input, input(7, 0));
    assert_rows(
        &report,
        &[
            window_row("support", 2.0, 3.0, s(0.0), 1.0),
            window_row("service", 1.0, 8.0, s(100.0), 1.0),
            window_row("all", 3.0, 14.0 / 3.0, s(50.0), 2.0),
        ],
    );
}

#[test]
fn window_open_on_one_side() {
    // Only --from 2026-02-03: W6 (exactly at from), W7; nobody churned.
    // support W7: aht 64 · service W6: aht 32 · all: (32+64)/2 = 48; churn 0 over F, G.
    let report = report_json("--from 2026-02-03 tests/data/window.csv");
    assert_eq!(report.window, window(Some("2026-02-03T00:00:00Z"), None));
    assert_rows(
        &report,
        &[
            window_row("support", 1.0, 64.0, s(0.0), 1.0),
            window_row("service", 1.0, 32.0, s(0.0), 1.0),
            window_row("all", 2.0, 48.0, s(0.0), 2.0),
        ],
    );
    // Only --to 2026-02-01: W1, W2 (support): aht (1+2)/2 = 1.5, churn 0 over A, B; service
    // has no record in the window: its row is empty.
    let report = report_json("--to 2026-02-01 tests/data/window.csv");
    assert_eq!(report.window, window(None, Some("2026-02-01T00:00:00Z")));
    assert_rows(
        &report,
        &[
            window_row("support", 2.0, 1.5, s(0.0), 2.0),
            row("service", &[], &[]),
            window_row("all", 2.0, 1.5, s(0.0), 2.0),
        ],
    );
}

#[test]
fn window_on_input_without_created_at_is_exit_2() {
    let stderr = Cxkpi::new("report --format json --from 2026-02-01 tests/data/no_created_at.csv")
        .usage_error();
    assert!(stderr.contains("created_at"), "{stderr}");
    let stderr = Cxkpi::new("report --format json --to 2026-02-01 tests/data/no_created_at.csv")
        .usage_error();
    assert!(stderr.contains("created_at"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// 6. --by
// ---------------------------------------------------------------------------------------------
//
// tests/data/by_keys.csv (only csat among the metrics, so FRT, TTR and the others have n 0; no
// customer_id, so churn has n 0):
//   B1 support chat 9 csat 5 · B2 support chat 10 csat 1 · B3 support email 9 csat 4
//   B4 support chat - csat 3 · B5 service email 10 csat 5 · B6 service - 9 csat 2
//   B7 service chat 9 csat 4 · B8 support chat 9 csat 2
// Keys compare as text ("10" < "9"), a missing value sorts last.

fn by_row(
    category: &str,
    channel: Option<&str>,
    agent: Option<&str>,
    n: f64,
    csat: f64,
) -> Vec<(String, Cell)> {
    let keys = [("channel", channel), ("agent", agent)];
    let values = [("interactions", s(n)), ("csat", s(csat)), ("csat_n", s(n))];
    row(category, &keys, &values)
}

#[test]
fn by_two_keys_orders_rows_as_text_with_missing_last() {
    let report = report_json("--by channel,agent tests/data/by_keys.csv");
    assert_eq!(report.input, input(8, 0));
    assert_rows(
        &report,
        &[
            // support: chat/10 B2 (1 → 0 %), chat/9 B1, B8 (5, 2 → 50 %), chat/- B4 (3 → 0 %),
            // email/9 B3 (4 → 100 %)
            by_row("support", Some("chat"), Some("10"), 1.0, 0.0),
            by_row("support", Some("chat"), Some("9"), 2.0, 50.0),
            by_row("support", Some("chat"), None, 1.0, 0.0),
            by_row("support", Some("email"), Some("9"), 1.0, 100.0),
            // service: chat/9 B7 (4), email/10 B5 (5), -/9 B6 (2)
            by_row("service", Some("chat"), Some("9"), 1.0, 100.0),
            by_row("service", Some("email"), Some("10"), 1.0, 100.0),
            by_row("service", None, Some("9"), 1.0, 0.0),
            // all, per key combination: chat/10 B2; chat/9 B1, B7, B8 (5, 4, 2 → 2 of 3);
            // chat/- B4; email/10 B5; email/9 B3; -/9 B6
            by_row("all", Some("chat"), Some("10"), 1.0, 0.0),
            by_row("all", Some("chat"), Some("9"), 3.0, 200.0 / 3.0),
            by_row("all", Some("chat"), None, 1.0, 0.0),
            by_row("all", Some("email"), Some("10"), 1.0, 100.0),
            by_row("all", Some("email"), Some("9"), 1.0, 100.0),
            by_row("all", None, Some("9"), 1.0, 0.0),
        ],
    );
}

#[test]
fn by_key_values_read_by_either_path_sort_as_text_together() {
    // tests/data/by_keys_general.csv: agent 9 (G1: csat 5), `1"0` written quoted with a
    // doubled quote (G2, G4: 1, 2), which the typed pass leaves to the general path, and 10
    // (G3: 4). By hand, in byte order (`"` is below `0`): `1"0` 0 % of 2, 10 100 %, 9 100 %.
    let file = "tests/data/by_keys_general.csv";
    let report = report_json(&format!("--by agent {file}"));
    let agent_row = |category, agent, n: f64, csat: f64| {
        row(
            category,
            &[("agent", Some(agent))],
            &[("interactions", s(n)), ("csat", s(csat)), ("csat_n", s(n))],
        )
    };
    let expected: Vec<_> = ["support", "all"]
        .into_iter()
        .flat_map(|category| {
            [
                agent_row(category, "1\"0", 2.0, 0.0),
                agent_row(category, "10", 1.0, 100.0),
                agent_row(category, "9", 1.0, 100.0),
            ]
        })
        .collect();
    assert_rows(&report, &expected);
    // The general path alone gives the same bytes.
    let command = format!("report --format json --by agent {file}");
    let general = Cxkpi::new(&command).env("CXKPI_GENERAL_PATH_ONLY", "1").ok();
    assert_eq!(Cxkpi::new(&command).ok(), general);
}

#[test]
fn by_keys_are_csv_columns_after_category() {
    let out = Cxkpi::new("report --format csv --by channel,agent tests/data/by_keys.csv").ok();
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(CSV_HEADER.replacen("category,", "category,channel,agent,", 1).as_str())
    );
    // The first and the null-keyed lines, as in by_two_keys_orders_rows_as_text_with_missing_last.
    // Every metric but csat is null with n 0, TTR's four columns too (`,,,,0` after FRT's).
    assert_eq!(lines.next(), Some("support,chat,10,1,0.0,1,,0,,0,,0,,0,,,,0,,,,0,,0"));
    assert_eq!(lines.next(), Some("support,chat,9,2,50.0,2,,0,,0,,0,,0,,,,0,,,,0,,0"));
    assert_eq!(lines.next(), Some("support,chat,,1,0.0,1,,0,,0,,0,,0,,,,0,,,,0,,0"));
    assert_eq!(out.lines().count(), 1 + 13);
}

// ---------------------------------------------------------------------------------------------
// 7. FCR, repeat mode (no contacts column)
// ---------------------------------------------------------------------------------------------
//
// tests/data/repeat.csv:
//   R1 A support 02-10T00:00:00Z resolved           (A again at exactly +72h: R2)
//   R2 A support 02-13T00:00:00Z resolved
//   R3 B support 02-10T00:00:00Z resolved           (B again at +72h+1s: R4)
//   R4 B support 02-13T00:00:01Z resolved
//   R5 C service 02-10T00:00:00Z resolved           (C's next record, R6, is support: another category)
//   R6 C support 02-10T01:00:00Z unresolved         (not in the population)
//   R7 - support 02-10T00:00:00Z resolved           (no customer: left out)
//   R8 D service 02-11T00:00:00Z resolved reopened  (not first contact)

#[test]
fn fcr_repeat_mode_72h_window_is_closed_at_its_end() {
    // 72h: R1 is a repeat (R2 at exactly t + 72h is in (t, t + 72h]); R3 is not (R4 at +72h+1s).
    // support: eligible R1–R4, first R2, R3, R4 → 75 · service: R5, R8, first R5 → 50
    // all: 6 eligible, 4 first → 400/6 = 200/3.
    let report = report_json("--fcr-window 72h tests/data/repeat.csv");
    assert_eq!(categories(&report), ["support", "service", "all"]);
    let fcr = |i| pick(&report, i, &["interactions", "fcr", "fcr_n"]);
    assert_eq!(fcr(0), [Cell::Num(6.0), Cell::Num(75.0), Cell::Num(4.0)]);
    assert_eq!(fcr(1), [Cell::Num(2.0), Cell::Num(50.0), Cell::Num(2.0)]);
    assert_eq!(fcr(2), [Cell::Num(8.0), Cell::Num(200.0 / 3.0), Cell::Num(6.0)]);
}

#[test]
fn fcr_repeat_mode_default_window_is_7_days() {
    // 7 days: R1 and R3 are both repeats. support: first R2, R4 of 4 → 50; all: 3 of 6 → 50.
    let report = report_json("tests/data/repeat.csv");
    let fcr = |i| pick(&report, i, &["fcr", "fcr_n"]);
    assert_eq!(fcr(0), [Cell::Num(50.0), Cell::Num(4.0)]);
    assert_eq!(fcr(1), [Cell::Num(50.0), Cell::Num(2.0)]);
    assert_eq!(fcr(2), [Cell::Num(50.0), Cell::Num(6.0)]);
}

#[test]
fn fcr_repeats_are_searched_outside_the_report_window() {
    // Window [02-10, 02-12): R1, R3, R5, R6, R7, R8. R1's repeat R2 (02-13) is outside the
    // window and still counts. support: eligible R1, R3, first R3 → 50 (100 if R2 were not
    // seen) · service: R5, R8 → 50 · all: R3, R5 of 4 → 50.
    let report =
        report_json("--fcr-window 72h --from 2026-02-10 --to 2026-02-12 tests/data/repeat.csv");
    let fcr = |i| pick(&report, i, &["interactions", "fcr", "fcr_n"]);
    assert_eq!(fcr(0), [Cell::Num(4.0), Cell::Num(50.0), Cell::Num(2.0)]);
    assert_eq!(fcr(1), [Cell::Num(2.0), Cell::Num(50.0), Cell::Num(2.0)]);
    assert_eq!(fcr(2), [Cell::Num(6.0), Cell::Num(50.0), Cell::Num(4.0)]);
}

#[test]
fn metrics_whose_columns_are_absent_have_n_zero() {
    // repeat.csv has no csat, nps, ces, handle-time or first-response column: those metrics
    // are null with n 0 in every row.
    let report = report_json("tests/data/repeat.csv");
    let columns = [
        "csat",
        "csat_n",
        "nps",
        "nps_n",
        "ces",
        "ces_n",
        "aht_s",
        "aht_n",
        "frt_mean_s",
        "frt_median_s",
        "frt_p90_s",
        "frt_n",
    ];
    let absent = [
        Cell::Null,
        Cell::Num(0.0),
        Cell::Null,
        Cell::Num(0.0),
        Cell::Null,
        Cell::Num(0.0),
        Cell::Null,
        Cell::Num(0.0),
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Num(0.0),
    ];
    for i in 0..3 {
        assert_eq!(pick(&report, i, &columns), absent, "row {i}");
    }
}

#[test]
fn churn_without_churned_at_column_has_n_zero() {
    // repeat.csv has customer_id but no churned_at column: nothing says who churned, so churn
    // is a metric whose columns are absent (SPEC §2): n 0, value null. (A churn of 0 % would
    // pass a `check` rule `churn max = ...` on data that cannot show churn at all.)
    let report = report_json("tests/data/repeat.csv");
    for i in 0..3 {
        assert_eq!(
            pick(&report, i, &["churn", "churn_n"]),
            [Cell::Null, Cell::Num(0.0)],
            "row {i}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Empty input
// ---------------------------------------------------------------------------------------------

#[test]
fn header_only_csv_reports_empty_rows() {
    // No records: support, service and all rows (without --by they are always there), every
    // count 0 and every value null (the TTR columns included: ttr_n 0, the rest null).
    let report = report_json("tests/data/empty.csv");
    assert_eq!(report.window, window(None, None));
    assert_eq!(report.input, input(0, 0));
    let empty = |category| row(category, &[], &[]);
    assert_rows(&report, &[empty("support"), empty("service"), empty("all")]);
}

// ---------------------------------------------------------------------------------------------
// 9. Errors and exit codes
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_interaction_id_is_exit_2_naming_the_columns_found() {
    // tests/data/no_id.csv has the columns id, category, csat.
    let stderr = Cxkpi::new("report --format json tests/data/no_id.csv").usage_error();
    assert!(stderr.contains("interaction_id"), "{stderr}");
    let found = stderr.split_once("interaction_id").unwrap().1;
    for column in ["id", "category", "csat"] {
        assert!(found.contains(column), "{column} not listed: {stderr}");
    }
}

#[test]
fn nonexistent_file_is_exit_2() {
    let stderr = Cxkpi::new("report --format json tests/data/no_such_file.csv").usage_error();
    assert!(stderr.contains("tests/data/no_such_file.csv"), "{stderr}");
}

#[test]
fn unknown_by_key_is_exit_2() {
    let stderr = Cxkpi::new("report --format json --by region tests/data/kpis.csv").usage_error();
    assert!(stderr.contains("region"), "{stderr}");
}

#[test]
fn bad_from_value_is_exit_2() {
    let stderr = Cxkpi::new("report --format json --from")
        .arg("last tuesday")
        .arg("tests/data/kpis.csv")
        .usage_error();
    assert!(stderr.contains("--from"), "{stderr}");
    assert!(stderr.contains("last tuesday"), "{stderr}");
}

#[test]
fn value_outside_the_scale_is_exit_2_naming_file_record_column_value() {
    // tests/data/invalid_csat.csv record 3 (V3, header not counted) has csat 6 on 1–5.
    let stderr = Cxkpi::new("report --format json tests/data/invalid_csat.csv").usage_error();
    assert_eq!(
        stderr,
        "error: tests/data/invalid_csat.csv: record 3: column csat: value \"6\" is outside the CSAT scale 1–5\n"
    );
}

#[test]
fn skip_leaves_the_invalid_record_out_of_every_metric() {
    // Without V3: support V1 (csat 5, nps 10), V2 (csat 3) → csat 50 (n 2), nps 100 (n 1);
    // service V4 (csat 4, nps 0) → csat 100, nps −100; all → csat 2 of 3, nps (1 − 1)/2 = 0.
    let r = Cxkpi::new("report --format json --on-invalid skip tests/data/invalid_csat.csv")
        .run()
        .status(0)
        .assert_utf8();
    // A one-line summary on stderr.
    assert_eq!(r.stderr.lines().count(), 1, "stderr: {}", r.stderr);
    assert!(r.stderr.ends_with('\n') && r.stderr.contains("csat"), "{}", r.stderr);
    let skipped = parse_report(&r.stdout);
    assert_eq!(skipped.input, input(4, 1));

    let without = report_json("tests/data/invalid_csat_removed.csv");
    assert_eq!(without.input, input(3, 0));
    // The same rows, keys in the same order, values equal.
    let entries = |report: &Report| -> Vec<Vec<(String, Value)>> {
        report
            .rows
            .iter()
            .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .collect()
    };
    assert_eq!(entries(&skipped), entries(&without));

    let csat_nps =
        |i| pick(&skipped, i, &["category", "interactions", "csat", "csat_n", "nps", "nps_n"]);
    let t = |c: &str| Cell::Text(c.into());
    let n = Cell::Num;
    assert_eq!(csat_nps(0), [t("support"), n(2.0), n(50.0), n(2.0), n(100.0), n(1.0)]);
    assert_eq!(csat_nps(1), [t("service"), n(1.0), n(100.0), n(1.0), n(-100.0), n(1.0)]);
    assert_eq!(csat_nps(2), [t("all"), n(3.0), n(200.0 / 3.0), n(3.0), n(0.0), n(2.0)]);
}

#[test]
fn rejects_file_lists_each_invalid_record() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.csv");
    Cxkpi::new("report --format json --on-invalid skip --rejects")
        .arg(&rejects)
        .arg("tests/data/invalid_csat.csv")
        .run()
        .status(0);
    let text = std::fs::read_to_string(&rejects).expect("the rejects file is written");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["file", "record", "column", "value", "reason"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "{text}");
    assert_eq!(
        &records[0].iter().take(4).collect::<Vec<_>>(),
        &["tests/data/invalid_csat.csv", "3", "csat", "6"]
    );
    assert!(records[0][4].contains("CSAT scale 1–5"), "{text}");
    // The input is never modified.
    assert_eq!(
        fixture("invalid_csat.csv"),
        b"interaction_id,category,csat,nps\nV1,support,5,10\nV2,support,3,\nV3,support,6,9\nV4,service,4,0\n"
    );
}

/// A generated log of 5,000 support records; with `--by interaction_id` its report has
/// 10,000 rows (support and all per id), far more than a pipe buffer holds.
fn big_log() -> String {
    let mut log = String::from("interaction_id,category,csat\n");
    for i in 0..5000 {
        log.push_str(&format!("I{i:05},support,{}\n", 1 + i % 5));
    }
    log
}

/// `cxkpi report --format FORMAT --by interaction_id - | head -c 0`: the reader is gone before
/// cxkpi writes a byte. The log comes on stdin, so cxkpi cannot write before its stdout is
/// closed and its input finished; every write then fails with EPIPE. Returns the exit code and
/// stderr.
fn closed_before_writing(format: &str) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cxkpi"))
        .args(["report", "--format", format, "--by", "interaction_id", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(big_log().as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// `cxkpi report --format FORMAT --by interaction_id FILE | head -c 10`: read 10 bytes, close.
fn closed_after_ten_bytes(format: &str, first: &[u8; 10]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, big_log()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cxkpi"))
        .args(["report", "--format", format, "--by", "interaction_id"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut head).unwrap();
    assert_eq!(&head, first, "{}", String::from_utf8_lossy(&head));
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn closed_stdout_pipe_is_not_an_error_for_tables() {
    for format in ["table", "markdown"] {
        assert_eq!(closed_before_writing(format), (Some(0), String::new()), "{format}");
    }
    assert_eq!(closed_after_ten_bytes("table", b"cxkpi repo"), (Some(0), String::new()));
    assert_eq!(closed_after_ten_bytes("markdown", b"## cxkpi r"), (Some(0), String::new()));
}

#[test]
fn closed_stdout_pipe_is_not_an_error_for_json_and_csv() {
    for format in ["json", "csv"] {
        assert_eq!(closed_before_writing(format), (Some(0), String::new()), "{format}");
    }
    assert_eq!(closed_after_ten_bytes("json", b"{\n  \"windo"), (Some(0), String::new()));
    assert_eq!(closed_after_ten_bytes("csv", b"category,i"), (Some(0), String::new()));
}

// ---------------------------------------------------------------------------------------------
// 10. Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn output_is_deterministic() {
    for args in [
        "report --format json sample_data/interactions.csv",
        "report --format json --by agent,channel sample_data/interactions.csv",
    ] {
        let first = Cxkpi::new(args).ok();
        let second = Cxkpi::new(args).ok();
        assert!(first.len() > 100, "{first}");
        assert!(first == second, "{args:?} gave different bytes on a second run");
    }
}
