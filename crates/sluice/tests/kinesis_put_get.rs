//! End to end through the spawned binary with aws-sdk-kinesis: stream lifecycle, writing and reading
//! with every iterator type, listing and pagination, tags, retention settings, limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::primitives::{Blob, DateTime};
use aws_sdk_kinesis::types::{
    ShardFilter, ShardFilterType, ShardIteratorType, StreamMode, StreamModeDetails, StreamStatus,
};
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::{create_stream, entry, get_records, put, read_data, shard_iterator};

async fn server() -> TestServer {
    TestServer::start(env!("CARGO_BIN_EXE_sluice")).await
}

#[tokio::test]
async fn stream_lifecycle_and_description() {
    let server = server().await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "events", 4).await;

    let description = kinesis
        .describe_stream()
        .stream_name("events")
        .send()
        .await
        .unwrap();
    let description = description.stream_description.unwrap();
    assert_eq!(description.stream_name, "events");
    assert_eq!(
        description.stream_arn,
        "arn:aws:kinesis:us-east-1:000000000000:stream/events"
    );
    assert_eq!(description.stream_status, StreamStatus::Active);
    assert_eq!(description.retention_period_hours, 24);
    assert_eq!(description.shards.len(), 4);
    assert!(!description.has_more_shards);
    let shard_ids: Vec<_> = description
        .shards
        .iter()
        .map(|shard| shard.shard_id.clone())
        .collect();
    assert_eq!(shard_ids[0], "shardId-000000000000");
    assert_eq!(shard_ids[3], "shardId-000000000003");
    let ranges = description
        .shards
        .iter()
        .map(|shard| shard.hash_key_range.clone().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(ranges[0].starting_hash_key, "0");
    assert_eq!(
        ranges[0].ending_hash_key,
        "85070591730234615865843651857942052863"
    );
    assert_eq!(
        ranges[3].ending_hash_key,
        "340282366920938463463374607431768211455"
    );
    let starting = &description.shards[0]
        .sequence_number_range
        .as_ref()
        .unwrap()
        .starting_sequence_number;
    assert_eq!(starting.len(), 56);

    // Paging through DescribeStream with Limit and ExclusiveStartShardId.
    let first_page = kinesis
        .describe_stream()
        .stream_name("events")
        .limit(3)
        .send()
        .await
        .unwrap();
    let first_page = first_page.stream_description.unwrap();
    assert_eq!(first_page.shards.len(), 3);
    assert!(first_page.has_more_shards);
    let second_page = kinesis
        .describe_stream()
        .stream_name("events")
        .exclusive_start_shard_id("shardId-000000000002")
        .send()
        .await
        .unwrap()
        .stream_description
        .unwrap();
    assert_eq!(second_page.shards.len(), 1);
    assert_eq!(second_page.shards[0].shard_id, "shardId-000000000003");

    // The ARN works wherever the model accepts it.
    let summary = kinesis
        .describe_stream_summary()
        .stream_arn("arn:aws:kinesis:us-east-1:000000000000:stream/events")
        .send()
        .await
        .unwrap()
        .stream_description_summary
        .unwrap();
    assert_eq!(summary.open_shard_count, 4);
    assert_eq!(
        summary.stream_mode_details.unwrap().stream_mode,
        StreamMode::Provisioned
    );

    let duplicate = kinesis
        .create_stream()
        .stream_name("events")
        .shard_count(1)
        .send()
        .await
        .unwrap_err();
    let duplicate = duplicate.into_service_error();
    assert!(duplicate.is_resource_in_use_exception());
    assert_eq!(
        duplicate.meta().message(),
        Some("Stream events under account 000000000000 already exists.")
    );

    kinesis
        .delete_stream()
        .stream_name("events")
        .send()
        .await
        .unwrap();
    let missing = kinesis
        .describe_stream()
        .stream_name("events")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_resource_not_found_exception());
    assert_eq!(
        missing.meta().message(),
        Some("Stream events under account 000000000000 not found.")
    );
}

