//! `ShardLog`, the per-shard façade: open (with recovery), append, sync, read from an offset, find an
//! offset by time, roll segments, close and destroy. Retention lives in `retention.rs`.
//!
//! Concurrency. A `ShardLog` is `Send + Sync` and used behind an `Arc` by many threads:
//!
//! * `writer` (a mutex) serialises appends and rolls; it holds the active segment and the reused
//!   encode buffer. The write syscall happens under it, nothing else blocks on it.
//! * `segments` (a read-write lock) is the list readers snapshot: sealed segments and the active
//!   segment's read side. Only a roll and retention take it for writing, briefly.
//! * `commit` holds the written and synced watermarks (see `group_commit`). Lock order is
//!   `writer` → `segments` → `commit`; readers take `segments` then `commit` to get a consistent
//!   snapshot, then read files with positional reads and no lock held.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};

use crate::config::LogConfig;
use crate::error::LogError;
use crate::frame::{self, FrameError};
use crate::fs::sync_dir;
use crate::group_commit::{GroupCommit, IntervalSyncer, PersistPolicy, Watermark};
use crate::record::{AppendReceipt, ReadLimits, ReadOutcome, RecordRef};
use crate::recovery::recover;
use crate::segment::active::ActiveSegment;
use crate::segment::sealed::SealedSegment;
use crate::segment::{ReadAccumulator, SegmentCore, SegmentView, find_time, read_records};

/// Encode buffers larger than this are released after the append instead of kept for reuse.
const RETAINED_BUFFER_BYTES: usize = 1024 * 1024;

/// The append side, behind the writer mutex.
#[derive(Debug)]
struct Writer {
    active: ActiveSegment,
    /// Newest timestamp in the log (the active segment may be empty right after a roll).
    last_timestamp: Option<i64>,
    buffer: Vec<u8>,
}

/// What readers snapshot: every segment, oldest first.
#[derive(Debug)]
pub(crate) struct SegmentSet {
    pub sealed: VecDeque<Arc<SealedSegment>>,
    pub active: Arc<SegmentCore>,
    /// `.log` plus `.idx` bytes of the sealed segments.
    pub sealed_disk_bytes: u64,
}

impl SegmentSet {
    pub fn start_offset(&self) -> u64 {
        self.sealed
            .front()
            .map_or(self.active.base_offset, |segment| segment.base_offset())
    }
}

/// A consistent view of the readable part of the log.
struct Snapshot {
    start_offset: u64,
    visible: Watermark,
    segments: Vec<SegmentView>,
}

/// The append-only log of one shard. See the crate documentation for the format and guarantees.
#[derive(Debug)]
pub struct ShardLog {
    dir: PathBuf,
    config: LogConfig,
    writer: Mutex<Writer>,
    pub(crate) segments: RwLock<SegmentSet>,
    commit: Arc<GroupCommit>,
    syncer: Option<IntervalSyncer>,
}

impl ShardLog {
    /// Opens the shard directory `dir`, creating it if missing, and runs recovery.
    pub fn open(dir: &Path, config: LogConfig) -> Result<ShardLog, LogError> {
        config.validate()?;
        let recovered = recover(dir, &config)?;
        let active = recovered.active;
        let recovered_end = Watermark {
            offset: active.next_offset(),
            segment_base: active.base_offset(),
            position: active.size(),
            timestamp_ms: recovered.last_timestamp,
        };
        let commit = Arc::new(GroupCommit::new(
            config.persist,
            config.page_cache_window_bytes,
            Arc::clone(active.core()),
            recovered_end,
        ));
        let sealed: VecDeque<Arc<SealedSegment>> = recovered.sealed.into_iter().map(Arc::new).collect();
        let sealed_disk_bytes = sealed.iter().map(|segment| segment.disk_bytes()).sum();
        let segments = SegmentSet {
            sealed,
            active: Arc::clone(active.core()),
            sealed_disk_bytes,
        };
        let syncer = match config.persist {
            PersistPolicy::Interval(interval) => Some(
                IntervalSyncer::spawn(Arc::clone(&commit), interval)
                    .map_err(|error| LogError::io(dir, error))?,
            ),
            PersistPolicy::Always | PersistPolicy::Never => None,
        };
        let writer = Writer {
            active,
            last_timestamp: recovered.last_timestamp,
            buffer: Vec::new(),
        };
        Ok(ShardLog {
            dir: dir.to_path_buf(),
            config,
            writer: Mutex::new(writer),
            segments: RwLock::new(segments),
            commit,
            syncer,
        })
    }

    /// The shard directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The configuration the log was opened with.
    pub fn config(&self) -> &LogConfig {
        &self.config
    }

