//! Integration tests for `--every`, `--week-start` and `--compare` (SPEC §8): the real binary
//! on the small fixtures in `tests/data/series/`, every expected value worked out by hand in
//! the comment beside it.
//!
//! Fixtures:
//! - `dst.csv`: seven support records around Bucharest's spring change (2026-03-29 03:00 +02 →
//!   04:00 +03; local midnight is 22:00Z before it, 21:00Z after), one a year-end, one without
//!   `created_at`.
//! - `months.csv`: eight support records over March and April 2026 with CSAT, channels and
//!   churn dates.
//! - `leap.csv`: five service records around 29 February 2028 and 28 February 2027.

use crate::util::{Cxkpi, Run};
use serde_json::{json, Value};

fn run(args: &[&str]) -> Run {
    Cxkpi::new("").arg_list(args).stdin(b"").run().assert_utf8()
}

/// The JSON report of `cxkpi report --format json ARGS`, which must succeed silently.
fn report(args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, Some(0), "exit code of {all:?}; stderr: {}", r.stderr);
    assert_eq!(r.stderr, "", "stderr of {all:?}");
    r.json()
}

/// Each row's `fields`, in row order, as a JSON array (missing fields are `null`).
fn pick(report: &Value, fields: &[&str]) -> Vec<Value> {
    (report["rows"].as_array().expect("rows"))
        .iter()
        .map(|row| Value::Array(fields.iter().map(|f| row[*f].clone()).collect()))
        .collect()
}

/// `(period, interactions)` of the rows of `category`.
fn per_period(report: &Value, category: &str) -> Vec<(String, u64)> {
    (report["rows"].as_array().expect("rows"))
        .iter()
        .filter(|row| row["category"] == category)
        .map(|row| {
            let period = row["period"].as_str().expect("a period").to_string();
            (period, row["interactions"].as_u64().expect("a count"))
        })
        .collect()
}

fn periods(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(p, n)| (p.to_string(), *n)).collect()
}

const DST: &str = "tests/data/series/dst.csv";
const MONTHS: &str = "tests/data/series/months.csv";
const LEAP: &str = "tests/data/series/leap.csv";

// ---------------------------------------------------------------------------------------------
// --every: each unit across a DST change in Europe/Bucharest
// ---------------------------------------------------------------------------------------------

// dst.csv in Bucharest local time:
//   r1 2026-03-28T21:59:59Z = Sat 03-28 23:59:59 +02
//   r2 2026-03-28T22:00:00Z = Sun 03-29 00:00:00 +02
//   r3 2026-03-29T20:59:59Z = Sun 03-29 23:59:59 +03 (the 23-hour day)
//   r4 2026-03-29T21:00:00Z = Mon 03-30 00:00:00 +03
//   r5 2026-03-31T21:00:00Z = Wed 04-01 00:00:00 +03
//   r6 2026-12-31T22:00:00Z = Fri 2027-01-01 00:00:00 +02
//   r7 no created_at: in no period
// `--to 2026-04-02` (local midnight) leaves r6 out.

#[test]
fn every_day_buckets_local_days_across_the_spring_change() {
    let r = report(&["--tz", "Europe/Bucharest", "--every", "day", "--to", "2026-04-02", DST]);
    // 03-28: r1 · 03-29 (23 h): r2, r3 · 03-30: r4 · 03-31: none, an empty middle period ·
    // 04-01: r5.
    let expected = periods(&[
        ("2026-03-28", 1),
        ("2026-03-29", 2),
        ("2026-03-30", 1),
        ("2026-03-31", 0),
        ("2026-04-01", 1),
    ]);
    assert_eq!(per_period(&r, "support"), expected);
    assert_eq!(per_period(&r, "all"), expected);
    // Without --by, service has a row per period too, empty: interactions 0, every n 0.
    let service = per_period(&r, "service");
    assert_eq!(service.len(), 5);
    assert!(service.iter().all(|(_, n)| *n == 0));
    let rows = r["rows"].as_array().unwrap();
    let empty = rows.iter().find(|row| row["period"] == "2026-03-31").unwrap();
    assert_eq!(empty["csat"], Value::Null);
    assert_eq!(empty["csat_n"], 0);
    assert_eq!(empty["churn_n"], 0);
    // Rows in category order, then period order; `period` right after `category`.
    let categories: Vec<&str> = rows.iter().map(|r| r["category"].as_str().unwrap()).collect();
    assert_eq!(categories, [["support"; 5], ["service"; 5], ["all"; 5]].concat());
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().take(3).collect();
    assert_eq!(keys, ["category", "period", "interactions"]);
}

