//! Writer errors turned back into the I/O errors inside them, so that a closed pipe stays
//! recognisable to the exit-code contract (see `crate::exit`).

use std::io;

/// The I/O error inside a JSON writer's error.
pub(crate) fn io_error_of_json(error: serde_json::Error) -> io::Error {
    match error.io_error_kind() {
        Some(kind) => io::Error::from(kind),
        None => io::Error::other(error),
    }
}

/// The I/O error inside a CSV writer's error.
pub(crate) fn io_error_of_csv(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}
