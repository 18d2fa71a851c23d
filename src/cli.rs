//! The command line: the top-level parser and the argument groups commands share. Each
//! command's own arguments live beside its `run()` in `cmd/`.

use crate::cmd;
use crate::household::reader::InputEncoding;
use crate::lang::Lang;
use crate::output::{CsvEncoding, Format};
use clap::{Args, Parser, Subcommand};

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
            "give a whole number of threads from 1 to {MAX_THREADS}, or 0 for every core (线程数应为 1 到 {MAX_THREADS} 的整数，0 表示全部核心)"
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
    /// The price-subsidy linkage (价格临时补贴): per index month, triggered or not, and the amounts
    Subsidy(cmd::subsidy::SubsidyArgs),
    /// Run policy test files: hand-worked cases a policy must reproduce, reported like `cargo test`
    Test(cmd::test::TestArgs),
    /// Check a policy and rosters without computing payments: every problem with file, row,
    /// column and how to fix it
    Validate(cmd::validate::ValidateArgs),
}

/// `-p/--policy` and `--strict`.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// the policy file (TOML)
    #[arg(short = 'p', long = "policy", value_name = "FILE")]
    pub policy: String,
    /// refuse to evaluate months after the policy's `last_verified`
    #[arg(long)]
    pub strict: bool,
}

/// How rosters are read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// region code for a county roster without a region column
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// a local header name for a column: `--alias 保障人口=members` (repeatable)
    #[arg(long, value_name = "HEADER=COLUMN")]
    pub alias: Vec<String>,
    /// the CSV roster's encoding (default: detected: a BOM, else UTF-8, else GBK/GB18030)
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<InputEncoding>,
    /// the sheet of an .xlsx/.xls/.ods roster (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// a members file, one row per person, joined by household_id: group counts, ages and
    /// categories come from it
    #[arg(long, value_name = "FILE")]
    pub members: Option<String>,
}

/// `--format`, `-o`, `--lang`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// output format (default: table on a terminal, csv otherwise, or by the -o extension)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// write to FILE (atomically) instead of stdout; `-` is stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<String>,
    /// language of messages
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// encoding of CSV output (default: utf8-bom in a file written with -o, so that Excel and
    /// WPS show Chinese correctly; utf8 on stdout, for scripts); gb18030 for old Excel
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub csv_encoding: Option<CsvEncoding>,
}

/// `--columns`: the output columns, chosen and ordered (for commands whose records have a
/// column schema, [`crate::output::schema`]).
#[derive(Debug, Clone, Args)]
pub struct ColumnsArgs {
    /// the columns to write, in this order, by English or Chinese name (e.g.
    /// household_id,decision,monthly_total); default: every column (a table: the usual few)
    #[arg(long, value_name = "A,B,C")]
    pub columns: Option<String>,
}
