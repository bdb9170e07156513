//! What belongs here: `--config` and `--preset`, mapping third-party exports onto the canonical
//! fields, and the example configs run on the real exports.
//!
//! Integration tests for `--config` and `--preset` (SPEC §7, with the input rules of §2), through
//! the real binary.
//!
//! Fixtures and their configs live in `tests/data/config/`: small files shaped like real exports
//! (4–10 records), with every expected value computed by hand in the comment next to it. Values
//! are compared as exact `f64`s, written the way cxkpi computes them (a percentage is
//! `hits × 100 / n`, so 4 of 7 is `400.0 / 7.0`). The one exception is a percentile that
//! interpolates with a fraction such as 0.7 (`720 + 0.7 × 4680`): floating point makes that
//! 3996.000000000001, so those are compared within 1e-9 (see [`assert_close`]).
//!
//! The last tests run the six example configs of `examples/` on the third-party exports in
//! `../shared/realdata` beside the clone; they are `#[ignore]`d, and `.ci/run` includes them
//! where that folder exists (and prints that they were skipped where it does not). Their
//! figures were checked with an independent plain-Python computation (the `csv` module, no
//! cxkpi code), quoted in each test.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::util::{crate_root, fixture, Cxkpi, Run};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn data_dir() -> PathBuf {
    crate_root().join("tests/data/config")
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// `cxkpi report --format json ARGS`, run in `tests/data/config` so that messages name the input
/// files as given.
fn config_report(args: &str) -> Cxkpi {
    Cxkpi::new("report --format json").args(args).current_dir(data_dir())
}

fn cxkpi(args: &str) -> Run {
    config_report(args).run()
}

/// A run that must succeed (exit 0; stderr may hold the summary of `--on-invalid skip`): its
/// JSON report.
fn report_json(args: &str) -> Value {
    config_report(args).run().status(0).json()
}

/// A run that must stop with exit 2, print nothing on stdout, and say each of `fragments`.
fn assert_fails(run: &Run, fragments: &[&str]) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    for fragment in fragments {
        assert!(run.stderr.contains(fragment), "stderr lacks {fragment:?}: {run:#?}");
    }
}

/// `input.records` and `input.skipped` of a report.
fn assert_input(report: &Value, records: u64, skipped: u64) {
    assert_eq!(report["input"]["records"], records, "{report:#}");
    assert_eq!(report["input"]["skipped"], skipped, "{report:#}");
}

fn rows(report: &Value) -> &Vec<Value> {
    report["rows"].as_array().expect("rows is an array")
}

/// The categories of the rows, in output order.
fn categories(report: &Value) -> Vec<&str> {
    rows(report).iter().map(|r| r["category"].as_str().expect("category is text")).collect()
}

/// The one row of `category` whose `--by` keys have the given values (`None`: a null key).
fn row<'a>(report: &'a Value, category: &str, keys: &[(&str, Option<&str>)]) -> &'a Value {
    let found: Vec<&Value> = rows(report)
        .iter()
        .filter(|r| r["category"] == category)
        .filter(|r| {
            keys.iter().all(|(key, value)| match value {
                Some(text) => r[*key] == *text,
                None => r.get(*key) == Some(&Value::Null),
            })
        })
        .collect();
    assert_eq!(found.len(), 1, "expected one row {category} {keys:?} in {report:#}");
    found[0]
}

/// Each named output column has exactly this value (counts are compared as numbers).
fn assert_values(row: &Value, expected: &[(&str, f64)]) {
    for (name, value) in expected {
        assert_eq!(row[*name].as_f64(), Some(*value), "{name} in {row:#}");
    }
}

/// Each named output column is null (a metric with n = 0).
fn assert_null(row: &Value, names: &[&str]) {
    for name in names {
        assert_eq!(row[*name], Value::Null, "{name} in {row:#}");
    }
}

/// A percentile that interpolates with an inexact fraction: equal to `expected` within 1e-9.
fn assert_close(row: &Value, name: &str, expected: f64) {
    let actual = row[name].as_f64().unwrap_or_else(|| panic!("{name} is not a number in {row:#}"));
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{name}: {actual} is not {expected} in {row:#}"
    );
}

/// The key values of the rows of `category`, in output order (`None`: a null key).
fn keys_of(report: &Value, category: &str, key: &str) -> Vec<Option<String>> {
    rows(report)
        .iter()
        .filter(|r| r["category"] == category)
        .map(|r| r[key].as_str().map(str::to_string))
        .collect()
}

/// A temporary directory holding `config.toml` with `text`; returns it and the file's path.
fn config_file(text: &str) -> (TempDir, String) {
    let dir = TempDir::new().expect("a temporary directory");
    let path = dir.path().join("config.toml");
    fs::write(&path, text).expect("writing the config");
    let path = path.to_str().expect("a UTF-8 temp path").to_string();
    (dir, path)
}

/// Runs `cxkpi report --format json --config CONFIG ARGS` with an inline config, in
/// `tests/data/config`.
fn report_with_config(config: &str, args: &str) -> Run {
    let (_dir, path) = config_file(config);
    Cxkpi::new("report --format json --config").arg(path).args(args).current_dir(data_dir()).run()
}

// ---------------------------------------------------------------------------------------------
// [input]
// ---------------------------------------------------------------------------------------------

/// tickets.tsv (tab-separated; channel and subject values hold commas):
///
/// ```text
/// Ticket ID  Channel          Score
/// T-1        Phone, callback  5      satisfied
/// T-2        Email            4      satisfied
/// T-3        Phone, callback  2
/// T-4        Chat             -      (no answer)
/// T-5        Email            1
/// ```
#[test]
fn input_tab_delimiter() {
    let report = report_json("--config tickets_tab.toml tickets.tsv");
    assert_input(&report, 5, 0);
    // all: 2 satisfied of 4 answers = 50 %.
    let all = row(&report, "all", &[]);
    assert_values(all, &[("interactions", 5.0), ("csat", 50.0), ("csat_n", 4.0)]);

    // Values with commas stay whole: Phone, callback = T-1 (5), T-3 (2) → 1 of 2.
    let by = report_json("--config tickets_tab.toml --by Channel tickets.tsv");
    assert_eq!(
        keys_of(&by, "all", "Channel"),
        [Some("Chat".into()), Some("Email".into()), Some("Phone, callback".into())]
    );
    let phone = row(&by, "all", &[("Channel", Some("Phone, callback"))]);
    assert_values(phone, &[("interactions", 2.0), ("csat", 50.0), ("csat_n", 2.0)]);
    let chat = row(&by, "all", &[("Channel", Some("Chat"))]);
    assert_values(chat, &[("interactions", 1.0), ("csat_n", 0.0)]);
    assert_null(chat, &["csat"]);

    // Without a configured delimiter a .tsv file is read with tabs: the same 5 records.
    let by_extension =
        report_with_config("[columns]\ninteraction_id = \"Ticket ID\"\n", "tickets.tsv");
    assert_eq!(by_extension.code, Some(0), "{by_extension:#?}");
    let parsed: Value = serde_json::from_str(&by_extension.stdout).unwrap();
    assert_input(&parsed, 5, 0);

    // A configured comma overrides the extension: the whole header is one column.
    let comma = report_with_config(
        "[input]\ndelimiter = \",\"\n[columns]\ninteraction_id = \"Ticket ID\"\n",
        "tickets.tsv",
    );
    assert_fails(
        &comma,
        &["column \"Ticket ID\" is not in tickets.tsv; its columns are: \"Ticket ID\\tChannel"],
    );
}

/// tickets_semicolon.csv:
///
/// ```text
/// Ticket ID  Channel      CSAT  Handle time
/// T-1        Phone        5     300
/// T-2        Email, web   4     -
/// T-3        Phone        3     420
/// T-4        "Chat; bot"  2     120          (quoted: the delimiter inside a value)
/// ```
#[test]
fn input_semicolon_delimiter() {
    let report = report_json("--config tickets_semicolon.toml tickets_semicolon.csv");
    assert_input(&report, 4, 0);
    // CSAT 5, 4 of 5, 4, 3, 2 → 50 %; AHT (300 + 420 + 120) / 3 = 280.
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[("interactions", 4.0), ("csat", 50.0), ("csat_n", 4.0), ("aht_s", 280.0), ("aht_n", 3.0)],
    );
    let by = report_json("--config tickets_semicolon.toml --by channel tickets_semicolon.csv");
    assert_eq!(
        keys_of(&by, "all", "channel"),
        [Some("Chat; bot".into()), Some("Email, web".into()), Some("Phone".into())]
    );
    // Phone: T-1, T-3 → CSAT 1 of 2, AHT (300 + 420) / 2 = 360.
    let phone = row(&by, "all", &[("channel", Some("Phone"))]);
    assert_values(
        phone,
        &[("interactions", 2.0), ("csat", 50.0), ("aht_s", 360.0), ("aht_n", 2.0)],
    );
}

