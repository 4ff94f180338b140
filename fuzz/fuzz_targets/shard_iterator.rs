//! Fuzzes shard-iterator decoding: forged, truncated or random tokens are refused with a typed
//! error, never a panic; only tokens the signer issued decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_streams::iterator::decode_iterator;
use sluice_streams::token::TokenSigner;

fuzz_target!(|text: &str| {
    let signer = TokenSigner::new([42u8; 32]);
    assert!(decode_iterator(&signer, text, 1_000_000).is_err() || signer.verify(text).is_some());
});
