//! The one entry point: a roster in, findings and their counts out.

use super::duplicates::Seen;
use super::findings::Summary;
use super::lists::{Lists, find_header};
use super::row::Audited;
use super::spill::Findings;
use crate::household::RowParser;
use crate::household::columns::Column;
use crate::household::reader::RecordSource;
use crate::lang::Lang;
use crate::pipeline;
use crate::policy::{MonthParams, Policy};
use anyhow::{Context, Result, bail};

/// Headers taken for the paid amount when no column is named.
pub const AMOUNT_HEADERS: &[&str] = &[
    "monthly_amount",
    "amount_paid",
    "月保障金额",
    "户月保障金额",
    "月发放金额",
    "月救助金额",
    "保障金额",
    "发放金额",
];

/// The roster's paid-amount column: its field index and its header as written. The one named
/// (an error naming the headers when there is none such), or the first of [`AMOUNT_HEADERS`].
pub fn amount_column(headers: &[String], named: Option<&str>) -> Result<Option<(usize, String)>> {
    let found = match named {
        Some(name) => match find_header(headers, &[name]) {
            Some(i) => i,
            None => bail!(
                "--amount-column {name}: the roster has no such column; its headers are: {}",
                headers.join(", ")
            ),
        },
        None => match find_header(headers, AMOUNT_HEADERS) {
            Some(i) => i,
            None => return Ok(None),
        },
    };
    Ok(Some((found, headers[found].trim().to_string())))
}

/// Everything an audit needs besides the roster.
pub struct Config<'a> {
    /// the policy
    pub policy: &'a Policy,
    /// its parameters for the month audited
    pub params: &'a MonthParams,
    /// the roster's parser (with its members file, if any)
    pub parser: &'a RowParser<'a>,
    /// the language of the evidence
    pub lang: Lang,
    /// mask ID and account numbers in the evidence (for a screen)
    pub mask_ids: bool,
    /// the roster's paid-amount column: its field index and its header as written
    pub amount: Option<(usize, String)>,
    /// the lists persons are checked against
    pub lists: &'a Lists,
    /// the day ID numbers are read on (birth dates after it are wrong)
    pub today: chrono::NaiveDate,
}

/// What an audit found.
pub struct Audit {
    /// the counts
    pub summary: Summary,
    /// the findings, ranked by kind ([`super::Kind::ALL`]), in roster order within a kind
    pub findings: Findings,
}

