//! What belongs here: `cxkpi snapshot` and `cxkpi trend` (the history file, reruns, concurrent
//! runs, the lock, killed runs).
//!
//! Integration tests for `cxkpi snapshot` and `cxkpi trend`, held to SPEC.md §6 and §4.
//!
//! Fixtures in `tests/data/snapshot/`:
//!
//! - `log.csv`: four interactions whose KPIs are computed by hand below ([`FULL`], [`LATE`]).
//! - `history.csv`: a history written by hand (3 snapshots × support/service/all × channel
//!   chat/email) for `trend`; its numbers are arbitrary, chosen so that every change is exact.
//!
//! Where exact values are not needed (row content equals the report's) the tests use
//! `sample_data/interactions.csv`.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::util::{crate_root, Cxkpi};

// ---------------------------------------------------------------------------------------------
// Fixture values, by hand
// ---------------------------------------------------------------------------------------------

const LOG: &str = "tests/data/snapshot/log.csv";
const HAND_HISTORY: &str = "tests/data/snapshot/history.csv";
const SAMPLE: &str = "sample_data/interactions.csv";

const REPORT_HEADER: &str = "category,interactions,csat,csat_n,nps,nps_n,ces,ces_n,fcr,fcr_n,\
aht_s,aht_n,frt_mean_s,frt_median_s,frt_p90_s,frt_n,ttr_mean_s,ttr_median_s,ttr_p90_s,ttr_n,\
churn,churn_n";

// `tests/data/snapshot/log.csv` (ticket-mode FCR: it has a `contacts` column):
//
// | id | cust | category | created    | FRT   | resolved           | handle | contacts | csat | nps | ces | churned_at |
// |----|------|----------|------------|-------|--------------------|--------|----------|------|-----|-----|------------|
// | S1 | C1   | support  | 02-01 09:00| 60 s  | 02-01 10:00 (3600) | 300    | 1        | 5    | 10  | 6   |            |
// | S2 | C2   | support  | 02-10 09:00| 300 s | 02-11 09:00 (86400)| 600    | 2        | 2    | 5   | 3   |            |
// | V1 | C3   | service  | 02-02 09:00| 300 s | 02-02 09:30 (1800) | 120    | 1        | 4    | 9   | 5   |            |
// | V2 | C4   | service  | 02-12 09:00| 30 s  | no                 | 240    |          | 3    | 7   | 4   | 02-20      |
//
// TTR (the seconds in brackets) = resolved_at − created_at; there is no resolution_seconds
// column, so the unresolved V2 has no TTR.
//
// No window:
// support: 2 interactions; CSAT 1 of 2 ≥ 4 = 50.0; NPS (1 promoter − 1 detractor)/2 = 0.0;
//   CES (6+3)/2 = 4.5; FCR S1 of S1,S2 = 50.0 (n 2); AHT (300+600)/2 = 450.0;
//   FRT 60,300: mean 180.0, median 180.0, p90 60 + 0.9 × 240 = 276.0;
//   TTR 3600,86400: mean 90000/2 = 45000.0, median 45000.0, p90 3600 + 0.9 × 82800 = 78120.0 (n 2);
//   churn 0 of C1,C2 = 0.0.
// service: 2; CSAT 1 of 2 = 50.0; NPS (1 − 0)/2 = 50.0; CES (5+4)/2 = 4.5; FCR only V1 is
//   resolved, first contact = 100.0 (n 1); AHT (120+240)/2 = 180.0; FRT 300,30: mean 165.0,
//   median 165.0, p90 30 + 0.9 × 270 = 273.0; TTR only V1: 1800.0 ×3 (n 1);
//   churn C4 of C3,C4 = 50.0.
// all: 4; CSAT 2 of 4 = 50.0; NPS (2 − 1)/4 = 25.0; CES 18/4 = 4.5; FCR 2 of 3 = 66.67;
//   AHT 1260/4 = 315.0; FRT 30,60,300,300: mean 690/4 = 172.5, median (60+300)/2 = 180.0,
//   p90 300 + 0.7 × 0 = 300.0; TTR 1800,3600,86400: mean 91800/3 = 30600.0, median 3600.0,
//   p90 rank 0.9 × 2 = 1.8 → 3600 + 0.8 × 82800 = 69840.0, exact in f64 (n 3; V2, with no
//   TTR, is in the group but not among the values); churn 1 of 4 = 25.0.
// (tests/data/reference.py on log.csv prints the same rows; numpy's np.quantile agrees on
// 78120.0 and 69840.0.)
const FULL: [&str; 3] = [
    "support,2,50.0,2,0.0,2,4.5,2,50.0,2,450.0,2,180.0,180.0,276.0,2,45000.0,45000.0,78120.0,2,0.0,2",
    "service,2,50.0,2,50.0,2,4.5,2,100.0,1,180.0,2,165.0,165.0,273.0,2,1800.0,1800.0,1800.0,1,50.0,2",
    "all,4,50.0,4,25.0,4,4.5,4,66.66666666666667,3,315.0,4,172.5,180.0,300.0,4,30600.0,3600.0,69840.0,3,25.0,4",
];

// `--from 2026-02-05` keeps S2 and V2:
// support (S2): CSAT 0.0, NPS −100.0, CES 3.0, FCR 0.0 (n 1), AHT 600.0, FRT 300.0 ×3,
//   TTR 86400.0 ×3 (n 1), churn 0.0.
// service (V2): CSAT 0.0, NPS 0.0 (7 is passive), CES 4.0, FCR none resolved (n 0, null),
//   AHT 240.0, FRT 30.0 ×3, TTR none (unresolved: n 0, null), churn C4 churned 02-20 ≥ from: 100.0.
// all: 2; CSAT 0.0, NPS (0 − 1)/2 = −50.0, CES 3.5, FCR 0.0 (n 1), AHT 420.0, FRT 300,30:
//   mean 165.0, median 165.0, p90 273.0; TTR only S2: 86400.0 ×3 (n 1); churn 1 of 2 = 50.0.
// (reference.py on log.csv --from 2026-02-05T00:00:00Z prints the same rows.)
const LATE: [&str; 3] = [
    "support,1,0.0,1,-100.0,1,3.0,1,0.0,1,600.0,1,300.0,300.0,300.0,1,86400.0,86400.0,86400.0,1,0.0,1",
    "service,1,0.0,1,0.0,1,4.0,1,,0,240.0,1,30.0,30.0,30.0,1,,,,0,100.0,1",
    "all,2,0.0,2,-50.0,2,3.5,2,0.0,1,420.0,2,165.0,165.0,273.0,2,86400.0,86400.0,86400.0,1,50.0,2",
];
const LATE_FROM: &str = "2026-02-05T00:00:00Z";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `cxkpi ARGS`, run from the crate root (fixture paths are relative to it).
fn command<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cxkpi"));
    cmd.current_dir(crate_root()).args(args);
    cmd.stdin(Stdio::null());
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// `cxkpi ARGS` through the harness, run from the crate root.
fn cxkpi<S: Into<OsString> + Clone>(args: &[S]) -> Cxkpi {
    Cxkpi::new("").arg_list(args)
}

