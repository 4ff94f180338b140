//! GetRecords: records from an iterator's position, the next iterator, MillisBehindLatest, and
//! ChildShards at the end of a closed shard.

use sluice_streams::read::GET_RECORDS_MAX_RECORDS;

use crate::error::ApiError;
use crate::kinesis::common::{blocking, check_stream_arn};
use crate::kinesis::model::{ChildShardOut, GetRecordsInput, GetRecordsOutput, HashKeyRangeOut, RecordOut};
use crate::protocol::{Blob, Timestamp};
use crate::server::AppState;
use crate::validation::Violations;

pub async fn handle(state: &AppState, input: GetRecordsInput) -> Result<GetRecordsOutput, ApiError> {
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
    let page = blocking(state, move |streams| {
        streams.get_records(&iterator, limit, stream_arn.as_deref())
    })
    .await?;
    Ok(GetRecordsOutput {
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
        child_shards: page.child_shards.map(|children| {
            children
                .into_iter()
                .map(|child| ChildShardOut {
                    shard_id: child.shard_id.to_string(),
                    parent_shards: child.parent_shards.iter().map(ToString::to_string).collect(),
                    hash_key_range: HashKeyRangeOut {
                        starting_hash_key: child.hash_key_range.start.to_string(),
                        ending_hash_key: child.hash_key_range.end.to_string(),
                    },
                })
                .collect()
        }),
    })
}
