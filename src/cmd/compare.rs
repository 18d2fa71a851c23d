//! `jiuzhu compare`: what a policy change does, household by household and in total.
//!
//! Each household is decided under the base policy and under the alternative by
//! [`rules::evaluate`], the same function `check` uses, for every month of the range; the two
//! results are joined per household and month. Nothing of the rules is repeated here: a
//! reform is whatever the two policy files say.
//!
//! With `--index`, each side also pays its price subsidy (价格临时补贴) in the months compared:
//! a [`SubsidyTable`] per policy over the index months those months pay for, and
//! [`SubsidyTable::household_in`] per household, exactly as `subsidy` computes it.
//!
//! Rows stream through [`pipeline::stream`]; what is kept is the totals (a fixed number of
//! tallies per month, area, decision pair and household size) and, for `--chart`, a count per
//! whole-yuan difference, so memory does not grow with the roster.

use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::columns::Column;
use crate::household::{Household, RowParser, cells};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::money::{Rounding, fmt_money};
use crate::month::Month;
use crate::output::{self, Format, Output, table, text_cell};
use crate::pipeline::{self, Row};
use crate::policy::{MonthParams, Policy};
use crate::rules::price_subsidy::{HouseholdSubsidy, SubsidyTable};
use crate::rules::{self, Decision, Evaluation};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::io::Write;

/// Compare a policy with an alternative on a roster: per household old vs new, and totals.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu compare -p policies/lanzhou-2022.toml --with reform.toml examples/roster.csv --month 2023-01\n  jiuzhu compare -p 2022.toml --with 2023.toml roster.csv --month 2023-01 --to 2023-12 --totals --format csv -o cost.csv\n  jiuzhu compare -p 2022.toml --with 2023.toml sample.csv --month 2023-01 --weight 权数 --chart change.svg\n  jiuzhu compare -p subsidy.toml --with lower-trigger.toml roster.csv --month 2022-08 --to 2023-03 --index cpi.csv --totals\n\nWith --index, each household's monthly amount under each policy includes the price subsidy paid in that month (index month = month − index_lag, judged with that policy's triggers, formula and groups); the subsidy is also shown in columns of its own."
)]
pub struct CompareArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the alternative policy (TOML) compared with the base `-p`
    #[arg(long = "with", value_name = "FILE")]
    pub with: String,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the month compared, or the first month of the range (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    /// the last month of the range (inclusive)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<Month>,
    /// a roster column holding each household's sample weight (how many households of the
    /// population it stands for): counts and money in the totals are grossed up by it
    #[arg(long, value_name = "COLUMN")]
    pub weight: Option<String>,
    /// draw the distribution of gains and losses into FILE.svg
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    /// the price index series (CSV: `month,cpi,food[,scpi][,area]`): add each policy's price
    /// subsidy paid in the months compared (for index month = month − index_lag)
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// write only the totals and breakdowns (csv/table), not one line per household
    #[arg(long)]
    pub totals: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// What a policy change does to a household (in a month, or over the range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// paid nothing under the base, paid under the alternative
    NewlyEligible,
    /// paid under the base, nothing under the alternative
    NoLongerEligible,
    /// paid more
    Gain,
    /// paid less
    Loss,
    /// paid the same
    Unchanged,
    /// undetermined or invalid under either policy: not compared
    Undecided,
}

impl Change {
    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            Change::NewlyEligible => "newly_eligible",
            Change::NoLongerEligible => "no_longer_eligible",
            Change::Gain => "gain",
            Change::Loss => "loss",
            Change::Unchanged => "unchanged",
            Change::Undecided => "undecided",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Change::NewlyEligible => "新增符合",
            Change::NoLongerEligible => "不再符合",
            Change::Gain => "增加",
            Change::Loss => "减少",
            Change::Unchanged => "不变",
            Change::Undecided => "无法比较",
        }
    }

    /// Classifies a comparison: eligibility changes first, then the sign of the difference.
    pub fn of(decided: bool, paid_base: bool, paid_alt: bool, diff: Decimal) -> Change {
        if !decided {
            Change::Undecided
        } else if !paid_base && paid_alt {
            Change::NewlyEligible
        } else if paid_base && !paid_alt {
            Change::NoLongerEligible
        } else if diff > Decimal::ZERO {
            Change::Gain
        } else if diff < Decimal::ZERO {
            Change::Loss
        } else {
            Change::Unchanged
        }
    }
}

/// Whether a decision pays regular money (低保, 特困, or a gradual exit): "eligible" here.
fn pays(d: Decision) -> bool {
    matches!(d, Decision::Dibao | Decision::Tekun | Decision::GradualExit)
}

/// Weighted counts and sums of one slice of the comparison. `gaining`, `losing` and
/// `unchanged` split the decided cases by the sign of the difference; `newly_eligible` and
/// `no_longer_eligible` are subsets of gaining and losing (or unchanged, when both are zero).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// households (or household-months), weighted
    pub cases: Decimal,
    /// the base policy's money, decided cases only
    pub base: Decimal,
    /// the alternative's money, decided cases only
    pub alt: Decimal,
    /// paid more under the alternative
    pub gaining: Decimal,
    /// paid less
    pub losing: Decimal,
    /// paid the same
    pub unchanged: Decimal,
    /// paid nothing under the base, something under the alternative
    pub newly_eligible: Decimal,
    /// the reverse
    pub no_longer_eligible: Decimal,
    /// not compared (undetermined, invalid, or an unreadable weight)
    pub undecided: Decimal,
    /// the part of `base` that is price subsidy (with `--index`)
    pub base_subsidy: Decimal,
    /// the part of `alt` that is price subsidy
    pub alt_subsidy: Decimal,
    /// a sum or a weight × amount left the decimal range: the tally is not to be trusted
    pub overflow: bool,
}

/// `*acc += v`, exactly, or marks the overflow.
fn add_into(acc: &mut Decimal, v: Decimal, overflow: &mut bool) {
    *overflow |= crate::money::add_to(acc, v).is_err();
}

/// `*acc += w × v`, exactly, or marks the overflow.
fn add_weighted(acc: &mut Decimal, w: Decimal, v: Decimal, overflow: &mut bool) {
    match crate::money::checked_mul(w, v) {
        Ok(p) => add_into(acc, p, overflow),
        Err(_) => *overflow = true,
    }
}

