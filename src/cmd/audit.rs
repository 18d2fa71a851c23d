//! `jiuzhu audit`: supervision checks on a roster (the 2022 notice, sections 3 and 6).
//!
//! Every household is decided by [`crate::rules::evaluate`] exactly as `check` decides it; the audit
//! compares that decision with the roster's enrolment, amounts and identities, and with outside
//! lists. Each finding has a stable code, a severity, the household, the evidence (the values
//! and the rule they break) and a suggested action. Findings come out ranked by kind, in the
//! order of [`Kind::ALL`], and in roster order within a kind.
//!
//! Memory: rows stream through [`pipeline::stream`] like `check`. What is kept per household is
//! one entry per key in two tables (`FirstSeen`; the head's ID number, the bank account), each
//! an 8-byte fingerprint and a 4-byte row-and-status word kept sorted in short buckets: about
//! 13.5 bytes a key with the tables' slack, so about 27 bytes per household with both columns
//! filled (27 MB at a million households; two hash maps of the same entries took 15 to 30
//! bytes a key plus the old table while one grew, 54 MB at a million). Findings
//! are not held: each kind is spilled to its own temporary file and the files are joined in
//! rank order at the end. `--against` lists are held whole (a fingerprint and the entry's line,
//! label and date per listed person).
//!
//! A duplicate is reported on every household involved, each naming the others by household id
//! and row: every row's household is spilled to a temporary file in row order, the duplicate
//! groups (few) are held, and at the end the file is read once for the groups' first rows and
//! the duplicate kinds are written, in row order within each kind.
//!
//! With `--members`, every person of a household (head or not) is a key of the person map, so
//! it holds one 12-byte entry per distinct person: about 13.5 bytes per person, beside the members
//! file itself, which the join holds whole (see [`crate::household::members`]).

use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::columns::Column;
use crate::household::reader::{self, ReadOptions};
use crate::household::{Household, RowParser, Status, cells, idcard};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Format, Output, json_str, table, text_cell};
use crate::pipeline::{self, Row};
use crate::policy::{MonthParams, Policy};
use crate::rules::{Decision, Evaluation, ExitState};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hasher};
use std::io::{BufWriter, Read, Seek, Write};

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

/// Headers taken for the paid amount when `--amount-column` is not given.
const AMOUNT_HEADERS: &[&str] = &[
    "monthly_amount",
    "amount_paid",
    "月保障金额",
    "户月保障金额",
    "月发放金额",
    "月救助金额",
    "保障金额",
    "发放金额",
];
/// Headers of the ID-number column of an `--against` list.
const LIST_ID_HEADERS: &[&str] = &[
    "id_number",
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "证件号码",
    "head_id",
    "户主身份证号",
];
/// Headers of the label column of an `--against` list.
const LIST_LABEL_HEADERS: &[&str] = &["label", "标签", "名单", "名单类别", "类别", "事由"];
/// Headers of a date column of an `--against` list (e.g. the date of death), quoted as evidence.
const LIST_DATE_HEADERS: &[&str] = &["date", "日期", "死亡日期", "登记日期", "发生日期"];

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// the data itself is wrong: nothing can be relied on until it is fixed
    Error,
    /// money is at risk or a person in need is not covered
    High,
    /// to look into
    Medium,
    /// for the record
    Low,
}

impl Severity {
    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::High => "高",
            Severity::Medium => "中",
            Severity::Low => "低",
        }
    }
}

/// The kinds of finding, in rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// enrolled in 低保, no longer eligible by the rules and not in a gradual exit
    ToReview,
    /// eligible for 低保 by the data but not enrolled (proactive discovery, first)
    ToEnrol,
    /// 低保边缘 by the data, not enrolled in anything
    DiscoverEdge,
    /// a 防止返贫监测 household not enrolled in anything
    DiscoverMonitored,
    /// months without income, not enrolled in 低保 or 特困
    DiscoverNoIncome,
    /// the same person enrolled as 低保 in one household and 特困 in another
    DibaoAndTekun,
    /// the same person heads two households
    DuplicatePerson,
    /// two households paid into the same bank account
    SharedBankAccount,
    /// the roster's paid amount differs from the rules' monthly total
    AmountDiffers,
    /// the head's ID number fails GB 11643
    MalformedId,
    /// an enrolled person appears in an `--against` list
    AgainstList,
    /// the row has unreadable cells
    InvalidRow,
    /// a value the rules need is empty
    Undetermined,
}

impl Kind {
    /// Every kind, in rank order.
    pub const ALL: [Kind; 13] = [
        Kind::ToReview,
        Kind::ToEnrol,
        Kind::DiscoverEdge,
        Kind::DiscoverMonitored,
        Kind::DiscoverNoIncome,
        Kind::DibaoAndTekun,
        Kind::DuplicatePerson,
        Kind::SharedBankAccount,
        Kind::AmountDiffers,
        Kind::MalformedId,
        Kind::AgainstList,
        Kind::InvalidRow,
        Kind::Undetermined,
    ];

