//! Which groups a triggered month covers, and on which residence's standard.

use crate::household::{CATEGORY_NAMES, Residence};
use crate::policy::model::{Base, PriceSubsidy, Trigger};

/// A group's name in Chinese (低保, 特困, 优抚对象 ...).
pub fn group_zh(group: &str) -> &str {
    match group {
        "dibao" => "低保",
        "tekun" => "特困",
        "edge" => "低保边缘",
        g => CATEGORY_NAMES
            .iter()
            .find(|(en, _)| *en == g)
            .map(|(_, zh)| *zh)
            .unwrap_or(g),
    }
}

/// Whether a triggered month covers `group`, and on which standard its amount is based.
///
/// A group listed in `[price_subsidy.groups]` is covered in every triggered month,
/// unless it is named in some trigger's `extra_groups` (the national 2022-08..2023-02 window
/// added 领取失业补助金 and 低保边缘): then only while such an entry is in force. A group not
/// listed is never covered.
pub fn covers(ps: &PriceSubsidy, in_force: &Trigger, group: &str) -> Option<Base> {
    let base = *ps.groups.get(group)?;
    let windowed = ps
        .trigger
        .iter()
        .any(|t| t.extra_groups.iter().any(|g| g == group));
    if windowed && !in_force.extra_groups.iter().any(|g| g == group) {
        return None;
    }
    Some(base)
}

/// The residence whose standard (or amount) applies to a group of base `base` for a resident
/// of `residence`; `None` when the base is the resident's own and the residence is unknown.
pub fn basis_of(base: Base, residence: Option<Residence>) -> Option<Residence> {
    match base {
        Base::Own => residence,
        Base::Urban => Some(Residence::Urban),
        Base::Rural => Some(Residence::Rural),
    }
}
