//! The report pipeline: ingest → validate → derive per-record inputs → window → group and
//! aggregate. It is the only place that collects polars frames.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::canonical::{self, CATEGORY, CATEGORY_ORDER, CREATED_AT};
use crate::config::Config;
use crate::ingest;
use crate::ingest::normalize::{self, key_column, Canonical, DuplicateTest, NormalizeOptions};
use crate::messages::printable;
use crate::metrics::catalogue::{self, Kpi, Settings};
use crate::metrics::{self, BusinessHours, Cell, Column, Report, Row};
use crate::schedule::Schedules;
use crate::timestamps::Shapes;
use crate::user_error;
use crate::validate::{self, OnInvalid};

/// Everything a report run needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct ReportRequest {
    pub(crate) inputs: Vec<PathBuf>,
    pub(crate) zone: Tz,
    /// `[from, to)` on `created_at`, epoch microseconds; `None` is open.
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
    pub(crate) by: Vec<String>,
    pub(crate) fcr_window_micros: i64,
    pub(crate) on_invalid: OnInvalid,
    pub(crate) rejects: Option<PathBuf>,
    pub(crate) config: Config,
    /// `--schedule`: business hours to count first response and resolution in.
    pub(crate) schedule: Option<Schedules>,
}

/// Reads, validates and windows the input once, and reports it grouped by `request.by`.
pub(crate) fn run(request: &ReportRequest) -> Result<Report> {
    prepare(request, &request.by)?.report(&request.by)
}

/// The valid records in the window, with every per-record metric input, ready to be grouped
/// by any subset of the keys they were prepared with.
pub(crate) struct Prepared {
    frame: LazyFrame,
    keys: Vec<String>,
    from: Option<i64>,
    to: Option<i64>,
    records: u64,
    skipped: u64,
    /// The KPIs every report made from it holds.
    kpis: Vec<&'static Kpi>,
    settings: Settings,
}

