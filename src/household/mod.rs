//! Households as read from a roster: typed rows, row errors, and the readers.
//!
//! An empty cell is *unknown*, never zero: required inputs stay `Option` here and the rules
//! decide what an unknown value means for them.

pub mod cells;
pub use crate::vocab::columns;
pub mod idcard;
pub use crate::vocab::kinds;
pub mod members;
pub mod reader;
pub mod record;
pub mod split;

use crate::lang::Lang;
use crate::month::Month;
use crate::policy::{AreaIndex, Policy};
use crate::text as screen;
use columns::{Column, HeaderMap};
use rust_decimal::Decimal;
use std::sync::Arc;

pub use kinds::{CATEGORY_NAMES, CareLevel, Categories, Pandemic, Residence, Status};

/// A problem with one cell (or one row) of an input file. `zh` and `en` say what is wrong in
/// words a caseworker understands, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// line number in the file (the header is line 1 for a plain CSV)
    pub row: u64,
    /// column by its standard name, or the header as written
    pub column: String,
    /// the raw cell value
    pub value: String,
    /// stable reason code, e.g. `not_money`
    pub code: &'static str,
    /// Chinese reason
    pub zh: String,
    /// English reason
    pub en: String,
}

impl RowError {
    /// The reason in `lang`.
    pub fn reason(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }

    /// "row 5, column monthly_income (\"12a\"): not an amount".
    /// The column and the value are shown as on a terminal (control characters escaped, a long
    /// value cut: [`screen`]), so that a cell cannot drive the terminal it is listed on.
    pub fn describe(&self, lang: Lang) -> String {
        let value = screen::screen_text(&self.value);
        let text = match lang {
            Lang::Zh => format!(
                "第 {} 行，列 {}（“{value}”）：{}",
                self.row, self.column, self.zh
            ),
            Lang::En => format!(
                "row {}, column {} (\"{value}\"): {}",
                self.row, self.column, self.en
            ),
        };
        screen::screen_line(&text).into_owned()
    }
}

/// Counts of persons per 分类施保 group, in
/// [`UpliftGroup::ALL`](crate::policy::model::UpliftGroup::ALL) order.
pub type GroupCounts = [u32; 5];

/// One household (one roster row), typed.
#[derive(Debug, Clone, Default)]
pub struct Household {
    /// line number in the input
    pub row: u64,
    /// 户编号
    pub id: String,
    /// 区划代码 as written
    pub region: String,
    /// the policy area of the region (`None`: unknown region, an error is recorded)
    pub area: Option<AreaIndex>,
    /// 城乡类别
    pub residence: Option<Residence>,
    /// 家庭人口
    pub members: Option<u32>,
    /// 家庭月收入
    pub monthly_income: Option<Decimal>,
    /// 不计入收入 (empty: none)
    pub exempt_income: Decimal,
    /// 工资性收入 (empty: none)
    pub employment_income: Decimal,
    /// 就业人数 (empty: none)
    pub employed: u32,
    /// 保障类别
    pub status: Status,
    /// 其他类别
    pub categories: Categories,
    /// persons per uplift group
    pub groups: GroupCounts,
    /// 自理能力
    pub care_level: Option<CareLevel>,
    /// 集中供养
    pub institutional: bool,
    /// 档次
    pub tier: Option<String>,
    /// 渐退起始月
    pub exit_start: Option<Month>,
    /// 上月低保金
    pub last_grant: Option<Decimal>,
    /// 连续无收入月数
    pub months_without_income: Option<u32>,
    /// 参加失业保险
    pub unemployment_insured: Option<bool>,
    /// 疫情影响
    pub pandemic: Pandemic,
    /// 家庭财产
    pub assets: Option<Decimal>,
    /// 乡镇街道
    pub township: String,
    /// 户主姓名
    pub head_name: String,
    /// 户主身份证号
    pub head_id: String,
    /// 银行账号
    pub bank_account: String,
    /// the covered members, when a members file is given (`--members`); empty otherwise
    pub persons: Vec<members::PersonFacts>,
    /// cells that could not be read: the household is `invalid`
    pub errors: Vec<RowError>,
    /// problems that do not change a decision (a malformed ID number)
    pub warnings: Vec<RowError>,
    /// columns the tool does not read, carried through in header order
    pub extra: Vec<String>,
}

