//! One thread's share of a block: its records typed into column builders, or kept as bytes for
//! the general path when they are not plain (see [`super::values`]).

use std::ops::Range;

use chrono_tz::Tz;
use polars::prelude::*;

use super::super::facts::RecordFacts;
use super::codes::{self, Texts};
use super::records::{self, plain_text};
use super::values::{self, Value, Zone};
use crate::canonical::{self, Kind};
use crate::config::Scales;
use crate::date_formats;

/// What a field of a source is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// `interaction_id`: needed, hashed for the repeated-id check.
    Id,
    /// Text, kept as codes: the customer, a group key.
    Text,
    Typed(Kind),
}

/// How one source's records are read.
pub(super) struct Layout {
    pub(super) delimiter: u8,
    pub(super) fields: usize,
    /// (column index, role, output slot) of every field the run reads.
    pub(super) read: Vec<(usize, Role, Option<usize>)>,
    /// The output slots, each with its kind (`None`: text) and its column here, if any.
    pub(super) slots: Vec<(Option<Kind>, Option<usize>)>,
    /// The slots of `created_at`, `first_response_at` and `resolved_at`, when output.
    pub(super) created: Option<usize>,
    pub(super) later: Vec<usize>,
    /// The timestamp columns (what the sniffer's sample looks at).
    pub(super) timestamps: Vec<usize>,
    pub(super) zone: Tz,
    pub(super) scales: Scales,
}

/// A value of one output slot for the record at hand.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Typed(Value),
    /// Text as a range of the piece; `None` when blank.
    Text(Option<Range<usize>>),
}

/// Typed columns of the plain records, in slot order.
enum Builder {
    Category(Vec<u8>),
    Instant(PrimitiveChunkedBuilder<Int64Type>),
    Number(PrimitiveChunkedBuilder<Float64Type>),
    Flag(BooleanChunkedBuilder),
    /// A group key: each record's number among the piece's distinct texts.
    Coded(Vec<u32>, Texts),
    /// `customer_id`: each record's text where it is in the piece, with its hash (see
    /// [`PieceText::Located`]).
    Located(Vec<Located>),
    /// A column the source lacks: nothing kept (the frame gets a column of nulls).
    Absent,
}

/// A record's text in a text column of a piece: its hash and where it is in the piece's bytes
/// (`len` [`Located::NONE`] when blank).
#[derive(Clone, Copy)]
pub(super) struct Located {
    pub(super) hash: u64,
    pub(super) start: u32,
    pub(super) len: u32,
}

impl Located {
    pub(super) const NONE: u32 = u32::MAX;

    /// The text, in the piece's bytes `data`; `None` when blank.
    pub(super) fn text<'d>(&self, data: &'d [u8]) -> Option<&'d [u8]> {
        let start = self.start as usize;
        (self.len != Located::NONE).then(|| &data[start..start + self.len as usize])
    }
}

/// A text column of a piece, until coded against the run's texts (see [`super::codes`]).
pub(super) enum PieceText {
    /// A group key (few texts, repeated often): each record's number among the piece's
    /// distinct texts, which are what the run codes.
    Distinct { numbers: Vec<u32>, texts: Texts },
    /// `customer_id`: each record's text located. A piece's customers are 89–93 % distinct (in
    /// 65,000 records of the generated logs), so a table of the piece's own first was one more
    /// lookup a record for few repeats; the run codes them record by record.
    Located(Vec<Located>),
}

impl PieceText {
    /// How many places the run's codes fill: distinct texts, or records.
    pub(super) fn places(&self) -> usize {
        match self {
            PieceText::Distinct { texts, .. } => texts.len(),
            PieceText::Located(records) => records.len(),
        }
    }
}

/// The text column of output slot `slot` of a piece.
pub(super) struct PieceTexts {
    pub(super) slot: usize,
    pub(super) text: PieceText,
}

