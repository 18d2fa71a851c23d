//! `jiuzhu test`: the shipped policies reproduce their published cases, and a test file that
//! disagrees with its policy fails with the difference and the household's explanation.

use crate::workdir::Workdir;

/// Every test file in policies/tests passes through the real binary: the policies shipped
/// reproduce every hand-worked figure their test files state.
#[test]
fn shipped_policies_pass_their_test_files() {
    let w = Workdir::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/tests");
    let r = w.run(&["test", dir]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let last = r.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("result: ") && last.ends_with(" 0 failed"),
        "{last}"
    );
    assert!(!r.stdout.contains("FAILED"), "{}", r.stdout);
}

const CASE: &str = "policy = \"policy.toml\"\n\n[[case]]\nname = \"补差\"\nmonth = \"2022-12\"\nsource = \"914 × 3 − 1000\"\nhousehold = { region = \"620102\", residence = \"urban\", members = 3, monthly_income = 1000, status = \"dibao\" }\n[case.expect]\n";

fn with_expect(expect: &str) -> Workdir {
    let w = Workdir::bundled();
    w.write("t.toml", format!("{CASE}{expect}"));
    w
}

#[test]
fn a_wrong_expectation_fails_with_the_difference_and_the_explanation() {
    let w = with_expect(
        "decision = \"dibao\"\ndibao_amount = \"1741.00\"\nreasons = [\"income_below_standard\"]\n",
    );
    let r = w.run(&["test", "t.toml", "--lang", "en"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("case 补差 (2022-12) ... FAILED"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("dibao_amount  expected: 1741.00"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("actual  : 1742.00"), "{}", r.stdout);
    // the explanation of the failing household, with the parameter and its source
    assert!(
        r.stdout
            .contains("gap = standard 914.00 × 3 − counted income 1000.00 = 1742.00"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("source: 914 × 3 − 1000"), "{}", r.stdout);
    assert!(
        r.stdout.ends_with("result: 0 passed, 1 failed\n"),
        "{}",
        r.stdout
    );
    // the matching fields are not listed as differences
    assert!(!r.stdout.contains("decision  expected"), "{}", r.stdout);
}

#[test]
fn numbers_match_by_value_and_reason_lists_as_sets() {
    let w = with_expect(
        "dibao_amount = 1742\nper_capita_income = 333.33\nreasons = [\"income_below_standard\"]\nmessage_contains = \"1742.00\"\n[case.expect.payouts]\ndibao = 1742\nuplift = \"none\"\n[case.expect.approval]\ndibao = \"routine\"\n",
    );
    let r = w.run(&["test", "t.toml"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("result: 1 passed, 0 failed"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_expected_field_no_command_produces_is_an_error_of_the_test_file() {
    let w = with_expect("dibao_amout = 1742\n");
    let r = w.run(&["test", "t.toml"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("check has no field \"dibao_amout\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("dibao_amount"),
        "the valid fields are listed: {}",
        r.stderr
    );
    let w = with_expect("[case.expect.payouts]\ndibaoo = 1742\n");
    let r = w.run(&["test", "t.toml"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("\"dibaoo\" is not a payment item"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "nothing runs: {}", r.stdout);
}

#[test]
fn unreadable_test_files_exit_2_before_any_case_runs() {
    let w = Workdir::bundled();
    w.write("good.toml", format!("{CASE}dibao_amount = 1742\n"));
    w.write("bad.toml", "policy = \"policy.toml\"\n[[case]]\nname = 1\n");
    let r = w.run(&["test", "good.toml", "bad.toml"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("bad.toml"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = w.run(&["test", "missing.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}

#[test]
fn json_report_for_ci() {
    let w = with_expect("dibao_amount = 1700\n");
    let r = w.run(&["test", "t.toml", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["passed"], 0);
    assert_eq!(j["failed"], 1);
    let case = &j["cases"][0];
    assert_eq!(case["name"], "补差");
    assert_eq!(case["passed"], false);
    assert_eq!(case["diffs"][0]["field"], "dibao_amount");
    assert_eq!(case["diffs"][0]["expected"], "1700");
    assert_eq!(case["diffs"][0]["actual"], "1742.00");
    assert!(case["explain"].as_str().unwrap().contains("1742.00"));
}

#[test]
fn subsidy_expectations_read_the_household_row_of_the_pay_month() {
    // The subsidy demo's proportional formula: CPI 3.3% in index month 2022-11 fires (≥ 3.0 in
    // the 2022-08..2023-02 window); city urban standard 914 × 3.3% = 30.162 → 30 a person,
    // × 2 persons = 60.00, paid in 2022-12 (index month + 1).
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "policy.toml");
    w.write(
        "t.toml",
        "policy = \"policy.toml\"\n[[case]]\nname = \"价格补贴\"\nmonth = \"2022-12\"\nhousehold = { region = \"620102\", residence = \"urban\", members = 2, monthly_income = 600, status = \"dibao\" }\nindex = [{ month = \"2022-11\", cpi = 3.3, food = 2.0 }]\n[case.expect.subsidy]\npersons = 2\nindex_month = \"2022-11\"\nper_person = 30\namount = \"60.00\"\n",
    );
    let r = w.run(&["test", "t.toml"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    w.write(
        "t.toml",
        "policy = \"policy.toml\"\n[[case]]\nname = \"价格补贴\"\nmonth = \"2022-12\"\nhousehold = { region = \"620102\", residence = \"urban\", members = 2, monthly_income = 600, status = \"dibao\" }\nindex = [{ month = \"2022-11\", cpi = 3.3, food = 2.0 }]\n[case.expect.subsidy]\namount = \"0.00\"\n",
    );
    let r = w.run(&["test", "t.toml"]);
    assert_eq!(r.code, 1, "a triggered month pays something: {}", r.stdout);
    assert!(r.stdout.contains("subsidy.amount"), "{}", r.stdout);
}

#[test]
fn init_writes_a_starter_test_file_that_passes() {
    let w = Workdir::new();
    let r = w.run(&["init", "demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(w.file("demo/policy.test.toml").exists());
    let r = w.run(&["test", "demo/policy.test.toml"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(" passed, 0 failed"), "{}", r.stdout);
}
