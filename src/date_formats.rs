//! Timestamp formats: sniffing a column's format from its values, and parsing a value with a
//! strftime pattern.
//!
//! The sniffer never guesses. A pattern is chosen only when it parses every non-empty value,
//! and day-first against month-first is decided by the values alone: a first field above 12
//! can only be a day, a second field above 12 can only be a day too (so the first is the
//! month). When every value reads both ways the answer is [`Sniffed::Ambiguous`].

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// What [`sniff`] concluded about a timestamp column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// Every non-empty value is already in one of the canonical shapes of SPEC §2 (RFC 3339
    /// with `Z` or `±HH:MM`, naive `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`, each with
    /// an optional fraction, or a bare `YYYY-MM-DD`): no config is needed.
    Canonical,
    /// One pattern parses every non-empty value.
    Format {
        /// A chrono strftime pattern, ready for `format = "…"` in the config.
        pattern: String,
        /// For people, e.g. `day first, DD-MM-YYYY HH:MM`.
        description: String,
        /// Why day first or month first, e.g. `13-04-2023 20:52 has a first field above 12`;
        /// `None` for year-first shapes, where there is nothing to decide.
        evidence: Option<String>,
    },
    /// Every non-empty value reads both day first and month first.
    Ambiguous {
        /// The day-first pattern, e.g. `%d-%m-%Y %H:%M`.
        day_first: String,
        /// The month-first pattern, e.g. `%m-%d-%Y %H:%M`.
        month_first: String,
        /// The first non-empty value, to show both readings of.
        example: String,
    },
    /// No candidate parses every non-empty value.
    Unknown {
        /// The first value at which the last remaining candidate failed.
        example: String,
    },
    /// No non-empty values.
    Empty,
}

/// Which field of a date comes first, as the description says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstField {
    Year,
    Day,
    Month,
}

impl FirstField {
    fn describe(self) -> &'static str {
        match self {
            FirstField::Year => "year first",
            FirstField::Day => "day first",
            FirstField::Month => "month first",
        }
    }
}

/// One shape of value: either a year-first pattern (one reading) or a day/month pattern with
/// both readings, which are decided between by the values.
struct Shape {
    readings: Vec<(FirstField, String)>,
}

/// Time-of-day parts, most specific first so that a shape without seconds is not reported as
/// one with optional fractions. `%.f` matches an optional fraction, so it comes after the
/// plain form and is chosen only when a value has a fraction.
const TIMES: [&str; 7] = [
    "",
    " %H:%M",
    " %H:%M:%S",
    " %H:%M:%S%.f",
    " %I:%M %p",
    " %I:%M:%S %p",
    " %I:%M:%S%.f %p",
];

/// Every candidate shape, in order of preference (the first shape with a surviving reading
/// wins; distinct shapes rarely parse the same values, and where they do the earlier, more
/// common, one is the better description).
fn candidate_shapes() -> Vec<Shape> {
    let mut shapes = Vec::new();
    // Year first: ISO-like with a space or a `T`, slashes, and the compact forms (the
    // Technion call-center export's `990201` is `%y%m%d`).
    for date in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%y%m%d"] {
        for time in TIMES {
            let pattern = format!("{date}{time}");
            shapes.push(Shape {
                readings: vec![(FirstField::Year, pattern)],
            });
            if date == "%Y-%m-%d" && !time.is_empty() && !time.contains("%p") {
                shapes.push(Shape {
                    readings: vec![(FirstField::Year, format!("{date}T{}", &time[1..]))],
                });
            }
        }
    }
    // Day or month first, with a four- or two-digit year.
    for year in ["%Y", "%y"] {
        for separator in ["-", "/", "."] {
            for time in TIMES {
                let day_first = format!("%d{separator}%m{separator}{year}{time}");
                let month_first = format!("%m{separator}%d{separator}{year}{time}");
                shapes.push(Shape {
                    readings: vec![
                        (FirstField::Day, day_first),
                        (FirstField::Month, month_first),
                    ],
                });
            }
        }
    }
    shapes
}

