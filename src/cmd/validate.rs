//! `jiuzhu validate`: checks a policy, rosters and a members file without computing payments,
//! and lists every problem with its file, row, column, the value as written, what is wrong and
//! how to fix it.
//!
//! Everything `check` would refuse or leave undetermined is an error here, and so is what
//! `check` only warns about: malformed ID numbers (wrong check digit, impossible birth date,
//! Excel damage), account numbers damaged by Excel, duplicate household ids and a person heading
//! two households. Rows that are not households (合计/小计 totals, notes under the table) are
//! listed as notes, so that a caseworker can see nothing was dropped. Exit 1 when there is any
//! error, 0 when the files are clean; 2 when a file cannot be opened at all.

use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::columns::Column;
use crate::household::members::{MemberColumn, Members, MembersJoin};
use crate::household::reader::{self, InputError, RecordSource, SkipReason};
use crate::household::{RowError, RowParser, idcard};
use crate::lang::Lang;
use crate::month::Month;
use crate::output::screen::screen_text;
use crate::output::{self, Format, Output, json_object, table};
use crate::pipeline;
use crate::policy::{MonthParams, Policy, PolicyError};
use crate::rules::{self, Decision};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

/// Check a policy and rosters without computing payments.
#[derive(Debug, Args)]
#[command(
    after_help = "Every problem is listed with file, row, column, the value as written, the reason and how to fix it; notes list the rows that were skipped as totals (合计/小计) or notes. Exit 0 when everything is clean, 1 when there is any error, 2 when a file cannot be opened.\n\nExamples:\n  jiuzhu validate -p policies/lanzhou-2022.toml examples/roster.csv\n  jiuzhu validate -p policy.toml 城关镇.xlsx 七里河.csv --members 成员.xlsx\n  jiuzhu validate -p policy.toml roster.csv --format csv -o problems.csv"
)]
#[command(mut_arg("policy", |a| a.required(false).required_unless_present("ledger").default_value("")))]
pub struct ValidateArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// check a payment ledger (the file of `payouts --ledger`) instead: every malformed
    /// line, repeated payment_id or repeated payment, by line (-p is not needed)
    #[arg(long, value_name = "FILE", conflicts_with = "rosters")]
    pub ledger: Option<String>,
    /// rosters to check (CSV in UTF-8 or GBK, .xlsx/.xls/.ods; `-` is stdin)
    #[arg(value_name = "ROSTER")]
    pub rosters: Vec<String>,
    /// the month whose parameters must be in force, and at which ages are taken (default: this month)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<Month>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// mask ID and account numbers in the csv/json listing too (a table always masks them)
    #[arg(long)]
    pub mask: bool,
}

/// The columns of the listing (CSV header and JSON keys).
/// `household_id` and `head_name` follow `row` so that a problem names the household it is
/// in (empty for a problem of a whole file, or of a line that is no household).
pub const COLUMNS: &[&str] = &[
    "file",
    "row",
    "household_id",
    "head_name",
    "column",
    "value",
    "severity",
    "code",
    "reason",
    "fix",
];

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// must be fixed: exit 1
    Error,
    /// for information: a row skipped as a total, a stale policy
    Note,
}

impl Severity {
    fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Note => "note",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Note => "提示",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone)]
pub struct Problem {
    /// the file
    pub file: String,
    /// line or sheet row (`None`: the whole file)
    pub row: Option<u64>,
    /// the household the row is (empty when none is known)
    pub household_id: String,
    /// its head of household's name, as written (empty when none is known)
    pub head_name: String,
    /// column name (or policy key)
    pub column: String,
    /// the value as written
    pub value: String,
    /// error or note
    pub severity: Severity,
    /// stable code
    pub code: String,
    /// the problem in Chinese: reason, then after `：` how to fix it
    pub zh: String,
    /// the problem in English: reason, then after the last `: ` how to fix it
    pub en: String,
    /// reason and fix are given whole in both languages (file-level errors)
    pub whole: bool,
}

impl Problem {
    fn from_row(file: &str, e: &RowError) -> Problem {
        Problem {
            file: file.to_string(),
            row: Some(e.row),
            household_id: String::new(),
            head_name: String::new(),
            column: e.column.clone(),
            value: e.value.clone(),
            severity: Severity::Error,
            code: e.code.to_string(),
            zh: e.zh.clone(),
            en: e.en.clone(),
            whole: false,
        }
    }

