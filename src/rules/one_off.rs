//! One-off payments (一次性生活补贴 and holiday payments): DOMAIN.md §7, SPEC.md `[[one_off]]`.
//!
//! The 2022 notice orders an extra one-off living subsidy; amounts are local, per person or per
//! household, and a person in several groups gets the highest only (Qinghai, paid by
//! 2022-01-10: urban 低保 500, rural 低保 and 特困 400, 优抚 560 per person). Rizhao 2019 paid
//! urban 低保 300 per household but rural 低保 200 per person, so the unit may differ by
//! residence. An item may be limited to named areas (the notice's "severely affected areas")
//! and may cover 低保边缘 and other groups. The household's groups are those of
//! [`super::groups::household_groups`] in the item's pay month.

use crate::household::columns::Column;
use crate::household::{Household, Residence};
use crate::money::fmt_money;
use crate::policy::Policy;
use crate::policy::model::{ByResidence, OneOff, Unit, UnitSpec};
use rust_decimal::Decimal;

/// A one-off payment a household qualifies for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    /// the group whose amount was paid (the highest of the household's groups)
    pub group: &'static str,
    /// the amount per unit
    pub per_unit: Decimal,
    /// persons (`unit = "person"`) or 1 (per household)
    pub units: u32,
    /// per_unit × units
    pub amount: Decimal,
    /// how it was formed, in Chinese
    pub zh: String,
    /// how it was formed, in English
    pub en: String,
}

/// What a one-off item finds for a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// outside the item's areas, or in none of its groups (or only in groups paid 0)
    NotCovered,
    /// an amount or unit depends on an empty column
    Undetermined(Vec<Column>),
    /// paid
    Pay(Award),
}

/// Judges a one-off item for a household whose groups (in the pay month) are `groups`:
/// the highest amount among its groups, per person or per household.
pub fn award(policy: &Policy, item: &OneOff, h: &Household, groups: &[&'static str]) -> Outcome {
    if let Some(areas) = &item.areas {
        let area = h.area.and_then(|a| policy.area_key(a));
        if !area.is_some_and(|a| areas.iter().any(|x| x == a)) {
            return Outcome::NotCovered;
        }
    }
    let mut best: Option<(&'static str, Decimal)> = None;
    for g in groups {
        let Some(spec) = item.amounts.get(*g) else {
            continue;
        };
        let amount = match spec {
            ByResidence::Same(n) => n.0,
            ByResidence::Split { urban, rural } => match h.residence {
                Some(Residence::Urban) => urban.0,
                Some(Residence::Rural) => rural.0,
                None => return Outcome::Undetermined(vec![Column::Residence]),
            },
        };
        // Highest only; on a tie the group named first by the household wins.
        if best.is_none_or(|(_, b)| amount > b) {
            best = Some((g, amount));
        }
    }
    let Some((group, per_unit)) = best.filter(|(_, a)| *a > Decimal::ZERO) else {
        return Outcome::NotCovered;
    };
    let unit = match item.unit {
        UnitSpec::Same(u) => u,
        UnitSpec::ByResidence { urban, rural } => match h.residence {
            Some(Residence::Urban) => urban,
            Some(Residence::Rural) => rural,
            None => return Outcome::Undetermined(vec![Column::Residence]),
        },
    };
    let units = match unit {
        Unit::Household => 1,
        Unit::Person => match h.members {
            Some(m) => m,
            None => return Outcome::Undetermined(vec![Column::Members]),
        },
    };
    let amount = per_unit * Decimal::from(units);
    let (zh, en) = match unit {
        Unit::Household => (
            format!("{}：{group} 每户 {} 元", item.name, fmt_money(per_unit)),
            format!("{}: {group} {} per household", item.id, fmt_money(per_unit)),
        ),
        Unit::Person => (
            format!(
                "{}：{group} 每人 {} 元 × {units} 人 = {} 元",
                item.name,
                fmt_money(per_unit),
                fmt_money(amount)
            ),
            format!(
                "{}: {group} {} per person × {units} = {}",
                item.id,
                fmt_money(per_unit),
                fmt_money(amount)
            ),
        ),
    };
    Outcome::Pay(Award {
        group,
        per_unit,
        units,
        amount,
        zh,
        en,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn policy(one_off: &str) -> Policy {
        crate::rules::fixtures::policy_with_areas(
            &[("city", "1"), ("county", "2")],
            "2019-01",
            590,
            470,
            one_off,
        )
    }

    fn household(residence: Residence, members: u32) -> Household {
        Household {
            id: "H".into(),
            area: Some(0),
            residence: Some(residence),
            members: Some(members),
            ..Household::default()
        }
    }

    fn paid(o: Outcome) -> Decimal {
        match o {
            Outcome::Pay(a) => a.amount,
            other => panic!("not paid: {other:?}"),
        }
    }

    const QINGHAI: &str = r#"
[[one_off]]
id = "qh-2022"
name = "一次性生活补贴"
pay_month = "2022-01"
unit = "person"
amounts = { dibao = { urban = 500, rural = 400 }, tekun = 400, youfu = 560 }
"#;

    #[test]
    fn qinghai_per_person_highest_group_only() {
        let p = policy(QINGHAI);
        let item = &p.file.one_off[0];
        let urban = household(Residence::Urban, 3);
        let rural = household(Residence::Rural, 2);
        assert_eq!(paid(award(&p, item, &urban, &["dibao"])), dec!(1500));
        assert_eq!(paid(award(&p, item, &rural, &["dibao"])), dec!(800));
        assert_eq!(paid(award(&p, item, &rural, &["tekun"])), dec!(800));
        // 低保 and 优抚 at once: 560 is the highest, paid once per person.
        assert_eq!(
            paid(award(&p, item, &urban, &["dibao", "youfu"])),
            dec!(1680)
        );
        assert_eq!(
            paid(award(&p, item, &rural, &["youfu", "dibao"])),
            dec!(1120)
        );
        assert_eq!(award(&p, item, &urban, &["edge"]), Outcome::NotCovered);
        assert_eq!(award(&p, item, &urban, &[]), Outcome::NotCovered);
    }

    #[test]
    fn rizhao_units_differ_by_residence() {
        let p = policy(
            r#"
[[one_off]]
id = "rz-2019"
name = "一次性生活补贴"
pay_month = "2019-09"
unit = { urban = "household", rural = "person" }
amounts = { dibao = { urban = 300, rural = 200 } }
"#,
        );
        let item = &p.file.one_off[0];
        assert_eq!(
            paid(award(&p, item, &household(Residence::Urban, 4), &["dibao"])),
            dec!(300)
        );
        assert_eq!(
            paid(award(&p, item, &household(Residence::Rural, 4), &["dibao"])),
            dec!(800)
        );
    }

    #[test]
    fn areas_limit_the_item() {
        let p = policy(
            r#"
[[one_off]]
id = "hard-hit"
name = "重灾区一次性补贴"
pay_month = "2022-06"
areas = ["county"]
amounts = { edge = 200 }
"#,
        );
        let item = &p.file.one_off[0];
        let mut h = household(Residence::Urban, 2);
        assert_eq!(award(&p, item, &h, &["edge"]), Outcome::NotCovered);
        h.area = Some(1);
        assert_eq!(paid(award(&p, item, &h, &["edge"])), dec!(200));
        h.residence = None;
        assert_eq!(paid(award(&p, item, &h, &["edge"])), dec!(200));
    }
}
