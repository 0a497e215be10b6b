//! Periods: the day, week or month a digest covers, as a time range in the site's time
//! zone, and the keys that name them (`2020-09-04`, `2020-W36`, `2020-09`), with `last` and
//! `current`.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use herald_config::{in_zone, Cadence};

/// One digest period: `[start, end)` in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// How long it is, and (weekly) the day it starts on.
    pub cadence: Cadence,
    /// First day of the period.
    pub first_day: NaiveDate,
    /// Start, inclusive.
    pub start: DateTime<FixedOffset>,
    /// End, exclusive: the start of the next period.
    pub end: DateTime<FixedOffset>,
}

impl Period {
    /// The period that begins on `first_day`, which must be a first day of `cadence`.
    fn beginning(first_day: NaiveDate, cadence: Cadence, tz: Tz) -> Option<Period> {
        let next = match cadence {
            Cadence::Daily => first_day.succ_opt()?,
            Cadence::Weekly(_) => first_day.checked_add_days(chrono::Days::new(7))?,
            Cadence::Monthly => first_day.checked_add_months(Months::new(1))?,
        };
        Some(Period {
            cadence,
            first_day,
            start: in_zone(first_day.and_hms_opt(0, 0, 0)?, tz),
            end: in_zone(next.and_hms_opt(0, 0, 0)?, tz),
        })
    }

    /// The period that the day `day` falls in.
    fn of_day(day: NaiveDate, cadence: Cadence, tz: Tz) -> Option<Period> {
        let first_day = match cadence {
            Cadence::Daily => day,
            Cadence::Weekly(starts) => {
                let back =
                    (7 + day.weekday().num_days_from_monday() - starts.num_days_from_monday()) % 7;
                day - Duration::days(i64::from(back))
            }
            Cadence::Monthly => day.with_day(1)?,
        };
        Period::beginning(first_day, cadence, tz)
    }

    /// The period that `time` falls in.
    pub fn containing(time: DateTime<Utc>, cadence: Cadence, tz: Tz) -> Period {
        let day = time.with_timezone(&tz).date_naive();
        Period::of_day(day, cadence, tz).expect("a date's own period exists")
    }

    /// The week with ISO key `year`-W`number`: the week of `cadence`'s start day that holds
    /// that ISO week's Monday.
    pub fn from_iso(year: i32, number: u32, cadence: Cadence, tz: Tz) -> Option<Period> {
        let monday = NaiveDate::from_isoywd_opt(year, number, Weekday::Mon)?;
        Period::of_day(monday, cadence, tz)
    }

    /// The period before this one.
    pub fn previous(&self, tz: Tz) -> Period {
        let day = self
            .first_day
            .pred_opt()
            .expect("periods start after year 1");
        Period::of_day(day, self.cadence, tz).expect("the day before a period is in one")
    }

    /// The period after this one.
    pub fn next(&self, tz: Tz) -> Period {
        Period::containing(self.end.with_timezone(&Utc), self.cadence, tz)
    }

    /// `2020-09-04`, `2020-W36` (the ISO week of the Monday in it) or `2020-09`; keys of
    /// one cadence sort in time order.
    pub fn key(&self) -> String {
        match self.cadence {
            Cadence::Daily => self.first_day.format("%Y-%m-%d").to_string(),
            Cadence::Weekly(_) => {
                let ahead = (7 - self.first_day.weekday().num_days_from_monday()) % 7;
                let iso = (self.first_day + Duration::days(i64::from(ahead))).iso_week();
                format!("{}-W{:02}", iso.year(), iso.week())
            }
            Cadence::Monthly => self.first_day.format("%Y-%m").to_string(),
        }
    }

    /// `Friday, 4 September 2020`, `31 August – 6 September 2020` or `September 2020`.
    pub fn label(&self) -> String {
        let a = self.first_day;
        match self.cadence {
            Cadence::Daily => a.format("%A, %-d %B %Y").to_string(),
            Cadence::Monthly => a.format("%B %Y").to_string(),
            Cadence::Weekly(_) => {
                let b = a + Duration::days(6);
                if a.year() != b.year() {
                    format!("{} – {}", a.format("%-d %B %Y"), b.format("%-d %B %Y"))
                } else if a.month() != b.month() {
                    format!("{} – {}", a.format("%-d %B"), b.format("%-d %B %Y"))
                } else {
                    format!("{}–{}", a.format("%-d"), b.format("%-d %B %Y"))
                }
            }
        }
    }

    /// How the period is spoken of in a sentence: `this week`, `this month`, `that day`.
    pub fn this(&self) -> &'static str {
        match self.cadence {
            Cadence::Daily => "that day",
            Cadence::Weekly(_) => "this week",
            Cadence::Monthly => "this month",
        }
    }

    /// Whether a time falls in this period.
    pub fn contains(&self, time: DateTime<FixedOffset>) -> bool {
        self.start <= time && time < self.end
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// Which period a command is about, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodArg {
    /// The last complete period before now.
    Last,
    /// The period now is in.
    Current,
    /// A named day, ISO week or month that exists (made by [`PeriodArg::iso`] or parsed).
    Named(Named),
}

