//! `validate`'s checks, as a library: a policy and rosters (and a members file) are read and
//! every problem is handed, as it is found, to a [`Sink`], with file, row, column, the value as
//! written, the reason and how to fix it. Nothing is computed for payment and nothing is
//! printed: the command renders the problems and the per-file summaries.

use crate::household::columns::Column;
use crate::household::members::{MemberColumn, Members, MembersJoin};
use crate::household::reader::{self, InputError, ReadOptions, RecordSource, SkipReason};
use crate::household::{RowError, RowParser, idcard};
use crate::lang::Lang;
use crate::month::Month;
use crate::pipeline;
use crate::policy::{MonthParams, Policy, PolicyError};
use crate::rules::{self, Decision};
use std::collections::HashMap;
use std::sync::Arc;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// must be fixed: exit 1
    Error,
    /// for information: a row skipped as a total, a stale policy
    Note,
}

impl Severity {
    /// The code written in csv and json (`error`, `note`).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Note => "note",
        }
    }

    /// The level in Chinese.
    pub fn zh(self) -> &'static str {
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
    /// A row's problem (a cell error or warning) in `file`.
    pub fn from_row(file: &str, e: &RowError) -> Problem {
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

    /// A problem reading `file` (its header, a line, its format).
    pub fn from_input(file: &str, e: &InputError) -> Problem {
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

    /// A problem of a whole file (or of a key of the policy).
    pub fn file_error(file: &str, column: &str, code: &str, message: String) -> Problem {
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
    pub fn reason_fix(&self, lang: Lang) -> (String, String) {
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

/// A column as a caseworker knows it: its Chinese header in a Chinese table.
pub fn column_label(name: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return name.to_string();
    }
    Column::by_name(name)
        .map(Column::zh)
        .or_else(|| MemberColumn::by_name(name).map(MemberColumn::zh))
        .map_or_else(|| name.to_string(), str::to_string)
}

/// What one file gave, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// the file as given
    pub file: String,
    /// `policy`, `members` or `roster`
    pub kind: &'static str,
    /// how it was read (`UTF-8`, `GBK`, a sheet …); empty when it could not be
    pub read_as: String,
    /// the header's line or row
    pub header_line: Option<u64>,
    /// rows read
    pub rows: u64,
    /// errors found in it
    pub errors: u64,
}

/// Where problems go as they are found.
pub trait Sink {
    /// One problem, in the order found.
    fn problem(&mut self, p: &Problem) -> anyhow::Result<()>;
    /// The current roster's headers as written, by column name (empty between rosters): a
    /// table names each column as the file's own header does.
    fn labels(&mut self, _labels: HashMap<String, String>) {}
}

/// A sink that counts the errors it passes on.
struct Counting<'a> {
    inner: &'a mut dyn Sink,
    errors: u64,
}

impl Counting<'_> {
    fn add(&mut self, p: &Problem) -> anyhow::Result<()> {
        if p.severity == Severity::Error {
            self.errors += 1;
        }
        self.inner.problem(p)
    }
}

/// What to check.
#[derive(Debug, Clone)]
pub struct Config {
    /// the policy file
    pub policy: String,
    /// refuse months after the policy's `last_verified` (else a note)
    pub strict: bool,
    /// the month whose parameters must be in force, and at which ages are taken
    pub month: Month,
    /// the rosters, in order (`-` is stdin)
    pub rosters: Vec<String>,
    /// the members file
    pub members: Option<String>,
    /// `--region` for rosters without a region column
    pub region: Option<String>,
    /// how rosters are read
    pub read: ReadOptions,
    /// the date IDs and ages are checked against (read once)
    pub today: chrono::NaiveDate,
}

/// The policy as loaded for validation: a policy that does not load is a problem, and the
/// rosters are still checked against an empty policy (regions unchecked).
pub struct LoadedPolicy {
    /// the policy (empty when it did not load)
    pub policy: Policy,
    /// whether it loaded
    pub ok: bool,
    /// the parameters of the month, when in force
    pub params: Option<MonthParams>,
    /// its problems, listed first
    pub problems: Vec<Problem>,
}

