//! Bad input over raw HTTP (reqwest against the spawned binary): every way a Kinesis request can be
//! refused, with the HTTP status, the `__type` and `x-amzn-ErrorType`, and the message where the
//! compatibility spec fixes it (spec A.3, A.4, C.1, C.5, C.10, C.11). After every refusal the same
//! keep-alive client must still get a successful answer, and a refused write must leave no trace:
//! the streams are read back with the SDK at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::error::SdkError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::read_shard;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const JSON_1_1: &str = "application/x-amz-json-1.1";
const TARGET_PREFIX: &str = "Kinesis_20131202";
const MAX_BODY_BYTES: usize = 7 * 1024 * 1024;
/// 2^128 - 1, the largest hash key.
const MAX_HASH_KEY: &str = "340282366920938463463374607431768211455";
/// 2^128, one past the largest hash key.
const HASH_KEY_OVERFLOW: &str = "340282366920938463463374607431768211456";
const GET_SHARD_ITERATOR_MISMATCH: &str = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and \
     StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified";

/// One HTTP answer, kept whole so that assertions can look at any part of it.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("answer is not JSON ({error}): {}", self.text()))
    }

    /// The message of an error body: `message` for modeled errors, `Message` for
    /// `SerializationException` (spec A.4); SDKs read either.
    fn message(&self) -> Option<String> {
        let body = self.json();
        body.get("message")
            .or_else(|| body.get("Message"))
            .map(|message| message.as_str().unwrap().to_owned())
    }
}

/// A spawned server and one reqwest client that keeps its connections alive across requests.
struct Raw {
    server: TestServer,
    http: reqwest::Client,
}

impl Raw {
    async fn start() -> Raw {
        Raw {
            server: TestServer::start(env!("CARGO_BIN_EXE_sluice")).await,
            http: reqwest::Client::new(),
        }
    }

    async fn answer(request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("read the answer body").to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// `POST /` with a JSON 1.1 content type, any target header and any body bytes.
    async fn post(&self, target: Option<&str>, body: impl Into<reqwest::Body>) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/", self.server.endpoint()))
            .header("Content-Type", JSON_1_1)
            .body(body);
        if let Some(target) = target {
            request = request.header("X-Amz-Target", target);
        }
        Raw::answer(request).await
    }

    /// A Kinesis operation with a raw body.
    async fn send(&self, operation: &str, body: impl Into<reqwest::Body>) -> Answer {
        self.post(Some(&format!("{TARGET_PREFIX}.{operation}")), body)
            .await
    }

    /// A Kinesis operation with a JSON body.
    async fn call(&self, operation: &str, body: &Value) -> Answer {
        self.send(operation, serde_json::to_vec(body).unwrap()).await
    }

    /// A call that must succeed; returns the decoded answer.
    async fn ok(&self, operation: &str, body: &Value) -> Value {
        let answer = self.call(operation, body).await;
        assert_eq!(answer.status, 200, "{operation} {body} failed: {}", answer.text());
        assert_eq!(answer.header("content-type"), Some(JSON_1_1));
        answer.json()
    }

    /// After an error the same client (and so the same pooled keep-alive connection) still gets a
    /// successful answer.
    async fn assert_still_usable(&self, after: &str) {
        let answer = self.call("ListStreams", &json!({})).await;
        assert_eq!(
            answer.status,
            200,
            "a request after [{after}] failed: {}",
            answer.text()
        );
    }

    /// Sends a refused request and checks the whole error answer, then that the client still
    /// works. A case without a message only requires a non-empty one: its text is not fixed by
    /// the spec.
    async fn refused(&self, case: &Case<'_>) -> Answer {
        let answer = match &case.body {
            Body::Json(body) => self.call(case.operation, body).await,
            Body::Raw(bytes) => self.send(case.operation, bytes.clone()).await,
        };
        check_error(&answer, case);
        self.assert_still_usable(case.label).await;
        answer
    }

    async fn create_stream(&self, name: &str, shards: u32) {
        self.ok("CreateStream", &json!({"StreamName": name, "ShardCount": shards}))
            .await;
    }

    async fn iterator(&self, stream: &str, shard: &str, iterator_type: &str) -> String {
        let answer = self
            .ok(
                "GetShardIterator",
                &json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": iterator_type}),
            )
            .await;
        answer["ShardIterator"].as_str().unwrap().to_owned()
    }

    /// Every record of a stream, as `(partition key, data)`, read with the SDK.
    async fn records_with_sdk(&self, stream: &str) -> Vec<(String, Vec<u8>)> {
        let kinesis = self.server.kinesis();
        let shards = kinesis
            .list_shards()
            .stream_name(stream)
            .send()
            .await
            .unwrap()
            .shards
            .unwrap_or_default();
        let mut records = Vec::new();
        for shard in shards {
            let page = read_shard(&kinesis, stream, &shard.shard_id).await;
            records.extend(
                page.records
                    .into_iter()
                    .map(|record| (record.partition_key.unwrap(), record.data.into_inner())),
            );
        }
        records
    }
}

enum Body {
    Json(Value),
    Raw(Vec<u8>),
}

/// One labelled refused request and what the answer must be.
struct Case<'a> {
    label: &'a str,
    operation: &'a str,
    body: Body,
    error_type: &'a str,
    /// The exact message, when the spec fixes it.
    message: Option<String>,
}

