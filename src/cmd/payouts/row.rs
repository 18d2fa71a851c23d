//! The payment line's column schema: the columns `payouts` can write for each line, by
//! English or Chinese name, with `--columns` choosing and ordering them. The default selection
//! of files is the historical 13 columns in their historical order.

use crate::output::schema::{Column, Heading, Kind, Pick, Record, Schema, Selection, Value, col};
use crate::policy::Policy;
use crate::schedule::{Line, Payee};
use std::fmt::Write;

/// A column of a payment line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineColumn {
    PaymentId,
    PayMonth,
    HouseholdId,
    Township,
    Item,
    Amount,
    Approval,
    Reason,
    Status,
    HeadName,
    HeadId,
    BankAccount,
    Row,
    ItemZh,
}

use LineColumn as L;

const ALL: [Column<LineColumn>; 14] = [
    col("payment_id", "发放编号", Kind::Code, L::PaymentId),
    col("pay_month", "发放月份", Kind::Month, L::PayMonth),
    col("household_id", "户编号", Kind::Text, L::HouseholdId),
    col("township", "乡镇街道", Kind::Text, L::Township),
    col("item", "项目", Kind::Code, L::Item),
    col("amount", "金额", Kind::Money, L::Amount),
    col("approval", "审批", Kind::Code, L::Approval),
    col("reason", "说明", Kind::Text, L::Reason),
    col("status", "状态", Kind::Code, L::Status),
    col("head_name", "户主姓名", Kind::Text, L::HeadName),
    col("head_id", "户主身份证号", Kind::Id, L::HeadId),
    col("bank_account", "银行账号", Kind::Id, L::BankAccount),
    col("row", "行", Kind::Count, L::Row),
    col("item_zh", "项目名称", Kind::Text, L::ItemZh),
];

/// How many of the columns files hold by default (all but `item_zh`).
pub const DEFAULT_LEN: usize = 13;

/// The default columns of an xlsx month sheet (its own historical order, the item's Chinese
/// name beside its code, the month in the sheet's name).
pub const XLSX_DEFAULT: &str = "payment_id,household_id,township,head_name,head_id,bank_account,\
                                item,item_zh,amount,approval,status,reason,row";

/// The schema of a payment line: the first [`DEFAULT_LEN`] columns are the CSV and JSON
/// default, in this order; the table's default is its usual ten columns.
pub static PAYMENT_LINE: Schema<LineColumn> = Schema {
    record: ("发放明细行", "payment line"),
    columns: &ALL,
    default_len: DEFAULT_LEN,
    json: None,
    table: &[
        Heading {
            column: "pay_month",
            zh: "月份",
            en: "month",
        },
        Heading {
            column: "household_id",
            zh: "户编号",
            en: "household",
        },
        Heading {
            column: "township",
            zh: "乡镇",
            en: "township",
        },
        Heading {
            column: "head_name",
            zh: "户主",
            en: "head",
        },
        Heading {
            column: "bank_account",
            zh: "账号",
            en: "account",
        },
        Heading {
            column: "item",
            zh: "项目",
            en: "item",
        },
        Heading {
            column: "amount",
            zh: "金额",
            en: "amount",
        },
        Heading {
            column: "approval",
            zh: "审批",
            en: "approval",
        },
        Heading {
            column: "status",
            zh: "状态",
            en: "status",
        },
        Heading {
            column: "reason",
            zh: "说明",
            en: "reason",
        },
    ],
};

/// A payment line with its payee, as the schema reads it.
pub struct LineRecord<'a> {
    pub policy: &'a Policy,
    pub payee: &'a Payee,
    pub line: &'a Line,
    /// the item's names, made once per line when asked for
    pub names: (String, String),
}

impl<'a> LineRecord<'a> {
    pub fn new(policy: &'a Policy, payee: &'a Payee, line: &'a Line) -> Self {
        let names = (line.item.name(policy), line.item.zh(policy));
        LineRecord {
            policy,
            payee,
            line,
            names,
        }
    }
}

impl Record for LineRecord<'_> {
    type Key = LineColumn;

    fn cell<'a>(&'a self, key: LineColumn, buf: &'a mut String) -> Value<'a> {
        let (p, l) = (self.payee, self.line);
        match key {
            L::PaymentId => Value::Text(&l.payment_id),
            L::PayMonth => {
                let _ = write!(buf, "{}", l.pay_month);
                Value::Text(buf)
            }
            L::HouseholdId => Value::Text(&p.id),
            L::Township => Value::Text(&p.township),
            L::Item => Value::Label {
                code: &self.names.0,
                zh: &self.names.1,
                en: &self.names.0,
            },
            L::Amount => Value::Money(l.amount),
            L::Approval => Value::Text(l.approval),
            L::Reason => Value::Text(&l.reason),
            L::Status => Value::Text(l.status.name()),
            L::HeadName => Value::Text(&p.head_name),
            L::HeadId => Value::Text(&p.head_id),
            L::BankAccount => Value::Text(&p.bank_account),
            L::Row => Value::Count(p.row),
            L::ItemZh => Value::Text(&self.names.1),
        }
    }
}

/// The cells of `rec` as text, in the order of `sel`, as the CSV and JSON writers state them
/// (money to the fen, codes as codes).
pub fn text_cells(sel: &Selection<LineColumn>, rec: &LineRecord, buf: &mut String) -> Vec<String> {
    sel.picks()
        .iter()
        .map(|p| match *p {
            Pick::Column(i) => {
                buf.clear();
                match rec.cell(ALL[i].key, buf) {
                    Value::Empty => String::new(),
                    Value::Text(s) | Value::Label { code: s, .. } => s.to_string(),
                    Value::Money(v) => crate::money::fmt_money(v),
                    Value::Count(n) => n.to_string(),
                }
            }
            Pick::Carried(_) => String::new(),
        })
        .collect()
}

/// A line that is not a payment (a notice, a total) given in the default columns' order,
/// cut to the chosen columns (a column past the defaults is empty on it).
pub fn project<T: Clone + Default>(
    sel: &Selection<LineColumn>,
    fields: &[T; DEFAULT_LEN],
) -> Vec<T> {
    sel.picks()
        .iter()
        .map(|p| match *p {
            Pick::Column(i) if i < DEFAULT_LEN => fields[i].clone(),
            _ => T::default(),
        })
        .collect()
}
