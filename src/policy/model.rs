//! The policy file as written (TOML), one struct per table of the policy schema (docs/policy.md).
//!
//! Every struct refuses unknown keys (`deny_unknown_fields`): a misspelt key must stop the run,
//! never silently change a payment. Numbers are [`Number`]/[`Share`], read exactly.

use crate::money::{Number, Rounding, Share};
use crate::month::Month;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole policy file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// `[policy]`: name and verification date.
    pub policy: Header,
    /// `[[sources]]`: the documents parameters come from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// `[areas.<id>]`: region codes that share standards.
    #[serde(default)]
    pub areas: BTreeMap<String, Area>,
    /// `[dibao]`: 低保 standards and grant rules.
    pub dibao: Option<Dibao>,
    /// `[tekun]`: 特困 support standards.
    pub tekun: Option<Tekun>,
    /// `[edge]`: 低保边缘 classification.
    pub edge: Option<Edge>,
    /// `[gradual_exit]`: 渐退期.
    pub gradual_exit: Option<GradualExit>,
    /// `[temporary]`: 临时救助 items and approval tiers.
    pub temporary: Option<Temporary>,
    /// `[price_subsidy]`: 价格临时补贴 linkage.
    pub price_subsidy: Option<PriceSubsidy>,
    /// `[[one_off]]`: 一次性生活补贴 and similar items.
    #[serde(default)]
    pub one_off: Vec<OneOff>,
    /// `[aliases]`: local roster header names mapped to standard column names.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

/// `[policy]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Human name, e.g. "兰州市 2022".
    pub name: String,
    /// The last month someone checked the parameters against the documents.
    pub last_verified: Option<Month>,
    /// Free text.
    pub description: Option<String>,
    /// Default source id for every table that names none.
    pub source: Option<String>,
}

/// `[[sources]]`: a document that parameters cite.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Id cited by `source = "..."`.
    pub id: String,
    /// Title of the document (文件名称、文号).
    pub title: String,
    /// Where to read it.
    pub url: Option<String>,
    /// Issue date or document number.
    pub issued: Option<String>,
}

/// `[areas.<id>]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// Display name, e.g. "五区".
    pub name: String,
    /// 区划代码 in this area.
    pub regions: Vec<String>,
}

/// Whether a published figure is per month or per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// per month (default)
    #[default]
    Month,
    /// per year: the monthly figure is value / 12
    Year,
}

/// `[[dibao.standard]]`: monthly 低保 standard per person, dated, per area.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DibaoStandard {
    /// first month in force
    pub from: Month,
    /// last month in force (inclusive)
    pub until: Option<Month>,
    /// area id; omitted: every area
    pub area: Option<String>,
    /// urban standard
    pub urban: Number,
    /// rural standard
    pub rural: Number,
    /// `urban` is per month (default) or per year
    #[serde(default)]
    pub urban_per: Per,
    /// `rural` is per month (default) or per year
    #[serde(default)]
    pub rural_per: Per,
    /// source id
    pub source: Option<String>,
}

/// How the 低保 grant is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payment {
    /// 补差: standard × members − counted income
    #[default]
    Gap,
    /// 分档: a per-person amount by the household's tier
    Tier,
}

/// How uplifts of several groups combine for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// the highest group only (rosters count each person once, in that group)
    #[default]
    Highest,
}

/// A number, or a number per residence (`{ urban = 100, rural = 60 }`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum ByResidence {
    /// the same for urban and rural residents
    Same(Number),
    /// different by residence
    Split {
        /// urban residents
        urban: Number,
        /// rural residents
        rural: Number,
    },
}

/// `employment_deduction`: the part of earned income not counted (就业成本扣除).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentDeduction {
    /// share of the employment income (Putian: 0.3)
    pub share_of_income: Option<Share>,
    /// share of the standard per employed member (Ganzhou: 0.3)
    pub share_of_standard: Option<Share>,
}

/// The groups a 分类施保 uplift can name (the roster's group columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpliftGroup {
    /// 老年人
    Elderly,
    /// 重度残疾人
    SeverelyDisabled,
    /// 残疾人
    Disabled,
    /// 重病患者
    SeriouslyIll,
    /// 未成年人
    Minors,
}

/// The `elderly` age when a policy names none: 60, the 老年人 of the 老年人权益保障法 (第二条).
pub const DEFAULT_ELDERLY_AGE: u32 = 60;

/// A minor (未成年人) is under 18 (未成年人保护法 第二条).
pub const ADULT_AGE: u32 = 18;

