//! Crash-safe file helpers shared with the other crates: atomic whole-file replacement and directory
//! fsync. Metadata files of every crate (`stream.json`, `checkpoints.json`, ...) are written with
//! [`write_atomic`], so a reader sees either the old or the new content, never a mix, even after a
//! power loss.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::LogError;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces the content of `path` with `bytes` atomically: writes a temporary file in the same
/// directory, fsyncs it, renames it over `path`, then fsyncs the directory.
///
/// The temporary file is named `.<name>.tmp-<pid>-<n>` and is removed if any step before the rename
/// fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    let (dir, temp_path) = temp_path_for(path)?;
    let result = write_and_sync(&temp_path, bytes)
        .and_then(|()| std::fs::rename(&temp_path, path).map_err(|error| LogError::io(path, error)));
    if let Err(error) = result {
        let _ = std::fs::remove_file(&temp_path);
        return Err(error);
    }
    sync_dir(&dir)
}

fn temp_path_for(path: &Path) -> Result<(PathBuf, PathBuf), LogError> {
    let Some(file_name) = path.file_name() else {
        let error = std::io::Error::new(std::io::ErrorKind::InvalidInput, "path has no file name");
        return Err(LogError::io(path, error));
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let counter = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp_name = format!(
        ".{}.tmp-{}-{counter}",
        file_name.to_string_lossy(),
        std::process::id()
    );
    Ok((dir.clone(), dir.join(temp_name)))
}

fn write_and_sync(temp_path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp_path)
        .map_err(|error| LogError::io(temp_path, error))?;
    file.write_all(bytes)
        .map_err(|error| LogError::io(temp_path, error))?;
    file.sync_all().map_err(|error| LogError::io(temp_path, error))
}

/// fsyncs a directory, making the creation, removal and renaming of its entries durable.
pub fn sync_dir(path: &Path) -> Result<(), LogError> {
    let dir = File::open(path).map_err(|error| LogError::io(path, error))?;
    dir.sync_all().map_err(|error| LogError::io(path, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_creates_and_replaces_without_leaving_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stream.json");
        write_atomic(&path, b"{\"v\":1}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"v\":1}");
        write_atomic(&path, b"{\"v\":2}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"v\":2}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("stream.json")]);
    }

    #[test]
    fn write_atomic_into_a_missing_directory_fails_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("x.json");
        let error = write_atomic(&path, b"x").unwrap_err();
        assert!(matches!(error, LogError::Io { .. }), "{error}");
    }

    #[test]
    fn sync_dir_works_on_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        sync_dir(dir.path()).unwrap();
        assert!(sync_dir(&dir.path().join("nope")).is_err());
    }
}
