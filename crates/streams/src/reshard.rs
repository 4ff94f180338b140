//! Resharding: SplitShard, MergeShards, UpdateShardCount, and UpdateStreamMode.
//!
//! Every change closes parent shards and opens children in one step under the stream's write lock,
//! so no append is in flight: a parent's end offset is exactly what was appended to it. The parents
//! are fsynced before the new description is persisted, so after a crash a closed shard always holds
//! every record up to its end and its readers reach the children.

use sluice_core::{HashKey, HashKeyRange, ShardId};

use crate::arn::StreamRef;
use crate::error::StreamError;
use crate::metadata::{ShardClosure, ShardMeta, StreamMeta, StreamMode};
use crate::model::{ShardCountUpdate, StreamStatus};
use crate::registry::Streams;
use crate::stream::{ShardRuntime, Stream, StreamState, shard_dir};
use std::sync::Arc;

/// UpdateShardCount calls allowed per stream in a rolling 24 hours.
pub const MAX_SCALINGS_PER_DAY: usize = 10;
const DAY_MS: i64 = 86_400_000;

/// An open shard's index and hash-key range.
type OpenShard = (u32, HashKeyRange);

/// Which open shards to close and which children to open to go from `open` (sorted by hash key)
/// to `target` open shards, with `target` between half and double the current count.
fn scaling_plan(open: &[OpenShard], target: usize) -> (Vec<u32>, Vec<NewShard>) {
    let width = |range: &HashKeyRange| range.end.0 - range.start.0;
    let mut closing = Vec::new();
    let mut children = Vec::new();
    if target > open.len() {
        let mut widest: Vec<&OpenShard> = open.iter().collect();
        widest.sort_by(|a, b| width(&b.1).cmp(&width(&a.1)).then(a.1.start.cmp(&b.1.start)));
        for (index, range) in widest.into_iter().take(target - open.len()) {
            let middle = range.start.0 + width(range) / 2;
            closing.push(*index);
            for half in [
                HashKeyRange {
                    start: range.start,
                    end: HashKey(middle),
                },
                HashKeyRange {
                    start: HashKey(middle + 1),
                    end: range.end,
                },
            ] {
                children.push(NewShard {
                    range: half,
                    parent: Some(*index),
                    adjacent_parent: None,
                });
            }
        }
    } else if target < open.len() {
        // Pair neighbours (0,1), (2,3), … and merge the narrowest pairs.
        let mut pairs: Vec<(&OpenShard, &OpenShard)> =
            open.chunks_exact(2).map(|pair| (&pair[0], &pair[1])).collect();
        pairs.sort_by(|a, b| {
            (width(&a.0.1) + width(&a.1.1))
                .cmp(&(width(&b.0.1) + width(&b.1.1)))
                .then(a.0.1.start.cmp(&b.0.1.start))
        });
        for (first, second) in pairs.into_iter().take(open.len() - target) {
            closing.extend([first.0, second.0]);
            children.push(NewShard {
                range: HashKeyRange {
                    start: first.1.start,
                    end: second.1.end,
                },
                parent: Some(first.0),
                adjacent_parent: Some(second.0),
            });
        }
    }
    (closing, children)
}

/// A shard to open: its range and lineage.
struct NewShard {
    range: HashKeyRange,
    parent: Option<u32>,
    adjacent_parent: Option<u32>,
}

impl Streams {
    fn require_active(&self, stream: &Stream, state: &StreamState) -> Result<(), StreamError> {
        let status = state.status(self.now_ms());
        if status != StreamStatus::Active {
            return Err(StreamError::StreamNotActive {
                stream: stream.name.clone(),
                account: self.account_id().to_owned(),
                status: status.as_str(),
            });
        }
        Ok(())
    }

    fn require_provisioned(&self, stream: &Stream, state: &StreamState) -> Result<(), StreamError> {
        if state.meta.mode == StreamMode::OnDemand {
            return Err(StreamError::Validation(format!(
                "Request is invalid. Stream {} under account {} is in On-Demand mode.",
                stream.name,
                self.account_id()
            )));
        }
        Ok(())
    }

