//! One side of the comparison: a policy, its parameters for every month compared, its row
//! parser, and (with an index series) its price subsidy; and what it gives one household in
//! one month.

use crate::household::{Household, RowParser};
use crate::index::IndexSeries;
use crate::month::Month;
use crate::pipeline::Row;
use crate::policy::{MonthParams, Policy};
use crate::rules::price_subsidy::{self, HouseholdSubsidy, SubsidyTable};
use crate::rules::{self, Evaluation};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A policy and its parameters for every month of the range.
pub struct Side<'a> {
    /// the policy
    pub policy: &'a Policy,
    /// its parameters for each month compared, in order
    pub params: &'a [MonthParams],
    /// the roster read under this policy
    pub parser: &'a RowParser<'a>,
    /// with an index series and a `[price_subsidy]` table: its subsidy
    pub subsidy: Option<&'a SideSubsidy>,
}

/// One policy's price subsidy over the index months the compared months pay for.
pub struct SideSubsidy {
    table: SubsidyTable,
    /// the parameters of every triggered index month (a household's groups depend on them)
    params: BTreeMap<Month, MonthParams>,
}

impl SideSubsidy {
    /// Builds the table for the index months paid in `months` (each month − `index_lag`);
    /// `None` when the policy has no `[price_subsidy]` table (it pays no subsidy).
    pub fn build(policy: &Policy, index: &IndexSeries, months: &[Month]) -> Result<Option<Self>> {
        let (Some(first), Some(last)) = (months.first(), months.last()) else {
            return Ok(None);
        };
        let Some((from, to)) = price_subsidy::index_range(policy, *first, *last) else {
            return Ok(None);
        };
        let table = SubsidyTable::build(policy, index, from, to)
            .with_context(|| format!("price subsidy for index months {from}..{to}"))?;
        let params = table
            .triggered_params(policy)
            .with_context(|| format!("price subsidy for index months {from}..{to}"))?;
        Ok(Some(SideSubsidy { table, params }))
    }

    /// The household's price subsidy paid in `pay_month`: the one call into the price
    /// subsidy's rules, which find the index month themselves.
    fn paid_in(&self, policy: &Policy, h: &Household, pay_month: Month) -> HouseholdSubsidy {
        let rules = price_subsidy::evaluated_in(policy, &self.params, h);
        price_subsidy::paid_in(&self.table, policy, h, rules, pay_month, false)
    }
}

impl Side<'_> {
    /// A household's price subsidy paid in `month`, or none (no index series, or a policy
    /// without a price subsidy: nothing is paid, and that is decided).
    pub fn subsidy_in(&self, h: &Household, month: Month) -> Option<HouseholdSubsidy> {
        self.subsidy.map(|s| s.paid_in(self.policy, h, month))
    }

    /// The row read under this policy and decided for every month of the range.
    pub fn evaluate(&self, row: &Row) -> (Household, Vec<Evaluation>) {
        let Some((first, rest)) = self.params.split_first() else {
            return (Household::default(), Vec::new());
        };
        let (h, ev) = super::row::evaluate_row(self.policy, first, self.parser, row);
        let mut evs = Vec::with_capacity(self.params.len());
        evs.push(ev);
        evs.extend(
            rest.iter()
                .map(|p| rules::evaluate(self.policy, p, &h, false)),
        );
        (h, evs)
    }
}

/// What one policy gives a household in one month: the rules' decision and, with an index
/// series, the price subsidy.
#[derive(Debug, Clone)]
pub struct SideMonth {
    /// the rules' evaluation
    pub evaluation: Evaluation,
    /// the price subsidy paid in the month (`None`: no index series or no subsidy table)
    pub subsidy: Option<HouseholdSubsidy>,
}

impl SideMonth {
    /// The regular monthly amount (低保, 特困 …).
    pub fn regular(&self) -> Decimal {
        self.evaluation.monthly_total()
    }

    /// Whether the rules decided.
    pub fn regular_known(&self) -> bool {
        self.evaluation.decision.is_decided()
    }

    /// The price subsidy's amount (zero when none is paid).
    pub fn subsidy_amount(&self) -> Decimal {
        self.subsidy.as_ref().map_or(Decimal::ZERO, |s| s.amount)
    }

    /// Whether the price subsidy is decided (no subsidy is decided).
    pub fn subsidy_known(&self) -> bool {
        self.subsidy.as_ref().is_none_or(|s| s.state.is_decided())
    }

    /// Whether the side's total (regular amounts and subsidy) is known.
    pub fn known(&self) -> bool {
        self.regular_known() && self.subsidy_known()
    }

    /// The subsidy's part of a reasons cell: `price_subsidy:<outcome>` and the missing
    /// columns when it is not decided.
    pub fn subsidy_reasons(&self) -> String {
        match &self.subsidy {
            Some(s) if !s.state.is_decided() => {
                let mut r = format!("price_subsidy:{}", s.state.name());
                for c in &s.missing {
                    r += &format!(";price_subsidy:missing:{}", c.name());
                }
                r
            }
            _ => String::new(),
        }
    }

    /// The reasons cell of the side for household `h`: the rules' codes, then the subsidy's.
    pub fn reasons(&self, h: &Household) -> String {
        join_reasons(
            super::row::reasons_cell(h, &self.evaluation),
            self.subsidy_reasons(),
        )
    }
}

fn join_reasons(a: String, b: String) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a,
        (true, false) => b,
        (false, false) => format!("{a};{b}"),
    }
}
