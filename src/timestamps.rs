//! Timestamps: the accepted forms (RFC 3339 with offset, naive read in `--tz`, dates as midnight),
//! parsed as polars expressions for data columns and with chrono for option values.
//!
//! Inside the pipeline every timestamp is an `Int64` of microseconds since the Unix epoch (UTC).

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, Offset as _, SecondsFormat, TimeZone as _, Utc,
};
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
    /// The instant, a local value read in `zone` with the DST rule of SPEC §2 (see
    /// [`local_instant`]).
    pub(crate) fn resolve(self, zone: Tz) -> Result<DateTime<Utc>, String> {
        match self {
            When::Instant(instant) => Ok(instant),
            When::Local(naive) => {
                DateTime::<Utc>::from_timestamp_micros(local_instant(zone, naive))
                    .ok_or_else(|| format!("\"{naive}\" is out of range"))
            }
        }
    }
}

/// Parses an option value and reads it in `zone` (see [`parse_when`], [`When::resolve`]).
#[cfg(test)]
pub(crate) fn parse_instant(text: &str, zone: Tz) -> Result<DateTime<Utc>, String> {
    parse_when(text)?.resolve(zone)
}

const MICROS_PER_SECOND: i64 = 1_000_000;

/// Half of the window searched for a DST transition around a nonexistent local time. It
/// must exceed the largest UTC offset in the tz database (about ±16 h for old LMT offsets).
const GAP_SEARCH_HALF_WIDTH_SECONDS: i64 = 30 * 3600;

/// The instant of a naive local time in `tz` (SPEC §2): a time that occurs twice (fall-back)
/// is the earlier instant; a time that does not exist (spring-forward gap) is read with the
/// offset in force just before the gap, i.e. it moves forward by the gap's length. Total over
/// every `NaiveDateTime`.
pub(crate) fn local_instant(tz: Tz, local: NaiveDateTime) -> i64 {
    // The wall-clock reading as if it were UTC; every NaiveDateTime fits in i64 microseconds.
    let wall_micros = local.and_utc().timestamp_micros();
    let minus_offset =
        |offset_seconds: i64| wall_micros.saturating_sub(offset_seconds * MICROS_PER_SECOND);
    match tz.offset_from_local_datetime(&local) {
        LocalResult::Single(offset) => minus_offset(offset_seconds(offset)),
        LocalResult::Ambiguous(first, second) => {
            minus_offset(offset_seconds(first)).min(minus_offset(offset_seconds(second)))
        }
        LocalResult::None => {
            let wall_seconds = wall_micros.div_euclid(MICROS_PER_SECOND);
            minus_offset(offset_seconds_before_gap(tz, wall_seconds))
        }
    }
}

pub(crate) fn offset_seconds(offset: <Tz as chrono::TimeZone>::Offset) -> i64 {
    i64::from(offset.fix().local_minus_utc())
}

fn offset_seconds_at(tz: Tz, utc_seconds: i64) -> i64 {
    DateTime::from_timestamp(utc_seconds, 0).map_or(0, |utc| {
        offset_seconds(tz.offset_from_utc_datetime(&utc.naive_utc()))
    })
}

/// The UTC offset in force just before the DST gap that swallows the wall-clock second
/// `wall_seconds`. With the gap's transition at instant T, `c + offset(c)` is below the wall
/// time for every instant c just before T and above it from T on, so a bisection over a window
/// wider than any offset finds T − 1 s, whose offset is the one before the gap. (tz data
/// transitions fall on whole seconds, so flooring the wall time to seconds loses nothing.)
fn offset_seconds_before_gap(tz: Tz, wall_seconds: i64) -> i64 {
    let wall_clock_at = |utc_seconds: i64| utc_seconds + offset_seconds_at(tz, utc_seconds);
    let mut below = wall_seconds.saturating_sub(GAP_SEARCH_HALF_WIDTH_SECONDS);
    let mut at_or_above = wall_seconds.saturating_add(GAP_SEARCH_HALF_WIDTH_SECONDS);
    while at_or_above - below > 1 {
        let middle = below + (at_or_above - below) / 2;
        if wall_clock_at(middle) < wall_seconds {
            below = middle;
        } else {
            at_or_above = middle;
        }
    }
    offset_seconds_at(tz, below)
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
    let mut stages = Stages {
        columns,
        made: Vec::new(),
    };
    let frame = common_shapes(&mut stages, frame, zone);
    if shapes == Shapes::Common {
        return stages.finish(frame, |i| vec![temp(i, "utc"), temp(i, "naive")]);
    }
    let frame = other_shapes(&mut stages, frame, zone);
    read_other_shapes(stages, frame, zone)
}

/// The anchored pattern of a timestamp's remainder after its first 19 bytes.
const REMAINDER: &str = r"^(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)?$";

/// The parsing stages over `columns` (text column, parsed column), keeping the name of every
/// intermediate column they make so that [`Stages::finish`] drops them all.
struct Stages<'a> {
    columns: &'a [(String, String)],
    made: Vec<String>,
}

