//! What belongs here: tests for real exports as they come (SPEC §2 Excel, Parquet and the DST rule,
//! §7 presets, sniffed timestamp formats and `cxkpi inspect`), through the real binary.
//!
//! The fixtures in `tests/data/exports/` are small files written here in the shape of each
//! export (no third-party data); every expected figure is worked out by hand in the comment
//! next to it.

use std::path::{Path, PathBuf};

use crate::util::{Cxkpi, Run};
use serde_json::Value;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/exports")
}

/// `cxkpi ARGS`, run in `tests/data/exports`.
fn cxkpi(args: &[&str]) -> Run {
    Cxkpi::new("").arg_list(args).current_dir(data_dir()).run().assert_utf8()
}

/// `cxkpi report --format json ARGS`, which must succeed.
fn run_report(args: &[&str]) -> (Value, String) {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    let run = cxkpi(&all);
    assert_eq!(run.code, Some(0), "{run:#?}");
    (run.json(), run.stderr)
}

fn row<'a>(report: &'a Value, category: &str) -> &'a Value {
    (report["rows"].as_array().expect("rows"))
        .iter()
        .find(|r| r["category"] == category)
        .unwrap_or_else(|| panic!("no {category} row in {report:#}"))
}

fn number(row: &Value, column: &str) -> Option<f64> {
    row[column].as_f64()
}

// ---------------------------------------------------------------------------------------------
// Presets on exports as they come
// ---------------------------------------------------------------------------------------------

/// A Zendesk legacy ticket CSV: `08-04-2023 20:52` dates, no "Ticket type", no business-hours
/// minutes.
#[test]
fn zendesk_legacy_export_without_ticket_type() {
    let (report, stderr) = run_report(&["--preset", "zendesk", "zendesk_legacy.csv"]);
    // No Ticket type: every ticket is uncategorized, and stderr says so in one line.
    assert!(
        stderr.contains("category (\"Ticket type\": every record is uncategorized)"),
        "{stderr}"
    );
    assert!(stderr.contains("first_response_bh_seconds"), "{stderr}");
    assert_eq!((stderr.lines()).filter(|l| l.contains("not in the input")).count(), 1, "{stderr}");
    // 13-04-2023 decides day first.
    assert!(
        stderr.contains(
            "created_at (from \"Created at\"): timestamps read as day first, DD-MM-YYYY HH:MM"
        ),
        "{stderr}"
    );
    assert_eq!(report["input"]["records"], 4);
    assert_eq!(row(&report, "support")["interactions"], 0);
    let all = row(&report, "all");
    assert_eq!(row(&report, "uncategorized")["interactions"], 4);
    // CSAT: Good → 5, Bad → 1, Offered → missing, "4" as it is: 5, 1, 4 → 2 of 3 satisfied.
    assert_eq!(all["csat_n"], 3);
    assert_eq!(number(all, "csat"), Some(200.0 / 3.0));
    // FCR (ticket mode, resolved tickets 1, 3, 4): #1 one reply, #3 none, #4 reopened → 2 of 3.
    assert_eq!(all["fcr_n"], 3);
    assert_eq!(number(all, "fcr"), Some(200.0 / 3.0));
    // FRT from "First reply time in minutes": 30, 120, 60 min → mean 70 min = 4200 s.
    assert_eq!(all["frt_n"], 3);
    assert_eq!(number(all, "frt_mean_s"), Some(4200.0));
    // TTR from Created at → Solved at: #1 20:52 → 08:00 next day = 11 h 08 min = 40080 s,
    // #3 2 h = 7200 s, #4 2 days = 172800 s; mean 220080 / 3 = 73360 s.
    assert_eq!(all["ttr_n"], 3);
    assert_eq!(number(all, "ttr_mean_s"), Some(73360.0));
    // No business-hours columns in the export, no --schedule: no frt_bh columns.
    assert!(all.get("frt_bh_n").is_none(), "{all:#}");
}

