//! `jiuzhu init`: writes a commented example policy, roster and price-index series to start
//! from. Existing files are never overwritten.

use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;

/// Write an example policy, roster and index series into DIR.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  jiuzhu init demo && jiuzhu check -p demo/policy.toml demo/roster.csv --month 2022-12"
)]
pub struct InitArgs {
    /// the folder to write into (created if needed)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// The files `init` writes: name and contents.
pub const FILES: &[(&str, &str)] = &[
    (
        "policy.toml",
        include_str!("../../policies/lanzhou-2022.toml"),
    ),
    ("roster.csv", include_str!("../../examples/roster.csv")),
    ("cpi.csv", include_str!("../../examples/cpi.csv")),
    (
        "subsidy.toml",
        include_str!("../../examples/subsidy-demo.toml"),
    ),
    (
        "policy.test.toml",
        include_str!("../../policies/tests/lanzhou-2022.toml"),
    ),
];

/// The shipped test file names its policy beside the shipped policies; the copy `init` writes
/// names the copy of the policy beside it.
fn adapted(name: &str, text: &str) -> String {
    if name == "policy.test.toml" {
        text.replacen(
            "policy = \"../lanzhou-2022.toml\"",
            "policy = \"policy.toml\"",
            1,
        )
    } else {
        text.to_string()
    }
}

/// Runs `init`.
pub fn run(args: InitArgs) -> Result<i32> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let existing: Vec<String> = FILES
        .iter()
        .map(|(name, _)| args.dir.join(name))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already exist(s); nothing was written (文件已存在，未覆盖)",
            existing.join(", ")
        );
    }
    for (name, text) in FILES {
        let path = args.dir.join(name);
        let mut out = crate::output::Output::open(Some(&path.display().to_string()))?;
        std::io::Write::write_all(&mut out, adapted(name, text).as_bytes())?;
        out.commit()
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "next: jiuzhu check -p {0}/policy.toml {0}/roster.csv --month 2022-12\n      jiuzhu subsidy -p {0}/subsidy.toml --index {0}/cpi.csv --from 2022-01 --to 2022-12\n      jiuzhu test {0}/policy.test.toml",
        args.dir.display()
    );
    Ok(crate::EXIT_OK)
}