/// What one piece holds once read.
pub(super) struct Piece {
    /// Its records (lines with a value), numbered from 1 within the piece.
    pub(super) records: u32,
    /// One per output slot: `None` where the source lacks the column, and for the text
    /// columns until [`Piece::set_codes`]; emptied into the run's columns once the block's
    /// texts are coded (`super::columns`).
    pub(super) columns: Vec<Option<Series>>,
    /// The text columns, until coded against the run's.
    pub(super) coded: Vec<PieceTexts>,
    /// The records of the sources before this piece (see [`Piece::offset`]).
    pub(super) offset: u32,
    /// Where the piece's bytes start in its source.
    pub(super) start: u64,
    /// The `interaction_id` (trimmed) of each record typed here: its hash, and where its text
    /// is in the piece's bytes (the text itself is read back only where two hashes meet);
    /// moved to [`super::ids::Ids`] once the piece is read.
    pub(super) ids: Vec<Located>,
    /// The other records' bytes, each ending with its line end, and their numbers.
    pub(super) general: Vec<u8>,
    pub(super) general_records: Vec<u32>,
    /// The first record whose timestamps the sniffer would not all call canonical.
    pub(super) first_uncanonical: Option<u32>,
}

impl Piece {
    /// The text column of `slot`, until [`Piece::set_codes`].
    pub(super) fn texts_of(&self, slot: usize) -> Option<&PieceText> {
        (self.coded.iter()).find_map(|coded| (coded.slot == slot).then_some(&coded.text))
    }

    /// Sets the text column of `slot` from the run's `codes` of its places (see
    /// [`PieceText::places`]; [`codes::NONE`]: blank).
    pub(super) fn set_codes(&mut self, slot: usize, codes: &[u32], name: &str) {
        let Some(at) = self.coded.iter().position(|coded| coded.slot == slot) else {
            return;
        };
        let of = |code: u32| (code != codes::NONE).then_some(code);
        let column: UInt32Chunked = match self.coded.swap_remove(at).text {
            PieceText::Distinct { numbers, .. } => (numbers.iter())
                .map(|&n| of(n).map(|n| codes[n as usize]))
                .collect(),
            PieceText::Located(_) => codes.iter().map(|&code| of(code)).collect(),
        };
        self.columns[slot] = Some(column.with_name(name.into()).into_series());
    }

    /// How many records are typed here.
    pub(super) fn typed_len(&self) -> usize {
        self.records as usize - self.general_records.len()
    }

    /// The numbers of the records typed here, in order: every record's but the general path's
    /// (kept so, rather than as 4 bytes a record).
    pub(super) fn typed_numbers(&self) -> impl Iterator<Item = u32> + '_ {
        let mut general = self.general_records.iter().peekable();
        (self.offset + 1..=self.offset + self.records).filter(move |number| {
            let left = general.peek() == Some(&number);
            if left {
                general.next();
            }
            !left
        })
    }

    /// Numbers the records from `offset + 1` (the records of the source before this piece).
    pub(super) fn offset(&mut self, offset: u32) {
        self.offset = offset;
        for number in &mut self.general_records {
            *number += offset;
        }
        if let Some(first) = &mut self.first_uncanonical {
            *first += offset;
        }
    }
}

/// The 64-bit hash of an `interaction_id`, a `customer_id` or a key's text: XXH3 (no seed: the
/// same in every run). It decides no output: texts whose hashes meet are compared, and codes
/// are renumbered in text order. XXH3 rather than std's SipHash, which is built to withstand
/// chosen keys and took several times as long on these short texts, four times a record.
pub(super) fn text_hash(text: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text)
}

/// The share (of `shares`) that a text of hash `hash` belongs to, wherever texts are split by
/// hash among threads or rounds (the run's dictionaries, the repeated-id check): the hash's top
/// half scaled to the shares, a multiply where `%` would divide.
pub(super) fn share_of(hash: u64, shares: usize) -> usize {
    (((hash >> 32) * shares as u64) >> 32) as usize
}

/// The sequence U+FFFD takes in UTF-8: a record holding it is read by the general path, which
/// knows whether its source has undecodable bytes.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

