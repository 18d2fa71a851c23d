//! The price index series (价格指数): one row per index month, the year-on-year change of the
//! consumer price index (`cpi`), its food component (`food`) and, where a city publishes one,
//! the index of the price-linkage mechanism (`scpi`), in percent (`3.7` means +3.7%).
//!
//! Columns `month`, `cpi`, `food`, optionally `scpi` and `area`; without `area` a row
//! applies to every area. A file that cannot be trusted stops the run: a row without a month, a
//! month given twice (for the same area), a value that is not a number. An empty value cell is
//! *unknown*, not zero: a month whose trigger or formula needs it is undetermined, never
//! "not triggered". A month with no row at all is found by the command (it knows the range).

use crate::lang::Lang;
use crate::month::Month;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

/// A message in both languages; the command says the one of `--lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// 中文
    pub zh: String,
    /// English
    pub en: String,
}

impl Said {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Said {
        Said {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message in `lang`.
    pub fn in_lang(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// Why an index file cannot be used. Each variant names the file, and where it can, the line
/// and column; the run stops and nothing is written. [`IndexError::describe`] words it in one
/// language; its `Display` is the Chinese wording.
#[derive(Debug)]
pub enum IndexError {
    /// The file cannot be read.
    Io {
        /// the file
        path: String,
        /// the cause
        source: std::io::Error,
    },
    /// The file is not CSV, or is in an encoding that cannot be read.
    Broken {
        /// the file
        path: String,
        /// line number
        line: u64,
        /// what is wrong
        message: Said,
    },
    /// A required column is absent, or a column appears twice.
    Header {
        /// the file
        path: String,
        /// what is wrong
        message: Said,
    },
    /// A cell cannot be read.
    Cell {
        /// the file
        path: String,
        /// line number (the header is line 1)
        line: u64,
        /// the column
        column: &'static str,
        /// the cell as written
        value: String,
        /// what is wrong
        reason: Said,
    },
    /// The same month (and area) appears twice: which value applies is ambiguous.
    Duplicate {
        /// the file
        path: String,
        /// the second occurrence
        line: u64,
        /// the first occurrence
        first: u64,
        /// the month
        month: Month,
        /// the area of the rows, if the file has areas
        area: Option<String>,
    },
    /// The file has a header but no data row.
    Empty {
        /// the file
        path: String,
    },
}

impl IndexError {
    /// The message in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (IndexError::Io { path, source }, Lang::Zh) => {
                format!("无法读取指数文件 {path}：{source}")
            }
            (IndexError::Io { path, source }, Lang::En) => {
                format!("cannot read index file {path}: {source}")
            }
            (
                IndexError::Broken {
                    path,
                    line,
                    message,
                },
                Lang::Zh,
            ) => format!("指数文件 {path} 第 {line} 行：{}", message.zh),
            (
                IndexError::Broken {
                    path,
                    line,
                    message,
                },
                Lang::En,
            ) => format!("index file {path}, line {line}: {}", message.en),
            (IndexError::Header { path, message }, Lang::Zh) => {
                format!("指数文件 {path}：{}", message.zh)
            }
            (IndexError::Header { path, message }, Lang::En) => {
                format!("index file {path}: {}", message.en)
            }
            (
                IndexError::Cell {
                    path,
                    line,
                    column,
                    value,
                    reason,
                },
                Lang::Zh,
            ) => format!(
                "指数文件 {path} 第 {line} 行 {column} 列（“{value}”）：{}",
                reason.zh
            ),
            (
                IndexError::Cell {
                    path,
                    line,
                    column,
                    value,
                    reason,
                },
                Lang::En,
            ) => format!(
                "index file {path}, line {line}, column {column} (\"{value}\"): {}",
                reason.en
            ),
            (
                IndexError::Duplicate {
                    path,
                    line,
                    first,
                    month,
                    area,
                },
                Lang::Zh,
            ) => {
                let area = area
                    .as_ref()
                    .map(|a| format!("（地区 {a}）"))
                    .unwrap_or_default();
                format!(
                    "指数文件 {path} 第 {line} 行：月份 {month}{area} 已在第 {first} 行出现：每个月份只能写一次"
                )
            }
            (
                IndexError::Duplicate {
                    path,
                    line,
                    first,
                    month,
                    area,
                },
                Lang::En,
            ) => {
                let area = area
                    .as_ref()
                    .map(|a| format!(", area {a}"))
                    .unwrap_or_default();
                format!(
                    "index file {path}, line {line}: month {month}{area} already appears on line {first}: give each month once"
                )
            }
            (IndexError::Empty { path }, Lang::Zh) => format!("指数文件 {path} 没有数据行"),
            (IndexError::Empty { path }, Lang::En) => {
                format!("index file {path} has no data rows")
            }
        }
    }
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::Zh))
    }
}

