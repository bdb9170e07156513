//! Group columns of small codes (the category, a period's index, a coded `--by` key) as one
//! exact number, so that polars groups on one integer column.
//!
//! polars groups on several columns by encoding each record's keys as bytes and hashing
//! those: at 10M records and three keys that was a tenth of a `--by` report's time. Codes of
//! known range compose instead into one number in mixed radix (each column a digit, its null
//! one digit more), which is exact, not a hash, and decomposes back into the columns on the
//! aggregated rows.

use polars::prelude::*;

/// The column the number is held in while grouping.
pub(crate) const GROUP_NUMBER: &str = "__group";

/// A group column of codes: its name, its type, and how many codes it holds (`0..codes`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Digit {
    pub(crate) column: String,
    pub(crate) dtype: DataType,
    pub(crate) codes: u64,
}

/// Several group columns as one number: `Σ code × stride`, each column's null the code
/// `codes` (one past its last).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupNumber {
    /// Each digit with its stride, the first the most significant.
    digits: Vec<(Digit, u64)>,
}

impl GroupNumber {
    /// The number of `digits`, in their order; `None` when their combinations do not fit a
    /// `u64` (grouping on the columns themselves then).
    pub(crate) fn new(digits: Vec<Digit>) -> Option<Self> {
        let mut strides = vec![0u64; digits.len()];
        let mut stride = 1u64;
        for (at, digit) in digits.iter().enumerate().rev() {
            strides[at] = stride;
            stride = stride.checked_mul(digit.codes.checked_add(1)?)?;
        }
        Some(GroupNumber {
            digits: digits.into_iter().zip(strides).collect(),
        })
    }

    /// The number of each record, as [`GROUP_NUMBER`]: made in one pass over the codes (as
    /// polars expressions, each digit's cast, null fill, product and sum was a column of its
    /// own, 80 MB apiece at 10M records).
    pub(crate) fn number(&self) -> Expr {
        let digits = self.digits.clone();
        let columns: Vec<Expr> = (digits.iter())
            .map(|(digit, _)| col(digit.column.as_str()))
            .collect();
        map_multiple(
            move |columns: &mut [Column]| {
                let numbers = numbered(&digits, columns)?;
                Ok(UInt64Chunked::from_vec(GROUP_NUMBER.into(), numbers).into_column())
            },
            columns,
            |_, _| Ok(Field::new(GROUP_NUMBER.into(), DataType::UInt64)),
        )
        .alias(GROUP_NUMBER)
    }

    /// How many numbers there are: each is below this.
    pub(crate) fn combinations(&self) -> u64 {
        (self.digits.first()).map_or(1, |(digit, stride)| stride * (digit.codes + 1))
    }

    /// The columns of the digits, the first the most significant.
    pub(crate) fn column_names(&self) -> impl Iterator<Item = &str> {
        self.digits.iter().map(|(digit, _)| digit.column.as_str())
    }

    /// The number of each record of `columns` (the digits' columns, in order), as
    /// [`GroupNumber::number`] makes them.
    pub(crate) fn numbers(&self, columns: &[Column]) -> PolarsResult<Vec<u64>> {
        numbered(&self.digits, columns)
    }

    /// The group columns again, from [`GROUP_NUMBER`] (each of its own type, its nulls null).
    pub(crate) fn columns(&self) -> Vec<Expr> {
        (self.digits.iter())
            .map(|(digit, stride)| {
                let number = col(GROUP_NUMBER);
                // `/` on integers is integer division in polars' Rust DSL (`floor_div` would need
                // the `round_series` feature).
                let code = number / lit(*stride) % lit(digit.codes + 1);
                when(code.clone().eq(lit(digit.codes)))
                    .then(lit(NULL).cast(digit.dtype.clone()))
                    .otherwise(code.cast(digit.dtype.clone()))
                    .alias(digit.column.as_str())
            })
            .collect()
    }
}

/// `Σ code × stride` of each record of `columns` (one per digit, in order).
fn numbered(digits: &[(Digit, u64)], columns: &[Column]) -> PolarsResult<Vec<u64>> {
    let height = columns.first().map_or(0, Column::len);
    let mut numbers = vec![0u64; height];
    for ((digit, stride), column) in digits.iter().zip(columns) {
        let (null, stride) = (digit.codes, *stride);
        match column.dtype() {
            DataType::UInt8 => add_digit(&mut numbers, column.u8()?, null, stride),
            DataType::UInt32 => add_digit(&mut numbers, column.u32()?, null, stride),
            _ => {
                let codes = column.cast(&DataType::UInt64)?;
                add_digit(&mut numbers, codes.u64()?, null, stride);
            }
        }
    }
    Ok(numbers)
}

