//! The rules: pure functions, no I/O. Each returns amounts plus the reasons that produced them.
//! [`evaluate`] composes them into the monthly decision for one household; every command
//! (check, explain, payouts, audit, compare) goes through it, so no rule is written twice.

pub mod approval;
pub mod dibao;
pub mod edge;
pub mod gradual_exit;
pub mod groups;
pub mod income;
pub mod one_off;
pub mod price_subsidy;
pub mod tekun;
pub mod temporary;

#[cfg(test)]
pub(crate) mod fixtures;

use crate::household::columns::Column;
use crate::household::{Household, Residence, Status};
use crate::lang::Lang;
use crate::money::{Yuan, fmt_money};
use crate::policy::{AreaParams, MonthParams, Param, Policy};
use rust_decimal::Decimal;
use std::fmt;

/// The decision for a household and a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// 低保: counted per-capita income below the standard
    Dibao,
    /// 特困: enrolled extreme-poverty support
    Tekun,
    /// 低保边缘: marginal low income
    Edge,
    /// 渐退期: income above the standard through work, still paid for a while
    GradualExit,
    /// none of the above
    None,
    /// a value a rule needs is unknown
    Undetermined,
    /// a cell could not be read
    Invalid,
}

impl Decision {
    /// Every decision, in summary order.
    pub const ALL: [Decision; 7] = [
        Decision::Dibao,
        Decision::Tekun,
        Decision::Edge,
        Decision::GradualExit,
        Decision::None,
        Decision::Undetermined,
        Decision::Invalid,
    ];

    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Dibao => "dibao",
            Decision::Tekun => "tekun",
            Decision::Edge => "edge",
            Decision::GradualExit => "gradual_exit",
            Decision::None => "none",
            Decision::Undetermined => "undetermined",
            Decision::Invalid => "invalid",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Decision::Dibao => "低保",
            Decision::Tekun => "特困",
            Decision::Edge => "低保边缘",
            Decision::GradualExit => "渐退期",
            Decision::None => "不符合",
            Decision::Undetermined => "待定（缺数据）",
            Decision::Invalid => "无效行",
        }
    }

    /// Whether the row counts as decided (exit code 0).
    pub fn is_decided(self) -> bool {
        !matches!(self, Decision::Undetermined | Decision::Invalid)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One step of a computation, as `explain` shows it: the rule, what was compared or computed,
/// and the parameters used with their provenance.
#[derive(Debug, Clone)]
pub struct Step {
    /// stable rule id, e.g. `dibao.gap`
    pub rule: &'static str,
    /// the step in Chinese
    pub zh: String,
    /// the step in English
    pub en: String,
    /// the parameters it used
    pub params: Vec<Param>,
}

/// Collects [`Step`]s when tracing; costs nothing otherwise.
#[derive(Debug, Default)]
pub struct Trace {
    enabled: bool,
    /// the steps so far
    pub steps: Vec<Step>,
}

impl Trace {
    /// A trace that records (`true`) or ignores (`false`) steps.
    pub fn new(enabled: bool) -> Trace {
        Trace {
            enabled,
            steps: Vec::new(),
        }
    }

    /// Records a step; `text` is only called when tracing.
    pub fn step(
        &mut self,
        rule: &'static str,
        params: &[&Param],
        text: impl FnOnce() -> (String, String),
    ) {
        if self.enabled {
            let (zh, en) = text();
            self.steps.push(Step {
                rule,
                zh,
                en,
                params: params.iter().map(|p| (*p).clone()).collect(),
            });
        }
    }
}

/// What the gradual-exit rule found for an enrolled household over the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitState {
    /// in month `n` (1-based) of the exit
    InExit(u32),
    /// the exit's months are over
    Ended,
    /// per-capita income reached the ceiling
    OverCeiling,
    /// the exit starts after the evaluated month
    NotStarted,
    /// no exit recorded (`exit_start` empty) or the policy has none
    NoExit,
}

/// The decision and amounts for one household and month.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// the decision
    pub decision: Decision,
    /// the monthly 低保 standard per person of the household's residence
    pub standard: Option<Decimal>,
    /// counted per-capita income (exact, never rounded before use)
    pub per_capita_income: Option<Decimal>,
    /// counted household income
    pub counted_income: Option<Decimal>,
    /// 低保 grant
    pub dibao_amount: Decimal,
    /// 分类施保 uplift
    pub uplift_amount: Decimal,
    /// 特困 basic living
    pub tekun_basic: Decimal,
    /// 特困 care
    pub tekun_care: Decimal,
    /// 渐退期 payment
    pub gradual_exit_amount: Decimal,
    /// the gradual-exit state of an enrolled household over the standard
    pub exit: Option<ExitState>,
    /// stable reason codes, in the order the rules produced them
    pub reasons: Vec<&'static str>,
    /// inputs a rule needed that are empty
    pub missing: Vec<Column>,
    /// the computation, when traced
    pub steps: Vec<Step>,
}

