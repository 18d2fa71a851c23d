//! `subsidy` with a roster: every household's subsidy for every pay month through
//! [`grants::households`], written as rows, a table and totals.

use super::months::{self, MonthView};
use super::schema::SUBSIDY_ROW;
use super::{SubsidyArgs, households, report};
use crate::grants::{self, Summary};
use crate::household::RowParser;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Format, Output};
use crate::policy::Policy;
use crate::rules::price_subsidy::SubsidyTable;
use anyhow::{Context, Result};
use serde_json::Value;
use std::io::Write;

/// Goes through the roster, writing one row per household and index month; returns the
/// counts and totals.
// The run's inputs (arguments, policy, table, view) and outputs are all needed here; bundling
// them into a struct used once would only move the list.
#[allow(clippy::too_many_arguments)]
pub fn households<'p>(
    args: &SubsidyArgs,
    roster: &str,
    policy: &'p Policy,
    table: &SubsidyTable,
    view: &MonthView,
    format: Format,
    out: &mut Output,
    from: Month,
    to: Month,
) -> Result<(Summary, RowParser<'p>)> {
    // The 低保 standard and the other rules' parameters in force in each triggered index
    // month: a household's groups there depend on them.
    let params = grants::linkage::triggered_params(table, policy)?;
    let (mut source, parser) = crate::cmd::open_roster(roster, &args.input, policy, args.out.lang)?;
    // Persons' ages and uplift groups as in the first triggered index month (the means test
    // that decides the 低保 group is that month's); with no month triggered nothing depends
    // on them, and the last index month's rules read the file.
    let parser = match (&args.input.members, params.values().next()) {
        (None, _) => parser,
        (Some(_), Some(first)) => {
            crate::cmd::attach_members(parser, &args.input, policy, first, args.out.lang)?
        }
        (Some(_), None) => {
            let last = policy
                .month_params(to)
                .with_context(|| format!("--members: the rules in force in {to}"))?;
            crate::cmd::attach_members(parser, &args.input, policy, &last, args.out.lang)?
        }
    };
    let lang = args.out.lang;
    let carried: Vec<String> = parser
        .header_map()
        .extra
        .iter()
        .map(|(_, h)| h.clone())
        .collect();
    let spec = args.columns.columns.as_deref();
    let rows = households::Rows {
        policy,
        format,
        lang,
        columns: SUBSIDY_ROW.select(spec, format, &carried, lang)?,
        pivot: format == Format::Table && spec.is_none(),
    };
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(rows.columns.csv_header())?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let mut head = serde_json::to_string(&view.json_header(&args.index, from, to))?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"households\":[\n")?;
        }
        _ => {}
    }
    let config = grants::Config {
        policy,
        table,
        params: &params,
        parser: &parser,
    };
    let mut pivot = Vec::new();
    let mut chunks = output::ChunkWriter::new(format, b",\n");
    let summary = grants::households(
        &config,
        source.as_mut(),
        |households| rows.chunk(households),
        |chunk| {
            chunks.write(out, &chunk.bytes)?;
            pivot.extend(chunk.pivot);
            Ok(())
        },
    )
    .with_context(|| format!("roster {roster}"))?;
    summary
        .grand_total()
        .map_err(|e| anyhow::anyhow!("{}", lang.pick(e.zh(), e.en())))?;
    match format {
        Format::Json => {
            let totals: Vec<Value> = summary
                .total_rows()
                .into_iter()
                .map(|r| {
                    months::object(vec![
                        ("pay_month", months::text(r.pay_month.to_string())),
                        ("group", months::text(r.group)),
                        ("households", Value::from(r.households)),
                        ("persons", Value::from(r.persons)),
                        ("amount", months::text(fmt_money(r.amount))),
                    ])
                })
                .collect();
            out.write_all(b"\n],\"totals\":")?;
            out.write_all(serde_json::to_string(&totals)?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        Format::Table => {
            let mut text = view.table(lang);
            text.push('\n');
            if rows.pivot {
                let months: Vec<Month> = table.index_months().collect();
                text += &report::household_table(&rows, &months, pivot, &summary);
            } else {
                let (headings, money) = (
                    rows.columns.headings(lang),
                    rows.columns.money_headings(lang),
                );
                text += &crate::output::table::render(&headings, &pivot, &money);
            }
            output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
        }
        _ => {}
    }
    Ok((summary, parser))
}
