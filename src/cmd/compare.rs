//! `jiuzhu compare`: placeholder while the command is written.

use anyhow::Result;
use clap::Args;

/// Compare.
#[derive(Debug, Args)]
pub struct CompareArgs {}

/// Runs `compare`.
pub fn run(_args: CompareArgs) -> Result<i32> {
    Ok(0)
}
