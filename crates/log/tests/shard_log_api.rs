//! The `ShardLog` API contract: offsets, timestamps, read limits, rolling, time lookups, reopen,
//! close and destroy.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use common::{append_batch, index_files, log_files, read_all, tiny_config, value_of};
use sluice_log::{LogConfig, LogError, ReadLimits, RecordRef, ShardLog, log_file_name};

#[test]
fn appends_get_dense_offsets_and_read_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(1 << 20, 64)).unwrap();
    assert_eq!(
        (log.start_offset(), log.next_offset(), log.last_timestamp_ms()),
        (0, 0, None)
    );

    let first = append_batch(&log, 0, 3, 100);
    let second = append_batch(&log, 1, 2, 200);
    assert_eq!(
        (first.first_offset, first.record_count, first.end_offset()),
        (0, 3, 3)
    );
    assert_eq!((second.first_offset, second.end_offset()), (3, 5));
    assert_eq!(log.next_offset(), 5);
    assert_eq!(log.last_timestamp_ms(), Some(200));

    let records = read_all(&log, 0);
    let offsets: Vec<u64> = records.iter().map(|record| record.offset).collect();
    assert_eq!(offsets, vec![0, 1, 2, 3, 4]);
    assert_eq!(records[1].value.as_ref(), value_of(0, 1).as_slice());
    assert_eq!(records[1].key.as_ref(), b"key-0");
    assert_eq!(records[4].value.as_ref(), value_of(1, 1).as_slice());
    assert_eq!(records[4].timestamp_ms, 200);
}

#[test]
fn stored_timestamps_never_go_backwards() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(1 << 20, 64)).unwrap();
    append_batch(&log, 0, 1, 500);
    let receipt = append_batch(&log, 1, 1, 100);
    assert_eq!(receipt.timestamp_ms, 500);
    assert_eq!(read_all(&log, 1)[0].timestamp_ms, 500);
    assert_eq!(append_batch(&log, 2, 1, 501).timestamp_ms, 501);
}

#[test]
fn read_limits_bound_records_and_bytes_but_return_at_least_one() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(1 << 20, 64)).unwrap();
    let big = vec![1u8; 1000];
    log.append(
        1,
        &[
            RecordRef {
                key: b"",
                value: &big,
            },
            RecordRef {
                key: b"k",
                value: b"v",
            },
        ],
    )
    .unwrap();
    log.append(
        2,
        &[RecordRef {
            key: b"k",
            value: b"v",
        }],
    )
    .unwrap();

    let outcome = log
        .read(
            0,
            ReadLimits {
                max_records: 10,
                max_bytes: 10,
            },
        )
        .unwrap();
    assert_eq!(
        outcome.records.len(),
        1,
        "the first record is returned even when larger than max_bytes"
    );
    assert_eq!(outcome.next_offset, 1);

    let outcome = log
        .read(
            1,
            ReadLimits {
                max_records: 10,
                max_bytes: 4,
            },
        )
        .unwrap();
    assert_eq!(
        outcome.records.iter().map(|r| r.offset).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(outcome.next_offset, 3);

    let outcome = log
        .read(
            0,
            ReadLimits {
                max_records: 2,
                max_bytes: usize::MAX,
            },
        )
        .unwrap();
    assert_eq!(outcome.next_offset, 2);

    let outcome = log
        .read(
            0,
            ReadLimits {
                max_records: 0,
                max_bytes: usize::MAX,
            },
        )
        .unwrap();
    assert!(outcome.records.is_empty());
}

#[test]
fn reads_at_or_past_the_end_are_empty_and_keep_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(1 << 20, 64)).unwrap();
    let empty = log.read(0, ReadLimits::UNLIMITED).unwrap();
    assert!(empty.records.is_empty());
    assert_eq!(empty.next_offset, 0);
    append_batch(&log, 0, 2, 1);
    for from in [2, 3, 1000] {
        let outcome = log.read(from, ReadLimits::UNLIMITED).unwrap();
        assert!(outcome.records.is_empty());
        assert_eq!(outcome.next_offset, from);
    }
}

