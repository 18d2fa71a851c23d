//! `jiuzhu check`: the decision and monthly amounts for every household of a roster.

use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::household::{Household, RowParser};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::schema::{self, Heading, Kind, Record, Schema, Selection, Value};
use crate::output::xlsx::{self, Cell, Sheet};
use crate::output::{self, Format, Output, json_str, table};
use crate::pipeline::{self, Row};
use crate::policy::{MonthParams, Policy};
use crate::rules::{self, Decision, Evaluation};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use rust_decimal::Decimal;
use std::io::Write;

/// Decide every household of a roster for one month.
///
/// Example: jiuzhu check -p policies/lanzhou-2022.toml examples/roster.csv --month 2022-12
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu check -p policies/lanzhou-2022.toml examples/roster.csv --month 2022-12\n  jiuzhu check -p policy.toml roster.csv --month 2022-12 --format csv -o decisions.csv\n  jiuzhu check -p policy.toml - --month 2022-12 --format json < roster.csv"
)]
pub struct CheckArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the month decided (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub columns: ColumnsArgs,
}

/// The columns of `check` output, before the roster's carried columns. `township`,
/// `head_name` and `head_id` follow `household_id` so that a row names its household (the
/// ID whole: files are for caseworkers; terminal tables mask IDs).
pub const COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "month",
    "area",
    "decision",
    "standard",
    "per_capita_income",
    "dibao_amount",
    "uplift_amount",
    "tekun_basic",
    "tekun_care",
    "monthly_total",
    "reasons",
    "message",
    "gradual_exit_amount",
    "status",
    "row",
];

/// Excel's row limit, less the header lines of the sheet.
const XLSX_MAX_ROWS: usize = 1_048_576 - 16;

/// Money columns, in order: dibao, uplift, tekun basic, tekun care, gradual exit, total.
const MONEY: usize = 6;

/// Counts and totals of a run (or of one chunk of it).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// households per decision, in [`Decision::ALL`] order
    pub counts: [u64; 7],
    /// sums of the money columns
    pub totals: [Decimal; MONEY],
    /// the first problems (invalid cells, missing inputs), as sentences
    pub problems: Vec<String>,
    /// how many problems in all
    pub problem_count: u64,
    /// a money total left the decimal range (the totals are then not to be trusted)
    pub overflow: bool,
}

const KEEP_PROBLEMS: usize = 20;

impl Summary {
    fn add(&mut self, policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) {
        let i = Decision::ALL
            .iter()
            .position(|d| *d == ev.decision)
            .unwrap_or(0);
        self.counts[i] += 1;
        for (t, v) in self.totals.iter_mut().zip(amounts(ev)) {
            self.overflow |= crate::money::add_to(t, v).is_err();
        }
        let problems: Vec<String> = match ev.decision {
            Decision::Invalid => h.errors.iter().map(|e| e.describe(lang)).collect(),
            // undetermined for want of a policy table, not of a cell: the message says which
            Decision::Undetermined if ev.missing.is_empty() => vec![format!(
                "{}{}",
                match lang {
                    Lang::Zh => format!("第 {} 行（户 {}）：", h.row, h.id),
                    Lang::En => format!("row {} (household {}): ", h.row, h.id),
                },
                rules::message(policy, h, ev, lang)
            )],
            Decision::Undetermined => vec![output::missing_problem(
                h.row,
                &h.id,
                None,
                &ev.missing,
                lang,
            )],
            _ => Vec::new(),
        };
        self.problem_count += problems.len() as u64;
        for p in problems {
            if self.problems.len() < KEEP_PROBLEMS {
                self.problems.push(p);
            }
        }
    }

    /// Adds a chunk's counts and totals; fails when a money total leaves the decimal range.
    fn merge(&mut self, other: Summary) -> Result<(), crate::money::AmountOverflow> {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.overflow |= other.overflow;
        for (a, b) in self.totals.iter_mut().zip(other.totals) {
            self.overflow |= crate::money::add_to(a, b).is_err();
        }
        self.problem_count += other.problem_count;
        for p in other.problems {
            if self.problems.len() < KEEP_PROBLEMS {
                self.problems.push(p);
            }
        }
        if self.overflow {
            return Err(crate::money::AmountOverflow);
        }
        Ok(())
    }

