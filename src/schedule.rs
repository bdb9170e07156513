//! Business-hours schedules (SPEC §10): the `--schedule` TOML parser and its validation, the
//! choice of a calendar per record, and the kernel that counts open time between two instants.
//!
//! Speed comes from never asking the time-zone library about a record: a [`Timeline`]
//! materialises a calendar's open intervals over the data's range once, as sorted UTC
//! `[start, end)` pairs with a prefix sum of open time, plus a per-UTC-day index into them, so
//! a record costs two near-constant-time look-ups and a subtraction.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

#[cfg(test)]
const MICROS_PER_MINUTE: i64 = 60_000_000;
const MICROS_PER_DAY: i64 = 86_400_000_000;
const MINUTES_PER_DAY: u32 = 24 * 60;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// A timeline is refused beyond this many intervals (about 100 MB of memory, well under a
/// second to build); a 1970..2100 range of a ten-shifts-a-day calendar needs ~470,000.
const MAX_TIMELINE_INTERVALS: i64 = 4_000_000;
/// Caps the per-day index (4 bytes a day) for calendars with few or no open intervals:
/// about 11,000 years.
const MAX_TIMELINE_DAYS: i64 = 4_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ScheduleError {
    #[error("schedule file, line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("schedule file, line {line}: {message}")]
    UnknownKey { line: usize, message: String },
    #[error("schedule file: `timezone` is required (an IANA zone such as \"Europe/Bucharest\")")]
    MissingTimezone,
    #[error(
        "schedule file, line {line}: unknown time zone \"{name}\" \
         (expected an IANA name such as \"Europe/Bucharest\" or \"UTC\")"
    )]
    UnknownZone { line: usize, name: String },
    #[error(
        "schedule file, line {line}: unknown weekday `{key}` in hours \
         (allowed: mon, tue, wed, thu, fri, sat, sun)"
    )]
    UnknownWeekday { line: usize, key: String },
    #[error(
        "schedule file, line {line}: bad interval \"{text}\": {reason} \
         (expected \"HH:MM-HH:MM\" between 00:00 and 24:00)"
    )]
    BadInterval {
        line: usize,
        text: String,
        reason: String,
    },
    #[error("schedule file, line {line}: interval \"{text}\" does not end after it starts")]
    EmptyInterval { line: usize, text: String },
    #[error(
        "schedule file, line {line}: `{weekday}` intervals \"{first}\" and \"{second}\" overlap"
    )]
    OverlappingIntervals {
        line: usize,
        weekday: String,
        first: String,
        second: String,
    },
    #[error(
        "schedule file, line {line}: bad holiday {text}: expected a local date \"YYYY-MM-DD\""
    )]
    BadHoliday { line: usize, text: String },
    #[error("schedule file, line {line}: a [[schedule]] entry needs a non-empty `match` table")]
    MissingMatch { line: usize },
    #[error(
        "schedule file, line {line}: match value for `{key}` must be a string, \
         an integer or a boolean"
    )]
    BadMatchValue { line: usize, key: String },
    #[error(
        "business-hours timeline from {first_micros} to {last_micros} (epoch µs) is too long \
         to materialise (about {intervals} open intervals over {days} days; \
         the limits are {MAX_TIMELINE_INTERVALS} intervals and {MAX_TIMELINE_DAYS} days)"
    )]
    RangeTooLong {
        first_micros: i64,
        last_micros: i64,
        intervals: i64,
        days: i64,
    },
}

type RawHours = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;
type RawMatch = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    timezone: Option<Spanned<String>>,
    holidays: Option<Vec<Spanned<toml::Value>>>,
    hours: Option<RawHours>,
    #[serde(default)]
    schedule: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    #[serde(rename = "match")]
    match_on: Option<Spanned<RawMatch>>,
    timezone: Option<Spanned<String>>,
    holidays: Option<Vec<Spanned<toml::Value>>>,
    hours: Option<RawHours>,
}

/// One open interval of a local day, in minutes since local midnight (`end` ≤ 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocalInterval {
    start_minute: u32,
    end_minute: u32,
}

/// A weekly grid of open intervals in one zone, with holiday dates closed all day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Calendar {
    zone: Tz,
    /// Sorted, deduplicated local dates.
    holidays: Vec<NaiveDate>,
    /// Monday first; each day's intervals sorted and non-overlapping.
    week: [Vec<LocalInterval>; 7],
}

#[derive(Debug, Clone, PartialEq)]
struct MatchRule {
    /// `(key, value)` pairs, the value trimmed; all must equal for the rule to apply.
    conditions: Vec<(String, String)>,
}

/// A parsed `--schedule` file: the top-level calendar (index 0) and one per `[[schedule]]`
/// entry (index `i + 1` for entry `i`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Schedules {
    calendars: Vec<Calendar>,
    rules: Vec<MatchRule>,
}

impl Schedules {
    pub(crate) fn parse(text: &str) -> Result<Schedules, ScheduleError> {
        let raw: RawFile = toml::from_str(text).map_err(|error| toml_error(text, &error))?;
        let zone_name = raw.timezone.ok_or(ScheduleError::MissingTimezone)?;
        let zone = parse_zone(text, &zone_name)?;
        let holidays = match &raw.holidays {
            Some(list) => parse_holidays(text, list)?,
            None => Vec::new(),
        };
        let week = match &raw.hours {
            Some(hours) => parse_week(text, hours)?,
            None => Default::default(),
        };
        let top = Calendar {
            zone,
            holidays,
            week,
        };

        let mut calendars = vec![top.clone()];
        let mut rules = Vec::with_capacity(raw.schedule.len());
        for entry in &raw.schedule {
            let entry_line = line_of(text, entry.span().start);
            let entry = entry.get_ref();
            let conditions = match &entry.match_on {
                Some(table) if !table.get_ref().is_empty() => parse_match(text, table.get_ref())?,
                Some(table) => {
                    return Err(ScheduleError::MissingMatch {
                        line: line_of(text, table.span().start),
                    })
                }
                None => return Err(ScheduleError::MissingMatch { line: entry_line }),
            };
            let zone = match &entry.timezone {
                Some(name) => parse_zone(text, name)?,
                None => top.zone,
            };
            let holidays = match &entry.holidays {
                Some(list) => parse_holidays(text, list)?,
                None => top.holidays.clone(),
            };
            let week = match &entry.hours {
                Some(hours) => parse_week(text, hours)?,
                None => top.week.clone(),
            };
            calendars.push(Calendar {
                zone,
                holidays,
                week,
            });
            rules.push(MatchRule { conditions });
        }
        Ok(Schedules { calendars, rules })
    }