/// Loads the policy of `cfg`; only a file that cannot be read at all is an error.
pub fn load_policy(path: &str, strict: bool, month: Month) -> Result<LoadedPolicy, PolicyError> {
    let mut problems = Vec::new();
    let (policy, ok) = match Policy::load(std::path::Path::new(path)) {
        Ok(p) => (p, true),
        Err(e @ PolicyError::Io { .. }) => return Err(e),
        Err(e) => {
            problems.push(policy_problem(path, &e));
            let empty = Policy::parse("[policy]\nname = \"(policy not loaded)\"\n", path)?;
            (empty, false)
        }
    };
    let mut params = None;
    if ok {
        match policy.check_verified(month, strict) {
            Ok(Some(w)) => problems.push(Problem {
                severity: Severity::Note,
                code: "policy_not_verified".into(),
                zh: w.describe(Lang::Zh),
                en: w.describe(Lang::En),
                ..Problem::file_error(path, "policy.last_verified", "", String::new())
            }),
            Ok(None) => {}
            Err(e) => problems.push(policy_problem(path, &e)),
        }
        match policy.month_params(month) {
            Ok(p) => params = Some(p),
            Err(e) => problems.push(policy_problem(path, &e)),
        }
    }
    Ok(LoadedPolicy {
        policy,
        ok,
        params,
        problems,
    })
}

/// Checks everything `cfg` names against `loaded`, handing each problem to `sink` as it is
/// found; the summary of each file, the policy first. An error is a sink's failure (the
/// output could not be written), never a problem of the files.
pub fn check(
    cfg: &Config,
    loaded: &LoadedPolicy,
    sink: &mut dyn Sink,
) -> anyhow::Result<Vec<FileSummary>> {
    let mut report = Counting {
        inner: sink,
        errors: 0,
    };
    for p in &loaded.problems {
        report.add(p)?;
    }
    let mut files = vec![FileSummary {
        file: cfg.policy.clone(),
        kind: "policy",
        read_as: "TOML".into(),
        header_line: None,
        rows: 0,
        errors: report.errors,
    }];
    let join = check_members(cfg, loaded, &mut report, &mut files)?;
    let mut heads: HashMap<u64, (usize, u64)> = HashMap::new();
    let mut rosters_read = 0;
    for (file_index, path) in cfg.rosters.iter().enumerate() {
        let roster = Roster {
            index: file_index,
            path,
        };
        let (summary, read) =
            check_roster(cfg, loaded, join.as_ref(), &mut report, &mut heads, roster)?;
        rosters_read += usize::from(read);
        files.push(summary);
    }
    if let (Some(j), true) = (&join, rosters_read > 0) {
        let before = report.errors;
        unjoined_members(j, &mut report)?;
        if let Some(f) = files.iter_mut().find(|f| f.kind == "members") {
            f.errors += report.errors - before;
        }
    }
    Ok(files)
}

/// The members file: its own rows first; the join the rosters are read with.
fn check_members(
    cfg: &Config,
    loaded: &LoadedPolicy,
    report: &mut Counting,
    files: &mut Vec<FileSummary>,
) -> anyhow::Result<Option<Arc<MembersJoin>>> {
    let Some(path) = &cfg.members else {
        return Ok(None);
    };
    let before = report.errors;
    let member_opts = ReadOptions {
        sheet: None,
        ..cfg.read.clone()
    };
    let mut summary = FileSummary {
        file: path.clone(),
        kind: "members",
        read_as: String::new(),
        header_line: None,
        rows: 0,
        errors: 0,
    };
    let mut join = None;
    match Members::load(path, &member_opts, cfg.today) {
        Ok(m) => {
            // a member's problems name the household the member is of
            let mut problems: Vec<(&RowError, &str)> = m.keyless.iter().map(|e| (e, "")).collect();
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
            let policy = &loaded.policy;
            join = Some(Arc::new(MembersJoin::new(
                m,
                policy,
                loaded
                    .params
                    .as_ref()
                    .map(|p| rules::dibao::uplift_per_person(policy, p))
                    .unwrap_or_default(),
                cfg.month,
                false,
            )));
        }
        Err(e) => report.add(&Problem::from_input(path, &e))?,
    }
    summary.errors = report.errors - before;
    files.push(summary);
    Ok(join)
}

/// One roster of the run: its place in the list and its path.
#[derive(Clone, Copy)]
struct Roster<'a> {
    index: usize,
    path: &'a str,
}

