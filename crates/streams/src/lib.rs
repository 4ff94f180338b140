//! Kinesis Data Streams semantics over the Sluice log.
//!
//! [`Streams`] is the registry of every stream of the account. Each stream is a directory with a
//! `stream.json` description ([`metadata`]) and one [`sluice_log::ShardLog`] per shard. On top of
//! the log this crate adds what makes it Kinesis:
//!
//! - routing by the MD5 of the partition key (or an explicit hash key) to the open shard owning that
//!   hash key ([`put`]);
//! - sequence numbers that encode stream incarnation, shard and offset
//!   ([`sluice_core::SequenceNumber`]), so a number decodes to a log position without a scan;
//! - opaque, signed, expiring shard iterators ([`iterator`]) and GetRecords with trim horizon,
//!   `MillisBehindLatest` and `ChildShards` ([`read`]);
//! - resharding with parent/child lineage ([`reshard`]), retention ([`retention`]), tags
//!   ([`tags`]), listing with filters and tokens ([`listing`]), and stream states with an optional
//!   emulated control-plane delay.
//!
//! Every operation is synchronous and may block on disk I/O and fsync; async callers run them on a
//! blocking thread pool.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use sluice_streams::*;
//! let streams = Streams::open(StreamsConfig::new("/tmp/sluice"), Arc::new(sluice_core::SystemClock))?;
//! streams.create_stream(CreateStreamRequest {
//!     name: "events".into(),
//!     shard_count: Some(4),
//!     mode: StreamMode::Provisioned,
//!     tags: Default::default(),
//! })?;
//! let record = PutRecordEntry { data: b"hello", partition_key: "user-1", explicit_hash_key: None };
//! let (shard, sequence_number) = streams.put_record(&StreamRef::by_name("events"), record, None)?;
//! # Ok::<(), StreamError>(())
//! ```

pub mod arn;
pub mod config;
pub mod error;
pub mod iterator;
pub mod limits;
pub mod listing;
pub mod metadata;
pub mod model;
pub mod put;
pub mod read;
pub mod registry;
pub mod reshard;
pub mod retention;
pub mod stream;
pub mod tags;
pub mod time_text;
pub mod token;

pub use arn::StreamRef;
pub use config::StreamsConfig;
pub use error::StreamError;
pub use listing::{ListShardsRequest, ShardFilter};
pub use metadata::StreamMode;
pub use model::*;
pub use registry::{CreateStreamRequest, Streams};
