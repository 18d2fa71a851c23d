//! Every call the report makes into the domain code, in one place: the evaluation of the
//! roster as `check` makes it, the schedule as `payouts` makes it, the price-subsidy table as
//! `subsidy` makes it, and the findings as `audit` makes them. Each function returns plain data
//! ([`super::model`] or the small structs here); nothing else in the report reaches outside
//! `report/`, so that when these domains move only this file changes. What only the command
//! knows (how the policy is loaded and the roster opened, how a row is decided) comes through
//! [`Access`].

use super::Config;
use super::model::{AuditSection, Case, ParamUse, PayoutSection, PriceRow, PriceSection, Sum};
use crate::audit::{self, ListSpec, Lists};
use crate::household::reader::RecordSource;
use crate::household::{Household, Residence, RowParser};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::ledger::Ledger;
use crate::month::Month;
use crate::pipeline::{self, Row};
use crate::policy::{MonthParams, Param, Policy};
use crate::rules::price_subsidy::{MonthState, SubsidyTable};
use crate::rules::{self, Decision, Evaluation};
use crate::schedule::{self, Item, LineStatus};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the report takes from the command that runs it: the policy loaded and the roster
/// opened as every command does them (policy warnings, `--strict`, `--region`, aliases,
/// encoding, sheet, members file). Rows are decided by [`crate::assess::evaluate_row`], as
/// `check` decides them. The report
/// reads the roster once per section, so [`Access::open`] is called several times.
pub trait Access: Sync {
    /// Loads the policy (a bad policy, a stale one with `--strict`, or a month with a
    /// parameter not in force is an error) and resolves `month`'s parameters.
    fn load_policy(&self, month: Month) -> Result<(Policy, MonthParams)>;
    /// Opens the roster afresh, its parser with the members file (for the month of `params`).
    fn open<'p>(
        &self,
        policy: &'p Policy,
        params: &MonthParams,
    ) -> Result<(Box<dyn RecordSource>, RowParser<'p>)>;
}

/// The parameters of another month (the month before the reported one).
pub fn month_params(policy: &Policy, month: Month) -> Result<MonthParams> {
    Ok(policy.month_params(month)?)
}

/// Loads the index series of `--index`.
pub fn load_index(path: &str) -> Result<IndexSeries> {
    Ok(IndexSeries::load(path)?)
}

/// What the report keeps of one household's evaluation (as `check` evaluates it).
#[derive(Debug, Clone)]
pub struct HouseholdFacts {
    /// line of the roster
    pub row: u64,
    /// 户编号
    pub id: String,
    /// 乡镇街道
    pub township: String,
    /// the decision
    pub decision: Decision,
    /// persons (`members`), when known
    pub persons: Option<u32>,
    /// 低保, 分类施保, 特困 basic, 特困 care, 渐退, monthly total: `check`'s money columns
    pub amounts: [Decimal; 6],
    /// reason `not_enrolled`: eligible, to enrol
    pub not_enrolled: bool,
    /// reason `to_review`
    pub to_review: bool,
    /// why the row is invalid or undetermined, as `check` says it on stderr
    pub problems: Vec<String>,
    /// the row's warnings (ID defects): (code, sentence)
    pub warnings: Vec<(String, String)>,
}

fn facts(policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) -> HouseholdFacts {
    // The problem sentences of `check`'s summary, for the same rows.
    let problems = crate::assess::problem_sentences(policy, h, ev, lang);
    HouseholdFacts {
        row: h.row,
        id: h.id.clone(),
        township: h.township.clone(),
        decision: ev.decision,
        persons: h.members,
        amounts: [
            ev.dibao_amount,
            ev.uplift_amount,
            ev.tekun_basic,
            ev.tekun_care,
            ev.gradual_exit_amount,
            ev.monthly_total(),
        ],
        not_enrolled: ev.reasons.contains(&"not_enrolled"),
        to_review: ev.reasons.contains(&"to_review"),
        problems,
        warnings: h
            .warnings
            .iter()
            .map(|w| (w.code.to_string(), w.describe(lang)))
            .collect(),
    }
}

