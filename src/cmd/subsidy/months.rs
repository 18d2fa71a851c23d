//! The month-by-month view of `subsidy`: what the rules found for every index month and area,
//! as csv and json rows.

use crate::household::Residence;
use crate::index::IndexSeries;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, text_cell};
use crate::policy::model::PriceSubsidy;
use crate::policy::{GROUPS, Policy};
use crate::rules::price_subsidy::{AreaMonth, MonthState, SubsidyTable, basis_of, covers};
use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::Value;

/// Columns of the month view (csv/json), one row per index month, area, group and residence.
pub const MONTH_COLUMNS: &[&str] = &[
    "index_month",
    "pay_month",
    "triggered",
    "trigger",
    "cpi",
    "food",
    "scpi",
    "cpi_threshold",
    "food_threshold",
    "group",
    "area",
    "residence",
    "per_person",
    "month_status",
    "scpi_threshold",
    "covered",
    "basis",
    "mode",
    "index_used",
    "index_value",
    "standard",
];

/// The month-by-month view: what the rules found for every index month and area.
pub struct MonthView<'a> {
    pub policy: &'a Policy,
    pub ps: &'a PriceSubsidy,
    pub table: &'a SubsidyTable,
    /// the policy's groups, in the documented group order
    pub groups: Vec<&'a str>,
    pub has_scpi: bool,
}

pub fn bool_value(b: Option<bool>) -> Value {
    b.map(Value::Bool).unwrap_or(Value::Null)
}

/// A percentage as statistical bulletins print it: at least one decimal (`3.0`, `-0.5`, `8.75`).
pub fn fmt_pct(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() == 0 {
        format!("{n}.0")
    } else {
        n.to_string()
    }
}

pub fn plain(v: Option<Decimal>) -> Value {
    v.map(|d| Value::String(fmt_pct(d)))
        .unwrap_or(Value::String(String::new()))
}

pub fn money(v: Option<Decimal>) -> Value {
    v.map(|d| Value::String(fmt_money(d)))
        .unwrap_or(Value::String(String::new()))
}

pub fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

