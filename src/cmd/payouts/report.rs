//! What `payouts` says on stderr: the open index months and the run's summary.

use super::PayoutsArgs;
use super::formats::Ctx;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::policy::Policy;
use crate::schedule::{SubsidyRun, Tally};
use std::collections::BTreeMap;

/// Says once, on stderr, which index months are undetermined (no row, or empty values): the
/// price subsidies paid for them are listed per household as undetermined, not paid.
pub(super) fn print_open_index_months(policy: &Policy, run: &SubsidyRun, file: &str, lang: Lang) {
    let mut open: BTreeMap<(Month, Month, &str), Vec<&str>> = BTreeMap::new();
    for ((im, area), am) in &run.table.months {
        if !am.status.state.is_determined() {
            open.entry((*im, am.status.pay_month, am.status.state.name()))
                .or_default()
                .push(policy.area_key(*area).unwrap_or(""));
        }
    }
    for ((im, pay, state), areas) in open {
        // Named only when some areas have the month and others do not (an index file with
        // an `area` column).
        let areas = if areas.len() >= policy.area_ids.len() {
            String::new()
        } else {
            format!(" [{}]", areas.join(","))
        };
        match (state, lang) {
            ("missing", Lang::Zh) => eprintln!(
                "jiuzhu: 指数文件 {file} 缺少指数月份 {im}{areas} 的数据：{pay} 发放的价格临时补贴待定，未发放"
            ),
            ("missing", Lang::En) => eprintln!(
                "jiuzhu: the index file {file} has no row for index month {im}{areas}: the price subsidies paid in {pay} are undetermined, not paid"
            ),
            (_, Lang::Zh) => eprintln!(
                "jiuzhu: 指数文件 {file} 中指数月份 {im}{areas} 的指数值为空：{pay} 发放的价格临时补贴待定，未发放"
            ),
            (_, Lang::En) => eprintln!(
                "jiuzhu: the index file {file} has empty values for index month {im}{areas}: the price subsidies paid in {pay} are undetermined, not paid"
            ),
        }
    }
}

pub(super) fn print_summary(
    ctx: &Ctx,
    tally: &Tally,
    already_paid: u64,
    args: &PayoutsArgs,
    recorded: usize,
    written: &[String],
) {
    let (paid, total, held) = (tally.paid, tally.total, tally.held);
    let lang = ctx.lang;
    // Households, not notices: one household may have several notices of a kind (its regular
    // items and its price subsidy undetermined for different reasons).
    let kinds: Vec<String> = tally
        .kinds()
        .map(|(k, c)| match lang {
            Lang::Zh => format!("{} {c} 户", k.zh()),
            Lang::En => format!("{} {c}", k.name()),
        })
        .collect();
    let range = if ctx.from == ctx.to {
        ctx.from.to_string()
    } else {
        format!("{}~{}", ctx.from, ctx.to)
    };
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu payouts {range}：应发 {} 笔，合计 {} 元；暂缓 {held} 笔{}{}",
            paid,
            fmt_money(total),
            if kinds.is_empty() {
                String::new()
            } else {
                format!("；{}", kinds.join("，"))
            },
            if already_paid > 0 {
                format!("；台账中已发 {} 笔，未重复发放", already_paid)
            } else {
                String::new()
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu payouts {range}: {} lines to pay, total {}; {held} held{}{}",
            paid,
            fmt_money(total),
            if kinds.is_empty() {
                String::new()
            } else {
                format!("; {}", kinds.join(", "))
            },
            if already_paid > 0 {
                format!("; {} already in the ledger, not paid again", already_paid)
            } else {
                String::new()
            }
        ),
    }
    if let Some(l) = &args.ledger {
        match (args.dry_run, lang) {
            (true, Lang::Zh) => eprintln!("  --dry-run：未写入台账 {l}"),
            (true, Lang::En) => eprintln!("  --dry-run: nothing added to the ledger {l}"),
            (false, Lang::Zh) => eprintln!("  已记入台账 {l}：{recorded} 笔"),
            (false, Lang::En) => eprintln!("  recorded in the ledger {l}: {recorded} lines"),
        }
    }
    for w in written {
        eprintln!("  {} {w}", lang.pick("已写出", "wrote"));
    }
}