#[test]
fn every_week_starts_on_monday_and_the_dst_week_has_167_hours() {
    let r = report(&["--tz", "Europe/Bucharest", "--every", "week", "--to", "2026-04-02", DST]);
    // The week of Mon 03-23 runs 03-22T22:00Z to 03-29T21:00Z: r1, r2, r3 (r3 one second
    // before its end). The week of Mon 03-30: r4, r5.
    assert_eq!(per_period(&r, "all"), periods(&[("2026-03-23", 3), ("2026-03-30", 2)]));
}

#[test]
fn every_week_can_start_on_sunday() {
    let args = ["--tz", "Europe/Bucharest", "--every", "week", "--week-start", "sunday"];
    let r = report(&[&args[..], &["--to", "2026-04-02", DST]].concat());
    // Sunday weeks: r1 (Saturday 03-28) is in the week of Sun 03-22; r2–r5 (Sun 03-29 to Wed
    // 04-01) in the week of Sun 03-29.
    assert_eq!(per_period(&r, "all"), periods(&[("2026-03-22", 1), ("2026-03-29", 4)]));
}

#[test]
fn every_month_lists_every_month_from_the_first_to_the_last() {
    let r = report(&["--tz", "Europe/Bucharest", "--every", "month", DST]);
    // March: r1–r4 · April: r5 (00:00 +03 on the 1st) · May–December: none · January 2027:
    // r6 (00:00 +02 on the 1st). 11 months.
    let mut expected = vec![("2026-03-01".to_string(), 4), ("2026-04-01".to_string(), 1)];
    for month in 5..=12 {
        expected.push((format!("2026-{month:02}-01"), 0));
    }
    expected.push(("2027-01-01".to_string(), 1));
    assert_eq!(per_period(&r, "all"), expected);
}

#[test]
fn every_quarter_and_every_year() {
    let r = report(&["--tz", "Europe/Bucharest", "--every", "quarter", DST]);
    // Q1: r1–r4 · Q2: r5 · Q3, Q4: none · 2027 Q1: r6.
    assert_eq!(
        per_period(&r, "all"),
        periods(&[
            ("2026-01-01", 4),
            ("2026-04-01", 1),
            ("2026-07-01", 0),
            ("2026-10-01", 0),
            ("2027-01-01", 1),
        ])
    );
    let r = report(&["--tz", "Europe/Bucharest", "--every", "year", DST]);
    // 2026: r1–r5 · 2027: r6 (local New Year; 2026-12-31 in UTC).
    assert_eq!(per_period(&r, "all"), periods(&[("2026-01-01", 5), ("2027-01-01", 1)]));
}

#[test]
fn the_same_log_in_utc_buckets_by_utc_dates() {
    let r = report(&["--every", "day", "--to", "2026-04-01", DST]);
    // In UTC: r1, r2 on 03-28; r3, r4 on 03-29; r5 on 03-31; 03-30 empty.
    assert_eq!(
        per_period(&r, "all"),
        periods(&[("2026-03-28", 2), ("2026-03-29", 2), ("2026-03-30", 0), ("2026-03-31", 1),])
    );
}

// ---------------------------------------------------------------------------------------------
// --every with a window, churn per period, --by
// ---------------------------------------------------------------------------------------------

