//! The metric catalogue: every output column of SPEC §3 once — its name, its `n`, its label,
//! its unit, which direction is better — and, per KPI, how polars computes it (its group
//! aggregates, and the columns finished from them).
//!
//! Everything that lists, labels, formats or judges a metric (tables, JSON, CSV, `check`,
//! `snapshot`, `trend`) reads it from here. Adding a KPI is one [`Kpi`] entry in [`KPIS`] plus
//! its aggregation function in `defs.rs`.

use std::sync::LazyLock;

use polars::prelude::Expr;

use super::defs::{self, Computation};
use crate::canonical::CES;

/// What a column measures in, which decides how it is read, written and thresholded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A number of records or customers (an integer; never null).
    Count,
    /// A share, 0–100 (`78.8%`; thresholds may be written `"85%"`).
    Percent,
    /// A score in points, −100..100 (NPS: `+14.3`).
    Points,
    /// A mean answer on a survey scale (CES: `4.84`).
    Score,
    /// A duration in seconds (`4h 12m`; thresholds may be written `"4h"`).
    Seconds,
}

/// Which way a metric gets better (SPEC §8: higher CSAT, NPS, CES, FCR; lower AHT, FRT, TTR,
/// churn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Better {
    Higher,
    Lower,
}

/// How a value column's confidence interval is computed (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Interval {
    /// A share `p` of `n` (Wilson).
    Share,
    /// NPS from promoters and detractors (adjusted Wald).
    NetScore,
    /// A mean (Student t).
    Mean,
    /// A quantile `q` (order statistics).
    Quantile(f64),
}

/// One output column.
#[derive(Debug, PartialEq)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    /// What tables call it; `None` for the sample-size columns, which tables show beside
    /// their values instead.
    pub(crate) label: Option<&'static str>,
    pub(crate) unit: Unit,
    /// The count column that is this column's sample size (a count is its own).
    pub(crate) n: &'static str,
    /// `None` for counts.
    pub(crate) better: Option<Better>,
    /// `None` for counts.
    pub(crate) interval: Option<Interval>,
}

impl Column {
    /// A measured value: a float, null when its `n` is 0.
    pub(crate) fn is_value(&self) -> bool {
        self.unit != Unit::Count
    }
}

/// When a KPI's columns are in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    Always,
    /// With `--schedule`, or when the input has business-hours durations (SPEC §3).
    BusinessHours,
}

/// One KPI: its columns in output order (the values, then their `n`) and how they are
/// computed (each column once, as an aggregate or finished from the aggregates; a share's
/// successes and NPS's promoters and detractors are aggregates its value is finished from,
/// and its interval reads them too); and the aggregations of the other hidden statistics its
/// columns' intervals need (SPEC §9; see `uncertainty.rs`), added only with `--ci`.
pub(crate) struct Kpi {
    pub(crate) columns: &'static [Column],
    pub(crate) presence: Presence,
    pub(crate) aggregate: fn() -> Computation,
    pub(crate) statistics: fn() -> Vec<Expr>,
}

const fn count(name: &'static str) -> Column {
    Column {
        name,
        label: None,
        unit: Unit::Count,
        n: name,
        better: None,
        interval: None,
    }
}

const fn value(
    name: &'static str,
    label: &'static str,
    unit: Unit,
    n: &'static str,
    better: Better,
    interval: Interval,
) -> Column {
    Column {
        name,
        label: Some(label),
        unit,
        n,
        better: Some(better),
        interval: Some(interval),
    }
}

/// Mean, median and 90th percentile of a duration, and their `n`.
macro_rules! durations {
    ($mean:literal, $median:literal, $p90:literal, $n:literal, $label:literal) => {
        &[
            value(
                $mean,
                concat!($label, " mean"),
                Unit::Seconds,
                $n,
                Better::Lower,
                Interval::Mean,
            ),
            value(
                $median,
                concat!($label, " median"),
                Unit::Seconds,
                $n,
                Better::Lower,
                Interval::Quantile(0.5),
            ),
            value(
                $p90,
                concat!($label, " p90"),
                Unit::Seconds,
                $n,
                Better::Lower,
                Interval::Quantile(0.9),
            ),
            count($n),
        ]
    };
}

