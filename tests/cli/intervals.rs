//! What belongs here: confidence intervals, held to SPEC.md §9 (`--ci`, `--confidence`),
//! §4 (the `_lo`/`_hi` columns right after each value) and §5 (`check`'s `uncertain` status),
//! and to the README section "How sure is a number: `--ci`".
//!
//! The fixture is `tests/data/intervals/log.csv`: 40 `support` records (S01–S40), 12 `service`
//! (V01–V12) and one `other` (U01, uncategorized), ticket-mode FCR, first response times as
//! `first_response_seconds`, no `created_at`; support is all on `chat`, service on `phone`, the
//! uncategorized record on `email`. Every expected value below was computed by
//! `python3 tests/data/intervals/reference.py 0.95 0.5`, which re-derives the SPEC §9 formulas
//! with scipy's normal and t quantiles, numpy's percentiles and exact decimal ranks, without
//! cxkpi; its output is pasted here.
//!
//! In short (95 %): support CSAT 32 satisfied of 36 = 88.9 % [74.69, 95.59]; service CSAT 9 of
//! 12 = 75.0 % [46.77, 91.11]; support FRT p90 2166 s [1920, 2400]; the uncategorized record
//! has one CES answer (6.0, a null interval: a mean needs two values) and no NPS answer.

use serde_json::Value;

use crate::util::{Cxkpi, Run};

const LOG: &str = "tests/data/intervals/log.csv";

fn run(args: &[&str]) -> Run {
    Cxkpi::new("").arg_list(args).run().assert_utf8()
}

/// `cxkpi report ARGS... LOG --format json`, which must succeed.
fn report_json(args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    all.push(LOG);
    let out = run(&all);
    assert_eq!(out.code, Some(0), "{out:#?}");
    out.json()
}

fn row<'a>(json: &'a Value, category: &str) -> &'a Value {
    (json["rows"].as_array().expect("rows"))
        .iter()
        .find(|r| r["category"] == category)
        .unwrap_or_else(|| panic!("no {category} row in {json:#}"))
}

