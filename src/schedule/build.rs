//! The roster streamed through [`schedule_household`] into a whole schedule.

use super::config::Config;
use super::household::schedule_household;
use super::lines::Schedule;
use crate::household::columns::Column;
use crate::household::reader::RecordSource;
use crate::household::{Household, RowParser};
use crate::ledger::Ledger;
use crate::pipeline::{self, Row};
use anyhow::Result;

/// The holds a run asks for beside the rules'.
#[derive(Debug, Clone, Copy, Default)]
pub struct Holds {
    /// a bank file is written: a household without an account is held
    pub without_account: bool,
}

/// The whole schedule of a roster: every household scheduled (on every core), the lines the
/// ledger already has left out, the holds applied, sorted by month, roster order and item.
/// `parse` reads one row as `check` does (a repeated household id is an error).
pub fn build(
    cfg: &Config,
    source: &mut dyn RecordSource,
    parser: &RowParser,
    parse: &(dyn Fn(&Row) -> Household + Sync),
    ledger: Option<&Ledger>,
    holds: Holds,
) -> Result<Schedule> {
    let mut schedule = read_schedule(cfg, source, parser, parse)?;
    if let Some(l) = ledger {
        schedule.skip_paid(l, cfg.policy);
    }
    if holds.without_account {
        schedule.hold_without_account(cfg.lang);
    }
    schedule.hold_shared_payees(cfg.lang);
    schedule.sort();
    Ok(schedule)
}

/// Streams the roster through [`schedule_household`] on every core and collects the schedule.
pub fn read_schedule(
    cfg: &Config,
    source: &mut dyn RecordSource,
    parser: &RowParser,
    parse: &(dyn Fn(&Row) -> Household + Sync),
) -> Result<Schedule> {
    let id_field = parser.header_map().get(Column::HouseholdId);
    let mut schedule = Schedule::default();
    pipeline::stream(
        source,
        id_field,
        |rows: &[Row]| {
            rows.iter()
                .map(|row| schedule_household(cfg, &parse(row)))
                .collect::<Vec<_>>()
        },
        |chunk| {
            for hs in chunk {
                schedule.push(hs);
            }
            Ok(())
        },
    )?;
    Ok(schedule)
}
