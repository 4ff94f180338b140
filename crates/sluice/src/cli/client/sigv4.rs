//! AWS Signature Version 4 for the client commands' `POST /` requests.
//!
//! Kinesis-compatible servers want an `Authorization` header: kinesalite rejects a request without
//! one (`MissingAuthenticationTokenException`), and Sluice verifies it when credentials are
//! configured. So every request is really signed, with the credentials from `AWS_ACCESS_KEY_ID` /
//! `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), or a fixed local pair when they are unset.
//! The canonical request has no query string and path `/`; the body hash is passed in so that
//! callers sending the same body many times (the load generator) hash it once.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

type HmacSha256 = Hmac<Sha256>;

/// The access key used when the environment names none.
pub const DEFAULT_ACCESS_KEY_ID: &str = "sluice";
/// The secret used when the environment names none.
pub const DEFAULT_SECRET_ACCESS_KEY: &str = "sluice";

/// Signing credentials.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Credentials {
    /// Reads the standard AWS environment variables, falling back to a fixed local pair.
    pub fn from_env() -> Credentials {
        let non_empty = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        Credentials {
            access_key_id: non_empty("AWS_ACCESS_KEY_ID").unwrap_or_else(|| DEFAULT_ACCESS_KEY_ID.to_owned()),
            secret_access_key: non_empty("AWS_SECRET_ACCESS_KEY")
                .unwrap_or_else(|| DEFAULT_SECRET_ACCESS_KEY.to_owned()),
            session_token: non_empty("AWS_SESSION_TOKEN"),
        }
    }
}

/// Lower-case hex of SHA-256, as SigV4 wants for the payload hash.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// What one signature covers.
pub struct SigningInput<'a> {
    pub method: &'a str,
    /// Lower-case header names with trimmed values, sorted by name; all of them are signed.
    pub headers: &'a [(&'a str, &'a str)],
    pub payload_sha256_hex: &'a str,
    /// `yyyymmddTHHMMSSZ`, the value of the `X-Amz-Date` header.
    pub amz_date: &'a str,
    /// `yyyymmdd`.
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// Computes the `Authorization` header value for a request to path `/` without a query string.
pub fn authorization(credentials: &Credentials, input: &SigningInput<'_>) -> String {
    debug_assert!(
        input.headers.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "headers must be sorted"
    );
    let mut canonical_headers = String::new();
    let mut signed_headers = String::new();
    for (name, value) in input.headers {
        let _ = writeln!(canonical_headers, "{name}:{value}");
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    let canonical_request = format!(
        "{}\n/\n\n{canonical_headers}\n{signed_headers}\n{}",
        input.method, input.payload_sha256_hex
    );
    let scope = format!("{}/{}/{}/aws4_request", input.date, input.region, input.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        input.amz_date,
        sha256_hex(canonical_request.as_bytes())
    );
    let date_key = hmac(
        format!("AWS4{}", credentials.secret_access_key).as_bytes(),
        input.date.as_bytes(),
    );
    let region_key = hmac(&date_key, input.region.as_bytes());
    let service_key = hmac(&region_key, input.service.as_bytes());
    let signing_key = hmac(&service_key, b"aws4_request");
    let signature = hex(&hmac(&signing_key, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from the AWS SigV4 test suite (post-vanilla, post-header-key-sort).
    fn example_credentials() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".to_owned(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned(),
            session_token: None,
        }
    }

    fn sign(headers: &[(&str, &str)]) -> String {
        let empty_hash = sha256_hex(b"");
        authorization(
            &example_credentials(),
            &SigningInput {
                method: "POST",
                headers,
                payload_sha256_hex: &empty_hash,
                amz_date: "20150830T123600Z",
                date: "20150830",
                region: "us-east-1",
                service: "service",
            },
        )
    }

    #[test]
    fn test_post_vanilla_vector() {
        let header = sign(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
        ]);
        assert_eq!(
            header,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn test_post_header_key_sort_vector() {
        let header = sign(&[
            ("host", "example.amazonaws.com"),
            ("my-header1", "value1"),
            ("x-amz-date", "20150830T123600Z"),
        ]);
        assert!(
            header.ends_with("Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
            "{header}"
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
