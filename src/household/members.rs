//! Members files (`--members FILE`): one row per person, joined to the roster's households by
//! `household_id`. When a members file is given, a household's 分类施保 group counts, the ages
//! behind them and its categories come from its person rows rather than from the roster's
//! count columns.
//!
//! - Ages are whole years on the **first day of the evaluated month**, from the birth date in
//!   the ID number (or a `birth_date` column when the ID gives none): someone who turns 60
//!   during the month joins the `elderly` group the next month, and someone who turns 18 stays
//!   a minor through the month of the birthday. `elderly` starts at the policy's
//!   `[dibao] elderly_age` (default 60); minors are under 18.
//! - Each covered person counts once, in the group whose uplift pays them most under the
//!   policy's `[[dibao.uplift]]` for the household's area, residence and month (computed by
//!   the uplift rule itself, which hands the per-person amounts in); ties, and policies without uplifts,
//!   take the first of elderly, severely_disabled, disabled, seriously_ill, minors.
//! - Disability: levels 一级/二级 (or 重度) are `severely_disabled`, 三级/四级 (or 轻度, 中度,
//!   a bare 是) are `disabled`.
//! - A household whose `members` differs from its covered person rows, or that has no person
//!   rows at all, is invalid (`members_mismatch`, `members_missing`); person rows whose
//!   household is not in the roster are listed after the run.
//!
//! Memory: the file is held in memory, keyed by household id, because households arrive in
//! roster order. A members file is per county: each person costs about 250 bytes plus the text
//! of their cells, so 100,000 persons take some 30 MB.

use super::cells;
use super::columns::{self, normalize_header};
use super::idcard;
use super::reader::{InputError, ReadOptions, Skipped, Table};
use super::record::Record;
use super::{CareLevel, Categories, Household, RowError};
use crate::month::Month;
use crate::policy::Policy;
use crate::policy::model::{ADULT_AGE, DEFAULT_ELDERLY_AGE, UpliftGroup};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// A column of a members file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberColumn {
    /// 户编号: the household the person belongs to
    HouseholdId,
    /// 身份证号码
    IdNumber,
    /// 姓名
    Name,
    /// 与户主关系
    Relation,
    /// 人员类别: the person's categories (优抚对象, 孤儿 …)
    Categories,
    /// 残疾等级
    Disability,
    /// 重病: yes/no
    SeriouslyIll,
    /// 自理能力
    CareLevel,
    /// 是否保障对象: whether the person counts in the household's `members` (default yes)
    Covered,
    /// 出生日期: used when the ID number gives no birth date
    BirthDate,
}

/// Every members-file column: its name and the headers that mean it.
pub const MEMBER_COLUMNS: &[(MemberColumn, &str, &[&str])] = &[
    (
        MemberColumn::HouseholdId,
        "household_id",
        &[
            "户编号",
            "户号",
            "家庭编号",
            "家庭编码",
            "户编码",
            "低保证号",
            "低保证编号",
            "救助证号",
            "救助证编号",
        ],
    ),
    (
        MemberColumn::IdNumber,
        "id_number",
        &[
            "身份证号码",
            "身份证号",
            "公民身份号码",
            "证件号码",
            "成员身份证号码",
            "成员身份证号",
            "身份证",
        ],
    ),
    (
        MemberColumn::Name,
        "name",
        &["姓名", "成员姓名", "家庭成员姓名"],
    ),
    (
        MemberColumn::Relation,
        "relation",
        &["与户主关系", "关系", "家庭关系", "与申请人关系"],
    ),
    (
        MemberColumn::Categories,
        "categories",
        &["人员类别", "其他类别", "特殊类别", "成员类别"],
    ),
    (
        MemberColumn::Disability,
        "disability",
        &["残疾等级", "残疾情况", "残疾类别", "残疾", "残疾类别及等级"],
    ),
    (
        MemberColumn::SeriouslyIll,
        "seriously_ill",
        &["重病", "是否重病", "重病患者", "是否重病患者", "重特大疾病"],
    ),
    (
        MemberColumn::CareLevel,
        "care_level",
        &[
            "自理能力",
            "生活自理能力",
            "护理等级",
            "自理情况",
            "失能等级",
        ],
    ),
    (
        MemberColumn::Covered,
        "covered",
        &[
            "是否保障对象",
            "保障对象",
            "是否享受",
            "是否纳入保障",
            "纳入保障",
            "是否在保",
        ],
    ),
    (
        MemberColumn::BirthDate,
        "birth_date",
        &["出生日期", "出生年月", "出生年月日"],
    ),
];

