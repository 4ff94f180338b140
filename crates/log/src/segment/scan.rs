//! The forward scan over whole frames used by recovery (and index rebuilds): it validates every
//! frame (CRC, offset continuity, timestamp order), extends the sparse index under the interval rule,
//! and reports where the valid data ends and why.

use std::fs::File;
use std::path::Path;

use crate::error::LogError;
use crate::frame::FrameHeader;
use crate::index::{IndexEntry, SparseIndex};
use crate::segment::read_frame;

/// Where a forward scan starts: a frame boundary, the offset expected there and the timestamp of
/// the batch before it (if any).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScanStart {
    pub position: u64,
    pub offset: u64,
    pub last_timestamp: Option<i64>,
}

/// Result of a forward scan.
#[derive(Debug)]
pub(crate) struct ScanResult {
    /// End of the last whole valid frame.
    pub end_position: u64,
    /// Offset after the last record of that frame.
    pub end_offset: u64,
    /// Timestamp of that frame (or the start's when no frame was read).
    pub last_timestamp: Option<i64>,
    /// Why the scan stopped before `limit`, if it did.
    pub stopped_by: Option<LogError>,
}

/// Scans whole frames forward from `start` to `limit`, checking CRCs, offset continuity and
/// timestamp order, and adds index entries to `index` under the interval rule. Corruption stops the
/// scan and is reported in [`ScanResult::stopped_by`]; I/O errors are returned.
pub(crate) fn scan_frames(
    file: &File,
    path: &Path,
    base_offset: u64,
    start: ScanStart,
    limit: u64,
    index: &mut SparseIndex,
    index_interval_bytes: u32,
) -> Result<ScanResult, LogError> {
    let mut result = ScanResult {
        end_position: start.position,
        end_offset: start.offset,
        last_timestamp: start.last_timestamp,
        stopped_by: None,
    };
    while result.end_position < limit {
        let position = result.end_position;
        let frame = match read_frame(file, path, position, limit) {
            Ok(frame) => frame,
            Err(error) if error.is_corruption() => {
                result.stopped_by = Some(error);
                break;
            }
            Err(error) => return Err(error),
        };
        let header = frame.header;
        if let Some(reason) = continuity_problem(
            &header,
            base_offset,
            result.end_offset,
            result.last_timestamp,
            position,
        ) {
            result.stopped_by = Some(LogError::corrupt(path, position, reason));
            break;
        }
        if index.wants_entry(position, index_interval_bytes) {
            // Both fit: checked by continuity_problem.
            let relative_offset = u32::try_from(header.first_offset - base_offset).unwrap_or(u32::MAX);
            let entry_position = u32::try_from(position).unwrap_or(u32::MAX);
            index.push(IndexEntry {
                relative_offset,
                position: entry_position,
                timestamp_ms: header.timestamp_ms,
            });
        }
        result.end_position = position + header.frame_len();
        result.end_offset = header.end_offset();
        result.last_timestamp = Some(header.timestamp_ms);
    }
    Ok(result)
}

/// Why a frame cannot follow what came before it in its segment, if it cannot.
fn continuity_problem(
    header: &FrameHeader,
    base_offset: u64,
    expected_offset: u64,
    previous_timestamp: Option<i64>,
    position: u64,
) -> Option<String> {
    if header.first_offset != expected_offset {
        return Some(format!(
            "frame starts at offset {} but offset {expected_offset} was expected",
            header.first_offset
        ));
    }
    if previous_timestamp.is_some_and(|previous| header.timestamp_ms < previous) {
        return Some("batch timestamp goes backwards".to_string());
    }
    if header.end_offset() - base_offset > u64::from(u32::MAX) || position > u64::from(u32::MAX) {
        return Some("segment exceeds the addressable offset or byte range".to_string());
    }
    None
}
