//! The totals of a run over a roster: the household table's total line and the totals per
//! pay month and group, the `--totals` file, and the summary on stderr.

use super::households::{Rows, TABLE_LEAD};
use crate::grants::{ALL, Problem, Summary};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Output, table};
use crate::rules::price_subsidy::group_zh;
use anyhow::{Context, Result};
use std::io::Write;

/// Columns of the totals: per pay month and paying group, and per pay month (`group = all`).
pub const TOTAL_COLUMNS: &[&str] = &["pay_month", "group", "households", "persons", "amount"];

/// The household table (one line per household, one column per pay month, a total line) and
/// the totals per pay month and group.
pub fn household_table(
    rows: &Rows,
    months: &[Month],
    mut pivot: Vec<Vec<String>>,
    summary: &Summary,
) -> String {
    let lang = rows.lang;
    let lag = rows
        .policy
        .file
        .price_subsidy
        .as_ref()
        .map_or(1, |p| p.index_lag);
    let pay: Vec<String> = months
        .iter()
        .map(|m| format!("{}{}", lang.pick("发放 ", "paid "), m.plus(lag)))
        .collect();
    let mut headers: Vec<&str> = vec![
        lang.pick("户编号", "household"),
        lang.pick("户主", "head"),
        lang.pick("户主身份证号", "head ID"),
        lang.pick("地区", "area"),
        lang.pick("城乡", "residence"),
        lang.pick("人数", "persons"),
        lang.pick("类别", "groups"),
    ];
    headers.extend(pay.iter().map(String::as_str));
    headers.push(lang.pick("合计", "total"));
    let mut total_row = vec![String::new(); headers.len()];
    total_row[0] = lang.pick("合计", "total").into();
    for (i, m) in months.iter().enumerate() {
        total_row[TABLE_LEAD + i] = fmt_money(summary.paid_in(m.plus(lag)));
    }
    let n = headers.len();
    // checked when the rows were read: the run stops before this table on an overflow
    total_row[n - 1] = fmt_money(summary.grand_total().unwrap_or_default());
    pivot.push(total_row);
    let right: Vec<&str> = headers[TABLE_LEAD..].to_vec();
    let mut s = table::render(&headers, &pivot, &right);
    s += lang.pick(
        "“-”未启动；“0.00”不在补贴范围；“?”待定（缺指数或缺数据）\n\n",
        "\"-\" not triggered; \"0.00\" no covered group; \"?\" undetermined (index or data missing)\n\n",
    );
    let th = [
        lang.pick("发放月份", "pay month"),
        lang.pick("类别", "group"),
        lang.pick("户数", "households"),
        lang.pick("人数", "persons"),
        lang.pick("金额", "amount"),
    ];
    let rows: Vec<Vec<String>> = summary
        .total_rows()
        .into_iter()
        .map(|r| {
            vec![
                r.pay_month.to_string(),
                match (r.group, lang) {
                    (ALL, Lang::Zh) => "合计".into(),
                    (g, Lang::Zh) => group_zh(g).to_string(),
                    (g, Lang::En) => g.to_string(),
                },
                r.households.to_string(),
                r.persons.to_string(),
                fmt_money(r.amount),
            ]
        })
        .collect();
    if !rows.is_empty() {
        s += &table::render(&th, &rows, &th[2..]);
    }
    s
}

/// The `--totals` file, written but not committed.
pub fn totals_output(path: &str, summary: &Summary) -> Result<Output> {
    let mut w = output::csv_writer(Vec::new());
    w.write_record(TOTAL_COLUMNS)?;
    for r in summary.total_rows() {
        w.write_record([
            r.pay_month.to_string(),
            r.group.to_string(),
            r.households.to_string(),
            r.persons.to_string(),
            fmt_money(r.amount),
        ])?;
    }
    let mut out = Output::open(Some(path)).with_context(|| format!("cannot create {path}"))?;
    out.write_all(&w.into_inner()?)?;
    Ok(out)
}

/// The households' summary on stderr: outcomes, the total paid, each pay month, problems.
pub fn print_summary(s: &Summary, lang: Lang) {
    let counts: Vec<String> = s
        .outcomes()
        .map(|(st, c)| match lang {
            Lang::Zh => format!("{} {c}", st.zh()),
            Lang::En => format!("{} {c}", st.name()),
        })
        .collect();
    let months: Vec<String> = s
        .total_rows()
        .into_iter()
        .filter(|r| r.group == ALL)
        .map(|r| {
            let (m, h) = (r.pay_month, r.households);
            match lang {
                Lang::Zh => format!("{m} 发放 {h} 户 {} 元", fmt_money(r.amount)),
                Lang::En => format!("{m}: {h} households, {}", fmt_money(r.amount)),
            }
        })
        .collect();
    // checked when the rows were read: the run stops before its summary on an overflow
    let grand = s.grand_total().unwrap_or_default();
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu subsidy：{} 户（户次：{}），发放合计 {} 元{}",
            s.households,
            counts.join("，"),
            fmt_money(grand),
            if months.is_empty() {
                String::new()
            } else {
                format!("；{}", months.join("；"))
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu subsidy: {} households (household-months: {}), total paid {}{}",
            s.households,
            counts.join(", "),
            fmt_money(grand),
            if months.is_empty() {
                String::new()
            } else {
                format!("; {}", months.join("; "))
            }
        ),
    }
    for p in &s.problems {
        eprintln!("  {}", problem_line(p, lang));
    }
    if s.more_problems() > 0 {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "  …… 另有 {} 个问题（见输出的 reasons 列）",
                    s.more_problems()
                ),
                Lang::En => format!(
                    "  ... and {} more problems (see the reasons column)",
                    s.more_problems()
                ),
            }
        );
    }
}

/// A problem of the run as its line on stderr.
fn problem_line(p: &Problem, lang: Lang) -> String {
    match p {
        Problem::Invalid(e) => e.describe(lang),
        Problem::Missing {
            row,
            household,
            index_month,
            missing,
        } => output::missing_problem(*row, household, Some(*index_month), missing, lang),
    }
}
