//! Columns stored narrower than their type when every value of the run allows it, with the same
//! output to the last bit: whole-number scores as one byte a record, whole-second durations as
//! four, where `Float64` takes eight.
//!
//! Why the output cannot change: a narrowed column holds the same numbers, and what the KPIs
//! compute from it does not depend on how they are stored. A mean is a sum over a count, and a
//! sum of whole numbers below 2^53 is exact in any order (polars sums integer columns as
//! `Float64` too, Kahan in groups, blocks over a whole column: every partial sum is exact). A
//! quantile is the same order statistics and the same interpolation (polars' `quantile_slice`
//! serves every numeric type). Deviations and interval values read the columns cast back to
//! `Float64` (`metrics::defs`). A negative zero or anything not whole keeps the column as it is.

use polars::prelude::*;

/// How a `Float64` column may be stored narrower.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Narrowing {
    /// `UInt8` when each value is a whole number from 0 to 255 (every usual CES scale): 70 MB
    /// less at 10M rows.
    WholeBytes,
    /// `UInt32` when each value is a whole number of seconds below 2^32 (136 years): a
    /// duration from timestamps of whole seconds, as most exports write them. 40 MB less per
    /// column at 10M rows.
    WholeSeconds,
}

/// The bound on a narrowed column's sum under which every partial sum is exact in `Float64`.
const EXACT_SUM: u64 = 1 << 53;

impl Narrowing {
    /// The narrowing whose type a column is stored as, if any.
    fn of(stored: &DataType) -> Option<Self> {
        [Narrowing::WholeBytes, Narrowing::WholeSeconds]
            .into_iter()
            .find(|narrowing| &narrowing.dtype() == stored)
    }

    fn dtype(self) -> DataType {
        match self {
            Narrowing::WholeBytes => DataType::UInt8,
            Narrowing::WholeSeconds => DataType::UInt32,
        }
    }

    fn max(self) -> f64 {
        match self {
            Narrowing::WholeBytes => 255.0,
            Narrowing::WholeSeconds => f64::from(u32::MAX),
        }
    }

    /// `column` (`Float64`) narrowed when every value allows it and the values sum below
    /// 2^53; `None` otherwise, or when it is not `Float64`.
    pub(crate) fn narrowed(self, column: &Column) -> PolarsResult<Option<Column>> {
        let Ok(values) = column.f64() else {
            return Ok(None);
        };
        let max = self.max();
        let whole = |v: f64| {
            (0.0..=max).contains(&v) && v.fract() == 0.0 && !(v == 0.0 && v.is_sign_negative())
        };
        let mut sum = 0u64;
        for value in values.iter().flatten() {
            if !whole(value) {
                return Ok(None);
            }
            sum = sum.saturating_add(value as u64);
        }
        if sum >= EXACT_SUM {
            return Ok(None);
        }
        column.cast(&self.dtype()).map(Some)
    }

    /// `name` in `frame` narrowed when every value allows it. A column narrowed in parts (the
    /// typed pass narrows each piece) whose whole sum reaches 2^53 is widened back.
    pub(crate) fn apply(self, frame: &mut DataFrame, name: &str) -> PolarsResult<()> {
        let Ok(column) = frame.column(name) else {
            return Ok(());
        };
        if column.dtype() == &self.dtype() {
            let values = column.as_materialized_series();
            let sum: u64 = match self {
                Narrowing::WholeBytes => sum_of(values.u8()?),
                Narrowing::WholeSeconds => sum_of(values.u32()?),
            };
            if sum >= EXACT_SUM {
                let widened = column.cast(&DataType::Float64)?;
                frame.replace(name, widened)?;
            }
            return Ok(());
        }
        if let Some(narrowed) = self.narrowed(column)? {
            frame.replace(name, narrowed)?;
        }
        Ok(())
    }
}

/// The sum of `values`' non-null values, read chunk by chunk (the bits of a validity beside the
/// values, not each value as an option: at 100M records the difference was 0.2 s on one core).
fn sum_of<T>(values: &ChunkedArray<T>) -> u64
where
    T: PolarsNumericType,
    T::Native: Into<u64>,
{
    (values.downcast_iter())
        .map(|chunk| {
            let values = chunk.values().iter().map(|&value| value.into());
            match chunk.validity().filter(|valid| valid.unset_bits() > 0) {
                None => values.sum::<u64>(),
                Some(valid) => (values.zip(valid.iter()))
                    .map(|(value, valid)| if valid { value } else { 0 })
                    .sum(),
            }
        })
        .sum()
}

