//! `snapshot`: appends a dated copy of the report's rows to a history file, CSV or NDJSON
//! (SPEC §6), so that cron retries replace instead of duplicating, concurrent runs all land,
//! and a crash at any moment leaves the old history or the new one, never a torn file.
//!
//! While a run reads and rewrites the history it holds an exclusive advisory lock on
//! `HISTORY.lock` beside it; the new history is written to a temporary file in the same
//! directory, synced, and renamed over the old one.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::history::{self, history_format};
use crate::metrics::Report;
use crate::timestamps::format_micros;

/// Adds `report`'s rows, stamped `snapshot_at` (epoch microseconds, whole seconds), to the
/// history, replacing any rows of an earlier snapshot with the same stamp.
pub(crate) fn append(path: &Path, snapshot_at: i64, report: &Report) -> Result<()> {
    let format = history_format(path)?;
    // A history reached through a symlink is updated where it lives, and locked there.
    let resolved = fs::canonicalize(path).ok();
    let path = resolved.as_deref().unwrap_or(path);
    let stamp = format_micros(snapshot_at);
    let columns = history::columns_for(report);

    let _lock = lock(path)?;
    let mut lines: Vec<history::Line> = history::read(path, format, &columns)?
        .into_iter()
        .filter(|line| line.snapshot_at != stamp)
        .collect();
    lines.extend(history::new_lines(report, &stamp, format));
    // Stamps are UTC RFC 3339 in whole seconds, so text order is time order; the sort is
    // stable, keeping each snapshot's rows in report order.
    lines.sort_by(|a, b| a.snapshot_at.cmp(&b.snapshot_at));
    replace_atomically(path, |out| history::write(out, format, &columns, &lines))
}

/// Holds the history's lock file locked until dropped (the OS releases it if the process dies).
fn lock(history: &Path) -> Result<File> {
    let mut name = history.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = history.with_file_name(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening the lock file {}", path.display()))?;
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

/// Writes the new content to a temporary file beside `path`, syncs it and renames it over
/// `path`, then syncs the directory so that the rename itself survives a crash.
fn replace_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let directory: PathBuf = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".");
    let temporary = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(&directory)
        .with_context(|| format!("creating a temporary file in {}", directory.display()))?;
    {
        let mut out = BufWriter::new(temporary.as_file());
        write(&mut out)?;
        out.flush()?;
    }
    // The history keeps its permissions; a new one gets what any new file gets here (the
    // umask's), not the temporary file's private mode.
    let permissions = match fs::metadata(path) {
        Ok(metadata) => metadata.permissions(),
        Err(_) => new_file_permissions(&directory)?,
    };
    fs::set_permissions(temporary.path(), permissions)
        .context("setting the new history's permissions")?;
    temporary
        .as_file()
        .sync_all()
        .context("syncing the new history")?;
    temporary
        .persist(path)
        .with_context(|| format!("replacing {}", path.display()))?;
    if let Ok(dir) = fs::File::open(&directory) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The permissions a newly created file gets in `directory` (on Unix, 0666 less the umask),
/// found by creating one: the umask can only be read by changing it, which would race with
/// other threads.
fn new_file_permissions(directory: &Path) -> Result<fs::Permissions> {
    let probe = directory.join(format!(".cxkpi-permissions-{}", std::process::id()));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .with_context(|| format!("creating a file in {}", directory.display()))?;
    let permissions = file.metadata().map(|m| m.permissions());
    drop(file);
    let _ = fs::remove_file(&probe);
    Ok(permissions?)
}
