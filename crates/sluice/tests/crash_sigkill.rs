//! Crash safety: concurrent producers, SIGKILL mid-load, restart. Every acknowledged record must be
//! readable exactly once with the sequence number it was acknowledged with; a torn tail written by
//! hand is cut back on restart.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::Client;
use aws_sdk_kinesis::types::ShardIteratorType;
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::{create_stream, entry, get_records, list_shards, put, shard_iterator};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const STREAM: &str = "crash";

/// Reads every record of every shard: payload → (shard, sequence number, times seen).
async fn read_everything(kinesis: &Client) -> HashMap<String, (String, String, usize)> {
    let shards = list_shards(kinesis, STREAM).await;
    let mut seen: HashMap<String, (String, String, usize)> = HashMap::new();
    for shard in shards {
        let mut iterator =
            Some(shard_iterator(kinesis, STREAM, &shard.shard_id, ShardIteratorType::TrimHorizon).await);
        let mut previous: Option<String> = None;
        while let Some(current) = iterator {
            let page = get_records(kinesis, current).await;
            for record in &page.records {
                if let Some(previous) = &previous {
                    assert!(
                        record.sequence_number > *previous,
                        "sequence numbers increase within a shard"
                    );
                }
                previous = Some(record.sequence_number.clone());
                let payload = String::from_utf8(record.data.as_ref().to_vec()).unwrap();
                let entry = seen.entry(payload).or_insert((
                    shard.shard_id.clone(),
                    record.sequence_number.clone(),
                    0,
                ));
                entry.2 += 1;
            }
            if page.records.is_empty() && page.millis_behind_latest == Some(0) {
                break;
            }
            iterator = page.next_shard_iterator;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_records_survive_sigkill() {
    let mut server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, STREAM, 4).await;

    let acknowledged: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let mut producers = Vec::new();
    for producer in 0..4 {
        let kinesis = kinesis.clone();
        let acknowledged = Arc::clone(&acknowledged);
        producers.push(tokio::spawn(async move {
            for batch in 0.. {
                let payloads: Vec<String> = (0..50)
                    .map(|index| format!("p{producer}-b{batch}-r{index}"))
                    .collect();
                let entries = payloads
                    .iter()
                    .map(|payload| entry(payload, payload.as_bytes()))
                    .collect();
                let Ok(output) = kinesis
                    .put_records()
                    .stream_name(STREAM)
                    .set_records(Some(entries))
                    .send()
                    .await
                else {
                    return;
                };
                let mut acknowledged = acknowledged.lock().unwrap();
                for (payload, result) in payloads.into_iter().zip(output.records) {
                    if let (Some(shard), Some(sequence)) = (result.shard_id, result.sequence_number) {
                        acknowledged.push((payload, shard, sequence));
                    }
                }
            }
        }));
    }
    // Let the load run, then crash the server while requests are in flight.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 5_000 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    for producer in producers {
        producer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 1_000,
        "the load ran ({} records acknowledged)",
        acknowledged.len()
    );

    server.restart().await;
    let kinesis = server.kinesis();
    let seen = read_everything(&kinesis).await;
    for (payload, shard, sequence) in &acknowledged {
        let (seen_shard, seen_sequence, times) = seen
            .get(payload)
            .unwrap_or_else(|| panic!("acknowledged record {payload} was lost"));
        assert_eq!(
            seen_shard, shard,
            "{payload} is in the shard it was acknowledged in"
        );
        assert_eq!(seen_sequence, sequence, "{payload} keeps its sequence number");
        assert_eq!(*times, 1, "{payload} is readable exactly once");
    }
    assert!(
        seen.values().all(|(_, _, times)| *times == 1),
        "no record is duplicated"
    );

    // The stream keeps working after recovery.
    put(&kinesis, STREAM, "after", "after").await;
}

#[tokio::test]
async fn torn_tail_is_truncated_on_restart() {
    let mut server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, STREAM, 1).await;
    for index in 0..10 {
        put(&kinesis, STREAM, "k", format!("record-{index}")).await;
    }
    server.kill();

    // Append half a frame and some garbage to the shard's only segment, as a crash mid-write would.
    let shard_dir = server
        .data_dir()
        .join("streams")
        .join(STREAM)
        .join("shardId-000000000000");
    let segment = std::fs::read_dir(&shard_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|extension| extension == "log"))
        .expect("a segment file");
    let length_before = std::fs::metadata(&segment).unwrap().len();
    let mut file = std::fs::OpenOptions::new().append(true).open(&segment).unwrap();
    file.write_all(&[
        0x53, 0x4C, 0x4C, 0x31, 0xFF, 0x00, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3,
    ])
    .unwrap();
    drop(file);

    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["log", "verify"])
        .arg(&shard_dir)
        .output()
        .unwrap();
    assert!(!verify.status.success(), "the inspector reports the torn tail");

    server.restart().await;
    let kinesis = server.kinesis();
    let seen = read_everything(&kinesis).await;
    assert_eq!(seen.len(), 10);
    assert_eq!(
        std::fs::metadata(&segment).unwrap().len(),
        length_before,
        "the tail was cut back"
    );
    put(&kinesis, STREAM, "k", "after").await;
    assert_eq!(read_everything(&kinesis).await.len(), 11);

    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["log", "verify"])
        .arg(server.data_dir())
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
