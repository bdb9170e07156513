//! The report pipeline: ingest → validate → derive per-record inputs → window → group and
//! aggregate. It is the only place that collects polars frames.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::canonical::{self, CATEGORY, CATEGORY_ORDER, CREATED_AT};
use crate::config::Config;
use crate::exprs::output_name;
use crate::group_number::{Digit, GroupNumber, GROUP_NUMBER};
use crate::ingest::facts::RecordFacts;
use crate::ingest::invalid::{self, InvalidPolicy};
use crate::ingest::normalize::{self, key_column, Canonical, DuplicateTest, NormalizeOptions};
use crate::ingest::{self, CodedKeys, Input};
use crate::messages::printable;
use crate::metrics::catalogue::{self, Kpi};
use crate::metrics::{
    self, subset, uncertainty, BusinessHours, Cell, Computation, Confidence, OutputColumn, Report,
    Row, Timeline, Variant,
};
use crate::periods::{self, Compare, Every, Periods, WeekStart, Window};
use crate::schedule::Schedules;
use crate::timestamps::Shapes;
use crate::user_error;

/// Everything a report run needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct ReportRequest {
    pub(crate) inputs: Vec<PathBuf>,
    pub(crate) zone: Tz,
    /// `[from, to)` on `created_at`, epoch microseconds; `None` is open.
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
    pub(crate) by: Vec<String>,
    /// `--every`: one row per period (SPEC §8).
    pub(crate) every: Option<Every>,
    pub(crate) week_start: WeekStart,
    /// `--compare`: the `_prev` columns (SPEC §8).
    pub(crate) compare: Option<Compare>,
    pub(crate) fcr_window_micros: i64,
    pub(crate) invalid: InvalidPolicy,
    pub(crate) config: Config,
    /// `--schedule`: business hours to count first response and resolution in.
    pub(crate) schedule: Option<Schedules>,
    /// `--ci`: reports carry each value's interval.
    pub(crate) ci: bool,
    /// `--confidence`: the level of those intervals (and of `check`'s `confident` rules).
    pub(crate) confidence: Confidence,
}

/// Reads, validates and windows the input once, and reports it grouped by `request.by`.
pub(crate) fn run(request: &ReportRequest) -> Result<Report> {
    let prepared = prepare(request, &request.by)?;
    prepared.report(&request.by, request.ci.then_some(request.confidence))
}

/// [`run`], and with `--by` the same input reported without keys too (the category totals
/// the HTML page's tiles show); the input is read once.
pub(crate) fn run_with_totals(request: &ReportRequest) -> Result<(Report, Option<Report>)> {
    let prepared = prepare(request, &request.by)?;
    let confidence = request.ci.then_some(request.confidence);
    let report = prepared.report(&request.by, confidence)?;
    let totals = match request.by.is_empty() {
        true => None,
        false => Some(prepared.report(&[], confidence)?),
    };
    Ok((report, totals))
}

