//! What a run over a roster adds up: household-months per outcome, and per pay month and
//! paying group the households, persons and amount, exactly, mergeable across chunks.

use crate::household::RowError;
use crate::household::columns::Column;
use crate::money::AmountOverflow;
use crate::month::Month;
use crate::policy::GROUPS;
use crate::rules::price_subsidy::{HouseholdState, HouseholdSubsidy};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The group of the line that adds up every paying group of a pay month.
pub const ALL: &str = "all";

/// Totals per (pay month, group): households, persons, amount.
pub type Totals = BTreeMap<(Month, String), (u64, u64, Decimal)>;

/// One line of the totals.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalRow<'a> {
    /// the pay month
    pub pay_month: Month,
    /// a paying group, or [`ALL`]
    pub group: &'a str,
    /// households paid (in the group)
    pub households: u64,
    /// persons paid
    pub persons: u64,
    /// the amount paid
    pub amount: Decimal,
}

/// A household the run could not decide in full, as the run reports it.
#[derive(Debug, Clone)]
pub enum Problem {
    /// a cell of the row is wrong: the row is invalid
    Invalid(RowError),
    /// an index month is undetermined for lack of roster values
    Missing {
        /// the roster line
        row: u64,
        /// the household id
        household: String,
        /// the index month
        index_month: Month,
        /// the columns found empty
        missing: Vec<Column>,
    },
}

/// How many problems are kept to be named; the others are counted.
const KEEP_PROBLEMS: usize = 20;

/// Everything a run over a roster adds up.
#[derive(Debug, Default)]
pub struct Summary {
    /// household-months per outcome, in [`HouseholdState::ALL`] order
    pub counts: [u64; 6],
    /// households read
    pub households: u64,
    /// per pay month and group
    pub totals: Totals,
    /// the first problems met
    pub problems: Vec<Problem>,
    /// every problem met
    pub problem_count: u64,
    /// a sum of amounts left the exact decimal range: the run stops before anything is kept
    pub overflow: bool,
}

impl Summary {
    /// Whether every household-month was decided.
    pub fn all_decided(&self) -> bool {
        self.counts[3..].iter().all(|c| *c == 0)
    }

    /// Household-months per outcome, those met.
    pub fn outcomes(&self) -> impl Iterator<Item = (HouseholdState, u64)> + '_ {
        HouseholdState::ALL
            .iter()
            .copied()
            .zip(self.counts)
            .filter(|(_, c)| *c > 0)
    }

    /// Counts a problem, keeping the first few.
    pub fn problem(&mut self, p: Problem) {
        self.problem_count += 1;
        if self.problems.len() < KEEP_PROBLEMS {
            self.problems.push(p);
        }
    }

    /// Problems counted but not kept.
    pub fn more_problems(&self) -> u64 {
        self.problem_count
            .saturating_sub(self.problems.len() as u64)
    }

    /// Adds the summary of a later chunk.
    pub fn merge(&mut self, other: Summary) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.households += other.households;
        for (k, (h, p, a)) in other.totals {
            let e = self.totals.entry(k).or_default();
            e.0 += h;
            e.1 += p;
            self.overflow |= crate::money::add_to(&mut e.2, a).is_err();
        }
        self.overflow |= other.overflow;
        self.problem_count += other.problem_count - other.problems.len() as u64;
        for p in other.problems {
            self.problem(p);
        }
    }

    /// Adds one household's subsidy for one index month.
    pub fn add(&mut self, s: &HouseholdSubsidy) {
        let i = HouseholdState::ALL
            .iter()
            .position(|x| *x == s.state)
            .unwrap_or(0);
        self.counts[i] += 1;
        if s.state == HouseholdState::Paid {
            // Per paying group: a household whose persons are paid at different groups (a
            // members file) counts in each of them with those persons and their amount, so
            // the groups' persons and amounts add up to the `all` line (its households may not).
            let mut groups: Vec<&str> = Vec::with_capacity(s.shares.len());
            for share in &s.shares {
                let e = self
                    .totals
                    .entry((s.pay_month, share.group.to_string()))
                    .or_default();
                if !groups.contains(&share.group) {
                    e.0 += 1;
                    groups.push(share.group);
                }
                e.1 += u64::from(share.persons);
                self.overflow |= crate::money::add_to(&mut e.2, share.amount()).is_err();
            }
            let e = self
                .totals
                .entry((s.pay_month, ALL.to_string()))
                .or_default();
            e.0 += 1;
            e.1 += u64::from(s.persons.unwrap_or(0));
            self.overflow |= crate::money::add_to(&mut e.2, s.amount).is_err();
        }
    }

    /// The total paid over every pay month, exactly, or the overflow that stops the run.
    pub fn grand_total(&self) -> Result<Decimal, AmountOverflow> {
        if self.overflow {
            return Err(AmountOverflow);
        }
        crate::money::checked_sum(
            self.totals
                .iter()
                .filter(|((_, g), _)| g == ALL)
                .map(|(_, t)| t.2),
        )
    }

    /// The amount paid in `pay_month` (all groups).
    pub fn paid_in(&self, pay_month: Month) -> Decimal {
        self.totals
            .get(&(pay_month, ALL.to_string()))
            .map(|t| t.2)
            .unwrap_or_default()
    }

    /// Totals rows: each pay month's groups (in the documented group order), then its `all`
    /// line.
    pub fn total_rows(&self) -> Vec<TotalRow<'_>> {
        let mut rows: Vec<TotalRow> = self
            .totals
            .iter()
            .map(|((m, g), (h, p, a))| TotalRow {
                pay_month: *m,
                group: g.as_str(),
                households: *h,
                persons: *p,
                amount: *a,
            })
            .collect();
        rows.sort_by_key(|r| {
            (
                r.pay_month,
                r.group == ALL,
                GROUPS
                    .iter()
                    .position(|k| *k == r.group)
                    .unwrap_or(usize::MAX),
            )
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Totals that leave the decimal range are an error of the run, never a panic or a
    /// wrapped figure: per pay month when chunks merge, and over the months in the grand total.
    #[test]
    fn totals_beyond_the_decimal_range_stop_the_run() {
        let month = |m: &str| m.parse::<Month>().unwrap();
        let chunk = |m: &str| {
            let mut s = Summary::default();
            s.totals
                .insert((month(m), "all".into()), (1, 1, Decimal::MAX));
            s
        };
        let mut one_month = chunk("2022-12");
        one_month.merge(chunk("2022-12"));
        assert!(one_month.overflow);
        assert!(one_month.grand_total().is_err());
        let mut two_months = chunk("2022-11");
        two_months.merge(chunk("2022-12"));
        assert!(!two_months.overflow);
        assert!(two_months.grand_total().is_err());
        assert_eq!(chunk("2022-12").grand_total(), Ok(Decimal::MAX));
    }
}
