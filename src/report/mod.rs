//! The month's assistance report: one self-contained HTML page a county office can open,
//! print on A4 and file (the evaluation and reporting of section 7 of the 2022 notice).
//!
//! [`sources`] gathers every figure from the commands' own library calls into the plain
//! [`model`]; [`html`] draws the page from the model alone. Here the figures are only added
//! up and grouped (exact decimal sums), never computed by a rule.

pub mod html;
pub mod model;
pub mod sources;

pub use sources::Access;

use crate::lang::Lang;
use crate::month::Month;
use crate::rules::Decision;
use anyhow::{Result, bail};
use model::{
    Amounts, Band, DecisionAmounts, MonthFigures, PolicySection, Problem, Quality, Report,
    TownshipCoverage,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the report is made from.
#[derive(Debug, Clone)]
pub struct Config {
    /// the roster as named on the command line (a file: it is read once per section, each
    /// time through [`Access::open`])
    pub roster: String,
    /// the month reported
    pub month: Month,
    /// first month of the payment schedule (and of the headline comparison)
    pub from: Month,
    /// last month of the payment schedule
    pub to: Month,
    /// the price-index series
    pub index: Option<String>,
    /// the payment ledger (read only)
    pub ledger: Option<String>,
    /// `--against` lists for the supervision findings
    pub against: Vec<String>,
    /// language of the page
    pub lang: Lang,
    /// the tool's version, printed in the footer
    pub version: String,
}

/// A made report.
#[derive(Debug, Clone)]
pub struct Made {
    /// the figures
    pub report: Report,
    /// the page
    pub html: String,
    /// every row of the month was decided (no invalid or undetermined row)
    pub all_decided: bool,
}

/// How many problem rows the data-quality section lists.
const KEEP_ROWS: usize = 100;

/// Makes the report: every section's figures, then the page. An error (bad policy, unreadable
/// roster, a parameter not in force) comes before anything is written. `access` loads the
/// policy, opens the roster and decides its rows as the command line asks.
pub fn make(cfg: &Config, access: &dyn Access) -> Result<Made> {
    if cfg.from > cfg.to {
        bail!(
            "--from {} is after --to {} (--from 不能晚于 --to)",
            cfg.from,
            cfg.to
        );
    }
    if cfg.month < cfg.from || cfg.month > cfg.to {
        bail!(
            "--month {} is outside --from {} --to {} (报告月份须在 --from 与 --to 之间)",
            cfg.month,
            cfg.from,
            cfg.to
        );
    }
    if cfg.roster == "-" {
        bail!(
            "the report reads the roster once per section: give it as a file, not - (报告需多次读取花名册，请给出文件而非标准输入)"
        );
    }
    let (policy, params) = access.load_policy(cfg.month)?;
    let index = match &cfg.index {
        Some(p) => Some(sources::load_index(p).map_err(|e| crate::index::in_lang(e, cfg.lang))?),
        None => None,
    };
    let mut report = Report {
        meta: model::Meta {
            policy_name: policy.name().to_string(),
            policy_sha256: policy.sha256.clone(),
            roster: cfg.roster.clone(),
            month: Some(cfg.month),
            from: Some(cfg.from),
            to: Some(cfg.to),
            index: cfg.index.clone(),
            ledger: cfg.ledger.clone(),
            version: cfg.version.clone(),
        },
        ..Report::default()
    };

    // The month: headline, coverage, amounts, data quality, parameters used.
    let mut month = MonthAcc::default();
    let mut params_used =
        sources::each_household(cfg, access, &policy, &params, true, |f| month.add(f))?;
    report.headline.current = month.figures(cfg.month)?;
    // The month before, when the range includes it.
    let prev = cfg.month.plus(-1);
    if prev >= cfg.from {
        let prev_params = sources::month_params(&policy, prev)?;
        let mut acc = MonthAcc::default();
        sources::each_household(cfg, access, &policy, &prev_params, false, |f| acc.add(f))?;
        report.headline.previous = Some(acc.figures(prev)?);
    }
    if let Some(index) = &index {
        let (mut section, used) = sources::price_table(&policy, index, cfg.from, cfg.to)?;
        params_used.extend(used.iter().map(|p| sources::param_use(&policy, p)));
        for r in &mut section.rows {
            if cfg.lang == Lang::Zh {
                r.groups = r.groups.iter().map(|g| sources::group_zh(g)).collect();
            }
        }
        report.price = Some(section);
    }
    let (payouts, price_paid) = sources::payouts(cfg, access, &policy, index.as_ref())?;
    report.payouts = payouts;
    if let Some(p) = &mut report.price {
        p.paid = price_paid;
    }
    report.audit = sources::audit(cfg, access, &policy, &params)?;
    let all_decided = month.quality.invalid == 0 && month.quality.undetermined == 0;
    report.amounts = month.amounts()?;
    report.coverage = month.townships.into_values().collect();
    report.quality = month.quality;
    let (documents, last_verified) = sources::policy_documents(&policy);
    report.policy = PolicySection {
        last_verified,
        params: params_used.into_iter().collect(),
        sources: documents,
    };
    let html = html::render(&report, cfg.lang)?;
    Ok(Made {
        report,
        html,
        all_decided,
    })
}

fn sum(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| anyhow::anyhow!("the report's sums are too large to add up exactly"))
}

