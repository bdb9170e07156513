//! What belongs here: the time-to-resolution columns (SPEC §3), `--schedule` business hours
//! (§10), and histories written before the TTR columns existed (§6).
//!
//! `tests/data/schedule/log.csv` (all support; 2026-03-06 is a Friday) on `hours.toml`
//! (Mon–Fri 09:00–17:00 UTC, holiday 2026-03-10, team "night" open around the clock), by hand:
//!
//! | id | team | first response (business) | resolution (business) | resolution (calendar) |
//! |----|------|---------------------------|------------------------|-----------------------|
//! | R1 | day | Fri 16:50→17:00 + Mon 09:00→09:20 = 1800 s | 10 min + Mon 09:00→10:00 = 4200 s | 65 h 10 m = 234600 s |
//! | R2 | day | Sat 10:00→11:00, closed: 0 | Mon 09:00→09:30 = 1800 s | 47 h 30 m = 171000 s |
//! | R3 | night (" night " trimmed) | 1 h = 3600 s | 24 h = 86400 s | 86400 s |
//! | R4 | day | Tue holiday, Wed 09:00→09:15 = 900 s | unresolved | — |
//!
//! frt_bh: 0, 900, 1800, 3600 → mean 1575, median (900 + 1800) / 2 = 1350, p90 at rank
//! 0.9 × 3 = 2.7: 1800 + 0.7 × 1800 = 3060. ttr_bh: 1800, 4200, 86400 → mean 30800, median
//! 4200, p90 at rank 1.8: 4200 + 0.8 × 82200 = 69960. ttr: 86400, 171000, 234600 → mean
//! 164000, median 171000, p90 at rank 1.8: 171000 + 0.8 × 63600 = 221880.

use serde_json::Value;

use crate::util::{crate_root, Cxkpi};

const LOG: &str = "tests/data/schedule/log.csv";

fn support_row(args: &str) -> Value {
    Cxkpi::new(args).json()["rows"][0].clone()
}

#[test]
fn business_hours_follow_the_schedule_its_holidays_and_its_overrides() {
    let row = support_row(&format!(
        "report --format json --schedule tests/data/schedule/hours.toml {LOG}"
    ));
    let expected = [
        ("frt_bh_mean_s", 1575.0),
        ("frt_bh_median_s", 1350.0),
        ("frt_bh_p90_s", 3060.0),
        ("frt_bh_n", 4.0),
        ("ttr_bh_mean_s", 30800.0),
        ("ttr_bh_median_s", 4200.0),
        ("ttr_bh_p90_s", 69960.0),
        ("ttr_bh_n", 3.0),
        ("ttr_mean_s", 164000.0),
        ("ttr_median_s", 171000.0),
        ("ttr_p90_s", 221880.0),
        ("ttr_n", 3.0),
    ];
    for (column, value) in expected {
        let actual = row[column].as_f64().unwrap_or_else(|| panic!("{column}: {row}"));
        assert!((actual - value).abs() < 1e-6, "{column}: {actual} != {value}");
    }
    // The business-hours columns follow ttr_n and precede churn (SPEC §3).
    let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
    let at = |name: &str| keys.iter().position(|k| *k == name).unwrap();
    assert_eq!(at("frt_bh_mean_s"), at("ttr_n") + 1);
    assert_eq!(at("churn"), at("ttr_bh_n") + 1);
}

#[test]
fn without_a_schedule_there_are_no_business_hours_columns() {
    let row = support_row(&format!("report --format json {LOG}"));
    assert!(row.get("frt_bh_n").is_none(), "{row}");
    assert_eq!(row["ttr_n"], 3);
}

/// `cxkpi report --schedule` with `schedule` as the file's text: exit 2, and stderr names
/// each of `needles`.
fn rejects(schedule: &str, needles: &[&str]) {
    let stderr = Cxkpi::new("report --schedule hours.toml")
        .arg(crate_root().join(LOG))
        .file("hours.toml", schedule)
        .usage_error();
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
    }
}

const ZONE: &str = "timezone = \"UTC\"\n";

#[test]
fn a_toml_syntax_error_names_its_line() {
    rejects(
        // An unquoted interval on line 3, and a valid line after it.
        &format!("{ZONE}[hours]\nmon = [09:00-17:00]\ntue = []\n"),
        &["hours.toml", "line 3"],
    );
}

#[test]
fn an_unknown_weekday_is_named() {
    rejects(&format!("{ZONE}[hours]\nmonday = [\"09:00-17:00\"]\n"), &["line 3", "monday"]);
}

#[test]
fn an_unknown_zone_is_named() {
    rejects("timezone = \"Mars/Olympus\"\n", &["line 1", "Mars/Olympus"]);
}

#[test]
fn a_time_past_24_00_is_refused() {
    rejects(&format!("{ZONE}[hours]\nmon = [\"09:00-25:00\"]\n"), &["line 3", "25:00"]);
}

