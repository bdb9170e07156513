//! `check` as a table for a terminal, or as Markdown: a line per verdict, then the summary.

use std::io::{self, Write};

use super::{actual_text, count, group_text, threshold_text, Status, Verdict};
use crate::render::{align_right, cell_text, new_table, Style};

pub(super) fn render(verdicts: &[Verdict], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let mut table = new_table(style);
    table.set_header(["Rule", "Group", "Actual", "Threshold", "n", "Status"]);
    for verdict in verdicts {
        table.add_row([
            cell_text(&verdict.rule.name, style),
            cell_text(&group_text(verdict), style),
            actual_text(verdict),
            threshold_text(verdict),
            verdict.n.to_string(),
            verdict.status.as_str().to_string(),
        ]);
    }
    align_right(&mut table, 2..5);
    let gap = match style {
        Style::Terminal => "\n",
        Style::Markdown => "\n\n",
    };
    writeln!(out, "{table}{gap}{}", summary(verdicts))
}

fn summary(verdicts: &[Verdict]) -> String {
    format!(
        "{} pass, {} breach, {} no data",
        count(verdicts, Status::Pass),
        count(verdicts, Status::Breach),
        count(verdicts, Status::NoData)
    )
}