/// Streams the roster through `check`'s evaluation for `params.month` (on every core, in
/// roster order) and hands each household's facts to `each`. With `trace`, returns every
/// parameter the rules used (each once); without, nothing.
pub fn each_household(
    cfg: &Config,
    access: &dyn Access,
    policy: &Policy,
    params: &MonthParams,
    trace: bool,
    mut each: impl FnMut(HouseholdFacts) -> Result<()>,
) -> Result<BTreeSet<ParamUse>> {
    let mut used = BTreeSet::new();
    let (mut source, parser) = access.open(policy, params)?;
    let id_field = parser
        .header_map()
        .get(crate::household::columns::Column::HouseholdId);
    let lang = cfg.lang;
    pipeline::stream(
        source.as_mut(),
        id_field,
        |rows: &[Row]| {
            // the parameters of a chunk, each once, before they are merged in order
            let mut chunk_params = BTreeSet::new();
            let facts = rows
                .iter()
                .map(|row| {
                    let (h, ev) = crate::assess::evaluate_row(policy, params, &parser, row, trace);
                    for p in ev.steps.iter().flat_map(|s| &s.params) {
                        chunk_params.insert(param_use(policy, p));
                    }
                    facts(policy, &h, &ev, lang)
                })
                .collect::<Vec<_>>();
            (facts, chunk_params)
        },
        |(chunk, chunk_params)| {
            for f in chunk {
                each(f)?;
            }
            used.extend(chunk_params);
            Ok(())
        },
    )
    .with_context(|| format!("roster {}", cfg.roster))?;
    Ok(used)
}

/// A parameter as the report lists it, with its document.
pub fn param_use(policy: &Policy, p: &Param) -> ParamUse {
    let source = policy.source_or_default(&p.source).unwrap_or_default();
    ParamUse {
        key: p.key.to_string(),
        area: p
            .area
            .as_deref()
            .map(|a| {
                policy
                    .file
                    .areas
                    .get(a)
                    .map_or(a.to_string(), |x| x.name.clone())
            })
            .unwrap_or_default(),
        value: p.value,
        from: p.from,
        source_title: policy.source_title(&source).unwrap_or("").to_string(),
        source,
        note: p.note.clone().unwrap_or_default(),
    }
}

/// The policy's documents: (id, title, issued), and its `last_verified`.
pub fn policy_documents(policy: &Policy) -> (Vec<(String, String, String)>, Option<Month>) {
    (
        policy
            .file
            .sources
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.title.clone(),
                    s.issued.clone().unwrap_or_default(),
                )
            })
            .collect(),
        policy.file.policy.last_verified,
    )
}

/// The price-subsidy table of the index months whose subsidy is paid from `from` to `to`, as
/// `subsidy` builds it, with the parameters it used (thresholds, standards).
pub fn price_table(
    policy: &Policy,
    index: &IndexSeries,
    from: Month,
    to: Month,
) -> Result<(PriceSection, Vec<Param>)> {
    let table = SubsidyTable::paying(policy, index, from, to)?;
    let ps = policy.file.price_subsidy.as_ref();
    let mut section = PriceSection {
        lag: ps.map_or(1, |p| p.index_lag),
        ..PriceSection::default()
    };
    let mut used = Vec::new();
    let mut triggered = BTreeSet::new();
    let mut open = BTreeSet::new();
    for ((im, area), am) in &table.months {
        let st = &am.status;
        let v = st.values.unwrap_or_default();
        let threshold = |p: &Option<Param>| p.as_ref().map(|p| p.value);
        for p in [&st.cpi_threshold, &st.food_threshold, &st.scpi_threshold]
            .into_iter()
            .flatten()
        {
            used.push(p.clone());
        }
        used.extend(st.steps.iter().flat_map(|s| s.params.clone()));
        for pa in [&am.urban, &am.rural].into_iter().flatten() {
            used.extend(pa.standard.clone());
            used.extend(pa.steps.iter().flat_map(|s| s.params.clone()));
        }
        match st.state {
            MonthState::Triggered => {
                triggered.insert(*im);
            }
            MonthState::NotTriggered => {}
            _ => {
                open.insert(*im);
            }
        }
        let groups = match ps {
            Some(ps) if st.state == MonthState::Triggered => ps
                .groups
                .keys()
                .filter(|g| rules::price_subsidy::covers(ps, &st.trigger, g).is_some())
                .map(|g| g.to_string())
                .collect(),
            _ => Vec::new(),
        };
        let area_name = policy
            .area_key(*area)
            .and_then(|k| policy.file.areas.get(k).map(|a| a.name.clone()))
            .unwrap_or_default();
        section.rows.push(PriceRow {
            index_month: Some(*im),
            pay_month: Some(st.pay_month),
            area: area_name,
            values: [v.cpi, v.food, v.scpi],
            thresholds: [
                threshold(&st.cpi_threshold),
                threshold(&st.food_threshold),
                threshold(&st.scpi_threshold),
            ],
            state: st.state.name().to_string(),
            fired: st.fired.name().to_string(),
            per_person: [
                am.on(Residence::Urban).map(|p| p.amount),
                am.on(Residence::Rural).map(|p| p.amount),
            ],
            groups,
        });
    }
    section.triggered = triggered.into_iter().collect();
    section.undetermined = open.into_iter().collect();
    Ok((section, used))
}

