//! The CBOR variant of the Kinesis protocol (spec A.5), as the Java SDKs and KCL speak it:
//! `Content-Type: application/x-amz-cbor-1.1`, one CBOR map per body, blobs as byte strings,
//! timestamps as tag 1 + integer epoch milliseconds. The same scenario runs over JSON and over
//! CBOR on two streams and must give the same results; one stream is also read both ways to show
//! that the two encodings carry the same bytes and the same instants to the millisecond. Errors
//! come back as CBOR maps.
//!
//! Requests are written once as `ciborium::Value` trees and translated to JSON for the JSON runs
//! (byte strings → base64, tag-1 milliseconds → fractional seconds). JSON answers are translated
//! the other way (base64 `Data` → bytes, timestamps → tag-1 milliseconds), so that answers in both
//! encodings can be compared as values.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ciborium::Value as Cbor;
use serde_json::Value as Json;
use sluice_testkit::TestServer;
use std::time::Duration;

const JSON_1_1: &str = "application/x-amz-json-1.1";
const CBOR_1_1: &str = "application/x-amz-cbor-1.1";
/// The tag the Java SDK puts on epoch-millisecond timestamps.
const EPOCH_TAG: u64 = 1;
/// Members that hold timestamps in answers.
const TIMESTAMP_MEMBERS: [&str; 2] = ["ApproximateArrivalTimestamp", "StreamCreationTimestamp"];
/// Members that legitimately differ between two streams, or between two calls.
const VARYING_MEMBERS: [&str; 9] = [
    "StreamName",
    "StreamARN",
    "SequenceNumber",
    "StartingSequenceNumber",
    "EndingSequenceNumber",
    "ApproximateArrivalTimestamp",
    "StreamCreationTimestamp",
    "ShardIterator",
    "NextShardIterator",
];
const LARGEST_HASH_KEY: &str = "340282366920938463463374607431768211455";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    Json,
    Cbor,
}

impl Wire {
    fn content_type(self) -> &'static str {
        match self {
            Wire::Json => JSON_1_1,
            Wire::Cbor => CBOR_1_1,
        }
    }
}

/// One answer: the body as a (sorted) CBOR value whatever the encoding, plus what is needed to
/// check the encoding itself.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    error_type: Option<String>,
    value: Cbor,
    /// The body text, for JSON answers.
    json_text: Option<String>,
}

struct Client {
    server: TestServer,
    http: reqwest::Client,
}

impl Client {
    async fn start() -> Client {
        Client {
            server: TestServer::start(env!("CARGO_BIN_EXE_sluice")).await,
            http: reqwest::Client::new(),
        }
    }

    /// Sends raw bytes with the wire's content type.
    async fn send_bytes(&self, wire: Wire, operation: &str, body: Vec<u8>) -> Reply {
        let response = self
            .http
            .post(format!("{}/", self.server.endpoint()))
            .header("Content-Type", wire.content_type())
            .header("X-Amz-Target", format!("Kinesis_20131202.{operation}"))
            .body(body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|value| value.to_str().unwrap().to_owned())
        };
        let content_type = header("content-type");
        let error_type = header("x-amzn-errortype");
        let body = response.bytes().await.unwrap();
        let (value, json_text) = match wire {
            Wire::Json => {
                let json: Json = serde_json::from_slice(&body)
                    .unwrap_or_else(|error| panic!("{operation}: JSON answer expected ({error}): {body:?}"));
                (
                    json_to_cbor(&json, None),
                    Some(String::from_utf8(body.to_vec()).unwrap()),
                )
            }
            Wire::Cbor => {
                let value: Cbor = ciborium::from_reader(&body[..])
                    .unwrap_or_else(|error| panic!("{operation}: CBOR answer expected ({error}): {body:?}"));
                (value, None)
            }
        };
        Reply {
            status,
            content_type,
            error_type,
            value: sorted(value),
            json_text,
        }
    }

    /// Sends a request tree in the wire's encoding.
    async fn call(&self, wire: Wire, operation: &str, request: &Cbor) -> Reply {
        let body = match wire {
            Wire::Json => serde_json::to_vec(&cbor_to_json(request)).unwrap(),
            Wire::Cbor => {
                let mut bytes = Vec::new();
                ciborium::into_writer(request, &mut bytes).unwrap();
                bytes
            }
        };
        self.send_bytes(wire, operation, body).await
    }

    /// A call that must succeed, answered in the request's encoding.
    async fn ok(&self, wire: Wire, operation: &str, request: &Cbor) -> Reply {
        let reply = self.call(wire, operation, request).await;
        assert_eq!(
            reply.status, 200,
            "{wire:?} {operation} failed: {:?}",
            reply.value
        );
        assert_eq!(
            reply.content_type.as_deref(),
            Some(wire.content_type()),
            "{wire:?} {operation}"
        );
        check_encoding(wire, operation, &reply);
        reply
    }

    async fn iterator(&self, wire: Wire, stream: &str, shard: &str, start: Vec<(&str, Cbor)>) -> Cbor {
        let mut members = vec![("StreamName", text(stream)), ("ShardId", text(shard))];
        members.extend(start);
        let reply = self.ok(wire, "GetShardIterator", &map(members)).await;
        member(&reply.value, "ShardIterator").clone()
    }

    async fn records(&self, wire: Wire, iterator: Cbor) -> Reply {
        self.ok(wire, "GetRecords", &map(vec![("ShardIterator", iterator)]))
            .await
    }
}

