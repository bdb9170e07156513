//! The typed records' `interaction_id`s as the repeated-id check needs them (each one's 64-bit
//! hash, and where its text is in the source), kept in a temporary file rather than in memory.
//!
//! At 14 bytes a record they were a fifth of the pass's memory at its peak (1.4 GB at 100M
//! records), and the check reads them only at the end of the pass, in order: five scans of
//! the hashes, and the places only where two hashes meet. The file is in the page cache,
//! which the system can take back, not in the process's memory; when no temporary file can be
//! made they stay in memory.

use std::fs::File;
use std::io::Write;

/// Every piece's ids, written one piece after the other: its hashes (8 bytes each), then its
/// ids' starts in the piece (4 bytes each) and their lengths (2 bytes each).
pub(super) struct Ids {
    store: Store,
    /// Where each piece's ids start in the store, and how many it has.
    pieces: Vec<(u64, usize)>,
    written: u64,
}

enum Store {
    File(File),
    Memory(Vec<u8>),
}

/// The ids of one piece, read back.
pub(super) struct PieceIds {
    pub(super) hashes: Vec<u64>,
    /// Each id's start in the piece's bytes and its length.
    pub(super) spans: Vec<(u32, u16)>,
}

impl Ids {
    /// Ids kept in a new temporary file (deleted when dropped), or in memory without one.
    pub(super) fn new() -> Self {
        let store = tempfile::tempfile().map_or(Store::Memory(Vec::new()), Store::File);
        Ids {
            store,
            pieces: Vec::new(),
            written: 0,
        }
    }

    /// None kept, and no file: what is left once the check is done.
    pub(super) fn new_empty() -> Self {
        Ids {
            store: Store::Memory(Vec::new()),
            pieces: Vec::new(),
            written: 0,
        }
    }

    /// Keeps the ids of the next piece (in the pass's order of pieces).
    pub(super) fn push(
        &mut self,
        hashes: &[u64],
        starts: &[u32],
        lens: &[u16],
    ) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(hashes.len() * 14);
        bytes.extend(hashes.iter().flat_map(|h| h.to_le_bytes()));
        bytes.extend(starts.iter().flat_map(|s| s.to_le_bytes()));
        bytes.extend(lens.iter().flat_map(|l| l.to_le_bytes()));
        match &mut self.store {
            Store::File(file) => file.write_all(&bytes)?,
            Store::Memory(memory) => memory.extend_from_slice(&bytes),
        }
        self.pieces.push((self.written, hashes.len()));
        self.written += bytes.len() as u64;
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
        hashes.extend(
            bytes
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes a hash"))),
        );
        Ok(())
    }

    /// The hashes and spans of piece `piece`.
    pub(super) fn piece(&self, piece: usize) -> std::io::Result<PieceIds> {
        let (at, count) = self.pieces[piece];
        let mut hashes = Vec::new();
        self.hashes(piece, &mut hashes)?;
        let starts = self.read(at + count as u64 * 8, count * 4)?;
        let lens = self.read(at + count as u64 * 12, count * 2)?;
        let starts = starts
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")));
        let lens = lens
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes(b.try_into().expect("two bytes")));
        Ok(PieceIds {
            hashes,
            spans: starts.zip(lens).collect(),
        })
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
        let pieces: Vec<(Vec<u64>, Vec<u32>, Vec<u16>)> = vec![
            (
                vec![1, u64::MAX, 3],
                vec![0, 17, 4_000_000_000],
                vec![9, 0, u16::MAX],
            ),
            (Vec::new(), Vec::new(), Vec::new()),
            (vec![42], vec![5], vec![7]),
        ];
        let in_file = Ids {
            store: Store::File(tempfile::tempfile().unwrap()),
            pieces: Vec::new(),
            written: 0,
        };
        let in_memory = Ids::new_empty();
        for mut ids in [in_file, in_memory] {
            for (hashes, starts, lens) in &pieces {
                ids.push(hashes, starts, lens).unwrap();
            }
            for p in [2, 0, 1] {
                let (hashes, starts, lens) = &pieces[p];
                let read = ids.piece(p).unwrap();
                assert_eq!(&read.hashes, hashes);
                let spans: Vec<(u32, u16)> =
                    starts.iter().copied().zip(lens.iter().copied()).collect();
                assert_eq!(read.spans, spans);
            }
        }
    }
}
