//! Column schemas: one per record type (a check row, a payment line, a finding …). A schema
//! lists the columns a record can show, each with its English name (the CSV header and the JSON
//! key), its Chinese name, and its [`Kind`]; the record type says how to get each cell
//! ([`Record::cell`]). From them the same code writes CSV, JSON, xlsx and the terminal table,
//! in the default order of each format or in the order `--columns a,b,c` asks for (by English
//! or Chinese name).
//!
//! A record may also carry columns of the input it came from (the roster's free columns): they
//! follow the fixed columns by default, and `--columns` can name them by their header.

use super::xlsx::Cell;
use super::{CsvBuf, Format, json_str, text_cell};
use crate::household::idcard;
use crate::lang::Lang;
use crate::money::fmt_money;
use rust_decimal::Decimal;

/// What a column holds: how its cells are written in each format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// free text from the input or a sentence: guarded against formulas in CSV
    Text,
    /// an ID or account number: text guarded in CSV, masked in terminal tables
    Id,
    /// a stable code or a name from the policy (a decision, a status, reason codes): as is
    Code,
    /// a month, `YYYY-MM`
    Month,
    /// money stated to the fen; a number cell in xlsx, right-aligned in tables
    Money,
    /// a whole number (a row number, a count)
    Count,
}

/// One cell of a record, as [`Record::cell`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// no value (an empty field; an empty cell in xlsx)
    Empty,
    /// text
    Text(&'a str),
    /// a code with its wording: files hold `code`, terminal tables the wording in `--lang`
    Label {
        /// the stable code
        code: &'a str,
        /// the Chinese wording
        zh: &'a str,
        /// the English wording
        en: &'a str,
    },
    /// an amount
    Money(Decimal),
    /// a whole number
    Count(u64),
}

/// A column of a schema. `K` names the column to the record type (usually a fieldless enum).
#[derive(Debug, Clone, Copy)]
pub struct Column<K> {
    /// the English name: CSV header, JSON key, `--columns` name
    pub en: &'static str,
    /// the Chinese name, also accepted by `--columns`; the table header in Chinese
    pub zh: &'static str,
    /// what the column holds
    pub kind: Kind,
    /// the column for [`Record::cell`]
    pub key: K,
}

/// A column of a schema, written as the schemas' tables are: `col("household_id", "户编号",
/// Kind::Id, Key::HouseholdId)`.
pub const fn col<K: Copy>(en: &'static str, zh: &'static str, kind: Kind, key: K) -> Column<K> {
    Column { en, zh, kind, key }
}

/// A column of the default terminal table with its short headings: `head("monthly_total",
/// "月合计", "total")`.
pub const fn head(column: &'static str, zh: &'static str, en: &'static str) -> Heading {
    Heading { column, zh, en }
}

/// A column of the default terminal table, with the short headings a table uses.
#[derive(Debug, Clone, Copy)]
pub struct Heading {
    /// the column's English name
    pub column: &'static str,
    /// the heading in Chinese
    pub zh: &'static str,
    /// the heading in English
    pub en: &'static str,
}

/// The columns of one record type and their default order in each format.
#[derive(Debug)]
pub struct Schema<K: 'static> {
    /// the record type, for messages: (Chinese, English), e.g. ("核查结果行", "check row")
    pub record: (&'static str, &'static str),
    /// every column; the first `default_len` are, in this order, the default of CSV and xlsx
    pub columns: &'static [Column<K>],
    /// how many of `columns`, from the first, files hold by default; the others (e.g. sums
    /// and labels made for the terminal table) only when `--columns` names them
    pub default_len: usize,
    /// the default order of JSON keys, when it differs from `columns` (English names)
    pub json: Option<&'static [&'static str]>,
    /// the default terminal table (carried columns are not shown there by default)
    pub table: &'static [Heading],
}

/// A record of a schema: gives each cell on demand (a cell not asked for is never computed).
pub trait Record {
    /// names a column (the `key` of [`Column`])
    type Key: Copy + 'static;
    /// The cell of column `key`; `buf` (empty when called) is room for a cell that has to be
    /// formatted.
    fn cell<'a>(&'a self, key: Self::Key, buf: &'a mut String) -> Value<'a>;
    /// The value of the `i`-th carried column (empty when the record has none).
    fn carried(&self, _i: usize) -> &str {
        ""
    }
}

