//! What a finding is: its kind (with a stable code, a rank, a severity, the rule and the action,
//! in Chinese and English), the household it is about, and the counts of a run.

use crate::household::Status;
use crate::lang::Lang;
use crate::rules::Decision;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// the data itself is wrong: nothing can be relied on until it is fixed
    Error,
    /// money is at risk or a person in need is not covered
    High,
    /// to look into
    Medium,
    /// for the record
    Low,
}

impl Severity {
    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::High => "高",
            Severity::Medium => "中",
            Severity::Low => "低",
        }
    }

    /// The name in `lang`: the Chinese name, or the output name in English.
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(self.zh(), self.name())
    }
}

/// The kinds of finding, in rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// enrolled in 低保, no longer eligible by the rules and not in a gradual exit
    ToReview,
    /// eligible for 低保 by the data but not enrolled (proactive discovery, first)
    ToEnrol,
    /// 低保边缘 by the data, not enrolled in anything
    DiscoverEdge,
    /// a 防止返贫监测 household not enrolled in anything
    DiscoverMonitored,
    /// months without income, not enrolled in 低保 or 特困
    DiscoverNoIncome,
    /// the same person enrolled as 低保 in one household and 特困 in another
    DibaoAndTekun,
    /// the same person heads two households
    DuplicatePerson,
    /// two households paid into the same bank account
    SharedBankAccount,
    /// the roster's paid amount differs from the rules' monthly total
    AmountDiffers,
    /// the head's ID number fails GB 11643
    MalformedId,
    /// an enrolled person appears in an `--against` list
    AgainstList,
    /// the row has unreadable cells
    InvalidRow,
    /// a value the rules need is empty
    Undetermined,
}

impl Kind {
    /// Every kind, in rank order.
    pub const ALL: [Kind; 13] = [
        Kind::ToReview,
        Kind::ToEnrol,
        Kind::DiscoverEdge,
        Kind::DiscoverMonitored,
        Kind::DiscoverNoIncome,
        Kind::DibaoAndTekun,
        Kind::DuplicatePerson,
        Kind::SharedBankAccount,
        Kind::AmountDiffers,
        Kind::MalformedId,
        Kind::AgainstList,
        Kind::InvalidRow,
        Kind::Undetermined,
    ];

