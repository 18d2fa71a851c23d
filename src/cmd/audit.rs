//! `jiuzhu audit`: arguments to an [`audit::Config`], one [`audit::run`], and the findings
//! written as csv, json or a table, with the summary on stderr.

use crate::audit::{self, Finding, ListSpec, Lists, Summary};
use crate::cli::{InputArgs, OutputArgs, PolicyArgs};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Format, Output, json_str, table, text_cell};
use crate::pipeline::Row;
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::Write;

/// Supervision checks on a roster for one month.
#[derive(Debug, Args)]
#[command(
    after_help = "Findings, ranked: to_review, to_enrol, discover_edge, discover_monitored, discover_no_income, dibao_and_tekun, duplicate_person, shared_bank_account, amount_differs, malformed_id, against_list, invalid_row, undetermined.\nExit codes: 0 nothing found; 1 findings; 2 usage or fatal input error.\n\nExamples:\n  jiuzhu audit -p policies/lanzhou-2022.toml examples/roster.csv --month 2022-12\n  jiuzhu audit -p policy.toml roster.csv --month 2022-12 --amount-column 月保障金额 -o findings.csv\n  jiuzhu audit -p policy.toml roster.csv --month 2022-12 --against deaths.csv:死亡名单 --against staff.csv:工作人员亲属"
)]
pub struct AuditArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the month audited (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    /// the roster column holding the amount paid each month (default: a column headed
    /// 月保障金额, 户月保障金额, 月发放金额, 保障金额 or monthly_amount, if there is one)
    #[arg(long = "amount-column", value_name = "HEADER")]
    pub amount_column: Option<String>,
    /// a list to check enrolled persons against (deaths, staff, vehicles, property): a CSV
    /// with an ID-number column and optionally a label column; `FILE:LABEL` names the list
    /// (repeatable)
    #[arg(long, value_name = "FILE[:LABEL]")]
    pub against: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The CSV/JSON columns of a finding.
pub const COLUMNS: &[&str] = &[
    "rank",
    "code",
    "severity",
    "household_id",
    "row",
    "township",
    "head_name",
    "head_id",
    "status",
    "decision",
    "monthly_total",
    "evidence",
    "rule",
    "action",
];

/// The terminal table's columns, in Chinese and in English.
const TABLE_HEADERS: [[&str; 9]; 2] = [
    [
        "问题",
        "严重程度",
        "户编号",
        "行",
        "乡镇街道",
        "户主姓名",
        "户主身份证号",
        "证据",
        "建议处理",
    ],
    [
        "finding",
        "severity",
        "household",
        "row",
        "township",
        "head",
        "head ID",
        "evidence",
        "action",
    ],
];

/// Runs `audit`.
pub fn run(args: AuditArgs) -> Result<i32> {
    let lists: Vec<ListSpec> = args.against.iter().map(|a| ListSpec::parse(a)).collect();
    let mut inputs =
        super::input_files(&args.policy, &[("ROSTER", Some(&args.roster))], &args.input);
    inputs.extend(lists.iter().map(|l| ("--against", l.path.as_str())));
    output::refuse_same_files(&inputs, &super::output_files(&args.out, &[]), args.out.lang)?;
    let (policy, params) = super::load_policy(&args.policy, args.month)?;
    let (mut source, parser) = super::open_roster(&args.roster, &args.input, &policy)?;
    let parser = super::attach_members(parser, &args.input, &policy, &params)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("audit writes table, csv or json");
    }
    let amount = audit::amount_column(source.headers(), args.amount_column.as_deref())?;
    let today = chrono::Local::now().date_naive();
    let lists = Lists::load(&lists, today)?;
    let lang = args.out.lang;
    let evaluate = |row: &Row| super::check::evaluate_row(&policy, &params, &parser, row, false);
    let config = audit::Config {
        policy: &policy,
        params: &params,
        parser: &parser,
        evaluate: &evaluate,
        lang,
        mask_ids: format == Format::Table,
        amount,
        lists: &lists,
        today,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    let found = audit::run(&config, source.as_mut(), &args.roster)?;
    let summary = found.summary;
    let mut line = Vec::with_capacity(512);
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(COLUMNS)?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
            found.findings.for_each(|f| {
                line.clear();
                with_fields(&f, lang, |fields| -> Result<()> {
                    let mut w = output::csv_writer(&mut line);
                    w.write_record(fields.iter().map(|(_, v)| text_cell(v).into_owned()))?;
                    w.flush()?;
                    Ok(())
                })?;
                Ok(output::ignore_broken_pipe(out.write_all(&line))?)
            })?;
        }
        Format::Json => {
            let header = output::json_header(&policy);
            let mut head = serde_json::to_string(&header)?;
            head.pop();
            out.write_all(head.as_bytes())?;
            let mut m = Vec::new();
            json_str(&mut m, &args.month.to_string());
            out.write_all(b",\"month\":")?;
            out.write_all(&m)?;
            out.write_all(b",\"findings\":[")?;
            let mut first = true;
            found.findings.for_each(|f| {
                line.clear();
                line.extend_from_slice(if first { b"\n" } else { b",\n" });
                first = false;
                with_fields(&f, lang, |fields| output::json_object(&mut line, fields));
                Ok(output::ignore_broken_pipe(out.write_all(&line))?)
            })?;
            out.write_all(b"\n],\"summary\":")?;
            out.write_all(serde_json::to_string(&summary_json(&summary))?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        _ => {
            let mut rows = Vec::new();
            found.findings.for_each(|f| {
                rows.push(table_row(&f, lang));
                Ok(())
            })?;
            let headers = TABLE_HEADERS[usize::from(lang == Lang::En)];
            if !rows.is_empty() {
                output::ignore_broken_pipe(
                    out.write_all(table::render(&headers, &rows, &[]).as_bytes()),
                )?;
            }
        }
    }
    let mut group = output::OutputGroup::new(lang);
    group.push(out);
    group.commit()?;
    print_summary(&summary, args.month, lang);
    output::report_closed_pipe(lang);
    let members_clean = super::report_members(&parser, lang);
    Ok(if summary.findings() == 0 && members_clean {
        EXIT_OK
    } else {
        EXIT_ROWS
    })
}

/// Hands the CSV/JSON fields of a finding, named as in [`COLUMNS`], to `each`.
fn with_fields<R>(f: &Finding, lang: Lang, each: impl FnOnce([(&str, &str); 14]) -> R) -> R {
    let rank = f.kind.rank().to_string();
    let row = f.head.row.to_string();
    let total = f.head.monthly_total.map(fmt_money).unwrap_or_default();
    each([
        ("rank", &rank),
        ("code", f.kind.code()),
        ("severity", f.severity.name()),
        ("household_id", &f.head.household_id),
        ("row", &row),
        ("township", &f.head.township),
        ("head_name", &f.head.head_name),
        ("head_id", &f.head.head_id),
        ("status", f.head.status.name()),
        ("decision", f.head.decision.name()),
        ("monthly_total", &total),
        ("evidence", &f.evidence),
        ("rule", f.kind.rule(lang)),
        ("action", f.kind.action(lang)),
    ])
}

/// A finding as a row of the terminal table (the ID masked).
fn table_row(f: &Finding, lang: Lang) -> Vec<String> {
    vec![
        f.kind.code().to_string(),
        f.severity.label(lang).to_string(),
        f.head.household_id.clone(),
        f.head.row.to_string(),
        f.head.township.clone(),
        f.head.head_name.clone(),
        output::id_cell(&f.head.head_id, Format::Table, true).into_owned(),
        f.evidence.clone(),
        f.kind.action(lang).to_string(),
    ]
}

fn summary_json(s: &Summary) -> serde_json::Value {
    let by_code: serde_json::Map<String, serde_json::Value> = s
        .by_kind
        .iter()
        .map(|(k, n)| (k.code().to_string(), n.to_string().into()))
        .collect();
    let by_township: Vec<serde_json::Value> = s
        .by_township
        .iter()
        .flat_map(|(t, kinds)| {
            kinds.iter().map(move |(k, n)| {
                serde_json::json!({ "township": t, "code": k.code(), "findings": n.to_string() })
            })
        })
        .collect();
    serde_json::json!({
        "households": s.households.to_string(),
        "households_with_findings": s.households_with_findings.to_string(),
        "findings": s.findings().to_string(),
        "by_code": by_code,
        "by_township": by_township,
    })
}

/// The summary on stderr: households audited, findings by kind, then by township.
fn print_summary(s: &Summary, month: Month, lang: Lang) {
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu audit {month}：核查 {} 户，发现 {} 项问题，涉及 {} 户",
            s.households,
            s.findings(),
            s.households_with_findings
        ),
        Lang::En => eprintln!(
            "jiuzhu audit {month}: {} households audited, {} findings about {} households",
            s.households,
            s.findings(),
            s.households_with_findings
        ),
    }
    for (k, n) in &s.by_kind {
        eprintln!("  {:<20} {n:>8}  {}", k.code(), k.title(lang));
    }
    if s.by_township.is_empty() {
        return;
    }
    eprintln!("{}", lang.pick("按乡镇街道：", "by township:"));
    for (t, kinds) in &s.by_township {
        let name = if t.is_empty() {
            lang.pick("（未填）", "(none)")
        } else {
            t.as_str()
        };
        let total: u64 = kinds.values().sum();
        let parts: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{} {n}", k.code()))
            .collect();
        eprintln!("  {name} {total}: {}", parts.join(", "));
    }
}
