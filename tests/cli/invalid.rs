//! What belongs here: bad input (invalid records, one test per reason; `--on-invalid`,
//! `--rejects`; unreadable files), and that input files are never written.
//!
//! Record-level validation (SPEC §2 "Invalid values") and file-level input problems, through the
//! real binary: exit codes, the exact messages, `--on-invalid skip`, `--rejects`, and that input
//! files are only ever read.
//!
//! Fixtures live in `tests/data/invalid/`; the one-bad-record logs are written inline so that
//! each test shows the bad record next to the message it must produce.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::util::{crate_root, Cxkpi, Run};

// ---------------------------------------------------------------------------------------------
// Helpers

fn fixtures() -> PathBuf {
    crate_root().join("tests/data/invalid")
}

/// `cxkpi report ARGS`, run in `dir` (so file names in messages are the relative names given).
fn report(dir: &Path, args: &str) -> Cxkpi {
    Cxkpi::new("report").args(args).current_dir(dir).timeout(Duration::from_secs(120))
}

fn report_in(dir: &Path, args: &str) -> Run {
    report(dir, args).run()
}

/// A run that must stop with exit 2, print nothing on stdout, and exactly `stderr`.
fn assert_fails_with(run: &Run, stderr: &str) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    assert_eq!(run.stderr, stderr, "{run:#?}");
}

/// A temporary directory holding `name` with `content`.
fn dir_with(name: &str, content: &[u8]) -> TempDir {
    let dir = TempDir::new().expect("a temporary directory");
    fs::write(dir.path().join(name), content).expect("writing the input");
    dir
}

/// The rows of a rejects CSV file, header included.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_string).collect())
        .collect()
}

/// Characters that must never reach a terminal raw: control characters other than the newline
/// ending each line.
fn raw_control_chars(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_control() && *c != '\n').collect()
}

/// A fixed pseudo-random byte pattern (fastrand, seeded), the same on every run.
fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..len).map(|_| rng.u8(..)).collect()
}

const HEADER: &str = "interaction_id,customer_id,category,channel,created_at,first_response_at,\
                      resolved_at,talk_seconds,hold_seconds,contacts,reopened,csat,nps,ces";
const GOOD_1: &str = "I1,C1,support,chat,2026-02-02T09:00:00Z,2026-02-02T09:01:00Z,\
                      2026-02-02T10:00:00Z,300,60,1,false,5,10,6";
const GOOD_2: &str = "I2,C2,service,email,2026-02-03T09:00:00Z,2026-02-03T09:05:00Z,\
                      2026-02-03T12:00:00Z,200,0,2,no,3,6,4";

/// A CSV log of two valid records followed by `third`.
fn log_with_third(third: &[u8]) -> Vec<u8> {
    let mut log = format!("{HEADER}\n{GOOD_1}\n{GOOD_2}\n").into_bytes();
    log.extend_from_slice(third);
    log.push(b'\n');
    log
}

/// Checks that the third record of [`log_with_third`]`(third)` is the only invalid one, for
/// `column` (empty: the record as a whole) with `value` and `reason`: the exact message under
/// `fail`, and under `skip` exit 0, the one-line summary, the counts and the rejects line.
fn assert_third_record_invalid(third: &[u8], column: &str, value: Option<&str>, reason: &str) {
    let dir = dir_with("log.csv", &log_with_third(third));

    let mut expected = String::from("error: log.csv: record 3: ");
    if !column.is_empty() {
        expected.push_str(&format!("column {column}: "));
    }
    match value {
        Some(value) => expected.push_str(&format!("value \"{value}\" {reason}\n")),
        None => expected.push_str(&format!("{reason}\n")),
    }
    report(dir.path(), "--format json log.csv").fails(2, &expected);

    let rejects = dir.path().join("rejects.csv");
    let run =
        report_in(dir.path(), "--format json --on-invalid skip --rejects rejects.csv log.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let what = if column.is_empty() { reason.to_string() } else { format!("{column} {reason}") };
    assert_eq!(run.stderr, format!("cxkpi: skipped 1 invalid record: 1 × {what}\n"), "{run:#?}");
    let output = run.json();
    assert_eq!(output["input"], json!({"records": 3, "skipped": 1}));
    let all = output["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["category"] == "all")
        .expect("an `all` row");
    assert_eq!(all["interactions"], 2, "{output:#}");
    assert_eq!(
        read_csv(&rejects),
        [
            vec!["file", "record", "column", "value", "reason"],
            vec!["log.csv", "3", column, value.unwrap_or(""), reason],
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The baseline the one-bad-record tests build on

#[test]
fn the_two_record_baseline_is_valid() {
    let run = Cxkpi::new("report --format json log.csv")
        .file("log.csv", log_with_third(b"I3,C3,support,phone,,,,,,,,,,"))
        .run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.stderr, "");
    assert_eq!(run.json()["input"], json!({"records": 3, "skipped": 0}));
}

#[test]
fn values_on_the_edges_of_their_types_are_valid() {
    let log = format!(
        "{HEADER}\n\
         E1,C1,support,chat,2026-02-02T09:00:00Z,2026-02-02T09:00:00Z,2026-02-02T09:00:00Z,0,0,0,TRUE,1,0,1\n\
         E2,C2,service,chat,2026-02-02 09:00:00,2026-02-02T09:00:00.5Z,2026-02-02T10:00:00+01:00,0.5,1e3,3,No,5,10,7\n\
         E3,C3,support,chat,2026-02-02T09:00:00,,,,,1,YES,4.5,10.0,6.5\n\
         E4,C4,support,chat,2026-02-02,,,,,,0,,,\n\
         E5,C5,support,chat, 2026-02-02T09:00:00Z , ,,, 7 ,, 1 ,  ,  , 3 \n"
    );
    let run = Cxkpi::new("report --format json edges.csv").file("edges.csv", log.as_bytes()).run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.stderr, "", "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 5, "skipped": 0}));
}

// ---------------------------------------------------------------------------------------------
// One test per reason: `--on-invalid fail` names file, record, column, value and reason

#[test]
fn unparsable_timestamp() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,yesterday,,,,,,,,,",
        "created_at",
        Some("yesterday"),
        "is not a timestamp (write 2026-03-01T09:15:00Z, 2026-03-01T09:15:00+02:00 \
         or 2026-03-01 09:15:00)",
    );
}

#[test]
fn impossible_calendar_date() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,2026-02-30T09:00:00Z,,,,,,,,,",
        "created_at",
        Some("2026-02-30T09:00:00Z"),
        "is not a timestamp (write 2026-03-01T09:15:00Z, 2026-03-01T09:15:00+02:00 \
         or 2026-03-01 09:15:00)",
    );
}

