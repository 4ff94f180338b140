//! ListShards, with `ShardFilter` and `NextToken` pagination.

use sluice_core::name::{NAME_PATTERN, matches_name_pattern};
use sluice_streams::{ListShardsRequest, ShardFilter};

use crate::error::ApiError;
use crate::kinesis::common::{blocking, limit_value, shard_out, stream_ref};
use crate::kinesis::model::{ListShardsInput, ListShardsOutput};
use crate::server::AppState;
use crate::validation::Violations;

const FILTER_TYPES: [&str; 6] = [
    "AFTER_SHARD_ID",
    "AT_TRIM_HORIZON",
    "FROM_TRIM_HORIZON",
    "AT_LATEST",
    "AT_TIMESTAMP",
    "FROM_TIMESTAMP",
];

pub async fn handle(state: &AppState, input: ListShardsInput) -> Result<ListShardsOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    let max_results = limit_value(&mut violations, "maxResults", input.max_results, 1, 10_000);
    if let Some(token) = &input.next_token {
        violations.length_between("nextToken", token, 1, 1_048_576);
    }
    if let Some(start) = &input.exclusive_start_shard_id {
        violations.length_between("exclusiveStartShardId", start, 1, 128);
        violations.pattern("exclusiveStartShardId", start, NAME_PATTERN, matches_name_pattern);
    }
    if let Some(filter) = &input.shard_filter {
        violations.not_null("shardFilter.type", filter.filter_type.as_ref());
        if let Some(filter_type) = &filter.filter_type {
            violations.enum_value("shardFilter.type", filter_type, &FILTER_TYPES);
        }
    }
    violations.into_result()?;
    if input.next_token.is_some()
        && (input.exclusive_start_shard_id.is_some() || input.stream_creation_timestamp.is_some())
    {
        return Err(ApiError::invalid_argument(
            "NextToken cannot be provided together with ExclusiveStartShardId or StreamCreationTimestamp.",
        ));
    }
    let filter = match input.shard_filter {
        Some(filter) => Some(shard_filter(
            filter.filter_type.as_deref(),
            filter.shard_id,
            filter.timestamp,
        )?),
        None => None,
    };
    let request = ListShardsRequest {
        stream: reference,
        next_token: input.next_token,
        exclusive_start_shard_id: input.exclusive_start_shard_id,
        max_results,
        filter,
    };
    let (shards, next_token) = blocking(state, move |streams| streams.list_shards(&request)).await?;
    Ok(ListShardsOutput {
        shards: shards.iter().map(shard_out).collect(),
        next_token,
    })
}

fn shard_filter(
    filter_type: Option<&str>,
    shard_id: Option<String>,
    timestamp: Option<crate::protocol::Timestamp>,
) -> Result<ShardFilter, ApiError> {
    let needs_timestamp = |name: &str| {
        timestamp.map(|time| time.epoch_millis()).ok_or_else(|| {
            ApiError::invalid_argument(format!("Timestamp must be provided for ShardFilter type {name}."))
        })
    };
    Ok(match filter_type {
        Some("AFTER_SHARD_ID") => ShardFilter::AfterShardId(shard_id.ok_or_else(|| {
            ApiError::invalid_argument("ShardId must be provided for ShardFilter type AFTER_SHARD_ID.")
        })?),
        Some("AT_TRIM_HORIZON") => ShardFilter::AtTrimHorizon,
        Some("AT_LATEST") => ShardFilter::AtLatest,
        Some("AT_TIMESTAMP") => ShardFilter::AtTimestamp(needs_timestamp("AT_TIMESTAMP")?),
        Some("FROM_TIMESTAMP") => ShardFilter::FromTimestamp(needs_timestamp("FROM_TIMESTAMP")?),
        _ => ShardFilter::FromTrimHorizon,
    })
}