impl MemberColumn {
    /// The column's name.
    pub fn name(self) -> &'static str {
        columns::name_in(MEMBER_COLUMNS, self)
    }

    /// The first Chinese header.
    pub fn zh(self) -> &'static str {
        columns::zh_in(MEMBER_COLUMNS, self)
    }

    /// The column called `name` (`id_number`, `disability` …).
    pub fn by_name(name: &str) -> Option<MemberColumn> {
        columns::by_name_in(MEMBER_COLUMNS, name)
    }

    fn lookup(header: &str) -> Option<MemberColumn> {
        let h = normalize_header(header);
        if h.is_empty() {
            return None;
        }
        MEMBER_COLUMNS
            .iter()
            .find(|(_, n, zh)| *n == h || zh.iter().any(|z| normalize_header(z) == h))
            .map(|(c, _, _)| *c)
    }
}

/// How many different members-file columns a header row names.
fn member_score(cells: &[String]) -> usize {
    let mut seen: Vec<MemberColumn> = Vec::new();
    for c in cells.iter().filter_map(|c| MemberColumn::lookup(c)) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.len()
}

/// A person's disability as far as uplift groups go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Disability {
    /// none recorded
    #[default]
    None,
    /// 三级/四级 (or level unknown): `disabled`
    Disabled,
    /// 一级/二级 (重度): `severely_disabled`
    Severe,
}

impl Disability {
    /// Reads `无`/`否`, `一级`…`四级` (also `1级`, `1`, `肢体二级`, `视力残疾一级`), `重度`, `轻度`,
    /// `中度`, `是`; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Disability> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "" | "无" | "否" | "no" | "none" | "0" | "n" => return Some(Disability::None),
            "1" | "2" | "一" | "二" | "severe" | "重度" | "重度残疾" => {
                return Some(Disability::Severe);
            }
            "3" | "4" | "三" | "四" | "是" | "有" | "yes" | "y" | "disabled" | "轻度" | "中度"
            | "残疾" => return Some(Disability::Disabled),
            _ => {}
        }
        let severe = ["一级", "二级", "1级", "2级", "Ⅰ级", "Ⅱ级", "重度"];
        let other = ["三级", "四级", "3级", "4级", "Ⅲ级", "Ⅳ级", "轻度", "中度"];
        if severe.iter().any(|m| s.contains(m)) {
            Some(Disability::Severe)
        } else if other.iter().any(|m| s.contains(m)) {
            Some(Disability::Disabled)
        } else {
            None
        }
    }
}

/// One person row of a members file.
#[derive(Debug, Clone)]
pub struct Person {
    /// line (or sheet row) in the members file
    pub row: u64,
    /// 户编号
    pub household_id: String,
    /// 身份证号码 as written
    pub id_number: String,
    /// 姓名
    pub name: String,
    /// 与户主关系
    pub relation: String,
    /// birth date, from the ID number or else the birth_date column
    pub birth: Option<NaiveDate>,
    /// the person's categories
    pub categories: Categories,
    /// disability
    pub disability: Disability,
    /// 重病
    pub seriously_ill: bool,
    /// 自理能力
    pub care_level: Option<CareLevel>,
    /// counts in the household's `members`
    pub covered: bool,
    /// cells that could not be read: the household's group counts are unknown
    pub errors: Vec<RowError>,
    /// problems that do not change an amount by themselves (a malformed ID number)
    pub warnings: Vec<RowError>,
}

/// What the rules need of one member, as joined to a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    /// line in the members file
    pub row: u64,
    /// age in whole years on the first day of the evaluated month (`None`: unknown)
    pub age: Option<u32>,
    /// the uplift group the person counts in (the one that pays most)
    pub group: Option<UpliftGroup>,
    /// the person's categories
    pub categories: Categories,
    /// 自理能力
    pub care_level: Option<CareLevel>,
}

struct Entry {
    persons: Vec<Person>,
    joined: AtomicBool,
}

/// A members file, loaded and indexed by household id.
pub struct Members {
    /// the file's name as given
    pub path: String,
    households: HashMap<String, Entry>,
    /// problems of rows that name no household
    pub keyless: Vec<RowError>,
    /// person rows read
    pub persons: u64,
    /// how the file was read (encoding or sheet)
    pub encoding: String,
    /// the header's line
    pub header_line: u64,
    /// rows that were not persons (totals, notes)
    pub skipped: Vec<Skipped>,
}