    fn from_input(file: &str, e: &InputError) -> Problem {
        let message = e.message();
        Problem {
            file: file.to_string(),
            row: e.line(),
            household_id: String::new(),
            head_name: String::new(),
            column: String::new(),
            value: String::new(),
            severity: Severity::Error,
            code: match e {
                InputError::Broken { .. } => "unreadable_line",
                InputError::Header { .. } => "bad_header",
                InputError::Format { .. } => "bad_format",
                InputError::Io { .. } => "io",
            }
            .to_string(),
            zh: message.clone(),
            en: message,
            whole: true,
        }
    }

    fn file_error(file: &str, column: &str, code: &str, message: String) -> Problem {
        Problem {
            file: file.to_string(),
            row: None,
            household_id: String::new(),
            head_name: String::new(),
            column: column.to_string(),
            value: String::new(),
            severity: Severity::Error,
            code: code.to_string(),
            zh: message.clone(),
            en: message,
            whole: true,
        }
    }

    /// (reason, fix) in `lang`.
    fn reason_fix(&self, lang: Lang) -> (String, String) {
        let text = lang.pick(&self.zh, &self.en);
        if self.whole {
            return (text.to_string(), String::new());
        }
        let split = match lang {
            Lang::Zh => text.split_once('：'),
            Lang::En => text.rsplit_once(": "),
        };
        match split {
            Some((r, f)) => (r.trim().to_string(), f.trim().to_string()),
            None => (text.to_string(), String::new()),
        }
    }
}

/// Rows shown in a terminal table; the rest are counted (write csv or json for all of them).
const TABLE_ROWS: usize = 1000;

/// Where the problems go, as they are found: CSV and JSON stream, a table is rendered at the end.
struct Report {
    out: Output,
    format: Format,
    lang: Lang,
    mask: bool,
    first_json: bool,
    table: Vec<Vec<String>>,
    errors: u64,
    notes: u64,
    /// the current file's headers as written, by column name (for tables)
    labels: HashMap<String, String>,
}

impl Report {
    fn add(&mut self, p: &Problem) -> Result<()> {
        match p.severity {
            Severity::Error => self.errors += 1,
            Severity::Note => self.notes += 1,
        }
        let (reason, fix) = p.reason_fix(self.lang);
        let value = if output::is_id_column(p.column.trim_start_matches("members.")) {
            output::id_cell(&p.value, self.format, self.mask)
        } else {
            std::borrow::Cow::Borrowed(p.value.as_str())
        };
        let row = p.row.map(|r| r.to_string()).unwrap_or_default();
        match self.format {
            Format::Csv => {
                let mut w = output::csv_writer(Vec::new());
                w.write_record([
                    output::text_cell(&p.file).as_ref(),
                    &row,
                    output::text_cell(&p.household_id).as_ref(),
                    output::text_cell(&p.head_name).as_ref(),
                    output::text_cell(&p.column).as_ref(),
                    output::text_cell(&value).as_ref(),
                    p.severity.name(),
                    &p.code,
                    output::text_cell(&reason).as_ref(),
                    output::text_cell(&fix).as_ref(),
                ])?;
                let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
                output::ignore_broken_pipe(self.out.write_all(&bytes))?;
            }
            Format::Json => {
                let mut b = Vec::with_capacity(256);
                if !self.first_json {
                    b.push(b',');
                }
                self.first_json = false;
                json_object(
                    &mut b,
                    COLUMNS.iter().copied().zip([
                        p.file.as_str(),
                        row.as_str(),
                        p.household_id.as_str(),
                        p.head_name.as_str(),
                        p.column.as_str(),
                        value.as_ref(),
                        p.severity.name(),
                        p.code.as_str(),
                        reason.as_str(),
                        fix.as_str(),
                    ]),
                );
                b.push(b'\n');
                output::ignore_broken_pipe(self.out.write_all(&b))?;
            }
            _ => {
                if self.table.len() < TABLE_ROWS {
                    self.table.push(vec![
                        p.file.clone(),
                        row,
                        p.household_id.clone(),
                        p.head_name.clone(),
                        self.labels
                            .get(&p.column)
                            .cloned()
                            .unwrap_or_else(|| column_label(&p.column, self.lang)),
                        value.into_owned(),
                        match self.lang {
                            Lang::Zh => p.severity.zh().to_string(),
                            Lang::En => p.severity.name().to_string(),
                        },
                        reason,
                        fix,
                    ]);
                }
            }
        }
        Ok(())
    }

