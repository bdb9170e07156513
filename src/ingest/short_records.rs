//! Finds the CSV records with fewer fields than the header. polars fills a short record's
//! missing fields exactly as it fills empty ones, so this pass counts the fields itself.
//!
//! It splits records and fields the way polars' reader does, so that its record numbers are
//! the reader's: a quote toggles quoting wherever it appears, a line ending inside quotes is
//! part of the field, a `\r` before a line's `\n` is not part of the last field, and a record
//! whose fields are all empty is not a record (a quoted `""` is a value: the reader reads it as
//! an empty text, not as a missing one). The header is the first line that is not empty, and is
//! not numbered.
//!
//! Hand-written rather than through the `csv` crate because its record numbers must be polars'
//! and the `csv` crate splits differently (a quote inside an unquoted field, a lone `\r`, `""`
//! against an empty field). It jumps between delimiters, quotes and line ends with `memchr`
//! and copies no field: 1.5–1.7 s on a 1.3 GB log, the `csv` crate 1.9–2.0 s
//! (`benches/short_records.rs`).

use std::io::Read;

use polars::prelude::IdxSize;

/// Counts fields record by record over consecutive chunks of one CSV source.
#[derive(Debug)]
pub(crate) struct FieldCounter {
    delimiter: u8,
    header_fields: usize,
    /// Bytes fed before the current chunk.
    offset: u64,
    /// The last byte of the previous chunk (a `\r` before a `\n` that opens the next one).
    previous_byte: u8,
    in_quotes: bool,
    field_start: u64,
    fields_in_record: usize,
    /// Bytes in the record's fields so far (delimiters, line end and a final `\r` not counted).
    record_length: u64,
    record_has_value: bool,
    record_start: u64,
    header_seen: bool,
    records: IdxSize,
    short: Vec<IdxSize>,
}

impl FieldCounter {
    /// A counter for a source whose header has `header_fields` fields separated by `delimiter`.
    pub(crate) fn new(delimiter: u8, header_fields: usize) -> Self {
        FieldCounter {
            delimiter,
            header_fields,
            offset: 0,
            previous_byte: 0,
            in_quotes: false,
            field_start: 0,
            fields_in_record: 0,
            record_length: 0,
            record_has_value: false,
            record_start: 0,
            header_seen: false,
            records: 0,
            short: Vec::new(),
        }
    }

    /// Reads the next chunk of the source.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        for at in memchr::memchr3_iter(self.delimiter, b'\n', b'"', chunk) {
            let byte = chunk[at];
            if byte == b'"' {
                self.in_quotes = !self.in_quotes;
                continue;
            }
            if self.in_quotes {
                continue;
            }
            let end = self.offset + at as u64;
            if byte == b'\n' {
                let before = if at > 0 {
                    chunk[at - 1]
                } else {
                    self.previous_byte
                };
                let field_end = if before == b'\r' && end > self.field_start {
                    end - 1
                } else {
                    end
                };
                self.end_field(field_end);
                self.end_record(end + 1);
            } else {
                self.end_field(end);
            }
        }
        self.offset += chunk.len() as u64;
        if let Some(&last) = chunk.last() {
            self.previous_byte = last;
        }
    }

    /// The record numbers (1-based, header not counted) of the records with fewer fields than
    /// the header, in order.
    pub(crate) fn finish(mut self) -> Vec<IdxSize> {
        if self.offset > self.record_start {
            let end = if self.previous_byte == b'\r' && self.offset > self.field_start {
                self.offset - 1
            } else {
                self.offset
            };
            self.end_field(end);
            self.end_record(self.offset);
        }
        self.short
    }

    /// A field ends at `end` (exclusive), just before a delimiter or line end.
    fn end_field(&mut self, end: u64) {
        let length = end - self.field_start;
        self.record_has_value |= length > 0;
        self.record_length += length;
        self.fields_in_record += 1;
        self.field_start = end + 1;
    }

    /// The record ended; the next starts at `next_start`.
    fn end_record(&mut self, next_start: u64) {
        let empty_line = self.fields_in_record == 1 && self.record_length == 0;
        if !self.header_seen {
            self.header_seen = !empty_line;
        } else if self.record_has_value {
            self.records += 1;
            if self.fields_in_record < self.header_fields {
                self.short.push(self.records);
            }
        }
        self.fields_in_record = 0;
        self.record_length = 0;
        self.record_has_value = false;
        self.field_start = next_start;
        self.record_start = next_start;
    }
}

/// The short records of everything `reader` yields (see [`FieldCounter::finish`]).
pub fn short_records(
    reader: impl Read,
    delimiter: u8,
    header_fields: usize,
) -> std::io::Result<Vec<IdxSize>> {
    let mut counter = FieldCounter::new(delimiter, header_fields);
    read_chunks(reader, |chunk| counter.feed(chunk))?;
    Ok(counter.finish())
}

