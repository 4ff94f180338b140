//! Encoding and decoding of one framed batch, the unit of every append.
//!
//! This module is pure: it only turns records into bytes and bytes back into a validated view, with
//! no I/O, no allocation on decode and no panic on any input (it is the target of the frame fuzzer).
//! It owns the frame layout described in the crate documentation:
//!
//! ```text
//! offset size field
//!      0    4 magic         u32 LE = 0x314C4C53 ("SLL1" read as bytes)
//!      4    4 payload_len   u32 LE, bytes after the 32-byte header
//!      8    4 crc32c        u32 LE, CRC32C of bytes 12..32 and of the payload
//!     12    8 first_offset  u64 LE
//!     20    4 record_count  u32 LE, at least 1
//!     24    8 timestamp_ms  i64 LE
//!     32    . payload       record_count times: key_len u32 | value_len u32 | key | value
//! ```
//!
//! What it does not own: where frames live in a file (see `segment`), and the configured batch limit,
//! which callers pass in as `max_payload_len`.

use std::ops::Range;

use crate::record::RecordRef;

/// `"SLL1"`: the first four bytes of every frame.
pub const MAGIC: u32 = 0x314C_4C53;
/// Length of the fixed frame header.
pub const HEADER_LEN: usize = 32;
/// First byte covered by the CRC (everything after the CRC field).
pub const CRC_START: usize = 12;
/// Per-record overhead inside the payload (`key_len` and `value_len`).
pub const RECORD_OVERHEAD: usize = 8;
/// Largest payload any frame may declare, so that a whole frame length fits in a `u32` position.
pub const MAX_PAYLOAD_LEN: u32 = u32::MAX - HEADER_LEN as u32;

/// Why bytes are not a valid frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Fewer bytes than the header or the declared payload needs.
    #[error("frame truncated: {needed} bytes needed, {available} available")]
    Truncated {
        /// Bytes needed to hold the header or the whole frame.
        needed: u64,
        /// Bytes available.
        available: u64,
    },
    /// The first four bytes are not [`MAGIC`].
    #[error("bad magic {found:#010x}")]
    BadMagic {
        /// What was found instead.
        found: u32,
    },
    /// The payload is larger than the limit in force.
    #[error("payload of {len} bytes exceeds the limit of {max} bytes")]
    PayloadTooLarge {
        /// Declared or computed payload length.
        len: u64,
        /// The limit.
        max: u64,
    },
    /// The stored CRC does not match the bytes.
    #[error("crc mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    CrcMismatch {
        /// CRC found in the header.
        stored: u32,
        /// CRC computed over the bytes.
        computed: u32,
    },
    /// A frame declares zero records, or an encode was asked for none.
    #[error("frame holds no records")]
    Empty,
    /// `first_offset + record_count` does not fit in a `u64`.
    #[error("offset range overflows")]
    OffsetOverflow,
    /// The record lengths do not add up to the payload.
    #[error("malformed payload: {0}")]
    MalformedPayload(&'static str),
}

/// The validated fixed header of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Bytes of payload after the header.
    pub payload_len: u32,
    /// Stored CRC32C.
    pub crc: u32,
    /// Offset of the first record.
    pub first_offset: u64,
    /// Number of records, at least 1.
    pub record_count: u32,
    /// Timestamp shared by every record of the batch.
    pub timestamp_ms: i64,
}

impl FrameHeader {
    /// Header plus payload length.
    pub fn frame_len(&self) -> u64 {
        HEADER_LEN as u64 + u64::from(self.payload_len)
    }

    /// Offset after the last record of the frame (validated not to overflow by [`decode_header`]).
    pub fn end_offset(&self) -> u64 {
        self.first_offset.saturating_add(u64::from(self.record_count))
    }
}

