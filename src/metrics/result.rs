//! The report the metrics make (SPEC §4's model): one row per category × period × group keys,
//! each holding its output columns' cells — the catalogue's columns, with `--ci` each value's
//! interval ends right after it, and with `--compare` every value's `_prev`. Renderers and `check` read it; nothing here formats.

use std::borrow::Cow;

use super::catalogue::{self, Column, Kpi};
use super::intervals::Confidence;
use crate::periods::{Compare, Every, Window};

/// What `--every` and `--compare` made of a report.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Timeline {
    /// `--every`: rows carry a `period`.
    pub(crate) every: Option<Every>,
    /// `--compare`: rows carry the `_prev` columns.
    pub(crate) compare: Option<Compare>,
    /// Without `--every`, the one comparison window (SPEC §8's JSON `compare` object).
    pub(crate) compare_window: Option<Window>,
}

/// The name of the group key `--every` adds.
pub(crate) const PERIOD: &str = "period";

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Report {
    /// The window on `created_at`, epoch microseconds; `None` is open.
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
    /// Records read, and those left out as invalid.
    pub(crate) records: u64,
    pub(crate) skipped: u64,
    /// The group keys, in the order given.
    pub(crate) by: Vec<String>,
    pub(crate) timeline: Timeline,
    /// The output columns every row holds, in output order: each value (with `--ci` followed
    /// by its `_lo` and `_hi`), then with `--compare` every value's `_prev`.
    pub(crate) columns: Vec<OutputColumn>,
    pub(crate) rows: Vec<Row>,
    /// With `--ci`: the level of the `_lo`/`_hi` columns.
    pub(crate) confidence: Option<Confidence>,
}

/// One output column: a catalogue column, or one end of its interval (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OutputColumn {
    pub(crate) column: &'static Column,
    pub(crate) variant: Variant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// The column itself.
    Value,
    /// `C_lo`, the lower end of `C`'s interval.
    Lo,
    /// `C_hi`, the upper end.
    Hi,
    /// `C_prev`, the same metric over the comparison window (SPEC §8).
    Prev,
}

impl OutputColumn {
    pub(crate) fn value(column: &'static Column) -> OutputColumn {
        OutputColumn {
            column,
            variant: Variant::Value,
        }
    }

    /// Its name in JSON, CSV and histories: `csat`, `csat_lo`, `csat_hi`.
    pub(crate) fn name(&self) -> Cow<'static, str> {
        match self.variant {
            Variant::Value => Cow::Borrowed(self.column.name),
            Variant::Lo => Cow::Owned(format!("{}_lo", self.column.name)),
            Variant::Hi => Cow::Owned(format!("{}_hi", self.column.name)),
            Variant::Prev => Cow::Owned(format!("{}_prev", self.column.name)),
        }
    }

    /// Whether its cells are measured values (floats, null without data), not counts.
    pub(crate) fn is_value(&self) -> bool {
        self.column.is_value()
    }

    /// The cell of a group with no records: a count 0, a value null.
    pub(crate) fn empty_cell(&self) -> Cell {
        if self.is_value() {
            Cell::Value(None)
        } else {
            Cell::Count(0)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) category: String,
    /// With `--every`: the label (`YYYY-MM-DD`) of the period the row covers.
    pub(crate) period: Option<String>,
    /// Values of the group keys (missing is `None`).
    pub(crate) keys: Vec<Option<String>>,
    /// One cell per output column of the report, in its order.
    pub(crate) cells: Vec<(OutputColumn, Cell)>,
    /// With `--compare` and `--ci`: each value's interval over the comparison window, which
    /// the output does not list (SPEC §8: no `_lo_prev`) but tables use to judge a change.
    pub(crate) prev_intervals: Vec<(&'static Column, (f64, f64))>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    Count(u64),
    /// A measured value; `None` when its `n` is 0.
    Value(Option<f64>),
}

impl Cell {
    /// A count's number (0 for a value cell).
    pub(crate) fn count(self) -> u64 {
        match self {
            Cell::Count(n) => n,
            Cell::Value(_) => 0,
        }
    }

    /// The cell as a number: a count as a float, a value as it is.
    pub(crate) fn number(self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(n as f64),
            Cell::Value(v) => v,
        }
    }
}

