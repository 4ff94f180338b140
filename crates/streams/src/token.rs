//! Tamper-evident opaque tokens (shard iterators, pagination tokens).
//!
//! A token is `base64(payload || HMAC-SHA256(key, payload)[..16])`. The key is 32 random bytes kept
//! in `<data-dir>/token.key`, so tokens issued before a restart stay valid after it. A token whose
//! tag does not match was forged or damaged and is refused without looking at its payload.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;

use crate::error::StreamError;

const TAG_BYTES: usize = 16;
const KEY_FILE: &str = "token.key";

/// Signs and verifies opaque tokens.
#[derive(Clone)]
pub struct TokenSigner {
    key: [u8; 32],
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("TokenSigner { .. }")
    }
}

impl TokenSigner {
    pub fn new(key: [u8; 32]) -> TokenSigner {
        TokenSigner { key }
    }

    /// Loads the key from `dir`, creating it on first start.
    pub fn load_or_create(dir: &Path) -> Result<TokenSigner, StreamError> {
        let path = dir.join(KEY_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                    StreamError::Metadata(format!("{} must hold exactly 32 bytes", path.display()))
                })?;
                Ok(TokenSigner { key })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rng().fill_bytes(&mut key);
                sluice_log::fs::write_atomic(&path, &key)?;
                Ok(TokenSigner { key })
            }
            Err(error) => Err(StreamError::Metadata(format!(
                "cannot read {}: {error}",
                path.display()
            ))),
        }
    }

    fn tag(&self, payload: &[u8]) -> [u8; TAG_BYTES] {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("hmac accepts any key length"),
        };
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; TAG_BYTES];
        tag.copy_from_slice(&full[..TAG_BYTES]);
        tag
    }

    pub fn sign(&self, payload: &[u8]) -> String {
        let mut bytes = Vec::with_capacity(payload.len() + TAG_BYTES);
        bytes.extend_from_slice(payload);
        bytes.extend_from_slice(&self.tag(payload));
        STANDARD.encode(bytes)
    }

    /// The payload of a token this signer issued; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Vec<u8>> {
        let mut bytes = STANDARD.decode(token).ok()?;
        if bytes.len() < TAG_BYTES {
            return None;
        }
        let tag_start = bytes.len() - TAG_BYTES;
        let expected = self.tag(&bytes[..tag_start]);
        // Constant-time comparison is not needed for integrity of opaque tokens, but is cheap.
        let matches = expected
            .iter()
            .zip(&bytes[tag_start..])
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
        if !matches {
            return None;
        }
        bytes.truncate(tag_start);
        Some(bytes)
    }
}

/// Reads fixed-width little-endian fields from a token payload.
pub struct PayloadReader<'a> {
    bytes: &'a [u8],
}

impl<'a> PayloadReader<'a> {
    pub fn new(bytes: &'a [u8]) -> PayloadReader<'a> {
        PayloadReader { bytes }
    }

    pub fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < count {
            return None;
        }
        let (head, tail) = self.bytes.split_at(count);
        self.bytes = tail;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }

    pub fn i64(&mut self) -> Option<i64> {
        self.take(8)?.try_into().ok().map(i64::from_le_bytes)
    }

    /// A string prefixed by its length as one byte.
    pub fn short_string(&mut self) -> Option<String> {
        let length = usize::from(self.u8()?);
        String::from_utf8(self.take(length)?.to_vec()).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Appends a string prefixed by its length as one byte (names are at most 128 bytes).
pub fn put_short_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let length = bytes.len().min(255);
    out.push(length as u8);
    out.extend_from_slice(&bytes[..length]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_tampering() {
        let signer = TokenSigner::new([7u8; 32]);
        let token = signer.sign(b"hello");
        assert_eq!(signer.verify(&token), Some(b"hello".to_vec()));
        let mut raw = STANDARD.decode(&token).unwrap();
        raw[0] ^= 1;
        assert_eq!(signer.verify(&STANDARD.encode(raw)), None);
        assert_eq!(signer.verify("not base64!"), None);
        assert_eq!(TokenSigner::new([8u8; 32]).verify(&token), None);
    }
}