impl Evaluation {
    fn new(decision: Decision) -> Evaluation {
        Evaluation {
            decision,
            standard: None,
            per_capita_income: None,
            counted_income: None,
            dibao_amount: Decimal::ZERO,
            uplift_amount: Decimal::ZERO,
            tekun_basic: Decimal::ZERO,
            tekun_care: Decimal::ZERO,
            gradual_exit_amount: Decimal::ZERO,
            exit: None,
            reasons: Vec::new(),
            missing: Vec::new(),
            steps: Vec::new(),
        }
    }

    /// The month's total: every regular amount of the decision. With the bounds on roster cells
    /// (amounts up to 10^12, counts up to 10000) and policy values (amounts up to 10^12, shares
    /// up to 10^6), each amount is below 2 × 10^28 and the sum stays inside a decimal's range.
    pub fn monthly_total(&self) -> Decimal {
        self.dibao_amount
            + self.uplift_amount
            + self.tekun_basic
            + self.tekun_care
            + self.gradual_exit_amount
    }

    /// Whether the rules find the household should be paid as 低保 (or in its exit) while it is
    /// not enrolled: to enrol.
    pub fn to_enrol(&self, h: &Household) -> bool {
        self.decision == Decision::Dibao && h.status != Status::Dibao
    }

    /// Whether an enrolled 低保 household is no longer eligible and not in an exit: to review.
    pub fn to_review(&self, h: &Household) -> bool {
        h.status == Status::Dibao && matches!(self.decision, Decision::Edge | Decision::None)
    }
}

/// Decides one household for the month of `params`. `trace` records every step for `explain`.
///
/// Order of computation: a row with unreadable cells is `invalid`; an
/// enrolled 特困 household is paid 特困 without a means test (and never also 低保); every other
/// household is means-tested: counted per-capita income below the standard is 低保 whatever its
/// enrolment; an enrolled 低保 household above the standard may be in its gradual exit;
/// otherwise income below the edge multiple is 低保边缘.
pub fn evaluate(policy: &Policy, params: &MonthParams, h: &Household, trace: bool) -> Evaluation {
    let mut tr = Trace::new(trace);
    let mut ev = decide(policy, params, h, &mut tr);
    if !h.warnings.is_empty() {
        ev.reasons.extend(h.warnings.iter().map(|w| w.code));
    }
    ev.steps = tr.steps;
    ev
}

fn decide(policy: &Policy, params: &MonthParams, h: &Household, tr: &mut Trace) -> Evaluation {
    if !h.is_valid() {
        let mut ev = Evaluation::new(Decision::Invalid);
        ev.reasons.extend(h.errors.iter().map(|e| e.code));
        return ev;
    }
    let Some(area) = h.area.and_then(|a| params.areas.get(a)) else {
        let mut ev = Evaluation::new(Decision::Invalid);
        ev.reasons.push("unknown_region");
        return ev;
    };
    let mut missing = Vec::new();
    if h.members.is_none() {
        missing.push(Column::Members);
    }
    if h.residence.is_none() {
        missing.push(Column::Residence);
    }
    if h.status == Status::Tekun {
        if let Some(t) = &policy.file.tekun
            && t.care.is_some()
            && h.care_level.is_none()
        {
            missing.push(Column::CareLevel);
        }
        if !missing.is_empty() {
            return undetermined(missing);
        }
        return tekun_decision(policy, area, h, tr);
    }
    if h.monthly_income.is_none() {
        missing.push(Column::MonthlyIncome);
    }
    if !missing.is_empty() {
        return undetermined(missing);
    }
    means_tested(policy, area, h, tr)
}

fn undetermined(missing: Vec<Column>) -> Evaluation {
    let mut ev = Evaluation::new(Decision::Undetermined);
    ev.reasons.push("missing_input");
    ev.missing = missing;
    ev
}

