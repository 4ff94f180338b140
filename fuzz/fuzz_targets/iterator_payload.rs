//! Fuzzes the shard-iterator payload parser behind the signature: any payload signed with the key
//! (which `shard_iterator`'s random tokens never get past) decodes or fails with a typed error,
//! never a panic, whatever its times, lengths and trailing bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_streams::iterator::decode_iterator;
use sluice_streams::token::TokenSigner;

fuzz_target!(|payload: &[u8]| {
    let signer = TokenSigner::new([42u8; 32]);
    let token = signer.sign(payload);
    for now_ms in [1_000_000, i64::MIN, i64::MAX] {
        let _ = decode_iterator(&signer, &token, now_ms);
    }
});
