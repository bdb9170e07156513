//! What belongs here: `cxkpi check` (SLA files, verdicts, limits, `by` rules, its four formats).
//!
//! Integration tests for `cxkpi check`, held to SPEC.md §1, §3 and §5 and to the README section
//! "SLA checks: `cxkpi check`" (inclusive limits, thresholds as numbers, durations or percent
//! strings, per-group `by` rules, "no data", the four output formats).
//!
//! The fixture is `tests/data/check/log.csv`: ten records, five `support` (S1–S5) and five
//! `service` (V1–V5), in ticket-mode FCR (there is a `contacts` column), with first response
//! times given as `first_response_seconds`:
//!
//! ```text
//! id  cust cat      channel agent created (2026-03)  frt   resolved handle contacts reopened csat nps ces churned_at
//! S1  c1   support  chat    alice 02 09:00           60    yes      300    1        false    5    10  6
//! S2  c2   support  email   bob   03 09:00           3600  yes      900    2        false    4    9   5
//! S3  c3   support  phone   alice 04 09:00           30    yes      600    1        false    2    3   4
//! S4  c4   support  email   bob   10 09:00           7200  no       600    1        -        5    8   -
//! S5  c1   support  chat    carol 11 09:00           120   yes      600    1        true     -    -   -
//! V1  c5   service  chat    alice 05 10:00           45    yes      300    1        false    5    10  7
//! V2  c6   service  phone   bob   06 10:00           90    yes      400    1        false    3    6   6
//! V3  c7   service  email   carol 12 10:00           1800  yes      300    3        false    4    9   5
//! V4  c8   service  chat    bob   13 10:00           150   no       500    -        -        1    0   -   2026-03-20
//! V5  c5   service  phone   carol 14 10:00           300   yes      0      0        false    -    -   -
//! ```
//!
//! The KPIs by hand (the whole log, no window):
//!
//! ```text
//! support  interactions 5
//!          csat   5,4,2,5 -> 3 satisfied of 4                 = 75.0     n 4
//!          nps    10,9,3,8 -> (2 promoters - 1 detractor) / 4 = +25.0    n 4
//!          ces    6,5,4 -> 15 / 3                             = 5.0      n 3
//!          fcr    resolved S1,S2,S3,S5; first contact S1,S3   = 50.0     n 4
//!                 (S2 took 2 contacts, S5 was reopened)
//!          aht_s  300+900+600+600+600 = 3000 / 5              = 600      n 5
//!          frt    sorted 30,60,120,3600,7200: mean 11010/5    = 2202
//!                 median 120; p90 at rank 0.9×4 = 3.6: 3600 + 0.6 × 3600 = 5760   n 5
//! service  interactions 5
//!          csat   5,3,4,1 -> 2 of 4                           = 50.0     n 4
//!          nps    10,6,9,0 -> (2 - 2) / 4                     = 0.0      n 4
//!          ces    7,6,5                                       = 6.0      n 3
//!          fcr    resolved V1,V2,V3,V5; first contact V1,V2,V5 (V3 took 3) = 75.0   n 4
//!          aht_s  300+400+300+500+0 = 1500 / 5                = 300      n 5
//!          frt    sorted 45,90,150,300,1800: mean 2385/5 = 477, median 150,
//!                 p90 at rank 3.6: 300 + 0.6 × 1500 = 1200                      n 5
//!          churn  customers c5,c6,c7,c8; c8 churned           = 25.0     n 4
//! all      interactions 10
//!          csat   5 satisfied of 8                            = 62.5     n 8
//!          nps    (4 promoters - 3 detractors) / 8            = +12.5    n 8
//!          ces    33 / 6                                      = 5.5      n 6
//!          fcr    5 of 8                                      = 62.5     n 8
//!          aht_s  4500 / 10                                   = 450      n 10
//!          frt    mean 13395 / 10 = 1339.5; median (120+150)/2 = 135;
//!                 p90 at rank 8.1: 3600 + 0.1 × 3600 = 3960                     n 10
//! uncategorized: no record.
//!
//! AHT per agent (category all):
//!   alice  S1 300 + S3 600 + V1 300         = 1200 / 3 = 400   n 3
//!   bob    S2 900 + S4 600 + V2 400 + V4 500 = 2400 / 4 = 600  n 4
//!   carol  S5 600 + V3 300 + V5 0           =  900 / 3 = 300   n 3
//! ```
//!
//! These were double-checked with the independent reference implementation of
//! `report.rs` (`python3 tests/data/reference.py tests/data/check/log.csv [--by agent]`).
//! The SLA files in `tests/data/check/` repeat the expected actual value of each rule in a
//! comment.

use quick_xml::events::{BytesStart, Event};
use serde_json::Value;

use crate::util::{Cxkpi, Run};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const LOG: &str = "tests/data/check/log.csv";

fn sla(name: &str) -> String {
    format!("tests/data/check/{name}")
}

/// `cxkpi check --sla tests/data/check/SLA ARGS tests/data/check/log.csv`, run from the crate
/// root so that fixture paths are `tests/data/...`.
fn check(sla_file: &str, args: &str) -> Run {
    Cxkpi::new("check --sla").arg(sla(sla_file)).args(args).arg(LOG).run().assert_utf8()
}

/// `check` with `--format json`: the exit code and the parsed output.
fn check_json(sla_file: &str, args: &str) -> (Option<i32>, Value) {
    let out = check(sla_file, &format!("--format json {args}"));
    (out.code, out.json())
}

