//! The roster's paid amount against the rules' monthly total.

use super::findings::{Kind, Severity};
use super::row::PaidCell;
use super::run::Config;
use crate::household::{Household, Status};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::rules::{Decision, Evaluation};
use rust_decimal::Decimal;

impl Config<'_> {
    /// The roster's paid amount against the rules, for households the rules pay and the roster
    /// enrols (an unenrolled household is a discovery finding, an enrolled ineligible one is
    /// `to_review`, with the amount in its evidence).
    pub(super) fn amount_finding(
        &self,
        h: &Household,
        ev: &Evaluation,
        amount: Option<PaidCell<'_>>,
    ) -> Option<(Kind, Severity, String)> {
        let (header, raw, parsed) = amount?;
        let paid_by_rules = matches!(
            ev.decision,
            Decision::Dibao | Decision::Tekun | Decision::GradualExit
        );
        if !paid_by_rules || !matches!(h.status, Status::Dibao | Status::Tekun) {
            return None;
        }
        let rules_total = ev.monthly_total();
        match parsed {
            Ok(None) => None,
            Err(e) => Some((
                Kind::AmountDiffers,
                Severity::Medium,
                match self.lang {
                    Lang::Zh => format!(
                        "花名册“{header}”为“{raw}”，{}；按规则每月应发 {} 元",
                        e.zh(),
                        fmt_money(rules_total)
                    ),
                    Lang::En => format!(
                        "the roster's \"{header}\" is \"{raw}\": {}; the rules give {} a month",
                        e.en(),
                        fmt_money(rules_total)
                    ),
                },
            )),
            Ok(Some(paid)) if paid != rules_total => {
                let diff = paid - rules_total;
                let over = diff > Decimal::ZERO;
                let parts = self.parts(ev);
                Some((
                    Kind::AmountDiffers,
                    if over {
                        Severity::High
                    } else {
                        Severity::Medium
                    },
                    match self.lang {
                        Lang::Zh => format!(
                            "花名册“{header}”为 {} 元，按规则应为 {} 元（{parts}），{} {} 元",
                            fmt_money(paid),
                            fmt_money(rules_total),
                            if over { "多发" } else { "少发" },
                            fmt_money(diff.abs())
                        ),
                        Lang::En => format!(
                            "the roster's \"{header}\" is {}, the rules give {} ({parts}): {} by {}",
                            fmt_money(paid),
                            fmt_money(rules_total),
                            if over { "overpaid" } else { "underpaid" },
                            fmt_money(diff.abs())
                        ),
                    },
                ))
            }
            Ok(Some(_)) => None,
        }
    }

    /// The non-zero parts of the rules' monthly total, named.
    pub(super) fn parts(&self, ev: &Evaluation) -> String {
        let items = [
            (ev.dibao_amount, "低保金", "grant"),
            (ev.uplift_amount, "分类施保", "uplift"),
            (ev.tekun_basic, "特困基本生活费", "特困 basic"),
            (ev.tekun_care, "照料护理费", "care"),
            (ev.gradual_exit_amount, "渐退金", "gradual exit"),
        ];
        let parts: Vec<String> = items
            .iter()
            .filter(|(v, _, _)| !v.is_zero())
            .map(|(v, zh, en)| format!("{} {}", self.lang.pick(zh, en), fmt_money(*v)))
            .collect();
        parts.join(" + ")
    }
}
