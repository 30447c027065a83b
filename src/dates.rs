//! Calendar arithmetic for TOML dates: PDF timestamps and review deadlines.

use toml::value::{Date, Datetime};

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month, day) of a day counted from 1970-01-01:
/// the inverse of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a TOML date; `None` for a time without a date.
pub fn days(date: &Datetime) -> Option<i64> {
    date.date
        .map(|d| days_from_civil(i64::from(d.year), i64::from(d.month), i64::from(d.day)))
}

/// Midnight UTC of a TOML date, in seconds since 1970.
pub fn timestamp(date: &Datetime) -> i64 {
    days(date).unwrap_or(0) * 86_400
}

/// Today's date (UTC) as days since 1970.
pub fn today() -> i64 {
    now() / 86_400
}

/// The time now, in whole seconds since 1970.
pub fn now() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(0)
}

/// Seconds since 1970 as an ISO 8601 instant in UTC (`2026-12-03T09:30:00Z`), the form
/// FHIR's `instant` and `dateTime` take.
pub fn instant(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let time = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// Whether a handout is due for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// No `review_due` date given.
    Unscheduled,
    /// Due in this many days (0 = today).
    Due(i64),
    /// Overdue by this many days.
    Overdue(i64),
}

impl Review {
    pub fn of(review_due: Option<&Datetime>, today: i64) -> Review {
        match review_due.and_then(days) {
            None => Review::Unscheduled,
            Some(due) if due < today => Review::Overdue(today - due),
            Some(due) => Review::Due(due - today),
        }
    }
}

/// A date as `YYYY-MM-DD`.
pub fn iso(date: &Datetime) -> String {
    match date.date {
        Some(Date { year, month, day }) => format!("{year:04}-{month:02}-{day:02}"),
        None => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_utc_with_seconds() {
        assert_eq!(instant(0), "1970-01-01T00:00:00Z");
        assert_eq!(instant(1_796_333_327), "2026-12-03T21:28:47Z");
        assert_eq!(instant(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn civil_dates_to_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2025, 5, 20), 20_228);
    }

    #[test]
    fn days_to_civil_dates_and_back() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_228), (2025, 5, 20));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        for day in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn review_status() {
        let due: Datetime = "2026-05-20".parse().unwrap();
        let day = days(&due).unwrap();
        assert_eq!(Review::of(Some(&due), day - 3), Review::Due(3));
        assert_eq!(Review::of(Some(&due), day + 10), Review::Overdue(10));
        assert_eq!(Review::of(None, day), Review::Unscheduled);
    }
}