impl std::error::Error for IndexError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IndexError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `e` with an [`IndexError`] in its chain said in `lang` (the contexts above it kept); any
/// other error unchanged.
pub fn in_lang(e: anyhow::Error, lang: Lang) -> anyhow::Error {
    let Some(said) = e
        .chain()
        .find_map(|c| c.downcast_ref::<IndexError>())
        .map(|i| i.describe(lang))
    else {
        return e;
    };
    let outer: Vec<String> = e
        .chain()
        .take_while(|c| !c.is::<IndexError>())
        .map(|c| c.to_string())
        .collect();
    outer
        .into_iter()
        .rev()
        .fold(anyhow::anyhow!(said), |acc, c| acc.context(c))
}

/// The columns of an index file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexColumn {
    /// the index month
    Month,
    /// CPI, year on year, percent
    Cpi,
    /// CPI food, year on year, percent
    Food,
    /// the price-linkage index (SCPI), year on year, percent
    Scpi,
    /// the policy area the row applies to (empty: every area)
    Area,
}

impl IndexColumn {
    const ALL: [IndexColumn; 5] = [
        IndexColumn::Month,
        IndexColumn::Cpi,
        IndexColumn::Food,
        IndexColumn::Scpi,
        IndexColumn::Area,
    ];

    /// The standard (English) name.
    pub fn name(self) -> &'static str {
        match self {
            IndexColumn::Month => "month",
            IndexColumn::Cpi => "cpi",
            IndexColumn::Food => "food",
            IndexColumn::Scpi => "scpi",
            IndexColumn::Area => "area",
        }
    }

    /// Header spellings accepted besides the name (compared lower-case, without spaces).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            IndexColumn::Month => &["index_month", "月份", "指数月份", "统计月份"],
            IndexColumn::Cpi => &[
                "居民消费价格指数",
                "居民消费价格",
                "cpi同比",
                "cpi涨幅",
                "居民消费价格同比",
            ],
            IndexColumn::Food => &[
                "cpi_food",
                "食品",
                "食品价格",
                "食品价格指数",
                "食品类",
                "食品同比",
                "食品价格同比",
            ],
            IndexColumn::Scpi => &["低收入居民基本生活费用价格指数", "scpi同比"],
            IndexColumn::Area => &["地区", "区域"],
        }
    }
}

/// The published changes for one index month, in percent. `None` is an empty cell: unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IndexValues {
    /// CPI year on year
    pub cpi: Option<Decimal>,
    /// CPI food year on year
    pub food: Option<Decimal>,
    /// SCPI year on year
    pub scpi: Option<Decimal>,
}

/// One row of the series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    /// line number in the file
    pub line: u64,
    /// the index month
    pub month: Month,
    /// the area it applies to; `None`: every area
    pub area: Option<String>,
    /// the values
    pub values: IndexValues,
}

/// A price index series, read and checked.
#[derive(Debug, Clone)]
pub struct IndexSeries {
    /// the file's name as given
    pub name: String,
    /// whether the file has an `scpi` column
    pub has_scpi: bool,
    /// whether the file has an `area` column
    pub has_area: bool,
    rows: Vec<IndexRow>,
    by_key: HashMap<(Option<String>, Month), usize>,
}

impl IndexSeries {
    /// Reads an index file (`-` is stdin). UTF-8 with or without BOM, or GB18030/GBK as saved
    /// by Excel on Chinese Windows.
    pub fn load(path: &str) -> Result<IndexSeries, IndexError> {
        let io = |source| IndexError::Io {
            path: path.to_string(),
            source,
        };
        let bytes = if path == "-" {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map_err(io)?;
            b
        } else {
            std::fs::read(Path::new(path)).map_err(io)?
        };
        let text = decode(&bytes).ok_or_else(|| IndexError::Broken {
            path: path.to_string(),
            line: 1,
            message: Said::new(
                "文件编码无法识别（既不是 UTF-8 也不是 GB18030）：请另存为“CSV UTF-8”",
                "the file is neither UTF-8 nor GB18030 text: save it as \"CSV UTF-8\"",
            ),
        })?;
        IndexSeries::parse(&text, path)
    }

