//! Calendar dates from seconds since 1970 (UTC), for the dates reports and downloads carry,
//! without a date crate.

/// The date `days` after 1970-01-01, `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
///
/// ```
/// assert_eq!(omzien::civil_date(0), "1970-01-01");
/// assert_eq!(omzien::civil_date(11_016), "2000-02-29");
/// ```
#[must_use]
pub fn civil_date(days: u64) -> String {
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The moment `secs` after 1970-01-01T00:00:00Z, `YYYY-MM-DDTHH:MM:SSZ`.
#[must_use]
#[cfg(any(feature = "fetch", test))]
pub(crate) fn utc_timestamp(secs: u64) -> String {
    let rem = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        civil_date(secs / 86_400),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_become_civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(59), "1970-03-01");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
        assert_eq!(super::civil_date(20_788), "2026-12-01");
    }

    #[test]
    fn seconds_become_rfc3339_times() {
        let t = super::utc_timestamp(20_788 * 86_400 + 3_661);
        assert_eq!(t, "2026-12-01T01:01:01Z");
        assert_eq!(super::utc_timestamp(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(t.len(), 20);
    }
}