impl Household {
    /// A blank household for `row` that takes over this one's text buffers and lists, emptied,
    /// so that parsing row after row into the same few households allocates next to nothing.
    /// Everything else starts from its default, so nothing of this household carries over.
    pub fn recycle(&mut self, row: u64) -> Household {
        let mut h = Household {
            row,
            ..Household::default()
        };
        for (new, old) in [
            (&mut h.id, &mut self.id),
            (&mut h.region, &mut self.region),
            (&mut h.township, &mut self.township),
            (&mut h.head_name, &mut self.head_name),
            (&mut h.head_id, &mut self.head_id),
            (&mut h.bank_account, &mut self.bank_account),
        ] {
            *new = std::mem::take(old);
            new.clear();
        }
        h.persons = std::mem::take(&mut self.persons);
        h.persons.clear();
        h.errors = std::mem::take(&mut self.errors);
        h.errors.clear();
        h.warnings = std::mem::take(&mut self.warnings);
        h.warnings.clear();
        h.extra = std::mem::take(&mut self.extra);
        h.extra.clear();
        h
    }

    /// Whether every cell could be read.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Reads typed households from raw rows, given the file's header map and the policy.
pub struct RowParser<'p> {
    policy: &'p Policy,
    map: HeaderMap,
    /// field index per column, by `Column as usize` (a lookup per cell must be cheap)
    fields: [Option<usize>; columns::COLUMNS.len()],
    today: chrono::NaiveDate,
    /// a `--region` for a county roster without the region column
    default_region: Option<String>,
    /// the members file joined to the households (`--members`)
    members: Option<Arc<members::MembersJoin>>,
}

impl<'p> RowParser<'p> {
    /// A parser for a file whose header is `map`. Fails when a required column is absent.
    pub fn new(
        policy: &'p Policy,
        map: HeaderMap,
        default_region: Option<String>,
        today: chrono::NaiveDate,
    ) -> Result<RowParser<'p>, String> {
        let mut missing = Vec::new();
        for c in [Column::HouseholdId, Column::Residence, Column::Members] {
            if map.get(c).is_none() {
                missing.push(c);
            }
        }
        if map.get(Column::Region).is_none() && default_region.is_none() && policy.has_areas() {
            missing.push(Column::Region);
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|c| format!("{} ({})", c.name(), c.zh()))
                .collect();
            // a county roster often has no region column: --region gives the code of every row
            let (fix_en, fix_zh) = if missing.contains(&Column::Region) {
                (
                    "add it, name it with an alias, or give the code of the whole roster with --region",
                    "；整份花名册同属一个区划时可用 --region 指定",
                )
            } else {
                ("add it, or name it with an alias", "")
            };
            return Err(format!(
                "the roster has no column {}: {fix_en} (花名册缺少必需的列{}{fix_zh})",
                names.join(", "),
                missing
                    .iter()
                    .map(|c| c.zh())
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let mut fields = [None; columns::COLUMNS.len()];
        for (c, i) in &map.index {
            fields[*c as usize] = Some(*i);
        }
        Ok(RowParser {
            policy,
            fields,
            map,
            today,
            default_region,
            members: None,
        })
    }

    /// Takes group counts, ages and person categories from a members file from now on.
    pub fn with_members(mut self, join: Arc<members::MembersJoin>) -> RowParser<'p> {
        self.members = Some(join);
        self
    }

    /// The joined members file, if any.
    pub fn members(&self) -> Option<&members::MembersJoin> {
        self.members.as_deref()
    }

    /// The header map.
    pub fn header_map(&self) -> &HeaderMap {
        &self.map
    }

