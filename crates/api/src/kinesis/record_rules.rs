//! The rules every written record follows, shared by PutRecord and PutRecords: member constraints,
//! the 1 MiB record limit (data plus partition key) and explicit hash-key parsing.

use sluice_core::HashKey;

use crate::error::ApiError;
use crate::kinesis::common::{HASH_KEY_PATTERN, is_hash_key_text};
use crate::protocol::Blob;
use crate::validation::Violations;

/// Largest record: data and partition key together.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;
/// Longest partition key, in characters.
pub const MAX_PARTITION_KEY_CHARS: usize = 256;

/// Member constraints of one record; `path` is `""` for PutRecord and `records.<n>.member.` for
/// an entry of PutRecords.
pub fn check_record_members(
    violations: &mut Violations,
    path: &str,
    data: Option<&Blob>,
    partition_key: Option<&String>,
    explicit_hash_key: Option<&String>,
) {
    violations.not_null(&format!("{path}data"), data);
    if let Some(data) = data {
        violations.blob_length_max(&format!("{path}data"), data.len(), MAX_RECORD_BYTES);
    }
    violations.not_null(&format!("{path}partitionKey"), partition_key);
    if let Some(key) = partition_key {
        violations.length_between(&format!("{path}partitionKey"), key, 1, MAX_PARTITION_KEY_CHARS);
    }
    if let Some(hash_key) = explicit_hash_key {
        violations.pattern(
            &format!("{path}explicitHashKey"),
            hash_key,
            HASH_KEY_PATTERN,
            is_hash_key_text,
        );
    }
}

/// Semantic checks after the member constraints passed: the record size including its key, and
/// the explicit hash key's range.
pub fn check_record(
    data: &Blob,
    partition_key: &str,
    explicit_hash_key: Option<&str>,
) -> Result<Option<HashKey>, ApiError> {
    let size = data.len() + partition_key.len();
    if size > MAX_RECORD_BYTES {
        return Err(ApiError::invalid_argument(format!(
            "Record size exceeds the 1 MiB limit: data and partition key are {size} bytes, at most {MAX_RECORD_BYTES} \
             are allowed."
        )));
    }
    match explicit_hash_key {
        None => Ok(None),
        Some(text) => HashKey::parse_decimal(text).map(Some).ok_or_else(|| {
            ApiError::invalid_argument(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
            ))
        }),
    }
}
