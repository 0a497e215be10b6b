//! Reads the many date shapes real front matter uses, in the site's time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use herald_config::in_zone;

/// Formats with an explicit offset.
const WITH_OFFSET: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
];

/// Formats without an offset, read in the site's time zone.
const NAIVE: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// The years every format herald writes can carry: RFC 2822 (RSS) and RFC 3339 (Atom,
/// JSON Feed) have four-digit years, and a feed's dates are written both in their own offset
/// and in UTC.
const WRITABLE_YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `when` if every output can write it, else why not.
pub(crate) fn writable(when: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>, String> {
    use chrono::Datelike;
    let years = [when.year(), when.naive_utc().year()];
    if years.iter().all(|y| WRITABLE_YEARS.contains(y)) {
        Ok(when)
    } else {
        Err(format!(
            "{} is outside the years 0001 to 9999 that RSS and Atom can write",
            when.to_rfc3339()
        ))
    }
}

/// Parses a front-matter date. Naive dates and times are read in `tz`.
pub(crate) fn parse_date(raw: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
        return Some(t);
    }
    // `2020-01-02 10:00:00 Z` and `... UTC` as written by some generators.
    let mut text = text
        .trim_end_matches(" UTC")
        .trim_end_matches(" Z")
        .to_string();
    // An offset in hours alone (`2013-07-11 15:45:04 -5`), which Ruby reads.
    if let Some((head, offset)) = text.rsplit_once(' ') {
        let sign = if offset.starts_with('-') { '-' } else { '+' };
        if let Some(hours) = offset.strip_prefix(['+', '-']) {
            if (1..=2).contains(&hours.len()) && hours.bytes().all(|b| b.is_ascii_digit()) {
                text = format!("{head} {sign}{hours:0>2}00");
            }
        }
    }
    if let Some(t) = WITH_OFFSET
        .iter()
        .find_map(|f| DateTime::parse_from_str(&text, f).ok())
    {
        return Some(t);
    }
    let naive = NAIVE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    Some(in_zone(naive, tz))
}

/// A date as Ruby's `Time.parse` reads one it cannot take whole: the first `YYYY-MM-DD`,
/// the first `HH:MM[:SS]` after it and the first offset (`-0800`, `+05:30`, `Z`, `UTC`),
/// other words ignored (`2023-01-29 18:30:22 2023 -0800`).
pub(crate) fn parse_date_loose(raw: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").is_ok())?;
    let date = NaiveDate::parse_from_str(words[at], "%Y-%m-%d").ok()?;
    let rest = &words[at + 1..];
    let time = rest.iter().find_map(|w| {
        chrono::NaiveTime::parse_from_str(w, "%H:%M:%S%.f")
            .or_else(|_| chrono::NaiveTime::parse_from_str(w, "%H:%M"))
            .ok()
    });
    let naive = date.and_time(time.unwrap_or(chrono::NaiveTime::MIN));
    let offset = rest.iter().find_map(|w| match *w {
        "Z" | "UTC" | "GMT" => FixedOffset::east_opt(0),
        w if w.starts_with(['+', '-']) && w.len() > 1 => {
            let digits: String = w[1..].chars().filter(char::is_ascii_digit).collect();
            let (h, m) = match digits.len() {
                1 | 2 => (digits.parse::<i32>().ok()?, 0),
                4 => (digits[..2].parse().ok()?, digits[2..].parse::<i32>().ok()?),
                _ => return None,
            };
            let seconds = (h * 3600 + m * 60) * if w.starts_with('-') { -1 } else { 1 };
            FixedOffset::east_opt(seconds)
        }
        _ => None,
    });
    match offset {
        Some(offset) => naive.and_local_timezone(offset).single(),
        None => Some(in_zone(naive, tz)),
    }
}

/// The date at the start of a Jekyll-style file name (`2020-09-04-slug.md`) and the rest.
/// One-digit months and days (`2019-4-9-title`) are read as Jekyll reads them.
pub(crate) fn date_from_file_name(name: &str) -> Option<(NaiveDate, &str)> {
    let mut parts = name.splitn(4, ['-', '_']);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2)) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    let used = year.len() + month.len() + day.len() + 2;
    let rest = &name[used..];
    Some((date, rest.strip_prefix(['-', '_']).unwrap_or(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_seen_in_real_blogs() {
        let cet: Tz = "CET".parse().unwrap();
        let cases = [
            ("2020-09-04T08:00:00Z", "2020-09-04T08:00:00+00:00"),
            ("2020-09-04T16:00:00.000Z", "2020-09-04T16:00:00+00:00"),
            ("2016-08-11 9:00:00", "2016-08-11T09:00:00+02:00"),
            ("2019-4-9 12:00:00", "2019-04-09T12:00:00+02:00"),
            ("2014-08-26", "2014-08-26T00:00:00+02:00"),
            ("2013-05-06 19:00:00 -0700", "2013-05-06T19:00:00-07:00"),
            ("2013-07-11 15:45:04 -5", "2013-07-11T15:45:04-05:00"),
            ("2013-07-11 15:45:04 +10", "2013-07-11T15:45:04+10:00"),
            ("  2015-01-06  10:00:00 ", "2015-01-06T10:00:00+01:00"),
        ];
        for (raw, want) in cases {
            let got = parse_date(raw, cet).unwrap_or_else(|| panic!("{raw} not parsed"));
            assert_eq!(got.to_rfc3339(), want, "{raw}");
        }
    }

    #[test]
    fn ruby_reads_what_it_can() {
        let got = parse_date_loose("2023-01-29 18:30:22 2023 -0800", Tz::UTC).unwrap();
        assert_eq!(got.to_rfc3339(), "2023-01-29T18:30:22-08:00");
        assert!(parse_date_loose("last tuesday", Tz::UTC).is_none());
    }

    #[test]
    fn garbage_is_not_a_date() {
        assert!(parse_date("2020-01-01 \u{11f0c}I1", chrono_tz::UTC).is_none());
        assert_eq!(parse_date("last tuesday", Tz::UTC), None);
        assert_eq!(parse_date("2020-13-45", Tz::UTC), None);
    }

    #[test]
    fn only_four_digit_years_are_writable() {
        let read = |raw| parse_date(raw, Tz::UTC).unwrap();
        assert!(writable(read("2020-09-02")).is_ok());
        assert!(writable(read("9999-12-31T23:59:59+14:00")).is_ok());
        assert!(writable(read("-2020-09-02")).is_err());
        // Year 9999 where it was written, 10000 in UTC.
        assert!(writable(read("9999-12-31T23:59:59-14:00")).is_err());
        assert!(writable(read("0001-01-01T00:00:00+01:00")).is_err());
    }

    #[test]
    fn file_name_dates() {
        let (d, rest) = date_from_file_name("2020-09-04-community-update.md").unwrap();
        assert_eq!(d.to_string(), "2020-09-04");
        assert_eq!(rest, "community-update.md");
        assert!(date_from_file_name("about.md").is_none());
        let (d, rest) = date_from_file_name("2019-4-9-one-digit.md").unwrap();
        assert_eq!(
            (d.to_string().as_str(), rest),
            ("2019-04-09", "one-digit.md")
        );
        assert!(date_from_file_name("2020-04").is_none());
    }
}
