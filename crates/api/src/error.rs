//! [`ApiError`], and the one place where errors become HTTP answers.
//!
//! Every failure that reaches the wire is an [`AwsErrorKind`] plus an optional message.
//! [`render_error`] turns it into the AWS JSON-RPC error answer (spec A.3): the kind's status,
//! `x-amzn-ErrorType`, the request protocol's `Content-Type`, and a `{"__type", "message"}` body in
//! JSON or CBOR. [`render_rejection`] writes the few answers that come before a protocol is known
//! and so are not JSON at all (spec A.4: 403 for a non-POST, 404 for an unsupported content type,
//! 413 for a body over the limit). The request-id headers are stamped on every answer by the
//! server, not here.
//!
//! Other crates' errors gain `From` conversions into [`ApiError`] as the handlers need them.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::ser::{Serialize, SerializeMap, Serializer};
use sluice_core::AwsErrorKind;

use crate::protocol::{self, Protocol};

/// The header that names the error type, next to `__type` in the body.
pub const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// An error answered to a client: an AWS error kind and an optional message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", kind.error_type(), message.as_deref().map(|text| format!(": {text}")).unwrap_or_default())]
pub struct ApiError {
    pub kind: AwsErrorKind,
    pub message: Option<String>,
}

impl ApiError {
    /// An error of `kind` with a message.
    pub fn new(kind: AwsErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: Some(message.into()),
        }
    }

    /// An error of `kind` without a message: the body is `{"__type": "<type>"}` alone, as AWS
    /// answers an unknown operation or an empty body.
    pub fn bare(kind: AwsErrorKind) -> ApiError {
        ApiError { kind, message: None }
    }

    /// 400 `SerializationException`: the body does not decode into the operation's input.
    pub fn serialization(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::Serialization, message)
    }

    /// 400 `SerializationException` without a message (empty body, spec A.4).
    pub fn serialization_without_message() -> ApiError {
        ApiError::bare(AwsErrorKind::Serialization)
    }

    /// 400 `ValidationException`; [`crate::Violations`] builds the Coral-style message.
    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::Validation, message)
    }

    /// 400 `InvalidArgumentException`.
    pub fn invalid_argument(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::InvalidArgument, message)
    }

    /// 400 `ResourceNotFoundException`.
    pub fn resource_not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::ResourceNotFound, message)
    }

    /// 400 `ResourceInUseException`.
    pub fn resource_in_use(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::ResourceInUse, message)
    }

    /// 400 `LimitExceededException`.
    pub fn limit_exceeded(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::LimitExceeded, message)
    }

    /// 400 `UnknownOperationException` without a message, as AWS answers it.
    pub fn unknown_operation() -> ApiError {
        ApiError::bare(AwsErrorKind::UnknownOperation)
    }

    /// 500 `InternalFailure`: a bug or an unexpected server-side condition.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(AwsErrorKind::InternalFailure, message)
    }

    /// The `__type` this error is answered with.
    pub fn error_type(&self) -> &'static str {
        self.kind.error_type()
    }
}

/// The `{"__type": ..., "message": ...}` body, in either encoding.
struct ErrorBody<'a> {
    error_type: &'static str,
    message_key: &'static str,
    message: Option<&'a str>,
}

impl Serialize for ErrorBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entry_count = if self.message.is_some() { 2 } else { 1 };
        let mut map = serializer.serialize_map(Some(entry_count))?;
        map.serialize_entry("__type", self.error_type)?;
        if let Some(message) = self.message {
            map.serialize_entry(self.message_key, message)?;
        }
        map.end()
    }
}

/// The member that carries the message. The modeled errors use `message`; the framework's
/// `SerializationException` uses `Message` (spec A.4, C.10). Every SDK reads either.
fn message_key(kind: AwsErrorKind) -> &'static str {
    match kind {
        AwsErrorKind::Serialization => "Message",
        _ => "message",
    }
}

