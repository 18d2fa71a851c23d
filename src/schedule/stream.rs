//! The roster streamed through [`schedule_household`] into a schedule kept on disk: households
//! are scheduled on every core in batches, and each batch, in roster order, has the lines the
//! ledger already has left out, its holds applied and its lines and notices spooled by month.
//! What is kept in memory is bounded by the townships and by two 16-byte entries per paying
//! household (its head ID's and bank account's fingerprints), never by the lines.

use super::config::Config;
use super::household::{HouseholdSchedule, schedule_household};
use super::item::{LineStatus, Notice, NoticeKind, Payee};
use super::spool::{self, Spool, Spooled, SpooledNotice};
use crate::household::columns::Column;
use crate::household::reader::RecordSource;
use crate::household::{Household, RowParser};
use crate::lang::Lang;
use crate::ledger::Ledger;
use crate::month::Month;
use crate::pipeline::{self, Row};

/// Households per batch handed to the workers.
const BATCH: usize = 4 * 1024;
use anyhow::Result;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;

/// The holds a run asks for beside the rules'.
#[derive(Debug, Clone, Copy, Default)]
pub struct Holds {
    /// a bank file is written: a household without an account is held
    pub without_account: bool,
}

/// A whole schedule, spooled: read its lines month by month and its notices as often as the
/// outputs need. Lines come in roster order within a month and item order within a household;
/// notices in roster order and kind order within a household.
pub struct Streamed {
    spool: Spool,
    lang: Lang,
    /// why each household sharing a payee with another is held, by roster place
    shared: HashMap<u64, String>,
    /// the shared-payee notices, by roster place
    shared_notices: BTreeMap<u64, (Payee, Notice)>,
    /// the townships of the households with lines or notices, sorted
    pub townships: Vec<String>,
    /// lines left out because the ledger already has them
    pub already_paid: u64,
    /// the sum of those lines
    pub already_paid_amount: Decimal,
}

impl Streamed {
    /// The months of the range.
    pub fn months(&self) -> &[Month] {
        self.spool.months()
    }

    /// The lines of month `i` of the range (paid and held).
    pub fn lines(&self, i: usize) -> io::Result<impl Iterator<Item = io::Result<Spooled>> + '_> {
        let lang = self.lang;
        Ok(self.spool.lines(i)?.map(move |r| {
            r.map(|mut s| {
                if s.line.status == LineStatus::Pay
                    && let Some(why) = self.shared.get(&s.seq)
                {
                    s.line.status = LineStatus::Held("shared_payee");
                    s.line.reason = format!("{why}{}{}", lang.pick("。", ". "), s.line.reason);
                }
                s
            })
        }))
    }

    /// Lines of month `i` of the range.
    pub fn line_count(&self, i: usize) -> u64 {
        self.spool.count(i)
    }

    /// The households reported separately.
    pub fn notices(&self) -> io::Result<impl Iterator<Item = io::Result<SpooledNotice>> + '_> {
        Ok(spool::merge_shared(
            self.spool.notices()?,
            &self.shared_notices,
        ))
    }
}

