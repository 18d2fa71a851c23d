//! Roster columns: their standard names, Chinese headers and the aliases real rosters use, and
//! the mapping from a file's header row to columns.

use std::collections::BTreeMap;

/// A standard roster column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// 户编号
    HouseholdId,
    /// 区划代码
    Region,
    /// 城乡类别
    Residence,
    /// 家庭人口
    Members,
    /// 家庭月收入
    MonthlyIncome,
    /// 不计入收入
    ExemptIncome,
    /// 工资性收入
    EmploymentIncome,
    /// 就业人数
    Employed,
    /// 保障类别
    Status,
    /// 其他类别
    Categories,
    /// 老年人数
    Elderly,
    /// 重度残疾人数
    SeverelyDisabled,
    /// 残疾人数
    Disabled,
    /// 重病人数
    SeriouslyIll,
    /// 未成年人数
    Minors,
    /// 自理能力
    CareLevel,
    /// 集中供养
    Institutional,
    /// 档次
    Tier,
    /// 渐退起始月
    ExitStart,
    /// 上月低保金
    LastGrant,
    /// 连续无收入月数
    MonthsWithoutIncome,
    /// 参加失业保险
    UnemploymentInsured,
    /// 疫情影响
    Pandemic,
    /// 家庭财产
    Assets,
    /// 乡镇街道
    Township,
    /// 户主姓名
    HeadName,
    /// 户主身份证号
    HeadId,
    /// 银行账号
    BankAccount,
}

/// Every column with its standard name (in the enum's order: `Column as usize` indexes it) and the
/// headers that mean it (compared after
/// [`normalize_header`]).
pub const COLUMNS: &[(Column, &str, &[&str])] = &[
    (
        Column::HouseholdId,
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
            "保障证号",
            "特困证号",
            "id",
        ],
    ),
    (
        Column::Region,
        "region",
        &[
            "区划代码",
            "行政区划代码",
            "行政区划",
            "区划",
            "区划编码",
            "行政区划编码",
            "所属区划",
            "region_code",
        ],
    ),
    (
        Column::Residence,
        "residence",
        &[
            "城乡类别",
            "城乡",
            "户籍类别",
            "城乡属性",
            "城乡标识",
            "城乡类型",
            "户籍性质",
            "城市/农村",
            "城乡别",
        ],
    ),
    (
        Column::Members,
        "members",
        &[
            "家庭人口",
            "保障人数",
            "家庭人数",
            "共同生活人数",
            "户人口",
            "人口数",
            "保障人口",
            "保障人口数",
            "享受人数",
            "在保人数",
            "家庭人口数",
            "家庭成员人数",
            "共同生活家庭成员人数",
        ],
    ),
    (
        Column::MonthlyIncome,
        "monthly_income",
        &[
            "家庭月收入",
            "月收入",
            "家庭月总收入",
            "家庭收入",
            "月总收入",
            "家庭月收入合计",
        ],
    ),
    (
        Column::ExemptIncome,
        "exempt_income",
        &[
            "不计入收入",
            "豁免收入",
            "不计入家庭收入",
            "不计收入",
            "不计入月收入",
        ],
    ),
    (
        Column::EmploymentIncome,
        "employment_income",
        &["工资性收入", "务工收入", "就业收入", "工资收入", "劳动收入"],
    ),
    (
        Column::Employed,
        "employed",
        &["就业人数", "务工人数", "就业人口", "劳动力就业人数"],
    ),
    (
        Column::Status,
        "status",
        &[
            "保障类别",
            "救助类别",
            "保障类型",
            "对象类别",
            "救助类型",
            "保障对象类别",
            "救助对象类别",
        ],
    ),
    (
        Column::Categories,
        "categories",
        &["其他类别", "特殊类别", "人员类别"],
    ),
    (
        Column::Elderly,
        "elderly",
        &["老年人数", "老年人", "老人数", "老年人口", "老年人口数"],
    ),
    (
        Column::SeverelyDisabled,
        "severely_disabled",
        &["重度残疾人数", "重度残疾", "重度残疾人", "一二级残疾人数"],
    ),
    (
        Column::Disabled,
        "disabled",
        &["残疾人数", "残疾人", "其他残疾人数", "三四级残疾人数"],
    ),
    (
        Column::SeriouslyIll,
        "seriously_ill",
        &[
            "重病人数",
            "重病患者人数",
            "重病",
            "重病患者",
            "大病人数",
            "重特大疾病人数",
        ],
    ),
    (
        Column::Minors,
        "minors",
        &["未成年人数", "未成年人", "未成年人口", "未成年人口数"],
    ),
    (
        Column::CareLevel,
        "care_level",
        &[
            "自理能力",
            "生活自理能力",
            "护理等级",
            "自理情况",
            "失能等级",
            "生活自理情况",
        ],
    ),
    (
        Column::Institutional,
        "institutional",
        &["集中供养", "供养方式", "供养形式", "是否集中供养"],
    ),
    (Column::Tier, "tier", &["档次", "保障档次", "分档"]),
    (
        Column::ExitStart,
        "exit_start",
        &[
            "渐退起始月",
            "渐退开始月份",
            "渐退起始月份",
            "渐退开始时间",
            "渐退起始时间",
            "渐退期起始月",
        ],
    ),
    (
        Column::LastGrant,
        "last_grant",
        &[
            "上月低保金",
            "渐退前低保金",
            "原低保金",
            "原保障金额",
            "渐退前保障金额",
        ],
    ),
    (
        Column::MonthsWithoutIncome,
        "months_without_income",
        &["连续无收入月数", "无收入月数", "无收入月份数"],
    ),
    (
        Column::UnemploymentInsured,
        "unemployment_insured",
        &["参加失业保险", "是否参加失业保险", "失业保险"],
    ),
    (Column::Pandemic, "pandemic", &["疫情影响", "疫情情况"]),
    (
        Column::Assets,
        "assets",
        &[
            "家庭财产",
            "家庭资产",
            "财产",
            "家庭财产总额",
            "家庭资产总额",
        ],
    ),
    (
        Column::Township,
        "township",
        &[
            "乡镇街道",
            "所属乡镇",
            "乡镇",
            "街道",
            "所属乡镇街道",
            "乡镇（街道）",
            "乡镇/街道",
            "所属乡镇/街道",
            "所属街道",
            "所属镇街",
            "镇街",
            "街道办事处",
        ],
    ),
    (
        Column::HeadName,
        "head_name",
        &[
            "户主姓名",
            "户主",
            "姓名",
            "户主名称",
            "申请人姓名",
            "申请人",
        ],
    ),
    (
        Column::HeadId,
        "head_id",
        &[
            "户主身份证号",
            "身份证号码",
            "身份证号",
            "户主身份证号码",
            "公民身份号码",
            "户主公民身份号码",
            "证件号码",
            "身份证",
            "申请人身份证号码",
        ],
    ),
    (
        Column::BankAccount,
        "bank_account",
        &[
            "银行账号",
            "银行帐号",
            "银行卡号",
            "账号",
            "帐号",
            "社保卡号",
            "社会保障卡号",
            "一卡通账号",
            "一卡通帐号",
            "惠民一卡通账号",
            "存折账号",
            "存折帐号",
            "收款账号",
            "发放账号",
        ],
    ),
];