/// One chosen column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// the schema's column at this index
    Column(usize),
    /// the carried column at this index
    Carried(usize),
}

/// The columns a run writes, in order: from `--columns`, or the default of the format.
#[derive(Debug, Clone)]
pub struct Selection<K: 'static> {
    schema: &'static Schema<K>,
    carried: Vec<String>,
    picks: Vec<Pick>,
    /// table headings per pick (the default table's short headings, else the names)
    headings: Vec<(String, String)>,
}

/// `--columns` named a column the record type does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownColumn {
    /// the message, in the language asked for
    pub message: String,
}

impl std::fmt::Display for UnknownColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnknownColumn {}

impl<K: Copy + 'static> Schema<K> {
    /// The index of the column called `name` (English or Chinese).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.en == name || c.zh == name)
    }

    /// The columns to write in `format`: those `spec` (`--columns`, comma-separated English or
    /// Chinese names, carried columns by their header) lists, in its order; without `spec`,
    /// the format's default. `carried` are the headers of the carried columns.
    pub fn select(
        &'static self,
        spec: Option<&str>,
        format: Format,
        carried: &[String],
        lang: Lang,
    ) -> Result<Selection<K>, UnknownColumn> {
        let mut picks = Vec::new();
        let mut headings = Vec::new();
        let named = |i: usize| {
            let c = &self.columns[i];
            (c.zh.to_string(), c.en.to_string())
        };
        match spec {
            Some(spec) => {
                for name in spec.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if let Some(i) = self.find(name) {
                        picks.push(Pick::Column(i));
                        headings.push(named(i));
                    } else if let Some(i) = carried.iter().position(|h| h == name) {
                        picks.push(Pick::Carried(i));
                        headings.push((carried[i].clone(), carried[i].clone()));
                    } else {
                        return Err(self.unknown(name, carried, lang));
                    }
                }
                if picks.is_empty() {
                    return Err(self.unknown(spec, carried, lang));
                }
            }
            None if format == Format::Table => {
                for h in self.table {
                    if let Some(i) = self.find(h.column) {
                        picks.push(Pick::Column(i));
                        headings.push((h.zh.to_string(), h.en.to_string()));
                    }
                }
            }
            None => {
                let order: Vec<usize> = match (format, self.json) {
                    (Format::Json, Some(names)) => {
                        names.iter().filter_map(|n| self.find(n)).collect()
                    }
                    _ => (0..self.default_len.min(self.columns.len())).collect(),
                };
                for i in order {
                    picks.push(Pick::Column(i));
                    headings.push(named(i));
                }
                for (i, h) in carried.iter().enumerate() {
                    picks.push(Pick::Carried(i));
                    headings.push((h.clone(), h.clone()));
                }
            }
        }
        Ok(Selection {
            schema: self,
            carried: carried.to_vec(),
            picks,
            headings,
        })
    }

    fn unknown(&self, name: &str, carried: &[String], lang: Lang) -> UnknownColumn {
        let mut known: Vec<String> = self
            .columns
            .iter()
            .map(|c| match lang {
                Lang::Zh => format!("{}（{}）", c.en, c.zh),
                Lang::En => format!("{} ({})", c.en, c.zh),
            })
            .collect();
        known.extend(carried.iter().cloned());
        let message = match lang {
            Lang::Zh => format!(
                "--columns：{}没有“{name}”这一列；可用的列：{}",
                self.record.0,
                known.join("、")
            ),
            Lang::En => format!(
                "--columns: a {} has no column \"{name}\"; the columns are: {}",
                self.record.1,
                known.join(", ")
            ),
        };
        UnknownColumn { message }
    }
}

