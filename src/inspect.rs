//! `cxkpi inspect FILE` (SPEC §1, §7): reads a sample of an export and writes a config that
//! `--config` accepts, with a comment on each choice.
//!
//! Every choice is made from the header names and the sampled values, never from a guess the
//! values contradict: a column is mapped only when its values read as the field's type (a
//! timestamp column only when one format, sniffed from the values, reads them all), and what
//! is left out is listed at the end.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::canonical::{self, Kind, FIELDS};
use crate::config::{Encoding, InputOptions};
use crate::date_formats::{self, Sniffed};
use crate::ingest::{self, short_records::read_chunks, utf8::Utf8Validator};
use crate::user_error;

/// How many records are looked at.
const SAMPLE: u32 = 50_000;

/// One column of the sample: its name and its values (trimmed; empty and null words missing).
struct Column {
    name: String,
    values: Vec<Option<String>>,
}

impl Column {
    fn present(&self) -> impl Iterator<Item = &str> {
        self.values.iter().flatten().map(String::as_str)
    }

    fn count(&self) -> usize {
        self.present().count()
    }
}

/// Header names are compared in this form: lowercase letters and digits only.
fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The names (in [`key`] form) each canonical field is looked for under, best first: the
/// canonical name, the Zendesk and Freshdesk export headers, and common others.
fn synonyms(field: &str) -> &'static [&'static str] {
    match field {
        "interaction_id" => &[
            "interactionid",
            "ticketid",
            "id",
            "callid",
            "caseid",
            "conversationid",
            "chatid",
        ],
        "customer_id" => &[
            "customerid",
            "requesterid",
            "contactid",
            "userid",
            "clientid",
            "requester",
        ],
        "channel" => &["channel", "via", "source", "ticketchannel", "medium"],
        "agent" => &[
            "agent",
            "assignee",
            "agentid",
            "agentname",
            "assigneename",
            "server",
            "responder",
        ],
        "team" => &["team", "group", "ticketgroup", "groupname", "department"],
        "created_at" => &[
            "createdat",
            "createdtime",
            "createddate",
            "created",
            "creationdate",
            "datecreated",
            "opened",
            "openedat",
            "ticketcreatedtimestamp",
        ],
        "first_response_at" => &[
            "firstresponseat",
            "initialresponsetime",
            "initialtime",
            "firstresponsetime",
            "firstreplyat",
        ],
        "resolved_at" => &[
            "resolvedat",
            "solvedat",
            "resolvedtime",
            "resolveddate",
            "closedat",
            "timetoresolution",
            "ticketsolvedtimestamp",
            "resolved",
            "solved",
            "closed",
        ],
        "first_response_seconds" => &[
            "firstresponseseconds",
            "firstreplytimeinminutes",
            "firstresponseminutes",
            "firstresponsetimeminutes",
            "firstreplytimemin",
        ],
        "resolution_seconds" => &[
            "resolutionseconds",
            "fullresolutiontimeinminutes",
            "resolutionhours",
            "resolutionminutes",
            "fullresolutiontimemin",
        ],
        "first_response_bh_seconds" => &[
            "firstresponsebhseconds",
            "firstreplytimeinminuteswithinbusinesshours",
            "firstresponsetimeinhrs",
        ],
        "resolution_bh_seconds" => &[
            "resolutionbhseconds",
            "fullresolutiontimeinminuteswithinbusinesshours",
            "resolutiontimeinhrs",
        ],
        "talk_seconds" => &["talkseconds", "talktime", "avgtalkduration", "sertime"],
        "hold_seconds" => &["holdseconds", "holdtime"],
        "wrap_seconds" => &["wrapseconds", "wraptime", "aftercallwork"],
        "handle_seconds" => &["handleseconds", "handletime", "aht"],
        "contacts" => &["contacts", "agentinteractions", "replies"],
        "reopened" => &["reopened", "reopens"],
        "csat" => &[
            "csat",
            "csatscore",
            "satisfactionscore",
            "satisfactionrating",
            "customersatisfactionrating",
            "satisfaction",
            "surveyresults",
        ],
        "nps" => &["nps", "npsscore", "likelihoodtorecommend"],
        "ces" => &["ces", "cesscore", "customereffortscore", "effort"],
        "churned_at" => &["churnedat", "churndate"],
        _ => &[],
    }
}