#[test]
fn bad_appends_are_refused_without_consuming_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let config = LogConfig {
        max_batch_bytes: 100,
        page_cache_window_bytes: None,
        ..tiny_config(1 << 20, 64)
    };
    let log = ShardLog::open(dir.path(), config).unwrap();
    assert!(matches!(log.append(1, &[]), Err(LogError::EmptyBatch)));
    let big = vec![0u8; 93];
    let error = log
        .append(
            1,
            &[RecordRef {
                key: b"",
                value: &big,
            }],
        )
        .unwrap_err();
    assert!(
        matches!(error, LogError::RecordTooLarge { size: 101, max: 100 }),
        "{error}"
    );
    assert_eq!(append_batch(&log, 0, 1, 1).first_offset, 0);
}

#[test]
fn segments_roll_at_the_size_limit_and_are_named_by_first_offset() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(300, 64)).unwrap();
    let mut expected_bases = vec![0];
    let mut size = 0u64;
    for batch in 0..30 {
        let receipt = append_batch(&log, batch, 2, batch as i64);
        let key_len = format!("key-{batch}").len() as u64;
        let frame_len = 32 + 2 * (8 + key_len) + (value_of(batch, 0).len() + value_of(batch, 1).len()) as u64;
        if size > 0 && size + frame_len > 300 {
            expected_bases.push(receipt.first_offset);
            size = 0;
        }
        size += frame_len;
    }
    let names: Vec<String> = log_files(dir.path())
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let expected: Vec<String> = expected_bases.iter().map(|&base| log_file_name(base)).collect();
    assert_eq!(names, expected);
    assert!(names.len() > 5);
    assert_eq!(index_files(dir.path()).len(), names.len());
    for path in log_files(dir.path()) {
        assert!(common::file_len(&path) <= 300);
    }
    assert_eq!(read_all(&log, 0).len(), 60);
}

#[test]
fn a_batch_larger_than_a_segment_gets_a_segment_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(100, 64)).unwrap();
    let big = vec![9u8; 500];
    append_batch(&log, 0, 1, 1);
    log.append(
        2,
        &[RecordRef {
            key: b"",
            value: &big,
        }],
    )
    .unwrap();
    append_batch(&log, 2, 1, 3);
    assert_eq!(log_files(dir.path()).len(), 3);
    assert_eq!(read_all(&log, 1)[0].value.len(), 500);
}

#[test]
fn offset_at_time_finds_the_first_batch_at_or_after_a_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(400, 64)).unwrap();
    // Batch b has 2 records at time 10 * (b / 3): three batches share each timestamp.
    for batch in 0..40u64 {
        append_batch(&log, batch, 2, 10 * (batch / 3) as i64);
    }
    assert!(log_files(dir.path()).len() > 3);
    assert_eq!(log.offset_at_time(i64::MIN).unwrap(), 0);
    assert_eq!(log.offset_at_time(0).unwrap(), 0);
    for step in 1..14u64 {
        let expected = step * 3 * 2;
        assert_eq!(
            log.offset_at_time(10 * step as i64).unwrap(),
            expected,
            "time {}",
            10 * step
        );
        assert_eq!(
            log.offset_at_time(10 * step as i64 - 5).unwrap(),
            expected,
            "time {}",
            10 * step - 5
        );
    }
    assert_eq!(log.offset_at_time(131).unwrap(), 80);
}

#[test]
fn reopen_continues_offsets_and_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = ShardLog::open(dir.path(), tiny_config(300, 64)).unwrap();
        for batch in 0..10 {
            append_batch(&log, batch, 3, 1000 + batch as i64);
        }
        log.close().unwrap();
    }
    let log = ShardLog::open(dir.path(), tiny_config(300, 64)).unwrap();
    assert_eq!(log.next_offset(), 30);
    assert_eq!(log.last_timestamp_ms(), Some(1009));
    let receipt = append_batch(&log, 10, 1, 5);
    assert_eq!((receipt.first_offset, receipt.timestamp_ms), (30, 1009));
    let records = read_all(&log, 0);
    assert_eq!(records.len(), 31);
    assert!(
        records
            .iter()
            .enumerate()
            .all(|(number, record)| record.offset == number as u64)
    );
}

#[test]
fn disk_bytes_counts_every_file_and_destroy_removes_the_directory() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("stream").join("shard-0");
    let log = ShardLog::open(&dir, tiny_config(300, 64)).unwrap();
    for batch in 0..12 {
        append_batch(&log, batch, 2, 1);
    }
    let on_disk: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(log.disk_bytes(), on_disk);
    log.destroy().unwrap();
    assert!(!dir.exists());
    assert!(root.path().join("stream").exists());
}