/// survey_latin1.csv, Latin-1 bytes (é = 0xE9, É = 0xC9):
///
/// ```text
/// id  magasin        nps
/// 1   Orléans        10   promoter
/// 2   Orléans        9    promoter
/// 3   Créteil        6    detractor
/// 4   Créteil        10   promoter
/// 5   Saint-Étienne  3    detractor
/// ```
#[test]
fn input_latin1_encoding() {
    let bytes = fixture("config/survey_latin1.csv");
    assert!(bytes.windows(4).any(|w| w == b"Orl\xe9"), "é is 0xE9");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is not UTF-8");

    let report = report_json("--config survey_latin1.toml --by magasin survey_latin1.csv");
    assert_input(&report, 5, 0);
    // Keys as text, ascending: "Créteil" < "Orléans" < "Saint-Étienne".
    assert_eq!(
        keys_of(&report, "service", "magasin"),
        [Some("Créteil".into()), Some("Orléans".into()), Some("Saint-Étienne".into())]
    );
    // Orléans: 2 promoters of 2 → 100; Créteil: 1 − 1 → 0; Saint-Étienne: 1 detractor → −100.
    let orleans = row(&report, "service", &[("magasin", Some("Orléans"))]);
    assert_values(orleans, &[("interactions", 2.0), ("nps", 100.0), ("nps_n", 2.0)]);
    let creteil = row(&report, "all", &[("magasin", Some("Créteil"))]);
    assert_values(creteil, &[("nps", 0.0), ("nps_n", 2.0)]);
    let etienne = row(&report, "all", &[("magasin", Some("Saint-Étienne"))]);
    assert_values(etienne, &[("nps", -100.0), ("nps_n", 1.0)]);

    // Read as UTF-8, the same keys are undecodable: exit 2 naming the first one.
    let utf8 = report_with_config(
        "[columns]\ninteraction_id = \"id\"\n",
        "--by magasin survey_latin1.csv",
    );
    assert_fails(
        &utf8,
        &["survey_latin1.csv: record 1: column magasin: value \"Orl\u{FFFD}ans\" is not valid UTF-8"],
    );
}

/// survey_na.csv, with `null_values = ["NA"]`:
///
/// ```text
/// Response ID  csat  Recommend (→ nps)
/// R1           5     10
/// R2           NA    9
/// R3           2     NA
/// R4           4     3
/// R5           NA    NA
/// ```
#[test]
fn input_null_values_are_missing_not_invalid() {
    let report = report_json("--config survey_na.toml survey_na.csv");
    assert_input(&report, 5, 0);
    // csat (a column the config does not map): 5, 2, 4 → 2 of 3. nps (mapped): 10, 9, 3 →
    // (2 promoters − 1 detractor) × 100 / 3.
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[
            ("interactions", 5.0),
            ("csat", 200.0 / 3.0),
            ("csat_n", 3.0),
            ("nps", 100.0 / 3.0),
            ("nps_n", 3.0),
        ],
    );

    // Without null_values, NA is a value that is not a number.
    let strict = report_with_config(
        "[columns]\ninteraction_id = \"Response ID\"\nnps = \"Recommend\"\n",
        "survey_na.csv",
    );
    assert_fails(
        &strict,
        &[
            "3 invalid records",
            "survey_na.csv: record 2: column csat: value \"NA\" is not a number",
            "survey_na.csv: record 3: column nps (from \"Recommend\"): value \"NA\" is not a number",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// File shapes real exports come in
// ---------------------------------------------------------------------------------------------

/// bom_crlf.csv: a UTF-8 BOM before "Ticket ID", CRLF line ends, the category last on each line:
///
/// ```text
/// Ticket ID  Rating  Type
/// A1         5       Technical   support
/// A2         3       Billing     service
/// A3         4       Technical   support
/// A4         1       Billing     service
/// ```
#[test]
fn bom_and_crlf() {
    let bytes = fixture("config/bom_crlf.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFTicket ID,"), "the fixture has a BOM");
    assert!(bytes.ends_with(b"Billing\r\n"), "the fixture has CRLF line ends");

    let report = report_json("--config bom_crlf.toml bom_crlf.csv");
    assert_input(&report, 4, 0);
    assert_eq!(categories(&report), ["support", "service", "all"]);
    // support: A1 5, A3 4 → 100 %; service: A2 3, A4 1 → 0 %; all 2 of 4.
    let support = row(&report, "support", &[]);
    assert_values(support, &[("interactions", 2.0), ("csat", 100.0), ("csat_n", 2.0)]);
    let service = row(&report, "service", &[]);
    assert_values(service, &[("interactions", 2.0), ("csat", 0.0), ("csat_n", 2.0)]);
    let all = row(&report, "all", &[]);
    assert_values(all, &[("interactions", 4.0), ("csat", 50.0), ("csat_n", 4.0)]);
}

/// unnamed_first.csv (header `,id,nps`) and unnamed_first_quoted.csv (header `"",id,nps`), as R
/// and pandas write a row-number column:
///
/// ```text
/// column1  id     nps
/// 1        S-100  10   promoter
/// 2        S-101  7    passive
/// 3        S-102  0    detractor
/// 4        S-103  9    promoter
/// ```
#[test]
fn unnamed_first_column_is_column1() {
    for file in ["unnamed_first.csv", "unnamed_first_quoted.csv"] {
        let report = report_json(&format!("--config unnamed_first.toml {file}"));
        assert_input(&report, 4, 0);
        // (2 − 1) × 100 / 4 = 25.
        let all = row(&report, "all", &[]);
        assert_values(all, &[("interactions", 4.0), ("nps", 25.0), ("nps_n", 4.0)]);

        let by = report_json(&format!("--config unnamed_first.toml --by column1 {file}"));
        assert_eq!(
            keys_of(&by, "all", "column1"),
            [Some("1".into()), Some("2".into()), Some("3".into()), Some("4".into())],
            "{file}"
        );
        let third = row(&by, "all", &[("column1", Some("3"))]);
        assert_values(third, &[("interactions", 1.0), ("nps", -100.0)]);
    }
    // The unnamed column can be mapped by that name, too.
    let report = report_with_config(
        "[columns]\ninteraction_id = \"column1\"\n[categories]\ndefault = \"service\"\n",
        "unnamed_first.csv",
    );
    assert_eq!(report.code, Some(0), "{report:#?}");
    let report: Value = serde_json::from_str(&report.stdout).unwrap();
    assert_values(row(&report, "service", &[]), &[("interactions", 4.0), ("nps", 25.0)]);
}

/// multiline.csv: quoted descriptions over several physical lines (with commas and doubled
/// quotes inside):
///
/// ```text
/// Ticket ID  Ticket Type        CSAT
/// 1          Technical issue    2     support
/// 2          Refund request     5     service (default)
/// 3          Technical issue    4     support
/// 4          Billing inquiry    -     service (default)
/// 5          Technical issue    5     support
/// ```
#[test]
fn multiline_quoted_fields() {
    let report = report_json("--config multiline.toml multiline.csv");
    assert_input(&report, 5, 0);
    // support: 2, 4, 5 → 2 of 3; service: 5 → 1 of 1; all: 3 of 4.
    assert_values(
        row(&report, "support", &[]),
        &[("interactions", 3.0), ("csat", 200.0 / 3.0), ("csat_n", 3.0)],
    );
    assert_values(
        row(&report, "service", &[]),
        &[("interactions", 2.0), ("csat", 100.0), ("csat_n", 1.0)],
    );
    assert_values(
        row(&report, "all", &[]),
        &[("interactions", 5.0), ("csat", 75.0), ("csat_n", 4.0)],
    );
    // The description is read whole, newlines and quotes included.
    let by = config_report("--config multiline.toml --by")
        .arg("Ticket Description")
        .arg("multiline.csv")
        .run()
        .status(0)
        .json();
    let first = row(
        &by,
        "support",
        &[("Ticket Description", Some("My laptop won't start.\nI tried twice, nothing."))],
    );
    assert_values(first, &[("interactions", 1.0), ("csat", 0.0)]);
    let third = row(
        &by,
        "support",
        &[("Ticket Description", Some("Line one\n\"Quoted\" line two\nline three"))],
    );
    assert_values(third, &[("interactions", 1.0), ("csat", 100.0)]);
}

// ---------------------------------------------------------------------------------------------
// [columns]
// ---------------------------------------------------------------------------------------------

/// helpdesk_export.csv, every field under the export's own name (all service, by the config's
/// `[categories] default`):
///
/// ```text
/// Case  Requester  Agent  Opened       First Reply  Closed       Rating  Effort  FRT s
/// C-1   cust-a     Ann    03-02 09:00  09:10        03-02 10:00  5       6        600
/// C-2   cust-b     Bob    03-02 11:00  11:30        03-02 12:00  3       2       1800
/// C-3   cust-a     Ann    03-04 09:00  09:05        03-04 09:30  4       7        300
/// C-4   cust-c     Bob    03-05 09:00  10:00        -            -       -       3600
/// C-5   cust-b     Ann    03-20 09:00  09:01        03-20 09:20  1       1         60
/// ```
///
/// FCR (repeat mode, 7 days): C-1 is followed by C-3 of cust-a 2 days later → not first
/// contact; C-2's next contact (C-5) is 18 days later → first contact; C-3, C-5 have none;
/// C-4 is unresolved → 3 of 4 = 75 %.
#[test]
fn columns_plain_rename() {
    let report = report_json("--config helpdesk_export.toml helpdesk_export.csv");
    assert_input(&report, 5, 0);
    let all = row(&report, "all", &[]);
    // CSAT 5, 3, 4, 1 → 2 of 4; CES (6 + 2 + 7 + 1) / 4 = 4; FRT sorted 60, 300, 600, 1800,
    // 3600: mean 6360 / 5 = 1272, median 600, p90 at rank 3.6 → 1800 + 0.6 × 1800 = 2880.
    assert_values(
        all,
        &[
            ("interactions", 5.0),
            ("csat", 50.0),
            ("csat_n", 4.0),
            ("ces", 4.0),
            ("ces_n", 4.0),
            ("fcr", 75.0),
            ("fcr_n", 4.0),
            ("frt_mean_s", 1272.0),
            ("frt_median_s", 600.0),
            ("frt_n", 5.0),
        ],
    );
    assert_close(all, "frt_p90_s", 2880.0);

    // agent from "Agent Name". Ann: C-1, C-3, C-5 → CSAT 2 of 3, CES 14 / 3, FRT 600, 300, 60
    // (mean 320, median 300), FCR 2 of 3. Bob: C-2, C-4 → CSAT 0 of 1, FCR 1 of 1.
    let by = report_json("--config helpdesk_export.toml --by agent helpdesk_export.csv");
    let ann = row(&by, "service", &[("agent", Some("Ann"))]);
    assert_values(
        ann,
        &[
            ("interactions", 3.0),
            ("csat", 200.0 / 3.0),
            ("ces", 14.0 / 3.0),
            ("frt_mean_s", 320.0),
            ("frt_median_s", 300.0),
            ("fcr", 200.0 / 3.0),
            ("fcr_n", 3.0),
        ],
    );
    let bob = row(&by, "service", &[("agent", Some("Bob"))]);
    assert_values(
        bob,
        &[("interactions", 2.0), ("csat", 0.0), ("csat_n", 1.0), ("fcr", 100.0), ("fcr_n", 1.0)],
    );
}

/// calls_joined.csv: the call number repeats across lines, so the id is line + call; date and
/// time are separate columns:
///
/// ```text
/// Line  Call  Date        Time      Talk   interaction_id   created_at
/// AA01  1001  2026-03-02  09:00:00  120    "AA01 1001"      03-02 09:00:00
/// AA02  1001  2026-03-02  09:30:00   60    "AA02 1001"      03-02 09:30:00
/// AA01  1002  2026-03-02  23:59:59  300    "AA01 1002"      03-02 23:59:59
/// AA02  1002  2026-03-03  00:00:00   30    "AA02 1002"      03-03 00:00:00
/// ```
#[test]
fn columns_joined_with_a_space() {
    let by = report_json("--config calls_joined.toml --by interaction_id calls_joined.csv");
    assert_input(&by, 4, 0);
    assert_eq!(
        keys_of(&by, "all", "interaction_id"),
        [
            Some("AA01 1001".into()),
            Some("AA01 1002".into()),
            Some("AA02 1001".into()),
            Some("AA02 1002".into())
        ]
    );
    assert_values(
        row(&by, "all", &[("interaction_id", Some("AA02 1001"))]),
        &[("interactions", 1.0), ("aht_s", 60.0)],
    );

    // AHT over all four: 510 / 4 = 127.5.
    let report = report_json("--config calls_joined.toml calls_joined.csv");
    assert_values(
        row(&report, "all", &[]),
        &[("interactions", 4.0), ("aht_s", 127.5), ("aht_n", 4.0)],
    );
    // The day 2026-03-02: the first three, AHT 480 / 3 = 160.
    let day = report_json(
        "--config calls_joined.toml --from 2026-03-02 --to 2026-03-03 calls_joined.csv",
    );
    assert_values(row(&day, "all", &[]), &[("interactions", 3.0), ("aht_s", 160.0)]);
    // [09:30:00, 23:59:59): only the 09:30:00 call, to the second.
    let window = report_json("--config calls_joined.toml --from 2026-03-02T09:30:00Z --to 2026-03-02T23:59:59Z calls_joined.csv");
    assert_values(row(&window, "all", &[]), &[("interactions", 1.0), ("aht_s", 60.0)]);
    // A formatted naive time is read in --tz: 09:00 in Paris (UTC+1) is 08:00Z.
    let paris = report_json("--config calls_joined.toml --tz Europe/Paris --from 2026-03-02T08:00:00Z --to 2026-03-02T08:00:01Z calls_joined.csv");
    assert_values(row(&paris, "all", &[]), &[("interactions", 1.0), ("aht_s", 120.0)]);
}

/// calls_yymmdd.tsv (Technion-style: tab, CRLF, `yymmdd` dates, hours without a leading zero):
///
/// ```text
/// vru+line  call_id  date    vru_entry  ser_time   created_at
/// AA0101    34536    990201  7:02:47    166        1999-02-01 07:02:47
/// AA0101    34537    990201  7:31:45      5        1999-02-01 07:31:45
/// AA0102    34536    990201  10:00:00    30        1999-02-01 10:00:00
/// AA0101    34538    990202  0:00:05    100        1999-02-02 00:00:05
/// ```
#[test]
fn columns_two_digit_year_format_with_single_digit_hours() {
    let config = "calls_yymmdd.toml";
    let all = report_json(&format!("--config {config} calls_yymmdd.tsv"));
    assert_input(&all, 4, 0);
    // (166 + 5 + 30 + 100) / 4 = 75.25.
    assert_values(row(&all, "all", &[]), &[("interactions", 4.0), ("aht_s", 75.25)]);
    // [07:02:47, 07:31:45): the first call only (7:02:47 is 07:02:47, 7:31:45 is not before).
    let second = report_json(&format!(
        "--config {config} --from 1999-02-01T07:02:47Z --to 1999-02-01T07:31:45Z calls_yymmdd.tsv"
    ));
    assert_values(row(&second, "all", &[]), &[("interactions", 1.0), ("aht_s", 166.0)]);
    // 1999-02-01: the first three, (166 + 5 + 30) / 3 = 67.
    let day = report_json(&format!(
        "--config {config} --from 1999-02-01 --to 1999-02-02 calls_yymmdd.tsv"
    ));
    assert_values(row(&day, "all", &[]), &[("interactions", 3.0), ("aht_s", 67.0)]);
}

/// offsets.csv: `created_at` with `%Y-%m-%d %H:%M:%S %z`, first reply naive (UTC):
///
/// ```text
/// id  opened                     = UTC          replied           FRT
/// 1   2026-03-01 09:00:00 +0200  03-01 07:00Z   03-01 07:10:00    600
/// 2   2026-03-01 09:00:00 -0100  03-01 10:00Z   03-01 10:30:00   1800
/// 3   2026-03-01 23:30:00 -0100  03-02 00:30Z   03-02 00:45:00    900
/// ```
#[test]
fn columns_format_with_an_offset() {
    let report = report_json("--config offsets.toml offsets.csv");
    assert_input(&report, 3, 0);
    // FRT 600, 900, 1800: mean 1100, median 900, p90 at rank 1.8 → 900 + 0.8 × 900 = 1620.
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[("interactions", 3.0), ("frt_mean_s", 1100.0), ("frt_median_s", 900.0), ("frt_n", 3.0)],
    );
    assert_close(all, "frt_p90_s", 1620.0);
    // Record 3 is on 2026-03-02 in UTC (its local date is 03-01).
    let second_day = report_json("--config offsets.toml --from 2026-03-02 offsets.csv");
    assert_values(row(&second_day, "all", &[]), &[("interactions", 1.0), ("frt_mean_s", 900.0)]);
}