    /// Households in all.
    pub fn households(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Whether every row was decided.
    pub fn all_decided(&self) -> bool {
        self.counts[5] == 0 && self.counts[6] == 0
    }
}

fn amounts(ev: &Evaluation) -> [Decimal; MONEY] {
    [
        ev.dibao_amount,
        ev.uplift_amount,
        ev.tekun_basic,
        ev.tekun_care,
        ev.gradual_exit_amount,
        ev.monthly_total(),
    ]
}

/// The `reasons` cell: stable codes separated by `;` (`missing:monthly_income`,
/// `not_money:monthly_income` for a bad cell).
pub fn reasons_cell(h: &Household, ev: &Evaluation) -> String {
    let mut s = String::new();
    write_reasons(&mut s, h, ev);
    s
}

/// [`reasons_cell`] appended to a reused buffer.
pub fn write_reasons(s: &mut String, h: &Household, ev: &Evaluation) {
    let mut push = |a: &str, b: Option<&str>| {
        if !s.is_empty() {
            s.push(';');
        }
        s.push_str(a);
        if let Some(b) = b {
            s.push(':');
            s.push_str(b);
        }
    };
    match ev.decision {
        Decision::Invalid => h.errors.iter().for_each(|e| push(e.code, Some(&e.column))),
        Decision::Undetermined if !ev.missing.is_empty() => ev
            .missing
            .iter()
            .for_each(|c| push("missing", Some(c.name()))),
        _ => ev.reasons.iter().for_each(|r| push(r, None)),
    }
    if ev.decision == Decision::Invalid || ev.decision == Decision::Undetermined {
        h.warnings
            .iter()
            .for_each(|w| push(w.code, Some(&w.column)));
    }
}

/// A few words for a terminal table saying why a row is as it is (the full sentence is
/// [`rules::message`]): the missing or invalid columns, the month of a gradual exit, a
/// household to enrol or to review, a value to check. Read from the evaluation's reason codes
/// only; empty when the decision says it all.
pub fn reason_label(h: &Household, ev: &Evaluation, lang: Lang) -> String {
    use crate::household::columns::Column;
    let column = |name: &str| match (lang, Column::by_name(name)) {
        (Lang::Zh, Some(c)) => c.zh().to_string(),
        _ => name.to_string(),
    };
    let list = |names: Vec<String>| names.join(lang.pick("、", ", "));
    let mut parts: Vec<String> = Vec::new();
    match ev.decision {
        Decision::Invalid => {
            let mut cols: Vec<String> = h.errors.iter().map(|e| column(&e.column)).collect();
            cols.dedup();
            if ev.reasons.contains(&"unknown_region") {
                cols.push(column(Column::Region.name()));
            }
            parts.push(format!(
                "{}{}",
                lang.pick("无效：", "invalid: "),
                list(cols)
            ));
        }
        Decision::Undetermined if !ev.missing.is_empty() => {
            let cols = ev.missing.iter().map(|c| column(c.name())).collect();
            parts.push(format!("{}{}", lang.pick("缺：", "missing: "), list(cols)));
        }
        Decision::Undetermined if ev.reasons.contains(&"tekun_no_policy") => {
            parts.push(lang.pick("政策无特困标准", "no tekun rule").to_string());
        }
        Decision::GradualExit => {
            if let Some(rules::ExitState::InExit(n)) = ev.exit {
                parts.push(match lang {
                    Lang::Zh => format!("渐退第{n}月"),
                    Lang::En => format!("exit month {n}"),
                });
            }
        }
        _ => {}
    }
    for code in &ev.reasons {
        match *code {
            "not_enrolled" => parts.push(lang.pick("待纳入", "to enrol").to_string()),
            "to_review" => parts.push(lang.pick("待复核", "to review").to_string()),
            _ => {}
        }
    }
    if !h.warnings.is_empty() {
        let mut cols: Vec<String> = h.warnings.iter().map(|w| column(&w.column)).collect();
        cols.dedup();
        parts.push(format!("{}{}", lang.pick("核对：", "check: "), list(cols)));
    }
    parts.join(lang.pick("；", "; "))
}

/// Evaluates one raw row: parse, mark a duplicate id, apply the rules.
pub fn evaluate_row(
    policy: &Policy,
    params: &MonthParams,
    parser: &RowParser,
    row: &Row,
    trace: bool,
) -> (Household, Evaluation) {
    let blank = Household {
        row: row.line,
        ..Household::default()
    };
    evaluate_row_into(blank, policy, params, parser, row, trace)
}

/// [`evaluate_row`] into `blank`, a household from [`Household::recycle`] whose buffers the
/// row's text reuses.
pub fn evaluate_row_into(
    blank: Household,
    policy: &Policy,
    params: &MonthParams,
    parser: &RowParser,
    row: &Row,
    trace: bool,
) -> (Household, Evaluation) {
    let mut h = parser.parse_into(blank, |i| row.record.get(i));
    if let Some(first) = row.duplicate_of {
        h.errors.push(crate::household::RowError {
            row: row.line,
            column: "household_id".into(),
            value: h.id.clone(),
            code: "duplicate_household_id",
            zh: format!("户编号与第 {first} 行重复：每户只能出现一次"),
            en: format!("household_id repeats row {first}: each household appears once"),
        });
    }
    let ev = rules::evaluate(policy, params, &h, trace);
    (h, ev)
}

struct Ctx<'a> {
    policy: &'a Policy,
    params: &'a MonthParams,
    parser: &'a RowParser<'a>,
    month: String,
    lang: Lang,
    format: Format,
    columns: Selection<CheckColumn>,
}

