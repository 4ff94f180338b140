//! The benchmark stream's life: create it and wait until it is ACTIVE (`--create`), check it exists
//! otherwise, and delete it afterwards (`--delete`).

use crate::cli::client::model::DescribeStreamSummaryOutput;
use crate::cli::client::{CallError, KinesisClient};
use serde_json::json;
use std::time::{Duration, Instant};

/// How long a stream may take to become ACTIVE or to disappear.
const STATE_TIMEOUT: Duration = Duration::from_secs(120);
const POLL_EVERY: Duration = Duration::from_millis(100);

async fn describe(client: &KinesisClient, stream: &str) -> Result<DescribeStreamSummaryOutput, CallError> {
    client
        .call_typed("DescribeStreamSummary", &json!({"StreamName": stream}))
        .await
}

/// Creates the stream unless it exists, then waits for ACTIVE; returns its open shard count.
pub async fn create_and_wait(client: &KinesisClient, stream: &str, shards: u32) -> anyhow::Result<u64> {
    match client
        .call(
            "CreateStream",
            &json!({"StreamName": stream, "ShardCount": shards}),
        )
        .await
    {
        Ok(_) => {}
        Err(error) if error.code() == Some("ResourceInUseException") => {
            eprintln!("sluice bench: stream '{stream}' exists already; using it as it is");
        }
        Err(error) => return Err(error.into()),
    }
    wait_active(client, stream).await
}

/// Waits until the stream is ACTIVE; returns its open shard count.
pub async fn wait_active(client: &KinesisClient, stream: &str) -> anyhow::Result<u64> {
    let started = Instant::now();
    loop {
        match describe(client, stream).await {
            Ok(output) => {
                let summary = output.stream_description_summary;
                if summary.stream_status == "ACTIVE" {
                    return Ok(summary.open_shard_count.unwrap_or(0));
                }
            }
            // Some servers answer ResourceNotFound for a moment after CreateStream.
            Err(error) if error.code() == Some("ResourceNotFoundException") => {}
            Err(error) => return Err(error.into()),
        }
        if started.elapsed() > STATE_TIMEOUT {
            anyhow::bail!(
                "stream '{stream}' did not become ACTIVE within {} s",
                STATE_TIMEOUT.as_secs()
            );
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Checks that an existing stream is ACTIVE; returns its open shard count.
pub async fn require_active(client: &KinesisClient, stream: &str) -> anyhow::Result<u64> {
    match describe(client, stream).await {
        Ok(output) if output.stream_description_summary.stream_status == "ACTIVE" => {
            Ok(output.stream_description_summary.open_shard_count.unwrap_or(0))
        }
        Ok(output) => anyhow::bail!(
            "stream '{stream}' is {}, not ACTIVE",
            output.stream_description_summary.stream_status
        ),
        Err(error) if error.code() == Some("ResourceNotFoundException") => {
            anyhow::bail!("stream '{stream}' does not exist (pass --create to create it)")
        }
        Err(error) => Err(error.into()),
    }
}

/// Deletes the stream and waits until it is gone.
pub async fn delete_and_wait(client: &KinesisClient, stream: &str) -> anyhow::Result<()> {
    client
        .call("DeleteStream", &json!({"StreamName": stream}))
        .await?;
    let started = Instant::now();
    loop {
        match describe(client, stream).await {
            Err(error) if error.code() == Some("ResourceNotFoundException") => return Ok(()),
            Err(error) => return Err(error.into()),
            Ok(_) if started.elapsed() > STATE_TIMEOUT => {
                anyhow::bail!(
                    "stream '{stream}' was not deleted within {} s",
                    STATE_TIMEOUT.as_secs()
                )
            }
            Ok(_) => tokio::time::sleep(POLL_EVERY).await,
        }
    }
}
