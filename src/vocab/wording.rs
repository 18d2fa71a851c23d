//! The wording of decisions: the decision and reason codes with their Chinese and English
//! names, and the one readable sentence that says what was decided and why. Presentation only:
//! the rules produce the codes and the figures ([`Facts`]); every layer that shows them (the
//! rules' own `message`, the outputs, the commands) words them here, so a code is named in one
//! place.

use crate::lang::Lang;
use crate::money::Yuan;
use crate::vocab::columns::Column;
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

/// A reason code the rules give (the row-error and warning codes of a roster cell are the
/// household's, and pass through as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// the row's region is in no area of the policy
    UnknownRegion,
    /// a value a rule needs is empty
    MissingInput,
    /// enrolled 特困: paid without a means test
    TekunEnrolled,
    /// enrolled 特困 but the policy has no `[tekun]`
    TekunNoPolicy,
    /// the policy has an asset limit but the row gives no assets
    AssetsNotGiven,
    /// counted per-capita income below the standard
    IncomeBelowStandard,
    /// a 分类施保 uplift is paid
    Uplift,
    /// eligible for 低保 but not enrolled
    NotEnrolled,
    /// counted per-capita income not below the standard
    IncomeNotBelowStandard,
    /// income below the standard, assets over the limit
    AssetsOverLimit,
    /// in a gradual exit
    GradualExit,
    /// the gradual exit is over
    GradualExitEnded,
    /// income reached the exit ceiling
    GradualExitOverCeiling,
    /// the exit starts after the month
    GradualExitNotStarted,
    /// enrolled, over the standard, no exit
    EnrolledNotEligible,
    /// 低保边缘 income but assets over its limit
    EdgeAssetsOverLimit,
    /// 低保边缘 income
    EdgeIncome,
    /// enrolled but no longer eligible: to review
    ToReview,
    /// the per-person floor of the grant applies
    DibaoFloor,
    /// paid by tier (分档)
    DibaoTier,
}

impl Reason {
    /// Every reason the rules give.
    pub const ALL: [Reason; 20] = [
        Reason::UnknownRegion,
        Reason::MissingInput,
        Reason::TekunEnrolled,
        Reason::TekunNoPolicy,
        Reason::AssetsNotGiven,
        Reason::IncomeBelowStandard,
        Reason::Uplift,
        Reason::NotEnrolled,
        Reason::IncomeNotBelowStandard,
        Reason::AssetsOverLimit,
        Reason::GradualExit,
        Reason::GradualExitEnded,
        Reason::GradualExitOverCeiling,
        Reason::GradualExitNotStarted,
        Reason::EnrolledNotEligible,
        Reason::EdgeAssetsOverLimit,
        Reason::EdgeIncome,
        Reason::ToReview,
        Reason::DibaoFloor,
        Reason::DibaoTier,
    ];