/// Checks how blobs and timestamps are written in a successful answer: byte strings and tag-1
/// integers in CBOR; base64 strings and plain decimal seconds (never an exponent) in JSON.
fn check_encoding(wire: Wire, operation: &str, reply: &Reply) {
    match wire {
        Wire::Cbor => visit(&reply.value, None, &mut |key, value| {
            if key == Some("Data") {
                assert!(
                    matches!(value, Cbor::Bytes(_)),
                    "{operation}: Data must be a byte string, got {value:?}"
                );
            }
            if key.is_some_and(|key| TIMESTAMP_MEMBERS.contains(&key)) {
                assert!(
                    matches!(value, Cbor::Tag(EPOCH_TAG, inner) if matches!(**inner, Cbor::Integer(_))),
                    "{operation}: {key:?} must be tag 1 + integer milliseconds, got {value:?}"
                );
            }
        }),
        Wire::Json => {
            let text = reply.json_text.as_deref().unwrap();
            for name in TIMESTAMP_MEMBERS {
                let pattern = format!("\"{name}\":");
                for (at, _) in text.match_indices(&pattern) {
                    let number: String = text[at + pattern.len()..]
                        .chars()
                        .take_while(|character| !matches!(character, ',' | '}'))
                        .collect();
                    assert!(
                        !number.is_empty()
                            && number
                                .chars()
                                .all(|character| character.is_ascii_digit() || character == '.'),
                        "{operation}: {name} must be plain decimal seconds, got {number:?}"
                    );
                }
            }
            let json: Json = serde_json::from_str(text).unwrap();
            visit_json(&json, None, &mut |key, value| {
                if key == Some("Data") {
                    assert!(value.is_string(), "{operation}: Data must be base64 text");
                }
            });
        }
    }
}

fn visit(value: &Cbor, key: Option<&str>, check: &mut impl FnMut(Option<&str>, &Cbor)) {
    check(key, value);
    match value {
        Cbor::Map(entries) => {
            for (name, inner) in entries {
                visit(inner, name.as_text(), check);
            }
        }
        Cbor::Array(items) => {
            for item in items {
                visit(item, None, check);
            }
        }
        _ => {}
    }
}

fn visit_json(value: &Json, key: Option<&str>, check: &mut impl FnMut(Option<&str>, &Json)) {
    check(key, value);
    match value {
        Json::Object(entries) => {
            for (name, inner) in entries {
                visit_json(inner, Some(name), check);
            }
        }
        Json::Array(items) => {
            for item in items {
                visit_json(item, None, check);
            }
        }
        _ => {}
    }
}

