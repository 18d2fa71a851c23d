//! Temporary files of records: every row's household for the duplicate checks, and the
//! findings of each kind until they are handed out in rank order. Each record is its length
//! (4 bytes, little-endian) and its fields; nothing here is meant to outlive the run.

use super::findings::{Finding, Head, Kind, Severity};
use super::ids::{pack, unpack};
use crate::rules::Decision;
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};

/// A new temporary file, buffered.
pub(super) fn temp() -> Result<BufWriter<File>> {
    let f = tempfile::tempfile().context("cannot create a temporary file")?;
    Ok(BufWriter::with_capacity(1 << 16, f))
}

/// The file written so far, rewound for reading.
pub(super) fn reopen(w: BufWriter<File>) -> Result<BufReader<File>> {
    let mut f = w.into_inner().map_err(|e| e.into_error())?;
    f.rewind()?;
    Ok(BufReader::with_capacity(1 << 16, f))
}

/// Starts a record in `out` (cleared): room for its length, filled in by [`end`].
pub(super) fn begin(out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[0; 4]);
}

/// Ends the record begun in `out` by [`begin`].
pub(super) fn end(out: &mut [u8]) {
    let len = u32::try_from(out.len() - 4).unwrap_or(u32::MAX);
    out[..4].copy_from_slice(&len.to_le_bytes());
}

/// Reads the next record into `buf`; `false` at the end of the file.
pub(super) fn next(r: &mut impl Read, buf: &mut Vec<u8>) -> Result<bool> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    buf.resize(u32::from_le_bytes(len) as usize, 0);
    r.read_exact(buf)?;
    Ok(true)
}

/// Writes a household: its row first (so that a reader may look at the row alone), then its
/// enrolment, decision, monthly total and texts.
pub(super) fn put_head(out: &mut Vec<u8>, h: &Head) {
    out.extend_from_slice(&h.row.to_le_bytes());
    out.push((pack(0, h.status) & 7) as u8);
    let d = Decision::ALL
        .iter()
        .position(|d| *d == h.decision)
        .unwrap_or(0);
    out.push(u8::try_from(d).unwrap_or(0));
    match h.monthly_total {
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.serialize());
        }
        None => out.push(0),
    }
    for s in [&h.household_id, &h.township, &h.head_name, &h.head_id] {
        put_text(out, s);
    }
}

/// Writes a text, its length first.
pub(super) fn put_text(out: &mut Vec<u8>, s: &str) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

/// Reads the fields of a record in the order they were written.
pub(super) struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Fields<'a> {
        Fields { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let b = self
            .bytes
            .get(self.at..self.at + n)
            .context("a temporary file of the audit is damaged")?;
        self.at += n;
        Ok(b)
    }

    pub(super) fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into()?))
    }

    pub(super) fn text(&mut self) -> Result<String> {
        let len = u32::from_le_bytes(self.take(4)?.try_into()?) as usize;
        Ok(String::from_utf8_lossy(self.take(len)?).into_owned())
    }

    /// A household written by [`put_head`].
    pub(super) fn head(&mut self) -> Result<Head> {
        let row = self.u64()?;
        let status = unpack(u32::from(self.u8()?)).1;
        let decision = Decision::ALL
            .get(usize::from(self.u8()?))
            .copied()
            .unwrap_or(Decision::Invalid);
        let monthly_total = match self.u8()? {
            1 => Some(Decimal::deserialize(self.take(16)?.try_into()?)),
            _ => None,
        };
        Ok(Head {
            household_id: self.text()?,
            row,
            township: self.text()?,
            head_name: self.text()?,
            head_id: self.text()?,
            status,
            decision,
            monthly_total,
        })
    }
}

/// The findings of a run, one temporary file per kind, handed out in rank order.
pub struct Findings {
    files: Vec<Option<BufWriter<File>>>,
    record: Vec<u8>,
}

impl Findings {
    pub(super) fn new() -> Findings {
        Findings {
            files: (0..Kind::ALL.len()).map(|_| None).collect(),
            record: Vec::with_capacity(512),
        }
    }

    /// Keeps a finding until the end.
    pub(super) fn push(&mut self, f: &Finding) -> Result<()> {
        let k = f.kind.rank() - 1;
        let out = &mut self.record;
        begin(out);
        out.push(u8::try_from(k).unwrap_or(0));
        out.push(match f.severity {
            Severity::Error => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
        });
        put_head(out, &f.head);
        put_text(out, &f.evidence);
        end(out);
        if self.files[k].is_none() {
            self.files[k] = Some(temp()?);
        }
        if let Some(w) = self.files[k].as_mut() {
            w.write_all(&self.record)?;
        }
        Ok(())
    }

    /// Hands every finding to `each`: ranked by kind, in the order they were kept within a kind.
    pub fn for_each(self, mut each: impl FnMut(Finding) -> Result<()>) -> Result<()> {
        let mut buf = Vec::with_capacity(512);
        for w in self.files.into_iter().flatten() {
            let mut r = reopen(w)?;
            while next(&mut r, &mut buf)? {
                let mut fields = Fields::new(&buf);
                let kind = Kind::ALL
                    .get(usize::from(fields.u8()?))
                    .copied()
                    .context("a temporary file of the audit is damaged")?;
                let severity = match fields.u8()? {
                    0 => Severity::Error,
                    1 => Severity::High,
                    2 => Severity::Medium,
                    _ => Severity::Low,
                };
                let head = fields.head()?;
                let evidence = fields.text()?;
                each(Finding {
                    kind,
                    severity,
                    head,
                    evidence,
                })?;
            }
        }
        Ok(())
    }
}
