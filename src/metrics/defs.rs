//! The KPI definitions of SPEC §3: one function per KPI returning how its value and its sample
//! size `n` are computed (a [`Computation`]: polars group aggregates, the aggregates over a
//! subset of a group's records and the means, then the columns finished from them), and the
//! per-record inputs they aggregate.
//!
//! Nothing here collects but repeat-mode FCR, which orders the records by customer, category
//! and time itself (a radix sort, see [`fcr_repeat_mode`]); the pipeline composes these
//! expressions into one plan. Which column each aggregation becomes is the catalogue's
//! (`catalogue.rs`).

use polars::prelude::*;

use crate::canonical::{
    CATEGORY, CES, CHURNED_AT, CONTACTS, CREATED_AT, CSAT, CUSTOMER_ID, FIRST_RESPONSE_AT,
    FIRST_RESPONSE_SECONDS, HANDLE_SECONDS, HOLD_SECONDS, NPS, REOPENED, RESOLUTION_SECONDS,
    RESOLVED_AT, TALK_SECONDS, WRAP_SECONDS,
};
use crate::ingest::facts::RecordFacts;
use crate::narrow::Narrowing;
use crate::timestamps::MICROS;

use super::subset::{self, SubsetAggregate};
use super::uncertainty;

/// Per-record inputs derived before aggregation. The first nine are record facts (see
/// [`record_facts`]).
pub(crate) const HANDLE_TIME: &str = "__handle_s";
pub(crate) const CSAT_SATISFIED: &str = "__csat_satisfied";
pub(crate) const NPS_PROMOTER: &str = "__nps_promoter";
pub(crate) const NPS_DETRACTOR: &str = "__nps_detractor";
pub(crate) const SINGLE_CONTACT: &str = "__single_contact";
pub(crate) const RESOLVED: &str = "__resolved";
pub(crate) const FIRST_RESPONSE_TIME: &str = "__first_response_s";
pub(crate) const RESOLUTION_TIME: &str = "__resolution_s";
/// Whether the record has a `churned_at` (see [`churn_flags_unwindowed`]).
pub(crate) const CHURN_DATED: &str = "__churn_dated";
pub(crate) const FIRST_RESPONSE_BH_TIME: &str = "__first_response_bh_s";
pub(crate) const RESOLUTION_BH_TIME: &str = "__resolution_bh_s";
pub(crate) const FCR_ELIGIBLE: &str = "__fcr_eligible";
pub(crate) const FCR_FIRST_CONTACT: &str = "__fcr_first_contact";
pub(crate) const CHURN_BASE: &str = "__churn_base";
pub(crate) const CHURNED: &str = "__churned";
const NEXT_CONTACT_AT: &str = "__next_contact_at";
const REPEATED: &str = "__repeated";
const ROW: &str = "__row";

/// The per-record inputs that need nothing but the record, each in place of the columns it
/// comes from (ingest derives them as it reads: a record keeps one number and four flags where
/// it had seven numbers): the handle time for its four columns; for CSAT, NPS and `contacts`
/// the flags that are all their KPIs read of them (null where the answer is missing, so that a
/// flag's count is the answers' count); the first response and resolution times, and whether
/// the record is resolved. Those replace the timestamps they come from unless `keep_instants`
/// (business hours counted on a schedule read them).
///
/// `created_at` stays where the run places records in time (`places_in_time`: windows,
/// periods, business hours) or where FCR is measured in repeat mode (an input without
/// `contacts`): nothing else reads it once the durations are derived (8 bytes a record).
/// `churned_at` stays where the run places records in time: without windows churn reads only
/// whether a record has one (see [`churn_flags_unwindowed`]).
pub(crate) fn record_facts(
    csat_satisfied_min: f64,
    keep_instants: bool,
    places_in_time: bool,
) -> RecordFacts {
    let instants = [FIRST_RESPONSE_AT, RESOLVED_AT];
    let mut replaced = ALWAYS_REPLACED.to_vec();
    if !keep_instants {
        replaced.extend(instants);
    }
    let mut replaced_given = Vec::new();
    if !places_in_time {
        replaced.push(CHURNED_AT);
        replaced_given.push((CREATED_AT, CONTACTS));
    }
    RecordFacts {
        facts: vec![
            handle_time(),
            col(CSAT)
                .gt_eq(lit(csat_satisfied_min))
                .alias(CSAT_SATISFIED),
            col(NPS).gt_eq(lit(9.0)).alias(NPS_PROMOTER),
            col(NPS).lt_eq(lit(6.0)).alias(NPS_DETRACTOR),
            col(CONTACTS).lt_eq(lit(1.0)).alias(SINGLE_CONTACT),
            first_response_time(),
            resolution_time(),
            col(RESOLVED_AT).is_not_null().alias(RESOLVED),
            col(CHURNED_AT).is_not_null().alias(CHURN_DATED),
        ],
        // Every column the facts read.
        inputs: ([CREATED_AT].iter())
            .chain(&ALWAYS_REPLACED)
            .chain(&instants)
            .chain(&[CHURNED_AT])
            .copied()
            .collect(),
        replaced,
        replaced_given,
        // What the KPIs compute from these is the same stored narrower (see `narrow`): means,
        // quantiles and counts; deviations and interval values read them as `Float64`.
        narrowings: vec![
            (CES, Narrowing::WholeBytes),
            (HANDLE_TIME, Narrowing::WholeSeconds),
            (FIRST_RESPONSE_TIME, Narrowing::WholeSeconds),
            (RESOLUTION_TIME, Narrowing::WholeSeconds),
        ],
    }
}

/// The columns [`record_facts`] replace whatever the run.
const ALWAYS_REPLACED: [&str; 9] = [
    HANDLE_SECONDS,
    TALK_SECONDS,
    HOLD_SECONDS,
    WRAP_SECONDS,
    CSAT,
    NPS,
    CONTACTS,
    FIRST_RESPONSE_SECONDS,
    RESOLUTION_SECONDS,
];

/// Adds the FCR flags, the one per-record input besides the record facts (see
/// [`record_facts`], which `frame` holds) and churn's (whose flags depend on the window, see
/// [`churn_flags_between`]), choosing how FCR is measured (ticket mode when the input has
/// `contacts`, repeat mode otherwise).
///
/// `frame` must hold every valid record of the input, before any window: repeat-mode FCR
/// searches for repeats outside it.
pub(crate) fn with_fcr_flags(
    frame: LazyFrame,
    present: &[&str],
    fcr_window_micros: i64,
) -> PolarsResult<LazyFrame> {
    if present.contains(&CONTACTS) {
        Ok(frame.with_columns(fcr_ticket_mode()))
    } else {
        fcr_repeat_mode(frame, fcr_window_micros)
    }
}

/// Whether any KPI looks at `customer_id`: only churn and repeat-mode FCR do.
pub(crate) fn uses_customers(present: &[&str]) -> bool {
    present.contains(&CHURNED_AT) || !present.contains(&CONTACTS)
}

