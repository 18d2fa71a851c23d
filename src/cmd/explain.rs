//! `jiuzhu explain`: the whole computation for one household, every rule tried, the values
//! compared, and each parameter with its source document and the month it took effect.

use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::CareLevel;
use crate::household::columns::Column;
use crate::household::{CATEGORY_NAMES, Household, RowParser, idcard};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::screen::screen_text;
use crate::output::{self, Format, Output};
use crate::pipeline::Row;
use crate::policy::model::UpliftGroup;
use crate::policy::{Param, Policy};
use crate::rules::price_subsidy::{self as ps_rules, HouseholdState, HouseholdSubsidy};
use crate::rules::{self, Evaluation, Step};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::Write;

/// Show how one household's decision and amounts were computed.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  jiuzhu explain -p policies/lanzhou-2022.toml examples/roster.csv --household H004 --month 2022-12"
)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the household id (户编号)
    #[arg(long, value_name = "ID")]
    pub household: String,
    /// the month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    /// also show the price subsidy paid in MONTH (its index month is MONTH − index_lag), from
    /// this price index series
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// show ID numbers and bank accounts in full in the text (by default only their first 6 and
    /// last 4 characters are shown, as in tables; JSON always has them whole)
    #[arg(long)]
    pub unmask: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Runs `explain`.
pub fn run(args: ExplainArgs) -> Result<i32> {
    output::refuse_same_files(
        &super::input_files(
            &args.policy,
            &[
                ("ROSTER", Some(&args.roster)),
                ("--index", args.index.as_ref()),
            ],
            &args.input,
        ),
        &super::output_files(&args.out, &[]),
        args.out.lang,
    )?;
    let (policy, params) = super::load_policy(&args.policy, args.month, args.out.lang)?;
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    // Only this household is read, so the members file's other households are not reported
    // as strays here (check and validate report them).
    let parser = super::attach_members(parser, &args.input, &policy, &params, args.out.lang)?;
    let id_field = parser.header_map().get(Column::HouseholdId);
    let mut found: Option<(Household, Evaluation)> = None;
    let mut row = Row {
        line: 0,
        record: crate::household::record::Record::new(),
        duplicate_of: None,
    };
    // The roster's ids are normalised as they are read (NFKC, no invisible characters): so is
    // the one asked, and case is ignored as the duplicate check ignores it.
    let wanted = idcard::normalize_id(&args.household);
    while let Some(line) = source.next_record(&mut row.record)? {
        let id = id_field
            .and_then(|i| row.record.get(i))
            .unwrap_or("")
            .trim();
        if !id.eq_ignore_ascii_case(wanted.trim()) {
            continue;
        }
        if let Some((first, _)) = &found {
            row.duplicate_of = Some(first.row);
        }
        row.line = line;
        // A second row with the same id is what `check` marks invalid: explain that one.
        let repeated = row.duplicate_of.is_some();
        found = Some(super::check::evaluate_row(
            &policy, &params, &parser, &row, true,
        ));
        if repeated {
            break;
        }
    }
    let Some((mut h, ev)) = found else {
        bail!(
            "household {} is not in {} (花名册中没有该户编号)",
            args.household,
            args.roster
        );
    };
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    // The text is for reading (on screen, or printed): IDs masked unless asked; JSON is data
    // for scripts, whole like every output file.
    let mask = !args.unmask && format != Format::Json;
    if mask {
        mask_ids(&mut h);
    }
    let subsidy = match &args.index {
        Some(file) => Some(price_subsidy(&policy, file, &h, args.month)?),
        None => None,
    };
    let lang = args.out.lang;
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    let mut persons = persons(&parser, &h);
    if mask {
        for p in &mut persons {
            p.id_number = idcard::mask(&p.id_number);
        }
    }
    let text = match format {
        Format::Json => {
            let mut v = output::json_header(&policy);
            let steps: Vec<serde_json::Value> = ev
                .steps
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "rule": s.rule,
                        "text": lang.pick(&s.zh, &s.en),
                        "parameters": s.params.iter().map(|p| param_json(&policy, p)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            v["household_id"] = h.id.clone().into();
            v["month"] = args.month.to_string().into();
            v["decision"] = ev.decision.name().into();
            v["monthly_total"] = fmt_money(ev.monthly_total()).into();
            v["reasons"] = super::check::reasons_cell(&h, &ev).into();
            v["message"] = rules::message(&policy, &h, &ev, lang).into();
            v["steps"] = steps.into();
            if parser.members().is_some() {
                v["persons"] = persons.iter().map(|p| p.json()).collect::<Vec<_>>().into();
            }
            if let Some(s) = &subsidy {
                v["price_subsidy"] = subsidy_json(&policy, s, lang);
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Table | Format::Csv => {
            let mut text = render_text(&policy, &h, &ev, args.month, lang);
            if let Some(join) = parser.members() {
                // The persons go after the household's line, before the errors and steps.
                let at = text.find("\n\n").map(|i| i + 2).unwrap_or(text.len());
                let list = render_persons(&persons, &join.members().path, args.month, lang);
                text.insert_str(at, &list);
            }
            if let Some(s) = &subsidy {
                text += &render_subsidy(&policy, s, args.index.as_deref().unwrap_or(""), lang);
            }
            text
        }
        Format::Xlsx => bail!("explain writes text or json"),
    };
    output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
    out.commit()?;
    let subsidy_decided = subsidy.as_ref().is_none_or(|s| s.state.is_decided());
    Ok(if ev.decision.is_decided() && subsidy_decided {
        crate::EXIT_OK
    } else {
        crate::EXIT_ROWS
    })
}

/// One person row of the household, as `--members` joined it.
struct PersonLine {
    row: u64,
    name: String,
    relation: String,
    id_number: String,
    /// counted in `members`; only covered persons have an age, group and care level here
    covered: bool,
    /// whole years on the first day of the month
    age: Option<u32>,
    /// the uplift group the person counts in (the one paying them most)
    group: Option<UpliftGroup>,
    categories: Vec<&'static str>,
    care_level: Option<CareLevel>,
}

impl PersonLine {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "row": self.row.to_string(),
            "name": self.name,
            "relation": self.relation,
            "id_number": self.id_number,
            "covered": if self.covered { "yes" } else { "no" },
            "age": self.age.map(|a| a.to_string()).unwrap_or_default(),
            "group": self.group.map(|g| g.name()).unwrap_or(""),
            "categories": self.categories.join(";"),
            "care_level": self.care_level.map(|c| c.name()).unwrap_or(""),
        })
    }
}

