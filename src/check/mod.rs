//! SLA thresholds as code (SPEC §5): the SLA file's rules, and their verdicts against the KPIs.

mod json;
mod junit;
mod table;

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use std::io::{self, Write};

use crate::canonical::CATEGORY_ORDER;
use crate::config::read_user_file;
use crate::metrics::catalogue::{self, Column};
use crate::metrics::intervals::{self, Bound, Evidence};
use crate::metrics::{Confidence, Report, Unit, PERIOD};
use crate::pipeline::{Prepared, ReportRequest};
use crate::render::Style;
use crate::units::parse_duration;
use crate::user_error;

/// One threshold on one metric of one category, optionally per group of some keys.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub(crate) name: String,
    pub(crate) category: String,
    pub(crate) metric: &'static Column,
    pub(crate) limit: Limit,
    /// Fewer observations than this is "no data", not a breach.
    pub(crate) min_n: Option<u64>,
    /// Group keys the rule applies per group of (besides the command line's `--by`).
    pub(crate) by: Vec<String>,
    /// `confident = true`: judged on the metric's interval (SPEC §5, §9) even without `--ci`;
    /// `false`: on its value even with `--ci`.
    pub(crate) confident: Option<bool>,
    /// The rule's own confidence level (implies `confident` unless it is `false`).
    pub(crate) confidence: Option<Confidence>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Limit {
    Min(f64),
    Max(f64),
    /// A change rule (SPEC §5): breaches when `value − value_prev` is below `−max_drop`.
    MaxDrop(f64),
    /// A change rule: breaches when `value − value_prev` is above `max_rise`.
    MaxRise(f64),
}

impl Limit {
    /// Whether the rule judges a change against the comparison window (`_prev`).
    pub(crate) fn is_change(self) -> bool {
        matches!(self, Limit::MaxDrop(_) | Limit::MaxRise(_))
    }

    /// The SLA file's key for it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Limit::Min(_) => "min",
            Limit::Max(_) => "max",
            Limit::MaxDrop(_) => "max_drop",
            Limit::MaxRise(_) => "max_rise",
        }
    }

    pub(crate) fn value(self) -> f64 {
        match self {
            Limit::Min(v) | Limit::Max(v) | Limit::MaxDrop(v) | Limit::MaxRise(v) => v,
        }
    }
}

pub(crate) use crate::metrics::intervals::Status;

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Breach => "breach",
            Status::Uncertain => "uncertain",
            Status::NoData => "no data",
        }
    }
}

/// A rule's outcome for one group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub(crate) rule: Rule,
    /// The group's key values (empty for a rule over the whole category).
    pub(crate) group: Vec<(String, Option<String>)>,
    pub(crate) actual: Option<f64>,
    /// For a change rule, the value over the comparison window (`C_prev`).
    pub(crate) previous: Option<f64>,
    pub(crate) n: u64,
    pub(crate) status: Status,
    /// When the rule was judged on the metric's interval: its level and its ends (`None` when
    /// null: no data, or a mean of one value).
    pub(crate) interval: Option<Judged>,
}