impl<K: Copy + 'static> Selection<K> {
    /// The chosen columns, in order.
    pub fn picks(&self) -> &[Pick] {
        &self.picks
    }

    /// Whether the column called `en` is chosen.
    pub fn has(&self, en: &str) -> bool {
        self.picks
            .iter()
            .any(|p| matches!(p, Pick::Column(i) if self.schema.columns[*i].en == en))
    }

    /// The English names (CSV header, JSON keys; a carried column's header as written).
    pub fn names(&self) -> Vec<&str> {
        self.picks
            .iter()
            .map(|p| match p {
                Pick::Column(i) => self.schema.columns[*i].en,
                Pick::Carried(i) => self.carried[*i].as_str(),
            })
            .collect()
    }

    /// The CSV header record's fields (carried headers guarded like text cells).
    pub fn csv_header(&self) -> Vec<String> {
        self.picks
            .iter()
            .map(|p| match p {
                Pick::Column(i) => self.schema.columns[*i].en.to_string(),
                Pick::Carried(i) => text_cell(&self.carried[*i]).into_owned(),
            })
            .collect()
    }

    /// The table headings in `lang`.
    pub fn headings(&self, lang: Lang) -> Vec<&str> {
        self.headings
            .iter()
            .map(|(zh, en)| match lang {
                Lang::Zh => zh.as_str(),
                Lang::En => en.as_str(),
            })
            .collect()
    }

    /// The table headings of the money columns (right-aligned).
    pub fn money_headings(&self, lang: Lang) -> Vec<&str> {
        self.headings(lang)
            .into_iter()
            .zip(&self.picks)
            .filter(|(_, p)| self.kind(**p) == Some(Kind::Money))
            .map(|(h, _)| h)
            .collect()
    }

    fn kind(&self, p: Pick) -> Option<Kind> {
        match p {
            Pick::Column(i) => Some(self.schema.columns[i].kind),
            Pick::Carried(_) => None,
        }
    }

    /// Appends one CSV record of `rec`.
    pub fn write_csv<R: Record<Key = K>>(&self, w: &mut CsvBuf, rec: &R, buf: &mut String) {
        for p in &self.picks {
            match *p {
                Pick::Column(i) => {
                    let c = &self.schema.columns[i];
                    buf.clear();
                    match rec.cell(c.key, buf) {
                        Value::Empty => w.money(None),
                        Value::Text(s) => match c.kind {
                            Kind::Text | Kind::Id => w.field(text_cell(s).as_bytes()),
                            _ => w.field(s),
                        },
                        Value::Label { code, .. } => w.field(code),
                        // most amounts of a roster are nothing: written without formatting
                        Value::Money(v) if v.is_zero() && v.is_sign_positive() => w.field("0.00"),
                        Value::Money(v) => w.money(Some(v)),
                        Value::Count(n) => w.count(n),
                    }
                }
                Pick::Carried(i) => w.field(text_cell(rec.carried(i)).as_bytes()),
            }
        }
        w.end_record();
    }

    /// Appends one flat JSON object of `rec` (every value a string; money to the fen).
    pub fn write_json<R: Record<Key = K>>(&self, out: &mut Vec<u8>, rec: &R, buf: &mut String) {
        out.push(b'{');
        for (n, p) in self.picks.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            match *p {
                Pick::Column(i) => {
                    let c = &self.schema.columns[i];
                    json_str(out, c.en);
                    out.push(b':');
                    buf.clear();
                    match rec.cell(c.key, buf) {
                        Value::Empty => json_str(out, ""),
                        Value::Text(s) | Value::Label { code: s, .. } => json_str(out, s),
                        Value::Money(v) => json_str(out, &fmt_money(v)),
                        Value::Count(n) => json_str(out, &n.to_string()),
                    }
                }
                Pick::Carried(i) => {
                    json_str(out, &self.carried[i]);
                    out.push(b':');
                    json_str(out, rec.carried(i));
                }
            }
        }
        out.push(b'}');
    }

    /// The xlsx cells of `rec`.
    pub fn xlsx_cells<R: Record<Key = K>>(&self, rec: &R, buf: &mut String) -> Vec<Cell> {
        self.picks
            .iter()
            .map(|p| match *p {
                Pick::Column(i) => {
                    buf.clear();
                    match rec.cell(self.schema.columns[i].key, buf) {
                        Value::Empty => Cell::Empty,
                        Value::Text(s) | Value::Label { code: s, .. } => Cell::Text(s.to_string()),
                        Value::Money(v) => Cell::Money(v),
                        Value::Count(n) => Cell::Count(n),
                    }
                }
                Pick::Carried(i) => Cell::Text(rec.carried(i).to_string()),
            })
            .collect()
    }

    /// The terminal-table cells of `rec` in `lang` (IDs masked, codes in words).
    pub fn table_cells<R: Record<Key = K>>(
        &self,
        rec: &R,
        buf: &mut String,
        lang: Lang,
    ) -> Vec<String> {
        self.picks
            .iter()
            .map(|p| match *p {
                Pick::Column(i) => {
                    let c = &self.schema.columns[i];
                    buf.clear();
                    match rec.cell(c.key, buf) {
                        Value::Empty => String::new(),
                        Value::Text(s) if c.kind == Kind::Id => idcard::mask(s),
                        Value::Text(s) => s.to_string(),
                        Value::Label { zh, en, .. } => lang.pick(zh, en).to_string(),
                        Value::Money(v) => fmt_money(v),
                        Value::Count(n) => n.to_string(),
                    }
                }
                Pick::Carried(i) => {
                    let v = rec.carried(i);
                    if super::is_id_column(&self.carried[i]) {
                        idcard::mask(v)
                    } else {
                        v.to_string()
                    }
                }
            })
            .collect()
    }

    /// The totals line of a table: under each money column its total (`total` gives it by the
    /// column's key; `None` leaves the cell empty), and `label` (e.g. 合计) under the first
    /// column that is neither money nor a count.
    pub fn table_total(&self, label: &str, total: impl Fn(K) -> Option<Decimal>) -> Vec<String> {
        let mut labelled = false;
        self.picks
            .iter()
            .map(|p| match (*p, self.kind(*p)) {
                (Pick::Column(i), Some(Kind::Money)) => total(self.schema.columns[i].key)
                    .map(fmt_money)
                    .unwrap_or_default(),
                (_, Some(Kind::Count)) => String::new(),
                _ if !labelled => {
                    labelled = true;
                    label.to_string()
                }
                _ => String::new(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy)]
    enum K {
        Id,
        Name,
        Amount,
        Kind,
    }

    static SCHEMA: Schema<K> = Schema {
        record: ("测试行", "test row"),
        columns: &[
            Column {
                en: "id",
                zh: "编号",
                kind: Kind::Id,
                key: K::Id,
            },
            Column {
                en: "name",
                zh: "姓名",
                kind: Kind::Text,
                key: K::Name,
            },
            Column {
                en: "amount",
                zh: "金额",
                kind: Kind::Money,
                key: K::Amount,
            },
            Column {
                en: "kind",
                zh: "类别",
                kind: Kind::Code,
                key: K::Kind,
            },
        ],
        default_len: 4,
        json: Some(&["amount", "id", "name", "kind"]),
        table: &[
            Heading {
                column: "name",
                zh: "名",
                en: "who",
            },
            Heading {
                column: "amount",
                zh: "钱",
                en: "money",
            },
        ],
    };

    struct Rec(&'static str, &'static str, Option<Decimal>, &'static str);

    impl Record for Rec {
        type Key = K;
        fn cell<'a>(&'a self, key: K, _buf: &'a mut String) -> Value<'a> {
            match key {
                K::Id => Value::Text(self.0),
                K::Name => Value::Text(self.1),
                K::Amount => self.2.map_or(Value::Empty, Value::Money),
                K::Kind => Value::Label {
                    code: "low",
                    zh: "低",
                    en: "lowly",
                },
            }
        }
        fn carried(&self, _i: usize) -> &str {
            self.3
        }
    }

    fn rec() -> Rec {
        Rec(
            "620102198507150017",
            "=A1,b",
            Some(Decimal::new(15, 1)),
            "x",
        )
    }

    #[test]
    fn columns_are_chosen_and_ordered_by_english_or_chinese_name() {
        let carried = vec!["备注".to_string()];
        let s = SCHEMA
            .select(Some("金额, id,备注"), Format::Csv, &carried, Lang::Zh)
            .unwrap();
        assert_eq!(s.names(), ["amount", "id", "备注"]);
        let mut w = CsvBuf::with_capacity(0);
        s.write_csv(&mut w, &rec(), &mut String::new());
        assert_eq!(w.into_bytes(), b"1.50,620102198507150017,x\n");
    }

    #[test]
    fn an_unknown_column_is_refused_naming_every_column_in_the_language_asked() {
        let carried = vec!["备注".to_string()];
        let zh = SCHEMA
            .select(Some("id,nope"), Format::Csv, &carried, Lang::Zh)
            .unwrap_err();
        assert!(zh.message.contains("“nope”"), "{}", zh.message);
        assert!(zh.message.contains("amount（金额）"), "{}", zh.message);
        assert!(zh.message.contains("备注"), "{}", zh.message);
        let en = SCHEMA
            .select(Some("nope"), Format::Csv, &carried, Lang::En)
            .unwrap_err();
        assert!(
            en.message
                .starts_with("--columns: a test row has no column \"nope\""),
            "{}",
            en.message
        );
        assert!(en.message.contains("kind (类别)"), "{}", en.message);
        assert!(
            SCHEMA
                .select(Some(" , "), Format::Csv, &carried, Lang::En)
                .is_err()
        );
    }

    #[test]
    fn each_format_writes_its_cells_and_has_its_default_order() {
        let carried = vec!["备注".to_string()];
        let csv = SCHEMA
            .select(None, Format::Csv, &carried, Lang::En)
            .unwrap();
        assert_eq!(csv.csv_header(), ["id", "name", "amount", "kind", "备注"]);
        let mut w = CsvBuf::with_capacity(0);
        csv.write_csv(&mut w, &rec(), &mut String::new());
        let no_amount = Rec("1", "n", None, "");
        let zeros = [Decimal::ZERO, Decimal::new(0, 4), Decimal::new(-0, 2)];
        for z in zeros {
            let mut zw = CsvBuf::with_capacity(0);
            csv.write_csv(&mut zw, &Rec("1", "n", Some(z), ""), &mut String::new());
            let mut direct = CsvBuf::with_capacity(0);
            direct.field("1");
            direct.field("n");
            direct.money(Some(z));
            direct.field("low");
            direct.field("");
            direct.end_record();
            assert_eq!(zw.into_bytes(), direct.into_bytes(), "{z:?}");
        }
        csv.write_csv(&mut w, &no_amount, &mut String::new());
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            "620102198507150017,\"'=A1,b\",1.50,low,x\n1,n,,low,\n"
        );
        let json = SCHEMA
            .select(None, Format::Json, &carried, Lang::En)
            .unwrap();
        let mut out = Vec::new();
        json.write_json(&mut out, &rec(), &mut String::new());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"amount":"1.50","id":"620102198507150017","name":"=A1,b","kind":"low","备注":"x"}"#
        );
        let cells = csv.xlsx_cells(&no_amount, &mut String::new());
        assert_eq!(cells[2], Cell::Empty);
        assert_eq!(cells[3], Cell::Text("low".into()));
        let table = SCHEMA
            .select(None, Format::Table, &carried, Lang::En)
            .unwrap();
        assert_eq!(table.headings(Lang::En), ["who", "money"]);
        assert_eq!(table.headings(Lang::Zh), ["名", "钱"]);
        assert_eq!(table.money_headings(Lang::En), ["money"]);
        let all = SCHEMA
            .select(Some("id,kind,amount"), Format::Table, &carried, Lang::En)
            .unwrap();
        assert_eq!(
            all.table_cells(&rec(), &mut String::new(), Lang::En),
            [
                idcard::mask("620102198507150017"),
                "lowly".into(),
                "1.50".into()
            ]
        );
        assert_eq!(all.headings(Lang::Zh), ["编号", "类别", "金额"]);
        assert_eq!(
            all.table_total("total", |_| Some(Decimal::TWO)),
            ["total", "", "2.00"]
        );
    }
}
