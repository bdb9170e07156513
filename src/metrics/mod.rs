//! What is measured (SPEC §3): the metric catalogue, the KPI definitions, and the report they
//! make, with the confidence intervals of SPEC §9. No I/O here; the pipeline composes these
//! into one polars plan.

mod business_hours;
pub(crate) mod catalogue;
mod defs;
pub(crate) mod intervals;
mod result;
pub(crate) mod subset;
pub(crate) mod uncertainty;

pub(crate) use business_hours::{add_business_hours, BusinessHours};
pub(crate) use catalogue::{Column, Unit};
pub(crate) use defs::{
    churn_flags_between, churn_flags_unwindowed, record_facts, uses_customers, with_fcr_flags,
    Computation,
};
pub(crate) use intervals::Confidence;
pub(crate) use result::{columns_of, Cell, OutputColumn, Report, Row, Timeline, Variant, PERIOD};