impl UpliftGroup {
    /// Every group, in roster column order.
    pub const ALL: [UpliftGroup; 5] = [
        UpliftGroup::Elderly,
        UpliftGroup::SeverelyDisabled,
        UpliftGroup::Disabled,
        UpliftGroup::SeriouslyIll,
        UpliftGroup::Minors,
    ];

    /// The roster column and policy name.
    pub fn name(self) -> &'static str {
        match self {
            UpliftGroup::Elderly => "elderly",
            UpliftGroup::SeverelyDisabled => "severely_disabled",
            UpliftGroup::Disabled => "disabled",
            UpliftGroup::SeriouslyIll => "seriously_ill",
            UpliftGroup::Minors => "minors",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            UpliftGroup::Elderly => "老年人",
            UpliftGroup::SeverelyDisabled => "重度残疾人",
            UpliftGroup::Disabled => "残疾人",
            UpliftGroup::SeriouslyIll => "重病患者",
            UpliftGroup::Minors => "未成年人",
        }
    }
}

/// `[[dibao.uplift]]`: 分类施保, extra per person in a group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uplift {
    /// the group
    pub group: UpliftGroup,
    /// share of the standard
    pub share: Option<Share>,
    /// or a fixed monthly amount
    pub amount: Option<Number>,
    /// rounding of the per-person uplift; default `dibao.round`
    pub round: Option<Rounding>,
    /// source id
    pub source: Option<String>,
}

/// `[[dibao.tiers]]`: per-person amount for a tier (分档).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// tier name as written in the roster's `tier` column
    pub tier: String,
    /// monthly amount per person
    pub per_person: Number,
    /// only for this residence (`urban`/`rural`); omitted: both
    pub residence: Option<ResidenceName>,
    /// source id
    pub source: Option<String>,
}

/// Residence as written in policy files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidenceName {
    /// 城市
    Urban,
    /// 农村
    Rural,
}

impl ResidenceName {
    /// `urban` / `rural`.
    pub fn name(self) -> &'static str {
        match self {
            ResidenceName::Urban => "urban",
            ResidenceName::Rural => "rural",
        }
    }
}

/// `[dibao]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dibao {
    /// `[[dibao.standard]]`
    #[serde(default)]
    pub standard: Vec<DibaoStandard>,
    /// rounding of the grant
    #[serde(default)]
    pub round: Rounding,
    /// a covered person gets at least this share of the standard
    pub floor_share: Option<Share>,
    /// or at least this amount per covered person
    pub floor_amount: Option<ByResidence>,
    /// gap or tier
    #[serde(default)]
    pub payment: Payment,
    /// how uplifts combine
    #[serde(default)]
    pub uplift_stacking: Stacking,
    /// employment-cost deduction
    pub employment_deduction: Option<EmploymentDeduction>,
    /// `[[dibao.uplift]]`
    #[serde(default)]
    pub uplift: Vec<Uplift>,
    /// `[[dibao.tiers]]`
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// asset test: household assets per member must not exceed this
    pub asset_limit_per_person: Option<Number>,
    /// the age (in whole years, on the first day of the evaluated month) from which a member is
    /// in the `elderly` uplift group when ages come from a members file; default 60, the age of
    /// 老年人 in the 老年人权益保障法 (Jilin's uplift, for one, starts at 70)
    pub elderly_age: Option<u32>,
    /// source id for the scalar keys of this table
    pub source: Option<String>,
}

/// A dated amount (`care_base = [{ from = "2022-01", amount = 1670 }]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedAmount {
    /// first month in force
    pub from: Month,
    /// last month in force (inclusive)
    pub until: Option<Month>,
    /// area id; omitted: every area
    pub area: Option<String>,
    /// the amount
    pub amount: Number,
    /// source id
    pub source: Option<String>,
}

/// `tekun.basic`: × the 低保 standard of the person's residence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TekunBasic {
    /// multiple of the standard (usually 1.3)
    pub multiple: Share,
    /// rounding per person (published figures are "not lower than": `yuan_up`)
    #[serde(default)]
    pub round: Rounding,
}

/// `tekun.care`: care standard by self-care ability.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TekunCare {
    /// 全自理: share of care_base, or a monthly amount without care_base
    pub self_care: Share,
    /// 半失能
    pub partial: Share,
    /// 全失能
    pub full: Share,
    /// rounding per person (usually `yuan`)
    #[serde(default)]
    pub round: Rounding,
}