    /// Position in the ranking, from 1.
    pub fn rank(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0) + 1
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::ToReview => "to_review",
            Kind::ToEnrol => "to_enrol",
            Kind::DiscoverEdge => "discover_edge",
            Kind::DiscoverMonitored => "discover_monitored",
            Kind::DiscoverNoIncome => "discover_no_income",
            Kind::DibaoAndTekun => "dibao_and_tekun",
            Kind::DuplicatePerson => "duplicate_person",
            Kind::SharedBankAccount => "shared_bank_account",
            Kind::AmountDiffers => "amount_differs",
            Kind::MalformedId => "malformed_id",
            Kind::AgainstList => "against_list",
            Kind::InvalidRow => "invalid_row",
            Kind::Undetermined => "undetermined",
        }
    }

    /// A short title.
    pub fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::ToReview => ("在保但已不符合条件", "enrolled, no longer eligible"),
            Kind::ToEnrol => ("符合低保条件但未纳入", "eligible, not enrolled"),
            Kind::DiscoverEdge => ("疑似低保边缘家庭", "likely 低保边缘"),
            Kind::DiscoverMonitored => ("防止返贫监测对象", "防止返贫 monitored household"),
            Kind::DiscoverNoIncome => ("连续无收入", "months without income"),
            Kind::DibaoAndTekun => ("同时享受低保和特困", "低保 and 特困 at once"),
            Kind::DuplicatePerson => ("同一人在两户", "same person in two households"),
            Kind::SharedBankAccount => ("多户共用银行账号", "bank account shared"),
            Kind::AmountDiffers => ("发放金额与计算不符", "amount differs from the rules"),
            Kind::MalformedId => ("身份证号有误", "malformed ID number"),
            Kind::AgainstList => ("出现在比对名单中", "found in a list"),
            Kind::InvalidRow => ("数据无法读取", "unreadable row"),
            Kind::Undetermined => ("缺少数据无法核查", "missing data"),
        };
        lang.pick(zh, en)
    }

    /// The severity a finding of this kind has unless its evidence says otherwise.
    pub fn severity(self) -> Severity {
        match self {
            Kind::ToReview
            | Kind::ToEnrol
            | Kind::DibaoAndTekun
            | Kind::DuplicatePerson
            | Kind::AmountDiffers
            | Kind::AgainstList => Severity::High,
            Kind::DiscoverEdge
            | Kind::DiscoverMonitored
            | Kind::DiscoverNoIncome
            | Kind::SharedBankAccount => Severity::Medium,
            Kind::MalformedId | Kind::InvalidRow => Severity::Error,
            Kind::Undetermined => Severity::Low,
        }
    }

    /// The rule the finding is measured against, with its source.
    pub fn rule(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::ToReview => (
                "低保要求家庭人均计算收入低于当地低保标准；因就业增收超过标准的可给予渐退期（2022 年通知）",
                "低保 requires counted per-capita income below the local standard; a household over it through work may have a gradual exit (2022 notice)",
            ),
            Kind::ToEnrol => (
                "2022 年通知第三条：主动发现，符合条件的及时纳入低保",
                "2022 notice, section 3: find eligible households and enrol them without waiting for an application",
            ),
            Kind::DiscoverEdge => (
                "2022 年通知第三条：低保边缘家庭是主动发现、常态化监测的重点",
                "2022 notice, section 3: 低保边缘 households come first in proactive discovery and monitoring",
            ),
            Kind::DiscoverMonitored => (
                "2022 年通知第三条：防止返贫监测对象纳入主动发现范围",
                "2022 notice, section 3: 防止返贫 monitored households are part of proactive discovery",
            ),
            Kind::DiscoverNoIncome => (
                "2022 年通知第三条、民发〔2020〕69号：未参保失业人员连续无收入的给予临时救助",
                "2022 notice, section 3, and 民发〔2020〕69号: uninsured unemployed people without income get temporary assistance",
            ),
            Kind::DibaoAndTekun => (
                "特困人员不再同时享受低保（《特困人员认定办法》）",
                "a person supported as 特困 is not also paid 低保 (特困人员认定办法)",
            ),
            Kind::DuplicatePerson => (
                "2022 年通知第六条：防止重复享受，一人只能在一户中享受救助",
                "2022 notice, section 6: no duplicate enrolment; a person is assisted in one household only",
            ),
            Kind::SharedBankAccount => (
                "2022 年通知第六条：救助金直接发放到救助对象账户，防止虚报冒领",
                "2022 notice, section 6: payments go to the recipient's own account, against false claims",
            ),
            Kind::AmountDiffers => (
                "发放金额应与按政策计算的金额一致（2022 年通知第六条）",
                "the amount paid must equal the amount the policy gives (2022 notice, section 6)",
            ),
            Kind::MalformedId => (
                "身份证号应符合 GB 11643-1999（校验位、出生日期）",
                "ID numbers follow GB 11643-1999 (check digit, birth date)",
            ),
            Kind::AgainstList => (
                "2022 年通知第六条：防止虚报冒领、关系保、人情保",
                "2022 notice, section 6: against false claims and enrolment by connections",
            ),
            Kind::InvalidRow => (
                "花名册每个单元格都应能读取",
                "every cell of the roster must be readable",
            ),
            Kind::Undetermined => (
                "认定所需的数据不能为空",
                "the inputs a decision needs must be filled in",
            ),
        };
        lang.pick(zh, en)
    }

    /// What to do about it.
    pub fn action(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::ToReview => (
                "入户复核收入；因就业增收的办理渐退，否则按程序停发",
                "re-check the income at home; start a gradual exit if the rise is from work, else stop payment by the procedure",
            ),
            Kind::ToEnrol => (
                "联系该户，核实收入和财产后按程序纳入低保",
                "contact the household, verify income and assets, and enrol it",
            ),
            Kind::DiscoverEdge => (
                "核实后认定为低保边缘家庭，纳入常态化监测",
                "verify and register it as 低保边缘 for regular monitoring",
            ),
            Kind::DiscoverMonitored => (
                "核实家庭收入，符合条件的纳入相应救助",
                "verify the household's income and enrol it where it qualifies",
            ),
            Kind::DiscoverNoIncome => (
                "核实就业和参保情况，符合条件的给予临时救助",
                "verify work and insurance; grant temporary assistance where it qualifies",
            ),
            Kind::DibaoAndTekun => (
                "核实后停发低保，只保留特困供养",
                "verify and stop the 低保 payment; keep the 特困 support only",
            ),
            Kind::DuplicatePerson => (
                "核实该人实际共同生活的家庭，注销重复户",
                "find the household the person really lives in and close the duplicate",
            ),
            Kind::SharedBankAccount => (
                "核实账户开户人，改为本户户主本人账户",
                "verify the account holder and pay into the household head's own account",
            ),
            Kind::AmountDiffers => (
                "核对发放金额：多发的追回，少发的补发",
                "check the payment: recover what was overpaid, pay what was underpaid",
            ),
            Kind::MalformedId => (
                "对照身份证原件更正身份证号",
                "correct the ID number from the identity card",
            ),
            Kind::AgainstList => (
                "核实名单情况：已死亡的停发并追回，工作人员亲属的备案复核",
                "verify: stop and recover payments after death; review and record staff relatives",
            ),
            Kind::InvalidRow => ("更正本行数据后重新核查", "correct the row and audit again"),
            Kind::Undetermined => (
                "补充缺失的数据后重新核查",
                "fill in the missing data and audit again",
            ),
        };
        lang.pick(zh, en)
    }
}

/// One finding about one household.
#[derive(Debug, Clone)]
pub struct Finding {
    /// the kind
    pub kind: Kind,
    /// how serious it is
    pub severity: Severity,
    /// the household and what the rules decided for it
    pub head: Head,
    /// the values that show it, in words
    pub evidence: String,
}

/// The household a finding is about.
#[derive(Debug, Clone)]
pub struct Head {
    /// 户编号
    pub household_id: String,
    /// line number in the roster
    pub row: u64,
    /// 乡镇街道
    pub township: String,
    /// 户主姓名, as written
    pub head_name: String,
    /// 户主身份证号, as written (whole in files, masked in terminal tables)
    pub head_id: String,
    /// enrolment
    pub status: Status,
    /// the rules' decision
    pub decision: Decision,
    /// the rules' monthly total (`None` when the row was not decided)
    pub monthly_total: Option<Decimal>,
}

/// An `--against` list, loaded: ID fingerprints and where each was found.
struct Lists {
    names: Vec<String>,
    entries: HashMap<u64, Vec<ListHit>>,
}

struct ListHit {
    list: usize,
    line: u64,
    label: Option<String>,
    date: Option<String>,
}

/// Fingerprint of a person's or account's key, with a domain byte so that an ID number and an
/// account number never meet. 64 bits: two different keys of a million share one with a
/// chance of about one in thirty million; a shared fingerprint is a finding for a person to
/// check, never a payment changed.
fn fingerprint(domain: u8, key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    h.write_u8(domain);
    h.write(key.as_bytes());
    h.finish()
}

const PERSON: u8 = 1;
/// The column of a members-file ID problem, as attached to its household.
const MEMBER_ID: &str = "members.id_number";
const ACCOUNT: u8 = 2;

/// The key a person is known by: the normalised 18-character ID (an old 15-digit number is
/// widened to its 18-character form, so both spellings meet), or the cell as written,
/// upper-cased, when it does not parse.
fn person_key(raw: &str, today: chrono::NaiveDate) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    Some(match idcard::parse_id(t, today) {
        Ok(id) if id.normalized.len() == 15 => widen_15(&id.normalized),
        Ok(id) => id.normalized,
        Err(_) => t.to_uppercase(),
    })
}

/// GB 11643: an old 15-digit number becomes 18 characters by inserting the century `19`
/// before the two-digit year and appending the check character.
fn widen_15(old: &str) -> String {
    let mut s = String::with_capacity(18);
    s.push_str(&old[..6]);
    s.push_str("19");
    s.push_str(&old[6..]);
    let first17: Option<&[u8; 17]> = s.as_bytes().get(..17).and_then(|b| b.try_into().ok());
    if let Some(f) = first17 {
        let c = idcard::check_char(f);
        s.push(c);
    }
    s
}

fn account_key(raw: &str) -> Option<String> {
    let k: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (!k.is_empty()).then_some(k)
}

/// The row-and-status word kept per key: the line (up to 2^29 − 1) and the enrolment.
fn pack(line: u64, status: Status) -> u32 {
    let line = u32::try_from(line.min((1 << 29) - 1)).unwrap_or(0);
    let s = match status {
        Status::None => 0,
        Status::Dibao => 1,
        Status::Tekun => 2,
        Status::Edge => 3,
    };
    (line << 3) | s
}

fn unpack(word: u32) -> (u64, Status) {
    let status = match word & 7 {
        1 => Status::Dibao,
        2 => Status::Tekun,
        3 => Status::Edge,
        _ => Status::None,
    };
    (u64::from(word >> 3), status)
}