/// Hands everything `reader` yields to `each`, a chunk at a time.
pub fn read_chunks(mut reader: impl Read, mut each: impl FnMut(&[u8])) -> std::io::Result<()> {
    let mut chunk = vec![0; 1 << 20];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(read) => each(&chunk[..read]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn short(text: &str, header_fields: usize) -> Vec<IdxSize> {
        short_records(text.as_bytes(), b',', header_fields).unwrap()
    }

    #[test]
    fn a_record_missing_trailing_fields_is_short() {
        // Records 1 and 3 are whole; 2 lacks one field, 4 lacks two.
        let text = "a,b,c\n1,2,3\n1,2\n1,,\n1\n";
        assert_eq!(short(text, 3), [2, 4]);
    }

    #[test]
    fn records_are_numbered_as_the_reader_numbers_them() {
        // Blank and delimiter-only lines are not records; a quoted line end is part of its
        // field; `\r\n` ends a line. Records: 1 = "x,y,z", 2 = `"",""` (short: `""` is a
        // value), 3 = "p" (short), 4 = the quoted two-line value (whole), 5 = "q,r" (short, no
        // final line end).
        let text = "a,b,c\r\n\r\nx,y,z\r\n,,\r\n\"\",\"\"\np\n\"l1\nl2\",2,3\n\nq,r";
        assert_eq!(short(text, 3), [2, 3, 5]);
    }

    #[test]
    fn empty_lines_before_the_header_are_not_the_header() {
        assert_eq!(short("\n\r\na,b\n1\n", 2), [1]);
    }

    #[test]
    fn a_value_made_only_of_quotes_is_a_value() {
        // `""""` is one escaped quote: a value, so the line is record 1 (and short).
        assert_eq!(short("a,b\n\"\"\"\"\n", 2), [1]);
    }

    #[test]
    fn delimiters_inside_quotes_do_not_split_fields() {
        assert_eq!(short("a,b,c\n\"1,2\",3\n", 3), [1]);
        assert_eq!(short("a,b,c\n\"1,2\",3,4\n", 3), Vec::<IdxSize>::new());
    }

    #[test]
    fn a_crlf_split_across_chunks_still_ends_the_field() {
        // A line of only `\r` is blank once its `\r` is dropped, whichever chunk holds it.
        let text = b"a,b\n1,2\n\r\n3\n";
        for split in 0..=text.len() {
            let mut counter = FieldCounter::new(b',', 2);
            counter.feed(&text[..split]);
            counter.feed(&text[split..]);
            assert_eq!(counter.finish(), [2], "split at {split}");
        }
    }

    /// The `csv` crate's view of the same text, with the reader's rule for blank records:
    /// every field empty, and no quote in the record's text.
    pub(crate) fn oracle(text: &[u8], header_fields: usize) -> (IdxSize, Vec<IdxSize>) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text);
        let records: Vec<csv::ByteRecord> = reader.byte_records().map(Result::unwrap).collect();
        let mut short = Vec::new();
        let mut number = 0;
        for (index, record) in records.iter().enumerate() {
            let start = record.position().unwrap().byte() as usize;
            let end = (records.get(index + 1))
                .map_or(text.len(), |next| next.position().unwrap().byte() as usize);
            let blank = record.iter().all(|f| f.is_empty() || f == b"\r");
            if blank && !text[start..end].contains(&b'"') {
                continue;
            }
            number += 1;
            if record.len() < header_fields {
                short.push(number);
            }
        }
        (number, short)
    }

    /// A CSV field: empty, plain, quoted (with delimiters and line ends inside) or escaped.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z0-9 ]{1,6}",
            "[a-z,\n ]{0,6}".prop_map(|s| format!("\"{s}\"")),
            "[a-z]{0,3}".prop_map(|s| format!("\"{s}\"\"x\"")),
        ]
    }

    /// A CSV log with header `a,b,c` and up to 12 records of 1 to 4 [`field`]s, LF or CRLF.
    pub(crate) fn log() -> impl Strategy<Value = Vec<u8>> {
        let rows = prop::collection::vec(prop::collection::vec(field(), 1..5), 0..12);
        (rows, any::<bool>()).prop_map(|(rows, crlf)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("a,b,c{eol}");
            for row in &rows {
                text.push_str(&row.join(","));
                text.push_str(eol);
            }
            text.into_bytes()
        })
    }

    proptest! {
        #[test]
        fn agrees_with_the_csv_crate(text in log(), chunk in 1usize..40) {
            let mut counter = FieldCounter::new(b',', 3);
            for piece in text.chunks(chunk) {
                counter.feed(piece);
            }
            prop_assert_eq!(counter.finish(), oracle(&text, 3).1);
        }
    }
}
