//! `jiuzhu payouts`: the payment schedule over a month range — one line per household, month
//! and item, totals that reconcile to the fen, approval routing of temporary assistance, and a
//! ledger that never pays the same payment twice.
//!
//! Every amount comes from the rules: the regular items from [`rules::evaluate`] month by
//! month, one-off items from [`rules::one_off`], temporary assistance from
//! [`rules::temporary`] and its approval from [`rules::approval`]. This module only decides
//! who is paid (enrolment), holds what must not be paid yet, and writes the outputs.

use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::columns::Column;
use crate::household::{Household, RowParser, Status};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::ledger::{self, Ledger};
use crate::money::{Rounding, fmt_money};
use crate::month::Month;
use crate::output::xlsx::{self, Cell, Sheet};
use crate::output::{self, Format, Output, bank, table, text_cell};
use crate::pipeline::{self, Row};
use crate::policy::{MonthParams, Policy};
use crate::rules::price_subsidy::{
    self as ps_rules, HouseholdState, MonthState, SubsidyTable, group_zh,
};
use crate::rules::temporary::Kind;
use crate::rules::{self, Decision, Evaluation, approval, groups, one_off, temporary};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Produce the payment schedule of a month range.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu payouts -p policies/lanzhou-2022.toml examples/roster.csv --from 2022-12 --to 2022-12\n  jiuzhu payouts -p policy.toml roster.csv --from 2022-05 --to 2022-12 --ledger paid.csv -o payouts.xlsx\n  jiuzhu payouts -p examples/subsidy-demo.toml examples/roster.csv --from 2022-08 --to 2022-10 --index examples/cpi.csv\n  jiuzhu payouts -p policy.toml roster.csv --from 2022-12 --to 2022-12 --ledger paid.csv -o 2022-12.csv --bank examples/bank-template.toml --split-by township\n\nWith --ledger, payments already in the ledger are skipped and the new ones are added after the outputs are written; run it again and it pays nothing twice. --dry-run reads the ledger but adds nothing. --from/--to name pay months: with --index, the price subsidy paid in a month is that of its index month (the month − index_lag)."
)]
pub struct PayoutsArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// first pay month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Month,
    /// last pay month (YYYY-MM), inclusive
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Month,
    /// price index series, for the price-subsidy item
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// the ledger of payments already made (created if missing)
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<String>,
    /// read the ledger but add nothing to it
    #[arg(long)]
    pub dry_run: bool,
    /// also write one file per township (needs -o; names are FILE's stem + township)
    #[arg(long, value_enum, value_name = "BY")]
    pub split_by: Option<SplitBy>,
    /// write a bank upload file laid out by this template (see examples/bank-template.toml)
    #[arg(long, value_name = "TEMPLATE")]
    pub bank: Option<String>,
    /// where the bank file goes (default: the -o file's stem + `.bank.csv`)
    #[arg(long, value_name = "FILE")]
    pub bank_out: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// How `--split-by` cuts the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitBy {
    /// one file per township (乡镇街道)
    Township,
}

/// A payment item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// 低保金
    Dibao,
    /// 分类施保金
    Uplift,
    /// 特困基本生活费
    TekunBasic,
    /// 特困照料护理费
    TekunCare,
    /// 渐退期低保金
    GradualExit,
    /// 价格临时补贴
    PriceSubsidy,
    /// `[[one_off]]` number i of the policy
    OneOff(usize),
    /// temporary assistance
    Temporary(Kind),
}

impl Item {
    /// The item's stable name (`dibao`, `one_off:<id>`, `temporary:<kind>`).
    pub fn name(self, policy: &Policy) -> String {
        match self {
            Item::Dibao => "dibao".into(),
            Item::Uplift => "uplift".into(),
            Item::TekunBasic => "tekun_basic".into(),
            Item::TekunCare => "tekun_care".into(),
            Item::GradualExit => "gradual_exit".into(),
            Item::PriceSubsidy => "price_subsidy".into(),
            Item::OneOff(i) => format!("one_off:{}", policy.file.one_off[i].id),
            Item::Temporary(k) => format!("temporary:{}", k.name()),
        }
    }

    /// The item in Chinese, as a bank memo or a caseworker says it.
    pub fn zh(self, policy: &Policy) -> String {
        match self {
            Item::Dibao => "低保金".into(),
            Item::Uplift => "分类施保金".into(),
            Item::TekunBasic => "特困基本生活费".into(),
            Item::TekunCare => "特困照料护理费".into(),
            Item::GradualExit => "渐退期低保金".into(),
            Item::PriceSubsidy => "价格临时补贴".into(),
            Item::OneOff(i) => policy.file.one_off[i].name.clone(),
            Item::Temporary(k) => k.zh().into(),
        }
    }
}

/// The stable id of a payment: `P` and the first 16 hex digits of SHA-256 over
/// `household_id|YYYY-MM|item` (see [`ledger::payment_id`]). The same household, month and
/// item give the same id on every run and machine; the letter keeps spreadsheets from
/// reading it as a number.
pub fn payment_id(household_id: &str, month: Month, item: &str) -> String {
    ledger::payment_id(household_id, month, item)
}

/// Whether a line is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStatus {
    /// to be paid
    Pay,
    /// not paid: the reason code
    Held(&'static str),
}

impl LineStatus {
    /// `pay` or `held`.
    pub fn name(self) -> &'static str {
        match self {
            LineStatus::Pay => "pay",
            LineStatus::Held(_) => "held",
        }
    }
}

/// The household data a payment line carries.
#[derive(Debug, Clone)]
pub struct Payee {
    /// line of the roster
    pub row: u64,
    /// 户编号
    pub id: String,
    /// 乡镇街道
    pub township: String,
    /// 户主姓名
    pub head_name: String,
    /// 户主身份证号
    pub head_id: String,
    /// 银行账号
    pub bank_account: String,
}

/// One payment line.
#[derive(Debug, Clone)]
pub struct Line {
    /// the stable payment id
    pub payment_id: String,
    /// the month paid
    pub pay_month: Month,
    /// index into the payees
    pub payee: usize,
    /// the item
    pub item: Item,
    /// the amount, stated to the fen
    pub amount: Decimal,
    /// `routine`, `township`, `county`, `city`, `case_by_case`
    pub approval: &'static str,
    /// why this amount (and, when held, why held)
    pub reason: String,
    /// paid or held
    pub status: LineStatus,
}

/// What a household needs instead of (or beside) payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoticeKind {
    /// the rules find it eligible for 低保 but it is not enrolled: enrol (no regular item paid)
    ToEnrol,
    /// enrolled, no longer eligible, not in a gradual exit: review (no regular item paid)
    ToReview,
    /// a value a rule needs is empty
    Undetermined,
    /// the row could not be read
    Invalid,
    /// the household's head_id is malformed: every line held
    HeldId,
    /// a bank file was asked for and the household has no account: its lines held
    NoBankAccount,
    /// the household shares its head_id or bank account with another household paid in the
    /// same run: the lines of both held
    SharedPayee,
}

impl NoticeKind {
    /// The output name (the `status` column of CSV rows).
    pub fn name(self) -> &'static str {
        match self {
            NoticeKind::ToEnrol => "to_enrol",
            NoticeKind::ToReview => "to_review",
            NoticeKind::Undetermined => "undetermined",
            NoticeKind::Invalid => "invalid",
            NoticeKind::HeldId => "held_id",
            NoticeKind::NoBankAccount => "no_bank_account",
            NoticeKind::SharedPayee => "shared_payee",
        }
    }

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            NoticeKind::ToEnrol => "待纳入",
            NoticeKind::ToReview => "待复核",
            NoticeKind::Undetermined => "待定（缺数据）",
            NoticeKind::Invalid => "无效行",
            NoticeKind::HeldId => "身份证号有误暂缓",
            NoticeKind::NoBankAccount => "无银行账号暂缓",
            NoticeKind::SharedPayee => "与他户共用身份证号或账号暂缓",
        }
    }

    /// Whether it makes the run's exit code 1.
    fn is_problem(self) -> bool {
        !matches!(self, NoticeKind::ToEnrol | NoticeKind::ToReview)
    }
}

