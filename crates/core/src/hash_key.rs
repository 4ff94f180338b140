//! The 128-bit Kinesis hash-key space.
//!
//! A record's hash key is the MD5 digest of its partition key read as an unsigned big-endian 128-bit
//! integer, or an explicit hash key given as a decimal string. Shards own inclusive ranges of that
//! space; CreateStream splits it evenly with `step = floor(2^128 / N)`, the last shard ending at
//! `2^128 - 1`.

use md5::{Digest, Md5};
use std::fmt;

/// A point in the hash-key space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKey(pub u128);

impl HashKey {
    pub const MAX: HashKey = HashKey(u128::MAX);

    /// MD5 of the partition key's UTF-8 bytes, big-endian.
    pub fn from_partition_key(partition_key: &str) -> HashKey {
        let digest = Md5::digest(partition_key.as_bytes());
        HashKey(u128::from_be_bytes(digest.into()))
    }

    /// Parses a decimal hash key; `None` when it is not a decimal number in `[0, 2^128 - 1]`.
    pub fn parse_decimal(text: &str) -> Option<HashKey> {
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        text.parse::<u128>().ok().map(HashKey)
    }
}

impl fmt::Display for HashKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// An inclusive range of hash keys owned by one shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashKeyRange {
    pub start: HashKey,
    pub end: HashKey,
}

impl HashKeyRange {
    pub const FULL: HashKeyRange = HashKeyRange {
        start: HashKey(0),
        end: HashKey::MAX,
    };

    pub fn contains(&self, key: HashKey) -> bool {
        self.start <= key && key <= self.end
    }

    /// True when `other` starts right after `self` ends.
    pub fn is_followed_by(&self, other: &HashKeyRange) -> bool {
        self.end.0.checked_add(1) == Some(other.start.0)
    }

    /// The even split CreateStream uses for `shard_count` shards (`shard_count >= 1`).
    pub fn initial_split(shard_count: u32) -> Vec<HashKeyRange> {
        Self::split_range(HashKeyRange::FULL, shard_count)
    }

    /// Splits `range` into `count` contiguous parts of `floor(size / count)` keys each, the last
    /// part taking the remainder. For the full space this is exactly the CreateStream layout.
    pub fn split_range(range: HashKeyRange, count: u32) -> Vec<HashKeyRange> {
        let count = u128::from(count.max(1));
        if count == 1 {
            return vec![range];
        }
        // Size of the range as a count of keys; the full space has 2^128 keys, which does not fit
        // a u128, so compute the step from (end - start) + 1 carefully.
        let span_minus_one = range.end.0 - range.start.0;
        let step = if span_minus_one == u128::MAX {
            // floor(2^128 / count) == floor((2^128 - 1) / count) unless count divides 2^128.
            let base = u128::MAX / count;
            if count.is_power_of_two() { base + 1 } else { base }
        } else {
            (span_minus_one + 1) / count
        };
        let mut parts = Vec::with_capacity(count as usize);
        for index in 0..count {
            let start = range.start.0 + step * index;
            let end = if index + 1 == count {
                range.end.0
            } else {
                range.start.0 + step * (index + 1) - 1
            };
            parts.push(HashKeyRange {
                start: HashKey(start),
                end: HashKey(end),
            });
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_routing_matches_kinesis_examples() {
        assert_eq!(
            HashKey::from_partition_key("a").0,
            16955237001963240173058271559858726497
        );
        assert_eq!(
            HashKey::from_partition_key("partitionKey").0,
            193318062818912349798954611745638949166
        );
    }

    #[test]
    fn initial_split_matches_spec_tables() {
        let one = HashKeyRange::initial_split(1);
        assert_eq!(one, vec![HashKeyRange::FULL]);
        let two = HashKeyRange::initial_split(2);
        assert_eq!(two[0].end.0, 170141183460469231731687303715884105727);
        assert_eq!(two[1].start.0, 170141183460469231731687303715884105728);
        let three = HashKeyRange::initial_split(3);
        assert_eq!(three[0].end.0, 113427455640312821154458202477256070484);
        assert_eq!(three[1].start.0, 113427455640312821154458202477256070485);
        assert_eq!(three[1].end.0, 226854911280625642308916404954512140969);
        assert_eq!(three[2].start.0, 226854911280625642308916404954512140970);
        assert_eq!(three[2].end, HashKey::MAX);
        let four = HashKeyRange::initial_split(4);
        assert_eq!(four[0].end.0, 85070591730234615865843651857942052863);
        assert_eq!(four[2].start.0, 170141183460469231731687303715884105728);
        assert_eq!(four[3].start.0, 255211775190703847597530955573826158592);
    }

    #[test]
    fn parse_decimal_rejects_out_of_range() {
        assert_eq!(
            HashKey::parse_decimal("340282366920938463463374607431768211455"),
            Some(HashKey::MAX)
        );
        assert_eq!(
            HashKey::parse_decimal("340282366920938463463374607431768211456"),
            None
        );
        assert_eq!(HashKey::parse_decimal("-1"), None);
        assert_eq!(HashKey::parse_decimal(""), None);
    }

    proptest::proptest! {
        #[test]
        fn split_is_contiguous_and_covers(count in 1u32..200) {
            let parts = HashKeyRange::initial_split(count);
            proptest::prop_assert_eq!(parts.len(), count as usize);
            proptest::prop_assert_eq!(parts[0].start.0, 0);
            proptest::prop_assert_eq!(parts[parts.len() - 1].end, HashKey::MAX);
            for pair in parts.windows(2) {
                proptest::prop_assert!(pair[0].is_followed_by(&pair[1]));
            }
        }

        #[test]
        fn every_key_routes_to_exactly_one_shard(count in 1u32..50, key in proptest::num::u128::ANY) {
            let parts = HashKeyRange::initial_split(count);
            let owners = parts.iter().filter(|range| range.contains(HashKey(key))).count();
            proptest::prop_assert_eq!(owners, 1);
        }
    }
}