impl Layout {
    /// Reads `data`, whole records, with the output slots named by `names`.
    pub(super) fn read_piece(&self, data: &[u8], names: &[String]) -> Piece {
        // Lines bound the records (a quoted line end makes one record of two lines): builders
        // sized so hold no more than a few spare values.
        let capacity = memchr::memchr_iter(b'\n', data).count() + 1;
        let mut builders: Vec<Builder> = (self.slots.iter().zip(names))
            .map(|((kind, column), name)| {
                let customers = name == canonical::CUSTOMER_ID;
                let name = name.as_str().into();
                match kind {
                    Some(Kind::Category) => Builder::Category(Vec::with_capacity(capacity)),
                    _ if column.is_none() => Builder::Absent,
                    Some(Kind::Text) | None if customers => {
                        Builder::Located(Vec::with_capacity(capacity))
                    }
                    Some(Kind::Text) | None => {
                        Builder::Coded(Vec::with_capacity(capacity), Texts::with_capacity(capacity))
                    }
                    Some(Kind::Timestamp) => {
                        Builder::Instant(PrimitiveChunkedBuilder::new(name, capacity))
                    }
                    Some(Kind::Flag) => Builder::Flag(BooleanChunkedBuilder::new(name, capacity)),
                    Some(_) => Builder::Number(PrimitiveChunkedBuilder::new(name, capacity)),
                }
            })
            .collect();
        let mut piece = Piece {
            records: 0,
            columns: Vec::new(),
            coded: Vec::new(),
            offset: 0,
            start: 0,
            ids: Vec::with_capacity(capacity),
            general: Vec::new(),
            general_records: Vec::new(),
            first_uncanonical: None,
        };
        let mut zone = Zone::new(self.zone);
        let mut fields: Vec<Range<usize>> = Vec::with_capacity(self.fields + 1);
        // A column the source lacks has the same cell in every record; the others are set
        // record by record.
        let mut cells: Vec<Cell> = (self.slots.iter())
            .map(|(kind, _)| match kind {
                Some(Kind::Category) => Cell::Typed(Value::Category(values::category(None))),
                Some(Kind::Text) | None => Cell::Text(None),
                Some(_) => Cell::Typed(Value::Missing),
            })
            .collect();
        let mut start = 0;
        while let Some(record) = records::record_at(data, start) {
            let record_start = start;
            start = record.next;
            records::split_fields(
                data,
                record.content.clone(),
                record.quoted,
                self.delimiter,
                &mut fields,
            );
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
            piece.records += 1;
            let number = piece.records;
            let mut uncanonical = false;
            let id = self.typed_record(
                data,
                &record,
                &fields,
                &mut cells,
                &mut zone,
                &mut uncanonical,
            );
            match id {
                Some(id) => {
                    for (builder, cell) in builders.iter_mut().zip(&cells) {
                        builder.push(cell, data);
                    }
                    piece.ids.push(Located {
                        hash: text_hash(&data[id.clone()]),
                        start: id.start as u32,
                        len: id.len() as u32,
                    });
                }
                None => {
                    uncanonical = !self.sniffer_sees_canonical(data, &fields);
                    piece
                        .general
                        .extend_from_slice(&data[record_start..record.content.end]);
                    // A record left open by a quote runs to the end of the source: a line end
                    // would become part of its last field.
                    let open =
                        memchr::memchr_iter(b'"', &data[record.content.clone()]).count() % 2 == 1;
                    if !open {
                        piece.general.push(b'\n');
                    }
                    piece.general_records.push(number);
                }
            }
            if uncanonical && piece.first_uncanonical.is_none() {
                piece.first_uncanonical = Some(number);
            }
        }
        for (slot, (builder, name)) in builders.into_iter().zip(names).enumerate() {
            let column = match builder {
                Builder::Coded(numbers, texts) => {
                    let text = PieceText::Distinct { numbers, texts };
                    piece.coded.push(PieceTexts { slot, text });
                    None
                }
                Builder::Located(records) => {
                    let text = PieceText::Located(records);
                    piece.coded.push(PieceTexts { slot, text });
                    None
                }
                builder => builder.finish(name),
            };
            piece.columns.push(column);
        }
        piece
    }

