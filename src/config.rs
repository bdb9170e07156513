//! Run configuration (SPEC §7): how to read an export (`[input]`), which of its columns hold
//! which canonical field and how to convert them (`[columns]`), how its values decide the
//! category (`[categories]`), and the survey scales (`[scales]`). Also the built-in presets.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::canonical::{Kind, FIELDS, SERVICE, SUPPORT, UNCATEGORIZED};
use crate::user_error;

/// Survey answer scales and the CSAT "satisfied" threshold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scales {
    pub(crate) csat: (f64, f64),
    pub(crate) csat_satisfied_min: f64,
    pub(crate) ces: (f64, f64),
}

impl Default for Scales {
    fn default() -> Self {
        Scales {
            csat: (1.0, 5.0),
            csat_satisfied_min: 4.0,
            ces: (1.0, 7.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Encoding {
    #[default]
    Utf8,
    /// Windows-1252, which also reads Latin-1 (ISO 8859-1) text.
    Windows1252,
}

/// How the files are read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InputOptions {
    /// The CSV delimiter; `None`: tab for `.tsv` files, comma otherwise.
    pub(crate) delimiter: Option<u8>,
    pub(crate) encoding: Encoding,
    /// Cell texts read as missing, in every column.
    pub(crate) null_values: Vec<String>,
    /// The sheet of a workbook input; `None`: its first worksheet.
    pub(crate) sheet: Option<String>,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            delimiter: None,
            encoding: Encoding::Utf8,
            null_values: Vec::new(),
            sheet: None,
        }
    }
}

/// A duration column's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Seconds,
    Minutes,
    Hours,
    /// `H:MM:SS` (or `MM:SS`).
    Clock,
}

/// Where a canonical field comes from, and how its text is converted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnMapping {
    pub(crate) field: &'static str,
    /// One source column, or several joined with a space.
    pub(crate) sources: Vec<String>,
    /// A strftime format for a timestamp field.
    pub(crate) format: Option<String>,
    pub(crate) unit: Option<Unit>,
    /// Raw text → canonical text (`None`: missing).
    pub(crate) values: Vec<(String, Option<String>)>,
    /// Texts of this column read as missing.
    pub(crate) null_values: Vec<String>,
    /// With `values`: the value of every other present text; without: the value of a missing one.
    pub(crate) default: Option<String>,
    /// When no file has the source column, the field is absent instead of an error.
    pub(crate) optional: bool,
}

/// The category from a source column's values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CategoryRules {
    /// The source column; `None` when every record gets the default.
    pub(crate) column: Option<String>,
    pub(crate) support: Vec<String>,
    pub(crate) service: Vec<String>,
    /// The category of every other present value (`uncategorized` when not given); a
    /// missing value is always uncategorized.
    pub(crate) default: String,
    /// When no file has the column, every record is uncategorized instead of an error.
    pub(crate) optional: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Config {
    pub(crate) input: InputOptions,
    pub(crate) columns: Vec<ColumnMapping>,
    pub(crate) categories: Option<CategoryRules>,
    pub(crate) scales: Scales,
}

/// The built-in configs for known export formats (`--preset NAME`).
pub(crate) const PRESETS: [(&str, &str); 2] = [
    ("zendesk", include_str!("presets/zendesk.toml")),
    ("freshdesk", include_str!("presets/freshdesk.toml")),
];

/// The text of a file the user named (a config, an SLA file); a missing one is exit 2.
pub(crate) fn read_user_file(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            user_error!("{}: no such {what} file", path.display())
        } else {
            anyhow::Error::new(e).context(format!("reading {}", path.display()))
        }
    })
}

impl Config {
    /// Reads a config file.
    pub(crate) fn load(path: &Path) -> Result<Config> {
        let text = read_user_file(path, "config")?;
        Config::parse(&text).with_context(|| format!("config {}", path.display()))
    }

