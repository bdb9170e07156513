//! Timestamps: the accepted forms (RFC 3339 with offset, naive read in `--tz`, dates as midnight),
//! parsed as polars expressions for data columns and with chrono for option values.
//!
//! Inside the pipeline every timestamp is an `Int64` of microseconds since the Unix epoch (UTC).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone as _, Utc};
use chrono_tz::Tz;
use polars::prelude::*;

/// Microseconds in one second: the unit of every timestamp in the canonical frame.
pub(crate) const MICROS: f64 = 1_000_000.0;

const NAIVE_FORMATS: [&str; 2] = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"];

/// Parses a `--tz` value (an IANA zone name such as `Europe/Paris`, or `UTC`).
pub(crate) fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone \"{name}\" (use an IANA name such as UTC or Europe/Paris)")
    })
}

/// An option value (`--from`, `--to`, `--as-of`) as written: an instant with its offset, or a
/// local date and time that `--tz` places (a date means midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    Instant(DateTime<Utc>),
    Local(NaiveDateTime),
}

/// Parses an option value: an RFC 3339 timestamp with offset, a naive timestamp, or a date.
pub(crate) fn parse_when(text: &str) -> Result<When, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(When::Instant(instant.with_timezone(&Utc)));
    }
    let normalized = text.replacen('T', " ", 1);
    NAIVE_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&normalized, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
        .map(When::Local)
        .ok_or_else(|| {
            format!(
                "\"{text}\" is not a date or timestamp \
                 (write 2026-03-01, 2026-03-01 09:30:00 or 2026-03-01T09:30:00+02:00)"
            )
        })
}

impl When {
    /// The instant, a local value read in `zone`.
    pub(crate) fn resolve(self, zone: Tz) -> Result<DateTime<Utc>, String> {
        match self {
            When::Instant(instant) => Ok(instant),
            When::Local(naive) => zone
                .from_local_datetime(&naive)
                .earliest()
                .map(|local| local.with_timezone(&Utc))
                .ok_or_else(|| format!("\"{naive}\" does not exist in time zone {zone}")),
        }
    }
}

/// Parses an option value and reads it in `zone` (see [`parse_when`], [`When::resolve`]).
#[cfg(test)]
pub(crate) fn parse_instant(text: &str, zone: Tz) -> Result<DateTime<Utc>, String> {
    parse_when(text)?.resolve(zone)
}

/// Epoch microseconds of an instant, the pipeline's timestamp representation.
pub(crate) fn to_micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

/// Formats epoch microseconds as RFC 3339 UTC, whole seconds when there is no fraction.
pub(crate) fn format_micros(micros: i64) -> String {
    match DateTime::<Utc>::from_timestamp_micros(micros) {
        Some(instant) => instant.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        None => micros.to_string(),
    }
}

