//! Dates as people read them, the same on the server and in the browser (UTC, so the page the
//! server renders and the one the browser hydrates agree).

use crate::i18n::Locale;

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const FR_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// `23 Nov 2026, 14:05` or `23 nov. 2026, 14:05` for Unix seconds `ts`.
pub fn format_date_time(ts: i64, locale: Locale) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let months = match locale {
        Locale::en => EN_MONTHS,
        Locale::fr => FR_MONTHS,
    };
    let month = months[(month - 1) as usize];
    format!(
        "{day} {month} {year}, {:02}:{:02}",
        secs / 3_600,
        secs % 3_600 / 60
    )
}

/// Year, month (1-12) and day of the `days`-th day after 1970-01-01 (Howard Hinnant's
/// algorithm for the proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_the_calendar() {
        assert_eq!(format_date_time(0, Locale::en), "1 Jan 1970, 00:00");
        assert_eq!(
            format_date_time(951_782_400, Locale::en),
            "29 Feb 2000, 00:00"
        );
        assert_eq!(
            format_date_time(1_795_437_900, Locale::en),
            "23 Nov 2026, 12:45"
        );
        assert_eq!(
            format_date_time(1_795_437_900, Locale::fr),
            "23 nov. 2026, 12:45"
        );
    }
}
