//! Running one typed operation handler: decode the input, call the handler, encode the output.
//!
//! Every line of a service's operation table is one call to [`run`]:
//!
//! ```text
//! "PutRecord" => run(state, protocol, &body, put_record::handle).await,
//! ```
//!
//! where `put_record::handle` is `async fn handle(state: &AppState, input: PutRecordInput) ->
//! Result<PutRecordOutput, ApiError>`. The handler validates its input (see [`crate::Violations`])
//! and does the work; operations without an output shape return [`EmptyOutput`], which goes out as
//! `{}` in JSON and an empty map in CBOR. Success answers are 200 with the request protocol's
//! `Content-Type`; the request ids are added by the server.

use std::fmt;
use std::future::Future;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::ApiError;
use crate::protocol::{self, Protocol};
use crate::server::AppState;

/// Decodes `body` as `I`, runs `handler`, and encodes its output as the 200 answer.
pub async fn run<'s, I, O, F, Fut>(
    state: &'s AppState,
    protocol: Protocol,
    body: &[u8],
    handler: F,
) -> Result<Response, ApiError>
where
    I: DeserializeOwned,
    O: Serialize,
    F: FnOnce(&'s AppState, I) -> Fut,
    Fut: Future<Output = Result<O, ApiError>>,
{
    let input: I = protocol::decode(protocol, body)?;
    let output = handler(state, input).await?;
    success_response(protocol, &output)
}

/// A 200 answer carrying `output` in the request's protocol.
pub fn success_response<O: Serialize + ?Sized>(protocol: Protocol, output: &O) -> Result<Response, ApiError> {
    Ok(encoded_response(protocol, protocol::encode(protocol, output)?))
}

/// A 200 answer whose body is already encoded in the request's protocol.
pub fn encoded_response(protocol: Protocol, encoded: bytes::Bytes) -> Response {
    streamed_response(protocol, Body::from(encoded))
}

/// A 200 answer with a body in the request's protocol, possibly produced while it is sent.
pub fn streamed_response(protocol: Protocol, body: Body) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(protocol.content_type()),
    );
    response
}

/// The output of an operation that has no output shape: `{}` on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EmptyOutput {}

/// An input that must be a map (a JSON object, a CBOR map) and whose members are ignored: what
/// operations without a real handler decode, so a malformed body still gets its
/// `SerializationException` first, as it would from AWS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnyMembers;

impl<'de> Deserialize<'de> for AnyMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AnyMembers, D::Error> {
        deserializer.deserialize_map(AnyMembersVisitor)
    }
}

struct AnyMembersVisitor;

impl<'de> Visitor<'de> for AnyMembersVisitor {
    type Value = AnyMembers;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a structure")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyMembers, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(AnyMembers)
    }
}

#[cfg(test)]
mod tests {
    use sluice_core::AwsErrorKind;

    use super::*;
    use crate::protocol::{Blob, Timestamp};
    use crate::test_support::test_state;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct EchoInput {
        data: Blob,
        at: Timestamp,
    }

    #[derive(Debug, serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct EchoOutput {
        data: Blob,
        at: Timestamp,
        region: String,
    }

    async fn echo(state: &AppState, input: EchoInput) -> Result<EchoOutput, ApiError> {
        if input.data.is_empty() {
            return Err(ApiError::invalid_argument("empty data"));
        }
        Ok(EchoOutput {
            data: input.data,
            at: input.at,
            region: state.streams.config().region.clone(),
        })
    }

    async fn nothing(_state: &AppState, _input: AnyMembers) -> Result<EmptyOutput, ApiError> {
        Ok(EmptyOutput {})
    }

    async fn body_of(response: Response) -> bytes::Bytes {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn runs_a_handler_end_to_end_in_json() {
        let (_data_dir, state) = test_state();
        let body = br#"{"Data": "aGk=", "At": 1603149588.042}"#;
        let response = run(&state, Protocol::Json, body, echo).await.unwrap();
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-amz-json-1.1"
        );
        assert_eq!(
            &body_of(response).await[..],
            br#"{"Data":"aGk=","At":1603149588.042,"Region":"us-east-1"}"#
        );
    }

    #[tokio::test]
    async fn runs_a_handler_end_to_end_in_cbor() {
        let (_data_dir, state) = test_state();
        let request = ciborium::Value::Map(vec![
            ("Data".into(), ciborium::Value::Bytes(b"hi".to_vec())),
            (
                "At".into(),
                ciborium::Value::Tag(1, Box::new(1_603_149_588_042_u64.into())),
            ),
        ]);
        let body = protocol::encode(Protocol::Cbor, &request).unwrap();
        let response = run(&state, Protocol::Cbor, &body, echo).await.unwrap();
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-amz-cbor-1.1"
        );
        let answer: ciborium::Value = ciborium::from_reader(&body_of(response).await[..]).unwrap();
        let expected = ciborium::Value::Map(vec![
            ("Data".into(), ciborium::Value::Bytes(b"hi".to_vec())),
            (
                "At".into(),
                ciborium::Value::Tag(1, Box::new(1_603_149_588_042_u64.into())),
            ),
            ("Region".into(), "us-east-1".into()),
        ]);
        assert_eq!(answer, expected);
    }

    #[tokio::test]
    async fn decode_and_handler_errors_come_back() {
        let (_data_dir, state) = test_state();
        let error = run(&state, Protocol::Json, b"{", echo).await.unwrap_err();
        assert_eq!(error.kind, AwsErrorKind::Serialization);
        let error = run(&state, Protocol::Json, br#"{"Data": "", "At": 1}"#, echo)
            .await
            .unwrap_err();
        assert_eq!(error, ApiError::invalid_argument("empty data"));
    }

    #[tokio::test]
    async fn empty_output_is_an_empty_map() {
        let (_data_dir, state) = test_state();
        let response = run(&state, Protocol::Json, b"{}", nothing).await.unwrap();
        assert_eq!(&body_of(response).await[..], b"{}");
        let response = run(&state, Protocol::Cbor, &[0xa0], nothing).await.unwrap();
        assert_eq!(&body_of(response).await[..], &[0xa0]);
    }

    #[test]
    fn any_members_accepts_maps_only() {
        assert!(
            protocol::decode::<AnyMembers>(Protocol::Json, br#"{"A": [1, {"b": null}], "C": "d"}"#).is_ok()
        );
        for not_a_map in [&b"[]"[..], b"null", b"1", b"\"s\""] {
            assert!(protocol::decode::<AnyMembers>(Protocol::Json, not_a_map).is_err());
        }
        assert!(protocol::decode::<AnyMembers>(Protocol::Cbor, &[0xa1, 0x61, b'k', 0x01]).is_ok());
        assert!(protocol::decode::<AnyMembers>(Protocol::Cbor, &[0x80]).is_err());
    }
}
