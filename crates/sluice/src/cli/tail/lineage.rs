//! Which shards `sluice tail` reads, and when: the shard lineage bookkeeping, free of I/O.
//!
//! A child shard (from a split or merge) is read only after every parent that is being read has
//! ended, so each partition key's records come out in order across a reshard, as the KCL does it.
//! Shards come to its knowledge from ListShards (at start and on periodic re-listing) and from the
//! `ChildShards` of a GetRecords answer at a closed shard's end.
//!
//! Start positions: the first shards start where `--from` says. With `latest`, closed shards are
//! skipped and the open ones start at LATEST. Shards that begin later (children, or shards found by
//! re-listing) start at TRIM_HORIZON, or AT_TIMESTAMP when `--from` is a timestamp, which is the same
//! place unless the child holds records older than that time.

use crate::cli::client::model::{IteratorPosition, Shard};
use crate::cli::client::timestamp::EpochMillis;
use std::collections::{BTreeMap, BTreeSet};

/// `--from`, as the lineage needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StartFrom {
    TrimHorizon,
    Latest,
    Timestamp(EpochMillis),
}

#[derive(Debug, Clone, PartialEq)]
enum ShardState {
    /// Waits for these parents to end.
    Waiting {
        parents: Vec<String>,
    },
    Reading,
    /// Read to its end (closed shard) — children may start.
    Ended,
    /// No longer read: caught up with `--no-follow`, or skipped (closed shard with `--from latest`).
    Stopped,
}

/// A shard to start reading now.
#[derive(Debug, Clone, PartialEq)]
pub struct StartReading {
    pub shard_id: String,
    pub position: IteratorPosition,
    /// The last listing showed the shard closed, so reading it to its end will find its end.
    pub closed: bool,
}

/// The set of known shards and their states.
#[derive(Debug)]
pub struct Lineage {
    start_from: StartFrom,
    shards: BTreeMap<String, ShardState>,
    closed: BTreeSet<String>,
}

impl Lineage {
    pub fn new(start_from: StartFrom) -> Lineage {
        Lineage {
            start_from,
            shards: BTreeMap::new(),
            closed: BTreeSet::new(),
        }
    }

    fn later_position(&self) -> IteratorPosition {
        match self.start_from {
            StartFrom::Timestamp(millis) => IteratorPosition::AtTimestamp(millis),
            StartFrom::TrimHorizon | StartFrom::Latest => IteratorPosition::TrimHorizon,
        }
    }

    /// Takes in the first ListShards answer; returns the shards to start.
    pub fn observe_initial(&mut self, listed: &[Shard]) -> Vec<StartReading> {
        self.note_closed(listed);
        let listed_ids: Vec<&str> = listed.iter().map(|shard| shard.shard_id.as_str()).collect();
        let mut starts = Vec::new();
        for shard in listed {
            let state = match self.start_from {
                StartFrom::Latest if !shard.is_open() => ShardState::Stopped,
                StartFrom::Latest => ShardState::Reading,
                StartFrom::TrimHorizon | StartFrom::Timestamp(_) => {
                    let listed_parents: Vec<String> = shard
                        .parents()
                        .into_iter()
                        .filter(|parent| listed_ids.contains(&parent.as_str()))
                        .collect();
                    if listed_parents.is_empty() {
                        ShardState::Reading
                    } else {
                        ShardState::Waiting {
                            parents: listed_parents,
                        }
                    }
                }
            };
            if state == ShardState::Reading {
                let position = match self.start_from {
                    StartFrom::TrimHorizon => IteratorPosition::TrimHorizon,
                    StartFrom::Latest => IteratorPosition::Latest,
                    StartFrom::Timestamp(millis) => IteratorPosition::AtTimestamp(millis),
                };
                starts.push(StartReading {
                    shard_id: shard.shard_id.clone(),
                    position,
                    closed: !shard.is_open(),
                });
            }
            self.shards.insert(shard.shard_id.clone(), state);
        }
        starts
    }

    /// Takes in a later ListShards answer; returns the new shards that can start now.
    pub fn observe_relisting(&mut self, listed: &[Shard]) -> Vec<StartReading> {
        self.note_closed(listed);
        for shard in listed {
            self.learn(&shard.shard_id, shard.parents());
        }
        self.promote()
    }

    /// A shard was read to its end; `children` come from the answer's `ChildShards`.
    pub fn shard_ended(&mut self, shard_id: &str, children: &[(String, Vec<String>)]) -> Vec<StartReading> {
        self.shards.insert(shard_id.to_owned(), ShardState::Ended);
        for (child_id, parents) in children {
            self.learn(child_id, parents.clone());
        }
        self.promote()
    }

    /// A shard stopped without ending (caught up with `--no-follow`).
    pub fn shard_stopped(&mut self, shard_id: &str) {
        self.shards.insert(shard_id.to_owned(), ShardState::Stopped);
    }

    /// How many shards are being read.
    pub fn reading_count(&self) -> usize {
        self.shards
            .values()
            .filter(|state| **state == ShardState::Reading)
            .count()
    }

    fn note_closed(&mut self, listed: &[Shard]) {
        for shard in listed {
            if !shard.is_open() {
                self.closed.insert(shard.shard_id.clone());
            }
        }
    }

