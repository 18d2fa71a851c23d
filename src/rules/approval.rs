//! Approval routing of temporary assistance (审批权限), as Jinjiang and Shenqiu publish it
//! `[[temporary.approval]]`.
//!
//! A township may approve up to a limit (Jinjiang: 5000, assisting first and filing afterwards;
//! Shenqiu: 3 × the urban standard), the county above it, and major cases go to a case-by-case
//! (一事一议) decision. The first tier whose `up_to` covers the amount approves it ("up to" is
//! inclusive: Jinjiang 4800 → township, 5000 → township, 5200 → the next tier); a tier without
//! `up_to` covers everything; an amount no tier covers is `case_by_case`. Limits written as a
//! multiple are of the standard in force in the pay month. The 2022 notice raises township
//! limits in medium/high-risk areas: a `[[temporary.high_risk]]` entry in force that names the
//! household's area or region raises the township tier's limit to its `township_up_to` (never
//! lowers it). Every line that is not temporary assistance is `routine`.

use super::temporary::amount_of;
use crate::household::Residence;
use crate::money::fmt_money;
use crate::month::Month;
use crate::policy::{AreaParams, Policy};
pub use crate::vocab::ApprovalLevel;
use rust_decimal::Decimal;

/// The level code of a regular (non-temporary) payment.
pub const ROUTINE: &str = ApprovalLevel::Routine.code();
/// The level code when no tier covers an amount.
pub const CASE_BY_CASE: &str = ApprovalLevel::CaseByCase.code();

/// Who approves a temporary-assistance payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// township, county, city or case by case
    pub level: ApprovalLevel,
    /// the limit of that level, when it has one
    pub limit: Option<Decimal>,
    /// whether a high-risk entry raised the township limit
    pub high_risk: bool,
}

impl Route {
    /// "township ≤ 5000.00 (high-risk area)" — the routing as shown beside a payment.
    pub fn describe(&self) -> String {
        let mut s = self.level.code().to_string();
        if let Some(l) = self.limit {
            s.push_str(&format!(" ≤ {}", fmt_money(l)));
        }
        if self.high_risk {
            s.push_str(" (high_risk)");
        }
        s
    }
}

/// Routes a temporary-assistance `amount` of a household in `region` (area `area`) for the
/// pay month of `area`. A limit that depends on an empty residence is treated as not covering
/// the amount, so the payment goes up to the next level, never down.
pub fn route(
    policy: &Policy,
    area: &AreaParams,
    region: &str,
    residence: Option<Residence>,
    amount: Decimal,
) -> Route {
    let Some(t) = &policy.file.temporary else {
        return Route {
            level: ApprovalLevel::CaseByCase,
            limit: None,
            high_risk: false,
        };
    };
    let raised = high_risk_limit(policy, area, region, residence, area.month);
    for tier in &t.approval {
        let mut limit = match &tier.up_to {
            None => None,
            Some(spec) => match amount_of(spec, area, residence) {
                Ok(r) => Some(r.value),
                Err(_) => continue,
            },
        };
        let mut high_risk = false;
        if tier.level == ApprovalLevel::Township
            && let Some(r) = raised
            && limit.is_some_and(|l| r > l)
        {
            limit = Some(r);
            high_risk = true;
        }
        if limit.is_none_or(|l| amount <= l) {
            return Route {
                level: tier.level,
                limit,
                high_risk,
            };
        }
    }
    Route {
        level: ApprovalLevel::CaseByCase,
        limit: None,
        high_risk: false,
    }
}