/// The whole schedule of a roster: every household scheduled (on every core), the lines the
/// ledger already has left out, the holds applied. `parse` reads one row as `check` does (a
/// repeated household id is an error).
pub fn build(
    cfg: &Config,
    source: &mut dyn RecordSource,
    parser: &RowParser,
    parse: &(dyn Fn(&Row) -> Household + Sync),
    ledger: Option<&Ledger>,
    holds: Holds,
) -> Result<Streamed> {
    let id_field = parser.header_map().get(Column::HouseholdId);
    let months: Vec<Month> = cfg.months.iter().map(|p| p.month).collect();
    let mut spool = Spool::new(months)?;
    let mut townships: BTreeSet<String> = BTreeSet::new();
    let mut already_paid = 0u64;
    let mut already_paid_amount = Decimal::ZERO;
    let mut keys: Vec<Key> = Vec::new();
    let mut seq = 0u64;
    // A household's year of lines is far larger than a checked row: smaller batches keep
    // fewer of them in flight.
    pipeline::stream_batched(
        source,
        id_field,
        BATCH,
        |rows: &[Row]| {
            rows.iter()
                .map(|row| schedule_household(cfg, &parse(row)))
                .collect::<Vec<_>>()
        },
        |chunk| {
            for mut hs in chunk {
                let s = seq;
                seq += 1;
                if hs.lines.is_empty() && hs.notices.is_empty() {
                    continue;
                }
                if !townships.contains(&hs.payee.township) {
                    townships.insert(hs.payee.township.clone());
                }
                if let Some(l) = ledger {
                    let id = &hs.payee.id;
                    let mut overflow = false;
                    hs.lines.retain(|l2| {
                        let paid =
                            l.is_paid(&l2.payment_id, id, l2.pay_month, &l2.item.name(cfg.policy));
                        if paid {
                            already_paid += 1;
                            overflow |=
                                crate::money::add_to(&mut already_paid_amount, l2.amount).is_err();
                        }
                        !paid
                    });
                    if overflow {
                        return Err(super::totals::too_large());
                    }
                }
                if holds.without_account {
                    hold_without_account(&mut hs, cfg.lang);
                }
                hs.lines.sort_by_key(|l| (l.pay_month, l.item));
                hs.notices.sort_by_key(|n| n.kind);
                if hs.lines.iter().any(|l| l.status == LineStatus::Pay) {
                    push_keys(&mut keys, s, &hs.payee);
                }
                for l in &hs.lines {
                    spool.push_line(s, &hs.payee, l)?;
                }
                for n in &hs.notices {
                    spool.push_notice(s, &hs.payee, n)?;
                }
            }
            Ok(())
        },
    )?;
    spool.finish()?;
    let mut streamed = Streamed {
        spool,
        lang: cfg.lang,
        shared: HashMap::new(),
        shared_notices: BTreeMap::new(),
        townships: townships.into_iter().collect(),
        already_paid,
        already_paid_amount,
    };
    hold_shared_payees(&mut streamed, keys)?;
    Ok(streamed)
}

/// Holds the lines of a household without a bank account (when a bank file is written).
fn hold_without_account(hs: &mut HouseholdSchedule, lang: Lang) {
    if !hs.payee.bank_account.trim().is_empty() {
        return;
    }
    let mut months = Vec::new();
    for l in &mut hs.lines {
        if l.status == LineStatus::Pay {
            l.status = LineStatus::Held("no_bank_account");
            l.reason = format!(
                "{}{}",
                lang.pick(
                    "无银行账号，未列入代发文件，暂缓发放。",
                    "no bank account: not in the bank file, held. "
                ),
                l.reason
            );
            months.push(l.pay_month);
        }
    }
    if months.is_empty() {
        return;
    }
    months.sort();
    months.dedup();
    hs.notices.push(Notice {
        payee: 0,
        kind: NoticeKind::NoBankAccount,
        months,
        detail: lang
            .pick("请补充银行账号（bank_account）", "fill in bank_account")
            .into(),
    });
}

/// What two households share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SharedWhat {
    HeadId,
    BankAccount,
}

/// A paying household's head ID or bank account, as an 8-byte fingerprint, and the household's
/// place in the roster with what the value is in its top bit: 16 bytes.
type Key = (u64, u64);

const BANK_ACCOUNT_BIT: u64 = 1 << 63;

fn key(fp: u64, seq: u64, what: SharedWhat) -> Key {
    match what {
        SharedWhat::HeadId => (fp, seq),
        SharedWhat::BankAccount => (fp, seq | BANK_ACCOUNT_BIT),
    }
}

fn unkey(k: Key) -> (u64, SharedWhat) {
    if k.1 & BANK_ACCOUNT_BIT == 0 {
        (k.1, SharedWhat::HeadId)
    } else {
        (k.1 & !BANK_ACCOUNT_BIT, SharedWhat::BankAccount)
    }
}

fn push_keys(keys: &mut Vec<Key>, seq: u64, p: &Payee) {
    let id = p.head_id.trim();
    let account: String = p
        .bank_account
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !id.is_empty() {
        keys.push(key(
            fingerprint(b'i', &head_id_key(id)),
            seq,
            SharedWhat::HeadId,
        ));
    }
    if !account.is_empty() {
        keys.push(key(
            fingerprint(b'a', &account),
            seq,
            SharedWhat::BankAccount,
        ));
    }
}