impl<'a> Case<'a> {
    fn json(label: &'a str, operation: &'a str, body: Value, error_type: &'a str) -> Case<'a> {
        Case {
            label,
            operation,
            body: Body::Json(body),
            error_type,
            message: None,
        }
    }

    fn raw(label: &'a str, operation: &'a str, body: &[u8], error_type: &'a str) -> Case<'a> {
        Case {
            label,
            operation,
            body: Body::Raw(body.to_vec()),
            error_type,
            message: None,
        }
    }

    fn message(mut self, message: impl Into<String>) -> Case<'a> {
        self.message = Some(message.into());
        self
    }
}

/// The checks every JSON error answer gets (spec A.3): 400, matching `__type` and
/// `x-amzn-ErrorType`, the JSON content type, a request id, no `Connection: close`, and the message.
fn check_error(answer: &Answer, case: &Case<'_>) {
    let label = case.label;
    assert_eq!(answer.status, 400, "[{label}] status; body {}", answer.text());
    let body = answer.json();
    assert_eq!(body["__type"], case.error_type, "[{label}] __type; body {body}");
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some(case.error_type),
        "[{label}] x-amzn-ErrorType"
    );
    assert_eq!(
        answer.header("content-type"),
        Some(JSON_1_1),
        "[{label}] content type"
    );
    assert!(
        answer.header("x-amzn-requestid").is_some(),
        "[{label}] request id"
    );
    assert_ne!(
        answer.header("connection"),
        Some("close"),
        "[{label}] an error must not close the connection"
    );
    let message = answer.message();
    match &case.message {
        Some(expected) => assert_eq!(message.as_deref(), Some(expected.as_str()), "[{label}] message"),
        None => assert!(
            message.is_some_and(|text| !text.is_empty()),
            "[{label}] a message is expected; body {body}"
        ),
    }
}

/// `1 validation error detected: <entry>` (spec C.10).
fn one_violation(entry: &str) -> String {
    format!("1 validation error detected: {entry}")
}

/// Checks an `N validation errors detected: a; b` message without depending on the order of the
/// entries (AWS's order is its own and not specified; kinesalite's recordings show neither model
/// nor alphabetical order).
fn assert_violations(message: &str, expected: &[&str]) {
    let prefix = format!("{} validation errors detected: ", expected.len());
    let entries = message
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{message:?} does not start with {prefix:?}"));
    let mut actual: Vec<&str> = entries.split("; ").collect();
    let mut wanted = expected.to_vec();
    actual.sort_unstable();
    wanted.sort_unstable();
    assert_eq!(actual, wanted);
}

fn stream_not_found(stream: &str) -> String {
    format!("Stream {stream} under account 000000000000 not found.")
}

fn base64_of(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A PutRecords entry with `data_len` bytes of data.
fn entry(key: &str, data_len: usize) -> Value {
    json!({"PartitionKey": key, "Data": base64_of(&vec![b'x'; data_len])})
}

#[tokio::test]
async fn undecodable_bodies_are_serialization_exceptions() {
    let raw = Raw::start().await;
    raw.create_stream("decode", 1).await;

    // Empty body: exactly `{"__type":"SerializationException"}`, no message (spec A.4).
    let empty = raw.send("CreateStream", Vec::new()).await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.header("x-amzn-errortype"), Some("SerializationException"));
    assert_eq!(empty.json(), json!({"__type": "SerializationException"}));
    raw.assert_still_usable("empty body").await;

    let iterator = raw
        .iterator("decode", "shardId-000000000000", "TRIM_HORIZON")
        .await;
    let cases = [
        Case::raw(
            "malformed JSON",
            "CreateStream",
            br#"{"StreamName": "x", "ShardCount": "#,
            "SerializationException",
        ),
        Case::raw(
            "trailing garbage after the object",
            "ListStreams",
            br"{} x",
            "SerializationException",
        ),
        Case::raw(
            "a JSON array instead of an object",
            "CreateStream",
            br#"[{"StreamName": "x", "ShardCount": 1}]"#,
            "SerializationException",
        ),
        // An array with one element per member must not be read as the members in order (serde's
        // sequence form of a struct).
        Case::raw(
            "a positional JSON array with one element per member",
            "CreateStream",
            br#"["s", 1, null, null, null, null]"#,
            "SerializationException",
        ),
        Case::raw(
            "a JSON string instead of an object",
            "ListStreams",
            br#""{}""#,
            "SerializationException",
        ),
        Case::raw(
            "JSON null instead of an object",
            "ListStreams",
            b"null",
            "SerializationException",
        ),
        Case::json(
            "ShardCount is a string",
            "CreateStream",
            json!({"StreamName": "typed", "ShardCount": "four"}),
            "SerializationException",
        ),
        Case::json(
            "ShardCount is a fraction",
            "CreateStream",
            json!({"StreamName": "typed", "ShardCount": 1.5}),
            "SerializationException",
        ),
        Case::json(
            "StreamName is a number",
            "CreateStream",
            json!({"StreamName": 23, "ShardCount": 1}),
            "SerializationException",
        ),
        Case::json(
            "Limit is a string",
            "GetRecords",
            json!({"ShardIterator": iterator, "Limit": "x"}),
            "SerializationException",
        ),
        Case::json(
            "Records is an object",
            "PutRecords",
            json!({"StreamName": "decode", "Records": {"Data": "AAAA", "PartitionKey": "k"}}),
            "SerializationException",
        ),
        Case::json(
            "a Records entry is a string",
            "PutRecords",
            json!({"StreamName": "decode", "Records": ["AAAA"]}),
            "SerializationException",
        ),
        Case::json(
            "Data is a number",
            "PutRecord",
            json!({"StreamName": "decode", "PartitionKey": "k", "Data": 23}),
            "SerializationException",
        ),
        Case::json(
            "PartitionKey is a list",
            "PutRecord",
            json!({"StreamName": "decode", "PartitionKey": [], "Data": "AAAA"}),
            "SerializationException",
        ),
        Case::json(
            "Timestamp is a string",
            "GetShardIterator",
            json!({"StreamName": "decode", "ShardId": "shardId-000000000000",
                   "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": "yesterday"}),
            "SerializationException",
        ),
    ];
    for case in &cases {
        let answer = raw.refused(case).await;
        // The framework's SerializationException carries `Message`, capital M (spec A.4, C.10).
        assert!(
            answer.json().get("Message").is_some(),
            "[{}] {}",
            case.label,
            answer.text()
        );
    }

    // Nothing was created or written by the refused calls.
    let kinesis = raw.server.kinesis();
    let names = kinesis.list_streams().send().await.unwrap().stream_names;
    assert_eq!(names, vec!["decode".to_owned()]);
    assert!(raw.records_with_sdk("decode").await.is_empty());
}

