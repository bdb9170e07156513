//! A source's bytes as blocks of whole records, read ahead on a thread of their own while the
//! pass types the block before.
//!
//! Reading a block (a copy out of the page cache, or a wait for the disk) and finding where
//! its last whole record ends took the pass's thread about 7 % of the pass at 10M rows, each
//! time with the other cores idle; on a thread of its own it overlaps the typing. The record
//! a block's end cuts starts the next block.

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

    /// Appends up to [`BLOCK_BYTES`] to `buffer`; false at the end.
    fn fill(&mut self, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
        match self {
            Bytes::File(file) => {
                let before = buffer.len();
                file.take(BLOCK_BYTES as u64).read_to_end(buffer)?;
                Ok(buffer.len() > before)
            }
            Bytes::Memory(bytes, at) => {
                let end = (*at + BLOCK_BYTES).min(bytes.len());
                buffer.extend_from_slice(&bytes[*at..end]);
                let more = end > *at;
                *at = end;
                Ok(more)
            }
        }
    }
}

/// Whole records of a source, in order.
pub(super) struct Block {
    /// The records' bytes, each whole (a record the block's end cut is in the next block).
    pub(super) bytes: Vec<u8>,
    /// Where `bytes` start in the source.
    pub(super) start: u64,
    /// Whether this is the source's last block.
    pub(super) last: bool,
}

/// Sends `bytes`' blocks (from `start` in the source) to `blocks` until the last one, an
/// error, or until nobody receives them; takes its buffers back from `spent` when it can.
pub(super) fn read_ahead(
    mut bytes: Bytes,
    mut start: u64,
    blocks: SyncSender<std::io::Result<Block>>,
    spent: Receiver<Vec<u8>>,
) {
    let mut buffer = Vec::with_capacity(BUFFER_BYTES);
    loop {
        let more = match bytes.fill(&mut buffer) {
            Ok(more) => more,
            Err(error) => {
                let _ = blocks.send(Err(error));
                return;
            }
        };
        let end = match more {
            true => records::last_record_end(&buffer),
            false => buffer.len(),
        };
        if end == 0 && more {
            continue; // a record longer than a block: read on
        }
        let mut next = spent
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BUFFER_BYTES));
        next.clear();
        next.extend_from_slice(&buffer[end..]);
        buffer.truncate(end);
        let block = Block {
            bytes: std::mem::replace(&mut buffer, next),
            start,
            last: !more,
        };
        start += end as u64;
        if blocks.send(Ok(block)).is_err() || !more {
            return;
        }
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
        let (blocks_in, blocks_out) = std::sync::mpsc::sync_channel(0);
        let (spent_in, spent_out) = std::sync::mpsc::channel();
        let reader = std::thread::spawn({
            let source = source.clone();
            move || read_ahead(Bytes::Memory(&source, 0), 0, blocks_in, spent_out)
        });
        let mut joined = Vec::new();
        let mut count = 0;
        for block in blocks_out {
            let block = block.expect("reading from memory cannot fail");
            assert_eq!(block.start, joined.len() as u64);
            joined.extend_from_slice(&block.bytes);
            if !block.last {
                assert!(ends.contains(&joined.len()), "block {count} cut a record");
            }
            count += 1;
            let last = block.last;
            let _ = spent_in.send(block.bytes);
            if last {
                break;
            }
        }
        reader.join().unwrap();
        assert!(count > 2, "the source spans several blocks");
        assert_eq!(joined, source);
    }
}
