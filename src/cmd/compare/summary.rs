//! The summary `compare` prints on stderr: cost per month, for the range and per year; who
//! gains and loses; the first households not compared.

use super::render::count;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::reform::{Tally, Totals, per_year, range_key};
use rust_decimal::Decimal;

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", fmt_money(d))
    } else {
        fmt_money(d)
    }
}

/// Prints the summary.
pub fn print(s: &Totals, months: &[Month], base: &str, alt: &str, with_index: bool, lang: Lang) {
    let r = &s.range;
    // Every line of money reads `label base → alt (difference)`.
    let change = |label: &str, base: Decimal, alt: Decimal, difference: Decimal| match lang {
        Lang::Zh => format!(
            "{label} {} → {}（{}）",
            fmt_money(base),
            fmt_money(alt),
            signed(difference)
        ),
        Lang::En => format!(
            "{label} {} -> {} ({})",
            fmt_money(base),
            fmt_money(alt),
            signed(difference)
        ),
    };
    // A month's or the range's spending, with --index the subsidy's part after it.
    let line = |label: &str, t: &Tally| {
        let mut text = format!("  {}", change(label, t.base, t.alt, t.difference()));
        if with_index {
            text += lang.pick("，", ", ");
            text += &change(
                lang.pick("其中价格临时补贴", "of which price subsidy"),
                t.base_subsidy,
                t.alt_subsidy,
                t.subsidy_difference(),
            );
        }
        text
    };
    let per_year = per_year(r.difference(), months.len());
    let span = range_key(months);
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu compare {span}：{base} → {alt}，{} 户（行 {}）",
            count(r.cases),
            s.rows
        ),
        Lang::En => eprintln!(
            "jiuzhu compare {span}: {base} -> {alt}, {} households ({} rows)",
            count(r.cases),
            s.rows
        ),
    }
    for (m, t) in months.iter().zip(&s.months) {
        let label = match lang {
            Lang::Zh => format!("{m} 月支出"),
            Lang::En => format!("{m} cost"),
        };
        eprintln!("{}", line(&label, t));
    }
    if months.len() > 1 {
        eprintln!("{}", line(lang.pick("区间合计", "range total"), r));
    }
    match lang {
        Lang::Zh => {
            eprintln!("  年化（平均月 × 12）{}", signed(per_year));
            eprintln!(
                "  增加 {} 户，减少 {} 户，不变 {} 户；新增符合 {} 户，不再符合 {} 户；无法比较 {} 户",
                count(r.gaining),
                count(r.losing),
                count(r.unchanged),
                count(r.newly_eligible),
                count(r.no_longer_eligible),
                count(r.undecided)
            );
        }
        Lang::En => {
            eprintln!("  per year (average month x 12) {}", signed(per_year));
            eprintln!(
                "  gaining {}, losing {}, unchanged {}; newly eligible {}, no longer eligible {}; undecided {}",
                count(r.gaining),
                count(r.losing),
                count(r.unchanged),
                count(r.newly_eligible),
                count(r.no_longer_eligible),
                count(r.undecided)
            );
        }
    }
    for p in &s.problems {
        eprintln!("  {}", p.describe(lang));
    }
    let more = s.more_problems();
    if more > 0 {
        match lang {
            Lang::Zh => eprintln!("  …… 另有 {more} 个问题"),
            Lang::En => eprintln!("  ... and {more} more problems"),
        }
    }
}
