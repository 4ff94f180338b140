//! Proleptic Gregorian calendar arithmetic in UTC: days since 1970-01-01 to a civil
//! (year, month, day), after Howard Hinnant's `civil_from_days` algorithm.
//!
//! It owns only the date part; time of day, time zones and text formats belong to the callers
//! (the Java `Date.toString()` text in AWS messages, the CLI's RFC 3339 and `X-Amz-Date` forms).

/// Converts days since 1970-01-01 to (year, month 1-12, day 1-31) in the proleptic Gregorian
/// calendar. Negative days count back from the epoch.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The length of a month, written from a table so the test does not share the callers' code.
    fn month_length(year: i64, month: u32) -> u32 {
        const COMMON_YEAR: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        COMMON_YEAR[(month - 1) as usize] + u32::from(month == 2 && leap)
    }

    #[test]
    fn test_known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(365), (1971, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(16_457), (2015, 1, 22));
        assert_eq!(civil_from_days(20_778), (2026, 11, 21));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
    }

    #[test]
    fn test_consecutive_days_are_consecutive_dates() {
        let mut previous = civil_from_days(-150_000);
        for days in -149_999..150_000 {
            let (year, month, day) = civil_from_days(days);
            let (previous_year, previous_month, previous_day) = previous;
            let expected = if previous_day < month_length(previous_year, previous_month) {
                (previous_year, previous_month, previous_day + 1)
            } else if previous_month < 12 {
                (previous_year, previous_month + 1, 1)
            } else {
                (previous_year + 1, 1, 1)
            };
            assert_eq!((year, month, day), expected, "days {days}");
            previous = (year, month, day);
        }
    }
}
