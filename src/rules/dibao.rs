//! 低保 (minimum living allowance): the grant and the 分类施保 uplift.
//!
//! Grant (补差) = standard × members − counted income, at least the per-person
//! floor × members (Nanjing: 20% of the standard), rounded once by `dibao.round`. Some places
//! pay a per-person amount by tier instead (分档; Baoji 2023 rural A/B/C = 495/425/355).
//! 分类施保: an extra amount per person in a group, as a share of the standard or a fixed
//! amount, rounded per person (Zhongshan 2016: 40% of 629 → 252).

use super::income::CountedIncome;
use super::{Reason, Trace};
use crate::household::columns::Column;
use crate::household::members::UpliftPerPerson;
use crate::household::{Household, Residence};
use crate::money::{fmt_money, fmt_plain};
use crate::policy::model::{ByResidence, Payment, UpliftGroup};
use crate::policy::{MonthParams, Param, Policy};
use rust_decimal::Decimal;

/// A 低保 grant with the reasons that shaped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// the monthly grant, rounded by `dibao.round`
    pub amount: Decimal,
    /// extra reason codes (`dibao_floor`, `dibao_tier`)
    pub reasons: Vec<&'static str>,
}

/// The asset test: `Some(true)` passed, `Some(false)` failed, `None` not applied (no limit in
/// the policy, or assets not given).
pub fn asset_test(policy: &Policy, h: &Household, tr: &mut Trace) -> Option<bool> {
    let d = policy.file.dibao.as_ref()?;
    let limit = d.asset_limit_per_person?;
    let assets = h.assets?;
    let members = Decimal::from(h.members.unwrap_or(1).max(1));
    let cap = limit.0 * members;
    let ok = assets <= cap;
    let p = Param::plain(
        "dibao.asset_limit_per_person",
        limit.0,
        policy.source_or_default(&d.source),
    );
    tr.step("dibao.assets", &[&p], || {
        (
            format!(
                "家庭财产 {} 元，限额 {} 元/人 × {members} 人 = {} 元：{}",
                fmt_money(assets),
                fmt_money(limit.0),
                fmt_money(cap),
                if ok { "通过" } else { "超过限额" }
            ),
            format!(
                "assets {} against the limit {} × {members} = {}: {}",
                fmt_money(assets),
                fmt_money(limit.0),
                fmt_money(cap),
                if ok { "passed" } else { "over the limit" }
            ),
        )
    });
    Some(ok)
}

/// The per-person floor in force for a residence, if the policy sets one.
fn floor_per_person(policy: &Policy, standard: &Param, residence: Residence) -> Option<Decimal> {
    let d = policy.file.dibao.as_ref()?;
    if let Some(share) = d.floor_share {
        return Some(share.apply(standard.value));
    }
    d.floor_amount.map(|f| match (f, residence) {
        (ByResidence::Same(n), _) => n.0,
        (ByResidence::Split { urban, .. }, Residence::Urban) => urban.0,
        (ByResidence::Split { rural, .. }, Residence::Rural) => rural.0,
    })
}