/// Adds, for each `(text, parsed)` pair, column `parsed`: the (trimmed, non-empty) string
/// column `text` as epoch microseconds, null where the text is not a timestamp of an accepted
/// form. Offsets are honoured; naive timestamps and bare dates are read in `zone`.
///
/// The two commonest shapes, `2026-03-01T09:15:00Z` and `2026-03-01 09:15:00` (or with a
/// `T`), are parsed by one fixed-width format each, which polars reads without chrono. Every
/// other value is routed by its shape to one fixed-width format (`%Y-%m-%d %H:%M:%S` on its
/// first 19 bytes, or `%Y-%m-%d`), its remainder — an optional fraction and an optional
/// offset — read by one short anchored pattern. Trying several formats on every value instead
/// sends each miss through chrono, several times slower.
///
/// The steps are separate `with_columns` stages over named intermediate columns, so that each
/// is computed once: as one nested expression, polars' common-subexpression elimination
/// missed most of the repeats (the plan held 140 string slices for four columns) and parsing
/// took about 1.8 s of a 4.7 s report on 1M records.
///
/// With [`Shapes::Common`] only the two commonest shapes are read (every other value is null):
/// the stages for the other shapes cost about a fifth of reading and checking a log whose
/// values never need them.
pub(crate) fn with_parsed(
    frame: LazyFrame,
    columns: &[(String, String)],
    zone: Tz,
    shapes: Shapes,
) -> LazyFrame {
    const REMAINDER: &str = r"^(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)?$";
    let null_text = || lit(NULL).cast(DataType::String);
    let step = |i: usize, name: &str| format!("__timestamp{i}_{name}");
    let temp = |i: usize, name: &str| col(step(i, name));
    // Every intermediate column is named through `made`, which keeps the names to drop.
    let made = std::cell::RefCell::new(Vec::new());
    let out = |i: usize, name: &str| {
        let column = step(i, name);
        made.borrow_mut().push(column.clone());
        column
    };
    let stage = |frame: LazyFrame, exprs: &dyn Fn(usize, Expr) -> Vec<Expr>| {
        let all: Vec<Expr> = (columns.iter().enumerate())
            .flat_map(|(i, (text, _))| exprs(i, col(text.as_str())))
            .collect();
        frame.with_columns(all)
    };

    // The common shapes.
    let frame = stage(frame, &|i, text| {
        vec![text.str().len_bytes().alias(out(i, "length"))]
    });
    let frame = stage(frame, &|i, text| {
        let length = temp(i, "length");
        let utc_shape = utc_shape(length.clone(), text.clone());
        let naive = text.clone().str().replace(lit("T"), lit(" "), true);
        vec![
            strptime(
                when(utc_shape).then(text).otherwise(null_text()),
                "%Y-%m-%dT%H:%M:%SZ",
            )
            .cast(DataType::Int64)
            .alias(out(i, "utc")),
            in_zone(
                strptime(
                    when(length.eq(lit(19u32)))
                        .then(naive)
                        .otherwise(null_text()),
                    "%Y-%m-%d %H:%M:%S",
                ),
                zone,
            )
            .alias(out(i, "naive")),
        ]
    });
    // Each parsed column: the first of its readings that is not null.
    let finish = |frame: LazyFrame, readings: &dyn Fn(usize) -> Vec<Expr>| {
        let parsed = (columns.iter().enumerate())
            .map(|(i, (_, parsed))| coalesce(&readings(i)).alias(parsed.as_str()))
            .collect::<Vec<_>>();
        frame.with_columns(parsed).drop(cols(made.borrow().clone()))
    };
    if shapes == Shapes::Common {
        return finish(frame, &|i| vec![temp(i, "utc"), temp(i, "naive")]);
    }
    // The rest: only the values the common shapes did not parse.
    let frame = stage(frame, &|i, text| {
        let parsed = temp(i, "utc")
            .is_not_null()
            .or(temp(i, "naive").is_not_null());
        vec![when(parsed)
            .then(null_text())
            .otherwise(text)
            .alias(out(i, "other"))]
    });
    let frame = stage(frame, &|i, _| {
        vec![temp(i, "other")
            .str()
            .len_bytes()
            .alias(out(i, "other_length"))]
    });
    let frame = stage(frame, &|i, _| {
        let other = temp(i, "other");
        let has_time = temp(i, "other_length").gt_eq(lit(19u32));
        let is_date = temp(i, "other_length").eq(lit(10u32));
        vec![
            when(has_time.clone())
                .then(
                    other
                        .clone()
                        .str()
                        .head(lit(19))
                        .str()
                        .replace(lit("T"), lit(" "), true),
                )
                .otherwise(null_text())
                .alias(out(i, "date_time")),
            when(has_time)
                .then(other.clone().str().slice(lit(19), lit(NULL)))
                .otherwise(null_text())
                .alias(out(i, "remainder")),
            in_zone(
                strptime(when(is_date).then(other).otherwise(null_text()), "%Y-%m-%d"),
                zone,
            )
            .alias(out(i, "date")),
        ]
    });
    let frame = stage(frame, &|i, _| {
        let remainder = temp(i, "remainder");
        vec![
            strptime(temp(i, "date_time"), "%Y-%m-%d %H:%M:%S").alias(out(i, "local")),
            // Most remainders are "Z" or nothing: those need no pattern.
            remainder.clone().eq(lit("Z")).alias(out(i, "is_utc")),
            (remainder.clone().eq(lit("")))
                .or(remainder.eq(lit("Z")))
                .alias(out(i, "plain")),
        ]
    });
    let frame = stage(frame, &|i, _| {
        vec![when(temp(i, "plain"))
            .then(null_text())
            .otherwise(temp(i, "remainder"))
            .alias(out(i, "pattern_remainder"))]
    });
    let frame = stage(frame, &|i, _| {
        let remainder = temp(i, "pattern_remainder");
        vec![
            (remainder.clone().str().extract(lit(REMAINDER), 1))
                .cast(DataType::Float64)
                .fill_null(lit(0.0))
                .alias(out(i, "fraction")),
            remainder
                .clone()
                .str()
                .extract(lit(REMAINDER), 2)
                .alias(out(i, "offset")),
            (temp(i, "plain"))
                .or(remainder.str().contains(lit(REMAINDER), true))
                .alias(out(i, "well_formed")),
        ]
    });
    let frame = stage(frame, &|i, _| {
        let offset = temp(i, "offset");
        let part =
            |start: i64| (offset.clone().str().slice(lit(start), lit(2u64))).cast(DataType::Int64);
        let magnitude = (part(1) * lit(3600i64) + part(4) * lit(60i64)) * lit(1_000_000i64);
        let zulu = temp(i, "is_utc").or(offset.clone().str().to_uppercase().eq(lit("Z")));
        vec![when(zulu)
            .then(lit(0i64))
            .otherwise(
                when(offset.str().starts_with(lit("-")))
                    .then(magnitude.clone() * lit(-1i64))
                    .otherwise(magnitude),
            )
            .alias(out(i, "offset_micros"))]
    });
    finish(frame, &|i| {
        let local = temp(i, "local");
        let with_time = when(temp(i, "offset").is_not_null().or(temp(i, "is_utc")))
            .then(local.clone().cast(DataType::Int64) - temp(i, "offset_micros"))
            .otherwise(in_zone(local, zone))
            + (temp(i, "fraction") * lit(MICROS)).cast(DataType::Int64);
        let general = when((temp(i, "other_length").gt_eq(lit(19u32))).and(temp(i, "well_formed")))
            .then(with_time)
            .otherwise(temp(i, "date"));
        vec![temp(i, "utc"), temp(i, "naive"), general]
    })
}

