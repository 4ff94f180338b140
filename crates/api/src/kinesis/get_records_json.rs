//! The GetRecords answer in JSON, written by hand and streamed in chunks.
//!
//! Through serde, every record costs a base64 `String`, a sequence-number `String` and a
//! partition-key `String`, serde_json then scans each base64 string for characters to escape (the
//! base64 alphabet needs none), and the whole answer — up to about 14 MiB for 10 MiB of records —
//! sits in one buffer. Here the answer is produced in chunks of about [`CHUNK_BYTES`]: base64 is
//! encoded straight into the chunk, only the partition key (client-chosen text) goes through
//! serde_json's escaping, and each record is dropped as soon as it is written, so the log's read
//! buffers are released while the answer is still being sent. The document is the same one the
//! serde model produces (a unit test compares them).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use sluice_streams::{KinesisRecord, RecordsPage};
use std::io::Write as _;

use crate::kinesis::get_records::child_shard_out;

/// Target size of one chunk of the answer.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// Bytes of one record's JSON besides its data and key: member names, the 56-digit sequence
/// number, the timestamp, quotes and separators.
const RECORD_OVERHEAD: usize = 160;

/// Yields the GetRecords JSON answer for a page, chunk by chunk.
pub struct RecordsPageChunks {
    records: std::vec::IntoIter<KinesisRecord>,
    tail: Option<RecordsPage>,
    started: bool,
}

impl RecordsPageChunks {
    pub fn new(mut page: RecordsPage) -> RecordsPageChunks {
        let records = std::mem::take(&mut page.records).into_iter();
        RecordsPageChunks {
            records,
            tail: Some(page),
            started: false,
        }
    }
}

impl Iterator for RecordsPageChunks {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let tail = self.tail.as_ref()?;
        let mut out: Vec<u8> = Vec::with_capacity(CHUNK_BYTES + 2 * RECORD_OVERHEAD);
        if !self.started {
            out.extend_from_slice(b"{\"Records\":[");
        }
        while out.len() < CHUNK_BYTES {
            let Some(record) = self.records.next() else {
                out.push(b']');
                write_page_end(&mut out, tail);
                self.tail = None;
                return Some(Bytes::from(out));
            };
            if self.started {
                out.push(b',');
            }
            self.started = true;
            write_record(&mut out, &record);
        }
        Some(Bytes::from(out))
    }
}

/// Encodes a whole page as one buffer (tests and small answers).
pub fn encode_records_page(page: RecordsPage) -> Vec<u8> {
    RecordsPageChunks::new(page)
        .flat_map(|chunk| chunk.to_vec())
        .collect()
}

fn write_record(out: &mut Vec<u8>, record: &KinesisRecord) {
    out.reserve(base64_len(record.data.len()) + record.partition_key.len() * 2 + RECORD_OVERHEAD);
    // Writing into a Vec cannot fail.
    let _ = write!(
        out,
        "{{\"SequenceNumber\":\"{}\",\"ApproximateArrivalTimestamp\":",
        record.sequence_number
    );
    write_epoch_seconds(out, record.approximate_arrival_ms);
    out.extend_from_slice(b",\"Data\":\"");
    let start = out.len();
    out.resize(start + base64_len(record.data.len()), 0);
    // The slice has exactly the encoded length, so encoding cannot run out of room.
    let _ = STANDARD.encode_slice(&record.data, &mut out[start..]);
    out.extend_from_slice(b"\",\"PartitionKey\":");
    let key = String::from_utf8_lossy(&record.partition_key);
    let _ = serde_json::to_writer(&mut *out, key.as_ref());
    out.push(b'}');
}

fn write_page_end(out: &mut Vec<u8>, page: &RecordsPage) {
    if let Some(iterator) = &page.next_shard_iterator {
        out.extend_from_slice(b",\"NextShardIterator\":");
        let _ = serde_json::to_writer(&mut *out, iterator);
    }
    let _ = write!(out, ",\"MillisBehindLatest\":{}", page.millis_behind_latest);
    if let Some(children) = &page.child_shards {
        out.extend_from_slice(b",\"ChildShards\":");
        let children: Vec<_> = children.iter().map(child_shard_out).collect();
        let _ = serde_json::to_writer(&mut *out, &children);
    }
    out.push(b'}');
}

/// Length of padded base64 for `len` bytes.
fn base64_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

/// Epoch milliseconds as decimal seconds with millisecond precision (`1603149588.042`), never in
/// scientific notation.
fn write_epoch_seconds(out: &mut Vec<u8>, epoch_ms: i64) {
    let sign = if epoch_ms < 0 { "-" } else { "" };
    let magnitude = epoch_ms.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:03}", magnitude / 1000, magnitude % 1000);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_core::{HashKey, HashKeyRange, SequenceNumber, ShardId};
    use sluice_streams::ChildShard;

    fn page(records: usize, data_bytes: usize, closed: bool) -> RecordsPage {
        RecordsPage {
            records: (0..records)
                .map(|index| KinesisRecord {
                    sequence_number: SequenceNumber::new(7, ShardId(1), index as u64),
                    approximate_arrival_ms: 1_603_149_588_042 + index as i64,
                    partition_key: Bytes::from(format!("key \"{index}\" \u{e9}\n")),
                    data: Bytes::from(vec![index as u8; data_bytes + index % 7]),
                })
                .collect(),
            next_shard_iterator: (!closed).then(|| "AAAA+/==".to_owned()),
            millis_behind_latest: 42,
            child_shards: closed.then(|| {
                vec![ChildShard {
                    shard_id: ShardId(3),
                    parent_shards: vec![ShardId(1)],
                    hash_key_range: HashKeyRange {
                        start: HashKey(0),
                        end: HashKey(99),
                    },
                }]
            }),
        }
    }

    /// The hand-written answer is the same JSON document as the serde model's, whether it fits
    /// one chunk or spans many.
    #[test]
    fn matches_the_serde_model() {
        for (records, data_bytes, closed) in [(0, 0, false), (1, 3, false), (25, 0, true), (700, 1024, false)]
        {
            let fast: serde_json::Value =
                serde_json::from_slice(&encode_records_page(page(records, data_bytes, closed))).unwrap();
            let serde_model =
                super::super::get_records::tests_support::wire_json(page(records, data_bytes, closed));
            let model: serde_json::Value = serde_json::from_slice(&serde_model).unwrap();
            assert_eq!(fast, model);
        }
    }

    #[test]
    fn large_pages_come_in_bounded_chunks() {
        let chunks: Vec<Bytes> = RecordsPageChunks::new(page(2000, 1024, false)).collect();
        assert!(chunks.len() > 5);
        assert!(chunks.iter().all(|chunk| chunk.len() < CHUNK_BYTES + 4096));
    }

    #[test]
    fn timestamps_are_plain_decimals() {
        let mut out = Vec::new();
        write_epoch_seconds(&mut out, 1_603_149_588_042);
        assert_eq!(out, b"1603149588.042");
        out.clear();
        write_epoch_seconds(&mut out, 5);
        assert_eq!(out, b"0.005");
    }
}
