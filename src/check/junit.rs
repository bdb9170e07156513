//! `check` as JUnit XML for CI (written by `quick-junit`, nextest's crate): a test case per
//! verdict, a breach as a failure, uncertain and no data as skipped (with the interval in the
//! message when the rule was judged on one).

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{actual_text, group_text, interval_text, threshold_text, Status, Verdict};

const NAME: &str = "cxkpi check";

pub(super) fn render(verdicts: &[Verdict], out: &mut dyn Write) -> io::Result<()> {
    let mut suite = TestSuite::new(NAME);
    for verdict in verdicts {
        let interval = match verdict.interval {
            Some(_) => format!(", interval {}", interval_text(verdict)),
            None => String::new(),
        };
        let detail = format!(
            "{} = {} (threshold {}, n = {}{interval})",
            verdict.rule.metric.name,
            actual_text(verdict),
            threshold_text(verdict),
            verdict.n
        );
        let status = match verdict.status {
            Status::Pass => TestCaseStatus::success(),
            Status::Breach => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(format!("breach: {detail}"));
                status
            }
            Status::Uncertain => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!("uncertain: {detail}"));
                status
            }
            Status::NoData => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!("no data: {detail}"));
                status
            }
        };
        let group = group_text(verdict);
        let name = if group.is_empty() {
            verdict.rule.name.clone()
        } else {
            format!("{} [{group}]", verdict.rule.name)
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(format!(
            "cxkpi.{}.{}",
            verdict.rule.category, verdict.rule.metric.name
        ));
        suite.add_test_case(case);
    }
    let mut report = Report::new(NAME);
    report.add_test_suite(suite);
    // Serialized whole first, so that a closed pipe reaches the caller as the I/O error it is.
    let xml = report.to_string().map_err(io::Error::other)?;
    writeln!(out, "{}", xml.trim_end())
}
