//! 渐退期 (gradual exit), section 1 of the 2022 notice. The 2022 notice asks for a grace period for
//! enrolled
//! families whose income rises above the standard because a member found work. In month k of
//! the exit (counted from `exit_start`) the household is paid `schedule[k]` × `last_grant`,
//! rounded by `dibao.round` (Beijing draft: 100%, 100%, 80%, 80%, 60%, 60%); the exit ends after
//! `months`, or earlier once per-capita income reaches `income_ceiling` × the standard.

use super::income::CountedIncome;
use super::{ExitState, Trace};
use crate::household::Household;
use crate::household::columns::Column;
use crate::money::{fmt_money, fmt_plain};
use crate::month::Month;
use crate::policy::{Param, Policy};
use rust_decimal::Decimal;

/// The exit state of an enrolled household whose income is above the standard, and the amount
/// paid for `month`. Fails with the missing columns when the exit has started but `last_grant`
/// is empty.
pub fn state(
    policy: &Policy,
    standard: &Param,
    income: &CountedIncome,
    h: &Household,
    month: Month,
    tr: &mut Trace,
) -> Result<(ExitState, Decimal), Vec<Column>> {
    let (Some(g), Some(start)) = (&policy.file.gradual_exit, h.exit_start) else {
        tr.step("gradual_exit.none", &[], || {
            (
                "该户在保，但未登记渐退起始月（或政策无渐退期）：不在渐退期".into(),
                "enrolled, but no exit_start recorded (or no gradual exit in the policy): not in an exit".into(),
            )
        });
        return Ok((ExitState::NoExit, Decimal::ZERO));
    };
    let k = month.since(start);
    let months_p = Param::plain(
        "gradual_exit.months",
        Decimal::from(g.months),
        policy.source_or_default(&g.source),
    );
    if k < 0 {
        tr.step("gradual_exit.not_started", &[&months_p], || {
            (
                format!("渐退起始月 {start} 晚于 {month}"),
                format!("the exit starts in {start}, after {month}"),
            )
        });
        return Ok((ExitState::NotStarted, Decimal::ZERO));
    }
    if i64::from(k) >= i64::from(g.months) {
        tr.step("gradual_exit.ended", &[&months_p], || {
            (
                format!("渐退起始月 {start}，渐退期 {} 个月，{month} 已是第 {} 个月：渐退期已满", g.months, k + 1),
                format!("exit from {start} lasts {} months; {month} would be month {}: the exit is over", g.months, k + 1),
            )
        });
        return Ok((ExitState::Ended, Decimal::ZERO));
    }
    if let Some(ceiling) = g.income_ceiling {
        let line = ceiling.apply(standard.value);
        if income.per_capita >= line {
            let p = Param::plain(
                "gradual_exit.income_ceiling",
                ceiling.num / ceiling.den,
                policy.source_or_default(&g.source),
            );
            tr.step("gradual_exit.ceiling", &[&p, standard], || {
                (
                    format!("人均计算收入 {} 元达到渐退上限 {ceiling} × {} = {} 元：渐退提前结束", fmt_money(income.per_capita), fmt_money(standard.value), fmt_money(line)),
                    format!("per-capita income {} reached the ceiling {ceiling} × {} = {}: the exit ends early", fmt_money(income.per_capita), fmt_money(standard.value), fmt_money(line)),
                )
            });
            return Ok((ExitState::OverCeiling, Decimal::ZERO));
        }
    }
    let Some(last) = h.last_grant else {
        return Err(vec![Column::LastGrant]);
    };
    let share = g
        .schedule
        .as_ref()
        .and_then(|s| usize::try_from(k).ok().and_then(|k| s.get(k)).copied())
        .map(|s| s.num / s.den)
        .unwrap_or(Decimal::ONE);
    let round = policy
        .file
        .dibao
        .as_ref()
        .map(|d| d.round)
        .unwrap_or_default();
    // At most 10^6 (the policy's bound on a share) × 10^12 (the roster's bound on an amount):
    // far inside a decimal's range, so the product is exact and cannot overflow.
    let amount = round.apply(share * last);
    // 0 <= k < months here, so the month number fits.
    let n = u32::try_from(k).map_or(g.months, |k| k + 1);
    let p = Param::plain(
        "gradual_exit.schedule",
        share,
        policy.source_or_default(&g.source),
    );
    tr.step("gradual_exit.pay", &[&p, &months_p], || {
        (
            format!(
                "渐退期第 {n}/{} 个月（自 {start} 起）：{} × 上月低保金 {} = {} 元（按 {} 取整）",
                g.months,
                fmt_plain(share),
                fmt_money(last),
                fmt_money(amount),
                round.name()
            ),
            format!(
                "exit month {n} of {} (from {start}): {} × last grant {} = {} (rounded by {})",
                g.months,
                fmt_plain(share),
                fmt_money(last),
                fmt_money(amount),
                round.name()
            ),
        )
    });
    Ok((ExitState::InExit(n), amount))
}
