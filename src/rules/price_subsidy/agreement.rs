//! [`paid_in`] against the ways commands asked for a household's subsidy before it existed
//! (kept here verbatim as the reference): `subsidy` and `compare` (a table, the parameters of
//! the triggered index months), `payouts` (a table, the evaluation it holds), `explain` (one
//! area month computed from scratch, traced) and the single-household computation. Every
//! household of a grid × every pay month × lags 0, 1 and 2 must give the same outcome, amount,
//! groups, shares and steps.

use super::household::{household_subsidy, without_rules};
use super::testkit::*;
use super::*;
use crate::household::{Household, Residence, RowError, Status};
use crate::index::IndexSeries;
use crate::month::Month;
use crate::policy::{MonthParams, Policy};
use crate::rules::{Decision, Evaluation};
use rust_decimal::Decimal;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// `SubsidyTable::household_in` as it was.
fn old_household_in(
    t: &SubsidyTable,
    policy: &Policy,
    params: &BTreeMap<Month, MonthParams>,
    h: &Household,
    index_month: Month,
) -> HouseholdSubsidy {
    old_household_with(t, policy, h, index_month, || {
        params
            .get(&index_month)
            .map(|p| crate::rules::evaluate(policy, p, h, false))
    })
}

/// `SubsidyTable::household_with` as it was.
fn old_household_with<E: Borrow<Evaluation>>(
    t: &SubsidyTable,
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
    let Some(am) = h.area.and_then(|a| t.get(a, index_month)) else {
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
        Some(ev) => old_household(t, policy, h, ev.borrow(), index_month, false),
        None => HouseholdSubsidy::empty(
            index_month,
            index_month.plus(lag),
            HouseholdState::Undetermined,
        ),
    }
}

