//! The report the metrics make (SPEC §4's model): one row per category × period × group keys,
//! each holding its output columns' cells. Renderers and `check` read it; nothing here formats.

use super::catalogue::{self, Column, Kpi};
use crate::periods::{Compare, Every, Window};

/// One output column of a report: a catalogue column's value, or (with `--compare`) its value
/// over the comparison window. Everything about the metric itself stays in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Output {
    /// `C`: the metric over the row's window.
    Value(&'static Column),
    /// `C_prev`: the metric over the row's comparison window (SPEC §8).
    Prev(&'static Column),
}

impl Output {
    /// The catalogue column this output shows.
    pub(crate) fn column(self) -> &'static Column {
        match self {
            Output::Value(column) | Output::Prev(column) => column,
        }
    }

    /// The output column's name: `csat`, `csat_prev`.
    pub(crate) fn name(self) -> String {
        match self {
            Output::Value(column) => column.name.to_string(),
            Output::Prev(column) => format!("{}_prev", column.name),
        }
    }

    /// The cell of a group with no records: a count 0, a value null.
    pub(crate) fn empty_cell(self) -> Cell {
        if self.column().is_value() {
            Cell::Value(None)
        } else {
            Cell::Count(0)
        }
    }
}

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
    /// The output columns every row holds, in output order: the values, then (with
    /// `--compare`) the `_prev` ones.
    pub(crate) columns: Vec<Output>,
    pub(crate) rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) category: String,
    /// With `--every`: the label (`YYYY-MM-DD`) of the period the row covers.
    pub(crate) period: Option<String>,
    /// Values of the group keys (missing is `None`).
    pub(crate) keys: Vec<Option<String>>,
    /// One cell per output column of the report, in its order.
    pub(crate) cells: Vec<(Output, Cell)>,
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

/// The name of the group key `--every` adds.
pub(crate) const PERIOD: &str = "period";

/// The output columns of a report over `kpis`, in output order.
pub(crate) fn columns_of<'a>(kpis: impl IntoIterator<Item = &'a Kpi>) -> Vec<&'static Column> {
    let kpis: Vec<&Kpi> = kpis.into_iter().collect();
    catalogue::COLUMNS
        .iter()
        .copied()
        .filter(|column| {
            kpis.iter()
                .any(|kpi| kpi.columns.iter().any(|c| c.name == column.name))
        })
        .collect()
}

impl Row {
    /// A group with no records over `columns`: every count 0, every value null.
    pub(crate) fn empty(category: &str, period: Option<&str>, columns: &[Output]) -> Row {
        Row {
            category: category.to_string(),
            period: period.map(str::to_string),
            keys: Vec::new(),
            cells: (columns.iter())
                .map(|output| (*output, output.empty_cell()))
                .collect(),
        }
    }

    /// The value cell of catalogue column `name`, when the report has that column.
    pub(crate) fn get(&self, name: &str) -> Option<Cell> {
        (self.cells.iter())
            .find(|(output, _)| matches!(output, Output::Value(c) if c.name == name))
            .map(|(_, cell)| *cell)
    }

    /// The `_prev` cell of catalogue column `name`, when the report compares.
    pub(crate) fn prev(&self, name: &str) -> Option<Cell> {
        (self.cells.iter())
            .find(|(output, _)| matches!(output, Output::Prev(c) if c.name == name))
            .map(|(_, cell)| *cell)
    }

    /// The cell of output column `name`, which the report must have.
    pub(crate) fn cell(&self, name: &str) -> Cell {
        self.get(name)
            .unwrap_or_else(|| panic!("{name} is not a column of this report"))
    }
}

impl Report {
    /// The row columns: `category`, `period` (with `--every`), each group key, then the
    /// output columns.
    pub(crate) fn column_names(&self) -> Vec<String> {
        let mut names = vec!["category".to_string()];
        if self.timeline.every.is_some() {
            names.push(PERIOD.to_string());
        }
        names.extend(self.by.iter().cloned());
        names.extend(self.columns.iter().map(|output| output.name()));
        names
    }

    /// The catalogue columns whose values the report holds, in output order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &'static Column> + '_ {
        (self.columns.iter()).filter_map(|output| match output {
            Output::Value(column) => Some(*column),
            Output::Prev(_) => None,
        })
    }
}
