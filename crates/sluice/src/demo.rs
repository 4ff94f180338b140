//! `serve --demo`: like the console's "Test with demo data", a stream named `demo` that receives a
//! few stock-ticker records per second, so a fresh install has something to look at
//! (`sluice tail demo`).

use rand::Rng;
use sluice_streams::{CreateStreamRequest, PutRecordEntry, StreamError, StreamMode, StreamRef, Streams};
use std::time::Duration;

/// Name of the demo stream.
pub const DEMO_STREAM: &str = "demo";
const TICKERS: [(&str, &str); 8] = [
    ("QXZ", "HEALTHCARE"),
    ("AMZN", "TECHNOLOGY"),
    ("NFLX", "TECHNOLOGY"),
    ("BAC", "FINANCIAL"),
    ("WMT", "RETAIL"),
    ("XOM", "ENERGY"),
    ("JNJ", "HEALTHCARE"),
    ("TGT", "RETAIL"),
];

/// Creates the demo stream if it does not exist yet.
pub fn ensure_stream(streams: &Streams) -> Result<(), StreamError> {
    let request = CreateStreamRequest {
        name: DEMO_STREAM.into(),
        shard_count: Some(2),
        mode: StreamMode::Provisioned,
        tags: [("sluice:demo".to_owned(), "true".to_owned())].into(),
    };
    match streams.create_stream(request) {
        Ok(()) | Err(StreamError::StreamExists { .. }) => Ok(()),
        Err(error) => Err(error),
    }
}

/// One stock-ticker record, as the Firehose demo data looks.
fn ticker_record(rng: &mut impl Rng) -> (String, Vec<u8>) {
    let (symbol, sector) = TICKERS[rng.random_range(0..TICKERS.len())];
    let change: f64 = rng.random_range(-500..=500) as f64 / 100.0;
    let price: f64 = rng.random_range(1_000..=50_000) as f64 / 100.0;
    let record =
        format!(r#"{{"ticker_symbol":"{symbol}","sector":"{sector}","change":{change},"price":{price}}}"#);
    (symbol.to_owned(), record.into_bytes())
}

/// Writes a batch of ticker records every 200 ms until the task is aborted.
pub async fn produce(streams: Streams) {
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    loop {
        ticker.tick().await;
        let streams = streams.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut rng = rand::rng();
            let records: Vec<(String, Vec<u8>)> = (0..5).map(|_| ticker_record(&mut rng)).collect();
            let entries: Vec<PutRecordEntry<'_>> = records
                .iter()
                .map(|(key, data)| PutRecordEntry {
                    data,
                    partition_key: key,
                    explicit_hash_key: None,
                })
                .collect();
            streams.put_records(&StreamRef::by_name(DEMO_STREAM), &entries)
        })
        .await;
        match outcome {
            Ok(Ok(_)) => {}
            // The demo stream was deleted or is being resharded by the user: stop quietly.
            Ok(Err(error)) => {
                tracing::info!(error = %error, "demo producer stopped");
                return;
            }
            Err(error) => {
                tracing::warn!(error = %error, "demo producer task failed");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticker_records_are_json_with_the_demo_fields() {
        let mut rng = rand::rng();
        for _ in 0..100 {
            let (key, data) = ticker_record(&mut rng);
            let value: serde_json::Value = serde_json::from_slice(&data).unwrap();
            assert_eq!(value["ticker_symbol"], key.as_str());
            assert!(value["sector"].is_string());
            assert!(value["change"].is_number());
            assert!(value["price"].as_f64().unwrap() >= 10.0);
        }
    }
}
