//! The calls into the price subsidy's rules ([`crate::rules::price_subsidy`]), each in one
//! small function, so that they follow the rules' entry points wherever they go.

use crate::household::Household;
use crate::index::IndexSeries;
use crate::month::Month;
use crate::policy::{MonthParams, Policy, PolicyError};
use crate::rules::price_subsidy::{self, HouseholdSubsidy, SubsidyError, SubsidyTable};
use std::collections::BTreeMap;

/// Every area of `policy` for every index month from `from` to `to`: triggered or not, and
/// the per-person amounts.
pub fn month_table(
    policy: &Policy,
    index: &IndexSeries,
    from: Month,
    to: Month,
) -> Result<SubsidyTable, SubsidyError> {
    SubsidyTable::build(policy, index, from, to)
}

/// The parameters in force in each triggered index month of `table` (a household's groups
/// there depend on them).
pub fn triggered_params(
    table: &SubsidyTable,
    policy: &Policy,
) -> Result<BTreeMap<Month, MonthParams>, PolicyError> {
    table.triggered_params(policy)
}

/// The household's subsidy for one index month of `table`, asked the one way the rules give:
/// what it is paid in that index month's pay month.
pub fn household_subsidy(
    table: &SubsidyTable,
    policy: &Policy,
    params: &BTreeMap<Month, MonthParams>,
    h: &Household,
    index_month: Month,
) -> HouseholdSubsidy {
    let rules = price_subsidy::evaluated_in(policy, params, h);
    price_subsidy::paid_in(table, policy, h, rules, table.pay_month(index_month), false)
}