/// Column names (in [`key`] form) whose values may decide the category.
const TYPE_COLUMNS: [&str; 8] = [
    "tickettype",
    "type",
    "category",
    "topic",
    "issuetype",
    "reason",
    "tickettopic",
    "contactreason",
];

/// Words in a type value that make it support (technical, product troubleshooting).
const SUPPORT_WORDS: [&str; 15] = [
    "technical",
    "tech support",
    "incident",
    "problem",
    "bug",
    "error",
    "login",
    "access",
    "outage",
    "crash",
    "upload",
    "playback",
    "streaming",
    "navigation",
    "troubleshoot",
];

/// Text values of satisfaction columns and what they mean on the 1–5 scale.
const CSAT_WORDS: [(&str, Option<u8>); 15] = [
    ("good", Some(5)),
    ("good with comment", Some(5)),
    ("bad", Some(1)),
    ("bad with comment", Some(1)),
    ("offered", None),
    ("unoffered", None),
    ("not offered", None),
    ("extremely happy", Some(5)),
    ("happy", Some(4)),
    ("neutral", Some(3)),
    ("unhappy", Some(2)),
    ("extremely unhappy", Some(1)),
    ("awesome", Some(5)),
    ("just okay", Some(3)),
    ("not good", Some(1)),
];

/// Cell texts read as missing when a column has them.
const NULL_WORDS: [&str; 5] = ["NA", "N/A", "null", "NULL", "#N/A"];

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The config's text, built line by line.
#[derive(Default)]
struct Out {
    header: Vec<String>,
    input: Vec<String>,
    columns: Vec<String>,
    categories: Vec<String>,
    scales: Vec<String>,
    trailer: Vec<String>,
    /// Columns used as part of a composite id.
    pair_used: Vec<String>,
}

