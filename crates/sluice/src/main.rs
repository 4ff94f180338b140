//! The `sluice` binary: parses the command line and runs one subcommand.

mod cli;
mod demo;
mod wiring;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sluice",
    version,
    about = "Durable, Kinesis-compatible streaming ingest in one binary"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(cli::serve::ServeArgs),
    /// Inspect shard log files.
    Log(cli::log::LogArgs),
    /// Write records: one given as an argument, or NDJSON lines from stdin with `-`.
    Put(cli::put::PutArgs),
    /// Print a stream's records from all shards as they arrive.
    Tail(cli::tail::TailArgs),
    /// List streams, or describe one stream and its shards.
    Streams(cli::streams::StreamsArgs),
    /// Measure a Kinesis-compatible endpoint (put, get) or a disk (fsync).
    Bench(cli::bench::BenchArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => cli::serve::run(args),
        Command::Log(args) => cli::log::run(args),
        Command::Put(args) => cli::put::run(args),
        Command::Tail(args) => cli::tail::run(args),
        Command::Streams(args) => cli::streams::run(args),
        Command::Bench(args) => cli::bench::run(args),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sluice: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
