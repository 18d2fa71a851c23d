//! The groups a household belongs to for price subsidies and one-off items.
//!
//! SPEC.md's settled reading: a household's groups are its `status` plus its `categories`,
//! each member in every group (until a members file says otherwise). A household in its
//! gradual exit keeps the 低保 group; an enrolled household the rules find ineligible and not
//! in an exit (to review) loses it.

use super::{Decision, Evaluation};
use crate::household::{Household, Status};

/// The group names of a household (`dibao`, `tekun`, `edge`, then its categories), as the
/// policy's `[price_subsidy.groups]` and `[[one_off]].amounts` name them.
pub fn household_groups(h: &Household, ev: &Evaluation) -> Vec<&'static str> {
    let mut groups = Vec::with_capacity(4);
    match h.status {
        Status::Dibao if !ev.to_review(h) && ev.decision != Decision::Invalid => {
            groups.push("dibao")
        }
        Status::Tekun if ev.decision != Decision::Invalid => groups.push("tekun"),
        Status::Edge if ev.decision != Decision::Invalid => groups.push("edge"),
        _ => {}
    }
    if ev.decision != Decision::Invalid {
        groups.extend(h.categories.names());
    }
    groups
}
