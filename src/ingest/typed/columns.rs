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
#[derive(Default)]
struct Growing {
    /// The records before the first piece with values here (null here).
    nulls_before: usize,
    /// The values from that piece on.
    grown: Option<Grown>,
}

/// A column's values so far, of one type.
struct Grown {
    dtype: DataType,
    values: Box<dyn Values>,
    /// `None` while every value is valid.
    validity: Option<MutableBitmap>,
}

/// A column's physical values, grown in place.
trait Values: Send + Sync {
    fn len(&self) -> usize;
    /// Appends `part`'s values (of this physical type) and their validity to `validity`.
    fn extend(&mut self, part: &Series, validity: &mut Option<MutableBitmap>) -> PolarsResult<()>;
    /// Appends `count` values that lie under nulls.
    fn extend_hidden(&mut self, count: usize) -> PolarsResult<()>;
    fn finish(self: Box<Self>, name: PlSmallStr, validity: Option<Bitmap>) -> Series;
}

/// Numbers of one type: codes, instants, durations, scores.
struct Numbers<T: PolarsNumericType>(Vec<T::Native>);

/// Flags, as bits.
struct Flags(MutableBitmap);

/// Any other type (none the typed pass makes today): polars' chunks, copied into one when the
/// column is taken.
struct Chunks(Series);

impl Columns {
    /// Columns for `slots` output slots, none with a record yet.
    pub(super) fn new(slots: usize) -> Self {
        Columns {
            slots: (0..slots).map(|_| Growing::default()).collect(),
            height: 0,
        }
    }

    /// The records appended so far.
    pub(super) fn height(&self) -> usize {
        self.height
    }

    /// Appends a piece's columns, one for each slot (`None`: the piece has no value there, so each
    /// of its `records` is null), leaving the piece's vector empty. Pieces narrowed apart (see
    /// `crate::narrow`) and pieces not: the whole column becomes `Float64`.
    pub(super) fn append(
        &mut self,
        columns: &mut Vec<Option<Series>>,
        records: usize,
    ) -> PolarsResult<()> {
        debug_assert_eq!(columns.len(), self.slots.len(), "a column for every slot");
        for (slot, part) in self.slots.iter_mut().zip(columns.drain(..)) {
            match (&mut slot.grown, part) {
                (None, None) => slot.nulls_before += records,
                (None, Some(part)) => {
                    let mut grown = Grown::new(part.dtype());
                    grown.extend_nulls(slot.nulls_before)?;
                    grown.extend(&part)?;
                    slot.grown = Some(grown);
                }
                (Some(grown), None) => grown.extend_nulls(records)?,
                (Some(grown), Some(part)) => grown.extend(&part)?,
            }
        }
        self.height += records;
        Ok(())
    }

    /// Slot `slot`'s column (named `name`); `None` when no piece had values there.
    pub(super) fn take(&mut self, slot: usize, name: PlSmallStr) -> PolarsResult<Option<Series>> {
        let grown = self.slots.get_mut(slot).and_then(|slot| slot.grown.take());
        grown.map(|grown| grown.finish(name)).transpose()
    }
}

impl Grown {
    fn new(dtype: &DataType) -> Self {
        let values: Box<dyn Values> = match dtype.to_physical() {
            DataType::UInt8 => Box::new(Numbers::<UInt8Type>(Vec::new())),
            DataType::UInt32 => Box::new(Numbers::<UInt32Type>(Vec::new())),
            DataType::Int32 => Box::new(Numbers::<Int32Type>(Vec::new())),
            DataType::Int64 => Box::new(Numbers::<Int64Type>(Vec::new())),
            DataType::Float64 => Box::new(Numbers::<Float64Type>(Vec::new())),
            DataType::Boolean => Box::new(Flags(MutableBitmap::new())),
            _ => Box::new(Chunks(Series::new_empty(PlSmallStr::EMPTY, dtype))),
        };
        Grown {
            dtype: dtype.clone(),
            values,
            validity: None,
        }
    }

    /// Appends `part`'s values; a part of another type (narrowed apart), as `Float64`.
    fn extend(&mut self, part: &Series) -> PolarsResult<()> {
        if part.dtype() != &self.dtype {
            self.widen()?;
            let part = part.cast(&DataType::Float64)?;
            return self.values.extend(&part, &mut self.validity);
        }
        self.values
            .extend(&part.to_physical_repr(), &mut self.validity)
    }

    /// Appends `count` nulls.
    fn extend_nulls(&mut self, count: usize) -> PolarsResult<()> {
        if count == 0 {
            return Ok(());
        }
        let before = self.values.len();
        let validity = self.validity.get_or_insert_with(|| all_valid(before));
        validity.extend_constant(count, false);
        self.values.extend_hidden(count)
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
        let physical = self.values.finish(name, validity);
        // SAFETY: the values are the physical values of pieces of type `self.dtype`, appended
        // as they were, so they are valid values of it.
        unsafe { physical.from_physical_unchecked(&self.dtype) }
    }
}

impl<T: PolarsNumericType> Values for Numbers<T> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn extend(&mut self, part: &Series, validity: &mut Option<MutableBitmap>) -> PolarsResult<()> {
        for array in part.unpack::<T>()?.downcast_iter() {
            extend_validity(validity, self.0.len(), array.validity(), array.len());
            self.0.extend_from_slice(array.values());
        }
        Ok(())
    }

    fn extend_hidden(&mut self, count: usize) -> PolarsResult<()> {
        self.0.resize(self.0.len() + count, T::Native::default());
        Ok(())
    }

    fn finish(self: Box<Self>, name: PlSmallStr, validity: Option<Bitmap>) -> Series {
        ChunkedArray::<T>::from_vec_validity(name, self.0, validity).into_series()
    }
}

impl Values for Flags {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn extend(&mut self, part: &Series, validity: &mut Option<MutableBitmap>) -> PolarsResult<()> {
        for array in part.bool()?.downcast_iter() {
            extend_validity(validity, self.0.len(), array.validity(), array.len());
            self.0.extend_from_bitmap(array.values());
        }
        Ok(())
    }

    fn extend_hidden(&mut self, count: usize) -> PolarsResult<()> {
        self.0.extend_constant(count, false);
        Ok(())
    }

    fn finish(self: Box<Self>, name: PlSmallStr, validity: Option<Bitmap>) -> Series {
        let array = BooleanArray::new(ArrowDataType::Boolean, self.0.into(), validity);
        BooleanChunked::with_chunk(name, array).into_series()
    }
}

/// Polars' own chunks keep their validity: the crate's bitmap is kept beside them unread.
impl Values for Chunks {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn extend(&mut self, part: &Series, _: &mut Option<MutableBitmap>) -> PolarsResult<()> {
        self.0.append(part)?;
        Ok(())
    }

    fn extend_hidden(&mut self, count: usize) -> PolarsResult<()> {
        let nulls = Series::full_null(PlSmallStr::EMPTY, count, self.0.dtype());
        self.0.append(&nulls)?;
        Ok(())
    }

    fn finish(self: Box<Self>, name: PlSmallStr, _: Option<Bitmap>) -> Series {
        self.0.with_name(name).rechunk()
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
        let mut columns = Columns::new(1);
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
