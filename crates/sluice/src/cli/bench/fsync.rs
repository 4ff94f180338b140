//! `sluice bench fsync`: measures the disk under `--dir` the way a log append sees it — append
//! `--bytes` to a file, then `sync_data` — `--count` times, and reports the latency of each
//! write-plus-sync. Compare its p99 with PutRecord's p99: an acknowledged write waits for one of these.
//!
//! The probe file is removed afterwards; the directory is created if missing and left in place.

use super::histogram::Histogram;
use super::report::{LatencySummary, emit, per_second, round3};
use anyhow::Context as _;
use clap::Args;
use serde::Serialize;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Args)]
pub struct FsyncBenchArgs {
    /// Directory on the disk to measure.
    #[arg(long)]
    pub dir: PathBuf,
    /// Number of write-and-sync rounds.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,
    /// Bytes appended before each sync.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=64 * 1024 * 1024))]
    pub bytes: u64,
    /// Print the result as one JSON line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct FsyncReport {
    bench: &'static str,
    dir: String,
    count: u64,
    bytes: u64,
    duration_s: f64,
    syncs_per_s: f64,
    latency: LatencySummary,
}

pub fn run(args: FsyncBenchArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.dir).with_context(|| format!("cannot create {}", args.dir.display()))?;
    let path = args
        .dir
        .join(format!("sluice-fsync-probe-{}.dat", std::process::id()));
    let measured = measure(&path, args.count, args.bytes as usize);
    let removed = std::fs::remove_file(&path);
    let (latency, seconds) = measured?;
    removed.with_context(|| format!("cannot remove {}", path.display()))?;
    let report = FsyncReport {
        bench: "fsync",
        dir: args.dir.display().to_string(),
        count: args.count,
        bytes: args.bytes,
        duration_s: round3(seconds),
        syncs_per_s: per_second(args.count, seconds),
        latency: LatencySummary::from_histogram(&latency),
    };
    let text = [
        ("dir", report.dir.clone()),
        (
            "rounds",
            format!(
                "{} x ({} B write + sync_data), {:.0} syncs/s",
                report.count, report.bytes, report.syncs_per_s
            ),
        ),
        ("latency ms", report.latency.line()),
    ];
    emit(&report, args.json, &text)
}

/// Runs the rounds; returns the latencies and the total time.
fn measure(path: &std::path::Path, count: u64, bytes: usize) -> anyhow::Result<(Histogram, f64)> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let block: Vec<u8> = (0..bytes).map(|index| (index % 251) as u8).collect();
    // One unmeasured round so that creating the file is not counted.
    file.write_all(&block)?;
    file.sync_data()?;
    let mut latency = Histogram::new();
    let started = Instant::now();
    for _ in 0..count {
        let round_started = Instant::now();
        file.write_all(&block)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.sync_data()
            .with_context(|| format!("cannot sync {}", path.display()))?;
        latency.record(round_started.elapsed());
    }
    Ok((latency, started.elapsed().as_secs_f64()))
}
