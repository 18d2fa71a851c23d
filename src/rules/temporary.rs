//! 临时救助 (temporary assistance): 民发〔2020〕69号 and the 2022 notice; policy table `[temporary]`.
//!
//! Each kind is one clause, judged for one household in one month from the roster's data:
//! - `unemployed_uninsured` — 民发〔2020〕69号 (repeated by the 2022 notice): at least
//!   `min_months_without_income` consecutive months without income, not covered by
//!   unemployment insurance, not in 低保 (status none or edge). Two months is not enough where
//!   the policy says three.
//! - `pandemic` — 低保/特困/poverty-alleviated households with a COVID patient or a quarantined
//!   member are assisted directly, without a new means test; status none or edge alone never
//!   qualifies.
//! - `stranded` — people stranded away from their hukou are helped by the place where the
//!   emergency happens, whatever their enrolment.
//! - `graduate` — unemployed graduates in hardship (category `graduate`).
//!
//! Amounts are fixed or a multiple of the urban, rural or own monthly 低保 standard in force in
//! the pay month, per person or per household, then bounded by `minimum` and `cap` (Anhui: at
//! least 2×, at most 10×; Shandong: at most 3 × the urban standard).

use crate::household::columns::Column;
use crate::household::{Household, Pandemic, Residence, Status};
use crate::money::{fmt_money, fmt_plain};
use crate::policy::model::{AmountSpec, Base, TemporaryItem, Unit};
use crate::policy::{AreaParams, Param, Policy};
use rust_decimal::Decimal;

/// The kinds of temporary assistance (`[temporary.<kind>]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// 失业未参保人员 (民发〔2020〕69号)
    UnemployedUninsured,
    /// 疫情患者或隔离人员所在困难家庭
    Pandemic,
    /// 因疫情滞留人员
    Stranded,
    /// 未就业困难大学生
    Graduate,
}

impl Kind {
    /// Every kind, in output order.
    pub const ALL: [Kind; 4] = [
        Kind::UnemployedUninsured,
        Kind::Pandemic,
        Kind::Stranded,
        Kind::Graduate,
    ];

    /// The policy key and the `temporary:<kind>` item name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::UnemployedUninsured => "unemployed_uninsured",
            Kind::Pandemic => "pandemic",
            Kind::Stranded => "stranded",
            Kind::Graduate => "graduate",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Kind::UnemployedUninsured => "失业未参保人员临时救助",
            Kind::Pandemic => "疫情困难家庭临时救助",
            Kind::Stranded => "滞留人员临时救助",
            Kind::Graduate => "未就业困难大学生临时救助",
        }
    }

    /// The policy's entry for this kind, if it has one.
    pub fn item(self, policy: &Policy) -> Option<&TemporaryItem> {
        let t = policy.file.temporary.as_ref()?;
        match self {
            Kind::UnemployedUninsured => t.unemployed_uninsured.as_ref(),
            Kind::Pandemic => t.pandemic.as_ref(),
            Kind::Stranded => t.stranded.as_ref(),
            Kind::Graduate => t.graduate.as_ref(),
        }
    }
}

/// An amount of the policy resolved for a household and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// the amount
    pub value: Decimal,
    /// how it was formed, e.g. "3 × 城市低保标准 914.00"
    pub zh: String,
    /// the same in English
    pub en: String,
    /// the standard it is a multiple of, when it is one
    pub standard: Option<Param>,
}