/// `SubsidyTable::household` as it was.
fn old_household(
    t: &SubsidyTable,
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
    match h.area.and_then(|a| t.get(a, index_month)) {
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

/// `household_subsidy_at` as it was.
fn old_household_subsidy_at(
    policy: &Policy,
    index: &IndexSeries,
    h: &Household,
    ev: &Evaluation,
    index_month: Month,
    trace: bool,
) -> HouseholdSubsidy {
    let lag = policy.file.price_subsidy.as_ref().unwrap().index_lag;
    let Some(area) = h.area else {
        return HouseholdSubsidy::empty(
            index_month,
            index_month.plus(lag),
            HouseholdState::Invalid,
        );
    };
    let am = area_month(policy, index, area, index_month).unwrap();
    household_subsidy(policy, &am, h, ev, trace)
}

/// `explain`'s price subsidy as it was (its errors are not part of the grid).
fn old_explain(
    policy: &Policy,
    index: &IndexSeries,
    h: &Household,
    month: Month,
) -> HouseholdSubsidy {
    let ps = policy.file.price_subsidy.as_ref().unwrap();
    let index_month = month.plus(-ps.index_lag);
    let Some(area) = h.area else {
        return HouseholdSubsidy::empty(index_month, month, HouseholdState::Invalid);
    };
    let am = area_month(policy, index, area, index_month).unwrap();
    if let Some(mut s) = without_rules(&am, h) {
        s.steps = am.status.steps.clone();
        return s;
    }
    let params = policy.month_params(index_month).unwrap();
    let ev = crate::rules::evaluate(policy, &params, h, false);
    household_subsidy(policy, &am, h, &ev, true)
}

/// Households across statuses, categories, sizes, incomes, residences, areas and errors.
fn grid() -> Vec<Household> {
    let mut out = Vec::new();
    let statuses = [Status::Dibao, Status::Tekun, Status::Edge, Status::None];
    let categories = [
        "",
        "youfu",
        "unemployment_subsidy",
        "youfu;unemployment_subsidy",
    ];
    let incomes = [Some(0), Some(300), Some(2500), None];
    let residences = [Some(Residence::Rural), Some(Residence::Urban), None];
    for status in statuses {
        for cats in categories {
            for income in incomes {
                for residence in residences {
                    for members in [Some(3), None] {
                        let mut h = household(status, cats, 1, 0);
                        h.monthly_income = income.map(Decimal::from);
                        h.residence = residence;
                        h.members = members;
                        out.push(h);
                    }
                }
            }
        }
    }
    let mut invalid = household(Status::Dibao, "youfu", 2, 0);
    invalid.errors.push(RowError {
        row: 2,
        column: "members".into(),
        value: "x".into(),
        code: "not_integer",
        zh: String::new(),
        en: String::new(),
    });
    out.push(invalid);
    let mut no_area = household(Status::Dibao, "youfu", 2, 0);
    no_area.area = None;
    out.push(no_area);
    out
}

/// Index months 2022-06..2022-12: triggered (2022-08 CPI 3.0 inside the window, 2022-09 food
/// 8.8), not triggered (2022-06, 2022-12), missing (2022-10), incomplete (2022-11: CPI empty).
const SERIES: &str = "2022-06,2.5,2.0,\n2022-07,2.7,6.3,\n2022-08,3.0,5.9,\n2022-09,2.8,8.8,\n2022-11,,5.0,\n2022-12,1.8,4.8,\n";

#[test]
fn paid_in_agrees_with_every_former_way_of_asking() {
    let idx = series(SERIES);
    let households = grid();
    let (from, to) = (m("2022-06"), m("2022-12"));
    let mut compared = 0;
    for lag in [0, 1, 2] {
        let p = policy(
            "914",
            "439",
            &WINDOW.replace("index_lag = 1", &format!("index_lag = {lag}")),
        );
        let t = SubsidyTable::build(&p, &idx, from, to).unwrap();
        let params = t.triggered_params(&p).unwrap();
        let none = BTreeMap::new();
        assert_eq!(t.pay_month(from), from.plus(lag));
        for h in &households {
            // pay months of the table, and one before and one after it (outside: invalid)
            for im in from.plus(-1).through(to.plus(1)) {
                let pay = im.plus(lag);
                assert_eq!(t.index_month(pay), im);
                let in_table = im >= from && im <= to;
                // subsidy, compare: the parameters of the triggered months
                let new = paid_in(&t, &p, h, evaluated_in(&p, &params, h), pay, false);
                let old = old_household_in(&t, &p, &params, h, im);
                assert_eq!(
                    format!("{new:?}"),
                    format!("{old:?}"),
                    "lag {lag} {im} {h:?}"
                );
                // no parameters held: undetermined where the household's rules decide
                let new = paid_in(&t, &p, h, evaluated_in(&p, &none, h), pay, false);
                let old = old_household_in(&t, &p, &none, h, im);
                assert_eq!(
                    format!("{new:?}"),
                    format!("{old:?}"),
                    "lag {lag} {im} {h:?}"
                );
                // payouts: the evaluation the command holds
                let ev = p
                    .month_params(im)
                    .map(|mp| crate::rules::evaluate(&p, &mp, h, false))
                    .unwrap();
                let new = paid_in(&t, &p, h, |_| Some(&ev), pay, false);
                let old = old_household_with(&t, &p, h, im, || Some(&ev));
                assert_eq!(
                    format!("{new:?}"),
                    format!("{old:?}"),
                    "lag {lag} {im} {h:?}"
                );
                if !in_table {
                    assert_eq!(new.state, HouseholdState::Invalid);
                    continue;
                }
                // a triggered month with the evaluation at hand, untraced and traced
                if h.area.is_some() && t.get(0, im).unwrap().status.state == MonthState::Triggered {
                    let old = old_household(&t, &p, h, &ev, im, false);
                    assert_eq!(
                        format!("{new:?}"),
                        format!("{old:?}"),
                        "lag {lag} {im} {h:?}"
                    );
                }
                let traced = paid_in(&t, &p, h, |_| Some(&ev), pay, true);
                let old = old_household_subsidy_at(&p, &idx, h, &ev, im, true);
                assert_eq!(
                    format!("{traced:?}"),
                    format!("{old:?}"),
                    "lag {lag} {im} {h:?}"
                );
                // explain: one household's table, traced
                let one = SubsidyTable::for_household(&p, &idx, h, pay).unwrap();
                let new = paid_in(
                    &one,
                    &p,
                    h,
                    |m| {
                        p.month_params(m)
                            .ok()
                            .map(|mp| crate::rules::evaluate(&p, &mp, h, false))
                    },
                    pay,
                    true,
                );
                let old = old_explain(&p, &idx, h, pay);
                assert_eq!(
                    format!("{new:?}"),
                    format!("{old:?}"),
                    "lag {lag} {im} {h:?}"
                );
                compared += 1;
            }
        }
    }
    // every state is reached by the grid
    assert!(compared > 3000, "{compared}");
}

#[test]
fn the_grid_reaches_every_outcome() {
    let idx = series(SERIES);
    let p = policy("914", "439", WINDOW);
    let t = SubsidyTable::build(&p, &idx, m("2022-06"), m("2022-12")).unwrap();
    let params = t.triggered_params(&p).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for h in grid() {
        for im in t.index_months() {
            let s = paid_in(
                &t,
                &p,
                &h,
                evaluated_in(&p, &params, &h),
                t.pay_month(im),
                false,
            );
            seen.insert(s.state);
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        HouseholdState::ALL.to_vec()
    );
}