/// Inspects `path` and returns the config text.
pub(crate) fn inspect(path: &Path, sheet: Option<&str>) -> Result<String> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(if path.exists() {
            user_error!("{name}: not a file")
        } else {
            user_error!("{name}: no such file")
        });
    }
    let mut out = Out::default();
    out.header.push(format!(
        "# A cxkpi config for {}, written by `cxkpi inspect`.",
        path.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or(name.clone())
    ));
    out.header.push(
        "# Use it as `cxkpi report --config THIS_FILE EXPORT`; check each choice below.".into(),
    );
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut options = InputOptions::default();
    if ingest::is_parquet(path) {
        out.input.push(
            "# A Parquet file: typed columns, read as they are (no encoding or delimiter).".into(),
        );
    } else if ingest::is_workbook(path) {
        out.input.push(
            "# A workbook: cell types are read as they are (no encoding or delimiter).".into(),
        );
        match sheet {
            Some(sheet) => out.input.push(format!("sheet = {}", quoted(sheet))),
            None => out.input.push(
                "# The first worksheet is read; say sheet = \"…\" (cxkpi inspect --sheet) for another."
                    .into(),
            ),
        }
        options.sheet = sheet.map(str::to_string);
    } else if !matches!(extension.as_str(), "json" | "ndjson" | "jsonl") {
        let utf8 = is_utf8(path).with_context(|| format!("reading {name}"))?;
        if utf8 {
            out.input.push("# Encoding: UTF-8 (every byte is).".into());
        } else {
            out.input.push(
                "# Encoding: not UTF-8, so read as Latin-1 (Windows-1252); check accented text."
                    .into(),
            );
            out.input.push("encoding = \"latin-1\"".into());
            options.encoding = Encoding::Windows1252;
        }
        let (delimiter, why) = sniff_delimiter(path, &extension)?;
        out.input.push(format!("# Delimiter: {why}."));
        if delimiter != b',' {
            let shown = if delimiter == b'\t' {
                "\"\\t\"".to_string()
            } else {
                quoted(&(delimiter as char).to_string())
            };
            out.input.push(format!("delimiter = {shown}"));
        }
        options.delimiter = Some(delimiter);
    }
    let (frame, columns) = read_sample(path, &options)?;
    let nulls: Vec<String> = NULL_WORDS
        .iter()
        .filter(|w| {
            columns
                .iter()
                .any(|c| frame.column(c).ok().is_some_and(|s| has_text(s, w)))
        })
        .map(|w| w.to_string())
        .collect();
    if !nulls.is_empty() {
        out.input.push(format!(
            "# Missing values are written {}.",
            nulls.join(", ")
        ));
        out.input.push(format!(
            "null_values = [{}]",
            (nulls.iter().map(|n| quoted(n)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let columns: Vec<Column> = columns
        .iter()
        .map(|name| Column {
            name: name.clone(),
            values: texts(&frame, name, &nulls),
        })
        .collect();
    let records = frame.height();
    out.header.push(format!(
        "# Looked at {records} record{} and {} columns{}.",
        if records == 1 { "" } else { "s" },
        columns.len(),
        if records as u32 == SAMPLE {
            " (the first ones)"
        } else {
            ""
        }
    ));
    let keys: Vec<String> = columns.iter().map(|c| key(&c.name)).collect();
    let has = |k: &str| (columns.iter()).any(|c| c.name.trim().eq_ignore_ascii_case(k));
    if has("id") && (has("requester id") || has("created at")) {
        out.header.push(
            "# Recognised a Zendesk Support ticket export (by its headers: Id, Requester id, \
             Created at); the columns below are those of --preset zendesk that it has."
                .into(),
        );
    } else if has("ticket id") && has("ticket created - timestamp") {
        out.header.push(
            "# Recognised a Zendesk Explore ticket report (by its headers: Ticket ID, Ticket \
             created - Timestamp); its columns were matched by their names."
                .into(),
        );
    } else if has("ticket id") && has("created time") {
        out.header.push(
            "# Recognised a Freshdesk ticket export (by its headers: Ticket ID, Created time); \
             the columns below are those of --preset freshdesk that it has."
                .into(),
        );
    } else {
        out.header
            .push("# Not a known help-desk export: columns were matched by their names.".into());
    }
    let mut used: HashSet<usize> = HashSet::new();
    map_columns(&columns, &keys, &mut used, &mut out);
    categories(&columns, &keys, &mut used, &mut out);
    for (i, column) in columns.iter().enumerate() {
        if out.pair_used.contains(&column.name) {
            used.insert(i);
        }
    }
    let unmapped: Vec<String> = (columns.iter().enumerate())
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, c)| quoted(&c.name))
        .collect();
    if !unmapped.is_empty() {
        out.trailer.push(String::new());
        out.trailer.push(format!(
            "# Left unmapped (use them as --by keys, or map them above): {}",
            unmapped.join(", ")
        ));
    }
    Ok(render(out))
}

fn render(out: Out) -> String {
    let mut text = String::new();
    let mut section = |name: &str, lines: &[String]| {
        if lines.is_empty() {
            return;
        }
        if !name.is_empty() {
            let _ = writeln!(text, "\n[{name}]");
        }
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
    };
    section("", &out.header);
    section("input", &out.input);
    section("columns", &out.columns);
    section("categories", &out.categories);
    section("scales", &out.scales);
    section("", &out.trailer);
    text
}

/// Whether every byte of the file is UTF-8.
fn is_utf8(path: &Path) -> std::io::Result<bool> {
    let mut validator = Utf8Validator::default();
    read_chunks(std::fs::File::open(path)?, |chunk| validator.feed(chunk))?;
    Ok(validator.finish())
}

/// The delimiter: tab for `.tsv`, else the one of `,`, tab, `;`, `|` the header row has most of.
fn sniff_delimiter(path: &Path, extension: &str) -> Result<(u8, String)> {
    let mut head = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path)?, 64 * 1024),
        &mut head,
    )?;
    let line = head
        .split(|&b| b == b'\n')
        .find(|l| !l.trim_ascii().is_empty());
    let line = line.unwrap_or_default();
    let counts: Vec<(u8, usize)> = [b',', b'\t', b';', b'|']
        .iter()
        .map(|&d| (d, line.iter().filter(|&&b| b == d).count()))
        .collect();
    let (best, count) = (counts.iter())
        .copied()
        .max_by_key(|&(d, n)| (n, d == b','))
        .unwrap_or((b',', 0));
    let name = |d: u8| match d {
        b'\t' => "tab".to_string(),
        other => format!("\"{}\"", other as char),
    };
    if extension == "tsv" && best == b'\t' {
        return Ok((b'\t', "tab (a .tsv file)".into()));
    }
    if count == 0 {
        return Ok((b',', "comma (the header row has a single column)".into()));
    }
    Ok((best, format!("{} ({count} in the header row)", name(best))))
}

