//! What stream operations return: descriptions of streams and shards, records, put results.
//!
//! These are domain types; the api crate turns them into the wire shapes.

use bytes::Bytes;
use sluice_core::{AwsErrorKind, HashKeyRange, SequenceNumber, ShardId};

use crate::metadata::StreamMode;

/// A stream's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamStatus {
    Creating,
    Deleting,
    Active,
    Updating,
}

impl StreamStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Deleting => "DELETING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
        }
    }

    /// Whether records may be written and read (Kinesis allows both while UPDATING).
    pub fn accepts_data(self) -> bool {
        matches!(self, StreamStatus::Active | StreamStatus::Updating)
    }
}

/// One shard as DescribeStream and ListShards show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardDescription {
    pub shard_id: ShardId,
    pub parent_shard_id: Option<ShardId>,
    pub adjacent_parent_shard_id: Option<ShardId>,
    pub hash_key_range: HashKeyRange,
    pub starting_sequence_number: SequenceNumber,
    /// Present once the shard is closed.
    pub ending_sequence_number: Option<SequenceNumber>,
}

/// The stream-level facts shared by DescribeStream, DescribeStreamSummary and ListStreams.
#[derive(Debug, Clone)]
pub struct StreamSummary {
    pub name: String,
    pub arn: String,
    pub status: StreamStatus,
    pub mode: StreamMode,
    pub retention_hours: u32,
    pub created_ms: i64,
    pub open_shard_count: usize,
}

/// DescribeStream's answer: the summary plus one page of shards.
#[derive(Debug, Clone)]
pub struct StreamDescription {
    pub summary: StreamSummary,
    pub shards: Vec<ShardDescription>,
    pub has_more_shards: bool,
}

/// A record to write.
#[derive(Debug, Clone, Copy)]
pub struct PutRecordEntry<'a> {
    pub data: &'a [u8],
    pub partition_key: &'a str,
    /// Already validated to be in range; routes instead of the partition key's MD5.
    pub explicit_hash_key: Option<sluice_core::HashKey>,
}

/// The outcome of one record of a PutRecords call, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutRecordOutcome {
    Written {
        shard_id: ShardId,
        sequence_number: SequenceNumber,
    },
    Failed {
        error_code: AwsErrorKind,
        error_message: String,
    },
}

/// A record read back from a shard.
#[derive(Debug, Clone)]
pub struct KinesisRecord {
    pub sequence_number: SequenceNumber,
    pub approximate_arrival_ms: i64,
    pub partition_key: Bytes,
    pub data: Bytes,
}

/// A child shard reported when a reader reaches the end of a closed shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildShard {
    pub shard_id: ShardId,
    pub parent_shards: Vec<ShardId>,
    pub hash_key_range: HashKeyRange,
}

/// GetRecords' answer.
#[derive(Debug, Clone)]
pub struct RecordsPage {
    pub records: Vec<KinesisRecord>,
    /// Absent once a closed shard has been read to its end.
    pub next_shard_iterator: Option<String>,
    pub millis_behind_latest: i64,
    pub child_shards: Option<Vec<ChildShard>>,
}

/// Where GetShardIterator starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IteratorStart {
    TrimHorizon,
    Latest,
    AtSequenceNumber(String),
    AfterSequenceNumber(String),
    AtTimestamp(i64),
}

/// DescribeLimits' answer.
#[derive(Debug, Clone, Copy)]
pub struct AccountLimits {
    pub shard_limit: u32,
    pub open_shard_count: u32,
    pub on_demand_stream_count: u32,
    pub on_demand_stream_count_limit: u32,
}

/// UpdateShardCount's answer.
#[derive(Debug, Clone)]
pub struct ShardCountUpdate {
    pub stream_name: String,
    pub stream_arn: String,
    pub current_shard_count: u32,
    pub target_shard_count: u32,
}
