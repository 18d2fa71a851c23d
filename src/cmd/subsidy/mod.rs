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
mod roster;
mod schema;

pub use households::HOUSEHOLD_COLUMNS;
pub use months::MONTH_COLUMNS;
pub use report::TOTAL_COLUMNS;
pub use schema::SUBSIDY_ROW;

use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::grants;
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::month::Month;
use crate::output::{self, Format, Output};
use crate::policy::Policy;
use crate::rules::price_subsidy as ps_rules;
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
    let policy = Policy::load(std::path::Path::new(&args.policy.policy))
        .map_err(|e| crate::cmd::policy_error(e, lang))?;
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        bail!(ps_rules::SubsidyError::NoPriceSubsidy {
            path: policy.path.clone()
        });
    };
    if args.index == "-" && args.roster.as_deref() == Some("-") {
        bail!("--index - and ROSTER - cannot both read stdin: give one of them as a file");
    }
    let index = IndexSeries::load(&args.index).map_err(|e| anyhow::anyhow!(e.describe(lang)))?;
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
    let stale = policy
        .check_verified(to, args.policy.strict)
        .map_err(|e| crate::cmd::policy_error(e, lang))?;
    if let Some(w) = stale {
        eprintln!("jiuzhu: warning: {}", w.describe(lang));
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
                roster::households(&args, roster, &policy, &table, &view, format, out, from, to)?;
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
