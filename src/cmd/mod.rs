//! One module per command: its arguments, its help, and its `run()`. The helpers here do what
//! every command does first: load and check the policy, open the roster.

pub mod args;
pub mod audit;
pub mod check;
pub mod compare;
pub mod explain;
pub mod init;
pub mod payouts;
pub mod report;
pub mod subsidy;
pub mod test;
pub mod validate;

use crate::household::RowParser;
use crate::household::members::{Members, MembersJoin};
use crate::household::reader::{self, ReadOptions, RecordSource};
use crate::lang::Lang;
use crate::month::Month;
use crate::policy::{MonthParams, Policy};
use anyhow::{Context, Result, bail};
use args::{InputArgs, OutputArgs, PolicyArgs};

/// A policy's error in `lang`; one whose wording does not depend on the language (a file that
/// cannot be read, a syntax error) is kept with its causes.
pub fn policy_error(e: crate::policy::PolicyError, lang: Lang) -> anyhow::Error {
    use crate::policy::PolicyError;
    match e {
        PolicyError::Rule { .. } | PolicyError::NotInForce { .. } | PolicyError::Stale { .. } => {
            anyhow::anyhow!(e.describe(lang))
        }
        other => other.into(),
    }
}

/// Loads the policy and says its warnings on stderr in `lang`.
pub fn load_policy_file(args: &PolicyArgs, lang: Lang) -> Result<Policy> {
    let policy =
        Policy::load(std::path::Path::new(&args.policy)).map_err(|e| policy_error(e, lang))?;
    warn_policy(&policy, lang);
    Ok(policy)
}

/// Says a policy's warnings (unusual values) on stderr in `lang`.
pub fn warn_policy(policy: &Policy, lang: Lang) {
    for w in &policy.warnings {
        eprintln!(
            "jiuzhu: warning: {}",
            crate::output::screen::screen_message(&w.describe(lang))
        );
    }
}

/// Loads the policy, refuses a stale one with `--strict` (else warns on stderr), and resolves
/// the parameters of every area for `month`: a bad policy stops the run before any output.
/// Warnings are said in `lang`.
pub fn load_policy(args: &PolicyArgs, month: Month, lang: Lang) -> Result<(Policy, MonthParams)> {
    let policy = load_policy_file(args, lang)?;
    let stale = policy
        .check_verified(month, args.strict)
        .map_err(|e| policy_error(e, lang))?;
    if let Some(w) = stale {
        eprintln!(
            "jiuzhu: warning: {}",
            crate::output::screen::screen_message(&w.describe(lang))
        );
    }
    let params = policy
        .month_params(month)
        .map_err(|e| policy_error(e, lang))?;
    Ok((policy, params))
}

/// Refuses a `--region` that is in no area of `policy` (a policy without areas accepts every
/// code): otherwise every row of the roster would be invalid for the same reason.
/// The refusal is worded in `lang`.
pub fn check_region(input: &InputArgs, policy: &Policy, lang: Lang) -> Result<()> {
    if let Some(code) = &input.region
        && policy.area_of(code).is_none()
    {
        let known = policy
            .file
            .areas
            .values()
            .flat_map(|a| a.regions.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ");
        bail!(match lang {
            Lang::Zh =>
                format!("--region {code}：政策文件的地区中没有区划代码 {code}，可用的有 {known}"),
            Lang::En => format!(
                "--region {code}: the policy has no area with this region code: use one of {known}"
            ),
        });
    }
    Ok(())
}

/// Says on stderr, in `lang`, each row the reader skips as not data, as it is met.
pub fn notices_on_stderr(lang: Lang) -> reader::Notify {
    reader::Notify::new(move |n| {
        eprintln!(
            "jiuzhu: {}",
            crate::output::screen::screen_message(&n.describe(lang))
        )
    })
}

/// The reading options of `--alias`, `--encoding`, `--sheet` and the policy's `[aliases]`;
/// checks `--region` too. Skipped rows are said on stderr in `lang`.
pub fn read_options(input: &InputArgs, policy: &Policy, lang: Lang) -> Result<ReadOptions> {
    check_region(input, policy, lang)?;
    let mut opts = ReadOptions {
        aliases: policy.file.aliases.clone(),
        encoding: input.encoding,
        sheet: input.sheet.clone(),
        report: Some(notices_on_stderr(lang)),
    };
    for a in &input.alias {
        let Some((header, column)) = a.split_once('=') else {
            bail!(match lang {
                Lang::Zh => format!("--alias {a}：应写作 表头=列名，如 保障人口=members"),
                Lang::En =>
                    format!("--alias {a}: write it as HEADER=COLUMN, e.g. 保障人口=members"),
            });
        };
        if !crate::household::columns::is_known(column.trim()) {
            bail!(match lang {
                Lang::Zh => format!("--alias {a}：“{}”不是花名册的列", column.trim()),
                Lang::En => format!("--alias {a}: \"{}\" is not a roster column", column.trim()),
            });
        }
        opts.aliases
            .insert(header.trim().to_string(), column.trim().to_string());
    }
    Ok(opts)
}

/// Opens a roster and builds the row parser for it. Skipped title and total rows are reported
/// on stderr, in `lang`, as they are met.
pub fn open_roster<'p>(
    path: &str,
    input: &InputArgs,
    policy: &'p Policy,
    lang: Lang,
) -> Result<(Box<dyn RecordSource>, RowParser<'p>)> {
    let opts = read_options(input, policy, lang)?;
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

/// The files a command reads, as [`crate::output::refuse_same_files`] takes them: the policy,
/// `named` (the roster, an index …, `None` when not given) and the members file.
pub fn input_files<'a>(
    policy: &'a PolicyArgs,
    named: &[(&'a str, Option<&'a String>)],
    input: &'a InputArgs,
) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![("-p", policy.policy.as_str())];
    v.extend(
        named
            .iter()
            .filter_map(|(what, p)| p.map(|p| (*what, p.as_str()))),
    );
    if let Some(m) = &input.members {
        v.push(("--members", m.as_str()));
    }
    v
}

