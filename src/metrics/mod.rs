//! What is measured (SPEC §3): the metric catalogue, the KPI definitions, and the report they
//! make. No I/O here; the pipeline composes these into one polars plan.

pub(crate) mod catalogue;
mod defs;
mod result;

pub(crate) use catalogue::{Column, Unit};
pub(crate) use defs::{churn_flags_between, uses_customers, with_record_inputs};
pub(crate) use result::{columns_of, Cell, Output, Report, Row, Timeline, PERIOD};
