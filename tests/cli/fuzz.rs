//! What belongs here: properties of the binary on generated hostile input, not hand-written cases.
//!
//! Property tests that run the real binary on hostile inputs: arbitrary bytes, and mutations of
//! a valid 20-record log (CSV and NDJSON). Whatever the input, `cxkpi report` must end with exit
//! 0 (a report) or 2 (bad input, said on stderr), never a panic (101) or a signal; and
//! `--on-invalid fail` and `skip` must agree on which records are invalid.
//!
//! And the two readers of CSV agree: on the same mutations, the typed pass and the general path
//! (forced with `CXKPI_GENERAL_PATH_ONLY`) give the same bytes on stdout, stderr and in the
//! rejects file, and the same exit code.
//!
//! Each case spawns the binary, so the case count is modest (48 by default; `PROPTEST_CASES`
//! overrides it). A failing case is written to
//! `proptest-regressions/cli/fuzz.txt` (beside the
//! unit tests' regressions) and replayed first on later runs.

use std::fs;
use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};
use serde_json::Value;
use tempfile::TempDir;

use crate::util::{fixture, Cxkpi, Run};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48);
    ProptestConfig {
        cases,
        max_shrink_iters: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/cli/fuzz.txt"
        )))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary

/// `cxkpi report --format json ARGS FILE` in `dir`.
fn report(dir: &Path, file: &str, args: &[&str]) -> Run {
    // A hang is a failure too: the child is killed and has no exit code.
    Cxkpi::new("report --format json")
        .arg_list(args)
        .arg(file)
        .current_dir(dir)
        .timeout(Duration::from_secs(60))
        .run()
}

