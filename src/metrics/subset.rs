//! Aggregates over a subset of each group's records (a duration's quantiles over its non-null
//! values, the distinct customers of the records that carry a flag), computed from that subset
//! gathered group by group into one buffer, where the groups are numbered densely; and the
//! grouped means, summed group by group in one sweep of the records.
//!
//! polars aggregates a filtered group by first building every group's record indices anew,
//! once for each such aggregation, and runs the aggregations in parallel: at 100M records
//! those lists were 268 MB apiece with four alive at once, most of the report's peak. Here one
//! aggregate's values are gathered at a time, and a group's `all` row reads the same buffer as
//! its categories' rows (the category is the last digit of the group number, so the categories
//! of one group of keys lie side by side in it). Where the groups cannot be numbered so, the
//! same aggregates are polars expressions ([`SubsetAggregate::exprs`]).
//!
//! A grouped mean in polars gathers each group's values by their record indices, a cache miss
//! a value once the groups are many (with `--by agent,channel` at 10M records, the means were
//! half of what the keys added); summed here record by record into each group's sum, in the
//! same order and by the same compensated sum as polars', they are the same bits.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use polars::prelude::*;

use crate::group_number::{Digit, GroupNumber, GROUP_NUMBER};

/// The most group numbers a dense numbering may span: each keeps whether it has records, and
/// an offset and a cursor for each aggregate being gathered (at most 32 MB apiece).
const MAX_COMBINATIONS: u64 = 1 << 22;

/// Records numbered at a time: the numbers are never kept for the whole frame.
const BLOCK: usize = 1 << 16;

/// An aggregate of a subset of a group's records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SubsetAggregate {
    /// Quantiles of `input`'s non-null values, each `(q, output)`, by linear interpolation
    /// between the closest ranks (as polars' `QuantileMethod::Linear` and numpy's default).
    Quantiles {
        input: String,
        quantiles: Vec<(f64, String)>,
    },
    /// How many distinct non-null `values` the records whose `flag` is true hold.
    Distinct {
        values: String,
        flag: String,
        output: String,
    },
    /// The mean of `input`'s non-null values. Computed apart only in groups of keys: the one
    /// row of every record is polars' `select`, which sums in blocks, not in record order
    /// (there it drops the nulls first when `whole_without_nulls`, as the KPI defines it).
    Mean {
        input: String,
        output: String,
        whole_without_nulls: bool,
    },
}

impl SubsetAggregate {
    /// The columns it makes, in order.
    pub(crate) fn outputs(&self) -> Vec<&str> {
        match self {
            SubsetAggregate::Quantiles { quantiles, .. } => quantiles
                .iter()
                .map(|(_, output)| output.as_str())
                .collect(),
            SubsetAggregate::Distinct { output, .. } | SubsetAggregate::Mean { output, .. } => {
                vec![output.as_str()]
            }
        }
    }

    /// The same aggregate as polars expressions for the one row of every record (a `select`).
    pub(crate) fn whole_exprs(&self) -> Vec<Expr> {
        match self {
            SubsetAggregate::Mean {
                input,
                output,
                whole_without_nulls: true,
            } => vec![col(input.as_str())
                .drop_nulls()
                .mean()
                .alias(output.as_str())],
            _ => self.exprs(),
        }
    }

    /// The same aggregate as polars expressions, for a group by (and, but for a mean, a
    /// `select`: see [`SubsetAggregate::whole_exprs`]).
    pub(crate) fn exprs(&self) -> Vec<Expr> {
        match self {
            // The quantiles without the nulls first: polars' linear quantile counts a group's
            // nulls into the rank and takes them out again, which can leave the result one
            // rounding step off numpy's (69839.99999999999 for 69840).
            SubsetAggregate::Quantiles { input, quantiles } => (quantiles.iter())
                .map(|(q, output)| {
                    non_null(input)
                        .quantile(lit(*q), QuantileMethod::Linear)
                        .alias(output.as_str())
                })
                .collect(),
            // A record with the flag has a value (the flags say so: see `churn_flags_between`),
            // so the filter leaves no null's slot to be counted.
            SubsetAggregate::Distinct {
                values,
                flag,
                output,
            } => vec![values_under_nulls(col(values.as_str()))
                .filter(col(flag.as_str()))
                .n_unique()
                .cast(DataType::Int64)
                .alias(output.as_str())],
            SubsetAggregate::Mean { input, output, .. } => {
                vec![col(input.as_str()).mean().alias(output.as_str())]
            }
        }
    }

    fn output_fields(&self) -> Vec<Field> {
        let dtype = match self {
            SubsetAggregate::Quantiles { .. } | SubsetAggregate::Mean { .. } => DataType::Float64,
            SubsetAggregate::Distinct { .. } => DataType::Int64,
        };
        (self.outputs().into_iter())
            .map(|name| Field::new(name.into(), dtype.clone()))
            .collect()
    }

