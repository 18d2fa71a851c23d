//! The schedule, or one township's part of it, as an xlsx workbook (one month's sheet
//! assembled at a time) or a table for a terminal (laid out whole: its columns are as wide as
//! their widest cell).

use super::formats::Ctx;
use super::row::LineRecord;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::output::xlsx::{self, Cell, Sheet};
use crate::output::{self, Output, table};
use crate::schedule::{LineStatus, Streamed, Tally, checked_sum};
use anyhow::{Result, bail};
use std::io::Write;

/// Excel's last row: a sheet holds at most this many lines under its header.
const XLSX_MAX_LINES: u64 = 1_048_575;

impl Ctx<'_> {
    pub(super) fn xlsx(&self, out: &mut Output, s: &Streamed, part: Option<&str>) -> Result<Tally> {
        let headers: Vec<String> = self.columns.names().iter().map(|s| s.to_string()).collect();
        let mut buf = String::new();
        let mut tally = Tally::new(s.months(), &s.townships, true);
        let mut book = xlsx::WorkbookWriter::new(self.policy);
        for (i, m) in s.months().iter().enumerate() {
            if s.line_count(i) > XLSX_MAX_LINES {
                match self.lang {
                    Lang::Zh => bail!(
                        "{m} 有 {} 笔发放明细，超过 xlsx 工作表的上限 {XLSX_MAX_LINES} 行：请改用 csv 输出（-o FILE.csv），需要按乡镇分文件时加 --split-by township。未写出任何文件，未作任何发放",
                        s.line_count(i)
                    ),
                    Lang::En => bail!(
                        "{m} has {} payment lines, more than an xlsx sheet holds ({XLSX_MAX_LINES} rows): use csv output (-o FILE.csv), with --split-by township for one file per township. Nothing was written or paid",
                        s.line_count(i)
                    ),
                }
            }
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            let mut paid = Vec::new();
            for l in s.lines(i)? {
                let l = l?;
                let (p, l) = (&l.payee, &l.line);
                if part.is_some_and(|t| p.township != t) {
                    continue;
                }
                tally.add(&p.township, l)?;
                if l.status == LineStatus::Pay {
                    paid.push(l.amount);
                }
                let rec = LineRecord::new(self.policy, p, l);
                rows.push(self.columns.xlsx_cells(&rec, &mut buf));
            }
            let paid = checked_sum(&paid)?;
            book.add(&Sheet {
                name: m.to_string(),
                title: vec![
                    format!("发放月份 pay month: {m}"),
                    format!("应发合计 total paid: {}", fmt_money(paid)),
                ],
                headers: headers.clone(),
                rows,
            })?;
        }
        let mut notice_rows = Vec::new();
        for n in s.notices()? {
            let n = n?;
            let p = &n.payee;
            if part.is_some_and(|t| p.township != t) {
                continue;
            }
            tally.add_notice(n.seq, n.notice.kind);
            notice_rows.push(vec![
                Cell::Text(p.id.clone()),
                Cell::Text(p.township.clone()),
                Cell::Text(p.head_name.clone()),
                Cell::Text(n.notice.kind.name().into()),
                Cell::Text(n.notice.months_text()),
                Cell::Text(n.notice.detail.clone()),
                Cell::Count(p.row),
            ]);
        }
        book.add(&Sheet {
            name: self.lang.pick("合计", "totals").into(),
            title: vec![format!("{} ~ {}", self.from, self.to)],
            headers: [
                "township",
                "pay_month",
                "item",
                "item_zh",
                "lines",
                "amount",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: tally
                .totals()
                .iter()
                .map(|t| {
                    vec![
                        t.township.clone().map(Cell::Text).unwrap_or(Cell::Empty),
                        t.month
                            .map(|m| Cell::Text(m.to_string()))
                            .unwrap_or(Cell::Empty),
                        t.item
                            .map(|i| Cell::Text(i.name(self.policy)))
                            .unwrap_or(Cell::Empty),
                        t.item
                            .map(|i| Cell::Text(i.zh(self.policy)))
                            .unwrap_or_else(|| Cell::Text("合计".into())),
                        Cell::Count(t.lines),
                        Cell::Money(t.amount),
                    ]
                })
                .collect(),
        })?;
        book.add(&Sheet {
            name: self.lang.pick("待处理", "notices").into(),
            title: vec![
                "待纳入、待复核、待定、无效及暂缓发放的户 households to enrol, review, complete or fix"
                    .into(),
            ],
            headers: ["household_id", "township", "head_name", "status", "months", "reason", "row"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: notice_rows,
        })?;
        out.write_all(&book.finish()?)?;
        Ok(tally)
    }

    pub(super) fn table(
        &self,
        out: &mut Output,
        s: &Streamed,
        part: Option<&str>,
    ) -> Result<Tally> {
        let mut tally = Tally::new(s.months(), &s.townships, true);
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut buf = String::new();
        self.each_line(s, part, &mut tally, |p, l| {
            let rec = LineRecord::new(self.policy, p, l);
            rows.push(self.columns.table_cells(&rec, &mut buf, self.lang));
            Ok(())
        })?;
        let headings = self.columns.headings(self.lang);
        let money = self.columns.money_headings(self.lang);
        let mut text = table::render(&headings, &rows, &money);
        drop(rows);
        let mut nrows: Vec<Vec<String>> = Vec::new();
        for n in s.notices()? {
            let n = n?;
            let p = &n.payee;
            if part.is_some_and(|t| p.township != t) {
                continue;
            }
            tally.add_notice(n.seq, n.notice.kind);
            nrows.push(vec![
                p.id.clone(),
                p.township.clone(),
                match self.lang {
                    Lang::Zh => n.notice.kind.zh().to_string(),
                    Lang::En => n.notice.kind.name().to_string(),
                },
                n.notice.months_text(),
                n.notice.detail.clone(),
            ]);
        }
        let th = match self.lang {
            Lang::Zh => ["乡镇", "月份", "项目", "笔数", "金额"],
            Lang::En => ["township", "month", "item", "lines", "amount"],
        };
        let all = self.lang.pick("（全部）", "(all)");
        let trows: Vec<Vec<String>> = tally
            .totals()
            .iter()
            .map(|t| {
                vec![
                    t.township.clone().unwrap_or_else(|| all.into()),
                    t.month.map(|m| m.to_string()).unwrap_or_else(|| all.into()),
                    t.item
                        .map(|i| match self.lang {
                            Lang::Zh => i.zh(self.policy),
                            Lang::En => i.name(self.policy),
                        })
                        .unwrap_or_else(|| all.into()),
                    t.lines.to_string(),
                    fmt_money(t.amount),
                ]
            })
            .collect();
        text.push_str(&table::render(&th, &trows, &[th[3], th[4]]));
        if !nrows.is_empty() {
            let nh = match self.lang {
                Lang::Zh => ["户编号", "乡镇", "类别", "月份", "说明"],
                Lang::En => ["household", "township", "status", "months", "reason"],
            };
            text.push_str(&table::render(&nh, &nrows, &[]));
        }
        output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
        Ok(tally)
    }
}