#[tokio::test]
async fn constraint_violations_are_validation_exceptions() {
    let raw = Raw::start().await;
    raw.create_stream("valid", 1).await;
    let iterator = raw
        .iterator("valid", "shardId-000000000000", "TRIM_HORIZON")
        .await;
    let long_key = "k".repeat(257);
    let cases = [
        Case::json(
            "CreateStream without StreamName",
            "CreateStream",
            json!({"ShardCount": 1}),
            "ValidationException",
        )
        .message(one_violation(
            "Value null at 'streamName' failed to satisfy constraint: Member must not be null",
        )),
        Case::json(
            "stream name outside the pattern",
            "CreateStream",
            json!({"StreamName": "bad name!", "ShardCount": 1}),
            "ValidationException",
        )
        .message(one_violation(
            "Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular \
             expression pattern: [a-zA-Z0-9_.-]+",
        )),
        Case::json(
            "stream name of 129 characters",
            "DescribeStream",
            json!({"StreamName": "a".repeat(129)}),
            "ValidationException",
        )
        .message(one_violation(&format!(
            "Value '{}' at 'streamName' failed to satisfy constraint: Member must have length less than or \
             equal to 128",
            "a".repeat(129)
        ))),
        Case::json(
            "ShardCount 0",
            "CreateStream",
            json!({"StreamName": "zero", "ShardCount": 0}),
            "ValidationException",
        )
        .message(one_violation(
            "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or \
             equal to 1",
        )),
        Case::json(
            "partition key of 257 characters (PutRecord)",
            "PutRecord",
            json!({"StreamName": "valid", "PartitionKey": long_key, "Data": "AAAA"}),
            "ValidationException",
        )
        .message(one_violation(&format!(
            "Value '{long_key}' at 'partitionKey' failed to satisfy constraint: Member must have length less \
             than or equal to 256"
        ))),
        Case::json(
            "partition key of 257 characters (PutRecords, second entry)",
            "PutRecords",
            json!({"StreamName": "valid", "Records": [entry("ok", 1), entry(&long_key, 1)]}),
            "ValidationException",
        )
        .message(one_violation(&format!(
            "Value '{long_key}' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must \
             have length less than or equal to 256"
        ))),
        Case::json(
            "empty partition key",
            "PutRecord",
            json!({"StreamName": "valid", "PartitionKey": "", "Data": "AAAA"}),
            "ValidationException",
        )
        .message(one_violation(
            "Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or \
             equal to 1",
        )),
        Case::json(
            "PutRecords without Records",
            "PutRecords",
            json!({"StreamName": "valid"}),
            "ValidationException",
        )
        .message(one_violation(
            "Value null at 'records' failed to satisfy constraint: Member must not be null",
        )),
        Case::json(
            "GetRecords Limit 0",
            "GetRecords",
            json!({"ShardIterator": iterator, "Limit": 0}),
            "ValidationException",
        )
        .message(one_violation(
            "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal \
             to 1",
        )),
        Case::json(
            "GetRecords Limit 10001",
            "GetRecords",
            json!({"ShardIterator": iterator, "Limit": 10_001}),
            "ValidationException",
        )
        .message(one_violation(
            "Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal \
             to 10000",
        )),
        Case::json(
            "GetRecords without ShardIterator",
            "GetRecords",
            json!({}),
            "ValidationException",
        )
        .message(one_violation(
            "Value null at 'shardIterator' failed to satisfy constraint: Member must not be null",
        )),
    ];
    for case in &cases {
        raw.refused(case).await;
    }

    // Several violations in one request: all reported, counted, joined with "; ".
    let several = raw
        .refused(&Case::json(
            "two violations in CreateStream",
            "CreateStream",
            json!({"StreamName": "bad name!", "ShardCount": 0}),
            "ValidationException",
        ))
        .await;
    assert_violations(
        &several.message().unwrap(),
        &[
            "Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular \
             expression pattern: [a-zA-Z0-9_.-]+",
            "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or \
             equal to 1",
        ],
    );
    let several = raw
        .refused(&Case::json(
            "three violations in PutRecord",
            "PutRecord",
            json!({"StreamName": "valid", "PartitionKey": "", "ExplicitHashKey": "01"}),
            "ValidationException",
        ))
        .await;
    assert_violations(
        &several.message().unwrap(),
        &[
            "Value null at 'data' failed to satisfy constraint: Member must not be null",
            "Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or \
             equal to 1",
            "Value '01' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular \
             expression pattern: 0|([1-9]\\d{0,38})",
        ],
    );

    // The bounds themselves are accepted.
    raw.ok("GetRecords", &json!({"ShardIterator": iterator, "Limit": 10_000}))
        .await;
    raw.ok("GetRecords", &json!({"ShardIterator": iterator, "Limit": 1}))
        .await;
    raw.ok(
        "PutRecord",
        &json!({"StreamName": "valid", "PartitionKey": "k".repeat(256), "Data": ""}),
    )
    .await;

    // The refused CreateStream calls created nothing; only the accepted record was written.
    let names = raw
        .server
        .kinesis()
        .list_streams()
        .send()
        .await
        .unwrap()
        .stream_names;
    assert_eq!(names, vec!["valid".to_owned()]);
    let records = raw.records_with_sdk("valid").await;
    assert_eq!(records, vec![("k".repeat(256), Vec::new())]);
}

