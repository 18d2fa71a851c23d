//! Policies, series and households the unit tests of the price subsidy share.

use super::*;
use crate::household::{Household, Residence, Status};
use crate::index::IndexSeries;
use crate::month::Month;
use rust_decimal::Decimal;

pub(super) fn m(s: &str) -> Month {
    s.parse().unwrap()
}

/// A policy with one standard (urban `u`, rural `r`), the given `[price_subsidy]` body.
pub(super) fn policy(u: &str, r: &str, body: &str) -> Policy {
    let text = format!(
        "[policy]\nname = \"t\"\n[[dibao.standard]]\nfrom = \"2016-01\"\nurban = {u}\nrural = {r}\n{body}"
    );
    Policy::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn series(rows: &str) -> IndexSeries {
    IndexSeries::parse(&format!("month,cpi,food,scpi\n{rows}"), "i.csv").unwrap()
}

pub(super) fn per_person(p: &Policy, idx: &IndexSeries, month: &str, basis: Residence) -> Decimal {
    let am = area_month(p, idx, 0, m(month)).unwrap();
    am.on(basis).map(|a| a.amount).unwrap_or_default()
}

pub(super) const JIANGSU: &str = r#"
[price_subsidy]
index_lag = 1
[[price_subsidy.trigger]]
from = "2016-01"
cpi = 3.0
[[price_subsidy.formula]]
from = "2016-01"
mode = "band_share"
index = "cpi"
bands = [{ at = 3.0, share = "1/12" }, { at = 5.0, share = "1/8" }]
[price_subsidy.groups]
dibao = "own"
"#;

pub(super) const RIZHAO: &str = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "proportional"
index = "scpi"
round = "yuan"
[price_subsidy.groups]
dibao = "own"
tekun = "own"
"#;

pub(super) const GUANGZHOU: &str = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.formula]]
from = "2020-06"
until = "2020-06"
mode = "fixed"
amounts = { urban = 107, rural = 107 }
multiplier = 2
[[price_subsidy.formula]]
from = "2020-07"
mode = "fixed"
amounts = { urban = 107, rural = 107 }
[price_subsidy.groups]
dibao = "own"
"#;

pub(super) const WINDOW: &str = r#"
[price_subsidy]
index_lag = 1
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.trigger]]
from = "2022-08"
until = "2023-02"
cpi = 3.0
food = 6.0
extra_groups = ["unemployment_subsidy", "edge"]
[[price_subsidy.formula]]
from = "2016-08"
mode = "proportional"
round = "yuan"
floor = 10
[price_subsidy.groups]
dibao = "own"
youfu = "urban"
edge = "own"
unemployment_subsidy = "urban"
"#;

pub(super) fn household(status: Status, categories: &str, members: u32, income: i64) -> Household {
    Household {
        row: 2,
        id: "H1".into(),
        region: "x".into(),
        area: Some(0),
        residence: Some(Residence::Rural),
        members: Some(members),
        monthly_income: Some(Decimal::from(income)),
        status,
        categories: crate::household::Categories::parse(categories).unwrap(),
        ..Household::default()
    }
}

pub(super) fn subsidy(
    p: &Policy,
    idx: &IndexSeries,
    h: &Household,
    month: &str,
) -> HouseholdSubsidy {
    let params = p.month_params(m(month)).unwrap();
    let ev = crate::rules::evaluate(p, &params, h, false);
    let t = SubsidyTable::build(p, idx, m(month), m(month)).unwrap();
    paid_in(&t, p, h, |_| Some(ev), t.pay_month(m(month)), true)
}

pub(super) fn tenth(n: i64) -> Decimal {
    Decimal::new(n, 1)
}
