//! The typed pass's readers of single values. Each reads only the plainest spellings, and reads
//! them to exactly the value the general path ([`crate::ingest::normalize`]) gives them; every
//! other text is `None`, which sends its record to the general path. So a reader here may
//! refuse what is valid, never accept what is not, nor read a value otherwise.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::canonical::{self, Kind};
use crate::config::Scales;

const MICROS_PER_SECOND: i64 = 1_000_000;

/// A typed value of one field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    Missing,
    Category(u8),
    Instant(i64),
    Number(f64),
    Flag(bool),
}

/// Reads `text` (trimmed; `None` when blank) as a field of `kind`; `None` when the general
/// path must read it. Text fields are not read here.
pub(crate) fn read(
    kind: Kind,
    text: Option<&str>,
    zone: &mut Zone,
    scales: &Scales,
) -> Option<Value> {
    if kind == Kind::Category {
        return Some(Value::Category(category(text)));
    }
    let Some(text) = text else {
        return Some(Value::Missing);
    };
    let value = match kind {
        Kind::Text | Kind::Category => return None,
        Kind::Timestamp => Value::Instant(zone.instant(text)?),
        Kind::Flag => Value::Flag(flag(text)?),
        Kind::Seconds => Value::Number(decimal(text)?),
        Kind::Count => Value::Number(whole(decimal(text)?)?),
        Kind::Csat | Kind::Ces => {
            let (low, high) = if kind == Kind::Csat {
                scales.csat
            } else {
                scales.ces
            };
            let value = decimal(text)?;
            Value::Number(value).within(low, high)?
        }
        Kind::Nps => Value::Number(whole(decimal(text)?)?).within(0.0, 10.0)?,
    };
    Some(value)
}

impl Value {
    fn within(self, low: f64, high: f64) -> Option<Value> {
        match self {
            Value::Number(v) if (low..=high).contains(&v) => Some(self),
            _ => None,
        }
    }
}

/// The category code: `support`/`service` in any ASCII case, anything else uncategorized.
/// (The general path lowercases by Unicode; no non-ASCII character lowercases to a letter of
/// either word, so the two agree.)
pub(crate) fn category(text: Option<&str>) -> u8 {
    let code = match text {
        Some(t) if t.eq_ignore_ascii_case(canonical::SUPPORT) => canonical::SUPPORT,
        Some(t) if t.eq_ignore_ascii_case(canonical::SERVICE) => canonical::SERVICE,
        _ => canonical::UNCATEGORIZED,
    };
    canonical::category_code(code)
}

fn flag(text: &str) -> Option<bool> {
    let is = |words: [&str; 3]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(["true", "1", "yes"]) {
        Some(true)
    } else if is(["false", "0", "no"]) {
        Some(false)
    } else {
        None
    }
}

/// `digits` or `digits.digits`, read correctly rounded (as polars' cast reads it); never
/// negative, never infinite.
fn decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (whole, fraction) = match memchr::memchr(b'.', bytes) {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (bytes, None),
    };
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    // Up to 15 digits in all, the digits are an integer below 2^53 and the scale a power of
    // ten below 10^22, both exact as floats: one division is then correctly rounded (the fast
    // path of Clinger's algorithm). Longer ones go through the standard parser.
    let fraction = fraction.unwrap_or_default();
    if whole.len() + fraction.len() <= 15 {
        let digits =
            (whole.iter().chain(fraction)).fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        return Some(digits as f64 / POWERS_OF_TEN[fraction.len()]);
    }
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(value)
}

const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A whole number small enough that the general path's round trip through `i64` keeps it.
fn whole(value: f64) -> Option<f64> {
    (value.fract() == 0.0 && value < 9.0e15).then_some(value)
}

/// Reads timestamps of the two commonest shapes, `2026-03-01T09:15:00Z` and
/// `2026-03-01 09:15:00` (or with a `T`, read in the zone), keeping the zone's offsets of
/// recent hours.
pub(crate) struct Zone {
    zone: Tz,
    /// (local hour since the epoch, its offset in seconds) for hours without a transition.
    hours: Vec<(i64, i64)>,
}

