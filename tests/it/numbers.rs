//! Numbers at their limits, end to end: money cells beyond the maximum, sums that would leave
//! the decimal range, negative or absurd policy values, months at the end of the calendar,
//! thread counts.

use crate::workdir::Workdir;

/// A policy with a 低保 asset test (50,000 per person), an edge multiple and a gradual exit.
const ASSET_POLICY: &str = r#"
[policy]
name = "asset test"

[[dibao.standard]]
from = "2022-01"
urban = 1000
rural = 800

[dibao]
asset_limit_per_person = 50000

[edge]
multiple = 1.5
"#;

fn row<'a>(rows: &'a [Vec<String>], id: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c == name).unwrap()
}

#[test]
fn a_nineteen_digit_asset_cell_is_invalid_and_assets_over_the_limit_are_refused() {
    let w = Workdir::new();
    w.write("policy.toml", ASSET_POLICY).write(
        "roster.csv",
        "household_id,region,residence,members,monthly_income,status,assets\n\
         A1,1,urban,2,100,dibao,9558000000000000000\n\
         A2,1,urban,2,100,dibao,200000\n",
    );
    for lang in ["zh", "en"] {
        let r = w.check(
            "policy.toml",
            "roster.csv",
            "2022-12",
            &["--format", "csv", "--lang", lang],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        let rows = r.csv();
        let (dec, total, reasons, message) = (
            col(&rows, "decision"),
            col(&rows, "monthly_total"),
            col(&rows, "reasons"),
            col(&rows, "message"),
        );
        let a1 = row(&rows, "A1");
        assert_eq!((a1[dec].as_str(), a1[total].as_str()), ("invalid", "0.00"));
        assert!(a1[reasons].contains("amount_too_large"), "{a1:?}");
        assert!(a1[message].contains("1,000,000,000,000"), "{a1:?}");
        let a2 = row(&rows, "A2");
        assert_eq!((a2[dec].as_str(), a2[total].as_str()), ("none", "0.00"));
        assert!(a2[reasons].contains("assets_over_limit"), "{a2:?}");
        // The default edge asset limit is the 低保 one: not 低保边缘 either.
        assert!(a2[reasons].contains("edge_assets_over_limit"), "{a2:?}");
        let m = &a2[message];
        // Both figures: assets per person 200000 / 2 and the limit per person.
        assert!(m.contains("100000.00") && m.contains("50000.00"), "{m}");
        assert!(m.contains("50.00") && m.contains("1000.00"), "{m}");
        if lang == "zh" {
            assert!(m.contains("低于低保标准") && m.contains("财产"), "{m}");
            assert!(!m.contains("不低于低保标准"), "{m}");
        } else {
            assert!(
                m.contains("is below the standard") && m.contains("assets"),
                "{m}"
            );
            assert!(!m.contains("not below"), "{m}");
        }
    }
    let r = w.run(&[
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--month",
        "2022-12",
        "--household",
        "A2",
        "--lang",
        "en",
    ]);
    assert!(r.stdout.contains("[dibao.assets]"), "{}", r.stdout);
    assert!(r.stdout.contains("[edge.assets]"), "{}", r.stdout);
    assert!(r.stdout.contains("refused for assets"), "{}", r.stdout);
}

#[test]
fn a_higher_edge_asset_limit_makes_a_household_over_the_dibao_limit_edge() {
    let w = Workdir::new();
    let policy = ASSET_POLICY.replace(
        "multiple = 1.5",
        "multiple = 1.5\nasset_limit_per_person = 150000",
    );
    w.write("policy.toml", policy).write(
        "roster.csv",
        "household_id,region,residence,members,monthly_income,status,assets\n\
         A2,1,urban,2,100,none,200000\n\
         A3,1,urban,2,100,none,400000\n",
    );
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let dec = col(&rows, "decision");
    // 200,000 ≤ 150,000 × 2; 400,000 > 300,000.
    assert_eq!(row(&rows, "A2")[dec], "edge");
    assert_eq!(row(&rows, "A3")[dec], "none");
    assert!(row(&rows, "A3")[col(&rows, "reasons")].contains("edge_assets_over_limit"));
}

#[test]
fn huge_money_cells_make_invalid_rows_never_a_panic() {
    let w = Workdir::bundled();
    let big = "99999999999999999999999999999";
    w.write(
        "big.csv",
        format!(
            "household_id,region,residence,members,monthly_income,status,exit_start,last_grant,employment_income\n\
             G1,620102,urban,3,3000,dibao,2022-10,{big},0\n\
             G2,620102,urban,3,3000,dibao,2022-10,{big},0\n\
             G3,620102,urban,3,1000,dibao,,,1000000000000.01\n\
             G4,620102,urban,3,1000000000000,dibao,,,\n"
        ),
    );
    let r = w.check("policy.toml", "big.csv", "2022-12", &["--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let rows = r.csv();
    let (dec, reasons) = (col(&rows, "decision"), col(&rows, "reasons"));
    for id in ["G1", "G2"] {
        assert_eq!(row(&rows, id)[dec], "invalid");
        assert!(row(&rows, id)[reasons].contains("out_of_range"), "{id}");
    }
    assert!(row(&rows, "G3")[reasons].contains("amount_too_large"));
    // Exactly the maximum is accepted.
    assert_eq!(row(&rows, "G4")[dec], "none");
}

#[test]
fn compare_refuses_a_weight_beyond_the_maximum_and_never_panics() {
    let w = Workdir::bundled();
    w.write(
        "weighted.csv",
        "household_id,region,residence,members,monthly_income,status,weight\n\
         W1,620102,urban,3,1000,dibao,9558000000000000000\n\
         W2,620102,urban,3,1000,dibao,2\n",
    );
    let r = w.run(&[
        "compare",
        "-p",
        "policy.toml",
        "--with",
        "policy.toml",
        "weighted.csv",
        "--month",
        "2022-12",
        "--weight",
        "weight",
        "--format",
        "csv",
        "--lang",
        "en",
    ]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("maximum"), "{}", r.stderr);
}

/// The bundled policy with `from` replaced by `to`; the replacement must happen.
fn policy_with(w: &Workdir, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(w.file("policy.toml")).unwrap();
    assert!(text.contains(from), "the bundled policy has no {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn negative_policy_values_are_refused_with_their_key() {
    let w = Workdir::bundled();
    for (from, to, key) in [
        ("multiple = 1.3", "multiple = -1.3", "tekun.basic.multiple"),
        (
            "amount = 1670",
            "amount = -1670",
            "tekun.care_base[0].amount",
        ),
        ("full = 0.27", "full = -0.27", "tekun.care.full"),
        (
            "institutional_uplift = 0.5",
            "institutional_uplift = -0.5",
            "tekun.institutional_uplift",
        ),
        (
            "share_of_income = 0.3",
            "share_of_income = -0.3",
            "dibao.employment_deduction.share_of_income",
        ),
        (
            "schedule = [1.0",
            "schedule = [-1.0",
            "gradual_exit.schedule[0]",
        ),
    ] {
        w.write("bad.toml", policy_with(&w, from, to));
        for lang in ["zh", "en"] {
            let r = w.check("bad.toml", "roster.csv", "2022-12", &["--lang", lang]);
            assert_eq!(r.code, 2, "{to}: {}", r.stderr);
            assert!(r.stderr.contains(key), "{to}: {}", r.stderr);
            // in the language asked, in one language (the default's wording is Chinese)
            let (says, not) = if lang == "zh" {
                ("不能为负数", "negative")
            } else {
                ("negative", "负数")
            };
            assert!(r.stderr.contains(says), "{to}: {}", r.stderr);
            assert!(!r.stderr.contains(not), "{to}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{to}");
        }
    }
}

#[test]
fn a_care_share_above_one_is_warned_and_absurd_exits_are_refused() {
    let w = Workdir::bundled();
    w.write("warn.toml", policy_with(&w, "full = 0.27", "full = 27"));
    let r = w.check("warn.toml", "roster.csv", "2022-12", &["--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("tekun.care.full"),
        "{}",
        r.stderr
    );
    // said in the language asked for, not in both at once
    assert!(!r.stderr.contains("share above 1"), "{}", r.stderr);
    assert!(r.stderr.contains("大于 1 的份额"), "{}", r.stderr);
    let ok = w.check("policy.toml", "roster.csv", "2022-12", &["--format", "csv"]);
    assert!(!ok.stderr.contains("share above 1"), "{}", ok.stderr);
    for (from, to, key) in [
        ("months = 6", "months = 2147483648", "gradual_exit.months"),
        (
            "schedule = [1.0",
            "schedule = [9999999999999999999",
            "gradual_exit.schedule",
        ),
        (
            "multiple = 1.3",
            "multiple = 1000001",
            "tekun.basic.multiple",
        ),
        (
            "amount = 1670",
            "amount = 1000000000001",
            "tekun.care_base[0].amount",
        ),
    ] {
        w.write("bad.toml", policy_with(&w, from, to));
        let r = w.check("bad.toml", "roster.csv", "2022-12", &[]);
        assert_eq!(r.code, 2, "{to}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{to}: {}", r.stderr);
        assert!(r.stderr.contains(key), "{to}: {}", r.stderr);
        if key != "gradual_exit.months" {
            assert!(r.stderr.contains("maximum"), "{to}: {}", r.stderr);
        }
    }
}

#[test]
fn index_values_with_underscores_and_months_past_9998_are_refused() {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "policy.toml");
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    for (index, what) in [
        ("month,cpi,food\n2022-09,1_0,1\n", "1_0"),
        ("month,cpi,food\n9999-12,3.5,1\n", "9999-12"),
    ] {
        w.write("cpi.csv", index);
        let r = w.run(&[
            "subsidy",
            "-p",
            "policy.toml",
            "--index",
            "cpi.csv",
            "roster.csv",
        ]);
        assert_eq!(r.code, 2, "{index}: {} {}", r.stdout, r.stderr);
        assert!(r.stderr.contains(what), "{}", r.stderr);
        assert!(!r.stdout.contains("10000-"), "{}", r.stdout);
    }
}

#[test]
fn thread_counts_beyond_256_are_a_usage_error() {
    let w = Workdir::bundled();
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["-j", "100000"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("256"), "{}", r.stderr);
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["-j", "256", "--format", "csv"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("H001"));
}

/// Every policy number at its maximum: standards and the care base 10^12, every share and
/// multiple 10^6 (each warned as a share above 1).
const EXTREME_POLICY: &str = r#"
[policy]
name = "extremes"

[[dibao.standard]]
from = "2022-01"
urban = 1000000000000
rural = 1000000000000

[dibao]
floor_share = 1000000
uplift = [
  { group = "elderly", share = 1000000 },
  { group = "minors", share = 1000000 },
]

[tekun]
basic = { multiple = 1000000 }
care_base = [{ from = "2022-01", amount = 1000000000000 }]
care = { self_care = 1000000, partial = 1000000, full = 1000000 }
institutional_uplift = 1000000

[edge]
multiple = 1000000

[gradual_exit]
months = 1
schedule = [1000000]
"#;

const EXTREME_HEADER: &str = "household_id,region,residence,members,monthly_income,status,care_level,institutional,elderly,minors,exit_start,last_grant\n";

#[test]
fn the_largest_values_compute_exactly_and_sums_beyond_the_range_stop_the_run() {
    let w = Workdir::new();
    w.write("policy.toml", EXTREME_POLICY);
    // Every cell at its maximum on the paths with the largest products: 低保 with floor and
    // uplifts (once with the largest income and last_grant), 特困 with institutional care. A
    // gradual exit cannot be reached here (income above a 10^12 standard exceeds the cell
    // maximum); its taper is at most 10^6 × 10^12.
    w.write(
        "one.csv",
        format!(
            "{EXTREME_HEADER}D1,1,urban,10000,0,dibao,,,5000,5000,,\n\
             E1,1,urban,10000,1000000000000,dibao,,,,,2022-12,1000000000000\n\
             T1,1,urban,10000,0,tekun,full,yes,,,,\n"
        ),
    );
    let r = w.check(
        "policy.toml",
        "one.csv",
        "2022-12",
        &["--format", "csv", "--lang", "en"],
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("share above 1"), "{}", r.stderr);
    let rows = r.csv();
    let total = col(&rows, "monthly_total");
    // 10^6 × 10^12 per person × 10^4 persons, floor and each uplift group of 5000.
    assert_eq!(row(&rows, "D1")[total], "20000000000000000000000.00");
    // care: 10^6 × 10^12 × (1 + 10^6) per person × 10^4; basic 10^6 × 10^12 × 10^4.
    assert_eq!(row(&rows, "T1")[total], "10000020000000000000000000000.00");
    // Eight 特困 rows sum beyond 7.9 × 10^28: exit 2 with the reason, no panic, no total.
    let many: String = (1..=8)
        .map(|i| format!("T{i},1,urban,10000,0,tekun,full,yes,,,,\n"))
        .collect();
    w.write("many.csv", format!("{EXTREME_HEADER}{many}"));
    for (lang, words) in [("en", "beyond the range"), ("zh", "超出")] {
        let r = w.check(
            "policy.toml",
            "many.csv",
            "2022-12",
            &["--format", "csv", "--lang", lang],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(r.stderr.contains(words), "{}", r.stderr);
    }
    let r = w.run(&[
        "compare",
        "-p",
        "policy.toml",
        "--with",
        "policy.toml",
        "many.csv",
        "--month",
        "2022-12",
        "--totals",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("beyond the range"), "{}", r.stderr);
}
