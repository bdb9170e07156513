//! Text columns as dense codes: every distinct text of a column (`customer_id`, a group key)
//! gets one `u32`, exactly (texts are compared, not only their hashes), so counting a group's
//! distinct customers, matching a customer's records and grouping by a key take four bytes a
//! record instead of the text.
//!
//! Each piece codes a key's records against its own [`Texts`] as it reads them; after each
//! block, the pieces' distinct texts are coded against the run's [`Dictionary`] of the column,
//! split among the threads by hash. Customers are mostly distinct within a piece, so each
//! piece only locates and hashes them, and they are coded record by record against the run's
//! ([`Dictionary::code_pieces`]). A key's codes are renumbered in the order of their texts
//! once the run is read ([`Dictionary::in_text_order`]), so that sorting by code sorts by text.

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

use super::piece::{share_of, text_hash, PieceText};

/// The code of a record without a customer.
pub(super) const NONE: u32 = u32::MAX;

/// Distinct texts, each numbered in the order first seen, in a table of 16-byte slots that
/// hold a short text (up to [`INLINE`] bytes: customer ids, agents, channels) themselves.
///
/// Why slots and not the texts apart: looking a text up compares it with the slot's bytes in
/// the cache line the probe already read, where texts kept apart cost two more misses (their
/// end and their bytes), and a run's customers are millions of texts. No hash is stored: the
/// table grows rarely (a piece's is sized by its lines), and a short text hashes again in a
/// few nanoseconds. Per distinct text that is 16 bytes and the table's slack, where the text,
/// its end and its hash apart took 24 bytes and three vectors' growth slack.
#[derive(Default)]
pub(super) struct Texts {
    table: HashTable<Slot>,
    /// The texts longer than [`INLINE`] bytes, one after another.
    long: Vec<u8>,
    /// Where the table's control bytes start, as an address, when it had the buckets noted
    /// here (see [`Texts::prefetch`]).
    control: Option<(usize, usize)>,
}

/// How long a text a slot holds itself.
const INLINE: usize = 11;

/// A slot's `len` for a text kept in [`Texts::long`].
const LONG: u8 = u8::MAX;

/// One distinct text: its number, and the text (zero-padded) or, when `len` is [`LONG`], its
/// length (4 bytes) and start in [`Texts::long`] (7 bytes), little-endian.
#[derive(Clone, Copy)]
struct Slot {
    number: u32,
    len: u8,
    text: [u8; INLINE],
}

impl Slot {
    fn text<'t>(&'t self, long: &'t [u8]) -> &'t [u8] {
        if self.len != LONG {
            return &self.text[..usize::from(self.len)];
        }
        let [l0, l1, l2, l3, s @ ..] = self.text;
        let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
        let [s0, s1, s2, s3, s4, s5, s6] = s;
        let start = u64::from_le_bytes([s0, s1, s2, s3, s4, s5, s6, 0]) as usize;
        &long[start..start + len]
    }
}

