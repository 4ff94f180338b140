//! The load generator's payloads, built before the clock starts: realistic JSON event records padded
//! to an exact size, and a small pool of fully encoded (and hashed, for signing) request bodies with
//! varied partition keys, so that sending costs no encoding.
//!
//! The content is seeded, so every run sends the same bytes.

use crate::cli::client::sigv4;
use crate::cli::client::timestamp::format_rfc3339_millis;
use base64::Engine as _;
use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

const EVENT_TYPES: [&str; 6] = ["page_view", "add_to_cart", "checkout", "search", "login", "click"];
const COUNTRIES: [&str; 8] = ["DE", "US", "FR", "BR", "JP", "IN", "GB", "NG"];
const DEVICES: [&str; 3] = ["mobile", "desktop", "tablet"];
const PAD_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// One encoded request, ready to send many times.
#[derive(Debug, Clone)]
pub struct PreparedBody {
    pub bytes: Bytes,
    pub sha256_hex: String,
    pub records: u64,
}

fn random_hex(rng: &mut StdRng, digits: usize) -> String {
    (0..digits)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
        .collect()
}

fn padding(rng: &mut StdRng, length: usize) -> String {
    (0..length)
        .map(|_| char::from(PAD_ALPHABET[rng.random_range(0..PAD_ALPHABET.len())]))
        .collect()
}

/// A JSON event of exactly `target_bytes` bytes (a `pad` field takes up the slack). Below the size
/// of the smallest JSON object used here, the record is `target_bytes` of `x`.
pub fn json_record(rng: &mut StdRng, sequence: u64, target_bytes: usize) -> Vec<u8> {
    let timestamp = format_rfc3339_millis(1_735_689_600_000 + (sequence as i64) * 37);
    let event = format!(
        r#"{{"event_id":"{}","event_type":"{}","ts":"{timestamp}","user_id":{},"session_id":"{}","country":"{}","device":"{}","url":"/products/{}","duration_ms":{},"pad":""}}"#,
        random_hex(rng, 16),
        EVENT_TYPES[rng.random_range(0..EVENT_TYPES.len())],
        rng.random_range(1..100_000u32),
        random_hex(rng, 24),
        COUNTRIES[rng.random_range(0..COUNTRIES.len())],
        DEVICES[rng.random_range(0..DEVICES.len())],
        rng.random_range(1..10_000u32),
        rng.random_range(1..5_000u32),
    );
    let minimal = format!(r#"{{"id":{sequence},"pad":""}}"#);
    let template = if event.len() <= target_bytes {
        event
    } else {
        minimal
    };
    if template.len() > target_bytes {
        return vec![b'x'; target_bytes];
    }
    // Both templates end with `"pad":""}`: insert the padding between the quotes.
    let split_at = template.len() - 2;
    let mut record = String::with_capacity(target_bytes);
    record.push_str(&template[..split_at]);
    record.push_str(&padding(rng, target_bytes - template.len()));
    record.push_str(&template[split_at..]);
    record.into_bytes()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    data: String,
    partition_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordsBody<'a> {
    stream_name: &'a str,
    records: Vec<Entry>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutRecordBody<'a> {
    stream_name: &'a str,
    data: String,
    partition_key: String,
}

/// `pool_size` distinct bodies of `records_per_request` records each; one record per body means
/// PutRecord bodies, more means PutRecords.
pub fn build_pool(
    stream: &str,
    records_per_request: usize,
    record_bytes: usize,
    pool_size: usize,
) -> anyhow::Result<Vec<PreparedBody>> {
    let mut rng = StdRng::seed_from_u64(0x5115_ce00);
    let mut sequence = 0u64;
    let mut pool = Vec::with_capacity(pool_size);
    for _ in 0..pool_size {
        let mut entries = Vec::with_capacity(records_per_request);
        for _ in 0..records_per_request {
            sequence += 1;
            let record = json_record(&mut rng, sequence, record_bytes);
            entries.push(Entry {
                data: base64::engine::general_purpose::STANDARD.encode(&record),
                partition_key: format!("user-{}", random_hex(&mut rng, 12)),
            });
        }
        let bytes = if records_per_request == 1 {
            let Some(entry) = entries.pop() else {
                anyhow::bail!("no record to send")
            };
            serde_json::to_vec(&PutRecordBody {
                stream_name: stream,
                data: entry.data,
                partition_key: entry.partition_key,
            })?
        } else {
            serde_json::to_vec(&PutRecordsBody {
                stream_name: stream,
                records: entries,
            })?
        };
        pool.push(PreparedBody {
            sha256_hex: sigv4::sha256_hex(&bytes),
            bytes: Bytes::from(bytes),
            records: records_per_request as u64,
        });
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_records_have_exact_size_and_stay_json() {
        let mut rng = StdRng::seed_from_u64(1);
        for target in [300usize, 1024, 4096] {
            let record = json_record(&mut rng, 7, target);
            assert_eq!(record.len(), target);
            let parsed: serde_json::Value = serde_json::from_slice(&record).unwrap();
            assert!(parsed["event_id"].is_string());
        }
        let small = json_record(&mut rng, 7, 40);
        assert_eq!(small.len(), 40);
        assert!(serde_json::from_slice::<serde_json::Value>(&small).is_ok());
        assert_eq!(json_record(&mut rng, 7, 5), b"xxxxx");
    }

    #[test]
    fn test_pool_bodies_are_distinct_wire_requests() {
        let pool = build_pool("bench", 3, 100, 2).unwrap();
        assert_eq!(pool.len(), 2);
        assert_ne!(pool[0].bytes, pool[1].bytes);
        let body: serde_json::Value = serde_json::from_slice(&pool[0].bytes).unwrap();
        assert_eq!(body["StreamName"], "bench");
        assert_eq!(body["Records"].as_array().unwrap().len(), 3);
        let single = build_pool("bench", 1, 100, 1).unwrap();
        let body: serde_json::Value = serde_json::from_slice(&single[0].bytes).unwrap();
        assert!(body["Data"].is_string() && body["PartitionKey"].is_string());
        assert_eq!(single[0].sha256_hex, sigv4::sha256_hex(&single[0].bytes));
    }
}
