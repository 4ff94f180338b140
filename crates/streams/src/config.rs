//! Configuration of the stream registry.

use sluice_log::LogConfig;
use std::path::PathBuf;

/// How the registry stores streams and which Kinesis limits it applies.
#[derive(Debug, Clone)]
pub struct StreamsConfig {
    /// Streams live in `<data_dir>/streams/<name>/`.
    pub data_dir: PathBuf,
    pub region: String,
    pub account_id: String,
    pub log: LogConfig,
    /// How long streams stay CREATING, UPDATING or DELETING (0: transitions are immediate).
    pub control_plane_delay_ms: i64,
    /// Open shards allowed in the account.
    pub shard_limit: u32,
    /// Shards an ON_DEMAND stream starts with.
    pub on_demand_shard_count: u32,
    /// ON_DEMAND streams allowed in the account.
    pub on_demand_stream_limit: u32,
    /// Apply the per-shard write limits (1 MiB/s, 1,000 records/s).
    pub enforce_shard_limits: bool,
}

impl StreamsConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> StreamsConfig {
        StreamsConfig {
            data_dir: data_dir.into(),
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            log: LogConfig::default(),
            control_plane_delay_ms: 0,
            shard_limit: 500,
            on_demand_shard_count: 4,
            on_demand_stream_limit: 50,
            enforce_shard_limits: false,
        }
    }
}
