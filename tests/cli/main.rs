//! The integration tests: one binary that runs the real `cxkpi`, one module per command or area
//! (the layout of ripgrep's `tests/tests.rs` and just's `tests/lib.rs`). Each module says in its
//! first line what belongs there; the harness every module shares is [`util::Cxkpi`].

mod check;
mod config;
mod exports;
mod fuzz;
mod html;
mod intervals;
mod invalid;
mod report;
mod resolution;
mod series;
mod snapshot;
mod util;
