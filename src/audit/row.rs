//! One row audited: the rules' decision, the findings that need only the row, and the keys
//! (persons, account) the duplicate checks need.

use super::duplicates::RowRecord;
use super::findings::{Finding, Head, Kind, Severity, status_zh};
use super::ids::{ACCOUNT, PERSON, account_key, fingerprint, person_key};
use super::lists::ListHit;
use super::run::Config;
use crate::household::columns::Column;
use crate::household::{Household, Status, cells, idcard};
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::pipeline::Row;
use crate::rules::Decision;
use rust_decimal::Decimal;

/// The column of a members-file ID problem, as attached to its household.
const MEMBER_ID: &str = "members.id_number";

pub(super) type PaidCell<'a> = (&'a str, &'a str, Result<Option<Decimal>, cells::CellError>);

/// What a worker found for one row, with the keys the sequential duplicate checks need.
pub(super) struct Audited {
    pub(super) head: Head,
    pub(super) findings: Vec<Finding>,
    /// the head, then (with `--members`) every other person of the household, once each
    pub(super) persons: Vec<Who>,
    pub(super) account: Option<(u64, String)>,
    /// whether `persons` include the household's members-file rows (not for a row that
    /// repeats an earlier household id)
    pub(super) joined: bool,
}

/// A person of a household, as the duplicate and list checks know them.
#[derive(Clone)]
pub(super) struct Who {
    /// fingerprint of `key`
    pub(super) fp: u64,
    /// the normalised ID number ([`person_key`])
    pub(super) key: String,
    /// 姓名 (the roster's head_name for the head)
    pub(super) name: String,
    /// the roster's head (`head_id`), as opposed to another person of the members file
    pub(super) is_head: bool,
    /// the person's line in the members file, when they are in it
    pub(super) member_row: Option<u64>,
    /// counted in the household's `members` (the members file's `covered`; the head: yes)
    pub(super) covered: bool,
}

