//! Duplicates across households: the same person (head, or with a members file any person)
//! in two households, 低保 in one and 特困 in another, and one bank account paid for two.
//!
//! What is kept per household is one entry per key in two tables ([`FirstSeen`]; the head's ID
//! number, the bank account), each an 8-byte fingerprint and a 4-byte row-and-status word
//! kept sorted in short buckets. Every row's household is spilled to a temporary file in row
//! order, the duplicate groups (few) are held, and at the end the file is read once for the
//! groups' first rows.

use super::findings::{Finding, Head, Kind, status_zh};
use super::ids::pack;
use super::row::{Audited, Who};
use super::run::Config;
use super::spill;
use crate::household::Status;
use crate::lang::Lang;
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::io::{BufWriter, Read, Write};

impl Config<'_> {
    /// The other households of a duplicate, with their enrolment:
    /// `第 2 行户 H001（保障类别低保）、第 9 行户 H009（保障类别特困）`.
    pub(super) fn others_enrolled(&self, others: &[&Head]) -> String {
        let named: Vec<String> = others
            .iter()
            .map(|h| match self.lang {
                Lang::Zh => format!(
                    "{}（保障类别{}）",
                    household_named(h, self.lang),
                    status_zh(h.status)
                ),
                Lang::En if h.household_id.is_empty() => format!(
                    "the household on row {} (enrolled as {})",
                    h.row,
                    h.status.name()
                ),
                Lang::En => format!(
                    "household {} (row {}, enrolled as {})",
                    h.household_id,
                    h.row,
                    h.status.name()
                ),
            })
            .collect();
        named.join(self.lang.pick("、", " and "))
    }

    /// The evidence of `duplicate_person` / `dibao_and_tekun` for household `head`, naming
    /// every other household of the group.
    pub(super) fn person_evidence(
        &self,
        key: &str,
        head: &Head,
        who: Option<&Who>,
        others: &[&Head],
    ) -> String {
        let id = self.shown(key);
        let there = self.others_enrolled(others);
        let (zh, en) = (status_zh(head.status), head.status.name());
        match (self.parser.members().is_some(), who) {
            (true, Some(who)) => match self.lang {
                Lang::Zh => format!("{}也在{there}；本户保障类别{zh}", self.who(who)),
                Lang::En => format!("{} is also in {there}; enrolment here {en}", self.who(who)),
            },
            (true, None) => match self.lang {
                Lang::Zh => format!("身份证号 {id} 也在{there}；本户保障类别{zh}"),
                Lang::En => format!("ID {id} is also in {there}; enrolment here {en}"),
            },
            (false, _) => match self.lang {
                Lang::Zh => format!("户主身份证号 {id} 也是{there}的户主；本户保障类别{zh}"),
                Lang::En => {
                    format!("head ID {id} also heads {there}; enrolment here {en}")
                }
            },
        }
    }

    /// The evidence of `shared_bank_account`, naming every other household with the account.
    pub(super) fn account_evidence(&self, key: &str, others: &[&Head]) -> String {
        let acct = self.shown(key);
        let named: Vec<String> = others
            .iter()
            .map(|h| household_named(h, self.lang))
            .collect();
        match self.lang {
            Lang::Zh => format!("银行账号 {acct} 与{} 相同", named.join("、")),
            Lang::En => format!(
                "bank account {acct} is also the account of {}",
                named.join(" and ")
            ),
        }
    }
}

/// How many files the keys are spread over, by their fingerprint's leading bits: at the end
/// each file is read and sorted alone, so the memory it takes is a sixty-fourth of the keys.
const PARTS: usize = 64;

/// One key of one row as written to the key files: its fingerprint, the row, the row's
/// enrolment, the key's place among the row's keys (persons first, the account last) and
/// whether it is an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    account: bool,
    fp: u64,
    row: u64,
    pos: u8,
    status: u8,
}

impl Entry {
    const LEN: usize = 19;

    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut b = [0u8; Self::LEN];
        b[..8].copy_from_slice(&self.fp.to_le_bytes());
        b[8..16].copy_from_slice(&self.row.to_le_bytes());
        b[16] = self.pos;
        b[17] = self.status;
        b[18] = u8::from(self.account);
        out.write_all(&b)
    }

    fn read(b: &[u8; Self::LEN]) -> Entry {
        let mut fp = [0u8; 8];
        fp.copy_from_slice(&b[..8]);
        let mut row = [0u8; 8];
        row.copy_from_slice(&b[8..16]);
        Entry {
            fp: u64::from_le_bytes(fp),
            row: u64::from_le_bytes(row),
            pos: b[16],
            status: b[17],
            account: b[18] == 1,
        }
    }
}