#[test]
fn unparsable_number() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,abc,,,,,,",
        "talk_seconds",
        Some("abc"),
        "is not a number of seconds",
    );
}

#[test]
fn infinite_duration() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,1e400,,,,,,",
        "talk_seconds",
        Some("1e400"),
        "is not a number of seconds",
    );
}

#[test]
fn csat_not_a_number() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,NaN,,",
        "csat",
        Some("NaN"),
        "is not a number",
    );
}

#[test]
fn csat_outside_its_scale() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,6,,",
        "csat",
        Some("6"),
        "is outside the CSAT scale 1–5",
    );
}

#[test]
fn nps_not_a_whole_number() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,,7.5,",
        "nps",
        Some("7.5"),
        "is not an NPS answer (a whole number 0–10)",
    );
}

#[test]
fn nps_above_ten() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,,11,",
        "nps",
        Some("11"),
        "is not an NPS answer (a whole number 0–10)",
    );
}

#[test]
fn ces_outside_its_scale() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,,,0",
        "ces",
        Some("0"),
        "is outside the CES scale 1–7",
    );
}

#[test]
fn negative_duration() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,-3,,,,,",
        "hold_seconds",
        Some("-3"),
        "is a negative duration",
    );
}

#[test]
fn contacts_not_a_whole_number() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,1.5,,,,",
        "contacts",
        Some("1.5"),
        "is not a whole number >= 0",
    );
}

#[test]
fn contacts_negative() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,-1,,,,",
        "contacts",
        Some("-1"),
        "is not a whole number >= 0",
    );
}

#[test]
fn reopened_not_a_boolean() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,maybe,,,",
        "reopened",
        Some("maybe"),
        "is not a boolean (write true/false, 1/0 or yes/no)",
    );
}

#[test]
fn first_response_before_created() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,2026-02-02T09:00:00Z,2026-02-02T08:59:59Z,,,,,,,,",
        "first_response_at",
        Some("2026-02-02T08:59:59Z"),
        "is before created_at",
    );
}

#[test]
fn resolved_before_created() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,2026-02-02T09:00:00Z,,2026-02-01T23:00:00Z,,,,,,,",
        "resolved_at",
        Some("2026-02-01T23:00:00Z"),
        "is before created_at",
    );
}

#[test]
fn resolved_before_created_compares_instants_across_offsets() {
    // 10:30+02:00 is 08:30Z: before a creation at 09:00Z, though its clock reads later.
    assert_third_record_invalid(
        b"I3,C3,support,chat,2026-02-02T09:00:00Z,,2026-02-02T10:30:00+02:00,,,,,,,",
        "resolved_at",
        Some("2026-02-02T10:30:00+02:00"),
        "is before created_at",
    );
}

#[test]
fn the_order_check_reads_naive_timestamps_in_tz() {
    // Created 09:00 naive: 09:00Z in UTC (after the 08:30Z response: invalid), but 08:00Z in
    // Europe/Paris (before it: valid).
    let log = "interaction_id,created_at,first_response_at\n\
               Z1,2026-02-02 09:00:00,2026-02-02T08:30:00Z\n";
    let dir = dir_with("tz.csv", log.as_bytes());
    report(dir.path(), "--format json tz.csv").fails(
        2,
        "error: tz.csv: record 1: column first_response_at: value \"2026-02-02T08:30:00Z\" \
         is before created_at\n",
    );
    let run = report_in(dir.path(), "--format json --tz Europe/Paris tz.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 1, "skipped": 0}));
}

#[test]
fn duplicate_interaction_id_marks_the_later_record() {
    assert_third_record_invalid(
        b"I1,C3,support,chat,,,,,,,,,,",
        "interaction_id",
        Some("I1"),
        "repeats the interaction_id of an earlier record",
    );
}

#[test]
fn duplicate_interaction_id_after_trimming() {
    assert_third_record_invalid(
        b"\" I2 \",C3,support,chat,,,,,,,,,,",
        "interaction_id",
        Some("I2"),
        "repeats the interaction_id of an earlier record",
    );
}

#[test]
fn missing_interaction_id_value() {
    assert_third_record_invalid(
        b",C3,support,chat,,,,,,,,,,",
        "interaction_id",
        None,
        "has no value (every record needs one)",
    );
}

#[test]
fn row_with_an_extra_field() {
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,,,,extra",
        "",
        None,
        "has more fields than the header",
    );
}

#[test]
fn row_with_a_missing_field() {
    // 13 fields against the header's 14: the final empty `ces` lacks its delimiter.
    assert_third_record_invalid(
        b"I3,C3,support,chat,,,,,,,,,",
        "",
        None,
        "has fewer fields than the header (an empty value still needs its delimiter)",
    );
}

