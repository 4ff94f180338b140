//! `sluice tail`: prints a stream's records from all shards at once, as they arrive.
//!
//! One reader task per shard ([`shard_reader`]) renders records and sends them to a single printer
//! thread, so the lines of one GetRecords answer stay together. The coordinator here starts readers
//! as [`lineage`] allows — children after their parents end — and re-lists shards periodically to
//! notice resharding that no reader reported. Order holds within a shard (and across a reshard, per
//! partition key), not across shards.

mod lineage;
mod output;
mod shard_reader;

use crate::cli::client::timestamp::parse_timestamp;
use crate::cli::client::{self, ClientArgs, KinesisClient};
use anyhow::Context as _;
use clap::Args;
use lineage::{Lineage, StartFrom, StartReading};
use output::OutputFormat;
use shard_reader::{ReaderSettings, ShardEvent};
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Args)]
pub struct TailArgs {
    /// Stream to read.
    pub stream: String,
    /// Where to start: `trim-horizon`, `latest`, or a time (RFC 3339 like 2024-05-01T12:00:00Z, or
    /// epoch seconds). Default: `latest`, or `trim-horizon` with --no-follow.
    #[arg(long, value_name = "POSITION")]
    pub from: Option<String>,
    /// Print one JSON object per record: shardId, sequenceNumber, partitionKey,
    /// approximateArrivalTimestamp, data (UTF-8 text, or base64 per dataEncoding).
    #[arg(long)]
    pub json: bool,
    /// Stop once every shard is caught up instead of waiting for new records.
    #[arg(long)]
    pub no_follow: bool,
    /// Records per GetRecords call.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Seconds between shard re-listings that catch resharding.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub relist_seconds: u64,
    #[command(flatten)]
    pub client: ClientArgs,
}

fn parse_start(text: Option<&str>, follow: bool) -> anyhow::Result<StartFrom> {
    let Some(text) = text else {
        return Ok(if follow {
            StartFrom::Latest
        } else {
            StartFrom::TrimHorizon
        });
    };
    match text.to_ascii_lowercase().replace('_', "-").as_str() {
        "trim-horizon" => Ok(StartFrom::TrimHorizon),
        "latest" => Ok(StartFrom::Latest),
        _ => parse_timestamp(text)
            .map(StartFrom::Timestamp)
            .map_err(|reason| anyhow::anyhow!("--from: expected trim-horizon, latest or a time: {reason}")),
    }
}

pub fn run(args: TailArgs) -> anyhow::Result<()> {
    let follow = !args.no_follow;
    let start_from = parse_start(args.from.as_deref(), follow)?;
    let client = KinesisClient::new(&args.client, 16)?;
    let settings = Arc::new(ReaderSettings {
        stream: args.stream.clone(),
        follow,
        limit: args.limit,
        format: if args.json {
            OutputFormat::Json
        } else {
            OutputFormat::Text
        },
    });
    let runtime = client::runtime(None)?;
    let outcome = runtime.block_on(tail(
        client,
        settings,
        start_from,
        Duration::from_secs(args.relist_seconds),
    ));
    // Readers may sit in a backoff sleep; do not wait for them.
    runtime.shutdown_background();
    outcome
}

/// Writes rendered lines to stdout until every sender is gone or stdout closes (`| head`).
fn print_lines(mut lines: mpsc::Receiver<Vec<u8>>) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    while let Some(chunk) = lines.blocking_recv() {
        let written = out.write_all(&chunk).and_then(|()| out.flush());
        match written {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(error) => return Err(error),
        }
    }
    match out.flush() {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error),
        _ => Ok(()),
    }
}

async fn tail(
    client: KinesisClient,
    settings: Arc<ReaderSettings>,
    start_from: StartFrom,
    relist_every: Duration,
) -> anyhow::Result<()> {
    let shards = client.list_all_shards(&settings.stream).await?;
    let mut lineage = Lineage::new(start_from);
    let (line_sender, line_receiver) = mpsc::channel::<Vec<u8>>(64);
    let mut printer = tokio::task::spawn_blocking(move || print_lines(line_receiver));
    let (event_sender, mut events) = mpsc::unbounded_channel();
    let mut readers = JoinSet::new();
    let spawn = |readers: &mut JoinSet<()>, starts: Vec<StartReading>| {
        for start in starts {
            readers.spawn(shard_reader::read_shard(
                client.clone(),
                settings.clone(),
                start,
                line_sender.clone(),
                event_sender.clone(),
            ));
        }
    };
    spawn(&mut readers, lineage.observe_initial(&shards));
    let mut relist = tokio::time::interval_at(tokio::time::Instant::now() + relist_every, relist_every);
    let mut failure: Option<anyhow::Error> = None;
    loop {
        if !settings.follow && lineage.reading_count() == 0 {
            break;
        }
        tokio::select! {
            Some(event) = events.recv() => match event {
                ShardEvent::Ended { shard_id, children } => {
                    spawn(&mut readers, lineage.shard_ended(&shard_id, &children));
                }
                ShardEvent::Stopped { shard_id } => lineage.shard_stopped(&shard_id),
                ShardEvent::Failed { shard_id, error } => {
                    failure = Some(anyhow::Error::new(error).context(format!("reading {shard_id}")));
                    break;
                }
            },
            _ = relist.tick(), if settings.follow => match client.list_all_shards(&settings.stream).await {
                Ok(listed) => spawn(&mut readers, lineage.observe_relisting(&listed)),
                Err(error) if error.is_retryable() => eprintln!("sluice tail: re-listing shards: {error}"),
                Err(error) => {
                    failure = Some(anyhow::Error::new(error).context("re-listing shards"));
                    break;
                }
            },
            printed = &mut printer => {
                // stdout closed: nothing more can be shown.
                return printed.context("the printer failed")?.context("cannot write to stdout");
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    readers.abort_all();
    drop(line_sender);
    while readers.join_next().await.is_some() {}
    printer
        .await
        .context("the printer failed")?
        .context("cannot write to stdout")?;
    match failure {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_start_defaults_and_keywords() {
        assert_eq!(parse_start(None, true).unwrap(), StartFrom::Latest);
        assert_eq!(parse_start(None, false).unwrap(), StartFrom::TrimHorizon);
        assert_eq!(
            parse_start(Some("TRIM_HORIZON"), true).unwrap(),
            StartFrom::TrimHorizon
        );
        assert_eq!(parse_start(Some("latest"), false).unwrap(), StartFrom::Latest);
        assert_eq!(
            parse_start(Some("1459799926"), true).unwrap(),
            StartFrom::Timestamp(1_459_799_926_000)
        );
        assert!(parse_start(Some("soon"), true).is_err());
    }
}
