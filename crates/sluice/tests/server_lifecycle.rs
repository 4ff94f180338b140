//! The server process: health, graceful shutdown on SIGTERM (exit 0), restart with every stream,
//! shard, sequence number, tag and retention setting intact, emulated control-plane latency, the
//! `--demo` stream, and the relaxed `--fsync interval|never` policies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{ShardIteratorType, StreamStatus};
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::{create_stream, get_records, list_shards, put};
use std::time::Duration;

#[tokio::test]
async fn sigterm_stops_cleanly_and_restart_keeps_everything() {
    let mut server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let health = reqwest::get(format!("{}/health", server.endpoint()))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    let kinesis = server.kinesis();
    kinesis
        .create_stream()
        .stream_name("durable")
        .shard_count(3)
        .tags("team", "ingest")
        .send()
        .await
        .unwrap();
    kinesis
        .increase_stream_retention_period()
        .stream_name("durable")
        .retention_period_hours(72)
        .send()
        .await
        .unwrap();
    kinesis
        .split_shard()
        .stream_name("durable")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key("50000000000000000000000000000000000000")
        .send()
        .await
        .unwrap();
    let written = put(&kinesis, "durable", "k", "kept").await;
    let shards_before = list_shards(&kinesis, "durable").await;

    assert!(server.terminate(), "SIGTERM ends the server with exit status 0");
    server.restart().await;
    let kinesis = server.kinesis();

    let shards_after = list_shards(&kinesis, "durable").await;
    assert_eq!(
        shards_before, shards_after,
        "shards, ranges, lineage and sequence ranges survive a restart"
    );
    let summary = kinesis
        .describe_stream_summary()
        .stream_name("durable")
        .send()
        .await
        .unwrap();
    assert_eq!(
        summary.stream_description_summary.unwrap().retention_period_hours,
        72
    );
    let tags = kinesis
        .list_tags_for_stream()
        .stream_name("durable")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags[0].key, "team");

    let iterator = kinesis
        .get_shard_iterator()
        .stream_name("durable")
        .shard_id(&written.shard_id)
        .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
        .starting_sequence_number(&written.sequence_number)
        .send()
        .await
        .unwrap()
        .shard_iterator
        .unwrap();
    let page = get_records(&kinesis, iterator).await;
    assert_eq!(page.records[0].sequence_number, written.sequence_number);
    assert_eq!(page.records[0].data.as_ref(), b"kept");

    // New records continue the sequence after the restart.
    let next = put(&kinesis, "durable", "k", "next").await;
    assert_eq!(next.shard_id, written.shard_id);
    assert!(next.sequence_number > written.sequence_number);
}

#[tokio::test]
async fn emulated_latency_shows_creating_then_active() {
    let server =
        TestServer::start_with(env!("CARGO_BIN_EXE_sluice"), &["--emulate-latency-ms", "60000"]).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "slow", 1).await;
    let status = |kinesis: aws_sdk_kinesis::Client| async move {
        kinesis
            .describe_stream_summary()
            .stream_name("slow")
            .send()
            .await
            .unwrap()
            .stream_description_summary
            .unwrap()
            .stream_status
    };
    assert_eq!(status(kinesis.clone()).await, StreamStatus::Creating);
    // Writes to a stream that is not ACTIVE are refused as Kinesis does.
    let early = kinesis
        .put_record()
        .stream_name("slow")
        .partition_key("k")
        .data(Blob::new("x"))
        .send()
        .await
        .unwrap_err();
    assert!(early.into_service_error().is_resource_not_found_exception());
    server.advance_clock(Duration::from_secs(61)).await;
    assert_eq!(status(kinesis.clone()).await, StreamStatus::Active);

    kinesis
        .split_shard()
        .stream_name("slow")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key("1000000")
        .send()
        .await
        .unwrap();
    assert_eq!(status(kinesis.clone()).await, StreamStatus::Updating);
    // Reads and writes continue while UPDATING; another reshard must wait.
    put(&kinesis, "slow", "k", "x").await;
    let busy = kinesis
        .merge_shards()
        .stream_name("slow")
        .shard_to_merge("shardId-000000000001")
        .adjacent_shard_to_merge("shardId-000000000002")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(busy.is_resource_in_use_exception());
    assert_eq!(
        busy.meta().message(),
        Some("Stream slow under account 000000000000 not ACTIVE, instead in state UPDATING")
    );
    server.advance_clock(Duration::from_secs(61)).await;
    assert_eq!(status(kinesis.clone()).await, StreamStatus::Active);

    kinesis.delete_stream().stream_name("slow").send().await.unwrap();
    assert_eq!(status(kinesis.clone()).await, StreamStatus::Deleting);
}

#[tokio::test]
async fn demo_stream_receives_stock_ticks() {
    let server = TestServer::start_with(env!("CARGO_BIN_EXE_sluice"), &["--demo"]).await;
    let kinesis = server.kinesis();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut records = Vec::new();
    while records.is_empty() && std::time::Instant::now() < deadline {
        for shard in ["shardId-000000000000", "shardId-000000000001"] {
            records.extend(sluice_testkit::kinesis::read_shard_data(&kinesis, "demo", shard).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!records.is_empty(), "the demo producer writes records");
    let tick: serde_json::Value = serde_json::from_str(&records[0]).unwrap();
    assert!(tick["ticker_symbol"].is_string() && tick["sector"].is_string());
    assert!(tick["price"].is_number() && tick["change"].is_number());
}

#[tokio::test]
async fn relaxed_fsync_policies_still_serve_and_survive_a_clean_stop() {
    for policy in [
        &["--fsync", "interval", "--fsync-interval-ms", "10"][..],
        &["--fsync", "never"][..],
    ] {
        let mut server = TestServer::start_with(env!("CARGO_BIN_EXE_sluice"), policy).await;
        let kinesis = server.kinesis();
        sluice_testkit::kinesis::create_stream(&kinesis, "relaxed", 1).await;
        for index in 0..5 {
            sluice_testkit::kinesis::put(&kinesis, "relaxed", "k", &format!("r{index}")).await;
        }
        let read =
            sluice_testkit::kinesis::read_shard_data(&kinesis, "relaxed", "shardId-000000000000").await;
        assert_eq!(
            read,
            vec!["r0", "r1", "r2", "r3", "r4"],
            "{policy:?}: records are readable at once"
        );
        // A clean stop fsyncs whatever the policy, so nothing is lost across it.
        assert!(server.terminate(), "{policy:?}: SIGTERM exits 0");
        server.restart().await;
        let kinesis = server.kinesis();
        let read =
            sluice_testkit::kinesis::read_shard_data(&kinesis, "relaxed", "shardId-000000000000").await;
        assert_eq!(read.len(), 5, "{policy:?}: records survive a clean stop");
    }
}
