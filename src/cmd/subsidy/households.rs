//! How `subsidy` writes what [`crate::grants`] found for a roster: one row per household and
//! pay month (csv, json), the household table (one line per household, a column per pay
//! month), the totals per pay month and group, and the summary on stderr.

use super::schema::{Col, Line};
use crate::grants::HouseholdMonths;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::output::schema::Selection;
use crate::output::{self, Format};
use crate::policy::Policy;
use crate::rules::price_subsidy::{HouseholdState, group_zh};
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
    /// the columns of the rows (`--columns`, or the default of files)
    pub columns: Selection<Col>,
    /// a table without `--columns`: one line per household, a column per pay month
    pub pivot: bool,
}

/// One chunk of household rows: the bytes (csv, json) or the table's lines.
pub struct Chunk {
    pub bytes: Vec<u8>,
    /// table: one line per household (one cell per pay month), or per row with `--columns`
    pub pivot: Vec<Vec<String>>,
}

impl Rows<'_> {
    /// The rows of a chunk of households.
    pub fn chunk(&self, households: &[HouseholdMonths]) -> Chunk {
        let months = households.first().map_or(0, |h| h.months.len());
        let mut out = Chunk {
            bytes: Vec::new(),
            pivot: Vec::new(),
        };
        let mut csv = (self.format == Format::Csv)
            .then(|| output::CsvBuf::with_capacity(households.len() * months * 120));
        let mut buf = String::new();
        for hm in households {
            if self.pivot {
                out.pivot.push(self.table_line(hm));
                continue;
            }
            for s in &hm.months {
                let line = Line {
                    policy: self.policy,
                    hm,
                    s,
                };
                match self.format {
                    Format::Table => {
                        let cells = self.columns.table_cells(&line, &mut buf, self.lang);
                        out.pivot.push(cells);
                    }
                    Format::Json => {
                        if !out.bytes.is_empty() {
                            out.bytes.extend_from_slice(b",\n");
                        }
                        self.columns.write_json(&mut out.bytes, &line, &mut buf);
                    }
                    _ => {
                        if let Some(w) = csv.as_mut() {
                            self.columns.write_csv(w, &line, &mut buf);
                        }
                    }
                }
            }
        }
        if let Some(w) = csv {
            out.bytes = w.into_bytes();
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