struct ChunkOut {
    bytes: Vec<u8>,
    table: Vec<Vec<String>>,
    cells: Vec<Vec<Cell>>,
    summary: Summary,
}

/// The columns of a check row ([`CHECK_ROW`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckColumn {
    HouseholdId,
    Township,
    HeadName,
    HeadId,
    Month,
    Area,
    Decision,
    Standard,
    PerCapitaIncome,
    DibaoAmount,
    UpliftAmount,
    TekunBasic,
    TekunCare,
    MonthlyTotal,
    Reasons,
    Message,
    GradualExitAmount,
    Status,
    Row,
    DibaoOrExit,
    TekunAmount,
    ReasonLabel,
}

const fn col(
    en: &'static str,
    zh: &'static str,
    kind: Kind,
    key: CheckColumn,
) -> schema::Column<CheckColumn> {
    schema::Column { en, zh, kind, key }
}

const fn head(column: &'static str, zh: &'static str, en: &'static str) -> Heading {
    Heading { column, zh, en }
}

/// The schema of a check row: the [`COLUMNS`] of files, then the sums and the short reason a
/// terminal table shows.
pub static CHECK_ROW: Schema<CheckColumn> = {
    use CheckColumn as C;
    Schema {
        record: ("核查结果行", "check row"),
        columns: &[
            col("household_id", "户编号", Kind::Text, C::HouseholdId),
            col("township", "乡镇街道", Kind::Text, C::Township),
            col("head_name", "户主姓名", Kind::Text, C::HeadName),
            col("head_id", "户主身份证号", Kind::Id, C::HeadId),
            col("month", "月份", Kind::Month, C::Month),
            col("area", "地区", Kind::Code, C::Area),
            col("decision", "认定", Kind::Code, C::Decision),
            col("standard", "保障标准", Kind::Money, C::Standard),
            col(
                "per_capita_income",
                "人均收入",
                Kind::Money,
                C::PerCapitaIncome,
            ),
            col("dibao_amount", "低保金", Kind::Money, C::DibaoAmount),
            col("uplift_amount", "分类施保金", Kind::Money, C::UpliftAmount),
            col("tekun_basic", "特困基本生活费", Kind::Money, C::TekunBasic),
            col("tekun_care", "特困照料护理费", Kind::Money, C::TekunCare),
            col("monthly_total", "月合计", Kind::Money, C::MonthlyTotal),
            col("reasons", "原因代码", Kind::Code, C::Reasons),
            col("message", "说明", Kind::Text, C::Message),
            col(
                "gradual_exit_amount",
                "渐退金",
                Kind::Money,
                C::GradualExitAmount,
            ),
            col("status", "保障类别", Kind::Code, C::Status),
            col("row", "行", Kind::Count, C::Row),
            col("dibao_or_exit", "低保或渐退金", Kind::Money, C::DibaoOrExit),
            col("tekun_amount", "特困供养金", Kind::Money, C::TekunAmount),
            col("reason_label", "原因", Kind::Text, C::ReasonLabel),
        ],
        default_len: 19,
        json: Some(&[
            "household_id",
            "township",
            "head_name",
            "head_id",
            "month",
            "area",
            "decision",
            "standard",
            "per_capita_income",
            "dibao_amount",
            "uplift_amount",
            "tekun_basic",
            "tekun_care",
            "gradual_exit_amount",
            "monthly_total",
            "reasons",
            "message",
            "status",
            "row",
        ]),
        table: &[
            head("row", "行", "row"),
            head("household_id", "户编号", "household"),
            head("area", "地区", "area"),
            head("decision", "认定", "decision"),
            head("dibao_or_exit", "低保/渐退", "dibao/exit"),
            head("uplift_amount", "分类施保", "uplift"),
            head("tekun_amount", "特困", "tekun"),
            head("monthly_total", "月合计", "total"),
            head("reason_label", "原因", "reason"),
        ],
    }
};

