//! `sluice put`: writes one record given on the command line (PutRecord), or NDJSON from stdin
//! (`-`), one record per line, batched into PutRecords requests that are sent with bounded
//! concurrency and retried record by record. A summary goes to stderr; the exit status is non-zero
//! when any line was not written.
//!
//! With `--concurrency` above 1, batches are in flight together, so records of one partition key may
//! land out of input order; `--concurrency 1` keeps the order (retries aside, as with any
//! PutRecords client).

mod batcher;
mod keys;
mod sender;

use crate::cli::client::backoff::Backoff;
use crate::cli::client::model::PutRecordOutput;
use crate::cli::client::{self, ClientArgs, KinesisClient};
use anyhow::Context as _;
use base64::Engine as _;
use batcher::{PendingRecord, ReadSummary};
use clap::Args;
use keys::KeySource;
use sender::{BatchOutcome, RecordFailure};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// How many failed lines the summary lists one by one.
const LISTED_FAILURES: usize = 10;

#[derive(Debug, Clone, Args)]
pub struct PutArgs {
    /// Stream to write to.
    pub stream: String,
    /// The record's data, or `-` to read NDJSON from stdin (one record per line).
    pub data: String,
    /// Partition key for every record (default: a random key per record).
    #[arg(long, conflicts_with = "partition_key_field")]
    pub partition_key: Option<String>,
    /// Take each record's partition key from this field of its JSON (`a.b` for nested fields).
    #[arg(long)]
    pub partition_key_field: Option<String>,
    /// PutRecords requests in flight at once when reading stdin.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Attempts per record before it counts as failed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn run(args: PutArgs) -> anyhow::Result<()> {
    let keys = match (&args.partition_key, &args.partition_key_field) {
        (Some(key), _) => KeySource::Fixed(key.clone()),
        (None, Some(field)) => KeySource::Field(field.clone()),
        (None, None) => KeySource::Random,
    };
    keys.validate()
        .map_err(|reason| anyhow::anyhow!("--partition-key: {reason}"))?;
    let client = KinesisClient::new(&args.client, args.concurrency as usize)?;
    client::runtime(None)?.block_on(async {
        if args.data == "-" {
            put_from_stdin(&client, &args, keys).await
        } else {
            put_one(&client, &args, &keys).await
        }
    })
}

/// PutRecord of the command-line data; prints the shard and sequence number.
async fn put_one(client: &KinesisClient, args: &PutArgs, keys: &KeySource) -> anyhow::Result<()> {
    let partition_key = keys
        .key_for(args.data.as_bytes())
        .map_err(|reason| anyhow::anyhow!("cannot choose a partition key: {reason}"))?;
    let request = json!({
        "StreamName": args.stream,
        "Data": base64::engine::general_purpose::STANDARD.encode(args.data.as_bytes()),
        "PartitionKey": partition_key,
    });
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
    let mut attempt = 1;
    let output: PutRecordOutput = loop {
        match client.call_typed("PutRecord", &request).await {
            Ok(output) => break output,
            Err(error) if error.is_retryable() && attempt < args.max_attempts => {
                attempt += 1;
                backoff.wait().await;
            }
            Err(error) => return Err(error.into()),
        }
    };
    println!("{}\t{}", output.shard_id, output.sequence_number);
    Ok(())
}

/// Totals over all batches.
#[derive(Debug, Default)]
struct Totals {
    records_written: u64,
    bytes_written: u64,
    requests: u64,
    records_retried: u64,
    failures: Vec<RecordFailure>,
}

impl Totals {
    fn add(&mut self, outcome: BatchOutcome) {
        self.records_written += outcome.records_written;
        self.bytes_written += outcome.bytes_written;
        self.requests += outcome.requests;
        self.records_retried += outcome.records_retried;
        self.failures.extend(outcome.failures);
    }
}

async fn put_from_stdin(client: &KinesisClient, args: &PutArgs, keys: KeySource) -> anyhow::Result<()> {
    let started = Instant::now();
    let concurrency = args.concurrency as usize;
    let (batch_sender, mut batch_receiver) = mpsc::channel::<Vec<PendingRecord>>(concurrency);
    let reader = tokio::task::spawn_blocking(move || {
        let stdin = std::io::stdin();
        batcher::read_batches(stdin.lock(), &keys, &batch_sender)
    });
    let mut in_flight = JoinSet::new();
    let mut totals = Totals::default();
    while let Some(batch) = batch_receiver.recv().await {
        while in_flight.len() >= concurrency {
            if let Some(done) = in_flight.join_next().await {
                totals.add(done.context("a sending task failed")?);
            }
        }
        let client = client.clone();
        let stream = args.stream.clone();
        let max_attempts = args.max_attempts;
        in_flight.spawn(async move { sender::send_batch(&client, &stream, batch, max_attempts).await });
    }
    while let Some(done) = in_flight.join_next().await {
        totals.add(done.context("a sending task failed")?);
    }
    let read_summary = reader
        .await
        .context("the stdin reader failed")?
        .context("cannot read stdin")?;
    report(&totals, &read_summary, started.elapsed())
}

/// Prints the summary to stderr; fails when any line was not written.
fn report(totals: &Totals, read: &ReadSummary, elapsed: Duration) -> anyhow::Result<()> {
    let seconds = elapsed.as_secs_f64().max(1e-9);
    let mebibytes = totals.bytes_written as f64 / (1024.0 * 1024.0);
    let failed = totals.failures.len() + read.rejected.len();
    eprintln!(
        "sluice put: {} records ({mebibytes:.2} MiB) in {seconds:.2} s: {:.0} records/s, {:.2} MiB/s; \
         {} requests, {} records retried, {failed} failed",
        totals.records_written,
        totals.records_written as f64 / seconds,
        mebibytes / seconds,
        totals.requests,
        totals.records_retried,
    );
    let mut failures: Vec<(u64, &str)> = read
        .rejected
        .iter()
        .map(|rejected| (rejected.line, rejected.reason.as_str()))
        .chain(
            totals
                .failures
                .iter()
                .map(|failure| (failure.line, failure.reason.as_str())),
        )
        .collect();
    failures.sort_by_key(|(line, _)| *line);
    for (line, reason) in failures.iter().take(LISTED_FAILURES) {
        eprintln!("  line {line}: {reason}");
    }
    if failures.len() > LISTED_FAILURES {
        eprintln!("  … and {} more", failures.len() - LISTED_FAILURES);
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} lines were not written",
            read.records + read.rejected.len() as u64
        );
    }
    Ok(())
}