/// Adds each record's code (`null` for a null) times `stride` to its number.
fn add_digit<T>(numbers: &mut [u64], codes: &ChunkedArray<T>, null: u64, stride: u64)
where
    T: PolarsNumericType,
    T::Native: Into<u64>,
{
    let mut numbers = numbers.iter_mut();
    for chunk in codes.downcast_iter() {
        let chunk_numbers = numbers.by_ref().take(chunk.len());
        let codes = chunk_numbers.zip(chunk.values().iter());
        // A validity bitmap without a null (as some arrays carry) is read as none; with nulls,
        // the bits are zipped beside the values, not read as options (a branch a record).
        match chunk.validity().filter(|valid| valid.unset_bits() > 0) {
            None => codes.for_each(|(number, &code)| *number += code.into() * stride),
            Some(valid) => (codes.zip(valid.iter())).for_each(|((number, &code), valid)| {
                *number += if valid { code.into() } else { null } * stride
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit(column: &str, dtype: DataType, codes: u64) -> Digit {
        Digit {
            column: column.to_string(),
            dtype,
            codes,
        }
    }

    #[test]
    fn numbers_are_distinct_per_combination_and_decode_to_the_columns() {
        // Category codes 0..4, keys 0..3 with nulls: every combination, numbered and decoded.
        let categories: Vec<u8> = vec![0, 0, 3, 3, 1, 1, 2];
        let agents: Vec<Option<u32>> = vec![Some(0), None, Some(2), Some(2), None, Some(1), None];
        let channels: Vec<Option<u32>> = vec![Some(1), Some(1), None, Some(0), None, None, Some(2)];
        let frame = df!(
            "category" => &categories,
            "agent" => &agents,
            "channel" => &channels,
        )
        .unwrap();
        let number = GroupNumber::new(vec![
            digit("category", DataType::UInt8, 4),
            digit("agent", DataType::UInt32, 3),
            digit("channel", DataType::UInt32, 3),
        ])
        .unwrap();
        let numbered = (frame.clone().lazy().select([number.number()]))
            .collect()
            .unwrap();
        // Strides 16 and 4 (each digit one code more than its codes, for the null): by hand,
        // 0·16+0·4+1 = 1, 0·16+3·4+1 = 13, 3·16+2·4+3 = 59, 3·16+2·4+0 = 56, 1·16+3·4+3 = 31,
        // 1·16+1·4+3 = 23, 2·16+3·4+2 = 46.
        let numbers: Vec<Option<u64>> = numbered
            .column(GROUP_NUMBER)
            .unwrap()
            .u64()
            .unwrap()
            .iter()
            .collect();
        let expected = [1, 13, 59, 56, 31, 23, 46];
        assert_eq!(numbers, expected.map(Some).to_vec());
        let decoded = (numbered.lazy().select(number.columns()))
            .collect()
            .unwrap();
        assert!(decoded.equals_missing(&frame), "{decoded}");
    }

    #[test]
    fn codes_of_other_integer_types_are_numbered_alike() {
        // Codes held as `Int64` (no type of the pass does, but a key might) take the cast
        // path: strides 3 and 1; by hand 1·3+0 = 3, 2·3+1 = 7, 0·3+2 = 2 (the null).
        let frame = df!(
            "a" => [1i64, 2, 0],
            "b" => [Some(0i64), Some(1), None],
        )
        .unwrap();
        let number = GroupNumber::new(vec![
            digit("a", DataType::Int64, 3),
            digit("b", DataType::Int64, 2),
        ])
        .unwrap();
        let numbered = (frame.lazy().select([number.number()])).collect().unwrap();
        let numbers: Vec<Option<u64>> = (numbered.column(GROUP_NUMBER).unwrap().u64())
            .unwrap()
            .iter()
            .collect();
        assert_eq!(numbers, [Some(3), Some(7), Some(2)]);
    }

    #[test]
    fn combinations_past_u64_are_refused() {
        // Each digit 2^32 − 1 codes and its null: two make (2^32 − 1)^2 + … < 2^64, three not.
        let wide = |column: &str| digit(column, DataType::UInt32, u64::from(u32::MAX) - 1);
        assert!(GroupNumber::new(vec![wide("a"), wide("b")]).is_some());
        assert!(GroupNumber::new(vec![wide("a"), wide("b"), wide("c")]).is_none());
    }
}