    /// Puts the record facts in `piece` in place of the columns they replace (in an input of
    /// the `present` canonical columns), after the slots' (`names`: the slots', then the
    /// facts'). A fact null in every record of the piece is kept as nothing, as an absent
    /// column is.
    pub(super) fn derive_facts(
        &self,
        piece: &mut Piece,
        facts: &RecordFacts,
        names: &[String],
        present: &[&str],
    ) -> PolarsResult<()> {
        let height = piece.typed_len();
        let mut inputs = Vec::new();
        for &input in &facts.inputs {
            let slot = names.iter().position(|name| name == input);
            let column = slot.and_then(|slot| piece.columns[slot].clone());
            inputs.push(match column {
                Some(series) => series.into_column(),
                None => {
                    let kind = slot.and_then(|slot| self.slots[slot].0);
                    Column::full_null(input.into(), height, &column_type(kind))
                }
            });
        }
        let derived = facts.derive(DataFrame::new(height, inputs)?, present)?;
        for (slot, name) in names.iter().enumerate() {
            if facts.replaces(name, present) {
                piece.columns[slot] = None;
            }
        }
        for name in facts.names() {
            let fact = derived.column(&name)?.as_materialized_series().clone();
            let all_null = fact.null_count() == fact.len();
            piece.columns.push((!all_null).then_some(fact));
        }
        // Narrower while the piece is held (see `crate::narrow`); the frame's sum is checked
        // once the pieces are one column.
        for &(name, narrowing) in &facts.narrowings {
            let slot = names.iter().position(|n| n == name);
            let Some(column) = slot.and_then(|slot| piece.columns[slot].as_mut()) else {
                continue;
            };
            if let Some(narrowed) = narrowing.narrowed(&column.clone().into_column())? {
                *column = narrowed.take_materialized_series();
            }
        }
        Ok(())
    }

    /// Types the record into `cells` when it is plain and valid: returns its trimmed
    /// `interaction_id`'s range; `None` leaves it to the general path. Sets `uncanonical`
    /// when a timestamp's text is blank but not empty (the sniffer reads it as not canonical).
    fn typed_record(
        &self,
        data: &[u8],
        record: &records::Record,
        fields: &[Range<usize>],
        cells: &mut [Cell],
        zone: &mut Zone,
        uncanonical: &mut bool,
    ) -> Option<Range<usize>> {
        if fields.len() != self.fields {
            return None;
        }
        let bytes = &data[record.content.clone()];
        let quoted = record.quoted;
        if !bytes.is_ascii()
            && (simdutf8::basic::from_utf8(bytes).is_err()
                || memchr::memmem::find(bytes, REPLACEMENT).is_some())
        {
            return None;
        }
        let mut id = None;
        for &(column, role, slot) in &self.read {
            let raw = &data[fields[column].clone()];
            let text = if quoted { plain_text(raw)? } else { raw };
            // Checked as UTF-8 with the record.
            let text = unsafe { std::str::from_utf8_unchecked(text) };
            let trimmed = text.trim();
            let blank = trimmed.is_empty();
            let range = || {
                let at = trimmed.as_ptr() as usize - data.as_ptr() as usize;
                at..at + trimmed.len()
            };
            match role {
                // An id longer than its recorded length can be is left to the general path.
                Role::Id if blank || trimmed.len() > usize::from(u16::MAX) => return None,
                Role::Id => {
                    let range = range();
                    if range.start > u32::MAX as usize {
                        return None; // its place would not fit the piece's 32-bit offsets
                    }
                    id = Some(range);
                }
                Role::Text => {
                    let slot = slot.expect("text roles have a slot");
                    cells[slot] = Cell::Text((!blank).then(range));
                }
                Role::Typed(kind) => {
                    if kind == Kind::Timestamp && blank && !raw.is_empty() {
                        *uncanonical = true;
                    }
                    let value =
                        values::read(kind, (!blank).then_some(trimmed), zone, &self.scales)?;
                    cells[slot.expect("typed roles have a slot")] = Cell::Typed(value);
                }
            }
        }
        if let Some(created) = self.created {
            if let Cell::Typed(Value::Instant(created)) = cells[created] {
                for &later in &self.later {
                    if let Cell::Typed(Value::Instant(at)) = cells[later] {
                        if at < created {
                            return None;
                        }
                    }
                }
            }
        }
        id
    }

