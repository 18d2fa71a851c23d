//! `jiuzhu report`: the month's assistance report as one self-contained HTML page.

use crate::cmd::args::{InputArgs, PolicyArgs};
use crate::household::RowParser;
use crate::household::reader::RecordSource;
use crate::lang::Lang;
use crate::month::Month;
use crate::output::{self, Output};
use crate::policy::{MonthParams, Policy};
use crate::report;
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;

/// The month's report as one HTML page to open, print on A4 and file: headline figures,
/// coverage by township, amounts, price subsidy, payouts, supervision findings, data quality
/// and the policy in force.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu report -p policies/lanzhou-2022.toml examples/roster.csv --month 2022-12 -o report.html\n  jiuzhu report -p examples/subsidy-demo.toml examples/roster.csv --month 2022-12 --from 2022-11 --to 2022-12 --index examples/cpi.csv --ledger paid.csv -o report.html --lang en"
)]
pub struct ReportArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook (a file: it is
    /// read once per section)
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the month reported (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    /// first month of the payment schedule; the month before --month compares the headline
    /// (default: --month)
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<Month>,
    /// last month of the payment schedule (default: --month)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<Month>,
    /// the price-index series (CSV): adds the price subsidy
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// the payment ledger, read only: lines it records are reported as already paid
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<String>,
    /// a list to check enrolled persons against, as in `audit` (repeatable)
    #[arg(long, value_name = "FILE[:LABEL]")]
    pub against: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// the HTML file to write (atomically)
    #[arg(short = 'o', long = "output", value_name = "FILE.html")]
    pub output: String,
    /// language of the report and messages
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

/// Runs `report`.
pub fn run(args: ReportArgs) -> Result<i32> {
    let lang = args.lang;
    let mut inputs =
        super::input_files(&args.policy, &[("ROSTER", Some(&args.roster))], &args.input);
    inputs.extend(
        [("--index", &args.index), ("--ledger", &args.ledger)]
            .into_iter()
            .filter_map(|(w, p)| p.as_deref().map(|p| (w, p))),
    );
    // `FILE:LABEL` names FILE, unless the whole argument is a file (as `audit` reads it)
    let lists: Vec<&str> = args
        .against
        .iter()
        .map(|a| match a.rsplit_once(':') {
            Some((file, _)) if !std::path::Path::new(a).exists() && !file.is_empty() => file,
            _ => a.as_str(),
        })
        .collect();
    inputs.extend(lists.iter().map(|a| ("--against", *a)));
    output::refuse_same_files(&inputs, &[("-o", args.output.as_str())], lang)?;
    let cfg = report::Config {
        roster: args.roster.clone(),
        month: args.month,
        from: args.from.unwrap_or(args.month),
        to: args.to.unwrap_or(args.month),
        index: args.index.clone(),
        ledger: args.ledger.clone(),
        against: args.against.clone(),
        lang,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let made = report::make(
        &cfg,
        &Roster {
            policy: &args.policy,
            input: &args.input,
            roster: &args.roster,
            lang,
        },
    )?;
    let mut group = output::OutputGroup::new(lang);
    let out = group.push(Output::open(Some(&args.output)).context("cannot create the report")?);
    out.write_all(made.html.as_bytes())?;
    let written = group.commit()?;
    let c = &made.report.headline.current;
    for w in written {
        match lang {
            Lang::Zh => eprintln!(
                "jiuzhu report {}：共 {} 户，月发放合计 {} 元；已写出 {}",
                args.month,
                c.all_households(),
                crate::money::fmt_money(c.totals[5]),
                output::screen::screen_line(&w)
            ),
            Lang::En => eprintln!(
                "jiuzhu report {}: {} households, monthly total {}; wrote {}",
                args.month,
                c.all_households(),
                crate::money::fmt_money(c.totals[5]),
                output::screen::screen_line(&w)
            ),
        }
    }
    Ok(if made.all_decided { EXIT_OK } else { EXIT_ROWS })
}

/// The policy and the roster as the command line names them, for the report to load, open
/// and decide as every command does.
struct Roster<'a> {
    policy: &'a PolicyArgs,
    input: &'a InputArgs,
    roster: &'a str,
    lang: Lang,
}

impl report::Access for Roster<'_> {
    fn load_policy(&self, month: Month) -> Result<(Policy, MonthParams)> {
        super::load_policy(self.policy, month, self.lang)
    }

    fn open<'p>(
        &self,
        policy: &'p Policy,
        params: &MonthParams,
    ) -> Result<(Box<dyn RecordSource>, RowParser<'p>)> {
        let (source, parser) = super::open_roster(self.roster, self.input, policy, self.lang)?;
        let parser = super::attach_members(parser, self.input, policy, params, self.lang)?;
        Ok((source, parser))
    }
}
