//! How `subsidy` writes what [`crate::grants`] found for a roster: one row per household and
//! pay month (csv, json), the household table (one line per household, a column per pay
//! month), the totals per pay month and group, and the summary on stderr.

use crate::grants::HouseholdMonths;
use crate::household::Household;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::output::{self, Format, text_cell};
use crate::policy::Policy;
use crate::rules::price_subsidy::{HouseholdState, HouseholdSubsidy, group_zh};
use rust_decimal::Decimal;

/// Columns of the household rows (csv/json), one row per household and pay month, before the
/// roster's carried columns.
pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "pay_month",
    "persons",
    "amount",
    "index_month",
    "area",
    "residence",
    "outcome",
    "group",
    "per_person",
    "groups",
    "status",
    "reasons",
    "row",
];

/// Columns of the household table before the pay months: household, head, head ID (masked),
/// area, residence, persons, groups.
pub const TABLE_LEAD: usize = 7;

/// How the household rows are written.
pub struct Rows<'a> {
    pub policy: &'a Policy,
    pub format: Format,
    pub lang: Lang,
    /// the roster's carried columns, as headed in the file
    pub extra_headers: Vec<String>,
}

/// One chunk of household rows: the bytes (csv, json) or the table's lines.
pub struct Chunk {
    pub bytes: Vec<u8>,
    /// table: one line per household, one cell per pay month
    pub pivot: Vec<Vec<String>>,
}

impl Rows<'_> {
    fn fields(&self, h: &Household, s: &HouseholdSubsidy) -> Vec<(&'static str, String)> {
        let reasons = match s.state {
            HouseholdState::Invalid => h
                .errors
                .iter()
                .map(|e| format!("{}:{}", e.code, e.column))
                .collect::<Vec<_>>()
                .join(";"),
            HouseholdState::Undetermined => s
                .missing
                .iter()
                .map(|c| format!("missing:{}", c.name()))
                .collect::<Vec<_>>()
                .join(";"),
            _ => String::new(),
        };
        let paid = s.state == HouseholdState::Paid;
        vec![
            ("household_id", h.id.clone()),
            ("township", h.township.clone()),
            ("head_name", h.head_name.clone()),
            ("head_id", h.head_id.clone()),
            ("pay_month", s.pay_month.to_string()),
            (
                "persons",
                s.persons
                    .or(h.members)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
            (
                "amount",
                if s.state.is_decided() {
                    fmt_money(s.amount)
                } else {
                    String::new()
                },
            ),
            ("index_month", s.index_month.to_string()),
            (
                "area",
                h.area
                    .and_then(|a| self.policy.area_key(a))
                    .unwrap_or("")
                    .to_string(),
            ),
            (
                "residence",
                h.residence.map(|r| r.name()).unwrap_or("").to_string(),
            ),
            ("outcome", s.state.name().to_string()),
            // Persons paid at different groups (a members file): every paying group, highest
            // first, and no single per-person amount (the amount is the sum of the shares).
            (
                "group",
                if s.shares.len() > 1 {
                    let mut g: Vec<&str> = s.shares.iter().map(|x| x.group).collect();
                    g.dedup();
                    g.join(";")
                } else {
                    s.group.unwrap_or("").to_string()
                },
            ),
            (
                "per_person",
                if paid && s.shares.len() <= 1 {
                    fmt_money(s.per_person)
                } else {
                    String::new()
                },
            ),
            ("groups", s.groups.join(";")),
            ("status", h.status.name().to_string()),
            ("reasons", reasons),
            ("row", h.row.to_string()),
        ]
    }

    /// The rows of a chunk of households.
    pub fn chunk(&self, households: &[HouseholdMonths]) -> Chunk {
        let months = households.first().map_or(0, |h| h.months.len());
        let mut out = Chunk {
            bytes: Vec::with_capacity(households.len() * months * 120),
            pivot: Vec::new(),
        };
        let mut csv = (self.format == Format::Csv).then(|| output::csv_writer(Vec::new()));
        for hm in households {
            let h = &hm.household;
            if self.format == Format::Table {
                out.pivot.push(self.table_line(hm));
                continue;
            }
            for s in &hm.months {
                let fields = self.fields(h, s);
                if let Some(w) = csv.as_mut() {
                    let _ = w.write_record(
                        fields
                            .iter()
                            .map(|(_, v)| text_cell(v).into_owned())
                            .chain(h.extra.iter().map(|v| text_cell(v).into_owned())),
                    );
                } else if self.format == Format::Json {
                    if !out.bytes.is_empty() {
                        out.bytes.extend_from_slice(b",\n");
                    }
                    let mut all: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    for (name, v) in self.extra_headers.iter().zip(&h.extra) {
                        all.push((name, v));
                    }
                    output::json_object(&mut out.bytes, all);
                }
            }
        }
        if let Some(w) = csv {
            out.bytes = w.into_inner().unwrap_or_default();
        }
        out
    }

    /// A household's line of the table: who, then a cell per pay month, then the total.
    fn table_line(&self, hm: &HouseholdMonths) -> Vec<String> {
        let (h, lang) = (&hm.household, self.lang);
        let area = h.area.and_then(|a| self.policy.area_key(a)).unwrap_or("");
        let mut cells = vec![
            h.id.clone(),
            h.head_name.clone(),
            output::id_cell(&h.head_id, Format::Table, true).into_owned(),
            self.policy
                .file
                .areas
                .get(area)
                .map_or(area, |a| a.name.as_str())
                .to_string(),
            h.residence
                .map(|r| lang.pick(r.zh(), r.name()))
                .unwrap_or("")
                .to_string(),
            h.members.map(|m| m.to_string()).unwrap_or_default(),
        ];
        let mut groups = String::new();
        let mut total = Decimal::ZERO;
        let mut all_decided = true;
        for s in &hm.months {
            if groups.is_empty() && !s.groups.is_empty() {
                groups = s
                    .groups
                    .iter()
                    .map(|g| lang.pick(group_zh(g), g).to_string())
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", "));
            }
            // A household's months add up to at most the run's grand total, which is checked
            // before anything is kept; past the range, this line is discarded with the run.
            total = crate::money::checked_add(total, s.amount).unwrap_or(total);
            all_decided &= s.state.is_decided();
            cells.push(match s.state {
                HouseholdState::Paid => fmt_money(s.amount),
                HouseholdState::NotTriggered => "-".into(),
                HouseholdState::NotCovered => "0.00".into(),
                HouseholdState::MissingIndex | HouseholdState::Undetermined => "?".into(),
                HouseholdState::Invalid => lang.pick("无效", "invalid").into(),
            });
        }
        cells.insert(TABLE_LEAD - 1, groups);
        // A household with an undetermined month has no total yet.
        cells.push(if all_decided {
            fmt_money(total)
        } else {
            "?".into()
        });
        cells
    }
}
