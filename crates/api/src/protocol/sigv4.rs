//! The SigV4 `Authorization` header, parsed but not verified (spec A.6).
//!
//! This release does not require authentication: a request without the header is served, and one
//! whose header does not parse is served too (the problem is logged at debug level), so no
//! credential a client happens to send can lock it out. Verification, which needs the secret of a
//! configured access key, comes later; this module only extracts what it will need: the access
//! key id, the credential scope (date, region, service), the signed header names and the
//! signature.
//!
//! Form: `AWS4-HMAC-SHA256 Credential=<AKID>/<yyyymmdd>/<region>/<service>/aws4_request,
//! SignedHeaders=<h1;h2;...>, Signature=<hex>`. The query-string form (`X-Amz-Algorithm=...`) is not
//! parsed yet.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

/// The only algorithm AWS SDKs use for these services.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of a SigV4 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigV4Authorization {
    pub access_key_id: String,
    /// The scope date, `yyyymmdd`.
    pub date: String,
    pub region: String,
    /// `kinesis` or `firehose` for the SDKs Sluice serves.
    pub service: String,
    /// Lower-case header names, in the order sent.
    pub signed_headers: Vec<String>,
    /// Lower-case hex.
    pub signature: String,
}

/// Why a header is not a SigV4 authorization; only ever logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4ParseError {
    #[error("algorithm is not {ALGORITHM}")]
    UnsupportedAlgorithm,
    #[error("missing the {0} parameter")]
    MissingParameter(&'static str),
    #[error("credential is not <access key>/<date>/<region>/<service>/aws4_request")]
    MalformedCredential,
    #[error("signature is not hexadecimal")]
    MalformedSignature,
}

/// Parses an `Authorization` header value.
pub fn parse_authorization(header_value: &str) -> Result<SigV4Authorization, SigV4ParseError> {
    let trimmed = header_value.trim();
    let (algorithm, parameters) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
    if algorithm != ALGORITHM {
        return Err(SigV4ParseError::UnsupportedAlgorithm);
    }

    let mut credential_parameter = None;
    let mut signed_headers_parameter = None;
    let mut signature_parameter = None;
    for parameter in parameters.split(',') {
        let Some((name, value)) = parameter.trim().split_once('=') else {
            continue;
        };
        match name.trim() {
            "Credential" => credential_parameter = Some(value.trim()),
            "SignedHeaders" => signed_headers_parameter = Some(value.trim()),
            "Signature" => signature_parameter = Some(value.trim()),
            _ => {}
        }
    }
    let credential = required(credential_parameter, "Credential")?;
    let signed_headers = required(signed_headers_parameter, "SignedHeaders")?;
    let signature = required(signature_parameter, "Signature")?;

    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(SigV4ParseError::MalformedCredential);
    };
    let date_is_valid = date.len() == 8 && date.bytes().all(|byte| byte.is_ascii_digit());
    if access_key_id.is_empty() || !date_is_valid || region.is_empty() || service.is_empty() {
        return Err(SigV4ParseError::MalformedCredential);
    }
    if terminator != "aws4_request" {
        return Err(SigV4ParseError::MalformedCredential);
    }
    if !signature.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(SigV4ParseError::MalformedSignature);
    }

    Ok(SigV4Authorization {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: signed_headers
            .split(';')
            .map(|name| name.trim().to_ascii_lowercase())
            .collect(),
        signature: signature.to_ascii_lowercase(),
    })
}

/// A parameter's value, which must be present and non-empty.
fn required<'a>(value: Option<&'a str>, name: &'static str) -> Result<&'a str, SigV4ParseError> {
    value
        .filter(|text| !text.is_empty())
        .ok_or(SigV4ParseError::MissingParameter(name))
}

/// The request's SigV4 authorization, if it has a parseable one. A missing header is normal (no
/// authentication is required in this release); a malformed one is logged at debug level and
/// otherwise ignored.
pub fn authorization_from_headers(headers: &HeaderMap) -> Option<SigV4Authorization> {
    let header_value = headers.get(AUTHORIZATION)?;
    let Ok(text) = header_value.to_str() else {
        tracing::debug!("ignoring an Authorization header that is not visible ASCII");
        return None;
    };
    match parse_authorization(text) {
        Ok(authorization) => Some(authorization),
        Err(error) => {
            tracing::debug!(error = %error, "ignoring an Authorization header that is not SigV4");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTO_HEADER: &str = "AWS4-HMAC-SHA256 \
        Credential=AKIDEXAMPLE/20150830/us-east-1/kinesis/aws4_request, \
        SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
        Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    #[test]
    fn parses_an_sdk_header() {
        let authorization = parse_authorization(BOTO_HEADER).unwrap();
        assert_eq!(
            authorization,
            SigV4Authorization {
                access_key_id: "AKIDEXAMPLE".into(),
                date: "20150830".into(),
                region: "us-east-1".into(),
                service: "kinesis".into(),
                signed_headers: vec![
                    "content-type".into(),
                    "host".into(),
                    "x-amz-date".into(),
                    "x-amz-target".into()
                ],
                signature: "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7".into(),
            }
        );
    }

    #[test]
    fn parses_without_spaces_after_commas() {
        let header = "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/firehose/aws4_request,\
                      SignedHeaders=host,Signature=ab12";
        let authorization = parse_authorization(header).unwrap();
        assert_eq!(authorization.service, "firehose");
        assert_eq!(authorization.signed_headers, vec!["host".to_owned()]);
    }

    #[test]
    fn refuses_malformed_headers_without_panicking() {
        let cases = [
            ("", SigV4ParseError::UnsupportedAlgorithm),
            ("Basic dXNlcjpwYXNz", SigV4ParseError::UnsupportedAlgorithm),
            (
                "AWS4-HMAC-SHA256",
                SigV4ParseError::MissingParameter("Credential"),
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20240101/r/s/aws4_request, Signature=ab",
                SigV4ParseError::MissingParameter("SignedHeaders"),
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/2024/r/s/aws4_request, SignedHeaders=host, Signature=ab",
                SigV4ParseError::MalformedCredential,
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20240101/r/s, SignedHeaders=host, Signature=ab",
                SigV4ParseError::MalformedCredential,
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20240101/r/s/aws4_request, SignedHeaders=host, Signature=xyz",
                SigV4ParseError::MalformedSignature,
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(parse_authorization(header), Err(expected), "{header}");
        }
    }

    #[test]
    fn missing_or_malformed_header_is_ignored() {
        let mut headers = HeaderMap::new();
        assert_eq!(authorization_from_headers(&headers), None);
        headers.insert(AUTHORIZATION, "garbage".parse().unwrap());
        assert_eq!(authorization_from_headers(&headers), None);
        headers.insert(AUTHORIZATION, BOTO_HEADER.parse().unwrap());
        assert!(authorization_from_headers(&headers).is_some());
    }
}