#[test]
fn short_rows_are_numbered_past_blank_lines_and_quoted_line_ends() {
    // CRLF lines; an empty line before the header, a blank and a delimiter-only line between
    // records (neither is a record), a channel value spanning two lines, then two short rows:
    // records 3 and 4.
    let log = format!(
        "\r\n{HEADER}\r\n{GOOD_1}\r\n\r\n,,,,,,,,,,,,,\r\n\
         I2,C2,service,\"e\r\nmail\",,,,,,,,,,\r\nI3,C3\r\nI4,C4,service,chat,,,,,,,,,\r\n\
         I5,C5,service,chat,,,,,,,,,,\r\n"
    );
    let dir = dir_with("log.csv", log.as_bytes());
    let run = report_in(dir.path(), "--format json log.csv");
    let reason = "has fewer fields than the header (an empty value still needs its delimiter)";
    assert_fails_with(
        &run,
        &format!(
            "error: 2 invalid records; the first 2:\n  \
             log.csv: record 3: {reason}\n  \
             log.csv: record 4: {reason}\n\
             fix them, or pass --on-invalid skip to leave them out (--rejects FILE lists them all)\n"
        ),
    );
    let run = report_in(dir.path(), "--format json --on-invalid skip log.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 5, "skipped": 2}));
}

#[test]
fn invalid_utf8_in_a_text_column() {
    // 0xE9 is "é" in Latin-1 and not UTF-8; it is read as U+FFFD and reported as such.
    assert_third_record_invalid(
        b"I3,C3,support,ch\xE9t,,,,,,,,,,",
        "channel",
        Some("ch\u{FFFD}t"),
        "is not valid UTF-8 (is the file in another encoding, such as Latin-1?)",
    );
}

/// 10,000 records whose timestamps have the common shapes, then `last`.
fn log_ending_with(last: &str) -> String {
    let mut log = String::from("interaction_id,created_at,first_response_at\n");
    for i in 1..=10_000 {
        log.push_str(&format!("I{i},2026-02-02T09:00:00Z,2026-02-02 09:01:00\n"));
    }
    log.push_str(last);
    log.push('\n');
    log
}

#[test]
fn timestamps_of_other_shapes_after_the_first_records_are_read() {
    // The first 10,000 records only have the common shapes, so the first read parses only
    // those; record 10,001's created_at has a fraction and an offset and must still be read:
    // 07:00:00.5 UTC, first response at 07:00:30 UTC, so FRT 29.5 s, the only record in the
    // window.
    let dir = dir_with(
        "log.csv",
        log_ending_with("I10001,2026-02-02T09:00:00.5+02:00,2026-02-02T07:00:30Z").as_bytes(),
    );
    let run = report_in(
        dir.path(),
        "--format json --from 2026-02-02T07:00:00Z --to 2026-02-02T08:00:00Z log.csv",
    );
    assert_eq!(run.code, Some(0), "{run:#?}");
    let output = run.json();
    assert_eq!(output["input"], json!({"records": 10_001, "skipped": 0}));
    let all = (output["rows"].as_array().expect("rows").iter())
        .find(|row| row["category"] == "all")
        .expect("an `all` row");
    assert_eq!(all["interactions"], 1, "{output:#}");
    assert_eq!(all["frt_mean_s"], 29.5, "{output:#}");

    // A value that is no timestamp at all is still reported as such.
    Cxkpi::new("report --format json log.csv")
        .file("log.csv", log_ending_with("I10001,yesterday,2026-02-02T07:00:30Z").as_bytes())
        .fails(2, "error: log.csv: record 10001: column created_at: value \"yesterday\" is not a timestamp \
         (write 2026-03-01T09:15:00Z, 2026-03-01T09:15:00+02:00 or 2026-03-01 09:15:00)\n");
}

#[test]
fn bytes_that_are_not_utf8_past_the_first_64_kib_are_found() {
    // The first 64 KiB are UTF-8, so the pass over the bytes runs beside the read, which
    // assumes they all are; the Latin-1 "é" of the last record must still be reported.
    let mut log = format!("{HEADER}\n");
    let mut records = 0;
    while log.len() < 70_000 {
        records += 1;
        log.push_str(&format!("I{records},C1,support,chat,,,,,,,,,,\n"));
    }
    let last = records + 1;
    let mut bytes = log.into_bytes();
    bytes.extend_from_slice(format!("I{last},C1,support,ch").as_bytes());
    bytes.extend_from_slice(b"\xE9t,,,,,,,,,,\n");
    Cxkpi::new("report --format json log.csv").file("log.csv", &bytes).fails(
        2,
        &format!(
            "error: log.csv: record {last}: column channel: value \"ch\u{FFFD}t\" is not valid \
             UTF-8 (is the file in another encoding, such as Latin-1?)\n"
        ),
    );
}

#[test]
fn standard_input_is_read_once_even_when_a_file_would_be_read_again() {
    // A repeated id makes a file's first read untrustworthy, and the file is read again;
    // standard input cannot be, so it gets the exact plan at once.
    let log = format!("{HEADER}\n{GOOD_1}\n{GOOD_1}\n");
    let dir = dir_with("short.csv", format!("{HEADER}\nI9,C9\n").as_bytes());
    report(dir.path(), "--format json -").stdin(log.as_bytes()).fails(
        2,
        "error: <stdin>: record 2: column interaction_id: value \"I1\" repeats the \
         interaction_id of an earlier record\n",
    );
    // Beside a file, the file's short record is still found (its scan is made first).
    let log = format!("{HEADER}\n{GOOD_1}\n");
    report(dir.path(), "--format json - short.csv").stdin(log.as_bytes()).fails(
        2,
        "error: short.csv: record 1: has fewer fields than the header (an empty value still \
         needs its delimiter)\n",
    );
}

#[test]
fn a_replacement_character_written_in_utf8_is_a_value() {
    // Both files hold "ch\u{FFFD}t" as a channel; only latin1.csv got it from a byte that is
    // not UTF-8, so only its record is invalid.
    let dir =
        dir_with("utf8.csv", &log_with_third("I3,C3,support,ch\u{FFFD}t,,,,,,,,,,".as_bytes()));
    let latin1 = format!("{HEADER}\nI4,C4,support,ch\u{E9}t,,,,,,,,,,\n");
    let latin1: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    fs::write(dir.path().join("latin1.csv"), latin1).expect("writing the input");

    let run = report_in(dir.path(), "--format json utf8.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 3, "skipped": 0}));
    report(dir.path(), "--format json utf8.csv latin1.csv").fails(
        2,
        "error: latin1.csv: record 1: column channel: value \"ch\u{FFFD}t\" is not valid UTF-8 \
         (is the file in another encoding, such as Latin-1?)\n",
    );
}

#[test]
fn malformed_ndjson_line_is_an_invalid_record() {
    // Line 4 is not JSON (an unquoted key); line 2 is blank and no record.
    let log = "{\"interaction_id\": \"A1\", \"csat\": 5}\n\
               \n\
               {\"interaction_id\": \"A2\", \"csat\": 4}\n\
               {\"interaction_id\": \"A3\", csat: 3}\n\
               {\"interaction_id\": \"A4\", \"csat\": 2}\n";
    let dir = dir_with("bad.ndjson", log.as_bytes());
    report(dir.path(), "--format json bad.ndjson").fails(
        2,
        "error: bad.ndjson: record 4: is not a JSON object (a malformed line, or another kind of \
         JSON value)\n",
    );
    // Skipped, it leaves A1, A2 and A4: CSAT 5, 4, 2 → 2 of 3 satisfied.
    let run = report_in(dir.path(), "--format json --on-invalid skip bad.ndjson");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(
        run.stderr,
        "cxkpi: skipped 1 invalid record: 1 × is not a JSON object (a malformed line, or \
         another kind of JSON value)\n"
    );
    let report = run.json();
    assert_eq!(report["input"], json!({"records": 4, "skipped": 1}));
    let all = report["rows"].as_array().unwrap().iter().find(|r| r["category"] == "all").unwrap();
    assert_eq!(all["csat_n"], json!(3));
    assert_eq!(all["csat"], json!(200.0 / 3.0));
}

#[test]
fn json_array_element_that_is_not_an_object() {
    let log = r#"[{"interaction_id": "A1", "csat": 5}, 3, {"interaction_id": "A3"}]"#;
    Cxkpi::new("report --format json log.json").file("log.json", log.as_bytes()).fails(
        2,
        "error: log.json: record 2: is not a JSON object (a malformed line, or another kind of \
         JSON value)\n",
    );
}

// ---------------------------------------------------------------------------------------------
// Record numbers: 1-based data records in CSV, line numbers in NDJSON, elements in JSON arrays

#[test]
fn csv_record_numbers_count_records_not_lines() {
    let log = "interaction_id,notes,csat\n\
               R1,\"a note\nover three\nlines\",5\n\
               R2,\"another, with \"\"quotes\"\"\",9\n";
    Cxkpi::new("report --format json multi.csv").file("multi.csv", log.as_bytes()).fails(
        2,
        "error: multi.csv: record 2: column csat: value \"9\" is outside the CSAT scale 1–5\n",
    );
}

#[test]
fn csv_with_bom_and_crlf_counts_the_same_records() {
    let log = b"\xEF\xBB\xBFinteraction_id,csat\r\nR1,5\r\nR2,0\r\nR3,4\r\n";
    Cxkpi::new("report --format json crlf.csv").file("crlf.csv", log).fails(
        2,
        "error: crlf.csv: record 2: column csat: value \"0\" is outside the CSAT scale 1–5\n",
    );
}

#[test]
fn ndjson_record_numbers_are_line_numbers() {
    let log = "{\"interaction_id\": \"A1\", \"csat\": 5}\n\
               \n\
               {\"interaction_id\": \"A2\", \"csat\": \"x\"}\n";
    Cxkpi::new("report --format json log.ndjson")
        .file("log.ndjson", log.as_bytes())
        .fails(2, "error: log.ndjson: record 3: column csat: value \"x\" is not a number\n");
}

#[test]
fn json_array_record_numbers_count_elements() {
    let log = "[\n  {\"interaction_id\": \"A1\", \"nps\": 10},\n\n\n  \
               {\"interaction_id\": \"A2\", \"nps\": 10.5}\n]\n";
    Cxkpi::new("report --format json log.json").file("log.json", log.as_bytes()).fails(
        2,
        "error: log.json: record 2: column nps: value \"10.5\" is not an NPS answer \
         (a whole number 0–10)\n",
    );
}

#[test]
fn json_booleans_and_nested_values_are_checked_as_text() {
    let log = "{\"interaction_id\": \"A1\", \"reopened\": true, \"csat\": 5}\n\
               {\"interaction_id\": \"A2\", \"reopened\": false, \"csat\": true}\n";
    Cxkpi::new("report --format json log.ndjson")
        .file("log.ndjson", log.as_bytes())
        .fails(2, "error: log.ndjson: record 2: column csat: value \"true\" is not a number\n");
}

#[test]
fn several_files_number_records_per_file_and_a_repeat_is_in_the_later_file() {
    let dir = dir_with("a.csv", b"interaction_id,csat\nA1,5\nA2,4\n");
    fs::write(
        dir.path().join("b.ndjson"),
        "{\"interaction_id\": \"B1\", \"csat\": 3}\n{\"interaction_id\": \"A2\", \"csat\": 2}\n",
    )
    .unwrap();
    report(dir.path(), "--format json a.csv b.ndjson").fails(
        2,
        "error: b.ndjson: record 2: column interaction_id: value \"A2\" repeats the \
         interaction_id of an earlier record\n",
    );
    // In the other order the CSV record is the later one.
    report(dir.path(), "--format json b.ndjson a.csv").fails(
        2,
        "error: a.csv: record 2: column interaction_id: value \"A2\" repeats the \
         interaction_id of an earlier record\n",
    );
}

#[test]
fn duplicate_across_files_with_different_columns() {
    let dir = dir_with("a.csv", b"interaction_id,csat\nA1,5\nA2,4\n");
    fs::write(
        dir.path().join("b.ndjson"),
        "{\"interaction_id\": \"B1\", \"nps\": 9}\n{\"interaction_id\": \"A2\", \"nps\": 3}\n",
    )
    .unwrap();
    report(dir.path(), "--format json a.csv b.ndjson").fails(
        2,
        "error: b.ndjson: record 2: column interaction_id: value \"A2\" repeats the \
         interaction_id of an earlier record\n",
    );
    let run = report_in(dir.path(), "--format json --on-invalid skip a.csv b.ndjson");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 4, "skipped": 1}));
}