    /// The columns it reads.
    fn inputs(&self) -> Vec<&str> {
        match self {
            SubsetAggregate::Quantiles { input, .. } | SubsetAggregate::Mean { input, .. } => {
                vec![input.as_str()]
            }
            SubsetAggregate::Distinct { values, flag, .. } => vec![values.as_str(), flag.as_str()],
        }
    }

    /// Whether it is computed here for these groups: its inputs of the types read here, and,
    /// for a mean, the groups `keyed` (the rest are polars' alone).
    fn computed_apart(&self, schema: &Schema, keyed: bool) -> bool {
        let dtype = |name: &str| schema.get(name);
        match self {
            // polars sums a group by the same Kahan sum in record order, but for an integer
            // column of several chunks, which it gathers and sums otherwise: the same value
            // while the sum is exact, as a narrowed column's is (see `crate::narrow`).
            SubsetAggregate::Mean { input, .. } => {
                keyed
                    && matches!(
                        dtype(input),
                        Some(DataType::UInt8 | DataType::UInt32 | DataType::Float64)
                    )
            }
            SubsetAggregate::Quantiles { input, .. } => {
                matches!(dtype(input), Some(DataType::UInt32 | DataType::Float64))
            }
            SubsetAggregate::Distinct { values, flag, .. } => {
                dtype(values) == Some(&DataType::UInt32) && dtype(flag) == Some(&DataType::Boolean)
            }
        }
    }

    /// Its outputs for each of `groups`' rows.
    fn compute(&self, frame: &DataFrame, groups: &Groups) -> PolarsResult<Vec<Column>> {
        match self {
            SubsetAggregate::Quantiles { input, quantiles } => {
                let values = frame.column(input)?.as_materialized_series();
                let results = match values.dtype() {
                    DataType::UInt32 => quantiles_by_row(groups, values.u32()?, quantiles)?,
                    _ => quantiles_by_row(groups, values.f64()?, quantiles)?,
                };
                Ok((quantiles.iter().zip(results))
                    .map(|((_, output), values)| Column::new(output.as_str().into(), values))
                    .collect())
            }
            SubsetAggregate::Distinct {
                values,
                flag,
                output,
            } => {
                let values = frame.column(values)?.as_materialized_series().u32()?;
                let flag = frame.column(flag)?.as_materialized_series().bool()?;
                let mut gathered = gather(groups, values, Some(flag))?;
                let counts = distinct_by_row(groups, &mut gathered);
                Ok(vec![Column::new(output.as_str().into(), counts)])
            }
            SubsetAggregate::Mean { input, output, .. } => {
                let values = frame.column(input)?.as_materialized_series();
                let means = match values.dtype() {
                    DataType::UInt8 => means_by_row(groups, values.u8()?)?,
                    DataType::UInt32 => means_by_row(groups, values.u32()?)?,
                    _ => means_by_row(groups, values.f64()?)?,
                };
                Ok(vec![Column::new(output.as_str().into(), means)])
            }
        }
    }
}

/// `input`'s non-null values, as `drop_nulls` leaves them, but filtered out of the column's
/// values with the validity dropped: polars gathers a group's values from a column with nulls
/// through an iterator of options, and from one without by plain index (measured at 10M
/// records with `--by agent,channel`: 8 % of the run's CPU).
fn non_null(input: &str) -> Expr {
    values_under_nulls(col(input)).filter(col(input).is_not_null())
}

/// `column`'s values as they lie, its nulls' slots included (see [`without_validity`]); only
/// for aggregates that filter those slots out.
fn values_under_nulls(column: Expr) -> Expr {
    column.map(without_validity, |_, field| Ok(field.clone()))
}

/// The column without its validity bitmap, sharing its buffers (no copy); each null's slot
/// then reads whatever value lies under it. Unchanged when it has no nulls, or when its type
/// does not come back from its arrays as it was (a logical type): correct, only slower.
fn without_validity(column: Column) -> PolarsResult<Column> {
    let series = column.as_materialized_series();
    if series.null_count() == 0 {
        return Ok(column);
    }
    let chunks: Vec<ArrayRef> = (series.chunks().iter())
        .map(|chunk| chunk.with_validity(None))
        .collect();
    let stripped = Series::try_from((series.name().clone(), chunks))?;
    Ok(if stripped.dtype() == series.dtype() {
        stripped.into_column()
    } else {
        column
    })
}

