//! `jiuzhu compare` end to end: a reform whose cost is worked out by hand, and a policy
//! compared with itself.

use crate::workdir::{Run, Workdir};

/// Lanzhou 2022 with the five districts' urban standard raised from 914 to 950 a month.
fn reform_policy(w: &Workdir) {
    let base = std::fs::read_to_string(w.file("policy.toml")).unwrap();
    assert!(
        base.contains("\nurban = 914\n"),
        "the bundled policy's city standard"
    );
    let alt = base
        .replace("\nurban = 914\n", "\nurban = 950\n")
        .replace("name = \"兰州市 2022\"", "name = \"兰州市 2022 提标\"");
    w.write("reform.toml", alt);
}

/// By hand, per month (standard 914 → 950 in the city, +36 per person in a gap household):
/// A: 3 persons, income 1000: 1742 → 1850 (+108 = 36 × 3)
/// B: 2 persons, income 1850: per capita 925 ≥ 914 is edge (0) → 1900 − 1850 = 50, newly eligible
/// C: 1 person, no income: 914 → 950 (+36)
/// D: county, rural, 2 persons, income 400: 878 − 400 = 478 both (rural 439 unchanged)
/// E: city, rural, 2 persons, no income: 878 both
/// F: 1 person, income 3000: none both
/// Total +194 a month, +2328 a year; 3 gaining (1 newly eligible), 3 unchanged.
const ROSTER: &str = "\
household_id,region,residence,members,monthly_income,status,权数
A,620102,urban,3,1000,dibao,10
B,620103,urban,2,1850,none,2.5
C,620104,urban,1,0,dibao,1
D,620121,rural,2,400,dibao,1
E,620102,rural,2,0,dibao,1
F,620102,urban,1,3000,none,1
";

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.copy_repo_file("examples/roster.csv", "example.csv");
    w.write("roster.csv", ROSTER);
    reform_policy(&w);
    w
}

fn compare(w: &Workdir, roster: &str, with: &str, extra: &[&str]) -> crate::workdir::Run {
    let mut args = vec![
        "compare",
        "-p",
        "policy.toml",
        "--with",
        with,
        roster,
        "--month",
        "2022-12",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

fn totals(r: &crate::workdir::Run) -> Vec<Vec<String>> {
    let rows = r.csv();
    assert_eq!(
        rows[0][..6],
        [
            "section",
            "key",
            "cases",
            "base_total",
            "alt_total",
            "difference"
        ]
    );
    rows
}

fn total<'a>(rows: &'a [Vec<String>], section: &str, key: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[0] == section && r[1] == key)
        .unwrap_or_else(|| panic!("no {section} {key} in {rows:?}"))
}

#[test]
fn raising_the_city_standard_costs_what_the_hand_calculation_says() {
    let w = workdir();
    let r = compare(&w, "roster.csv", "reform.toml", &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let get = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    let (tb, ta, diff, change) = (
        col("total_base"),
        col("total_alt"),
        col("difference"),
        col("change"),
    );
    let a = get("A");
    assert_eq!(
        (
            a[tb].as_str(),
            a[ta].as_str(),
            a[diff].as_str(),
            a[change].as_str()
        ),
        ("1742.00", "1850.00", "108.00", "gain")
    );
    let b = get("B");
    assert_eq!(
        (
            b[col("decision_base")].as_str(),
            b[col("decision_alt")].as_str()
        ),
        ("edge", "dibao")
    );
    assert_eq!(
        (b[diff].as_str(), b[change].as_str()),
        ("50.00", "newly_eligible")
    );
    assert_eq!(get("C")[diff], "36.00");
    for id in ["D", "E", "F"] {
        assert_eq!(
            (get(id)[diff].as_str(), get(id)[change].as_str()),
            ("0.00", "unchanged"),
            "{id}"
        );
    }
    assert_eq!(rows.len(), 7, "one line per household");
    assert!(
        r.stderr.contains("+194.00") && r.stderr.contains("+2328.00"),
        "{}",
        r.stderr
    );

    let t = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--format", "csv", "--totals"],
    );
    let rows = totals(&t);
    let month = total(&rows, "month", "2022-12");
    assert_eq!(
        &month[2..],
        [
            "6", "4012.00", "4206.00", "194.00", "3", "0", "3", "1", "0", "0"
        ]
    );
    assert_eq!(total(&rows, "per_year", "x12")[5], "2328.00");
    assert_eq!(total(&rows, "area", "county")[5], "0.00");
    assert_eq!(total(&rows, "area", "city")[5], "194.00");
    assert_eq!(total(&rows, "decision", "edge->dibao")[5], "50.00");
    assert_eq!(total(&rows, "size", "3")[5], "108.00");
}

