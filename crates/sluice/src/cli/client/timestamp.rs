//! Timestamps as the client commands read and print them: RFC 3339 text or epoch seconds in, epoch
//! milliseconds inside, RFC 3339 with milliseconds (UTC) out, and the `X-Amz-Date` form for signing.
//!
//! Only UTC calendar arithmetic is needed, so it is done without a date crate: days-from-civil here
//! and its inverse in [`sluice_core::calendar`], after Howard Hinnant's algorithms.

use sluice_core::calendar::civil_from_days;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type EpochMillis = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Now, in milliseconds since the epoch.
pub fn now_millis() -> EpochMillis {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        Err(before_epoch) => -i64::try_from(before_epoch.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Formats as `2024-05-01T12:34:56.789Z`.
pub fn format_rfc3339_millis(millis: EpochMillis) -> String {
    let days = millis.div_euclid(86_400_000);
    let millis_of_day = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let seconds_of_day = millis_of_day / 1000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
        millis_of_day % 1000
    )
}

/// The SigV4 request time `yyyymmddTHHMMSSZ` and its date part `yyyymmdd`.
pub fn amz_date(millis: EpochMillis) -> (String, String) {
    let days = millis.div_euclid(86_400_000);
    let seconds_of_day = millis.rem_euclid(86_400_000) / 1000;
    let (year, month, day) = civil_from_days(days);
    let date = format!("{year:04}{month:02}{day:02}");
    let date_time = format!(
        "{date}T{:02}{:02}{:02}Z",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60
    );
    (date_time, date)
}

/// Converts a wire timestamp (fractional epoch seconds) to milliseconds.
pub fn wire_seconds_to_millis(seconds: f64) -> EpochMillis {
    (seconds * 1000.0).round() as EpochMillis
}

/// Converts milliseconds to the wire form (epoch seconds, millisecond precision).
pub fn millis_to_wire_seconds(millis: EpochMillis) -> f64 {
    millis as f64 / 1000.0
}

/// Parses a user-given point in time: epoch seconds (`1714566896`, `1714566896.5`) or RFC 3339
/// (`2024-05-01T12:34:56Z`, `2024-05-01T14:34:56.250+02:00`, `2024-05-01 12:34:56Z`, `2024-05-01`).
pub fn parse_timestamp(text: &str) -> Result<EpochMillis, String> {
    let trimmed = text.trim();
    let looks_numeric = !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit() || c == '.');
    if looks_numeric {
        return match trimmed.parse::<f64>() {
            Ok(seconds) if seconds.is_finite() => Ok((seconds * 1000.0).round() as EpochMillis),
            _ => Err(format!("'{text}' is not a number of epoch seconds")),
        };
    }
    parse_rfc3339(trimmed).ok_or_else(|| {
        format!("'{text}' is neither epoch seconds nor an RFC 3339 timestamp like 2024-05-01T12:34:56Z")
    })
}

/// A cursor over ASCII text that reads fixed-width numbers and literal characters.
struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Cursor<'_> {
    fn number(&mut self, width: usize) -> Option<u32> {
        let digits = self.bytes.get(self.position..self.position + width)?;
        let mut value = 0u32;
        for digit in digits {
            if !digit.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(digit - b'0');
        }
        self.position += width;
        Some(value)
    }

    fn literal(&mut self, accepted: &[u8]) -> Option<u8> {
        let byte = *self.bytes.get(self.position)?;
        if accepted.contains(&byte) {
            self.position += 1;
            Some(byte)
        } else {
            None
        }
    }

    fn at_end(&self) -> bool {
        self.position == self.bytes.len()
    }
}

fn parse_rfc3339(text: &str) -> Option<EpochMillis> {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        position: 0,
    };
    let year = cursor.number(4)?;
    cursor.literal(b"-")?;
    let month = cursor.number(2)?;
    cursor.literal(b"-")?;
    let day = cursor.number(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(i64::from(year), month) {
        return None;
    }
    let date_millis = days_from_civil(i64::from(year), month, day) * 86_400_000;
    if cursor.at_end() {
        return Some(date_millis);
    }
    cursor.literal(b"Tt ")?;
    let hour = cursor.number(2)?;
    cursor.literal(b":")?;
    let minute = cursor.number(2)?;
    cursor.literal(b":")?;
    let second = cursor.number(2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut fraction_millis = 0i64;
    if cursor.literal(b".,").is_some() {
        let mut scale = 100i64;
        let mut digit_count = 0;
        while let Some(digit) = cursor.number(1) {
            fraction_millis += i64::from(digit) * scale;
            scale /= 10;
            digit_count += 1;
        }
        if digit_count == 0 {
            return None;
        }
    }
    let offset_minutes = match cursor.literal(b"Zz+-")? {
        b'Z' | b'z' => 0,
        sign => {
            let offset_hour = cursor.number(2)?;
            cursor.literal(b":")?;
            let offset_minute = cursor.number(2)?;
            let magnitude = i64::from(offset_hour * 60 + offset_minute);
            if sign == b'-' { -magnitude } else { magnitude }
        }
    };
    if !cursor.at_end() {
        return None;
    }
    let seconds_of_day = i64::from(hour * 3600 + minute * 60 + second);
    Some(date_millis + seconds_of_day * 1000 + fraction_millis - offset_minutes * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_calendar_round_trips_across_eras() {
        for days in [-800_000i64, -1, 0, 1, 59, 365, 11_016, 19_844, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days, "days {days}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn test_formats_rfc3339_with_millis() {
        assert_eq!(format_rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339_millis(1_459_799_926_480),
            "2016-04-04T19:58:46.480Z"
        );
        assert_eq!(format_rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn test_amz_date_matches_sigv4_form() {
        let (date_time, date) = amz_date(1_440_938_160_000);
        assert_eq!(date_time, "20150830T123600Z");
        assert_eq!(date, "20150830");
    }

    #[test]
    fn test_parses_epoch_seconds_and_rfc3339() {
        assert_eq!(parse_timestamp("1459799926"), Ok(1_459_799_926_000));
        assert_eq!(parse_timestamp("1459799926.48"), Ok(1_459_799_926_480));
        assert_eq!(parse_timestamp("2016-04-04T19:58:46.48Z"), Ok(1_459_799_926_480));
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
        ] {
            assert!(parse_timestamp(text).is_err(), "{text:?} should be rejected");
        }
    }
}
