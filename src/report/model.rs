//! The report's data: plain figures gathered from the commands' library calls
//! ([`super::sources`]), which the HTML page ([`super::html`]) is drawn from. Nothing here
//! computes a rule; amounts are the commands' own, added up exactly.

use crate::month::Month;
use crate::rules::Decision;
use rust_decimal::Decimal;

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// what the report is about
    pub meta: Meta,
    /// households, persons and money of the month (and the month before)
    pub headline: Headline,
    /// coverage by township
    pub coverage: Vec<TownshipCoverage>,
    /// monthly totals per household, by decision
    pub amounts: Amounts,
    /// the price-subsidy linkage (with an index file)
    pub price: Option<PriceSection>,
    /// the payment schedule of the range
    pub payouts: PayoutSection,
    /// supervision findings
    pub audit: AuditSection,
    /// rows that could not be decided, ID defects
    pub quality: Quality,
    /// the policy in force
    pub policy: PolicySection,
}

/// The inputs the report was made from.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// the policy's name
    pub policy_name: String,
    /// SHA-256 of the policy file
    pub policy_sha256: String,
    /// the roster as given
    pub roster: String,
    /// the month reported
    pub month: Option<Month>,
    /// the range of the payment schedule (and of the price subsidy's pay months)
    pub from: Option<Month>,
    /// last month of the range
    pub to: Option<Month>,
    /// the index file, when given
    pub index: Option<String>,
    /// the ledger, when given
    pub ledger: Option<String>,
    /// the tool's version
    pub version: String,
}

/// Money items of the month, in `check`'s order: 低保, 分类施保, 特困 basic, 特困 care, 渐退,
/// and the monthly total.
pub const ITEMS: [&str; 6] = [
    "dibao_amount",
    "uplift_amount",
    "tekun_basic",
    "tekun_care",
    "gradual_exit_amount",
    "monthly_total",
];

/// The figures of one month, as `check` gives them.
#[derive(Debug, Clone, Default)]
pub struct MonthFigures {
    /// the month
    pub month: Option<Month>,
    /// households per decision, in [`Decision::ALL`] order
    pub households: [u64; 7],
    /// persons (the roster's `members`) per decision, in [`Decision::ALL`] order
    pub persons: [u64; 7],
    /// totals of the items of [`ITEMS`]
    pub totals: [Decimal; 6],
}

impl MonthFigures {
    /// Households in all.
    pub fn all_households(&self) -> u64 {
        self.households.iter().sum()
    }

    /// Persons in all.
    pub fn all_persons(&self) -> u64 {
        self.persons.iter().sum()
    }

    /// The households of one decision.
    pub fn of(&self, d: Decision) -> u64 {
        Decision::ALL
            .iter()
            .position(|x| *x == d)
            .map_or(0, |i| self.households[i])
    }
}

/// Headline figures.
#[derive(Debug, Clone, Default)]
pub struct Headline {
    /// the month reported
    pub current: MonthFigures,
    /// the month before, when the range includes it
    pub previous: Option<MonthFigures>,
}

/// Coverage of one township.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TownshipCoverage {
    /// the township as written in the roster (empty: not filled in)
    pub township: String,
    /// households of the roster
    pub households: u64,
    /// enrolled and paid by the rules (低保, 特困, 渐退期; not those to enrol)
    pub enrolled: u64,
    /// eligible for 低保 by the rules but not enrolled
    pub eligible_not_enrolled: u64,
    /// enrolled, no longer eligible, not in a gradual exit
    pub to_review: u64,
    /// 低保边缘
    pub edge: u64,
    /// the month's total of the township
    pub monthly_total: Decimal,
}

/// One band of monthly totals per household.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Band {
    /// lower bound, yuan, inclusive
    pub from: i64,
    /// upper bound, yuan, exclusive
    pub to: i64,
    /// households per decision of [`Amounts::decisions`]
    pub households: Vec<u64>,
}

/// Statistics of one decision's monthly totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionAmounts {
    /// the decision
    pub decision: Option<Decision>,
    /// households paid
    pub households: u64,
    /// their total
    pub total: Decimal,
    /// the smallest monthly total
    pub min: Option<Decimal>,
    /// the largest
    pub max: Option<Decimal>,
}

/// The distribution of monthly totals per household, by decision (paying decisions only).
#[derive(Debug, Clone, Default)]
pub struct Amounts {
    /// the decisions with a payment
    pub decisions: Vec<DecisionAmounts>,
    /// the bands, in order
    pub bands: Vec<Band>,
}

