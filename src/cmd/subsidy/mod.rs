//! `jiuzhu subsidy`: the price-subsidy linkage (价格临时补贴) month by month: whether the
//! mechanism fired in each index month, by which index, against which thresholds, and the
//! per-person amount of every group and area; given a roster, the amount for every household
//! and pay month, with totals per pay month and group that add up to the rows exactly.
//!
//! The rules are in [`crate::rules::price_subsidy`]; the run over a roster is
//! [`crate::grants::households`]. This module reads the arguments and writes the results.

mod chart;
mod households;
mod month_legend;
mod month_table;
mod months;
mod report;
mod schema;

pub use households::HOUSEHOLD_COLUMNS;
pub use months::MONTH_COLUMNS;
pub use report::TOTAL_COLUMNS;
pub use schema::SUBSIDY_ROW;

use crate::cli::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::grants::{self, Summary};
use crate::household::RowParser;
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::{self, Format, Output};
use crate::policy::Policy;
use crate::rules::price_subsidy::{self as ps_rules, SubsidyTable};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use months::MonthView;
use serde_json::Value;
use std::io::Write;

/// The price-subsidy linkage: per index month, triggered or not, and the amounts.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu subsidy -p examples/subsidy-demo.toml --index examples/cpi.csv --from 2022-01 --to 2022-12\n  jiuzhu subsidy -p policy.toml --index cpi.csv --from 2022-07 --to 2022-10 roster.csv --format csv -o subsidy.csv --totals totals.csv\n  jiuzhu subsidy -p policy.toml --index cpi.csv --from 2022-01 --to 2023-06 --chart cpi.svg\n\n--from/--to name index months (the months the prices are about); each month's subsidy is paid index_lag months later. The trigger, the formula and the 低保 standard are those in force in the index month. An index month without a row in the index file is undetermined (exit 1), never \"not triggered\"."
)]
pub struct SubsidyArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the price index series (CSV: `month,cpi,food[,scpi][,area]`)
    #[arg(long, value_name = "FILE")]
    pub index: String,
    /// first index month (default: the first month of the index file)
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<Month>,
    /// last index month (default: the last month of the index file)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<Month>,
    /// a roster (CSV or .xlsx/.xls/.ods workbook; `-` is stdin): compute every household's amount
    #[arg(value_name = "ROSTER")]
    pub roster: Option<String>,
    /// with a roster, also write the totals per pay month and group to FILE (CSV)
    #[arg(long, value_name = "FILE", requires = "roster")]
    pub totals: Option<String>,
    /// draw the index against its thresholds, triggered months shaded, into FILE.svg (one
    /// file per area, FILE-<area>.svg, when areas are judged differently)
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub columns: ColumnsArgs,
}

