//! The typed pass: CSV logs in the canonical schema read in one pass over their bytes, on
//! every core, straight into the typed canonical frame that [`super::normalize`] would build,
//! with the invalid records found as they go.
//!
//! Each block of the input ([`blocks`], read ahead on a thread of its own) is cut into pieces
//! of whole records ([`records`]), one per thread. A record whose every value has one of the
//! plainest spellings ([`values`]) and that passes every check is typed where it is. Any other
//! record (an invalid value, an unusual spelling, odd quoting, bytes that are not UTF-8, a
//! wrong number of fields) is kept as its bytes; after the pass those few records, behind the
//! source's header, are read by the general path ([`super::csv`] and [`super::normalize`]),
//! which types them or says exactly why they are invalid, as it always has. Repeated
//! `interaction_id`s are found over every record in order, exactly: each typed record keeps its
//! id's 64-bit hash and place in the source (in temporary files, [`ids`]), and only the ids
//! whose hashes meet (repeats, or a collision) are read back, from those places, and compared
//! as texts.
//!
//! Nothing is read twice: a run the pass cannot serve (see [`read`]) is known before any
//! record is read, or within the first [`SNIFF_SAMPLE`] records (whose timestamps decide
//! whether a format is sniffed), and standard input is kept in memory for the general path
//! (and for the ids read back).

mod blocks;
mod codes;
mod columns;
mod ids;
mod piece;
pub mod records;
mod values;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::hash::BuildHasherDefault;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono_tz::Tz;
use polars::prelude::*;

use self::blocks::{Block, Bytes};
use self::codes::Dictionary;
use self::columns::Columns;
use self::ids::{Ids, Written};
use self::piece::{share_of, text_hash, Layout, Piece, PieceText, Role};
use super::csv::CsvSource;
use super::facts::RecordFacts;
use super::normalize::{
    self, key_column, Canonical, DuplicateTest, NormalizeOptions, BAD_VALUE_COLUMN,
    DUPLICATE_COLUMN, INVALID_COLUMN, PROBLEM_COLUMN,
};
use super::{
    display_name, ByteScanState, CodedKeys, Format, Input, RawLog, FILE_COLUMN, HEAD_BYTES,
    MALFORMED_COLUMN, RECORD_COLUMN,
};
use crate::canonical::{self, Kind, FIELDS};
use crate::config::{Config, Encoding};
use crate::narrow;
use crate::timestamps::Shapes;

/// The records whose timestamps decide whether a format is sniffed (as
/// [`super::mapping`]'s sniffer looks at them): when each is in a canonical shape, none is.
const SNIFF_SAMPLE: u64 = 50_000;

/// Set (to anything), every run takes the general path: for comparing the two paths' outputs
/// in the tests and the benchmarks.
pub const GENERAL_PATH_ONLY: &str = "CXKPI_GENERAL_PATH_ONLY";

/// What the typed pass needs to know of the run.
pub(crate) struct Request<'a> {
    pub(crate) inputs: &'a [PathBuf],
    pub(crate) config: &'a Config,
    pub(crate) zone: Tz,
    pub(crate) keys: &'a [String],
    /// As in [`NormalizeOptions`].
    pub(crate) by_option_keys: usize,
    pub(crate) schedule_keys_from: usize,
    /// Derived in each piece as it is read, and in the general path's frame.
    pub(crate) facts: &'a RecordFacts,
}

/// Reads the inputs in one pass, or `None` when the run is not one the pass serves: a config
/// that maps columns, categories or null values, or reads another encoding; an input that is
/// not CSV (JSON, workbooks, Parquet) or whose header the general path would handle in its
/// own way (quotes, blank lines before it, an unreadable head: it says why); standard input
/// among files; timestamps among the first records that are not in a canonical shape (a
/// format is sniffed).
pub(crate) fn read(request: &Request) -> Result<Option<Input>> {
    if std::env::var_os(GENERAL_PATH_ONLY).is_some() {
        return Ok(None);
    }
    let config = request.config;
    let plain_config = config.columns.is_empty()
        && config.categories.is_none()
        && config.input.null_values.is_empty()
        && config.input.encoding == Encoding::Utf8;
    if !plain_config {
        return Ok(None);
    }
    let stdin = [PathBuf::from("-")];
    let inputs = if request.inputs.is_empty() {
        &stdin[..]
    } else {
        request.inputs
    };
    let reads_stdin = inputs.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin && inputs.len() > 1 {
        return Ok(None);
    }
    let stdin_bytes = match reads_stdin {
        true => Some(super::read_stdin()?),
        false => None,
    };
    let mut sources = Vec::with_capacity(inputs.len());
    for path in inputs {
        match Source::open(path, stdin_bytes.as_deref(), config)? {
            Some(source) => sources.push(source),
            None => return Ok(given_back(stdin_bytes)),
        }
    }
    let mut pass = Pass::new(request, &sources);
    for (index, source) in sources.iter().enumerate() {
        let bytes = match &stdin_bytes {
            Some(bytes) => Bytes::Memory(bytes, source.body_start),
            None => Bytes::file(&source.path, source.body_start, &source.name)?,
        };
        if !pass.read_source(index, bytes)? {
            return Ok(given_back(stdin_bytes));
        }
    }
    pass.finish(stdin_bytes).map(Some)
}

fn given_back(stdin: Option<Vec<u8>>) -> Option<Input> {
    if let Some(bytes) = stdin {
        super::give_back_stdin(bytes);
    }
    None
}

/// One CSV source, its header read.
struct Source {
    path: PathBuf,
    name: String,
    delimiter: u8,
    columns: Vec<String>,
    /// The header line's bytes with its line end (behind which the general path reads the
    /// records left to it).
    header_line: Vec<u8>,
    /// Where the records start.
    body_start: usize,
}

