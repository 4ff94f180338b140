//! The values that cross the `ShardLog` API: records going in, records coming out, append receipts and
//! read limits. No behaviour lives here beyond small accessors.

use bytes::Bytes;

/// A record to append, borrowed from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// Opaque key bytes (the streams crate stores the partition key here).
    pub key: &'a [u8],
    /// Opaque value bytes.
    pub value: &'a [u8],
}

/// A record read back from the log. `key` and `value` are zero-copy slices of one buffer that holds
/// the whole batch the record was appended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Position of the record in the shard, dense and starting at 0.
    pub offset: u64,
    /// Timestamp of its batch as stored (never lower than any earlier record's).
    pub timestamp_ms: i64,
    /// Key bytes.
    pub key: Bytes,
    /// Value bytes.
    pub value: Bytes,
}

/// What `ShardLog::append` assigned to a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendReceipt {
    /// Offset of the first record of the batch.
    pub first_offset: u64,
    /// Number of records; the batch holds `first_offset..first_offset + record_count`.
    pub record_count: u32,
    /// The timestamp stored for the batch: `max(requested, newest timestamp already in the log)`.
    pub timestamp_ms: i64,
}

impl AppendReceipt {
    /// The offset the record after this batch got or will get.
    pub fn end_offset(&self) -> u64 {
        self.first_offset.saturating_add(u64::from(self.record_count))
    }
}

/// Bounds on one `ShardLog::read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Most records to return. Zero returns nothing.
    pub max_records: usize,
    /// Most key plus value bytes to return; the first record is returned even if it alone is larger.
    pub max_bytes: usize,
}

impl ReadLimits {
    /// No practical limit on records nor bytes.
    pub const UNLIMITED: ReadLimits = ReadLimits {
        max_records: usize::MAX,
        max_bytes: usize::MAX,
    };

    /// At most `max_records` records, no byte limit.
    pub fn records(max_records: usize) -> ReadLimits {
        ReadLimits {
            max_records,
            max_bytes: usize::MAX,
        }
    }
}

/// Result of one `ShardLog::read`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutcome {
    /// Records in offset order, dense.
    pub records: Vec<StoredRecord>,
    /// Offset to read from next: after the last returned record, or where the read started when it
    /// returned nothing.
    pub next_offset: u64,
}