/// How a KPI is computed from a group's records: `aggregates`, each named and computed once
/// per group even where several of the KPI's columns (or its interval) read it, then `finish`,
/// the columns computed from those aggregates on the aggregated rows.
///
/// polars evaluates every aggregation of a `group_by` on its own (its common-subexpression
/// pass hoists only per-record expressions), so a share written as one expression counted its
/// `n` three times: churn's distinct customers three times a group.
pub(crate) struct Computation {
    pub(crate) aggregates: Vec<Expr>,
    /// Aggregates over a subset of each group's records, and means, computed apart from
    /// polars' grouping where the groups allow (see [`subset`](super::subset)).
    pub(crate) subsets: Vec<SubsetAggregate>,
    pub(crate) finish: Vec<Expr>,
    /// The same aggregates written for the one row of every record at once (a `select`, no
    /// group columns), where they must be written otherwise to give the same bits; `None`:
    /// as `aggregates`.
    whole: Option<Vec<Expr>>,
}

impl Computation {
    /// Columns that are aggregates as they stand.
    fn aggregates(aggregates: Vec<Expr>) -> Self {
        Computation {
            aggregates,
            subsets: Vec::new(),
            finish: Vec::new(),
            whole: None,
        }
    }

    /// The aggregates of the one row of every record (see [`Computation::whole`]).
    fn whole_aggregates(&self) -> &[Expr] {
        self.whole.as_deref().unwrap_or(&self.aggregates)
    }

    /// What polars aggregates per group: the aggregates, and `subsets` (those of the subset
    /// aggregates not computed apart).
    pub(crate) fn grouped(&self, subsets: &[SubsetAggregate]) -> Vec<Expr> {
        let subsets = subsets.iter().flat_map(SubsetAggregate::exprs);
        self.aggregates.iter().cloned().chain(subsets).collect()
    }

    /// What polars aggregates for the one row of every record (see [`Computation::grouped`]).
    pub(crate) fn whole(&self, subsets: &[SubsetAggregate]) -> Vec<Expr> {
        let subsets = subsets.iter().flat_map(SubsetAggregate::whole_exprs);
        self.whole_aggregates()
            .iter()
            .cloned()
            .chain(subsets)
            .collect()
    }

    /// Every one of `computations` as one, their columns in order.
    pub(crate) fn all(computations: impl IntoIterator<Item = Computation>) -> Self {
        let (mut aggregates, mut finish, mut whole) = (Vec::new(), Vec::new(), Vec::new());
        let mut subsets = Vec::new();
        for computation in computations {
            whole.extend_from_slice(computation.whole_aggregates());
            aggregates.extend(computation.aggregates);
            subsets.extend(computation.subsets);
            finish.extend(computation.finish);
        }
        Computation {
            aggregates,
            subsets,
            finish,
            whole: Some(whole),
        }
    }

    /// With `more` aggregates, written alike in groups and for the one row of every record
    /// (an interval's statistics).
    pub(crate) fn with_aggregates(mut self, more: Vec<Expr>) -> Self {
        self.whole = Some([self.whole_aggregates(), &more].concat());
        self.aggregates.extend(more);
        self
    }
}

/// Records in the group.
pub(crate) fn interactions() -> Computation {
    Computation::aggregates(vec![count(len()).alias("interactions")])
}

/// Share (0–100) of CSAT answers at or above the satisfied minimum ([`CSAT_SATISFIED`]); its
/// successes are also what the interval reads.
pub(crate) fn csat() -> Computation {
    let satisfied = count_true(col(CSAT_SATISFIED));
    share(satisfied, col(CSAT_SATISFIED).count(), "csat")
}

/// Net promoter score: 100 × (promoters 9–10 − detractors 0–6) / answers ([`NPS_PROMOTER`],
/// [`NPS_DETRACTOR`]); promoters and detractors are also what the interval reads.
pub(crate) fn nps() -> Computation {
    let promoters = uncertainty::promoters("nps");
    let detractors = uncertainty::detractors("nps");
    let net = col(&promoters).cast(DataType::Float64) - col(&detractors).cast(DataType::Float64);
    let score = percent(net, col("nps_n"));
    Computation {
        aggregates: vec![
            count(count_true(col(NPS_PROMOTER))).alias(&promoters),
            count(count_true(col(NPS_DETRACTOR))).alias(&detractors),
            count(col(NPS_PROMOTER).count()).alias("nps_n"),
        ],
        subsets: Vec::new(),
        finish: vec![score.alias("nps")],
        whole: None,
    }
}

/// What the interval of a mean of `input` called `value` needs: the sample standard deviation
/// (null below two values).
pub(crate) fn mean_statistics(input: &str, value: &str) -> Vec<Expr> {
    // As `Float64` whatever the column is stored as (one byte or four a record, see
    // `narrow`): polars computes an integer column's deviation otherwise.
    let values = col(input).cast(DataType::Float64);
    vec![values.std(1).alias(uncertainty::sample_sd(value))]
}

/// Customer effort: the mean answer.
pub(crate) fn ces() -> Computation {
    mean(CES, "ces", "ces_n")
}

/// The mean of `input` as `output` (see [`SubsetAggregate::Mean`]) and how many values it has
/// as `n`.
fn mean(input: &str, output: &str, n: &str) -> Computation {
    Computation {
        aggregates: vec![count(col(input).count()).alias(n)],
        subsets: vec![SubsetAggregate::Mean {
            input: input.to_string(),
            output: output.to_string(),
            whole_without_nulls: false,
        }],
        finish: Vec::new(),
        whole: None,
    }
}

/// First contact resolution: share (0–100) of the eligible records resolved at first contact.
/// Needs [`FCR_ELIGIBLE`] and [`FCR_FIRST_CONTACT`] (see [`fcr_ticket_mode`], [`fcr_repeat_mode`]).
pub(crate) fn fcr() -> Computation {
    let first_contacts = count_true(col(FCR_ELIGIBLE).and(col(FCR_FIRST_CONTACT)));
    share(first_contacts, count_true(col(FCR_ELIGIBLE)), "fcr")
}

/// Average handle time in seconds, over records with a handle time (see [`handle_time`]).
pub(crate) fn aht() -> Computation {
    mean(HANDLE_TIME, "aht_s", "aht_n")
}

/// A duration per record (`input`, seconds): mean, median and 90th percentile (linear
/// interpolation between closest ranks), and `n`, as `{prefix}_mean_s`, `{prefix}_median_s`,
/// `{prefix}_p90_s` and `{prefix}_n`.
pub(crate) fn durations(input: &str, prefix: &str) -> Computation {
    let quantiles = SubsetAggregate::Quantiles {
        input: input.to_string(),
        quantiles: [(0.5, "median"), (0.9, "p90")]
            .map(|(q, name)| (q, format!("{prefix}_{name}_s")))
            .to_vec(),
    };
    // The mean and `n` of a group need not drop the nulls, which a group does anew for each
    // aggregation that writes it (a new list of record indices per group): polars' grouped
    // mean is a Kahan sum over the group's non-null values in record order, and after
    // `drop_nulls` (which narrows each group's indices into the same column) it sums the same
    // values in the same order. Over every record at once (a `select`) polars sums a column
    // in blocks, which fall elsewhere once the nulls are gone: there the mean stays as it was
    // (checked on fractional durations: …023 against …025 in the last digit otherwise).
    let mean = SubsetAggregate::Mean {
        input: input.to_string(),
        output: format!("{prefix}_mean_s"),
        whole_without_nulls: true,
    };
    let n = |values: Expr| vec![count(values.count()).alias(format!("{prefix}_n"))];
    Computation {
        aggregates: n(col(input)),
        subsets: vec![quantiles, mean],
        finish: Vec::new(),
        whole: Some(n(col(input).drop_nulls())),
    }
}