/// Those of `aggregates` whose inputs are of the types read here, for every group of `keys` and
/// `category` and for every group of `keys` alone (category `all`: the code `all`, which no
/// record's category has), as rows of the key columns, [`CATEGORY`]'s column and the
/// aggregates' outputs; with no keys there is always the one `all` row, as a `select` has.
/// Returned with the aggregates left to polars (see [`SubsetAggregate::exprs`]): all of them
/// when the groups' combinations are too many to number densely.
///
/// [`CATEGORY`]: crate::canonical::CATEGORY
pub(crate) fn per_group(
    frame: LazyFrame,
    keys: Vec<Digit>,
    category: Digit,
    all: u8,
    aggregates: Vec<SubsetAggregate>,
) -> PolarsResult<(Option<LazyFrame>, Vec<SubsetAggregate>)> {
    let schema = frame.clone().collect_schema()?;
    let keyed = !keys.is_empty();
    let categories = category.codes + 1;
    let mut digits = keys;
    digits.push(category);
    let number = GroupNumber::new(digits).filter(|n| n.combinations() <= MAX_COMBINATIONS);
    let Some(number) = number else {
        return Ok((None, aggregates));
    };
    let (apart, left): (Vec<_>, Vec<_>) =
        (aggregates.into_iter()).partition(|a| a.computed_apart(&schema, keyed));
    if apart.is_empty() {
        return Ok((None, left));
    }
    let mut inputs: Vec<&str> = number.column_names().collect();
    for input in apart.iter().flat_map(SubsetAggregate::inputs) {
        if !inputs.contains(&input) {
            inputs.push(input);
        }
    }
    let mut fields = vec![Field::new(GROUP_NUMBER.into(), DataType::UInt64)];
    fields.extend(apart.iter().flat_map(SubsetAggregate::output_fields));
    let output_schema: SchemaRef = Arc::new(Schema::from_iter(fields));
    let computing = number.clone();
    let computed = frame
        .select(inputs.into_iter().map(col).collect::<Vec<_>>())
        .map(
            move |frame| {
                let groups = Groups::of(&computing, &frame, categories, u64::from(all), keyed)?;
                let mut columns = vec![Column::new(GROUP_NUMBER.into(), groups.numbers())];
                for computed in compute_all(&apart, &frame, &groups) {
                    columns.extend(computed?);
                }
                DataFrame::new_infer_height(columns)
            },
            AllowedOptimizations::default(),
            Some(Arc::new(move |_: &Schema| Ok(output_schema.clone()))),
            Some("subset aggregates"),
        );
    let rows = (computed.with_columns(number.columns())).drop(cols([GROUP_NUMBER]));
    Ok((Some(rows), left))
}

/// Each of `aggregates`' outputs, computed on as many threads as there are cores, each thread
/// taking the next aggregate when done with one: a thread's one buffer at a time (at 100M
/// records, a duration's subset is about 400 MB).
fn compute_all(
    aggregates: &[SubsetAggregate],
    frame: &DataFrame,
    groups: &Groups,
) -> Vec<PolarsResult<Vec<Column>>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let next = AtomicUsize::new(0);
    let computed: Vec<Mutex<Option<PolarsResult<Vec<Column>>>>> =
        aggregates.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(aggregates.len()) {
            scope.spawn(|| loop {
                let at = next.fetch_add(1, Ordering::Relaxed);
                let Some(aggregate) = aggregates.get(at) else {
                    break;
                };
                let result = aggregate.compute(frame, groups);
                *computed[at].lock().expect("no thread panics holding it") = Some(result);
            });
        }
    });
    (computed.into_iter())
        .map(|result| {
            let result = result.into_inner().expect("no thread panics holding it");
            result.expect("every aggregate computed")
        })
        .collect()
}

/// The rows to compute, each a group number and the range of numbers whose records it
/// aggregates, with what numbers the frame's records.
struct Groups<'a> {
    rows: Vec<(u64, Range<usize>)>,
    number: &'a GroupNumber,
    digits: Vec<Column>,
    combinations: usize,
    /// How many numbers a group of keys spans (its categories and `all`).
    categories: usize,
    /// Every record's number, kept from the first pass when there are keys and the numbers
    /// fit in two bytes (see [`KEPT_COMBINATIONS`]); else each pass numbers the records anew.
    kept: Option<Vec<u16>>,
}

/// The most combinations whose numbers are kept for every record (two bytes a record: 20 MB
/// at 10M records, 200 MB at 100M). With keys, each aggregate's passes numbered the records
/// again, from three digit columns a block (with `--by agent,channel` at 10M, eleven passes
/// and 4–5 % of the run's CPU); without keys there is one digit, cheap to read again.
const KEPT_COMBINATIONS: usize = 1 << 16;