impl Config<'_> {
    pub(super) fn shown(&self, id: &str) -> String {
        if self.mask_ids {
            idcard::mask(id)
        } else {
            id.to_string()
        }
    }

    pub(super) fn money(&self, v: Option<Decimal>) -> String {
        v.map(fmt_money).unwrap_or_else(|| "?".into())
    }

    pub(super) fn work(&self, rows: &[Row]) -> Vec<Audited> {
        rows.iter().map(|r| self.audit_row(r)).collect()
    }

    pub(super) fn audit_row(&self, row: &Row) -> Audited {
        // decided exactly as `check` decides it
        let (h, ev) =
            crate::assess::evaluate_row(self.policy, self.params, self.parser, row, false);
        let head = Head {
            household_id: h.id.clone(),
            row: h.row,
            township: h.township.clone(),
            head_name: h.head_name.clone(),
            head_id: h.head_id.clone(),
            status: h.status,
            decision: ev.decision,
            monthly_total: ev.decision.is_decided().then(|| ev.monthly_total()),
        };
        let mut found: Vec<(Kind, Severity, String)> = Vec::new();
        let add = |found: &mut Vec<(Kind, Severity, String)>, kind: Kind, evidence: String| {
            found.push((kind, kind.severity(), evidence));
        };
        let amount = self.amount.as_ref().map(|(i, header)| {
            let raw = row.record.get(*i).unwrap_or("");
            (header.as_str(), raw, cells::parse_money(raw))
        });
        match ev.decision {
            Decision::Invalid => {
                let why: Vec<String> = if h.errors.is_empty() {
                    vec![format!("{}: {}", Column::Region.name(), h.region)]
                } else {
                    h.errors.iter().map(|e| e.describe(self.lang)).collect()
                };
                add(
                    &mut found,
                    Kind::InvalidRow,
                    why.join(self.lang.pick("；", "; ")),
                );
            }
            // undetermined for want of a policy table, not of a cell: the message says which
            Decision::Undetermined if ev.missing.is_empty() => add(
                &mut found,
                Kind::Undetermined,
                crate::rules::message(self.policy, &h, &ev, self.lang),
            ),
            Decision::Undetermined => {
                let missing: Vec<String> = ev
                    .missing
                    .iter()
                    .map(|c| match self.lang {
                        Lang::Zh => format!("{}（{}）", c.zh(), c.name()),
                        Lang::En => c.name().to_string(),
                    })
                    .collect();
                add(
                    &mut found,
                    Kind::Undetermined,
                    match self.lang {
                        Lang::Zh => format!("缺少 {}，无法认定", missing.join("、")),
                        Lang::En => format!("missing {}: cannot decide", missing.join(", ")),
                    },
                );
            }
            _ => {}
        }
        if ev.to_review(&h) {
            let paid = match &amount {
                Some((header, _, Ok(Some(v)))) => match self.lang {
                    Lang::Zh => format!("；花名册“{header}”为 {} 元", fmt_money(*v)),
                    Lang::En => format!("; the roster's \"{header}\" is {}", fmt_money(*v)),
                },
                _ => String::new(),
            };
            add(
                &mut found,
                Kind::ToReview,
                self.review_evidence(&ev) + &paid,
            );
        }
        if let Some((kind, evidence)) = self.discovery(&h, &ev) {
            add(&mut found, kind, evidence);
        }
        if let Some(finding) = self.amount_finding(&h, &ev, amount) {
            found.push(finding);
        }
        // A malformed ID of the head, or of a member (whose duplicates are their own finding).
        for w in &h.warnings {
            let (zh, en) = if w.column == Column::HeadId.name() {
                ("户主身份证号", "head_id")
            } else if w.column == MEMBER_ID && w.code != "duplicate_id_number" {
                ("成员身份证号", "member id_number")
            } else {
                continue;
            };
            let shown = self.shown(&w.value);
            add(
                &mut found,
                Kind::MalformedId,
                match self.lang {
                    Lang::Zh => format!("{zh}“{shown}”（{}）：{}", w.code, w.zh),
                    Lang::En => format!("{en} \"{shown}\" ({}): {}", w.code, w.en),
                },
            );
        }
        let persons = self.persons(&head, row.duplicate_of.is_some(), &mut found);
        if h.status != Status::None {
            for who in &persons {
                for hit in self.lists.entries.get(&who.fp).into_iter().flatten() {
                    add(
                        &mut found,
                        Kind::AgainstList,
                        self.list_evidence(&h, who, hit),
                    );
                }
            }
        }
        Audited {
            joined: row.duplicate_of.is_none(),
            findings: found
                .into_iter()
                .map(|(kind, severity, evidence)| Finding {
                    kind,
                    severity,
                    head: head.clone(),
                    evidence,
                })
                .collect(),
            head,
            persons,
            account: account_key(&h.bank_account).map(|k| (fingerprint(ACCOUNT, &k), k)),
        }
    }

    /// The persons of a household, each once: the head (by `head_id`), then with `--members`
    /// every person row of the household with an ID number. The head's own person row is the
    /// head; a second person row with an ID already seen in the household is a
    /// `duplicate_person` finding here (the same person listed twice in one household). A row
    /// that repeats an earlier household id (already `invalid_row`) brings no person rows:
    /// they are the earlier household's, and each would otherwise count as a duplicate.
    pub(super) fn persons(
        &self,
        h: &Head,
        repeated_id: bool,
        found: &mut Vec<(Kind, Severity, String)>,
    ) -> Vec<Who> {
        let mut persons: Vec<Who> = Vec::new();
        if let Some(key) = person_key(&h.head_id, self.today) {
            persons.push(Who {
                fp: fingerprint(PERSON, &key),
                key,
                name: h.head_name.clone(),
                is_head: true,
                member_row: None,
                covered: true,
            });
        }
        let rows = self
            .parser
            .members()
            .filter(|_| !repeated_id && !h.household_id.is_empty())
            .and_then(|j| j.members().household(&h.household_id))
            .unwrap_or(&[]);
        for p in rows {
            let Some(key) = person_key(&p.id_number, self.today) else {
                continue;
            };
            match persons.iter_mut().find(|w| w.key == key) {
                Some(w) if w.is_head && w.member_row.is_none() => {
                    w.member_row = Some(p.row);
                    w.covered = p.covered;
                    if w.name.is_empty() {
                        w.name.clone_from(&p.name);
                    }
                }
                Some(w) => {
                    let id = self.shown(&key);
                    let first = w.member_row.map(|r| r.to_string()).unwrap_or_default();
                    found.push((
                        Kind::DuplicatePerson,
                        Kind::DuplicatePerson.severity(),
                        match self.lang {
                            Lang::Zh => format!(
                                "身份证号 {id} 在本户成员名单中出现两次（第 {first} 行 {}、第 {} 行 {}）：同一人只能登记一次",
                                w.name, p.row, p.name
                            ),
                            Lang::En => format!(
                                "ID {id} is listed twice among this household's persons (members rows {first} {} and {} {}): a person is listed once",
                                w.name, p.row, p.name
                            ),
                        },
                    ));
                }
                None => persons.push(Who {
                    fp: fingerprint(PERSON, &key),
                    key,
                    name: p.name.clone(),
                    is_head: false,
                    member_row: Some(p.row),
                    covered: p.covered,
                }),
            }
        }
        persons
    }

    /// Who a person is, for evidence: `户主 张三（620102…，成员名单第 4 行）`.
    pub(super) fn who(&self, w: &Who) -> String {
        let id = self.shown(&w.key);
        let row = w.member_row.filter(|_| self.parser.members().is_some());
        match self.lang {
            Lang::Zh => format!(
                "{} {}（{id}{}{}）",
                if w.is_head { "户主" } else { "成员" },
                w.name,
                row.map(|r| format!("，成员名单第 {r} 行"))
                    .unwrap_or_default(),
                if w.covered { "" } else { "，非保障对象" },
            ),
            Lang::En => format!(
                "{} {} ({id}{}{})",
                if w.is_head { "head" } else { "member" },
                w.name,
                row.map(|r| format!(", members row {r}"))
                    .unwrap_or_default(),
                if w.covered { "" } else { ", not covered" },
            ),
        }
    }

    pub(super) fn list_evidence(&self, h: &Household, who: &Who, hit: &ListHit) -> String {
        let list = &self.lists.names[hit.list];
        let label = hit.label.as_deref().unwrap_or(list);
        let line = hit.line;
        let date = match (hit.date.as_deref().filter(|d| !d.is_empty()), self.lang) {
            (Some(d), Lang::Zh) => format!("，日期 {d}"),
            (Some(d), Lang::En) => format!(", date {d}"),
            (None, _) => String::new(),
        };
        let (zh, en) = (status_zh(h.status), h.status.name());
        if !who.is_head || self.parser.members().is_some() {
            let who = self.who(who);
            return match self.lang {
                Lang::Zh => {
                    format!("{who}，本户保障类别{zh}，出现在名单“{label}”（第 {line} 行{date}）")
                }
                Lang::En => format!(
                    "{who}, in a household enrolled as {en}, is in the list \"{label}\" (line {line}{date})"
                ),
            };
        }
        let (name, id) = (&h.head_name, self.shown(&who.key));
        match self.lang {
            Lang::Zh => format!(
                "户主 {name}（{id}，保障类别{zh}）出现在名单“{label}”（第 {line} 行{date}）"
            ),
            Lang::En => format!(
                "head {name} ({id}, enrolled as {en}) is in the list \"{label}\" (line {line}{date})"
            ),
        }
    }

    /// The person of key `key` as the household of a spilled row knows them: its head (by
    /// `head_id`) or, with `--members`, one of its person rows.
    pub(super) fn who_in(&self, r: &RowRecord, key: &str) -> Option<Who> {
        // only a members file makes the earlier household's person worth naming: without it,
        // the evidence names the other households only
        self.parser.members()?;
        let is_head = person_key(&r.head.head_id, self.today).as_deref() == Some(key);
        let p = self
            .parser
            .members()
            .filter(|_| !r.head.household_id.is_empty())
            .and_then(|j| j.members().household(&r.head.household_id))
            .unwrap_or(&[])
            .iter()
            .find(|p| person_key(&p.id_number, self.today).as_deref() == Some(key));
        if !is_head && p.is_none() {
            return None;
        }
        let name = match p {
            Some(p) if !is_head || r.head.head_name.is_empty() => p.name.clone(),
            _ => r.head.head_name.clone(),
        };
        Some(Who {
            fp: fingerprint(PERSON, key),
            key: key.to_string(),
            name,
            is_head,
            member_row: p.map(|p| p.row),
            covered: p.is_none_or(|p| p.covered),
        })
    }
}