/// Reads and parses the input once (materialized: validation and every grouping reuse it),
/// applies `--on-invalid`, derives the per-record metric inputs and applies the window.
/// `keys` are the group keys any later [`Prepared::report`] may use.
pub(crate) fn prepare(request: &ReportRequest, keys: &[String]) -> Result<Prepared> {
    // A schedule's match keys are read like group keys: canonical or source columns, as text.
    let schedule_keys_from = keys.len();
    let mut keys = keys.to_vec();
    for key in (request.schedule.iter()).flat_map(Schedules::match_keys) {
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
    }
    let keys = &keys[..];
    // The fast plan first; the exact one only where the fast one cannot be trusted. Standard
    // input cannot be read twice: it gets the exact plan at once.
    let plan = if ingest::reads_stdin(&request.inputs) {
        ReadPlan::exact()
    } else {
        ReadPlan::default()
    };
    let mut input = read_checked(request, keys, schedule_keys_from, plan)?;
    let ids_may_repeat =
        input.plan.duplicates == DuplicateTest::Hashed && normalize::ids_may_repeat(&input.frame)?;
    let other_timestamps =
        input.plan.timestamps == Some(Shapes::Common) && input.has_unparsed_timestamps()?;
    if ids_may_repeat || other_timestamps || !input.byte_scans_as_assumed {
        let mut plan = input.plan;
        if ids_may_repeat {
            plan.duplicates = DuplicateTest::Exact;
        }
        if other_timestamps {
            plan.timestamps = Some(Shapes::All);
        }
        plan.byte_scans = Some(input.byte_scans);
        input = read_checked(request, keys, schedule_keys_from, plan)?;
    }
    let ReadInput {
        mut frame,
        invalid,
        present,
        checks,
        sources,
        notes,
        ..
    } = input;
    for note in &notes {
        crate::messages::warn(&printable(note));
    }
    let records = frame.height() as u64;
    let skipped = validate::screen(&invalid, &checks, &sources, request)?;
    drop(invalid);
    if frame.get_column_index(normalize::ID_HASH_COLUMN).is_some() {
        frame.drop_in_place(normalize::ID_HASH_COLUMN)?;
    }
    if metrics::uses_customers(&present) && present.contains(&canonical::CUSTOMER_ID) {
        replace_by_hashes(&mut frame, canonical::CUSTOMER_ID, normalize::hashed)?;
    }
    let business_hours = match &request.schedule {
        Some(schedules) => BusinessHours::Counted {
            schedules,
            match_columns: (schedules.match_keys().into_iter())
                .map(|key| {
                    let index = keys.iter().position(|k| k == key);
                    let index = index.expect("match keys are among the prepared keys");
                    (key.to_string(), key_column(index))
                })
                .collect(),
        },
        None if present.contains(&canonical::FIRST_RESPONSE_BH_SECONDS)
            || present.contains(&canonical::RESOLUTION_BH_SECONDS) =>
        {
            BusinessHours::FromInput
        }
        None => BusinessHours::None,
    };
    metrics::add_business_hours(&mut frame, &business_hours, &present)
        .map_err(|e| user_error!("--schedule: {e}"))?;
    let valid = frame.lazy().filter(col(normalize::INVALID_COLUMN).not());
    let mut in_window = metrics::with_record_inputs(
        valid,
        &present,
        request.from,
        request.to,
        request.fcr_window_micros,
    )?;
    if let Some(from) = request.from {
        in_window = in_window.filter(col(CREATED_AT).gt_eq(lit(from)));
    }
    if let Some(to) = request.to {
        in_window = in_window.filter(col(CREATED_AT).lt(lit(to)));
    }
    Ok(Prepared {
        frame: in_window,
        keys: keys.to_vec(),
        from: request.from,
        to: request.to,
        records,
        skipped,
        kpis: catalogue::selected(business_hours.is_measured()).collect(),
        settings: Settings {
            csat_satisfied_min: request.config.scales.csat_satisfied_min,
        },
    })
}

/// The input read, typed and checked (see [`read_checked`]).
struct ReadInput {
    /// Every record, typed, flagged in [`normalize::INVALID_COLUMN`].
    frame: DataFrame,
    /// The invalid records, with what made them so.
    invalid: DataFrame,
    present: Vec<&'static str>,
    checks: Vec<normalize::Check>,
    sources: Vec<String>,
    /// The codes of the checks that a timestamp did not parse.
    timestamp_checks: Vec<u32>,
    /// How it was read (with the timestamp shapes chosen).
    plan: ReadPlan,
    /// Each source's byte scan (none for JSON).
    byte_scans: Vec<Option<ingest::ByteScan>>,
    /// Whether the scans that ran beside the read found what its plan assumed.
    byte_scans_as_assumed: bool,
    /// Notices about how the config was applied, for stderr.
    notes: Vec<String>,
}

/// How [`read_checked`] reads: by default the fastest plan, which the result may prove wrong
/// for the input (see [`prepare`]).
#[derive(Debug, Clone, Default)]
struct ReadPlan {
    duplicates: DuplicateTest,
    /// `None`: chosen from the first records.
    timestamps: Option<Shapes>,
    /// `None`: made during the read (beside it where it can be, unless `scan_first`).
    byte_scans: Option<Vec<Option<ingest::ByteScan>>>,
    scan_first: bool,
}

impl ReadPlan {
    /// The plan whose result needs no second read.
    fn exact() -> Self {
        ReadPlan {
            duplicates: DuplicateTest::Exact,
            timestamps: Some(Shapes::All),
            byte_scans: None,
            scan_first: true,
        }
    }
}