/// durations.csv, each column in another unit:
///
/// ```text
/// id  talk_s  talk_min  talk_h  talk_clock  first_reply_min
/// D1  143     1.5       0.5     0:02:23     2
/// D2  3600    60        1       1:00:00     0.25
/// D3  -       -         -       -           -
/// D4  7       0         2.25    0:00:07     10
/// D5  0.5     0.75      -       12:30       -
/// ```
#[test]
fn columns_units() {
    let cases = [
        // 143 + 3600 + 7 + 0.5 = 3750.5, / 4.
        ("talk_s", "s", 937.625, 4.0),
        // 90 + 3600 + 0 + 45 = 3735, / 4.
        ("talk_min", "min", 933.75, 4.0),
        // 1800 + 3600 + 8100 = 13500, / 3.
        ("talk_h", "h", 4500.0, 3.0),
        // 0:02:23 = 143, 1:00:00 = 3600, 0:00:07 = 7, 12:30 (MM:SS) = 750: 4500 / 4.
        ("talk_clock", "hh:mm:ss", 1125.0, 4.0),
    ];
    for (column, unit, aht, aht_n) in cases {
        let config = format!(
            "[columns]\ninteraction_id = \"id\"\n\
             talk_seconds = {{ column = \"{column}\", unit = \"{unit}\" }}\n\
             first_response_seconds = {{ column = \"first_reply_min\", unit = \"min\" }}\n\
             [categories]\ndefault = \"support\"\n"
        );
        let run = report_with_config(&config, "durations.csv");
        assert_eq!(run.code, Some(0), "{unit}: {run:#?}");
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_input(&report, 5, 0);
        let support = row(&report, "support", &[]);
        assert_values(support, &[("interactions", 5.0), ("aht_s", aht), ("aht_n", aht_n)]);
        // first_reply_min in minutes: 120, 15, 600 s: mean 245, median 120, p90 at rank 1.8
        // → 120 + 0.8 × 480 = 504.
        assert_values(support, &[("frt_mean_s", 245.0), ("frt_median_s", 120.0), ("frt_n", 3.0)]);
        assert_close(support, "frt_p90_s", 504.0);
    }
}