impl Tally {
    fn add(&mut self, w: Decimal, c: &Case) {
        let o = &mut self.overflow;
        *o |= c.overflow;
        add_into(&mut self.cases, w, o);
        if !c.decided {
            add_into(&mut self.undecided, w, o);
            return;
        }
        add_weighted(&mut self.base, w, c.base, o);
        add_weighted(&mut self.alt, w, c.alt, o);
        add_weighted(&mut self.base_subsidy, w, c.base_subsidy, o);
        add_weighted(&mut self.alt_subsidy, w, c.alt_subsidy, o);
        // Both sides are at most a few times 10^28 apart only when one overflowed already.
        let diff = c.alt.checked_sub(c.base).unwrap_or(Decimal::ZERO);
        if diff > Decimal::ZERO {
            add_into(&mut self.gaining, w, o);
        } else if diff < Decimal::ZERO {
            add_into(&mut self.losing, w, o);
        } else {
            add_into(&mut self.unchanged, w, o);
        }
        if !c.paid_base && c.paid_alt {
            add_into(&mut self.newly_eligible, w, o);
        }
        if c.paid_base && !c.paid_alt {
            add_into(&mut self.no_longer_eligible, w, o);
        }
    }

    fn merge(&mut self, t: &Tally) {
        let o = &mut self.overflow;
        *o |= t.overflow;
        add_into(&mut self.cases, t.cases, o);
        add_into(&mut self.base, t.base, o);
        add_into(&mut self.alt, t.alt, o);
        add_into(&mut self.gaining, t.gaining, o);
        add_into(&mut self.losing, t.losing, o);
        add_into(&mut self.unchanged, t.unchanged, o);
        add_into(&mut self.newly_eligible, t.newly_eligible, o);
        add_into(&mut self.no_longer_eligible, t.no_longer_eligible, o);
        add_into(&mut self.undecided, t.undecided, o);
        add_into(&mut self.base_subsidy, t.base_subsidy, o);
        add_into(&mut self.alt_subsidy, t.alt_subsidy, o);
    }

    /// Whether the tally, or its amounts × 12 (the per-year line), left the decimal range.
    fn overflowed(&self) -> bool {
        let twelve = Decimal::from(12);
        self.overflow
            || [self.base, self.alt, self.base_subsidy, self.alt_subsidy]
                .iter()
                .any(|v| v.checked_mul(twelve).is_none())
            || self.alt.checked_sub(self.base).is_none()
    }

    /// The alternative's money less the base's.
    pub fn difference(&self) -> Decimal {
        self.alt - self.base
    }

    /// The alternative's price subsidy less the base's.
    pub fn subsidy_difference(&self) -> Decimal {
        self.alt_subsidy - self.base_subsidy
    }
}

/// One household compared in one month, or over the range. `base` and `alt` are everything
/// paid (regular amounts and, with `--index`, the price subsidy); `*_subsidy` the subsidy part.
#[derive(Debug, Clone, Copy, Default)]
struct Case {
    /// an amount of the case left the decimal range
    overflow: bool,
    decided: bool,
    paid_base: bool,
    paid_alt: bool,
    base: Decimal,
    alt: Decimal,
    base_subsidy: Decimal,
    alt_subsidy: Decimal,
}

/// Households in the size breakdown are 1 … 5 persons, then 6 or more.
const SIZE_CAP: u32 = 6;

/// Everything the totals need, mergeable across chunks.
#[derive(Debug, Clone, Default)]
struct Summary {
    rows: u64,
    range: Tally,
    months: Vec<Tally>,
    by_area: BTreeMap<String, Tally>,
    by_decision: BTreeMap<(Decision, Decision), Tally>,
    by_size: BTreeMap<u32, Tally>,
    /// whole-yuan floor of a household's difference over the range → households
    histogram: BTreeMap<i64, Decimal>,
    problems: Vec<String>,
    problem_count: u64,
}

const KEEP_PROBLEMS: usize = 20;

impl Summary {
    fn merge(&mut self, o: Summary) {
        self.rows += o.rows;
        self.range.merge(&o.range);
        if self.months.len() < o.months.len() {
            self.months.resize(o.months.len(), Tally::default());
        }
        for (a, b) in self.months.iter_mut().zip(&o.months) {
            a.merge(b);
        }
        for (k, t) in o.by_area {
            self.by_area.entry(k).or_default().merge(&t);
        }
        for (k, t) in o.by_decision {
            self.by_decision.entry(k).or_default().merge(&t);
        }
        for (k, t) in o.by_size {
            self.by_size.entry(k).or_default().merge(&t);
        }
        for (k, n) in o.histogram {
            add_into(
                self.histogram.entry(k).or_default(),
                n,
                &mut self.range.overflow,
            );
        }
        self.problem_count += o.problem_count;
        for p in o.problems {
            if self.problems.len() < KEEP_PROBLEMS {
                self.problems.push(p);
            }
        }
    }

    /// Whether any tally left the decimal range.
    fn overflowed(&self) -> bool {
        self.range.overflowed()
            || self
                .months
                .iter()
                .chain(self.by_area.values())
                .chain(self.by_decision.values())
                .chain(self.by_size.values())
                .any(Tally::overflowed)
    }

    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < KEEP_PROBLEMS {
            self.problems.push(p);
        }
    }
}

/// A policy and its parameters for every month of the range.
struct Side<'a> {
    policy: &'a Policy,
    params: &'a [MonthParams],
    parser: &'a RowParser<'a>,
    /// with `--index` and a `[price_subsidy]` table: its subsidy
    subsidy: Option<&'a SideSubsidy>,
}

/// One policy's price subsidy over the index months the compared months pay for.
struct SideSubsidy {
    table: SubsidyTable,
    /// the parameters of every triggered index month (a household's groups depend on them)
    params: BTreeMap<Month, MonthParams>,
    index_lag: i32,
}