/// The monthly 低保 grant of an eligible household. Fails with the missing columns when the
/// policy pays by tier and the household's tier is empty.
pub fn grant(
    policy: &Policy,
    standard: &Param,
    members: u32,
    income: &CountedIncome,
    h: &Household,
    tr: &mut Trace,
) -> Result<Grant, Vec<Column>> {
    let Some(d) = policy.file.dibao.as_ref() else {
        return Ok(Grant {
            amount: Decimal::ZERO,
            reasons: vec![],
        });
    };
    let residence = h.residence.unwrap_or(Residence::Urban);
    let n = Decimal::from(members);
    let mut reasons = Vec::new();
    let raw = match d.payment {
        Payment::Tier => {
            let Some(tier) = &h.tier else {
                return Err(vec![Column::Tier]);
            };
            let entry = d
                .tiers
                .iter()
                .find(|t| {
                    &t.tier == tier && t.residence.is_none_or(|r| r.name() == residence.name())
                })
                .ok_or_else(|| vec![Column::Tier])?;
            reasons.push(Reason::DibaoTier.code());
            let p = Param::plain(
                "dibao.tiers.per_person",
                entry.per_person.0,
                policy.source_or_default(&entry.source),
            );
            tr.step("dibao.tier", &[&p], || {
                (
                    format!(
                        "分档发放：{tier} 档每人 {} 元 × {members} 人",
                        fmt_money(entry.per_person.0)
                    ),
                    format!(
                        "paid by tier: tier {tier} at {} per person × {members}",
                        fmt_money(entry.per_person.0)
                    ),
                )
            });
            entry.per_person.0 * n
        }
        Payment::Gap => {
            let gap = standard.value * n - income.counted;
            let floor = floor_per_person(policy, standard, residence).map(|f| f * n);
            tr.step("dibao.gap", &[standard], || {
                (
                    format!(
                        "差额 = 标准 {} × {members} 人 − 计算收入 {} = {} 元",
                        fmt_money(standard.value),
                        fmt_money(income.counted),
                        fmt_money(gap)
                    ),
                    format!(
                        "gap = standard {} × {members} − counted income {} = {}",
                        fmt_money(standard.value),
                        fmt_money(income.counted),
                        fmt_money(gap)
                    ),
                )
            });
            match floor {
                Some(f) if f > gap => {
                    reasons.push(Reason::DibaoFloor.code());
                    let basis = match d.floor_share {
                        Some(s) => format!("{s} × {}", fmt_money(standard.value)),
                        None => "floor_amount".to_string(),
                    };
                    let p = Param::plain("dibao.floor", f / n, policy.source_or_default(&d.source));
                    tr.step("dibao.floor", &[&p], || {
                        (
                            format!("保底：每人 {basis} = {} 元 × {members} 人 = {} 元，高于差额，按保底发放", fmt_money(f / n), fmt_money(f)),
                            format!("floor: {basis} = {} per person × {members} = {}, above the gap: the floor is paid", fmt_money(f / n), fmt_money(f)),
                        )
                    });
                    f
                }
                _ => gap,
            }
        }
    };
    let amount = d.round.apply(raw).max(Decimal::ZERO);
    tr.step("dibao.round", &[], || {
        (
            format!(
                "低保金 {} 按 {} 规则取整 = {} 元",
                fmt_plain(raw),
                d.round.name(),
                fmt_money(amount)
            ),
            format!(
                "grant {} rounded by {} = {}",
                fmt_plain(raw),
                d.round.name(),
                fmt_money(amount)
            ),
        )
    });
    Ok(Grant { amount, reasons })
}

/// Per area of `params`, the uplift one person of each group is paid (urban, then rural): what
/// a members file ranks a person's groups by (see [`crate::household::members`]).
pub fn uplift_per_person(policy: &Policy, params: &MonthParams) -> UpliftPerPerson {
    params
        .areas
        .iter()
        .map(|a| {
            [a.standard(Residence::Urban), a.standard(Residence::Rural)].map(|standard| {
                let mut out = [Decimal::ZERO; 5];
                for (i, slot) in out.iter_mut().enumerate() {
                    let mut probe = Household::default();
                    probe.groups[i] = 1;
                    *slot = uplift(policy, standard, &probe, &mut Trace::new(false));
                }
                out
            })
        })
        .collect()
}

/// The 分类施保 uplift of a 低保 household: per group, the per-person amount (share of the
/// standard or fixed) rounded by the entry's rule or `dibao.round`, × persons in the group.
/// Rosters count each person once, in the group that pays most (`uplift_stacking = "highest"`).
pub fn uplift(policy: &Policy, standard: &Param, h: &Household, tr: &mut Trace) -> Decimal {
    let Some(d) = policy.file.dibao.as_ref() else {
        return Decimal::ZERO;
    };
    let mut total = Decimal::ZERO;
    for u in &d.uplift {
        let Some(i) = UpliftGroup::ALL.iter().position(|g| *g == u.group) else {
            continue;
        };
        let persons = h.groups[i];
        if persons == 0 {
            continue;
        }
        let raw = match (u.share, u.amount) {
            (Some(share), _) => share.apply(standard.value),
            (None, Some(a)) => a.0,
            (None, None) => Decimal::ZERO,
        };
        let round = u.round.unwrap_or(d.round);
        let per_person = round.apply(raw);
        let amount = per_person * Decimal::from(persons);
        total += amount;
        let p = Param::plain(
            "dibao.uplift",
            u.share.map(|s| s.num / s.den).unwrap_or(raw),
            policy.source_or_default(&u.source),
        );
        tr.step("dibao.uplift", &[&p, standard], || {
            let basis = match u.share {
                Some(s) => format!("{s} × {}", fmt_money(standard.value)),
                None => fmt_money(raw),
            };
            (
                format!(
                    "分类施保（{}）：每人 {basis} = {}，按 {} 取整 {} 元 × {persons} 人 = {} 元",
                    u.group.zh(),
                    fmt_plain(raw),
                    round.name(),
                    fmt_money(per_person),
                    fmt_money(amount)
                ),
                format!(
                    "uplift ({}): {basis} = {} per person, rounded by {} to {} × {persons} = {}",
                    u.group.name(),
                    fmt_plain(raw),
                    round.name(),
                    fmt_money(per_person),
                    fmt_money(amount)
                ),
            )
        });
    }
    total
}
