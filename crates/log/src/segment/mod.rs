//! Segments: one `.log` file of frames plus its `.idx` sparse index, covering a contiguous offset range.
//!
//! This module owns what active and sealed segments share: the read side ([`SegmentCore`], an open
//! file plus its in-memory index), positional frame reads that turn any bad byte into a typed error,
//! the forward scan used by recovery, and the record and time lookups used by `ShardLog`. The
//! appendable segment lives in [`active`], the read-only one in [`sealed`], file names in [`naming`].
//!
//! Reads never go past a `byte_limit` chosen by the caller: the end of a sealed segment, or the
//! visible end of the active one. Bytes below that limit are whole frames that were completely
//! written before the limit was published, so readers and the appender never race on a frame.

pub(crate) mod active;
pub mod naming;
mod read;
mod scan;
pub(crate) mod sealed;

pub(crate) use read::{ReadAccumulator, SegmentView, find_time, read_records};
pub(crate) use scan::{ScanStart, scan_frames};

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::Bytes;

use crate::error::LogError;
use crate::frame::{self, FrameHeader, HEADER_LEN, MAX_PAYLOAD_LEN};
use crate::index::{IndexEntry, SparseIndex};

/// The read side of a segment, shared (behind `Arc`) by the appender, readers and the syncer.
#[derive(Debug)]
pub(crate) struct SegmentCore {
    /// First offset of the segment (its file name).
    pub base_offset: u64,
    /// Path of the `.log` file.
    pub log_path: PathBuf,
    /// The open `.log` file; reads use `read_at`, so one handle serves every thread.
    pub file: File,
    /// The sparse index, complete for sealed segments and growing for the active one.
    index: RwLock<SparseIndex>,
}

impl SegmentCore {
    pub fn new(base_offset: u64, log_path: PathBuf, file: File, index: SparseIndex) -> SegmentCore {
        SegmentCore {
            base_offset,
            log_path,
            file,
            index: RwLock::new(index),
        }
    }

    pub fn index(&self) -> RwLockReadGuard<'_, SparseIndex> {
        self.index.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn index_mut(&self) -> RwLockWriteGuard<'_, SparseIndex> {
        self.index.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where to start reading for `offset`: the closest index entry at or before it.
    pub(crate) fn seek_offset(&self, offset: u64) -> (u64, u64) {
        let relative = offset.saturating_sub(self.base_offset);
        match self.index().lookup_offset(relative) {
            Some(entry) => self.entry_start(&entry),
            None => (0, self.base_offset),
        }
    }

    /// Where to start looking for the first batch at or after `timestamp_ms`.
    pub(crate) fn seek_time(&self, timestamp_ms: i64, byte_limit: u64) -> (u64, u64) {
        match self.index().lookup_time(timestamp_ms, byte_limit) {
            Some(entry) => self.entry_start(&entry),
            None => (0, self.base_offset),
        }
    }

    fn entry_start(&self, entry: &IndexEntry) -> (u64, u64) {
        (
            u64::from(entry.position),
            self.base_offset.saturating_add(u64::from(entry.relative_offset)),
        )
    }
}

/// A frame read from disk: its header and the whole frame (header included) in one buffer.
#[derive(Debug, Clone)]
pub(crate) struct ReadFrame {
    pub header: FrameHeader,
    pub bytes: Bytes,
}

fn io_or_corrupt(path: &Path, position: u64, error: io::Error) -> LogError {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        LogError::corrupt(path, position, "unexpected end of file")
    } else {
        LogError::io(path, error)
    }
}

/// A validated frame header with its raw bytes, as read at `position`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderAt {
    pub position: u64,
    pub header: FrameHeader,
    raw: [u8; HEADER_LEN],
}

/// Reads and validates the header of the frame at `position`, which must end at or before `limit`.
pub(crate) fn read_header(
    file: &File,
    path: &Path,
    position: u64,
    limit: u64,
) -> Result<FrameHeader, LogError> {
    Ok(read_header_at(file, path, position, limit)?.header)
}

/// Like [`read_header`], keeping the raw bytes so that [`read_frame_body`] need not read them again.
pub(crate) fn read_header_at(
    file: &File,
    path: &Path,
    position: u64,
    limit: u64,
) -> Result<HeaderAt, LogError> {
    let available = limit.saturating_sub(position);
    if available < HEADER_LEN as u64 {
        return Err(LogError::corrupt(path, position, "incomplete frame header"));
    }
    let mut raw = [0u8; HEADER_LEN];
    file.read_exact_at(&mut raw, position)
        .map_err(|error| io_or_corrupt(path, position, error))?;
    let header = frame::decode_header(&raw, MAX_PAYLOAD_LEN)
        .map_err(|error| LogError::corrupt(path, position, error.to_string()))?;
    if header.frame_len() > available {
        return Err(LogError::corrupt(
            path,
            position,
            "frame runs past the end of the segment",
        ));
    }
    Ok(HeaderAt {
        position,
        header,
        raw,
    })
}