/// Decides the format of a timestamp column from its values (see [`Sniffed`]). Values are
/// trimmed; empty and whitespace-only values are skipped.
pub(crate) fn sniff<'a>(values: impl Iterator<Item = &'a str>) -> Sniffed {
    let shapes = candidate_shapes();
    // alive[shape][reading]: the reading has parsed every value so far.
    let mut alive: Vec<Vec<bool>> = shapes
        .iter()
        .map(|shape| vec![true; shape.readings.len()])
        .collect();
    // The first value each reading failed on, for the evidence.
    let mut first_failure: Vec<Vec<Option<String>>> = shapes
        .iter()
        .map(|shape| vec![None; shape.readings.len()])
        .collect();
    let mut all_canonical = true;
    let mut first_value: Option<String> = None;
    let mut breaking_value: Option<String> = None;

    for value in values.map(str::trim).filter(|value| !value.is_empty()) {
        if first_value.is_none() {
            first_value = Some(value.to_owned());
        }
        all_canonical = all_canonical && is_canonical(value);
        let mut any_alive = false;
        for (shape_index, shape) in shapes.iter().enumerate() {
            for (reading_index, (_, pattern)) in shape.readings.iter().enumerate() {
                if !alive[shape_index][reading_index] {
                    continue;
                }
                if parse_with(pattern, value).is_some() {
                    any_alive = true;
                } else {
                    alive[shape_index][reading_index] = false;
                    first_failure[shape_index][reading_index] = Some(value.to_owned());
                }
            }
        }
        if !any_alive && breaking_value.is_none() {
            breaking_value = Some(value.to_owned());
        }
        // Nothing can change any more once canonical is ruled out and no candidate is left.
        if !all_canonical && breaking_value.is_some() {
            break;
        }
    }

    let Some(first_value) = first_value else {
        return Sniffed::Empty;
    };
    if all_canonical {
        return Sniffed::Canonical;
    }
    for (shape_index, shape) in shapes.iter().enumerate() {
        let survivors: Vec<usize> = (0..shape.readings.len())
            .filter(|&reading| alive[shape_index][reading])
            .collect();
        match survivors.as_slice() {
            [] => continue,
            [only] => {
                let (order, pattern) = &shape.readings[*only];
                // The other reading of a day/month shape failed on a value this one parsed:
                // with the same separators, that is exactly a field above 12 where the other
                // reading needs a month.
                let evidence = shape
                    .readings
                    .iter()
                    .enumerate()
                    .find(|(reading, _)| reading != only)
                    .and_then(|(reading, _)| first_failure[shape_index][reading].clone())
                    .map(|value| match order {
                        FirstField::Month => format!("{value} has a second field above 12"),
                        _ => format!("{value} has a first field above 12"),
                    });
                return Sniffed::Format {
                    pattern: pattern.clone(),
                    description: format!("{}, {}", order.describe(), describe_pattern(pattern)),
                    evidence,
                };
            }
            _ => {
                let pattern_for = |wanted: FirstField| {
                    (shape.readings.iter())
                        .find(|(order, _)| *order == wanted)
                        .map(|(_, pattern)| pattern.clone())
                        .unwrap_or_default()
                };
                return Sniffed::Ambiguous {
                    day_first: pattern_for(FirstField::Day),
                    month_first: pattern_for(FirstField::Month),
                    example: first_value,
                };
            }
        }
    }
    Sniffed::Unknown {
        example: breaking_value.unwrap_or(first_value),
    }
}

/// A strftime pattern in the letters people use, e.g. `%m/%d/%Y %I:%M %p` as
/// `MM/DD/YYYY h:mm AM/PM`.
pub(crate) fn describe_pattern(pattern: &str) -> String {
    let twelve_hour = pattern.contains("%I");
    let mut described = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            described.push(c);
            continue;
        }
        let piece = match chars.next() {
            Some('Y') => "YYYY",
            Some('y') => "YY",
            Some('m') => "MM",
            Some('d') => "DD",
            Some('H') => "HH",
            Some('I') => "h",
            Some('M') if twelve_hour => "mm",
            Some('M') => "MM",
            Some('S') if twelve_hour => "ss",
            Some('S') => "SS",
            Some('p') => "AM/PM",
            Some('%') => "%",
            Some('.') if chars.clone().next() == Some('f') => {
                chars.next();
                "[.fff]"
            }
            Some(other) => {
                described.push('%');
                described.push(other);
                continue;
            }
            None => "%",
        };
        described.push_str(piece);
    }
    described
}

