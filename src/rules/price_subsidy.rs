//! 价格临时补贴 (temporary price subsidy linkage), the 2016 national linkage rule and the 2022 notice;
//! policy table `[price_subsidy]`.
//!
//! The national mechanism (发改价格规〔2016〕1835号 and its later revisions): in an index month
//! when CPI year on year reaches 3.5% or CPI food reaches 6% ("reaches" is ≥), the people in
//! hardship are paid a temporary price subsidy for that month, in the month the index is
//! published. Each month is judged on its own: nothing carries over. Localities may lower the
//! thresholds and choose how the amount is formed; this module holds every clause as a pure
//! function:
//!
//! - [`month_status`]: the trigger in force for an index month (dated, per area) against the
//!   index, which indexes fired, and the formula in force;
//! - [`person_amount`]: the per-person amount for one residence basis: the formula of its mode,
//!   then its `round`, then the `floor`, then the `multiplier` (the fixed order),
//!   stated to the fen;
//! - [`covers`]: which groups a triggered month covers (`[price_subsidy.groups]` and the
//!   `extra_groups` of temporary windows);
//! - [`household_subsidy`]: one household's amount: the groups it is in, the highest per-person
//!   amount among them (`dedupe = "highest"`), times its persons.
//!
//! The trigger, the formula and the 低保 standard used are those in force in the *index* month;
//! the money is paid in the pay month (index month + `index_lag`). [`SubsidyTable`] computes every
//! area and index month of a range once, for commands that go through a whole roster.

use super::groups::{Share, highest_shares, household_groups, person_groups};
use super::{Decision, Evaluation, Step, Trace};
use crate::household::columns::Column;
use crate::household::{CATEGORY_NAMES, Household, Residence, Status};
use crate::index::{IndexSeries, IndexValues};
use crate::money::{Rounding, fmt_money, fmt_plain};
use crate::month::Month;
use crate::policy::dated::in_force;
use crate::policy::model::{Band, Base, Formula, FormulaMode, IndexKind, PriceSubsidy, Trigger};
use crate::policy::{AreaIndex, MonthParams, Param, Policy, PolicyError};
use rust_decimal::Decimal;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// Why a price subsidy cannot be computed at all (the run stops; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum SubsidyError {
    /// The policy has no `[price_subsidy]` table.
    #[error(
        "policy {path} has no [price_subsidy] table: add the trigger, formula and groups (政策文件未规定价格临时补贴联动机制)"
    )]
    NoPriceSubsidy {
        /// the policy file
        path: String,
    },
    /// A trigger, formula or 低保 standard has no entry in force for the index month.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A `fixed` or `fixed_band` formula has no amount for a kind of resident.
    #[error(
        "policy {path}: `price_subsidy.formula` (from {from}) has no amount for {residence} residents of area {area} (未规定该类居民的补贴金额)"
    )]
    NoAmount {
        /// the policy file
        path: String,
        /// the formula's `from`
        from: Month,
        /// `urban` / `rural`
        residence: &'static str,
        /// the area id
        area: String,
    },
    /// The index file names an area the policy does not define.
    #[error(
        "index file {file}, line {line}: area \"{area}\" is not defined in the policy's [areas] (defined: {known}) (指数文件中的地区不在政策文件中)"
    )]
    UnknownArea {
        /// the index file
        file: String,
        /// the line
        line: u64,
        /// the area as written
        area: String,
        /// the policy's area ids
        known: String,
    },
}

/// The indexes that reached their threshold in an index month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fired {
    /// CPI reached its threshold
    pub cpi: bool,
    /// CPI food reached its threshold
    pub food: bool,
    /// SCPI reached its threshold
    pub scpi: bool,
}

impl Fired {
    /// Whether any index fired (the month is triggered).
    pub fn any(self) -> bool {
        self.cpi || self.food || self.scpi
    }

    /// The `trigger` value: `none`, `cpi`, `food`, `both` (CPI and food); with an SCPI
    /// threshold also `scpi`, `cpi+scpi`, `food+scpi`, `cpi+food+scpi`.
    pub fn name(self) -> &'static str {
        match (self.cpi, self.food, self.scpi) {
            (false, false, false) => "none",
            (true, false, false) => "cpi",
            (false, true, false) => "food",
            (true, true, false) => "both",
            (false, false, true) => "scpi",
            (true, false, true) => "cpi+scpi",
            (false, true, true) => "food+scpi",
            (true, true, true) => "cpi+food+scpi",
        }
    }

    /// In Chinese, for tables: 居民消费价格 / 食品价格 / ...
    pub fn zh(self) -> String {
        let mut parts = Vec::new();
        if self.cpi {
            parts.push("CPI");
        }
        if self.food {
            parts.push("食品");
        }
        if self.scpi {
            parts.push("SCPI");
        }
        parts.join("+")
    }
}

/// What the trigger test found for an index month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonthState {
    /// an index reached its threshold: the subsidy is paid
    Triggered,
    /// no index reached its threshold
    NotTriggered,
    /// the index series has no row for the month: undetermined, never "not triggered"
    Missing,
    /// a value the trigger or the formula needs is empty: undetermined (the columns are named)
    Incomplete(Vec<&'static str>),
}

impl MonthState {
    /// `triggered`, `not_triggered`, `missing`, `incomplete`.
    pub fn name(&self) -> &'static str {
        match self {
            MonthState::Triggered => "triggered",
            MonthState::NotTriggered => "not_triggered",
            MonthState::Missing => "missing",
            MonthState::Incomplete(_) => "incomplete",
        }
    }

    /// Whether the month is decided (triggered or not).
    pub fn is_determined(&self) -> bool {
        matches!(self, MonthState::Triggered | MonthState::NotTriggered)
    }

    /// `Some(true)` triggered, `Some(false)` not, `None` undetermined.
    pub fn triggered(&self) -> Option<bool> {
        match self {
            MonthState::Triggered => Some(true),
            MonthState::NotTriggered => Some(false),
            _ => None,
        }
    }
}

/// The trigger test of one index month in one area, with everything that produced it.
#[derive(Debug, Clone)]
pub struct MonthStatus {
    /// the index month (the month the prices are about)
    pub index_month: Month,
    /// the month the subsidy is paid: index month + `index_lag`
    pub pay_month: Month,
    /// the area (index in [`Policy::area_ids`])
    pub area: AreaIndex,
    /// the area id (`None` when the policy defines no areas)
    pub area_key: Option<String>,
    /// the published values (`None`: no row for the month)
    pub values: Option<IndexValues>,
    /// the line of the index file the values come from
    pub index_line: Option<u64>,
    /// the trigger entry in force in the index month
    pub trigger: Trigger,
    /// the CPI threshold in force, with its source
    pub cpi_threshold: Option<Param>,
    /// the CPI food threshold in force
    pub food_threshold: Option<Param>,
    /// the SCPI threshold in force
    pub scpi_threshold: Option<Param>,
    /// which indexes reached their threshold
    pub fired: Fired,
    /// the outcome
    pub state: MonthState,
    /// the formula in force in the index month (only looked up in a triggered month)
    pub formula: Option<Formula>,
    /// the index the formula reads and its value (`triggering` resolved to the index used)
    pub formula_index: Option<(IndexKind, Decimal)>,
    /// the computation, for `explain`
    pub steps: Vec<Step>,
}

impl MonthStatus {
    /// Whether the month is triggered: `Some(true)` also when an index fired but a value the
    /// amount needs is empty (triggered, amount undetermined); `None` when unknown.
    pub fn triggered(&self) -> Option<bool> {
        match self.state {
            MonthState::Incomplete(_) if self.fired.any() => Some(true),
            _ => self.state.triggered(),
        }
    }
}

fn index_zh(kind: IndexKind) -> &'static str {
    match kind {
        IndexKind::Cpi => "CPI",
        IndexKind::Food => "CPI 食品",
        IndexKind::Scpi => "SCPI",
        IndexKind::Triggering => "启动指数",
    }
}

/// A group's name in Chinese (低保, 特困, 优抚对象 ...).
pub fn group_zh(group: &str) -> &str {
    match group {
        "dibao" => "低保",
        "tekun" => "特困",
        "edge" => "低保边缘",
        g => CATEGORY_NAMES
            .iter()
            .find(|(en, _)| *en == g)
            .map(|(_, zh)| *zh)
            .unwrap_or(g),
    }
}

fn table(policy: &Policy) -> Result<&PriceSubsidy, SubsidyError> {
    policy
        .file
        .price_subsidy
        .as_ref()
        .ok_or_else(|| SubsidyError::NoPriceSubsidy {
            path: policy.path.clone(),
        })
}

/// An entry's source: its own, else the `[price_subsidy]` table's, else the policy's default.
fn source_of(policy: &Policy, ps: &PriceSubsidy, own: &Option<String>) -> Option<String> {
    own.clone()
        .or_else(|| ps.source.clone())
        .or_else(|| policy.file.policy.source.clone())
}

