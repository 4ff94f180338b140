//! The HTTP server: the shared [`AppState`], the [`router`], the AWS request pipeline, and [`serve`]
//! with graceful shutdown.
//!
//! Every request that is not `GET /health` or `POST /_sluice/clock` goes through the AWS pipeline,
//! whatever its path (kinesalite ignores the path, and so do the SDKs' endpoint rules). The steps
//! follow kinesalite's order (spec A.4):
//!
//! 1. method: anything but POST → 403 `AccessDeniedException` (XML form);
//! 2. content type: not JSON 1.1 / CBOR 1.1 → 404 (403 if `X-Amz-Target` is not even
//!    `<service>.<operation>`);
//! 3. body size: over `ApiConfig::max_body_bytes` → 413, decided from `Content-Length` before
//!    reading anything, or as soon as a streamed body crosses the limit;
//! 4. target: unknown service → 400 `UnknownOperationException`;
//! 5. authorization: parsed and logged, never required in this release (see
//!    [`crate::protocol::sigv4`]);
//! 6. dispatch to the service's operation table, which decodes (400 `SerializationException`),
//!    validates and runs the operation.
//!
//! Kinesalite parses the body before it looks at the target; here the target comes first, because
//! the input type depends on the operation. The only visible difference: a malformed body sent to
//! an unknown operation gets `UnknownOperationException` instead of `SerializationException`.
//!
//! Every answer of the pipeline carries `x-amzn-RequestId` and `x-amz-id-2`; errors are rendered by
//! [`crate::error`] only.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use sluice_core::{AwsErrorKind, ManualClock, SharedClock};

use crate::body::{self, BodyError};
use crate::error::{self, ApiError, Rejection};
use crate::health;
use crate::kinesis;
use crate::protocol::Protocol;
use crate::protocol::sigv4;
use crate::protocol::target::{self, Service, TARGET_HEADER, Target};
use crate::request_ids::RequestIds;

/// The largest request body accepted, as in AWS and kinesalite (7 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 7 * 1024 * 1024;

/// Settings of the HTTP edge. Region and account live in the stream registry's configuration
/// (`AppState::streams`), which every operation reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// Bodies over this many bytes are answered 413 without being read.
    pub max_body_bytes: usize,
}

impl Default for ApiConfig {
    fn default() -> ApiConfig {
        ApiConfig {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// What every handler can reach. Cheap to clone: each field is shared or small.
#[derive(Debug, Clone)]
pub struct AppState {
    pub streams: sluice_streams::Streams,
    /// The server's notion of now; the same clock as `manual_clock` when that is set.
    pub clock: SharedClock,
    /// Present only when the server runs with a test clock; enables `POST /_sluice/clock`.
    pub manual_clock: Option<Arc<ManualClock>>,
    pub config: ApiConfig,
}

/// The whole HTTP surface of Sluice.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health::health).fallback(aws_request))
        .route(
            "/_sluice/clock",
            post(health::advance_clock).fallback(aws_request),
        )
        .fallback(aws_request)
        .with_state(state)
}

/// Serves [`router`] on `listener` until `shutdown` completes, then stops accepting connections
/// and returns once the requests in flight have been answered.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = listener.tap_io(|stream| {
        // Answers are small and latency matters more than packet count.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(error = %error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// The AWS endpoint: runs the pipeline and stamps the request ids on whatever it answers.
async fn aws_request(State(state): State<AppState>, request: Request) -> Response {
    let ids = RequestIds::generate();
    let mut response = aws_pipeline(&state, request).await;
    ids.stamp(response.headers_mut());
    response
}

async fn aws_pipeline(state: &AppState, request: Request) -> Response {
    let (parts, request_body) = request.into_parts();
    if parts.method != Method::POST {
        return error::render_rejection(Rejection::AccessDenied);
    }

    let target_header = header_text(&parts.headers, TARGET_HEADER);
    let Some(protocol) =
        Protocol::from_content_type(header_text(&parts.headers, header::CONTENT_TYPE.as_str()))
    else {
        let rejection = if target::names_service_and_operation(target_header) {
            Rejection::UnsupportedContentType
        } else {
            Rejection::AccessDenied
        };
        return error::render_rejection(rejection);
    };

    let declared_length = body::declared_length(&parts.headers);
    let body = match body::read_bounded(request_body, declared_length, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(BodyError::TooLarge { limit }) => {
            tracing::debug!(limit, declared_length, "refusing a request body over the limit");
            return error::render_rejection(Rejection::BodyTooLarge);
        }
        Err(error @ BodyError::Read(_)) => {
            return render_api_error(&ApiError::serialization(error.to_string()), protocol, None);
        }
    };

    let target = match Target::parse(target_header) {
        Ok(target) => target,
        Err(error) => return render_api_error(&error, protocol, None),
    };

    if let Some(authorization) = sigv4::authorization_from_headers(&parts.headers) {
        tracing::trace!(access_key_id = %authorization.access_key_id, region = %authorization.region, "sigv4 credential");
    }

    let result = match target.service {
        Service::Kinesis => {
            let task_state = state.clone();
            let operation = target.operation.to_owned();
            isolated(async move { kinesis::dispatch(&task_state, protocol, &operation, body).await }).await
        }
        Service::Firehose => Err(ApiError::invalid_argument(
            "Firehose is not available in this build yet",
        )),
    };
    match result {
        Ok(response) => response,
        Err(error) => render_api_error(&error, protocol, Some(target.operation)),
    }
}

/// Runs an operation on its own task, so that:
/// - a bug that panics in a handler answers 500 `InternalFailure` instead of dropping the
///   connection (the server itself never goes down: each connection is a task too);
/// - an operation, once started, runs to completion even if the client disconnects, so a write is
///   never abandoned halfway between the log and the answer.
async fn isolated<F>(operation: F) -> Result<Response, ApiError>
where
    F: Future<Output = Result<Response, ApiError>> + Send + 'static,
{
    match tokio::spawn(operation).await {
        Ok(result) => result,
        Err(join_error) => {
            tracing::error!(error = %join_error, "an operation handler panicked");
            Err(ApiError::internal("the operation failed unexpectedly"))
        }
    }
}

/// Logs an error by severity, then renders it.
fn render_api_error(error: &ApiError, protocol: Protocol, operation: Option<&str>) -> Response {
    let error_type = error.error_type();
    let message = error.message.as_deref().unwrap_or_default();
    if error.kind == AwsErrorKind::InternalFailure {
        tracing::warn!(operation, error_type, message, "request failed");
    } else {
        tracing::debug!(operation, error_type, message, "request refused");
    }
    error::render_error(error, protocol)
}

/// A header's value when it is present and visible ASCII.
fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_operation_is_an_internal_failure() {
        let result = isolated(async { panic!("handler bug") }).await;
        assert_eq!(
            result.unwrap_err(),
            ApiError::internal("the operation failed unexpectedly")
        );
        let result = isolated(async { Err(ApiError::unknown_operation()) }).await;
        assert_eq!(result.unwrap_err(), ApiError::unknown_operation());
    }
}
