//! `sluice bench`: load generators that speak only the wire protocol (`put`, `get`), so they measure
//! Sluice and any other Kinesis-compatible server alike, plus a disk probe (`fsync`) to read their
//! latencies against. Results print as text, or as one JSON line with `--json`; BENCHMARKS.md records
//! them with their commands.

mod fsync;
mod get;
mod histogram;
mod payload;
mod put;
mod report;
mod setup;

use clap::{Args, Subcommand};

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum BenchCommand {
    /// Write load: PutRecords (or PutRecord) from concurrent workers for a fixed time.
    Put(put::PutBenchArgs),
    /// Read-back: every shard from TRIM_HORIZON with GetRecords until caught up.
    Get(get::GetBenchArgs),
    /// Disk probe: latency of write + fsync (sync_data) on a directory.
    Fsync(fsync::FsyncBenchArgs),
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.command {
        BenchCommand::Put(put_args) => put::run(put_args),
        BenchCommand::Get(get_args) => get::run(get_args),
        BenchCommand::Fsync(fsync_args) => fsync::run(fsync_args),
    }
}
