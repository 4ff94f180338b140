//! `sluice bench put`: a write load generator over the wire protocol.
//!
//! `--concurrency` workers, each with its own pooled connection, send pre-built PutRecords bodies
//! (PutRecord with `--records-per-request 1`) back to back for `--warmup` plus `--duration` seconds.
//! Only requests that start after the warmup are measured; throughput is divided by the time from
//! the end of the warmup to the last measured answer. A record counts as written when its entry in
//! the answer has no error; failed records are reported, not retried.

use super::histogram::Histogram;
use super::payload::{PreparedBody, build_pool};
use super::report::{LatencySummary, emit, mib_per_second, per_second, round3};
use super::setup;
use crate::cli::client::{self, CallError, ClientArgs, KinesisClient};
use clap::Args;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// PutRecords carries at most 5 MiB of data and partition keys.
const MAX_REQUEST_DATA_BYTES: u64 = 5 * 1024 * 1024;
/// Partition keys of the generated records (`user-` and 12 hex digits).
const PARTITION_KEY_BYTES: u64 = 17;

#[derive(Debug, Clone, Args)]
pub struct PutBenchArgs {
    /// Stream to write to.
    #[arg(long, default_value = "bench")]
    pub stream: String,
    /// Create the stream first (with --shards) and wait until it is ACTIVE.
    #[arg(long)]
    pub create: bool,
    /// Shard count for --create.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: u32,
    /// Delete the stream at the end.
    #[arg(long)]
    pub delete: bool,
    /// Requests in flight at once (one worker and one connection each).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// Size of each record's data: a JSON event padded to exactly this many bytes.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=10 * 1024 * 1024))]
    pub record_bytes: u64,
    /// Records per PutRecords request; 1 uses PutRecord.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub records_per_request: u32,
    /// Seconds to measure.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds to send before measuring.
    #[arg(long, default_value_t = 0.0)]
    pub warmup: f64,
    /// Distinct pre-built request bodies to cycle through.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub body_pool: u32,
    /// Print the result as one JSON line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// The result, as printed with `--json`.
#[derive(Debug, Serialize)]
struct PutBenchReport {
    bench: &'static str,
    endpoint: String,
    stream: String,
    shards: u64,
    operation: &'static str,
    concurrency: u32,
    records_per_request: u32,
    record_bytes: u64,
    warmup_s: f64,
    duration_s: f64,
    requests: u64,
    failed_requests: u64,
    records: u64,
    failed_records: u64,
    requests_per_s: f64,
    records_per_s: f64,
    payload_mib_per_s: f64,
    latency: LatencySummary,
    first_error: Option<String>,
}

/// What one worker measured.
#[derive(Debug)]
struct WorkerResult {
    latency: Histogram,
    requests: u64,
    failed_requests: u64,
    records: u64,
    failed_records: u64,
    first_error: Option<String>,
    last_answer: Option<Instant>,
}

#[derive(Deserialize)]
struct FailedCount {
    #[serde(rename = "FailedRecordCount", default)]
    failed_record_count: Option<u64>,
}

fn check_args(args: &PutBenchArgs) -> anyhow::Result<()> {
    if !(args.duration > 0.0 && args.duration.is_finite()) {
        anyhow::bail!("--duration must be a positive number of seconds");
    }
    if !(args.warmup >= 0.0 && args.warmup.is_finite()) {
        anyhow::bail!("--warmup must be zero or a positive number of seconds");
    }
    let request_bytes = (args.record_bytes + PARTITION_KEY_BYTES) * u64::from(args.records_per_request);
    if args.records_per_request > 1 && request_bytes > MAX_REQUEST_DATA_BYTES {
        anyhow::bail!(
            "{} records of {} bytes exceed the 5 MiB PutRecords limit; lower --records-per-request or --record-bytes",
            args.records_per_request,
            args.record_bytes
        );
    }
    Ok(())
}

pub fn run(args: PutBenchArgs) -> anyhow::Result<()> {
    check_args(&args)?;
    let client = KinesisClient::new(&args.client, args.concurrency as usize)?;
    client::runtime(None)?.block_on(bench(client, args))
}

async fn bench(client: KinesisClient, args: PutBenchArgs) -> anyhow::Result<()> {
    let shards = if args.create {
        setup::create_and_wait(&client, &args.stream, args.shards).await?
    } else {
        setup::require_active(&client, &args.stream).await?
    };
    let operation = if args.records_per_request == 1 {
        "PutRecord"
    } else {
        "PutRecords"
    };
    let pool = Arc::new(build_pool(
        &args.stream,
        args.records_per_request as usize,
        args.record_bytes as usize,
        args.body_pool as usize,
    )?);
    eprintln!(
        "sluice bench put: {operation} of {} x {} B records to '{}' ({shards} shards) at {}, \
         concurrency {}, warmup {} s, measuring {} s",
        args.records_per_request,
        args.record_bytes,
        args.stream,
        client.endpoint(),
        args.concurrency,
        args.warmup,
        args.duration
    );
    let measure_from = Instant::now() + Duration::from_secs_f64(args.warmup);
    let stop_at = measure_from + Duration::from_secs_f64(args.duration);
    let mut workers = JoinSet::new();
    for worker_index in 0..args.concurrency as usize {
        workers.spawn(worker(
            client.clone(),
            pool.clone(),
            worker_index,
            operation,
            measure_from,
            stop_at,
        ));
    }
    let mut latency = Histogram::new();
    let mut totals = WorkerResult {
        latency: Histogram::new(),
        requests: 0,
        failed_requests: 0,
        records: 0,
        failed_records: 0,
        first_error: None,
        last_answer: None,
    };
    while let Some(done) = workers.join_next().await {
        let result = done?;
        latency.merge(&result.latency);
        totals.requests += result.requests;
        totals.failed_requests += result.failed_requests;
        totals.records += result.records;
        totals.failed_records += result.failed_records;
        totals.first_error = totals.first_error.or(result.first_error);
        totals.last_answer = totals.last_answer.max(result.last_answer);
    }
    let measured_seconds = totals.last_answer.map_or(0.0, |last| {
        last.saturating_duration_since(measure_from).as_secs_f64()
    });
    if args.delete {
        setup::delete_and_wait(&client, &args.stream).await?;
    }
    let report = PutBenchReport {
        bench: "put",
        endpoint: client.endpoint().to_owned(),
        stream: args.stream.clone(),
        shards,
        operation,
        concurrency: args.concurrency,
        records_per_request: args.records_per_request,
        record_bytes: args.record_bytes,
        warmup_s: args.warmup,
        duration_s: round3(measured_seconds),
        requests: totals.requests,
        failed_requests: totals.failed_requests,
        records: totals.records,
        failed_records: totals.failed_records,
        requests_per_s: per_second(totals.requests, measured_seconds),
        records_per_s: per_second(totals.records, measured_seconds),
        payload_mib_per_s: mib_per_second(totals.records * args.record_bytes, measured_seconds),
        latency: LatencySummary::from_histogram(&latency),
        first_error: totals.first_error.clone(),
    };
    let text = [
        ("measured", format!("{:.2} s", report.duration_s)),
        (
            "requests",
            format!(
                "{} ok, {} failed, {:.1} req/s",
                report.requests, report.failed_requests, report.requests_per_s
            ),
        ),
        (
            "records",
            format!(
                "{} written, {} failed, {:.0} records/s",
                report.records, report.failed_records, report.records_per_s
            ),
        ),
        ("payload", format!("{:.2} MiB/s", report.payload_mib_per_s)),
        ("latency ms", report.latency.line()),
        (
            "first error",
            report.first_error.clone().unwrap_or_else(|| "-".to_owned()),
        ),
    ];
    emit(&report, args.json, &text)
}

async fn worker(
    client: KinesisClient,
    pool: Arc<Vec<PreparedBody>>,
    worker_index: usize,
    operation: &'static str,
    measure_from: Instant,
    stop_at: Instant,
) -> WorkerResult {
    let mut result = WorkerResult {
        latency: Histogram::new(),
        requests: 0,
        failed_requests: 0,
        records: 0,
        failed_records: 0,
        first_error: None,
        last_answer: None,
    };
    let mut next_body = worker_index % pool.len().max(1);
    loop {
        let started = Instant::now();
        if started >= stop_at {
            return result;
        }
        let Some(body) = pool.get(next_body) else {
            return result;
        };
        next_body = (next_body + 1) % pool.len();
        let answer = client
            .call_raw(operation, body.bytes.clone(), &body.sha256_hex)
            .await;
        let finished = Instant::now();
        let measured = started >= measure_from;
        let failed_records = match &answer {
            Ok(bytes) if operation == "PutRecords" => match serde_json::from_slice::<FailedCount>(bytes) {
                Ok(count) => Ok(count.failed_record_count.unwrap_or(0).min(body.records)),
                Err(error) => Err(format!("unreadable PutRecords answer: {error}")),
            },
            Ok(_) => Ok(0),
            Err(error) => Err(error.to_string()),
        };
        if measured {
            result.last_answer = Some(finished);
            match &failed_records {
                Ok(failed) => {
                    result.latency.record(finished - started);
                    result.requests += 1;
                    result.records += body.records - failed;
                    result.failed_records += failed;
                }
                Err(_) => {
                    result.failed_requests += 1;
                    result.failed_records += body.records;
                }
            }
        }
        if let Err(message) = failed_records {
            if result.first_error.is_none() {
                result.first_error = Some(message);
            }
            // Do not spin against a server that is down.
            if matches!(answer, Err(CallError::Transport { .. })) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}