/// Exit 0 with a JSON report, or exit 2 with an `error:` on stderr and nothing on stdout.
fn check_run(run: &Run, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(run.code, Some(0 | 2)),
        "{what}: exit status {:?} (want 0 or 2)\nstderr: {}",
        run.code,
        run.stderr
    );
    if run.code == Some(0) {
        let report: Result<Value, _> = serde_json::from_str(&run.stdout);
        prop_assert!(
            report.as_ref().is_ok_and(|r| r["rows"].is_array()),
            "{what}: exit 0 without a JSON report\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    } else {
        prop_assert!(
            run.stderr.starts_with("error: ") && run.stdout.is_empty(),
            "{what}: exit 2 without an error message (or with output)\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    }
    Ok(())
}

fn input_counts(run: &Run) -> (u64, u64) {
    let report: Value = serde_json::from_str(&run.stdout).expect("checked by check_run");
    let count = |key: &str| report["input"][key].as_u64().unwrap_or(u64::MAX);
    (count("records"), count("skipped"))
}

/// How many invalid records a failing `--on-invalid fail` run reports, when its error is about
/// invalid records (and not about the file as a whole).
fn invalid_count(stderr: &str, file: &str) -> Option<u64> {
    let first = stderr.lines().next()?;
    if let Some(rest) = first.strip_prefix("error: ") {
        if let Some((count, _)) = rest.split_once(" invalid records; the first ") {
            return count.parse().ok();
        }
        let record = rest.strip_prefix(file)?.strip_prefix(": record ")?;
        let (number, what) = record.split_once(": ")?;
        let record_level = [
            "has more fields than the header",
            "has fewer fields than the header (an empty value still needs its delimiter)",
            "is not a JSON object (a malformed line, or another kind of JSON value)",
        ];
        if number.parse::<u64>().is_ok()
            && (what.starts_with("column ") || record_level.contains(&what))
        {
            return Some(1);
        }
    }
    None
}

/// Runs `input` as `file` under both policies and checks that each run ends well and that they
/// agree: a clean `fail` run gives the same report under `skip`; a `fail` run stopped by K
/// invalid records is a `skip` run that skips K, lists K in the rejects file and says so in
/// one line; and a `skip` run that skips any record is a `fail` run that stops.
fn check_both_policies(input: &[u8], file: &str) -> Result<(), TestCaseError> {
    let dir = TempDir::new().expect("a temporary directory");
    fs::write(dir.path().join(file), input).expect("writing the input");

    let fail = report(dir.path(), file, &[]);
    check_run(&fail, "--on-invalid fail")?;
    let skip = report(dir.path(), file, &["--on-invalid", "skip", "--rejects", "rejects.csv"]);
    check_run(&skip, "--on-invalid skip")?;

    let invalid = invalid_count(&fail.stderr, file);
    match (fail.code, skip.code) {
        (Some(0), _) => {
            prop_assert_eq!(skip.code, Some(0), "fail passed, skip did not: {}", skip.stderr);
            prop_assert_eq!(&skip.stdout, &fail.stdout, "skip and fail reports differ");
            prop_assert_eq!(&skip.stderr, "", "nothing was skipped");
        }
        (Some(2), Some(0)) => {
            let (records, skipped) = input_counts(&skip);
            prop_assert!(
                invalid.is_some(),
                "skip passed but fail stopped for another reason than invalid records: {}",
                fail.stderr
            );
            prop_assert_eq!(invalid, Some(skipped), "fail said: {}", fail.stderr);
            prop_assert!((1..=records).contains(&skipped), "{} of {}", skipped, records);
            let noun = if skipped == 1 { "record" } else { "records" };
            let summary = format!("cxkpi: skipped {skipped} invalid {noun}: ");
            prop_assert!(
                skip.stderr.starts_with(&summary) && skip.stderr.lines().count() == 1,
                "skip summary: {}",
                skip.stderr
            );
            let mut rejects = csv::Reader::from_path(dir.path().join("rejects.csv"))
                .map_err(|e| TestCaseError::fail(format!("rejects file: {e}")))?;
            let headers = rejects
                .headers()
                .map_err(|e| TestCaseError::fail(format!("rejects header: {e}")))?
                .clone();
            prop_assert_eq!(
                headers.iter().collect::<Vec<_>>(),
                vec!["file", "record", "column", "value", "reason"]
            );
            let listed = rejects.records().count() as u64;
            prop_assert_eq!(listed, skipped, "rejects file rows");
        }
        (Some(2), _) => {
            prop_assert!(
                invalid.is_none(),
                "fail stopped on {:?} invalid records, skip failed as well: {}",
                invalid,
                skip.stderr
            );
        }
        _ => unreachable!("checked by check_run"),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Mutations of a valid log

/// Bytes that make CSV and JSON structure.
#[rustfmt::skip]
const SPECIALS: &[&[u8]] = &[
    b"\"", b",", b"\n", b"\r\n", b"\r", b"\"\"", b"{", b"}", b"[", b":", b"\\", b"\0", b"\xEF\xBB\xBF",
    b"\xE9",
];

/// Cell values that probe the parsers and the checks.
#[rustfmt::skip]
const VALUES: &[&str] = &[
    "", " ", "-1", "0", "1", "1.5", "6", "7.5", "11", "1e400", "NaN", "-inf", "abc", "true",
    "maybe", "2026-02-30T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01 09:00:00", "yesterday",
    "K01", "null", "\"", "a,b", "a\nb", "\u{FFFD}", "é",
    // Paris's spring-forward gap and fall-back overlap (with --tz Europe/Paris).
    "2026-03-29 02:30:00", "2026-10-25 02:30:00", "2026-03-01T09:15:00", "SUPPORT", " 3 ", "I00000001",
];

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte { at: usize, mask: u8 },
    InsertByte { at: usize, byte: u8 },
    DeleteByte { at: usize },
    InsertSpecial { at: usize, special: usize },
    DuplicateLine { line: usize },
    DropLine { line: usize },
    SwapCells { line: usize, a: usize, b: usize },
    SetCell { line: usize, cell: usize, value: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 1..=255u8).prop_map(|(at, mask)| Mutation::FlipByte { at, mask }),
        (at, any::<u8>()).prop_map(|(at, byte)| Mutation::InsertByte { at, byte }),
        at.prop_map(|at| Mutation::DeleteByte { at }),
        (at, 0..SPECIALS.len()).prop_map(|(at, special)| Mutation::InsertSpecial { at, special }),
        at.prop_map(|line| Mutation::DuplicateLine { line }),
        at.prop_map(|line| Mutation::DropLine { line }),
        (at, any::<usize>(), any::<usize>()).prop_map(|(line, a, b)| Mutation::SwapCells {
            line,
            a,
            b
        }),
        (at, any::<usize>(), 0..VALUES.len()).prop_map(|(line, cell, value)| Mutation::SetCell {
            line,
            cell,
            value
        }),
    ]
}

/// The lines of `input`, each with its line ending.
fn lines(input: &[u8]) -> Vec<Vec<u8>> {
    input.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

/// A line without its ending, and the ending.
fn split_ending(line: &[u8]) -> (&[u8], &[u8]) {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    (body, &line[body.len()..])
}

/// Applies `mutation`; positions are taken modulo the input's size, so any value applies.
fn apply(input: &mut Vec<u8>, mutation: &Mutation, ndjson: bool) {
    let position = |at: usize, len: usize| if len == 0 { 0 } else { at % len };
    match *mutation {
        Mutation::FlipByte { at, mask } => {
            if !input.is_empty() {
                let at = position(at, input.len());
                input[at] ^= mask;
            }
        }
        Mutation::InsertByte { at, byte } => {
            let at = position(at, input.len() + 1);
            input.insert(at, byte);
        }
        Mutation::DeleteByte { at } => {
            if !input.is_empty() {
                let at = position(at, input.len());
                input.remove(at);
            }
        }
        Mutation::InsertSpecial { at, special } => {
            let at = position(at, input.len() + 1);
            input.splice(at..at, SPECIALS[special].iter().copied());
        }
        Mutation::DuplicateLine { line } | Mutation::DropLine { line } => {
            let mut all = lines(input);
            if all.is_empty() {
                return;
            }
            let line = position(line, all.len());
            if matches!(mutation, Mutation::DropLine { .. }) {
                all.remove(line);
            } else {
                let mut copy = all[line].clone();
                if !copy.ends_with(b"\n") {
                    copy.push(b'\n');
                }
                all.insert(line, copy);
            }
            *input = all.concat();
        }
        Mutation::SwapCells { line, a, b } => {
            let mut all = lines(input);
            if all.is_empty() {
                return;
            }
            let line = position(line, all.len());
            let (body, ending) = split_ending(&all[line]);
            let swapped =
                if ndjson { swap_json_values(body, a, b) } else { swap_fields(body, a, b) };
            all[line] = [swapped.as_slice(), ending].concat();
            *input = all.concat();
        }
        Mutation::SetCell { line, cell, value } => {
            let mut all = lines(input);
            if all.is_empty() {
                return;
            }
            let line = position(line, all.len());
            let (body, ending) = split_ending(&all[line]);
            let set = if ndjson {
                set_json_value(body, cell, VALUES[value])
            } else {
                set_field(body, cell, VALUES[value])
            };
            all[line] = [set.as_slice(), ending].concat();
            *input = all.concat();
        }
    }
}

/// Swaps two comma-separated fields (naively: a quoted comma splits too).
fn swap_fields(line: &[u8], a: usize, b: usize) -> Vec<u8> {
    let mut fields: Vec<&[u8]> = line.split(|c| *c == b',').collect();
    let (a, b) = (a % fields.len(), b % fields.len());
    fields.swap(a, b);
    fields.join(&b',')
}

/// Replaces one comma-separated field with `value`, quoted as CSV when it needs to be.
fn set_field(line: &[u8], cell: usize, value: &str) -> Vec<u8> {
    let mut fields: Vec<Vec<u8>> = line.split(|c| *c == b',').map(<[u8]>::to_vec).collect();
    let cell = cell % fields.len();
    fields[cell] = if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\"")).into_bytes()
    } else {
        value.as_bytes().to_vec()
    };
    fields.join(&b',')
}

