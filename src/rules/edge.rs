//! 低保边缘 (marginal low income), as Guangzhou 2022 (1.5×), Hangzhou (2×) publish it. Not 低保 or 特困,
//! counted per-capita income
//! below `edge.multiple` × the standard (1.5 usually: Guangzhou 2022 1.5 × 1196 = 1794).

use super::Trace;
use super::income::CountedIncome;
use crate::money::fmt_money;
use crate::policy::{Param, Policy};

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