/// A request tree in JSON: byte strings become base64, tag-1 milliseconds fractional seconds.
fn cbor_to_json(value: &Cbor) -> Json {
    match value {
        Cbor::Null => Json::Null,
        Cbor::Bool(flag) => Json::Bool(*flag),
        Cbor::Integer(integer) => Json::from(i64::try_from(i128::from(*integer)).unwrap()),
        Cbor::Float(float) => Json::from(*float),
        Cbor::Text(string) => Json::from(string.as_str()),
        Cbor::Bytes(bytes) => Json::from(STANDARD.encode(bytes)),
        Cbor::Array(items) => Json::Array(items.iter().map(cbor_to_json).collect()),
        Cbor::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, inner)| (key.as_text().unwrap().to_owned(), cbor_to_json(inner)))
                .collect(),
        ),
        Cbor::Tag(EPOCH_TAG, inner) => {
            let millis = i128::from(inner.as_integer().unwrap());
            #[allow(clippy::cast_precision_loss)]
            Json::from(millis as f64 / 1000.0)
        }
        other => panic!("no JSON form for {other:?}"),
    }
}

/// An answer in JSON as the CBOR answer would carry it: base64 `Data` → bytes, timestamps →
/// tag-1 integer milliseconds (rounded from the fractional seconds).
fn json_to_cbor(value: &Json, key: Option<&str>) -> Cbor {
    match value {
        Json::String(string) if key == Some("Data") => Cbor::Bytes(STANDARD.decode(string).unwrap()),
        Json::Number(number) if key.is_some_and(|key| TIMESTAMP_MEMBERS.contains(&key)) => {
            #[allow(clippy::cast_possible_truncation)]
            let millis = (number.as_f64().unwrap() * 1000.0).round() as i64;
            tagged_millis(millis)
        }
        Json::Null => Cbor::Null,
        Json::Bool(flag) => Cbor::Bool(*flag),
        Json::Number(number) => match number.as_i64() {
            Some(integer) => Cbor::Integer(integer.into()),
            None => Cbor::Float(number.as_f64().unwrap()),
        },
        Json::String(string) => Cbor::Text(string.clone()),
        Json::Array(items) => Cbor::Array(items.iter().map(|item| json_to_cbor(item, None)).collect()),
        Json::Object(entries) => Cbor::Map(
            entries
                .iter()
                .map(|(name, inner)| (Cbor::Text(name.clone()), json_to_cbor(inner, Some(name))))
                .collect(),
        ),
    }
}

/// Maps with their entries in key order, recursively, so that equal content compares equal.
fn sorted(value: Cbor) -> Cbor {
    match value {
        Cbor::Map(entries) => {
            let mut entries: Vec<(Cbor, Cbor)> = entries
                .into_iter()
                .map(|(key, inner)| (key, sorted(inner)))
                .collect();
            entries.sort_by(|left, right| left.0.as_text().cmp(&right.0.as_text()));
            Cbor::Map(entries)
        }
        Cbor::Array(items) => Cbor::Array(items.into_iter().map(sorted).collect()),
        Cbor::Tag(tag, inner) => Cbor::Tag(tag, Box::new(sorted(*inner))),
        other => other,
    }
}

/// The value with every member named in `names` replaced by null.
fn scrubbed(value: &Cbor, names: &[&str]) -> Cbor {
    match value {
        Cbor::Map(entries) => Cbor::Map(
            entries
                .iter()
                .map(|(key, inner)| {
                    let replaced = if key.as_text().is_some_and(|key| names.contains(&key)) {
                        Cbor::Null
                    } else {
                        scrubbed(inner, names)
                    };
                    (key.clone(), replaced)
                })
                .collect(),
        ),
        Cbor::Array(items) => Cbor::Array(items.iter().map(|item| scrubbed(item, names)).collect()),
        other => other.clone(),
    }
}

fn map(entries: Vec<(&str, Cbor)>) -> Cbor {
    Cbor::Map(
        entries
            .into_iter()
            .map(|(key, value)| (Cbor::Text(key.to_owned()), value))
            .collect(),
    )
}

fn text(string: &str) -> Cbor {
    Cbor::Text(string.to_owned())
}

fn bytes(data: &[u8]) -> Cbor {
    Cbor::Bytes(data.to_vec())
}

fn tagged_millis(millis: i64) -> Cbor {
    Cbor::Tag(EPOCH_TAG, Box::new(Cbor::Integer(millis.into())))
}