/// Every valid record, with every per-record metric input but churn's, ready to be windowed,
/// bucketed into periods and grouped by any subset of the keys they were prepared with.
pub(crate) struct Prepared {
    /// Every valid record: comparison windows reach outside `--from`/`--to`.
    frame: LazyFrame,
    keys: Vec<String>,
    from: Option<i64>,
    to: Option<i64>,
    zone: Tz,
    every: Option<Every>,
    week_start: WeekStart,
    compare: Option<Compare>,
    /// Whether the input has `churned_at` (else churn has `n = 0`).
    has_churn: bool,
    records: u64,
    skipped: u64,
    /// The KPIs every report made from it holds.
    kpis: Vec<&'static Kpi>,
    /// The key columns held as codes, decoded in the aggregated rows.
    coded_keys: CodedKeys,
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
    let satisfied_min = request.config.scales.csat_satisfied_min;
    let places_in_time = request.from.is_some()
        || request.to.is_some()
        || request.every.is_some()
        || request.compare.is_some()
        || request.schedule.is_some();
    let facts = metrics::record_facts(satisfied_min, request.schedule.is_some(), places_in_time);
    let Input {
        mut frame,
        records,
        invalid,
        present,
        checks,
        sources,
        notes,
        mut coded_keys,
    } = read_input(request, keys, schedule_keys_from, &facts)?;
    for note in &notes {
        crate::messages::warn(&printable(note));
    }
    let skipped = invalid::screen(&invalid, &checks, &sources, &request.invalid)?;
    drop(invalid);
    // Only valid records go on, whichever path read them (the typed pass leaves most invalid
    // ones out already; without any, a filter would only copy every column).
    // Where each record came from and whether it was valid only served the screening: no KPI
    // reads them (the general path's frames hold file and record: 8 bytes a record). Dropped
    // before the filter, which would copy them.
    let invalid_records = frame.column(normalize::INVALID_COLUMN)?.bool()?.clone();
    let bookkeeping = [
        ingest::FILE_COLUMN,
        ingest::RECORD_COLUMN,
        normalize::INVALID_COLUMN,
    ];
    frame = frame.drop_many(bookkeeping);
    if invalid_records.any() {
        frame = frame.filter(&!&invalid_records)?;
    }
    // Stored narrower where every value allows it, the same output (see `narrow`): the typed
    // pass narrowed each piece already, the general path's frame is narrowed here.
    facts.narrow(&mut frame)?;
    // The typed pass codes customers as it reads them; the general path leaves them as text.
    let customers_as_text =
        (frame.column(canonical::CUSTOMER_ID)).is_ok_and(|c| c.dtype() == &DataType::String);
    if metrics::uses_customers(&present) && customers_as_text {
        replace_by_hashes(&mut frame, canonical::CUSTOMER_ID, normalize::hashed)?;
    }
    let business_hours = match &request.schedule {
        Some(schedules) => {
            let match_columns: Vec<(String, String)> = (schedules.match_keys().into_iter())
                .map(|key| {
                    let index = keys.iter().position(|k| k == key);
                    let index = index.expect("match keys are among the prepared keys");
                    (key.to_string(), key_column(index))
                })
                .collect();
            // The calendars are matched on texts.
            for (_, column) in &match_columns {
                coded_keys.decode_for_good(&mut frame, column)?;
            }
            BusinessHours::Counted {
                schedules,
                match_columns,
            }
        }
        None if present.contains(&canonical::FIRST_RESPONSE_BH_SECONDS)
            || present.contains(&canonical::RESOLUTION_BH_SECONDS) =>
        {
            BusinessHours::FromInput
        }
        None => BusinessHours::None,
    };
    metrics::add_business_hours(&mut frame, &business_hours, &present)
        .map_err(|e| user_error!("--schedule: {e}"))?;
    let with_inputs = metrics::with_fcr_flags(frame.lazy(), &present, request.fcr_window_micros)?;
    if (request.every.is_some() || request.compare.is_some()) && !present.contains(&CREATED_AT) {
        return Err(user_error!(
            "--every and --compare place records in time by {CREATED_AT}, and the input has no \
             {CREATED_AT} column"
        ));
    }
    Ok(Prepared {
        frame: with_inputs,
        keys: keys.to_vec(),
        from: request.from,
        to: request.to,
        zone: request.zone,
        every: request.every,
        week_start: request.week_start,
        compare: request.compare,
        has_churn: present.contains(&canonical::CHURNED_AT),
        records,
        skipped,
        kpis: catalogue::selected(business_hours.is_measured()).collect(),
        coded_keys,
    })
}

