//! Sluice's own small endpoints, beside the AWS protocol: `GET /health` for probes, and
//! `POST /_sluice/clock` to move the injected clock in tests.
//!
//! The clock endpoint exists only when the server runs with a [`sluice_core::ManualClock`]
//! (`AppState::manual_clock`); otherwise it answers 404, so a production server cannot be
//! time-shifted. Its body is `{"advance_ms": N}` (N may be negative) and its answer
//! `{"now_ms": <the manual clock's time after the move>}`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use crate::body::{self, BodyError};
use crate::server::AppState;

/// The largest clock request body read.
const CLOCK_BODY_LIMIT: usize = 64 * 1024;

/// `GET /health`: 200 `{"status":"ok"}`.
pub async fn health() -> Response {
    json_response(StatusCode::OK, serde_json::json!({ "status": "ok" }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance_ms: i64,
}

/// `POST /_sluice/clock`: advances the manual clock.
pub async fn advance_clock(State(state): State<AppState>, request: Request) -> Response {
    let Some(manual_clock) = state.manual_clock.as_ref() else {
        return json_error(
            StatusCode::NOT_FOUND,
            "this server does not run with a manual clock",
        );
    };
    let (parts, request_body) = request.into_parts();
    let declared_length = body::declared_length(&parts.headers);
    let bytes = match body::read_bounded(request_body, declared_length, CLOCK_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error @ BodyError::TooLarge { .. }) => {
            return json_error(StatusCode::PAYLOAD_TOO_LARGE, &error.to_string());
        }
        Err(error @ BodyError::Read(_)) => return json_error(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    let clock_request: ClockRequest = match serde_json::from_slice(&bytes) {
        Ok(clock_request) => clock_request,
        Err(error) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                &format!("expected {{\"advance_ms\": <integer>}}: {error}"),
            );
        }
    };
    manual_clock.advance_ms(clock_request.advance_ms);
    let now_ms = sluice_core::Clock::now_ms(manual_clock.as_ref());
    tracing::debug!(
        advance_ms = clock_request.advance_ms,
        now_ms,
        "manual clock advanced"
    );
    json_response(StatusCode::OK, serde_json::json!({ "now_ms": now_ms }))
}

fn json_error(status: StatusCode, message: &str) -> Response {
    json_response(status, serde_json::json!({ "message": message }))
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