fn read_sample(path: &Path, options: &InputOptions) -> Result<(DataFrame, Vec<String>)> {
    let (raw, _) = ingest::read_inputs(&[PathBuf::from(path)], options, None, false)?;
    let exprs: Vec<Expr> = raw.columns.iter().map(|c| col(c.as_str())).collect();
    let frame = raw
        .frame
        .limit(SAMPLE)
        .select(exprs)
        .collect()
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    Ok((frame, raw.columns))
}

fn has_text(column: &polars::prelude::Column, word: &str) -> bool {
    column
        .str()
        .is_ok_and(|s| s.iter().flatten().any(|v| v.trim() == word))
}

fn texts(frame: &DataFrame, name: &str, nulls: &[String]) -> Vec<Option<String>> {
    let Ok(column) = frame.column(name).and_then(|c| c.str().cloned()) else {
        return Vec::new();
    };
    column
        .iter()
        .map(|v| {
            v.map(str::trim)
                .filter(|v| !v.is_empty() && !nulls.iter().any(|n| n == v))
                .map(str::to_string)
        })
        .collect()
}

/// Maps each canonical field to the first column, by its synonyms, whose values fit it.
fn map_columns(columns: &[Column], keys: &[String], used: &mut HashSet<usize>, out: &mut Out) {
    // The date + time pair first: a date-only column followed by a time-of-day one.
    let mut created_pair: Option<(usize, usize)> = None;
    for (i, column) in columns.iter().enumerate() {
        if !(keys[i].contains("date") || keys[i].contains("day")) || column.count() == 0 {
            continue;
        }
        if date_only(column).is_none() {
            continue;
        }
        if let Some(j) = (i + 1..columns.len()).find(|&j| is_time_of_day(&columns[j])) {
            created_pair = Some((i, j));
            break;
        }
    }
    for field in FIELDS.iter() {
        if field.name == canonical::CATEGORY {
            continue;
        }
        if field.name == canonical::CREATED_AT {
            if let Some((date, time)) = created_pair {
                let joined = Column {
                    name: String::new(),
                    values: (columns[date].values.iter())
                        .zip(&columns[time].values)
                        .map(|(d, t)| match (d, t) {
                            (Some(d), Some(t)) => Some(format!("{d} {t}")),
                            _ => None,
                        })
                        .collect(),
                };
                let (format, description) = match date_formats::sniff(joined.present()) {
                    Sniffed::Format {
                        pattern,
                        description,
                        ..
                    } => (format!(", format = {}", quoted(&pattern)), description),
                    Sniffed::Canonical => (String::new(), "YYYY-MM-DD HH:MM:SS".to_string()),
                    _ => (String::new(), String::new()),
                };
                if !description.is_empty() {
                    out.columns.push(format!(
                        "# {} + {}: a date and a time of day, joined: {description}",
                        quoted(&columns[date].name),
                        quoted(&columns[time].name)
                    ));
                    out.columns.push(format!(
                        "created_at = {{ columns = [{}, {}]{format} }}",
                        quoted(&columns[date].name),
                        quoted(&columns[time].name),
                    ));
                    used.insert(date);
                    used.insert(time);
                    continue;
                }
            }
        }
        let candidates: Vec<usize> = synonyms(field.name)
            .iter()
            .flat_map(|s| (0..columns.len()).filter(move |&i| keys[i] == *s))
            .filter(|i| !used.contains(i))
            .collect();
        let mut mapped = false;
        for i in candidates {
            if let Some(lines) = map_one(field.name, field.kind, &columns[i], columns, out) {
                out.columns.extend(lines);
                used.insert(i);
                mapped = true;
                break;
            }
        }
        if !mapped && field.name == canonical::INTERACTION_ID {
            // No id by name: the first column whose values are all there and all distinct.
            let records = columns.first().map_or(0, |c| c.values.len());
            let unique = (0..columns.len()).find(|&i| {
                columns[i].count() == records && records > 0 && distinct(&columns[i]) == records
            });
            match unique {
                Some(i) => {
                    let name = quoted(&columns[i].name);
                    out.columns.push(format!(
                        "# No id column by name; {name} is the first with a distinct value in every record"
                    ));
                    out.columns.push(format!("interaction_id = {name}"));
                    used.insert(i);
                }
                None => out.columns.push(
                    "# No column identifies the records: name one (every record needs an id)\n\
                     # interaction_id = \"...\""
                        .into(),
                ),
            }
        }
        if !mapped && field.name == canonical::REOPENED {
            // A status column that says "… Reopened".
            let status = (0..columns.len()).find_map(|i| {
                if used.contains(&i) || !keys[i].contains("status") {
                    return None;
                }
                let value = columns[i]
                    .present()
                    .find(|v| v.to_lowercase().contains("reopen"))?;
                Some((i, value.to_string()))
            });
            if let Some((i, value)) = status {
                let name = quoted(&columns[i].name);
                out.columns.push(format!(
                    "# {name}: {} marks a reopened record; any other status is not",
                    quoted(&value)
                ));
                out.columns.push(format!(
                    "reopened = {{ column = {name}, values = {{ {} = true }}, default = false }}",
                    quoted(&value)
                ));
                used.insert(i);
            }
        }
    }
}

