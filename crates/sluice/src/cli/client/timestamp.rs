//! Timestamps as the client commands read and print them: RFC 3339 text or epoch seconds in, epoch
//! milliseconds inside, RFC 3339 with milliseconds (UTC) out. The calendar work is done by
//! `aws_smithy_types::DateTime`; this module only picks formats and precision.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

/// Milliseconds since the Unix epoch.
pub type EpochMillis = i64;

/// Formats as `2024-05-01T12:34:56.789Z` (always three fraction digits, so the width is fixed for
/// years 1 to 9999). A time outside that range, which RFC 3339 cannot express, is printed as epoch
/// seconds instead.
pub fn format_rfc3339_millis(millis: EpochMillis) -> String {
    // Smithy prints only the fraction digits it needs; format whole seconds and add the millis.
    match DateTime::from_secs(millis.div_euclid(1000)).fmt(Format::DateTime) {
        Ok(text) => {
            let whole_seconds = text.strip_suffix('Z').unwrap_or(&text);
            format!("{whole_seconds}.{:03}Z", millis.rem_euclid(1000))
        }
        Err(_) => millis_to_wire_seconds(millis).to_string(),
    }
}

/// Converts a wire timestamp (fractional epoch seconds) to milliseconds, rounding to the nearest
/// millisecond (`1459799926.48` is not exact in binary).
pub fn wire_seconds_to_millis(seconds: f64) -> EpochMillis {
    (seconds * 1000.0).round() as EpochMillis
}

/// Converts milliseconds to the wire form (epoch seconds, millisecond precision).
pub fn millis_to_wire_seconds(millis: EpochMillis) -> f64 {
    millis as f64 / 1000.0
}

/// Parses a user-given point in time: epoch seconds (`1714566896`, `1714566896.5`) or RFC 3339
/// (`2024-05-01T12:34:56Z`, `2024-05-01T14:34:56.250+02:00`); a space in place of the `T`
/// (`2024-05-01 12:34:56Z`) and a bare date (`2024-05-01`, midnight UTC) are accepted too.
/// Digits beyond milliseconds are dropped.
pub fn parse_timestamp(text: &str) -> Result<EpochMillis, String> {
    let trimmed = text.trim();
    let looks_numeric = !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit() || c == '.');
    let parsed = if looks_numeric {
        DateTime::from_str(trimmed, Format::EpochSeconds)
            .map_err(|error| format!("'{text}' is not a number of epoch seconds: {error}"))?
    } else {
        DateTime::from_str(&rfc3339_date_time(trimmed), Format::DateTimeWithOffset).map_err(|error| {
            format!(
                "'{text}' is neither epoch seconds nor an RFC 3339 timestamp like \
                 2024-05-01T12:34:56Z: {error}"
            )
        })?
    };
    parsed
        .to_millis()
        .map_err(|error| format!("'{text}' is out of range: {error}"))
}

/// The strict RFC 3339 date-time for the looser forms [`parse_timestamp`] accepts.
fn rfc3339_date_time(text: &str) -> String {
    const DATE_LENGTH: usize = "yyyy-mm-dd".len();
    if text.len() == DATE_LENGTH {
        return format!("{text}T00:00:00Z");
    }
    match text
        .split_at_checked(DATE_LENGTH)
        .and_then(|(date, rest)| Some((date, rest.strip_prefix(' ')?)))
    {
        Some((date, time)) => format!("{date}T{time}"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_formats_rfc3339_with_millis() {
        assert_eq!(format_rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339_millis(1_459_799_926_480),
            "2016-04-04T19:58:46.480Z"
        );
        assert_eq!(
            format_rfc3339_millis(1_459_799_926_007),
            "2016-04-04T19:58:46.007Z"
        );
        assert_eq!(format_rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn test_wire_seconds_round_to_millis() {
        assert_eq!(wire_seconds_to_millis(1_459_799_926.48), 1_459_799_926_480);
        assert_eq!(millis_to_wire_seconds(1_459_799_926_480), 1_459_799_926.48);
    }

    #[test]
    fn test_parses_epoch_seconds_and_rfc3339() {
        assert_eq!(parse_timestamp("1459799926"), Ok(1_459_799_926_000));
        assert_eq!(parse_timestamp(" 1459799926.48 "), Ok(1_459_799_926_480));
        assert_eq!(parse_timestamp("2016-04-04T19:58:46.48Z"), Ok(1_459_799_926_480));
        assert_eq!(parse_timestamp("2024-05-01T12:00:00Z"), Ok(1_714_564_800_000));
        assert_eq!(
            parse_timestamp("2016-04-04 21:58:46+02:00"),
            Ok(1_459_799_926_000)
        );
        assert_eq!(
            parse_timestamp("2016-04-04T14:58:46.123456-05:00"),
            Ok(1_459_799_926_123)
        );
        assert_eq!(parse_timestamp("2016-04-04"), Ok(1_459_728_000_000));
    }

    #[test]
    fn test_rejects_malformed_timestamps() {
        for text in [
            "",
            "yesterday",
            "2016-13-01",
            "2016-02-30",
            "2016-04-04T25:00:00Z",
            "2016-04-04T10:00:00",
            "1.2.3",
            "-5",
        ] {
            assert!(parse_timestamp(text).is_err(), "{text:?} should be rejected");
        }
    }
}