#[test]
fn an_end_not_after_its_start_is_refused() {
    rejects(&format!("{ZONE}[hours]\nmon = [\"17:00-09:00\"]\n"), &["line 3", "17:00-09:00"]);
}

#[test]
fn overlapping_intervals_are_both_named() {
    rejects(
        &format!("{ZONE}[hours]\nmon = [\"09:00-13:00\", \"12:00-17:00\"]\n"),
        &["line 3", "09:00-13:00", "12:00-17:00"],
    );
}

#[test]
fn a_match_key_that_is_not_a_column_is_named() {
    rejects(
        &format!("{ZONE}[[schedule]]\nmatch = {{ squad = \"night\" }}\n"),
        &["--schedule match key squad", "the input has columns"],
    );
}

#[test]
fn a_missing_schedule_file_is_named() {
    let stderr = Cxkpi::new(&format!("report --schedule no-such.toml {LOG}")).usage_error();
    assert_eq!(stderr, "error: no-such.toml: no such schedule file\n");
}

/// `tests/data/history/before_ttr.{csv,ndjson}` were written by the release before the TTR
/// columns (commit 1832b38: `cxkpi snapshot --history … --as-of 2026-04-01T00:00:00Z
/// tests/data/schedule/log.csv`). Returns the history after a snapshot taken on it, and the
/// support TTR series `trend` then reads from it.
fn upgrade(extension: &str) -> (String, String) {
    let name = format!("history.{extension}");
    let old = crate_root().join(format!("tests/data/history/before_ttr.{extension}"));
    let snapshot = Cxkpi::new(&format!("snapshot --history {name} --as-of 2026-04-02T00:00:00Z"))
        .arg(crate_root().join(LOG))
        .file(&name, std::fs::read(old).unwrap())
        .run()
        .status(0);
    assert_eq!(snapshot.stderr, "", "{snapshot:#?}");
    let trend = Cxkpi::new(&format!(
        "trend --history {name} --format csv --metric ttr_mean_s --category support"
    ))
    .current_dir(snapshot.dir())
    .ok();
    (std::fs::read_to_string(snapshot.dir().join(&name)).unwrap(), trend)
}

#[test]
fn a_csv_history_from_before_ttr_gains_empty_ttr_columns() {
    let (history, trend) = upgrade("csv");
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(
        lines[0],
        "snapshot_at,window_from,window_to,category,interactions,csat,csat_n,nps,nps_n,ces,\
         ces_n,fcr,fcr_n,aht_s,aht_n,frt_mean_s,frt_median_s,frt_p90_s,frt_n,ttr_mean_s,\
         ttr_median_s,ttr_p90_s,ttr_n,churn,churn_n"
    );
    // The old support row keeps its values and its TTR is empty. FRT of R1–R4 in calendar
    // time, by hand: 232200 (64 h 30 m), 3600, 3600, 83700 (23 h 15 m) → mean 80775, median
    // (3600 + 83700) / 2 = 43650, p90 at rank 2.7: 83700 + 0.7 × 148500 = 187650.
    assert_eq!(
        lines[1],
        "2026-04-01T00:00:00Z,,,support,4,,0,,0,,0,,0,,0,80775.0,43650.0,187650.00000000003,4,\
         ,,,,,0"
    );
    assert_eq!(
        lines[4],
        "2026-04-02T00:00:00Z,,,support,4,,0,,0,,0,,0,,0,80775.0,43650.0,187650.00000000003,4,\
         164000.0,171000.0,221880.0,3,,0"
    );
    assert_eq!(lines.len(), 7);
    assert_eq!(
        trend,
        "snapshot_at,category,metric,value,n,change\n\
         2026-04-01T00:00:00Z,support,ttr_mean_s,,0,\n\
         2026-04-02T00:00:00Z,support,ttr_mean_s,164000.0,3,\n"
    );
}

#[test]
fn an_ndjson_history_from_before_ttr_gains_null_ttr_fields() {
    let (history, trend) = upgrade("ndjson");
    let rows: Vec<Value> =
        (history.lines()).map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(rows.len(), 6);
    let old = rows[0].as_object().unwrap();
    let keys: Vec<&str> = old.keys().map(String::as_str).collect();
    let at = |name: &str| keys.iter().position(|k| *k == name).unwrap();
    assert_eq!(at("ttr_mean_s"), at("frt_n") + 1);
    assert_eq!(old["ttr_mean_s"], Value::Null);
    assert_eq!(old["ttr_n"], Value::Null);
    assert_eq!(old["frt_mean_s"], 80775.0);
    assert_eq!(rows[3]["ttr_mean_s"], 164000.0);
    assert!(trend.ends_with("2026-04-02T00:00:00Z,support,ttr_mean_s,164000.0,3,\n"));
}
