//! Index month and pay month: the table of every area and index month of a range, and the
//! lag (`index_lag`) between the month the prices are about and the month the money is paid.

use super::*;
use crate::household::{Household, Residence};
use crate::index::IndexSeries;
use crate::month::Month;
use crate::policy::model::PriceSubsidy;
use crate::policy::{AreaIndex, MonthParams, Policy, PolicyError};
use crate::rules::{Decision, Evaluation};
use rust_decimal::Decimal;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// One index month in one area, computed once: the trigger test and, in a triggered month,
/// the per-person amount on each residence basis.
#[derive(Debug, Clone)]
pub struct AreaMonth {
    /// the trigger test
    pub status: MonthStatus,
    /// per person, urban basis (triggered months only)
    pub urban: Option<PersonAmount>,
    /// per person, rural basis (triggered months only)
    pub rural: Option<PersonAmount>,
}

impl AreaMonth {
    /// The per-person amount on a residence basis (triggered months only).
    pub fn on(&self, basis: Residence) -> Option<&PersonAmount> {
        match basis {
            Residence::Urban => self.urban.as_ref(),
            Residence::Rural => self.rural.as_ref(),
        }
    }

    /// The per-person amount of `group` for a resident of `residence`: `Some(0)` in a month
    /// that is not triggered or does not cover the group; `None` when undetermined (the month,
    /// or an own-residence base with the residence unknown).
    pub fn group_amount(
        &self,
        ps: &PriceSubsidy,
        group: &str,
        residence: Option<Residence>,
    ) -> Option<Decimal> {
        match self.status.state {
            MonthState::NotTriggered => Some(Decimal::ZERO),
            MonthState::Triggered => match covers(ps, &self.status.trigger, group) {
                None => Some(Decimal::ZERO),
                Some(base) => {
                    let basis = basis_of(base, residence)?;
                    self.on(basis).map(|p| p.amount)
                }
            },
            _ => None,
        }
    }
}

/// The trigger test of `index_month` in `area` and, when triggered, the per-person amounts.
pub fn area_month(
    policy: &Policy,
    index: &IndexSeries,
    area: AreaIndex,
    index_month: Month,
) -> Result<AreaMonth, SubsidyError> {
    let status = month_status(policy, index, area, index_month)?;
    area_month_of(policy, status)
}

/// [`area_month`] from a trigger test already made.
pub fn area_month_of(policy: &Policy, status: MonthStatus) -> Result<AreaMonth, SubsidyError> {
    let (urban, rural) = if status.state == MonthState::Triggered {
        (
            Some(person_amount(policy, &status, Residence::Urban)?),
            Some(person_amount(policy, &status, Residence::Rural)?),
        )
    } else {
        (None, None)
    };
    Ok(AreaMonth {
        status,
        urban,
        rural,
    })
}

/// Every area and index month of a range, computed once.
#[derive(Debug, Clone)]
pub struct SubsidyTable {
    /// (index month, area) → its computation, in month order
    pub months: BTreeMap<(Month, AreaIndex), AreaMonth>,
    /// first index month
    pub from: Month,
    /// last index month
    pub to: Month,
}

impl SubsidyTable {
    /// Computes every area of the policy for every index month from `from` to `to`.
    pub fn build(
        policy: &Policy,
        index: &IndexSeries,
        from: Month,
        to: Month,
    ) -> Result<SubsidyTable, SubsidyError> {
        table(policy)?;
        check_index_areas(policy, index)?;
        let mut months = BTreeMap::new();
        for area in 0..policy.area_ids.len() {
            for m in from.through(to) {
                months.insert((m, area), area_month(policy, index, area, m)?);
            }
        }
        Ok(SubsidyTable { months, from, to })
    }

    /// The computation of an area and index month.
    pub fn get(&self, area: AreaIndex, index_month: Month) -> Option<&AreaMonth> {
        self.months.get(&(index_month, area))
    }

    /// The index months of the range, in order.
    pub fn index_months(&self) -> impl Iterator<Item = Month> {
        self.from.through(self.to)
    }

    /// The parameters in force in every index month of the table that is triggered in some
    /// area: a household's groups there depend on its means test, which needs them (an
    /// enrolled 低保 household the rules find ineligible loses the 低保 group). A month that is
    /// triggered nowhere needs none, so a month before the first 低保 standard is fine as long
    /// as it did not fire.
    pub fn triggered_params(
        &self,
        policy: &Policy,
    ) -> Result<BTreeMap<Month, MonthParams>, PolicyError> {
        let mut params = BTreeMap::new();
        for ((m, _), am) in &self.months {
            if am.status.state == MonthState::Triggered && !params.contains_key(m) {
                params.insert(*m, policy.month_params(*m)?);
            }
        }
        Ok(params)
    }

