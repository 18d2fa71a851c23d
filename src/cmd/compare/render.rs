//! How `compare` writes what [`crate::reform`] found: one line per household and month (csv,
//! json or table rows), and the totals.

use super::CompareArgs;
use crate::household::Household;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::output::Output;
use crate::output::{self, Format, text_cell};
use crate::policy::Policy;
use crate::reform::{self, HouseholdComparison, MonthComparison, SideMonth};
use anyhow::Result;
use rust_decimal::Decimal;
use std::io::Write;

/// The CSV/JSON columns of one household and month, before `weight`, the reasons and `row`.
pub const COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "month",
    "area",
    "residence",
    "members",
    "status",
    "decision_base",
    "total_base",
    "decision_alt",
    "total_alt",
    "difference",
    "change",
];

/// [`COLUMNS`] with `--index`: each side's regular amount and price subsidy beside its total
/// (their sum), and the subsidy's outcome (`paid`, `not_triggered`, `not_covered`, ...).
pub const INDEX_COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "month",
    "area",
    "residence",
    "members",
    "status",
    "decision_base",
    "regular_base",
    "subsidy_base",
    "total_base",
    "decision_alt",
    "regular_alt",
    "subsidy_alt",
    "total_alt",
    "difference",
    "change",
    "subsidy_outcome_base",
    "subsidy_outcome_alt",
];

/// A count as written: the weighted number, without trailing zeros.
pub fn count(d: Decimal) -> String {
    d.normalize().to_string()
}

/// How the household lines are written.
pub struct Rows {
    pub format: Format,
    pub lang: Lang,
    pub with_index: bool,
    pub weighted: bool,
    /// one line per household is written (not `--totals`)
    pub households: bool,
}

/// One chunk of household lines: the bytes (csv, json) or the table's rows.
pub struct Chunk {
    pub bytes: Vec<u8>,
    pub table: Vec<Vec<String>>,
}

fn money(v: Decimal, known: bool) -> String {
    if known { fmt_money(v) } else { String::new() }
}

fn subsidy(s: &SideMonth) -> String {
    money(s.subsidy_amount(), s.subsidy_known())
}

impl Rows {
    /// The lines of a chunk of households.
    pub fn chunk(&self, households: &[HouseholdComparison]) -> Chunk {
        let mut out = Chunk {
            bytes: Vec::with_capacity(if self.households {
                households.len() * 160
            } else {
                0
            }),
            table: Vec::new(),
        };
        if !self.households {
            return out;
        }
        for hc in households {
            for mc in &hc.months {
                if self.format == Format::Table {
                    out.table.push(self.table_cells(hc, mc));
                } else {
                    self.write_fields(&mut out.bytes, hc, mc);
                }
            }
        }
        out
    }

    fn outcome(&self, s: &SideMonth) -> String {
        s.subsidy
            .as_ref()
            .map_or(String::new(), |s| match self.format {
                Format::Table => self.lang.pick(s.state.zh(), s.state.name()).to_string(),
                _ => s.state.name().to_string(),
            })
    }

    fn table_cells(&self, hc: &HouseholdComparison, mc: &MonthComparison) -> Vec<String> {
        let h: &Household = &hc.household;
        let (b, a, case) = (&mc.base, &mc.alt, &mc.case);
        let (db, da) = match self.lang {
            Lang::Zh => (b.evaluation.decision.zh(), a.evaluation.decision.zh()),
            Lang::En => (b.evaluation.decision.name(), a.evaluation.decision.name()),
        };
        let mut cells = vec![
            h.row.to_string(),
            h.id.clone(),
            h.head_name.clone(),
            output::id_cell(&h.head_id, Format::Table, true).into_owned(),
            mc.month.to_string(),
            hc.area.clone(),
            h.members.map(|n| n.to_string()).unwrap_or_default(),
            format!("{db} → {da}"),
        ];
        if self.with_index {
            cells.extend([
                money(b.regular(), b.regular_known()),
                subsidy(b),
                money(case.base, b.known()),
                money(a.regular(), a.regular_known()),
                subsidy(a),
                money(case.alt, a.known()),
            ]);
        } else {
            cells.extend([money(case.base, b.known()), money(case.alt, a.known())]);
        }
        cells.extend([
            money(case.difference(), case.decided),
            mc.change.label(self.lang).to_string(),
        ]);
        cells
    }

