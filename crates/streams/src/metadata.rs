//! `stream.json`: the persisted description of one stream.
//!
//! Written with `sluice_log::fs::write_atomic` (temp file, fsync, rename, fsync directory) whenever
//! the description changes: creation, resharding, retention, tags, mode. Hash keys are stored as
//! decimal strings because they exceed JSON's safe integer range. The shard logs themselves live in
//! sibling directories named by shard id.

use serde::{Deserialize, Serialize};
use sluice_core::{HashKey, HashKeyRange, ShardId};
use std::collections::BTreeMap;
use std::path::Path;

use crate::error::StreamError;

/// File name of a stream's description inside its directory.
pub const STREAM_FILE: &str = "stream.json";
/// Current version of the description format.
pub const FORMAT_VERSION: u32 = 1;

/// Capacity mode of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

impl StreamMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }
}

/// The persisted description of a stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamMeta {
    pub version: u32,
    pub name: String,
    /// Chosen at creation; encoded into every sequence number and iterator of this stream.
    pub incarnation: u32,
    pub created_ms: i64,
    /// Until this time the stream reports CREATING or UPDATING (emulated control-plane latency).
    pub busy_until_ms: i64,
    /// Whether the busy period is a creation (CREATING) or an update (UPDATING).
    pub busy_is_creation: bool,
    pub mode: StreamMode,
    pub retention_hours: u32,
    pub next_shard_index: u32,
    pub shards: Vec<ShardMeta>,
    pub tags: BTreeMap<String, String>,
    /// Times (ms) of the most recent UpdateShardCount calls, for the 10-per-24h rule.
    #[serde(default)]
    pub scaling_history_ms: Vec<i64>,
}

/// The persisted description of one shard.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardMeta {
    pub index: u32,
    pub parent: Option<u32>,
    pub adjacent_parent: Option<u32>,
    pub starting_hash_key: String,
    pub ending_hash_key: String,
    pub created_ms: i64,
    /// Set when the shard was closed by resharding.
    pub closed: Option<ShardClosure>,
}

/// How a closed shard ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardClosure {
    /// The offset one past the shard's last record (no record at or after it will ever exist).
    pub end_offset: u64,
    pub closed_ms: i64,
}

impl ShardMeta {
    pub fn new(index: u32, range: HashKeyRange, created_ms: i64) -> ShardMeta {
        ShardMeta {
            index,
            parent: None,
            adjacent_parent: None,
            starting_hash_key: range.start.to_string(),
            ending_hash_key: range.end.to_string(),
            created_ms,
            closed: None,
        }
    }

    pub fn id(&self) -> ShardId {
        ShardId(self.index)
    }

    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// The shard's hash-key range; a corrupt description yields a metadata error.
    pub fn range(&self) -> Result<HashKeyRange, StreamError> {
        let parse = |text: &str| {
            HashKey::parse_decimal(text).ok_or_else(|| {
                StreamError::Metadata(format!("invalid hash key {text:?} in shard {}", self.index))
            })
        };
        Ok(HashKeyRange {
            start: parse(&self.starting_hash_key)?,
            end: parse(&self.ending_hash_key)?,
        })
    }
}

impl StreamMeta {
    pub fn load(dir: &Path) -> Result<StreamMeta, StreamError> {
        let path = dir.join(STREAM_FILE);
        let bytes = std::fs::read(&path)
            .map_err(|error| StreamError::Metadata(format!("cannot read {}: {error}", path.display())))?;
        let meta: StreamMeta = serde_json::from_slice(&bytes)
            .map_err(|error| StreamError::Metadata(format!("cannot parse {}: {error}", path.display())))?;
        if meta.version != FORMAT_VERSION {
            return Err(StreamError::Metadata(format!(
                "{} has format version {}, this build reads version {FORMAT_VERSION}",
                path.display(),
                meta.version
            )));
        }
        Ok(meta)
    }

    pub fn store(&self, dir: &Path) -> Result<(), StreamError> {
        let bytes = serde_json::to_vec_pretty(self)
            .map_err(|error| StreamError::Metadata(format!("cannot encode stream description: {error}")))?;
        sluice_log::fs::write_atomic(&dir.join(STREAM_FILE), &bytes)?;
        Ok(())
    }

    pub fn shard(&self, index: u32) -> Option<&ShardMeta> {
        self.shards.iter().find(|shard| shard.index == index)
    }

    pub fn open_shard_count(&self) -> usize {
        self.shards.iter().filter(|shard| shard.is_open()).count()
    }
}
