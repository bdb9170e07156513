//! The report the metrics make (SPEC §4's model): one row per category × group keys, each
//! holding its catalogue columns' cells. Renderers and `check` read it; nothing here formats.

use super::catalogue::{self, Column, Kpi};

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
    /// The output columns every row holds, in output order.
    pub(crate) columns: Vec<&'static Column>,
    pub(crate) rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) category: String,
    /// Values of the group keys (missing is `None`).
    pub(crate) keys: Vec<Option<String>>,
    /// One cell per output column of the report, in its order.
    pub(crate) cells: Vec<(&'static Column, Cell)>,
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
    pub(crate) fn empty(category: &str, columns: &[&'static Column]) -> Row {
        Row {
            category: category.to_string(),
            keys: Vec::new(),
            cells: columns
                .iter()
                .map(|column| {
                    let cell = if column.is_value() {
                        Cell::Value(None)
                    } else {
                        Cell::Count(0)
                    };
                    (*column, cell)
                })
                .collect(),
        }
    }

    /// The cell of output column `name`, when the report has that column.
    pub(crate) fn get(&self, name: &str) -> Option<Cell> {
        (self.cells.iter())
            .find(|(column, _)| column.name == name)
            .map(|(_, cell)| *cell)
    }

    /// The cell of output column `name`, which the report must have.
    pub(crate) fn cell(&self, name: &str) -> Cell {
        self.get(name)
            .unwrap_or_else(|| panic!("{name} is not a column of this report"))
    }
}

impl Report {
    /// The row columns: `category`, each group key, then the output columns.
    pub(crate) fn column_names(&self) -> Vec<String> {
        let mut names = vec!["category".to_string()];
        names.extend(self.by.iter().cloned());
        names.extend(self.columns.iter().map(|column| column.name.to_string()));
        names
    }
}