/// Asks the processor to fetch the cache line of `address` (nothing is read: any address will
/// do).
#[inline]
fn prefetch(address: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: `sse` is in every x86_64 processor, and a prefetch reads no memory.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// How many records ahead a customer's slot is fetched (see [`Texts::prefetch`]).
const PREFETCH_AHEAD: usize = 16;

/// A text as a slot would hold it when short: its length and its bytes zero-padded, so
/// comparing with a slot is comparing two small arrays, no call to `memcmp`.
fn padded(text: &[u8]) -> Option<(u8, [u8; INLINE])> {
    let mut inline = [0u8; INLINE];
    inline.get_mut(..text.len())?.copy_from_slice(text);
    Some((text.len() as u8, inline))
}

impl Texts {
    /// Room for `texts` distinct texts in the table: a piece's customers are mostly distinct,
    /// and growing their table rehashed it about fifteen times a piece.
    pub(super) fn with_capacity(texts: usize) -> Self {
        Texts {
            table: HashTable::with_capacity(texts),
            long: Vec::new(),
            control: None,
        }
    }

    /// Asks the processor to fetch into its caches what looking up a text of hash `hash` reads
    /// first: the control bytes and the slot where the table's probe for it starts.
    ///
    /// A run's customers are tens of millions of texts, each looked up once a record, almost
    /// every lookup two cache misses in a table of hundreds of megabytes (at 100M records a
    /// fifth of the pass's time, twice its share at 10M). Asked for some records ahead, the
    /// misses overlap. Where the probe starts is `hashbrown`'s layout (the control bytes
    /// after the slots, slot `i` the `i + 1`-th before them; the probe at `hash` modulo the
    /// buckets), which its API does not promise: were it to change, the addresses would be
    /// wrong and only the speed lost, since fetching an address reads nothing.
    fn prefetch(&mut self, hash: u64) {
        let buckets = self.table.num_buckets();
        let (control, noted) = match self.control {
            Some((control, noted)) if noted == buckets => (control, noted),
            _ if self.table.is_empty() => return,
            _ => {
                // Any slot in use gives where the control bytes start.
                let Some(index) = self.table.iter_buckets().next() else {
                    return;
                };
                let Some(slot) = self.table.get_bucket(index) else {
                    return;
                };
                let control = slot as *const Slot as usize + (index + 1) * size_of::<Slot>();
                self.control = Some((control, buckets));
                (control, buckets)
            }
        };
        let at = hash as usize & (noted - 1);
        prefetch(control.wrapping_add(at));
        prefetch(control.wrapping_sub((at + 1) * size_of::<Slot>()));
    }

    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    /// Every text with its number, in no particular order (the same in every run).
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        (self.table.iter()).map(|slot| (slot.number, slot.text(&self.long)))
    }

    /// The number of `text` (whose hash is `hash`), given it when new.
    pub(super) fn index(&mut self, hash: u64, text: &[u8]) -> u32 {
        let Texts { table, long, .. } = self;
        let number = table.len() as u32;
        match padded(text) {
            Some((len, inline)) => {
                let rehash = |slot: &Slot| text_hash(slot.text(long));
                let same = |slot: &Slot| slot.len == len && slot.text == inline;
                match table.entry(hash, same, rehash) {
                    Entry::Occupied(entry) => entry.get().number,
                    Entry::Vacant(entry) => {
                        entry.insert(Slot {
                            number,
                            len,
                            text: inline,
                        });
                        number
                    }
                }
            }
            None => {
                let same = |slot: &Slot| slot.len == LONG && slot.text(long) == text;
                if let Some(slot) = table.find(hash, same) {
                    return slot.number;
                }
                let mut at = [0u8; INLINE];
                at[..4].copy_from_slice(&(text.len() as u32).to_le_bytes());
                at[4..].copy_from_slice(&(long.len() as u64).to_le_bytes()[..7]);
                long.extend_from_slice(text);
                let slot = Slot {
                    number,
                    len: LONG,
                    text: at,
                };
                let long: &[u8] = long;
                table.insert_unique(hash, slot, |slot| text_hash(slot.text(long)));
                number
            }
        }
    }
}

/// What a run with more distinct texts in a column than codes is told.
const TOO_MANY: &str = "a column of the log has more distinct values than cxkpi can count (2^32)";

/// The code of the `number`-th text of share `at` (of `shares`); [`NONE`] past `u32`.
fn code_of(number: u32, at: usize, shares: usize) -> u32 {
    u32::try_from(u64::from(number) * shares as u64 + at as u64).unwrap_or(NONE)
}

/// One column's texts over the run, in one share of texts per thread (by hash); a text's code
/// is its number within its share times the shares, plus the share.
pub(super) struct Dictionary {
    shares: Vec<Texts>,
}

impl Dictionary {
    pub(super) fn new(threads: usize) -> Self {
        Dictionary {
            shares: (0..threads.max(1)).map(|_| Texts::default()).collect(),
        }
    }

