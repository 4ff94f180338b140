//! The vocabulary every Sluice crate shares.
//!
//! - [`HashKey`] and [`HashKeyRange`]: the 128-bit Kinesis hash-key space, MD5 of partition keys, and
//!   the initial even split of that space over N shards.
//! - [`ShardId`]: the `shardId-000000000000` naming.
//! - [`SequenceNumber`]: 56-digit sequence numbers that encode the stream incarnation, the shard and
//!   the log offset, so they decode to a log position without a scan.
//! - [`Clock`]: injected time, with [`SystemClock`] and [`ManualClock`].
//! - [`AwsErrorKind`]: the AWS error taxonomy, each kind with its `__type` and HTTP status.
//! - [`calendar`]: days since 1970-01-01 to a proleptic Gregorian (year, month, day).
//! - [`name`]: validation of stream names and similar identifiers.
//! - [`path_guard`]: refuses path components that could escape a root directory.

pub mod aws_error;
pub mod calendar;
pub mod clock;
pub mod hash_key;
pub mod name;
pub mod path_guard;
pub mod sequence;
pub mod shard_id;

pub use aws_error::AwsErrorKind;
pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use hash_key::{HashKey, HashKeyRange};
pub use sequence::SequenceNumber;
pub use shard_id::ShardId;
