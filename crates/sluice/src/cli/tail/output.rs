//! How `sluice tail` prints a record: its data as one line of text, or with `--json` one JSON object
//! per line. Data that is not valid UTF-8 is printed as base64 (and `dataEncoding` says so).

use crate::cli::client::model::WireRecord;
use crate::cli::client::timestamp::{format_rfc3339_millis, wire_seconds_to_millis};
use base64::Engine as _;
use serde::Serialize;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

/// One `--json` line, with the fields in this order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLine<'a> {
    shard_id: &'a str,
    sequence_number: &'a str,
    partition_key: &'a str,
    approximate_arrival_timestamp: Option<String>,
    data: &'a str,
    data_encoding: &'a str,
}

/// The data as text, and whether it had to be base64.
fn data_text(record: &WireRecord) -> (String, &'static str) {
    match base64::engine::general_purpose::STANDARD.decode(&record.data) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (text, "utf8"),
            Err(_) => (record.data.clone(), "base64"),
        },
        // The server sent something that is not base64: show it as it came.
        Err(_) => (record.data.clone(), "base64"),
    }
}

/// Appends one line for `record` to `out`.
pub fn render(format: OutputFormat, shard_id: &str, record: &WireRecord, out: &mut Vec<u8>) {
    let (data, encoding) = data_text(record);
    match format {
        OutputFormat::Text => {
            let without_newline = data.strip_suffix('\n').unwrap_or(&data);
            out.extend_from_slice(without_newline.as_bytes());
        }
        OutputFormat::Json => {
            let arrival = record
                .approximate_arrival_timestamp
                .map(|seconds| format_rfc3339_millis(wire_seconds_to_millis(seconds)));
            let line = JsonLine {
                shard_id,
                sequence_number: &record.sequence_number,
                partition_key: &record.partition_key,
                approximate_arrival_timestamp: arrival,
                data: &data,
                data_encoding: encoding,
            };
            // Serializing plain strings into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &line);
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(data: &[u8]) -> WireRecord {
        WireRecord {
            sequence_number: "49".to_owned(),
            approximate_arrival_timestamp: Some(1_459_799_926.48),
            data: base64::engine::general_purpose::STANDARD.encode(data),
            partition_key: "pk".to_owned(),
        }
    }

    #[test]
    fn test_text_prints_one_line_per_record() {
        let mut out = Vec::new();
        render(
            OutputFormat::Text,
            "shardId-000000000000",
            &record(b"hello\n"),
            &mut out,
        );
        render(
            OutputFormat::Text,
            "shardId-000000000000",
            &record(b"{\"a\":1}"),
            &mut out,
        );
        assert_eq!(out, b"hello\n{\"a\":1}\n");
    }

    #[test]
    fn test_json_has_all_fields_and_base64_for_binary() {
        let mut out = Vec::new();
        render(
            OutputFormat::Json,
            "shardId-000000000001",
            &record(&[0xff, 0x00]),
            &mut out,
        );
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["shardId"], "shardId-000000000001");
        assert_eq!(line["sequenceNumber"], "49");
        assert_eq!(line["partitionKey"], "pk");
        assert_eq!(line["approximateArrivalTimestamp"], "2016-04-04T19:58:46.480Z");
        assert_eq!(line["data"], "/wA=");
        assert_eq!(line["dataEncoding"], "base64");
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(r#"{"shardId":"#), "{text}");
    }
}
