//! Column mapping (SPEC §7 `[columns]`, `[categories]`, `[input] null_values`): an export's own
//! columns become canonical text columns, which normalization then parses and checks.
//!
//! A conversion that fails (a duration that is not `H:MM:SS`, a timestamp not in the configured
//! format) yields a text no parser reads, so that validation reports the record, showing the
//! file's own text; a value that merely looks canonical is not let through.

use anyhow::Result;
use polars::prelude::*;

use super::{origin_column, Origin, RawLog, FILE_COLUMN, MALFORMED_COLUMN, RECORD_COLUMN};
use crate::canonical::{Kind, CATEGORY, FIELDS, SERVICE, SUPPORT, UNCATEGORIZED};
use crate::config::{CategoryRules, ColumnMapping, Config, Unit};
use crate::date_formats::{self, Sniffed};
use crate::exprs::{first_match, is_one_of};
use crate::timestamps::strptime;
use crate::user_error;

/// Applies the config's mapping to the raw log; without one the log is returned as it is.
/// Source column names are matched exactly, else trimmed and case-insensitively. An optional
/// mapping whose column no file has is dropped (the field is absent), with a notice in
/// [`RawLog::notes`]; so is a timestamp format sniffed from the values (see
/// [`sniff_timestamps`]).
pub(crate) fn apply(mut raw: RawLog, config: &Config) -> Result<RawLog> {
    let nulls = &config.input.null_values;
    let mut absent: Vec<String> = Vec::new();
    let mut columns = Vec::with_capacity(config.columns.len());
    for mapping in &config.columns {
        let resolved: Option<Vec<String>> = (mapping.sources.iter())
            .map(|s| resolve(s, &raw.columns))
            .collect();
        match resolved {
            Some(sources) => columns.push(ColumnMapping {
                sources,
                ..mapping.clone()
            }),
            None if mapping.optional => absent.push(format!(
                "{} ({})",
                mapping.field,
                quoted_sources(&mapping.sources)
            )),
            None => columns.push(mapping.clone()),
        }
    }
    let categories = config.categories.as_ref().map(|rules| {
        let Some(column) = &rules.column else {
            return rules.clone();
        };
        match resolve(column, &raw.columns) {
            Some(column) => CategoryRules {
                column: Some(column),
                ..rules.clone()
            },
            None if rules.optional => {
                absent.push(format!(
                    "category ({column:?}: every record is uncategorized)"
                ));
                CategoryRules {
                    column: None,
                    support: Vec::new(),
                    service: Vec::new(),
                    default: UNCATEGORIZED.to_string(),
                    optional: true,
                }
            }
            None => rules.clone(),
        }
    });
    let mut config = Config {
        columns,
        categories,
        ..config.clone()
    };
    if !absent.is_empty() {
        raw.notes.push(format!(
            "not in the input, so the metrics they feed have n = 0: {}; to read other columns \
             for them, map them in a --config (`cxkpi inspect FILE` writes one)",
            absent.join(", ")
        ));
    }
    sniff_timestamps(&mut raw, &mut config)?;
    let config = &config;
    if config.columns.is_empty() && config.categories.is_none() && nulls.is_empty() {
        return Ok(raw);
    }
    check_sources(&raw, config)?;
    let mut produced: Vec<String> = config.columns.iter().map(|m| m.field.to_string()).collect();
    let mut exprs = vec![col(FILE_COLUMN), col(RECORD_COLUMN), col(MALFORMED_COLUMN)];
    let mut origins = Vec::new();
    for mapping in &config.columns {
        exprs.push(mapped(mapping, nulls).alias(mapping.field));
        let converted = is_converted(mapping);
        if converted {
            exprs.push(source_text(mapping, nulls).alias(origin_column(mapping.field)));
        }
        origins.push(Origin {
            field: mapping.field,
            source: quoted_sources(&mapping.sources),
            expected: expected(mapping),
            converted,
        });
    }
    if let Some(rules) = &config.categories {
        exprs.push(category(rules, nulls).alias(CATEGORY));
        produced.push(CATEGORY.to_string());
    }
    // Source columns stay available (as --by keys, or as canonical fields the config does not
    // map) unless a mapped field of the same name replaces them.
    let kept = |columns: &[String]| -> Vec<String> {
        let mut names = produced.clone();
        names.extend(columns.iter().filter(|c| !produced.contains(c)).cloned());
        names
    };
    exprs.extend(
        (raw.columns.iter())
            .filter(|c| !produced.contains(c))
            .map(|c| without_nulls(col(c.as_str()), nulls).alias(c.as_str())),
    );
    Ok(RawLog {
        undecodable: raw.undecodable,
        notes: raw.notes,
        frame: raw.frame.select(exprs),
        columns: kept(&raw.columns),
        source_columns: raw
            .source_columns
            .iter()
            .map(|columns| {
                if columns.is_empty() {
                    Vec::new()
                } else {
                    kept(columns)
                }
            })
            .collect(),
        sources: raw.sources,
        origins,
    })
}