/// Swaps the values of two keys of a JSON object line; other lines are swapped as CSV.
fn swap_json_values(line: &[u8], a: usize, b: usize) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Map<String, Value>>(line) {
        Ok(mut object) if !object.is_empty() => {
            let keys: Vec<String> = object.keys().cloned().collect();
            let (ka, kb) = (&keys[a % keys.len()], &keys[b % keys.len()]);
            let va = object[ka].clone();
            let vb = std::mem::replace(object.get_mut(kb).expect("a key"), va);
            object.insert(ka.clone(), vb);
            serde_json::to_vec(&object).expect("serializable")
        }
        _ => swap_fields(line, a, b),
    }
}

/// Sets one key of a JSON object line to `value` (as a JSON number, boolean or null when it
/// reads as one, else a string); other lines are edited as CSV.
fn set_json_value(line: &[u8], cell: usize, value: &str) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Map<String, Value>>(line) {
        Ok(mut object) if !object.is_empty() => {
            let key = object.keys().nth(cell % object.len()).expect("a key").clone();
            let value = serde_json::from_str::<Value>(value)
                .ok()
                .filter(|v| !v.is_object() && !v.is_array() && !v.is_string())
                .unwrap_or_else(|| Value::String(value.to_string()));
            object.insert(key, value);
            serde_json::to_vec(&object).expect("serializable")
        }
        _ => set_field(line, cell, value),
    }
}