/// The config lines mapping `field` to `column`, or `None` when its values do not fit.
fn map_one(
    field: &str,
    kind: Kind,
    column: &Column,
    all: &[Column],
    out: &mut Out,
) -> Option<Vec<String>> {
    let name = quoted(&column.name);
    let n = column.count();
    if n == 0 && field != canonical::INTERACTION_ID {
        return None;
    }
    match kind {
        Kind::Text | Kind::Category => {
            if field != canonical::INTERACTION_ID {
                return Some(vec![format!("{field} = {name}")]);
            }
            let mut seen = HashSet::new();
            let repeats = column.present().filter(|v| !seen.insert(*v)).count();
            if repeats * 20 > n {
                // Many repeats: the id is likely one part of a composite key.
                let unique_with = all.iter().find(|other| {
                    other.name != column.name
                        && {
                            let mut seen = HashSet::new();
                            (other.values.iter())
                                .zip(&column.values)
                                .all(|(a, b)| seen.insert((a.as_deref(), b.as_deref())))
                        }
                        && other.count() == n
                        && distinct(other) < n / 10
                });
                if let Some(other) = unique_with {
                    out.pair_used.push(other.name.clone());
                    return Some(vec![
                        format!(
                            "# {name} repeats in {repeats} of {n} records, and {} + {name} is unique: \
                             together they identify a record",
                            quoted(&other.name)
                        ),
                        format!(
                            "interaction_id = {{ columns = [{}, {name}] }}",
                            quoted(&other.name)
                        ),
                    ]);
                }
            }
            let mut lines = Vec::new();
            if repeats > 0 {
                lines.push(format!(
                    "# {name} repeats an earlier id in {repeats} of the records looked at: \
                     run with --on-invalid skip to leave those out"
                ));
            } else {
                lines.push(format!("# {name}: unique in the records looked at"));
            }
            lines.push(format!("interaction_id = {name}"));
            Some(lines)
        }
        Kind::Timestamp => timestamp(field, column),
        Kind::Seconds => duration(field, column),
        Kind::Count => {
            let all_counts = column.present().all(|v| v.parse::<u64>().is_ok());
            all_counts.then(|| vec![format!("{field} = {name}")])
        }
        Kind::Flag => {
            if column.present().all(|v| v.parse::<u64>().is_ok()) {
                return Some(vec![
                    format!("# {name} counts reopens: any above 0 is reopened"),
                    format!(
                        "{field} = {{ column = {name}, values = {{ \"0\" = false }}, default = true }}"
                    ),
                ]);
            }
            let flags = ["true", "false", "1", "0", "yes", "no"];
            let all_flags = (column.present()).all(|v| flags.contains(&v.to_lowercase().as_str()));
            all_flags.then(|| vec![format!("{field} = {name}")])
        }
        Kind::Csat => csat(column, out),
        Kind::Nps => {
            let all_scores = (column.present()).all(|v| v.parse::<u8>().is_ok_and(|s| s <= 10));
            all_scores.then(|| vec![format!("{field} = {name}")])
        }
        Kind::Ces => {
            let all_numbers = (column.present())
                .all(|v| v.parse::<f64>().is_ok_and(|s| (1.0..=7.0).contains(&s)));
            all_numbers.then(|| vec![format!("{field} = {name}")])
        }
    }
}

fn distinct(column: &Column) -> usize {
    column.present().collect::<HashSet<_>>().len()
}

