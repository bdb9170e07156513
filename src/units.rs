//! Durations as people write them (`90s`, `30m`, `4h`, `2d`, plain seconds) and as tables show them (`4h 12m`).

/// Parses `90s`, `30m`, `4h`, `2d`, `1.5h` or a plain number of seconds into seconds.
pub(crate) fn parse_duration(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, unit_seconds) = match text.char_indices().last() {
        Some((i, 's')) => (&text[..i], 1.0),
        Some((i, 'm')) => (&text[..i], 60.0),
        Some((i, 'h')) => (&text[..i], 3600.0),
        Some((i, 'd')) => (&text[..i], 86400.0),
        Some(_) => (text, 1.0),
        None => return Err("an empty duration".to_string()),
    };
    match number.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value * unit_seconds),
        _ => Err(format!(
            "\"{text}\" is not a duration (write e.g. 90s, 30m, 4h, 2d or a number of seconds)"
        )),
    }
}

/// Formats seconds for people: `42s`, `3m 05s`, `4h 12m`, `2d 3h`.
pub(crate) fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return seconds.to_string();
    }
    let sign = if seconds < 0.0 { "-" } else { "" };
    let total = seconds.abs().round() as u64;
    let (days, hours, minutes, secs) = (
        total / 86400,
        total % 86400 / 3600,
        total % 3600 / 60,
        total % 60,
    );
    let body = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m {secs:02}s")
    } else {
        format!("{secs}s")
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_duration("90s"), Ok(90.0));
        assert_eq!(parse_duration("30m"), Ok(1800.0));
        assert_eq!(parse_duration("4h"), Ok(14400.0));
        assert_eq!(parse_duration("2d"), Ok(172800.0));
        assert_eq!(parse_duration("72h"), Ok(259200.0));
        assert_eq!(parse_duration("1.5h"), Ok(5400.0));
        assert_eq!(parse_duration("600"), Ok(600.0));
        assert_eq!(parse_duration(" 7d "), Ok(604800.0));
    }

    #[test]
    fn rejects_garbage_and_negatives() {
        for bad in ["", "h", "4x", "-5m", "four hours", "NaNs", "infh"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn formats_at_each_scale() {
        assert_eq!(format_duration(0.4), "0s");
        assert_eq!(format_duration(42.0), "42s");
        assert_eq!(format_duration(185.0), "3m 05s");
        assert_eq!(format_duration(4.0 * 3600.0 + 12.0 * 60.0 + 29.0), "4h 12m");
        assert_eq!(
            format_duration(2.0 * 86400.0 + 3.0 * 3600.0 + 59.0),
            "2d 3h"
        );
        assert_eq!(format_duration(-90.0), "-1m 30s");
    }
}