/// Runs a command that must succeed silently; returns its stdout.
fn ok<S: Into<OsString> + Clone>(args: &[S]) -> String {
    cxkpi(args).ok()
}

/// Runs a command that must exit 2 with nothing on stdout and an `error: `; returns its stderr.
fn usage_error<S: Into<OsString> + Clone>(args: &[S]) -> String {
    cxkpi(args).usage_error()
}

/// `cxkpi snapshot --history HIST --as-of AS_OF EXTRA...`: exit 0, prints nothing.
fn snapshot(history: &Path, as_of: &str, extra: &[&str]) {
    let out = cxkpi(&snapshot_args(history, as_of, extra)).run();
    assert_eq!(out.code, Some(0), "{out:#?}");
    assert_eq!(out.stdout, "", "snapshot prints nothing");
    assert_eq!(out.stderr, "", "snapshot prints nothing");
}

/// The arguments of `cxkpi snapshot --history HIST --as-of AS_OF EXTRA...`.
fn snapshot_args(history: &Path, as_of: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "snapshot".into(),
        "--history".into(),
        history.display().to_string(),
        "--as-of".into(),
        as_of.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn history_header() -> String {
    format!("snapshot_at,window_from,window_to,{REPORT_HEADER}")
}

/// CSV history lines (each with its newline) of one snapshot of `rows` (report CSV lines).
fn csv_rows(stamp: &str, from: Option<&str>, to: Option<&str>, rows: &[&str]) -> String {
    rows.iter()
        .map(|row| {
            format!("{stamp},{},{},{row}\n", from.unwrap_or_default(), to.unwrap_or_default())
        })
        .collect()
}

/// The NDJSON history object of one report CSV line: counts (`interactions`, `*_n`) are JSON
/// integers, other metrics floats, empty cells null.
fn json_row(stamp: &str, from: Option<&str>, to: Option<&str>, row: &str) -> Value {
    let mut object = Map::new();
    object.insert("snapshot_at".into(), json!(stamp));
    object.insert("window_from".into(), json!(from));
    object.insert("window_to".into(), json!(to));
    for (column, cell) in REPORT_HEADER.split(',').zip(row.split(',')) {
        let value = if column == "category" {
            json!(cell)
        } else if cell.is_empty() {
            Value::Null
        } else if column == "interactions" || column.ends_with("_n") {
            json!(cell.parse::<u64>().unwrap())
        } else {
            json!(cell.parse::<f64>().unwrap())
        };
        object.insert(column.into(), value);
    }
    Value::Object(object)
}

fn json_rows(stamp: &str, from: Option<&str>, to: Option<&str>, rows: &[&str]) -> Vec<Value> {
    rows.iter().map(|r| json_row(stamp, from, to, r)).collect()
}

/// Parses NDJSON text; checks every line is an object whose keys come in history order.
fn parse_ndjson(content: &str) -> Vec<Value> {
    let order: Vec<String> = history_header().split(',').map(String::from).collect();
    content
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
            let keys: Vec<String> =
                value.as_object().expect("a JSON object").keys().cloned().collect();
            assert_eq!(keys, order, "key order of {line}");
            value
        })
        .collect()
}

/// Every record of a CSV text (header included), each parsed.
fn parse_csv(content: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(content.as_bytes())
        .records()
        .map(|r| r.expect("a well-formed CSV record").iter().map(String::from).collect())
        .collect()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The files of a directory, by name.
fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn hist_in(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

// ---------------------------------------------------------------------------------------------
// 1. Snapshots, reruns, order
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_two_snapshots_then_rerun_of_the_first_replaces_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    snapshot(&hist, "2026-03-01", &[LOG]);
    assert_eq!(
        read(&hist),
        format!("{}\n{}", history_header(), csv_rows("2026-03-01T00:00:00Z", None, None, &FULL))
    );
    snapshot(&hist, "2026-03-08", &[LOG]);
    // The rerun of the older snapshot, on a later window: its rows are replaced by the new
    // values and stay before the 03-08 snapshot.
    snapshot(&hist, "2026-03-01", &["--from", "2026-02-05", LOG]);
    let content = read(&hist);
    assert_eq!(
        content,
        format!(
            "{}\n{}{}",
            history_header(),
            csv_rows("2026-03-01T00:00:00Z", Some(LATE_FROM), None, &LATE),
            csv_rows("2026-03-08T00:00:00Z", None, None, &FULL),
        )
    );
    let records = parse_csv(&content);
    assert_eq!(records.len(), 1 + 2 * 3, "header + 2 snapshots × 3 rows");
    let pairs: BTreeSet<(String, String)> =
        records[1..].iter().map(|r| (r[0].clone(), r[3].clone())).collect();
    assert_eq!(pairs.len(), 6, "no duplicate (snapshot_at, category)");
}

#[test]
fn ndjson_two_snapshots_then_rerun_of_the_first_replaces_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.ndjson");
    snapshot(&hist, "2026-03-01", &[LOG]);
    assert_eq!(parse_ndjson(&read(&hist)), json_rows("2026-03-01T00:00:00Z", None, None, &FULL));
    snapshot(&hist, "2026-03-08", &[LOG]);
    snapshot(&hist, "2026-03-01", &["--from", "2026-02-05", LOG]);
    let rows = parse_ndjson(&read(&hist));
    let mut expected = json_rows("2026-03-01T00:00:00Z", Some(LATE_FROM), None, &LATE);
    expected.extend(json_rows("2026-03-08T00:00:00Z", None, None, &FULL));
    assert_eq!(rows, expected);
    assert_eq!(rows.len(), 2 * 3);
    let pairs: BTreeSet<(String, String)> =
        rows.iter().map(|r| (r["snapshot_at"].to_string(), r["category"].to_string())).collect();
    assert_eq!(pairs.len(), 6, "no duplicate (snapshot_at, category)");
    // The open bound is a JSON null, not a missing key or an empty string.
    assert!(rows.iter().all(|r| r["window_to"].is_null()));
}

