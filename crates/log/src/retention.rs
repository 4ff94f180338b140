//! Retention by age: whole sealed segments whose newest record is older than a cutoff are deleted,
//! oldest first, and the start offset advances to the first kept segment.
//!
//! Only a prefix of the sealed segments is ever deleted, so the log stays contiguous; the active
//! segment is never deleted, however old. Timestamps are non-decreasing through the log, so the
//! expired segments are exactly the oldest ones. A sealed segment whose last batch could not be read
//! (damaged tail) has no known age and stops the prefix. The caller computes the cutoff from its
//! clock (`now - retention period`): this module never reads the time.

use std::collections::VecDeque;
use std::sync::{Arc, PoisonError};

use crate::error::LogError;
use crate::fs::sync_dir;
use crate::segment::sealed::SealedSegment;
use crate::shard_log::ShardLog;

/// What one `enforce_retention` call removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetentionOutcome {
    /// Segments deleted.
    pub deleted_segments: usize,
    /// Records in those segments.
    pub deleted_records: u64,
    /// Bytes of their `.log` and `.idx` files.
    pub deleted_bytes: u64,
    /// The oldest retained offset after the call.
    pub start_offset: u64,
}

/// Number of leading sealed segments whose newest record is older than `min_timestamp_ms`.
pub(crate) fn expired_prefix_len(sealed: &VecDeque<Arc<SealedSegment>>, min_timestamp_ms: i64) -> usize {
    sealed
        .iter()
        .take_while(|segment| {
            segment
                .last_timestamp()
                .is_some_and(|newest| newest < min_timestamp_ms)
        })
        .count()
}

impl ShardLog {
    /// Deletes the sealed segments whose newest record timestamp is `< min_timestamp_ms` (never the
    /// active segment) and advances the start offset. Readers that already hold a deleted segment
    /// finish reading it.
    pub fn enforce_retention(&self, min_timestamp_ms: i64) -> Result<RetentionOutcome, LogError> {
        let (removed, start_offset) = {
            let mut segments = self.segments.write().unwrap_or_else(PoisonError::into_inner);
            let count = expired_prefix_len(&segments.sealed, min_timestamp_ms);
            let removed: Vec<Arc<SealedSegment>> = segments.sealed.drain(..count).collect();
            let removed_bytes: u64 = removed.iter().map(|segment| segment.disk_bytes()).sum();
            segments.sealed_disk_bytes = segments.sealed_disk_bytes.saturating_sub(removed_bytes);
            (removed, segments.start_offset())
        };
        let mut outcome = RetentionOutcome {
            start_offset,
            ..RetentionOutcome::default()
        };
        if removed.is_empty() {
            return Ok(outcome);
        }
        // Oldest first, so an interruption leaves a contiguous suffix on disk.
        let mut first_error = None;
        for segment in &removed {
            outcome.deleted_segments += 1;
            outcome.deleted_records += segment.end_offset() - segment.base_offset();
            outcome.deleted_bytes += segment.disk_bytes();
            if let Err(error) = segment.delete_files() {
                first_error.get_or_insert(error);
            }
        }
        tracing::info!(
            dir = %self.dir().display(),
            deleted_segments = outcome.deleted_segments,
            start_offset,
            "retention deleted segments"
        );
        if let Some(error) = first_error {
            return Err(error);
        }
        sync_dir(self.dir())?;
        Ok(outcome)
    }
}