/// Whether a column stored as `stored` holds values of `declared`, narrowed (what a cast to
/// `declared` would only widen again).
pub(crate) fn is_narrowed(stored: &DataType, declared: &DataType) -> bool {
    declared == &DataType::Float64 && Narrowing::of(stored).is_some()
}

/// Two parts of one column to be stacked, in one type: the second narrowed as the first is
/// where its values allow, else both as `Float64` (exact: the narrowed values are whole).
pub(crate) fn agree(first: &Column, second: &Column) -> PolarsResult<(Column, Column)> {
    if first.dtype() == second.dtype() {
        return Ok((first.clone(), second.clone()));
    }
    let narrowing = Narrowing::of(first.dtype());
    if let Some(narrowed) = narrowing.map(|n| n.narrowed(second)).transpose()?.flatten() {
        return Ok((first.clone(), narrowed));
    }
    let wide = |c: &Column| c.cast(&DataType::Float64);
    Ok((wide(first)?, wide(second)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWERS: &str = "ces";

    fn narrowed(values: &[Option<f64>], by: Narrowing) -> Column {
        let mut frame = df!(ANSWERS => values, "other" => vec![1.5; values.len()]).unwrap();
        by.apply(&mut frame, ANSWERS).unwrap();
        assert_eq!(frame.column("other").unwrap().dtype(), &DataType::Float64);
        frame.column(ANSWERS).unwrap().clone()
    }

    #[test]
    fn whole_answers_from_0_to_255_take_one_byte_with_their_values() {
        // By hand: 1, 7, missing, 0 and 255 are whole numbers within a byte.
        let column = narrowed(
            &[Some(1.0), Some(7.0), None, Some(0.0), Some(255.0)],
            Narrowing::WholeBytes,
        );
        let values: Vec<Option<u8>> = column.u8().unwrap().iter().collect();
        assert_eq!(values, [Some(1), Some(7), None, Some(0), Some(255)]);
    }

    #[test]
    fn whole_seconds_below_2_pow_32_take_four_bytes_with_their_values() {
        let max = f64::from(u32::MAX);
        let column = narrowed(
            &[Some(0.0), None, Some(86_400.0), Some(max)],
            Narrowing::WholeSeconds,
        );
        let values: Vec<Option<u32>> = column.u32().unwrap().iter().collect();
        assert_eq!(values, [Some(0), None, Some(86_400), Some(u32::MAX)]);
    }

    #[test]
    fn any_other_value_keeps_the_column_as_it_is() {
        // A fraction, past the type, below zero, a negative zero (its sign would be lost).
        use Narrowing::{WholeBytes, WholeSeconds};
        let cases = [
            (WholeBytes, 4.5),
            (WholeBytes, 256.0),
            (WholeBytes, -1.0),
            (WholeBytes, -0.0),
            (WholeSeconds, 0.5),
            (WholeSeconds, 4_294_967_296.0),
            (WholeSeconds, -1.0),
            (WholeSeconds, -0.0),
        ];
        for (by, odd) in cases {
            let column = narrowed(&[Some(3.0), Some(odd)], by);
            let values: Vec<Option<f64>> = column.f64().unwrap().iter().collect();
            assert_eq!(values, [Some(3.0), Some(odd)], "{odd}");
            assert_eq!(
                values[1].unwrap().is_sign_negative(),
                odd.is_sign_negative()
            );
        }
    }

    #[test]
    fn sums_leave_out_the_values_under_nulls() {
        // By hand: 5 + 9 = 14 (the 7 lies under a null); with no nulls 5 + 7 + 9 = 21; over two
        // chunks, 14 + 21 = 35.
        let values = UInt32Chunked::from_slice("".into(), &[5, 7, 9]);
        let without = values.downcast_as_array().clone();
        let valid = BooleanChunked::from_slice("".into(), &[true, false, true]);
        let with_null =
            (without.clone()).with_validity(Some(valid.downcast_as_array().values().clone()));
        let chunk = |array| UInt32Chunked::with_chunk("".into(), array);
        assert_eq!(sum_of(&chunk(with_null.clone())), 14);
        assert_eq!(sum_of(&chunk(without.clone())), 21);
        let mut both = chunk(with_null);
        both.append(&chunk(without)).unwrap();
        assert_eq!(sum_of(&both), 35);
    }

    #[test]
    fn a_sum_of_2_pow_53_or_more_keeps_the_column_as_it_is() {
        // 2^21 + 1 values of 2^32 − 1 sum past 2^53 (by hand: (2^21 + 1)(2^32 − 1) > 2^53).
        let max = f64::from(u32::MAX);
        let mut values = vec![Some(max); (1 << 21) + 1];
        let column = narrowed(&values, Narrowing::WholeSeconds);
        assert_eq!(column.dtype(), &DataType::Float64);
        values.pop();
        values.pop();
        // 2^21 − 1 of them stay below (by hand: (2^21 − 1)(2^32 − 1) < 2^53).
        let column = narrowed(&values, Narrowing::WholeSeconds);
        assert_eq!(column.dtype(), &DataType::UInt32);
    }

    #[test]
    fn means_and_quantiles_of_whole_numbers_are_the_same_bits_narrowed() {
        // 2,000 whole values (a third missing) in five groups: polars' grouped and
        // whole-column means and linear quantiles, before and after narrowing, equal to the
        // last bit. Means of sevenths and interpolated quantiles show any difference in
        // rounding; the values are spread so that each quantile interpolates.
        let values: Vec<Option<f64>> = (0..2_000u64)
            .map(|i| (i % 3 != 0).then_some(((i * 7919) % 100_003) as f64))
            .collect();
        let groups: Vec<u32> = (0..2_000).map(|i| (i * 31) % 5).collect();
        let frame = df!(ANSWERS => &values, "g" => &groups).unwrap();
        let mut narrow = frame.clone();
        Narrowing::WholeSeconds.apply(&mut narrow, ANSWERS).unwrap();
        assert_eq!(narrow.column(ANSWERS).unwrap().dtype(), &DataType::UInt32);
        let stats = || {
            let values = col(ANSWERS).drop_nulls();
            vec![
                col(ANSWERS).mean().alias("mean"),
                values.clone().mean().alias("mean_dropped"),
                (values.clone().quantile(lit(0.5), QuantileMethod::Linear)).alias("median"),
                (values.quantile(lit(0.9), QuantileMethod::Linear)).alias("p90"),
            ]
        };
        let bits = |frame: DataFrame| -> Vec<u64> {
            let grouped = (frame.clone().lazy())
                .group_by([col("g")])
                .agg(stats())
                .sort(["g"], Default::default())
                .drop(cols(["g"]))
                .collect()
                .unwrap();
            let whole = frame.lazy().select(stats()).collect().unwrap();
            let mut bits = Vec::new();
            for frame in [grouped, whole] {
                for column in frame.columns() {
                    let column = column.cast(&DataType::Float64).unwrap();
                    bits.extend(column.f64().unwrap().into_no_null_iter().map(f64::to_bits));
                }
            }
            bits
        };
        let (before, after) = (bits(frame), bits(narrow));
        assert_eq!(before.len(), 5 * 4 + 4);
        assert_eq!(before, after);
    }

    #[test]
    fn a_column_narrowed_in_parts_is_widened_when_its_whole_sum_reaches_2_pow_53() {
        // Two parts each below the bound, together above it (by hand: 2 × 2^21 × (2^32 − 1)
        // > 2^53): the stacked column goes back to Float64 with the same values.
        let part = vec![Some(f64::from(u32::MAX)); 1 << 21];
        let part = Column::new(ANSWERS.into(), &part);
        let narrowed = Narrowing::WholeSeconds.narrowed(&part).unwrap().unwrap();
        let mut stacked = narrowed.as_materialized_series().clone();
        stacked.append(narrowed.as_materialized_series()).unwrap();
        let mut frame = DataFrame::new_infer_height(vec![stacked.into_column()]).unwrap();
        Narrowing::WholeSeconds.apply(&mut frame, ANSWERS).unwrap();
        let column = frame.column(ANSWERS).unwrap();
        assert_eq!(column.dtype(), &DataType::Float64);
        assert!(column
            .f64()
            .unwrap()
            .into_no_null_iter()
            .all(|v| v == f64::from(u32::MAX)));
    }

    #[test]
    fn parts_agree_narrowed_where_the_second_allows_it_else_as_floats() {
        let narrowed = Column::new(ANSWERS.into(), [Some(2u32), None]);
        let whole = Column::new(ANSWERS.into(), [Some(5.0), None]);
        let (a, b) = agree(&narrowed, &whole).unwrap();
        assert_eq!(
            (a.dtype(), b.dtype()),
            (&DataType::UInt32, &DataType::UInt32)
        );
        let fraction = Column::new(ANSWERS.into(), [Some(5.5)]);
        let (a, b) = agree(&narrowed, &fraction).unwrap();
        assert_eq!(
            (a.dtype(), b.dtype()),
            (&DataType::Float64, &DataType::Float64)
        );
        let values: Vec<Option<f64>> = a
            .f64()
            .unwrap()
            .iter()
            .chain(b.f64().unwrap().iter())
            .collect();
        assert_eq!(values, [Some(2.0), None, Some(5.5)]);
    }
}
