//! The Kinesis wire shapes that the client commands read, with the member names of the model
//! (`shared/spec/aws-compat.md` B.2). Only the members the commands use are declared; unknown
//! members are ignored, so newer servers and emulators that send more still parse.

use super::timestamp::{EpochMillis, millis_to_wire_seconds};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HashKeyRange {
    pub starting_hash_key: String,
    pub ending_hash_key: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceNumberRange {
    pub starting_sequence_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_sequence_number: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Shard {
    pub shard_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_shard_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjacent_parent_shard_id: Option<String>,
    pub hash_key_range: HashKeyRange,
    pub sequence_number_range: SequenceNumberRange,
}

impl Shard {
    /// A shard is open until a split or merge gives it an ending sequence number.
    pub fn is_open(&self) -> bool {
        self.sequence_number_range.ending_sequence_number.is_none()
    }

    /// The parent and adjacent parent, when present.
    pub fn parents(&self) -> Vec<String> {
        self.parent_shard_id
            .iter()
            .chain(self.adjacent_parent_shard_id.iter())
            .cloned()
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListShardsOutput {
    #[serde(default)]
    pub shards: Vec<Shard>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    #[serde(default)]
    pub stream_names: Vec<String>,
    #[serde(default)]
    pub has_more_streams: bool,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamModeDetails {
    pub stream_mode: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescriptionSummary {
    pub stream_name: String,
    #[serde(default, rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_status: String,
    #[serde(default)]
    pub stream_mode_details: Option<StreamModeDetails>,
    #[serde(default)]
    pub retention_period_hours: Option<u64>,
    #[serde(default)]
    pub stream_creation_timestamp: Option<f64>,
    #[serde(default)]
    pub encryption_type: Option<String>,
    #[serde(default)]
    pub open_shard_count: Option<u64>,
    #[serde(default)]
    pub consumer_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamSummaryOutput {
    pub stream_description_summary: StreamDescriptionSummary,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorOutput {
    pub shard_iterator: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WireRecord {
    pub sequence_number: String,
    #[serde(default)]
    pub approximate_arrival_timestamp: Option<f64>,
    pub data: String,
    pub partition_key: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChildShard {
    pub shard_id: String,
    #[serde(default)]
    pub parent_shards: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    #[serde(default)]
    pub records: Vec<WireRecord>,
    #[serde(default)]
    pub next_shard_iterator: Option<String>,
    #[serde(default)]
    pub millis_behind_latest: Option<u64>,
    #[serde(default)]
    pub child_shards: Vec<ChildShard>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub shard_id: String,
    pub sequence_number: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsResultEntry {
    #[serde(default)]
    pub sequence_number: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsOutput {
    #[serde(default)]
    pub records: Vec<PutRecordsResultEntry>,
}

/// Where a new shard iterator starts.
#[derive(Debug, Clone, PartialEq)]
pub enum IteratorPosition {
    TrimHorizon,
    Latest,
    AtTimestamp(EpochMillis),
    AfterSequenceNumber(String),
}

impl IteratorPosition {
    /// The GetShardIterator request for this position.
    pub fn request(&self, stream: &str, shard_id: &str) -> Value {
        match self {
            IteratorPosition::TrimHorizon => {
                json!({"StreamName": stream, "ShardId": shard_id, "ShardIteratorType": "TRIM_HORIZON"})
            }
            IteratorPosition::Latest => {
                json!({"StreamName": stream, "ShardId": shard_id, "ShardIteratorType": "LATEST"})
            }
            IteratorPosition::AtTimestamp(millis) => json!({
                "StreamName": stream,
                "ShardId": shard_id,
                "ShardIteratorType": "AT_TIMESTAMP",
                "Timestamp": millis_to_wire_seconds(*millis),
            }),
            IteratorPosition::AfterSequenceNumber(sequence_number) => json!({
                "StreamName": stream,
                "ShardId": shard_id,
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "StartingSequenceNumber": sequence_number,
            }),
        }
    }
}

/// The decoded size of a standard, padded base64 text, without decoding it.
pub fn base64_decoded_len(text: &str) -> usize {
    let padding = text
        .bytes()
        .rev()
        .take(2)
        .take_while(|byte| *byte == b'=')
        .count();
    (text.len() / 4 * 3).saturating_sub(padding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn test_base64_decoded_len_matches_decoding() {
        for length in 0..10 {
            let bytes = vec![7u8; length];
            let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
            assert_eq!(base64_decoded_len(&text), length);
        }
    }

    #[test]
    fn test_get_records_output_tolerates_missing_members() {
        let output: GetRecordsOutput = serde_json::from_str(r#"{"Records":[],"NextShardIterator":null}"#)
            .unwrap_or_else(|error| panic!("{error}"));
        assert!(output.next_shard_iterator.is_none());
        assert!(output.millis_behind_latest.is_none());
        assert!(output.child_shards.is_empty());
    }

    #[test]
    fn test_timestamp_iterator_sends_epoch_seconds() {
        let request = IteratorPosition::AtTimestamp(1_459_799_926_480).request("s", "shardId-000000000000");
        assert_eq!(request["Timestamp"], json!(1_459_799_926.48));
        assert_eq!(request["ShardIteratorType"], "AT_TIMESTAMP");
    }
}
