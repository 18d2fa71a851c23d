//! One module per command: its arguments, its help, and its `run()`. The helpers here do what
//! every command does first: load and check the policy, open the roster.

pub mod audit;
pub mod check;
pub mod compare;
pub mod explain;
pub mod init;
pub mod payouts;
pub mod subsidy;

use crate::cli::{Command, InputArgs, PolicyArgs};
use crate::household::RowParser;
use crate::household::reader::{self, ReadOptions, RecordSource};
use crate::month::Month;
use crate::policy::{MonthParams, Policy};
use anyhow::{Context, Result, bail};

/// Runs a parsed command; returns the exit code.
pub fn dispatch(command: Command) -> Result<i32> {
    match command {
        Command::Audit(a) => audit::run(a),
        Command::Check(a) => check::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Init(a) => init::run(a),
        Command::Payouts(a) => payouts::run(a),
        Command::Subsidy(a) => subsidy::run(a),
    }
}

/// Loads the policy, refuses a stale one with `--strict` (else warns on stderr), and resolves
/// the parameters of every area for `month`: a bad policy stops the run before any output.
pub fn load_policy(args: &PolicyArgs, month: Month) -> Result<(Policy, MonthParams)> {
    let policy = Policy::load(std::path::Path::new(&args.policy))?;
    if let Some(w) = policy.check_verified(month, args.strict)? {
        eprintln!("jiuzhu: warning: {w}");
    }
    let params = policy.month_params(month)?;
    Ok((policy, params))
}

/// Opens a roster and builds the row parser for it.
pub fn open_roster<'p>(
    path: &str,
    input: &InputArgs,
    policy: &'p Policy,
) -> Result<(Box<dyn RecordSource>, RowParser<'p>)> {
    let mut opts = ReadOptions {
        aliases: policy.file.aliases.clone(),
    };
    for a in &input.alias {
        let Some((header, column)) = a.split_once('=') else {
            bail!("--alias {a}: write it as HEADER=COLUMN, e.g. 保障人口=members");
        };
        if !crate::household::columns::is_known(column.trim()) {
            bail!("--alias {a}: \"{}\" is not a roster column", column.trim());
        }
        opts.aliases
            .insert(header.trim().to_string(), column.trim().to_string());
    }
    let source = reader::open(path, &opts)?;
    let today = chrono::Local::now().date_naive();
    let parser = RowParser::new(
        policy,
        source.header_map().clone(),
        input.region.clone(),
        today,
    )
    .map_err(anyhow::Error::msg)
    .with_context(|| format!("roster {path}"))?;
    Ok((source, parser))
}

/// The field index of the first header (as written in the file) that matches one of `names`,
/// compared as roster headers are (case, spaces, a trailing unit in brackets ignored). For
/// columns that are not roster columns of SPEC.md, e.g. a paid amount or a sample weight.
pub fn find_header(headers: &[String], names: &[&str]) -> Option<usize> {
    use crate::household::columns::normalize_header;
    names.iter().find_map(|n| {
        let n = normalize_header(n);
        headers.iter().position(|h| normalize_header(h) == n)
    })
}
