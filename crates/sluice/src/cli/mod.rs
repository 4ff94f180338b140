//! One module per subcommand, plus the Kinesis wire client the client commands share.

pub mod bench;
pub mod client;
pub mod log;
pub mod put;
pub mod serve;
pub mod streams;
pub mod tail;