    /// One household's subsidy for `index_month`, for commands going through a roster: the
    /// outcomes that do not depend on the household ([`without_rules`]) need no evaluation;
    /// in a triggered month the household's rules are evaluated with the index month's
    /// parameters from `params` ([`SubsidyTable::triggered_params`]) and
    /// [`SubsidyTable::household`] decides.
    pub fn household_in(
        &self,
        policy: &Policy,
        params: &BTreeMap<Month, MonthParams>,
        h: &Household,
        index_month: Month,
    ) -> HouseholdSubsidy {
        // `triggered_params` holds every triggered month; without them nothing is known.
        self.household_with(policy, h, index_month, || {
            params
                .get(&index_month)
                .map(|p| crate::rules::evaluate(policy, p, h, false))
        })
    }

    /// [`SubsidyTable::household_in`] for a command that holds the household's evaluations
    /// itself: `evaluation` gives the household's evaluation under the index month's rules and
    /// is called only in a triggered month, where the outcome depends on it. `None` there (the
    /// month's rules are not known) leaves the household [`HouseholdState::Undetermined`].
    pub fn household_with<E: Borrow<Evaluation>>(
        &self,
        policy: &Policy,
        h: &Household,
        index_month: Month,
        evaluation: impl FnOnce() -> Option<E>,
    ) -> HouseholdSubsidy {
        let lag = policy
            .file
            .price_subsidy
            .as_ref()
            .map_or(1, |ps| ps.index_lag);
        let Some(am) = h.area.and_then(|a| self.get(a, index_month)) else {
            return HouseholdSubsidy::empty(
                index_month,
                index_month.plus(lag),
                HouseholdState::Invalid,
            );
        };
        if let Some(s) = without_rules(am, h) {
            return s;
        }
        match evaluation() {
            Some(ev) => self.household(policy, h, ev.borrow(), index_month, false),
            None => HouseholdSubsidy::empty(
                index_month,
                index_month.plus(lag),
                HouseholdState::Undetermined,
            ),
        }
    }

    /// The index month whose subsidy is paid in `pay_month`.
    pub fn index_month_for(policy: &Policy, pay_month: Month) -> Option<Month> {
        policy
            .file
            .price_subsidy
            .as_ref()
            .map(|ps| pay_month.plus(-ps.index_lag))
    }

    /// One household's subsidy for `index_month`; a household whose region is in no area,
    /// or a month outside the table, is [`HouseholdState::Invalid`] /
    /// [`HouseholdState::MissingIndex`].
    pub fn household(
        &self,
        policy: &Policy,
        h: &Household,
        ev: &Evaluation,
        index_month: Month,
        trace: bool,
    ) -> HouseholdSubsidy {
        let lag = policy
            .file
            .price_subsidy
            .as_ref()
            .map_or(1, |ps| ps.index_lag);
        match h.area.and_then(|a| self.get(a, index_month)) {
            Some(am) => household_subsidy(policy, am, h, ev, trace),
            None => {
                let state = if h.area.is_none() || ev.decision == Decision::Invalid {
                    HouseholdState::Invalid
                } else {
                    HouseholdState::MissingIndex
                };
                HouseholdSubsidy::empty(index_month, index_month.plus(lag), state)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::household::Status;

    #[test]
    fn the_table_reconciles_with_single_household_computation() {
        let p = policy("914", "439", WINDOW);
        let idx = series("2022-07,2.7,6.3,\n2022-08,2.5,6.1,\n2022-09,2.8,8.8,\n");
        let t = SubsidyTable::build(&p, &idx, m("2022-07"), m("2022-09")).unwrap();
        let h = household(Status::Dibao, "", 4, 100);
        for mo in ["2022-07", "2022-08", "2022-09"] {
            let params = p.month_params(m(mo)).unwrap();
            let ev = crate::rules::evaluate(&p, &params, &h, false);
            let a = t.household(&p, &h, &ev, m(mo), false);
            let b = household_subsidy_at(&p, &idx, &h, &ev, m(mo), false).unwrap();
            assert_eq!((a.state, a.amount), (b.state, b.amount));
        }
        assert_eq!(
            SubsidyTable::index_month_for(&p, m("2022-10")),
            Some(m("2022-09"))
        );
    }
}
