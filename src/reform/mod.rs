//! The reform analysis: what a policy change does, household by household and in total.
//!
//! Each household is decided under the base policy and under the alternative by
//! [`crate::rules::evaluate`], the same function `check` uses, for every month of the range;
//! the two results are joined per household and month. Nothing of the rules is repeated here:
//! a reform is whatever the two policy files say.
//!
//! With an index series, each side also pays its price subsidy in the months compared: a
//! [`SideSubsidy`] per policy over the index months those months pay for, asked per household
//! exactly as `subsidy` computes it.
//!
//! [`compare`] streams the rows through [`crate::pipeline::stream`]: each chunk's households
//! are handed to the caller's renderer (on the worker threads) as [`HouseholdComparison`]s,
//! and what is kept is the [`Totals`] (a fixed number of tallies per month, area, decision pair
//! and household size, and a count per whole-yuan difference), so memory does not grow with
//! the roster. Nothing here writes: formats, files and messages are the caller's.

mod change;
mod problem;
mod row;
mod side;
mod tally;
mod totals;

#[cfg(test)]
mod tests;

pub use change::{Change, pays};
pub use problem::{Problem, Undecided};
pub use side::{Side, SideMonth, SideSubsidy};
pub use tally::{Case, SIZE_CAP, Tally, Totals};
pub use totals::{Section, TotalLine, per_year, range_key};

use crate::household::Household;
use crate::household::cells;
use crate::household::columns::Column;
use crate::household::reader::RecordSource;
#[cfg(test)]
use crate::lang::Lang;
use crate::money::Rounding;
use crate::month::Month;
use crate::pipeline::{self, Row};
use anyhow::Result;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use tally::add_into;

/// What a comparison is asked: the two sides, the months, and the weight column.
pub struct Config<'a> {
    /// the base policy
    pub base: Side<'a>,
    /// the alternative
    pub alt: Side<'a>,
    /// the months compared (the pay months of the price subsidy), in order
    pub months: Vec<Month>,
    /// the roster field holding each household's sample weight, and its header: counts and
    /// money in the totals are grossed up by it (1 without)
    pub weight: Option<(usize, String)>,
}

/// One household compared over the range.
#[derive(Debug, Clone)]
pub struct HouseholdComparison {
    /// the roster line
    pub line: u64,
    /// the household as the base policy reads it
    pub household: Household,
    /// the area key under the base policy (else the alternative's), empty when none
    pub area: String,
    /// the sample weight; `None` when the weight column is empty or unreadable on the row
    /// (the household is then not compared)
    pub weight: Option<Decimal>,
    /// one comparison per month of the range
    pub months: Vec<MonthComparison>,
}

/// One household compared in one month.
#[derive(Debug, Clone)]
pub struct MonthComparison {
    /// the month
    pub month: Month,
    /// under the base policy
    pub base: SideMonth,
    /// under the alternative
    pub alt: SideMonth,
    /// the money of both sides
    pub case: Case,
    /// what the change does to the household this month
    pub change: Change,
}

/// Compares every household of `source` under both sides of `cfg`. Each chunk of compared
/// households goes to `render` (in parallel, in chunks of consecutive rows) and its result to
/// `consume` in roster order; returns the totals. Stops with an error when a total leaves the
/// exact decimal range.
pub fn compare<T: Send>(
    cfg: &Config,
    source: &mut dyn RecordSource,
    render: impl Fn(&[HouseholdComparison]) -> T + Sync,
    mut consume: impl FnMut(T) -> Result<()>,
) -> Result<Totals> {
    let mut totals = Totals::new(cfg.months.len());
    let id_field = cfg.base.parser.header_map().get(Column::HouseholdId);
    pipeline::stream(
        source,
        id_field,
        |rows| {
            let mut chunk = Totals::new(cfg.months.len());
            let households: Vec<HouseholdComparison> = rows
                .iter()
                .map(|row| cfg.compare_row(row, &mut chunk))
                .collect();
            (render(&households), chunk)
        },
        |(out, chunk)| {
            totals.merge(chunk);
            if totals.overflowed() {
                return Err(crate::money::AmountOverflow.into());
            }
            consume(out)
        },
    )?;
    Ok(totals)
}