    fn write_fields(&self, bytes: &mut Vec<u8>, hc: &HouseholdComparison, mc: &MonthComparison) {
        let h = &hc.household;
        let (b, a, case) = (&mc.base, &mc.alt, &mc.case);
        let mut fields: Vec<(&str, String)> = vec![
            ("household_id", text_cell(&h.id).into_owned()),
            ("township", text_cell(&h.township).into_owned()),
            ("head_name", text_cell(&h.head_name).into_owned()),
            ("head_id", text_cell(&h.head_id).into_owned()),
            ("month", mc.month.to_string()),
            ("area", hc.area.clone()),
            (
                "residence",
                h.residence.map(|r| r.name()).unwrap_or("").into(),
            ),
            (
                "members",
                h.members.map(|n| n.to_string()).unwrap_or_default(),
            ),
            ("status", h.status.name().to_string()),
            ("decision_base", b.evaluation.decision.name().to_string()),
        ];
        if self.with_index {
            fields.extend([
                ("regular_base", money(b.regular(), b.regular_known())),
                ("subsidy_base", subsidy(b)),
            ]);
        }
        fields.extend([
            ("total_base", money(case.base, b.known())),
            ("decision_alt", a.evaluation.decision.name().to_string()),
        ]);
        if self.with_index {
            fields.extend([
                ("regular_alt", money(a.regular(), a.regular_known())),
                ("subsidy_alt", subsidy(a)),
            ]);
        }
        fields.extend([
            ("total_alt", money(case.alt, a.known())),
            ("difference", money(case.difference(), case.decided)),
            ("change", mc.change.name().to_string()),
        ]);
        if self.with_index {
            fields.extend([
                ("subsidy_outcome_base", self.outcome(b)),
                ("subsidy_outcome_alt", self.outcome(a)),
            ]);
        }
        if self.weighted {
            fields.push(("weight", hc.weight.map(count).unwrap_or_default()));
        }
        fields.push(("reasons_base", b.reasons(h)));
        fields.push(("reasons_alt", a.reasons(h)));
        fields.push(("row", hc.line.to_string()));
        if self.format == Format::Json {
            if !bytes.is_empty() {
                bytes.push(b',');
            }
            output::json_object(bytes, fields.iter().map(|(k, v)| (*k, v.as_str())));
            bytes.push(b'\n');
        } else {
            let mut w = output::csv_writer(bytes);
            let _ = w.write_record(fields.iter().map(|(_, v)| v.as_bytes()));
            let _ = w.flush();
        }
    }

    /// The header of the household lines, before any (csv, json: written by the caller).
    pub fn csv_columns(&self) -> Vec<&'static str> {
        let mut cols: Vec<&str> = if self.with_index {
            INDEX_COLUMNS.to_vec()
        } else {
            COLUMNS.to_vec()
        };
        if self.weighted {
            cols.push("weight");
        }
        cols.extend(["reasons_base", "reasons_alt", "row"]);
        cols
    }

    /// The table's headers and its money columns.
    pub fn table_headers(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let lang = self.lang;
        let mut headers: Vec<&str> = match lang {
            Lang::Zh => vec![
                "行",
                "户编号",
                "户主",
                "户主身份证号",
                "月份",
                "地区",
                "人口",
                "认定（原 → 新）",
            ],
            Lang::En => vec![
                "row",
                "household",
                "head",
                "head ID",
                "month",
                "area",
                "members",
                "decision (base → alt)",
            ],
        };
        let money: Vec<&str> = match (lang, self.with_index) {
            (Lang::Zh, false) => vec!["原月额", "新月额", "差额"],
            (Lang::En, false) => vec!["base", "alt", "difference"],
            (Lang::Zh, true) => vec![
                "原保障金",
                "原价格补贴",
                "原合计",
                "新保障金",
                "新价格补贴",
                "新合计",
                "差额",
            ],
            (Lang::En, true) => vec![
                "base regular",
                "base subsidy",
                "base total",
                "alt regular",
                "alt subsidy",
                "alt total",
                "difference",
            ],
        };
        headers.extend(money.iter().copied());
        headers.push(lang.pick("变化", "change"));
        (headers, money)
    }
}

/// What comes before the household lines: the CSV header, or the JSON header up to the
/// opening of `households`.
pub fn write_head(
    out: &mut Output,
    rows: &Rows,
    args: &CompareArgs,
    config: &reform::Config,
    base: &Policy,
    alt: &Policy,
) -> Result<()> {
    match rows.format {
        Format::Csv if rows.households => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(rows.csv_columns())?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let mut header = output::json_header(base);
            if let Some(o) = header.as_object_mut() {
                let months: Vec<String> = config.months.iter().map(|m| m.to_string()).collect();
                let text = |v: Option<&String>| {
                    v.map(|f| serde_json::Value::from(f.clone()))
                        .unwrap_or(serde_json::Value::Null)
                };
                o.insert(
                    "with".into(),
                    serde_json::json!({ "policy": alt.name(), "policy_sha256": alt.sha256 }),
                );
                o.insert("months".into(), months.into());
                o.insert("index_file".into(), text(args.index.as_ref()));
                o.insert(
                    "weight".into(),
                    text(config.weight.as_ref().map(|(_, h)| h)),
                );
            }
            let mut head = serde_json::to_string(&header)?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"households\":[\n")?;
        }
        _ => {}
    }
    Ok(())
}
