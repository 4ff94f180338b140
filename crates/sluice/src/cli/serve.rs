//! `sluice serve`: runs the server until SIGTERM or SIGINT.

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// How appends are made durable before they are acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FsyncPolicy {
    /// Group-committed fsync before every acknowledgement (default).
    Always,
    /// fsync in the background every `--fsync-interval-ms`; acknowledged data may be lost on power loss.
    Interval,
    /// Never fsync; the operating system decides. For throwaway test data only.
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SLUICE_LISTEN", default_value = "127.0.0.1:4567")]
    pub listen: SocketAddr,
    /// Directory holding streams and metadata.
    #[arg(long, env = "SLUICE_DATA_DIR", default_value = "./sluice-data")]
    pub data_dir: PathBuf,
    /// Region used in ARNs.
    #[arg(long, env = "SLUICE_REGION", default_value = "us-east-1")]
    pub region: String,
    /// Account id used in ARNs and messages.
    #[arg(long, env = "SLUICE_ACCOUNT_ID", default_value = "000000000000")]
    pub account_id: String,
    /// Durability policy for appends.
    #[arg(long, value_enum, default_value = "always")]
    pub fsync: FsyncPolicy,
    /// Background fsync interval with `--fsync interval`.
    #[arg(long, default_value_t = 200)]
    pub fsync_interval_ms: u64,
    /// Segment file size at which a shard log rolls to a new segment.
    #[arg(long, default_value_t = 128 * 1024 * 1024)]
    pub segment_bytes: u64,
    /// Emulate AWS control-plane latency: streams stay CREATING/UPDATING/DELETING this long.
    #[arg(long, default_value_t = 0)]
    pub emulate_latency_ms: u64,
    /// Maximum number of shards in the account (Kinesis default in large regions: 500).
    #[arg(long, default_value_t = 500)]
    pub shard_limit: u32,
    /// Initial shard count of ON_DEMAND streams.
    #[arg(long, default_value_t = 4)]
    pub on_demand_shard_count: u32,
    /// Enforce per-shard write limits (1 MiB/s and 1,000 records/s) like Kinesis.
    #[arg(long)]
    pub enforce_shard_limits: bool,
    /// Create a stream named `demo` and keep writing stock-ticker records to it
    /// (try `sluice tail demo`).
    #[arg(long)]
    pub demo: bool,
    /// How often whole expired segments are deleted (retention sweep), in milliseconds.
    #[arg(long, default_value_t = 10_000, hide = true)]
    pub retention_sweep_ms: u64,
    /// Test only: let `POST /_sluice/clock` move the server's clock forward.
    #[arg(long, hide = true)]
    pub test_clock: bool,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    crate::wiring::serve(args)
}