/// durations_bad.csv: one value per converted column that does not convert; each is reported
/// with its text as the file has it:
///
/// ```text
/// id  talk_clock  first_reply_min  opened
/// B1  0:02:23     5                2026-03-01 09:00:00
/// B2  1:75:00     5                2026-03-01 09:00:00    75 minutes is not H:MM:SS
/// B3  0:01:00     five             2026-03-01 09:00:00
/// B4  0:01:00     1                01/03/2026 09:00       not %Y-%m-%d %H:%M:%S
/// ```
#[test]
fn columns_conversion_failures_are_invalid_with_their_text() {
    let run = cxkpi("--config durations_bad.toml durations_bad.csv");
    assert_fails(
        &run,
        &[
            "3 invalid records",
            "durations_bad.csv: record 2: column talk_seconds (from \"talk_clock\"): value \"1:75:00\" is not a duration written H:MM:SS",
            "durations_bad.csv: record 3: column first_response_seconds (from \"first_reply_min\"): value \"five\" is not a number of minutes",
            "durations_bad.csv: record 4: column created_at (from \"opened\"): value \"01/03/2026 09:00\" is not a timestamp in the format %Y-%m-%d %H:%M:%S",
        ],
    );
    // Skipped, B1 alone is left: talk 143 s, first reply 300 s.
    let skip = cxkpi("--config durations_bad.toml --on-invalid skip durations_bad.csv");
    assert_eq!(skip.code, Some(0), "{skip:#?}");
    assert!(skip.stderr.contains("skipped 3 invalid records"), "{skip:#?}");
    let report: Value = serde_json::from_str(&skip.stdout).unwrap();
    assert_input(&report, 4, 3);
    assert_values(
        row(&report, "all", &[]),
        &[
            ("interactions", 1.0),
            ("aht_s", 143.0),
            ("aht_n", 1.0),
            ("frt_mean_s", 300.0),
            ("frt_n", 1.0),
        ],
    );
}

/// durations_negative.csv: `first_reply_min` N2 is -2 (minutes). The message should quote the
/// value as the file has it ("-2"), not the converted "-120.0" that appears nowhere in the file.
#[test]
fn columns_negative_converted_duration_is_reported_with_its_text() {
    let run = cxkpi("--config durations_negative.toml durations_negative.csv");
    assert_fails(
        &run,
        &["durations_negative.csv: record 2: column first_response_seconds (from \"first_reply_min\"): value \"-2\" is a negative duration"],
    );
}

/// survey_values.csv (every ticket resolved, 1 reply, so FCR = not reopened):
///
/// ```text
/// Ticket  Satisfaction  Reopens
/// V1      Good          0
/// V2      good          1
/// V3      BAD           0
/// V4      Offered       3
/// V5      -             -
/// V6      Meh           0
/// V7      bad           -
/// ```
#[test]
fn columns_values_with_default() {
    // csat: Good = 5, Bad = 1 (case-insensitive), Offered = "" (missing), default 3:
    //   V1 5, V2 5, V3 1, V4 missing, V5 missing (stays missing), V6 3 (default), V7 1
    //   → 2 satisfied of 5.
    // reopened: "0" = false, default true: V1 f, V2 t, V3 f, V4 t, V5 missing, V6 f, V7 missing
    //   → first contact: V1, V3, V5, V6, V7 = 5 of 7 (a missing reopened is not true; had the
    //   default reached the missing cells, V5 and V7 would be reopened: 3 of 7).
    let report = report_json("--config values_default.toml survey_values.csv");
    assert_input(&report, 7, 0);
    assert_values(
        row(&report, "all", &[]),
        &[
            ("interactions", 7.0),
            ("csat", 40.0),
            ("csat_n", 5.0),
            ("fcr", 500.0 / 7.0),
            ("fcr_n", 7.0),
        ],
    );
}

/// survey_values.csv again, with `values` and no `default`: an unlisted text passes through, so
/// "Meh" is a CSAT that is not a number.
#[test]
fn columns_values_without_default() {
    let run = cxkpi("--config values_no_default.toml survey_values.csv");
    assert_fails(
        &run,
        &["survey_values.csv: record 6: column csat (from \"Satisfaction\"): value \"Meh\" is not a number"],
    );
    // Skipping V6: csat V1 5, V2 5, V3 1, V7 1 → 2 of 4; reopened "0" = false, "1"/"3" = true:
    // first contact V1, V3, V5, V7 → 4 of 6.
    let report = report_json("--config values_no_default.toml --on-invalid skip survey_values.csv");
    assert_input(&report, 7, 1);
    assert_values(
        row(&report, "all", &[]),
        &[
            ("interactions", 6.0),
            ("csat", 50.0),
            ("csat_n", 4.0),
            ("fcr", 400.0 / 6.0),
            ("fcr_n", 6.0),
        ],
    );
}

/// customers.csv (all support, by `[categories] default`; FCR in repeat mode, 7 days):
///
/// ```text
/// id  cust  opened       closed  churn        talk
/// 1   A     03-01 09:00  yes     -            100
/// 2   A     03-02 09:00  yes     -              0
/// 3   0     03-01 09:00  yes     03-05        200
/// 4   0     03-03 09:00  yes     03-05          0
/// 5   B     03-01 09:00  yes     03-20        300
/// ```
#[test]
fn columns_per_column_null_values() {
    // As it is: "0" is a customer. FCR: 1 (A again on 03-02) no, 2 yes, 3 (0 again on 03-03)
    // no, 4 yes, 5 yes → 3 of 5. Churn: A no, 0 yes, B yes → 2 of 3. AHT 600 / 5 = 120.
    let plain = report_json("--config customers_plain.toml customers.csv");
    assert_values(
        row(&plain, "support", &[]),
        &[
            ("interactions", 5.0),
            ("fcr", 60.0),
            ("fcr_n", 5.0),
            ("churn", 200.0 / 3.0),
            ("churn_n", 3.0),
            ("aht_s", 120.0),
            ("aht_n", 5.0),
        ],
    );
    // customer_id null_values = ["0"]: records 3, 4 have no customer, so they leave FCR
    // (1 no, 2 yes, 5 yes → 2 of 3) and churn (A no, B yes → 1 of 2). talk null_values =
    // ["0"]: (100 + 200 + 300) / 3 = 200.
    let nulls = report_json("--config customers_nulls.toml customers.csv");
    assert_input(&nulls, 5, 0);
    assert_values(
        row(&nulls, "support", &[]),
        &[
            ("interactions", 5.0),
            ("fcr", 200.0 / 3.0),
            ("fcr_n", 3.0),
            ("churn", 50.0),
            ("churn_n", 2.0),
            ("aht_s", 200.0),
            ("aht_n", 3.0),
        ],
    );
}

/// agents.csv (`null_values = ["NA"]`):
///
/// ```text
/// Ticket  Assignee (→ agent)  Queue (not mapped)  Rating
/// K1      Ann                 Tier 1              5
/// K2      Bob                 Tier 2              2
/// K3      Ann                 Tier 2              4
/// K4      -                   Tier 1              1
/// K5      Bob                 NA                  5
/// ```
#[test]
fn by_a_mapped_field_and_by_a_source_column() {
    // --by agent (mapped from Assignee): Ann K1, K3 → 100 %; Bob K2, K5 → 50 %; none K4 → 0 %,
    // null key last.
    let by_agent = report_json("--config agents.toml --by agent agents.csv");
    assert_input(&by_agent, 5, 0);
    assert_eq!(keys_of(&by_agent, "all", "agent"), [Some("Ann".into()), Some("Bob".into()), None]);
    assert_values(
        row(&by_agent, "all", &[("agent", Some("Ann"))]),
        &[("interactions", 2.0), ("csat", 100.0), ("csat_n", 2.0)],
    );
    assert_values(
        row(&by_agent, "all", &[("agent", Some("Bob"))]),
        &[("interactions", 2.0), ("csat", 50.0)],
    );
    assert_values(
        row(&by_agent, "all", &[("agent", None)]),
        &[("interactions", 1.0), ("csat", 0.0)],
    );
    // The source column of a mapped field is a key too, with the same groups.
    let by_assignee = report_json("--config agents.toml --by Assignee agents.csv");
    assert_eq!(
        keys_of(&by_assignee, "all", "Assignee"),
        [Some("Ann".into()), Some("Bob".into()), None]
    );
    assert_values(
        row(&by_assignee, "all", &[("Assignee", Some("Bob"))]),
        &[("interactions", 2.0), ("csat", 50.0)],
    );
    // --by Queue (a raw column; NA is missing): Tier 1 K1, K4 → 50 %; Tier 2 K2, K3 → 50 %;
    // null K5 → 100 %.
    let by_queue = report_json("--config agents.toml --by Queue agents.csv");
    assert_eq!(
        keys_of(&by_queue, "all", "Queue"),
        [Some("Tier 1".into()), Some("Tier 2".into()), None]
    );
    assert_values(
        row(&by_queue, "all", &[("Queue", Some("Tier 1"))]),
        &[("interactions", 2.0), ("csat", 50.0)],
    );
    assert_values(
        row(&by_queue, "all", &[("Queue", None)]),
        &[("interactions", 1.0), ("csat", 100.0)],
    );
}

