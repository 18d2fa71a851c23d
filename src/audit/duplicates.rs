//! Duplicates across households: the same person (head, or with a members file any person)
//! in two households, 低保 in one and 特困 in another, and one bank account paid for two.
//!
//! What is kept per household is one entry per key in two tables ([`FirstSeen`]; the head's ID
//! number, the bank account), each an 8-byte fingerprint and a 4-byte row-and-status word
//! kept sorted in short buckets. Every row's household is spilled to a temporary file in row
//! order, the duplicate groups (few) are held, and at the end the file is read once for the
//! groups' first rows.

use super::findings::{Finding, Head, Kind, status_zh};
use super::ids::{pack, unpack};
use super::row::{Audited, Who};
use super::run::Config;
use super::spill;
use crate::household::Status;
use crate::lang::Lang;
use crate::rules::Decision;
use anyhow::Result;
use std::collections::HashMap;
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

/// The keys seen so far (fingerprints), each with the packed word of the row it was first
/// seen on, in 12 bytes: the fingerprint's halves and the word, with no hash-table slack.
///
/// Entries are kept sorted in buckets by the fingerprint's leading bits (fingerprints are
/// uniform, so the buckets fill evenly); a bucket grows by an eighth at a time, and when they
/// average [`Self::SPLIT_AT`] entries every bucket is cut in two on the next bit. A lookup is
/// a binary search in one short bucket, an insert moves a few hundred bytes. About 13.5 bytes
/// a key, where a hash map of the same 12-byte entries takes 15 to 30 plus the old table
/// while it grows.
struct FirstSeen {
    /// `1 << bits` buckets, each sorted by fingerprint
    buckets: Vec<Vec<[u32; 3]>>,
    bits: u32,
    len: usize,
}

impl Default for FirstSeen {
    fn default() -> FirstSeen {
        FirstSeen {
            buckets: vec![Vec::new(); 1 << Self::MIN_BITS],
            bits: Self::MIN_BITS,
            len: 0,
        }
    }
}

impl FirstSeen {
    const MIN_BITS: u32 = 6;
    /// At most 2^24 buckets: beyond that buckets just grow longer.
    const MAX_BITS: u32 = 24;
    /// The average bucket length at which the buckets double.
    const SPLIT_AT: usize = 64;

    /// The word recorded for `fp`; when `fp` is new, records `word` and returns it (as
    /// `*map.entry(fp).or_insert(word)` would).
    fn first_or_insert(&mut self, fp: u64, word: u32) -> u32 {
        // Splitting a u64 into its halves: the casts keep exactly the bits asked for.
        let key = [(fp >> 32) as u32, fp as u32];
        let bucket = &mut self.buckets[Self::bucket(key[0], self.bits)];
        match bucket.binary_search_by(|e| [e[0], e[1]].cmp(&key)) {
            Ok(at) => bucket[at][2],
            Err(at) => {
                if bucket.len() == bucket.capacity() {
                    bucket.reserve_exact((bucket.len() / 8).max(4));
                }
                bucket.insert(at, [key[0], key[1], word]);
                self.len += 1;
                if self.len > Self::SPLIT_AT << self.bits && self.bits < Self::MAX_BITS {
                    self.split();
                }
                word
            }
        }
    }

    /// The bucket of a fingerprint whose upper half is `hi`: its leading `bits` bits.
    fn bucket(hi: u32, bits: u32) -> usize {
        (hi >> (32 - bits)) as usize
    }

    /// Doubles the buckets: each is cut where the next bit of its (sorted) fingerprints turns 1.
    fn split(&mut self) {
        let bits = self.bits + 1;
        let old = std::mem::take(&mut self.buckets);
        let mut buckets = Vec::with_capacity(old.len() * 2);
        for mut lower in old {
            let at = lower.partition_point(|e| Self::bucket(e[0], bits) & 1 == 0);
            let upper = lower.split_off(at);
            lower.shrink_to_fit();
            buckets.push(lower);
            buckets.push(upper);
        }
        self.buckets = buckets;
        self.bits = bits;
    }
}