fn status_zh(s: Status) -> &'static str {
    match s {
        Status::None => "无",
        Status::Dibao => "低保",
        Status::Tekun => "特困",
        Status::Edge => "低保边缘",
    }
}

/// The roster's paid-amount cell of a row: its header, the raw text, and the text read.
type PaidCell<'a> = (&'a str, &'a str, Result<Option<Decimal>, cells::CellError>);

struct Ctx<'a> {
    policy: &'a Policy,
    params: &'a MonthParams,
    parser: &'a RowParser<'a>,
    lang: Lang,
    /// mask ID and account numbers (tables on screen)
    mask: bool,
    amount: Option<(usize, String)>,
    lists: &'a Lists,
    today: chrono::NaiveDate,
}

/// What a worker found for one row, with the keys the sequential duplicate checks need.
struct Audited {
    head: Head,
    findings: Vec<Finding>,
    /// the head, then (with `--members`) every other person of the household, once each
    persons: Vec<Who>,
    account: Option<(u64, String)>,
}

/// A person of a household, as the duplicate and list checks know them.
#[derive(Clone)]
struct Who {
    /// fingerprint of `key`
    fp: u64,
    /// the normalised ID number ([`person_key`])
    key: String,
    /// 姓名 (the roster's head_name for the head)
    name: String,
    /// the roster's head (`head_id`), as opposed to another person of the members file
    is_head: bool,
    /// the person's line in the members file, when they are in it
    member_row: Option<u64>,
    /// counted in the household's `members` (the members file's `covered`; the head: yes)
    covered: bool,
}