/// Reads the payload after a header into one buffer holding the whole frame, and checks the CRC
/// and the record structure.
pub(crate) fn read_frame_body(file: &File, path: &Path, at: &HeaderAt) -> Result<ReadFrame, LogError> {
    let position = at.position;
    // frame_len <= limit - position was checked with the header, so this allocation is bounded by
    // the file, not by what the header claims.
    let frame_len = usize::try_from(at.header.frame_len())
        .map_err(|_| LogError::corrupt(path, position, "frame does not fit in memory"))?;
    let mut buffer = vec![0u8; frame_len];
    buffer[..HEADER_LEN].copy_from_slice(&at.raw);
    file.read_exact_at(&mut buffer[HEADER_LEN..], position + HEADER_LEN as u64)
        .map_err(|error| io_or_corrupt(path, position, error))?;
    frame::verify(&at.header, &buffer)
        .map_err(|error| LogError::corrupt(path, position, error.to_string()))?;
    Ok(ReadFrame {
        header: at.header,
        bytes: Bytes::from(buffer),
    })
}

/// Reads the whole frame at `position` into one buffer and checks its CRC and record structure.
pub(crate) fn read_frame(file: &File, path: &Path, position: u64, limit: u64) -> Result<ReadFrame, LogError> {
    let at = read_header_at(file, path, position, limit)?;
    read_frame_body(file, path, &at)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use std::sync::Arc;

    use super::*;
    use crate::frame::encode_into;
    use crate::record::ReadLimits;
    use crate::record::RecordRef;

    /// Writes `batches` (record count, timestamp) as frames of 10-byte values into a file.
    fn segment_with(batches: &[(u32, i64)], base_offset: u64) -> (tempfile::NamedTempFile, u64) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut offset = base_offset;
        let mut buffer = Vec::new();
        let value = [7u8; 10];
        for &(count, timestamp) in batches {
            let records: Vec<RecordRef<'_>> = (0..count)
                .map(|_| RecordRef {
                    key: b"k",
                    value: &value,
                })
                .collect();
            encode_into(&mut buffer, offset, timestamp, &records, u32::MAX).unwrap();
            file.write_all(&buffer).unwrap();
            offset += u64::from(count);
        }
        let len = file.as_file().metadata().unwrap().len();
        (file, len)
    }

    fn start(position: u64, offset: u64) -> ScanStart {
        ScanStart {
            position,
            offset,
            last_timestamp: None,
        }
    }

    #[test]
    fn scan_builds_the_index_and_stops_at_garbage() {
        let (mut file, len) = segment_with(&[(2, 10), (1, 11), (3, 11), (1, 20)], 100);
        file.write_all(b"torn").unwrap();
        let mut index = SparseIndex::new();
        let result = scan_frames(
            file.as_file(),
            file.path(),
            100,
            start(0, 100),
            len + 4,
            &mut index,
            100,
        )
        .unwrap();
        assert_eq!(result.end_position, len);
        assert_eq!(result.end_offset, 107);
        assert_eq!(result.last_timestamp, Some(20));
        assert!(result.stopped_by.unwrap().is_corruption());
        // Frames are 32 + 2 * 19, 32 + 19, 32 + 3 * 19, 32 + 19 bytes: 70, 51, 89, 51.
        let positions: Vec<u32> = index.entries().iter().map(|entry| entry.position).collect();
        assert_eq!(positions, vec![0, 121]);
    }

    #[test]
    fn scan_refuses_an_offset_jump() {
        let (file, len) = segment_with(&[(2, 10)], 100);
        let mut index = SparseIndex::new();
        let result = scan_frames(
            file.as_file(),
            file.path(),
            99,
            start(0, 99),
            len,
            &mut index,
            100,
        )
        .unwrap();
        assert_eq!(result.end_position, 0);
        assert!(result.stopped_by.is_some());
    }

    #[test]
    fn reads_respect_limits_and_start_inside_a_batch() {
        let (file, len) = segment_with(&[(2, 10), (1, 11), (3, 11), (1, 20)], 100);
        let mut index = SparseIndex::new();
        scan_frames(
            file.as_file(),
            file.path(),
            100,
            start(0, 100),
            len,
            &mut index,
            64,
        )
        .unwrap();
        let core = SegmentCore::new(100, file.path().to_path_buf(), file.reopen().unwrap(), index);
        let view = SegmentView {
            core: Arc::new(core),
            byte_limit: len,
            end_offset: 107,
            first_timestamp: Some(10),
            last_timestamp: Some(20),
        };

        let mut accumulator = ReadAccumulator::new(
            104,
            ReadLimits {
                max_records: 2,
                max_bytes: usize::MAX,
            },
        );
        read_records(&view, &mut accumulator, false).unwrap();
        let offsets: Vec<u64> = accumulator.records.iter().map(|record| record.offset).collect();
        assert_eq!(offsets, vec![104, 105]);
        assert_eq!(accumulator.next_offset, 106);

        // 11 bytes per record: a 20-byte budget still returns one record, 22 returns two.
        let mut accumulator = ReadAccumulator::new(
            100,
            ReadLimits {
                max_records: 10,
                max_bytes: 20,
            },
        );
        read_records(&view, &mut accumulator, false).unwrap();
        assert_eq!(accumulator.records.len(), 1);
        let mut accumulator = ReadAccumulator::new(
            100,
            ReadLimits {
                max_records: 10,
                max_bytes: 22,
            },
        );
        read_records(&view, &mut accumulator, false).unwrap();
        assert_eq!(accumulator.records.len(), 2);

        assert_eq!(find_time(&view, 11).unwrap(), Some(102));
        assert_eq!(find_time(&view, 12).unwrap(), Some(106));
        assert_eq!(find_time(&view, 21).unwrap(), None);
    }
}
