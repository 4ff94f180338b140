//! Reading a request body into memory without letting the client choose how much memory.
//!
//! A body is refused with [`BodyError::TooLarge`] (answered 413) *before* any of it is read when
//! its `Content-Length` is over the limit, and as soon as the limit is crossed when it streams
//! without one (chunked transfer encoding). Nothing beyond `limit` bytes is ever buffered.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the request body is over the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("cannot read the request body: {0}")]
    Read(String),
}

/// The declared `Content-Length`, if there is a readable one. hyper has already refused requests
/// whose header is not a valid length.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// Most bytes of an over-limit body that are read and thrown away so the client sees the 413
/// instead of a broken pipe; a larger declared body just has its connection closed.
pub const MAX_DRAINED_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the whole body if it is at most `limit` bytes. With a declared length the buffer is
/// allocated once at that size.
pub async fn read_bounded(
    body: Body,
    declared_length: Option<u64>,
    limit: usize,
) -> Result<Bytes, BodyError> {
    if let Some(length) = declared_length {
        let over_limit = usize::try_from(length).map_or(true, |declared| declared > limit);
        if over_limit {
            if length <= MAX_DRAINED_BYTES {
                drain(body).await;
            }
            return Err(BodyError::TooLarge { limit });
        }
    }
    let capacity = declared_length.map_or(0, |length| length as usize);
    let mut buffer = BytesMut::with_capacity(capacity);
    let mut limited = Limited::new(body, limit);
    while let Some(frame) = limited.frame().await {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    buffer.extend_from_slice(&data);
                }
            }
            Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(BodyError::TooLarge { limit });
            }
            Err(error) => return Err(BodyError::Read(error.to_string())),
        }
    }
    Ok(buffer.freeze())
}

/// How long draining waits for the next piece of an over-limit body before answering anyway.
const DRAIN_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Reads and discards a body, one frame at a time (nothing is kept in memory), until it ends,
/// fails, or the client stops sending for [`DRAIN_IDLE_TIMEOUT`].
async fn drain(mut body: Body) {
    while let Ok(Some(Ok(_))) = tokio::time::timeout(DRAIN_IDLE_TIMEOUT, body.frame()).await {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_a_body_within_the_limit() {
        let bytes = read_bounded(Body::from("hello"), Some(5), 5).await.unwrap();
        assert_eq!(&bytes[..], b"hello");
        let bytes = read_bounded(Body::from("hello"), None, 5).await.unwrap();
        assert_eq!(&bytes[..], b"hello");
    }

    #[tokio::test]
    async fn refuses_a_declared_length_over_the_limit_without_reading() {
        // The body is never polled, so its content does not matter.
        let result = read_bounded(Body::empty(), Some(8 * 1024 * 1024), 7 * 1024 * 1024).await;
        assert!(matches!(result, Err(BodyError::TooLarge { .. })));
        let result = read_bounded(Body::empty(), Some(u64::MAX), 1).await;
        assert!(matches!(result, Err(BodyError::TooLarge { .. })));
    }

    #[tokio::test]
    async fn refuses_an_undeclared_body_that_grows_over_the_limit() {
        let result = read_bounded(Body::from(vec![0u8; 11]), None, 10).await;
        assert!(matches!(result, Err(BodyError::TooLarge { limit: 10 })));
    }

    #[test]
    fn declared_length_parses_the_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(declared_length(&headers), None);
        headers.insert(CONTENT_LENGTH, "42".parse().unwrap());
        assert_eq!(declared_length(&headers), Some(42));
    }
}
