//! Approval levels (审批权限): who approves a payment, with their Chinese and English names.
//! Regular payments are `routine`; temporary assistance is routed by the policy's
//! `[[temporary.approval]]` tiers (see `rules::approval`).

use crate::lang::Lang;
use serde::{Deserialize, Deserializer};
use std::fmt;

/// Who approves a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApprovalLevel {
    /// a regular payment, approved with the enrolment
    Routine,
    /// the township (street office)
    Township,
    /// the county civil-affairs bureau
    County,
    /// the city civil-affairs bureau
    City,
    /// a major case decided one by one (一事一议)
    CaseByCase,
}

impl ApprovalLevel {
    /// Every level, lowest first.
    pub const ALL: [ApprovalLevel; 5] = [
        ApprovalLevel::Routine,
        ApprovalLevel::Township,
        ApprovalLevel::County,
        ApprovalLevel::City,
        ApprovalLevel::CaseByCase,
    ];

    /// The levels a policy's `[[temporary.approval]]` tier may name.
    pub const IN_POLICY: [ApprovalLevel; 4] = [
        ApprovalLevel::Township,
        ApprovalLevel::County,
        ApprovalLevel::City,
        ApprovalLevel::CaseByCase,
    ];

    /// The stable code written in outputs and policies.
    pub const fn code(self) -> &'static str {
        match self {
            ApprovalLevel::Routine => "routine",
            ApprovalLevel::Township => "township",
            ApprovalLevel::County => "county",
            ApprovalLevel::City => "city",
            ApprovalLevel::CaseByCase => "case_by_case",
        }
    }

    /// The level in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            ApprovalLevel::Routine => "常规审批",
            ApprovalLevel::Township => "乡镇（街道）审批",
            ApprovalLevel::County => "县级审批",
            ApprovalLevel::City => "市级审批",
            ApprovalLevel::CaseByCase => "一事一议",
        }
    }

    /// The level in English.
    pub fn en(self) -> &'static str {
        match self {
            ApprovalLevel::Routine => "routine",
            ApprovalLevel::Township => "township",
            ApprovalLevel::County => "county",
            ApprovalLevel::City => "city",
            ApprovalLevel::CaseByCase => "case by case",
        }
    }

    /// The level in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        lang.pick(self.zh(), self.en())
    }

    /// The level of a policy tier named `code`; an unknown name is an error naming the valid
    /// ones.
    pub fn from_policy(code: &str) -> Result<ApprovalLevel, String> {
        ApprovalLevel::IN_POLICY
            .into_iter()
            .find(|l| l.code() == code.trim())
            .ok_or_else(|| {
                let valid: Vec<&str> = ApprovalLevel::IN_POLICY.iter().map(|l| l.code()).collect();
                format!(
                    "unknown approval level \"{code}\": use one of {} (审批层级只能是 {})",
                    valid.join(", "),
                    valid.join("、")
                )
            })
    }
}

impl fmt::Display for ApprovalLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ApprovalLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ApprovalLevel, D::Error> {
        let s = String::deserialize(d)?;
        ApprovalLevel::from_policy(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_policy_names_round_trip() {
        for l in ApprovalLevel::IN_POLICY {
            assert_eq!(ApprovalLevel::from_policy(l.code()), Ok(l));
        }
        let err = ApprovalLevel::from_policy("province").unwrap_err();
        assert!(
            err.contains("township, county, city, case_by_case"),
            "{err}"
        );
        assert!(ApprovalLevel::from_policy("routine").is_err());
    }
}
