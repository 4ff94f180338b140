//! Sequence numbers: 56 decimal digits that encode where a record lives.
//!
//! Layout (digits, most significant first):
//!
//! | digits | field |
//! |---|---|
//! | 2  | version marker `49` |
//! | 10 | stream incarnation: a number chosen when the stream was created, so numbers from a deleted
//! |    | and re-created stream of the same name are recognised as foreign |
//! | 10 | shard index |
//! | 14 | reserved, zero |
//! | 20 | log offset of the record within its shard |
//!
//! Every field before the offset is constant within a shard, so numbers are strictly increasing per
//! shard exactly as offsets are, compare correctly as big integers, and decode to a log position
//! without any scan. A shard's `StartingSequenceNumber` is the number of its first offset (0).

use crate::shard_id::ShardId;
use std::fmt;

const VERSION: &str = "49";
const LENGTH: usize = 56;

/// A decoded sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SequenceNumber {
    pub incarnation: u32,
    pub shard: ShardId,
    pub offset: u64,
}

impl SequenceNumber {
    pub fn new(incarnation: u32, shard: ShardId, offset: u64) -> SequenceNumber {
        SequenceNumber {
            incarnation,
            shard,
            offset,
        }
    }

    /// Decodes a sequence number Sluice issued; `None` for anything else.
    pub fn parse(text: &str) -> Option<SequenceNumber> {
        if text.len() != LENGTH || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let (version, rest) = text.split_at(2);
        let (incarnation, rest) = rest.split_at(10);
        let (shard, rest) = rest.split_at(10);
        let (reserved, offset) = rest.split_at(14);
        if version != VERSION || reserved.bytes().any(|byte| byte != b'0') {
            return None;
        }
        Some(SequenceNumber {
            incarnation: incarnation.parse().ok()?,
            shard: ShardId(shard.parse().ok()?),
            offset: offset.parse().ok()?,
        })
    }

    /// True when `text` has the shape of a Kinesis sequence number (`0|[1-9]\d{0,128}`).
    pub fn is_well_formed(text: &str) -> bool {
        match text.as_bytes() {
            [b'0'] => true,
            [first, rest @ ..] => {
                (b'1'..=b'9').contains(first) && rest.len() <= 128 && rest.iter().all(u8::is_ascii_digit)
            }
            [] => false,
        }
    }
}

impl fmt::Display for SequenceNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{VERSION}{:010}{:010}{:014}{:020}",
            self.incarnation, self.shard.0, 0, self.offset
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_56_digits() {
        let number = SequenceNumber::new(4_000_000_001, ShardId(7), 123_456);
        let text = number.to_string();
        assert_eq!(text.len(), 56);
        assert!(text.starts_with("49"));
        assert_eq!(SequenceNumber::parse(&text), Some(number));
    }

    #[test]
    fn rejects_foreign_shapes() {
        assert_eq!(
            SequenceNumber::parse("49546986683135544286507457936321625675700192471156785154"),
            None
        );
        assert_eq!(SequenceNumber::parse("123"), None);
        assert!(SequenceNumber::is_well_formed("0"));
        assert!(!SequenceNumber::is_well_formed("01"));
        assert!(!SequenceNumber::is_well_formed("12a"));
    }

    proptest::proptest! {
        #[test]
        fn numeric_order_follows_offsets(incarnation in 0u32.., shard in 0u32.., a in 0u64.., b in 0u64..) {
            let left = SequenceNumber::new(incarnation, ShardId(shard), a).to_string();
            let right = SequenceNumber::new(incarnation, ShardId(shard), b).to_string();
            // Same length, so string order is numeric order.
            proptest::prop_assert_eq!(left.cmp(&right), a.cmp(&b));
        }
    }
}
