//! Fuzzes request decoding in JSON for the inputs with the most structure (records with blobs,
//! timestamps, nested filters): errors only, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_api::kinesis::model::{GetShardIteratorInput, ListShardsInput, PutRecordsInput};
use sluice_api::protocol::{Protocol, decode};

fuzz_target!(|bytes: &[u8]| {
    let _ = decode::<PutRecordsInput>(Protocol::Json, bytes);
    let _ = decode::<ListShardsInput>(Protocol::Json, bytes);
    let _ = decode::<GetShardIteratorInput>(Protocol::Json, bytes);
});