/// The interval a verdict was judged on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Judged {
    pub(crate) confidence: Confidence,
    pub(crate) bounds: Option<(f64, f64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaFile {
    #[serde(default)]
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    name: Option<String>,
    category: String,
    metric: String,
    min: Option<Threshold>,
    max: Option<Threshold>,
    max_drop: Option<Threshold>,
    max_rise: Option<Threshold>,
    min_n: Option<u64>,
    by: Option<String>,
    confident: Option<bool>,
    confidence: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Threshold {
    Number(f64),
    Text(String),
}

/// Reads and checks an SLA file.
pub(crate) fn load(path: &Path) -> Result<Vec<Rule>> {
    let text = read_user_file(path, "SLA")?;
    parse(&text).with_context(|| format!("SLA file {}", path.display()))
}

/// Parses SLA rules from TOML text (errors are exit 2 and say which rule and what is wrong).
pub(crate) fn parse(text: &str) -> Result<Vec<Rule>> {
    let file: SlaFile =
        toml::from_str(text).map_err(|e| user_error!("{}", e.to_string().trim_end()))?;
    if file.rule.is_empty() {
        return Err(user_error!(
            "no rules; write [[rule]] entries with category, metric and min or max"
        ));
    }
    file.rule
        .into_iter()
        .enumerate()
        .map(|(index, entry)| rule_of(entry).map_err(|e| user_error!("rule {}: {e}", index + 1)))
        .collect()
}

fn rule_of(entry: RuleEntry) -> Result<Rule, String> {
    let category = entry.category.trim().to_lowercase();
    if !CATEGORY_ORDER.contains(&category.as_str()) {
        return Err(format!(
            "unknown category \"{}\" (use one of {})",
            entry.category,
            CATEGORY_ORDER.join(", ")
        ));
    }
    let metric = catalogue::column(entry.metric.trim()).ok_or_else(|| {
        format!(
            "unknown metric \"{}\" (use one of {})",
            entry.metric,
            catalogue::names()
        )
    })?;
    let limit = match (entry.min, entry.max, entry.max_drop, entry.max_rise) {
        (Some(min), None, None, None) => Limit::Min(threshold(min, metric)?),
        (None, Some(max), None, None) => Limit::Max(threshold(max, metric)?),
        (None, None, Some(drop), None) => {
            Limit::MaxDrop(change_threshold(drop, metric, "max_drop")?)
        }
        (None, None, None, Some(rise)) => {
            Limit::MaxRise(change_threshold(rise, metric, "max_rise")?)
        }
        (Some(_), Some(_), None, None) => {
            return Err("has both min and max; a rule has exactly one".into())
        }
        (None, None, None, None) => {
            return Err(
                "has neither min nor max (nor max_drop or max_rise); a rule needs one".into(),
            )
        }
        _ => {
            return Err(
                "has more than one of min, max, max_drop and max_rise; a rule has exactly one"
                    .into(),
            )
        }
    };
    let by = entry
        .by
        .map(|keys| {
            keys.split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let confidence = (entry.confidence)
        .map(|level| {
            Confidence::new(level).map_err(|_| {
                format!("confidence = {level}: a level is strictly between 0 and 1, e.g. 0.95")
            })
        })
        .transpose()?;
    let name = entry.name.unwrap_or_else(|| match limit {
        Limit::Min(v) => format!("{category} {} >= {v}", metric.name),
        Limit::Max(v) => format!("{category} {} <= {v}", metric.name),
        Limit::MaxDrop(v) => format!("{category} {} drops at most {v}", metric.name),
        Limit::MaxRise(v) => format!("{category} {} rises at most {v}", metric.name),
    });
    Ok(Rule {
        name,
        category,
        metric,
        limit,
        min_n: entry.min_n,
        by,
        confident: entry.confident,
        confidence,
    })
}

/// The level `rule` is judged at on its metric's interval, or `None` when it is judged on the
/// value: the metric has no interval (a count), or neither `--ci` (`ci`) nor the rule asks for
/// it. The rule's own `confidence` wins over the command line's.
fn judged_at(rule: &Rule, ci: bool, confidence: Confidence) -> Option<Confidence> {
    let asked = match rule.confident {
        Some(confident) => confident,
        None => ci || rule.confidence.is_some(),
    };
    (asked && rule.metric.interval.is_some()).then(|| rule.confidence.unwrap_or(confidence))
}

/// A threshold: a number, or text — a duration (`4h`) for durations, a percentage (`85%`)
/// for shares, or a plain number.
fn threshold(value: Threshold, metric: &Column) -> Result<f64, String> {
    let number = match value {
        Threshold::Number(n) => n,
        Threshold::Text(text) if metric.unit == Unit::Seconds => parse_duration(&text)?,
        Threshold::Text(text) => {
            let number = match text.trim().strip_suffix('%') {
                Some(percent) if metric.unit == Unit::Percent => percent,
                Some(_) => {
                    return Err(format!(
                        "\"{text}\": {} is not a percentage; write a plain number",
                        metric.name
                    ))
                }
                None => text.trim(),
            };
            number
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("\"{text}\" is not a number"))?
        }
    };
    if number.is_finite() {
        Ok(number)
    } else {
        Err(format!("{number} is not a usable threshold"))
    }
}

/// A change threshold: like [`threshold`], and not negative.
fn change_threshold(value: Threshold, metric: &Column, key: &str) -> Result<f64, String> {
    let number = threshold(value, metric)?;
    if number < 0.0 {
        return Err(format!("{key} = {number}: a change limit is not negative"));
    }
    Ok(number)
}

/// Whether any rule judges a change (and so needs `--compare` or `--every`).
pub(crate) fn has_change_rules(rules: &[Rule]) -> bool {
    rules.iter().any(|rule| rule.limit.is_change())
}

/// The group keys a rule is evaluated per: the command line's, then the rule's own.
pub(crate) fn rule_keys(rule: &Rule, cli_by: &[String]) -> Vec<String> {
    let mut keys = cli_by.to_vec();
    for key in &rule.by {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    keys
}

/// Every key any rule needs, for [`crate::pipeline::prepare`].
pub(crate) fn all_keys(rules: &[Rule], cli_by: &[String]) -> Vec<String> {
    let mut keys = cli_by.to_vec();
    for rule in rules {
        for key in rule_keys(rule, cli_by) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// Evaluates every rule: one verdict per rule, or per group for rules with group keys.
pub(crate) fn evaluate(
    rules: &[Rule],
    prepared: &Prepared,
    request: &ReportRequest,
) -> Result<Vec<Verdict>> {
    let mut reports: Vec<(Vec<String>, Report)> = Vec::new();
    let mut verdicts = Vec::new();
    for rule in rules {
        let keys = rule_keys(rule, &request.by);
        let level = judged_at(rule, request.ci, request.confidence);
        // A report with intervals serves a rule judged on values too.
        let fits = |(k, report): &(Vec<String>, Report)| {
            *k == keys && (level.is_none() || report.confidence == level)
        };
        let report = match reports.iter().position(fits) {
            Some(index) => &reports[index].1,
            None => {
                let report = prepared.report(&keys, level)?;
                reports.push((keys, report));
                &reports.last().expect("just pushed").1
            }
        };
        verdicts.extend(judge(rule, report, level));
    }
    Ok(verdicts)
}

/// A rule's verdicts over one report's rows of its category, on the metric's interval at
/// `level` (which `report` holds) or, without one, on its value.
fn judge(rule: &Rule, report: &Report, level: Option<Confidence>) -> Vec<Verdict> {
    // A change rule is judged on the change of the values; intervals are of values only.
    let level = level.filter(|_| !rule.limit.is_change());
    let rows: Vec<_> = report
        .rows
        .iter()
        .filter(|row| row.category == rule.category)
        .collect();
    if rows.is_empty() {
        return vec![Verdict {
            rule: rule.clone(),
            group: Vec::new(),
            actual: None,
            previous: None,
            n: 0,
            status: Status::NoData,
            interval: level.map(|confidence| Judged {
                confidence,
                bounds: None,
            }),
        }];
    }
    rows.into_iter()
        .map(|row| {
            let actual = row.cell(rule.metric.name).number();
            let previous = match rule.limit.is_change() {
                true => row.prev(rule.metric.name).and_then(|cell| cell.number()),
                false => None,
            };
            let n = row.cell(rule.metric.n).count();
            let interval = level.map(|confidence| Judged {
                confidence,
                bounds: row.interval(rule.metric.name),
            });
            let evidence = match interval {
                Some(judged) => Evidence::Interval(judged.bounds),
                None => Evidence::ValueOnly,
            };
            let status = match (actual, previous, rule.limit) {
                (None, _, _) => Status::NoData,
                (Some(_), _, _) if n == 0 || n < rule.min_n.unwrap_or(0) => Status::NoData,
                (Some(_), _, Limit::Min(min)) => {
                    intervals::judge(Bound::Min(min), actual, evidence)
                }
                (Some(_), _, Limit::Max(max)) => {
                    intervals::judge(Bound::Max(max), actual, evidence)
                }
                (Some(_), None, _) => Status::NoData,
                (Some(now), Some(before), Limit::MaxDrop(drop)) if now - before < -drop => {
                    Status::Breach
                }
                (Some(now), Some(before), Limit::MaxRise(rise)) if now - before > rise => {
                    Status::Breach
                }
                (Some(_), Some(_), _) => Status::Pass,
            };
            let mut group: Vec<(String, Option<String>)> = Vec::new();
            if report.timeline.every.is_some() {
                group.push((PERIOD.to_string(), row.period.clone()));
            }
            group.extend(report.by.iter().cloned().zip(row.keys.iter().cloned()));
            Verdict {
                rule: rule.clone(),
                group,
                actual,
                previous,
                n,
                status,
                interval,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One line per rule (or per group).
    Table,
    /// One JSON object with every verdict and a summary.
    Json,
    /// JUnit XML: a test case per verdict, a breach as a failure, no data as skipped.
    Junit,
    /// A Markdown table, e.g. for a CI job summary.
    Markdown,
}

pub(crate) fn render(verdicts: &[Verdict], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::render(verdicts, Style::Terminal, out),
        Format::Markdown => table::render(verdicts, Style::Markdown, out),
        Format::Json => json::render(verdicts, out),
        Format::Junit => junit::render(verdicts, out),
    }
}

fn count(verdicts: &[Verdict], status: Status) -> usize {
    verdicts.iter().filter(|v| v.status == status).count()
}

/// `agent=a1, channel=chat`; a missing key value is `—`.
fn group_text(verdict: &Verdict) -> String {
    let parts: Vec<String> = (verdict.group.iter())
        .map(|(key, value)| format!("{key}={}", value.as_deref().unwrap_or("—")))
        .collect();
    parts.join(", ")
}

fn threshold_text(verdict: &Verdict) -> String {
    let metric = verdict.rule.metric;
    let value = |v: f64| crate::render::readable_value(metric, v);
    let change = |v: f64| crate::render::readable_change(metric, v);
    match verdict.rule.limit {
        Limit::Min(v) => format!(">= {}", value(v)),
        Limit::Max(v) => format!("<= {}", value(v)),
        Limit::MaxDrop(v) => format!(">= {}", change(-v)),
        Limit::MaxRise(v) => format!("<= {}", change(v)),
    }
}

/// `[62.1%, 85.3%] (95%)`; `—` for a null interval; empty when judged on the value.
fn interval_text(verdict: &Verdict) -> String {
    let Some(judged) = verdict.interval else {
        return String::new();
    };
    let metric = verdict.rule.metric;
    let ends = match judged.bounds {
        Some((lo, hi)) => format!(
            "[{}, {}]",
            crate::render::readable_value(metric, lo),
            crate::render::readable_value(metric, hi)
        ),
        None => crate::render::NO_DATA.to_string(),
    };
    format!(
        "{ends} ({})",
        crate::render::readable_level(&judged.confidence)
    )
}

/// Whether any verdict was judged on an interval (then outputs show intervals and count
/// `uncertain`).
fn any_interval(verdicts: &[Verdict]) -> bool {
    verdicts.iter().any(|v| v.interval.is_some())
}

/// The value; for a change rule the change, then the value it went from and to.
fn actual_text(verdict: &Verdict) -> String {
    let metric = verdict.rule.metric;
    let value = |v: f64| crate::render::readable_value(metric, v);
    match (verdict.actual, verdict.previous) {
        (None, _) => crate::render::NO_DATA.to_string(),
        (Some(now), Some(before)) if verdict.rule.limit.is_change() => format!(
            "{} ({} → {})",
            crate::render::readable_change(metric, now - before),
            value(before),
            value(now)
        ),
        (Some(now), None) if verdict.rule.limit.is_change() => {
            format!("{} (nothing to compare)", value(now))
        }
        (Some(now), _) => value(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{columns_of, Cell, Row, Timeline, Variant};

    fn rule(text: &str) -> Result<Vec<Rule>> {
        parse(text)
    }

    #[test]
    fn parses_durations_percentages_and_defaults() {
        let rules = rule(
            r#"
            [[rule]]
            name = "support first reply, p90"
            category = "support"
            metric = "frt_p90_s"
            max = "4h"
            min_n = 30

            [[rule]]
            category = "Service"
            metric = "csat"
            min = "85%"
            by = "agent, channel"
            "#,
        )
        .unwrap();
        assert_eq!(rules[0].limit, Limit::Max(14400.0));
        assert_eq!(rules[0].min_n, Some(30));
        assert_eq!(rules[1].category, "service");
        assert_eq!(rules[1].limit, Limit::Min(85.0));
        assert_eq!(rules[1].name, "service csat >= 85");
        assert_eq!(rules[1].by, ["agent", "channel"]);
    }

    #[test]
    fn rejects_bad_rules_naming_the_rule() {
        let cases = [
            (
                "category = \"sales\"\nmetric = \"csat\"\nmin = 1",
                "unknown category",
            ),
            (
                "category = \"all\"\nmetric = \"happiness\"\nmin = 1",
                "unknown metric",
            ),
            (
                "category = \"all\"\nmetric = \"csat\"\nmin = 1\nmax = 2",
                "both min and max",
            ),
            (
                "category = \"all\"\nmetric = \"csat\"",
                "neither min nor max",
            ),
            (
                "category = \"all\"\nmetric = \"aht_s\"\nmax = \"4 hours\"",
                "not a duration",
            ),
            (
                "category = \"all\"\nmetric = \"csat\"\nmin = 1\nmax_n = 3",
                "unknown field",
            ),
        ];
        for (body, expected) in cases {
            let err = rule(&format!("[[rule]]\n{body}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{body:?}: {err}");
            assert!(
                expected == "unknown field" || err.starts_with("rule 1: "),
                "{body:?}: {err}"
            );
        }
        let err = rule("[[rule]\ncategory = 1").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn rules_choose_their_evidence_and_level() {
        let rules = rule(
            r#"
            [[rule]]
            category = "all"
            metric = "csat"
            min = 80

            [[rule]]
            category = "all"
            metric = "csat"
            min = 80
            confident = true

            [[rule]]
            category = "all"
            metric = "csat"
            min = 80
            confidence = 0.5

            [[rule]]
            category = "all"
            metric = "csat"
            min = 80
            confident = false
            confidence = 0.5

            [[rule]]
            category = "all"
            metric = "interactions"
            min = 10
            confident = true
            "#,
        )
        .unwrap();
        let level = |l| Confidence::new(l).unwrap();
        let at = |rule: &Rule, ci| judged_at(rule, ci, level(0.9)).map(|c| c.level());
        // Plain: on the value unless --ci; `confident` uses the command line's level; a rule's
        // own level wins and implies `confident`; `confident = false` always means the value;
        // a count has no interval.
        let expected = [
            (None, Some(0.9)),
            (Some(0.9), Some(0.9)),
            (Some(0.5), Some(0.5)),
            (None, None),
            (None, None),
        ];
        for (rule, (without_ci, with_ci)) in rules.iter().zip(expected) {
            assert_eq!(at(rule, false), without_ci, "{}", rule.name);
            assert_eq!(at(rule, true), with_ci, "{}", rule.name);
        }
        for level in ["0", "1", "1.5", "-0.2"] {
            let text = format!(
                "[[rule]]\ncategory = \"all\"\nmetric = \"csat\"\nmin = 1\nconfidence = {level}\n"
            );
            let err = rule(&text).unwrap_err().to_string();
            assert!(err.contains("strictly between 0 and 1"), "{level}: {err}");
        }
    }

    fn report_with(category: &str, csat: Option<f64>, csat_n: u64) -> Report {
        let columns = columns_of(catalogue::KPIS, false);
        let mut row = Row::empty(category, None, &columns);
        for (column, cell) in &mut row.cells {
            match column.column.name {
                "csat" => *cell = Cell::Value(csat),
                "csat_n" => *cell = Cell::Count(csat_n),
                _ => {}
            }
        }
        Report {
            columns,
            from: None,
            to: None,
            records: 0,
            skipped: 0,
            by: Vec::new(),
            timeline: Timeline::default(),
            rows: vec![row],
            confidence: None,
        }
    }

    /// `report_with`, with `csat`'s interval columns holding `interval` at 95 %.
    fn report_with_interval(csat: f64, n: u64, interval: Option<(f64, f64)>) -> Report {
        let mut report = report_with("support", Some(csat), n);
        report.columns = columns_of(catalogue::KPIS, true);
        report.confidence = Some(Confidence::new(0.95).unwrap());
        let mut row = Row::empty("support", None, &report.columns);
        for (column, cell) in &mut row.cells {
            *cell = match (column.column.name, column.variant) {
                ("csat", Variant::Value) => Cell::Value(Some(csat)),
                ("csat", Variant::Lo) => Cell::Value(interval.map(|i| i.0)),
                ("csat", Variant::Hi) => Cell::Value(interval.map(|i| i.1)),
                ("csat_n", _) => Cell::Count(n),
                _ => *cell,
            };
        }
        report.rows = vec![row];
        report
    }

    #[test]
    fn on_an_interval_a_rule_passes_breaches_or_is_uncertain() {
        let min_80 =
            &rule("[[rule]]\ncategory = \"support\"\nmetric = \"csat\"\nmin = 80\nmin_n = 5")
                .unwrap()[0];
        let level = Some(Confidence::new(0.95).unwrap());
        let verdict = |csat, n, interval| {
            judge(min_80, &report_with_interval(csat, n, interval), level)[0].clone()
        };
        assert_eq!(verdict(85.0, 40, Some((80.0, 90.0))).status, Status::Pass);
        assert_eq!(verdict(70.0, 40, Some((60.0, 79.9))).status, Status::Breach);
        let uncertain = verdict(75.0, 40, Some((60.0, 85.0)));
        assert_eq!(uncertain.status, Status::Uncertain);
        assert_eq!(uncertain.interval.unwrap().bounds, Some((60.0, 85.0)));
        assert_eq!(verdict(85.0, 40, None).status, Status::Uncertain);
        // min_n still comes first.
        assert_eq!(verdict(10.0, 4, Some((1.0, 20.0))).status, Status::NoData);
        // Judged on the value, the same report breaches.
        let on_value = judge(
            min_80,
            &report_with_interval(75.0, 40, Some((60.0, 85.0))),
            None,
        );
        assert_eq!(on_value[0].status, Status::Breach);
        assert_eq!(on_value[0].interval, None);
    }

    #[test]
    fn limits_are_inclusive_and_min_n_means_no_data() {
        let min_85 =
            &rule("[[rule]]\ncategory = \"support\"\nmetric = \"csat\"\nmin = 85\nmin_n = 10")
                .unwrap()[0];
        let status = |csat, n| judge(min_85, &report_with("support", csat, n), None)[0].status;
        assert_eq!(status(Some(85.0), 10), Status::Pass);
        assert_eq!(status(Some(84.9), 10), Status::Breach);
        assert_eq!(status(Some(50.0), 9), Status::NoData);
        assert_eq!(status(None, 0), Status::NoData);
        // No rows of the rule's category at all: one "no data" verdict.
        let verdicts = judge(min_85, &report_with("service", Some(90.0), 20), None);
        assert_eq!(verdicts.len(), 1);
        assert_eq!(verdicts[0].status, Status::NoData);

        let max_4h =
            &rule("[[rule]]\ncategory = \"support\"\nmetric = \"csat_n\"\nmax = 10").unwrap()[0];
        assert_eq!(
            judge(max_4h, &report_with("support", None, 10), None)[0].status,
            Status::Pass
        );
        assert_eq!(
            judge(max_4h, &report_with("support", None, 11), None)[0].status,
            Status::Breach
        );
    }
}

/// The renderers in-process, on verdicts made by hand (hyperfine's `export/tests.rs` model):
/// each format's exact text, reviewed line by line when the snapshot was written.
#[cfg(test)]
mod render_tests {
    use super::*;

    fn verdicts() -> Vec<Verdict> {
        let rules = parse(
            r#"
            [[rule]]
            name = "support first reply, p90"
            category = "support"
            metric = "frt_p90_s"
            max = "4h"

            [[rule]]
            category = "service"
            metric = "csat"
            min = "80%"
            by = "agent"
            "#,
        )
        .unwrap();
        let verdict = |rule: &Rule, group: &[(&str, Option<&str>)], actual, n, status| Verdict {
            rule: rule.clone(),
            group: (group.iter())
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect(),
            actual,
            previous: None,
            n,
            status,
            interval: None,
        };
        vec![
            verdict(&rules[0], &[], Some(15_120.0), 40, Status::Pass),
            verdict(
                &rules[1],
                &[("agent", Some("a|1"))],
                Some(75.0),
                12,
                Status::Breach,
            ),
            verdict(&rules[1], &[("agent", None)], None, 0, Status::NoData),
        ]
    }

    fn rendered(format: Format) -> String {
        let mut out = Vec::new();
        render(&verdicts(), format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    // Read against the verdicts above: 15,120 s reads 4h 12m and the 4h threshold 4h 00m (the
    // renderer shows the status it is given); 75 % against 80 %; a missing agent and no data
    // show `—`; values right-aligned; the summary counts each status (no `uncertain` when no
    // verdict was judged on an interval).
    #[test]
    fn table() {
        insta::assert_snapshot!(rendered(Format::Table), @r"
        ┌──────────────────────────┬───────────┬────────┬───────────┬────┬─────────┐
        │ Rule                     ┆ Group     ┆ Actual ┆ Threshold ┆  n ┆ Status  │
        ╞══════════════════════════╪═══════════╪════════╪═══════════╪════╪═════════╡
        │ support first reply, p90 ┆           ┆ 4h 12m ┆ <= 4h 00m ┆ 40 ┆ pass    │
        │ service csat >= 80       ┆ agent=a|1 ┆  75.0% ┆  >= 80.0% ┆ 12 ┆ breach  │
        │ service csat >= 80       ┆ agent=—   ┆      — ┆  >= 80.0% ┆  0 ┆ no data │
        └──────────────────────────┴───────────┴────────┴───────────┴────┴─────────┘
        1 pass, 1 breach, 1 no data
        ");
    }
}