fn mutated(base: Vec<u8>, ndjson: bool) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(mutation(), 1..=4).prop_map(move |mutations| {
        let mut input = base.clone();
        for m in &mutations {
            apply(&mut input, m, ndjson);
        }
        input
    })
}

/// Prefixes that steer arbitrary bytes past format detection and the header.
fn prefix() -> impl Strategy<Value = &'static [u8]> {
    prop_oneof![
        4 => Just(&b""[..]),
        1 => Just(&b"interaction_id,csat,created_at\n"[..]),
        1 => Just(&b"\xEF\xBB\xBFinteraction_id,nps\r\n"[..]),
        1 => Just(&b"[{\"interaction_id\":"[..]),
        1 => Just(&b"{\"interaction_id\": \"A\", \"ces\": "[..]),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// (a) Arbitrary bytes, as a `.csv` file and as a file whose extension says nothing.
    #[test]
    fn arbitrary_bytes_end_in_exit_0_or_2(
        prefix in prefix(),
        bytes in prop::collection::vec(any::<u8>(), 0..=2048),
    ) {
        let input = [prefix, bytes.as_slice()].concat();
        let dir = TempDir::new().expect("a temporary directory");
        for file in ["input.csv", "input"] {
            fs::write(dir.path().join(file), &input).expect("writing the input");
            let run = report(dir.path(), file, &[]);
            check_run(&run, file)?;
        }
    }

    /// (b) Mutations of a valid 20-record CSV log, under `fail` and `skip`.
    #[test]
    fn mutated_csv_ends_in_exit_0_or_2_and_policies_agree(
        input in mutated(fixture("invalid/canonical20.csv"), false),
    ) {
        check_both_policies(&input, "log.csv")?;
    }

    /// (c) Mutations of the same log as NDJSON, under `fail` and `skip`.
    #[test]
    fn mutated_ndjson_ends_in_exit_0_or_2_and_policies_agree(
        input in mutated(fixture("invalid/canonical20.ndjson"), true),
    ) {
        check_both_policies(&input, "log.ndjson")?;
    }
}

/// The typed pass and the general path on `input` as `file`, with `args`: every output alike.
fn check_both_readers(input: &[u8], file: &str, args: &[&str]) -> Result<(), TestCaseError> {
    let dir = TempDir::new().expect("a temporary directory");
    fs::write(dir.path().join(file), input).expect("writing the input");
    let run = |general: bool, rejects: &str| {
        let mut command = Cxkpi::new("report --format json")
            .arg_list(args)
            .args("--rejects")
            .arg(rejects)
            .arg(file)
            .current_dir(dir.path())
            .timeout(Duration::from_secs(60));
        if general {
            command = command.env("CXKPI_GENERAL_PATH_ONLY", "1");
        }
        let run = command.run();
        let rejects = fs::read(dir.path().join(rejects)).ok();
        (run, rejects)
    };
    let (typed, typed_rejects) = run(false, "typed.csv");
    let (general, general_rejects) = run(true, "general.csv");
    prop_assert_eq!(typed.code, general.code, "exit codes; typed: {}", typed.stderr);
    prop_assert_eq!(&typed.stderr, &general.stderr);
    prop_assert_eq!(&typed.stdout, &general.stdout);
    prop_assert_eq!(typed_rejects, general_rejects, "rejects files");
    Ok(())
}

