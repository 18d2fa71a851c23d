//! Worked cases from published local documents, and properties every decision must keep.

use super::*;
use crate::household::{CareLevel, Categories, Household, Residence, Status};
use crate::month::Month;
use crate::policy::Policy;
use proptest::prelude::*;
use rust_decimal::dec;

/// A policy with one standard (urban/rural) from 2022-01 and the given extra TOML.
fn policy(urban: &str, rural: &str, extra: &str) -> Policy {
    let text = format!(
        "[policy]\nname = \"test\"\n[[dibao.standard]]\nfrom = \"2022-01\"\nurban = {urban}\nrural = {rural}\n{extra}"
    );
    Policy::parse(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn household(members: u32, income: Decimal) -> Household {
    Household {
        row: 2,
        id: "T1".into(),
        area: Some(0),
        residence: Some(Residence::Urban),
        members: Some(members),
        monthly_income: Some(income),
        status: Status::Dibao,
        ..Household::default()
    }
}

fn month(m: &str) -> Month {
    m.parse().unwrap()
}

fn eval(p: &Policy, h: &Household, m: &str) -> Evaluation {
    let params = p.month_params(month(m)).unwrap();
    evaluate(p, &params, h, true)
}

#[test]
fn gap_grant_is_standard_times_members_minus_income() {
    // The textbook 补差 case: standard 600, 3 persons, income 1000 → 1800 − 1000 = 800.
    let p = policy("600", "600", "");
    let ev = eval(&p, &household(3, dec!(1000)), "2022-06");
    assert_eq!(ev.decision, Decision::Dibao);
    assert_eq!(ev.dibao_amount, dec!(800));
}

#[test]
fn nanjing_gap_and_twenty_percent_floor() {
    let p = policy(
        "1030",
        "1030",
        "[dibao]\nfloor_share = 0.2\nround = \"fen\"",
    );
    // (1030 − 500) × 2 = 1060.
    assert_eq!(
        eval(&p, &household(2, dec!(1000)), "2022-07").dibao_amount,
        dec!(1060)
    );
    // One person with 1000 income: gap 30 < floor 20% × 1030 = 206.
    let ev = eval(&p, &household(1, dec!(1000)), "2022-07");
    assert_eq!(ev.dibao_amount, dec!(206));
    assert!(ev.reasons.contains(&"dibao_floor"));
    // At the standard exactly the household is not eligible ("below" is strict).
    assert_eq!(
        eval(&p, &household(1, dec!(1030)), "2022-07").decision,
        Decision::None
    );
}

#[test]
fn employment_deductions_of_putian_and_ganzhou() {
    // Putian 2023: 30% of earnings, 2000 → 1400 counted.
    let p = policy(
        "1000",
        "1000",
        "[dibao]\nemployment_deduction = { share_of_income = 0.3 }",
    );
    let mut h = household(2, dec!(2000));
    h.employment_income = dec!(2000);
    h.employed = 1;
    assert_eq!(eval(&p, &h, "2022-06").counted_income, Some(dec!(1400)));
    // Ganzhou: 30% of the standard 700 per employed member, earnings 1000 → 790.
    let p = policy(
        "700",
        "700",
        "[dibao]\nemployment_deduction = { share_of_standard = 0.3 }",
    );
    let mut h = household(2, dec!(1000));
    h.employment_income = dec!(1000);
    h.employed = 1;
    assert_eq!(eval(&p, &h, "2022-06").counted_income, Some(dec!(790)));
    // The deduction never exceeds the earnings it applies to: 3 employed × 210 = 630 > 100.
    h.employment_income = dec!(100);
    h.employed = 3;
    assert_eq!(eval(&p, &h, "2022-06").counted_income, Some(dec!(900)));
}

#[test]
fn exempt_income_is_not_counted_and_counted_income_never_goes_below_zero() {
    let p = policy(
        "600",
        "600",
        "[dibao]\nemployment_deduction = { share_of_income = 0.5 }",
    );
    let mut h = household(2, dec!(300));
    h.exempt_income = dec!(200);
    h.employment_income = dec!(300);
    let ev = eval(&p, &h, "2022-06");
    assert_eq!(ev.counted_income, Some(Decimal::ZERO));
    assert_eq!(ev.dibao_amount, dec!(1200));
}

#[test]
fn baoji_tiers_pay_per_person() {
    let p = policy(
        "800",
        "600",
        "[dibao]\npayment = \"tier\"\n[[dibao.tiers]]\ntier = \"A\"\nper_person = 495\nresidence = \"rural\"\n[[dibao.tiers]]\ntier = \"B\"\nper_person = 425\nresidence = \"rural\"\n[[dibao.tiers]]\ntier = \"C\"\nper_person = 355\nresidence = \"rural\"",
    );
    let mut h = household(3, dec!(300));
    h.residence = Some(Residence::Rural);
    h.tier = Some("B".into());
    assert_eq!(eval(&p, &h, "2023-01").dibao_amount, dec!(1275));
    h.tier = None;
    let ev = eval(&p, &h, "2023-01");
    assert_eq!(ev.decision, Decision::Undetermined);
    assert_eq!(ev.missing, vec![crate::household::columns::Column::Tier]);
}

#[test]
fn zhongshan_uplift_rounds_per_person() {
    // Zhongshan 2016: 40% of 629 = 251.6 → 252 a month per person.
    let p = policy(
        "629",
        "629",
        "[[dibao.uplift]]\ngroup = \"severely_disabled\"\nshare = 0.4\nround = \"yuan\"",
    );
    let mut h = household(3, dec!(600));
    h.groups = [0, 2, 0, 0, 0];
    let ev = eval(&p, &h, "2022-06");
    assert_eq!(ev.uplift_amount, dec!(504));
    assert_eq!(ev.monthly_total(), dec!(1287) + dec!(504));
}

#[test]
fn tekun_basic_is_rounded_up_as_published() {
    // Sichuan 2022 floor: 1.3 × 680 / 480 → 884 / 624; Kaifeng 2022: 1.3 × 630 / 420 → 819 / 546.
    for (u, r, bu, br) in [
        ("680", "480", dec!(884), dec!(624)),
        ("630", "420", dec!(819), dec!(546)),
    ] {
        let p = policy(
            u,
            r,
            "[tekun]\nbasic = { multiple = 1.3, round = \"yuan_up\" }",
        );
        let mut h = household(1, Decimal::ZERO);
        h.status = Status::Tekun;
        assert_eq!(eval(&p, &h, "2022-06").tekun_basic, bu);
        h.residence = Some(Residence::Rural);
        assert_eq!(eval(&p, &h, "2022-06").tekun_basic, br);
    }
    // 1.3 × 687 = 893.1 → 894: "not lower than".
    let p = policy(
        "687",
        "439",
        "[tekun]\nbasic = { multiple = 1.3, round = \"yuan_up\" }",
    );
    let mut h = household(2, Decimal::ZERO);
    h.status = Status::Tekun;
    let ev = eval(&p, &h, "2022-06");
    assert_eq!(ev.tekun_basic, dec!(1788));
    assert_eq!(
        ev.dibao_amount,
        Decimal::ZERO,
        "a 特困 person is not also paid 低保"
    );
}

#[test]
fn changsha_care_shares_of_the_minimum_wage() {
    // Care by ability as 1/10, 1/6, 1/3 of a 1930 base, rounded half up to the yuan;
    // institutional care adds 50% before rounding.
    let p = policy(
        "800",
        "600",
        "[tekun]\nbasic = { multiple = 1.3, round = \"yuan_up\" }\ncare_base = [{ from = \"2022-01\", amount = 1930 }]\ncare = { self_care = \"1/10\", partial = \"1/6\", full = \"1/3\", round = \"yuan\" }\ninstitutional_uplift = 0.5",
    );
    let mut h = household(1, Decimal::ZERO);
    h.status = Status::Tekun;
    for (level, care) in [
        (CareLevel::SelfCare, dec!(193)),
        (CareLevel::Partial, dec!(322)),
        (CareLevel::Full, dec!(643)),
    ] {
        h.care_level = Some(level);
        assert_eq!(eval(&p, &h, "2022-06").tekun_care, care);
    }
    h.institutional = true;
    assert_eq!(eval(&p, &h, "2022-06").tekun_care, dec!(965)); // 643.33 × 1.5 = 965
    h.care_level = None;
    assert_eq!(eval(&p, &h, "2022-06").decision, Decision::Undetermined);
    // Before the care base is in force the policy refuses the month.
    assert!(p.month_params(month("2021-12")).is_err());
}

#[test]
fn guangzhou_edge_line() {
    // Guangzhou 2022: 1.5 × 1196 = 1794.
    let p = policy("1196", "1196", "[edge]\nmultiple = 1.5");
    let mut h = household(1, dec!(1793.99));
    h.status = Status::None;
    assert_eq!(eval(&p, &h, "2022-06").decision, Decision::Edge);
    h.monthly_income = Some(dec!(1794));
    assert_eq!(eval(&p, &h, "2022-06").decision, Decision::None);
}

#[test]
fn beijing_taper_month_by_month_and_the_ceiling() {
    let p = policy(
        "1000",
        "1000",
        "[dibao]\nround = \"fen\"\n[gradual_exit]\nmonths = 6\nincome_ceiling = 2\nschedule = [1.0, 1.0, 0.8, 0.8, 0.6, 0.6]",
    );
    let mut h = household(2, dec!(2500));
    h.exit_start = Some(month("2022-07"));
    h.last_grant = Some(dec!(812.50));
    let expect = [
        dec!(812.50),
        dec!(812.50),
        dec!(650.00),
        dec!(650.00),
        dec!(487.50),
        dec!(487.50),
    ];
    for (k, want) in expect.iter().enumerate() {
        let m = month("2022-07").plus(k as i32).to_string();
        let ev = eval(&p, &h, &m);
        assert_eq!(ev.decision, Decision::GradualExit, "{m}");
        assert_eq!(ev.gradual_exit_amount, *want, "{m}");
    }
    let after = eval(&p, &h, "2023-01");
    assert_eq!(after.exit, Some(ExitState::Ended));
    assert!(after.to_review(&h));
    // Income at 2 × the standard ends the exit early.
    h.monthly_income = Some(dec!(4000));
    assert_eq!(eval(&p, &h, "2022-08").exit, Some(ExitState::OverCeiling));
    // An exit that has started needs the last grant.
    h.monthly_income = Some(dec!(2500));
    h.last_grant = None;
    assert_eq!(eval(&p, &h, "2022-08").decision, Decision::Undetermined);
}

#[test]
fn yearly_rural_standard_is_divided_by_twelve_exactly() {
    let p = policy("687", "5268\nrural_per = \"year\"", "");
    let params = p.month_params(month("2022-03")).unwrap();
    assert_eq!(params.areas[0].rural.value, dec!(439));
}

#[test]
fn a_standard_not_in_force_is_an_error_naming_key_and_month() {
    let p = policy("600", "600", "");
    let e = p.month_params(month("2021-12")).unwrap_err().to_string();
    assert!(e.contains("dibao.standard") && e.contains("2021-12"), "{e}");
}

#[test]
fn missing_inputs_are_named_never_zero() {
    let p = policy("600", "600", "");
    let mut h = household(2, Decimal::ZERO);
    h.monthly_income = None;
    h.members = None;
    let ev = eval(&p, &h, "2022-06");
    assert_eq!(ev.decision, Decision::Undetermined);
    use crate::household::columns::Column;
    assert_eq!(ev.missing, vec![Column::Members, Column::MonthlyIncome]);
}

#[test]
fn explain_cites_the_standard_with_its_source_and_date() {
    let p = Policy::parse(
        "[policy]\nname = \"t\"\n[[sources]]\nid = \"doc\"\ntitle = \"文件\"\n[[dibao.standard]]\nfrom = \"2022-01\"\nurban = 600\nrural = 500\nsource = \"doc\"",
        "t.toml",
    )
    .unwrap();
    let ev = eval(&p, &household(1, dec!(100)), "2022-05");
    let step = ev
        .steps
        .iter()
        .find(|s| s.rule == "dibao.eligibility")
        .unwrap();
    assert_eq!(step.params[0].source.as_deref(), Some("doc"));
    assert_eq!(step.params[0].from, Some(month("2022-01")));
    assert_eq!(step.params[0].value, dec!(600));
}

fn arb_household() -> impl Strategy<Value = Household> {
    (
        1u32..8,
        0u64..1_000_000,
        0u64..100_000,
        0u32..3,
        0u32..4,
        any::<bool>(),
    )
        .prop_map(|(members, income, earn, employed, status, urban)| {
            let income = Decimal::new(income as i64, 2);
            let earnings = Decimal::new(earn as i64, 2).min(income);
            Household {
                row: 2,
                id: "P".into(),
                area: Some(0),
                residence: Some(if urban {
                    Residence::Urban
                } else {
                    Residence::Rural
                }),
                members: Some(members),
                monthly_income: Some(income),
                employment_income: earnings,
                employed,
                status: [Status::None, Status::Dibao, Status::Edge, Status::None][status as usize],
                groups: [members.min(1), 0, 0, 0, 0],
                categories: Categories::default(),
                ..Household::default()
            }
        })
}

fn prop_policy() -> Policy {
    policy(
        "914",
        "439",
        "[dibao]\nround = \"yuan\"\nfloor_share = 0.2\nemployment_deduction = { share_of_income = 0.3 }\n[[dibao.uplift]]\ngroup = \"elderly\"\nshare = 0.1\n[edge]\nmultiple = 1.5",
    )
}

proptest! {
    #[test]
    fn a_grant_is_never_negative_and_totals_add_up(h in arb_household()) {
        let p = prop_policy();
        let ev = eval(&p, &h, "2022-06");
        for a in [ev.dibao_amount, ev.uplift_amount, ev.tekun_basic, ev.tekun_care, ev.gradual_exit_amount] {
            prop_assert!(a >= Decimal::ZERO);
        }
        prop_assert_eq!(ev.monthly_total(), ev.dibao_amount + ev.uplift_amount + ev.tekun_basic + ev.tekun_care + ev.gradual_exit_amount);
        prop_assert_eq!(ev.decision == Decision::Dibao, ev.dibao_amount > Decimal::ZERO);
    }

    #[test]
    fn more_income_never_means_more_dibao(h in arb_household(), extra in 0u64..500_000) {
        let p = prop_policy();
        let before = eval(&p, &h, "2022-06");
        let mut richer = h.clone();
        richer.monthly_income = h.monthly_income.map(|i| i + Decimal::new(extra as i64, 2));
        let after = eval(&p, &richer, "2022-06");
        prop_assert!(after.dibao_amount <= before.dibao_amount,
            "income {:?} → {:?}: grant {} → {}", h.monthly_income, richer.monthly_income, before.dibao_amount, after.dibao_amount);
    }
}
