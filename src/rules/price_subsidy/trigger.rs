//! The trigger test of an index month: the thresholds in force against the published index.

use super::*;
use crate::index::{IndexSeries, IndexValues};
use crate::money::fmt_plain;
use crate::month::Month;
use crate::policy::dated::in_force;
use crate::policy::model::{Formula, FormulaMode, IndexKind, Trigger};
use crate::policy::{AreaIndex, Param, Policy};
use crate::rules::{Step, Trace};
use rust_decimal::Decimal;

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

/// An index's name in Chinese, for the steps.
pub(super) fn index_zh(kind: IndexKind) -> &'static str {
    match kind {
        IndexKind::Cpi => "CPI",
        IndexKind::Food => "CPI 食品",
        IndexKind::Scpi => "SCPI",
        IndexKind::Triggering => "启动指数",
    }
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

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use rust_decimal::dec;

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
}