    /// Parses CSV text; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<IndexSeries, IndexError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let broken = |e: csv::Error| IndexError::Broken {
            path: name.to_string(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: Said::new(format!("无法按 CSV 读取：{e}"), e.to_string()),
        };
        let headers = reader.headers().map_err(broken)?.clone();
        let mut at: HashMap<IndexColumn, usize> = HashMap::new();
        for (i, raw) in headers.iter().enumerate() {
            let h = normalize(raw);
            let Some(c) = IndexColumn::ALL
                .into_iter()
                .find(|c| c.name() == h || c.aliases().iter().any(|a| normalize(a) == h))
            else {
                // Other columns (a note, the source of the figure) are allowed and ignored.
                continue;
            };
            if at.insert(c, i).is_some() {
                return Err(IndexError::Header {
                    path: name.to_string(),
                    message: Said::new(
                        format!(
                            "有两列都表示 {}（“{}”）：请只保留一列",
                            c.name(),
                            raw.trim()
                        ),
                        format!(
                            "two columns mean {} (\"{}\"): keep one",
                            c.name(),
                            raw.trim()
                        ),
                    ),
                });
            }
        }
        let missing: Vec<&str> = [IndexColumn::Month, IndexColumn::Cpi, IndexColumn::Food]
            .into_iter()
            .filter(|c| !at.contains_key(c))
            .map(IndexColumn::name)
            .collect();
        if !missing.is_empty() {
            return Err(IndexError::Header {
                path: name.to_string(),
                message: Said::new(
                    format!(
                        "缺少必需的列 {}：表头应为 month,cpi,food[,scpi][,area]",
                        missing.join("、")
                    ),
                    format!(
                        "no column {}: the header must be month,cpi,food[,scpi][,area]",
                        missing.join(", ")
                    ),
                ),
            });
        }
        let mut series = IndexSeries {
            name: name.to_string(),
            has_scpi: at.contains_key(&IndexColumn::Scpi),
            has_area: at.contains_key(&IndexColumn::Area),
            rows: Vec::new(),
            by_key: HashMap::new(),
        };
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(broken)? {
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let cell = |c: IndexColumn| at.get(&c).and_then(|&i| record.get(i)).unwrap_or("");
            let bad = |c: IndexColumn, (zh, en): (&str, &str)| IndexError::Cell {
                path: name.to_string(),
                line,
                column: c.name(),
                value: cell(c).to_string(),
                reason: Said::new(zh, en),
            };
            let raw_month = cell(IndexColumn::Month);
            if raw_month.trim().is_empty() {
                return Err(bad(
                    IndexColumn::Month,
                    (
                        "月份为空：每行都要写指数月份，格式 YYYY-MM",
                        "the month is empty: every row needs its index month, YYYY-MM",
                    ),
                ));
            }
            let month = parse_month(raw_month).ok_or_else(|| {
                bad(
                    IndexColumn::Month,
                    (
                        "不是月份：请写成 YYYY-MM，如 2022-09",
                        "not a month: write it YYYY-MM, e.g. 2022-09",
                    ),
                )
            })?;
            if month > LAST_INDEX_MONTH {
                return Err(bad(
                    IndexColumn::Month,
                    (
                        "月份晚于 9998-12：其发放月份（最多晚 12 个月）将超过本工具能处理的最后月份 9999-12",
                        "after 9998-12: its payment month (up to 12 months later) would be past 9999-12, the last month the tool handles",
                    ),
                ));
            }
            let value = |c: IndexColumn| -> Result<Option<Decimal>, IndexError> {
                match parse_percent(cell(c)) {
                    Ok(v) => Ok(v),
                    Err(reason) => Err(bad(c, reason)),
                }
            };
            let values = IndexValues {
                cpi: value(IndexColumn::Cpi)?,
                food: value(IndexColumn::Food)?,
                scpi: value(IndexColumn::Scpi)?,
            };
            let area = Some(cell(IndexColumn::Area).trim().to_string()).filter(|a| !a.is_empty());
            let key = (area.clone(), month);
            if let Some(&first) = series.by_key.get(&key) {
                return Err(IndexError::Duplicate {
                    path: name.to_string(),
                    line,
                    first: series.rows[first].line,
                    month,
                    area,
                });
            }
            series.by_key.insert(key, series.rows.len());
            series.rows.push(IndexRow {
                line,
                month,
                area,
                values,
            });
        }
        if series.rows.is_empty() {
            return Err(IndexError::Empty {
                path: name.to_string(),
            });
        }
        Ok(series)
    }

    /// The row for `month` in `area`: the area's own row, else a row naming no area.
    pub fn get(&self, area: Option<&str>, month: Month) -> Option<&IndexRow> {
        area.and_then(|a| self.by_key.get(&(Some(a.to_string()), month)))
            .or_else(|| self.by_key.get(&(None, month)))
            .map(|&i| &self.rows[i])
    }

    /// Every row, in file order.
    pub fn rows(&self) -> &[IndexRow] {
        &self.rows
    }

    /// The first and last month in the file.
    pub fn span(&self) -> (Month, Month) {
        let first = self.rows.iter().map(|r| r.month).min();
        let last = self.rows.iter().map(|r| r.month).max();
        // `parse` refuses a file without rows, so both exist.
        match (first, last) {
            (Some(a), Some(b)) => (a, b),
            _ => (Month::current(), Month::current()),
        }
    }

    /// The area names the file uses.
    pub fn areas(&self) -> BTreeSet<&str> {
        self.rows.iter().filter_map(|r| r.area.as_deref()).collect()
    }
}