/// The canonical shapes exactly as the pipeline reads them without a config: two-digit
/// fields at fixed places, `T` or a space, an optional `.` and 1–9 digits, an optional `Z`,
/// `z` or `±HH:MM`; or a bare `YYYY-MM-DD`.
pub(crate) fn is_canonical(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits_at = |positions: &[usize]| {
        positions
            .iter()
            .all(|&i| bytes.get(i).is_some_and(u8::is_ascii_digit))
    };
    let date_shape = bytes.len() >= 10
        && digits_at(&[0, 1, 2, 3, 5, 6, 8, 9])
        && bytes[4] == b'-'
        && bytes[7] == b'-';
    if !date_shape || NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d").is_err() {
        return false;
    }
    if bytes.len() == 10 {
        return true;
    }
    let time_shape = bytes.len() >= 19
        && matches!(bytes[10], b'T' | b' ')
        && digits_at(&[11, 12, 14, 15, 17, 18])
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !time_shape || NaiveTime::parse_from_str(&text[11..19], "%H:%M:%S").is_err() {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&digits) {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest.as_bytes() {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())
                && (*h1 - b'0') * 10 + (*h2 - b'0') < 24
                && (*m1 - b'0') * 10 + (*m2 - b'0') < 60
        }
        _ => false,
    }
}

/// The fields a strict parse collects.
#[derive(Default)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    hour24: Option<u32>,
    hour12: Option<u32>,
    afternoon: Option<bool>,
    minute: u32,
    second: u32,
    nanosecond: u32,
}

/// Why a strict parse gave up: the value does not fit, or the pattern uses a specifier the
/// strict reader does not know (then chrono reads it instead).
enum StrictFailure {
    NoMatch,
    Unsupported,
}

/// Parses `text` (trimmed) with a chrono strftime `pattern`; a date-only pattern gives
/// midnight.
///
/// The specifiers of the sniffed shapes are read strictly, so that a sniffed format means
/// what it says: `%Y` exactly four digits; `%y` exactly two (00–69 → 20xx, 70–99 → 19xx, as
/// chrono and POSIX do); `%m`, `%d`, `%H`, `%I` one or two digits (exports write `9:12:58`);
/// `%M`, `%S` exactly two; `%.f` an optional `.` and 1–9 digits; `%p` `AM`/`PM` in any case;
/// other characters literally. A pattern with any other specifier is handed to chrono's
/// `parse_from_str` as it is.
pub(crate) fn parse_with(pattern: &str, text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    match parse_strict(pattern, text) {
        Ok(parsed) => Some(parsed),
        Err(StrictFailure::NoMatch) => None,
        Err(StrictFailure::Unsupported) => NaiveDateTime::parse_from_str(text, pattern)
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(text, pattern)
                    .ok()
                    .map(|date| date.and_time(NaiveTime::MIN))
            }),
    }
}

fn parse_strict(pattern: &str, text: &str) -> Result<NaiveDateTime, StrictFailure> {
    let mut fields = Fields::default();
    let mut rest = text;
    let mut spec = pattern.chars();
    while let Some(c) = spec.next() {
        if c != '%' {
            rest = rest.strip_prefix(c).ok_or(StrictFailure::NoMatch)?;
            continue;
        }
        match spec.next().ok_or(StrictFailure::Unsupported)? {
            'Y' => fields.year = Some(take_digits(&mut rest, 4, 4)? as i32),
            'y' => {
                let short = take_digits(&mut rest, 2, 2)? as i32;
                fields.year = Some(if short < 70 {
                    2000 + short
                } else {
                    1900 + short
                });
            }
            'm' => fields.month = Some(take_digits(&mut rest, 1, 2)?),
            'd' => fields.day = Some(take_digits(&mut rest, 1, 2)?),
            'H' => fields.hour24 = Some(take_digits(&mut rest, 1, 2)?),
            'I' => fields.hour12 = Some(take_digits(&mut rest, 1, 2)?),
            'M' => fields.minute = take_digits(&mut rest, 2, 2)?,
            'S' => fields.second = take_digits(&mut rest, 2, 2)?,
            'p' => {
                let marker = rest.get(..2).ok_or(StrictFailure::NoMatch)?;
                fields.afternoon = Some(match marker.to_ascii_uppercase().as_str() {
                    "AM" => false,
                    "PM" => true,
                    _ => return Err(StrictFailure::NoMatch),
                });
                rest = &rest[2..];
            }
            '.' if spec.clone().next() == Some('f') => {
                spec.next();
                if let Some(fraction) = rest.strip_prefix('.') {
                    let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
                    if !(1..=9).contains(&digits) {
                        return Err(StrictFailure::NoMatch);
                    }
                    let value: u32 = fraction[..digits]
                        .parse()
                        .map_err(|_| StrictFailure::NoMatch)?;
                    fields.nanosecond = value * 10u32.pow(9 - digits as u32);
                    rest = &fraction[digits..];
                }
            }
            '%' => rest = rest.strip_prefix('%').ok_or(StrictFailure::NoMatch)?,
            _ => return Err(StrictFailure::Unsupported),
        }
    }
    if !rest.is_empty() {
        return Err(StrictFailure::NoMatch);
    }
    fields.build()
}

