//! Calendar months (`YYYY-MM`), the unit in which standards are in force and payments are made.

use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// A calendar month. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// month count since year 0: year × 12 + (month − 1)
    index: i32,
}

impl Month {
    /// The first month the tool handles, 1000-01.
    pub const FIRST: Month = Month { index: 1000 * 12 };
    /// The last month the tool handles, 9999-12: month arithmetic never goes past it.
    pub const LAST: Month = Month {
        index: 9999 * 12 + 11,
    };

    /// The same month a year earlier (for constants; saturates at [`Month::FIRST`]).
    pub const fn minus_year(self) -> Month {
        let index = self.index - 12;
        if index < Month::FIRST.index {
            Month::FIRST
        } else {
            Month { index }
        }
    }

    /// The month `year-month`; `None` when `month` is not 1..=12 or the year is out of range.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return None;
        }
        Some(Month {
            index: year * 12 + month as i32 - 1,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// The month of the year, 1..=12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }

    /// This month plus `n` months (negative goes back); `None` before 1000-01 or after 9999-12.
    pub fn checked_plus(self, n: i32) -> Option<Month> {
        let index = self.index.checked_add(n)?;
        (Month::FIRST.index..=Month::LAST.index)
            .contains(&index)
            .then_some(Month { index })
    }

    /// This month plus `n` months (negative goes back), held within 1000-01 ..= 9999-12: the
    /// inputs (`YYYY-MM` months, index months up to 9998-12, lags of at most 12 months) keep
    /// every use inside that range, and the bound makes sure no month is ever printed with a
    /// five-digit year. Use [`Month::checked_plus`] where the input does not bound `n`.
    pub fn plus(self, n: i32) -> Month {
        let index = self
            .index
            .saturating_add(n)
            .clamp(Month::FIRST.index, Month::LAST.index);
        Month { index }
    }

    /// Months from `earlier` to `self` (`2022-03` since `2022-01` is 2).
    pub fn since(self, earlier: Month) -> i32 {
        self.index - earlier.index
    }

    /// The first day of the month.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or_default()
    }

    /// Every month from `self` to `last`, inclusive.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        (self.index..=last.index).map(|index| Month { index })
    }

    /// The current month by the system clock.
    pub fn current() -> Month {
        use chrono::Datelike;
        let today = chrono::Local::now().date_naive();
        Month::new(today.year(), today.month()).unwrap_or(Month { index: 0 })
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = String;
    /// Reads `YYYY-MM` (the only form accepted on the command line and in policy files).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("\"{s}\" is not a month written YYYY-MM");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2022-07".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2022, 7));
        assert_eq!(m.to_string(), "2022-07");
        assert_eq!(m.plus(6).to_string(), "2023-01");
        assert_eq!(m.plus(-7).to_string(), "2021-12");
        assert_eq!("2023-01".parse::<Month>().unwrap().since(m), 6);
        assert!("2022-13".parse::<Month>().is_err());
        assert!("2022-7".parse::<Month>().is_err());
        assert!("22-07".parse::<Month>().is_err());
        assert_eq!(m.through(m.plus(2)).count(), 3);
    }

    #[test]
    fn arithmetic_stays_within_the_four_digit_years() {
        let last: Month = "9999-12".parse().unwrap();
        assert_eq!(last, Month::LAST);
        assert_eq!(last.checked_plus(1), None);
        assert_eq!(last.plus(1).to_string(), "9999-12");
        assert_eq!(Month::FIRST.checked_plus(-1), None);
        assert_eq!(Month::FIRST.plus(i32::MIN).to_string(), "1000-01");
        assert_eq!(last.plus(i32::MAX).to_string(), "9999-12");
        assert_eq!(last.checked_plus(i32::MAX), None);
        assert_eq!(
            "2022-12".parse::<Month>().unwrap().checked_plus(1),
            Some("2023-01".parse().unwrap())
        );
        assert_eq!(Month::LAST.minus_year().to_string(), "9998-12");
    }
}
