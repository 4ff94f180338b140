//! `dump`: one line per record of a shard directory, from an offset on, for `sluice log dump`.
//! Read-only: it seeks with the index when the index is usable and never repairs anything.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::error::LogError;
use crate::frame::{HEADER_LEN, RecordSpans};
use crate::index::SparseIndex;
use crate::recovery::list_dir;
use crate::segment::naming::{index_path, log_path};
use crate::segment::read_frame;

/// Bytes of a value shown in each line.
const VALUE_PREVIEW_BYTES: usize = 48;

/// Prints one line per record of the shard directory `dir` from `from_offset` on:
/// `offset=.. timestamp_ms=.. key_len=.. value_len=.. value="<escaped preview>"`. Returns the
/// number of records printed; stops with the error at the first unreadable frame (after printing
/// everything before it).
pub fn dump(dir: &Path, from_offset: u64, out: &mut impl Write) -> Result<u64, LogError> {
    let listing = list_dir(dir)?;
    let bases: Vec<u64> = listing.segments.keys().copied().collect();
    let mut printed = 0;
    for (number, &base) in bases.iter().enumerate() {
        let below_from = bases
            .get(number + 1)
            .is_some_and(|&next_base| next_base <= from_offset);
        if below_from {
            continue;
        }
        printed += dump_segment(dir, base, from_offset, out)?;
    }
    Ok(printed)
}

fn dump_segment(dir: &Path, base: u64, from_offset: u64, out: &mut impl Write) -> Result<u64, LogError> {
    let path = log_path(dir, base);
    let file = File::open(&path).map_err(|error| LogError::io(&path, error))?;
    let len = file.metadata().map_err(|error| LogError::io(&path, error))?.len();
    let index = std::fs::read(index_path(dir, base))
        .map(|bytes| SparseIndex::parse_prefix(&bytes))
        .unwrap_or_default();
    // The index is only a hint here: start at its entry if that entry is below the file end.
    let (mut position, mut expected_offset) = index
        .lookup_offset(from_offset.saturating_sub(base))
        .filter(|entry| u64::from(entry.position) < len)
        .map_or((0, base), |entry| {
            (u64::from(entry.position), base + u64::from(entry.relative_offset))
        });
    let mut printed = 0;
    while position < len {
        let frame = read_frame(&file, &path, position, len)?;
        let header = frame.header;
        if header.first_offset != expected_offset {
            let reason = format!(
                "frame starts at offset {} but offset {expected_offset} was expected",
                header.first_offset
            );
            return Err(LogError::corrupt(&path, position, reason));
        }
        let payload = frame.bytes.slice(HEADER_LEN..);
        for (offset, span) in (header.first_offset..).zip(RecordSpans::new(&payload, header.record_count)) {
            if offset >= from_offset {
                let value: &[u8] = payload.get(span.value.clone()).unwrap_or_default();
                let preview_len = value.len().min(VALUE_PREVIEW_BYTES);
                let ellipsis = if value.len() > VALUE_PREVIEW_BYTES {
                    "..."
                } else {
                    ""
                };
                writeln!(
                    out,
                    "offset={offset} timestamp_ms={} key_len={} value_len={} value=\"{}{ellipsis}\"",
                    header.timestamp_ms,
                    span.key.len(),
                    value.len(),
                    value.get(..preview_len).unwrap_or_default().escape_ascii(),
                )
                .map_err(LogError::Output)?;
                printed += 1;
            }
        }
        expected_offset = header.end_offset();
        position += header.frame_len();
    }
    Ok(printed)
}