/// The household's person rows, in file order, with the age, group, categories and care
/// level the join gave each covered person (empty without `--members`).
fn persons(parser: &RowParser, h: &Household) -> Vec<PersonLine> {
    let Some(rows) = parser.members().and_then(|j| j.members().household(&h.id)) else {
        return Vec::new();
    };
    rows.iter()
        .map(|p| {
            let facts = h.persons.iter().find(|f| f.row == p.row);
            PersonLine {
                row: p.row,
                name: p.name.clone(),
                relation: p.relation.clone(),
                id_number: p.id_number.clone(),
                covered: p.covered,
                age: facts.and_then(|f| f.age),
                group: facts.and_then(|f| f.group),
                categories: p.categories.names().collect(),
                care_level: facts.and_then(|f| f.care_level),
            }
        })
        .collect()
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

/// Masks the household's ID numbers and bank accounts as tables do (first 6 and last 4
/// characters): its `head_id` and `bank_account`, and every reported value of an ID column,
/// `.0`-suffixed or in scientific notation alike.
fn mask_ids(h: &mut Household) {
    h.head_id = idcard::mask(&h.head_id);
    h.bank_account = idcard::mask(&h.bank_account);
    for e in h.errors.iter_mut().chain(h.warnings.iter_mut()) {
        if output::is_id_column(&e.column) {
            e.value = idcard::mask(&e.value);
        }
    }
}

fn param_json(policy: &Policy, p: &Param) -> serde_json::Value {
    serde_json::json!({
        "key": p.key,
        "value": p.value.normalize().to_string(),
        "source": p.source,
        "source_title": p.source.as_deref().and_then(|s| policy.source_title(s)),
        "from": p.from.map(|m| m.to_string()),
        "area": p.area,
        "note": p.note,
    })
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
        for p in &step.params {
            let title = p.source.as_deref().and_then(|id| policy.source_title(id));
            let mut cite = format!("     {} = {}", p.key, p.value.normalize());
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
            cite += &match (&p.source, title, zh) {
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

/// The price subsidy paid in `month` for the household: its index month is `month` −
/// `index_lag`, and the trigger, formula, standard and the household's groups are those of
/// the index month.
fn price_subsidy(
    policy: &Policy,
    file: &str,
    h: &Household,
    month: Month,
) -> Result<HouseholdSubsidy> {
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        bail!(ps_rules::SubsidyError::NoPriceSubsidy {
            path: policy.path.clone()
        });
    };
    let index = IndexSeries::load(file)?;
    ps_rules::check_index_areas(policy, &index)?;
    let index_month = month.plus(-ps.index_lag);
    let lag = ps.index_lag;
    let Some(area) = h.area else {
        return Ok(HouseholdSubsidy::empty(
            index_month,
            month,
            HouseholdState::Invalid,
        ));
    };
    let am = ps_rules::area_month(policy, &index, area, index_month)?;
    if let Some(mut s) = ps_rules::without_rules(&am, h) {
        s.steps = am.status.steps.clone();
        return Ok(s);
    }
    let params = policy.month_params(index_month).with_context(|| {
        format!(
            "price subsidy for index month {index_month} (paid {} months later)",
            lag
        )
    })?;
    let ev = rules::evaluate(policy, &params, h, false);
    Ok(ps_rules::household_subsidy(policy, &am, h, &ev, true))
}

fn subsidy_json(policy: &Policy, s: &HouseholdSubsidy, lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "index_month": s.index_month.to_string(),
        "pay_month": s.pay_month.to_string(),
        "outcome": s.state.name(),
        "groups": s.groups.join(";"),
        "group": s.group.unwrap_or(""),
        "per_person": if s.state == HouseholdState::Paid { fmt_money(s.per_person) } else { String::new() },
        "persons": s.persons.map(|p| p.to_string()).unwrap_or_default(),
        "amount": if s.state.is_decided() { fmt_money(s.amount) } else { String::new() },
        "missing": s.missing.iter().map(|c| c.name()).collect::<Vec<_>>().join(";"),
        "steps": s.steps.iter().map(|st| serde_json::json!({
            "rule": st.rule,
            "text": lang.pick(&st.zh, &st.en),
            "parameters": st.params.iter().map(|p| param_json(policy, p)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
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
