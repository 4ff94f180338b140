//! Resharding end to end: SplitShard, MergeShards and UpdateShardCount, and reading through a
//! closed parent to its end, then its children.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::types::{ScalingType, ShardIteratorType};
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::{create_stream, get_records, list_shards, put, read_shard, shard_iterator};

#[tokio::test]
async fn split_then_read_parent_to_end_then_children() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "resharded", 1).await;
    for index in 0..3 {
        put(
            &kinesis,
            "resharded",
            &format!("key-{index}"),
            format!("before-{index}"),
        )
        .await;
    }
    let parent_iterator = shard_iterator(
        &kinesis,
        "resharded",
        "shardId-000000000000",
        ShardIteratorType::TrimHorizon,
    )
    .await;

    let bad_key = kinesis
        .split_shard()
        .stream_name("resharded")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key("1")
        .send()
        .await
        .unwrap_err();
    assert!(bad_key.into_service_error().is_invalid_argument_exception());

    kinesis
        .split_shard()
        .stream_name("resharded")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key("170141183460469231731687303715884105728")
        .send()
        .await
        .unwrap();
    let shards = list_shards(&kinesis, "resharded").await;
    assert_eq!(shards.len(), 3);
    let parent = &shards[0];
    assert!(
        parent
            .sequence_number_range
            .as_ref()
            .unwrap()
            .ending_sequence_number
            .is_some()
    );
    assert_eq!(shards[1].parent_shard_id.as_deref(), Some("shardId-000000000000"));
    assert_eq!(
        shards[1].hash_key_range.as_ref().unwrap().ending_hash_key,
        "170141183460469231731687303715884105727"
    );
    assert_eq!(
        shards[2].hash_key_range.as_ref().unwrap().starting_hash_key,
        "170141183460469231731687303715884105728"
    );

    // New records go to the children only.
    let child = put(&kinesis, "resharded", "key-0", "after").await.shard_id;
    assert_ne!(child, "shardId-000000000000");

    // The parent is readable to its end, then answers with no next iterator and its children.
    let page = get_records(&kinesis, parent_iterator).await;
    assert_eq!(page.records.len(), 3);
    let (next, children) = match page.next_shard_iterator {
        Some(next) => {
            let end = get_records(&kinesis, next).await;
            assert!(end.records.is_empty());
            (end.next_shard_iterator, end.child_shards)
        }
        None => (None, page.child_shards),
    };
    assert!(next.is_none(), "a fully read closed shard has no next iterator");
    let children = children.expect("ChildShards at the end of a closed shard");
    let child_ids: Vec<_> = children.iter().map(|child| child.shard_id.clone()).collect();
    assert_eq!(child_ids, vec!["shardId-000000000001", "shardId-000000000002"]);
    assert_eq!(children[0].parent_shards, vec!["shardId-000000000000"]);

    let child_page = read_shard(&kinesis, "resharded", &child).await;
    assert_eq!(child_page.records.len(), 1);

    // Writes to a closed shard's range are impossible; reads of the closed shard stay possible.
    let again = read_shard(&kinesis, "resharded", "shardId-000000000000").await;
    assert_eq!(again.records.len(), 3);

    // Splitting a closed shard is refused.
    let closed = kinesis
        .split_shard()
        .stream_name("resharded")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key("100")
        .send()
        .await
        .unwrap_err();
    assert!(closed.into_service_error().is_resource_in_use_exception());
}

#[tokio::test]
async fn merge_and_update_shard_count() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "merged", 3).await;
    let not_adjacent = kinesis
        .merge_shards()
        .stream_name("merged")
        .shard_to_merge("shardId-000000000000")
        .adjacent_shard_to_merge("shardId-000000000002")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        not_adjacent.into_service_error().meta().message(),
        Some(
            "Shards shardId-000000000000 and shardId-000000000002 in stream merged under account 000000000000 are \
             not an adjacent pair of shards eligible for merging"
        )
    );
    kinesis
        .merge_shards()
        .stream_name("merged")
        .shard_to_merge("shardId-000000000000")
        .adjacent_shard_to_merge("shardId-000000000001")
        .send()
        .await
        .unwrap();
    let shards = list_shards(&kinesis, "merged").await;
    let merged = shards
        .iter()
        .find(|shard| shard.shard_id == "shardId-000000000003")
        .unwrap();
    assert_eq!(merged.parent_shard_id.as_deref(), Some("shardId-000000000000"));
    assert_eq!(
        merged.adjacent_parent_shard_id.as_deref(),
        Some("shardId-000000000001")
    );
    assert_eq!(merged.hash_key_range.as_ref().unwrap().starting_hash_key, "0");

    // 2 open shards → 4 (at most double).
    let scaled = kinesis
        .update_shard_count()
        .stream_name("merged")
        .target_shard_count(4)
        .scaling_type(ScalingType::UniformScaling)
        .send()
        .await
        .unwrap();
    assert_eq!(scaled.current_shard_count, Some(2));
    assert_eq!(scaled.target_shard_count, Some(4));
    let summary = kinesis
        .describe_stream_summary()
        .stream_name("merged")
        .send()
        .await
        .unwrap();
    assert_eq!(summary.stream_description_summary.unwrap().open_shard_count, 4);
    let too_many = kinesis
        .update_shard_count()
        .stream_name("merged")
        .target_shard_count(9)
        .scaling_type(ScalingType::UniformScaling)
        .send()
        .await
        .unwrap_err();
    assert!(too_many.into_service_error().is_invalid_argument_exception());

    // Every record still lands in exactly one open shard, and reads back.
    for index in 0..20 {
        put(&kinesis, "merged", &format!("k{index}"), "x").await;
    }
    let open = kinesis
        .list_shards()
        .stream_name("merged")
        .shard_filter(
            aws_sdk_kinesis::types::ShardFilter::builder()
                .r#type(aws_sdk_kinesis::types::ShardFilterType::AtLatest)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .shards
        .unwrap();
    assert_eq!(open.len(), 4);
    let mut total = 0;
    for shard in &open {
        let page = read_shard(&kinesis, "merged", &shard.shard_id).await;
        total += page.records.len();
    }
    assert_eq!(total, 20);
}