#[tokio::test]
async fn refused_writes_leave_the_stream_unchanged() {
    let raw = Raw::start().await;
    raw.create_stream("writes", 1).await;

    // The writes that succeed.
    raw.ok(
        "PutRecord",
        &json!({"StreamName": "writes", "PartitionKey": "one", "Data": base64_of(b"first")}),
    )
    .await;
    let batch = raw
        .ok(
            "PutRecords",
            &json!({"StreamName": "writes", "Records": [
                {"PartitionKey": "two", "Data": base64_of(b"second")},
                {"PartitionKey": "three", "Data": base64_of(b"third")},
            ]}),
        )
        .await;
    assert_eq!(batch["FailedRecordCount"], 0);

    let at_the_limit = vec![b'x'; 1024 * 1024];
    let too_big = vec![b'x'; 1024 * 1024 + 1];
    let five_hundred_and_one: Vec<Value> = (0..501).map(|index| entry(&format!("k{index}"), 1)).collect();
    // Six records of 875 000 bytes: 5 250 000 bytes, over 5 MiB (5 242 880), while the JSON body
    // (about 7.0 MB of base64) stays under the 7 MiB request limit.
    let over_five_mib: Vec<Value> = (0..6)
        .map(|index| entry(&format!("big{index}"), 875_000))
        .collect();
    let cases = [
        Case::json(
            "PutRecords with 501 records",
            "PutRecords",
            json!({"StreamName": "writes", "Records": five_hundred_and_one}),
            "ValidationException",
        )
        .message(one_violation(
            "Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
        )),
        Case::json(
            "PutRecords with 0 records",
            "PutRecords",
            json!({"StreamName": "writes", "Records": []}),
            "ValidationException",
        )
        .message(one_violation(
            "Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or \
             equal to 1",
        )),
        Case::json(
            "PutRecord with data over 1 MiB",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": base64_of(&too_big)}),
            "ValidationException",
        )
        .message(one_violation(
            "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy \
             constraint: Member must have length less than or equal to 1048576",
        )),
        Case::json(
            "PutRecords with one entry over 1 MiB after a valid one",
            "PutRecords",
            json!({"StreamName": "writes", "Records": [
                {"PartitionKey": "fine", "Data": base64_of(b"fine")},
                {"PartitionKey": "k", "Data": base64_of(&too_big)},
            ]}),
            "ValidationException",
        )
        .message(one_violation(
            "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed \
             to satisfy constraint: Member must have length less than or equal to 1048576",
        )),
        // 1 MiB of data is allowed, but the limit covers data plus partition key (spec C.6).
        Case::json(
            "PutRecord with 1 MiB of data plus a partition key",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": base64_of(&at_the_limit)}),
            "InvalidArgumentException",
        ),
        // MOTO's text; AWS's is unconfirmed (spec C.10).
        Case::json(
            "PutRecords over 5 MiB in total",
            "PutRecords",
            json!({"StreamName": "writes", "Records": over_five_mib}),
            "InvalidArgumentException",
        )
        .message("Records size exceeds 5 MB limit"),
        Case::json(
            "PutRecord with ExplicitHashKey 2^128",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": "",
                   "ExplicitHashKey": HASH_KEY_OVERFLOW}),
            "InvalidArgumentException",
        )
        .message(format!(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was \
             {HASH_KEY_OVERFLOW}"
        )),
        Case::json(
            "PutRecords whose second entry has ExplicitHashKey 2^128",
            "PutRecords",
            json!({"StreamName": "writes", "Records": [
                {"PartitionKey": "fine", "Data": ""},
                {"PartitionKey": "k", "Data": "", "ExplicitHashKey": HASH_KEY_OVERFLOW},
            ]}),
            "InvalidArgumentException",
        )
        .message(format!(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was \
             {HASH_KEY_OVERFLOW}"
        )),
        Case::json(
            "ExplicitHashKey that is not a decimal number",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": "", "ExplicitHashKey": "12a"}),
            "ValidationException",
        )
        .message(one_violation(
            "Value '12a' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular \
             expression pattern: 0|([1-9]\\d{0,38})",
        )),
        Case::json(
            "ExplicitHashKey of 40 digits",
            "PutRecords",
            json!({"StreamName": "writes", "Records": [
                {"PartitionKey": "k", "Data": "", "ExplicitHashKey": format!("1{}", "0".repeat(39))},
            ]}),
            "ValidationException",
        )
        .message(one_violation(&format!(
            "Value '1{}' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: 0|([1-9]\\d{{0,38}})",
            "0".repeat(39)
        ))),
        Case::json(
            "PutRecord without Data",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k"}),
            "ValidationException",
        )
        .message(one_violation(
            "Value null at 'data' failed to satisfy constraint: Member must not be null",
        )),
        // Bad base64 (spec A.4, kinesalite's texts, its "dectected" spelling included).
        Case::json(
            "base64 of the wrong length",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": "abc"}),
            "SerializationException",
        )
        .message(
            "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but \
             found: 3",
        ),
        Case::json(
            "base64 with a character outside the alphabet",
            "PutRecords",
            json!({"StreamName": "writes", "Records": [
                {"PartitionKey": "fine", "Data": "AAAA"},
                {"PartitionKey": "k", "Data": "ab!c"},
            ]}),
            "SerializationException",
        )
        .message("'ab!c' can not be converted to a Blob: Invalid Base64 character: '!'"),
        Case::json(
            "base64 starting with padding",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": "=+/="}),
            "SerializationException",
        )
        .message("'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"),
        Case::json(
            "base64 with a non-canonical last character",
            "PutRecord",
            json!({"StreamName": "writes", "PartitionKey": "k", "Data": "+/+="}),
            "SerializationException",
        )
        .message("'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"),
    ];
    for case in &cases {
        raw.refused(case).await;
    }

    // Exactly the three accepted records, in order; nothing from any refused call.
    let records = raw.records_with_sdk("writes").await;
    let expected: Vec<(String, Vec<u8>)> = vec![
        ("one".into(), b"first".to_vec()),
        ("two".into(), b"second".to_vec()),
        ("three".into(), b"third".to_vec()),
    ];
    assert_eq!(records, expected);

    // The hash-key bound itself is accepted.
    let routed = raw
        .ok(
            "PutRecord",
            &json!({"StreamName": "writes", "PartitionKey": "k", "Data": "", "ExplicitHashKey": MAX_HASH_KEY}),
        )
        .await;
    assert_eq!(routed["ShardId"], "shardId-000000000000");
}

