//! What happens to invalid records (SPEC §2): fail naming the first few, or skip them with a
//! one-line summary and, on request, a rejects file listing each one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::ingest::normalize::{Check, BAD_VALUE_COLUMN, PROBLEM_COLUMN};
use crate::ingest::{FILE_COLUMN, RECORD_COLUMN};
use crate::messages::printable;
use crate::user_error;

/// How many invalid records a failing run names before giving the total.
const SHOWN: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OnInvalid {
    /// Stop with exit 2, naming the invalid records.
    Fail,
    /// Leave invalid records out of every metric and count them.
    Skip,
}

/// What a run does with invalid records: `--on-invalid` and `--rejects`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidPolicy {
    pub(crate) on_invalid: OnInvalid,
    pub(crate) rejects: Option<PathBuf>,
}

/// One invalid record: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rejected {
    pub(crate) file: String,
    pub(crate) record: u32,
    pub(crate) column: String,
    /// How the message names the column (see [`Check::label`]).
    pub(crate) label: String,
    pub(crate) value: Option<String>,
    pub(crate) reason: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: record {}: ", self.file, self.record)?;
        if !self.label.is_empty() {
            write!(f, "column {}: ", self.label)?;
        }
        match &self.value {
            Some(value) => write!(f, "value \"{}\" {}", printable(value), self.reason),
            None => write!(f, "{}", self.reason),
        }
    }
}

/// Applies the `--on-invalid` policy to the invalid records (see [`crate::ingest::normalize::Canonical::invalid`]);
/// returns how many records are skipped (0, or an error, under `fail`).
pub(crate) fn screen(
    invalid: &DataFrame,
    checks: &[Check],
    sources: &[String],
    policy: &InvalidPolicy,
) -> Result<u64> {
    let count = invalid.height();
    if count == 0 {
        if let Some(path) = &policy.rejects {
            write_rejects(path, &[])?;
        }
        return Ok(0);
    }
    let wanted = if policy.rejects.is_some() {
        count
    } else {
        SHOWN
    };
    let rejected = rejected_records(&invalid.head(Some(wanted)), checks, sources)?;
    if let Some(path) = &policy.rejects {
        write_rejects(path, &rejected)?;
    }
    match policy.on_invalid {
        OnInvalid::Fail if count == 1 => Err(user_error!("{}", rejected[0])),
        OnInvalid::Fail => {
            let mut message = format!("{count} invalid records; the first {}:", SHOWN.min(count));
            for record in rejected.iter().take(SHOWN) {
                write!(message, "\n  {record}").expect("writing to a String");
            }
            message.push_str(
                "\nfix them, or pass --on-invalid skip to leave them out (--rejects FILE lists them all)",
            );
            Err(user_error!("{message}"))
        }
        OnInvalid::Skip => {
            crate::messages::warn(&summary(invalid, checks)?);
            Ok(count as u64)
        }
    }
}

fn rejected_records(
    invalid: &DataFrame,
    checks: &[Check],
    sources: &[String],
) -> Result<Vec<Rejected>> {
    let files = invalid.column(FILE_COLUMN)?.u32()?;
    let records = invalid.column(RECORD_COLUMN)?.cast(&DataType::UInt32)?;
    let records = records.u32()?;
    let problems = invalid.column(PROBLEM_COLUMN)?.u32()?;
    let values = invalid.column(BAD_VALUE_COLUMN)?.str()?;
    Ok((0..invalid.height())
        .map(|i| {
            let check = &checks[problems.get(i).unwrap_or(0) as usize];
            Rejected {
                file: sources[files.get(i).unwrap_or(0) as usize].clone(),
                record: records.get(i).unwrap_or(0),
                column: check.column.clone(),
                label: check.label.clone(),
                value: values.get(i).map(str::to_string),
                reason: check.reason.clone(),
            }
        })
        .collect())
}

/// `skipped 3 invalid records: 2 × csat is outside the CSAT scale 1–5; 1 × …`
fn summary(invalid: &DataFrame, checks: &[Check]) -> Result<String> {
    let per_problem = invalid
        .clone()
        .lazy()
        .group_by([col(PROBLEM_COLUMN)])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort([PROBLEM_COLUMN], SortMultipleOptions::default())
        .collect()?;
    let problems = per_problem.column(PROBLEM_COLUMN)?.u32()?;
    let counts = per_problem.column("n")?.u64()?;
    let parts: Vec<String> = problems
        .iter()
        .zip(counts.iter())
        .map(|(problem, n)| {
            let check = &checks[problem.unwrap_or(0) as usize];
            let what = if check.label.is_empty() {
                check.reason.clone()
            } else {
                format!("{} {}", check.label, check.reason)
            };
            format!("{} × {what}", n.unwrap_or(0))
        })
        .collect();
    let total = invalid.height();
    let noun = if total == 1 { "record" } else { "records" };
    Ok(format!(
        "skipped {total} invalid {noun}: {}",
        parts.join("; ")
    ))
}

fn write_rejects(path: &Path, rejected: &[Rejected]) -> Result<()> {
    let write = || -> Result<()> {
        let mut writer = csv::Writer::from_path(path)?;
        writer.write_record(["file", "record", "column", "value", "reason"])?;
        for r in rejected {
            writer.write_record([
                r.file.as_str(),
                &r.record.to_string(),
                r.column.as_str(),
                r.value.as_deref().unwrap_or(""),
                r.reason.as_str(),
            ])?;
        }
        writer.flush()?;
        Ok(())
    };
    write().with_context(|| format!("writing the rejects file {}", path.display()))
}