    fn add_all<'a>(&mut self, problems: impl IntoIterator<Item = &'a Problem>) -> Result<()> {
        for p in problems {
            self.add(p)?;
        }
        Ok(())
    }
}

/// A column as a caseworker knows it: its Chinese header in a Chinese table.
fn column_label(name: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return name.to_string();
    }
    Column::by_name(name)
        .map(Column::zh)
        .or_else(|| MemberColumn::by_name(name).map(MemberColumn::zh))
        .map_or_else(|| name.to_string(), str::to_string)
}

/// What one file gave, for the summary.
struct FileSummary {
    file: String,
    kind: &'static str,
    read_as: String,
    header_line: Option<u64>,
    rows: u64,
    errors: u64,
}

/// The problem a policy that does not load gives.
fn policy_problem(path: &str, e: &PolicyError) -> Problem {
    let (key, message) = match e {
        PolicyError::Parse { key, message, .. } | PolicyError::Invalid { key, message, .. } => {
            (key.clone(), message.clone())
        }
        other => (String::new(), other.to_string()),
    };
    Problem::file_error(path, &key, "policy", message)
}

/// A 64-bit fingerprint (FNV-1a) of an ID number, to find a person heading two households
/// without keeping every number in memory; a collision is reported for a person to check.
fn fingerprint(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One checked row: its problems and its head's normalised ID number.
struct Checked {
    problems: Vec<Problem>,
    head: Option<(u64, String)>,
    household_id: String,
    head_name: String,
}

/// A roster that ends, instead of failing, at a line it cannot read, keeping the error: the
/// rows before it are still checked (the pipeline drops a batch that ends in an error).
struct UpToError<'a> {
    inner: &'a mut dyn RecordSource,
    error: Option<InputError>,
}

impl RecordSource for UpToError<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn header_map(&self) -> &crate::household::columns::HeaderMap {
        self.inner.header_map()
    }

    fn headers(&self) -> &[String] {
        self.inner.headers()
    }

    fn next_record(
        &mut self,
        rec: &mut crate::household::record::Record,
    ) -> Result<Option<u64>, InputError> {
        match self.inner.next_record(rec) {
            Err(e) => {
                self.error = Some(e);
                Ok(None)
            }
            other => other,
        }
    }
}

/// Checks the rows of one chunk: cells, IDs, duplicates and the inputs the rules need.
fn check_rows(
    file: &str,
    parser: &RowParser,
    policy: &Policy,
    params: Option<&MonthParams>,
    today: chrono::NaiveDate,
    rows: &[pipeline::Row],
) -> Vec<Checked> {
    rows.iter()
        .map(|row| {
            let h = parser.parse(row.line, |i| row.record.get(i));
            let mut problems: Vec<Problem> = h
                .errors
                .iter()
                .chain(&h.warnings)
                .map(|e| Problem::from_row(file, e))
                .collect();
            if let Some(first) = row.duplicate_of {
                problems.push(Problem::from_row(
                    file,
                    &RowError {
                        row: row.line,
                        column: Column::HouseholdId.name().into(),
                        value: h.id.clone(),
                        code: "duplicate_household_id",
                        zh: format!("户编号与第 {first} 行重复：每户只能出现一次，请删除重复行或更正户编号"),
                        en: format!("household_id repeats row {first}: each household appears once; delete the repeated row or correct the id"),
                    },
                ));
            }
            if h.errors.is_empty()
                && let Some(params) = params
            {
                let ev = rules::evaluate(policy, params, &h, false);
                if ev.decision == Decision::Undetermined {
                    for c in &ev.missing {
                        problems.push(Problem::from_row(
                            file,
                            &RowError {
                                row: row.line,
                                column: c.name().into(),
                                value: String::new(),
                                code: "missing_input",
                                zh: format!("{}为空，认定该户需要这一项：请补填", c.zh()),
                                en: format!("{} is empty and the decision needs it: fill it in", c.name()),
                            },
                        ));
                    }
                }
            }
            for p in &mut problems {
                p.household_id.clone_from(&h.id);
                p.head_name.clone_from(&h.head_name);
            }
            let head = idcard::parse_id(&h.head_id, today)
                .ok()
                .map(|id| (row.line, id.normalized));
            Checked {
                problems,
                head,
                household_id: h.id,
                head_name: h.head_name,
            }
        })
        .collect()
}

