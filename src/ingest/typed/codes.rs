//! Text columns as dense codes: every distinct text of a column (`customer_id`, a group key)
//! gets one `u32`, exactly (texts are compared, not only their hashes), so counting a group's
//! distinct customers, matching a customer's records and grouping by a key take four bytes a
//! record instead of the text.
//!
//! Each piece codes its own records against its own [`Texts`] as it reads them; after each
//! block, the pieces' distinct texts are coded against the run's [`Dictionary`] of the column,
//! split among the threads by hash. A key's codes are renumbered in the order of their texts
//! once the run is read ([`Dictionary::in_text_order`]), so that sorting by code sorts by text.

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

/// The code of a record without a customer.
pub(super) const NONE: u32 = u32::MAX;

/// Distinct texts, each kept once with its hash, numbered in the order first seen.
#[derive(Default)]
pub(super) struct Texts {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    hashes: Vec<u64>,
    table: HashTable<u32>,
}

fn text_of<'t>(bytes: &'t [u8], ends: &[usize], index: u32) -> &'t [u8] {
    let index = index as usize;
    let start = if index == 0 { 0 } else { ends[index - 1] };
    &bytes[start..ends[index]]
}

impl Texts {
    /// Room for `texts` distinct texts in the table: a piece's customers are mostly distinct,
    /// and growing their table rehashed it about fifteen times a piece.
    pub(super) fn with_capacity(texts: usize) -> Self {
        Texts {
            table: HashTable::with_capacity(texts),
            ..Texts::default()
        }
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    fn text(&self, index: u32) -> &[u8] {
        text_of(&self.bytes, &self.ends, index)
    }

    /// The number of `text` (whose hash is `hash`), given it when new.
    pub(super) fn index(&mut self, hash: u64, text: &[u8]) -> u32 {
        let Texts {
            bytes,
            ends,
            hashes,
            table,
        } = self;
        let same = |&i: &u32| text_of(bytes, ends, i) == text;
        match table.entry(hash, same, |&i| hashes[i as usize]) {
            Entry::Occupied(entry) => *entry.get(),
            Entry::Vacant(entry) => {
                let index = ends.len() as u32;
                bytes.extend_from_slice(text);
                ends.push(bytes.len());
                hashes.push(hash);
                entry.insert(index);
                index
            }
        }
    }
}

/// What a run with more distinct texts in a column than codes is told.
const TOO_MANY: &str = "a column of the log has more distinct values than cxkpi can count (2^32)";

/// The share of the run's texts (one of `shares`) that a text of hash `hash` belongs to.
fn share_of(hash: u64, shares: usize) -> usize {
    (hash >> 32) as usize % shares
}

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

    /// The code of every text of each of `pieces`, in their order (one share per thread).
    pub(super) fn code_all(&mut self, pieces: &[&Texts]) -> anyhow::Result<Vec<Vec<u32>>> {
        let count = self.shares.len();
        let coded: Vec<Vec<Vec<u32>>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (self.shares.iter_mut().enumerate())
                .map(|(at, share)| {
                    scope.spawn(move || {
                        (pieces.iter())
                            .map(|texts| {
                                (0..texts.len() as u32)
                                    .filter(|&i| share_of(texts.hashes[i as usize], count) == at)
                                    .map(|i| {
                                        let hash = texts.hashes[i as usize];
                                        let number = share.index(hash, texts.text(i));
                                        code_of(number, at, count)
                                    })
                                    .collect()
                            })
                            .collect()
                    })
                })
                .collect();
            (threads.into_iter())
                .map(|t| t.join().expect("a thread of the text coding panicked"))
                .collect()
        });
        let mut all = Vec::with_capacity(pieces.len());
        for (p, texts) in pieces.iter().enumerate() {
            let mut next = vec![0usize; count];
            let mut codes = Vec::with_capacity(texts.len());
            for &hash in &texts.hashes {
                let share = share_of(hash, count);
                codes.push(coded[share][p][next[share]]);
                next[share] += 1;
            }
            if codes.contains(&NONE) {
                anyhow::bail!(TOO_MANY);
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
            for number in 0..share.len() as u32 {
                coded.push((share.text(number), code_of(number, at, count)));
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
        let hash = super::piece::text_hash(text);
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
    use crate::ingest::typed::piece::text_hash;

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
        // Every text given the same hash: only the comparison of texts tells them apart.
        let mut texts = Texts::default();
        let numbers: Vec<u32> = (["x", "y", "x", "z"].iter())
            .map(|t| texts.index(7, t.as_bytes()))
            .collect();
        assert_eq!(numbers, [0, 1, 0, 2]);
    }

    #[test]
    fn pieces_coded_together_agree_with_one_at_a_time() {
        // Two pieces sharing "b"; then "b" and a new "d" one at a time. Equal texts must get
        // equal codes across pieces and calls, distinct texts distinct ones.
        let (first, _) = texts(&["a", "b"]);
        let (second, _) = texts(&["b", "c"]);
        let mut customers = Dictionary::new(2);
        let codes = customers.code_all(&[&first, &second]).unwrap();
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
}
