//! A small Kinesis wire client for the people-facing commands (`put`, `tail`, `streams`, `bench`).
//!
//! It speaks only the public wire protocol — JSON 1.1 over HTTP `POST /` with
//! `X-Amz-Target: Kinesis_20131202.<Operation>`, signed with SigV4 — so the same commands work against
//! Sluice, kinesalite or any other Kinesis-compatible endpoint. AWS error bodies
//! (`{"__type": …, "message": …}`) become a [`CallError`] whose code callers can branch on; there is
//! no retry here, callers decide with [`CallError::is_retryable`] and a [`backoff::Backoff`].
//!
//! The reqwest client is built without TLS, so endpoints are plain `http://`.

pub mod backoff;
mod error;
pub mod model;
pub mod sigv4;
pub mod timestamp;

use anyhow::Context as _;
use bytes::Bytes;
use clap::Args;
pub use error::CallError;
use error::service_error;
use model::{GetShardIteratorOutput, IteratorPosition, ListShardsOutput, Shard};
use reqwest::header::{CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

/// The JSON 1.1 content type of every request.
const CONTENT_TYPE_JSON: &str = "application/x-amz-json-1.1";
/// The `X-Amz-Target` prefix of Kinesis operations.
const TARGET_PREFIX: &str = "Kinesis_20131202.";
/// A request that takes longer than this is abandoned.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Where to send requests; flattened into every client command.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// Kinesis endpoint URL (Sluice, or any Kinesis-compatible server).
    #[arg(long, env = "SLUICE_ENDPOINT", default_value = "http://127.0.0.1:4567")]
    pub endpoint: String,
    /// Region named in request signatures (credentials come from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY; a fixed local pair is used when they are unset).
    #[arg(long, env = "AWS_REGION", default_value = "us-east-1")]
    pub region: String,
}

/// A connection-pooling Kinesis client.
#[derive(Debug, Clone)]
pub struct KinesisClient {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    host: HeaderValue,
    host_text: String,
    region: String,
    credentials: aws_credential_types::Credentials,
}