    /// Parses one row. Never fails: problems are recorded in `errors`/`warnings`.
    pub fn parse<'r>(&self, row: u64, field: impl Fn(usize) -> Option<&'r str>) -> Household {
        self.parse_into(
            Household {
                row,
                ..Household::default()
            },
            field,
        )
    }

    /// Parses one row into `h`, a blank household from [`Household::recycle`] (or a default
    /// one with its `row` set), reusing its buffers. The steps run in a fixed order, so a row's
    /// errors are listed in the order of its columns.
    pub fn parse_into<'r>(
        &self,
        mut h: Household,
        field: impl Fn(usize) -> Option<&'r str>,
    ) -> Household {
        let cells = RowCells {
            fields: &self.fields,
            field: &field,
            row: h.row,
        };
        self.read_place(&mut h, &cells);
        read_income(&mut h, &cells);
        read_status(&mut h, &cells);
        let group_columns = read_groups(&mut h, &cells);
        self.read_care_and_tier(&mut h, &cells);
        read_exit_and_temporary(&mut h, &cells);
        // the group counts' error names every column it added up
        if let Some(columns) = group_columns
            && let Some(e) = h
                .errors
                .iter_mut()
                .find(|e| e.code == "groups_exceed_members")
        {
            e.column = columns;
        }
        self.read_names_and_ids(&mut h, &cells);
        h.extra.extend(
            self.map
                .extra
                .iter()
                .map(|(i, _)| field(*i).unwrap_or("").to_string()),
        );
        check_line_breaks(&mut h, &cells);
        self.check_cells_beyond_header(&mut h, &field);
        if let Some(join) = &self.members {
            join.apply(&mut h);
        }
        h
    }

    /// The household id, the region and the policy area it falls in.
    fn read_place<'r, F: Fn(usize) -> Option<&'r str>>(
        &self,
        h: &mut Household,
        cells: &RowCells<'_, F>,
    ) {
        h.id.push_str(cells::trim(cells.get(Column::HouseholdId)));
        if h.id.is_empty() {
            cells.error(
                h,
                Column::HouseholdId,
                "",
                "missing_household_id",
                "户编号为空：每户必须有唯一的户编号".into(),
                "household_id is empty: every household needs a unique id".into(),
            );
        }
        h.region.push_str(match self.map.get(Column::Region) {
            Some(_) => cells::trim(cells.get(Column::Region)),
            None => self.default_region.as_deref().unwrap_or_default(),
        });
        h.area = self.policy.area_of(&h.region);
        if h.area.is_none() {
            let known = self
                .policy
                .file
                .areas
                .values()
                .flat_map(|a| a.regions.iter().cloned())
                .collect::<Vec<_>>()
                .join(", ");
            let v = h.region.clone();
            cells.error(
                h,
                Column::Region,
                &v,
                "unknown_region",
                format!(
                    "区划代码“{v}”不在政策文件的地区（areas）中：请填写政策已知的代码（{known}），或在政策文件中补充该地区"
                ),
                format!(
                    "region \"{v}\" is in no area of the policy: use a code the policy knows ({known}), or add the area to the policy"
                ),
            );
        }
    }

    /// The care level, 集中供养 and the tier (a tier the policy does not define for the
    /// household's residence can never be paid).
    fn read_care_and_tier<'r, F: Fn(usize) -> Option<&'r str>>(
        &self,
        h: &mut Household,
        cells: &RowCells<'_, F>,
    ) {
        h.care_level = cells.enumerated(
            h,
            Column::CareLevel,
            CareLevel::parse,
            "bad_care_level",
            "自理能力应为“全自理”“半失能”或“全失能”",
            "care_level must be self_care, partial or full",
        );
        h.institutional = cells
            .parsed(h, Column::Institutional, parse_institutional)
            .unwrap_or(false);
        let tier = cells::trim(cells.get(Column::Tier));
        h.tier = (!tier.is_empty()).then(|| tier.to_string());
        if let Some(d) = &self.policy.file.dibao
            && d.payment == crate::policy::model::Payment::Tier
            && !tier.is_empty()
        {
            let known: Vec<&str> = d
                .tiers
                .iter()
                .filter(|t| {
                    h.residence
                        .is_none_or(|r| t.residence.is_none_or(|tr| tr.name() == r.name()))
                })
                .map(|t| t.tier.as_str())
                .collect();
            if !known.contains(&tier) {
                let (zh, en) = match h.residence {
                    Some(r) if known.is_empty() => (
                        format!(
                            "档次“{tier}”不是政策为{z}居民规定的档次：政策没有{z}居民的档次，请核对城乡类别",
                            z = r.zh()
                        ),
                        format!(
                            "tier \"{tier}\" is not a tier the policy defines for {e} residents: it defines none for them, check residence",
                            e = r.name()
                        ),
                    ),
                    Some(r) => (
                        format!(
                            "档次“{tier}”不是政策为{}居民规定的档次：请填写 {} 之一",
                            r.zh(),
                            known.join("、")
                        ),
                        format!(
                            "tier \"{tier}\" is not a tier the policy defines for {} residents: use one of {}",
                            r.name(),
                            known.join(", ")
                        ),
                    ),
                    None => (
                        format!(
                            "档次“{tier}”不是政策规定的档次：请填写 {} 之一",
                            known.join("、")
                        ),
                        format!(
                            "tier \"{tier}\" is not a tier the policy defines: use one of {}",
                            known.join(", ")
                        ),
                    ),
                };
                cells.error(
                    h,
                    Column::Tier,
                    cells.get(Column::Tier),
                    "unknown_tier",
                    zh,
                    en,
                );
            }
        }
    }

    /// The head's name and ID number, the township and the bank account, with the warnings of
    /// an ID number that does not check and of numbers Excel damaged.
    fn read_names_and_ids<'r, F: Fn(usize) -> Option<&'r str>>(
        &self,
        h: &mut Household,
        cells: &RowCells<'_, F>,
    ) {
        let row = cells.row;
        h.township
            .push_str(cells::trim(cells.get(Column::Township)));
        h.head_name
            .push_str(cells::trim(cells.get(Column::HeadName)));
        h.head_id.push_str(cells::trim(cells.get(Column::HeadId)));
        h.bank_account
            .push_str(cells::trim(cells.get(Column::BankAccount)));
        if !h.head_id.is_empty()
            && let Err(p) = idcard::validate_id(&h.head_id, self.today)
        {
            h.warnings.push(RowError {
                row,
                column: Column::HeadId.name().to_string(),
                value: h.head_id.clone(),
                code: p.code(),
                zh: p.zh(),
                en: p.en(),
            });
        }
        for (column, value) in [
            (Column::BankAccount, &h.bank_account),
            (Column::HouseholdId, &h.id),
        ] {
            if let Some(p) = idcard::excel_damage(value) {
                h.warnings.push(RowError {
                    row,
                    column: column.name().to_string(),
                    value: value.clone(),
                    code: p.code(),
                    zh: format!(
                        "{}被 Excel 当成数字保存（{}），超过 15 位的数字已丢失：请把该列设为文本格式后重新录入",
                        column.zh(),
                        if p == idcard::IdProblem::ScientificNotation { "科学计数法" } else { "末尾多了“.0”" }
                    ),
                    en: format!(
                        "{} was stored by Excel as a number ({}), which keeps only 15 digits: format the column as text and re-enter it",
                        column.name(),
                        if p == idcard::IdProblem::ScientificNotation { "scientific notation" } else { "a trailing .0" }
                    ),
                });
            }
        }
    }

    /// Cells past the header's width: a stray delimiter in a cell shifts the cells after it.
    fn check_cells_beyond_header<'r>(
        &self,
        h: &mut Household,
        field: &impl Fn(usize) -> Option<&'r str>,
    ) {
        let row = h.row;
        if self.map.width > 0 {
            let beyond: Vec<(usize, &str)> = (self.map.width..)
                .map_while(|i| field(i).map(|v| (i, v)))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect();
            if let Some(&(first, value)) = beyond.first() {
                let (n, width, col) = (beyond.len(), self.map.width, first + 1);
                h.errors.push(RowError {
                    row,
                    column: format!("#{col}"),
                    value: value.to_string(),
                    code: "cells_beyond_header",
                    zh: format!(
                        "该行有 {n} 个非空单元格超出表头的 {width} 列（从第 {col} 列起）：可能是某个单元格里多了分隔符（逗号），使其后的数据错了列；请更正该行，或为这些列补上表头"
                    ),
                    en: format!(
                        "this row has {n} non-empty cell(s) past the header's {width} columns (from column {col}): a stray delimiter (comma) in a cell may have shifted the cells after it; correct the row, or give those columns a header"
                    ),
                });
            }
        }
    }
}