/// One roster: opened, its header checked, its rows checked in parallel and in order, the
/// heads' ID numbers compared across every roster so far. The summary, and whether the roster
/// was read (a roster that cannot be opened, or lacks a required column, is not).
fn check_roster(
    cfg: &Config,
    loaded: &LoadedPolicy,
    join: Option<&Arc<MembersJoin>>,
    report: &mut Counting,
    heads: &mut HashMap<u64, (usize, u64)>,
    roster: Roster,
) -> anyhow::Result<(FileSummary, bool)> {
    let path = roster.path;
    let before = report.errors;
    let mut summary = FileSummary {
        file: path.to_string(),
        kind: "roster",
        read_as: String::new(),
        header_line: None,
        rows: 0,
        errors: 0,
    };
    let mut source = match reader::open(path, &cfg.read) {
        Ok(s) => s,
        Err(e) => {
            report.add(&Problem::from_input(path, &e))?;
            summary.errors = report.errors - before;
            return Ok((summary, false));
        }
    };
    summary.read_as = source.encoding();
    summary.header_line = Some(source.header_line());
    let policy = &loaded.policy;
    let parser = match RowParser::new(
        policy,
        source.header_map().clone(),
        cfg.region.clone(),
        cfg.today,
    ) {
        Ok(p) => p,
        Err(message) => {
            let mut p = Problem::file_error(path, "", "missing_column", message);
            p.row = Some(source.header_line());
            report.add(&p)?;
            summary.errors = report.errors - before;
            return Ok((summary, false));
        }
    };
    let parser = match join {
        Some(j) => parser.with_members(Arc::clone(j)),
        None => parser,
    };
    let id_field = parser.header_map().get(Column::HouseholdId);
    report.inner.labels(
        parser
            .header_map()
            .index
            .iter()
            .filter_map(|(c, i)| {
                let h = source.headers().get(*i)?.trim();
                (!h.is_empty()).then(|| (c.name().to_string(), h.to_string()))
            })
            .collect(),
    );
    let mut upto = UpToError {
        inner: source.as_mut(),
        error: None,
    };
    let params = loaded.params.as_ref();
    let streamed = pipeline::stream(
        &mut upto,
        id_field,
        |rows| check_rows(path, &parser, policy, params, cfg.today, rows),
        |chunk| {
            summary.rows += chunk.len() as u64;
            for c in chunk {
                report.add_all(&c.problems)?;
                if let Some((line, id)) = c.head {
                    let key = fingerprint(&id);
                    match heads.get(&key) {
                        Some(&(f, first)) => {
                            let other = (f != roster.index).then(|| cfg.rosters[f].as_str());
                            let mut p = duplicate_head(path, line, id, first, other);
                            p.household_id = c.household_id;
                            p.head_name = c.head_name;
                            report.add(&p)?;
                        }
                        None => {
                            heads.insert(key, (roster.index, line));
                        }
                    }
                }
            }
            Ok(())
        },
    );
    streamed?;
    report.inner.labels(HashMap::new());
    if let Some(e) = upto.error.take() {
        report.add(&Problem::from_input(path, &e))?;
    }
    for s in source.skipped() {
        if let Some(p) = skipped_note(path, s) {
            report.add(&p)?;
        }
    }
    summary.errors = report.errors - before;
    Ok((summary, true))
}

impl Counting<'_> {
    fn add_all(&mut self, problems: &[Problem]) -> anyhow::Result<()> {
        for p in problems {
            self.add(p)?;
        }
        Ok(())
    }
}

/// A head's ID number met before, on row `first` of this roster or of `other`.
fn duplicate_head(path: &str, line: u64, id: String, first: u64, other: Option<&str>) -> Problem {
    let (where_zh, where_en) = match other {
        None => (format!("第 {first} 行"), format!("row {first}")),
        Some(f) => (format!("{f} 第 {first} 行"), format!("{f} row {first}")),
    };
    Problem::from_row(
        path,
        &RowError {
            row: line,
            column: Column::HeadId.name().into(),
            value: id,
            code: "duplicate_head_id",
            zh: format!("户主身份证号与{where_zh}相同：同一人不能是两户的户主，请核对是否重复登记"),
            en: format!(
                "the head's ID number is the same as on {where_en}: one person cannot head two households; check for a double enrolment"
            ),
        },
    )
}

/// After the rosters: person rows of the members file whose household is in none of them.
fn unjoined_members(j: &MembersJoin, report: &mut Counting) -> anyhow::Result<()> {
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
    Ok(())
}

/// `validate --ledger`: the payments of a ledger and every problem of it, by line.
pub fn ledger_problems(path: &str) -> anyhow::Result<(u64, Vec<Problem>)> {
    let (rows, problems) = crate::ledger::Ledger::check(std::path::Path::new(path))?;
    let listed = problems
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
    Ok((rows, listed))
}

/// The problem a policy that does not load gives.
fn policy_problem(path: &str, e: &PolicyError) -> Problem {
    match e {
        PolicyError::Parse { key, message, .. } | PolicyError::Invalid { key, message, .. } => {
            Problem::file_error(path, key, "policy", message.clone())
        }
        PolicyError::Rule { key, zh, en, .. } => Problem {
            zh: zh.clone(),
            en: en.clone(),
            ..Problem::file_error(path, key, "policy", String::new())
        },
        other => Problem {
            zh: other.describe(Lang::Zh),
            en: other.describe(Lang::En),
            ..Problem::file_error(path, "", "policy", String::new())
        },
    }
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
