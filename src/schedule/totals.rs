//! Totals of the paid lines, exact to the fen.

use super::item::Item;
use super::lines::Schedule;
use crate::month::Month;
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A total of paid lines. `None` in a key means "all".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// the township, or all
    pub township: Option<String>,
    /// the month, or all
    pub month: Option<Month>,
    /// the item, or all
    pub item: Option<Item>,
    /// lines added up
    pub lines: u64,
    /// their sum
    pub amount: Decimal,
}

/// Totals of the paid lines: by month and item, by month, by item, by township and month, by
/// township, and the grand total. Each is the exact sum of its lines (already stated to the
/// fen), so the totals reconcile with the lines to the fen.
pub fn totals(s: &Schedule, months: &[Month], by_township: bool) -> Result<Vec<Total>> {
    // Keys sort "all" after the named values: (is_all, value).
    type Key = ((bool, String), (bool, Option<Month>), (bool, Option<Item>));
    let mut acc: BTreeMap<Key, (u64, Decimal)> = BTreeMap::new();
    let key = |t: Option<&str>, m: Option<Month>, i: Option<Item>| -> Key {
        (
            (t.is_none(), t.unwrap_or("").to_string()),
            (m.is_none(), m),
            (i.is_none(), i),
        )
    };
    // Every month of the range and the grand total appear, at 0.00 when nothing is paid.
    for m in months {
        acc.insert(key(None, Some(*m), None), (0, Decimal::ZERO));
    }
    acc.insert(key(None, None, None), (0, Decimal::ZERO));
    let mut add = |t: Option<&str>, m: Option<Month>, i: Option<Item>, v: Decimal| {
        let e = acc.entry(key(t, m, i)).or_insert((0, Decimal::ZERO));
        e.0 += 1;
        e.1 = e.1.checked_add(v).ok_or_else(too_large)?;
        Ok::<(), anyhow::Error>(())
    };
    for l in s.paid() {
        let (m, i, v) = (Some(l.pay_month), Some(l.item), l.amount);
        add(None, m, i, v)?;
        add(None, m, None, v)?;
        add(None, None, i, v)?;
        add(None, None, None, v)?;
        if by_township {
            let t = Some(s.payees[l.payee].township.as_str());
            add(t, m, None, v)?;
            add(t, None, None, v)?;
        }
    }
    Ok(acc
        .into_iter()
        .map(|(((all_t, t), (_, m), (_, i)), (lines, amount))| Total {
            township: (!all_t).then_some(t),
            month: m,
            item: i,
            lines,
            amount,
        })
        .collect())
}

/// The error of a sum too large for exact decimal arithmetic.
pub fn too_large() -> anyhow::Error {
    anyhow::anyhow!(
        "the sum of the payment lines is too large to add up exactly: check the roster's amounts (金额合计超出可精确计算的范围，请检查花名册中的金额)"
    )
}

/// The exact sum of amounts, or an error (never a panic) when it overflows.
pub fn checked_sum<'a>(amounts: impl IntoIterator<Item = &'a Decimal>) -> Result<Decimal> {
    amounts.into_iter().try_fold(Decimal::ZERO, |a, b| {
        a.checked_add(*b).ok_or_else(too_large)
    })
}