// months.csv (UTC):
//   a1 c1 chat  03-16 csat 5 churned 03-20      a5 c2 email 04-02 csat 5 churned 04-05
//   a2 c2 email 03-17 csat 3 churned 04-05      a6 c1 chat  04-03 csat 4 churned 03-20
//   a3 c3 chat  03-18 csat 4 never              a7 c3 chat  03-01 csat 5 never
//   a4 c4 chat  03-19 csat 2 churned 03-10      a8 c5 email 04-20 csat 1 never

#[test]
fn a_window_cuts_the_first_and_last_periods_and_churn_uses_the_cut_bounds() {
    let r = report(&["--every", "month", "--from", "2026-03-15", "--to", "2026-04-10", MONTHS]);
    // March, cut to [03-15, 04-01): a1–a4 (a7 on 03-01 is before --from). CSAT ≥ 4: a1, a3 →
    // 2/4 = 50 %. Churn base: c1 (03-20 ≥ 03-15), c2 (04-05), c3 (never); not c4 (03-10, before
    // the cut start) → 3; churned in [03-15, 04-01): c1 → 1/3.
    // April, cut to [04-01, 04-10): a5, a6 (a8 on 04-20 is after --to). CSAT 2/2 = 100 %.
    // Churn base: c2 (04-05 ≥ 04-01); not c1 (03-20) → 1; churned in [04-01, 04-10): c2 → 100 %.
    let fields = ["category", "period", "interactions", "csat", "churn", "churn_n"];
    assert_eq!(
        pick(&r, &fields),
        [
            json!(["support", "2026-03-01", 4, 50.0, 100.0 / 3.0, 3]),
            json!(["support", "2026-04-01", 2, 100.0, 100.0, 1]),
            json!(["service", "2026-03-01", 0, null, null, 0]),
            json!(["service", "2026-04-01", 0, null, null, 0]),
            json!(["all", "2026-03-01", 4, 50.0, 100.0 / 3.0, 3]),
            json!(["all", "2026-04-01", 2, 100.0, 100.0, 1]),
        ]
    );
}

#[test]
fn every_with_by_has_only_the_combinations_that_occur() {
    let r = report(&[
        "--every",
        "month",
        "--from",
        "2026-03-15",
        "--to",
        "2026-04-10",
        "--by",
        "channel",
        MONTHS,
    ]);
    // March: chat a1, a3, a4 (CSAT ≥ 4: a1, a3 → 2/3), email a2 (3 → 0 %). April: chat a6 (4),
    // email a5 (5). No service rows: with --by only groups that occur.
    let fields = ["category", "period", "channel", "interactions", "csat"];
    assert_eq!(
        pick(&r, &fields),
        [
            json!(["support", "2026-03-01", "chat", 3, 200.0 / 3.0]),
            json!(["support", "2026-03-01", "email", 1, 0.0]),
            json!(["support", "2026-04-01", "chat", 1, 100.0]),
            json!(["support", "2026-04-01", "email", 1, 100.0]),
            json!(["all", "2026-03-01", "chat", 3, 200.0 / 3.0]),
            json!(["all", "2026-03-01", "email", 1, 0.0]),
            json!(["all", "2026-04-01", "chat", 1, 100.0]),
            json!(["all", "2026-04-01", "email", 1, 100.0]),
        ]
    );
}