impl<'a> Groups<'a> {
    /// A row for each number some record has, and one for each group of keys some record has
    /// (all its categories: the number with category `all`), or the one `all` row if not
    /// `keyed`.
    fn of(
        number: &'a GroupNumber,
        frame: &DataFrame,
        categories: u64,
        all: u64,
        keyed: bool,
    ) -> PolarsResult<Self> {
        let digits = (number.column_names())
            .map(|name| frame.column(name).cloned())
            .collect::<PolarsResult<Vec<_>>>()?;
        let combinations = number.combinations() as usize;
        let mut groups = Groups {
            rows: Vec::new(),
            number,
            digits,
            combinations,
            categories: categories as usize,
            kept: None,
        };
        let mut present = vec![false; combinations];
        let keep = keyed && combinations <= KEPT_COMBINATIONS;
        let height = groups.digits.first().map_or(0, Column::len);
        let mut kept = Vec::with_capacity(if keep { height } else { 0 });
        groups.for_each_block(|_, numbers| {
            for &number in numbers {
                present[number as usize] = true;
            }
            if keep {
                kept.extend(numbers.iter().map(|&number| number as u16));
            }
        })?;
        groups.kept = keep.then_some(kept);
        let categories = categories as usize;
        for (first, of_keys) in present.chunks(categories).enumerate() {
            let first = first * categories;
            for (at, &has_records) in of_keys.iter().enumerate() {
                if has_records {
                    groups
                        .rows
                        .push(((first + at) as u64, first + at..first + at + 1));
                }
            }
            if !keyed || of_keys.contains(&true) {
                groups
                    .rows
                    .push((first as u64 + all, first..first + categories));
            }
        }
        Ok(groups)
    }

    fn numbers(&self) -> Vec<u64> {
        self.rows.iter().map(|(number, _)| *number).collect()
    }

    /// Calls `f` with each block's first record and its records' numbers.
    fn for_each_block(&self, mut f: impl FnMut(usize, &[u64])) -> PolarsResult<()> {
        let height = self.digits.first().map_or(0, Column::len);
        let mut widened = Vec::new();
        for start in (0..height).step_by(BLOCK) {
            let len = BLOCK.min(height - start);
            if let Some(kept) = &self.kept {
                widened.clear();
                widened.extend(kept[start..start + len].iter().map(|&n| u64::from(n)));
                f(start, &widened);
                continue;
            }
            let block: Vec<Column> = (self.digits.iter())
                .map(|column| column.slice(start as i64, len))
                .collect();
            f(start, &self.number.numbers(&block)?);
        }
        Ok(())
    }
}

/// A subset's values in group number order, each number's in record order:
/// `values[offsets[n]..offsets[n + 1]]` are number `n`'s.
struct Gathered<T> {
    values: Vec<T>,
    offsets: Vec<usize>,
}

impl<T> Gathered<T> {
    fn of_row(&mut self, numbers: &Range<usize>) -> &mut [T] {
        &mut self.values[self.offsets[numbers.start]..self.offsets[numbers.end]]
    }
}

/// `values`' non-null values (of the records whose `flag` is true, with a flag), gathered by
/// group number: counted, then placed.
fn gather<T>(
    groups: &Groups,
    values: &ChunkedArray<T>,
    flag: Option<&BooleanChunked>,
) -> PolarsResult<Gathered<T::Native>>
where
    T: PolarsNumericType,
{
    let mut offsets = vec![0usize; groups.combinations + 1];
    groups.for_each_block(|start, numbers| {
        for_each_kept(values, flag, start, numbers, |number, _| {
            offsets[number as usize + 1] += 1
        })
    })?;
    for at in 1..offsets.len() {
        offsets[at] += offsets[at - 1];
    }
    let mut next = offsets[..groups.combinations].to_vec();
    let mut gathered = vec![T::Native::default(); offsets[groups.combinations]];
    groups.for_each_block(|start, numbers| {
        for_each_kept(values, flag, start, numbers, |number, value| {
            let at = &mut next[number as usize];
            gathered[*at] = value;
            *at += 1;
        })
    })?;
    Ok(Gathered {
        values: gathered,
        offsets,
    })
}

/// Calls `f` with the number and value of each record of the block from `start` that is kept:
/// its value not null, and its flag true if there is a flag. The block is read as one array:
/// its values, and the bitmap of the records kept (the validity `and` the flags).
fn for_each_kept<T>(
    values: &ChunkedArray<T>,
    flag: Option<&BooleanChunked>,
    start: usize,
    numbers: &[u64],
    mut f: impl FnMut(u64, T::Native),
) where
    T: PolarsNumericType,
{
    let (offset, len) = (start as i64, numbers.len());
    let values = values.slice(offset, len);
    let values = values.rechunk();
    let values = values.downcast_as_array();
    let mut kept = values.validity().cloned();
    if let Some(flag) = flag {
        let flag = flag.slice(offset, len);
        let flag = flag.rechunk();
        let flag = flag.downcast_as_array();
        let flag = true_only(flag);
        let true_flags = flag.validity().expect("true_only gives a validity");
        kept = Some(match kept {
            Some(valid) => &valid & true_flags,
            None => true_flags.clone(),
        });
    }
    let values = values.values().as_slice();
    match kept {
        None => (numbers.iter().zip(values)).for_each(|(&number, &value)| f(number, value)),
        Some(kept) => {
            for ((&number, &value), kept) in numbers.iter().zip(values).zip(kept.iter()) {
                if kept {
                    f(number, value);
                }
            }
        }
    }
}