/// One row's cells by column, and how a cell's problem is recorded.
struct RowCells<'a, F> {
    fields: &'a [Option<usize>; columns::COLUMNS.len()],
    field: &'a F,
    row: u64,
}

impl<'r, F: Fn(usize) -> Option<&'r str>> RowCells<'_, F> {
    /// The cell of column `c` as written ("" when the file has no such column).
    #[inline(always)]
    fn get(&self, c: Column) -> &'r str {
        self.fields[c as usize].and_then(self.field).unwrap_or("")
    }

    /// Records an error of column `c`.
    fn error(
        &self,
        h: &mut Household,
        c: Column,
        value: &str,
        code: &'static str,
        zh: String,
        en: String,
    ) {
        h.errors.push(RowError {
            row: self.row,
            column: c.name().to_string(),
            value: value.to_string(),
            code,
            zh,
            en,
        });
    }

    /// The value of a number, month or yes/no cell; a cell that does not read is an error.
    /// Inlined: it runs for about fifteen cells of every row.
    #[inline(always)]
    fn parsed<T>(
        &self,
        h: &mut Household,
        c: Column,
        parse: impl FnOnce(&str) -> Result<Option<T>, cells::CellError>,
    ) -> Option<T> {
        let raw = self.get(c);
        match parse(raw) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    h,
                    c,
                    raw,
                    e.code(),
                    format!("{}列{}", c.zh(), e.zh()),
                    format!("{}: {}", c.name(), e.en()),
                );
                None
            }
        }
    }

    /// The value of an enumerated cell; unknown text is the error `code`.
    #[inline(always)]
    fn enumerated<T>(
        &self,
        h: &mut Household,
        c: Column,
        parse: fn(&str) -> Option<T>,
        code: &'static str,
        zh: &str,
        en: &str,
    ) -> Option<T> {
        let raw = self.get(c);
        enum_cell(raw, parse).unwrap_or_else(|()| {
            self.error(h, c, raw, code, zh.into(), en.into());
            None
        })
    }
}

