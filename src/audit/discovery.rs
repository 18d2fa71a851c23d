//! Enrolment against the rules: enrolled households the rules no longer pay (`to_review`) and
//! proactive discovery of those they would (2022 notice, section 3).

use super::findings::{Kind, status_zh};
use super::run::Config;
use crate::household::{Household, Status};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::rules::{Decision, Evaluation, ExitState};

impl Config<'_> {
    pub(super) fn review_evidence(&self, ev: &Evaluation) -> String {
        let pc = self.money(ev.per_capita_income);
        let st = self.money(ev.standard);
        let exit = match (ev.exit, self.lang) {
            (Some(ExitState::Ended), Lang::Zh) => "渐退期已满",
            (Some(ExitState::Ended), Lang::En) => "its gradual exit is over",
            (Some(ExitState::OverCeiling), Lang::Zh) => "人均收入已达渐退上限",
            (Some(ExitState::OverCeiling), Lang::En) => "income reached the exit ceiling",
            (Some(ExitState::NotStarted), Lang::Zh) => "渐退起始月晚于核查月份",
            (Some(ExitState::NotStarted), Lang::En) => "its exit starts after this month",
            (_, Lang::Zh) => "未登记渐退期",
            (_, Lang::En) => "no gradual exit recorded",
        };
        let edge = ev.decision == Decision::Edge;
        match self.lang {
            Lang::Zh => format!(
                "保障类别为低保，但人均计算收入 {pc} 元不低于低保标准 {st} 元，{exit}{}",
                if edge { "（属低保边缘）" } else { "" }
            ),
            Lang::En => format!(
                "enrolled as 低保, but counted per-capita income {pc} is not below the standard {st}; {exit}{}",
                if edge {
                    " (低保边缘 by income)"
                } else {
                    ""
                }
            ),
        }
    }

    /// Proactive discovery in the notice's order: eligible but not enrolled, then 低保边缘,
    /// then 防止返贫 monitored households, then households without income. One finding per
    /// household, the first that applies, with the other signs noted in its evidence.
    pub(super) fn discovery(&self, h: &Household, ev: &Evaluation) -> Option<(Kind, String)> {
        let pc = self.money(ev.per_capita_income);
        let st = self.money(ev.standard);
        let unenrolled = h.status == Status::None;
        let monitored = h.categories.has("monitored");
        let no_income = h.months_without_income.filter(|m| *m > 0);
        let mut signs: Vec<(Kind, String)> = Vec::new();
        if ev.to_enrol(h) {
            signs.push((
                Kind::ToEnrol,
                match self.lang {
                    Lang::Zh => format!(
                        "保障类别为{}，但人均计算收入 {pc} 元低于低保标准 {st} 元，按规则每月应发 {} 元",
                        status_zh(h.status),
                        fmt_money(ev.monthly_total())
                    ),
                    Lang::En => format!(
                        "enrolment {}, but counted per-capita income {pc} is below the standard {st}: the rules give {} a month",
                        h.status.name(),
                        fmt_money(ev.monthly_total())
                    ),
                },
            ));
        }
        if unenrolled && ev.decision == Decision::Edge {
            let multiple = self
                .policy
                .file
                .edge
                .as_ref()
                .map(|e| e.multiple.to_string())
                .unwrap_or_default();
            signs.push((
                Kind::DiscoverEdge,
                match self.lang {
                    Lang::Zh => format!(
                        "未纳入任何保障，人均计算收入 {pc} 元不低于低保标准 {st} 元，但低于其 {multiple} 倍"
                    ),
                    Lang::En => format!(
                        "not enrolled; counted per-capita income {pc} is not below the standard {st} but below {multiple} times it"
                    ),
                },
            ));
        }
        if unenrolled && monitored {
            signs.push((
                Kind::DiscoverMonitored,
                match self.lang {
                    Lang::Zh => format!(
                        "防止返贫监测对象，未纳入任何保障；人均计算收入 {pc} 元，低保标准 {st} 元"
                    ),
                    Lang::En => format!(
                        "防止返贫 monitored, not enrolled; counted per-capita income {pc}, standard {st}"
                    ),
                },
            ));
        }
        if let Some(months) = no_income
            && matches!(h.status, Status::None | Status::Edge)
        {
            let insured = match (h.unemployment_insured, self.lang) {
                (Some(true), Lang::Zh) => "已参加失业保险",
                (Some(true), Lang::En) => "insured against unemployment",
                (Some(false), Lang::Zh) => "未参加失业保险",
                (Some(false), Lang::En) => "not insured against unemployment",
                (None, Lang::Zh) => "是否参加失业保险未填",
                (None, Lang::En) => "unemployment insurance not given",
            };
            signs.push((
                Kind::DiscoverNoIncome,
                match self.lang {
                    Lang::Zh => format!(
                        "保障类别为{}，连续无收入 {months} 个月，{insured}",
                        status_zh(h.status)
                    ),
                    Lang::En => format!(
                        "enrolment {}, {months} consecutive months without income, {insured}",
                        h.status.name()
                    ),
                },
            ));
        }
        let mut signs = signs.into_iter();
        let (kind, mut evidence) = signs.next()?;
        let others: Vec<&str> = signs.map(|(k, _)| k.code()).collect();
        if !others.is_empty() {
            evidence.push_str(&match self.lang {
                Lang::Zh => format!("；另见：{}", others.join("、")),
                Lang::En => format!("; also: {}", others.join(", ")),
            });
        }
        Some((kind, evidence))
    }
}
