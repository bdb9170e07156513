//! Record facts: the per-record values a run's metrics derive from one record alone, put in
//! place of the canonical columns they come from as soon as records are typed, so that a
//! record keeps a flag where it had a number.
//!
//! Ingest does not know the metrics: the pipeline hands it the facts (the expressions are
//! `metrics::defs`'), and every path applies them to what it built — the typed pass to each
//! piece as it is read, the general path to its frame — so that both end with the same
//! columns.

use polars::prelude::*;

use crate::exprs::output_name;
use crate::narrow::Narrowing;

/// The facts of a run and the columns they replace.
pub(crate) struct RecordFacts {
    /// One expression per fact, aliased to the fact's column, over canonical columns.
    pub(crate) facts: Vec<Expr>,
    /// Every canonical column the facts read.
    pub(crate) inputs: Vec<&'static str>,
    /// The canonical columns no metric reads once the facts are derived.
    pub(crate) replaced: Vec<&'static str>,
    /// Canonical columns no metric reads once the facts are derived when the input has a
    /// column (each pair: the replaced column, then the one that decides).
    pub(crate) replaced_given: Vec<(&'static str, &'static str)>,
    /// Columns (facts or canonical) that may be stored narrower, each piece on its own and the
    /// frame at the end (see [`crate::narrow`]).
    pub(crate) narrowings: Vec<(&'static str, Narrowing)>,
}

impl RecordFacts {
    /// The facts' column names, in order.
    pub(crate) fn names(&self) -> Vec<String> {
        (self.facts.iter())
            .map(|fact| output_name(fact).to_string())
            .collect()
    }

    /// Each of [`RecordFacts::narrowings`] in `frame` stored narrower where its values allow.
    pub(crate) fn narrow(&self, frame: &mut DataFrame) -> PolarsResult<()> {
        for &(name, narrowing) in &self.narrowings {
            narrowing.apply(frame, name)?;
        }
        Ok(())
    }

    /// Whether the facts replace `column` in an input of the `present` canonical columns.
    pub(crate) fn replaces(&self, column: &str, present: &[&str]) -> bool {
        self.replaced.contains(&column)
            || (self.replaced_given.iter())
                .any(|(replaced, given)| *replaced == column && present.contains(given))
    }

    /// `frame`, of an input of the `present` canonical columns, with the facts added and the
    /// columns they replace dropped.
    pub(crate) fn derive(&self, frame: DataFrame, present: &[&str]) -> PolarsResult<DataFrame> {
        if self.facts.is_empty() {
            return Ok(frame);
        }
        let derived = (frame.clone().lazy())
            .select(self.facts.clone())
            .collect_with_engine(Engine::InMemory)?
            .unwrap_single();
        let replaced: Vec<PlSmallStr> = (frame.get_column_names_owned().into_iter())
            .filter(|name| self.replaces(name, present))
            .collect();
        let mut frame = frame.drop_many(replaced);
        for column in derived.into_columns() {
            frame.with_column(column)?;
        }
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> RecordFacts {
        RecordFacts {
            facts: vec![
                (col("a") + col("b")).alias("sum"),
                col("a").gt(lit(1)).alias("big"),
            ],
            inputs: vec!["a", "b"],
            replaced: vec!["a", "b"],
            replaced_given: vec![("d", "e")],
            narrowings: Vec::new(),
        }
    }

    #[test]
    fn names_come_from_the_expressions() {
        assert_eq!(facts().names(), ["sum", "big"]);
    }

    #[test]
    fn derive_replaces_the_inputs_by_the_facts() {
        // By hand: a + b = 11, 22; a > 1 is false, true.
        let frame = df!("a" => [1, 2], "b" => [10, 20], "c" => ["x", "y"]).unwrap();
        let derived = facts().derive(frame, &["a", "b", "c"]).unwrap();
        let expected = df!("c" => ["x", "y"], "sum" => [11, 22], "big" => [false, true]).unwrap();
        assert!(derived.equals(&expected), "{derived}");
    }

    #[test]
    fn a_column_replaced_given_another_goes_only_where_the_input_has_that_one() {
        let frame = df!("a" => [1], "b" => [10], "d" => [7]).unwrap();
        let kept = facts().derive(frame.clone(), &["a", "b", "d"]).unwrap();
        assert_eq!(kept.get_column_names(), ["d", "sum", "big"]);
        let replaced = facts().derive(frame, &["a", "b", "d", "e"]).unwrap();
        assert_eq!(replaced.get_column_names(), ["sum", "big"]);
    }
}
