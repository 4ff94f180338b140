//! The active segment: the one segment of a shard that is appended to.
//!
//! It writes each frame with one positional write at the current end of the `.log` file, adds an
//! index entry under the interval rule (in memory, and appended to the `.idx` file without fsync:
//! recovery validates index entries, so a stale active index is only slower, never wrong), and seals
//! itself into a [`SealedSegment`] when the shard log rolls. It does not decide when to roll nor
//! when to fsync; `ShardLog` and `group_commit` do.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::LogError;
use crate::fs::write_atomic;
use crate::index::{IndexEntry, SparseIndex};
use crate::segment::SegmentCore;
use crate::segment::naming::{index_path, log_path};
use crate::segment::sealed::SealedSegment;

/// What a recovered last segment holds, to resume appending to it.
#[derive(Debug)]
pub(crate) struct RecoveredTail {
    pub size: u64,
    pub next_offset: u64,
    pub first_timestamp: Option<i64>,
    pub last_timestamp: Option<i64>,
}

/// The appendable segment of a shard.
#[derive(Debug)]
pub(crate) struct ActiveSegment {
    core: Arc<SegmentCore>,
    index_path: PathBuf,
    index_file: File,
    /// Set when an index write failed: the `.idx` file is rewritten whole when sealing.
    index_file_damaged: bool,
    size: u64,
    next_offset: u64,
    first_timestamp: Option<i64>,
    last_timestamp: Option<i64>,
    index_interval_bytes: u32,
}

impl ActiveSegment {
    /// Creates the empty files of a new segment starting at `base_offset`. The caller fsyncs the
    /// directory.
    pub fn create(
        dir: &Path,
        base_offset: u64,
        index_interval_bytes: u32,
    ) -> Result<ActiveSegment, LogError> {
        let log_path = log_path(dir, base_offset);
        let index_path = index_path(dir, base_offset);
        let file = create_empty_log(&log_path)?;
        let index_file = OpenOptions::new()
            .append(true)
            .create(true)
            .truncate(false)
            .open(&index_path)
            .map_err(|error| LogError::io(&index_path, error))?;
        index_file
            .set_len(0)
            .map_err(|error| LogError::io(&index_path, error))?;
        Ok(ActiveSegment {
            core: Arc::new(SegmentCore::new(base_offset, log_path, file, SparseIndex::new())),
            index_path,
            index_file,
            index_file_damaged: false,
            size: 0,
            next_offset: base_offset,
            first_timestamp: None,
            last_timestamp: None,
            index_interval_bytes,
        })
    }

    /// Resumes a recovered segment whose index file already holds exactly `core`'s index.
    pub fn resume(
        core: SegmentCore,
        index_path: PathBuf,
        tail: RecoveredTail,
        index_interval_bytes: u32,
    ) -> Result<ActiveSegment, LogError> {
        let index_file = OpenOptions::new()
            .append(true)
            .open(&index_path)
            .map_err(|error| LogError::io(&index_path, error))?;
        Ok(ActiveSegment {
            core: Arc::new(core),
            index_path,
            index_file,
            index_file_damaged: false,
            size: tail.size,
            next_offset: tail.next_offset,
            first_timestamp: tail.first_timestamp,
            last_timestamp: tail.last_timestamp,
            index_interval_bytes,
        })
    }

    pub fn core(&self) -> &Arc<SegmentCore> {
        &self.core
    }

