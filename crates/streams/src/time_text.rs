//! Renders epoch milliseconds the way Java's `Date.toString()` does in AWS messages
//! (`Thu Jan 22 01:22:02 UTC 2015`).

use sluice_core::calendar::civil_from_days;

/// Formats epoch milliseconds as `EEE MMM dd HH:mm:ss UTC yyyy`.
pub fn java_date_text(epoch_ms: i64) -> String {
    let seconds = epoch_ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let month_name = MONTHS[(month - 1) as usize];
    format!(
        "{weekday} {month_name} {day:02} {:02}:{:02}:{:02} UTC {year}",
        second_of_day / 3600,
        (second_of_day / 60) % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_java_date_to_string() {
        // 2015-01-22T01:22:02Z, the example in the Kinesis ExpiredIterator message.
        assert_eq!(java_date_text(1_421_889_722_000), "Thu Jan 22 01:22:02 UTC 2015");
        assert_eq!(java_date_text(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(java_date_text(1_795_219_200_000), "Sat Nov 21 00:00:00 UTC 2026");
    }
}
