//! `check` output: a table, Markdown, JSON, or JUnit XML (one test case per verdict).

use std::io::{self, Write};

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, Table};
use quick_xml::escape::escape;
use serde_json::json;

use super::{Limit, Status, Verdict};
use crate::report::{group_json, markdown_cell, readable_value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per rule (or per group).
    Table,
    /// One JSON object with every verdict and a summary.
    Json,
    /// JUnit XML: a test case per verdict, a breach as a failure, no data as skipped.
    Junit,
    /// A Markdown table, e.g. for a CI job summary.
    Markdown,
}

pub fn render(verdicts: &[Verdict], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => writeln!(
            out,
            "{}\n{}",
            table(verdicts, UTF8_FULL_CONDENSED),
            summary(verdicts)
        ),
        Format::Markdown => writeln!(
            out,
            "{}\n\n{}",
            table(verdicts, ASCII_MARKDOWN),
            summary(verdicts)
        ),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &as_json(verdicts))
                .map_err(crate::report::io_error_of_json)?;
            writeln!(out)
        }
        Format::Junit => junit(verdicts, out),
    }
}

fn count(verdicts: &[Verdict], status: Status) -> usize {
    verdicts.iter().filter(|v| v.status == status).count()
}

fn summary(verdicts: &[Verdict]) -> String {
    format!(
        "{} pass, {} breach, {} no data",
        count(verdicts, Status::Pass),
        count(verdicts, Status::Breach),
        count(verdicts, Status::NoData)
    )
}

/// `agent=a1, channel=chat`; a missing key value is `—`.
fn group_text(verdict: &Verdict) -> String {
    let parts: Vec<String> = verdict
        .group
        .iter()
        .map(|(key, value)| format!("{key}={}", value.as_deref().unwrap_or("—")))
        .collect();
    parts.join(", ")
}

fn threshold_text(verdict: &Verdict) -> String {
    match verdict.rule.limit {
        Limit::Min(v) => format!(">= {}", readable_value(verdict.rule.metric, v)),
        Limit::Max(v) => format!("<= {}", readable_value(verdict.rule.metric, v)),
    }
}

fn actual_text(verdict: &Verdict) -> String {
    verdict
        .actual
        .map(|v| readable_value(verdict.rule.metric, v))
        .unwrap_or_else(|| "—".to_string())
}

fn table(verdicts: &[Verdict], preset: &str) -> Table {
    let mut table = Table::new();
    table.load_preset(preset);
    table.set_header(["Rule", "Group", "Actual", "Threshold", "n", "Status"]);
    let text = |cell: String| {
        if preset == ASCII_MARKDOWN {
            markdown_cell(&cell)
        } else {
            cell
        }
    };
    for verdict in verdicts {
        table.add_row([
            text(verdict.rule.name.clone()),
            text(group_text(verdict)),
            actual_text(verdict),
            threshold_text(verdict),
            verdict.n.to_string(),
            verdict.status.as_str().to_string(),
        ]);
    }
    for index in 2..5 {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

fn as_json(verdicts: &[Verdict]) -> serde_json::Value {
    let results: Vec<serde_json::Value> = verdicts
        .iter()
        .map(|v| {
            let (bound, value) = match v.rule.limit {
                Limit::Min(x) => ("min", x),
                Limit::Max(x) => ("max", x),
            };
            json!({
                "rule": v.rule.name,
                "category": v.rule.category,
                "metric": v.rule.metric,
                "group": group_json(&v.group),
                "actual": v.actual,
                "threshold": { bound: value },
                "n": v.n,
                "min_n": v.rule.min_n,
                "status": v.status.as_str(),
            })
        })
        .collect();
    json!({
        "results": results,
        "summary": {
            "pass": count(verdicts, Status::Pass),
            "breach": count(verdicts, Status::Breach),
            "no_data": count(verdicts, Status::NoData),
        },
    })
}

fn junit(verdicts: &[Verdict], out: &mut dyn Write) -> io::Result<()> {
    let (tests, failures, skipped) = (
        verdicts.len(),
        count(verdicts, Status::Breach),
        count(verdicts, Status::NoData),
    );
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="cxkpi check" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="cxkpi check" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
    )?;
    for verdict in verdicts {
        let group = group_text(verdict);
        let name = if group.is_empty() {
            verdict.rule.name.clone()
        } else {
            format!("{} [{group}]", verdict.rule.name)
        };
        let classname = format!("cxkpi.{}.{}", verdict.rule.category, verdict.rule.metric);
        let detail = format!(
            "{} = {} (threshold {}, n = {})",
            verdict.rule.metric,
            actual_text(verdict),
            threshold_text(verdict),
            verdict.n
        );
        write!(
            out,
            r#"    <testcase classname="{}" name="{}""#,
            escape(classname.as_str()),
            escape(name.as_str())
        )?;
        match verdict.status {
            Status::Pass => writeln!(out, "/>")?,
            Status::Breach => writeln!(
                out,
                ">\n      <failure message=\"breach: {}\"/>\n    </testcase>",
                escape(detail.as_str())
            )?,
            Status::NoData => writeln!(
                out,
                ">\n      <skipped message=\"no data: {}\"/>\n    </testcase>",
                escape(detail.as_str())
            )?,
        }
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}