/// Resolves a fixed amount or a multiple of a monthly standard (`{ multiple = 3, of = "urban" }`)
/// with the standards in force in `area`'s month. `residence` is needed only for `of = "own"`.
pub fn amount_of(
    spec: &AmountSpec,
    area: &AreaParams,
    residence: Option<Residence>,
) -> Result<Resolved, Vec<Column>> {
    match spec {
        AmountSpec::Fixed(n) => Ok(Resolved {
            value: n.0,
            zh: format!("{} 元", fmt_money(n.0)),
            en: fmt_money(n.0),
            standard: None,
        }),
        AmountSpec::Multiple { multiple, of } => {
            let res = match of {
                Base::Urban => Residence::Urban,
                Base::Rural => Residence::Rural,
                Base::Own => residence.ok_or_else(|| vec![Column::Residence])?,
            };
            let standard = area.standard(res);
            let value = multiple.apply(standard.value);
            Ok(Resolved {
                value,
                zh: format!(
                    "{multiple} × {}低保标准 {} = {}",
                    res.zh(),
                    fmt_money(standard.value),
                    fmt_plain(value)
                ),
                en: format!(
                    "{multiple} × {} standard {} = {}",
                    res.name(),
                    fmt_money(standard.value),
                    fmt_plain(value)
                ),
                standard: Some(standard.clone()),
            })
        }
    }
}

/// A temporary-assistance payment a household qualifies for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    /// the kind
    pub kind: Kind,
    /// the household amount, after unit, minimum and cap
    pub amount: Decimal,
    /// how it was formed, in Chinese
    pub zh: String,
    /// how it was formed, in English
    pub en: String,
}

/// What a temporary-assistance rule finds for a household in a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// the rule does not apply; the reason code says why (`not_applied`, `enrolled`, ...)
    NotApplicable(&'static str),
    /// the rule applies only if these empty columns say so: listed, not paid
    Undetermined(Vec<Column>),
    /// the household qualifies
    Pay(Award),
}

/// Judges one kind for a household in the month of `area`. `groups` are the household's groups
/// that month ([`super::groups::household_groups`]): a household the rules send to review has
/// lost its 低保 group, and with it the direct pandemic assistance.
pub fn judge(
    policy: &Policy,
    kind: Kind,
    area: &AreaParams,
    h: &Household,
    groups: &[&str],
) -> Outcome {
    let Some(item) = kind.item(policy) else {
        return Outcome::NotApplicable("not_in_policy");
    };
    if let Some(reason) = ineligible(kind, item, h, groups) {
        return reason;
    }
    match award(kind, item, area, h) {
        Ok(a) => Outcome::Pay(a),
        Err(missing) => Outcome::Undetermined(missing),
    }
}

/// The clause of each kind: `Some` when the household does not qualify (or cannot be judged).
fn ineligible(kind: Kind, item: &TemporaryItem, h: &Household, groups: &[&str]) -> Option<Outcome> {
    let no = |r| Some(Outcome::NotApplicable(r));
    match kind {
        Kind::UnemployedUninsured => {
            // An empty cell means the household has not applied under this rule.
            let Some(months) = h.months_without_income else {
                return no("not_applied");
            };
            let Some(min) = item.min_months_without_income else {
                return no("not_in_policy");
            };
            if !matches!(h.status, Status::None | Status::Edge) {
                return no("enrolled");
            }
            if months < min {
                return no("months_without_income_below_minimum");
            }
            match h.unemployment_insured {
                None => Some(Outcome::Undetermined(vec![Column::UnemploymentInsured])),
                Some(true) => no("unemployment_insured"),
                Some(false) => None,
            }
        }
        Kind::Pandemic => {
            if !matches!(h.pandemic, Pandemic::Patient | Pandemic::Quarantine) {
                return no("no_patient_or_quarantine");
            }
            let covered = groups
                .iter()
                .any(|g| matches!(*g, "dibao" | "tekun" | "poverty_alleviated"));
            if covered {
                None
            } else {
                no("not_dibao_tekun_or_poverty_alleviated")
            }
        }
        Kind::Stranded => {
            (h.pandemic != Pandemic::Stranded).then_some(Outcome::NotApplicable("not_stranded"))
        }
        Kind::Graduate => {
            (!h.categories.has("graduate")).then_some(Outcome::NotApplicable("not_graduate"))
        }
    }
}

