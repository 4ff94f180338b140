//! Time-driven behaviour with the server's injected clock: iterators expire after five minutes,
//! records older than the retention period are no longer returned, and their whole segments are
//! deleted from disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::types::ShardIteratorType;
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::{create_stream, get_records, put, read_shard_data, shard_iterator};
use std::time::Duration;

#[tokio::test]
async fn iterators_expire_after_five_minutes() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "clock", 1).await;
    let iterator = shard_iterator(
        &kinesis,
        "clock",
        "shardId-000000000000",
        ShardIteratorType::TrimHorizon,
    )
    .await;
    server.advance_clock(Duration::from_secs(299)).await;
    let page = get_records(&kinesis, iterator.clone()).await;
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
    get_records(&kinesis, fresh).await;
}

#[tokio::test]
async fn records_past_retention_are_not_returned() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "aging", 1).await;
    put(&kinesis, "aging", "k", "old").await;
    server.advance_clock(Duration::from_secs(23 * 3600)).await;
    put(&kinesis, "aging", "k", "new").await;

    let read = || read_shard_data(&kinesis, "aging", "shardId-000000000000");
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
    create_stream(&kinesis, "future", 1).await;
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

#[tokio::test]
async fn expired_segments_are_deleted_from_disk() {
    let server = TestServer::start_with(
        env!("CARGO_BIN_EXE_sluice"),
        &["--segment-bytes", "4096", "--retention-sweep-ms", "50"],
    )
    .await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "swept", 1).await;
    for index in 0..40u8 {
        put(&kinesis, "swept", "k", &[index; 1000]).await;
    }
    let shard_dir = server.data_dir().join("streams/swept/shardId-000000000000");
    let segments = || {
        std::fs::read_dir(&shard_dir)
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|extension| extension == "log")
            })
            .count()
    };
    let before = segments();
    assert!(before >= 5, "small segments roll ({before} segments)");

    // A day and a bit later every record is past retention: every sealed segment goes, the active
    // one stays (it is where the next record will be written).
    server.advance_clock(Duration::from_secs(25 * 3600)).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while segments() > 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(segments(), 1, "expired sealed segments are deleted");
    put(&kinesis, "swept", "k", "fresh").await;
    let records = read_shard_data(&kinesis, "swept", "shardId-000000000000").await;
    assert_eq!(records, vec!["fresh"]);
}
