//! Axis scales: the value range of a chart, "nice" tick positions and tick label texts.
//!
//! Everything here is total: empty input, a single value, NaN or ±inf never panic and
//! never produce a non-finite coordinate (non-finite values are treated as absent).

use super::model::ValueUnit;

/// A linear value range with the ticks to draw along it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale {
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) ticks: Vec<f64>,
}

impl Scale {
    /// The scale covering `values` (non-finite ones ignored), `None` when none is finite.
    /// `include_zero` forces 0 into the range (bars grow from zero).
    pub(crate) fn covering(
        values: impl IntoIterator<Item = f64>,
        unit: ValueUnit,
        include_zero: bool,
    ) -> Option<Scale> {
        let (mut lo, mut hi) = values.into_iter().filter(|v| v.is_finite()).fold(
            None,
            |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            },
        )?;
        if include_zero {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        if hi - lo <= 0.0 {
            if include_zero {
                // Every value is 0: bars from 0 over a unit range.
                hi = lo + 1.0;
            } else {
                // A flat line still needs a visible range around it.
                let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
                lo -= pad;
                hi += pad;
            }
        }
        let step = tick_step(hi - lo, unit);
        let ticks = ticks_between(lo, hi, step);
        match (ticks.first(), ticks.last()) {
            (Some(&first), Some(&last)) if first < last => Some(Scale {
                min: first,
                max: last,
                ticks,
            }),
            // Extreme magnitudes (e.g. ±1e308) defeat tick arithmetic: plain bounds.
            _ if lo < hi => Some(Scale {
                min: lo,
                max: hi,
                ticks: vec![lo, hi],
            }),
            _ => None,
        }
    }

    /// Maps `v` into `[0, 1]` along the scale (0 at `min`).
    pub(crate) fn fraction(&self, v: f64) -> f64 {
        let span = self.max - self.min;
        if span > 0.0 && span.is_finite() {
            ((v - self.min) / span).clamp(0.0, 1.0)
        } else {
            0.5
        }
    }
}

/// Roughly five ticks; durations step on whole units a person reads (15m, 1h, 6h, 1d).
fn tick_step(range: f64, unit: ValueUnit) -> f64 {
    let rough = range / 5.0;
    if !(rough.is_finite() && rough > 0.0) {
        return f64::NAN;
    }
    if unit == ValueUnit::Seconds {
        const STEPS: [f64; 20] = [
            1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
            7200.0, 10800.0, 21600.0, 43200.0, 86400.0, 172800.0, 604800.0,
        ];
        if let Some(&step) = STEPS.iter().find(|&&s| s >= rough) {
            return step;
        }
        return 86400.0 * nice_number(rough / 86400.0);
    }
    nice_number(rough)
}

/// The smallest of 1, 2, 2.5, 5 × 10^k that is at least `rough`.
fn nice_number(rough: f64) -> f64 {
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

fn ticks_between(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    if !(step.is_finite() && step > 0.0) {
        return Vec::new();
    }
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    if !(first.is_finite() && last.is_finite()) || last - first > 50.0 {
        return Vec::new();
    }
    // Integer multiples of the step avoid accumulating 0.1 + 0.2 style drift.
    (0..=(last - first) as i64)
        .map(|i| (first + i as f64) * step)
        .map(|t| if t == 0.0 { 0.0 } else { t }) // no "-0"
        .collect()
}

/// A tick or bar-end label. `step` is the tick spacing (decides decimals), or `None`
/// for a free value (then one decimal for small magnitudes, and durations as the tables
/// write them, `8m 09s`).
pub(crate) fn format_value(v: f64, unit: ValueUnit, step: Option<f64>) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    match unit {
        ValueUnit::Seconds if step.is_none() => crate::units::format_duration(v),
        ValueUnit::Seconds => format_duration(v),
        ValueUnit::Number => format_number(v, step),
        ValueUnit::Percent => format!("{}%", format_number(v, step)),
    }
}

fn format_number(v: f64, step: Option<f64>) -> String {
    let decimals = match step {
        Some(s) if s.is_finite() && s > 0.0 && s < 1.0 => {
            // 0.25 needs two decimals, 0.5 one.
            (0..=6)
                .find(|&d| {
                    let scaled = s * 10f64.powi(d);
                    (scaled - scaled.round()).abs() < 1e-6
                })
                .unwrap_or(6) as usize
        }
        Some(_) => 0,
        None if v.abs() < 100.0 => 1,
        None => 0,
    };
    let text = format!("{v:.decimals$}");
    // "-0.0" reads as a bug.
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// `45s`, `12m`, `4h 12m`, `2d 3h`: the two largest units, zero parts dropped (an axis tick
/// reads `1h`, not the tables' `1h 00m`).
pub(crate) fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "—".to_string();
    }
    let sign = if seconds < 0.0 { "-" } else { "" };
    let total = seconds.abs().round();
    if total < 60.0 {
        return format!("{sign}{total}s");
    }
    // Beyond u64 range a duration is meaningless to a reader anyway.
    let total = total.min(u64::MAX as f64) as u64;
    let (days, hours, minutes, secs) = (
        total / 86400,
        total % 86400 / 3600,
        total % 3600 / 60,
        total % 60,
    );
    let text = if days > 0 {
        if hours > 0 {
            format!("{days}d {hours}h")
        } else {
            format!("{days}d")
        }
    } else if hours > 0 {
        if minutes > 0 {
            format!("{hours}h {minutes}m")
        } else {
            format!("{hours}h")
        }
    } else if secs > 0 {
        format!("{minutes}m {secs}s")
    } else {
        format!("{minutes}m")
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_ticks_are_round() {
        let s = Scale::covering([61.3, 88.9], ValueUnit::Percent, false).unwrap();
        assert_eq!(s.ticks, vec![60.0, 70.0, 80.0, 90.0]);
        assert_eq!(format_value(65.0, ValueUnit::Percent, Some(10.0)), "65%");
    }

    #[test]
    fn duration_ticks_step_on_readable_units() {
        let s = Scale::covering([3000.0, 15000.0], ValueUnit::Seconds, false).unwrap();
        assert_eq!(s.ticks.windows(2).map(|w| w[1] - w[0]).next(), Some(3600.0));
        assert_eq!(format_duration(15120.0), "4h 12m");
        assert_eq!(format_duration(42.0), "42s");
        assert_eq!(format_duration(90000.0), "1d 1h");
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert_eq!(Scale::covering([], ValueUnit::Number, false), None);
        assert_eq!(
            Scale::covering([f64::NAN, f64::INFINITY], ValueUnit::Number, false),
            None
        );
        let flat = Scale::covering([4.2], ValueUnit::Number, false).unwrap();
        assert!(flat.min < 4.2 && flat.max > 4.2);
        let zero = Scale::covering([0.0, 0.0], ValueUnit::Percent, true).unwrap();
        assert!(zero.min < zero.max);
        let huge = Scale::covering([-1e308, 1e308], ValueUnit::Number, false);
        if let Some(h) = huge {
            assert!(h.fraction(0.0).is_finite());
        }
        let tiny = Scale::covering([1e-300, 2e-300], ValueUnit::Number, false).unwrap();
        assert!(tiny.fraction(1.5e-300).is_finite());
        assert_eq!(format_value(-0.0001, ValueUnit::Number, Some(1.0)), "0");
        assert_eq!(format_value(f64::NAN, ValueUnit::Seconds, None), "—");
        assert_eq!(format_value(489.0, ValueUnit::Seconds, None), "8m 09s");
        assert_eq!(format_value(480.0, ValueUnit::Seconds, Some(60.0)), "8m");
    }
}