    pub fn base_offset(&self) -> u64 {
        self.core.base_offset
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn next_offset(&self) -> u64 {
        self.next_offset
    }

    pub fn last_timestamp(&self) -> Option<i64> {
        self.last_timestamp
    }

    /// True when a frame of `frame_len` bytes holding `record_count` records must go to a new
    /// segment: the segment is not empty and would grow past `segment_bytes`, or its offsets or
    /// positions would no longer fit the 32-bit index fields.
    pub fn must_roll_before(&self, frame_len: u64, record_count: u32, segment_bytes: u64) -> bool {
        if self.size == 0 {
            return false;
        }
        let relative_end = (self.next_offset - self.core.base_offset).saturating_add(u64::from(record_count));
        self.size.saturating_add(frame_len) > segment_bytes
            || relative_end > u64::from(u32::MAX)
            || self.size > u64::from(u32::MAX)
    }

    /// Writes one encoded frame at the end of the segment with a single positional write.
    ///
    /// On a failed write the file is cut back to its previous size; if even that fails the error is
    /// [`LogError::Poisoned`], since the file end is then unknown.
    pub fn append_frame(
        &mut self,
        frame: &[u8],
        first_offset: u64,
        record_count: u32,
        timestamp_ms: i64,
    ) -> Result<(), LogError> {
        debug_assert_eq!(first_offset, self.next_offset);
        debug_assert!(
            self.last_timestamp.is_none_or(|last| timestamp_ms >= last),
            "timestamps must not go backwards"
        );
        let position = self.size;
        if let Err(error) = self.core.file.write_all_at(frame, position) {
            let write_error = LogError::io(&self.core.log_path, error);
            if let Err(truncate_error) = self.core.file.set_len(position) {
                return Err(LogError::Poisoned {
                    reason: format!("{write_error}, then failed to cut the partial write: {truncate_error}"),
                });
            }
            return Err(write_error);
        }
        self.add_index_entry_if_due(position, first_offset, timestamp_ms);
        self.size = position + frame.len() as u64;
        self.next_offset = first_offset + u64::from(record_count);
        self.first_timestamp.get_or_insert(timestamp_ms);
        self.last_timestamp = Some(timestamp_ms);
        Ok(())
    }

    fn add_index_entry_if_due(&mut self, position: u64, first_offset: u64, timestamp_ms: i64) {
        let mut index = self.core.index_mut();
        if !index.wants_entry(position, self.index_interval_bytes) {
            return;
        }
        // Both fit: must_roll_before keeps relative offsets and positions within u32.
        let entry = IndexEntry {
            relative_offset: u32::try_from(first_offset - self.core.base_offset).unwrap_or(u32::MAX),
            position: u32::try_from(position).unwrap_or(u32::MAX),
            timestamp_ms,
        };
        index.push(entry);
        drop(index);
        if self.index_file_damaged {
            return;
        }
        if let Err(error) = self.index_file.write_all(&entry.to_bytes()) {
            tracing::warn!(path = %self.index_path.display(), error = %error, "index write failed, will rewrite on seal");
            self.index_file_damaged = true;
        }
    }

    /// fsyncs the `.log` and `.idx` files.
    pub fn sync_all(&mut self) -> Result<(), LogError> {
        self.core
            .file
            .sync_data()
            .map_err(|error| LogError::io(&self.core.log_path, error))?;
        self.sync_index()
    }

    fn sync_index(&mut self) -> Result<(), LogError> {
        if self.index_file_damaged {
            let bytes = self.core.index().to_bytes();
            write_atomic(&self.index_path, &bytes)?;
            self.index_file = OpenOptions::new()
                .append(true)
                .open(&self.index_path)
                .map_err(|error| LogError::io(&self.index_path, error))?;
            self.index_file_damaged = false;
            return Ok(());
        }
        self.index_file
            .sync_data()
            .map_err(|error| LogError::io(&self.index_path, error))
    }

    /// Turns the segment into a read-only one, without I/O: the caller has called
    /// [`ActiveSegment::sync_all`] since the last append, and fsyncs the directory after creating
    /// the next segment.
    pub fn into_sealed(self) -> SealedSegment {
        SealedSegment::new(
            self.core,
            self.index_path,
            self.size,
            self.next_offset,
            self.first_timestamp,
            self.last_timestamp,
        )
    }
}

/// Creates the `.log` file of a new segment. An existing *empty* file of that name (left by a roll
/// that failed after creating it) is reused; a non-empty one is never overwritten.
fn create_empty_log(log_path: &Path) -> Result<File, LogError> {
    let created = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(log_path);
    match created {
        Ok(file) => Ok(file),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .open(log_path)
                .map_err(|error| LogError::io(log_path, error))?;
            let len = file
                .metadata()
                .map_err(|error| LogError::io(log_path, error))?
                .len();
            if len != 0 {
                return Err(LogError::io(log_path, error));
            }
            Ok(file)
        }
        Err(error) => Err(LogError::io(log_path, error)),
    }
}
