//! Calendar periods and comparison windows (SPEC §8); local times become instants by the
//! DST rule of SPEC §2 (`timestamps::local_instant`).
//!
//! Instants are microseconds since the Unix epoch (UTC, `i64`). A period is a local calendar
//! day, week, month, quarter or year in a `chrono_tz::Tz`, labelled by the local date it starts
//! on and spanning `[local midnight of its first day, local midnight of the next period)`, so
//! DST days are 23 or 25 hours long. [`Periods`] turns those boundaries into a sorted vector
//! once, so bucketing a column of instants is a table lookup (or a binary search) per record
//! with no calendar or time-zone call.
//!
//! Membership is by those boundaries. Where 00:00 falls in a gap that began the evening
//! before (America/Toronto, 1919-03-30 23:30 → 00:30), the §2 reading of midnight is the gap's
//! length after the transition, so the first minutes that show the new date still belong to
//! the old day; a scan of every tz-database zone for 1900–2100 found this on one date only.
//!
//! Supported dates are 0001-01-01 to 9999-12-31 (local); anything outside is a
//! [`PeriodError`], never a panic. A function that steps from a supported date may return a
//! date one period outside that range (the end of the period holding 9999-12-31 is
//! 10000-01-01); such a date is still a valid boundary.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

pub(crate) use crate::timestamps::local_instant;
use crate::timestamps::offset_seconds;

const MICROS_PER_SECOND: i64 = 1_000_000;

/// 0001-01-01T00:00:00Z in epoch microseconds.
const SUPPORTED_MIN_MICROS: i64 = -62_135_596_800 * MICROS_PER_SECOND;
/// 10000-01-01T00:00:00Z in epoch microseconds (exclusive).
const SUPPORTED_END_MICROS: i64 = 253_402_300_800 * MICROS_PER_SECOND;

/// `--every`: the length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub(crate) enum Every {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// `--week-start`: the local weekday a week period starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub(crate) enum WeekStart {
    #[default]
    Monday,
    Sunday,
}

/// `--compare`: which earlier window a value is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub(crate) enum Compare {
    Previous,
    Year,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PeriodError {
    #[error(
        "instant {micros} µs since the epoch is outside the supported dates 0001-01-01 to 9999-12-31"
    )]
    InstantOutOfRange { micros: i64 },
    #[error("date {date} is outside the supported dates 0001-01-01 to 9999-12-31")]
    DateOutOfRange { date: NaiveDate },
    #[error("range start {start} µs is after its end {end} µs")]
    InvertedRange { start: i64, end: i64 },
    #[error("the comparison window of [{from}, {to}) µs falls outside the representable instants")]
    WindowOverflow { from: i64, to: i64 },
}

/// A half-open window of instants, `from <= t < to`, in epoch microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Window {
    pub(crate) from: i64,
    pub(crate) to: i64,
}

impl Window {
    pub(crate) fn contains(&self, micros: i64) -> bool {
        self.from <= micros && micros < self.to
    }

    #[cfg(test)]
    pub(crate) fn length_micros(&self) -> i64 {
        self.to.saturating_sub(self.from)
    }
}

// ---------------------------------------------------------------------------------------------
// Local time ↔ instant
// ---------------------------------------------------------------------------------------------

/// The instant at which `date` starts in `tz`: local 00:00, under the rule of [`local_instant`].
pub(crate) fn local_midnight(tz: Tz, date: NaiveDate) -> i64 {
    local_instant(tz, date.and_time(NaiveTime::MIN))
}

/// The local date and time of an instant in `tz`.
pub(crate) fn local_datetime(tz: Tz, micros: i64) -> Result<NaiveDateTime, PeriodError> {
    let out_of_range = PeriodError::InstantOutOfRange { micros };
    // Checked before chrono sees it: its offset arithmetic panics at the edges of its range.
    if !(SUPPORTED_MIN_MICROS..SUPPORTED_END_MICROS).contains(&micros) {
        return Err(out_of_range);
    }
    let utc = DateTime::from_timestamp_micros(micros)
        .ok_or(out_of_range.clone())?
        .naive_utc();
    let offset = chrono::TimeDelta::seconds(offset_seconds(tz.offset_from_utc_datetime(&utc)));
    let local = utc.checked_add_signed(offset).ok_or(out_of_range.clone())?;
    if is_supported_date(local.date()) {
        Ok(local)
    } else {
        Err(out_of_range)
    }
}

/// The local calendar date of an instant in `tz`.
pub(crate) fn local_date(tz: Tz, micros: i64) -> Result<NaiveDate, PeriodError> {
    local_datetime(tz, micros).map(|local| local.date())
}

// ---------------------------------------------------------------------------------------------
// Dates → periods
// ---------------------------------------------------------------------------------------------

fn is_supported_date(date: NaiveDate) -> bool {
    (1..=9999).contains(&date.year())
}

fn supported(date: NaiveDate) -> Result<NaiveDate, PeriodError> {
    if is_supported_date(date) {
        Ok(date)
    } else {
        Err(PeriodError::DateOutOfRange { date })
    }
}

/// The first local date of the period holding `date`: itself for days, back to the week-start
/// weekday for weeks, the 1st of the month, of Jan/Apr/Jul/Oct, or of January.
pub(crate) fn period_start_date(
    date: NaiveDate,
    every: Every,
    week_start: WeekStart,
) -> Result<NaiveDate, PeriodError> {
    let date = supported(date)?;
    let first_of_month = |month: u32| NaiveDate::from_ymd_opt(date.year(), month, 1);
    let start = match every {
        Every::Day => Some(date),
        Every::Week => {
            let days_into_week = match week_start {
                WeekStart::Monday => date.weekday().num_days_from_monday(),
                WeekStart::Sunday => date.weekday().num_days_from_sunday(),
            };
            date.checked_sub_days(Days::new(u64::from(days_into_week)))
        }
        Every::Month => first_of_month(date.month()),
        Every::Quarter => first_of_month(date.month0() / 3 * 3 + 1),
        Every::Year => first_of_month(1),
    };
    // Unreachable for supported dates; kept as an error rather than an unwrap.
    start.ok_or(PeriodError::DateOutOfRange { date })
}

/// The first date of the period after the one holding `date`.
#[cfg(test)]
pub(crate) fn next_period_date(
    date: NaiveDate,
    every: Every,
    week_start: WeekStart,
) -> Result<NaiveDate, PeriodError> {
    let start = period_start_date(date, every, week_start)?;
    step_period(start, every, 1)
}

/// The first date of the period before the one holding `date`.
#[cfg(test)]
pub(crate) fn previous_period_date(
    date: NaiveDate,
    every: Every,
    week_start: WeekStart,
) -> Result<NaiveDate, PeriodError> {
    let start = period_start_date(date, every, week_start)?;
    step_period(start, every, -1)
}