fn cell_error(
    row: u64,
    column: MemberColumn,
    value: &str,
    code: &'static str,
    zh: String,
    en: String,
) -> RowError {
    RowError {
        row,
        column: column.name().to_string(),
        value: value.to_string(),
        code,
        zh,
        en,
    }
}

impl Members {
    /// Reads a members file (CSV in any supported encoding, or a workbook). `today` is the date
    /// birth dates in ID numbers must not be after.
    pub fn load(path: &str, opts: &ReadOptions, today: NaiveDate) -> Result<Members, InputError> {
        let mut table = Table::open(path, opts, &member_score)?;
        let mut index: HashMap<MemberColumn, usize> = HashMap::new();
        for (i, h) in table.header().iter().enumerate() {
            if let Some(c) = MemberColumn::lookup(h)
                && index.insert(c, i).is_some()
            {
                return Err(InputError::Header {
                    path: path.to_string(),
                    message: format!(
                        "two columns mean {} ({}): keep one (表头中有两列都表示“{}”)",
                        c.name(),
                        h.trim(),
                        c.zh()
                    ),
                });
            }
        }
        if !index.contains_key(&MemberColumn::HouseholdId) {
            return Err(InputError::Header {
                path: path.to_string(),
                message: "the members file has no household_id column (户编号) joining each person to a household: add it (成员名单缺少“户编号”列，无法与花名册对应)".to_string(),
            });
        }
        table.set_key_field(index.get(&MemberColumn::HouseholdId).copied());
        let mut m = Members {
            path: path.to_string(),
            households: HashMap::new(),
            keyless: Vec::new(),
            persons: 0,
            encoding: String::new(),
            header_line: table.header_line(),
            skipped: Vec::new(),
        };
        let mut ids: HashMap<String, u64> = HashMap::new();
        let mut rec = Record::new();
        while let Some(row) = table.next_record(&mut rec)? {
            m.persons += 1;
            let cell = |c: MemberColumn| index.get(&c).and_then(|i| rec.get(*i)).unwrap_or("");
            let mut p = parse_person(row, &cell, today);
            if p.household_id.is_empty() {
                m.keyless.push(cell_error(
                    row,
                    MemberColumn::HouseholdId,
                    "",
                    "missing_household_id",
                    "户编号为空：每名成员都要填写所属家庭的户编号".into(),
                    "household_id is empty: every person needs the id of their household".into(),
                ));
                continue;
            }
            if let Ok(id) = idcard::parse_id(&p.id_number, today) {
                match ids.get(&id.normalized) {
                    Some(first) => p.warnings.push(cell_error(
                        row,
                        MemberColumn::IdNumber,
                        &p.id_number,
                        "duplicate_id_number",
                        format!("身份证号与成员名单第 {first} 行重复：同一人只能出现一次，请核对是否重复登记或录错"),
                        format!("the ID number repeats row {first} of the members file: a person appears once; check for a double entry or a typo"),
                    )),
                    None => {
                        ids.insert(id.normalized, row);
                    }
                }
            }
            m.households
                .entry(p.household_id.clone())
                .or_insert_with(|| Entry {
                    persons: Vec::new(),
                    joined: AtomicBool::new(false),
                })
                .persons
                .push(p);
        }
        m.encoding = table.encoding();
        m.skipped = table.skipped().to_vec();
        Ok(m)
    }

    /// Every person row, in no particular order of households but in file order within each.
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        self.households.values().flat_map(|e| e.persons.iter())
    }

    /// The person rows of a household.
    pub fn household(&self, id: &str) -> Option<&[Person]> {
        self.households.get(id).map(|e| e.persons.as_slice())
    }
}

