//! Timestamps: the accepted forms (RFC 3339 with offset, naive read in `--tz`, dates as midnight),
//! parsed as polars expressions for data columns and with chrono for option values.
//!
//! Inside the pipeline every timestamp is an `Int64` of microseconds since the Unix epoch (UTC).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone as _, Utc};
use chrono_tz::Tz;
use polars::prelude::*;

/// Microseconds in one second: the unit of every timestamp in the canonical frame.
pub const MICROS: f64 = 1_000_000.0;

const NAIVE_FORMATS: [&str; 2] = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"];

/// Parses a `--tz` value (an IANA zone name such as `Europe/Paris`, or `UTC`).
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone \"{name}\" (use an IANA name such as UTC or Europe/Paris)")
    })
}

/// Parses an option value (`--from`, `--to`, `--as-of`): a date (midnight in `zone`), a naive
/// timestamp (read in `zone`) or an RFC 3339 timestamp with offset.
pub fn parse_instant(text: &str, zone: Tz) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    let normalized = text.replacen('T', " ", 1);
    let naive = NAIVE_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&normalized, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            format!(
                "\"{text}\" is not a date or timestamp \
                 (write 2026-03-01, 2026-03-01 09:30:00 or 2026-03-01T09:30:00+02:00)"
            )
        })?;
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| format!("\"{text}\" does not exist in time zone {zone}"))
}

/// Epoch microseconds of an instant, the pipeline's timestamp representation.
pub fn to_micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

/// Formats epoch microseconds as RFC 3339 UTC, whole seconds when there is no fraction.
pub fn format_micros(micros: i64) -> String {
    match DateTime::<Utc>::from_timestamp_micros(micros) {
        Some(instant) => instant.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        None => micros.to_string(),
    }
}

/// A polars expression turning a (trimmed, non-empty) string column into epoch microseconds,
/// null where the text is not a timestamp of an accepted form.
///
/// Offsets are honoured; naive timestamps and bare dates are read in `zone`.
///
/// Every value is routed by its shape to one fixed-width format (`%Y-%m-%d %H:%M:%S` on its
/// first 19 bytes, or `%Y-%m-%d`), which polars parses without chrono; the remainder — an
/// optional fraction and an optional offset — is read by one short anchored pattern. Trying
/// several formats on every value instead sends each miss through chrono, several times slower.
pub fn parse_expr(text: Expr, zone: Tz) -> Expr {
    const REMAINDER: &str = r"^(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)?$";
    let null_text = || lit(NULL).cast(DataType::String);
    let length = text.clone().str().len_bytes();
    let has_time = length.clone().gt_eq(lit(19u32));
    let date_time = when(has_time.clone())
        .then(
            text.clone()
                .str()
                .head(lit(19))
                .str()
                .replace(lit("T"), lit(" "), true),
        )
        .otherwise(null_text());
    let remainder = when(has_time.clone())
        .then(text.clone().str().slice(lit(19), lit(NULL)))
        .otherwise(null_text());
    // Most remainders are "Z" or nothing: those need no pattern.
    let is_plain = |r: Expr| r.clone().eq(lit("")).or(r.eq(lit("Z")));
    let is_utc = remainder.clone().eq(lit("Z"));
    let plain = is_plain(remainder.clone());
    let remainder = when(plain.clone()).then(null_text()).otherwise(remainder);
    let fraction_micros = (remainder.clone().str().extract(lit(REMAINDER), 1))
        .cast(DataType::Float64)
        .fill_null(lit(0.0))
        * lit(MICROS);
    let offset = remainder.clone().str().extract(lit(REMAINDER), 2);
    let offset_micros = when(
        is_utc
            .clone()
            .or(offset.clone().str().to_uppercase().eq(lit("Z"))),
    )
    .then(lit(0i64))
    .otherwise({
        let part =
            |start: i64| (offset.clone().str().slice(lit(start), lit(2u64))).cast(DataType::Int64);
        let magnitude = (part(1) * lit(3600i64) + part(4) * lit(60i64)) * lit(1_000_000i64);
        when(offset.clone().str().starts_with(lit("-")))
            .then(magnitude.clone() * lit(-1i64))
            .otherwise(magnitude)
    });
    let local = strptime(date_time, "%Y-%m-%d %H:%M:%S");
    let date = strptime(
        when(length.eq(lit(10u32)))
            .then(text)
            .otherwise(null_text()),
        "%Y-%m-%d",
    );
    let in_zone = |naive: Expr| -> Expr {
        if zone == chrono_tz::UTC {
            naive.cast(DataType::Int64)
        } else {
            naive
                .dt()
                .replace_time_zone(
                    Some(polars::prelude::TimeZone::from_chrono(&zone)),
                    lit("earliest"),
                    NonExistent::Null,
                )
                .cast(DataType::Int64)
        }
    };
    let with_time = when(offset.is_not_null().or(is_utc))
        .then(local.clone().cast(DataType::Int64) - offset_micros)
        .otherwise(in_zone(local))
        + fraction_micros.cast(DataType::Int64);
    let well_formed = plain.or(remainder.str().contains(lit(REMAINDER), true));
    when(has_time.and(well_formed))
        .then(with_time)
        .otherwise(in_zone(date))
}