impl Source {
    /// The source, or `None` when the general path should read it (and says what is wrong).
    fn open(path: &std::path::Path, stdin: Option<&[u8]>, config: &Config) -> Result<Option<Self>> {
        let name = display_name(path);
        let head = match stdin {
            Some(bytes) => bytes[..bytes.len().min(HEAD_BYTES)].to_vec(),
            None => {
                if !path.is_file() || super::is_workbook(path) || super::is_parquet(path) {
                    return Ok(None);
                }
                match super::read_head(path) {
                    Ok(head) => head,
                    Err(_) => return Ok(None),
                }
            }
        };
        let content = super::skip_bom(&head);
        let bom = head.len() - content.len();
        if content.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let Some(line_end) = memchr::memchr(b'\n', content) else {
            return Ok(None);
        };
        let header_line = &content[..=line_end];
        let csv = super::detect_format(path, content) == Format::Csv;
        if !csv || header_line.contains(&b'"') || super::csv::empty_lines_before_header(&head) > 0 {
            return Ok(None);
        }
        let delimiter = super::delimiter_of(path, &config.input);
        let Ok(columns) = super::csv::header(&head, &name, delimiter) else {
            return Ok(None);
        };
        Ok(Some(Source {
            path: path.to_path_buf(),
            name,
            delimiter,
            columns,
            header_line: header_line.to_vec(),
            body_start: bom + line_end + 1,
        }))
    }
}

/// The texts of some typed records' `interaction_id`s, by (piece, typed record).
type Recalled = HashMap<(usize, usize), Vec<u8>>;

/// A frame of one source's records (the source's index first).
type SourceFrame = (usize, DataFrame);

/// The pass over every source, and what it has found so far.
struct Pass<'a> {
    request: &'a Request<'a>,
    sources: &'a [Source],
    /// The output columns after [`FILE_COLUMN`] and [`RECORD_COLUMN`], in
    /// [`normalize::normalize`]'s order: the non-text fields and the customer, then the keys
    /// (each layout's slots), then the record facts (which replace some of the fields).
    names: Vec<String>,
    /// The canonical columns the sources have (as the general path finds them).
    present: Vec<&'static str>,
    layouts: Vec<Layout>,
    threads: usize,
    /// Every piece read, with its source (its columns moved to `columns`).
    pieces: Vec<(usize, Piece)>,
    /// The typed records' columns so far.
    columns: Columns,
    /// Records read over all sources so far (for the sniffer's sample).
    records_seen: u64,
    sample_ok: bool,
    columns_checked: bool,
    /// Each text slot (`customer_id`, the keys) with every text seen in it so far, coded.
    dictionaries: Vec<(usize, Dictionary)>,
    /// The typed records' `interaction_id`s, a piece each as in `pieces`.
    ids: Ids,
}