/// `Some(pattern)` when every value is a date without a time.
fn date_only(column: &Column) -> Option<String> {
    match date_formats::sniff(column.present()) {
        Sniffed::Format { pattern, .. } if !pattern.contains("%H") && !pattern.contains("%I") => {
            Some(pattern)
        }
        Sniffed::Canonical if column.present().all(|v| v.len() == 10) => Some("%Y-%m-%d".into()),
        _ => None,
    }
}

/// Whether every value is a time of day, `H:MM:SS` or `H:MM`.
fn is_time_of_day(column: &Column) -> bool {
    column.count() > 0
        && column.present().all(|v| {
            chrono::NaiveTime::parse_from_str(v, "%H:%M:%S").is_ok()
                || chrono::NaiveTime::parse_from_str(v, "%H:%M").is_ok()
        })
}

fn timestamp(field: &str, column: &Column) -> Option<Vec<String>> {
    let name = quoted(&column.name);
    match date_formats::sniff(column.present()) {
        Sniffed::Canonical => Some(vec![
            format!("# {name}: timestamps in a canonical form (ISO 8601)"),
            format!("{field} = {name}"),
        ]),
        Sniffed::Format {
            pattern,
            description,
            evidence,
        } => {
            let because = evidence.map(|e| format!(" ({e})")).unwrap_or_default();
            Some(vec![
                format!("# {name}: timestamps written {description}{because}"),
                format!(
                    "{field} = {{ column = {name}, format = {} }}",
                    quoted(&pattern)
                ),
            ])
        }
        Sniffed::Ambiguous {
            day_first,
            month_first,
            example,
        } => Some(vec![
            format!(
                "# {name}: every value reads both day first and month first (e.g. {example}); \
                 not guessed. Uncomment the line that is right:"
            ),
            format!(
                "# {field} = {{ column = {name}, format = {} }}   # day first",
                quoted(&day_first)
            ),
            format!(
                "# {field} = {{ column = {name}, format = {} }}   # month first",
                quoted(&month_first)
            ),
        ]),
        Sniffed::Unknown { .. } | Sniffed::Empty => None,
    }
}

fn duration(field: &str, column: &Column) -> Option<Vec<String>> {
    let name = quoted(&column.name);
    let k = key(&column.name);
    let clock = |v: &str| {
        let parts: Vec<&str> = v.split(':').collect();
        (2..=3).contains(&parts.len()) && parts.iter().all(|p| p.parse::<f64>().is_ok())
    };
    if column.present().all(clock) {
        let zero = ["0:00:00", "00:00:00"];
        let mut lines = vec![format!("# {name}: durations written H:MM:SS")];
        if field.ends_with("_bh_seconds") || column.present().any(|v| zero.contains(&v)) {
            lines.push(format!(
                "# {name}: 0:00:00 is read as not measured (missing)"
            ));
            lines.push(format!(
                "{field} = {{ column = {name}, unit = \"hh:mm:ss\", null_values = [\"0:00:00\", \"00:00:00\"] }}"
            ));
        } else {
            lines.push(format!(
                "{field} = {{ column = {name}, unit = \"hh:mm:ss\" }}"
            ));
        }
        return Some(lines);
    }
    if !column
        .present()
        .all(|v| v.parse::<f64>().is_ok_and(|x| x >= 0.0))
    {
        return None;
    }
    let (unit, words) = if k.contains("minute") || k.ends_with("min") {
        ("min", "minutes (from its name)")
    } else if k.contains("hour") || k.contains("hrs") {
        ("h", "hours (from its name)")
    } else if k.contains("sec") {
        ("s", "seconds (from its name)")
    } else {
        (
            "s",
            "seconds (its name gives no unit; say unit = \"min\" or \"h\" if not)",
        )
    };
    let mut lines = vec![format!("# {name}: a number of {words}")];
    if unit == "s" {
        lines.push(format!("{field} = {name}"));
    } else {
        lines.push(format!(
            "{field} = {{ column = {name}, unit = \"{unit}\" }}"
        ));
    }
    Some(lines)
}

