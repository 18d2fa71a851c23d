//! The entry point from Rust code: two policies, a roster in memory, one call.

use super::*;
use crate::household::RowParser;
use crate::household::reader::{ReadOptions, RecordSource, RosterSource};
use crate::policy::Policy;
use rust_decimal::dec;

fn lanzhou() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/lanzhou-2022.toml"
    ))
    .expect("bundled policy")
}

fn source(csv: &'static str) -> RosterSource {
    RosterSource::from_reader(
        "roster.csv",
        Box::new(csv.as_bytes()),
        &ReadOptions::default(),
    )
    .expect("roster")
}

/// Lanzhou 2022 against the same with the city standard 914 → 950, on households worked by
/// hand (see the end-to-end test of `compare`): A +108, B newly eligible +50, C +36, D and F
/// unchanged, G not compared (an empty weight).
#[test]
fn compare_from_rust_gives_each_household_its_change_and_the_weighted_totals() {
    let base_text = lanzhou();
    assert!(base_text.contains("\nurban = 914\n"));
    let base = Policy::parse(&base_text, "base.toml").expect("base");
    let alt = Policy::parse(
        &base_text.replace("\nurban = 914\n", "\nurban = 950\n"),
        "alt.toml",
    )
    .expect("alt");
    let month: Month = "2022-12".parse().expect("month");
    let (bp, ap) = (
        vec![base.month_params(month).expect("params")],
        vec![alt.month_params(month).expect("params")],
    );
    let mut src = source(
        "household_id,region,residence,members,monthly_income,status,w\n\
         A,620102,urban,3,1000,dibao,10\n\
         B,620103,urban,2,1850,none,2.5\n\
         C,620104,urban,1,0,dibao,1\n\
         D,620121,rural,2,400,dibao,1\n\
         F,620102,urban,1,3000,none,1\n\
         G,620102,urban,1,0,dibao,\n",
    );
    let today = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("date");
    let parser = |p| RowParser::new(p, src.header_map().clone(), None, today).expect("parser");
    let (base_parser, alt_parser) = (parser(&base), parser(&alt));
    let weight = src.headers().iter().position(|h| h == "w");
    let config = Config {
        base: Side {
            policy: &base,
            params: &bp,
            parser: &base_parser,
            subsidy: None,
        },
        alt: Side {
            policy: &alt,
            params: &ap,
            parser: &alt_parser,
            subsidy: None,
        },
        months: vec![month],
        weight: weight.map(|i| (i, "w".to_string())),
    };
    let mut seen: Vec<(String, Change, Decimal)> = Vec::new();
    let totals = compare(
        &config,
        &mut src,
        |households| {
            households
                .iter()
                .map(|h| {
                    let m = &h.months[0];
                    (h.household.id.clone(), m.change, m.case.difference())
                })
                .collect::<Vec<_>>()
        },
        |chunk| {
            seen.extend(chunk);
            Ok(())
        },
    )
    .expect("compare");
    let want = [
        ("A", Change::Gain, dec!(108)),
        ("B", Change::NewlyEligible, dec!(50)),
        ("C", Change::Gain, dec!(36)),
        ("D", Change::Unchanged, dec!(0)),
        ("F", Change::Unchanged, dec!(0)),
        ("G", Change::Undecided, dec!(36)),
    ];
    let got: Vec<(&str, Change, Decimal)> = seen
        .iter()
        .map(|(id, c, d)| (id.as_str(), *c, *d))
        .collect();
    assert_eq!(got, want);
    // Weighted: A counts 10 times, B 2.5 times; G is not compared.
    assert_eq!(totals.rows, 6);
    assert_eq!(
        totals.range.cases,
        dec!(16.5),
        "G counts once, as undecided"
    );
    assert_eq!(totals.range.undecided, dec!(1));
    assert_eq!(totals.range.gaining, dec!(13.5));
    assert_eq!(totals.range.newly_eligible, dec!(2.5));
    assert_eq!(totals.range.difference(), dec!(1080) + dec!(125) + dec!(36));
    assert_eq!(
        totals.problems,
        [Problem::WeightEmpty {
            line: 7,
            header: "w".into()
        }]
    );
    assert_eq!(
        totals.problems[0].describe(Lang::En),
        "row 7: the weight column \"w\" is empty"
    );
    let lines = totals.lines(&config.months);
    assert_eq!(lines[0].section, Section::Month);
    assert_eq!(lines[1].section, Section::Range);
    assert_eq!(lines[2].section, Section::PerYear);
    assert_eq!(lines[2].tally.difference(), dec!(1241) * dec!(12));
    assert!(
        lines
            .iter()
            .any(|l| l.section == Section::Decision && l.key == "edge->dibao")
    );
}
