//! `jiuzhu payouts`: the payment schedule over a month range — one line per household, month
//! and item, totals that reconcile to the fen, approval routing of temporary assistance, and a
//! ledger that never pays the same payment twice.
//!
//! The schedule itself is the library's ([`crate::schedule`]); this command reads the
//! arguments, resolves the [`Config`], opens the ledger and the roster, asks for the schedule
//! once, and writes it ([`write`]) and the summary ([`report`]).

mod files;
mod formats;
mod report;
pub mod row;
mod sheets;
mod write;

use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::ledger::Ledger;
use crate::month::Month;
use crate::output::{self, Format, bank};
use crate::pipeline::Row;
use crate::schedule::{self, Config, Holds};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use files::{input_files, with_suffix};
use formats::Ctx;
use report::{print_open_index_months, print_summary};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Produce the payment schedule of a month range.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu payouts -p policies/lanzhou-2022.toml examples/roster.csv --from 2022-12 --to 2022-12\n  jiuzhu payouts -p policy.toml roster.csv --from 2022-05 --to 2022-12 --ledger paid.csv -o payouts.xlsx\n  jiuzhu payouts -p examples/subsidy-demo.toml examples/roster.csv --from 2022-08 --to 2022-10 --index examples/cpi.csv\n  jiuzhu payouts -p policy.toml roster.csv --from 2022-12 --to 2022-12 --ledger paid.csv -o 2022-12.csv --bank examples/bank-template.toml --split-by township\n\nWith --ledger, payments already in the ledger are skipped and the new ones are added after the outputs are written; run it again and it pays nothing twice. --dry-run reads the ledger but adds nothing. --from/--to name pay months: with --index, the price subsidy paid in a month is that of its index month (the month − index_lag)."
)]
pub struct PayoutsArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// first pay month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Month,
    /// last pay month (YYYY-MM), inclusive
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Month,
    /// price index series, for the price-subsidy item
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// the ledger of payments already made (created if missing)
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<String>,
    /// read the ledger but add nothing to it
    #[arg(long)]
    pub dry_run: bool,
    /// also write one file per township (needs -o; names are FILE's stem + township)
    #[arg(long, value_enum, value_name = "BY")]
    pub split_by: Option<SplitBy>,
    /// write a bank upload file laid out by this template (see examples/bank-template.toml)
    #[arg(long, value_name = "TEMPLATE")]
    pub bank: Option<String>,
    /// where the bank file goes (default: the -o file's stem + `.bank.csv`)
    #[arg(long, value_name = "FILE")]
    pub bank_out: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub columns: ColumnsArgs,
}

/// How `--split-by` cuts the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitBy {
    /// one file per township (乡镇街道)
    Township,
}