/// Audits every row of `source` (named `name` in errors). Rows stream through
/// [`pipeline::stream`] as `check`'s do; the findings are kept in temporary files, one per kind,
/// and handed out ranked by [`Findings::for_each`].
pub fn run(config: &Config, source: &mut dyn RecordSource, name: &str) -> Result<Audit> {
    let mut findings = Findings::new();
    let mut seen = Seen::new()?;
    let mut summary = Summary::default();
    let id_field = config.parser.header_map().get(Column::HouseholdId);
    pipeline::stream(
        source,
        id_field,
        |rows| config.work(rows),
        |chunk: Vec<Audited>| {
            for a in chunk {
                seen.check(&a, !a.findings.is_empty(), a.joined)?;
                summary.households += 1;
                if !a.findings.is_empty() {
                    summary.households_with_findings += 1;
                }
                for f in a.findings {
                    if Seen::deferred(f.kind) {
                        seen.held.push(f);
                    } else {
                        summary.count(&f);
                        findings.push(&f)?;
                    }
                }
            }
            Ok(())
        },
    )
    .with_context(|| format!("roster {name}"))?;
    // The duplicate kinds, written now that every household of each group is known.
    let (dups, newly) = seen.finish(config)?;
    summary.households_with_findings += newly;
    for f in &dups {
        summary.count(f);
        findings.push(f)?;
    }
    Ok(Audit { summary, findings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Finding, Kind, ListSpec};
    use crate::household::reader::{self, ReadOptions};

    /// A valid ID number (GB 11643 check character) for person `n` (below 1000).
    fn id(n: u32) -> String {
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const C: &[u8] = b"10X98765432";
        let first17 = format!("620102198001{:02}{n:03}", 1 + n % 28);
        let sum: u32 = first17
            .bytes()
            .zip(W)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!("{first17}{}", C[(sum % 11) as usize] as char)
    }

    /// Audits `roster` (CSV text) with the bundled Lanzhou policy for 2022-12.
    fn audit(roster: &str, mask_ids: bool, lists: &[(&str, &str)]) -> (Summary, Vec<Finding>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, roster).unwrap();
        let specs: Vec<ListSpec> = lists
            .iter()
            .map(|(name, text)| {
                let p = dir.path().join(format!("{name}.csv"));
                std::fs::write(&p, text).unwrap();
                ListSpec {
                    path: p.to_string_lossy().into_owned(),
                    label: Some((*name).to_string()),
                }
            })
            .collect();
        let policy =
            Policy::load(std::path::Path::new("policies/lanzhou-2022.toml")).expect("policy");
        let params = policy.month_params("2022-12".parse().unwrap()).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut source = reader::open(&path.to_string_lossy(), &ReadOptions::default()).unwrap();
        let parser = RowParser::new(&policy, source.header_map().clone(), None, today).unwrap();
        let lists = Lists::load(&specs, today).unwrap();
        let config = Config {
            policy: &policy,
            params: &params,
            parser: &parser,
            lang: Lang::En,
            mask_ids,
            amount: None,
            lists: &lists,
            today,
        };
        let audit = run(&config, source.as_mut(), "roster.csv").unwrap();
        let mut found = Vec::new();
        audit
            .findings
            .for_each(|f| {
                found.push(f);
                Ok(())
            })
            .unwrap();
        (audit.summary, found)
    }

    const HEADER: &str = "household_id,region,residence,members,monthly_income,status,township,head_name,head_id,bank_account\n";

    #[test]
    fn a_roster_audited_from_rust_gives_its_findings_ranked_and_counted() {
        let mut roster = String::from(HEADER);
        // H1: enrolled 低保, per capita 1000 over the standard: to_review.
        roster += &format!("H1,620102,urban,2,2000,dibao,城关镇,甲,{},6228001\n", id(1));
        // H2 and H4: the same head, both 低保 and eligible: duplicate_person on both.
        roster += &format!("H2,620102,urban,1,300,dibao,城关镇,乙,{},6228002\n", id(2));
        // H3: not enrolled, eligible: to_enrol; shares H1's account.
        roster += &format!("H3,620102,urban,1,100,none,七里河,丙,{},6228001\n", id(3));
        roster += &format!("H4,620102,urban,1,300,dibao,七里河,乙,{},6228004\n", id(2));
        // H5: a malformed head ID, otherwise clean.
        let bad = format!("{}0", &id(5)[..17]);
        let bad = if bad == id(5) {
            format!("{}1", &id(5)[..17])
        } else {
            bad
        };
        roster += &format!("H5,620102,urban,1,300,dibao,七里河,丁,{bad},6228005\n");
        // H6: clean.
        roster += &format!("H6,620102,urban,1,300,dibao,七里河,戊,{},6228006\n", id(6));
        let deaths = format!("身份证号,死亡日期\n{},2022-05-01\n", id(6));
        let (summary, found) = audit(&roster, false, &[("deaths", &deaths)]);
        let got: Vec<(Kind, &str)> = found
            .iter()
            .map(|f| (f.kind, f.head.household_id.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Kind::ToReview, "H1"),
                (Kind::ToEnrol, "H3"),
                (Kind::DuplicatePerson, "H2"),
                (Kind::DuplicatePerson, "H4"),
                (Kind::SharedBankAccount, "H1"),
                (Kind::SharedBankAccount, "H3"),
                (Kind::MalformedId, "H5"),
                (Kind::AgainstList, "H6"),
            ]
        );
        // each household of a duplicate names the other by id and row
        assert!(
            found[2].evidence.contains("household H4 (row 5"),
            "{}",
            found[2].evidence
        );
        assert!(
            found[3].evidence.contains("household H2 (row 3"),
            "{}",
            found[3].evidence
        );
        assert!(
            found[7].evidence.contains("deaths"),
            "{}",
            found[7].evidence
        );
        assert_eq!(found[2].head.row, 3);
        assert_eq!(summary.households, 6);
        assert_eq!(summary.households_with_findings, 6);
        assert_eq!(summary.findings(), 8);
        assert_eq!(summary.by_kind.get(&Kind::SharedBankAccount), Some(&2));
        assert_eq!(
            summary
                .by_township
                .get("七里河")
                .map(|k| k.values().sum::<u64>()),
            Some(5)
        );
        // the ID in the evidence is whole unless masking is asked for
        assert!(found[2].evidence.contains(&id(2)));
        let (_, masked) = audit(&roster, true, &[]);
        let dup = masked
            .iter()
            .find(|f| f.kind == Kind::DuplicatePerson)
            .unwrap();
        assert!(!dup.evidence.contains(&id(2)), "{}", dup.evidence);
    }

    #[test]
    fn a_clean_roster_has_no_finding() {
        let mut roster = String::from(HEADER);
        for n in 1..=3 {
            roster += &format!(
                "C{n},620102,urban,1,300,dibao,城关镇,某,{},62280{n}\n",
                id(n)
            );
        }
        let (summary, found) = audit(&roster, false, &[]);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(summary.households, 3);
        assert_eq!(summary.findings(), 0);
    }
}
