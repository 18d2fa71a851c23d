//! Payment items, lines and notices: what a schedule is made of.

use crate::ledger;
use crate::month::Month;
use crate::policy::Policy;
use crate::rules::temporary::Kind;
use rust_decimal::Decimal;

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
    pub fn is_problem(self) -> bool {
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
