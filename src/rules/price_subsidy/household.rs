//! One household's subsidy: its groups, the highest covered amount per person, its persons.

use super::*;
use crate::household::columns::Column;
use crate::household::{Household, Residence, Status};
use crate::money::fmt_money;
use crate::month::Month;
use crate::policy::Policy;
use crate::rules::groups::{Share, highest_shares, household_groups, person_groups};
use crate::rules::{Decision, Evaluation, Step, Trace};
use rust_decimal::Decimal;
use std::borrow::Borrow;

/// What household `h` is paid in `pay_month`: the one way to ask for a household's price
/// subsidy.
///
/// The index month is `pay_month − index_lag` (the table's); the trigger, the formula, the 低保
/// standard and the household's groups are those of the index month. `evaluation` gives the
/// household's evaluation under the index month's rules: it is called with the index month, and
/// only when the outcome depends on it (a triggered month in the household's area); `None`
/// there leaves the household [`HouseholdState::Undetermined`]. A household whose region is in
/// no area of the table (or a month outside it) is [`HouseholdState::Invalid`]. With `trace`
/// the outcome carries the computation's steps, for `explain`.
pub fn paid_in<E: Borrow<Evaluation>>(
    table: &SubsidyTable,
    policy: &Policy,
    h: &Household,
    evaluation: impl FnOnce(Month) -> Option<E>,
    pay_month: Month,
    trace: bool,
) -> HouseholdSubsidy {
    let index_month = table.index_month(pay_month);
    let Some(am) = h.area.and_then(|a| table.get(a, index_month)) else {
        return HouseholdSubsidy::empty(index_month, pay_month, HouseholdState::Invalid);
    };
    if let Some(mut s) = without_rules(am, h) {
        if trace {
            s.steps = am.status.steps.clone();
        }
        return s;
    }
    match evaluation(index_month) {
        Some(ev) => household_subsidy(policy, am, h, ev.borrow(), trace),
        None => HouseholdSubsidy::empty(index_month, pay_month, HouseholdState::Undetermined),
    }
}

/// What a household gets for an index month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HouseholdState {
    /// triggered and at least one of its groups covered: `amount` is paid
    Paid,
    /// the month is not triggered: nothing is paid
    NotTriggered,
    /// triggered, but none of its groups is covered
    NotCovered,
    /// the index month has no row, or a value it needs is empty: undetermined
    MissingIndex,
    /// a roster value the subsidy needs is empty (the columns are in `missing`)
    Undetermined,
    /// the roster row has unreadable cells
    Invalid,
}

impl HouseholdState {
    /// Every state, in summary order.
    pub const ALL: [HouseholdState; 6] = [
        HouseholdState::Paid,
        HouseholdState::NotTriggered,
        HouseholdState::NotCovered,
        HouseholdState::MissingIndex,
        HouseholdState::Undetermined,
        HouseholdState::Invalid,
    ];

    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            HouseholdState::Paid => "paid",
            HouseholdState::NotTriggered => "not_triggered",
            HouseholdState::NotCovered => "not_covered",
            HouseholdState::MissingIndex => "missing_index",
            HouseholdState::Undetermined => "undetermined",
            HouseholdState::Invalid => "invalid",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            HouseholdState::Paid => "发放",
            HouseholdState::NotTriggered => "未启动",
            HouseholdState::NotCovered => "不在保障范围",
            HouseholdState::MissingIndex => "缺指数，待定",
            HouseholdState::Undetermined => "缺数据，待定",
            HouseholdState::Invalid => "无效行",
        }
    }

    /// Whether the amount is decided (exit code 0).
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            HouseholdState::Paid | HouseholdState::NotTriggered | HouseholdState::NotCovered
        )
    }
}

