//! `sluice bench get`: a read-back benchmark over the wire protocol.
//!
//! One task per shard of `--stream` (at most `--concurrency` at once) takes a TRIM_HORIZON iterator and
//! calls GetRecords (`--limit`, default 10000) until the shard is caught up (an empty answer with
//! `MillisBehindLatest` 0) or ends. Throughput is everything read divided by the wall time of the
//! whole run; latency is per GetRecords call that returned records (the empty answers that detect
//! the end are counted apart, as `empty_calls`). Throttling and 5xx answers are retried with backoff
//! and counted.

use super::histogram::Histogram;
use super::report::{LatencySummary, emit, mib_per_second, per_second, round3};
use crate::cli::client::backoff::Backoff;
use crate::cli::client::model::{IteratorPosition, base64_decoded_len};
use crate::cli::client::{self, CallError, ClientArgs, KinesisClient, sigv4};
use bytes::Bytes;
use clap::Args;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Args)]
pub struct GetBenchArgs {
    /// Stream to read back.
    #[arg(long, default_value = "bench")]
    pub stream: String,
    /// Shards read at once (one task each).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// Records per GetRecords call.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Print the result as one JSON line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Serialize)]
struct GetBenchReport {
    bench: &'static str,
    endpoint: String,
    stream: String,
    shards: usize,
    concurrency: u32,
    limit: u32,
    duration_s: f64,
    calls: u64,
    empty_calls: u64,
    retried_calls: u64,
    records: u64,
    bytes: u64,
    records_per_s: f64,
    payload_mib_per_s: f64,
    latency: LatencySummary,
}

/// Only what the benchmark needs from a GetRecords answer; the data stays borrowed and undecoded.
#[derive(Deserialize)]
struct LightRecord<'a> {
    #[serde(rename = "Data", borrow)]
    data: Cow<'a, str>,
}

#[derive(Deserialize)]
struct LightGetRecords<'a> {
    #[serde(rename = "Records", borrow, default)]
    records: Vec<LightRecord<'a>>,
    #[serde(rename = "NextShardIterator", default)]
    next_shard_iterator: Option<String>,
    #[serde(rename = "MillisBehindLatest", default)]
    millis_behind_latest: Option<u64>,
}

#[derive(Debug)]
struct ShardResult {
    latency: Histogram,
    calls: u64,
    empty_calls: u64,
    retried_calls: u64,
    records: u64,
    bytes: u64,
    failures_in_a_row: u32,
}

/// Consecutive retryable failures after which a shard read gives up.
const MAX_FAILURES_IN_A_ROW: u32 = 30;

pub fn run(args: GetBenchArgs) -> anyhow::Result<()> {
    let client = KinesisClient::new(&args.client, args.concurrency as usize)?;
    client::runtime(None)?.block_on(bench(client, args))
}

async fn bench(client: KinesisClient, args: GetBenchArgs) -> anyhow::Result<()> {
    let shards = client.list_all_shards(&args.stream).await?;
    eprintln!(
        "sluice bench get: reading {} shards of '{}' from TRIM_HORIZON at {}, concurrency {}",
        shards.len(),
        args.stream,
        client.endpoint(),
        args.concurrency
    );
    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(args.concurrency as usize));
    let mut tasks = JoinSet::new();
    for shard in &shards {
        let client = client.clone();
        let stream = args.stream.clone();
        let shard_id = shard.shard_id.clone();
        let permits = permits.clone();
        let limit = args.limit;
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            read_shard(&client, &stream, &shard_id, limit).await
        });
    }
    let mut latency = Histogram::new();
    let (mut calls, mut empty_calls, mut retried_calls) = (0u64, 0u64, 0u64);
    let (mut records, mut bytes) = (0u64, 0u64);
    while let Some(done) = tasks.join_next().await {
        let result = done??;
        latency.merge(&result.latency);
        calls += result.calls;
        empty_calls += result.empty_calls;
        retried_calls += result.retried_calls;
        records += result.records;
        bytes += result.bytes;
    }
    let seconds = started.elapsed().as_secs_f64();
    let report = GetBenchReport {
        bench: "get",
        endpoint: client.endpoint().to_owned(),
        stream: args.stream.clone(),
        shards: shards.len(),
        concurrency: args.concurrency,
        limit: args.limit,
        duration_s: round3(seconds),
        calls,
        empty_calls,
        retried_calls,
        records,
        bytes,
        records_per_s: per_second(records, seconds),
        payload_mib_per_s: mib_per_second(bytes, seconds),
        latency: LatencySummary::from_histogram(&latency),
    };
    let text = [
        ("elapsed", format!("{:.2} s", report.duration_s)),
        (
            "calls",
            format!(
                "{} GetRecords ({} empty), {} retried",
                report.calls, report.empty_calls, report.retried_calls
            ),
        ),
        (
            "records",
            format!("{} read, {:.0} records/s", report.records, report.records_per_s),
        ),
        (
            "payload",
            format!(
                "{:.2} MiB, {:.2} MiB/s",
                bytes as f64 / (1024.0 * 1024.0),
                report.payload_mib_per_s
            ),
        ),
        ("latency ms", report.latency.line()),
    ];
    emit(&report, args.json, &text)
}

async fn read_shard(
    client: &KinesisClient,
    stream: &str,
    shard_id: &str,
    limit: u32,
) -> anyhow::Result<ShardResult> {
    let mut result = ShardResult {
        latency: Histogram::new(),
        calls: 0,
        empty_calls: 0,
        retried_calls: 0,
        records: 0,
        bytes: 0,
        failures_in_a_row: 0,
    };
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
    let mut iterator = loop {
        match client
            .get_shard_iterator(stream, shard_id, &IteratorPosition::TrimHorizon)
            .await
        {
            Ok(iterator) => break iterator,
            Err(error) => retry_or_fail(error, &mut backoff, &mut result).await?,
        }
    };
    loop {
        let body = serde_json::to_vec(&serde_json::json!({"ShardIterator": iterator, "Limit": limit}))?;
        let hash = sigv4::sha256_hex(&body);
        let call_started = Instant::now();
        let answer = match client.call_raw("GetRecords", Bytes::from(body), &hash).await {
            Ok(answer) => answer,
            Err(error) => {
                retry_or_fail(error, &mut backoff, &mut result).await?;
                continue;
            }
        };
        let elapsed = call_started.elapsed();
        backoff.reset();
        result.failures_in_a_row = 0;
        let page: LightGetRecords<'_> = serde_json::from_slice(&answer)
            .map_err(|error| anyhow::anyhow!("{shard_id}: unreadable GetRecords answer: {error}"))?;
        result.calls += 1;
        if page.records.is_empty() {
            result.empty_calls += 1;
        } else {
            result.latency.record(elapsed);
        }
        result.records += page.records.len() as u64;
        result.bytes += page
            .records
            .iter()
            .map(|record| base64_decoded_len(&record.data) as u64)
            .sum::<u64>();
        let caught_up = page.records.is_empty() && page.millis_behind_latest.unwrap_or(0) == 0;
        match page.next_shard_iterator {
            Some(next) if !caught_up => iterator = next,
            _ => return Ok(result),
        }
    }
}

async fn retry_or_fail(
    error: CallError,
    backoff: &mut Backoff,
    result: &mut ShardResult,
) -> anyhow::Result<()> {
    if !error.is_retryable() || result.failures_in_a_row >= MAX_FAILURES_IN_A_ROW {
        return Err(error.into());
    }
    result.retried_calls += 1;
    result.failures_in_a_row += 1;
    backoff.wait().await;
    Ok(())
}
