//! The typed records' `interaction_id`s as the repeated-id check needs them (each one's 64-bit
//! hash, and where its text is in the source), kept in temporary files (one for each thread of
//! the pass, which writes its pieces' ids as it types them) rather than in memory.
//!
//! At 14 bytes a record in memory they were a fifth of the pass's memory at its peak (1.4 GB
//! at 100M records; 16 bytes a record in the file), and the check reads them only at the end
//! of the pass, in order: five scans of the hashes, and the places only where two hashes meet.
//! The files are in the page cache, which the system can take back, not in the process's
//! memory; when no temporary file can be made they stay in memory. How many of each piece's
//! hashes fall in each share of the check is counted as they are kept, so that the check's
//! threads can each place their pieces' hashes straight into their part of a share.

use std::fs::File;

use super::piece::{share_of, Located};

/// The bytes each id takes: its hash (8), its start in the piece (4), its length (4).
const ID_BYTES: usize = 16;

/// Every piece's ids: each written by the thread that typed the piece into that thread's
/// store, one piece after the other (its hashes, then its ids' starts in the piece, then their
/// lengths).
pub(super) struct Ids {
    /// One store per thread of the pass. Each thread writes its own, as its piece is typed:
    /// written one piece after the other by the pass's one thread, between blocks, they took
    /// 3 s of a 100M-record run with the other core idle (the page cache's fresh pages).
    stores: Vec<Store>,
    /// Where each piece's ids are, in the pass's order of pieces.
    pieces: Vec<Place>,
    /// How many shares the hashes are counted in (see [`share_of`]).
    shares: usize,
    /// How many of each piece's hashes are in each share: piece `p`'s are
    /// `counts[p * shares..(p + 1) * shares]`.
    counts: Vec<usize>,
}

/// A thread's ids: in a temporary file (deleted when dropped), or in memory without one.
pub(super) struct Store {
    /// The store's number among the pass's.
    number: usize,
    kept: Kept,
    /// How many bytes are written.
    len: u64,
}

enum Kept {
    File(File),
    Memory(Vec<u8>),
}

/// Where one piece's ids are: which store, from where, how many.
#[derive(Clone, Copy)]
struct Place {
    store: usize,
    at: u64,
    count: usize,
}

/// One piece's ids as a thread wrote them: where they are, and how many of their hashes fall
/// in each share, for [`Ids::note`].
pub(super) struct Written {
    place: Place,
    counts: Vec<usize>,
}

impl Store {
    /// A store in a new temporary file, or in memory when no file can be made.
    fn new(number: usize) -> Self {
        let kept = tempfile::tempfile().map_or(Kept::Memory(Vec::new()), Kept::File);
        Store::in_kept(number, kept)
    }

    fn in_kept(number: usize, kept: Kept) -> Self {
        Store {
            number,
            kept,
            len: 0,
        }
    }

    /// Writes one piece's ids after the ones before, their hashes counted in `shares` shares.
    pub(super) fn write(&mut self, ids: &[Located], shares: usize) -> std::io::Result<Written> {
        let mut bytes = Vec::with_capacity(ids.len() * ID_BYTES);
        bytes.extend(ids.iter().flat_map(|id| id.hash.to_le_bytes()));
        bytes.extend(ids.iter().flat_map(|id| id.start.to_le_bytes()));
        bytes.extend(ids.iter().flat_map(|id| id.len.to_le_bytes()));
        match &mut self.kept {
            Kept::File(file) => std::io::Write::write_all(file, &bytes)?,
            Kept::Memory(memory) => memory.extend_from_slice(&bytes),
        }
        let place = Place {
            store: self.number,
            at: self.len,
            count: ids.len(),
        };
        self.len += bytes.len() as u64;
        let mut counts = vec![0; shares];
        for id in ids {
            counts[share_of(id.hash, shares)] += 1;
        }
        Ok(Written { place, counts })
    }

    fn read(&self, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        match &self.kept {
            Kept::File(file) => {
                let mut bytes = vec![0; len];
                read_exact_at(file, &mut bytes, at)?;
                Ok(bytes)
            }
            Kept::Memory(memory) => Ok(memory[at as usize..at as usize + len].to_vec()),
        }
    }
}

impl Ids {
    /// Ids kept in `stores` stores (one per thread of the pass), their hashes counted in
    /// `shares` shares.
    pub(super) fn new(stores: usize, shares: usize) -> Self {
        Ids::in_stores((0..stores.max(1)).map(Store::new).collect(), shares)
    }

    /// None kept, and no file: what is left once the check is done.
    pub(super) fn new_empty() -> Self {
        Ids::in_stores(Vec::new(), 1)
    }

    fn in_stores(stores: Vec<Store>, shares: usize) -> Self {
        Ids {
            stores,
            pieces: Vec::new(),
            shares: shares.max(1),
            counts: Vec::new(),
        }
    }