/// A day, an ISO week or a month that exists: the only ways to make one check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `2020-09-04`.
    Day(NaiveDate),
    /// `2020-W36`.
    Week(i32, u32),
    /// `2020-09`.
    Month(NaiveDate),
}

const USE: &str =
    "use e.g. 2020-W36 (a week), 2020-09 (a month), 2020-09-04 (a day), last or current";

/// Years the feeds can write: four digits.
fn writable(year: i32) -> bool {
    (1..=9999).contains(&year)
}

impl PeriodArg {
    /// The ISO week `week` of `year`, if it exists (`2020, 60` does not).
    pub fn iso(year: i32, week: u32) -> Result<PeriodArg, String> {
        if writable(year) && NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_some() {
            Ok(PeriodArg::Named(Named::Week(year, week)))
        } else {
            Err(format!("{year}-W{week:02} is not a week: {USE}"))
        }
    }

    /// The period meant, given the current time, for a digest of `cadence`; an error when
    /// a named period is not one of that cadence (a week for a monthly digest).
    pub fn resolve(&self, now: DateTime<Utc>, cadence: Cadence, tz: Tz) -> Result<Period, String> {
        let wrong = |what: &str| {
            Err(format!(
                "{self} is {what}, and this digest is {}: give {}",
                cadence.adjective(),
                match cadence {
                    Cadence::Daily => "a day like 2020-09-04",
                    Cadence::Weekly(_) => "a week like 2020-W36",
                    Cadence::Monthly => "a month like 2020-09",
                }
            ))
        };
        match (self, cadence) {
            (PeriodArg::Current, _) => Ok(Period::containing(now, cadence, tz)),
            (PeriodArg::Last, _) => Ok(Period::containing(now, cadence, tz).previous(tz)),
            (PeriodArg::Named(Named::Day(day)), Cadence::Daily)
            | (PeriodArg::Named(Named::Month(day)), Cadence::Monthly) => {
                Ok(Period::of_day(*day, cadence, tz).expect("checked when made"))
            }
            (PeriodArg::Named(Named::Week(year, week)), Cadence::Weekly(_)) => {
                Ok(Period::from_iso(*year, *week, cadence, tz).expect("checked when made"))
            }
            (PeriodArg::Named(Named::Day(_)), _) => wrong("a day"),
            (PeriodArg::Named(Named::Week(..)), _) => wrong("a week"),
            (PeriodArg::Named(Named::Month(_)), _) => wrong("a month"),
        }
    }
}

impl fmt::Display for PeriodArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodArg::Last => f.write_str("last"),
            PeriodArg::Current => f.write_str("current"),
            PeriodArg::Named(Named::Day(d)) => write!(f, "{}", d.format("%Y-%m-%d")),
            PeriodArg::Named(Named::Week(y, w)) => write!(f, "{y}-W{w:02}"),
            PeriodArg::Named(Named::Month(d)) => write!(f, "{}", d.format("%Y-%m")),
        }
    }
}