/// A table of columns: the column, its name, and the headers that mean it.
pub type ColumnTable<C> = [(C, &'static str, &'static [&'static str])];

/// The name of `c` in `table` (`?` when absent).
pub fn name_in<C: PartialEq>(table: &ColumnTable<C>, c: C) -> &'static str {
    table
        .iter()
        .find(|(t, _, _)| *t == c)
        .map(|(_, n, _)| *n)
        .unwrap_or("?")
}

/// The first Chinese header of `c` in `table` (`?` when absent).
pub fn zh_in<C: PartialEq>(table: &ColumnTable<C>, c: C) -> &'static str {
    table
        .iter()
        .find(|(t, _, _)| *t == c)
        .and_then(|(_, _, a)| a.first().copied())
        .unwrap_or("?")
}

/// The column of `table` called `name`.
pub fn by_name_in<C: Copy>(table: &ColumnTable<C>, name: &str) -> Option<C> {
    table
        .iter()
        .find(|(_, n, _)| *n == name)
        .map(|(c, _, _)| *c)
}

impl Column {
    /// The standard (English) name.
    pub fn name(self) -> &'static str {
        name_in(COLUMNS, self)
    }

    /// The first Chinese header.
    pub fn zh(self) -> &'static str {
        zh_in(COLUMNS, self)
    }

    /// The column whose standard name is `name`.
    pub fn by_name(name: &str) -> Option<Column> {
        by_name_in(COLUMNS, name)
    }
}

/// Whether `name` is a standard column name.
pub fn is_known(name: &str) -> bool {
    Column::by_name(name).is_some()
}