/// Moves a period's first date by `steps` whole periods (±1 in practice).
fn step_period(start: NaiveDate, every: Every, steps: i32) -> Result<NaiveDate, PeriodError> {
    let (days, months) = match every {
        Every::Day => (1, 0),
        Every::Week => (7, 0),
        Every::Month => (0, 1),
        Every::Quarter => (0, 3),
        Every::Year => (0, 12),
    };
    let magnitude = u64::from(steps.unsigned_abs());
    let moved = if steps >= 0 {
        start
            .checked_add_days(Days::new(days * magnitude))
            .and_then(|d| d.checked_add_months(Months::new(months * steps.unsigned_abs())))
    } else {
        start
            .checked_sub_days(Days::new(days * magnitude))
            .and_then(|d| d.checked_sub_months(Months::new(months * steps.unsigned_abs())))
    };
    moved.ok_or(PeriodError::DateOutOfRange { date: start })
}

/// The same calendar date a year earlier; 29 February becomes 28 February (SPEC §8).
pub(crate) fn same_date_year_earlier(date: NaiveDate) -> Result<NaiveDate, PeriodError> {
    let date = supported(date)?;
    let day = if date.month() == 2 && date.day() == 29 {
        28
    } else {
        date.day()
    };
    NaiveDate::from_ymd_opt(date.year() - 1, date.month(), day)
        .ok_or(PeriodError::DateOutOfRange { date })
}

/// The instants `[start, end)` of the period holding local date `date` in `tz`.
#[cfg(test)]
pub(crate) fn period_window(
    tz: Tz,
    date: NaiveDate,
    every: Every,
    week_start: WeekStart,
) -> Result<Window, PeriodError> {
    let start = period_start_date(date, every, week_start)?;
    let end = step_period(start, every, 1)?;
    Ok(Window {
        from: local_midnight(tz, start),
        to: local_midnight(tz, end),
    })
}

/// `YYYY-MM-DD`, the `period` label. Years outside 0..=9999 (never produced from supported
/// input) get a sign, like ISO 8601's expanded years, instead of a panic.
pub(crate) fn format_label(date: NaiveDate) -> String {
    let mut label = String::with_capacity(10);
    let year = date.year();
    // Writing to a String cannot fail.
    let _ = if (0..=9999).contains(&year) {
        write!(label, "{year:04}-{:02}-{:02}", date.month(), date.day())
    } else {
        write!(label, "{year:+05}-{:02}-{:02}", date.month(), date.day())
    };
    label
}

// ---------------------------------------------------------------------------------------------
// Comparison windows
// ---------------------------------------------------------------------------------------------

/// The label (first date) of the comparison period of the period holding `date`:
/// `previous` is the period just before; `year` is the same period a year earlier — 52 weeks
/// earlier for weeks (so it starts on the same weekday), the same date with 29 Feb → 28 Feb
/// for days, the same month, quarter or year otherwise.
pub(crate) fn comparison_period_date(
    date: NaiveDate,
    every: Every,
    week_start: WeekStart,
    compare: Compare,
) -> Result<NaiveDate, PeriodError> {
    let start = period_start_date(date, every, week_start)?;
    match (compare, every) {
        (Compare::Previous, _) => step_period(start, every, -1),
        (Compare::Year, Every::Week) => start
            .checked_sub_days(Days::new(52 * 7))
            .ok_or(PeriodError::DateOutOfRange { date: start }),
        (Compare::Year, Every::Day) => same_date_year_earlier(start),
        // A month, quarter or year starts on the 1st, which every year has.
        (Compare::Year, Every::Month | Every::Quarter | Every::Year) => start
            .checked_sub_months(Months::new(12))
            .ok_or(PeriodError::DateOutOfRange { date: start }),
    }
}

/// The comparison window, as instants, of the period holding `date` (`--every` given). It is
/// a whole period and is not cut by `--from`/`--to`.
pub(crate) fn comparison_period_window(
    tz: Tz,
    date: NaiveDate,
    every: Every,
    week_start: WeekStart,
    compare: Compare,
) -> Result<Window, PeriodError> {
    let comparison_start = comparison_period_date(date, every, week_start, compare)?;
    let comparison_end = step_period(comparison_start, every, 1)?;
    Ok(Window {
        from: local_midnight(tz, comparison_start),
        to: local_midnight(tz, comparison_end),
    })
}

/// The comparison window of a `--from`/`--to` window (no `--every`): `previous` is the same
/// length just before, in plain microseconds; `year` moves each bound to the same local date
/// and time a year earlier in `tz` (29 Feb → 28 Feb) and re-reads it with the DST rule.
pub(crate) fn comparison_window(
    tz: Tz,
    window: Window,
    compare: Compare,
) -> Result<Window, PeriodError> {
    let Window { from, to } = window;
    if from > to {
        return Err(PeriodError::InvertedRange {
            start: from,
            end: to,
        });
    }
    match compare {
        Compare::Previous => {
            let previous_from = to
                .checked_sub(from)
                .and_then(|length| from.checked_sub(length))
                .ok_or(PeriodError::WindowOverflow { from, to })?;
            Ok(Window {
                from: previous_from,
                to: from,
            })
        }
        Compare::Year => {
            let earlier_from = same_local_time_year_earlier(tz, from)?;
            let earlier_to = same_local_time_year_earlier(tz, to)?;
            // Moving a gap time forward can carry `from` past a `to` just after the gap
            // (03:30 in a 03:00→04:00 gap reads as 04:30, later than 04:00); that window is
            // empty rather than inverted.
            Ok(Window {
                from: earlier_from,
                to: earlier_to.max(earlier_from),
            })
        }
    }
}

/// The instant showing, in `tz`, the same local date and time as `micros` a year earlier.
pub(crate) fn same_local_time_year_earlier(tz: Tz, micros: i64) -> Result<i64, PeriodError> {
    let local = local_datetime(tz, micros)?;
    let earlier_date = same_date_year_earlier(local.date())?;
    Ok(local_instant(tz, earlier_date.and_time(local.time())))
}

// ---------------------------------------------------------------------------------------------
// Vectorised bucketing
// ---------------------------------------------------------------------------------------------

/// Every period from the one holding `min` to the one holding `max`, empty ones included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Periods {
    every: Every,
    week_start: WeekStart,
    labels: Vec<NaiveDate>,
    /// `boundaries[i]` starts period `i` and `boundaries[i + 1]` ends it, so there is one more
    /// boundary than label. Non-decreasing; equal neighbours only for a local day the zone
    /// skipped entirely (Pacific/Apia, 2011-12-30), which then holds no instant.
    boundaries: Vec<i64>,
    /// A direct-index shortcut over the boundaries; `None` falls back to binary search.
    grid: Option<PeriodGrid>,
}

