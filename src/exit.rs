//! The exit-code contract: 0 ok, 1 SLA breach, 2 bad usage/config/input, 3 anything else.

use std::io::{self, Write};

/// A problem the user can fix (usage, configuration or input data): exit code 2.
///
/// Wrapped in `anyhow::Error` and found again by downcasting, so that `.context()` added on the
/// way up keeps the exit code.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

/// Builds an `anyhow::Error` carrying a [`UserError`] (exit 2).
#[macro_export]
macro_rules! user_error {
    ($($arg:tt)*) => {
        anyhow::Error::new($crate::exit::UserError(format!($($arg)*)))
    };
}

/// What a command that ran to the end found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything passed (exit 0).
    Success,
    /// `check` found at least one SLA breach (exit 1).
    Breach,
}

pub const SUCCESS: u8 = 0;
pub const BREACH: u8 = 1;
pub const BAD_INPUT: u8 = 2;
pub const FAILURE: u8 = 3;

/// Maps a command's result to the process exit code, printing the error if there is one.
pub fn exit_code(result: anyhow::Result<Outcome>) -> u8 {
    match result {
        Ok(Outcome::Success) => SUCCESS,
        Ok(Outcome::Breach) => BREACH,
        Err(err) if is_broken_pipe(&err) => SUCCESS,
        Err(err) => {
            // A closed stderr must not turn an error into a panic.
            let _ = writeln!(io::stderr(), "error: {err:#}");
            if is_user_error(&err) {
                BAD_INPUT
            } else {
                FAILURE
            }
        }
    }
}

pub(crate) fn is_user_error(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.is::<UserError>())
}

/// `cxkpi report | head` closes the pipe early; that is the reader's choice, not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn user_errors_keep_exit_2_through_context() {
        let err: anyhow::Result<Outcome> =
            Err(user_error!("bad value")).context("reading tickets.csv");
        assert_eq!(exit_code(err), BAD_INPUT);
    }

    #[test]
    fn other_errors_are_exit_3_and_broken_pipe_is_success() {
        let err: anyhow::Result<Outcome> = Err(anyhow::anyhow!("disk on fire"));
        assert_eq!(exit_code(err), FAILURE);
        let pipe: anyhow::Result<Outcome> =
            Err(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing the report");
        assert_eq!(exit_code(pipe), SUCCESS);
        assert_eq!(exit_code(Ok(Outcome::Breach)), BREACH);
    }
}