/// The per-roster state of the duplicate checks: one packed word per key seen, every row's
/// household spilled to a temporary file (read once at the end), and the duplicate groups
/// found, which are few: proportional to the duplicates, not to the households.
pub(super) struct Seen {
    persons: FirstSeen,
    accounts: FirstSeen,
    /// every row's household, in row order (see [`RowRecord`])
    rows: BufWriter<std::fs::File>,
    record: Vec<u8>,
    /// (account?, fingerprint) → index in `groups`
    index: HashMap<(bool, u64), usize>,
    groups: Vec<Group>,
    /// findings of the duplicate kinds met while streaming (a person listed twice in one
    /// household), held so that their kinds come out in row order with the groups' findings
    pub(super) held: Vec<Finding>,
}

/// The households that share one key (a person's ID number or a bank account).
struct Group {
    account: bool,
    /// the normalised key (ID number or account)
    key: String,
    /// the row the key was first seen on, and its enrolment
    first: (u64, Status),
    /// the later households, in row order, with the person as each knows them
    later: Vec<(Head, Option<Who>)>,
}

/// The fields of a row's household kept in the spill file, to write the findings of the
/// earlier household of a duplicate at the end.
pub(super) struct RowRecord {
    pub(super) head: Head,
    /// whether the row had a finding while streaming
    had_findings: bool,
}