fn assert_close(actual: &Value, expected: Option<f64>, what: &str) {
    match expected {
        None => assert!(actual.is_null(), "{what}: {actual} is not null"),
        Some(expected) => {
            let value = (actual.as_f64()).unwrap_or_else(|| panic!("{what}: {actual} is a number"));
            assert!(
                (value - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "{what}: {value} is not {expected}"
            );
        }
    }
}

/// `reference.py 0.95`: (category, metric, lo, hi).
#[rustfmt::skip]
const AT_95: &[(&str, &str, Option<f64>, Option<f64>)] = &[
    ("support", "csat", Some(74.68519140963514), Some(95.59335969968436)),
    ("support", "nps", Some(19.54687733503835), Some(64.1740528975198)),
    ("support", "ces", Some(3.406485568713178), Some(4.693514431286822)),
    ("support", "aht_s", Some(330.980327442208), Some(386.019672557792)),
    ("support", "fcr", Some(62.69430358685175), Some(90.49489282271013)),
    ("support", "frt_mean_s", Some(1005.6727251014945), Some(1454.3272748985055)),
    ("support", "frt_median_s", Some(780.0), Some(1620.0)),
    ("support", "frt_p90_s", Some(1920.0), Some(2400.0)),
    ("support", "churn", Some(3.9579528682606364), Some(23.0517752275223)),
    ("service", "csat", Some(46.76946650664344), Some(91.10583316059451)),
    ("service", "nps", Some(-40.27343143871193), Some(40.27343143871193)),
    ("service", "ces", Some(3.75804805389129), Some(5.24195194610871)),
    ("service", "aht_s", Some(510.45710067269283), Some(739.5428993273072)),
    ("service", "fcr", Some(46.76946650664344), Some(91.10583316059451)),
    ("service", "frt_mean_s", Some(505.09704161446274), Some(1054.9029583855372)),
    ("service", "frt_median_s", Some(240.0), Some(1200.0)),
    ("service", "frt_p90_s", Some(960.0), Some(1440.0)),
    ("service", "churn", Some(0.0), Some(24.24940066552409)),
    ("uncategorized", "csat", Some(20.654931437723743), Some(100.0)),
    ("uncategorized", "nps", None, None),
    ("uncategorized", "ces", None, None),
    ("uncategorized", "aht_s", None, None),
    ("uncategorized", "fcr", None, None),
    ("uncategorized", "frt_mean_s", None, None),
    ("uncategorized", "frt_median_s", Some(30.0), Some(30.0)),
    ("uncategorized", "frt_p90_s", Some(30.0), Some(30.0)),
    ("uncategorized", "churn", Some(0.0), Some(79.34506856227625)),
    ("all", "csat", Some(73.33229377608556), Some(92.90357627959321)),
    ("all", "nps", Some(12.068059208025566), Some(53.386486246519894)),
    ("all", "ces", Some(3.6785509729344312), Some(4.698807517631607)),
    ("all", "aht_s", Some(368.6979314315057), Some(459.22659687038106)),
    ("all", "fcr", Some(64.0601546836771), Some(88.29420012399697)),
    ("all", "frt_mean_s", Some(917.0666294481607), Some(1293.8767667782545)),
    ("all", "frt_median_s", Some(720.0), Some(1320.0)),
    ("all", "frt_p90_s", Some(1800.0), Some(2340.0)),
    ("all", "churn", Some(2.973955508694669), Some(17.858477483653225)),
];

#[test]
fn every_interval_matches_the_reference_at_the_default_level() {
    let json = report_json(&["--ci"]);
    for (category, metric, lo, hi) in AT_95 {
        let row = row(&json, category);
        assert_close(&row[format!("{metric}_lo")], *lo, &format!("{category} {metric}_lo"));
        assert_close(&row[format!("{metric}_hi")], *hi, &format!("{category} {metric}_hi"));
    }
}

#[test]
fn confidence_sets_the_level_and_implies_ci() {
    // reference.py 0.5
    let json = report_json(&["--confidence", "0.5"]);
    let support = row(&json, "support");
    assert_close(&support["csat_lo"], Some(84.85944518119199), "csat_lo");
    assert_close(&support["csat_hi"], Some(91.9477111254708), "csat_hi");
    assert_close(&support["frt_p90_s_lo"], Some(2040.0), "frt_p90_s_lo");
    assert_close(&support["frt_p90_s_hi"], Some(2280.0), "frt_p90_s_hi");
    let service = row(&json, "service");
    assert_close(&service["nps_lo"], Some(-13.859446869892578), "nps_lo");
    assert_close(&service["nps_hi"], Some(13.859446869892578), "nps_hi");
    assert_close(&service["aht_s_lo"], Some(588.7037943783018), "aht_s_lo");
    assert_close(&service["aht_s_hi"], Some(661.2962056216982), "aht_s_hi");
}

#[test]
fn interval_columns_follow_their_values_and_nothing_else_leaks() {
    let json = report_json(&["--ci"]);
    let keys: Vec<&str> =
        (row(&json, "all").as_object().unwrap().keys()).map(String::as_str).collect();
    assert_eq!(
        keys[..8],
        ["category", "interactions", "csat", "csat_lo", "csat_hi", "csat_n", "nps", "nps_lo"]
    );
    let frt = keys.iter().position(|k| *k == "frt_mean_s").unwrap();
    assert_eq!(
        keys[frt..frt + 10],
        [
            "frt_mean_s",
            "frt_mean_s_lo",
            "frt_mean_s_hi",
            "frt_median_s",
            "frt_median_s_lo",
            "frt_median_s_hi",
            "frt_p90_s",
            "frt_p90_s_lo",
            "frt_p90_s_hi",
            "frt_n"
        ]
    );
    // Counts have no interval; no hidden statistic reaches the output.
    assert!(keys.iter().all(|k| !k.starts_with("__")), "{keys:?}");
    assert!(!keys.contains(&"csat_n_lo") && !keys.contains(&"interactions_lo"));
    // The CSV has the JSON's columns in the same order.
    let csv = run(&["report", "--ci", "--format", "csv", LOG]);
    assert_eq!(csv.code, Some(0), "{csv:#?}");
    let header: Vec<&str> = csv.stdout.lines().next().unwrap().split(',').collect();
    assert_eq!(header, keys);
    // Without --ci, none of them.
    let plain = report_json(&[]);
    let keys = row(&plain, "all").as_object().unwrap().keys();
    assert!(keys.into_iter().all(|k| !k.ends_with("_lo") && !k.ends_with("_hi")));
}

#[test]
fn values_are_the_same_with_and_without_ci() {
    let (with, without) = (report_json(&["--ci"]), report_json(&[]));
    for category in ["support", "service", "uncategorized", "all"] {
        for (key, value) in row(&without, category).as_object().unwrap() {
            assert_eq!(&row(&with, category)[key], value, "{category} {key}");
        }
    }
}

#[test]
fn intervals_work_with_by_keys() {
    // Every support record is on chat, every service one on phone, the uncategorized one on
    // email: each (category, channel) group holds a whole category, so its intervals are the
    // category's.
    let json = report_json(&["--ci", "--by", "channel"]);
    let rows = json["rows"].as_array().unwrap();
    let group = |category: &str, channel: &str| {
        (rows.iter())
            .find(|r| r["category"] == category && r["channel"] == channel)
            .unwrap_or_else(|| panic!("no {category}/{channel} row in {json:#}"))
    };
    for (category, channel, of) in [
        ("support", "chat", "support"),
        ("service", "phone", "service"),
        ("all", "chat", "support"),
        ("all", "phone", "service"),
        ("all", "email", "uncategorized"),
    ] {
        let row = group(category, channel);
        for (_, metric, lo, hi) in AT_95.iter().filter(|(c, ..)| *c == of) {
            let what = format!("{category}/{channel} {metric}");
            assert_close(&row[format!("{metric}_lo")], *lo, &format!("{what}_lo"));
            assert_close(&row[format!("{metric}_hi")], *hi, &format!("{what}_hi"));
        }
    }
}

#[test]
fn confidence_outside_zero_one_is_exit_2() {
    for level in ["0", "1", "1.5", "-0.5", "NaN", "95%", "high"] {
        let option = format!("--confidence={level}");
        let out = run(&["report", &option, LOG]);
        assert_eq!(out.code, Some(2), "--confidence {level}: {out:#?}");
        assert!(out.stderr.contains("--confidence"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let out = run(&["check", "--ci", "--confidence", "2", "--sla", SLA_STATUSES, LOG]);
    assert_eq!(out.code, Some(2), "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// The cell of metric `label` in the column of `category`, in the one table of a report
/// without `--every` or `--by` (a row per metric, a column per category; terminal or Markdown).
fn metric_line(table: &str, category: &str, label: &str) -> String {
    let cells = |line: &str| -> Vec<String> {
        line.split(['│', '┆', '|']).map(|cell| cell.trim().to_string()).collect()
    };
    let header = (table.lines())
        .find(|line| line.contains(" Metric "))
        .unwrap_or_else(|| panic!("no metric table in\n{table}"));
    let column = (cells(header).iter())
        .position(|cell| cell == category)
        .unwrap_or_else(|| panic!("no {category} column in\n{table}"));
    let line = (table.lines())
        .find(|line| cells(line).get(1).is_some_and(|first| first == label))
        .unwrap_or_else(|| panic!("no {label} line in\n{table}"));
    format!(" {} ", cells(line)[column])
}

#[test]
fn tables_show_half_widths_percentile_ends_and_low_sample_marks() {
    let out = run(&["report", "--ci", "--format", "table", LOG]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    let table = &out.stdout;
    // Half-widths from the reference ends: (95.593 − 74.685) / 2 = 10.45 points;
    // (91.106 − 46.769) / 2 = 22.17; AHT 625 s = 10m 25s, (739.54 − 510.46) / 2 = 114.5 s.
    // n = 36 and 40 are not below 30; n = 12 and 1 are.
    let line = metric_line(table, "support", "CSAT");
    assert!(line.contains("88.9% ±10.5 (36)") && !line.contains('†'), "{line}");
    let line = metric_line(table, "support", "FRT p90");
    assert!(line.contains("36m 06s [32m 00s, 40m 00s]"), "{line}");
    let line = metric_line(table, "service", "CSAT");
    assert!(line.contains("75.0% ±22.2 (12) †"), "{line}");
    let line = metric_line(table, "service", "AHT");
    assert!(line.contains("10m 25s ±1m 55s (12) †"), "{line}");
    // One CES answer: a value without an interval, marked; no NPS answer: no data, unmarked.
    let line = metric_line(table, "uncategorized", "CES");
    assert!(line.contains(" 6.00 (1) †"), "{line}");
    let line = metric_line(table, "uncategorized", "NPS");
    assert!(line.contains('—') && !line.contains('†'), "{line}");
    assert!(table.contains("± the half-width of the 95% confidence interval"));
    assert!(table.contains("† fewer than 30 observations"));

    // --min-n moves the mark: at 10, service's 12 are enough.
    let out = run(&["report", "--ci", "--min-n", "10", "--format", "markdown", LOG]);
    let line = metric_line(&out.stdout, "service", "CSAT");
    assert!(line.contains(" 75.0% ±22.2 (12) "), "{line}");
    assert!(out.stdout.contains("† fewer than 10 observations"));

    // Without --ci, tables are as they were: no interval, no mark, no legend.
    let out = run(&["report", "--format", "table", LOG]);
    assert!(!out.stdout.contains('±') && !out.stdout.contains('†'), "{}", out.stdout);
}

#[test]
fn group_tables_show_intervals_beside_n() {
    let out = run(&["report", "--ci", "--by", "channel", "--format", "table", LOG]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    assert!(out.stdout.contains("88.9% ±10.5 (36)"), "{}", out.stdout);
    assert!(out.stdout.contains("75.0% ±22.2 (12) †"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// check: pass, breach, uncertain in every format
// ---------------------------------------------------------------------------------------------

const SLA_STATUSES: &str = "tests/data/intervals/statuses.toml";
const SLA_NO_BREACH: &str = "tests/data/intervals/no_breach.toml";
const SLA_PER_RULE: &str = "tests/data/intervals/per_rule.toml";

fn check(sla: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--sla", sla];
    args.extend_from_slice(extra);
    args.push(LOG);
    run(&args)
}

fn check_json(sla: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let out = check(sla, &args);
    (out.code, out.json())
}

fn statuses(json: &Value) -> Vec<(String, String)> {
    (json["results"].as_array().unwrap().iter())
        .map(|v| {
            let rule = v["rule"].as_str().unwrap().to_string();
            (rule, v["status"].as_str().unwrap().to_string())
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    (expected.iter()).map(|(r, s)| (r.to_string(), s.to_string())).collect()
}

#[test]
fn check_json_with_ci_passes_breaches_and_is_uncertain() {
    let (code, json) = check_json(SLA_STATUSES, &["--ci"]);
    assert_eq!(code, Some(1), "a breach is exit 1: {json:#}");
    assert_eq!(
        statuses(&json),
        pairs(&[
            ("support CSAT", "pass"),
            ("service CSAT, high bar", "breach"),
            ("service CSAT", "uncertain"),
        ])
    );
    let uncertain = &json["results"][2];
    assert_eq!(uncertain["interval"]["confidence"], 0.95);
    assert_close(&uncertain["interval"]["lo"], Some(46.76946650664344), "lo");
    assert_close(&uncertain["interval"]["hi"], Some(91.10583316059451), "hi");
    let summary = &json["summary"];
    assert_eq!(
        [&summary["pass"], &summary["breach"], &summary["uncertain"], &summary["no_data"]],
        [1, 1, 1, 0]
    );
    // Without --ci the same rules are judged on their values: 75 < 80 breaches.
    let (code, json) = check_json(SLA_STATUSES, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        statuses(&json),
        pairs(&[
            ("support CSAT", "pass"),
            ("service CSAT, high bar", "breach"),
            ("service CSAT", "breach"),
        ])
    );
    assert!(json["results"][2]["interval"].is_null());
    assert_eq!(json["summary"]["uncertain"], 0);
}

#[test]
fn check_table_with_ci_shows_intervals_and_counts_uncertain() {
    let out = check(SLA_STATUSES, &["--ci", "--format", "table"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let line = |rule: &str| {
        (out.stdout.lines())
            .find(|l| l.contains(&format!("│ {rule} ")))
            .unwrap_or_else(|| panic!("no {rule} line in\n{}", out.stdout))
            .to_string()
    };
    assert!(line("support CSAT").contains("[74.7%, 95.6%] (95%)"));
    assert!(line("support CSAT").contains("pass"));
    assert!(line("service CSAT, high bar").contains("breach"));
    let uncertain = line("service CSAT");
    assert!(uncertain.contains("[46.8%, 91.1%] (95%)") && uncertain.contains("uncertain"));
    assert!(out.stdout.contains("1 pass, 1 breach, 1 uncertain, 0 no data"));
}

#[test]
fn check_markdown_with_ci_shows_intervals_and_counts_uncertain() {
    let out = check(SLA_STATUSES, &["--ci", "--format", "markdown"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    assert!(out.stdout.contains(" Interval |"), "{}", out.stdout);
    let line = (out.stdout.lines()).find(|l| l.starts_with("| service CSAT ")).unwrap();
    assert!(line.contains("[46.8%, 91.1%] (95%)") && line.contains("| uncertain"), "{line}");
    let line = (out.stdout.lines()).find(|l| l.starts_with("| service CSAT, high bar ")).unwrap();
    assert!(line.contains("| breach"), "{line}");
    let line = (out.stdout.lines()).find(|l| l.starts_with("| support CSAT ")).unwrap();
    assert!(line.contains("| pass"), "{line}");
    assert!(out.stdout.contains("1 pass, 1 breach, 1 uncertain, 0 no data"));
}

#[test]
fn check_junit_with_ci_skips_uncertain_with_its_interval() {
    let out = check(SLA_STATUSES, &["--ci", "--format", "junit"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let xml = &out.stdout;
    assert!(xml.contains(r#"tests="3" skipped="1" failures="1""#), "{xml}");
    // A test case's text: up to the next test case or the end of the suite.
    let case = |name: &str| {
        let start = (xml.find(&format!(r#"<testcase name="{name}""#)))
            .unwrap_or_else(|| panic!("no test case {name} in {xml}"));
        let rest = &xml[start + 1..];
        let end = rest.find("<testcase").or(rest.find("</testsuite>")).unwrap();
        rest[..end].to_string()
    };
    assert!(
        !case("support CSAT").contains("<failure") && !case("support CSAT").contains("<skipped")
    );
    let breach = case("service CSAT, high bar");
    assert!(breach.contains("<failure message=\"breach: csat = 75.0%"), "{breach}");
    let uncertain = case("service CSAT");
    assert!(uncertain.contains("<skipped message=\"uncertain: csat = 75.0%"), "{uncertain}");
    assert!(uncertain.contains("interval [46.8%, 91.1%] (95%)"), "{uncertain}");
}

#[test]
fn uncertain_is_not_a_breach_exit_0() {
    let (code, json) = check_json(SLA_NO_BREACH, &["--ci"]);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(
        statuses(&json),
        pairs(&[
            ("support CSAT", "pass"),
            ("service CSAT", "uncertain"),
            ("interactions", "pass"),
            ("uncategorized CES", "uncertain"),
            ("support FRT p90", "uncertain"),
            ("support FRT p90 40m", "pass"),
        ])
    );
    // A count is judged on its value: no interval. One CES answer: a null interval.
    assert!(json["results"][2]["interval"].is_null());
    let ces = &json["results"][3]["interval"];
    assert!(ces["lo"].is_null() && ces["hi"].is_null() && ces["confidence"] == 0.95, "{ces}");
    let frt = &json["results"][4]["interval"];
    assert_close(&frt["lo"], Some(1920.0), "frt lo");
    assert_close(&frt["hi"], Some(2400.0), "frt hi");
    // On the values: service CSAT 75 < 80 and FRT p90 2166 s > 35m breach.
    let (code, json) = check_json(SLA_NO_BREACH, &[]);
    assert_eq!(code, Some(1));
    let breaches: Vec<String> =
        (statuses(&json).into_iter()).filter(|(_, s)| s == "breach").map(|(r, _)| r).collect();
    assert_eq!(breaches, ["service CSAT", "support FRT p90"]);
    // Every format agrees on exit 0 when nothing breaches.
    for format in ["table", "markdown", "junit"] {
        let out = check(SLA_NO_BREACH, &["--ci", "--format", format]);
        assert_eq!(out.code, Some(0), "{format}: {out:#?}");
    }
}

#[test]
fn rules_choose_confident_and_their_own_confidence() {
    let (code, json) = check_json(SLA_PER_RULE, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        statuses(&json),
        pairs(&[
            ("support CSAT at 50%", "pass"),
            ("support CSAT confident", "uncertain"),
            ("service CSAT", "breach"),
            ("service CSAT on its value", "breach"),
        ])
    );
    // reference.py 0.5: support CSAT [84.86, 91.95].
    let own = &json["results"][0]["interval"];
    assert_eq!(own["confidence"], 0.5);
    assert_close(&own["lo"], Some(84.85944518119199), "lo at 0.5");
    // --confidence 0.9 sets the level of `confident` rules and (implying --ci) of plain ones;
    // a rule's own level and `confident = false` stay.
    let (_, json) = check_json(SLA_PER_RULE, &["--ci"]);
    assert_eq!(
        statuses(&json),
        pairs(&[
            ("support CSAT at 50%", "pass"),
            ("support CSAT confident", "uncertain"),
            ("service CSAT", "uncertain"),
            ("service CSAT on its value", "breach"),
        ])
    );
    assert!(json["results"][3]["interval"].is_null());
    let (_, json) = check_json(SLA_PER_RULE, &["--confidence", "0.9"]);
    assert_eq!(json["results"][0]["interval"]["confidence"], 0.5);
    assert_eq!(json["results"][1]["interval"]["confidence"], 0.9);
    assert_eq!(json["results"][2]["interval"]["confidence"], 0.9);
}

#[test]
fn a_rule_with_a_bad_confidence_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let sla = dir.path().join("sla.toml");
    std::fs::write(
        &sla,
        "[[rule]]\ncategory = \"all\"\nmetric = \"csat\"\nmin = 80\nconfidence = 95\n",
    )
    .unwrap();
    let out = check(sla.to_str().unwrap(), &[]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(out.stderr.contains("strictly between 0 and 1"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// snapshot
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshots_with_ci_keep_the_interval_columns() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let history = history.to_str().unwrap();
    let out = run(&["snapshot", "--ci", "--history", history, "--as-of", "2026-03-01", LOG]);
    assert_eq!(out.code, Some(0), "{out:#?}");
    let text = std::fs::read_to_string(history).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.contains(",csat,csat_lo,csat_hi,csat_n,"), "{header}");
    // trend reads it as any history.
    let out = run(&["trend", "--history", history, "--metric", "csat", "--format", "json"]);
    assert_eq!(out.code, Some(0), "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// --compare with --ci: a change marked significant when the intervals do not overlap
// ---------------------------------------------------------------------------------------------

/// Ten support answers in January (the comparison window of February) and ten in February:
/// `satisfied_before` and `satisfied_now` of them are 5s, the rest 1s.
fn two_months(satisfied_before: usize, satisfied_now: usize) -> String {
    let mut log = String::from("interaction_id,category,created_at,csat\n");
    for (month, satisfied) in [("01", satisfied_before), ("02", satisfied_now)] {
        for i in 0..10 {
            let csat = if i < satisfied { 5 } else { 1 };
            log.push_str(&format!("{month}-{i},support,2026-{month}-10T10:00:00Z,{csat}\n"));
        }
    }
    log
}

/// The support CSAT cell of the Markdown table.
fn support_csat(satisfied_before: usize, satisfied_now: usize) -> String {
    let out = Cxkpi::new(
        "report --ci --min-n 5 --compare previous --from 2026-02-01 --to 2026-03-01 \
         --format markdown log.csv",
    )
    .file("log.csv", two_months(satisfied_before, satisfied_now))
    .ok();
    metric_line(&out, "support", "CSAT")
}

#[test]
fn a_change_whose_intervals_do_not_overlap_is_marked() {
    // Wilson at z = 1.959964 (the SPEC §9 formula in plain Python, rounded): 10 of 10 →
    // [72.25, 100], 0 of 10 → [0, 27.75]: apart.
    // The cell: 100.0% ±13.9 (10) · +100.0 better *.
    let cell = support_csat(0, 10);
    assert!(cell.contains(" 100.0% ±13.9 (10) · +100.0 better * "), "{cell}");
    // 7 of 10 → [39.68, 89.22] and 6 of 10 → [31.27, 83.18] overlap: a change, unmarked.
    let cell = support_csat(6, 7);
    assert!(cell.contains("+10.0 better ") && !cell.contains('*'), "{cell}");
}
