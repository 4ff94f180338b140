//! Crash leftovers at the end of the last segment, one scenario per test: a cut batch, garbage after
//! the last batch, an emptied segment, a missing or stale index, and what `Strict` does instead.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use common::{
    append_batch, file_len, frame_positions, index_entries, index_files, log_files, read_all, set_len,
    tiny_config,
};
use sluice_log::{LogConfig, LogError, RecoveryMode, ShardLog, index_file_name, log_file_name, verify};

/// Writes `batches` batches of 2 records (timestamps 100, 101, ...) and closes the log.
fn write_batches(dir: &std::path::Path, config: &LogConfig, batches: u64) {
    let log = ShardLog::open(dir, config.clone()).unwrap();
    for batch in 0..batches {
        append_batch(&log, batch, 2, 100 + batch as i64);
    }
    log.close().unwrap();
}

#[test]
fn a_cut_last_batch_is_truncated_away() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 6);
    let segment = &log_files(dir.path())[0];
    let positions = frame_positions(segment);
    let last_frame = positions[5];
    set_len(segment, last_frame + 7);

    let log = ShardLog::open(dir.path(), config.clone()).unwrap();
    assert_eq!(log.next_offset(), 10);
    assert_eq!(log.last_timestamp_ms(), Some(104));
    assert_eq!(
        file_len(segment),
        last_frame,
        "the file is cut at the end of the last whole batch"
    );
    assert_eq!(read_all(&log, 0).len(), 10);
    // Appending continues right after the recovered end.
    assert_eq!(append_batch(&log, 9, 1, 1).first_offset, 10);
    drop(log);
    assert!(verify(dir.path()).unwrap().is_healthy());
}

#[test]
fn a_cut_header_is_truncated_away() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 3);
    let segment = &log_files(dir.path())[0];
    let positions = frame_positions(segment);
    set_len(segment, positions[2] + 20);
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 4);
    assert_eq!(file_len(segment), positions[2]);
}

#[test]
fn garbage_after_the_last_batch_is_truncated_away() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 4);
    let segment = &log_files(dir.path())[0];
    let clean_len = file_len(segment);
    // A crash after the file grew but before the data reached it leaves zeros.
    set_len(segment, clean_len + 4096);

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 8);
    assert_eq!(file_len(segment), clean_len);
}

#[test]
fn a_last_segment_that_is_all_garbage_becomes_empty() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(300, 64);
    write_batches(dir.path(), &config, 12);
    let segments = log_files(dir.path());
    assert!(segments.len() >= 3);
    let last = segments.last().unwrap();
    let last_base: u64 = last.file_stem().unwrap().to_str().unwrap().parse().unwrap();
    std::fs::write(last, vec![0xab; 77]).unwrap();

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(file_len(last), 0);
    assert_eq!(log.next_offset(), last_base);
    assert_eq!(read_all(&log, 0).len() as u64, last_base);
    // The timestamp comes from the previous segment.
    assert!(log.last_timestamp_ms().is_some());
    assert_eq!(append_batch(&log, 99, 1, 0).first_offset, last_base);
}

#[test]
fn an_empty_last_segment_opens() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(300, 64);
    write_batches(dir.path(), &config, 12);
    let last = log_files(dir.path()).last().unwrap().clone();
    let last_base: u64 = last.file_stem().unwrap().to_str().unwrap().parse().unwrap();
    set_len(&last, 0);
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), last_base);
    assert_eq!(
        log.last_timestamp_ms(),
        read_all(&log, 0).last().map(|record| record.timestamp_ms)
    );
}

