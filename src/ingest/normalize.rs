//! Normalization: the raw text frame becomes the typed canonical frame, with every invalid
//! record marked (SPEC §2 "Invalid values") by polars expressions over the whole frame.
//!
//! Each value is parsed non-strictly and compared with its text: text present but no value
//! means the text did not parse. A record failing any check is flagged in [`INVALID_COLUMN`];
//! for those records only, [`Canonical::invalid`] gives the first failed check as a code in
//! [`PROBLEM_COLUMN`] (an index into [`Canonical::checks`]) with the offending text in
//! [`BAD_VALUE_COLUMN`].

use anyhow::Result;
use chrono_tz::Tz;
use polars::prelude::*;

use super::{
    origin_column, RawLog, EXTRA_FIELDS, FILE_COLUMN, MALFORMED_COLUMN, MISSING_FIELDS,
    NOT_AN_OBJECT, RECORD_COLUMN,
};
use crate::canonical::{self, Kind, FIELDS};
use crate::config::Scales;
use crate::exprs::{first_match, is_one_of};
use crate::timestamps::{self, Shapes};
use crate::user_error;

/// Column of the canonical frame: whether the record failed any check.
pub(crate) const INVALID_COLUMN: &str = "__invalid";
pub(crate) const PROBLEM_COLUMN: &str = "__problem";
/// Whether the record's `interaction_id` was seen in an earlier record; computed over the
/// whole frame before the invalid records are picked out (with [`DuplicateTest::Exact`]), or
/// given in the raw frame (with [`DuplicateTest::Given`]).
pub(crate) const DUPLICATE_COLUMN: &str = "__duplicate";
/// Column of the canonical frame (with [`DuplicateTest::Hashed`]): a 64-bit hash of the
/// `interaction_id`, null where it is missing.
pub(crate) const ID_HASH_COLUMN: &str = "__id_hash";
pub(crate) const BAD_VALUE_COLUMN: &str = "__bad_value";

/// Name of the canonical frame's column holding the text of the `index`-th `--by` key.
pub(crate) fn key_column(index: usize) -> String {
    format!("__key{index}")
}

fn text_column(name: &str) -> String {
    format!("__text_{name}")
}

pub(crate) struct NormalizeOptions<'a> {
    pub(crate) zone: Tz,
    pub(crate) scales: &'a Scales,
    pub(crate) by: &'a [String],
    /// How many of `by`, from the start, come from the `--by` option (the rest from elsewhere,
    /// such as SLA rules), for error messages.
    pub(crate) by_option_keys: usize,
    /// Where the keys a `--schedule` file matches on begin in `by`.
    pub(crate) schedule_keys_from: usize,
    pub(crate) duplicates: DuplicateTest,
    pub(crate) timestamps: Shapes,
}

/// How repeated `interaction_id`s are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DuplicateTest {
    /// Record by record, comparing the ids themselves (a hash set of every id: slow on large
    /// logs).
    Exact,
    /// Not in the frame: it carries [`ID_HASH_COLUMN`] instead. When the hashes are all
    /// distinct, so are the ids, and no record repeats one; otherwise the caller normalizes
    /// again with [`DuplicateTest::Exact`] (see [`ids_may_repeat`]).
    #[default]
    Hashed,
    /// Already known: the raw frame carries [`DUPLICATE_COLUMN`] (the typed pass, which sees
    /// every record, decides it; see [`super::typed`]).
    Given,
}

/// Why a record whose `interaction_id` an earlier record has is invalid.
pub(crate) const REPEATED_ID_REASON: &str = "repeats the interaction_id of an earlier record";

/// What makes a record invalid: the column it concerns (empty for the record as a whole) and
/// why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    pub(crate) column: String,
    /// How messages name the column, e.g. `talk_seconds (from "AvgTalkDuration")`.
    pub(crate) label: String,
    pub(crate) reason: String,
}

/// The typed canonical frame: every canonical field (absent ones as typed nulls), the `--by`
/// keys as text, and the validity columns.
pub(crate) struct Canonical {
    /// Every record, typed, flagged in [`INVALID_COLUMN`].
    pub(crate) frame: LazyFrame,
    /// The invalid records: file, record, [`PROBLEM_COLUMN`] and [`BAD_VALUE_COLUMN`].
    pub(crate) invalid: LazyFrame,
    /// Canonical fields the input has (absent ones are all-null in the frame).
    pub(crate) present: Vec<&'static str>,
    pub(crate) checks: Vec<Check>,
    /// The codes of the checks that a timestamp did not parse.
    pub(crate) timestamp_checks: Vec<u32>,
    pub(crate) sources: Vec<String>,
}