#[tokio::test]
async fn records_round_trip_with_every_iterator_type() {
    let server = server().await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "orders", 2).await;

    // PutRecord routes by MD5: "a" hashes to 16955237001963240173058271559858726497, in shard 0.
    let first = put(&kinesis, "orders", "a", "first").await;
    assert_eq!(first.shard_id, "shardId-000000000000");
    assert_eq!(first.sequence_number.len(), 56);

    let batch: Vec<_> = (0..10)
        .map(|index| entry("a", format!("record-{index}")))
        .collect();
    let batch_output = kinesis
        .put_records()
        .stream_name("orders")
        .set_records(Some(batch))
        .send()
        .await
        .unwrap();
    assert_eq!(batch_output.failed_record_count, Some(0));
    assert_eq!(batch_output.records.len(), 10);
    let numbers: Vec<String> = batch_output
        .records
        .iter()
        .map(|record| record.sequence_number.clone().unwrap())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    assert_eq!(numbers, sorted, "sequence numbers increase within a shard");
    assert!(numbers[0] > first.sequence_number);

    // An explicit hash key overrides the partition key.
    let routed = kinesis
        .put_record()
        .stream_name("orders")
        .partition_key("a")
        .explicit_hash_key("340282366920938463463374607431768211455")
        .data(Blob::new("to the last shard"))
        .send()
        .await
        .unwrap();
    assert_eq!(routed.shard_id, "shardId-000000000001");

    let read_all =
        |iterator_type: ShardIteratorType, sequence: Option<String>, timestamp: Option<DateTime>| {
            let kinesis = kinesis.clone();
            async move {
                let iterator = kinesis
                    .get_shard_iterator()
                    .stream_name("orders")
                    .shard_id("shardId-000000000000")
                    .shard_iterator_type(iterator_type)
                    .set_starting_sequence_number(sequence)
                    .set_timestamp(timestamp)
                    .send()
                    .await
                    .unwrap()
                    .shard_iterator
                    .unwrap();
                read_data(&kinesis, iterator).await
            }
        };
    let everything = read_all(ShardIteratorType::TrimHorizon, None, None).await;
    assert_eq!(everything.len(), 11);
    assert_eq!(everything[0], "first");
    assert_eq!(everything[10], "record-9");
    let at = read_all(
        ShardIteratorType::AtSequenceNumber,
        Some(numbers[3].clone()),
        None,
    )
    .await;
    assert_eq!(at.first().map(String::as_str), Some("record-3"));
    let after = read_all(
        ShardIteratorType::AfterSequenceNumber,
        Some(numbers[3].clone()),
        None,
    )
    .await;
    assert_eq!(after.first().map(String::as_str), Some("record-4"));
    assert!(read_all(ShardIteratorType::Latest, None, None).await.is_empty());
    let since_epoch = read_all(ShardIteratorType::AtTimestamp, None, Some(DateTime::from_secs(0))).await;
    assert_eq!(since_epoch.len(), 11);

    // Records carry their partition key and arrival time; LATEST sees only later records.
    let latest = shard_iterator(
        &kinesis,
        "orders",
        "shardId-000000000000",
        ShardIteratorType::Latest,
    )
    .await;
    put(&kinesis, "orders", "a", "late").await;
    let page = get_records(&kinesis, latest).await;
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].partition_key.as_deref(), Some("a"));
    assert!(page.records[0].approximate_arrival_timestamp.is_some());
    assert_eq!(page.millis_behind_latest, Some(0));
    assert!(page.next_shard_iterator.is_some());

    // Limit pages through a shard.
    let iterator = shard_iterator(
        &kinesis,
        "orders",
        "shardId-000000000000",
        ShardIteratorType::TrimHorizon,
    )
    .await;
    let first_page = kinesis
        .get_records()
        .shard_iterator(iterator)
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(first_page.records.len(), 5);
    let second_page = kinesis
        .get_records()
        .shard_iterator(first_page.next_shard_iterator.unwrap())
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(second_page.records[0].data.as_ref().to_vec()).unwrap(),
        "record-4"
    );
}

