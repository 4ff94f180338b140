//! The people-facing commands against the real server: `sluice put` (one record, and NDJSON from
//! stdin), `sluice tail --no-follow` across shards, and `sluice streams`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sluice_testkit::TestServer;
use sluice_testkit::kinesis::create_stream;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

fn sluice(server: &TestServer, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(args)
        .arg("--endpoint")
        .arg(server.endpoint())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "sluice {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test(flavor = "multi_thread")]
async fn put_then_tail_every_record() {
    let server = TestServer::start(env!("CARGO_BIN_EXE_sluice")).await;
    create_stream(&server.kinesis(), "cli", 3).await;

    let lines: Vec<String> = (0..1200)
        .map(|index| format!(r#"{{"id":"user-{}","n":{index}}}"#, index % 17))
        .collect();
    let stdin = lines.join("\n") + "\n";
    let (server_ref, stdin_ref) = (&server, stdin.as_str());
    tokio::task::block_in_place(|| {
        sluice(
            server_ref,
            &["put", "cli", "-", "--partition-key-field", "id"],
            Some(stdin_ref),
        );
        sluice(
            server_ref,
            &["put", "cli", "--partition-key", "single", "one more"],
            None,
        );
    });

    let output =
        tokio::task::block_in_place(|| sluice(&server, &["tail", "cli", "--no-follow", "--json"], None));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records.len(), 1201);
    let data: BTreeSet<String> = records
        .iter()
        .map(|record| record["data"].as_str().unwrap().to_owned())
        .collect();
    for line in &lines {
        assert!(data.contains(line), "{line} was tailed");
    }
    assert!(data.contains("one more"));
    let shards: BTreeSet<&str> = records
        .iter()
        .map(|record| record["shardId"].as_str().unwrap())
        .collect();
    assert!(
        shards.len() > 1,
        "records were spread over shards by partition key"
    );
    let user_zero = records
        .iter()
        .find(|record| record["data"].as_str().unwrap().contains(r#""n":0}"#))
        .unwrap();
    assert_eq!(user_zero["partitionKey"], "user-0");

    let listed = tokio::task::block_in_place(|| sluice(&server, &["streams"], None));
    assert!(String::from_utf8_lossy(&listed.stdout).contains("cli"));
    let described = tokio::task::block_in_place(|| sluice(&server, &["streams", "cli"], None));
    let described = String::from_utf8_lossy(&described.stdout).into_owned();
    assert!(described.contains("shardId-000000000002"), "{described}");
}
