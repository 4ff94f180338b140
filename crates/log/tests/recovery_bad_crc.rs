//! A flipped byte: in the last batch of the active segment recovery cuts the batch away; anywhere in
//! a sealed segment the log still opens and reading the damaged batch fails with `Corrupt`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use common::{append_batch, file_len, flip_byte, frame_positions, log_files, read_all, tiny_config};
use sluice_log::{LogConfig, LogError, ReadLimits, ShardLog, verify};

fn write_batches(dir: &std::path::Path, config: &LogConfig, batches: u64) {
    let log = ShardLog::open(dir, config.clone()).unwrap();
    for batch in 0..batches {
        append_batch(&log, batch, 2, 100 + batch as i64);
    }
    log.close().unwrap();
}

#[test]
fn a_flipped_byte_in_the_last_batch_of_the_active_segment_truncates_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 5);
    let segment = &log_files(dir.path())[0];
    let positions = frame_positions(segment);
    // A byte inside the payload of the last batch.
    flip_byte(segment, positions[4] + 40);

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 8);
    assert_eq!(file_len(segment), positions[4]);
    assert_eq!(read_all(&log, 0).len(), 8);
    drop(log);
    assert!(verify(dir.path()).unwrap().is_healthy());
}

#[test]
fn a_flipped_header_byte_in_the_last_batch_truncates_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 5);
    let segment = &log_files(dir.path())[0];
    let positions = frame_positions(segment);
    // The timestamp field is covered by the CRC too.
    flip_byte(segment, positions[4] + 25);
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 8);
    assert_eq!(file_len(segment), positions[4]);
}

#[test]
fn a_flipped_byte_in_a_sealed_segment_fails_reads_of_that_batch_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(300, 1 << 20);
    write_batches(dir.path(), &config, 15);
    let segments = log_files(dir.path());
    assert!(segments.len() >= 3);
    let sealed = &segments[1];
    let sealed_base: u64 = sealed.file_stem().unwrap().to_str().unwrap().parse().unwrap();
    let positions = frame_positions(sealed);
    assert!(positions.len() >= 2);
    flip_byte(sealed, positions[1] + 40);
    let sealed_len = file_len(sealed);

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(
        file_len(sealed),
        sealed_len,
        "sealed segments are never truncated"
    );
    assert_eq!(log.next_offset(), 30);

    // Before the damaged batch: fine. From it: a typed error naming the segment and position.
    let before = log
        .read(0, ReadLimits::records((sealed_base + 2) as usize))
        .unwrap();
    assert_eq!(before.next_offset, sealed_base + 2);
    match log.read(sealed_base + 2, ReadLimits::UNLIMITED) {
        Err(LogError::Corrupt {
            segment, position, ..
        }) => {
            assert_eq!(&segment, sealed);
            assert_eq!(position, positions[1]);
        }
        other => panic!("expected a corrupt error, got {other:?}"),
    }
    // After it (the next batch of the same segment, and later segments): fine.
    let after = log.read(sealed_base + 4, ReadLimits::UNLIMITED).unwrap();
    assert_eq!(
        after.records.first().map(|record| record.offset),
        Some(sealed_base + 4)
    );
    assert_eq!(after.next_offset, 30);
    drop(log);

    let report = verify(dir.path()).unwrap();
    assert!(!report.is_healthy());
    assert_eq!(report.crc_failures(), vec![(sealed.as_path(), positions[1])]);
    assert!(report.to_string().contains("bad frame"), "{report}");
}
