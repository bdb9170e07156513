//! The renderer's input model: a small, explicit description of one report page.
//!
//! The report model's owner maps `cxkpi report` / `cxkpi trend` results onto these types;
//! the renderer never computes or formats KPI values itself (tile texts come from the
//! caller), it only lays them out, draws charts and escapes every string.
//!
//! Every string in here is treated as untrusted data (agent names, file names, options …)
//! and is HTML-escaped on output.

/// One self-contained HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Page {
    /// Shown in `<title>` and as the page's `<h1>`.
    pub(crate) title: String,
    pub(crate) header: Header,
    /// Rendered in the order given.
    pub(crate) sections: Vec<Section>,
}

/// What the reader needs to know before trusting the numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Header {
    /// The report's window; `None` where one window does not apply (`trend`: each snapshot
    /// has its own).
    pub(crate) window: Option<Window>,
    /// Every record read (`input.records`); `None` where it does not apply (e.g. `trend`).
    pub(crate) records_read: Option<u64>,
    /// Records left out as invalid (`input.skipped`).
    pub(crate) records_skipped: Option<u64>,
    /// The options used, one string each (e.g. `--every week`), shown verbatim.
    pub(crate) options: Vec<String>,
    /// Further facts as label/value pairs (e.g. `("History", "kpi.jsonl")`), shown verbatim.
    pub(crate) facts: Vec<(String, String)>,
}

/// The time window on `created_at`: `from <= t < to`. Both `None` reads "all time".
/// The texts are shown as given (the caller formats timestamps).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Window {
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Section {
    /// A sub-heading, e.g. "Over weeks" or "By agent".
    Heading(String),
    /// The KPI tiles of one category.
    Tiles(TileGroup),
    LineChart(LineChart),
    BarChart(BarChart),
    /// A plain data table (e.g. the full report rows), cells shown verbatim.
    Table(DataTable),
}

/// KPI tiles of one category (`support`, `service`, `uncategorized`, `all`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TileGroup {
    pub(crate) category: String,
    pub(crate) tiles: Vec<Tile>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tile {
    /// e.g. "CSAT".
    pub(crate) label: String,
    /// Formatted for reading by the caller: `75.6%`, `4.2`, `4h 12m`. Empty shows as "—".
    pub(crate) value_text: String,
    /// The unrounded value, kept in a `data-raw` attribute and tooltip.
    pub(crate) raw: Option<f64>,
    /// Records the value was computed from.
    pub(crate) n: u64,
    pub(crate) change: Option<Change>,
    /// `±4.2` or `[lo, hi]`, as the caller formats it.
    pub(crate) interval_text: Option<String>,
}

/// The comparison with the previous window (`--compare`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    /// e.g. `▲ +3.1 pts`, shown verbatim.
    pub(crate) text: String,
    /// `Some(true)` better, `Some(false)` worse, `None` unchanged or not comparable.
    pub(crate) better: Option<bool>,
}

/// How axis ticks and bar value labels are written (the caller formats tiles itself,
/// but ticks are chosen here, so the renderer must know the unit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum ValueUnit {
    /// Scores and counts: `4.2`, `-12`.
    #[default]
    Number,
    /// Shares 0–100: `75%`.
    Percent,
    /// Durations given in seconds, ticks on whole minutes/hours/days: `4h 12m`.
    Seconds,
}

/// A KPI over periods (`--every`) or over a history's snapshots (`trend`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineChart {
    /// e.g. "CSAT by week"; the chart's `<title>` and caption.
    pub(crate) title: String,
    /// The y axis title, e.g. "% satisfied".
    pub(crate) unit_label: String,
    pub(crate) unit: ValueUnit,
    /// The x axis title, e.g. "week starting" or "snapshot".
    pub(crate) x_title: String,
    /// One label per period or snapshot, in order.
    pub(crate) x_labels: Vec<String>,
    /// Drawn in order with the styles blue/solid/circle, orange/dashed/square,
    /// black/dotted/triangle, …; put `support`, `service`, then `all`.
    pub(crate) series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub(crate) name: String,
    /// One value per x label; `None` (or a non-finite value) is an empty period: a gap.
    pub(crate) values: Vec<Option<f64>>,
    /// The confidence interval per x label (`--ci`), drawn as a shaded band.
    pub(crate) band: Option<Vec<Option<(f64, f64)>>>,
}

/// In which order bars are sorted before the top ones are kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum BarOrder {
    /// Largest value first (natural for CSAT, NPS, FCR).
    #[default]
    Descending,
    /// Smallest value first (natural when lower is better: AHT, FRT, TTR, churn).
    Ascending,
}

/// A KPI over group keys (`--by agent`): sorted, the top [`BarChart::limit`] shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarChart {
    pub(crate) title: String,
    pub(crate) unit_label: String,
    pub(crate) unit: ValueUnit,
    /// All groups; the renderer sorts them (nulls last, ties by label) and truncates.
    pub(crate) bars: Vec<Bar>,
    pub(crate) order: BarOrder,
    /// How many bars to draw; the rest are counted as "and N more". 0 means 20.
    pub(crate) limit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// The group key value(s), e.g. an agent name.
    pub(crate) label: String,
    pub(crate) value: Option<f64>,
    pub(crate) n: u64,
}

/// A plain table: a caption, a header row and body rows, all cells verbatim text.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DataTable {
    pub(crate) caption: String,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}