/// Every KPI, in output order (SPEC §3).
#[rustfmt::skip]
pub(crate) const KPIS: &[Kpi] = &[
    Kpi {
        columns: &[count("interactions")],
        presence: Presence::Always,
        aggregate: defs::interactions,
        statistics: || Vec::new(),
    },
    Kpi {
        columns: &[value("csat", "CSAT", Unit::Percent, "csat_n", Better::Higher, Interval::Share), count("csat_n")],
        presence: Presence::Always,
        aggregate: defs::csat,
        statistics: || Vec::new(),
    },
    Kpi {
        columns: &[value("nps", "NPS", Unit::Points, "nps_n", Better::Higher, Interval::NetScore), count("nps_n")],
        presence: Presence::Always,
        aggregate: defs::nps,
        statistics: || Vec::new(),
    },
    Kpi {
        columns: &[value("ces", "CES", Unit::Score, "ces_n", Better::Higher, Interval::Mean), count("ces_n")],
        presence: Presence::Always,
        aggregate: defs::ces,
        statistics: || defs::mean_statistics(CES, "ces"),
    },
    Kpi {
        columns: &[value("fcr", "FCR", Unit::Percent, "fcr_n", Better::Higher, Interval::Share), count("fcr_n")],
        presence: Presence::Always,
        aggregate: defs::fcr,
        statistics: || Vec::new(),
    },
    Kpi {
        columns: &[value("aht_s", "AHT", Unit::Seconds, "aht_n", Better::Lower, Interval::Mean), count("aht_n")],
        presence: Presence::Always,
        aggregate: defs::aht,
        statistics: || defs::mean_statistics(defs::HANDLE_TIME, "aht_s"),
    },
    Kpi {
        columns: durations!("frt_mean_s", "frt_median_s", "frt_p90_s", "frt_n", "FRT"),
        presence: Presence::Always,
        aggregate: || defs::durations(defs::FIRST_RESPONSE_TIME, "frt"),
        statistics: || defs::durations_statistics(defs::FIRST_RESPONSE_TIME, "frt"),
    },
    Kpi {
        columns: durations!("ttr_mean_s", "ttr_median_s", "ttr_p90_s", "ttr_n", "TTR"),
        presence: Presence::Always,
        aggregate: || defs::durations(defs::RESOLUTION_TIME, "ttr"),
        statistics: || defs::durations_statistics(defs::RESOLUTION_TIME, "ttr"),
    },
    Kpi {
        columns: durations!("frt_bh_mean_s", "frt_bh_median_s", "frt_bh_p90_s", "frt_bh_n", "FRT (bh)"),
        presence: Presence::BusinessHours,
        aggregate: || defs::durations(defs::FIRST_RESPONSE_BH_TIME, "frt_bh"),
        statistics: || defs::durations_statistics(defs::FIRST_RESPONSE_BH_TIME, "frt_bh"),
    },
    Kpi {
        columns: durations!("ttr_bh_mean_s", "ttr_bh_median_s", "ttr_bh_p90_s", "ttr_bh_n", "TTR (bh)"),
        presence: Presence::BusinessHours,
        aggregate: || defs::durations(defs::RESOLUTION_BH_TIME, "ttr_bh"),
        statistics: || defs::durations_statistics(defs::RESOLUTION_BH_TIME, "ttr_bh"),
    },
    Kpi {
        columns: &[value("churn", "Churn", Unit::Percent, "churn_n", Better::Lower, Interval::Share), count("churn_n")],
        presence: Presence::Always,
        aggregate: defs::churn,
        statistics: || Vec::new(),
    },
];

/// Every output column of every KPI, in output order.
pub(crate) static COLUMNS: LazyLock<Vec<&'static Column>> =
    LazyLock::new(|| KPIS.iter().flat_map(|kpi| kpi.columns).collect());

/// The catalogue's column called `name`.
pub(crate) fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().copied().find(|column| column.name == name)
}

/// Every output column's name, for messages that list them.
pub(crate) fn names() -> String {
    let names: Vec<&str> = COLUMNS.iter().map(|column| column.name).collect();
    names.join(", ")
}

/// The KPIs a report holds: all but the business-hours ones unless asked for.
pub(crate) fn selected(business_hours: bool) -> impl Iterator<Item = &'static Kpi> {
    KPIS.iter()
        .filter(move |kpi| business_hours || kpi.presence == Presence::Always)
}

#[cfg(test)]
mod tests {
    use super::super::uncertainty;
    use super::*;
    use crate::exprs::output_name;

    #[test]
    fn every_sample_size_is_a_count_column_of_the_same_kpi() {
        for kpi in KPIS {
            let n = kpi.columns.last().expect("a KPI has columns");
            assert_eq!(n.unit, Unit::Count, "{}", n.name);
            for column in kpi.columns {
                assert_eq!(column.n, n.name, "{}", column.name);
                assert_eq!(
                    column.is_value(),
                    column.better.is_some(),
                    "{}",
                    column.name
                );
            }
        }
    }

    #[test]
    fn names_are_unique() {
        for column in COLUMNS.iter() {
            let same = COLUMNS.iter().filter(|c| c.name == column.name).count();
            assert_eq!(same, 1, "{}", column.name);
        }
    }

    fn names(exprs: &[Expr]) -> Vec<String> {
        (exprs.iter())
            .map(|expr| output_name(expr).to_string())
            .collect()
    }

    #[test]
    fn each_column_is_computed_once_and_the_rest_is_hidden() {
        for kpi in KPIS {
            let computation = (kpi.aggregate)();
            let mut computed = names(&computation.grouped(&computation.subsets));
            computed.extend(names(&computation.finish));
            for column in kpi.columns {
                let times = computed.iter().filter(|n| *n == column.name).count();
                assert_eq!(times, 1, "{}", column.name);
            }
            // The rest are hidden statistics (SPEC §9), which never reach the output.
            for name in computed.iter().filter(|n| column(n).is_none()) {
                assert!(name.starts_with("__"), "{name}");
            }
        }
    }

    #[test]
    fn statistics_are_what_the_intervals_read() {
        for kpi in KPIS {
            let computation = (kpi.aggregate)();
            let mut computed = names(&computation.grouped(&computation.subsets));
            computed.extend(names(&(kpi.statistics)()));
            let mut expected: Vec<String> = Vec::new();
            for column in kpi.columns {
                for name in uncertainty::statistics_of(column) {
                    if !expected.contains(&name) {
                        expected.push(name);
                    }
                }
            }
            let hidden: Vec<String> = computed
                .into_iter()
                .filter(|n| column(n).is_none())
                .collect();
            assert_eq!(hidden, expected);
        }
    }

    #[test]
    fn every_value_column_has_an_interval() {
        for column in COLUMNS.iter() {
            assert_eq!(
                column.interval.is_some(),
                column.is_value(),
                "{}",
                column.name
            );
        }
    }
}