impl Ctx<'_> {
    fn shown(&self, id: &str) -> String {
        if self.mask {
            idcard::mask(id)
        } else {
            id.to_string()
        }
    }

    fn money(&self, v: Option<Decimal>) -> String {
        v.map(fmt_money).unwrap_or_else(|| "?".into())
    }

    fn work(&self, rows: &[Row]) -> Vec<Audited> {
        rows.iter().map(|r| self.audit_row(r)).collect()
    }

    fn audit_row(&self, row: &Row) -> Audited {
        let (h, ev) = super::check::evaluate_row(self.policy, self.params, self.parser, row, false);
        let head = Head {
            household_id: h.id.clone(),
            row: h.row,
            township: h.township.clone(),
            head_name: h.head_name.clone(),
            head_id: h.head_id.clone(),
            status: h.status,
            decision: ev.decision,
            monthly_total: ev.decision.is_decided().then(|| ev.monthly_total()),
        };
        let mut found: Vec<(Kind, Severity, String)> = Vec::new();
        let add = |found: &mut Vec<(Kind, Severity, String)>, kind: Kind, evidence: String| {
            found.push((kind, kind.severity(), evidence));
        };
        let amount = self.amount.as_ref().map(|(i, header)| {
            let raw = row.record.get(*i).unwrap_or("");
            (header.as_str(), raw, cells::parse_money(raw))
        });
        match ev.decision {
            Decision::Invalid => {
                let why: Vec<String> = if h.errors.is_empty() {
                    vec![format!("{}: {}", Column::Region.name(), h.region)]
                } else {
                    h.errors.iter().map(|e| e.describe(self.lang)).collect()
                };
                add(
                    &mut found,
                    Kind::InvalidRow,
                    why.join(self.lang.pick("；", "; ")),
                );
            }
            // undetermined for want of a policy table, not of a cell: the message says which
            Decision::Undetermined if ev.missing.is_empty() => add(
                &mut found,
                Kind::Undetermined,
                crate::rules::message(self.policy, &h, &ev, self.lang),
            ),
            Decision::Undetermined => {
                let missing: Vec<String> = ev
                    .missing
                    .iter()
                    .map(|c| match self.lang {
                        Lang::Zh => format!("{}（{}）", c.zh(), c.name()),
                        Lang::En => c.name().to_string(),
                    })
                    .collect();
                add(
                    &mut found,
                    Kind::Undetermined,
                    match self.lang {
                        Lang::Zh => format!("缺少 {}，无法认定", missing.join("、")),
                        Lang::En => format!("missing {}: cannot decide", missing.join(", ")),
                    },
                );
            }
            _ => {}
        }
        if ev.to_review(&h) {
            let paid = match &amount {
                Some((header, _, Ok(Some(v)))) => match self.lang {
                    Lang::Zh => format!("；花名册“{header}”为 {} 元", fmt_money(*v)),
                    Lang::En => format!("; the roster's \"{header}\" is {}", fmt_money(*v)),
                },
                _ => String::new(),
            };
            add(
                &mut found,
                Kind::ToReview,
                self.review_evidence(&ev) + &paid,
            );
        }
        if let Some((kind, evidence)) = self.discovery(&h, &ev) {
            add(&mut found, kind, evidence);
        }
        if let Some(finding) = self.amount_finding(&h, &ev, amount) {
            found.push(finding);
        }
        // A malformed ID of the head, or of a member (whose duplicates are their own finding).
        for w in &h.warnings {
            let (zh, en) = if w.column == Column::HeadId.name() {
                ("户主身份证号", "head_id")
            } else if w.column == MEMBER_ID && w.code != "duplicate_id_number" {
                ("成员身份证号", "member id_number")
            } else {
                continue;
            };
            let shown = self.shown(&w.value);
            add(
                &mut found,
                Kind::MalformedId,
                match self.lang {
                    Lang::Zh => format!("{zh}“{shown}”（{}）：{}", w.code, w.zh),
                    Lang::En => format!("{en} \"{shown}\" ({}): {}", w.code, w.en),
                },
            );
        }
        let persons = self.persons(&h, row.duplicate_of.is_some(), &mut found);
        if h.status != Status::None {
            for who in &persons {
                for hit in self.lists.entries.get(&who.fp).into_iter().flatten() {
                    add(
                        &mut found,
                        Kind::AgainstList,
                        self.list_evidence(&h, who, hit),
                    );
                }
            }
        }
        Audited {
            findings: found
                .into_iter()
                .map(|(kind, severity, evidence)| Finding {
                    kind,
                    severity,
                    head: head.clone(),
                    evidence,
                })
                .collect(),
            head,
            persons,
            account: account_key(&h.bank_account).map(|k| (fingerprint(ACCOUNT, &k), k)),
        }
    }

    fn review_evidence(&self, ev: &Evaluation) -> String {
        let pc = self.money(ev.per_capita_income);
        let st = self.money(ev.standard);
        let exit = match (ev.exit, self.lang) {
            (Some(ExitState::Ended), Lang::Zh) => "渐退期已满",
            (Some(ExitState::Ended), Lang::En) => "its gradual exit is over",
            (Some(ExitState::OverCeiling), Lang::Zh) => "人均收入已达渐退上限",
            (Some(ExitState::OverCeiling), Lang::En) => "income reached the exit ceiling",
            (Some(ExitState::NotStarted), Lang::Zh) => "渐退起始月晚于核查月份",
            (Some(ExitState::NotStarted), Lang::En) => "its exit starts after this month",
            (_, Lang::Zh) => "未登记渐退期",
            (_, Lang::En) => "no gradual exit recorded",
        };
        let edge = ev.decision == Decision::Edge;
        match self.lang {
            Lang::Zh => format!(
                "保障类别为低保，但人均计算收入 {pc} 元不低于低保标准 {st} 元，{exit}{}",
                if edge { "（属低保边缘）" } else { "" }
            ),
            Lang::En => format!(
                "enrolled as 低保, but counted per-capita income {pc} is not below the standard {st}; {exit}{}",
                if edge {
                    " (低保边缘 by income)"
                } else {
                    ""
                }
            ),
        }
    }

    /// Proactive discovery in the notice's order: eligible but not enrolled, then 低保边缘,
    /// then 防止返贫 monitored households, then households without income. One finding per
    /// household, the first that applies, with the other signs noted in its evidence.
    fn discovery(&self, h: &Household, ev: &Evaluation) -> Option<(Kind, String)> {
        let pc = self.money(ev.per_capita_income);
        let st = self.money(ev.standard);
        let unenrolled = h.status == Status::None;
        let monitored = h.categories.has("monitored");
        let no_income = h.months_without_income.filter(|m| *m > 0);
        let mut signs: Vec<(Kind, String)> = Vec::new();
        if ev.to_enrol(h) {
            signs.push((
                Kind::ToEnrol,
                match self.lang {
                    Lang::Zh => format!(
                        "保障类别为{}，但人均计算收入 {pc} 元低于低保标准 {st} 元，按规则每月应发 {} 元",
                        status_zh(h.status),
                        fmt_money(ev.monthly_total())
                    ),
                    Lang::En => format!(
                        "enrolment {}, but counted per-capita income {pc} is below the standard {st}: the rules give {} a month",
                        h.status.name(),
                        fmt_money(ev.monthly_total())
                    ),
                },
            ));
        }
        if unenrolled && ev.decision == Decision::Edge {
            let multiple = self
                .policy
                .file
                .edge
                .as_ref()
                .map(|e| e.multiple.to_string())
                .unwrap_or_default();
            signs.push((
                Kind::DiscoverEdge,
                match self.lang {
                    Lang::Zh => format!(
                        "未纳入任何保障，人均计算收入 {pc} 元不低于低保标准 {st} 元，但低于其 {multiple} 倍"
                    ),
                    Lang::En => format!(
                        "not enrolled; counted per-capita income {pc} is not below the standard {st} but below {multiple} times it"
                    ),
                },
            ));
        }
        if unenrolled && monitored {
            signs.push((
                Kind::DiscoverMonitored,
                match self.lang {
                    Lang::Zh => format!(
                        "防止返贫监测对象，未纳入任何保障；人均计算收入 {pc} 元，低保标准 {st} 元"
                    ),
                    Lang::En => format!(
                        "防止返贫 monitored, not enrolled; counted per-capita income {pc}, standard {st}"
                    ),
                },
            ));
        }
        if let Some(months) = no_income
            && matches!(h.status, Status::None | Status::Edge)
        {
            let insured = match (h.unemployment_insured, self.lang) {
                (Some(true), Lang::Zh) => "已参加失业保险",
                (Some(true), Lang::En) => "insured against unemployment",
                (Some(false), Lang::Zh) => "未参加失业保险",
                (Some(false), Lang::En) => "not insured against unemployment",
                (None, Lang::Zh) => "是否参加失业保险未填",
                (None, Lang::En) => "unemployment insurance not given",
            };
            signs.push((
                Kind::DiscoverNoIncome,
                match self.lang {
                    Lang::Zh => format!(
                        "保障类别为{}，连续无收入 {months} 个月，{insured}",
                        status_zh(h.status)
                    ),
                    Lang::En => format!(
                        "enrolment {}, {months} consecutive months without income, {insured}",
                        h.status.name()
                    ),
                },
            ));
        }
        let mut signs = signs.into_iter();
        let (kind, mut evidence) = signs.next()?;
        let others: Vec<&str> = signs.map(|(k, _)| k.code()).collect();
        if !others.is_empty() {
            evidence.push_str(&match self.lang {
                Lang::Zh => format!("；另见：{}", others.join("、")),
                Lang::En => format!("; also: {}", others.join(", ")),
            });
        }
        Some((kind, evidence))
    }

    /// The roster's paid amount against the rules, for households the rules pay and the roster
    /// enrols (an unenrolled household is a discovery finding, an enrolled ineligible one is
    /// `to_review`, with the amount in its evidence).
    fn amount_finding(
        &self,
        h: &Household,
        ev: &Evaluation,
        amount: Option<PaidCell<'_>>,
    ) -> Option<(Kind, Severity, String)> {
        let (header, raw, parsed) = amount?;
        let paid_by_rules = matches!(
            ev.decision,
            Decision::Dibao | Decision::Tekun | Decision::GradualExit
        );
        if !paid_by_rules || !matches!(h.status, Status::Dibao | Status::Tekun) {
            return None;
        }
        let rules_total = ev.monthly_total();
        match parsed {
            Ok(None) => None,
            Err(e) => Some((
                Kind::AmountDiffers,
                Severity::Medium,
                match self.lang {
                    Lang::Zh => format!(
                        "花名册“{header}”为“{raw}”，{}；按规则每月应发 {} 元",
                        e.zh(),
                        fmt_money(rules_total)
                    ),
                    Lang::En => format!(
                        "the roster's \"{header}\" is \"{raw}\": {}; the rules give {} a month",
                        e.en(),
                        fmt_money(rules_total)
                    ),
                },
            )),
            Ok(Some(paid)) if paid != rules_total => {
                let diff = paid - rules_total;
                let over = diff > Decimal::ZERO;
                let parts = self.parts(ev);
                Some((
                    Kind::AmountDiffers,
                    if over {
                        Severity::High
                    } else {
                        Severity::Medium
                    },
                    match self.lang {
                        Lang::Zh => format!(
                            "花名册“{header}”为 {} 元，按规则应为 {} 元（{parts}），{} {} 元",
                            fmt_money(paid),
                            fmt_money(rules_total),
                            if over { "多发" } else { "少发" },
                            fmt_money(diff.abs())
                        ),
                        Lang::En => format!(
                            "the roster's \"{header}\" is {}, the rules give {} ({parts}): {} by {}",
                            fmt_money(paid),
                            fmt_money(rules_total),
                            if over { "overpaid" } else { "underpaid" },
                            fmt_money(diff.abs())
                        ),
                    },
                ))
            }
            Ok(Some(_)) => None,
        }
    }

    /// The non-zero parts of the rules' monthly total, named.
    fn parts(&self, ev: &Evaluation) -> String {
        let items = [
            (ev.dibao_amount, "低保金", "grant"),
            (ev.uplift_amount, "分类施保", "uplift"),
            (ev.tekun_basic, "特困基本生活费", "特困 basic"),
            (ev.tekun_care, "照料护理费", "care"),
            (ev.gradual_exit_amount, "渐退金", "gradual exit"),
        ];
        let parts: Vec<String> = items
            .iter()
            .filter(|(v, _, _)| !v.is_zero())
            .map(|(v, zh, en)| format!("{} {}", self.lang.pick(zh, en), fmt_money(*v)))
            .collect();
        parts.join(" + ")
    }

    /// The persons of a household, each once: the head (by `head_id`), then with `--members`
    /// every person row of the household with an ID number. The head's own person row is the
    /// head; a second person row with an ID already seen in the household is a
    /// `duplicate_person` finding here (the same person listed twice in one household). A row
    /// that repeats an earlier household id (already `invalid_row`) brings no person rows:
    /// they are the earlier household's, and each would otherwise count as a duplicate.
    fn persons(
        &self,
        h: &Household,
        repeated_id: bool,
        found: &mut Vec<(Kind, Severity, String)>,
    ) -> Vec<Who> {
        let mut persons: Vec<Who> = Vec::new();
        if let Some(key) = person_key(&h.head_id, self.today) {
            persons.push(Who {
                fp: fingerprint(PERSON, &key),
                key,
                name: h.head_name.clone(),
                is_head: true,
                member_row: None,
                covered: true,
            });
        }
        let rows = self
            .parser
            .members()
            .filter(|_| !repeated_id && !h.id.is_empty())
            .and_then(|j| j.members().household(&h.id))
            .unwrap_or(&[]);
        for p in rows {
            let Some(key) = person_key(&p.id_number, self.today) else {
                continue;
            };
            match persons.iter_mut().find(|w| w.key == key) {
                Some(w) if w.is_head && w.member_row.is_none() => {
                    w.member_row = Some(p.row);
                    w.covered = p.covered;
                    if w.name.is_empty() {
                        w.name.clone_from(&p.name);
                    }
                }
                Some(w) => {
                    let id = self.shown(&key);
                    let first = w.member_row.map(|r| r.to_string()).unwrap_or_default();
                    found.push((
                        Kind::DuplicatePerson,
                        Kind::DuplicatePerson.severity(),
                        match self.lang {
                            Lang::Zh => format!(
                                "身份证号 {id} 在本户成员名单中出现两次（第 {first} 行 {}、第 {} 行 {}）：同一人只能登记一次",
                                w.name, p.row, p.name
                            ),
                            Lang::En => format!(
                                "ID {id} is listed twice among this household's persons (members rows {first} {} and {} {}): a person is listed once",
                                w.name, p.row, p.name
                            ),
                        },
                    ));
                }
                None => persons.push(Who {
                    fp: fingerprint(PERSON, &key),
                    key,
                    name: p.name.clone(),
                    is_head: false,
                    member_row: Some(p.row),
                    covered: p.covered,
                }),
            }
        }
        persons
    }

    /// Who a person is, for evidence: `户主 张三（620102…，成员名单第 4 行）`.
    fn who(&self, w: &Who) -> String {
        let id = self.shown(&w.key);
        let row = w.member_row.filter(|_| self.parser.members().is_some());
        match self.lang {
            Lang::Zh => format!(
                "{} {}（{id}{}{}）",
                if w.is_head { "户主" } else { "成员" },
                w.name,
                row.map(|r| format!("，成员名单第 {r} 行"))
                    .unwrap_or_default(),
                if w.covered { "" } else { "，非保障对象" },
            ),
            Lang::En => format!(
                "{} {} ({id}{}{})",
                if w.is_head { "head" } else { "member" },
                w.name,
                row.map(|r| format!(", members row {r}"))
                    .unwrap_or_default(),
                if w.covered { "" } else { ", not covered" },
            ),
        }
    }

    fn list_evidence(&self, h: &Household, who: &Who, hit: &ListHit) -> String {
        let list = &self.lists.names[hit.list];
        let label = hit.label.as_deref().unwrap_or(list);
        let line = hit.line;
        let date = match (hit.date.as_deref().filter(|d| !d.is_empty()), self.lang) {
            (Some(d), Lang::Zh) => format!("，日期 {d}"),
            (Some(d), Lang::En) => format!(", date {d}"),
            (None, _) => String::new(),
        };
        let (zh, en) = (status_zh(h.status), h.status.name());
        if !who.is_head || self.parser.members().is_some() {
            let who = self.who(who);
            return match self.lang {
                Lang::Zh => {
                    format!("{who}，本户保障类别{zh}，出现在名单“{label}”（第 {line} 行{date}）")
                }
                Lang::En => format!(
                    "{who}, in a household enrolled as {en}, is in the list \"{label}\" (line {line}{date})"
                ),
            };
        }
        let (name, id) = (&h.head_name, self.shown(&who.key));
        match self.lang {
            Lang::Zh => format!(
                "户主 {name}（{id}，保障类别{zh}）出现在名单“{label}”（第 {line} 行{date}）"
            ),
            Lang::En => format!(
                "head {name} ({id}, enrolled as {en}) is in the list \"{label}\" (line {line}{date})"
            ),
        }
    }

    /// The person of key `key` as the household of a spilled row knows them: its head (by
    /// `head_id`) or, with `--members`, one of its person rows.
    fn who_in(&self, r: &RowRecord, key: &str) -> Option<Who> {
        // only a members file makes the earlier household's person worth naming: without it,
        // the evidence names the other households only
        self.parser.members()?;
        let is_head = person_key(&r.head.head_id, self.today).as_deref() == Some(key);
        let p = self
            .parser
            .members()
            .filter(|_| !r.head.household_id.is_empty())
            .and_then(|j| j.members().household(&r.head.household_id))
            .unwrap_or(&[])
            .iter()
            .find(|p| person_key(&p.id_number, self.today).as_deref() == Some(key));
        if !is_head && p.is_none() {
            return None;
        }
        let name = match p {
            Some(p) if !is_head || r.head.head_name.is_empty() => p.name.clone(),
            _ => r.head.head_name.clone(),
        };
        Some(Who {
            fp: fingerprint(PERSON, key),
            key: key.to_string(),
            name,
            is_head,
            member_row: p.map(|p| p.row),
            covered: p.is_none_or(|p| p.covered),
        })
    }

    /// The other households of a duplicate, with their enrolment:
    /// `第 2 行户 H001（保障类别低保）、第 9 行户 H009（保障类别特困）`.
    fn others_enrolled(&self, others: &[&Head]) -> String {
        let named: Vec<String> = others
            .iter()
            .map(|h| match self.lang {
                Lang::Zh => format!(
                    "{}（保障类别{}）",
                    household_named(h, self.lang),
                    status_zh(h.status)
                ),
                Lang::En if h.household_id.is_empty() => format!(
                    "the household on row {} (enrolled as {})",
                    h.row,
                    h.status.name()
                ),
                Lang::En => format!(
                    "household {} (row {}, enrolled as {})",
                    h.household_id,
                    h.row,
                    h.status.name()
                ),
            })
            .collect();
        named.join(self.lang.pick("、", " and "))
    }

    /// The evidence of `duplicate_person` / `dibao_and_tekun` for household `head`, naming
    /// every other household of the group.
    fn person_evidence(
        &self,
        key: &str,
        head: &Head,
        who: Option<&Who>,
        others: &[&Head],
    ) -> String {
        let id = self.shown(key);
        let there = self.others_enrolled(others);
        let (zh, en) = (status_zh(head.status), head.status.name());
        match (self.parser.members().is_some(), who) {
            (true, Some(who)) => match self.lang {
                Lang::Zh => format!("{}也在{there}；本户保障类别{zh}", self.who(who)),
                Lang::En => format!("{} is also in {there}; enrolment here {en}", self.who(who)),
            },
            (true, None) => match self.lang {
                Lang::Zh => format!("身份证号 {id} 也在{there}；本户保障类别{zh}"),
                Lang::En => format!("ID {id} is also in {there}; enrolment here {en}"),
            },
            (false, _) => match self.lang {
                Lang::Zh => format!("户主身份证号 {id} 也是{there}的户主；本户保障类别{zh}"),
                Lang::En => {
                    format!("head ID {id} also heads {there}; enrolment here {en}")
                }
            },
        }
    }

    /// The evidence of `shared_bank_account`, naming every other household with the account.
    fn account_evidence(&self, key: &str, others: &[&Head]) -> String {
        let acct = self.shown(key);
        let named: Vec<String> = others
            .iter()
            .map(|h| household_named(h, self.lang))
            .collect();
        match self.lang {
            Lang::Zh => format!("银行账号 {acct} 与{} 相同", named.join("、")),
            Lang::En => format!(
                "bank account {acct} is also the account of {}",
                named.join(" and ")
            ),
        }
    }
}