#[test]
fn a_range_multiplies_the_monthly_cost_and_weights_gross_it_up() {
    let w = workdir();
    let t = w.run(&[
        "compare",
        "-p",
        "policy.toml",
        "--with",
        "reform.toml",
        "roster.csv",
        "--month",
        "2022-10",
        "--to",
        "2022-12",
        "--format",
        "csv",
        "--totals",
    ]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    let rows = totals(&t);
    for m in ["2022-10", "2022-11", "2022-12"] {
        assert_eq!(total(&rows, "month", m)[5], "194.00");
    }
    let range = total(&rows, "range", "2022-10..2022-12");
    assert_eq!(
        (range[2].as_str(), range[5].as_str()),
        ("6", "582.00"),
        "households, 3 × 194"
    );
    assert_eq!(total(&rows, "per_year", "x12")[5], "2328.00");
    assert_eq!(
        total(&rows, "decision", "dibao->dibao")[2],
        "12",
        "cases are household-months"
    );

    // Weights 10, 2.5, 1, 1, 1, 1: 10 × 108 + 2.5 × 50 + 36 = 1241 a month.
    let t = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--weight", "权数", "--format", "csv", "--totals"],
    );
    assert_eq!(t.code, 0, "{}", t.stderr);
    let rows = totals(&t);
    let month = total(&rows, "month", "2022-12");
    assert_eq!(
        (
            month[2].as_str(),
            month[5].as_str(),
            month[6].as_str(),
            month[9].as_str()
        ),
        ("16.5", "1241.00", "13.5", "2.5")
    );
}

#[test]
fn a_policy_compared_with_itself_changes_nothing_anywhere() {
    let w = workdir();
    let r = compare(&w, "example.csv", "policy.toml", &["--format", "csv"]);
    assert_eq!(
        r.code, 1,
        "the example's undetermined and invalid rows: {}",
        r.stderr
    );
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), 13, "every household once");
    for row in &rows[1..] {
        assert_eq!(row[col("decision_base")], row[col("decision_alt")]);
        assert_eq!(row[col("total_base")], row[col("total_alt")]);
        assert!(
            ["0.00", ""].contains(&row[col("difference")].as_str()),
            "{row:?}"
        );
        assert!(
            ["unchanged", "undecided"].contains(&row[col("change")].as_str()),
            "{row:?}"
        );
    }
    let t = compare(
        &w,
        "example.csv",
        "policy.toml",
        &["--format", "csv", "--totals"],
    );
    let rows = totals(&t);
    for row in &rows[1..] {
        assert_eq!(row[3], row[4], "{row:?}");
        assert_eq!(row[5], "0.00", "{row:?}");
        for c in [6, 7, 9, 10] {
            assert!(["0", ""].contains(&row[c].as_str()), "{row:?}");
        }
    }
    assert_eq!(
        total(&rows, "month", "2022-12")[3],
        "7979.60",
        "the check total of the example"
    );
}