#[test]
fn csv_has_the_period_after_the_category() {
    let r = run(&["report", "--format", "csv", "--every", "year", MONTHS]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let header = r.stdout.lines().next().unwrap();
    assert!(header.starts_with("category,period,interactions,csat,csat_n,"), "{header}");
    // 2026: all eight records.
    assert!(r.stdout.lines().any(|l| l.starts_with("all,2026-01-01,8,")), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// --compare
// ---------------------------------------------------------------------------------------------

#[test]
fn compare_previous_with_every_uses_the_whole_period_before_outside_the_window() {
    let r = report(&[
        "--every",
        "month",
        "--compare",
        "previous",
        "--from",
        "2026-04-01",
        "--to",
        "2026-05-01",
        MONTHS,
    ]);
    // April: a5, a6, a8 → CSAT ≥ 4: a5, a6 → 2/3. Churn base c2 (04-05), c5 (never), not c1
    // (03-20) → 2; churned c2 → 50 %.
    // Its comparison window is all of March, outside --from/--to: a1–a4 and a7 → 5; CSAT ≥ 4:
    // a1, a3, a7 → 3/5 = 60 %. Churn over [03-01, 04-01): base c1, c2, c3, c4 (03-10 ≥ 03-01)
    // → 4; churned c1 (03-20), c4 (03-10) → 50 %.
    let fields = [
        "category",
        "period",
        "interactions",
        "csat",
        "churn",
        "churn_n",
        "interactions_prev",
        "csat_prev",
        "csat_n_prev",
        "churn_prev",
        "churn_n_prev",
    ];
    assert_eq!(
        pick(&r, &fields),
        [
            json!(["support", "2026-04-01", 3, 200.0 / 3.0, 50.0, 2, 5, 60.0, 5, 50.0, 4]),
            json!(["service", "2026-04-01", 0, null, null, 0, 0, null, 0, null, 0]),
            json!(["all", "2026-04-01", 3, 200.0 / 3.0, 50.0, 2, 5, 60.0, 5, 50.0, 4]),
        ]
    );
    // No "compare" object with --every: each period has its own comparison window.
    assert!(r.get("compare").is_none());
    // The `_prev` columns follow every §3 column, in §3 order.
    let keys: Vec<&String> = r["rows"][0].as_object().unwrap().keys().collect();
    let first_prev = keys.iter().position(|k| k.ends_with("_prev")).unwrap();
    assert_eq!(keys[first_prev - 1].as_str(), "churn_n");
    assert_eq!(keys[first_prev].as_str(), "interactions_prev");
    assert_eq!(keys.last().unwrap().as_str(), "churn_n_prev");
    // category, period, 21 values (SPEC §3 with TTR), 21 `_prev`.
    let prev = keys.iter().filter(|k| k.ends_with("_prev")).count();
    assert_eq!((keys.len(), prev), (2 + 21 + 21, 21));
}

#[test]
fn the_first_period_has_no_previous_one() {
    let r = report(&["--every", "month", "--compare", "previous", MONTHS]);
    // March (a1–a4, a7) compares with February: no records → every _prev null, counts 0.
    // April (a5, a6, a8) compares with March: 5 records.
    let fields = ["category", "period", "interactions", "interactions_prev", "csat_prev"];
    assert_eq!(
        pick(&r, &fields)[..2],
        [
            json!(["support", "2026-03-01", 5, 0, null]),
            json!(["support", "2026-04-01", 3, 5, 60.0]),
        ]
    );
}

#[test]
fn compare_previous_without_every_is_the_same_length_just_before() {
    let r =
        report(&["--from", "2026-04-01", "--to", "2026-04-10", "--compare", "previous", MONTHS]);
    // 9 days: the comparison window is [03-23, 04-01), which holds no record — every _prev
    // value null and every _prev count 0. The window: a5, a6.
    assert_eq!(r["compare"], json!({"from": "2026-03-23T00:00:00Z", "to": "2026-04-01T00:00:00Z"}));
    let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["window", "compare", "input", "rows"]);
    let fields =
        ["category", "interactions", "csat", "interactions_prev", "csat_prev", "csat_n_prev"];
    assert_eq!(
        pick(&r, &fields),
        [
            json!(["support", 2, 100.0, 0, null, 0]),
            json!(["service", 0, null, 0, null, 0]),
            json!(["all", 2, 100.0, 0, null, 0]),
        ]
    );
}

// leap.csv (UTC): y1 2028-02-29 10:00 csat 5 · y2 2028-02-28 10:00 csat 2 · y3 2027-02-28 12:00
// csat 4 · y4 2027-03-01 00:00 csat 1 · y5 2027-02-27 23:59:59 csat 1.

#[test]
fn compare_year_moves_29_february_to_28_february() {
    let r = report(&["--from", "2028-02-29", "--to", "2028-03-01", "--compare", "year", LEAP]);
    // [2028-02-29, 2028-03-01) a year earlier: [2027-02-28, 2027-03-01) — y3 only (y4 is at
    // the exclusive end, y5 a second before the start).
    assert_eq!(r["compare"], json!({"from": "2027-02-28T00:00:00Z", "to": "2027-03-01T00:00:00Z"}));
    let fields = ["category", "interactions", "csat", "interactions_prev", "csat_prev"];
    assert_eq!(
        pick(&r, &fields),
        [
            json!(["support", 0, null, 0, null]),
            json!(["service", 1, 100.0, 1, 100.0]),
            json!(["all", 1, 100.0, 1, 100.0]),
        ]
    );
}

#[test]
fn compare_year_by_day_gives_28_and_29_february_the_same_day_a_year_earlier() {
    let r = report(&[
        "--every",
        "day",
        "--from",
        "2028-02-28",
        "--to",
        "2028-03-01",
        "--compare",
        "year",
        LEAP,
    ]);
    // 2028-02-28 (y2, csat 2 → 0 %) and 2028-02-29 (y1, 5 → 100 %) both compare with
    // 2027-02-28 (y3, 4 → 100 %).
    let fields = ["category", "period", "interactions", "csat", "interactions_prev", "csat_prev"];
    assert_eq!(
        pick(&r, &fields)[2..4],
        [
            json!(["service", "2028-02-28", 1, 0.0, 1, 100.0]),
            json!(["service", "2028-02-29", 1, 100.0, 1, 100.0]),
        ]
    );
}

#[test]
fn compare_year_by_week_is_52_weeks_earlier() {
    let r = report(&[
        "--every",
        "week",
        "--from",
        "2028-02-28",
        "--to",
        "2028-03-06",
        "--compare",
        "year",
        LEAP,
    ]);
    // The week of Monday 2028-02-28: y1, y2 (CSAT 5, 2 → 50 %). 52 weeks earlier is the week
    // of Monday 2027-03-01, which holds y4 (CSAT 1 → 0 %); y3 (Sunday 2027-02-28) is in the
    // week before, though it is the same calendar date a year earlier.
    let fields = ["category", "period", "interactions", "csat", "interactions_prev", "csat_prev"];
    assert_eq!(pick(&r, &fields)[1], json!(["service", "2028-02-28", 2, 50.0, 1, 0.0]));
}

#[test]
fn every_and_compare_need_created_at() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.csv");
    std::fs::write(&log, "interaction_id,category\nx1,support\n").unwrap();
    for option in ["--every", "--compare"] {
        let value = if option == "--every" { "week" } else { "previous" };
        let mut args = vec!["report", option, value, log.to_str().unwrap()];
        if option == "--compare" {
            args.extend(["--every", "day"]);
        }
        let r = run(&args);
        assert_eq!(r.code, Some(2), "{r:#?}");
        assert!(r.stderr.contains("no created_at column"), "{}", r.stderr);
    }
}

#[test]
fn compare_needs_a_window_or_every() {
    for args in [
        &["report", "--compare", "previous", LEAP][..],
        &["report", "--compare", "year", "--from", "2028-01-01", LEAP][..],
        &["report", "--compare", "previous", "--to", "2028-01-01", LEAP][..],
    ] {
        let r = run(args);
        assert_eq!(r.code, Some(2), "{args:?}: {r:#?}");
        assert_eq!(r.stdout, "");
        assert!(
            r.stderr.contains("--compare needs --every, or both --from and --to"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn bad_option_values_are_usage_errors() {
    for args in [
        &["report", "--every", "fortnight", LEAP][..],
        &["report", "--every", "week", "--week-start", "friday", LEAP][..],
        &["report", "--compare", "last", LEAP][..],
    ] {
        let r = run(args);
        assert_eq!(r.code, Some(2), "{args:?}: {r:#?}");
        assert!(r.stderr.contains("invalid value"), "{}", r.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// `cxkpi report ARGS` (with `--format` in ARGS), which must succeed silently.
fn table(args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, Some(0), "exit code of {all:?}; stderr: {}", r.stderr);
    assert_eq!(r.stderr, "", "stderr of {all:?}");
    r.stdout
}

#[test]
fn table_with_every_has_a_row_per_period() {
    // The values of every_day_buckets_local_days_across_the_spring_change.
    let out = table(&[
        "--format",
        "table",
        "--tz",
        "Europe/Bucharest",
        "--every",
        "day",
        "--to",
        "2026-04-02",
        DST,
    ]);
    insta::assert_snapshot!("table_every_day", out);
}

#[test]
fn table_with_compare_shows_each_change_and_its_direction() {
    // The values of compare_previous_with_every_uses_the_whole_period_before_outside_the_window:
    // CSAT 66.7 % against 60 % is +6.7 points, better; churn 50 % against 50 %, the same;
    // interactions 3 against 5, −2.
    let args = [
        "--every",
        "month",
        "--compare",
        "previous",
        "--from",
        "2026-04-01",
        "--to",
        "2026-05-01",
        MONTHS,
    ];
    let out = table(&[&["--format", "table"][..], &args].concat());
    insta::assert_snapshot!("table_compare_every", out);
    let out = table(&[&["--format", "markdown"][..], &args].concat());
    insta::assert_snapshot!("markdown_compare_every", out);
}

#[test]
fn table_without_every_compares_one_column_per_category() {
    // compare_year_moves_29_february_to_28_february: service and all CSAT 100 % against
    // 100 %, the same; support has no records in either window.
    let out = table(&[
        "--format",
        "table",
        "--from",
        "2028-02-29",
        "--to",
        "2028-03-01",
        "--compare",
        "year",
        LEAP,
    ]);
    insta::assert_snapshot!("table_compare_year", out);
    // The first period has nothing to compare with: `new`.
    let out = table(&["--format", "table", "--every", "month", "--compare", "previous", MONTHS]);
    assert!(out.contains("new"), "{out}");
}

#[test]
fn colour_marks_better_and_worse_only_when_asked() {
    let args = [
        "--format",
        "table",
        "--every",
        "month",
        "--compare",
        "previous",
        "--from",
        "2026-04-01",
        "--to",
        "2026-05-01",
        MONTHS,
    ];
    // CSAT is better (green, 32), no change is worse here: no red.
    let coloured = table(&[&args[..], &["--color", "always"]].concat());
    assert!(
        coloured.contains("\u{1b}[38;5;10m") || coloured.contains("\u{1b}[32m"),
        "{coloured:?}"
    );
    // Not a terminal: no colour by default, nor with --color never.
    for extra in [&[][..], &["--color", "never"][..]] {
        let plain = table(&[&args[..], extra].concat());
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        assert!(plain.contains("+6.7 better"), "{plain}");
    }
}

// ---------------------------------------------------------------------------------------------
// check: change rules
// ---------------------------------------------------------------------------------------------

const CHANGE_SLA: &str = "tests/data/series/change.toml";

#[test]
fn max_drop_passes_and_breaches_per_period() {
    let r = run(&["check", "--sla", CHANGE_SLA, "--format", "json", "--every", "month", MONTHS]);
    // --every alone compares each month with the one before.
    // CSAT: March 60 % (a1, a3, a7 of 5) has no February → no data; April 66.7 % − 60 % =
    // +6.7 ≥ −5 → pass.
    // Interactions: March 5 − 0 = +5 → pass; April 3 − 5 = −2 < −1 → breach, so exit 1.
    assert_eq!(r.code, Some(1), "{r:#?}");
    let verdicts: Vec<Value> = (r.json()["results"].as_array().unwrap().iter())
        .map(|v| json!([v["rule"], v["group"]["period"], v["previous"], v["change"], v["status"]]))
        .collect();
    let csat = "CSAT drops at most 5 points";
    let volume = "volume drops by at most 1";
    assert_eq!(
        verdicts,
        [
            json!([csat, "2026-03-01", null, null, "no data"]),
            json!([csat, "2026-04-01", 60.0, 200.0 / 3.0 - 60.0, "pass"]),
            json!([volume, "2026-03-01", 0.0, 5.0, "pass"]),
            json!([volume, "2026-04-01", 5.0, -2.0, "breach"]),
        ]
    );
    // The table names the breaching period.
    let r = run(&["check", "--sla", CHANGE_SLA, "--every", "month", MONTHS]);
    assert_eq!(r.code, Some(1));
    let breach = r.stdout.lines().find(|l| l.contains("breach ")).unwrap();
    assert!(breach.contains("period=2026-04-01") && breach.contains("-2 (5 → 3)"), "{}", r.stdout);
}

#[test]
fn max_drop_passes_with_compare_and_a_window() {
    let r = run(&[
        "check",
        "--sla",
        CHANGE_SLA,
        "--from",
        "2026-04-01",
        "--to",
        "2026-05-01",
        "--compare",
        "previous",
        MONTHS,
    ]);
    // April (a5, a6, a8) against [03-02, 04-01) (a1–a4): CSAT 66.7 % against 2/4 = 50 % →
    // +16.7; interactions 3 − 4 = −1, not below −1 → both pass.
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stdout.contains("2 pass, 0 breach, 0 no data"), "{}", r.stdout);
}

#[test]
fn change_rules_need_compare_or_every() {
    let r = run(&["check", "--sla", CHANGE_SLA, MONTHS]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("needs --compare or --every"), "{}", r.stderr);
}

#[test]
fn a_rule_has_one_of_min_max_max_drop_max_rise() {
    let dir = tempfile::tempdir().unwrap();
    let sla = dir.path().join("sla.toml");
    std::fs::write(
        &sla,
        "[[rule]]\ncategory = \"all\"\nmetric = \"csat\"\nmin = 80\nmax_drop = 5\n",
    )
    .unwrap();
    let r = run(&["check", "--sla", sla.to_str().unwrap(), "--every", "month", MONTHS]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("more than one of min, max, max_drop and max_rise"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// snapshot
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_with_every_keeps_a_row_per_period() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let history = history.to_str().unwrap();
    let args = [
        "snapshot",
        "--history",
        history,
        "--as-of",
        "2026-05-01T00:00:00Z",
        "--every",
        "month",
        "--compare",
        "previous",
        MONTHS,
    ];
    for _ in 0..2 {
        // The second run, with the same --as-of, replaces the first.
        let r = run(&args);
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{r:#?}");
    }
    let text = std::fs::read_to_string(history).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("snapshot_at,window_from,window_to,category,period,interactions,"),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with(",churn_prev,churn_n_prev"), "{}", lines[0]);
    // 3 categories × 2 months; March (5 records, CSAT 60 %), April (3, 66.7 % against 60 %).
    assert_eq!(lines.len(), 1 + 6, "{text}");
    let row = |prefix: &str| lines.iter().find(|l| l.starts_with(prefix)).copied().unwrap();
    let march = row("2026-05-01T00:00:00Z,,,all,2026-03-01,");
    assert!(march.starts_with("2026-05-01T00:00:00Z,,,all,2026-03-01,5,60.0,5,"), "{march}");
    let april = row("2026-05-01T00:00:00Z,,,all,2026-04-01,");
    assert!(april.starts_with("2026-05-01T00:00:00Z,,,all,2026-04-01,3,66.66666666666667,3,"));
    // The `_prev` columns: interactions_prev 5, csat_prev 60, csat_n_prev 5.
    assert!(april.contains(",5,60.0,5,"), "{april}");
    // A snapshot without --every does not fit that history.
    let r = run(&["snapshot", "--history", history, "--as-of", "2026-06-01T00:00:00Z", MONTHS]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("use the same --by, --every and --compare"), "{}", r.stderr);
}
