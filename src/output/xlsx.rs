//! .xlsx workbooks for people who work in Excel or WPS: every sheet opens with the tool
//! version, the policy's name and the SHA-256 of the policy file, so a printed or forwarded
//! sheet still says which rules produced it. ID numbers and account numbers are text cells
//! (Excel keeps only 15 digits of a number and would destroy them); money is a number cell
//! shown with two decimals so that a caseworker can sum a column.

use crate::policy::Policy;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// text, written as a text cell whatever it looks like (IDs, account numbers)
    Text(String),
    /// money, stated to the fen
    Money(Decimal),
    /// a count
    Count(u64),
    /// nothing
    Empty,
}

/// One worksheet: a name, title lines under the common header, column headers and rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// sheet name (at most 31 characters; `[]:*?/\` are replaced)
    pub name: String,
    /// extra lines under the tool/policy header, e.g. "发放月份 2022-05"
    pub title: Vec<String>,
    /// column headers
    pub headers: Vec<String>,
    /// the rows
    pub rows: Vec<Vec<Cell>>,
}

/// The three header lines every sheet starts with.
pub fn header_lines(policy: &Policy) -> [String; 3] {
    [
        format!("jiuzhu {}", env!("CARGO_PKG_VERSION")),
        format!("政策 policy: {}", policy.name()),
        format!("policy_sha256: {}", policy.sha256),
    ]
}

/// Builds the workbook in memory (the caller writes it atomically through
/// [`super::Output`]).
pub fn workbook(policy: &Policy, sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = WorkbookWriter::new(policy);
    for sheet in sheets {
        book.add(sheet)?;
    }
    book.finish()
}

/// A workbook built sheet by sheet, so that a caller holds one sheet's rows at a time.
pub struct WorkbookWriter<'p> {
    policy: &'p Policy,
    wb: Workbook,
    bold: Format,
    money: Format,
    text: Format,
}

impl<'p> WorkbookWriter<'p> {
    /// An empty workbook whose sheets open with `policy`'s header lines.
    pub fn new(policy: &'p Policy) -> WorkbookWriter<'p> {
        WorkbookWriter {
            policy,
            wb: Workbook::new(),
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format("0.00"),
            text: Format::new().set_num_format("@"),
        }
    }

    /// Adds a sheet.
    pub fn add(&mut self, sheet: &Sheet) -> Result<(), XlsxError> {
        let (bold, money, text) = (&self.bold, &self.money, &self.text);
        let ws = self.wb.add_worksheet();
        ws.set_name(sheet_name(&sheet.name))?;
        let mut row: u32 = 0;
        for line in header_lines(self.policy).iter().chain(&sheet.title) {
            ws.write_string(row, 0, line)?;
            row += 1;
        }
        row += 1;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(row, col(c), h, bold)?;
        }
        ws.set_freeze_panes(row + 1, 0)?;
        row += 1;
        for r in &sheet.rows {
            for (c, cell) in r.iter().enumerate() {
                match cell {
                    Cell::Text(s) => {
                        ws.write_string_with_format(row, col(c), s, text)?;
                    }
                    Cell::Money(v) => {
                        ws.write_number_with_format(row, col(c), spreadsheet_number(*v), money)?;
                    }
                    Cell::Count(n) => {
                        ws.write_number(row, col(c), *n as f64)?;
                    }
                    Cell::Empty => {}
                }
            }
            row += 1;
        }
        ws.set_autofit_max_width(60);
        ws.autofit();
        Ok(())
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.wb.save_to_buffer()
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// The number a spreadsheet stores for an amount. Spreadsheet numbers are binary floating
/// point; this is the one place jiuzhu hands money over as one, from the amount already stated
/// to the fen, so the cell shows exactly the figure of the CSV and JSON outputs.
fn spreadsheet_number(v: Decimal) -> f64 {
    crate::money::fmt_money(v).parse().unwrap_or(0.0)
}

/// A valid, unique-enough sheet name: at most 31 characters, without `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "sheet".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn builds_a_workbook_with_text_ids() {
        let p = Policy::parse(
            "[policy]\nname = \"t\"\n[[dibao.standard]]\nfrom = \"2022-01\"\nurban = 1\nrural = 1\n",
            "t.toml",
        )
        .unwrap();
        let sheets = vec![Sheet {
            name: "2022-05".into(),
            title: vec!["发放月份 2022-05".into()],
            headers: vec!["head_id".into(), "amount".into()],
            rows: vec![vec![
                Cell::Text("11010519491231002X".into()),
                Cell::Money(dec!(1742)),
            ]],
        }];
        let bytes = workbook(&p, &sheets).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(spreadsheet_number(dec!(993.6)), 993.6);
    }
}
