//! Shard iterators: opaque, tamper-evident, expiring tokens that name a position in a shard.
//!
//! Payload: `version u8 = 1 | incarnation u32 | shard u32 | offset u64 | issued_ms i64 | stream name`,
//! signed by [`TokenSigner`]. An iterator is valid for five minutes after it was issued; GetRecords
//! always hands out a fresh one.

use sluice_core::ShardId;

use crate::error::StreamError;
use crate::time_text::java_date_text;
use crate::token::{PayloadReader, TokenSigner, put_short_string};

/// How long an iterator stays valid.
pub const ITERATOR_LIFETIME_MS: i64 = 300_000;
const VERSION: u8 = 1;

/// The position an iterator points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardPosition {
    pub stream: String,
    pub incarnation: u32,
    pub shard: ShardId,
    /// The next offset to read.
    pub offset: u64,
}

pub fn encode_iterator(signer: &TokenSigner, position: &ShardPosition, issued_ms: i64) -> String {
    let mut payload = Vec::with_capacity(32 + position.stream.len());
    payload.push(VERSION);
    payload.extend_from_slice(&position.incarnation.to_le_bytes());
    payload.extend_from_slice(&position.shard.0.to_le_bytes());
    payload.extend_from_slice(&position.offset.to_le_bytes());
    payload.extend_from_slice(&issued_ms.to_le_bytes());
    put_short_string(&mut payload, &position.stream);
    signer.sign(&payload)
}

/// Decodes and checks an iterator: forged or damaged → "Invalid ShardIterator.", too old →
/// ExpiredIteratorException with the Kinesis text.
pub fn decode_iterator(signer: &TokenSigner, token: &str, now_ms: i64) -> Result<ShardPosition, StreamError> {
    let invalid = || StreamError::InvalidArgument("Invalid ShardIterator.".into());
    let payload = signer.verify(token).ok_or_else(invalid)?;
    let mut reader = PayloadReader::new(&payload);
    if reader.u8() != Some(VERSION) {
        return Err(invalid());
    }
    let incarnation = reader.u32().ok_or_else(invalid)?;
    let shard = ShardId(reader.u32().ok_or_else(invalid)?);
    let offset = reader.u64().ok_or_else(invalid)?;
    let issued_ms = reader.i64().ok_or_else(invalid)?;
    let stream = reader.short_string().ok_or_else(invalid)?;
    if !reader.is_empty() {
        return Err(invalid());
    }
    // Saturating: an `issued_ms` far from `now_ms` (e.g. `i64::MIN`) must expire, not overflow.
    if now_ms.saturating_sub(issued_ms) > ITERATOR_LIFETIME_MS {
        return Err(StreamError::ExpiredIterator(format!(
            "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the \
             future than the tolerated delay of {ITERATOR_LIFETIME_MS} milliseconds.",
            java_date_text(issued_ms),
            java_date_text(now_ms)
        )));
    }
    Ok(ShardPosition {
        stream,
        incarnation,
        shard,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_expiry() {
        let signer = TokenSigner::new([1u8; 32]);
        let position = ShardPosition {
            stream: "s".into(),
            incarnation: 9,
            shard: ShardId(2),
            offset: 77,
        };
        let token = encode_iterator(&signer, &position, 1_000_000);
        assert!(token.len() <= 512);
        assert_eq!(
            decode_iterator(&signer, &token, 1_000_000 + ITERATOR_LIFETIME_MS).unwrap(),
            position
        );
        let expired = decode_iterator(&signer, &token, 1_000_001 + ITERATOR_LIFETIME_MS).unwrap_err();
        assert!(matches!(expired, StreamError::ExpiredIterator(_)));
        assert!(
            expired
                .to_string()
                .starts_with("Iterator expired. The iterator was created at time ")
        );
        let forged = decode_iterator(&signer, "AAAA", 0).unwrap_err();
        assert_eq!(forged.to_string(), "Invalid ShardIterator.");
    }

    /// Found by fuzzing the payload behind a valid tag: `now_ms - issued_ms` overflowed (a panic
    /// with overflow checks, a never-expiring iterator without them).
    #[test]
    fn extreme_issued_time_expires_without_overflow() {
        let signer = TokenSigner::new([42u8; 32]);
        let position = ShardPosition {
            stream: "orders".into(),
            incarnation: 9,
            shard: ShardId(2),
            offset: 77,
        };
        // The fuzzer's payload: version 1, incarnation 9, shard 2, offset 77, issued 0x8000_0000_000f_4240.
        let issued_ms = i64::MIN + 1_000_000;
        let token = encode_iterator(&signer, &position, issued_ms);
        let error = decode_iterator(&signer, &token, 1_000_000).unwrap_err();
        assert!(matches!(error, StreamError::ExpiredIterator(_)));
        let error =
            decode_iterator(&signer, &encode_iterator(&signer, &position, i64::MIN), i64::MAX).unwrap_err();
        assert!(matches!(error, StreamError::ExpiredIterator(_)));
    }
}