fn results(json: &Value) -> &Vec<Value> {
    json["results"].as_array().expect("`results` is an array")
}

/// The verdict of the rule named `rule` (with no group).
fn verdict<'a>(json: &'a Value, rule: &str) -> &'a Value {
    let found: Vec<&Value> = results(json).iter().filter(|v| v["rule"] == rule).collect();
    assert_eq!(found.len(), 1, "one verdict of rule {rule:?} in {json:#}");
    found[0]
}

/// The verdict of rule `rule` for the group with exactly these key values.
fn group_verdict<'a>(json: &'a Value, rule: &str, group: &[(&str, &str)]) -> &'a Value {
    let expected: serde_json::Map<String, Value> =
        group.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect();
    let expected = Value::Object(expected);
    let found: Vec<&Value> =
        results(json).iter().filter(|v| v["rule"] == rule && v["group"] == expected).collect();
    assert_eq!(found.len(), 1, "one verdict of rule {rule:?}, group {expected} in {json:#}");
    found[0]
}

/// Checks a verdict's status, actual value (exactly), n and threshold.
fn assert_verdict(v: &Value, status: &str, actual: Option<f64>, n: u64, threshold: (&str, f64)) {
    assert_eq!(v["status"], status, "status of {v:#}");
    assert_eq!(v["actual"].as_f64(), actual, "actual of {v:#}");
    if actual.is_none() {
        assert!(v["actual"].is_null(), "actual of {v:#} is null");
    }
    assert_eq!(v["n"].as_u64(), Some(n), "n of {v:#}");
    let mut bound = serde_json::Map::new();
    bound.insert(threshold.0.to_string(), Value::from(threshold.1));
    assert_eq!(v["threshold"], Value::Object(bound), "threshold of {v:#}");
}

/// The verdict of the rule named `rule` (with no group) has this status, actual value (exactly),
/// n and threshold.
fn verdict_is(
    json: &Value,
    rule: &str,
    status: &str,
    actual: Option<f64>,
    n: u64,
    threshold: (&str, f64),
) {
    assert_verdict(verdict(json, rule), status, actual, n, threshold);
}

/// For values that go through a percentile's interpolation, where the last bit may differ.
fn assert_close(actual: &Value, expected: f64) {
    let value = actual.as_f64().unwrap_or_else(|| panic!("{actual} is a number"));
    assert!((value - expected).abs() < 1e-9 * expected.abs().max(1.0), "{value} is not {expected}");
}

fn assert_summary(json: &Value, pass: u64, breach: u64, no_data: u64) {
    let summary = &json["summary"];
    assert_eq!(summary["pass"].as_u64(), Some(pass), "summary {summary}");
    assert_eq!(summary["breach"].as_u64(), Some(breach), "summary {summary}");
    assert_eq!(summary["no_data"].as_u64(), Some(no_data), "summary {summary}");
    assert_eq!(results(json).len() as u64, pass + breach + no_data, "one result per verdict");
}

/// The table line of the rule named `rule` (and the group text, if given).
fn table_line<'a>(table: &'a str, rule: &str, group: Option<&str>) -> &'a str {
    let lines: Vec<&str> = table
        .lines()
        .filter(|line| line.contains(rule) && group.is_none_or(|g| line.contains(g)))
        .collect();
    assert_eq!(lines.len(), 1, "one line for {rule:?} {group:?} in:\n{table}");
    lines[0]
}

// --- JUnit, parsed back with quick-xml's reader ---------------------------------------------

/// A JUnit document as read back: its one `<testsuite>`'s attributes and its test cases.
#[derive(Debug)]
struct Junit {
    /// The `<testsuite>` attributes, unescaped.
    suite: Vec<(String, String)>,
    cases: Vec<TestCase>,
}

#[derive(Debug, Default)]
struct TestCase {
    /// The `name` attribute as written (still escaped).
    raw_name: String,
    /// The `name` attribute, unescaped.
    name: String,
    /// The `message` of each `<failure>`, unescaped.
    failures: Vec<String>,
    /// How many `<skipped>` elements it holds.
    skipped: usize,
}

/// The attributes of a start tag, `(name, unescaped value, raw value)`.
fn attributes(tag: &BytesStart) -> Vec<(String, String, String)> {
    tag.attributes()
        .map(|a| {
            let a = a.expect("a well-formed attribute");
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().expect("an attribute value").into_owned(),
                String::from_utf8(a.value.to_vec()).unwrap(),
            )
        })
        .collect()
}

