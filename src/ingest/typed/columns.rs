//! The typed records' output columns, each grown as one chunk while the blocks are typed.
//!
//! Why: the pieces' columns, kept until the end of the pass and then copied into one chunk a
//! column, touched every column's memory twice, and on a virtual machine the first touch of a
//! page is the expensive part at 100M records (see `BENCHMARKS.md`). Each piece's values are
//! now appended to the run's column as soon as the piece's texts are coded, and the piece's own
//! memory goes back to the allocator for the next block. A column is a vector (and a validity
//! bitmap) of its own, grown by doubling, which glibc does for a large block by remapping its
//! pages rather than copying them; polars' `extend` would count the whole column's nulls again
//! at every append.

use polars::prelude::*;
use polars_arrow::array::BooleanArray;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_arrow::datatypes::ArrowDataType;

/// The typed records' columns, one per output slot, in record order.
pub(super) struct Columns {
    slots: Vec<Growing>,
    height: usize,
}

/// One output slot's column so far.
enum Growing {
    /// No piece had values here yet: this many records, all null.
    Nulls(usize),
    Values(Grown),
}

/// A column's values so far, of one type.
struct Grown {
    dtype: DataType,
    values: Values,
    /// `None` while every value is valid.
    validity: Option<MutableBitmap>,
}

/// The physical values, by type: those the typed pass makes (codes, instants, numbers,
/// narrowed durations and scores, flags), and any other as polars' chunks.
enum Values {
    UInt8(Vec<u8>),
    UInt32(Vec<u32>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Float64(Vec<f64>),
    Boolean(MutableBitmap),
    /// Another type: the pieces' chunks appended, copied into one when the column is taken.
    Chunks(Series),
}

impl Columns {
    pub(super) fn new() -> Self {
        Columns {
            slots: Vec::new(),
            height: 0,
        }
    }

    /// The records appended so far.
    pub(super) fn height(&self) -> usize {
        self.height
    }

    /// Appends a piece's columns, one per slot (`None`: the piece has no value there, so each
    /// of its `records` is null), leaving the piece's vector empty. Pieces narrowed apart (see
    /// `crate::narrow`) and pieces not: the whole column becomes `Float64`.
    pub(super) fn append(
        &mut self,
        columns: &mut Vec<Option<Series>>,
        records: usize,
    ) -> PolarsResult<()> {
        if self.slots.len() < columns.len() {
            self.slots
                .resize_with(columns.len(), || Growing::Nulls(self.height));
        }
        for (slot, part) in self.slots.iter_mut().zip(columns.drain(..)) {
            match (slot, part) {
                (Growing::Nulls(nulls), None) => *nulls += records,
                (Growing::Values(grown), None) => grown.extend_nulls(records)?,
                (slot @ Growing::Nulls(_), Some(part)) => {
                    let Growing::Nulls(nulls) = *slot else {
                        unreachable!()
                    };
                    let mut grown = Grown::new(part.dtype());
                    grown.extend_nulls(nulls)?;
                    grown.extend(&part)?;
                    *slot = Growing::Values(grown);
                }
                (Growing::Values(grown), Some(part)) => {
                    if part.dtype() == &grown.dtype {
                        grown.extend(&part)?;
                    } else {
                        grown.widen()?;
                        grown.extend(&part.cast(&DataType::Float64)?)?;
                    }
                }
            }
        }
        self.height += records;
        Ok(())
    }

    /// Slot `slot`'s column (named `name`); `None` when no piece had values there.
    pub(super) fn take(&mut self, slot: usize, name: PlSmallStr) -> PolarsResult<Option<Series>> {
        let Some(slot) = self.slots.get_mut(slot) else {
            return Ok(None);
        };
        match std::mem::replace(slot, Growing::Nulls(0)) {
            Growing::Nulls(_) => Ok(None),
            Growing::Values(grown) => grown.finish(name).map(Some),
        }
    }
}

impl Grown {
    fn new(dtype: &DataType) -> Self {
        let values = match dtype.to_physical() {
            DataType::UInt8 => Values::UInt8(Vec::new()),
            DataType::UInt32 => Values::UInt32(Vec::new()),
            DataType::Int32 => Values::Int32(Vec::new()),
            DataType::Int64 => Values::Int64(Vec::new()),
            DataType::Float64 => Values::Float64(Vec::new()),
            DataType::Boolean => Values::Boolean(MutableBitmap::new()),
            _ => Values::Chunks(Series::new_empty(PlSmallStr::EMPTY, dtype)),
        };
        Grown {
            dtype: dtype.clone(),
            values,
            validity: None,
        }
    }