/// `[tekun]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tekun {
    /// basic living standard
    pub basic: TekunBasic,
    /// the base the care shares apply to (dated)
    #[serde(default)]
    pub care_base: Vec<DatedAmount>,
    /// care standard
    pub care: Option<TekunCare>,
    /// 集中供养 multiplies care by 1 + this
    pub institutional_uplift: Option<Share>,
    /// source id
    pub source: Option<String>,
}

/// `[edge]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// per-capita income below multiple × standard
    pub multiple: Share,
    /// asset test of 低保边缘: household assets per member must not exceed this; omitted: the
    /// 低保 limit (`dibao.asset_limit_per_person`), so a household over the 低保 asset limit is
    /// not 低保边缘 either unless the policy sets a higher limit here
    pub asset_limit_per_person: Option<Number>,
    /// source id
    pub source: Option<String>,
}

/// `[gradual_exit]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradualExit {
    /// length of the exit in months
    pub months: u32,
    /// the exit ends when per-capita income reaches this × standard
    pub income_ceiling: Option<Share>,
    /// share of last_grant in each month of the exit; none: the full grant
    pub schedule: Option<Vec<Share>>,
    /// source id
    pub source: Option<String>,
}

/// Which 低保 standard an amount is a multiple of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// the urban standard of the household's area
    Urban,
    /// the rural standard of the household's area
    Rural,
    /// the standard of the household's own residence
    Own,
}

/// An amount: fixed, or a multiple of a standard (`{ multiple = 3, of = "urban" }`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum AmountSpec {
    /// fixed amount
    Fixed(Number),
    /// multiple of a monthly standard
    Multiple {
        /// the multiple
        multiple: Share,
        /// of which standard
        of: Base,
    },
}

/// Per person or per household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// once per roster row
    #[default]
    Household,
    /// × members
    Person,
}

/// A temporary-assistance item (`[temporary.<kind>]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryItem {
    /// months without income needed (unemployed_uninsured)
    pub min_months_without_income: Option<u32>,
    /// the amount
    pub amount: AmountSpec,
    /// per person or per household
    #[serde(default)]
    pub unit: Unit,
    /// rounding of the per-person (or per-household) amount before `unit` multiplies it;
    /// default none (the payment line is stated to the fen)
    pub round: Option<Rounding>,
    /// lower bound of the household amount
    pub minimum: Option<AmountSpec>,
    /// upper bound of the household amount
    pub cap: Option<AmountSpec>,
    /// source id
    pub source: Option<String>,
}

/// `[[temporary.approval]]`: who approves an amount.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// `township`, `county`, `city`, `case_by_case`; any other name is refused when the
    /// policy loads, naming the valid ones
    pub level: crate::vocab::ApprovalLevel,
    /// the highest amount this level approves; omitted: no upper bound
    pub up_to: Option<AmountSpec>,
    /// source id
    pub source: Option<String>,
}

/// A dated list of areas at medium or high epidemic risk with a higher township limit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighRisk {
    /// first month
    pub from: Month,
    /// last month (inclusive)
    pub until: Option<Month>,
    /// area ids or region codes
    pub areas: Vec<String>,
    /// the township limit while the area is listed
    pub township_up_to: AmountSpec,
    /// source id
    pub source: Option<String>,
}

/// `[temporary]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Temporary {
    /// 民发〔2020〕69号 uninsured unemployed workers
    pub unemployed_uninsured: Option<TemporaryItem>,
    /// households with a COVID patient or quarantined member
    pub pandemic: Option<TemporaryItem>,
    /// people stranded away from their hukou
    pub stranded: Option<TemporaryItem>,
    /// unemployed graduates in hardship
    pub graduate: Option<TemporaryItem>,
    /// `[[temporary.approval]]`
    #[serde(default)]
    pub approval: Vec<Approval>,
    /// `[[temporary.high_risk]]`
    #[serde(default)]
    pub high_risk: Vec<HighRisk>,
    /// source id
    pub source: Option<String>,
}

/// Which index a price-subsidy formula reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKind {
    /// CPI year on year
    Cpi,
    /// CPI food
    Food,
    /// 社会救助和保障标准与物价上涨挂钩 SCPI
    Scpi,
    /// the higher of the indexes that fired
    #[default]
    Triggering,
}

impl IndexKind {
    /// The name as written in policy files.
    pub fn name(self) -> &'static str {
        match self {
            IndexKind::Cpi => "cpi",
            IndexKind::Food => "food",
            IndexKind::Scpi => "scpi",
            IndexKind::Triggering => "triggering",
        }
    }
}