/// Every column the config reads must be in every file (a JSON file without records has none).
fn check_sources(raw: &RawLog, config: &Config) -> Result<()> {
    let mut needed: Vec<(String, &str)> = Vec::new();
    // The required field first, so that a wrong export is named by what matters most.
    let mut mappings: Vec<&ColumnMapping> = config.columns.iter().collect();
    mappings.sort_by_key(|m| m.field != crate::canonical::INTERACTION_ID);
    for mapping in mappings {
        for source in &mapping.sources {
            needed.push((format!("[columns] {}", mapping.field), source));
        }
    }
    if let Some(column) = config.categories.as_ref().and_then(|r| r.column.as_ref()) {
        needed.push(("[categories] column".to_string(), column));
    }
    for (file, columns) in raw.sources.iter().zip(&raw.source_columns) {
        if columns.is_empty() {
            continue;
        }
        if let Some((key, source)) = needed.iter().find(|(_, s)| !columns.iter().any(|c| c == s)) {
            let listed: Vec<String> = columns.iter().map(|c| format!("{c:?}")).collect();
            return Err(user_error!(
                "config {key}: column \"{source}\" is not in {file}; its columns are: {}",
                listed.join(", ")
            ));
        }
    }
    Ok(())
}

/// Trimmed text; blank or one of `nulls` is missing.
fn cleaned(text: Expr, nulls: &[String]) -> Expr {
    let trimmed = text.str().strip_chars(lit(NULL));
    let mut missing = trimmed.clone().eq(lit(""));
    if !nulls.is_empty() {
        missing = missing.or(is_null_word(trimmed.clone(), nulls));
    }
    when(missing)
        .then(lit(NULL).cast(DataType::String))
        .otherwise(trimmed)
}

/// A source column kept as it is, but for the global null values.
fn without_nulls(text: Expr, nulls: &[String]) -> Expr {
    if nulls.is_empty() {
        text
    } else {
        cleaned(text, nulls)
    }
}

/// True where `text` is one of the null words, compared case-insensitively (`NA`, `n/a`).
fn is_null_word(text: Expr, nulls: &[String]) -> Expr {
    let words: Vec<String> = nulls.iter().map(|w| w.trim().to_lowercase()).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    is_one_of(text.str().to_lowercase(), &words)
}

/// The field's source column(s), cleaned and joined with a space: the text as the file has it.
fn source_text(mapping: &ColumnMapping, nulls: &[String]) -> Expr {
    let parts: Vec<Expr> = (mapping.sources.iter())
        .map(|source| cleaned(col(source.as_str()), nulls))
        .collect();
    if parts.len() == 1 {
        parts.into_iter().next().expect("one part")
    } else {
        concat_str(parts, " ", false)
    }
}

/// Whether the field's text is anything but its one source column's.
fn is_converted(mapping: &ColumnMapping) -> bool {
    mapping.sources.len() > 1
        || mapping.format.is_some()
        || mapping.unit.is_some_and(|unit| unit != Unit::Seconds)
        || !mapping.values.is_empty()
        || !mapping.null_values.is_empty()
        || mapping.default.is_some()
}

/// What a conversion expects of the source text, for error messages.
fn expected(mapping: &ColumnMapping) -> Option<String> {
    if let Some(format) = &mapping.format {
        return Some(format!("a timestamp in the format {format}"));
    }
    match mapping.unit? {
        Unit::Seconds => None,
        Unit::Minutes => Some("a number of minutes".into()),
        Unit::Hours => Some("a number of hours".into()),
        Unit::Clock => Some("a duration written H:MM:SS".into()),
    }
}