fn not_in_force(policy: &Policy, key: &str, area: Option<&str>, month: Month) -> SubsidyError {
    SubsidyError::Policy(PolicyError::NotInForce {
        path: policy.path.clone(),
        key: key.to_string(),
        area: area.unwrap_or("(all areas)").to_string(),
        month,
    })
}

/// Checks that every area the index file names is one of the policy's areas.
pub fn check_index_areas(policy: &Policy, index: &IndexSeries) -> Result<(), SubsidyError> {
    for row in index.rows() {
        if let Some(a) = &row.area
            && !policy.file.areas.contains_key(a)
        {
            return Err(SubsidyError::UnknownArea {
                file: index.name.clone(),
                line: row.line,
                area: a.clone(),
                known: policy
                    .file
                    .areas
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    Ok(())
}

/// The trigger test of `index_month` in `area` against the series: the trigger in force in
/// the index month, each threshold compared (≥ fires; a threshold the entry does not give
/// never fires), and, in a triggered month, the formula in force and the index it reads.
///
/// A month with no row is [`MonthState::Missing`]; a month where a value the trigger or the
/// formula needs is empty is [`MonthState::Incomplete`]: both undetermined, never "not
/// triggered". No trigger in force for the month is an error naming the key and the month.
pub fn month_status(
    policy: &Policy,
    index: &IndexSeries,
    area: AreaIndex,
    index_month: Month,
) -> Result<MonthStatus, SubsidyError> {
    let key = policy.area_key(area);
    let row = index.get(key, index_month);
    month_status_of(policy, row.map(|r| (r.values, r.line)), area, index_month)
}

/// [`month_status`] for values already at hand (`None`: no row for the month).
pub fn month_status_of(
    policy: &Policy,
    row: Option<(IndexValues, u64)>,
    area: AreaIndex,
    index_month: Month,
) -> Result<MonthStatus, SubsidyError> {
    let ps = table(policy)?;
    let key = policy.area_key(area);
    let trigger = in_force(&ps.trigger, key, index_month)
        .ok_or_else(|| not_in_force(policy, "price_subsidy.trigger", key, index_month))?;
    let source = source_of(policy, ps, &trigger.source);
    let threshold = |k: &'static str, v: Option<crate::money::Number>| {
        v.map(|n| Param {
            key: k,
            value: n.0,
            source: source.clone(),
            from: Some(trigger.from),
            area: trigger.area.clone(),
            note: trigger.until.map(|u| format!("until {u}")),
        })
    };
    let mut status = MonthStatus {
        index_month,
        pay_month: index_month.plus(ps.index_lag),
        area,
        area_key: key.map(str::to_string),
        values: row.map(|r| r.0),
        index_line: row.map(|r| r.1),
        trigger: trigger.clone(),
        cpi_threshold: threshold("price_subsidy.trigger.cpi", trigger.cpi),
        food_threshold: threshold("price_subsidy.trigger.food", trigger.food),
        scpi_threshold: threshold("price_subsidy.trigger.scpi", trigger.scpi),
        fired: Fired::default(),
        state: MonthState::Missing,
        formula: None,
        formula_index: None,
        steps: Vec::new(),
    };
    let mut tr = Trace::new(true);
    let Some(values) = status.values else {
        tr.step("price_subsidy.index", &[], || {
            (
                format!("指数文件中没有 {index_month} 的数据：该月价格临时补贴暂不能确定（不是“未启动”）"),
                format!("the index file has no row for {index_month}: the subsidy is undetermined (not \"not triggered\")"),
            )
        });
        status.steps = tr.steps;
        return Ok(status);
    };
    let line = status.index_line.unwrap_or(0);
    tr.step("price_subsidy.index", &[], || {
        (
            format!("指数文件第 {line} 行：{index_month} {values}"),
            format!("index file line {line}: {index_month} {values}"),
        )
    });
    let mut missing = Vec::new();
    let comparisons = [
        ("cpi", "CPI", values.cpi, &status.cpi_threshold),
        ("food", "CPI 食品", values.food, &status.food_threshold),
        ("scpi", "SCPI", values.scpi, &status.scpi_threshold),
    ];
    let mut fired = Fired::default();
    for (name, zh, value, threshold) in comparisons {
        let Some(t) = threshold else { continue };
        let Some(v) = value else {
            missing.push(name);
            tr.step("price_subsidy.trigger", &[t], || {
                (
                    format!(
                        "{index_month} {zh} 同比涨幅为空：无法判断是否达到 {}%",
                        fmt_plain(t.value)
                    ),
                    format!(
                        "{index_month} {name} is empty: cannot compare with {}%",
                        fmt_plain(t.value)
                    ),
                )
            });
            continue;
        };
        // "Reaches" is ≥ (the national linkage rule): an index exactly at the threshold fires.
        let reached = v >= t.value;
        match name {
            "cpi" => fired.cpi = reached,
            "food" => fired.food = reached,
            _ => fired.scpi = reached,
        }
        tr.step("price_subsidy.trigger", &[t], || {
            let (vz, tz) = (fmt_plain(v), fmt_plain(t.value));
            if reached {
                (
                    format!("{index_month} {zh} 同比 {vz}% ≥ 启动条件 {tz}%：达到"),
                    format!("{index_month} {name} {vz}% ≥ threshold {tz}%: reached"),
                )
            } else {
                (
                    format!("{index_month} {zh} 同比 {vz}% < 启动条件 {tz}%：未达到"),
                    format!("{index_month} {name} {vz}% < threshold {tz}%: not reached"),
                )
            }
        });
    }
    status.fired = fired;
    if !missing.is_empty() {
        status.state = MonthState::Incomplete(missing);
        status.steps = tr.steps;
        return Ok(status);
    }
    if !fired.any() {
        status.state = MonthState::NotTriggered;
        tr.step("price_subsidy.trigger", &[], || {
            (
                format!("{index_month} 未启动价格临时补贴（逐月判断，不结转）"),
                format!("{index_month}: not triggered (each month is judged on its own)"),
            )
        });
        status.steps = tr.steps;
        return Ok(status);
    }
    let formula = in_force(&ps.formula, key, index_month)
        .ok_or_else(|| not_in_force(policy, "price_subsidy.formula", key, index_month))?;
    let value_of = |k: IndexKind| match k {
        IndexKind::Cpi => values.cpi,
        IndexKind::Food => values.food,
        IndexKind::Scpi => values.scpi,
        IndexKind::Triggering => None,
    };
    if formula.mode != FormulaMode::Fixed {
        let resolved = match formula.index {
            // The higher of the indexes that fired (Wuhan: the triggering index).
            IndexKind::Triggering => [
                (fired.cpi, IndexKind::Cpi),
                (fired.food, IndexKind::Food),
                (fired.scpi, IndexKind::Scpi),
            ]
            .into_iter()
            .filter(|(f, _)| *f)
            .filter_map(|(_, k)| value_of(k).map(|v| (k, v)))
            .reduce(|a, b| if b.1 > a.1 { b } else { a }),
            k => value_of(k).map(|v| (k, v)),
        };
        match resolved {
            Some(r) => status.formula_index = Some(r),
            None => {
                let name = formula.index.name();
                status.state = MonthState::Incomplete(vec![name]);
                tr.step("price_subsidy.formula", &[], || {
                    (
                        format!(
                            "计算公式使用 {} 指数，但 {index_month} 该值为空",
                            index_zh(formula.index)
                        ),
                        format!("the formula reads {name}, which is empty for {index_month}"),
                    )
                });
                status.formula = Some(formula.clone());
                status.steps = tr.steps;
                return Ok(status);
            }
        }
    }
    status.state = MonthState::Triggered;
    let pay = status.pay_month;
    tr.step("price_subsidy.trigger", &[], || {
        (
            format!(
                "{index_month} 启动价格临时补贴（{}），于 {pay} 发放",
                fired.zh()
            ),
            format!(
                "{index_month}: triggered by {}, paid in {pay}",
                fired.name()
            ),
        )
    });
    status.formula = Some(formula.clone());
    status.steps = tr.steps;
    Ok(status)
}

/// The per-person amount for residents whose amount is based on `basis` (their own residence,
/// or urban for the groups based on the urban standard), in one triggered index month.
#[derive(Debug, Clone)]
pub struct PersonAmount {
    /// the residence whose standard or amount was used
    pub basis: Residence,
    /// the formula's value before rounding (0 below the lowest band or at or below zero)
    pub raw: Decimal,
    /// after the formula's `round`
    pub rounded: Decimal,
    /// after the `floor`
    pub floored: Decimal,
    /// after the `multiplier`, stated to the fen: what one person is paid
    pub amount: Decimal,
    /// the 低保 standard used (proportional, band_share)
    pub standard: Option<Param>,
    /// the computation, for `explain`
    pub steps: Vec<Step>,
}

fn band_for(bands: &[Band], x: Decimal) -> Option<&Band> {
    // Bands are validated ascending: the band an index falls in is the last one it reaches.
    bands.iter().rev().find(|b| x >= b.at.0)
}

/// The per-person amount in a triggered month for residents of `basis` in the status's area.
///
/// Modes: `proportional` = standard × index / 100; `band_share` = the share of the
/// band the index falls in × standard (exact fractions: 900 × 1/8 = 112.5); `per_point` =
/// amount × each started percentage point; `fixed_band` = the band's amount for the residence;
/// `fixed` = `amounts` by area id or urban/rural (a rural resident gets `rural` when present,
/// else the area's; an urban resident the area's when present, else `urban`). An index below
/// the lowest band, or a formula at or below zero, gives 0; then the formula's `round`, then
/// max(·, `floor`), then × `multiplier`, stated to the fen (half up).
pub fn person_amount(
    policy: &Policy,
    status: &MonthStatus,
    basis: Residence,
) -> Result<PersonAmount, SubsidyError> {
    let ps = table(policy)?;
    let Some(formula) = status
        .formula
        .as_ref()
        .filter(|_| status.state == MonthState::Triggered)
    else {
        return Ok(PersonAmount {
            basis,
            raw: Decimal::ZERO,
            rounded: Decimal::ZERO,
            floored: Decimal::ZERO,
            amount: Decimal::ZERO,
            standard: None,
            steps: Vec::new(),
        });
    };
    let month = status.index_month;
    let source = source_of(policy, ps, &formula.source);
    let param = |key: &'static str, value: Decimal| Param {
        key,
        value,
        source: source.clone(),
        from: Some(formula.from),
        area: formula.area.clone(),
        note: None,
    };
    let mut tr = Trace::new(true);
    let hundred = Decimal::ONE_HUNDRED;
    let x = status.formula_index.map(|(_, v)| v).unwrap_or_default();
    let xk = status.formula_index.map(|(k, _)| index_zh(k)).unwrap_or("");
    let xn = status.formula_index.map(|(k, _)| k.name()).unwrap_or("");
    let standard = match formula.mode {
        FormulaMode::Proportional | FormulaMode::BandShare => {
            // The 低保 standard in force in the index month, not the pay month.
            let ap = policy.area_params(status.area, month)?;
            Some(ap.standard(basis).clone())
        }
        _ => None,
    };
    let area_name = status.area_key.clone().unwrap_or_default();
    let no_amount = || SubsidyError::NoAmount {
        path: policy.path.clone(),
        from: formula.from,
        residence: basis.name(),
        area: status.area_key.clone().unwrap_or_else(|| "(all)".into()),
    };
    let raw = match formula.mode {
        FormulaMode::Proportional => {
            let s = standard.as_ref().map(|p| p.value).unwrap_or_default();
            let raw = s * x / hundred;
            let params: Vec<&Param> = standard.iter().collect();
            tr.step("price_subsidy.formula", &params, || {
                (
                    format!(
                        "按比例：{}低保标准 {} × {xk} {}% = {}",
                        basis.zh(),
                        fmt_money(s),
                        fmt_plain(x),
                        fmt_plain(raw)
                    ),
                    format!(
                        "proportional: {} standard {} × {xn} {}% = {}",
                        basis.name(),
                        fmt_money(s),
                        fmt_plain(x),
                        fmt_plain(raw)
                    ),
                )
            });
            raw
        }
        FormulaMode::BandShare => {
            let s = standard.as_ref().map(|p| p.value).unwrap_or_default();
            let band = band_for(&formula.bands, x);
            let share = band.and_then(|b| b.share);
            let raw = share.map(|sh| sh.apply(s)).unwrap_or_default();
            let at = band.map(|b| b.at.0);
            let share_p =
                share.map(|sh| param("price_subsidy.formula.bands.share", sh.num / sh.den));
            let mut params: Vec<&Param> = standard.iter().collect();
            params.extend(share_p.iter());
            tr.step("price_subsidy.formula", &params, || match (at, share) {
                (Some(at), Some(sh)) => (
                    format!("按档次比例：{xk} {}% 落在 ≥{}% 档，{}低保标准 {} × {sh} = {}", fmt_plain(x), fmt_plain(at), basis.zh(), fmt_money(s), fmt_plain(raw)),
                    format!("band share: {xn} {}% falls in the band from {}%: {} standard {} × {sh} = {}", fmt_plain(x), fmt_plain(at), basis.name(), fmt_money(s), fmt_plain(raw)),
                ),
                _ => (
                    format!("按档次比例：{xk} {}% 低于最低档，计为 0", fmt_plain(x)),
                    format!("band share: {xn} {}% is below the lowest band: 0", fmt_plain(x)),
                ),
            });
            raw
        }
        FormulaMode::PerPoint => {
            let per = formula.per_point.map(|n| n.0).unwrap_or_default();
            // Each started percentage point counts: 3.2% is four points, 3.0% three.
            let points = if x > Decimal::ZERO {
                Rounding::YuanUp.apply(x)
            } else {
                Decimal::ZERO
            };
            let raw = points * per;
            let per_p = param("price_subsidy.formula.per_point", per);
            tr.step("price_subsidy.formula", &[&per_p], || {
                (
                    format!("按百分点：{xk} {}%，按 {} 个百分点（不足 1 个百分点按 1 个计）× 每点 {} 元 = {}", fmt_plain(x), fmt_plain(points), fmt_money(per), fmt_plain(raw)),
                    format!("per point: {xn} {}% is {} started point(s) × {} = {}", fmt_plain(x), fmt_plain(points), fmt_money(per), fmt_plain(raw)),
                )
            });
            raw
        }
        FormulaMode::FixedBand => {
            let band = band_for(&formula.bands, x);
            let raw = match band {
                Some(b) => {
                    let v = match basis {
                        Residence::Urban => b.urban,
                        Residence::Rural => b.rural,
                    };
                    v.ok_or_else(no_amount)?.0
                }
                None => Decimal::ZERO,
            };
            let p = param("price_subsidy.formula.bands", raw);
            tr.step("price_subsidy.formula", &[&p], || match band {
                Some(b) => (
                    format!(
                        "按档次定额：{xk} {}% 落在 ≥{}% 档，{}居民每人 {} 元",
                        fmt_plain(x),
                        fmt_plain(b.at.0),
                        basis.zh(),
                        fmt_money(raw)
                    ),
                    format!(
                        "fixed band: {xn} {}% falls in the band from {}%: {} per {} resident",
                        fmt_plain(x),
                        fmt_plain(b.at.0),
                        fmt_money(raw),
                        basis.name()
                    ),
                ),
                None => (
                    format!("按档次定额：{xk} {}% 低于最低档，计为 0", fmt_plain(x)),
                    format!(
                        "fixed band: {xn} {}% is below the lowest band: 0",
                        fmt_plain(x)
                    ),
                ),
            });
            raw
        }
        FormulaMode::Fixed => {
            let amounts = formula.amounts.as_ref();
            let get = |k: &str| amounts.and_then(|a| a.get(k)).map(|n| n.0);
            let area_amount = status.area_key.as_deref().and_then(get);
            let (raw, by) = match basis {
                Residence::Rural => match get("rural") {
                    Some(v) => (Some(v), "rural".to_string()),
                    None => (area_amount, area_name.clone()),
                },
                Residence::Urban => match area_amount {
                    Some(v) => (Some(v), area_name.clone()),
                    None => (get("urban"), "urban".to_string()),
                },
            };
            let raw = raw.ok_or_else(no_amount)?;
            let p = param("price_subsidy.formula.amounts", raw);
            tr.step("price_subsidy.formula", &[&p], || {
                (
                    format!(
                        "定额：{}居民按 amounts.{by} 每人 {} 元",
                        basis.zh(),
                        fmt_money(raw)
                    ),
                    format!(
                        "fixed: a {} resident gets amounts.{by} = {} per person",
                        basis.name(),
                        fmt_money(raw)
                    ),
                )
            });
            raw
        }
    };
    // A formula at or below zero gives 0 before the floor.
    let raw = raw.max(Decimal::ZERO);
    let rounded = formula.round.apply(raw);
    let floor = formula.floor.map(|n| n.0);
    let floored = floor.map_or(rounded, |f| rounded.max(f));
    let multiplier = formula.multiplier.map(|n| n.0).unwrap_or(Decimal::ONE);
    // Amounts leave the tool stated to the fen: the person is paid this, and a household
    // is paid it × persons, so household rows add up to the per-person table exactly.
    let amount = Rounding::Fen.apply(floored * multiplier);
    let round_name = formula.round.name();
    tr.step("price_subsidy.round", &[], || {
        (
            format!(
                "按 {round_name} 取整：{} → {}",
                fmt_plain(raw),
                fmt_plain(rounded)
            ),
            format!(
                "rounded by {round_name}: {} → {}",
                fmt_plain(raw),
                fmt_plain(rounded)
            ),
        )
    });
    if let Some(f) = floor {
        let fp = param("price_subsidy.formula.floor", f);
        tr.step("price_subsidy.floor", &[&fp], || {
            if rounded < f {
                (
                    format!(
                        "低于保底 {} 元，按保底发放：{}",
                        fmt_money(f),
                        fmt_money(floored)
                    ),
                    format!(
                        "below the floor {}: the floor is paid, {}",
                        fmt_money(f),
                        fmt_money(floored)
                    ),
                )
            } else {
                (
                    format!("不低于保底 {} 元：{}", fmt_money(f), fmt_money(floored)),
                    format!(
                        "not below the floor {}: {}",
                        fmt_money(f),
                        fmt_money(floored)
                    ),
                )
            }
        });
    }
    if let Some(m) = formula.multiplier.map(|n| n.0) {
        let mp = param("price_subsidy.formula.multiplier", m);
        tr.step("price_subsidy.multiplier", &[&mp], || {
            (
                format!(
                    "× 倍数 {}：{} × {} = {}",
                    fmt_plain(m),
                    fmt_money(floored),
                    fmt_plain(m),
                    fmt_money(amount)
                ),
                format!(
                    "× multiplier {}: {} × {} = {}",
                    fmt_plain(m),
                    fmt_money(floored),
                    fmt_plain(m),
                    fmt_money(amount)
                ),
            )
        });
    }
    let mode = formula.mode.name();
    tr.step("price_subsidy.per_person", &[], || {
        (
            format!("{}居民每人 {} 元（{mode}）", basis.zh(), fmt_money(amount)),
            format!(
                "{} per {} resident ({mode})",
                fmt_money(amount),
                basis.name()
            ),
        )
    });
    Ok(PersonAmount {
        basis,
        raw,
        rounded,
        floored,
        amount,
        standard,
        steps: tr.steps,
    })
}

/// Whether a triggered month covers `group`, and on which standard its amount is based.
///
/// A group listed in `[price_subsidy.groups]` is covered in every triggered month,
/// unless it is named in some trigger's `extra_groups` (the national 2022-08..2023-02 window
/// added 领取失业补助金 and 低保边缘): then only while such an entry is in force. A group not
/// listed is never covered.
pub fn covers(ps: &PriceSubsidy, in_force: &Trigger, group: &str) -> Option<Base> {
    let base = *ps.groups.get(group)?;
    let windowed = ps
        .trigger
        .iter()
        .any(|t| t.extra_groups.iter().any(|g| g == group));
    if windowed && !in_force.extra_groups.iter().any(|g| g == group) {
        return None;
    }
    Some(base)
}

/// The residence whose standard (or amount) applies to a group of base `base` for a resident
/// of `residence`; `None` when the base is the resident's own and the residence is unknown.
pub fn basis_of(base: Base, residence: Option<Residence>) -> Option<Residence> {
    match base {
        Base::Own => residence,
        Base::Urban => Some(Residence::Urban),
        Base::Rural => Some(Residence::Rural),
    }
}

/// One index month in one area, computed once: the trigger test and, in a triggered month,
/// the per-person amount on each residence basis.
#[derive(Debug, Clone)]
pub struct AreaMonth {
    /// the trigger test
    pub status: MonthStatus,
    /// per person, urban basis (triggered months only)
    pub urban: Option<PersonAmount>,
    /// per person, rural basis (triggered months only)
    pub rural: Option<PersonAmount>,
}

impl AreaMonth {
    /// The per-person amount on a residence basis (triggered months only).
    pub fn on(&self, basis: Residence) -> Option<&PersonAmount> {
        match basis {
            Residence::Urban => self.urban.as_ref(),
            Residence::Rural => self.rural.as_ref(),
        }
    }

    /// The per-person amount of `group` for a resident of `residence`: `Some(0)` in a month
    /// that is not triggered or does not cover the group; `None` when undetermined (the month,
    /// or an own-residence base with the residence unknown).
    pub fn group_amount(
        &self,
        ps: &PriceSubsidy,
        group: &str,
        residence: Option<Residence>,
    ) -> Option<Decimal> {
        match self.status.state {
            MonthState::NotTriggered => Some(Decimal::ZERO),
            MonthState::Triggered => match covers(ps, &self.status.trigger, group) {
                None => Some(Decimal::ZERO),
                Some(base) => {
                    let basis = basis_of(base, residence)?;
                    self.on(basis).map(|p| p.amount)
                }
            },
            _ => None,
        }
    }
}

/// The trigger test of `index_month` in `area` and, when triggered, the per-person amounts.
pub fn area_month(
    policy: &Policy,
    index: &IndexSeries,
    area: AreaIndex,
    index_month: Month,
) -> Result<AreaMonth, SubsidyError> {
    let status = month_status(policy, index, area, index_month)?;
    area_month_of(policy, status)
}

/// [`area_month`] from a trigger test already made.
pub fn area_month_of(policy: &Policy, status: MonthStatus) -> Result<AreaMonth, SubsidyError> {
    let (urban, rural) = if status.state == MonthState::Triggered {
        (
            Some(person_amount(policy, &status, Residence::Urban)?),
            Some(person_amount(policy, &status, Residence::Rural)?),
        )
    } else {
        (None, None)
    };
    Ok(AreaMonth {
        status,
        urban,
        rural,
    })
}

/// Every area and index month of a range, computed once.
#[derive(Debug, Clone)]
pub struct SubsidyTable {
    /// (index month, area) → its computation, in month order
    pub months: BTreeMap<(Month, AreaIndex), AreaMonth>,
    /// first index month
    pub from: Month,
    /// last index month
    pub to: Month,
}

impl SubsidyTable {
    /// Computes every area of the policy for every index month from `from` to `to`.
    pub fn build(
        policy: &Policy,
        index: &IndexSeries,
        from: Month,
        to: Month,
    ) -> Result<SubsidyTable, SubsidyError> {
        table(policy)?;
        check_index_areas(policy, index)?;
        let mut months = BTreeMap::new();
        for area in 0..policy.area_ids.len() {
            for m in from.through(to) {
                months.insert((m, area), area_month(policy, index, area, m)?);
            }
        }
        Ok(SubsidyTable { months, from, to })
    }

    /// The computation of an area and index month.
    pub fn get(&self, area: AreaIndex, index_month: Month) -> Option<&AreaMonth> {
        self.months.get(&(index_month, area))
    }

    /// The index months of the range, in order.
    pub fn index_months(&self) -> impl Iterator<Item = Month> {
        self.from.through(self.to)
    }

    /// The parameters in force in every index month of the table that is triggered in some
    /// area: a household's groups there depend on its means test, which needs them (an
    /// enrolled 低保 household the rules find ineligible loses the 低保 group). A month that is
    /// triggered nowhere needs none, so a month before the first 低保 standard is fine as long
    /// as it did not fire.
    pub fn triggered_params(
        &self,
        policy: &Policy,
    ) -> Result<BTreeMap<Month, MonthParams>, PolicyError> {
        let mut params = BTreeMap::new();
        for ((m, _), am) in &self.months {
            if am.status.state == MonthState::Triggered && !params.contains_key(m) {
                params.insert(*m, policy.month_params(*m)?);
            }
        }
        Ok(params)
    }

    /// One household's subsidy for `index_month`, for commands going through a roster: the
    /// outcomes that do not depend on the household ([`without_rules`]) need no evaluation;
    /// in a triggered month the household's rules are evaluated with the index month's
    /// parameters from `params` ([`SubsidyTable::triggered_params`]) and
    /// [`SubsidyTable::household`] decides.
    pub fn household_in(
        &self,
        policy: &Policy,
        params: &BTreeMap<Month, MonthParams>,
        h: &Household,
        index_month: Month,
    ) -> HouseholdSubsidy {
        // `triggered_params` holds every triggered month; without them nothing is known.
        self.household_with(policy, h, index_month, || {
            params
                .get(&index_month)
                .map(|p| super::evaluate(policy, p, h, false))
        })
    }

    /// [`SubsidyTable::household_in`] for a command that holds the household's evaluations
    /// itself: `evaluation` gives the household's evaluation under the index month's rules and
    /// is called only in a triggered month, where the outcome depends on it. `None` there (the
    /// month's rules are not known) leaves the household [`HouseholdState::Undetermined`].
    pub fn household_with<E: Borrow<Evaluation>>(
        &self,
        policy: &Policy,
        h: &Household,
        index_month: Month,
        evaluation: impl FnOnce() -> Option<E>,
    ) -> HouseholdSubsidy {
        let lag = policy
            .file
            .price_subsidy
            .as_ref()
            .map_or(1, |ps| ps.index_lag);
        let Some(am) = h.area.and_then(|a| self.get(a, index_month)) else {
            return HouseholdSubsidy::empty(
                index_month,
                index_month.plus(lag),
                HouseholdState::Invalid,
            );
        };
        if let Some(s) = without_rules(am, h) {
            return s;
        }
        match evaluation() {
            Some(ev) => self.household(policy, h, ev.borrow(), index_month, false),
            None => HouseholdSubsidy::empty(
                index_month,
                index_month.plus(lag),
                HouseholdState::Undetermined,
            ),
        }
    }

    /// The index month whose subsidy is paid in `pay_month`.
    pub fn index_month_for(policy: &Policy, pay_month: Month) -> Option<Month> {
        policy
            .file
            .price_subsidy
            .as_ref()
            .map(|ps| pay_month.plus(-ps.index_lag))
    }

    /// One household's subsidy for `index_month`; a household whose region is in no area,
    /// or a month outside the table, is [`HouseholdState::Invalid`] /
    /// [`HouseholdState::MissingIndex`].
    pub fn household(
        &self,
        policy: &Policy,
        h: &Household,
        ev: &Evaluation,
        index_month: Month,
        trace: bool,
    ) -> HouseholdSubsidy {
        let lag = policy
            .file
            .price_subsidy
            .as_ref()
            .map_or(1, |ps| ps.index_lag);
        match h.area.and_then(|a| self.get(a, index_month)) {
            Some(am) => household_subsidy(policy, am, h, ev, trace),
            None => {
                let state = if h.area.is_none() || ev.decision == Decision::Invalid {
                    HouseholdState::Invalid
                } else {
                    HouseholdState::MissingIndex
                };
                HouseholdSubsidy::empty(index_month, index_month.plus(lag), state)
            }
        }
    }
}

/// What a household gets for an index month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HouseholdState {
    /// triggered and at least one of its groups covered: `amount` is paid
    Paid,
    /// the month is not triggered: nothing is paid
    NotTriggered,
    /// triggered, but none of its groups is covered
    NotCovered,
    /// the index month has no row, or a value it needs is empty: undetermined
    MissingIndex,
    /// a roster value the subsidy needs is empty (the columns are in `missing`)
    Undetermined,
    /// the roster row has unreadable cells
    Invalid,
}

impl HouseholdState {
    /// Every state, in summary order.
    pub const ALL: [HouseholdState; 6] = [
        HouseholdState::Paid,
        HouseholdState::NotTriggered,
        HouseholdState::NotCovered,
        HouseholdState::MissingIndex,
        HouseholdState::Undetermined,
        HouseholdState::Invalid,
    ];

    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            HouseholdState::Paid => "paid",
            HouseholdState::NotTriggered => "not_triggered",
            HouseholdState::NotCovered => "not_covered",
            HouseholdState::MissingIndex => "missing_index",
            HouseholdState::Undetermined => "undetermined",
            HouseholdState::Invalid => "invalid",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            HouseholdState::Paid => "发放",
            HouseholdState::NotTriggered => "未启动",
            HouseholdState::NotCovered => "不在保障范围",
            HouseholdState::MissingIndex => "缺指数，待定",
            HouseholdState::Undetermined => "缺数据，待定",
            HouseholdState::Invalid => "无效行",
        }
    }

    /// Whether the amount is decided (exit code 0).
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            HouseholdState::Paid | HouseholdState::NotTriggered | HouseholdState::NotCovered
        )
    }
}