impl SideSubsidy {
    /// Builds the table for the index months paid in `months` (each month − `index_lag`);
    /// `None` when the policy has no `[price_subsidy]` table (it pays no subsidy).
    fn build(policy: &Policy, index: &IndexSeries, months: &[Month]) -> Result<Option<Self>> {
        let Some(ps) = policy.file.price_subsidy.as_ref() else {
            return Ok(None);
        };
        let (Some(first), Some(last)) = (months.first(), months.last()) else {
            return Ok(None);
        };
        let lag = ps.index_lag;
        let (from, to) = (first.plus(-lag), last.plus(-lag));
        let table = SubsidyTable::build(policy, index, from, to)
            .with_context(|| format!("price subsidy for index months {from}..{to}"))?;
        let params = table
            .triggered_params(policy)
            .with_context(|| format!("price subsidy for index months {from}..{to}"))?;
        Ok(Some(SideSubsidy {
            table,
            params,
            index_lag: lag,
        }))
    }
}

/// A household's price subsidy paid in `month` under one side, or none (no `--index`, or a
/// policy without a price subsidy: nothing is paid, and that is decided).
fn side_subsidy(side: &Side, h: &Household, month: Month) -> Option<HouseholdSubsidy> {
    side.subsidy.map(|s| {
        s.table
            .household_in(side.policy, &s.params, h, month.plus(-s.index_lag))
    })
}

fn subsidy_amount(s: &Option<HouseholdSubsidy>) -> Decimal {
    s.as_ref().map_or(Decimal::ZERO, |s| s.amount)
}

fn subsidy_decided(s: &Option<HouseholdSubsidy>) -> bool {
    s.as_ref().is_none_or(|s| s.state.is_decided())
}

/// The subsidy's part of a reasons cell: `price_subsidy:<outcome>` and the missing columns
/// when it is not decided.
fn subsidy_reasons(s: &Option<HouseholdSubsidy>) -> String {
    match s {
        Some(s) if !s.state.is_decided() => {
            let mut r = format!("price_subsidy:{}", s.state.name());
            for c in &s.missing {
                r += &format!(";price_subsidy:missing:{}", c.name());
            }
            r
        }
        _ => String::new(),
    }
}

fn join_reasons(a: String, b: String) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a,
        (true, false) => b,
        (false, false) => format!("{a};{b}"),
    }
}

struct Ctx<'a> {
    base: Side<'a>,
    alt: Side<'a>,
    months: Vec<String>,
    /// the months compared (pay months of the price subsidy)
    month_values: Vec<Month>,
    /// `--index` was given: subsidy columns are written
    with_index: bool,
    weight: Option<(usize, String)>,
    lang: Lang,
    format: Format,
    households: bool,
}

struct ChunkOut {
    bytes: Vec<u8>,
    table: Vec<Vec<String>>,
    summary: Summary,
}

/// The CSV/JSON columns of one household and month, before `weight`, the reasons and `row`.
pub const COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "month",
    "area",
    "residence",
    "members",
    "status",
    "decision_base",
    "total_base",
    "decision_alt",
    "total_alt",
    "difference",
    "change",
];

/// [`COLUMNS`] with `--index`: each side's regular amount and price subsidy beside its total
/// (their sum), and the subsidy's outcome (`paid`, `not_triggered`, `not_covered`, ...).
pub const INDEX_COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "month",
    "area",
    "residence",
    "members",
    "status",
    "decision_base",
    "regular_base",
    "subsidy_base",
    "total_base",
    "decision_alt",
    "regular_alt",
    "subsidy_alt",
    "total_alt",
    "difference",
    "change",
    "subsidy_outcome_base",
    "subsidy_outcome_alt",
];

fn evaluate_side(side: &Side, row: &Row) -> (Household, Vec<Evaluation>) {
    let Some((first, rest)) = side.params.split_first() else {
        return (Household::default(), Vec::new());
    };
    let (h, ev) = super::check::evaluate_row(side.policy, first, side.parser, row, false);
    let mut evs = Vec::with_capacity(side.params.len());
    evs.push(ev);
    evs.extend(
        rest.iter()
            .map(|p| rules::evaluate(side.policy, p, &h, false)),
    );
    (h, evs)
}

fn count(d: Decimal) -> String {
    d.normalize().to_string()
}