/// A household reported separately: to enrol, to review, undetermined, invalid, held.
#[derive(Debug, Clone)]
pub struct Notice {
    /// index into the payees
    pub payee: usize,
    /// what it is
    pub kind: NoticeKind,
    /// the months it concerns, in order
    pub months: Vec<Month>,
    /// what to do, in the chosen language
    pub detail: String,
}

impl Notice {
    /// "2022-05~2022-12 (8)" or "2022-05".
    pub fn months_text(&self) -> String {
        match (self.months.first(), self.months.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}~{b} ({})", self.months.len()),
            _ => String::new(),
        }
    }
}

/// The resolved inputs of a schedule: the policy and the parameters of every month.
pub struct Config<'p> {
    /// the policy
    pub policy: &'p Policy,
    /// the parameters of each month of the range, in order
    pub months: Vec<MonthParams>,
    /// message language
    pub lang: Lang,
    /// the price-subsidy item (with `--index`)
    pub subsidy: Option<SubsidyRun>,
}

/// What the `price_subsidy` item needs, computed once per run: every area × index month of the
/// pay range (pay month − `index_lag`), and the rules' parameters of the index months before
/// the first pay month (the others are in [`Config::months`]).
pub struct SubsidyRun {
    /// the trigger test and per-person amounts of every area and index month
    pub table: SubsidyTable,
    /// parameters of index months before the first pay month: those some area triggered
    /// (required), and those left undetermined when they are in force (to tell which
    /// households the missing month concerns)
    pub early: BTreeMap<Month, MonthParams>,
}

impl<'p> Config<'p> {
    /// Resolves every month from `from` to `to`; an error names the key and month with nothing
    /// in force.
    pub fn new(policy: &'p Policy, from: Month, to: Month, lang: Lang) -> Result<Config<'p>> {
        let months = from
            .through(to)
            .map(|m| policy.month_params(m))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            policy,
            months,
            lang,
            subsidy: None,
        })
    }

    /// Adds the `price_subsidy` item: builds the subsidy table over the index months of the
    /// pay range (each pay month − `index_lag`) from `index`. Errors as `subsidy`'s: no
    /// `[price_subsidy]` table, an index area the policy does not define, no trigger in force
    /// in an index month, no formula or standard in force in a triggered one.
    pub fn with_index(mut self, index: &IndexSeries) -> Result<Config<'p>> {
        let policy = self.policy;
        let (Some(first), Some(last)) = (self.months.first(), self.months.last()) else {
            return Ok(self);
        };
        let (first, last) = (first.month, last.month);
        let (Some(from), Some(to)) = (
            SubsidyTable::index_month_for(policy, first),
            SubsidyTable::index_month_for(policy, last),
        ) else {
            bail!(ps_rules::SubsidyError::NoPriceSubsidy {
                path: policy.path.clone()
            });
        };
        let table = SubsidyTable::build(policy, index, from, to)?;
        let mut early = BTreeMap::new();
        for im in table.index_months().take_while(|m| *m < first) {
            let states: Vec<&MonthState> = table
                .months
                .iter()
                .filter(|((m, _), _)| *m == im)
                .map(|(_, am)| &am.status.state)
                .collect();
            if states.iter().any(|s| **s == MonthState::Triggered) {
                // A household's groups in a triggered month depend on its means test there.
                let params = policy.month_params(im).with_context(|| {
                    format!(
                        "price subsidy for index month {im} (paid in {})",
                        im.plus(first.since(from))
                    )
                })?;
                early.insert(im, params);
            } else if states.iter().any(|s| !s.is_determined())
                && let Ok(params) = policy.month_params(im)
            {
                early.insert(im, params);
            }
        }
        self.subsidy = Some(SubsidyRun { table, early });
        Ok(self)
    }
}

/// The schedule of one household.
#[derive(Debug, Clone)]
pub struct HouseholdSchedule {
    /// who
    pub payee: Payee,
    /// its lines (payee index 0 until placed)
    pub lines: Vec<Line>,
    /// its notices (payee index 0 until placed)
    pub notices: Vec<Notice>,
}

/// The schedule of one household over the months of `cfg`: regular items for enrolled
/// households the rules still pay, one-off items in their pay month, each temporary kind once
/// (in the first month whose data meets its rule). A malformed head_id holds every line.
pub fn schedule_household(cfg: &Config, h: &Household) -> HouseholdSchedule {
    let policy = cfg.policy;
    let lang = cfg.lang;
    let payee = Payee {
        row: h.row,
        id: h.id.clone(),
        township: h.township.clone(),
        head_name: h.head_name.clone(),
        head_id: h.head_id.clone(),
        bank_account: h.bank_account.clone(),
    };
    let mut lines = Vec::new();
    let mut notes: BTreeMap<(NoticeKind, String), Vec<Month>> = BTreeMap::new();
    let mut note =
        |kind, detail: String, m: Month| notes.entry((kind, detail)).or_default().push(m);
    if !h.is_valid() {
        let detail = h
            .errors
            .iter()
            .map(|e| e.describe(lang))
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "));
        for p in &cfg.months {
            note(NoticeKind::Invalid, detail.clone(), p.month);
        }
        return finish(payee, lines, notes);
    }
    let mut temp_paid = [false; Kind::ALL.len()];
    let mut temp_missing: [Option<(Vec<Column>, Month)>; Kind::ALL.len()] = Default::default();
    // Every month's evaluation, kept: the price subsidy paid in a month reads the evaluation
    // of its index month, which is an earlier month of the range unless the lag reaches back
    // before it.
    let evs: Vec<Evaluation> = cfg
        .months
        .iter()
        .map(|p| rules::evaluate(policy, p, h, false))
        .collect();
    for (params, ev) in cfg.months.iter().zip(&evs) {
        let m = params.month;
        let Some(area) = h.area.and_then(|a| params.areas.get(a)) else {
            continue;
        };
        let mut push = |item: Item, amount: Decimal, approval: &'static str, reason: String| {
            // Amounts leave the tool stated to the fen; the line is what the bank pays, so the
            // totals are sums of these rounded lines.
            let amount = Rounding::Fen.apply(amount);
            if amount > Decimal::ZERO {
                lines.push(Line {
                    payment_id: payment_id(&h.id, m, &item.name(policy)),
                    pay_month: m,
                    payee: 0,
                    item,
                    amount,
                    approval,
                    reason,
                    status: LineStatus::Pay,
                });
            }
        };
        match ev.decision {
            // undetermined for want of a policy table, not of a cell: the message says which
            Decision::Undetermined if ev.missing.is_empty() => {
                note(
                    NoticeKind::Undetermined,
                    rules::message(policy, h, ev, lang),
                    m,
                );
            }
            Decision::Undetermined => {
                let cols = missing_text(&ev.missing, lang);
                note(
                    NoticeKind::Undetermined,
                    format!("{}{cols}", lang.pick("缺少：", "missing: ")),
                    m,
                );
            }
            Decision::Invalid => {
                note(NoticeKind::Invalid, ev.reasons.join(";"), m);
            }
            _ => {}
        }
        let message = || rules::message(policy, h, ev, lang);
        match (h.status, ev.decision) {
            (Status::Tekun, Decision::Tekun) => {
                let msg = message();
                push(
                    Item::TekunBasic,
                    ev.tekun_basic,
                    approval::ROUTINE,
                    msg.clone(),
                );
                push(Item::TekunCare, ev.tekun_care, approval::ROUTINE, msg);
            }
            (Status::Dibao, Decision::Dibao) => {
                let msg = message();
                push(Item::Dibao, ev.dibao_amount, approval::ROUTINE, msg.clone());
                push(Item::Uplift, ev.uplift_amount, approval::ROUTINE, msg);
            }
            (Status::Dibao, Decision::GradualExit) => {
                push(
                    Item::GradualExit,
                    ev.gradual_exit_amount,
                    approval::ROUTINE,
                    message(),
                );
            }
            _ => {}
        }
        if ev.to_enrol(h) {
            note(NoticeKind::ToEnrol, message(), m);
        }
        if ev.to_review(h) {
            note(NoticeKind::ToReview, message(), m);
        }
        let groups = groups::household_groups(h, ev);
        let persons = groups::person_groups(h, ev);
        for (i, item) in policy.file.one_off.iter().enumerate() {
            if item.pay_month != m {
                continue;
            }
            match one_off::award(policy, item, h, &groups, persons.as_deref()) {
                one_off::Outcome::Pay(a) => push(
                    Item::OneOff(i),
                    a.amount,
                    approval::ROUTINE,
                    lang.pick(&a.zh, &a.en).to_string(),
                ),
                one_off::Outcome::Undetermined(cols) => note(
                    NoticeKind::Undetermined,
                    format!(
                        "{}: {}{}",
                        Item::OneOff(i).name(policy),
                        lang.pick("缺少：", "missing: "),
                        missing_text(&cols, lang)
                    ),
                    m,
                ),
                one_off::Outcome::NotCovered => {}
            }
        }
        if let Some(run) = &cfg.subsidy {
            match price_subsidy(cfg, run, h, m, &evs) {
                SubsidyLine::Pay(amount, reason) => {
                    push(Item::PriceSubsidy, amount, approval::ROUTINE, reason)
                }
                SubsidyLine::Notice(kind, detail) => note(kind, detail, m),
                SubsidyLine::Nothing => {}
            }
        }
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            if temp_paid[k] {
                continue;
            }
            match temporary::judge(policy, kind, area, h, &groups) {
                temporary::Outcome::Pay(a) => {
                    let amount = Rounding::Fen.apply(a.amount);
                    let route = approval::route(policy, area, &h.region, h.residence, amount);
                    let reason = format!(
                        "{}{}{}",
                        lang.pick(&a.zh, &a.en),
                        lang.pick("；审批：", "; approval: "),
                        route.describe()
                    );
                    push(Item::Temporary(kind), amount, route.level.code(), reason);
                    temp_paid[k] = true;
                }
                temporary::Outcome::Undetermined(cols) => {
                    if temp_missing[k].is_none() {
                        temp_missing[k] = Some((cols, m));
                    }
                }
                temporary::Outcome::NotApplicable(_) => {}
            }
        }
    }
    for (k, kind) in Kind::ALL.into_iter().enumerate() {
        if let (false, Some((cols, m))) = (temp_paid[k], &temp_missing[k]) {
            note(
                NoticeKind::Undetermined,
                format!(
                    "temporary:{}: {}{}",
                    kind.name(),
                    lang.pick("缺少：", "missing: "),
                    missing_text(cols, lang)
                ),
                *m,
            );
        }
    }
    if let Some(w) = h
        .warnings
        .iter()
        .find(|w| w.column == Column::HeadId.name())
    {
        let why = format!(
            "{}{}",
            lang.pick(
                "户主身份证号有误，暂缓发放：",
                "head_id is malformed, held: "
            ),
            w.reason(lang)
        );
        for l in &mut lines {
            l.status = LineStatus::Held("malformed_head_id");
            l.reason = format!("{why}{}{}", lang.pick("。", ". "), l.reason);
        }
        for l in &lines {
            note(NoticeKind::HeldId, why.clone(), l.pay_month);
        }
    }
    finish(payee, lines, notes)
}

