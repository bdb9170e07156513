//! Expression helpers the polars DSL lacks.

use polars::prelude::*;

/// The column an expression named with `alias` becomes. Every aggregate, finished column and
/// record fact is named so; one that is not is a bug in its definition, hence the panic.
pub(crate) fn output_name(expr: &Expr) -> &PlSmallStr {
    match expr {
        Expr::Alias(_, name) => name,
        other => panic!("an expression without a name: {other:?}"),
    }
}

/// True where `text` equals one of `words` (which must not be empty).
pub(crate) fn is_one_of(text: Expr, words: &[&str]) -> Expr {
    words
        .iter()
        .map(|word| text.clone().eq(lit(*word)))
        .reduce(Expr::or)
        .expect("at least one word")
}

/// `when(c1).then(v1).when(c2).then(v2)…otherwise(default)` over any number of cases: the value
/// of the first case whose condition holds.
pub(crate) fn first_match(cases: Vec<(Expr, Expr)>, default: Expr) -> Expr {
    let mut cases = cases.into_iter();
    let Some((condition, value)) = cases.next() else {
        return default;
    };
    let then = when(condition).then(value);
    let Some((condition, value)) = cases.next() else {
        return then.otherwise(default);
    };
    let mut chained = then.when(condition).then(value);
    for (condition, value) in cases {
        chained = chained.when(condition).then(value);
    }
    chained.otherwise(default)
}