/// Payload length of a batch: 8 bytes per record plus keys and values.
pub fn payload_len(records: &[RecordRef<'_>]) -> u64 {
    let mut total: u64 = 0;
    for record in records {
        total = total
            .saturating_add(RECORD_OVERHEAD as u64)
            .saturating_add(record.key.len() as u64)
            .saturating_add(record.value.len() as u64);
    }
    total
}

/// Encodes one frame into `buf` (cleared first, so callers can reuse its allocation).
///
/// Fails with [`FrameError::Empty`] for no records and [`FrameError::PayloadTooLarge`] when the
/// payload exceeds `max_payload_len` (or [`MAX_PAYLOAD_LEN`]).
pub fn encode_into(
    buf: &mut Vec<u8>,
    first_offset: u64,
    timestamp_ms: i64,
    records: &[RecordRef<'_>],
    max_payload_len: u32,
) -> Result<(), FrameError> {
    if records.is_empty() {
        return Err(FrameError::Empty);
    }
    let limit = max_payload_len.min(MAX_PAYLOAD_LEN);
    let payload_len_u64 = payload_len(records);
    let payload_len = match u32::try_from(payload_len_u64) {
        Ok(len) if len <= limit => len,
        _ => {
            return Err(FrameError::PayloadTooLarge {
                len: payload_len_u64,
                max: u64::from(limit),
            });
        }
    };
    // Bounded by the payload limit: every record takes at least 8 bytes.
    let record_count =
        u32::try_from(records.len()).map_err(|_| FrameError::MalformedPayload("too many records"))?;
    if first_offset.checked_add(u64::from(record_count)).is_none() {
        return Err(FrameError::OffsetOverflow);
    }

    buf.clear();
    buf.reserve(HEADER_LEN + payload_len as usize);
    buf.extend_from_slice(&MAGIC.to_le_bytes());
    buf.extend_from_slice(&payload_len.to_le_bytes());
    buf.extend_from_slice(&0u32.to_le_bytes()); // CRC placeholder
    buf.extend_from_slice(&first_offset.to_le_bytes());
    buf.extend_from_slice(&record_count.to_le_bytes());
    buf.extend_from_slice(&timestamp_ms.to_le_bytes());
    for record in records {
        // Each length is at most the payload length, which fits in a u32.
        buf.extend_from_slice(&(record.key.len() as u32).to_le_bytes());
        buf.extend_from_slice(&(record.value.len() as u32).to_le_bytes());
        buf.extend_from_slice(record.key);
        buf.extend_from_slice(record.value);
    }
    let crc = crc32c::crc32c(&buf[CRC_START..]);
    buf[8..12].copy_from_slice(&crc.to_le_bytes());
    Ok(())
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(raw))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let raw: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(raw))
}

/// Decodes and validates the fixed header at the start of `bytes` (the CRC is not checked here:
/// it covers the payload too, see [`verify`]).
pub fn decode_header(bytes: &[u8], max_payload_len: u32) -> Result<FrameHeader, FrameError> {
    let truncated = FrameError::Truncated {
        needed: HEADER_LEN as u64,
        available: bytes.len() as u64,
    };
    let (Some(magic), Some(payload_len), Some(crc), Some(first_offset), Some(record_count), Some(timestamp)) = (
        u32_at(bytes, 0),
        u32_at(bytes, 4),
        u32_at(bytes, 8),
        u64_at(bytes, 12),
        u32_at(bytes, 20),
        u64_at(bytes, 24),
    ) else {
        return Err(truncated);
    };
    if magic != MAGIC {
        return Err(FrameError::BadMagic { found: magic });
    }
    let limit = max_payload_len.min(MAX_PAYLOAD_LEN);
    if payload_len > limit {
        return Err(FrameError::PayloadTooLarge {
            len: u64::from(payload_len),
            max: u64::from(limit),
        });
    }
    if record_count == 0 {
        return Err(FrameError::Empty);
    }
    if u64::from(record_count) * RECORD_OVERHEAD as u64 > u64::from(payload_len) {
        return Err(FrameError::MalformedPayload(
            "record count larger than the payload can hold",
        ));
    }
    if first_offset.checked_add(u64::from(record_count)).is_none() {
        return Err(FrameError::OffsetOverflow);
    }
    Ok(FrameHeader {
        payload_len,
        crc,
        first_offset,
        record_count,
        timestamp_ms: i64::from_le_bytes(timestamp.to_le_bytes()),
    })
}

