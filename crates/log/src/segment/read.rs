//! Reads within one segment, as `ShardLog` snapshots them: records from an offset under read
//! limits (seeking with the sparse index, skipping earlier batches by their headers alone), and the
//! first batch at or after a timestamp (headers only).

use std::sync::Arc;

use crate::error::LogError;
use crate::frame::{HEADER_LEN, RecordSpans};
use crate::record::{ReadLimits, StoredRecord};
use crate::segment::{ReadFrame, SegmentCore, read_frame_body, read_header, read_header_at};

/// A segment as seen by one read: what may be read and what it holds up to there.
#[derive(Debug, Clone)]
pub(crate) struct SegmentView {
    pub core: Arc<SegmentCore>,
    /// Readable bytes: the segment size, or the visible end of the active segment.
    pub byte_limit: u64,
    /// Offset after the last readable record.
    pub end_offset: u64,
    /// Timestamp of the first readable batch, `None` when nothing is readable.
    pub first_timestamp: Option<i64>,
    /// Timestamp of the last readable batch, `None` when nothing is readable.
    pub last_timestamp: Option<i64>,
}

/// Records gathered by one read across segments, with its limits.
#[derive(Debug)]
pub(crate) struct ReadAccumulator {
    pub records: Vec<StoredRecord>,
    pub next_offset: u64,
    bytes: usize,
    limits: ReadLimits,
    full: bool,
}

impl ReadAccumulator {
    pub fn new(from_offset: u64, limits: ReadLimits) -> ReadAccumulator {
        ReadAccumulator {
            records: Vec::new(),
            next_offset: from_offset,
            bytes: 0,
            limits,
            full: limits.max_records == 0,
        }
    }

    pub fn is_full(&self) -> bool {
        self.full
    }

    fn push(&mut self, record: StoredRecord) {
        let size = record.key.len().saturating_add(record.value.len());
        if !self.records.is_empty() && self.bytes.saturating_add(size) > self.limits.max_bytes {
            self.full = true;
            return;
        }
        self.bytes = self.bytes.saturating_add(size);
        self.next_offset = record.offset + 1;
        self.records.push(record);
        if self.records.len() >= self.limits.max_records {
            self.full = true;
        }
    }
}

/// Adds the records of `segment` at or after `accumulator.next_offset` until the limits are reached.
pub(crate) fn read_records(
    segment: &SegmentView,
    accumulator: &mut ReadAccumulator,
    drop_after_read: bool,
) -> Result<(), LogError> {
    let core = &segment.core;
    let from_offset = accumulator.next_offset;
    if from_offset >= segment.end_offset {
        return Ok(());
    }
    let (mut position, mut expected_offset) = core.seek_offset(from_offset);
    let first_position = position;
    let outcome = read_frames(segment, accumulator, &mut position, &mut expected_offset);
    if drop_after_read && position > first_position {
        crate::cache::drop_cached_range(&core.file, first_position, position - first_position);
    }
    outcome
}

fn read_frames(
    segment: &SegmentView,
    accumulator: &mut ReadAccumulator,
    position: &mut u64,
    expected_offset: &mut u64,
) -> Result<(), LogError> {
    let core = &segment.core;
    let from_offset = accumulator.next_offset;
    while *position < segment.byte_limit && !accumulator.is_full() {
        let at = read_header_at(&core.file, &core.log_path, *position, segment.byte_limit)?;
        let header = at.header;
        if header.first_offset != *expected_offset {
            let reason = format!(
                "frame starts at offset {} but offset {expected_offset} was expected",
                header.first_offset
            );
            return Err(LogError::corrupt(&core.log_path, *position, reason));
        }
        if header.end_offset() > from_offset {
            let frame = read_frame_body(&core.file, &core.log_path, &at)?;
            push_frame_records(&frame, from_offset, accumulator);
        }
        *position += header.frame_len();
        *expected_offset = header.end_offset();
    }
    Ok(())
}

fn push_frame_records(frame: &ReadFrame, from_offset: u64, accumulator: &mut ReadAccumulator) {
    let payload = frame.bytes.slice(HEADER_LEN..);
    for (offset, span) in
        (frame.header.first_offset..).zip(RecordSpans::new(&payload, frame.header.record_count))
    {
        if offset >= from_offset {
            accumulator.push(StoredRecord {
                offset,
                timestamp_ms: frame.header.timestamp_ms,
                key: payload.slice(span.key),
                value: payload.slice(span.value),
            });
            if accumulator.is_full() {
                return;
            }
        }
    }
}

/// First offset of the first readable batch of `segment` with a timestamp `>= timestamp_ms`.
/// Reads headers only, from the closest index entry below the timestamp.
pub(crate) fn find_time(segment: &SegmentView, timestamp_ms: i64) -> Result<Option<u64>, LogError> {
    let core = &segment.core;
    let (mut position, _) = core.seek_time(timestamp_ms, segment.byte_limit);
    while position < segment.byte_limit {
        let header = read_header(&core.file, &core.log_path, position, segment.byte_limit)?;
        if header.timestamp_ms >= timestamp_ms {
            return Ok(Some(header.first_offset));
        }
        position += header.frame_len();
    }
    Ok(None)
}