impl Ctx<'_> {
    fn area_name(&self, hb: &Household, ha: &Household) -> String {
        hb.area
            .and_then(|a| self.base.policy.area_key(a))
            .or_else(|| ha.area.and_then(|a| self.alt.policy.area_key(a)))
            .unwrap_or("")
            .to_string()
    }

    /// The household's weight: 1 without `--weight`; `Err` names what is wrong with the cell.
    fn weight(&self, row: &Row) -> Result<Decimal, String> {
        let Some((i, header)) = &self.weight else {
            return Ok(Decimal::ONE);
        };
        let raw = row.record.get(*i).unwrap_or("");
        match cells::parse_money(raw) {
            Ok(Some(w)) => Ok(w),
            Ok(None) => Err(match self.lang {
                Lang::Zh => format!("第 {} 行：权数列“{header}”为空", row.line),
                Lang::En => format!("row {}: the weight column \"{header}\" is empty", row.line),
            }),
            Err(e) => Err(match self.lang {
                Lang::Zh => format!("第 {} 行：权数列“{header}”（“{raw}”）{}", row.line, e.zh()),
                Lang::En => format!(
                    "row {}: the weight column \"{header}\" (\"{raw}\"): {}",
                    row.line,
                    e.en()
                ),
            }),
        }
    }

    fn work(&self, rows: &[Row]) -> ChunkOut {
        let mut out = ChunkOut {
            bytes: Vec::with_capacity(if self.households { rows.len() * 160 } else { 0 }),
            table: Vec::new(),
            summary: Summary {
                months: vec![Tally::default(); self.months.len()],
                ..Summary::default()
            },
        };
        for row in rows {
            self.compare_row(row, &mut out);
        }
        out
    }

    fn compare_row(&self, row: &Row, out: &mut ChunkOut) {
        let (hb, evb) = evaluate_side(&self.base, row);
        let (ha, eva) = evaluate_side(&self.alt, row);
        out.summary.rows += 1;
        let weight = self.weight(row);
        let (w, weight_ok) = match &weight {
            Ok(w) => (*w, true),
            Err(p) => {
                out.summary.problem(p.clone());
                (Decimal::ONE, false)
            }
        };
        let area = self.area_name(&hb, &ha);
        let size = hb.members.map(|m| m.min(SIZE_CAP)).unwrap_or(0);
        let mut whole = Case {
            decided: weight_ok,
            ..Case::default()
        };
        let mut reported = false;
        for (m, (b, a)) in evb.iter().zip(&eva).enumerate() {
            let month = self.month_values.get(m).copied();
            let sb = month.and_then(|mo| side_subsidy(&self.base, &hb, mo));
            let sa = month.and_then(|mo| side_subsidy(&self.alt, &ha, mo));
            let base_known = b.decision.is_decided() && subsidy_decided(&sb);
            let alt_known = a.decision.is_decided() && subsidy_decided(&sa);
            let decided = weight_ok && base_known && alt_known;
            let base = crate::money::checked_add(b.monthly_total(), subsidy_amount(&sb));
            let alt = crate::money::checked_add(a.monthly_total(), subsidy_amount(&sa));
            let case = Case {
                overflow: base.is_err() || alt.is_err(),
                decided,
                paid_base: pays(b.decision),
                paid_alt: pays(a.decision),
                base: base.unwrap_or_default(),
                alt: alt.unwrap_or_default(),
                base_subsidy: subsidy_amount(&sb),
                alt_subsidy: subsidy_amount(&sa),
            };
            whole.decided &= decided;
            whole.paid_base |= case.paid_base;
            whole.paid_alt |= case.paid_alt;
            let o = &mut whole.overflow;
            *o |= case.overflow;
            add_into(&mut whole.base, case.base, o);
            add_into(&mut whole.alt, case.alt, o);
            add_into(&mut whole.base_subsidy, case.base_subsidy, o);
            add_into(&mut whole.alt_subsidy, case.alt_subsidy, o);
            let s = &mut out.summary;
            if let Some(t) = s.months.get_mut(m) {
                t.add(w, &case);
            }
            s.by_area.entry(area.clone()).or_default().add(w, &case);
            s.by_decision
                .entry((b.decision, a.decision))
                .or_default()
                .add(w, &case);
            s.by_size.entry(size).or_default().add(w, &case);
            let sides = Sides {
                h: &hb,
                b,
                a,
                sb: &sb,
                sa: &sa,
            };
            if self.households {
                self.write_case(out, row, &sides, m, &area, &case, &weight);
            }
            // One line per household on stderr: its first month not compared.
            if !decided && weight_ok && !reported {
                reported = true;
                let (which, ev, sub) = if base_known {
                    (&ha, a, &sa)
                } else {
                    (&hb, b, &sb)
                };
                // The reasons of what is undecided: the rules', or else the subsidy's.
                let reasons = if ev.decision.is_decided() {
                    subsidy_reasons(sub)
                } else {
                    super::check::reasons_cell(which, ev)
                };
                let month = self.months.get(m).map(String::as_str).unwrap_or("");
                let what = if ev.decision.is_decided() {
                    match (sub, self.lang) {
                        (Some(s), Lang::Zh) => format!("{month} 价格临时补贴{}", s.state.zh()),
                        (Some(s), Lang::En) => format!("{month} price subsidy {}", s.state.name()),
                        (None, _) => String::new(),
                    }
                } else {
                    match self.lang {
                        Lang::Zh => ev.decision.zh().to_string(),
                        Lang::En => ev.decision.name().to_string(),
                    }
                };
                out.summary.problem(match self.lang {
                    Lang::Zh => format!(
                        "第 {} 行（户 {}）：{what}，未比较（{reasons}）",
                        row.line, hb.id
                    ),
                    Lang::En => format!(
                        "row {} (household {}): {what}, not compared ({reasons})",
                        row.line, hb.id
                    ),
                });
            }
        }
        let s = &mut out.summary;
        s.range.add(w, &whole);
        let diff = whole.alt.checked_sub(whole.base).unwrap_or_default();
        if whole.decided && !diff.is_zero() {
            // Bars of the chart are whole yuan; the bucket is a display choice, the amounts
            // themselves are never rounded here.
            let bucket = Rounding::YuanDown.apply(diff).to_i64().unwrap_or(0);
            let mut o = false;
            add_into(s.histogram.entry(bucket).or_default(), w, &mut o);
            s.range.overflow |= o;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write_case(
        &self,
        out: &mut ChunkOut,
        row: &Row,
        sides: &Sides,
        m: usize,
        area: &str,
        case: &Case,
        weight: &Result<Decimal, String>,
    ) {
        let Sides { h, b, a, sb, sa } = *sides;
        let change = Change::of(
            case.decided,
            case.paid_base,
            case.paid_alt,
            case.alt - case.base,
        );
        let money = |v: Decimal, decided: bool| {
            if decided { fmt_money(v) } else { String::new() }
        };
        // A side's total is known when its regular amounts and its subsidy both are.
        let base_known = b.decision.is_decided() && subsidy_decided(sb);
        let alt_known = a.decision.is_decided() && subsidy_decided(sa);
        let subsidy = |s: &Option<HouseholdSubsidy>| money(subsidy_amount(s), subsidy_decided(s));
        let outcome = |s: &Option<HouseholdSubsidy>| {
            s.as_ref().map_or(String::new(), |s| match self.format {
                Format::Table => self.lang.pick(s.state.zh(), s.state.name()).to_string(),
                _ => s.state.name().to_string(),
            })
        };
        let month = self.months.get(m).map(String::as_str).unwrap_or("");
        let members = h.members.map(|n| n.to_string()).unwrap_or_default();
        let residence = h.residence.map(|r| r.name()).unwrap_or("");
        if self.format == Format::Table {
            let (db, da) = match self.lang {
                Lang::Zh => (b.decision.zh(), a.decision.zh()),
                Lang::En => (b.decision.name(), a.decision.name()),
            };
            let mut cells = vec![
                h.row.to_string(),
                h.id.clone(),
                h.head_name.clone(),
                output::id_cell(&h.head_id, Format::Table, true).into_owned(),
                month.to_string(),
                area.to_string(),
                members,
                format!("{db} → {da}"),
            ];
            if self.with_index {
                cells.extend([
                    money(b.monthly_total(), b.decision.is_decided()),
                    subsidy(sb),
                    money(case.base, base_known),
                    money(a.monthly_total(), a.decision.is_decided()),
                    subsidy(sa),
                    money(case.alt, alt_known),
                ]);
            } else {
                cells.extend([money(case.base, base_known), money(case.alt, alt_known)]);
            }
            cells.extend([
                money(case.alt - case.base, case.decided),
                self.lang.pick(change.zh(), change.name()).to_string(),
            ]);
            out.table.push(cells);
            return;
        }
        let mut fields: Vec<(&str, String)> = vec![
            ("household_id", text_cell(&h.id).into_owned()),
            ("township", text_cell(&h.township).into_owned()),
            ("head_name", text_cell(&h.head_name).into_owned()),
            ("head_id", text_cell(&h.head_id).into_owned()),
            ("month", month.to_string()),
            ("area", area.to_string()),
            ("residence", residence.to_string()),
            ("members", members),
            ("status", h.status.name().to_string()),
            ("decision_base", b.decision.name().to_string()),
        ];
        if self.with_index {
            fields.extend([
                (
                    "regular_base",
                    money(b.monthly_total(), b.decision.is_decided()),
                ),
                ("subsidy_base", subsidy(sb)),
            ]);
        }
        fields.extend([
            ("total_base", money(case.base, base_known)),
            ("decision_alt", a.decision.name().to_string()),
        ]);
        if self.with_index {
            fields.extend([
                (
                    "regular_alt",
                    money(a.monthly_total(), a.decision.is_decided()),
                ),
                ("subsidy_alt", subsidy(sa)),
            ]);
        }
        fields.extend([
            ("total_alt", money(case.alt, alt_known)),
            ("difference", money(case.alt - case.base, case.decided)),
            ("change", change.name().to_string()),
        ]);
        if self.with_index {
            fields.extend([
                ("subsidy_outcome_base", outcome(sb)),
                ("subsidy_outcome_alt", outcome(sa)),
            ]);
        }
        if self.weight.is_some() {
            fields.push((
                "weight",
                weight.as_ref().map(|w| count(*w)).unwrap_or_default(),
            ));
        }
        fields.push((
            "reasons_base",
            join_reasons(super::check::reasons_cell(h, b), subsidy_reasons(sb)),
        ));
        fields.push((
            "reasons_alt",
            join_reasons(super::check::reasons_cell(h, a), subsidy_reasons(sa)),
        ));
        fields.push(("row", row.line.to_string()));
        if self.format == Format::Json {
            if !out.bytes.is_empty() {
                out.bytes.push(b',');
            }
            output::json_object(&mut out.bytes, fields.iter().map(|(k, v)| (*k, v.as_str())));
            out.bytes.push(b'\n');
        } else {
            let mut w = output::csv_writer(&mut out.bytes);
            let _ = w.write_record(fields.iter().map(|(_, v)| v.as_bytes()));
            let _ = w.flush();
        }
    }
}

/// One household's results in one month under both policies.
#[derive(Clone, Copy)]
struct Sides<'a> {
    /// the household as the base policy reads it
    h: &'a Household,
    b: &'a Evaluation,
    a: &'a Evaluation,
    sb: &'a Option<HouseholdSubsidy>,
    sa: &'a Option<HouseholdSubsidy>,
}