/// One chunk of a boolean column.
pub(crate) type BooleanArray = <BooleanType as PolarsDataType>::Array;

/// `flags` with every false one null: the valid bits are the true ones (a bitmap `and`; the
/// values are shared, not copied).
pub(crate) fn true_only(flags: &BooleanArray) -> BooleanArray {
    let valid = match flags.validity() {
        Some(valid) => flags.values() & valid,
        None => flags.values().clone(),
    };
    flags.clone().with_validity(Some(valid))
}

/// Each quantile of `quantiles` for each row of `groups`.
fn quantiles_by_row<T>(
    groups: &Groups,
    values: &ChunkedArray<T>,
    quantiles: &[(f64, String)],
) -> PolarsResult<Vec<Vec<Option<f64>>>>
where
    T: PolarsNumericType,
{
    let mut gathered = gather(groups, values, None)?;
    let mut results = vec![Vec::with_capacity(groups.rows.len()); quantiles.len()];
    for (_, numbers) in &groups.rows {
        let values = gathered.of_row(numbers);
        for ((q, _), result) in quantiles.iter().zip(&mut results) {
            result.push(linear_quantile(values, *q));
        }
    }
    Ok(results)
}

/// The `q` quantile of `values` (reordered) by linear interpolation between the closest ranks,
/// computed as polars 0.55 computes it (`quantile_slice` in polars-core), to the bit: the
/// value of rank `⌊(n − 1)·q⌋`, and where `(n − 1)·q` has a fraction, plus that fraction of
/// the step to the next rank's.
fn linear_quantile<T>(values: &mut [T], q: f64) -> Option<f64>
where
    T: NumericNative,
{
    match values.len() {
        0 => return None,
        1 => return values[0].to_f64(),
        _ => {}
    }
    let rank = (values.len() as f64 - 1.0) * q;
    let (below, above) = (rank as usize, rank.ceil() as usize);
    let (_, lower, higher) = values.select_nth_unstable_by(below, |a, b| a.tot_cmp(b));
    let lower = lower.to_f64()?;
    if below == above {
        return Some(lower);
    }
    let upper = (higher.iter().copied())
        .min_by(|a, b| a.tot_cmp(b))
        .and_then(|upper| upper.to_f64())?;
    Some(if lower == upper {
        lower
    } else {
        (rank - below as f64) * (upper - lower) + lower
    })
}

/// A group's mean as polars computes it over a group's record indices
/// (`ChunkedArray::agg_mean` in polars-core 0.55), to the bit: a one-record group's value
/// itself; else a Kahan sum of the non-null values in record order (polars-utils' `KahanSum`),
/// divided by how many they are; null when none is.
#[derive(Clone, Copy, Default)]
struct GroupMean {
    records: u64,
    kept: u64,
    /// The first record's value, null or not (what a one-record group's mean is).
    first: Option<f64>,
    sum: f64,
    err: f64,
}

impl GroupMean {
    fn add(&mut self, value: Option<f64>) {
        if self.records == 0 {
            self.first = value;
        }
        self.records += 1;
        if let Some(value) = value {
            self.kept += 1;
            let y = value - self.err;
            let sum = self.sum + y;
            let err = (sum - self.sum) - y;
            self.sum = sum;
            if err.is_finite() {
                self.err = err;
            }
        }
    }

    fn mean(&self) -> Option<f64> {
        match (self.records, self.kept) {
            (1, _) => self.first,
            (_, 0) => None,
            (_, kept) => Some(self.sum / kept as f64),
        }
    }
}