#[test]
fn strict_mode_refuses_a_torn_tail_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 4);
    let segment = &log_files(dir.path())[0];
    let positions = frame_positions(segment);
    let torn_len = file_len(segment) - 3;
    set_len(segment, torn_len);

    let strict = LogConfig {
        recovery: RecoveryMode::Strict,
        ..config.clone()
    };
    match ShardLog::open(dir.path(), strict) {
        Err(LogError::TornTail {
            segment: reported,
            position,
        }) => {
            assert_eq!(&reported, segment);
            assert_eq!(position, positions[3]);
        }
        other => panic!("expected a torn tail error, got {other:?}"),
    }
    assert_eq!(file_len(segment), torn_len);
    let report = verify(dir.path()).unwrap();
    assert_eq!(report.torn_tail(), Some((segment.as_path(), positions[3])));
    assert!(!report.is_healthy());
    // TruncateTail then repairs it.
    assert_eq!(ShardLog::open(dir.path(), config).unwrap().next_offset(), 6);
}

#[test]
fn a_missing_index_of_the_last_segment_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 8);
    let index = &index_files(dir.path())[0];
    let entries = index_entries(index);
    assert!(entries.len() > 2);
    std::fs::remove_file(index).unwrap();

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 16);
    assert_eq!(index_entries(index), entries);
}

#[test]
fn index_entries_past_the_end_of_a_cut_segment_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 8);
    let segment = &log_files(dir.path())[0];
    let index = &index_files(dir.path())[0];
    let entries_before = index_entries(index);
    let positions = frame_positions(segment);
    set_len(segment, positions[3] + 1);

    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 6);
    let entries_after = index_entries(index);
    assert!(entries_after.len() < entries_before.len());
    assert!(
        entries_after
            .iter()
            .all(|&(_, position, _)| u64::from(position) < positions[3])
    );
    assert_eq!(entries_after[..], entries_before[..entries_after.len()]);
    drop(log);
    assert!(verify(dir.path()).unwrap().is_healthy());
}

#[test]
fn a_garbage_index_of_the_last_segment_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 8);
    let index = &index_files(dir.path())[0];
    let entries = index_entries(index);
    std::fs::write(index, b"this is not an index at all, not even close").unwrap();
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 16);
    assert_eq!(index_entries(index), entries);
    assert_eq!(read_all(&log, 7).len(), 9);
}

#[test]
fn an_index_entry_pointing_into_the_middle_of_a_frame_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(1 << 20, 64);
    write_batches(dir.path(), &config, 8);
    let index = &index_files(dir.path())[0];
    let mut entries = index_entries(index);
    let last = entries.pop().unwrap();
    entries.push((last.0, last.1 + 5, last.2));
    let bytes: Vec<u8> = entries
        .iter()
        .flat_map(|&(offset, position, time)| {
            let mut entry = offset.to_le_bytes().to_vec();
            entry.extend_from_slice(&position.to_le_bytes());
            entry.extend_from_slice(&time.to_le_bytes());
            entry
        })
        .collect();
    std::fs::write(index, bytes).unwrap();
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert_eq!(log.next_offset(), 16);
    assert_eq!(read_all(&log, 0).len(), 16);
    drop(log);
    assert!(verify(dir.path()).unwrap().is_healthy());
}

#[test]
fn a_missing_segment_in_the_middle_is_an_offset_gap() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(300, 64);
    write_batches(dir.path(), &config, 12);
    let segments = log_files(dir.path());
    assert!(segments.len() >= 3);
    std::fs::remove_file(&segments[1]).unwrap();
    std::fs::remove_file(&index_files(dir.path())[1]).unwrap();
    let error = ShardLog::open(dir.path(), config).unwrap_err();
    assert!(matches!(error, LogError::OffsetGap { .. }), "{error}");
}

#[test]
fn an_index_left_without_its_segment_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let config = tiny_config(300, 64);
    write_batches(dir.path(), &config, 12);
    let first_log = log_files(dir.path())[0].clone();
    let second_base: u64 = log_files(dir.path())[1]
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // Retention interrupted between removing the .log and the .idx.
    std::fs::remove_file(&first_log).unwrap();
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert!(!dir.path().join(index_file_name(0)).exists());
    assert!(!dir.path().join(log_file_name(0)).exists());
    assert_eq!(log.start_offset(), second_base);
    assert_eq!(read_all(&log, 0)[0].offset, second_base);
}