fn csat(column: &Column, out: &mut Out) -> Option<Vec<String>> {
    let name = quoted(&column.name);
    let numbers: Option<Vec<f64>> = column.present().map(|v| v.parse::<f64>().ok()).collect();
    if let Some(numbers) = numbers {
        let low = numbers.iter().copied().fold(f64::INFINITY, f64::min);
        let high = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if low >= 1.0 && high <= 5.0 {
            return Some(vec![
                format!("# {name}: answers {low}–{high}, on the default 1–5 scale (4 and 5 are satisfied)"),
                format!("csat = {name}"),
            ]);
        }
        if low >= 0.0 && high <= 10.0 {
            let bottom = if low < 1.0 { 0 } else { 1 };
            out.scales.push(format!(
                "# {name} answers {low}–{high}: a {bottom}–10 scale, 9 and 10 satisfied"
            ));
            out.scales.push(format!("csat = [{bottom}, 10]"));
            out.scales.push("csat_satisfied_min = 9".into());
            return Some(vec![format!("csat = {name}")]);
        }
        return None;
    }
    let mut map: Vec<(String, Option<u8>)> = Vec::new();
    for value in column.present() {
        // A number on the scale is kept as it is.
        if value.parse::<f64>().is_ok_and(|x| (1.0..=5.0).contains(&x)) {
            continue;
        }
        let lower = value.to_lowercase();
        let known = CSAT_WORDS.iter().find(|(w, _)| *w == lower)?;
        if !map.iter().any(|(v, _)| v == value) {
            map.push((value.to_string(), known.1));
        }
    }
    map.sort();
    let entries: Vec<String> = (map.iter())
        .map(|(v, s)| {
            let score = s.map(|s| s.to_string()).unwrap_or_else(|| "\"\"".into());
            format!("{} = {score}", quoted(v))
        })
        .collect();
    Some(vec![
        format!(
            "# {name}: survey answers in words, mapped onto 1–5 (\"\" = no answer; numbers 1–5 kept)"
        ),
        format!(
            "csat = {{ column = {name}, values = {{ {} }} }}",
            entries.join(", ")
        ),
    ])
}

/// Proposes `[categories]` from a type-like column's values.
fn categories(columns: &[Column], keys: &[String], used: &mut HashSet<usize>, out: &mut Out) {
    let Some(i) = TYPE_COLUMNS
        .iter()
        .find_map(|t| (0..columns.len()).find(|&i| keys[i] == *t && !used.contains(&i)))
    else {
        out.categories.push(
            "# No type-like column: every record is uncategorized (say default = \"service\" \
             or \"support\" if they all are one)."
                .into(),
        );
        return;
    };
    let column = &columns[i];
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for value in column.present() {
        *counts.entry(value).or_default() += 1;
    }
    let mut values: Vec<(&str, usize)> = counts.into_iter().collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let canonical_values = [
        canonical::SUPPORT,
        canonical::SERVICE,
        canonical::UNCATEGORIZED,
    ];
    let canonical_count: usize = (values.iter())
        .filter(|(v, _)| canonical_values.contains(&v.trim().to_lowercase().as_str()))
        .map(|(_, n)| n)
        .sum();
    if canonical_count * 2 > column.count() {
        out.categories.push(format!(
            "# {}: mostly support / service already (case and spaces aside); other values stay \
             uncategorized, as in a canonical log",
            quoted(&column.name)
        ));
        out.categories
            .push(format!("column = {}", quoted(&column.name)));
        out.categories.push("support = [\"support\"]".into());
        out.categories.push("service = [\"service\"]".into());
        used.insert(i);
        return;
    }
    let is_support = |v: &str| {
        let lower = v.to_lowercase();
        SUPPORT_WORDS.iter().any(|w| lower.contains(w))
    };
    let support: Vec<&str> = values
        .iter()
        .map(|(v, _)| *v)
        .filter(|v| is_support(v))
        .collect();
    let shown: Vec<String> = (values.iter().take(30))
        .map(|(v, n)| format!("{v} ({n})"))
        .collect();
    let more = values.len().saturating_sub(30);
    out.categories.push(format!(
        "# {}: {} values{}",
        quoted(&column.name),
        values.len(),
        if more > 0 { ", the commonest:" } else { ":" }
    ));
    for chunk in shown.chunks(6) {
        out.categories.push(format!("#   {}", chunk.join(", ")));
    }
    if more > 0 {
        out.categories.push(format!("#   … and {more} more"));
    }
    out.categories.push(
        "# Proposed: values naming a technical problem are support, the rest service; an empty \
         value stays uncategorized. Edit the list to suit."
            .into(),
    );
    out.categories
        .push(format!("column = {}", quoted(&column.name)));
    out.categories.push(format!(
        "support = [{}]",
        (support.iter().map(|v| quoted(v)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.categories.push("default = \"service\"".into());
    used.insert(i);
}