impl ReadInput {
    /// Whether some record is invalid first of all because a timestamp did not parse.
    fn has_unparsed_timestamps(&self) -> PolarsResult<bool> {
        if self.invalid.height() == 0 || self.timestamp_checks.is_empty() {
            return Ok(false);
        }
        let codes = Series::new("codes".into(), &self.timestamp_checks);
        let found = (self.invalid.clone().lazy())
            .select([col(normalize::PROBLEM_COLUMN)
                .is_in(lit(codes).implode(true), false)
                .any(true)])
            .collect()?;
        Ok(found.columns()[0].bool()?.get(0) == Some(true))
    }
}

/// Reads, parses and checks the input: one read serves both the typed frame and the invalid
/// records with the text that made them invalid.
fn read_checked(
    request: &ReportRequest,
    keys: &[String],
    schedule_keys_from: usize,
    mut plan: ReadPlan,
) -> Result<ReadInput> {
    let (raw, running_scans) = ingest::read_inputs(
        &request.inputs,
        &request.config.input,
        plan.byte_scans.take(),
        !plan.scan_first,
    )?;
    let mut raw = ingest::mapping::apply(raw, &request.config)?;
    let notes = std::mem::take(&mut raw.notes);
    let timestamps = match plan.timestamps {
        Some(shapes) => shapes,
        None if timestamps_look_common(&raw) => Shapes::Common,
        None => Shapes::All,
    };
    plan.timestamps = Some(timestamps);
    let canonical = normalize::normalize(
        raw,
        &NormalizeOptions {
            zone: request.zone,
            scales: &request.config.scales,
            by: keys,
            by_option_keys: request.by.len(),
            schedule_keys_from,
            duplicates: plan.duplicates,
            timestamps,
        },
    )?;
    if (request.from.is_some() || request.to.is_some()) && !canonical.has(CREATED_AT) {
        return Err(user_error!(
            "--from/--to select records by {CREATED_AT}, and the input has no {CREATED_AT} column"
        ));
    }
    let Canonical {
        frame: typed,
        invalid,
        present,
        checks,
        timestamp_checks,
        sources,
    } = canonical;
    let optimizations = typed.get_current_optimizations();
    let [frame, invalid]: [DataFrame; 2] = LazyFrame::collect_all_with_engine(
        vec![typed.logical_plan, invalid.logical_plan],
        Engine::Streaming,
        optimizations,
    )
    .map_err(|e| unreadable(&sources, &e))?
    .try_into()
    .map_err(|_| anyhow!("collecting the input: expected two frames"))?;
    let mut byte_scans = Vec::with_capacity(running_scans.len());
    let mut byte_scans_as_assumed = true;
    for state in running_scans {
        byte_scans.push(match state {
            Some(state) => {
                let (scan, as_assumed) = state.finish()?;
                byte_scans_as_assumed &= as_assumed;
                Some(scan)
            }
            None => None,
        });
    }
    Ok(ReadInput {
        frame,
        invalid,
        present,
        checks,
        sources,
        timestamp_checks,
        plan,
        byte_scans,
        byte_scans_as_assumed,
        notes,
    })
}

/// Whether the first records' timestamps all have the common shapes (see
/// [`normalize::timestamp_sample`]).
fn timestamps_look_common(raw: &ingest::RawLog) -> bool {
    let Some(sample) = normalize::timestamp_sample(raw) else {
        return true;
    };
    // A sample that cannot be read is left to the full read, which says why.
    (sample.collect_with_engine(Engine::Streaming)).is_ok_and(|sample| {
        (sample.unwrap_single().columns().iter()).all(|c| c.bool().is_ok_and(|b| b.all()))
    })
}