    /// Position in the ranking, from 1.
    pub fn rank(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0) + 1
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::ToReview => "to_review",
            Kind::ToEnrol => "to_enrol",
            Kind::DiscoverEdge => "discover_edge",
            Kind::DiscoverMonitored => "discover_monitored",
            Kind::DiscoverNoIncome => "discover_no_income",
            Kind::DibaoAndTekun => "dibao_and_tekun",
            Kind::DuplicatePerson => "duplicate_person",
            Kind::SharedBankAccount => "shared_bank_account",
            Kind::AmountDiffers => "amount_differs",
            Kind::MalformedId => "malformed_id",
            Kind::AgainstList => "against_list",
            Kind::InvalidRow => "invalid_row",
            Kind::Undetermined => "undetermined",
        }
    }

    /// The kind of a stable code, if it is one.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A short title.
    pub fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::ToReview => ("在保但已不符合条件", "enrolled, no longer eligible"),
            Kind::ToEnrol => ("符合低保条件但未纳入", "eligible, not enrolled"),
            Kind::DiscoverEdge => ("疑似低保边缘家庭", "likely 低保边缘"),
            Kind::DiscoverMonitored => ("防止返贫监测对象", "防止返贫 monitored household"),
            Kind::DiscoverNoIncome => ("连续无收入", "months without income"),
            Kind::DibaoAndTekun => ("同时享受低保和特困", "低保 and 特困 at once"),
            Kind::DuplicatePerson => ("同一人在两户", "same person in two households"),
            Kind::SharedBankAccount => ("多户共用银行账号", "bank account shared"),
            Kind::AmountDiffers => ("发放金额与计算不符", "amount differs from the rules"),
            Kind::MalformedId => ("身份证号有误", "malformed ID number"),
            Kind::AgainstList => ("出现在比对名单中", "found in a list"),
            Kind::InvalidRow => ("数据无法读取", "unreadable row"),
            Kind::Undetermined => ("缺少数据无法核查", "missing data"),
        };
        lang.pick(zh, en)
    }

    /// The severity a finding of this kind has unless its evidence says otherwise.
    pub fn severity(self) -> Severity {
        match self {
            Kind::ToReview
            | Kind::ToEnrol
            | Kind::DibaoAndTekun
            | Kind::DuplicatePerson
            | Kind::AmountDiffers
            | Kind::AgainstList => Severity::High,
            Kind::DiscoverEdge
            | Kind::DiscoverMonitored
            | Kind::DiscoverNoIncome
            | Kind::SharedBankAccount => Severity::Medium,
            Kind::MalformedId | Kind::InvalidRow => Severity::Error,
            Kind::Undetermined => Severity::Low,
        }
    }

    /// The rule the finding is measured against, with its source.
    pub fn rule(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::ToReview => (
                "低保要求家庭人均计算收入低于当地低保标准；因就业增收超过标准的可给予渐退期（2022 年通知）",
                "低保 requires counted per-capita income below the local standard; a household over it through work may have a gradual exit (2022 notice)",
            ),
            Kind::ToEnrol => (
                "2022 年通知第三条：主动发现，符合条件的及时纳入低保",
                "2022 notice, section 3: find eligible households and enrol them without waiting for an application",
            ),
            Kind::DiscoverEdge => (
                "2022 年通知第三条：低保边缘家庭是主动发现、常态化监测的重点",
                "2022 notice, section 3: 低保边缘 households come first in proactive discovery and monitoring",
            ),
            Kind::DiscoverMonitored => (
                "2022 年通知第三条：防止返贫监测对象纳入主动发现范围",
                "2022 notice, section 3: 防止返贫 monitored households are part of proactive discovery",
            ),
            Kind::DiscoverNoIncome => (
                "2022 年通知第三条、民发〔2020〕69号：未参保失业人员连续无收入的给予临时救助",
                "2022 notice, section 3, and 民发〔2020〕69号: uninsured unemployed people without income get temporary assistance",
            ),
            Kind::DibaoAndTekun => (
                "特困人员不再同时享受低保（《特困人员认定办法》）",
                "a person supported as 特困 is not also paid 低保 (特困人员认定办法)",
            ),
            Kind::DuplicatePerson => (
                "2022 年通知第六条：防止重复享受，一人只能在一户中享受救助",
                "2022 notice, section 6: no duplicate enrolment; a person is assisted in one household only",
            ),
            Kind::SharedBankAccount => (
                "2022 年通知第六条：救助金直接发放到救助对象账户，防止虚报冒领",
                "2022 notice, section 6: payments go to the recipient's own account, against false claims",
            ),
            Kind::AmountDiffers => (
                "发放金额应与按政策计算的金额一致（2022 年通知第六条）",
                "the amount paid must equal the amount the policy gives (2022 notice, section 6)",
            ),
            Kind::MalformedId => (
                "身份证号应符合 GB 11643-1999（校验位、出生日期）",
                "ID numbers follow GB 11643-1999 (check digit, birth date)",
            ),
            Kind::AgainstList => (
                "2022 年通知第六条：防止虚报冒领、关系保、人情保",
                "2022 notice, section 6: against false claims and enrolment by connections",
            ),
            Kind::InvalidRow => (
                "花名册每个单元格都应能读取",
                "every cell of the roster must be readable",
            ),
            Kind::Undetermined => (
                "认定所需的数据不能为空",
                "the inputs a decision needs must be filled in",
            ),
        };
        lang.pick(zh, en)
    }

    /// What to do about it.
    pub fn action(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::ToReview => (
                "入户复核收入；因就业增收的办理渐退，否则按程序停发",
                "re-check the income at home; start a gradual exit if the rise is from work, else stop payment by the procedure",
            ),
            Kind::ToEnrol => (
                "联系该户，核实收入和财产后按程序纳入低保",
                "contact the household, verify income and assets, and enrol it",
            ),
            Kind::DiscoverEdge => (
                "核实后认定为低保边缘家庭，纳入常态化监测",
                "verify and register it as 低保边缘 for regular monitoring",
            ),
            Kind::DiscoverMonitored => (
                "核实家庭收入，符合条件的纳入相应救助",
                "verify the household's income and enrol it where it qualifies",
            ),
            Kind::DiscoverNoIncome => (
                "核实就业和参保情况，符合条件的给予临时救助",
                "verify work and insurance; grant temporary assistance where it qualifies",
            ),
            Kind::DibaoAndTekun => (
                "核实后停发低保，只保留特困供养",
                "verify and stop the 低保 payment; keep the 特困 support only",
            ),
            Kind::DuplicatePerson => (
                "核实该人实际共同生活的家庭，注销重复户",
                "find the household the person really lives in and close the duplicate",
            ),
            Kind::SharedBankAccount => (
                "核实账户开户人，改为本户户主本人账户",
                "verify the account holder and pay into the household head's own account",
            ),
            Kind::AmountDiffers => (
                "核对发放金额：多发的追回，少发的补发",
                "check the payment: recover what was overpaid, pay what was underpaid",
            ),
            Kind::MalformedId => (
                "对照身份证原件更正身份证号",
                "correct the ID number from the identity card",
            ),
            Kind::AgainstList => (
                "核实名单情况：已死亡的停发并追回，工作人员亲属的备案复核",
                "verify: stop and recover payments after death; review and record staff relatives",
            ),
            Kind::InvalidRow => ("更正本行数据后重新核查", "correct the row and audit again"),
            Kind::Undetermined => (
                "补充缺失的数据后重新核查",
                "fill in the missing data and audit again",
            ),
        };
        lang.pick(zh, en)
    }
}