// ---------------------------------------------------------------------------------------------
// [categories]
// ---------------------------------------------------------------------------------------------

// categories.csv:
//
//   Ticket ID  Ticket Type              Rating
//   1          Technical issue          5
//   2          " technical ISSUE "      4
//   3          Billing inquiry          2
//   4          Refund request           5
//   5          Product inquiry          1
//   6          (empty)                  3
//   7          Cancellation request     4
//
// Over all seven: 5, 4, 5, 4 satisfied → 400 / 7.

#[test]
fn categories_with_default_service() {
    // support ["Technical issue"] matches 1 and 2 (trimmed, case-insensitive); service lists
    // " refund REQUEST " (trimmed, case-insensitive in the config too): 3, 4; the other values
    // (5, 7) default to service, and the empty one (6) stays uncategorized: the default is for
    // values, not for their absence. support 5, 4 → 100 %; service 2, 5, 1, 4 → 2 of 4;
    // uncategorized 3 → 0 %.
    let report = report_json("--config categories_default.toml categories.csv");
    assert_input(&report, 7, 0);
    assert_eq!(categories(&report), ["support", "service", "uncategorized", "all"]);
    assert_values(
        row(&report, "support", &[]),
        &[("interactions", 2.0), ("csat", 100.0), ("csat_n", 2.0)],
    );
    assert_values(
        row(&report, "service", &[]),
        &[("interactions", 4.0), ("csat", 50.0), ("csat_n", 4.0)],
    );
    assert_values(
        row(&report, "uncategorized", &[]),
        &[("interactions", 1.0), ("csat", 0.0), ("csat_n", 1.0)],
    );
    assert_values(row(&report, "all", &[]), &[("interactions", 7.0), ("csat", 400.0 / 7.0)]);
}

#[test]
fn categories_without_default_leave_others_uncategorized() {
    // support 1, 2 → 100 %; service 3, 4 → 1 of 2; uncategorized 5, 6, 7 (1, 3, 4) → 1 of 3.
    let report = report_json("--config categories_no_default.toml categories.csv");
    assert_eq!(categories(&report), ["support", "service", "uncategorized", "all"]);
    assert_values(row(&report, "support", &[]), &[("interactions", 2.0), ("csat", 100.0)]);
    assert_values(
        row(&report, "service", &[]),
        &[("interactions", 2.0), ("csat", 50.0), ("csat_n", 2.0)],
    );
    assert_values(
        row(&report, "uncategorized", &[]),
        &[("interactions", 3.0), ("csat", 100.0 / 3.0), ("csat_n", 3.0)],
    );
    assert_values(row(&report, "all", &[]), &[("interactions", 7.0), ("csat", 400.0 / 7.0)]);
}

#[test]
fn categories_with_only_a_default() {
    // `[categories] default = "support"` and no column: all seven are support.
    let report = report_json("--config categories_only_default.toml categories.csv");
    assert_eq!(categories(&report), ["support", "service", "all"]);
    assert_values(
        row(&report, "support", &[]),
        &[("interactions", 7.0), ("csat", 400.0 / 7.0), ("csat_n", 7.0)],
    );
    let service = row(&report, "service", &[]);
    assert_values(service, &[("interactions", 0.0), ("csat_n", 0.0)]);
    assert_null(service, &["csat"]);
}

/// tickets_tab.toml has no `[categories]` and the file no category column: every record is
/// uncategorized, and SPEC §4 orders rows support, service, uncategorized, all.
#[test]
fn rows_in_spec_order_when_no_category_is_configured() {
    let report = report_json("--config tickets_tab.toml tickets.tsv");
    assert_eq!(categories(&report), ["support", "service", "uncategorized", "all"]);
}