/// A Freshdesk CSV re-saved by Excel: `08/01/2025 15:00` day-first dates, CRLF, headers in
/// another case and with a trailing space, H:MM:SS business-hours durations past 24 h.
#[test]
fn freshdesk_export_resaved_by_excel() {
    let (report, stderr) = run_report(&["--preset", "freshdesk", "freshdesk_excel.csv"]);
    assert!(
        stderr.contains("timestamps read as day first, DD/MM/YYYY HH:MM (format \"%d/%m/%Y %H:%M\"): 13/01/2025 09:30 has a first field above 12"),
        "{stderr}"
    );
    // Type: #1 Problem, #4 Incident → support; #2 Question → service; #3 empty → uncategorized
    // (the preset's default = "service" does not take the empty one).
    let support = row(&report, "support");
    let service = row(&report, "service");
    assert_eq!(support["interactions"], 2);
    assert_eq!(service["interactions"], 1);
    assert_eq!(row(&report, "uncategorized")["interactions"], 1);
    // FRT from "Initial response time": #1 30 min, #4 5 min → mean 1050 s; #2 12 days.
    assert_eq!(number(support, "frt_mean_s"), Some(1050.0));
    assert_eq!(number(service, "frt_mean_s"), Some(12.0 * 86400.0));
    // Business hours from "(in hrs)": #2 shows 64:00:00 = 230400 s; #3's 0:00:00 is missing.
    assert_eq!(number(service, "frt_bh_mean_s"), Some(230400.0));
    assert_eq!(number(support, "frt_bh_mean_s"), Some(1050.0));
    assert_eq!(row(&report, "all")["frt_bh_n"], 3);
    // TTR: #1 2 h, #4 45 min → mean (7200 + 2700) / 2 = 4950 s.
    assert_eq!(number(support, "ttr_mean_s"), Some(4950.0));
    // CSAT: Extremely happy 5, Happy 4 → support 100 %; Unhappy 2 → service 0 %; all 2 of 3.
    assert_eq!(number(support, "csat"), Some(100.0));
    assert_eq!(number(service, "csat"), Some(0.0));
    assert_eq!(number(row(&report, "all"), "csat"), Some(200.0 / 3.0));
    // FCR on Agent interactions: #1, #4 one each → 100 %; #2 two → 0 %; #3 unresolved.
    assert_eq!(number(support, "fcr"), Some(100.0));
    assert_eq!(number(service, "fcr"), Some(0.0));
}