/// Loads one policy for every month of the range; warns (or refuses with `--strict`) when
/// the last month is after the policy's `last_verified`.
fn load(
    path: &str,
    strict: bool,
    months: &[Month],
    lang: Lang,
) -> Result<(Policy, Vec<MonthParams>)> {
    let args = PolicyArgs {
        policy: path.to_string(),
        strict,
    };
    let last = *months.last().context("empty range")?;
    let (policy, _) = super::load_policy(&args, last, lang)?;
    let params = months
        .iter()
        .map(|m| policy.month_params(*m))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((policy, params))
}

/// One line of the totals: a section (`month`, `range`, `per_year`, `area`, `decision`,
/// `size`), its key, and the tally.
struct TotalLine {
    section: &'static str,
    key: String,
    tally: Tally,
}

/// The CSV columns of `--totals`.
pub const TOTAL_COLUMNS: &[&str] = &[
    "section",
    "key",
    "cases",
    "base_total",
    "alt_total",
    "difference",
    "gaining",
    "losing",
    "unchanged",
    "newly_eligible",
    "no_longer_eligible",
    "undecided",
];

/// Added to [`TOTAL_COLUMNS`] with `--index`: the price subsidy inside `base_total` and
/// `alt_total`, and its difference.
pub const INDEX_TOTAL_COLUMNS: &[&str] = &["base_subsidy", "alt_subsidy", "subsidy_difference"];

fn total_lines(s: &Summary, months: &[Month]) -> Vec<TotalLine> {
    let mut lines = Vec::new();
    for (m, t) in months.iter().zip(&s.months) {
        lines.push(TotalLine {
            section: "month",
            key: m.to_string(),
            tally: t.clone(),
        });
    }
    let range_key = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    lines.push(TotalLine {
        section: "range",
        key: range_key,
        tally: s.range.clone(),
    });
    // Per year: the average month of the range × 12 (money only).
    let n = Decimal::from(months.len().max(1));
    let twelve = Decimal::from(12);
    lines.push(TotalLine {
        section: "per_year",
        key: "x12".into(),
        tally: Tally {
            base: s.range.base * twelve / n,
            alt: s.range.alt * twelve / n,
            base_subsidy: s.range.base_subsidy * twelve / n,
            alt_subsidy: s.range.alt_subsidy * twelve / n,
            ..Tally::default()
        },
    });
    for (k, t) in &s.by_area {
        lines.push(TotalLine {
            section: "area",
            key: k.clone(),
            tally: t.clone(),
        });
    }
    for ((b, a), t) in &s.by_decision {
        lines.push(TotalLine {
            section: "decision",
            key: format!("{}->{}", b.name(), a.name()),
            tally: t.clone(),
        });
    }
    for (k, t) in &s.by_size {
        let key = match *k {
            0 => "unknown".to_string(),
            SIZE_CAP => format!("{SIZE_CAP}+"),
            k => k.to_string(),
        };
        lines.push(TotalLine {
            section: "size",
            key,
            tally: t.clone(),
        });
    }
    lines
}