/// helpdesk_export.csv without `[categories]` (every record uncategorized): repeat-mode FCR must
/// still see C-3 as a repeat of C-1 (same customer, same category, 2 days later): 3 of 4 = 75 %,
/// as with `[categories] default = "service"` in [`columns_plain_rename`].
#[test]
fn repeat_fcr_when_no_category_is_configured() {
    let config = "[columns]\ninteraction_id = \"Case Number\"\ncustomer_id = \"Requester\"\n\
                  created_at = \"Opened\"\nresolved_at = \"Closed\"\n";
    let run = report_with_config(config, "helpdesk_export.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    for category in ["uncategorized", "all"] {
        assert_values(
            row(&report, category, &[]),
            &[("interactions", 5.0), ("fcr", 75.0), ("fcr_n", 4.0)],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// [scales]
// ---------------------------------------------------------------------------------------------

// scales.csv:
//
//   Survey  Score (csat)  Effort (ces)
//   S1      10            0
//   S2      9             10
//   S3      8             5
//   S4      1             -
//   S5      7             3

#[test]
fn scales_csat_1_to_10_and_ces_0_to_10() {
    // satisfied_min defaults to 9 on 1–10: 10, 9 → 2 of 5. CES (0 + 10 + 5 + 3) / 4 = 4.5.
    let report = report_json("--config scales_10.toml scales.csv");
    assert_input(&report, 5, 0);
    assert_values(
        row(&report, "service", &[]),
        &[("interactions", 5.0), ("csat", 40.0), ("csat_n", 5.0), ("ces", 4.5), ("ces_n", 4.0)],
    );
    // Explicit csat_satisfied_min = 7: 10, 9, 8, 7 → 4 of 5.
    let min7 = report_json("--config scales_10_min7.toml scales.csv");
    assert_values(row(&min7, "service", &[]), &[("csat", 80.0), ("csat_n", 5.0), ("ces", 4.5)]);
    // On the default scales (CSAT 1–5, CES 1–7) the same answers are out of scale.
    let default = cxkpi("--config scales_default.toml scales.csv");
    assert_fails(
        &default,
        &[
            "scales.csv: record 1: column csat (from \"Score\"): value \"10\" is outside the CSAT scale 1–5",
            "scales.csv: record 5: column csat (from \"Score\"): value \"7\" is outside the CSAT scale 1–5",
        ],
    );
}

/// scales_out.csv on CSAT 1–10 and CES 0–10:
///
/// ```text
/// Survey  Score  Effort
/// S1      10     10      valid
/// S2      11     5       csat above 10
/// S3      0      5       csat below 1
/// S4      5      11      ces above 10
/// S5      5      -1      ces below 0
/// ```
#[test]
fn scales_values_outside_the_configured_scale_are_invalid() {
    let run = cxkpi("--config scales_10.toml scales_out.csv");
    assert_fails(
        &run,
        &[
            "4 invalid records",
            "scales_out.csv: record 2: column csat (from \"Score\"): value \"11\" is outside the CSAT scale 1–10",
            "scales_out.csv: record 3: column csat (from \"Score\"): value \"0\" is outside the CSAT scale 1–10",
            "scales_out.csv: record 4: column ces (from \"Effort\"): value \"11\" is outside the CES scale 0–10",
            "scales_out.csv: record 5: column ces (from \"Effort\"): value \"-1\" is outside the CES scale 0–10",
        ],
    );
    let report = report_json("--config scales_10.toml --on-invalid skip scales_out.csv");
    assert_input(&report, 5, 4);
    assert_values(
        row(&report, "all", &[]),
        &[("interactions", 1.0), ("csat", 100.0), ("ces", 10.0)],
    );
}

// ---------------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------------

// zendesk_tickets.csv, a Zendesk Support ticket export (naive timestamps, read in UTC):
//
//   Id   Req   Assignee  Group    Via       Type      Created      Solved       FRT min  Replies  Reopens  Satisfaction
//   101  9001  Ann Lee   Tier 1   Web form  Incident  03-02 09:00  03-02 11:00  12       1        0        Good
//   102  9002  Bob Roy   Tier 2   Mail      Problem   03-02 10:00  03-03 10:00  90       3        0        Bad
//   103  9001  Ann Lee   Tier 1   Chat      Question  03-03 08:00  03-03 08:20  1        1        1        Good
//   104  9003  Cid Das   Billing  Web form  Question  03-03 09:00  -            30       1        0        Offered
//   105  9004  Bob Roy   Billing  Mail      Task      03-04 09:00  03-04 09:30  -        0        0        Unoffered
//   106  9002  Cid Das   Tier 2   Chat      Incident  03-04 12:00  03-05 12:00  5        2        2        Bad
//   107  9005  Ann Lee   Tier 1   Web form  (empty)   03-05 09:00  03-05 10:00  45       1        0        Good
//   108  9006  Ann Lee   Tier 1   Web form  Problem   03-05 13:00  03-05 13:10  2        1        0        Good
//
// Categories: support = Incident, Problem (101, 102, 106, 108); service = Question, Task (103,
// 104, 105); uncategorized 107. CSAT: Good = 5, Bad = 1, Offered/Unoffered = no answer.
// FCR (ticket mode on Replies): resolved, Replies <= 1 and Reopens = 0.
// FRT = minutes × 60: 720, 5400, 60, 1800, -, 300, 2700, 120.

#[test]
fn preset_zendesk() {
    let report = report_json("--preset zendesk zendesk_tickets.csv");
    assert_input(&report, 8, 0);
    assert_eq!(categories(&report), ["support", "service", "uncategorized", "all"]);

    // support: CSAT Good, Bad, Bad, Good → 2 of 4. FCR 101 yes, 102 (3 replies) no, 106
    // (reopened) no, 108 yes → 2 of 4. FRT 120, 300, 720, 5400: mean 6540 / 4 = 1635, median
    // (300 + 720) / 2 = 510, p90 at rank 2.7 → 720 + 0.7 × 4680 = 3996.
    let support = row(&report, "support", &[]);
    assert_values(
        support,
        &[
            ("interactions", 4.0),
            ("csat", 50.0),
            ("csat_n", 4.0),
            ("fcr", 50.0),
            ("fcr_n", 4.0),
            ("frt_mean_s", 1635.0),
            ("frt_median_s", 510.0),
            ("frt_n", 4.0),
        ],
    );
    assert_close(support, "frt_p90_s", 3996.0);

    // service: CSAT Good only (104 Offered, 105 Unoffered) → 1 of 1. FCR: 103 reopened no, 104
    // unsolved, 105 (0 replies) yes → 1 of 2. FRT 60, 1800: mean = median = 930, p90 60 + 0.9
    // × 1740 = 1626.
    let service = row(&report, "service", &[]);
    assert_values(
        service,
        &[
            ("interactions", 3.0),
            ("csat", 100.0),
            ("csat_n", 1.0),
            ("fcr", 50.0),
            ("fcr_n", 2.0),
            ("frt_mean_s", 930.0),
            ("frt_median_s", 930.0),
            ("frt_n", 2.0),
        ],
    );
    assert_close(service, "frt_p90_s", 1626.0);

    // uncategorized: 107 alone.
    assert_values(
        row(&report, "uncategorized", &[]),
        &[
            ("interactions", 1.0),
            ("csat", 100.0),
            ("fcr", 100.0),
            ("frt_mean_s", 2700.0),
            ("frt_p90_s", 2700.0),
        ],
    );

    // all: CSAT 4 Good of 6 answers; FCR 101, 105, 107, 108 of 7 solved; FRT sorted 60, 120,
    // 300, 720, 1800, 2700, 5400: mean 11100 / 7, median 720, p90 at rank 5.4 → 2700 + 0.4 ×
    // 2700 = 3780. No NPS, CES, AHT or churn columns: n = 0, null.
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[
            ("interactions", 8.0),
            ("csat", 400.0 / 6.0),
            ("csat_n", 6.0),
            ("fcr", 400.0 / 7.0),
            ("fcr_n", 7.0),
            ("frt_mean_s", 11100.0 / 7.0),
            ("frt_median_s", 720.0),
            ("frt_n", 7.0),
            ("nps_n", 0.0),
            ("ces_n", 0.0),
            ("aht_n", 0.0),
            ("churn_n", 0.0),
        ],
    );
    assert_close(all, "frt_p90_s", 3780.0);
    assert_null(all, &["nps", "ces", "aht_s", "churn"]);
}

#[test]
fn preset_zendesk_breakdown_keys() {
    let preset = "--preset zendesk";
    // agent = Assignee: Ann Lee 101, 103, 107, 108 → CSAT 4 of 4, FCR 101, 107, 108 of 4.
    let by = report_json(&format!("{preset} --by agent zendesk_tickets.csv"));
    assert_eq!(
        keys_of(&by, "all", "agent"),
        [Some("Ann Lee".into()), Some("Bob Roy".into()), Some("Cid Das".into())]
    );
    assert_values(
        row(&by, "all", &[("agent", Some("Ann Lee"))]),
        &[("interactions", 4.0), ("csat", 100.0), ("fcr", 75.0), ("fcr_n", 4.0)],
    );
    // channel = Via: Chat 103, 106; Mail 102, 105; Web form 101, 104, 107, 108.
    let by = report_json(&format!("{preset} --by channel zendesk_tickets.csv"));
    assert_eq!(
        keys_of(&by, "all", "channel"),
        [Some("Chat".into()), Some("Mail".into()), Some("Web form".into())]
    );
    assert_values(
        row(&by, "all", &[("channel", Some("Web form"))]),
        &[("interactions", 4.0), ("csat_n", 3.0)],
    );
    // team = Group: Billing 104, 105 (no CSAT answer) → null CSAT.
    let by = report_json(&format!("{preset} --by team zendesk_tickets.csv"));
    assert_eq!(
        keys_of(&by, "all", "team"),
        [Some("Billing".into()), Some("Tier 1".into()), Some("Tier 2".into())]
    );
    let billing = row(&by, "all", &[("team", Some("Billing"))]);
    assert_values(
        billing,
        &[("interactions", 2.0), ("csat_n", 0.0), ("fcr", 100.0), ("fcr_n", 1.0)],
    );
    assert_null(billing, &["csat"]);
    // customer_id = Requester id: 9002 has 102 and 106.
    let by = report_json(&format!("{preset} --by customer_id zendesk_tickets.csv"));
    assert_values(
        row(&by, "support", &[("customer_id", Some("9002"))]),
        &[("interactions", 2.0), ("csat", 0.0), ("fcr", 0.0), ("fcr_n", 2.0)],
    );
}

// freshdesk_tickets.csv, a Freshdesk ticket export ("Initial response time" is the first
// response's timestamp):
//
//   ID  Source  Type             Agent  Group    Created      Resolved     Initial resp.  Agent int.  Survey
//   1   Email   Incident         Alice  L1       03-02 09:00  03-02 12:00  09:15 (900)    1           Extremely happy (5)
//   2   Portal  Problem          Bruno  L2       03-02 10:00  03-04 10:00  11:00 (3600)   4           Unhappy (2)
//   3   Phone   Question         Alice  L1       03-03 08:00  03-03 08:05  08:01 (60)     1           Awesome (5)
//   4   Email   Refund           Chen   Billing  03-03 09:00  -            09:30 (1800)   1           -
//   5   Portal  Feature Request  Bruno  L2       03-04 09:00  03-05 09:00  -              0           Neutral (3)
//   6   Chat    Incident         Chen   L1       03-04 12:00  03-04 12:40  12:02 (120)    2           Just okay (3)
//   7   Email   (empty)          Alice  L1       03-05 09:00  03-05 09:30  09:10 (600)    1           Happy (4)
//   8   Email   Question         Chen   Billing  03-05 10:00  03-05 11:00  10:20 (1200)   1           Not good (1)
//
// Categories: support = Incident, Problem (1, 2, 6); service = Question, Feature Request,
// Refund, Lead (3, 4, 5, 8); uncategorized 7. FCR (ticket mode on Agent interactions): resolved
// and <= 1.

#[test]
fn preset_freshdesk() {
    let report = report_json("--preset freshdesk freshdesk_tickets.csv");
    assert_input(&report, 8, 0);
    assert_eq!(categories(&report), ["support", "service", "uncategorized", "all"]);

    // support: CSAT 5, 2, 3 → 1 of 3; FCR 1 yes, 2 no, 6 no → 1 of 3; FRT 120, 900, 3600: mean
    // 4620 / 3 = 1540, median 900, p90 at rank 1.8 → 900 + 0.8 × 2700 = 3060.
    let support = row(&report, "support", &[]);
    assert_values(
        support,
        &[
            ("interactions", 3.0),
            ("csat", 100.0 / 3.0),
            ("csat_n", 3.0),
            ("fcr", 100.0 / 3.0),
            ("fcr_n", 3.0),
            ("frt_mean_s", 1540.0),
            ("frt_median_s", 900.0),
            ("frt_n", 3.0),
        ],
    );
    assert_close(support, "frt_p90_s", 3060.0);

    // service: CSAT 5, 3, 1 (4 unanswered) → 1 of 3; FCR 3 yes, 5 (0 interactions) yes, 8 yes,
    // 4 unresolved → 3 of 3; FRT 60, 1800, 1200 (5 has none): mean 1020, median 1200, p90 at
    // rank 1.8 → 1200 + 0.8 × 600 = 1680.
    let service = row(&report, "service", &[]);
    assert_values(
        service,
        &[
            ("interactions", 4.0),
            ("csat", 100.0 / 3.0),
            ("csat_n", 3.0),
            ("fcr", 100.0),
            ("fcr_n", 3.0),
            ("frt_mean_s", 1020.0),
            ("frt_median_s", 1200.0),
            ("frt_n", 3.0),
        ],
    );
    assert_close(service, "frt_p90_s", 1680.0);

    assert_values(
        row(&report, "uncategorized", &[]),
        &[("interactions", 1.0), ("csat", 100.0), ("fcr", 100.0), ("frt_mean_s", 600.0)],
    );

    // all: CSAT 5, 2, 5, 3, 3, 4, 1 → 3 of 7; FCR 1, 3, 5, 7, 8 of 7; FRT sorted 60, 120, 600,
    // 900, 1200, 1800, 3600: mean 8280 / 7, median 900, p90 at rank 5.4 → 1800 + 0.4 × 1800 =
    // 2520. No customer column: churn n = 0.
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[
            ("interactions", 8.0),
            ("csat", 300.0 / 7.0),
            ("csat_n", 7.0),
            ("fcr", 500.0 / 7.0),
            ("fcr_n", 7.0),
            ("frt_mean_s", 8280.0 / 7.0),
            ("frt_median_s", 900.0),
            ("frt_n", 7.0),
            ("churn_n", 0.0),
            ("aht_n", 0.0),
        ],
    );
    assert_close(all, "frt_p90_s", 2520.0);
    assert_null(all, &["churn", "aht_s", "nps", "ces"]);
}

#[test]
fn preset_freshdesk_breakdown_keys() {
    // agent = Agent: Alice 1, 3, 7 → CSAT 5, 5, 4 → 100 %; Bruno 2, 5; Chen 4, 6, 8.
    let by = report_json("--preset freshdesk --by agent freshdesk_tickets.csv");
    assert_eq!(
        keys_of(&by, "all", "agent"),
        [Some("Alice".into()), Some("Bruno".into()), Some("Chen".into())]
    );
    assert_values(
        row(&by, "all", &[("agent", Some("Alice"))]),
        &[("interactions", 3.0), ("csat", 100.0), ("csat_n", 3.0)],
    );
    // channel = Source: Email 1, 4, 7, 8 → CSAT 5, 4, 1 → 2 of 3.
    let by = report_json("--preset freshdesk --by channel freshdesk_tickets.csv");
    assert_eq!(
        keys_of(&by, "all", "channel"),
        [Some("Chat".into()), Some("Email".into()), Some("Phone".into()), Some("Portal".into())]
    );
    assert_values(
        row(&by, "all", &[("channel", Some("Email"))]),
        &[("interactions", 4.0), ("csat", 200.0 / 3.0), ("csat_n", 3.0)],
    );
    // team = Group: L2 is 2 and 5, both Bruno's.
    let by = report_json("--preset freshdesk --by team freshdesk_tickets.csv");
    assert_values(
        row(&by, "all", &[("team", Some("L2"))]),
        &[("interactions", 2.0), ("fcr", 50.0), ("fcr_n", 2.0)],
    );
}

#[test]
fn preset_unknown_is_exit_2() {
    let run = cxkpi("--preset nosuch zendesk_tickets.csv");
    assert_fails(&run, &["--preset", "nosuch", "zendesk", "freshdesk"]);
}

#[test]
fn preset_with_config_is_exit_2() {
    let run = cxkpi("--config helpdesk_export.toml --preset zendesk zendesk_tickets.csv");
    assert_fails(&run, &["--preset", "cannot be used with", "--config"]);
}

// ---------------------------------------------------------------------------------------------
// Config errors: exit 2, naming the key and the problem
// ---------------------------------------------------------------------------------------------

/// A config that must be refused, run on helpdesk_export.csv.
fn assert_config_refused(config: &str, fragments: &[&str]) {
    let run = report_with_config(config, "helpdesk_export.csv");
    assert_fails(&run, fragments);
}

const ID: &str = "[columns]\ninteraction_id = \"Case Number\"\n";

#[test]
fn config_error_unknown_canonical_field() {
    assert_config_refused(
        "[columns]\ninteraction_id = \"Case Number\"\nticket_type = \"Type\"\n",
        &[
            "[columns]",
            "unknown canonical field \"ticket_type\"",
            "interaction_id, customer_id, category",
        ],
    );
}

#[test]
fn config_error_source_column_not_in_the_file() {
    assert_config_refused(
        "[columns]\ninteraction_id = \"Ticket ID\"\n",
        &[
            "[columns] interaction_id",
            "column \"Ticket ID\" is not in helpdesk_export.csv",
            "\"Case Number\", \"Requester\", \"Agent Name\", \"Opened\", \"First Reply\", \
             \"Closed\", \"Rating\", \"Effort\"",
        ],
    );
    // A part of a joined column, and the category column, are checked the same way.
    assert_config_refused(
        &format!("{ID}created_at = {{ columns = [\"Opened\", \"Time\"] }}\n"),
        &["[columns] created_at", "column \"Time\" is not in helpdesk_export.csv"],
    );
    assert_config_refused(
        &format!("{ID}[categories]\ncolumn = \"Type\"\nsupport = [\"Tech\"]\n"),
        &["[categories] column", "column \"Type\" is not in helpdesk_export.csv"],
    );
}

#[test]
fn config_error_bad_format_string() {
    assert_config_refused(
        &format!("{ID}created_at = {{ column = \"Opened\", format = \"%Q\" }}\n"),
        &["[columns] created_at", "format \"%Q\" is not a valid strftime format"],
    );
}

#[test]
fn config_error_unknown_unit() {
    assert_config_refused(
        &format!("{ID}talk_seconds = {{ column = \"Effort\", unit = \"weeks\" }}\n"),
        &["[columns] talk_seconds", "unknown unit \"weeks\""],
    );
}

#[test]
fn config_error_both_column_and_columns() {
    assert_config_refused(
        "[columns]\ninteraction_id = { column = \"Case Number\", columns = [\"Case Number\", \"Requester\"] }\n",
        &["[columns] interaction_id", "both column and columns"],
    );
}

#[test]
fn config_error_unknown_key_in_a_column_table() {
    // `value` for `values`.
    assert_config_refused(
        &format!("{ID}csat = {{ column = \"Rating\", value = {{ Good = 5 }} }}\n"),
        &["[columns] csat", "unknown field `value`"],
    );
}

#[test]
fn config_error_bad_delimiter() {
    assert_config_refused(
        &format!("[input]\ndelimiter = \"tab\"\n{ID}"),
        &["[input] delimiter", "\"tab\" is not a single ASCII character"],
    );
}

#[test]
fn config_error_unknown_encoding() {
    assert_config_refused(
        &format!("[input]\nencoding = \"utf-16\"\n{ID}"),
        &["[input] encoding", "unknown encoding \"utf-16\""],
    );
}

#[test]
fn config_error_bad_category_default() {
    assert_config_refused(
        &format!("{ID}[categories]\ndefault = \"sales\"\n"),
        &["[categories] default", "\"sales\" is not a category"],
    );
}

#[test]
fn config_error_bad_scale() {
    assert_config_refused(
        &format!("{ID}[scales]\ncsat = [5, 1]\n"),
        &["[scales] csat", "[5, 1] is not a scale"],
    );
    assert_config_refused(
        &format!("{ID}[scales]\nces = [3, 3]\n"),
        &["[scales] ces", "[3, 3] is not a scale"],
    );
    assert_config_refused(
        &format!("{ID}[scales]\ncsat_satisfied_min = 6\n"),
        &["[scales] csat_satisfied_min", "6 is outside the CSAT scale 1–5"],
    );
}

#[test]
fn config_error_toml_syntax_names_the_line() {
    assert_config_refused(
        "[columns]\ninteraction_id = \"Case Number\"\ncsat = { column = \"Rating\"\n",
        &["config", "config.toml", "line 3"],
    );
}

#[test]
fn config_error_nonexistent_file() {
    let run = cxkpi("--config no_such_config.toml helpdesk_export.csv");
    assert_fails(&run, &["no_such_config.toml", "no such config file"]);
}

// ---------------------------------------------------------------------------------------------
// The example configs on the real exports
// ---------------------------------------------------------------------------------------------

/// Where the real exports are: `shared/realdata` beside the clone (in CI, a fresh clone sits
/// next to a copy of `shared/`). The `example_*` tests are `#[ignore]`d; `.ci/run` runs them with
/// `--include-ignored` when this folder exists and says they were skipped when it does not.
fn realdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata")
}

