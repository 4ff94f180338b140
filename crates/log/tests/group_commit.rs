//! Group commit under contention: many threads append and sync at once; every receipt's records
//! read back in order, offsets are unique and dense, and with `Always` nothing unsynced is visible.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::read_all;
use sluice_log::{AppendReceipt, LogConfig, PersistPolicy, ReadLimits, RecordRef, ShardLog};

const THREADS: usize = 8;
const BATCHES_PER_THREAD: usize = 40;

fn config(persist: PersistPolicy) -> LogConfig {
    LogConfig {
        segment_bytes: 16 * 1024,
        index_interval_bytes: 512,
        persist,
        ..LogConfig::default()
    }
}

fn value(thread: usize, batch: usize, record: usize) -> Vec<u8> {
    format!("t{thread}-b{batch}-r{record}").into_bytes()
}

/// Runs the writers (plus one concurrent reader checking density) and returns every receipt with
/// the thread and batch that produced it.
fn hammer(log: &Arc<ShardLog>) -> Vec<(usize, usize, AppendReceipt)> {
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let log = Arc::clone(log);
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut next = 0;
            while !done.load(Ordering::Relaxed) {
                let outcome = log.read(next, ReadLimits::records(64)).unwrap();
                for (expected, record) in (next..).zip(&outcome.records) {
                    assert_eq!(record.offset, expected, "reads are dense");
                }
                next = outcome.next_offset;
                assert!(next <= log.next_offset());
            }
        })
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let log = Arc::clone(log);
            std::thread::spawn(move || {
                let mut receipts = Vec::new();
                for batch in 0..BATCHES_PER_THREAD {
                    let values: Vec<Vec<u8>> = (0..1 + batch % 3)
                        .map(|record| value(thread, batch, record))
                        .collect();
                    let records: Vec<RecordRef<'_>> = values
                        .iter()
                        .map(|value| RecordRef { key: b"k", value })
                        .collect();
                    let receipt = log.append(batch as i64, &records).unwrap();
                    log.sync(&receipt).unwrap();
                    // Once sync returned, the records are visible to everyone.
                    assert!(log.next_offset() >= receipt.end_offset());
                    receipts.push((thread, batch, receipt));
                }
                receipts
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for writer in writers {
        receipts.extend(writer.join().unwrap());
    }
    done.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    receipts
}

fn check_receipts(log: &ShardLog, mut receipts: Vec<(usize, usize, AppendReceipt)>) {
    receipts.sort_by_key(|(_, _, receipt)| receipt.first_offset);
    let mut expected_offset = 0;
    for (_, _, receipt) in &receipts {
        assert_eq!(
            receipt.first_offset, expected_offset,
            "offsets are unique and dense"
        );
        expected_offset = receipt.end_offset();
    }
    assert_eq!(log.next_offset(), expected_offset);

    let records = read_all(log, 0);
    assert_eq!(records.len() as u64, expected_offset);
    for (thread, batch, receipt) in &receipts {
        for (record, index) in (receipt.first_offset..receipt.end_offset()).zip(0..) {
            let stored = &records[record as usize];
            assert_eq!(stored.offset, record);
            assert_eq!(stored.value.as_ref(), value(*thread, *batch, index).as_slice());
        }
    }
    // Each thread's batches are in its own append order.
    for thread in 0..THREADS {
        let offsets: Vec<u64> = receipts
            .iter()
            .filter(|(owner, _, _)| *owner == thread)
            .map(|(_, _, receipt)| receipt.first_offset)
            .collect();
        assert!(offsets.windows(2).all(|pair| pair[0] < pair[1]));
    }
}

#[test]
fn concurrent_appends_with_always_sync_are_dense_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(ShardLog::open(dir.path(), config(PersistPolicy::Always)).unwrap());
    let receipts = hammer(&log);
    check_receipts(&log, receipts);
    assert!(
        common::log_files(dir.path()).len() > 1,
        "the run rolls segments under contention"
    );

    // Everything synced survives reopen unchanged.
    let log = Arc::into_inner(log).unwrap();
    let expected = read_all(&log, 0);
    log.close().unwrap();
    let reopened = ShardLog::open(dir.path(), config(PersistPolicy::Always)).unwrap();
    assert_eq!(read_all(&reopened, 0), expected);
}

#[test]
fn concurrent_appends_with_interval_sync_are_dense_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(
        ShardLog::open(
            dir.path(),
            config(PersistPolicy::Interval(Duration::from_millis(2))),
        )
        .unwrap(),
    );
    let receipts = hammer(&log);
    check_receipts(&log, receipts);
    // Dropping the log stops the background syncer (the test would hang otherwise).
    drop(log);
}

#[test]
fn with_always_unsynced_records_are_invisible_until_a_sync_covers_them() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), config(PersistPolicy::Always)).unwrap();
    let first = log
        .append(
            1,
            &[RecordRef {
                key: b"",
                value: b"a",
            }],
        )
        .unwrap();
    let second = log
        .append(
            2,
            &[RecordRef {
                key: b"",
                value: b"b",
            }],
        )
        .unwrap();
    assert_eq!(log.next_offset(), 0);
    assert_eq!(log.last_timestamp_ms(), None);
    assert!(read_all(&log, 0).is_empty());
    assert_eq!(log.offset_at_time(0).unwrap(), 0);

    // One sync covers everything written before it started, including the later append.
    log.sync(&first).unwrap();
    assert_eq!(log.next_offset(), 2);
    assert_eq!(log.last_timestamp_ms(), Some(2));
    log.sync(&second).unwrap();
    assert_eq!(read_all(&log, 0).len(), 2);
}

#[test]
fn with_never_written_records_are_visible_at_once_and_sync_returns() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), config(PersistPolicy::Never)).unwrap();
    let receipt = log
        .append(
            1,
            &[RecordRef {
                key: b"",
                value: b"a",
            }],
        )
        .unwrap();
    assert_eq!(log.next_offset(), 1);
    log.sync(&receipt).unwrap();
    log.close().unwrap();
    assert_eq!(
        ShardLog::open(dir.path(), config(PersistPolicy::Never))
            .unwrap()
            .next_offset(),
        1
    );
}

#[test]
fn a_receipt_beyond_the_written_end_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), config(PersistPolicy::Always)).unwrap();
    let bogus = AppendReceipt {
        first_offset: 10,
        record_count: 1,
        timestamp_ms: 0,
    };
    assert!(matches!(
        log.sync(&bogus),
        Err(sluice_log::LogError::OffsetOutOfRange { .. })
    ));
}