/// The files a command writes: `-o` and `named` (`--totals`, `--chart` …, `None` when not
/// given).
pub fn output_files<'a>(
    out: &'a OutputArgs,
    named: &[(&'a str, Option<&'a String>)],
) -> Vec<(&'a str, &'a str)> {
    let mut v = Vec::new();
    if let Some(o) = &out.output {
        v.push(("-o", o.as_str()));
    }
    v.extend(
        named
            .iter()
            .filter_map(|(what, p)| p.map(|p| (*what, p.as_str()))),
    );
    v
}

/// The field index of the first header (as written in the file) that matches one of `names`,
/// compared as roster headers are (case, spaces, a trailing unit in brackets ignored). For
/// columns that are not standard roster columns, e.g. a paid amount or a sample weight.
pub fn find_header(headers: &[String], names: &[&str]) -> Option<usize> {
    use crate::household::columns::normalize_header;
    names.iter().find_map(|n| {
        let n = normalize_header(n);
        headers.iter().position(|h| normalize_header(h) == n)
    })
}

/// Joins `--members` (when given) to the parser for `month`: from then on a household's group
/// counts, ages and categories come from its person rows. The file is read whole (see
/// [`crate::household::members`] for the memory it takes). Skipped rows are said in `lang`.
pub fn attach_members<'p>(
    parser: RowParser<'p>,
    input: &InputArgs,
    policy: &'p Policy,
    params: &MonthParams,
    lang: Lang,
) -> Result<RowParser<'p>> {
    let Some(path) = &input.members else {
        return Ok(parser);
    };
    let mut opts = read_options(input, policy, lang)?;
    // the roster's --sheet names a sheet of the roster's workbook, not of the members file
    opts.sheet = None;
    let today = chrono::Local::now().date_naive();
    let members =
        Members::load(path, &opts, today).with_context(|| format!("members file {path}"))?;
    let join = MembersJoin::new(
        members,
        policy,
        crate::rules::dibao::uplift_per_person(policy, params),
        params.month,
        true,
    );
    Ok(parser.with_members(std::sync::Arc::new(join)))
}

/// After a run with `--members`: lists on stderr the person rows that belong to no household
/// of the roster (and rows without a household id). Returns whether there were none.
pub fn report_members(parser: &RowParser, lang: Lang) -> bool {
    let Some(join) = parser.members() else {
        return true;
    };
    let problems = join.orphan_problems();
    for p in problems.iter().take(20) {
        eprintln!(
            "  {} {}",
            crate::output::screen::screen_line(&join.members().path),
            p.describe(lang)
        );
    }
    if problems.len() > 20 {
        eprintln!(
            "  {}",
            match lang {
                Lang::Zh => format!(
                    "…… 成员名单另有 {} 个问题（用 jiuzhu validate 查看全部）",
                    problems.len() - 20
                ),
                Lang::En => format!(
                    "... and {} more problems in the members file (jiuzhu validate lists them all)",
                    problems.len() - 20
                ),
            }
        );
    }
    problems.is_empty()
}