fn tekun_decision(policy: &Policy, area: &AreaParams, h: &Household, tr: &mut Trace) -> Evaluation {
    let mut ev = Evaluation::new(Decision::Tekun);
    let residence = h.residence.unwrap_or(Residence::Urban);
    ev.standard = Some(area.standard(residence).value);
    ev.reasons.push("tekun_enrolled");
    match &policy.file.tekun {
        Some(t) => {
            let s = tekun::support(policy, t, area, h, tr);
            ev.tekun_basic = s.basic;
            ev.tekun_care = s.care;
        }
        None => {
            // nothing to pay it by: not decided at 0.00 but left for the policy to be completed
            ev.decision = Decision::Undetermined;
            ev.reasons.push("tekun_no_policy");
        }
    }
    ev
}

fn means_tested(policy: &Policy, area: &AreaParams, h: &Household, tr: &mut Trace) -> Evaluation {
    let residence = h.residence.unwrap_or(Residence::Urban);
    let standard = area.standard(residence);
    let members = h.members.unwrap_or(1);
    let counted = income::counted(policy, standard, h, tr);
    let mut ev = Evaluation::new(Decision::None);
    ev.standard = Some(standard.value);
    ev.counted_income = Some(counted.counted);
    ev.per_capita_income = Some(counted.per_capita);

    let assets_ok = dibao::asset_test(policy, h, tr);
    let below = counted.per_capita < standard.value;
    tr.step("dibao.eligibility", &[standard], || {
        let pc = fmt_money(counted.per_capita);
        let st = fmt_money(standard.value);
        if below {
            (
                format!("人均计算收入 {pc} 元低于{}低保标准 {st} 元：符合低保收入条件", residence.zh()),
                format!("counted per-capita income {pc} is below the {} standard {st}: income test passed", residence.name()),
            )
        } else {
            (
                format!("人均计算收入 {pc} 元不低于{}低保标准 {st} 元：不符合低保收入条件", residence.zh()),
                format!("counted per-capita income {pc} is not below the {} standard {st}: income test failed", residence.name()),
            )
        }
    });
    if below && assets_ok != Some(false) {
        if assets_ok.is_none()
            && policy
                .file
                .dibao
                .as_ref()
                .is_some_and(|d| d.asset_limit_per_person.is_some())
        {
            ev.reasons.push("assets_not_given");
        }
        match dibao::grant(policy, standard, members, &counted, h, tr) {
            Ok(g) => {
                ev.decision = Decision::Dibao;
                ev.reasons.push("income_below_standard");
                ev.reasons.extend(g.reasons);
                ev.dibao_amount = g.amount;
                ev.uplift_amount = dibao::uplift(policy, standard, h, tr);
                if ev.uplift_amount > Decimal::ZERO {
                    ev.reasons.push("uplift");
                }
                if h.status != Status::Dibao {
                    ev.reasons.push("not_enrolled");
                }
            }
            Err(missing) => return undetermined(missing),
        }
        return ev;
    }
    if !below {
        ev.reasons.push("income_not_below_standard");
    } else {
        ev.reasons.push("assets_over_limit");
    }
    if h.status == Status::Dibao && !below {
        let exit = gradual_exit::state(policy, standard, &counted, h, area.month, tr);
        match exit {
            Ok((state, amount)) => {
                ev.exit = Some(state);
                if let ExitState::InExit(_) = state {
                    ev.decision = Decision::GradualExit;
                    ev.gradual_exit_amount = amount;
                    ev.reasons.push("gradual_exit");
                    return ev;
                }
                ev.reasons.push(match state {
                    ExitState::Ended => "gradual_exit_ended",
                    ExitState::OverCeiling => "gradual_exit_over_ceiling",
                    ExitState::NotStarted => "gradual_exit_not_started",
                    _ => "enrolled_not_eligible",
                });
            }
            Err(missing) => return undetermined(missing),
        }
    }
    if edge::is_edge(policy, standard, &counted, tr) {
        if edge::asset_test(policy, h, tr) == Some(false) {
            ev.reasons.push("edge_assets_over_limit");
        } else {
            ev.decision = Decision::Edge;
            ev.reasons.push("edge_income");
        }
    }
    if ev.to_review(h) {
        ev.reasons.push("to_review");
    }
    ev
}

/// One readable sentence for the decision, in `lang`: what was decided and why, with the
/// figures compared.
pub fn message(policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) -> String {
    let mut s = String::with_capacity(160);
    write_message(&mut s, policy, h, ev, lang);
    s
}

