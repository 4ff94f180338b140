//! SplitShard, MergeShards, UpdateShardCount and UpdateStreamMode.

use sluice_core::name::{NAME_PATTERN, matches_name_pattern};
use sluice_streams::StreamMode;

use crate::error::ApiError;
use crate::kinesis::common::{HASH_KEY_PATTERN, blocking, check_stream_arn, is_hash_key_text, stream_ref};
use crate::kinesis::model::{
    MergeShardsInput, SplitShardInput, UpdateShardCountInput, UpdateShardCountOutput, UpdateStreamModeInput,
};
use crate::operation::EmptyOutput;
use crate::server::AppState;
use crate::validation::Violations;

fn check_shard_id(violations: &mut Violations, path: &str, shard_id: Option<&String>) {
    violations.not_null(path, shard_id);
    if let Some(shard_id) = shard_id {
        violations.length_between(path, shard_id, 1, 128);
        violations.pattern(path, shard_id, NAME_PATTERN, matches_name_pattern);
    }
}

pub async fn split_shard(state: &AppState, input: SplitShardInput) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    check_shard_id(&mut violations, "shardToSplit", input.shard_to_split.as_ref());
    violations.not_null("newStartingHashKey", input.new_starting_hash_key.as_ref());
    if let Some(key) = &input.new_starting_hash_key {
        violations.pattern("newStartingHashKey", key, HASH_KEY_PATTERN, is_hash_key_text);
    }
    violations.into_result()?;
    let shard = input.shard_to_split.unwrap_or_default();
    let key = input.new_starting_hash_key.unwrap_or_default();
    blocking(state, move |streams| {
        streams.split_shard(&reference, &shard, &key)
    })
    .await?;
    Ok(EmptyOutput {})
}

pub async fn merge_shards(state: &AppState, input: MergeShardsInput) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    check_shard_id(&mut violations, "shardToMerge", input.shard_to_merge.as_ref());
    check_shard_id(
        &mut violations,
        "adjacentShardToMerge",
        input.adjacent_shard_to_merge.as_ref(),
    );
    violations.into_result()?;
    let first = input.shard_to_merge.unwrap_or_default();
    let second = input.adjacent_shard_to_merge.unwrap_or_default();
    blocking(state, move |streams| {
        streams.merge_shards(&reference, &first, &second)
    })
    .await?;
    Ok(EmptyOutput {})
}

pub async fn update_shard_count(
    state: &AppState,
    input: UpdateShardCountInput,
) -> Result<UpdateShardCountOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    violations.not_null("targetShardCount", input.target_shard_count.as_ref());
    if let Some(target) = input.target_shard_count {
        violations.value_between("targetShardCount", target, 1, 100_000);
    }
    violations.not_null("scalingType", input.scaling_type.as_ref());
    if let Some(scaling_type) = &input.scaling_type {
        violations.enum_value("scalingType", scaling_type, &["UNIFORM_SCALING"]);
    }
    violations.into_result()?;
    let target = input
        .target_shard_count
        .and_then(|target| u32::try_from(target).ok())
        .unwrap_or(1);
    let update = blocking(state, move |streams| {
        streams.update_shard_count(&reference, target)
    })
    .await?;
    Ok(UpdateShardCountOutput {
        stream_name: update.stream_name,
        stream_arn: update.stream_arn,
        current_shard_count: update.current_shard_count,
        target_shard_count: update.target_shard_count,
    })
}

pub async fn update_stream_mode(
    state: &AppState,
    input: UpdateStreamModeInput,
) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    violations.not_null("streamARN", input.stream_arn.as_ref());
    check_stream_arn(&mut violations, input.stream_arn.as_ref());
    violations.not_null("streamModeDetails", input.stream_mode_details.as_ref());
    let mode_text = input
        .stream_mode_details
        .as_ref()
        .and_then(|details| details.stream_mode.clone());
    if input.stream_mode_details.is_some() {
        violations.not_null("streamModeDetails.streamMode", mode_text.as_ref());
    }
    if let Some(mode) = &mode_text {
        violations.enum_value(
            "streamModeDetails.streamMode",
            mode,
            &["PROVISIONED", "ON_DEMAND"],
        );
    }
    violations.into_result()?;
    let mode = if mode_text.as_deref() == Some("ON_DEMAND") {
        StreamMode::OnDemand
    } else {
        StreamMode::Provisioned
    };
    let reference = sluice_streams::StreamRef {
        name: None,
        arn: input.stream_arn,
    };
    blocking(state, move |streams| streams.update_stream_mode(&reference, mode)).await?;
    Ok(EmptyOutput {})
}
