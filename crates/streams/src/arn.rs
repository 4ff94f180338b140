//! Stream ARNs and how a request names its stream (StreamName and/or StreamARN).

use crate::error::StreamError;

/// How a request identifies a stream: by name, by ARN, or both (the name wins, after a
/// consistency check).
#[derive(Debug, Clone, Default)]
pub struct StreamRef {
    pub name: Option<String>,
    pub arn: Option<String>,
}

impl StreamRef {
    pub fn by_name(name: impl Into<String>) -> StreamRef {
        StreamRef {
            name: Some(name.into()),
            arn: None,
        }
    }
}

/// Builds `arn:aws:kinesis:<region>:<account>:stream/<name>`.
pub fn stream_arn(region: &str, account_id: &str, name: &str) -> String {
    format!("arn:aws:kinesis:{region}:{account_id}:stream/{name}")
}

/// The parts of a stream ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedStreamArn {
    pub region: String,
    pub account_id: String,
    pub name: String,
}

/// Parses `arn:aws*:kinesis:<region>:<account>:stream/<name>`; `None` when it is not a stream ARN.
pub fn parse_stream_arn(arn: &str) -> Option<ParsedStreamArn> {
    let mut parts = arn.splitn(6, ':');
    let (scheme, partition, service, region, account_id, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if scheme != "arn" || !partition.starts_with("aws") || service != "kinesis" {
        return None;
    }
    let name = resource.strip_prefix("stream/")?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some(ParsedStreamArn {
        region: region.to_owned(),
        account_id: account_id.to_owned(),
        name: name.to_owned(),
    })
}

/// Resolves a [`StreamRef`] to a stream name in this account and region.
pub fn resolve_name(reference: &StreamRef, region: &str, account_id: &str) -> Result<String, StreamError> {
    let from_arn = match &reference.arn {
        Some(arn) => {
            let parsed = parse_stream_arn(arn)
                .ok_or_else(|| StreamError::InvalidArgument(format!("Invalid StreamARN {arn}")))?;
            if parsed.account_id != account_id || parsed.region != region {
                return Err(StreamError::StreamNotFound {
                    stream: parsed.name,
                    account: parsed.account_id,
                });
            }
            Some(parsed.name)
        }
        None => None,
    };
    match (&reference.name, from_arn) {
        (Some(name), Some(arn_name)) if *name != arn_name => Err(StreamError::InvalidArgument(format!(
            "StreamARN {} does not match StreamName {name}",
            reference.arn.as_deref().unwrap_or_default()
        ))),
        (Some(name), _) => Ok(name.clone()),
        (None, Some(arn_name)) => Ok(arn_name),
        (None, None) => Err(StreamError::InvalidArgument(
            "Neither streamArn or streamName was provided".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves() {
        let arn = stream_arn("us-east-1", "000000000000", "events");
        assert_eq!(
            parse_stream_arn(&arn).map(|parsed| parsed.name),
            Some("events".to_owned())
        );
        assert!(parse_stream_arn("arn:aws:s3:::bucket").is_none());
        let by_arn = StreamRef {
            name: None,
            arn: Some(arn.clone()),
        };
        assert_eq!(
            resolve_name(&by_arn, "us-east-1", "000000000000").ok(),
            Some("events".to_owned())
        );
        let foreign = resolve_name(&by_arn, "eu-west-1", "000000000000");
        assert!(matches!(foreign, Err(StreamError::StreamNotFound { .. })));
        let mismatch = StreamRef {
            name: Some("other".into()),
            arn: Some(arn),
        };
        assert!(resolve_name(&mismatch, "us-east-1", "000000000000").is_err());
        assert!(resolve_name(&StreamRef::default(), "us-east-1", "000000000000").is_err());
    }
}
