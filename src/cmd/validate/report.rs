//! How `validate` shows its problems: streamed as CSV or JSON, or a table at the end, and the
//! per-file summary on stderr, in the language asked for.

use super::row::{ProblemColumn, ProblemRecord, table_headings};
use crate::lang::Lang;
use crate::month::Month;
use crate::output::schema::Selection;
use crate::output::screen::screen_text;
use crate::output::{self, CsvBuf, Format, Output, table};
use crate::policy::Policy;
use crate::validate::{FileSummary, Problem, Severity, Sink};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::Result;
use std::collections::HashMap;
use std::io::Write;

/// Rows shown in a terminal table; the rest are counted (write csv or json for all of them).
const TABLE_ROWS: usize = 1000;

/// Where the problems go, as they are found: CSV and JSON stream, a table is rendered at the end.
pub(super) struct Report {
    out: Output,
    format: Format,
    lang: Lang,
    mask: bool,
    columns: Selection<ProblemColumn>,
    first_json: bool,
    table: Vec<Vec<String>>,
    errors: u64,
    notes: u64,
    /// the current file's headers as written, by column name (for tables)
    labels: HashMap<String, String>,
}

impl Report {
    /// Opens the listing: the CSV header, or the JSON header up to the problems' list.
    pub(super) fn start(
        mut out: Output,
        format: Format,
        lang: Lang,
        mask: bool,
        columns: Selection<ProblemColumn>,
        policy: &Policy,
        month: Month,
    ) -> Result<Report> {
        match format {
            Format::Csv => {
                let mut w = output::csv_writer(Vec::new());
                w.write_record(columns.csv_header())?;
                out.write_all(&w.into_inner().unwrap_or_default())?;
            }
            Format::Json => {
                let mut header = output::json_header(policy);
                header["month"] = month.to_string().into();
                let mut head = serde_json::to_string(&header)?;
                head.pop();
                out.write_all(head.as_bytes())?;
                out.write_all(b",\"problems\":[\n")?;
            }
            _ => {}
        }
        Ok(Report {
            out,
            format,
            lang,
            mask,
            columns,
            first_json: true,
            table: Vec::new(),
            errors: 0,
            notes: 0,
            labels: HashMap::new(),
        })
    }

    fn add(&mut self, p: &Problem) -> Result<()> {
        match p.severity {
            Severity::Error => self.errors += 1,
            Severity::Note => self.notes += 1,
        }
        let rec = ProblemRecord {
            problem: p,
            lang: self.lang,
            format: self.format,
            mask: self.mask,
            ids: true,
            labels: Some(&self.labels),
        };
        let mut buf = String::new();
        match self.format {
            Format::Csv => {
                let mut w = CsvBuf::with_capacity(256);
                self.columns.write_csv(&mut w, &rec, &mut buf);
                output::ignore_broken_pipe(self.out.write_all(&w.into_bytes()))?;
            }
            Format::Json => {
                let mut b = Vec::with_capacity(256);
                if !self.first_json {
                    b.push(b',');
                }
                self.first_json = false;
                self.columns.write_json(&mut b, &rec, &mut buf);
                b.push(b'\n');
                output::ignore_broken_pipe(self.out.write_all(&b))?;
            }
            _ => {
                if self.table.len() < TABLE_ROWS {
                    let cells = self.columns.table_cells(&rec, &mut buf, self.lang);
                    self.table.push(cells);
                }
            }
        }
        Ok(())
    }
}

impl Sink for Report {
    fn problem(&mut self, p: &Problem) -> Result<()> {
        self.add(p)
    }

    fn labels(&mut self, labels: HashMap<String, String>) {
        self.labels = labels;
    }
}

impl Report {
    /// Writes the end of the listing and the summary; the exit code.
    pub(super) fn finish(self, files: &[FileSummary]) -> Result<i32> {
        let mut report = self;
        let lang = report.lang;
        match report.format {
            Format::Json => {
                let list: Vec<serde_json::Value> = files
                    .iter()
                    .map(|f| {
                        serde_json::json!({
                            "file": f.file,
                            "kind": f.kind,
                            "read_as": f.read_as,
                            "header_line": f.header_line.map(|l| l.to_string()),
                            "rows": f.rows.to_string(),
                            "errors": f.errors.to_string(),
                        })
                    })
                    .collect();
                report.out.write_all(b"],\"files\":")?;
                report
                    .out
                    .write_all(serde_json::to_string(&list)?.as_bytes())?;
                let tail = serde_json::json!({
                    "errors": report.errors.to_string(),
                    "notes": report.notes.to_string(),
                });
                let tail = serde_json::to_string(&tail)?;
                report.out.write_all(b",")?;
                report
                    .out
                    .write_all(tail.trim_start_matches('{').as_bytes())?;
                report.out.write_all(b"\n")?;
            }
            Format::Table => {
                let (headers, right) = table_headings(&report.columns, lang);
                let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                let right: Vec<&str> = right.iter().map(String::as_str).collect();
                let shown = report.table.len() as u64;
                let total = report.errors + report.notes;
                let mut text = if report.table.is_empty() {
                    String::new()
                } else {
                    table::render(&headers, &report.table, &right)
                };
                if total > shown {
                    text.push_str(&match lang {
                    Lang::Zh => format!(
                        "…… 另有 {} 条未显示：用 --format csv -o 问题清单.csv 导出全部\n",
                        total - shown
                    ),
                    Lang::En => format!(
                        "... and {} more not shown: write them all with --format csv -o problems.csv\n",
                        total - shown
                    ),
                });
                }
                output::ignore_broken_pipe(report.out.write_all(text.as_bytes()))?;
            }
            _ => {}
        }
        let mut group = output::OutputGroup::new(lang);
        group.push(report.out);
        group.commit()?;
        for f in files.iter().filter(|f| f.kind != "policy") {
            let header = f.header_line.unwrap_or(1);
            match lang {
                Lang::Zh => eprintln!(
                    "jiuzhu validate：{}（{}，表头在第 {header} 行）：{} 行，{} 个错误",
                    screen_text(&f.file),
                    if f.read_as.is_empty() {
                        "无法读取"
                    } else {
                        &f.read_as
                    },
                    f.rows,
                    f.errors
                ),
                Lang::En => eprintln!(
                    "jiuzhu validate: {} ({}, header on line {header}): {} rows, {} errors",
                    screen_text(&f.file),
                    if f.read_as.is_empty() {
                        "unreadable"
                    } else {
                        &f.read_as
                    },
                    f.rows,
                    f.errors
                ),
            }
        }
        match lang {
            Lang::Zh => eprintln!(
                "jiuzhu validate：{} 个错误，{} 条提示{}",
                report.errors,
                report.notes,
                if report.errors == 0 {
                    "：文件可以使用"
                } else {
                    ""
                }
            ),
            Lang::En => eprintln!(
                "jiuzhu validate: {} errors, {} notes{}",
                report.errors,
                report.notes,
                if report.errors == 0 {
                    ": the files are clean"
                } else {
                    ""
                }
            ),
        }
        Ok(if report.errors == 0 {
            EXIT_OK
        } else {
            EXIT_ROWS
        })
    }
}
