//! jiuzhu (救助): China's basic-living social assistance, decided from files.
//!
//! The core is small and shared by every command: [`policy`] (dated parameters with their
//! sources), [`household`] (typed roster rows), [`rules`] (pure functions, one per clause),
//! [`money`] (the only place that rounds). Commands in [`cmd`] compose them.

#![forbid(unsafe_code)]

pub mod assess;
pub mod audit;
pub mod chart;
pub mod cli;
pub mod cmd;
pub mod explain;
pub mod grants;
pub mod household;
pub mod index;
pub mod lang;
pub mod ledger;
pub mod money;
pub mod month;
pub mod output;
pub mod pipeline;
pub mod policy;
pub mod policytest;
pub mod reform;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod text;
pub mod validate;
pub mod vocab;

use clap::Parser;
use std::ffi::OsString;

/// Exit code: every row decided.
pub const EXIT_OK: i32 = 0;
/// Exit code: the run completed but some rows are invalid or undetermined.
pub const EXIT_ROWS: i32 = 1;
/// Exit code: usage error or fatal input error; nothing was written.
pub const EXIT_FATAL: i32 = 2;

/// An error and its causes on one line, "outer: inner: root", each cause said once (an error
/// whose own text already ends with its cause's is not followed by it again).
fn error_chain(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Runs the command line and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_FATAL } else { EXIT_OK };
        }
    };
    if let Some(n) = cli.threads.filter(|n| *n > 0) {
        // Only fails if a pool was already built, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.min(cli::MAX_THREADS))
            .build_global();
    }
    match cli::dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "jiuzhu: error: {}",
                output::screen::screen_message(&error_chain(&e))
            );
            EXIT_FATAL
        }
    }
}
