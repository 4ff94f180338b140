//! The Kinesis Data Streams operation table: which code answers each `Kinesis_20131202.<Operation>`.
//!
//! All 39 operations of the model (spec B) have a line in [`dispatch`]; any other name is a bare
//! 400 `UnknownOperationException`. Each operation is in one of two states:
//!
//! - implemented: `run(state, protocol, &body, <operation>::handle).await`, with the handler in
//!   `kinesis/<operation>.rs`;
//! - not implemented by Sluice in this release ([`NOT_IMPLEMENTED`]): 400
//!   `InvalidArgumentException` "Sluice does not implement the Kinesis operation X yet", never a
//!   fake success.
//!
//! In every state the body is decoded first, so a malformed body is a `SerializationException`
//! whatever the operation.

pub mod common;
pub mod create_stream;
pub mod delete_stream;
pub mod describe_limits;
pub mod describe_stream;
pub mod describe_stream_summary;
pub mod get_records;
pub mod get_records_json;
pub mod get_shard_iterator;
pub mod list_shards;
pub mod list_streams;
pub mod model;
pub mod put_record;
pub mod put_records;
pub mod record_rules;
pub mod reshard;
pub mod retention;
pub mod tags;

use axum::response::Response;
use bytes::Bytes;

use crate::error::ApiError;
use crate::operation::{AnyMembers, run};
use crate::protocol::Protocol;
use crate::server::AppState;

/// Every operation of the Kinesis model (botocore `kinesis/2013-12-02`), in alphabetical order.
pub const OPERATIONS: [&str; 39] = [
    "AddTagsToStream",
    "CreateStream",
    "DecreaseStreamRetentionPeriod",
    "DeleteResourcePolicy",
    "DeleteStream",
    "DeregisterStreamConsumer",
    "DescribeAccountSettings",
    "DescribeLimits",
    "DescribeStream",
    "DescribeStreamConsumer",
    "DescribeStreamSummary",
    "DisableEnhancedMonitoring",
    "EnableEnhancedMonitoring",
    "GetRecords",
    "GetResourcePolicy",
    "GetShardIterator",
    "IncreaseStreamRetentionPeriod",
    "ListShards",
    "ListStreamConsumers",
    "ListStreams",
    "ListTagsForResource",
    "ListTagsForStream",
    "MergeShards",
    "PutRecord",
    "PutRecords",
    "PutResourcePolicy",
    "RegisterStreamConsumer",
    "RemoveTagsFromStream",
    "SplitShard",
    "StartStreamEncryption",
    "StopStreamEncryption",
    "SubscribeToShard",
    "TagResource",
    "UntagResource",
    "UpdateAccountSettings",
    "UpdateMaxRecordSize",
    "UpdateShardCount",
    "UpdateStreamMode",
    "UpdateStreamWarmThroughput",
];

/// The operations Sluice does not implement in this release.
pub const NOT_IMPLEMENTED: [&str; 16] = [
    "DeleteResourcePolicy",
    "DeregisterStreamConsumer",
    "DescribeAccountSettings",
    "DescribeStreamConsumer",
    "DisableEnhancedMonitoring",
    "EnableEnhancedMonitoring",
    "GetResourcePolicy",
    "ListStreamConsumers",
    "PutResourcePolicy",
    "RegisterStreamConsumer",
    "StartStreamEncryption",
    "StopStreamEncryption",
    "SubscribeToShard",
    "UpdateAccountSettings",
    "UpdateMaxRecordSize",
    "UpdateStreamWarmThroughput",
];