#[test]
fn json_has_households_totals_and_both_policies() {
    let w = workdir();
    let r = compare(&w, "roster.csv", "reform.toml", &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["policy"], "兰州市 2022");
    assert_eq!(v["with"]["policy"], "兰州市 2022 提标");
    assert_eq!(v["households"].as_array().unwrap().len(), 6);
    assert_eq!(v["households"][0]["difference"], "108.00");
    let range = v["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["section"] == "range")
        .unwrap();
    assert_eq!(range["difference"], "194.00");
    assert_eq!(range["newly_eligible"], "1");
}

#[test]
fn the_chart_is_an_svg_of_the_gains_and_other_formats_are_refused() {
    let w = workdir();
    let r = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--format", "csv", "--chart", "change.svg", "-o", "out.csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = w.read("change.svg");
    assert!(
        svg.starts_with("<svg") && svg.contains("提标") && svg.contains("不变 3 户"),
        "{svg}"
    );
    let r = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--chart", "change.png", "-o", "out2.csv"],
    );
    assert_eq!(r.code, 2);
    assert!(!w.file("out2.csv").exists() && !w.file("change.png").exists());
    let r = compare(&w, "roster.csv", "reform.toml", &["--weight", "样本权数"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("样本权数"), "{}", r.stderr);
}

#[test]
fn an_unreadable_weight_leaves_the_household_undecided() {
    let w = workdir();
    w.write(
        "weighted.csv",
        ROSTER.replace(
            "A,620102,urban,3,1000,dibao,10",
            "A,620102,urban,3,1000,dibao,十",
        ),
    );
    let r = compare(
        &w,
        "weighted.csv",
        "reform.toml",
        &["--weight", "权数", "--format", "csv", "--totals"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("权数"), "{}", r.stderr);
    let rows = totals(&r);
    let month = total(&rows, "month", "2022-12");
    assert_eq!(
        (month[5].as_str(), month[11].as_str()),
        ("161.00", "1"),
        "2.5 × 50 + 36; A not compared"
    );
}

/// The price-subsidy demo (Lanzhou 2022 standards, the national trigger, standard × the
/// triggering index to the yuan, floor 10) and the same policy with the 2022-08..2023-02
/// window's food threshold lowered from 6.0 to 4.5.
fn subsidy_workdir() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "demo.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    w.copy_repo_file("examples/roster.csv", "example.csv");
    w.write("roster.csv", ROSTER);
    let demo = w.read("demo.toml");
    let window = "until = \"2023-02\"\ncpi = 3.0\nfood = 6.0\n";
    assert!(demo.contains(window), "the demo's 2022 window");
    w.write(
        "lower.toml",
        demo.replace(window, "until = \"2023-02\"\ncpi = 3.0\nfood = 4.5\n")
            .replace(
                "name = \"价格临时补贴演示（兰州 2022 标准）\"",
                "name = \"食品启动条件降至 4.5%\"",
            ),
    );
    w
}

fn compare_index(w: &Workdir, base: &str, with: &str, roster: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "compare", "-p", base, "--with", with, roster, "--index", "cpi.csv",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// By hand. Pay months 2022-12..2023-02 pay for index months 2022-11..2023-01, whose food
/// index is 3.7, 4.8, 6.2 (CPI stays below 3.0).
/// - Base (food ≥ 6.0): only index month 2023-01 fires, paid 2023-02: city urban 914 × 6.2% =
///   56.668 → 57, rural 439 × 6.2% = 27.218 → 27 (the county's rural standard is 5268 / 12 =
///   439 too). A 57 × 3 = 171, C 57, D 27 × 2 = 54, E 27 × 2 = 54: 336. B (not enrolled,
///   edge by income but status none) and F (none) are in no group.
/// - Lowered (food ≥ 4.5): index month 2022-12 fires as well, paid 2023-01: 914 × 4.8% =
///   43.872 → 44, 439 × 4.8% = 21.072 → 21. A 132, C 44, D 42, E 42: +260 in 2023-01, nothing
///   else changes (2023-02 is 336 under both, 2022-12 nothing under either).
///
/// Regular amounts are 4012 a month under both.
#[test]
fn lowering_the_trigger_pays_the_newly_triggered_month_as_worked_by_hand() {
    let w = subsidy_workdir();
    let range = ["--month", "2022-12", "--to", "2023-02", "--format", "csv"];
    let r = compare_index(&w, "demo.toml", "lower.toml", "roster.csv", &range);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let cell = |id: &str, month: &str, name: &str| {
        rows.iter()
            .find(|r| r[0] == id && r[4] == month)
            .unwrap_or_else(|| panic!("no {id} {month}"))[col(name)]
        .clone()
    };
    let january: Vec<(&str, &str)> = vec![
        ("A", "132.00"),
        ("B", "0.00"),
        ("C", "44.00"),
        ("D", "42.00"),
        ("E", "42.00"),
        ("F", "0.00"),
    ];
    for (id, paid) in &january {
        assert_eq!(cell(id, "2023-01", "subsidy_base"), "0.00", "{id}");
        assert_eq!(cell(id, "2023-01", "subsidy_alt"), *paid, "{id}");
        assert_eq!(cell(id, "2023-01", "difference"), *paid, "{id}");
        assert_eq!(
            cell(id, "2023-01", "regular_base"),
            cell(id, "2023-01", "regular_alt")
        );
        for m in ["2022-12", "2023-02"] {
            assert_eq!(cell(id, m, "difference"), "0.00", "{id} {m}");
        }
    }
    assert_eq!(cell("A", "2023-01", "total_base"), "1742.00");
    assert_eq!(cell("A", "2023-01", "total_alt"), "1874.00", "1742 + 132");
    assert_eq!(cell("A", "2023-01", "change"), "gain");
    assert_eq!(
        cell("A", "2023-01", "subsidy_outcome_base"),
        "not_triggered"
    );
    assert_eq!(cell("A", "2023-01", "subsidy_outcome_alt"), "paid");
    assert_eq!(cell("A", "2023-02", "subsidy_base"), "171.00");
    assert_eq!(cell("F", "2023-01", "subsidy_outcome_alt"), "not_covered");
    assert_eq!(rows.len(), 1 + 6 * 3);

    let mut totals_args = range.to_vec();
    totals_args.push("--totals");
    let t = compare_index(&w, "demo.toml", "lower.toml", "roster.csv", &totals_args);
    assert_eq!(t.code, 0, "{}", t.stderr);
    let rows = totals(&t);
    assert_eq!(
        rows[0][12..],
        ["base_subsidy", "alt_subsidy", "subsidy_difference"]
    );
    let month = |m: &str| total(&rows, "month", m)[2..].to_vec();
    assert_eq!(
        month("2022-12"),
        [
            "6", "4012.00", "4012.00", "0.00", "0", "0", "6", "0", "0", "0", "0.00", "0.00", "0.00"
        ]
    );
    assert_eq!(
        month("2023-01"),
        [
            "6", "4012.00", "4272.00", "260.00", "4", "0", "2", "0", "0", "0", "0.00", "260.00",
            "260.00"
        ]
    );
    assert_eq!(
        month("2023-02"),
        [
            "6", "4348.00", "4348.00", "0.00", "0", "0", "6", "0", "0", "0", "336.00", "336.00",
            "0.00"
        ]
    );
    let range_line = total(&rows, "range", "2022-12..2023-02");
    assert_eq!(
        (range_line[5].as_str(), range_line[14].as_str()),
        ("260.00", "260.00")
    );
    assert_eq!(total(&rows, "area", "county")[14], "42.00");
    assert!(
        t.stderr
            .contains("其中价格临时补贴 0.00 → 260.00（+260.00）"),
        "{}",
        t.stderr
    );
}

#[test]
fn a_policy_compared_with_itself_with_the_index_changes_nothing_anywhere() {
    let w = subsidy_workdir();
    // Pay months 2022-08..2023-03: index months 2022-07..2023-02, five of them triggered.
    let range = ["--month", "2022-08", "--to", "2023-03", "--format", "csv"];
    let r = compare_index(&w, "demo.toml", "demo.toml", "example.csv", &range);
    assert_eq!(
        r.code, 1,
        "the example's undetermined and invalid rows: {}",
        r.stderr
    );
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), 1 + 12 * 8, "every household once a month");
    let mut paid = 0;
    for row in &rows[1..] {
        for (b, a) in [
            ("decision_base", "decision_alt"),
            ("regular_base", "regular_alt"),
            ("subsidy_base", "subsidy_alt"),
            ("total_base", "total_alt"),
            ("subsidy_outcome_base", "subsidy_outcome_alt"),
        ] {
            assert_eq!(row[col(b)], row[col(a)], "{b} {row:?}");
        }
        assert!(
            ["0.00", ""].contains(&row[col("difference")].as_str()),
            "{row:?}"
        );
        assert!(
            ["unchanged", "undecided"].contains(&row[col("change")].as_str()),
            "{row:?}"
        );
        paid += usize::from(row[col("subsidy_outcome_base")] == "paid");
    }
    assert!(paid > 10, "the range has subsidies to compare: {paid}");

    let mut totals_args = range.to_vec();
    totals_args.push("--totals");
    let t = compare_index(&w, "demo.toml", "demo.toml", "example.csv", &totals_args);
    let rows = totals(&t);
    for row in &rows[1..] {
        assert_eq!(row[3], row[4], "{row:?}");
        assert_eq!(row[5], "0.00", "{row:?}");
        assert_eq!(row[12], row[13], "{row:?}");
        assert_eq!(row[14], "0.00", "{row:?}");
        for c in [6, 7, 9, 10] {
            assert!(["0", ""].contains(&row[c].as_str()), "{row:?}");
        }
    }
    assert_ne!(total(&rows, "month", "2022-10")[12], "0.00");
}

