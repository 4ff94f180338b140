//! The `X-Amz-Target` header: which service and which operation a request calls (spec A.1).
//!
//! The header is `<targetPrefix>.<Operation>`: `Kinesis_20131202.PutRecords`, or
//! `Firehose_20150804.PutRecordBatch`. A header that is missing, names another service, or has no
//! operation is answered with a bare 400 `UnknownOperationException` (spec A.4). Whether the
//! operation exists is the service module's business, not this one's.

use crate::error::ApiError;

/// The header name, in the lower case the `http` crate stores.
pub const TARGET_HEADER: &str = "x-amz-target";

/// The target prefix of Kinesis Data Streams.
pub const KINESIS_PREFIX: &str = "Kinesis_20131202";
/// The target prefix of Amazon Data Firehose.
pub const FIREHOSE_PREFIX: &str = "Firehose_20150804";

/// A service Sluice answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Kinesis,
    Firehose,
}

/// A parsed `X-Amz-Target`: the service and the operation name, as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub service: Service,
    pub operation: &'a str,
}

impl<'a> Target<'a> {
    /// Parses the header value (`None` when the header is absent or not valid UTF-8).
    pub fn parse(header_value: Option<&'a str>) -> Result<Target<'a>, ApiError> {
        let Some((prefix, operation)) = split(header_value) else {
            return Err(ApiError::unknown_operation());
        };
        let service = match prefix {
            KINESIS_PREFIX => Service::Kinesis,
            FIREHOSE_PREFIX => Service::Firehose,
            _ => return Err(ApiError::unknown_operation()),
        };
        Ok(Target { service, operation })
    }
}

/// Whether the header at least has the shape `<something>.<something>`. Kinesalite answers an
/// unsupported content type with 404 in that case and with 403 otherwise (spec A.4).
pub fn names_service_and_operation(header_value: Option<&str>) -> bool {
    split(header_value).is_some()
}

/// Splits at the first `.` into two non-empty parts.
fn split(header_value: Option<&str>) -> Option<(&str, &str)> {
    let (prefix, operation) = header_value?.trim().split_once('.')?;
    if prefix.is_empty() || operation.is_empty() {
        return None;
    }
    Some((prefix, operation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_core::AwsErrorKind;

    #[test]
    fn parses_kinesis_and_firehose_targets() {
        assert_eq!(
            Target::parse(Some("Kinesis_20131202.PutRecords")).unwrap(),
            Target {
                service: Service::Kinesis,
                operation: "PutRecords"
            }
        );
        assert_eq!(
            Target::parse(Some("Firehose_20150804.PutRecordBatch")).unwrap(),
            Target {
                service: Service::Firehose,
                operation: "PutRecordBatch"
            }
        );
    }

    #[test]
    fn refuses_anything_else_as_unknown_operation() {
        for header in [
            None,
            Some(""),
            Some("Kinesis_20131202"),
            Some("Kinesis_20131202."),
            Some(".PutRecords"),
            Some("DynamoDB_20120810.PutItem"),
            Some("kinesis_20131202.PutRecords"),
        ] {
            let error = Target::parse(header).unwrap_err();
            assert_eq!(error.kind, AwsErrorKind::UnknownOperation, "{header:?}");
            assert_eq!(error.message, None);
        }
    }

    #[test]
    fn shape_check_for_the_content_type_answer() {
        assert!(names_service_and_operation(Some("Anything.Goes")));
        assert!(!names_service_and_operation(Some("NoDot")));
        assert!(!names_service_and_operation(None));
    }
}