impl std::str::FromStr for PeriodArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a period: {USE}");
        let number = |t: &str, digits: usize| {
            (t.len() == digits && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<u32>().ok())
                .flatten()
                .ok_or_else(bad)
        };
        match s {
            "last" => return Ok(PeriodArg::Last),
            "current" => return Ok(PeriodArg::Current),
            _ => {}
        }
        if let Some((year, week)) = s.split_once("-W") {
            let year = i32::try_from(number(year, 4)?).map_err(|_| bad())?;
            return PeriodArg::iso(year, number(week, 2)?).map_err(|_| bad());
        }
        let parts: Vec<&str> = s.split('-').collect();
        let (year, month, day) = match parts[..] {
            [y, m] => (number(y, 4)?, number(m, 2)?, None),
            [y, m, d] => (number(y, 4)?, number(m, 2)?, Some(number(d, 2)?)),
            _ => return Err(bad()),
        };
        let year = i32::try_from(year).map_err(|_| bad())?;
        let date = NaiveDate::from_ymd_opt(year, month, day.unwrap_or(1))
            .filter(|d| writable(d.year()))
            .ok_or_else(bad)?;
        Ok(PeriodArg::Named(match day {
            Some(_) => Named::Day(date),
            None => Named::Month(date),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEKLY: Cadence = Cadence::Weekly(Weekday::Mon);

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn named(s: &str, cadence: Cadence) -> Period {
        s.parse::<PeriodArg>()
            .unwrap()
            .resolve(utc("2020-09-07T09:00:00Z"), cadence, Tz::UTC)
            .unwrap()
    }

    #[test]
    fn week_36_of_2020() {
        let w = Period::from_iso(2020, 36, WEEKLY, Tz::UTC).unwrap();
        assert_eq!(w.key(), "2020-W36");
        assert_eq!(w.label(), "31 August – 6 September 2020");
        assert_eq!(w.start.to_rfc3339(), "2020-08-31T00:00:00+00:00");
        assert_eq!(w.end.to_rfc3339(), "2020-09-07T00:00:00+00:00");
    }

    #[test]
    fn last_and_current_follow_now() {
        let now = utc("2020-09-07T09:00:00Z");
        let key = |arg: PeriodArg, cadence, tz| arg.resolve(now, cadence, tz).unwrap().key();
        assert_eq!(key(PeriodArg::Last, WEEKLY, Tz::UTC), "2020-W36");
        assert_eq!(key(PeriodArg::Current, WEEKLY, Tz::UTC), "2020-W37");
        assert_eq!(key(PeriodArg::Last, Cadence::Monthly, Tz::UTC), "2020-08");
        assert_eq!(
            key(PeriodArg::Current, Cadence::Monthly, Tz::UTC),
            "2020-09"
        );
        assert_eq!(key(PeriodArg::Last, Cadence::Daily, Tz::UTC), "2020-09-06");
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // Sunday 23:30 UTC is already Monday in Berlin.
        assert_eq!(
            PeriodArg::Current
                .resolve(utc("2020-09-06T23:30:00Z"), WEEKLY, berlin)
                .unwrap()
                .key(),
            "2020-W37"
        );
        // The last day of August at 23:30 UTC is September in Berlin.
        let month = Period::containing(utc("2020-08-31T23:30:00Z"), Cadence::Monthly, berlin);
        assert_eq!(month.key(), "2020-09");
        assert_eq!(month.start.to_rfc3339(), "2020-09-01T00:00:00+02:00");
    }

    #[test]
    fn labels_across_months_and_years() {
        let w = Period::from_iso(2020, 53, WEEKLY, Tz::UTC).unwrap();
        assert_eq!(w.label(), "28 December 2020 – 3 January 2021");
        let w = Period::from_iso(2020, 37, WEEKLY, Tz::UTC).unwrap();
        assert_eq!(w.label(), "7–13 September 2020");
        assert_eq!(w.previous(Tz::UTC).key(), "2020-W36");
        assert_eq!(w.next(Tz::UTC).key(), "2020-W38");
    }

    #[test]
    fn weeks_from_any_day() {
        let sunday = Cadence::Weekly(Weekday::Sun);
        let w = Period::from_iso(2020, 36, sunday, Tz::UTC).unwrap();
        assert_eq!(w.label(), "30 August – 5 September 2020");
        assert_eq!(
            Period::containing(utc("2020-09-06T10:00:00Z"), sunday, Tz::UTC).key(),
            "2020-W37"
        );
        // Thursday to Wednesday, named after the Monday in it; back and forth agree.
        let thursday = Cadence::Weekly(Weekday::Thu);
        let w = Period::containing(utc("2020-09-04T10:00:00Z"), thursday, Tz::UTC);
        assert_eq!(w.first_day.to_string(), "2020-09-03");
        assert_eq!(w.key(), "2020-W37");
        assert_eq!(Period::from_iso(2020, 37, thursday, Tz::UTC), Some(w));
        assert_eq!(w.next(Tz::UTC).previous(Tz::UTC), w);
    }

    #[test]
    fn months_and_days() {
        let m = named("2020-02", Cadence::Monthly);
        assert_eq!(
            (m.key(), m.label()),
            ("2020-02".into(), "February 2020".into())
        );
        assert_eq!(m.end.to_rfc3339(), "2020-03-01T00:00:00+00:00");
        assert_eq!(m.previous(Tz::UTC).key(), "2020-01");
        assert_eq!(m.next(Tz::UTC).key(), "2020-03");
        let m = named("2020-12", Cadence::Monthly);
        assert_eq!(m.next(Tz::UTC).key(), "2021-01");
        let d = named("2020-09-04", Cadence::Daily);
        assert_eq!(d.label(), "Friday, 4 September 2020");
        assert_eq!(d.previous(Tz::UTC).key(), "2020-09-03");
    }

    #[test]
    fn period_arguments() {
        assert_eq!("2020-W36".parse::<PeriodArg>(), PeriodArg::iso(2020, 36));
        assert!(PeriodArg::iso(2020, 60).is_err());
        assert!(PeriodArg::iso(-5, 1).is_err());
        for bad in [
            "2020-W54",
            "yesterday",
            "2020-13",
            "2020-02-30",
            "20-09",
            "2020-9",
            "0000-01",
        ] {
            assert!(bad.parse::<PeriodArg>().is_err(), "{bad}");
        }
        for good in ["2020-W36", "2020-09", "2020-09-04", "last", "current"] {
            assert_eq!(good.parse::<PeriodArg>().unwrap().to_string(), good);
        }
        let err = "2020-W36"
            .parse::<PeriodArg>()
            .unwrap()
            .resolve(utc("2020-09-07T09:00:00Z"), Cadence::Monthly, Tz::UTC)
            .unwrap_err();
        assert!(err.contains("a month like 2020-09"), "{err}");
    }
}