/// Reads one person row; never fails, problems go to the person's errors and warnings.
fn parse_person<'r>(row: u64, cell: &dyn Fn(MemberColumn) -> &'r str, today: NaiveDate) -> Person {
    let mut p = Person {
        row,
        household_id: idcard::normalize_id(cell(MemberColumn::HouseholdId))
            .trim()
            .to_string(),
        id_number: idcard::normalize_id(cell(MemberColumn::IdNumber))
            .trim()
            .to_string(),
        name: cell(MemberColumn::Name).trim().to_string(),
        relation: cell(MemberColumn::Relation).trim().to_string(),
        birth: None,
        categories: Categories::default(),
        disability: Disability::None,
        seriously_ill: false,
        care_level: None,
        covered: true,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut err = |c: MemberColumn, code: &'static str, zh: String, en: String| {
        p.errors.push(cell_error(row, c, cell(c), code, zh, en));
    };
    match Categories::parse(cell(MemberColumn::Categories)) {
        Ok(c) => p.categories = c,
        Err(bad) => err(
            MemberColumn::Categories,
            "bad_category",
            format!(
                "人员类别“{bad}”无法识别：请填写优抚对象、孤儿、事实无人抚养儿童等，多个用“;”分隔"
            ),
            format!(
                "unknown category \"{bad}\": use youfu, orphan, de_facto_orphan …, separated by \";\""
            ),
        ),
    }
    match Disability::parse(cell(MemberColumn::Disability)) {
        Some(d) => p.disability = d,
        None => err(
            MemberColumn::Disability,
            "bad_disability",
            "残疾等级无法识别：请填写“一级”至“四级”（或“重度”“轻度”），没有残疾的留空或填“无”".into(),
            "disability not understood: write 一级 to 四级 (levels 1–4), 重度 or 轻度; leave it empty or write 无 when there is none".into(),
        ),
    }
    match cells::parse_yes_no(cell(MemberColumn::SeriouslyIll)) {
        Ok(v) => p.seriously_ill = v.unwrap_or(false),
        Err(e) => err(
            MemberColumn::SeriouslyIll,
            e.code(),
            format!("重病列{}", e.zh()),
            format!("seriously_ill: {}", e.en()),
        ),
    }
    match cells::parse_yes_no(cell(MemberColumn::Covered)) {
        Ok(v) => p.covered = v.unwrap_or(true),
        Err(e) => err(
            MemberColumn::Covered,
            e.code(),
            format!("是否保障对象列{}", e.zh()),
            format!("covered: {}", e.en()),
        ),
    }
    let care = cell(MemberColumn::CareLevel).trim();
    if !care.is_empty() {
        match CareLevel::parse(care) {
            Some(c) => p.care_level = Some(c),
            None => err(
                MemberColumn::CareLevel,
                "bad_care_level",
                "自理能力无法识别：请填写“全自理”“半失能”或“全失能”".into(),
                "care_level not understood: write self_care, partial or full (全自理/半失能/全失能)".into(),
            ),
        }
    }
    let written_birth = match cells::parse_date(cell(MemberColumn::BirthDate)) {
        Ok(d) => d,
        Err(e) => {
            err(
                MemberColumn::BirthDate,
                e.code(),
                format!("出生日期列{}", e.zh()),
                format!("birth_date: {}", e.en()),
            );
            None
        }
    };
    if p.id_number.is_empty() {
        if written_birth.is_none() {
            p.warnings.push(cell_error(
                row,
                MemberColumn::IdNumber,
                "",
                "empty",
                "身份证号为空，也没有出生日期：无法计算年龄，老年人和未成年人的分类施保可能少算：请补填身份证号".into(),
                "no ID number and no birth date: the age is unknown, so an elderly or minor uplift may be missed; add the ID number".into(),
            ));
        }
        p.birth = written_birth;
        return p;
    }
    match idcard::parse_id(&p.id_number, today) {
        Ok(id) => {
            if let Some(b) = written_birth
                && b != id.birth
                && !(b.day() == 1 && (b.year(), b.month()) == (id.birth.year(), id.birth.month()))
            {
                p.warnings.push(cell_error(
                    row,
                    MemberColumn::BirthDate,
                    cell(MemberColumn::BirthDate),
                    "birth_date_differs",
                    format!(
                        "出生日期与身份证号中的出生日期（{}）不一致：请对照证件核对，年龄按身份证号计算",
                        id.birth
                    ),
                    format!(
                        "birth_date differs from the one in the ID number ({}): check against the card; the age is taken from the ID number",
                        id.birth
                    ),
                ));
            }
            p.birth = Some(id.birth);
        }
        Err(problem) => {
            let (zh, en) = if written_birth.is_some() {
                (problem.zh(), problem.en())
            } else {
                (
                    format!(
                        "{}（年龄无法计算，老年人和未成年人的分类施保可能少算）",
                        problem.zh()
                    ),
                    format!(
                        "{} (the age is unknown, so an elderly or minor uplift may be missed)",
                        problem.en()
                    ),
                )
            };
            p.warnings.push(cell_error(
                row,
                MemberColumn::IdNumber,
                &p.id_number,
                problem.code(),
                zh,
                en,
            ));
            p.birth = written_birth;
        }
    }
    p
}

