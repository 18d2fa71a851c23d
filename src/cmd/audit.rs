//! `jiuzhu audit`: arguments to an [`audit::Config`], one [`audit::run`], and the findings
//! written as csv, json or a table, with the summary on stderr.

use crate::audit::{self, Finding, ListSpec, Lists, Summary};
use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::lang::Lang;
use crate::month::Month;
use crate::output::schema::{Kind, Record, Schema, Value};
use crate::output::schema::{col, head};
use crate::output::{self, CsvBuf, Format, Output, json_str, table};
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
    #[command(flatten)]
    pub columns: ColumnsArgs,
}

/// A column of a finding ([`FINDING`]).
#[derive(Debug, Clone, Copy)]
pub enum FindingColumn {
    Rank,
    Code,
    Severity,
    HouseholdId,
    Row,
    Township,
    HeadName,
    HeadId,
    Status,
    Decision,
    MonthlyTotal,
    Evidence,
    Rule,
    Action,
}

/// The columns of a finding: all of them in files, in this order; the usual few in a table.
pub static FINDING: Schema<FindingColumn> = {
    use FindingColumn as C;
    Schema {
        record: ("核查发现", "finding"),
        columns: &[
            col("rank", "排序", Kind::Count, C::Rank),
            col("code", "问题代码", Kind::Code, C::Code),
            col("severity", "严重程度", Kind::Code, C::Severity),
            col("household_id", "户编号", Kind::Text, C::HouseholdId),
            col("row", "行", Kind::Count, C::Row),
            col("township", "乡镇街道", Kind::Text, C::Township),
            col("head_name", "户主姓名", Kind::Text, C::HeadName),
            col("head_id", "户主身份证号", Kind::Id, C::HeadId),
            col("status", "保障类别", Kind::Code, C::Status),
            col("decision", "认定", Kind::Code, C::Decision),
            col("monthly_total", "月合计", Kind::Money, C::MonthlyTotal),
            col("evidence", "证据", Kind::Text, C::Evidence),
            col("rule", "依据", Kind::Text, C::Rule),
            col("action", "建议处理", Kind::Text, C::Action),
        ],
        default_len: 14,
        json: None,
        table: &[
            head("code", "问题", "finding"),
            head("severity", "严重程度", "severity"),
            head("household_id", "户编号", "household"),
            head("row", "行", "row"),
            head("township", "乡镇街道", "township"),
            head("head_name", "户主姓名", "head"),
            head("head_id", "户主身份证号", "head ID"),
            head("evidence", "证据", "evidence"),
            head("action", "建议处理", "action"),
        ],
    }
};

/// A finding with the language its rule and action are written in.
struct FindingRecord<'a>(&'a Finding, Lang);

impl Record for FindingRecord<'_> {
    type Key = FindingColumn;

    fn cell<'a>(&'a self, key: FindingColumn, _buf: &'a mut String) -> Value<'a> {
        use FindingColumn as C;
        let (f, lang) = (self.0, self.1);
        match key {
            C::Rank => Value::Count(f.kind.rank() as u64),
            C::Code => Value::Text(f.kind.code()),
            C::Severity => label(f.severity.name(), f.severity.zh()),
            C::HouseholdId => Value::Text(&f.head.household_id),
            C::Row => Value::Count(f.head.row),
            C::Township => Value::Text(&f.head.township),
            C::HeadName => Value::Text(&f.head.head_name),
            C::HeadId => Value::Text(&f.head.head_id),
            C::Status => label(f.head.status.name(), audit::status_zh(f.head.status)),
            C::Decision => label(f.head.decision.name(), f.head.decision.zh()),
            C::MonthlyTotal => f.head.monthly_total.map_or(Value::Empty, Value::Money),
            C::Evidence => Value::Text(&f.evidence),
            C::Rule => Value::Text(f.kind.rule(lang)),
            C::Action => Value::Text(f.kind.action(lang)),
        }
    }
}

/// A code named in Chinese in Chinese tables, by itself in English ones.
fn label<'a>(code: &'a str, zh: &'a str) -> Value<'a> {
    Value::Label { code, zh, en: code }
}

/// Runs `audit`.
pub fn run(args: AuditArgs) -> Result<i32> {
    let lists: Vec<ListSpec> = args.against.iter().map(|a| ListSpec::parse(a)).collect();
    let mut inputs =
        super::input_files(&args.policy, &[("ROSTER", Some(&args.roster))], &args.input);
    inputs.extend(lists.iter().map(|l| ("--against", l.path.as_str())));
    output::refuse_same_files(&inputs, &super::output_files(&args.out, &[]), args.out.lang)?;
    let (policy, params) = super::load_policy(&args.policy, args.month, args.out.lang)?;
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    let parser = super::attach_members(parser, &args.input, &policy, &params, args.out.lang)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("audit writes table, csv or json");
    }
    let columns = FINDING.select(args.columns.columns.as_deref(), format, &[], args.out.lang)?;
    let amount = audit::amount_column(source.headers(), args.amount_column.as_deref())?;
    let today = chrono::Local::now().date_naive();
    let lists = Lists::load(&lists, today)?;
    let lang = args.out.lang;
    let config = audit::Config {
        policy: &policy,
        params: &params,
        parser: &parser,
        lang,
        mask_ids: format == Format::Table,
        amount,
        lists: &lists,
        today,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    let found = audit::run(&config, source.as_mut(), &args.roster)?;
    let summary = found.summary;
    let mut buf = String::new();
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(columns.csv_header())?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
            found.findings.for_each(|f| {
                let mut w = CsvBuf::with_capacity(512);
                columns.write_csv(&mut w, &FindingRecord(&f, lang), &mut buf);
                Ok(output::ignore_broken_pipe(out.write_all(&w.into_bytes()))?)
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
            let (mut line, mut first) = (Vec::with_capacity(512), true);
            found.findings.for_each(|f| {
                line.clear();
                line.extend_from_slice(if first { b"\n" } else { b",\n" });
                first = false;
                columns.write_json(&mut line, &FindingRecord(&f, lang), &mut buf);
                Ok(output::ignore_broken_pipe(out.write_all(&line))?)
            })?;
            out.write_all(b"\n],\"summary\":")?;
            out.write_all(serde_json::to_string(&summary_json(&summary))?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        _ => {
            let mut rows = Vec::new();
            found.findings.for_each(|f| {
                rows.push(columns.table_cells(&FindingRecord(&f, lang), &mut buf, lang));
                Ok(())
            })?;
            if !rows.is_empty() {
                let headings = columns.headings(lang);
                let money = columns.money_headings(lang);
                output::ignore_broken_pipe(
                    out.write_all(table::render(&headings, &rows, &money).as_bytes()),
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