/// `validate --ledger`: lists every problem of a payment ledger, by line. Exit 1 with
/// problems, 0 when clean, 2 when the file cannot be read.
fn run_ledger(args: &ValidateArgs, path: &str) -> Result<i32> {
    let lang = args.out.lang;
    output::refuse_same_files(
        &[("--ledger", path)],
        &super::output_files(&args.out, &[]),
        lang,
    )?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("validate writes table, csv or json");
    }
    let (rows, problems) = crate::ledger::Ledger::check(std::path::Path::new(path))?;
    let listed: Vec<Problem> = problems
        .iter()
        .map(|p| Problem {
            file: path.to_string(),
            row: Some(p.line),
            household_id: String::new(),
            head_name: String::new(),
            column: String::new(),
            value: String::new(),
            severity: Severity::Error,
            code: "ledger_line".into(),
            zh: p.problem.describe(Lang::Zh),
            en: p.problem.describe(Lang::En),
            whole: true,
        })
        .collect();
    let mut group = output::OutputGroup::new(lang);
    let out =
        group.push(Output::create(&args.out, format).context("cannot create the output file")?);
    let fields = |p: &Problem| -> [String; 10] {
        let (reason, fix) = p.reason_fix(lang);
        [
            p.file.clone(),
            p.row.map(|r| r.to_string()).unwrap_or_default(),
            p.household_id.clone(),
            p.head_name.clone(),
            p.column.clone(),
            p.value.clone(),
            p.severity.name().to_string(),
            p.code.clone(),
            reason,
            fix,
        ]
    };
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(COLUMNS)?;
            for p in &listed {
                w.write_record(fields(p).iter().map(|f| output::text_cell(f).into_owned()))?;
            }
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = listed
                .iter()
                .map(|p| {
                    let f = fields(p);
                    serde_json::Value::Object(
                        COLUMNS
                            .iter()
                            .zip(f)
                            .map(|(k, v)| ((*k).to_string(), v.into()))
                            .collect(),
                    )
                })
                .collect();
            let v = serde_json::json!({
                "tool_version": env!("CARGO_PKG_VERSION"),
                "ledger": path,
                "payments": rows.to_string(),
                "problems": list,
            });
            out.write_all((serde_json::to_string_pretty(&v)? + "\n").as_bytes())?;
        }
        _ => {
            let mut text = String::new();
            for p in &listed {
                let row = p.row.unwrap_or(0);
                text.push_str(&match lang {
                    Lang::Zh => format!("{path} 第 {row} 行：{}\n", p.zh),
                    Lang::En => format!("{path} line {row}: {}\n", p.en),
                });
            }
            output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
        }
    }
    group.commit()?;
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu validate --ledger {path}：{rows} 笔有效记录，{} 个问题{}",
            listed.len(),
            if listed.is_empty() {
                ""
            } else {
                "（有问题的台账不能用于发放）"
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu validate --ledger {path}: {rows} valid payments, {} problems{}",
            listed.len(),
            if listed.is_empty() {
                ""
            } else {
                " (payouts refuses a ledger with problems)"
            }
        ),
    }
    output::report_closed_pipe(lang);
    Ok(if listed.is_empty() {
        crate::EXIT_OK
    } else {
        crate::EXIT_ROWS
    })
}