/// The mean of `values` for each row of `groups`, summed in one sweep of the records into each
/// group number's sum and its group of keys' (the `all` row's).
fn means_by_row<T>(groups: &Groups, values: &ChunkedArray<T>) -> PolarsResult<Vec<Option<f64>>>
where
    T: PolarsNumericType,
{
    let categories = groups.categories;
    let mut by_number = vec![GroupMean::default(); groups.combinations];
    let mut by_keys = vec![GroupMean::default(); groups.combinations.div_ceil(categories)];
    groups.for_each_block(|start, numbers| {
        let block = values.slice(start as i64, numbers.len());
        let block = block.rechunk();
        let block = block.downcast_as_array();
        let values = block.values().as_slice();
        let mut add = |number: u64, value: Option<f64>| {
            by_number[number as usize].add(value);
            by_keys[number as usize / categories].add(value);
        };
        match block.validity() {
            None => (numbers.iter().zip(values))
                .for_each(|(&number, &value)| add(number, as_f64(value))),
            Some(valid) => (numbers.iter().zip(values).zip(valid.iter())).for_each(
                |((&number, &value), valid)| add(number, as_f64(value).filter(|_| valid)),
            ),
        }
    })?;
    Ok((groups.rows.iter())
        .map(|(_, numbers)| match numbers.len() {
            1 => by_number[numbers.start].mean(),
            _ => by_keys[numbers.start / categories].mean(),
        })
        .collect())
}

fn as_f64<N: NumericNative>(value: N) -> Option<f64> {
    value.to_f64()
}

