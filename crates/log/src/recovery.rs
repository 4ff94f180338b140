//! Startup of a shard directory: list the segments, load the sealed ones through their indexes,
//! bring the last one back to its last whole CRC-valid batch, and refuse offset gaps.
//!
//! Recovery reads a bounded amount of every segment, never a whole one when its index is usable:
//!
//! * **Sealed segments** (all but the last): the `.idx` is parsed strictly and its last entry must
//!   point at a valid frame with the right offset and timestamp; the scan then runs from that entry
//!   to the end of the file only, to learn the segment's end offset and last timestamp. A missing or
//!   damaged `.idx` is rebuilt by scanning the segment (the only whole-segment scan) and rewritten
//!   atomically. The end offset must equal the next segment's base offset ([`LogError::OffsetGap`]).
//!   A damaged sealed tail cannot be cut (the next segment follows it): `TruncateTail` logs it and
//!   leaves it to fail reads with [`LogError::Corrupt`], `Strict` refuses to open.
//! * **The last segment**: the longest valid prefix of its `.idx` is kept, entries past the end of
//!   the file are dropped, and from the last entry backwards the first one that points at a valid
//!   frame is the scan start. The forward scan checks CRCs, offsets and timestamp order and stops at
//!   the first bad byte. `TruncateTail` cuts the file there and fsyncs it; `Strict` fails with
//!   [`LogError::TornTail`]. The `.idx` is rewritten if it changed.
//!
//! An `.idx` without its `.log` (left by retention interrupted between the two removals) and stale
//! temporary files of `write_atomic` are removed.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::config::LogConfig;
use crate::error::LogError;
use crate::fs::{sync_dir, write_atomic};
use crate::index::SparseIndex;
use crate::segment::active::{ActiveSegment, RecoveredTail};
use crate::segment::naming::{SegmentFileKind, index_path, log_path, parse_file_name};
use crate::segment::sealed::SealedSegment;
use crate::segment::{ScanStart, SegmentCore, read_frame, scan_frames};

/// What to do when the last segment ends with an incomplete or invalid batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecoveryMode {
    /// Cut the last segment back to the end of its last whole valid batch (what a crash leaves is
    /// expected to be torn, and was never acknowledged).
    #[default]
    TruncateTail,
    /// Refuse to open ([`LogError::TornTail`]); also refuses a damaged sealed segment tail.
    Strict,
}

/// The segment files found in a shard directory.
#[derive(Debug, Default)]
pub(crate) struct DirListing {
    /// Base offsets with a `.log` file, ascending, and whether an `.idx` exists.
    pub segments: BTreeMap<u64, bool>,
    /// `.idx` files without a `.log`.
    pub orphan_indexes: Vec<PathBuf>,
    /// Leftover `write_atomic` temporary files of segment indexes.
    pub stale_temp_files: Vec<PathBuf>,
}

/// Lists the segment files of `dir`.
pub(crate) fn list_dir(dir: &Path) -> Result<DirListing, LogError> {
    let mut logs = BTreeMap::new();
    let mut indexes = Vec::new();
    let mut listing = DirListing::default();
    let entries = std::fs::read_dir(dir).map_err(|error| LogError::io(dir, error))?;
    for entry in entries {
        let entry = entry.map_err(|error| LogError::io(dir, error))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        match parse_file_name(name) {
            Some((base, SegmentFileKind::Log)) => {
                logs.insert(base, false);
            }
            Some((base, SegmentFileKind::Index)) => indexes.push(base),
            None => {
                let is_temp_of_index = name
                    .strip_prefix('.')
                    .and_then(|rest| rest.split_once(".tmp-"))
                    .is_some_and(|(target, _)| parse_file_name(target).is_some());
                if is_temp_of_index {
                    listing.stale_temp_files.push(entry.path());
                }
            }
        }
    }
    for base in indexes {
        match logs.get_mut(&base) {
            Some(has_index) => *has_index = true,
            None => listing.orphan_indexes.push(index_path(dir, base)),
        }
    }
    listing.segments = logs;
    Ok(listing)
}