/// Every date reads both ways: exit 2, naming the column, both readings and the config line.
#[test]
fn ambiguous_dates_are_exit_2_with_both_readings() {
    let run = cxkpi(&["report", "--preset", "freshdesk", "ambiguous_dates.csv"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    for expected in [
        "created_at (from \"Created time\")",
        "08/01/2025 15:00 is 2025-01-08 15:00 day first (DD/MM/YYYY HH:MM)",
        "2025-08-01 15:00 month first (MM/DD/YYYY HH:MM)",
        "created_at = { column = \"Created time\", format = \"%d/%m/%Y %H:%M\" }",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    // The config line it gives settles it: 08/01 is 8 January, 09/02 9 February.
    let config = data_dir().join("ambiguous_day_first.toml");
    let (report, _) = run_report(&["--config", config.to_str().unwrap(), "ambiguous_dates.csv"]);
    assert_eq!(row(&report, "support")["interactions"], 2);
    // Read day first, `--from 2025-02-01` keeps only #2 (9 February; #3 has no date).
    let (report, _) = run_report(&[
        "--config",
        config.to_str().unwrap(),
        "--from",
        "2025-02-01",
        "ambiguous_dates.csv",
    ]);
    assert_eq!(row(&report, "all")["interactions"], 1);
}

// ---------------------------------------------------------------------------------------------
// DST (SPEC §2)
// ---------------------------------------------------------------------------------------------

/// Paris: 2026-03-29 02:30 does not exist (02:00 +01 → 03:00 +02): read at +01 it is 01:30Z,
/// and 04:00 (+02) is 02:00Z, so TTR 1800 s. 2026-10-25 02:30 and 02:45 happen twice: the
/// earlier (+02) instants, 00:30Z and 00:45Z, so TTR 900 s. Mean 1350 s; nothing is invalid.
#[test]
fn naive_times_in_a_gap_move_forward_and_ambiguous_ones_are_the_earlier() {
    let (report, _) = run_report(&["--tz", "Europe/Paris", "dst_paris.csv"]);
    assert_eq!(report["input"]["skipped"], 0);
    let support = row(&report, "support");
    assert_eq!(support["ttr_n"], 2);
    assert_eq!(number(support, "ttr_mean_s"), Some(1350.0));
    // --from in the gap follows the same rule: 02:30 is 01:30Z, the gap record's own instant,
    // so both records are in the window (from <= created_at).
    let (report, _) =
        run_report(&["--tz", "Europe/Paris", "--from", "2026-03-29 02:30:00", "dst_paris.csv"]);
    assert_eq!(row(&report, "all")["interactions"], 2);
}

// ---------------------------------------------------------------------------------------------
// cxkpi inspect
// ---------------------------------------------------------------------------------------------

/// `cxkpi inspect FILE`, which must succeed; returns the config written to a temporary file.
fn inspect(file: &str) -> (String, tempfile::NamedTempFile) {
    let run = cxkpi(&["inspect", file]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config.path(), &run.stdout).unwrap();
    (run.stdout, config)
}

/// A Zendesk Explore report: `04/13/2023 9:00 AM` month-first 12-hour timestamps, "(min)"
/// durations, Good/Bad satisfaction. Inspect's config, as it comes, gives:
/// support #101 (Incident): FRT 15 min = 900 s, TTR 9:00 AM → 1:30 PM = 16200 s, Good;
/// service #102 (Question) FRT 45 min, unresolved, Bad; #103 (Task) FRT 5 min, TTR 2 days =
/// 172800 s, Offered (no answer). All: FRT (900 + 2700 + 300) / 3 = 1300 s; TTR (16200 +
/// 172800) / 2 = 94500 s; CSAT 1 of 2 = 50 %.
#[test]
fn inspect_zendesk_explore_round_trip() {
    let (text, config) = inspect("zendesk_explore.csv");
    for expected in [
        "Recognised a Zendesk Explore ticket report",
        "timestamps written month first, MM/DD/YYYY h:mm AM/PM (04/13/2023 9:00 AM has a second field above 12)",
        "created_at = { column = \"Ticket created - Timestamp\", format = \"%m/%d/%Y %I:%M %p\" }",
        "first_response_seconds = { column = \"First reply time (min)\", unit = \"min\" }",
        "csat = { column = \"Satisfaction rating\", values = { \"Bad\" = 1, \"Good\" = 5, \"Offered\" = \"\" } }",
        "support = [\"Incident\"]",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    let (report, _) =
        run_report(&["--config", config.path().to_str().unwrap(), "zendesk_explore.csv"]);
    let (support, service, all) =
        (row(&report, "support"), row(&report, "service"), row(&report, "all"));
    assert_eq!(number(support, "frt_mean_s"), Some(900.0));
    assert_eq!(number(support, "ttr_mean_s"), Some(16200.0));
    assert_eq!(service["interactions"], 2);
    assert_eq!(number(service, "ttr_mean_s"), Some(172800.0));
    assert_eq!(number(all, "frt_mean_s"), Some(1300.0));
    assert_eq!(number(all, "ttr_mean_s"), Some(94500.0));
    assert_eq!(number(all, "csat"), Some(50.0));
    assert_eq!(all["csat_n"], 2);
}

/// Inspect recognises the Zendesk legacy and Freshdesk exports, and its configs give the same
/// figures as the presets (see the preset tests above for the arithmetic).
#[test]
fn inspect_gives_the_preset_figures() {
    let (text, config) = inspect("zendesk_legacy.csv");
    assert!(text.contains("Recognised a Zendesk Support ticket export"), "{text}");
    assert!(text.contains("No type-like column"), "{text}");
    assert!(text.contains("Left unmapped (use them as --by keys, or map them above): \"Status\", \"Subject\", \"Updated at\""), "{text}");
    let (report, _) =
        run_report(&["--config", config.path().to_str().unwrap(), "zendesk_legacy.csv"]);
    let all = row(&report, "all");
    assert_eq!(number(all, "csat"), Some(200.0 / 3.0));
    assert_eq!(number(all, "fcr"), Some(200.0 / 3.0));
    assert_eq!(number(all, "frt_mean_s"), Some(4200.0));
    assert_eq!(number(all, "ttr_mean_s"), Some(73360.0));

    let (text, config) = inspect("freshdesk_excel.csv");
    assert!(text.contains("Recognised a Freshdesk ticket export"), "{text}");
    assert!(
        text.contains("first_response_bh_seconds = { column = \"First response time (in hrs)\", unit = \"hh:mm:ss\""),
        "{text}"
    );
    let (report, _) =
        run_report(&["--config", config.path().to_str().unwrap(), "freshdesk_excel.csv"]);
    let (support, service) = (row(&report, "support"), row(&report, "service"));
    assert_eq!(row(&report, "uncategorized")["interactions"], 1);
    assert_eq!(number(support, "frt_mean_s"), Some(1050.0));
    assert_eq!(number(service, "frt_bh_mean_s"), Some(230400.0));
    assert_eq!(number(support, "ttr_mean_s"), Some(4950.0));
    assert_eq!(number(row(&report, "all"), "csat"), Some(200.0 / 3.0));
}

/// Every third-party export in /work/shared/realdata round-trips: `report --config <(inspect
/// FILE) FILE --on-invalid skip` succeeds. Skipped, with a message, where the folder is absent.
#[test]
fn inspect_round_trips_every_real_export() {
    let root = Path::new("/work/shared/realdata");
    if !root.is_dir() {
        eprintln!("skipped: no {}", root.display());
        return;
    }
    // (file, records, skipped): the figures the round trip gives.
    let expected = [
        ("botanic_nps_survey/nps.csv", 13954, 0),
        ("edtech_helpdesk_tickets/ticket_data201803.csv", 14339, 155),
        ("ibm_telco_churn/PwC-Churn-Dataset-with-ticket-counts.csv", 7043, 0),
        ("ibm_telco_churn/Telco-Customer-Churn.csv", 7043, 0),
        ("kaggle_support_tickets/customer_support_tickets.csv", 8469, 0),
        ("pwc_callcenter/Call-Center-Dataset.csv", 5000, 0),
        ("simulated_support_tickets_sla/customer_support_tickets.csv", 5000, 0),
        ("technion_bank_callcenter/data_anonymous_bank_february.tsv", 33344, 0),
    ];
    for (file, records, skipped) in expected {
        let path = root.join(file);
        let path = path.to_str().unwrap();
        let (_, config) = inspect(path);
        let (report, _) = run_report(&[
            "--config",
            config.path().to_str().unwrap(),
            "--on-invalid",
            "skip",
            path,
        ]);
        assert_eq!(report["input"]["records"], records, "{file}");
        assert_eq!(report["input"]["skipped"], skipped, "{file}");
    }
}

// ---------------------------------------------------------------------------------------------
// Excel workbooks (SPEC §2)
// ---------------------------------------------------------------------------------------------

/// A user's workbook: a "Summary" sheet of notes first, then "Raw data" with its header on
/// row 2 (row 1 empty), date-time cells, a date cell + a time cell, a blank row between
/// records 2 and 3 (not a record), and a CSAT of 9 on record 3 (outside 1–5).
fn write_workbook(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let datetime = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm");
    let at = |text: &str| ExcelDateTime::parse_from_str(text).unwrap();
    let summary = workbook.add_worksheet().set_name("Summary").unwrap();
    summary.write_string(0, 0, "March tickets").unwrap();
    summary.write_string(1, 0, "raw data on the next sheet").unwrap();
    let data = workbook.add_worksheet().set_name("Raw data").unwrap();
    let headers = ["Ticket ID", "Type", "Created", "Day", "Time", "Resolved", "CSAT"];
    for (column, header) in headers.iter().enumerate() {
        data.write_string(1, column as u16, *header).unwrap();
    }
    // Record 1 (row 3): Incident, 2025-03-01 09:00 → 10:30, CSAT 5.
    data.write_number(2, 0, 1).unwrap();
    data.write_string(2, 1, "Incident").unwrap();
    data.write_datetime_with_format(2, 2, at("2025-03-01 09:00:00"), &datetime).unwrap();
    data.write_datetime_with_format(2, 3, at("2025-03-01"), &date).unwrap();
    data.write_datetime_with_format(2, 4, at("09:00:00"), &time).unwrap();
    data.write_datetime_with_format(2, 5, at("2025-03-01 10:30:00"), &datetime).unwrap();
    data.write_number(2, 6, 5).unwrap();
    // Record 2 (row 4): Question, 2025-03-02 14:00 → 03-03 14:00, CSAT 3.
    data.write_number(3, 0, 2).unwrap();
    data.write_string(3, 1, "Question").unwrap();
    data.write_datetime_with_format(3, 2, at("2025-03-02 14:00:00"), &datetime).unwrap();
    data.write_datetime_with_format(3, 3, at("2025-03-02"), &date).unwrap();
    data.write_datetime_with_format(3, 4, at("14:00:00"), &time).unwrap();
    data.write_datetime_with_format(3, 5, at("2025-03-03 14:00:00"), &datetime).unwrap();
    data.write_number(3, 6, 3).unwrap();
    // Row 5 blank. Record 3 (row 6): Problem, 2025-03-03 08:15, unresolved, CSAT 9.
    data.write_number(5, 0, 3).unwrap();
    data.write_string(5, 1, "Problem").unwrap();
    data.write_datetime_with_format(5, 2, at("2025-03-03 08:15:00"), &datetime).unwrap();
    data.write_datetime_with_format(5, 3, at("2025-03-03"), &date).unwrap();
    data.write_datetime_with_format(5, 4, at("08:15:00"), &time).unwrap();
    data.write_number(5, 6, 9).unwrap();
    workbook.save(path).unwrap();
}

const WORKBOOK_CONFIG: &str = r#"
[input]
sheet = "raw DATA"

[columns]
interaction_id = "Ticket ID"
created_at = { columns = ["Day", "Time"] }
resolved_at = "Resolved"
csat = "CSAT"

[categories]
column = "Type"
support = ["Incident", "Problem"]
default = "service"
"#;

#[test]
fn excel_workbook_with_a_data_sheet_among_others() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("tickets.xlsx");
    write_workbook(&book);
    let config = dir.path().join("book.toml");
    std::fs::write(&config, WORKBOOK_CONFIG).unwrap();
    let (book, config) = (book.to_str().unwrap(), config.to_str().unwrap());

    // Record numbers count data rows from 1, blank rows left out: the CSAT 9 is record 3.
    let run = cxkpi(&["report", "--config", config, book]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("record 3"), "{}", run.stderr);
    assert!(run.stderr.contains("csat"), "{}", run.stderr);

    // Skipping it: support #1 TTR 09:00 (Day + Time) → 10:30 = 5400 s, CSAT 5 → 100 %;
    // service #2 TTR 1 day = 86400 s, CSAT 3 → 0 %. All: TTR (5400 + 86400) / 2 = 45900 s.
    let (report, _) = run_report(&["--config", config, "--on-invalid", "skip", book]);
    assert_eq!(report["input"]["records"], 3);
    assert_eq!(report["input"]["skipped"], 1);
    let (support, service, all) =
        (row(&report, "support"), row(&report, "service"), row(&report, "all"));
    assert_eq!(number(support, "ttr_mean_s"), Some(5400.0));
    assert_eq!(number(support, "csat"), Some(100.0));
    assert_eq!(number(service, "ttr_mean_s"), Some(86400.0));
    assert_eq!(number(service, "csat"), Some(0.0));
    assert_eq!(number(all, "ttr_mean_s"), Some(45900.0));

    // The first sheet is read by default, and has no ids; a sheet that is not there is named
    // with the sheets there are.
    let run = cxkpi(&["report", "--preset", "freshdesk", book]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    let run = cxkpi(&["inspect", "--sheet", "Tickets", book]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("sheet \"Tickets\" not found")
            && run.stderr.contains("Summary, Raw data"),
        "{}",
        run.stderr
    );

    // Inspect on the data sheet: the date cells are canonical, Day + Time are joined.
    let run = cxkpi(&["inspect", "--sheet", "Raw data", book]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    for expected in [
        "sheet = \"Raw data\"",
        "created_at = { columns = [\"Day\", \"Time\"]",
        "resolved_at = \"Resolved\"",
        "support = [\"Incident\", \"Problem\"]",
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
    let inspected = dir.path().join("inspected.toml");
    std::fs::write(&inspected, &run.stdout).unwrap();
    let (report, _) =
        run_report(&["--config", inspected.to_str().unwrap(), "--on-invalid", "skip", book]);
    assert_eq!(number(row(&report, "all"), "ttr_mean_s"), Some(45900.0));
}

// ---------------------------------------------------------------------------------------------
// Parquet (SPEC §2)
// ---------------------------------------------------------------------------------------------

/// A Parquet log with typed columns: `created_at` a UTC datetime, `resolved_at` a naive one
/// (read in --tz, UTC here), `csat` integers, `handle_seconds` floats, and a negative handle
/// time on record 4.
fn write_parquet(path: &Path) {
    use polars::prelude::*;
    let micros = |seconds: Option<i64>| seconds.map(|s| s * 1_000_000);
    // 2026-03-01/02/03/04 09:00Z; resolved 2026-03-01 10:00, none, 2026-03-03 09:30, none.
    let created: Vec<Option<i64>> = [1772355600, 1772442000, 1772528400, 1772614800]
        .into_iter()
        .map(|s| micros(Some(s)))
        .collect();
    let resolved: Vec<Option<i64>> =
        [Some(1772359200), None, Some(1772530200), None].into_iter().map(micros).collect();
    let created = Series::new("created_at".into(), created)
        .cast(&DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)))
        .unwrap();
    let resolved = Series::new("resolved_at".into(), resolved)
        .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
        .unwrap();
    let mut frame = DataFrame::new(
        4,
        vec![
            Column::new("interaction_id".into(), ["p1", "p2", "p3", "p4"]),
            Column::new("category".into(), ["support", "service", "support", "service"]),
            created.into(),
            resolved.into(),
            Column::new("csat".into(), [5i64, 2, 4, 3]),
            Column::new("handle_seconds".into(), [300.0, 600.0, 450.0, -1.0]),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(path).unwrap()).finish(&mut frame).unwrap();
}

#[test]
fn parquet_input_with_typed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.parquet");
    write_parquet(&file);
    let file = file.to_str().unwrap();
    // The negative handle time is record 4, named as for a CSV file.
    let run = cxkpi(&["report", file]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("record 4") && run.stderr.contains("handle_seconds"),
        "{}",
        run.stderr
    );
    // Skipping it: support p1 TTR 09:00Z → 10:00 = 3600 s, p3 1800 s → mean 2700 s; CSAT 5, 4
    // → 100 %; AHT (300 + 450) / 2 = 375 s. Service p2: CSAT 2 → 0 %, AHT 600 s, unresolved.
    let (report, _) = run_report(&["--on-invalid", "skip", file]);
    assert_eq!(report["input"]["records"], 4);
    assert_eq!(report["input"]["skipped"], 1);
    let (support, service) = (row(&report, "support"), row(&report, "service"));
    assert_eq!(number(support, "ttr_mean_s"), Some(2700.0));
    assert_eq!(number(support, "csat"), Some(100.0));
    assert_eq!(number(support, "aht_s"), Some(375.0));
    assert_eq!(number(service, "csat"), Some(0.0));
    assert_eq!(number(service, "aht_s"), Some(600.0));
    assert_eq!(row(&report, "all")["csat_n"], 3);
    // --from on the typed datetimes: 2026-03-02 keeps p2 (p3 too, support).
    let (report, _) = run_report(&["--on-invalid", "skip", "--from", "2026-03-02", file]);
    assert_eq!(row(&report, "all")["interactions"], 2);
    // Inspect reads it too, and its config gives the same figures.
    let run = cxkpi(&["inspect", file]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("A Parquet file"), "{}", run.stdout);
    let inspected = dir.path().join("inspected.toml");
    std::fs::write(&inspected, &run.stdout).unwrap();
    let (report, _) =
        run_report(&["--config", inspected.to_str().unwrap(), "--on-invalid", "skip", file]);
    assert_eq!(number(row(&report, "all"), "aht_s"), Some(1350.0 / 3.0));
    // The category column is already canonical: p1, p3 (support) and p2 (service).
    assert!(run.stdout.contains("support = [\"support\"]"), "{}", run.stdout);
    assert_eq!(row(&report, "support")["interactions"], 2);
    assert_eq!(row(&report, "service")["interactions"], 1);
}

/// On a log already in the canonical format, inspect's config changes nothing: the report
/// equals the one without a config (`tests/data/kpis.csv` and `.json`, whose category column
/// also holds a value that is neither support nor service).
#[test]
fn inspect_on_a_canonical_log_changes_nothing() {
    for file in ["../kpis.csv", "../kpis.json"] {
        let (_, config) = inspect(file);
        let (with_config, _) = run_report(&["--config", config.path().to_str().unwrap(), file]);
        let (without, _) = run_report(&[file]);
        assert_eq!(with_config["rows"], without["rows"], "{file}");
    }
}

/// A mapped timestamp column whose values no one format reads: the records are invalid as
/// before, and stderr says how to give the format.
#[test]
fn mixed_timestamp_shapes_are_said_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.csv");
    std::fs::write(&file, "Ticket ID,Created time\n1,13/01/2025 09:30\n2,2025-01-14 10:00:00\n")
        .unwrap();
    let run = cxkpi(&["report", "--preset", "freshdesk", file.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("created_at (from \"Created time\"): no one timestamp format reads every value (e.g. \"2025-01-14 10:00:00\")"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("record 1"), "{}", run.stderr);
}