/// Runs `validate`.
pub fn run(args: ValidateArgs) -> Result<i32> {
    if let Some(ledger) = &args.ledger {
        return run_ledger(&args, ledger);
    }
    output::refuse_same_files(
        &super::input_files(&args.policy, &[], &args.input)
            .into_iter()
            .chain(args.rosters.iter().map(|r| ("ROSTER", r.as_str())))
            .collect::<Vec<_>>(),
        &super::output_files(&args.out, &[]),
        args.out.lang,
    )?;
    let month = args.month.unwrap_or_else(Month::current);
    let lang = args.out.lang;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("validate writes table, csv or json");
    }
    // Files that cannot be opened at all stop the run before anything is written.
    for path in args.rosters.iter().chain(&args.input.members) {
        if path != "-" {
            std::fs::File::open(path).with_context(|| format!("cannot read {path}"))?;
        }
    }
    if args.rosters.iter().filter(|p| *p == "-").count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    let policy_path = args.policy.policy.clone();
    let mut first: Vec<Problem> = Vec::new();
    let (policy, policy_ok) = match Policy::load(std::path::Path::new(&policy_path)) {
        Ok(p) => {
            super::warn_policy(&p, args.out.lang);
            (p, true)
        }
        Err(e @ PolicyError::Io { .. }) => return Err(e.into()),
        Err(e) => {
            first.push(policy_problem(&policy_path, &e));
            // Rosters are still checked, against a policy with no areas (regions unchecked).
            let empty = Policy::parse("[policy]\nname = \"(policy not loaded)\"\n", &policy_path)?;
            (empty, false)
        }
    };
    let mut params = None;
    if policy_ok {
        match policy.check_verified(month, args.policy.strict) {
            Ok(Some(w)) => first.push(Problem {
                severity: Severity::Note,
                code: "policy_not_verified".into(),
                ..Problem::file_error(&policy_path, "policy.last_verified", "", w)
            }),
            Ok(None) => {}
            Err(e) => first.push(policy_problem(&policy_path, &e)),
        }
        match policy.month_params(month) {
            Ok(p) => params = Some(p),
            Err(e) => first.push(policy_problem(&policy_path, &e)),
        }
    }
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(COLUMNS)?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let mut header = output::json_header(&policy);
            header["month"] = month.to_string().into();
            let mut head = serde_json::to_string(&header)?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"problems\":[\n")?;
        }
        _ => {}
    }
    let mut report = Report {
        out,
        format,
        lang,
        mask: args.mask,
        first_json: true,
        table: Vec::new(),
        errors: 0,
        notes: 0,
        labels: HashMap::new(),
    };
    report.add_all(&first)?;
    let mut files = vec![FileSummary {
        file: policy_path.clone(),
        kind: "policy",
        read_as: "TOML".into(),
        header_line: None,
        rows: 0,
        errors: report.errors,
    }];

    let today = chrono::Local::now().date_naive();
    let mut opts = super::read_options(&args.input, &policy, args.out.lang)?;
    opts.report = None;

    // The members file: its own rows first, joined to the rosters below.
    let mut join: Option<Arc<MembersJoin>> = None;
    if let Some(path) = &args.input.members {
        let before = report.errors;
        let member_opts = reader::ReadOptions {
            sheet: None,
            ..opts.clone()
        };
        let mut summary = FileSummary {
            file: path.clone(),
            kind: "members",
            read_as: String::new(),
            header_line: None,
            rows: 0,
            errors: 0,
        };
        match Members::load(path, &member_opts, today) {
            Ok(m) => {
                // a member's problems name the household the member is of
                let mut problems: Vec<(&RowError, &str)> =
                    m.keyless.iter().map(|e| (e, "")).collect();
                for p in m.persons() {
                    problems.extend(
                        p.errors
                            .iter()
                            .chain(&p.warnings)
                            .map(|e| (e, p.household_id.as_str())),
                    );
                }
                problems.sort_by_key(|(e, _)| e.row);
                for (e, household) in problems {
                    let mut problem = Problem::from_row(path, e);
                    problem.household_id = household.to_string();
                    report.add(&problem)?;
                }
                for s in &m.skipped {
                    if let Some(p) = skipped_note(path, s) {
                        report.add(&p)?;
                    }
                }
                summary.read_as = m.encoding.clone();
                summary.header_line = Some(m.header_line);
                summary.rows = m.persons;
                join = Some(Arc::new(MembersJoin::new(
                    m,
                    &policy,
                    params
                        .as_ref()
                        .map(|p| rules::dibao::uplift_per_person(&policy, p))
                        .unwrap_or_default(),
                    month,
                    false,
                )));
            }
            Err(e) => report.add(&Problem::from_input(path, &e))?,
        }
        summary.errors = report.errors - before;
        files.push(summary);
    }

    let mut heads: HashMap<u64, (usize, u64)> = HashMap::new();
    let mut rosters_read = 0;
    for (file_index, path) in args.rosters.iter().enumerate() {
        let before = report.errors;
        let mut summary = FileSummary {
            file: path.clone(),
            kind: "roster",
            read_as: String::new(),
            header_line: None,
            rows: 0,
            errors: 0,
        };
        let mut source = match reader::open(path, &opts) {
            Ok(s) => s,
            Err(e) => {
                report.add(&Problem::from_input(path, &e))?;
                summary.errors = report.errors - before;
                files.push(summary);
                continue;
            }
        };
        summary.read_as = source.encoding();
        summary.header_line = Some(source.header_line());
        let parser = match RowParser::new(
            &policy,
            source.header_map().clone(),
            args.input.region.clone(),
            today,
        ) {
            Ok(p) => p,
            Err(message) => {
                let mut p = Problem::file_error(path, "", "missing_column", message);
                p.row = Some(source.header_line());
                report.add(&p)?;
                summary.errors = report.errors - before;
                files.push(summary);
                continue;
            }
        };
        let parser = match &join {
            Some(j) => parser.with_members(Arc::clone(j)),
            None => parser,
        };
        let id_field = parser.header_map().get(Column::HouseholdId);
        // a table names each column as the file's own header does
        report.labels = parser
            .header_map()
            .index
            .iter()
            .filter_map(|(c, i)| {
                let h = source.headers().get(*i)?.trim();
                (!h.is_empty()).then(|| (c.name().to_string(), h.to_string()))
            })
            .collect();
        let mut upto = UpToError {
            inner: source.as_mut(),
            error: None,
        };
        let streamed = pipeline::stream(
            &mut upto,
            id_field,
            |rows| check_rows(path, &parser, &policy, params.as_ref(), today, rows),
            |chunk| {
                summary.rows += chunk.len() as u64;
                for c in chunk {
                    report.add_all(&c.problems)?;
                    if let Some((line, id)) = c.head {
                        let key = fingerprint(&id);
                        match heads.get(&key) {
                            Some((f, first)) => {
                                let where_zh = if *f == file_index {
                                    format!("第 {first} 行")
                                } else {
                                    format!("{} 第 {first} 行", args.rosters[*f])
                                };
                                let where_en = if *f == file_index {
                                    format!("row {first}")
                                } else {
                                    format!("{} row {first}", args.rosters[*f])
                                };
                                let mut p = Problem::from_row(
                                    path,
                                    &RowError {
                                        row: line,
                                        column: Column::HeadId.name().into(),
                                        value: id,
                                        code: "duplicate_head_id",
                                        zh: format!(
                                            "户主身份证号与{where_zh}相同：同一人不能是两户的户主，请核对是否重复登记"
                                        ),
                                        en: format!(
                                            "the head's ID number is the same as on {where_en}: one person cannot head two households; check for a double enrolment"
                                        ),
                                    },
                                );
                                p.household_id = c.household_id;
                                p.head_name = c.head_name;
                                report.add(&p)?;
                            }
                            None => {
                                heads.insert(key, (file_index, line));
                            }
                        }
                    }
                }
                Ok(())
            },
        );
        streamed?;
        report.labels.clear();
        if let Some(e) = upto.error.take() {
            report.add(&Problem::from_input(path, &e))?;
        }
        rosters_read += 1;
        for s in source.skipped() {
            if let Some(p) = skipped_note(path, s) {
                report.add(&p)?;
            }
        }
        summary.errors = report.errors - before;
        files.push(summary);
    }

    if let (Some(j), true) = (&join, rosters_read > 0) {
        let before = report.errors;
        for p in j.unjoined() {
            let mut problem = Problem::from_row(
                &j.members().path,
                &RowError {
                    row: p.row,
                    column: "household_id".into(),
                    value: p.household_id.clone(),
                    code: "member_without_household",
                    zh: format!(
                        "成员“{}”的户编号“{}”不在花名册中：请核对户编号，或把该户补入花名册",
                        p.name, p.household_id
                    ),
                    en: format!(
                        "{}'s household_id \"{}\" is in no roster given: check the id, or add the household to the roster",
                        p.name, p.household_id
                    ),
                },
            );
            problem.household_id.clone_from(&p.household_id);
            report.add(&problem)?;
        }
        if let Some(f) = files.iter_mut().find(|f| f.kind == "members") {
            f.errors += report.errors - before;
        }
    }

    finish(report, &files, lang)
}