/// Cuts the covered span into equal cells of `2^shift` µs, no longer than the shortest
/// non-empty period, and records the period holding each cell's first instant. A cell then
/// meets at most two non-empty periods, so lookup is a shift, a load and a step or two
/// forward, instead of a binary search whose unpredictable branches dominate its cost.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PeriodGrid {
    shift: u32,
    period_at_cell_start: Vec<u32>,
}

impl PeriodGrid {
    /// Most cells per period before the grid stops paying for its memory; real periods need
    /// under 3 (a month of 28 days − 1 h against cells of 2^41 µs ≈ 25.5 days is the worst).
    const MAX_CELLS_PER_PERIOD: usize = 4;

    fn build(boundaries: &[i64]) -> Option<Self> {
        let (&origin, &end) = (boundaries.first()?, boundaries.last()?);
        let shortest = boundaries
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .filter(|&length| length > 0)
            .min()?;
        let shift = 63 - shortest.leading_zeros();
        let cells = usize::try_from((end - origin - 1) >> shift).ok()? + 1;
        let periods = boundaries.len() - 1;
        if cells > Self::MAX_CELLS_PER_PERIOD * periods + 16 {
            return None;
        }
        let mut period_at_cell_start = Vec::with_capacity(cells);
        let mut period = 0usize;
        for cell in 0..cells {
            let cell_start = origin + ((cell as i64) << shift);
            while boundaries
                .get(period + 1)
                .is_some_and(|&period_end| period_end <= cell_start)
            {
                period += 1;
            }
            period_at_cell_start.push(u32::try_from(period).ok()?);
        }
        Some(Self {
            shift,
            period_at_cell_start,
        })
    }

    /// The period holding `micros`, which the caller has checked lies in the covered span.
    fn index_of(&self, boundaries: &[i64], micros: i64) -> Option<usize> {
        let origin = *boundaries.first()?;
        let cell = usize::try_from((micros - origin) >> self.shift).ok()?;
        let mut period = *self.period_at_cell_start.get(cell)? as usize;
        while *boundaries.get(period + 1)? <= micros {
            period += 1;
        }
        Some(period)
    }
}

impl Periods {
    /// Lists the periods of `every` in `tz` that cover the instants `min..=max`.
    pub(crate) fn covering(
        tz: Tz,
        every: Every,
        week_start: WeekStart,
        min_micros: i64,
        max_micros: i64,
    ) -> Result<Self, PeriodError> {
        if min_micros > max_micros {
            return Err(PeriodError::InvertedRange {
                start: min_micros,
                end: max_micros,
            });
        }
        // Validates max as well, so the walk below ends inside the supported dates.
        local_date(tz, max_micros)?;
        let mut label = period_start_date(local_date(tz, min_micros)?, every, week_start)?;
        let mut start = local_midnight(tz, label);

        // Period membership is by boundaries, not by the local date; the two can differ around a
        // transition at midnight (see the module docs), and these two loops absorb that.
        while start > min_micros {
            label = step_period(label, every, -1)?;
            start = local_midnight(tz, label);
        }
        loop {
            let next = step_period(label, every, 1)?;
            let next_start = local_midnight(tz, next);
            if next_start > min_micros {
                break;
            }
            label = next;
            start = next_start;
        }

        let mut labels = Vec::new();
        let mut boundaries = vec![start];
        loop {
            labels.push(label);
            let next = step_period(label, every, 1)?;
            let end = local_midnight(tz, next);
            boundaries.push(end);
            if end > max_micros {
                break;
            }
            label = next;
        }
        Ok(Self {
            every,
            week_start,
            labels,
            grid: PeriodGrid::build(&boundaries),
            boundaries,
        })
    }

    pub(crate) fn every(&self) -> Every {
        self.every
    }

    pub(crate) fn week_start(&self) -> WeekStart {
        self.week_start
    }

    pub(crate) fn len(&self) -> usize {
        self.labels.len()
    }

    /// Each period's label: the local date it starts on.
    pub(crate) fn labels(&self) -> &[NaiveDate] {
        &self.labels
    }

    /// Each period's start instant, sorted.
    #[cfg(test)]
    pub(crate) fn starts(&self) -> &[i64] {
        &self.boundaries[..self.labels.len()]
    }

    pub(crate) fn label(&self, index: usize) -> Option<NaiveDate> {
        self.labels.get(index).copied()
    }

    pub(crate) fn window(&self, index: usize) -> Option<Window> {
        let from = *self.boundaries.get(index)?;
        let to = *self.boundaries.get(index + 1)?;
        Some(Window { from, to })
    }

    /// The whole span `[first start, last end)`.
    pub(crate) fn span(&self) -> Window {
        Window {
            from: self.boundaries.first().copied().unwrap_or(0),
            to: self.boundaries.last().copied().unwrap_or(0),
        }
    }

    /// The period holding `micros`; `None` outside the covered span. An instant exactly on a
    /// boundary belongs to the period that starts there.
    pub(crate) fn index_of(&self, micros: i64) -> Option<usize> {
        if !self.span().contains(micros) {
            return None;
        }
        match &self.grid {
            Some(grid) => grid.index_of(&self.boundaries, micros),
            None => self.index_by_search(micros),
        }
    }

    /// [`Self::index_of`] by binary search, for a span the grid would make too large.
    fn index_by_search(&self, micros: i64) -> Option<usize> {
        if !self.span().contains(micros) {
            return None;
        }
        // The first boundary after `micros`, minus one, is the last period starting at or
        // before it (a skipped, empty day is passed over because its end equals its start).
        Some(
            self.boundaries
                .partition_point(|&boundary| boundary <= micros)
                - 1,
        )
    }

