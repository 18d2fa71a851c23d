//! The files `payouts` reads and writes: inputs refused as outputs, the township and bank
//! file names.

use super::PayoutsArgs;
use crate::lang::Lang;
use crate::money::fmt_money;
use anyhow::{Result, bail};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files `payouts` reads, as [`output::refuse_same_files`] takes them.
pub(super) fn input_files(args: &PayoutsArgs) -> Vec<(&'static str, &str)> {
    let mut v = vec![
        ("-p", args.policy.policy.as_str()),
        ("ROSTER", args.roster.as_str()),
    ];
    let optional = [
        ("--members", &args.input.members),
        ("--index", &args.index),
        ("--ledger", &args.ledger),
        ("--bank", &args.bank),
    ];
    v.extend(
        optional
            .into_iter()
            .filter_map(|(what, p)| p.as_deref().map(|p| (what, p))),
    );
    v
}

/// The file of each township (in the order of `townships`). Two townships whose names give
/// one file name (`城关/东` and `城关_东` both give `城关_东`; names that differ only in case
/// are one file on Windows and macOS) refuse the run: one file would replace the other.
pub(super) fn split_paths(path: &Path, townships: &[String], lang: Lang) -> Result<Vec<PathBuf>> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut paths = Vec::new();
    for t in townships {
        let p = with_township(path, t);
        let key = p.to_string_lossy().to_lowercase();
        if let Some(other) = seen.insert(key, t) {
            match lang {
                Lang::Zh => bail!(
                    "--split-by township：乡镇 “{other}” 和 “{t}” 的文件名都是 {}，一个会覆盖另一个；请在花名册中改用可区分的乡镇名称。未写出任何文件，未作任何发放",
                    p.display()
                ),
                Lang::En => bail!(
                    "--split-by township: townships \"{other}\" and \"{t}\" both give the file name {}, one would replace the other; make the township names distinct in the roster. Nothing was written or paid",
                    p.display()
                ),
            }
        }
        paths.push(p);
    }
    Ok(paths)
}

/// The township files must hold exactly the paid lines of the whole, to the fen.
pub(super) fn check_split_sum(
    total: Decimal,
    lines: usize,
    split_total: Decimal,
    split_lines: usize,
    lang: Lang,
) -> Result<()> {
    if total == split_total && lines == split_lines {
        return Ok(());
    }
    match lang {
        Lang::Zh => bail!(
            "乡镇文件合计 {} 元（{split_lines} 笔）与总表 {} 元（{lines} 笔）不符：未写出任何文件，未作任何发放",
            fmt_money(split_total),
            fmt_money(total)
        ),
        Lang::En => bail!(
            "the township files add up to {} ({split_lines} lines), the whole to {} ({lines} lines): nothing was written or paid",
            fmt_money(split_total),
            fmt_money(total)
        ),
    }
}

/// `out/pay.csv` + "城关镇" → `out/pay.城关镇.csv` (characters a file name cannot hold are
/// replaced).
fn with_township(path: &Path, township: &str) -> PathBuf {
    let name: String = township
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let name = if name.is_empty() {
        "未填乡镇".to_string()
    } else {
        name
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "csv".into());
    with_suffix(path, &name, &ext)
}

pub(super) fn with_suffix(path: &Path, suffix: &str, ext: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "payouts".into());
    path.with_file_name(format!("{stem}.{suffix}.{ext}"))
}
