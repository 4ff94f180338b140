//! [`Timestamp`]: a model `timestamp` member, in both wire encodings.
//!
//! - JSON (spec A.2): a number of epoch **seconds**. Input may be an integer (what botocore sends)
//!   or a fraction; it is rounded to the millisecond. Output is fractional seconds with millisecond
//!   precision in plain decimal notation, e.g. `1603149588.042`, never `1.603149588042E9` (the Java
//!   SDK v2 JSON parser fails on exponents, localstack#3134).
//! - CBOR (spec A.5): tag 1 followed by an integer of epoch **milliseconds** (the Java SDK's
//!   non-standard reading of tag 1). Input accepts that, an untagged integer, or a float, always as
//!   milliseconds.
//!
//! Why the JSON output is always decimal: it is written as an `f64` (`millis / 1000`), which
//! serde_json formats with `ryu`. `ryu` switches to an exponent only when the decimal point would sit
//! more than 16 digits from the first digit, and `i64::MAX` milliseconds is 9.2e15 seconds, so no
//! representable timestamp gets one. For every instant up to the year 9999 the shortest round-trip
//! form of that `f64` is exactly the millisecond decimal (trailing zeros trimmed: `1459799926.48`),
//! as the property test below checks.
//!
//! Unlike [`crate::Blob`], the two encodings differ in unit, so a timestamp must not sit behind a
//! serde buffer (untagged enum, `flatten`) that forgets whether the format is human readable.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// The CBOR tag of an epoch date-time (here, in milliseconds).
const EPOCH_TAG: u64 = 1;

/// An instant, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_epoch_millis(epoch_millis: i64) -> Timestamp {
        Timestamp(epoch_millis)
    }

    pub fn epoch_millis(self) -> i64 {
        self.0
    }

    /// The JSON wire text: epoch seconds with exactly three decimals (`1603149588.042`). The
    /// serializer writes the same value, possibly with fewer trailing zeros.
    pub fn to_decimal_seconds(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        format!("{sign}{}.{:03}", magnitude / 1000, magnitude % 1000)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            // Lossless up to 2^53 ms / 1000 of precision, which covers every realistic instant.
            #[allow(clippy::cast_precision_loss)]
            let seconds = self.0 as f64 / 1000.0;
            serializer.serialize_f64(seconds)
        } else {
            ciborium::tag::Required::<i64, EPOCH_TAG>(self.0).serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        if deserializer.is_human_readable() {
            deserializer
                .deserialize_any(NumberVisitor { unit: Unit::Seconds })
                .map(Timestamp)
        } else {
            let ciborium::tag::Captured(tag, EpochMillis(millis)) = Deserialize::deserialize(deserializer)?;
            match tag {
                None | Some(EPOCH_TAG) => Ok(Timestamp(millis)),
                Some(other) => Err(de::Error::custom(format!(
                    "a timestamp must be an untagged number or carry CBOR tag 1, found tag {other}"
                ))),
            }
        }
    }
}

/// The number inside a (possibly tagged) CBOR timestamp, in milliseconds.
struct EpochMillis(i64);

impl<'de> Deserialize<'de> for EpochMillis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EpochMillis, D::Error> {
        deserializer
            .deserialize_any(NumberVisitor { unit: Unit::Millis })
            .map(EpochMillis)
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Seconds,
    Millis,
}

impl Unit {
    fn millis_per_unit(self) -> i64 {
        match self {
            Unit::Seconds => 1000,
            Unit::Millis => 1,
        }
    }
}

/// Reads an integer or a float in `unit` and returns epoch milliseconds.
struct NumberVisitor {
    unit: Unit,
}

impl NumberVisitor {
    fn out_of_range<E: de::Error>(value: impl fmt::Display) -> E {
        E::custom(format!("timestamp {value} is out of range"))
    }
}