/// Checks the CRC and the payload structure of a whole frame (`frame` must be exactly
/// `header.frame_len()` bytes, header included).
pub fn verify(header: &FrameHeader, frame: &[u8]) -> Result<(), FrameError> {
    let expected_len = header.frame_len();
    if frame.len() as u64 != expected_len {
        return Err(FrameError::Truncated {
            needed: expected_len,
            available: frame.len() as u64,
        });
    }
    let covered = frame.get(CRC_START..).unwrap_or_default();
    let computed = crc32c::crc32c(covered);
    if computed != header.crc {
        return Err(FrameError::CrcMismatch {
            stored: header.crc,
            computed,
        });
    }
    let payload = frame.get(HEADER_LEN..).unwrap_or_default();
    let mut spans = RecordSpans::new(payload, header.record_count);
    let mut found: u32 = 0;
    while let Some(span) = spans.next_checked()? {
        debug_assert!(span.value.end <= payload.len());
        found += 1;
    }
    if spans.position != payload.len() {
        return Err(FrameError::MalformedPayload(
            "record lengths do not add up to the payload length",
        ));
    }
    debug_assert_eq!(found, header.record_count);
    Ok(())
}

/// A frame decoded from a byte slice, borrowing its payload.
#[derive(Debug, Clone, Copy)]
pub struct DecodedFrame<'a> {
    /// The validated header.
    pub header: FrameHeader,
    /// The validated payload.
    pub payload: &'a [u8],
}

impl<'a> DecodedFrame<'a> {
    /// The records of the frame, in offset order.
    pub fn records(&self) -> impl Iterator<Item = RecordRef<'a>> + 'a {
        let payload = self.payload;
        RecordSpans::new(payload, self.header.record_count).filter_map(move |span| {
            Some(RecordRef {
                key: payload.get(span.key)?,
                value: payload.get(span.value)?,
            })
        })
    }
}

/// Decodes the whole frame at the start of `bytes` (trailing bytes are ignored) and validates it:
/// magic, lengths, payload limit, CRC and record structure.
pub fn decode(bytes: &[u8], max_payload_len: u32) -> Result<DecodedFrame<'_>, FrameError> {
    let header = decode_header(bytes, max_payload_len)?;
    let frame_len = header.frame_len();
    let Some(frame) = usize::try_from(frame_len).ok().and_then(|len| bytes.get(..len)) else {
        return Err(FrameError::Truncated {
            needed: frame_len,
            available: bytes.len() as u64,
        });
    };
    verify(&header, frame)?;
    Ok(DecodedFrame {
        header,
        payload: frame.get(HEADER_LEN..).unwrap_or_default(),
    })
}

/// Byte ranges of one record inside a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSpan {
    /// Range of the key, relative to the payload start.
    pub key: Range<usize>,
    /// Range of the value, relative to the payload start.
    pub value: Range<usize>,
}

/// Walks the records of a payload, yielding their byte ranges. Stops (yields `None`) at the first
/// malformed record; [`RecordSpans::next_checked`] reports why instead.
#[derive(Debug, Clone)]
pub struct RecordSpans<'a> {
    payload: &'a [u8],
    position: usize,
    remaining: u32,
}

impl<'a> RecordSpans<'a> {
    /// Spans of the `record_count` records of `payload`.
    pub fn new(payload: &'a [u8], record_count: u32) -> Self {
        RecordSpans {
            payload,
            position: 0,
            remaining: record_count,
        }
    }

    /// The next record, `Ok(None)` after the last one, or why the payload is malformed.
    pub fn next_checked(&mut self) -> Result<Option<RecordSpan>, FrameError> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let (Some(key_len), Some(value_len)) = (
            u32_at(self.payload, self.position),
            u32_at(self.payload, self.position + 4),
        ) else {
            return Err(FrameError::MalformedPayload(
                "record header runs past the payload",
            ));
        };
        let key_start = self.position + RECORD_OVERHEAD;
        let key_end = key_start.checked_add(key_len as usize);
        let value_end = key_end.and_then(|end| end.checked_add(value_len as usize));
        let (Some(key_end), Some(value_end)) = (key_end, value_end) else {
            return Err(FrameError::MalformedPayload("record length overflows"));
        };
        if value_end > self.payload.len() {
            return Err(FrameError::MalformedPayload("record runs past the payload"));
        }
        self.position = value_end;
        self.remaining -= 1;
        Ok(Some(RecordSpan {
            key: key_start..key_end,
            value: key_end..value_end,
        }))
    }
}

impl Iterator for RecordSpans<'_> {
    type Item = RecordSpan;

    fn next(&mut self) -> Option<RecordSpan> {
        self.next_checked().ok().flatten()
    }
}

#[cfg(test)]
mod tests;
