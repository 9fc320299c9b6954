//! Dates as people read them, the same on the server and in the browser. Instants (a time of
//! day) are shown in the reader's zone ([`super::zone`]); days (a campaign's dates, a deal's due
//! date) are calendar days, stored as their 00:00 UTC.

use crate::i18n::Locale;

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const FR_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// `23 Nov 2026, 14:05` or `23 nov. 2026, 14:05` for the instant `ts` (Unix seconds), in the
/// reader's zone.
pub fn format_date_time(ts: i64, locale: Locale) -> String {
    let ts = ts + super::zone::use_zone().offset_at(ts);
    let secs = ts.rem_euclid(86_400);
    format!(
        "{}, {:02}:{:02}",
        format_date(ts, locale),
        secs / 3_600,
        secs % 3_600 / 60
    )
}

/// `23 Nov 2026` or `23 nov. 2026` for Unix seconds `ts`.
pub fn format_date(ts: i64, locale: Locale) -> String {
    let (year, month, day) = civil_from_days(ts.div_euclid(86_400));
    format!("{day} {} {year}", month_name(month, locale))
}

/// `2026-11-23` for Unix seconds `ts`: the value of an `<input type="date">`.
pub fn format_date_input(ts: i64) -> String {
    let (year, month, day) = civil_from_days(ts.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// The start (00:00 UTC, in Unix seconds) of the day written `2026-11-23`, as date inputs send
/// it; `None` for anything else, including days that do not exist.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let mut next = |len: usize| {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<i64>().ok())
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    let days = days_from_civil(year, month, day);
    // Round-tripping rejects month 13 or 30 February.
    (civil_from_days(days) == (year, month, day)).then_some(days * 86_400)
}

/// `2026-11-23T14:05` for Unix seconds `ts` read as UTC: the value of an
/// `<input type="datetime-local">` (shift by [`super::zone::Zone::offset_at`] first for a
/// reader's wall clock).
pub fn format_date_time_input(ts: i64) -> String {
    let secs = ts.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}",
        format_date_input(ts),
        secs / 3_600,
        secs % 3_600 / 60
    )
}

/// The time (UTC, in Unix seconds) written `2026-11-23T14:05`, as date-time inputs send it
/// (seconds, if given, are ignored); `None` for anything else.
pub fn parse_date_time(s: &str) -> Option<i64> {
    let (date, time) = s.trim().split_once('T')?;
    let mut parts = time.splitn(3, ':');
    let mut next = |max: i64| {
        parts
            .next()
            .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|n| *n <= max)
    };
    let (hours, minutes) = (next(23)?, next(59)?);
    Some(parse_date(date)? + hours * 3_600 + minutes * 60)
}

/// A period typed as two days, both included and each optional: the start of the first and
/// the end of the last, in Unix seconds. Field errors name `from` and `to`.
#[cfg(feature = "ssr")]
pub fn parse_period(
    from: &str,
    to: &str,
) -> Result<(Option<i64>, Option<i64>), crate::error::AppError> {
    use crate::error::{AppError, Problem};
    let day = |field: &str, s: &str| match s.trim() {
        "" => Ok(None),
        s => parse_date(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, Problem::InvalidDate)),
    };
    let from = day("from", from)?;
    let until = day("to", to)?.map(|start| start + 86_400);
    if let (Some(from), Some(until)) = (from, until) {
        if until <= from {
            return Err(AppError::invalid("to", Problem::DatesReversed));
        }
    }
    Ok((from, until))
}

/// Year and month (1-12) of Unix seconds `ts`.
pub fn month_of(ts: i64) -> (i64, i64) {
    let (year, month, _) = civil_from_days(ts.div_euclid(86_400));
    (year, month)
}

/// `Nov` or `nov.` for month 11.
pub fn month_name(month: i64, locale: Locale) -> &'static str {
    let months = match locale {
        Locale::en => EN_MONTHS,
        Locale::fr => FR_MONTHS,
    };
    months[(month.clamp(1, 12) - 1) as usize]
}

/// Days from 1970-01-01 to the given day (the inverse of [`civil_from_days`]).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    fn typed_dates_parse_and_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-02-29"), Some(951_782_400));
        assert_eq!(parse_date(" 2026-11-23 "), Some(1_795_392_000));
        assert_eq!(format_date_input(1_795_437_900), "2026-11-23");
        for bad in [
            "",
            "2026-13-01",
            "2026-02-29",
            "2026-11-31",
            "26-11-23",
            "2026/11/23",
            "x",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn typed_date_times_parse_and_round_trip() {
        assert_eq!(parse_date_time("2026-11-23T14:05"), Some(1_795_442_700));
        assert_eq!(parse_date_time("2026-11-23T14:05:59"), Some(1_795_442_700));
        assert_eq!(format_date_time_input(1_795_442_700), "2026-11-23T14:05");
        for bad in [
            "",
            "2026-11-23",
            "2026-11-23T24:00",
            "2026-11-23T14:60",
            "2026-11-31T10:00",
            "2026-11-23T1:05",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }

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