impl<'a> Pass<'a> {
    fn new(request: &'a Request<'a>, sources: &'a [Source]) -> Self {
        let output: Vec<(Option<&'static canonical::Field>, &str)> = (FIELDS.iter())
            .filter(|f| f.kind != Kind::Text || f.name == canonical::CUSTOMER_ID)
            .map(|f| (Some(f), f.name))
            .chain(request.keys.iter().map(|k| (None, k.as_str())))
            .collect();
        let mut names: Vec<String> = (output.iter())
            .filter_map(|(field, _)| field.map(|f| f.name.to_string()))
            .collect();
        names.extend((0..request.keys.len()).map(key_column));
        names.extend(request.facts.names());
        let slot_of = |name: &str| output.iter().position(|(_, n)| *n == name);
        let layouts = (sources.iter())
            .map(|source| {
                let column = |name: &str| source.columns.iter().position(|c| c == name);
                let slots: Vec<(Option<Kind>, Option<usize>)> = (output.iter())
                    .map(|(field, name)| {
                        let kind = field.map(|f| f.kind).filter(|k| *k != Kind::Text);
                        (kind, column(name))
                    })
                    .collect();
                let mut read = Vec::new();
                for (slot, (kind, at)) in slots.iter().enumerate() {
                    if let Some(at) = *at {
                        let role = kind.map_or(Role::Text, Role::Typed);
                        read.push((at, role, Some(slot)));
                    }
                }
                if let Some(at) = column(canonical::INTERACTION_ID) {
                    read.push((at, Role::Id, None));
                }
                let output_slot = |name: &str| slot_of(name).filter(|&s| slots[s].1.is_some());
                Layout {
                    delimiter: source.delimiter,
                    fields: source.columns.len(),
                    read,
                    created: output_slot(canonical::CREATED_AT),
                    later: [canonical::FIRST_RESPONSE_AT, canonical::RESOLVED_AT]
                        .iter()
                        .filter_map(|name| output_slot(name))
                        .collect(),
                    slots,
                    timestamps: (source.columns.iter().enumerate())
                        .filter(|(_, c)| {
                            (FIELDS.iter())
                                .any(|f| f.kind == Kind::Timestamp && f.name == c.as_str())
                        })
                        .map(|(i, _)| i)
                        .collect(),
                    zone: request.zone,
                    scales: request.config.scales.clone(),
                }
            })
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let dictionaries = (output.iter().enumerate())
            .filter(|(_, (field, _))| field.is_none_or(|f| f.kind == Kind::Text))
            .map(|(slot, _)| (slot, Dictionary::new(threads)))
            .collect();
        let columns = (sources.iter()).flat_map(|source| source.columns.iter().map(String::as_str));
        let present = canonical::present_fields(columns);
        let columns = Columns::new(names.len());
        Pass {
            request,
            sources,
            present,
            names,
            layouts,
            threads,
            dictionaries,
            ids: Ids::new(threads, threads * HASH_WAVES),
            pieces: Vec::new(),
            columns,
            records_seen: 0,
            sample_ok: true,
            columns_checked: false,
        }
    }

    /// Reads one source's records; false when the first records' timestamps call for a
    /// sniffed format (the general path reads the run then).
    fn read_source(&mut self, index: usize, bytes: Bytes) -> Result<bool> {
        let sources = self.sources;
        let source = &sources[index];
        std::thread::scope(|scope| {
            // No block waits in the channel: the reader hands its block over when the pass
            // asks for it. For a file, three buffers take turns: the block being typed, the
            // one read ahead, and the one the record cut by its end is moved to. Standard
            // input's blocks are borrowed from its bytes, and none comes back.
            let (blocks_in, blocks) = std::sync::mpsc::sync_channel(0);
            let (spent, spent_out) = std::sync::mpsc::channel();
            let start = source.body_start as u64;
            scope.spawn(move || blocks::read_ahead(bytes, start, blocks_in, spent_out));
            let mut record_offset = 0u32;
            for block in blocks {
                let block = block.with_context(|| format!("reading {}", source.name))?;
                record_offset = self.read_block(index, &block, record_offset)?;
                if let Cow::Owned(buffer) = block.bytes {
                    let _ = spent.send(buffer);
                }
                if !self.sample_ok {
                    return Ok(false);
                }
                if self.records_seen >= SNIFF_SAMPLE && !self.columns_checked {
                    // The general path checks the columns once the sniffer is done: so does this.
                    self.normalized(Vec::new(), Vec::new())?;
                    self.columns_checked = true;
                }
                if block.last {
                    break;
                }
            }
            Ok(true)
        })
    }

    /// Types one block's records on every core, codes their texts and keeps their ids; the
    /// record offset of the next block (`record_offset`: this one's, in its source).
    fn read_block(&mut self, index: usize, block: &Block, mut record_offset: u32) -> Result<u32> {
        let data = &block.bytes[..];
        let cuts = records::cuts(data, self.threads);
        let layout = &self.layouts[index];
        let names = &self.names;
        let facts = self.request.facts;
        let present = &self.present[..];
        let shares = self.ids.shares();
        let stores = self.ids.stores();
        // One store for each thread: `cuts` makes at most as many pieces as it is asked for.
        assert!(
            cuts.len() <= stores.len() + 1,
            "a store for each piece's ids"
        );
        let typed: Vec<(Piece, Written)> = std::thread::scope(|scope| {
            let threads: Vec<_> = (cuts.windows(2).zip(stores))
                .map(|(pair, store)| {
                    let data = &data[pair[0]..pair[1]];
                    let start = block.start + pair[0] as u64;
                    scope.spawn(move || -> Result<(Piece, Written)> {
                        let mut piece = layout.read_piece(data, names);
                        piece.start = start;
                        layout.derive_facts(&mut piece, facts, names, present)?;
                        let ids = std::mem::take(&mut piece.ids);
                        let written = store.write(&ids, shares).with_context(|| {
                            format!(
                                "keeping the interaction_ids in a temporary file in {}: set \
                                 TMPDIR to a directory with room",
                                std::env::temp_dir().display()
                            )
                        })?;
                        Ok((piece, written))
                    })
                })
                .collect();
            (threads.into_iter())
                .map(|t| t.join().expect("a thread of the typed pass panicked"))
                .collect::<Result<_>>()
        })?;
        let (mut pieces, written): (Vec<Piece>, Vec<Written>) = typed.into_iter().unzip();
        self.code_texts(&mut pieces, data, block.start)?;
        for (mut piece, written) in pieces.into_iter().zip(written) {
            piece.offset(record_offset);
            if let Some(first) = piece.first_uncanonical {
                if self.records_seen + u64::from(first - record_offset) <= SNIFF_SAMPLE {
                    self.sample_ok = false;
                }
            }
            self.records_seen += u64::from(piece.records);
            record_offset += piece.records;
            self.ids.note(written);
            let typed = piece.typed_len();
            self.columns.append(&mut piece.columns, typed)?;
            self.pieces.push((index, piece));
        }
        Ok(record_offset)
    }

    /// Codes the text columns of a block's pieces against the run's (`block`: their bytes,
    /// from `block_start` in the source).
    fn code_texts(&mut self, pieces: &mut [Piece], block: &[u8], block_start: u64) -> Result<()> {
        for (slot, dictionary) in &mut self.dictionaries {
            let slot = *slot;
            let texts: Vec<(&[u8], &PieceText)> = (pieces.iter())
                .filter_map(|p| {
                    let text = p.texts_of(slot)?;
                    Some((&block[(p.start - block_start) as usize..], text))
                })
                .collect();
            if texts.is_empty() {
                continue;
            }
            let codes = dictionary.code_pieces(&texts)?;
            let coded = pieces.iter_mut().filter(|p| p.texts_of(slot).is_some());
            for (piece, codes) in coded.zip(codes) {
                piece.set_codes(slot, &codes, &self.names[slot]);
            }
        }
        Ok(())
    }

    /// The general path's text columns (`customer_id`, the keys) as codes among the typed
    /// records'.
    fn coded_general_texts(&mut self, frame: &mut DataFrame) -> Result<()> {
        for (slot, dictionary) in &mut self.dictionaries {
            let name = &self.names[*slot];
            // A column no source has stays the general path's nulls.
            let read = self.layouts.iter().any(|l| l.slots[*slot].1.is_some());
            let (true, Ok(column)) = (read, frame.column(name)) else {
                continue;
            };
            let texts = column.cast(&DataType::String)?;
            let mut codes = Vec::with_capacity(texts.len());
            for text in texts.str()?.iter() {
                codes.push(match text {
                    Some(text) => Some(dictionary.code(text.as_bytes())?),
                    None => None,
                });
            }
            let codes: UInt32Chunked = codes.into_iter().collect();
            frame.replace(name, codes.with_name(name.as_str().into()).into_column())?;
        }
        Ok(())
    }

    /// Renumbers each group key's codes in `frame` in the order of their texts (so sorting by
    /// code sorts by text), and gives the texts. The customers' dictionary is gone by then:
    /// their codes stay as they are, since no output shows them.
    fn keys_in_text_order(&mut self, frame: &mut DataFrame) -> Result<CodedKeys> {
        let mut keys = CodedKeys::default();
        for (slot, dictionary) in std::mem::take(&mut self.dictionaries) {
            let name = &self.names[slot];
            let Ok(codes) = frame.column(name)?.u32() else {
                continue; // a column no source has: the general path's nulls
            };
            let (texts, places) = dictionary.in_text_order();
            drop(dictionary);
            let places = UInt32Chunked::from_vec(name.as_str().into(), places);
            let placed = places.take(codes)?;
            frame.replace(name, placed.into_column())?;
            keys.add(name, &texts);
        }
        Ok(keys)
    }

    /// The general path over the records left to it (`general`: a text frame per source that
    /// has any, with [`DUPLICATE_COLUMN`]), collected: the typed frame and the invalid records.
    fn normalized(
        &self,
        general: Vec<SourceFrame>,
        undecodable: Vec<u32>,
    ) -> Result<(Canonical, DataFrame, DataFrame)> {
        let mut union: Vec<String> = Vec::new();
        for source in self.sources {
            super::add_columns(&mut union, &source.columns);
        }
        let frames: Vec<(LazyFrame, Vec<String>)> = (general.into_iter())
            .map(|(index, frame)| {
                let file = lit(index as u32).cast(DataType::UInt32).alias(FILE_COLUMN);
                (
                    frame.lazy().with_column(file),
                    self.sources[index].columns.clone(),
                )
            })
            .collect();
        let leading = [
            FILE_COLUMN,
            RECORD_COLUMN,
            MALFORMED_COLUMN,
            DUPLICATE_COLUMN,
        ];
        let frame = if frames.is_empty() {
            let mut columns = vec![
                Column::new_empty(FILE_COLUMN.into(), &DataType::UInt32),
                Column::new_empty(RECORD_COLUMN.into(), &IDX_DTYPE),
                Column::new_empty(MALFORMED_COLUMN.into(), &DataType::UInt32),
                Column::new_empty(DUPLICATE_COLUMN.into(), &DataType::Boolean),
            ];
            columns.extend(
                (union.iter()).map(|c| Column::new_empty(c.as_str().into(), &DataType::String)),
            );
            DataFrame::new(0, columns)?.lazy()
        } else {
            super::aligned(frames, &union, &leading)?
        };
        let raw = RawLog {
            frame,
            columns: union,
            sources: self.sources.iter().map(|s| s.name.clone()).collect(),
            source_columns: self.sources.iter().map(|s| s.columns.clone()).collect(),
            origins: Vec::new(),
            undecodable,
            notes: Vec::new(),
        };
        let canonical = normalize::normalize(
            raw,
            &NormalizeOptions {
                zone: self.request.zone,
                scales: &self.request.config.scales,
                by: self.request.keys,
                by_option_keys: self.request.by_option_keys,
                schedule_keys_from: self.request.schedule_keys_from,
                duplicates: DuplicateTest::Given,
                timestamps: Shapes::All,
            },
        )?;
        let collected = LazyFrame::collect_all_with_engine(
            vec![
                canonical.frame.clone().logical_plan,
                canonical.invalid.clone().logical_plan,
            ],
            Engine::InMemory,
            canonical.frame.get_current_optimizations(),
        )?;
        let [frame, invalid]: [DataFrame; 2] = (collected.try_into())
            .map_err(|_| anyhow::anyhow!("collecting the input: expected two frames"))?;
        Ok((canonical, frame, invalid))
    }

    /// The records left to the general path, read by it behind their source's header: one
    /// text frame per source with any, numbered as in the source, and the sources with bytes
    /// that are not UTF-8.
    fn general_frames(&self) -> Result<(Vec<SourceFrame>, Vec<u32>)> {
        let mut frames = Vec::new();
        let mut undecodable = Vec::new();
        for (index, source) in self.sources.iter().enumerate() {
            let pieces = || {
                self.pieces
                    .iter()
                    .filter(|(i, _)| *i == index)
                    .map(|(_, p)| p)
            };
            let numbers: Vec<IdxSize> = pieces()
                .flat_map(|p| p.general_records.iter().copied())
                .collect();
            if numbers.is_empty() {
                continue;
            }
            let mut bytes = source.header_line.clone();
            for piece in pieces() {
                bytes.extend_from_slice(&piece.general);
            }
            let head = bytes[..bytes.len().min(HEAD_BYTES)].to_vec();
            let read = super::csv::scan(
                CsvSource::Bytes(bytes),
                &head,
                &source.name,
                source.delimiter,
                None,
                false,
            )?;
            if let Some(ByteScanState::Known(scan)) = &read.byte_scan {
                if !scan.utf8 {
                    undecodable.push(index as u32);
                }
            }
            let names: Vec<String> = self.sources.iter().map(|s| s.name.clone()).collect();
            let mut frame = (read.frame.collect()).map_err(|e| super::unreadable(&names, e))?;
            if frame.height() != numbers.len() {
                anyhow::bail!(
                    "{}: the typed pass and the CSV reader split the records differently \
                     ({} against {}); please report this",
                    source.name,
                    numbers.len(),
                    frame.height()
                );
            }
            frame.replace(RECORD_COLUMN, Column::new(RECORD_COLUMN.into(), numbers))?;
            frames.push((index, frame));
        }
        Ok((frames, undecodable))
    }

    /// The texts of the typed records' `interaction_id`s whose hash is `shared`, read back
    /// from their sources in file order (`stdin`: standard input's bytes, when it is the
    /// source). A text whose hash is not the one the pass saw means the file changed.
    fn recalled_ids(
        &self,
        shared: &std::collections::HashSet<u64>,
        stdin: Option<&[u8]>,
    ) -> Result<Recalled> {
        let mut recalled = Recalled::new();
        if shared.is_empty() {
            return Ok(recalled);
        }
        for (index, source) in self.sources.iter().enumerate() {
            let mut spans: Vec<(u64, usize, usize, usize, u64)> = Vec::new();
            let pieces = self.pieces.iter().enumerate();
            for (p, (_, piece)) in pieces.filter(|(_, (s, _))| *s == index) {
                let ids = (self.ids.piece(p))
                    .context("reading the interaction_ids back from a temporary file")?;
                for (k, id) in ids.iter().enumerate() {
                    if shared.contains(&id.hash) {
                        let at = piece.start + u64::from(id.start);
                        spans.push((at, id.len as usize, p, k, id.hash));
                    }
                }
            }
            if spans.is_empty() {
                continue;
            }
            spans.sort_unstable();
            let changed = || {
                anyhow::anyhow!(
                    "{}: the file changed while it was read; read it again once it is complete",
                    source.name
                )
            };
            let mut file = match stdin {
                Some(_) => None,
                None => Some(
                    File::open(&source.path).with_context(|| format!("reading {}", source.name))?,
                ),
            };
            for (at, len, p, k, hash) in spans {
                let text = match (stdin, &mut file) {
                    (Some(bytes), _) => {
                        let at = at as usize;
                        bytes.get(at..at + len).ok_or_else(changed)?.to_vec()
                    }
                    (None, Some(file)) => {
                        let mut text = vec![0; len];
                        file.seek(SeekFrom::Start(at))
                            .and_then(|_| file.read_exact(&mut text))
                            .map_err(|_| changed())?;
                        text
                    }
                    (None, None) => unreachable!("a file source is opened above"),
                };
                if text_hash(&text) != hash {
                    return Err(changed());
                }
                recalled.insert((p, k), text);
            }
        }
        Ok(recalled)
    }

    /// Every record's "repeats an earlier `interaction_id`", over the sources in order: for
    /// the typed records, per piece; for the others, a column added to each general frame.
    /// Only ids whose hash occurs more than once can repeat (usually none: [`shared_hashes`]);
    /// those are split among the threads by their hash, each thread walking every record in
    /// order but keeping only its share.
    fn repeated_ids(
        &self,
        general: &mut [SourceFrame],
        stdin: Option<&[u8]>,
    ) -> Result<(Vec<Vec<bool>>, Recalled)> {
        let mut general_ids: Vec<Vec<Option<String>>> = Vec::with_capacity(general.len());
        let mut general_numbers: Vec<Vec<IdxSize>> = Vec::with_capacity(general.len());
        for (_, frame) in general.iter() {
            let ids = match frame.column(canonical::INTERACTION_ID) {
                Ok(column) => (column.str()?.iter())
                    .map(|id| {
                        id.map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(String::from)
                    })
                    .collect(),
                Err(_) => vec![None; frame.height()],
            };
            general_ids.push(ids);
            let numbers = frame.column(RECORD_COLUMN)?.idx()?;
            general_numbers.push(numbers.into_no_null_iter().collect());
        }
        let general_hashes: Vec<Vec<u64>> = (general_ids.iter())
            .map(|ids| {
                (ids.iter())
                    .map(|id| id.as_deref().map_or(0, |t| text_hash(t.as_bytes())))
                    .collect()
            })
            .collect();
        let general_present: Vec<Vec<bool>> = (general_ids.iter())
            .map(|ids| ids.iter().map(Option::is_some).collect())
            .collect();
        let general_hashes_present: Vec<(&[u64], &[bool])> = (general_hashes.iter())
            .zip(&general_present)
            .map(|(h, p)| (&h[..], &p[..]))
            .collect();
        let shared = shared_hashes(&self.ids, &general_hashes_present, self.threads)
            .context("reading the interaction_ids back from a temporary file")?;
        let recalled = self.recalled_ids(&shared, stdin)?;
        let order = Order {
            pass: self,
            general: general.iter().map(|(i, _)| *i).collect(),
            numbers: &general_numbers,
        };
        let found: Vec<Vec<IdRef>> = if shared.is_empty() {
            Vec::new()
        } else {
            std::thread::scope(|scope| {
                let threads: Vec<_> = (0..self.threads)
                    .map(|share| {
                        let (order, general_ids, general_hashes, shared, recalled) =
                            (&order, &general_ids, &general_hashes, &shared, &recalled);
                        scope.spawn(move || {
                            let text = |id: IdRef| -> Option<&[u8]> {
                                match id {
                                    IdRef::Typed(p, k) => recalled.get(&(p, k)).map(Vec::as_slice),
                                    IdRef::General(g, k) => {
                                        general_ids[g][k].as_deref().map(str::as_bytes)
                                    }
                                }
                            };
                            let mut seen = Seen::with_capacity(shared.len() / self.threads + 1);
                            let mut repeats = Vec::new();
                            order.for_each(|id| {
                                // A typed record's id was read back exactly when its hash is
                                // shared (see `recalled_ids`): the others are passed over.
                                let hash = match id {
                                    IdRef::Typed(p, k) => match recalled.get(&(p, k)) {
                                        Some(text) => text_hash(text),
                                        None => return,
                                    },
                                    IdRef::General(g, k) => general_hashes[g][k],
                                };
                                if share_of(hash, self.threads) != share || !shared.contains(&hash)
                                {
                                    return;
                                }
                                let Some(bytes) = text(id) else { return };
                                if seen.repeats(hash, id, bytes, &text) {
                                    repeats.push(id);
                                }
                            });
                            repeats
                        })
                    })
                    .collect();
                (threads.into_iter())
                    .map(|t| {
                        t.join()
                            .expect("a thread of the repeated-id check panicked")
                    })
                    .collect()
            })
        };
        let mut typed: Vec<Vec<bool>> = (self.pieces.iter())
            .map(|(_, p)| vec![false; p.typed_len()])
            .collect();
        let mut flags: Vec<Vec<bool>> = general_ids
            .iter()
            .map(|ids| vec![false; ids.len()])
            .collect();
        for id in found.into_iter().flatten() {
            match id {
                IdRef::Typed(p, k) => typed[p][k] = true,
                IdRef::General(g, k) => flags[g][k] = true,
            }
        }
        for ((_, frame), flags) in general.iter_mut().zip(flags) {
            frame.with_column(Column::new(DUPLICATE_COLUMN.into(), flags))?;
        }
        Ok((typed, recalled))
    }
}

/// The hashes that occur more than once among the typed records' (`typed`, read back piece
/// by piece) and the general path's (`general`: each frame's hashes, with which of them
/// count). They are split by hash into [`HASH_WAVES`] shares a thread (see [`share_of`]),
/// and sorted one share a thread at a time: a copy of only a part of the hashes is held at once
/// (at 10M records, 20 MB rather than 80). Each wave's shares are filled by every thread at
/// once, each placing its run of pieces' hashes into its own part of each share (the parts'
/// sizes are the counts [`Ids`] kept); the general path's, usually none, come last.
fn shared_hashes(
    typed: &Ids,
    general: &[(&[u64], &[bool])],
    threads: usize,
) -> std::io::Result<std::collections::HashSet<u64>> {
    let shares = typed.shares();
    let threads = threads.clamp(1, shares);
    let general_hashes = || {
        (general.iter()).flat_map(|(hashes, counted)| {
            let hashes = hashes.iter().zip(*counted);
            hashes.filter(|(_, c)| **c).map(|(&hash, _)| hash)
        })
    };
    let mut general_sizes = vec![0usize; shares];
    general_hashes().for_each(|hash| general_sizes[share_of(hash, shares)] += 1);
    // Each thread's run of pieces, about as many ids each.
    let total: usize = (0..typed.pieces())
        .map(|p| typed.counts(p).iter().sum::<usize>())
        .sum();
    let mut runs = Vec::with_capacity(threads);
    let (mut first, mut seen) = (0, 0);
    for p in 0..typed.pieces() {
        seen += typed.counts(p).iter().sum::<usize>();
        if seen * threads >= total * (runs.len() + 1) && runs.len() + 1 < threads {
            runs.push(first..p + 1);
            first = p + 1;
        }
    }
    runs.push(first..typed.pieces());
    let mut shared = std::collections::HashSet::new();
    let per_wave = shares.div_ceil(HASH_WAVES);
    for wave in (0..shares).step_by(per_wave) {
        let wave = wave..(wave + per_wave).min(shares);
        // Each share's parts: one per run of pieces, then the general path's.
        let mut filled: Vec<Vec<u64>> = Vec::with_capacity(wave.len());
        let mut part_sizes: Vec<Vec<usize>> = Vec::with_capacity(wave.len());
        for share in wave.clone() {
            let mut sizes: Vec<usize> = (runs.iter())
                .map(|run| run.clone().map(|p| typed.counts(p)[share]).sum())
                .collect();
            sizes.push(general_sizes[share]);
            filled.push(vec![0; sizes.iter().sum()]);
            part_sizes.push(sizes);
        }
        // `parts[r]`: run `r`'s part of each share of the wave (the last, the general path's).
        let mut parts: Vec<Vec<&mut [u64]>> = (0..=runs.len()).map(|_| Vec::new()).collect();
        for (buffer, sizes) in filled.iter_mut().zip(&part_sizes) {
            let mut rest = buffer.as_mut_slice();
            for (parts, &size) in parts.iter_mut().zip(sizes) {
                let (part, after) = rest.split_at_mut(size);
                parts.push(part);
                rest = after;
            }
        }
        let general_parts = parts.pop().expect("the general path's parts");
        std::thread::scope(|scope| -> std::io::Result<()> {
            let placing: Vec<_> = (runs.iter().zip(parts))
                .map(|(run, parts)| {
                    let wave = wave.clone();
                    scope.spawn(move || -> std::io::Result<()> {
                        let mut place = Placer::new(parts, wave, shares);
                        let mut piece = Vec::new();
                        for p in run.clone() {
                            typed.hashes(p, &mut piece)?;
                            piece.iter().for_each(|&hash| place.hash(hash));
                        }
                        Ok(())
                    })
                })
                .collect();
            let mut place = Placer::new(general_parts, wave.clone(), shares);
            general_hashes().for_each(|hash| place.hash(hash));
            for thread in placing {
                thread
                    .join()
                    .expect("a thread of the hash routing panicked")?;
            }
            Ok(())
        })?;
        std::thread::scope(|scope| {
            let sorted: Vec<_> = (filled.into_iter())
                .map(|mut share| {
                    scope.spawn(move || {
                        share.sort_unstable();
                        let pairs = share.windows(2).filter(|pair| pair[0] == pair[1]);
                        pairs.map(|pair| pair[0]).collect::<Vec<u64>>()
                    })
                })
                .collect();
            for thread in sorted {
                shared.extend(thread.join().expect("a thread of the hash sort panicked"));
            }
        });
    }
    Ok(shared)
}

/// Places the hashes of one wave's shares (`wave`, of `shares`) into one thread's part of each.
struct Placer<'a> {
    parts: Vec<&'a mut [u64]>,
    filled: Vec<usize>,
    wave: Range<usize>,
    shares: usize,
}

