//! Test files for policy files (`jiuzhu test`): hand-worked cases a policy must reproduce before
//! it pays anyone, in the spirit of OpenFisca's YAML tests.
//!
//! A test file is TOML. It names the policy (a path relative to the test file) and lists cases:
//! the month, the household's roster fields, optionally its person rows and the price-index
//! values, and the expected outputs. Every case is run through the commands themselves
//! (`check`, `subsidy`, `payouts`, `explain` of the same binary, on a roster of one household
//! written for the case), so a test passes exactly when the commands give the expected figures:
//! nothing here recomputes a rule.
//!
//! Expected fields that are absent are not checked; a field that no command produces is an error
//! of the test file (exit 2), never a silent pass.

// The items `payouts` can pay (`one_off:` and `temporary:` take any suffix) are the ledger's.
use crate::ledger::ITEMS;
use anyhow::{Context, Result, anyhow, bail};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

/// One test file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The policy file, relative to the test file.
    pub policy: String,
    /// Roster fields every case starts from (a case's own fields win).
    #[serde(default)]
    pub defaults: BTreeMap<String, toml::Value>,
    /// The cases, in order.
    #[serde(default, rename = "case")]
    pub cases: Vec<Case>,
}

/// One case: a household in a month and what the commands must say of it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A name to report the case by.
    pub name: String,
    /// The month evaluated (`check`) and the pay month (`payouts`, `subsidy`).
    pub month: String,
    /// Where the expected figures come from (a document, a worked example); shown on failure.
    #[serde(default)]
    pub source: Option<String>,
    /// Roster fields by column name (English or Chinese header), e.g. `members = 3`.
    #[serde(default)]
    pub household: BTreeMap<String, toml::Value>,
    /// Person rows for `--members` (each a table of members-file columns).
    #[serde(default)]
    pub members: Vec<BTreeMap<String, toml::Value>>,
    /// Price-index rows (`month`, `cpi`, `food`, optionally `scpi`, `area`).
    #[serde(default)]
    pub index: Vec<BTreeMap<String, toml::Value>>,
    /// The expected outputs.
    #[serde(default)]
    pub expect: Expect,
}

/// What a case expects. Fields of `check`'s output row sit directly in the table; the
/// sub-tables hold what other commands say.
#[derive(Debug, Default, Deserialize)]
pub struct Expect {
    /// `subsidy`'s row for the household in the pay month (`amount`, `persons`, `per_person`, ...).
    #[serde(default)]
    pub subsidy: BTreeMap<String, toml::Value>,
    /// `payouts`: item (`dibao`, `one_off:<id>`, `temporary:<kind>`, ...) → amount paid in the
    /// month, or `"held"`, or `"none"`.
    #[serde(default)]
    pub payouts: BTreeMap<String, toml::Value>,
    /// `payouts`: item → approval level (`routine`, `township`, `county`, `case_by_case`, ...).
    #[serde(default)]
    pub approval: BTreeMap<String, toml::Value>,
    /// `check`'s columns (`decision`, `monthly_total`, `reasons`, ...) and `message_contains`.
    #[serde(flatten)]
    pub check: BTreeMap<String, toml::Value>,
}

/// One field whose value differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The field, prefixed by its table for sub-tables (`payouts.dibao`).
    pub field: String,
    /// As the test file says.
    pub expected: String,
    /// As the command said.
    pub actual: String,
}

/// How one case ended.
#[derive(Debug)]
pub struct Outcome {
    /// The test file.
    pub file: PathBuf,
    /// The case's name.
    pub name: String,
    /// The case's month.
    pub month: String,
    /// The case's `source`.
    pub source: Option<String>,
    /// Differences; empty when the case passed.
    pub diffs: Vec<Diff>,
    /// `explain`'s text for the household, when the case failed.
    pub explain: Option<String>,
}

