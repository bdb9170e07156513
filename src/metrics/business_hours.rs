//! The per-record business-hours durations (SPEC §3, §10): first response and resolution
//! counted only while the record's schedule is open, or, without `--schedule`, the help
//! desk's own business-hours figures from the input.

use std::collections::HashMap;

use polars::prelude::*;

use super::defs::{FIRST_RESPONSE_BH_TIME, RESOLUTION_BH_TIME};
use crate::canonical::{
    CREATED_AT, FIRST_RESPONSE_AT, FIRST_RESPONSE_BH_SECONDS, RESOLUTION_BH_SECONDS, RESOLVED_AT,
};
use crate::schedule::{business_micros, Schedules};
use crate::timestamps::MICROS;

/// Where the business-hours columns come from in a run.
pub(crate) enum BusinessHours<'a> {
    /// Not measured: the report has no `_bh_` columns.
    None,
    /// The input's `first_response_bh_seconds` / `resolution_bh_seconds`.
    FromInput,
    /// Counted from the timestamps on `schedules`; `match_columns` holds, for each of its
    /// match keys, the frame column with that key's text.
    Counted {
        schedules: &'a Schedules,
        match_columns: Vec<(String, String)>,
    },
}

impl BusinessHours<'_> {
    pub(crate) fn is_measured(&self) -> bool {
        !matches!(self, BusinessHours::None)
    }
}

/// Adds [`FIRST_RESPONSE_BH_TIME`] and [`RESOLUTION_BH_TIME`] (seconds) to `frame`.
pub(crate) fn add_business_hours(
    frame: &mut DataFrame,
    source: &BusinessHours,
    present: &[&str],
) -> PolarsResult<()> {
    let seconds = |name: &str, field: &str| -> PolarsResult<Column> {
        let column = if present.contains(&field) {
            frame.column(field)?.cast(&DataType::Float64)?
        } else {
            Column::full_null(field.into(), frame.height(), &DataType::Float64)
        };
        Ok(column.with_name(name.into()))
    };
    let (first_response, resolution) = match source {
        BusinessHours::None => return Ok(()),
        BusinessHours::FromInput => (
            seconds(FIRST_RESPONSE_BH_TIME, FIRST_RESPONSE_BH_SECONDS)?,
            seconds(RESOLUTION_BH_TIME, RESOLUTION_BH_SECONDS)?,
        ),
        BusinessHours::Counted {
            schedules,
            match_columns,
        } => counted(frame, schedules, match_columns, present)?,
    };
    frame.with_column(first_response)?;
    frame.with_column(resolution)?;
    Ok(())
}

/// Both durations counted on the schedules, from the timestamps only (the `*_seconds`
/// fallbacks do not count, SPEC §10).
fn counted(
    frame: &DataFrame,
    schedules: &Schedules,
    match_columns: &[(String, String)],
    present: &[&str],
) -> PolarsResult<(Column, Column)> {
    let instants = |field: &str| -> PolarsResult<Vec<Option<i64>>> {
        if !present.contains(&field) {
            return Ok(vec![None; frame.height()]);
        }
        let column = frame.column(field)?.cast(&DataType::Int64)?;
        Ok(column.i64()?.iter().collect())
    };
    let created = instants(CREATED_AT)?;
    let responded = instants(FIRST_RESPONSE_AT)?;
    let resolved = instants(RESOLVED_AT)?;
    let calendars = calendar_of_each_record(frame, schedules, match_columns)?;
    let every = created.iter().chain(&responded).chain(&resolved).flatten();
    let (first, last) = every.fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    let timelines = if first <= last {
        schedules
            .timelines(first, last)
            .map_err(|e| PolarsError::ComputeError(e.to_string().into()))?
    } else {
        Vec::new()
    };
    let seconds = |name: &str, to: &[Option<i64>]| {
        let micros = business_micros(&timelines, calendars.as_deref(), &created, to);
        let values: Vec<Option<f64>> = (micros.into_iter())
            .map(|m| m.map(|m| m as f64 / MICROS))
            .collect();
        Column::new(name.into(), values)
    };
    Ok((
        seconds(FIRST_RESPONSE_BH_TIME, &responded),
        seconds(RESOLUTION_BH_TIME, &resolved),
    ))
}

/// Each record's calendar (first matching `[[schedule]]` entry, else the top level); `None`
/// when the file has no entries. The choice is made once per distinct combination of the
/// match columns' values: a log has a handful of teams, not millions.
fn calendar_of_each_record(
    frame: &DataFrame,
    schedules: &Schedules,
    match_columns: &[(String, String)],
) -> PolarsResult<Option<Vec<u32>>> {
    if match_columns.is_empty() {
        return Ok(None);
    }
    let keys: Vec<&str> = match_columns.iter().map(|(key, _)| key.as_str()).collect();
    let columns = (match_columns.iter())
        .map(|(_, column)| Ok(frame.column(column)?.str()?.clone()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let mut values_of_each: Vec<_> = columns.iter().map(|column| column.iter()).collect();
    let mut chosen: HashMap<Vec<Option<&str>>, u32> = HashMap::new();
    let mut values: Vec<Option<&str>> = vec![None; keys.len()];
    let mut calendars = Vec::with_capacity(frame.height());
    for _ in 0..frame.height() {
        for (value, column) in values.iter_mut().zip(&mut values_of_each) {
            *value = column.next().flatten();
        }
        let calendar = match chosen.get(&values) {
            Some(calendar) => *calendar,
            None => {
                let value_of = |key: &str| {
                    let index = keys.iter().position(|k| *k == key)?;
                    values[index]
                };
                let calendar = schedules.calendar_for(value_of) as u32;
                chosen.insert(values.clone(), calendar);
                calendar
            }
        };
        calendars.push(calendar);
    }
    Ok(Some(calendars))
}
