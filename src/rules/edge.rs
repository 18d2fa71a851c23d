//! 低保边缘 (marginal low income), as Guangzhou 2022 (1.5×), Hangzhou (2×) publish it. Not 低保 or 特困,
//! counted per-capita income
//! below `edge.multiple` × the standard (1.5 usually: Guangzhou 2022 1.5 × 1196 = 1794).

use super::Trace;
use super::income::CountedIncome;
use crate::household::Household;
use crate::money::fmt_money;
use crate::policy::{Param, Policy};
use rust_decimal::Decimal;

/// The 低保边缘 asset limit per person and the key it comes from: `edge.asset_limit_per_person`,
/// else the 低保 limit `dibao.asset_limit_per_person` (a household over the 低保 asset limit is
/// not 低保边缘 either, unless the policy sets a higher edge limit). `None`: no asset test.
pub fn asset_limit(policy: &Policy) -> Option<(Decimal, &'static str)> {
    let own = policy.file.edge.as_ref()?.asset_limit_per_person;
    match own {
        Some(n) => Some((n.0, "edge.asset_limit_per_person")),
        None => policy
            .file
            .dibao
            .as_ref()?
            .asset_limit_per_person
            .map(|n| (n.0, "dibao.asset_limit_per_person")),
    }
}

/// The 低保边缘 asset test: `Some(true)` passed, `Some(false)` failed, `None` not applied (no
/// limit, or assets not given).
pub fn asset_test(policy: &Policy, h: &Household, tr: &mut Trace) -> Option<bool> {
    let (limit, key) = asset_limit(policy)?;
    let assets = h.assets?;
    let members = h.members.unwrap_or(1).max(1);
    let cap = limit * Decimal::from(members);
    let ok = assets <= cap;
    let source = policy
        .file
        .edge
        .as_ref()
        .and_then(|e| policy.source_or_default(&e.source));
    let p = Param::plain(key, limit, source);
    tr.step("edge.assets", &[&p], || {
        let (a, l, c) = (fmt_money(assets), fmt_money(limit), fmt_money(cap));
        (
            format!(
                "低保边缘财产条件：家庭财产 {a} 元，限额 {l} 元/人 × {members} 人 = {c} 元：{}",
                if ok {
                    "通过"
                } else {
                    "超过限额，不认定为低保边缘"
                }
            ),
            format!(
                "低保边缘 asset test: assets {a} against the limit {l} × {members} = {c}: {}",
                if ok {
                    "passed"
                } else {
                    "over the limit, not 低保边缘"
                }
            ),
        )
    });
    Some(ok)
}

/// Whether a household that is not 低保 is 低保边缘.
pub fn is_edge(policy: &Policy, standard: &Param, income: &CountedIncome, tr: &mut Trace) -> bool {
    let Some(e) = &policy.file.edge else {
        return false;
    };
    let line = e.multiple.apply(standard.value);
    let yes = income.per_capita < line;
    let p = Param::plain(
        "edge.multiple",
        e.multiple.num / e.multiple.den,
        policy.source_or_default(&e.source),
    );
    tr.step("edge.income", &[&p, standard], || {
        let (pc, l) = (fmt_money(income.per_capita), fmt_money(line));
        (
            format!(
                "低保边缘线 = {} × 标准 {} = {l} 元；人均计算收入 {pc} 元{}",
                e.multiple,
                fmt_money(standard.value),
                if yes {
                    "低于该线：低保边缘"
                } else {
                    "不低于该线"
                }
            ),
            format!(
                "edge line = {} × standard {} = {l}; per-capita income {pc} is {}",
                e.multiple,
                fmt_money(standard.value),
                if yes {
                    "below it: 低保边缘"
                } else {
                    "not below it"
                }
            ),
        )
    });
    yes
}