    /// The run's code of each place of each of `pieces` (a piece's bytes and its text column,
    /// see [`PieceText::places`]): a key's distinct texts by number, the customers by record,
    /// [`NONE`] where blank. One share of the run's texts per thread.
    pub(super) fn code_pieces(
        &mut self,
        pieces: &[(&[u8], &PieceText)],
    ) -> anyhow::Result<Vec<Vec<u32>>> {
        let count = self.shares.len();
        let places: Vec<usize> = pieces.iter().map(|(_, text)| text.places()).collect();
        self.code_in_shares(&places, |at, share| {
            (pieces.iter())
                .map(|(data, text)| {
                    let mut coded = Vec::new();
                    let mut code = |share: &mut Texts, place: usize, hash: u64, text: &[u8]| {
                        if share_of(hash, count) == at {
                            let within = share.index(hash, text);
                            coded.push((place as u32, code_of(within, at, count)));
                        }
                    };
                    match text {
                        PieceText::Distinct { texts, .. } => {
                            for (number, text) in texts.iter() {
                                code(share, number as usize, text_hash(text), text);
                            }
                        }
                        PieceText::Located(records) => {
                            for (record, located) in records.iter().enumerate() {
                                if let Some(ahead) = records.get(record + PREFETCH_AHEAD) {
                                    if share_of(ahead.hash, count) == at {
                                        share.prefetch(ahead.hash);
                                    }
                                }
                                if let Some(text) = located.text(data) {
                                    code(share, record, located.hash, text);
                                }
                            }
                        }
                    }
                    coded
                })
                .collect()
        })
    }

