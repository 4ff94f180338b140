//! One stream at run time: its description, its open shard logs, and its status.
//!
//! The description lives behind a `RwLock`. Data operations (put, read) take the read lock, so they
//! run concurrently; control operations (resharding, retention, tags) take the write lock, which
//! also guarantees that no append is in flight when a shard is closed.

use sluice_core::{HashKey, HashKeyRange, SequenceNumber, ShardId};
use sluice_log::{LogConfig, ShardLog};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::StreamError;
use crate::limits::WriteWindow;
use crate::metadata::{ShardMeta, StreamMeta};
use crate::model::{ShardDescription, StreamStatus};

/// A shard's log and its write-side bookkeeping.
#[derive(Debug)]
pub struct ShardRuntime {
    pub log: Arc<ShardLog>,
    /// One past the last offset appended (visible or not): a shard closed now ends here.
    pub written_end: AtomicU64,
    pub write_window: Mutex<WriteWindow>,
}

impl ShardRuntime {
    pub fn open(dir: &Path, config: &LogConfig) -> Result<ShardRuntime, StreamError> {
        let log = ShardLog::open(dir, config.clone())?;
        let written_end = AtomicU64::new(log.next_offset());
        Ok(ShardRuntime {
            log: Arc::new(log),
            written_end,
            write_window: Mutex::new(WriteWindow::default()),
        })
    }

    pub fn note_appended(&self, end_offset: u64) {
        self.written_end.fetch_max(end_offset, Ordering::SeqCst);
    }
}

/// The mutable part of a stream.
#[derive(Debug)]
pub struct StreamState {
    /// The description; replace it only through [`StreamState::set_meta`], which keeps the routing
    /// table in step.
    pub meta: StreamMeta,
    /// Open shards' hash-key ranges, sorted by starting hash key, parsed once per description.
    routes: Vec<(HashKeyRange, ShardId)>,
    pub shards: BTreeMap<u32, Arc<ShardRuntime>>,
    /// Set by DeleteStream; the entry lingers as DELETING until the emulated delay has passed.
    pub deleted_at_ms: Option<i64>,
}

/// A stream: its directory and its state.
#[derive(Debug)]
pub struct Stream {
    pub name: String,
    pub dir: PathBuf,
    state: RwLock<StreamState>,
}

/// The open shards' ranges of a description, sorted by starting hash key.
fn routing_table(meta: &StreamMeta) -> Result<Vec<(HashKeyRange, ShardId)>, StreamError> {
    let mut routes = Vec::with_capacity(meta.shards.len());
    for shard in meta.shards.iter().filter(|shard| shard.is_open()) {
        routes.push((shard.range()?, shard.id()));
    }
    routes.sort_by_key(|(range, _)| range.start);
    Ok(routes)
}

/// Directory of one shard's log inside its stream's directory.
pub fn shard_dir(stream_dir: &Path, shard: ShardId) -> PathBuf {
    stream_dir.join(shard.to_string())
}

impl Stream {
    /// Opens every shard log of a stream described by `meta`.
    pub fn open(dir: PathBuf, meta: StreamMeta, log_config: &LogConfig) -> Result<Stream, StreamError> {
        let mut meta = meta;
        let mut shards = BTreeMap::new();
        for shard in &mut meta.shards {
            let runtime = ShardRuntime::open(&shard_dir(&dir, shard.id()), log_config)?;
            // A closed shard's records were fsynced before it was closed; should the log still be
            // shorter (fsync disabled and a crash), end the shard where its log ends so readers
            // reach the children instead of waiting for records that will never come.
            if let Some(closure) = shard.closed.as_mut() {
                closure.end_offset = closure.end_offset.min(runtime.log.next_offset());
            }
            shards.insert(shard.index, Arc::new(runtime));
        }
        Ok(Stream {
            name: meta.name.clone(),
            dir,
            state: RwLock::new(StreamState {
                routes: routing_table(&meta)?,
                meta,
                shards,
                deleted_at_ms: None,
            }),
        })
    }

    pub fn read(&self) -> RwLockReadGuard<'_, StreamState> {
        match self.state.read() {
            Ok(guard) => guard,
            // A panic while holding the lock cannot leave the description half-written: every
            // mutation builds the new description first and swaps it in.
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, StreamState> {
        match self.state.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl StreamState {
    /// The status at `now_ms`, derived from the emulated control-plane deadlines.
    pub fn status(&self, now_ms: i64) -> StreamStatus {
        if self.deleted_at_ms.is_some() {
            return StreamStatus::Deleting;
        }
        if now_ms < self.meta.busy_until_ms {
            return if self.meta.busy_is_creation {
                StreamStatus::Creating
            } else {
                StreamStatus::Updating
            };
        }
        StreamStatus::Active
    }

    pub fn runtime(&self, shard: ShardId) -> Option<&Arc<ShardRuntime>> {
        self.shards.get(&shard.0)
    }

    /// Replaces the description and rebuilds the routing table from it.
    pub fn set_meta(&mut self, meta: StreamMeta) -> Result<(), StreamError> {
        self.routes = routing_table(&meta)?;
        self.meta = meta;
        Ok(())
    }

    /// The open shard whose hash-key range contains `key` (binary search over the open ranges).
    pub fn route(&self, key: HashKey) -> Result<ShardId, StreamError> {
        let after = self.routes.partition_point(|(range, _)| range.start <= key);
        match after.checked_sub(1).and_then(|index| self.routes.get(index)) {
            Some((range, shard)) if range.contains(key) => Ok(*shard),
            _ => Err(StreamError::Internal(format!(
                "no open shard of stream {} covers hash key {key}",
                self.meta.name
            ))),
        }
    }

    pub fn sequence_number(&self, shard: ShardId, offset: u64) -> SequenceNumber {
        SequenceNumber::new(self.meta.incarnation, shard, offset)
    }

    /// A shard as DescribeStream and ListShards show it.
    pub fn describe_shard(&self, shard: &ShardMeta) -> Result<ShardDescription, StreamError> {
        let ending_sequence_number = shard.closed.map(|closure| {
            // A closed shard's last record is at end_offset - 1; an empty one ends where it starts.
            self.sequence_number(shard.id(), closure.end_offset.saturating_sub(1))
        });
        Ok(ShardDescription {
            shard_id: shard.id(),
            parent_shard_id: shard.parent.map(ShardId),
            adjacent_parent_shard_id: shard.adjacent_parent.map(ShardId),
            hash_key_range: shard.range()?,
            starting_sequence_number: self.sequence_number(shard.id(), 0),
            ending_sequence_number,
        })
    }

    /// Whether a closed shard's records have all aged out, so it is no longer listed.
    pub fn is_expired(&self, shard: &ShardMeta, now_ms: i64) -> bool {
        match shard.closed {
            Some(closure) => closure.closed_ms < now_ms - i64::from(self.meta.retention_hours) * 3_600_000,
            None => false,
        }
    }
}