impl fmt::Display for IndexValues {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let v = |x: Option<Decimal>| x.map(|d| d.normalize().to_string()).unwrap_or("?".into());
        write!(f, "CPI {} food {}", v(self.cpi), v(self.food))?;
        if let Some(s) = self.scpi {
            write!(f, " SCPI {}", s.normalize())?;
        }
        Ok(())
    }
}

fn decode(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
}

fn normalize(raw: &str) -> String {
    crate::vocab::columns::normalize_header(raw)
}

/// Reads `2022-09`, also `2022-9`, `2022/09`, `2022.09`, `202209` and `2022年9月` as Excel
/// and statistical bulletins write them.
fn parse_month(raw: &str) -> Option<Month> {
    let s = raw.trim();
    if let Ok(m) = s.parse::<Month>() {
        return Some(m);
    }
    let s = s.trim_end_matches('月');
    let (y, m) = if let Some((y, m)) = s.split_once(['-', '/', '.', '年']) {
        (y, m)
    } else if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.split_at(4)
    } else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    Month::new(y.parse().ok()?, m.parse().ok()?)
}

/// The last index month accepted: its payment month, at most 12 months later (the longest
/// `index_lag`), must not pass 9999-12.
const LAST_INDEX_MONTH: Month = Month::LAST.minus_year();