pub fn object(fields: Vec<(&'static str, Value)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A JSON value as a CSV cell: booleans `true`/`false`, null empty.
pub fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl<'a> MonthView<'a> {
    pub fn new(
        policy: &'a Policy,
        ps: &'a PriceSubsidy,
        table: &'a SubsidyTable,
        index: &IndexSeries,
    ) -> MonthView<'a> {
        let mut groups: Vec<&str> = ps.groups.keys().map(String::as_str).collect();
        groups.sort_by_key(|g| GROUPS.iter().position(|k| k == g).unwrap_or(usize::MAX));
        let has_scpi = index.has_scpi
            || ps.trigger.iter().any(|t| t.scpi.is_some())
            || ps
                .formula
                .iter()
                .any(|f| f.index == crate::policy::model::IndexKind::Scpi);
        MonthView {
            policy,
            ps,
            table,
            groups,
            has_scpi,
        }
    }

    pub fn area_id(&self, am: &AreaMonth) -> String {
        am.status.area_key.clone().unwrap_or_default()
    }

    /// The month-level fields shared by every row of a month and area.
    pub fn month_fields(&self, am: &AreaMonth) -> Vec<(&'static str, Value)> {
        let s = &am.status;
        let v = s.values.unwrap_or_default();
        let determined = s.state.is_determined();
        vec![
            ("index_month", text(s.index_month.to_string())),
            ("pay_month", text(s.pay_month.to_string())),
            ("triggered", bool_value(s.triggered())),
            (
                "trigger",
                text(if determined || s.fired.any() {
                    s.fired.name()
                } else {
                    ""
                }),
            ),
            ("cpi", plain(v.cpi)),
            ("food", plain(v.food)),
            ("scpi", plain(v.scpi)),
            (
                "cpi_threshold",
                plain(s.cpi_threshold.as_ref().map(|p| p.value)),
            ),
            (
                "food_threshold",
                plain(s.food_threshold.as_ref().map(|p| p.value)),
            ),
        ]
    }

    /// The flat rows: per index month, area, group and residence.
    pub fn rows(&self) -> Vec<Vec<(&'static str, Value)>> {
        let mut rows = Vec::new();
        for am in self.table.months.values() {
            let s = &am.status;
            let formula = s
                .formula
                .as_ref()
                .filter(|_| s.state == MonthState::Triggered);
            for group in &self.groups {
                let base = covers(self.ps, &s.trigger, group);
                for residence in [Residence::Urban, Residence::Rural] {
                    let basis = base.and_then(|b| basis_of(b, Some(residence)));
                    let per_person = am.group_amount(self.ps, group, Some(residence));
                    let standard = basis
                        .and_then(|b| am.on(b))
                        .and_then(|p| p.standard.as_ref())
                        .map(|p| p.value);
                    let mut row = self.month_fields(am);
                    row.extend([
                        ("group", text(*group)),
                        ("area", text(self.area_id(am))),
                        ("residence", text(residence.name())),
                        ("per_person", money(per_person)),
                        ("month_status", text(s.state.name())),
                        (
                            "scpi_threshold",
                            plain(s.scpi_threshold.as_ref().map(|p| p.value)),
                        ),
                        (
                            "covered",
                            bool_value(s.triggered().map(|t| t && base.is_some())),
                        ),
                        (
                            "basis",
                            text(
                                basis
                                    .filter(|_| formula.is_some())
                                    .map(|b| b.name())
                                    .unwrap_or(""),
                            ),
                        ),
                        ("mode", text(formula.map(|f| f.mode.name()).unwrap_or(""))),
                        (
                            "index_used",
                            text(s.formula_index.map(|(k, _)| k.name()).unwrap_or("")),
                        ),
                        ("index_value", plain(s.formula_index.map(|(_, v)| v))),
                        ("standard", money(standard)),
                    ]);
                    rows.push(row);
                }
            }
        }
        rows
    }

    pub fn csv(&self) -> Result<String> {
        let mut w = output::csv_writer(Vec::new());
        w.write_record(MONTH_COLUMNS)?;
        for row in self.rows() {
            w.write_record(row.iter().map(|(_, v)| text_cell(&cell(v)).into_owned()))?;
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }

    /// One summary object per index month and area.
    pub fn month_summaries(&self) -> Vec<Value> {
        self.table
            .months
            .values()
            .map(|am| {
                let s = &am.status;
                let mut f = self.month_fields(am);
                let formula = s
                    .formula
                    .as_ref()
                    .filter(|_| s.state == MonthState::Triggered);
                let missing = match &s.state {
                    MonthState::Incomplete(cols) => cols.join(";"),
                    MonthState::Missing => "index_row".to_string(),
                    _ => String::new(),
                };
                f.extend([
                    ("area", text(self.area_id(am))),
                    ("month_status", text(s.state.name())),
                    ("missing", text(missing)),
                    (
                        "scpi_threshold",
                        plain(s.scpi_threshold.as_ref().map(|p| p.value)),
                    ),
                    ("trigger_from", text(s.trigger.from.to_string())),
                    (
                        "extra_groups",
                        text(if s.state == MonthState::Triggered {
                            s.trigger.extra_groups.join(";")
                        } else {
                            String::new()
                        }),
                    ),
                    ("mode", text(formula.map(|f| f.mode.name()).unwrap_or(""))),
                    (
                        "formula_from",
                        text(formula.map(|f| f.from.to_string()).unwrap_or_default()),
                    ),
                    (
                        "index_used",
                        text(s.formula_index.map(|(k, _)| k.name()).unwrap_or("")),
                    ),
                    ("index_value", plain(s.formula_index.map(|(_, v)| v))),
                    (
                        "urban_per_person",
                        money(am.urban.as_ref().map(|p| p.amount)),
                    ),
                    (
                        "rural_per_person",
                        money(am.rural.as_ref().map(|p| p.amount)),
                    ),
                    (
                        "index_line",
                        text(s.index_line.map(|l| l.to_string()).unwrap_or_default()),
                    ),
                ]);
                object(f)
            })
            .collect()
    }

    pub fn json_header(&self, index_file: &str, from: Month, to: Month) -> Value {
        let mut v = output::json_header(self.policy);
        v["index_file"] = text(index_file);
        v["from"] = text(from.to_string());
        v["to"] = text(to.to_string());
        v["index_lag"] = Value::from(self.ps.index_lag);
        v["months"] = Value::Array(self.month_summaries());
        v
    }
}