/// One household's row of `check` output.
struct CheckRecord<'a> {
    ctx: &'a Ctx<'a>,
    h: &'a Household,
    ev: &'a Evaluation,
}

impl Record for CheckRecord<'_> {
    type Key = CheckColumn;

    fn cell<'a>(&'a self, key: CheckColumn, buf: &'a mut String) -> Value<'a> {
        use CheckColumn as C;
        let (h, ev) = (self.h, self.ev);
        let money = |v: Option<Decimal>| v.map_or(Value::Empty, Value::Money);
        match key {
            C::HouseholdId => Value::Text(&h.id),
            C::Township => Value::Text(&h.township),
            C::HeadName => Value::Text(&h.head_name),
            C::HeadId => Value::Text(&h.head_id),
            C::Month => Value::Text(&self.ctx.month),
            C::Area => {
                let label = self.ctx.area_label(h);
                Value::Label {
                    code: self.ctx.area_name(h),
                    zh: label,
                    en: label,
                }
            }
            C::Decision => Value::Label {
                code: ev.decision.name(),
                zh: ev.decision.zh(),
                en: ev.decision.name(),
            },
            C::Standard => money(ev.standard),
            C::PerCapitaIncome => money(ev.per_capita_income),
            C::DibaoAmount => Value::Money(ev.dibao_amount),
            C::UpliftAmount => Value::Money(ev.uplift_amount),
            C::TekunBasic => Value::Money(ev.tekun_basic),
            C::TekunCare => Value::Money(ev.tekun_care),
            C::MonthlyTotal => Value::Money(ev.monthly_total()),
            C::GradualExitAmount => Value::Money(ev.gradual_exit_amount),
            C::DibaoOrExit => Value::Money(ev.dibao_amount + ev.gradual_exit_amount),
            C::TekunAmount => Value::Money(ev.tekun_basic + ev.tekun_care),
            C::Reasons => {
                write_reasons(buf, h, ev);
                Value::Text(buf)
            }
            C::Message => {
                rules::write_message(buf, self.ctx.policy, h, ev, self.ctx.lang);
                Value::Text(buf)
            }
            C::ReasonLabel => {
                buf.push_str(&reason_label(h, ev, self.ctx.lang));
                Value::Text(buf)
            }
            C::Status => Value::Text(h.status.name()),
            C::Row => Value::Count(h.row),
        }
    }

    fn carried(&self, i: usize) -> &str {
        self.h.extra.get(i).map_or("", String::as_str)
    }
}