fn section_name(section: &str, lang: Lang) -> &str {
    let zh = match section {
        "month" => "月份",
        "range" => "区间合计",
        "per_year" => "年化",
        "area" => "地区",
        "decision" => "认定变化",
        "size" => "家庭人口",
        other => other,
    };
    lang.pick(zh, section)
}

fn line_cells(l: &TotalLine, with_index: bool) -> Vec<String> {
    let t = &l.tally;
    let per_year = l.section == "per_year";
    let c = |d: Decimal| if per_year { String::new() } else { count(d) };
    let mut cells = vec![
        l.section.to_string(),
        l.key.clone(),
        c(t.cases),
        fmt_money(t.base),
        fmt_money(t.alt),
        fmt_money(t.difference()),
        c(t.gaining),
        c(t.losing),
        c(t.unchanged),
        c(t.newly_eligible),
        c(t.no_longer_eligible),
        c(t.undecided),
    ];
    if with_index {
        cells.extend([
            fmt_money(t.base_subsidy),
            fmt_money(t.alt_subsidy),
            fmt_money(t.subsidy_difference()),
        ]);
    }
    cells
}

/// The totals' columns: [`TOTAL_COLUMNS`], then [`INDEX_TOTAL_COLUMNS`] with `--index`.
fn total_columns(with_index: bool) -> Vec<&'static str> {
    let mut cols = TOTAL_COLUMNS.to_vec();
    if with_index {
        cols.extend_from_slice(INDEX_TOTAL_COLUMNS);
    }
    cols
}