#[test]
fn the_subsidy_in_compare_is_the_one_subsidy_pays() {
    let w = subsidy_workdir();
    // subsidy --from/--to name index months; compare --month/--to the months paid.
    let s = w.run(&[
        "subsidy",
        "-p",
        "demo.toml",
        "--index",
        "cpi.csv",
        "--from",
        "2022-07",
        "--to",
        "2023-02",
        "roster.csv",
        "--format",
        "csv",
        "-o",
        "rows.csv",
        "--totals",
        "totals.csv",
    ]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let t = compare_index(
        &w,
        "demo.toml",
        "lower.toml",
        "roster.csv",
        &[
            "--month", "2022-08", "--to", "2023-03", "--format", "csv", "--totals",
        ],
    );
    assert_eq!(t.code, 0, "{}", t.stderr);
    let rows = totals(&t);
    let paid: Vec<Vec<String>> = csv::Reader::from_reader(w.read("totals.csv").as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    for m in 2022 * 12 + 7..2023 * 12 + 3 {
        let month = format!("{}-{:02}", m / 12, m % 12 + 1);
        let expected = paid
            .iter()
            .find(|r| r[0] == month && r[1] == "all")
            .map_or("0.00", |r| r[4].as_str());
        assert_eq!(total(&rows, "month", &month)[12], expected, "{month}");
    }
}

#[test]
fn the_index_with_policies_without_a_price_subsidy() {
    let w = subsidy_workdir();
    w.copy_repo_file("policies/lanzhou-2022.toml", "lanzhou.toml");
    // Neither pays a subsidy: nothing to compare, nothing written.
    let r = compare_index(
        &w,
        "lanzhou.toml",
        "lanzhou.toml",
        "roster.csv",
        &["--month", "2022-12", "-o", "out.csv"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[price_subsidy]"), "{}", r.stderr);
    assert!(!w.file("out.csv").exists());
    // One does: the other pays none, and says so. Index month 2023-01 is paid in 2023-02.
    let r = compare_index(
        &w,
        "lanzhou.toml",
        "demo.toml",
        "roster.csv",
        &["--month", "2023-02", "--format", "csv", "--totals"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // in Chinese by default (the wording changed from one mixed line to one language)
    assert!(
        r.stderr
            .contains("lanzhou.toml 未规定价格临时补贴（[price_subsidy]），按不发放计"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("pays no price subsidy"), "{}", r.stderr);
    let rows = totals(&r);
    let month = total(&rows, "month", "2023-02");
    assert_eq!(
        (month[12].as_str(), month[13].as_str(), month[5].as_str()),
        ("0.00", "336.00", "336.00")
    );
}

#[test]
fn a_month_without_an_index_row_leaves_the_subsidy_and_the_comparison_undecided() {
    let w = subsidy_workdir();
    let series: String = w
        .read("cpi.csv")
        .lines()
        .filter(|l| !l.starts_with("2022-12"))
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("cpi.csv", series);
    let r = compare_index(
        &w,
        "demo.toml",
        "lower.toml",
        "roster.csv",
        &["--month", "2023-01", "--to", "2023-02", "--format", "csv"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let a = rows
        .iter()
        .find(|r| r[0] == "A" && r[4] == "2023-01")
        .unwrap();
    assert_eq!(a[col("subsidy_base")], "");
    assert_eq!(a[col("total_base")], "");
    assert_eq!(
        a[col("regular_base")],
        "1742.00",
        "the regular amount is known"
    );
    assert_eq!(a[col("change")], "undecided");
    assert!(a[col("reasons_base")].contains("price_subsidy:missing_index"));
    let a = rows
        .iter()
        .find(|r| r[0] == "A" && r[4] == "2023-02")
        .unwrap();
    assert_eq!(
        a[col("change")],
        "unchanged",
        "2023-02 pays for 2023-01, which has a row"
    );
    assert!(r.stderr.contains("缺指数"), "{}", r.stderr);
}

/// `first17` completed with its GB 11643 check character.
fn with_check_char(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A head of 72 with a 一级 disability: under Lanzhou 2022 the severe-disability uplift pays
/// them most (0.2 × 914 = 182.8 → 183); raise the elderly uplift to 0.4 (365.6 → 366) and the
/// same person counts as elderly instead. Each side joins the members file under its own
/// policy: 1228 + 183 = 1411 → 1228 + 366 = 1594, +183.
#[test]
fn each_side_puts_each_member_in_the_group_its_own_policy_pays_most() {
    let w = workdir();
    let base = std::fs::read_to_string(w.file("policy.toml")).unwrap();
    let old = "group = \"elderly\"\nshare = 0.1\n";
    assert!(base.contains(old));
    w.write(
        "elderly.toml",
        base.replace(old, "group = \"elderly\"\nshare = 0.4\n"),
    );
    w.write(
        "members_roster.csv",
        "household_id,region,residence,members,monthly_income,status\nG,620102,urban,2,600,dibao\n",
    );
    w.write(
        "members.csv",
        format!(
            "户编号,身份证号码,姓名,残疾等级\nG,{},甲,一级\nG,{},乙,\n",
            with_check_char("62010219500101123"),
            with_check_char("62010219800505123")
        ),
    );
    let r = compare(
        &w,
        "members_roster.csv",
        "elderly.toml",
        &["--members", "members.csv", "--format", "csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][col("total_base")], "1411.00");
    assert_eq!(rows[1][col("total_alt")], "1594.00");
    assert_eq!(rows[1][col("difference")], "183.00");
    // Without the members file the roster has no group counts: no uplift on either side.
    let r = compare(
        &w,
        "members_roster.csv",
        "elderly.toml",
        &["--format", "csv"],
    );
    assert_eq!(r.csv()[1][col("difference")], "0.00");
    // A person whose household is not in the roster is reported and fails the run.
    let mut m = w.read("members.csv");
    m += "Z,,某,\n";
    w.write("members.csv", m);
    let r = compare(
        &w,
        "members_roster.csv",
        "elderly.toml",
        &["--members", "members.csv", "--format", "csv"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("“Z”"), "{}", r.stderr);
}

#[test]
fn each_household_row_is_named_whole_in_files_and_masked_on_screen() {
    let w = workdir();
    let r = compare(&w, "example.csv", "reform.toml", &["--format", "csv"]);
    let rows = r.csv();
    assert_eq!(
        rows[0][..5],
        ["household_id", "township", "head_name", "head_id", "month"],
        "{}",
        r.stderr
    );
    let h1 = rows.iter().find(|r| r[0] == "H001").expect("H001");
    assert_eq!(h1[1..4], ["城关镇", "张秀兰", "11010519491231002X"]);
    for name in ["township", "head_name", "head_id"] {
        assert_eq!(rows[0].iter().filter(|c| *c == name).count(), 1, "{name}");
    }
    let v = compare(&w, "example.csv", "reform.toml", &["--format", "json"]).json();
    let h = &v["households"][0];
    assert_eq!(h["head_name"], "张秀兰");
    assert_eq!(h["head_id"], "11010519491231002X");
    assert_eq!(h["township"], "城关镇");
    let t = compare(&w, "example.csv", "reform.toml", &["--format", "table"]);
    let line = t
        .stdout
        .lines()
        .find(|l| l.contains(" H001 "))
        .unwrap_or_else(|| panic!("{}", t.stdout));
    assert!(line.contains("张秀兰"), "{line}");
    assert!(line.contains("110105********002X"), "{line}");
    assert!(!t.stdout.contains("11010519491231002X"), "{}", t.stdout);

    w.write(
        "f.csv",
        "household_id,region,residence,members,monthly_income,status,head_name\nF1,620102,urban,1,100,dibao,\"=SUM(1,2)\"\n",
    );
    let rows = compare(&w, "f.csv", "reform.toml", &["--format", "csv"]).csv();
    assert_eq!(rows[1][2], "'=SUM(1,2)");
}

/// Every output of `compare` on a generated roster of 3,000 households, byte for byte: one
/// line per household (csv, json, table in both languages), a range with weights, the totals,
/// the chart, and each policy's price subsidy with `--index`.
#[test]
fn compare_outputs_on_a_generated_roster_are_pinned_byte_for_byte() {
    use crate::golden::{golden_workdir, pin};
    let w = golden_workdir();
    let base = [
        "compare",
        "-p",
        "policy.toml",
        "--with",
        "reform.toml",
        "roster.csv",
        "--month",
        "2022-12",
    ];
    let with = |extra: &[&'static str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        v
    };
    pin(&w, "compare-csv", &with(&["--format", "csv"]), &[]);
    pin(&w, "compare-json", &with(&["--format", "json"]), &[]);
    pin(&w, "compare-table", &with(&["--format", "table"]), &[]);
    pin(
        &w,
        "compare-table-en",
        &with(&["--format", "table", "--lang", "en"]),
        &[],
    );
    let range = [
        "--to",
        "2023-02",
        "--weight",
        "权数",
        "--chart",
        "change.svg",
    ];
    let mut a = with(&range);
    a.extend(["--format", "csv"]);
    pin(&w, "compare-range-csv", &a, &["change.svg"]);
    let mut a = with(&range);
    a.extend(["--format", "json", "--lang", "en"]);
    pin(&w, "compare-range-json-en", &a, &["change.svg"]);
    let mut a = with(&range);
    a.extend(["--totals", "--format", "csv"]);
    pin(&w, "compare-totals-csv", &a, &[]);
    let mut a = with(&range);
    a.extend(["--totals", "--format", "table"]);
    pin(&w, "compare-totals-table", &a, &[]);
    let mut a = with(&range);
    a.extend(["--totals", "--format", "table", "--lang", "en"]);
    pin(&w, "compare-totals-table-en", &a, &[]);
    let index = |extra: &[&'static str]| {
        let mut v = vec![
            "compare",
            "-p",
            "demo.toml",
            "--with",
            "lower.toml",
            "roster.csv",
            "--month",
            "2022-08",
            "--to",
            "2022-12",
            "--index",
            "cpi.csv",
        ];
        v.extend_from_slice(extra);
        v
    };
    pin(&w, "compare-index-csv", &index(&["--format", "csv"]), &[]);
    pin(&w, "compare-index-json", &index(&["--format", "json"]), &[]);
    pin(
        &w,
        "compare-index-table",
        &index(&["--format", "table"]),
        &[],
    );
    pin(
        &w,
        "compare-index-table-en",
        &index(&["--format", "table", "--lang", "en"]),
        &[],
    );
    pin(
        &w,
        "compare-index-totals-csv",
        &index(&["--totals", "--format", "csv", "--weight", "权数"]),
        &[],
    );
    pin(
        &w,
        "compare-index-totals-table",
        &index(&["--totals", "--format", "table"]),
        &[],
    );
}

/// `--columns` chooses and orders the household lines' columns by English or Chinese name, in
/// every format; an unknown name is a usage error that lists the valid ones.
#[test]
fn columns_choose_and_order_the_household_lines() {
    let w = workdir();
    let r = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--format", "csv", "--columns", "差额,household_id,change"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(rows[0], ["difference", "household_id", "change"]);
    assert_eq!(rows[1], ["108.00", "A", "gain"]);
    assert_eq!(rows.len(), 7);
    let j = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--format", "json", "--columns", "household_id,total_alt"],
    );
    assert_eq!(j.code, 0, "{}", j.stderr);
    let first = &j.json()["households"][0];
    assert_eq!(first["household_id"], "A");
    assert_eq!(first["total_alt"], "1850.00");
    assert_eq!(first.as_object().map(|o| o.len()), Some(2));
    let t = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &[
            "--format",
            "table",
            "--columns",
            "户编号,变化",
            "--lang",
            "en",
        ],
    );
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(
        t.stdout.contains("| household_id | change "),
        "{}",
        t.stdout
    );
    assert!(t.stdout.contains("| A            | gain "), "{}", t.stdout);
    let bad = compare(
        &w,
        "roster.csv",
        "reform.toml",
        &["--format", "csv", "--columns", "household_id,nope"],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stdout.is_empty());
    assert!(
        bad.stderr.contains("“nope”") && bad.stderr.contains("difference（差额）"),
        "{}",
        bad.stderr
    );
}

/// Over a range with `--members`, the note that ages and groups are those of the first month is
/// said in one language: Chinese by default, English with `--lang en`.
#[test]
fn the_members_note_is_said_in_the_language_asked() {
    let w = workdir();
    w.write(
        "members_roster.csv",
        "household_id,region,residence,members,monthly_income,status\nG,620102,urban,2,600,dibao\n",
    );
    w.write(
        "members.csv",
        format!(
            "户编号,身份证号码,姓名,残疾等级\nG,{},甲,一级\nG,{},乙,\n",
            with_check_char("62010219500101123"),
            with_check_char("62010219800505123")
        ),
    );
    let args = [
        "--members",
        "members.csv",
        "--to",
        "2023-02",
        "--format",
        "csv",
    ];
    let zh = compare(&w, "members_roster.csv", "policy.toml", &args);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    assert!(
        zh.stderr
            .contains("--members：整个区间的年龄和分类施保人群按"),
        "{}",
        zh.stderr
    );
    assert!(
        !zh.stderr.contains("ages and uplift groups"),
        "{}",
        zh.stderr
    );
    let mut en_args = args.to_vec();
    en_args.extend(["--lang", "en"]);
    let en = compare(&w, "members_roster.csv", "policy.toml", &en_args);
    assert_eq!(en.code, 0, "{}", en.stderr);
    assert!(
        en.stderr
            .contains("--members: ages and uplift groups are those of"),
        "{}",
        en.stderr
    );
    assert!(!en.stderr.contains("分类施保人群"), "{}", en.stderr);
    assert!(zh.stdout == en.stdout, "only stderr depends on --lang");
}

/// `--index` with two policies that pay no price subsidy is refused in one language: Chinese
/// by default, English with `--lang en`.
#[test]
fn the_index_refusal_is_said_in_the_language_asked() {
    let w = subsidy_workdir();
    w.copy_repo_file("policies/lanzhou-2022.toml", "lanzhou.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["--month", "2022-12"];
        args.extend_from_slice(extra);
        compare_index(&w, "lanzhou.toml", "lanzhou.toml", "roster.csv", &args)
    };
    let zh = run(&[]);
    assert_eq!(zh.code, 2, "{}", zh.stderr);
    assert!(zh.stderr.contains("均未规定价格临时补贴"), "{}", zh.stderr);
    assert!(!zh.stderr.contains("neither"), "{}", zh.stderr);
    let en = run(&["--lang", "en"]);
    assert_eq!(en.code, 2, "{}", en.stderr);
    assert!(
        en.stderr
            .contains("so there is no price subsidy to compare"),
        "{}",
        en.stderr
    );
    assert!(!en.stderr.contains("均未规定"), "{}", en.stderr);
}
