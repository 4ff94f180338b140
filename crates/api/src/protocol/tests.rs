//! Tests of the protocol codecs: content-type selection, decoding errors, borrowing, and that no
//! input makes a decoder panic.

use std::borrow::Cow;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use sluice_core::AwsErrorKind;

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SampleRecord {
    data: Blob,
    partition_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    explicit_hash_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SampleInput {
    #[serde(default)]
    records: Vec<SampleRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stream_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BorrowedInput<'a> {
    #[serde(borrow)]
    stream_name: Cow<'a, str>,
    data: Blob,
}

fn sample() -> SampleInput {
    SampleInput {
        records: vec![
            SampleRecord {
                data: Blob::from(b"hello".to_vec()),
                partition_key: "pk-1".into(),
                explicit_hash_key: None,
            },
            SampleRecord {
                data: Blob::from(vec![0, 159, 255]),
                partition_key: "pk-2".into(),
                explicit_hash_key: Some("1".into()),
            },
        ],
        stream_name: Some("orders".into()),
        timestamp: Some(Timestamp(1_603_149_588_042)),
        limit: Some(10),
    }
}

fn serialization_message(result: Result<SampleInput, ApiError>) -> Option<String> {
    match result {
        Ok(input) => panic!("unexpectedly decoded {input:?}"),
        Err(error) => {
            assert_eq!(error.kind, AwsErrorKind::Serialization);
            error.message
        }
    }
}

#[test]
fn content_type_selects_the_protocol() {
    for json in [
        "application/x-amz-json-1.1",
        "application/x-amz-json-1.0",
        "application/json",
        "Application/X-Amz-Json-1.1; charset=utf-8",
    ] {
        assert_eq!(
            Protocol::from_content_type(Some(json)),
            Some(Protocol::Json),
            "{json}"
        );
    }
    assert_eq!(
        Protocol::from_content_type(Some("application/x-amz-cbor-1.1")),
        Some(Protocol::Cbor)
    );
    for unsupported in [
        None,
        Some(""),
        Some("text/plain"),
        Some("application/x-amz-cbor-1.0"),
        Some("application/xml"),
    ] {
        assert_eq!(Protocol::from_content_type(unsupported), None, "{unsupported:?}");
    }
}

#[test]
fn json_and_cbor_round_trip() {
    for protocol in [Protocol::Json, Protocol::Cbor] {
        let encoded = encode(protocol, &sample()).unwrap();
        assert_eq!(
            decode::<SampleInput>(protocol, &encoded).unwrap(),
            sample(),
            "{protocol:?}"
        );
    }
}

#[test]
fn json_wire_form_matches_the_spec() {
    let encoded = encode(Protocol::Json, &sample()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&encoded).unwrap();
    assert_eq!(value["Records"][0]["Data"], "aGVsbG8=");
    assert!(String::from_utf8_lossy(&encoded).contains(r#""Timestamp":1603149588.042"#));
}

#[test]
fn empty_body_is_a_bare_serialization_exception() {
    for protocol in [Protocol::Json, Protocol::Cbor] {
        assert_eq!(serialization_message(decode(protocol, b"")), None);
    }
}

#[test]
fn json_syntax_error_is_a_serialization_exception_with_position() {
    let message = serialization_message(decode(Protocol::Json, br#"{"StreamName": "#)).unwrap();
    assert!(message.contains("line 1"), "{message}");
    assert!(serialization_message(decode(Protocol::Json, b"not json")).is_some());
    assert!(serialization_message(decode(Protocol::Json, b"{} trailing")).is_some());
}

#[test]
fn json_type_error_names_the_problem() {
    let message = serialization_message(decode(Protocol::Json, br#"{"Limit": "ten"}"#)).unwrap();
    assert_eq!(message, r#"invalid type: string "ten", expected i32"#);
    let message =
        serialization_message(decode(Protocol::Json, br#"{"Records": [{"PartitionKey": "k"}]}"#)).unwrap();
    assert_eq!(message, "missing field `Data`");
    let message = serialization_message(decode(Protocol::Json, b"[1]")).unwrap();
    assert!(
        message.starts_with("Start of structure or map expected"),
        "{message}"
    );
}

#[test]
fn bad_blob_message_is_exact_in_json() {
    let message = serialization_message(decode(
        Protocol::Json,
        br#"{"Records": [{"Data": "abc", "PartitionKey": "k"}]}"#,
    ));
    assert_eq!(
        message.as_deref(),
        Some(
            "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but \
             found: 3"
        )
    );
}

#[test]
fn cbor_errors_are_serialization_exceptions() {
    // A map that announces one entry and ends.
    assert!(serialization_message(decode(Protocol::Cbor, &[0xa1])).is_some());
    // A reserved additional-information value.
    assert!(serialization_message(decode(Protocol::Cbor, &[0x1c])).is_some());
    // A text string where a map is expected.
    let text = encode(Protocol::Cbor, "hello").unwrap();
    assert!(serialization_message(decode(Protocol::Cbor, &text)).is_some());
    // A valid empty map followed by garbage.
    let message = serialization_message(decode(Protocol::Cbor, &[0xa0, 0x00])).unwrap();
    assert_eq!(message, "unexpected data after the CBOR body at byte offset 1");
}

#[test]
fn cbor_type_error_message_is_serdes() {
    let body = encode(
        Protocol::Cbor,
        &ciborium::Value::Map(vec![("Limit".into(), "ten".into())]),
    )
    .unwrap();
    let message = serialization_message(decode(Protocol::Cbor, &body)).unwrap();
    assert_eq!(message, "invalid type: string, expected integer");
}

#[test]
fn deep_nesting_is_refused_not_overflowing() {
    let deep_json = "[".repeat(100_000);
    assert!(serialization_message(decode(Protocol::Json, deep_json.as_bytes())).is_some());
    let deep_cbor = vec![0x81; 100_000];
    assert!(serialization_message(decode(Protocol::Cbor, &deep_cbor)).is_some());
    assert!(decode_borrowed::<BorrowedInput<'_>>(Protocol::Cbor, &deep_cbor).is_err());
}

#[test]
fn json_borrowed_decoding_borrows_strings() {
    let body = br#"{"StreamName": "orders", "Data": "aGk="}"#;
    let input: BorrowedInput<'_> = decode_borrowed(Protocol::Json, body).unwrap();
    assert!(matches!(input.stream_name, Cow::Borrowed("orders")));
    assert_eq!(input.data.as_bytes(), b"hi");
    // An escaped string cannot be borrowed and comes out owned.
    let escaped = br#"{"StreamName": "a\"b", "Data": ""}"#;
    let input: BorrowedInput<'_> = decode_borrowed(Protocol::Json, escaped).unwrap();
    assert_eq!(input.stream_name, "a\"b");
}

#[test]
fn cbor_borrowed_decoding_falls_back_to_owned() {
    let body = encode(
        Protocol::Cbor,
        &ciborium::Value::Map(vec![
            ("StreamName".into(), "orders".into()),
            ("Data".into(), ciborium::Value::Bytes(b"hi".to_vec())),
        ]),
    )
    .unwrap();
    let input: BorrowedInput<'_> = decode_borrowed(Protocol::Cbor, &body).unwrap();
    assert_eq!(input.stream_name, "orders");
    assert_eq!(input.data.as_bytes(), b"hi");
    assert!(decode_borrowed::<BorrowedInput<'_>>(Protocol::Cbor, &[0xa0, 0xff]).is_err());
    assert!(decode_borrowed::<BorrowedInput<'_>>(Protocol::Cbor, &[0xa0]).is_err());
}

#[test]
fn empty_struct_encodes_as_an_empty_map() {
    #[derive(Serialize)]
    struct Empty {}
    assert_eq!(&encode(Protocol::Json, &Empty {}).unwrap()[..], b"{}");
    assert_eq!(&encode(Protocol::Cbor, &Empty {}).unwrap()[..], &[0xa0]);
}

proptest! {
    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        for protocol in [Protocol::Json, Protocol::Cbor] {
            let _ = decode::<SampleInput>(protocol, &body);
            let _ = decode_borrowed::<BorrowedInput<'_>>(protocol, &body);
        }
    }

    #[test]
    fn mutated_valid_bodies_never_panic(
        position_seed in any::<usize>(),
        replacement in any::<u8>(),
        truncate_seed in any::<usize>(),
    ) {
        for protocol in [Protocol::Json, Protocol::Cbor] {
            let mut body = encode(protocol, &sample()).unwrap().to_vec();
            let position = position_seed % body.len();
            body[position] = replacement;
            let _ = decode::<SampleInput>(protocol, &body);
            body.truncate(truncate_seed % (body.len() + 1));
            let _ = decode::<SampleInput>(protocol, &body);
            let _ = decode_borrowed::<BorrowedInput<'_>>(protocol, &body);
        }
    }
}

#[test]
fn null_optional_members_are_absent_in_both_protocols() {
    let json: SampleInput = decode(Protocol::Json, br#"{"Timestamp": null, "StreamName": null}"#).unwrap();
    assert_eq!((json.timestamp, json.stream_name), (None, None));
    let body = encode(
        Protocol::Cbor,
        &ciborium::Value::Map(vec![
            ("Timestamp".into(), ciborium::Value::Null),
            ("Limit".into(), ciborium::Value::Null),
        ]),
    )
    .unwrap();
    let cbor: SampleInput = decode(Protocol::Cbor, &body).unwrap();
    assert_eq!((cbor.timestamp, cbor.limit), (None, None));
}
