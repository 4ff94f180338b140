//! Unit tests of the frame codec: round trips, exact layout, typed errors, and never panicking or
//! accepting damaged input.

use proptest::prelude::*;

use super::*;

fn encode(first_offset: u64, timestamp_ms: i64, records: &[RecordRef<'_>]) -> Vec<u8> {
    let mut buf = Vec::new();
    encode_into(&mut buf, first_offset, timestamp_ms, records, u32::MAX).unwrap();
    buf
}

#[test]
fn round_trip_keeps_header_and_records() {
    let records = [
        RecordRef {
            key: b"k1",
            value: b"hello",
        },
        RecordRef { key: b"", value: b"" },
        RecordRef {
            key: b"key-3",
            value: &[0xff; 100],
        },
    ];
    let bytes = encode(42, -7, &records);
    assert_eq!(bytes.len() as u64, HEADER_LEN as u64 + payload_len(&records));
    let frame = decode(&bytes, 1 << 20).unwrap();
    assert_eq!(frame.header.first_offset, 42);
    assert_eq!(frame.header.record_count, 3);
    assert_eq!(frame.header.timestamp_ms, -7);
    assert_eq!(frame.header.end_offset(), 45);
    assert_eq!(frame.header.frame_len(), bytes.len() as u64);
    assert_eq!(frame.records().collect::<Vec<_>>(), records);
}

#[test]
fn layout_is_little_endian_with_magic_first() {
    let bytes = encode(
        1,
        2,
        &[RecordRef {
            key: b"a",
            value: b"bc",
        }],
    );
    assert_eq!(&bytes[0..4], b"SLL1");
    assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()), 11);
    assert_eq!(
        u32::from_le_bytes(bytes[8..12].try_into().unwrap()),
        crc32c::crc32c(&bytes[12..])
    );
    assert_eq!(u64::from_le_bytes(bytes[12..20].try_into().unwrap()), 1);
    assert_eq!(u32::from_le_bytes(bytes[20..24].try_into().unwrap()), 1);
    assert_eq!(i64::from_le_bytes(bytes[24..32].try_into().unwrap()), 2);
    assert_eq!(&bytes[32..], &[1, 0, 0, 0, 2, 0, 0, 0, b'a', b'b', b'c']);
}

#[test]
fn encode_refuses_empty_and_oversized_batches() {
    let mut buf = Vec::new();
    assert_eq!(encode_into(&mut buf, 0, 0, &[], 100), Err(FrameError::Empty));
    let big = [0u8; 93];
    let result = encode_into(
        &mut buf,
        0,
        0,
        &[RecordRef {
            key: b"",
            value: &big,
        }],
        100,
    );
    assert_eq!(result, Err(FrameError::PayloadTooLarge { len: 101, max: 100 }));
    let result = encode_into(&mut buf, u64::MAX, 0, &[RecordRef { key: b"", value: b"" }], 100);
    assert_eq!(result, Err(FrameError::OffsetOverflow));
}

#[test]
fn decode_reports_typed_errors() {
    let good = encode(
        5,
        9,
        &[RecordRef {
            key: b"k",
            value: b"v",
        }],
    );
    assert!(matches!(
        decode(&good[..10], 1000),
        Err(FrameError::Truncated { .. })
    ));
    assert!(matches!(
        decode(&good[..good.len() - 1], 1000),
        Err(FrameError::Truncated { .. })
    ));

    let mut bad_magic = good.clone();
    bad_magic[0] ^= 1;
    assert!(matches!(
        decode(&bad_magic, 1000),
        Err(FrameError::BadMagic { .. })
    ));

    let mut flipped = good.clone();
    *flipped.last_mut().unwrap() ^= 0x40;
    assert!(matches!(
        decode(&flipped, 1000),
        Err(FrameError::CrcMismatch { .. })
    ));

    assert!(matches!(
        decode(&good, 5),
        Err(FrameError::PayloadTooLarge { len: 10, max: 5 })
    ));
}

#[test]
fn decode_refuses_lengths_that_do_not_add_up_even_with_a_valid_crc() {
    // One record declared, payload holds the record plus two stray bytes.
    let mut bytes = encode(
        0,
        0,
        &[RecordRef {
            key: b"k",
            value: b"v",
        }],
    );
    bytes.extend_from_slice(&[7, 7]);
    let payload_len = (bytes.len() - HEADER_LEN) as u32;
    bytes[4..8].copy_from_slice(&payload_len.to_le_bytes());
    let crc = crc32c::crc32c(&bytes[CRC_START..]);
    bytes[8..12].copy_from_slice(&crc.to_le_bytes());
    assert!(matches!(
        decode(&bytes, 1000),
        Err(FrameError::MalformedPayload(_))
    ));

    // Key length pointing past the payload.
    let mut bytes = encode(
        0,
        0,
        &[RecordRef {
            key: b"k",
            value: b"v",
        }],
    );
    bytes[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let crc = crc32c::crc32c(&bytes[CRC_START..]);
    bytes[8..12].copy_from_slice(&crc.to_le_bytes());
    assert!(matches!(
        decode(&bytes, 1000),
        Err(FrameError::MalformedPayload(_))
    ));
}

#[test]
fn decode_ignores_trailing_bytes() {
    let mut bytes = encode(
        3,
        4,
        &[RecordRef {
            key: b"k",
            value: b"v",
        }],
    );
    let frame_len = bytes.len();
    bytes.extend_from_slice(b"garbage after the frame");
    let frame = decode(&bytes, 1000).unwrap();
    assert_eq!(frame.header.frame_len(), frame_len as u64);
}

fn arb_records() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    proptest::collection::vec(
        (
            proptest::collection::vec(any::<u8>(), 0..16),
            proptest::collection::vec(any::<u8>(), 0..64),
        ),
        1..8,
    )
}

proptest! {
    #[test]
    fn any_batch_round_trips(first in 0u64..u64::MAX / 2, ts in any::<i64>(), records in arb_records()) {
        let refs: Vec<RecordRef<'_>> =
            records.iter().map(|(k, v)| RecordRef { key: k, value: v }).collect();
        let bytes = encode(first, ts, &refs);
        let frame = decode(&bytes, u32::MAX).unwrap();
        prop_assert_eq!(frame.header.first_offset, first);
        prop_assert_eq!(frame.header.timestamp_ms, ts);
        prop_assert_eq!(frame.records().collect::<Vec<_>>(), refs);
    }

    #[test]
    fn decoding_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode(&bytes, 1 << 16);
        let _ = decode_header(&bytes, u32::MAX);
        let _ = RecordSpans::new(&bytes, u32::MAX).count();
    }

    #[test]
    fn any_single_byte_change_or_truncation_is_detected(
        records in arb_records(),
        position in any::<prop::sample::Index>(),
        xor in 1u8..=255,
        cut in any::<prop::sample::Index>(),
    ) {
        let refs: Vec<RecordRef<'_>> =
            records.iter().map(|(k, v)| RecordRef { key: k, value: v }).collect();
        let bytes = encode(10, 20, &refs);
        let mut flipped = bytes.clone();
        flipped[position.index(bytes.len())] ^= xor;
        prop_assert!(decode(&flipped, u32::MAX).is_err());
        let truncated = &bytes[..cut.index(bytes.len())];
        prop_assert!(decode(truncated, u32::MAX).is_err());
    }
}
