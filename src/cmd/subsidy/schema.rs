//! The column schema of a subsidy row (one household in one pay month): it drives csv and
//! json, a table with `--columns`, and `--columns` itself.

use crate::grants::HouseholdMonths;
use crate::household::Household;
use crate::output::schema::{Kind, Record, Schema, Value};
use crate::output::schema::{col, head};
use crate::policy::Policy;
use crate::rules::price_subsidy::{HouseholdState, HouseholdSubsidy};
use std::fmt::Write as _;

/// The columns of a subsidy row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    HouseholdId,
    Township,
    HeadName,
    HeadId,
    PayMonth,
    Persons,
    Amount,
    IndexMonth,
    Area,
    Residence,
    Outcome,
    Group,
    PerPerson,
    Groups,
    Status,
    Reasons,
    Row,
}

/// A subsidy row: files hold [`super::HOUSEHOLD_COLUMNS`], then the roster's carried columns.
pub static SUBSIDY_ROW: Schema<Col> = Schema {
    record: ("价格补贴行", "subsidy row"),
    columns: &[
        col("household_id", "户编号", Kind::Text, Col::HouseholdId),
        col("township", "乡镇街道", Kind::Text, Col::Township),
        col("head_name", "户主姓名", Kind::Text, Col::HeadName),
        col("head_id", "户主身份证号", Kind::Id, Col::HeadId),
        col("pay_month", "发放月份", Kind::Month, Col::PayMonth),
        col("persons", "人数", Kind::Count, Col::Persons),
        col("amount", "金额", Kind::Money, Col::Amount),
        col("index_month", "指数月份", Kind::Month, Col::IndexMonth),
        col("area", "地区", Kind::Text, Col::Area),
        col("residence", "城乡", Kind::Code, Col::Residence),
        col("outcome", "结果", Kind::Code, Col::Outcome),
        col("group", "补贴类别", Kind::Code, Col::Group),
        col("per_person", "每人金额", Kind::Money, Col::PerPerson),
        col("groups", "所属类别", Kind::Code, Col::Groups),
        col("status", "保障类别", Kind::Code, Col::Status),
        col("reasons", "原因代码", Kind::Code, Col::Reasons),
        col("row", "行", Kind::Count, Col::Row),
    ],
    default_len: 17,
    json: None,
    table: &[
        head("household_id", "户编号", "household"),
        head("head_name", "户主", "head"),
        head("head_id", "户主身份证号", "head ID"),
        head("pay_month", "发放月份", "pay month"),
        head("persons", "人数", "persons"),
        head("amount", "金额", "amount"),
        head("outcome", "结果", "outcome"),
    ],
};

/// One household in one pay month, as a record of [`SUBSIDY_ROW`].
pub struct Line<'a> {
    pub policy: &'a Policy,
    pub hm: &'a HouseholdMonths,
    pub s: &'a HouseholdSubsidy,
}

impl Record for Line<'_> {
    type Key = Col;

    fn cell<'a>(&'a self, key: Col, buf: &'a mut String) -> Value<'a> {
        let h: &Household = &self.hm.household;
        let s = self.s;
        let codes = |buf: &'a mut String, items: &mut dyn Iterator<Item = &str>| {
            for (i, x) in items.enumerate() {
                if i > 0 {
                    buf.push(';');
                }
                buf.push_str(x);
            }
            Value::Text(buf)
        };
        match key {
            Col::HouseholdId => Value::Text(&h.id),
            Col::Township => Value::Text(&h.township),
            Col::HeadName => Value::Text(&h.head_name),
            Col::HeadId => Value::Text(&h.head_id),
            Col::PayMonth => {
                let _ = write!(buf, "{}", s.pay_month);
                Value::Text(buf)
            }
            Col::Persons => s
                .persons
                .or(h.members)
                .map_or(Value::Empty, |p| Value::Count(p.into())),
            Col::Amount if s.state.is_decided() => Value::Money(s.amount),
            Col::Amount => Value::Empty,
            Col::IndexMonth => {
                let _ = write!(buf, "{}", s.index_month);
                Value::Text(buf)
            }
            Col::Area => Value::Text(h.area.and_then(|a| self.policy.area_key(a)).unwrap_or("")),
            Col::Residence => Value::Text(h.residence.map(|r| r.name()).unwrap_or("")),
            Col::Outcome => Value::Label {
                code: s.state.name(),
                zh: s.state.zh(),
                en: s.state.name(),
            },
            // Persons paid at different groups (a members file): every paying group, highest
            // first, and no single per-person amount (the amount is the sum of the shares).
            Col::Group if s.shares.len() > 1 => {
                let mut g: Vec<&str> = s.shares.iter().map(|x| x.group).collect();
                g.dedup();
                codes(buf, &mut g.into_iter())
            }
            Col::Group => Value::Text(s.group.unwrap_or("")),
            Col::PerPerson if s.state == HouseholdState::Paid && s.shares.len() <= 1 => {
                Value::Money(s.per_person)
            }
            Col::PerPerson => Value::Empty,
            Col::Groups => codes(buf, &mut s.groups.iter().copied()),
            Col::Status => Value::Text(h.status.name()),
            Col::Reasons => match s.state {
                HouseholdState::Invalid => {
                    for (i, e) in h.errors.iter().enumerate() {
                        if i > 0 {
                            buf.push(';');
                        }
                        let _ = write!(buf, "{}:{}", e.code, e.column);
                    }
                    Value::Text(buf)
                }
                HouseholdState::Undetermined => {
                    for (i, c) in s.missing.iter().enumerate() {
                        if i > 0 {
                            buf.push(';');
                        }
                        let _ = write!(buf, "missing:{}", c.name());
                    }
                    Value::Text(buf)
                }
                _ => Value::Empty,
            },
            Col::Row => Value::Count(h.row),
        }
    }

    fn carried(&self, i: usize) -> &str {
        self.hm.household.extra.get(i).map_or("", String::as_str)
    }
}
