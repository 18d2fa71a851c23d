//! The report as one HTML page: inline CSS and inline SVG charts, no script, no font or
//! image fetched (a Content-Security-Policy forbids every request), an A4 print stylesheet
//! with a page break before each section. Drawn from the [`Report`] model alone; every text
//! that comes from a roster, a policy or an index file is escaped.

use super::model::{ITEMS, Report, Sum};
use crate::chart::{self, BarSeries};
use crate::lang::Lang;
use crate::money::{fmt_money, fmt_plain};
use crate::rules::Decision;
use anyhow::Result;
use rust_decimal::Decimal;
use std::fmt::Write;

/// Text for HTML content and attribute values: `& < > " '` as entities, and control
/// characters (other than tab and line breaks) dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif;
  color: #1a1a1a; margin: 0 auto; max-width: 1000px; padding: 24px; line-height: 1.5; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; border-bottom: 2px solid #1f5fa8; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.note, .meta { color: #555; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13.5px; }
th, td { border: 1px solid #bbb; padding: 4px 7px; vertical-align: top; }
th { background: #eef3fa; text-align: left; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; background: #f6f6f6; }
.up { color: #27743f; } .down { color: #b03024; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid #c9d6ea; border-radius: 6px; padding: 8px 14px; min-width: 180px; background: #f8fbff; }
.card .v { font-size: 22px; font-weight: 700; }
.card .l { font-size: 13px; color: #444; }
figure { margin: 10px 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #555; }
.sev-high { color: #b03024; font-weight: 600; } .sev-medium { color: #a35f00; }
footer { margin-top: 30px; font-size: 12px; color: #666; border-top: 1px solid #ccc; padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section { break-before: page; page-break-before: always; }
  section.first { break-before: auto; page-break-before: auto; }
  h2 { margin-top: 0; }
  table { font-size: 9.5pt; }
  tr, figure, .card { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"#;

struct Page {
    out: String,
    lang: Lang,
}

impl Page {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A table: headers (those starting with `#` are numeric, right-aligned) and rows of
    /// already-escaped cells; a row whose first cell starts with `\u{1}` is a total row.
    fn table(&mut self, headers: &[&str], rows: &[Vec<String>]) {
        self.out.push_str("<table><thead><tr>");
        let numeric: Vec<bool> = headers.iter().map(|h| h.starts_with('#')).collect();
        for h in headers {
            let (class, text) = match h.strip_prefix('#') {
                Some(t) => (" class=\"n\"", t),
                None => ("", *h),
            };
            let _ = write!(self.out, "<th{class}>{}</th>", escape(text));
        }
        self.out.push_str("</tr></thead><tbody>");
        for r in rows {
            let total = r.first().is_some_and(|c| c.starts_with('\u{1}'));
            self.out.push_str(if total {
                "<tr class=\"total\">"
            } else {
                "<tr>"
            });
            for (i, c) in r.iter().enumerate() {
                let c = c.trim_start_matches('\u{1}');
                if numeric.get(i).copied().unwrap_or(false) {
                    let _ = write!(self.out, "<td class=\"n\">{c}</td>");
                } else {
                    let _ = write!(self.out, "<td>{c}</td>");
                }
            }
            self.out.push_str("</tr>");
        }
        self.out.push_str("</tbody></table>");
    }

    /// Opens a section (a new printed page) with its heading.
    fn section(&mut self, id: &str, zh: &str, en: &str) {
        let title = escape(self.t(zh, en));
        let _ = write!(self.out, "<section id=\"{id}\"><h2>{title}</h2>");
    }

    /// A paragraph of plain text (escaped); `class` is `""` or a CSS class such as `note`.
    fn para(&mut self, class: &str, text: &str) {
        let text = escape(text);
        if class.is_empty() {
            let _ = write!(self.out, "<p>{text}</p>");
        } else {
            let _ = write!(self.out, "<p class=\"{class}\">{text}</p>");
        }
    }

    fn figure(&mut self, svg: &str, caption: &str) {
        let _ = write!(
            self.out,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            responsive(svg),
            escape(caption)
        );
    }
}

/// The chart's SVG with a viewBox, so that it scales to the page's width.
fn responsive(svg: &str) -> String {
    let body = svg.trim_start_matches(|c| c != '<');
    let body = match body.find("<svg") {
        Some(i) => &body[i..],
        None => body,
    };
    if body.contains("viewBox") {
        return body.to_string();
    }
    let attr = |name: &str| -> Option<String> {
        let head = &body[..body.find('>')?];
        let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = head[at..].find('"')? + at;
        Some(head[at..end].to_string())
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => body.replacen("<svg", &format!("<svg viewBox=\"0 0 {w} {h}\""), 1),
        _ => body.to_string(),
    }
}

fn decision_label(d: Decision, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => d.zh(),
        Lang::En => match d {
            Decision::Dibao => "dibao (minimum living)",
            Decision::Tekun => "tekun (extreme poverty)",
            Decision::Edge => "edge (marginal)",
            Decision::GradualExit => "gradual exit",
            Decision::None => "not eligible",
            Decision::Undetermined => "undetermined (missing data)",
            Decision::Invalid => "invalid row",
        },
    }
}

fn item_label(i: usize, lang: Lang) -> &'static str {
    let zh = [
        "低保金",
        "分类施保金",
        "特困基本生活费",
        "特困照料护理费",
        "渐退期低保金",
        "月发放合计",
    ];
    let en = [
        "dibao grant",
        "uplift (分类施保)",
        "tekun basic living",
        "tekun care",
        "gradual exit",
        "monthly total",
    ];
    match lang {
        Lang::Zh => zh[i],
        Lang::En => en[i],
    }
}

/// A figure the tests (and anyone reconciling the page) can find by name:
/// `<span data-figure="NAME">VALUE</span>`.
fn fig(name: &str, value: &str) -> String {
    format!(
        "<span data-figure=\"{}\">{}</span>",
        escape(name),
        escape(value)
    )
}

fn yuan(v: Decimal) -> String {
    fmt_money(v)
}

fn change_money(now: Decimal, before: Decimal) -> String {
    match now.checked_sub(before) {
        Some(d) if d > Decimal::ZERO => format!("<span class=\"up\">+{}</span>", fmt_money(d)),
        Some(d) if d < Decimal::ZERO => format!("<span class=\"down\">{}</span>", fmt_money(d)),
        Some(d) => fmt_money(d),
        None => String::new(),
    }
}

fn change_count(now: u64, before: u64) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("<span class=\"up\">+{}</span>", now - before),
        std::cmp::Ordering::Less => format!("<span class=\"down\">-{}</span>", before - now),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

fn month_text(m: Option<crate::month::Month>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn opt_plain(v: Option<Decimal>) -> String {
    v.map(fmt_plain).unwrap_or_else(|| "—".into())
}

/// Renders the whole page.
pub fn render(r: &Report, lang: Lang) -> Result<String> {
    let mut p = Page {
        out: String::with_capacity(64 * 1024),
        lang,
    };
    let month = month_text(r.meta.month);
    let title = match lang {
        Lang::Zh => format!("{} 社会救助月度报告（{month}）", r.meta.policy_name),
        Lang::En => format!("Social assistance report, {month} — {}", r.meta.policy_name),
    };
    let _ = write!(
        p.out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{CSS}</style></head><body>\n",
        p.t("zh-CN", "en"),
        escape(&title)
    );
    let _ = write!(p.out, "<header><h1>{}</h1>", escape(&title));
    let range = format!("{}~{}", month_text(r.meta.from), month_text(r.meta.to));
    let meta_rows = vec![
        vec![
            escape(p.t("政策", "policy")),
            format!(
                "{} <span class=\"meta\">SHA-256 {}</span>",
                escape(&r.meta.policy_name),
                escape(&r.meta.policy_sha256)
            ),
        ],
        vec![escape(p.t("花名册", "roster")), escape(&r.meta.roster)],
        vec![escape(p.t("报告月份", "month reported")), escape(&month)],
        vec![escape(p.t("发放区间", "payment range")), escape(&range)],
        vec![
            escape(p.t("物价指数", "price index")),
            escape(
                r.meta
                    .index
                    .as_deref()
                    .unwrap_or(p.t("未提供", "not given")),
            ),
        ],
        vec![
            escape(p.t("发放台账", "ledger")),
            escape(
                r.meta
                    .ledger
                    .as_deref()
                    .unwrap_or(p.t("未提供", "not given")),
            ),
        ],
    ];
    p.table(&[p.t("项目", "item"), p.t("内容", "value")], &meta_rows);
    p.push("</header>\n");

    headline(&mut p, r)?;
    coverage(&mut p, r)?;
    amounts(&mut p, r)?;
    price(&mut p, r);
    payouts(&mut p, r);
    audit(&mut p, r);
    quality(&mut p, r);
    policy(&mut p, r);

    let _ = write!(
        p.out,
        "<footer>{} jiuzhu {} · {}</footer>\n</body></html>\n",
        escape(p.t("由", "Made by")),
        escape(&r.meta.version),
        escape(p.t(
            "每个数字均由与 check、payouts、subsidy、audit 命令相同的计算得出，可逐户核对",
            "every figure comes from the same computation as the check, payouts, subsidy and audit commands, and can be checked household by household"
        ))
    );
    Ok(p.out)
}

fn headline(p: &mut Page, r: &Report) -> Result<()> {
    let lang = p.lang;
    let h = &r.headline;
    let c = &h.current;
    let _ = write!(
        p.out,
        "<section class=\"first\" id=\"headline\"><h2>{}</h2>",
        escape(p.t("一、主要数据", "1. Headline figures"))
    );
    let cards = [
        (p.t("户数", "households"), c.all_households().to_string()),
        (p.t("人数", "persons"), c.all_persons().to_string()),
        (
            p.t(
                "在保户（低保、特困、渐退）",
                "paid households (dibao, tekun, exit)",
            ),
            (c.of(Decision::Dibao) + c.of(Decision::Tekun) + c.of(Decision::GradualExit))
                .to_string(),
        ),
        (
            p.t("月发放合计（元）", "monthly total (yuan)"),
            yuan(c.totals[5]),
        ),
    ];
    p.push("<div class=\"cards\">");
    for (l, v) in cards {
        let _ = write!(
            p.out,
            "<div class=\"card\"><div class=\"v\" data-figure=\"\">{}</div><div class=\"l\">{}</div></div>",
            escape(&v),
            escape(l)
        );
    }
    p.push("</div>");
    let prev = h.previous.as_ref();
    let month = month_text(c.month);
    let _ = write!(
        p.out,
        "<h3>{}</h3>",
        escape(p.t(
            "按认定结果的户数和人数",
            "Households and persons by decision"
        ))
    );
    let mut headers: Vec<String> = vec![p.t("认定结果", "decision").into()];
    if let Some(pm) = prev {
        headers.push(format!(
            "#{} {}",
            month_text(pm.month),
            p.t("户", "households")
        ));
    }
    headers.push(format!("#{month} {}", p.t("户", "households")));
    if prev.is_some() {
        headers.push(format!("#{}", p.t("变化", "change")));
    }
    headers.push(format!("#{month} {}", p.t("人", "persons")));
    let mut rows = Vec::new();
    for (i, d) in Decision::ALL.iter().enumerate() {
        let mut row = vec![escape(decision_label(*d, lang))];
        if let Some(pm) = prev {
            row.push(pm.households[i].to_string());
        }
        row.push(fig(
            &format!("check.households.{}", d.name()),
            &c.households[i].to_string(),
        ));
        if let Some(pm) = prev {
            row.push(change_count(c.households[i], pm.households[i]));
        }
        row.push(fig(
            &format!("check.persons.{}", d.name()),
            &c.persons[i].to_string(),
        ));
        rows.push(row);
    }
    let mut total = vec![format!("\u{1}{}", escape(p.t("合计", "total")))];
    if let Some(pm) = prev {
        total.push(pm.all_households().to_string());
    }
    total.push(fig("check.households", &c.all_households().to_string()));
    if let Some(pm) = prev {
        total.push(change_count(c.all_households(), pm.all_households()));
    }
    total.push(c.all_persons().to_string());
    rows.push(total);
    let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
    p.table(&hs, &rows);

    let _ = write!(
        p.out,
        "<h3>{}</h3>",
        escape(p.t("按项目的月发放金额（元）", "Monthly amounts by item (yuan)"))
    );
    let mut headers: Vec<String> = vec![p.t("项目", "item").into()];
    if let Some(pm) = prev {
        headers.push(format!("#{}", month_text(pm.month)));
    }
    headers.push(format!("#{month}"));
    if prev.is_some() {
        headers.push(format!("#{}", p.t("变化", "change")));
    }
    let mut rows = Vec::new();
    for (i, item) in ITEMS.iter().enumerate() {
        let label = escape(item_label(i, lang));
        let mut row = vec![if i == ITEMS.len() - 1 {
            format!("\u{1}{label}")
        } else {
            label
        }];
        if let Some(pm) = prev {
            row.push(fig(&format!("previous.{item}"), &yuan(pm.totals[i])));
        }
        row.push(fig(&format!("check.{item}"), &yuan(c.totals[i])));
        if let Some(pm) = prev {
            row.push(change_money(c.totals[i], pm.totals[i]));
        }
        rows.push(row);
    }
    let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
    p.table(&hs, &rows);
    if prev.is_none() {
        let _ = write!(
            p.out,
            "<p class=\"note\">{}</p>",
            escape(p.t(
                "发放区间不含上月，未作环比（用 --from 包含上月即可比较）",
                "the range does not include the month before: no comparison (start --from a month earlier to compare)"
            ))
        );
    }
    p.push("</section>\n");
    Ok(())
}

fn coverage(p: &mut Page, r: &Report) -> Result<()> {
    let lang = p.lang;
    p.section(
        "coverage",
        "二、各乡镇街道覆盖情况",
        "2. Coverage by township",
    );
    let none = p.t("（未填）", "(not filled in)");
    let name = |t: &str| {
        if t.is_empty() {
            none.to_string()
        } else {
            t.to_string()
        }
    };
    let mut rows = Vec::new();
    let mut sums = [0u64; 5];
    let mut money = Decimal::ZERO;
    for t in &r.coverage {
        let v = [
            t.households,
            t.enrolled,
            t.eligible_not_enrolled,
            t.to_review,
            t.edge,
        ];
        for (s, x) in sums.iter_mut().zip(v) {
            *s += x;
        }
        money = money.checked_add(t.monthly_total).unwrap_or(money);
        let mut row = vec![escape(&name(&t.township))];
        row.extend(v.iter().map(u64::to_string));
        row.push(fig(
            &format!("coverage.{}.monthly_total", t.township),
            &yuan(t.monthly_total),
        ));
        rows.push(row);
    }
    let mut total = vec![format!("\u{1}{}", escape(p.t("合计", "total")))];
    total.extend(sums.iter().map(u64::to_string));
    total.push(yuan(money));
    rows.push(total);
    let headers = match lang {
        Lang::Zh => [
            "乡镇街道",
            "#户数",
            "#在保",
            "#符合条件未纳入",
            "#待复核",
            "#低保边缘",
            "#月发放（元）",
        ],
        Lang::En => [
            "township",
            "#households",
            "#enrolled",
            "#eligible, not enrolled",
            "#to review",
            "#edge",
            "#monthly total (yuan)",
        ],
    };
    p.table(&headers, &rows);
    let categories: Vec<String> = r.coverage.iter().map(|t| name(&t.township)).collect();
    let col = |f: fn(&super::model::TownshipCoverage) -> u64| -> Vec<Decimal> {
        r.coverage.iter().map(|t| Decimal::from(f(t))).collect()
    };
    let series = vec![
        BarSeries {
            name: p.t("在保", "enrolled").into(),
            values: col(|t| t.enrolled),
        },
        BarSeries {
            name: p.t("符合条件未纳入", "eligible, not enrolled").into(),
            values: col(|t| t.eligible_not_enrolled),
        },
        BarSeries {
            name: p.t("待复核", "to review").into(),
            values: col(|t| t.to_review),
        },
        BarSeries {
            name: p.t("低保边缘", "edge").into(),
            values: col(|t| t.edge),
        },
    ];
    let svg = chart::bar_chart(
        p.t(
            "各乡镇街道覆盖情况（户）",
            "Coverage by township (households)",
        ),
        &categories,
        &series,
        p.t("乡镇街道", "township"),
        p.t("户数（户）", "households (户)"),
        lang,
    )?;
    p.figure(
        &svg,
        p.t(
            "在保：规则认定为低保、特困或渐退期且已纳入的户；符合条件未纳入：规则认定符合低保但未登记；待复核：在保但已不符合条件",
            "enrolled: decided dibao, tekun or gradual exit and enrolled; eligible, not enrolled: the rules find it eligible for dibao but it is not enrolled; to review: enrolled but no longer eligible",
        ),
    );
    p.push("</section>\n");
    Ok(())
}

fn amounts(p: &mut Page, r: &Report) -> Result<()> {
    let lang = p.lang;
    p.section(
        "amounts",
        "三、每户月发放金额分布",
        "3. Monthly amounts per household",
    );
    let a = &r.amounts;
    let mut rows = Vec::new();
    for d in &a.decisions {
        let Some(dec) = d.decision else { continue };
        rows.push(vec![
            escape(decision_label(dec, lang)),
            d.households.to_string(),
            yuan(d.total),
            d.min.map(yuan).unwrap_or_else(|| "—".into()),
            d.max.map(yuan).unwrap_or_else(|| "—".into()),
        ]);
    }
    let headers = match lang {
        Lang::Zh => [
            "认定结果",
            "#发放户数",
            "#合计（元）",
            "#最低（元）",
            "#最高（元）",
        ],
        Lang::En => [
            "decision",
            "#households paid",
            "#total (yuan)",
            "#lowest (yuan)",
            "#highest (yuan)",
        ],
    };
    p.table(&headers, &rows);
    let categories: Vec<String> = a
        .bands
        .iter()
        .map(|b| format!("{}–{}", b.from, b.to))
        .collect();
    let series: Vec<BarSeries> = a
        .decisions
        .iter()
        .enumerate()
        .filter_map(|(k, d)| {
            d.decision.map(|dec| BarSeries {
                name: decision_label(dec, lang).to_string(),
                values: a
                    .bands
                    .iter()
                    .map(|b| Decimal::from(b.households.get(k).copied().unwrap_or(0)))
                    .collect(),
            })
        })
        .collect();
    let svg = chart::bar_chart(
        p.t(
            "每户月发放金额分布（户）",
            "Households by monthly amount (households)",
        ),
        &categories,
        &series,
        p.t("每户月发放（元）", "monthly amount per household (元)"),
        p.t("户数（户）", "households (户)"),
        lang,
    )?;
    p.figure(
        &svg,
        p.t(
            "区间含下限、不含上限；只计月发放大于 0 的户",
            "each band includes its lower bound and excludes its upper; households paid more than 0 only",
        ),
    );
    p.push("</section>\n");
    Ok(())
}

fn state_label(state: &str, lang: Lang) -> &'static str {
    match (state, lang) {
        ("triggered", Lang::Zh) => "启动",
        ("not_triggered", Lang::Zh) => "未启动",
        ("missing", Lang::Zh) => "缺指数，待定",
        (_, Lang::Zh) => "指数不全，待定",
        ("triggered", Lang::En) => "triggered",
        ("not_triggered", Lang::En) => "not triggered",
        ("missing", Lang::En) => "no index: undetermined",
        (_, Lang::En) => "incomplete: undetermined",
    }
}

fn price(p: &mut Page, r: &Report) {
    let lang = p.lang;
    p.section("price", "四、价格临时补贴", "4. Price subsidy");
    let Some(ps) = &r.price else {
        let _ = write!(
            p.out,
            "<p>{}</p></section>",
            escape(p.t(
                "未提供物价指数（--index），本报告不含价格临时补贴。",
                "no price index given (--index): this report has no price subsidy."
            ))
        );
        return;
    };
    let months = |v: &[crate::month::Month]| {
        if v.is_empty() {
            p.t("无", "none").to_string()
        } else {
            v.iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(p.t("、", ", "))
        }
    };
    let _ = write!(
        p.out,
        "<p>{} <b>{}</b>（{}）；{} {}</p>",
        escape(p.t("启动的指数月份：", "index months triggered:")),
        ps.triggered.len(),
        escape(&months(&ps.triggered)),
        escape(p.t("待定的指数月份：", "undetermined index months:")),
        escape(&months(&ps.undetermined))
    );
    let mut rows = Vec::new();
    for row in &ps.rows {
        let (im, pm) = (row.index_month, row.pay_month);
        let timing = match (im, pm) {
            (Some(i), Some(m)) if m.since(i) <= 1 => p.t("次月发放", "next month").to_string(),
            (Some(i), Some(m)) => match lang {
                Lang::Zh => format!("滞后 {} 个月", m.since(i)),
                Lang::En => format!("late: {} months", m.since(i)),
            },
            _ => String::new(),
        };
        let vt = |k: usize| {
            format!(
                "{} / {}",
                opt_plain(row.values[k]),
                opt_plain(row.thresholds[k])
            )
        };
        rows.push(vec![
            escape(&month_text(im)),
            escape(&month_text(pm)),
            escape(&timing),
            escape(&row.area),
            vt(0),
            vt(1),
            vt(2),
            escape(state_label(&row.state, lang)),
            row.per_person[0].map(yuan).unwrap_or_else(|| "—".into()),
            row.per_person[1].map(yuan).unwrap_or_else(|| "—".into()),
        ]);
    }
    let headers = match lang {
        Lang::Zh => [
            "指数月份",
            "发放月份",
            "时效",
            "地区",
            "#CPI% / 启动线",
            "#食品% / 启动线",
            "#SCPI% / 启动线",
            "结果",
            "#城市每人（元）",
            "#农村每人（元）",
        ],
        Lang::En => [
            "index month",
            "pay month",
            "timing",
            "area",
            "#CPI % / threshold",
            "#food % / threshold",
            "#SCPI % / threshold",
            "result",
            "#urban per person (yuan)",
            "#rural per person (yuan)",
        ],
    };
    p.table(&headers, &rows);
    // the groups covered, once per index month and area list
    let mut groups: Vec<(String, Vec<String>, String)> = Vec::new();
    for row in ps.rows.iter().filter(|r| !r.groups.is_empty()) {
        let m = month_text(row.index_month);
        let g = row.groups.join(p.t("、", ", "));
        match groups.iter_mut().find(|(mm, _, gg)| *mm == m && *gg == g) {
            Some(e) => e.1.push(row.area.clone()),
            None => groups.push((m, vec![row.area.clone()], g)),
        }
    }
    if !groups.is_empty() {
        p.push("<p class=\"note\">");
        for (m, areas, g) in &groups {
            let _ = write!(
                p.out,
                "{} {}（{}）：{}<br>",
                escape(p.t("发放对象", "groups paid")),
                escape(m),
                escape(&areas.join(p.t("、", ", "))),
                escape(g)
            );
        }
        p.push("</p>");
    }
    let _ = write!(
        p.out,
        "<h3>{}</h3>",
        escape(p.t(
            "发放计划中的价格临时补贴（元）",
            "Price subsidy in the payment schedule (yuan)"
        ))
    );
    let rows: Vec<Vec<String>> = ps
        .paid
        .iter()
        .map(|(m, n, a)| {
            vec![
                escape(&m.to_string()),
                n.to_string(),
                fig(&format!("price.paid.{m}"), &yuan(*a)),
            ]
        })
        .collect();
    p.table(
        &match lang {
            Lang::Zh => ["发放月份", "#笔数", "#金额（元）"],
            Lang::En => ["pay month", "#lines", "#amount (yuan)"],
        },
        &rows,
    );
    let _ = write!(
        p.out,
        "<p class=\"note\">{}</p></section>",
        escape(&match lang {
            Lang::Zh => format!(
                "指数月份的补贴于其后第 {} 个月发放（政策 index_lag）；通知要求次月发放，滞后者标为“滞后”。",
                ps.lag
            ),
            Lang::En => format!(
                "an index month's subsidy is paid {} month(s) later (the policy's index_lag); the notice asks for the next month, later is marked late.",
                ps.lag
            ),
        })
    );
}

fn sum_cells(s: &Sum) -> [String; 2] {
    [s.lines.to_string(), yuan(s.amount)]
}

fn sum_figs(name: &str, s: &Sum) -> [String; 2] {
    [
        fig(&format!("{name}.lines"), &s.lines.to_string()),
        fig(&format!("{name}.amount"), &yuan(s.amount)),
    ]
}

fn payouts(p: &mut Page, r: &Report) {
    let lang = p.lang;
    let s = &r.payouts;
    p.section("payouts", "五、资金发放", "5. Payouts");
    let held_total = s.held.iter().fold(Sum::default(), |mut a, (_, x)| {
        a.lines += x.lines;
        a.amount = a.amount.checked_add(x.amount).unwrap_or(a.amount);
        a
    });
    let mut rows = vec![
        {
            let mut v = vec![escape(p.t("应发（本次）", "to pay (this run)"))];
            v.extend(sum_figs("payouts.pay", &s.to_pay));
            v
        },
        {
            let mut v = vec![escape(p.t("暂缓", "held"))];
            v.extend(sum_figs("payouts.held", &held_total));
            v
        },
    ];
    if r.meta.ledger.is_some() {
        let mut v = vec![escape(p.t("台账中已发", "already paid (ledger)"))];
        v.extend(sum_figs("payouts.recorded", &s.recorded));
        rows.push(v);
    }
    let headers = match lang {
        Lang::Zh => ["状态", "#笔数", "#金额（元）"],
        Lang::En => ["status", "#lines", "#amount (yuan)"],
    };
    p.table(&headers, &rows);
    if !s.held.is_empty() {
        let _ = write!(
            p.out,
            "<h3>{}</h3>",
            escape(p.t("暂缓原因", "Held, by reason"))
        );
        let rows: Vec<Vec<String>> = s
            .held
            .iter()
            .map(|(why, x)| {
                let label = match (why.as_str(), lang) {
                    ("malformed_head_id", Lang::Zh) => "户主身份证号有误",
                    ("no_bank_account", Lang::Zh) => "无银行账号",
                    ("shared_payee", Lang::Zh) => "与他户共用身份证号或账号",
                    ("malformed_head_id", Lang::En) => "malformed head_id",
                    ("no_bank_account", Lang::En) => "no bank account",
                    ("shared_payee", Lang::En) => "shared head_id or account",
                    (other, _) => other,
                };
                let mut v = vec![escape(label)];
                v.extend(sum_cells(x));
                v
            })
            .collect();
        p.table(&headers, &rows);
    }
    let _ = write!(
        p.out,
        "<h3>{}</h3>",
        escape(p.t("按审批层级（应发）", "To pay, by approval level"))
    );
    let rows: Vec<Vec<String>> = s
        .by_approval
        .iter()
        .map(|(a, x)| {
            let label = match (a.as_str(), lang) {
                ("routine", Lang::Zh) => "常规（按月）",
                ("township", Lang::Zh) => "乡镇审批",
                ("county", Lang::Zh) => "县级审批",
                ("city", Lang::Zh) => "市级审批",
                ("case_by_case", Lang::Zh) => "一事一议",
                (other, _) => other,
            };
            let mut v = vec![escape(label)];
            v.extend(sum_figs(&format!("payouts.approval.{a}"), x));
            v
        })
        .collect();
    p.table(
        &match lang {
            Lang::Zh => ["审批层级", "#笔数", "#金额（元）"],
            Lang::En => ["approval", "#lines", "#amount (yuan)"],
        },
        &rows,
    );
    let _ = write!(
        p.out,
        "<h3>{}</h3>",
        escape(p.t("按月份和项目（应发）", "To pay, by month and item"))
    );
    let mut rows: Vec<Vec<String>> = s
        .by_month
        .iter()
        .map(|(m, x)| {
            let mut v = vec![escape(&m.to_string())];
            v.extend(sum_figs(&format!("payouts.month.{m}"), x));
            v
        })
        .collect();
    rows.extend(s.by_item.iter().map(|(name, zh, x)| {
        let mut v = vec![escape(match lang {
            Lang::Zh => zh,
            Lang::En => name,
        })];
        v.extend(sum_figs(&format!("payouts.item.{name}"), x));
        v
    }));
    p.table(
        &match lang {
            Lang::Zh => ["月份 / 项目", "#笔数", "#金额（元）"],
            Lang::En => ["month / item", "#lines", "#amount (yuan)"],
        },
        &rows,
    );
    if !s.notices.is_empty() {
        let rows: Vec<Vec<String>> = s
            .notices
            .iter()
            .map(|(code, zh, n)| {
                vec![
                    escape(match lang {
                        Lang::Zh => zh,
                        Lang::En => code,
                    }),
                    n.to_string(),
                ]
            })
            .collect();
        p.table(
            &match lang {
                Lang::Zh => ["另列的户", "#户数"],
                Lang::En => ["households listed apart", "#households"],
            },
            &rows,
        );
    }
    p.push("</section>\n");
}

fn audit(p: &mut Page, r: &Report) {
    let lang = p.lang;
    let a = &r.audit;
    p.section("audit", "六、监督检查发现的问题", "6. Supervision findings");
    p.para(
        "",
        &match lang {
            Lang::Zh => format!(
                "核查 {} 户，发现 {} 项问题，涉及 {} 户。",
                a.households, a.findings, a.households_with_findings
            ),
            Lang::En => format!(
                "{} households audited, {} findings about {} households.",
                a.households, a.findings, a.households_with_findings
            ),
        },
    );
    let mut rows: Vec<Vec<String>> = a
        .by_kind
        .iter()
        .map(|(code, title, n)| {
            vec![
                escape(title),
                escape(code),
                fig(&format!("audit.{code}"), &n.to_string()),
            ]
        })
        .collect();
    rows.push(vec![
        format!("\u{1}{}", escape(p.t("合计", "total"))),
        String::new(),
        fig("audit.findings", &a.findings.to_string()),
    ]);
    p.table(
        &match lang {
            Lang::Zh => ["问题", "代码", "#项数"],
            Lang::En => ["finding", "code", "#findings"],
        },
        &rows,
    );
    if !a.by_township.is_empty() {
        let codes: Vec<&(String, String, u64)> = a.by_kind.iter().collect();
        let mut headers: Vec<String> = vec![p.t("乡镇街道", "township").into()];
        headers.extend(codes.iter().map(|(c, t, _)| match lang {
            Lang::Zh => format!("#{t}"),
            Lang::En => format!("#{c}"),
        }));
        headers.push(format!("#{}", p.t("合计", "total")));
        let rows: Vec<Vec<String>> = a
            .by_township
            .iter()
            .map(|(t, kinds)| {
                let name = if t.is_empty() {
                    p.t("（未填）", "(not filled in)").to_string()
                } else {
                    t.clone()
                };
                let mut v = vec![escape(&name)];
                for (code, _, _) in &codes {
                    let n = kinds.iter().find(|(c, _)| c == code).map_or(0, |(_, n)| *n);
                    v.push(n.to_string());
                }
                v.push(kinds.iter().map(|(_, n)| n).sum::<u64>().to_string());
                v
            })
            .collect();
        let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
        p.table(&hs, &rows);
    }
    if !a.top.is_empty() {
        let _ = write!(
            p.out,
            "<h3>{}</h3>",
            escape(p.t("重点个案（按优先顺序）", "Top cases (in rank order)"))
        );
        let rows: Vec<Vec<String>> = a
            .top
            .iter()
            .map(|c| {
                vec![
                    format!(
                        "<span class=\"sev-{}\">{}</span>",
                        escape(&c.severity),
                        escape(&c.title)
                    ),
                    escape(&c.household_id),
                    escape(&c.township),
                    escape(&c.head_name),
                    escape(&c.evidence),
                    escape(&c.action),
                ]
            })
            .collect();
        p.table(
            &match lang {
                Lang::Zh => ["问题", "户编号", "乡镇街道", "户主", "证据", "建议处理"],
                Lang::En => [
                    "finding",
                    "household",
                    "township",
                    "head",
                    "evidence",
                    "action",
                ],
            },
            &rows,
        );
    }
    p.push("</section>\n");
}

fn quality(p: &mut Page, r: &Report) {
    let lang = p.lang;
    let q = &r.quality;
    p.section("quality", "七、数据质量", "7. Data quality");
    p.para("", &match lang {
            Lang::Zh => format!(
                "无效行 {} 户，待定（缺数据）{} 户，身份证号等需核对 {} 户。",
                q.invalid, q.undetermined, q.id_defects
            ),
            Lang::En => format!(
                "{} invalid rows, {} undetermined (missing data), {} households with an ID or value to check.",
                q.invalid, q.undetermined, q.id_defects
            ),
        });
    let headers = match lang {
        Lang::Zh => ["#行", "户编号", "乡镇街道", "类别", "原因"],
        Lang::En => ["#row", "household", "township", "kind", "reason"],
    };
    let rows_of = |v: &[super::model::Problem]| -> Vec<Vec<String>> {
        v.iter()
            .map(|x| {
                vec![
                    x.row.to_string(),
                    escape(&x.household_id),
                    escape(&x.township),
                    escape(&x.code),
                    escape(&x.reason),
                ]
            })
            .collect()
    };
    if !q.rows.is_empty() {
        let _ = write!(
            p.out,
            "<h3>{}</h3>",
            escape(p.t("无效和待定的行", "Invalid and undetermined rows"))
        );
        p.table(&headers, &rows_of(&q.rows));
    }
    if !q.ids.is_empty() {
        let _ = write!(
            p.out,
            "<h3>{}</h3>",
            escape(p.t("身份证号等需核对", "ID numbers and values to check"))
        );
        p.table(&headers, &rows_of(&q.ids));
    }
    if q.rows.len() >= 100 || q.ids.len() >= 100 {
        let _ = write!(
            p.out,
            "<p class=\"note\">{}</p>",
            escape(p.t(
                "只列出前 100 项；全部见 jiuzhu check 的输出",
                "the first 100 are listed; jiuzhu check lists them all"
            ))
        );
    }
    p.push("</section>\n");
}

fn policy(p: &mut Page, r: &Report) {
    let lang = p.lang;
    let s = &r.policy;
    p.section("policy", "八、执行的政策", "8. The policy in force");
    let _ = write!(
        p.out,
        "<p>{} <b>{}</b>；{} <b>{}</b></p>",
        escape(p.t("政策：", "policy:")),
        escape(&r.meta.policy_name),
        escape(p.t(
            "参数最后核对（last_verified）：",
            "parameters last verified (last_verified):"
        )),
        escape(
            &s.last_verified
                .map(|m| m.to_string())
                .unwrap_or_else(|| p.t("未填写", "not stated").to_string())
        )
    );
    let rows: Vec<Vec<String>> = s
        .params
        .iter()
        .map(|x| {
            vec![
                escape(&x.key),
                escape(&x.area),
                fmt_plain(x.value),
                escape(&x.from.map(|m| m.to_string()).unwrap_or_default()),
                escape(&x.source),
                escape(&x.source_title),
                escape(&x.note),
            ]
        })
        .collect();
    p.table(
        &match lang {
            Lang::Zh => ["参数", "地区", "#取值", "起始月份", "依据", "文件", "说明"],
            Lang::En => [
                "parameter",
                "area",
                "#value",
                "from",
                "source",
                "document",
                "note",
            ],
        },
        &rows,
    );
    if !s.sources.is_empty() {
        let rows: Vec<Vec<String>> = s
            .sources
            .iter()
            .map(|(id, title, issued)| vec![escape(id), escape(title), escape(issued)])
            .collect();
        p.table(
            &match lang {
                Lang::Zh => ["依据", "文件", "发布"],
                Lang::En => ["source", "document", "issued"],
            },
            &rows,
        );
    }
    p.push("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_every_markup_character_text() {
        assert_eq!(
            escape("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
        // control characters (a bell, an escape) are dropped; tabs and line breaks kept
        assert_eq!(escape("a\u{7}b\u{1b}[31mc\td\n"), "ab[31mc\td\n");
        assert_eq!(escape("张秀兰"), "张秀兰");
    }

    #[test]
    fn a_chart_gets_a_view_box_so_that_it_scales_to_the_page() {
        let svg = "<svg width=\"960\" height=\"300\" xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        assert!(responsive(svg).starts_with("<svg viewBox=\"0 0 960 300\" width=\"960\""));
        let with = "<svg viewBox=\"0 0 1 1\"></svg>";
        assert_eq!(responsive(with), with);
    }

    #[test]
    fn an_empty_report_renders_every_section_without_failing() {
        for lang in [Lang::Zh, Lang::En] {
            let html = render(&Report::default(), lang).expect("render");
            assert_eq!(html.matches("<section").count(), 8);
            assert!(html.contains("data-figure=\"check.monthly_total\">0.00<"));
        }
    }
}
