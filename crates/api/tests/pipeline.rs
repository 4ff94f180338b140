//! The AWS request pipeline driven over real TCP: a server on a loopback port, reqwest as the
//! client, and raw sockets where the test must control the bytes (oversized and chunked bodies,
//! keep-alive).

// Test helpers outside `#[test]` functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sluice_api::{ApiConfig, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const JSON: &str = "application/x-amz-json-1.1";
const CBOR: &str = "application/x-amz-cbor-1.1";

/// A server running on a loopback port until dropped or shut down.
struct TestServer {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _data_dir: tempfile::TempDir,
}

impl TestServer {
    async fn start(config: ApiConfig, manual_clock: Option<Arc<sluice_core::ManualClock>>) -> TestServer {
        let data_dir = tempfile::tempdir().unwrap();
        let clock: sluice_core::SharedClock = match &manual_clock {
            Some(manual_clock) => manual_clock.clone(),
            None => Arc::new(sluice_core::SystemClock),
        };
        let streams =
            sluice_streams::Streams::open(sluice_streams::StreamsConfig::new(data_dir.path()), clock.clone())
                .unwrap();
        let state = AppState {
            streams,
            clock,
            manual_clock,
            config,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown_sender, shutdown_receiver) = oneshot::channel::<()>();
        let task = tokio::spawn(sluice_api::serve(listener, state, async move {
            let _ = shutdown_receiver.await;
        }));
        TestServer {
            address,
            shutdown: Some(shutdown_sender),
            task: Some(task),
            _data_dir: data_dir,
        }
    }

