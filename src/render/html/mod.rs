//! `--format html`: renders a [`Page`] into one self-contained HTML document.
//!
//! The page carries everything inline — CSS in one `<style>`, charts as inline SVG —
//! and references nothing outside itself: no script, no font, no image, no link, so it
//! reads the same offline, in a mail attachment and printed on A4. A
//! `Content-Security-Policy` meta tag forbids scripts and every fetch as a second line
//! of defence behind the escaping. Every string from the caller is escaped with
//! `html_escape::encode_safe` (`& < > " ' /`), which is safe in text and in
//! double-quoted attributes alike, so one function serves both contexts.
//!
//! The output is deterministic: the same `Page` gives the same bytes (no clock, no
//! random ids; chart ids are counters).

mod chart;
pub(crate) mod model;
mod scale;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt::Write as _;

pub(crate) use model::*;

/// Escapes untrusted text for HTML text and quoted attribute contexts.
pub(crate) fn esc(text: &str) -> Cow<'_, str> {
    html_escape::encode_safe(text)
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: #1a1a1a; background: #ffffff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .5em; border-bottom: 1px solid #ccc; padding-bottom: .2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.options { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .3em; }
.options code { background: #f2f2f2; border: 1px solid #ddd; border-radius: 3px; padding: 0 .3em; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.tile { border: 1px solid #bbb; border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.tile .label { font-size: .85em; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; color: #444; }
.tile .value { font-size: 1.6em; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .interval, .tile .n { font-size: .85em; color: #444; font-variant-numeric: tabular-nums; }
.change { font-size: .9em; font-weight: 600; }
.change.better { color: #005a8c; }
.change.worse { color: #a04000; }
.change .verdict { font-weight: 400; font-style: italic; }
.chart-figure { margin: 1em 0 1.6em; break-inside: avoid; }
.chart-figure figcaption { font-weight: 600; margin-bottom: .2em; }
.chart { display: block; width: 100%; max-width: 880px; height: auto; }
.more { margin: .2em 0; color: #444; font-style: italic; }
details.chart-table summary { cursor: pointer; color: #333; font-size: .9em; }
table { border-collapse: collapse; margin: .4em 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .2em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
thead th { background: #f2f2f2; }
.data-table { overflow-x: auto; }
footer { margin-top: 2em; font-size: .85em; color: #555; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  .tiles { grid-template-columns: repeat(4, 1fr); }
  .chart-figure, .tile, tr { break-inside: avoid; }
  details.chart-table { display: none; }
  .change.better, .change.worse { color: #000; }
}
"#;

/// Renders the whole page. Never panics; every input (empty, NaN, odd lengths) renders.
pub(crate) fn render(page: &Page) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"generator\" content=\"cxkpi\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&page.title)
    );
    render_header(&mut out, page);
    out.push_str("<main>\n");
    let mut chart_count = 0usize;
    for section in &page.sections {
        match section {
            Section::Heading(text) => {
                let _ = writeln!(out, "<h2>{}</h2>", esc(text));
            }
            Section::Tiles(group) => render_tiles(&mut out, group),
            Section::LineChart(line) => {
                chart_count += 1;
                out.push_str(&chart::line_chart(line, &format!("chart{chart_count}")));
                out.push('\n');
            }
            Section::BarChart(bars) => {
                chart_count += 1;
                out.push_str(&chart::bar_chart(bars, &format!("chart{chart_count}")));
                out.push('\n');
            }
            Section::Table(table) => render_table(&mut out, table),
        }
    }
    out.push_str("</main>\n<footer>Generated by cxkpi. This page is self-contained: it loads nothing from the network.</footer>\n</body>\n</html>\n");
    out
}

fn render_header(out: &mut String, page: &Page) {
    let header = &page.header;
    let _ = write!(
        out,
        "<header>\n<h1>{}</h1>\n<dl class=\"meta\">",
        esc(&page.title)
    );
    if let Some(window) = &header.window {
        let window = match (&window.from, &window.to) {
            (None, None) => "all time".to_string(),
            (Some(from), None) => format!("from {from} (open end)"),
            (None, Some(to)) => format!("until {to} (exclusive)"),
            (Some(from), Some(to)) => format!("{from} to {to} (exclusive)"),
        };
        let _ = write!(out, "<dt>Window</dt><dd>{}</dd>", esc(&window));
    }
    if let Some(read) = header.records_read {
        let _ = write!(out, "<dt>Records read</dt><dd>{read}</dd>");
    }
    if let Some(skipped) = header.records_skipped {
        let _ = write!(out, "<dt>Records skipped</dt><dd>{skipped}</dd>");
    }
    for (label, value) in &header.facts {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
    }
    out.push_str("<dt>Options</dt><dd>");
    if header.options.is_empty() {
        out.push_str("none");
    } else {
        out.push_str("<ul class=\"options\">");
        for option in &header.options {
            let _ = write!(out, "<li><code>{}</code></li>", esc(option));
        }
        out.push_str("</ul>");
    }
    out.push_str("</dd></dl>\n</header>\n");
}

fn render_tiles(out: &mut String, group: &TileGroup) {
    let _ = write!(
        out,
        "<section class=\"category\" aria-label=\"{0}\"><h3>{0}</h3><div class=\"tiles\">",
        esc(&group.category)
    );
    for tile in &group.tiles {
        let raw_attr = tile.raw.map_or_else(String::new, |raw| {
            let raw = chart::raw_number(raw);
            format!(" data-raw=\"{raw}\" title=\"raw value: {raw}\"")
        });
        let value = if tile.value_text.is_empty() {
            "—"
        } else {
            &tile.value_text
        };
        let _ = write!(
            out,
            "<div class=\"tile\"{raw_attr}><div class=\"label\">{}</div><div class=\"value\">{}</div>",
            esc(&tile.label),
            esc(value)
        );
        if let Some(interval) = &tile.interval_text {
            let _ = write!(out, "<div class=\"interval\">{}</div>", esc(interval));
        }
        if let Some(change) = &tile.change {
            // The verdict is spelled out: colour alone is lost in greyscale print.
            let (class, verdict) = match change.better {
                Some(true) => (" better", " <span class=\"verdict\">better</span>"),
                Some(false) => (" worse", " <span class=\"verdict\">worse</span>"),
                None => ("", ""),
            };
            let _ = write!(
                out,
                "<div class=\"change{class}\">{}{verdict}</div>",
                esc(&change.text)
            );
        }
        let _ = write!(out, "<div class=\"n\">n = {}</div></div>", tile.n);
    }
    out.push_str("</div></section>\n");
}

fn render_table(out: &mut String, table: &DataTable) {
    out.push_str("<div class=\"data-table\"><table>");
    if !table.caption.is_empty() {
        let _ = write!(out, "<caption>{}</caption>", esc(&table.caption));
    }
    out.push_str("<thead><tr>");
    for column in &table.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(column));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            let _ = write!(out, "<{tag}>{}</{close}>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
}
