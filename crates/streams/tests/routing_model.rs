//! Property test of routing through resharding: after any sequence of SplitShard, MergeShards and
//! UpdateShardCount, the open shards partition the whole hash-key space, every record lands in the
//! open shard whose range holds its hash key, and every closed shard's children cover its range.
//! The registry is reopened part-way, so the persisted description is checked too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sluice_core::{HashKey, HashKeyRange, SystemClock};
use sluice_log::{LogConfig, PersistPolicy};
use sluice_streams::{
    CreateStreamRequest, ListShardsRequest, PutRecordEntry, ShardDescription, StreamMode, StreamRef, Streams,
    StreamsConfig,
};
use std::sync::Arc;

#[derive(Debug, Clone)]
enum Step {
    /// Split the n-th open shard at a fraction (per mille) of its range.
    Split {
        shard: usize,
        at_per_mille: u16,
    },
    /// Merge the n-th open shard with the open shard right after it in hash order.
    Merge {
        shard: usize,
    },
    /// UpdateShardCount to a multiple (per cent) of the open shard count, within AWS's bounds.
    Scale {
        percent: u16,
    },
    Reopen,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..16, 1u16..999).prop_map(|(shard, at_per_mille)| Step::Split { shard, at_per_mille }),
        3 => (0usize..16).prop_map(|shard| Step::Merge { shard }),
        1 => (50u16..=200).prop_map(|percent| Step::Scale { percent }),
        1 => Just(Step::Reopen),
    ]
}

fn open_registry(dir: &std::path::Path) -> Streams {
    let mut config = StreamsConfig::new(dir);
    config.log = LogConfig {
        persist: PersistPolicy::Never,
        segment_bytes: 4096,
        ..LogConfig::default()
    };
    Streams::open(config, Arc::new(SystemClock)).unwrap()
}

fn shards(streams: &Streams) -> Vec<ShardDescription> {
    let request = ListShardsRequest {
        stream: StreamRef::by_name("routed"),
        ..ListShardsRequest::default()
    };
    streams.list_shards(&request).unwrap().0
}

fn open_ranges(all: &[ShardDescription]) -> Vec<ShardDescription> {
    let mut open: Vec<_> = all
        .iter()
        .filter(|shard| shard.ending_sequence_number.is_none())
        .cloned()
        .collect();
    open.sort_by_key(|shard| shard.hash_key_range.start);
    open
}

fn check_invariants(streams: &Streams, probe_keys: &[u128]) {
    let all = shards(streams);
    let open = open_ranges(&all);
    assert_eq!(open[0].hash_key_range.start, HashKey(0));
    assert_eq!(open[open.len() - 1].hash_key_range.end, HashKey::MAX);
    for pair in open.windows(2) {
        assert!(
            pair[0].hash_key_range.is_followed_by(&pair[1].hash_key_range),
            "open shards are contiguous"
        );
    }
    for key in probe_keys {
        let entry = PutRecordEntry {
            data: b"x",
            partition_key: "k",
            explicit_hash_key: Some(HashKey(*key)),
        };
        let (shard, _) = streams
            .put_record(&StreamRef::by_name("routed"), entry, None)
            .unwrap();
        let owner = open
            .iter()
            .find(|candidate| candidate.hash_key_range.contains(HashKey(*key)))
            .unwrap();
        assert_eq!(
            shard, owner.shard_id,
            "hash key {key} routes to the open shard owning it"
        );
    }
    // Every closed shard's range is covered by the union of its children.
    for parent in all.iter().filter(|shard| shard.ending_sequence_number.is_some()) {
        let mut children: Vec<HashKeyRange> = all
            .iter()
            .filter(|child| {
                child.parent_shard_id == Some(parent.shard_id)
                    || child.adjacent_parent_shard_id == Some(parent.shard_id)
            })
            .map(|child| child.hash_key_range)
            .collect();
        children.sort_by_key(|range| range.start);
        assert!(
            !children.is_empty(),
            "closed shard {} has children",
            parent.shard_id
        );
        let range = parent.hash_key_range;
        assert!(children[0].start <= range.start && children[children.len() - 1].end >= range.end);
        for pair in children.windows(2) {
            assert!(
                pair[0]
                    .end
                    .0
                    .checked_add(1)
                    .is_some_and(|next| next >= pair[1].start.0),
                "children overlap"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn resharding_keeps_the_hash_key_space_partitioned(
        initial in 1u32..6,
        steps in proptest::collection::vec(step(), 1..12),
        probe_keys in proptest::collection::vec(proptest::num::u128::ANY, 8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut streams = open_registry(dir.path());
        streams.create_stream(CreateStreamRequest {
            name: "routed".into(),
            shard_count: Some(initial),
            mode: StreamMode::Provisioned,
            tags: Default::default(),
        }).unwrap();
        let reference = StreamRef::by_name("routed");
        for step in steps {
            let open = open_ranges(&shards(&streams));
            match step {
                Step::Split { shard, at_per_mille } => {
                    let target = &open[shard % open.len()];
                    let range = target.hash_key_range;
                    let width = range.end.0 - range.start.0;
                    let at = range.start.0 + width / 1000 * u128::from(at_per_mille);
                    if at > range.start.0.saturating_add(1) && at < range.end.0 {
                        streams.split_shard(&reference, &target.shard_id.to_string(), &at.to_string()).unwrap();
                    } else {
                        prop_assert!(streams.split_shard(&reference, &target.shard_id.to_string(), &at.to_string()).is_err());
                    }
                }
                Step::Merge { shard } => {
                    if open.len() >= 2 {
                        let index = shard % (open.len() - 1);
                        streams.merge_shards(&reference, &open[index].shard_id.to_string(), &open[index + 1].shard_id.to_string()).unwrap();
                    }
                }
                Step::Scale { percent } => {
                    let current = open.len() as u32;
                    let target = (current * u32::from(percent) / 100).clamp(current.div_ceil(2), current * 2).max(1);
                    // At most 10 scalings a day: past that the call must be refused, never half-done.
                    if streams.update_shard_count(&reference, target).is_err() {
                        prop_assert_eq!(open_ranges(&shards(&streams)).len(), open.len());
                    }
                }
                Step::Reopen => {
                    drop(streams);
                    streams = open_registry(dir.path());
                }
            }
            check_invariants(&streams, &probe_keys);
        }
    }
}
