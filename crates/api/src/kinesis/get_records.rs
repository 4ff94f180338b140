//! GetRecords: records from an iterator's position, the next iterator, MillisBehindLatest, and
//! ChildShards at the end of a closed shard.
//!
//! The JSON answer is the hottest response of the server (up to 10 MiB of records per call), so it
//! is written by [`get_records_json`](super::get_records_json) and streamed in chunks; CBOR answers go through the serde model.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use sluice_streams::RecordsPage;
use sluice_streams::read::GET_RECORDS_MAX_RECORDS;
use std::convert::Infallible;

use crate::error::ApiError;
use crate::kinesis::common::{check_stream_arn, on_blocking_pool};
use crate::kinesis::get_records_json::RecordsPageChunks;
use crate::kinesis::model::{ChildShardOut, GetRecordsInput, GetRecordsOutput, HashKeyRangeOut, RecordOut};
use crate::operation::{streamed_response, success_response};
use crate::protocol::{self, Blob, Protocol, Timestamp};
use crate::server::AppState;
use crate::validation::Violations;

/// Decodes the request, reads the page, and answers it in the request's protocol.
pub async fn respond(state: &AppState, protocol: Protocol, body: &[u8]) -> Result<Response, ApiError> {
    let input: GetRecordsInput = protocol::decode(protocol, body)?;
    let page = read_page(state, input).await?;
    match protocol {
        Protocol::Json => {
            let chunks = RecordsPageChunks::new(page).map(Ok::<Bytes, Infallible>);
            Ok(streamed_response(
                protocol,
                Body::from_stream(futures_util::stream::iter(chunks)),
            ))
        }
        Protocol::Cbor => success_response(protocol, &wire_output(page)),
    }
}

async fn read_page(state: &AppState, input: GetRecordsInput) -> Result<RecordsPage, ApiError> {
    let mut violations = Violations::new();
    violations.not_null("shardIterator", input.shard_iterator.as_ref());
    if let Some(iterator) = &input.shard_iterator {
        violations.length_between("shardIterator", iterator, 1, 512);
    }
    if let Some(limit) = input.limit {
        violations.value_between("limit", limit, 1, GET_RECORDS_MAX_RECORDS as i64);
    }
    check_stream_arn(&mut violations, input.stream_arn.as_ref());
    violations.into_result()?;
    let iterator = input.shard_iterator.unwrap_or_default();
    let limit = input
        .limit
        .and_then(|limit| usize::try_from(limit).ok())
        .unwrap_or(GET_RECORDS_MAX_RECORDS);
    let stream_arn = input.stream_arn;
    on_blocking_pool(state, move |streams| {
        streams.get_records(&iterator, limit, stream_arn.as_deref())
    })
    .await
}

/// The serde model of a page, for CBOR.
fn wire_output(page: RecordsPage) -> GetRecordsOutput {
    GetRecordsOutput {
        records: page
            .records
            .into_iter()
            .map(|record| RecordOut {
                sequence_number: record.sequence_number.to_string(),
                approximate_arrival_timestamp: Timestamp::from_epoch_millis(record.approximate_arrival_ms),
                data: Blob::new(record.data),
                partition_key: String::from_utf8_lossy(&record.partition_key).into_owned(),
            })
            .collect(),
        next_shard_iterator: page.next_shard_iterator,
        millis_behind_latest: page.millis_behind_latest,
        child_shards: page
            .child_shards
            .map(|children| children.iter().map(child_shard_out).collect()),
    }
}

pub(crate) fn child_shard_out(child: &sluice_streams::ChildShard) -> ChildShardOut {
    ChildShardOut {
        shard_id: child.shard_id.to_string(),
        parent_shards: child.parent_shards.iter().map(ToString::to_string).collect(),
        hash_key_range: HashKeyRangeOut {
            starting_hash_key: child.hash_key_range.start.to_string(),
            ending_hash_key: child.hash_key_range.end.to_string(),
        },
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// The serde model's JSON for a page, to compare the hand-written encoder against.
    pub fn wire_json(page: RecordsPage) -> bytes::Bytes {
        protocol::encode(Protocol::Json, &wire_output(page)).unwrap()
    }
}
