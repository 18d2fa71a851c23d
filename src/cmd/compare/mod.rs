//! `jiuzhu compare`: what a policy change does, household by household and in total.
//!
//! The arguments become a [`reform::Config`] (both policies with their parameters for every
//! month, their row parsers, their price subsidy with `--index`, the weight column); one call
//! of [`reform::compare`] does the analysis; this module writes its lines and totals.

mod render;
mod schema;
mod summary;
mod totals;

pub use render::{COLUMNS, INDEX_COLUMNS};
pub use schema::{COMPARISON_ROW, INDEX_COMPARISON_ROW};
pub use totals::{INDEX_TOTAL_COLUMNS, TOTAL_COLUMNS};

use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::household::RowParser;
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::month::Month;
use crate::output::{self, Format, Output};
use crate::policy::{MonthParams, Policy};
use crate::reform::{self, Side, SideSubsidy, Totals};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use render::{Rows, write_head};
use std::io::Write;
use totals::write_totals;

/// Compare a policy with an alternative on a roster: per household old vs new, and totals.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu compare -p policies/lanzhou-2022.toml --with reform.toml examples/roster.csv --month 2023-01\n  jiuzhu compare -p 2022.toml --with 2023.toml roster.csv --month 2023-01 --to 2023-12 --totals --format csv -o cost.csv\n  jiuzhu compare -p 2022.toml --with 2023.toml sample.csv --month 2023-01 --weight 权数 --chart change.svg\n  jiuzhu compare -p subsidy.toml --with lower-trigger.toml roster.csv --month 2022-08 --to 2023-03 --index cpi.csv --totals\n\nWith --index, each household's monthly amount under each policy includes the price subsidy paid in that month (index month = month − index_lag, judged with that policy's triggers, formula and groups); the subsidy is also shown in columns of its own."
)]
pub struct CompareArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the alternative policy (TOML) compared with the base `-p`
    #[arg(long = "with", value_name = "FILE")]
    pub with: String,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the month compared, or the first month of the range (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    /// the last month of the range (inclusive)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<Month>,
    /// a roster column holding each household's sample weight (how many households of the
    /// population it stands for): counts and money in the totals are grossed up by it
    #[arg(long, value_name = "COLUMN")]
    pub weight: Option<String>,
    /// draw the distribution of gains and losses into FILE.svg
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    /// the price index series (CSV: `month,cpi,food[,scpi][,area]`): add each policy's price
    /// subsidy paid in the months compared (for index month = month − index_lag)
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// write only the totals and breakdowns (csv/table), not one line per household
    #[arg(long)]
    pub totals: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub columns: ColumnsArgs,
}