/// Replaces column `name` by 64-bit hashes of its values (by `hash`, which keeps nulls), on
/// which counting distinct values and matching equal ones are several times faster than on
/// text, when no two distinct values share a hash (checked exactly: sorted by hash, neighbours
/// with the same hash hold the same value). Otherwise the column stays as it is. Returns
/// whether it was replaced.
fn replace_by_hashes(
    frame: &mut DataFrame,
    name: &str,
    hash: impl Fn(Expr) -> Expr,
) -> Result<bool> {
    const HASH: &str = "__hash";
    let hashed = frame
        .clone()
        .lazy()
        .select([col(name), hash(col(name)).alias(HASH)])
        .collect()?;
    // A null is not equal to anything here, so missing values never count.
    let same_hash = col(HASH).eq(col(HASH).shift(lit(1)));
    let other_value = col(name).neq(col(name).shift(lit(1)));
    let collisions = hashed
        .clone()
        .lazy()
        .sort([HASH], SortMultipleOptions::default())
        .select([same_hash.and(other_value).sum()])
        .collect()?;
    if collisions.column(HASH)?.u32()?.get(0) != Some(0) {
        return Ok(false);
    }
    let hashes = hashed.column(HASH)?.clone().with_name(name.into());
    frame.replace(name, hashes)?;
    Ok(true)
}

impl Prepared {
    /// The report grouped by category × `by` (each one of the prepared keys).
    pub(crate) fn report(&self, by: &[String]) -> Result<Report> {
        let key_columns: Vec<String> = by
            .iter()
            .map(|key| {
                let index = self.keys.iter().position(|k| k == key);
                key_column(index.expect("report keys are among the prepared keys"))
            })
            .collect();
        let columns = metrics::columns_of(self.kpis.iter().copied());
        let aggregations: Vec<Expr> = (self.kpis.iter())
            .flat_map(|kpi| (kpi.aggregate)(&self.settings))
            .collect();
        let groups = aggregate(self.frame.clone(), &key_columns, &aggregations, &columns)
            .collect()
            .map_err(|e| anyhow!("computing the metrics: {e}"))?;
        let mut rows = rows_of(&groups, &key_columns, &columns)?;
        if by.is_empty() {
            ensure_category_rows(&mut rows, &columns);
        }
        Ok(Report {
            from: self.from,
            to: self.to,
            records: self.records,
            skipped: self.skipped,
            by: by.to_vec(),
            columns,
            rows,
        })
    }
}

/// The reader's complaint about a file it cannot parse, without polars' tuning advice.
fn unreadable(sources: &[String], error: &PolarsError) -> anyhow::Error {
    let text = error.to_string();
    let cause = text
        .split_once("Original error: ```")
        .map(|(_, inner)| inner.trim_end_matches('`').trim())
        .unwrap_or_else(|| text.lines().next().unwrap_or_default());
    let cause = if cause.contains("not properly escaped") || cause.contains("malformed") {
        "the quoting is malformed: a quote inside an unquoted field, or a quoted field that is \
         never closed"
            .to_string()
    } else {
        printable(cause)
    };
    user_error!("cannot read {}: {cause}", sources.join(", "))
}