    /// A built-in preset by name.
    pub(crate) fn preset(name: &str) -> Result<Config> {
        let (_, text) = PRESETS
            .iter()
            .find(|(preset, _)| preset.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                user_error!(
                    "--preset: unknown preset {name} (use one of {})",
                    names.join(", ")
                )
            })?;
        Config::parse(text).with_context(|| format!("preset {name}"))
    }

    /// Parses and checks config TOML; errors name the section, key and problem (exit 2).
    pub(crate) fn parse(text: &str) -> Result<Config> {
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| user_error!("{}", e.to_string().trim_end()))?;
        let config = Config {
            input: file.input.check().map_err(|e| user_error!("[input] {e}"))?,
            columns: file
                .columns
                .into_iter()
                .map(|(field, spec)| column_mapping(&field, spec))
                .collect::<Result<_>>()?,
            categories: file
                .categories
                .map(CategoriesSection::check)
                .transpose()
                .map_err(|e| user_error!("[categories] {e}"))?,
            scales: file
                .scales
                .check()
                .map_err(|e| user_error!("[scales] {e}"))?,
        };
        if config.categories.is_some() && config.columns.iter().any(|m| m.field == "category") {
            return Err(user_error!(
                "[columns] category and [categories] both decide the category; keep one"
            ));
        }
        Ok(config)
    }

    /// The mapping of canonical field `field`, if the config has one.
    #[cfg(test)]
    pub(crate) fn mapping(&self, field: &str) -> Option<&ColumnMapping> {
        self.columns.iter().find(|m| m.field == field)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    input: InputSection,
    #[serde(default)]
    columns: toml::Table,
    categories: Option<CategoriesSection>,
    #[serde(default)]
    scales: ScalesSection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct InputSection {
    delimiter: Option<String>,
    encoding: Option<String>,
    null_values: Option<Vec<String>>,
    sheet: Option<String>,
}

impl InputSection {
    fn check(self) -> Result<InputOptions, String> {
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some(text) if text.len() == 1 && text.is_ascii() => Some(text.as_bytes()[0]),
            Some(text) => {
                return Err(format!(
                    "delimiter: \"{text}\" is not a single ASCII character (write \",\", \";\" or \"\\t\")"
                ))
            }
        };
        let encoding = match self
            .encoding
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("utf-8" | "utf8") => Encoding::Utf8,
            Some("latin-1" | "latin1" | "iso-8859-1" | "windows-1252" | "cp1252") => {
                Encoding::Windows1252
            }
            Some(other) => {
                return Err(format!(
                    "encoding: unknown encoding \"{other}\" (use utf-8, latin-1 or windows-1252)"
                ))
            }
        };
        Ok(InputOptions {
            delimiter,
            encoding,
            null_values: self.null_values.unwrap_or_default(),
            sheet: self.sheet,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnTable {
    column: Option<String>,
    columns: Option<Vec<String>>,
    format: Option<String>,
    unit: Option<String>,
    values: Option<toml::Table>,
    null_values: Option<Vec<String>>,
    default: Option<toml::Value>,
    optional: Option<bool>,
}

/// `field = "Source"` or `field = { column = …, … }`.
fn column_mapping(field: &str, spec: toml::Value) -> Result<ColumnMapping> {
    let error = |problem: String| user_error!("[columns] {field}: {problem}");
    let canonical = FIELDS.iter().find(|f| f.name == field).ok_or_else(|| {
        let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        user_error!(
            "[columns]: unknown canonical field \"{field}\" (the fields are {})",
            names.join(", ")
        )
    })?;
    let table: ColumnTable = match spec {
        toml::Value::String(column) => ColumnTable {
            column: Some(column),
            columns: None,
            format: None,
            unit: None,
            values: None,
            null_values: None,
            default: None,
            optional: None,
        },
        toml::Value::Table(table) => toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| error(e.message().to_string()))?,
        other => {
            return Err(error(format!(
                "expected a column name or a table, found {}",
                other.type_str()
            )))
        }
    };
    let sources = match (table.column, table.columns) {
        (Some(column), None) => vec![column],
        (None, Some(columns)) if !columns.is_empty() => columns,
        (Some(_), Some(_)) => return Err(error("has both column and columns; use one".into())),
        _ => return Err(error("needs column = \"…\" or columns = [\"…\", …]".into())),
    };
    if let Some(format) = &table.format {
        if canonical.kind != Kind::Timestamp {
            return Err(error(format!(
                "format is for timestamp fields, and {field} is not one"
            )));
        }
        check_format(format).map_err(error)?;
    }
    let unit = table
        .unit
        .as_deref()
        .map(|unit| {
            if canonical.kind != Kind::Seconds {
                return Err(format!(
                    "unit is for duration fields (*_seconds), and {field} is not one"
                ));
            }
            match unit.trim().to_ascii_lowercase().as_str() {
                "s" | "sec" | "seconds" => Ok(Unit::Seconds),
                "min" | "minutes" => Ok(Unit::Minutes),
                "h" | "hours" => Ok(Unit::Hours),
                "hh:mm:ss" | "h:mm:ss" => Ok(Unit::Clock),
                other => Err(format!(
                    "unknown unit \"{other}\" (use s, min, h or hh:mm:ss)"
                )),
            }
        })
        .transpose()
        .map_err(error)?;
    let values = table
        .values
        .unwrap_or_default()
        .into_iter()
        .map(|(raw, value)| Ok((raw, canonical_text(&value).map_err(&error)?)))
        .collect::<Result<Vec<_>>>()?;
    let default = table
        .default
        .map(|value| canonical_text(&value).map_err(&error))
        .transpose()?
        .flatten();
    Ok(ColumnMapping {
        field: canonical.name,
        sources,
        format: table.format,
        unit,
        values,
        null_values: table.null_values.unwrap_or_default(),
        default,
        optional: table.optional.unwrap_or(false),
    })
}

/// A TOML value as the text a canonical column holds: `5`, `4.5`, `true`, `"Support"`; an
/// empty string is missing.
fn canonical_text(value: &toml::Value) -> Result<Option<String>, String> {
    match value {
        toml::Value::String(text) if text.is_empty() => Ok(None),
        toml::Value::String(text) => Ok(Some(text.clone())),
        toml::Value::Integer(n) => Ok(Some(n.to_string())),
        toml::Value::Float(x) => Ok(Some(x.to_string())),
        toml::Value::Boolean(b) => Ok(Some(b.to_string())),
        other => Err(format!(
            "values and default take strings, numbers or booleans, not {}",
            other.type_str()
        )),
    }
}

/// A strftime format that chrono can parse with, e.g. `%Y-%m-%d %H:%M:%S`.
fn check_format(format: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err(format!(
            "format \"{format}\" is not a valid strftime format (e.g. \"%Y-%m-%d %H:%M:%S\")"
        ));
    }
    if !format.contains('%') {
        return Err(format!("format \"{format}\" has no % field"));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesSection {
    column: Option<String>,
    #[serde(default)]
    support: Vec<String>,
    #[serde(default)]
    service: Vec<String>,
    default: Option<String>,
    optional: Option<bool>,
}

impl CategoriesSection {
    fn check(self) -> Result<CategoryRules, String> {
        let default = match self
            .default
            .as_deref()
            .map(|d| d.trim().to_ascii_lowercase())
        {
            None => UNCATEGORIZED.to_string(),
            Some(d) if [SUPPORT, SERVICE, UNCATEGORIZED].contains(&d.as_str()) => d,
            Some(d) => {
                return Err(format!(
                    "default: \"{d}\" is not a category (use support, service or uncategorized)"
                ))
            }
        };
        let lower = |values: Vec<String>| -> Vec<String> {
            values.iter().map(|v| v.trim().to_lowercase()).collect()
        };
        let (support, service) = (lower(self.support), lower(self.service));
        if self.column.is_none() && !(support.is_empty() && service.is_empty()) {
            return Err("column: needed to match the support and service values".into());
        }
        if let Some(both) = support.iter().find(|v| service.contains(v)) {
            return Err(format!(
                "\"{both}\" is listed under both support and service"
            ));
        }
        Ok(CategoryRules {
            column: self.column,
            support,
            service,
            default,
            optional: self.optional.unwrap_or(false),
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScalesSection {
    csat: Option<[f64; 2]>,
    csat_satisfied_min: Option<f64>,
    ces: Option<[f64; 2]>,
}

impl ScalesSection {
    fn check(self) -> Result<Scales, String> {
        let defaults = Scales::default();
        let csat = self.csat.map(|[a, b]| (a, b)).unwrap_or(defaults.csat);
        let ces = self.ces.map(|[a, b]| (a, b)).unwrap_or(defaults.ces);
        for (name, (low, high)) in [("csat", csat), ("ces", ces)] {
            // Also refuses NaN bounds, which compare as neither.
            if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) {
                return Err(format!(
                    "{name}: [{low}, {high}] is not a scale (low < high)"
                ));
            }
        }
        let satisfied = match (self.csat_satisfied_min, self.csat) {
            (Some(min), _) => min,
            (None, None) => defaults.csat_satisfied_min,
            // "The top two answers" (4 of 1–5, 9 of 1–10) means something on a short scale only.
            (None, Some(_)) if csat.1 - csat.0 <= 10.0 => csat.1 - 1.0,
            (None, Some(_)) => {
                return Err(format!(
                    "csat_satisfied_min: say which answers count as satisfied on the {}–{} scale",
                    csat.0, csat.1
                ))
            }
        };
        if satisfied < csat.0 || satisfied > csat.1 {
            return Err(format!(
                "csat_satisfied_min: {satisfied} is outside the CSAT scale {}–{}",
                csat.0, csat.1
            ));
        }
        Ok(Scales {
            csat,
            csat_satisfied_min: satisfied,
            ces,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_section() {
        let config = Config::parse(
            r#"
            [input]
            delimiter = "\t"
            encoding = "latin-1"
            null_values = ["NA", ""]

            [columns]
            interaction_id = "Ticket ID"
            created_at = { columns = ["Date", "Time"], format = "%Y-%m-%d %H:%M:%S" }
            talk_seconds = { column = "AvgTalkDuration", unit = "hh:mm:ss" }
            csat = { column = "Satisfaction Score", values = { Good = 5, Bad = 1, Offered = "" } }
            reopened = { column = "status", values = { "Customer Reopened" = true }, default = false }

            [categories]
            column = "Ticket Type"
            support = ["Technical issue"]
            service = ["Billing inquiry"]
            default = "service"

            [scales]
            csat = [1, 10]
            "#,
        )
        .unwrap();
        assert_eq!(config.input.delimiter, Some(b'\t'));
        assert_eq!(config.input.encoding, Encoding::Windows1252);
        let created = config.mapping("created_at").unwrap();
        assert_eq!(created.sources, ["Date", "Time"]);
        assert_eq!(
            config.mapping("talk_seconds").unwrap().unit,
            Some(Unit::Clock)
        );
        let csat = config.mapping("csat").unwrap();
        assert!(csat.values.contains(&("Good".into(), Some("5".into()))));
        assert!(csat.values.contains(&("Offered".into(), None)));
        assert_eq!(
            config.mapping("reopened").unwrap().default.as_deref(),
            Some("false")
        );
        let categories = config.categories.unwrap();
        assert_eq!(categories.support, ["technical issue"]);
        assert_eq!(categories.default, "service");
        // Changing the scale moves the satisfied threshold to the top two answers.
        assert_eq!(config.scales.csat, (1.0, 10.0));
        assert_eq!(config.scales.csat_satisfied_min, 9.0);
    }

    #[test]
    fn errors_name_the_key_and_the_problem() {
        let cases = [
            (
                "[columns]\nticket = \"Id\"",
                "unknown canonical field \"ticket\"",
            ),
            (
                "[columns]\ncreated_at = { column = \"d\", format = \"%Q\" }",
                "not a valid strftime format",
            ),
            (
                "[columns]\ncsat = { column = \"d\", format = \"%Y\" }",
                "format is for timestamp fields",
            ),
            (
                "[columns]\ntalk_seconds = { column = \"d\", unit = \"weeks\" }",
                "unknown unit",
            ),
            (
                "[columns]\ntalk_seconds = { column = \"d\", columns = [\"e\"] }",
                "both column and columns",
            ),
            (
                "[columns]\ntalk_seconds = { colum = \"d\" }",
                "unknown field `colum`",
            ),
            ("[input]\ndelimiter = \"ab\"", "[input] delimiter"),
            ("[input]\nencoding = \"ebcdic\"", "unknown encoding"),
            (
                "[categories]\ncolumn = \"t\"\ndefault = \"sales\"",
                "not a category",
            ),
            ("[scales]\ncsat = [5, 1]", "not a scale"),
            ("[scales]\ncsat_satisfied_min = 6", "outside the CSAT scale"),
            ("[colums]\n", "unknown field `colums`"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", Config::parse(text).unwrap_err());
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn presets_parse() {
        for (name, _) in PRESETS {
            let config = Config::preset(name).unwrap();
            assert!(config.mapping("interaction_id").is_some(), "{name}");
        }
        assert!(Config::preset("salesforce").is_err());
    }
}
