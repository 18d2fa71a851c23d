//! Counted income (计算收入): what the means test compares with the standard.
//!
//! Counted income = total income − exempt income (优抚金, rewards, assistance
//! payments, basic pension) − the employment-cost deduction, never below zero. The deduction is
//! local: a share of earnings (Putian 2023: 30%, earnings 2000 → 1400 counted), or a share of
//! the standard per employed member (Ganzhou: 30% × 700, earnings 1000 → 790 counted); it never
//! exceeds the earnings it applies to.

use super::Trace;
use crate::household::Household;
use crate::money::fmt_money;
use crate::policy::{Param, Policy};
use rust_decimal::Decimal;

/// The income figures of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedIncome {
    /// 家庭月收入 as given
    pub total: Decimal,
    /// 不计入收入
    pub exempt: Decimal,
    /// employment-cost deduction applied
    pub deduction: Decimal,
    /// counted household income, never below zero
    pub counted: Decimal,
    /// counted / members, exact (never rounded before use)
    pub per_capita: Decimal,
}

/// The employment-cost deduction of a household (就业成本扣除).
pub fn employment_deduction(policy: &Policy, standard: &Param, h: &Household) -> Decimal {
    let Some(ed) = policy
        .file
        .dibao
        .as_ref()
        .and_then(|d| d.employment_deduction)
    else {
        return Decimal::ZERO;
    };
    let raw = match (ed.share_of_income, ed.share_of_standard) {
        (Some(share), _) => share.apply(h.employment_income),
        (None, Some(share)) => share.apply(standard.value) * Decimal::from(h.employed),
        (None, None) => Decimal::ZERO,
    };
    raw.min(h.employment_income).max(Decimal::ZERO)
}

/// Counted income and per-capita income. `monthly_income` and `members` must be known.
pub fn counted(policy: &Policy, standard: &Param, h: &Household, tr: &mut Trace) -> CountedIncome {
    let total = h.monthly_income.unwrap_or_default();
    let members = Decimal::from(h.members.unwrap_or(1).max(1));
    let deduction = employment_deduction(policy, standard, h);
    let counted = (total - h.exempt_income - deduction).max(Decimal::ZERO);
    let per_capita = counted / members;
    tr.step("income.counted", &[], || {
        let (t, e, d, c, p) = (
            fmt_money(total),
            fmt_money(h.exempt_income),
            fmt_money(deduction),
            fmt_money(counted),
            fmt_money(per_capita),
        );
        let (basis_zh, basis_en) = match policy.file.dibao.as_ref().and_then(|d| d.employment_deduction) {
            Some(ed) => match (ed.share_of_income, ed.share_of_standard) {
                (Some(s), _) => {
                    let e = fmt_money(h.employment_income);
                    (format!("工资性收入 {e} × {s}"), format!("{s} × earnings {e}"))
                }
                (None, Some(s)) => {
                    let st = fmt_money(standard.value);
                    (
                        format!("{s} × 标准 {st} × 就业 {} 人，不超过工资性收入", h.employed),
                        format!("{s} × standard {st} × {} employed, at most the earnings", h.employed),
                    )
                }
                _ => (String::new(), String::new()),
            },
            None => ("政策未规定就业成本扣除".to_string(), "no deduction in the policy".to_string()),
        };
        (
            format!("计算收入 = 家庭月收入 {t} − 不计入收入 {e} − 就业成本扣除 {d}（{basis_zh}）= {c} 元；人均 {c} ÷ {members} 人 = {p} 元"),
            format!("counted income = income {t} − exempt {e} − employment deduction {d} ({basis_en}) = {c}; per capita {c} / {members} = {p}"),
        )
    });
    CountedIncome {
        total,
        exempt: h.exempt_income,
        deduction,
        counted,
        per_capita,
    }
}
