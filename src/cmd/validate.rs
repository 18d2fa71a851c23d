//! `jiuzhu validate`: checks a policy, rosters and a members file without computing payments,
//! and lists every problem with its file, row, column, the value as written, what is wrong and
//! how to fix it.
//!
//! Everything `check` would refuse or leave undetermined is an error here, and so is what
//! `check` only warns about: malformed ID numbers (wrong check digit, impossible birth date,
//! Excel damage), account numbers damaged by Excel, duplicate household ids and a person heading
//! two households. Rows that are not households (合计/小计 totals, notes under the table) are
//! listed as notes, so that a caseworker can see nothing was dropped. Exit 1 when there is any
//! error, 0 when the files are clean; 2 when a file cannot be opened at all.

mod report;
mod row;

use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::lang::Lang;
use crate::month::Month;
use crate::output::schema::Selection;
use crate::output::{self, CsvBuf, Format, Output};
use crate::validate::{self as checks, Config};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::Write;

pub use crate::validate::{Problem, Severity};
pub use row::{PROBLEM, ProblemColumn};

/// Check a policy and rosters without computing payments.
#[derive(Debug, Args)]
#[command(
    after_help = "Every problem is listed with file, row, column, the value as written, the reason and how to fix it; notes list the rows that were skipped as totals (合计/小计) or notes. Exit 0 when everything is clean, 1 when there is any error, 2 when a file cannot be opened.\n\nExamples:\n  jiuzhu validate -p policies/lanzhou-2022.toml examples/roster.csv\n  jiuzhu validate -p policy.toml 城关镇.xlsx 七里河.csv --members 成员.xlsx\n  jiuzhu validate -p policy.toml roster.csv --format csv -o problems.csv\n  jiuzhu validate -p policy.toml roster.csv --columns 行,户编号,问题"
)]
#[command(mut_arg("policy", |a| a.required(false).required_unless_present("ledger").default_value("")))]
pub struct ValidateArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// check a payment ledger (the file of `payouts --ledger`) instead: every malformed
    /// line, repeated payment_id or repeated payment, by line (-p is not needed)
    #[arg(long, value_name = "FILE", conflicts_with = "rosters")]
    pub ledger: Option<String>,
    /// rosters to check (CSV in UTF-8 or GBK, .xlsx/.xls/.ods; `-` is stdin)
    #[arg(value_name = "ROSTER")]
    pub rosters: Vec<String>,
    /// the month whose parameters must be in force, and at which ages are taken (default: this month)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<Month>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub columns: ColumnsArgs,
    /// mask ID and account numbers in the csv/json listing too (a table always masks them)
    #[arg(long)]
    pub mask: bool,
}

/// Runs `validate`: the arguments become a [`Config`], [`checks::check`] finds the problems,
/// [`report::Report`] writes them as they come and the summary at the end.
pub fn run(args: ValidateArgs) -> Result<i32> {
    if let Some(ledger) = &args.ledger {
        return run_ledger(&args, ledger);
    }
    output::refuse_same_files(
        &super::input_files(&args.policy, &[], &args.input)
            .into_iter()
            .chain(args.rosters.iter().map(|r| ("ROSTER", r.as_str())))
            .collect::<Vec<_>>(),
        &super::output_files(&args.out, &[]),
        args.out.lang,
    )?;
    let month = args.month.unwrap_or_else(Month::current);
    let lang = args.out.lang;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("validate writes table, csv or json");
    }
    let columns = PROBLEM.select(args.columns.columns.as_deref(), format, &[], lang)?;
    // Files that cannot be opened at all stop the run before anything is written.
    for path in args.rosters.iter().chain(&args.input.members) {
        if path != "-" {
            std::fs::File::open(path).with_context(|| format!("cannot read {path}"))?;
        }
    }
    if args.rosters.iter().filter(|p| *p == "-").count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    let loaded = checks::load_policy(&args.policy.policy, args.policy.strict, month)?;
    if loaded.ok {
        super::warn_policy(&loaded.policy, lang);
    }
    let out = Output::create(&args.out, format).context("cannot create the output file")?;
    let mut report =
        report::Report::start(out, format, lang, args.mask, columns, &loaded.policy, month)?;
    let mut read = super::read_options(&args.input, &loaded.policy, lang)?;
    read.report = None;
    let cfg = Config {
        policy: args.policy.policy.clone(),
        strict: args.policy.strict,
        month,
        rosters: args.rosters.clone(),
        members: args.input.members.clone(),
        region: args.input.region.clone(),
        read,
        today: chrono::Local::now().date_naive(),
    };
    let files = checks::check(&cfg, &loaded, &mut report)?;
    report.finish(&files)
}

