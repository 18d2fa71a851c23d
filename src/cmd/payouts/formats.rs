//! The schedule, or one township's part of it, as CSV, JSON, an xlsx workbook or a table
//! (the last two in [`super::sheets`]). CSV and JSON are written as the spooled lines are read
//! back, month by month.

use super::PayoutsArgs;
use super::row::{DEFAULT_LEN, LineColumn, LineRecord, project, text_cells};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::schema::Selection;
use crate::output::{self, Format, Output, text_cell};
use crate::policy::Policy;
use crate::schedule::{Line, LineStatus, Payee, Streamed, Tally, Total};
use anyhow::Result;
use std::io::{self, Write};

pub(super) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub lang: Lang,
    pub from: Month,
    pub to: Month,
    /// the payment-line columns written (`--columns`, or the format's default)
    pub columns: &'a Selection<LineColumn>,
    /// whether `--columns` chose them (JSON then keeps their order; by default its keys sorted)
    pub chosen: bool,
}

/// An output that a closed pipe stops quietly ([`output::ignore_broken_pipe`]).
struct Pipe<'a>(&'a mut Output);

impl Write for Pipe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        output::ignore_broken_pipe(self.0.flush())
    }
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

impl Ctx<'_> {
    /// Writes the schedule (`part`: one township's) and returns its tally.
    pub fn write(
        &self,
        out: &mut Output,
        format: Format,
        s: &Streamed,
        part: Option<&str>,
        args: &PayoutsArgs,
    ) -> Result<Tally> {
        match format {
            Format::Csv => self.csv(out, s, part),
            Format::Json => self.json(out, s, part, args),
            Format::Xlsx => self.xlsx(out, s, part),
            Format::Table => self.table(out, s, part),
        }
    }

    /// Every line of the part, month by month, each added to `tally`.
    pub(super) fn each_line(
        &self,
        s: &Streamed,
        part: Option<&str>,
        tally: &mut Tally,
        mut f: impl FnMut(&Payee, &Line) -> Result<()>,
    ) -> Result<()> {
        for i in 0..s.months().len() {
            for l in s.lines(i)? {
                let l = l?;
                if part.is_some_and(|t| l.payee.township != t) {
                    continue;
                }
                tally.add(&l.payee.township, &l.line)?;
                f(&l.payee, &l.line)?;
            }
        }
        Ok(())
    }

    /// The chosen cells of a line, as text.
    pub(super) fn line_fields(&self, p: &Payee, l: &Line, buf: &mut String) -> Vec<String> {
        text_cells(self.columns, &LineRecord::new(self.policy, p, l), buf)
    }

    fn total_label(&self, t: &Total) -> String {
        match self.lang {
            Lang::Zh => format!("合计 {} 笔", t.lines),
            Lang::En => format!("total of {} lines", t.lines),
        }
    }

    fn csv(&self, out: &mut Output, s: &Streamed, part: Option<&str>) -> Result<Tally> {
        let mut tally = Tally::new(s.months(), &s.townships, true);
        let mut w = output::csv_writer(Pipe(out));
        w.write_record(self.columns.names())?;
        let mut buf = String::new();
        self.each_line(s, part, &mut tally, |p, l| {
            Ok(write_guarded(&mut w, self.line_fields(p, l, &mut buf))?)
        })?;
        for n in s.notices()? {
            let n = n?;
            let p = &n.payee;
            if part.is_some_and(|t| p.township != t) {
                continue;
            }
            tally.add_notice(n.seq, n.notice.kind);
            let months = n.notice.months_text();
            let row = p.row.to_string();
            let fields: [&str; DEFAULT_LEN] = [
                "",
                &months,
                &p.id,
                &p.township,
                "",
                "",
                "",
                &n.notice.detail,
                n.notice.kind.name(),
                &p.head_name,
                &p.head_id,
                &p.bank_account,
                &row,
            ];
            write_guarded(&mut w, project(self.columns, &fields))?;
        }
        for t in tally.totals() {
            let fields: [String; DEFAULT_LEN] = [
                String::new(),
                t.month.map(|m| m.to_string()).unwrap_or_default(),
                String::new(),
                t.township.clone().unwrap_or_default(),
                t.item.map(|i| i.name(self.policy)).unwrap_or_default(),
                fmt_money(t.amount),
                String::new(),
                self.total_label(&t),
                "total".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ];
            write_guarded(&mut w, project(self.columns, &fields))?;
        }
        w.flush()?;
        Ok(tally)
    }

    /// The document as the whole-schedule writer gave it (`serde_json`'s pretty form, keys in
    /// order), its arrays written element by element.
    fn json(
        &self,
        out: &mut Output,
        s: &Streamed,
        part: Option<&str>,
        args: &PayoutsArgs,
    ) -> Result<Tally> {
        const HOLE: &str = "\u{0}jiuzhu-array\u{0}";
        let mut doc = output::json_header(self.policy);
        let already_paid = if part.is_none() { s.already_paid } else { 0 };
        if let serde_json::Value::Object(o) = &mut doc {
            o.insert("from".into(), self.from.to_string().into());
            o.insert("to".into(), self.to.to_string().into());
            o.insert(
                "ledger".into(),
                args.ledger.clone().map(Into::into).unwrap_or_default(),
            );
            o.insert("dry_run".into(), args.dry_run.into());
            o.insert("already_paid".into(), already_paid.to_string().into());
            for key in ["payments", "held", "notices", "totals"] {
                o.insert(key.into(), format!("{HOLE}{key}").into());
            }
        }
        let text = serde_json::to_string_pretty(&doc)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, Pipe(out));
        let mut tally = Tally::new(s.months(), &s.townships, true);
        let hole = serde_json::to_string(&format!("{HOLE}x"))?;
        let hole = &hole[..hole.len() - 2];
        let mut rest = text.as_str();
        while let Some(at) = rest.find(hole) {
            w.write_all(&rest.as_bytes()[..at])?;
            let after = &rest[at + hole.len()..];
            let end = after.find('"').unwrap_or(after.len());
            let mut array = JsonArray::new(&mut w);
            match &after[..end] {
                "held" => {
                    // held lines first, without counting them (the payments' pass counts)
                    let mut skip = Tally::new(s.months(), &s.townships, true);
                    self.each_line(s, part, &mut skip, |p, l| {
                        if l.status != LineStatus::Pay {
                            array.push_text(&self.json_line(p, l)?)?;
                        }
                        Ok(())
                    })?;
                }
                "payments" => self.each_line(s, part, &mut tally, |p, l| {
                    if l.status == LineStatus::Pay {
                        array.push_text(&self.json_line(p, l)?)?;
                    }
                    Ok(())
                })?,
                "notices" => {
                    for n in s.notices()? {
                        let n = n?;
                        let p = &n.payee;
                        if part.is_some_and(|t| p.township != t) {
                            continue;
                        }
                        tally.add_notice(n.seq, n.notice.kind);
                        array.push(&serde_json::json!({
                            "household_id": p.id,
                            "township": p.township,
                            "status": n.notice.kind.name(),
                            "months": n.notice.months.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                            "reason": n.notice.detail,
                            "row": p.row.to_string(),
                        }))?;
                    }
                }
                _ => {
                    for t in tally.totals() {
                        array.push(&serde_json::json!({
                            "township": t.township,
                            "pay_month": t.month.map(|m| m.to_string()),
                            "item": t.item.map(|i| i.name(self.policy)),
                            "lines": t.lines.to_string(),
                            "amount": fmt_money(t.amount),
                        }))?;
                    }
                }
            }
            array.end()?;
            rest = &after[(end + 1).min(after.len())..];
        }
        w.write_all(rest.as_bytes())?;
        w.write_all(b"\n")?;
        w.flush()?;
        Ok(tally)
    }

    /// A line as pretty JSON: by default its keys sorted (as they always were); with
    /// `--columns`, in the order chosen.
    fn json_line(&self, p: &Payee, l: &Line) -> Result<String> {
        let fields = self.line_fields(p, l, &mut String::new());
        let names = self.columns.names();
        if !self.chosen {
            let o: serde_json::Map<_, _> = names
                .into_iter()
                .zip(fields)
                .map(|(k, v)| (k.to_string(), v.into()))
                .collect();
            return Ok(serde_json::to_string_pretty(&o)?);
        }
        let mut text = String::from("{");
        for (i, (k, v)) in names.into_iter().zip(fields).enumerate() {
            text.push_str(if i == 0 { "\n  " } else { ",\n  " });
            text.push_str(&serde_json::to_string(k)?);
            text.push_str(": ");
            text.push_str(&serde_json::to_string(&v)?);
        }
        text.push_str("\n}");
        Ok(text)
    }
}

/// A JSON array inside the pretty-printed document (two levels deep), written element by
/// element as `serde_json`'s pretty printer writes a whole one.
struct JsonArray<'w, W: Write> {
    w: &'w mut W,
    first: bool,
}

impl<'w, W: Write> JsonArray<'w, W> {
    fn new(w: &'w mut W) -> Self {
        JsonArray { w, first: true }
    }

    fn push(&mut self, v: &serde_json::Value) -> Result<()> {
        self.push_text(&serde_json::to_string_pretty(v)?)
    }

    /// Pushes an element already in `serde_json`'s pretty form.
    fn push_text(&mut self, text: &str) -> Result<()> {
        self.w.write_all(if self.first { b"[\n" } else { b",\n" })?;
        self.first = false;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.w.write_all(b"\n")?;
            }
            self.w.write_all(b"    ")?;
            self.w.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn end(self) -> Result<()> {
        self.w
            .write_all(if self.first { b"[]" } else { b"\n  ]" })?;
        Ok(())
    }
}