fn decision_index(d: Decision) -> usize {
    Decision::ALL.iter().position(|x| *x == d).unwrap_or(0)
}

/// The decisions that pay, in the amounts section's order.
const PAYING: [Decision; 3] = [Decision::Dibao, Decision::Tekun, Decision::GradualExit];

/// The running figures of one month's pass over the roster.
#[derive(Default)]
struct MonthAcc {
    households: [u64; 7],
    persons: [u64; 7],
    totals: [Decimal; 6],
    townships: BTreeMap<String, TownshipCoverage>,
    /// (decision, monthly total) of every paid household, for the bands
    paid: Vec<(usize, Decimal)>,
    quality: Quality,
}

impl MonthAcc {
    fn add(&mut self, f: sources::HouseholdFacts) -> Result<()> {
        let i = decision_index(f.decision);
        self.households[i] += 1;
        self.persons[i] += u64::from(f.persons.unwrap_or(0));
        for (t, v) in self.totals.iter_mut().zip(f.amounts) {
            *t = sum(*t, v)?;
        }
        let total = f.amounts[5];
        let t = self
            .townships
            .entry(f.township.clone())
            .or_insert_with(|| TownshipCoverage {
                township: f.township.clone(),
                ..TownshipCoverage::default()
            });
        t.households += 1;
        t.monthly_total = sum(t.monthly_total, total)?;
        if f.not_enrolled {
            t.eligible_not_enrolled += 1;
        } else if PAYING.contains(&f.decision) {
            t.enrolled += 1;
        }
        if f.to_review {
            t.to_review += 1;
        }
        if f.decision == Decision::Edge {
            t.edge += 1;
        }
        if let Some(k) = PAYING.iter().position(|d| *d == f.decision)
            && total > Decimal::ZERO
        {
            self.paid.push((k, total));
        }
        match f.decision {
            Decision::Invalid => self.quality.invalid += 1,
            Decision::Undetermined => self.quality.undetermined += 1,
            _ => {}
        }
        for reason in &f.problems {
            if self.quality.rows.len() < KEEP_ROWS {
                self.quality.rows.push(Problem {
                    row: f.row,
                    household_id: f.id.clone(),
                    township: f.township.clone(),
                    code: f.decision.name().to_string(),
                    reason: reason.clone(),
                });
            }
        }
        if !f.warnings.is_empty() {
            self.quality.id_defects += 1;
        }
        for (code, reason) in &f.warnings {
            if self.quality.ids.len() < KEEP_ROWS {
                self.quality.ids.push(Problem {
                    row: f.row,
                    household_id: f.id.clone(),
                    township: f.township.clone(),
                    code: code.clone(),
                    reason: reason.clone(),
                });
            }
        }
        Ok(())
    }

    fn figures(&self, month: Month) -> Result<MonthFigures> {
        Ok(MonthFigures {
            month: Some(month),
            households: self.households,
            persons: self.persons,
            totals: self.totals,
        })
    }