#[test]
fn standard_input_is_named_stdin() {
    let dir = TempDir::new().unwrap();
    report(dir.path(), "--format json -").stdin(b"interaction_id,ces\nA1,3\nA2,8\n").fails(
        2,
        "error: <stdin>: record 2: column ces: value \"8\" is outside the CES scale 1–7\n",
    );
}

#[test]
fn far_into_a_large_file_records_keep_their_numbers_and_order() {
    let mut log = String::from("interaction_id,category,csat,notes\n");
    for i in 1..=30_000 {
        let id = if i == 25_000 { "L3".to_string() } else { format!("L{i}") };
        let csat = match i {
            7 => "9",
            20_000 => "0",
            29_999 => "x",
            _ => "4",
        };
        log.push_str(&format!("{id},support,{csat},\"note {i}\nsecond line, \"\"q\"\"\"\n"));
    }
    let run = Cxkpi::new("report --format json --rejects rejects.csv large.csv")
        .file("large.csv", log.as_bytes())
        .run();
    assert_fails_with(
        &run,
        "error: 4 invalid records; the first 4:\n  \
         large.csv: record 7: column csat: value \"9\" is outside the CSAT scale 1–5\n  \
         large.csv: record 20000: column csat: value \"0\" is outside the CSAT scale 1–5\n  \
         large.csv: record 25000: column interaction_id: value \"L3\" repeats the interaction_id \
         of an earlier record\n  \
         large.csv: record 29999: column csat: value \"x\" is not a number\n\
         fix them, or pass --on-invalid skip to leave them out (--rejects FILE lists them all)\n",
    );
}

