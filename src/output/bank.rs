//! Bank upload files (代发文件) described by a small TOML template: which columns, in which
//! order, under which headers, in which encoding, and what the memo says. Banks' 代发 layouts
//! differ in these details only (account, name, amount, memo), so the layout is data and the
//! writer is one. `examples/bank-template.toml` is a commented example.

use super::text_cell;
use crate::money::{Rounding, fmt_money};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::Path;

/// A bank file template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// what the layout is, e.g. "某银行批量代发（CSV）"
    pub name: Option<String>,
    /// the file's encoding
    #[serde(default)]
    pub encoding: Encoding,
    /// the field separator: one character, e.g. "," or "|" or "\t"
    #[serde(default = "comma")]
    pub delimiter: String,
    /// whether the file starts with a header row of the column headers
    #[serde(default = "yes")]
    pub header: bool,
    /// a first line before the header, e.g. "{count},{total}" (the batch's count and total)
    pub summary: Option<String>,
    /// one row per payment line (`line`) or per household and month, amounts added (`household`)
    #[serde(default)]
    pub rows: Rows,
    /// how amounts are written
    #[serde(default)]
    pub amount: AmountStyle,
    /// the memo (摘要): text with `{item}`, `{item_zh}`, `{pay_month}`, `{household_id}`,
    /// `{payment_id}`, `{township}`
    #[serde(default = "default_memo")]
    pub memo: String,
    /// the columns, in order
    pub columns: Vec<Column>,
}

fn comma() -> String {
    ",".into()
}
fn yes() -> bool {
    true
}
fn default_memo() -> String {
    "{item_zh} {pay_month}".into()
}

/// The encoding of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// GB18030 (every Chinese character, unlike GBK); what most bank systems read
    #[default]
    Gb18030,
    /// UTF-8
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8")
    Utf8Bom,
}

/// Rows of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rows {
    /// one row per payment line
    #[default]
    Line,
    /// one row per household and pay month, its lines added up
    Household,
}

/// How amounts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountStyle {
    /// yuan with two decimals: `1742.00`
    #[default]
    Yuan,
    /// whole fen: `174200`
    Fen,
}

/// A column of the file: a field of the payment, or a fixed value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// the header as the bank names it (账号, 户名, 金额, 摘要 ...)
    pub header: String,
    /// the field it holds
    pub field: Option<Field>,
    /// or a fixed value
    pub value: Option<String>,
}

/// The fields a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 序号, 1-based
    Seq,
    /// 银行账号
    BankAccount,
    /// 户主姓名 (the payee)
    HeadName,
    /// 户主身份证号
    HeadId,
    /// the amount
    Amount,
    /// the memo
    Memo,
    /// the payment id(s)
    PaymentId,
    /// 户编号
    HouseholdId,
    /// the pay month
    PayMonth,
    /// the item(s)
    Item,
    /// 乡镇街道
    Township,
}

/// One payment as the bank file sees it.
#[derive(Debug, Clone)]
pub struct Record {
    /// 银行账号
    pub bank_account: String,
    /// 户主姓名
    pub head_name: String,
    /// 户主身份证号
    pub head_id: String,
    /// 户编号
    pub household_id: String,
    /// 乡镇街道
    pub township: String,
    /// `YYYY-MM`
    pub pay_month: String,
    /// item name (`dibao`, `one_off:x`)
    pub item: String,
    /// item name in Chinese
    pub item_zh: String,
    /// payment id
    pub payment_id: String,
    /// amount, stated to the fen
    pub amount: Decimal,
}

impl Template {
    /// Reads and checks a template file.
    pub fn load(path: &Path) -> anyhow::Result<Template> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read bank template {}: {e}", path.display()))?;
        let t: Template = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("bank template {}: {e}", path.display()))?;
        if t.delimiter.chars().count() != 1 || !t.delimiter.is_ascii() {
            anyhow::bail!(
                "bank template {}: delimiter must be one ASCII character",
                path.display()
            );
        }
        if t.columns.is_empty() {
            anyhow::bail!("bank template {}: no [[columns]]", path.display());
        }
        for (i, c) in t.columns.iter().enumerate() {
            if c.field.is_some() == c.value.is_some() {
                anyhow::bail!(
                    "bank template {}: columns[{i}] ({}) needs exactly one of field or value",
                    path.display(),
                    c.header
                );
            }
        }
        Ok(t)
    }

    /// The file's bytes for `records` (payment lines in order).
    pub fn render(&self, records: &[Record]) -> Vec<u8> {
        let rows = match self.rows {
            Rows::Line => records.to_vec(),
            Rows::Household => by_household(records),
        };
        let total: Decimal = rows.iter().map(|r| r.amount).sum();
        // The summary line is the bank's own format, written as it stands (never quoted).
        let mut start = Vec::new();
        if let Some(s) = &self.summary {
            let line = s
                .replace("{count}", &rows.len().to_string())
                .replace("{total}", &self.amount_text(total));
            start.extend_from_slice(line.as_bytes());
            start.push(b'\n');
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.delimiter.as_bytes()[0])
            .flexible(true)
            .from_writer(start);
        // Every cell and header is guarded against formulas: the file is opened in Excel to be
        // checked before it goes to the bank, and a name or memo starting with `=` would run.
        if self.header {
            let _ = w.write_record(
                self.columns
                    .iter()
                    .map(|c| text_cell(&c.header).into_owned()),
            );
        }
        for (i, r) in rows.iter().enumerate() {
            let memo = self.memo(r);
            let cells = self.columns.iter().map(|c| match (&c.value, c.field) {
                (Some(v), _) => v.clone(),
                (None, Some(f)) => match f {
                    Field::Seq => (i + 1).to_string(),
                    Field::BankAccount => r.bank_account.clone(),
                    Field::HeadName => r.head_name.clone(),
                    Field::HeadId => r.head_id.clone(),
                    Field::Amount => self.amount_text(r.amount),
                    Field::Memo => memo.clone(),
                    Field::PaymentId => r.payment_id.clone(),
                    Field::HouseholdId => r.household_id.clone(),
                    Field::PayMonth => r.pay_month.clone(),
                    Field::Item => r.item.clone(),
                    Field::Township => r.township.clone(),
                },
                (None, None) => String::new(),
            });
            let _ = w.write_record(cells.map(|c| text_cell(&c).into_owned()));
        }
        let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
        match self.encoding {
            Encoding::Utf8 => text.into_bytes(),
            Encoding::Utf8Bom => {
                let mut b = vec![0xEF, 0xBB, 0xBF];
                b.extend_from_slice(text.as_bytes());
                b
            }
            // GB18030 maps every Unicode character, so nothing is lost or replaced.
            Encoding::Gb18030 => encoding_rs::GB18030.encode(&text).0.into_owned(),
        }
    }

    fn amount_text(&self, v: Decimal) -> String {
        match self.amount {
            AmountStyle::Yuan => fmt_money(v),
            AmountStyle::Fen => {
                let fen = Rounding::Fen.apply(v) * Decimal::from(100);
                fen.normalize().to_string()
            }
        }
    }

    fn memo(&self, r: &Record) -> String {
        self.memo
            .replace("{item_zh}", &r.item_zh)
            .replace("{item}", &r.item)
            .replace("{pay_month}", &r.pay_month)
            .replace("{household_id}", &r.household_id)
            .replace("{payment_id}", &r.payment_id)
            .replace("{township}", &r.township)
    }
}