const CACHED_HOURS: usize = 4096;

impl Zone {
    pub(crate) fn new(zone: Tz) -> Zone {
        Zone {
            zone,
            hours: vec![(i64::MIN, 0); CACHED_HOURS],
        }
    }

    /// Epoch microseconds; `None` for any other shape, an impossible date or time, and a local
    /// time in a DST gap (the general path reads those).
    pub(crate) fn instant(&mut self, text: &str) -> Option<i64> {
        let bytes = text.as_bytes();
        let utc = match bytes.len() {
            20 if bytes[10] == b'T' && bytes[19] == b'Z' => true,
            19 if matches!(bytes[10], b'T' | b' ') => false,
            _ => return None,
        };
        let wall = wall_seconds(bytes)?;
        if utc || self.zone == chrono_tz::UTC {
            return Some(wall * MICROS_PER_SECOND);
        }
        let offset = self.offset(wall)?;
        Some((wall - offset) * MICROS_PER_SECOND)
    }

    /// The offset of local time `local` (`wall` its seconds read as UTC): an ambiguous time
    /// takes the earlier instant, i.e. the larger offset; `None` in a gap.
    fn offset(&mut self, wall: i64) -> Option<i64> {
        let hour = wall.div_euclid(3600);
        let slot = hour.rem_euclid(CACHED_HOURS as i64) as usize;
        if self.hours[slot].0 == hour {
            return Some(self.hours[slot].1);
        }
        let local = chrono::DateTime::from_timestamp(wall, 0)?.naive_utc();
        let offset = |local: NaiveDateTime| -> Option<(i64, bool)> {
            use chrono::offset::LocalResult;
            match self.zone.offset_from_local_datetime(&local) {
                LocalResult::Single(o) => Some((crate::timestamps::offset_seconds(o), true)),
                LocalResult::Ambiguous(a, b) => Some((
                    crate::timestamps::offset_seconds(a).max(crate::timestamps::offset_seconds(b)),
                    false,
                )),
                LocalResult::None => None,
            }
        };
        let (found, single) = offset(local)?;
        // The hour keeps one offset when its first and last seconds have it, unambiguously.
        let start = chrono::DateTime::from_timestamp(hour * 3600, 0)?.naive_utc();
        let end = chrono::DateTime::from_timestamp(hour * 3600 + 3599, 0)?.naive_utc();
        if single && offset(start) == Some((found, true)) && offset(end) == Some((found, true)) {
            self.hours[slot] = (hour, found);
        }
        Some(found)
    }
}

