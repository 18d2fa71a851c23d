//! The outputs of `payouts`: the schedule as CSV, JSON, an xlsx workbook or a table, the
//! township files, the bank file, and the ledger appended only once every output is complete.

use super::PayoutsArgs;
use super::files::{check_split_sum, split_paths};
use crate::cli::OutputArgs;
use crate::lang::Lang;
use crate::ledger::{self, Ledger};
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::xlsx::{self, Cell, Sheet};
use crate::output::{self, Format, Output, bank, table, text_cell};
use crate::policy::Policy;
use crate::schedule::{Line, LineStatus, Schedule, Total, checked_sum, too_large, totals};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the outputs are made from, besides the schedule.
pub(super) struct Run<'a> {
    pub args: &'a PayoutsArgs,
    pub policy: &'a Policy,
    pub format: Format,
    pub inputs: &'a [(&'static str, &'a str)],
    pub outputs_named: &'a [(&'a str, &'a str)],
    pub bank_template: Option<&'a bank::Template>,
    pub bank_out: Option<&'a PathBuf>,
}

/// Writes every output in full, then commits them, then the ledger (see the comment inside):
/// returns the lines recorded in the ledger and the files written.
pub(super) fn write_outputs(
    run: &Run,
    schedule: &Schedule,
    ledger: Option<Ledger>,
) -> Result<(usize, Vec<String>)> {
    let Run {
        args,
        policy,
        format,
        inputs,
        outputs_named,
        bank_template,
        bank_out,
    } = *run;
    let lang = args.out.lang;
    let ctx = Ctx {
        policy,
        lang,
        from: args.from,
        to: args.to,
    };
    let townships: Vec<String> = {
        let mut t: Vec<String> = schedule.payees.iter().map(|p| p.township.clone()).collect();
        t.sort();
        t.dedup();
        t
    };
    // The township files: one name per township, refused when two townships would share one.
    let split = args.split_by.is_some();
    let main_split = match (&args.out.output, split) {
        (Some(o), true) => split_paths(Path::new(o), &townships, lang)?,
        _ => Vec::new(),
    };
    let bank_split = match (bank_out, split) {
        (Some(b), true) => split_paths(b, &townships, lang)?,
        _ => Vec::new(),
    };
    if split {
        let names: Vec<String> = main_split
            .iter()
            .chain(&bank_split)
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let mut all = outputs_named.to_vec();
        all.extend(
            names
                .iter()
                .map(|n| (lang.pick("乡镇文件", "township file"), n.as_str())),
        );
        output::refuse_same_files(inputs, &all, lang)?;
    }

    // Every output is written in full before any is committed, and the split files are
    // checked to add up to the whole.
    let mut group = output::OutputGroup::new(lang);
    let main = group.push(Output::create(&args.out, format).context("cannot create the output")?);
    ctx.write(main, format, schedule, args)?;
    let total = checked_sum(schedule.paid().map(|l| &l.amount))?;
    let total_lines = schedule.paid().count();
    let (mut split_total, mut split_lines) = (Decimal::ZERO, 0usize);
    for (t, path) in townships.iter().zip(&main_split) {
        let part = schedule.township(t);
        split_total = split_total
            .checked_add(checked_sum(part.paid().map(|l| &l.amount))?)
            .ok_or_else(too_large)?;
        split_lines += part.paid().count();
        // a township's file is the main output cut by township: same format and encoding
        let township_out = OutputArgs {
            output: Some(path.to_string_lossy().into_owned()),
            ..args.out.clone()
        };
        let out = group.push(
            Output::create(&township_out, format)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        ctx.write(out, format, &part, args)?;
    }
    if !main_split.is_empty() {
        check_split_sum(total, total_lines, split_total, split_lines, lang)?;
    }
    if let (Some(t), Some(path)) = (bank_template, bank_out) {
        let records = schedule_records(schedule, policy, None);
        let mut parts = vec![(path.clone(), records)];
        let (mut bank_total, mut bank_lines) = (Decimal::ZERO, 0usize);
        for (tw, p) in townships.iter().zip(&bank_split) {
            let records = schedule_records(schedule, policy, Some(tw));
            bank_total = bank_total
                .checked_add(checked_sum(records.iter().map(|r| &r.amount))?)
                .ok_or_else(too_large)?;
            bank_lines += records.len();
            parts.push((p.clone(), records));
        }
        if !bank_split.is_empty() {
            check_split_sum(total, total_lines, bank_total, bank_lines, lang)?;
        }
        for (p, records) in parts {
            let out = group.push(
                Output::open(Some(&p.to_string_lossy()))
                    .with_context(|| format!("cannot create {}", p.display()))?,
            );
            out.write_all(&t.render(&records))?;
        }
    }
    // The new ledger is written beside the old one first, then the outputs are committed,
    // then the ledger: a full disk or any failure before the outputs are in place leaves no
    // output and the ledger as it was; a run that stops after the outputs and before the
    // ledger has recorded nothing, and running it again writes the same lines with the same
    // ids. The ledger is the commit.
    let mut recorded = 0;
    let mut prepared = None;
    if let Some(l) = ledger {
        if args.dry_run {
            drop(l);
        } else {
            let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            let entries: Vec<ledger::Entry> = schedule
                .paid()
                .map(|line| ledger::Entry {
                    payment_id: line.payment_id.clone(),
                    pay_month: line.pay_month,
                    household_id: schedule.payees[line.payee].id.clone(),
                    item: line.item.name(policy),
                    amount: fmt_money(line.amount),
                    recorded_at: now.clone(),
                    policy_sha256: policy.sha256.clone(),
                })
                .collect();
            recorded = entries.len();
            prepared = Some(l.prepare(&entries).map_err(|e| match lang {
                Lang::Zh => anyhow::anyhow!("{e}：台账未更新，输出文件均未写出，未作任何发放"),
                Lang::En => anyhow::anyhow!(
                    "{e}: the ledger was not updated and no output file was written; nothing was paid"
                ),
            })?);
        }
    }
    let written = group.commit()?;
    if let Some(p) = prepared {
        p.commit().map_err(|e| match lang {
            Lang::Zh => anyhow::anyhow!(
                "{e}：输出已写出但台账未更新，这些款项没有记账——发出任何款项之前请重新运行同一命令"
            ),
            Lang::En => anyhow::anyhow!(
                "{e}: the output files were written but the ledger was NOT updated; these payments are not recorded — run the same command again before sending anything"
            ),
        })?;
    }
    Ok((recorded, written))
}

/// The CSV and JSON columns of a line, in order.
pub const COLUMNS: &[&str] = &[
    "payment_id",
    "pay_month",
    "household_id",
    "township",
    "item",
    "amount",
    "approval",
    "reason",
    "status",
    "head_name",
    "head_id",
    "bank_account",
    "row",
];

fn schedule_records(s: &Schedule, policy: &Policy, township: Option<&str>) -> Vec<bank::Record> {
    s.paid()
        .filter(|l| township.is_none_or(|t| s.payees[l.payee].township == t))
        .map(|l| {
            let p = &s.payees[l.payee];
            bank::Record {
                bank_account: p.bank_account.clone(),
                head_name: p.head_name.clone(),
                head_id: p.head_id.clone(),
                household_id: p.id.clone(),
                township: p.township.clone(),
                pay_month: l.pay_month.to_string(),
                item: l.item.name(policy),
                item_zh: l.item.zh(policy),
                payment_id: l.payment_id.clone(),
                amount: l.amount,
            }
        })
        .collect()
}

/// Writes one CSV record of text cells guarded for spreadsheets.
fn write_guarded<W: Write>(
    w: &mut csv::Writer<W>,
    fields: impl IntoIterator<Item = impl AsRef<str>>,
) -> csv::Result<()> {
    for f in fields {
        w.write_field(text_cell(f.as_ref()).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

pub(super) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub lang: Lang,
    pub from: Month,
    pub to: Month,
}

impl Ctx<'_> {
    fn write(
        &self,
        out: &mut Output,
        format: Format,
        s: &Schedule,
        args: &PayoutsArgs,
    ) -> Result<()> {
        let months: Vec<Month> = self.from.through(self.to).collect();
        let totals = totals(s, &months, true)?;
        match format {
            Format::Csv => self.csv(out, s, &totals)?,
            Format::Json => self.json(out, s, &totals, args)?,
            Format::Xlsx => {
                let bytes = xlsx::workbook(self.policy, &self.sheets(s, &totals)?)?;
                out.write_all(&bytes)?;
            }
            Format::Table => self.table(out, s, &totals)?,
        }
        Ok(())
    }

    fn line_fields(&self, s: &Schedule, l: &Line) -> [String; 13] {
        let p = &s.payees[l.payee];
        [
            l.payment_id.clone(),
            l.pay_month.to_string(),
            p.id.clone(),
            p.township.clone(),
            l.item.name(self.policy),
            fmt_money(l.amount),
            l.approval.to_string(),
            l.reason.clone(),
            l.status.name().to_string(),
            p.head_name.clone(),
            p.head_id.clone(),
            p.bank_account.clone(),
            p.row.to_string(),
        ]
    }

    fn total_label(&self, t: &Total) -> String {
        match self.lang {
            Lang::Zh => format!("合计 {} 笔", t.lines),
            Lang::En => format!("total of {} lines", t.lines),
        }
    }

    fn csv(&self, out: &mut Output, s: &Schedule, totals: &[Total]) -> Result<()> {
        let mut w = output::csv_writer(Vec::new());
        w.write_record(COLUMNS)?;
        for l in &s.lines {
            let f = self.line_fields(s, l);
            write_guarded(&mut w, f.iter())?;
        }
        for n in &s.notices {
            let p = &s.payees[n.payee];
            write_guarded(
                &mut w,
                [
                    "",
                    &n.months_text(),
                    &p.id,
                    &p.township,
                    "",
                    "",
                    "",
                    &n.detail,
                    n.kind.name(),
                    &p.head_name,
                    &p.head_id,
                    &p.bank_account,
                    &p.row.to_string(),
                ],
            )?;
        }
        for t in totals {
            write_guarded(
                &mut w,
                [
                    String::new(),
                    t.month.map(|m| m.to_string()).unwrap_or_default(),
                    String::new(),
                    t.township.clone().unwrap_or_default(),
                    t.item.map(|i| i.name(self.policy)).unwrap_or_default(),
                    fmt_money(t.amount),
                    String::new(),
                    self.total_label(t),
                    "total".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            )?;
        }
        output::ignore_broken_pipe(out.write_all(&w.into_inner().unwrap_or_default()))?;
        Ok(())
    }

    fn json(
        &self,
        out: &mut Output,
        s: &Schedule,
        totals: &[Total],
        args: &PayoutsArgs,
    ) -> Result<()> {
        let line = |l: &Line| {
            let f = self.line_fields(s, l);
            let mut o = serde_json::Map::new();
            for (k, v) in COLUMNS.iter().zip(f) {
                o.insert((*k).into(), v.into());
            }
            serde_json::Value::Object(o)
        };
        let mut doc = output::json_header(self.policy);
        let payments: Vec<_> = s.paid().map(line).collect();
        let held: Vec<_> = s
            .lines
            .iter()
            .filter(|l| l.status != LineStatus::Pay)
            .map(line)
            .collect();
        let notices: Vec<_> = s
            .notices
            .iter()
            .map(|n| {
                let p = &s.payees[n.payee];
                serde_json::json!({
                    "household_id": p.id,
                    "township": p.township,
                    "status": n.kind.name(),
                    "months": n.months.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                    "reason": n.detail,
                    "row": p.row.to_string(),
                })
            })
            .collect();
        let totals: Vec<_> = totals
            .iter()
            .map(|t| {
                serde_json::json!({
                    "township": t.township,
                    "pay_month": t.month.map(|m| m.to_string()),
                    "item": t.item.map(|i| i.name(self.policy)),
                    "lines": t.lines.to_string(),
                    "amount": fmt_money(t.amount),
                })
            })
            .collect();
        if let serde_json::Value::Object(o) = &mut doc {
            o.insert("from".into(), self.from.to_string().into());
            o.insert("to".into(), self.to.to_string().into());
            o.insert(
                "ledger".into(),
                args.ledger.clone().map(Into::into).unwrap_or_default(),
            );
            o.insert("dry_run".into(), args.dry_run.into());
            o.insert("already_paid".into(), s.already_paid.to_string().into());
            o.insert("payments".into(), payments.into());
            o.insert("held".into(), held.into());
            o.insert("notices".into(), notices.into());
            o.insert("totals".into(), totals.into());
        }
        let mut bytes = serde_json::to_vec_pretty(&doc)?;
        bytes.push(b'\n');
        output::ignore_broken_pipe(out.write_all(&bytes))?;
        Ok(())
    }

    fn table(&self, out: &mut Output, s: &Schedule, totals: &[Total]) -> Result<()> {
        let mask = crate::household::idcard::mask;
        let headers = match self.lang {
            Lang::Zh => [
                "月份",
                "户编号",
                "乡镇",
                "户主",
                "账号",
                "项目",
                "金额",
                "审批",
                "状态",
                "说明",
            ],
            Lang::En => [
                "month",
                "household",
                "township",
                "head",
                "account",
                "item",
                "amount",
                "approval",
                "status",
                "reason",
            ],
        };
        let rows: Vec<Vec<String>> = s
            .lines
            .iter()
            .map(|l| {
                let p = &s.payees[l.payee];
                vec![
                    l.pay_month.to_string(),
                    p.id.clone(),
                    p.township.clone(),
                    p.head_name.clone(),
                    mask(&p.bank_account),
                    match self.lang {
                        Lang::Zh => l.item.zh(self.policy),
                        Lang::En => l.item.name(self.policy),
                    },
                    fmt_money(l.amount),
                    l.approval.to_string(),
                    l.status.name().to_string(),
                    l.reason.clone(),
                ]
            })
            .collect();
        let mut text = table::render(&headers, &rows, &[headers[6]]);
        let th = match self.lang {
            Lang::Zh => ["乡镇", "月份", "项目", "笔数", "金额"],
            Lang::En => ["township", "month", "item", "lines", "amount"],
        };
        let all = self.lang.pick("（全部）", "(all)");
        let trows: Vec<Vec<String>> = totals
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
        if !s.notices.is_empty() {
            let nh = match self.lang {
                Lang::Zh => ["户编号", "乡镇", "类别", "月份", "说明"],
                Lang::En => ["household", "township", "status", "months", "reason"],
            };
            let nrows: Vec<Vec<String>> = s
                .notices
                .iter()
                .map(|n| {
                    let p = &s.payees[n.payee];
                    vec![
                        p.id.clone(),
                        p.township.clone(),
                        match self.lang {
                            Lang::Zh => n.kind.zh().to_string(),
                            Lang::En => n.kind.name().to_string(),
                        },
                        n.months_text(),
                        n.detail.clone(),
                    ]
                })
                .collect();
            text.push_str(&table::render(&nh, &nrows, &[]));
        }
        output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
        Ok(())
    }

    fn sheets(&self, s: &Schedule, totals: &[Total]) -> Result<Vec<Sheet>> {
        let headers: Vec<String> = [
            "payment_id",
            "household_id",
            "township",
            "head_name",
            "head_id",
            "bank_account",
            "item",
            "item_zh",
            "amount",
            "approval",
            "status",
            "reason",
            "row",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut sheets = Vec::new();
        for m in self.from.through(self.to) {
            let rows: Vec<Vec<Cell>> = s
                .lines
                .iter()
                .filter(|l| l.pay_month == m)
                .map(|l| {
                    let p = &s.payees[l.payee];
                    vec![
                        Cell::Text(l.payment_id.clone()),
                        Cell::Text(p.id.clone()),
                        Cell::Text(p.township.clone()),
                        Cell::Text(p.head_name.clone()),
                        Cell::Text(p.head_id.clone()),
                        Cell::Text(p.bank_account.clone()),
                        Cell::Text(l.item.name(self.policy)),
                        Cell::Text(l.item.zh(self.policy)),
                        Cell::Money(l.amount),
                        Cell::Text(l.approval.into()),
                        Cell::Text(l.status.name().into()),
                        Cell::Text(l.reason.clone()),
                        Cell::Count(p.row),
                    ]
                })
                .collect();
            let paid = checked_sum(s.paid().filter(|l| l.pay_month == m).map(|l| &l.amount))?;
            sheets.push(Sheet {
                name: m.to_string(),
                title: vec![
                    format!("发放月份 pay month: {m}"),
                    format!("应发合计 total paid: {}", fmt_money(paid)),
                ],
                headers: headers.clone(),
                rows,
            });
        }
        sheets.push(Sheet {
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
            rows: totals
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
        });
        sheets.push(Sheet {
            name: self.lang.pick("待处理", "notices").into(),
            title: vec![
                "待纳入、待复核、待定、无效及暂缓发放的户 households to enrol, review, complete or fix"
                    .into(),
            ],
            headers: ["household_id", "township", "head_name", "status", "months", "reason", "row"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: s
                .notices
                .iter()
                .map(|n| {
                    let p = &s.payees[n.payee];
                    vec![
                        Cell::Text(p.id.clone()),
                        Cell::Text(p.township.clone()),
                        Cell::Text(p.head_name.clone()),
                        Cell::Text(n.kind.name().into()),
                        Cell::Text(n.months_text()),
                        Cell::Text(n.detail.clone()),
                        Cell::Count(p.row),
                    ]
                })
                .collect(),
        });
        Ok(sheets)
    }
}