/// Runs `compare`.
pub fn run(args: CompareArgs) -> Result<i32> {
    let last = args.to.unwrap_or(args.month);
    if last < args.month {
        bail!("--to {last} is before --month {}", args.month);
    }
    let months: Vec<Month> = args.month.through(last).collect();
    output::refuse_same_files(
        &super::input_files(
            &args.policy,
            &[
                ("--with", Some(&args.with)),
                ("ROSTER", Some(&args.roster)),
                ("--index", args.index.as_ref()),
            ],
            &args.input,
        ),
        &super::output_files(&args.out, &[("--chart", args.chart.as_ref())]),
        args.out.lang,
    )?;
    let (base, base_params) = load(
        &args.policy.policy,
        args.policy.strict,
        &months,
        args.out.lang,
    )?;
    let (alt, alt_params) = load(&args.with, args.policy.strict, &months, args.out.lang)
        .with_context(|| format!("--with {}", args.with))?;
    super::check_region(&args.input, &alt).with_context(|| format!("--with {}", args.with))?;
    let (mut source, base_parser) =
        super::open_roster(&args.roster, &args.input, &base, args.out.lang)?;
    let alt_parser = RowParser::new(
        &alt,
        source.header_map().clone(),
        args.input.region.clone(),
        chrono::Local::now().date_naive(),
    )
    .map_err(anyhow::Error::msg)
    .with_context(|| format!("roster {} under --with {}", args.roster, args.with))?;
    // Each side joins the members file under its own policy: a person counts in the uplift
    // group that pays them most, and a reform may change which group that is. Ages and groups
    // are those of the first month compared (the join is made for one month).
    let (Some(base_first), Some(alt_first)) = (base_params.first(), alt_params.first()) else {
        bail!("no month to compare");
    };
    let base_parser =
        super::attach_members(base_parser, &args.input, &base, base_first, args.out.lang)?;
    let alt_parser = super::attach_members(alt_parser, &args.input, &alt, alt_first, args.out.lang)
        .with_context(|| format!("--with {}", args.with))?;
    if args.input.members.is_some() && months.len() > 1 {
        eprintln!(
            "jiuzhu: note: --members: ages and uplift groups are those of {} for the whole range (年龄和分类施保人群按 {} 计)",
            args.month, args.month
        );
    }
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("compare writes table, csv or json");
    }
    if let Some(c) = &args.chart {
        crate::chart::check_svg_path(c)?;
    }
    // The price subsidy of each side, over the index months the compared months pay for.
    let (base_subsidy, alt_subsidy) = match &args.index {
        None => (None, None),
        Some(file) => {
            if file == "-" && args.roster == "-" {
                bail!("--index - and ROSTER - cannot both read stdin: give one of them as a file");
            }
            if base.file.price_subsidy.is_none() && alt.file.price_subsidy.is_none() {
                bail!(
                    "--index {file}: neither {} nor {} has a [price_subsidy] table, so there is no price subsidy to compare (两个政策文件均未规定价格临时补贴)",
                    base.path,
                    alt.path
                );
            }
            let index = IndexSeries::load(file)?;
            let b = SideSubsidy::build(&base, &index, &months)?;
            let a = SideSubsidy::build(&alt, &index, &months)
                .with_context(|| format!("--with {}", args.with))?;
            for (p, side) in [(&base, &b), (&alt, &a)] {
                if side.is_none() {
                    eprintln!(
                        "jiuzhu: note: {} has no [price_subsidy] table: it pays no price subsidy (该政策未规定价格临时补贴，按不发放计)",
                        p.path
                    );
                }
            }
            (b, a)
        }
    };
    let headers = source.headers().to_vec();
    let weight = match &args.weight {
        Some(name) => match super::find_header(&headers, &[name.as_str()]) {
            Some(i) => Some((i, headers[i].trim().to_string())),
            None => bail!(
                "--weight {name}: the roster has no such column; its headers are: {}",
                headers.join(", ")
            ),
        },
        None => None,
    };
    let ctx = Ctx {
        base: Side {
            policy: &base,
            params: &base_params,
            parser: &base_parser,
            subsidy: base_subsidy.as_ref(),
        },
        alt: Side {
            policy: &alt,
            params: &alt_params,
            parser: &alt_parser,
            subsidy: alt_subsidy.as_ref(),
        },
        months: months.iter().map(|m| m.to_string()).collect(),
        month_values: months.clone(),
        with_index: args.index.is_some(),
        weight,
        lang: args.out.lang,
        format,
        households: !args.totals,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    match format {
        Format::Csv if ctx.households => {
            let mut w = output::csv_writer(Vec::new());
            let mut cols: Vec<&str> = if ctx.with_index {
                INDEX_COLUMNS.to_vec()
            } else {
                COLUMNS.to_vec()
            };
            if ctx.weight.is_some() {
                cols.push("weight");
            }
            cols.extend(["reasons_base", "reasons_alt", "row"]);
            w.write_record(cols)?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let mut header = output::json_header(&base);
            if let Some(o) = header.as_object_mut() {
                o.insert(
                    "with".into(),
                    serde_json::json!({ "policy": alt.name(), "policy_sha256": alt.sha256 }),
                );
                o.insert("months".into(), ctx.months.clone().into());
                o.insert(
                    "index_file".into(),
                    args.index
                        .as_ref()
                        .map(|f| serde_json::Value::from(f.clone()))
                        .unwrap_or(serde_json::Value::Null),
                );
                o.insert(
                    "weight".into(),
                    ctx.weight
                        .as_ref()
                        .map(|(_, h)| serde_json::Value::from(h.clone()))
                        .unwrap_or(serde_json::Value::Null),
                );
            }
            let mut head = serde_json::to_string(&header)?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"households\":[\n")?;
        }
        _ => {}
    }
    let mut summary = Summary {
        months: vec![Tally::default(); months.len()],
        ..Summary::default()
    };
    let mut table_rows = Vec::new();
    let mut chunks = output::ChunkWriter::new(format, b",");
    let id_field = base_parser.header_map().get(Column::HouseholdId);
    pipeline::stream(
        source.as_mut(),
        id_field,
        |rows| ctx.work(rows),
        |chunk| {
            summary.merge(chunk.summary);
            if summary.overflowed() {
                return Err(crate::money::AmountOverflow.into());
            }
            chunks.write(&mut out, &chunk.bytes)?;
            table_rows.extend(chunk.table);
            Ok(())
        },
    )
    .with_context(|| format!("roster {}", args.roster))?;

    let lines = total_lines(&summary, &months);
    let lang = args.out.lang;
    match format {
        Format::Json => {
            out.write_all(b"],\"totals\":")?;
            let objects: Vec<serde_json::Value> = lines
                .iter()
                .map(|l| {
                    let cells = line_cells(l, ctx.with_index);
                    let map: serde_json::Map<String, serde_json::Value> =
                        total_columns(ctx.with_index)
                            .iter()
                            .zip(cells)
                            .map(|(k, v)| ((*k).to_string(), v.into()))
                            .collect();
                    serde_json::Value::Object(map)
                })
                .collect();
            out.write_all(serde_json::to_string(&objects)?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        Format::Csv if !ctx.households => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(total_columns(ctx.with_index))?;
            for l in &lines {
                w.write_record(
                    line_cells(l, ctx.with_index)
                        .iter()
                        .map(|c| text_cell(c).into_owned()),
                )?;
            }
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Table => {
            if ctx.households {
                let mut headers: Vec<&str> = match lang {
                    Lang::Zh => vec![
                        "行",
                        "户编号",
                        "户主",
                        "户主身份证号",
                        "月份",
                        "地区",
                        "人口",
                        "认定（原 → 新）",
                    ],
                    Lang::En => vec![
                        "row",
                        "household",
                        "head",
                        "head ID",
                        "month",
                        "area",
                        "members",
                        "decision (base → alt)",
                    ],
                };
                let money: Vec<&str> = match (lang, ctx.with_index) {
                    (Lang::Zh, false) => vec!["原月额", "新月额", "差额"],
                    (Lang::En, false) => vec!["base", "alt", "difference"],
                    (Lang::Zh, true) => vec![
                        "原保障金",
                        "原价格补贴",
                        "原合计",
                        "新保障金",
                        "新价格补贴",
                        "新合计",
                        "差额",
                    ],
                    (Lang::En, true) => vec![
                        "base regular",
                        "base subsidy",
                        "base total",
                        "alt regular",
                        "alt subsidy",
                        "alt total",
                        "difference",
                    ],
                };
                headers.extend(money.iter().copied());
                headers.push(lang.pick("变化", "change"));
                output::ignore_broken_pipe(
                    out.write_all(table::render(&headers, &table_rows, &money).as_bytes()),
                )?;
            }
            let mut headers: Vec<&str> = match lang {
                Lang::Zh => vec![
                    "类别",
                    "项",
                    "户次",
                    "原支出",
                    "新支出",
                    "差额",
                    "增加",
                    "减少",
                    "不变",
                    "新增符合",
                    "不再符合",
                    "无法比较",
                ],
                Lang::En => vec![
                    "section",
                    "key",
                    "cases",
                    "base",
                    "alt",
                    "difference",
                    "gaining",
                    "losing",
                    "unchanged",
                    "newly eligible",
                    "no longer eligible",
                    "undecided",
                ],
            };
            if ctx.with_index {
                headers.extend(match lang {
                    Lang::Zh => ["其中原价格补贴", "其中新价格补贴", "价格补贴差额"],
                    Lang::En => ["base subsidy", "alt subsidy", "subsidy difference"],
                });
            }
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let mut cells = line_cells(l, ctx.with_index);
                    cells[0] = section_name(l.section, lang).to_string();
                    cells
                })
                .collect();
            output::ignore_broken_pipe(
                out.write_all(table::render(&headers, &rows, &headers[2..]).as_bytes()),
            )?;
        }
        _ => {}
    }
    // The chart and the main output are committed together, once both are complete.
    let mut group = output::OutputGroup::new(lang);
    group.push(out);
    if let Some(path) = &args.chart {
        let title = match lang {
            Lang::Zh => format!(
                "{} → {}：每户{}变化",
                base.name(),
                alt.name(),
                if months.len() > 1 {
                    "区间合计"
                } else {
                    "每月"
                }
            ),
            Lang::En => format!(
                "{} → {}: change per household{}",
                base.name(),
                alt.name(),
                if months.len() > 1 {
                    " over the range"
                } else {
                    " per month"
                }
            ),
        };
        let svg = crate::chart::gains_losses_svg(
            &title,
            &summary.histogram,
            summary.range.unchanged,
            lang,
        )?;
        let chart = group.push(
            Output::open(Some(path)).with_context(|| format!("cannot create the chart {path}"))?,
        );
        chart.write_all(svg.as_bytes())?;
    }
    group.commit()?;
    print_summary(
        &summary,
        &months,
        base.name(),
        alt.name(),
        ctx.with_index,
        lang,
    );
    output::report_closed_pipe(lang);
    let members_clean = super::report_members(&base_parser, lang);
    Ok(if summary.range.undecided.is_zero() && members_clean {
        EXIT_OK
    } else {
        EXIT_ROWS
    })
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", fmt_money(d))
    } else {
        fmt_money(d)
    }
}

