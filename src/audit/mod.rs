//! Supervision checks on a roster (the 2022 notice, sections 3 and 6).
//!
//! Every household is decided exactly as `check` decides it; the audit compares that decision
//! with the roster's enrolment, amounts and identities, and with outside lists. Each finding
//! has a stable code, a severity, the household, the evidence (the values and the rule they
//! break) and a suggested action. Findings come out ranked by kind, in the order of
//! [`Kind::ALL`], and in roster order within a kind.
//!
//! One entry point, [`run`]: a [`Config`] and a roster in, an [`Audit`] out (the [`Summary`]
//! and the [`Finding`]s). Nothing here writes output; the evidence is worded in the
//! configured language.
//!
//! Memory: rows stream through [`crate::pipeline::stream`] like `check`. What is kept per
//! household is one short entry per key (see the duplicates module). Findings are not held: each kind is spilled to
//! its own temporary file and the files are read in rank order at the end. The lists persons
//! are checked against are held whole (a fingerprint and the entry's line, label and date
//! per listed person).
//!
//! A duplicate is reported on every household involved, each naming the others by household
//! id and row.
//!
//! With a members file, every person of a household (head or not) is a key of the person
//! table, beside the members file itself, which the join holds whole (see
//! [`crate::household::members`]).

mod amounts;
mod discovery;
mod duplicates;
mod findings;
mod ids;
mod lists;
mod row;
mod run;
mod spill;

pub use findings::{Finding, Head, Kind, Severity, Summary, status_zh};
pub use lists::{
    LIST_DATE_HEADERS, LIST_ID_HEADERS, LIST_LABEL_HEADERS, ListSpec, Lists, find_header,
};
pub use run::{AMOUNT_HEADERS, Audit, Config, amount_column, run};
pub use spill::Findings;
