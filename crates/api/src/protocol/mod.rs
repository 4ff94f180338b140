//! The two body encodings of the AWS JSON-RPC protocol and the codecs between them and Rust types.
//!
//! A request's `Content-Type` picks its [`Protocol`] (spec A.1, A.5): awsJson 1.1 (every SDK) or
//! its CBOR twin (the Java SDKs, hence KCL). Requests and responses use the same member names in
//! both; only blobs and timestamps are written differently, and [`Blob`] and [`Timestamp`] take care
//! of that by asking the serializer whether it is human readable. The answer goes out in the
//! request's encoding.
//!
//! Decoding never panics and never trusts the input: an empty body, a syntax error or a member of
//! the wrong type all become a 400 `SerializationException` (spec A.4). Nesting depth is bounded by
//! the decoders themselves (serde_json: 128 levels, ciborium: 256).
//!
//! Two decoding entry points exist:
//! - [`decode`] (`T: DeserializeOwned`) is the default, and is what [`crate::run`] uses.
//! - [`decode_borrowed`] lets an input borrow strings straight from the body when it is JSON
//!   (declare such members as `Cow<'a, str>` with `#[serde(borrow)]`). ciborium cannot lend out
//!   borrowed data (its `Deserializer` is only reachable through `from_reader`, which demands
//!   `DeserializeOwned`), so for CBOR this function first decodes a `ciborium::Value` tree and then
//!   deserializes `T` from it: the `Cow`s come out owned, and the tree costs roughly one more copy
//!   of the body, which the body-size limit bounds. Never use `&'a str` members: they cannot be
//!   filled from CBOR and would fail every CBOR request with a `SerializationException`.
//!
//! Not here: which operation a request names ([`target`]), and the rendering of errors
//! ([`crate::error`]).

pub mod blob;
pub mod sigv4;
pub mod target;
pub mod timestamp;

use bytes::Bytes;
use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned};

use crate::error::ApiError;

pub use blob::Blob;
pub use timestamp::Timestamp;

/// The content type of awsJson 1.1 bodies, and of every JSON answer.
pub const JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The content type of CBOR bodies (Java SDKs), and of every CBOR answer.
pub const CBOR_CONTENT_TYPE: &str = "application/x-amz-cbor-1.1";

/// Media types that select [`Protocol::Json`].
const JSON_MEDIA_TYPES: [&str; 3] = [
    JSON_CONTENT_TYPE,
    "application/x-amz-json-1.0",
    "application/json",
];

/// The encoding of a request body, and so of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Json,
    Cbor,
}

impl Protocol {
    /// The protocol a `Content-Type` header value selects, or `None` when Sluice does not speak it
    /// (the caller answers that with the 403/404 forms of spec A.4). Parameters such as
    /// `; charset=utf-8` are ignored, and the comparison is case-insensitive.
    pub fn from_content_type(content_type: Option<&str>) -> Option<Protocol> {
        let header_value = content_type?;
        let media_type = header_value.split(';').next().unwrap_or_default().trim();
        if JSON_MEDIA_TYPES
            .iter()
            .any(|json| media_type.eq_ignore_ascii_case(json))
        {
            return Some(Protocol::Json);
        }
        if media_type.eq_ignore_ascii_case(CBOR_CONTENT_TYPE) {
            return Some(Protocol::Cbor);
        }
        None
    }

    /// The `Content-Type` of answers in this protocol. JSON requests sent as
    /// `application/x-amz-json-1.0` or `application/json` are answered as 1.1: the bodies are the
    /// same and SDKs do not check the answer's content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::Json => JSON_CONTENT_TYPE,
            Protocol::Cbor => CBOR_CONTENT_TYPE,
        }
    }
}

/// Decodes a request body into an owned input type.
pub fn decode<T: DeserializeOwned>(protocol: Protocol, body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::serialization_without_message());
    }
    match protocol {
        Protocol::Json => {
            require_json_object(body)?;
            serde_json::from_slice(body).map_err(|error| json_error(&error))
        }
        Protocol::Cbor => decode_cbor_owned(body),
    }
}

/// A request body must be a JSON object: serde's derived decoders would also accept an array
/// holding the members in order, which AWS refuses.
fn require_json_object(body: &[u8]) -> Result<(), ApiError> {
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{') => Ok(()),
        _ => Err(ApiError::serialization(
            "Start of structure or map expected: the request body must be a JSON object",
        )),
    }
}

/// Decodes a request body into an input type that may borrow from it (JSON only; see the module
/// doc for what happens with CBOR and which member types to use).
pub fn decode_borrowed<'a, T: Deserialize<'a>>(protocol: Protocol, body: &'a [u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::serialization_without_message());
    }
    match protocol {
        Protocol::Json => serde_json::from_slice(body).map_err(|error| json_error(&error)),
        Protocol::Cbor => {
            let tree: ciborium::Value = decode_cbor_owned(body)?;
            tree.deserialized::<T>().map_err(|error| match error {
                ciborium::value::Error::Custom(message) => ApiError::serialization(message),
            })
        }
    }
}

/// Encodes an output (or an error body) in the given protocol.
pub fn encode<T: Serialize + ?Sized>(protocol: Protocol, value: &T) -> Result<Bytes, ApiError> {
    match protocol {
        Protocol::Json => serde_json::to_vec(value)
            .map(Bytes::from)
            .map_err(|error| ApiError::internal(format!("cannot encode the response as JSON: {error}"))),
        Protocol::Cbor => {
            let mut buffer = Vec::new();
            match ciborium::into_writer(value, &mut buffer) {
                Ok(()) => Ok(Bytes::from(buffer)),
                Err(error) => Err(ApiError::internal(format!(
                    "cannot encode the response as CBOR: {error}"
                ))),
            }
        }
    }
}

/// Decodes one CBOR item that must span the whole body.
fn decode_cbor_owned<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut remaining = body;
    let value = ciborium::from_reader(&mut remaining).map_err(|error| cbor_error(&error))?;
    if !remaining.is_empty() {
        let offset = body.len() - remaining.len();
        return Err(ApiError::serialization(format!(
            "unexpected data after the CBOR body at byte offset {offset}"
        )));
    }
    Ok(value)
}

/// Turns a serde_json error into a `SerializationException`.
///
/// Data errors (a member of the wrong type, a bad blob) carry their message without serde_json's
/// ` at line L column C` suffix, so texts fixed by AWS (the blob messages of spec A.4) come out
/// exactly; syntax errors keep the position, which is all a client can act on.
fn json_error(error: &serde_json::Error) -> ApiError {
    let full_message = error.to_string();
    if error.classify() != serde_json::error::Category::Data {
        return ApiError::serialization(full_message);
    }
    let position_suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full_message
        .strip_suffix(&position_suffix)
        .unwrap_or(&full_message);
    ApiError::serialization(message.to_owned())
}

/// Turns a ciborium decoding error into a `SerializationException`.
fn cbor_error(error: &ciborium::de::Error<std::io::Error>) -> ApiError {
    use ciborium::de::Error;
    let message = match error {
        Error::Io(_) => "the CBOR body ends in the middle of an item".to_owned(),
        Error::Syntax(offset) => format!("malformed CBOR at byte offset {offset}"),
        Error::Semantic(_, message) => message.clone(),
        Error::RecursionLimitExceeded => "the CBOR body is nested too deeply".to_owned(),
    };
    ApiError::serialization(message)
}

#[cfg(test)]
mod tests;