/// The summary on stderr: cost per month, for the range and per year; who gains and loses.
fn print_summary(
    s: &Summary,
    months: &[Month],
    base: &str,
    alt: &str,
    with_index: bool,
    lang: Lang,
) {
    let r = &s.range;
    // Every line of money reads `label base → alt (difference)`.
    let change = |label: &str, base: Decimal, alt: Decimal, difference: Decimal| match lang {
        Lang::Zh => format!(
            "{label} {} → {}（{}）",
            fmt_money(base),
            fmt_money(alt),
            signed(difference)
        ),
        Lang::En => format!(
            "{label} {} -> {} ({})",
            fmt_money(base),
            fmt_money(alt),
            signed(difference)
        ),
    };
    // A month's or the range's spending, with --index the subsidy's part after it.
    let line = |label: &str, t: &Tally| {
        let mut text = format!("  {}", change(label, t.base, t.alt, t.difference()));
        if with_index {
            text += lang.pick("，", ", ");
            text += &change(
                lang.pick("其中价格临时补贴", "of which price subsidy"),
                t.base_subsidy,
                t.alt_subsidy,
                t.subsidy_difference(),
            );
        }
        text
    };
    let n = Decimal::from(months.len().max(1));
    let per_year = r.difference() * Decimal::from(12) / n;
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu compare {span}：{base} → {alt}，{} 户（行 {}）",
            count(r.cases),
            s.rows
        ),
        Lang::En => eprintln!(
            "jiuzhu compare {span}: {base} -> {alt}, {} households ({} rows)",
            count(r.cases),
            s.rows
        ),
    }
    for (m, t) in months.iter().zip(&s.months) {
        let label = match lang {
            Lang::Zh => format!("{m} 月支出"),
            Lang::En => format!("{m} cost"),
        };
        eprintln!("{}", line(&label, t));
    }
    if months.len() > 1 {
        eprintln!("{}", line(lang.pick("区间合计", "range total"), r));
    }
    match lang {
        Lang::Zh => {
            eprintln!("  年化（平均月 × 12）{}", signed(per_year));
            eprintln!(
                "  增加 {} 户，减少 {} 户，不变 {} 户；新增符合 {} 户，不再符合 {} 户；无法比较 {} 户",
                count(r.gaining),
                count(r.losing),
                count(r.unchanged),
                count(r.newly_eligible),
                count(r.no_longer_eligible),
                count(r.undecided)
            );
        }
        Lang::En => {
            eprintln!("  per year (average month x 12) {}", signed(per_year));
            eprintln!(
                "  gaining {}, losing {}, unchanged {}; newly eligible {}, no longer eligible {}; undecided {}",
                count(r.gaining),
                count(r.losing),
                count(r.unchanged),
                count(r.newly_eligible),
                count(r.no_longer_eligible),
                count(r.undecided)
            );
        }
    }
    for p in &s.problems {
        eprintln!("  {p}");
    }
    if s.problem_count > s.problems.len() as u64 {
        let more = s.problem_count - s.problems.len() as u64;
        match lang {
            Lang::Zh => eprintln!("  …… 另有 {more} 个问题"),
            Lang::En => eprintln!("  ... and {more} more problems"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn eligibility_changes_come_before_the_sign_of_the_difference() {
        assert_eq!(
            Change::of(true, false, true, dec!(50)),
            Change::NewlyEligible
        );
        assert_eq!(
            Change::of(true, true, false, dec!(-50)),
            Change::NoLongerEligible
        );
        assert_eq!(Change::of(true, true, true, dec!(36)), Change::Gain);
        assert_eq!(Change::of(true, true, true, dec!(-1)), Change::Loss);
        assert_eq!(Change::of(true, false, false, dec!(0)), Change::Unchanged);
        assert_eq!(Change::of(false, true, true, dec!(36)), Change::Undecided);
    }

    #[test]
    fn a_weight_times_an_amount_beyond_the_decimal_range_marks_the_tally() {
        let case = Case {
            decided: true,
            base: Decimal::MAX,
            alt: Decimal::MAX,
            paid_base: true,
            paid_alt: true,
            ..Case::default()
        };
        let mut t = Tally::default();
        t.add(dec!(2), &case);
        assert!(t.overflowed());
        let mut s = Summary::default();
        assert!(!s.overflowed());
        s.range.merge(&t);
        assert!(s.overflowed());
        let mut ok = Tally::default();
        ok.add(
            dec!(2),
            &Case {
                decided: true,
                base: dec!(10),
                alt: dec!(12),
                ..Case::default()
            },
        );
        assert!(!ok.overflowed());
        assert_eq!((ok.base, ok.alt, ok.gaining), (dec!(20), dec!(24), dec!(2)));
    }

    #[test]
    fn tallies_weigh_counts_and_money_and_skip_undecided_money() {
        let mut t = Tally::default();
        let gain = Case {
            overflow: false,
            decided: true,
            paid_base: true,
            paid_alt: true,
            base: dec!(100),
            alt: dec!(136),
            base_subsidy: dec!(0),
            alt_subsidy: dec!(20),
        };
        let undecided = Case {
            decided: false,
            ..gain
        };
        t.add(dec!(2.5), &gain);
        t.add(dec!(1), &undecided);
        assert_eq!(t.cases, dec!(3.5));
        assert_eq!(t.gaining, dec!(2.5));
        assert_eq!(t.undecided, dec!(1));
        assert_eq!(t.difference(), dec!(90));
        assert_eq!(
            t.subsidy_difference(),
            dec!(50),
            "2.5 × 20, undecided left out"
        );
    }
}