/// The per-roster state of the duplicate checks, none of it growing with the households in
/// memory: every key of every row is written to one of [`PARTS`] temporary files (19 bytes a
/// key on disk), every row's household to another, and at the end each key file is sorted
/// alone to find the keys of more than one row.
pub(super) struct Seen {
    parts: Vec<Option<BufWriter<std::fs::File>>>,
    /// every row's household, in row order (see [`RowRecord`])
    rows: BufWriter<std::fs::File>,
    record: Vec<u8>,
    /// findings of the duplicate kinds met while streaming (a person listed twice in one
    /// household), held so that their kinds come out in row order with the groups' findings
    pub(super) held: Vec<Finding>,
}

/// The rows that share one key (a person's ID number or a bank account), as the sort finds
/// them.
struct Group {
    account: bool,
    fp: u64,
    /// the row the key was first seen on
    first: u64,
    /// the later rows, in row order, each with the key's place among its keys
    later: Vec<(u64, u8)>,
}

/// The fields of a row's household kept in the spill file, to write the findings of the
/// households of a duplicate at the end.
pub(super) struct RowRecord {
    pub(super) head: Head,
    /// whether the row had a finding while streaming
    had_findings: bool,
    /// whether the row's persons include its members-file rows (not for a row repeating an
    /// earlier household id)
    joined: bool,
    /// the row's bank account, normalised
    account: String,
}

impl RowRecord {
    fn write(out: &mut Vec<u8>, a: &Audited, had_findings: bool, joined: bool) {
        spill::begin(out);
        spill::put_head(out, &a.head);
        out.push(u8::from(had_findings));
        out.push(u8::from(joined));
        spill::put_text(out, a.account.as_ref().map_or("", |(_, k)| k.as_str()));
        spill::end(out);
    }

    /// The next record, or `None` at the end of the file: the record when `wanted` says so
    /// of its row, else `Some(None)` (a record not wanted is skipped through `scratch`,
    /// without allocating).
    fn read(
        r: &mut impl Read,
        scratch: &mut Vec<u8>,
        wanted: impl Fn(u64) -> bool,
    ) -> Result<Option<Option<RowRecord>>> {
        if !spill::next(r, scratch)? {
            return Ok(None);
        }
        let mut fields = spill::Fields::new(scratch);
        if !wanted(fields.u64()?) {
            return Ok(Some(None));
        }
        let mut fields = spill::Fields::new(scratch);
        let head = fields.head()?;
        Ok(Some(Some(RowRecord {
            head,
            had_findings: fields.u8()? == 1,
            joined: fields.u8()? == 1,
            account: fields.text()?,
        })))
    }
}

/// `第 2 行户 H001` / `household H001 (row 2)`; a household without an id by its row.
fn household_named(h: &Head, lang: Lang) -> String {
    let (id, row) = (&h.household_id, h.row);
    match (lang, id.is_empty()) {
        (Lang::Zh, false) => format!("第 {row} 行户 {id}"),
        (Lang::Zh, true) => format!("第 {row} 行那户"),
        (Lang::En, false) => format!("household {id} (row {row})"),
        (Lang::En, true) => format!("the household on row {row}"),
    }
}

impl Seen {
    pub(super) fn new() -> Result<Seen> {
        Ok(Seen {
            parts: (0..PARTS).map(|_| None).collect(),
            rows: spill::temp()?,
            record: Vec::with_capacity(128),
            held: Vec::new(),
        })
    }

    /// Whether a finding of this kind waits for the end of the roster (the duplicate kinds).
    pub(super) fn deferred(kind: Kind) -> bool {
        matches!(
            kind,
            Kind::DibaoAndTekun | Kind::DuplicatePerson | Kind::SharedBankAccount
        )
    }

