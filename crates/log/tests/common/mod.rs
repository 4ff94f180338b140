//! Helpers shared by the integration tests of `sluice-log`: small configurations that roll often,
//! deterministic batches, and direct access to the segment files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sluice_log::{
    AppendReceipt, LogConfig, PersistPolicy, ReadLimits, RecordRef, RecoveryMode, ShardLog, StoredRecord,
};

/// A configuration with tiny segments and a dense index, and no fsync waits.
pub fn tiny_config(segment_bytes: u64, index_interval_bytes: u32) -> LogConfig {
    LogConfig {
        segment_bytes,
        index_interval_bytes,
        persist: PersistPolicy::Never,
        recovery: RecoveryMode::TruncateTail,
        max_batch_bytes: 1 << 20,
        page_cache_window_bytes: Some(64),
    }
}

/// Value of record `number` of batch `batch`: recognisable and of varying length.
pub fn value_of(batch: u64, number: u64) -> Vec<u8> {
    format!(
        "batch-{batch}-record-{number}-{}",
        "x".repeat(((batch * 7 + number) % 23) as usize)
    )
    .into_bytes()
}

/// Appends batch number `batch` with `count` records at `timestamp_ms`.
pub fn append_batch(log: &ShardLog, batch: u64, count: u64, timestamp_ms: i64) -> AppendReceipt {
    let values: Vec<Vec<u8>> = (0..count).map(|number| value_of(batch, number)).collect();
    let key = format!("key-{batch}").into_bytes();
    let records: Vec<RecordRef<'_>> = values
        .iter()
        .map(|value| RecordRef { key: &key, value })
        .collect();
    log.append(timestamp_ms, &records).unwrap()
}

/// Reads everything visible from `from`.
pub fn read_all(log: &ShardLog, from: u64) -> Vec<StoredRecord> {
    log.read(from, ReadLimits::UNLIMITED).unwrap().records
}

/// `.log` files of a shard directory, oldest first.
pub fn log_files(dir: &Path) -> Vec<PathBuf> {
    files_with_extension(dir, "log")
}

/// `.idx` files of a shard directory, oldest first.
pub fn index_files(dir: &Path) -> Vec<PathBuf> {
    files_with_extension(dir, "idx")
}

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|found| found == extension))
        .collect();
    files.sort();
    files
}

pub fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

/// Sets the length of a file (shorter cuts, longer pads with zeros).
pub fn set_len(path: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

/// XORs one byte of a file.
pub fn flip_byte(path: &Path, position: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[position as usize] ^= 0x5a;
    std::fs::write(path, bytes).unwrap();
}

/// Frame positions of a segment file, from its headers (`payload_len` at bytes 4..8).
pub fn frame_positions(path: &Path) -> Vec<u64> {
    let bytes = std::fs::read(path).unwrap();
    let mut positions = Vec::new();
    let mut position = 0usize;
    while position + 32 <= bytes.len() {
        positions.push(position as u64);
        let payload_len = u32::from_le_bytes(bytes[position + 4..position + 8].try_into().unwrap()) as usize;
        position += 32 + payload_len;
    }
    positions
}

/// The entries of an index file as `(relative_offset, position, timestamp_ms)`.
pub fn index_entries(path: &Path) -> Vec<(u32, u32, i64)> {
    std::fs::read(path)
        .unwrap()
        .chunks_exact(16)
        .map(|chunk| {
            (
                u32::from_le_bytes(chunk[0..4].try_into().unwrap()),
                u32::from_le_bytes(chunk[4..8].try_into().unwrap()),
                i64::from_le_bytes(chunk[8..16].try_into().unwrap()),
            )
        })
        .collect()
}