/// Runs `payouts`.
pub fn run(args: PayoutsArgs) -> Result<i32> {
    if args.from > args.to {
        bail!("--from {} is after --to {}", args.from, args.to);
    }
    let lang = args.out.lang;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    let to_stdout = args.out.output.as_deref().is_none_or(|o| o == "-");
    if format == Format::Xlsx && to_stdout && std::io::stdout().is_terminal() {
        bail!("an .xlsx workbook is not for a terminal: give -o FILE.xlsx");
    }
    if args.split_by.is_some() && to_stdout {
        bail!("--split-by writes one file per township: give -o FILE to name them");
    }
    // the payment-line columns: an unknown name is refused before anything is read or written
    let chosen = args.columns.columns.as_deref();
    let spec = chosen.or((format == Format::Xlsx).then_some(row::XLSX_DEFAULT));
    let columns = row::PAYMENT_LINE.select(spec, format, &[], lang)?;
    let bank_out = match (&args.bank, &args.bank_out, &args.out.output) {
        (None, _, _) => None,
        (Some(_), Some(b), _) => Some(PathBuf::from(b)),
        (Some(_), None, Some(o)) if o != "-" => Some(with_suffix(Path::new(o), "bank", "csv")),
        (Some(_), None, _) => bail!("--bank needs --bank-out FILE (or -o FILE to name it after)"),
    };
    // No output may be an input, the ledger or another output: refused before anything is
    // read or written (the township files are checked again once their names are known).
    let inputs = input_files(&args);
    let bank_out_text = bank_out.as_ref().map(|p| p.to_string_lossy().into_owned());
    let mut outputs_named: Vec<(&str, &str)> = Vec::new();
    if let Some(o) = &args.out.output {
        outputs_named.push(("-o", o));
    }
    if let Some(b) = &bank_out_text {
        outputs_named.push(("--bank-out", b));
    }
    output::refuse_same_files(&inputs, &outputs_named, lang)?;
    let bank_template = match &args.bank {
        Some(t) => Some(bank::Template::load(Path::new(t))?),
        None => None,
    };
    let (policy, _) = super::load_policy(&args.policy, args.to, lang)?;
    let mut cfg = Config::new(&policy, args.from, args.to, lang)?;
    match &args.index {
        Some(file) => {
            if file == "-" && args.roster == "-" {
                bail!(
                    "{}",
                    lang.pick(
                        "--index - 与 ROSTER - 不能同时读取标准输入：请把其中一个作为文件给出",
                        "--index - and ROSTER - cannot both read stdin: give one of them as a file"
                    )
                );
            }
            let index = IndexSeries::load(file).map_err(|e| anyhow::anyhow!(e.describe(lang)))?;
            cfg = cfg.with_index(&index).with_context(|| match lang {
                Lang::Zh => format!("根据物价指数文件 {file} 计算价格临时补贴"),
                Lang::En => format!("price subsidy from the index file {file}"),
            })?;
            if let Some(run) = &cfg.subsidy {
                print_open_index_months(&policy, run, file, lang);
            }
        }
        None if policy.file.price_subsidy.is_some() => eprintln!(
            "jiuzhu: note: {}",
            lang.pick(
                "未提供 --index 物价指数：本发放计划不含价格临时补贴",
                "no --index: price subsidies are not in this schedule"
            )
        ),
        None => {}
    }
    let ledger = match &args.ledger {
        Some(p) => Some(Ledger::open(Path::new(p), !args.dry_run, lang, || {
            eprintln!(
                "jiuzhu: {}",
                match lang {
                    Lang::Zh => format!("台账 {p} 正被另一次运行使用，等待其结束"),
                    Lang::En => format!("waiting for another run to finish with the ledger {p}"),
                }
            );
            #[cfg(debug_assertions)]
            if let Ok(flag) = std::env::var(WAITING_FLAG_ENV) {
                let _ = std::fs::write(flag, "waiting");
            }
        })?),
        None => None,
    };
    let (mut source, parser) = super::open_roster(&args.roster, &args.input, &policy, lang)?;
    // Persons' ages (and so their uplift groups) on the first day of the range's first month:
    // the roster describes the households as they are now, and nobody is paid an elderly or
    // minor uplift for a month before they are in that group.
    let parser = match cfg.months.first() {
        Some(first) => super::attach_members(parser, &args.input, &policy, first, lang)?,
        None => parser,
    };
    let first = &cfg.months[0];
    let parse = |row: &Row| crate::assess::evaluate_row(&policy, first, &parser, row, false).0;
    let holds = Holds {
        without_account: bank_template.is_some(),
    };
    let schedule = schedule::build(
        &cfg,
        source.as_mut(),
        &parser,
        &parse,
        ledger.as_ref(),
        holds,
    )
    .map_err(|e| schedule::in_lang(e, lang))
    .with_context(|| format!("roster {}", args.roster))?;
    let (tally, recorded, written) = write::write_outputs(
        &write::Run {
            args: &args,
            policy: &policy,
            format,
            inputs: &inputs,
            outputs_named: &outputs_named,
            bank_template: bank_template.as_ref(),
            bank_out: bank_out.as_ref(),
            columns: &columns,
        },
        &schedule,
        ledger,
    )
    .map_err(|e| schedule::in_lang(e, lang))?;
    let ctx = Ctx {
        policy: &policy,
        lang,
        from: args.from,
        to: args.to,
        columns: &columns,
        chosen: chosen.is_some(),
    };

    print_summary(
        &ctx,
        &tally,
        schedule.already_paid,
        &args,
        recorded,
        &written,
    );
    output::report_closed_pipe(lang);
    let members_clean = super::report_members(&parser, lang);
    Ok(if !members_clean || tally.problems() {
        EXIT_ROWS
    } else {
        EXIT_OK
    })
}

/// Environment variable naming a file a debug build writes once it waits for the ledger's
/// lock, so the tests wait on that event rather than on a guessed delay.
pub const WAITING_FLAG_ENV: &str = "JIUZHU_TEST_WAITING_FLAG";
