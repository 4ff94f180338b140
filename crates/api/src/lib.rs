//! The HTTP edge of Sluice: the AWS Kinesis Data Streams wire protocol (and later Firehose's).
//!
//! A request flows through these pieces, in this order:
//!
//! - [`server`]: the axum [`router`] and [`serve`]. It checks method, content type and body size
//!   before reading the body (spec A.4), parses `X-Amz-Target` ([`protocol::target`]) and hands the
//!   body to the service's operation table.
//! - [`kinesis`]: the operation table, [`kinesis::dispatch`]; one `kinesis/<operation>.rs` file per
//!   operation, each `async fn handle(state: &AppState, input: XxxInput) -> Result<XxxOutput,
//!   ApiError>`, wired with [`run`] ([`operation`]), which decodes, calls and encodes.
//! - [`protocol`]: the two encodings ([`Protocol::Json`] and [`Protocol::Cbor`]) with
//!   [`protocol::decode`] / [`protocol::encode`], and the wire types whose form differs between
//!   them: [`Blob`] (base64 text or byte string) and [`Timestamp`] (epoch seconds or tag-1 epoch
//!   milliseconds). [`protocol::sigv4`] parses the `Authorization` header.
//! - [`validation`]: [`Violations`], AWS's Coral-style `ValidationException` messages.
//! - [`error`]: [`ApiError`] (an [`sluice_core::AwsErrorKind`] plus a message) and the one function
//!   that renders it, [`error::render_error`].
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use std::sync::Arc;
//! use sluice_api::{ApiConfig, AppState};
//!
//! let clock: sluice_core::SharedClock = Arc::new(sluice_core::SystemClock);
//! let streams = sluice_streams::Streams::open(sluice_streams::StreamsConfig::new("/tmp/sluice"), clock.clone())
//!     .map_err(|error| std::io::Error::other(error.to_string()))?;
//! let state = AppState { streams, clock, manual_clock: None, config: ApiConfig::default() };
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:4567").await?;
//! sluice_api::serve(listener, state, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await
//! # }
//! ```

pub mod body;
pub mod error;
pub mod health;
pub mod kinesis;
pub mod operation;
pub mod protocol;
pub mod request_ids;
pub mod server;
pub mod validation;

#[cfg(test)]
mod test_support;

pub use error::ApiError;
pub use operation::{AnyMembers, EmptyOutput, run, success_response};
pub use protocol::{Blob, Protocol, Timestamp};
pub use server::{ApiConfig, AppState, DEFAULT_MAX_BODY_BYTES, router, serve};
pub use validation::{JavaObject, Violations};