/// One area × index month of the price subsidy.
#[derive(Debug, Clone, Default)]
pub struct PriceRow {
    /// the index month
    pub index_month: Option<Month>,
    /// the month it is paid in (index month + the policy's lag)
    pub pay_month: Option<Month>,
    /// the area's name
    pub area: String,
    /// CPI, CPI food, SCPI year on year, percent
    pub values: [Option<Decimal>; 3],
    /// their thresholds in force
    pub thresholds: [Option<Decimal>; 3],
    /// `triggered`, `not_triggered`, `missing`, `incomplete`
    pub state: String,
    /// which indexes fired (`food`, `both` …)
    pub fired: String,
    /// per-person amounts on the urban and rural basis (triggered months)
    pub per_person: [Option<Decimal>; 2],
    /// the groups the trigger covers, with their basis (`低保`, `特困` …)
    pub groups: Vec<String>,
}

/// The price subsidy of the range.
#[derive(Debug, Clone, Default)]
pub struct PriceSection {
    /// the policy's lag between index month and pay month
    pub lag: i32,
    /// every area × index month
    pub rows: Vec<PriceRow>,
    /// the index months triggered in some area
    pub triggered: Vec<Month>,
    /// the index months left undetermined (no row, empty values)
    pub undetermined: Vec<Month>,
    /// price-subsidy lines of the schedule per pay month: (pay month, lines, amount)
    pub paid: Vec<(Month, u64, Decimal)>,
}

/// A count and an amount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sum {
    /// lines
    pub lines: u64,
    /// their amount
    pub amount: Decimal,
}

/// The payment schedule of the range, as `payouts` makes it.
#[derive(Debug, Clone, Default)]
pub struct PayoutSection {
    /// lines to pay (not yet in the ledger, not held)
    pub to_pay: Sum,
    /// lines held, by reason code
    pub held: Vec<(String, Sum)>,
    /// lines the ledger already records as paid
    pub recorded: Sum,
    /// lines to pay, by approval level (`routine`, `township`, `county` …)
    pub by_approval: Vec<(String, Sum)>,
    /// lines to pay, by month
    pub by_month: Vec<(Month, Sum)>,
    /// lines to pay, by item: (output name, Chinese name, sum)
    pub by_item: Vec<(String, String, Sum)>,
    /// households reported beside the lines, by kind: (code, Chinese name, households)
    pub notices: Vec<(String, String, u64)>,
}

/// One finding shown in full.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// the kind's code
    pub code: String,
    /// its title
    pub title: String,
    /// `high`, `medium`, `low`
    pub severity: String,
    /// 户编号
    pub household_id: String,
    /// 乡镇街道
    pub township: String,
    /// 户主姓名
    pub head_name: String,
    /// the evidence, in words
    pub evidence: String,
    /// the action
    pub action: String,
}

/// Supervision findings, as `audit` gives them.
#[derive(Debug, Clone, Default)]
pub struct AuditSection {
    /// households audited
    pub households: u64,
    /// households with a finding
    pub households_with_findings: u64,
    /// findings in all
    pub findings: u64,
    /// by kind: (code, title, findings), in rank order
    pub by_kind: Vec<(String, String, u64)>,
    /// by township: (township, (code, findings) …)
    pub by_township: Vec<(String, Vec<(String, u64)>)>,
    /// the first findings in rank order
    pub top: Vec<Case>,
}

/// One row that could not be decided, or one ID defect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// line of the roster
    pub row: u64,
    /// 户编号
    pub household_id: String,
    /// 乡镇街道
    pub township: String,
    /// `invalid`, `undetermined`, or the defect's code
    pub code: String,
    /// the reason, as `check` states it
    pub reason: String,
}

/// Data quality of the roster.
#[derive(Debug, Clone, Default)]
pub struct Quality {
    /// invalid rows
    pub invalid: u64,
    /// undetermined rows
    pub undetermined: u64,
    /// the first of them, with reasons
    pub rows: Vec<Problem>,
    /// ID defects (households)
    pub id_defects: u64,
    /// the first of them
    pub ids: Vec<Problem>,
}

/// One parameter the computation used.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParamUse {
    /// key path in the policy file
    pub key: String,
    /// area
    pub area: String,
    /// value as used
    pub value: Decimal,
    /// start month of the dated entry
    pub from: Option<Month>,
    /// `[[sources]]` id
    pub source: String,
    /// the source's title
    pub source_title: String,
    /// how the value was derived
    pub note: String,
}

/// The policy in force.
#[derive(Debug, Clone, Default)]
pub struct PolicySection {
    /// the policy's `last_verified`
    pub last_verified: Option<Month>,
    /// every parameter used, sorted by key and area
    pub params: Vec<ParamUse>,
    /// the documents: (id, title, issued)
    pub sources: Vec<(String, String, String)>,
}