/// Runs `subsidy`.
pub fn run(args: SubsidyArgs) -> Result<i32> {
    let lang = args.out.lang;
    let inputs = super::input_files(
        &args.policy,
        &[
            ("--index", Some(&args.index)),
            ("ROSTER", args.roster.as_ref()),
        ],
        &args.input,
    );
    output::refuse_same_files(
        &inputs,
        &super::output_files(
            &args.out,
            &[
                ("--totals", args.totals.as_ref()),
                ("--chart", args.chart.as_ref()),
            ],
        ),
        lang,
    )?;
    let policy = Policy::load(std::path::Path::new(&args.policy.policy))?;
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        bail!(ps_rules::SubsidyError::NoPriceSubsidy {
            path: policy.path.clone()
        });
    };
    if args.index == "-" && args.roster.as_deref() == Some("-") {
        bail!("--index - and ROSTER - cannot both read stdin: give one of them as a file");
    }
    let index = IndexSeries::load(&args.index)?;
    let (first, last) = index.span();
    let from = args.from.unwrap_or(first);
    let to = args.to.unwrap_or(last);
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    if to.since(from) >= 1200 {
        bail!("--from {from} --to {to}: a range of at most 100 years, please");
    }
    if let Some(c) = &args.chart {
        crate::chart::check_svg_path(c)?;
    }
    if let Some(w) = policy.check_verified(to, args.policy.strict)? {
        eprintln!("jiuzhu: warning: {w}");
    }
    let table = grants::linkage::month_table(&policy, &index, from, to)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("subsidy writes table, csv or json; .xlsx workbooks are written by payouts");
    }
    let view = MonthView::new(&policy, ps, &table, &index);
    let months_ok = table
        .months
        .values()
        .all(|am| am.status.state.is_determined());
    // Drawn before any output is written: a chart that cannot be drawn stops the run with
    // nothing written, and the files are saved only after the main output is committed.
    let charts = match &args.chart {
        Some(path) => chart::charts(&policy, &view, path, from, to, lang)?,
        None => Vec::new(),
    };
    if charts.len() > 1 {
        let names: Vec<&str> = charts.iter().map(|(p, _)| p.as_str()).collect();
        let mut outs = super::output_files(&args.out, &[("--totals", args.totals.as_ref())]);
        outs.extend(names.iter().map(|n| ("--chart", *n)));
        output::refuse_same_files(&inputs, &outs, lang)?;
    }
    // Every output of the run is committed together, once all of them are complete.
    let mut group = output::OutputGroup::new(lang);
    let out =
        group.push(Output::create(&args.out, format).context("cannot create the output file")?);
    let code = match &args.roster {
        None => {
            let text = match format {
                Format::Csv => view.csv()?,
                Format::Json => {
                    let mut v = view.json_header(&args.index, from, to);
                    v["rows"] = Value::Array(view.rows().into_iter().map(months::object).collect());
                    serde_json::to_string_pretty(&v)? + "\n"
                }
                _ => view.table(lang),
            };
            output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
            chart::add_charts(&mut group, &charts)?;
            group.commit()?;
            view.print_summary(lang, from, to);
            if months_ok { EXIT_OK } else { EXIT_ROWS }
        }
        Some(roster) => {
            let (summary, parser) =
                households(&args, roster, &policy, &table, &view, format, out, from, to)?;
            if let Some(path) = &args.totals {
                group.push(report::totals_output(path, &summary)?);
            }
            chart::add_charts(&mut group, &charts)?;
            group.commit()?;
            view.print_summary(lang, from, to);
            report::print_summary(&summary, lang);
            let members_clean = super::report_members(&parser, lang);
            if months_ok && summary.all_decided() && members_clean {
                EXIT_OK
            } else {
                EXIT_ROWS
            }
        }
    };
    output::report_closed_pipe(lang);
    if charts.len() > 1 {
        let names: Vec<&str> = charts.iter().map(|(p, _)| p.as_str()).collect();
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("各地区启动情况不同，按地区分别作图：{}", names.join("、")),
                Lang::En => format!(
                    "the areas are judged differently: one chart per area: {}",
                    names.join(", ")
                ),
            }
        );
    }
    Ok(code)
}

/// Goes through the roster, writing one row per household and index month; returns the
/// counts and totals.
// The run's inputs (arguments, policy, table, view) and outputs are all needed here; bundling
// them into a struct used once would only move the list.
#[allow(clippy::too_many_arguments)]
fn households<'p>(
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
    let (mut source, parser) = super::open_roster(roster, &args.input, policy)?;
    // Persons' ages and uplift groups as in the first triggered index month (the means test
    // that decides the 低保 group is that month's); with no month triggered nothing depends
    // on them, and the last index month's rules read the file.
    let parser = match (&args.input.members, params.values().next()) {
        (None, _) => parser,
        (Some(_), Some(first)) => super::attach_members(parser, &args.input, policy, first)?,
        (Some(_), None) => {
            let last = policy
                .month_params(to)
                .with_context(|| format!("--members: the rules in force in {to}"))?;
            super::attach_members(parser, &args.input, policy, &last)?
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
