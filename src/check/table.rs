//! `check` as a table for a terminal, or as Markdown: a line per verdict, then the summary.
//! When some rule was judged on its interval, an Interval column and an `uncertain` count.

use std::io::{self, Write};

use super::{
    actual_text, any_interval, count, group_text, interval_text, threshold_text, Status, Verdict,
};
use crate::render::{align_right, cell_text, new_table, Style};

pub(super) fn render(verdicts: &[Verdict], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let intervals = any_interval(verdicts);
    let mut table = new_table(style);
    let mut header = vec!["Rule", "Group", "Actual"];
    if intervals {
        header.push("Interval");
    }
    header.extend(["Threshold", "n", "Status"]);
    table.set_header(header);
    for verdict in verdicts {
        let mut line = vec![
            cell_text(&verdict.rule.name, style),
            cell_text(&group_text(verdict), style),
            actual_text(verdict),
        ];
        if intervals {
            line.push(interval_text(verdict));
        }
        line.extend([
            threshold_text(verdict),
            verdict.n.to_string(),
            verdict.status.as_str().to_string(),
        ]);
        table.add_row(line);
    }
    align_right(&mut table, 2..5 + usize::from(intervals));
    let gap = match style {
        Style::Terminal => "\n",
        Style::Markdown => "\n\n",
    };
    writeln!(out, "{table}{gap}{}", summary(verdicts))
}

fn summary(verdicts: &[Verdict]) -> String {
    let uncertain = match any_interval(verdicts) {
        true => format!("{} uncertain, ", count(verdicts, Status::Uncertain)),
        false => String::new(),
    };
    format!(
        "{} pass, {} breach, {uncertain}{} no data",
        count(verdicts, Status::Pass),
        count(verdicts, Status::Breach),
        count(verdicts, Status::NoData)
    )
}
