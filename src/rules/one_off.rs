//! One-off payments (一次性生活补贴 and holiday payments), section 1 of the 2022 notice; policy table
//! `[[one_off]]`.
//!
//! The 2022 notice orders an extra one-off living subsidy; amounts are local, per person or per
//! household, and a person in several groups gets the highest only (Qinghai, paid by
//! 2022-01-10: urban 低保 500, rural 低保 and 特困 400, 优抚 560 per person). Rizhao 2019 paid
//! urban 低保 300 per household but rural 低保 200 per person, so the unit may differ by
//! residence. An item may be limited to named areas (the notice's "severely affected areas")
//! and may cover 低保边缘 and other groups. The household's groups are those of
//! [`super::groups::household_groups`] in the item's pay month. With a members file a per-person
//! item is paid per person: each at the highest amount of their own groups
//! ([`super::groups::person_groups`]), the household the sum.

use super::groups::{Share, highest_shares};
use crate::household::columns::Column;
use crate::household::{Household, Residence};
use crate::money::fmt_money;
use crate::policy::Policy;
use crate::policy::model::{ByResidence, OneOff, Unit, UnitSpec};
use rust_decimal::Decimal;

/// A one-off payment a household qualifies for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    /// the group whose amount was paid (the highest of the household's groups; per person
    /// from a members file, that of the best-paid person)
    pub group: &'static str,
    /// the amount per unit (per person from a members file, the highest paid)
    pub per_unit: Decimal,
    /// persons (`unit = "person"`) or 1 (per household)
    pub units: u32,
    /// per person from a members file: who is paid what, highest first (empty otherwise)
    pub shares: Vec<Share>,
    /// per_unit × units (per person from a members file, the sum of the shares)
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
/// the highest amount among its groups, per person or per household. `persons` holds each
/// person's groups when a members file gives them ([`super::groups::person_groups`]): a
/// per-person item then pays each person at the highest of their own groups.
pub fn award(
    policy: &Policy,
    item: &OneOff,
    h: &Household,
    groups: &[&'static str],
    persons: Option<&[Vec<&'static str>]>,
) -> Outcome {
    if let Some(areas) = &item.areas {
        let area = h.area.and_then(|a| policy.area_key(a));
        if !area.is_some_and(|a| areas.iter().any(|x| x == a)) {
            return Outcome::NotCovered;
        }
    }
    let mut amounts: Vec<(&'static str, Decimal)> = Vec::with_capacity(groups.len());
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
        amounts.push((g, amount));
    }
    let amount_of = |g: &str| amounts.iter().find(|(a, _)| *a == g).map(|(_, x)| *x);
    // Highest only; on a tie the group named first by the household wins.
    let Some(best) = highest_shares([(groups, 1)], amount_of).into_iter().next() else {
        return Outcome::NotCovered;
    };
    let (group, per_unit) = (best.group, best.per_person);
    let unit = match item.unit {
        UnitSpec::Same(u) => u,
        UnitSpec::ByResidence { urban, rural } => match h.residence {
            Some(Residence::Urban) => urban,
            Some(Residence::Rural) => rural,
            None => return Outcome::Undetermined(vec![Column::Residence]),
        },
    };
    if let (Unit::Person, Some(each)) = (unit, persons) {
        let shares = highest_shares(each.iter().map(|g| (g.as_slice(), 1)), amount_of);
        return per_person(item, shares);
    }
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
        shares: Vec::new(),
        amount,
        zh,
        en,
    })
}

/// A per-person item paid person by person (a members file): the sum of the shares.
fn per_person(item: &OneOff, shares: Vec<Share>) -> Outcome {
    let Some(first) = shares.first() else {
        return Outcome::NotCovered;
    };
    let (group, per_unit) = (first.group, first.per_person);
    let units = shares.iter().map(|s| s.persons).sum();
    let amount: Decimal = shares.iter().map(Share::amount).sum();
    let part = |s: &Share, zh: bool| {
        if zh {
            format!(
                "{} 每人 {} 元 × {} 人",
                s.group,
                fmt_money(s.per_person),
                s.persons
            )
        } else {
            format!(
                "{} {} per person × {}",
                s.group,
                fmt_money(s.per_person),
                s.persons
            )
        }
    };
    let list = |zh: bool| {
        shares
            .iter()
            .map(|s| part(s, zh))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let zh = format!(
        "{}：按成员名单逐人按最高标准发放一份，{} = {} 元",
        item.name,
        list(true),
        fmt_money(amount)
    );
    let en = format!(
        "{}: per person from the members file, each once at their highest: {} = {}",
        item.id,
        list(false),
        fmt_money(amount)
    );
    Outcome::Pay(Award {
        group,
        per_unit,
        units,
        shares,
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
        assert_eq!(paid(award(&p, item, &urban, &["dibao"], None)), dec!(1500));
        assert_eq!(paid(award(&p, item, &rural, &["dibao"], None)), dec!(800));
        assert_eq!(paid(award(&p, item, &rural, &["tekun"], None)), dec!(800));
        // 低保 and 优抚 at once: 560 is the highest, paid once per person.
        assert_eq!(
            paid(award(&p, item, &urban, &["dibao", "youfu"], None)),
            dec!(1680)
        );
        assert_eq!(
            paid(award(&p, item, &rural, &["youfu", "dibao"], None)),
            dec!(1120)
        );
        assert_eq!(
            award(&p, item, &urban, &["edge"], None),
            Outcome::NotCovered
        );
        assert_eq!(award(&p, item, &urban, &[], None), Outcome::NotCovered);
    }

    #[test]
    fn members_file_pays_each_person_at_their_highest() {
        let p = policy(QINGHAI);
        let item = &p.file.one_off[0];
        let h = household(Residence::Rural, 3);
        let dibao = vec!["dibao"];
        let youfu = vec!["dibao", "youfu"];
        let persons = [dibao.clone(), youfu, dibao];
        // 560 for the 优抚对象, 400 for each of the other two: 1360, not 3 × 560
        match award(&p, item, &h, &["dibao", "youfu"], Some(&persons)) {
            Outcome::Pay(a) => {
                assert_eq!(a.amount, dec!(1360));
                assert_eq!(a.units, 3);
                assert_eq!((a.group, a.per_unit), ("youfu", dec!(560)));
                assert_eq!(a.shares.len(), 2);
            }
            other => panic!("not paid: {other:?}"),
        }
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
            paid(award(
                &p,
                item,
                &household(Residence::Urban, 4),
                &["dibao"],
                None
            )),
            dec!(300)
        );
        assert_eq!(
            paid(award(
                &p,
                item,
                &household(Residence::Rural, 4),
                &["dibao"],
                None
            )),
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
        assert_eq!(award(&p, item, &h, &["edge"], None), Outcome::NotCovered);
        h.area = Some(1);
        assert_eq!(paid(award(&p, item, &h, &["edge"], None)), dec!(200));
        h.residence = None;
        assert_eq!(paid(award(&p, item, &h, &["edge"], None)), dec!(200));
    }
}