    fn open_shard<'a>(
        &self,
        stream: &Stream,
        state: &'a StreamState,
        text: &str,
    ) -> Result<&'a ShardMeta, StreamError> {
        let shard = ShardId::parse(text)
            .and_then(|shard| state.meta.shard(shard.0))
            .ok_or_else(|| StreamError::ShardNotFound {
                shard: text.to_owned(),
                stream: stream.name.clone(),
                account: self.account_id().to_owned(),
            })?;
        if !shard.is_open() {
            return Err(StreamError::ResourceInUse(format!(
                "Shard {} in stream {} under account {} has already been merged or split, and thus is not eligible \
                 for merging or splitting.",
                shard.id(),
                stream.name,
                self.account_id()
            )));
        }
        Ok(shard)
    }

    /// Closes `closing` and opens `children`, persisting the new description.
    fn reshard(
        &self,
        stream: &Stream,
        state: &mut StreamState,
        closing: &[u32],
        children: Vec<NewShard>,
        update_meta: impl FnOnce(&mut StreamMeta),
    ) -> Result<(), StreamError> {
        let now = self.now_ms();
        let mut meta = state.meta.clone();
        for &index in closing {
            let runtime = state
                .shards
                .get(&index)
                .ok_or_else(|| StreamError::Internal(format!("shard {index} has no log")))?;
            runtime.log.sync_all()?;
            let end_offset = runtime.written_end.load(std::sync::atomic::Ordering::SeqCst);
            if let Some(shard) = meta.shards.iter_mut().find(|shard| shard.index == index) {
                shard.closed = Some(ShardClosure {
                    end_offset,
                    closed_ms: now,
                });
            }
        }
        let mut runtimes = Vec::new();
        for child in children {
            let index = meta.next_shard_index;
            meta.next_shard_index += 1;
            let mut shard = ShardMeta::new(index, child.range, now);
            shard.parent = child.parent;
            shard.adjacent_parent = child.adjacent_parent;
            let runtime = ShardRuntime::open(&shard_dir(&stream.dir, ShardId(index)), &self.config().log)?;
            runtimes.push((index, Arc::new(runtime)));
            meta.shards.push(shard);
        }
        meta.busy_until_ms = self.busy_until();
        meta.busy_is_creation = false;
        update_meta(&mut meta);
        meta.store(&stream.dir)?;
        state.set_meta(meta)?;
        state.shards.extend(runtimes);
        Ok(())
    }

    /// SplitShard.
    pub fn split_shard(
        &self,
        reference: &StreamRef,
        shard_to_split: &str,
        new_starting_hash_key: &str,
    ) -> Result<(), StreamError> {
        let _control = self.control_lock();
        let stream = self.stream(reference)?;
        let state = stream.write();
        self.require_active(&stream, &state)?;
        self.require_provisioned(&stream, &state)?;
        let shard = self.open_shard(&stream, &state, shard_to_split)?;
        let range = shard.range()?;
        let index = shard.index;
        let split_at = HashKey::parse_decimal(new_starting_hash_key);
        let valid = split_at.filter(|key| key.0 > range.start.0.saturating_add(1) && *key < range.end);
        let Some(split_at) = valid else {
            return Err(StreamError::InvalidArgument(format!(
                "NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard {} in stream {} under account \
                 {} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's \
                 EndingHashKey {}.",
                shard.id(),
                stream.name,
                self.account_id(),
                range.start,
                range.end
            )));
        };
        drop(state);
        self.check_shard_limit(1)?;
        let mut state = stream.write();
        let children = vec![
            NewShard {
                range: HashKeyRange {
                    start: range.start,
                    end: HashKey(split_at.0 - 1),
                },
                parent: Some(index),
                adjacent_parent: None,
            },
            NewShard {
                range: HashKeyRange {
                    start: split_at,
                    end: range.end,
                },
                parent: Some(index),
                adjacent_parent: None,
            },
        ];
        self.reshard(&stream, &mut state, &[index], children, |_| {})
    }

    /// MergeShards.
    pub fn merge_shards(
        &self,
        reference: &StreamRef,
        shard_to_merge: &str,
        adjacent_shard_to_merge: &str,
    ) -> Result<(), StreamError> {
        let _control = self.control_lock();
        let stream = self.stream(reference)?;
        let mut state = stream.write();
        self.require_active(&stream, &state)?;
        self.require_provisioned(&stream, &state)?;
        let first = self.open_shard(&stream, &state, shard_to_merge)?;
        let second = self.open_shard(&stream, &state, adjacent_shard_to_merge)?;
        let (first_range, second_range) = (first.range()?, second.range()?);
        let union = if first_range.is_followed_by(&second_range) {
            HashKeyRange {
                start: first_range.start,
                end: second_range.end,
            }
        } else if second_range.is_followed_by(&first_range) {
            HashKeyRange {
                start: second_range.start,
                end: first_range.end,
            }
        } else {
            return Err(StreamError::InvalidArgument(format!(
                "Shards {} and {} in stream {} under account {} are not an adjacent pair of shards eligible for merging",
                first.id(),
                second.id(),
                stream.name,
                self.account_id()
            )));
        };
        let (first_index, second_index) = (first.index, second.index);
        let child = NewShard {
            range: union,
            parent: Some(first_index),
            adjacent_parent: Some(second_index),
        };
        self.reshard(
            &stream,
            &mut state,
            &[first_index, second_index],
            vec![child],
            |_| {},
        )
    }

    /// UpdateShardCount with UNIFORM_SCALING, done as AWS does it: by splits and merges, so every new
    /// shard has one parent (a split) or two (a merge) and readers can follow the lineage exactly.
    /// Scaling up splits the widest open shards at their midpoint; scaling down merges the
    /// narrowest adjacent pairs. From an even layout, doubling or halving gives an even layout.
    pub fn update_shard_count(
        &self,
        reference: &StreamRef,
        target: u32,
    ) -> Result<ShardCountUpdate, StreamError> {
        let _control = self.control_lock();
        let stream = self.stream(reference)?;
        let state = stream.read();
        self.require_active(&stream, &state)?;
        self.require_provisioned(&stream, &state)?;
        let now = self.now_ms();
        let current = state.meta.open_shard_count() as u32;
        let recent: Vec<i64> = state
            .meta
            .scaling_history_ms
            .iter()
            .copied()
            .filter(|&time| time > now - DAY_MS)
            .collect();
        if recent.len() >= MAX_SCALINGS_PER_DAY {
            return Err(StreamError::LimitExceeded(format!(
                "Stream {} under account {} has already been scaled {MAX_SCALINGS_PER_DAY} times in the last 24 hours.",
                stream.name,
                self.account_id()
            )));
        }
        if target > current.saturating_mul(2) || u64::from(target) * 2 < u64::from(current) {
            return Err(StreamError::InvalidArgument(format!(
                "UpdateShardCount cannot scale stream {} under account {} from {current} to {target} shards: the target \
                 must be at least half and at most double the current open shard count.",
                stream.name,
                self.account_id()
            )));
        }
        drop(state);
        self.check_shard_limit(target.saturating_sub(current) as usize)?;
        let mut state = stream.write();
        let mut open: Vec<OpenShard> = Vec::new();
        for shard in state.meta.shards.iter().filter(|shard| shard.is_open()) {
            open.push((shard.index, shard.range()?));
        }
        open.sort_by_key(|(_, range)| range.start);
        let (closing, children) = scaling_plan(&open, target as usize);
        self.reshard(&stream, &mut state, &closing, children, |meta| {
            meta.scaling_history_ms = recent;
            meta.scaling_history_ms.push(now);
        })?;
        Ok(ShardCountUpdate {
            stream_name: stream.name.clone(),
            stream_arn: self.arn(&stream.name),
            current_shard_count: current,
            target_shard_count: target,
        })
    }

    /// UpdateStreamMode: switches between PROVISIONED and ON_DEMAND; shards are kept.
    pub fn update_stream_mode(&self, reference: &StreamRef, mode: StreamMode) -> Result<(), StreamError> {
        let _control = self.control_lock();
        let stream = self.stream(reference)?;
        let mut state = stream.write();
        self.require_active(&stream, &state)?;
        let mut meta = state.meta.clone();
        meta.mode = mode;
        meta.busy_until_ms = self.busy_until();
        meta.busy_is_creation = false;
        meta.store(&stream.dir)?;
        state.set_meta(meta)?;
        Ok(())
    }
}
