//! The policy model: the TOML file, its validation at load, and the parameters in force for an
//! area and a month, each with the document it comes from.

pub mod dated;
pub mod model;

use crate::lang::Lang;
use crate::money::{Number, Share};
use crate::month::Month;
use crate::vocab::Residence;
use dated::{Dated, ambiguous, in_force};
use model::{Per, PolicyFile};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a policy cannot be used. Every variant names the file's key path; none is ever replaced
/// by a default value.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file {path}: {source}")]
    Io {
        /// the file
        path: PathBuf,
        /// the cause
        source: std::io::Error,
    },
    /// TOML syntax or a value of the wrong type, or a key the schema does not know.
    #[error("policy file {path}: at `{key}`: {message}")]
    Parse {
        /// the file
        path: String,
        /// key path, e.g. `dibao.standard[0].urbn`
        key: String,
        /// what is wrong (with line and column)
        message: String,
    },
    /// A value that breaks a rule of the schema.
    #[error("policy file {path}: `{key}`: {message}")]
    Invalid {
        /// the file
        path: String,
        /// key path
        key: String,
        /// what is wrong
        message: String,
    },
    /// A value or a file that breaks a rule of the schema, its reason in both languages (the
    /// `Display` is the Chinese one; [`PolicyError::describe`] picks).
    #[error("政策文件 {path}：`{key}`：{zh}")]
    Rule {
        /// the file
        path: String,
        /// key path, or `(file)`
        key: String,
        /// what is wrong, in Chinese
        zh: String,
        /// what is wrong, in English
        en: String,
    },
    /// A value needed for a month has no entry in force.
    #[error("政策文件 {path}：地区 {area} 在 {month} 没有有效的 `{key}`（未定义或已过期）")]
    NotInForce {
        /// the file
        path: String,
        /// key path
        key: String,
        /// area id or "(all areas)"
        area: String,
        /// the month evaluated
        month: Month,
    },
    /// `last_verified` is before the evaluated month and `--strict` was given.
    #[error("政策文件 {path}：核对日期 {verified} 早于计算月份 {month}，--strict 下拒绝计算")]
    Stale {
        /// the file
        path: String,
        /// `policy.last_verified`
        verified: Month,
        /// the month evaluated
        month: Month,
    },
}

/// A parameter value with its provenance: which key, which document, which dated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// key path in the policy file, e.g. `dibao.standard.urban`
    pub key: &'static str,
    /// the value as used (a yearly figure already divided by 12)
    pub value: Decimal,
    /// `[[sources]]` id
    pub source: Option<String>,
    /// the `from` of the dated entry in force
    pub from: Option<Month>,
    /// the area the entry names, if any
    pub area: Option<String>,
    /// a note on how the value was derived (e.g. "5268 per year / 12")
    pub note: Option<String>,
}

impl Param {
    /// An undated parameter.
    pub fn plain(key: &'static str, value: Decimal, source: Option<String>) -> Param {
        Param {
            key,
            value,
            source,
            from: None,
            area: None,
            note: None,
        }
    }

    /// "source lz-2022, from 2022-01" — the citation shown beside a figure.
    pub fn cite(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.source {
            parts.push(s.clone());
        }
        if let Some(f) = self.from {
            parts.push(format!("{f}起"));
        }
        parts.join(", ")
    }
}

/// The parameters of one area in force in one month, resolved once and shared by every
/// household of that area.
#[derive(Debug, Clone)]
pub struct AreaParams {
    /// area id (`None` when the policy defines no areas)
    pub area: Option<String>,
    /// the month
    pub month: Month,
    /// monthly urban 低保 standard per person
    pub urban: Param,
    /// monthly rural 低保 standard per person
    pub rural: Param,
    /// the base of the 特困 care shares, when the policy has one
    pub care_base: Option<Param>,
}

impl AreaParams {
    /// The monthly standard for a residence.
    pub fn standard(&self, residence: Residence) -> &Param {
        match residence {
            Residence::Urban => &self.urban,
            Residence::Rural => &self.rural,
        }
    }
}

/// Every area's parameters for one month, indexed by [`AreaIndex`].
#[derive(Debug, Clone)]
pub struct MonthParams {
    /// the month
    pub month: Month,
    /// one per area, in [`Policy::area_ids`] order
    pub areas: Vec<AreaParams>,
}

/// Index of an area in [`Policy::area_ids`].
pub type AreaIndex = usize;

/// A loaded, validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// the file's contents
    pub file: PolicyFile,
    /// where it was read from
    pub path: String,
    /// SHA-256 of the file's bytes, hex
    pub sha256: String,
    /// area ids; a single "" when the policy defines no areas
    pub area_ids: Vec<String>,
    region_area: HashMap<String, AreaIndex>,
    /// values that are allowed but unusual (a share above 1): the command says them in its
    /// language
    pub warnings: Vec<PolicyWarning>,
}

/// `last_verified` is before the month evaluated (without `--strict`): said as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleWarning {
    /// the policy's name
    pub name: String,
    /// `policy.last_verified`
    pub verified: Month,
    /// the month evaluated
    pub month: Month,
}