    /// Runs `code` on each share of the run's texts, a thread each, given the share's index;
    /// it gives, piece by piece, (place, code) pairs for the texts of its share. Returns each
    /// piece's codes by place (`lens`: how many places each piece has), [`NONE`] where no share
    /// gave one.
    fn code_in_shares<F>(&mut self, lens: &[usize], code: F) -> anyhow::Result<Vec<Vec<u32>>>
    where
        F: Fn(usize, &mut Texts) -> Vec<Vec<(u32, u32)>> + Sync,
    {
        let code = &code;
        let coded: Vec<Vec<Vec<(u32, u32)>>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (self.shares.iter_mut().enumerate())
                .map(|(at, share)| scope.spawn(move || code(at, share)))
                .collect();
            (threads.into_iter())
                .map(|t| t.join().expect("a thread of the text coding panicked"))
                .collect()
        });
        let mut all = Vec::with_capacity(lens.len());
        for (p, &len) in lens.iter().enumerate() {
            let mut codes = vec![NONE; len];
            for &(place, code) in coded.iter().flat_map(|thread| &thread[p]) {
                if code == NONE {
                    anyhow::bail!(TOO_MANY);
                }
                codes[place as usize] = code;
            }
            all.push(codes);
        }
        Ok(all)
    }

    /// Every text, in byte order (polars' order of texts), and for each code its text's place
    /// there (indexed by code; codes no text has are [`NONE`]).
    pub(super) fn in_text_order(&self) -> (Vec<String>, Vec<u32>) {
        let count = self.shares.len();
        let mut coded: Vec<(&[u8], u32)> = Vec::new();
        for (at, share) in self.shares.iter().enumerate() {
            for (number, text) in share.iter() {
                coded.push((text, code_of(number, at, count)));
            }
        }
        coded.sort_unstable();
        let code_space = coded.iter().map(|&(_, code)| code as usize + 1).max();
        let mut places = vec![NONE; code_space.unwrap_or(0)];
        for (place, &(_, code)) in coded.iter().enumerate() {
            places[code as usize] = place as u32;
        }
        let texts = (coded.iter())
            .map(|(text, _)| String::from_utf8_lossy(text).into_owned())
            .collect();
        (texts, places)
    }

    /// The code of one text (for the few records the general path read).
    pub(super) fn code(&mut self, text: &[u8]) -> anyhow::Result<u32> {
        let hash = text_hash(text);
        let count = self.shares.len();
        let at = share_of(hash, count);
        let number = self.shares[at].index(hash, text);
        match code_of(number, at, count) {
            NONE => anyhow::bail!(TOO_MANY),
            code => Ok(code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::typed::piece::Located;

    #[test]
    fn the_slots_fetched_ahead_are_where_the_lookups_find_them() {
        // What `prefetch` assumes of `hashbrown`'s layout, checked against the table itself:
        // slot `i` lies `i + 1` slots before the control bytes, and a lookup of hash `h`
        // starts probing at `h` modulo the buckets (50 texts in 2,048 buckets: nearly all are
        // found in the first group of 16 there). Were the layout to change, this fails, and
        // the coding of customers would only be slower.
        let mut texts = Texts::with_capacity(1000);
        let words: Vec<String> = (0..50).map(|i| format!("C{i:06}")).collect();
        for word in &words {
            texts.index(text_hash(word.as_bytes()), word.as_bytes());
        }
        texts.prefetch(0);
        let (control, buckets) = texts.control.expect("noted once the table has a text");
        assert_eq!(buckets, texts.table.num_buckets());
        let mut near_start = 0;
        for word in &words {
            let hash = text_hash(word.as_bytes());
            let same = |slot: &Slot| slot.text(&texts.long) == word.as_bytes();
            let index = texts.table.find_bucket_index(hash, same).unwrap();
            let slot = texts.table.get_bucket(index).unwrap() as *const Slot as usize;
            assert_eq!(slot, control - (index + 1) * size_of::<Slot>());
            let start = hash as usize & (buckets - 1);
            if index.wrapping_sub(start) & (buckets - 1) < 16 {
                near_start += 1;
            }
        }
        assert!(
            near_start >= 45,
            "{near_start} of 50 near where the probe starts"
        );
    }

    fn texts(of: &[&str]) -> (Texts, Vec<u32>) {
        let mut texts = Texts::default();
        let numbers = (of.iter())
            .map(|t| texts.index(text_hash(t.as_bytes()), t.as_bytes()))
            .collect();
        (texts, numbers)
    }

    #[test]
    fn equal_texts_share_a_number_and_only_they() {
        // By hand: a, b, a, c, b are numbered 0, 1, 0, 2, 1.
        let (texts, numbers) = texts(&["a", "b", "a", "c", "b"]);
        assert_eq!(numbers, [0, 1, 0, 2, 1]);
        assert_eq!(texts.len(), 3);
    }

    #[test]
    fn texts_that_share_a_hash_keep_their_own_numbers() {
        // Every text given the same hash: only the comparison of texts tells them apart (short
        // ones in their slots, long ones in the side buffer). Room for all of them, so the
        // table never grows: growing hashes the slots' texts again, their real hashes.
        let mut texts = Texts::with_capacity(8);
        let long_x = "x".repeat(INLINE + 1);
        let long_y = "y".repeat(INLINE + 1);
        let of = ["x", "y", &long_x, "x", "z", &long_y, &long_x];
        let numbers: Vec<u32> = (of.iter()).map(|t| texts.index(7, t.as_bytes())).collect();
        assert_eq!(numbers, [0, 1, 2, 0, 3, 4, 2]);
    }

    #[test]
    fn numbers_are_first_seen_order_across_growth_and_lengths() {
        // Against a std HashMap numbering the same texts by hand's rule (first seen, next
        // number): 20,000 draws of 5,000 texts of 0 to 29 bytes (either side of the 11 a slot
        // holds), so the table grows many times with short and long texts in it.
        let mut reference: std::collections::HashMap<Vec<u8>, u32> = Default::default();
        let mut texts = Texts::default();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let pick = (state >> 33) % 5_000;
            let text = format!("{pick:0width$}", width = (pick % 30) as usize);
            let text = &text.as_bytes()[..(pick % 30) as usize];
            let next = reference.len() as u32;
            let expected = *reference.entry(text.to_vec()).or_insert(next);
            assert_eq!(texts.index(text_hash(text), text), expected);
        }
        assert_eq!(texts.len(), reference.len());
        let mut listed: Vec<(u32, Vec<u8>)> = (texts.iter())
            .map(|(number, text)| (number, text.to_vec()))
            .collect();
        listed.sort();
        let mut expected: Vec<(u32, Vec<u8>)> =
            reference.into_iter().map(|(text, n)| (n, text)).collect();
        expected.sort();
        assert_eq!(listed, expected);
    }

    #[test]
    fn pieces_coded_together_agree_with_one_at_a_time() {
        // Two pieces sharing "b"; then "b" and a new "d" one at a time. Equal texts must get
        // equal codes across pieces and calls, distinct texts distinct ones.
        let (first, _) = texts(&["a", "b"]);
        let (second, _) = texts(&["b", "c"]);
        let mut customers = Dictionary::new(2);
        let distinct = |texts| PieceText::Distinct {
            numbers: Vec::new(),
            texts,
        };
        let (first, second) = (distinct(first), distinct(second));
        let codes = (customers.code_pieces(&[(&[], &first), (&[], &second)])).unwrap();
        assert_eq!(codes[0][1], codes[1][0]);
        let b = customers.code(b"b").unwrap();
        let d = customers.code(b"d").unwrap();
        assert_eq!(b, codes[0][1]);
        let mut all = vec![codes[0][0], codes[0][1], codes[1][1], d];
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn text_order_places_every_code_by_its_text() {
        // By hand: "b", "a", "c" (over two shares) sort as a, b, c; each code's place is
        // its text's there.
        let mut dictionary = Dictionary::new(2);
        let codes: Vec<u32> = (["b", "a", "c"].iter())
            .map(|t| dictionary.code(t.as_bytes()).unwrap())
            .collect();
        let (texts, places) = dictionary.in_text_order();
        assert_eq!(texts, ["a", "b", "c"]);
        let placed: Vec<u32> = codes.iter().map(|&c| places[c as usize]).collect();
        assert_eq!(placed, [1, 0, 2]);
    }

    #[test]
    fn located_texts_get_the_codes_their_texts_have() {
        // Two pieces' bytes with records located in them (one blank), coded record by record:
        // equal texts across pieces share a code, the blank has none, and each code is the one
        // the same text gets coded alone; long texts (past a slot's 11 bytes) too.
        let first = b"c1,a-customer-with-a-long-id,c2";
        let second = b"xx,c2,a-customer-with-a-long-id";
        let at = |data: &[u8], start: usize, len: usize| Located {
            hash: text_hash(&data[start..start + len]),
            start: start as u32,
            len: len as u32,
        };
        let blank = Located {
            hash: 0,
            start: 0,
            len: Located::NONE,
        };
        let first_texts = PieceText::Located(vec![
            at(first, 0, 2),
            blank,
            at(first, 3, 25),
            at(first, 29, 2),
        ]);
        let second_texts = PieceText::Located(vec![at(second, 3, 2), at(second, 6, 25)]);
        let mut customers = Dictionary::new(2);
        let codes =
            (customers.code_pieces(&[(first, &first_texts), (second, &second_texts)])).unwrap();
        assert_eq!(codes[0][1], NONE);
        assert_eq!(codes[0][3], codes[1][0]);
        assert_eq!(codes[0][2], codes[1][1]);
        let mut distinct = vec![codes[0][0], codes[0][2], codes[0][3]];
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 3);
        assert_eq!(customers.code(b"c1").unwrap(), codes[0][0]);
        assert_eq!(
            customers.code(b"a-customer-with-a-long-id").unwrap(),
            codes[0][2]
        );
    }
}