/// A group's name in Chinese, as `subsidy` shows it.
pub fn group_zh(group: &str) -> String {
    rules::price_subsidy::group_zh(group).to_string()
}

/// The price-subsidy lines of a schedule per pay month: (pay month, lines, amount).
pub type PricePaid = Vec<(Month, u64, Decimal)>;

/// The payment schedule of `cfg.from..=cfg.to` as `payouts` makes it (with the price subsidy
/// when an index is given; lines the ledger records left out and counted; shared payees held),
/// summed by status, approval level, month and item; and the price-subsidy lines per pay month.
pub fn payouts(
    cfg: &Config,
    access: &dyn Access,
    policy: &Policy,
    index: Option<&IndexSeries>,
) -> Result<(PayoutSection, PricePaid)> {
    let mut pcfg = schedule::Config::new(policy, cfg.from, cfg.to, cfg.lang)?;
    if let Some(index) = index {
        pcfg = pcfg.with_index(index).with_context(|| {
            format!(
                "price subsidy from the index file {}",
                cfg.index.as_deref().unwrap_or("")
            )
        })?;
    }
    let mut section = PayoutSection::default();
    // read only: no lock taken, nothing written
    let ledger = match &cfg.ledger {
        Some(path) => Some(Ledger::open(Path::new(path), false, cfg.lang, || {})?),
        None => None,
    };
    let streamed = build_schedule(cfg, access, policy, &pcfg, ledger.as_ref())?;
    // The lines the ledger already records, left out of the schedule as payouts leaves them.
    section.recorded = Sum {
        lines: streamed.already_paid,
        amount: streamed.already_paid_amount,
    };
    let months: Vec<Month> = cfg.from.through(cfg.to).collect();
    let mut tally = schedule::Tally::new(&months, &streamed.townships, false);
    let mut held: BTreeMap<String, Sum> = BTreeMap::new();
    let mut approval: BTreeMap<String, Sum> = BTreeMap::new();
    let mut price: BTreeMap<Month, (u64, Decimal)> = BTreeMap::new();
    for i in 0..streamed.months().len() {
        for s in streamed.lines(i)? {
            let s = s?;
            let l = &s.line;
            tally.add(&s.payee.township, l)?;
            match l.status {
                LineStatus::Held(why) => add(held.entry(why.to_string()).or_default(), l.amount)?,
                LineStatus::Pay => {
                    add(&mut section.to_pay, l.amount)?;
                    add(
                        approval.entry(l.approval.to_string()).or_default(),
                        l.amount,
                    )?;
                    if l.item == Item::PriceSubsidy {
                        let e = price.entry(l.pay_month).or_default();
                        e.0 += 1;
                        e.1 = checked(e.1, l.amount)?;
                    }
                }
            }
        }
    }
    for t in tally.totals() {
        let sum = Sum {
            lines: t.lines,
            amount: t.amount,
        };
        match (t.township, t.month, t.item) {
            (None, Some(m), None) => section.by_month.push((m, sum)),
            (None, None, Some(i)) => section.by_item.push((i.name(policy), i.zh(policy), sum)),
            _ => {}
        }
    }
    let mut notices: BTreeMap<(String, String), BTreeSet<u64>> = BTreeMap::new();
    for n in streamed.notices()? {
        let n = n?;
        notices
            .entry((
                n.notice.kind.name().to_string(),
                n.notice.kind.zh().to_string(),
            ))
            .or_default()
            .insert(n.seq);
    }
    section.notices = notices
        .into_iter()
        .map(|((a, b), s)| (a, b, s.len() as u64))
        .collect();
    section.held = held.into_iter().collect();
    section.by_approval = approval.into_iter().collect();
    Ok((
        section,
        price.into_iter().map(|(m, (n, a))| (m, n, a)).collect(),
    ))
}

