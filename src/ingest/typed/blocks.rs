//! A source's bytes as blocks of whole records, read ahead on a thread of their own while the
//! pass types the block before.
//!
//! Reading a block (a copy out of the page cache, or a wait for the disk) and finding where
//! its last whole record ends took the pass's thread about 7 % of the pass at 10M rows, each
//! time with the other cores idle; on a thread of its own it overlaps the typing. The record
//! a block's end cuts starts the next block. Bytes already in memory (standard input's) are
//! cut into the same blocks, borrowed where they lie: copying them into buffers, as a file's
//! are, only cost time and three buffers' memory.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::mpsc::{Receiver, SyncSender};

use anyhow::{Context, Result};

use super::records;

/// How much of a source each block reads.
const BLOCK_BYTES: usize = 16 << 20;

/// Room for a block and the record it carries from the block before.
const BUFFER_BYTES: usize = BLOCK_BYTES + (1 << 20);

/// Where a source's bytes come from.
pub(super) enum Bytes<'a> {
    File(File),
    Memory(&'a [u8], usize),
}

impl Bytes<'_> {
    /// The bytes of the file at `path` from `start` (`name`: how messages call it).
    pub(super) fn file(path: &std::path::Path, start: usize, name: &str) -> Result<Self> {
        let mut file = File::open(path).with_context(|| format!("reading {name}"))?;
        file.seek(SeekFrom::Start(start as u64))
            .with_context(|| format!("reading {name}"))?;
        Ok(Bytes::File(file))
    }
}

/// Whole records of a source, in order.
pub(super) struct Block<'a> {
    /// The records' bytes, each whole (a record the block's end cut is in the next block):
    /// a file's in a buffer of their own, bytes already in memory where they are.
    pub(super) bytes: Cow<'a, [u8]>,
    /// Where `bytes` start in the source.
    pub(super) start: u64,
    /// Whether this is the source's last block.
    pub(super) last: bool,
}

/// Sends `bytes`' blocks (from `start` in the source) to `blocks` until the last one, an
/// error, or until nobody receives them; takes a file's buffers back from `spent` when it can.
pub(super) fn read_ahead<'a>(
    bytes: Bytes<'a>,
    start: u64,
    blocks: SyncSender<std::io::Result<Block<'a>>>,
    spent: Receiver<Vec<u8>>,
) {
    match bytes {
        Bytes::File(file) => file_blocks(file, start, blocks, spent),
        Bytes::Memory(all, at) => memory_blocks(all, at, start, blocks),
    }
}

/// A file's blocks: each read into a buffer, the record its end cuts moved to the next.
fn file_blocks(
    file: File,
    mut start: u64,
    blocks: SyncSender<std::io::Result<Block>>,
    spent: Receiver<Vec<u8>>,
) {
    let mut buffer = Vec::with_capacity(BUFFER_BYTES);
    loop {
        let before = buffer.len();
        if let Err(error) = (&file).take(BLOCK_BYTES as u64).read_to_end(&mut buffer) {
            let _ = blocks.send(Err(error));
            return;
        }
        let more = buffer.len() > before;
        let Some(end) = block_end(&buffer, more) else {
            continue; // a record longer than a block: read on
        };
        let mut next = spent
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BUFFER_BYTES));
        next.clear();
        next.extend_from_slice(&buffer[end..]);
        buffer.truncate(end);
        let block = Block {
            bytes: Cow::Owned(std::mem::replace(&mut buffer, next)),
            start,
            last: !more,
        };
        start += end as u64;
        if blocks.send(Ok(block)).is_err() || !more {
            return;
        }
    }
}

/// Bytes already in memory (standard input's) as the same blocks a file of them gives, each
/// borrowed where it lies rather than copied into a buffer.
fn memory_blocks<'a>(
    all: &'a [u8],
    mut at: usize,
    mut start: u64,
    blocks: SyncSender<std::io::Result<Block<'a>>>,
) {
    // `all[at..filled]` is what a file's buffer would hold.
    let mut filled = at;
    loop {
        let read_to = (filled + BLOCK_BYTES).min(all.len());
        let more = read_to > filled;
        filled = read_to;
        let window = &all[at..filled];
        let Some(end) = block_end(window, more) else {
            continue; // a record longer than a block: read on
        };
        let block = Block {
            bytes: Cow::Borrowed(&window[..end]),
            start,
            last: !more,
        };
        start += end as u64;
        at += end;
        if blocks.send(Ok(block)).is_err() || !more {
            return;
        }
    }
}

/// Where the block read into `window` (from a record's start; `more`: the source went on into
/// it) ends: just past its last whole record, or all of it at the source's end. `None` when no
/// record ends in it: more must be read first.
fn block_end(window: &[u8], more: bool) -> Option<usize> {
    match more {
        true => Some(records::last_record_end(window)).filter(|&end| end > 0),
        false => Some(window.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every block ends at a record's end, the blocks put back together are the bytes, and
    /// each says where it starts (records of every length, some longer than a block; the
    /// expectations are the input itself).
    #[test]
    fn blocks_are_whole_records_in_order() {
        let mut source = Vec::new();
        let mut ends = vec![0usize];
        for k in 0..1_200usize {
            let len = match k % 400 {
                7 => BLOCK_BYTES + 12_345, // longer than a block
                _ => 10 + (k * 7919) % 40_000,
            };
            source.extend(std::iter::repeat_n(b'a' + (k % 26) as u8, len));
            if k % 3 == 0 {
                source.extend_from_slice(b",\"x\ny\"");
            }
            source.push(b'\n');
            ends.push(source.len());
        }
        source.extend_from_slice(b"no line end");
        let in_memory = blocks_of(Bytes::Memory(&source, 0));
        let mut joined = Vec::new();
        for (count, (start, bytes, last)) in in_memory.iter().enumerate() {
            assert_eq!(*start, joined.len() as u64);
            joined.extend_from_slice(bytes);
            if !last {
                assert!(ends.contains(&joined.len()), "block {count} cut a record");
            }
        }
        assert!(in_memory.len() > 2, "the source spans several blocks");
        assert!(
            in_memory.last().is_some_and(|(_, _, last)| *last),
            "the last is said"
        );
        assert_eq!(joined, source);
        // A file of the same bytes gives the same blocks (read into buffers).
        let mut file = tempfile::tempfile().expect("a temporary file");
        std::io::Write::write_all(&mut file, &source).expect("written");
        file.seek(SeekFrom::Start(0)).expect("rewound");
        assert!(
            blocks_of(Bytes::File(file)) == in_memory,
            "a file's blocks as memory's"
        );
    }

    /// Each block of `bytes`, read ahead as the pass reads them: its start, bytes, lastness.
    fn blocks_of(bytes: Bytes) -> Vec<(u64, Vec<u8>, bool)> {
        let (blocks_in, blocks_out) = std::sync::mpsc::sync_channel(0);
        let (spent_in, spent_out) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(move || read_ahead(bytes, 0, blocks_in, spent_out));
            let mut blocks = Vec::new();
            for block in blocks_out {
                let block = block.expect("reading a block");
                blocks.push((block.start, block.bytes.to_vec(), block.last));
                if let Cow::Owned(buffer) = block.bytes {
                    let _ = spent_in.send(buffer);
                }
                if blocks.last().is_some_and(|(_, _, last)| *last) {
                    break;
                }
            }
            blocks
        })
    }
}
