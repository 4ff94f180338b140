//! Retention deletes whole sealed segments older than the cutoff, oldest first, never the active one,
//! and the start offset follows across reopen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use common::{append_batch, index_files, log_files, read_all, tiny_config};
use sluice_log::{ReadLimits, ShardLog};

fn base_of(path: &std::path::Path) -> u64 {
    path.file_stem().unwrap().to_str().unwrap().parse().unwrap()
}

/// 30 batches of 2 records; batch `b` has timestamp `1000 + b`.
fn filled_log(dir: &std::path::Path) -> ShardLog {
    let log = ShardLog::open(dir, tiny_config(300, 64)).unwrap();
    for batch in 0..30u64 {
        append_batch(&log, batch, 2, 1000 + batch as i64);
    }
    log
}

#[test]
fn segments_whose_newest_record_is_older_than_the_cutoff_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let log = filled_log(dir.path());
    let segments_before = log_files(dir.path());
    assert!(segments_before.len() >= 4);
    let records_before = read_all(&log, 0);
    let disk_before = log.disk_bytes();

    // Cutoff: the timestamp of the first record of the third segment. The first two segments only
    // hold older records; the third holds that record itself, so it stays.
    let third_base = base_of(&segments_before[2]);
    let cutoff = records_before[third_base as usize].timestamp_ms;
    let outcome = log.enforce_retention(cutoff).unwrap();
    assert_eq!(outcome.deleted_segments, 2);
    assert_eq!(outcome.deleted_records, third_base);
    assert_eq!(outcome.start_offset, third_base);
    assert_eq!(log.start_offset(), third_base);
    assert_eq!(log.disk_bytes(), disk_before - outcome.deleted_bytes);
    assert_eq!(log_files(dir.path()), segments_before[2..].to_vec());
    assert_eq!(index_files(dir.path()).len(), segments_before.len() - 2);

    // Reads below the start offset start at it.
    let outcome = log.read(0, ReadLimits::records(1)).unwrap();
    assert_eq!(outcome.records[0].offset, third_base);
    assert_eq!(read_all(&log, 0).len() as u64, 60 - third_base);
    assert_eq!(log.offset_at_time(0).unwrap(), third_base);
    assert_eq!(log.next_offset(), 60);

    // A second call with the same cutoff has nothing left to do.
    let again = log.enforce_retention(cutoff).unwrap();
    assert_eq!(again.deleted_segments, 0);
    assert_eq!(again.start_offset, third_base);
}

#[test]
fn a_cutoff_older_than_everything_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = filled_log(dir.path());
    let files = log_files(dir.path());
    let outcome = log.enforce_retention(1000).unwrap();
    assert_eq!(outcome.deleted_segments, 0);
    assert_eq!(outcome.start_offset, 0);
    assert_eq!(log_files(dir.path()), files);
}

#[test]
fn the_active_segment_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let log = filled_log(dir.path());
    let active = log_files(dir.path()).last().unwrap().clone();
    let outcome = log.enforce_retention(i64::MAX).unwrap();
    assert_eq!(log_files(dir.path()), vec![active.clone()]);
    assert_eq!(outcome.start_offset, base_of(&active));
    assert_eq!(log.start_offset(), base_of(&active));
    assert_eq!(read_all(&log, 0).last().map(|record| record.offset), Some(59));
    // Appends keep going after retention.
    assert_eq!(append_batch(&log, 30, 1, 5000).first_offset, 60);
}

#[test]
fn the_start_offset_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let start = {
        let log = filled_log(dir.path());
        let outcome = log.enforce_retention(1015).unwrap();
        assert!(outcome.deleted_segments > 0);
        log.close().unwrap();
        outcome.start_offset
    };
    let log = ShardLog::open(dir.path(), tiny_config(300, 64)).unwrap();
    assert_eq!(log.start_offset(), start);
    assert_eq!(log.next_offset(), 60);
    assert_eq!(read_all(&log, 0)[0].offset, start);
    assert!(
        read_all(&log, 0)
            .iter()
            .all(|record| record.timestamp_ms >= 1015 - 5)
    );
}

#[test]
fn readers_holding_a_deleted_segment_can_finish() {
    let dir = tempfile::tempdir().unwrap();
    let log = std::sync::Arc::new(filled_log(dir.path()));
    // Interleave: retention between reads in many threads must never produce an error or a gap.
    std::thread::scope(|scope| {
        for reader in 0..3 {
            let log = std::sync::Arc::clone(&log);
            scope.spawn(move || {
                for round in 0..50 {
                    let outcome = log
                        .read((reader * 7 + round) % 60, ReadLimits::records(8))
                        .unwrap();
                    for pair in outcome.records.windows(2) {
                        assert_eq!(pair[0].offset + 1, pair[1].offset);
                    }
                }
            });
        }
        for cutoff in 1000..1031 {
            log.enforce_retention(cutoff).unwrap();
        }
    });
}

#[test]
fn a_segment_whose_newest_record_is_at_the_cutoff_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let log = filled_log(dir.path());
    let segments = log_files(dir.path());
    let second_base = base_of(&segments[1]);
    let third_base = base_of(&segments[2]);
    let records = read_all(&log, 0);
    let newest_of_second = records[third_base as usize - 1].timestamp_ms;
    let outcome = log.enforce_retention(newest_of_second).unwrap();
    assert_eq!(outcome.deleted_segments, 1);
    assert_eq!(log.start_offset(), second_base);
    let outcome = log.enforce_retention(newest_of_second + 1).unwrap();
    assert_eq!(outcome.deleted_segments, 1);
    assert_eq!(log.start_offset(), third_base);
}