impl Stages<'_> {
    /// The name of intermediate column `name` of timestamp column `i`, kept to drop.
    fn out(&mut self, i: usize, name: &str) -> String {
        let column = step(i, name);
        self.made.push(column.clone());
        column
    }

    /// One `with_columns` stage: `exprs` of each timestamp column's index and text.
    fn stage(
        &mut self,
        frame: LazyFrame,
        exprs: impl Fn(&mut Self, usize, Expr) -> Vec<Expr>,
    ) -> LazyFrame {
        let columns = self.columns;
        let mut all = Vec::new();
        for (i, (text, _)) in columns.iter().enumerate() {
            all.extend(exprs(self, i, col(text.as_str())));
        }
        frame.with_columns(all)
    }

    /// Each parsed column: the first of its `readings` that is not null; then the
    /// intermediate columns go.
    fn finish(self, frame: LazyFrame, readings: impl Fn(usize) -> Vec<Expr>) -> LazyFrame {
        let parsed = (self.columns.iter().enumerate())
            .map(|(i, (_, parsed))| coalesce(&readings(i)).alias(parsed.as_str()))
            .collect::<Vec<_>>();
        frame.with_columns(parsed).drop(cols(self.made))
    }
}

fn step(i: usize, name: &str) -> String {
    format!("__timestamp{i}_{name}")
}

/// Intermediate column `name` of timestamp column `i`.
fn temp(i: usize, name: &str) -> Expr {
    col(step(i, name))
}

fn null_text() -> Expr {
    lit(NULL).cast(DataType::String)
}

/// The two common shapes: `…T…Z` in UTC, and naive `YYYY-MM-DD HH:MM:SS` read in `zone`.
fn common_shapes(stages: &mut Stages, frame: LazyFrame, zone: Tz) -> LazyFrame {
    let frame = stages.stage(frame, |stages, i, text| {
        vec![text.str().len_bytes().alias(stages.out(i, "length"))]
    });
    stages.stage(frame, |stages, i, text| {
        let length = temp(i, "length");
        let utc_shape = utc_shape(length.clone(), text.clone());
        let naive = text.clone().str().replace(lit("T"), lit(" "), true);
        vec![
            strptime(
                when(utc_shape).then(text).otherwise(null_text()),
                "%Y-%m-%dT%H:%M:%SZ",
            )
            .cast(DataType::Int64)
            .alias(stages.out(i, "utc")),
            in_zone(
                strptime(
                    when(length.eq(lit(19u32)))
                        .then(naive)
                        .otherwise(null_text()),
                    "%Y-%m-%d %H:%M:%S",
                ),
                zone,
            )
            .alias(stages.out(i, "naive")),
        ]
    })
}

/// Every other accepted shape, on only the values the common shapes did not parse: the
/// date and time, its remainder (fraction, offset), or a date alone.
fn other_shapes(stages: &mut Stages, frame: LazyFrame, zone: Tz) -> LazyFrame {
    let frame = stages.stage(frame, |stages, i, text| {
        let parsed = temp(i, "utc")
            .is_not_null()
            .or(temp(i, "naive").is_not_null());
        vec![when(parsed)
            .then(null_text())
            .otherwise(text)
            .alias(stages.out(i, "other"))]
    });
    let frame = stages.stage(frame, |stages, i, _| {
        vec![temp(i, "other")
            .str()
            .len_bytes()
            .alias(stages.out(i, "other_length"))]
    });
    let frame = stages.stage(frame, |stages, i, _| {
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
                .alias(stages.out(i, "date_time")),
            when(has_time)
                .then(other.clone().str().slice(lit(19), lit(NULL)))
                .otherwise(null_text())
                .alias(stages.out(i, "remainder")),
            in_zone(
                strptime(when(is_date).then(other).otherwise(null_text()), "%Y-%m-%d"),
                zone,
            )
            .alias(stages.out(i, "date")),
        ]
    });
    let frame = stages.stage(frame, |stages, i, _| {
        let remainder = temp(i, "remainder");
        vec![
            strptime(temp(i, "date_time"), "%Y-%m-%d %H:%M:%S").alias(stages.out(i, "local")),
            // Most remainders are "Z" or nothing: those need no pattern.
            remainder
                .clone()
                .eq(lit("Z"))
                .alias(stages.out(i, "is_utc")),
            (remainder.clone().eq(lit("")))
                .or(remainder.eq(lit("Z")))
                .alias(stages.out(i, "plain")),
        ]
    });
    let frame = stages.stage(frame, |stages, i, _| {
        vec![when(temp(i, "plain"))
            .then(null_text())
            .otherwise(temp(i, "remainder"))
            .alias(stages.out(i, "pattern_remainder"))]
    });
    let frame = stages.stage(frame, |stages, i, _| {
        let remainder = temp(i, "pattern_remainder");
        vec![
            (remainder.clone().str().extract(lit(REMAINDER), 1))
                .cast(DataType::Float64)
                .fill_null(lit(0.0))
                .alias(stages.out(i, "fraction")),
            remainder
                .clone()
                .str()
                .extract(lit(REMAINDER), 2)
                .alias(stages.out(i, "offset")),
            (temp(i, "plain"))
                .or(remainder.str().contains(lit(REMAINDER), true))
                .alias(stages.out(i, "well_formed")),
        ]
    });
    stages.stage(frame, |stages, i, _| {
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
            .alias(stages.out(i, "offset_micros"))]
    })
}