/// [`message`] appended to a reused buffer (the per-row path of `check`).
pub fn write_message(s: &mut String, policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) {
    use std::fmt::Write;
    let std = ev.standard.map(Yuan);
    let std = Opt(std);
    let pc = Opt(ev.per_capita_income.map(Yuan));
    let members = h.members.unwrap_or(0);
    let total = Yuan(ev.monthly_total());
    // Writing into a String cannot fail.
    let _ = match (ev.decision, lang) {
        (Decision::Invalid, _) => {
            s.push_str(lang.pick(
                "本行数据有误，未作计算：",
                "this row has unreadable cells and was not computed: ",
            ));
            for (i, e) in h.errors.iter().enumerate() {
                if i > 0 {
                    s.push_str(lang.pick("；", "; "));
                }
                s.push_str(&e.describe(lang));
            }
            Ok(())
        }
        (Decision::Undetermined, Lang::Zh) if ev.reasons.contains(&"tekun_no_policy") => write!(
            s,
            "特困人员 {members} 人：政策文件没有特困供养标准（[tekun] 表），无法计算基本生活费和照料护理费：请在政策文件中补充 [tekun]"
        ),
        (Decision::Undetermined, Lang::En) if ev.reasons.contains(&"tekun_no_policy") => write!(
            s,
            "特困 support for {members} person(s): the policy has no [tekun] table, so basic living and care cannot be computed: add [tekun] to the policy"
        ),
        (Decision::Undetermined, Lang::Zh) => {
            s.push_str("缺少计算所需的数据，暂不能认定：请补充");
            for (i, c) in ev.missing.iter().enumerate() {
                if i > 0 {
                    s.push('、');
                }
                let _ = write!(s, "{}（{}）", c.zh(), c.name());
            }
            Ok(())
        }
        (Decision::Undetermined, Lang::En) => {
            s.push_str("cannot decide until these are filled in: ");
            for (i, c) in ev.missing.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(c.name());
            }
            Ok(())
        }
        (Decision::Tekun, Lang::Zh) => write!(
            s,
            "特困人员 {members} 人：基本生活费 {} 元，照料护理费 {} 元，合计 {total} 元/月",
            Yuan(ev.tekun_basic),
            Yuan(ev.tekun_care)
        ),
        (Decision::Tekun, Lang::En) => write!(
            s,
            "特困 support for {members} person(s): basic living {}, care {}, total {total} a month",
            Yuan(ev.tekun_basic),
            Yuan(ev.tekun_care)
        ),
        (Decision::Dibao, Lang::Zh) => {
            let _ = write!(
                s,
                "家庭人均计算收入 {pc} 元低于低保标准 {std} 元，{members} 人，低保金 {} 元",
                Yuan(ev.dibao_amount)
            );
            if !ev.uplift_amount.is_zero() {
                let _ = write!(s, "，分类施保 {} 元", Yuan(ev.uplift_amount));
            }
            write!(s, "，合计 {total} 元/月")
        }
        (Decision::Dibao, Lang::En) => {
            let _ = write!(
                s,
                "counted per-capita income {pc} is below the 低保 standard {std}; {members} person(s): grant {}",
                Yuan(ev.dibao_amount)
            );
            if !ev.uplift_amount.is_zero() {
                let _ = write!(s, ", uplift {}", Yuan(ev.uplift_amount));
            }
            write!(s, ", total {total} a month")
        }
        (Decision::GradualExit, _) => {
            let n = match ev.exit {
                Some(ExitState::InExit(n)) => n,
                _ => 0,
            };
            let months = policy
                .file
                .gradual_exit
                .as_ref()
                .map(|g| g.months)
                .unwrap_or(0);
            let paid = Yuan(ev.gradual_exit_amount);
            match lang {
                Lang::Zh => write!(
                    s,
                    "人均计算收入 {pc} 元已超过低保标准 {std} 元，处于渐退期第 {n}/{months} 个月，发放 {paid} 元"
                ),
                Lang::En => write!(
                    s,
                    "per-capita income {pc} is above the standard {std}; month {n} of {months} of the gradual exit: {paid} paid"
                ),
            }
        }
        (Decision::Edge, _) if ev.reasons.contains(&"assets_over_limit") => {
            let (a, l) = assets_figures(policy, h);
            match lang {
                Lang::Zh => write!(
                    s,
                    "人均计算收入 {pc} 元低于低保标准 {std} 元，但家庭人均财产 {a} 元超过低保财产限额 {l} 元/人，不符合低保条件；未超过低保边缘财产限额：认定为低保边缘家庭"
                ),
                Lang::En => write!(
                    s,
                    "counted per-capita income {pc} is below the standard {std}, but assets per person {a} exceed the 低保 asset limit {l} per person: not 低保; within the 低保边缘 asset limit: 低保边缘 household"
                ),
            }
        }
        (Decision::Edge, Lang::Zh) => write!(
            s,
            "人均计算收入 {pc} 元不低于低保标准 {std} 元，但低于低保边缘标准：认定为低保边缘家庭"
        ),
        (Decision::Edge, Lang::En) => write!(
            s,
            "per-capita income {pc} is not below the standard {std} but below the edge threshold: 低保边缘 household"
        ),
        (Decision::None, _) if ev.reasons.contains(&"assets_over_limit") => {
            let (a, l) = assets_figures(policy, h);
            match lang {
                Lang::Zh => write!(
                    s,
                    "人均计算收入 {pc} 元低于低保标准 {std} 元，但家庭人均财产 {a} 元超过财产限额 {l} 元/人：因财产超标不符合低保条件"
                ),
                Lang::En => write!(
                    s,
                    "counted per-capita income {pc} is below the standard {std}, but assets per person {a} exceed the limit {l} per person: refused for assets"
                ),
            }
        }
        (Decision::None, Lang::Zh) => write!(
            s,
            "人均计算收入 {pc} 元不低于低保标准 {std} 元，不符合低保条件"
        ),
        (Decision::None, Lang::En) => write!(
            s,
            "per-capita income {pc} is not below the standard {std}: not eligible"
        ),
    };
    let mut first = true;
    for n in ev.reasons.iter().filter_map(|r| note(r, lang)) {
        s.push_str(if first {
            lang.pick("。", ". ")
        } else {
            lang.pick("；", "; ")
        });
        s.push_str(n);
        first = false;
    }
    for w in &h.warnings {
        s.push_str(lang.pick("。注意：", ". Warning: "));
        s.push_str(w.reason(lang));
    }
}

