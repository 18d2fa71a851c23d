//! One household's whole computation as data, for `jiuzhu explain`: every rule tried (the
//! evaluation's steps), each parameter a step used with its value, area, the month it took
//! effect and its source document, the person rows of a members file with what the join gave
//! each, and the price subsidy paid in the month with its own steps.
//!
//! [`Explanation::new`] gathers it; [`Explanation::record`] is the record with every text in
//! one language (what the JSON output holds); [`text`] writes it for reading.

pub mod text;

use crate::household::{CareLevel, Household, RowParser};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::policy::model::UpliftGroup;
use crate::policy::{Param, Policy};
use crate::rules::price_subsidy::{self, HouseholdState, HouseholdSubsidy, SubsidyTable};
use crate::rules::{self, Evaluation, Step};
use anyhow::{Result, bail};
use serde::Serialize;

/// One household's computation for one month.
pub struct Explanation<'p> {
    /// the policy the household was judged under
    pub policy: &'p Policy,
    /// the household as read (IDs masked or whole, as the caller chose)
    pub household: Household,
    /// the rules' evaluation for the month, with its steps
    pub evaluation: Evaluation,
    /// the month
    pub month: Month,
    /// with a members file: its path and the household's person rows, in file order
    pub members: Option<(String, Vec<PersonLine>)>,
    /// with an index series: the file and the price subsidy paid in the month, traced
    pub subsidy: Option<(String, HouseholdSubsidy)>,
}

impl<'p> Explanation<'p> {
    /// Gathers the explanation of `h` (evaluated as `ev` for `month`): its person rows when
    /// `parser` joined a members file, and with `index` (a price index file) the price subsidy
    /// paid in `month`. Errors as `subsidy`'s: no `[price_subsidy]` table, an unreadable index
    /// file or an area it names that the policy does not define, no rules in force in a
    /// triggered index month.
    pub fn new(
        policy: &'p Policy,
        parser: &RowParser,
        h: Household,
        ev: Evaluation,
        month: Month,
        index: Option<&str>,
    ) -> Result<Explanation<'p>> {
        let subsidy = match index {
            Some(file) => Some((file.to_string(), subsidy_paid(policy, file, &h, month)?)),
            None => None,
        };
        let members = parser
            .members()
            .map(|join| (join.members().path.clone(), persons(parser, &h)));
        Ok(Explanation {
            policy,
            household: h,
            evaluation: ev,
            month,
            members,
            subsidy,
        })
    }

    /// Whether everything explained is decided: the decision and, when shown, the subsidy.
    pub fn decided(&self) -> bool {
        self.evaluation.decision.is_decided()
            && self
                .subsidy
                .as_ref()
                .is_none_or(|(_, s)| s.state.is_decided())
    }

    /// The explanation as one record, its texts in `lang` (the roster's reason codes, which
    /// the rules do not name, are the caller's).
    pub fn record(&self, lang: Lang) -> Record {
        let (h, ev, policy) = (&self.household, &self.evaluation, self.policy);
        Record {
            household_id: h.id.clone(),
            month: self.month.to_string(),
            decision: ev.decision.name(),
            monthly_total: fmt_money(ev.monthly_total()),
            message: rules::message(policy, h, ev, lang),
            steps: steps(policy, &ev.steps, lang),
            persons: self
                .members
                .as_ref()
                .map(|(_, persons)| persons.iter().map(PersonLine::record).collect()),
            price_subsidy: self
                .subsidy
                .as_ref()
                .map(|(_, s)| SubsidyRecord::of(policy, s, lang)),
        }
    }
}

/// The price subsidy paid in `month` to `h`, traced: its index month is `month` − `index_lag`,
/// and the trigger, formula, standard and the household's groups are those of the index month.
fn subsidy_paid(
    policy: &Policy,
    file: &str,
    h: &Household,
    month: Month,
) -> Result<HouseholdSubsidy> {
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        bail!(price_subsidy::SubsidyError::NoPriceSubsidy {
            path: policy.path.clone()
        });
    };
    let lag = ps.index_lag;
    let index = IndexSeries::load(file)?;
    let table = SubsidyTable::for_household(policy, &index, h, month)?;
    let mut failed = None;
    let rules = |index_month: Month| match policy.month_params(index_month) {
        Ok(params) => Some(rules::evaluate(policy, &params, h, false)),
        Err(e) => {
            failed = Some((index_month, e));
            None
        }
    };
    let s = price_subsidy::paid_in(&table, policy, h, rules, month, true);
    if let Some((index_month, e)) = failed {
        return Err(anyhow::Error::new(e).context(format!(
            "price subsidy for index month {index_month} (paid {lag} months later)"
        )));
    }
    Ok(s)
}

