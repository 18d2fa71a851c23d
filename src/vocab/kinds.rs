//! The enumerated values of a roster, in English (the stable codes) and Chinese.

use std::fmt;

/// 城乡类别: which standard applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Residence {
    /// 城市/城镇
    Urban,
    /// 农村
    Rural,
}

impl Residence {
    /// Reads `urban`/`rural`, 城市/城镇/农村.
    pub fn parse(s: &str) -> Option<Residence> {
        match lower(s).as_ref() {
            "urban" | "城市" | "城镇" | "城" | "城市居民" | "城镇居民" => {
                Some(Residence::Urban)
            }
            "rural" | "农村" | "乡村" | "乡" | "农村居民" => Some(Residence::Rural),
            _ => None,
        }
    }

    /// `urban` / `rural`.
    pub fn name(self) -> &'static str {
        match self {
            Residence::Urban => "urban",
            Residence::Rural => "rural",
        }
    }

    /// 城市 / 农村.
    pub fn zh(self) -> &'static str {
        match self {
            Residence::Urban => "城市",
            Residence::Rural => "农村",
        }
    }
}

/// 保障类别: current enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    /// 无
    #[default]
    None,
    /// 低保
    Dibao,
    /// 特困
    Tekun,
    /// 低保边缘
    Edge,
}

impl Status {
    /// Reads `none`/`dibao`/`tekun`/`edge`, 无/低保/特困/低保边缘.
    pub fn parse(s: &str) -> Option<Status> {
        match lower(s).as_ref() {
            "none" | "无" | "否" | "非低保" => Some(Status::None),
            "dibao" | "低保" | "低保户" | "低保对象" | "城市低保" | "农村低保" => {
                Some(Status::Dibao)
            }
            "tekun" | "特困" | "特困人员" | "特困供养" | "五保" => Some(Status::Tekun),
            "edge" | "低保边缘" | "低保边缘户" | "边缘户" => Some(Status::Edge),
            _ => None,
        }
    }

    /// The group name used by policies.
    pub fn name(self) -> &'static str {
        match self {
            Status::None => "none",
            Status::Dibao => "dibao",
            Status::Tekun => "tekun",
            Status::Edge => "edge",
        }
    }

    /// The status in Chinese, as a roster writes it.
    pub fn zh(self) -> &'static str {
        match self {
            Status::None => "无",
            Status::Dibao => "低保",
            Status::Tekun => "特困",
            Status::Edge => "低保边缘",
        }
    }
}

/// 自理能力 of a 特困 person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CareLevel {
    /// 全自理
    SelfCare,
    /// 半失能
    Partial,
    /// 全失能
    Full,
}

impl CareLevel {
    /// Reads `self_care`/`partial`/`full`, 全自理/半失能/全失能.
    pub fn parse(s: &str) -> Option<CareLevel> {
        match lower(s).as_ref() {
            "self_care" | "全自理" | "生活自理" | "自理" => Some(CareLevel::SelfCare),
            "partial" | "半失能" | "部分失能" | "半自理" => Some(CareLevel::Partial),
            "full" | "全失能" | "完全失能" | "全护理" => Some(CareLevel::Full),
            _ => None,
        }
    }

    /// `self_care` / `partial` / `full`.
    pub fn name(self) -> &'static str {
        match self {
            CareLevel::SelfCare => "self_care",
            CareLevel::Partial => "partial",
            CareLevel::Full => "full",
        }
    }

    /// 全自理 / 半失能 / 全失能.
    pub fn zh(self) -> &'static str {
        match self {
            CareLevel::SelfCare => "全自理",
            CareLevel::Partial => "半失能",
            CareLevel::Full => "全失能",
        }
    }
}

/// 疫情影响.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pandemic {
    /// 无
    #[default]
    None,
    /// 患者
    Patient,
    /// 隔离
    Quarantine,
    /// 滞留
    Stranded,
}