/// Per category × keys, plus `all` × keys, sorted as SPEC §4 orders rows.
fn aggregate(
    frame: LazyFrame,
    key_columns: &[String],
    aggs: &[Expr],
    columns: &[&'static Column],
) -> LazyFrame {
    let aggs = aggs.to_vec();
    let keys: Vec<Expr> = key_columns.iter().map(|k| col(k.as_str())).collect();
    let mut by_category = vec![col(CATEGORY)];
    by_category.extend(keys.iter().cloned());
    let per_category = frame.clone().group_by(by_category).agg(aggs.clone());
    let all = if keys.is_empty() {
        frame.select(aggs)
    } else {
        frame.group_by(keys.clone()).agg(aggs)
    }
    .with_column(
        lit(canonical::category_code(canonical::ALL))
            .cast(DataType::UInt32)
            .alias(CATEGORY),
    );

    let mut order = vec![col(CATEGORY)];
    order.extend(keys.iter().cloned());
    order.extend(columns.iter().map(|column| col(column.name)));
    let union = concat(
        [per_category.select(order.clone()), all.select(order)],
        UnionArgs::default(),
    )
    .expect("both sides have the same columns");

    // Category codes are in report order.
    let mut sort_by = vec![col(CATEGORY)];
    sort_by.extend(keys);
    let columns = sort_by.len();
    union.sort_by_exprs(
        sort_by,
        SortMultipleOptions::default()
            .with_nulls_last(true)
            .with_maintain_order(true)
            .with_order_descending_multi(vec![false; columns]),
    )
}

fn rows_of(
    groups: &DataFrame,
    key_columns: &[String],
    columns: &[&'static Column],
) -> Result<Vec<Row>> {
    let categories = groups.column(CATEGORY)?.u32()?;
    let key_columns = (key_columns.iter())
        .map(|name| groups.column(name).and_then(|c| c.str().cloned()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let mut cells_by_column = Vec::with_capacity(columns.len());
    for output in columns {
        let column = groups.column(output.name)?;
        let cells: Vec<Cell> = match output.is_value() {
            false => column
                .cast(&DataType::Int64)?
                .i64()?
                .iter()
                .map(|v| Cell::Count(v.unwrap_or(0).max(0) as u64))
                .collect(),
            true => column
                .cast(&DataType::Float64)?
                .f64()?
                .iter()
                .map(|v| Cell::Value(v.filter(|x| x.is_finite())))
                .collect(),
        };
        cells_by_column.push(cells);
    }
    Ok((0..groups.height())
        .map(|i| Row {
            category: (categories.get(i))
                .and_then(|code| CATEGORY_ORDER.get(code as usize))
                .unwrap_or(&canonical::UNCATEGORIZED)
                .to_string(),
            keys: key_columns
                .iter()
                .map(|c| c.get(i).map(str::to_string))
                .collect(),
            cells: (columns.iter().zip(&cells_by_column))
                .map(|(column, cells)| (*column, cells[i]))
                .collect(),
        })
        .collect())
}

/// Without `--by`, support and service always have a row, empty or not.
fn ensure_category_rows(rows: &mut Vec<Row>, columns: &[&'static Column]) {
    for (position, category) in [canonical::SUPPORT, canonical::SERVICE]
        .into_iter()
        .enumerate()
    {
        if !rows.iter().any(|r| r.category == category) {
            rows.insert(position.min(rows.len()), Row::empty(category, columns));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customers() -> DataFrame {
        df!(canonical::CUSTOMER_ID => [Some("ab"), Some("cd"), None, Some("ab"), Some("x")])
            .unwrap()
    }

    #[test]
    fn values_are_replaced_by_hashes_that_do_not_collide() {
        let mut frame = customers();
        assert!(replace_by_hashes(&mut frame, canonical::CUSTOMER_ID, normalize::hashed).unwrap());
        let hashes = frame.column(canonical::CUSTOMER_ID).unwrap().u64().unwrap();
        let hashes: Vec<Option<u64>> = hashes.iter().collect();
        assert_eq!(hashes[2], None);
        assert_eq!(hashes[0], hashes[3]);
        let distinct: std::collections::HashSet<_> = hashes.iter().flatten().collect();
        assert_eq!(distinct.len(), 3);
    }

    #[test]
    fn values_stay_when_two_share_a_hash() {
        // By length, "ab" and "cd" share a hash.
        let by_length = |value: Expr| value.str().len_bytes().cast(DataType::UInt64);
        let mut frame = customers();
        assert!(!replace_by_hashes(&mut frame, canonical::CUSTOMER_ID, by_length).unwrap());
        assert!(frame.equals_missing(&customers()));
        // Without "cd", equal lengths mean equal values: no collision.
        let mut frame = customers()
            .filter(&BooleanChunked::new(
                "".into(),
                [true, false, true, true, true],
            ))
            .unwrap();
        assert!(replace_by_hashes(&mut frame, canonical::CUSTOMER_ID, by_length).unwrap());
        assert_eq!(
            frame.column(canonical::CUSTOMER_ID).unwrap().dtype(),
            &DataType::UInt64
        );
    }
}