/// One household's price subsidy for one index month.
#[derive(Debug, Clone)]
pub struct HouseholdSubsidy {
    /// the index month
    pub index_month: Month,
    /// the month it is paid
    pub pay_month: Month,
    /// the outcome
    pub state: HouseholdState,
    /// the household's groups (status and categories, after the means test)
    pub groups: Vec<&'static str>,
    /// the groups the month covers, with their per-person amounts
    pub covered: Vec<(&'static str, Decimal)>,
    /// the group whose amount is paid (the highest; the first of equals); with a members file
    /// the group of the best-paid person
    pub group: Option<&'static str>,
    /// persons paid (`members`; with a members file, the persons in a covered group)
    pub persons: Option<u32>,
    /// per person paid; with a members file whose persons are paid different amounts, the
    /// highest of them (`shares` has each)
    pub per_person: Decimal,
    /// who is paid what: one share (every member at the household's highest group) without a
    /// members file; with one, a share per group and amount paid, highest first
    pub shares: Vec<Share>,
    /// the household's amount: the sum of the shares (per person × persons)
    pub amount: Decimal,
    /// roster columns the subsidy needed and found empty
    pub missing: Vec<Column>,
    /// the computation (month, formula, groups, dedupe, household), when traced
    pub steps: Vec<Step>,
}

impl HouseholdSubsidy {
    /// An outcome with nothing paid (invalid, undetermined, not triggered).
    pub fn empty(index_month: Month, pay_month: Month, state: HouseholdState) -> HouseholdSubsidy {
        HouseholdSubsidy {
            index_month,
            pay_month,
            state,
            groups: Vec::new(),
            covered: Vec::new(),
            group: None,
            persons: None,
            per_person: Decimal::ZERO,
            shares: Vec::new(),
            amount: Decimal::ZERO,
            missing: Vec::new(),
            steps: Vec::new(),
        }
    }
}

/// One household's subsidy for the index month of `am`, which must be the household's area
/// ([`paid_in`] finds it). `ev` is [`rules::evaluate`](super::evaluate) for the
/// *index* month, so an enrolled household the rules find ineligible (to review) loses the 低保
/// group and one in its gradual exit keeps it.
///
/// The household's groups are its status plus its categories ([`household_groups`]), each of
/// its `members` in every group; a person in several covered groups is paid once, at the
/// highest amount (`dedupe = "highest"`); the household is paid that × persons. With a members
/// file each person is in the status group plus their own categories
/// ([`person_groups`]) and is paid at their own highest; the household is paid the sum.
pub(super) fn household_subsidy(
    policy: &Policy,
    am: &AreaMonth,
    h: &Household,
    ev: &Evaluation,
    trace: bool,
) -> HouseholdSubsidy {
    let status = &am.status;
    let mut tr = Trace::new(trace);
    if trace {
        tr.steps.extend(status.steps.iter().cloned());
    }
    let finish = |mut out: HouseholdSubsidy, tr: Trace| {
        out.steps = tr.steps;
        out
    };
    let mut out = HouseholdSubsidy::empty(
        status.index_month,
        status.pay_month,
        HouseholdState::Invalid,
    );
    if ev.decision == Decision::Invalid {
        return finish(out, tr);
    }
    if let Some(decided) = without_rules(am, h) {
        return finish(decided, tr);
    }
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        return finish(out, tr);
    };
    if trace {
        for basis in [Residence::Urban, Residence::Rural] {
            let wanted = h.residence == Some(basis)
                || ps
                    .groups
                    .values()
                    .any(|b| basis_of(*b, None) == Some(basis));
            if let Some(p) = am.on(basis).filter(|_| wanted) {
                tr.steps.extend(p.steps.iter().cloned());
            }
        }
    }
    out.groups = household_groups(h, ev);
    // Whether an enrolled 低保 household is still in the 低保 group depends on its means test:
    // with the test undetermined, so is the subsidy (missing is not zero).
    if h.status == Status::Dibao
        && ev.decision == Decision::Undetermined
        && covers(ps, &status.trigger, "dibao").is_some()
    {
        out.state = HouseholdState::Undetermined;
        out.missing = ev.missing.clone();
        tr.step("price_subsidy.groups", &[], || {
            (
                "在保低保户的收入核算缺少数据，无法确定其是否仍属低保对象：价格临时补贴待定".into(),
                "the means test of this enrolled 低保 household is undetermined, so is its 低保 group: subsidy undetermined".into(),
            )
        });
        return finish(out, tr);
    }
    let mut best: Option<(&'static str, Decimal)> = None;
    for &g in &out.groups {
        let Some(base) = covers(ps, &status.trigger, g) else {
            continue;
        };
        let Some(basis) = basis_of(base, h.residence) else {
            out.missing.push(Column::Residence);
            continue;
        };
        let amount = am.on(basis).map(|p| p.amount).unwrap_or_default();
        out.covered.push((g, amount));
        if best.is_none_or(|(_, b)| amount > b) {
            best = Some((g, amount));
        }
    }
    let groups_text = out
        .groups
        .iter()
        .map(|g| format!("{}({g})", group_zh(g)))
        .collect::<Vec<_>>()
        .join("、");
    let covered_zh = out
        .covered
        .iter()
        .map(|(g, a)| format!("{} 每人 {} 元", group_zh(g), fmt_money(*a)))
        .collect::<Vec<_>>()
        .join("，");
    let covered_en = out
        .covered
        .iter()
        .map(|(g, a)| format!("{g} {} per person", fmt_money(*a)))
        .collect::<Vec<_>>()
        .join(", ");
    tr.step("price_subsidy.groups", &[], || {
        (
            format!(
                "该户类别：{}；本月补贴范围内：{}",
                if groups_text.is_empty() {
                    "无".into()
                } else {
                    groups_text.clone()
                },
                if covered_zh.is_empty() {
                    "无".into()
                } else {
                    covered_zh.clone()
                }
            ),
            format!(
                "groups: {}; covered this month: {}",
                if out.groups.is_empty() {
                    "none".into()
                } else {
                    out.groups.join(", ")
                },
                if covered_en.is_empty() {
                    "none".into()
                } else {
                    covered_en.clone()
                }
            ),
        )
    });
    if !out.missing.is_empty() {
        out.state = HouseholdState::Undetermined;
        return finish(out, tr);
    }
    let Some((group, per_person)) = best else {
        out.state = HouseholdState::NotCovered;
        return finish(out, tr);
    };
    let amount_of = |g: &str| out.covered.iter().find(|(c, _)| *c == g).map(|(_, a)| *a);
    if let Some(each) = person_groups(h, ev) {
        out.shares = highest_shares(each.iter().map(|g| (g.as_slice(), 1)), amount_of);
        return finish(per_person_outcome(out, status.pay_month, &mut tr), tr);
    }
    let Some(persons) = h.members else {
        out.state = HouseholdState::Undetermined;
        out.missing.push(Column::Members);
        return finish(out, tr);
    };
    out.state = HouseholdState::Paid;
    out.group = Some(group);
    out.per_person = per_person;
    out.persons = Some(persons);
    out.amount = per_person * Decimal::from(persons);
    if persons > 0 && per_person > Decimal::ZERO {
        out.shares = vec![Share {
            group,
            per_person,
            persons,
        }];
    }
    if out.covered.len() > 1 {
        tr.step("price_subsidy.dedupe", &[], || {
            (
                format!("同时属于多个类别的，按最高标准发放一份：{} 每人 {} 元", group_zh(group), fmt_money(per_person)),
                format!("a person in several groups is paid once, at the highest: {group} {} per person", fmt_money(per_person)),
            )
        });
    }
    let (pay, amount) = (status.pay_month, out.amount);
    tr.step("price_subsidy.household", &[], || {
        (
            format!(
                "每人 {} 元 × {persons} 人 = {} 元，于 {pay} 发放",
                fmt_money(per_person),
                fmt_money(amount)
            ),
            format!(
                "{} per person × {persons} = {}, paid in {pay}",
                fmt_money(per_person),
                fmt_money(amount)
            ),
        )
    });
    finish(out, tr)
}

/// The outcome of a household whose persons (a members file) were paid `out.shares`: the sum
/// of the shares, each person once at their own highest group; nobody in a covered group is
/// not covered.
fn per_person_outcome(mut out: HouseholdSubsidy, pay: Month, tr: &mut Trace) -> HouseholdSubsidy {
    let Some(first) = out.shares.first() else {
        out.state = HouseholdState::NotCovered;
        tr.step("price_subsidy.persons", &[], || {
            (
                "成员名单中没有人属于本月补贴范围内的类别".into(),
                "no person of the members file is in a group covered this month".into(),
            )
        });
        return out;
    };
    out.state = HouseholdState::Paid;
    out.group = Some(first.group);
    out.per_person = first.per_person;
    out.persons = Some(out.shares.iter().map(|s| s.persons).sum());
    out.amount = out.shares.iter().map(Share::amount).sum();
    let zh = out
        .shares
        .iter()
        .map(|s| {
            format!(
                "{} 每人 {} 元 × {} 人",
                group_zh(s.group),
                fmt_money(s.per_person),
                s.persons
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let en = out
        .shares
        .iter()
        .map(|s| {
            format!(
                "{} {} per person × {}",
                s.group,
                fmt_money(s.per_person),
                s.persons
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let amount = out.amount;
    tr.step("price_subsidy.persons", &[], || {
        (
            format!(
                "按成员名单逐人计算，每人按其所属类别的最高标准发放一份：{zh} = {} 元，于 {pay} 发放",
                fmt_money(amount)
            ),
            format!(
                "per person from the members file, each once at the highest of their groups: {en} = {}, paid in {pay}",
                fmt_money(amount)
            ),
        )
    });
    out
}

/// A household's outcome when it does not depend on the household's rules: an unreadable row
/// (or one outside the area of `am`) is invalid, an undetermined month leaves it undetermined, a
/// month not triggered pays nothing. `None`: the month is triggered and the household's groups
/// decide ([`household_subsidy`]), so commands evaluate the household only for such months.
pub(super) fn without_rules(am: &AreaMonth, h: &Household) -> Option<HouseholdSubsidy> {
    let status = &am.status;
    let state = if !h.is_valid() || h.area != Some(status.area) {
        HouseholdState::Invalid
    } else {
        match status.state {
            MonthState::Missing | MonthState::Incomplete(_) => HouseholdState::MissingIndex,
            MonthState::NotTriggered => HouseholdState::NotTriggered,
            MonthState::Triggered => return None,
        }
    };
    Some(HouseholdSubsidy::empty(
        status.index_month,
        status.pay_month,
        state,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn a_household_is_paid_once_per_person_at_its_highest_group() {
        let p = policy("914", "439", WINDOW);
        let idx = series("2022-09,2.8,8.8,\n2022-11,1.6,3.7,\n2022-07,2.7,6.3,\n");
        // rural 低保 (439 × 8.8% = 38.632 → 39) and 优抚 (urban base: 914 × 8.8% → 80)
        let h = household(Status::Dibao, "youfu", 3, 300);
        let s = subsidy(&p, &idx, &h, "2022-09");
        assert_eq!(s.state, HouseholdState::Paid);
        assert_eq!(s.covered, vec![("dibao", dec!(39)), ("youfu", dec!(80))]);
        assert_eq!(
            (s.group, s.per_person, s.amount),
            (Some("youfu"), dec!(80), dec!(240))
        );
        assert_eq!(s.pay_month, m("2022-10"));
        assert!(s.steps.iter().any(|st| st.rule == "price_subsidy.dedupe"));
        assert!(s.steps.iter().any(|st| st.rule == "price_subsidy.trigger"));
        // not triggered: nothing, and that is decided
        let s = subsidy(&p, &idx, &h, "2022-11");
        assert_eq!((s.state, s.amount), (HouseholdState::NotTriggered, dec!(0)));
        // a month without a row: undetermined
        let s = subsidy(&p, &idx, &h, "2022-10");
        assert_eq!(s.state, HouseholdState::MissingIndex);
        assert!(!s.state.is_decided());
    }

    #[test]
    fn groups_follow_the_rules_of_the_index_month() {
        let p = policy("914", "439", WINDOW);
        let idx = series("2022-09,2.8,8.8,\n2022-07,2.7,6.3,\n");
        // enrolled 低保 but income now above the standard, no exit: to review, loses 低保
        let h = household(Status::Dibao, "", 2, 2000);
        let s = subsidy(&p, &idx, &h, "2022-09");
        assert_eq!(s.state, HouseholdState::NotCovered);
        assert!(s.groups.is_empty());
        // 低保边缘 is covered only inside the 2022-08..2023-02 window
        let h = household(Status::Edge, "", 2, 500);
        assert_eq!(subsidy(&p, &idx, &h, "2022-09").amount, dec!(78));
        assert_eq!(
            subsidy(&p, &idx, &h, "2022-07").state,
            HouseholdState::NotCovered
        );
        // a category the policy does not list is never covered
        let h = household(Status::None, "orphan", 1, 5000);
        assert_eq!(
            subsidy(&p, &idx, &h, "2022-09").state,
            HouseholdState::NotCovered
        );
        // enrolled 低保 with the means test undetermined: the subsidy is undetermined too
        let mut h = household(Status::Dibao, "", 2, 0);
        h.monthly_income = None;
        let s = subsidy(&p, &idx, &h, "2022-09");
        assert_eq!(s.state, HouseholdState::Undetermined);
        assert_eq!(s.missing, vec![Column::MonthlyIncome]);
        // ... but an urban-based category needs no income
        let mut h = household(Status::None, "youfu", 2, 0);
        h.monthly_income = None;
        assert_eq!(subsidy(&p, &idx, &h, "2022-09").amount, dec!(160));
        // an unreadable row is invalid
        let mut h = household(Status::Dibao, "", 2, 0);
        h.errors.push(crate::household::RowError {
            row: 2,
            column: "members".into(),
            value: "x".into(),
            code: "not_integer",
            zh: String::new(),
            en: String::new(),
        });
        assert_eq!(
            subsidy(&p, &idx, &h, "2022-09").state,
            HouseholdState::Invalid
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// A household is paid its highest covered group's per-person amount × members.
            #[test]
            fn household_is_per_person_times_members(members in 1u32..12, youfu in any::<bool>(), food in 60i64..150) {
                let p = policy("914", "439", WINDOW);
                let idx = series(&format!("2022-09,2.0,{},\n", tenth(food)));
                let h = household(Status::Dibao, if youfu { "youfu" } else { "" }, members, 0);
                let s = subsidy(&p, &idx, &h, "2022-09");
                prop_assert_eq!(s.state, HouseholdState::Paid);
                let am = area_month(&p, &idx, 0, m("2022-09")).unwrap();
                let best = if youfu { am.urban.as_ref() } else { am.rural.as_ref() }.unwrap().amount;
                prop_assert_eq!(s.per_person, best);
                prop_assert_eq!(s.amount, best * Decimal::from(members));
            }
        }
    }
}
