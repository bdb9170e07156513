//! Hand-written inline SVG charts (line chart over periods, sorted bar chart over groups)
//! and their accessible `<table>` fallbacks.
//!
//! Why hand-written and not `plotters` (tried first, `default-features = false`,
//! `svg_backend`): its SVG backend draws labels without the `ttf` feature (it emits
//! `<text>` and estimates widths naively) and escapes text, but its output hard-codes
//! `xmlns="http://www.w3.org/2000/svg"` (a network-looking URL in a page that must have
//! none), fixed pixel `width`/`height` (no fluid width for screen vs A4), inline colours
//! (no print CSS), no hook for `<title>`, `<desc>`, `role` or `aria-*`, and ~20 kB of
//! per-pixel grid lines for a five-point chart. Gaps and bands would need per-segment
//! series and polygons anyway, and accessibility would mean string surgery on a crate's
//! output. A few hundred lines of templates give full control and stable bytes.
//!
//! Styling is carried in SVG presentation attributes (not CSS classes) so a chart keeps
//! its look where a mail client strips `<style>`. Series are told apart three ways —
//! Okabe–Ito colour, dash pattern and marker shape — so they survive greyscale printing
//! and every common colour-vision deficiency.

use std::fmt::Write as _;

use super::esc;
use super::model::{BarChart, BarOrder, LineChart};
use super::scale::{format_value, Scale};

const WIDTH: f64 = 720.0;
/// Average glyph advance of the 12px sans-serif labels, for layout estimates (no font
/// metrics are available offline; this errs wide so labels do not collide).
const CHAR_WIDTH_12PX: f64 = 7.0;
const DEFAULT_BAR_LIMIT: usize = 20;

/// One series' look: colour, dash pattern and marker shape.
struct SeriesStyle {
    colour: &'static str,
    dash: &'static str,
    marker: Marker,
}

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// Okabe–Ito blue, orange, black first (support, service, all): blue and orange differ
/// in lightness too, black is the darkest; then the rest of the palette.
const STYLES: [SeriesStyle; 6] = [
    SeriesStyle {
        colour: "#0072B2",
        dash: "",
        marker: Marker::Circle,
    },
    SeriesStyle {
        colour: "#E69F00",
        dash: "7 4",
        marker: Marker::Square,
    },
    SeriesStyle {
        colour: "#000000",
        dash: "2 3",
        marker: Marker::Triangle,
    },
    SeriesStyle {
        colour: "#009E73",
        dash: "10 3 2 3",
        marker: Marker::Diamond,
    },
    SeriesStyle {
        colour: "#CC79A7",
        dash: "4 2",
        marker: Marker::Circle,
    },
    SeriesStyle {
        colour: "#D55E00",
        dash: "1 2",
        marker: Marker::Square,
    },
];

fn style(index: usize) -> &'static SeriesStyle {
    &STYLES[index % STYLES.len()]
}

/// A coordinate for an attribute; callers only pass finite numbers, this guards anyway.
fn px(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "0".to_string()
    }
}