impl StaleWarning {
    /// The warning in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let StaleWarning {
            name,
            verified,
            month,
        } = self;
        match lang {
            Lang::Zh => format!(
                "政策“{name}”的核对日期 {verified} 早于计算月份 {month}：请核实参数是否仍然有效"
            ),
            Lang::En => format!(
                "policy \"{name}\" was last verified {verified}, before the month evaluated ({month}): check the parameters are still in force"
            ),
        }
    }
}

impl PolicyError {
    /// The error in `lang` (its `Display` is the Chinese wording, the default language).
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                PolicyError::NotInForce {
                    path,
                    key,
                    area,
                    month,
                },
                Lang::En,
            ) => format!("policy {path}: no `{key}` in force for area {area} in {month}"),
            (
                PolicyError::Stale {
                    path,
                    verified,
                    month,
                },
                Lang::En,
            ) => format!(
                "policy {path}: last verified {verified}, evaluating {month}; refusing with --strict"
            ),
            (PolicyError::Rule { path, key, en, .. }, Lang::En) => {
                format!("policy file {path}: `{key}`: {en}")
            }
            _ => self.to_string(),
        }
    }
}

/// A value a policy may set but that is probably a mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyWarning {
    /// a share above 1, more than the whole it is a share of
    ShareAboveOne {
        /// the policy file
        path: String,
        /// the key, e.g. `tekun.care.full`
        key: String,
        /// the value as written
        value: String,
    },
}

impl PolicyWarning {
    /// The warning in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            PolicyWarning::ShareAboveOne { path, key, value } => match lang {
                Lang::Zh => format!(
                    "政策 {path}：`{key}` = {value} 是大于 1 的份额，超过其所占的整体：请核对是否误填为百分数或金额"
                ),
                Lang::En => format!(
                    "policy {path}: `{key}` = {value} is a share above 1, more than the whole it is a share of: check it is not a percentage or an amount"
                ),
            },
        }
    }
}

/// The keys that name a source, with the source they name, collected as a policy is checked.
type SourceRefs<'a> = Vec<(String, &'a Option<String>)>;

/// The longest gradual exit a policy may set, in months (ten years; published exits last 3 to
/// 12 months).
pub const MAX_EXIT_MONTHS: u32 = 120;

/// Group names a policy may use for price subsidies and one-off items: the enrolment statuses
/// and the roster's categories.
pub const GROUPS: &[&str] = &[
    "dibao",
    "tekun",
    "edge",
    "youfu",
    "orphan",
    "de_facto_orphan",
    "hiv_child",
    "ui",
    "unemployment_subsidy",
    "poverty_alleviated",
    "monitored",
    "graduate",
];