/// One person row of the household, as the members file's join read it.
#[derive(Debug, Clone)]
pub struct PersonLine {
    /// the row of the members file
    pub row: u64,
    /// 姓名
    pub name: String,
    /// 与户主关系
    pub relation: String,
    /// 身份证号 (masked or whole, as the caller chose)
    pub id_number: String,
    /// counted in `members`; only covered persons have an age, group and care level here
    pub covered: bool,
    /// whole years on the first day of the month
    pub age: Option<u32>,
    /// the uplift group the person counts in (the one paying them most)
    pub group: Option<UpliftGroup>,
    /// the person's categories
    pub categories: Vec<&'static str>,
    /// the person's care level
    pub care_level: Option<CareLevel>,
}

impl PersonLine {
    fn record(&self) -> PersonRecord {
        PersonRecord {
            row: self.row.to_string(),
            name: self.name.clone(),
            relation: self.relation.clone(),
            id_number: self.id_number.clone(),
            covered: if self.covered { "yes" } else { "no" },
            age: self.age.map(|a| a.to_string()).unwrap_or_default(),
            group: self.group.map(|g| g.name()).unwrap_or(""),
            categories: self.categories.join(";"),
            care_level: self.care_level.map(|c| c.name()).unwrap_or(""),
        }
    }
}

/// The household's person rows, in file order, with the age, group, categories and care
/// level the join gave each covered person (empty without a members file).
pub fn persons(parser: &RowParser, h: &Household) -> Vec<PersonLine> {
    let Some(rows) = parser.members().and_then(|j| j.members().household(&h.id)) else {
        return Vec::new();
    };
    rows.iter()
        .map(|p| {
            let facts = h.persons.iter().find(|f| f.row == p.row);
            PersonLine {
                row: p.row,
                name: p.name.clone(),
                relation: p.relation.clone(),
                id_number: p.id_number.clone(),
                covered: p.covered,
                age: facts.and_then(|f| f.age),
                group: facts.and_then(|f| f.group),
                categories: p.categories.names().collect(),
                care_level: facts.and_then(|f| f.care_level),
            }
        })
        .collect()
}

/// A parameter a step used: its value, area, the month it took effect and its source
/// document (the policy's `[[sources]]` title when the id is listed there).
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    /// the parameter's key (`dibao.standard.urban` ...)
    pub key: &'static str,
    /// its value, without trailing zeros
    pub value: String,
    /// the source document's id
    pub source: Option<String>,
    /// the source document's title
    pub source_title: Option<String>,
    /// the month the entry took effect
    pub from: Option<String>,
    /// the area of an area entry
    pub area: Option<String>,
    /// how the value was derived (`5268 per year / 12`, `until 2023-02`)
    pub note: Option<String>,
}

impl Citation {
    /// The citation of `p` under `policy`.
    pub fn of(policy: &Policy, p: &Param) -> Citation {
        Citation {
            key: p.key,
            value: p.value.normalize().to_string(),
            source: p.source.clone(),
            source_title: p
                .source
                .as_deref()
                .and_then(|s| policy.source_title(s))
                .map(str::to_string),
            from: p.from.map(|m| m.to_string()),
            area: p.area.clone(),
            note: p.note.clone(),
        }
    }
}

/// One step of a computation: the rule, what it found (in one language), its parameters.
#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    /// the rule (`dibao.eligibility`, `price_subsidy.trigger` ...)
    pub rule: &'static str,
    /// what the rule found
    pub text: String,
    /// the parameters it used
    pub parameters: Vec<Citation>,
}

/// The steps in `lang`, each parameter cited.
pub fn steps(policy: &Policy, steps: &[Step], lang: Lang) -> Vec<StepRecord> {
    steps
        .iter()
        .map(|s| StepRecord {
            rule: s.rule,
            text: lang.pick(&s.zh, &s.en).to_string(),
            parameters: s.params.iter().map(|p| Citation::of(policy, p)).collect(),
        })
        .collect()
}