    fn lock_writer(&self) -> MutexGuard<'_, Writer> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn read_segments(&self) -> RwLockReadGuard<'_, SegmentSet> {
        self.segments.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `records` as one batch: one frame, one write syscall, no fsync. Rolls to a new segment
    /// first if the active one would grow past `segment_bytes`. The stored timestamp is
    /// `max(timestamp_ms, newest timestamp in the log)`.
    pub fn append(&self, timestamp_ms: i64, records: &[RecordRef<'_>]) -> Result<AppendReceipt, LogError> {
        if records.is_empty() {
            return Err(LogError::EmptyBatch);
        }
        self.commit.check_healthy()?;
        let mut guard = self.lock_writer();
        let writer = &mut *guard;
        let stored_timestamp = writer
            .last_timestamp
            .map_or(timestamp_ms, |last| last.max(timestamp_ms));
        let first_offset = writer.active.next_offset();
        frame::encode_into(
            &mut writer.buffer,
            first_offset,
            stored_timestamp,
            records,
            self.config.max_batch_bytes,
        )
        .map_err(|error| match error {
            FrameError::OffsetOverflow => LogError::OffsetOverflow,
            FrameError::Empty => LogError::EmptyBatch,
            _ => LogError::RecordTooLarge {
                size: frame::payload_len(records),
                max: u64::from(self.config.max_batch_bytes),
            },
        })?;
        // encode_into refused more records than a u32 holds.
        let record_count = u32::try_from(records.len()).map_err(|_| LogError::RecordTooLarge {
            size: frame::payload_len(records),
            max: u64::from(self.config.max_batch_bytes),
        })?;
        let frame_len = writer.buffer.len() as u64;
        if writer
            .active
            .must_roll_before(frame_len, record_count, self.config.segment_bytes)
        {
            self.roll(writer)?;
        }
        if let Err(error) =
            writer
                .active
                .append_frame(&writer.buffer, first_offset, record_count, stored_timestamp)
        {
            if let LogError::Poisoned { reason } = &error {
                self.commit.poison(reason.clone());
            }
            return Err(error);
        }
        writer.last_timestamp = Some(stored_timestamp);
        if writer.buffer.capacity() > RETAINED_BUFFER_BYTES {
            writer.buffer = Vec::new();
        }
        self.commit.publish_written(Watermark {
            offset: writer.active.next_offset(),
            segment_base: writer.active.base_offset(),
            position: writer.active.size(),
            timestamp_ms: Some(stored_timestamp),
        });
        Ok(AppendReceipt {
            first_offset,
            record_count,
            timestamp_ms: stored_timestamp,
        })
    }

    /// Seals the active segment (fsyncing it and its index) and starts a new one at the next offset.
    /// Every fallible step comes before the in-memory switch, so a failed roll leaves the log as it
    /// was (at worst with an empty next segment on disk, which recovery accepts).
    fn roll(&self, writer: &mut Writer) -> Result<(), LogError> {
        let next_base = writer.active.next_offset();
        writer.active.sync_all()?;
        if self.config.page_cache_window_bytes.is_some() {
            crate::cache::drop_cached_file(&writer.active.core().file);
        }
        let new_active = ActiveSegment::create(&self.dir, next_base, self.config.index_interval_bytes)?;
        if let Err(error) = sync_dir(&self.dir) {
            let _ = std::fs::remove_file(crate::segment::naming::log_path(&self.dir, next_base));
            let _ = std::fs::remove_file(crate::segment::naming::index_path(&self.dir, next_base));
            return Err(error);
        }
        let old_active = std::mem::replace(&mut writer.active, new_active);
        let sealed = Arc::new(old_active.into_sealed());
        tracing::debug!(dir = %self.dir.display(), next_base, "rolled segment");

        let mut segments = self.segments.write().unwrap_or_else(PoisonError::into_inner);
        segments.sealed_disk_bytes += sealed.disk_bytes();
        segments.sealed.push_back(sealed);
        segments.active = Arc::clone(writer.active.core());
        let start = Watermark {
            offset: next_base,
            segment_base: next_base,
            position: 0,
            timestamp_ms: writer.last_timestamp,
        };
        self.commit.publish_roll(Arc::clone(writer.active.core()), start);
        Ok(())
    }

    /// Returns once the records of `receipt` are durable as the persist policy defines it: with
    /// `Always`, after an fsync that covers them (group commit, see `group_commit`); with `Interval`
    /// and `Never`, at once.
    pub fn sync(&self, receipt: &AppendReceipt) -> Result<(), LogError> {
        let end_offset = receipt.end_offset();
        let written = self.commit.written();
        if end_offset > written.offset {
            return Err(LogError::OffsetOutOfRange {
                offset: end_offset,
                start_offset: self.start_offset(),
                end_offset: written.offset,
            });
        }
        match self.commit.policy() {
            PersistPolicy::Always => self.commit.sync_until(end_offset),
            PersistPolicy::Interval(_) | PersistPolicy::Never => self.commit.check_healthy(),
        }
    }

    /// Makes everything appended so far durable, whatever the persist policy (used before a shard is
    /// closed by resharding and at shutdown).
    pub fn sync_all(&self) -> Result<(), LogError> {
        match self.commit.policy() {
            PersistPolicy::Always => self.commit.sync_until(self.commit.written().offset),
            PersistPolicy::Interval(_) | PersistPolicy::Never => {
                let mut writer = self.lock_writer();
                writer.active.sync_all()
            }
        }
    }

    fn snapshot(&self, from_offset: u64) -> Snapshot {
        let segments = self.read_segments();
        let visible = self.commit.visible();
        let start_offset = segments.start_offset();
        let first_needed = segments
            .sealed
            .partition_point(|segment| segment.end_offset() <= from_offset);
        let mut views: Vec<SegmentView> = segments
            .sealed
            .range(first_needed..)
            .map(|segment| segment.view())
            .collect();
        let active_limit = if visible.segment_base == segments.active.base_offset {
            visible.position
        } else {
            0
        };
        let active_has_data = active_limit > 0;
        let first_timestamp = segments
            .active
            .index()
            .entries()
            .first()
            .map(|entry| entry.timestamp_ms);
        views.push(SegmentView {
            core: Arc::clone(&segments.active),
            byte_limit: active_limit,
            end_offset: visible.offset,
            first_timestamp: first_timestamp.filter(|_| active_has_data),
            last_timestamp: visible.timestamp_ms.filter(|_| active_has_data),
        });
        Snapshot {
            start_offset,
            visible,
            segments: views,
        }
    }

    /// Reads visible records from `from_offset` (or from the start offset if it is older) within
    /// `limits`. At or after the visible end, returns no records and `next_offset == from_offset`.
    /// A read that reaches damaged data returns the records before it; a read that starts at damaged
    /// data fails with [`LogError::Corrupt`].
    pub fn read(&self, from_offset: u64, limits: ReadLimits) -> Result<ReadOutcome, LogError> {
        let snapshot = self.snapshot(from_offset);
        let from_offset = from_offset.max(snapshot.start_offset);
        let mut accumulator = ReadAccumulator::new(from_offset, limits);
        if from_offset >= snapshot.visible.offset {
            return Ok(ReadOutcome {
                records: Vec::new(),
                next_offset: from_offset,
            });
        }
        let sealed_count = snapshot.segments.len().saturating_sub(1);
        let drop_behind = self.config.page_cache_window_bytes.is_some();
        for (index, segment) in snapshot.segments.iter().enumerate() {
            if accumulator.is_full() {
                break;
            }
            // Catch-up reads of sealed segments drop what they read from the page cache, so the
            // next read reuses those pages (see `cache`); the active segment is left alone.
            let drop_after_read = drop_behind && index < sealed_count;
            if let Err(error) = read_records(segment, &mut accumulator, drop_after_read) {
                // Return what was read before the damage; the next read, starting there, reports it.
                if accumulator.records.is_empty() {
                    return Err(error);
                }
                tracing::warn!(error = %error, next_offset = accumulator.next_offset, "read stopped at damaged data");
                break;
            }
        }
        Ok(ReadOutcome {
            records: accumulator.records,
            next_offset: accumulator.next_offset,
        })
    }

    /// The first visible offset whose timestamp is `>= timestamp_ms`, or the visible end if none.
    pub fn offset_at_time(&self, timestamp_ms: i64) -> Result<u64, LogError> {
        let snapshot = self.snapshot(0);
        for segment in &snapshot.segments {
            let holds_target = segment.last_timestamp.is_some_and(|last| last >= timestamp_ms);
            if !holds_target {
                continue;
            }
            let starts_at_or_after_target =
                segment.first_timestamp.is_some_and(|first| first >= timestamp_ms);
            if starts_at_or_after_target {
                return Ok(segment.core.base_offset.max(snapshot.start_offset));
            }
            if let Some(offset) = find_time(segment, timestamp_ms)? {
                return Ok(offset.max(snapshot.start_offset));
            }
        }
        Ok(snapshot.visible.offset)
    }

    /// The oldest retained offset.
    pub fn start_offset(&self) -> u64 {
        self.read_segments().start_offset()
    }

    /// The visible end: the offset the next visible record will get.
    pub fn next_offset(&self) -> u64 {
        self.commit.visible().offset
    }

    /// Timestamp of the newest visible record.
    pub fn last_timestamp_ms(&self) -> Option<i64> {
        self.commit.visible().timestamp_ms
    }

    /// Bytes of every `.log` and `.idx` file of the shard.
    pub fn disk_bytes(&self) -> u64 {
        let segments = self.read_segments();
        let written = self.commit.written();
        segments.sealed_disk_bytes + written.position + segments.active.index().byte_len()
    }

    fn stop_syncer(&mut self) {
        if let Some(mut syncer) = self.syncer.take() {
            syncer.stop();
        }
    }

    /// fsyncs everything and closes the log.
    pub fn close(mut self) -> Result<(), LogError> {
        self.stop_syncer();
        self.commit.check_healthy()?;
        let mut writer = self.lock_writer();
        writer.active.sync_all()?;
        self.commit.publish_synced_written();
        drop(writer);
        sync_dir(&self.dir)
    }

    /// Closes the log and removes its directory (the stream was deleted).
    pub fn destroy(mut self) -> Result<(), LogError> {
        self.stop_syncer();
        let dir = self.dir.clone();
        drop(self);
        std::fs::remove_dir_all(&dir).map_err(|error| LogError::io(&dir, error))?;
        match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
            _ => Ok(()),
        }
    }
}
