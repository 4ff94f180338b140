//! The error of a Kinesis call: an AWS error answer (`{"__type": …, "message": …}`, read the way
//! botocore and the JS SDK read it), no answer at all, or an answer that does not parse. Callers
//! branch on [`CallError::code`] and [`CallError::is_retryable`], never on message text.

use serde_json::Value;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The server answered with an error status and (usually) an AWS error body.
    #[error("{operation}: {code}: {message} (HTTP {status})")]
    Service {
        operation: String,
        status: u16,
        code: String,
        message: String,
    },
    /// The request did not get an answer.
    #[error("{operation}: no answer from {endpoint}: {}", error_chain(source))]
    Transport {
        operation: String,
        endpoint: String,
        #[source]
        source: reqwest::Error,
    },
    /// The answer could not be read as the expected JSON.
    #[error("{operation}: unreadable answer: {detail}")]
    Decode { operation: String, detail: String },
    /// The request could not be signed (nothing was sent).
    #[error("{operation}: cannot sign the request: {detail}")]
    Signing { operation: String, detail: String },
}

/// An error and its sources, `outer: inner: innermost`.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

impl CallError {
    /// The AWS error code (`ResourceNotFoundException`, …) when the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            CallError::Service { code, .. } => Some(code),
            CallError::Transport { .. } | CallError::Decode { .. } | CallError::Signing { .. } => None,
        }
    }

    /// Whether trying the same request again later may succeed: throttling, server-side failures and
    /// connection problems (the AWS SDKs retry the same set).
    pub fn is_retryable(&self) -> bool {
        match self {
            CallError::Service { status, code, .. } => {
                *status >= 500
                    || matches!(
                        code.as_str(),
                        "ProvisionedThroughputExceededException"
                            | "LimitExceededException"
                            | "ThrottlingException"
                            | "Throttling"
                            | "TooManyRequestsException"
                            | "RequestLimitExceeded"
                            | "InternalFailure"
                            | "InternalFailureException"
                            | "ServiceUnavailable"
                            | "ServiceUnavailableException"
                    )
            }
            CallError::Transport { source, .. } => {
                source.is_connect() || source.is_timeout() || source.is_request() || source.is_body()
            }
            CallError::Decode { .. } | CallError::Signing { .. } => false,
        }
    }
}

/// Reads the AWS error code and message from an error answer.
pub(super) fn service_error(
    operation: &str,
    status: u16,
    error_type_header: Option<&str>,
    body: &[u8],
) -> CallError {
    // botocore and the JS SDK strip a `namespace#` prefix and a `:suffix` from the code.
    let clean_code = |raw: &str| {
        let after_hash = raw.rsplit('#').next().unwrap_or(raw);
        after_hash
            .split(':')
            .next()
            .unwrap_or(after_hash)
            .trim()
            .to_owned()
    };
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let body_code = parsed
        .as_ref()
        .and_then(|value| value.get("__type"))
        .and_then(Value::as_str);
    let code = body_code
        .or(error_type_header)
        .map(clean_code)
        .filter(|code| !code.is_empty())
        .unwrap_or_else(|| format!("HTTP{status}"));
    let body_message = parsed
        .as_ref()
        .and_then(|value| value.get("message").or_else(|| value.get("Message")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let message = body_message.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        if trimmed.is_empty() || parsed.is_some() {
            "(no message)".to_owned()
        } else {
            trimmed.chars().take(300).collect()
        }
    });
    CallError::Service {
        operation: operation.to_owned(),
        status,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_service_error_reads_aws_body() {
        let error = service_error(
            "DescribeStreamSummary",
            400,
            None,
            br#"{"__type":"ResourceNotFoundException","message":"Stream x under account 000000000000 not found."}"#,
        );
        assert_eq!(error.code(), Some("ResourceNotFoundException"));
        assert!(!error.is_retryable());
        assert_eq!(
            error.to_string(),
            "DescribeStreamSummary: ResourceNotFoundException: Stream x under account 000000000000 not found. (HTTP 400)"
        );
    }

    #[test]
    fn test_service_error_strips_namespace_and_falls_back_to_header() {
        let namespaced = service_error(
            "PutRecords",
            400,
            None,
            br#"{"__type":"com.amazon#ThrottlingException:x"}"#,
        );
        assert_eq!(namespaced.code(), Some("ThrottlingException"));
        assert!(namespaced.is_retryable());
        let from_header = service_error("PutRecords", 503, Some("ServiceUnavailableException"), b"");
        assert_eq!(from_header.code(), Some("ServiceUnavailableException"));
        assert!(from_header.is_retryable());
        let serialization = service_error(
            "PutRecords",
            400,
            None,
            br#"{"__type":"SerializationException","Message":"bad"}"#,
        );
        assert!(serialization.to_string().contains("SerializationException: bad"));
    }

    #[test]
    fn test_service_error_keeps_non_json_text() {
        let error = service_error(
            "ListStreams",
            403,
            None,
            b"<AccessDeniedException><Message>no</Message></AccessDeniedException>",
        );
        assert_eq!(error.code(), Some("HTTP403"));
        assert!(error.to_string().contains("<AccessDeniedException>"));
    }
}