#[test]
fn jsonl_extension_is_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.jsonl");
    snapshot(&hist, "2026-03-01", &[LOG]);
    assert_eq!(parse_ndjson(&read(&hist)), json_rows("2026-03-01T00:00:00Z", None, None, &FULL));
}

#[test]
fn an_older_snapshot_is_inserted_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    snapshot(&hist, "2026-03-15", &[LOG]);
    snapshot(&hist, "2026-03-01", &["--from", "2026-02-05", LOG]);
    assert_eq!(
        read(&hist),
        format!(
            "{}\n{}{}",
            history_header(),
            csv_rows("2026-03-01T00:00:00Z", Some(LATE_FROM), None, &LATE),
            csv_rows("2026-03-15T00:00:00Z", None, None, &FULL),
        )
    );
}

#[test]
fn as_of_is_utc_whole_seconds_and_dates_are_midnight_in_tz() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    // Midnight in Paris (UTC+1 in winter) is 23:00 UTC the day before.
    snapshot(&hist, "2026-03-01", &["--tz", "Europe/Paris", LOG]);
    // A naive timestamp is read in --tz: 09:30 in New York (UTC−5 before DST) is 14:30 UTC.
    snapshot(&hist, "2026-03-02 09:30:00", &["--tz", "America/New_York", LOG]);
    // An offset wins over --tz; the fraction of a second is dropped.
    snapshot(&hist, "2026-03-03T10:00:00.900+02:00", &[LOG]);
    let stamps: Vec<String> = parse_csv(&read(&hist))[1..].iter().map(|r| r[0].clone()).collect();
    let mut expected = Vec::new();
    for stamp in ["2026-02-28T23:00:00Z", "2026-03-02T14:30:00Z", "2026-03-03T08:00:00Z"] {
        expected.extend(std::iter::repeat_n(stamp.to_string(), 3));
    }
    assert_eq!(stamps, expected);
}

#[test]
fn default_as_of_is_now_in_whole_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    let before = chrono::Utc::now().timestamp();
    let out = Cxkpi::new("snapshot --history").arg(&hist).arg(LOG).run();
    let after = chrono::Utc::now().timestamp();
    assert_eq!(out.code, Some(0), "{out:#?}");
    let records = parse_csv(&read(&hist));
    let stamp = &records[1][0];
    assert_eq!(stamp.len(), "2026-03-01T00:00:00Z".len(), "{stamp}");
    assert!(stamp.ends_with('Z'), "{stamp}");
    let at = chrono::DateTime::parse_from_rfc3339(stamp).unwrap().timestamp();
    assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
    assert!(records[1..].iter().all(|r| &r[0] == stamp));
}