/// How many distinct values each row of `groups` holds: marked in a bitmap of every value
/// (cleared again after each row) where that is no larger than the values, else sorted.
fn distinct_by_row(groups: &Groups, gathered: &mut Gathered<u32>) -> Vec<i64> {
    let largest = gathered.values.iter().copied().max().unwrap_or(0) as usize;
    let words = largest / 64 + 1;
    let mut counts = Vec::with_capacity(groups.rows.len());
    if words * 8 <= gathered.values.len() * 4 + 4096 {
        let mut seen = vec![0u64; words];
        for (_, numbers) in &groups.rows {
            let values = gathered.of_row(numbers);
            let mut distinct = 0i64;
            for &value in values.iter() {
                let (word, bit) = (value as usize / 64, 1u64 << (value % 64));
                distinct += i64::from(seen[word] & bit == 0);
                seen[word] |= bit;
            }
            for &value in values.iter() {
                seen[value as usize / 64] = 0;
            }
            counts.push(distinct);
        }
    } else {
        for (_, numbers) in &groups.rows {
            let values = gathered.of_row(numbers);
            values.sort_unstable();
            let runs = values.windows(2).filter(|pair| pair[0] != pair[1]).count();
            counts.push(if values.is_empty() {
                0
            } else {
                runs as i64 + 1
            });
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const ALL: u8 = 3;

    fn category() -> Digit {
        Digit {
            column: "category".to_string(),
            dtype: DataType::UInt8,
            codes: 4,
        }
    }

    fn key() -> Digit {
        Digit {
            column: "key".to_string(),
            dtype: DataType::UInt32,
            codes: 3,
        }
    }

    fn aggregates(input: &str) -> Vec<SubsetAggregate> {
        vec![
            SubsetAggregate::Quantiles {
                input: input.to_string(),
                quantiles: vec![(0.5, "median".to_string()), (0.9, "p90".to_string())],
            },
            SubsetAggregate::Distinct {
                values: "customer".to_string(),
                flag: "flag".to_string(),
                output: "customers".to_string(),
            },
            SubsetAggregate::Mean {
                input: input.to_string(),
                output: "mean".to_string(),
                whole_without_nulls: false,
            },
        ]
    }

    /// The outputs computed apart: the mean only in groups of keys.
    fn outputs(keyed: bool) -> Vec<&'static str> {
        let mut outputs = vec!["median", "p90", "customers"];
        if keyed {
            outputs.push("mean");
        }
        outputs
    }

    fn sorted(frame: LazyFrame, by: &[&str]) -> DataFrame {
        let options = SortMultipleOptions::default().with_nulls_last(true);
        frame.sort(by.to_vec(), options).collect().unwrap()
    }

    /// [`per_group`] of [`aggregates`] over `frame`.
    fn computed_apart(
        frame: &DataFrame,
        keys: Vec<Digit>,
        input: &str,
    ) -> (Option<LazyFrame>, Vec<SubsetAggregate>) {
        let computed = per_group(
            frame.clone().lazy(),
            keys,
            category(),
            ALL,
            aggregates(input),
        );
        computed.unwrap()
    }

    /// The rows computed apart, sorted by the keys and the category.
    fn apart(frame: &DataFrame, keys: Vec<Digit>, input: &str) -> DataFrame {
        let by: Vec<&str> = if keys.is_empty() {
            vec!["category"]
        } else {
            vec!["key", "category"]
        };
        let keyed = !keys.is_empty();
        let computed = computed_apart(frame, keys, input);
        let mut columns: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
        columns.extend(outputs(keyed).into_iter().map(col));
        let (computed, left) = computed;
        assert_eq!(
            left.len(),
            usize::from(!keyed),
            "only the mean left, unkeyed"
        );
        let computed = computed.expect("types read apart").select(columns);
        sorted(computed, &by)
    }

    /// The same rows as polars computes them from [`SubsetAggregate::exprs`] (and
    /// [`SubsetAggregate::whole_exprs`] for the one row of every record).
    fn by_polars(frame: &DataFrame, keyed: bool, input: &str) -> DataFrame {
        let exprs: Vec<Expr> = aggregates(input).iter().flat_map(|a| a.exprs()).collect();
        let whole: Vec<Expr> = (aggregates(input).iter())
            .flat_map(|a| a.whole_exprs())
            .collect();
        let frame = frame.clone().lazy();
        let all = lit(ALL).cast(DataType::UInt8).alias("category");
        let (grouped, whole, by) = if keyed {
            let per = frame.clone().group_by([col("key"), col("category")]);
            let all = frame
                .group_by([col("key")])
                .agg(exprs.clone())
                .with_column(all);
            (per.agg(exprs), all, vec!["key", "category"])
        } else {
            let per = frame.clone().group_by([col("category")]).agg(exprs.clone());
            (per, frame.select(whole).with_column(all), vec!["category"])
        };
        let mut columns: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
        columns.extend(outputs(keyed).into_iter().map(col));
        let both = concat(
            [grouped.select(columns.clone()), whole.select(columns)],
            UnionArgs::default(),
        );
        sorted(both.unwrap(), &by)
    }

    fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
        let values = frame
            .column(name)
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap();
        values.f64().unwrap().iter().collect()
    }

    #[test]
    fn each_category_and_all_by_hand() {
        // Category 0 has the seconds 10, 30 and 40 (one null), category 1 has 20 and 5.
        // By hand: category 0's median is rank 1 of 3, 30; its p90 rank 1.8, 30 + 0.8 × 10.
        // Category 1's median rank 0.5, 5 + 0.5 × 15; its p90 rank 0.9, 5 + 0.9 × 15. All five:
        // 5 10 20 30 40, the median 20, the p90 rank 3.6, 30 + 0.6 × 10. Customers flagged:
        // 1, 1, 7 in category 0, 3 in category 1 (the other 3's flag is null), so 2, 1, 3.
        // Category 2 has no record, so no row; `all` has one.
        let frame = df!(
            "category" => [0u8, 0, 0, 1, 1, 0],
            "seconds" => [Some(10u32), None, Some(30), Some(20), Some(5), Some(40)],
            "customer" => [1u32, 1, 2, 3, 3, 7],
            "flag" => [Some(true), Some(true), Some(false), Some(true), None, Some(true)],
        )
        .unwrap();
        let rows = apart(&frame, Vec::new(), "seconds");
        assert_eq!(floats(&rows, "category"), [0.0, 1.0, 3.0].map(Some));
        assert_eq!(floats(&rows, "median"), [30.0, 12.5, 20.0].map(Some));
        assert_eq!(floats(&rows, "p90"), [38.0, 18.5, 36.0].map(Some));
        assert_eq!(floats(&rows, "customers"), [2.0, 1.0, 3.0].map(Some));
    }

    #[test]
    fn no_records_leave_the_all_row_empty() {
        let frame = df!(
            "category" => Vec::<u8>::new(),
            "seconds" => Vec::<f64>::new(),
            "customer" => Vec::<u32>::new(),
            "flag" => Vec::<bool>::new(),
        )
        .unwrap();
        let rows = apart(&frame, Vec::new(), "seconds");
        assert_eq!(floats(&rows, "category"), [Some(3.0)]);
        assert_eq!(floats(&rows, "median"), [None]);
        assert_eq!(floats(&rows, "customers"), [Some(0.0)]);
        assert!(rows.equals_missing(&by_polars(&frame, false, "seconds")));
    }

    #[test]
    fn distinct_values_too_sparse_for_a_bitmap_are_sorted() {
        // The largest value would need a 500 MB bitmap: by hand, 4e9 twice and 5 are two.
        let frame = df!(
            "category" => [0u8, 0, 0],
            "seconds" => [1u32, 2, 3],
            "customer" => [4_000_000_000u32, 5, 4_000_000_000],
            "flag" => [true, true, true],
        )
        .unwrap();
        let rows = apart(&frame, Vec::new(), "seconds");
        assert_eq!(floats(&rows, "customers"), [2.0, 2.0].map(Some));
    }

    #[test]
    fn groups_too_many_to_number_or_inputs_of_other_types_are_left_to_polars() {
        let frame = df!(
            "category" => [0u8],
            "key" => [0u32],
            "seconds" => [1i64],
            "customer" => [1u32],
            "flag" => [true],
        )
        .unwrap();
        let wide = Digit {
            codes: MAX_COMBINATIONS,
            ..key()
        };
        let left = |keys: Vec<Digit>, input: &str| {
            let (apart, left) = computed_apart(&frame, keys, input);
            assert_eq!(apart.is_some(), left.len() < 3);
            left.len()
        };
        assert_eq!(left(vec![key()], "customer"), 0);
        assert_eq!(left(vec![wide], "customer"), 3);
        // Quantiles and the mean of `Int64` seconds are left to polars, the distinct
        // customers not.
        assert_eq!(left(vec![key()], "seconds"), 2);
        // Without keys the mean is polars' `select`.
        assert_eq!(left(Vec::new(), "customer"), 1);
    }

    #[test]
    fn keyed_means_by_hand() {
        // Key 0: category 0 has 1.5, null and 2.5, mean 2; category 1 the one value −0.0,
        // which a one-record group keeps with its sign (polars returns that record's value);
        // all of key 0: (1.5 + 2.5 − 0) / 3 = 4/3. Key 1: category 0 has two nulls, no
        // mean; its all row the same. A null key is a group of its own: category 1, 8 and 10,
        // mean 9.
        let frame = df!(
            "category" => [0u8, 0, 1, 0, 0, 0, 1, 1],
            "key" => [Some(0u32), Some(0), Some(0), Some(1), Some(0), Some(1), None, None],
            "seconds" => [Some(1.5), None, Some(-0.0), None, Some(2.5), None, Some(8.0), Some(10.0)],
            "customer" => [1u32; 8],
            "flag" => [true; 8],
        )
        .unwrap();
        let rows = apart(&frame, vec![key()], "seconds");
        assert_eq!(
            floats(&rows, "key"),
            [0.0, 0.0, 0.0, 1.0, 1.0]
                .map(Some)
                .into_iter()
                .chain([None, None])
                .collect::<Vec<_>>()
        );
        assert_eq!(
            floats(&rows, "category"),
            [0.0, 1.0, 3.0, 0.0, 3.0, 1.0, 3.0].map(Some)
        );
        let means = floats(&rows, "mean");
        let bits: Vec<Option<u64>> = means.iter().map(|m| m.map(f64::to_bits)).collect();
        let expected = [
            Some(2.0),
            Some(-0.0),
            Some(4.0 / 3.0),
            None,
            None,
            Some(9.0),
            Some(9.0),
        ];
        assert_eq!(bits, expected.map(|m| m.map(f64::to_bits)));
        assert!(rows.equals_missing(&by_polars(&frame, true, "seconds")));
    }

    /// A record: category, key, seconds, tenths of seconds, customer and flag.
    type Record = (
        u8,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<bool>,
    );

    fn record() -> impl Strategy<Value = Record> {
        let customer = prop_oneof![0u32..20, (0u32..3).prop_map(|c| u32::MAX - c)];
        (
            0u8..3,
            proptest::option::of(0u32..3),
            proptest::option::weighted(0.8, 0u32..50),
            proptest::option::weighted(0.8, 0u32..500),
            proptest::option::weighted(0.9, customer),
            proptest::option::of(any::<bool>()),
        )
    }

    fn frame_of(records: &[Record]) -> DataFrame {
        // A flag only where there is a customer, as churn's flags are.
        let flag = |r: &Record| r.5.filter(|_| r.4.is_some());
        df!(
            "category" => records.iter().map(|r| r.0).collect::<Vec<_>>(),
            "key" => records.iter().map(|r| r.1).collect::<Vec<_>>(),
            "seconds" => records.iter().map(|r| r.2).collect::<Vec<_>>(),
            "tenths" => records.iter().map(|r| r.3.map(|t| f64::from(t) / 10.0)).collect::<Vec<_>>(),
            // Values whose sums round at every step (and some negative, one zero): a mean
            // summed in another order or way than polars' differs in its last bits.
            "sevenths" => records.iter().map(|r| r.3.map(|t| (f64::from(t) - 250.0) / 7.0 * 1000.003)).collect::<Vec<_>>(),
            "customer" => records.iter().map(|r| r.4).collect::<Vec<_>>(),
            "flag" => records.iter().map(flag).collect::<Vec<_>>(),
        )
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The independent reference is polars itself: its grouped and whole-frame quantiles,
        /// distinct counts and grouped means of the same subsets, which must agree to the bit.
        #[test]
        fn apart_is_what_polars_computes(records in proptest::collection::vec(record(), 0..300)) {
            let frame = frame_of(&records);
            for input in ["seconds", "tenths", "sevenths"] {
                let keyed = apart(&frame, vec![key()], input);
                prop_assert!(keyed.equals_missing(&by_polars(&frame, true, input)), "{keyed}");
                let whole = apart(&frame, Vec::new(), input);
                prop_assert!(whole.equals_missing(&by_polars(&frame, false, input)), "{whole}");
            }
        }
    }
}
