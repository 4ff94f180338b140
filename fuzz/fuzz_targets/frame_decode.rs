//! Fuzzes the log's frame decoder: any bytes must decode to a frame or a typed error, never panic;
//! a decoded frame's records must lie inside its payload.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(frame) = sluice_log::frame::decode(bytes, 1 << 20) {
        let mut count = 0u64;
        for record in frame.records() {
            assert!(record.key.len() + record.value.len() <= frame.payload.len());
            count += 1;
        }
        assert!(count <= u64::from(frame.header.record_count));
    }
});