/// Holds the lines of households that share a head ID or a bank account with another
/// household paid in this run: one person or one account paid twice is the mark of a
/// duplicated row (an id retyped with a zero-width space or in another case) or of a false
/// claim, and a person must decide which household, if either, is paid. Head IDs are compared
/// with a trailing `x` as `X`, accounts with spaces removed, each as an 8-byte fingerprint;
/// a household is linked to the first household (in roster order) with the same value.
fn hold_shared_payees(s: &mut Streamed, mut keys: Vec<Key>) -> Result<()> {
    keys.sort_unstable();
    // (household, what, first household with it): in the order a roster-order pass finds them
    let mut events: Vec<(u64, SharedWhat, u64)> = Vec::new();
    for group in keys.chunk_by(|a, b| a.0 == b.0) {
        // one fingerprint is of one kind of value, so the households sort in roster order
        let (first, _) = unkey(group[0]);
        for k in &group[1..] {
            let (seq, what) = unkey(*k);
            events.push((seq, what, first));
        }
    }
    drop(keys);
    if events.is_empty() {
        return Ok(());
    }
    events.sort_unstable();
    let mut shared: BTreeMap<u64, Vec<(u64, SharedWhat)>> = BTreeMap::new();
    for (i, what, j) in &events {
        shared.entry(*i).or_default().push((*j, *what));
        shared.entry(*j).or_default().push((*i, *what));
    }
    // The households concerned, read back from their lines.
    let mut payees: HashMap<u64, Payee> = HashMap::new();
    for i in 0..s.months().len() {
        if payees.len() == shared.len() {
            break;
        }
        for l in s.spool.lines(i)? {
            let l = l?;
            if shared.contains_key(&l.seq) && !payees.contains_key(&l.seq) {
                payees.insert(l.seq, l.payee);
            }
        }
    }
    let lang = s.lang;
    let mut reasons: BTreeMap<u64, String> = BTreeMap::new();
    for (i, others) in &shared {
        let mut parts: Vec<String> = Vec::new();
        for (j, what) in others {
            let (me, other) = (&payees[i].id, &payees[j].id);
            let part = match (lang, what) {
                (Lang::Zh, SharedWhat::HeadId) => {
                    format!("户 {me} 与户 {other} 的户主身份证号相同")
                }
                (Lang::Zh, SharedWhat::BankAccount) => {
                    format!("户 {me} 与户 {other} 的银行账号相同")
                }
                (Lang::En, SharedWhat::HeadId) => {
                    format!("households {me} and {other} have the same head_id")
                }
                (Lang::En, SharedWhat::BankAccount) => {
                    format!("households {me} and {other} have the same bank account")
                }
            };
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        reasons.insert(
            *i,
            format!(
                "{}{}",
                parts.join(lang.pick("；", "; ")),
                lang.pick(
                    "：同一人或同一账号不能在一次发放中领取两户的款项，两户均暂缓发放，请核实后处理",
                    ": one person or account is not paid for two households in one run; both are held until checked"
                )
            ),
        );
    }
    // The months each household has a paid line in: those the notice names.
    let mut months: BTreeMap<u64, Vec<Month>> = BTreeMap::new();
    for i in 0..s.months().len() {
        for l in s.spool.lines(i)? {
            let l = l?;
            if l.line.status == LineStatus::Pay && reasons.contains_key(&l.seq) {
                months.entry(l.seq).or_default().push(l.line.pay_month);
            }
        }
    }
    for (seq, mut m) in months {
        m.sort();
        m.dedup();
        let payee = payees[&seq].clone();
        s.shared_notices.insert(
            seq,
            (
                payee,
                Notice {
                    payee: 0,
                    kind: NoticeKind::SharedPayee,
                    months: m,
                    detail: reasons[&seq].clone(),
                },
            ),
        );
    }
    s.shared = reasons.into_iter().collect();
    Ok(())
}

/// A head ID as compared: upper case, so a trailing `x` is the check digit `X`.
fn head_id_key(id: &str) -> String {
    id.to_uppercase()
}

/// An 8-byte fingerprint of a value of one kind (`tag`): equal values give equal
/// fingerprints on every run.
fn fingerprint(tag: u8, value: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update([tag])
        .chain_update(value.as_bytes())
        .finalize();
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(eight)
}