fn member<'a>(value: &'a Cbor, name: &str) -> &'a Cbor {
    value
        .as_map()
        .unwrap_or_else(|| panic!("a map expected, got {value:?}"))
        .iter()
        .find(|(key, _)| key.as_text() == Some(name))
        .map(|(_, inner)| inner)
        .unwrap_or_else(|| panic!("no member {name} in {value:?}"))
}

fn text_of<'a>(value: &'a Cbor, name: &str) -> &'a str {
    member(value, name).as_text().unwrap()
}

fn integer_of(value: &Cbor, name: &str) -> i128 {
    i128::from(member(value, name).as_integer().unwrap())
}

fn millis_of(value: &Cbor, name: &str) -> i64 {
    match member(value, name) {
        Cbor::Tag(EPOCH_TAG, inner) => i64::try_from(i128::from(inner.as_integer().unwrap())).unwrap(),
        other => panic!("{name}: tag 1 expected, got {other:?}"),
    }
}

fn records_of(reply: &Reply) -> &[Cbor] {
    member(&reply.value, "Records").as_array().unwrap()
}

/// `(partition key, data)` of every record of a GetRecords answer.
fn keys_and_data(reply: &Reply) -> Vec<(String, Vec<u8>)> {
    records_of(reply)
        .iter()
        .map(|record| {
            (
                text_of(record, "PartitionKey").to_owned(),
                member(record, "Data").as_bytes().unwrap().clone(),
            )
        })
        .collect()
}

// Record payloads: binary, with bytes that are not UTF-8.
const FIRST: &[u8] = &[0xff, 0xfe, 0x00, 0x01, b'h', b'i'];
const NOT_UTF8: &[u8] = &[0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x80];
const LATER: &[u8] = &[0x00, 0xf0, 0x9f, 0x92, 0x96, 0xc0, 0xaf];

fn every_byte() -> Vec<u8> {
    (0..=255).collect()
}