// ---------------------------------------------------------------------------------------------
// Several invalid records under `fail`

#[test]
fn several_invalid_records_name_the_first_five_and_the_total() {
    let run = report_in(&fixtures(), "--format json seven_invalid.csv");
    assert_fails_with(
        &run,
        "error: 7 invalid records; the first 5:\n  \
         seven_invalid.csv: record 2: column created_at: value \"2026-02-31T09:00:00Z\" is not a \
         timestamp (write 2026-03-01T09:15:00Z, 2026-03-01T09:15:00+02:00 or 2026-03-01 09:15:00)\n  \
         seven_invalid.csv: record 3: column ces: value \"8\" is outside the CES scale 1–7\n  \
         seven_invalid.csv: record 4: has more fields than the header\n  \
         seven_invalid.csv: record 5: column interaction_id: has no value (every record needs one)\n  \
         seven_invalid.csv: record 6: column talk_seconds: value \"-1\" is a negative duration\n\
         fix them, or pass --on-invalid skip to leave them out (--rejects FILE lists them all)\n",
    );
}

#[test]
fn three_invalid_records_are_all_named() {
    let run = report_in(&fixtures(), "--format json three_invalid.csv");
    assert_fails_with(
        &run,
        "error: 3 invalid records; the first 3:\n  \
         three_invalid.csv: record 2: column csat: value \"6\" is outside the CSAT scale 1–5\n  \
         three_invalid.csv: record 3: column resolved_at: value \"2026-02-04T08:00:00Z\" is before \
         created_at\n  \
         three_invalid.csv: record 5: column interaction_id: value \"M1\" repeats the \
         interaction_id of an earlier record\n\
         fix them, or pass --on-invalid skip to leave them out (--rejects FILE lists them all)\n",
    );
}

// ---------------------------------------------------------------------------------------------
// `--on-invalid skip`: the invalid records are left out of every metric

/// Runs `skip_args` on the log with invalid records and `clean_args` on the same log with them
/// removed by hand; the rows must be identical.
fn assert_skip_equals_cleaned(log: &str, cleaned: &str, extra: &[&str]) -> (Run, Value, Value) {
    let mut args = vec!["--format", "json", "--on-invalid", "skip"];
    args.extend_from_slice(extra);
    args.push(log);
    let skipped = report(&fixtures(), "").arg_list(&args).run();
    assert_eq!(skipped.code, Some(0), "{skipped:#?}");

    // The same options, except the rejects file: the cleaned run must not overwrite it.
    let mut args = vec!["--format", "json"];
    let mut options = extra.iter();
    while let Some(option) = options.next() {
        if *option == "--rejects" {
            options.next();
        } else {
            args.push(option);
        }
    }
    args.push(cleaned);
    let clean = report(&fixtures(), "").arg_list(&args).run();
    assert_eq!(clean.code, Some(0), "{clean:#?}");
    assert_eq!(clean.stderr, "", "{clean:#?}");

    let (skipped_json, clean_json) = (skipped.json(), clean.json());
    assert!(skipped_json["rows"].as_array().is_some_and(|r| !r.is_empty()), "{skipped_json:#}");
    assert_eq!(
        skipped_json["rows"], clean_json["rows"],
        "{log} with --on-invalid skip {extra:?} differs from {cleaned}"
    );
    (skipped, skipped_json, clean_json)
}

#[test]
fn skip_leaves_invalid_records_out_of_every_metric() {
    // skip.csv has 13 records, 5 invalid: one is a repeat contact of a valid record's customer
    // (it must not make that record a non-first-contact resolution), one has a churned_at of a
    // customer who has no valid record, several carry handle times and scores.
    for extra in [&[][..], &["--by", "channel"][..]] {
        let (run, skipped, clean) =
            assert_skip_equals_cleaned("skip.csv", "skip_cleaned.csv", extra);
        assert_eq!(
            run.stderr,
            "cxkpi: skipped 5 invalid records: 2 × csat is outside the CSAT scale 1–5; \
             1 × nps is not an NPS answer (a whole number 0–10); \
             1 × first_response_at is before created_at; \
             1 × interaction_id repeats the interaction_id of an earlier record\n"
        );
        assert_eq!(skipped["input"], json!({"records": 13, "skipped": 5}));
        assert_eq!(clean["input"], json!({"records": 8, "skipped": 0}));
        assert_eq!(skipped["window"], clean["window"]);
    }
}

