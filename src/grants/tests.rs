//! The entry point from Rust code: a policy, an index series and a roster in memory, one call.

use super::*;
use crate::household::reader::{ReadOptions, RecordSource, RosterSource};
use crate::index::IndexSeries;
use rust_decimal::dec;

/// Nanjing's published case: October 2016 CPI +3.2% pays one twelfth of the 低保 standard,
/// 62.5 a person, 187.5 for a family of three, in November. A repeated household id is
/// invalid and named as a problem; a household not in 低保 is not covered.
#[test]
fn households_from_rust_pay_each_household_and_add_up_per_pay_month_and_group() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/jiangsu-nanjing-2016.toml"
    ))
    .expect("bundled policy");
    let policy = Policy::parse(&text, "nanjing.toml").expect("policy");
    let index = IndexSeries::parse("month,cpi,food\n2016-10,3.2,\n", "cpi.csv").expect("index");
    let october: Month = "2016-10".parse().expect("month");
    let table = linkage::month_table(&policy, &index, october, october).expect("table");
    let params = linkage::triggered_params(&table, &policy).expect("params");
    let csv = "household_id,region,residence,members,monthly_income,status\n\
               N1,320102,urban,3,600,dibao\n\
               N2,320102,urban,2,9000,none\n\
               N1,320102,urban,1,0,dibao\n";
    let mut source = RosterSource::from_reader(
        "roster.csv",
        Box::new(csv.as_bytes()),
        &ReadOptions::default(),
    )
    .expect("roster");
    let today = chrono::NaiveDate::from_ymd_opt(2017, 1, 1).expect("date");
    let parser = RowParser::new(&policy, source.header_map().clone(), None, today).expect("parser");
    let config = Config {
        policy: &policy,
        table: &table,
        params: &params,
        parser: &parser,
    };
    let mut seen = Vec::new();
    let summary = households(
        &config,
        &mut source,
        |hs| {
            hs.iter()
                .map(|h| {
                    (
                        h.household.id.clone(),
                        h.months[0].state,
                        h.months[0].amount,
                    )
                })
                .collect::<Vec<_>>()
        },
        |chunk| {
            seen.extend(chunk);
            Ok(())
        },
    )
    .expect("households");
    assert_eq!(
        seen,
        [
            ("N1".to_string(), HouseholdState::Paid, dec!(187.5)),
            ("N2".to_string(), HouseholdState::NotCovered, dec!(0)),
            ("N1".to_string(), HouseholdState::Invalid, dec!(0)),
        ]
    );
    assert_eq!(summary.households, 3);
    assert!(!summary.all_decided(), "the repeated id is invalid");
    assert_eq!(summary.grand_total(), Ok(dec!(187.5)));
    let november: Month = "2016-11".parse().expect("month");
    assert_eq!(summary.paid_in(november), dec!(187.5));
    let rows = summary.total_rows();
    assert_eq!(
        rows.iter()
            .map(|r| (r.group, r.households, r.persons, r.amount))
            .collect::<Vec<_>>(),
        [("dibao", 1, 3, dec!(187.5)), (ALL, 1, 3, dec!(187.5))]
    );
    assert!(
        matches!(&summary.problems[..], [Problem::Invalid(e)] if e.code == "duplicate_household_id"),
        "{:?}",
        summary.problems
    );
}