/// Per area index, the uplift one person of each group (in [`UpliftGroup::ALL`] order) is paid,
/// urban then rural: the data that ranks the groups a person could count in.
pub type UpliftPerPerson = Vec<[[Decimal; 5]; 2]>;

/// A members file joined to households for one evaluated month.
pub struct MembersJoin {
    members: Members,
    first_day: NaiveDate,
    elderly_age: u32,
    /// per area index: the per-person uplift of each group, urban then rural
    per_person: Vec<[[Decimal; 5]; 2]>,
    attach_person_problems: bool,
}

impl MembersJoin {
    /// Joins `members` for `month`. `per_person` (the month's uplift of one person in each group,
    /// per area, as `rules::dibao::uplift_per_person` computes it) ranks the uplift groups; empty,
    /// the fixed order of [`UpliftGroup::ALL`] decides. With `attach_person_problems` the
    /// problems of a household's person rows are added to the household (as `check` reports them);
    /// `validate` lists them once, from the members file.
    pub fn new(
        members: Members,
        policy: &Policy,
        per_person: UpliftPerPerson,
        month: Month,
        attach_person_problems: bool,
    ) -> MembersJoin {
        MembersJoin {
            members,
            first_day: month.first_day(),
            elderly_age: policy
                .file
                .dibao
                .as_ref()
                .and_then(|d| d.elderly_age)
                .unwrap_or(DEFAULT_ELDERLY_AGE),
            per_person,
            attach_person_problems,
        }
    }

    /// The members file.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// Person rows whose household has not been joined (not in the roster read so far).
    pub fn unjoined(&self) -> Vec<&Person> {
        let mut v: Vec<&Person> = self
            .members
            .households
            .values()
            .filter(|e| !e.joined.load(Ordering::Relaxed))
            .flat_map(|e| e.persons.iter())
            .collect();
        v.sort_by_key(|p| p.row);
        v
    }

    /// Problems of the members file that belong to no household: rows without a household id
    /// and rows whose household is not in the roster, in file order.
    pub fn orphan_problems(&self) -> Vec<RowError> {
        let mut out: Vec<RowError> = self.members.keyless.clone();
        for p in self.unjoined() {
            out.push(cell_error(
                p.row,
                MemberColumn::HouseholdId,
                &p.household_id,
                "member_without_household",
                format!(
                    "成员“{}”所属的户编号“{}”不在花名册中：请核对户编号，或把该户补入花名册",
                    p.name, p.household_id
                ),
                format!(
                    "{}'s household_id \"{}\" is not in the roster: check the id, or add the household to the roster",
                    p.name, p.household_id
                ),
            ));
        }
        out.sort_by_key(|e| e.row);
        out
    }

    /// The groups a person could count in, given their age.
    fn candidates(&self, p: &Person, age: Option<u32>) -> [bool; 5] {
        let mut c = [false; 5];
        for (i, g) in UpliftGroup::ALL.iter().enumerate() {
            c[i] = match g {
                UpliftGroup::Elderly => age.is_some_and(|a| a >= self.elderly_age),
                UpliftGroup::SeverelyDisabled => p.disability == Disability::Severe,
                UpliftGroup::Disabled => p.disability == Disability::Disabled,
                UpliftGroup::SeriouslyIll => p.seriously_ill,
                UpliftGroup::Minors => age.is_some_and(|a| a < ADULT_AGE),
            };
        }
        c
    }