/// A person row as a record.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRecord {
    row: String,
    name: String,
    relation: String,
    id_number: String,
    covered: &'static str,
    age: String,
    group: &'static str,
    categories: String,
    care_level: &'static str,
}

/// The price subsidy paid in the month as a record.
#[derive(Debug, Clone, Serialize)]
pub struct SubsidyRecord {
    index_month: String,
    pay_month: String,
    outcome: &'static str,
    groups: String,
    group: &'static str,
    per_person: String,
    persons: String,
    amount: String,
    missing: String,
    steps: Vec<StepRecord>,
}

impl SubsidyRecord {
    fn of(policy: &Policy, s: &HouseholdSubsidy, lang: Lang) -> SubsidyRecord {
        SubsidyRecord {
            index_month: s.index_month.to_string(),
            pay_month: s.pay_month.to_string(),
            outcome: s.state.name(),
            groups: s.groups.join(";"),
            group: s.group.unwrap_or(""),
            per_person: if s.state == HouseholdState::Paid {
                fmt_money(s.per_person)
            } else {
                String::new()
            },
            persons: s.persons.map(|p| p.to_string()).unwrap_or_default(),
            amount: if s.state.is_decided() {
                fmt_money(s.amount)
            } else {
                String::new()
            },
            missing: s
                .missing
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(";"),
            steps: steps(policy, &s.steps, lang),
        }
    }
}

/// The whole explanation as one record, its texts in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// 户编号
    pub household_id: String,
    /// the month
    pub month: String,
    /// the decision's name
    pub decision: &'static str,
    /// the month's total
    pub monthly_total: String,
    /// the message `check` gives
    pub message: String,
    /// every step of the rules
    pub steps: Vec<StepRecord>,
    /// the person rows (with a members file)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persons: Option<Vec<PersonRecord>>,
    /// the price subsidy paid in the month (with an index series)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_subsidy: Option<SubsidyRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{Residence, Status};
    use rust_decimal::Decimal;

    fn policy() -> Policy {
        let text = "[policy]\nname = \"t\"\nsource = \"s1\"\n[[sources]]\nid = \"s1\"\ntitle = \"T 2022\"\n[[dibao.standard]]\nfrom = \"2022-01\"\nurban = 914\nrural = 439\n";
        Policy::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn explained(p: &Policy) -> Explanation<'_> {
        let h = Household {
            row: 2,
            id: "H1".into(),
            region: "x".into(),
            area: Some(0),
            residence: Some(Residence::Urban),
            members: Some(2),
            monthly_income: Some(Decimal::from(600)),
            status: Status::Dibao,
            ..Household::default()
        };
        let month: Month = "2022-12".parse().unwrap();
        let ev = rules::evaluate(p, &p.month_params(month).unwrap(), &h, true);
        Explanation {
            policy: p,
            household: h,
            evaluation: ev,
            month,
            members: None,
            subsidy: None,
        }
    }

    #[test]
    fn every_parameter_is_cited_with_its_value_month_and_document() {
        let p = policy();
        let e = explained(&p);
        assert!(e.decided());
        let r = e.record(Lang::En);
        assert_eq!((r.decision, r.monthly_total.as_str()), ("dibao", "1228.00"));
        let standard = r
            .steps
            .iter()
            .flat_map(|s| &s.parameters)
            .find(|c| c.key == "dibao.standard.urban")
            .expect("the standard is cited");
        assert_eq!(standard.value, "914");
        assert_eq!(standard.from.as_deref(), Some("2022-01"));
        assert_eq!(standard.source.as_deref(), Some("s1"));
        assert_eq!(standard.source_title.as_deref(), Some("T 2022"));
        // without a members file or an index series the record has neither
        let v = serde_json::to_value(&r).unwrap();
        assert!(v.get("persons").is_none() && v.get("price_subsidy").is_none());
        let text = text::write(&e, Lang::En);
        assert!(
            text.contains("dibao.standard.urban = 914, from 2022-01, source s1 \"T 2022\""),
            "{text}"
        );
        assert!(
            text.contains("\ndecision: dibao\nmonthly total: 1228.00\n"),
            "{text}"
        );
        let zh = text::write(&e, Lang::Zh);
        assert!(zh.contains("，自 2022-01 起，依据 s1：T 2022"), "{zh}");
    }
}
