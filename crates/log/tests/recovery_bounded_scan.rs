//! Recovery does not read whole segments: it starts from the last index entry of each one. Proof by
//! damage: everything before that entry is overwritten with garbage, yet even `Strict` recovery opens
//! the log, and only reads of the damaged range fail.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use common::{append_batch, index_entries, index_files, log_files, read_all, tiny_config};
use sluice_log::{LogConfig, LogError, ReadLimits, RecoveryMode, ShardLog};

/// Overwrites bytes `from..to` of a file with a pattern that is not a frame.
fn scribble(path: &std::path::Path, from: u64, to: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    for byte in &mut bytes[from as usize..to as usize] {
        *byte = 0xee;
    }
    std::fs::write(path, bytes).unwrap();
}

fn base_of(path: &std::path::Path) -> u64 {
    path.file_stem().unwrap().to_str().unwrap().parse().unwrap()
}

#[test]
fn open_reads_sealed_segments_only_from_their_last_index_entry() {
    let dir = tempfile::tempdir().unwrap();
    let config = LogConfig {
        recovery: RecoveryMode::Strict,
        ..tiny_config(16 * 1024, 1024)
    };
    {
        let log = ShardLog::open(dir.path(), config.clone()).unwrap();
        for batch in 0..400 {
            append_batch(&log, batch, 4, batch as i64);
        }
        log.close().unwrap();
    }
    let segments = log_files(dir.path());
    assert!(segments.len() >= 4, "{} segments", segments.len());
    let damaged = &segments[1];
    let damaged_base = base_of(damaged);
    let next_base = base_of(&segments[2]);
    let entries = index_entries(&index_files(dir.path())[1]);
    assert!(entries.len() >= 8, "a dense index: {} entries", entries.len());
    let &(last_relative, last_position, _) = entries.last().unwrap();
    // Everything before the last index entry becomes garbage: a full scan would stop at byte 0.
    scribble(damaged, 0, u64::from(last_position));

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 1600);

    // Reads of the damaged range fail with a typed error ...
    for from in [
        damaged_base,
        damaged_base + 5,
        damaged_base + u64::from(last_relative) - 1,
    ] {
        let error = log.read(from, ReadLimits::records(1)).unwrap_err();
        assert!(
            matches!(error, LogError::Corrupt { ref segment, .. } if segment == damaged),
            "{error}"
        );
    }
    // ... and everything else reads, including the undamaged end of the same segment.
    let tail_start = damaged_base + u64::from(last_relative);
    let tail = log.read(tail_start, ReadLimits::records(10_000)).unwrap();
    assert_eq!(tail.records.first().map(|record| record.offset), Some(tail_start));
    assert_eq!(tail.next_offset, 1600);
    assert_eq!(
        log.read(0, ReadLimits::records(10_000)).unwrap().next_offset,
        damaged_base
    );
    assert!(tail_start < next_base);
    // Time lookups use the index and the headers near it, so they still work past the damage.
    assert_eq!(log.offset_at_time(399).unwrap(), 1596);
}

#[test]
fn open_reads_the_active_segment_only_from_its_last_valid_index_entry() {
    let dir = tempfile::tempdir().unwrap();
    let config = LogConfig {
        recovery: RecoveryMode::Strict,
        ..tiny_config(1 << 20, 1024)
    };
    {
        let log = ShardLog::open(dir.path(), config.clone()).unwrap();
        for batch in 0..200 {
            append_batch(&log, batch, 4, batch as i64);
        }
        log.close().unwrap();
    }
    let segment = &log_files(dir.path())[0];
    let entries = index_entries(&index_files(dir.path())[0]);
    let &(last_relative, last_position, _) = entries.last().unwrap();
    scribble(segment, 0, u64::from(last_position));

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 800);
    assert!(log.read(0, ReadLimits::records(1)).is_err());
    assert_eq!(
        read_all(&log, u64::from(last_relative)).len() as u64,
        800 - u64::from(last_relative)
    );
}