impl Config<'_> {
    /// The household's weight: 1 without a weight column; else the problem with the cell.
    fn weight(&self, row: &Row) -> Result<Decimal, Problem> {
        let Some((i, header)) = &self.weight else {
            return Ok(Decimal::ONE);
        };
        let raw = row.record.get(*i).unwrap_or("");
        match cells::parse_money(raw) {
            Ok(Some(w)) => Ok(w),
            Ok(None) => Err(Problem::WeightEmpty {
                line: row.line,
                header: header.clone(),
            }),
            Err(error) => Err(Problem::WeightUnreadable {
                line: row.line,
                header: header.clone(),
                raw: raw.to_string(),
                error,
            }),
        }
    }

    fn area_name(&self, hb: &Household, ha: &Household) -> String {
        hb.area
            .and_then(|a| self.base.policy.area_key(a))
            .or_else(|| ha.area.and_then(|a| self.alt.policy.area_key(a)))
            .unwrap_or("")
            .to_string()
    }

    /// Compares one row in every month, adding it to `totals`.
    fn compare_row(&self, row: &Row, totals: &mut Totals) -> HouseholdComparison {
        let (hb, evb) = self.base.evaluate(row);
        let (ha, eva) = self.alt.evaluate(row);
        totals.rows += 1;
        let (w, weight) = match self.weight(row) {
            Ok(w) => (w, Some(w)),
            Err(p) => {
                totals.problem(p);
                (Decimal::ONE, None)
            }
        };
        let weight_ok = weight.is_some();
        let area = self.area_name(&hb, &ha);
        let size = hb.members.map(|m| m.min(SIZE_CAP)).unwrap_or(0);
        let mut whole = Case {
            decided: weight_ok,
            ..Case::default()
        };
        let mut reported = false;
        let mut months = Vec::with_capacity(evb.len());
        for (m, (b, a)) in evb.into_iter().zip(eva).enumerate() {
            let Some(&month) = self.months.get(m) else {
                break;
            };
            let base = SideMonth {
                subsidy: self.base.subsidy_in(&hb, month),
                evaluation: b,
            };
            let alt = SideMonth {
                subsidy: self.alt.subsidy_in(&ha, month),
                evaluation: a,
            };
            let (base_known, alt_known) = (base.known(), alt.known());
            let decided = weight_ok && base_known && alt_known;
            let base_total = crate::money::checked_add(base.regular(), base.subsidy_amount());
            let alt_total = crate::money::checked_add(alt.regular(), alt.subsidy_amount());
            let case = Case {
                overflow: base_total.is_err() || alt_total.is_err(),
                decided,
                paid_base: pays(base.evaluation.decision),
                paid_alt: pays(alt.evaluation.decision),
                base: base_total.unwrap_or_default(),
                alt: alt_total.unwrap_or_default(),
                base_subsidy: base.subsidy_amount(),
                alt_subsidy: alt.subsidy_amount(),
            };
            whole.accumulate(&case);
            if let Some(t) = totals.months.get_mut(m) {
                t.add(w, &case);
            }
            totals
                .by_area
                .entry(area.clone())
                .or_default()
                .add(w, &case);
            totals
                .by_decision
                .entry((base.evaluation.decision, alt.evaluation.decision))
                .or_default()
                .add(w, &case);
            totals.by_size.entry(size).or_default().add(w, &case);
            // One problem per household: its first month not compared.
            if !decided && weight_ok && !reported {
                reported = true;
                let (which, side) = if base_known {
                    (&ha, &alt)
                } else {
                    (&hb, &base)
                };
                totals.problem(not_compared(row.line, &hb.id, month, which, side));
            }
            let change = Change::of(
                case.decided,
                case.paid_base,
                case.paid_alt,
                case.alt - case.base,
            );
            months.push(MonthComparison {
                month,
                base,
                alt,
                case,
                change,
            });
        }
        totals.range.add(w, &whole);
        let diff = whole.alt.checked_sub(whole.base).unwrap_or_default();
        if whole.decided && !diff.is_zero() {
            // Bars of the chart are whole yuan; the bucket is a display choice, the amounts
            // themselves are never rounded here.
            let bucket = Rounding::YuanDown.apply(diff).to_i64().unwrap_or(0);
            let mut o = false;
            add_into(totals.histogram.entry(bucket).or_default(), w, &mut o);
            totals.range.overflow |= o;
        }
        HouseholdComparison {
            line: row.line,
            household: hb,
            area,
            weight,
            months,
        }
    }
}

/// Why a household's month was not compared: the rules' reasons, or else the subsidy's.
fn not_compared(line: u64, id: &str, month: Month, which: &Household, side: &SideMonth) -> Problem {
    let ev = &side.evaluation;
    let (what, reasons) = if ev.decision.is_decided() {
        (
            side.subsidy
                .as_ref()
                .map_or(Undecided::Nothing, |s| Undecided::Subsidy(s.state)),
            side.subsidy_reasons(),
        )
    } else {
        (Undecided::Rules(ev.decision), row::reasons_cell(which, ev))
    };
    Problem::NotCompared {
        line,
        household: id.to_string(),
        month,
        what,
        reasons,
    }
}
