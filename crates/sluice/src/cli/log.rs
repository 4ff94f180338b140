//! `sluice log verify|dump DIR`: the storage inspector.
//!
//! `verify` accepts a shard directory (`<data-dir>/streams/<stream>/shardId-…`), a stream
//! directory, or a whole data directory, and checks every shard log below it without modifying
//! anything. It exits non-zero when any problem is found. `dump` prints one shard's records.

use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum LogCommand {
    /// Check every segment and index of a shard directory (or of every shard below a directory).
    Verify { dir: PathBuf },
    /// Print the records of a shard directory.
    Dump {
        dir: PathBuf,
        /// First offset to print.
        #[arg(long, default_value_t = 0)]
        from: u64,
    },
}

pub fn run(args: LogArgs) -> anyhow::Result<()> {
    match args.command {
        LogCommand::Verify { dir } => verify(&dir),
        LogCommand::Dump { dir, from } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let printed = sluice_log::dump(&dir, from, &mut out)
                .with_context(|| format!("dumping {}", dir.display()))?;
            eprintln!("{printed} records");
            Ok(())
        }
    }
}

fn verify(dir: &Path) -> anyhow::Result<()> {
    let mut shard_dirs = Vec::new();
    collect_shard_dirs(dir, &mut shard_dirs).with_context(|| format!("scanning {}", dir.display()))?;
    anyhow::ensure!(
        !shard_dirs.is_empty(),
        "no shard logs found below {}",
        dir.display()
    );
    let mut unhealthy = 0;
    for shard_dir in &shard_dirs {
        let report =
            sluice_log::verify(shard_dir).with_context(|| format!("verifying {}", shard_dir.display()))?;
        println!("{report}");
        if !report.is_healthy() {
            unhealthy += 1;
        }
    }
    anyhow::ensure!(
        unhealthy == 0,
        "{unhealthy} of {} shard logs have problems",
        shard_dirs.len()
    );
    println!("{} shard logs verified, no problems", shard_dirs.len());
    Ok(())
}

/// Finds directories that hold `.log` segment files.
fn collect_shard_dirs(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut has_segments = false;
    let mut children = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            children.push(path);
        } else if path.extension().is_some_and(|extension| extension == "log") {
            has_segments = true;
        }
    }
    if has_segments {
        found.push(dir.to_path_buf());
    }
    children.sort();
    for child in children {
        collect_shard_dirs(&child, found)?;
    }
    Ok(())
}
