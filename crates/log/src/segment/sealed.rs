//! A sealed segment: read-only, fsynced, with a complete `.idx` on disk.
//!
//! It knows its offset range, its size and the timestamps of its first and last batches (the last
//! one decides retention). It is created by sealing the active segment or by recovery, and deleted
//! whole by retention; it is never written to.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::LogError;
use crate::segment::{SegmentCore, SegmentView};

/// A read-only segment.
#[derive(Debug)]
pub(crate) struct SealedSegment {
    core: Arc<SegmentCore>,
    index_path: PathBuf,
    size: u64,
    end_offset: u64,
    first_timestamp: Option<i64>,
    last_timestamp: Option<i64>,
}

impl SealedSegment {
    pub fn new(
        core: Arc<SegmentCore>,
        index_path: PathBuf,
        size: u64,
        end_offset: u64,
        first_timestamp: Option<i64>,
        last_timestamp: Option<i64>,
    ) -> SealedSegment {
        SealedSegment {
            core,
            index_path,
            size,
            end_offset,
            first_timestamp,
            last_timestamp,
        }
    }

    pub fn base_offset(&self) -> u64 {
        self.core.base_offset
    }

    /// Offset after its last record (the base offset of the next segment).
    pub fn end_offset(&self) -> u64 {
        self.end_offset
    }

    /// Bytes of the `.log` and `.idx` files.
    pub fn disk_bytes(&self) -> u64 {
        self.size + self.core.index().byte_len()
    }

    /// Timestamp of the newest batch, `None` if no batch could be read.
    pub fn last_timestamp(&self) -> Option<i64> {
        self.last_timestamp
    }

    /// The whole segment as one read view.
    pub fn view(&self) -> SegmentView {
        SegmentView {
            core: Arc::clone(&self.core),
            byte_limit: self.size,
            end_offset: self.end_offset,
            first_timestamp: self.first_timestamp,
            last_timestamp: self.last_timestamp,
        }
    }

    /// Removes the `.log` then the `.idx` file (recovery removes an `.idx` left without its `.log`).
    /// Readers that still hold the segment keep reading the unlinked file.
    pub fn delete_files(&self) -> Result<(), LogError> {
        remove_if_present(&self.core.log_path)?;
        remove_if_present(&self.index_path)
    }
}

fn remove_if_present(path: &std::path::Path) -> Result<(), LogError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(LogError::io(path, error)),
    }
}