/// Options that change what the readers do: the zone naive times are read in, group keys,
/// the policy, business hours (matched on `team`).
fn reader_options() -> impl Strategy<Value = Vec<&'static str>> {
    const HOURS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schedule/hours.toml");
    let zone = prop_oneof![Just(vec![]), Just(vec!["--tz", "Europe/Paris"])];
    let keys = prop_oneof![Just(vec![]), Just(vec!["--by", "agent,channel"])];
    let policy = prop_oneof![Just(vec![]), Just(vec!["--on-invalid", "skip"])];
    let hours = prop_oneof![3 => Just(vec![]), 1 => Just(vec!["--schedule", HOURS])];
    (zone, keys, policy, hours).prop_map(|(z, k, p, h)| [z, k, p, h].concat())
}

proptest! {
    #![proptest_config(config())]

    /// (d) The typed pass and the general path agree on mutations of the valid CSV log, and
    /// of 30 records of the generated log (`examples/gen.rs`, seed 42; with and without its
    /// contacts column, so FCR is counted by ticket and by repeat contact), whose plain values
    /// the typed pass reads itself.
    #[test]
    fn typed_pass_and_general_path_agree(
        input in prop_oneof![
            mutated(fixture("invalid/canonical20.csv"), false),
            mutated(fixture("invalid/plain30.csv"), false),
            mutated(fixture("invalid/plain30_nocontacts.csv"), false),
        ],
        options in reader_options(),
    ) {
        check_both_readers(&input, "log.csv", &options)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The mutation machinery itself

#[test]
fn mutations_do_what_they_say() {
    let mut input = b"a,b,c\n1,2,3\n".to_vec();
    apply(&mut input, &Mutation::SwapCells { line: 1, a: 0, b: 2 }, false);
    assert_eq!(input, b"a,b,c\n3,2,1\n");
    apply(&mut input, &Mutation::DuplicateLine { line: 3 }, false);
    assert_eq!(input, b"a,b,c\n3,2,1\n3,2,1\n");
    apply(&mut input, &Mutation::DropLine { line: 0 }, false);
    assert_eq!(input, b"3,2,1\n3,2,1\n");
    apply(&mut input, &Mutation::SetCell { line: 0, cell: 1, value: 22 }, false);
    assert_eq!(VALUES[22], "a,b");
    assert_eq!(input, b"3,\"a,b\",1\n3,2,1\n");
    apply(&mut input, &Mutation::InsertSpecial { at: 0, special: 0 }, false);
    assert_eq!(input, b"\"3,\"a,b\",1\n3,2,1\n");
    apply(&mut input, &Mutation::DeleteByte { at: 0 }, false);
    apply(&mut input, &Mutation::FlipByte { at: 0, mask: 1 }, false);
    assert_eq!(input, b"2,\"a,b\",1\n3,2,1\n");

    let mut json = b"{\"a\":1,\"b\":\"x\"}\r\n".to_vec();
    apply(&mut json, &Mutation::SwapCells { line: 0, a: 0, b: 1 }, true);
    assert_eq!(json, b"{\"a\":\"x\",\"b\":1}\r\n");
    apply(&mut json, &Mutation::SetCell { line: 0, cell: 1, value: 2 }, true);
    assert_eq!(VALUES[2], "-1");
    assert_eq!(json, b"{\"a\":\"x\",\"b\":-1}\r\n");
}

#[test]
fn invalid_count_reads_both_message_forms() {
    let one = "error: log.csv: record 3: column csat: value \"6\" is outside the CSAT scale 1–5\n";
    assert_eq!(invalid_count(one, "log.csv"), Some(1));
    let ragged = "error: log.csv: record 4: has more fields than the header\n";
    assert_eq!(invalid_count(ragged, "log.csv"), Some(1));
    let not_json = "error: log.ndjson: record 4: is not a JSON object (a malformed line, or \
                    another kind of JSON value)\n";
    assert_eq!(invalid_count(not_json, "log.ndjson"), Some(1));
    let many = "error: 7 invalid records; the first 5:\n  log.csv: record 2: …\n";
    assert_eq!(invalid_count(many, "log.csv"), Some(7));
    let file = "error: log.ndjson: line 4: not valid JSON: expected value\n";
    assert_eq!(invalid_count(file, "log.ndjson"), None);
    let column = "error: missing required column interaction_id; the input has columns: \"a\"\n";
    assert_eq!(invalid_count(column, "log.csv"), None);
}
