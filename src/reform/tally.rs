//! Weighted counts and sums: one household's case, a slice's tally, and the run's totals,
//! mergeable across chunks so that memory does not grow with the roster.

use super::problem::Problem;
use crate::rules::Decision;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Weighted counts and sums of one slice of the comparison. `gaining`, `losing` and
/// `unchanged` split the decided cases by the sign of the difference; `newly_eligible` and
/// `no_longer_eligible` are subsets of gaining and losing (or unchanged, when both are zero).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// households (or household-months), weighted
    pub cases: Decimal,
    /// the base policy's money, decided cases only
    pub base: Decimal,
    /// the alternative's money, decided cases only
    pub alt: Decimal,
    /// paid more under the alternative
    pub gaining: Decimal,
    /// paid less
    pub losing: Decimal,
    /// paid the same
    pub unchanged: Decimal,
    /// paid nothing under the base, something under the alternative
    pub newly_eligible: Decimal,
    /// the reverse
    pub no_longer_eligible: Decimal,
    /// not compared (undetermined, invalid, or an unreadable weight)
    pub undecided: Decimal,
    /// the part of `base` that is price subsidy (with an index series)
    pub base_subsidy: Decimal,
    /// the part of `alt` that is price subsidy
    pub alt_subsidy: Decimal,
    /// a sum or a weight × amount left the decimal range: the tally is not to be trusted
    pub overflow: bool,
}

/// `*acc += v`, exactly, or marks the overflow.
pub(crate) fn add_into(acc: &mut Decimal, v: Decimal, overflow: &mut bool) {
    *overflow |= crate::money::add_to(acc, v).is_err();
}

/// `*acc += w × v`, exactly, or marks the overflow.
fn add_weighted(acc: &mut Decimal, w: Decimal, v: Decimal, overflow: &mut bool) {
    match crate::money::checked_mul(w, v) {
        Ok(p) => add_into(acc, p, overflow),
        Err(_) => *overflow = true,
    }
}

impl Tally {
    /// Adds one case with weight `w`.
    pub fn add(&mut self, w: Decimal, c: &Case) {
        let o = &mut self.overflow;
        *o |= c.overflow;
        add_into(&mut self.cases, w, o);
        if !c.decided {
            add_into(&mut self.undecided, w, o);
            return;
        }
        add_weighted(&mut self.base, w, c.base, o);
        add_weighted(&mut self.alt, w, c.alt, o);
        add_weighted(&mut self.base_subsidy, w, c.base_subsidy, o);
        add_weighted(&mut self.alt_subsidy, w, c.alt_subsidy, o);
        // Both sides are at most a few times 10^28 apart only when one overflowed already.
        let diff = c.alt.checked_sub(c.base).unwrap_or(Decimal::ZERO);
        if diff > Decimal::ZERO {
            add_into(&mut self.gaining, w, o);
        } else if diff < Decimal::ZERO {
            add_into(&mut self.losing, w, o);
        } else {
            add_into(&mut self.unchanged, w, o);
        }
        if !c.paid_base && c.paid_alt {
            add_into(&mut self.newly_eligible, w, o);
        }
        if c.paid_base && !c.paid_alt {
            add_into(&mut self.no_longer_eligible, w, o);
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, t: &Tally) {
        let o = &mut self.overflow;
        *o |= t.overflow;
        add_into(&mut self.cases, t.cases, o);
        add_into(&mut self.base, t.base, o);
        add_into(&mut self.alt, t.alt, o);
        add_into(&mut self.gaining, t.gaining, o);
        add_into(&mut self.losing, t.losing, o);
        add_into(&mut self.unchanged, t.unchanged, o);
        add_into(&mut self.newly_eligible, t.newly_eligible, o);
        add_into(&mut self.no_longer_eligible, t.no_longer_eligible, o);
        add_into(&mut self.undecided, t.undecided, o);
        add_into(&mut self.base_subsidy, t.base_subsidy, o);
        add_into(&mut self.alt_subsidy, t.alt_subsidy, o);
    }

    /// Whether the tally, or its amounts × 12 (the per-year line), left the decimal range.
    pub fn overflowed(&self) -> bool {
        let twelve = Decimal::from(12);
        self.overflow
            || [self.base, self.alt, self.base_subsidy, self.alt_subsidy]
                .iter()
                .any(|v| v.checked_mul(twelve).is_none())
            || self.alt.checked_sub(self.base).is_none()
    }

    /// The alternative's money less the base's.
    pub fn difference(&self) -> Decimal {
        self.alt - self.base
    }

    /// The alternative's price subsidy less the base's.
    pub fn subsidy_difference(&self) -> Decimal {
        self.alt_subsidy - self.base_subsidy
    }
}

/// One household compared in one month, or over the range. `base` and `alt` are everything
/// paid (regular amounts and, with an index series, the price subsidy); `*_subsidy` the
/// subsidy part.
#[derive(Debug, Clone, Copy, Default)]
pub struct Case {
    /// an amount of the case left the decimal range
    pub overflow: bool,
    /// both sides decided (and the weight read): the case counts in the money
    pub decided: bool,
    /// the base policy pays regular money
    pub paid_base: bool,
    /// the alternative pays regular money
    pub paid_alt: bool,
    /// everything the base policy pays
    pub base: Decimal,
    /// everything the alternative pays
    pub alt: Decimal,
    /// the base's price subsidy
    pub base_subsidy: Decimal,
    /// the alternative's price subsidy
    pub alt_subsidy: Decimal,
}

impl Case {
    /// Adds a month's case to the household's case over the range.
    pub(crate) fn accumulate(&mut self, month: &Case) {
        self.decided &= month.decided;
        self.paid_base |= month.paid_base;
        self.paid_alt |= month.paid_alt;
        let o = &mut self.overflow;
        *o |= month.overflow;
        add_into(&mut self.base, month.base, o);
        add_into(&mut self.alt, month.alt, o);
        add_into(&mut self.base_subsidy, month.base_subsidy, o);
        add_into(&mut self.alt_subsidy, month.alt_subsidy, o);
    }