/// The canonical text of one mapped field.
fn mapped(mapping: &ColumnMapping, nulls: &[String]) -> Expr {
    let mut text = source_text(mapping, nulls);
    if !mapping.null_values.is_empty() {
        text = when(is_null_word(text.clone(), &mapping.null_values))
            .then(lit(NULL).cast(DataType::String))
            .otherwise(text);
    }
    if !mapping.values.is_empty() {
        let lower = text.clone().str().to_lowercase();
        let cases = (mapping.values.iter())
            .map(|(raw, value)| {
                let value = match value {
                    Some(value) => lit(value.as_str()),
                    None => lit(NULL).cast(DataType::String),
                };
                (lower.clone().eq(lit(raw.to_lowercase())), value)
            })
            .collect();
        let other = match &mapping.default {
            Some(default) => when(text.clone().is_null())
                .then(lit(NULL).cast(DataType::String))
                .otherwise(lit(default.as_str())),
            None => text.clone(),
        };
        text = first_match(cases, other);
    } else if let Some(default) = &mapping.default {
        text = text.fill_null(lit(default.as_str()));
    }
    if let Some(unit) = mapping.unit {
        text = in_seconds(text, unit);
    }
    if let Some(format) = &mapping.format {
        text = reformatted(text, format);
    }
    text
}

/// A duration in `unit` as text in seconds.
fn in_seconds(text: Expr, unit: Unit) -> Expr {
    let converted = match unit {
        Unit::Seconds => return text,
        Unit::Minutes => text.clone().cast(DataType::Float64) * lit(60.0),
        Unit::Hours => text.clone().cast(DataType::Float64) * lit(3600.0),
        Unit::Clock => {
            const CLOCK: &str = r"^(?:(\d+):)?([0-5]?\d):([0-5]?\d(?:\.\d+)?)$";
            let part = |group| {
                text.clone()
                    .str()
                    .extract(lit(CLOCK), group)
                    .cast(DataType::Float64)
            };
            part(1).fill_null(lit(0.0)) * lit(3600.0) + part(2) * lit(60.0) + part(3)
        }
    };
    unreadable_unless(converted.cast(DataType::String), text)
}

/// Text that no canonical parser reads, standing for a value a conversion could not read.
const UNREADABLE: &str = "\u{1}unreadable";

/// `converted`, or [`UNREADABLE`] where the conversion failed on a present `text`.
fn unreadable_unless(converted: Expr, text: Expr) -> Expr {
    coalesce(&[
        converted,
        when(text.is_not_null())
            .then(lit(UNREADABLE))
            .otherwise(lit(NULL).cast(DataType::String)),
    ])
}

/// A timestamp in `format` rewritten in a canonical form (naive, or UTC when the format has
/// an offset).
fn reformatted(text: Expr, format: &str) -> Expr {
    let has_offset = format.contains("%z") || format.contains("%:z") || format.contains("%#z");
    let parsed = strptime(text.clone(), format);
    let canonical = if has_offset {
        parsed.dt().strftime("%Y-%m-%dT%H:%M:%S%.f+00:00")
    } else {
        parsed.dt().strftime("%Y-%m-%d %H:%M:%S%.f")
    };
    unreadable_unless(canonical, text)
}

/// The category from the rule's column: listed support or service values (compared trimmed and
/// case-insensitively), else the default.
fn category(rules: &CategoryRules, nulls: &[String]) -> Expr {
    let Some(column) = &rules.column else {
        return lit(rules.default.as_str());
    };
    let lower = cleaned(col(column.as_str()), nulls).str().to_lowercase();
    // A missing value is uncategorized: the default is for the values the rules do not list.
    let missing = (lower.clone().is_null(), lit(UNCATEGORIZED));
    let listed = |values: &[String]| {
        let words: Vec<&str> = values.iter().map(String::as_str).collect();
        if words.is_empty() {
            lit(false)
        } else {
            is_one_of(lower.clone(), &words)
        }
    };
    first_match(
        vec![
            missing,
            (listed(&rules.support), lit(SUPPORT)),
            (listed(&rules.service), lit(SERVICE)),
        ],
        lit(rules.default.as_str()),
    )
}

/// The raw column that `name` (a config's source column) stands for: the one so named, else
/// the one equal to it trimmed and case-insensitively.
fn resolve(name: &str, columns: &[String]) -> Option<String> {
    if columns.iter().any(|c| c == name) {
        return Some(name.to_string());
    }
    let wanted = name.trim().to_lowercase();
    (columns.iter())
        .find(|c| c.trim().to_lowercase() == wanted)
        .cloned()
}