#[test]
fn window_bounds_are_written_and_open_ones_are_empty_or_null() {
    let dir = tempfile::tempdir().unwrap();
    let csv_hist = hist_in(&dir, "hist.csv");
    let json_hist = hist_in(&dir, "hist.ndjson");
    for hist in [&csv_hist, &json_hist] {
        snapshot(hist, "2026-03-01", &["--from", "2026-02-05", LOG]);
        snapshot(hist, "2026-03-02", &["--to", "2026-02-05", LOG]);
        snapshot(hist, "2026-03-03", &["--from", "2026-02-05", "--to", "2026-03-01", LOG]);
    }
    let bounds: Vec<(String, String)> = parse_csv(&read(&csv_hist))[1..]
        .iter()
        .step_by(3)
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(
        bounds,
        [
            ("2026-02-05T00:00:00Z", ""),
            ("", "2026-02-05T00:00:00Z"),
            ("2026-02-05T00:00:00Z", "2026-03-01T00:00:00Z"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let bounds: Vec<(Value, Value)> = parse_ndjson(&read(&json_hist))
        .iter()
        .step_by(3)
        .map(|r| (r["window_from"].clone(), r["window_to"].clone()))
        .collect();
    assert_eq!(
        bounds,
        [
            (json!("2026-02-05T00:00:00Z"), Value::Null),
            (Value::Null, json!("2026-02-05T00:00:00Z")),
            (json!("2026-02-05T00:00:00Z"), json!("2026-03-01T00:00:00Z")),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Row content equals the report's
// ---------------------------------------------------------------------------------------------

const SAMPLE_OPTIONS: [&str; 6] =
    ["--from", "2026-02-01", "--to", "2026-03-01", "--by", "channel,agent"];

#[test]
fn csv_history_rows_are_the_report_csv_lines() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    let mut options = SAMPLE_OPTIONS.to_vec();
    options.push(SAMPLE);
    snapshot(&hist, "2026-03-01T06:00:00Z", &options);

    let mut report_args = vec!["report", "--format", "csv"];
    report_args.extend(&options);
    let report = ok(&report_args);
    let history = read(&hist);

    let mut report_lines = report.lines();
    let mut history_lines = history.lines();
    assert_eq!(
        history_lines.next().unwrap(),
        format!("snapshot_at,window_from,window_to,{}", report_lines.next().unwrap())
    );
    let report_lines: Vec<&str> = report_lines.collect();
    let history_lines: Vec<&str> = history_lines.collect();
    assert!(report_lines.len() > 100, "support/service/uncategorized/all × channel × agent");
    assert_eq!(history_lines.len(), report_lines.len());
    let prefix = "2026-03-01T06:00:00Z,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,";
    for (h, r) in history_lines.iter().zip(&report_lines) {
        assert_eq!(*h, format!("{prefix}{r}"));
    }
    // Field by field too (the missing agent is an empty field in both).
    let report_records = parse_csv(&report);
    let history_records = parse_csv(&history);
    for (h, r) in history_records.iter().zip(&report_records).skip(1) {
        assert_eq!(h[3..], r[..]);
    }
    assert!(report_records.iter().any(|r| r[2].is_empty()));
}

#[test]
fn ndjson_history_rows_are_the_report_json_rows() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.ndjson");
    let mut options = SAMPLE_OPTIONS.to_vec();
    options.push(SAMPLE);
    snapshot(&hist, "2026-03-01T06:00:00Z", &options);

    let mut report_args = vec!["report", "--format", "json"];
    report_args.extend(&options);
    let report: Value = serde_json::from_str(&ok(&report_args)).unwrap();
    let report_rows = report["rows"].as_array().unwrap();
    let content = read(&hist);
    let history: Vec<Map<String, Value>> =
        content.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(history.len(), report_rows.len());
    for (h, r) in history.iter().zip(report_rows) {
        let mut h = h.clone();
        assert_eq!(h.shift_remove("snapshot_at"), Some(json!("2026-03-01T06:00:00Z")));
        assert_eq!(h.shift_remove("window_from"), Some(json!("2026-02-01T00:00:00Z")));
        assert_eq!(h.shift_remove("window_to"), Some(json!("2026-03-01T00:00:00Z")));
        let r = r.as_object().unwrap();
        assert_eq!(
            h.keys().collect::<Vec<_>>(),
            r.keys().collect::<Vec<_>>(),
            "same columns in the same order"
        );
        assert_eq!(&h, r);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrent runs
// ---------------------------------------------------------------------------------------------

fn spawn_quiet(args: &[String]) -> Child {
    command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("cxkpi starts")
}

fn wait_ok(children: Vec<Child>) {
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "");
    }
}

fn eight_stamps() -> Vec<String> {
    (1..=8).map(|d| format!("2026-03-{d:02}T00:00:00Z")).collect()
}

/// Eight snapshots with distinct `--as-of` started at once (newest first, so that the
/// history's order is not the start order), on `seed`; returns the history afterwards.
fn eight_at_once(name: &str, seed: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, name);
    if !seed.is_empty() {
        fs::write(&hist, seed).unwrap();
    }
    let children: Vec<Child> = eight_stamps()
        .iter()
        .rev()
        .map(|stamp| spawn_quiet(&snapshot_args(&hist, stamp, &[LOG])))
        .collect();
    wait_ok(children);
    read(&hist)
}

#[test]
fn csv_eight_concurrent_snapshots_all_land() {
    // On a new history (eight runs race to create it), then on a long one, whose read and
    // rewrite take long enough that runs without the lock would lose each other's rows.
    for seed in [String::new(), seed_history(false, 3000)] {
        let content = eight_at_once("hist.csv", &seed);
        let mut expected =
            if seed.is_empty() { format!("{}\n", history_header()) } else { seed.clone() };
        for stamp in eight_stamps() {
            expected.push_str(&csv_rows(&stamp, None, None, &FULL));
        }
        assert!(content == expected, "not the seed and the 8 snapshots");
        let records = parse_csv(&content);
        assert_eq!(records.len(), expected.lines().count());
        assert_eq!(records.iter().filter(|r| r[0] == "snapshot_at").count(), 1, "the header once");
        assert_whole_history(false, &content);
    }
}

#[test]
fn ndjson_eight_concurrent_snapshots_all_land() {
    for seed in [String::new(), seed_history(true, 1000)] {
        let rows = parse_ndjson(&eight_at_once("hist.ndjson", &seed));
        let mut expected = parse_ndjson(&seed);
        expected
            .extend(eight_stamps().iter().flat_map(|stamp| json_rows(stamp, None, None, &FULL)));
        assert!(rows == expected, "not the seed and the 8 snapshots");
    }
}

/// Eight runs with the same `--as-of`, half of them on the late window: the history holds
/// exactly one snapshot, whole, from one of the two variants.
fn same_as_of_concurrently(name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, name);
    let children: Vec<Child> = (0..8)
        .map(|i| {
            let extra: &[&str] = if i % 2 == 0 { &[LOG] } else { &["--from", "2026-02-05", LOG] };
            spawn_quiet(&snapshot_args(&hist, "2026-03-01", extra))
        })
        .collect();
    wait_ok(children);
    read(&hist)
}

#[test]
fn csv_eight_concurrent_snapshots_with_the_same_as_of_leave_one() {
    let content = same_as_of_concurrently("hist.csv");
    let stamp = "2026-03-01T00:00:00Z";
    let full = format!("{}\n{}", history_header(), csv_rows(stamp, None, None, &FULL));
    let late = format!("{}\n{}", history_header(), csv_rows(stamp, Some(LATE_FROM), None, &LATE));
    assert!(content == full || content == late, "{content}");
}

#[test]
fn ndjson_eight_concurrent_snapshots_with_the_same_as_of_leave_one() {
    let rows = parse_ndjson(&same_as_of_concurrently("hist.ndjson"));
    let stamp = "2026-03-01T00:00:00Z";
    let full = json_rows(stamp, None, None, &FULL);
    let late = json_rows(stamp, Some(LATE_FROM), None, &LATE);
    assert!(rows == full || rows == late, "{rows:?}");
}

/// Whether `pid` is blocked waiting for an exclusive `flock` on the file with inode `inode`:
/// the kernel lists such a waiter in `/proc/locks` as `N: -> FLOCK  ADVISORY  WRITE PID
/// MAJ:MIN:INODE ...`.
#[cfg(target_os = "linux")]
fn waits_for_flock(pid: u32, inode: u64) -> bool {
    let locks = fs::read_to_string("/proc/locks").expect("reading /proc/locks");
    locks.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        matches!(
            fields.as_slice(),
            [_, "->", "FLOCK", _, "WRITE", p, file, ..]
                if *p == pid.to_string() && file.rsplit(':').next() == Some(&inode.to_string())
        )
    })
}

