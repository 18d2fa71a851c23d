//! What a policy change does to one household: the change, and what counts as paid.

use crate::lang::Lang;
use crate::rules::Decision;
use rust_decimal::Decimal;

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

    /// The Chinese wording.
    pub fn zh(self) -> &'static str {
        match self {
            Change::NewlyEligible => "新增符合",
            Change::NoLongerEligible => "不再符合",
            Change::Gain => "增加",
            Change::Loss => "减少",
            Change::Unchanged => "不变",
            Change::Undecided => "无法比较",
        }
    }

    /// The wording in `lang`: Chinese, or the output name in English.
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(self.zh(), self.name())
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
pub fn pays(d: Decision) -> bool {
    matches!(d, Decision::Dibao | Decision::Tekun | Decision::GradualExit)
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
    fn every_change_has_its_wording_in_both_languages() {
        for c in [
            Change::NewlyEligible,
            Change::NoLongerEligible,
            Change::Gain,
            Change::Loss,
            Change::Unchanged,
            Change::Undecided,
        ] {
            assert_eq!(c.label(Lang::En), c.name());
            assert_eq!(c.label(Lang::Zh), c.zh());
            assert_ne!(c.zh(), c.name());
        }
    }
}