impl Canonical {
    pub(crate) fn has(&self, field: &str) -> bool {
        self.present.contains(&field)
    }
}

/// Builds the canonical frame from the raw text frame (no data is read yet: this is a plan).
pub(crate) fn normalize(mut raw: RawLog, options: &NormalizeOptions) -> Result<Canonical> {
    give_empty_logs_an_id_column(&mut raw);
    check_columns(&raw, options)?;
    let present = canonical::present_fields(raw.columns.iter().map(String::as_str));
    let (texts, blank_is_missing) = text_columns(&raw, &present, options);
    let mut checks = Checks::default();
    add_record_checks(&mut checks);
    add_encoding_checks(&raw, &present, options, &mut checks);
    let (typed, timestamp_columns) = field_values(&raw, &present, options, &mut checks);
    add_cross_field_checks(&present, options, &mut checks);
    let mut keep = kept_columns(options);
    let texts = raw.frame.select(texts).with_columns(blank_is_missing);
    let mut frame =
        timestamps::with_parsed(texts, &timestamp_columns, options.zone, options.timestamps)
            .with_columns(typed);
    match options.duplicates {
        DuplicateTest::Exact => {
            frame = frame.with_column(
                (col(canonical::INTERACTION_ID).is_first_distinct().not()).alias(DUPLICATE_COLUMN),
            );
        }
        DuplicateTest::Hashed => {
            frame = frame.with_column(hashed(col(canonical::INTERACTION_ID)).alias(ID_HASH_COLUMN));
            keep.push(col(ID_HASH_COLUMN));
        }
        DuplicateTest::Given => {}
    }
    let frame = frame.with_column(checks.any_failed()?);
    // Which check failed, and on what text, only for the few invalid records.
    let invalid = frame
        .clone()
        .filter(col(INVALID_COLUMN))
        .with_column(checks.problem_code())
        .with_column(checks.bad_value())
        .select([
            col(FILE_COLUMN),
            col(RECORD_COLUMN),
            col(PROBLEM_COLUMN),
            col(BAD_VALUE_COLUMN),
        ]);
    Ok(Canonical {
        frame: frame.select(keep),
        invalid,
        present,
        timestamp_checks: checks.timestamps,
        checks: checks.described,
        sources: raw.sources,
    })
}

/// Only sources without a single readable record lack columns; with nothing else they still
/// make a (possibly empty) log, given an empty `interaction_id` column.
fn give_empty_logs_an_id_column(raw: &mut RawLog) {
    if !raw.columns.iter().any(|c| c == canonical::INTERACTION_ID)
        && raw.source_columns.iter().all(Vec::is_empty)
    {
        raw.frame = std::mem::take(&mut raw.frame).with_column(
            lit(NULL)
                .cast(DataType::String)
                .alias(canonical::INTERACTION_ID),
        );
        raw.columns.push(canonical::INTERACTION_ID.to_string());
    }
}

/// The required column in every source, and every group key among the input's columns (with
/// a did-you-mean).
fn check_columns(raw: &RawLog, options: &NormalizeOptions) -> Result<()> {
    let found = || found_columns(&raw.columns);
    for (source, columns) in raw.sources.iter().zip(&raw.source_columns) {
        // A JSON source without records has no columns to check.
        if !columns.is_empty() && !columns.iter().any(|c| c == canonical::INTERACTION_ID) {
            return Err(user_error!(
                "{source}: missing required column {}{}; the file has columns: {}\n\
                 (for an export with its own column names, map them with --config, see \
                 docs/your-export.md, or use --preset zendesk or --preset freshdesk)",
                canonical::INTERACTION_ID,
                closest(canonical::INTERACTION_ID, columns),
                found_columns(columns)
            ));
        }
    }
    for (index, key) in options.by.iter().enumerate() {
        if key == canonical::CATEGORY {
            return Err(user_error!(
                "--by category: the category is always a group key; name other columns"
            ));
        }
        if !raw.columns.contains(key) {
            let what = if index < options.by_option_keys {
                "--by key"
            } else if index >= options.schedule_keys_from {
                "--schedule match key"
            } else {
                "group key (from an SLA rule's by)"
            };
            return Err(user_error!(
                "unknown {what} {key}{}; the input has columns: {}",
                closest(key, &raw.columns),
                found()
            ));
        }
    }
    Ok(())
}

