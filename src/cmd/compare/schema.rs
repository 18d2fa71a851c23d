//! The column schema of a comparison row (one household in one month): it drives csv, json
//! and the terminal table, and `--columns`.

use crate::lang::Lang;
use crate::output::schema::{Column, Heading, Kind, Record, Schema, Value};
use crate::output::schema::{col, head};
use crate::output::{Format, text_cell};
use crate::reform::{HouseholdComparison, MonthComparison, SideMonth};
use std::fmt::Write as _;

/// The columns of a comparison row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    HouseholdId,
    Township,
    HeadName,
    HeadId,
    Month,
    Area,
    Residence,
    Members,
    Status,
    DecisionBase,
    RegularBase,
    SubsidyBase,
    TotalBase,
    DecisionAlt,
    RegularAlt,
    SubsidyAlt,
    TotalAlt,
    Difference,
    Change,
    OutcomeBase,
    OutcomeAlt,
    Weight,
    ReasonsBase,
    ReasonsAlt,
    Row,
    Decisions,
}

const COLUMNS: &[Column<Col>] = &[
    col("household_id", "户编号", Kind::Text, Col::HouseholdId),
    col("township", "乡镇街道", Kind::Text, Col::Township),
    col("head_name", "户主姓名", Kind::Text, Col::HeadName),
    col("head_id", "户主身份证号", Kind::Id, Col::HeadId),
    col("month", "月份", Kind::Month, Col::Month),
    col("area", "地区", Kind::Code, Col::Area),
    col("residence", "城乡", Kind::Code, Col::Residence),
    col("members", "人口", Kind::Count, Col::Members),
    col("status", "保障类别", Kind::Code, Col::Status),
    col("decision_base", "原认定", Kind::Code, Col::DecisionBase),
    col("regular_base", "原保障金", Kind::Money, Col::RegularBase),
    col("subsidy_base", "原价格补贴", Kind::Money, Col::SubsidyBase),
    col("total_base", "原合计", Kind::Money, Col::TotalBase),
    col("decision_alt", "新认定", Kind::Code, Col::DecisionAlt),
    col("regular_alt", "新保障金", Kind::Money, Col::RegularAlt),
    col("subsidy_alt", "新价格补贴", Kind::Money, Col::SubsidyAlt),
    col("total_alt", "新合计", Kind::Money, Col::TotalAlt),
    col("difference", "差额", Kind::Money, Col::Difference),
    col("change", "变化", Kind::Code, Col::Change),
    col(
        "subsidy_outcome_base",
        "原价格补贴结果",
        Kind::Code,
        Col::OutcomeBase,
    ),
    col(
        "subsidy_outcome_alt",
        "新价格补贴结果",
        Kind::Code,
        Col::OutcomeAlt,
    ),
    col("weight", "权数", Kind::Code, Col::Weight),
    col("reasons_base", "原原因代码", Kind::Code, Col::ReasonsBase),
    col("reasons_alt", "新原因代码", Kind::Code, Col::ReasonsAlt),
    col("row", "行", Kind::Count, Col::Row),
    col("decisions", "认定（原 → 新）", Kind::Text, Col::Decisions),
];

const LEAD: [Heading; 8] = [
    head("row", "行", "row"),
    head("household_id", "户编号", "household"),
    head("head_name", "户主", "head"),
    head("head_id", "户主身份证号", "head ID"),
    head("month", "月份", "month"),
    head("area", "地区", "area"),
    head("members", "人口", "members"),
    head("decisions", "认定（原 → 新）", "decision (base → alt)"),
];

/// A comparison row without `--index`. Files write, by default, the columns of
/// [`super::COLUMNS`] (then `weight` with `--weight`, the reasons and `row`).
pub static COMPARISON_ROW: Schema<Col> = Schema {
    record: ("比较行", "comparison row"),
    columns: COLUMNS,
    default_len: 25,
    json: None,
    table: &[
        LEAD[0],
        LEAD[1],
        LEAD[2],
        LEAD[3],
        LEAD[4],
        LEAD[5],
        LEAD[6],
        LEAD[7],
        head("total_base", "原月额", "base"),
        head("total_alt", "新月额", "alt"),
        head("difference", "差额", "difference"),
        head("change", "变化", "change"),
    ],
};