impl<'a> Placer<'a> {
    fn new(parts: Vec<&'a mut [u64]>, wave: Range<usize>, shares: usize) -> Self {
        let filled = vec![0; parts.len()];
        Placer {
            parts,
            filled,
            wave,
            shares,
        }
    }

    /// Places `hash` if its share is in the wave.
    fn hash(&mut self, hash: u64) {
        let share = share_of(hash, self.shares);
        if self.wave.contains(&share) {
            let at = share - self.wave.start;
            self.parts[at][self.filled[at]] = hash;
            self.filled[at] += 1;
        }
    }
}

/// How many rounds [`shared_hashes`] sorts its shares in.
const HASH_WAVES: usize = 4;

/// A record's `interaction_id`: the `k`-th typed record of piece `p`, or the `k`-th record
/// of general frame `g`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdRef {
    Typed(usize, usize),
    General(usize, usize),
}

/// Every record in source and record order, typed or not.
struct Order<'p> {
    pass: &'p Pass<'p>,
    /// Each general frame's source, and its records' numbers.
    general: Vec<usize>,
    numbers: &'p [Vec<IdxSize>],
}

impl Order<'_> {
    fn for_each(&self, mut each: impl FnMut(IdRef)) {
        for source in 0..self.pass.sources.len() {
            let general = self.general.iter().position(|&s| s == source);
            let numbers: &[IdxSize] = general.map_or(&[], |g| &self.numbers[g]);
            let mut next = 0;
            let pieces = (self.pass.pieces.iter().enumerate()).filter(|(_, (s, _))| *s == source);
            for (p, (_, piece)) in pieces {
                for (k, number) in piece.typed_numbers().enumerate() {
                    while next < numbers.len() && numbers[next] < number {
                        each(IdRef::General(general.expect("general records"), next));
                        next += 1;
                    }
                    each(IdRef::Typed(p, k));
                }
            }
            for k in next..numbers.len() {
                each(IdRef::General(general.expect("general records"), k));
            }
        }
    }
}