/// `"Date" + "Time"`.
fn quoted_sources(sources: &[String]) -> String {
    (sources.iter())
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// How many records [`sniff_timestamps`] looks at.
const SNIFF_SAMPLE: u32 = 50_000;

/// Gives each timestamp field without a configured format (mapped, or a canonical column
/// of the input) the format its values are in, when they are not in a canonical shape and
/// decide one (SPEC §7); says so in [`RawLog::notes`]. Every value reading both day first and
/// month first is exit 2, with both readings and the config line that settles it.
fn sniff_timestamps(raw: &mut RawLog, config: &mut Config) -> Result<()> {
    let nulls = config.input.null_values.clone();
    let mut candidates: Vec<ColumnMapping> = Vec::new();
    for field in FIELDS.iter().filter(|f| f.kind == Kind::Timestamp) {
        match config.columns.iter().find(|m| m.field == field.name) {
            Some(mapping) if mapping.format.is_none() && mapping.values.is_empty() => {
                candidates.push(mapping.clone())
            }
            Some(_) => {}
            None if raw.columns.iter().any(|c| c == field.name) => candidates.push(ColumnMapping {
                field: field.name,
                sources: vec![field.name.to_string()],
                format: None,
                unit: None,
                values: Vec::new(),
                null_values: Vec::new(),
                default: None,
                optional: false,
            }),
            None => {}
        }
    }
    // A mapping naming a column no file has is reported by check_sources.
    candidates.retain(|m| m.sources.iter().all(|s| raw.columns.contains(s)));
    if candidates.is_empty() {
        return Ok(());
    }
    let exprs: Vec<Expr> = (candidates.iter())
        .map(|m| source_text(m, &nulls).alias(m.field))
        .collect();
    // A sample that cannot be read is left to the full read, which says why.
    let Ok(sample) = raw
        .frame
        .clone()
        .limit(SNIFF_SAMPLE)
        .select(exprs)
        .collect()
    else {
        return Ok(());
    };
    for mapping in candidates {
        let Ok(values) = sample.column(mapping.field).and_then(|c| c.str().cloned()) else {
            continue;
        };
        let texts: Vec<&str> = values.iter().flatten().collect();
        if texts.iter().all(|t| date_formats::is_canonical(t.trim())) {
            continue;
        }
        let label = if mapping.sources == [mapping.field] {
            mapping.field.to_string()
        } else {
            format!(
                "{} (from {})",
                mapping.field,
                quoted_sources(&mapping.sources)
            )
        };
        match date_formats::sniff(texts.into_iter()) {
            Sniffed::Format {
                pattern,
                description,
                evidence,
            } => {
                let because = evidence.map(|e| format!(": {e}")).unwrap_or_default();
                raw.notes.push(format!(
                    "{label}: timestamps read as {description} (format \"{pattern}\"){because}"
                ));
                let sniffed = ColumnMapping {
                    format: Some(pattern),
                    ..mapping.clone()
                };
                match config.columns.iter_mut().find(|m| m.field == mapping.field) {
                    Some(existing) => *existing = sniffed,
                    None => config.columns.push(sniffed),
                }
            }
            Sniffed::Ambiguous {
                day_first,
                month_first,
                example,
            } => {
                let reading = |pattern: &str| {
                    date_formats::parse_with(pattern, &example)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default()
                };
                let source = match mapping.sources.as_slice() {
                    [one] => format!("column = {one:?}"),
                    many => format!("columns = [{}]", quoted_sources(many).replace(" + ", ", ")),
                };
                return Err(user_error!(
                    "{label}: every value reads both day first and month first, so the dates \
                     are ambiguous: {example} is {} day first ({}) or {} month first ({}). \
                     Say which in a --config, e.g. [columns] {} = {{ {source}, format = \"{day_first}\" }} \
                     (or format = \"{month_first}\")",
                    reading(&day_first),
                    date_formats::describe_pattern(&day_first),
                    reading(&month_first),
                    date_formats::describe_pattern(&month_first),
                    mapping.field,
                ));
            }
            // A canonical column keeps the canonical message of validation.
            Sniffed::Unknown { example } if mapping.sources != [mapping.field] => {
                raw.notes.push(format!(
                    "{label}: no one timestamp format reads every value (e.g. {:?}), so records \
                 whose value is not canonical are invalid; if the column has a format of its \
                 own, give it in a --config: [columns] {} = {{ column = {:?}, format = \"…\" }}",
                    crate::messages::printable(&example),
                    mapping.field,
                    mapping.sources.join(" "),
                ))
            }
            Sniffed::Canonical | Sniffed::Unknown { .. } | Sniffed::Empty => {}
        }
    }
    Ok(())
}