/// Parses the whole document (panicking on any XML error): an XML declaration, then exactly one
/// `<testsuite>` (at the top or in `<testsuites>`) holding the `<testcase>`s; `<failure>` and `<skipped>` only inside a test case.
fn parse_junit(xml: &str) -> Junit {
    assert!(xml.trim_start().starts_with("<?xml"), "an XML declaration:\n{xml}");
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut suites, mut cases, mut open) = (Vec::new(), Vec::new(), Vec::<String>::new());
    let mut declared = false;
    loop {
        let event =
            reader.read_event().unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"));
        let (tag, empty) = match &event {
            Event::Decl(_) => {
                declared = true;
                continue;
            }
            Event::Start(tag) => (tag, false),
            Event::Empty(tag) => (tag, true),
            Event::End(_) => {
                open.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(tag.name().as_ref().to_vec()).unwrap();
        let attrs = attributes(tag);
        let value = |key: &str| attrs.iter().find(|(k, _, _)| k == key).cloned();
        match name.as_str() {
            "testsuite" => {
                assert!(
                    open.is_empty() || open == ["testsuites"],
                    "<testsuite> at the top or in <testsuites>:\n{xml}"
                );
                suites.push(attrs.iter().map(|(k, v, _)| (k.clone(), v.clone())).collect());
            }
            "testcase" => {
                assert_eq!(
                    open.last().map(String::as_str),
                    Some("testsuite"),
                    "<testcase> in the suite:\n{xml}"
                );
                let (_, name, raw_name) = value("name").expect("a test case has a name");
                cases.push(TestCase { raw_name, name, ..TestCase::default() });
            }
            "failure" | "skipped" => {
                assert_eq!(open.last().map(String::as_str), Some("testcase"), "{xml}");
                let case: &mut TestCase = cases.last_mut().unwrap();
                if name == "failure" {
                    case.failures.push(value("message").expect("a failure has a message").1);
                } else {
                    case.skipped += 1;
                }
            }
            _ => {}
        }
        if !empty {
            open.push(name);
        }
    }
    assert!(declared, "an XML declaration:\n{xml}");
    assert!(open.is_empty(), "unclosed elements {open:?}:\n{xml}");
    assert_eq!(suites.len(), 1, "one <testsuite>:\n{xml}");
    Junit { suite: suites.pop().unwrap(), cases }
}

/// Checks the `<testsuite>` counts and that they agree with the elements actually present.
fn assert_junit_counts(junit: &Junit, tests: usize, failures: usize, skipped: usize) {
    let attr = |key: &str| junit.suite.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(attr("tests"), Some(tests.to_string().as_str()), "{junit:#?}");
    assert_eq!(attr("failures"), Some(failures.to_string().as_str()), "{junit:#?}");
    assert_eq!(attr("skipped"), Some(skipped.to_string().as_str()), "{junit:#?}");
    assert_eq!(junit.cases.len(), tests, "{junit:#?}");
    let count = |f: fn(&TestCase) -> usize| junit.cases.iter().map(f).sum::<usize>();
    assert_eq!(count(|c| c.failures.len()), failures, "{junit:#?}");
    assert_eq!(count(|c| c.skipped), skipped, "{junit:#?}");
}

// ---------------------------------------------------------------------------------------------
// 1. Every rule passes
// ---------------------------------------------------------------------------------------------

#[test]
fn all_rules_pass_exit_0_with_hand_values() {
    let (code, json) = check_json("pass.toml", "");
    assert_eq!(code, Some(0), "{json:#}");
    // support csat 3 of 4 satisfied = 75.0 (n 4) >= 70
    verdict_is(&json, "support CSAT", "pass", Some(75.0), 4, ("min", 70.0));
    // service frt p90: 300 + 0.6 × 1500 = 1200 (n 5) <= 30m = 1800
    let frt = verdict(&json, "service first reply p90");
    assert_eq!(frt["status"], "pass");
    assert_close(&frt["actual"], 1200.0);
    assert_eq!(frt["n"].as_u64(), Some(5));
    assert_eq!(frt["threshold"], serde_json::json!({"max": 1800.0}));
    // all aht 4500 / 10 = 450 (n 10) <= 600
    verdict_is(&json, "all AHT", "pass", Some(450.0), 10, ("max", 600.0));
    // all nps (4 - 3) / 8 = +12.5 (n 8) >= 10
    verdict_is(&json, "all NPS", "pass", Some(12.5), 8, ("min", 10.0));
    assert_summary(&json, 4, 0, 0);
}

#[test]
fn all_rules_pass_table_exit_0() {
    let out = check("pass.toml", "");
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    for rule in ["support CSAT", "service first reply p90", "all AHT", "all NPS"] {
        let line = table_line(&out.stdout, rule, None);
        assert!(line.contains("pass"), "{line}");
    }
    // "breach" only in the summary line.
    assert_eq!(out.stdout.lines().filter(|l| l.contains("breach")).count(), 1, "{}", out.stdout);
    assert!(out.stdout.contains("4 pass, 0 breach, 0 no data"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// 2. One rule breaches
// ---------------------------------------------------------------------------------------------

#[test]
fn one_breach_exits_1_and_is_named_in_the_table() {
    let out = check("breach.toml", "");
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    // service csat 2 of 4 = 50.0 < 85
    let line = table_line(&out.stdout, "service CSAT", None);
    assert!(line.contains("breach"), "{line}");
    assert!(line.contains("50.0%"), "{line}");
    assert!(table_line(&out.stdout, "support CSAT", None).contains("pass"));
    assert!(table_line(&out.stdout, "all AHT", None).contains("pass"));
    assert!(out.stdout.contains("2 pass, 1 breach, 0 no data"), "{}", out.stdout);
}

#[test]
fn one_breach_in_json() {
    let (code, json) = check_json("breach.toml", "");
    assert_eq!(code, Some(1));
    verdict_is(&json, "service CSAT", "breach", Some(50.0), 4, ("min", 85.0));
    verdict_is(&json, "support CSAT", "pass", Some(75.0), 4, ("min", 70.0));
    assert_summary(&json, 2, 1, 0);
}

// ---------------------------------------------------------------------------------------------
// 3. Limits are inclusive
// ---------------------------------------------------------------------------------------------

#[test]
fn actual_equal_to_the_limit_passes() {
    let (code, json) = check_json("boundary.toml", "");
    assert_eq!(code, Some(0), "{json:#}");
    // Every value here is exact in binary floating point (a sum of whole numbers over n, or a
    // power-of-two fraction), so "equal" is really equal.
    let cases: [(&str, f64, u64, (&str, f64)); 8] = [
        ("support AHT max 600", 600.0, 5, ("max", 600.0)),
        ("support AHT max 10m", 600.0, 5, ("max", 600.0)),
        ("support CSAT min 75", 75.0, 4, ("min", 75.0)),
        ("support CSAT min 75%", 75.0, 4, ("min", 75.0)),
        ("service FCR min 75", 75.0, 4, ("min", 75.0)),
        ("all CSAT max 62.5", 62.5, 8, ("max", 62.5)),
        ("support CES min 5", 5.0, 3, ("min", 5.0)),
        ("all interactions max 10", 10.0, 10, ("max", 10.0)),
    ];
    for (rule, actual, n, threshold) in cases {
        assert_verdict(verdict(&json, rule), "pass", Some(actual), n, threshold);
    }
    assert_summary(&json, 8, 0, 0);
}

#[test]
fn actual_just_past_the_limit_breaches() {
    let (code, json) = check_json("boundary_outside.toml", "");
    assert_eq!(code, Some(1), "{json:#}");
    let cases: [(&str, f64, u64, (&str, f64)); 4] = [
        ("support AHT max 599.9", 600.0, 5, ("max", 599.9)),
        ("support CSAT min 75.1", 75.0, 4, ("min", 75.1)),
        ("all CSAT max 62.4", 62.5, 8, ("max", 62.4)),
        ("all interactions max 9", 10.0, 10, ("max", 9.0)),
    ];
    for (rule, actual, n, threshold) in cases {
        assert_verdict(verdict(&json, rule), "breach", Some(actual), n, threshold);
    }
    assert_summary(&json, 0, 4, 0);
}

// ---------------------------------------------------------------------------------------------
// 4. No data
// ---------------------------------------------------------------------------------------------

#[test]
fn no_data_for_an_absent_category_and_below_min_n() {
    let (code, json) = check_json("nodata.toml", "");
    // The service CSAT of 50.0 would breach min 85, but n 4 < min_n 5: no data, so exit 0.
    assert_eq!(code, Some(0), "{json:#}");
    let uncategorized = verdict(&json, "uncategorized CSAT");
    assert_verdict(uncategorized, "no data", None, 0, ("min", 80.0));
    let small = verdict(&json, "service CSAT, min_n 5");
    assert_eq!(small["status"], "no data", "{small:#}");
    assert_eq!(small["n"].as_u64(), Some(4), "{small:#}");
    assert_eq!(small["min_n"].as_u64(), Some(5), "{small:#}");
    // n = min_n is enough data.
    verdict_is(&json, "service CSAT, min_n 4", "pass", Some(50.0), 4, ("min", 40.0));
    verdict_is(&json, "support CSAT", "pass", Some(75.0), 4, ("min", 70.0));
    assert_summary(&json, 2, 0, 2);
}

#[test]
fn no_data_in_the_table() {
    let out = check("nodata.toml", "");
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(table_line(&out.stdout, "uncategorized CSAT", None).contains("no data"));
    assert!(table_line(&out.stdout, "service CSAT, min_n 5", None).contains("no data"));
    assert!(table_line(&out.stdout, "service CSAT, min_n 4", None).contains("pass"));
    assert!(out.stdout.contains("2 pass, 0 breach, 2 no data"), "{}", out.stdout);
}

#[test]
fn min_n_equal_to_n_is_judged_and_can_breach() {
    let (code, json) = check_json("nodata_breach.toml", "");
    assert_eq!(code, Some(1), "{json:#}");
    verdict_is(&json, "service CSAT, min_n 4", "breach", Some(50.0), 4, ("min", 85.0));
    assert_summary(&json, 0, 1, 0);
}

#[test]
fn no_data_when_the_window_leaves_no_records() {
    // Every record of log.csv is created before 2026-03-15: support and service are empty,
    // every metric has n = 0.
    let (code, json) = check_json("window.toml", "--from 2026-03-15");
    assert_eq!(code, Some(0), "{json:#}");
    verdict_is(&json, "support CSAT", "no data", None, 0, ("min", 80.0));
    verdict_is(&json, "support AHT", "no data", None, 0, ("max", 600.0));
    verdict_is(&json, "service AHT", "no data", None, 0, ("max", 360.0));
    assert_summary(&json, 0, 0, 3);
}

/// README: "A rule whose category has no records, or whose metric has n = 0 or n < min_n, is
/// no data." That holds for count metrics too (`interactions`, `csat_n`): with no support record
/// there is no data to judge, whatever the metric.
#[test]
fn count_metric_of_an_empty_category_is_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("counts.toml");
    std::fs::write(
        &path,
        "[[rule]]\nname = \"support volume\"\ncategory = \"support\"\nmetric = \"interactions\"\n\
         min = 1\n\n[[rule]]\nname = \"support surveys\"\ncategory = \"support\"\n\
         metric = \"csat_n\"\nmin = 1\n",
    )
    .unwrap();
    let out =
        Cxkpi::new("check --sla").arg(&path).args("--format json --from 2026-03-15").arg(LOG).run();
    let json = out.json();
    assert_eq!(out.code, Some(0), "{json:#}");
    for rule in ["support volume", "support surveys"] {
        let v = verdict(&json, rule);
        assert_eq!(v["status"], "no data", "{v:#}");
        assert_eq!(v["n"].as_u64(), Some(0), "{v:#}");
    }
    assert_summary(&json, 0, 0, 2);
}

// ---------------------------------------------------------------------------------------------
// 5. Per-group rules
// ---------------------------------------------------------------------------------------------

#[test]
fn by_agent_rule_gives_one_verdict_per_agent_json() {
    let (code, json) = check_json("by_agent.toml", "");
    assert_eq!(code, Some(1), "{json:#}");
    // max 9m = 540 s: alice 400 (n 3) pass, bob 600 (n 4) breach, carol 300 (n 3) pass.
    let rule = "AHT per agent";
    let cases =
        [("alice", "pass", 400.0, 3), ("bob", "breach", 600.0, 4), ("carol", "pass", 300.0, 3)];
    for (agent, status, actual, n) in cases {
        let v = group_verdict(&json, rule, &[("agent", agent)]);
        assert_verdict(v, status, Some(actual), n, ("max", 540.0));
        assert_eq!(v["category"], "all");
        assert_eq!(v["metric"], "aht_s");
    }
    // In ascending key order.
    let agents: Vec<&Value> = results(&json).iter().map(|v| &v["group"]["agent"]).collect();
    assert_eq!(agents, ["alice", "bob", "carol"]);
    assert_summary(&json, 2, 1, 0);
}

#[test]
fn by_agent_rule_names_the_breaching_agent_in_the_table() {
    let out = check("by_agent.toml", "");
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    let bob = table_line(&out.stdout, "AHT per agent", Some("bob"));
    assert!(bob.contains("breach"), "{bob}");
    assert!(bob.contains("10m 00s"), "600 s read as 10m 00s: {bob}");
    for agent in ["alice", "carol"] {
        let line = table_line(&out.stdout, "AHT per agent", Some(agent));
        assert!(line.contains("pass"), "{line}");
    }
    assert!(out.stdout.contains("2 pass, 1 breach, 0 no data"), "{}", out.stdout);
}

#[test]
fn by_agent_rule_in_junit_names_the_group() {
    let out = check("by_agent.toml", "--format junit");
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    let junit = parse_junit(&out.stdout);
    assert_junit_counts(&junit, 3, 1, 0);
    for (agent, breached) in [("alice", false), ("bob", true), ("carol", false)] {
        let needle = format!("agent={agent}");
        let found: Vec<&TestCase> =
            junit.cases.iter().filter(|c| c.name.contains(&needle)).collect();
        assert_eq!(found.len(), 1, "one test case named with {needle}: {junit:#?}");
        assert!(found[0].name.contains("AHT per agent"), "{}", found[0].name);
        assert_eq!(!found[0].failures.is_empty(), breached, "{:#?}", found[0]);
    }
}

#[test]
fn command_line_by_combines_with_the_rules_by() {
    // --by channel plus the rule's by = "agent": one verdict per (channel, agent) that occurs.
    // AHT, max 540:
    //   chat  alice  S1 300 + V1 300 = 300  n 2   pass
    //   chat  bob    V4 500               n 1   pass
    //   chat  carol  S5 600               n 1   breach
    //   email bob    S2 900 + S4 600 = 750 n 2  breach
    //   email carol  V3 300               n 1   pass
    //   phone alice  S3 600               n 1   breach
    //   phone bob    V2 400               n 1   pass
    //   phone carol  V5 0                 n 1   pass
    let (code, json) = check_json("by_agent.toml", "--by channel");
    assert_eq!(code, Some(1), "{json:#}");
    let cases = [
        ("chat", "alice", "pass", 300.0, 2),
        ("chat", "bob", "pass", 500.0, 1),
        ("chat", "carol", "breach", 600.0, 1),
        ("email", "bob", "breach", 750.0, 2),
        ("email", "carol", "pass", 300.0, 1),
        ("phone", "alice", "breach", 600.0, 1),
        ("phone", "bob", "pass", 400.0, 1),
        ("phone", "carol", "pass", 0.0, 1),
    ];
    for (channel, agent, status, actual, n) in cases {
        let v = group_verdict(&json, "AHT per agent", &[("channel", channel), ("agent", agent)]);
        assert_verdict(v, status, Some(actual), n, ("max", 540.0));
    }
    assert_summary(&json, 5, 3, 0);
}

#[test]
fn command_line_by_of_the_rules_own_key_is_not_doubled() {
    let (code, json) = check_json("by_agent.toml", "--by agent");
    assert_eq!(code, Some(1), "{json:#}");
    assert_verdict(
        group_verdict(&json, "AHT per agent", &[("agent", "bob")]),
        "breach",
        Some(600.0),
        4,
        ("max", 540.0),
    );
    assert_summary(&json, 2, 1, 0);
}

#[test]
fn command_line_by_applies_to_rules_without_by() {
    // breach.toml's "support CSAT" (min 70) per channel:
    //   chat  S1 5 (S5 has none)  = 100.0 n 1 pass
    //   email S2 4, S4 5          = 100.0 n 2 pass
    //   phone S3 2                =   0.0 n 1 breach
    let (code, json) = check_json("breach.toml", "--by channel");
    assert_eq!(code, Some(1), "{json:#}");
    let cases =
        [("chat", "pass", 100.0, 1), ("email", "pass", 100.0, 2), ("phone", "breach", 0.0, 1)];
    for (channel, status, actual, n) in cases {
        let v = group_verdict(&json, "support CSAT", &[("channel", channel)]);
        assert_verdict(v, status, Some(actual), n, ("min", 70.0));
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Durations and percentages
// ---------------------------------------------------------------------------------------------

#[test]
fn thresholds_as_durations_seconds_and_percentages() {
    let (code, json) = check_json("durations.toml", "");
    assert_eq!(code, Some(1), "two rules breach: {json:#}");
    // "4h" = 14400 s; support p90 5760 (n 5): pass
    let v = verdict(&json, "support FRT p90 under 4h");
    assert_eq!(v["threshold"], serde_json::json!({"max": 14400.0}));
    assert_eq!(v["status"], "pass");
    assert_close(&v["actual"], 5760.0);
    assert_eq!(v["n"].as_u64(), Some(5));
    // "90s" = 90 s; service median 150 (n 5): breach
    verdict_is(&json, "service FRT median under 90s", "breach", Some(150.0), 5, ("max", 90.0));
    // "30m" = 1800 s; service p90 1200 (n 5): pass
    let v = verdict(&json, "service FRT p90 under 30m");
    assert_eq!(v["threshold"], serde_json::json!({"max": 1800.0}));
    assert_eq!(v["status"], "pass");
    assert_close(&v["actual"], 1200.0);
    // "2d" = 172800 s; all mean 13395 / 10 = 1339.5 (n 10): pass
    verdict_is(&json, "all FRT mean under 2d", "pass", Some(1339.5), 10, ("max", 172800.0));
    // 600 = 600 s; all AHT 450 (n 10): pass
    verdict_is(&json, "all AHT under 600", "pass", Some(450.0), 10, ("max", 600.0));
    // "85%" = 85; support CSAT 75.0 (n 4): breach
    verdict_is(&json, "support CSAT at least 85%", "breach", Some(75.0), 4, ("min", 85.0));
    // "2m" = 120 s; support median 120 (n 5): pass, inclusive
    verdict_is(&json, "support FRT median under 2m", "pass", Some(120.0), 5, ("max", 120.0));
    assert_summary(&json, 5, 2, 0);
}

#[test]
fn thresholds_are_shown_as_durations_in_the_table() {
    let out = check("durations.toml", "");
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    // 14400 s reads as 4h 00m, 5760 s as 1h 36m; 90 s as 1m 30s, 150 s as 2m 30s.
    let line = table_line(&out.stdout, "support FRT p90 under 4h", None);
    assert!(line.contains("4h 00m") && line.contains("1h 36m"), "{line}");
    let line = table_line(&out.stdout, "service FRT median under 90s", None);
    assert!(line.contains("1m 30s") && line.contains("2m 30s"), "{line}");
    assert!(line.contains("breach"), "{line}");
    // 172800 s = 2 days.
    let line = table_line(&out.stdout, "all FRT mean under 2d", None);
    assert!(line.contains("2d 0h"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// 7. Invalid SLA files: exit 2, naming the problem
// ---------------------------------------------------------------------------------------------

/// `check` of an invalid SLA file: exit 2, nothing on stdout, and stderr holds every needle
/// (compared case-insensitively).
fn assert_invalid_sla(sla_path: &str, data: &str, needles: &[&str]) -> String {
    let out = Cxkpi::new("check --sla").arg(sla_path).arg(data).run().assert_utf8();
    assert_eq!(out.code, Some(2), "stdout:\n{}stderr:\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "", "no verdicts for an invalid SLA file");
    let stderr = out.stderr.to_lowercase();
    for needle in needles {
        assert!(
            stderr.contains(&needle.to_lowercase()),
            "stderr should mention {needle:?}:\n{}",
            out.stderr
        );
    }
    out.stderr
}

#[test]
fn invalid_sla_unknown_metric() {
    // The second rule's metric; the first rule is fine.
    assert_invalid_sla(&sla("invalid/unknown_metric.toml"), LOG, &["unknown metric", "happiness"]);
}

#[test]
fn invalid_sla_unknown_category() {
    assert_invalid_sla(&sla("invalid/unknown_category.toml"), LOG, &["unknown category", "sales"]);
}

#[test]
fn invalid_sla_both_min_and_max() {
    assert_invalid_sla(&sla("invalid/both_min_max.toml"), LOG, &["both", "min", "max"]);
}

#[test]
fn invalid_sla_neither_min_nor_max() {
    assert_invalid_sla(&sla("invalid/neither_min_max.toml"), LOG, &["neither", "min", "max"]);
}

#[test]
fn invalid_sla_bad_duration() {
    assert_invalid_sla(&sla("invalid/bad_duration.toml"), LOG, &["4 hours", "duration"]);
}

#[test]
fn invalid_sla_toml_syntax_error_names_the_line() {
    // The unterminated string is on line 8.
    assert_invalid_sla(&sla("invalid/syntax.toml"), LOG, &["line 8"]);
}

#[test]
fn invalid_sla_unknown_key_in_a_rule() {
    assert_invalid_sla(&sla("invalid/unknown_key.toml"), LOG, &["maxx"]);
}

#[test]
fn invalid_sla_empty_file_has_no_rules() {
    assert_invalid_sla(&sla("invalid/empty.toml"), LOG, &["no rules"]);
}

#[test]
fn invalid_sla_nonexistent_file() {
    assert_invalid_sla(&sla("no_such_sla.toml"), LOG, &["no_such_sla.toml"]);
}

#[test]
fn invalid_sla_is_reported_before_the_data_is_read() {
    // The data file does not exist either; the SLA file's problem is what is reported.
    let stderr = assert_invalid_sla(
        &sla("invalid/unknown_metric.toml"),
        "tests/data/check/no_such_log.csv",
        &["unknown metric", "happiness"],
    );
    assert!(!stderr.contains("no_such_log.csv"), "{stderr}");
}

#[test]
fn invalid_sla_percent_threshold_that_is_not_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad_percent.toml");
    std::fs::write(&path, "[[rule]]\ncategory = \"support\"\nmetric = \"csat\"\nmin = \"most\"\n")
        .unwrap();
    assert_invalid_sla(path.to_str().unwrap(), LOG, &["most"]);
}

#[test]
fn rule_by_an_unknown_column_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("by_team.toml");
    std::fs::write(
        &path,
        "[[rule]]\ncategory = \"all\"\nmetric = \"csat\"\nmin = 50\nby = \"team\"\n",
    )
    .unwrap();
    // log.csv has no team column.
    assert_invalid_sla(path.to_str().unwrap(), LOG, &["team"]);
}

// ---------------------------------------------------------------------------------------------
// 8. Every format
// ---------------------------------------------------------------------------------------------
//
// formats.toml on log.csv, 7 verdicts:
//   support CSAT        75.0  n 4  >= 70   pass
//   service CSAT        50.0  n 4  >= 85   breach
//   uncategorized NPS   —     n 0  >= 0    no data
//   AHT per agent alice 400   n 3  <= 540  pass
//   AHT per agent bob   600   n 4  <= 540  breach
//   AHT per agent carol 300   n 3  <= 540  pass
//   p90 <4h & "fast"    5760  n 5  <= 14400 pass

#[test]
fn table_format() {
    let out = check("formats.toml", "--format table");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    insta::assert_snapshot!("table_formats", out.stdout);
}

#[test]
fn table_is_the_default_format() {
    let default = check("formats.toml", "");
    let table = check("formats.toml", "--format table");
    assert_eq!(default.code, Some(1));
    assert_eq!(default.stdout, table.stdout);
}

#[test]
fn markdown_format() {
    let out = check("formats.toml", "--format markdown");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    insta::assert_snapshot!("markdown_formats", out.stdout);
}

#[test]
fn json_format_every_field_of_a_verdict() {
    let (code, json) = check_json("formats.toml", "");
    assert_eq!(code, Some(1));
    assert_eq!(results(&json).len(), 7);
    let bob = group_verdict(&json, "AHT per agent", &[("agent", "bob")]);
    assert_eq!(bob["rule"], "AHT per agent");
    assert_eq!(bob["category"], "all");
    assert_eq!(bob["metric"], "aht_s");
    assert_eq!(bob["group"], serde_json::json!({"agent": "bob"}));
    assert_eq!(bob["actual"].as_f64(), Some(600.0));
    assert_eq!(bob["threshold"], serde_json::json!({"max": 540.0}));
    assert_eq!(bob["n"].as_u64(), Some(4));
    assert!(bob["min_n"].is_null(), "no min_n given: {bob:#}");
    assert_eq!(bob["status"], "breach");
    // A rule over the whole category has no group; no data has a null actual.
    let none = verdict(&json, "uncategorized NPS");
    assert!(none["group"].is_null(), "{none:#}");
    assert_verdict(none, "no data", None, 0, ("min", 0.0));
    // The name is kept as written.
    let escaped = verdict(&json, "p90 <4h & \"fast\"");
    assert_eq!(escaped["threshold"], serde_json::json!({"max": 14400.0}));
    assert_close(&escaped["actual"], 5760.0);
    // Verdicts come in rule order, a per-group rule's groups together.
    let order: Vec<String> = results(&json)
        .iter()
        .map(|v| {
            let group = v["group"]["agent"].as_str().unwrap_or("");
            format!("{} {group}", v["rule"].as_str().unwrap()).trim().to_string()
        })
        .collect();
    assert_eq!(
        order,
        [
            "support CSAT",
            "service CSAT",
            "uncategorized NPS",
            "AHT per agent alice",
            "AHT per agent bob",
            "AHT per agent carol",
            "p90 <4h & \"fast\"",
        ]
    );
    assert_summary(&json, 4, 2, 1);
}

#[test]
fn junit_format_counts_failures_and_skips() {
    let out = check("formats.toml", "--format junit");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let junit = parse_junit(&out.stdout);
    assert_junit_counts(&junit, 7, 2, 1);
    let case = |name: &str| -> &TestCase {
        let found: Vec<&TestCase> = junit.cases.iter().filter(|c| c.name.contains(name)).collect();
        assert_eq!(found.len(), 1, "one test case named {name:?}: {junit:#?}");
        found[0]
    };
    // The breaches are failures whose message gives the actual value and the threshold.
    let service = case("service CSAT");
    assert_eq!(service.failures.len(), 1, "a <failure>: {service:#?}");
    let message = &service.failures[0];
    assert!(message.contains("50"), "actual 50.0 in {message:?}");
    assert!(message.contains("85"), "threshold 85 in {message:?}");
    let bob = case("agent=bob");
    assert_eq!(bob.failures.len(), 1, "a <failure>: {bob:#?}");
    let message = &bob.failures[0];
    assert!(message.contains("10m") || message.contains("600"), "actual 600 s in {message:?}");
    assert!(message.contains("9m") || message.contains("540"), "threshold 540 s in {message:?}");
    // No data is skipped, not failed.
    let none = case("uncategorized NPS");
    assert_eq!(none.skipped, 1, "{none:#?}");
    assert!(none.failures.is_empty(), "{none:#?}");
    // Passes have neither.
    for name in ["support CSAT", "agent=alice", "agent=carol", "p90"] {
        let c = case(name);
        assert!(c.failures.is_empty() && c.skipped == 0, "{c:#?}");
    }
}

#[test]
fn junit_escapes_names() {
    let out = check("formats.toml", "--format junit");
    let xml = &out.stdout;
    // The raw name must never appear unescaped.
    assert!(!xml.contains("<4h"), "{xml}");
    assert!(!xml.contains("& \""), "{xml}");
    let junit = parse_junit(xml);
    let p90: Vec<&TestCase> =
        junit.cases.iter().filter(|c| c.raw_name.starts_with("p90")).collect();
    assert_eq!(p90.len(), 1, "{xml}");
    let raw = &p90[0].raw_name;
    assert!(raw.contains("&lt;4h"), "{raw}");
    assert!(raw.contains("&amp;"), "{raw}");
    // Read by an XML parser, the attribute round-trips whole (unescaped quotes would end it
    // early, or make the document ill-formed).
    assert_eq!(p90[0].name, "p90 <4h & \"fast\"");
}

/// A rule name with `|` must not add a column to the Markdown table (GitHub-flavoured Markdown
/// escapes it as `\|`).
#[test]
fn markdown_escapes_pipes_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pipe.toml");
    std::fs::write(
        &path,
        "[[rule]]\nname = \"csat | support\"\ncategory = \"support\"\nmetric = \"csat\"\nmin = 70\n",
    )
    .unwrap();
    let out = Cxkpi::new("check --sla").arg(&path).args("--format markdown").arg(LOG).run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let unescaped_pipes = |line: &str| line.replace("\\|", "").matches('|').count();
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(lines.len(), 3, "header, rule, one row:\n{}", out.stdout);
    let header = unescaped_pipes(lines[0]);
    for line in &lines {
        assert_eq!(unescaped_pipes(line), header, "{}", out.stdout);
    }
    assert!(lines[2].contains("csat \\| support"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// 9. The window options
// ---------------------------------------------------------------------------------------------

#[test]
fn whole_log_without_a_window() {
    let (code, json) = check_json("window.toml", "");
    // support csat 75.0 (n 4) < 80: breach
    assert_eq!(code, Some(1), "{json:#}");
    verdict_is(&json, "support CSAT", "breach", Some(75.0), 4, ("min", 80.0));
    verdict_is(&json, "support AHT", "pass", Some(600.0), 5, ("max", 600.0));
    verdict_is(&json, "service AHT", "pass", Some(300.0), 5, ("max", 360.0));
}

#[test]
fn from_and_to_select_the_records_checked() {
    // [2026-03-05, 2026-03-12): S4 (03-10), S5 (03-11), V1 (03-05), V2 (03-06).
    //   support csat: S4 5 (S5 none)      = 100.0 n 1  >= 80 pass
    //   support aht:  (600 + 600) / 2     = 600   n 2
    //   service aht:  (300 + 400) / 2     = 350   n 2
    let (code, json) = check_json("window.toml", "--from 2026-03-05 --to 2026-03-12");
    assert_eq!(code, Some(0), "{json:#}");
    verdict_is(&json, "support CSAT", "pass", Some(100.0), 1, ("min", 80.0));
    verdict_is(&json, "support AHT", "pass", Some(600.0), 2, ("max", 600.0));
    verdict_is(&json, "service AHT", "pass", Some(350.0), 2, ("max", 360.0));
    assert_summary(&json, 3, 0, 0);
}

#[test]
fn to_is_exclusive_and_from_inclusive() {
    // --to at S3's created_at exactly: S3 (csat 2) is out. Before it: S1, S2 only.
    //   support csat 5, 4 = 100.0 n 2 (with S3 it would be 66.7 n 3: breach)
    //   support aht (300 + 900) / 2 = 600 n 2
    //   service: no record, n 0: no data
    let (code, json) = check_json("window.toml", "--to 2026-03-04T09:00:00Z");
    assert_eq!(code, Some(0), "{json:#}");
    verdict_is(&json, "support CSAT", "pass", Some(100.0), 2, ("min", 80.0));
    verdict_is(&json, "support AHT", "pass", Some(600.0), 2, ("max", 600.0));
    verdict_is(&json, "service AHT", "no data", None, 0, ("max", 360.0));
    // --from at V3's created_at exactly: V3 is in. From it: V3, V4, V5 (and no support record).
    //   service aht (300 + 500 + 0) / 3 = 266.67 n 3
    let (code, json) = check_json("window.toml", "--from 2026-03-12T10:00:00Z");
    assert_eq!(code, Some(0), "{json:#}");
    let service = verdict(&json, "service AHT");
    assert_eq!(service["status"], "pass");
    assert_eq!(service["n"].as_u64(), Some(3));
    assert_close(&service["actual"], 800.0 / 3.0);
    assert_eq!(verdict(&json, "support CSAT")["status"], "no data");
    assert_eq!(verdict(&json, "support AHT")["status"], "no data");
}
