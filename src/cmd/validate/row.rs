//! The column schema of a `validate` problem line: one list of columns drives the CSV header
//! and records, the JSON objects and the terminal table, and lets `--columns` choose them.

use crate::lang::Lang;
use crate::output::schema::{Kind, Record, Schema, Selection, Value};
use crate::output::schema::{col, head};
use crate::output::{self, Format};
use crate::validate::Problem;
use std::collections::HashMap;

/// Names a column of a problem line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemColumn {
    /// the file the problem is in
    File,
    /// the row (line) of the file; empty for a problem of a whole file
    Row,
    /// the household the row belongs to
    HouseholdId,
    /// its head's name
    HeadName,
    /// the column of the file (a table shows its header as written)
    Column,
    /// the value as written (ID and account numbers masked in tables and with `--mask`)
    Value,
    /// error or note
    Severity,
    /// the stable problem code
    Code,
    /// what is wrong
    Reason,
    /// how to fix it
    Fix,
}

/// The columns of a problem line: all of them in files, in this order (`household_id` and
/// `head_name` follow `row` so that a problem names the household it is in); the table leaves
/// out the code by default.
pub static PROBLEM: Schema<ProblemColumn> = {
    use ProblemColumn as C;
    Schema {
        record: ("检查问题", "validate problem"),
        columns: &[
            col("file", "文件", Kind::Text, C::File),
            col("row", "行", Kind::Count, C::Row),
            col("household_id", "户编号", Kind::Text, C::HouseholdId),
            col("head_name", "户主姓名", Kind::Text, C::HeadName),
            col("column", "列", Kind::Text, C::Column),
            col("value", "原值", Kind::Text, C::Value),
            col("severity", "级别", Kind::Code, C::Severity),
            col("code", "问题代码", Kind::Code, C::Code),
            col("reason", "问题", Kind::Text, C::Reason),
            col("fix", "如何修改", Kind::Text, C::Fix),
        ],
        default_len: 10,
        json: None,
        table: &[
            head("file", "文件", "file"),
            head("row", "行", "row"),
            head("household_id", "户编号", "household"),
            head("head_name", "户主", "head"),
            head("column", "列", "column"),
            head("value", "原值", "value"),
            head("severity", "级别", "severity"),
            head("reason", "问题", "problem"),
            head("fix", "如何修改", "how to fix"),
        ],
    }
};

/// A problem as one line of the listing in `format`.
pub(super) struct ProblemRecord<'a> {
    /// the problem
    pub problem: &'a Problem,
    /// the language of the reason, the fix and a table's column labels
    pub lang: Lang,
    /// the format written (a table masks ID numbers and labels the columns)
    pub format: Format,
    /// mask ID and account numbers in files too
    pub mask: bool,
    /// whether values of ID columns are masked as `mask` and `format` say (a ledger's are not)
    pub ids: bool,
    /// the file's headers as written, by column name (for tables)
    pub labels: Option<&'a HashMap<String, String>>,
}

impl Record for ProblemRecord<'_> {
    type Key = ProblemColumn;

    fn cell<'a>(&'a self, key: ProblemColumn, buf: &'a mut String) -> Value<'a> {
        use ProblemColumn as C;
        let p = self.problem;
        match key {
            C::File => Value::Text(&p.file),
            C::Row => p.row.map_or(Value::Empty, Value::Count),
            C::HouseholdId => Value::Text(&p.household_id),
            C::HeadName => Value::Text(&p.head_name),
            C::Column if self.format == Format::Table => {
                match self.labels.and_then(|l| l.get(&p.column)) {
                    Some(label) => buf.push_str(label),
                    None => buf.push_str(&crate::validate::column_label(&p.column, self.lang)),
                }
                Value::Text(buf)
            }
            C::Column => Value::Text(&p.column),
            C::Value => {
                if self.ids && output::is_id_column(p.column.trim_start_matches("members.")) {
                    buf.push_str(&output::id_cell(&p.value, self.format, self.mask));
                    Value::Text(buf)
                } else {
                    Value::Text(&p.value)
                }
            }
            C::Severity => Value::Label {
                code: p.severity.name(),
                zh: p.severity.zh(),
                en: p.severity.name(),
            },
            C::Code => Value::Text(&p.code),
            C::Reason => {
                buf.push_str(&p.reason_fix(self.lang).0);
                Value::Text(buf)
            }
            C::Fix => {
                buf.push_str(&p.reason_fix(self.lang).1);
                Value::Text(buf)
            }
        }
    }
}

/// The headings of a table of `columns`, and those to right-align (the row number).
pub(super) fn table_headings(
    columns: &Selection<ProblemColumn>,
    lang: Lang,
) -> (Vec<String>, Vec<String>) {
    let headings: Vec<String> = columns
        .headings(lang)
        .into_iter()
        .map(str::to_string)
        .collect();
    let right = columns
        .names()
        .into_iter()
        .zip(&headings)
        .filter(|(n, _)| *n == "row")
        .map(|(_, h)| h.clone())
        .collect();
    (headings, right)
}