/// Loads one policy for every month of the range; warns (or refuses with `--strict`) when
/// the last month is after the policy's `last_verified`.
fn load(
    path: &str,
    strict: bool,
    months: &[Month],
    lang: Lang,
) -> Result<(Policy, Vec<MonthParams>)> {
    let args = PolicyArgs {
        policy: path.to_string(),
        strict,
    };
    let last = *months.last().context("empty range")?;
    let (policy, _) = super::load_policy(&args, last, lang)?;
    let params = months
        .iter()
        .map(|m| policy.month_params(*m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| super::policy_error(e, lang))?;
    Ok((policy, params))
}

/// Each policy's price subsidy over the index months the compared months pay for, with
/// `--index`.
fn subsidies(
    args: &CompareArgs,
    base: &Policy,
    alt: &Policy,
    months: &[Month],
) -> Result<(Option<SideSubsidy>, Option<SideSubsidy>)> {
    let Some(file) = &args.index else {
        return Ok((None, None));
    };
    if file == "-" && args.roster == "-" {
        bail!("--index - and ROSTER - cannot both read stdin: give one of them as a file");
    }
    if base.file.price_subsidy.is_none() && alt.file.price_subsidy.is_none() {
        let (b, a) = (&base.path, &alt.path);
        bail!(match args.out.lang {
            Lang::Zh => format!(
                "--index {file}：{b} 和 {a} 均未规定价格临时补贴（[price_subsidy]），没有可比较的价格补贴"
            ),
            Lang::En => format!(
                "--index {file}: neither {b} nor {a} has a [price_subsidy] table, so there is no price subsidy to compare"
            ),
        });
    }
    let index = IndexSeries::load(file).map_err(|e| anyhow::anyhow!(e.describe(args.out.lang)))?;
    let b = SideSubsidy::build(base, &index, months)?;
    let a =
        SideSubsidy::build(alt, &index, months).with_context(|| format!("--with {}", args.with))?;
    for (p, side) in [(base, &b), (alt, &a)] {
        if side.is_none() {
            let path = &p.path;
            eprintln!(
                "jiuzhu: note: {}",
                match args.out.lang {
                    Lang::Zh => format!("{path} 未规定价格临时补贴（[price_subsidy]），按不发放计"),
                    Lang::En =>
                        format!("{path} has no [price_subsidy] table: it pays no price subsidy"),
                }
            );
        }
    }
    Ok((b, a))
}

/// Runs `compare`.
pub fn run(args: CompareArgs) -> Result<i32> {
    let last = args.to.unwrap_or(args.month);
    if last < args.month {
        bail!("--to {last} is before --month {}", args.month);
    }
    let months: Vec<Month> = args.month.through(last).collect();
    output::refuse_same_files(
        &super::input_files(
            &args.policy,
            &[
                ("--with", Some(&args.with)),
                ("ROSTER", Some(&args.roster)),
                ("--index", args.index.as_ref()),
            ],
            &args.input,
        ),
        &super::output_files(&args.out, &[("--chart", args.chart.as_ref())]),
        args.out.lang,
    )?;
    let (base, base_params) = load(
        &args.policy.policy,
        args.policy.strict,
        &months,
        args.out.lang,
    )?;
    let (alt, alt_params) = load(&args.with, args.policy.strict, &months, args.out.lang)
        .with_context(|| format!("--with {}", args.with))?;
    super::check_region(&args.input, &alt, args.out.lang)
        .with_context(|| format!("--with {}", args.with))?;
    let (mut source, base_parser) =
        super::open_roster(&args.roster, &args.input, &base, args.out.lang)?;
    let alt_parser = RowParser::new(
        &alt,
        source.header_map().clone(),
        args.input.region.clone(),
        chrono::Local::now().date_naive(),
    )
    .map_err(anyhow::Error::msg)
    .with_context(|| format!("roster {} under --with {}", args.roster, args.with))?;
    // Each side joins the members file under its own policy: a person counts in the uplift
    // group that pays them most, and a reform may change which group that is. Ages and groups
    // are those of the first month compared (the join is made for one month).
    let (Some(base_first), Some(alt_first)) = (base_params.first(), alt_params.first()) else {
        bail!("no month to compare");
    };
    let base_parser =
        super::attach_members(base_parser, &args.input, &base, base_first, args.out.lang)?;
    let alt_parser = super::attach_members(alt_parser, &args.input, &alt, alt_first, args.out.lang)
        .with_context(|| format!("--with {}", args.with))?;
    if args.input.members.is_some() && months.len() > 1 {
        let month = &args.month;
        eprintln!(
            "jiuzhu: note: {}",
            match args.out.lang {
                Lang::Zh => format!("--members：整个区间的年龄和分类施保人群按 {month} 计"),
                Lang::En => format!(
                    "--members: ages and uplift groups are those of {month} for the whole range"
                ),
            }
        );
    }
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("compare writes table, csv or json");
    }
    if let Some(c) = &args.chart {
        crate::chart::check_svg_path(c)?;
    }
    let (base_subsidy, alt_subsidy) = subsidies(&args, &base, &alt, &months)?;
    let headers = source.headers().to_vec();
    let weight = match &args.weight {
        Some(name) => match super::find_header(&headers, &[name.as_str()]) {
            Some(i) => Some((i, headers[i].trim().to_string())),
            None => bail!(
                "--weight {name}: the roster has no such column; its headers are: {}",
                headers.join(", ")
            ),
        },
        None => None,
    };
    let config = reform::Config {
        base: Side {
            policy: &base,
            params: &base_params,
            parser: &base_parser,
            subsidy: base_subsidy.as_ref(),
        },
        alt: Side {
            policy: &alt,
            params: &alt_params,
            parser: &alt_parser,
            subsidy: alt_subsidy.as_ref(),
        },
        months: months.clone(),
        weight,
    };
    let (with_index, weighted) = (args.index.is_some(), config.weight.is_some());
    let schema = if with_index {
        &INDEX_COMPARISON_ROW
    } else {
        &COMPARISON_ROW
    };
    // Files default to the columns of the options given; a table to its usual few.
    let default = (format != Format::Table).then(|| render::default_columns(with_index, weighted));
    let spec = args.columns.columns.as_deref().or(default.as_deref());
    let rows = Rows {
        format,
        lang: args.out.lang,
        with_index,
        households: !args.totals,
        columns: schema.select(spec, format, &[], args.out.lang)?,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    write_head(&mut out, &rows, &args, &config, &base, &alt)?;
    let mut table_rows = Vec::new();
    let mut chunks = output::ChunkWriter::new(format, b",");
    let totals = reform::compare(
        &config,
        source.as_mut(),
        |households| rows.chunk(households),
        |chunk| {
            chunks.write(&mut out, &chunk.bytes)?;
            table_rows.extend(chunk.table);
            Ok(())
        },
    )
    .with_context(|| format!("roster {}", args.roster))?;
    write_totals(&mut out, &rows, &totals, &months, table_rows)?;
    let lang = args.out.lang;
    // The chart and the main output are committed together, once both are complete.
    let mut group = output::OutputGroup::new(lang);
    group.push(out);
    if let Some(path) = &args.chart {
        let svg = chart(&totals, &months, base.name(), alt.name(), lang)?;
        let chart = group.push(
            Output::open(Some(path)).with_context(|| format!("cannot create the chart {path}"))?,
        );
        chart.write_all(svg.as_bytes())?;
    }
    group.commit()?;
    summary::print(
        &totals,
        &months,
        base.name(),
        alt.name(),
        rows.with_index,
        lang,
    );
    output::report_closed_pipe(lang);
    let members_clean = super::report_members(&base_parser, lang);
    Ok(if totals.range.undecided.is_zero() && members_clean {
        EXIT_OK
    } else {
        EXIT_ROWS
    })
}

/// The SVG of `--chart`: households by whole-yuan change over the range.
fn chart(totals: &Totals, months: &[Month], base: &str, alt: &str, lang: Lang) -> Result<String> {
    let range = months.len() > 1;
    let title = match lang {
        Lang::Zh => format!(
            "{base} → {alt}：每户{}变化",
            if range { "区间合计" } else { "每月" }
        ),
        Lang::En => format!(
            "{base} → {alt}: change per household{}",
            if range {
                " over the range"
            } else {
                " per month"
            }
        ),
    };
    crate::chart::gains_losses_svg(&title, &totals.histogram, totals.range.unchanged, lang)
}