/// Answers one Kinesis request whose target named `operation`.
pub async fn dispatch(
    state: &AppState,
    protocol: Protocol,
    operation: &str,
    body: Bytes,
) -> Result<Response, ApiError> {
    match operation {
        "AddTagsToStream" => run(state, protocol, &body, tags::add_tags_to_stream).await,
        "CreateStream" => run(state, protocol, &body, create_stream::handle).await,
        "DecreaseStreamRetentionPeriod" => run(state, protocol, &body, retention::decrease).await,
        "DeleteStream" => run(state, protocol, &body, delete_stream::handle).await,
        "DescribeLimits" => run(state, protocol, &body, describe_limits::handle).await,
        "DescribeStream" => run(state, protocol, &body, describe_stream::handle).await,
        "DescribeStreamSummary" => run(state, protocol, &body, describe_stream_summary::handle).await,
        "GetRecords" => get_records::respond(state, protocol, &body).await,
        "GetShardIterator" => run(state, protocol, &body, get_shard_iterator::handle).await,
        "IncreaseStreamRetentionPeriod" => run(state, protocol, &body, retention::increase).await,
        "ListShards" => run(state, protocol, &body, list_shards::handle).await,
        "ListStreams" => run(state, protocol, &body, list_streams::handle).await,
        "ListTagsForResource" => run(state, protocol, &body, tags::list_tags_for_resource).await,
        "ListTagsForStream" => run(state, protocol, &body, tags::list_tags_for_stream).await,
        "MergeShards" => run(state, protocol, &body, reshard::merge_shards).await,
        "PutRecord" => run(state, protocol, &body, put_record::handle).await,
        "PutRecords" => run(state, protocol, &body, put_records::handle).await,
        "RemoveTagsFromStream" => run(state, protocol, &body, tags::remove_tags_from_stream).await,
        "SplitShard" => run(state, protocol, &body, reshard::split_shard).await,
        "TagResource" => run(state, protocol, &body, tags::tag_resource).await,
        "UntagResource" => run(state, protocol, &body, tags::untag_resource).await,
        "UpdateShardCount" => run(state, protocol, &body, reshard::update_shard_count).await,
        "UpdateStreamMode" => run(state, protocol, &body, reshard::update_stream_mode).await,

        "DeleteResourcePolicy"
        | "DeregisterStreamConsumer"
        | "DescribeAccountSettings"
        | "DescribeStreamConsumer"
        | "DisableEnhancedMonitoring"
        | "EnableEnhancedMonitoring"
        | "GetResourcePolicy"
        | "ListStreamConsumers"
        | "PutResourcePolicy"
        | "RegisterStreamConsumer"
        | "StartStreamEncryption"
        | "StopStreamEncryption"
        | "SubscribeToShard"
        | "UpdateAccountSettings"
        | "UpdateMaxRecordSize"
        | "UpdateStreamWarmThroughput" => not_implemented(state, protocol, &body, operation).await,

        _ => Err(ApiError::unknown_operation()),
    }
}

/// An operation of the model that Sluice does not implement in this release.
async fn not_implemented(
    state: &AppState,
    protocol: Protocol,
    body: &[u8],
    operation: &str,
) -> Result<Response, ApiError> {
    run(state, protocol, body, |_state, _input: AnyMembers| async move {
        Err::<(), ApiError>(ApiError::invalid_argument(format!(
            "Sluice does not implement the Kinesis operation {operation} yet"
        )))
    })
    .await
}

#[cfg(test)]
mod tests {
    use sluice_core::AwsErrorKind;

    use super::*;
    use crate::test_support::test_state;

    async fn error_for(operation: &str, body: &'static [u8]) -> ApiError {
        let (_data_dir, state) = test_state();
        match dispatch(&state, Protocol::Json, operation, Bytes::from_static(body)).await {
            Ok(_) => panic!("{operation} answered a success"),
            Err(error) => error,
        }
    }

    #[tokio::test]
    async fn every_model_operation_has_a_clear_answer() {
        let (_data_dir, state) = test_state();
        for operation in OPERATIONS {
            let outcome = dispatch(&state, Protocol::Json, operation, Bytes::from_static(b"{}")).await;
            if NOT_IMPLEMENTED.contains(&operation) {
                let error = outcome
                    .err()
                    .unwrap_or_else(|| panic!("{operation} answered a success"));
                assert_eq!(error.kind, AwsErrorKind::InvalidArgument, "{operation}");
                assert_eq!(
                    error.message.unwrap_or_default(),
                    format!("Sluice does not implement the Kinesis operation {operation} yet")
                );
            } else if let Err(error) = outcome {
                // An empty request is refused by validation or semantics, never by a server fault.
                assert_ne!(
                    error.kind,
                    AwsErrorKind::InternalFailure,
                    "{operation}: {error:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn names_outside_the_model_are_unknown_operations() {
        for operation in ["putRecords", "PutRecordBatch", "Put.Records", "", "ListStreams "] {
            assert_eq!(
                error_for(operation, b"{}").await,
                ApiError::unknown_operation(),
                "{operation:?}"
            );
        }
    }

    #[tokio::test]
    async fn the_body_is_decoded_before_anything_else() {
        for operation in ["PutRecords", "SubscribeToShard"] {
            assert_eq!(error_for(operation, b"{").await.kind, AwsErrorKind::Serialization);
            assert_eq!(
                error_for(operation, b"").await,
                ApiError::serialization_without_message()
            );
        }
    }

    #[test]
    fn not_implemented_operations_are_in_the_model() {
        for operation in NOT_IMPLEMENTED {
            assert!(OPERATIONS.contains(&operation), "{operation}");
        }
    }
}
