//! The harness every module shares: [`Cxkpi`], a builder that runs the real binary (after just's
//! `Test`), and [`Run`], what one run did.
//!
//! A test reads as input, then expected output:
//!
//! ```text
//! Cxkpi::new("report --format json --on-invalid skip log.csv")
//!     .file("log.csv", "interaction_id,csat\nI1,9\n")
//!     .fails(2, "error: ...\n");
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

/// How long a run may take before it is killed (and has no exit code).
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// The crate root, where fixture paths are `tests/data/...`.
pub fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bytes of `tests/data/NAME`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = crate_root().join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// One run of `cxkpi`, built up then run by one of the finishing methods ([`Cxkpi::run`],
/// [`Cxkpi::ok`], [`Cxkpi::json`], [`Cxkpi::fails`], [`Cxkpi::usage_error`]).
#[must_use = "a Cxkpi does nothing until it is run"]
pub struct Cxkpi {
    args: Vec<OsString>,
    dir: Option<PathBuf>,
    files: Vec<(String, Vec<u8>)>,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
    env: Vec<(OsString, OsString)>,
}

impl Cxkpi {
    /// `cxkpi ARGS`, the arguments split on whitespace (use [`Cxkpi::arg`] for one with spaces).
    /// It runs in the crate root unless [`Cxkpi::file`] or [`Cxkpi::current_dir`] say otherwise.
    pub fn new(args: &str) -> Self {
        Cxkpi {
            args: Vec::new(),
            dir: None,
            files: Vec::new(),
            stdin: None,
            timeout: TIMEOUT,
            env: Vec::new(),
        }
        .args(args)
    }

    /// More arguments, split on whitespace.
    pub fn args(mut self, args: &str) -> Self {
        self.args.extend(args.split_whitespace().map(OsString::from));
        self
    }

    /// One argument, as is (it may hold spaces, or be a path).
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Arguments from a list, each as is.
    pub fn arg_list<S: Into<OsString> + Clone>(mut self, args: &[S]) -> Self {
        self.args.extend(args.iter().cloned().map(Into::into));
        self
    }

    /// Runs in `dir` (file names in messages are then the relative names given).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Writes `name` (relative) with `content` into a fresh temporary directory, which becomes
    /// the working directory; the [`Run`] keeps the directory alive ([`Run::dir`]).
    pub fn file(mut self, name: &str, content: impl AsRef<[u8]>) -> Self {
        self.files.push((name.to_string(), content.as_ref().to_vec()));
        self
    }

    /// Feeds `bytes` on standard input.
    pub fn stdin(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.stdin = Some(bytes.as_ref().to_vec());
        self
    }

    /// Sets an environment variable for the run.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Kills the run after `timeout` (it then has no exit code).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs it; no expectation yet.
    pub fn run(self) -> Run {
        let temp = if self.files.is_empty() {
            None
        } else {
            let temp = TempDir::new().expect("a temporary directory");
            for (name, content) in &self.files {
                let path = temp.path().join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).expect("creating a folder for an input");
                }
                std::fs::write(&path, content).expect("writing an input");
            }
            Some(temp)
        };
        let dir = match (&self.dir, &temp) {
            (Some(dir), _) => dir.clone(),
            (None, Some(temp)) => temp.path().to_path_buf(),
            (None, None) => crate_root().to_path_buf(),
        };
        let mut command =
            assert_cmd::Command::cargo_bin("cxkpi").expect("the cxkpi binary is built");
        command.current_dir(&dir).args(&self.args).timeout(self.timeout);
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(bytes) = self.stdin {
            command.write_stdin(bytes);
        }
        let output = command.output().expect("cxkpi runs");
        Run {
            args: self.args,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout_utf8: std::str::from_utf8(&output.stdout).is_ok(),
            stderr_utf8: std::str::from_utf8(&output.stderr).is_ok(),
            temp,
        }
    }

    /// Exit 0, nothing on stderr, UTF-8 output; returns stdout.
    pub fn ok(self) -> String {
        self.run().ok()
    }

    /// Exit 0, nothing on stderr; returns stdout parsed as JSON.
    pub fn json(self) -> Value {
        self.run().ok_json()
    }

    /// Exit `code`, nothing on stdout and exactly `stderr` on stderr.
    pub fn fails(self, code: i32, stderr: &str) -> Run {
        let run = self.run().status(code);
        assert_eq!(run.stdout, "", "stdout of {run:#?}");
        assert_eq!(run.stderr, stderr, "stderr of {run:#?}");
        run
    }

    /// Exit 2 (a usage or input error), nothing on stdout, and an `error: ` message; returns it.
    pub fn usage_error(self) -> String {
        let run = self.run().status(2).assert_utf8();
        assert_eq!(run.stdout, "", "stdout of {run:#?}");
        assert!(run.stderr.starts_with("error: "), "stderr of {run:#?}");
        run.stderr
    }
}

/// What one run of the binary did. Output is decoded lossily; the flags say whether it was
/// valid UTF-8.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<OsString>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub stdout_utf8: bool,
    pub stderr_utf8: bool,
    temp: Option<TempDir>,
}

impl Run {
    /// The temporary directory the run's [`Cxkpi::file`]s were written to.
    pub fn dir(&self) -> &Path {
        self.temp.as_ref().expect("the run was given files").path()
    }

    /// Asserts the exit code.
    pub fn status(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "exit code of cxkpi {:?}: {self:#?}", self.args);
        self
    }

    /// Exit 0, nothing on stderr, UTF-8 output; returns stdout.
    pub fn ok(self) -> String {
        let run = self.status(0).assert_utf8();
        assert_eq!(run.stderr, "", "stderr of {run:#?}");
        run.stdout
    }

    /// Exit 0, nothing on stderr; stdout parsed as JSON.
    pub fn ok_json(self) -> Value {
        let run = self.status(0).assert_utf8();
        assert_eq!(run.stderr, "", "stderr of {run:#?}");
        run.json()
    }

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