/// One household's price subsidy for one index month.
#[derive(Debug, Clone)]
pub struct HouseholdSubsidy {
    /// the index month
    pub index_month: Month,
    /// the month it is paid
    pub pay_month: Month,
    /// the outcome
    pub state: HouseholdState,
    /// the household's groups (status and categories, after the means test)
    pub groups: Vec<&'static str>,
    /// the groups the month covers, with their per-person amounts
    pub covered: Vec<(&'static str, Decimal)>,
    /// the group whose amount is paid (the highest; the first of equals); with a members file
    /// the group of the best-paid person
    pub group: Option<&'static str>,
    /// persons paid (`members`; with a members file, the persons in a covered group)
    pub persons: Option<u32>,
    /// per person paid; with a members file whose persons are paid different amounts, the
    /// highest of them (`shares` has each)
    pub per_person: Decimal,
    /// who is paid what: one share (every member at the household's highest group) without a
    /// members file; with one, a share per group and amount paid, highest first
    pub shares: Vec<Share>,
    /// the household's amount: the sum of the shares (per person × persons)
    pub amount: Decimal,
    /// roster columns the subsidy needed and found empty
    pub missing: Vec<Column>,
    /// the computation (month, formula, groups, dedupe, household), when traced
    pub steps: Vec<Step>,
}

impl HouseholdSubsidy {
    /// An outcome with nothing paid (invalid, undetermined, not triggered).
    pub fn empty(index_month: Month, pay_month: Month, state: HouseholdState) -> HouseholdSubsidy {
        HouseholdSubsidy {
            index_month,
            pay_month,
            state,
            groups: Vec::new(),
            covered: Vec::new(),
            group: None,
            persons: None,
            per_person: Decimal::ZERO,
            shares: Vec::new(),
            amount: Decimal::ZERO,
            missing: Vec::new(),
            steps: Vec::new(),
        }
    }
}

/// One household's subsidy for the index month of `am`, which must be the household's area
/// ([`SubsidyTable::household`] finds it). `ev` is [`rules::evaluate`](super::evaluate) for the
/// *index* month, so an enrolled household the rules find ineligible (to review) loses the 低保
/// group and one in its gradual exit keeps it.
///
/// The household's groups are its status plus its categories ([`household_groups`]), each of
/// its `members` in every group; a person in several covered groups is paid once, at the
/// highest amount (`dedupe = "highest"`); the household is paid that × persons. With a members
/// file each person is in the status group plus their own categories
/// ([`person_groups`]) and is paid at their own highest; the household is paid the sum.
pub fn household_subsidy(
    policy: &Policy,
    am: &AreaMonth,
    h: &Household,
    ev: &Evaluation,
    trace: bool,
) -> HouseholdSubsidy {
    let status = &am.status;
    let mut tr = Trace::new(trace);
    if trace {
        tr.steps.extend(status.steps.iter().cloned());
    }
    let finish = |mut out: HouseholdSubsidy, tr: Trace| {
        out.steps = tr.steps;
        out
    };
    let mut out = HouseholdSubsidy::empty(
        status.index_month,
        status.pay_month,
        HouseholdState::Invalid,
    );
    if ev.decision == Decision::Invalid {
        return finish(out, tr);
    }
    if let Some(decided) = without_rules(am, h) {
        return finish(decided, tr);
    }
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        return finish(out, tr);
    };
    if trace {
        for basis in [Residence::Urban, Residence::Rural] {
            let wanted = h.residence == Some(basis)
                || ps
                    .groups
                    .values()
                    .any(|b| basis_of(*b, None) == Some(basis));
            if let Some(p) = am.on(basis).filter(|_| wanted) {
                tr.steps.extend(p.steps.iter().cloned());
            }
        }
    }
    out.groups = household_groups(h, ev);
    // Whether an enrolled 低保 household is still in the 低保 group depends on its means test:
    // with the test undetermined, so is the subsidy (missing is not zero).
    if h.status == Status::Dibao
        && ev.decision == Decision::Undetermined
        && covers(ps, &status.trigger, "dibao").is_some()
    {
        out.state = HouseholdState::Undetermined;
        out.missing = ev.missing.clone();
        tr.step("price_subsidy.groups", &[], || {
            (
                "在保低保户的收入核算缺少数据，无法确定其是否仍属低保对象：价格临时补贴待定".into(),
                "the means test of this enrolled 低保 household is undetermined, so is its 低保 group: subsidy undetermined".into(),
            )
        });
        return finish(out, tr);
    }
    let mut best: Option<(&'static str, Decimal)> = None;
    for &g in &out.groups {
        let Some(base) = covers(ps, &status.trigger, g) else {
            continue;
        };
        let Some(basis) = basis_of(base, h.residence) else {
            out.missing.push(Column::Residence);
            continue;
        };
        let amount = am.on(basis).map(|p| p.amount).unwrap_or_default();
        out.covered.push((g, amount));
        if best.is_none_or(|(_, b)| amount > b) {
            best = Some((g, amount));
        }
    }
    let groups_text = out
        .groups
        .iter()
        .map(|g| format!("{}({g})", group_zh(g)))
        .collect::<Vec<_>>()
        .join("、");
    let covered_zh = out
        .covered
        .iter()
        .map(|(g, a)| format!("{} 每人 {} 元", group_zh(g), fmt_money(*a)))
        .collect::<Vec<_>>()
        .join("，");
    let covered_en = out
        .covered
        .iter()
        .map(|(g, a)| format!("{g} {} per person", fmt_money(*a)))
        .collect::<Vec<_>>()
        .join(", ");
    tr.step("price_subsidy.groups", &[], || {
        (
            format!(
                "该户类别：{}；本月补贴范围内：{}",
                if groups_text.is_empty() {
                    "无".into()
                } else {
                    groups_text.clone()
                },
                if covered_zh.is_empty() {
                    "无".into()
                } else {
                    covered_zh.clone()
                }
            ),
            format!(
                "groups: {}; covered this month: {}",
                if out.groups.is_empty() {
                    "none".into()
                } else {
                    out.groups.join(", ")
                },
                if covered_en.is_empty() {
                    "none".into()
                } else {
                    covered_en.clone()
                }
            ),
        )
    });
    if !out.missing.is_empty() {
        out.state = HouseholdState::Undetermined;
        return finish(out, tr);
    }
    let Some((group, per_person)) = best else {
        out.state = HouseholdState::NotCovered;
        return finish(out, tr);
    };
    let amount_of = |g: &str| out.covered.iter().find(|(c, _)| *c == g).map(|(_, a)| *a);
    if let Some(each) = person_groups(h, ev) {
        out.shares = highest_shares(each.iter().map(|g| (g.as_slice(), 1)), amount_of);
        return finish(per_person_outcome(out, status.pay_month, &mut tr), tr);
    }
    let Some(persons) = h.members else {
        out.state = HouseholdState::Undetermined;
        out.missing.push(Column::Members);
        return finish(out, tr);
    };
    out.state = HouseholdState::Paid;
    out.group = Some(group);
    out.per_person = per_person;
    out.persons = Some(persons);
    out.amount = per_person * Decimal::from(persons);
    if persons > 0 && per_person > Decimal::ZERO {
        out.shares = vec![Share {
            group,
            per_person,
            persons,
        }];
    }
    if out.covered.len() > 1 {
        tr.step("price_subsidy.dedupe", &[], || {
            (
                format!("同时属于多个类别的，按最高标准发放一份：{} 每人 {} 元", group_zh(group), fmt_money(per_person)),
                format!("a person in several groups is paid once, at the highest: {group} {} per person", fmt_money(per_person)),
            )
        });
    }
    let (pay, amount) = (status.pay_month, out.amount);
    tr.step("price_subsidy.household", &[], || {
        (
            format!(
                "每人 {} 元 × {persons} 人 = {} 元，于 {pay} 发放",
                fmt_money(per_person),
                fmt_money(amount)
            ),
            format!(
                "{} per person × {persons} = {}, paid in {pay}",
                fmt_money(per_person),
                fmt_money(amount)
            ),
        )
    });
    finish(out, tr)
}

/// The outcome of a household whose persons (a members file) were paid `out.shares`: the sum
/// of the shares, each person once at their own highest group; nobody in a covered group is
/// not covered.
fn per_person_outcome(mut out: HouseholdSubsidy, pay: Month, tr: &mut Trace) -> HouseholdSubsidy {
    let Some(first) = out.shares.first() else {
        out.state = HouseholdState::NotCovered;
        tr.step("price_subsidy.persons", &[], || {
            (
                "成员名单中没有人属于本月补贴范围内的类别".into(),
                "no person of the members file is in a group covered this month".into(),
            )
        });
        return out;
    };
    out.state = HouseholdState::Paid;
    out.group = Some(first.group);
    out.per_person = first.per_person;
    out.persons = Some(out.shares.iter().map(|s| s.persons).sum());
    out.amount = out.shares.iter().map(Share::amount).sum();
    let zh = out
        .shares
        .iter()
        .map(|s| {
            format!(
                "{} 每人 {} 元 × {} 人",
                group_zh(s.group),
                fmt_money(s.per_person),
                s.persons
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let en = out
        .shares
        .iter()
        .map(|s| {
            format!(
                "{} {} per person × {}",
                s.group,
                fmt_money(s.per_person),
                s.persons
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let amount = out.amount;
    tr.step("price_subsidy.persons", &[], || {
        (
            format!(
                "按成员名单逐人计算，每人按其所属类别的最高标准发放一份：{zh} = {} 元，于 {pay} 发放",
                fmt_money(amount)
            ),
            format!(
                "per person from the members file, each once at the highest of their groups: {en} = {}, paid in {pay}",
                fmt_money(amount)
            ),
        )
    });
    out
}

/// A household's outcome when it does not depend on the household's rules: an unreadable row
/// (or one outside the area of `am`) is invalid, an undetermined month leaves it undetermined, a
/// month not triggered pays nothing. `None`: the month is triggered and the household's groups
/// decide ([`household_subsidy`]), so commands evaluate the household only for such months.
pub fn without_rules(am: &AreaMonth, h: &Household) -> Option<HouseholdSubsidy> {
    let status = &am.status;
    let state = if !h.is_valid() || h.area != Some(status.area) {
        HouseholdState::Invalid
    } else {
        match status.state {
            MonthState::Missing | MonthState::Incomplete(_) => HouseholdState::MissingIndex,
            MonthState::NotTriggered => HouseholdState::NotTriggered,
            MonthState::Triggered => return None,
        }
    };
    Some(HouseholdSubsidy::empty(
        status.index_month,
        status.pay_month,
        state,
    ))
}

/// One household's subsidy for `index_month`, computed from scratch (the trigger test, the
/// formula, the household): for a single household; a command going through a roster builds a
/// [`SubsidyTable`] once instead.
pub fn household_subsidy_at(
    policy: &Policy,
    index: &IndexSeries,
    h: &Household,
    ev: &Evaluation,
    index_month: Month,
    trace: bool,
) -> Result<HouseholdSubsidy, SubsidyError> {
    let lag = table(policy)?.index_lag;
    let Some(area) = h.area else {
        return Ok(HouseholdSubsidy::empty(
            index_month,
            index_month.plus(lag),
            HouseholdState::Invalid,
        ));
    };
    let am = area_month(policy, index, area, index_month)?;
    Ok(household_subsidy(policy, &am, h, ev, trace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexSeries;
    use rust_decimal::dec;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    /// A policy with one standard (urban `u`, rural `r`), the given `[price_subsidy]` body.
    fn policy(u: &str, r: &str, body: &str) -> Policy {
        let text = format!(
            "[policy]\nname = \"t\"\n[[dibao.standard]]\nfrom = \"2016-01\"\nurban = {u}\nrural = {r}\n{body}"
        );
        Policy::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn series(rows: &str) -> IndexSeries {
        IndexSeries::parse(&format!("month,cpi,food,scpi\n{rows}"), "i.csv").unwrap()
    }

    fn per_person(p: &Policy, idx: &IndexSeries, month: &str, basis: Residence) -> Decimal {
        let am = area_month(p, idx, 0, m(month)).unwrap();
        am.on(basis).map(|a| a.amount).unwrap_or_default()
    }

    const JIANGSU: &str = r#"
[price_subsidy]
index_lag = 1
[[price_subsidy.trigger]]
from = "2016-01"
cpi = 3.0
[[price_subsidy.formula]]
from = "2016-01"
mode = "band_share"
index = "cpi"
bands = [{ at = 3.0, share = "1/12" }, { at = 5.0, share = "1/8" }]
[price_subsidy.groups]
dibao = "own"
"#;

    #[test]
    fn jiangsu_band_shares_are_exact() {
        // Jiangsu's band_share: standard 900 at CPI 3.3% → 75; at 5.3% → 112.5 (no rounding).
        let p = policy("900", "900", JIANGSU);
        let idx = series("2022-01,3.3,1,\n2022-02,5.3,1,\n2022-03,5.0,1,\n2022-04,2.9,9,\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(75));
        assert_eq!(
            per_person(&p, &idx, "2022-02", Residence::Urban),
            dec!(112.5)
        );
        // exactly at a band's start falls in that band
        assert_eq!(
            per_person(&p, &idx, "2022-03", Residence::Urban),
            dec!(112.5)
        );
        let am = area_month(&p, &idx, 0, m("2022-04")).unwrap();
        assert_eq!(am.status.state, MonthState::NotTriggered);
        // Nanjing 2016-10: standard 750, CPI 3.2% → 750/12 = 62.5, unrounded.
        let p = policy("750", "750", JIANGSU);
        let idx = series("2016-10,3.2,,\n");
        let am = area_month(&p, &idx, 0, m("2016-10")).unwrap();
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(62.5));
        assert_eq!(am.status.pay_month, m("2016-11"));
        assert_eq!(am.status.fired.name(), "cpi");
    }

    const RIZHAO: &str = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "proportional"
index = "scpi"
round = "yuan"
[price_subsidy.groups]
dibao = "own"
tekun = "own"
"#;

    #[test]
    fn rizhao_scpi_proportional_rounds_half_up_to_the_yuan() {
        // 2019-07: food 8.3% fired; urban 590 × SCPI 4.2% = 24.78 → 25, rural 470 → 19.74 → 20.
        let p = policy("590", "470", RIZHAO);
        let idx = series("2019-07,2.8,8.3,4.2\n2019-08,2.8,10.0,4.0\n2019-09,3.0,11.0,\n");
        let am = area_month(&p, &idx, 0, m("2019-07")).unwrap();
        assert_eq!(am.status.fired.name(), "food");
        assert_eq!(am.status.formula_index, Some((IndexKind::Scpi, dec!(4.2))));
        assert_eq!(am.urban.as_ref().unwrap().raw, dec!(24.78));
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(25));
        assert_eq!(am.rural.as_ref().unwrap().amount, dec!(20));
        // 2019-08: 590 × 4% = 23.6 → 24; 470 × 4% = 18.8 → 19.
        assert_eq!(per_person(&p, &idx, "2019-08", Residence::Urban), dec!(24));
        assert_eq!(per_person(&p, &idx, "2019-08", Residence::Rural), dec!(19));
        // triggered, but the SCPI the formula reads is empty: undetermined, not zero
        let am = area_month(&p, &idx, 0, m("2019-09")).unwrap();
        assert_eq!(am.status.state, MonthState::Incomplete(vec!["scpi"]));
        assert!(am.urban.is_none());
    }

    #[test]
    fn half_up_never_to_even() {
        // 500 × 4.5% = 22.5 → 23 (to even would give 22); 500 × 4.7% = 23.5 → 24.
        let p = policy("500", "500", &RIZHAO.replace("\"scpi\"", "\"cpi\""));
        let idx = series("2022-01,4.5,0,\n2022-02,4.7,0,\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(23));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Urban), dec!(24));
    }

    const GUANGZHOU: &str = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.formula]]
from = "2020-06"
until = "2020-06"
mode = "fixed"
amounts = { urban = 107, rural = 107 }
multiplier = 2
[[price_subsidy.formula]]
from = "2020-07"
mode = "fixed"
amounts = { urban = 107, rural = 107 }
[price_subsidy.groups]
dibao = "own"
"#;

    #[test]
    fn guangzhou_2020_doubling_applies_the_multiplier_after_the_floor() {
        let p = policy("1000", "1000", GUANGZHOU);
        let idx = series("2020-06,2.5,11.1,\n2020-07,2.7,13.2,\n");
        assert_eq!(per_person(&p, &idx, "2020-06", Residence::Urban), dec!(214));
        assert_eq!(per_person(&p, &idx, "2020-07", Residence::Urban), dec!(107));
    }

    const WINDOW: &str = r#"
[price_subsidy]
index_lag = 1
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.trigger]]
from = "2022-08"
until = "2023-02"
cpi = 3.0
food = 6.0
extra_groups = ["unemployment_subsidy", "edge"]
[[price_subsidy.formula]]
from = "2016-08"
mode = "proportional"
round = "yuan"
floor = 10
[price_subsidy.groups]
dibao = "own"
youfu = "urban"
edge = "own"
unemployment_subsidy = "urban"
"#;

    #[test]
    fn thresholds_are_reached_at_equality_and_windows_are_dated() {
        let p = policy("914", "439", WINDOW);
        let idx = series(
            "2022-07,3.0,5.9,\n2022-08,3.0,5.9,\n2022-09,2.8,8.8,\n2023-02,3.0,2.6,\n2023-03,3.4,6.0,\n2023-04,3.5,1.0,\n",
        );
        let st = |mo: &str| month_status(&p, &idx, 0, m(mo)).unwrap();
        // 2022-07: CPI 3.0 is below the national 3.5 in force before the window
        assert_eq!(st("2022-07").state, MonthState::NotTriggered);
        // 2022-08: the window's 3.0 is reached by 3.0 exactly
        let s = st("2022-08");
        assert_eq!(
            (s.state.clone(), s.fired.name()),
            (MonthState::Triggered, "cpi")
        );
        assert_eq!(s.cpi_threshold.as_ref().unwrap().value, dec!(3.0));
        assert_eq!(st("2023-02").fired.name(), "cpi");
        // after the window the national thresholds apply again; food 6.0 reaches 6.0
        let s = st("2023-03");
        assert_eq!(s.fired.name(), "food");
        assert_eq!(s.cpi_threshold.as_ref().unwrap().value, dec!(3.5));
        assert_eq!(st("2023-04").fired.name(), "cpi");
        // no carry-over: a month without a row is missing, not "not triggered"
        assert_eq!(st("2022-10").state, MonthState::Missing);
        // triggering index: the higher of those that fired. 2022-09 food 8.8 only.
        let am = area_month(&p, &idx, 0, m("2022-09")).unwrap();
        assert_eq!(am.status.formula_index, Some((IndexKind::Food, dec!(8.8))));
        // 914 × 8.8% = 80.432 → 80; rural 439 × 8.8% = 38.632 → 39
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(80));
        assert_eq!(am.rural.as_ref().unwrap().amount, dec!(39));
        // extra groups only inside the window
        let ps = p.file.price_subsidy.as_ref().unwrap();
        assert!(covers(ps, &st("2022-08").trigger, "edge").is_some());
        assert!(covers(ps, &st("2023-03").trigger, "edge").is_none());
        assert!(covers(ps, &st("2023-03").trigger, "youfu").is_some());
        assert!(covers(ps, &st("2023-03").trigger, "orphan").is_none());
    }

    #[test]
    fn both_indexes_fired_use_the_higher() {
        let p = policy("1000", "600", WINDOW);
        let idx = series("2022-09,6.5,6.2,\n");
        let am = area_month(&p, &idx, 0, m("2022-09")).unwrap();
        assert_eq!(am.status.fired.name(), "both");
        assert_eq!(am.status.formula_index, Some((IndexKind::Cpi, dec!(6.5))));
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(65));
    }

    #[test]
    fn the_floor_lifts_small_amounts_and_a_formula_below_zero_gives_zero_first() {
        // 100 × 6.1% = 6.1 → 6 → floor 10
        let p = policy("100", "100", WINDOW);
        let idx = series("2022-09,2.0,6.1,\n");
        assert_eq!(per_person(&p, &idx, "2022-09", Residence::Urban), dec!(10));
        // fixed_band below its lowest band: 0, then the floor
        let body = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "fixed_band"
index = "cpi"
floor = 15
bands = [{ at = 2.0, urban = 30, rural = 27 }, { at = 4.0, urban = 40, rural = 36 }]
[price_subsidy.groups]
dibao = "own"
"#;
        let p = policy("900", "600", body);
        let idx = series("2022-01,1.9,7,\n2022-02,2.0,7,\n2022-03,4.1,7,\n2022-04,-0.5,7,\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(15));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Urban), dec!(30));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Rural), dec!(27));
        assert_eq!(per_person(&p, &idx, "2022-03", Residence::Rural), dec!(36));
        assert_eq!(per_person(&p, &idx, "2022-04", Residence::Rural), dec!(15));
    }

    #[test]
    fn per_point_counts_each_started_point() {
        let body = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
scpi = 3.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "per_point"
index = "scpi"
per_point = 5
[price_subsidy.groups]
dibao = "own"
"#;
        let p = policy("900", "600", body);
        let idx = series("2022-01,1,1,3.0\n2022-02,1,1,3.01\n2022-03,1,1,4.9\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(15));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Urban), dec!(20));
        assert_eq!(per_person(&p, &idx, "2022-03", Residence::Rural), dec!(25));
    }

    #[test]
    fn fixed_amounts_by_area_and_residence() {
        let text = r#"
[policy]
name = "t"
[areas.city]
name = "五区"
regions = ["620102"]
[areas.county]
name = "三县"
regions = ["620121"]
[[dibao.standard]]
from = "2022-01"
urban = 914
rural = 439
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "fixed"
amounts = { city = 35, county = 30, rural = 20 }
[price_subsidy.groups]
dibao = "own"
youfu = "urban"
"#;
        let p = Policy::parse(text, "t.toml").unwrap();
        let idx = series("2022-09,2.8,8.8,\n");
        let city = p.area_ids.iter().position(|a| a == "city").unwrap();
        let county = p.area_ids.iter().position(|a| a == "county").unwrap();
        let am = area_month(&p, &idx, city, m("2022-09")).unwrap();
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(35));
        assert_eq!(am.rural.as_ref().unwrap().amount, dec!(20));
        let ps = p.file.price_subsidy.as_ref().unwrap();
        // a rural 优抚 person is paid as an urban resident of the area
        assert_eq!(
            am.group_amount(ps, "youfu", Some(Residence::Rural)),
            Some(dec!(35))
        );
        assert_eq!(
            am.group_amount(ps, "dibao", Some(Residence::Rural)),
            Some(dec!(20))
        );
        assert_eq!(am.group_amount(ps, "dibao", None), None);
        let am = area_month(&p, &idx, county, m("2022-09")).unwrap();
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(30));
    }

    #[test]
    fn no_trigger_in_force_is_an_error_naming_the_key_and_month() {
        let p = policy("900", "600", WINDOW);
        let idx = series("2016-07,5,9,\n");
        let e = month_status(&p, &idx, 0, m("2016-07"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("price_subsidy.trigger") && e.contains("2016-07"),
            "{e}"
        );
    }

    #[test]
    fn policy_validation_refuses_incomplete_formulas() {
        let bad = |body: &str| {
            let text = format!(
                "[policy]\nname = \"t\"\n[[dibao.standard]]\nfrom = \"2016-01\"\nurban = 1\nrural = 1\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\ncpi = 3.5\n[price_subsidy.groups]\ndibao = \"own\"\n[[price_subsidy.formula]]\nfrom = \"2016-08\"\n{body}"
            );
            Policy::parse(&text, "t.toml").unwrap_err().to_string()
        };
        assert!(bad("mode = \"band_share\"").contains("needs `bands`"));
        assert!(bad("mode = \"per_point\"").contains("needs `per_point`"));
        assert!(bad("mode = \"fixed\"").contains("needs `amounts`"));
        assert!(bad("mode = \"proportional\"\nper_point = 5").contains("not used"));
        assert!(
            bad(
                "mode = \"band_share\"\nbands = [{ at = 5, share = 0.1 }, { at = 3, share = 0.2 }]"
            )
            .contains("ascend")
        );
        assert!(
            bad("mode = \"fixed_band\"\nbands = [{ at = 5, urban = 3 }]")
                .contains("fixed_band band")
        );
        assert!(bad("mode = \"fixed\"\namounts = { urban = 3 }").contains("no amount for rural"));
        assert!(
            bad("mode = \"fixed\"\namounts = { urban = 3, rural = 2, town = 1 }").contains("town")
        );
        assert!(bad("mode = \"proportional\"\nmultiplier = 0").contains("above zero"));
        assert!(bad("mode = \"proportional\"\nfloor = -1").contains("negative"));
        let text = "[policy]\nname = \"t\"\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\n[price_subsidy.groups]\ndibao = \"own\"\n";
        assert!(
            Policy::parse(text, "t")
                .unwrap_err()
                .to_string()
                .contains("at least one threshold")
        );
        let text = "[policy]\nname = \"t\"\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\ncpi = 3\nextra_groups = [\"edge\"]\n";
        assert!(
            Policy::parse(text, "t")
                .unwrap_err()
                .to_string()
                .contains("not listed")
        );
    }

    fn household(status: Status, categories: &str, members: u32, income: i64) -> Household {
        Household {
            row: 2,
            id: "H1".into(),
            region: "x".into(),
            area: Some(0),
            residence: Some(Residence::Rural),
            members: Some(members),
            monthly_income: Some(Decimal::from(income)),
            status,
            categories: crate::household::Categories::parse(categories).unwrap(),
            ..Household::default()
        }
    }

    fn subsidy(p: &Policy, idx: &IndexSeries, h: &Household, month: &str) -> HouseholdSubsidy {
        let params = p.month_params(m(month)).unwrap();
        let ev = super::super::evaluate(p, &params, h, false);
        household_subsidy_at(p, idx, h, &ev, m(month), true).unwrap()
    }

    #[test]
    fn a_household_is_paid_once_per_person_at_its_highest_group() {
        let p = policy("914", "439", WINDOW);
        let idx = series("2022-09,2.8,8.8,\n2022-11,1.6,3.7,\n2022-07,2.7,6.3,\n");
        // rural 低保 (439 × 8.8% = 38.632 → 39) and 优抚 (urban base: 914 × 8.8% → 80)
        let h = household(Status::Dibao, "youfu", 3, 300);
        let s = subsidy(&p, &idx, &h, "2022-09");
        assert_eq!(s.state, HouseholdState::Paid);
        assert_eq!(s.covered, vec![("dibao", dec!(39)), ("youfu", dec!(80))]);
        assert_eq!(
            (s.group, s.per_person, s.amount),
            (Some("youfu"), dec!(80), dec!(240))
        );
        assert_eq!(s.pay_month, m("2022-10"));
        assert!(s.steps.iter().any(|st| st.rule == "price_subsidy.dedupe"));
        assert!(s.steps.iter().any(|st| st.rule == "price_subsidy.trigger"));
        // not triggered: nothing, and that is decided
        let s = subsidy(&p, &idx, &h, "2022-11");
        assert_eq!((s.state, s.amount), (HouseholdState::NotTriggered, dec!(0)));
        // a month without a row: undetermined
        let s = subsidy(&p, &idx, &h, "2022-10");
        assert_eq!(s.state, HouseholdState::MissingIndex);
        assert!(!s.state.is_decided());
    }

    #[test]
    fn groups_follow_the_rules_of_the_index_month() {
        let p = policy("914", "439", WINDOW);
        let idx = series("2022-09,2.8,8.8,\n2022-07,2.7,6.3,\n");
        // enrolled 低保 but income now above the standard, no exit: to review, loses 低保
        let h = household(Status::Dibao, "", 2, 2000);
        let s = subsidy(&p, &idx, &h, "2022-09");
        assert_eq!(s.state, HouseholdState::NotCovered);
        assert!(s.groups.is_empty());
        // 低保边缘 is covered only inside the 2022-08..2023-02 window
        let h = household(Status::Edge, "", 2, 500);
        assert_eq!(subsidy(&p, &idx, &h, "2022-09").amount, dec!(78));
        assert_eq!(
            subsidy(&p, &idx, &h, "2022-07").state,
            HouseholdState::NotCovered
        );
        // a category the policy does not list is never covered
        let h = household(Status::None, "orphan", 1, 5000);
        assert_eq!(
            subsidy(&p, &idx, &h, "2022-09").state,
            HouseholdState::NotCovered
        );
        // enrolled 低保 with the means test undetermined: the subsidy is undetermined too
        let mut h = household(Status::Dibao, "", 2, 0);
        h.monthly_income = None;
        let s = subsidy(&p, &idx, &h, "2022-09");
        assert_eq!(s.state, HouseholdState::Undetermined);
        assert_eq!(s.missing, vec![Column::MonthlyIncome]);
        // ... but an urban-based category needs no income
        let mut h = household(Status::None, "youfu", 2, 0);
        h.monthly_income = None;
        assert_eq!(subsidy(&p, &idx, &h, "2022-09").amount, dec!(160));
        // an unreadable row is invalid
        let mut h = household(Status::Dibao, "", 2, 0);
        h.errors.push(crate::household::RowError {
            row: 2,
            column: "members".into(),
            value: "x".into(),
            code: "not_integer",
            zh: String::new(),
            en: String::new(),
        });
        assert_eq!(
            subsidy(&p, &idx, &h, "2022-09").state,
            HouseholdState::Invalid
        );
    }

    #[test]
    fn the_table_reconciles_with_single_household_computation() {
        let p = policy("914", "439", WINDOW);
        let idx = series("2022-07,2.7,6.3,\n2022-08,2.5,6.1,\n2022-09,2.8,8.8,\n");
        let t = SubsidyTable::build(&p, &idx, m("2022-07"), m("2022-09")).unwrap();
        let h = household(Status::Dibao, "", 4, 100);
        for mo in ["2022-07", "2022-08", "2022-09"] {
            let params = p.month_params(m(mo)).unwrap();
            let ev = super::super::evaluate(&p, &params, &h, false);
            let a = t.household(&p, &h, &ev, m(mo), false);
            let b = household_subsidy_at(&p, &idx, &h, &ev, m(mo), false).unwrap();
            assert_eq!((a.state, a.amount), (b.state, b.amount));
        }
        assert_eq!(
            SubsidyTable::index_month_for(&p, m("2022-10")),
            Some(m("2022-09"))
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn tenth(n: i64) -> Decimal {
            Decimal::new(n, 1)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// Triggered exactly when an index reaches its threshold; then the amount is the
            /// higher fired index × standard, to the yuan, never below the floor; and a higher
            /// index never pays less.
            #[test]
            fn trigger_floor_and_monotonicity(
                cpi in -50i64..150, food in -50i64..150, bump in 0i64..50, standard in 100i64..3000,
            ) {
                let p = policy(&standard.to_string(), "300", WINDOW);
                let (c, f) = (tenth(cpi), tenth(food));
                let rows = format!(
                    "2022-01,{c},{f},\n2022-02,{},{},\n",
                    tenth(cpi + bump),
                    tenth(food + bump)
                );
                let idx = series(&rows);
                let am = area_month(&p, &idx, 0, m("2022-01")).unwrap();
                let fired = c >= dec!(3.5) || f >= dec!(6.0);
                prop_assert_eq!(am.status.state == MonthState::Triggered, fired);
                let amount = am.urban.as_ref().map(|a| a.amount).unwrap_or_default();
                if fired {
                    let x = [(c >= dec!(3.5), c), (f >= dec!(6.0), f)]
                        .into_iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, v)| v)
                        .max()
                        .unwrap();
                    let expected = Rounding::Yuan
                        .apply((Decimal::from(standard) * x / Decimal::ONE_HUNDRED).max(Decimal::ZERO))
                        .max(dec!(10));
                    prop_assert_eq!(amount, expected);
                    prop_assert!(amount >= dec!(10));
                    let later = area_month(&p, &idx, 0, m("2022-02")).unwrap();
                    let later_amount = later.urban.as_ref().map(|a| a.amount).unwrap_or_default();
                    prop_assert!(later_amount >= amount, "{} < {}", later_amount, amount);
                } else {
                    prop_assert!(am.urban.is_none());
                }
            }

            /// A household is paid its highest covered group's per-person amount × members.
            #[test]
            fn household_is_per_person_times_members(members in 1u32..12, youfu in any::<bool>(), food in 60i64..150) {
                let p = policy("914", "439", WINDOW);
                let idx = series(&format!("2022-09,2.0,{},\n", tenth(food)));
                let h = household(Status::Dibao, if youfu { "youfu" } else { "" }, members, 0);
                let s = subsidy(&p, &idx, &h, "2022-09");
                prop_assert_eq!(s.state, HouseholdState::Paid);
                let am = area_month(&p, &idx, 0, m("2022-09")).unwrap();
                let best = if youfu { am.urban.as_ref() } else { am.rural.as_ref() }.unwrap().amount;
                prop_assert_eq!(s.per_person, best);
                prop_assert_eq!(s.amount, best * Decimal::from(members));
            }
        }
    }
}