/// `YYYY-MM-DD?HH:MM:SS` at the start of `bytes` (the separator already checked), as its
/// seconds since 1970-01-01 00:00:00 on the same clock; `None` for an impossible date or time.
/// Years 1000–9999 only, where the general path's reading is the proleptic Gregorian one
/// computed here (days from the civil date by Hinnant's algorithm: this runs for every
/// timestamp of every record, at a fifth of chrono's cost).
fn wall_seconds(bytes: &[u8]) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        bytes[range].iter().try_fold(0i64, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let separators = bytes[4] == b'-' && bytes[7] == b'-' && bytes[13] == b':' && bytes[16] == b':';
    if !separators {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year < 1000 || !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 59
    {
        return None;
    }
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::new(name.parse().unwrap())
    }

    // By hand: 2026-03-01T09:15:00Z is 1,772,356,500 s after the epoch (2026-03-01 is day
    // 20,513); Paris is UTC+1 in March before the 29th, UTC+2 after.
    #[test]
    fn reads_the_two_common_shapes() {
        let mut paris = zone("Europe/Paris");
        assert_eq!(
            paris.instant("2026-03-01T09:15:00Z"),
            Some(1_772_356_500_000_000)
        );
        assert_eq!(
            paris.instant("2026-03-01 10:15:00"),
            Some(1_772_356_500_000_000)
        );
        assert_eq!(
            paris.instant("2026-03-01T10:15:00"),
            Some(1_772_356_500_000_000)
        );
        assert_eq!(
            paris.instant("2026-04-01 11:15:00"),
            Some(1_772_356_500_000_000 + 31 * 86_400 * 1_000_000)
        );
    }

    proptest::proptest! {
        /// The civil-date arithmetic reads every date and time it accepts as chrono does, and
        /// accepts every one chrono does but a leap second (left to the general path).
        #[test]
        fn wall_seconds_agree_with_chrono(
            year in 1000i32..=9999, month in 0u32..=13, day in 0u32..=32,
            hour in 0u32..=24, minute in 0u32..=60, second in 0u32..=60,
        ) {
            let text = format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}");
            let chrono = chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|t| t.and_utc().timestamp());
            let expected = chrono.filter(|_| second < 60);
            proptest::prop_assert_eq!(wall_seconds(text.as_bytes()), expected, "{}", text);
        }
    }

    #[test]
    fn leaves_other_shapes_and_gaps_to_the_general_path() {
        let mut paris = zone("Europe/Paris");
        for text in [
            "2026-03-01T09:15:00+01:00",
            "2026-03-01T09:15:00.5Z",
            "2026-03-01",
            "2026-02-30 09:15:00",
            "2026-03-01 24:00:00",
            "2026-03-01 09:15:60",
            "2026-03-01 09-15:00",
            "2026-03-29 02:30:00",
            "2026-03-01 09:15:00Z",
        ] {
            assert_eq!(paris.instant(text), None, "{text}");
        }
        // 2026-10-25 02:30 happens twice in Paris: the earlier instant is the one at UTC+2.
        assert_eq!(
            paris.instant("2026-10-25 02:30:00"),
            zone("UTC").instant("2026-10-25 00:30:00")
        );
    }

    proptest::proptest! {
        /// The short path reads every decimal as the standard (correctly rounded) parser does.
        #[test]
        fn decimals_read_as_the_standard_parser_reads_them(
            whole in "[0-9]{1,9}",
            fraction in proptest::option::of("[0-9]{1,9}"),
        ) {
            let text = match fraction {
                Some(f) => format!("{whole}.{f}"),
                None => whole,
            };
            proptest::prop_assert_eq!(decimal(&text), Some(text.parse::<f64>().unwrap()));
        }
    }

    #[test]
    fn numbers_are_plain_decimals_only() {
        assert_eq!(decimal("12"), Some(12.0));
        assert_eq!(decimal("0.25"), Some(0.25));
        assert_eq!(decimal("007"), Some(7.0));
        for text in [
            "-1", "+1", "1e3", ".5", "5.", "1.2.3", "inf", "NaN", " 1", "1,5", "",
        ] {
            assert_eq!(decimal(text), None, "{text}");
        }
    }

    #[test]
    fn scores_and_counts_keep_to_their_ranges() {
        let scales = Scales::default();
        let mut utc = zone("UTC");
        let mut read = |kind, text| read(kind, Some(text), &mut utc, &scales);
        assert_eq!(read(Kind::Nps, "10"), Some(Value::Number(10.0)));
        assert_eq!(read(Kind::Nps, "11"), None);
        assert_eq!(read(Kind::Nps, "7.5"), None);
        assert_eq!(read(Kind::Count, "2.0"), Some(Value::Number(2.0)));
        assert_eq!(read(Kind::Count, "2.5"), None);
        assert_eq!(read(Kind::Csat, "5"), Some(Value::Number(5.0)));
        assert_eq!(read(Kind::Csat, "6"), None);
        assert_eq!(read(Kind::Flag, "YES"), Some(Value::Flag(true)));
        assert_eq!(read(Kind::Flag, "n"), None);
        assert_eq!(read(Kind::Category, "Support"), Some(Value::Category(0)));
        assert_eq!(read(Kind::Category, "billing"), Some(Value::Category(2)));
    }
}
