//! The GetRecords answer in JSON, written by hand into one buffer.
//!
//! Through serde, every record costs a base64 `String`, a sequence-number `String` and a
//! partition-key `String`, and serde_json then scans each base64 string for characters to escape
//! (there are none: the base64 alphabet needs no escaping). Here the size of the answer is computed
//! first, the buffer is allocated once, base64 is encoded straight into it, and only the partition
//! key (client-chosen text) goes through serde_json's escaping. The output is the same document
//! the serde model produces (a unit test compares them).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use sluice_streams::RecordsPage;
use std::io::Write as _;

use crate::kinesis::get_records::child_shard_out;

/// Bytes of one record's JSON besides its data and key: member names, the 56-digit sequence
/// number, the timestamp, quotes and separators.
const RECORD_OVERHEAD: usize = 160;

/// Encodes a page as the GetRecords JSON answer.
pub fn encode_records_page(page: &RecordsPage) -> Bytes {
    let estimate: usize = page
        .records
        .iter()
        .map(|record| base64_len(record.data.len()) + record.partition_key.len() * 2 + RECORD_OVERHEAD)
        .sum::<usize>()
        + 1024;
    let mut out: Vec<u8> = Vec::with_capacity(estimate);
    out.extend_from_slice(b"{\"Records\":[");
    for (index, record) in page.records.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        // Writing into a Vec cannot fail.
        let _ = write!(
            out,
            "{{\"SequenceNumber\":\"{}\",\"ApproximateArrivalTimestamp\":",
            record.sequence_number
        );
        write_epoch_seconds(&mut out, record.approximate_arrival_ms);
        out.extend_from_slice(b",\"Data\":\"");
        let start = out.len();
        out.resize(start + base64_len(record.data.len()), 0);
        // The slice has exactly the encoded length, so encoding cannot run out of room.
        let _ = STANDARD.encode_slice(&record.data, &mut out[start..]);
        out.extend_from_slice(b"\",\"PartitionKey\":");
        let key = String::from_utf8_lossy(&record.partition_key);
        let _ = serde_json::to_writer(&mut out, key.as_ref());
        out.push(b'}');
    }
    out.push(b']');
    if let Some(iterator) = &page.next_shard_iterator {
        out.extend_from_slice(b",\"NextShardIterator\":");
        let _ = serde_json::to_writer(&mut out, iterator);
    }
    let _ = write!(out, ",\"MillisBehindLatest\":{}", page.millis_behind_latest);
    if let Some(children) = &page.child_shards {
        out.extend_from_slice(b",\"ChildShards\":");
        let children: Vec<_> = children.iter().map(child_shard_out).collect();
        let _ = serde_json::to_writer(&mut out, &children);
    }
    out.push(b'}');
    Bytes::from(out)
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
    use bytes::Bytes;
    use sluice_core::{HashKey, HashKeyRange, SequenceNumber, ShardId};
    use sluice_streams::{ChildShard, KinesisRecord};

    fn page(records: usize, closed: bool) -> RecordsPage {
        RecordsPage {
            records: (0..records)
                .map(|index| KinesisRecord {
                    sequence_number: SequenceNumber::new(7, ShardId(1), index as u64),
                    approximate_arrival_ms: 1_603_149_588_042 + index as i64,
                    partition_key: Bytes::from(format!("key \"{index}\" \u{e9}\n")),
                    data: Bytes::from(vec![index as u8; index % 7]),
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

    /// The hand-written answer is the same JSON document as the serde model's.
    #[test]
    fn matches_the_serde_model() {
        for (records, closed) in [(0, false), (1, false), (25, true)] {
            let page = page(records, closed);
            let fast: serde_json::Value = serde_json::from_slice(&encode_records_page(&page)).unwrap();
            let serde_model = super::super::get_records::tests_support::wire_json(page);
            let model: serde_json::Value = serde_json::from_slice(&serde_model).unwrap();
            assert_eq!(fast, model);
        }
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