/// The text stage: where each record comes from, every present field's and group key's value
/// trimmed; then, a stage of its own so that each value is trimmed once, blank as missing.
fn text_columns(
    raw: &RawLog,
    present: &[&'static str],
    options: &NormalizeOptions,
) -> (Vec<Expr>, Vec<Expr>) {
    let mut texts = vec![col(FILE_COLUMN), col(RECORD_COLUMN), col(MALFORMED_COLUMN)];
    if options.duplicates == DuplicateTest::Given {
        texts.push(col(DUPLICATE_COLUMN));
    }
    texts.extend(
        (raw.origins.iter())
            .filter(|o| o.converted)
            .map(|o| col(origin_column(o.field))),
    );
    texts.extend(
        present
            .iter()
            .map(|name| trimmed(col(*name)).alias(text_column(name))),
    );
    texts.extend(
        options
            .by
            .iter()
            .enumerate()
            .map(|(i, key)| trimmed(col(key.as_str())).alias(key_column(i))),
    );
    let blank_is_missing: Vec<Expr> = (present.iter().map(|name| text_column(name)))
        .chain((0..options.by.len()).map(key_column))
        .map(|column| {
            when(col(column.as_str()).eq(lit("")))
                .then(lit(NULL).cast(DataType::String))
                .otherwise(col(column.as_str()))
                .alias(column)
        })
        .collect();
    (texts, blank_is_missing)
}

/// The checks on a record's shape, whatever its fields.
fn add_record_checks(checks: &mut Checks) {
    checks.add_for_record(
        "has more fields than the header",
        col(MALFORMED_COLUMN).eq(lit(EXTRA_FIELDS)),
    );
    checks.add_for_record(
        "has fewer fields than the header (an empty value still needs its delimiter)",
        col(MALFORMED_COLUMN).eq(lit(MISSING_FIELDS)),
    );
    checks.add_for_record(
        "is not a JSON object (a malformed line, or another kind of JSON value)",
        col(MALFORMED_COLUMN).eq(lit(NOT_AN_OBJECT)),
    );
}

/// Undecodable bytes were read as U+FFFD; say so before any check on what they spell. Only
/// sources with such bytes are searched, so a U+FFFD written in a UTF-8 file is a value.
fn add_encoding_checks(
    raw: &RawLog,
    present: &[&'static str],
    options: &NormalizeOptions,
    checks: &mut Checks,
) {
    if !raw.undecodable.is_empty() {
        let in_undecodable_source = if raw.undecodable.len() == raw.sources.len() {
            lit(true)
        } else {
            let sources = Series::new("undecodable".into(), &raw.undecodable);
            col(FILE_COLUMN).is_in(lit(sources).implode(true), false)
        };
        let undecodable = |text: Expr| {
            (text.str())
                .contains_literal(lit(char::REPLACEMENT_CHARACTER.to_string()))
                .and(in_undecodable_source.clone())
        };
        for name in present {
            checks.add(
                name,
                ENCODING_REASON.into(),
                undecodable(col(text_column(name))),
            );
        }
        for (i, key) in options.by.iter().enumerate() {
            if !present.contains(&key.as_str()) {
                checks.add_with_value(
                    key,
                    ENCODING_REASON.into(),
                    undecodable(col(key_column(i))),
                    col(key_column(i)),
                );
            }
        }
    }
}

/// Each canonical field typed (a missing one as nulls), with its value checks; the timestamp
/// fields, parsed in stages of their own, are returned as (text column, field) pairs.
fn field_values(
    raw: &RawLog,
    present: &[&'static str],
    options: &NormalizeOptions,
    checks: &mut Checks,
) -> (Vec<Expr>, Vec<(String, String)>) {
    let mut typed = Vec::with_capacity(FIELDS.len());
    let mut timestamp_columns = Vec::new();
    for field in &FIELDS {
        if !present.contains(&field.name) {
            let absent = if field.kind == Kind::Category {
                canonical::category_literal(canonical::UNCATEGORIZED)
            } else {
                lit(NULL).cast(dtype_of(field.kind))
            };
            typed.push(absent.alias(field.name));
            continue;
        }
        let text = col(text_column(field.name));
        match parse(field.kind, text.clone()) {
            Some(value) => typed.push(value.alias(field.name)),
            None => timestamp_columns.push((text_column(field.name), field.name.to_string())),
        }
        let origin = raw.origins.iter().find(|o| o.field == field.name);
        if let Some(origin) = origin {
            let shown = if origin.converted {
                col(origin_column(field.name))
            } else {
                col(text_column(field.name))
            };
            checks.describe(
                field.name,
                format!("{} (from {})", field.name, origin.source),
                shown,
            );
        }
        value_checks(
            field.name,
            field.kind,
            text,
            col(field.name),
            origin.and_then(|o| o.expected.as_deref()),
            options.scales,
            checks,
        );
    }
    (typed, timestamp_columns)
}

/// The checks across fields: responses and resolutions not before creation, an id on every
/// record and no id twice.
fn add_cross_field_checks(
    present: &[&'static str],
    options: &NormalizeOptions,
    checks: &mut Checks,
) {
    for later in [canonical::FIRST_RESPONSE_AT, canonical::RESOLVED_AT] {
        if present.contains(&later) && present.contains(&canonical::CREATED_AT) {
            checks.add(
                later,
                format!("is before {}", canonical::CREATED_AT),
                col(later).lt(col(canonical::CREATED_AT)),
            );
        }
    }
    checks.add(
        canonical::INTERACTION_ID,
        "has no value (every record needs one)".into(),
        col(text_column(canonical::INTERACTION_ID)).is_null(),
    );
    let repeated_id = match options.duplicates {
        DuplicateTest::Exact | DuplicateTest::Given => col(DUPLICATE_COLUMN),
        DuplicateTest::Hashed => lit(false),
    };
    checks.add(
        canonical::INTERACTION_ID,
        REPEATED_ID_REASON.into(),
        repeated_id,
    );
}

/// The identifiers and free-text fields are done with once checked (a group key has its own
/// column); the customer stays, for churn and repeat contacts.
fn kept_columns(options: &NormalizeOptions) -> Vec<Expr> {
    let mut keep = vec![col(FILE_COLUMN), col(RECORD_COLUMN)];
    keep.extend(
        (FIELDS.iter())
            .filter(|f| f.kind != Kind::Text || f.name == canonical::CUSTOMER_ID)
            .map(|f| col(f.name)),
    );
    keep.extend((0..options.by.len()).map(|i| col(key_column(i))));
    keep.push(col(INVALID_COLUMN));
    keep
}

/// How many records [`timestamp_sample`] looks at.
const TIMESTAMP_SAMPLE: u32 = 10_000;

/// A plan of one row: for each timestamp column, whether its values in the first records all
/// have the common shapes (see [`Shapes::Common`]), which predicts that parsing only those will
/// do. `None` when the input has no timestamp column.
pub(crate) fn timestamp_sample(raw: &RawLog) -> Option<LazyFrame> {
    let looks_common: Vec<Expr> = (FIELDS.iter())
        .filter(|f| f.kind == Kind::Timestamp && raw.columns.iter().any(|c| c == f.name))
        .map(|f| {
            let text = trimmed(col(f.name));
            (text.clone().eq(lit("")))
                .or(timestamps::common_shape(text))
                .fill_null(lit(true))
                .all(true)
                .alias(f.name)
        })
        .collect();
    if looks_common.is_empty() {
        return None;
    }
    Some(
        (raw.frame.clone())
            .limit(TIMESTAMP_SAMPLE)
            .select(looks_common),
    )
}

/// A 64-bit hash of each value; null stays null.
pub(crate) fn hashed(value: Expr) -> Expr {
    // Fixed seeds: the same value hashes alike in every run.
    when(value.clone().is_not_null())
        .then(value.hash(
            0x6378_6b70_6921,
            0x9e37_79b9_7f4a_7c15,
            0x2545_f491_4f6c_dd1d,
            7,
        ))
        .otherwise(lit(NULL).cast(DataType::UInt64))
}

/// Whether a frame normalized with [`DuplicateTest::Hashed`] may hold a repeated
/// `interaction_id`: whether two of its id hashes are equal. When they are all distinct the ids
/// are too, so `false` is exact; `true` may come from a hash collision, so the caller checks
/// again with [`DuplicateTest::Exact`].
pub(crate) fn ids_may_repeat(frame: &DataFrame) -> PolarsResult<bool> {
    let hashes = frame.column(ID_HASH_COLUMN)?.drop_nulls();
    Ok(hashes.n_unique()? < hashes.len())
}

/// The columns a file has, for error messages: quoted, and cut short when there are many.
fn found_columns(columns: &[String]) -> String {
    const LISTED: usize = 40;
    let mut listed: Vec<String> = columns
        .iter()
        .take(LISTED)
        .map(|c| format!("{c:?}"))
        .collect();
    if columns.len() > LISTED {
        listed.push(format!("… ({} in all)", columns.len()));
    }
    listed.join(", ")
}

/// ` (did you mean "Ticket_Id"?)` when a column's name is close to `wanted`.
fn closest(wanted: &str, columns: &[String]) -> String {
    let normalized = |name: &str| name.to_lowercase().replace([' ', '-', '_'], "");
    columns
        .iter()
        .map(|c| (strsim::jaro_winkler(&normalized(wanted), &normalized(c)), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}

/// Text without surrounding whitespace.
fn trimmed(text: Expr) -> Expr {
    text.cast(DataType::String).str().strip_chars(lit(NULL))
}

fn dtype_of(kind: Kind) -> DataType {
    match kind {
        Kind::Text => DataType::String,
        Kind::Category => canonical::CATEGORY_DTYPE,
        Kind::Timestamp => DataType::Int64,
        Kind::Flag => DataType::Boolean,
        Kind::Seconds | Kind::Count | Kind::Csat | Kind::Nps | Kind::Ces => DataType::Float64,
    }
}

/// The typed value of `text`; `None` for timestamps, which are parsed in stages of their own
/// (see [`timestamps::with_parsed`]).
fn parse(kind: Kind, text: Expr) -> Option<Expr> {
    let value = match kind {
        Kind::Text => text,
        Kind::Category => {
            let lower = text.str().to_lowercase();
            let code = canonical::category_literal;
            when(lower.clone().eq(lit(canonical::SUPPORT)))
                .then(code(canonical::SUPPORT))
                .when(lower.eq(lit(canonical::SERVICE)))
                .then(code(canonical::SERVICE))
                .otherwise(code(canonical::UNCATEGORIZED))
        }
        Kind::Timestamp => return None,
        Kind::Flag => {
            let lower = text.str().to_lowercase();
            when(is_one_of(lower.clone(), &["true", "1", "yes"]))
                .then(lit(true))
                .when(is_one_of(lower, &["false", "0", "no"]))
                .then(lit(false))
                .otherwise(lit(NULL).cast(DataType::Boolean))
        }
        Kind::Seconds | Kind::Count | Kind::Csat | Kind::Nps | Kind::Ces => {
            text.cast(DataType::Float64)
        }
    };
    Some(value)
}

fn value_checks(
    name: &str,
    kind: Kind,
    text: Expr,
    value: Expr,
    expected: Option<&str>,
    scales: &Scales,
    checks: &mut Checks,
) {
    let not_expected = |default: &str| match expected {
        Some(expected) => format!("is not {expected}"),
        None => default.to_string(),
    };
    let unparsed = text.clone().is_not_null().and(value.clone().is_null());
    let not_finite = text
        .is_not_null()
        .and(value.clone().is_null().or(value.clone().is_finite().not()));
    // Casting to an integer truncates, so only whole numbers survive the round trip.
    let whole = value
        .clone()
        .eq(value.clone().cast(DataType::Int64).cast(DataType::Float64));
    let within = |low: f64, high: f64| {
        value
            .clone()
            .gt_eq(lit(low))
            .and(value.clone().lt_eq(lit(high)))
    };
    match kind {
        Kind::Text | Kind::Category => {}
        Kind::Timestamp => {
            checks.timestamps.push(checks.described.len() as u32);
            checks.add(
                name,
                not_expected(
                    "is not a timestamp (write 2026-03-01T09:15:00Z, 2026-03-01T09:15:00+02:00 \
                     or 2026-03-01 09:15:00)",
                ),
                unparsed,
            )
        }
        Kind::Flag => checks.add(
            name,
            "is not a boolean (write true/false, 1/0 or yes/no)".into(),
            unparsed,
        ),
        Kind::Seconds => {
            checks.add(name, not_expected("is not a number of seconds"), not_finite);
            checks.add(name, "is a negative duration".into(), value.lt(lit(0.0)));
        }
        Kind::Count => {
            checks.add(name, "is not a number".into(), not_finite);
            checks.add(
                name,
                "is not a whole number >= 0".into(),
                whole.not().or(value.lt(lit(0.0))),
            );
        }
        Kind::Csat | Kind::Ces => {
            let (label, (low, high)) = if kind == Kind::Csat {
                ("CSAT", scales.csat)
            } else {
                ("CES", scales.ces)
            };
            checks.add(name, "is not a number".into(), not_finite);
            checks.add(
                name,
                format!("is outside the {label} scale {low}–{high}"),
                within(low, high).not(),
            );
        }
        Kind::Nps => {
            checks.add(name, "is not a number".into(), not_finite);
            checks.add(
                name,
                "is not an NPS answer (a whole number 0–10)".into(),
                whole.and(within(0.0, 10.0)).not(),
            );
        }
    }
}

const ENCODING_REASON: &str =
    "is not valid UTF-8 (is the file in another encoding, such as Latin-1?)";

/// The ordered list of checks; a record's problem is the first one it fails.
#[derive(Default)]
struct Checks {
    described: Vec<Check>,
    conditions: Vec<Expr>,
    /// The text each check reports as the offending value.
    values: Vec<Expr>,
    /// Fields reported otherwise than by name and text: (field, label, value).
    labels: Vec<(String, String, Expr)>,
    /// The codes of the checks that a timestamp did not parse.
    timestamps: Vec<u32>,
}

impl Checks {
    /// A check on canonical field `column`, reporting its text.
    /// A check on canonical field `field`, reporting it as [`Checks::describe`] says (by
    /// default, by its name and its text).
    fn add(&mut self, field: &str, reason: String, failed: Expr) {
        let (label, value) = match self.labels.iter().find(|(f, _, _)| f == field) {
            Some((_, label, value)) => (label.clone(), value.clone()),
            None => (field.to_string(), col(text_column(field))),
        };
        self.push(field, label, reason, failed, value);
    }

    /// Reports problems of `field` under `label`, showing `value` (the file's own text).
    fn describe(&mut self, field: &str, label: String, value: Expr) {
        self.labels.push((field.to_string(), label, value));
    }

    /// A check on the record as a whole (no column, no value).
    fn add_for_record(&mut self, reason: &str, failed: Expr) {
        let no_value = lit(NULL).cast(DataType::String);
        self.push("", String::new(), reason.to_string(), failed, no_value);
    }

    fn add_with_value(&mut self, column: &str, reason: String, failed: Expr, value: Expr) {
        self.push(column, column.to_string(), reason, failed, value);
    }

    fn push(&mut self, column: &str, label: String, reason: String, failed: Expr, value: Expr) {
        self.described.push(Check {
            column: column.to_string(),
            label,
            reason,
        });
        self.conditions.push(failed);
        self.values.push(value);
    }

    /// Whether any check fails; a check that is null (unknown) does not fail.
    fn any_failed(&self) -> Result<Expr> {
        Ok(any_horizontal(&self.conditions)?
            .fill_null(lit(false))
            .alias(INVALID_COLUMN))
    }

    fn problem_code(&self) -> Expr {
        let cases = (self.conditions.iter().cloned())
            .enumerate()
            .map(|(code, condition)| (condition, lit(code as u32)))
            .collect();
        first_match(cases, lit(NULL).cast(DataType::UInt32)).alias(PROBLEM_COLUMN)
    }

    fn bad_value(&self) -> Expr {
        let cases = (self.values.iter().cloned())
            .enumerate()
            .map(|(code, value)| (col(PROBLEM_COLUMN).eq(lit(code as u32)), value))
            .collect();
        first_match(cases, lit(NULL).cast(DataType::String)).alias(BAD_VALUE_COLUMN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_may_repeat_when_two_hashes_are_equal_not_when_two_are_missing() {
        let frame = |hashes: &[Option<u64>]| df!(ID_HASH_COLUMN => hashes).unwrap();
        assert!(!ids_may_repeat(&frame(&[Some(1), None, Some(2), None])).unwrap());
        assert!(ids_may_repeat(&frame(&[Some(1), Some(2), Some(1)])).unwrap());
    }

    #[test]
    fn suggests_the_closest_column_name() {
        let columns = [
            "Ticket ID".to_string(),
            "InteractionID".to_string(),
            "csat".to_string(),
        ];
        assert_eq!(
            closest("interaction_id", &columns),
            " (did you mean \"InteractionID\"?)"
        );
        assert_eq!(closest("channel", &columns), "");
    }
}