    /// Writes the row's keys to the key files and the row's household to the spill file.
    /// `joined`: the row's persons include its members-file rows.
    pub(super) fn check(&mut self, a: &Audited, has_findings: bool, joined: bool) -> Result<()> {
        let status = (pack(0, a.head.status) & 7) as u8;
        let keys = a.persons.iter().enumerate().map(|(i, w)| (false, w.fp, i));
        let account = a
            .account
            .iter()
            .map(|(fp, _)| (true, *fp, usize::from(u8::MAX)));
        for (account, fp, pos) in keys.chain(account) {
            let part = (fp >> 58) as usize % PARTS;
            if self.parts[part].is_none() {
                let f = tempfile::tempfile().context("cannot create a temporary file")?;
                self.parts[part] = Some(BufWriter::with_capacity(1 << 13, f));
            }
            if let Some(w) = self.parts[part].as_mut() {
                Entry {
                    account,
                    fp,
                    row: a.head.row,
                    pos: u8::try_from(pos).unwrap_or(u8::MAX - 1),
                    status,
                }
                .write(w)?;
            }
        }
        RowRecord::write(&mut self.record, a, has_findings, joined);
        self.rows.write_all(&self.record)?;
        Ok(())
    }

    /// The keys of more than one row, each file of keys sorted alone, in the order the rows
    /// met them: by the row of the key's second household, then the key's place in that row.
    fn groups(parts: Vec<Option<BufWriter<std::fs::File>>>) -> Result<Vec<Group>> {
        let mut groups = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        for w in parts.into_iter().flatten() {
            let mut r = spill::reopen(w)?;
            entries.clear();
            let mut b = [0u8; Entry::LEN];
            loop {
                match r.read_exact(&mut b) {
                    Ok(()) => entries.push(Entry::read(&b)),
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e.into()),
                }
            }
            entries.sort_unstable();
            for same in entries.chunk_by(|a, b| (a.account, a.fp) == (b.account, b.fp)) {
                let first = same[0].row;
                let later: Vec<(u64, u8)> = same
                    .iter()
                    .filter(|e| e.row != first)
                    .map(|e| (e.row, e.pos))
                    .collect();
                if !later.is_empty() {
                    groups.push(Group {
                        account: same[0].account,
                        fp: same[0].fp,
                        first,
                        later,
                    });
                }
            }
        }
        groups.sort_by_key(|g| g.later[0]);
        Ok(groups)
    }

    /// The findings of the duplicate kinds, in rank order and row order within a kind: for
    /// every group, one finding per household in it naming every other household by id and
    /// row; and the findings held while streaming. Also returns how many households had no
    /// finding while streaming and have one now.
    pub(super) fn finish(self, ctx: &Config) -> Result<(Vec<Finding>, u64)> {
        let groups = Self::groups(self.parts)?;
        let wanted: HashSet<u64> = groups
            .iter()
            .flat_map(|g| std::iter::once(g.first).chain(g.later.iter().map(|(r, _)| *r)))
            .collect();
        let mut records: HashMap<u64, RowRecord> = HashMap::new();
        if !wanted.is_empty() {
            let mut r = spill::reopen(self.rows)?;
            let mut scratch = Vec::with_capacity(256);
            while let Some(rec) =
                RowRecord::read(&mut r, &mut scratch, |row| wanted.contains(&row))?
            {
                if let Some(rec) = rec {
                    records.insert(rec.head.row, rec);
                }
            }
        }
        let mut out: Vec<(usize, u64, usize, Finding)> = self
            .held
            .into_iter()
            .map(|f| (f.kind.rank(), f.head.row, 0, f))
            .collect();
        let newly = wanted
            .iter()
            .filter(|row| records.get(row).is_some_and(|r| !r.had_findings))
            .count() as u64;
        for (seq, g) in groups.into_iter().enumerate() {
            let record = |row: u64| {
                records
                    .get(&row)
                    .context("the temporary file of rows is damaged")
            };
            // The person as each later household knows them; the key, as the second one
            // (the row that met it again) has it.
            let mut later: Vec<(Head, Option<Who>)> = Vec::with_capacity(g.later.len());
            let mut key = None;
            for (row, _) in &g.later {
                let r = record(*row)?;
                let who = if g.account {
                    key.get_or_insert_with(|| r.account.clone());
                    None
                } else {
                    let who = ctx
                        .persons(&r.head, !r.joined, &mut Vec::new())
                        .into_iter()
                        .find(|w| w.fp == g.fp);
                    if let Some(w) = &who {
                        key.get_or_insert_with(|| w.key.clone());
                    }
                    who
                };
                later.push((r.head.clone(), who));
            }
            let key = key.unwrap_or_default();
            let first = record(g.first)?;
            let who = (!g.account).then(|| ctx.who_in(first, &key)).flatten();
            let mut all = vec![(first.head.clone(), who)];
            all.extend(later);
            for (i, (head, who)) in all.iter().enumerate() {
                let others: Vec<&Head> = all
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, (h, _))| h)
                    .collect();
                let (kind, evidence) = if g.account {
                    (Kind::SharedBankAccount, ctx.account_evidence(&key, &others))
                } else {
                    let pair = |s: Status| {
                        matches!(
                            (head.status, s),
                            (Status::Dibao, Status::Tekun) | (Status::Tekun, Status::Dibao)
                        )
                    };
                    let kind = if others.iter().any(|o| pair(o.status)) {
                        Kind::DibaoAndTekun
                    } else {
                        Kind::DuplicatePerson
                    };
                    (kind, ctx.person_evidence(&key, head, who.as_ref(), &others))
                };
                out.push((
                    kind.rank(),
                    head.row,
                    seq + 1,
                    Finding {
                        kind,
                        severity: kind.severity(),
                        head: head.clone(),
                        evidence,
                    },
                ));
            }
        }
        out.sort_by_key(|(rank, row, seq, _)| (*rank, *row, *seq));
        Ok((out.into_iter().map(|(_, _, _, f)| f).collect(), newly))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_as_written() {
        let e = Entry {
            account: true,
            fp: 0x0123_4567_89ab_cdef,
            row: 1 << 40,
            pos: 3,
            status: 2,
        };
        let mut b = Vec::new();
        e.write(&mut b).unwrap();
        assert_eq!(b.len(), Entry::LEN);
        assert_eq!(Entry::read(&b[..].try_into().unwrap()), e);
    }

    #[test]
    fn sorted_key_files_find_the_groups_a_map_would_in_the_order_rows_met_them() {
        // 100,000 keys over 60,000 rows, every seventh key seen again on a later row, some
        // fingerprints differing only in their last bit; persons and accounts kept apart.
        let mut parts: Vec<Option<BufWriter<std::fs::File>>> = (0..PARTS).map(|_| None).collect();
        let mut first: HashMap<(bool, u64), u64> = HashMap::new();
        // (account, fp) → (index of creation, first row, later rows)
        let mut expected: HashMap<(bool, u64), (usize, u64, Vec<u64>)> = HashMap::new();
        let mut created = 0;
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut fps: Vec<u64> = Vec::new();
        for row in 1..=60_000u64 {
            for pos in 0..2u8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let fp = match x % 7 {
                    0 if !fps.is_empty() => fps[(x >> 8) as usize % fps.len()],
                    1 if !fps.is_empty() => fps[fps.len() - 1] ^ 1,
                    _ => x,
                };
                fps.push(fp);
                let account = pos == 1;
                let key = (account, fp);
                let f = *first.entry(key).or_insert(row);
                if f != row {
                    let g = expected.entry(key).or_insert_with(|| {
                        created += 1;
                        (created, f, Vec::new())
                    });
                    if g.2.last() != Some(&row) {
                        g.2.push(row);
                    }
                }
                let part = (fp >> 58) as usize % PARTS;
                if parts[part].is_none() {
                    parts[part] = Some(BufWriter::new(tempfile::tempfile().unwrap()));
                }
                let e = Entry {
                    account,
                    fp,
                    row,
                    pos: if account { u8::MAX } else { pos },
                    status: 1,
                };
                e.write(parts[part].as_mut().unwrap()).unwrap();
            }
        }
        let groups = Seen::groups(parts).unwrap();
        assert_eq!(groups.len(), expected.len());
        assert!(groups.len() > 1000, "{}", groups.len());
        for (i, g) in groups.iter().enumerate() {
            let (order, first, later) = &expected[&(g.account, g.fp)];
            assert_eq!(*order, i + 1);
            assert_eq!(g.first, *first);
            let rows: Vec<u64> = g.later.iter().map(|(r, _)| *r).collect();
            assert_eq!(&rows, later);
        }
    }
}