/// Renders an [`ApiError`] as the AWS JSON-RPC error answer in the request's protocol.
pub fn render_error(error: &ApiError, protocol: Protocol) -> Response {
    let error_type = error.kind.error_type();
    let body = ErrorBody {
        error_type,
        message_key: message_key(error.kind),
        message: error.message.as_deref(),
    };
    // An error body is a map of two strings, which both encoders always accept; should that ever
    // change, the status and the error-type header still tell the client what happened.
    let encoded_body = protocol::encode(protocol, &body).unwrap_or_default();
    let status = StatusCode::from_u16(error.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);

    let mut response = Response::new(Body::from(encoded_body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(protocol.content_type()),
    );
    headers.insert(ERROR_TYPE_HEADER, HeaderValue::from_static(error_type));
    response
}

/// The answers given before a request's protocol is known (spec A.4, as kinesalite reproduces
/// AWS). They are not JSON and carry no `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// 403: the method is not POST, or the content type is unsupported and `X-Amz-Target` does
    /// not even name a service and an operation.
    AccessDenied,
    /// 404: the content type is unsupported but `X-Amz-Target` names a service and an operation.
    UnsupportedContentType,
    /// 413: the body is over the configured limit (7 MiB by default).
    BodyTooLarge,
}

const ACCESS_DENIED_BODY: &str = "<AccessDeniedException>\n  \
     <Message>Unable to determine service/operation name to be authorized</Message>\n\
     </AccessDeniedException>\n";
const UNSUPPORTED_CONTENT_TYPE_BODY: &str = "<UnknownOperationException/>\n";

/// Renders a [`Rejection`].
pub fn render_rejection(rejection: Rejection) -> Response {
    let (status, error_type, body) = match rejection {
        Rejection::AccessDenied => (
            StatusCode::FORBIDDEN,
            Some("AccessDeniedException"),
            ACCESS_DENIED_BODY,
        ),
        Rejection::UnsupportedContentType => (
            StatusCode::NOT_FOUND,
            Some("UnknownOperationException"),
            UNSUPPORTED_CONTENT_TYPE_BODY,
        ),
        Rejection::BodyTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, None, ""),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Some(error_type) = error_type {
        response
            .headers_mut()
            .insert(ERROR_TYPE_HEADER, HeaderValue::from_static(error_type));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_bytes(response: Response) -> bytes::Bytes {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn json_error_has_type_message_status_and_headers() {
        let error = ApiError::resource_not_found("Stream s under account 000000000000 not found.");
        let response = render_error(&error, Protocol::Json);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[ERROR_TYPE_HEADER], "ResourceNotFoundException");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-amz-json-1.1"
        );
        let body: serde_json::Value = serde_json::from_slice(&body_bytes(response).await).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "__type": "ResourceNotFoundException",
                "message": "Stream s under account 000000000000 not found."
            })
        );
    }

    #[tokio::test]
    async fn bare_error_omits_the_message() {
        let response = render_error(&ApiError::unknown_operation(), Protocol::Json);
        assert_eq!(
            &body_bytes(response).await[..],
            br#"{"__type":"UnknownOperationException"}"#
        );
    }

    #[tokio::test]
    async fn serialization_error_uses_capital_message_key() {
        let response = render_error(&ApiError::serialization("bad"), Protocol::Json);
        assert_eq!(
            &body_bytes(response).await[..],
            br#"{"__type":"SerializationException","Message":"bad"}"#
        );
    }

    #[tokio::test]
    async fn internal_failure_is_500() {
        let response = render_error(&ApiError::internal("boom"), Protocol::Json);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[ERROR_TYPE_HEADER], "InternalFailure");
    }

    #[tokio::test]
    async fn cbor_error_is_a_cbor_map() {
        let response = render_error(&ApiError::invalid_argument("nope"), Protocol::Cbor);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-amz-cbor-1.1"
        );
        let body = body_bytes(response).await;
        let value: ciborium::Value = ciborium::from_reader(&body[..]).unwrap();
        let expected = ciborium::Value::Map(vec![
            ("__type".into(), "InvalidArgumentException".into()),
            ("message".into(), "nope".into()),
        ]);
        assert_eq!(value, expected);
    }

    #[tokio::test]
    async fn rejections_have_the_kinesalite_forms() {
        let forbidden = render_rejection(Rejection::AccessDenied);
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            &body_bytes(forbidden).await[..],
            b"<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be \
              authorized</Message>\n</AccessDeniedException>\n"
        );
        let not_found = render_rejection(Rejection::UnsupportedContentType);
        assert_eq!(not_found.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            &body_bytes(not_found).await[..],
            b"<UnknownOperationException/>\n"
        );
        let too_large = render_rejection(Rejection::BodyTooLarge);
        assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body_bytes(too_large).await.is_empty());
    }

    #[test]
    fn display_names_type_and_message() {
        assert_eq!(
            ApiError::invalid_argument("x").to_string(),
            "InvalidArgumentException: x"
        );
        assert_eq!(
            ApiError::unknown_operation().to_string(),
            "UnknownOperationException"
        );
    }
}