    /// Every key used in any `match`, each once, in order of first appearance.
    pub(crate) fn match_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for (key, _) in self.rules.iter().flat_map(|rule| &rule.conditions) {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }

    /// Index into [`Schedules::calendars`] for a record whose column values `value_of` gives:
    /// the first `[[schedule]]` entry whose every match value equals the record's (both
    /// trimmed), else 0, the top-level calendar. A missing value matches nothing.
    pub(crate) fn calendar_for<'a>(&self, value_of: impl Fn(&str) -> Option<&'a str>) -> usize {
        self.rules
            .iter()
            .position(|rule| {
                rule.conditions
                    .iter()
                    .all(|(key, want)| value_of(key).map(str::trim) == Some(want.as_str()))
            })
            .map_or(0, |entry| entry + 1)
    }

    #[cfg(test)]
    pub(crate) fn calendars(&self) -> &[Calendar] {
        &self.calendars
    }

    /// One timeline per calendar, each covering `[first_micros, last_micros]`.
    pub(crate) fn timelines(
        &self,
        first_micros: i64,
        last_micros: i64,
    ) -> Result<Vec<Timeline>, ScheduleError> {
        self.calendars
            .iter()
            .map(|calendar| calendar.timeline(first_micros, last_micros))
            .collect()
    }
}

fn toml_error(text: &str, error: &toml::de::Error) -> ScheduleError {
    let line = error.span().map_or(1, |span| line_of(text, span.start));
    let message = error.message().trim().replace('\n', ": ");
    if message.starts_with("unknown field") {
        ScheduleError::UnknownKey { line, message }
    } else {
        ScheduleError::Syntax { line, message }
    }
}

fn line_of(text: &str, byte_offset: usize) -> usize {
    let end = byte_offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn parse_zone(text: &str, name: &Spanned<String>) -> Result<Tz, ScheduleError> {
    name.get_ref()
        .trim()
        .parse::<Tz>()
        .map_err(|_| ScheduleError::UnknownZone {
            line: line_of(text, name.span().start),
            name: name.get_ref().clone(),
        })
}

fn parse_holidays(
    text: &str,
    list: &[Spanned<toml::Value>],
) -> Result<Vec<NaiveDate>, ScheduleError> {
    let mut dates = Vec::with_capacity(list.len());
    for item in list {
        let date = match item.get_ref() {
            toml::Value::String(date) => NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok(),
            // An unquoted TOML local date (`2026-12-25`) means the same thing.
            toml::Value::Datetime(datetime) => match (datetime.date, datetime.time) {
                (Some(date), None) if datetime.offset.is_none() => NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                ),
                _ => None,
            },
            _ => None,
        };
        match date {
            Some(date) => dates.push(date),
            None => {
                return Err(ScheduleError::BadHoliday {
                    line: line_of(text, item.span().start),
                    text: item.get_ref().to_string(),
                })
            }
        }
    }
    dates.sort_unstable();
    dates.dedup();
    Ok(dates)
}

fn parse_week(text: &str, hours: &RawHours) -> Result<[Vec<LocalInterval>; 7], ScheduleError> {
    let mut week: [Vec<LocalInterval>; 7] = Default::default();
    for (day_key, intervals) in hours {
        let day_line = line_of(text, day_key.span().start);
        let day = WEEKDAYS
            .iter()
            .position(|name| *name == day_key.get_ref().as_str())
            .ok_or_else(|| ScheduleError::UnknownWeekday {
                line: day_line,
                key: day_key.get_ref().clone(),
            })?;
        let mut parsed: Vec<(LocalInterval, &Spanned<String>)> = Vec::new();
        for interval_text in intervals {
            parsed.push((parse_interval(text, interval_text)?, interval_text));
        }
        parsed.sort_by_key(|(interval, _)| interval.start_minute);
        for pair in parsed.windows(2) {
            let [(earlier, earlier_text), (later, later_text)] = pair else {
                continue;
            };
            if later.start_minute < earlier.end_minute {
                return Err(ScheduleError::OverlappingIntervals {
                    line: line_of(text, later_text.span().start.max(earlier_text.span().start)),
                    weekday: day_key.get_ref().clone(),
                    first: earlier_text.get_ref().clone(),
                    second: later_text.get_ref().clone(),
                });
            }
        }
        week[day] = parsed.into_iter().map(|(interval, _)| interval).collect();
    }
    Ok(week)
}

fn parse_interval(text: &str, interval: &Spanned<String>) -> Result<LocalInterval, ScheduleError> {
    let line = line_of(text, interval.span().start);
    let bad = |reason: &str| ScheduleError::BadInterval {
        line,
        text: interval.get_ref().clone(),
        reason: reason.to_string(),
    };
    let (start, end) = interval
        .get_ref()
        .split_once('-')
        .ok_or_else(|| bad("no `-` between start and end"))?;
    let start_minute = parse_clock(start.trim()).map_err(|reason| bad(&reason))?;
    let end_minute = parse_clock(end.trim()).map_err(|reason| bad(&reason))?;
    if start_minute == MINUTES_PER_DAY {
        return Err(bad("an interval cannot start at 24:00"));
    }
    if end_minute <= start_minute {
        return Err(ScheduleError::EmptyInterval {
            line,
            text: interval.get_ref().clone(),
        });
    }
    Ok(LocalInterval {
        start_minute,
        end_minute,
    })
}

/// `HH:MM` to minutes since midnight; `24:00` is allowed (the end of the day).
fn parse_clock(clock: &str) -> Result<u32, String> {
    let well_formed = clock.len() == 5
        && clock.as_bytes()[2] == b':'
        && clock
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 2 || b.is_ascii_digit());
    if !well_formed {
        return Err(format!("\"{clock}\" is not HH:MM"));
    }
    let hour: u32 = clock[..2]
        .parse()
        .map_err(|_| format!("\"{clock}\" is not HH:MM"))?;
    let minute: u32 = clock[3..]
        .parse()
        .map_err(|_| format!("\"{clock}\" is not HH:MM"))?;
    if minute > 59 || hour > 24 || (hour == 24 && minute != 0) {
        return Err(format!("\"{clock}\" is not a time of day"));
    }
    Ok(hour * 60 + minute)
}

