//! `trend` tables: per metric and group, one line per snapshot with the change against the
//! previous one, and a sparkline on a terminal.

use std::io::{self, Write};

use super::Series;
use crate::render::{align_right, new_table, readable_change, readable_value, Style, NO_DATA};

pub(super) fn render(
    series: &[Series],
    category: &str,
    sparklines: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if series.is_empty() {
        return writeln!(out, "no snapshots of {category} in the history");
    }
    for (index, one) in series.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let mut title = format!("{} · {category}", one.metric.name);
        for (key, value) in &one.group {
            title.push_str(&format!(" · {key}={}", value.as_deref().unwrap_or(NO_DATA)));
        }
        if sparklines {
            title.push_str("  ");
            title.push_str(&sparkline(
                &one.points.iter().map(|p| p.value).collect::<Vec<_>>(),
            ));
        }
        writeln!(out, "{title}")?;
        let mut table = new_table(Style::Terminal);
        table.set_header(["Snapshot", "Value", "n", "Change"]);
        for point in &one.points {
            table.add_row([
                point.snapshot_at.clone(),
                (point.value)
                    .map(|v| readable_value(one.metric, v))
                    .unwrap_or_else(|| NO_DATA.into()),
                point.n.to_string(),
                (point.change)
                    .map(|c| readable_change(one.metric, c))
                    .unwrap_or_default(),
            ]);
        }
        align_right(&mut table, 1..4);
        writeln!(out, "{table}")?;
    }
    Ok(())
}

/// Values scaled onto `▁▂▃▄▅▆▇█` between their minimum and maximum; a gap is a space.
fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let present = values.iter().flatten().copied();
    let (low, high) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    values
        .iter()
        .map(|value| match value {
            None => ' ',
            Some(_) if high <= low => BARS[3],
            Some(v) => BARS[(((v - low) / (high - low)) * 7.0).round() as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // By hand: 0 → ▁ (lowest), 7 → █ (highest), 3.5 → (3.5/7)·7 = 3.5, rounded to 4 → ▅.
    #[test]
    fn sparkline_scales_between_min_and_max() {
        assert_eq!(sparkline(&[Some(0.0), Some(7.0), None, Some(3.5)]), "▁█ ▅");
        assert_eq!(sparkline(&[Some(2.0), Some(2.0)]), "▄▄");
        assert_eq!(sparkline(&[]), "");
    }
}
