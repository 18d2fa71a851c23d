//! A whole schedule: its payees, lines and notices, and the holds that need more than one
//! household (the ledger, the bank account, a payee shared between households).

use super::household::HouseholdSchedule;
use super::item::{Line, LineStatus, Notice, NoticeKind, Payee};
use crate::lang::Lang;
use crate::ledger::Ledger;
use crate::month::Month;
use crate::policy::Policy;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A whole schedule.
#[derive(Debug, Default)]
pub struct Schedule {
    /// households with lines or notices, in roster order
    pub payees: Vec<Payee>,
    /// payment lines (paid and held), sorted by month, roster row and item
    pub lines: Vec<Line>,
    /// households reported separately
    pub notices: Vec<Notice>,
    /// lines left out because the ledger already has them
    pub already_paid: u64,
}

impl Schedule {
    /// Adds one household's schedule (in roster order).
    pub fn push(&mut self, hs: HouseholdSchedule) {
        if hs.lines.is_empty() && hs.notices.is_empty() {
            return;
        }
        let i = self.payees.len();
        self.payees.push(hs.payee);
        self.lines.extend(hs.lines.into_iter().map(|mut l| {
            l.payee = i;
            l
        }));
        self.notices.extend(hs.notices.into_iter().map(|mut n| {
            n.payee = i;
            n
        }));
    }

    /// Leaves out the lines the ledger already has (by id, by household, month and item, or
    /// for a one-off or temporary item by household and item whatever the month).
    pub fn skip_paid(&mut self, ledger: &Ledger, policy: &Policy) {
        let before = self.lines.len();
        let payees = &self.payees;
        self.lines.retain(|l| {
            !ledger.is_paid(
                &l.payment_id,
                &payees[l.payee].id,
                l.pay_month,
                &l.item.name(policy),
            )
        });
        self.already_paid += (before - self.lines.len()) as u64;
    }

    /// Holds the lines of households without a bank account (when a bank file is written).
    pub fn hold_without_account(&mut self, lang: Lang) {
        let mut held: BTreeMap<usize, Vec<Month>> = BTreeMap::new();
        for l in &mut self.lines {
            if l.status == LineStatus::Pay && self.payees[l.payee].bank_account.trim().is_empty() {
                l.status = LineStatus::Held("no_bank_account");
                l.reason = format!(
                    "{}{}",
                    lang.pick(
                        "无银行账号，未列入代发文件，暂缓发放。",
                        "no bank account: not in the bank file, held. "
                    ),
                    l.reason
                );
                held.entry(l.payee).or_default().push(l.pay_month);
            }
        }
        for (payee, mut months) in held {
            months.sort();
            months.dedup();
            self.notices.push(Notice {
                payee,
                kind: NoticeKind::NoBankAccount,
                months,
                detail: lang
                    .pick("请补充银行账号（bank_account）", "fill in bank_account")
                    .into(),
            });
        }
    }

    /// Holds the lines of households that share a head ID or a bank account with another
    /// household paid in this run: one person or one account paid twice is the mark of a
    /// duplicated row (an id retyped with a zero-width space or in another case) or of a
    /// false claim, and a person must decide which household, if either, is paid. Head IDs
    /// are compared with a trailing `x` as `X`, accounts with spaces removed. Each value is
    /// kept as an 8-byte fingerprint mapped to the first household that has it.
    pub fn hold_shared_payees(&mut self, lang: Lang) {
        let mut paying = vec![false; self.payees.len()];
        for l in self.paid() {
            paying[l.payee] = true;
        }
        // fingerprint -> first household with it
        let mut first: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        // household -> (other household, what they share)
        let mut shared: BTreeMap<usize, Vec<(usize, SharedWhat)>> = BTreeMap::new();
        for (i, p) in self.payees.iter().enumerate() {
            if !paying[i] {
                continue;
            }
            let id = p.head_id.trim();
            let account: String = p
                .bank_account
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let keys = [
                (!id.is_empty()).then(|| (SharedWhat::HeadId, fingerprint(b'i', &head_id_key(id)))),
                (!account.is_empty())
                    .then(|| (SharedWhat::BankAccount, fingerprint(b'a', &account))),
            ];
            for (what, fp) in keys.into_iter().flatten() {
                match first.entry(fp) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(i);
                    }
                    std::collections::hash_map::Entry::Occupied(o) => {
                        let j = *o.get();
                        shared.entry(i).or_default().push((j, what));
                        shared.entry(j).or_default().push((i, what));
                    }
                }
            }
        }
        if shared.is_empty() {
            return;
        }
        let mut reasons: BTreeMap<usize, String> = BTreeMap::new();
        for (i, others) in &shared {
            let mut parts: Vec<String> = Vec::new();
            for (j, what) in others {
                let (me, other) = (&self.payees[*i].id, &self.payees[*j].id);
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
        let mut months: BTreeMap<usize, Vec<Month>> = BTreeMap::new();
        for l in &mut self.lines {
            if l.status != LineStatus::Pay {
                continue;
            }
            if let Some(why) = reasons.get(&l.payee) {
                l.status = LineStatus::Held("shared_payee");
                l.reason = format!("{why}{}{}", lang.pick("。", ". "), l.reason);
                months.entry(l.payee).or_default().push(l.pay_month);
            }
        }
        for (payee, mut m) in months {
            m.sort();
            m.dedup();
            self.notices.push(Notice {
                payee,
                kind: NoticeKind::SharedPayee,
                months: m,
                detail: reasons[&payee].clone(),
            });
        }
    }

    /// Sorts lines by month, roster order and item.
    pub fn sort(&mut self) {
        self.lines.sort_by_key(|l| (l.pay_month, l.payee, l.item));
        self.notices.sort_by_key(|n| (n.payee, n.kind));
    }

    /// The paid lines.
    pub fn paid(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.status == LineStatus::Pay)
    }

    /// The part of the schedule of one township.
    pub fn township(&self, name: &str) -> Schedule {
        let keep: Vec<bool> = self.payees.iter().map(|p| p.township == name).collect();
        let mut map = vec![usize::MAX; self.payees.len()];
        let mut payees = Vec::new();
        for (i, p) in self.payees.iter().enumerate() {
            if keep[i] {
                map[i] = payees.len();
                payees.push(p.clone());
            }
        }
        let remap = |i: usize| map[i];
        Schedule {
            payees,
            lines: self
                .lines
                .iter()
                .filter(|l| keep[l.payee])
                .map(|l| Line {
                    payee: remap(l.payee),
                    ..l.clone()
                })
                .collect(),
            notices: self
                .notices
                .iter()
                .filter(|n| keep[n.payee])
                .map(|n| Notice {
                    payee: remap(n.payee),
                    ..n.clone()
                })
                .collect(),
            already_paid: 0,
        }
    }
}

/// What two households share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SharedWhat {
    HeadId,
    BankAccount,
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
