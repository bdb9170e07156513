//! What the integration tests share: running the real binary and keeping what it printed.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// What one run of the binary did. Output is decoded lossily; the flags say whether it was
/// valid UTF-8.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub stdout_utf8: bool,
    pub stderr_utf8: bool,
}

impl Run {
    /// Stdout parsed as JSON (panics with the whole run when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// Stdout and stderr as text, asserting both were valid UTF-8.
    pub fn assert_utf8(self) -> Self {
        assert!(self.stdout_utf8, "stdout is not UTF-8: {self:#?}");
        assert!(self.stderr_utf8, "stderr is not UTF-8: {self:#?}");
        self
    }
}

/// How long a run may take before it is killed (and has no exit code).
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// `cxkpi ARGS` run in `dir`, fed `stdin` when given, killed after `timeout`.
pub fn cxkpi_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>, timeout: Duration) -> Run {
    let mut command = Command::cargo_bin("cxkpi").expect("the cxkpi binary is built");
    command.current_dir(dir).args(args).timeout(timeout);
    if let Some(bytes) = stdin {
        command.write_stdin(bytes.to_vec());
    }
    let output = command.output().expect("cxkpi runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        stdout_utf8: std::str::from_utf8(&output.stdout).is_ok(),
        stderr_utf8: std::str::from_utf8(&output.stderr).is_ok(),
    }
}

/// The crate root, where fixture paths are `tests/data/...`.
pub fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
