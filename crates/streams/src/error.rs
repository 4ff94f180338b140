//! Errors of Kinesis stream operations, each with the AWS error kind and the exact message AWS gives.

use sluice_core::AwsErrorKind;

/// A failed stream operation. The `Display` text is the message clients see.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("Stream {stream} under account {account} not found.")]
    StreamNotFound { stream: String, account: String },
    #[error("Stream {stream} under account {account} already exists.")]
    StreamExists { stream: String, account: String },
    #[error("Stream {stream} under account {account} not ACTIVE, instead in state {status}")]
    StreamNotActive {
        stream: String,
        account: String,
        status: &'static str,
    },
    #[error("Could not find shard {shard} in stream {stream} under account {account}.")]
    ShardNotFound {
        shard: String,
        stream: String,
        account: String,
    },
    /// A resource other than a stream or a known shard; the message is AWS's text.
    #[error("{0}")]
    ResourceNotFound(String),
    /// An argument the shape allows but the semantics refuse; the message is AWS's text.
    #[error("{0}")]
    InvalidArgument(String),
    /// A semantic rule reported by AWS as a ValidationException.
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    ResourceInUse(String),
    #[error("{0}")]
    ExpiredIterator(String),
    #[error("{0}")]
    ExpiredNextToken(String),
    #[error("{0}")]
    ThroughputExceeded(String),
    #[error("storage failure: {0}")]
    Storage(#[from] sluice_log::LogError),
    #[error("metadata failure: {0}")]
    Metadata(String),
    #[error("internal failure: {0}")]
    Internal(String),
}

impl StreamError {
    /// The AWS error type this error is answered with.
    pub fn aws_kind(&self) -> AwsErrorKind {
        match self {
            StreamError::StreamNotFound { .. }
            | StreamError::ShardNotFound { .. }
            | StreamError::ResourceNotFound(_) => AwsErrorKind::ResourceNotFound,
            StreamError::StreamExists { .. }
            | StreamError::StreamNotActive { .. }
            | StreamError::ResourceInUse(_) => AwsErrorKind::ResourceInUse,
            StreamError::InvalidArgument(_) => AwsErrorKind::InvalidArgument,
            StreamError::Validation(_) => AwsErrorKind::Validation,
            StreamError::LimitExceeded(_) => AwsErrorKind::LimitExceeded,
            StreamError::ExpiredIterator(_) => AwsErrorKind::ExpiredIterator,
            StreamError::ExpiredNextToken(_) => AwsErrorKind::ExpiredNextToken,
            StreamError::ThroughputExceeded(_) => AwsErrorKind::ProvisionedThroughputExceeded,
            StreamError::Storage(_) | StreamError::Metadata(_) | StreamError::Internal(_) => {
                AwsErrorKind::InternalFailure
            }
        }
    }
}

impl From<tokio::task::JoinError> for StreamError {
    fn from(error: tokio::task::JoinError) -> StreamError {
        StreamError::Internal(format!("background task failed: {error}"))
    }
}