/// The highest township limit of the high-risk entries in force in `month` naming the area or
/// the region.
fn high_risk_limit(
    policy: &Policy,
    area: &AreaParams,
    region: &str,
    residence: Option<Residence>,
    month: Month,
) -> Option<Decimal> {
    let t = policy.file.temporary.as_ref()?;
    t.high_risk
        .iter()
        .filter(|r| r.from <= month && r.until.is_none_or(|u| month <= u))
        .filter(|r| {
            r.areas
                .iter()
                .any(|a| Some(a.as_str()) == area.area.as_deref() || a.trim() == region.trim())
        })
        .filter_map(|r| amount_of(&r.township_up_to, area, residence).ok())
        .map(|r| r.value)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn policy(temporary: &str) -> Policy {
        crate::rules::fixtures::policy_with_areas(
            &[("city", "350582"), ("other", "350583")],
            "2022-01",
            914,
            439,
            temporary,
        )
    }

    fn level(p: &Policy, month: &str, region: &str, amount: Decimal) -> String {
        let params = p.month_params(month.parse().unwrap()).unwrap();
        let a = p.area_of(region).unwrap();
        route(p, &params.areas[a], region, Some(Residence::Urban), amount)
            .level
            .code()
            .to_string()
    }

    const JINJIANG: &str = r#"
[[temporary.approval]]
level = "township"
up_to = 5000
[[temporary.approval]]
level = "city"
up_to = 20000
[[temporary.approval]]
level = "case_by_case"
"#;

    #[test]
    fn jinjiang_tiers_at_their_boundaries() {
        let p = policy(JINJIANG);
        let l = |x| level(&p, "2022-05", "350582", x);
        assert_eq!(l(dec!(4800)), "township");
        assert_eq!(l(dec!(5000)), "township");
        assert_eq!(l(dec!(5000.01)), "city");
        assert_eq!(l(dec!(5200)), "city");
        assert_eq!(l(dec!(20000)), "city");
        assert_eq!(l(dec!(20000.01)), "case_by_case");
    }

    #[test]
    fn multiple_of_the_standard_and_no_open_tier() {
        // Shenqiu: the township approves up to 3 × the urban standard (3 × 914 = 2742).
        let p = policy(
            r#"
[[temporary.approval]]
level = "township"
up_to = { multiple = 3, of = "urban" }
[[temporary.approval]]
level = "county"
up_to = 10620
"#,
        );
        let l = |x| level(&p, "2022-05", "350582", x);
        assert_eq!(l(dec!(2742)), "township");
        assert_eq!(l(dec!(2742.01)), "county");
        assert_eq!(l(dec!(10620)), "county");
        assert_eq!(l(dec!(10620.01)), "case_by_case");
    }

    #[test]
    fn high_risk_areas_raise_the_township_limit_while_listed() {
        let p = policy(&format!(
            r#"{JINJIANG}
[[temporary.high_risk]]
from = "2022-04"
until = "2022-05"
areas = ["city"]
township_up_to = 8000
[[temporary.high_risk]]
from = "2022-04"
areas = ["350583"]
township_up_to = 3000
"#
        ));
        assert_eq!(level(&p, "2022-05", "350582", dec!(7000)), "township");
        assert_eq!(level(&p, "2022-05", "350582", dec!(8000.01)), "city");
        assert_eq!(level(&p, "2022-06", "350582", dec!(7000)), "city");
        assert_eq!(level(&p, "2022-03", "350582", dec!(7000)), "city");
        // a lower listed limit never lowers the tier's own
        assert_eq!(level(&p, "2022-05", "350583", dec!(4000)), "township");
    }

    #[test]
    fn without_tiers_everything_is_case_by_case() {
        let p = policy("[temporary.stranded]\namount = 500");
        assert_eq!(level(&p, "2022-05", "350582", dec!(1)), "case_by_case");
    }

    /// A tier naming a level that does not exist is refused when the policy loads, with the
    /// valid levels named: it is never routed as `case_by_case`.
    #[test]
    fn an_unknown_level_in_a_policy_is_an_error_naming_the_valid_ones() {
        let text = crate::rules::fixtures::policy_text(
            &[("city", "350582")],
            "2022-01",
            914,
            439,
            "[[temporary.approval]]\nlevel = \"province\"\nup_to = 5000",
        );
        let err = Policy::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(err.contains("temporary.approval[0].level"), "{err}");
        assert!(err.contains("province"), "{err}");
        assert!(
            err.contains("township, county, city, case_by_case"),
            "{err}"
        );
    }
}