/// `cxkpi report --format json --config examples/CONFIG REALDATA/FILE ARGS`, which must succeed.
/// An ignored test that is asked to run without the data fails, saying so: it never passes
/// without having run.
fn report_real(config: &str, file: &str, args: &str) -> Value {
    let path = realdata().join(file);
    assert!(
        path.exists(),
        "needs ../shared/realdata: {} is absent (run without --include-ignored to skip it)",
        path.display()
    );
    Cxkpi::new("report --format json --config")
        .arg(examples_dir().join(config))
        .arg(path)
        .args(args)
        .run()
        .status(0)
        .json()
}

/// A mean over thousands of values: the summation order may differ from Python's in the last
/// bits, so within 1e-12 relative.
fn assert_mean(row: &Value, name: &str, expected: f64) {
    let actual = row[name].as_f64().expect("a number");
    assert!(
        (actual - expected).abs() <= 1e-12 * expected.abs(),
        "{name}: {actual} is not {expected}"
    );
}

#[test]
#[ignore = "needs ../shared/realdata"]
fn example_botanic() {
    // Python: rows = csv.DictReader(open(nps.csv, encoding="latin-1")); v = [int(r["nps"]) for r
    // in rows if r["nps"] not in ("", "NA")]; 100 * (promoters - detractors) / len(v)
    // → 53.41610343814281 over 13612 of 13954 rows.
    let report = report_real("botanic.toml", "botanic_nps_survey/nps.csv", "");
    assert_input(&report, 13954, 0);
    assert_eq!(categories(&report), ["support", "service", "all"]);
    assert_values(
        row(&report, "service", &[]),
        &[("interactions", 13954.0), ("nps", 53.41610343814281), ("nps_n", 13612.0)],
    );
    assert_values(row(&report, "support", &[]), &[("interactions", 0.0)]);
}