/// One finding about one household.
#[derive(Debug, Clone)]
pub struct Finding {
    /// the kind
    pub kind: Kind,
    /// how serious it is
    pub severity: Severity,
    /// the household and what the rules decided for it
    pub head: Head,
    /// the values that show it, in words
    pub evidence: String,
}

/// The household a finding is about.
#[derive(Debug, Clone)]
pub struct Head {
    /// 户编号
    pub household_id: String,
    /// line number in the roster
    pub row: u64,
    /// 乡镇街道
    pub township: String,
    /// 户主姓名, as written
    pub head_name: String,
    /// 户主身份证号, as written (whole in files, masked in terminal tables)
    pub head_id: String,
    /// enrolment
    pub status: Status,
    /// the rules' decision
    pub decision: Decision,
    /// the rules' monthly total (`None` when the row was not decided)
    pub monthly_total: Option<Decimal>,
}

/// 保障类别 in Chinese, as the evidence says it (`Status::name` is the English).
pub fn status_zh(s: Status) -> &'static str {
    match s {
        Status::None => "无",
        Status::Dibao => "低保",
        Status::Tekun => "特困",
        Status::Edge => "低保边缘",
    }
}

/// Counts of findings by code and by township, for the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// rows audited
    pub households: u64,
    /// households with at least one finding
    pub households_with_findings: u64,
    /// findings by kind
    pub by_kind: BTreeMap<Kind, u64>,
    /// findings by township (empty when the roster names none), then by kind
    pub by_township: BTreeMap<String, BTreeMap<Kind, u64>>,
}

impl Summary {
    /// Findings in all.
    pub fn findings(&self) -> u64 {
        self.by_kind.values().sum()
    }

    pub(super) fn count(&mut self, f: &Finding) {
        *self.by_kind.entry(f.kind).or_default() += 1;
        *self
            .by_township
            .entry(f.head.township.clone())
            .or_default()
            .entry(f.kind)
            .or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_rank_in_the_documented_order_with_unique_codes() {
        let codes: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert_eq!(Kind::ToReview.rank(), 1);
        assert_eq!(Kind::ToEnrol.rank(), 2);
        assert!(Kind::DiscoverNoIncome < Kind::DuplicatePerson);
        assert!(Kind::MalformedId < Kind::AgainstList);
    }

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
            assert_eq!(Kind::ALL[k.rank() - 1], k);
        }
        assert_eq!(Kind::from_code("to_reviews"), None);
    }

    #[test]
    fn severities_have_both_names() {
        assert_eq!(Severity::High.label(Lang::Zh), "高");
        assert_eq!(Severity::High.label(Lang::En), "high");
        assert_eq!(Severity::Error.label(Lang::Zh), "错误");
    }
}
