//! Turns NDJSON input into PutRecords-sized batches: one record per non-empty line, a partition key
//! chosen per record, at most 500 records and 5 MiB (data plus partition keys) per batch, as Kinesis
//! limits a PutRecords request.
//!
//! Runs on a blocking thread (it reads stdin) and base64-encodes each record's data once, so that
//! retries and the async senders only assemble JSON. A line bigger than 1 MiB travels alone in its
//! own request: the server decides whether its stream accepts records that large, and if it does
//! not, only that line fails.

use super::keys::KeySource;
use base64::Engine as _;
use std::io::BufRead;
use tokio::sync::mpsc;

/// PutRecords takes at most this many records.
pub const MAX_RECORDS_PER_REQUEST: usize = 500;
/// PutRecords takes at most this many bytes of data and partition keys.
pub const MAX_BYTES_PER_REQUEST: usize = 5 * 1024 * 1024;
/// Records bigger than the classic Kinesis record limit are sent alone.
const ALONE_ABOVE_BYTES: usize = 1024 * 1024;

/// One record ready to send.
#[derive(Debug, Clone)]
pub struct PendingRecord {
    /// The data, base64-encoded for the wire.
    pub data_base64: String,
    /// The data's length in bytes before encoding.
    pub data_len: usize,
    pub partition_key: String,
    /// 1-based input line, for error reports.
    pub line: u64,
}

impl PendingRecord {
    /// Builds a record from raw data.
    pub fn new(data: &[u8], partition_key: String, line: u64) -> PendingRecord {
        PendingRecord {
            data_base64: base64::engine::general_purpose::STANDARD.encode(data),
            data_len: data.len(),
            partition_key,
            line,
        }
    }

    /// What the record counts against the request size limit.
    fn request_bytes(&self) -> usize {
        self.data_len + self.partition_key.len()
    }
}

/// A line the reader could not turn into a record.
#[derive(Debug, Clone)]
pub struct RejectedLine {
    pub line: u64,
    pub reason: String,
}

/// What the reader saw.
#[derive(Debug, Default)]
pub struct ReadSummary {
    pub records: u64,
    pub rejected: Vec<RejectedLine>,
}

/// Accumulates records into batches that respect the PutRecords limits.
#[derive(Debug, Default)]
struct BatchBuilder {
    records: Vec<PendingRecord>,
    bytes: usize,
}

impl BatchBuilder {
    /// Adds a record; returns the batches that became complete (zero, one or two).
    fn push(&mut self, record: PendingRecord) -> Vec<Vec<PendingRecord>> {
        let mut complete = Vec::new();
        let record_bytes = record.request_bytes();
        if record_bytes > ALONE_ABOVE_BYTES {
            if let Some(batch) = self.take() {
                complete.push(batch);
            }
            complete.push(vec![record]);
            return complete;
        }
        let would_overflow = self.records.len() >= MAX_RECORDS_PER_REQUEST
            || self.bytes + record_bytes > MAX_BYTES_PER_REQUEST;
        if would_overflow && let Some(batch) = self.take() {
            complete.push(batch);
        }
        self.bytes += record_bytes;
        self.records.push(record);
        complete
    }

    fn take(&mut self) -> Option<Vec<PendingRecord>> {
        if self.records.is_empty() {
            return None;
        }
        self.bytes = 0;
        Some(std::mem::take(&mut self.records))
    }
}

/// Reads lines until end of input, sending batches to `batches`. Stops early, without error, when the
/// receiving side has gone away.
pub fn read_batches(
    mut input: impl BufRead,
    keys: &KeySource,
    batches: &mpsc::Sender<Vec<PendingRecord>>,
) -> std::io::Result<ReadSummary> {
    let mut summary = ReadSummary::default();
    let mut builder = BatchBuilder::default();
    let mut line_buffer = Vec::new();
    let mut line_number = 0u64;
    loop {
        line_buffer.clear();
        if input.read_until(b'\n', &mut line_buffer)? == 0 {
            break;
        }
        line_number += 1;
        let line = trim_line_end(&line_buffer);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let partition_key = match keys.key_for(line) {
            Ok(key) => key,
            Err(reason) => {
                summary.rejected.push(RejectedLine {
                    line: line_number,
                    reason,
                });
                continue;
            }
        };
        summary.records += 1;
        for batch in builder.push(PendingRecord::new(line, partition_key, line_number)) {
            if batches.blocking_send(batch).is_err() {
                return Ok(summary);
            }
        }
    }
    if let Some(batch) = builder.take() {
        let _ = batches.blocking_send(batch);
    }
    Ok(summary)
}

/// Strips a trailing `\n` or `\r\n`.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let without_newline = line.strip_suffix(b"\n").unwrap_or(line);
    without_newline.strip_suffix(b"\r").unwrap_or(without_newline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(bytes: usize, line: u64) -> PendingRecord {
        PendingRecord::new(&vec![b'x'; bytes], "k".to_owned(), line)
    }

    #[test]
    fn test_batches_hold_at_most_500_records() {
        let mut builder = BatchBuilder::default();
        let mut complete = Vec::new();
        for line in 0..1001 {
            complete.extend(builder.push(record(10, line)));
        }
        complete.extend(builder.take());
        let sizes: Vec<usize> = complete.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![500, 500, 1]);
    }

    #[test]
    fn test_batches_hold_at_most_5_mib() {
        let mut builder = BatchBuilder::default();
        let mut complete = Vec::new();
        for line in 0..11 {
            complete.extend(builder.push(record(1024 * 1024 - 1, line)));
        }
        complete.extend(builder.take());
        for batch in &complete {
            let bytes: usize = batch.iter().map(PendingRecord::request_bytes).sum();
            assert!(bytes <= MAX_BYTES_PER_REQUEST, "{bytes}");
        }
        let sizes: Vec<usize> = complete.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![5, 5, 1]);
    }

    #[test]
    fn test_oversized_record_travels_alone_in_order() {
        let mut builder = BatchBuilder::default();
        assert!(builder.push(record(10, 1)).is_empty());
        let complete = builder.push(record(2 * 1024 * 1024, 2));
        let lines: Vec<Vec<u64>> = complete
            .iter()
            .map(|batch| batch.iter().map(|r| r.line).collect())
            .collect();
        assert_eq!(lines, vec![vec![1], vec![2]]);
        assert!(builder.take().is_none());
    }

    #[test]
    fn test_reader_skips_blank_lines_and_reports_rejections() {
        let input = b"{\"id\":\"a\"}\r\n\n   \n{\"other\":1}\n{\"id\":7}".as_slice();
        let (sender, mut receiver) = mpsc::channel(4);
        let keys = KeySource::Field("id".to_owned());
        let summary = read_batches(input, &keys, &sender).unwrap();
        drop(sender);
        assert_eq!(summary.records, 2);
        assert_eq!(summary.rejected.len(), 1);
        assert_eq!(summary.rejected[0].line, 4);
        let batch = receiver.blocking_recv().unwrap();
        let keys: Vec<&str> = batch.iter().map(|r| r.partition_key.as_str()).collect();
        assert_eq!(keys, vec!["a", "7"]);
        assert_eq!(batch[0].data_len, 10);
        assert_eq!(batch[1].line, 5);
    }
}
