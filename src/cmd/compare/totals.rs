//! How `compare` writes the totals: json after the households, csv with `--totals`, and the
//! totals table.

use super::render::{Rows, count};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Format, Output, table, text_cell};
use crate::reform::{Section, TotalLine, Totals};
use anyhow::Result;
use rust_decimal::Decimal;
use std::io::Write;

/// The CSV columns of `--totals`.
pub const TOTAL_COLUMNS: &[&str] = &[
    "section",
    "key",
    "cases",
    "base_total",
    "alt_total",
    "difference",
    "gaining",
    "losing",
    "unchanged",
    "newly_eligible",
    "no_longer_eligible",
    "undecided",
];

/// Added to [`TOTAL_COLUMNS`] with `--index`: the price subsidy inside `base_total` and
/// `alt_total`, and its difference.
pub const INDEX_TOTAL_COLUMNS: &[&str] = &["base_subsidy", "alt_subsidy", "subsidy_difference"];

/// The cells of a totals line (counts are empty on the per-year line).
pub fn line_cells(l: &TotalLine, with_index: bool) -> Vec<String> {
    let t = &l.tally;
    let per_year = l.section == Section::PerYear;
    let c = |d: Decimal| if per_year { String::new() } else { count(d) };
    let mut cells = vec![
        l.section.name().to_string(),
        l.key.clone(),
        c(t.cases),
        fmt_money(t.base),
        fmt_money(t.alt),
        fmt_money(t.difference()),
        c(t.gaining),
        c(t.losing),
        c(t.unchanged),
        c(t.newly_eligible),
        c(t.no_longer_eligible),
        c(t.undecided),
    ];
    if with_index {
        cells.extend([
            fmt_money(t.base_subsidy),
            fmt_money(t.alt_subsidy),
            fmt_money(t.subsidy_difference()),
        ]);
    }
    cells
}

/// The totals' columns: [`TOTAL_COLUMNS`], then [`INDEX_TOTAL_COLUMNS`] with `--index`.
pub fn total_columns(with_index: bool) -> Vec<&'static str> {
    let mut cols = TOTAL_COLUMNS.to_vec();
    if with_index {
        cols.extend_from_slice(INDEX_TOTAL_COLUMNS);
    }
    cols
}

/// The totals table's headers.
pub fn totals_headers(lang: Lang, with_index: bool) -> Vec<&'static str> {
    let mut headers: Vec<&str> = match lang {
        Lang::Zh => vec![
            "类别",
            "项",
            "户次",
            "原支出",
            "新支出",
            "差额",
            "增加",
            "减少",
            "不变",
            "新增符合",
            "不再符合",
            "无法比较",
        ],
        Lang::En => vec![
            "section",
            "key",
            "cases",
            "base",
            "alt",
            "difference",
            "gaining",
            "losing",
            "unchanged",
            "newly eligible",
            "no longer eligible",
            "undecided",
        ],
    };
    if with_index {
        headers.extend(match lang {
            Lang::Zh => ["其中原价格补贴", "其中新价格补贴", "价格补贴差额"],
            Lang::En => ["base subsidy", "alt subsidy", "subsidy difference"],
        });
    }
    headers
}

/// What comes after the household lines: the totals (json, csv with `--totals`, table).
pub fn write_totals(
    out: &mut Output,
    rows: &Rows,
    totals: &Totals,
    months: &[Month],
    table_rows: Vec<Vec<String>>,
) -> Result<()> {
    let lines = totals.lines(months);
    let (lang, with_index) = (rows.lang, rows.with_index);
    match rows.format {
        Format::Json => {
            out.write_all(b"],\"totals\":")?;
            let objects: Vec<serde_json::Value> = lines
                .iter()
                .map(|l| {
                    let map: serde_json::Map<String, serde_json::Value> = total_columns(with_index)
                        .iter()
                        .zip(line_cells(l, with_index))
                        .map(|(k, v)| ((*k).to_string(), v.into()))
                        .collect();
                    serde_json::Value::Object(map)
                })
                .collect();
            out.write_all(serde_json::to_string(&objects)?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        Format::Csv if !rows.households => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(total_columns(with_index))?;
            for l in &lines {
                w.write_record(
                    line_cells(l, with_index)
                        .iter()
                        .map(|c| text_cell(c).into_owned()),
                )?;
            }
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Table => {
            if rows.households {
                let headers = rows.columns.headings(lang);
                let money = rows.columns.money_headings(lang);
                output::ignore_broken_pipe(
                    out.write_all(table::render(&headers, &table_rows, &money).as_bytes()),
                )?;
            }
            let headers = totals_headers(lang, with_index);
            let cells: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let mut cells = line_cells(l, with_index);
                    cells[0] = l.section.label(lang).to_string();
                    cells
                })
                .collect();
            output::ignore_broken_pipe(
                out.write_all(table::render(&headers, &cells, &headers[2..]).as_bytes()),
            )?;
        }
        _ => {}
    }
    Ok(())
}