    /// Whether each timestamp of a record left to the general path reads as canonical to the
    /// sniffer (missing, or [`date_formats::is_canonical`] once trimmed); a record it cannot
    /// read plainly counts as not.
    fn sniffer_sees_canonical(&self, data: &[u8], fields: &[Range<usize>]) -> bool {
        self.timestamps.iter().all(|&column| {
            let Some(field) = fields.get(column) else {
                return true;
            };
            let raw = &data[field.clone()];
            if raw.is_empty() {
                return true;
            }
            let Some(text) = plain_text(raw) else {
                return false;
            };
            std::str::from_utf8(text).is_ok_and(|t| date_formats::is_canonical(t.trim()))
        })
    }
}

/// The type of the column a slot of `kind` is built into (see [`Builder`]).
fn column_type(kind: Option<Kind>) -> DataType {
    match kind {
        Some(Kind::Category) => canonical::CATEGORY_DTYPE,
        Some(Kind::Timestamp) => DataType::Int64,
        Some(Kind::Flag) => DataType::Boolean,
        Some(Kind::Text) | None => DataType::UInt32,
        Some(_) => DataType::Float64,
    }
}

impl Builder {
    fn push(&mut self, cell: &Cell, data: &[u8]) {
        match (self, cell) {
            (Builder::Category(codes), Cell::Typed(Value::Category(code))) => codes.push(*code),
            (Builder::Instant(b), Cell::Typed(Value::Instant(v))) => b.append_value(*v),
            (Builder::Instant(b), _) => b.append_null(),
            (Builder::Number(b), Cell::Typed(Value::Number(v))) => b.append_value(*v),
            (Builder::Number(b), _) => b.append_null(),
            (Builder::Flag(b), Cell::Typed(Value::Flag(v))) => b.append_value(*v),
            (Builder::Flag(b), _) => b.append_null(),
            (Builder::Coded(numbers, texts), Cell::Text(Some(range))) => {
                let text = &data[range.clone()];
                numbers.push(texts.index(text_hash(text), text));
            }
            (Builder::Coded(numbers, _), _) => numbers.push(codes::NONE),
            (Builder::Located(texts), Cell::Text(Some(range))) => texts.push(Located {
                hash: text_hash(&data[range.clone()]),
                start: range.start as u32,
                len: range.len() as u32,
            }),
            (Builder::Located(texts), _) => texts.push(Located {
                hash: 0,
                start: 0,
                len: Located::NONE,
            }),
            (Builder::Absent, _) => {}
            (Builder::Category(codes), _) => {
                codes.push(canonical::category_code(canonical::UNCATEGORIZED))
            }
        }
    }

    /// The column; `None` for an absent one (and text columns, coded by the pass).
    fn finish(self, name: &str) -> Option<Series> {
        Some(match self {
            Builder::Category(codes) => UInt8Chunked::from_vec(name.into(), codes).into_series(),
            Builder::Instant(b) => b.finish().into_series(),
            Builder::Number(b) => b.finish().into_series(),
            Builder::Flag(b) => b.finish().into_series(),
            Builder::Coded(..) | Builder::Located(..) | Builder::Absent => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_split_the_hashes_top_halves_evenly() {
        // Four shares: the top half's quarter it falls in (worked out: 2^30 and 2^31 are the
        // second and third quarters' first values).
        let hash = |top: u64| top << 32 | 0xffff_ffff;
        let cases = [
            (0, 0),
            ((1 << 30) - 1, 0),
            (1 << 30, 1),
            (1 << 31, 2),
            (u32::MAX as u64, 3),
        ];
        for (top, share) in cases {
            assert_eq!(share_of(hash(top), 4), share, "top half {top}");
        }
        assert_eq!(share_of(u64::MAX, 1), 0);
    }
}
