//! Sends one batch with PutRecords and retries what did not get written.
//!
//! A PutRecords answer can succeed as a whole while some records fail (`FailedRecordCount > 0`, each
//! failed entry carrying `ErrorCode` `ProvisionedThroughputExceededException` or `InternalFailure`):
//! those records are sent again, alone, after a backoff. A whole request that fails with a retryable
//! error (throttling, 5xx, connection) is sent again too. Anything else, or running out of attempts,
//! makes the remaining records failures that the summary reports with their input line.

use super::batcher::PendingRecord;
use crate::cli::client::backoff::Backoff;
use crate::cli::client::model::PutRecordsOutput;
use crate::cli::client::{KinesisClient, sigv4};
use bytes::Bytes;
use serde::Serialize;
use std::time::Duration;

/// A record that could not be written.
#[derive(Debug, Clone)]
pub struct RecordFailure {
    pub line: u64,
    pub reason: String,
}

/// The result of sending one batch.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub records_written: u64,
    pub bytes_written: u64,
    pub requests: u64,
    /// Records sent more than once.
    pub records_retried: u64,
    pub failures: Vec<RecordFailure>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordsEntry<'a> {
    data: &'a str,
    partition_key: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordsRequest<'a> {
    stream_name: &'a str,
    records: Vec<PutRecordsEntry<'a>>,
}

fn encode_request(stream: &str, records: &[PendingRecord]) -> Result<Vec<u8>, serde_json::Error> {
    let entries = records
        .iter()
        .map(|record| PutRecordsEntry {
            data: &record.data_base64,
            partition_key: &record.partition_key,
        })
        .collect();
    serde_json::to_vec(&PutRecordsRequest {
        stream_name: stream,
        records: entries,
    })
}

/// Sends `records` to `stream`, making up to `max_attempts` attempts for each record.
pub async fn send_batch(
    client: &KinesisClient,
    stream: &str,
    records: Vec<PendingRecord>,
    max_attempts: u32,
) -> BatchOutcome {
    let mut outcome = BatchOutcome::default();
    let mut remaining = records;
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        if attempt > 1 {
            outcome.records_retried += remaining.len() as u64;
        }
        let body = match encode_request(stream, &remaining) {
            Ok(body) => body,
            Err(error) => {
                fail_all(
                    &mut outcome,
                    remaining,
                    &format!("cannot encode the request: {error}"),
                );
                return outcome;
            }
        };
        let payload_hash = sigv4::sha256_hex(&body);
        outcome.requests += 1;
        let last_error = match client
            .call_raw("PutRecords", Bytes::from(body), &payload_hash)
            .await
        {
            Ok(answer) => match serde_json::from_slice::<PutRecordsOutput>(&answer) {
                Ok(output) if output.records.len() == remaining.len() => {
                    let (failed, first_error) = keep_failed(&mut outcome, remaining, output);
                    remaining = failed;
                    if remaining.is_empty() {
                        return outcome;
                    }
                    first_error.unwrap_or_else(|| "a record came back without a sequence number".to_owned())
                }
                Ok(output) => {
                    let reason = format!(
                        "the answer has {} results for {} records",
                        output.records.len(),
                        remaining.len()
                    );
                    fail_all(&mut outcome, remaining, &reason);
                    return outcome;
                }
                Err(error) => {
                    fail_all(
                        &mut outcome,
                        remaining,
                        &format!("unreadable PutRecords answer: {error}"),
                    );
                    return outcome;
                }
            },
            Err(error) if error.is_retryable() => error.to_string(),
            Err(error) => {
                fail_all(&mut outcome, remaining, &error.to_string());
                return outcome;
            }
        };
        if attempt >= max_attempts {
            fail_all(
                &mut outcome,
                remaining,
                &format!("gave up after {attempt} attempts: {last_error}"),
            );
            return outcome;
        }
        backoff.wait().await;
    }
}

/// Counts the written records and returns the failed ones, in their original order, with the first
/// failure's `ErrorCode: ErrorMessage`.
fn keep_failed(
    outcome: &mut BatchOutcome,
    sent: Vec<PendingRecord>,
    output: PutRecordsOutput,
) -> (Vec<PendingRecord>, Option<String>) {
    let mut failed = Vec::new();
    let mut first_error = None;
    for (record, result) in sent.into_iter().zip(output.records) {
        if result.error_code.is_none() && result.sequence_number.is_some() {
            outcome.records_written += 1;
            outcome.bytes_written += record.data_len as u64;
            continue;
        }
        if first_error.is_none()
            && let Some(code) = result.error_code
        {
            first_error = Some(format!("{code}: {}", result.error_message.unwrap_or_default()));
        }
        failed.push(record);
    }
    (failed, first_error)
}

fn fail_all(outcome: &mut BatchOutcome, records: Vec<PendingRecord>, reason: &str) {
    for record in records {
        outcome.failures.push(RecordFailure {
            line: record.line,
            reason: reason.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_request_uses_wire_member_names() {
        let records = vec![PendingRecord::new(b"hi", "k".to_owned(), 1)];
        let body = encode_request("s", &records).unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#
        );
    }

    #[test]
    fn test_keep_failed_returns_failed_records_in_order() {
        let records: Vec<PendingRecord> = (1..=3)
            .map(|line| PendingRecord::new(b"abc", format!("k{line}"), line))
            .collect();
        let output: PutRecordsOutput = serde_json::from_str(
            r#"{"FailedRecordCount":2,"Records":[
                {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded"},
                {"SequenceNumber":"1","ShardId":"shardId-000000000000"},
                {"ErrorCode":"InternalFailure","ErrorMessage":"Internal Service Failure"}]}"#,
        )
        .unwrap();
        let mut outcome = BatchOutcome::default();
        let (failed, first_error) = keep_failed(&mut outcome, records, output);
        assert_eq!(failed.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(
            first_error.as_deref(),
            Some("ProvisionedThroughputExceededException: Rate exceeded")
        );
        assert_eq!(outcome.records_written, 1);
        assert_eq!(outcome.bytes_written, 3);
    }
}