impl KinesisClient {
    /// Builds a client keeping up to `pool_size` idle connections to the endpoint (one per concurrent
    /// worker is what a load generator wants).
    pub fn new(args: &ClientArgs, pool_size: usize) -> anyhow::Result<KinesisClient> {
        let endpoint = reqwest::Url::parse(&args.endpoint)
            .with_context(|| format!("invalid --endpoint '{}'", args.endpoint))?;
        if endpoint.scheme() != "http" {
            anyhow::bail!(
                "--endpoint must be an http:// URL (this build has no TLS), got '{}'",
                args.endpoint
            );
        }
        let host_name = endpoint
            .host_str()
            .with_context(|| format!("--endpoint '{}' has no host", args.endpoint))?;
        let host_text = match endpoint.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        let host = HeaderValue::from_str(&host_text).context("endpoint host is not a valid header value")?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(pool_size.max(1))
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(5))
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("cannot build the HTTP client")?;
        Ok(KinesisClient {
            http,
            endpoint,
            host,
            host_text,
            region: args.region.clone(),
            credentials: sigv4::credentials_from_env(),
        })
    }

    /// The endpoint as given.
    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    /// Calls `operation` with a JSON body and returns the JSON answer (`{}` for an empty answer).
    pub async fn call(&self, operation: &str, body: &Value) -> Result<Value, CallError> {
        self.call_typed(operation, body).await
    }

    /// Calls `operation` and decodes the answer into `T`.
    pub async fn call_typed<T: DeserializeOwned>(
        &self,
        operation: &str,
        body: &Value,
    ) -> Result<T, CallError> {
        let encoded = serde_json::to_vec(body).map_err(|error| CallError::Decode {
            operation: operation.to_owned(),
            detail: error.to_string(),
        })?;
        let payload_hash = sigv4::sha256_hex(&encoded);
        let answer = self
            .call_raw(operation, Bytes::from(encoded), &payload_hash)
            .await?;
        let answer_or_empty: &[u8] = if answer.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &answer
        };
        serde_json::from_slice(answer_or_empty).map_err(|error| CallError::Decode {
            operation: operation.to_owned(),
            detail: error.to_string(),
        })
    }

    /// Sends an already encoded body (whose SHA-256 the caller computed) and returns the raw answer.
    pub async fn call_raw(
        &self,
        operation: &str,
        body: Bytes,
        payload_sha256_hex: &str,
    ) -> Result<Bytes, CallError> {
        let headers = self.signed_headers(operation, payload_sha256_hex)?;
        let transport = |source: reqwest::Error| CallError::Transport {
            operation: operation.to_owned(),
            endpoint: self.endpoint.to_string(),
            source,
        };
        let response = self
            .http
            .post(self.endpoint.clone())
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let error_type_header = response
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let answer = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            Ok(answer)
        } else {
            Err(service_error(
                operation,
                status.as_u16(),
                error_type_header.as_deref(),
                &answer,
            ))
        }
    }

    fn signed_headers(&self, operation: &str, payload_sha256_hex: &str) -> Result<HeaderMap, CallError> {
        let target = format!("{TARGET_PREFIX}{operation}");
        let signing_failed = |detail: String| CallError::Signing {
            operation: operation.to_owned(),
            detail,
        };
        let signature_headers = sigv4::signing_headers(
            &self.credentials,
            &sigv4::SigningInput {
                method: "POST",
                url: self.endpoint.as_str(),
                headers: &[
                    ("content-type", CONTENT_TYPE_JSON),
                    ("host", &self.host_text),
                    ("x-amz-target", &target),
                ],
                payload_sha256_hex,
                region: &self.region,
                service: sigv4::SERVICE,
                time: SystemTime::now(),
            },
        )
        .map_err(|error| signing_failed(format!("{error:#}")))?;
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(HOST, self.host.clone());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
        let target_value = HeaderValue::from_str(&target)
            .map_err(|_| signing_failed(format!("operation '{operation}' is not a valid header value")))?;
        headers.insert(HeaderName::from_static("x-amz-target"), target_value);
        for (name, value) in signature_headers {
            let invalid = || signing_failed(format!("the signer's {name} header is not a valid header"));
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let header_value = HeaderValue::from_str(&value).map_err(|_| invalid())?;
            headers.insert(header_name, header_value);
        }
        Ok(headers)
    }

    /// All shards of a stream, following `NextToken` pages.
    pub async fn list_all_shards(&self, stream: &str) -> Result<Vec<Shard>, CallError> {
        let mut shards = Vec::new();
        let mut request = json!({"StreamName": stream});
        loop {
            let page: ListShardsOutput = self.call_typed("ListShards", &request).await?;
            shards.extend(page.shards);
            match page.next_token {
                Some(token) if !token.is_empty() => request = json!({"NextToken": token}),
                _ => return Ok(shards),
            }
        }
    }

    /// A shard iterator at `position`.
    pub async fn get_shard_iterator(
        &self,
        stream: &str,
        shard_id: &str,
        position: &IteratorPosition,
    ) -> Result<String, CallError> {
        let output: GetShardIteratorOutput = self
            .call_typed("GetShardIterator", &position.request(stream, shard_id))
            .await?;
        Ok(output.shard_iterator)
    }
}

/// A multi-threaded tokio runtime for one command.
pub fn runtime(worker_threads: Option<usize>) -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(threads) = worker_threads {
        builder.worker_threads(threads.max(1));
    }
    builder.build().context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rejects_https_and_garbage_endpoints() {
        for endpoint in ["https://example.com", "not a url"] {
            let args = ClientArgs {
                endpoint: endpoint.to_owned(),
                region: "us-east-1".to_owned(),
            };
            assert!(KinesisClient::new(&args, 1).is_err(), "{endpoint}");
        }
    }
}
