//! Time-driven behaviour with the server's injected clock: iterators expire after five minutes and
//! records older than the retention period are no longer returned.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::ShardIteratorType;
use sluice_testkit::TestServer;
use std::time::Duration;

#[tokio::test]
async fn iterators_expire_after_five_minutes() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    kinesis
        .create_stream()
        .stream_name("clock")
        .shard_count(1)
        .send()
        .await
        .unwrap();
    let iterator = kinesis
        .get_shard_iterator()
        .stream_name("clock")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .unwrap()
        .shard_iterator
        .unwrap();
    server.advance_clock(Duration::from_secs(299)).await;
    let page = kinesis
        .get_records()
        .shard_iterator(iterator.clone())
        .send()
        .await
        .unwrap();
    let fresh = page.next_shard_iterator.unwrap();
    server.advance_clock(Duration::from_secs(2)).await;
    let expired = kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(expired.is_expired_iterator_exception());
    let message = expired.meta().message().unwrap().to_owned();
    assert!(
        message.starts_with("Iterator expired. The iterator was created at time "),
        "{message}"
    );
    assert!(
        message.ends_with("which is further in the future than the tolerated delay of 300000 milliseconds.")
    );
    // The iterator handed out by the last GetRecords is still fresh.
    kinesis.get_records().shard_iterator(fresh).send().await.unwrap();
}

#[tokio::test]
async fn records_past_retention_are_not_returned() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    kinesis
        .create_stream()
        .stream_name("aging")
        .shard_count(1)
        .send()
        .await
        .unwrap();
    kinesis
        .put_record()
        .stream_name("aging")
        .partition_key("k")
        .data(Blob::new("old"))
        .send()
        .await
        .unwrap();
    server.advance_clock(Duration::from_secs(23 * 3600)).await;
    kinesis
        .put_record()
        .stream_name("aging")
        .partition_key("k")
        .data(Blob::new("new"))
        .send()
        .await
        .unwrap();

    let read = || async {
        let iterator = kinesis
            .get_shard_iterator()
            .stream_name("aging")
            .shard_id("shardId-000000000000")
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap()
            .shard_iterator
            .unwrap();
        let page = kinesis
            .get_records()
            .shard_iterator(iterator)
            .send()
            .await
            .unwrap();
        page.records
            .iter()
            .map(|record| String::from_utf8(record.data.as_ref().to_vec()).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(read().await, vec!["old", "new"]);
    // 24 h after the first record it has expired; the second has not.
    server.advance_clock(Duration::from_secs(3600 + 1)).await;
    assert_eq!(read().await, vec!["new"]);
    server.advance_clock(Duration::from_secs(24 * 3600)).await;
    assert!(read().await.is_empty());
}

#[tokio::test]
async fn at_timestamp_in_the_future_is_refused() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    kinesis
        .create_stream()
        .stream_name("future")
        .shard_count(1)
        .send()
        .await
        .unwrap();
    let future = aws_sdk_kinesis::primitives::DateTime::from_secs(4_000_000_000);
    let error = kinesis
        .get_shard_iterator()
        .stream_name("future")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(ShardIteratorType::AtTimestamp)
        .timestamp(future)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_argument_exception());
    assert!(error.meta().message().unwrap().starts_with(
        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: 4000000000000"
    ));
}
