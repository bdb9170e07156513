//! The typed records' `interaction_id`s as the repeated-id check needs them (each one's 64-bit
//! hash, and where its text is in the source), kept in a temporary file rather than in memory.
//!
//! At 14 bytes a record in memory they were a fifth of the pass's memory at its peak (1.4 GB
//! at 100M records; 16 bytes a record in the file), and the check reads them only at the end
//! of the pass, in order: five scans of the hashes, and the places only where two hashes meet.
//! The file is in the page cache, which the system can take back, not in the process's
//! memory; when no temporary file can be made they stay in memory. How many of each piece's
//! hashes fall in each share of the check is counted as they are kept, so that the check's
//! threads can each place their pieces' hashes straight into their part of a share.

use std::fs::File;
use std::io::Write;

use super::piece::{share_of, Located};

/// The bytes each id takes: its hash (8), its start in the piece (4), its length (4).
const ID_BYTES: usize = 16;

/// Every piece's ids, written one piece after the other: its hashes, then its ids' starts in
/// the piece, then their lengths.
pub(super) struct Ids {
    store: Store,
    /// Where each piece's ids start in the store, and how many it has.
    pieces: Vec<(u64, usize)>,
    /// How many shares the hashes are counted in (see [`share_of`]).
    shares: usize,
    /// How many of each piece's hashes are in each share: piece `p`'s are
    /// `counts[p * shares..(p + 1) * shares]`.
    counts: Vec<usize>,
}

enum Store {
    File(File),
    Memory(Vec<u8>),
}

impl Ids {
    /// Ids kept in a new temporary file (deleted when dropped), or in memory without one; their
    /// hashes counted in `shares` shares.
    pub(super) fn new(shares: usize) -> Self {
        let store = tempfile::tempfile().map_or(Store::Memory(Vec::new()), Store::File);
        Ids::in_store(store, shares)
    }

    /// None kept, and no file: what is left once the check is done.
    pub(super) fn new_empty() -> Self {
        Ids::in_store(Store::Memory(Vec::new()), 1)
    }

    fn in_store(store: Store, shares: usize) -> Self {
        Ids {
            store,
            pieces: Vec::new(),
            shares: shares.max(1),
            counts: Vec::new(),
        }
    }

    /// Keeps the ids of the next piece (in the pass's order of pieces).
    pub(super) fn push(&mut self, ids: &[Located]) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(ids.len() * ID_BYTES);
        bytes.extend(ids.iter().flat_map(|id| id.hash.to_le_bytes()));
        bytes.extend(ids.iter().flat_map(|id| id.start.to_le_bytes()));
        bytes.extend(ids.iter().flat_map(|id| id.len.to_le_bytes()));
        match &mut self.store {
            Store::File(file) => file.write_all(&bytes)?,
            Store::Memory(memory) => memory.extend_from_slice(&bytes),
        }
        let at = (self.pieces.last()).map_or(0, |&(at, count)| at + (count * ID_BYTES) as u64);
        self.pieces.push((at, ids.len()));
        let first = self.counts.len();
        self.counts.resize(first + self.shares, 0);
        for id in ids {
            self.counts[first + share_of(id.hash, self.shares)] += 1;
        }
        Ok(())
    }

    /// How many pieces were pushed.
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

    /// The hashes of piece `piece` (its number among the pieces pushed) into `hashes`.
    pub(super) fn hashes(&self, piece: usize, hashes: &mut Vec<u64>) -> std::io::Result<()> {
        let (at, count) = self.pieces[piece];
        let bytes = self.read(at, count * 8)?;
        hashes.clear();
        hashes.extend(bytes.chunks_exact(8).map(|b| u64::from_le_bytes(array(b))));
        Ok(())
    }

    /// The ids of piece `piece`, as pushed.
    pub(super) fn piece(&self, piece: usize) -> std::io::Result<Vec<Located>> {
        let (at, count) = self.pieces[piece];
        let bytes = self.read(at, count * ID_BYTES)?;
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

    fn read(&self, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        match &self.store {
            Store::File(file) => {
                let mut bytes = vec![0; len];
                read_exact_at(file, &mut bytes, at)?;
                Ok(bytes)
            }
            Store::Memory(memory) => Ok(memory[at as usize..at as usize + len].to_vec()),
        }
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
    fn pieces_read_back_as_they_were_pushed_in_a_file_and_in_memory() {
        // Three pieces (one empty); each read back by its number, in any order.
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
        let in_file = Ids::in_store(Store::File(tempfile::tempfile().unwrap()), 4);
        let in_memory = Ids::in_store(Store::Memory(Vec::new()), 2);
        for mut ids in [in_file, in_memory] {
            for piece in &pieces {
                ids.push(piece).unwrap();
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
