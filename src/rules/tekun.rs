//! 特困 (extreme poverty) support, as Sichuan 2022 and Kaifeng 2022 publish it. Basic living =
//! `tekun.basic.multiple` × the
//! 低保 standard of the person's residence, rounded per person (published figures are "not
//! lower than": `yuan_up`; Sichuan 2022 1.3 × 680 → 884). Care by self-care ability: a share of
//! `care_base` (Changsha: 1/10, 1/6, 1/3 of the minimum wage) or a fixed amount; 集中供养
//! multiplies care by 1 + `institutional_uplift` before it is rounded. Both × members.

use super::Trace;
use crate::household::{CareLevel, Household, Residence};
use crate::money::{fmt_money, fmt_plain};
use crate::policy::model::Tekun;
use crate::policy::{AreaParams, Param, Policy};
use rust_decimal::Decimal;

/// Monthly 特困 amounts of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// basic living, all members
    pub basic: Decimal,
    /// care, all members
    pub care: Decimal,
}

/// The 特困 basic living and care amounts of a household.
pub fn support(
    policy: &Policy,
    t: &Tekun,
    area: &AreaParams,
    h: &Household,
    tr: &mut Trace,
) -> Support {
    let residence = h.residence.unwrap_or(Residence::Urban);
    let standard = area.standard(residence);
    let members = h.members.unwrap_or(1);
    let n = Decimal::from(members);
    let source = policy.source_or_default(&t.source);
    let raw_basic = t.basic.multiple.apply(standard.value);
    let basic_pp = t.basic.round.apply(raw_basic);
    let mult = Param::plain(
        "tekun.basic.multiple",
        t.basic.multiple.num / t.basic.multiple.den,
        source.clone(),
    );
    tr.step("tekun.basic", &[&mult, standard], || {
        (
            format!("基本生活标准 = {} × {}低保标准 {} = {}，按 {} 取整为每人 {} 元 × {members} 人 = {} 元", t.basic.multiple, residence.zh(), fmt_money(standard.value), fmt_plain(raw_basic), t.basic.round.name(), fmt_money(basic_pp), fmt_money(basic_pp * n)),
            format!("basic living = {} × {} standard {} = {}, rounded by {} to {} per person × {members} = {}", t.basic.multiple, residence.name(), fmt_money(standard.value), fmt_plain(raw_basic), t.basic.round.name(), fmt_money(basic_pp), fmt_money(basic_pp * n)),
        )
    });
    let care = match (&t.care, h.care_level) {
        (Some(c), Some(level)) => {
            let share = match level {
                CareLevel::SelfCare => c.self_care,
                CareLevel::Partial => c.partial,
                CareLevel::Full => c.full,
            };
            let base = area.care_base.as_ref();
            let mut raw = match base {
                Some(b) => share.apply(b.value),
                None => share.num / share.den,
            };
            let inst = if h.institutional {
                t.institutional_uplift
            } else {
                None
            };
            if let Some(u) = inst {
                raw += u.apply(raw);
            }
            let pp = c.round.apply(raw);
            let share_p = Param::plain("tekun.care", share.num / share.den, source.clone());
            let mut params = vec![&share_p];
            if let Some(b) = base {
                params.push(b);
            }
            tr.step("tekun.care", &params, || {
                let basis = match base {
                    Some(b) => format!("{share} × {}", fmt_money(b.value)),
                    None => fmt_money(share.num / share.den),
                };
                let inst_zh = inst.map(|u| format!("，集中供养上浮 {u}")).unwrap_or_default();
                let inst_en = inst.map(|u| format!(", institutional uplift {u}")).unwrap_or_default();
                (
                    format!("照料护理标准（{}）= {basis}{inst_zh} = {}，按 {} 取整为每人 {} 元 × {members} 人", level.zh(), fmt_plain(raw), c.round.name(), fmt_money(pp)),
                    format!("care ({}) = {basis}{inst_en} = {}, rounded by {} to {} per person × {members}", level.name(), fmt_plain(raw), c.round.name(), fmt_money(pp)),
                )
            });
            pp * n
        }
        _ => Decimal::ZERO,
    };
    Support {
        basic: basic_pp * n,
        care,
    }
}