    fn learn(&mut self, shard_id: &str, parents: Vec<String>) {
        if !self.shards.contains_key(shard_id) {
            self.shards
                .insert(shard_id.to_owned(), ShardState::Waiting { parents });
        }
    }

    /// Starts every waiting shard none of whose known parents is still unread.
    fn promote(&mut self) -> Vec<StartReading> {
        let mut ready = Vec::new();
        for (shard_id, state) in &self.shards {
            if let ShardState::Waiting { parents } = state {
                let parents_done = parents.iter().all(|parent| match self.shards.get(parent) {
                    None | Some(ShardState::Ended | ShardState::Stopped) => true,
                    Some(ShardState::Waiting { .. } | ShardState::Reading) => false,
                });
                if parents_done {
                    ready.push(shard_id.clone());
                }
            }
        }
        let position = self.later_position();
        let mut starts = Vec::new();
        for shard_id in ready {
            self.shards.insert(shard_id.clone(), ShardState::Reading);
            let closed = self.closed.contains(&shard_id);
            starts.push(StartReading {
                shard_id,
                position: position.clone(),
                closed,
            });
        }
        starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::client::model::{HashKeyRange, SequenceNumberRange};

    fn shard(id: &str, parents: &[&str], open: bool) -> Shard {
        Shard {
            shard_id: id.to_owned(),
            parent_shard_id: parents.first().map(|p| (*p).to_owned()),
            adjacent_parent_shard_id: parents.get(1).map(|p| (*p).to_owned()),
            hash_key_range: HashKeyRange {
                starting_hash_key: "0".to_owned(),
                ending_hash_key: "1".to_owned(),
            },
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: "1".to_owned(),
                ending_sequence_number: if open { None } else { Some("2".to_owned()) },
            },
        }
    }

    fn ids(starts: &[StartReading]) -> Vec<&str> {
        starts.iter().map(|start| start.shard_id.as_str()).collect()
    }

    #[test]
    fn test_trim_horizon_starts_roots_and_children_after_parents_end() {
        let mut lineage = Lineage::new(StartFrom::TrimHorizon);
        let listed = [
            shard("s0", &[], false),
            shard("s1", &["s0"], true),
            shard("s2", &["s0"], true),
        ];
        let starts = lineage.observe_initial(&listed);
        assert_eq!(ids(&starts), vec!["s0"]);
        assert_eq!(starts[0].position, IteratorPosition::TrimHorizon);
        assert!(starts[0].closed);
        let children = [
            ("s1".to_owned(), vec!["s0".to_owned()]),
            ("s2".to_owned(), vec!["s0".to_owned()]),
        ];
        let starts = lineage.shard_ended("s0", &children);
        assert_eq!(ids(&starts), vec!["s1", "s2"]);
        assert!(!starts[0].closed);
        assert_eq!(lineage.reading_count(), 2);
    }

    #[test]
    fn test_merged_child_waits_for_both_parents() {
        let mut lineage = Lineage::new(StartFrom::TrimHorizon);
        lineage.observe_initial(&[shard("a", &[], true), shard("b", &[], true)]);
        let child = [("c".to_owned(), vec!["a".to_owned(), "b".to_owned()])];
        assert!(lineage.shard_ended("a", &child).is_empty());
        assert_eq!(ids(&lineage.shard_ended("b", &child)), vec!["c"]);
    }

    #[test]
    fn test_latest_skips_closed_shards_and_starts_open_ones_at_latest() {
        let mut lineage = Lineage::new(StartFrom::Latest);
        let starts = lineage.observe_initial(&[shard("s0", &[], false), shard("s1", &["s0"], true)]);
        assert_eq!(ids(&starts), vec!["s1"]);
        assert_eq!(starts[0].position, IteratorPosition::Latest);
        // A shard that appears later starts from its beginning.
        let relisted = [
            shard("s0", &[], false),
            shard("s1", &["s0"], false),
            shard("s3", &["s1"], true),
        ];
        assert!(lineage.observe_relisting(&relisted).is_empty());
        let starts = lineage.shard_ended("s1", &[]);
        assert_eq!(ids(&starts), vec!["s3"]);
        assert_eq!(starts[0].position, IteratorPosition::TrimHorizon);
    }

    #[test]
    fn test_timestamp_children_start_at_the_timestamp() {
        let mut lineage = Lineage::new(StartFrom::Timestamp(5_000));
        let starts = lineage.observe_initial(&[shard("s0", &[], true)]);
        assert_eq!(starts[0].position, IteratorPosition::AtTimestamp(5_000));
        let starts = lineage.shard_ended("s0", &[("s1".to_owned(), vec!["s0".to_owned()])]);
        assert_eq!(starts[0].position, IteratorPosition::AtTimestamp(5_000));
    }

    #[test]
    fn test_relisting_starts_orphans_and_ignores_known_shards() {
        let mut lineage = Lineage::new(StartFrom::TrimHorizon);
        lineage.observe_initial(&[shard("s0", &[], true)]);
        let starts = lineage.observe_relisting(&[shard("s0", &[], true), shard("x", &["trimmed"], true)]);
        assert_eq!(ids(&starts), vec!["x"]);
        lineage.shard_stopped("s0");
        assert_eq!(lineage.reading_count(), 1);
    }
}
