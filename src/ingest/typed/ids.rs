//! The typed records' `interaction_id`s as the repeated-id check needs them (each one's 64-bit
//! hash, and where its text is in the source), kept in a temporary file rather than in memory.
//!
//! At 14 bytes a record in memory they were a fifth of the pass's memory at its peak (1.4 GB
//! at 100M records; 16 bytes a record in the file), and the check reads them only at the end
//! of the pass, in order: five scans of the hashes, and the places only where two hashes meet.
//! The file is in the page cache, which the system can take back, not in the process's
//! memory; when no temporary file can be made they stay in memory.

use std::fs::File;
use std::io::Write;

use super::piece::Located;

/// The bytes each id takes: its hash (8), its start in the piece (4), its length (4).
const ID_BYTES: usize = 16;

/// Every piece's ids, written one piece after the other: its hashes, then its ids' starts in
/// the piece, then their lengths.
pub(super) struct Ids {
    store: Store,
    /// Where each piece's ids start in the store, and how many it has.
    pieces: Vec<(u64, usize)>,
}

enum Store {
    File(File),
    Memory(Vec<u8>),
}

impl Ids {
    /// Ids kept in a new temporary file (deleted when dropped), or in memory without one.
    pub(super) fn new() -> Self {
        let store = tempfile::tempfile().map_or(Store::Memory(Vec::new()), Store::File);
        Ids {
            store,
            pieces: Vec::new(),
        }
    }

    /// None kept, and no file: what is left once the check is done.
    pub(super) fn new_empty() -> Self {
        Ids {
            store: Store::Memory(Vec::new()),
            pieces: Vec::new(),
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
        Ok(())
    }

    /// How many pieces were pushed.
    pub(super) fn pieces(&self) -> usize {
        self.pieces.len()
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
        let in_file = Ids {
            store: Store::File(tempfile::tempfile().unwrap()),
            pieces: Vec::new(),
        };
        for mut ids in [in_file, Ids::new_empty()] {
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
            }
        }
    }
}