/// What the price subsidy gives a household in one pay month.
enum SubsidyLine {
    /// a `price_subsidy` line: the amount and its reason
    Pay(Decimal, String),
    /// not paid, listed: undetermined (missing index or roster value) or invalid
    Notice(NoticeKind, String),
    /// nothing: the index month is not triggered, or none of the household's groups is covered
    Nothing,
}

/// The price subsidy paid to `h` in `pay` — the library's reading, as `subsidy` gives it for
/// the index month `pay − index_lag`: its trigger, formula and standard, and the household's
/// groups judged by the rules of that index month (`evs` holds the evaluation of every month
/// of the range; an index month before the range is evaluated here). The household is
/// evaluated only when the outcome depends on it.
fn price_subsidy(
    cfg: &Config,
    run: &SubsidyRun,
    h: &Household,
    pay: Month,
    evs: &[Evaluation],
) -> SubsidyLine {
    let policy = cfg.policy;
    let lang = cfg.lang;
    let (Some(ps), Some(im)) = (
        policy.file.price_subsidy.as_ref(),
        SubsidyTable::index_month_for(policy, pay),
    ) else {
        return SubsidyLine::Nothing;
    };
    // A row whose region is in no area is already listed invalid by the regular items.
    let Some(am) = h.area.and_then(|a| run.table.get(a, im)) else {
        return SubsidyLine::Nothing;
    };
    let first = cfg.months.first().map_or(pay, |p| p.month);
    let early;
    let ev: Option<&Evaluation> = if im >= first {
        evs.get(im.since(first) as usize)
    } else {
        early = run
            .early
            .get(&im)
            .map(|p| rules::evaluate(policy, p, h, false));
        early.as_ref()
    };
    // `with_index` resolves the parameters of every triggered index month before the range,
    // and `evs` covers the range (the lag is never negative), so a triggered month always
    // finds its evaluation.
    let s = run.table.household_with(policy, h, im, || ev);
    let label = Item::PriceSubsidy.name(policy);
    match s.state {
        HouseholdState::Paid => {
            let fired = am.status.fired;
            let several = s.covered.len() > 1;
            // one share per group and amount paid (several only with a members file)
            let paid = |zh: bool| {
                s.shares
                    .iter()
                    .map(|x| {
                        let per = fmt_money(x.per_person);
                        if zh {
                            format!("{} 每人 {per} 元 × {} 人", group_zh(x.group), x.persons)
                        } else {
                            format!("{} {per} per person × {}", x.group, x.persons)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            let reason = match lang {
                Lang::Zh => format!(
                    "指数月份 {im} 启动（{}）：{}{}",
                    fired.zh(),
                    paid(true),
                    if several {
                        "（同属多个类别，按最高标准发放一份）"
                    } else {
                        ""
                    }
                ),
                Lang::En => format!(
                    "index month {im} triggered ({}): {}{}",
                    fired.name(),
                    paid(false),
                    if several {
                        " (in several groups: paid once, at the highest)"
                    } else {
                        ""
                    }
                ),
            };
            SubsidyLine::Pay(s.amount, reason)
        }
        HouseholdState::NotTriggered | HouseholdState::NotCovered => SubsidyLine::Nothing,
        HouseholdState::MissingIndex => {
            // Listed only for a household the month could pay: one in a group the trigger in
            // force covers (when the index month's rules are not in force, every household).
            let could = ev.is_none_or(|ev| {
                groups::household_groups(h, ev)
                    .iter()
                    .any(|g| ps_rules::covers(ps, &am.status.trigger, g).is_some())
            });
            if !could {
                return SubsidyLine::Nothing;
            }
            let lag = ps.index_lag;
            let detail = match &am.status.state {
                MonthState::Incomplete(cols) => format!(
                    "{label}: {}{}",
                    lang.pick(
                        "对应指数月份的指数值为空，待定未发放：",
                        "the index month's values are empty, undetermined, not paid: "
                    ),
                    cols.join(", ")
                ),
                _ => match lang {
                    Lang::Zh => format!(
                        "{label}: 指数文件缺少对应指数月份（发放月份前 {lag} 个月）的数据，待定未发放"
                    ),
                    Lang::En => format!(
                        "{label}: the index file has no row for the index month (pay month − {lag}), undetermined, not paid"
                    ),
                },
            };
            SubsidyLine::Notice(NoticeKind::Undetermined, detail)
        }
        HouseholdState::Undetermined => SubsidyLine::Notice(
            NoticeKind::Undetermined,
            format!(
                "{label}: {}{}",
                lang.pick("缺少：", "missing: "),
                missing_text(&s.missing, lang)
            ),
        ),
        HouseholdState::Invalid => SubsidyLine::Notice(
            NoticeKind::Invalid,
            format!(
                "{label}: {}",
                ev.map(|ev| ev.reasons.join(";")).unwrap_or_default()
            ),
        ),
    }
}

fn finish(
    payee: Payee,
    lines: Vec<Line>,
    notes: BTreeMap<(NoticeKind, String), Vec<Month>>,
) -> HouseholdSchedule {
    let notices = notes
        .into_iter()
        .map(|((kind, detail), mut months)| {
            months.sort();
            months.dedup();
            Notice {
                payee: 0,
                kind,
                months,
                detail,
            }
        })
        .collect();
    HouseholdSchedule {
        payee,
        lines,
        notices,
    }
}

fn missing_text(cols: &[Column], lang: Lang) -> String {
    cols.iter()
        .map(|c| match lang {
            Lang::Zh => format!("{}（{}）", c.zh(), c.name()),
            Lang::En => c.name().to_string(),
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// A whole schedule.
#[derive(Debug, Default)]
pub struct Schedule {
    /// households with lines or notices, in roster order
    pub payees: Vec<Payee>,
    /// payment lines (paid and held), sorted by month, roster row and item
    pub lines: Vec<Line>,
    /// households reported separately
    pub notices: Vec<Notice>,
    /// lines left out because the ledger already has them
    pub already_paid: u64,
}

impl Schedule {
    /// Adds one household's schedule (in roster order).
    pub fn push(&mut self, hs: HouseholdSchedule) {
        if hs.lines.is_empty() && hs.notices.is_empty() {
            return;
        }
        let i = self.payees.len();
        self.payees.push(hs.payee);
        self.lines.extend(hs.lines.into_iter().map(|mut l| {
            l.payee = i;
            l
        }));
        self.notices.extend(hs.notices.into_iter().map(|mut n| {
            n.payee = i;
            n
        }));
    }

    /// Leaves out the lines the ledger already has (by id, by household, month and item, or
    /// for a one-off or temporary item by household and item whatever the month).
    pub fn skip_paid(&mut self, ledger: &Ledger, policy: &Policy) {
        let before = self.lines.len();
        let payees = &self.payees;
        self.lines.retain(|l| {
            !ledger.is_paid(
                &l.payment_id,
                &payees[l.payee].id,
                l.pay_month,
                &l.item.name(policy),
            )
        });
        self.already_paid += (before - self.lines.len()) as u64;
    }

    /// Holds the lines of households without a bank account (when a bank file is written).
    pub fn hold_without_account(&mut self, lang: Lang) {
        let mut held: BTreeMap<usize, Vec<Month>> = BTreeMap::new();
        for l in &mut self.lines {
            if l.status == LineStatus::Pay && self.payees[l.payee].bank_account.trim().is_empty() {
                l.status = LineStatus::Held("no_bank_account");
                l.reason = format!(
                    "{}{}",
                    lang.pick(
                        "无银行账号，未列入代发文件，暂缓发放。",
                        "no bank account: not in the bank file, held. "
                    ),
                    l.reason
                );
                held.entry(l.payee).or_default().push(l.pay_month);
            }
        }
        for (payee, mut months) in held {
            months.sort();
            months.dedup();
            self.notices.push(Notice {
                payee,
                kind: NoticeKind::NoBankAccount,
                months,
                detail: lang
                    .pick("请补充银行账号（bank_account）", "fill in bank_account")
                    .into(),
            });
        }
    }

    /// Holds the lines of households that share a head ID or a bank account with another
    /// household paid in this run: one person or one account paid twice is the mark of a
    /// duplicated row (an id retyped with a zero-width space or in another case) or of a
    /// false claim, and a person must decide which household, if either, is paid. Head IDs
    /// are compared with a trailing `x` as `X`, accounts with spaces removed. Each value is
    /// kept as an 8-byte fingerprint mapped to the first household that has it.
    pub fn hold_shared_payees(&mut self, lang: Lang) {
        let mut paying = vec![false; self.payees.len()];
        for l in self.paid() {
            paying[l.payee] = true;
        }
        // fingerprint -> first household with it
        let mut first: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        // household -> (other household, what they share)
        let mut shared: BTreeMap<usize, Vec<(usize, SharedWhat)>> = BTreeMap::new();
        for (i, p) in self.payees.iter().enumerate() {
            if !paying[i] {
                continue;
            }
            let id = p.head_id.trim();
            let account: String = p
                .bank_account
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let keys = [
                (!id.is_empty()).then(|| (SharedWhat::HeadId, fingerprint(b'i', &head_id_key(id)))),
                (!account.is_empty())
                    .then(|| (SharedWhat::BankAccount, fingerprint(b'a', &account))),
            ];
            for (what, fp) in keys.into_iter().flatten() {
                match first.entry(fp) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(i);
                    }
                    std::collections::hash_map::Entry::Occupied(o) => {
                        let j = *o.get();
                        shared.entry(i).or_default().push((j, what));
                        shared.entry(j).or_default().push((i, what));
                    }
                }
            }
        }
        if shared.is_empty() {
            return;
        }
        let mut reasons: BTreeMap<usize, String> = BTreeMap::new();
        for (i, others) in &shared {
            let mut parts: Vec<String> = Vec::new();
            for (j, what) in others {
                let (me, other) = (&self.payees[*i].id, &self.payees[*j].id);
                let part = match (lang, what) {
                    (Lang::Zh, SharedWhat::HeadId) => {
                        format!("户 {me} 与户 {other} 的户主身份证号相同")
                    }
                    (Lang::Zh, SharedWhat::BankAccount) => {
                        format!("户 {me} 与户 {other} 的银行账号相同")
                    }
                    (Lang::En, SharedWhat::HeadId) => {
                        format!("households {me} and {other} have the same head_id")
                    }
                    (Lang::En, SharedWhat::BankAccount) => {
                        format!("households {me} and {other} have the same bank account")
                    }
                };
                if !parts.contains(&part) {
                    parts.push(part);
                }
            }
            reasons.insert(
                *i,
                format!(
                    "{}{}",
                    parts.join(lang.pick("；", "; ")),
                    lang.pick(
                        "：同一人或同一账号不能在一次发放中领取两户的款项，两户均暂缓发放，请核实后处理",
                        ": one person or account is not paid for two households in one run; both are held until checked"
                    )
                ),
            );
        }
        let mut months: BTreeMap<usize, Vec<Month>> = BTreeMap::new();
        for l in &mut self.lines {
            if l.status != LineStatus::Pay {
                continue;
            }
            if let Some(why) = reasons.get(&l.payee) {
                l.status = LineStatus::Held("shared_payee");
                l.reason = format!("{why}{}{}", lang.pick("。", ". "), l.reason);
                months.entry(l.payee).or_default().push(l.pay_month);
            }
        }
        for (payee, mut m) in months {
            m.sort();
            m.dedup();
            self.notices.push(Notice {
                payee,
                kind: NoticeKind::SharedPayee,
                months: m,
                detail: reasons[&payee].clone(),
            });
        }
    }

    /// Sorts lines by month, roster order and item.
    pub fn sort(&mut self) {
        self.lines.sort_by_key(|l| (l.pay_month, l.payee, l.item));
        self.notices.sort_by_key(|n| (n.payee, n.kind));
    }

    /// The paid lines.
    pub fn paid(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.status == LineStatus::Pay)
    }

    /// The part of the schedule of one township.
    fn township(&self, name: &str) -> Schedule {
        let keep: Vec<bool> = self.payees.iter().map(|p| p.township == name).collect();
        let mut map = vec![usize::MAX; self.payees.len()];
        let mut payees = Vec::new();
        for (i, p) in self.payees.iter().enumerate() {
            if keep[i] {
                map[i] = payees.len();
                payees.push(p.clone());
            }
        }
        let remap = |i: usize| map[i];
        Schedule {
            payees,
            lines: self
                .lines
                .iter()
                .filter(|l| keep[l.payee])
                .map(|l| Line {
                    payee: remap(l.payee),
                    ..l.clone()
                })
                .collect(),
            notices: self
                .notices
                .iter()
                .filter(|n| keep[n.payee])
                .map(|n| Notice {
                    payee: remap(n.payee),
                    ..n.clone()
                })
                .collect(),
            already_paid: 0,
        }
    }
}

/// What two households share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SharedWhat {
    HeadId,
    BankAccount,
}

/// A head ID as compared: upper case, so a trailing `x` is the check digit `X`.
fn head_id_key(id: &str) -> String {
    id.to_uppercase()
}

/// An 8-byte fingerprint of a value of one kind (`tag`): equal values give equal
/// fingerprints on every run.
fn fingerprint(tag: u8, value: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update([tag])
        .chain_update(value.as_bytes())
        .finalize();
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(eight)
}

/// A total of paid lines. `None` in a key means "all".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// the township, or all
    pub township: Option<String>,
    /// the month, or all
    pub month: Option<Month>,
    /// the item, or all
    pub item: Option<Item>,
    /// lines added up
    pub lines: u64,
    /// their sum
    pub amount: Decimal,
}

/// Totals of the paid lines: by month and item, by month, by item, by township and month, by
/// township, and the grand total. Each is the exact sum of its lines (already stated to the
/// fen), so the totals reconcile with the lines to the fen.
pub fn totals(s: &Schedule, months: &[Month], by_township: bool) -> Result<Vec<Total>> {
    // Keys sort "all" after the named values: (is_all, value).
    type Key = ((bool, String), (bool, Option<Month>), (bool, Option<Item>));
    let mut acc: BTreeMap<Key, (u64, Decimal)> = BTreeMap::new();
    let key = |t: Option<&str>, m: Option<Month>, i: Option<Item>| -> Key {
        (
            (t.is_none(), t.unwrap_or("").to_string()),
            (m.is_none(), m),
            (i.is_none(), i),
        )
    };
    // Every month of the range and the grand total appear, at 0.00 when nothing is paid.
    for m in months {
        acc.insert(key(None, Some(*m), None), (0, Decimal::ZERO));
    }
    acc.insert(key(None, None, None), (0, Decimal::ZERO));
    let mut add = |t: Option<&str>, m: Option<Month>, i: Option<Item>, v: Decimal| {
        let e = acc.entry(key(t, m, i)).or_insert((0, Decimal::ZERO));
        e.0 += 1;
        e.1 = e.1.checked_add(v).ok_or_else(too_large)?;
        Ok::<(), anyhow::Error>(())
    };
    for l in s.paid() {
        let (m, i, v) = (Some(l.pay_month), Some(l.item), l.amount);
        add(None, m, i, v)?;
        add(None, m, None, v)?;
        add(None, None, i, v)?;
        add(None, None, None, v)?;
        if by_township {
            let t = Some(s.payees[l.payee].township.as_str());
            add(t, m, None, v)?;
            add(t, None, None, v)?;
        }
    }
    Ok(acc
        .into_iter()
        .map(|(((all_t, t), (_, m), (_, i)), (lines, amount))| Total {
            township: (!all_t).then_some(t),
            month: m,
            item: i,
            lines,
            amount,
        })
        .collect())
}

/// The error of a sum too large for exact decimal arithmetic.
fn too_large() -> anyhow::Error {
    anyhow::anyhow!(
        "the sum of the payment lines is too large to add up exactly: check the roster's amounts (金额合计超出可精确计算的范围，请检查花名册中的金额)"
    )
}

/// The exact sum of amounts, or an error (never a panic) when it overflows.
fn checked_sum<'a>(amounts: impl IntoIterator<Item = &'a Decimal>) -> Result<Decimal> {
    amounts.into_iter().try_fold(Decimal::ZERO, |a, b| {
        a.checked_add(*b).ok_or_else(too_large)
    })
}

/// The CSV and JSON columns of a line, in order.
pub const COLUMNS: &[&str] = &[
    "payment_id",
    "pay_month",
    "household_id",
    "township",
    "item",
    "amount",
    "approval",
    "reason",
    "status",
    "head_name",
    "head_id",
    "bank_account",
    "row",
];

/// Runs `payouts`.
pub fn run(args: PayoutsArgs) -> Result<i32> {
    if args.from > args.to {
        bail!("--from {} is after --to {}", args.from, args.to);
    }
    let lang = args.out.lang;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    let to_stdout = args.out.output.as_deref().is_none_or(|o| o == "-");
    if format == Format::Xlsx && to_stdout && std::io::stdout().is_terminal() {
        bail!("an .xlsx workbook is not for a terminal: give -o FILE.xlsx");
    }
    if args.split_by.is_some() && to_stdout {
        bail!("--split-by writes one file per township: give -o FILE to name them");
    }
    let bank_out = match (&args.bank, &args.bank_out, &args.out.output) {
        (None, _, _) => None,
        (Some(_), Some(b), _) => Some(PathBuf::from(b)),
        (Some(_), None, Some(o)) if o != "-" => Some(with_suffix(Path::new(o), "bank", "csv")),
        (Some(_), None, _) => bail!("--bank needs --bank-out FILE (or -o FILE to name it after)"),
    };
    // No output may be an input, the ledger or another output: refused before anything is
    // read or written (the township files are checked again once their names are known).
    let inputs = input_files(&args);
    let bank_out_text = bank_out.as_ref().map(|p| p.to_string_lossy().into_owned());
    let mut outputs_named: Vec<(&str, &str)> = Vec::new();
    if let Some(o) = &args.out.output {
        outputs_named.push(("-o", o));
    }
    if let Some(b) = &bank_out_text {
        outputs_named.push(("--bank-out", b));
    }
    output::refuse_same_files(&inputs, &outputs_named, lang)?;
    let bank_template = match &args.bank {
        Some(t) => Some(bank::Template::load(Path::new(t))?),
        None => None,
    };
    let (policy, _) = super::load_policy(&args.policy, args.to, args.out.lang)?;
    let mut cfg = Config::new(&policy, args.from, args.to, lang)?;
    match &args.index {
        Some(file) => {
            if file == "-" && args.roster == "-" {
                bail!("--index - and ROSTER - cannot both read stdin: give one of them as a file");
            }
            let index = IndexSeries::load(file)?;
            cfg = cfg
                .with_index(&index)
                .with_context(|| format!("price subsidy from the index file {file}"))?;
            if let Some(run) = &cfg.subsidy {
                print_open_index_months(&policy, run, file, lang);
            }
        }
        None if policy.file.price_subsidy.is_some() => eprintln!(
            "jiuzhu: note: no --index: price subsidies are not in this schedule (未提供物价指数，不含价格临时补贴)"
        ),
        None => {}
    }
    let ledger = match &args.ledger {
        Some(p) => Some(Ledger::open(Path::new(p), !args.dry_run, lang, || {
            eprintln!(
                "jiuzhu: waiting for another run to finish with the ledger {p} (台账正被另一次运行使用，等待中)"
            );
            #[cfg(debug_assertions)]
            if let Ok(flag) = std::env::var(WAITING_FLAG_ENV) {
                let _ = std::fs::write(flag, "waiting");
            }
        })?),
        None => None,
    };
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    // Persons' ages (and so their uplift groups) on the first day of the range's first month:
    // the roster describes the households as they are now, and nobody is paid an elderly or
    // minor uplift for a month before they are in that group.
    let parser = match cfg.months.first() {
        Some(first) => super::attach_members(parser, &args.input, &policy, first, args.out.lang)?,
        None => parser,
    };
    let mut schedule = read_schedule(&cfg, source.as_mut(), &parser)
        .with_context(|| format!("roster {}", args.roster))?;
    if let Some(l) = &ledger {
        schedule.skip_paid(l, &policy);
    }
    if bank_template.is_some() {
        schedule.hold_without_account(lang);
    }
    schedule.hold_shared_payees(lang);
    schedule.sort();

    let ctx = Ctx {
        policy: &policy,
        lang,
        from: args.from,
        to: args.to,
    };
    let townships: Vec<String> = {
        let mut t: Vec<String> = schedule.payees.iter().map(|p| p.township.clone()).collect();
        t.sort();
        t.dedup();
        t
    };
    // The township files: one name per township, refused when two townships would share one.
    let split = args.split_by.is_some();
    let main_split = match (&args.out.output, split) {
        (Some(o), true) => split_paths(Path::new(o), &townships, lang)?,
        _ => Vec::new(),
    };
    let bank_split = match (&bank_out, split) {
        (Some(b), true) => split_paths(b, &townships, lang)?,
        _ => Vec::new(),
    };
    if split {
        let names: Vec<String> = main_split
            .iter()
            .chain(&bank_split)
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let mut all = outputs_named.clone();
        all.extend(
            names
                .iter()
                .map(|n| (lang.pick("乡镇文件", "township file"), n.as_str())),
        );
        output::refuse_same_files(&inputs, &all, lang)?;
    }

    // Every output is written in full before any is committed, and the split files are
    // checked to add up to the whole.
    let mut group = output::OutputGroup::new(lang);
    let main = group.push(Output::create(&args.out, format).context("cannot create the output")?);
    ctx.write(main, format, &schedule, &args)?;
    let total = checked_sum(schedule.paid().map(|l| &l.amount))?;
    let total_lines = schedule.paid().count();
    let (mut split_total, mut split_lines) = (Decimal::ZERO, 0usize);
    for (t, path) in townships.iter().zip(&main_split) {
        let part = schedule.township(t);
        split_total = split_total
            .checked_add(checked_sum(part.paid().map(|l| &l.amount))?)
            .ok_or_else(too_large)?;
        split_lines += part.paid().count();
        // a township's file is the main output cut by township: same format and encoding
        let township_out = OutputArgs {
            output: Some(path.to_string_lossy().into_owned()),
            ..args.out.clone()
        };
        let out = group.push(
            Output::create(&township_out, format)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        ctx.write(out, format, &part, &args)?;
    }
    if !main_split.is_empty() {
        check_split_sum(total, total_lines, split_total, split_lines, lang)?;
    }
    if let (Some(t), Some(path)) = (&bank_template, &bank_out) {
        let records = schedule_records(&schedule, &policy, None);
        let mut parts = vec![(path.clone(), records)];
        let (mut bank_total, mut bank_lines) = (Decimal::ZERO, 0usize);
        for (tw, p) in townships.iter().zip(&bank_split) {
            let records = schedule_records(&schedule, &policy, Some(tw));
            bank_total = bank_total
                .checked_add(checked_sum(records.iter().map(|r| &r.amount))?)
                .ok_or_else(too_large)?;
            bank_lines += records.len();
            parts.push((p.clone(), records));
        }
        if !bank_split.is_empty() {
            check_split_sum(total, total_lines, bank_total, bank_lines, lang)?;
        }
        for (p, records) in parts {
            let out = group.push(
                Output::open(Some(&p.to_string_lossy()))
                    .with_context(|| format!("cannot create {}", p.display()))?,
            );
            out.write_all(&t.render(&records))?;
        }
    }
    // The new ledger is written beside the old one first, then the outputs are committed,
    // then the ledger: a full disk or any failure before the outputs are in place leaves no
    // output and the ledger as it was; a run that stops after the outputs and before the
    // ledger has recorded nothing, and running it again writes the same lines with the same
    // ids. The ledger is the commit.
    let mut recorded = 0;
    let mut prepared = None;
    if let Some(l) = ledger {
        if args.dry_run {
            drop(l);
        } else {
            let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            let entries: Vec<ledger::Entry> = schedule
                .paid()
                .map(|line| ledger::Entry {
                    payment_id: line.payment_id.clone(),
                    pay_month: line.pay_month,
                    household_id: schedule.payees[line.payee].id.clone(),
                    item: line.item.name(&policy),
                    amount: fmt_money(line.amount),
                    recorded_at: now.clone(),
                    policy_sha256: policy.sha256.clone(),
                })
                .collect();
            recorded = entries.len();
            prepared = Some(l.prepare(&entries).map_err(|e| match lang {
                Lang::Zh => anyhow::anyhow!("{e}：台账未更新，输出文件均未写出，未作任何发放"),
                Lang::En => anyhow::anyhow!(
                    "{e}: the ledger was not updated and no output file was written; nothing was paid"
                ),
            })?);
        }
    }
    let written = group.commit()?;
    if let Some(p) = prepared {
        p.commit().map_err(|e| match lang {
            Lang::Zh => anyhow::anyhow!(
                "{e}：输出已写出但台账未更新，这些款项没有记账——发出任何款项之前请重新运行同一命令"
            ),
            Lang::En => anyhow::anyhow!(
                "{e}: the output files were written but the ledger was NOT updated; these payments are not recorded — run the same command again before sending anything"
            ),
        })?;
    }
    print_summary(&ctx, &schedule, &args, recorded, &written);
    output::report_closed_pipe(lang);
    let members_clean = super::report_members(&parser, lang);
    let problems = !members_clean
        || schedule.notices.iter().any(|n| n.kind.is_problem())
        || schedule.lines.iter().any(|l| l.status != LineStatus::Pay);
    Ok(if problems { EXIT_ROWS } else { EXIT_OK })
}

/// Environment variable naming a file a debug build writes once it waits for the ledger's
/// lock, so the tests wait on that event rather than on a guessed delay.
pub const WAITING_FLAG_ENV: &str = "JIUZHU_TEST_WAITING_FLAG";

/// The files `payouts` reads, as [`output::refuse_same_files`] takes them.
fn input_files(args: &PayoutsArgs) -> Vec<(&'static str, &str)> {
    let mut v = vec![
        ("-p", args.policy.policy.as_str()),
        ("ROSTER", args.roster.as_str()),
    ];
    let optional = [
        ("--members", &args.input.members),
        ("--index", &args.index),
        ("--ledger", &args.ledger),
        ("--bank", &args.bank),
    ];
    v.extend(
        optional
            .into_iter()
            .filter_map(|(what, p)| p.as_deref().map(|p| (what, p))),
    );
    v
}

/// The file of each township (in the order of `townships`). Two townships whose names give
/// one file name (`城关/东` and `城关_东` both give `城关_东`; names that differ only in case
/// are one file on Windows and macOS) refuse the run: one file would replace the other.
fn split_paths(path: &Path, townships: &[String], lang: Lang) -> Result<Vec<PathBuf>> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut paths = Vec::new();
    for t in townships {
        let p = with_township(path, t);
        let key = p.to_string_lossy().to_lowercase();
        if let Some(other) = seen.insert(key, t) {
            match lang {
                Lang::Zh => bail!(
                    "--split-by township：乡镇 “{other}” 和 “{t}” 的文件名都是 {}，一个会覆盖另一个；请在花名册中改用可区分的乡镇名称。未写出任何文件，未作任何发放",
                    p.display()
                ),
                Lang::En => bail!(
                    "--split-by township: townships \"{other}\" and \"{t}\" both give the file name {}, one would replace the other; make the township names distinct in the roster. Nothing was written or paid",
                    p.display()
                ),
            }
        }
        paths.push(p);
    }
    Ok(paths)
}

/// The township files must hold exactly the paid lines of the whole, to the fen.
fn check_split_sum(
    total: Decimal,
    lines: usize,
    split_total: Decimal,
    split_lines: usize,
    lang: Lang,
) -> Result<()> {
    if total == split_total && lines == split_lines {
        return Ok(());
    }
    match lang {
        Lang::Zh => bail!(
            "乡镇文件合计 {} 元（{split_lines} 笔）与总表 {} 元（{lines} 笔）不符：未写出任何文件，未作任何发放",
            fmt_money(split_total),
            fmt_money(total)
        ),
        Lang::En => bail!(
            "the township files add up to {} ({split_lines} lines), the whole to {} ({lines} lines): nothing was written or paid",
            fmt_money(split_total),
            fmt_money(total)
        ),
    }
}

/// Says once, on stderr, which index months are undetermined (no row, or empty values): the
/// price subsidies paid for them are listed per household as undetermined, not paid.
fn print_open_index_months(policy: &Policy, run: &SubsidyRun, file: &str, lang: Lang) {
    let mut open: BTreeMap<(Month, Month, &str), Vec<&str>> = BTreeMap::new();
    for ((im, area), am) in &run.table.months {
        if !am.status.state.is_determined() {
            open.entry((*im, am.status.pay_month, am.status.state.name()))
                .or_default()
                .push(policy.area_key(*area).unwrap_or(""));
        }
    }
    for ((im, pay, state), areas) in open {
        // Named only when some areas have the month and others do not (an index file with
        // an `area` column).
        let areas = if areas.len() >= policy.area_ids.len() {
            String::new()
        } else {
            format!(" [{}]", areas.join(","))
        };
        match (state, lang) {
            ("missing", Lang::Zh) => eprintln!(
                "jiuzhu: 指数文件 {file} 缺少指数月份 {im}{areas} 的数据：{pay} 发放的价格临时补贴待定，未发放"
            ),
            ("missing", Lang::En) => eprintln!(
                "jiuzhu: the index file {file} has no row for index month {im}{areas}: the price subsidies paid in {pay} are undetermined, not paid"
            ),
            (_, Lang::Zh) => eprintln!(
                "jiuzhu: 指数文件 {file} 中指数月份 {im}{areas} 的指数值为空：{pay} 发放的价格临时补贴待定，未发放"
            ),
            (_, Lang::En) => eprintln!(
                "jiuzhu: the index file {file} has empty values for index month {im}{areas}: the price subsidies paid in {pay} are undetermined, not paid"
            ),
        }
    }
}

/// Streams the roster through [`schedule_household`] on every core and collects the schedule.
pub fn read_schedule(
    cfg: &Config,
    source: &mut dyn crate::household::reader::RecordSource,
    parser: &RowParser,
) -> Result<Schedule> {
    let id_field = parser.header_map().get(Column::HouseholdId);
    let mut schedule = Schedule::default();
    pipeline::stream(
        source,
        id_field,
        |rows: &[Row]| {
            rows.iter()
                .map(|row| schedule_household(cfg, &parse_row(cfg, parser, row)))
                .collect::<Vec<_>>()
        },
        |chunk| {
            for hs in chunk {
                schedule.push(hs);
            }
            Ok(())
        },
    )?;
    Ok(schedule)
}

/// Reads a row with the row checks of `check` (a repeated household id is an error); the
/// schedule then evaluates every month itself.
fn parse_row(cfg: &Config, parser: &RowParser, row: &Row) -> Household {
    super::check::evaluate_row(cfg.policy, &cfg.months[0], parser, row, false).0
}

fn schedule_records(s: &Schedule, policy: &Policy, township: Option<&str>) -> Vec<bank::Record> {
    s.paid()
        .filter(|l| township.is_none_or(|t| s.payees[l.payee].township == t))
        .map(|l| {
            let p = &s.payees[l.payee];
            bank::Record {
                bank_account: p.bank_account.clone(),
                head_name: p.head_name.clone(),
                head_id: p.head_id.clone(),
                household_id: p.id.clone(),
                township: p.township.clone(),
                pay_month: l.pay_month.to_string(),
                item: l.item.name(policy),
                item_zh: l.item.zh(policy),
                payment_id: l.payment_id.clone(),
                amount: l.amount,
            }
        })
        .collect()
}

/// Writes one CSV record of text cells guarded for spreadsheets.
fn write_guarded<W: Write>(
    w: &mut csv::Writer<W>,
    fields: impl IntoIterator<Item = impl AsRef<str>>,
) -> csv::Result<()> {
    for f in fields {
        w.write_field(text_cell(f.as_ref()).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// `out/pay.csv` + "城关镇" → `out/pay.城关镇.csv` (characters a file name cannot hold are
/// replaced).
fn with_township(path: &Path, township: &str) -> PathBuf {
    let name: String = township
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let name = if name.is_empty() {
        "未填乡镇".to_string()
    } else {
        name
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "csv".into());
    with_suffix(path, &name, &ext)
}

fn with_suffix(path: &Path, suffix: &str, ext: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "payouts".into());
    path.with_file_name(format!("{stem}.{suffix}.{ext}"))
}

struct Ctx<'a> {
    policy: &'a Policy,
    lang: Lang,
    from: Month,
    to: Month,
}

impl Ctx<'_> {
    fn write(
        &self,
        out: &mut Output,
        format: Format,
        s: &Schedule,
        args: &PayoutsArgs,
    ) -> Result<()> {
        let months: Vec<Month> = self.from.through(self.to).collect();
        let totals = totals(s, &months, true)?;
        match format {
            Format::Csv => self.csv(out, s, &totals)?,
            Format::Json => self.json(out, s, &totals, args)?,
            Format::Xlsx => {
                let bytes = xlsx::workbook(self.policy, &self.sheets(s, &totals)?)?;
                out.write_all(&bytes)?;
            }
            Format::Table => self.table(out, s, &totals)?,
        }
        Ok(())
    }

    fn line_fields(&self, s: &Schedule, l: &Line) -> [String; 13] {
        let p = &s.payees[l.payee];
        [
            l.payment_id.clone(),
            l.pay_month.to_string(),
            p.id.clone(),
            p.township.clone(),
            l.item.name(self.policy),
            fmt_money(l.amount),
            l.approval.to_string(),
            l.reason.clone(),
            l.status.name().to_string(),
            p.head_name.clone(),
            p.head_id.clone(),
            p.bank_account.clone(),
            p.row.to_string(),
        ]
    }

    fn total_label(&self, t: &Total) -> String {
        match self.lang {
            Lang::Zh => format!("合计 {} 笔", t.lines),
            Lang::En => format!("total of {} lines", t.lines),
        }
    }

    fn csv(&self, out: &mut Output, s: &Schedule, totals: &[Total]) -> Result<()> {
        let mut w = output::csv_writer(Vec::new());
        w.write_record(COLUMNS)?;
        for l in &s.lines {
            let f = self.line_fields(s, l);
            write_guarded(&mut w, f.iter())?;
        }
        for n in &s.notices {
            let p = &s.payees[n.payee];
            write_guarded(
                &mut w,
                [
                    "",
                    &n.months_text(),
                    &p.id,
                    &p.township,
                    "",
                    "",
                    "",
                    &n.detail,
                    n.kind.name(),
                    &p.head_name,
                    &p.head_id,
                    &p.bank_account,
                    &p.row.to_string(),
                ],
            )?;
        }
        for t in totals {
            write_guarded(
                &mut w,
                [
                    String::new(),
                    t.month.map(|m| m.to_string()).unwrap_or_default(),
                    String::new(),
                    t.township.clone().unwrap_or_default(),
                    t.item.map(|i| i.name(self.policy)).unwrap_or_default(),
                    fmt_money(t.amount),
                    String::new(),
                    self.total_label(t),
                    "total".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            )?;
        }
        output::ignore_broken_pipe(out.write_all(&w.into_inner().unwrap_or_default()))?;
        Ok(())
    }

    fn json(
        &self,
        out: &mut Output,
        s: &Schedule,
        totals: &[Total],
        args: &PayoutsArgs,
    ) -> Result<()> {
        let line = |l: &Line| {
            let f = self.line_fields(s, l);
            let mut o = serde_json::Map::new();
            for (k, v) in COLUMNS.iter().zip(f) {
                o.insert((*k).into(), v.into());
            }
            serde_json::Value::Object(o)
        };
        let mut doc = output::json_header(self.policy);
        let payments: Vec<_> = s.paid().map(line).collect();
        let held: Vec<_> = s
            .lines
            .iter()
            .filter(|l| l.status != LineStatus::Pay)
            .map(line)
            .collect();
        let notices: Vec<_> = s
            .notices
            .iter()
            .map(|n| {
                let p = &s.payees[n.payee];
                serde_json::json!({
                    "household_id": p.id,
                    "township": p.township,
                    "status": n.kind.name(),
                    "months": n.months.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                    "reason": n.detail,
                    "row": p.row.to_string(),
                })
            })
            .collect();
        let totals: Vec<_> = totals
            .iter()
            .map(|t| {
                serde_json::json!({
                    "township": t.township,
                    "pay_month": t.month.map(|m| m.to_string()),
                    "item": t.item.map(|i| i.name(self.policy)),
                    "lines": t.lines.to_string(),
                    "amount": fmt_money(t.amount),
                })
            })
            .collect();
        if let serde_json::Value::Object(o) = &mut doc {
            o.insert("from".into(), self.from.to_string().into());
            o.insert("to".into(), self.to.to_string().into());
            o.insert(
                "ledger".into(),
                args.ledger.clone().map(Into::into).unwrap_or_default(),
            );
            o.insert("dry_run".into(), args.dry_run.into());
            o.insert("already_paid".into(), s.already_paid.to_string().into());
            o.insert("payments".into(), payments.into());
            o.insert("held".into(), held.into());
            o.insert("notices".into(), notices.into());
            o.insert("totals".into(), totals.into());
        }
        let mut bytes = serde_json::to_vec_pretty(&doc)?;
        bytes.push(b'\n');
        output::ignore_broken_pipe(out.write_all(&bytes))?;
        Ok(())
    }

    fn table(&self, out: &mut Output, s: &Schedule, totals: &[Total]) -> Result<()> {
        let mask = crate::household::idcard::mask;
        let headers = match self.lang {
            Lang::Zh => [
                "月份",
                "户编号",
                "乡镇",
                "户主",
                "账号",
                "项目",
                "金额",
                "审批",
                "状态",
                "说明",
            ],
            Lang::En => [
                "month",
                "household",
                "township",
                "head",
                "account",
                "item",
                "amount",
                "approval",
                "status",
                "reason",
            ],
        };
        let rows: Vec<Vec<String>> = s
            .lines
            .iter()
            .map(|l| {
                let p = &s.payees[l.payee];
                vec![
                    l.pay_month.to_string(),
                    p.id.clone(),
                    p.township.clone(),
                    p.head_name.clone(),
                    mask(&p.bank_account),
                    match self.lang {
                        Lang::Zh => l.item.zh(self.policy),
                        Lang::En => l.item.name(self.policy),
                    },
                    fmt_money(l.amount),
                    l.approval.to_string(),
                    l.status.name().to_string(),
                    l.reason.clone(),
                ]
            })
            .collect();
        let mut text = table::render(&headers, &rows, &[headers[6]]);
        let th = match self.lang {
            Lang::Zh => ["乡镇", "月份", "项目", "笔数", "金额"],
            Lang::En => ["township", "month", "item", "lines", "amount"],
        };
        let all = self.lang.pick("（全部）", "(all)");
        let trows: Vec<Vec<String>> = totals
            .iter()
            .map(|t| {
                vec![
                    t.township.clone().unwrap_or_else(|| all.into()),
                    t.month.map(|m| m.to_string()).unwrap_or_else(|| all.into()),
                    t.item
                        .map(|i| match self.lang {
                            Lang::Zh => i.zh(self.policy),
                            Lang::En => i.name(self.policy),
                        })
                        .unwrap_or_else(|| all.into()),
                    t.lines.to_string(),
                    fmt_money(t.amount),
                ]
            })
            .collect();
        text.push_str(&table::render(&th, &trows, &[th[3], th[4]]));
        if !s.notices.is_empty() {
            let nh = match self.lang {
                Lang::Zh => ["户编号", "乡镇", "类别", "月份", "说明"],
                Lang::En => ["household", "township", "status", "months", "reason"],
            };
            let nrows: Vec<Vec<String>> = s
                .notices
                .iter()
                .map(|n| {
                    let p = &s.payees[n.payee];
                    vec![
                        p.id.clone(),
                        p.township.clone(),
                        match self.lang {
                            Lang::Zh => n.kind.zh().to_string(),
                            Lang::En => n.kind.name().to_string(),
                        },
                        n.months_text(),
                        n.detail.clone(),
                    ]
                })
                .collect();
            text.push_str(&table::render(&nh, &nrows, &[]));
        }
        output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
        Ok(())
    }

    fn sheets(&self, s: &Schedule, totals: &[Total]) -> Result<Vec<Sheet>> {
        let headers: Vec<String> = [
            "payment_id",
            "household_id",
            "township",
            "head_name",
            "head_id",
            "bank_account",
            "item",
            "item_zh",
            "amount",
            "approval",
            "status",
            "reason",
            "row",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut sheets = Vec::new();
        for m in self.from.through(self.to) {
            let rows: Vec<Vec<Cell>> = s
                .lines
                .iter()
                .filter(|l| l.pay_month == m)
                .map(|l| {
                    let p = &s.payees[l.payee];
                    vec![
                        Cell::Text(l.payment_id.clone()),
                        Cell::Text(p.id.clone()),
                        Cell::Text(p.township.clone()),
                        Cell::Text(p.head_name.clone()),
                        Cell::Text(p.head_id.clone()),
                        Cell::Text(p.bank_account.clone()),
                        Cell::Text(l.item.name(self.policy)),
                        Cell::Text(l.item.zh(self.policy)),
                        Cell::Money(l.amount),
                        Cell::Text(l.approval.into()),
                        Cell::Text(l.status.name().into()),
                        Cell::Text(l.reason.clone()),
                        Cell::Count(p.row),
                    ]
                })
                .collect();
            let paid = checked_sum(s.paid().filter(|l| l.pay_month == m).map(|l| &l.amount))?;
            sheets.push(Sheet {
                name: m.to_string(),
                title: vec![
                    format!("发放月份 pay month: {m}"),
                    format!("应发合计 total paid: {}", fmt_money(paid)),
                ],
                headers: headers.clone(),
                rows,
            });
        }
        sheets.push(Sheet {
            name: self.lang.pick("合计", "totals").into(),
            title: vec![format!("{} ~ {}", self.from, self.to)],
            headers: [
                "township",
                "pay_month",
                "item",
                "item_zh",
                "lines",
                "amount",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: totals
                .iter()
                .map(|t| {
                    vec![
                        t.township.clone().map(Cell::Text).unwrap_or(Cell::Empty),
                        t.month
                            .map(|m| Cell::Text(m.to_string()))
                            .unwrap_or(Cell::Empty),
                        t.item
                            .map(|i| Cell::Text(i.name(self.policy)))
                            .unwrap_or(Cell::Empty),
                        t.item
                            .map(|i| Cell::Text(i.zh(self.policy)))
                            .unwrap_or_else(|| Cell::Text("合计".into())),
                        Cell::Count(t.lines),
                        Cell::Money(t.amount),
                    ]
                })
                .collect(),
        });
        sheets.push(Sheet {
            name: self.lang.pick("待处理", "notices").into(),
            title: vec![
                "待纳入、待复核、待定、无效及暂缓发放的户 households to enrol, review, complete or fix"
                    .into(),
            ],
            headers: ["household_id", "township", "head_name", "status", "months", "reason", "row"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: s
                .notices
                .iter()
                .map(|n| {
                    let p = &s.payees[n.payee];
                    vec![
                        Cell::Text(p.id.clone()),
                        Cell::Text(p.township.clone()),
                        Cell::Text(p.head_name.clone()),
                        Cell::Text(n.kind.name().into()),
                        Cell::Text(n.months_text()),
                        Cell::Text(n.detail.clone()),
                        Cell::Count(p.row),
                    ]
                })
                .collect(),
        });
        Ok(sheets)
    }
}

fn print_summary(ctx: &Ctx, s: &Schedule, args: &PayoutsArgs, recorded: usize, written: &[String]) {
    let paid: Vec<&Line> = s.paid().collect();
    // the outputs added these up already, so this sum cannot overflow
    let total = checked_sum(paid.iter().map(|l| &l.amount)).unwrap_or_default();
    let held = s.lines.len() - paid.len();
    // Households, not notices: one household may have several notices of a kind (its regular
    // items and its price subsidy undetermined for different reasons).
    let mut counts: BTreeMap<NoticeKind, std::collections::BTreeSet<usize>> = BTreeMap::new();
    for n in &s.notices {
        counts.entry(n.kind).or_default().insert(n.payee);
    }
    let lang = ctx.lang;
    let kinds: Vec<String> = counts
        .iter()
        .map(|(k, c)| (k, c.len()))
        .map(|(k, c)| match lang {
            Lang::Zh => format!("{} {c} 户", k.zh()),
            Lang::En => format!("{} {c}", k.name()),
        })
        .collect();
    let range = if ctx.from == ctx.to {
        ctx.from.to_string()
    } else {
        format!("{}~{}", ctx.from, ctx.to)
    };
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu payouts {range}：应发 {} 笔，合计 {} 元；暂缓 {held} 笔{}{}",
            paid.len(),
            fmt_money(total),
            if kinds.is_empty() {
                String::new()
            } else {
                format!("；{}", kinds.join("，"))
            },
            if s.already_paid > 0 {
                format!("；台账中已发 {} 笔，未重复发放", s.already_paid)
            } else {
                String::new()
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu payouts {range}: {} lines to pay, total {}; {held} held{}{}",
            paid.len(),
            fmt_money(total),
            if kinds.is_empty() {
                String::new()
            } else {
                format!("; {}", kinds.join(", "))
            },
            if s.already_paid > 0 {
                format!("; {} already in the ledger, not paid again", s.already_paid)
            } else {
                String::new()
            }
        ),
    }
    if let Some(l) = &args.ledger {
        match (args.dry_run, lang) {
            (true, Lang::Zh) => eprintln!("  --dry-run：未写入台账 {l}"),
            (true, Lang::En) => eprintln!("  --dry-run: nothing added to the ledger {l}"),
            (false, Lang::Zh) => eprintln!("  已记入台账 {l}：{recorded} 笔"),
            (false, Lang::En) => eprintln!("  recorded in the ledger {l}: {recorded} lines"),
        }
    }
    for w in written {
        eprintln!("  {} {w}", lang.pick("已写出", "wrote"));
    }
}