/// `validate --ledger`: lists every problem of a payment ledger, by line. Exit 1 with
/// problems, 0 when clean, 2 when the file cannot be read.
fn run_ledger(args: &ValidateArgs, path: &str) -> Result<i32> {
    let lang = args.out.lang;
    output::refuse_same_files(
        &[("--ledger", path)],
        &super::output_files(&args.out, &[]),
        lang,
    )?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("validate writes table, csv or json");
    }
    let columns = args.columns.columns.as_deref();
    let columns = (
        PROBLEM.select(columns, format, &[], lang)?,
        columns.is_some(),
    );
    let (rows, listed) = checks::ledger_problems(path)?;
    let mut group = output::OutputGroup::new(lang);
    let out =
        group.push(Output::create(&args.out, format).context("cannot create the output file")?);
    let text = ledger_listing(path, rows, &listed, &columns, format, lang)?;
    match format {
        Format::Csv | Format::Json => out.write_all(&text)?,
        _ => output::ignore_broken_pipe(out.write_all(&text))?,
    }
    group.commit()?;
    ledger_summary(path, rows, listed.len(), lang);
    output::report_closed_pipe(lang);
    Ok(if listed.is_empty() {
        crate::EXIT_OK
    } else {
        crate::EXIT_ROWS
    })
}

/// The listing of a ledger's problems in `format` (`columns`: the selection, and whether
/// `--columns` made it; without it a table is one sentence per problem).
fn ledger_listing(
    path: &str,
    rows: u64,
    listed: &[Problem],
    (columns, chosen): &(Selection<ProblemColumn>, bool),
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>> {
    let rec = |problem| row::ProblemRecord {
        problem,
        lang,
        format,
        mask: false,
        ids: false,
        labels: None,
    };
    let mut buf = String::new();
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(columns.csv_header())?;
            let mut text = w.into_inner().unwrap_or_default();
            for p in listed {
                let mut w = CsvBuf::with_capacity(256);
                columns.write_csv(&mut w, &rec(p), &mut buf);
                text.extend(w.into_bytes());
            }
            Ok(text)
        }
        Format::Json => {
            let mut list = Vec::with_capacity(listed.len());
            for p in listed {
                let mut line = Vec::with_capacity(256);
                columns.write_json(&mut line, &rec(p), &mut buf);
                list.push(serde_json::from_slice::<serde_json::Value>(&line)?);
            }
            let v = serde_json::json!({
                "tool_version": env!("CARGO_PKG_VERSION"),
                "ledger": path,
                "payments": rows.to_string(),
                "problems": list,
            });
            Ok((serde_json::to_string_pretty(&v)? + "\n").into_bytes())
        }
        _ if *chosen && !listed.is_empty() => {
            let cells: Vec<Vec<String>> = listed
                .iter()
                .map(|p| columns.table_cells(&rec(p), &mut buf, lang))
                .collect();
            let (headers, right) = row::table_headings(columns, lang);
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let right: Vec<&str> = right.iter().map(String::as_str).collect();
            Ok(output::table::render(&headers, &cells, &right).into_bytes())
        }
        _ => {
            let mut text = String::new();
            for p in listed {
                let row = p.row.unwrap_or(0);
                text.push_str(&match lang {
                    Lang::Zh => format!("{path} 第 {row} 行：{}\n", p.zh),
                    Lang::En => format!("{path} line {row}: {}\n", p.en),
                });
            }
            Ok(text.into_bytes())
        }
    }
}

/// The one-line summary of `validate --ledger` on stderr.
fn ledger_summary(path: &str, rows: u64, problems: usize, lang: Lang) {
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu validate --ledger {path}：{rows} 笔有效记录，{} 个问题{}",
            problems,
            if problems == 0 {
                ""
            } else {
                "（有问题的台账不能用于发放）"
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu validate --ledger {path}: {rows} valid payments, {} problems{}",
            problems,
            if problems == 0 {
                ""
            } else {
                " (payouts refuses a ledger with problems)"
            }
        ),
    }
}