/// One record per household and pay month, amounts added, items and ids joined with `+`/`;`
/// in line order.
fn by_household(records: &[Record]) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for r in records {
        let key = (r.household_id.clone(), r.pay_month.clone());
        match index.get(&key) {
            Some(&i) => {
                let o = &mut out[i];
                o.amount += r.amount;
                o.item.push('+');
                o.item.push_str(&r.item);
                o.item_zh.push('+');
                o.item_zh.push_str(&r.item_zh);
                o.payment_id.push(';');
                o.payment_id.push_str(&r.payment_id);
            }
            None => {
                index.insert(key, out.len());
                out.push(r.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn record(household: &str, item: &str, amount: Decimal) -> Record {
        Record {
            bank_account: "6228480010000000011".into(),
            head_name: "张秀兰".into(),
            head_id: "11010519491231002X".into(),
            household_id: household.into(),
            township: "城关镇".into(),
            pay_month: "2022-06".into(),
            item: item.into(),
            item_zh: if item == "dibao" {
                "低保金"
            } else {
                "分类施保金"
            }
            .into(),
            payment_id: format!("id-{item}"),
            amount,
        }
    }

    #[test]
    fn the_bundled_example_template_reads_and_renders_gb18030() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bank-template.toml");
        let t = Template::load(&path).unwrap();
        let bytes = t.render(&[
            record("H1", "dibao", dec!(1742)),
            record("H1", "uplift", dec!(91)),
        ]);
        let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad);
        assert!(text.contains("张秀兰"), "{text}");
        assert!(text.contains("6228480010000000011"), "{text}");
    }

    #[test]
    fn every_cell_and_header_is_guarded_against_formulas() {
        let t: Template = toml::from_str(
            r#"
encoding = "utf8"
memo = "{township} {household_id}"
[[columns]]
header = "=HYPERLINK(\"http://x\")"
field = "head_name"
[[columns]]
header = "id"
field = "household_id"
[[columns]]
header = "township"
field = "township"
[[columns]]
header = "memo"
field = "memo"
[[columns]]
header = "fixed"
value = "@SUM(1)"
[[columns]]
header = "amount"
field = "amount"
"#,
        )
        .unwrap();
        let mut r = record("=1+2", "dibao", dec!(10));
        r.head_name = "=SUM(1,2)".into();
        r.township = "+HYPERLINK(\"x\")".into();
        let text = String::from_utf8(t.render(&[r])).unwrap();
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(
            rows,
            [
                [
                    "'=HYPERLINK(\"http://x\")",
                    "id",
                    "township",
                    "memo",
                    "fixed",
                    "amount"
                ],
                [
                    "'=SUM(1,2)",
                    "'=1+2",
                    "'+HYPERLINK(\"x\")",
                    "'+HYPERLINK(\"x\") =1+2",
                    "'@SUM(1)",
                    "10.00"
                ]
            ]
        );
    }

    #[test]
    fn household_rows_add_up_and_fen_amounts_are_whole() {
        let t: Template = toml::from_str(
            r#"
encoding = "utf8"
delimiter = "|"
header = false
summary = "{count}|{total}"
rows = "household"
amount = "fen"
memo = "{item_zh}{pay_month}"
[[columns]]
header = "seq"
field = "seq"
[[columns]]
header = "account"
field = "bank_account"
[[columns]]
header = "amount"
field = "amount"
[[columns]]
header = "memo"
field = "memo"
[[columns]]
header = "currency"
value = "CNY"
"#,
        )
        .unwrap();
        let bytes = t.render(&[
            record("H1", "dibao", dec!(1742)),
            record("H1", "uplift", dec!(91.5)),
        ]);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "1|183350\n1|6228480010000000011|183350|低保金+分类施保金2022-06|CNY\n"
        );
    }
}
