//! A roster row read and decided as `check` does it, and its reason codes. These two calls are
//! `check`'s own (one reading of a row for every command); they stay in this one place so that
//! they follow `check`'s row evaluation wherever it lives.

use crate::household::{Household, RowParser};
use crate::pipeline::Row;
use crate::policy::{MonthParams, Policy};
use crate::rules::Evaluation;

/// The row parsed (a repeated household id made an error) and decided for one month.
pub fn evaluate_row(
    policy: &Policy,
    params: &MonthParams,
    parser: &RowParser,
    row: &Row,
) -> (Household, Evaluation) {
    crate::assess::evaluate_row(policy, params, parser, row, false)
}

/// The reason codes of a decision, `;`-separated, as the `reasons` column writes them.
pub fn reasons_cell(h: &Household, ev: &Evaluation) -> String {
    crate::assess::reasons_cell(h, ev)
}