/// The amount: per unit (fixed or a multiple of a standard), rounded by the item's `round`,
/// × members for `unit = "person"`, then raised to `minimum` and lowered to `cap`.
fn award(
    kind: Kind,
    item: &TemporaryItem,
    area: &AreaParams,
    h: &Household,
) -> Result<Award, Vec<Column>> {
    let base = amount_of(&item.amount, area, h.residence)?;
    let per_unit = item.round.unwrap_or_default().apply(base.value);
    let (units, unit_zh, unit_en) = match item.unit {
        Unit::Household => (1, "每户".to_string(), "per household".to_string()),
        Unit::Person => {
            let m = h.members.ok_or_else(|| vec![Column::Members])?;
            (m, format!("× {m} 人"), format!("× {m} person(s)"))
        }
    };
    let mut amount = per_unit * Decimal::from(units);
    let mut zh = format!("{}：{} {unit_zh}", kind.zh(), base.zh);
    let mut en = format!("{}: {} {unit_en}", kind.name(), base.en);
    if let Some(min) = &item.minimum {
        let m = amount_of(min, area, h.residence)?;
        if amount < m.value {
            amount = m.value;
            zh.push_str(&format!("，不低于下限 {}", m.zh));
            en.push_str(&format!(", raised to the minimum {}", m.en));
        }
    }
    if let Some(cap) = &item.cap {
        let c = amount_of(cap, area, h.residence)?;
        if amount > c.value {
            amount = c.value;
            zh.push_str(&format!("，不超过上限 {}", c.zh));
            en.push_str(&format!(", capped at {}", c.en));
        }
    }
    zh.push_str(&format!("，合计 {} 元", fmt_money(amount)));
    en.push_str(&format!(", total {}", fmt_money(amount)));
    Ok(Award {
        kind,
        amount,
        zh,
        en,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::Categories;
    use rust_decimal::dec;

    fn policy(temporary: &str) -> Policy {
        crate::rules::fixtures::policy_with_areas(&[("city", "1")], "2022-01", 914, 439, temporary)
    }

    fn household() -> Household {
        Household {
            id: "H".into(),
            area: Some(0),
            residence: Some(Residence::Urban),
            members: Some(3),
            monthly_income: Some(Decimal::ZERO),
            ..Household::default()
        }
    }

    fn judge_at(p: &Policy, kind: Kind, h: &Household, groups: &[&str]) -> Outcome {
        let params = p.month_params("2022-05".parse().unwrap()).unwrap();
        judge(p, kind, &params.areas[0], h, groups)
    }

    fn paid(o: Outcome) -> Decimal {
        match o {
            Outcome::Pay(a) => a.amount,
            other => panic!("not paid: {other:?}"),
        }
    }

    const UU: &str = r#"
[temporary.unemployed_uninsured]
min_months_without_income = 3
amount = { multiple = 3, of = "urban" }
"#;

    #[test]
    fn three_months_without_income_is_enough_two_is_not() {
        let p = policy(UU);
        let mut h = household();
        h.unemployment_insured = Some(false);
        h.months_without_income = Some(3);
        // Shandong: at most 3 × the monthly urban standard: 3 × 914 = 2742.
        assert_eq!(
            paid(judge_at(&p, Kind::UnemployedUninsured, &h, &[])),
            dec!(2742)
        );
        h.months_without_income = Some(2);
        assert_eq!(
            judge_at(&p, Kind::UnemployedUninsured, &h, &[]),
            Outcome::NotApplicable("months_without_income_below_minimum")
        );
    }

    #[test]
    fn unemployed_uninsured_reads_empty_cells_as_the_spec_settles() {
        let p = policy(UU);
        let mut h = household();
        // empty months_without_income: not applied
        assert_eq!(
            judge_at(&p, Kind::UnemployedUninsured, &h, &[]),
            Outcome::NotApplicable("not_applied")
        );
        h.months_without_income = Some(4);
        assert_eq!(
            judge_at(&p, Kind::UnemployedUninsured, &h, &[]),
            Outcome::Undetermined(vec![Column::UnemploymentInsured])
        );
        h.unemployment_insured = Some(true);
        assert_eq!(
            judge_at(&p, Kind::UnemployedUninsured, &h, &[]),
            Outcome::NotApplicable("unemployment_insured")
        );
        h.unemployment_insured = Some(false);
        h.status = Status::Dibao;
        assert_eq!(
            judge_at(&p, Kind::UnemployedUninsured, &h, &["dibao"]),
            Outcome::NotApplicable("enrolled")
        );
        h.status = Status::Edge;
        assert!(matches!(
            judge_at(&p, Kind::UnemployedUninsured, &h, &["edge"]),
            Outcome::Pay(_)
        ));
    }

    #[test]
    fn pandemic_pays_enrolled_and_poverty_alleviated_never_none_or_edge() {
        let p = policy(
            r#"
[temporary.pandemic]
amount = { multiple = 1, of = "own" }
"#,
        );
        let mut h = household();
        h.pandemic = Pandemic::Quarantine;
        h.residence = Some(Residence::Rural);
        assert_eq!(
            paid(judge_at(&p, Kind::Pandemic, &h, &["dibao"])),
            dec!(439)
        );
        assert_eq!(
            paid(judge_at(&p, Kind::Pandemic, &h, &["tekun"])),
            dec!(439)
        );
        assert_eq!(
            paid(judge_at(&p, Kind::Pandemic, &h, &["poverty_alleviated"])),
            dec!(439)
        );
        assert!(matches!(
            judge_at(&p, Kind::Pandemic, &h, &["edge"]),
            Outcome::NotApplicable(_)
        ));
        assert!(matches!(
            judge_at(&p, Kind::Pandemic, &h, &[]),
            Outcome::NotApplicable(_)
        ));
        h.pandemic = Pandemic::Stranded;
        assert!(matches!(
            judge_at(&p, Kind::Pandemic, &h, &["dibao"]),
            Outcome::NotApplicable(_)
        ));
    }

    #[test]
    fn stranded_is_paid_whatever_the_enrolment_and_graduate_by_category() {
        let p = policy(
            r#"
[temporary.stranded]
amount = 500
[temporary.graduate]
amount = { multiple = 2, of = "urban" }
unit = "person"
cap = 2000
"#,
        );
        let mut h = household();
        h.pandemic = Pandemic::Stranded;
        for s in [Status::None, Status::Edge, Status::Dibao, Status::Tekun] {
            h.status = s;
            assert_eq!(paid(judge_at(&p, Kind::Stranded, &h, &[])), dec!(500));
        }
        assert!(matches!(
            judge_at(&p, Kind::Graduate, &h, &[]),
            Outcome::NotApplicable("not_graduate")
        ));
        h.categories = Categories::parse("graduate").unwrap();
        // 2 × 914 × 3 persons = 5484, capped at 2000.
        assert_eq!(paid(judge_at(&p, Kind::Graduate, &h, &[])), dec!(2000));
        h.members = Some(1);
        assert_eq!(paid(judge_at(&p, Kind::Graduate, &h, &[])), dec!(1828));
    }

    #[test]
    fn minimum_raises_and_person_unit_multiplies() {
        let p = policy(
            r#"
[temporary.stranded]
amount = { multiple = "1/3", of = "rural" }
unit = "person"
round = "yuan"
minimum = { multiple = 2, of = "urban" }
"#,
        );
        let mut h = household();
        h.pandemic = Pandemic::Stranded;
        // 439 / 3 = 146.33 → 146 × 3 = 438, raised to the minimum 2 × 914 = 1828.
        assert_eq!(paid(judge_at(&p, Kind::Stranded, &h, &[])), dec!(1828));
        h.members = None;
        assert_eq!(
            judge_at(&p, Kind::Stranded, &h, &[]),
            Outcome::Undetermined(vec![Column::Members])
        );
    }
}