#[test]
fn skip_in_ndjson_ticket_mode() {
    let rejects = TempDir::new().unwrap();
    let path = rejects.path().join("rejects.csv");
    let path_arg = path.to_str().unwrap();
    let (run, skipped, _) =
        assert_skip_equals_cleaned("skip.ndjson", "skip_cleaned.ndjson", &["--rejects", path_arg]);
    assert_eq!(
        run.stderr,
        "cxkpi: skipped 3 invalid records: 1 × contacts is not a whole number >= 0; \
         1 × reopened is not a boolean (write true/false, 1/0 or yes/no); \
         1 × interaction_id repeats the interaction_id of an earlier record\n"
    );
    assert_eq!(skipped["input"], json!({"records": 7, "skipped": 3}));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "file,record,column,value,reason\n\
         skip.ndjson,4,reopened,maybe,\"is not a boolean (write true/false, 1/0 or yes/no)\"\n\
         skip.ndjson,6,contacts,1.5,is not a whole number >= 0\n\
         skip.ndjson,8,interaction_id,N01,repeats the interaction_id of an earlier record\n"
    );
}

#[test]
fn skip_with_nothing_invalid_is_silent() {
    let run = report_in(&fixtures(), "--format json --on-invalid skip canonical20.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.stderr, "");
    assert_eq!(run.json()["input"], json!({"records": 20, "skipped": 0}));
}

#[test]
fn skip_with_every_record_invalid_still_reports() {
    let run = Cxkpi::new("report --format json --on-invalid skip all_bad.csv")
        .file("all_bad.csv", b"interaction_id,category,csat\nA1,support,9\nA2,service,0\n")
        .run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(
        run.stderr,
        "cxkpi: skipped 2 invalid records: 2 × csat is outside the CSAT scale 1–5\n"
    );
    let output = run.json();
    assert_eq!(output["input"], json!({"records": 2, "skipped": 2}));
    let rows = output["rows"].as_array().expect("rows");
    let categories: Vec<&str> = rows.iter().map(|r| r["category"].as_str().unwrap()).collect();
    assert_eq!(categories, ["support", "service", "all"]);
    for row in rows {
        assert_eq!(row["interactions"], 0, "{row:#}");
        assert_eq!(row["csat_n"], 0, "{row:#}");
        assert_eq!(row["csat"], Value::Null, "{row:#}");
    }
}

#[test]
fn the_fuzzing_baselines_are_valid_and_agree() {
    let csv = report_in(&fixtures(), "--format json canonical20.csv");
    let ndjson = report_in(&fixtures(), "--format json canonical20.ndjson");
    for run in [&csv, &ndjson] {
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert_eq!(run.stderr, "", "{run:#?}");
        assert_eq!(run.json()["input"], json!({"records": 20, "skipped": 0}));
    }
    assert_eq!(csv.json(), ndjson.json());
}

// ---------------------------------------------------------------------------------------------
// `--rejects FILE`

const THREE_REJECTS: &str = "file,record,column,value,reason\n\
    three_invalid.csv,2,csat,6,is outside the CSAT scale 1–5\n\
    three_invalid.csv,3,resolved_at,2026-02-04T08:00:00Z,is before created_at\n\
    three_invalid.csv,5,interaction_id,M1,repeats the interaction_id of an earlier record\n";

#[test]
fn rejects_lists_each_invalid_record_under_skip() {
    let out = TempDir::new().unwrap();
    let path = out.path().join("rejects.csv");
    let run = report(&fixtures(), "--format json --on-invalid skip --rejects")
        .arg(&path)
        .args("three_invalid.csv")
        .run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 6, "skipped": 3}));
    assert_eq!(fs::read_to_string(&path).unwrap(), THREE_REJECTS);
}

#[test]
fn rejects_is_written_under_fail_too() {
    let out = TempDir::new().unwrap();
    let path = out.path().join("rejects.csv");
    let run =
        report(&fixtures(), "--format json --rejects").arg(&path).args("three_invalid.csv").run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("error: 3 invalid records;"), "{run:#?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), THREE_REJECTS);
}

#[test]
fn rejects_lists_every_record_beyond_the_five_named() {
    let out = TempDir::new().unwrap();
    let path = out.path().join("rejects.csv");
    let run =
        report(&fixtures(), "--format json --rejects").arg(&path).args("seven_invalid.csv").run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    let timestamp_reason = "is not a timestamp (write 2026-03-01T09:15:00Z, \
                            2026-03-01T09:15:00+02:00 or 2026-03-01 09:15:00)";
    let boolean_reason = "is not a boolean (write true/false, 1/0 or yes/no)";
    #[rustfmt::skip]
    let expected = [
        ["file",              "record", "column",         "value",                "reason"],
        ["seven_invalid.csv", "2",      "created_at",     "2026-02-31T09:00:00Z", timestamp_reason],
        ["seven_invalid.csv", "3",      "ces",            "8",                    "is outside the CES scale 1–7"],
        ["seven_invalid.csv", "4",      "",               "",                     "has more fields than the header"],
        ["seven_invalid.csv", "5",      "interaction_id", "",                     "has no value (every record needs one)"],
        ["seven_invalid.csv", "6",      "talk_seconds",   "-1",                   "is a negative duration"],
        ["seven_invalid.csv", "9",      "contacts",       "-2",                   "is not a whole number >= 0"],
        ["seven_invalid.csv", "10",     "reopened",       "sometimes",            boolean_reason],
    ];
    assert_eq!(read_csv(&path), expected);
}