impl Fields {
    fn build(self) -> Result<NaiveDateTime, StrictFailure> {
        let (Some(year), Some(month), Some(day)) = (self.year, self.month, self.day) else {
            // A pattern without a full date (e.g. `%H:%M`) is chrono's to judge.
            return Err(StrictFailure::Unsupported);
        };
        let hour = match (self.hour24, self.hour12, self.afternoon) {
            (None, None, None) => 0,
            (Some(hour), None, None) => hour,
            (None, Some(hour @ 1..=12), Some(afternoon)) => {
                hour % 12 + if afternoon { 12 } else { 0 }
            }
            (None, Some(_), Some(_)) => return Err(StrictFailure::NoMatch),
            // `%I` without `%p`, `%p` without `%I`, or both clocks: not a strict shape.
            _ => return Err(StrictFailure::Unsupported),
        };
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(StrictFailure::NoMatch)?;
        let time = NaiveTime::from_hms_nano_opt(hour, self.minute, self.second, self.nanosecond)
            .ok_or(StrictFailure::NoMatch)?;
        // chrono accepts second 60 (a leap second) only with nanoseconds ≥ 1e9; from_hms
        // rejects second 60 outright, which is what an export means by it: nothing valid.
        Ok(date.and_time(time))
    }
}

/// Reads `min..=max` ASCII digits from the front of `rest`, greedily.
fn take_digits(rest: &mut &str, min: usize, max: usize) -> Result<u32, StrictFailure> {
    let count = rest
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if count < min {
        return Err(StrictFailure::NoMatch);
    }
    let value = rest[..count].parse().map_err(|_| StrictFailure::NoMatch)?;
    *rest = &rest[count..];
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, s))
            .expect("a valid test date")
    }

    fn format(pattern: &str, description: &str, evidence: Option<&str>) -> Sniffed {
        Sniffed::Format {
            pattern: pattern.to_owned(),
            description: description.to_owned(),
            evidence: evidence.map(str::to_owned),
        }
    }

    #[test]
    fn a_lone_value_with_both_fields_up_to_12_is_ambiguous() {
        assert_eq!(
            sniff(["08-04-2023 20:52"].into_iter()),
            Sniffed::Ambiguous {
                day_first: "%d-%m-%Y %H:%M".to_owned(),
                month_first: "%m-%d-%Y %H:%M".to_owned(),
                example: "08-04-2023 20:52".to_owned(),
            }
        );
    }

    #[test]
    fn a_first_field_above_12_means_day_first() {
        assert_eq!(
            sniff(["08-04-2023 20:52", "13-04-2023 20:52"].into_iter()),
            format(
                "%d-%m-%Y %H:%M",
                "day first, DD-MM-YYYY HH:MM",
                Some("13-04-2023 20:52 has a first field above 12"),
            )
        );
    }

    #[test]
    fn a_second_field_above_12_means_month_first_with_a_12_hour_clock() {
        let sniffed = sniff(["04/13/2023 8:52 PM"].into_iter());
        assert_eq!(
            sniffed,
            format(
                "%m/%d/%Y %I:%M %p",
                "month first, MM/DD/YYYY h:mm AM/PM",
                Some("04/13/2023 8:52 PM has a second field above 12"),
            )
        );
        assert_eq!(
            parse_with("%m/%d/%Y %I:%M %p", "04/13/2023 8:52 PM"),
            Some(at(2023, 4, 13, 20, 52, 0))
        );
    }

    #[test]
    fn slashes_with_a_day_above_12_later_in_the_column_mean_day_first() {
        assert_eq!(
            sniff(["08/01/2025 15:00", "25/01/2025 09:00"].into_iter()),
            format(
                "%d/%m/%Y %H:%M",
                "day first, DD/MM/YYYY HH:MM",
                Some("25/01/2025 09:00 has a first field above 12"),
            )
        );
    }

    #[test]
    fn mixed_shapes_are_unknown_naming_the_value_that_broke_the_run() {
        assert_eq!(
            sniff(["13-04-2023 20:52", "04/13/2023 8:52 PM"].into_iter()),
            Sniffed::Unknown {
                example: "04/13/2023 8:52 PM".to_owned()
            }
        );
        assert_eq!(
            sniff(["yesterday"].into_iter()),
            Sniffed::Unknown {
                example: "yesterday".to_owned()
            }
        );
    }

    #[test]
    fn conflicting_evidence_is_unknown_not_a_guess() {
        assert_eq!(
            sniff(["13-04-2023 20:52", "04-13-2023 20:52"].into_iter()),
            Sniffed::Unknown {
                example: "04-13-2023 20:52".to_owned()
            }
        );
    }

    #[test]
    fn canonical_values_need_no_config() {
        let values = [
            "2026-03-01T09:15:00Z",
            "2026-03-01T09:15:00.250+02:00",
            "2026-03-01 09:15:00",
            "2026-03-01T09:15:00",
            "2024-10-30 15:15:11.744884",
            "2026-03-01",
            "  ",
            "",
        ];
        assert_eq!(sniff(values.into_iter()), Sniffed::Canonical);
    }

    #[test]
    fn a_one_digit_hour_is_not_canonical_but_has_a_format() {
        // The PwC call-center export's Date and Time columns joined with a space.
        assert_eq!(
            sniff(["2021-01-01 9:12:58", "2021-01-01 10:00:29"].into_iter()),
            format("%Y-%m-%d %H:%M:%S", "year first, YYYY-MM-DD HH:MM:SS", None)
        );
    }

    #[test]
    fn the_technion_date_and_time_joined() {
        assert_eq!(
            sniff(["990201 7:02:47", "990228 10:03:42"].into_iter()),
            format("%y%m%d %H:%M:%S", "year first, YYMMDD HH:MM:SS", None)
        );
        assert_eq!(
            parse_with("%y%m%d %H:%M:%S", "990201 7:02:47"),
            Some(at(1999, 2, 1, 7, 2, 47))
        );
    }

    #[test]
    fn fractions_pick_the_fraction_pattern_only_when_present() {
        assert_eq!(
            sniff(["15/04/2023 20:52:01.5", "15/04/2023 20:52:01"].into_iter()),
            format(
                "%d/%m/%Y %H:%M:%S%.f",
                "day first, DD/MM/YYYY HH:MM:SS[.fff]",
                Some("15/04/2023 20:52:01.5 has a first field above 12"),
            )
        );
    }

    #[test]
    fn empty_and_whitespace_values_are_skipped() {
        assert_eq!(sniff(["", "  ", "\t"].into_iter()), Sniffed::Empty);
        assert_eq!(sniff(std::iter::empty()), Sniffed::Empty);
        assert_eq!(
            sniff(["", " 13.04.2023 ", "  "].into_iter()),
            format(
                "%d.%m.%Y",
                "day first, DD.MM.YYYY",
                Some("13.04.2023 has a first field above 12"),
            )
        );
    }

    #[test]
    fn year_first_slashes_and_dates() {
        assert_eq!(
            sniff(["2023/04/13 20:52", "2023/04/08 08:00"].into_iter()),
            format("%Y/%m/%d %H:%M", "year first, YYYY/MM/DD HH:MM", None)
        );
        assert_eq!(
            sniff(["2023/04/13"].into_iter()),
            format("%Y/%m/%d", "year first, YYYY/MM/DD", None)
        );
    }

    #[test]
    fn two_digit_years_do_not_pass_for_four_digit_ones() {
        assert_eq!(parse_with("%d/%m/%Y", "13/04/23"), None);
        assert_eq!(parse_with("%d/%m/%y", "13/04/2023"), None);
        assert_eq!(
            parse_with("%d/%m/%y", "13/04/23"),
            Some(at(2023, 4, 13, 0, 0, 0))
        );
        assert_eq!(
            parse_with("%d/%m/%y", "13/04/85"),
            Some(at(1985, 4, 13, 0, 0, 0))
        );
    }

    #[test]
    fn parse_with_handles_the_12_hour_clock_edges() {
        let pattern = "%m/%d/%Y %I:%M:%S %p";
        assert_eq!(
            parse_with(pattern, "04/13/2023 12:05:00 AM"),
            Some(at(2023, 4, 13, 0, 5, 0))
        );
        assert_eq!(
            parse_with(pattern, "04/13/2023 12:05:00 pm"),
            Some(at(2023, 4, 13, 12, 5, 0))
        );
        assert_eq!(parse_with(pattern, "04/13/2023 13:05:00 PM"), None);
        assert_eq!(parse_with(pattern, "04/13/2023 0:05:00 AM"), None);
    }

    #[test]
    fn parse_with_rejects_invalid_dates_and_trailing_text() {
        assert_eq!(parse_with("%d-%m-%Y", "31-04-2023"), None);
        assert_eq!(parse_with("%d-%m-%Y", "29-02-2023"), None);
        assert_eq!(parse_with("%d-%m-%Y %H:%M", "13-04-2023 24:00"), None);
        assert_eq!(parse_with("%d-%m-%Y %H:%M", "13-04-2023 20:5"), None);
        assert_eq!(parse_with("%d-%m-%Y", "13-04-2023 x"), None);
        assert_eq!(parse_with("%d-%m-%Y", ""), None);
        assert_eq!(parse_with("%Y-%m-%d %H:%M:%S", "2023-04-13 20:52:60"), None);
    }

    #[test]
    fn parse_with_gives_midnight_for_dates_and_hands_other_patterns_to_chrono() {
        assert_eq!(
            parse_with("%Y-%m-%d", "2023-04-13"),
            Some(at(2023, 4, 13, 0, 0, 0))
        );
        assert_eq!(
            parse_with("%d %b %Y %H:%M", "13 Apr 2023 20:52"),
            Some(at(2023, 4, 13, 20, 52, 0))
        );
        assert_eq!(
            parse_with("%d %b %Y", "13 Apr 2023"),
            Some(at(2023, 4, 13, 0, 0, 0))
        );
        assert_eq!(parse_with("%Q", "anything"), None);
        assert_eq!(parse_with("%", "2023"), None);
    }

    #[test]
    fn every_candidate_pattern_round_trips() {
        let samples = [
            NaiveDate::from_ymd_opt(2023, 4, 13)
                .and_then(|date| date.and_hms_milli_opt(20, 52, 7, 250))
                .expect("valid"),
            at(2001, 12, 31, 0, 5, 9),
            at(2023, 1, 2, 12, 0, 0),
        ];
        for shape in candidate_shapes() {
            for (_, pattern) in &shape.readings {
                for sample in samples {
                    let text = sample.format(pattern).to_string();
                    let expected = truncate_to(pattern, sample);
                    assert_eq!(
                        parse_with(pattern, &text),
                        Some(expected),
                        "{pattern} on {text}"
                    );
                    assert!(sniff([text.as_str()].into_iter()) != Sniffed::Empty);
                }
            }
        }
    }

    /// What a pattern keeps of a date-time: no time, no seconds, or no fraction.
    fn truncate_to(pattern: &str, value: NaiveDateTime) -> NaiveDateTime {
        let date = value.date();
        let time = value.time();
        use chrono::Timelike as _;
        let kept = if !pattern.contains("%M") {
            NaiveTime::MIN
        } else if !pattern.contains("%S") {
            NaiveTime::from_hms_opt(time.hour(), time.minute(), 0).expect("valid")
        } else if !pattern.contains("%.f") {
            NaiveTime::from_hms_opt(time.hour(), time.minute(), time.second()).expect("valid")
        } else {
            time
        };
        date.and_time(kept)
    }

    #[test]
    fn each_unambiguous_sample_sniffs_back_to_its_own_pattern() {
        // 13 April: the day is above 12, so every day/month shape is decided.
        let sample = NaiveDate::from_ymd_opt(2023, 4, 13)
            .and_then(|date| date.and_hms_milli_opt(20, 52, 7, 250))
            .expect("valid");
        for shape in candidate_shapes() {
            for (_, pattern) in &shape.readings {
                let text = sample.format(pattern).to_string();
                if is_canonical(&text) {
                    continue;
                }
                match sniff([text.as_str()].into_iter()) {
                    Sniffed::Format { pattern: found, .. } => {
                        assert_eq!(
                            parse_with(&found, &text),
                            parse_with(pattern, &text),
                            "{pattern} on {text} sniffed as {found}"
                        );
                    }
                    other => panic!("{pattern} on {text}: {other:?}"),
                }
            }
        }
    }
}
