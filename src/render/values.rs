//! Values in the units people read them in, decided by the catalogue's [`Unit`]: `78.8%`,
//! `+14.3`, `4.84`, `4h 12m`, counts as they are; changes with their sign; exact numbers for
//! machines.

use serde_json::json;

use super::NO_DATA;
use crate::metrics::catalogue::Interval;
use crate::metrics::{Cell, Column, Confidence, Unit};
use crate::units::format_duration;

/// A value of `column` for people.
pub(crate) fn readable_value(column: &Column, value: f64) -> String {
    match column.unit {
        Unit::Percent => format!("{value:.1}%"),
        Unit::Points => format!("{value:+.1}"),
        Unit::Score => format!("{value:.2}"),
        Unit::Seconds => format_duration(value),
        Unit::Count => format!("{value}"),
    }
}

/// A cell of `column` for people; `—` for no data.
pub(crate) fn readable(column: &Column, cell: Cell) -> String {
    match cell {
        Cell::Value(Some(value)) => readable_value(column, value),
        Cell::Value(None) => NO_DATA.to_string(),
        Cell::Count(n) => n.to_string(),
    }
}

/// An interval of `column` for people, to follow its value (SPEC §9): `±4.2` (the half-width,
/// in the value's unit), or `[1h 05m, 5h 40m]` for percentiles.
pub(crate) fn readable_interval(column: &Column, (lo, hi): (f64, f64)) -> String {
    let half_width = (hi - lo) / 2.0;
    match (column.interval, column.unit) {
        (Some(Interval::Quantile(_)), _) => format!(
            "[{}, {}]",
            readable_value(column, lo),
            readable_value(column, hi)
        ),
        (_, Unit::Percent | Unit::Points) => format!("±{half_width:.1}"),
        (_, Unit::Score) => format!("±{half_width:.2}"),
        (_, Unit::Seconds) => format!("±{}", format_duration(half_width)),
        (_, Unit::Count) => format!("±{half_width}"),
    }
}

/// A confidence level as people say it: `95%`, `99.9%`.
pub(crate) fn readable_level(confidence: &Confidence) -> String {
    let percent = (confidence.level() * 100.0 * 1e9).round() / 1e9;
    format!("{percent}%")
}

/// A change of `column` with its sign, in its unit: `+1.2` points, `-3m 05s`, `+0.05`.
pub(crate) fn readable_change(column: &Column, change: f64) -> String {
    let sign = if change < 0.0 { "-" } else { "+" };
    match column.unit {
        Unit::Percent | Unit::Points => format!("{change:+.1}"),
        Unit::Score => format!("{change:+.2}"),
        Unit::Seconds => format!("{sign}{}", format_duration(change.abs())),
        Unit::Count => format!("{sign}{}", change.abs()),
    }
}

/// The shortest text that reads back as exactly `value` (`25.0`, `14.285714285714286`).
pub(crate) fn exact_number(value: f64) -> String {
    serde_json::to_string(&value).unwrap_or_else(|_| value.to_string())
}

/// A value of `column` as JSON: counts as integers (`40`, not `40.0`), the rest exact.
pub(crate) fn number_json(column: &Column, value: Option<f64>) -> serde_json::Value {
    match value {
        Some(v) if !column.is_value() && v.fract() == 0.0 => json!(v as i64),
        Some(v) => json!(v),
        None => serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::column;

    fn of(name: &str) -> &'static Column {
        column(name).unwrap()
    }

    // Expected texts by hand: one decimal for shares and points, two for scores, durations
    // rounded to whole seconds and shown in their two largest units.
    #[test]
    fn values_read_in_their_units() {
        assert_eq!(readable(of("csat"), Cell::Value(Some(78.77697))), "78.8%");
        assert_eq!(readable(of("nps"), Cell::Value(Some(14.2857))), "+14.3");
        assert_eq!(readable(of("nps"), Cell::Value(Some(-40.0))), "-40.0");
        assert_eq!(readable(of("ces"), Cell::Value(Some(4.841))), "4.84");
        assert_eq!(
            readable(of("frt_p90_s"), Cell::Value(Some(15120.0))),
            "4h 12m"
        );
        assert_eq!(readable(of("aht_s"), Cell::Value(None)), "—");
        assert_eq!(readable(of("csat_n"), Cell::Count(12)), "12");
        assert_eq!(readable_value(of("interactions"), 30.0), "30");
    }

    // By hand: the half-width (hi − lo) / 2 in the value's unit and precision; percentiles
    // as their two ends.
    #[test]
    fn intervals_read_in_their_units() {
        assert_eq!(readable_interval(of("csat"), (71.4, 79.8)), "±4.2");
        assert_eq!(readable_interval(of("nps"), (-20.0, 30.0)), "±25.0");
        assert_eq!(readable_interval(of("ces"), (4.5, 5.12)), "±0.31");
        assert_eq!(readable_interval(of("aht_s"), (300.0, 670.0)), "±3m 05s");
        assert_eq!(
            readable_interval(of("frt_p90_s"), (3900.0, 20400.0)),
            "[1h 05m, 5h 40m]"
        );
        let level = |l| readable_level(&Confidence::new(l).unwrap());
        assert_eq!(level(0.95), "95%");
        assert_eq!(level(0.9), "90%");
        assert_eq!(level(0.999), "99.9%");
    }

    #[test]
    fn changes_carry_sign_and_unit() {
        assert_eq!(readable_change(of("csat"), 1.25), "+1.2");
        assert_eq!(readable_change(of("nps"), -4.0), "-4.0");
        assert_eq!(readable_change(of("frt_p90_s"), -185.0), "-3m 05s");
        assert_eq!(readable_change(of("aht_s"), 0.0), "+0s");
        assert_eq!(readable_change(of("interactions"), -12.0), "-12");
    }

    #[test]
    fn counts_are_json_integers_and_values_exact() {
        assert_eq!(number_json(of("interactions"), Some(40.0)), json!(40));
        assert_eq!(number_json(of("csat"), Some(40.0)), json!(40.0));
        assert_eq!(number_json(of("csat"), None), serde_json::Value::Null);
    }
}
