//! Retention periods: "30 days", "6 weeks", "6 months", "2 years" or ISO 8601 ("P30D",
//! "P1Y6M"), always shown in one canonical form ("30 days", "1 year and 6 months").

use std::fmt;

/// A calendar period of whole days, weeks, months and years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    years: u32,
    months: u32,
    weeks: u32,
    days: u32,
}

impl Period {
    /// Parses a period, or says why it cannot.
    pub fn parse(text: &str) -> Result<Self, String> {
        // The form periods are shown in ("1 year, 2 months and 3 days") reads back: a
        // writer may paste it from a published page.
        let span: jiff::Span = text
            .trim()
            .replace(" and ", ", ")
            .parse()
            .map_err(|_| format!("`{text}` is not a period"))?;
        if span.is_negative() {
            return Err(format!("`{text}` is negative"));
        }
        let has_time = span.get_hours() != 0
            || span.get_minutes() != 0
            || span.get_seconds() != 0
            || span.get_milliseconds() != 0
            || span.get_microseconds() != 0
            || span.get_nanoseconds() != 0;
        if has_time {
            return Err(format!(
                "`{text}` has a time of day: retention is counted in days, weeks, months or years"
            ));
        }
        let unsigned = |n: i64| u32::try_from(n).map_err(|_| format!("`{text}` is out of range"));
        let period = Self {
            years: unsigned(i64::from(span.get_years()))?,
            months: unsigned(i64::from(span.get_months()))?,
            weeks: unsigned(i64::from(span.get_weeks()))?,
            days: unsigned(i64::from(span.get_days()))?,
        };
        if period.approx_days() == 0 {
            return Err(format!("`{text}` is zero"));
        }
        Ok(period)
    }

    /// The period in ISO 8601 as `xsd:duration` has it ("P1Y6M", "P44D"): weeks, which
    /// `xsd:duration` lacks, as seven days each.
    #[must_use]
    pub fn iso_8601(self) -> String {
        let mut text = String::from("P");
        let days = u64::from(self.weeks) * 7 + u64::from(self.days);
        for (n, unit) in [
            (u64::from(self.years), 'Y'),
            (u64::from(self.months), 'M'),
            (days, 'D'),
        ] {
            if n > 0 {
                text.push_str(&n.to_string());
                text.push(unit);
            }
        }
        text
    }

    /// The length in days, counting a month as 30 and a year as 365: enough to order
    /// periods ("is 6 months longer than 180 days?") without a calendar.
    #[must_use]
    pub fn approx_days(self) -> u64 {
        u64::from(self.years) * 365
            + u64::from(self.months) * 30
            + u64::from(self.weeks) * 7
            + u64::from(self.days)
    }
}

impl Period {
    /// The day this period after `date` ends (calendar-aware: Jan 31 + 1 month = Feb 28).
    #[must_use]
    pub fn after(self, date: jiff::civil::Date) -> Option<jiff::civil::Date> {
        let span = jiff::Span::new()
            .try_years(i64::from(self.years))
            .and_then(|s| s.try_months(i64::from(self.months)))
            .and_then(|s| s.try_weeks(i64::from(self.weeks)))
            .and_then(|s| s.try_days(i64::from(self.days)))
            .ok()?;
        date.checked_add(span).ok()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            (self.years, "year"),
            (self.months, "month"),
            (self.weeks, "week"),
            (self.days, "day"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| {
            if n == 1 {
                format!("1 {unit}")
            } else {
                format!("{n} {unit}s")
            }
        })
        .collect();
        match parts.as_slice() {
            [] => f.write_str("0 days"),
            [one] => f.write_str(one),
            [init @ .., last] => write!(f, "{} and {last}", init.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Period;

    fn canonical(text: &str) -> String {
        Period::parse(text).unwrap().to_string()
    }

    #[test]
    fn accepts_words_and_iso_8601() {
        assert_eq!(canonical("30 days"), "30 days");
        assert_eq!(canonical("P30D"), "30 days");
        assert_eq!(canonical("6 weeks"), "6 weeks");
        assert_eq!(canonical("6 months"), "6 months");
        assert_eq!(canonical("2 years"), "2 years");
        assert_eq!(canonical("1 day"), "1 day");
        assert_eq!(canonical("P1Y6M"), "1 year and 6 months");
        assert_eq!(canonical("1 year and 6 months"), "1 year and 6 months");
        assert_eq!(
            canonical("1 year, 2 weeks and 3 days"),
            "1 year, 2 weeks and 3 days"
        );
    }

    #[test]
    fn writes_iso_8601_without_weeks() {
        let iso = |text: &str| Period::parse(text).unwrap().iso_8601();
        assert_eq!(iso("1 year and 6 months"), "P1Y6M");
        assert_eq!(iso("6 weeks and 2 days"), "P44D");
        assert_eq!(iso("30 days"), "P30D");
        assert_eq!(
            Period::parse(&iso("2 years, 1 week and 1 day")),
            Period::parse("2 years and 8 days")
        );
    }

    #[test]
    fn rejects_what_is_not_a_retention_period() {
        for bad in [
            "thirty days",
            "",
            "5 hours",
            "P0D",
            "-3 days",
            "PT5M",
            "and 3 days",
            "1 year and",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn ends_a_period_on_the_calendar() {
        let date = |y, m, d| jiff::civil::Date::new(y, m, d).unwrap();
        let month = Period::parse("1 month").unwrap();
        assert_eq!(month.after(date(2026, 1, 31)), Some(date(2026, 2, 28)));
        let days = Period::parse("180 days").unwrap();
        assert_eq!(days.after(date(2026, 1, 10)), Some(date(2026, 7, 9)));
    }

    #[test]
    fn orders_by_length() {
        let days = |text| Period::parse(text).unwrap().approx_days();
        assert!(days("90 days") > days("30 days"));
        assert_eq!(days("P30D"), days("30 days"));
    }
}