/// `[[price_subsidy.trigger]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// first index month in force
    pub from: Month,
    /// last index month in force (inclusive)
    pub until: Option<Month>,
    /// area id; omitted: every area
    pub area: Option<String>,
    /// CPI threshold (≥ fires)
    pub cpi: Option<Number>,
    /// CPI food threshold
    pub food: Option<Number>,
    /// SCPI threshold
    pub scpi: Option<Number>,
    /// groups covered only while this entry is in force
    #[serde(default)]
    pub extra_groups: Vec<String>,
    /// source id
    pub source: Option<String>,
}

/// The price-subsidy formula modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormulaMode {
    /// standard × index%
    Proportional,
    /// share of the standard by band
    BandShare,
    /// amount per started percentage point
    PerPoint,
    /// fixed amounts by band
    FixedBand,
    /// fixed amounts by area or residence
    Fixed,
}

impl FormulaMode {
    /// The name as written in policy files.
    pub fn name(self) -> &'static str {
        match self {
            FormulaMode::Proportional => "proportional",
            FormulaMode::BandShare => "band_share",
            FormulaMode::PerPoint => "per_point",
            FormulaMode::FixedBand => "fixed_band",
            FormulaMode::Fixed => "fixed",
        }
    }
}

/// A band of `band_share` or `fixed_band`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// the band starts at this index value
    pub at: Number,
    /// band_share: share of the standard
    pub share: Option<Share>,
    /// fixed_band: urban amount
    pub urban: Option<Number>,
    /// fixed_band: rural amount
    pub rural: Option<Number>,
}

/// `[[price_subsidy.formula]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    /// first index month in force
    pub from: Month,
    /// last index month in force (inclusive)
    pub until: Option<Month>,
    /// area id; omitted: every area
    pub area: Option<String>,
    /// the mode
    pub mode: FormulaMode,
    /// which index
    #[serde(default)]
    pub index: IndexKind,
    /// rounding per person
    #[serde(default)]
    pub round: Rounding,
    /// minimum per person in a triggered month
    pub floor: Option<Number>,
    /// e.g. 2 for a temporary doubling
    pub multiplier: Option<Number>,
    /// bands of band_share / fixed_band
    #[serde(default)]
    pub bands: Vec<Band>,
    /// per_point amount
    pub per_point: Option<Number>,
    /// fixed amounts by area id or urban/rural
    pub amounts: Option<BTreeMap<String, Number>>,
    /// source id
    pub source: Option<String>,
}

/// `[price_subsidy]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceSubsidy {
    /// the subsidy for index month m is paid in month m + index_lag
    #[serde(default = "one")]
    pub index_lag: i32,
    /// a person in several groups gets the highest amount only
    #[serde(default)]
    pub dedupe: Stacking,
    /// `[[price_subsidy.trigger]]`
    #[serde(default)]
    pub trigger: Vec<Trigger>,
    /// `[[price_subsidy.formula]]`
    #[serde(default)]
    pub formula: Vec<Formula>,
    /// group → which standard its amount is based on
    #[serde(default)]
    pub groups: BTreeMap<String, Base>,
    /// source id
    pub source: Option<String>,
}

fn one() -> i32 {
    1
}

/// An amount of a one-off item: the same for both residences, or by residence.
pub type OneOffAmount = ByResidence;

/// The unit of a one-off item: one for both residences, or by residence
/// (`unit = { urban = "household", rural = "person" }`: Rizhao 2019 paid urban 低保 300 per
/// household but rural 低保 200 per person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum UnitSpec {
    /// the same unit for urban and rural residents
    Same(Unit),
    /// a unit per residence
    ByResidence {
        /// urban residents
        urban: Unit,
        /// rural residents
        rural: Unit,
    },
}

impl Default for UnitSpec {
    fn default() -> UnitSpec {
        UnitSpec::Same(Unit::Household)
    }
}

/// `[[one_off]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOff {
    /// stable id, part of payment ids
    pub id: String,
    /// display name
    pub name: String,
    /// the month it is paid
    pub pay_month: Month,
    /// per person or per household (or by residence)
    #[serde(default)]
    pub unit: UnitSpec,
    /// a person in several groups gets the highest only
    #[serde(default)]
    pub dedupe: Stacking,
    /// only these areas
    pub areas: Option<Vec<String>>,
    /// group → amount
    pub amounts: BTreeMap<String, OneOffAmount>,
    /// source id
    pub source: Option<String>,
}