/// Which shapes of timestamp [`with_parsed`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shapes {
    /// `2026-03-01T09:15:00Z` and `2026-03-01 09:15:00` (or with a `T`) only.
    Common,
    /// Every accepted form.
    All,
}

/// Whether `text` (trimmed) has one of the [`Shapes::Common`] shapes: null stays null.
pub(crate) fn common_shape(text: Expr) -> Expr {
    let length = text.clone().str().len_bytes();
    utc_shape(length.clone(), text).or(length.eq(lit(19u32)))
}

fn utc_shape(length: Expr, text: Expr) -> Expr {
    (length.eq(lit(20u32))).and(text.str().ends_with(lit("Z")))
}

/// A naive datetime read in `zone`, as epoch microseconds.
fn in_zone(naive: Expr, zone: Tz) -> Expr {
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
}

/// Parses text in strftime `format` (non-strictly: null where it does not match) to a
/// microsecond datetime.
pub(crate) fn strptime(text: Expr, format: &str) -> Expr {
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
        parse_shapes(values, zone, Shapes::All)
    }

    fn parse_shapes(values: &[Option<&str>], zone: &str, shapes: Shapes) -> Vec<Option<i64>> {
        let frame = df!("raw" => values).unwrap();
        let columns = [("raw".to_string(), "t".to_string())];
        let out = with_parsed(frame.lazy(), &columns, parse_zone(zone).unwrap(), shapes)
            .collect()
            .unwrap();
        out.column("t").unwrap().i64().unwrap().iter().collect()
    }

    #[test]
    fn common_shapes_are_read_alike_and_only_they() {
        let values = [
            Some("2026-03-01T09:15:00Z"),
            Some("2026-03-01 09:15:00"),
            Some("2026-03-01T09:15:00"),
            Some("2026-03-01T09:15:00+02:00"),
            Some("2026-03-01T09:15:00.5Z"),
            Some("2026-03-01"),
            None,
        ];
        // In Paris (UTC+1 in March) the naive ones are 08:15 UTC.
        let common = parse_shapes(&values, "Europe/Paris", Shapes::Common);
        let all = parse_shapes(&values, "Europe/Paris", Shapes::All);
        let at = |text: &str| Some(utc(text));
        assert_eq!(
            common,
            [
                at("2026-03-01T09:15:00Z"),
                at("2026-03-01T08:15:00Z"),
                at("2026-03-01T08:15:00Z"),
                None,
                None,
                None,
                None
            ]
        );
        assert_eq!(all[..3], common[..3]);
        assert_eq!(
            all[3..],
            [
                at("2026-03-01T07:15:00Z"),
                at("2026-03-01T09:15:00.5Z"),
                at("2026-02-28T23:00:00Z"),
                None
            ]
        );
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
    fn values_near_the_common_shapes_take_the_general_path() {
        // 20 bytes ending in Z, or 19 bytes, but not what the fixed-width formats read.
        let parsed = parse_column(
            &[
                Some("2026-03-01 09:15:00Z"),
                Some("2026-03-01T09:15:00z"),
                Some("2026-03-01T09:15:00+00:00"),
                Some("2026-03-01T09:15:00-05:30"),
                Some("2026-03-01T09:15:00.000001Z"),
                Some("2026-13-01T09:15:00Z"),
                Some("2026-03-01T25:15:00"),
                Some("2026-03-01X09:15:00"),
            ],
            "UTC",
        );
        assert_eq!(
            parsed,
            vec![
                Some(utc("2026-03-01T09:15:00Z")),
                Some(utc("2026-03-01T09:15:00Z")),
                Some(utc("2026-03-01T09:15:00Z")),
                Some(utc("2026-03-01T14:45:00Z")),
                Some(utc("2026-03-01T09:15:00Z") + 1),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn naive_values_in_a_gap_are_missing_and_in_an_overlap_the_earlier() {
        // Paris: 2026-03-29 02:00–03:00 does not exist; 2026-10-25 02:00–03:00 happens twice
        // (first at +02:00, then at +01:00).
        let parsed = parse_column(
            &[Some("2026-03-29 02:30:00"), Some("2026-10-25T02:30:00")],
            "Europe/Paris",
        );
        assert_eq!(parsed, vec![None, Some(utc("2026-10-25T00:30:00Z"))]);
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
