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
use crate::money::fmt_money;
use crate::policy::{AreaParams, MonthParams, Param, Policy};
use crate::vocab::wording::{self, Facts};
use rust_decimal::Decimal;

pub use crate::vocab::wording::{Decision, Reason};

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

    /// Whether the rules gave `reason`.
    pub fn has(&self, reason: Reason) -> bool {
        self.reasons.contains(&reason.code())
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
        ev.reasons.push(Reason::UnknownRegion.code());
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
    ev.reasons.push(Reason::MissingInput.code());
    ev.missing = missing;
    ev
}

fn tekun_decision(policy: &Policy, area: &AreaParams, h: &Household, tr: &mut Trace) -> Evaluation {
    let mut ev = Evaluation::new(Decision::Tekun);
    let residence = h.residence.unwrap_or(Residence::Urban);
    ev.standard = Some(area.standard(residence).value);
    ev.reasons.push(Reason::TekunEnrolled.code());
    match &policy.file.tekun {
        Some(t) => {
            let s = tekun::support(policy, t, area, h, tr);
            ev.tekun_basic = s.basic;
            ev.tekun_care = s.care;
        }
        None => {
            // nothing to pay it by: not decided at 0.00 but left for the policy to be completed
            ev.decision = Decision::Undetermined;
            ev.reasons.push(Reason::TekunNoPolicy.code());
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
            ev.reasons.push(Reason::AssetsNotGiven.code());
        }
        match dibao::grant(policy, standard, members, &counted, h, tr) {
            Ok(g) => {
                ev.decision = Decision::Dibao;
                ev.reasons.push(Reason::IncomeBelowStandard.code());
                ev.reasons.extend(g.reasons);
                ev.dibao_amount = g.amount;
                ev.uplift_amount = dibao::uplift(policy, standard, h, tr);
                if ev.uplift_amount > Decimal::ZERO {
                    ev.reasons.push(Reason::Uplift.code());
                }
                if h.status != Status::Dibao {
                    ev.reasons.push(Reason::NotEnrolled.code());
                }
            }
            Err(missing) => return undetermined(missing),
        }
        return ev;
    }
    if !below {
        ev.reasons.push(Reason::IncomeNotBelowStandard.code());
    } else {
        ev.reasons.push(Reason::AssetsOverLimit.code());
    }
    if h.status == Status::Dibao && !below {
        let exit = gradual_exit::state(policy, standard, &counted, h, area.month, tr);
        match exit {
            Ok((state, amount)) => {
                ev.exit = Some(state);
                if let ExitState::InExit(_) = state {
                    ev.decision = Decision::GradualExit;
                    ev.gradual_exit_amount = amount;
                    ev.reasons.push(Reason::GradualExit.code());
                    return ev;
                }
                ev.reasons.push(
                    match state {
                        ExitState::Ended => Reason::GradualExitEnded,
                        ExitState::OverCeiling => Reason::GradualExitOverCeiling,
                        ExitState::NotStarted => Reason::GradualExitNotStarted,
                        _ => Reason::EnrolledNotEligible,
                    }
                    .code(),
                );
            }
            Err(missing) => return undetermined(missing),
        }
    }
    if edge::is_edge(policy, standard, &counted, tr) {
        if edge::asset_test(policy, h, tr) == Some(false) {
            ev.reasons.push(Reason::EdgeAssetsOverLimit.code());
        } else {
            ev.decision = Decision::Edge;
            ev.reasons.push(Reason::EdgeIncome.code());
        }
    }
    if ev.to_review(h) {
        ev.reasons.push(Reason::ToReview.code());
    }
    ev
}

/// One readable sentence for the decision, in `lang`: what was decided and why, with the
/// figures compared (worded by [`crate::vocab::wording`]).
pub fn message(policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) -> String {
    let mut s = String::with_capacity(160);
    write_message(&mut s, policy, h, ev, lang);
    s
}

/// [`message`] appended to a reused buffer (the per-row path of `check`).
pub fn write_message(s: &mut String, policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) {
    wording::write_message(s, &facts(policy, h, ev, lang), lang);
}

/// The figures the sentence of a decision states, taken from the evaluation, the household
/// and the policy.
fn facts<'a>(policy: &Policy, h: &'a Household, ev: &'a Evaluation, lang: Lang) -> Facts<'a> {
    let assets = ev.has(Reason::AssetsOverLimit);
    Facts {
        decision: ev.decision,
        members: h.members.unwrap_or(0),
        standard: ev.standard,
        per_capita: ev.per_capita_income,
        dibao: ev.dibao_amount,
        uplift: ev.uplift_amount,
        tekun_basic: ev.tekun_basic,
        tekun_care: ev.tekun_care,
        gradual_exit: ev.gradual_exit_amount,
        total: ev.monthly_total(),
        exit_month: match ev.exit {
            Some(ExitState::InExit(n)) => n,
            _ => 0,
        },
        exit_months: policy
            .file
            .gradual_exit
            .as_ref()
            .map(|g| g.months)
            .unwrap_or(0),
        assets_per_person: if assets {
            let members = Decimal::from(h.members.unwrap_or(1).max(1));
            h.assets.map(|a| a / members)
        } else {
            None
        },
        asset_limit: if assets {
            policy
                .file
                .dibao
                .as_ref()
                .and_then(|d| d.asset_limit_per_person)
                .map(|n| n.0)
        } else {
            None
        },
        missing: &ev.missing,
        reasons: &ev.reasons,
        errors: if ev.decision == Decision::Invalid {
            h.errors.iter().map(|e| e.describe(lang)).collect()
        } else {
            Vec::new()
        },
        warnings: h.warnings.iter().map(|w| w.reason(lang)).collect(),
    }
}

#[cfg(test)]
mod tests;
