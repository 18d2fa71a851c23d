//! The columns of a `check` row ([`CHECK_ROW`]) and how each cell is read from a household and
//! its evaluation.

use crate::assess::{reason_label, write_reasons};
use crate::household::Household;
use crate::lang::Lang;
use crate::output::schema::{self, Heading, Kind, Record, Schema, Value};
use crate::output::schema::{col, head};
use crate::policy::Policy;
use crate::rules::{self, Evaluation};
use rust_decimal::Decimal;

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

/// The schema of a check row: the [`COLUMNS`] of files, then the sums and the short reason a
/// terminal table shows.
pub static CHECK_ROW: Schema<CheckColumn> = Schema {
    record: ("核查结果行", "check row"),
    columns: &ALL,
    default_len: COLUMNS.len(),
    json: Some(&JSON),
    table: &TABLE,
};

/// The names of `columns` up to `N`.
const fn names<const N: usize>(columns: &[schema::Column<CheckColumn>]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = columns[i].en;
        i += 1;
    }
    out
}

/// The columns of `check` files, before the roster's carried columns. `township`,
/// `head_name` and `head_id` follow `household_id` so that a row names its household (the
/// ID whole: files are for caseworkers; terminal tables mask IDs).
pub const COLUMNS: [&str; 19] = names(&ALL);

const ALL: [schema::Column<CheckColumn>; 22] = {
    use CheckColumn as C;
    [
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
    ]
};

/// JSON keeps gradual_exit_amount before monthly_total, as it always has.
const JSON: [&str; 19] = [
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
];

/// The terminal table: short headings, sums of the dibao and tekun columns, a short reason.
const TABLE: [Heading; 9] = [
    head("row", "行", "row"),
    head("household_id", "户编号", "household"),
    head("area", "地区", "area"),
    head("decision", "认定", "decision"),
    head("dibao_or_exit", "低保/渐退", "dibao/exit"),
    head("uplift_amount", "分类施保", "uplift"),
    head("tekun_amount", "特困", "tekun"),
    head("monthly_total", "月合计", "total"),
    head("reason_label", "原因", "reason"),
];

/// What every row of a run shares: the policy, the month, the language of sentences.
pub struct RowCtx<'a> {
    /// the policy
    pub policy: &'a Policy,
    /// the month decided, `YYYY-MM`
    pub month: String,
    /// the language of the message and of the table's labels
    pub lang: Lang,
}

impl RowCtx<'_> {
    /// The area's key in the policy (empty when the household has none).
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
}

/// One household's row of `check` output.
pub struct CheckRecord<'a> {
    /// what the rows share
    pub ctx: &'a RowCtx<'a>,
    /// the household
    pub h: &'a Household,
    /// its evaluation
    pub ev: &'a Evaluation,
    /// its monthly total (the sum of the evaluation's amounts, computed once)
    pub total: Decimal,
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
            C::MonthlyTotal => Value::Money(self.total),
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

/// The total of a money column from the run's totals (in [`crate::assess::Summary::totals`]
/// order), for the table's totals line.
pub fn total_of(t: &[Decimal; crate::assess::MONEY], c: CheckColumn) -> Option<Decimal> {
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
}