impl Pass<'_> {
    /// The frame and the invalid records, once every record is read (`stdin`: standard
    /// input's bytes, when it is the source).
    fn finish(mut self, stdin: Option<Vec<u8>>) -> Result<Input> {
        if !self.columns_checked {
            // As in the general path, a missing column is said before anything the records
            // hold (such as quoting the CSV reader cannot read).
            self.normalized(Vec::new(), Vec::new())?;
        }
        let (mut general, undecodable) = self.general_frames()?;
        let (repeated, recalled) = self.repeated_ids(&mut general, stdin.as_deref())?;
        drop(stdin);
        let (canonical, general_frame, general_invalid) = self.normalized(general, undecodable)?;
        let mut general_frame = (self.request.facts).derive(general_frame, &self.present)?;
        self.coded_general_texts(&mut general_frame)?;
        // The customers' texts are no longer needed: only their codes are.
        self.dictionaries
            .retain(|(slot, _)| self.names[*slot] != canonical::CUSTOMER_ID);
        let repeat_code = (canonical.checks.iter())
            .position(|c| {
                c.column == canonical::INTERACTION_ID && c.reason == normalize::REPEATED_ID_REASON
            })
            .expect("normalize always checks for repeated ids") as u32;
        // The invalid records are left out here, where they are few, rather than filtered out
        // of the whole frame later (a copy of every column).
        let valid = !general_frame.column(INVALID_COLUMN)?.bool()?.clone();
        let general_valid = general_frame.filter(&valid)?;
        // Each record's file and number are kept only to put the general path's records in
        // their places; no metric reads them.
        let placed = general_valid.height() > 0;
        let invalid = self.repeated_records(&repeated, repeat_code, &recalled)?;
        drop(recalled);
        // The temporary file goes (or the ids held in memory, when there was none).
        self.ids = Ids::new_empty();
        give_back_freed_memory();
        let typed = self.typed_frame(&repeated, general_frame.schema(), placed)?;
        let records = (typed.height() + general_frame.height()) as u64;
        // What is left of the pieces (their records' numbers, the general path's bytes) goes
        // before the copies below, so that each column is held twice at most while copied.
        self.pieces = Vec::new();
        give_back_freed_memory();
        let mut frame = interleaved(typed, general_valid)?;
        if placed {
            frame = frame.drop_many([FILE_COLUMN, RECORD_COLUMN]);
        }
        // Each column as one chunk, one column at a time: polars' grouping would otherwise
        // copy every column it reads at once (1.1 GiB more at 10M rows). Sums then also add
        // up in the general path's order, to the last bit. The typed records' columns are one
        // chunk already (`columns`); only the general path's records put beside them make two.
        let names = frame.get_column_names_owned();
        for name in names {
            let column = frame.column(&name)?.rechunk();
            frame.replace(&name, column)?;
            give_back_freed_memory();
        }
        let coded_keys = self.keys_in_text_order(&mut frame)?;
        let mut invalid = interleaved(invalid, general_invalid)?;
        invalid.rechunk_mut();
        Ok(Input {
            frame,
            coded_keys,
            records,
            invalid,
            present: canonical.present,
            checks: canonical.checks,
            sources: canonical.sources,
            notes: Vec::new(),
        })
    }

    /// The typed records as a frame of `schema` (the general path's), those repeating an
    /// earlier `interaction_id` flagged invalid; `placed`, with each record's file and number.
    /// A column no source has is one null repeated (no memory a record).
    fn typed_frame(
        &mut self,
        repeated: &[Vec<bool>],
        schema: &SchemaRef,
        placed: bool,
    ) -> Result<DataFrame> {
        let height = self.columns.height();
        let mut frame_columns = Vec::with_capacity(self.names.len() + 3);
        if placed {
            let mut files = Vec::with_capacity(height);
            let mut numbers = Vec::with_capacity(height);
            for (source, piece) in &self.pieces {
                files.extend(std::iter::repeat_n(*source as u32, piece.typed_len()));
                numbers.extend(piece.typed_numbers());
            }
            frame_columns.push(Column::new(FILE_COLUMN.into(), files));
            frame_columns.push(Column::new(RECORD_COLUMN.into(), numbers));
        }
        for (slot, name) in self.names.iter().enumerate() {
            if self.request.facts.replaces(name, &self.present) {
                continue;
            }
            let name: PlSmallStr = name.as_str().into();
            let column = match self.columns.take(slot, name.clone())? {
                Some(series) => series.into_column(),
                None => {
                    let dtype = schema.get(&name).cloned().unwrap_or(DataType::Null);
                    Column::full_null(name, height, &dtype)
                }
            };
            frame_columns.push(column);
        }
        // Almost always no record repeats an id: then no flag is read one by one.
        let invalid = if repeated.iter().any(|piece| piece.contains(&true)) {
            let flags: Vec<bool> = repeated.iter().flatten().copied().collect();
            Column::new(INVALID_COLUMN.into(), flags)
        } else {
            BooleanChunked::full(INVALID_COLUMN.into(), false, height).into_column()
        };
        frame_columns.push(invalid);
        let mut frame = DataFrame::new(height, frame_columns)?;
        for (name, dtype) in schema.iter() {
            let Ok(column) = frame.column(name) else {
                continue; // the records' places, when not kept
            };
            if column.dtype() != dtype && !narrow::is_narrowed(column.dtype(), dtype) {
                let cast = column.cast(dtype)?;
                frame.replace(name, cast)?;
            }
        }
        Ok(frame)
    }

    /// The typed records that repeat an earlier `interaction_id`, as invalid records.
    fn repeated_records(
        &self,
        repeated: &[Vec<bool>],
        code: u32,
        recalled: &Recalled,
    ) -> Result<DataFrame> {
        let (mut files, mut numbers, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        for (p, ((source, piece), repeated)) in self.pieces.iter().zip(repeated).enumerate() {
            if !repeated.contains(&true) {
                continue;
            }
            let records = piece.typed_numbers().zip(repeated).enumerate();
            for (k, (number, _)) in records.filter(|(_, (_, r))| **r) {
                files.push(*source as u32);
                numbers.push(number);
                let text = recalled.get(&(p, k)).expect("a repeated id was read back");
                ids.push(String::from_utf8_lossy(text).into_owned());
            }
        }
        let height = files.len();
        Ok(DataFrame::new(
            height,
            vec![
                Column::new(FILE_COLUMN.into(), files),
                Column::new(RECORD_COLUMN.into(), numbers),
                Column::new(PROBLEM_COLUMN.into(), vec![code; height]),
                Column::new(BAD_VALUE_COLUMN.into(), ids),
            ],
        )?)
    }
}