    /// The stable code written in the `reasons` column.
    pub fn code(self) -> &'static str {
        match self {
            Reason::UnknownRegion => "unknown_region",
            Reason::MissingInput => "missing_input",
            Reason::TekunEnrolled => "tekun_enrolled",
            Reason::TekunNoPolicy => "tekun_no_policy",
            Reason::AssetsNotGiven => "assets_not_given",
            Reason::IncomeBelowStandard => "income_below_standard",
            Reason::Uplift => "uplift",
            Reason::NotEnrolled => "not_enrolled",
            Reason::IncomeNotBelowStandard => "income_not_below_standard",
            Reason::AssetsOverLimit => "assets_over_limit",
            Reason::GradualExit => "gradual_exit",
            Reason::GradualExitEnded => "gradual_exit_ended",
            Reason::GradualExitOverCeiling => "gradual_exit_over_ceiling",
            Reason::GradualExitNotStarted => "gradual_exit_not_started",
            Reason::EnrolledNotEligible => "enrolled_not_eligible",
            Reason::EdgeAssetsOverLimit => "edge_assets_over_limit",
            Reason::EdgeIncome => "edge_income",
            Reason::ToReview => "to_review",
            Reason::DibaoFloor => "dibao_floor",
            Reason::DibaoTier => "dibao_tier",
        }
    }

    /// The reason of a code, `None` for a code that is not a rule's (a cell's error or warning).
    pub fn from_code(code: &str) -> Option<Reason> {
        // the inverse of `code` (the test below checks it for every reason)
        Some(match code {
            "unknown_region" => Reason::UnknownRegion,
            "missing_input" => Reason::MissingInput,
            "tekun_enrolled" => Reason::TekunEnrolled,
            "tekun_no_policy" => Reason::TekunNoPolicy,
            "assets_not_given" => Reason::AssetsNotGiven,
            "income_below_standard" => Reason::IncomeBelowStandard,
            "uplift" => Reason::Uplift,
            "not_enrolled" => Reason::NotEnrolled,
            "income_not_below_standard" => Reason::IncomeNotBelowStandard,
            "assets_over_limit" => Reason::AssetsOverLimit,
            "gradual_exit" => Reason::GradualExit,
            "gradual_exit_ended" => Reason::GradualExitEnded,
            "gradual_exit_over_ceiling" => Reason::GradualExitOverCeiling,
            "gradual_exit_not_started" => Reason::GradualExitNotStarted,
            "enrolled_not_eligible" => Reason::EnrolledNotEligible,
            "edge_assets_over_limit" => Reason::EdgeAssetsOverLimit,
            "edge_income" => Reason::EdgeIncome,
            "to_review" => Reason::ToReview,
            "dibao_floor" => Reason::DibaoFloor,
            "dibao_tier" => Reason::DibaoTier,
            _ => return None,
        })
    }

    /// The note the sentence of a decision adds for this reason, in `lang`; `None` when the
    /// sentence already says it.
    pub fn note(self, lang: Lang) -> Option<&'static str> {
        Some(match (self, lang) {
            (Reason::NotEnrolled, Lang::Zh) => "该户尚未纳入低保，建议及时纳入",
            (Reason::NotEnrolled, Lang::En) => "not enrolled yet: enrol",
            (Reason::ToReview, Lang::Zh) => "该户在保但已不符合条件且不在渐退期，请复核",
            (Reason::ToReview, Lang::En) => {
                "enrolled but no longer eligible and not in a gradual exit: review"
            }
            (Reason::GradualExitEnded, Lang::Zh) => "渐退期已满",
            (Reason::GradualExitEnded, Lang::En) => "the gradual exit is over",
            (Reason::GradualExitOverCeiling, Lang::Zh) => "人均收入已达渐退上限，渐退提前结束",
            (Reason::GradualExitOverCeiling, Lang::En) => {
                "income reached the exit ceiling: the exit ends early"
            }
            (Reason::GradualExitNotStarted, Lang::Zh) => "渐退起始月晚于计算月份",
            (Reason::GradualExitNotStarted, Lang::En) => "the exit starts after this month",
            (Reason::DibaoFloor, Lang::Zh) => "按保底金额发放",
            (Reason::DibaoFloor, Lang::En) => "the per-person floor applies",
            (Reason::EdgeAssetsOverLimit, Lang::Zh) => {
                "家庭财产超过低保边缘财产限额，不认定为低保边缘"
            }
            (Reason::EdgeAssetsOverLimit, Lang::En) => {
                "assets exceed the 低保边缘 asset limit: not 低保边缘"
            }
            (Reason::AssetsNotGiven, Lang::Zh) => "未填写家庭财产，未做财产核查",
            (Reason::AssetsNotGiven, Lang::En) => "assets not given: asset test not applied",
            _ => return None,
        })
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What the sentence of a decision states: the decision, its figures and its reasons, the
/// row's cell errors and warnings already worded in the language of the sentence.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// the decision
    pub decision: Decision,
    /// members of the household (0 when unknown)
    pub members: u32,
    /// the 低保 standard per person
    pub standard: Option<Decimal>,
    /// counted per-capita income
    pub per_capita: Option<Decimal>,
    /// 低保 grant
    pub dibao: Decimal,
    /// 分类施保 uplift
    pub uplift: Decimal,
    /// 特困 basic living
    pub tekun_basic: Decimal,
    /// 特困 care
    pub tekun_care: Decimal,
    /// 渐退期 payment
    pub gradual_exit: Decimal,
    /// the month's total
    pub total: Decimal,
    /// the month of the gradual exit (1-based; 0 outside one)
    pub exit_month: u32,
    /// the months of the policy's gradual exit
    pub exit_months: u32,
    /// assets per person, for a household refused for its assets
    pub assets_per_person: Option<Decimal>,
    /// the 低保 asset limit per person, for a household refused for its assets
    pub asset_limit: Option<Decimal>,
    /// the inputs a rule needed that are empty
    pub missing: &'a [Column],
    /// the reason codes, in order
    pub reasons: &'a [&'static str],
    /// the row's cell errors, worded
    pub errors: Vec<String>,
    /// the row's warnings, worded
    pub warnings: Vec<&'a str>,
}