    fn len(&self) -> usize {
        match &self.values {
            Values::UInt8(values) => values.len(),
            Values::UInt32(values) => values.len(),
            Values::Int32(values) => values.len(),
            Values::Int64(values) => values.len(),
            Values::Float64(values) => values.len(),
            Values::Boolean(values) => values.len(),
            Values::Chunks(series) => series.len(),
        }
    }

    /// Appends `part`'s values, of this column's type.
    fn extend(&mut self, part: &Series) -> PolarsResult<()> {
        let physical = part.to_physical_repr();
        let validity = &mut self.validity;
        match &mut self.values {
            Values::UInt8(values) => extend_numeric(values, validity, physical.u8()?),
            Values::UInt32(values) => extend_numeric(values, validity, physical.u32()?),
            Values::Int32(values) => extend_numeric(values, validity, physical.i32()?),
            Values::Int64(values) => extend_numeric(values, validity, physical.i64()?),
            Values::Float64(values) => extend_numeric(values, validity, physical.f64()?),
            Values::Boolean(values) => {
                for array in physical.bool()?.downcast_iter() {
                    extend_validity(validity, values.len(), array.validity(), array.len());
                    values.extend_from_bitmap(array.values());
                }
            }
            Values::Chunks(series) => {
                series.append(part)?;
            }
        }
        Ok(())
    }

    /// Appends `count` nulls.
    fn extend_nulls(&mut self, count: usize) -> PolarsResult<()> {
        if count == 0 {
            return Ok(());
        }
        if let Values::Chunks(series) = &mut self.values {
            series.append(&Series::full_null(PlSmallStr::EMPTY, count, &self.dtype))?;
            return Ok(());
        }
        let before = self.len();
        let validity = self.validity.get_or_insert_with(|| all_valid(before));
        validity.extend_constant(count, false);
        match &mut self.values {
            Values::UInt8(values) => values.resize(before + count, 0),
            Values::UInt32(values) => values.resize(before + count, 0),
            Values::Int32(values) => values.resize(before + count, 0),
            Values::Int64(values) => values.resize(before + count, 0),
            Values::Float64(values) => values.resize(before + count, 0.0),
            Values::Boolean(values) => values.extend_constant(count, false),
            Values::Chunks(_) => unreachable!("appended above"),
        }
        Ok(())
    }

    /// The column so far as `Float64` (a piece narrowed apart from the others; rare, so one
    /// copy of the column is no matter).
    fn widen(&mut self) -> PolarsResult<()> {
        if self.dtype == DataType::Float64 {
            return Ok(());
        }
        let grown = std::mem::replace(self, Grown::new(&DataType::Float64));
        let wide = grown.finish(PlSmallStr::EMPTY)?.cast(&DataType::Float64)?;
        self.extend(&wide)
    }