/// Header text as compared: trimmed, lower-case, without spaces, BOM, `*` marks of required
/// columns, and a trailing unit in brackets (`家庭月收入（元）`).
pub fn normalize_header(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}' && *c != '*' && *c != '\u{3000}')
        .flat_map(char::to_lowercase)
        .collect();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if s.ends_with(close)
            && let Some(i) = s.rfind(open)
            && i > 0
        {
            s.truncate(i);
        }
    }
    s
}

/// How many different columns the cells of a header row name: rows of a title, units or
/// column numbers name none, the real header row several. Unlike [`HeaderMap::from_headers`]
/// this never fails, so a header with a doubled column is still found (and then refused with a
/// clear message).
pub fn count_known<'a>(
    headers: impl IntoIterator<Item = &'a str>,
    aliases: &BTreeMap<String, String>,
) -> usize {
    let mut seen: Vec<Column> = Vec::new();
    for raw in headers {
        if let Some(c) = lookup(&normalize_header(raw), aliases)
            && !seen.contains(&c)
        {
            seen.push(c);
        }
    }
    seen.len()
}

/// Every built-in header (standard names and aliases), normalised once.
fn builtin_headers() -> &'static std::collections::HashMap<String, Column> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<String, Column>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = std::collections::HashMap::new();
        for (c, name, zh) in COLUMNS {
            // the first entry wins, as in the table's order
            t.entry(normalize_header(name)).or_insert(*c);
            for z in *zh {
                t.entry(normalize_header(z)).or_insert(*c);
            }
        }
        t
    })
}

/// The column a normalised header names: local aliases first, then standard names and the
/// built-in aliases.
fn lookup(h: &str, aliases: &BTreeMap<String, String>) -> Option<Column> {
    if h.is_empty() {
        return None;
    }
    aliases
        .iter()
        .find(|(a, _)| normalize_header(a) == h)
        .and_then(|(_, c)| Column::by_name(c))
        .or_else(|| builtin_headers().get(h).copied())
}

/// Where each column sits in a file, and the columns carried through untouched.
#[derive(Debug, Clone, Default)]
pub struct HeaderMap {
    /// column → field index
    pub index: BTreeMap<Column, usize>,
    /// (field index, header as written) of columns the tool does not read
    pub extra: Vec<(usize, String)>,
    /// the number of cells of the header row: a non-empty cell past it has no column
    pub width: usize,
}

impl HeaderMap {
    /// Maps a header row; `aliases` are local names from the policy or the command line.
    /// Returns the columns that appear twice as an error.
    pub fn from_headers<'a>(
        headers: impl IntoIterator<Item = &'a str>,
        aliases: &BTreeMap<String, String>,
    ) -> Result<HeaderMap, String> {
        let mut map = HeaderMap::default();
        for (i, raw) in headers.into_iter().enumerate() {
            match lookup(&normalize_header(raw), aliases) {
                Some(c) => {
                    if map.index.insert(c, i).is_some() {
                        return Err(format!(
                            "two columns mean {} ({}): keep one (表头中有两列都表示“{}”)",
                            c.name(),
                            raw.trim(),
                            c.zh()
                        ));
                    }
                }
                None => map.extra.push((i, raw.trim().to_string())),
            }
            map.width = i + 1;
        }
        Ok(map)
    }

    /// Field index of a column.
    pub fn get(&self, c: Column) -> Option<usize> {
        self.index.get(&c).copied()
    }

    /// How many of the header's fields name a known column (used to find the header row).
    pub fn known(&self) -> usize {
        self.index.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order() {
        for (i, (c, _, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }

    #[test]
    fn english_and_chinese_headers_map_to_the_same_columns() {
        let none = BTreeMap::new();
        let en = HeaderMap::from_headers(["household_id", "Region", " members "], &none).unwrap();
        let zh = HeaderMap::from_headers(["户编号", "区划代码", "家庭人口（人）"], &none).unwrap();
        assert_eq!(en.index, zh.index);
        assert_eq!(en.get(Column::Members), Some(2));
    }

    #[test]
    fn unknown_headers_are_carried_and_local_aliases_apply() {
        let mut aliases = BTreeMap::new();
        aliases.insert("月保障金额".to_string(), "last_grant".to_string());
        let m = HeaderMap::from_headers(["户编号", "备注", "月保障金额"], &aliases).unwrap();
        assert_eq!(m.get(Column::LastGrant), Some(2));
        assert_eq!(m.extra, vec![(1, "备注".to_string())]);
        assert_eq!(m.width, 3);
        assert!(HeaderMap::from_headers(["户编号", "household_id"], &aliases).is_err());
    }
}