/// We hold `hist.csv.lock` (the lock `src/snapshot.rs` takes around its read and rewrite) and
/// start a snapshot. The test waits, by polling `/proc/locks`, until the kernel shows the
/// child blocked on that very lock: without a lock in cxkpi that never happens and the test
/// fails (the child finishes instead, or the poll gives up). While it is blocked the child has
/// not exited and the history is byte for byte the one before. Once we release the lock the
/// snapshot completes with the right content. No assertion rests on a sleep.
#[cfg(target_os = "linux")]
#[test]
fn a_held_lock_makes_the_snapshot_wait() {
    use std::os::unix::fs::MetadataExt;

    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    snapshot(&hist, "2026-02-01", &[LOG]);
    let before = read(&hist);
    assert_eq!(
        before,
        format!("{}\n{}", history_header(), csv_rows("2026-02-01T00:00:00Z", None, None, &FULL))
    );
    let lock = fs::File::create(dir.path().join("hist.csv.lock")).unwrap();
    lock.lock().unwrap();
    let inode = lock.metadata().unwrap().ino();
    let mut child = spawn_quiet(&snapshot_args(&hist, "2026-03-01", &[LOG]));

    let deadline = Instant::now() + Duration::from_secs(120);
    while !waits_for_flock(child.id(), inode) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the snapshot finished ({status}) while the lock was held");
        }
        assert!(Instant::now() < deadline, "the snapshot never blocked on hist.csv.lock");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(child.try_wait().unwrap().is_none(), "the snapshot exited while blocked on the lock");
    assert_eq!(read(&hist), before, "the history changed while the lock was held");
    assert_eq!(
        listing(dir.path()),
        BTreeSet::from(["hist.csv".to_string(), "hist.csv.lock".to_string()]),
        "no temporary file is written before the lock is taken"
    );

    drop(lock);
    wait_ok(vec![child]);
    assert_eq!(
        read(&hist),
        format!("{before}{}", csv_rows("2026-03-01T00:00:00Z", None, None, &FULL))
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Killed runs never leave a torn history
// ---------------------------------------------------------------------------------------------

const KILL_ROUNDS: usize = 30;

/// The text of the seed history: `snapshots` snapshots of [`FULL`], an hour apart from 2020.
fn seed_history(ndjson: bool, snapshots: i64) -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let mut seed = String::new();
    if !ndjson {
        seed.push_str(&history_header());
        seed.push('\n');
    }
    for k in 0..snapshots {
        let stamp = (start + chrono::Duration::hours(k)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        if ndjson {
            for row in json_rows(&stamp, None, None, &FULL) {
                seed.push_str(&row.to_string());
                seed.push('\n');
            }
        } else {
            seed.push_str(&csv_rows(&stamp, None, None, &FULL));
        }
    }
    seed
}

/// Checks that `added` is exactly one whole snapshot of [`FULL`] stamped `stamp`.
fn assert_one_new_snapshot(ndjson: bool, added: &str, stamp: &str) {
    if ndjson {
        assert_eq!(parse_ndjson(added), json_rows(stamp, None, None, &FULL), "the new rows");
    } else {
        assert_eq!(added, csv_rows(stamp, None, None, &FULL), "the new rows");
    }
}

/// Checks that a whole history parses: every line, the CSV header once, whole snapshots of
/// [`FULL`] (3 rows each).
fn assert_whole_history(ndjson: bool, content: &str) {
    let stamps: Vec<String> = if ndjson {
        parse_ndjson(content)
            .iter()
            .map(|r| r["snapshot_at"].as_str().unwrap().to_string())
            .collect()
    } else {
        let records = parse_csv(content);
        assert_eq!(records[0].join(","), history_header());
        assert!(records[1..].iter().all(|r| r[0] != "snapshot_at"), "header once");
        records[1..].iter().map(|r| r[0].clone()).collect()
    };
    assert_eq!(stamps.len() % FULL.len(), 0, "whole snapshots");
    for chunk in stamps.chunks(FULL.len()) {
        assert!(chunk.iter().all(|s| *s == chunk[0]), "{chunk:?}");
    }
}

/// Starts a snapshot on a large history (a long read and rewrite), kills it with SIGKILL
/// after a random delay between 40 % and 110 % of what a whole run takes, and checks that the
/// history is the previous one, or the previous one followed by the new snapshot whole.
/// Rounds are bounded; no assertion depends on timing.
fn kill_rounds(name: &str, seed_snapshots: i64) {
    let ndjson = name.ends_with(".ndjson");
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, name);
    let mut expected = seed_history(ndjson, seed_snapshots);
    fs::write(&hist, &expected).unwrap();
    // Three runs to the end first: they must land, and their median duration spreads the
    // kills below over the life of a run (computing, reading, writing, renaming, done).
    let mut lifetimes = Vec::new();
    for day in 1..=3 {
        let stamp = format!("2029-12-{day:02}T00:00:00Z");
        let started = Instant::now();
        snapshot(&hist, &stamp, &[LOG]);
        lifetimes.push(started.elapsed().as_millis() as u64);
        let content = read(&hist);
        let added = content.strip_prefix(expected.as_str()).expect("kept content");
        assert_one_new_snapshot(ndjson, added, &stamp);
        expected = content;
    }
    lifetimes.sort_unstable();
    let lifetime = lifetimes[1];
    let (mut unchanged, mut landed) = (0, 0);
    for round in 0..KILL_ROUNDS {
        let stamp = format!("2030-01-{:02}T00:00:00Z", round + 1);
        let mut child = command(&snapshot_args(&hist, &stamp, &[LOG]))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Mostly late in the run, where the history is read and rewritten.
        let delay = fastrand::u64(lifetime * 2 / 5..=lifetime * 11 / 10);
        std::thread::sleep(Duration::from_millis(delay));
        // SIGKILL on unix; an error only if it already exited, which is fine.
        let _ = child.kill();
        child.wait().unwrap();
        let content = read(&hist);
        assert_whole_history(ndjson, &content);
        if content == expected {
            unchanged += 1;
            continue;
        }
        let added = content.strip_prefix(expected.as_str()).unwrap_or_else(|| {
            panic!(
                "round {round}: the history lost or changed earlier content ({} bytes, {} expected)",
                content.len(),
                expected.len()
            )
        });
        assert_one_new_snapshot(ndjson, added, &stamp);
        landed += 1;
        expected = content;
    }
    // Whatever was left behind (the lock file, temporary files of killed runs) does not
    // stop the next run; nothing but `.NAME.*.tmp` files is left.
    let stamp = "2031-01-01T00:00:00Z";
    snapshot(&hist, stamp, &[LOG]);
    let content = read(&hist);
    let added = content.strip_prefix(expected.as_str()).expect("kept content");
    assert_one_new_snapshot(ndjson, added, stamp);
    let leftovers: Vec<String> = listing(dir.path())
        .into_iter()
        .filter(|f| *f != name && *f != format!("{name}.lock"))
        .collect();
    for file in &leftovers {
        assert!(
            file.starts_with(&format!(".{name}.")) && file.ends_with(".tmp"),
            "unexpected file {file}"
        );
    }
    eprintln!(
        "{name}: a run takes {lifetime} ms; {KILL_ROUNDS} kills: {unchanged} left the history \
         unchanged, {landed} landed; {} temporary files left by killed writes",
        leftovers.len()
    );
}