    async fn default() -> TestServer {
        TestServer::start(ApiConfig::default(), None).await
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Signals shutdown and waits for `serve` to return.
    async fn stop(mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let task = self.task.take().unwrap();
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn kinesis_post(
    client: &reqwest::Client,
    server: &TestServer,
    content_type: &str,
    operation: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    client
        .post(server.url("/"))
        .header("content-type", content_type)
        .header("x-amz-target", format!("Kinesis_20131202.{operation}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn json_body(response: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// Reads one HTTP/1.1 response with a Content-Length (or none, meaning an empty body) from a raw
/// socket: the status line and headers as text, then the body.
async fn read_raw_response(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = stream.read(&mut byte).await.unwrap();
        assert_eq!(
            read, 1,
            "connection closed in the middle of a response head: {head:?}"
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let content_length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; content_length];
    stream.read_exact(&mut body).await.unwrap();
    (head, body)
}

fn raw_request(operation: &str, body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: {JSON}\r\nX-Amz-Target: Kinesis_20131202.{operation}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn health_answers_ok() {
    let server = TestServer::default().await;
    let response = reqwest::get(server.url("/health")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await, serde_json::json!({ "status": "ok" }));
}

#[tokio::test]
async fn non_post_is_403_with_the_xml_body() {
    let server = TestServer::default().await;
    let response = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().contains_key("x-amzn-requestid"));
    assert_eq!(
        response.text().await.unwrap(),
        "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n\
         </AccessDeniedException>\n"
    );
}

#[tokio::test]
async fn unsupported_content_type_is_404_or_403_without_target() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    let response = kinesis_post(&client, &server, "text/plain", "ListStreams", "{}").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "<UnknownOperationException/>\n");

    let without_target = client
        .post(server.url("/"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(without_target.status(), 403);
}

#[tokio::test]
async fn unknown_target_is_a_bare_unknown_operation_exception() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    for target in [
        "DynamoDB_20120810.PutItem",
        "Kinesis_20131202",
        "Kinesis_20131202.PutItem",
    ] {
        let response = client
            .post(server.url("/"))
            .header("content-type", JSON)
            .header("x-amz-target", target)
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{target}");
        assert_eq!(
            response.headers()["x-amzn-errortype"],
            "UnknownOperationException"
        );
        assert_eq!(response.headers()["content-type"], JSON);
        assert_eq!(
            json_body(response).await,
            serde_json::json!({ "__type": "UnknownOperationException" })
        );
    }
    let without_target = client
        .post(server.url("/"))
        .header("content-type", JSON)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(without_target.status(), 400);
}

#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    let response = kinesis_post(&client, &server, JSON, "PutRecords", r#"{"StreamName": "#).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["x-amzn-errortype"], "SerializationException");
    let body = json_body(response).await;
    assert_eq!(body["__type"], "SerializationException");
    assert!(body["Message"].as_str().unwrap().contains("line 1"), "{body}");

    let empty = kinesis_post(&client, &server, JSON, "PutRecords", "").await;
    assert_eq!(empty.status(), 400);
    assert_eq!(
        json_body(empty).await,
        serde_json::json!({ "__type": "SerializationException" })
    );
}

#[tokio::test]
async fn not_implemented_operation_has_a_clear_message() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    let response = kinesis_post(&client, &server, JSON, "SubscribeToShard", "{}").await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["x-amzn-errortype"], "InvalidArgumentException");
    assert_eq!(
        json_body(response).await,
        serde_json::json!({
            "__type": "InvalidArgumentException",
            "message": "Sluice does not implement the Kinesis operation SubscribeToShard yet"
        })
    );
}

#[tokio::test]
async fn firehose_is_refused_clearly() {
    let server = TestServer::default().await;
    let response = reqwest::Client::new()
        .post(server.url("/"))
        .header("content-type", JSON)
        .header("x-amz-target", "Firehose_20150804.ListDeliveryStreams")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body = json_body(response).await;
    assert_eq!(body["__type"], "InvalidArgumentException");
    assert_eq!(body["message"], "Firehose is not available in this build yet");
}

#[tokio::test]
async fn every_answer_has_request_ids() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    let first = kinesis_post(&client, &server, JSON, "PutRecord", "{}").await;
    let second = kinesis_post(&client, &server, JSON, "PutRecord", "{}").await;
    let first_id = first.headers()["x-amzn-requestid"].to_str().unwrap().to_owned();
    let second_id = second.headers()["x-amzn-requestid"].to_str().unwrap().to_owned();
    assert_eq!(first_id.len(), 36);
    assert_ne!(first_id, second_id);
    assert!(first.headers().contains_key("x-amz-id-2"));
}

#[tokio::test]
async fn cbor_error_body_is_cbor() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    let unknown = kinesis_post(&client, &server, CBOR, "NoSuchOperation", vec![0xa0]).await;
    assert_eq!(unknown.status(), 400);
    assert_eq!(unknown.headers()["content-type"], CBOR);
    let body: ciborium::Value = ciborium::from_reader(&unknown.bytes().await.unwrap()[..]).unwrap();
    assert_eq!(
        body,
        ciborium::Value::Map(vec![("__type".into(), "UnknownOperationException".into())])
    );

    let not_implemented = kinesis_post(&client, &server, CBOR, "RegisterStreamConsumer", vec![0xa0]).await;
    let body: ciborium::Value = ciborium::from_reader(&not_implemented.bytes().await.unwrap()[..]).unwrap();
    let expected = ciborium::Value::Map(vec![
        ("__type".into(), "InvalidArgumentException".into()),
        (
            "message".into(),
            "Sluice does not implement the Kinesis operation RegisterStreamConsumer yet".into(),
        ),
    ]);
    assert_eq!(body, expected);

    let truncated = kinesis_post(&client, &server, CBOR, "PutRecords", vec![0xa1]).await;
    assert_eq!(truncated.status(), 400);
    assert_eq!(truncated.headers()["content-type"], CBOR);
    let body: ciborium::Value = ciborium::from_reader(&truncated.bytes().await.unwrap()[..]).unwrap();
    let expected = ciborium::Value::Map(vec![
        ("__type".into(), "SerializationException".into()),
        (
            "Message".into(),
            "the CBOR body ends in the middle of an item".into(),
        ),
    ]);
    assert_eq!(body, expected);
}

