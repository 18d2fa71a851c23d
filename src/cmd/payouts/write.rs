//! The outputs of `payouts`: the schedule as CSV, JSON, an xlsx workbook or a table, the
//! township files, the bank file, and the ledger appended only once every output is complete.

use super::PayoutsArgs;
use super::files::{check_split_sum, split_paths};
use super::formats::Ctx;
use super::row::LineColumn;
use crate::cmd::args::OutputArgs;
use crate::lang::Lang;
use crate::ledger::{self, Ledger};
use crate::money::fmt_money;
use crate::output::schema::Selection;
use crate::output::{self, Format, Output, bank};
use crate::policy::Policy;
use crate::schedule::{LineStatus, Streamed, Tally, checked_sum, too_large};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::io::{self, Write};
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
    pub columns: &'a Selection<LineColumn>,
}

/// Writes every output in full, then commits them, then the ledger (see the comment inside):
/// returns the whole schedule's tally, the lines recorded in the ledger and the files written.
pub(super) fn write_outputs(
    run: &Run,
    schedule: &Streamed,
    ledger: Option<Ledger>,
) -> Result<(Tally, usize, Vec<String>)> {
    let Run {
        args,
        policy,
        format,
        inputs,
        outputs_named,
        bank_template,
        bank_out,
        columns,
    } = *run;
    let lang = args.out.lang;
    let ctx = Ctx {
        policy,
        lang,
        from: args.from,
        to: args.to,
        columns,
        chosen: args.columns.columns.is_some(),
    };
    let townships = &schedule.townships;
    // The township files: one name per township, refused when two townships would share one.
    let split = args.split_by.is_some();
    let main_split = match (&args.out.output, split) {
        (Some(o), true) => split_paths(Path::new(o), townships, lang)?,
        _ => Vec::new(),
    };
    let bank_split = match (bank_out, split) {
        (Some(b), true) => split_paths(b, townships, lang)?,
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
    let tally = ctx.write(main, format, schedule, None, args)?;
    let (total, total_lines) = (tally.total, tally.paid as usize);
    let (mut split_total, mut split_lines) = (Decimal::ZERO, 0usize);
    for (t, path) in townships.iter().zip(&main_split) {
        // a township's file is the main output cut by township: same format and encoding
        let township_out = OutputArgs {
            output: Some(path.to_string_lossy().into_owned()),
            ..args.out.clone()
        };
        let out = group.push(
            Output::create(&township_out, format)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        let part = ctx.write(out, format, schedule, Some(t), args)?;
        split_total = split_total.checked_add(part.total).ok_or_else(too_large)?;
        split_lines += part.paid as usize;
    }
    if !main_split.is_empty() {
        check_split_sum(total, total_lines, split_total, split_lines, lang)?;
    }
    if let (Some(t), Some(path)) = (bank_template, bank_out) {
        let records = schedule_records(schedule, policy, None)?;
        let mut parts = vec![(path.clone(), records)];
        let (mut bank_total, mut bank_lines) = (Decimal::ZERO, 0usize);
        for (tw, p) in townships.iter().zip(&bank_split) {
            let records = schedule_records(schedule, policy, Some(tw))?;
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
            let months = 0..schedule.months().len();
            let lines = months
                .map(|i| schedule.lines(i))
                .collect::<io::Result<Vec<_>>>()?;
            let mut entries = lines
                .into_iter()
                .flatten()
                .filter(|l| l.as_ref().is_ok_and(|l| l.line.status == LineStatus::Pay))
                .map(|l| {
                    l.map(|l| ledger::Entry {
                        payment_id: l.line.payment_id,
                        pay_month: l.line.pay_month,
                        household_id: l.payee.id,
                        item: l.line.item.name(policy),
                        amount: fmt_money(l.line.amount),
                        recorded_at: now.clone(),
                        policy_sha256: policy.sha256.clone(),
                    })
                });
            recorded = total_lines;
            prepared = Some(l.prepare_from(recorded, &mut entries).map_err(|e| match lang {
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
    Ok((tally, recorded, written))
}

/// The paid lines (of one township) as the bank file takes them. The bank file's layout
/// (households' lines added up, a summary line first) needs them all at once.
fn schedule_records(
    s: &Streamed,
    policy: &Policy,
    township: Option<&str>,
) -> Result<Vec<bank::Record>> {
    let mut records = Vec::new();
    for i in 0..s.months().len() {
        for l in s.lines(i)? {
            let l = l?;
            let (p, l) = (l.payee, l.line);
            if l.status != LineStatus::Pay || township.is_some_and(|t| p.township != t) {
                continue;
            }
            records.push(bank::Record {
                bank_account: p.bank_account,
                head_name: p.head_name,
                head_id: p.head_id,
                household_id: p.id,
                township: p.township,
                pay_month: l.pay_month.to_string(),
                item: l.item.name(policy),
                item_zh: l.item.zh(policy),
                payment_id: l.payment_id,
                amount: l.amount,
            });
        }
    }
    Ok(records)
}