/// The answers of one run of the scenario, labelled, in order.
struct Run {
    steps: Vec<(&'static str, Reply)>,
}

impl Run {
    fn step(&self, label: &str) -> &Reply {
        &self
            .steps
            .iter()
            .find(|(name, _)| *name == label)
            .unwrap_or_else(|| panic!("no step {label}"))
            .1
    }
}

/// Create a 2-shard stream, write binary records (PutRecord, PutRecords), move the clock 10 s,
/// write one more, then read every shard from TRIM_HORIZON, read shard 0 AT_TIMESTAMP of the last
/// record, describe the stream and list its shards: all in one encoding.
async fn scenario(client: &Client, wire: Wire, stream: &str) -> Run {
    let mut steps = Vec::new();
    let named = |members: Vec<(&str, Cbor)>| {
        let mut all = vec![("StreamName", text(stream))];
        all.extend(members);
        map(all)
    };

    let created = client
        .ok(
            wire,
            "CreateStream",
            &named(vec![("ShardCount", Cbor::Integer(2.into()))]),
        )
        .await;
    assert_eq!(created.value, Cbor::Map(Vec::new()), "{wire:?}");
    steps.push(("CreateStream", created));

    // "a" hashes into shard 0 of 2 (spec C.1), "partitionKey" into shard 1.
    let put = client
        .ok(
            wire,
            "PutRecord",
            &named(vec![("PartitionKey", text("a")), ("Data", bytes(FIRST))]),
        )
        .await;
    steps.push(("PutRecord first", put));

    let batch = Cbor::Array(vec![
        map(vec![("PartitionKey", text("a")), ("Data", bytes(NOT_UTF8))]),
        map(vec![("PartitionKey", text("partitionKey")), ("Data", bytes(b""))]),
        map(vec![
            ("PartitionKey", text("ключ-🔑")),
            ("Data", bytes(&every_byte())),
            ("ExplicitHashKey", text("0")),
        ]),
        map(vec![
            ("PartitionKey", text("x")),
            ("Data", bytes(&[0xff])),
            ("ExplicitHashKey", text(LARGEST_HASH_KEY)),
        ]),
    ]);
    let put_records = client
        .ok(wire, "PutRecords", &named(vec![("Records", batch)]))
        .await;
    steps.push(("PutRecords", put_records));

    client.server.advance_clock(Duration::from_secs(10)).await;
    let later = client
        .ok(
            wire,
            "PutRecord",
            &named(vec![("PartitionKey", text("a")), ("Data", bytes(LATER))]),
        )
        .await;
    steps.push(("PutRecord later", later));

    let trim_horizon = || vec![("ShardIteratorType", text("TRIM_HORIZON"))];
    let iterator = client
        .iterator(wire, stream, "shardId-000000000000", trim_horizon())
        .await;
    steps.push(("GetRecords shard 0", client.records(wire, iterator).await));
    let iterator = client
        .iterator(wire, stream, "shardId-000000000001", trim_horizon())
        .await;
    steps.push(("GetRecords shard 1", client.records(wire, iterator).await));

    // Shard 0's last record is the one written after the clock moved.
    let (_, shard_0) = &steps[steps.len() - 2];
    let last_arrival = millis_of(records_of(shard_0).last().unwrap(), "ApproximateArrivalTimestamp");
    let iterator = client
        .iterator(
            wire,
            stream,
            "shardId-000000000000",
            vec![
                ("ShardIteratorType", text("AT_TIMESTAMP")),
                ("Timestamp", tagged_millis(last_arrival)),
            ],
        )
        .await;
    steps.push((
        "GetRecords shard 0 AT_TIMESTAMP",
        client.records(wire, iterator).await,
    ));

    let summary = client.ok(wire, "DescribeStreamSummary", &named(Vec::new())).await;
    steps.push(("DescribeStreamSummary", summary));
    let shards = client.ok(wire, "ListShards", &named(Vec::new())).await;
    steps.push(("ListShards", shards));
    Run { steps }
}

/// What the scenario must have produced, checked the same way for both encodings.
fn check_run(wire: Wire, run: &Run) {
    let shard_ids = |reply: &Reply| -> Vec<String> {
        member(&reply.value, "Records")
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| text_of(entry, "ShardId").to_owned())
            .collect()
    };
    assert_eq!(
        text_of(&run.step("PutRecord first").value, "ShardId"),
        "shardId-000000000000"
    );
    let put_records = run.step("PutRecords");
    assert_eq!(integer_of(&put_records.value, "FailedRecordCount"), 0);
    assert_eq!(
        shard_ids(put_records),
        [
            "shardId-000000000000",
            "shardId-000000000001",
            "shardId-000000000000",
            "shardId-000000000001"
        ]
    );
    for entry in member(&put_records.value, "Records").as_array().unwrap() {
        assert_eq!(text_of(entry, "SequenceNumber").len(), 56, "{wire:?}");
    }

    let owned = |key: &str, data: &[u8]| (key.to_owned(), data.to_vec());
    assert_eq!(
        keys_and_data(run.step("GetRecords shard 0")),
        vec![
            owned("a", FIRST),
            owned("a", NOT_UTF8),
            owned("ключ-🔑", &every_byte()),
            owned("a", LATER),
        ],
        "{wire:?}"
    );
    assert_eq!(
        keys_and_data(run.step("GetRecords shard 1")),
        vec![owned("partitionKey", b""), owned("x", &[0xff])],
        "{wire:?}"
    );
    assert_eq!(
        keys_and_data(run.step("GetRecords shard 0 AT_TIMESTAMP")),
        vec![owned("a", LATER)],
        "{wire:?}"
    );
    // The clock moved 10 s between the first batch and the last record.
    let shard_0 = records_of(run.step("GetRecords shard 0"));
    let first = millis_of(&shard_0[0], "ApproximateArrivalTimestamp");
    let last = millis_of(&shard_0[3], "ApproximateArrivalTimestamp");
    assert!(last - first >= 10_000, "{wire:?}: {first} → {last}");

    let summary = member(
        &run.step("DescribeStreamSummary").value,
        "StreamDescriptionSummary",
    );
    assert_eq!(integer_of(summary, "OpenShardCount"), 2);
    assert_eq!(text_of(summary, "StreamStatus"), "ACTIVE");
    let listed: Vec<&str> = member(&run.step("ListShards").value, "Shards")
        .as_array()
        .unwrap()
        .iter()
        .map(|shard| text_of(shard, "ShardId"))
        .collect();
    assert_eq!(listed, ["shardId-000000000000", "shardId-000000000001"]);
}