impl RowRecord {
    fn write(out: &mut Vec<u8>, a: &Audited, had_findings: bool) {
        spill::begin(out);
        spill::put_head(out, &a.head);
        out.push(u8::from(had_findings));
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
            persons: FirstSeen::default(),
            accounts: FirstSeen::default(),
            rows: spill::temp()?,
            record: Vec::with_capacity(128),
            index: HashMap::new(),
            groups: Vec::new(),
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

    /// Records the row's keys (a key seen before puts the row into that key's group) and
    /// the row's household in the spill file; returns whether the row is in a group.
    pub(super) fn check(&mut self, a: &Audited, has_findings: bool) -> Result<bool> {
        let word = pack(a.head.row, a.head.status);
        let mut dup = false;
        let mut hits: Vec<(bool, u64, u32, String, Option<Who>)> = Vec::new();
        for who in &a.persons {
            let first = self.persons.first_or_insert(who.fp, word);
            if first != word {
                hits.push((false, who.fp, first, who.key.clone(), Some(who.clone())));
            }
        }
        if let Some((fp, key)) = &a.account {
            let first = self.accounts.first_or_insert(*fp, word);
            if first != word {
                hits.push((true, *fp, first, key.clone(), None));
            }
        }
        for (account, fp, first, key, who) in hits {
            dup = true;
            let (line, status) = unpack(first);
            let at = *self.index.entry((account, fp)).or_insert_with(|| {
                self.groups.push(Group {
                    account,
                    key,
                    first: (line, status),
                    later: Vec::new(),
                });
                self.groups.len() - 1
            });
            self.groups[at].later.push((a.head.clone(), who));
        }
        RowRecord::write(&mut self.record, a, has_findings || dup);
        self.rows.write_all(&self.record)?;
        Ok(dup)
    }

    /// The findings of the duplicate kinds, in rank order and row order within a kind: for
    /// every group, one finding per household in it naming every other household by id and
    /// row; and the findings held while streaming. Also returns how many households had no
    /// finding while streaming and have one now (the groups' first rows).
    pub(super) fn finish(self, ctx: &Config) -> Result<(Vec<Finding>, u64)> {
        let wanted: std::collections::HashSet<u64> =
            self.groups.iter().map(|g| g.first.0).collect();
        let mut firsts: HashMap<u64, RowRecord> = HashMap::new();
        if !wanted.is_empty() {
            let mut r = spill::reopen(self.rows)?;
            let mut scratch = Vec::with_capacity(256);
            while let Some(rec) =
                RowRecord::read(&mut r, &mut scratch, |row| wanted.contains(&row))?
            {
                if let Some(rec) = rec {
                    firsts.insert(rec.head.row, rec);
                }
            }
        }
        let mut out: Vec<(usize, u64, usize, Finding)> = self
            .held
            .into_iter()
            .map(|f| (f.kind.rank(), f.head.row, 0, f))
            .collect();
        let mut newly = std::collections::HashSet::new();
        for (seq, g) in self.groups.into_iter().enumerate() {
            // The first row is always in the spill file; were it not (a line number beyond
            // what the packed word holds), the later households still get their findings,
            // naming the first one by its row.
            let (mut all, skip) = match firsts.get(&g.first.0) {
                Some(first) => {
                    if !first.had_findings {
                        newly.insert(first.head.row);
                    }
                    let who = (!g.account).then(|| ctx.who_in(first, &g.key)).flatten();
                    (vec![(first.head.clone(), who)], None)
                }
                None => {
                    let head = Head {
                        household_id: String::new(),
                        row: g.first.0,
                        township: String::new(),
                        head_name: String::new(),
                        head_id: String::new(),
                        status: g.first.1,
                        decision: Decision::Undetermined,
                        monthly_total: None,
                    };
                    (vec![(head, None)], Some(0))
                }
            };
            all.extend(g.later);
            for (i, (head, who)) in all.iter().enumerate() {
                if skip == Some(i) {
                    continue;
                }
                let others: Vec<&Head> = all
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, (h, _))| h)
                    .collect();
                let (kind, evidence) = if g.account {
                    (
                        Kind::SharedBankAccount,
                        ctx.account_evidence(&g.key, &others),
                    )
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
                    (
                        kind,
                        ctx.person_evidence(&g.key, head, who.as_ref(), &others),
                    )
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
        Ok((
            out.into_iter().map(|(_, _, _, f)| f).collect(),
            newly.len() as u64,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_seen_answers_as_a_map_would_across_splits() {
        // 200,000 keys (many buckets split on the way), every tenth seen again later, and
        // fingerprints that differ only in the last bit or share the upper half.
        let mut seen = FirstSeen::default();
        let mut map: HashMap<u64, u32> = HashMap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut keys = Vec::new();
        for i in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let fp = match i % 1000 {
                1 => keys[keys.len() - 1] ^ 1,
                2 => (keys[keys.len() - 1] & !0xffff_ffff) | u64::from(i),
                _ if i % 10 == 3 => keys[(x % keys.len() as u64) as usize],
                _ => x,
            };
            keys.push(fp);
            let word = i + 1;
            assert_eq!(
                seen.first_or_insert(fp, word),
                *map.entry(fp).or_insert(word),
                "key {i}"
            );
        }
        assert_eq!(seen.len, map.len());
        assert!(seen.bits > FirstSeen::MIN_BITS);
        for b in &seen.buckets {
            assert!(
                b.windows(2)
                    .all(|w| [w[0][0], w[0][1]] < [w[1][0], w[1][1]])
            );
        }
        for (&fp, &word) in &map {
            assert_eq!(seen.first_or_insert(fp, 0), word);
        }
        assert_eq!(seen.len, map.len());
    }

    #[test]
    fn first_seen_takes_about_13_bytes_a_key() {
        let mut seen = FirstSeen::default();
        let mut x: u64 = 1;
        for i in 0..500_000u32 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seen.first_or_insert(x ^ (x >> 29), i);
        }
        let bytes: usize = seen.buckets.len() * std::mem::size_of::<Vec<[u32; 3]>>()
            + seen
                .buckets
                .iter()
                .map(|b| b.capacity() * 12)
                .sum::<usize>();
        // at most 14.5 bytes a key (the entry is 12)
        assert!(
            bytes * 2 < seen.len * 29,
            "{bytes} bytes for {} keys",
            seen.len
        );
    }
}
