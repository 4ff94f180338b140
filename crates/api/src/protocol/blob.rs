//! [`Blob`]: a model `blob` member (record data), in both wire encodings.
//!
//! - JSON carries a blob as a base64 string, standard alphabet, padded (spec A.2). A string that is
//!   not valid base64 is refused with the kinesalite/AWS texts of spec A.4, e.g.
//!   `'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes
//!   but found: 3`, which the protocol layer answers as a `SerializationException`.
//! - CBOR carries it as a byte string (spec A.5). A CBOR text string is also accepted and read as
//!   base64, as in JSON.
//!
//! Which form is written follows `Serializer::is_human_readable`. On input both visitors accept
//! both forms, so a blob survives being buffered by serde (untagged enums, `flatten`), which
//! forgets whether the format was human readable.
//!
//! Allocation: the base64 text is decoded straight from the `&str` the deserializer lends (from the
//! request body itself with `serde_json::from_slice`, when the string has no escapes), so each blob
//! costs one allocation, its decoded bytes. A CBOR byte string larger than ciborium's scratch
//! buffer arrives as an owned `Vec` and is kept without copying. The bytes live in a
//! [`bytes::Bytes`], so passing a record down to the log is a reference-count increment.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// Binary data as it travels in a request or a response.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Blob(Bytes);

impl Blob {
    pub fn new(bytes: impl Into<Bytes>) -> Blob {
        Blob(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// The length in bytes (what the Coral `length` constraints of a blob measure).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Record data can be a megabyte: show its size, not its content.
        write!(formatter, "Blob({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for Blob {
    fn from(bytes: Bytes) -> Blob {
        Blob(bytes)
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Blob {
        Blob(Bytes::from(bytes))
    }
}

impl From<Blob> for Bytes {
    fn from(blob: Blob) -> Bytes {
        blob.0
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&STANDARD.encode(&self.0))
        } else {
            serializer.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Blob, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(BlobVisitor)
        } else {
            // `deserialize_any` lets ciborium hand over byte strings and text strings alike.
            deserializer.deserialize_any(BlobVisitor)
        }
    }
}

struct BlobVisitor;

impl Visitor<'_> for BlobVisitor {
    type Value = Blob;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a base64 string or a byte string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Blob, E> {
        decode_base64(text).map(Blob::from).map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Blob, E> {
        Ok(Blob(Bytes::copy_from_slice(bytes)))
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Blob, E> {
        Ok(Blob::from(bytes))
    }
}

/// Decodes standard, padded base64, refusing anything else with kinesalite's messages (in its
/// order of checks: length, then characters, then canonical form).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    // Fast path: a valid blob decodes in one pass; the diagnostics below only run on failure.
    if let Ok(bytes) = STANDARD.decode(text) {
        return Ok(bytes);
    }
    let length = text.chars().count();
    if !length.is_multiple_of(4) {
        return Err(format!(
            "'{text}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 \
             bytes but found: {length}"
        ));
    }
    if let Some(invalid) = first_invalid_character(text) {
        return Err(format!(
            "'{text}' can not be converted to a Blob: Invalid Base64 character: '{invalid}'"
        ));
    }
    STANDARD.decode(text).map_err(|_| {
        // The spelling is kinesalite's (and so, presumably, AWS's).
        format!("'{text}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected")
    })
}

/// The first character outside the base64 alphabet, or a `=` that is followed by anything but
/// another `=` (kinesalite's `/[^a-zA-Z0-9+/=]|=[^=]/`).
fn first_invalid_character(text: &str) -> Option<char> {
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        let in_alphabet = character.is_ascii_alphanumeric() || matches!(character, '+' | '/' | '=');
        if !in_alphabet {
            return Some(character);
        }
        if character == '=' && characters.peek().is_some_and(|next| *next != '=') {
            return Some('=');
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        #[serde(rename = "Data")]
        data: Blob,
    }

    fn json_error(text: &str) -> String {
        let body = format!(r#"{{"Data":"{text}"}}"#);
        match crate::protocol::decode::<Holder>(crate::protocol::Protocol::Json, body.as_bytes()) {
            Ok(holder) => panic!("decoded {holder:?}"),
            Err(error) => error.message.unwrap_or_default(),
        }
    }

    #[test]
    fn json_round_trip_is_base64() {
        let holder = Holder {
            data: Blob::from(b"hello".to_vec()),
        };
        let text = serde_json::to_string(&holder).unwrap();
        assert_eq!(text, r#"{"Data":"aGVsbG8="}"#);
        assert_eq!(serde_json::from_str::<Holder>(&text).unwrap(), holder);
    }

    #[test]
    fn cbor_round_trip_is_a_byte_string() {
        let holder = Holder {
            data: Blob::from(vec![0, 1, 2, 255]),
        };
        let mut encoded = Vec::new();
        ciborium::into_writer(&holder, &mut encoded).unwrap();
        // map(1) "Data" bytes(4) 00 01 02 ff
        assert_eq!(
            encoded,
            [&[0xa1, 0x64][..], b"Data", &[0x44, 0, 1, 2, 255]].concat()
        );
        assert_eq!(ciborium::from_reader::<Holder, _>(&encoded[..]).unwrap(), holder);
    }

    #[test]
    fn cbor_large_byte_string_and_text_are_accepted() {
        let large = vec![7u8; 10_000];
        let mut encoded = Vec::new();
        ciborium::into_writer(
            &ciborium::Value::Map(vec![("Data".into(), large.clone().into())]),
            &mut encoded,
        )
        .unwrap();
        assert_eq!(
            ciborium::from_reader::<Holder, _>(&encoded[..])
                .unwrap()
                .data
                .as_bytes(),
            &large[..]
        );

        let mut as_text = Vec::new();
        ciborium::into_writer(
            &ciborium::Value::Map(vec![("Data".into(), "aGk=".into())]),
            &mut as_text,
        )
        .unwrap();
        assert_eq!(
            ciborium::from_reader::<Holder, _>(&as_text[..])
                .unwrap()
                .data
                .as_bytes(),
            b"hi"
        );
    }

    #[test]
    fn length_not_multiple_of_four_has_the_aws_message() {
        assert_eq!(
            json_error("abc"),
            "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes \
             but found: 3"
        );
    }

    #[test]
    fn invalid_character_has_the_aws_message() {
        assert_eq!(
            json_error("ab.d"),
            "'ab.d' can not be converted to a Blob: Invalid Base64 character: '.'"
        );
        assert_eq!(
            json_error("a=bc"),
            "'a=bc' can not be converted to a Blob: Invalid Base64 character: '='"
        );
    }

    #[test]
    fn non_canonical_last_character_is_refused() {
        assert_eq!(
            json_error("aGl="),
            "'aGl=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"
        );
        assert!(json_error("====").contains("Invalid last non-pad Base64 character"));
    }

    #[test]
    fn empty_string_is_an_empty_blob() {
        let holder: Holder = serde_json::from_str(r#"{"Data":""}"#).unwrap();
        assert!(holder.data.is_empty());
    }

    #[test]
    fn wrong_json_type_is_refused() {
        assert!(serde_json::from_str::<Holder>(r#"{"Data":12}"#).is_err());
        assert!(serde_json::from_str::<Holder>(r#"{"Data":[1,2]}"#).is_err());
    }
}