#[test]
fn an_unwritable_rejects_file_is_an_output_failure() {
    let out = TempDir::new().unwrap();
    let path = out.path().join("no-such-dir").join("rejects.csv");
    let run = report(&fixtures(), "--format json --on-invalid skip --rejects")
        .arg(&path)
        .args("three_invalid.csv")
        .run();
    assert_eq!(run.code, Some(3), "{run:#?}");
    assert!(
        run.stderr.starts_with(&format!("error: writing the rejects file {}", path.display())),
        "{run:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Input files are only ever read

struct Snapshot {
    bytes: Vec<u8>,
    modified: SystemTime,
    readonly: bool,
}

fn snapshot(path: &Path) -> Snapshot {
    let meta = fs::metadata(path).unwrap();
    Snapshot {
        bytes: fs::read(path).unwrap(),
        modified: meta.modified().unwrap(),
        readonly: meta.permissions().readonly(),
    }
}

fn assert_unchanged(path: &Path, before: &Snapshot) {
    let after = snapshot(path);
    assert!(after.bytes == before.bytes, "{} was modified", path.display());
    assert_eq!(after.modified, before.modified, "{} was touched", path.display());
    assert_eq!(after.readonly, before.readonly, "{}", path.display());
}

#[test]
fn input_files_are_never_modified() {
    let out = TempDir::new().unwrap();
    let rejects = out.path().join("rejects.csv");
    let rejects = rejects.to_str().unwrap();
    let runs: [&[&str]; 4] = [
        &["three_invalid.csv"],
        &["--on-invalid", "skip", "three_invalid.csv", "skip.ndjson"],
        &["--rejects", rejects, "skip.csv"],
        &["--on-invalid", "skip", "--rejects", rejects, "seven_invalid.csv"],
    ];
    for args in runs {
        let files: Vec<PathBuf> = args
            .iter()
            .filter(|a| a.ends_with(".csv") || a.ends_with(".ndjson"))
            .filter(|a| !a.starts_with('/'))
            .map(|a| fixtures().join(a))
            .collect();
        let before: Vec<Snapshot> = files.iter().map(|f| snapshot(f)).collect();
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let run = report(&fixtures(), "").arg_list(&all).run();
        assert!(matches!(run.code, Some(0 | 2)), "{run:#?}");
        for (file, before) in files.iter().zip(&before) {
            assert_unchanged(file, before);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// File-level problems: exit 2, the file named

#[test]
fn nonexistent_file() {
    let dir = TempDir::new().unwrap();
    report(dir.path(), "--format json nope.csv").fails(2, "error: nope.csv: no such file\n");
}

#[test]
fn a_directory_is_not_a_file() {
    let dir = TempDir::new().unwrap();
    fs::create_dir(dir.path().join("logs.csv")).unwrap();
    report(dir.path(), "--format json logs.csv").fails(2, "error: logs.csv: not a file\n");
}

#[test]
fn empty_file() {
    for (name, content) in [
        ("empty.csv", &b""[..]),
        ("blank.csv", b"  \n\r\n\n"),
        ("empty.ndjson", b""),
        ("bom.csv", b"\xEF\xBB\xBF"),
    ] {
        let dir = dir_with(name, content);
        let run = report(dir.path(), "--format json").arg(name).run();
        assert_eq!(run.code, Some(2), "{name}: {run:#?}");
        assert_eq!(run.stdout, "", "{name}: {run:#?}");
        assert!(
            run.stderr.starts_with(&format!("error: {name}: ")) && run.stderr.contains("is empty"),
            "{name}: {run:#?}"
        );
    }
}

/// Exit 2, one line naming the file, and nothing on stderr a terminal would interpret.
fn assert_clean_file_error(run: &Run, name: &str) {
    assert_eq!(run.code, Some(2), "{name}: {run:#?}");
    assert_eq!(run.stdout, "", "{name}: {run:#?}");
    assert!(run.stderr_utf8, "{name}: stderr is not UTF-8: {run:#?}");
    assert!(run.stderr.starts_with("error: "), "{name}: {run:#?}");
    assert!(run.stderr.contains(name), "{name}: {run:#?}");
    assert_eq!(raw_control_chars(&run.stderr), [] as [char; 0], "{name}: {run:#?}");
    assert!(!run.stderr.contains('\u{FFFD}'), "{name}: {run:#?}");
}

#[test]
fn garbage_binary_bytes() {
    let garbage = pseudo_random_bytes(4096, 0x2545_F491);
    for name in ["garbage.csv", "garbage", "garbage.ndjson", "garbage.json"] {
        let dir = dir_with(name, &garbage);
        let run = report(dir.path(), "--format json").arg(name).run();
        assert_clean_file_error(&run, name);
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {run:#?}");
    }
}

#[test]
fn garbage_after_a_valid_header() {
    let mut log = b"interaction_id,csat,channel\nA1,5,chat\n".to_vec();
    log.extend(pseudo_random_bytes(4096, 0x9E37_79B9));
    let run = Cxkpi::new("report --format json tail.csv").file("tail.csv", &log).run();
    assert_clean_file_error(&run, "tail.csv");
}

#[test]
fn unterminated_quote() {
    let log = "interaction_id,channel,csat\nA1,chat,5\nA2,\"chat,4\nA3,email,3\n";
    let dir = dir_with("quote.csv", log.as_bytes());
    for policy in ["fail", "skip"] {
        let run =
            report(dir.path(), "--format json --on-invalid").arg(policy).args("quote.csv").run();
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert_eq!(run.stdout, "", "{run:#?}");
        assert!(run.stderr.starts_with("error: cannot read quote.csv: "), "{run:#?}");
        assert!(run.stderr.contains("a quoted field that is never closed"), "{run:#?}");
    }
}

#[test]
fn missing_required_column_suggests_the_closest_and_lists_the_found() {
    let dir = dir_with("noid.csv", b"InteractionId,csat,channel\nA1,5,chat\n");
    for policy in ["fail", "skip"] {
        let run =
            report(dir.path(), "--format json --on-invalid").arg(policy).args("noid.csv").run();
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert_eq!(run.stdout, "", "{run:#?}");
        assert!(
            run.stderr.starts_with("error: ")
                && run.stderr.contains(
                    "missing required column interaction_id (did you mean \"InteractionId\"?)"
                )
                && run.stderr.contains("columns: \"InteractionId\", \"csat\", \"channel\""),
            "{run:#?}"
        );
    }
}

#[test]
fn missing_required_column_without_a_close_name_suggests_nothing() {
    let run =
        Cxkpi::new("report --format json noid.csv").file("noid.csv", b"ticket,csat\nA1,5\n").run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("missing required column interaction_id")
            && run.stderr.contains("columns: \"ticket\", \"csat\"")
            && !run.stderr.contains("did you mean"),
        "{run:#?}"
    );
}

#[test]
fn missing_required_column_names_the_file() {
    let run = Cxkpi::new("report --format json noid.csv")
        .file("noid.csv", b"InteractionId,csat,channel\nA1,5,chat\n")
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("noid.csv") && run.stderr.contains("interaction_id"), "{run:#?}");
}

#[test]
fn unknown_by_key_suggests_the_closest() {
    let run = Cxkpi::new("report --format json --by chanel log.csv")
        .file("log.csv", b"interaction_id,csat,channel\nA1,5,chat\n")
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: unknown --by key chanel (did you mean \"channel\"?)")
            && run.stderr.contains("columns: \"interaction_id\", \"csat\", \"channel\""),
        "{run:#?}"
    );
}

#[test]
fn unparsable_from() {
    // Option values are parsed by clap's value parsers: a bad one is clap's usage error (exit
    // 2), naming the option and the bad value, then a blank line and the hint.
    let run = report_in(&fixtures(), "--format json --from yesterday canonical20.csv");
    assert!(run.stderr.contains("'--from <WHEN>'"), "names the option: {run:#?}");
    assert!(run.stderr.contains("\"yesterday\""), "names the value: {run:#?}");
    assert_fails_with(
        &run,
        "error: invalid value 'yesterday' for '--from <WHEN>': \"yesterday\" is not a date or \
         timestamp (write 2026-03-01, 2026-03-01 09:30:00 or 2026-03-01T09:30:00+02:00)\n\
         \n\
         For more information, try '--help'.\n",
    );
}

#[test]
fn unknown_tz() {
    // clap's usage error for a bad option value, as in unparsable_from.
    let run = report_in(&fixtures(), "--format json --tz Mars/Olympus canonical20.csv");
    assert!(run.stderr.contains("'--tz <ZONE>'"), "names the option: {run:#?}");
    assert!(run.stderr.contains("\"Mars/Olympus\""), "names the value: {run:#?}");
    assert_fails_with(
        &run,
        "error: invalid value 'Mars/Olympus' for '--tz <ZONE>': unknown time zone \
         \"Mars/Olympus\" (use an IANA name such as UTC or Europe/Paris)\n\
         \n\
         For more information, try '--help'.\n",
    );
}

#[test]
fn from_without_created_at() {
    let run = Cxkpi::new("report --format json --from 2026-01-01 log.csv")
        .file("log.csv", b"interaction_id,csat\nA1,5\n")
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.starts_with("error: --from/--to") && run.stderr.contains("created_at"),
        "{run:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Bugs found while writing these tests (see the report); each asserts the correct behaviour.

#[test]
fn trailing_blank_line_is_not_a_record() {
    let run = Cxkpi::new("report --format json log.csv")
        .file("log.csv", b"interaction_id,csat\nA1,5\nA2,4\n\n")
        .run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.stderr, "", "{run:#?}");
    assert_eq!(run.json()["input"], json!({"records": 2, "skipped": 0}));
}

#[test]
fn control_characters_in_a_value_are_escaped_in_messages() {
    let run = Cxkpi::new("report --format json ctl.csv")
        .file("ctl.csv", b"interaction_id,csat\nA1,5\nA2,\"9\x1b[2J\r\nX\x07\"\n")
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.starts_with("error: ctl.csv: record 2: column csat: value \""), "{run:#?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
    assert_eq!(raw_control_chars(&run.stderr), [] as [char; 0], "{run:#?}");
}

#[test]
fn rejects_file_that_is_an_input_is_refused() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("three_invalid.csv");
    fs::copy(fixtures().join("three_invalid.csv"), &input).unwrap();
    let before = snapshot(&input);
    let run = report_in(
        dir.path(),
        "--format json --on-invalid skip --rejects three_invalid.csv three_invalid.csv",
    );
    assert_unchanged(&input, &before);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("--rejects"), "{run:#?}");
}

#[test]
fn rejects_file_is_written_when_nothing_is_invalid() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("rejects.csv");
    fs::write(&path, "file,record,column,value,reason\nold.csv,1,csat,9,stale\n").unwrap();
    let run =
        report(&fixtures(), "--format json --rejects").arg(&path).args("canonical20.csv").run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "file,record,column,value,reason\n");
}

#[test]
fn missing_required_column_in_one_of_several_files() {
    let dir = dir_with("a.csv", b"interaction_id,csat\nA1,5\n");
    fs::write(dir.path().join("b.csv"), "InteractionId,csat\nB1,4\n").unwrap();
    // Always exit 2 (SPEC §2), even under skip: the file's records must not silently vanish.
    let run = report_in(dir.path(), "--format json --on-invalid skip a.csv b.csv");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("b.csv")
            && run.stderr.contains("missing required column interaction_id")
            && run.stderr.contains("did you mean \"InteractionId\"?")
            && !run.stderr.contains("quoted field"),
        "{run:#?}"
    );
}

#[test]
fn stray_quote_in_an_unquoted_field_is_explained() {
    // RFC 4180 does not allow it, so exit 2 is right; the message must say what is wrong.
    let run = Cxkpi::new("report --format json stray.csv")
        .file("stray.csv", b"interaction_id,notes,csat\nA1,a 5\" screen,5\nA2,ok,4\n")
        .run();
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.starts_with("error: ")
            && run.stderr.contains("stray.csv")
            && run.stderr.contains("quote")
            && !run.stderr.contains("chunk"),
        "{run:#?}"
    );
}