/// Hands the memory freed so far back to the system. glibc keeps what a program frees for
/// its next allocations, and the pieces' many small chunks are not reused by the large ones
/// that follow: without this, copying the columns into single chunks raised the peak at 10M
/// rows from 1.6 GiB to 2.5 GiB, as if nothing had been freed.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Two frames of records, each in (source, record) order, as one in that order.
fn interleaved(first: DataFrame, second: DataFrame) -> Result<DataFrame> {
    if second.height() == 0 {
        return Ok(first);
    }
    if first.height() == 0 {
        return Ok(second);
    }
    let keys = |frame: &DataFrame| -> Result<Vec<(u32, IdxSize)>> {
        let files = frame.column(FILE_COLUMN)?.u32()?.clone();
        let numbers = frame.column(RECORD_COLUMN)?.idx()?.clone();
        Ok((files.into_no_null_iter())
            .zip(numbers.into_no_null_iter())
            .collect())
    };
    let (a, b) = (keys(&first)?, keys(&second)?);
    let mut order: Vec<IdxSize> = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && a[i] < b[j]) {
            order.push(i as IdxSize);
            i += 1;
        } else {
            order.push((a.len() + j) as IdxSize);
            j += 1;
        }
    }
    let mut stacked = first;
    let mut second = second.select(stacked.get_column_names_owned())?;
    // A column narrowed on one side (see `crate::narrow`): both in one type.
    for name in stacked.get_column_names_owned() {
        let (a, b) = (stacked.column(&name)?, second.column(&name)?);
        if a.dtype() != b.dtype() {
            let (a, b) = narrow::agree(a, b)?;
            stacked.replace(&name, a)?;
            second.replace(&name, b)?;
        }
    }
    stacked.vstack_mut(&second)?;
    let in_order = order.iter().enumerate().all(|(k, &o)| k as IdxSize == o);
    if in_order {
        return Ok(stacked);
    }
    // One column at a time, each one's memory handed back before the next: taking the whole
    // frame at once held every column twice (1.06 GB at 10M records with 0.1 % of them
    // quoted, against the 1 GiB target).
    let order = IdxCa::from_vec("order".into(), order);
    for name in stacked.get_column_names_owned() {
        let taken = stacked.column(&name)?.take(&order)?;
        stacked.replace(&name, taken)?;
        give_back_freed_memory();
    }
    Ok(stacked)
}