impl Visitor<'_> for NumberVisitor {
    type Value = i64;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            Unit::Seconds => formatter.write_str("a number of epoch seconds"),
            Unit::Millis => formatter.write_str("a number of epoch milliseconds"),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        value
            .checked_mul(self.unit.millis_per_unit())
            .ok_or_else(|| Self::out_of_range(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        let signed = i64::try_from(value).map_err(|_| Self::out_of_range(value))?;
        self.visit_i64(signed)
    }

    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
        let millis = (value * self.unit.millis_per_unit() as f64).round();
        // `i64::MAX as f64` is 2^63, itself out of range, hence the strict upper bound.
        if !millis.is_finite() || millis < i64::MIN as f64 || millis >= i64::MAX as f64 {
            return Err(Self::out_of_range(value));
        }
        Ok(millis as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        #[serde(rename = "Timestamp")]
        timestamp: Timestamp,
    }

    fn to_json(millis: i64) -> String {
        serde_json::to_string(&Timestamp(millis)).unwrap()
    }

    fn to_cbor(value: &impl Serialize) -> Vec<u8> {
        let mut encoded = Vec::new();
        ciborium::into_writer(value, &mut encoded).unwrap();
        encoded
    }

    #[test]
    fn json_output_is_plain_decimal_seconds() {
        assert_eq!(to_json(1_603_149_588_042), "1603149588.042");
        assert_eq!(to_json(1_459_799_926_480), "1459799926.48");
        assert_eq!(to_json(1_459_799_926_000), "1459799926.0");
        assert_eq!(to_json(1), "0.001");
        assert_eq!(to_json(0), "0.0");
        assert_eq!(to_json(-1), "-0.001");
        for extreme in [i64::MAX, i64::MIN, 253_402_300_799_999] {
            let text = to_json(extreme);
            assert!(!text.contains(['e', 'E']), "{extreme} written as {text}");
        }
    }

    #[test]
    fn decimal_seconds_text() {
        assert_eq!(
            Timestamp(1_603_149_588_042).to_decimal_seconds(),
            "1603149588.042"
        );
        assert_eq!(Timestamp(-1).to_decimal_seconds(), "-0.001");
        assert_eq!(Timestamp(i64::MIN).to_decimal_seconds(), "-9223372036854775.808");
    }

    #[test]
    fn json_input_accepts_integer_and_fractional_seconds() {
        let parse = |text: &str| serde_json::from_str::<Timestamp>(text).map(|timestamp| timestamp.0);
        assert_eq!(parse("1459799926").unwrap(), 1_459_799_926_000);
        assert_eq!(parse("1459799926.48").unwrap(), 1_459_799_926_480);
        assert_eq!(parse("1603149588.042").unwrap(), 1_603_149_588_042);
        assert_eq!(parse("-1.5").unwrap(), -1500);
        assert_eq!(parse("1.603149588042E9").unwrap(), 1_603_149_588_042);
        assert!(parse("\"1459799926\"").is_err());
        assert!(parse("1e300").is_err());
        assert!(parse("18446744073709551615").is_err());
        assert!(parse("9223372036854775807").is_err());
    }

    #[test]
    fn cbor_output_is_tag_one_and_milliseconds() {
        // The Java SDK v2 wire example of spec A.5: c1 1b 000001a013accc38.
        let encoded = to_cbor(&Timestamp(1_787_036_486_712));
        assert_eq!(
            encoded,
            [0xc1, 0x1b, 0x00, 0x00, 0x01, 0xa0, 0x13, 0xac, 0xcc, 0x38]
        );
        assert_eq!(
            ciborium::from_reader::<Timestamp, _>(&encoded[..]).unwrap(),
            Timestamp(1_787_036_486_712)
        );
    }

    #[test]
    fn cbor_input_accepts_untagged_integer_and_float_milliseconds() {
        let untagged = to_cbor(&1_603_152_823_565_u64);
        assert_eq!(
            ciborium::from_reader::<Timestamp, _>(&untagged[..]).unwrap(),
            Timestamp(1_603_152_823_565)
        );
        let float = to_cbor(&1_603_152_823_565.4_f64);
        assert_eq!(
            ciborium::from_reader::<Timestamp, _>(&float[..]).unwrap(),
            Timestamp(1_603_152_823_565)
        );
        let tagged_float = to_cbor(&ciborium::tag::Required::<f64, 1>(1_000.0));
        assert_eq!(
            ciborium::from_reader::<Timestamp, _>(&tagged_float[..]).unwrap(),
            Timestamp(1000)
        );
        let wrong_tag = to_cbor(&ciborium::tag::Required::<u64, 0>(5));
        assert!(ciborium::from_reader::<Timestamp, _>(&wrong_tag[..]).is_err());
        let text = to_cbor(&"1603152823565");
        assert!(ciborium::from_reader::<Timestamp, _>(&text[..]).is_err());
    }

    #[test]
    fn cbor_round_trip_inside_a_struct() {
        let holder = Holder {
            timestamp: Timestamp(1_603_149_588_042),
        };
        let encoded = to_cbor(&holder);
        assert_eq!(ciborium::from_reader::<Holder, _>(&encoded[..]).unwrap(), holder);
        let tree: ciborium::Value = ciborium::from_reader(&encoded[..]).unwrap();
        assert_eq!(tree.deserialized::<Holder>().unwrap(), holder);
    }

    proptest! {
        #[test]
        fn json_round_trip_is_exact_until_year_9999(millis in -62_135_596_800_000_i64..=253_402_300_799_999) {
            let text = to_json(millis);
            prop_assert!(!text.contains(['e', 'E']));
            let expected = Timestamp(millis).to_decimal_seconds();
            let trimmed = expected.trim_end_matches('0');
            let expected_text = if trimmed.ends_with('.') { format!("{trimmed}0") } else { trimmed.to_owned() };
            prop_assert_eq!(&text, &expected_text);
            prop_assert_eq!(serde_json::from_str::<Timestamp>(&text).unwrap(), Timestamp(millis));
        }

        #[test]
        fn json_output_never_uses_an_exponent(millis in any::<i64>()) {
            prop_assert!(!to_json(millis).contains(['e', 'E']));
        }

        #[test]
        fn cbor_round_trip(millis in any::<i64>()) {
            let encoded = to_cbor(&Timestamp(millis));
            prop_assert_eq!(ciborium::from_reader::<Timestamp, _>(&encoded[..]).unwrap(), Timestamp(millis));
        }
    }
}