/// A raw number at full precision (shortest text that reads back to the same `f64`).
pub(crate) fn raw_number(v: f64) -> String {
    format!("{v}")
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Cuts long data labels for the drawing (the table and tooltip keep the full text).
fn truncate_chars(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH_12PX
}

fn marker_svg(out: &mut String, marker: Marker, x: f64, y: f64, colour: &str, tooltip: &str) {
    let (x, y) = (x, y);
    let shape = match marker {
        Marker::Circle => format!(r#"<circle cx="{}" cy="{}" r="3.5""#, px(x), px(y)),
        Marker::Square => format!(
            r#"<rect x="{}" y="{}" width="7" height="7""#,
            px(x - 3.5),
            px(y - 3.5)
        ),
        Marker::Triangle => format!(
            r#"<path d="M{} {}L{} {}L{} {}Z""#,
            px(x),
            px(y - 4.5),
            px(x + 4.5),
            px(y + 3.5),
            px(x - 4.5),
            px(y + 3.5)
        ),
        Marker::Diamond => format!(
            r#"<path d="M{} {}L{} {}L{} {}L{} {}Z""#,
            px(x),
            px(y - 4.5),
            px(x + 4.5),
            px(y),
            px(x),
            px(y + 4.5),
            px(x - 4.5),
            px(y)
        ),
    };
    let _ = write!(
        out,
        r##"{shape} class="marker" fill="{colour}" stroke="#ffffff" stroke-width="1"><title>{}</title>{}"##,
        esc(tooltip),
        match marker {
            Marker::Circle => "</circle>",
            Marker::Square => "</rect>",
            Marker::Triangle | Marker::Diamond => "</path>",
        }
    );
}

/// Opens the `<svg>` with its accessible name and description.
fn open_svg(out: &mut String, id: &str, height: f64, title: &str, description: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{title}" aria-describedby="{id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="12"><title>{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        w = px(WIDTH),
        h = px(height),
        title = esc(title),
        desc = esc(description),
    );
}

fn no_data_text(out: &mut String, x: f64, y: f64) {
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#555555">no data</text>"##,
        px(x),
        px(y)
    );
}

/// Contiguous runs of indices whose item is `Some`: the line is drawn per run so an
/// empty period leaves a gap instead of a segment joined across it.
fn runs<T: Copy>(items: &[Option<T>]) -> Vec<Vec<(usize, T)>> {
    let mut all = Vec::new();
    let mut current = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Some(v) => current.push((i, *v)),
            None if !current.is_empty() => all.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        all.push(current);
    }
    all
}

/// The line chart's figure: caption, SVG, and the data table fallback.
pub(crate) fn line_chart(chart: &LineChart, id: &str) -> String {
    let points = chart
        .series
        .iter()
        .map(|s| s.values.len().max(s.band.as_ref().map_or(0, |b| b.len())))
        .chain([chart.x_labels.len()])
        .max()
        .unwrap_or(0);
    let values: Vec<Vec<Option<f64>>> = chart
        .series
        .iter()
        .map(|s| {
            (0..points)
                .map(|i| finite(s.values.get(i).copied().flatten()))
                .collect()
        })
        .collect();
    let bands: Vec<Vec<Option<(f64, f64)>>> = chart
        .series
        .iter()
        .map(|s| {
            (0..points)
                .map(|i| {
                    let (a, b) = s.band.as_ref()?.get(i).copied().flatten()?;
                    (a.is_finite() && b.is_finite()).then(|| (a.min(b), a.max(b)))
                })
                .collect()
        })
        .collect();
    let scale = Scale::covering(
        values.iter().flatten().flatten().copied().chain(
            bands
                .iter()
                .flatten()
                .flatten()
                .flat_map(|&(lo, hi)| [lo, hi]),
        ),
        chart.unit,
        false,
    );

    // Legend rows at the top, wrapped to the width.
    let mut legend = Vec::new();
    let (mut lx, mut row) = (70.0, 0usize);
    for (i, series) in chart.series.iter().enumerate() {
        let name = truncate_chars(&series.name, 32);
        let item_width = 34.0 + text_width(&name) + 18.0;
        if lx + item_width > WIDTH - 10.0 && lx > 70.0 {
            lx = 70.0;
            row += 1;
        }
        legend.push((i, lx, row, name));
        lx += item_width;
    }
    let legend_rows = if chart.series.is_empty() { 0 } else { row + 1 };
    let top = 16.0 + legend_rows as f64 * 18.0;
    // Labels are truncated to 16 characters; the plot leaves room for half the widest
    // one at each end so the first and last labels sit centred under their points.
    let widest = chart
        .x_labels
        .iter()
        .map(|l| text_width(&truncate_chars(l, 16)))
        .fold(0.0, f64::max);
    let (left, right, plot_height) = (70.0, WIDTH - (widest / 2.0 + 4.0).clamp(24.0, 60.0), 200.0);
    let bottom = top + plot_height;
    let height = bottom + 52.0;
    let plot_width = right - left;
    let x_at = |i: usize| {
        if points <= 1 {
            left + plot_width / 2.0
        } else {
            left + plot_width * i as f64 / (points - 1) as f64
        }
    };

    let description = format!(
        "Line chart over {points} {}{}; series: {}.",
        if chart.x_title.is_empty() {
            "points"
        } else {
            chart.x_title.as_str()
        },
        match (chart.x_labels.first(), chart.x_labels.last()) {
            (Some(first), Some(last)) if points > 1 => format!(" from {first} to {last}"),
            _ => String::new(),
        },
        if chart.series.is_empty() {
            "none".to_string()
        } else {
            chart
                .series
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let mut svg = String::new();
    open_svg(&mut svg, id, height, &chart.title, &description);

    for (i, x, row, name) in &legend {
        let st = style(*i);
        let y = 12.0 + *row as f64 * 18.0;
        let _ = write!(
            svg,
            r#"<g class="legend-item"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>"#,
            px(*x),
            px(y),
            px(x + 28.0),
            px(y),
            st.colour,
            st.dash
        );
        marker_svg(&mut svg, st.marker, x + 14.0, y, st.colour, name);
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" fill="#222222">{}</text></g>"##,
            px(x + 34.0),
            px(y + 4.0),
            esc(name)
        );
    }

    // Periods with no value in any series get a pale column, so the gap reads as
    // "empty period" rather than a drawing fault.
    let column = if points > 1 {
        plot_width / (points - 1) as f64
    } else {
        plot_width
    };
    for i in 0..points {
        if values.iter().all(|v| v[i].is_none()) && !values.is_empty() {
            let x0 = (x_at(i) - column / 2.0).max(left);
            let x1 = (x_at(i) + column / 2.0).min(right);
            let _ = write!(
                svg,
                r##"<rect class="empty-period" x="{}" y="{}" width="{}" height="{}" fill="#eeeeee"><title>{}: no data</title></rect>"##,
                px(x0),
                px(top),
                px(x1 - x0),
                px(plot_height),
                esc(chart.x_labels.get(i).map_or("", String::as_str))
            );
            // In greyscale the pale column resembles a band; the words remove the doubt.
            if x1 - x0 >= 48.0 {
                let _ = write!(
                    svg,
                    r##"<text class="empty-period-label" x="{}" y="{}" text-anchor="middle" font-size="11" fill="#555555">no data</text>"##,
                    px((x0 + x1) / 2.0),
                    px(top + 14.0)
                );
            }
        }
    }

    // Y grid and tick labels.
    if let Some(scale) = &scale {
        let y_at = |v: f64| bottom - plot_height * scale.fraction(v);
        let step = scale.ticks.windows(2).map(|w| w[1] - w[0]).next();
        for &tick in &scale.ticks {
            let y = y_at(tick);
            let _ = write!(
                svg,
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d0d0d0" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" fill="#333333">{}</text>"##,
                px(left),
                px(y),
                px(right),
                px(y),
                px(left - 6.0),
                px(y + 4.0),
                esc(&format_value(tick, chart.unit, step))
            );
        }

        // Bands first so lines and markers sit on top.
        for (si, band) in bands.iter().enumerate() {
            let st = style(si);
            for run in runs(band) {
                let mut d = String::new();
                for (k, &(i, (_, hi))) in run.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if k == 0 { "M" } else { "L" },
                        px(x_at(i)),
                        px(y_at(hi))
                    );
                }
                for &(i, (lo, _)) in run.iter().rev() {
                    let _ = write!(d, "L{} {}", px(x_at(i)), px(y_at(lo)));
                }
                // A one-period band is a vertical bar: give it some width to be seen.
                let stroke_width = if run.len() == 1 { "6" } else { "0" };
                let _ = write!(
                    svg,
                    r#"<path class="band" d="{d}Z" fill="{c}" fill-opacity="0.18" stroke="{c}" stroke-opacity="0.18" stroke-width="{stroke_width}"/>"#,
                    c = st.colour
                );
            }
        }
        for (si, series_values) in values.iter().enumerate() {
            let st = style(si);
            for run in runs(series_values).iter().filter(|r| r.len() >= 2) {
                let mut d = String::new();
                for (k, &(i, v)) in run.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if k == 0 { "M" } else { "L" },
                        px(x_at(i)),
                        px(y_at(v))
                    );
                }
                let _ = write!(
                    svg,
                    r#"<path class="series-line" d="{d}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" stroke-linejoin="round"/>"#,
                    st.colour, st.dash
                );
            }
            for (i, v) in series_values.iter().enumerate() {
                if let Some(v) = v {
                    let tooltip = format!(
                        "{} · {}: {}",
                        chart.series[si].name,
                        chart.x_labels.get(i).map_or("", String::as_str),
                        format_value(*v, chart.unit, None)
                    );
                    marker_svg(&mut svg, st.marker, x_at(i), y_at(*v), st.colour, &tooltip);
                }
            }
        }
    } else {
        no_data_text(&mut svg, left + plot_width / 2.0, top + plot_height / 2.0);
    }

    // Axes and x labels, thinned so they never overlap.
    let _ = write!(
        svg,
        r##"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#333333" stroke-width="1"/><line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="#333333" stroke-width="1"/>"##,
        l = px(left),
        r = px(right),
        t = px(top),
        b = px(bottom)
    );
    let slot = if points > 1 {
        plot_width / (points - 1) as f64
    } else {
        plot_width
    };
    let every = ((widest + 12.0) / slot).ceil().max(1.0) as usize;
    for i in 0..points {
        let _ = write!(
            svg,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#333333" stroke-width="1"/>"##,
            px(bottom),
            px(bottom + 4.0),
            x = px(x_at(i))
        );
        // Counted from the end so the latest period, the one a reader looks for, is labelled.
        if (points - 1 - i) % every == 0 {
            let label = truncate_chars(chart.x_labels.get(i).map_or("", String::as_str), 16);
            let half = text_width(&label) / 2.0;
            let anchor = if x_at(i) + half > WIDTH {
                "end"
            } else if x_at(i) - half < 0.0 {
                "start"
            } else {
                "middle"
            };
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" text-anchor="{anchor}" fill="#333333">{}</text>"##,
                px(x_at(i)),
                px(bottom + 18.0),
                esc(&label)
            );
        }
    }
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#333333">{}</text><text transform="translate(16 {}) rotate(-90)" text-anchor="middle" fill="#333333">{}</text></svg>"##,
        px(left + plot_width / 2.0),
        px(bottom + 40.0),
        esc(&chart.x_title),
        px(top + plot_height / 2.0),
        esc(&chart.unit_label)
    );

    // The fallback table: every number exactly as given.
    let mut table = String::new();
    let _ = write!(
        table,
        "<table class=\"chart-data\"><caption>Data: {}</caption><thead><tr><th scope=\"col\">{}</th>",
        esc(&chart.title),
        esc(if chart.x_title.is_empty() {
            "period"
        } else {
            &chart.x_title
        })
    );
    for series in &chart.series {
        let _ = write!(table, "<th scope=\"col\">{}</th>", esc(&series.name));
        if series.band.is_some() {
            let _ = write!(
                table,
                "<th scope=\"col\">{0} low</th><th scope=\"col\">{0} high</th>",
                esc(&series.name)
            );
        }
    }
    table.push_str("</tr></thead><tbody>");
    for i in 0..points {
        let _ = write!(
            table,
            "<tr><th scope=\"row\">{}</th>",
            esc(chart.x_labels.get(i).map_or("", String::as_str))
        );
        for series in &chart.series {
            let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), raw_number);
            let _ = write!(
                table,
                "<td>{}</td>",
                cell(series.values.get(i).copied().flatten())
            );
            if let Some(band) = &series.band {
                let pair = band.get(i).copied().flatten();
                let _ = write!(
                    table,
                    "<td>{}</td><td>{}</td>",
                    cell(pair.map(|p| p.0)),
                    cell(pair.map(|p| p.1))
                );
            }
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody></table>");
    figure(&chart.title, &svg, &table, None)
}