#[tokio::test]
async fn unknown_members_are_ignored() {
    let raw = Raw::start().await;
    let created = raw
        .ok(
            "CreateStream",
            &json!({"StreamName": "extra", "ShardCount": 1, "Colour": "blue",
                    "Nested": {"Deeper": [1, {"x": null}]}}),
        )
        .await;
    assert_eq!(created, json!({}));
    let put = raw
        .ok(
            "PutRecord",
            &json!({"StreamName": "extra", "PartitionKey": "k", "Data": base64_of(b"kept"), "Unknown": true}),
        )
        .await;
    assert_eq!(put["ShardId"], "shardId-000000000000");
    let batch = raw
        .ok(
            "PutRecords",
            &json!({"StreamName": "extra", "Records": [
                {"PartitionKey": "k", "Data": base64_of(b"also kept"), "Extra": 1},
            ], "StreamMood": "calm"}),
        )
        .await;
    assert_eq!(batch["FailedRecordCount"], 0);
    let iterator = raw
        .ok(
            "GetShardIterator",
            &json!({"StreamName": "extra", "ShardId": "shardId-000000000000",
                    "ShardIteratorType": "TRIM_HORIZON", "Whatever": [1, 2]}),
        )
        .await;
    let page = raw
        .ok(
            "GetRecords",
            &json!({"ShardIterator": iterator["ShardIterator"], "Ignored": {}}),
        )
        .await;
    let data: Vec<Vec<u8>> = page["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| STANDARD.decode(record["Data"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(data, vec![b"kept".to_vec(), b"also kept".to_vec()]);
}

#[tokio::test]
async fn requests_that_name_no_known_operation_are_refused_before_decoding() {
    let raw = Raw::start().await;
    let endpoint = raw.server.endpoint();

    // Unknown operation, unknown service prefix, wrong case, missing header: a bare
    // UnknownOperationException, even with a body that would not decode (spec A.4).
    for (label, target) in [
        ("unknown operation", Some("Kinesis_20131202.DoSomething")),
        ("operation in the wrong case", Some("Kinesis_20131202.putRecords")),
        ("unknown service prefix", Some("DynamoDB_20120810.ListTables")),
        (
            "service prefix in the wrong case",
            Some("kinesis_20131202.ListStreams"),
        ),
        ("target without an operation", Some("Kinesis_20131202")),
        ("no target header", None),
    ] {
        for body in [&b"{}"[..], b"{not json"] {
            let answer = raw.post(target, body.to_vec()).await;
            assert_eq!(answer.status, 400, "[{label}] {}", answer.text());
            assert_eq!(
                answer.header("x-amzn-errortype"),
                Some("UnknownOperationException"),
                "[{label}]"
            );
            assert_eq!(answer.header("content-type"), Some(JSON_1_1), "[{label}]");
            assert_eq!(
                answer.json(),
                json!({"__type": "UnknownOperationException"}),
                "[{label}]"
            );
            raw.assert_still_usable(label).await;
        }
    }

    // Any method but POST: 403 with the XML AccessDeniedException (spec A.4).
    let access_denied = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be \
                         authorized</Message>\n</AccessDeniedException>\n";
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let answer = Raw::answer(
            raw.http
                .request(method.clone(), format!("{endpoint}/"))
                .header("Content-Type", JSON_1_1)
                .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .body("{}"),
        )
        .await;
        assert_eq!(answer.status, 403, "{method}");
        assert_eq!(
            answer.header("x-amzn-errortype"),
            Some("AccessDeniedException"),
            "{method}"
        );
        assert_eq!(answer.text(), access_denied, "{method}");
        raw.assert_still_usable(method.as_str()).await;
    }

    // An unsupported content type: 404 when the target names an operation, 403 when it does not.
    for (label, content_type, target, status) in [
        (
            "text/plain",
            Some("text/plain"),
            Some("Kinesis_20131202.ListStreams"),
            404,
        ),
        (
            "XML",
            Some("application/xml"),
            Some("Kinesis_20131202.ListStreams"),
            404,
        ),
        ("no content type", None, Some("Kinesis_20131202.ListStreams"), 404),
        ("text/plain and no target", Some("text/plain"), None, 403),
        (
            "text/plain and a bare target",
            Some("text/plain"),
            Some("ListStreams"),
            403,
        ),
    ] {
        let mut request = raw.http.post(format!("{endpoint}/")).body("{}");
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        if let Some(target) = target {
            request = request.header("X-Amz-Target", target);
        }
        let answer = Raw::answer(request).await;
        assert_eq!(answer.status, status, "[{label}] {}", answer.text());
        if status == 404 {
            assert_eq!(answer.text(), "<UnknownOperationException/>\n", "[{label}]");
            assert_eq!(
                answer.header("x-amzn-errortype"),
                Some("UnknownOperationException"),
                "[{label}]"
            );
        } else {
            assert_eq!(answer.text(), access_denied, "[{label}]");
        }
        raw.assert_still_usable(label).await;
    }

    // Content-type parameters and case do not matter.
    let answer = Raw::answer(
        raw.http
            .post(format!("{endpoint}/"))
            .header("Content-Type", "Application/X-Amz-Json-1.1; charset=utf-8")
            .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
            .body("{}"),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["StreamNames"], json!([]));
}