/// The `interaction_id`s seen so far, by hash: the first record with each hash, and for a
/// hash two different ids share, every text seen with it (so the check is exact).
struct Seen<'t> {
    first: HashMap<u64, IdRef, BuildHasherDefault<AlreadyHashed>>,
    collided: HashMap<u64, std::collections::HashSet<&'t [u8]>>,
}

impl<'t> Seen<'t> {
    fn with_capacity(ids: usize) -> Self {
        Seen {
            first: HashMap::with_capacity_and_hasher(ids, BuildHasherDefault::default()),
            collided: HashMap::new(),
        }
    }

    /// Whether `id` (text `bytes`, hash `hash`) repeats an id seen before; remembers it.
    /// `text` gives the text of an id seen before.
    fn repeats(
        &mut self,
        hash: u64,
        id: IdRef,
        bytes: &'t [u8],
        text: &impl Fn(IdRef) -> Option<&'t [u8]>,
    ) -> bool {
        use std::collections::hash_map::Entry;
        match self.first.entry(hash) {
            Entry::Vacant(vacant) => {
                vacant.insert(id);
                false
            }
            Entry::Occupied(first) => {
                if let Some(texts) = self.collided.get_mut(&hash) {
                    return !texts.insert(bytes);
                }
                let first = text(*first.get()).expect("a remembered id has a text");
                if first == bytes {
                    return true;
                }
                self.collided
                    .insert(hash, [first, bytes].into_iter().collect());
                false
            }
        }
    }
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct AlreadyHashed(u64);

impl std::hash::Hasher for AlreadyHashed {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::piece::Located;
    use super::*;

