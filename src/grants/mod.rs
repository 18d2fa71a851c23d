//! Grants paid per household and added up per group: the price subsidy (价格临时补贴) of every
//! household of a roster for every pay month, and the totals per pay month and paying group
//! that add up to the households exactly.
//!
//! The rules are in [`crate::rules::price_subsidy`] (called from [`linkage`] only); this
//! module runs them over a roster. [`households`] streams the rows through
//! [`crate::pipeline::stream`]: each chunk's households go to the caller's renderer as
//! [`HouseholdMonths`], and what is kept is the [`Summary`], so memory does not grow with the
//! roster. Nothing here writes: formats, files and messages are the caller's.

pub mod linkage;
mod totals;

#[cfg(test)]
mod tests;

pub use totals::{ALL, Problem, Summary, TotalRow, Totals};

use crate::household::columns::Column;
use crate::household::reader::RecordSource;
use crate::household::{Household, RowError, RowParser};
use crate::month::Month;
use crate::pipeline::{self, Row};
use crate::policy::{MonthParams, Policy};
use crate::rules::price_subsidy::{HouseholdState, HouseholdSubsidy, SubsidyTable};
use anyhow::Result;
use std::collections::BTreeMap;

/// What a run over a roster is asked: the policy, its month table over the index months, the
/// rules' parameters of every triggered index month, and the roster's parser.
pub struct Config<'a> {
    /// the policy
    pub policy: &'a Policy,
    /// every area for every index month of the range ([`linkage::month_table`])
    pub table: &'a SubsidyTable,
    /// the parameters of each triggered index month ([`linkage::triggered_params`])
    pub params: &'a BTreeMap<Month, MonthParams>,
    /// the roster's parser
    pub parser: &'a RowParser<'a>,
}

/// One household's subsidy for every index month of the range.
#[derive(Debug, Clone)]
pub struct HouseholdMonths {
    /// the household as read (a repeated id is an error of the row)
    pub household: Household,
    /// one per index month, in order
    pub months: Vec<HouseholdSubsidy>,
}

/// Computes every household of `source` for every index month of `cfg.table`. Each chunk of
/// households goes to `render` (in parallel, chunks of consecutive rows) and its result to
/// `consume` in roster order; returns the summary. The caller checks
/// [`Summary::grand_total`] before keeping anything.
pub fn households<T: Send>(
    cfg: &Config,
    source: &mut dyn RecordSource,
    render: impl Fn(&[HouseholdMonths]) -> T + Sync,
    mut consume: impl FnMut(T) -> Result<()>,
) -> Result<Summary> {
    let months: Vec<Month> = cfg.table.index_months().collect();
    let mut summary = Summary::default();
    let id_field = cfg.parser.header_map().get(Column::HouseholdId);
    pipeline::stream(
        source,
        id_field,
        |rows| {
            let mut chunk = Summary::default();
            let households: Vec<HouseholdMonths> = rows
                .iter()
                .map(|row| cfg.household(row, &months, &mut chunk))
                .collect();
            (render(&households), chunk)
        },
        |(out, chunk)| {
            summary.merge(chunk);
            consume(out)
        },
    )?;
    Ok(summary)
}

impl Config<'_> {
    /// The row read; a household id seen on an earlier row is an error.
    fn parse(&self, row: &Row) -> Household {
        let mut h = self.parser.parse(row.line, |i| row.record.get(i));
        if let Some(first) = row.duplicate_of {
            h.errors.push(RowError {
                row: row.line,
                column: "household_id".into(),
                value: h.id.clone(),
                code: "duplicate_household_id",
                zh: format!("户编号与第 {first} 行重复：每户只能出现一次"),
                en: format!("household_id repeats row {first}: each household appears once"),
            });
        }
        h
    }

    /// One row for every index month, added to `summary`.
    fn household(&self, row: &Row, months: &[Month], summary: &mut Summary) -> HouseholdMonths {
        let h = self.parse(row);
        summary.households += 1;
        if !h.is_valid() {
            for e in &h.errors {
                summary.problem(Problem::Invalid(e.clone()));
            }
        }
        let mut out = Vec::with_capacity(months.len());
        for &m in months {
            // The household's rules are evaluated only for a triggered month, with the
            // parameters of that index month.
            let s = linkage::household_subsidy(self.table, self.policy, self.params, &h, m);
            summary.add(&s);
            if s.state == HouseholdState::Undetermined {
                summary.problem(Problem::Missing {
                    row: h.row,
                    household: h.id.clone(),
                    index_month: s.index_month,
                    missing: s.missing.clone(),
                });
            }
            out.push(s);
        }
        HouseholdMonths {
            household: h,
            months: out,
        }
    }
}