/// The parsed columns when every shape is read: the common readings, else the general one.
fn read_other_shapes(stages: Stages, frame: LazyFrame, zone: Tz) -> LazyFrame {
    stages.finish(frame, |i| {
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

/// A naive datetime read in `zone`, as epoch microseconds, under the rule of
/// [`local_instant`]: an ambiguous time is the earlier instant; a time in a spring-forward gap
/// is read with the offset of the same wall time a day earlier (the offset before the gap, as
/// no zone changes its offset twice within a day), i.e. moved forward by the gap.
fn in_zone(naive: Expr, zone: Tz) -> Expr {
    if zone == chrono_tz::UTC {
        return naive.cast(DataType::Int64);
    }
    const DAY: i64 = 86_400 * MICROS_PER_SECOND;
    let read = |naive: Expr| {
        naive
            .dt()
            .replace_time_zone(
                Some(polars::prelude::TimeZone::from_chrono(&zone)),
                lit("earliest"),
                NonExistent::Null,
            )
            .cast(DataType::Int64)
    };
    let day_before = (naive.clone().cast(DataType::Int64) - lit(DAY))
        .cast(DataType::Datetime(TimeUnit::Microseconds, None));
    coalesce(&[read(naive), read(day_before) + lit(DAY)])
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
    fn naive_values_in_a_gap_move_forward_and_in_an_overlap_are_the_earlier() {
        // Paris: 2026-03-29 02:00–03:00 does not exist (read at +01:00, so 02:30 is 01:30Z,
        // shown as 03:30 +02:00); 2026-10-25 02:00–03:00 happens twice (first at +02:00).
        // Santiago's gap is at midnight: 2026-09-06 00:30 read at −04 is 04:30Z.
        let parsed = parse_column(
            &[
                Some("2026-03-29 02:30:00"),
                Some("2026-10-25T02:30:00"),
                Some("2026-03-29"),
                Some("2026-03-29 02:30:00.5"),
            ],
            "Europe/Paris",
        );
        assert_eq!(
            parsed,
            vec![
                Some(utc("2026-03-29T01:30:00Z")),
                Some(utc("2026-10-25T00:30:00Z")),
                Some(utc("2026-03-28T23:00:00Z")),
                Some(utc("2026-03-29T01:30:00.5Z")),
            ]
        );
        let santiago = parse_column(&[Some("2026-09-06 00:30:00")], "America/Santiago");
        assert_eq!(santiago, vec![Some(utc("2026-09-06T04:30:00Z"))]);
        // The option values follow the same rule.
        let paris = parse_zone("Europe/Paris").unwrap();
        assert_eq!(
            to_micros(parse_instant("2026-03-29 02:30:00", paris).unwrap()),
            utc("2026-03-29T01:30:00Z")
        );
    }

    fn naive(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn zone(name: &str) -> Tz {
        parse_zone(name).unwrap()
    }

    #[test]
    fn gap_in_the_night_moves_forward() {
        // Bucharest 2026-03-29 03:30 does not exist (03:00 +02 → 04:00 +03); read at +02 it is
        // 01:30Z, which shows as 04:30 +03.
        assert_eq!(
            local_instant(zone("Europe/Bucharest"), naive("2026-03-29 03:30:00")),
            utc("2026-03-29T01:30:00Z")
        );
        // Santiago 2026-09-06: 00:00 −04 → 01:00 −03; 00:30 read at −04 is 04:30Z.
        assert_eq!(
            local_instant(zone("America/Santiago"), naive("2026-09-06 00:30:00")),
            utc("2026-09-06T04:30:00Z")
        );
    }

    #[test]
    fn ambiguous_time_is_the_earlier_instant() {
        // Bucharest 2026-10-25 03:30 occurs at +03 (00:30Z) and at +02 (01:30Z).
        assert_eq!(
            local_instant(zone("Europe/Bucharest"), naive("2026-10-25 03:30:00")),
            utc("2026-10-25T00:30:00Z")
        );
        // Santiago falls back at 2026-04-05 00:00 −03 → 04-04 23:00 −04, so 04-04 23:30 occurs
        // at −03 (04-05 02:30Z) and at −04 (03:30Z).
        assert_eq!(
            local_instant(zone("America/Santiago"), naive("2026-04-04 23:30:00")),
            utc("2026-04-05T02:30:00Z")
        );
        // Total over NaiveDateTime, including its extremes.
        let _ = local_instant(zone("Europe/Bucharest"), NaiveDateTime::MIN);
        let _ = local_instant(zone("Europe/Bucharest"), NaiveDateTime::MAX);
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