/// Residence, members and the income columns (a part of the income above the whole is an
/// error).
fn read_income<'r, F: Fn(usize) -> Option<&'r str>>(h: &mut Household, cells: &RowCells<'_, F>) {
    h.residence = cells.enumerated(
        h,
        Column::Residence,
        Residence::parse,
        "bad_residence",
        "城乡类别应为“城市”“城镇”或“农村”（urban/rural）",
        "residence must be urban or rural (城市/城镇/农村)",
    );
    h.members = cells.parsed(h, Column::Members, cells::parse_count);
    if h.members == Some(0) {
        cells.error(
            h,
            Column::Members,
            cells.get(Column::Members),
            "zero_members",
            "家庭人口至少为 1".into(),
            "members must be at least 1".into(),
        );
    }
    h.monthly_income = cells.parsed(h, Column::MonthlyIncome, cells::parse_money);
    h.exempt_income = cells
        .parsed(h, Column::ExemptIncome, cells::parse_money)
        .unwrap_or_default();
    h.employment_income = cells
        .parsed(h, Column::EmploymentIncome, cells::parse_money)
        .unwrap_or_default();
    h.employed = cells
        .parsed(h, Column::Employed, cells::parse_count)
        .unwrap_or_default();
    if let Some(income) = h.monthly_income {
        for (c, part) in [
            (Column::ExemptIncome, h.exempt_income),
            (Column::EmploymentIncome, h.employment_income),
        ] {
            if part > income {
                cells.error(
                    h,
                    c,
                    cells.get(c),
                    "part_exceeds_income",
                    format!(
                        "{}（{part}）大于家庭月收入（{income}）：它是月收入的一部分",
                        c.zh()
                    ),
                    format!(
                        "{} ({part}) exceeds monthly_income ({income}), of which it is a part",
                        c.name()
                    ),
                );
            }
        }
    }
}

