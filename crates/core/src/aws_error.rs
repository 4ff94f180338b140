//! The AWS error taxonomy shared by every service Sluice speaks.
//!
//! Each kind knows the `__type` the wire carries and the HTTP status it is answered with. Crates map
//! their own errors into a kind plus a message; the api crate renders them in exactly one place.

/// An AWS error type as it appears in `__type` and `x-amzn-ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwsErrorKind {
    ResourceNotFound,
    ResourceInUse,
    InvalidArgument,
    LimitExceeded,
    ProvisionedThroughputExceeded,
    ExpiredIterator,
    ExpiredNextToken,
    Validation,
    Serialization,
    UnknownOperation,
    AccessDenied,
    InvalidSource,
    ConcurrentModification,
    InternalFailure,
    ServiceUnavailable,
}

impl AwsErrorKind {
    /// The error code written to `__type`.
    pub fn error_type(self) -> &'static str {
        match self {
            AwsErrorKind::ResourceNotFound => "ResourceNotFoundException",
            AwsErrorKind::ResourceInUse => "ResourceInUseException",
            AwsErrorKind::InvalidArgument => "InvalidArgumentException",
            AwsErrorKind::LimitExceeded => "LimitExceededException",
            AwsErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            AwsErrorKind::ExpiredIterator => "ExpiredIteratorException",
            AwsErrorKind::ExpiredNextToken => "ExpiredNextTokenException",
            AwsErrorKind::Validation => "ValidationException",
            AwsErrorKind::Serialization => "SerializationException",
            AwsErrorKind::UnknownOperation => "UnknownOperationException",
            AwsErrorKind::AccessDenied => "AccessDeniedException",
            AwsErrorKind::InvalidSource => "InvalidSourceException",
            AwsErrorKind::ConcurrentModification => "ConcurrentModificationException",
            AwsErrorKind::InternalFailure => "InternalFailure",
            AwsErrorKind::ServiceUnavailable => "ServiceUnavailableException",
        }
    }

    /// The HTTP status the error is answered with.
    pub fn http_status(self) -> u16 {
        match self {
            AwsErrorKind::InternalFailure => 500,
            AwsErrorKind::ServiceUnavailable => 503,
            _ => 400,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_kinds_are_not_400() {
        assert_eq!(AwsErrorKind::InternalFailure.http_status(), 500);
        assert_eq!(AwsErrorKind::ServiceUnavailable.http_status(), 503);
        assert_eq!(AwsErrorKind::ExpiredIterator.http_status(), 400);
        assert_eq!(
            AwsErrorKind::ExpiredIterator.error_type(),
            "ExpiredIteratorException"
        );
    }
}
