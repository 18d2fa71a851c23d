//! The groups a household belongs to for price subsidies and one-off items.
//!
//! The settled reading: a household's groups are its `status` plus its `categories`,
//! each member in every group (until a members file says otherwise). A household in its
//! gradual exit keeps the 低保 group; an enrolled household the rules find ineligible and not
//! in an exit (to review) loses it.
//!
//! With a members file (`--members`) the groups are per person: each covered
//! person is in the household's status group plus their own categories, and is paid once, at
//! the highest amount of their groups (`dedupe = "highest"`); the household is paid the sum
//! over its persons ([`person_groups`], [`highest_shares`]).

use super::{Decision, Evaluation};
use crate::household::{Household, Status};
use rust_decimal::Decimal;

/// The group of the household's status (`dibao`, `tekun`, `edge`) after the means test, if
/// any: the group every covered person of the household is in.
pub fn status_group(h: &Household, ev: &Evaluation) -> Option<&'static str> {
    match h.status {
        Status::Dibao if !ev.to_review(h) && ev.decision != Decision::Invalid => Some("dibao"),
        Status::Tekun if ev.decision != Decision::Invalid => Some("tekun"),
        Status::Edge if ev.decision != Decision::Invalid => Some("edge"),
        _ => None,
    }
}

/// The group names of a household (`dibao`, `tekun`, `edge`, then its categories), as the
/// policy's `[price_subsidy.groups]` and `[[one_off]].amounts` name them. With a members file
/// the categories are those of the roster and of every person.
pub fn household_groups(h: &Household, ev: &Evaluation) -> Vec<&'static str> {
    let mut groups = Vec::with_capacity(4);
    groups.extend(status_group(h, ev));
    if ev.decision != Decision::Invalid {
        groups.extend(h.categories.names());
    }
    groups
}

/// The groups of each covered person when a members file gives the household's persons
/// (`None` without one: then every member is in every group of [`household_groups`]). A
/// person's groups are the household's status group plus the person's own categories: a
/// 优抚对象 in a 低保 household is in both groups, the other members only in 低保.
pub fn person_groups(h: &Household, ev: &Evaluation) -> Option<Vec<Vec<&'static str>>> {
    if h.persons.is_empty() {
        return None;
    }
    let status = status_group(h, ev);
    let invalid = ev.decision == Decision::Invalid;
    Some(
        h.persons
            .iter()
            .map(|p| {
                let mut g: Vec<&'static str> = status.into_iter().collect();
                if !invalid {
                    g.extend(p.categories.names());
                }
                g
            })
            .collect(),
    )
}

/// The persons paid at one group's amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// the group whose amount they are paid (their highest)
    pub group: &'static str,
    /// the amount per person
    pub per_person: Decimal,
    /// how many persons
    pub persons: u32,
}

impl Share {
    /// per person × persons
    pub fn amount(&self) -> Decimal {
        self.per_person * Decimal::from(self.persons)
    }
}

/// `dedupe = "highest"`: each person is paid once, at the highest amount among their groups
/// (`amount` gives a group's amount per person, `None` when not covered; on a tie the group
/// named first wins). `persons` lists groups with the number of persons in exactly those
/// groups. Persons whose highest is zero or who are in no covered group are not paid. The
/// shares come highest amount first, persons at the same group and amount added together, so
/// the household's amount is the sum of the shares' amounts.
pub fn highest_shares<'a>(
    persons: impl IntoIterator<Item = (&'a [&'static str], u32)>,
    amount: impl Fn(&str) -> Option<Decimal>,
) -> Vec<Share> {
    let mut shares: Vec<Share> = Vec::new();
    for (groups, n) in persons {
        let mut best: Option<(&'static str, Decimal)> = None;
        for &g in groups {
            if let Some(a) = amount(g)
                && best.is_none_or(|(_, b)| a > b)
            {
                best = Some((g, a));
            }
        }
        let Some((group, per_person)) = best.filter(|(_, a)| *a > Decimal::ZERO) else {
            continue;
        };
        match shares
            .iter_mut()
            .find(|s| s.group == group && s.per_person == per_person)
        {
            Some(s) => s.persons += n,
            None => shares.push(Share {
                group,
                per_person,
                persons: n,
            }),
        }
    }
    // stable: equal amounts keep the order in which their persons came
    shares.sort_by_key(|s| std::cmp::Reverse(s.per_person));
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn each_person_at_their_highest_once() {
        let amount = |g: &str| match g {
            "dibao" => Some(dec!(60)),
            "youfu" => Some(dec!(75)),
            "edge" => Some(dec!(0)),
            _ => None,
        };
        let dibao: &[&str] = &["dibao"];
        let both: &[&str] = &["dibao", "youfu"];
        let none: &[&str] = &["orphan"];
        let shares = highest_shares([(dibao, 1), (both, 1), (dibao, 1), (none, 1)], amount);
        assert_eq!(
            shares,
            vec![
                Share {
                    group: "youfu",
                    per_person: dec!(75),
                    persons: 1
                },
                Share {
                    group: "dibao",
                    per_person: dec!(60),
                    persons: 2
                },
            ]
        );
        let total: Decimal = shares.iter().map(Share::amount).sum();
        assert_eq!(total, dec!(195));
        // the household reading: every member in every group
        let shares = highest_shares([(both, 3)], amount);
        assert_eq!(shares.len(), 1);
        assert_eq!(shares[0].amount(), dec!(225));
        assert!(highest_shares([(&["edge"][..], 2)], amount).is_empty());
    }
}