    /// The alternative's money less the base's.
    pub fn difference(&self) -> Decimal {
        self.alt - self.base
    }
}

/// Households in the size breakdown are 1 … 5 persons, then 6 or more.
pub const SIZE_CAP: u32 = 6;

/// How many problems are kept to be named; the others are counted.
const KEEP_PROBLEMS: usize = 20;

/// Everything the totals need, mergeable across chunks.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// roster rows read
    pub rows: u64,
    /// every household over the range
    pub range: Tally,
    /// per month of the range, in order
    pub months: Vec<Tally>,
    /// per area key (empty when the household has no area)
    pub by_area: BTreeMap<String, Tally>,
    /// per decision under the base and under the alternative
    pub by_decision: BTreeMap<(Decision, Decision), Tally>,
    /// per household size, [`SIZE_CAP`] for that many or more, 0 unknown
    pub by_size: BTreeMap<u32, Tally>,
    /// whole-yuan floor of a household's difference over the range → households
    pub histogram: BTreeMap<i64, Decimal>,
    /// the first problems met
    pub problems: Vec<Problem>,
    /// every problem met
    pub problem_count: u64,
}

impl Totals {
    /// Empty totals for `months` months.
    pub fn new(months: usize) -> Totals {
        Totals {
            months: vec![Tally::default(); months],
            ..Totals::default()
        }
    }

    /// Adds the totals of a later chunk.
    pub fn merge(&mut self, o: Totals) {
        self.rows += o.rows;
        self.range.merge(&o.range);
        if self.months.len() < o.months.len() {
            self.months.resize(o.months.len(), Tally::default());
        }
        for (a, b) in self.months.iter_mut().zip(&o.months) {
            a.merge(b);
        }
        for (k, t) in o.by_area {
            self.by_area.entry(k).or_default().merge(&t);
        }
        for (k, t) in o.by_decision {
            self.by_decision.entry(k).or_default().merge(&t);
        }
        for (k, t) in o.by_size {
            self.by_size.entry(k).or_default().merge(&t);
        }
        for (k, n) in o.histogram {
            add_into(
                self.histogram.entry(k).or_default(),
                n,
                &mut self.range.overflow,
            );
        }
        self.problem_count += o.problem_count;
        for p in o.problems {
            if self.problems.len() < KEEP_PROBLEMS {
                self.problems.push(p);
            }
        }
    }

    /// Whether any tally left the decimal range.
    pub fn overflowed(&self) -> bool {
        self.range.overflowed()
            || self
                .months
                .iter()
                .chain(self.by_area.values())
                .chain(self.by_decision.values())
                .chain(self.by_size.values())
                .any(Tally::overflowed)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn a_weight_times_an_amount_beyond_the_decimal_range_marks_the_tally() {
        let case = Case {
            decided: true,
            base: Decimal::MAX,
            alt: Decimal::MAX,
            paid_base: true,
            paid_alt: true,
            ..Case::default()
        };
        let mut t = Tally::default();
        t.add(dec!(2), &case);
        assert!(t.overflowed());
        let mut s = Totals::default();
        assert!(!s.overflowed());
        s.range.merge(&t);
        assert!(s.overflowed());
        let mut ok = Tally::default();
        ok.add(
            dec!(2),
            &Case {
                decided: true,
                base: dec!(10),
                alt: dec!(12),
                ..Case::default()
            },
        );
        assert!(!ok.overflowed());
        assert_eq!((ok.base, ok.alt, ok.gaining), (dec!(20), dec!(24), dec!(2)));
    }

    #[test]
    fn tallies_weigh_counts_and_money_and_skip_undecided_money() {
        let mut t = Tally::default();
        let gain = Case {
            overflow: false,
            decided: true,
            paid_base: true,
            paid_alt: true,
            base: dec!(100),
            alt: dec!(136),
            base_subsidy: dec!(0),
            alt_subsidy: dec!(20),
        };
        let undecided = Case {
            decided: false,
            ..gain
        };
        t.add(dec!(2.5), &gain);
        t.add(dec!(1), &undecided);
        assert_eq!(t.cases, dec!(3.5));
        assert_eq!(t.gaining, dec!(2.5));
        assert_eq!(t.undecided, dec!(1));
        assert_eq!(t.difference(), dec!(90));
        assert_eq!(
            t.subsidy_difference(),
            dec!(50),
            "2.5 × 20, undecided left out"
        );
    }

    #[test]
    fn merged_totals_keep_the_first_problems_and_count_the_rest() {
        let p = |line| Problem::WeightEmpty {
            line,
            header: "w".into(),
        };
        let mut a = Totals::new(1);
        for l in 0..15 {
            a.problem(p(l));
        }
        let mut b = Totals::new(1);
        for l in 15..30 {
            b.problem(p(l));
        }
        a.merge(b);
        assert_eq!(a.problem_count, 30);
        assert_eq!(a.problems.len(), 20);
        assert_eq!(a.problems[19], p(19));
        assert_eq!(a.more_problems(), 10);
    }
}