/// The household's assets per person and the 低保 asset limit per person, for the sentence of a
/// household refused for its assets.
fn assets_figures(policy: &Policy, h: &Household) -> (Opt, Opt) {
    let members = Decimal::from(h.members.unwrap_or(1).max(1));
    let per_person = h.assets.map(|a| Yuan(a / members));
    let limit = policy
        .file
        .dibao
        .as_ref()
        .and_then(|d| d.asset_limit_per_person)
        .map(|n| Yuan(n.0));
    (Opt(per_person), Opt(limit))
}

/// An optional amount that displays as nothing when absent.
struct Opt(Option<Yuan>);

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            Some(y) => y.fmt(f),
            None => Ok(()),
        }
    }
}

fn note(reason: &str, lang: Lang) -> Option<&'static str> {
    Some(match (reason, lang) {
        ("not_enrolled", Lang::Zh) => "该户尚未纳入低保，建议及时纳入",
        ("not_enrolled", Lang::En) => "not enrolled yet: enrol",
        ("to_review", Lang::Zh) => "该户在保但已不符合条件且不在渐退期，请复核",
        ("to_review", Lang::En) => {
            "enrolled but no longer eligible and not in a gradual exit: review"
        }
        ("gradual_exit_ended", Lang::Zh) => "渐退期已满",
        ("gradual_exit_ended", Lang::En) => "the gradual exit is over",
        ("gradual_exit_over_ceiling", Lang::Zh) => "人均收入已达渐退上限，渐退提前结束",
        ("gradual_exit_over_ceiling", Lang::En) => {
            "income reached the exit ceiling: the exit ends early"
        }
        ("gradual_exit_not_started", Lang::Zh) => "渐退起始月晚于计算月份",
        ("gradual_exit_not_started", Lang::En) => "the exit starts after this month",
        ("dibao_floor", Lang::Zh) => "按保底金额发放",
        ("dibao_floor", Lang::En) => "the per-person floor applies",
        ("assets_over_limit", _) => return None,
        ("edge_assets_over_limit", Lang::Zh) => "家庭财产超过低保边缘财产限额，不认定为低保边缘",
        ("edge_assets_over_limit", Lang::En) => {
            "assets exceed the 低保边缘 asset limit: not 低保边缘"
        }
        ("assets_not_given", Lang::Zh) => "未填写家庭财产，未做财产核查",
        ("assets_not_given", Lang::En) => "assets not given: asset test not applied",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