    fn finish(self, name: PlSmallStr) -> PolarsResult<Series> {
        let validity: Option<Bitmap> = self.validity.and_then(Option::<Bitmap>::from);
        let physical = match self.values {
            Values::UInt8(v) => UInt8Chunked::from_vec_validity(name, v, validity).into_series(),
            Values::UInt32(v) => UInt32Chunked::from_vec_validity(name, v, validity).into_series(),
            Values::Int32(v) => Int32Chunked::from_vec_validity(name, v, validity).into_series(),
            Values::Int64(v) => Int64Chunked::from_vec_validity(name, v, validity).into_series(),
            Values::Float64(v) => {
                Float64Chunked::from_vec_validity(name, v, validity).into_series()
            }
            Values::Boolean(values) => {
                let array = BooleanArray::new(ArrowDataType::Boolean, values.into(), validity);
                BooleanChunked::with_chunk(name, array).into_series()
            }
            Values::Chunks(series) => return Ok(series.with_name(name).rechunk()),
        };
        // SAFETY: the values are the physical values of pieces of type `self.dtype`, appended
        // as they were, so they are valid values of it.
        unsafe { physical.from_physical_unchecked(&self.dtype) }
    }
}

/// Appends every array of `part` to `values`, and its validity to `validity`.
fn extend_numeric<T: PolarsNumericType>(
    values: &mut Vec<T::Native>,
    validity: &mut Option<MutableBitmap>,
    part: &ChunkedArray<T>,
) {
    for array in part.downcast_iter() {
        extend_validity(validity, values.len(), array.validity(), array.len());
        values.extend_from_slice(array.values());
    }
}

/// Appends `len` validity bits to `validity`: `bits`, or all valid (`before`: the values so
/// far, all valid while there is no bitmap yet).
fn extend_validity(
    validity: &mut Option<MutableBitmap>,
    before: usize,
    bits: Option<&Bitmap>,
    len: usize,
) {
    match (bits.filter(|bits| bits.unset_bits() > 0), validity) {
        (None, None) => {}
        (None, Some(validity)) => validity.extend_constant(len, true),
        (Some(bits), validity) => validity
            .get_or_insert_with(|| all_valid(before))
            .extend_from_bitmap(bits),
    }
}

/// A bitmap of `len` valid values.
fn all_valid(len: usize) -> MutableBitmap {
    let mut bits = MutableBitmap::new();
    bits.extend_constant(len, true);
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends each piece (a slot's column, or `None`, and its record count) to a one-slot
    /// `Columns`, and takes the slot.
    fn grown(pieces: Vec<(Option<Series>, usize)>) -> Option<Series> {
        let mut columns = Columns::new();
        for (part, records) in pieces {
            columns.append(&mut vec![part], records).unwrap();
        }
        columns.take(0, "x".into()).unwrap()
    }

    fn u32s(values: &[Option<u32>]) -> Series {
        Series::new("x".into(), values)
    }

    #[test]
    fn pieces_are_appended_in_order_with_their_nulls_and_absent_pieces_as_nulls() {
        // By hand: absent (2 records), [1, null], absent (1), [3] → null, null, 1, null, null, 3.
        let column = grown(vec![
            (None, 2),
            (Some(u32s(&[Some(1), None])), 2),
            (None, 1),
            (Some(u32s(&[Some(3)])), 1),
        ])
        .unwrap();
        let expected = u32s(&[None, None, Some(1), None, None, Some(3)]);
        assert!(column.equals_missing(&expected), "{column:?}");
        assert_eq!(column.null_count(), 4);
        assert_eq!(column.chunks().len(), 1);
        assert_eq!(column.name().as_str(), "x");
    }

    #[test]
    fn a_column_without_nulls_keeps_no_validity() {
        let column = grown(vec![
            (Some(u32s(&[Some(1)])), 1),
            (Some(u32s(&[Some(2)])), 1),
        ]);
        let column = column.unwrap();
        assert_eq!(column.null_count(), 0);
        assert!(column
            .u32()
            .unwrap()
            .downcast_iter()
            .all(|a| a.validity().is_none()));
    }

    #[test]
    fn a_slot_no_piece_has_is_none() {
        assert!(grown(vec![(None, 3), (None, 2)]).is_none());
    }

    #[test]
    fn pieces_narrowed_apart_make_the_column_float64() {
        // By hand: [7 (u32), null (u32)], [2.5 (f64)], [9 (u32)] → 7.0, null, 2.5, 9.0.
        let floats = Series::new("x".into(), &[2.5f64]);
        let column = grown(vec![
            (Some(u32s(&[Some(7), None])), 2),
            (Some(floats), 1),
            (Some(u32s(&[Some(9)])), 1),
        ])
        .unwrap();
        let expected = Series::new("x".into(), &[Some(7.0f64), None, Some(2.5), Some(9.0)]);
        assert!(column.equals_missing(&expected), "{column:?}");
    }

    #[test]
    fn flags_and_instants_keep_their_types_and_values() {
        // Flags by hand: [true, null], absent (1), [false] → true, null, null, false.
        let flags = grown(vec![
            (Some(Series::new("x".into(), &[Some(true), None])), 2),
            (None, 1),
            (Some(Series::new("x".into(), &[false])), 1),
        ])
        .unwrap();
        let expected = Series::new("x".into(), &[Some(true), None, None, Some(false)]);
        assert!(flags.equals_missing(&expected), "{flags:?}");
        // Instants: a logical type is grown as its physical values and given back as itself.
        let instants = |values: &[Option<i64>]| {
            Int64Chunked::new("x".into(), values)
                .into_datetime(TimeUnit::Milliseconds, None)
                .into_series()
        };
        let column = grown(vec![
            (Some(instants(&[Some(1_000)])), 1),
            (None, 1),
            (Some(instants(&[Some(-5), None])), 2),
        ])
        .unwrap();
        assert_eq!(column.dtype(), instants(&[]).dtype());
        let expected = instants(&[Some(1_000), None, Some(-5), None]);
        assert!(column.equals_missing(&expected), "{column:?}");
    }

    #[test]
    fn other_types_are_appended_as_polars_chunks() {
        let texts = |values: &[Option<&str>]| Series::new("x".into(), values);
        let column = grown(vec![
            (None, 1),
            (Some(texts(&[Some("a")])), 1),
            (Some(texts(&[None, Some("b")])), 2),
        ])
        .unwrap();
        let expected = texts(&[None, Some("a"), None, Some("b")]);
        assert!(column.equals_missing(&expected), "{column:?}");
    }
}