/// A recovered shard directory.
#[derive(Debug)]
pub(crate) struct RecoveredLog {
    pub sealed: Vec<SealedSegment>,
    pub active: ActiveSegment,
    /// Timestamp of the newest record in the log.
    pub last_timestamp: Option<i64>,
}

/// Opens (creating if needed) the shard directory `dir` and recovers it.
pub(crate) fn recover(dir: &Path, config: &LogConfig) -> Result<RecoveredLog, LogError> {
    std::fs::create_dir_all(dir).map_err(|error| LogError::io(dir, error))?;
    let listing = list_dir(dir)?;
    let mut dir_changed = false;
    for path in listing.orphan_indexes.iter().chain(&listing.stale_temp_files) {
        tracing::info!(path = %path.display(), "removing leftover file");
        std::fs::remove_file(path).map_err(|error| LogError::io(path, error))?;
        dir_changed = true;
    }

    let bases: Vec<u64> = listing.segments.keys().copied().collect();
    let Some((&last_base, sealed_bases)) = bases.split_last() else {
        let active = ActiveSegment::create(dir, 0, config.index_interval_bytes)?;
        sync_dir(dir)?;
        return Ok(RecoveredLog {
            sealed: Vec::new(),
            active,
            last_timestamp: None,
        });
    };

    let mut sealed = Vec::with_capacity(sealed_bases.len());
    for (position, &base) in sealed_bases.iter().enumerate() {
        let next_base = bases.get(position + 1).copied().unwrap_or(last_base);
        sealed.push(recover_sealed(dir, base, next_base, config)?);
    }
    let active = recover_last(dir, last_base, config)?;
    if dir_changed {
        sync_dir(dir)?;
    }
    let last_timestamp = active
        .last_timestamp()
        .or_else(|| sealed.iter().rev().find_map(SealedSegment::last_timestamp));
    Ok(RecoveredLog {
        sealed,
        active,
        last_timestamp,
    })
}

fn read_index_file(path: &Path) -> Result<Option<Vec<u8>>, LogError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(LogError::io(path, error)),
    }
}

fn file_len(file: &File, path: &Path) -> Result<u64, LogError> {
    Ok(file.metadata().map_err(|error| LogError::io(path, error))?.len())
}

/// True when `entry` of `index` points at a whole valid frame carrying the entry's offset and time.
fn entry_is_valid(
    file: &File,
    path: &Path,
    base_offset: u64,
    entry: &crate::index::IndexEntry,
    len: u64,
) -> Result<bool, LogError> {
    match read_frame(file, path, u64::from(entry.position), len) {
        Ok(frame) => Ok(
            frame.header.first_offset == base_offset + u64::from(entry.relative_offset)
                && frame.header.timestamp_ms == entry.timestamp_ms,
        ),
        Err(error) if error.is_corruption() => Ok(false),
        Err(error) => Err(error),
    }
}