    /// [`Self::index_of`] over a column; a missing instant, or one outside the span, is `None`.
    pub(crate) fn assign(&self, instants: &[Option<i64>]) -> Vec<Option<u32>> {
        instants
            .iter()
            .map(|instant| {
                instant
                    .and_then(|micros| self.index_of(micros))
                    .and_then(|index| u32::try_from(index).ok())
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::LocalResult;
    use proptest::prelude::*;

    const HOUR: i64 = 3600 * MICROS_PER_SECOND;

    fn zone(name: &str) -> Tz {
        name.parse().expect("test zone name")
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn naive(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("test datetime")
    }

    /// Epoch microseconds of a UTC `YYYY-MM-DD HH:MM:SS`.
    fn utc(text: &str) -> i64 {
        naive(text).and_utc().timestamp_micros()
    }

    fn bucharest() -> Tz {
        zone("Europe/Bucharest")
    }

    fn window_of(tz: Tz, day: &str, every: Every, week_start: WeekStart) -> Window {
        period_window(tz, date(day), every, week_start).expect("period window")
    }

    fn label_of(periods: &Periods, micros: i64) -> Option<NaiveDate> {
        periods.index_of(micros).and_then(|i| periods.label(i))
    }

    // --- every unit across the Bucharest DST changes (UTC+2 in winter, UTC+3 in summer) ---

    #[test]
    fn day_of_spring_forward_is_23_hours() {
        // 2026-03-29 00:00 +02 = 03-28 22:00Z; 2026-03-30 00:00 +03 = 03-29 21:00Z: 23 h.
        let window = window_of(bucharest(), "2026-03-29", Every::Day, WeekStart::Monday);
        assert_eq!(window.from, utc("2026-03-28 22:00:00"));
        assert_eq!(window.to, utc("2026-03-29 21:00:00"));
        assert_eq!(window.length_micros(), 23 * HOUR);
    }

    #[test]
    fn day_of_fall_back_is_25_hours() {
        // 2026-10-25 00:00 +03 = 10-24 21:00Z; 2026-10-26 00:00 +02 = 10-25 22:00Z: 25 h.
        let window = window_of(bucharest(), "2026-10-25", Every::Day, WeekStart::Monday);
        assert_eq!(window.from, utc("2026-10-24 21:00:00"));
        assert_eq!(window.to, utc("2026-10-25 22:00:00"));
        assert_eq!(window.length_micros(), 25 * HOUR);
    }

    #[test]
    fn week_holding_spring_forward_is_167_hours_for_both_week_starts() {
        // Monday weeks: 2026-03-23 00:00 +02 (03-22 22:00Z) to 2026-03-30 00:00 +03
        // (03-29 21:00Z) = 7 × 24 − 1 = 167 h.
        let monday = window_of(bucharest(), "2026-03-29", Every::Week, WeekStart::Monday);
        assert_eq!(monday.from, utc("2026-03-22 22:00:00"));
        assert_eq!(monday.to, utc("2026-03-29 21:00:00"));
        assert_eq!(monday.length_micros(), 167 * HOUR);
        // Sunday weeks: 2026-03-29 (a Sunday) 00:00 +02 (03-28 22:00Z) to 2026-04-05 00:00 +03
        // (04-04 21:00Z) = 167 h.
        let sunday = window_of(bucharest(), "2026-03-29", Every::Week, WeekStart::Sunday);
        assert_eq!(sunday.from, utc("2026-03-28 22:00:00"));
        assert_eq!(sunday.to, utc("2026-04-04 21:00:00"));
        assert_eq!(sunday.length_micros(), 167 * HOUR);
    }

    #[test]
    fn week_holding_fall_back_is_169_hours() {
        // 2026-10-19 00:00 +03 (10-18 21:00Z) to 2026-10-26 00:00 +02 (10-25 22:00Z) = 169 h.
        let window = window_of(bucharest(), "2026-10-25", Every::Week, WeekStart::Monday);
        assert_eq!(window.from, utc("2026-10-18 21:00:00"));
        assert_eq!(window.to, utc("2026-10-25 22:00:00"));
        assert_eq!(window.length_micros(), 169 * HOUR);
    }

    #[test]
    fn months_across_dst_lose_or_gain_an_hour() {
        // March 2026: 03-01 00:00 +02 (02-28 22:00Z) to 04-01 00:00 +03 (03-31 21:00Z):
        // 31 × 24 − 1 = 743 h.
        let march = window_of(bucharest(), "2026-03-17", Every::Month, WeekStart::Monday);
        assert_eq!(march.from, utc("2026-02-28 22:00:00"));
        assert_eq!(march.to, utc("2026-03-31 21:00:00"));
        assert_eq!(march.length_micros(), (31 * 24 - 1) * HOUR);
        // October 2026: 31 × 24 + 1 = 745 h; April (no change, +03 throughout) 30 × 24 = 720 h.
        let october = window_of(bucharest(), "2026-10-31", Every::Month, WeekStart::Monday);
        assert_eq!(october.length_micros(), (31 * 24 + 1) * HOUR);
        let april = window_of(bucharest(), "2026-04-01", Every::Month, WeekStart::Monday);
        assert_eq!(april.length_micros(), 30 * 24 * HOUR);
    }

    #[test]
    fn quarters_and_years_in_bucharest() {
        // Q1 2026 = Jan 31 + Feb 28 + Mar 31 = 90 days, minus the spring hour: 2159 h,
        // from 2026-01-01 00:00 +02 = 2025-12-31 22:00Z.
        let q1 = window_of(bucharest(), "2026-02-14", Every::Quarter, WeekStart::Monday);
        assert_eq!(q1.from, utc("2025-12-31 22:00:00"));
        assert_eq!(q1.length_micros(), (90 * 24 - 1) * HOUR);
        // Q2 = 30 + 31 + 30 = 91 days, all +03: 2184 h. Q4 = 31 + 30 + 31 = 92 days + 1 h.
        let q2 = window_of(bucharest(), "2026-06-30", Every::Quarter, WeekStart::Monday);
        assert_eq!(q2.from, utc("2026-03-31 21:00:00"));
        assert_eq!(q2.length_micros(), 91 * 24 * HOUR);
        let q4 = window_of(bucharest(), "2026-10-01", Every::Quarter, WeekStart::Monday);
        assert_eq!(q4.length_micros(), (92 * 24 + 1) * HOUR);
        // 2026: both changes cancel, 365 × 24 h; 2028 is a leap year, 366 × 24 h.
        let year = window_of(bucharest(), "2026-07-04", Every::Year, WeekStart::Monday);
        assert_eq!(year.from, utc("2025-12-31 22:00:00"));
        assert_eq!(year.to, utc("2026-12-31 22:00:00"));
        assert_eq!(year.length_micros(), 365 * 24 * HOUR);
        let leap = window_of(bucharest(), "2028-02-29", Every::Year, WeekStart::Monday);
        assert_eq!(leap.length_micros(), 366 * 24 * HOUR);
    }

    #[test]
    fn period_start_dates_truncate() {
        let start = |day: &str, every| {
            period_start_date(date(day), every, WeekStart::Monday).expect("start")
        };
        assert_eq!(start("2026-03-31", Every::Day), date("2026-03-31"));
        assert_eq!(start("2026-03-31", Every::Month), date("2026-03-01"));
        assert_eq!(start("2026-03-31", Every::Quarter), date("2026-01-01"));
        assert_eq!(start("2026-04-01", Every::Quarter), date("2026-04-01"));
        assert_eq!(start("2026-09-30", Every::Quarter), date("2026-07-01"));
        assert_eq!(start("2026-12-31", Every::Quarter), date("2026-10-01"));
        assert_eq!(start("2026-12-31", Every::Year), date("2026-01-01"));
    }

    #[test]
    fn week_starts_monday_or_sunday() {
        let week = |day: &str, week_start| {
            period_start_date(date(day), Every::Week, week_start).expect("start")
        };
        // 2026-03-01 is a Sunday: it starts a Sunday week, and is the last day of the Monday
        // week of 2026-02-23.
        assert_eq!(week("2026-03-01", WeekStart::Sunday), date("2026-03-01"));
        assert_eq!(week("2026-03-01", WeekStart::Monday), date("2026-02-23"));
        // Saturday 2026-03-07: Sunday week of 03-01, Monday week of 03-02.
        assert_eq!(week("2026-03-07", WeekStart::Sunday), date("2026-03-01"));
        assert_eq!(week("2026-03-07", WeekStart::Monday), date("2026-03-02"));
        // Monday 2026-03-02 starts a Monday week and is in the Sunday week of 03-01.
        assert_eq!(week("2026-03-02", WeekStart::Monday), date("2026-03-02"));
        assert_eq!(week("2026-03-02", WeekStart::Sunday), date("2026-03-01"));
    }

    #[test]
    fn next_and_previous_period_dates() {
        let ws = WeekStart::Monday;
        let next = |day: &str, every| next_period_date(date(day), every, ws).expect("next");
        let previous =
            |day: &str, every| previous_period_date(date(day), every, ws).expect("previous");
        assert_eq!(next("2026-02-28", Every::Day), date("2026-03-01"));
        assert_eq!(next("2026-03-01", Every::Week), date("2026-03-02"));
        assert_eq!(next("2026-01-31", Every::Month), date("2026-02-01"));
        assert_eq!(next("2026-11-15", Every::Quarter), date("2027-01-01"));
        assert_eq!(next("2026-11-15", Every::Year), date("2027-01-01"));
        assert_eq!(previous("2026-03-01", Every::Day), date("2026-02-28"));
        assert_eq!(previous("2026-03-01", Every::Week), date("2026-02-16"));
        assert_eq!(previous("2026-03-31", Every::Month), date("2026-02-01"));
        assert_eq!(previous("2026-02-14", Every::Quarter), date("2025-10-01"));
        assert_eq!(previous("2026-02-14", Every::Year), date("2025-01-01"));
    }

    // --- membership ---

    #[test]
    fn instant_on_a_boundary_belongs_to_the_new_period() {
        // Day 2026-03-30 in Bucharest starts at 03-29 21:00Z.
        let tz = bucharest();
        let periods = Periods::covering(
            tz,
            Every::Day,
            WeekStart::Monday,
            utc("2026-03-29 00:00:00"),
            utc("2026-03-30 12:00:00"),
        )
        .expect("periods");
        let boundary = utc("2026-03-29 21:00:00");
        assert_eq!(label_of(&periods, boundary), Some(date("2026-03-30")));
        assert_eq!(label_of(&periods, boundary - 1), Some(date("2026-03-29")));
    }

    #[test]
    fn late_utc_evening_on_march_31_is_april_in_bucharest() {
        // 2026-03-31 23:30Z + 3 h = 2026-04-01 02:30 local, so April; in UTC it would be March.
        let instant = utc("2026-03-31 23:30:00");
        let in_zone = |tz| {
            let periods = Periods::covering(tz, Every::Month, WeekStart::Monday, instant, instant)
                .expect("periods");
            label_of(&periods, instant)
        };
        assert_eq!(in_zone(bucharest()), Some(date("2026-04-01")));
        assert_eq!(in_zone(Tz::UTC), Some(date("2026-03-01")));
    }

    #[test]
    fn covering_lists_empty_middle_periods() {
        // Records in January and April only: January to April is four months, and each
        // boundary is a local midnight (+02 until March, +03 from April).
        let tz = bucharest();
        let january = utc("2026-01-15 12:00:00");
        let april = utc("2026-04-10 12:00:00");
        let periods = Periods::covering(tz, Every::Month, WeekStart::Monday, january, april)
            .expect("periods");
        let labels: Vec<String> = periods.labels().iter().map(|&d| format_label(d)).collect();
        assert_eq!(
            labels,
            ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
        );
        assert_eq!(
            periods.starts(),
            [
                utc("2025-12-31 22:00:00"),
                utc("2026-01-31 22:00:00"),
                utc("2026-02-28 22:00:00"),
                utc("2026-03-31 21:00:00"),
            ]
        );
        assert_eq!(periods.span().to, utc("2026-04-30 21:00:00"));
        assert_eq!(
            periods.assign(&[
                Some(january),
                None,
                Some(april),
                Some(april + 30 * 24 * HOUR)
            ]),
            [Some(0), None, Some(3), None]
        );
    }

    #[test]
    fn covering_a_single_instant_and_an_inverted_range() {
        let instant = utc("2026-06-01 00:00:00");
        let periods = Periods::covering(Tz::UTC, Every::Day, WeekStart::Monday, instant, instant)
            .expect("periods");
        assert_eq!(periods.len(), 1);
        assert_eq!(
            periods.window(0).map(|w| w.length_micros()),
            Some(24 * HOUR)
        );
        assert!(
            Periods::covering(Tz::UTC, Every::Day, WeekStart::Monday, instant, instant - 1)
                .is_err()
        );
    }

    #[test]
    fn index_of_outside_the_span_is_none() {
        let tz = bucharest();
        let periods = Periods::covering(
            tz,
            Every::Week,
            WeekStart::Sunday,
            utc("2026-03-01 10:00:00"),
            utc("2026-03-20 10:00:00"),
        )
        .expect("periods");
        // Sunday weeks from 2026-03-01 00:00 +02 (02-28 22:00Z) to 2026-03-22 00:00 +02.
        assert_eq!(periods.len(), 3);
        assert_eq!(periods.index_of(utc("2026-02-28 21:59:59")), None);
        assert_eq!(periods.index_of(utc("2026-02-28 22:00:00")), Some(0));
        assert_eq!(periods.index_of(utc("2026-03-21 21:59:59")), Some(2));
        assert_eq!(periods.index_of(utc("2026-03-21 22:00:00")), None);
        assert_eq!(periods.index_of(i64::MIN), None);
        assert_eq!(periods.index_of(i64::MAX), None);
    }

    // --- the DST rule for naive local times (SPEC §2) ---

    #[test]
    fn santiago_midnight_gap_reads_with_the_offset_before() {
        // chrono-tz: America/Santiago 2026-09-06 00:00 does not exist (−04 → −03 at local
        // midnight; 01:00 is −03). Read at −04: 2026-09-06 04:00Z, which is 01:00 −03.
        let tz = zone("America/Santiago");
        assert_eq!(
            tz.offset_from_local_datetime(&naive("2026-09-06 00:00:00")),
            LocalResult::None
        );
        assert_eq!(
            local_midnight(tz, date("2026-09-06")),
            utc("2026-09-06 04:00:00")
        );
        assert_eq!(
            local_instant(tz, naive("2026-09-06 00:30:00")),
            utc("2026-09-06 04:30:00")
        );
        // The day starts at the gap: 04:00Z to 2026-09-07 00:00 −03 = 03:00Z, 23 h; the day
        // before is a whole 24 h (04:00Z to 04:00Z).
        let day = window_of(tz, "2026-09-06", Every::Day, WeekStart::Monday);
        assert_eq!(day.to, utc("2026-09-07 03:00:00"));
        assert_eq!(day.length_micros(), 23 * HOUR);
        let eve = window_of(tz, "2026-09-05", Every::Day, WeekStart::Monday);
        assert_eq!(eve.length_micros(), 24 * HOUR);
        // September 2026 starts 09-01 00:00 −04 = 04:00Z.
        let month = window_of(tz, "2026-09-06", Every::Month, WeekStart::Monday);
        assert_eq!(month.from, utc("2026-09-01 04:00:00"));
    }

    #[test]
    fn havana_and_beirut_midnight_gaps() {
        // Havana 2026-03-08: 00:00 −05 → 01:00 −04; midnight read at −05 = 05:00Z.
        let havana = zone("America/Havana");
        assert_eq!(
            local_midnight(havana, date("2026-03-08")),
            utc("2026-03-08 05:00:00")
        );
        // Beirut 2026-03-29: 00:00 +02 → 01:00 +03; midnight read at +02 = 03-28 22:00Z.
        let beirut = zone("Asia/Beirut");
        assert_eq!(
            local_midnight(beirut, date("2026-03-29")),
            utc("2026-03-28 22:00:00")
        );
        // Beirut's fall-back 2026-10-25 is at 00:00 +03 → 23:00 +02 of the 24th, so the 24th is
        // 25 h (10-23 21:00Z to 10-24 22:00Z) and the 25th starts once, at 00:00 +02.
        let eve = window_of(beirut, "2026-10-24", Every::Day, WeekStart::Monday);
        assert_eq!(eve.from, utc("2026-10-23 21:00:00"));
        assert_eq!(eve.to, utc("2026-10-24 22:00:00"));
    }

    #[test]
    fn gap_in_the_night_moves_forward() {
        // Bucharest 2026-03-29 03:30 does not exist (03:00 +02 → 04:00 +03); read at +02 it is
        // 01:30Z, which shows as 04:30 +03.
        assert_eq!(
            local_instant(bucharest(), naive("2026-03-29 03:30:00")),
            utc("2026-03-29 01:30:00")
        );
    }

    #[test]
    fn ambiguous_time_is_the_earlier_instant() {
        // Bucharest 2026-10-25 03:30 occurs at +03 (00:30Z) and at +02 (01:30Z).
        assert_eq!(
            local_instant(bucharest(), naive("2026-10-25 03:30:00")),
            utc("2026-10-25 00:30:00")
        );
        // Santiago falls back at 2026-04-05 00:00 −03 → 04-04 23:00 −04, so 04-04 23:30 occurs
        // at −03 (04-05 02:30Z) and at −04 (03:30Z).
        assert_eq!(
            local_instant(zone("America/Santiago"), naive("2026-04-04 23:30:00")),
            utc("2026-04-05 02:30:00")
        );
    }

    #[test]
    fn fractional_seconds_survive_the_gap_rule() {
        // 2026-03-29 03:30:00.250 Bucharest → 01:30:00.250Z.
        let local = naive("2026-03-29 03:30:00") + chrono::TimeDelta::milliseconds(250);
        assert_eq!(
            local_instant(bucharest(), local),
            utc("2026-03-29 01:30:00") + 250_000
        );
    }

    // --- comparison windows ---

    #[test]
    fn comparison_periods_with_every() {
        let ws = WeekStart::Monday;
        let compare = |day: &str, every, compare| {
            comparison_period_date(date(day), every, ws, compare).expect("comparison")
        };
        use Compare::{Previous, Year};
        assert_eq!(
            compare("2026-03-01", Every::Day, Previous),
            date("2026-02-28")
        );
        assert_eq!(compare("2026-03-01", Every::Day, Year), date("2025-03-01"));
        // Days: 29 Feb 2028 → 28 Feb 2027.
        assert_eq!(compare("2028-02-29", Every::Day, Year), date("2027-02-28"));
        // Weeks: 52 × 7 = 364 days before Monday 2026-03-23 is Monday 2025-03-24.
        assert_eq!(
            compare("2026-03-25", Every::Week, Previous),
            date("2026-03-16")
        );
        assert_eq!(compare("2026-03-25", Every::Week, Year), date("2025-03-24"));
        assert_eq!(
            compare("2026-03-31", Every::Month, Previous),
            date("2026-02-01")
        );
        assert_eq!(
            compare("2026-03-31", Every::Month, Year),
            date("2025-03-01")
        );
        assert_eq!(
            compare("2028-02-29", Every::Month, Year),
            date("2027-02-01")
        );
        assert_eq!(
            compare("2026-01-15", Every::Quarter, Previous),
            date("2025-10-01")
        );
        assert_eq!(
            compare("2026-05-15", Every::Quarter, Year),
            date("2025-04-01")
        );
        assert_eq!(
            compare("2026-05-15", Every::Year, Previous),
            date("2025-01-01")
        );
        assert_eq!(compare("2026-05-15", Every::Year, Year), date("2025-01-01"));
    }

    #[test]
    fn comparison_period_windows_are_whole_local_periods() {
        let tz = bucharest();
        let ws = WeekStart::Monday;
        // March 2026 vs February 2026: 02-01 00:00 +02 (01-31 22:00Z) to 03-01 00:00 +02.
        let previous =
            comparison_period_window(tz, date("2026-03-10"), Every::Month, ws, Compare::Previous)
                .expect("window");
        assert_eq!(previous.from, utc("2026-01-31 22:00:00"));
        assert_eq!(previous.to, utc("2026-02-28 22:00:00"));
        // Week of 2026-03-23 vs 52 weeks earlier, week of 2025-03-24 (+02, 2025's change is on
        // 03-30): 03-23 22:00Z to 03-30 21:00Z, 167 h like its counterpart.
        let year = comparison_period_window(tz, date("2026-03-23"), Every::Week, ws, Compare::Year)
            .expect("window");
        assert_eq!(year.from, utc("2025-03-23 22:00:00"));
        assert_eq!(year.to, utc("2025-03-30 21:00:00"));
        // Day 2028-02-29 vs 2027-02-28: 02-27 22:00Z to 02-28 22:00Z.
        let leap = comparison_period_window(tz, date("2028-02-29"), Every::Day, ws, Compare::Year)
            .expect("window");
        assert_eq!(leap.from, utc("2027-02-27 22:00:00"));
        assert_eq!(leap.to, utc("2027-02-28 22:00:00"));
    }

    #[test]
    fn previous_window_without_every_is_the_same_length_before() {
        // [2026-02-01, 2026-03-01) UTC is 28 days; previous = [2026-01-04, 2026-02-01).
        let window = Window {
            from: utc("2026-02-01 00:00:00"),
            to: utc("2026-03-01 00:00:00"),
        };
        let previous = comparison_window(Tz::UTC, window, Compare::Previous).expect("previous");
        assert_eq!(previous.from, utc("2026-01-04 00:00:00"));
        assert_eq!(previous.to, window.from);
        // Plain microseconds even in a zone: a Bucharest window over the spring change
        // (03-28 22:00Z to 03-29 21:00Z, 23 h) reaches back 23 h, not to local midnight.
        let dst_day = window_of(bucharest(), "2026-03-29", Every::Day, WeekStart::Monday);
        let previous = comparison_window(bucharest(), dst_day, Compare::Previous).expect("prev");
        assert_eq!(previous.from, utc("2026-03-27 23:00:00"));
    }

    #[test]
    fn year_window_without_every_keeps_local_dates_and_times() {
        let tz = bucharest();
        // --from 2028-02-29 10:00 --to 2028-03-01 10:00 (both +02: 08:00Z) → 2027-02-28 10:00 to
        // 2027-03-01 10:00, both +02 = 08:00Z.
        let window = Window {
            from: local_instant(tz, naive("2028-02-29 10:00:00")),
            to: local_instant(tz, naive("2028-03-01 10:00:00")),
        };
        let year = comparison_window(tz, window, Compare::Year).expect("year");
        assert_eq!(year.from, utc("2027-02-28 08:00:00"));
        assert_eq!(year.to, utc("2027-03-01 08:00:00"));
        // Local times are re-read with the DST rule: 2028-03-28 03:30 +03 a year earlier is
        // 2027-03-28 03:30, inside that day's gap (03:00 +02 → 04:00 +03), so read at +02:
        // 01:30Z. Summer 2026-07-01 00:00 +03 → 2025-07-01 00:00 +03 = 06-30 21:00Z.
        let window = Window {
            from: local_instant(tz, naive("2028-03-28 03:30:00")),
            to: local_instant(tz, naive("2028-07-01 00:00:00")),
        };
        let year = comparison_window(tz, window, Compare::Year).expect("year");
        assert_eq!(year.from, utc("2027-03-28 01:30:00"));
        assert_eq!(year.to, utc("2027-06-30 21:00:00"));
    }

    #[test]
    fn year_window_collapsing_across_a_gap_is_empty() {
        // [2028-03-28 03:30 +03, 04:00 +03) a year earlier lands on Bucharest's 2027 gap day:
        // 03:30 is in the gap (read at +02: 01:30Z) while 04:00 +03 is 01:00Z, so `from` passes
        // `to` and the window is empty.
        let tz = bucharest();
        let window = Window {
            from: local_instant(tz, naive("2028-03-28 03:30:00")),
            to: local_instant(tz, naive("2028-03-28 04:00:00")),
        };
        let year = comparison_window(tz, window, Compare::Year).expect("year");
        assert_eq!(year.from, utc("2027-03-28 01:30:00"));
        assert_eq!(year.length_micros(), 0);
    }

    #[test]
    fn comparison_window_rejects_inverted_and_overflowing_windows() {
        let inverted = Window { from: 10, to: 0 };
        assert!(comparison_window(Tz::UTC, inverted, Compare::Previous).is_err());
        let huge = Window {
            from: i64::MIN / 2 - 10,
            to: i64::MAX / 2,
        };
        assert!(comparison_window(Tz::UTC, huge, Compare::Previous).is_err());
        let far = Window {
            from: 0,
            to: i64::MAX,
        };
        assert!(comparison_window(Tz::UTC, far, Compare::Year).is_err());
    }

    // --- labels and out-of-range input ---

    #[test]
    fn labels_are_iso_dates() {
        assert_eq!(format_label(date("2026-03-01")), "2026-03-01");
        assert_eq!(format_label(date("0001-01-01")), "0001-01-01");
        assert_eq!(format_label(date("9999-12-31")), "9999-12-31");
        let beyond = NaiveDate::from_ymd_opt(10000, 1, 1).expect("date");
        assert_eq!(format_label(beyond), "+10000-01-01");
    }

    #[test]
    fn out_of_range_input_is_an_error_not_a_panic() {
        let every_unit = [
            Every::Day,
            Every::Week,
            Every::Month,
            Every::Quarter,
            Every::Year,
        ];
        for every in every_unit {
            for day in [NaiveDate::MIN, NaiveDate::MAX, date("0000-12-31")] {
                assert!(period_start_date(day, every, WeekStart::Sunday).is_err());
                assert!(next_period_date(day, every, WeekStart::Sunday).is_err());
                assert!(previous_period_date(day, every, WeekStart::Sunday).is_err());
            }
            for (min, max) in [(i64::MIN, 0), (0, i64::MAX), (i64::MIN, i64::MAX)] {
                assert!(
                    Periods::covering(bucharest(), every, WeekStart::Monday, min, max).is_err()
                );
            }
            // The edges of the supported range still work, one period beyond included: the
            // period holding 9999-12-31 ends at 10000-01-01 (a week later, for weeks).
            let last = period_window(Tz::UTC, date("9999-12-31"), every, WeekStart::Sunday)
                .expect("last period");
            assert!(last.to >= SUPPORTED_END_MICROS);
            assert!(period_window(Tz::UTC, date("0001-01-01"), every, WeekStart::Monday).is_ok());
        }
        assert!(local_date(Tz::UTC, i64::MIN).is_err());
        assert!(local_date(zone("Pacific/Kiritimati"), SUPPORTED_END_MICROS - 1).is_err());
        // A step out of the supported range is allowed, from it is not.
        let year_zero = NaiveDate::from_ymd_opt(0, 6, 1).expect("date");
        assert_eq!(same_date_year_earlier(date("0001-06-01")), Ok(year_zero));
        assert!(same_date_year_earlier(year_zero).is_err());
        // Total over NaiveDateTime, including its extremes.
        let _ = local_instant(bucharest(), NaiveDateTime::MIN);
        let _ = local_instant(bucharest(), NaiveDateTime::MAX);
    }

    #[test]
    fn a_skipped_local_day_is_an_empty_period() {
        // Pacific/Apia skipped 2011-12-30 (−10 → +14 at the end of the 29th): its midnight, read
        // at −10, is 12-30 10:00Z, the same instant as 12-31 00:00 +14.
        let apia = zone("Pacific/Apia");
        let skipped = window_of(apia, "2011-12-30", Every::Day, WeekStart::Monday);
        assert_eq!(skipped.from, utc("2011-12-30 10:00:00"));
        assert_eq!(skipped.length_micros(), 0);
        let periods = Periods::covering(
            apia,
            Every::Day,
            WeekStart::Monday,
            // 12-29 02:00 −10 and 12-31 19:00 +14.
            utc("2011-12-29 12:00:00"),
            utc("2011-12-31 05:00:00"),
        )
        .expect("periods");
        assert_eq!(periods.len(), 3);
        assert_eq!(label_of(&periods, skipped.from), Some(date("2011-12-31")));
        assert_eq!(
            label_of(&periods, skipped.from - 1),
            Some(date("2011-12-29"))
        );
    }

    // --- properties ---

    const PROPERTY_ZONES: [&str; 9] = [
        "UTC",
        "Europe/Bucharest",
        "America/Santiago",
        "America/Havana",
        "Asia/Beirut",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "Asia/Kolkata",
    ];

    fn every_strategy() -> impl Strategy<Value = Every> {
        prop_oneof![
            Just(Every::Day),
            Just(Every::Week),
            Just(Every::Month),
            Just(Every::Quarter),
            Just(Every::Year),
        ]
    }

    fn week_start_strategy() -> impl Strategy<Value = WeekStart> {
        prop_oneof![Just(WeekStart::Monday), Just(WeekStart::Sunday)]
    }

    proptest! {
        #[test]
        fn assign_agrees_with_per_instant_calendar(
            zone_index in 0..PROPERTY_ZONES.len(),
            every in every_strategy(),
            week_start in week_start_strategy(),
            // 1950..2060, where the zones' rules are dense with DST changes.
            origin in utc("1950-01-01 00:00:00")..utc("2060-01-01 00:00:00"),
            offsets in prop::collection::vec(0i64..(3 * 366 * 24 * HOUR), 1..200),
        ) {
            let tz = zone(PROPERTY_ZONES[zone_index]);
            let instants: Vec<i64> = offsets.iter().map(|offset| origin + offset).collect();
            let min = *instants.iter().min().expect("non-empty");
            let max = *instants.iter().max().expect("non-empty");
            let periods = Periods::covering(tz, every, week_start, min, max).expect("periods");
            prop_assert!(periods.starts().windows(2).all(|pair| pair[0] <= pair[1]));
            let column: Vec<Option<i64>> = instants.iter().copied().map(Some).collect();
            let assigned = periods.assign(&column);
            for (&instant, index) in instants.iter().zip(assigned) {
                let index = index.expect("every instant is covered") as usize;
                let window = periods.window(index).expect("window");
                prop_assert!(window.contains(instant));
                prop_assert_eq!(periods.index_by_search(instant), Some(index));
                let expected = period_start_date(local_date(tz, instant)?, every, week_start)?;
                prop_assert_eq!(periods.label(index), Some(expected));
            }
            // The first and last periods hold min and max: no empty period at either end.
            prop_assert_eq!(periods.index_of(min), Some(0));
            prop_assert_eq!(periods.index_of(max), Some(periods.len() - 1));
        }

        #[test]
        fn local_instant_round_trips_existing_times(
            zone_index in 0..PROPERTY_ZONES.len(),
            seconds in -2_000_000_000i64..4_000_000_000i64,
        ) {
            let tz = zone(PROPERTY_ZONES[zone_index]);
            let micros = seconds * MICROS_PER_SECOND;
            let local = local_datetime(tz, micros)?;
            let back = local_instant(tz, local);
            // Equal, or the earlier reading of an ambiguous local time.
            prop_assert!(back <= micros);
            prop_assert_eq!(local_datetime(tz, back)?, local);
        }

        #[test]
        fn nothing_panics_on_any_input(
            zone_index in 0..PROPERTY_ZONES.len(),
            every in every_strategy(),
            a in any::<i64>(),
            b in any::<i64>(),
            // Up to ten years, so a range inside the supported dates stays quick to cover.
            length in 0i64..(10 * 366 * 24 * HOUR),
            days in any::<i32>(),
        ) {
            let tz = zone(PROPERTY_ZONES[zone_index]);
            let _ = Periods::covering(tz, every, WeekStart::Sunday, a, a.saturating_add(length));
            let _ = Periods::covering(tz, every, WeekStart::Sunday, a, b);
            let _ = local_datetime(tz, a);
            let (from, to) = (a.min(b), a.max(b));
            let _ = comparison_window(tz, Window { from, to }, Compare::Year);
            let _ = comparison_window(tz, Window { from, to }, Compare::Previous);
            if let Some(day) = NaiveDate::from_num_days_from_ce_opt(days) {
                let _ = period_window(tz, day, every, WeekStart::Monday);
                let _ = comparison_period_window(tz, day, every, WeekStart::Monday, Compare::Year);
                let _ = local_instant(tz, day.and_time(NaiveTime::MIN));
                let _ = format_label(day);
            }
        }
    }

    // --- speed ---

    /// `cargo test --release -- --ignored --nocapture assign_speed`
    #[test]
    #[ignore = "timing; run in release"]
    fn assign_speed() {
        const RECORDS: i64 = 10_000_000;
        let tz = bucharest();
        let from = utc("2026-01-01 00:00:00");
        let span = 365 * 24 * HOUR;
        // A scrambled but deterministic spread over a year, so the branch predictor gets no help.
        let column: Vec<Option<i64>> = (0..RECORDS)
            .map(|i| Some(from + (i.wrapping_mul(2_654_435_761) % span).abs()))
            .collect();
        // The floor: the same pass over the column with no lookup (reading 16 B and writing
        // 8 B per record, plus the output's page faults).
        let start = std::time::Instant::now();
        let floor: Vec<Option<u32>> = column
            .iter()
            .map(|instant| instant.map(|micros| (micros >> 40) as u32))
            .collect();
        let elapsed = start.elapsed();
        assert_eq!(floor.len(), column.len());
        println!(
            "floor (no lookup): {:.2} ns/record",
            elapsed.as_nanos() as f64 / RECORDS as f64
        );
        for every in [Every::Day, Every::Week, Every::Month] {
            let build = std::time::Instant::now();
            let periods = Periods::covering(tz, every, WeekStart::Monday, from, from + span)
                .expect("periods");
            let built = build.elapsed();
            let start = std::time::Instant::now();
            let assigned = periods.assign(&column);
            let elapsed = start.elapsed();
            assert_eq!(assigned.len(), column.len());
            assert!(assigned.iter().all(Option::is_some));
            println!(
                "{every:?}: {} periods built in {built:?}; assign {RECORDS} in {elapsed:?} = {:.2} ns/record",
                periods.len(),
                elapsed.as_nanos() as f64 / RECORDS as f64
            );
        }
    }
}
