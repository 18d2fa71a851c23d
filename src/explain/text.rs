//! The explanation written for reading: the household, its row's errors and warnings, each
//! step numbered with its parameters cited, the decision and message; with a members file the
//! person rows after the household's line, with an index series the price subsidy at the end.
//! Every text in the chosen language; roster values are screened (no control characters).

use super::{Citation, Explanation, PersonLine};
use crate::household::{CATEGORY_NAMES, Household};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::screen::screen_text;
use crate::policy::Policy;
use crate::rules::price_subsidy::HouseholdSubsidy;
use crate::rules::{self, Evaluation, Step};

/// The explanation as text in `lang`.
pub fn write(e: &Explanation, lang: Lang) -> String {
    let policy = e.policy;
    let mut text = render_text(policy, &e.household, &e.evaluation, e.month, lang);
    if let Some((path, persons)) = &e.members {
        // The persons go after the household's line, before the errors and steps.
        let at = text.find("\n\n").map(|i| i + 2).unwrap_or(text.len());
        text.insert_str(at, &render_persons(persons, path, e.month, lang));
    }
    if let Some((file, s)) = &e.subsidy {
        text += &render_subsidy(policy, s, file, lang);
    }
    text
}

fn render_text(
    policy: &Policy,
    h: &Household,
    ev: &Evaluation,
    month: Month,
    lang: Lang,
) -> String {
    let mut s = String::new();
    let area = h.area.and_then(|a| policy.area_key(a)).unwrap_or("");
    let area_name = policy
        .file
        .areas
        .get(area)
        .map(|a| a.name.as_str())
        .unwrap_or(area);
    match lang {
        Lang::Zh => {
            s += &format!(
                "户 {}（第 {} 行），{month}，政策：{}\n",
                screen_text(&h.id),
                h.row,
                policy.name()
            );
            s += &format!(
                "地区 {} {area_name}，{}，{} 人，保障类别 {}\n\n",
                screen_text(&h.region),
                h.residence.map(|r| r.zh()).unwrap_or("城乡未知"),
                h.members.map(|m| m.to_string()).unwrap_or("?".into()),
                h.status.name()
            );
        }
        Lang::En => {
            s += &format!(
                "household {} (row {}), {month}, policy: {}\n",
                screen_text(&h.id),
                h.row,
                policy.name()
            );
            s += &format!(
                "region {} {area_name}, {}, {} member(s), status {}\n\n",
                screen_text(&h.region),
                h.residence.map(|r| r.name()).unwrap_or("residence unknown"),
                h.members.map(|m| m.to_string()).unwrap_or("?".into()),
                h.status.name()
            );
        }
    }
    for e in &h.errors {
        s += &format!("  ✗ {}\n", e.describe(lang));
    }
    for w in &h.warnings {
        s += &format!("  ! {}\n", w.describe(lang));
    }
    s += &render_steps(policy, &ev.steps, lang);
    s += &format!(
        "\n{}: {}\n{}: {}\n{}: {}\n",
        lang.pick("认定", "decision"),
        ev.decision.name(),
        lang.pick("月合计", "monthly total"),
        fmt_money(ev.monthly_total()),
        lang.pick("说明", "message"),
        rules::message(policy, h, ev, lang)
    );
    s
}

/// The steps of a computation, numbered, each parameter with its value, area, start month and
/// source document.
fn render_steps(policy: &Policy, steps: &[Step], lang: Lang) -> String {
    let mut s = String::new();
    for (i, step) in steps.iter().enumerate() {
        s += &format!(
            "{}. [{}] {}\n",
            i + 1,
            step.rule,
            lang.pick(&step.zh, &step.en)
        );
        for p in step.params.iter().map(|p| Citation::of(policy, p)) {
            let mut cite = format!("     {} = {}", p.key, p.value);
            if let Some(n) = &p.note {
                cite += &format!(" ({n})");
            }
            let zh = lang == Lang::Zh;
            if let Some(a) = &p.area {
                cite += &if zh {
                    format!("，地区 {a}")
                } else {
                    format!(", area {a}")
                };
            }
            if let Some(f) = p.from {
                cite += &if zh {
                    format!("，自 {f} 起")
                } else {
                    format!(", from {f}")
                };
            }
            cite += &match (&p.source, &p.source_title, zh) {
                (Some(id), Some(t), true) => format!("，依据 {id}：{t}"),
                (Some(id), Some(t), false) => format!(", source {id} \"{t}\""),
                (Some(id), None, true) => format!("，依据 {id}"),
                (Some(id), None, false) => format!(", source {id}"),
                (None, _, true) => "，未注明依据".to_string(),
                (None, _, false) => ", no source given".to_string(),
            };
            s += &cite;
            s.push('\n');
        }
    }
    s
}