fn parse_match(text: &str, table: &RawMatch) -> Result<Vec<(String, String)>, ScheduleError> {
    table
        .iter()
        .map(|(key, value)| {
            let wanted = match value.get_ref() {
                toml::Value::String(wanted) => wanted.trim().to_string(),
                // Columns are text; `priority = 1` is meant to match the text "1".
                toml::Value::Integer(wanted) => wanted.to_string(),
                toml::Value::Boolean(wanted) => wanted.to_string(),
                _ => {
                    return Err(ScheduleError::BadMatchValue {
                        line: line_of(text, value.span().start),
                        key: key.get_ref().clone(),
                    })
                }
            };
            Ok((key.get_ref().clone(), wanted))
        })
        .collect()
}

/// The UTC instant (epoch µs) of a local time in `zone`, by SPEC §2: an ambiguous time is the
/// earlier instant; a time in a gap is read with the offset in force just before the gap
/// (moved forward by the gap). `None` only outside chrono's date range.
fn local_to_utc_micros(zone: Tz, local: NaiveDateTime) -> Option<i64> {
    if let Some(instant) = zone.from_local_datetime(&local).earliest() {
        return Some(instant.timestamp_micros());
    }
    // Transitions are months apart in every real zone, so 24 h before the local reading
    // (which is at most ~14 h from the instant) is still on the far side of this one gap only.
    let before_gap = local.checked_sub_signed(TimeDelta::days(1))?;
    let offset_before = zone.offset_from_utc_datetime(&before_gap).fix();
    let instant = local.checked_sub_signed(TimeDelta::seconds(i64::from(
        offset_before.local_minus_utc(),
    )))?;
    Some(instant.and_utc().timestamp_micros())
}

impl Calendar {
    /// Materialises the open intervals touching `[first_micros, last_micros]` (the order of the
    /// two does not matter). Cost: a few time-zone look-ups per local day in the range plus a
    /// sort: 1970..2100 of a Mon–Fri calendar (~47,000 days, ~34,000 intervals) takes ~6 ms.
    /// Memory is 24 bytes per open interval plus 4 per day. Ranges beyond the interval or day
    /// caps are refused with [`ScheduleError::RangeTooLong`] rather than materialised.
    pub(crate) fn timeline(
        &self,
        first_micros: i64,
        last_micros: i64,
    ) -> Result<Timeline, ScheduleError> {
        let (first_micros, last_micros) = if first_micros <= last_micros {
            (first_micros, last_micros)
        } else {
            (last_micros, first_micros)
        };
        let intervals_per_week: usize = self.week.iter().map(Vec::len).sum();
        let days = (last_micros / MICROS_PER_DAY).saturating_sub(first_micros / MICROS_PER_DAY);
        let intervals = days.saturating_mul(intervals_per_week as i64) / 7;
        let too_long = ScheduleError::RangeTooLong {
            first_micros,
            last_micros,
            intervals,
            days,
        };
        if intervals > MAX_TIMELINE_INTERVALS || days > MAX_TIMELINE_DAYS {
            return Err(too_long);
        }
        let local_dates = (|| {
            // Two days of margin cover any UTC offset on either side.
            let first = DateTime::from_timestamp_micros(first_micros)?.date_naive();
            let last = DateTime::from_timestamp_micros(last_micros)?.date_naive();
            Some((
                first.checked_sub_signed(TimeDelta::days(2))?,
                last.checked_add_signed(TimeDelta::days(2))?,
            ))
        })();
        let Some((first_date, last_date)) = local_dates else {
            return Err(too_long);
        };

        let mut open: Vec<(i64, i64)> = Vec::with_capacity(intervals as usize + 16);
        for date in first_date.iter_days().take_while(|date| *date <= last_date) {
            if self.holidays.binary_search(&date).is_ok() {
                continue;
            }
            let weekday = date.weekday().num_days_from_monday() as usize;
            let midnight = date.and_time(chrono::NaiveTime::MIN);
            for interval in &self.week[weekday] {
                let edge = |minute: u32| {
                    let local =
                        midnight.checked_add_signed(TimeDelta::minutes(i64::from(minute)))?;
                    local_to_utc_micros(self.zone, local)
                };
                if let (Some(start), Some(end)) =
                    (edge(interval.start_minute), edge(interval.end_minute))
                {
                    // An edge in a DST gap can resolve past a later edge: such a remnant of
                    // an interval is empty.
                    if start < end {
                        open.push((start, end));
                    }
                }
            }
        }
        Ok(Timeline::from_open_intervals(
            first_micros,
            last_micros,
            open,
        ))
    }
}

/// A calendar's open time over a bounded range, as sorted disjoint UTC `[start, end)`
/// intervals with the open time before each, and an index from each UTC day to the intervals
/// that start up to it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Timeline {
    first_micros: i64,
    last_micros: i64,
    /// Start of the UTC day holding `first_micros`; `day_index[d]` is about the day at
    /// `day_origin + d` days.
    day_origin: i64,
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Open time of all intervals before interval `i`.
    open_before: Vec<i64>,
    /// Number of intervals starting at or before the start of each day.
    day_index: Vec<u32>,
}

impl Timeline {
    fn from_open_intervals(first_micros: i64, last_micros: i64, mut open: Vec<(i64, i64)>) -> Self {
        open.sort_unstable();
        // Union, because gap-resolved edges (see `Calendar::timeline`) may overlap a
        // neighbour; open time is the union of the open intervals.
        let mut starts: Vec<i64> = Vec::with_capacity(open.len());
        let mut ends: Vec<i64> = Vec::with_capacity(open.len());
        for (start, end) in open {
            match ends.last_mut() {
                Some(last_end) if start <= *last_end => *last_end = (*last_end).max(end),
                _ => {
                    starts.push(start);
                    ends.push(end);
                }
            }
        }
        let mut open_before = Vec::with_capacity(starts.len());
        let mut total = 0i64;
        for (start, end) in starts.iter().zip(&ends) {
            open_before.push(total);
            total += end - start;
        }
        let day_origin = first_micros.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
        let day_count = (last_micros - day_origin) / MICROS_PER_DAY + 2;
        let day_index = (0..day_count)
            .map(|day| {
                let day_start = day_origin + day * MICROS_PER_DAY;
                starts.partition_point(|&start| start <= day_start) as u32
            })
            .collect();
        Timeline {
            first_micros,
            last_micros,
            day_origin,
            starts,
            ends,
            open_before,
            day_index,
        }
    }

    /// Open time within `[from_micros, to_micros)`, in µs. `None` when `to < from` or either
    /// end lies outside the range the timeline was built for.
    #[inline]
    pub(crate) fn open_micros(&self, from_micros: i64, to_micros: i64) -> Option<i64> {
        if to_micros < from_micros
            || from_micros < self.first_micros
            || to_micros > self.last_micros
        {
            return None;
        }
        Some(self.open_before(to_micros)? - self.open_before(from_micros)?)
    }

