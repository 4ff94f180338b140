//! AWS Signature Version 4 for the client commands' `POST` requests, computed by the `aws-sigv4`
//! crate.
//!
//! Kinesis-compatible servers want an `Authorization` header: kinesalite rejects a request without
//! one (`MissingAuthenticationTokenException`), and Sluice parses it. So every request is really
//! signed, with the credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and
//! `AWS_SESSION_TOKEN`), or a fixed local pair when they are unset. The body hash is passed in so
//! that callers sending the same body many times (the load generator) hash it once.

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use std::time::SystemTime;

/// The access key used when the environment names none.
pub const DEFAULT_ACCESS_KEY_ID: &str = "sluice";
/// The secret used when the environment names none.
pub const DEFAULT_SECRET_ACCESS_KEY: &str = "sluice";
/// The signing name of Kinesis.
pub const SERVICE: &str = "kinesis";

/// Reads the standard AWS environment variables, falling back to a fixed local pair.
pub fn credentials_from_env() -> Credentials {
    let non_empty = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    Credentials::new(
        non_empty("AWS_ACCESS_KEY_ID").unwrap_or_else(|| DEFAULT_ACCESS_KEY_ID.to_owned()),
        non_empty("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|| DEFAULT_SECRET_ACCESS_KEY.to_owned()),
        non_empty("AWS_SESSION_TOKEN"),
        None,
        "environment",
    )
}

/// Lower-case hex of SHA-256, as SigV4 wants for the payload hash.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// What one signature covers.
pub struct SigningInput<'a> {
    pub method: &'a str,
    /// The full request URL, already encoded (its path and query are signed).
    pub url: &'a str,
    /// Headers to sign besides the `x-amz-date` and `x-amz-security-token` the signer adds.
    pub headers: &'a [(&'a str, &'a str)],
    pub payload_sha256_hex: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    pub time: SystemTime,
}

/// Signs a request and returns the headers to add to it: `x-amz-date`, `authorization` and, when
/// the credentials carry a session token, `x-amz-security-token`.
pub fn signing_headers(
    credentials: &Credentials,
    input: &SigningInput<'_>,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let identity = credentials.clone().into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(input.region)
        .name(input.service)
        .time(input.time)
        .settings(SigningSettings::default())
        .build()?
        .into();
    let request = SignableRequest::new(
        input.method,
        input.url,
        input.headers.iter().copied(),
        SignableBody::Precomputed(input.payload_sha256_hex.to_owned()),
    )?;
    let (instructions, _signature) = sign(request, &params)?.into_parts();
    let (headers, _query) = instructions.into_parts();
    Ok(headers
        .into_iter()
        .map(|header| (header.name(), header.value().to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn example_credentials(session_token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token.map(str::to_owned),
            None,
            "test",
        )
    }

    /// 2015-08-30T12:36:00Z, the time of the AWS SigV4 test suite.
    fn example_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(header_name, _)| *header_name == name)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn test_post_vanilla_vector() {
        let empty_hash = sha256_hex(b"");
        let headers = signing_headers(
            &example_credentials(None),
            &SigningInput {
                method: "POST",
                url: "http://example.amazonaws.com/",
                headers: &[("host", "example.amazonaws.com")],
                payload_sha256_hex: &empty_hash,
                region: "us-east-1",
                service: "service",
                time: example_time(),
            },
        )
        .unwrap();
        assert_eq!(header(&headers, "x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            header(&headers, "authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=host;x-amz-date, \
                 Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
            )
        );
        assert_eq!(header(&headers, "x-amz-security-token"), None);
    }

    #[test]
    fn test_kinesis_authorization_has_sigv4_shape() {
        let body_hash = sha256_hex(br#"{"StreamName":"events"}"#);
        let headers = signing_headers(
            &example_credentials(Some("session-token")),
            &SigningInput {
                method: "POST",
                url: "http://127.0.0.1:4567/",
                headers: &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("host", "127.0.0.1:4567"),
                    ("x-amz-target", "Kinesis_20131202.ListShards"),
                ],
                payload_sha256_hex: &body_hash,
                region: "eu-west-1",
                service: SERVICE,
                time: example_time(),
            },
        )
        .unwrap();
        assert_eq!(header(&headers, "x-amz-security-token"), Some("session-token"));
        let authorization = header(&headers, "authorization").unwrap();
        let rest = authorization
            .strip_prefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/kinesis/aws4_request, ")
            .unwrap_or_else(|| panic!("{authorization}"));
        let (signed_headers, signature) = rest.split_once(", Signature=").unwrap();
        assert_eq!(
            signed_headers,
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
        );
        assert_eq!(signature.len(), 64, "{signature}");
        assert!(
            signature
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')),
            "{signature}"
        );
    }

    #[test]
    fn test_empty_payload_hash() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
