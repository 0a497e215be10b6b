//! Weeks: ISO week keys like `2020-W36`, `last` and `current`, as time ranges in the site's
//! time zone, starting on the configured day.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use crate::config::{in_zone, WeekStart};

/// One digest week: `[start, end)` in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    /// ISO year of the week's key.
    pub year: i32,
    /// ISO week number of the week's key.
    pub number: u32,
    /// First day of the week.
    pub first_day: NaiveDate,
    /// Start, inclusive.
    pub start: DateTime<FixedOffset>,
    /// End, exclusive: the start of the next week.
    pub end: DateTime<FixedOffset>,
}

impl Week {
    /// The week with ISO key `year`-W`number`.
    pub fn from_iso(year: i32, number: u32, starts: WeekStart, tz: Tz) -> Option<Week> {
        let monday = NaiveDate::from_isoywd_opt(year, number, Weekday::Mon)?;
        let first_day = match starts {
            WeekStart::Monday => monday,
            WeekStart::Sunday => monday - Duration::days(1),
        };
        let next = first_day + Duration::days(7);
        Some(Week {
            year,
            number,
            first_day,
            start: in_zone(first_day.and_hms_opt(0, 0, 0)?, tz),
            end: in_zone(next.and_hms_opt(0, 0, 0)?, tz),
        })
    }

    /// The week that `time` falls in.
    pub fn containing(time: DateTime<Utc>, starts: WeekStart, tz: Tz) -> Week {
        let local = time.with_timezone(&tz).date_naive();
        let monday_of = match starts {
            WeekStart::Monday => local,
            WeekStart::Sunday => local + Duration::days(1),
        };
        let iso = monday_of.iso_week();
        Week::from_iso(iso.year(), iso.week(), starts, tz).expect("a date's own week exists")
    }

    /// The week before this one.
    pub fn previous(&self, starts: WeekStart, tz: Tz) -> Week {
        Week::containing(
            (self.start - Duration::days(3)).with_timezone(&Utc),
            starts,
            tz,
        )
    }

    /// The week after this one.
    pub fn next(&self, starts: WeekStart, tz: Tz) -> Week {
        Week::containing(
            (self.end + Duration::days(3)).with_timezone(&Utc),
            starts,
            tz,
        )
    }

    /// `2020-W36`.
    pub fn key(&self) -> String {
        format!("{}-W{:02}", self.year, self.number)
    }

    /// `31 August – 6 September 2020`.
    pub fn label(&self) -> String {
        let last = self.first_day + Duration::days(6);
        let (a, b) = (self.first_day, last);
        if a.year() != b.year() {
            format!("{} – {}", a.format("%-d %B %Y"), b.format("%-d %B %Y"))
        } else if a.month() != b.month() {
            format!("{} – {}", a.format("%-d %B"), b.format("%-d %B %Y"))
        } else {
            format!("{}–{}", a.format("%-d"), b.format("%-d %B %Y"))
        }
    }

    /// Whether a time falls in this week.
    pub fn contains(&self, time: DateTime<FixedOffset>) -> bool {
        self.start <= time && time < self.end
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// Which week a command is about, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeekArg {
    /// The last complete week before now.
    Last,
    /// The week now is in.
    Current,
    /// An ISO week that exists (made by [`WeekArg::iso`] or parsed).
    Iso(IsoWeek),
}

/// An ISO year and week that exist: the only way to make one checks it, so resolving a
/// [`WeekArg`] never fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl WeekArg {
    /// The ISO week `week` of `year`, if it exists (`2020, 60` does not).
    pub fn iso(year: i32, week: u32) -> Result<WeekArg, String> {
        // Years the feeds can write: four digits.
        if (1..=9999).contains(&year)
            && NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_some()
        {
            Ok(WeekArg::Iso(IsoWeek { year, week }))
        } else {
            Err(format!(
                "{year}-W{week:02} is not a week: use e.g. 2020-W36, last or current"
            ))
        }
    }
}

impl std::str::FromStr for WeekArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "last" => Ok(WeekArg::Last),
            "current" => Ok(WeekArg::Current),
            _ => {
                let bad = || format!("{s:?} is not a week: use e.g. 2020-W36, last or current");
                let (year, week) = s.split_once("-W").ok_or_else(bad)?;
                let (year, week) = (
                    year.parse().map_err(|_| bad())?,
                    week.parse().map_err(|_| bad())?,
                );
                WeekArg::iso(year, week).map_err(|_| bad())
            }
        }
    }
}

impl WeekArg {
    /// The week meant, given the current time.
    pub fn resolve(&self, now: DateTime<Utc>, starts: WeekStart, tz: Tz) -> Week {
        match self {
            WeekArg::Current => Week::containing(now, starts, tz),
            WeekArg::Last => Week::containing(now, starts, tz).previous(starts, tz),
            WeekArg::Iso(IsoWeek { year, week }) => {
                Week::from_iso(*year, *week, starts, tz).expect("checked when made")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn week_36_of_2020() {
        let w = Week::from_iso(2020, 36, WeekStart::Monday, Tz::UTC).unwrap();
        assert_eq!(w.key(), "2020-W36");
        assert_eq!(w.label(), "31 August – 6 September 2020");
        assert_eq!(w.start.to_rfc3339(), "2020-08-31T00:00:00+00:00");
        assert_eq!(w.end.to_rfc3339(), "2020-09-07T00:00:00+00:00");
    }

    #[test]
    fn last_and_current_follow_now() {
        let now = utc("2020-09-07T09:00:00Z");
        assert_eq!(
            WeekArg::Last.resolve(now, WeekStart::Monday, Tz::UTC).key(),
            "2020-W36"
        );
        assert_eq!(
            WeekArg::Current
                .resolve(now, WeekStart::Monday, Tz::UTC)
                .key(),
            "2020-W37"
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // Sunday 23:30 UTC is already Monday in Berlin.
        assert_eq!(
            WeekArg::Current
                .resolve(utc("2020-09-06T23:30:00Z"), WeekStart::Monday, berlin)
                .key(),
            "2020-W37"
        );
    }

    #[test]
    fn labels_across_months_and_years() {
        let w = Week::from_iso(2020, 53, WeekStart::Monday, Tz::UTC).unwrap();
        assert_eq!(w.label(), "28 December 2020 – 3 January 2021");
        let w = Week::from_iso(2020, 37, WeekStart::Monday, Tz::UTC).unwrap();
        assert_eq!(w.label(), "7–13 September 2020");
        assert_eq!(w.previous(WeekStart::Monday, Tz::UTC).key(), "2020-W36");
        assert_eq!(w.next(WeekStart::Monday, Tz::UTC).key(), "2020-W38");
    }

    #[test]
    fn sunday_weeks() {
        let w = Week::from_iso(2020, 36, WeekStart::Sunday, Tz::UTC).unwrap();
        assert_eq!(w.label(), "30 August – 5 September 2020");
        assert_eq!(
            Week::containing(utc("2020-09-06T10:00:00Z"), WeekStart::Sunday, Tz::UTC).key(),
            "2020-W37"
        );
    }

    #[test]
    fn week_arguments() {
        assert_eq!("2020-W36".parse::<WeekArg>(), WeekArg::iso(2020, 36));
        assert!(WeekArg::iso(2020, 60).is_err());
        assert!(WeekArg::iso(-5, 1).is_err());
        assert!("2020-W54".parse::<WeekArg>().is_err());
        assert!("yesterday".parse::<WeekArg>().is_err());
    }
}