#[tokio::test]
async fn listing_and_pagination() {
    let server = server().await;
    let kinesis = server.kinesis();
    for name in ["s-a", "s-b", "s-c", "s-d", "s-e"] {
        create_stream(&kinesis, name, 1).await;
    }
    let first = kinesis.list_streams().limit(2).send().await.unwrap();
    assert_eq!(first.stream_names, vec!["s-a", "s-b"]);
    assert!(first.has_more_streams);
    assert_eq!(first.stream_summaries().len(), 2);
    let second = kinesis
        .list_streams()
        .next_token(first.next_token.unwrap())
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(second.stream_names, vec!["s-c", "s-d"]);
    let by_name = kinesis
        .list_streams()
        .exclusive_start_stream_name("s-d")
        .send()
        .await
        .unwrap();
    assert_eq!(by_name.stream_names, vec!["s-e"]);
    assert!(!by_name.has_more_streams);

    // The SDK paginator follows NextToken to the end.
    let pages: Vec<_> = kinesis
        .list_streams()
        .limit(2)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    let names: Vec<String> = pages
        .into_iter()
        .flat_map(|page| page.unwrap().stream_names)
        .collect();
    assert_eq!(names.len(), 5);

    create_stream(&kinesis, "wide", 5).await;
    let page = kinesis
        .list_shards()
        .stream_name("wide")
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.shards().len(), 2);
    let token = page.next_token.unwrap();
    let rest = kinesis
        .list_shards()
        .next_token(token.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.shards().len(), 3);
    assert!(rest.next_token.is_none());
    let both = kinesis
        .list_shards()
        .stream_name("wide")
        .next_token(token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        both.into_service_error().meta().message(),
        Some("NextToken and StreamName cannot be provided together.")
    );
    let after = kinesis
        .list_shards()
        .stream_name("wide")
        .shard_filter(
            ShardFilter::builder()
                .r#type(ShardFilterType::AfterShardId)
                .shard_id("shardId-000000000003")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(after.shards().len(), 1);
    assert_eq!(after.shards()[0].shard_id, "shardId-000000000004");

    // A token expires after five minutes.
    let page = kinesis
        .list_shards()
        .stream_name("wide")
        .max_results(1)
        .send()
        .await
        .unwrap();
    server.advance_clock(std::time::Duration::from_secs(301)).await;
    let expired = kinesis
        .list_shards()
        .next_token(page.next_token.unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(expired.into_service_error().is_expired_next_token_exception());
}

#[tokio::test]
async fn tags_retention_mode_and_limits() {
    let server = server().await;
    let kinesis = server.kinesis();
    kinesis
        .create_stream()
        .stream_name("tagged")
        .shard_count(1)
        .tags("team", "data")
        .send()
        .await
        .unwrap();
    kinesis
        .add_tags_to_stream()
        .stream_name("tagged")
        .tags("env", "test")
        .tags("owner", "me")
        .send()
        .await
        .unwrap();
    let tags = kinesis
        .list_tags_for_stream()
        .stream_name("tagged")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = tags.tags.iter().map(|tag| tag.key.clone()).collect();
    assert_eq!(keys, vec!["env", "owner", "team"]);
    assert!(!tags.has_more_tags);
    let limited = kinesis
        .list_tags_for_stream()
        .stream_name("tagged")
        .limit(1)
        .send()
        .await
        .unwrap();
    assert!(limited.has_more_tags);
    kinesis
        .remove_tags_from_stream()
        .stream_name("tagged")
        .tag_keys("owner")
        .send()
        .await
        .unwrap();
    let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/tagged";
    kinesis
        .tag_resource()
        .resource_arn(arn)
        .tags("extra", "1")
        .send()
        .await
        .unwrap();
    kinesis
        .untag_resource()
        .resource_arn(arn)
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let by_arn = kinesis
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = by_arn.tags().iter().map(|tag| tag.key.clone()).collect();
    assert_eq!(keys, vec!["extra", "team"]);
    let bad = kinesis
        .add_tags_to_stream()
        .stream_name("tagged")
        .tags("bad", "<script>")
        .send()
        .await
        .unwrap_err();
    assert!(bad.into_service_error().is_invalid_argument_exception());

    kinesis
        .increase_stream_retention_period()
        .stream_name("tagged")
        .retention_period_hours(48)
        .send()
        .await
        .unwrap();
    let too_short = kinesis
        .increase_stream_retention_period()
        .stream_name("tagged")
        .retention_period_hours(30)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        too_short.into_service_error().meta().message(),
        Some(
            "Requested retention period (30 hours) for stream tagged can not be shorter than existing retention \
             period (48 hours). Use DecreaseRetentionPeriod API."
        )
    );
    let below_minimum = kinesis
        .decrease_stream_retention_period()
        .stream_name("tagged")
        .retention_period_hours(12)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        below_minimum.into_service_error().meta().message(),
        Some(
            "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short."
        )
    );
    kinesis
        .decrease_stream_retention_period()
        .stream_name("tagged")
        .retention_period_hours(24)
        .send()
        .await
        .unwrap();

    kinesis
        .update_stream_mode()
        .stream_arn(arn)
        .stream_mode_details(
            StreamModeDetails::builder()
                .stream_mode(StreamMode::OnDemand)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let summary = kinesis
        .describe_stream_summary()
        .stream_name("tagged")
        .send()
        .await
        .unwrap();
    let summary = summary.stream_description_summary.unwrap();
    assert_eq!(
        summary.stream_mode_details.unwrap().stream_mode,
        StreamMode::OnDemand
    );
    assert_eq!(summary.retention_period_hours, 24);

    kinesis
        .create_stream()
        .stream_name("elastic")
        .stream_mode_details(
            StreamModeDetails::builder()
                .stream_mode(StreamMode::OnDemand)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let limits = kinesis.describe_limits().send().await.unwrap();
    assert_eq!(limits.shard_limit, 500);
    assert_eq!(limits.open_shard_count, 1 + 4);
    assert_eq!(limits.on_demand_stream_count, 2);
    assert_eq!(limits.on_demand_stream_count_limit, 50);
}