impl Outcome {
    /// Whether every expected field matched.
    pub fn passed(&self) -> bool {
        self.diffs.is_empty()
    }
}

/// Fields of a case's expectations that are not output columns.
const MESSAGE_CONTAINS: &str = "message_contains";

/// Reads a test file.
pub fn load(path: &Path) -> Result<TestFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read test file {}", path.display()))?;
    let file: TestFile = toml::from_str(&text)
        .map_err(|e| anyhow!("test file {}: {}", path.display(), e.message()))?;
    if file.cases.is_empty() {
        bail!("test file {}: no [[case]]", path.display());
    }
    for c in &file.cases {
        if crate::month::Month::from_str(&c.month).is_err() {
            bail!(
                "test file {}: case \"{}\": month \"{}\" is not YYYY-MM",
                path.display(),
                c.name,
                c.month
            );
        }
        if !c.expect.subsidy.is_empty() && c.index.is_empty() {
            bail!(
                "test file {}: case \"{}\": [case.expect.subsidy] needs index rows ([[case.index]])",
                path.display(),
                c.name
            );
        }
        for item in c.expect.payouts.keys().chain(c.expect.approval.keys()) {
            if !(ITEMS.contains(&item.as_str())
                || item.starts_with("one_off:")
                || item.starts_with("temporary:"))
            {
                bail!(
                    "test file {}: case \"{}\": \"{item}\" is not a payment item (one of {}, one_off:<id>, temporary:<kind>)",
                    path.display(),
                    c.name,
                    ITEMS.join(", ")
                );
            }
        }
    }
    Ok(file)
}