    /// Joins the household's person rows: group counts, categories, care level, per-person
    /// facts; a missing or disagreeing set of person rows is an error of the household.
    pub fn apply(&self, h: &mut Household) {
        let Some(entry) = self.members.households.get(&h.id) else {
            if !h.id.is_empty() {
                h.errors.push(RowError {
                    row: h.row,
                    column: "members".into(),
                    value: String::new(),
                    code: "members_missing",
                    zh: format!(
                        "成员名单 {} 中没有户编号为“{}”的成员：请补充该户成员，或核对户编号",
                        self.members.path, h.id
                    ),
                    en: format!(
                        "the members file {} has no person with household_id \"{}\": add the household's members, or check the id",
                        self.members.path, h.id
                    ),
                });
            }
            return;
        };
        entry.joined.store(true, Ordering::Relaxed);
        let covered: Vec<&Person> = entry.persons.iter().filter(|p| p.covered).collect();
        let rows = || {
            entry
                .persons
                .iter()
                .map(|p| p.row.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(m) = h.members
            && m as usize != covered.len()
        {
            h.errors.push(RowError {
                row: h.row,
                column: "members".into(),
                value: m.to_string(),
                code: "members_mismatch",
                zh: format!(
                    "家庭人口为 {m}，但成员名单中该户有 {} 名保障成员（第 {} 行）：请核对家庭人口或成员名单",
                    covered.len(),
                    rows()
                ),
                en: format!(
                    "members is {m}, but the members file lists {} covered persons for the household (rows {}): check members or the members file",
                    covered.len(),
                    rows()
                ),
            });
        }
        if self.attach_person_problems {
            for p in &entry.persons {
                let locate = |e: &RowError| RowError {
                    row: h.row,
                    column: format!("members.{}", e.column),
                    value: e.value.clone(),
                    code: e.code,
                    zh: format!(
                        "成员名单 {} 第 {} 行（{}）：{}",
                        self.members.path, p.row, p.name, e.zh
                    ),
                    en: format!(
                        "members file {} row {} ({}): {}",
                        self.members.path, p.row, p.name, e.en
                    ),
                };
                h.errors.extend(p.errors.iter().map(locate));
                h.warnings.extend(p.warnings.iter().map(locate));
            }
        }
        let amounts = h
            .area
            .zip(h.residence)
            .and_then(|(a, r)| {
                let ri = usize::from(r == super::Residence::Rural);
                self.per_person.get(a).map(|x| x[ri])
            })
            .unwrap_or([Decimal::ZERO; 5]);
        let mut counts = [0u32; 5];
        let mut categories = h.categories;
        let mut care: Option<Option<CareLevel>> = None;
        let mut facts = Vec::with_capacity(covered.len());
        for p in &covered {
            let age = p.birth.map(|b| idcard::age_at(b, self.first_day));
            let candidates = self.candidates(p, age);
            let mut best: Option<usize> = None;
            for (i, can) in candidates.iter().enumerate() {
                if *can && best.is_none_or(|b| amounts[i] > amounts[b]) {
                    best = Some(i);
                }
            }
            if let Some(i) = best {
                counts[i] += 1;
            }
            categories = categories.union(p.categories);
            if p.care_level.is_some() {
                care = match care {
                    None => Some(p.care_level),
                    Some(c) if c == p.care_level => Some(c),
                    Some(_) => Some(None),
                };
            }
            facts.push(PersonFacts {
                row: p.row,
                age,
                group: best.and_then(|i| UpliftGroup::ALL.get(i).copied()),
                categories: p.categories,
                care_level: p.care_level,
            });
        }
        if h.groups.iter().any(|g| *g > 0) && h.groups != counts {
            let name = |g: &[u32; 5]| {
                UpliftGroup::ALL
                    .iter()
                    .zip(g)
                    .filter(|(_, n)| **n > 0)
                    .map(|(u, n)| format!("{} {n}", u.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            h.warnings.push(RowError {
                row: h.row,
                column: "elderly".into(),
                value: name(&h.groups),
                code: "groups_differ_from_members",
                zh: format!(
                    "花名册中的分类人数（{}）与成员名单算出的（{}）不同：已按成员名单计算",
                    name(&h.groups),
                    name(&counts)
                ),
                en: format!(
                    "the roster's group counts ({}) differ from those of the members file ({}): the members file is used",
                    name(&h.groups),
                    name(&counts)
                ),
            });
        }
        h.groups = counts;
        h.categories = categories;
        if h.care_level.is_none()
            && let Some(Some(c)) = care
        {
            h.care_level = Some(c);
        }
        h.persons = facts;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disability_levels() {
        use Disability::*;
        for (raw, want) in [
            ("一级", Severe),
            ("肢体二级", Severe),
            ("视力残疾1级", Severe),
            ("重度", Severe),
            ("2", Severe),
            ("三级", Disabled),
            ("智力四级", Disabled),
            ("轻度", Disabled),
            ("是", Disabled),
            ("", None),
            ("无", None),
        ] {
            assert_eq!(Disability::parse(raw), Some(want), "{raw}");
        }
        assert_eq!(Disability::parse("五级"), Option::None);
    }

    #[test]
    fn header_aliases() {
        let cells: Vec<String> = [
            "序号",
            "户编号",
            "姓名",
            "与户主关系",
            "公民身份号码",
            "残疾等级",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(member_score(&cells), 5);
        assert_eq!(
            MemberColumn::lookup("身份证号码（18位）"),
            Some(MemberColumn::IdNumber)
        );
    }
}