#[tokio::test]
async fn bodies_over_seven_mib_are_refused_with_413() {
    let raw = Raw::start().await;
    raw.create_stream("big", 1).await;

    // A body of exactly 7 MiB is read and answered (an unknown member pads it).
    let skeleton = json!({"StreamName": "big", "Pad": ""}).to_string();
    let padding = "p".repeat(MAX_BODY_BYTES - skeleton.len());
    let at_limit = json!({"StreamName": "big", "Pad": padding}).to_string();
    assert_eq!(at_limit.len(), MAX_BODY_BYTES);
    let answer = raw.send("DescribeStreamSummary", at_limit.clone()).await;
    assert_eq!(answer.status, 200, "{}", answer.text());

    // One byte more. The server decides from Content-Length, answers 413 without reading the body
    // and closes the connection, so a client still writing the body usually sees its write fail
    // (broken pipe) before it can read the 413; only the raw exchange at the end of this test sees
    // the 413 every time. Either way nothing is processed, and the same client works again at once
    // (its pool drops the dead connection).
    let padding = "p".repeat(MAX_BODY_BYTES + 1 - skeleton.len());
    let over_limit = json!({"StreamName": "big", "Pad": padding}).to_string();
    assert_eq!(over_limit.len(), MAX_BODY_BYTES + 1);
    let records: Vec<Value> = (0..6)
        .map(|index| entry(&format!("k{index}"), 1_000_000))
        .collect();
    let oversized_put = json!({"StreamName": "big", "Records": records}).to_string();
    assert!(oversized_put.len() > MAX_BODY_BYTES);
    for (label, operation, body) in [
        ("7 MiB + 1 byte", "DescribeStreamSummary", over_limit),
        ("an oversized PutRecords", "PutRecords", oversized_put),
    ] {
        let outcome = raw
            .http
            .post(format!("{}/", raw.server.endpoint()))
            .header("Content-Type", JSON_1_1)
            .header("X-Amz-Target", format!("{TARGET_PREFIX}.{operation}"))
            .body(body)
            .send()
            .await;
        match outcome {
            Ok(response) => {
                assert_eq!(response.status().as_u16(), 413, "[{label}]");
                assert!(response.bytes().await.unwrap().is_empty(), "[{label}]");
            }
            Err(error) => assert!(
                error.is_request() || error.is_connect() || error.is_body(),
                "[{label}] unexpected client error {error:?}"
            ),
        }
        raw.assert_still_usable(label).await;
    }
    assert!(raw.records_with_sdk("big").await.is_empty());

    // The same race seen from the SDK: a PutRecords of 6 MB of data (8 MB of base64) fails, either
    // with the 413 or with an I/O error, and writes nothing.
    let entries: Vec<_> = (0..6)
        .map(|index| sluice_testkit::kinesis::entry(format!("k{index}"), vec![b'x'; 1_000_000]))
        .collect();
    let error = raw
        .server
        .kinesis()
        .put_records()
        .stream_name("big")
        .set_records(Some(entries))
        .send()
        .await
        .unwrap_err();
    match error.raw_response() {
        Some(response) => assert_eq!(response.status().as_u16(), 413),
        None => assert!(
            matches!(&error, SdkError::DispatchFailure(failure) if failure.is_io()),
            "{error:?}"
        ),
    }
    assert!(raw.records_with_sdk("big").await.is_empty());

    // The size is judged from Content-Length before any of the body is read: a request that
    // declares 8 MiB and sends nothing is answered at once.
    let address = raw.server.endpoint().replace("http://", "");
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: {JSON_1_1}\r\nX-Amz-Target: \
         Kinesis_20131202.ListStreams\r\nContent-Length: {}\r\n\r\n",
        8 * 1024 * 1024
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let count = socket.read(&mut buffer).await.unwrap_or(0);
            if count == 0 {
                break;
            }
            received.extend_from_slice(&buffer[..count]);
            if received.windows(4).any(|window| window == b"\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer to a declared 8 MiB body");
    let received = String::from_utf8_lossy(&received);
    assert!(received.starts_with("HTTP/1.1 413"), "answer: {received:?}");
    raw.assert_still_usable("a declared 8 MiB body").await;
}

