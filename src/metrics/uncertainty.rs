//! SPEC §9's intervals per group: the hidden per-group statistics each interval needs (their
//! names; `defs.rs` computes them beside the KPIs), and the intervals made from them with the
//! formulas of `intervals.rs`.
//!
//! The statistics are columns of the aggregated frame only: reports are built from the output
//! columns, so they never reach the output.

use polars::prelude::*;

use super::catalogue::{Column, Interval};
use super::intervals::{self, Confidence};

/// Successes of a share (CSAT satisfied, FCR first contacts, churned customers).
pub(crate) fn successes(value: &str) -> String {
    format!("__{value}_successes")
}

/// NPS promoters (9–10).
pub(crate) fn promoters(value: &str) -> String {
    format!("__{value}_promoters")
}

/// NPS detractors (0–6).
pub(crate) fn detractors(value: &str) -> String {
    format!("__{value}_detractors")
}

/// The sample standard deviation behind a mean.
pub(crate) fn sample_sd(value: &str) -> String {
    format!("__{value}_sd")
}

/// The group's values behind the quantiles of sample size `n` (a list; every quantile of one
/// KPI shares it).
pub(crate) fn values(n: &str) -> String {
    format!("__{n}_values")
}

/// The statistics `column`'s interval is made from (what its KPI's `statistics` must name).
#[cfg(test)]
pub(crate) fn statistics_of(column: &Column) -> Vec<String> {
    match column.interval {
        None => Vec::new(),
        Some(Interval::Share) => vec![successes(column.name)],
        Some(Interval::NetScore) => vec![promoters(column.name), detractors(column.name)],
        Some(Interval::Mean) => vec![sample_sd(column.name)],
        Some(Interval::Quantile(_)) => vec![values(column.n)],
    }
}

/// Each row's interval `(lo, hi)`, or `None`.
pub(crate) type Intervals = Vec<Option<(f64, f64)>>;

/// The interval of `column` in each row of `groups` (which holds the column, its `n` and its
/// [`statistics_of`]); `None` where SPEC §9 makes it null (`n = 0`, `n < 2` for a mean).
pub(crate) fn intervals(
    groups: &DataFrame,
    column: &Column,
    confidence: &Confidence,
) -> PolarsResult<Intervals> {
    let counts = |name: &str| -> PolarsResult<Vec<u64>> {
        let values = groups.column(name)?.cast(&DataType::Int64)?;
        let counts = values.i64()?.iter();
        Ok(counts.map(|v| v.unwrap_or(0).max(0) as u64).collect())
    };
    let floats = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        let values = groups.column(name)?.cast(&DataType::Float64)?;
        Ok(values.f64()?.iter().collect())
    };
    let n = counts(column.n)?;
    Ok(match column.interval {
        None => vec![None; groups.height()],
        Some(Interval::Share) => (counts(&successes(column.name))?.into_iter().zip(n))
            .map(|(k, n)| intervals::wilson(k, n, confidence))
            .collect(),
        Some(Interval::NetScore) => {
            let promoters = counts(&promoters(column.name))?;
            let detractors = counts(&detractors(column.name))?;
            (promoters.into_iter().zip(detractors).zip(n))
                .map(|((p, d), n)| intervals::nps_adjusted_wald(p, d, n, confidence))
                .collect()
        }
        Some(Interval::Mean) => {
            let means = floats(column.name)?;
            let sds = floats(&sample_sd(column.name))?;
            (means.into_iter().zip(sds).zip(n))
                .map(|((mean, sd), n)| intervals::t_interval(mean?, sd?, n, confidence))
                .collect()
        }
        Some(Interval::Quantile(q)) => {
            let lists = groups.column(&values(column.n))?.list()?;
            let mut bounds = Vec::with_capacity(groups.height());
            for list in lists.series_iter() {
                let mut sorted: Vec<f64> = match list {
                    Some(series) => (series.cast(&DataType::Float64)?.f64()?.iter())
                        .flatten()
                        .filter(|x| !x.is_nan())
                        .collect(),
                    None => Vec::new(),
                };
                sorted.sort_by(f64::total_cmp);
                bounds.push(intervals::order_statistic_interval(&sorted, q, confidence));
            }
            bounds
        }
    })
}