#[test]
#[ignore = "needs ../shared/realdata"]
fn example_edtech() {
    // Python (csv module; NA = missing): 35 rows without ticket_id, 118 repeating an earlier
    // ticket_id, 2 with initial_time before created_time → 155 skipped, 14184 valid. FCR over
    // valid rows with resolved_time and agent_interactions: 13725, of which
    // agent_interactions <= 1 and status != "Customer Reopened": 81.52276867030966 %. FRT
    // (initial_time - created_time) over 5938 rows: mean 27056.099696867634, median 6060.
    let report = report_real(
        "edtech.toml",
        "edtech_helpdesk_tickets/ticket_data201803.csv",
        "--on-invalid skip",
    );
    assert_input(&report, 14339, 155);
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[
            ("interactions", 14184.0),
            ("fcr", 81.52276867030966),
            ("fcr_n", 13725.0),
            ("frt_median_s", 6060.0),
            ("frt_n", 5938.0),
        ],
    );
    assert_mean(all, "frt_mean_s", 27056.099696867634);
}

#[test]
#[ignore = "needs ../shared/realdata"]
fn example_kaggle_tickets() {
    // Python: 8469 records (csv module, multi-line fields); CSAT answers 2769, >= 4:
    // 39.25604911520404 %; "Technical issue" tickets: 1747.
    let report = report_real(
        "kaggle_tickets.toml",
        "kaggle_support_tickets/customer_support_tickets.csv",
        "",
    );
    assert_input(&report, 8469, 0);
    assert_values(
        row(&report, "all", &[]),
        &[("interactions", 8469.0), ("csat", 39.25604911520404), ("csat_n", 2769.0)],
    );
    assert_values(row(&report, "support", &[]), &[("interactions", 1747.0)]);
}

#[test]
#[ignore = "needs ../shared/realdata"]
fn example_pwc_callcenter() {
    // Python (encoding utf-8-sig): AvgTalkDuration H:MM:SS in seconds over 4054 non-empty
    // values: mean 224.92279230389738; Satisfaction rating >= 4: 49.90133201776024 % of 4054;
    // Topic in (Technical Support, Streaming): 2041.
    let report = report_real("pwc_callcenter.toml", "pwc_callcenter/Call-Center-Dataset.csv", "");
    assert_input(&report, 5000, 0);
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[
            ("interactions", 5000.0),
            ("aht_n", 4054.0),
            ("csat", 49.90133201776024),
            ("csat_n", 4054.0),
        ],
    );
    assert_mean(all, "aht_s", 224.92279230389738);
    assert_values(row(&report, "support", &[]), &[("interactions", 2041.0)]);
}

#[test]
#[ignore = "needs ../shared/realdata"]
fn example_simulated_sla() {
    // Python: first_response_minutes × 60 over 5000 rows: mean 4055.0750072842816; csat_score
    // >= 4: 39.04403866809882 % of 3724; category in (Technical Issue, Account Access): 700.
    let report = report_real(
        "simulated_sla.toml",
        "simulated_support_tickets_sla/customer_support_tickets.csv",
        "",
    );
    assert_input(&report, 5000, 0);
    let all = row(&report, "all", &[]);
    assert_values(
        all,
        &[
            ("interactions", 5000.0),
            ("csat", 39.04403866809882),
            ("csat_n", 3724.0),
            ("frt_n", 5000.0),
        ],
    );
    assert_mean(all, "frt_mean_s", 4055.0750072842816);
    assert_values(row(&report, "support", &[]), &[("interactions", 700.0)]);
}

#[test]
#[ignore = "needs ../shared/realdata"]
fn example_technion() {
    // Python (delimiter tab): 33344 rows, (vru+line, call_id) all distinct; ser_time other than
    // 0: 27451 values, mean 175.3312083348512; type IN: 293.
    let report = report_real(
        "technion.toml",
        "technion_bank_callcenter/data_anonymous_bank_february.tsv",
        "",
    );
    assert_input(&report, 33344, 0);
    let all = row(&report, "all", &[]);
    assert_values(all, &[("interactions", 33344.0), ("aht_n", 27451.0)]);
    assert_mean(all, "aht_s", 175.3312083348512);
    assert_values(row(&report, "support", &[]), &[("interactions", 293.0)]);
}

// ---------------------------------------------------------------------------------------------
// Strict conversions, optional columns, labels (added with the fixes they test)
// ---------------------------------------------------------------------------------------------

/// Writes `log` as `NAME` in a fresh directory and runs cxkpi there with the config text.
fn run_on(log: &str, name: &str, config: &str, args: &str) -> Run {
    Cxkpi::new("report --format json --config c.toml")
        .args(args)
        .arg(name)
        .file(name, log)
        .file("c.toml", config)
        .run()
}

#[test]
fn a_value_the_conversion_cannot_read_is_invalid_even_if_it_looks_canonical() {
    // "150" is a valid number of seconds, but the config says H:MM:SS: record 2 is invalid.
    let log = "id,talk\nA,0:02:30\nB,150\n";
    let config = "[columns]\ninteraction_id = \"id\"\ntalk_seconds = { column = \"talk\", unit = \"hh:mm:ss\" }\n";
    let run = run_on(log, "calls.csv", config, "");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: calls.csv: record 2: column talk_seconds (from \"talk\"): value \"150\" \
         is not a duration written H:MM:SS\n"
    );
    // The same holds for a timestamp that is canonical but not in the configured format.
    let log = "id,opened\nA,01/03/2026 09:00:00\nB,2026-03-01 09:00:00\n";
    let config = "[columns]\ninteraction_id = \"id\"\ncreated_at = { column = \"opened\", format = \"%d/%m/%Y %H:%M:%S\" }\n";
    let run = run_on(log, "t.csv", config, "");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains(
            "record 2: column created_at (from \"opened\"): value \"2026-03-01 09:00:00\" \
             is not a timestamp in the format %d/%m/%Y %H:%M:%S"
        ),
        "{run:#?}"
    );
}

#[test]
fn the_rejects_file_names_the_canonical_column_and_messages_the_source() {
    let log = "id,talk\nA,0:02:30\nB,oops\n";
    let config = "[columns]\ninteraction_id = \"id\"\ntalk_seconds = { column = \"talk\", unit = \"hh:mm:ss\" }\n";
    let run = run_on(log, "calls.csv", config, "--on-invalid skip --rejects rejects.csv");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(
        run.stderr,
        "cxkpi: skipped 1 invalid record: 1 × talk_seconds (from \"talk\") is not a duration \
         written H:MM:SS\n"
    );
    assert_eq!(
        fs::read_to_string(run.dir().join("rejects.csv")).unwrap(),
        "file,record,column,value,reason\ncalls.csv,2,talk_seconds,oops,is not a duration written H:MM:SS\n"
    );
}

#[test]
fn null_values_are_compared_case_insensitively() {
    // "na", "NA" and "N/a" are all missing: 1 CSAT answer (5), 100 %.
    let log = "id,csat\nA,na\nB,NA\nC,5\nD,N/a\n";
    let config = "[input]\nnull_values = [\"NA\", \"n/a\"]\n[columns]\ninteraction_id = \"id\"\n";
    let run = run_on(log, "s.csv", config, "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let all = row(&report, "all", &[]);
    assert_values(all, &[("csat", 100.0), ("csat_n", 1.0)]);
}

#[test]
fn a_preset_tolerates_missing_optional_columns() {
    // A Zendesk export without the satisfaction and reopen columns: 2 tickets, both Incident
    // (support), both resolved with 1 reply → FCR 100 % of 2; CSAT has n = 0.
    let log = "Id,Ticket type,Created at,Solved at,Replies\n\
               1,Incident,2026-03-01 09:00:00,2026-03-01 10:00:00,1\n\
               2,Incident,2026-03-02 09:00:00,2026-03-02 10:00:00,1\n";
    let run = Cxkpi::new("report --format json --preset zendesk zd.csv").file("zd.csv", log).run();
    assert_eq!(run.code, Some(0), "{run:#?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let support = row(&report, "support", &[]);
    assert_values(
        support,
        &[("interactions", 2.0), ("fcr", 100.0), ("fcr_n", 2.0), ("csat_n", 0.0)],
    );
    assert_null(support, &["csat"]);
}

#[test]
fn a_wide_csat_scale_needs_an_explicit_satisfied_minimum() {
    let run = run_on(
        "id,csat\nA,80\n",
        "s.csv",
        "[columns]\ninteraction_id = \"id\"\n[scales]\ncsat = [0, 100]\n",
        "",
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("csat_satisfied_min"), "{run:#?}");
    // With it, 80 of 0–100 with satisfied from 75 counts: 100 %.
    let run = run_on(
        "id,csat\nA,80\n",
        "s.csv",
        "[columns]\ninteraction_id = \"id\"\n[scales]\ncsat = [0, 100]\ncsat_satisfied_min = 75\n",
        "",
    );
    assert_eq!(run.code, Some(0), "{run:#?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_values(row(&report, "all", &[]), &[("csat", 100.0), ("csat_n", 1.0)]);
}

#[test]
fn a_by_key_named_like_an_output_column_is_refused() {
    for key in ["csat", "frt_p90_s", "snapshot_at"] {
        let run = run_on(
            "id,csat\nA,5\n",
            "s.csv",
            "[columns]\ninteraction_id = \"id\"\n",
            &format!("--by {key}"),
        );
        assert_eq!(run.code, Some(2), "{key}: {run:#?}");
        assert!(
            run.stderr.contains(&format!("--by {key}: that is the name of an output column")),
            "{run:#?}"
        );
    }
}