impl Pandemic {
    /// Reads `none`/`patient`/`quarantine`/`stranded`, 无/患者/隔离/滞留.
    pub fn parse(s: &str) -> Option<Pandemic> {
        match lower(s).as_ref() {
            "none" | "无" | "否" => Some(Pandemic::None),
            "patient" | "患者" | "确诊" => Some(Pandemic::Patient),
            "quarantine" | "隔离" | "被隔离" => Some(Pandemic::Quarantine),
            "stranded" | "滞留" => Some(Pandemic::Stranded),
            _ => None,
        }
    }
}

/// Trimmed and lower-cased, allocating only when the cell has upper-case letters.
fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    let t = crate::text::trim(s);
    if t.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(t.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(t)
    }
}

/// The roster's categories (其他类别), English name and Chinese name, bit order.
pub const CATEGORY_NAMES: &[(&str, &str)] = &[
    ("youfu", "优抚对象"),
    ("orphan", "孤儿"),
    ("de_facto_orphan", "事实无人抚养儿童"),
    ("hiv_child", "艾滋病病毒感染儿童"),
    ("ui", "领取失业保险金"),
    ("unemployment_subsidy", "领取失业补助金"),
    ("poverty_alleviated", "脱贫人口"),
    ("monitored", "防止返贫监测对象"),
    ("graduate", "未就业困难大学生"),
];

/// A set of categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Categories(u16);

impl Categories {
    /// Reads a list separated by `;` (also `；`, `,`, `，`, `、`, `|`), English or Chinese names.
    /// Returns the first unknown name as the error.
    pub fn parse(s: &str) -> Result<Categories, String> {
        let mut set = Categories::default();
        if s.trim().is_empty() {
            return Ok(set);
        }
        for part in s.split([';', '；', ',', '，', '、', '|']) {
            let p = part.trim();
            if p.is_empty() || p == "无" {
                continue;
            }
            let lower = p.to_ascii_lowercase();
            let i = CATEGORY_NAMES
                .iter()
                .position(|(en, zh)| *en == lower || *zh == p || alias(p) == Some(*en))
                .ok_or_else(|| p.to_string())?;
            set.0 |= 1 << i;
        }
        Ok(set)
    }

    /// Whether the set holds the category named `name` (English).
    pub fn has(self, name: &str) -> bool {
        CATEGORY_NAMES
            .iter()
            .position(|(en, _)| *en == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// The English names in the set.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        CATEGORY_NAMES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, (en, _))| *en)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The categories in either set (a household's and its members').
    pub fn union(self, other: Categories) -> Categories {
        Categories(self.0 | other.0)
    }
}

fn alias(p: &str) -> Option<&'static str> {
    Some(match p {
        "优抚" => "youfu",
        "事实孤儿" => "de_facto_orphan",
        "失业保险金" => "ui",
        "失业补助金" => "unemployment_subsidy",
        "脱贫户" => "poverty_alleviated",
        "监测对象" | "监测户" => "monitored",
        "困难大学生" => "graduate",
        _ => return None,
    })
}

impl fmt::Display for Categories {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        f.write_str(&names.join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_reads_back_from_its_chinese_and_english_names() {
        for s in [Status::None, Status::Dibao, Status::Tekun, Status::Edge] {
            assert_eq!(Status::parse(s.zh()), Some(s));
            assert_eq!(Status::parse(s.name()), Some(s));
        }
    }

    #[test]
    fn chinese_and_english_values_read_alike() {
        assert_eq!(Residence::parse("城镇"), Some(Residence::Urban));
        assert_eq!(Residence::parse("Rural"), Some(Residence::Rural));
        assert_eq!(Status::parse("低保边缘"), Some(Status::Edge));
        assert_eq!(CareLevel::parse("半失能"), Some(CareLevel::Partial));
        assert_eq!(Pandemic::parse("隔离"), Some(Pandemic::Quarantine));
        let c = Categories::parse("优抚对象；ui").unwrap();
        assert!(c.has("youfu") && c.has("ui") && !c.has("orphan"));
        assert_eq!(c.to_string(), "youfu;ui");
        assert_eq!(
            Categories::parse("youfu;martian"),
            Err("martian".to_string())
        );
    }
}