fn figure(title: &str, svg: &str, table: &str, note: Option<&str>) -> String {
    format!(
        "<figure class=\"chart-figure\"><figcaption>{}</figcaption>{svg}{}<details class=\"chart-table\"><summary>Data table</summary>{table}</details></figure>",
        esc(title),
        note.map_or_else(String::new, |n| format!("<p class=\"more\">{}</p>", esc(n)))
    )
}

/// The bar chart's figure: sorted bars (top `limit`), "and N more", and the table.
pub(crate) fn bar_chart(chart: &BarChart, id: &str) -> String {
    let limit = if chart.limit == 0 {
        DEFAULT_BAR_LIMIT
    } else {
        chart.limit
    };
    let mut bars: Vec<_> = chart.bars.iter().collect();
    bars.sort_by(|a, b| match (finite(a.value), finite(b.value)) {
        (Some(x), Some(y)) => {
            let by_value = match chart.order {
                BarOrder::Descending => y.total_cmp(&x),
                BarOrder::Ascending => x.total_cmp(&y),
            };
            by_value.then_with(|| a.label.cmp(&b.label))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.label.cmp(&b.label),
    });
    let more = bars.len().saturating_sub(limit);
    bars.truncate(limit);

    let (label_right, bar_left, bar_right, value_left) =
        (176.0, 184.0, WIDTH - 140.0, WIDTH - 132.0);
    let (top, row_height, bar_height) = (8.0, 24.0, 15.0);
    let rows_bottom = top + row_height * bars.len().max(1) as f64;
    let height = rows_bottom + 44.0;
    let scale = Scale::covering(
        bars.iter().filter_map(|b| finite(b.value)),
        chart.unit,
        true,
    );

    let description = format!(
        "Bar chart of {} groups{}, sorted {}{}.",
        bars.len(),
        if more > 0 {
            format!(" (the first {} of {})", bars.len(), chart.bars.len())
        } else {
            String::new()
        },
        match chart.order {
            BarOrder::Descending => "largest first",
            BarOrder::Ascending => "smallest first",
        },
        if chart.unit_label.is_empty() {
            String::new()
        } else {
            format!("; values in {}", chart.unit_label)
        }
    );
    let mut svg = String::new();
    open_svg(&mut svg, id, height, &chart.title, &description);
    let bar_width = bar_right - bar_left;
    let x_at = |scale: &Scale, v: f64| bar_left + bar_width * scale.fraction(v);

    if let Some(scale) = &scale {
        let step = scale.ticks.windows(2).map(|w| w[1] - w[0]).next();
        let widest = scale
            .ticks
            .iter()
            .map(|&t| text_width(&format_value(t, chart.unit, step)))
            .fold(0.0, f64::max);
        let slot = bar_width / (scale.ticks.len().max(2) - 1) as f64;
        let every = ((widest + 10.0) / slot).ceil().max(1.0) as usize;
        for (k, &tick) in scale.ticks.iter().enumerate() {
            let x = x_at(scale, tick);
            let _ = write!(
                svg,
                r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}" stroke-width="1"/>"##,
                px(top - 4.0),
                px(rows_bottom + 4.0),
                if tick == 0.0 { "#333333" } else { "#d0d0d0" },
                x = px(x)
            );
            if k % every == 0 {
                let _ = write!(
                    svg,
                    r##"<text x="{}" y="{}" text-anchor="middle" fill="#333333">{}</text>"##,
                    px(x),
                    px(rows_bottom + 18.0),
                    esc(&format_value(tick, chart.unit, step))
                );
            }
        }
    }
    if bars.is_empty() || scale.is_none() {
        no_data_text(&mut svg, bar_left + bar_width / 2.0, top + row_height * 0.7);
    }
    for (row, bar) in bars.iter().enumerate() {
        let y = top + row_height * row as f64;
        let value_text = finite(bar.value).map_or_else(
            || "no data".to_string(),
            |v| format_value(v, chart.unit, None),
        );
        let _ = write!(
            svg,
            r##"<g class="bar-row"><title>{}: {} (n = {})</title><text x="{}" y="{}" text-anchor="end" fill="#222222">{}</text>"##,
            esc(&bar.label),
            esc(&value_text),
            bar.n,
            px(label_right),
            px(y + row_height / 2.0 + 4.0),
            esc(&truncate_chars(&bar.label, 24))
        );
        if let (Some(scale), Some(v)) = (&scale, finite(bar.value)) {
            let (x0, x1) = (x_at(scale, 0.0), x_at(scale, v));
            let _ = write!(
                svg,
                r##"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="#0072B2"/>"##,
                px(x0.min(x1)),
                px(y + (row_height - bar_height) / 2.0),
                px((x1 - x0).abs().max(1.0)),
                px(bar_height)
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" fill="#222222">{} <tspan fill="#555555">n={}</tspan></text></g>"##,
            px(value_left),
            px(y + row_height / 2.0 + 4.0),
            esc(&value_text),
            bar.n
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#333333">{}</text></svg>"##,
        px(bar_left + bar_width / 2.0),
        px(rows_bottom + 36.0),
        esc(&chart.unit_label)
    );

    let note = (more > 0).then(|| format!("and {more} more not shown"));
    let mut table = String::new();
    let _ = write!(
        table,
        "<table class=\"chart-data\"><caption>Data: {}</caption><thead><tr><th scope=\"col\">group</th><th scope=\"col\">value</th><th scope=\"col\">n</th></tr></thead><tbody>",
        esc(&chart.title)
    );
    for bar in &bars {
        let _ = write!(
            table,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            esc(&bar.label),
            bar.value.map_or_else(|| "—".to_string(), raw_number),
            bar.n
        );
    }
    table.push_str("</tbody></table>");
    figure(&chart.title, &svg, &table, note.as_deref())
}
