//! Reads one shard for `sluice tail`: GetShardIterator, then a GetRecords loop that renders each
//! answer's records and hands them to the printer.
//!
//! - Polling: straight on while behind, 200 ms between calls once caught up (Kinesis allows 5
//!   GetRecords per second per shard), and a backoff up to 1 s while answers are empty.
//! - `ExpiredIteratorException`: a new iterator AFTER_SEQUENCE_NUMBER of the last record seen (or at
//!   the start position when none was seen yet).
//! - Throttling, 5xx and connection errors: retried with backoff, with a warning on stderr.
//! - The end of a closed shard (no `NextShardIterator`) is reported with its `ChildShards`; with
//!   `--no-follow`, an empty answer with `MillisBehindLatest` 0 reports an open shard caught up; a
//!   shard listed as closed is read on until its end (kinesalite, for one, answers empty with a next
//!   iterator once before it reports the end), or taken as ended after a few such answers.

use super::lineage::StartReading;
use super::output::{OutputFormat, render};
use crate::cli::client::backoff::Backoff;
use crate::cli::client::model::{GetRecordsOutput, IteratorPosition};
use crate::cli::client::{CallError, KinesisClient};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Pause between calls once a shard is caught up.
const CAUGHT_UP_PAUSE: Duration = Duration::from_millis(200);
/// Consecutive retryable failures before a warning is printed.
const QUIET_RETRIES: u32 = 3;
/// Caught-up answers from a closed shard, without `--follow`, after which it counts as ended.
const CLOSED_SHARD_EMPTY_ANSWERS: u32 = 5;

/// What the coordinator hears from a shard reader.
#[derive(Debug)]
pub enum ShardEvent {
    /// The closed shard was read to its end.
    Ended {
        shard_id: String,
        children: Vec<(String, Vec<String>)>,
    },
    /// Caught up with `--no-follow`, or the printer went away.
    Stopped {
        shard_id: String,
    },
    Failed {
        shard_id: String,
        error: CallError,
    },
}

/// Settings shared by all shard readers.
#[derive(Debug)]
pub struct ReaderSettings {
    pub stream: String,
    pub follow: bool,
    pub limit: u32,
    pub format: OutputFormat,
}

/// Reads the shard until it ends, is caught up (without follow), fails, or the printer stops.
pub async fn read_shard(
    client: KinesisClient,
    settings: Arc<ReaderSettings>,
    start: StartReading,
    printer: mpsc::Sender<Vec<u8>>,
    events: mpsc::UnboundedSender<ShardEvent>,
) {
    let shard_id = start.shard_id.clone();
    let event = match read_until_done(&client, &settings, start, &printer).await {
        Ok(event) => event,
        Err(error) => ShardEvent::Failed { shard_id, error },
    };
    let _ = events.send(event);
}

async fn read_until_done(
    client: &KinesisClient,
    settings: &ReaderSettings,
    start: StartReading,
    printer: &mpsc::Sender<Vec<u8>>,
) -> Result<ShardEvent, CallError> {
    let shard_id = start.shard_id;
    let mut closed_empty_answers = 0u32;
    let mut last_sequence_number: Option<String> = None;
    let mut retry_backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    let mut idle_backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(1));
    let mut failures_in_a_row = 0u32;
    let mut iterator: Option<String> = None;
    loop {
        let current_iterator = match &iterator {
            Some(current) => current.clone(),
            None => {
                let position = match &last_sequence_number {
                    Some(sequence_number) => IteratorPosition::AfterSequenceNumber(sequence_number.clone()),
                    None => start.position.clone(),
                };
                match client
                    .get_shard_iterator(&settings.stream, &shard_id, &position)
                    .await
                {
                    Ok(fresh) => {
                        iterator = Some(fresh.clone());
                        fresh
                    }
                    Err(error) => {
                        retry_or_fail(&shard_id, error, &mut failures_in_a_row, &mut retry_backoff).await?;
                        continue;
                    }
                }
            }
        };
        let request = json!({"ShardIterator": current_iterator, "Limit": settings.limit});
        let output: GetRecordsOutput = match client.call_typed("GetRecords", &request).await {
            Ok(output) => output,
            Err(error) if error.code() == Some("ExpiredIteratorException") => {
                iterator = None;
                continue;
            }
            Err(error) => {
                retry_or_fail(&shard_id, error, &mut failures_in_a_row, &mut retry_backoff).await?;
                continue;
            }
        };
        failures_in_a_row = 0;
        retry_backoff.reset();
        let got_records = !output.records.is_empty();
        if let Some(last) = output.records.last() {
            last_sequence_number = Some(last.sequence_number.clone());
            let mut lines = Vec::new();
            for record in &output.records {
                render(settings.format, &shard_id, record, &mut lines);
            }
            if printer.send(lines).await.is_err() {
                return Ok(ShardEvent::Stopped { shard_id });
            }
        }
        let Some(next_iterator) = output.next_shard_iterator else {
            let children = output
                .child_shards
                .into_iter()
                .map(|child| (child.shard_id, child.parent_shards))
                .collect();
            return Ok(ShardEvent::Ended { shard_id, children });
        };
        iterator = Some(next_iterator);
        let millis_behind = output.millis_behind_latest.unwrap_or(0);
        if !got_records && millis_behind == 0 && !settings.follow {
            if !start.closed {
                return Ok(ShardEvent::Stopped { shard_id });
            }
            closed_empty_answers += 1;
            if closed_empty_answers >= CLOSED_SHARD_EMPTY_ANSWERS {
                return Ok(ShardEvent::Ended {
                    shard_id,
                    children: Vec::new(),
                });
            }
        }
        if !got_records {
            if millis_behind == 0 {
                idle_backoff.wait().await;
            }
        } else {
            idle_backoff.reset();
            if millis_behind == 0 {
                tokio::time::sleep(CAUGHT_UP_PAUSE).await;
            }
        }
    }
}

/// Waits before the next attempt when `error` is retryable; returns it otherwise.
async fn retry_or_fail(
    shard_id: &str,
    error: CallError,
    failures_in_a_row: &mut u32,
    backoff: &mut Backoff,
) -> Result<(), CallError> {
    if !error.is_retryable() {
        return Err(error);
    }
    *failures_in_a_row += 1;
    if *failures_in_a_row > QUIET_RETRIES {
        eprintln!("sluice tail: {shard_id}: {error} (retrying)");
    }
    backoff.wait().await;
    Ok(())
}