/// The keys seen so far (fingerprints), each with the packed word of the row it was first
/// seen on, in 12 bytes: the fingerprint's halves and the word, with no hash-table slack.
///
/// Entries are kept sorted in buckets by the fingerprint's leading bits (fingerprints are
/// uniform, so the buckets fill evenly); a bucket grows by an eighth at a time, and when they
/// average [`Self::SPLIT_AT`] entries every bucket is cut in two on the next bit. A lookup is
/// a binary search in one short bucket, an insert moves a few hundred bytes. About 13.5 bytes
/// a key, where a hash map of the same 12-byte entries takes 15 to 30 plus the old table
/// while it grows.
struct FirstSeen {
    /// `1 << bits` buckets, each sorted by fingerprint
    buckets: Vec<Vec<[u32; 3]>>,
    bits: u32,
    len: usize,
}

impl Default for FirstSeen {
    fn default() -> FirstSeen {
        FirstSeen {
            buckets: vec![Vec::new(); 1 << Self::MIN_BITS],
            bits: Self::MIN_BITS,
            len: 0,
        }
    }
}

impl FirstSeen {
    const MIN_BITS: u32 = 6;
    /// At most 2^24 buckets: beyond that buckets just grow longer.
    const MAX_BITS: u32 = 24;
    /// The average bucket length at which the buckets double.
    const SPLIT_AT: usize = 64;