impl Ctx<'_> {
    fn area_name(&self, h: &Household) -> &str {
        h.area.and_then(|a| self.policy.area_key(a)).unwrap_or("")
    }

    /// The area as people call it (`五区`), for tables; its key where it has no name.
    fn area_label(&self, h: &Household) -> &str {
        let key = self.area_name(h);
        self.policy
            .file
            .areas
            .get(key)
            .map_or(key, |a| a.name.as_str())
    }

    fn work(&self, rows: &[Row]) -> ChunkOut {
        let mut out = ChunkOut {
            bytes: Vec::new(),
            table: Vec::new(),
            cells: Vec::new(),
            summary: Summary::default(),
        };
        let mut buf = String::with_capacity(256);
        let mut csv =
            (self.format == Format::Csv).then(|| output::CsvBuf::with_capacity(rows.len() * 320));
        let mut spare = Household::default();
        for row in rows {
            let blank = spare.recycle(row.line);
            let (h, ev) =
                evaluate_row_into(blank, self.policy, self.params, self.parser, row, false);
            out.summary.add(self.policy, &h, &ev, self.lang);
            let rec = CheckRecord {
                ctx: self,
                h: &h,
                ev: &ev,
            };
            match self.format {
                Format::Csv => {
                    if let Some(w) = csv.as_mut() {
                        self.columns.write_csv(w, &rec, &mut buf);
                    }
                }
                Format::Json => {
                    if !out.bytes.is_empty() || row.line != rows[0].line {
                        out.bytes.push(b',');
                    }
                    self.columns.write_json(&mut out.bytes, &rec, &mut buf);
                    out.bytes.push(b'\n');
                }
                Format::Xlsx => out.cells.push(self.columns.xlsx_cells(&rec, &mut buf)),
                Format::Table => {
                    out.table
                        .push(self.columns.table_cells(&rec, &mut buf, self.lang));
                }
            }
            spare = h;
        }
        if let Some(w) = csv {
            out.bytes = w.into_bytes();
        }
        out
    }
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> Result<i32> {
    output::refuse_same_files(
        &super::input_files(&args.policy, &[("ROSTER", Some(&args.roster))], &args.input),
        &super::output_files(&args.out, &[]),
        args.out.lang,
    )?;
    let (policy, params) = super::load_policy(&args.policy, args.month, args.out.lang)?;
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    let parser = super::attach_members(parser, &args.input, &policy, &params, args.out.lang)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    let carried: Vec<String> = parser
        .header_map()
        .extra
        .iter()
        .map(|(_, h)| h.clone())
        .collect();
    let columns = CHECK_ROW.select(
        args.columns.columns.as_deref(),
        format,
        &carried,
        args.out.lang,
    )?;
    let ctx = Ctx {
        policy: &policy,
        params: &params,
        parser: &parser,
        month: args.month.to_string(),
        lang: args.out.lang,
        format,
        columns,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(ctx.columns.csv_header())?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let header = output::json_header(&policy);
            let mut head = serde_json::to_string(&header)?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"month\":")?;
            let mut m = Vec::new();
            json_str(&mut m, &ctx.month);
            out.write_all(&m)?;
            out.write_all(b",\"households\":[\n")?;
        }
        _ => {}
    }
    let mut summary = Summary::default();
    let mut table_rows = Vec::new();
    let mut xlsx_rows: Vec<Vec<Cell>> = Vec::new();
    let mut chunks = output::ChunkWriter::new(format, b",");
    let id_field = parser
        .header_map()
        .get(crate::household::columns::Column::HouseholdId);
    pipeline::stream(
        source.as_mut(),
        id_field,
        |rows| ctx.work(rows),
        |chunk| {
            summary.merge(chunk.summary)?;
            chunks.write(&mut out, &chunk.bytes)?;
            table_rows.extend(chunk.table);
            if format == Format::Xlsx {
                if xlsx_rows.len() + chunk.cells.len() > XLSX_MAX_ROWS {
                    bail!(
                        "more than {XLSX_MAX_ROWS} households do not fit one worksheet: use --format csv (一个工作表最多 {XLSX_MAX_ROWS} 户，请改用 CSV)"
                    );
                }
                xlsx_rows.extend(chunk.cells);
            }
            Ok(())
        },
    )
    .with_context(|| format!("roster {}", args.roster))?;
    match format {
        Format::Json => {
            let names = [
                "dibao_amount",
                "uplift_amount",
                "tekun_basic",
                "tekun_care",
                "gradual_exit_amount",
                "monthly_total",
            ];
            let mut totals = serde_json::Map::new();
            totals.insert("households".into(), summary.households().to_string().into());
            for (d, c) in Decision::ALL.iter().zip(summary.counts) {
                totals.insert(d.name().into(), c.to_string().into());
            }
            for (n, v) in names.iter().zip(summary.totals) {
                totals.insert((*n).into(), fmt_money(v).into());
            }
            out.write_all(b"],\"totals\":")?;
            out.write_all(serde_json::to_string(&totals)?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        Format::Xlsx => {
            let headers: Vec<String> = ctx.columns.names().iter().map(|n| n.to_string()).collect();
            let mut totals = vec![vec![
                Cell::Text("households".into()),
                Cell::Count(summary.households()),
            ]];
            for (d, c) in Decision::ALL.iter().zip(summary.counts) {
                totals.push(vec![Cell::Text(d.name().into()), Cell::Count(c)]);
            }
            let names = [
                "dibao_amount",
                "uplift_amount",
                "tekun_basic",
                "tekun_care",
                "gradual_exit_amount",
                "monthly_total",
            ];
            for (n, v) in names.iter().zip(summary.totals) {
                totals.push(vec![Cell::Text((*n).into()), Cell::Money(v)]);
            }
            let title = vec![format!("month {}", args.month)];
            let sheets = [
                Sheet {
                    name: format!("check {}", args.month),
                    title: title.clone(),
                    headers,
                    rows: xlsx_rows,
                },
                Sheet {
                    name: "totals".into(),
                    title,
                    headers: vec!["item".into(), "value".into()],
                    rows: totals,
                },
            ];
            out.write_all(&xlsx::workbook(&policy, &sheets)?)?;
        }
        Format::Table => {
            let lang = args.out.lang;
            let headers = ctx.columns.headings(lang);
            let t = summary.totals;
            let total_row = ctx.columns.table_total(lang.pick("合计", "total"), |c| {
                use CheckColumn as C;
                match c {
                    C::DibaoAmount => Some(t[0]),
                    C::UpliftAmount => Some(t[1]),
                    C::TekunBasic => Some(t[2]),
                    C::TekunCare => Some(t[3]),
                    C::GradualExitAmount => Some(t[4]),
                    C::MonthlyTotal => Some(t[5]),
                    C::DibaoOrExit => Some(t[0] + t[4]),
                    C::TekunAmount => Some(t[2] + t[3]),
                    _ => None,
                }
            });
            table_rows.push(total_row);
            let right = ctx.columns.money_headings(lang);
            output::ignore_broken_pipe(
                out.write_all(table::render(&headers, &table_rows, &right).as_bytes()),
            )?;
            output::ignore_broken_pipe(out.write_all(
                args.out
                    .lang
                    .pick(
                        "原因为简称；完整说明见 csv/json/xlsx 输出的 message 列，或用 jiuzhu explain 查看一户\n",
                        "reasons are short labels: the full sentence is in the message column of csv/json/xlsx output and in `jiuzhu explain`\n",
                    )
                    .as_bytes(),
            ))?;
        }
        _ => {}
    }
    let mut group = output::OutputGroup::new(args.out.lang);
    group.push(out);
    group.commit()?;
    print_summary(&summary, args.month, args.out.lang);
    output::report_closed_pipe(args.out.lang);
    let members_clean = super::report_members(&parser, args.out.lang);
    Ok(if summary.all_decided() && members_clean {
        EXIT_OK
    } else {
        EXIT_ROWS
    })
}

/// The summary on stderr: households per decision, the month's total, the first problems.
pub fn print_summary(s: &Summary, month: Month, lang: Lang) {
    let counts: Vec<String> = Decision::ALL
        .iter()
        .zip(s.counts)
        .filter(|(_, c)| *c > 0)
        .map(|(d, c)| match lang {
            Lang::Zh => format!("{} {c}", d.zh()),
            Lang::En => format!("{} {c}", d.name()),
        })
        .collect();
    let total = fmt_money(s.totals[MONEY - 1]);
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu check {month}：共 {} 户（{}），月发放合计 {total} 元",
            s.households(),
            counts.join("，")
        ),
        Lang::En => eprintln!(
            "jiuzhu check {month}: {} households ({}), monthly total {total}",
            s.households(),
            counts.join(", ")
        ),
    }
    for p in &s.problems {
        eprintln!("  {p}");
    }
    if s.problem_count > s.problems.len() as u64 {
        match lang {
            Lang::Zh => eprintln!(
                "  …… 另有 {} 个问题（见输出的 reasons 列）",
                s.problem_count - s.problems.len() as u64
            ),
            Lang::En => eprintln!(
                "  ... and {} more problems (see the reasons column)",
                s.problem_count - s.problems.len() as u64
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_beyond_the_decimal_range_are_an_error_not_a_panic() {
        let mut a = Summary::default();
        a.totals[MONEY - 1] = Decimal::MAX;
        let mut b = Summary::default();
        b.totals[MONEY - 1] = Decimal::ONE;
        assert_eq!(a.merge(b), Err(crate::money::AmountOverflow));
        let mut c = Summary::default();
        c.totals[0] = Decimal::ONE;
        let mut d = Summary::default();
        assert_eq!(d.merge(c), Ok(()));
        assert_eq!(d.totals[0], Decimal::ONE);
    }
}