#[tokio::test]
async fn json_and_cbor_give_the_same_results() {
    let client = Client::start().await;
    let json_run = scenario(&client, Wire::Json, "over-json").await;
    let cbor_run = scenario(&client, Wire::Cbor, "over-cbor").await;
    check_run(Wire::Json, &json_run);
    check_run(Wire::Cbor, &cbor_run);

    // Step by step, the answers are the same values once names, sequence numbers, iterators and
    // instants are set aside.
    assert_eq!(json_run.steps.len(), cbor_run.steps.len());
    for ((label, json_reply), (_, cbor_reply)) in json_run.steps.iter().zip(&cbor_run.steps) {
        assert_eq!(
            scrubbed(&json_reply.value, &VARYING_MEMBERS),
            scrubbed(&cbor_reply.value, &VARYING_MEMBERS),
            "{label}"
        );
    }
    // The stream names do show up where they should.
    let summary = |run: &Run| {
        text_of(
            member(
                &run.step("DescribeStreamSummary").value,
                "StreamDescriptionSummary",
            ),
            "StreamARN",
        )
        .to_owned()
    };
    assert_eq!(
        summary(&cbor_run),
        "arn:aws:kinesis:us-east-1:000000000000:stream/over-cbor"
    );
    assert_eq!(
        summary(&json_run),
        "arn:aws:kinesis:us-east-1:000000000000:stream/over-json"
    );

    // One stream read both ways: same records, same bytes, same arrival instants to the
    // millisecond (fractional seconds in JSON, tag-1 milliseconds in CBOR).
    let stream = "over-cbor";
    let trim_horizon = || vec![("ShardIteratorType", text("TRIM_HORIZON"))];
    for shard in ["shardId-000000000000", "shardId-000000000001"] {
        let over_json = client
            .records(
                Wire::Json,
                client.iterator(Wire::Json, stream, shard, trim_horizon()).await,
            )
            .await;
        let over_cbor = client
            .records(
                Wire::Cbor,
                client.iterator(Wire::Cbor, stream, shard, trim_horizon()).await,
            )
            .await;
        assert_eq!(
            scrubbed(&over_json.value, &["NextShardIterator"]),
            scrubbed(&over_cbor.value, &["NextShardIterator"]),
            "{shard}"
        );
        // The same check spelled out on the raw JSON numbers.
        let raw_json: Json = serde_json::from_str(over_json.json_text.as_deref().unwrap()).unwrap();
        let json_seconds: Vec<f64> = raw_json["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|record| record["ApproximateArrivalTimestamp"].as_f64().unwrap())
            .collect();
        let cbor_millis: Vec<i64> = records_of(&over_cbor)
            .iter()
            .map(|record| millis_of(record, "ApproximateArrivalTimestamp"))
            .collect();
        assert_eq!(json_seconds.len(), cbor_millis.len());
        assert!(!cbor_millis.is_empty());
        for (seconds, millis) in json_seconds.iter().zip(&cbor_millis) {
            #[allow(clippy::cast_precision_loss)]
            let difference = (seconds * 1000.0 - *millis as f64).abs();
            assert!(difference < 0.5, "{seconds} s vs {millis} ms");
        }
    }
    let summary_json = client
        .ok(
            Wire::Json,
            "DescribeStreamSummary",
            &map(vec![("StreamName", text(stream))]),
        )
        .await;
    let summary_cbor = client
        .ok(
            Wire::Cbor,
            "DescribeStreamSummary",
            &map(vec![("StreamName", text(stream))]),
        )
        .await;
    assert_eq!(summary_json.value, summary_cbor.value);

    // Iterators are opaque strings in both encodings and work across them.
    let iterator = client
        .iterator(Wire::Cbor, stream, "shardId-000000000001", trim_horizon())
        .await;
    assert!(matches!(iterator, Cbor::Text(_)));
    let read = client.records(Wire::Json, iterator).await;
    assert_eq!(records_of(&read).len(), 2);

    // A CBOR timestamp may also come untagged (milliseconds all the same).
    let last = records_of(cbor_run.step("GetRecords shard 0"))[3].clone();
    let untagged = client
        .iterator(
            Wire::Cbor,
            stream,
            "shardId-000000000000",
            vec![
                ("ShardIteratorType", text("AT_TIMESTAMP")),
                (
                    "Timestamp",
                    Cbor::Integer(millis_of(&last, "ApproximateArrivalTimestamp").into()),
                ),
            ],
        )
        .await;
    let read = client.records(Wire::Cbor, untagged).await;
    assert_eq!(keys_and_data(&read), vec![("a".to_owned(), LATER.to_vec())]);
}

#[tokio::test]
async fn cbor_errors_are_cbor_maps() {
    let client = Client::start().await;
    client
        .ok(
            Wire::Cbor,
            "CreateStream",
            &map(vec![
                ("StreamName", text("errors")),
                ("ShardCount", Cbor::Integer(1.into())),
            ]),
        )
        .await;

    let check = |reply: &Reply, error_type: &str, message: Option<&str>| {
        assert_eq!(reply.status, 400, "{:?}", reply.value);
        assert_eq!(reply.content_type.as_deref(), Some(CBOR_1_1));
        assert_eq!(reply.error_type.as_deref(), Some(error_type));
        assert_eq!(text_of(&reply.value, "__type"), error_type);
        if let Some(message) = message {
            let expected = sorted(map(vec![
                ("__type", text(error_type)),
                ("message", text(message)),
            ]));
            assert_eq!(reply.value, expected);
        }
    };

    let not_found = client
        .call(
            Wire::Cbor,
            "DescribeStreamSummary",
            &map(vec![("StreamName", text("nope"))]),
        )
        .await;
    check(
        &not_found,
        "ResourceNotFoundException",
        Some("Stream nope under account 000000000000 not found."),
    );

    let invalid_name = client
        .call(
            Wire::Cbor,
            "CreateStream",
            &map(vec![
                ("StreamName", text("bad name!")),
                ("ShardCount", Cbor::Integer(1.into())),
            ]),
        )
        .await;
    check(
        &invalid_name,
        "ValidationException",
        Some(
            "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ),
    );

    let no_timestamp = client
        .call(
            Wire::Cbor,
            "GetShardIterator",
            &map(vec![
                ("StreamName", text("errors")),
                ("ShardId", text("shardId-000000000000")),
                ("ShardIteratorType", text("AT_TIMESTAMP")),
            ]),
        )
        .await;
    check(
        &no_timestamp,
        "InvalidArgumentException",
        Some(
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has \
             no timestamp parameter.",
        ),
    );

    // Bodies that are not a CBOR map of the right shape.
    let empty = client.send_bytes(Wire::Cbor, "ListStreams", Vec::new()).await;
    check(&empty, "SerializationException", None);
    assert_eq!(empty.value, map(vec![("__type", text("SerializationException"))]));
    for (label, body) in [
        ("a reserved initial byte", vec![0xff]),
        ("a map cut short", vec![0xa1, 0x64, b'L', b'i']),
        ("an array instead of a map", vec![0x80]),
        ("two items", vec![0xa0, 0xa0]),
    ] {
        let reply = client.send_bytes(Wire::Cbor, "ListStreams", body).await;
        check(&reply, "SerializationException", None);
        assert!(
            reply.value.as_map().unwrap().len() == 2,
            "[{label}] a message is expected: {:?}",
            reply.value
        );
    }
    let wrong_type = client
        .call(
            Wire::Cbor,
            "CreateStream",
            &map(vec![("StreamName", text("typed")), ("ShardCount", text("four"))]),
        )
        .await;
    check(&wrong_type, "SerializationException", None);
    let bad_timestamp_tag = client
        .call(
            Wire::Cbor,
            "GetShardIterator",
            &map(vec![
                ("StreamName", text("errors")),
                ("ShardId", text("shardId-000000000000")),
                ("ShardIteratorType", text("AT_TIMESTAMP")),
                ("Timestamp", Cbor::Tag(0, Box::new(text("2020-01-01T00:00:00Z")))),
            ]),
        )
        .await;
    check(&bad_timestamp_tag, "SerializationException", None);

    // The client still works, and nothing was created by the refused calls.
    let listed = client.ok(Wire::Cbor, "ListStreams", &map(Vec::new())).await;
    assert_eq!(
        member(&listed.value, "StreamNames"),
        &Cbor::Array(vec![text("errors")])
    );
}