    /// The word recorded for `fp`; when `fp` is new, records `word` and returns it (as
    /// `*map.entry(fp).or_insert(word)` would).
    fn first_or_insert(&mut self, fp: u64, word: u32) -> u32 {
        // Splitting a u64 into its halves: the casts keep exactly the bits asked for.
        let key = [(fp >> 32) as u32, fp as u32];
        let bucket = &mut self.buckets[Self::bucket(key[0], self.bits)];
        match bucket.binary_search_by(|e| [e[0], e[1]].cmp(&key)) {
            Ok(at) => bucket[at][2],
            Err(at) => {
                if bucket.len() == bucket.capacity() {
                    bucket.reserve_exact((bucket.len() / 8).max(4));
                }
                bucket.insert(at, [key[0], key[1], word]);
                self.len += 1;
                if self.len > Self::SPLIT_AT << self.bits && self.bits < Self::MAX_BITS {
                    self.split();
                }
                word
            }
        }
    }

    /// The bucket of a fingerprint whose upper half is `hi`: its leading `bits` bits.
    fn bucket(hi: u32, bits: u32) -> usize {
        (hi >> (32 - bits)) as usize
    }

    /// Doubles the buckets: each is cut where the next bit of its (sorted) fingerprints turns 1.
    fn split(&mut self) {
        let bits = self.bits + 1;
        let old = std::mem::take(&mut self.buckets);
        let mut buckets = Vec::with_capacity(old.len() * 2);
        for mut lower in old {
            let at = lower.partition_point(|e| Self::bucket(e[0], bits) & 1 == 0);
            let upper = lower.split_off(at);
            lower.shrink_to_fit();
            buckets.push(lower);
            buckets.push(upper);
        }
        self.buckets = buckets;
        self.bits = bits;
    }
}

/// The per-roster state of the duplicate checks: one packed word per key seen, every row's
/// household spilled to a temporary file (read once at the end), and the duplicate groups
/// found, which are few: proportional to the duplicates, not to the households.
struct Seen {
    persons: FirstSeen,
    accounts: FirstSeen,
    /// every row's household, in row order (see [`RowRecord`])
    rows: BufWriter<std::fs::File>,
    record: Vec<u8>,
    /// (account?, fingerprint) → index in `groups`
    index: HashMap<(bool, u64), usize>,
    groups: Vec<Group>,
    /// findings of the duplicate kinds met while streaming (a person listed twice in one
    /// household), held so that their kinds come out in row order with the groups' findings
    held: Vec<Finding>,
}

/// The households that share one key (a person's ID number or a bank account).
struct Group {
    account: bool,
    /// the normalised key (ID number or account)
    key: String,
    /// the row the key was first seen on, and its enrolment
    first: (u64, Status),
    /// the later households, in row order, with the person as each knows them
    later: Vec<(Head, Option<Who>)>,
}

/// The fields of a row's household kept in the spill file, to write the findings of the
/// earlier household of a duplicate at the end.
struct RowRecord {
    head: Head,
    /// whether the row had a finding while streaming
    had_findings: bool,
}

impl RowRecord {
    fn write(out: &mut Vec<u8>, a: &Audited, had_findings: bool) {
        let h = &a.head;
        out.clear();
        // the record's length, filled in below
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&h.row.to_le_bytes());
        out.push((pack(0, h.status) & 7) as u8);
        let d = Decision::ALL
            .iter()
            .position(|d| *d == h.decision)
            .unwrap_or(0);
        out.push(u8::try_from(d).unwrap_or(0));
        out.push(u8::from(had_findings));
        match h.monthly_total {
            Some(v) => {
                out.push(1);
                out.extend_from_slice(&v.serialize());
            }
            None => out.push(0),
        }
        for s in [&h.household_id, &h.township, &h.head_name, &h.head_id] {
            let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&s.as_bytes()[..len as usize]);
        }
        let len = u32::try_from(out.len() - 4).unwrap_or(u32::MAX);
        out[..4].copy_from_slice(&len.to_le_bytes());
    }

    /// The next record, or `None` at the end of the file.
    /// The row of the next record and, when `wanted` says so, the record; `None` at the end
    /// of the file. A record not wanted is skipped through `scratch`, without allocating.
    fn read(
        r: &mut impl Read,
        scratch: &mut Vec<u8>,
        wanted: impl Fn(u64) -> bool,
    ) -> Result<Option<Option<RowRecord>>> {
        let mut len = [0u8; 4];
        match r.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        scratch.resize(u32::from_le_bytes(len) as usize, 0);
        r.read_exact(scratch)?;
        let mut at = 0;
        let mut take = |n: usize| -> Result<&[u8]> {
            let b = scratch
                .get(at..at + n)
                .context("the temporary file of rows is damaged")?;
            at += n;
            Ok(b)
        };
        let row = u64::from_le_bytes(take(8)?.try_into()?);
        if !wanted(row) {
            return Ok(Some(None));
        }
        let flags: [u8; 4] = take(4)?.try_into()?;
        let monthly_total = if flags[3] == 1 {
            Some(Decimal::deserialize(take(16)?.try_into()?))
        } else {
            None
        };
        let mut text = || -> Result<String> {
            let len = u32::from_le_bytes(take(4)?.try_into()?) as usize;
            Ok(String::from_utf8_lossy(take(len)?).into_owned())
        };
        let (household_id, township, head_name, head_id) = (text()?, text()?, text()?, text()?);
        Ok(Some(Some(RowRecord {
            head: Head {
                household_id,
                row,
                township,
                head_name,
                head_id,
                status: unpack(u32::from(flags[0])).1,
                decision: Decision::ALL
                    .get(usize::from(flags[1]))
                    .copied()
                    .unwrap_or(Decision::Invalid),
                monthly_total,
            },
            had_findings: flags[2] == 1,
        })))
    }
}

/// `第 2 行户 H001` / `household H001 (row 2)`; a household without an id by its row.
fn household_named(h: &Head, lang: Lang) -> String {
    let (id, row) = (&h.household_id, h.row);
    match (lang, id.is_empty()) {
        (Lang::Zh, false) => format!("第 {row} 行户 {id}"),
        (Lang::Zh, true) => format!("第 {row} 行那户"),
        (Lang::En, false) => format!("household {id} (row {row})"),
        (Lang::En, true) => format!("the household on row {row}"),
    }
}

impl Seen {
    fn new() -> Result<Seen> {
        let f = tempfile::tempfile().context("cannot create a temporary file")?;
        Ok(Seen {
            persons: FirstSeen::default(),
            accounts: FirstSeen::default(),
            rows: BufWriter::with_capacity(1 << 16, f),
            record: Vec::with_capacity(128),
            index: HashMap::new(),
            groups: Vec::new(),
            held: Vec::new(),
        })
    }

    /// Whether a finding of this kind waits for the end of the roster (the duplicate kinds).
    fn deferred(kind: Kind) -> bool {
        matches!(
            kind,
            Kind::DibaoAndTekun | Kind::DuplicatePerson | Kind::SharedBankAccount
        )
    }

    /// Records the row's keys (a key seen before puts the row into that key's group) and
    /// the row's household in the spill file; returns whether the row is in a group.
    fn check(&mut self, a: &Audited, has_findings: bool) -> Result<bool> {
        let word = pack(a.head.row, a.head.status);
        let mut dup = false;
        let mut hits: Vec<(bool, u64, u32, String, Option<Who>)> = Vec::new();
        for who in &a.persons {
            let first = self.persons.first_or_insert(who.fp, word);
            if first != word {
                hits.push((false, who.fp, first, who.key.clone(), Some(who.clone())));
            }
        }
        if let Some((fp, key)) = &a.account {
            let first = self.accounts.first_or_insert(*fp, word);
            if first != word {
                hits.push((true, *fp, first, key.clone(), None));
            }
        }
        for (account, fp, first, key, who) in hits {
            dup = true;
            let (line, status) = unpack(first);
            let at = *self.index.entry((account, fp)).or_insert_with(|| {
                self.groups.push(Group {
                    account,
                    key,
                    first: (line, status),
                    later: Vec::new(),
                });
                self.groups.len() - 1
            });
            self.groups[at].later.push((a.head.clone(), who));
        }
        RowRecord::write(&mut self.record, a, has_findings || dup);
        self.rows.write_all(&self.record)?;
        Ok(dup)
    }