/// A comparison row with `--index`: each side's regular amount and price subsidy beside its
/// total in the default table.
pub static INDEX_COMPARISON_ROW: Schema<Col> = Schema {
    record: ("比较行", "comparison row"),
    columns: COLUMNS,
    default_len: 25,
    json: None,
    table: &[
        LEAD[0],
        LEAD[1],
        LEAD[2],
        LEAD[3],
        LEAD[4],
        LEAD[5],
        LEAD[6],
        LEAD[7],
        head("regular_base", "原保障金", "base regular"),
        head("subsidy_base", "原价格补贴", "base subsidy"),
        head("total_base", "原合计", "base total"),
        head("regular_alt", "新保障金", "alt regular"),
        head("subsidy_alt", "新价格补贴", "alt subsidy"),
        head("total_alt", "新合计", "alt total"),
        head("difference", "差额", "difference"),
        head("change", "变化", "change"),
    ],
};

/// One household in one month, as a record of [`COMPARISON_ROW`].
pub struct Line<'a> {
    pub hc: &'a HouseholdComparison,
    pub mc: &'a MonthComparison,
    pub format: Format,
    pub lang: Lang,
}

fn money(v: rust_decimal::Decimal, known: bool) -> Value<'static> {
    if known { Value::Money(v) } else { Value::Empty }
}

fn outcome(s: &SideMonth) -> Value<'_> {
    s.subsidy.as_ref().map_or(Value::Empty, |s| Value::Label {
        code: s.state.name(),
        zh: s.state.zh(),
        en: s.state.name(),
    })
}

impl Line<'_> {
    /// Text from the roster: guarded against formulas in JSON as in CSV (the CSV writer
    /// guards it itself), as read in a table.
    fn text<'a>(&self, s: &'a str, buf: &'a mut String) -> Value<'a> {
        if self.format != Format::Json {
            return Value::Text(s);
        }
        match text_cell(s) {
            std::borrow::Cow::Borrowed(b) => Value::Text(b),
            std::borrow::Cow::Owned(o) => {
                *buf = o;
                Value::Text(buf)
            }
        }
    }
}

impl Record for Line<'_> {
    type Key = Col;

    fn cell<'a>(&'a self, key: Col, buf: &'a mut String) -> Value<'a> {
        let (hc, mc) = (self.hc, self.mc);
        let h = &hc.household;
        let (b, a, case) = (&mc.base, &mc.alt, &mc.case);
        let decision = |s: &SideMonth| {
            let d = s.evaluation.decision;
            Value::Label {
                code: d.name(),
                zh: d.zh(),
                en: d.name(),
            }
        };
        match key {
            Col::HouseholdId => self.text(&h.id, buf),
            Col::Township => self.text(&h.township, buf),
            Col::HeadName => self.text(&h.head_name, buf),
            Col::HeadId => self.text(&h.head_id, buf),
            Col::Month => {
                let _ = write!(buf, "{}", mc.month);
                Value::Text(buf)
            }
            Col::Area => Value::Text(&hc.area),
            Col::Residence => Value::Text(h.residence.map(|r| r.name()).unwrap_or("")),
            Col::Members => h.members.map_or(Value::Empty, |n| Value::Count(n.into())),
            Col::Status => Value::Text(h.status.name()),
            Col::DecisionBase => decision(b),
            Col::RegularBase => money(b.regular(), b.regular_known()),
            Col::SubsidyBase => money(b.subsidy_amount(), b.subsidy_known()),
            Col::TotalBase => money(case.base, b.known()),
            Col::DecisionAlt => decision(a),
            Col::RegularAlt => money(a.regular(), a.regular_known()),
            Col::SubsidyAlt => money(a.subsidy_amount(), a.subsidy_known()),
            Col::TotalAlt => money(case.alt, a.known()),
            Col::Difference => money(case.difference(), case.decided),
            Col::Change => Value::Label {
                code: mc.change.name(),
                zh: mc.change.zh(),
                en: mc.change.name(),
            },
            Col::OutcomeBase => outcome(b),
            Col::OutcomeAlt => outcome(a),
            Col::Weight => match hc.weight {
                Some(w) => {
                    *buf = super::render::count(w);
                    Value::Text(buf)
                }
                None => Value::Empty,
            },
            Col::ReasonsBase => {
                *buf = b.reasons(h);
                Value::Text(buf)
            }
            Col::ReasonsAlt => {
                *buf = a.reasons(h);
                Value::Text(buf)
            }
            Col::Row => Value::Count(hc.line),
            Col::Decisions => {
                let (db, da) = match self.lang {
                    Lang::Zh => (b.evaluation.decision.zh(), a.evaluation.decision.zh()),
                    Lang::En => (b.evaluation.decision.name(), a.evaluation.decision.name()),
                };
                let _ = write!(buf, "{db} → {da}");
                Value::Text(buf)
            }
        }
    }
}