#[test]
fn csv_history_survives_sigkill() {
    kill_rounds("hist.csv", 3000);
}

#[test]
fn ndjson_history_survives_sigkill() {
    kill_rounds("hist.ndjson", 800);
}

// ---------------------------------------------------------------------------------------------
// 5–6. Column mismatch, bad history names and options, permissions
// ---------------------------------------------------------------------------------------------

fn assert_mismatch_refused(name: &str, first: &[&str], second: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, name);
    snapshot(&hist, "2026-03-01", first);
    let before = fs::read(&hist).unwrap();
    let args = snapshot_args(&hist, "2026-03-08", second);
    let stderr = usage_error(&args);
    assert!(stderr.contains("channel"), "names the column: {stderr}");
    assert_eq!(fs::read(&hist).unwrap(), before, "byte-identical");
    // The same --as-of as the existing snapshot: refused too, not replaced.
    let args = snapshot_args(&hist, "2026-03-01", second);
    usage_error(&args);
    assert_eq!(fs::read(&hist).unwrap(), before, "byte-identical");
}

#[test]
fn csv_history_with_other_columns_is_exit_2_and_untouched() {
    assert_mismatch_refused("hist.csv", &["--by", "channel", LOG], &[LOG]);
    assert_mismatch_refused("hist.csv", &[LOG], &["--by", "channel", LOG]);
}

#[test]
fn ndjson_history_with_other_columns_is_exit_2_and_untouched() {
    assert_mismatch_refused("hist.ndjson", &["--by", "channel", LOG], &[LOG]);
    assert_mismatch_refused("hist.ndjson", &[LOG], &["--by", "channel", LOG]);
}

#[test]
fn a_torn_history_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    let torn = format!(
        "{}\n{}2026-03-08T00:00:00Z,,,support,2,50.0\n",
        history_header(),
        csv_rows("2026-03-01T00:00:00Z", None, None, &FULL)
    );
    fs::write(&hist, &torn).unwrap();
    let args = snapshot_args(&hist, "2026-03-15", &[LOG]);
    usage_error(&args);
    assert_eq!(read(&hist), torn);
}

#[cfg(unix)]
#[test]
fn permissions_of_an_existing_history_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    for mode in [0o600, 0o640, 0o664] {
        let dir = tempfile::tempdir().unwrap();
        let hist = hist_in(&dir, "hist.csv");
        snapshot(&hist, "2026-03-01", &[LOG]);
        fs::set_permissions(&hist, fs::Permissions::from_mode(mode)).unwrap();
        snapshot(&hist, "2026-03-08", &[LOG]);
        let after = fs::metadata(&hist).unwrap().permissions().mode() & 0o777;
        assert_eq!(format!("{after:o}"), format!("{mode:o}"));
    }
}

#[cfg(unix)]
#[test]
fn a_new_history_follows_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    let script = format!(
        "umask 077 && exec \"$0\" snapshot --history '{}' --as-of 2026-03-01 {LOG}",
        hist.display()
    );
    let out = Command::new("sh")
        .current_dir(crate_root())
        .args(["-c", &script, env!("CARGO_BIN_EXE_cxkpi")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Like any file a program creates: 0666 less the umask. A cron job with umask 077 must
    // not get a world-readable history.
    let mode = fs::metadata(&hist).unwrap().permissions().mode() & 0o777;
    assert_eq!(format!("{mode:o}"), "600");
}

#[cfg(unix)]
#[test]
fn a_symlinked_history_updates_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real = hist_in(&dir, "real.csv");
    let link = hist_in(&dir, "link.csv");
    snapshot(&real, "2026-03-01", &[LOG]);
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    snapshot(&link, "2026-03-08", &[LOG]);
    let expected = format!(
        "{}\n{}{}",
        history_header(),
        csv_rows("2026-03-01T00:00:00Z", None, None, &FULL),
        csv_rows("2026-03-08T00:00:00Z", None, None, &FULL),
    );
    assert_eq!(read(&real), expected, "the target got the snapshot");
    assert!(
        fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link is still a link"
    );
}

#[test]
fn a_history_that_is_not_csv_or_ndjson_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["hist.txt", "hist", "hist.json"] {
        let hist = hist_in(&dir, name);
        let args = snapshot_args(&hist, "2026-03-01", &[LOG]);
        let stderr = usage_error(&args);
        assert!(stderr.contains(".csv"), "{stderr}");
    }
    assert_eq!(listing(dir.path()), BTreeSet::new(), "nothing created");
}

#[test]
fn a_bad_as_of_is_exit_2_and_creates_no_history() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    for bad in ["yesterday", "2026-13-01", "2026-03-01T25:00:00Z", ""] {
        let args = snapshot_args(&hist, bad, &[LOG]);
        let stderr = usage_error(&args);
        assert!(stderr.contains("--as-of"), "{stderr}");
        assert!(!hist.exists(), "--as-of {bad:?} created the history");
    }
    // An existing history is left as it was.
    snapshot(&hist, "2026-03-01", &[LOG]);
    let before = read(&hist);
    let args = snapshot_args(&hist, "yesterday", &[LOG]);
    usage_error(&args);
    assert_eq!(read(&hist), before);
}

