//! The command line: the top-level parser and the dispatch to the commands. The argument
//! groups commands share live in [`crate::cmd::args`]; each command's own arguments live beside
//! its `run()` in `cmd/`. Imports point one way: the command line knows the commands, never
//! the reverse.

use crate::cmd;
use anyhow::Result;
use clap::{Parser, Subcommand};

/// jiuzhu (救助): decides China's basic-living assistance (低保, 特困, 低保边缘, 渐退期, price
/// subsidies, one-off and temporary assistance) from a policy file and a household roster.
#[derive(Debug, Parser)]
#[command(
    name = "jiuzhu",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 every row decided; 1 finished, but some rows are invalid or undetermined (marked in the output, summarised on stderr); 2 usage error or fatal input error (nothing written).\n\nStart with `jiuzhu init demo` and `jiuzhu check -p demo/policy.toml demo/roster.csv --month 2022-12`."
)]
pub struct Cli {
    /// worker threads, 1 to 256 (default, or 0: every core)
    #[arg(short = 'j', long, global = true, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// the command
    #[command(subcommand)]
    pub command: Command,
}

/// The most worker threads `-j` accepts: more only costs memory and start-up time (each
/// thread has its own stack), and an absurd count would stall the run before it starts.
pub const MAX_THREADS: usize = 256;

/// `-j N`: a whole number from 0 (every core, as without `-j`) to [`MAX_THREADS`].
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        _ => Err(format!(
            "线程数应为 1 到 {MAX_THREADS} 的整数，0 表示全部核心"
        )),
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Supervision checks: enrolled but ineligible, eligible but not enrolled, duplicates, amounts
    Audit(cmd::audit::AuditArgs),
    /// Eligibility decision and monthly amounts for every household of a roster
    Check(cmd::check::CheckArgs),
    /// What a policy change does: per household old vs new, and the totals
    Compare(cmd::compare::CompareArgs),
    /// The whole computation for one household, with the source of every number
    Explain(cmd::explain::ExplainArgs),
    /// Write a commented example policy, roster and index series to start from
    Init(cmd::init::InitArgs),
    /// The payment schedule of a month range: lines, totals, approvals, ledger, bank file
    Payouts(cmd::payouts::PayoutsArgs),
    /// The month's report as one HTML page to print and file: coverage, amounts, payouts, findings
    Report(cmd::report::ReportArgs),
    /// The price-subsidy linkage (价格临时补贴): per index month, triggered or not, and the amounts
    Subsidy(cmd::subsidy::SubsidyArgs),
    /// Run policy test files: hand-worked cases a policy must reproduce, reported like `cargo test`
    Test(cmd::test::TestArgs),
    /// Check a policy and rosters without computing payments: every problem with file, row,
    /// column and how to fix it
    Validate(cmd::validate::ValidateArgs),
}

/// Runs a parsed command; returns the exit code.
pub fn dispatch(command: Command) -> Result<i32> {
    match command {
        Command::Audit(a) => cmd::audit::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Compare(a) => cmd::compare::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Payouts(a) => cmd::payouts::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Subsidy(a) => cmd::subsidy::run(a),
        Command::Test(a) => cmd::test::run(a),
        Command::Validate(a) => cmd::validate::run(a),
    }
}