/// What the intervals of a duration's mean and quantiles need (see [`durations`]): the sample
/// standard deviation, and the values themselves (unsorted; nulls left out).
pub(crate) fn durations_statistics(input: &str, prefix: &str) -> Vec<Expr> {
    let mut statistics = mean_statistics(input, &format!("{prefix}_mean_s"));
    statistics.push(
        col(input)
            .drop_nulls()
            .cast(DataType::Float64)
            .implode(false)
            .alias(uncertainty::values(&format!("{prefix}_n"))),
    );
    statistics
}

/// Churn: share (0–100) of the distinct customers in the base who churned in the window.
/// Needs [`CHURN_BASE`] and [`CHURNED`] (see [`churn_flags`]).
pub(crate) fn churn() -> Computation {
    let distinct = |flag: &str, output: String| SubsetAggregate::Distinct {
        values: CUSTOMER_ID.to_string(),
        flag: flag.to_string(),
        output,
    };
    let (churned, base) = share_columns("churn");
    Computation {
        aggregates: Vec::new(),
        subsets: vec![distinct(CHURNED, churned), distinct(CHURN_BASE, base)],
        finish: vec![share_percent("churn")],
        whole: None,
    }
}

/// How many of `flags` are true (nulls not), as a count of valid values: polars sums a
/// boolean group by first casting the whole column to integers, a pass and 40 MB at 10M
/// records for each sum and grouping, where a count reads the group's validity bits.
fn count_true(flags: Expr) -> Expr {
    flags
        .map(true_as_valid, |_, field| Ok(field.clone()))
        .count()
}

/// The column of flags with every false one null, chunk by chunk (see [`subset::true_only`]).
fn true_as_valid(column: Column) -> PolarsResult<Column> {
    let flags = column.bool()?;
    let chunks = flags.downcast_iter().map(subset::true_only);
    Ok(BooleanChunked::from_chunk_iter(flags.name().clone(), chunks).into_column())
}

/// Handle time of a record: `handle_seconds`, else the sum of the parts present.
pub(crate) fn handle_time() -> Expr {
    let parts = [col(TALK_SECONDS), col(HOLD_SECONDS), col(WRAP_SECONDS)];
    let any_part = parts
        .iter()
        .cloned()
        .map(Expr::is_not_null)
        .reduce(Expr::or)
        .expect("three parts");
    let sum_of_parts = parts
        .into_iter()
        .map(|part| part.fill_null(lit(0.0)))
        .reduce(|a, b| a + b)
        .expect("three parts");
    when(col(HANDLE_SECONDS).is_not_null())
        .then(col(HANDLE_SECONDS))
        .when(any_part)
        .then(sum_of_parts)
        .otherwise(lit(NULL).cast(DataType::Float64))
        .alias(HANDLE_TIME)
}

/// First response time of a record in seconds: `first_response_at − created_at`, else
/// `first_response_seconds`.
pub(crate) fn first_response_time() -> Expr {
    let from_timestamps =
        (col(FIRST_RESPONSE_AT) - col(CREATED_AT)).cast(DataType::Float64) / lit(MICROS);
    coalesce(&[from_timestamps, col(FIRST_RESPONSE_SECONDS)]).alias(FIRST_RESPONSE_TIME)
}

/// Time to resolution of a record in seconds: `resolved_at − created_at`, else
/// `resolution_seconds` (which does not make a record resolved for FCR).
pub(crate) fn resolution_time() -> Expr {
    let from_timestamps =
        (col(RESOLVED_AT) - col(CREATED_AT)).cast(DataType::Float64) / lit(MICROS);
    coalesce(&[from_timestamps, col(RESOLUTION_SECONDS)]).alias(RESOLUTION_TIME)
}

/// FCR flags in ticket mode: resolved records with a `contacts` value are eligible; first
/// contact is `contacts <= 1` ([`SINGLE_CONTACT`]) and not reopened.
pub(crate) fn fcr_ticket_mode() -> [Expr; 2] {
    [
        col(RESOLVED)
            .and(col(SINGLE_CONTACT).is_not_null())
            .alias(FCR_ELIGIBLE),
        col(SINGLE_CONTACT)
            .and(not_reopened())
            .fill_null(lit(false))
            .alias(FCR_FIRST_CONTACT),
    ]
}

/// FCR flags in repeat mode: resolved records with a customer and a creation time are eligible;
/// first contact is not reopened and no other record of the same customer and category was
/// created in `(t, t + window]`.
///
/// `frame` must hold every valid record of the input: repeats are searched outside the report
/// window too.
pub(crate) fn fcr_repeat_mode(frame: LazyFrame, window_micros: i64) -> PolarsResult<LazyFrame> {
    // In (customer, category, created_at) order, a record's next contact is the first later
    // row of the same customer and category with a later time: ties at `t` are not in
    // `(t, t + window]`. Each row looks at the row after it: another customer or category ends
    // the run (END), the same time defers to the rows after (null, filled backwards).
    const END: i64 = i64::MIN;
    let next = |name: &str| col(name).shift(lit(-1i64));
    let same_contact = (col(CUSTOMER_ID).eq(next(CUSTOMER_ID)))
        .and(col(CATEGORY).eq(next(CATEGORY)))
        .fill_null(lit(false));
    let step = when(same_contact.not())
        .then(lit(END))
        .when(next(CREATED_AT).neq(col(CREATED_AT)))
        .then(next(CREATED_AT))
        .otherwise(lit(NULL).cast(DataType::Int64));
    let next_contact_at = step.fill_null_with_strategy(FillNullStrategy::Backward(None));
    // A missing customer or time ends or leaves unknown every comparison: never a repeat.
    let repeated = (col(NEXT_CONTACT_AT).neq(lit(END)))
        .and(col(NEXT_CONTACT_AT).lt_eq(col(CREATED_AT) + lit(window_micros)))
        .fill_null(lit(false));
    let contacts = (frame.clone())
        .select([col(CUSTOMER_ID), col(CATEGORY), col(CREATED_AT)])
        .collect()?;
    let in_contact_order = match radix_contact_order(&contacts)? {
        Some(ordered) => ordered,
        None => (contacts.lazy().with_row_index(ROW, None))
            .sort(
                [CUSTOMER_ID, CATEGORY, CREATED_AT],
                SortMultipleOptions::default().with_nulls_last(false),
            )
            .collect()?,
    };
    let flags = (in_contact_order.lazy())
        .with_column(next_contact_at.alias(NEXT_CONTACT_AT))
        .select([col(ROW), repeated.alias(REPEATED)])
        .collect()?;
    let repeats = in_row_order(&flags)?.lazy();
    Ok(
        concat_lf_horizontal([frame, repeats], HConcatOptions::default())?
            .with_columns([
                col(RESOLVED)
                    .and(col(CUSTOMER_ID).is_not_null())
                    .and(col(CREATED_AT).is_not_null())
                    .alias(FCR_ELIGIBLE),
                not_reopened()
                    .and(col(REPEATED).not())
                    .alias(FCR_FIRST_CONTACT),
            ])
            .drop(cols([REPEATED])),
    )
}

