//! Index month and pay month: the table of every area and index month of a range, and the
//! lag (`index_lag`) between the month the prices are about and the month the money is paid.

use super::*;
use crate::household::{Household, Residence};
use crate::index::IndexSeries;
use crate::month::Month;
use crate::policy::model::PriceSubsidy;
use crate::policy::{AreaIndex, MonthParams, Policy, PolicyError};
use crate::rules::Evaluation;
use rust_decimal::Decimal;
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

/// Every area and index month of a range, computed once, with the policy's `index_lag`: what
/// [`paid_in`] reads.
#[derive(Debug, Clone)]
pub struct SubsidyTable {
    /// (index month, area) → its computation, in month order
    pub months: BTreeMap<(Month, AreaIndex), AreaMonth>,
    /// first index month
    pub from: Month,
    /// last index month
    pub to: Month,
    /// the months from an index month to its pay month (`index_lag`)
    lag: i32,
}

/// The index months paid in the pay months `first..=last` (each pay month − `index_lag`);
/// `None` when the policy has no `[price_subsidy]` table.
pub fn index_range(policy: &Policy, first: Month, last: Month) -> Option<(Month, Month)> {
    let lag = policy.file.price_subsidy.as_ref()?.index_lag;
    Some((first.plus(-lag), last.plus(-lag)))
}

impl SubsidyTable {
    /// Computes every area of the policy for every index month from `from` to `to`.
    pub fn build(
        policy: &Policy,
        index: &IndexSeries,
        from: Month,
        to: Month,
    ) -> Result<SubsidyTable, SubsidyError> {
        let lag = table(policy)?.index_lag;
        check_index_areas(policy, index)?;
        let mut months = BTreeMap::new();
        for area in 0..policy.area_ids.len() {
            for m in from.through(to) {
                months.insert((m, area), area_month(policy, index, area, m)?);
            }
        }
        Ok(SubsidyTable {
            months,
            from,
            to,
            lag,
        })
    }

    /// [`SubsidyTable::build`] for the index months paid in the pay months `first..=last`.
    pub fn paying(
        policy: &Policy,
        index: &IndexSeries,
        first: Month,
        last: Month,
    ) -> Result<SubsidyTable, SubsidyError> {
        let (from, to) =
            index_range(policy, first, last).ok_or_else(|| SubsidyError::NoPriceSubsidy {
                path: policy.path.clone(),
            })?;
        SubsidyTable::build(policy, index, from, to)
    }

    /// The table one household needs for one pay month: its own area and the index month paid
    /// then, nothing else (a household in no area gets an empty table: it is invalid).
    pub fn for_household(
        policy: &Policy,
        index: &IndexSeries,
        h: &Household,
        pay_month: Month,
    ) -> Result<SubsidyTable, SubsidyError> {
        let lag = table(policy)?.index_lag;
        check_index_areas(policy, index)?;
        let index_month = pay_month.plus(-lag);
        let mut months = BTreeMap::new();
        if let Some(area) = h.area {
            months.insert(
                (index_month, area),
                area_month(policy, index, area, index_month)?,
            );
        }
        Ok(SubsidyTable {
            months,
            from: index_month,
            to: index_month,
            lag,
        })
    }

    /// The computation of an area and index month.
    pub fn get(&self, area: AreaIndex, index_month: Month) -> Option<&AreaMonth> {
        self.months.get(&(index_month, area))
    }

    /// The index months of the range, in order.
    pub fn index_months(&self) -> impl Iterator<Item = Month> {
        self.from.through(self.to)
    }

    /// The index month whose subsidy is paid in `pay_month` (`pay_month − index_lag`).
    pub fn index_month(&self, pay_month: Month) -> Month {
        pay_month.plus(-self.lag)
    }

    /// The month the subsidy of `index_month` is paid (`index_month + index_lag`).
    pub fn pay_month(&self, index_month: Month) -> Month {
        index_month.plus(self.lag)
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
}

/// The `evaluation` argument of [`paid_in`] for a command holding the parameters of the index
/// months whose rules are known (such as [`SubsidyTable::triggered_params`]): the household is
/// evaluated under the index month's parameters, and is undetermined where they are not held.
pub fn evaluated_in<'a>(
    policy: &'a Policy,
    params: &'a BTreeMap<Month, MonthParams>,
    h: &'a Household,
) -> impl FnOnce(Month) -> Option<Evaluation> + 'a {
    move |index_month| {
        params
            .get(&index_month)
            .map(|p| crate::rules::evaluate(policy, p, h, false))
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
        for pay in ["2022-08", "2022-09", "2022-10"] {
            let params = p.month_params(m(pay).plus(-1)).unwrap();
            let ev = crate::rules::evaluate(&p, &params, &h, false);
            let a = paid_in(&t, &p, &h, |_| Some(&ev), m(pay), false);
            let one = SubsidyTable::for_household(&p, &idx, &h, m(pay)).unwrap();
            assert_eq!(one.months.len(), 1);
            let b = paid_in(&one, &p, &h, |_| Some(&ev), m(pay), false);
            assert_eq!((a.state, a.amount), (b.state, b.amount));
        }
        assert_eq!(t.index_month(m("2022-10")), m("2022-09"));
        assert_eq!(t.pay_month(m("2022-09")), m("2022-10"));
        assert_eq!(
            index_range(&p, m("2022-08"), m("2022-10")),
            Some((m("2022-07"), m("2022-09")))
        );
        let paying = SubsidyTable::paying(&p, &idx, m("2022-08"), m("2022-10")).unwrap();
        assert_eq!((paying.from, paying.to), (t.from, t.to));
    }
}
