//! The resolved inputs of a schedule.

use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::month::Month;
use crate::policy::{MonthParams, Policy};
use crate::rules::price_subsidy::{MonthState, SubsidyTable};
use anyhow::{Context, Result};
use std::collections::BTreeMap;

/// The resolved inputs of a schedule: the policy and the parameters of every month.
pub struct Config<'p> {
    /// the policy
    pub policy: &'p Policy,
    /// the parameters of each month of the range, in order
    pub months: Vec<MonthParams>,
    /// message language
    pub lang: Lang,
    /// the price-subsidy item (with `--index`)
    pub subsidy: Option<SubsidyRun>,
}

/// What the `price_subsidy` item needs, computed once per run: every area × index month of the
/// pay range (pay month − `index_lag`), and the rules' parameters of the index months before
/// the first pay month (the others are in [`Config::months`]).
pub struct SubsidyRun {
    /// the trigger test and per-person amounts of every area and index month
    pub table: SubsidyTable,
    /// parameters of index months before the first pay month: those some area triggered
    /// (required), and those left undetermined when they are in force (to tell which
    /// households the missing month concerns)
    pub early: BTreeMap<Month, MonthParams>,
}

impl<'p> Config<'p> {
    /// Resolves every month from `from` to `to`; an error names the key and month with nothing
    /// in force.
    pub fn new(policy: &'p Policy, from: Month, to: Month, lang: Lang) -> Result<Config<'p>> {
        let months = from
            .through(to)
            .map(|m| policy.month_params(m))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            policy,
            months,
            lang,
            subsidy: None,
        })
    }

    /// Adds the `price_subsidy` item: builds the subsidy table over the index months of the
    /// pay range (each pay month − `index_lag`) from `index`. Errors as `subsidy`'s: no
    /// `[price_subsidy]` table, an index area the policy does not define, no trigger in force
    /// in an index month, no formula or standard in force in a triggered one.
    pub fn with_index(mut self, index: &IndexSeries) -> Result<Config<'p>> {
        let policy = self.policy;
        let (Some(first), Some(last)) = (self.months.first(), self.months.last()) else {
            return Ok(self);
        };
        let (first, last) = (first.month, last.month);
        let table = SubsidyTable::paying(policy, index, first, last)?;
        let mut early = BTreeMap::new();
        for im in table.index_months().take_while(|m| *m < first) {
            let states: Vec<&MonthState> = table
                .months
                .iter()
                .filter(|((m, _), _)| *m == im)
                .map(|(_, am)| &am.status.state)
                .collect();
            if states.iter().any(|s| **s == MonthState::Triggered) {
                // A household's groups in a triggered month depend on its means test there.
                let params = policy.month_params(im).with_context(|| {
                    format!(
                        "price subsidy for index month {im} (paid in {})",
                        table.pay_month(im)
                    )
                })?;
                early.insert(im, params);
            } else if states.iter().any(|s| !s.is_determined())
                && let Ok(params) = policy.month_params(im)
            {
                early.insert(im, params);
            }
        }
        self.subsidy = Some(SubsidyRun { table, early });
        Ok(self)
    }
}