/// The sentence of a decision appended to `s`, in `lang`.
pub fn write_message(s: &mut String, f: &Facts, lang: Lang) {
    use std::fmt::Write;
    let has = |r: Reason| f.reasons.contains(&r.code());
    let std = Opt(f.standard.map(Yuan));
    let pc = Opt(f.per_capita.map(Yuan));
    let members = f.members;
    let total = Yuan(f.total);
    // Writing into a String cannot fail.
    let _ = match (f.decision, lang) {
        (Decision::Invalid, _) => {
            s.push_str(lang.pick(
                "本行数据有误，未作计算：",
                "this row has unreadable cells and was not computed: ",
            ));
            for (i, e) in f.errors.iter().enumerate() {
                if i > 0 {
                    s.push_str(lang.pick("；", "; "));
                }
                s.push_str(e);
            }
            Ok(())
        }
        (Decision::Undetermined, Lang::Zh) if has(Reason::TekunNoPolicy) => write!(
            s,
            "特困人员 {members} 人：政策文件没有特困供养标准（[tekun] 表），无法计算基本生活费和照料护理费：请在政策文件中补充 [tekun]"
        ),
        (Decision::Undetermined, Lang::En) if has(Reason::TekunNoPolicy) => write!(
            s,
            "特困 support for {members} person(s): the policy has no [tekun] table, so basic living and care cannot be computed: add [tekun] to the policy"
        ),
        (Decision::Undetermined, Lang::Zh) => {
            s.push_str("缺少计算所需的数据，暂不能认定：请补充");
            for (i, c) in f.missing.iter().enumerate() {
                if i > 0 {
                    s.push('、');
                }
                let _ = write!(s, "{}（{}）", c.zh(), c.name());
            }
            Ok(())
        }
        (Decision::Undetermined, Lang::En) => {
            s.push_str("cannot decide until these are filled in: ");
            for (i, c) in f.missing.iter().enumerate() {
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
            Yuan(f.tekun_basic),
            Yuan(f.tekun_care)
        ),
        (Decision::Tekun, Lang::En) => write!(
            s,
            "特困 support for {members} person(s): basic living {}, care {}, total {total} a month",
            Yuan(f.tekun_basic),
            Yuan(f.tekun_care)
        ),
        (Decision::Dibao, Lang::Zh) => {
            let _ = write!(
                s,
                "家庭人均计算收入 {pc} 元低于低保标准 {std} 元，{members} 人，低保金 {} 元",
                Yuan(f.dibao)
            );
            if !f.uplift.is_zero() {
                let _ = write!(s, "，分类施保 {} 元", Yuan(f.uplift));
            }
            write!(s, "，合计 {total} 元/月")
        }
        (Decision::Dibao, Lang::En) => {
            let _ = write!(
                s,
                "counted per-capita income {pc} is below the 低保 standard {std}; {members} person(s): grant {}",
                Yuan(f.dibao)
            );
            if !f.uplift.is_zero() {
                let _ = write!(s, ", uplift {}", Yuan(f.uplift));
            }
            write!(s, ", total {total} a month")
        }
        (Decision::GradualExit, _) => {
            let (n, months) = (f.exit_month, f.exit_months);
            let paid = Yuan(f.gradual_exit);
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
        (Decision::Edge, _) if has(Reason::AssetsOverLimit) => {
            let (a, l) = (
                Opt(f.assets_per_person.map(Yuan)),
                Opt(f.asset_limit.map(Yuan)),
            );
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
        (Decision::None, _) if has(Reason::AssetsOverLimit) => {
            let (a, l) = (
                Opt(f.assets_per_person.map(Yuan)),
                Opt(f.asset_limit.map(Yuan)),
            );
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
    for n in f
        .reasons
        .iter()
        .filter_map(|r| Reason::from_code(r).and_then(|r| r.note(lang)))
    {
        s.push_str(if first {
            lang.pick("。", ". ")
        } else {
            lang.pick("；", "; ")
        });
        s.push_str(n);
        first = false;
    }
    for w in &f.warnings {
        s.push_str(lang.pick("。注意：", ". Warning: "));
        s.push_str(w);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_distinct_and_found_again() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
        }
        let mut codes: Vec<_> = Reason::ALL.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
        assert_eq!(Reason::from_code("not_number"), None);
    }
}
