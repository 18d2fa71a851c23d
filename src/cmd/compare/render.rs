//! How `compare` writes what [`crate::reform`] found: one line per household and month (csv,
//! json or table rows), and the totals.

use super::CompareArgs;
use super::schema::{Col, Line};
use crate::lang::Lang;
use crate::output::Output;
use crate::output::schema::Selection;
use crate::output::{self, Format};
use crate::policy::Policy;
use crate::reform::{self, HouseholdComparison};
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
    /// one line per household is written (not `--totals`)
    pub households: bool,
    /// the columns written (`--columns`, or the format's default)
    pub columns: Selection<Col>,
}

/// One chunk of household lines: the bytes (csv, json) or the table's rows.
pub struct Chunk {
    pub bytes: Vec<u8>,
    pub table: Vec<Vec<String>>,
}

/// The default columns of files: [`COLUMNS`] or [`INDEX_COLUMNS`], then `weight` with a
/// weight column, the reasons and `row`.
pub fn default_columns(with_index: bool, weighted: bool) -> String {
    let mut cols: Vec<&str> = if with_index {
        INDEX_COLUMNS.to_vec()
    } else {
        COLUMNS.to_vec()
    };
    if weighted {
        cols.push("weight");
    }
    cols.extend(["reasons_base", "reasons_alt", "row"]);
    cols.join(",")
}

impl Rows {
    /// The lines of a chunk of households.
    pub fn chunk(&self, households: &[HouseholdComparison]) -> Chunk {
        let mut out = Chunk {
            bytes: Vec::new(),
            table: Vec::new(),
        };
        if !self.households {
            return out;
        }
        let mut csv = (self.format == Format::Csv)
            .then(|| output::CsvBuf::with_capacity(households.len() * 160));
        let mut buf = String::new();
        for hc in households {
            for mc in &hc.months {
                let line = Line {
                    hc,
                    mc,
                    format: self.format,
                    lang: self.lang,
                };
                match self.format {
                    Format::Table => {
                        let cells = self.columns.table_cells(&line, &mut buf, self.lang);
                        out.table.push(cells);
                    }
                    Format::Json => {
                        if !out.bytes.is_empty() {
                            out.bytes.push(b',');
                        }
                        self.columns.write_json(&mut out.bytes, &line, &mut buf);
                        out.bytes.push(b'\n');
                    }
                    _ => {
                        if let Some(w) = csv.as_mut() {
                            self.columns.write_csv(w, &line, &mut buf);
                        }
                    }
                }
            }
        }
        if let Some(w) = csv {
            out.bytes = w.into_bytes();
        }
        out
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
            w.write_record(rows.columns.csv_header())?;
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
