//! 价格临时补贴 (temporary price subsidy linkage), the 2016 national linkage rule and the 2022 notice;
//! policy table `[price_subsidy]`.
//!
//! The national mechanism (发改价格规〔2016〕1835号 and its later revisions): in an index month
//! when CPI year on year reaches 3.5% or CPI food reaches 6% ("reaches" is ≥), the people in
//! hardship are paid a temporary price subsidy for that month, in the month the index is
//! published. Each month is judged on its own: nothing carries over. Localities may lower the
//! thresholds and choose how the amount is formed; this module holds every clause as a pure
//! function:
//!
//! - [`month_status`]: the trigger in force for an index month (dated, per area) against the
//!   index, which indexes fired, and the formula in force;
//! - [`person_amount`]: the per-person amount for one residence basis: the formula of its mode,
//!   then its `round`, then the `floor`, then the `multiplier` (the fixed order),
//!   stated to the fen;
//! - [`covers`]: which groups a triggered month covers (`[price_subsidy.groups]` and the
//!   `extra_groups` of temporary windows);
//! - [`paid_in`]: what one household is paid in a pay month, the one way to ask: the groups it
//!   is in, the highest per-person amount among them (`dedupe = "highest"`), times its persons.
//!
//! The trigger, the formula and the 低保 standard used are those in force in the *index* month;
//! the money is paid in the pay month (index month + `index_lag`). [`SubsidyTable`] computes every
//! area and index month of a range once, for commands that go through a whole roster, and
//! [`paid_in`] reads it for one household and one pay month.
//!
//! The module is split by concern: `trigger` (the trigger test), `formula` (the per-person
//! amount), `coverage` (which groups a month covers), `linkage` (index month ↔ pay month, the
//! table) and `household` (one household's amount).

#[cfg(test)]
mod agreement;
mod coverage;
mod formula;
mod household;
mod linkage;
#[cfg(test)]
mod testkit;
mod trigger;

pub use coverage::{basis_of, covers, group_zh};
pub use formula::{PersonAmount, person_amount};
pub use household::{HouseholdState, HouseholdSubsidy, paid_in};
pub use linkage::{AreaMonth, SubsidyTable, area_month, area_month_of, evaluated_in, index_range};
pub use trigger::{
    Fired, MonthState, MonthStatus, check_index_areas, month_status, month_status_of,
};

use crate::month::Month;
use crate::policy::model::PriceSubsidy;
use crate::policy::{Policy, PolicyError};

/// Why a price subsidy cannot be computed at all (the run stops; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum SubsidyError {
    /// The policy has no `[price_subsidy]` table.
    #[error(
        "policy {path} has no [price_subsidy] table: add the trigger, formula and groups (政策文件未规定价格临时补贴联动机制)"
    )]
    NoPriceSubsidy {
        /// the policy file
        path: String,
    },
    /// A trigger, formula or 低保 standard has no entry in force for the index month.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A `fixed` or `fixed_band` formula has no amount for a kind of resident.
    #[error(
        "policy {path}: `price_subsidy.formula` (from {from}) has no amount for {residence} residents of area {area} (未规定该类居民的补贴金额)"
    )]
    NoAmount {
        /// the policy file
        path: String,
        /// the formula's `from`
        from: Month,
        /// `urban` / `rural`
        residence: &'static str,
        /// the area id
        area: String,
    },
    /// The index file names an area the policy does not define.
    #[error(
        "index file {file}, line {line}: area \"{area}\" is not defined in the policy's [areas] (defined: {known}) (指数文件中的地区不在政策文件中)"
    )]
    UnknownArea {
        /// the index file
        file: String,
        /// the line
        line: u64,
        /// the area as written
        area: String,
        /// the policy's area ids
        known: String,
    },
}

fn table(policy: &Policy) -> Result<&PriceSubsidy, SubsidyError> {
    policy
        .file
        .price_subsidy
        .as_ref()
        .ok_or_else(|| SubsidyError::NoPriceSubsidy {
            path: policy.path.clone(),
        })
}

/// An entry's source: its own, else the `[price_subsidy]` table's, else the policy's default.
fn source_of(policy: &Policy, ps: &PriceSubsidy, own: &Option<String>) -> Option<String> {
    own.clone()
        .or_else(|| ps.source.clone())
        .or_else(|| policy.file.policy.source.clone())
}

fn not_in_force(policy: &Policy, key: &str, area: Option<&str>, month: Month) -> SubsidyError {
    SubsidyError::Policy(PolicyError::NotInForce {
        path: policy.path.clone(),
        key: key.to_string(),
        area: area.unwrap_or("(all areas)").to_string(),
        month,
    })
}