/// The records' [`ROW`]s and their customer, category and `created_at` in (customer,
/// category, created_at) order, nulls first in each, as polars' sort by the three puts them
/// but for ties (whose order the repeat flags do not depend on: a tie defers to the rows after
/// it). `None` unless the customers are `u32` codes (the typed pass's) and the categories `u8`
/// codes, the two together fitting a `u32`; polars sorts the others.
///
/// The (customer, category) pairs are radix-sorted as one `u32` (stable, so each pair's
/// records stay in the records' order), then each pair's few records sorted by time. At 10M
/// rows polars' sort by the three columns took most of repeat mode's cost: its comparisons
/// and gathers miss the caches on every record.
fn radix_contact_order(contacts: &DataFrame) -> PolarsResult<Option<DataFrame>> {
    let (Ok(customers), Ok(categories), Ok(times)) = (
        contacts.column(CUSTOMER_ID)?.u32(),
        contacts.column(CATEGORY)?.u8(),
        contacts.column(CREATED_AT)?.i64(),
    ) else {
        return Ok(None);
    };
    // Each field 0 for null, the code + 1 otherwise.
    let field = |code: Option<u32>| code.map_or(0, |c| u64::from(c) + 1);
    let customer_values = customers.max().map_or(1, |top| field(Some(top)) + 1);
    let category_values = categories
        .max()
        .map_or(1, |top| field(Some(top.into())) + 1);
    // `i64::MIN` stands for a missing time below (no instant chrono reads is that far back).
    if customer_values * category_values > u64::from(u32::MAX) || times.min() == Some(i64::MIN) {
        return Ok(None);
    }
    #[derive(Clone, Copy)]
    struct Contact {
        pair: u32,
        row: IdxSize,
        time: i64,
    }
    let records = customers.iter().zip(categories.iter()).zip(times.iter());
    let mut contacts: Vec<Contact> = (records.enumerate())
        .map(|(row, ((customer, category), time))| Contact {
            pair: (field(customer) * category_values + field(category.map(u32::from))) as u32,
            row: row as IdxSize,
            time: time.unwrap_or(i64::MIN),
        })
        .collect();
    radsort::sort_by_key(&mut contacts, |c| c.pair);
    for run in contacts.chunk_by_mut(|a, b| a.pair == b.pair) {
        if run.len() > 1 {
            run.sort_unstable_by_key(|c| c.time);
        }
    }
    let code = |value: u64| value.checked_sub(1).map(|code| code as u32);
    let pairs = || contacts.iter().map(|c| u64::from(c.pair));
    let customers: UInt32Chunked = pairs().map(|pair| code(pair / category_values)).collect();
    let categories: UInt8Chunked = (pairs())
        .map(|pair| code(pair % category_values).map(|c| c as u8))
        .collect();
    let times: Int64Chunked = (contacts.iter())
        .map(|c| (c.time != i64::MIN).then_some(c.time))
        .collect();
    let rows = IdxCa::from_vec(ROW.into(), contacts.iter().map(|c| c.row).collect());
    let columns = vec![
        rows.into_column(),
        customers.with_name(CUSTOMER_ID.into()).into_column(),
        categories.with_name(CATEGORY.into()).into_column(),
        times.with_name(CREATED_AT.into()).into_column(),
    ];
    DataFrame::new(contacts.len(), columns).map(Some)
}

/// The [`REPEATED`] flags of `in_contact_order` put back in the records' order, each at its
/// [`ROW`] (one pass, where polars would sort by the rows again).
fn in_row_order(in_contact_order: &DataFrame) -> PolarsResult<DataFrame> {
    let rows = in_contact_order.column(ROW)?.idx()?;
    let flags = in_contact_order.column(REPEATED)?.bool()?;
    let mut repeated = vec![false; rows.len()];
    for (row, flag) in rows.iter().zip(flags.iter()) {
        let row = row.expect("a row index is never null") as usize;
        repeated[row] = flag.unwrap_or(false);
    }
    DataFrame::new(rows.len(), vec![Column::new(REPEATED.into(), repeated)])
}

/// Churn flags for the window `[from, to)` (open where a bound is `None`): the base is
/// customers whose `churned_at` is missing or not before `from`; churned are those of the base
/// with `churned_at` before `to`.
#[cfg(test)]
pub(crate) fn churn_flags(from: Option<i64>, to: Option<i64>) -> [Expr; 2] {
    let bound = |b: Option<i64>| b.map_or(lit(NULL).cast(DataType::Int64), lit);
    churn_flags_between(bound(from), bound(to), true)
}

/// Churn flags for a window whose bounds are expressions — literals, or per-record columns
/// (each record's period, SPEC §8) —, a null bound being open. Without churn dates in the
/// input (`has_churn` false) there is no churn to measure: `n = 0`, as for any absent column.
pub(crate) fn churn_flags_between(from: Expr, to: Expr, has_churn: bool) -> [Expr; 2] {
    if !has_churn {
        return [lit(false).alias(CHURN_BASE), lit(false).alias(CHURNED)];
    }
    let churned_at = col(CHURNED_AT);
    let base = col(CUSTOMER_ID).is_not_null().and(
        (churned_at.clone().is_null())
            .or(from.clone().is_null())
            .or(churned_at.clone().gt_eq(from)),
    );
    let churned = (base.clone())
        .and(churned_at.clone().is_not_null())
        .and(to.clone().is_null().or(churned_at.lt(to)));
    [
        base.fill_null(lit(false)).alias(CHURN_BASE),
        churned.fill_null(lit(false)).alias(CHURNED),
    ]
}

/// Churn flags with no window at all, as [`churn_flags_between`] gives them with both bounds
/// open (the base: every record with a customer), read from the [`CHURN_DATED`] fact, so that
/// no `churned_at` need be kept.
pub(crate) fn churn_flags_unwindowed(has_churn: bool) -> [Expr; 2] {
    if !has_churn {
        return [lit(false).alias(CHURN_BASE), lit(false).alias(CHURNED)];
    }
    let base = col(CUSTOMER_ID).is_not_null();
    let churned = base.clone().and(col(CHURN_DATED));
    [base.alias(CHURN_BASE), churned.alias(CHURNED)]
}

fn not_reopened() -> Expr {
    col(REOPENED).fill_null(lit(false)).not()
}

/// A share KPI: its successes (`hits`, also what its interval reads) and `{name}_n` (`n`)
/// aggregated, then `name` = 100 × successes / n (null when `n = 0`) from them.
fn share(hits: Expr, n: Expr, name: &str) -> Computation {
    let (successes, n_name) = share_columns(name);
    Computation {
        aggregates: vec![count(hits).alias(&successes), count(n).alias(&n_name)],
        subsets: Vec::new(),
        finish: vec![share_percent(name)],
        whole: None,
    }
}

/// The columns a share KPI `name` aggregates: its successes and its `n`.
fn share_columns(name: &str) -> (String, String) {
    (uncertainty::successes(name), format!("{name}_n"))
}