    /// The stores, one for each thread of the pass to write its pieces' ids to.
    pub(super) fn stores(&mut self) -> &mut [Store] {
        &mut self.stores
    }

    /// Notes where the next piece's ids were written (in the pass's order of pieces).
    pub(super) fn note(&mut self, written: Written) {
        debug_assert_eq!(written.counts.len(), self.shares);
        self.pieces.push(written.place);
        self.counts.extend(written.counts);
    }

    /// How many pieces were noted.
    pub(super) fn pieces(&self) -> usize {
        self.pieces.len()
    }

    /// How many shares the hashes are counted in.
    pub(super) fn shares(&self) -> usize {
        self.shares
    }

    /// How many of piece `piece`'s hashes are in each share.
    pub(super) fn counts(&self, piece: usize) -> &[usize] {
        &self.counts[piece * self.shares..(piece + 1) * self.shares]
    }

    /// The hashes of piece `piece` (its number among the pieces noted) into `hashes`.
    pub(super) fn hashes(&self, piece: usize, hashes: &mut Vec<u64>) -> std::io::Result<()> {
        let Place { store, at, count } = self.pieces[piece];
        let bytes = self.stores[store].read(at, count * 8)?;
        hashes.clear();
        hashes.extend(bytes.chunks_exact(8).map(|b| u64::from_le_bytes(array(b))));
        Ok(())
    }

    /// The ids of piece `piece`, as written.
    pub(super) fn piece(&self, piece: usize) -> std::io::Result<Vec<Located>> {
        let Place { store, at, count } = self.pieces[piece];
        let bytes = self.stores[store].read(at, count * ID_BYTES)?;
        let (hashes, rest) = bytes.split_at(count * 8);
        let (starts, lens) = rest.split_at(count * 4);
        let word = |b: &[u8]| u32::from_le_bytes(array(b));
        let ids = (hashes
            .chunks_exact(8)
            .zip(starts.chunks_exact(4))
            .zip(lens.chunks_exact(4)))
        .map(|((hash, start), len)| Located {
            hash: u64::from_le_bytes(array(hash)),
            start: word(start),
            len: word(len),
        });
        Ok(ids.collect())
    }
}

/// `bytes` (of the array's length, as `chunks_exact` cuts them) as an array.
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.try_into().expect("chunks of the array's length")
}

/// Reads `bytes.len()` bytes at `at` without moving the file's position (several threads
/// read the same file).
#[cfg(unix)]
fn read_exact_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut bytes: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut bytes[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_read_back_as_they_were_written_to_files_and_to_memory() {
        // Three pieces (one empty), written by turns to two stores as two threads would;
        // each read back by its number, in any order.
        let id = |hash, start, len| Located { hash, start, len };
        let pieces: Vec<Vec<Located>> = vec![
            vec![
                id(1, 0, 9),
                id(u64::MAX, 17, 0),
                id(3, 4_000_000_000, u32::MAX),
            ],
            Vec::new(),
            vec![id(42, 5, 70_000)],
        ];
        let file = || Kept::File(tempfile::tempfile().unwrap());
        let memory = || Kept::Memory(Vec::new());
        let file_and_memory = vec![Store::in_kept(0, file()), Store::in_kept(1, memory())];
        let in_files = vec![Store::in_kept(0, file()), Store::in_kept(1, file())];
        let in_memory = vec![Store::in_kept(0, memory()), Store::in_kept(1, memory())];
        let stores = [(file_and_memory, 4), (in_files, 3), (in_memory, 2)];
        for (stores, shares) in stores {
            let mut ids = Ids::in_stores(stores, shares);
            for (p, piece) in pieces.iter().enumerate() {
                let written = ids.stores()[p % 2].write(piece, shares).unwrap();
                ids.note(written);
            }
            for p in [2, 0, 1] {
                let fields = |ids: &[Located]| -> Vec<(u64, u32, u32)> {
                    ids.iter().map(|id| (id.hash, id.start, id.len)).collect()
                };
                assert_eq!(fields(&ids.piece(p).unwrap()), fields(&pieces[p]));
                let mut hashes = Vec::new();
                ids.hashes(p, &mut hashes).unwrap();
                assert_eq!(
                    hashes,
                    pieces[p].iter().map(|id| id.hash).collect::<Vec<_>>()
                );
                // Each hash counted in its share: by hand, the top halves 0 (hashes 1, 3 and
                // 42) fall in share 0 and u32::MAX (u64::MAX) in the last share.
                let mut expected = vec![0; ids.shares()];
                for id in &pieces[p] {
                    let top = id.hash >> 32 == u64::from(u32::MAX);
                    expected[if top { ids.shares() - 1 } else { 0 }] += 1;
                }
                assert_eq!(ids.counts(p), expected);
            }
        }
    }
}