/// A note for a skipped row worth a caseworker's look: totals and notes under the table (title
/// rows above the header and column numbers are only counted in the summary).
fn skipped_note(file: &str, s: &reader::Skipped) -> Option<Problem> {
    if !matches!(s.reason, SkipReason::Total | SkipReason::Note) {
        return None;
    }
    Some(Problem {
        file: file.to_string(),
        row: Some(s.line),
        household_id: String::new(),
        head_name: String::new(),
        column: String::new(),
        value: s.text.clone(),
        severity: Severity::Note,
        code: s.reason.code().to_string(),
        zh: format!("{}：若这一行其实是一户，请补上户编号", s.reason.zh()),
        en: format!(
            "{}: if the row is in fact a household, give it a household_id",
            s.reason.en()
        ),
        whole: false,
    })
}

/// Writes the end of the listing and the summary; the exit code.
fn finish(mut report: Report, files: &[FileSummary], lang: Lang) -> Result<i32> {
    match report.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = files
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "file": f.file,
                        "kind": f.kind,
                        "read_as": f.read_as,
                        "header_line": f.header_line.map(|l| l.to_string()),
                        "rows": f.rows.to_string(),
                        "errors": f.errors.to_string(),
                    })
                })
                .collect();
            report.out.write_all(b"],\"files\":")?;
            report
                .out
                .write_all(serde_json::to_string(&list)?.as_bytes())?;
            let tail = serde_json::json!({
                "errors": report.errors.to_string(),
                "notes": report.notes.to_string(),
            });
            let tail = serde_json::to_string(&tail)?;
            report.out.write_all(b",")?;
            report
                .out
                .write_all(tail.trim_start_matches('{').as_bytes())?;
            report.out.write_all(b"\n")?;
        }
        Format::Table => {
            let headers: [&str; 9] = match lang {
                Lang::Zh => [
                    "文件",
                    "行",
                    "户编号",
                    "户主",
                    "列",
                    "原值",
                    "级别",
                    "问题",
                    "如何修改",
                ],
                Lang::En => [
                    "file",
                    "row",
                    "household",
                    "head",
                    "column",
                    "value",
                    "severity",
                    "problem",
                    "how to fix",
                ],
            };
            let shown = report.table.len() as u64;
            let total = report.errors + report.notes;
            let mut text = if report.table.is_empty() {
                String::new()
            } else {
                table::render(&headers, &report.table, &[headers[1]])
            };
            if total > shown {
                text.push_str(&match lang {
                    Lang::Zh => format!(
                        "…… 另有 {} 条未显示：用 --format csv -o 问题清单.csv 导出全部\n",
                        total - shown
                    ),
                    Lang::En => format!(
                        "... and {} more not shown: write them all with --format csv -o problems.csv\n",
                        total - shown
                    ),
                });
            }
            output::ignore_broken_pipe(report.out.write_all(text.as_bytes()))?;
        }
        _ => {}
    }
    let mut group = output::OutputGroup::new(lang);
    group.push(report.out);
    group.commit()?;
    for f in files.iter().filter(|f| f.kind != "policy") {
        let header = f.header_line.unwrap_or(1);
        match lang {
            Lang::Zh => eprintln!(
                "jiuzhu validate：{}（{}，表头在第 {header} 行）：{} 行，{} 个错误",
                screen_text(&f.file),
                if f.read_as.is_empty() {
                    "无法读取"
                } else {
                    &f.read_as
                },
                f.rows,
                f.errors
            ),
            Lang::En => eprintln!(
                "jiuzhu validate: {} ({}, header on line {header}): {} rows, {} errors",
                screen_text(&f.file),
                if f.read_as.is_empty() {
                    "unreadable"
                } else {
                    &f.read_as
                },
                f.rows,
                f.errors
            ),
        }
    }
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu validate：{} 个错误，{} 条提示{}",
            report.errors,
            report.notes,
            if report.errors == 0 {
                "：文件可以使用"
            } else {
                ""
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu validate: {} errors, {} notes{}",
            report.errors,
            report.notes,
            if report.errors == 0 {
                ": the files are clean"
            } else {
                ""
            }
        ),
    }
    Ok(if report.errors == 0 {
        EXIT_OK
    } else {
        EXIT_ROWS
    })
}
