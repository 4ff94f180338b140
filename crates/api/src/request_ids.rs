//! The identifiers every AWS answer carries: `x-amzn-RequestId` (a UUID v4, which the SDKs expose as
//! the request id) and `x-amz-id-2` (base64 of 72 random bytes, as Kinesis and kinesalite send it).
//!
//! The server stamps both on every answer of the AWS endpoint, success or error, in one place.

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;

pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
pub const ID_2_HEADER: &str = "x-amz-id-2";

/// The identifiers of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestIds {
    pub request_id: String,
    pub id_2: String,
}

impl RequestIds {
    /// Fresh identifiers for a new request.
    pub fn generate() -> RequestIds {
        let mut random_bytes = [0u8; 72];
        rand::rng().fill_bytes(&mut random_bytes);
        RequestIds {
            request_id: uuid::Uuid::new_v4().to_string(),
            id_2: STANDARD.encode(random_bytes),
        }
    }

    /// Adds both headers to an answer.
    pub fn stamp(&self, headers: &mut HeaderMap) {
        // Both values are ASCII by construction (hex and dashes, base64), so the conversions
        // cannot fail; if they ever did, the answer would merely lack the header.
        if let Ok(request_id) = HeaderValue::from_str(&self.request_id) {
            headers.insert(REQUEST_ID_HEADER, request_id);
        }
        if let Ok(id_2) = HeaderValue::from_str(&self.id_2) {
            headers.insert(ID_2_HEADER, id_2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_aws_shapes_and_are_stamped() {
        let ids = RequestIds::generate();
        assert!(uuid::Uuid::parse_str(&ids.request_id).is_ok());
        assert_eq!(STANDARD.decode(&ids.id_2).unwrap().len(), 72);
        assert_ne!(ids, RequestIds::generate());
        let mut headers = HeaderMap::new();
        ids.stamp(&mut headers);
        assert_eq!(headers[REQUEST_ID_HEADER], ids.request_id.as_str());
        assert_eq!(headers[ID_2_HEADER], ids.id_2.as_str());
    }
}