    #[test]
    fn hashes_met_twice_are_found_across_pieces_threads_and_the_general_path() {
        // By hand: 7 twice in one piece; 9 in pieces 0 and 3 (the two threads' runs); 11 in
        // piece 2 and the general path; 13 once typed and once in a general record that does
        // not count; u64::MAX and 1 (the last and first shares) in pieces 1 and 3. The rest
        // (2, 3, 5, 13) once each.
        let hashes: [&[u64]; 4] = [
            &[7, 9, 7, 2],
            &[u64::MAX, 3, 1],
            &[11, 13],
            &[9, 5, u64::MAX, 1],
        ];
        for threads in [1, 2, 3] {
            let mut ids = Ids::new(threads, threads * HASH_WAVES);
            for (p, piece) in hashes.iter().enumerate() {
                let located: Vec<Located> = (piece.iter())
                    .map(|&hash| Located {
                        hash,
                        start: 0,
                        len: 1,
                    })
                    .collect();
                // Each piece's ids in its thread's store, as the pass writes them.
                let shares = ids.shares();
                let written = ids.stores()[p % threads].write(&located, shares);
                ids.note(written.unwrap());
            }
            let general: [(&[u64], &[bool]); 1] = [(&[11, 13, 4], &[true, false, true])];
            let shared = shared_hashes(&ids, &general, threads).unwrap();
            let mut shared: Vec<u64> = shared.into_iter().collect();
            shared.sort_unstable();
            assert_eq!(shared, [1, 7, 9, 11, u64::MAX], "{threads} threads");
        }
    }
}
