//! Records and fields of CSV bytes, split the way polars' reader splits them (the rules of
//! [`super::super::short_records`]): a quote toggles quoting wherever it appears, a line end
//! inside quotes belongs to the field, a `\r` before a record's `\n` is not part of its last
//! field, and a line whose fields are all empty is not a record.
//!
//! The typed pass finds record ends by counting quotes between line ends (`memchr`), so that a
//! block can be cut into pieces of whole records for the threads, and each thread splits its
//! own records into fields.

use std::ops::Range;

/// One record: its content (without the line end), and whether it holds a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub content: Range<usize>,
    /// Where the next record starts.
    pub next: usize,
    pub quoted: bool,
}

/// The record starting at `start` in `data`, which holds whole records (the last may end
/// without a line end); `None` at the end.
pub fn record_at(data: &[u8], start: usize) -> Option<Record> {
    if start >= data.len() {
        return None;
    }
    let mut from = start;
    let mut quotes = 0usize;
    loop {
        let Some(at) = memchr::memchr(b'\n', &data[from..]) else {
            quotes += memchr::memchr_iter(b'"', &data[from..]).count();
            let end = without_cr(data, start, data.len());
            return Some(Record {
                content: start..end,
                next: data.len(),
                quoted: quotes > 0,
            });
        };
        let line_end = from + at;
        quotes += memchr::memchr_iter(b'"', &data[from..line_end]).count();
        if quotes.is_multiple_of(2) {
            return Some(Record {
                content: start..without_cr(data, start, line_end),
                next: line_end + 1,
                quoted: quotes > 0,
            });
        }
        from = line_end + 1;
    }
}

fn without_cr(data: &[u8], start: usize, end: usize) -> usize {
    if end > start && data[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Where the last whole record of `data` ends (just past its `\n`), given that `data` starts
/// at a record start; 0 when no record ends in it.
pub fn last_record_end(data: &[u8]) -> usize {
    // Quotes are rare: count them all, then walk back over the line ends to the last one
    // with an even number of quotes before it.
    let quotes = memchr::memchr_iter(b'"', data).count();
    let mut quotes_after = 0;
    let mut end = data.len();
    while let Some(at) = memchr::memrchr(b'\n', &data[..end]) {
        quotes_after += memchr::memchr_iter(b'"', &data[at..end]).count();
        if (quotes - quotes_after).is_multiple_of(2) {
            return at + 1;
        }
        end = at;
    }
    0
}

/// Cut points that split `data` (whole records) into about `pieces` parts of whole records:
/// each cut is just past a line end outside quotes. Starts with 0, ends with `data.len()`.
pub fn cuts(data: &[u8], pieces: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    let step = data.len() / pieces.max(1);
    let mut quotes_before = 0usize;
    let mut counted_to = 0usize;
    for piece in 1..pieces {
        let mut target = (piece * step).max(*cuts.last().expect("a cut"));
        loop {
            let Some(at) = memchr::memchr(b'\n', &data[target..]) else {
                target = data.len();
                break;
            };
            let line_end = target + at;
            quotes_before += memchr::memchr_iter(b'"', &data[counted_to..line_end]).count();
            counted_to = line_end;
            target = line_end + 1;
            if quotes_before.is_multiple_of(2) {
                break;
            }
        }
        if target >= data.len() {
            break;
        }
        cuts.push(target);
    }
    cuts.push(data.len());
    cuts.dedup();
    cuts
}

/// The fields of a record's `content` (see [`Record`]) into `fields`, as ranges of `data`;
/// with `quoted`, a delimiter between quotes does not split.
pub fn split_fields(
    data: &[u8],
    content: Range<usize>,
    quoted: bool,
    delimiter: u8,
    fields: &mut Vec<Range<usize>>,
) {
    fields.clear();
    let mut start = content.start;
    let bytes = &data[content.clone()];
    if !quoted {
        for at in memchr::memchr_iter(delimiter, bytes) {
            let end = content.start + at;
            fields.push(start..end);
            start = end + 1;
        }
    } else {
        let mut in_quotes = false;
        for at in memchr::memchr2_iter(delimiter, b'"', bytes) {
            if bytes[at] == b'"' {
                in_quotes = !in_quotes;
            } else if !in_quotes {
                let end = content.start + at;
                fields.push(start..end);
                start = end + 1;
            }
        }
    }
    fields.push(start..content.end);
}

/// A field's text as polars reads it, when that is plain: unquoted, or quoted whole with no
/// quote inside (`"a, b"` is `a, b`). `None` for any other use of quotes.
pub fn plain_text(field: &[u8]) -> Option<&[u8]> {
    match memchr::memchr(b'"', field) {
        None => Some(field),
        Some(0) if field.len() >= 2 && field[field.len() - 1] == b'"' => {
            let inner = &field[1..field.len() - 1];
            memchr::memchr(b'"', inner).is_none().then_some(inner)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::short_records::tests::{log, oracle};
    use proptest::prelude::*;

    fn records(data: &[u8]) -> Vec<(Vec<u8>, bool)> {
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(record) = record_at(data, start) {
            out.push((data[record.content.clone()].to_vec(), record.quoted));
            start = record.next;
        }
        out
    }

    // By hand: a quoted line end stays in its record, `\r\n` and a final `\r` are cut off.
    #[test]
    fn records_end_at_line_ends_outside_quotes() {
        let data = b"a,b\r\n\"x\ny\",c\nlast\r";
        assert_eq!(
            records(data),
            vec![
                (b"a,b".to_vec(), false),
                (b"\"x\ny\",c".to_vec(), true),
                (b"last".to_vec(), false),
            ]
        );
        assert_eq!(last_record_end(b"a\n\"b\nc"), 2);
        assert_eq!(last_record_end(b"a\nb\nc"), 4);
    }

    #[test]
    fn fields_split_outside_quotes() {
        let data = b"1,\"a, b\",,x\"y";
        let mut fields = Vec::new();
        split_fields(data, 0..data.len(), true, b',', &mut fields);
        let texts: Vec<&[u8]> = fields.iter().map(|f| &data[f.clone()]).collect();
        assert_eq!(texts, [&b"1"[..], b"\"a, b\"", b"", b"x\"y"]);
        assert_eq!(plain_text(b"\"a, b\""), Some(&b"a, b"[..]));
        assert_eq!(plain_text(b"\"\""), Some(&b""[..]));
        assert_eq!(plain_text(b"x\"y"), None);
        assert_eq!(plain_text(b"\"a\"\"b\""), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Cut anywhere, the pieces hold the same records as the whole; and the records with
        /// a value are the ones the short-record pass (whose numbering is polars') counts.
        #[test]
        fn cuts_keep_records_whole(bytes in log(), pieces in 1usize..5) {
            let header_end = memchr::memchr(b'\n', &bytes).map_or(bytes.len(), |at| at + 1);
            let body = &bytes[header_end..];
            let whole = records(body);
            let cuts = cuts(body, pieces);
            let mut pieced = Vec::new();
            for pair in cuts.windows(2) {
                pieced.extend(records(&body[pair[0]..pair[1]]));
            }
            prop_assert_eq!(&pieced, &whole);
            let (counted, _) = oracle(&bytes, 3);
            let with_value = whole
                .iter()
                .filter(|(content, quoted)| {
                    let mut fields = Vec::new();
                    split_fields(content, 0..content.len(), *quoted, b',', &mut fields);
                    fields.iter().any(|f| !f.is_empty())
                })
                .count();
            prop_assert_eq!(with_value as u32, counted);
        }
    }
}