#[tokio::test]
async fn declared_oversized_body_is_413_without_being_sent() {
    let server = TestServer::default().await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: {JSON}\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\n\
         Content-Length: {}\r\n\r\n",
        8 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Not one byte of the body is sent: the answer must come from the header alone.
    let (head, body) = tokio::time::timeout(Duration::from_secs(10), read_raw_response(&mut stream))
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.to_ascii_lowercase().contains("x-amzn-requestid"), "{head}");
    assert!(body.is_empty());
}

#[tokio::test]
async fn streamed_oversized_body_is_413() {
    let config = ApiConfig { max_body_bytes: 1024 };
    let server = TestServer::start(config, None).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: {JSON}\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
    for _ in 0..2 {
        // The server may answer (and stop reading) as soon as the limit is crossed.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let (head, _) = tokio::time::timeout(Duration::from_secs(10), read_raw_response(&mut stream))
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
}

#[tokio::test]
async fn body_at_the_limit_is_accepted() {
    let config = ApiConfig { max_body_bytes: 64 };
    let server = TestServer::start(config, None).await;
    let client = reqwest::Client::new();
    let padded = format!("{{\"StreamName\": \"{}\"}}", "s".repeat(64 - 18));
    assert_eq!(padded.len(), 64);
    let at_limit = kinesis_post(&client, &server, JSON, "ListStreams", padded.clone()).await;
    assert_eq!(at_limit.status(), 200, "the operation is reached");
    let over = kinesis_post(&client, &server, JSON, "ListStreams", format!("{padded} ")).await;
    assert_eq!(over.status(), 413);
}

#[tokio::test]
async fn connection_stays_usable_after_an_error() {
    let server = TestServer::default().await;

    // Two requests on one raw connection: an error, then another request.
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    stream
        .write_all(raw_request("PutRecords", "{").as_bytes())
        .await
        .unwrap();
    let (head, body) = read_raw_response(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("SerializationException"));
    stream
        .write_all(raw_request("SubscribeToShard", "{}").as_bytes())
        .await
        .unwrap();
    let (head, body) = read_raw_response(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("SubscribeToShard"));

    // And through one reqwest client.
    let client = reqwest::Client::new();
    let first = kinesis_post(&client, &server, JSON, "NoSuchOperation", "{}").await;
    assert_eq!(first.status(), 400);
    let _ = first.bytes().await.unwrap();
    let second = client.get(server.url("/health")).send().await.unwrap();
    assert_eq!(second.status(), 200);
}

#[tokio::test]
async fn clock_endpoint_moves_the_manual_clock() {
    let manual_clock = Arc::new(sluice_core::ManualClock::new());
    let server = TestServer::start(ApiConfig::default(), Some(manual_clock.clone())).await;
    let client = reqwest::Client::new();
    let before = sluice_core::Clock::now_ms(manual_clock.as_ref());
    let response = client
        .post(server.url("/_sluice/clock"))
        .body(r#"{"advance_ms": 3600000}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let now_ms = json_body(response).await["now_ms"].as_i64().unwrap();
    assert!(now_ms >= before + 3_600_000);
    assert_eq!(manual_clock.offset_ms(), 3_600_000);

    let bad = client
        .post(server.url("/_sluice/clock"))
        .body(r#"{"advance": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn clock_endpoint_is_404_without_a_manual_clock() {
    let server = TestServer::default().await;
    let response = reqwest::Client::new()
        .post(server.url("/_sluice/clock"))
        .body(r#"{"advance_ms": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn graceful_shutdown_returns() {
    let server = TestServer::default().await;
    let client = reqwest::Client::new();
    assert_eq!(
        client.get(server.url("/health")).send().await.unwrap().status(),
        200
    );
    server.stop().await.unwrap();
}