    /// Open time before `instant`, for an instant within the timeline's range.
    #[inline]
    fn open_before(&self, instant: i64) -> Option<i64> {
        let day = usize::try_from((instant - self.day_origin) / MICROS_PER_DAY).ok()?;
        let low = *self.day_index.get(day)? as usize;
        let high = *self.day_index.get(day + 1)? as usize;
        let started = low
            + self
                .starts
                .get(low..high)?
                .partition_point(|&s| s <= instant);
        let Some(last) = started.checked_sub(1) else {
            return Some(0);
        };
        let start = *self.starts.get(last)?;
        let end = *self.ends.get(last)?;
        Some(self.open_before.get(last)? + instant.min(end) - start)
    }
}

/// Business durations (µs) for a batch of records: record `i` runs from `from[i]` to `to[i]`
/// in the timeline `calendar_of_record[i]` (all in timeline 0 when `None`). Null when either
/// end is null, `to < from`, the calendar index has no timeline, or an end lies outside the
/// timeline's range. The result has `from.len()` values; a missing `to` counts as null.
pub(crate) fn business_micros(
    timelines: &[Timeline],
    calendar_of_record: Option<&[u32]>,
    from: &[Option<i64>],
    to: &[Option<i64>],
) -> Vec<Option<i64>> {
    let duration = |record: usize, timeline_index: usize| {
        let timeline = timelines.get(timeline_index)?;
        timeline.open_micros((*from.get(record)?)?, (*to.get(record)?)?)
    };
    match calendar_of_record {
        None => (0..from.len()).map(|record| duration(record, 0)).collect(),
        Some(calendars) => (0..from.len())
            .map(|record| duration(record, *calendars.get(record)? as usize))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000_000;
    const MINUTE: i64 = MICROS_PER_MINUTE;

    fn utc(rfc3339: &str) -> i64 {
        DateTime::parse_from_rfc3339(rfc3339)
            .expect("test timestamp")
            .timestamp_micros()
    }

    /// Business µs from `from` to `to` in calendar `index` of `toml_text`.
    fn business_in(toml_text: &str, index: usize, from: &str, to: &str) -> Option<i64> {
        let schedules = Schedules::parse(toml_text).expect("test schedule parses");
        let (from, to) = (utc(from), utc(to));
        let timeline = schedules.calendars()[index]
            .timeline(from, to)
            .expect("timeline");
        timeline.open_micros(from, to)
    }

    fn business(toml_text: &str, from: &str, to: &str) -> Option<i64> {
        business_in(toml_text, 0, from, to)
    }

    const NINE_TO_FIVE_UTC: &str = r#"
timezone = "UTC"
holidays = ["2026-12-25"]
[hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-17:00"]
"#;

    fn all_day(zone: &str) -> String {
        let days: Vec<String> = WEEKDAYS
            .iter()
            .map(|day| format!("{day} = [\"00:00-24:00\"]"))
            .collect();
        format!("timezone = \"{zone}\"\n[hours]\n{}\n", days.join("\n"))
    }

    #[test]
    fn readme_example_friday_evening_to_monday_morning() {
        // 2026-03-06 is a Friday: 16:50→17:00 = 10 min; Sat, Sun closed; Mon 09:00→09:20 =
        // 20 min; 10 + 20 = 30 min (the brief said 40; the arithmetic gives 30).
        let got = business(
            NINE_TO_FIVE_UTC,
            "2026-03-06T16:50:00Z",
            "2026-03-09T09:20:00Z",
        );
        assert_eq!(got, Some(30 * MINUTE));
        // Answered at 09:30 instead: 10 + 30 = 40 min.
        let got = business(
            NINE_TO_FIVE_UTC,
            "2026-03-06T16:50:00Z",
            "2026-03-09T09:30:00Z",
        );
        assert_eq!(got, Some(40 * MINUTE));
    }

    #[test]
    fn across_a_whole_weekend_and_week() {
        // Thu 2026-03-05 12:00 → Tue 2026-03-10 12:00: Thu 5 h + Fri 8 h + Mon 8 h + Tue 3 h
        // = 24 h.
        let got = business(
            NINE_TO_FIVE_UTC,
            "2026-03-05T12:00:00Z",
            "2026-03-10T12:00:00Z",
        );
        assert_eq!(got, Some(24 * HOUR));
    }

    #[test]
    fn holiday_is_closed_all_day() {
        // Thu 2026-12-24 16:00 → Mon 2026-12-28 10:00: Thu 1 h + Fri 25th holiday 0 + Mon 1 h
        // = 2 h (without the holiday it would be 10 h).
        let got = business(
            NINE_TO_FIVE_UTC,
            "2026-12-24T16:00:00Z",
            "2026-12-28T10:00:00Z",
        );
        assert_eq!(got, Some(2 * HOUR));
    }

    #[test]
    fn split_shift_skips_the_lunch_break() {
        let split = r#"
timezone = "UTC"
[hours]
mon = ["09:00-12:00", "13:00-17:30"]
"#;
        // Mon 2026-03-09 11:00 → 14:00: 11–12 = 1 h, 12–13 closed, 13–14 = 1 h; 2 h.
        let got = business(split, "2026-03-09T11:00:00Z", "2026-03-09T14:00:00Z");
        assert_eq!(got, Some(2 * HOUR));
        // Whole day: 3 h + 4.5 h = 7.5 h = 450 min.
        let got = business(split, "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
        assert_eq!(got, Some(450 * MINUTE));
        // Inside the break only: 0.
        let got = business(split, "2026-03-09T12:10:00Z", "2026-03-09T12:50:00Z");
        assert_eq!(got, Some(0));
    }

    #[test]
    fn interval_edges() {
        let cases = [
            // Starting at the 17:00 closing edge, ending before the next opening: 0.
            ("2026-03-09T17:00:00Z", "2026-03-10T08:00:00Z", 0),
            // Starting at the 09:00 opening edge: 09:00→10:00 = 60 min.
            ("2026-03-09T09:00:00Z", "2026-03-09T10:00:00Z", 60 * MINUTE),
            // Ending at the 09:00 opening edge: [08:00, 09:00) has no open time.
            ("2026-03-09T08:00:00Z", "2026-03-09T09:00:00Z", 0),
            // Ending at the 17:00 closing edge: 16:00→17:00 = 60 min.
            ("2026-03-09T16:00:00Z", "2026-03-09T17:00:00Z", 60 * MINUTE),
            // Exactly one open interval, edge to edge: 8 h.
            ("2026-03-09T09:00:00Z", "2026-03-09T17:00:00Z", 8 * HOUR),
            // Zero-length span at an opening edge: 0.
            ("2026-03-09T09:00:00Z", "2026-03-09T09:00:00Z", 0),
            // One microsecond after opening: 1 µs.
            ("2026-03-09T09:00:00Z", "2026-03-09T09:00:00.000001Z", 1),
        ];
        for (from, to, want) in cases {
            assert_eq!(
                business(NINE_TO_FIVE_UTC, from, to),
                Some(want),
                "{from}..{to}"
            );
        }
    }

    #[test]
    fn opened_and_answered_while_closed_counts_zero() {
        // Sat 2026-03-07 10:00 → Sun 2026-03-08 20:00: weekend, 0.
        let got = business(
            NINE_TO_FIVE_UTC,
            "2026-03-07T10:00:00Z",
            "2026-03-08T20:00:00Z",
        );
        assert_eq!(got, Some(0));
        // Mon 18:00 → Tue 08:59: overnight, 0.
        let got = business(
            NINE_TO_FIVE_UTC,
            "2026-03-09T18:00:00Z",
            "2026-03-10T08:59:00Z",
        );
        assert_eq!(got, Some(0));
    }

    #[test]
    fn twenty_four_hour_day() {
        let text = "timezone = \"UTC\"\n[hours]\nwed = [\"00:00-24:00\"]\n";
        // Tue 2026-03-10 12:00 → Thu 2026-03-12 12:00: only Wed, all 24 h.
        let got = business(text, "2026-03-10T12:00:00Z", "2026-03-12T12:00:00Z");
        assert_eq!(got, Some(24 * HOUR));
    }

    #[test]
    fn all_day_schedule_counts_true_length_of_dst_days() {
        let cases = [
            // Bucharest springs forward 03:00→04:00 on 2026-03-29: 00:00 EET (+2) = 03-28
            // 22:00Z, 24:00 EEST (+3) = 03-29 21:00Z; 23 h.
            (
                "Europe/Bucharest",
                "2026-03-28T22:00:00Z",
                "2026-03-29T21:00:00Z",
                23,
            ),
            // Falls back 04:00→03:00 on 2026-10-25: 00:00 EEST = 10-24 21:00Z, 24:00 EET =
            // 10-25 22:00Z; 25 h.
            (
                "Europe/Bucharest",
                "2026-10-24T21:00:00Z",
                "2026-10-25T22:00:00Z",
                25,
            ),
            // New York springs forward 02:00→03:00 on 2026-03-08: 00:00 EST (−5) = 05:00Z,
            // 24:00 EDT (−4) = 03-09 04:00Z; 23 h.
            (
                "America/New_York",
                "2026-03-08T05:00:00Z",
                "2026-03-09T04:00:00Z",
                23,
            ),
            // Falls back 02:00→01:00 on 2026-11-01: 00:00 EDT = 04:00Z, 24:00 EST = 11-02
            // 05:00Z; 25 h.
            (
                "America/New_York",
                "2026-11-01T04:00:00Z",
                "2026-11-02T05:00:00Z",
                25,
            ),
        ];
        for (zone, local_midnight, next_midnight, hours) in cases {
            let text = all_day(zone);
            // The span is exactly that local day, and the calendar is open throughout.
            assert_eq!(
                business(&text, local_midnight, next_midnight),
                Some(hours * HOUR),
                "{zone} {local_midnight}"
            );
        }
        // With only Sundays open (both DST days are Sundays), a whole week around the day
        // counts that Sunday's true length: 23 h.
        let sundays = "timezone = \"America/New_York\"\n[hours]\nsun = [\"00:00-24:00\"]\n";
        let got = business(sundays, "2026-03-05T00:00:00Z", "2026-03-12T00:00:00Z");
        assert_eq!(got, Some(23 * HOUR));
    }

    #[test]
    fn interval_containing_a_dst_shift_counts_its_true_length() {
        // New York 2026-03-08 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z: 2 h, not 3.
        let spring = "timezone = \"America/New_York\"\n[hours]\nsun = [\"01:00-04:00\"]\n";
        let got = business(spring, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z");
        assert_eq!(got, Some(2 * HOUR));
        // 2026-11-01 01:00 (ambiguous → earlier, EDT) = 05:00Z, 04:00 EST = 09:00Z: 4 h.
        let got = business(spring, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z");
        assert_eq!(got, Some(4 * HOUR));
        // Bucharest 2026-10-25 02:00-05:00: 02:00 EEST = 10-24 23:00Z, 05:00 EET = 03:00Z;
        // 4 h.
        let fall = "timezone = \"Europe/Bucharest\"\n[hours]\nsun = [\"02:00-05:00\"]\n";
        let got = business(fall, "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z");
        assert_eq!(got, Some(4 * HOUR));
    }

    #[test]
    fn gap_and_ambiguous_edges_follow_spec_section_2() {
        let ny: Tz = "America/New_York".parse().expect("zone");
        let local = |text: &str| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test local time")
        };
        // 02:30 does not exist on 2026-03-08; read with EST (−5): 07:30Z (= 03:30 EDT).
        assert_eq!(
            local_to_utc_micros(ny, local("2026-03-08 02:30")),
            Some(utc("2026-03-08T07:30:00Z"))
        );
        // 01:30 occurs twice on 2026-11-01; the earlier is EDT (−4): 05:30Z.
        assert_eq!(
            local_to_utc_micros(ny, local("2026-11-01 01:30")),
            Some(utc("2026-11-01T05:30:00Z"))
        );
        // An interval wholly inside the gap, 02:00-02:30, becomes 07:00Z–07:30Z, i.e. the
        // real 03:00–03:30 EDT: 30 min.
        let gap = "timezone = \"America/New_York\"\n[hours]\nsun = [\"02:00-02:30\"]\n";
        let got = business(gap, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z");
        assert_eq!(got, Some(30 * MINUTE));
        // 02:30-03:15: 02:30 → 07:30Z but 03:15 EDT = 07:15Z, before it: empty, 0.
        let inverted = "timezone = \"America/New_York\"\n[hours]\nsun = [\"02:30-03:15\"]\n";
        let got = business(inverted, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z");
        assert_eq!(got, Some(0));
        // 02:00-02:30 and 03:00-04:00 overlap once resolved ([07:00, 07:30) and
        // [07:00, 08:00)): their union is 1 h, not 1.5 h.
        let both =
            "timezone = \"America/New_York\"\n[hours]\nsun = [\"02:00-02:30\", \"03:00-04:00\"]\n";
        let got = business(both, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z");
        assert_eq!(got, Some(HOUR));
    }

    const WITH_OVERRIDE: &str = r#"
timezone = "Europe/Bucharest"
holidays = ["2026-12-25"]
[hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-17:00"]

[[schedule]]
match = { team = "night", channel = "phone" }
hours = { thu = ["20:00-24:00"], fri = ["00:00-06:00", "20:00-24:00"] }

[[schedule]]
match = { team = "night" }
timezone = "UTC"
holidays = []
"#;

    #[test]
    fn schedule_override_inherits_holidays_and_overrides_hours() {
        let schedules = Schedules::parse(WITH_OVERRIDE).expect("parses");
        assert_eq!(schedules.match_keys(), vec!["channel", "team"]);
        let record = |team: &'static str, channel: &'static str| {
            move |key: &str| match key {
                "team" => Some(team),
                "channel" => Some(channel),
                _ => None,
            }
        };
        // Values are compared trimmed; first match wins.
        let night_phone = schedules.calendar_for(record(" night ", "phone"));
        assert_eq!(night_phone, 1);
        assert_eq!(schedules.calendar_for(record("night", "email")), 2);
        assert_eq!(schedules.calendar_for(record("day", "phone")), 0);
        assert_eq!(schedules.calendar_for(|_| None), 0);

        // Entry 1 keeps Bucharest and the 12-25 holiday. Thu 2026-12-24 19:00 → Sat 12-26
        // 12:00 local (+2): Thu 20:00–24:00 = 4 h; Fri 25th is a holiday, 0. Total 4 h.
        let got = business_in(
            WITH_OVERRIDE,
            night_phone,
            "2026-12-24T17:00:00Z",
            "2026-12-26T10:00:00Z",
        );
        assert_eq!(got, Some(4 * HOUR));
        // The week before (no holiday): Thu 12-17 20:00–24:00 = 4 h, Fri 00:00–06:00 = 6 h,
        // Fri 20:00–24:00 = 4 h; 14 h.
        let got = business_in(
            WITH_OVERRIDE,
            night_phone,
            "2026-12-17T17:00:00Z",
            "2026-12-19T10:00:00Z",
        );
        assert_eq!(got, Some(14 * HOUR));
        // Entry 2: top-level hours, in UTC, no holidays: Fri 12-25 09:00–17:00 UTC = 8 h.
        let got = business_in(
            WITH_OVERRIDE,
            2,
            "2026-12-25T00:00:00Z",
            "2026-12-26T00:00:00Z",
        );
        assert_eq!(got, Some(8 * HOUR));
    }

    #[test]
    fn batch_over_slices() {
        let schedules = Schedules::parse(WITH_OVERRIDE).expect("parses");
        let from = [
            Some(utc("2026-12-17T17:00:00Z")),
            None,
            Some(utc("2026-12-25T00:00:00Z")),
            Some(utc("2026-12-25T00:00:00Z")),
            Some(utc("2026-12-26T00:00:00Z")),
        ];
        let to = [
            Some(utc("2026-12-19T10:00:00Z")),
            Some(utc("2026-12-19T10:00:00Z")),
            Some(utc("2026-12-26T00:00:00Z")),
            Some(utc("2026-12-26T00:00:00Z")),
            Some(utc("2026-12-25T00:00:00Z")),
        ];
        let timelines = schedules
            .timelines(utc("2026-12-17T00:00:00Z"), utc("2026-12-27T00:00:00Z"))
            .expect("timelines");
        // Calendar 9 does not exist: null. The last record runs backwards: null.
        let calendars = [1, 0, 2, 9, 0];
        let got = business_micros(&timelines, Some(&calendars), &from, &to);
        assert_eq!(got, vec![Some(14 * HOUR), None, Some(8 * HOUR), None, None]);
        // Without calendars, all in the top-level one: Fri 12-25 is a holiday there, 0.
        let got = business_micros(&timelines, None, &from[2..3], &to[2..3]);
        assert_eq!(got, vec![Some(0)]);
        // Outside the materialised range: null rather than a wrong number.
        let timeline = &timelines[0];
        assert_eq!(
            timeline.open_micros(utc("2026-12-01T00:00:00Z"), utc("2026-12-20T00:00:00Z")),
            None
        );
    }

    fn parse_error(text: &str) -> ScheduleError {
        Schedules::parse(text).expect_err("schedule should be rejected")
    }

    #[test]
    fn syntax_error_names_its_line() {
        let error =
            parse_error("timezone = \"UTC\"\n[hours]\nmon = [\"09:00-17:00\" \"x\"]\ntue = []\n");
        assert!(
            matches!(error, ScheduleError::Syntax { line: 3, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("line 3"), "{error}");
        // A value of the wrong type is reported where it stands.
        let error = parse_error("timezone = \"UTC\"\n[hours]\nmon = \"09:00-17:00\"\n");
        assert!(
            matches!(error, ScheduleError::Syntax { line: 3, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn unknown_top_level_key() {
        let error = parse_error("timezone = \"UTC\"\n\ntime_zone = \"UTC\"\n");
        assert!(
            matches!(error, ScheduleError::UnknownKey { line: 3, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("time_zone"), "{error}");
        let error = parse_error(
            "timezone = \"UTC\"\n[[schedule]]\nmatch = { team = \"a\" }\nzone = \"UTC\"\n",
        );
        assert!(
            matches!(error, ScheduleError::UnknownKey { line: 4, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn missing_timezone() {
        let error = parse_error("[hours]\nmon = [\"09:00-17:00\"]\n");
        assert_eq!(error, ScheduleError::MissingTimezone);
    }

    #[test]
    fn unknown_weekday_names_key_and_allowed_ones() {
        let error =
            parse_error("timezone = \"UTC\"\n[hours]\nmon = []\nmonday = [\"09:00-17:00\"]\n");
        assert_eq!(
            error,
            ScheduleError::UnknownWeekday {
                line: 4,
                key: "monday".into()
            }
        );
        let message = error.to_string();
        assert!(
            message.contains("`monday`") && message.contains("mon, tue, wed, thu, fri, sat, sun"),
            "{message}"
        );
    }

    #[test]
    fn unknown_zone_is_named() {
        let error = parse_error("timezone = \"Europe/Bucharestt\"\n");
        assert_eq!(
            error,
            ScheduleError::UnknownZone {
                line: 1,
                name: "Europe/Bucharestt".into()
            }
        );
        assert!(error.to_string().contains("Europe/Bucharestt"));
        let error = parse_error("timezone = \"UTC\"\n[[schedule]]\nmatch = { team = \"a\" }\ntimezone = \"Mars/Olympus\"\n");
        assert!(
            matches!(error, ScheduleError::UnknownZone { line: 4, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn bad_clock_times() {
        for (interval, fragment) in [
            ("25:00-26:00", "25:00"),
            ("09:60-10:00", "09:60"),
            ("9:00-17:00", "9:00"),
            ("09:00", "no `-`"),
            ("09:00-24:30", "24:30"),
            ("24:00-24:00", "24:00"),
            ("ab:cd-17:00", "ab:cd"),
        ] {
            let text = format!("timezone = \"UTC\"\n[hours]\ntue = [\"{interval}\"]\n");
            let error = parse_error(&text);
            assert!(
                matches!(error, ScheduleError::BadInterval { line: 3, .. }),
                "{interval}: {error:?}"
            );
            assert!(error.to_string().contains(fragment), "{error}");
        }
    }

    #[test]
    fn end_not_after_start() {
        for interval in ["17:00-09:00", "09:00-09:00"] {
            let text = format!("timezone = \"UTC\"\n[hours]\n\nwed = [\"{interval}\"]\n");
            let error = parse_error(&text);
            assert_eq!(
                error,
                ScheduleError::EmptyInterval {
                    line: 4,
                    text: interval.into()
                }
            );
        }
    }

    #[test]
    fn overlapping_intervals_are_both_named() {
        let text =
            "timezone = \"UTC\"\n[hours]\nthu = [\n  \"13:00-17:00\",\n  \"09:00-13:30\",\n]\n";
        let error = parse_error(text);
        assert_eq!(
            error,
            ScheduleError::OverlappingIntervals {
                line: 5,
                weekday: "thu".into(),
                first: "09:00-13:30".into(),
                second: "13:00-17:00".into(),
            }
        );
        // Touching is not overlapping.
        assert!(Schedules::parse(
            "timezone = \"UTC\"\n[hours]\nthu = [\"09:00-13:00\", \"13:00-17:00\"]\n"
        )
        .is_ok());
    }

    #[test]
    fn bad_holiday_and_bad_match() {
        let error = parse_error("timezone = \"UTC\"\nholidays = [\"2026-02-30\"]\n");
        assert!(
            matches!(error, ScheduleError::BadHoliday { line: 2, .. }),
            "{error:?}"
        );
        // Unquoted TOML dates are accepted.
        assert!(Schedules::parse("timezone = \"UTC\"\nholidays = [2026-12-25]\n").is_ok());
        let error = parse_error("timezone = \"UTC\"\n[[schedule]]\nhours = {}\n");
        assert_eq!(error, ScheduleError::MissingMatch { line: 2 });
        let error = parse_error("timezone = \"UTC\"\n[[schedule]]\nmatch = {}\n");
        assert_eq!(error, ScheduleError::MissingMatch { line: 3 });
        let error = parse_error("timezone = \"UTC\"\n[[schedule]]\nmatch = { sla = 1.5 }\n");
        assert_eq!(
            error,
            ScheduleError::BadMatchValue {
                line: 3,
                key: "sla".into()
            }
        );
    }

    #[test]
    fn huge_ranges_are_refused_not_materialised() {
        let schedules = Schedules::parse(NINE_TO_FIVE_UTC).expect("parses");
        let error = schedules.calendars()[0].timeline(i64::MIN, i64::MAX);
        assert!(matches!(error, Err(ScheduleError::RangeTooLong { .. })));
        // 1970..2100 is fine.
        let timeline = schedules.calendars()[0]
            .timeline(0, utc("2100-01-01T00:00:00Z"))
            .expect("a century");
        // 2026-03-09 (Mon) 00:00 → 03-16 00:00: five 8 h days = 40 h.
        assert_eq!(
            timeline.open_micros(utc("2026-03-09T00:00:00Z"), utc("2026-03-16T00:00:00Z")),
            Some(40 * HOUR)
        );
    }

    // ---- property tests against a naive day-by-day reference ----

    const ZONES: [&str; 6] = [
        "UTC",
        "Europe/Bucharest",
        "America/New_York",
        "Australia/Lord_Howe",
        "America/Santiago",
        "Asia/Kolkata",
    ];
    const RANGE_START: i64 = 1_764_547_200_000_000; // 2025-12-01T00:00:00Z
    const RANGE_LEN: i64 = 430 * MICROS_PER_DAY;

    /// Local → UTC found by stepping minute by minute, independently of the kernel's rule:
    /// in a gap, take the offset of the last valid minute before it.
    fn reference_local_to_utc(zone: Tz, local: NaiveDateTime) -> i64 {
        if let Some(instant) = zone.from_local_datetime(&local).earliest() {
            return instant.timestamp_micros();
        }
        let mut probe = local;
        loop {
            probe -= TimeDelta::minutes(1);
            if let Some(instant) = zone.from_local_datetime(&probe).latest() {
                let offset = instant.offset().fix().local_minus_utc();
                return (local - TimeDelta::seconds(i64::from(offset)))
                    .and_utc()
                    .timestamp_micros();
            }
        }
    }

    fn reference_business(calendar: &Calendar, from: i64, to: i64) -> i64 {
        let first = DateTime::from_timestamp_micros(from)
            .expect("in range")
            .date_naive()
            - TimeDelta::days(2);
        let last = DateTime::from_timestamp_micros(to)
            .expect("in range")
            .date_naive()
            + TimeDelta::days(2);
        let mut pieces = Vec::new();
        let mut date = first;
        while date <= last {
            if !calendar.holidays.contains(&date) {
                let weekday = date.weekday().num_days_from_monday() as usize;
                for interval in &calendar.week[weekday] {
                    let at = |minute: u32| {
                        let local = date.and_hms_opt(0, 0, 0).expect("midnight")
                            + TimeDelta::minutes(i64::from(minute));
                        reference_local_to_utc(calendar.zone, local)
                    };
                    let start = at(interval.start_minute).max(from);
                    let end = at(interval.end_minute).min(to);
                    if start < end {
                        pieces.push((start, end));
                    }
                }
            }
            date += TimeDelta::days(1);
        }
        pieces.sort();
        let mut total = 0;
        let mut covered_to = i64::MIN;
        for (start, end) in pieces {
            let start = start.max(covered_to);
            if end > start {
                total += end - start;
                covered_to = end;
            }
        }
        total
    }

    /// Up to three non-overlapping intervals a day on a 15-minute grid (so DST edges at
    /// 00:00, 02:00, 02:30 ... are hit), rendered as TOML.
    fn day_strategy() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::btree_set(0u32..=96, 0..=6).prop_map(|points| {
            let points: Vec<u32> = points.into_iter().collect();
            points
                .chunks_exact(2)
                .map(|pair| {
                    let clock = |q: u32| format!("{:02}:{:02}", q * 15 / 60, q * 15 % 60);
                    format!("\"{}-{}\"", clock(pair[0]), clock(pair[1]))
                })
                .collect()
        })
    }

    fn schedule_strategy() -> impl Strategy<Value = String> {
        (
            0..ZONES.len(),
            proptest::collection::vec(day_strategy(), 7),
            proptest::collection::vec(0i64..430, 0..4),
        )
            .prop_map(|(zone, days, holidays)| {
                let holidays: Vec<String> = holidays
                    .iter()
                    .map(|day| {
                        let date =
                            DateTime::from_timestamp_micros(RANGE_START + day * MICROS_PER_DAY)
                                .expect("in range")
                                .date_naive();
                        format!("\"{date}\"")
                    })
                    .collect();
                let hours: Vec<String> = WEEKDAYS
                    .iter()
                    .zip(&days)
                    .map(|(day, intervals)| format!("{day} = [{}]", intervals.join(", ")))
                    .collect();
                format!(
                    "timezone = \"{}\"\nholidays = [{}]\n[hours]\n{}\n",
                    ZONES[zone],
                    holidays.join(", "),
                    hours.join("\n")
                )
            })
    }

    /// Spans anywhere in the range, or starting within two days before a DST change of one
    /// of `ZONES` (2026 dates; Lord Howe and Santiago change in April and September).
    fn span_strategy() -> impl Strategy<Value = (i64, i64)> {
        let dst_days = [
            "2026-03-08",
            "2026-03-29",
            "2026-04-05",
            "2026-09-06",
            "2026-10-04",
            "2026-10-25",
            "2026-11-01",
        ]
        .map(|day| utc(&format!("{day}T00:00:00Z")));
        let anywhere = (0..RANGE_LEN).prop_map(|offset| RANGE_START + offset);
        let near_dst = (0..dst_days.len(), 0..4 * MICROS_PER_DAY)
            .prop_map(move |(day, offset)| dst_days[day] - 2 * MICROS_PER_DAY + offset);
        (
            prop_oneof![anywhere, near_dst],
            prop_oneof![0..3 * MICROS_PER_DAY, 0..20 * MICROS_PER_DAY],
        )
            .prop_map(|(start, length)| (start, start + length))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn timeline_agrees_with_naive_reference(text in schedule_strategy(), (from, to) in span_strategy()) {
            let schedules = Schedules::parse(&text).expect("generated schedule parses");
            let calendar = &schedules.calendars()[0];
            let timeline = calendar.timeline(from, to).expect("timeline");
            let fast = timeline.open_micros(from, to).expect("in range");
            prop_assert_eq!(fast, reference_business(calendar, from, to), "{}", text);
            prop_assert!(fast >= 0 && fast <= to - from);
        }

        #[test]
        fn splitting_a_span_adds_up(text in schedule_strategy(), (from, to) in span_strategy(), cut in 0.0f64..=1.0) {
            let schedules = Schedules::parse(&text).expect("generated schedule parses");
            let timeline = schedules.calendars()[0].timeline(from, to).expect("timeline");
            let middle = from + ((to - from) as f64 * cut) as i64;
            let whole = timeline.open_micros(from, to).expect("in range");
            let parts = timeline.open_micros(from, middle).expect("in range")
                + timeline.open_micros(middle, to).expect("in range");
            prop_assert_eq!(whole, parts);
        }

        #[test]
        fn always_open_counts_calendar_time(zone in 0..ZONES.len(), (from, to) in span_strategy()) {
            let schedules = Schedules::parse(&all_day(ZONES[zone])).expect("parses");
            let timeline = schedules.calendars()[0].timeline(from, to).expect("timeline");
            prop_assert_eq!(timeline.open_micros(from, to), Some(to - from));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,200}") {
            let _ = Schedules::parse(&text);
        }
    }

    /// `cargo test --release -- --ignored --nocapture timing`
    #[test]
    #[ignore]
    fn timing_ten_million_records() {
        use std::time::Instant;
        let schedules = Schedules::parse(WITH_OVERRIDE).expect("parses");
        let build = Instant::now();
        let century = schedules.calendars()[0]
            .timeline(0, utc("2100-01-01T00:00:00Z"))
            .expect("timeline");
        println!(
            "timeline 1970..2100: {:?}, {} intervals",
            build.elapsed(),
            century.starts.len()
        );

        let records = 10_000_000usize;
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let first = utc("2020-01-01T00:00:00Z");
        let span = 10 * 365 * MICROS_PER_DAY;
        let mut from = Vec::with_capacity(records);
        let mut to = Vec::with_capacity(records);
        let mut calendars = Vec::with_capacity(records);
        for _ in 0..records {
            let start = first + (next() % span as u64) as i64;
            from.push(Some(start));
            to.push(Some(start + (next() % (14 * MICROS_PER_DAY) as u64) as i64));
            calendars.push((next() % 3) as u32);
        }
        let build = Instant::now();
        let timelines = schedules
            .timelines(first, first + span + 14 * MICROS_PER_DAY)
            .expect("timelines");
        let built = build.elapsed();
        // Best of three: the figure is for the kernel, not for a busy machine.
        let best_of_three = |from: &[Option<i64>], to: &[Option<i64>], calendars: &[u32]| {
            (0..3)
                .map(|_| {
                    let run = Instant::now();
                    let result = business_micros(&timelines, Some(calendars), from, to);
                    (run.elapsed(), result.iter().flatten().sum::<i64>())
                })
                .min()
                .unwrap_or_default()
        };
        let (elapsed, total) = best_of_three(&from, &to, &calendars);
        println!(
            "3 timelines over 10 years: {built:?}; {records} records: {elapsed:?} = {:.1} ns/record (checksum {total})",
            elapsed.as_nanos() as f64 / records as f64
        );

        // Exports usually come in creation order, which keeps the look-ups in cache.
        let mut order: Vec<usize> = (0..records).collect();
        order.sort_unstable_by_key(|&record| from[record]);
        let from: Vec<Option<i64>> = order.iter().map(|&record| from[record]).collect();
        let to: Vec<Option<i64>> = order.iter().map(|&record| to[record]).collect();
        let calendars: Vec<u32> = order.iter().map(|&record| calendars[record]).collect();
        let (elapsed, sorted_total) = best_of_three(&from, &to, &calendars);
        assert_eq!(sorted_total, total);
        println!(
            "same records in creation order: {elapsed:?} = {:.1} ns/record",
            elapsed.as_nanos() as f64 / records as f64
        );
    }
}