    /// The findings of the duplicate kinds, in rank order and row order within a kind: for
    /// every group, one finding per household in it naming every other household by id and
    /// row; and the findings held while streaming. Also returns how many households had no
    /// finding while streaming and have one now (the groups' first rows).
    fn finish(self, ctx: &Ctx) -> Result<(Vec<Finding>, u64)> {
        let mut f = self.rows.into_inner().map_err(|e| e.into_error())?;
        let wanted: std::collections::HashSet<u64> =
            self.groups.iter().map(|g| g.first.0).collect();
        let mut firsts: HashMap<u64, RowRecord> = HashMap::new();
        if !wanted.is_empty() {
            f.rewind()?;
            let mut r = std::io::BufReader::with_capacity(1 << 16, f);
            let mut scratch = Vec::with_capacity(256);
            while let Some(rec) =
                RowRecord::read(&mut r, &mut scratch, |row| wanted.contains(&row))?
            {
                if let Some(rec) = rec {
                    firsts.insert(rec.head.row, rec);
                }
            }
        }
        let mut out: Vec<(usize, u64, usize, Finding)> = self
            .held
            .into_iter()
            .map(|f| (f.kind.rank(), f.head.row, 0, f))
            .collect();
        let mut newly = std::collections::HashSet::new();
        for (seq, g) in self.groups.into_iter().enumerate() {
            // The first row is always in the spill file; were it not (a line number beyond
            // what the packed word holds), the later households still get their findings,
            // naming the first one by its row.
            let (mut all, skip) = match firsts.get(&g.first.0) {
                Some(first) => {
                    if !first.had_findings {
                        newly.insert(first.head.row);
                    }
                    let who = (!g.account).then(|| ctx.who_in(first, &g.key)).flatten();
                    (vec![(first.head.clone(), who)], None)
                }
                None => {
                    let head = Head {
                        household_id: String::new(),
                        row: g.first.0,
                        township: String::new(),
                        head_name: String::new(),
                        head_id: String::new(),
                        status: g.first.1,
                        decision: Decision::Undetermined,
                        monthly_total: None,
                    };
                    (vec![(head, None)], Some(0))
                }
            };
            all.extend(g.later);
            for (i, (head, who)) in all.iter().enumerate() {
                if skip == Some(i) {
                    continue;
                }
                let others: Vec<&Head> = all
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, (h, _))| h)
                    .collect();
                let (kind, evidence) = if g.account {
                    (
                        Kind::SharedBankAccount,
                        ctx.account_evidence(&g.key, &others),
                    )
                } else {
                    let pair = |s: Status| {
                        matches!(
                            (head.status, s),
                            (Status::Dibao, Status::Tekun) | (Status::Tekun, Status::Dibao)
                        )
                    };
                    let kind = if others.iter().any(|o| pair(o.status)) {
                        Kind::DibaoAndTekun
                    } else {
                        Kind::DuplicatePerson
                    };
                    (
                        kind,
                        ctx.person_evidence(&g.key, head, who.as_ref(), &others),
                    )
                };
                out.push((
                    kind.rank(),
                    head.row,
                    seq + 1,
                    Finding {
                        kind,
                        severity: kind.severity(),
                        head: head.clone(),
                        evidence,
                    },
                ));
            }
        }
        out.sort_by_key(|(rank, row, seq, _)| (*rank, *row, *seq));
        Ok((
            out.into_iter().map(|(_, _, _, f)| f).collect(),
            newly.len() as u64,
        ))
    }
}

/// Counts of findings by code and by township, for the summary.
#[derive(Default)]
struct Summary {
    households: u64,
    households_with_findings: u64,
    by_kind: BTreeMap<Kind, u64>,
    by_township: BTreeMap<String, BTreeMap<Kind, u64>>,
}

impl Summary {
    fn findings(&self) -> u64 {
        self.by_kind.values().sum()
    }

    fn count(&mut self, f: &Finding) {
        *self.by_kind.entry(f.kind).or_default() += 1;
        *self
            .by_township
            .entry(f.head.township.clone())
            .or_default()
            .entry(f.kind)
            .or_default() += 1;
    }
}

/// Where the findings of each kind are kept until they are written in rank order.
struct Spill {
    format: Format,
    files: Vec<Option<BufWriter<std::fs::File>>>,
    table: Vec<Vec<Vec<String>>>,
    csv_line: Vec<u8>,
}

impl Spill {
    fn new(format: Format) -> Spill {
        Spill {
            format,
            files: (0..Kind::ALL.len()).map(|_| None).collect(),
            table: vec![Vec::new(); Kind::ALL.len()],
            csv_line: Vec::with_capacity(512),
        }
    }

    fn push(&mut self, f: &Finding, lang: Lang) -> Result<()> {
        let k = f.kind.rank() - 1;
        let total = f.head.monthly_total.map(fmt_money).unwrap_or_default();
        if self.format == Format::Table {
            self.table[k].push(vec![
                f.kind.code().to_string(),
                match lang {
                    Lang::Zh => f.severity.zh().to_string(),
                    Lang::En => f.severity.name().to_string(),
                },
                f.head.household_id.clone(),
                f.head.row.to_string(),
                f.head.township.clone(),
                f.head.head_name.clone(),
                output::id_cell(&f.head.head_id, Format::Table, true).into_owned(),
                f.evidence.clone(),
                f.kind.action(lang).to_string(),
            ]);
            return Ok(());
        }
        let rank = f.kind.rank().to_string();
        let row = f.head.row.to_string();
        let fields: [(&str, &str); 14] = [
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
        ];
        self.csv_line.clear();
        if self.format == Format::Json {
            // Each object is written with a leading comma; the first one's is dropped when
            // the files are joined.
            self.csv_line.extend_from_slice(b",\n");
            output::json_object(&mut self.csv_line, fields);
        } else {
            let mut w = output::csv_writer(&mut self.csv_line);
            w.write_record(fields.iter().map(|(_, v)| text_cell(v).into_owned()))?;
            w.flush()?;
        }
        if self.files[k].is_none() {
            let f = tempfile::tempfile().context("cannot create a temporary file")?;
            self.files[k] = Some(BufWriter::with_capacity(1 << 16, f));
        }
        if let Some(w) = self.files[k].as_mut() {
            w.write_all(&self.csv_line)?;
        }
        Ok(())
    }