fn recover_sealed(
    dir: &Path,
    base: u64,
    next_base: u64,
    config: &LogConfig,
) -> Result<SealedSegment, LogError> {
    let log_path = log_path(dir, base);
    let index_path = index_path(dir, base);
    let file = File::open(&log_path).map_err(|error| LogError::io(&log_path, error))?;
    let len = file_len(&file, &log_path)?;

    let mut index = match read_index_file(&index_path)? {
        Some(bytes) => SparseIndex::parse_strict(&bytes, len).unwrap_or_else(|error| {
            tracing::warn!(path = %index_path.display(), error = %error, "damaged index, rebuilding");
            SparseIndex::new()
        }),
        None => SparseIndex::new(),
    };
    let last_entry_valid = match index.last().copied() {
        Some(last) => entry_is_valid(&file, &log_path, base, &last, len)?,
        None => true,
    };
    if !last_entry_valid {
        tracing::warn!(path = %index_path.display(), "index does not match its segment, rebuilding");
        index = SparseIndex::new();
    }

    let tail = if let Some(last) = index.last().copied() {
        // Bounded scan: from the last entry to the end of the file.
        let start = ScanStart {
            position: u64::from(last.position),
            offset: base + u64::from(last.relative_offset),
            last_timestamp: None,
        };
        let mut scratch = SparseIndex::new();
        scan_frames(&file, &log_path, base, start, len, &mut scratch, u32::MAX)?
    } else {
        // No usable index: the one whole-segment scan, which rebuilds it.
        let start = ScanStart {
            position: 0,
            offset: base,
            last_timestamp: None,
        };
        let scan = scan_frames(
            &file,
            &log_path,
            base,
            start,
            len,
            &mut index,
            config.index_interval_bytes,
        )?;
        if !index.is_empty() {
            write_atomic(&index_path, &index.to_bytes())?;
        }
        scan
    };

    let end_offset = match tail.stopped_by {
        Some(error) if config.recovery == RecoveryMode::Strict => return Err(error),
        Some(error) => {
            tracing::warn!(error = %error, "sealed segment has a damaged tail; reads of it will fail");
            next_base
        }
        None if tail.end_offset != next_base => {
            return Err(LogError::OffsetGap {
                segment: log_path,
                end_offset: tail.end_offset,
                next_base_offset: next_base,
            });
        }
        None => tail.end_offset,
    };
    let first_timestamp = index.entries().first().map(|entry| entry.timestamp_ms);
    let core = SegmentCore::new(base, log_path, file, index);
    Ok(SealedSegment::new(
        std::sync::Arc::new(core),
        index_path,
        len,
        end_offset,
        first_timestamp,
        tail.last_timestamp,
    ))
}

fn recover_last(dir: &Path, base: u64, config: &LogConfig) -> Result<ActiveSegment, LogError> {
    let log_path = log_path(dir, base);
    let index_path = index_path(dir, base);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&log_path)
        .map_err(|error| LogError::io(&log_path, error))?;
    let len = file_len(&file, &log_path)?;

    let index_bytes = read_index_file(&index_path)?;
    let mut index = SparseIndex::parse_prefix(index_bytes.as_deref().unwrap_or_default());
    index.truncate_at_position(len);
    let start = loop {
        let Some(last) = index.last().copied() else {
            break ScanStart {
                position: 0,
                offset: base,
                last_timestamp: None,
            };
        };
        if entry_is_valid(&file, &log_path, base, &last, len)? {
            break ScanStart {
                position: u64::from(last.position),
                offset: base + u64::from(last.relative_offset),
                last_timestamp: None,
            };
        }
        index.truncate(index.len() - 1);
    };

    let scan = scan_frames(
        &file,
        &log_path,
        base,
        start,
        len,
        &mut index,
        config.index_interval_bytes,
    )?;
    if scan.end_position < len {
        let cut_bytes = len - scan.end_position;
        if config.recovery == RecoveryMode::Strict {
            return Err(LogError::TornTail {
                segment: log_path,
                position: scan.end_position,
            });
        }
        let reason = scan
            .stopped_by
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::warn!(
            path = %log_path.display(),
            position = scan.end_position,
            cut_bytes,
            reason = %reason,
            "truncating torn tail"
        );
        file.set_len(scan.end_position)
            .map_err(|error| LogError::io(&log_path, error))?;
    }
    // Everything kept is now acknowledged-equivalent: make it (and any truncation) durable.
    file.sync_all().map_err(|error| LogError::io(&log_path, error))?;

    let new_index_bytes = index.to_bytes();
    if index_bytes.as_deref() != Some(new_index_bytes.as_slice()) {
        write_atomic(&index_path, &new_index_bytes)?;
    }
    let tail = RecoveredTail {
        size: scan.end_position,
        next_offset: scan.end_offset,
        first_timestamp: index.entries().first().map(|entry| entry.timestamp_ms),
        last_timestamp: scan.last_timestamp,
    };
    let core = SegmentCore::new(base, log_path, file, index);
    ActiveSegment::resume(core, index_path, tail, config.index_interval_bytes)
}
