//! Dated entries (`from`/`until`/`area`) and which one is in force for a month.
//!
//! The in-force rule, literally: for a month M, among the entries whose `from` ≤ M and whose
//! `until` (inclusive) is not before M, the one with the latest `from` wins. Entries that name
//! the household's area are searched first; entries naming no area apply only where the area
//! has none in force. So a later entry supersedes an earlier open-ended one, a bounded entry
//! applies only inside its range, and the earlier entry applies again after it.

use super::model::{DatedAmount, DibaoStandard, Formula, Trigger};
use crate::month::Month;

/// A table entry with a validity period and an optional area.
pub trait Dated {
    /// first month in force
    fn from(&self) -> Month;
    /// last month in force, inclusive
    fn until(&self) -> Option<Month>;
    /// the area it is limited to
    fn area(&self) -> Option<&str>;

    /// Whether the entry is in force in `month`, ignoring areas.
    fn covers(&self, month: Month) -> bool {
        self.from() <= month && self.until().is_none_or(|u| month <= u)
    }
}

macro_rules! dated {
    ($($t:ty),*) => {$(
        impl Dated for $t {
            fn from(&self) -> Month { self.from }
            fn until(&self) -> Option<Month> { self.until }
            fn area(&self) -> Option<&str> { self.area.as_deref() }
        }
    )*};
}
dated!(DibaoStandard, DatedAmount, Trigger, Formula);

/// The entry in force in `month` for `area` (the in-force rule, see the module doc).
pub fn in_force<'a, T: Dated>(entries: &'a [T], area: Option<&str>, month: Month) -> Option<&'a T> {
    let latest = |want: Option<&str>| {
        entries
            .iter()
            .filter(|e| e.area() == want && e.covers(month))
            .max_by_key(|e| e.from())
    };
    area.and_then(|a| latest(Some(a))).or_else(|| latest(None))
}

/// The first pair of entries with the same area and the same `from`, which makes the entry in
/// force ambiguous.
pub fn ambiguous<T: Dated>(entries: &[T]) -> Option<(&T, &T)> {
    entries.iter().enumerate().find_map(|(i, a)| {
        entries[i + 1..]
            .iter()
            .find(|b| a.area() == b.area() && a.from() == b.from())
            .map(|b| (a, b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Number;
    use rust_decimal::Decimal;

    fn entry(from: &str, until: Option<&str>, area: Option<&str>, amount: i64) -> DatedAmount {
        DatedAmount {
            from: from.parse().unwrap(),
            until: until.map(|u| u.parse().unwrap()),
            area: area.map(str::to_string),
            amount: Number(Decimal::from(amount)),
            source: None,
        }
    }

    fn at(entries: &[DatedAmount], area: Option<&str>, month: &str) -> Option<i64> {
        in_force(entries, area, month.parse().unwrap()).map(|e| e.amount.0.try_into().unwrap())
    }

    #[test]
    fn later_entries_supersede_and_bounded_windows_fall_back() {
        let e = vec![
            entry("2016-08", None, None, 1),
            entry("2022-08", Some("2023-02"), None, 2),
            entry("2022-10", None, None, 3),
        ];
        assert_eq!(at(&e, None, "2016-07"), None);
        assert_eq!(at(&e, None, "2016-08"), Some(1));
        assert_eq!(at(&e, None, "2022-08"), Some(2));
        assert_eq!(at(&e, None, "2022-09"), Some(2));
        // an open-ended entry that starts inside a bounded window supersedes it from its `from`
        assert_eq!(at(&e, None, "2022-10"), Some(3));
        assert_eq!(at(&e, None, "2024-01"), Some(3));
        let e = vec![
            entry("2016-08", None, None, 1),
            entry("2022-08", Some("2023-02"), None, 2),
        ];
        assert_eq!(at(&e, None, "2023-02"), Some(2));
        assert_eq!(at(&e, None, "2023-03"), Some(1));
    }

    #[test]
    fn an_area_entry_wins_over_one_naming_no_area() {
        let e = vec![
            entry("2022-01", None, None, 1),
            entry("2021-01", None, Some("city"), 2),
            entry("2022-06", Some("2022-08"), Some("county"), 3),
        ];
        assert_eq!(at(&e, Some("city"), "2022-05"), Some(2));
        assert_eq!(at(&e, Some("county"), "2022-05"), Some(1));
        assert_eq!(at(&e, Some("county"), "2022-07"), Some(3));
        assert_eq!(at(&e, Some("county"), "2022-09"), Some(1));
        assert_eq!(at(&e, None, "2021-06"), None);
    }

    #[test]
    fn same_area_same_from_is_ambiguous() {
        let e = vec![
            entry("2022-01", None, Some("a"), 1),
            entry("2022-01", None, Some("b"), 2),
        ];
        assert!(ambiguous(&e).is_none());
        let e = vec![
            entry("2022-01", None, None, 1),
            entry("2022-01", Some("2022-03"), None, 2),
        ];
        assert!(ambiguous(&e).is_some());
    }
}