/// Reads the input once: by the typed pass where it serves the run, else by the general
/// path's plans (the fast plan first; the exact one only where the fast one cannot be
/// trusted; standard input, which cannot be read twice, gets the exact plan at once).
fn read_input(
    request: &ReportRequest,
    keys: &[String],
    schedule_keys_from: usize,
    facts: &RecordFacts,
) -> Result<Input> {
    let typed = ingest::typed::read(&ingest::typed::Request {
        inputs: &request.inputs,
        config: &request.config,
        zone: request.zone,
        keys,
        by_option_keys: request.by.len(),
        schedule_keys_from,
        facts,
    })?;
    if let Some(typed) = typed {
        if (request.from.is_some() || request.to.is_some()) && !typed.present.contains(&CREATED_AT)
        {
            return Err(user_error!(
                "--from/--to select records by {CREATED_AT}, and the input has no {CREATED_AT} column"
            ));
        }
        return Ok(typed);
    }
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
    let mut frame = input.frame;
    if frame.get_column_index(normalize::ID_HASH_COLUMN).is_some() {
        frame.drop_in_place(normalize::ID_HASH_COLUMN)?;
    }
    let frame = facts.derive(frame, &input.present)?;
    Ok(Input {
        records: frame.height() as u64,
        frame,
        invalid: input.invalid,
        present: input.present,
        checks: input.checks,
        sources: input.sources,
        notes: input.notes,
        coded_keys: CodedKeys::default(),
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
    .map_err(|e| ingest::unreadable(&sources, e))?
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

/// A period column's bucket per record (see [`Prepared::bucketed`]).
const PERIOD_INDEX: &str = "__period";
const PERIOD_FROM: &str = "__period_from";
const PERIOD_TO: &str = "__period_to";

/// Rows by their group: category, period label, key values.
type GroupKey = (String, Option<String>, Vec<Option<String>>);

impl Prepared {
    /// Whether the frame's `created_at` is in `[from, to)` (open where `None`).
    fn window(&self, from: Option<i64>, to: Option<i64>) -> LazyFrame {
        let mut frame = self.frame.clone();
        if let Some(from) = from {
            frame = frame.filter(col(CREATED_AT).gt_eq(lit(from)));
        }
        if let Some(to) = to {
            frame = frame.filter(col(CREATED_AT).lt(lit(to)));
        }
        frame
    }

    /// The churn flags for one window `[from, to)` for every record (without bounds, from
    /// the record fact that stands for `churned_at` where the run has no windows).
    fn with_churn(&self, frame: LazyFrame, from: Option<i64>, to: Option<i64>) -> LazyFrame {
        let bound = |b: Option<i64>| b.map_or(lit(NULL).cast(DataType::Int64), lit);
        frame.with_columns(match (from, to) {
            (None, None) => metrics::churn_flags_unwindowed(self.has_churn),
            _ => metrics::churn_flags_between(bound(from), bound(to), self.has_churn),
        })
    }

    /// The records of `frame` that have a `created_at` (`None`: there are none), collected,
    /// each with the index of its period among the periods covering them and that period's
    /// bounds cut by `cut` (SPEC §8: each period is a churn window of its own), and the
    /// periods.
    fn bucketed(
        &self,
        frame: LazyFrame,
        every: Every,
        cut: Window,
    ) -> Result<Option<(DataFrame, Periods)>> {
        let mut frame = frame
            .filter(col(CREATED_AT).is_not_null())
            .collect()
            .map_err(|e| anyhow!("computing the periods: {e}"))?;
        let created = frame.column(CREATED_AT)?.cast(&DataType::Int64)?;
        let created = created.i64()?;
        let (Some(min), Some(max)) = (created.min(), created.max()) else {
            return Ok(None);
        };
        let periods = Periods::covering(self.zone, every, self.week_start, min, max)
            .map_err(|e| user_error!("--every: {e}"))?;
        let instants: Vec<Option<i64>> = created.iter().collect();
        let indexes = periods.assign(&instants);
        let windows: Vec<Window> = (0..periods.len())
            .map(|i| {
                let window = periods.window(i).expect("an index of the periods");
                Window {
                    from: window.from.max(cut.from),
                    to: window.to.min(cut.to),
                }
            })
            .collect();
        let bound = |pick: fn(&Window) -> i64| -> Vec<Option<i64>> {
            (indexes.iter())
                .map(|index| index.map(|i| pick(&windows[i as usize])))
                .collect()
        };
        let froms = bound(|w| w.from);
        let tos = bound(|w| w.to);
        frame.with_column(Series::new(PERIOD_INDEX.into(), indexes).into_column())?;
        frame.with_column(Series::new(PERIOD_FROM.into(), froms).into_column())?;
        frame.with_column(Series::new(PERIOD_TO.into(), tos).into_column())?;
        Ok(Some((frame, periods)))
    }

    /// The report grouped by category × period (with `--every`) × `by` (each one of the
    /// prepared keys), with the `_prev` columns when comparing; with a `confidence`, each
    /// value is followed by its interval at that level (SPEC §9).
    pub(crate) fn report(&self, by: &[String], confidence: Option<Confidence>) -> Result<Report> {
        let key_columns: Vec<String> = by
            .iter()
            .map(|key| {
                let index = self.keys.iter().position(|k| k == key);
                key_column(index.expect("report keys are among the prepared keys"))
            })
            .collect();
        // The columns measured over the row's own window (values, and with `--ci` their
        // intervals), then with `--compare` every value's `_prev` (no interval: SPEC §8).
        let value_outputs = metrics::columns_of(self.kpis.iter().copied(), confidence.is_some());
        let mut columns = value_outputs.clone();
        if self.compare.is_some() {
            let values = value_outputs.iter().filter(|c| c.variant == Variant::Value);
            columns.extend(values.map(|c| OutputColumn {
                column: c.column,
                variant: Variant::Prev,
            }));
        }
        let confidence = confidence.as_ref();
        let mut timeline = Timeline {
            every: self.every,
            compare: self.compare,
            compare_window: None,
        };
        let cut = Window {
            from: self.from.unwrap_or(i64::MIN),
            to: self.to.unwrap_or(i64::MAX),
        };
        let mut rows = match self.every {
            None => {
                let frame = self.with_churn(self.window(self.from, self.to), self.from, self.to);
                let mut rows = self.rows(frame, &key_columns, None, &value_outputs, confidence)?;
                if by.is_empty() {
                    ensure_category_rows(&mut rows, &value_outputs);
                }
                if let Some(compare) = self.compare {
                    let (Some(from), Some(to)) = (self.from, self.to) else {
                        return Err(user_error!(
                            "--compare without --every needs --from and --to: the comparison \
                             window is measured from them"
                        ));
                    };
                    let window =
                        periods::comparison_window(self.zone, Window { from, to }, compare)
                            .map_err(|e| user_error!("--compare: {e}"))?;
                    timeline.compare_window = Some(window);
                    let frame = self.with_churn(
                        self.window(Some(window.from), Some(window.to)),
                        Some(window.from),
                        Some(window.to),
                    );
                    let previous =
                        self.rows(frame, &key_columns, None, &value_outputs, confidence)?;
                    attach_previous(&mut rows, &previous, |period| period.map(str::to_string));
                }
                rows
            }
            Some(every) => {
                let Some((frame, periods)) =
                    self.bucketed(self.window(self.from, self.to), every, cut)?
                else {
                    return Ok(self.finish(by, timeline, columns, confidence, Vec::new()));
                };
                let (frame, labels) = self.with_period_churn(frame, &periods);
                let mut rows = self.rows(
                    frame,
                    &key_columns,
                    Some(&labels),
                    &value_outputs,
                    confidence,
                )?;
                if by.is_empty() {
                    rows = with_every_period(rows, &labels, &value_outputs);
                }
                if let Some(compare) = self.compare {
                    let previous = self.previous_periods(
                        &periods,
                        compare,
                        &key_columns,
                        &value_outputs,
                        confidence,
                    )?;
                    let ws = self.week_start;
                    attach_previous(&mut rows, &previous, |period| {
                        let date = period?.parse().ok()?;
                        periods::comparison_period_date(date, every, ws, compare)
                            .ok()
                            .map(periods::format_label)
                    });
                }
                rows
            }
        };
        if self.compare.is_some() {
            // Rows with no counterpart in their comparison window (attach_previous left them
            // short) get empty `_prev` cells.
            for row in &mut rows {
                if row.cells.len() < columns.len() {
                    let missing = columns[row.cells.len()..]
                        .iter()
                        .map(|o| (*o, o.empty_cell()));
                    row.cells.extend(missing);
                }
            }
        }
        Ok(self.finish(by, timeline, columns, confidence, rows))
    }

    /// The rows of every comparison period of `periods` (SPEC §8: whole periods, not cut by
    /// `--from`/`--to`, over every record), labelled by their own periods.
    fn previous_periods(
        &self,
        periods: &Periods,
        compare: Compare,
        key_columns: &[String],
        outputs: &[OutputColumn],
        confidence: Option<&Confidence>,
    ) -> Result<Vec<Row>> {
        let (every, week_start) = (periods.every(), periods.week_start());
        let comparison = |index: usize| -> Result<Window> {
            let label = periods.label(index).expect("an index of the periods");
            periods::comparison_period_window(self.zone, label, every, week_start, compare)
                .map_err(|e| user_error!("--compare: {e}"))
        };
        // Comparison periods come in the order of their periods, so the first and last span
        // them all.
        let first = comparison(0)?;
        let last = comparison(periods.len() - 1)?;
        let frame = self.window(Some(first.from), Some(last.to.max(first.to)));
        let whole = Window {
            from: i64::MIN,
            to: i64::MAX,
        };
        let Some((frame, previous)) = self.bucketed(frame, every, whole)? else {
            return Ok(Vec::new());
        };
        let (frame, labels) = self.with_period_churn(frame, &previous);
        self.rows(frame, key_columns, Some(&labels), outputs, confidence)
    }

    /// A bucketed frame with each period a churn window of its own (SPEC §8), and the
    /// periods' labels.
    fn with_period_churn(&self, frame: DataFrame, periods: &Periods) -> (LazyFrame, Vec<String>) {
        let labels = (periods.labels().iter())
            .map(|date| periods::format_label(*date))
            .collect();
        let frame = frame.lazy().with_columns(metrics::churn_flags_between(
            col(PERIOD_FROM),
            col(PERIOD_TO),
            self.has_churn,
        ));
        (frame, labels)
    }

    /// The aggregated rows of `frame` by category × (period) × keys.
    fn rows(
        &self,
        frame: LazyFrame,
        key_columns: &[String],
        period_labels: Option<&[String]>,
        outputs: &[OutputColumn],
        confidence: Option<&Confidence>,
    ) -> Result<Vec<Row>> {
        let mut computation = Computation::all(self.kpis.iter().map(|kpi| (kpi.aggregate)()));
        if confidence.is_some() {
            let statistics = (self.kpis.iter()).flat_map(|kpi| (kpi.statistics)());
            computation = computation.with_aggregates(statistics.collect());
        }
        let mut group_columns = Vec::new();
        if period_labels.is_some() {
            group_columns.push(PERIOD_INDEX.to_string());
        }
        group_columns.extend(key_columns.iter().cloned());
        let digits = self.digits(&group_columns, period_labels);
        let mut groups = aggregate(frame, &group_columns, digits, &computation)
            .and_then(LazyFrame::collect)
            .map_err(|e| anyhow!("computing the metrics: {e}"))?;
        for key in key_columns {
            self.coded_keys.decode(&mut groups, key)?;
        }
        rows_of(&groups, key_columns, period_labels, outputs, confidence)
    }

    /// The group columns as digits of a [`GroupNumber`], when each is a code of known range:
    /// the period's index, and keys the typed pass coded (`None` otherwise: a key of texts).
    fn digits(
        &self,
        group_columns: &[String],
        period_labels: Option<&[String]>,
    ) -> Option<Vec<Digit>> {
        let digit = |column: &String| -> Option<Digit> {
            let codes = match period_labels {
                Some(labels) if column == PERIOD_INDEX => labels.len(),
                _ => self.coded_keys.codes(column)?,
            };
            Some(Digit {
                column: column.clone(),
                dtype: DataType::UInt32,
                codes: codes as u64,
            })
        };
        group_columns.iter().map(digit).collect()
    }

    fn finish(
        &self,
        by: &[String],
        timeline: Timeline,
        columns: Vec<OutputColumn>,
        confidence: Option<&Confidence>,
        rows: Vec<Row>,
    ) -> Report {
        Report {
            from: self.from,
            to: self.to,
            records: self.records,
            skipped: self.skipped,
            by: by.to_vec(),
            timeline,
            columns,
            rows,
            confidence: confidence.copied(),
        }
    }
}

/// Appends to each row the `_prev` cells of its counterpart in `previous`: the row of the same
/// category and keys whose period is `comparison(row's period)`. Rows without one are left
/// for the caller to complete with empty cells.
fn attach_previous(
    rows: &mut [Row],
    previous: &[Row],
    comparison: impl Fn(Option<&str>) -> Option<String>,
) {
    let by_group: std::collections::HashMap<GroupKey, &Row> = (previous.iter())
        .map(|row| {
            let key = (row.category.clone(), row.period.clone(), row.keys.clone());
            (key, row)
        })
        .collect();
    for row in rows {
        let key = (
            row.category.clone(),
            comparison(row.period.as_deref()),
            row.keys.clone(),
        );
        if row.period.is_some() && key.1.is_none() {
            continue;
        }
        if let Some(found) = by_group.get(&key) {
            let cells: Vec<(OutputColumn, Cell)> = (found.cells.iter())
                .filter(|(output, _)| output.variant == Variant::Value)
                .map(|(output, cell)| {
                    let prev = OutputColumn {
                        column: output.column,
                        variant: Variant::Prev,
                    };
                    (prev, *cell)
                })
                .collect();
            row.cells.extend(cells);
            row.prev_intervals = (found.cells.iter())
                .filter(|(output, _)| output.variant == Variant::Value)
                .filter_map(|(output, _)| {
                    let interval = found.interval(output.column.name)?;
                    Some((output.column, interval))
                })
                .collect();
        }
    }
}

/// Without `--by`, every period has a row for each category row (SPEC §8): support, service,
/// and uncategorized and all when they occur, in category order, then period order.
fn with_every_period(rows: Vec<Row>, labels: &[String], outputs: &[OutputColumn]) -> Vec<Row> {
    let mut categories: Vec<&str> = vec![canonical::SUPPORT, canonical::SERVICE];
    for row in &rows {
        if !categories.contains(&row.category.as_str()) {
            categories.push(&row.category);
        }
    }
    let mut categories: Vec<String> = categories.into_iter().map(str::to_string).collect();
    categories.sort_by_key(|c| CATEGORY_ORDER.iter().position(|o| o == c));
    let mut by_group: std::collections::HashMap<(String, Option<String>), Row> = (rows.into_iter())
        .map(|row| ((row.category.clone(), row.period.clone()), row))
        .collect();
    let mut filled = Vec::with_capacity(categories.len() * labels.len());
    for category in &categories {
        for label in labels {
            let key = (category.clone(), Some(label.clone()));
            filled.push(
                by_group
                    .remove(&key)
                    .unwrap_or_else(|| Row::empty(category, Some(label), outputs)),
            );
        }
    }
    filled
}

/// Per category × keys, plus `all` × keys, sorted as SPEC §4 orders rows: the category, the
/// keys, then each column. The aggregates are computed per group, then the finished columns
/// from them. With the key columns' `digits`, groups of more than one column are grouped by
/// their [`GroupNumber`], and the subset aggregates are computed apart from polars' grouping
/// where [`subset::per_group`] can number the groups.
fn aggregate(
    frame: LazyFrame,
    key_columns: &[String],
    digits: Option<Vec<Digit>>,
    computation: &Computation,
) -> PolarsResult<LazyFrame> {
    let keys: Vec<Expr> = key_columns.iter().map(|k| col(k.as_str())).collect();
    let category = Digit {
        column: CATEGORY.to_string(),
        dtype: canonical::CATEGORY_DTYPE,
        codes: CATEGORY_ORDER.len() as u64,
    };
    let subsets = computation.subsets.clone();
    let (apart, in_polars) = match &digits {
        Some(digits) if !subsets.is_empty() => subset::per_group(
            frame.clone(),
            digits.clone(),
            category.clone(),
            canonical::category_code(canonical::ALL),
            subsets,
        )?,
        _ => (None, subsets),
    };
    let aggs = computation.grouped(&in_polars);
    let grouped = |frame: LazyFrame, columns: Vec<Expr>, digits: Option<Vec<Digit>>| match digits
        .filter(|d| d.len() > 1)
        .and_then(GroupNumber::new)
    {
        Some(number) => (frame.group_by([number.number()]).agg(aggs.clone()))
            .with_columns(number.columns())
            .drop(cols([GROUP_NUMBER])),
        None => frame.group_by(columns).agg(aggs.clone()),
    };
    let mut by_category = vec![col(CATEGORY)];
    by_category.extend(keys.iter().cloned());
    let category_digits = (digits.clone()).map(|d| std::iter::once(category).chain(d).collect());
    let per_category = grouped(frame.clone(), by_category.clone(), category_digits);
    let all = if keys.is_empty() {
        frame.select(computation.whole(&in_polars))
    } else {
        grouped(frame, keys.clone(), digits)
    }
    .with_column(canonical::category_literal(canonical::ALL).alias(CATEGORY));

    let mut side = by_category.clone();
    side.extend(aggs.iter().map(output_name).cloned().map(col));
    // One side after the other (each is parallel within): the transient copies of their
    // aggregations are then one side's at a time (measured while polars computed the subset
    // aggregates too: 100M report peak 4,201 MiB against 4,317, the 10M wall time unchanged).
    let union = concat(
        [per_category.select(side.clone()), all.select(side.clone())],
        UnionArgs {
            parallel: false,
            ..UnionArgs::default()
        },
    )?;
    let union = match apart {
        Some(apart) => {
            let mut join = JoinArgs::new(JoinType::Left);
            join.nulls_equal = true;
            union.join(apart, by_category.clone(), by_category, join)
        }
        None => union,
    };
    let mut order = side;
    let apart_outputs = (computation.subsets.iter())
        .filter(|s| !in_polars.contains(s))
        .flat_map(|s| s.outputs());
    order.extend(apart_outputs.map(col));
    order.extend(computation.finish.iter().map(output_name).cloned().map(col));
    let union = union.with_columns(computation.finish.clone()).select(order);

    // Category codes are in report order.
    let mut sort_by = vec![col(CATEGORY)];
    sort_by.extend(keys);
    let columns = sort_by.len();
    Ok(union.sort_by_exprs(
        sort_by,
        SortMultipleOptions::default()
            .with_nulls_last(true)
            .with_maintain_order(true)
            .with_order_descending_multi(vec![false; columns]),
    ))
}

fn rows_of(
    groups: &DataFrame,
    key_columns: &[String],
    period_labels: Option<&[String]>,
    columns: &[OutputColumn],
    confidence: Option<&Confidence>,
) -> Result<Vec<Row>> {
    let categories = groups.column(CATEGORY)?.u8()?;
    let periods = match period_labels {
        Some(_) => Some(groups.column(PERIOD_INDEX)?.u32()?.clone()),
        None => None,
    };
    let key_columns = (key_columns.iter())
        .map(|name| groups.column(name).and_then(|c| c.str().cloned()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let mut cells_by_column = Vec::with_capacity(columns.len());
    let mut intervals: Vec<(&str, uncertainty::Intervals)> = Vec::new();
    for output in columns {
        if output.variant != Variant::Value {
            // `C_lo` and `C_hi` share one computation of `C`'s intervals.
            let name = output.column.name;
            let index = match intervals.iter().position(|(n, _)| *n == name) {
                Some(index) => index,
                None => {
                    let confidence = confidence.expect("interval columns come with a confidence");
                    let computed = uncertainty::intervals(groups, output.column, confidence)?;
                    intervals.push((name, computed));
                    intervals.len() - 1
                }
            };
            let end = |(lo, hi): (f64, f64)| match output.variant {
                Variant::Lo => lo,
                _ => hi,
            };
            let cells = intervals[index].1.iter().map(|b| Cell::Value(b.map(end)));
            cells_by_column.push(cells.collect());
            continue;
        }
        let column = groups.column(output.column.name)?;
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
            period: (periods.as_ref())
                .and_then(|p| p.get(i))
                .zip(period_labels)
                .and_then(|(index, labels)| labels.get(index as usize).cloned()),
            keys: key_columns
                .iter()
                .map(|c| c.get(i).map(str::to_string))
                .collect(),
            cells: (columns.iter().zip(&cells_by_column))
                .map(|(column, cells)| (*column, cells[i]))
                .collect(),
            prev_intervals: Vec::new(),
        })
        .collect())
}

/// Without `--by`, support and service always have a row, empty or not.
fn ensure_category_rows(rows: &mut Vec<Row>, columns: &[OutputColumn]) {
    for (position, category) in [canonical::SUPPORT, canonical::SERVICE]
        .into_iter()
        .enumerate()
    {
        if !rows.iter().any(|r| r.category == category) {
            rows.insert(
                position.min(rows.len()),
                Row::empty(category, None, columns),
            );
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