#[tokio::test]
async fn bad_iterators_are_refused() {
    let raw = Raw::start().await;
    raw.create_stream("iter", 1).await;
    raw.ok(
        "PutRecord",
        &json!({"StreamName": "iter", "PartitionKey": "k", "Data": base64_of(b"r")}),
    )
    .await;
    let iterator = raw.iterator("iter", "shardId-000000000000", "TRIM_HORIZON").await;

    // One changed character anywhere in a real iterator makes it a forgery.
    let mut forged_iterators = Vec::new();
    for position in [0, iterator.len() / 2, iterator.len() - 3] {
        let mut characters: Vec<char> = iterator.chars().collect();
        characters[position] = if characters[position] == 'A' { 'B' } else { 'A' };
        forged_iterators.push(characters.into_iter().collect::<String>());
    }
    let invalid = |label, shard_iterator: String| {
        Case::json(
            label,
            "GetRecords",
            json!({"ShardIterator": shard_iterator}),
            "InvalidArgumentException",
        )
        .message("Invalid ShardIterator.")
    };
    let mut cases = vec![
        invalid("garbage iterator", "not-an-iterator".into()),
        invalid(
            "base64 of nothing useful",
            base64_of(b"hello world, I am an iterator"),
        ),
        invalid("truncated iterator", iterator[..iterator.len() - 4].to_owned()),
    ];
    for (index, forged) in forged_iterators.into_iter().enumerate() {
        let label = [
            "forged first character",
            "forged middle character",
            "forged late character",
        ][index];
        cases.push(invalid(label, forged));
    }
    cases.push(
        Case::json(
            "iterator over 512 characters",
            "GetRecords",
            json!({"ShardIterator": "A".repeat(513)}),
            "ValidationException",
        )
        .message(one_violation(&format!(
            "Value '{}' at 'shardIterator' failed to satisfy constraint: Member must have length less than or \
             equal to 512",
            "A".repeat(513)
        ))),
    );
    for case in &cases {
        raw.refused(case).await;
    }

    // The real iterator still works.
    let page = raw.ok("GetRecords", &json!({"ShardIterator": iterator})).await;
    assert_eq!(page["Records"].as_array().unwrap().len(), 1);

    // Five minutes and one second later it has expired (spec C.5).
    raw.server.advance_clock(Duration::from_secs(301)).await;
    let expired = raw
        .refused(&Case::json(
            "expired iterator",
            "GetRecords",
            json!({"ShardIterator": iterator}),
            "ExpiredIteratorException",
        ))
        .await;
    let message = expired.message().unwrap();
    assert!(
        message.starts_with("Iterator expired. The iterator was created at time "),
        "{message}"
    );
    assert!(
        message.ends_with(" which is further in the future than the tolerated delay of 300000 milliseconds."),
        "{message}"
    );
    // A fresh iterator reads the same record.
    let fresh = raw.iterator("iter", "shardId-000000000000", "TRIM_HORIZON").await;
    let page = raw.ok("GetRecords", &json!({"ShardIterator": fresh})).await;
    assert_eq!(page["Records"][0]["Data"], base64_of(b"r"));
}

#[tokio::test]
async fn get_shard_iterator_argument_errors() {
    let raw = Raw::start().await;
    raw.create_stream("gsi", 2).await;
    raw.create_stream("other", 1).await;
    // "a" hashes into shard 0 of 2; the largest hash key is in shard 1.
    let in_shard_0 = raw
        .ok(
            "PutRecord",
            &json!({"StreamName": "gsi", "PartitionKey": "a", "Data": base64_of(b"0")}),
        )
        .await;
    assert_eq!(in_shard_0["ShardId"], "shardId-000000000000");
    let in_shard_1 = raw
        .ok(
            "PutRecord",
            &json!({"StreamName": "gsi", "PartitionKey": "a", "Data": base64_of(b"1"),
                    "ExplicitHashKey": MAX_HASH_KEY}),
        )
        .await;
    assert_eq!(in_shard_1["ShardId"], "shardId-000000000001");
    let from_other_stream = raw
        .ok(
            "PutRecord",
            &json!({"StreamName": "other", "PartitionKey": "a", "Data": base64_of(b"x")}),
        )
        .await;
    let sequence_0 = in_shard_0["SequenceNumber"].as_str().unwrap();
    let sequence_1 = in_shard_1["SequenceNumber"].as_str().unwrap();
    let foreign_sequence = from_other_stream["SequenceNumber"].as_str().unwrap();
    let shard_0 = "shardId-000000000000";

    let request = |iterator_type: &str, sequence: Option<&str>| {
        let mut body = json!({"StreamName": "gsi", "ShardId": shard_0, "ShardIteratorType": iterator_type});
        if let Some(sequence) = sequence {
            body["StartingSequenceNumber"] = json!(sequence);
        }
        body
    };
    let future_seconds = 4_102_444_800_i64; // 2100-01-01
    let cases = [
        Case::json(
            "TRIM_HORIZON with a StartingSequenceNumber",
            "GetShardIterator",
            request("TRIM_HORIZON", Some(sequence_0)),
            "InvalidArgumentException",
        )
        .message(format!(
            "{GET_SHARD_ITERATOR_MISMATCH} TRIM_HORIZON and also a StartingSequenceNumber."
        )),
        Case::json(
            "LATEST with a StartingSequenceNumber",
            "GetShardIterator",
            request("LATEST", Some(sequence_0)),
            "InvalidArgumentException",
        )
        .message(format!(
            "{GET_SHARD_ITERATOR_MISMATCH} LATEST and also a StartingSequenceNumber."
        )),
        Case::json(
            "AT_SEQUENCE_NUMBER without a StartingSequenceNumber",
            "GetShardIterator",
            request("AT_SEQUENCE_NUMBER", None),
            "InvalidArgumentException",
        )
        .message(format!(
            "{GET_SHARD_ITERATOR_MISMATCH} AT_SEQUENCE_NUMBER and no StartingSequenceNumber."
        )),
        Case::json(
            "AFTER_SEQUENCE_NUMBER without a StartingSequenceNumber",
            "GetShardIterator",
            request("AFTER_SEQUENCE_NUMBER", None),
            "InvalidArgumentException",
        )
        .message(format!(
            "{GET_SHARD_ITERATOR_MISMATCH} AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber."
        )),
        Case::json(
            "AT_TIMESTAMP without a Timestamp",
            "GetShardIterator",
            request("AT_TIMESTAMP", None),
            "InvalidArgumentException",
        )
        .message(
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has \
             no timestamp parameter.",
        ),
        Case::json(
            "unknown iterator type",
            "GetShardIterator",
            request("SOMEWHERE", None),
            "ValidationException",
        ),
        Case::json(
            "ShardId outside the pattern",
            "GetShardIterator",
            json!({"StreamName": "gsi", "ShardId": "shard 0", "ShardIteratorType": "LATEST"}),
            "ValidationException",
        )
        .message(one_violation(
            "Value 'shard 0' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression \
             pattern: [a-zA-Z0-9_.-]+",
        )),
        Case::json(
            "GetShardIterator without ShardId",
            "GetShardIterator",
            json!({"StreamName": "gsi", "ShardIteratorType": "LATEST"}),
            "ValidationException",
        )
        .message(one_violation(
            "Value null at 'shardId' failed to satisfy constraint: Member must not be null",
        )),
        Case::json(
            "shard id that names no shard",
            "GetShardIterator",
            json!({"StreamName": "gsi", "ShardId": "ABKLFD8", "ShardIteratorType": "LATEST"}),
            "ResourceNotFoundException",
        )
        .message("Could not find shard ABKLFD8 in stream gsi under account 000000000000."),
        Case::json(
            "sequence number from another shard",
            "GetShardIterator",
            request("AT_SEQUENCE_NUMBER", Some(sequence_1)),
            "InvalidArgumentException",
        )
        .message(
            "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a \
             shard with shardId-000000000000",
        ),
        Case::json(
            "sequence number from another stream",
            "GetShardIterator",
            request("AFTER_SEQUENCE_NUMBER", Some(foreign_sequence)),
            "InvalidArgumentException",
        )
        .message(format!(
            "StartingSequenceNumber {foreign_sequence} used in GetShardIterator on shard {shard_0} in stream gsi \
             under account 000000000000 is invalid because it did not come from this stream."
        )),
        Case::json(
            "sequence number Sluice never issued",
            "GetShardIterator",
            request("AT_SEQUENCE_NUMBER", Some("12345")),
            "InvalidArgumentException",
        )
        .message(format!(
            "StartingSequenceNumber 12345 used in GetShardIterator on shard {shard_0} in stream gsi under \
             account 000000000000 is invalid."
        )),
        Case::json(
            "sequence number outside the pattern",
            "GetShardIterator",
            request("AT_SEQUENCE_NUMBER", Some("12a")),
            "ValidationException",
        )
        .message(one_violation(
            "Value '12a' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular \
             expression pattern: 0|([1-9]\\d{0,128})",
        )),
        Case::json(
            "AT_TIMESTAMP in the future",
            "GetShardIterator",
            json!({"StreamName": "gsi", "ShardId": shard_0, "ShardIteratorType": "AT_TIMESTAMP",
                   "Timestamp": future_seconds}),
            "InvalidArgumentException",
        ),
    ];
    for case in &cases {
        let answer = raw.refused(case).await;
        let message = answer.message().unwrap();
        match case.label {
            "unknown iterator type" => assert!(
                message.starts_with(
                    "1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy \
                     constraint: Member must satisfy enum value set: ["
                ),
                "{message}"
            ),
            "AT_TIMESTAMP in the future" => assert!(
                message.starts_with(&format!(
                    "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. \
                     timestampInMillis: {}, currentTimestampInMillis: ",
                    future_seconds * 1000
                )),
                "{message}"
            ),
            _ => {}
        }
    }

    // A well-formed shard id beyond the stream's shards. Kinesalite (recorded against AWS, spec C.3)
    // answers "Shard shardId-000000000005 in stream gsi under account 000000000000 does not exist";
    // only the parts both texts share are pinned here.
    let beyond = raw
        .refused(&Case::json(
            "shard index beyond the stream's shards",
            "GetShardIterator",
            json!({"StreamName": "gsi", "ShardId": "shardId-000000000005", "ShardIteratorType": "LATEST"}),
            "ResourceNotFoundException",
        ))
        .await;
    let message = beyond.message().unwrap();
    assert!(
        message.contains("shardId-000000000005 in stream gsi under account 000000000000"),
        "{message}"
    );

    // The same sequence numbers work where they belong.
    let at = raw
        .ok(
            "GetShardIterator",
            &request("AT_SEQUENCE_NUMBER", Some(sequence_0)),
        )
        .await;
    let page = raw
        .ok("GetRecords", &json!({"ShardIterator": at["ShardIterator"]}))
        .await;
    assert_eq!(page["Records"][0]["SequenceNumber"], sequence_0);
}

