//! The inspector (`sluice log verify|dump`): reports on healthy and damaged shard directories and
//! prints records, without modifying anything.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use common::{append_batch, file_len, index_files, log_files, tiny_config};
use sluice_log::{Problem, RecordRef, ShardLog, dump, verify};

fn filled_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(300, 64)).unwrap();
    for batch in 0..20u64 {
        append_batch(&log, batch, 2, 5000 + batch as i64);
    }
    log.close().unwrap();
    dir
}

#[test]
fn verify_reports_a_healthy_directory() {
    let dir = filled_dir();
    let report = verify(dir.path()).unwrap();
    assert!(report.is_healthy(), "{report}");
    assert_eq!(report.frames(), 20);
    assert_eq!(report.records(), 40);
    assert_eq!(report.segments.len(), log_files(dir.path()).len());
    assert_eq!(report.segments.last().unwrap().end_offset, 40);
    assert_eq!(report.segments[0].timestamps.map(|(first, _)| first), Some(5000));
    let text = report.to_string();
    assert!(text.contains("20 frames, 40 records, offsets [0, 40)"), "{text}");
    assert!(text.ends_with("healthy"), "{text}");
}

#[test]
fn verify_reports_index_disagreements_gaps_and_torn_tails_without_repairing() {
    let dir = filled_dir();
    let logs = log_files(dir.path());
    let indexes = index_files(dir.path());
    // An index entry pointing to the wrong place.
    let mut index = std::fs::read(&indexes[0]).unwrap();
    index[4] ^= 1;
    std::fs::write(&indexes[0], &index).unwrap();
    // A missing segment in the middle.
    std::fs::remove_file(&logs[2]).unwrap();
    std::fs::remove_file(&indexes[2]).unwrap();
    // Garbage at the end of the last segment.
    let last = logs.last().unwrap();
    let last_len = file_len(last);
    let mut bytes = std::fs::read(last).unwrap();
    bytes.extend_from_slice(b"\x53\x4c\x4c\x31 torn");
    std::fs::write(last, &bytes).unwrap();

    let report = verify(dir.path()).unwrap();
    assert!(!report.is_healthy());
    assert!(
        report
            .problems
            .iter()
            .any(|problem| matches!(problem, Problem::IndexMismatch { segment, .. } if *segment == logs[0]))
    );
    assert!(
        report
            .problems
            .iter()
            .any(|problem| matches!(problem, Problem::OffsetGap { segment, .. } if *segment == logs[1]))
    );
    assert_eq!(report.torn_tail(), Some((last.as_path(), last_len)));
    assert_eq!(file_len(last), last_len + 9, "verify never modifies files");
    let text = report.to_string();
    assert!(text.contains("problems:"), "{text}");
    assert!(text.contains("torn tail"), "{text}");
}

#[test]
fn dump_prints_one_line_per_record_from_an_offset() {
    let dir = tempfile::tempdir().unwrap();
    let log = ShardLog::open(dir.path(), tiny_config(300, 64)).unwrap();
    for batch in 0..10u64 {
        append_batch(&log, batch, 2, 7000 + batch as i64);
    }
    let long = vec![b'z'; 100];
    log.append(
        9000,
        &[
            RecordRef {
                key: b"key",
                value: &long,
            },
            RecordRef {
                key: b"",
                value: b"\n\x00\"",
            },
        ],
    )
    .unwrap();
    log.close().unwrap();

    let mut out = Vec::new();
    let printed = dump(dir.path(), 15, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(printed, 7);
    assert_eq!(lines.len(), 7);
    assert!(
        lines[0].starts_with("offset=15 timestamp_ms=7007 key_len=5 value_len="),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("value=\"batch-7-record-1-"), "{}", lines[0]);
    assert!(
        lines[5].starts_with("offset=20 timestamp_ms=9000 key_len=3 value_len=100 value=\"zzz"),
        "{}",
        lines[5]
    );
    assert!(lines[5].ends_with("...\""), "{}", lines[5]);
    assert_eq!(
        lines[6],
        "offset=21 timestamp_ms=9000 key_len=0 value_len=3 value=\"\\n\\x00\\\"\""
    );

    let mut all = Vec::new();
    assert_eq!(dump(dir.path(), 0, &mut all).unwrap(), 22);
}

#[test]
fn dump_stops_with_an_error_at_damage_after_printing_what_precedes_it() {
    let dir = filled_dir();
    let last = log_files(dir.path()).last().unwrap().clone();
    let mut bytes = std::fs::read(&last).unwrap();
    bytes.extend_from_slice(&[0u8; 40]);
    std::fs::write(&last, &bytes).unwrap();
    let mut out = Vec::new();
    let error = dump(dir.path(), 0, &mut out).unwrap_err();
    assert!(error.is_corruption(), "{error}");
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 40);
}