/// Reads a year-on-year change in percent: `2.8`, `+2.8`, `-0.5`, `2.8%`, full-width digits.
/// Empty is unknown. A value that looks like an index with the previous year = 100 (`102.8`)
/// is refused: read as a percent it would multiply a proportional subsidy some thirty-fold.
fn parse_percent(raw: &str) -> Result<Option<Decimal>, (&'static str, &'static str)> {
    use unicode_normalization::UnicodeNormalization;
    let s: String = raw.nfkc().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_end_matches('%').trim_start_matches('+');
    if s.is_empty() {
        return Ok(None);
    }
    // Only digits, one point and a leading minus: `Decimal`'s own parser would also read
    // `1_0` as 10, which the roster refuses too.
    let digits = s.strip_prefix('-').unwrap_or(s);
    let plain = digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1;
    let v = plain
        .then(|| Decimal::from_str_exact(s).ok())
        .flatten()
        .ok_or({
            (
                "不是数字：请填写同比涨幅百分数，如 2.8",
                "not a number: write the year-on-year change in percent, e.g. 2.8",
            )
        })?;
    if v >= Decimal::from(80) {
        return Err((
            "像是以上年为 100 的指数：请填写同比涨幅百分数（102.8 应写为 2.8）",
            "looks like an index with the previous year = 100: write the change in percent (102.8 → 2.8)",
        ));
    }
    if v <= Decimal::from(-80) {
        return Err((
            "同比涨幅数值不合理",
            "not a plausible year-on-year change in percent",
        ));
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn reads_values_areas_and_empty_cells() {
        let s = IndexSeries::parse(
            "month,cpi,food,scpi,area,note\n2022-09,2.8,8.8,,,\n2022-10,2.1,7.0,3.4,,x\n\n2022-10,2.5,6.5,4.2,city,\n",
            "t.csv",
        )
        .unwrap();
        assert!(s.has_scpi && s.has_area);
        let r = s.get(None, m("2022-09")).unwrap();
        assert_eq!(r.values.cpi, Some(dec!(2.8)));
        assert_eq!(r.values.scpi, None);
        assert_eq!(
            s.get(Some("city"), m("2022-10")).unwrap().values.scpi,
            Some(dec!(4.2))
        );
        assert_eq!(
            s.get(Some("county"), m("2022-10")).unwrap().values.scpi,
            Some(dec!(3.4))
        );
        assert_eq!(s.get(Some("city"), m("2022-09")).unwrap().line, 2);
        assert!(s.get(None, m("2022-11")).is_none());
        assert_eq!(s.span(), (m("2022-09"), m("2022-10")));
        assert_eq!(s.areas().into_iter().collect::<Vec<_>>(), ["city"]);
    }

    #[test]
    fn chinese_headers_bom_and_local_spellings() {
        let s = IndexSeries::parse(
            "\u{feff}月份,居民消费价格指数,食品价格\n2022年9月,＋2.8%,8.8\n2022/10,2.1,7\n202211,1.6,3.7\n",
            "t.csv",
        )
        .unwrap();
        assert_eq!(
            s.get(None, m("2022-09")).unwrap().values.cpi,
            Some(dec!(2.8))
        );
        assert_eq!(
            s.get(None, m("2022-10")).unwrap().values.food,
            Some(dec!(7))
        );
        assert_eq!(
            s.get(None, m("2022-11")).unwrap().values.food,
            Some(dec!(3.7))
        );
        assert!(!s.has_scpi && !s.has_area);
    }

    #[test]
    fn refuses_what_cannot_be_trusted() {
        let err = |t: &str| {
            IndexSeries::parse(t, "t.csv")
                .unwrap_err()
                .describe(Lang::En)
        };
        let e = err("month,cpi,food\n2022-09,2.8,8.8\n2022-09,2.9,8.8\n");
        assert!(
            e.contains("line 3") && e.contains("line 2") && e.contains("2022-09"),
            "{e}"
        );
        let e = err("month,cpi,food\n2022-09,2.8,abc\n");
        assert!(
            e.contains("line 2") && e.contains("food") && e.contains("abc"),
            "{e}"
        );
        let e = err("month,cpi,food\n,2.8,8.8\n");
        assert!(e.contains("month is empty"), "{e}");
        let e = err("month,cpi,food\n2022-13,2.8,8.8\n");
        assert!(e.contains("not a month"), "{e}");
        let e = err("month,cpi\n2022-09,2.8\n");
        assert!(e.contains("no column food"), "{e}");
        for v in ["1_0", "1e1", "0x10", "1.2.3", ".", "--1"] {
            let e = err(&format!("month,cpi,food\n2022-09,{v},1\n"));
            assert!(e.contains("not a number") && e.contains(v), "{v}: {e}");
        }
        let e = err("month,cpi,food\n9999-12,2.8,8.8\n");
        assert!(e.contains("9999-12") && e.contains("line 2"), "{e}");
        assert!(IndexSeries::parse("month,cpi,food\n9998-12,-0.5,.5\n", "t").is_ok());
        let e = err("month,cpi,food\n2022-09,102.8,108.8\n");
        assert!(e.contains("previous year = 100"), "{e}");
        let e = err("month,cpi,food,CPI\n");
        assert!(e.contains("two columns mean cpi"), "{e}");
        assert!(err("month,cpi,food\n").contains("no data rows"));
        // the same month for two areas is not a duplicate
        assert!(
            IndexSeries::parse("month,cpi,food,area\n2022-09,1,1,a\n2022-09,1,1,b\n", "t").is_ok()
        );
    }

    #[test]
    fn gbk_files_are_decoded() {
        let (bytes, _, _) =
            encoding_rs::GBK.encode("月份,居民消费价格指数,食品\n2022-09,2.8,8.8\n");
        let text = decode(&bytes).unwrap();
        let s = IndexSeries::parse(&text, "t.csv").unwrap();
        assert_eq!(
            s.get(None, m("2022-09")).unwrap().values.food,
            Some(dec!(8.8))
        );
    }
}
