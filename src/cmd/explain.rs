//! `jiuzhu explain`: the whole computation for one household, every rule tried, the values
//! compared, and each parameter with its source document and the month it took effect.

use crate::cli::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::Household;
use crate::household::columns::Column;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Format, Output};
use crate::pipeline::Row;
use crate::policy::{Param, Policy};
use crate::rules::{self, Evaluation};
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
    /// the roster (CSV; `-` is stdin)
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the household id (户编号)
    #[arg(long, value_name = "ID")]
    pub household: String,
    /// the month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Runs `explain`.
pub fn run(args: ExplainArgs) -> Result<i32> {
    let (policy, params) = super::load_policy(&args.policy, args.month)?;
    let (mut source, parser) = super::open_roster(&args.roster, &args.input, &policy)?;
    let id_field = parser.header_map().get(Column::HouseholdId);
    let mut found: Option<(Household, Evaluation)> = None;
    let mut row = Row {
        line: 0,
        record: csv::StringRecord::new(),
        duplicate_of: None,
    };
    while let Some(line) = source.next_record(&mut row.record)? {
        let id = id_field
            .and_then(|i| row.record.get(i))
            .unwrap_or("")
            .trim();
        if id != args.household.trim() {
            continue;
        }
        if let Some((first, _)) = &found {
            row.duplicate_of = Some(first.row);
        }
        row.line = line;
        let result = super::check::evaluate_row(&policy, &params, &parser, &row, true);
        if found.is_none() {
            found = Some(result);
        } else {
            found = Some(result);
            break;
        }
    }
    let Some((h, ev)) = found else {
        bail!(
            "household {} is not in {} (花名册中没有该户编号)",
            args.household,
            args.roster
        );
    };
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    let lang = args.out.lang;
    let mut out =
        Output::open(args.out.output.as_deref()).context("cannot create the output file")?;
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
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Table | Format::Csv => render_text(&policy, &h, &ev, args.month, lang),
        Format::Xlsx => bail!("explain writes text or json"),
    };
    output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
    out.commit()?;
    Ok(if ev.decision.is_decided() {
        crate::EXIT_OK
    } else {
        crate::EXIT_ROWS
    })
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
                h.id,
                h.row,
                policy.name()
            );
            s += &format!(
                "地区 {} {area_name}，{}，{} 人，保障类别 {}\n\n",
                h.region,
                h.residence.map(|r| r.zh()).unwrap_or("城乡未知"),
                h.members.map(|m| m.to_string()).unwrap_or("?".into()),
                h.status.name()
            );
        }
        Lang::En => {
            s += &format!(
                "household {} (row {}), {month}, policy: {}\n",
                h.id,
                h.row,
                policy.name()
            );
            s += &format!(
                "region {} {area_name}, {}, {} member(s), status {}\n\n",
                h.region,
                h.residence.map(|r| r.name()).unwrap_or("residence unknown"),
                h.members.map(|m| m.to_string()).unwrap_or("?".into()),
                h.status.name()
            );
        }
    }
    for e in &h.errors {
        s += &format!("  ✗ {}\n", e.describe(lang));
    }
    for (i, step) in ev.steps.iter().enumerate() {
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