/// The schedule of the report's range as `payouts` builds it (no bank file: nobody is held
/// for a missing account), the lines `ledger` records left out.
fn build_schedule(
    cfg: &Config,
    access: &dyn Access,
    policy: &Policy,
    pcfg: &schedule::Config,
    ledger: Option<&Ledger>,
) -> Result<schedule::Streamed> {
    let Some(first) = pcfg.months.first() else {
        anyhow::bail!("the report's range has no month");
    };
    let (mut source, parser) = access.open(policy, first)?;
    let parse = |row: &Row| crate::assess::evaluate_row(policy, first, &parser, row, false).0;
    schedule::build(
        pcfg,
        source.as_mut(),
        &parser,
        &parse,
        ledger,
        schedule::Holds::default(),
    )
    .with_context(|| format!("roster {}", cfg.roster))
}

fn checked(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| anyhow::anyhow!("the report's sums are too large to add up exactly"))
}

fn add(s: &mut Sum, v: Decimal) -> Result<()> {
    s.lines += 1;
    s.amount = checked(s.amount, v)?;
    Ok(())
}

/// How many findings the report shows in full.
const TOP_CASES: usize = 15;

/// The findings of `audit` for the month of `params`, from the same library call `audit`
/// makes with the same inputs (the amount column found by its headers, the `--against` lists
/// read today, ID numbers unmasked as in its files), so that they are exactly the command's:
/// the counts from its summary, the first [`TOP_CASES`] of its ranked findings in full.
pub fn audit(
    cfg: &Config,
    access: &dyn Access,
    policy: &Policy,
    params: &MonthParams,
) -> Result<AuditSection> {
    let (mut source, parser) = access.open(policy, params)?;
    let amount = audit::amount_column(source.headers(), None)?;
    let today = chrono::Local::now().date_naive();
    let specs: Vec<ListSpec> = cfg.against.iter().map(|a| ListSpec::parse(a)).collect();
    let lists = Lists::load(&specs, today)?;
    let config = audit::Config {
        policy,
        params,
        parser: &parser,
        lang: cfg.lang,
        mask_ids: false,
        amount,
        lists: &lists,
        today,
    };
    let found = audit::run(&config, source.as_mut(), &cfg.roster)?;
    let summary = &found.summary;
    let lang = cfg.lang;
    let mut section = AuditSection {
        households: summary.households,
        households_with_findings: summary.households_with_findings,
        findings: summary.findings(),
        ..AuditSection::default()
    };
    for k in audit::Kind::ALL {
        let c = summary.by_kind.get(&k).copied().unwrap_or(0);
        if c > 0 {
            section
                .by_kind
                .push((k.code().to_string(), k.title(lang).to_string(), c));
        }
    }
    section.by_township = summary
        .by_township
        .iter()
        .map(|(t, kinds)| {
            let kinds = kinds
                .iter()
                .map(|(k, n)| (k.code().to_string(), *n))
                .collect();
            (t.clone(), kinds)
        })
        .collect();
    let mut top = Vec::with_capacity(TOP_CASES);
    found.findings.for_each(|f| {
        if top.len() < TOP_CASES {
            top.push(Case {
                title: f.kind.title(lang).to_string(),
                code: f.kind.code().to_string(),
                severity: f.severity.name().to_string(),
                household_id: f.head.household_id,
                township: f.head.township,
                head_name: f.head.head_name,
                evidence: f.evidence,
                action: f.kind.action(lang).to_string(),
            });
        }
        Ok(())
    })?;
    section.top = top;
    Ok(section)
}
