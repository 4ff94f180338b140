//! Test support: start the real `sluice` binary on a free loopback port with a temporary data
//! directory, talk to it with the official AWS SDK for Rust, move its clock, kill and restart it.
//!
//! ```no_run
//! # async fn example() {
//! // In an integration test of the `sluice` crate, pass env!("CARGO_BIN_EXE_sluice").
//! let server = sluice_testkit::TestServer::start("target/debug/sluice").await;
//! let kinesis = server.kinesis();
//! kinesis.create_stream().stream_name("events").shard_count(2).send().await.unwrap();
//! server.advance_clock(std::time::Duration::from_secs(3600)).await;
//! # }
//! ```
//!
//! [`kinesis`] holds short forms of the SDK calls tests repeat (create a stream, put a record, read
//! a shard's records as text).

// A test harness fails loudly: a panic here is a failed test with its reason.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod kinesis;

use aws_sdk_kinesis::config::{BehaviorVersion, Credentials, Region};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer `/health` after it was spawned.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `sluice serve` process with its own data directory.
pub struct TestServer {
    binary: PathBuf,
    child: Option<Child>,
    port: u16,
    data_dir: PathBuf,
    extra_args: Vec<String>,
    _temp: Option<tempfile::TempDir>,
}

impl TestServer {
    /// Starts a server with a fresh temporary data directory and the test clock enabled.
    pub async fn start(binary: &str) -> TestServer {
        TestServer::start_with(binary, &[]).await
    }

    /// Starts a server with extra `serve` arguments.
    pub async fn start_with(binary: &str, extra_args: &[&str]) -> TestServer {
        let temp = tempfile::tempdir().expect("create a temporary data directory");
        let data_dir = temp.path().to_path_buf();
        let mut server = TestServer {
            binary: PathBuf::from(binary),
            child: None,
            port: free_port(),
            data_dir,
            extra_args: extra_args.iter().map(|arg| (*arg).to_owned()).collect(),
            _temp: Some(temp),
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let mut command = Command::new(&self.binary);
        command
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--test-clock")
            .args(&self.extra_args)
            .env(
                "RUST_LOG",
                std::env::var("SLUICE_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null());
        let child = command.spawn().expect("spawn the sluice binary");
        self.child = Some(child);
        self.wait_healthy().await;
    }

    async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        let client = reqwest::Client::new();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("sluice exited during startup with {status}");
            }
            if let Ok(response) = client.get(format!("{}/health", self.endpoint())).send().await
                && response.status().is_success()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "sluice did not become healthy within {START_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// An aws-sdk-kinesis client for this server, with retries off so errors surface as they are.
    pub fn kinesis(&self) -> aws_sdk_kinesis::Client {
        let config = aws_sdk_kinesis::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(self.endpoint())
            .credentials_provider(Credentials::new(
                "AKIDSLUICETEST",
                "sluice-test-secret",
                None,
                None,
                "testkit",
            ))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(aws_sdk_kinesis::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_kinesis::Client::from_conf(config)
    }

    /// Moves the server's clock forward.
    pub async fn advance_clock(&self, by: Duration) {
        let response = reqwest::Client::new()
            .post(format!("{}/_sluice/clock", self.endpoint()))
            .json(&serde_json::json!({ "advance_ms": by.as_millis() as i64 }))
            .send()
            .await
            .expect("reach the clock endpoint");
        assert!(
            response.status().is_success(),
            "advancing the clock failed: {}",
            response.status()
        );
    }

    /// Kills the server with SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM and waits for the process to exit; returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return false;
        };
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        assert!(sent.is_ok_and(|status| status.success()), "send SIGTERM");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Starts the server again on the same port and data directory (after `kill` or `terminate`).
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("read the bound address").port()
}