    /// Copies the kinds' files into `out`, in rank order.
    fn join(self, out: &mut Output) -> Result<Vec<Vec<String>>> {
        let mut first = true;
        for w in self.files.into_iter().flatten() {
            let mut f = w.into_inner().map_err(|e| e.into_error())?;
            f.rewind()?;
            let mut r = std::io::BufReader::with_capacity(1 << 16, f);
            if self.format == Format::Json && first {
                let mut skip = [0u8; 1];
                r.read_exact(&mut skip)?;
            }
            first = false;
            output::ignore_broken_pipe(std::io::copy(&mut r, out).map(|_| ()))?;
        }
        Ok(self.table.into_iter().flatten().collect())
    }
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

/// `FILE:LABEL`, unless the whole argument names a file (a Windows path has a colon).
fn split_against(spec: &str) -> (String, Option<String>) {
    match spec.rsplit_once(':') {
        Some((p, l)) if !std::path::Path::new(spec).exists() && !p.is_empty() => {
            (p.to_string(), Some(l.trim().to_string()))
        }
        _ => (spec.to_string(), None),
    }
}

/// The file of an `--against` argument.
fn against_path(spec: &str) -> String {
    split_against(spec).0
}

/// Loads the `--against` lists.
fn load_lists(specs: &[String], today: chrono::NaiveDate) -> Result<Lists> {
    let mut lists = Lists {
        names: Vec::new(),
        entries: HashMap::new(),
    };
    for spec in specs {
        let (path, label) = split_against(spec);
        let mut source = reader::open(&path, &ReadOptions::default())
            .with_context(|| format!("--against {path}"))?;
        let headers = source.headers().to_vec();
        let Some(id_col) = super::find_header(&headers, LIST_ID_HEADERS) else {
            bail!(
                "--against {path}: no ID-number column (name it id_number or 身份证号); headers: {}",
                headers.join(", ")
            );
        };
        let label_col = super::find_header(&headers, LIST_LABEL_HEADERS);
        let date_col = super::find_header(&headers, LIST_DATE_HEADERS);
        let name = label.clone().unwrap_or_else(|| {
            std::path::Path::new(&path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.clone())
        });
        let list = lists.names.len();
        lists.names.push(name);
        let mut rec = crate::household::record::Record::new();
        while let Some(line) = source
            .next_record(&mut rec)
            .with_context(|| format!("--against {path}"))?
        {
            let Some(key) = person_key(rec.get(id_col).unwrap_or(""), today) else {
                continue;
            };
            let cell = |c: Option<usize>| {
                c.and_then(|i| rec.get(i))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            // A label given on the command line names the list; a label column, when there
            // is one, says more about each entry.
            let own = cell(label_col);
            let label = match (&label, own) {
                (Some(l), Some(o)) => Some(format!("{l}：{o}")),
                (None, Some(o)) => Some(o),
                (Some(l), None) => Some(l.clone()),
                (None, None) => None,
            };
            lists
                .entries
                .entry(fingerprint(PERSON, &key))
                .or_default()
                .push(ListHit {
                    list,
                    line,
                    label,
                    date: cell(date_col),
                });
        }
    }
    Ok(lists)
}

/// Runs `audit`.
pub fn run(args: AuditArgs) -> Result<i32> {
    let lists: Vec<String> = args.against.iter().map(|a| against_path(a)).collect();
    let mut inputs =
        super::input_files(&args.policy, &[("ROSTER", Some(&args.roster))], &args.input);
    inputs.extend(lists.iter().map(|p| ("--against", p.as_str())));
    output::refuse_same_files(&inputs, &super::output_files(&args.out, &[]), args.out.lang)?;
    let (policy, params) = super::load_policy(&args.policy, args.month, args.out.lang)?;
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    let parser = super::attach_members(parser, &args.input, &policy, &params, args.out.lang)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("audit writes table, csv or json");
    }
    let headers = source.headers().to_vec();
    let amount = match &args.amount_column {
        Some(name) => match super::find_header(&headers, &[name.as_str()]) {
            Some(i) => Some((i, headers[i].trim().to_string())),
            None => bail!(
                "--amount-column {name}: the roster has no such column; its headers are: {}",
                headers.join(", ")
            ),
        },
        None => {
            super::find_header(&headers, AMOUNT_HEADERS).map(|i| (i, headers[i].trim().to_string()))
        }
    };
    let today = chrono::Local::now().date_naive();
    let lists = load_lists(&args.against, today)?;
    let lang = args.out.lang;
    let ctx = Ctx {
        policy: &policy,
        params: &params,
        parser: &parser,
        lang,
        mask: format == Format::Table,
        amount,
        lists: &lists,
        today,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    let mut spill = Spill::new(format);
    let mut seen = Seen::new()?;
    let mut summary = Summary::default();
    let id_field = parser.header_map().get(Column::HouseholdId);
    pipeline::stream(
        source.as_mut(),
        id_field,
        |rows| ctx.work(rows),
        |chunk| {
            for a in chunk {
                let dup = seen.check(&a, !a.findings.is_empty())?;
                summary.households += 1;
                if dup || !a.findings.is_empty() {
                    summary.households_with_findings += 1;
                }
                for f in a.findings {
                    if Seen::deferred(f.kind) {
                        seen.held.push(f);
                    } else {
                        summary.count(&f);
                        spill.push(&f, lang)?;
                    }
                }
            }
            Ok(())
        },
    )
    .with_context(|| format!("roster {}", args.roster))?;
    // The duplicate kinds, written now that every household of each group is known.
    let (dups, newly) = seen.finish(&ctx)?;
    summary.households_with_findings += newly;
    for f in &dups {
        summary.count(f);
        spill.push(f, lang)?;
    }

    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(COLUMNS)?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
            spill.join(&mut out)?;
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
            spill.join(&mut out)?;
            out.write_all(b"\n],\"summary\":")?;
            out.write_all(serde_json::to_string(&summary_json(&summary))?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        _ => {
            let rows = spill.join(&mut out)?;
            let headers = match lang {
                Lang::Zh => [
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
                Lang::En => [
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
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_words_keep_row_and_status() {
        for s in [Status::None, Status::Dibao, Status::Tekun, Status::Edge] {
            assert_eq!(unpack(pack(1_234_567, s)), (1_234_567, s));
        }
        assert_eq!(unpack(pack(u64::MAX, Status::Tekun)).0, (1 << 29) - 1);
    }

    #[test]
    fn an_old_15_digit_id_meets_its_18_character_form() {
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        // 110105491231002 is the 15-digit form of 11010519491231002X.
        assert_eq!(
            person_key("110105491231002", today).as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(
            person_key(" 11010519491231002x ", today).as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(person_key("", today), None);
        assert_eq!(person_key("abc", today).as_deref(), Some("ABC"));
    }

    #[test]
    fn kinds_rank_in_the_documented_order_with_unique_codes() {
        let codes: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert_eq!(Kind::ToReview.rank(), 1);
        assert_eq!(Kind::ToEnrol.rank(), 2);
        assert!(Kind::DiscoverNoIncome < Kind::DuplicatePerson);
        assert!(Kind::MalformedId < Kind::AgainstList);
    }

    #[test]
    fn first_seen_answers_as_a_map_would_across_splits() {
        // 200,000 keys (many buckets split on the way), every tenth seen again later, and
        // fingerprints that differ only in the last bit or share the upper half.
        let mut seen = FirstSeen::default();
        let mut map: HashMap<u64, u32> = HashMap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut keys = Vec::new();
        for i in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let fp = match i % 1000 {
                1 => keys[keys.len() - 1] ^ 1,
                2 => (keys[keys.len() - 1] & !0xffff_ffff) | u64::from(i),
                _ if i % 10 == 3 => keys[(x % keys.len() as u64) as usize],
                _ => x,
            };
            keys.push(fp);
            let word = i + 1;
            assert_eq!(
                seen.first_or_insert(fp, word),
                *map.entry(fp).or_insert(word),
                "key {i}"
            );
        }
        assert_eq!(seen.len, map.len());
        assert!(seen.bits > FirstSeen::MIN_BITS);
        for b in &seen.buckets {
            assert!(
                b.windows(2)
                    .all(|w| [w[0][0], w[0][1]] < [w[1][0], w[1][1]])
            );
        }
        for (&fp, &word) in &map {
            assert_eq!(seen.first_or_insert(fp, 0), word);
        }
        assert_eq!(seen.len, map.len());
    }

    #[test]
    fn first_seen_takes_about_13_bytes_a_key() {
        let mut seen = FirstSeen::default();
        let mut x: u64 = 1;
        for i in 0..500_000u32 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seen.first_or_insert(x ^ (x >> 29), i);
        }
        let bytes: usize = seen.buckets.len() * std::mem::size_of::<Vec<[u32; 3]>>()
            + seen
                .buckets
                .iter()
                .map(|b| b.capacity() * 12)
                .sum::<usize>();
        // at most 14.5 bytes a key (the entry is 12)
        assert!(
            bytes * 2 < seen.len * 29,
            "{bytes} bytes for {} keys",
            seen.len
        );
    }

    #[test]
    fn account_keys_ignore_spaces_and_dashes() {
        assert_eq!(
            account_key("6228 4800-1000 0000 011").as_deref(),
            Some("6228480010000000011")
        );
        assert_eq!(account_key("  "), None);
    }
}