impl Policy {
    /// Reads and validates a policy file.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let io = |source| PolicyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut bytes = Vec::new();
        // Read at most one byte past the limit: a huge file is refused without being held.
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::fs::File::open(path).map_err(io)?, MAX_POLICY_BYTES + 1),
            &mut bytes,
        )
        .map_err(io)?;
        let name = path.display().to_string();
        if bytes.len() as u64 > MAX_POLICY_BYTES {
            return Err(PolicyError::Rule {
                path: name,
                key: "(file)".into(),
                zh: format!(
                    "政策文件超过 {MAX_POLICY_BYTES} 字节（1 MiB）的上限，远大于任何实际政策：请确认文件是否正确"
                ),
                en: format!(
                    "the policy file is larger than {MAX_POLICY_BYTES} bytes (1 MiB), far more than any real policy: is it the right file?"
                ),
            });
        }
        let text = String::from_utf8(bytes).map_err(|_| PolicyError::Invalid {
            path: name.clone(),
            key: "(file)".into(),
            message: "the policy file must be UTF-8 text".into(),
        })?;
        Policy::parse(&text, &name)
    }

    /// Parses and validates policy text; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<Policy, PolicyError> {
        if text.len() as u64 > MAX_POLICY_BYTES {
            return Err(PolicyError::Rule {
                path: name.to_string(),
                key: "(file)".into(),
                zh: format!("政策文本超过 {MAX_POLICY_BYTES} 字节（1 MiB）的上限"),
                en: format!("the policy text is larger than {MAX_POLICY_BYTES} bytes (1 MiB)"),
            });
        }
        if let Ok(table) = text.parse::<toml::Table>() {
            let entries = count_values(&toml::Value::Table(table));
            if entries > MAX_POLICY_ENTRIES {
                return Err(PolicyError::Rule {
                    path: name.to_string(),
                    key: "(file)".into(),
                    zh: format!("政策文件有 {entries} 个条目，超过上限 {MAX_POLICY_ENTRIES}"),
                    en: format!(
                        "the policy file holds {entries} values, more than the limit of {MAX_POLICY_ENTRIES}"
                    ),
                });
            }
        }
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let de = toml::Deserializer::parse(text).map_err(|e| PolicyError::Parse {
            path: name.to_string(),
            key: "(syntax)".into(),
            message: one_line(&e.to_string()),
        })?;
        let file: PolicyFile = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            PolicyError::Parse {
                path: name.to_string(),
                key,
                message: one_line(&e.into_inner().to_string()),
            }
        })?;
        let mut area_ids: Vec<String> = file.areas.keys().cloned().collect();
        let mut region_area = HashMap::new();
        for (i, id) in area_ids.iter().enumerate() {
            for region in &file.areas[id].regions {
                if region_area.insert(region.trim().to_string(), i).is_some() {
                    return Err(PolicyError::Invalid {
                        path: name.to_string(),
                        key: format!("areas.{id}.regions"),
                        message: format!("region {region} is listed in more than one area"),
                    });
                }
            }
        }
        if area_ids.is_empty() {
            area_ids.push(String::new());
        }
        let mut policy = Policy {
            file,
            path: name.to_string(),
            sha256,
            area_ids,
            region_area,
            warnings: Vec::new(),
        };
        policy.validate()?;
        policy.warnings = policy.validate_numbers()?;
        Ok(policy)
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.file.policy.name
    }

    /// Whether the policy groups regions into areas.
    pub fn has_areas(&self) -> bool {
        !self.file.areas.is_empty()
    }

    /// The area a region code belongs to; with no areas defined, every region is in the one
    /// implicit area.
    pub fn area_of(&self, region: &str) -> Option<AreaIndex> {
        if self.has_areas() {
            self.region_area.get(region.trim()).copied()
        } else {
            Some(0)
        }
    }

    /// The area id as used in `area = "..."` keys (`None` for the implicit area).
    pub fn area_key(&self, area: AreaIndex) -> Option<&str> {
        self.area_ids
            .get(area)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The title of a `[[sources]]` entry.
    pub fn source_title(&self, id: &str) -> Option<&str> {
        self.file
            .sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.as_str())
    }

    /// A table's source, else the policy-wide one.
    pub fn source_or_default(&self, own: &Option<String>) -> Option<String> {
        own.clone().or_else(|| self.file.policy.source.clone())
    }

    /// A rule broken at `key`, its reason in Chinese and in English.
    fn rule(&self, key: impl Into<String>, zh: String, en: String) -> PolicyError {
        PolicyError::Rule {
            path: self.path.clone(),
            key: key.into(),
            zh,
            en,
        }
    }

    fn err(&self, key: impl Into<String>, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            path: self.path.clone(),
            key: key.into(),
            message: message.into(),
        }
    }

    /// Refuses to evaluate a month after `last_verified` with `--strict`; otherwise returns the
    /// warning to print.
    pub fn check_verified(
        &self,
        month: Month,
        strict: bool,
    ) -> Result<Option<StaleWarning>, PolicyError> {
        match self.file.policy.last_verified {
            Some(verified) if verified < month => {
                if strict {
                    Err(PolicyError::Stale {
                        path: self.path.clone(),
                        verified,
                        month,
                    })
                } else {
                    Ok(Some(StaleWarning {
                        name: self.name().to_string(),
                        verified,
                        month,
                    }))
                }
            }
            _ => Ok(None),
        }
    }

    /// The parameters of every area in force in `month`; an error names the first key with
    /// nothing in force.
    pub fn month_params(&self, month: Month) -> Result<MonthParams, PolicyError> {
        let areas = (0..self.area_ids.len())
            .map(|a| self.area_params(a, month))
            .collect::<Result<_, _>>()?;
        Ok(MonthParams { month, areas })
    }

    /// The parameters of one area in force in `month`.
    pub fn area_params(&self, area: AreaIndex, month: Month) -> Result<AreaParams, PolicyError> {
        let key = self.area_key(area);
        let not_in_force = |k: &str| PolicyError::NotInForce {
            path: self.path.clone(),
            key: k.to_string(),
            area: key.unwrap_or("(all areas)").to_string(),
            month,
        };
        let dibao = self
            .file
            .dibao
            .as_ref()
            .ok_or_else(|| not_in_force("dibao.standard"))?;
        let entry =
            in_force(&dibao.standard, key, month).ok_or_else(|| not_in_force("dibao.standard"))?;
        let source = self
            .source_or_default(&entry.source)
            .or_else(|| dibao.source.clone());
        let standard = |k: &'static str, n: Number, per: Per| {
            let (value, note) = match per {
                Per::Month => (n.0, None),
                // normalize(): 5268 / 12 is 439, not 439.000…0 at scale 28; a small scale keeps
                // every amount derived from it cheap to compute and to print.
                Per::Year => (
                    (n.0 / Decimal::from(12)).normalize(),
                    Some(format!("{} per year / 12", n.0.normalize())),
                ),
            };
            Param {
                key: k,
                value,
                source: source.clone(),
                from: Some(entry.from),
                area: entry.area.clone(),
                note,
            }
        };
        let care_base = match &self.file.tekun {
            Some(t) if !t.care_base.is_empty() => {
                let e = in_force(&t.care_base, key, month)
                    .ok_or_else(|| not_in_force("tekun.care_base"))?;
                Some(Param {
                    key: "tekun.care_base",
                    value: e.amount.0,
                    source: self
                        .source_or_default(&e.source)
                        .or_else(|| t.source.clone()),
                    from: Some(e.from),
                    area: e.area.clone(),
                    note: None,
                })
            }
            _ => None,
        };
        Ok(AreaParams {
            area: key.map(str::to_string),
            month,
            urban: standard("dibao.standard.urban", entry.urban, entry.urban_per),
            rural: standard("dibao.standard.rural", entry.rural, entry.rural_per),
            care_base,
        })
    }

    /// Checks what serde cannot: names, sources, areas, groups and the consistency of each
    /// table, one step per table, in the order of the file's tables; a source named anywhere
    /// must be defined, and an alias must name a roster column.
    fn validate(&self) -> Result<(), PolicyError> {
        let f = &self.file;
        if f.policy.name.trim().is_empty() {
            return Err(self.err("policy.name", "must not be empty"));
        }
        let ids = self.source_ids()?;
        let mut refs: SourceRefs = vec![("policy.source".into(), &f.policy.source)];
        if let Some(d) = &f.dibao {
            self.validate_dibao(d, &mut refs)?;
        }
        if let Some(t) = &f.tekun {
            self.validate_tekun(t, &mut refs)?;
        }
        if let Some(e) = &f.edge {
            refs.push(("edge.source".into(), &e.source));
        }
        if let Some(g) = &f.gradual_exit {
            self.validate_gradual_exit(g, &mut refs)?;
        }
        if let Some(p) = &f.price_subsidy {
            self.validate_price_subsidy_names(p, &mut refs)?;
            self.validate_price_subsidy(p)?;
        }
        self.validate_one_offs(&mut refs)?;
        if let Some(t) = &f.temporary {
            self.validate_temporary(t, &mut refs)?;
        }
        self.validate_source_refs(&ids, refs)?;
        self.validate_aliases()
    }

    /// The ids of `[[sources]]`; one defined twice is refused.
    fn source_ids(&self) -> Result<BTreeSet<&str>, PolicyError> {
        let mut ids = BTreeSet::new();
        for s in &self.file.sources {
            if !ids.insert(s.id.as_str()) {
                return Err(self.err(
                    "sources.id",
                    format!("source \"{}\" is defined twice", s.id),
                ));
            }
        }
        Ok(ids)
    }

    /// Whether an entry's `area` (none: every area) is an area of `[areas]`.
    fn area_known(&self, a: &Option<String>) -> bool {
        a.as_ref().is_none_or(|a| self.file.areas.contains_key(a))
    }

    /// `[dibao]`: standards, floor, deduction, tiers and uplift groups.
    fn validate_dibao<'a>(
        &self,
        d: &'a model::Dibao,
        refs: &mut SourceRefs<'a>,
    ) -> Result<(), PolicyError> {
        refs.push(("dibao.source".into(), &d.source));
        self.check_dated("dibao.standard", &d.standard)?;
        for (i, s) in d.standard.iter().enumerate() {
            refs.push((format!("dibao.standard[{i}].source"), &s.source));
            if !self.area_known(&s.area) {
                return Err(self.err(
                    format!("dibao.standard[{i}].area"),
                    self.unknown_area(&s.area),
                ));
            }
            if s.urban.0.is_sign_negative() || s.rural.0.is_sign_negative() {
                return Err(self.rule(
                    format!("dibao.standard[{i}]"),
                    "保障标准不能为负数".into(),
                    "a standard cannot be negative".into(),
                ));
            }
        }
        if d.floor_share.is_some() && d.floor_amount.is_some() {
            return Err(self.err(
                "dibao.floor_share",
                "give floor_share or floor_amount, not both",
            ));
        }
        if let Some(ed) = &d.employment_deduction
            && ed.share_of_income.is_some() == ed.share_of_standard.is_some()
        {
            return Err(self.err(
                "dibao.employment_deduction",
                "give exactly one of share_of_income or share_of_standard",
            ));
        }
        if d.payment == model::Payment::Tier && d.tiers.is_empty() {
            return Err(self.err(
                "dibao.tiers",
                "payment = \"tier\" needs at least one [[dibao.tiers]]",
            ));
        }
        let mut groups = BTreeSet::new();
        for (i, u) in d.uplift.iter().enumerate() {
            refs.push((format!("dibao.uplift[{i}].source"), &u.source));
            if u.share.is_some() == u.amount.is_some() {
                return Err(self.err(
                    format!("dibao.uplift[{i}]"),
                    "give exactly one of share or amount",
                ));
            }
            if !groups.insert(u.group) {
                return Err(self.err(
                    format!("dibao.uplift[{i}].group"),
                    format!("group {} has two uplift entries", u.group.name()),
                ));
            }
        }
        for (i, t) in d.tiers.iter().enumerate() {
            refs.push((format!("dibao.tiers[{i}].source"), &t.source));
            let dup = d.tiers[..i].iter().any(|o| {
                o.tier == t.tier
                    && (o.residence.is_none()
                        || t.residence.is_none()
                        || o.residence == t.residence)
            });
            if dup {
                return Err(self.err(
                    format!("dibao.tiers[{i}]"),
                    format!("tier \"{}\" is defined twice", t.tier),
                ));
            }
        }
        Ok(())
    }

    /// `[tekun]`: the care bases and their shares.
    fn validate_tekun<'a>(
        &self,
        t: &'a model::Tekun,
        refs: &mut SourceRefs<'a>,
    ) -> Result<(), PolicyError> {
        refs.push(("tekun.source".into(), &t.source));
        self.check_dated("tekun.care_base", &t.care_base)?;
        for (i, c) in t.care_base.iter().enumerate() {
            refs.push((format!("tekun.care_base[{i}].source"), &c.source));
            if !self.area_known(&c.area) {
                return Err(self.err(
                    format!("tekun.care_base[{i}].area"),
                    self.unknown_area(&c.area),
                ));
            }
        }
        if t.care.is_none() && !t.care_base.is_empty() {
            return Err(self.err("tekun.care", "care_base is given but no care shares"));
        }
        Ok(())
    }

    /// `[gradual_exit]`: its length and schedule.
    fn validate_gradual_exit<'a>(
        &self,
        g: &'a model::GradualExit,
        refs: &mut SourceRefs<'a>,
    ) -> Result<(), PolicyError> {
        refs.push(("gradual_exit.source".into(), &g.source));
        if g.months == 0 {
            return Err(self.err("gradual_exit.months", "must be at least 1"));
        }
        if g.months > MAX_EXIT_MONTHS {
            let months = g.months;
            return Err(self.rule(
                "gradual_exit.months",
                format!("渐退期 {months} 个月超过上限 {MAX_EXIT_MONTHS} 个月（十年）"),
                format!(
                    "{months} months is longer than the {MAX_EXIT_MONTHS} months (ten years) a gradual exit may last"
                ),
            ));
        }
        if let Some(s) = &g.schedule
            && s.len() != g.months as usize
        {
            return Err(self.err(
                "gradual_exit.schedule",
                format!(
                    "has {} shares but months = {}: give exactly one share per month",
                    s.len(),
                    g.months
                ),
            ));
        }
        Ok(())
    }

    /// `[price_subsidy]`: the areas and groups its triggers and formulas name.
    fn validate_price_subsidy_names<'a>(
        &self,
        p: &'a model::PriceSubsidy,
        refs: &mut SourceRefs<'a>,
    ) -> Result<(), PolicyError> {
        refs.push(("price_subsidy.source".into(), &p.source));
        self.check_dated("price_subsidy.trigger", &p.trigger)?;
        self.check_dated("price_subsidy.formula", &p.formula)?;
        for (i, t) in p.trigger.iter().enumerate() {
            refs.push((format!("price_subsidy.trigger[{i}].source"), &t.source));
            if !self.area_known(&t.area) {
                return Err(self.err(
                    format!("price_subsidy.trigger[{i}].area"),
                    self.unknown_area(&t.area),
                ));
            }
            for g in &t.extra_groups {
                if !GROUPS.contains(&g.as_str()) {
                    return Err(self.err(
                        format!("price_subsidy.trigger[{i}].extra_groups"),
                        unknown_group(g),
                    ));
                }
            }
        }
        for (i, fm) in p.formula.iter().enumerate() {
            refs.push((format!("price_subsidy.formula[{i}].source"), &fm.source));
            if !self.area_known(&fm.area) {
                return Err(self.err(
                    format!("price_subsidy.formula[{i}].area"),
                    self.unknown_area(&fm.area),
                ));
            }
        }
        for g in p.groups.keys() {
            if !GROUPS.contains(&g.as_str()) {
                return Err(self.err("price_subsidy.groups", unknown_group(g)));
            }
        }
        Ok(())
    }

    /// `[[one_off]]`: ids, groups and areas.
    fn validate_one_offs<'a>(&'a self, refs: &mut SourceRefs<'a>) -> Result<(), PolicyError> {
        let f = &self.file;
        let mut one_off_ids = BTreeSet::new();
        for (i, o) in f.one_off.iter().enumerate() {
            refs.push((format!("one_off[{i}].source"), &o.source));
            if !one_off_ids.insert(o.id.as_str()) {
                return Err(self.err(
                    format!("one_off[{i}].id"),
                    format!("one-off id \"{}\" is used twice", o.id),
                ));
            }
            if o.amounts.is_empty() {
                return Err(self.err(
                    format!("one_off[{i}].amounts"),
                    "names no group: say who is paid, e.g. amounts = { dibao = 500 }",
                ));
            }
            for g in o.amounts.keys() {
                if !GROUPS.contains(&g.as_str()) {
                    return Err(self.err(format!("one_off[{i}].amounts"), unknown_group(g)));
                }
            }
            for a in o.areas.iter().flatten() {
                if !f.areas.contains_key(a) {
                    return Err(self.err(
                        format!("one_off[{i}].areas"),
                        self.unknown_area(&Some(a.clone())),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[temporary]`: its items, approval tiers and high-risk entries.
    fn validate_temporary<'a>(
        &self,
        t: &'a model::Temporary,
        refs: &mut SourceRefs<'a>,
    ) -> Result<(), PolicyError> {
        let f = &self.file;
        refs.push(("temporary.source".into(), &t.source));
        for (name, item) in [
            ("unemployed_uninsured", &t.unemployed_uninsured),
            ("pandemic", &t.pandemic),
            ("stranded", &t.stranded),
            ("graduate", &t.graduate),
        ] {
            if let Some(item) = item {
                refs.push((format!("temporary.{name}.source"), &item.source));
            }
        }
        if let Some(u) = &t.unemployed_uninsured
            && u.min_months_without_income.is_none()
        {
            return Err(self.rule(
                "temporary.unemployed_uninsured.min_months_without_income",
                "必须填写：规定要求的无收入月数（民发〔2020〕69号为 3）".into(),
                "is required: the months without income the rule asks for (3 in 民发〔2020〕69号)"
                    .into(),
            ));
        }
        for (i, a) in t.approval.iter().enumerate() {
            if a.up_to.is_none() && i + 1 < t.approval.len() {
                return Err(self.err(
                    format!("temporary.approval[{i}].up_to"),
                    "only the last tier may have no upper bound: the tiers after it could never approve anything",
                ));
            }
        }
        for (i, r) in t.high_risk.iter().enumerate() {
            refs.push((format!("temporary.high_risk[{i}].source"), &r.source));
            if let Some(u) = r.until
                && u < r.from
            {
                return Err(self.err(
                    format!("temporary.high_risk[{i}]"),
                    format!("the entry ends ({u}) before it starts ({})", r.from),
                ));
            }
            for a in &r.areas {
                if self.has_areas()
                    && !f.areas.contains_key(a)
                    && !self.region_area.contains_key(a.trim())
                {
                    return Err(self.err(
                        format!("temporary.high_risk[{i}].areas"),
                        format!("\"{a}\" is neither an area id nor a region code of [areas]"),
                    ));
                }
            }
        }
        for (i, a) in t.approval.iter().enumerate() {
            refs.push((format!("temporary.approval[{i}].source"), &a.source));
        }
        Ok(())
    }

    /// Every source named is defined in `[[sources]]`.
    fn validate_source_refs(
        &self,
        ids: &BTreeSet<&str>,
        refs: SourceRefs,
    ) -> Result<(), PolicyError> {
        for (key, r) in refs {
            if let Some(id) = r
                && !ids.contains(id.as_str())
            {
                return Err(self.err(
                    key,
                    format!("source \"{id}\" is not defined in [[sources]]"),
                ));
            }
        }
        Ok(())
    }

    /// Every `[aliases]` entry names a roster column.
    fn validate_aliases(&self) -> Result<(), PolicyError> {
        let f = &self.file;
        for (alias, column) in &f.aliases {
            if !crate::vocab::columns::is_known(column) {
                return Err(self.err(
                    format!("aliases.{alias}"),
                    format!("\"{column}\" is not a roster column"),
                ));
            }
        }
        Ok(())
    }

    /// Refuses a negative amount, multiple or share anywhere in the policy (naming its key) and
    /// an exit longer than [`MAX_EXIT_MONTHS`]; returns a warning for each share above 1 where a
    /// share is a part of something (care shares of a `care_base`, deductions, floors, uplifts,
    /// the exit schedule).
    fn validate_numbers(&self) -> Result<Vec<PolicyWarning>, PolicyError> {
        use model::{AmountSpec, ByResidence};
        let f = &self.file;
        let mut warnings = Vec::new();
        let negative = |key: &str| {
            self.rule(
                key,
                "不能为负数：请填写 0 或正数".into(),
                "cannot be negative: give 0 or a positive value".into(),
            )
        };
        let num = |key: &str, n: Number| -> Result<(), PolicyError> {
            if n.0.is_sign_negative() && !n.0.is_zero() {
                return Err(negative(key));
            }
            Ok(())
        };
        let share = |key: &str, s: Share| -> Result<(), PolicyError> {
            if s.is_negative() {
                return Err(negative(key));
            }
            Ok(())
        };
        let mut part = |key: &str, s: Share| -> Result<(), PolicyError> {
            share(key, s)?;
            if s.value() > Decimal::ONE {
                warnings.push(PolicyWarning::ShareAboveOne {
                    path: self.path.clone(),
                    key: key.to_string(),
                    value: s.to_string(),
                });
            }
            Ok(())
        };
        let by_res = |key: &str, b: ByResidence| -> Result<(), PolicyError> {
            match b {
                ByResidence::Same(n) => num(key, n),
                ByResidence::Split { urban, rural } => {
                    num(&format!("{key}.urban"), urban)?;
                    num(&format!("{key}.rural"), rural)
                }
            }
        };
        let spec = |key: &str, a: AmountSpec| -> Result<(), PolicyError> {
            match a {
                AmountSpec::Fixed(n) => num(key, n),
                AmountSpec::Multiple { multiple, .. } => {
                    share(&format!("{key}.multiple"), multiple)
                }
            }
        };
        if let Some(d) = &f.dibao {
            if let Some(s) = d.floor_share {
                part("dibao.floor_share", s)?;
            }
            if let Some(b) = d.floor_amount {
                by_res("dibao.floor_amount", b)?;
            }
            if let Some(ed) = d.employment_deduction {
                if let Some(s) = ed.share_of_income {
                    part("dibao.employment_deduction.share_of_income", s)?;
                }
                if let Some(s) = ed.share_of_standard {
                    part("dibao.employment_deduction.share_of_standard", s)?;
                }
            }
            for (i, u) in d.uplift.iter().enumerate() {
                if let Some(s) = u.share {
                    part(&format!("dibao.uplift[{i}].share"), s)?;
                }
                if let Some(a) = u.amount {
                    num(&format!("dibao.uplift[{i}].amount"), a)?;
                }
            }
            for (i, t) in d.tiers.iter().enumerate() {
                num(&format!("dibao.tiers[{i}].per_person"), t.per_person)?;
            }
            if let Some(a) = d.asset_limit_per_person {
                num("dibao.asset_limit_per_person", a)?;
            }
        }
        if let Some(t) = &f.tekun {
            share("tekun.basic.multiple", t.basic.multiple)?;
            for (i, c) in t.care_base.iter().enumerate() {
                num(&format!("tekun.care_base[{i}].amount"), c.amount)?;
            }
            if let Some(c) = &t.care {
                // Without a care_base the "shares" are monthly amounts, and above 1 is normal.
                let of_base = !t.care_base.is_empty();
                for (k, s) in [
                    ("self_care", c.self_care),
                    ("partial", c.partial),
                    ("full", c.full),
                ] {
                    let key = format!("tekun.care.{k}");
                    if of_base {
                        part(&key, s)?;
                    } else {
                        share(&key, s)?;
                    }
                }
            }
            if let Some(u) = t.institutional_uplift {
                part("tekun.institutional_uplift", u)?;
            }
        }
        if let Some(e) = &f.edge {
            share("edge.multiple", e.multiple)?;
            if let Some(a) = e.asset_limit_per_person {
                num("edge.asset_limit_per_person", a)?;
            }
        }
        if let Some(g) = &f.gradual_exit {
            if let Some(c) = g.income_ceiling {
                share("gradual_exit.income_ceiling", c)?;
            }
            for (i, s) in g.schedule.iter().flatten().enumerate() {
                part(&format!("gradual_exit.schedule[{i}]"), *s)?;
            }
        }
        if let Some(t) = &f.temporary {
            for (name, item) in [
                ("unemployed_uninsured", &t.unemployed_uninsured),
                ("pandemic", &t.pandemic),
                ("stranded", &t.stranded),
                ("graduate", &t.graduate),
            ] {
                let Some(item) = item else { continue };
                let key = format!("temporary.{name}");
                spec(&format!("{key}.amount"), item.amount)?;
                if let Some(m) = item.minimum {
                    spec(&format!("{key}.minimum"), m)?;
                }
                if let Some(c) = item.cap {
                    spec(&format!("{key}.cap"), c)?;
                }
            }
            for (i, a) in t.approval.iter().enumerate() {
                if let Some(u) = a.up_to {
                    spec(&format!("temporary.approval[{i}].up_to"), u)?;
                }
            }
            for (i, r) in t.high_risk.iter().enumerate() {
                spec(
                    &format!("temporary.high_risk[{i}].township_up_to"),
                    r.township_up_to,
                )?;
            }
        }
        for (i, o) in f.one_off.iter().enumerate() {
            for (g, a) in &o.amounts {
                by_res(&format!("one_off[{i}].amounts.{g}"), *a)?;
            }
        }
        Ok(warnings)
    }

    /// The rules of `[price_subsidy]` beyond its types: each trigger gives a threshold, each
    /// formula mode has exactly the keys it uses, bands ascend, amounts and floors are not
    /// negative, every `fixed` formula has an amount for every kind of resident of every area.
    fn validate_price_subsidy(&self, p: &model::PriceSubsidy) -> Result<(), PolicyError> {
        use model::FormulaMode as M;
        if !(0..=12).contains(&p.index_lag) {
            return Err(self.err(
                "price_subsidy.index_lag",
                format!(
                    "{} months: the subsidy is paid 0 to 12 months after its index month",
                    p.index_lag
                ),
            ));
        }
        for (i, t) in p.trigger.iter().enumerate() {
            let key = format!("price_subsidy.trigger[{i}]");
            if t.cpi.is_none() && t.food.is_none() && t.scpi.is_none() {
                return Err(self.err(
                    key,
                    "give at least one threshold (cpi, food or scpi): an entry without one never fires",
                ));
            }
            for g in &t.extra_groups {
                if !p.groups.contains_key(g) {
                    return Err(self.err(
                        format!("{key}.extra_groups"),
                        format!(
                            "group \"{g}\" is not listed in [price_subsidy.groups]: list it there with its base (own or urban)"
                        ),
                    ));
                }
            }
        }
        let negative =
            |n: &Option<Number>| n.is_some_and(|n| n.0.is_sign_negative() && !n.0.is_zero());
        for (i, fm) in p.formula.iter().enumerate() {
            let key = format!("price_subsidy.formula[{i}]");
            let mode = fm.mode.name();
            let unused = |what: &str| {
                self.err(
                    format!("{key}.{what}"),
                    format!(
                        "`{what}` is not used by mode \"{mode}\": remove it or change the mode"
                    ),
                )
            };
            let needs = |what: &str| {
                self.err(
                    format!("{key}.{what}"),
                    format!("mode \"{mode}\" needs `{what}`"),
                )
            };
            let uses_bands = matches!(fm.mode, M::BandShare | M::FixedBand);
            if uses_bands && fm.bands.is_empty() {
                return Err(needs("bands"));
            }
            if !uses_bands && !fm.bands.is_empty() {
                return Err(unused("bands"));
            }
            match (fm.mode == M::PerPoint, fm.per_point) {
                (true, None) => return Err(needs("per_point")),
                (true, Some(n)) if n.0 <= rust_decimal::Decimal::ZERO => {
                    return Err(self.err(format!("{key}.per_point"), "must be above zero"));
                }
                (false, Some(_)) => return Err(unused("per_point")),
                _ => {}
            }
            match (fm.mode == M::Fixed, &fm.amounts) {
                (true, None) => return Err(needs("amounts")),
                (false, Some(_)) => return Err(unused("amounts")),
                _ => {}
            }
            if negative(&fm.floor) {
                return Err(self.rule(
                    format!("{key}.floor"),
                    "不能为负数".into(),
                    "cannot be negative".into(),
                ));
            }
            if fm
                .multiplier
                .is_some_and(|m| m.0 <= rust_decimal::Decimal::ZERO)
            {
                return Err(self.err(format!("{key}.multiplier"), "must be above zero"));
            }
            for (j, b) in fm.bands.iter().enumerate() {
                let bkey = format!("{key}.bands[{j}]");
                if j > 0 && b.at.0 <= fm.bands[j - 1].at.0 {
                    return Err(self.err(
                        format!("{bkey}.at"),
                        "bands must ascend: each `at` above the one before",
                    ));
                }
                let ok = match fm.mode {
                    M::BandShare => b.share.is_some() && b.urban.is_none() && b.rural.is_none(),
                    _ => b.share.is_none() && b.urban.is_some() && b.rural.is_some(),
                };
                if !ok {
                    return Err(self.err(
                        bkey,
                        if fm.mode == M::BandShare {
                            "a band_share band gives `at` and `share` (e.g. { at = 3.0, share = \"1/12\" })"
                        } else {
                            "a fixed_band band gives `at`, `urban` and `rural` (e.g. { at = 3.5, urban = 30, rural = 27 })"
                        },
                    ));
                }
                if negative(&b.urban)
                    || negative(&b.rural)
                    || b.share.is_some_and(|s| s.num.is_sign_negative())
                {
                    return Err(self.rule(
                        bkey,
                        "金额和比例不能为负数".into(),
                        "amounts and shares cannot be negative".into(),
                    ));
                }
            }
            if let Some(amounts) = &fm.amounts {
                for (k, v) in amounts {
                    if k != "urban" && k != "rural" && !self.file.areas.contains_key(k) {
                        return Err(self.err(
                            format!("{key}.amounts.{k}"),
                            format!(
                                "\"{k}\" is neither urban, rural nor an area id ({})",
                                self.area_ids.join(", ")
                            ),
                        ));
                    }
                    if v.0.is_sign_negative() && !v.0.is_zero() {
                        return Err(self.rule(
                            format!("{key}.amounts.{k}"),
                            "不能为负数".into(),
                            "cannot be negative".into(),
                        ));
                    }
                }
                // Areas this entry can apply to: its own, or every area.
                let areas: Vec<&str> = match &fm.area {
                    Some(a) => vec![a.as_str()],
                    None => self.area_ids.iter().map(String::as_str).collect(),
                };
                for a in areas {
                    let has = |k: &str| !k.is_empty() && amounts.contains_key(k);
                    let urban = has(a) || has("urban");
                    let rural = has("rural") || has(a);
                    if !urban || !rural {
                        return Err(self.err(
                            format!("{key}.amounts"),
                            format!(
                                "no amount for {} residents{}: give `{}`{}",
                                if urban { "rural" } else { "urban" },
                                if a.is_empty() {
                                    String::new()
                                } else {
                                    format!(" of area {a}")
                                },
                                if urban { "rural" } else { "urban" },
                                if a.is_empty() {
                                    String::new()
                                } else {
                                    format!(" or `{a}`")
                                }
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn check_dated<T: Dated>(&self, key: &str, entries: &[T]) -> Result<(), PolicyError> {
        if let Some((a, _)) = ambiguous(entries) {
            return Err(self.err(
                key,
                format!(
                    "two entries for area {} start in {}: which one is in force is ambiguous",
                    a.area().unwrap_or("(all areas)"),
                    a.from()
                ),
            ));
        }
        for e in entries {
            if let Some(u) = e.until()
                && u < e.from()
            {
                return Err(self.err(
                    key,
                    format!("an entry ends ({u}) before it starts ({})", e.from()),
                ));
            }
        }
        Ok(())
    }

    fn unknown_area(&self, area: &Option<String>) -> String {
        format!(
            "area \"{}\" is not defined in [areas] (defined: {})",
            area.as_deref().unwrap_or(""),
            self.file
                .areas
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

fn unknown_group(g: &str) -> String {
    format!("unknown group \"{g}\" (known: {})", GROUPS.join(", "))
}

fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && *l != "^")
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Display for AreaParams {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} {}: urban {} rural {}",
            self.area.as_deref().unwrap_or("(all)"),
            self.month,
            self.urban.value,
            self.rural.value
        )
    }
}

/// The largest policy file read: real ones are a few kilobytes; a file past this is not a policy
/// (or is hostile) and is refused before it is held in memory.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// The most values (every key's value, array element and table, counted through nesting) a policy
/// file may hold: a province's thousands of region codes fit many times over.
pub const MAX_POLICY_ENTRIES: usize = 100_000;

/// Values in a TOML value, itself included.
fn count_values(v: &toml::Value) -> usize {
    1 + match v {
        toml::Value::Array(a) => a.iter().map(count_values).sum(),
        toml::Value::Table(t) => t.values().map(count_values).sum(),
        _ => 0,
    }
}