#[test]
fn bad_input_leaves_the_history_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let hist = hist_in(&dir, "hist.csv");
    let args = snapshot_args(&hist, "2026-03-01", &["tests/data/snapshot/no_such.csv"]);
    usage_error(&args);
    assert!(!hist.exists());
    snapshot(&hist, "2026-03-01", &[LOG]);
    let before = read(&hist);
    for extra in [
        &["tests/data/snapshot/no_such.csv"][..],
        &["--from", "2026-03-01", "--to", "2026-02-01", LOG][..],
        &["--tz", "Mars/Olympus", LOG][..],
    ] {
        let args = snapshot_args(&hist, "2026-03-08", extra);
        usage_error(&args);
        assert_eq!(read(&hist), before, "{extra:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. trend on a known history
// ---------------------------------------------------------------------------------------------

/// `cxkpi trend --history tests/data/snapshot/history.csv ARGS`, which must succeed silently.
fn trend(args: &str) -> String {
    Cxkpi::new("trend --history").arg(HAND_HISTORY).args(args).ok()
}

fn trend_json(args: &str) -> Value {
    Cxkpi::new("trend --format json --history").arg(HAND_HISTORY).args(args).json()
}

fn point(stamp: &str, value: Value, n: u64, change: Value) -> Value {
    json!({"snapshot_at": stamp, "value": value, "n": n, "change": change})
}

const T1: &str = "2026-03-01T00:00:00Z";
const T2: &str = "2026-03-08T00:00:00Z";
const T3: &str = "2026-03-15T00:00:00Z";

#[test]
fn trend_json_gives_value_n_and_change_per_group() {
    // all/chat CSAT 70.0 (20) → 75.0 (24) → 72.5 (16): changes null, +5.0, −2.5.
    // all/email CSAT 80.0 (30) → 60.0 (25) → 65.0 (20): changes null, −20.0, +5.0.
    assert_eq!(
        trend_json("--metric csat"),
        json!({
            "category": "all",
            "series": [
                {
                    "metric": "csat",
                    "group": {"channel": "chat"},
                    "points": [
                        point(T1, json!(70.0), 20, Value::Null),
                        point(T2, json!(75.0), 24, json!(5.0)),
                        point(T3, json!(72.5), 16, json!(-2.5)),
                    ]
                },
                {
                    "metric": "csat",
                    "group": {"channel": "email"},
                    "points": [
                        point(T1, json!(80.0), 30, Value::Null),
                        point(T2, json!(60.0), 25, json!(-20.0)),
                        point(T3, json!(65.0), 20, json!(5.0)),
                    ]
                }
            ]
        })
    );
}

#[test]
fn trend_null_values_have_n_0_and_no_change() {
    // support/email CSAT 50.0 (2) → none (n 0) → 62.5 (8): no change next to the gap.
    // support/email FCR 40.0 (30) → 45.0 (20) → 50.0 (30): +5.0, +5.0.
    assert_eq!(
        trend_json("--category support --by-key channel=email --metric csat,fcr"),
        json!({
            "category": "support",
            "series": [
                {
                    "metric": "csat",
                    "group": {"channel": "email"},
                    "points": [
                        point(T1, json!(50.0), 2, Value::Null),
                        point(T2, Value::Null, 0, Value::Null),
                        point(T3, json!(62.5), 8, Value::Null),
                    ]
                },
                {
                    "metric": "fcr",
                    "group": {"channel": "email"},
                    "points": [
                        point(T1, json!(40.0), 30, Value::Null),
                        point(T2, json!(45.0), 20, json!(5.0)),
                        point(T3, json!(50.0), 30, json!(5.0)),
                    ]
                }
            ]
        })
    );
}

#[test]
fn trend_csv_is_long_form() {
    // all, per metric then channel: interactions 40 → 44 → 36 and 60 → 50 → 55;
    // FRT p90 180 → 240 → 150 s and 14400 → 10800 → 12600 s.
    assert_eq!(
        trend("--format csv --metric interactions,frt_p90_s"),
        "snapshot_at,category,channel,metric,value,n,change\n\
         2026-03-01T00:00:00Z,all,chat,interactions,40,40,\n\
         2026-03-08T00:00:00Z,all,chat,interactions,44,44,4\n\
         2026-03-15T00:00:00Z,all,chat,interactions,36,36,-8\n\
         2026-03-01T00:00:00Z,all,email,interactions,60,60,\n\
         2026-03-08T00:00:00Z,all,email,interactions,50,50,-10\n\
         2026-03-15T00:00:00Z,all,email,interactions,55,55,5\n\
         2026-03-01T00:00:00Z,all,chat,frt_p90_s,180.0,40,\n\
         2026-03-08T00:00:00Z,all,chat,frt_p90_s,240.0,44,60.0\n\
         2026-03-15T00:00:00Z,all,chat,frt_p90_s,150.0,36,-90.0\n\
         2026-03-01T00:00:00Z,all,email,frt_p90_s,14400.0,60,\n\
         2026-03-08T00:00:00Z,all,email,frt_p90_s,10800.0,50,-3600.0\n\
         2026-03-15T00:00:00Z,all,email,frt_p90_s,12600.0,55,1800.0\n"
    );
}

#[test]
fn trend_by_key_and_category_select_one_group() {
    // support/chat CSAT 90.0 (10) → 87.5 (16) → 95.0 (20): −2.5, +7.5.
    assert_eq!(
        trend("--format csv --category support --by-key channel=chat --metric csat"),
        "snapshot_at,category,channel,metric,value,n,change\n\
         2026-03-01T00:00:00Z,support,chat,csat,90.0,10,\n\
         2026-03-08T00:00:00Z,support,chat,csat,87.5,16,-2.5\n\
         2026-03-15T00:00:00Z,support,chat,csat,95.0,20,7.5\n"
    );
    // service/email CSAT 95.0 → 60.0 → 66.25: −35.0, +6.25.
    assert_eq!(
        trend("--format csv --category service --by-key channel=email --metric csat"),
        "snapshot_at,category,channel,metric,value,n,change\n\
         2026-03-01T00:00:00Z,service,email,csat,95.0,28,\n\
         2026-03-08T00:00:00Z,service,email,csat,60.0,25,-35.0\n\
         2026-03-15T00:00:00Z,service,email,csat,66.25,12,6.25\n"
    );
    // A key value no group has: no series.
    assert_eq!(
        trend_json("--by-key channel=phone --metric csat"),
        json!({"category": "all", "series": []})
    );
}

#[test]
fn trend_default_metrics_are_interactions_and_every_kpi() {
    let out = trend_json("");
    let series = out["series"].as_array().unwrap();
    let names: Vec<(&str, &str)> = series
        .iter()
        .map(|s| (s["metric"].as_str().unwrap(), s["group"]["channel"].as_str().unwrap()))
        .collect();
    let mut expected = Vec::new();
    for metric in [
        "interactions",
        "csat",
        "nps",
        "ces",
        "fcr",
        "aht_s",
        "frt_mean_s",
        "frt_median_s",
        "frt_p90_s",
        "churn",
    ] {
        expected.push((metric, "chat"));
        expected.push((metric, "email"));
    }
    assert_eq!(names, expected);
    assert!(series.iter().all(|s| s["points"].as_array().unwrap().len() == 3));
}

#[test]
fn trend_sorts_points_by_snapshot_at() {
    // The same history with its rows in reverse order.
    let dir = tempfile::tempdir().unwrap();
    let reversed = hist_in(&dir, "reversed.csv");
    let content = read(&crate_root().join(HAND_HISTORY));
    let mut lines: Vec<&str> = content.lines().collect();
    lines[1..].reverse();
    fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    for args in ["--metric csat,frt_p90_s", "--category support --metric csat,fcr"] {
        let sorted = Cxkpi::new("trend --format json --history").arg(&reversed).args(args).ok();
        assert_eq!(sorted, trend(&format!("--format json {args}")));
    }
}

#[test]
fn trend_table_snapshot_has_no_sparkline_when_piped() {
    let out = trend("--category support --metric csat,frt_p90_s");
    assert!(!out.chars().any(|c| ('▁'..='█').contains(&c)), "no sparkline off a terminal:\n{out}");
    assert!(out.contains("csat · support · channel=chat\n"), "{out}");
    insta::assert_snapshot!("trend_table_support", out);
}

#[test]
fn trend_reads_csv_and_ndjson_histories_made_by_snapshot() {
    // Snapshots of the fixture: 03-01 no window, 03-08 from 02-05, 03-15 no window.
    let dir = tempfile::tempdir().unwrap();
    let csv_hist = hist_in(&dir, "hist.csv");
    let json_hist = hist_in(&dir, "hist.ndjson");
    for hist in [&csv_hist, &json_hist] {
        snapshot(hist, "2026-03-01", &[LOG]);
        snapshot(hist, "2026-03-08", &["--from", "2026-02-05", LOG]);
        snapshot(hist, "2026-03-15", &[LOG]);
    }
    let trend_of = |hist: &Path| -> Value {
        serde_json::from_str(
            &Cxkpi::new("trend --format json --history")
                .arg(hist)
                .args("--metric csat,fcr,frt_p90_s")
                .ok(),
        )
        .unwrap()
    };
    // all: CSAT 50.0 (4) → 0.0 (2) → 50.0 (4); FCR 66.67 (3) → 0.0 (1) → 66.67 (3);
    // FRT p90 300.0 (4) → 273.0 (2) → 300.0 (4). No --by keys: the group is null.
    let fcr = 200.0 / 3.0;
    let expected = json!({
        "category": "all",
        "series": [
            {"metric": "csat", "group": null, "points": [
                point(T1, json!(50.0), 4, Value::Null),
                point(T2, json!(0.0), 2, json!(-50.0)),
                point(T3, json!(50.0), 4, json!(50.0)),
            ]},
            {"metric": "fcr", "group": null, "points": [
                point(T1, json!(fcr), 3, Value::Null),
                point(T2, json!(0.0), 1, json!(-fcr)),
                point(T3, json!(fcr), 3, json!(fcr)),
            ]},
            {"metric": "frt_p90_s", "group": null, "points": [
                point(T1, json!(300.0), 4, Value::Null),
                point(T2, json!(273.0), 2, json!(-27.0)),
                point(T3, json!(300.0), 4, json!(27.0)),
            ]},
        ]
    });
    assert_eq!(trend_of(&csv_hist), expected);
    assert_eq!(trend_of(&json_hist), expected);
}

// ---------------------------------------------------------------------------------------------
// 8. trend errors
// ---------------------------------------------------------------------------------------------

#[test]
fn trend_unknown_metric_is_exit_2() {
    let stderr =
        Cxkpi::new("trend --history").arg(HAND_HISTORY).args("--metric csat,csatt").usage_error();
    assert!(stderr.contains("csatt"), "{stderr}");
}

#[test]
fn trend_unknown_category_is_exit_2() {
    let stderr =
        Cxkpi::new("trend --history").arg(HAND_HISTORY).args("--category billing").usage_error();
    assert!(stderr.contains("billing"), "{stderr}");
}

#[test]
fn trend_by_key_on_a_key_the_history_lacks_is_exit_2() {
    let stderr =
        Cxkpi::new("trend --history").arg(HAND_HISTORY).args("--by-key nokey=x").usage_error();
    assert!(stderr.contains("nokey"), "{stderr}");
    assert!(stderr.contains("channel"), "names the history's keys: {stderr}");
}

#[test]
fn trend_by_key_without_a_value_is_exit_2() {
    for bad in ["novalue", "=chat"] {
        let stderr =
            Cxkpi::new("trend --history").arg(HAND_HISTORY).args("--by-key").arg(bad).usage_error();
        assert!(stderr.contains("KEY=VALUE"), "{stderr}");
    }
}

#[test]
fn trend_missing_history_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = hist_in(&dir, "missing.csv");
    let stderr = Cxkpi::new("trend --history").arg(&missing).usage_error();
    assert!(stderr.contains("missing.csv"), "{stderr}");
    assert!(!missing.exists());
}

#[test]
fn trend_on_an_interaction_log_is_exit_2() {
    let stderr = Cxkpi::new("trend --history").arg(LOG).usage_error();
    assert!(stderr.contains("snapshot_at"), "{stderr}");
}

#[test]
fn trend_empty_metric_list_is_exit_2() {
    let stderr = Cxkpi::new("trend --history").arg(HAND_HISTORY).args("--metric ").usage_error();
    assert!(stderr.contains("--metric"), "{stderr}");
}