/// A TOML value as a roster or index cell: strings as written, numbers by their shortest
/// decimal text, booleans as yes/no, arrays joined by `;` (categories).
fn cell(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        toml::Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// A CSV file of `rows` with the union of their keys as header (first-seen order).
fn csv_of(rows: &[BTreeMap<String, toml::Value>]) -> Result<Vec<u8>> {
    let mut header: Vec<&str> = Vec::new();
    for r in rows {
        for k in r.keys() {
            if !header.contains(&k.as_str()) {
                header.push(k);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header)?;
    for r in rows {
        w.write_record(
            header
                .iter()
                .map(|k| r.get(*k).map(cell).unwrap_or_default()),
        )?;
    }
    w.into_inner().map_err(|e| anyhow!("{e}"))
}

/// The binary the cases run through, and its language.
pub struct Runner {
    /// The `jiuzhu` executable.
    pub exe: PathBuf,
    /// `--lang` passed to the commands (`zh`/`en`).
    pub lang: &'static str,
}

/// A command's exit code, stdout and stderr.
struct Ran {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Runner {
    fn run(&self, dir: &Path, args: &[&str]) -> Result<Ran> {
        let out = Command::new(&self.exe)
            .current_dir(dir)
            .args(args)
            .output()
            .with_context(|| format!("cannot run {}", self.exe.display()))?;
        Ok(Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// JSON from a command that must not have failed outright.
    fn json(&self, dir: &Path, args: &[&str]) -> std::result::Result<Json, String> {
        let ran = self.run(dir, args).map_err(|e| format!("{e:#}"))?;
        if ran.code == crate::EXIT_FATAL || ran.code < 0 {
            return Err(ran.stderr.trim().to_string());
        }
        serde_json::from_slice(&ran.stdout).map_err(|e| format!("{e}: {}", ran.stderr.trim()))
    }

    /// Runs every case of `file` (at `path`).
    pub fn run_file(&self, path: &Path, file: &TestFile) -> Result<Vec<Outcome>> {
        let base = path.parent().unwrap_or(Path::new("."));
        let policy = std::fs::canonicalize(base.join(&file.policy)).with_context(|| {
            format!(
                "test file {}: policy {} not found",
                path.display(),
                file.policy
            )
        })?;
        file.cases
            .iter()
            .enumerate()
            .map(|(i, case)| self.run_case(path, &policy, &file.defaults, case, i))
            .collect()
    }

    fn run_case(
        &self,
        path: &Path,
        policy: &Path,
        defaults: &BTreeMap<String, toml::Value>,
        case: &Case,
        number: usize,
    ) -> Result<Outcome> {
        let dir = tempfile::tempdir().context("cannot create a scratch folder")?;
        let mut row = defaults.clone();
        row.extend(case.household.clone());
        let id = row
            .entry("household_id".into())
            .or_insert_with(|| toml::Value::String(format!("T{}", number + 1)))
            .clone();
        let id = cell(&id);
        std::fs::write(dir.path().join("roster.csv"), csv_of(&[row])?)?;
        let policy = policy.to_str().context("the policy path is not UTF-8")?;
        let mut common = vec!["-p", policy, "roster.csv"];
        if !case.members.is_empty() {
            std::fs::write(dir.path().join("members.csv"), csv_of(&case.members)?)?;
            common.extend(["--members", "members.csv"]);
        }
        let month = case.month.as_str();
        let lang = self.lang;
        let mut diffs = Vec::new();
        let fatal = |diffs: &mut Vec<Diff>, what: &str, e: String| {
            diffs.push(Diff {
                field: what.into(),
                expected: "a result".into(),
                actual: format!("error: {e}"),
            })
        };

        let mut check_args = vec!["check"];
        check_args.extend(&common);
        check_args.extend(["--month", month, "--format", "json", "--lang", lang]);
        match self.json(dir.path(), &check_args) {
            Ok(j) => {
                let row = first_row(&j, "households", &id, None);
                compare_check(path, case, row, &mut diffs)?;
            }
            Err(e) => fatal(&mut diffs, "check", e),
        }

        let index_span = if case.index.is_empty() {
            None
        } else {
            std::fs::write(dir.path().join("index.csv"), csv_of(&case.index)?)?;
            let months: Vec<String> = case
                .index
                .iter()
                .filter_map(|r| r.get("month").map(cell))
                .collect();
            let from = months.iter().min().cloned().unwrap_or_default();
            let to = months.iter().max().cloned().unwrap_or_default();
            Some((from, to))
        };

        if let Some((from, to)) = &index_span
            && !case.expect.subsidy.is_empty()
        {
            let mut args = vec![
                "subsidy",
                "--index",
                "index.csv",
                "--from",
                from,
                "--to",
                to,
            ];
            args.extend(&common);
            args.extend(["--format", "json", "--lang", lang]);
            match self.json(dir.path(), &args) {
                Ok(j) => {
                    let row = first_row(&j, "households", &id, Some(month));
                    compare_table(path, case, "subsidy", &case.expect.subsidy, row, &mut diffs)?;
                }
                Err(e) => fatal(&mut diffs, "subsidy", e),
            }
        }

        if !case.expect.payouts.is_empty() || !case.expect.approval.is_empty() {
            let mut args = vec!["payouts", "--from", month, "--to", month];
            args.extend(&common);
            if index_span.is_some() {
                args.extend(["--index", "index.csv"]);
            }
            args.extend(["--format", "json", "--lang", lang]);
            match self.json(dir.path(), &args) {
                Ok(j) => compare_payouts(case, &j, &id, &mut diffs),
                Err(e) => fatal(&mut diffs, "payouts", e),
            }
        }

        let explain = if diffs.is_empty() {
            None
        } else {
            let mut args = vec!["explain"];
            args.extend(&common);
            args.extend(["--household", &id, "--month", month, "--lang", lang]);
            if index_span.is_some() {
                args.extend(["--index", "index.csv"]);
            }
            let ran = self.run(dir.path(), &args)?;
            Some(format!(
                "{}{}",
                String::from_utf8_lossy(&ran.stdout),
                ran.stderr
            ))
        };
        Ok(Outcome {
            file: path.to_path_buf(),
            name: case.name.clone(),
            month: case.month.clone(),
            source: case.source.clone(),
            diffs,
            explain,
        })
    }
}

/// The object of `key`'s array whose `household_id` is `id` (and `pay_month` is `month`).
fn first_row<'j>(j: &'j Json, key: &str, id: &str, month: Option<&str>) -> Option<&'j Json> {
    j.get(key)?.as_array()?.iter().find(|r| {
        r.get("household_id").and_then(Json::as_str) == Some(id)
            && month.is_none_or(|m| r.get("pay_month").and_then(Json::as_str) == Some(m))
    })
}

/// A JSON field as text (money is already a string with two decimals).
fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether `expected` (as written in the test) matches `actual` (as the command wrote it):
/// numbers compare by value (`1742` matches `1742.00`), a list compares as a set of `;`-joined
/// codes (`reasons = ["a", "b"]` matches `b;a`), anything else as text.
fn matches(expected: &toml::Value, actual: &str) -> bool {
    if let toml::Value::Array(items) = expected {
        let mut want: Vec<String> = items.iter().map(cell).collect();
        let mut got: Vec<String> = actual
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        want.sort();
        got.sort();
        return want == got;
    }
    let want = cell(expected);
    match (Decimal::from_str(&want), Decimal::from_str(actual)) {
        (Ok(a), Ok(b)) => a == b,
        _ => want == actual,
    }
}

fn expected_text(v: &toml::Value) -> String {
    match v {
        toml::Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => cell(other),
    }
}

fn unknown_field(path: &Path, case: &Case, table: &str, field: &str, row: &Json) -> anyhow::Error {
    let known: Vec<&str> = row
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    anyhow!(
        "test file {}: case \"{}\": {table} has no field \"{field}\" (its fields: {})",
        path.display(),
        case.name,
        known.join(", ")
    )
}

fn compare_check(
    path: &Path,
    case: &Case,
    row: Option<&Json>,
    diffs: &mut Vec<Diff>,
) -> Result<()> {
    let Some(row) = row else {
        diffs.push(Diff {
            field: "check".into(),
            expected: "one row for the household".into(),
            actual: "none".into(),
        });
        return Ok(());
    };
    for (field, want) in &case.expect.check {
        if field == MESSAGE_CONTAINS {
            let message = row.get("message").map(text).unwrap_or_default();
            let want = cell(want);
            if !message.contains(&want) {
                diffs.push(Diff {
                    field: field.clone(),
                    expected: want,
                    actual: message,
                });
            }
            continue;
        }
        let Some(got) = row.get(field) else {
            return Err(unknown_field(path, case, "check", field, row));
        };
        let got = text(got);
        if !matches(want, &got) {
            diffs.push(Diff {
                field: field.clone(),
                expected: expected_text(want),
                actual: got,
            });
        }
    }
    Ok(())
}

fn compare_table(
    path: &Path,
    case: &Case,
    table: &str,
    expect: &BTreeMap<String, toml::Value>,
    row: Option<&Json>,
    diffs: &mut Vec<Diff>,
) -> Result<()> {
    let Some(row) = row else {
        diffs.push(Diff {
            field: table.into(),
            expected: format!("a row for the household in {}", case.month),
            actual: "none".into(),
        });
        return Ok(());
    };
    for (field, want) in expect {
        let Some(got) = row.get(field) else {
            return Err(unknown_field(path, case, table, field, row));
        };
        let got = text(got);
        if !matches(want, &got) {
            diffs.push(Diff {
                field: format!("{table}.{field}"),
                expected: expected_text(want),
                actual: got,
            });
        }
    }
    Ok(())
}

/// `payouts`' lines of the household in the month: per item the amount paid (summed over its
/// lines), `held` when held, and the approval level.
fn compare_payouts(case: &Case, j: &Json, id: &str, diffs: &mut Vec<Diff>) {
    let mut paid: BTreeMap<String, (Decimal, bool, String)> = BTreeMap::new();
    let lines = ["payments", "held"]
        .into_iter()
        .filter_map(|k| j.get(k).and_then(Json::as_array))
        .flatten();
    for line in lines {
        if line.get("household_id").and_then(Json::as_str) != Some(id)
            || line.get("pay_month").and_then(Json::as_str) != Some(case.month.as_str())
        {
            continue;
        }
        let item = line.get("item").map(text).unwrap_or_default();
        let amount = line
            .get("amount")
            .map(text)
            .and_then(|a| Decimal::from_str(&a).ok())
            .unwrap_or_default();
        let held = line.get("status").map(text).as_deref() == Some("held");
        let approval = line.get("approval").map(text).unwrap_or_default();
        let e = paid.entry(item).or_insert((Decimal::ZERO, false, approval));
        e.0 += amount;
        e.1 |= held;
    }
    for (item, want) in &case.expect.payouts {
        let got = match paid.get(item) {
            None => "none".to_string(),
            Some((_, true, _)) => "held".to_string(),
            Some((amount, false, _)) => crate::money::fmt_money(*amount),
        };
        if !matches(want, &got) {
            diffs.push(Diff {
                field: format!("payouts.{item}"),
                expected: expected_text(want),
                actual: got,
            });
        }
    }
    for (item, want) in &case.expect.approval {
        let got = paid
            .get(item)
            .map(|p| p.2.clone())
            .unwrap_or_else(|| "none".into());
        if !matches(want, &got) {
            diffs.push(Diff {
                field: format!("approval.{item}"),
                expected: expected_text(want),
                actual: got,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_lists_as_sets() {
        assert!(matches(&toml::Value::Integer(1742), "1742.00"));
        assert!(matches(&toml::Value::String("1742.00".into()), "1742"));
        assert!(!matches(&toml::Value::Integer(1742), "1742.01"));
        let reasons = toml::Value::Array(vec!["uplift".into(), "income_below_standard".into()]);
        assert!(matches(&reasons, "income_below_standard;uplift"));
        assert!(!matches(&reasons, "income_below_standard"));
        assert!(!matches(
            &reasons,
            "income_below_standard;uplift;not_enrolled"
        ));
        assert!(matches(&toml::Value::String("dibao".into()), "dibao"));
        assert!(!matches(&toml::Value::String("dibao".into()), "edge"));
    }

    #[test]
    fn cells_are_written_as_a_roster_expects() {
        assert_eq!(cell(&toml::Value::Float(0.1)), "0.1");
        assert_eq!(cell(&toml::Value::Boolean(true)), "yes");
        let cats = toml::Value::Array(vec!["youfu".into(), "orphan".into()]);
        assert_eq!(cell(&cats), "youfu;orphan");
    }

    #[test]
    fn a_test_file_without_cases_or_with_a_bad_item_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.toml");
        std::fs::write(&p, "policy = \"p.toml\"\n").unwrap();
        assert!(format!("{:#}", load(&p).unwrap_err()).contains("no [[case]]"));
        std::fs::write(
            &p,
            "policy = \"p.toml\"\n[[case]]\nname = \"x\"\nmonth = \"2022-12\"\n[case.expect.payouts]\ndibaoo = 1\n",
        )
        .unwrap();
        assert!(
            format!("{:#}", load(&p).unwrap_err()).contains("\"dibaoo\" is not a payment item")
        );
        std::fs::write(
            &p,
            "policy = \"p.toml\"\n[[case]]\nname = \"x\"\nmonth = \"2022-13\"\n",
        )
        .unwrap();
        assert!(format!("{:#}", load(&p).unwrap_err()).contains("not YYYY-MM"));
        std::fs::write(&p, "policy = \"p.toml\"\nbogus = 1\n").unwrap();
        assert!(load(&p).is_err());
    }
}