/// The enrolment status and the categories.
fn read_status<'r, F: Fn(usize) -> Option<&'r str>>(h: &mut Household, cells: &RowCells<'_, F>) {
    h.status = cells
        .enumerated(
            h,
            Column::Status,
            Status::parse,
            "bad_status",
            "保障类别应为“无”“低保”“特困”或“低保边缘”",
            "status must be none, dibao, tekun or edge",
        )
        .unwrap_or_default();
    let cats_raw = cells.get(Column::Categories);
    match Categories::parse(cats_raw) {
        Ok(c) => h.categories = c,
        Err(bad) => cells.error(
            h,
            Column::Categories,
            cats_raw,
            "bad_category",
            format!(
                "未知的类别“{bad}”；可用：{}",
                CATEGORY_NAMES
                    .iter()
                    .map(|(_, z)| *z)
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!(
                "unknown category \"{bad}\"; known: {}",
                CATEGORY_NAMES
                    .iter()
                    .map(|(e, _)| *e)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

/// The 分类施保 group counts; more persons in groups than members is an error. Returns the
/// columns that counted someone when it is, for the error to name them all.
fn read_groups<'r, F: Fn(usize) -> Option<&'r str>>(
    h: &mut Household,
    cells: &RowCells<'_, F>,
) -> Option<String> {
    let group_cols = [
        Column::Elderly,
        Column::SeverelyDisabled,
        Column::Disabled,
        Column::SeriouslyIll,
        Column::Minors,
    ];
    for (i, c) in group_cols.into_iter().enumerate() {
        h.groups[i] = cells.parsed(h, c, cells::parse_count).unwrap_or_default();
    }
    // u64: counts of up to u32::MAX each must not wrap round to a small sum
    let in_groups: u64 = h.groups.iter().map(|&g| u64::from(g)).sum();
    let m = h.members.filter(|m| in_groups > u64::from(*m))?;
    // every group column that counts someone, and its cell as typed
    let counted = || group_cols.iter().zip(h.groups).filter(|(_, g)| *g > 0);
    let values = counted()
        .map(|(c, _)| cells.get(*c))
        .collect::<Vec<_>>()
        .join("+");
    let columns = counted()
        .map(|(c, _)| c.name())
        .collect::<Vec<_>>()
        .join("+");
    cells.error(
        h,
        Column::Elderly,
        &values,
        "groups_exceed_members",
        format!("各类人数之和（{in_groups}）超过家庭人口（{m}）：每人只计入补助最高的一类"),
        format!(
            "the group counts add up to {in_groups}, more than the {m} members: count each person once, in the group that pays most"
        ),
    );
    Some(columns)
}

/// The gradual exit's start, the last grant, and the inputs of temporary assistance and of
/// the asset test.
fn read_exit_and_temporary<'r, F: Fn(usize) -> Option<&'r str>>(
    h: &mut Household,
    cells: &RowCells<'_, F>,
) {
    h.exit_start = cells
        .parsed(h, Column::ExitStart, cells::parse_month)
        .and_then(|(y, m)| Month::new(y, m));
    h.last_grant = cells.parsed(h, Column::LastGrant, cells::parse_money);
    h.months_without_income = cells.parsed(h, Column::MonthsWithoutIncome, cells::parse_count);
    h.unemployment_insured = cells.parsed(h, Column::UnemploymentInsured, cells::parse_yes_no);
    h.pandemic = cells
        .enumerated(
            h,
            Column::Pandemic,
            Pandemic::parse,
            "bad_pandemic",
            "疫情影响应为“无”“患者”“隔离”或“滞留”",
            "pandemic must be none, patient, quarantine or stranded",
        )
        .unwrap_or_default();
    h.assets = cells.parsed(h, Column::Assets, cells::parse_money);
}

/// A line break in a typed cell: a quote that is not closed where it should be has pulled the
/// lines below (other households) into this cell.
fn check_line_breaks<'r, F: Fn(usize) -> Option<&'r str>>(
    h: &mut Household,
    cells: &RowCells<'_, F>,
) {
    let row = cells.row;
    let cell = |c: Column| cells.get(c);
    // The text cells, already
    // copied into the household, are scanned once for control bytes (a line break is
    // one); the cells are looked at one by one only then, or when the row already failed (a
    // number, a month or a category with a line break in it never reads), to name the
    // cause. A line break at either end of a cell is trimmed and swallowed nothing.
    let text_cells = [
        h.id.as_str(),
        h.region.as_str(),
        h.township.as_str(),
        h.head_name.as_str(),
        h.head_id.as_str(),
        h.bank_account.as_str(),
        h.tier.as_deref().unwrap_or(""),
    ];
    let control = text_cells
        .iter()
        .any(|t| t.bytes().fold(false, |any, b| any | (b < 0x20)));
    let looked_at: &[(Column, &str, &[&str])] = if control || !h.errors.is_empty() {
        columns::COLUMNS
    } else {
        &[]
    };
    for (c, _, _) in looked_at {
        let raw = cells::trim(cell(*c));
        let breaks = raw.contains(['\n', '\r']);
        if breaks {
            let lines = raw.split(['\n', '\r']).count();
            h.errors.push(RowError {
                    row,
                    column: c.name().to_string(),
                    value: raw.to_string(),
                    code: "line_break_in_cell",
                    zh: format!(
                        "{}列的单元格里有换行（跨 {lines} 行）：多半是某个引号没有闭合，把下方的行并进了这个单元格；请删除多余的引号，并核对下方各户是否都在",
                        c.zh()
                    ),
                    en: format!(
                        "the {} cell holds a line break (it spans {lines} lines): most likely a quote is not closed and the rows below were read into this cell; remove the stray quote and check that the households below are all there",
                        c.name()
                    ),
                });
        }
    }
}

/// 集中供养: yes/no, or the way 供养方式 columns say it (集中供养 / 分散供养).
fn parse_institutional(raw: &str) -> Result<Option<bool>, cells::CellError> {
    match cells::trim(raw) {
        "集中" | "集中供养" => Ok(Some(true)),
        "分散" | "分散供养" => Ok(Some(false)),
        other => cells::parse_yes_no(other),
    }
}

/// Reads an enumerated cell: empty is `Ok(None)`, unknown text is `Err(())`.
fn enum_cell<T>(raw: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, ()> {
    let t = cells::trim(raw);
    if t.is_empty() {
        Ok(None)
    } else {
        parse(t).map(Some).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADERS: [&str; 10] = [
        "household_id",
        "region",
        "residence",
        "members",
        "monthly_income",
        "township",
        "head_id",
        "bank_account",
        "备注",
        "status",
    ];

    /// Cells for each column: good, empty and bad ones.
    fn cell(column: usize) -> impl Strategy<Value = String> {
        let options: &[&str] = match column {
            0 => &["H1", "", " H2 ", "3.20102E+17"],
            1 => &["620102", "", "999999"],
            2 => &["城市", "rural", "", "海边"],
            3 => &["3", "0", "", "三"],
            4 => &["1,234.50", "", "12a", "-5"],
            5 => &["城关镇", "", "七里河"],
            6 => &["11010519491231002X", "", "110105194912310021", "1.1E+17"],
            7 => &["6228941723308787175", "", "6.22894E+18"],
            8 => &["", "note", "=1+2"],
            _ => &["低保", "", "特困", "x"],
        };
        proptest::sample::select(options).prop_map(str::to_string)
    }

    fn row() -> impl Strategy<Value = Vec<String>> {
        (0..HEADERS.len()).map(cell).collect::<Vec<_>>()
    }

    #[test]
    fn a_line_break_in_a_read_cell_or_a_cell_past_the_header_is_an_error() {
        let policy =
            crate::rules::fixtures::policy_with_areas(&[("c", "620102")], "2022-01", 900, 700, "");
        let map = HeaderMap::from_headers(HEADERS, &Default::default()).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap();
        let parser = RowParser::new(&policy, map, None, today).unwrap();
        let codes = |cells: &[&str]| -> Vec<(String, &'static str)> {
            let h = parser.parse(2, |i| cells.get(i).copied());
            h.errors
                .iter()
                .map(|e| (e.column.clone(), e.code))
                .collect()
        };
        let ok = [
            "H1",
            "620102",
            "城市",
            "3",
            "1000",
            "城关镇",
            "",
            "",
            "",
            "低保",
        ];
        assert_eq!(codes(&ok), []);
        // a note in a column the tool does not read may span lines
        let mut note = ok;
        note[8] = "two\nlines";
        assert_eq!(codes(&note), []);
        for (i, column) in [
            (0, "household_id"),
            (3, "members"),
            (5, "township"),
            (7, "bank_account"),
        ] {
            let mut row = ok;
            row[i] = "3\nH3,620102";
            let got = codes(&row);
            assert!(
                got.contains(&(column.to_string(), "line_break_in_cell")),
                "{column}: {got:?}"
            );
        }
        let mut wide = ok.to_vec();
        wide.extend(["", "x", ""]);
        assert_eq!(codes(&wide), [("#12".to_string(), "cells_beyond_header")]);
        wide[11] = " ";
        assert_eq!(codes(&wide), []);
    }

    proptest! {
        #[test]
        fn a_recycled_household_parses_as_a_fresh_one(rows in proptest::collection::vec(row(), 1..6)) {
            let policy = crate::rules::fixtures::policy_with_areas(&[("c", "620102")], "2022-01", 900, 700, "");
            let map = HeaderMap::from_headers(HEADERS, &Default::default()).unwrap();
            let today = chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap();
            let parser = RowParser::new(&policy, map, None, today).unwrap();
            let mut spare = Household::default();
            for (n, cells) in rows.iter().enumerate() {
                let line = n as u64 + 2;
                let field = |i: usize| cells.get(i).map(String::as_str);
                let fresh = parser.parse(line, field);
                let reused = parser.parse_into(spare.recycle(line), field);
                prop_assert_eq!(format!("{reused:?}"), format!("{fresh:?}"));
                spare = reused;
            }
        }
    }
}
