//! `jiuzhu test`: runs policy test files (hand-worked cases a policy must reproduce) and reports
//! like `cargo test`: a line per case, the differences and the household's explanation for each
//! failure, and a closing count.

use crate::lang::Lang;
use crate::policytest::{self, Outcome, Runner};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// Run policy test files.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu test policies/tests\n  jiuzhu test policies/tests/lanzhou-2022.toml --format json\n\nExit codes: 0 every case passed; 1 some case failed; 2 a test file cannot be read (nothing is run)."
)]
pub struct TestArgs {
    /// test files (TOML), or folders whose *.toml files are test files
    #[arg(value_name = "FILES/DIRS", required = true)]
    pub paths: Vec<PathBuf>,
    /// output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: TestFormat,
    /// language of messages (and of the commands' sentences compared)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

/// How `test` reports.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TestFormat {
    /// like `cargo test`
    Text,
    /// one JSON object, for CI
    Json,
}

/// The test files named by `paths`: files as given, folders' `*.toml` files sorted by name.
fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read folder {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml") && f.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                bail!("folder {} holds no test files (*.toml)", p.display());
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Runs `test`.
pub fn run(args: TestArgs) -> Result<i32> {
    let files = test_files(&args.paths)?;
    // Every file is read and checked before any case runs: a broken file runs nothing.
    let loaded = files
        .iter()
        .map(|f| policytest::load(f).map(|t| (f.as_path(), t)))
        .collect::<Result<Vec<_>>>()?;
    let runner = Runner {
        exe: std::env::current_exe().context("cannot find the jiuzhu executable")?,
        lang: match args.lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        },
    };
    let mut outcomes = Vec::new();
    for (path, file) in &loaded {
        if matches!(args.format, TestFormat::Text) {
            println!(
                "\nrunning {} case{} from {}",
                file.cases.len(),
                if file.cases.len() == 1 { "" } else { "s" },
                path.display()
            );
        }
        for o in runner.run_file(path, file)? {
            if matches!(args.format, TestFormat::Text) {
                let verdict = if o.passed() { "ok" } else { "FAILED" };
                println!("case {} ({}) ... {verdict}", o.name, o.month);
            }
            outcomes.push(o);
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let passed = outcomes.len() - failed;
    match args.format {
        TestFormat::Text => print_failures(&outcomes, args.lang),
        TestFormat::Json => println!("{}", json_report(&outcomes, passed, failed)),
    }
    if matches!(args.format, TestFormat::Text) {
        println!("\nresult: {passed} passed, {failed} failed");
    }
    Ok(if failed == 0 {
        crate::EXIT_OK
    } else {
        crate::EXIT_ROWS
    })
}

fn print_failures(outcomes: &[Outcome], lang: Lang) {
    let failures: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed()).collect();
    if failures.is_empty() {
        return;
    }
    println!("\nfailures:");
    for o in failures {
        println!("\n---- {}: {} ({}) ----", o.file.display(), o.name, o.month);
        if let Some(s) = &o.source {
            println!("  {}: {s}", lang.pick("依据", "source"));
        }
        let width = o.diffs.iter().map(|d| d.field.len()).max().unwrap_or(0);
        for d in &o.diffs {
            println!(
                "  {:width$}  {}: {}",
                d.field,
                lang.pick("期望", "expected"),
                d.expected
            );
            println!(
                "  {:width$}  {}: {}",
                "",
                lang.pick("实际", "actual  "),
                d.actual
            );
        }
        if let Some(explain) = &o.explain {
            println!("  {}:", lang.pick("计算过程（explain）", "explain"));
            for line in explain.lines() {
                println!("    {line}");
            }
        }
    }
}

fn json_report(outcomes: &[Outcome], passed: usize, failed: usize) -> serde_json::Value {
    let cases: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "file": path_text(&o.file),
                "name": o.name,
                "month": o.month,
                "source": o.source,
                "passed": o.passed(),
                "diffs": o.diffs.iter().map(|d| serde_json::json!({
                    "field": d.field, "expected": d.expected, "actual": d.actual,
                })).collect::<Vec<_>>(),
                "explain": o.explain,
            })
        })
        .collect();
    serde_json::json!({
        "tool_version": env!("CARGO_PKG_VERSION"),
        "passed": passed,
        "failed": failed,
        "cases": cases,
    })
}

fn path_text(p: &Path) -> String {
    p.display().to_string()
}