/// The person list of the text output: one line per person row.
fn render_persons(persons: &[PersonLine], path: &str, month: Month, lang: Lang) -> String {
    let first_day = month.first_day();
    let path = screen_text(path);
    let mut s = match lang {
        Lang::Zh => format!("成员（成员名单 {path}，年龄按 {first_day} 计）：\n"),
        Lang::En => format!("persons (members file {path}, ages on {first_day}):\n"),
    };
    if persons.is_empty() {
        s += lang.pick("  （无）\n", "  (none)\n");
    }
    for p in persons {
        let (relation, id, name) = (
            screen_text(&p.relation),
            screen_text(&p.id_number),
            screen_text(&p.name),
        );
        let who: Vec<&str> = [relation.as_ref(), id.as_ref()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        let mut facts: Vec<String> = Vec::new();
        if !p.covered {
            facts.push(lang.pick("非保障对象", "not covered").into());
        } else {
            facts.push(match (p.age, lang) {
                (Some(a), Lang::Zh) => format!("{a} 岁"),
                (Some(a), Lang::En) => format!("aged {a}"),
                (None, _) => lang.pick("年龄不详", "age unknown").into(),
            });
            facts.push(match (p.group, lang) {
                (Some(g), Lang::Zh) => format!("分类施保：{}", g.zh()),
                (Some(g), Lang::En) => format!("uplift group {}", g.name()),
                (None, _) => lang.pick("不属分类施保人群", "no uplift group").into(),
            });
        }
        if !p.categories.is_empty() {
            let names: Vec<&str> = p
                .categories
                .iter()
                .map(|c| match lang {
                    Lang::Zh => CATEGORY_NAMES
                        .iter()
                        .find(|(en, _)| en == c)
                        .map(|(_, zh)| *zh)
                        .unwrap_or(c),
                    Lang::En => c,
                })
                .collect();
            facts.push(match lang {
                Lang::Zh => format!("类别 {}", names.join("、")),
                Lang::En => format!("categories {}", names.join(", ")),
            });
        }
        if let Some(c) = p.care_level {
            facts.push(match lang {
                Lang::Zh => c.zh().to_string(),
                Lang::En => c.name().to_string(),
            });
        }
        s += &match lang {
            Lang::Zh => format!(
                "  第 {} 行 {}{}：{}\n",
                p.row,
                name,
                if who.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", who.join("，"))
                },
                facts.join("，")
            ),
            Lang::En => format!(
                "  row {} {}{}: {}\n",
                p.row,
                name,
                if who.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", who.join(", "))
                },
                facts.join(", ")
            ),
        };
    }
    s.push('\n');
    s
}

fn render_subsidy(policy: &Policy, s: &HouseholdSubsidy, file: &str, lang: Lang) -> String {
    let mut out = match lang {
        Lang::Zh => format!(
            "\n价格临时补贴：{} 发放，指数月份 {}（指数文件 {file}）\n",
            s.pay_month, s.index_month
        ),
        Lang::En => format!(
            "\nprice subsidy paid in {} for index month {} (index file {file})\n",
            s.pay_month, s.index_month
        ),
    };
    out += &render_steps(policy, &s.steps, lang);
    let amount = if s.state.is_decided() {
        fmt_money(s.amount)
    } else {
        lang.pick("待定", "undetermined").to_string()
    };
    let missing = if s.missing.is_empty() {
        String::new()
    } else {
        let cols: Vec<&str> = s.missing.iter().map(|c| c.name()).collect();
        format!(" ({}{})", lang.pick("缺少 ", "missing "), cols.join(", "))
    };
    out += &format!(
        "{}: {} {}{missing}\n",
        lang.pick("价格临时补贴", "price subsidy"),
        match lang {
            Lang::Zh => s.state.zh(),
            Lang::En => s.state.name(),
        },
        amount
    );
    out
}