#[tokio::test]
async fn missing_streams_are_resource_not_found() {
    let raw = Raw::start().await;
    raw.create_stream("present", 1).await;
    let message = stream_not_found("nope");
    let cases = [
        Case::json(
            "PutRecord",
            "PutRecord",
            json!({"StreamName": "nope", "PartitionKey": "k", "Data": "AAAA"}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "PutRecords",
            "PutRecords",
            json!({"StreamName": "nope", "Records": [{"PartitionKey": "k", "Data": "AAAA"}]}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "GetShardIterator",
            "GetShardIterator",
            json!({"StreamName": "nope", "ShardId": "shardId-000000000000", "ShardIteratorType": "LATEST"}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "DescribeStream",
            "DescribeStream",
            json!({"StreamName": "nope"}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "DescribeStreamSummary",
            "DescribeStreamSummary",
            json!({"StreamName": "nope"}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "ListShards",
            "ListShards",
            json!({"StreamName": "nope"}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "DeleteStream",
            "DeleteStream",
            json!({"StreamName": "nope"}),
            "ResourceNotFoundException",
        ),
        Case::json(
            "DescribeStream by ARN",
            "DescribeStream",
            json!({"StreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/nope"}),
            "ResourceNotFoundException",
        ),
    ];
    for case in cases {
        raw.refused(&case.message(message.clone())).await;
    }
    // A stream whose name differs only in case is another stream.
    raw.refused(
        &Case::json(
            "name in another case",
            "DescribeStreamSummary",
            json!({"StreamName": "Present"}),
            "ResourceNotFoundException",
        )
        .message(stream_not_found("Present")),
    )
    .await;
    // Nothing was created by the refused writes.
    let names = raw
        .server
        .kinesis()
        .list_streams()
        .send()
        .await
        .unwrap()
        .stream_names;
    assert_eq!(names, vec!["present".to_owned()]);
    assert!(raw.records_with_sdk("present").await.is_empty());
}