/// The output columns of a report over `kpis`, in output order; with `intervals`, each value
/// column that has an interval is followed by its `_lo` and `_hi` (SPEC §4, §9).
pub(crate) fn columns_of<'a>(
    kpis: impl IntoIterator<Item = &'a Kpi>,
    intervals: bool,
) -> Vec<OutputColumn> {
    let kpis: Vec<&Kpi> = kpis.into_iter().collect();
    let mut columns = Vec::new();
    for &column in catalogue::COLUMNS.iter() {
        if !(kpis.iter()).any(|kpi| kpi.columns.iter().any(|c| c.name == column.name)) {
            continue;
        }
        columns.push(OutputColumn::value(column));
        if intervals && column.interval.is_some() {
            for variant in [Variant::Lo, Variant::Hi] {
                columns.push(OutputColumn { column, variant });
            }
        }
    }
    columns
}

impl Row {
    /// A group with no records over `columns`: every count 0, every value null.
    pub(crate) fn empty(category: &str, period: Option<&str>, columns: &[OutputColumn]) -> Row {
        Row {
            category: category.to_string(),
            period: period.map(str::to_string),
            keys: Vec::new(),
            cells: (columns.iter())
                .map(|output| (*output, output.empty_cell()))
                .collect(),
            prev_intervals: Vec::new(),
        }
    }

    /// The interval of catalogue column `name` over the comparison window, when known.
    pub(crate) fn prev_interval(&self, name: &str) -> Option<(f64, f64)> {
        (self.prev_intervals.iter())
            .find(|(column, _)| column.name == name)
            .map(|(_, interval)| *interval)
    }

    /// The cell of catalogue column `name`, when the report has that column.
    pub(crate) fn get(&self, name: &str) -> Option<Cell> {
        self.part(name, Variant::Value)
    }

    fn part(&self, name: &str, variant: Variant) -> Option<Cell> {
        (self.cells.iter())
            .find(|(output, _)| output.variant == variant && output.column.name == name)
            .map(|(_, cell)| *cell)
    }

    /// The interval `(lo, hi)` of catalogue column `name`: `None` when the report has no
    /// interval columns for it or the interval is null (no data; a mean of one value).
    pub(crate) fn interval(&self, name: &str) -> Option<(f64, f64)> {
        let lo = self.part(name, Variant::Lo)?.number()?;
        let hi = self.part(name, Variant::Hi)?.number()?;
        Some((lo, hi))
    }

    /// The cell of `C_prev` for catalogue column `name`, when the report compares.
    pub(crate) fn prev(&self, name: &str) -> Option<Cell> {
        self.part(name, Variant::Prev)
    }

    /// The cell of output column `name`, which the report must have.
    pub(crate) fn cell(&self, name: &str) -> Cell {
        self.get(name)
            .unwrap_or_else(|| panic!("{name} is not a column of this report"))
    }
}

impl Report {
    /// The catalogue columns of the report's values (not their intervals or `_prev`s).
    pub(crate) fn values(&self) -> impl Iterator<Item = &'static Column> + '_ {
        (self.columns.iter())
            .filter(|output| output.variant == Variant::Value)
            .map(|output| output.column)
    }

    /// The row columns: `category`, `period` (with `--every`), each group key, then the output
    /// columns.
    pub(crate) fn column_names(&self) -> Vec<String> {
        let mut names = vec!["category".to_string()];
        if self.timeline.every.is_some() {
            names.push(PERIOD.to_string());
        }
        names.extend(self.by.iter().cloned());
        names.extend(self.columns.iter().map(|column| column.name().into_owned()));
        names
    }
}