/// A share KPI's percentage, from the columns of [`share_columns`].
fn share_percent(name: &str) -> Expr {
    let (successes, n) = share_columns(name);
    percent(col(&successes), col(&n)).alias(name)
}

/// `100 × value / n` (null when `n = 0`), on the aggregated rows.
fn percent(value: Expr, n: Expr) -> Expr {
    when(n.clone().gt(lit(0)))
        .then(value.cast(DataType::Float64) * lit(100.0) / n.cast(DataType::Float64))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

fn count(n: Expr) -> Expr {
    n.cast(DataType::Int64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::CATEGORY_ORDER;
    use crate::group_number::Digit;

    const HOUR: i64 = 3_600_000_000;
    const DAY: i64 = 24 * HOUR;

    /// Runs `computation` over `frame` as one group and returns the single result row as
    /// (name, value) pairs.
    ///
    /// The subset aggregates are computed both apart from polars (as the report computes them
    /// where it can) and as polars expressions, which must agree to the bit.
    fn aggregate(frame: DataFrame, computation: Computation) -> Vec<(String, Option<f64>)> {
        let by_polars = (frame
            .clone()
            .lazy()
            .select(computation.whole(&computation.subsets)))
        .with_columns(computation.finish.clone());
        let by_polars = row_of(by_polars.collect().unwrap());
        let mut frame = frame;
        if frame.column(CATEGORY).is_err() {
            let support = Column::new_scalar(CATEGORY.into(), Scalar::from(0u8), frame.height());
            frame.with_column(support).unwrap();
        }
        let category = Digit {
            column: CATEGORY.to_string(),
            dtype: DataType::UInt8,
            codes: CATEGORY_ORDER.len() as u64,
        };
        let (frame, subsets) = (frame.lazy(), computation.subsets.clone());
        let all = crate::canonical::category_code(crate::canonical::ALL);
        let computed = subset::per_group(frame.clone(), Vec::new(), category, all, subsets);
        let (apart, left) = computed.unwrap();
        // Inputs of types read only by polars (texts for customers) are left to it.
        let Some(apart) = apart else {
            return by_polars;
        };
        let apart = apart
            .filter(col(CATEGORY).eq(lit(all)))
            .drop(cols([CATEGORY]));
        let whole = frame.select(computation.whole(&left));
        let both = concat_lf_horizontal([whole, apart], HConcatOptions::default()).unwrap();
        let both = row_of(both.with_columns(computation.finish).collect().unwrap());
        for (name, value) in &by_polars {
            let apart = both.iter().find(|(n, _)| n == name).unwrap().1;
            assert_eq!(
                value.map(f64::to_bits),
                apart.map(f64::to_bits),
                "{name}: {value:?} by polars, {apart:?} apart"
            );
        }
        by_polars
    }

    fn row_of(out: DataFrame) -> Vec<(String, Option<f64>)> {
        out.columns()
            .iter()
            .map(|c| {
                let values = c.cast(&DataType::Float64).unwrap();
                (c.name().to_string(), values.f64().unwrap().get(0))
            })
            .collect()
    }

    fn value(results: &[(String, Option<f64>)], name: &str) -> Option<f64> {
        results.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn floats(name: &str, values: &[Option<f64>]) -> Column {
        Column::new(name.into(), values)
    }

    /// `frame`, holding some of the record facts' inputs (the others null), with the facts.
    fn with_facts(mut frame: DataFrame, csat_satisfied_min: f64) -> DataFrame {
        let facts = record_facts(csat_satisfied_min, false, true);
        for &input in &facts.inputs {
            if frame.column(input).is_err() {
                let height = frame.height();
                let null = Column::full_null(input.into(), height, &DataType::Float64);
                frame.with_column(null).unwrap();
            }
        }
        facts.derive(frame, &facts.inputs).unwrap()
    }

    #[test]
    fn record_facts_read_only_their_inputs_and_replace_what_they_say() {
        // A frame of exactly the declared inputs derives every fact (an expression reading
        // another column would fail here); what stays is `created_at` where the run places
        // records in time or the input has no `contacts` (repeat mode), and the instants
        // where asked.
        let both = [false, true];
        let cases = both.into_iter().flat_map(|keep_instants| {
            both.into_iter().flat_map(move |places_in_time| {
                both.map(move |has_contacts| (keep_instants, places_in_time, has_contacts))
            })
        });
        for (keep_instants, places_in_time, has_contacts) in cases {
            let facts = record_facts(4.0, keep_instants, places_in_time);
            let inputs = (facts.inputs.iter())
                .map(|&name| Column::full_null(name.into(), 1, &DataType::Float64))
                .collect();
            let mut present = facts.inputs.clone();
            if !has_contacts {
                present.retain(|&name| name != CONTACTS);
            }
            let derived = (facts.derive(DataFrame::new(1, inputs).unwrap(), &present)).unwrap();
            let mut expected = Vec::new();
            if places_in_time || !has_contacts {
                expected.push(CREATED_AT.to_string());
            }
            if keep_instants {
                expected.extend([FIRST_RESPONSE_AT.to_string(), RESOLVED_AT.to_string()]);
            }
            if places_in_time {
                expected.push(CHURNED_AT.to_string());
            }
            expected.extend(facts.names());
            let names: Vec<String> = (derived.get_column_names().iter())
                .map(|n| n.to_string())
                .collect();
            assert_eq!(names, expected);
        }
    }

    #[test]
    fn csat_counts_answers_at_or_above_the_threshold() {
        // 5, 4 satisfied; 3, 1 not; one missing: 2 / 4 = 50 %.
        let frame = DataFrame::new_infer_height(vec![floats(
            CSAT,
            &[Some(5.0), Some(4.0), Some(3.0), None, Some(1.0)],
        )])
        .unwrap();
        let r = aggregate(with_facts(frame.clone(), 4.0), csat());
        assert_eq!(value(&r, "csat"), Some(50.0));
        assert_eq!(value(&r, "csat_n"), Some(4.0));
        // With a stricter threshold only the 5 counts: 1 / 4 = 25 %.
        let r = aggregate(with_facts(frame, 5.0), csat());
        assert_eq!(value(&r, "csat"), Some(25.0));
    }

    #[test]
    fn csat_with_no_answers_is_null_with_n_zero() {
        let frame = DataFrame::new_infer_height(vec![floats(CSAT, &[None, None])]).unwrap();
        let r = aggregate(with_facts(frame, 4.0), csat());
        assert_eq!(value(&r, "csat"), None);
        assert_eq!(value(&r, "csat_n"), Some(0.0));
    }

    #[test]
    fn nps_is_promoters_minus_detractors() {
        // 10, 9 promoters; 8, 7 passives; 6, 0 detractors; 2 − 2 = 0 of 6 → 0.
        let answers = [10.0, 9.0, 8.0, 7.0, 6.0, 0.0].map(Some);
        let frame = DataFrame::new_infer_height(vec![floats(NPS, &answers)]).unwrap();
        let r = aggregate(with_facts(frame, 4.0), nps());
        assert_eq!(value(&r, "nps"), Some(0.0));
        assert_eq!(value(&r, "nps_n"), Some(6.0));

        // 9, 10, 3 and a missing one: (2 − 1) / 3 = 33.33…
        let frame = DataFrame::new_infer_height(vec![floats(
            NPS,
            &[Some(9.0), Some(10.0), Some(3.0), None],
        )])
        .unwrap();
        let r = aggregate(with_facts(frame, 4.0), nps());
        assert!((value(&r, "nps").unwrap() - 100.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn nps_with_no_promoters_is_negative() {
        // 7, 8 passives; 2, 5, 6 detractors: (0 − 3) / 5 = −60.
        let answers = [7.0, 8.0, 2.0, 5.0, 6.0].map(Some);
        let frame = DataFrame::new_infer_height(vec![floats(NPS, &answers)]).unwrap();
        let r = aggregate(with_facts(frame, 4.0), nps());
        assert_eq!(value(&r, "nps"), Some(-60.0));
        // Only detractors: −100.
        let frame =
            DataFrame::new_infer_height(vec![floats(NPS, &[Some(0.0), Some(6.0)])]).unwrap();
        assert_eq!(
            value(&aggregate(with_facts(frame, 4.0), nps()), "nps"),
            Some(-100.0)
        );
    }

    #[test]
    fn ces_is_the_mean_answer() {
        // (7 + 5 + 3) / 3 = 5.
        let frame = DataFrame::new_infer_height(vec![floats(
            CES,
            &[Some(7.0), None, Some(5.0), Some(3.0)],
        )])
        .unwrap();
        let r = aggregate(frame, ces());
        assert_eq!(value(&r, "ces"), Some(5.0));
        assert_eq!(value(&r, "ces_n"), Some(3.0));
    }

    #[test]
    fn handle_time_prefers_the_total_then_sums_present_parts() {
        let frame = df!(
            HANDLE_SECONDS => [Some(100.0), None, None, None],
            TALK_SECONDS => [Some(1.0), Some(60.0), None, None],
            HOLD_SECONDS => [Some(1.0), None, None, None],
            WRAP_SECONDS => [Some(1.0), Some(15.0), Some(5.0), None],
        )
        .unwrap();
        let out = frame.lazy().select([handle_time()]).collect().unwrap();
        let values: Vec<Option<f64>> = out
            .column(HANDLE_TIME)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some(100.0), Some(75.0), Some(5.0), None]);
        // AHT over them: (100 + 75 + 5) / 3 = 60.
        let r = aggregate(out, aht());
        assert_eq!(value(&r, "aht_s"), Some(60.0));
        assert_eq!(value(&r, "aht_n"), Some(3.0));
    }

    #[test]
    fn first_response_time_prefers_timestamps_then_seconds() {
        let frame = df!(
            CREATED_AT => [Some(0i64), Some(0), None, Some(0)],
            FIRST_RESPONSE_AT => [Some(90_000_000i64), None, Some(5), None],
            FIRST_RESPONSE_SECONDS => [Some(1.0), Some(30.0), Some(45.0), None],
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([first_response_time()])
            .collect()
            .unwrap();
        let values: Vec<Option<f64>> = out
            .column(FIRST_RESPONSE_TIME)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some(90.0), Some(30.0), Some(45.0), None]);
    }

    #[test]
    fn resolution_time_prefers_timestamps_then_seconds() {
        // By hand: 2 h from the timestamps (7,200 s, the 60 s figure ignored); no resolved_at
        // → the 600 s figure; no created_at → the 45 s figure; nothing → missing.
        let frame = df!(
            CREATED_AT => [Some(0i64), Some(0), None, Some(0)],
            RESOLVED_AT => [Some(7_200_000_000i64), None, Some(5), None],
            RESOLUTION_SECONDS => [Some(60.0), Some(600.0), Some(45.0), None],
        )
        .unwrap();
        let out = frame.lazy().select([resolution_time()]).collect().unwrap();
        let values: Vec<Option<f64>> = (out.column(RESOLUTION_TIME).unwrap().f64().unwrap())
            .iter()
            .collect();
        assert_eq!(values, [Some(7200.0), Some(600.0), Some(45.0), None]);
    }

    fn percentiles(values: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
        let column = values.iter().map(|v| Some(*v)).collect::<Vec<_>>();
        let frame =
            DataFrame::new_infer_height(vec![floats(FIRST_RESPONSE_TIME, &column)]).unwrap();
        let r = aggregate(frame, durations(FIRST_RESPONSE_TIME, "frt"));
        (
            value(&r, "frt_mean_s"),
            value(&r, "frt_median_s"),
            value(&r, "frt_p90_s"),
        )
    }

    #[test]
    fn grouped_duration_means_and_counts_are_those_after_drop_nulls() {
        // The durations' grouped mean and `n` skip `drop_nulls` (the one row of every record
        // keeps it: a `select` sums otherwise). In a group they must be the same bits as with
        // it, the former definition: here on 200,000 fractional values, every seventh missing,
        // in five groups (a fixed pseudo-random sequence; the last bits differ between ways of
        // summing at this size).
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let values: Vec<Option<f64>> = (0..200_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let fraction = (state >> 11) as f64 / (1u64 << 53) as f64;
                (i % 7 != 3).then_some(fraction * 86_400.0)
            })
            .collect();
        let groups: Vec<u8> = (0..values.len()).map(|i| (i % 5) as u8).collect();
        let frame = DataFrame::new_infer_height(vec![
            floats(FIRST_RESPONSE_TIME, &values),
            Column::new("g".into(), groups),
        ])
        .unwrap();
        let seconds = col(FIRST_RESPONSE_TIME).drop_nulls();
        let frt = durations(FIRST_RESPONSE_TIME, "frt");
        let mut aggregates = frt.grouped(&frt.subsets);
        aggregates.push(seconds.clone().mean().alias("former_mean"));
        aggregates.push(count(seconds.count()).alias("former_n"));
        let grouped = (frame.lazy().group_by([col("g")]).agg(aggregates))
            .collect()
            .unwrap();
        let bits = |name: &str| -> Vec<Option<u64>> {
            let values = grouped
                .column(name)
                .unwrap()
                .cast(&DataType::Float64)
                .unwrap();
            values
                .f64()
                .unwrap()
                .iter()
                .map(|v| v.map(f64::to_bits))
                .collect()
        };
        assert_eq!(bits("frt_mean_s"), bits("former_mean"));
        assert_eq!(bits("frt_n"), bits("former_n"));
    }

    #[test]
    fn grouped_counts_and_quantiles_read_nothing_under_the_nulls() {
        // Values lie under the null slots (1000 and 5 here, as arrays may hold them) and must
        // not count, in groups as over every record. By hand: group 0 has flags T, F, null, T
        // and seconds 10, null, 30, 20; group 1 flags null, T and seconds null, 7.
        // Group 0: 2 true of 3; median of 10, 20, 30 = 20; p90 at rank 0.9 × 2 = 1.8 →
        // 20 + 0.8 × 10 = 28. Group 1: 1 true of 1; median and p90 7. All: 3 of 4; median
        // of 7, 10, 20, 30 at rank 1.5 → 15; p90 at rank 2.7 → 20 + 0.7 × 10 = 27.
        let bitmap = |bits: [bool; 6]| {
            let flags = BooleanChunked::from_slice("".into(), &bits);
            let bitmap = flags.downcast_iter().next().unwrap().values().clone();
            bitmap
        };
        let with_nulls = |name: &str, values: Series, valid: [bool; 6]| {
            let chunk = values.chunks()[0].with_validity(Some(bitmap(valid)));
            Series::try_from((PlSmallStr::from(name), vec![chunk]))
                .unwrap()
                .into_column()
        };
        let seconds = Series::new("".into(), [10u32, 1000, 30, 20, 5, 7]);
        let flags = Series::new("".into(), [true, false, true, true, true, true]);
        let frame = DataFrame::new_infer_height(vec![
            with_nulls(
                FIRST_RESPONSE_TIME,
                seconds,
                [true, false, true, true, false, true],
            ),
            with_nulls(
                CSAT_SATISFIED,
                flags,
                [true, true, false, true, false, true],
            ),
            Column::new("g".into(), [0u8, 0, 0, 0, 1, 1]),
        ])
        .unwrap();
        let computation = || Computation::all([durations(FIRST_RESPONSE_TIME, "frt"), csat()]);
        let grouped = (frame.clone().lazy())
            .group_by([col("g")])
            .agg(computation().grouped(&computation().subsets))
            .with_columns(computation().finish)
            .sort(["g"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let floats_of = |name: &str| -> Vec<Option<f64>> {
            let values = grouped.column(name).unwrap();
            let values = values.cast(&DataType::Float64).unwrap();
            values.f64().unwrap().iter().collect()
        };
        assert_eq!(floats_of("frt_median_s"), [Some(20.0), Some(7.0)]);
        assert_eq!(floats_of("frt_p90_s"), [Some(28.0), Some(7.0)]);
        assert_eq!(floats_of("frt_n"), [Some(3.0), Some(1.0)]);
        assert_eq!(
            floats_of(&uncertainty::successes("csat")),
            [Some(2.0), Some(1.0)]
        );
        assert_eq!(floats_of("csat_n"), [Some(3.0), Some(1.0)]);
        let all = aggregate(frame, computation());
        assert_eq!(value(&all, "frt_median_s"), Some(15.0));
        assert!((value(&all, "frt_p90_s").unwrap() - 27.0).abs() < 1e-9);
        assert_eq!(value(&all, &uncertainty::successes("csat")), Some(3.0));
        assert_eq!(value(&all, "csat"), Some(75.0));
    }

    #[test]
    fn percentiles_on_one_value() {
        assert_eq!(percentiles(&[42.0]), (Some(42.0), Some(42.0), Some(42.0)));
    }

    #[test]
    fn percentiles_on_two_values_interpolate() {
        // Ranks 0..1: median at 0.5 → 15; p90 at 0.9 → 10 + 0.9 × 10 = 19.
        let (mean, median, p90) = percentiles(&[20.0, 10.0]);
        assert_eq!(mean, Some(15.0));
        assert_eq!(median, Some(15.0));
        assert!((p90.unwrap() - 19.0).abs() < 1e-9);
    }

    #[test]
    fn percentiles_on_ten_values() {
        // Sorted 1..=10 (given shuffled). Median at rank 4.5 → 5.5; p90 at rank 8.1 →
        // 9 + 0.1 × (10 − 9) = 9.1; mean 5.5.
        let (mean, median, p90) = percentiles(&[3.0, 10.0, 1.0, 7.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0]);
        assert_eq!(mean, Some(5.5));
        assert_eq!(median, Some(5.5));
        assert!((p90.unwrap() - 9.1).abs() < 1e-9);
    }

    #[test]
    fn frt_with_no_values_is_null() {
        let frame =
            DataFrame::new_infer_height(vec![floats(FIRST_RESPONSE_TIME, &[None])]).unwrap();
        let r = aggregate(frame, durations(FIRST_RESPONSE_TIME, "frt"));
        assert_eq!(value(&r, "frt_median_s"), None);
        assert_eq!(value(&r, "frt_n"), Some(0.0));
    }

    #[test]
    fn fcr_ticket_mode_uses_contacts_and_reopened() {
        let frame = df!(
            RESOLVED_AT => [Some(1i64), Some(1), Some(1), Some(1), None, Some(1)],
            CONTACTS => [Some(1.0), Some(0.0), Some(2.0), Some(1.0), Some(1.0), None],
            REOPENED => [Some(false), None, Some(false), Some(true), Some(false), Some(false)],
        )
        .unwrap();
        // Eligible: rows 1–4 (row 5 unresolved, row 6 has no contacts). First contact: rows
        // 1 and 2 (row 3 took 2 contacts, row 4 was reopened) → 2 / 4 = 50 %.
        let r = aggregate(
            with_facts(frame, 4.0)
                .lazy()
                .with_columns(fcr_ticket_mode())
                .collect()
                .unwrap(),
            fcr(),
        );
        assert_eq!(value(&r, "fcr"), Some(50.0));
        assert_eq!(value(&r, "fcr_n"), Some(4.0));
    }

    fn flags(frame: &DataFrame, column: &str) -> Vec<Option<bool>> {
        frame
            .column(column)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect()
    }

    #[test]
    fn fcr_repeat_mode_window_is_open_at_t_and_closed_at_t_plus_window() {
        let window = 7 * DAY;
        let frame = df!(
            CUSTOMER_ID => [Some("a"), Some("a"), Some("b"), Some("b"), Some("c"), Some("c"), Some("d"), Some("d"), None, Some("e"), Some("e")],
            CATEGORY => ["support", "support", "support", "support", "support", "support", "support", "service", "support", "support", "support"],
            CREATED_AT => [0i64, window, 0, window + 1, 0, 0, 0, DAY, 0, 10 * DAY, 0],
            RESOLVED_AT => [Some(1i64), Some(window + 1), Some(1), Some(window + 2), Some(1), Some(1), Some(1), Some(DAY + 1), Some(1), None, Some(1)],
            REOPENED => [None::<bool>, None, None, None, None, None, None, None, None, None, Some(true)],
        )
        .unwrap();
        let flagged = fcr_repeat_mode(with_facts(frame, 4.0).lazy(), window)
            .unwrap()
            .collect()
            .unwrap();
        let first = flags(&flagged, FCR_FIRST_CONTACT);
        let eligible = flags(&flagged, FCR_ELIGIBLE);
        // a@0 is followed at exactly t + window: a repeat (window closed at the end).
        // a@window: no later contact. b@0 followed at window + 1: outside, first contact.
        // c@0 twice: a tie at t is not in (t, t + window]. d: the other contact is another
        // category. The null customer is not eligible. e@10d is unresolved (not eligible);
        // e@0 was reopened.
        assert_eq!(
            first,
            [false, true, true, true, true, true, true, true, true, true, false].map(Some)
        );
        assert_eq!(
            eligible,
            [true, true, true, true, true, true, true, true, false, false, true].map(Some)
        );
        let r = aggregate(flagged, fcr());
        // 9 eligible, first-contact among them: all but a@0 and e@0 → 7 / 9.
        assert_eq!(value(&r, "fcr_n"), Some(9.0));
        assert!((value(&r, "fcr").unwrap() - 700.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn fcr_repeat_mode_radix_order_flags_what_polars_order_and_the_definition_flag() {
        // 3,000 pseudo-random records over 40 customers, 3 categories and 300 hours, with
        // missing values in each of the three and ties, some times off the whole second. The
        // expected flags come from the definition read pair by pair (a record repeats when
        // another of its customer and category was created in (t, t + window]), not from
        // either order. `u32` customers take the radix order, `u64` ones polars' sort.
        let window = 24 * HOUR;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut draw = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % below
        };
        let n = 3000;
        let (mut customers, mut categories, mut times) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            customers.push((draw(10) != 0).then(|| draw(40) as u32));
            categories.push((draw(20) != 0).then(|| draw(3) as u8));
            let offset = if draw(10) == 0 {
                draw(1_000_000) as i64
            } else {
                0
            };
            times.push((draw(20) != 0).then(|| draw(300) as i64 * HOUR + offset));
        }
        let repeats = |r: usize| {
            let (Some(c), Some(g), Some(t)) = (customers[r], categories[r], times[r]) else {
                return false;
            };
            (0..n).any(|s| {
                s != r
                    && customers[s] == Some(c)
                    && categories[s] == Some(g)
                    && times[s].is_some_and(|u| t < u && u <= t + window)
            })
        };
        let expected: Vec<Option<bool>> = (0..n).map(|r| Some(!repeats(r))).collect();
        assert!(expected.contains(&Some(false)) && expected.contains(&Some(true)));
        let wide: Vec<Option<u64>> = customers.iter().map(|c| c.map(u64::from)).collect();
        for customer_column in [
            Column::new(CUSTOMER_ID.into(), &customers),
            Column::new(CUSTOMER_ID.into(), &wide),
        ] {
            let radix = customer_column.dtype() == &DataType::UInt32;
            let frame = DataFrame::new(
                n,
                vec![
                    customer_column,
                    Column::new(CATEGORY.into(), &categories),
                    Column::new(CREATED_AT.into(), &times),
                    Column::new(RESOLVED_AT.into(), &times),
                    Column::new(REOPENED.into(), vec![None::<bool>; n]),
                ],
            )
            .unwrap();
            let contacts = frame.select([CUSTOMER_ID, CATEGORY, CREATED_AT]).unwrap();
            assert_eq!(radix_contact_order(&contacts).unwrap().is_some(), radix);
            let flagged = fcr_repeat_mode(with_facts(frame, 4.0).lazy(), window)
                .unwrap()
                .collect()
                .unwrap();
            assert_eq!(
                flags(&flagged, FCR_FIRST_CONTACT),
                expected,
                "radix order: {radix}"
            );
        }
    }

    #[test]
    fn fcr_repeat_mode_looks_past_ties_but_not_past_the_customer() {
        let window = 7 * DAY;
        // Out of order on purpose. f: two contacts at 0, then one at DAY. g: two at 0, and
        // h (another customer) at DAY. i: one contact without a creation time, one at 0 and
        // one at 2 * DAY (customer ids as numbers, as the pipeline's hashes are).
        let frame = df!(
            CUSTOMER_ID => [Some(6u64), Some(8), Some(6), Some(7), Some(9), Some(6), Some(7), Some(9), Some(9)],
            CATEGORY => ["support"; 9],
            CREATED_AT => [Some(0i64), Some(DAY), Some(DAY), Some(0), None, Some(0), Some(0), Some(0), Some(2 * DAY)],
            RESOLVED_AT => [Some(DAY); 9],
            REOPENED => [None::<bool>; 9],
        )
        .unwrap();
        let flagged = fcr_repeat_mode(with_facts(frame, 4.0).lazy(), window)
            .unwrap()
            .collect()
            .unwrap();
        let first = flags(&flagged, FCR_FIRST_CONTACT);
        // Both f@0 are followed by f@DAY (past the tie): repeats; f@DAY is the last. Neither
        // g@0 has a later contact of g (h's is not one); h@DAY neither. i without a time is not
        // a repeat (nor eligible); i@0 is followed by i@2d: a repeat; i@2d is the last.
        assert_eq!(
            first,
            [false, true, true, true, true, false, true, false, true].map(Some)
        );
        let eligible = flags(&flagged, FCR_ELIGIBLE);
        assert_eq!(eligible.iter().filter(|e| **e == Some(true)).count(), 8);
    }

    fn churn_of(from: Option<i64>, to: Option<i64>) -> (Option<f64>, Option<f64>) {
        // Customers: a churned at day 5 (two records), b at day 20, c never, d at day −3,
        // and one record without a customer.
        let frame = df!(
            CUSTOMER_ID => [Some("a"), Some("a"), Some("b"), Some("c"), Some("d"), None],
            CHURNED_AT => [Some(5 * DAY), Some(5 * DAY), Some(20 * DAY), None, Some(-3 * DAY), Some(DAY)],
        )
        .unwrap();
        let flagged = frame
            .lazy()
            .with_columns(churn_flags(from, to))
            .collect()
            .unwrap();
        let r = aggregate(flagged, churn());
        (value(&r, "churn"), value(&r, "churn_n"))
    }

    #[test]
    fn churn_flags_without_a_window_are_those_of_open_bounds() {
        use crate::exprs::output_name;
        // The same records as `churn_of`, with and without churn dates in the input: the
        // flags from the record fact equal those from `churned_at` with both bounds open.
        let frame = df!(
            CUSTOMER_ID => [Some("a"), Some("a"), Some("b"), Some("c"), Some("d"), None],
            CHURNED_AT => [Some(5 * DAY), Some(5 * DAY), Some(20 * DAY), None, Some(-3 * DAY), Some(DAY)],
        )
        .unwrap();
        let facts = record_facts(4.0, false, false);
        let dated = (facts.facts.iter())
            .find(|fact| output_name(fact) == CHURN_DATED)
            .unwrap()
            .clone();
        let open = lit(NULL).cast(DataType::Int64);
        for has_churn in [true, false] {
            let flags = |flags: [Expr; 2]| {
                (frame.clone().lazy())
                    .with_column(dated.clone())
                    .select(flags)
                    .collect()
                    .unwrap()
            };
            let unwindowed = flags(churn_flags_unwindowed(has_churn));
            let between = flags(churn_flags_between(open.clone(), open.clone(), has_churn));
            assert!(
                unwindowed.equals_missing(&between),
                "{unwindowed} {between}"
            );
        }
    }

    #[test]
    fn churn_with_open_window_counts_every_churned_customer() {
        // Base a, b, c, d (4); churned a, b, d → 75 %.
        assert_eq!(churn_of(None, None), (Some(75.0), Some(4.0)));
    }

    #[test]
    fn churn_with_closed_window() {
        // [day 0, day 10): d churned before `from`, out of the base; base a, b, c;
        // churned in the window: a → 1 / 3.
        let (share, n) = churn_of(Some(0), Some(10 * DAY));
        assert_eq!(n, Some(3.0));
        assert!((share.unwrap() - 100.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn churn_with_half_open_windows() {
        // From day 0, open end: base a, b, c; churned a, b → 2 / 3.
        let (share, n) = churn_of(Some(0), None);
        assert_eq!(n, Some(3.0));
        assert!((share.unwrap() - 200.0 / 3.0).abs() < 1e-12);
        // Up to day 10, open start: base a, b, c, d; churned a, d → 50 %.
        assert_eq!(churn_of(None, Some(10 * DAY)), (Some(50.0), Some(4.0)));
    }
}