    /// Monthly totals of paid households in bands of a round width (100, 200, 500, 1000 …
    /// yuan) so that there are at most 12.
    fn amounts(&self) -> Result<Amounts> {
        let mut decisions: Vec<DecisionAmounts> = PAYING
            .iter()
            .map(|d| DecisionAmounts {
                decision: Some(*d),
                ..DecisionAmounts::default()
            })
            .collect();
        for (k, v) in &self.paid {
            let d = &mut decisions[*k];
            d.households += 1;
            d.total = sum(d.total, *v)?;
            d.min = Some(d.min.map_or(*v, |m| m.min(*v)));
            d.max = Some(d.max.map_or(*v, |m| m.max(*v)));
        }
        let yuan =
            |v: Decimal| -> i64 { v.floor().to_string().parse::<i64>().unwrap_or(i64::MAX / 4) };
        let hi = self.paid.iter().map(|(_, v)| yuan(*v)).max().unwrap_or(0);
        let mut width = 100i64;
        'outer: for magnitude in 2..16u32 {
            for step in [1i64, 2, 5] {
                width = step.saturating_mul(10i64.saturating_pow(magnitude));
                if hi / width < 12 {
                    break 'outer;
                }
            }
        }
        let mut bands: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
        for (k, v) in &self.paid {
            let from = yuan(*v) / width * width;
            bands.entry(from).or_insert_with(|| vec![0; PAYING.len()])[*k] += 1;
        }
        if let (Some((&lo, _)), Some((&top, _))) = (bands.first_key_value(), bands.last_key_value())
        {
            let mut b = lo;
            while b < top {
                bands.entry(b).or_insert_with(|| vec![0; PAYING.len()]);
                b += width;
            }
        }
        Ok(Amounts {
            decisions,
            bands: bands
                .into_iter()
                .map(|(from, households)| Band {
                    from,
                    to: from.saturating_add(width),
                    households,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, Lists};
    use crate::household::RowParser;
    use crate::household::reader::{self, ReadOptions, RecordSource};
    use crate::policy::{MonthParams, Policy};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const POLICY: &str = "policies/lanzhou-2022.toml";
    const ROSTER: &str = "examples/roster.csv";

    fn today() -> chrono::NaiveDate {
        chrono::Local::now().date_naive()
    }

    /// The policy and the example roster read with the library alone (no command), counting
    /// how often the roster is opened.
    #[derive(Default)]
    struct Plain {
        opened: AtomicUsize,
    }

    impl Access for Plain {
        fn load_policy(&self, month: Month) -> Result<(Policy, MonthParams)> {
            let policy = Policy::load(std::path::Path::new(POLICY))?;
            let params = policy.month_params(month)?;
            Ok((policy, params))
        }

        fn open<'p>(
            &self,
            policy: &'p Policy,
            _params: &MonthParams,
        ) -> Result<(Box<dyn RecordSource>, RowParser<'p>)> {
            self.opened.fetch_add(1, Ordering::SeqCst);
            let source = reader::open(ROSTER, &ReadOptions::default())?;
            let parser = RowParser::new(policy, source.header_map().clone(), None, today())
                .map_err(anyhow::Error::msg)?;
            Ok((source, parser))
        }
    }

    /// Guards that the report is made from library calls and the [`Access`] it is given
    /// alone (it runs no command), reading the roster through it once per section, and that
    /// its supervision figures are those of one [`audit::run`] on the same roster.
    #[test]
    fn the_report_is_made_through_its_access_and_its_findings_are_audit_runs() {
        let cfg = Config {
            roster: ROSTER.to_string(),
            month: "2022-12".parse().unwrap(),
            from: "2022-11".parse().unwrap(),
            to: "2022-12".parse().unwrap(),
            index: None,
            ledger: None,
            against: Vec::new(),
            lang: Lang::En,
            version: "test".to_string(),
        };
        let access = Plain::default();
        let made = make(&cfg, &access).unwrap();
        // the month, the month before, the schedule, the findings
        assert_eq!(access.opened.load(Ordering::SeqCst), 4);

        let (policy, params) = access.load_policy(cfg.month).unwrap();
        let (mut source, parser) = access.open(&policy, &params).unwrap();
        let lists = Lists::none();
        let config = audit::Config {
            policy: &policy,
            params: &params,
            parser: &parser,
            lang: Lang::En,
            mask_ids: false,
            amount: audit::amount_column(source.headers(), None).unwrap(),
            lists: &lists,
            today: today(),
        };
        let found = audit::run(&config, source.as_mut(), ROSTER).unwrap();
        let s = &found.summary;
        let a = &made.report.audit;
        assert!(s.households > 0);
        assert_eq!(a.households, s.households);
        assert_eq!(a.households_with_findings, s.households_with_findings);
        assert_eq!(a.findings, s.findings());
        let by_kind: Vec<(String, u64)> = s
            .by_kind
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.code().to_string(), *n))
            .collect();
        let shown: Vec<(String, u64)> = a.by_kind.iter().map(|(c, _, n)| (c.clone(), *n)).collect();
        assert_eq!(shown, by_kind);
        let mut first = Vec::new();
        found
            .findings
            .for_each(|f| {
                first.push((f.kind.code().to_string(), f.head.household_id, f.evidence));
                Ok(())
            })
            .unwrap();
        first.truncate(15);
        let top: Vec<(String, String, String)> = a
            .top
            .iter()
            .map(|c| (c.code.clone(), c.household_id.clone(), c.evidence.clone()))
            .collect();
        assert_eq!(top, first);
        assert!(!top.is_empty(), "the example roster has findings");
    }
}