/// Parses text in strftime `format` (non-strictly: null where it does not match) to a
/// microsecond datetime.
pub fn strptime(text: Expr, format: &str) -> Expr {
    text.str().to_datetime(
        Some(TimeUnit::Microseconds),
        None,
        StrptimeOptions {
            format: Some(format.into()),
            strict: false,
            exact: true,
            cache: false,
        },
        lit("raise"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        to_micros(
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc),
        )
    }

    fn parse_column(values: &[Option<&str>], zone: &str) -> Vec<Option<i64>> {
        let frame = df!("raw" => values).unwrap();
        let out = frame
            .lazy()
            .select([parse_expr(col("raw"), parse_zone(zone).unwrap()).alias("t")])
            .collect()
            .unwrap();
        out.column("t").unwrap().i64().unwrap().iter().collect()
    }

    #[test]
    fn expression_reads_every_accepted_form() {
        let parsed = parse_column(
            &[
                Some("2026-03-01T09:15:00Z"),
                Some("2026-03-01T09:15:00+02:00"),
                Some("2026-03-01T09:15:00.250Z"),
                Some("2026-03-01 09:15:00"),
                Some("2026-03-01T09:15:00"),
                Some("2026-03-01 09:15:00.5"),
                Some("2026-03-01"),
                Some("01/03/2026"),
                Some("2026-02-30T00:00:00Z"),
                None,
            ],
            "UTC",
        );
        assert_eq!(
            parsed,
            vec![
                Some(utc("2026-03-01T09:15:00Z")),
                Some(utc("2026-03-01T07:15:00Z")),
                Some(utc("2026-03-01T09:15:00.25Z")),
                Some(utc("2026-03-01T09:15:00Z")),
                Some(utc("2026-03-01T09:15:00Z")),
                Some(utc("2026-03-01T09:15:00.5Z")),
                Some(utc("2026-03-01T00:00:00Z")),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn naive_values_are_read_in_the_zone_and_offsets_are_kept() {
        let parsed = parse_column(
            &[Some("2026-07-01 12:00:00"), Some("2026-07-01T12:00:00Z")],
            "Europe/Paris",
        );
        assert_eq!(
            parsed,
            vec![
                Some(utc("2026-07-01T10:00:00Z")),
                Some(utc("2026-07-01T12:00:00Z"))
            ]
        );
    }

    #[test]
    fn option_values_accept_dates_naive_and_offsets() {
        let paris = parse_zone("Europe/Paris").unwrap();
        let utc_zone = parse_zone("UTC").unwrap();
        assert_eq!(
            to_micros(parse_instant("2026-02-01", utc_zone).unwrap()),
            utc("2026-02-01T00:00:00Z")
        );
        assert_eq!(
            to_micros(parse_instant("2026-02-01", paris).unwrap()),
            utc("2026-01-31T23:00:00Z")
        );
        assert_eq!(
            to_micros(parse_instant("2026-02-01T10:00:00+02:00", paris).unwrap()),
            utc("2026-02-01T08:00:00Z")
        );
        assert_eq!(
            to_micros(parse_instant("2026-02-01 10:00:00", utc_zone).unwrap()),
            utc("2026-02-01T10:00:00Z")
        );
        assert!(parse_instant("last tuesday", utc_zone).is_err());
        assert!(parse_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn formats_whole_and_fractional_seconds() {
        assert_eq!(
            format_micros(utc("2026-02-01T00:00:00Z")),
            "2026-02-01T00:00:00Z"
        );
        assert_eq!(
            format_micros(utc("2026-02-01T00:00:00.5Z")),
            "2026-02-01T00:00:00.500Z"
        );
    }
}
