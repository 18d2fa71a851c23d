//! `jiuzhu explain` byte for byte: the text and JSON of a few households (zh and en, with and
//! without the price subsidy, with a members file) are kept in `tests/fixtures/explain/` and
//! must come out unchanged. `JIUZHU_BLESS=1` rewrites the stored files from the current binary
//! (only when the output is meant to change).

use crate::workdir::Workdir;
use std::path::PathBuf;

fn stored(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/explain")
        .join(name)
}

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "subsidy.toml");
    w.copy_repo_file("policies/lanzhou-2022.toml", "lanzhou.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    w.write(
        "members.csv",
        "户编号,姓名,与户主关系,身份证号,类别\n\
         H003,王桂英,户主,620121195503120027,youfu\n\
         H003,张三,配偶,620121195403120031,\n\
         H003,张小,子女,620121201503120018,\n\
         H003,张二,子女,620121201803120026,\n",
    );
    w
}

/// (stored file, arguments after `explain`)
const CASES: &[(&str, &str)] = &[
    (
        "h003-paid-zh.txt",
        "-p subsidy.toml roster.csv --household H003 --month 2022-10 --index cpi.csv --format table --lang zh",
    ),
    (
        "h003-paid-en.txt",
        "-p subsidy.toml roster.csv --household H003 --month 2022-10 --index cpi.csv --format table --lang en",
    ),
    (
        "h003-paid.json",
        "-p subsidy.toml roster.csv --household H003 --month 2022-10 --index cpi.csv --format json --lang zh",
    ),
    (
        "h003-not-triggered-en.txt",
        "-p subsidy.toml roster.csv --household H003 --month 2022-12 --index cpi.csv --format table --lang en",
    ),
    (
        "h003-missing-index-zh.txt",
        "-p subsidy.toml roster.csv --household H003 --month 2023-08 --index cpi.csv --format table --lang zh",
    ),
    (
        "h003-missing-index-en.json",
        "-p subsidy.toml roster.csv --household H003 --month 2023-08 --index cpi.csv --format json --lang en",
    ),
    (
        "h001-paid-en.json",
        "-p subsidy.toml roster.csv --household H001 --month 2022-10 --index cpi.csv --format json --lang en",
    ),
    (
        "h007-edge-window-zh.txt",
        "-p subsidy.toml roster.csv --household H007 --month 2022-10 --index cpi.csv --format table --lang zh",
    ),
    (
        "h009-undetermined-en.txt",
        "-p subsidy.toml roster.csv --household H009 --month 2022-10 --index cpi.csv --format table --lang en",
    ),
    (
        "h010-invalid-zh.txt",
        "-p subsidy.toml roster.csv --household H010 --month 2022-10 --index cpi.csv --format table --lang zh",
    ),
    (
        "h003-members-zh.txt",
        "-p subsidy.toml roster.csv --household H003 --month 2022-10 --index cpi.csv --members members.csv --format table --lang zh",
    ),
    (
        "h003-members-en.json",
        "-p subsidy.toml roster.csv --household H003 --month 2022-10 --index cpi.csv --members members.csv --format json --lang en",
    ),
    (
        "h004-lanzhou-zh.txt",
        "-p lanzhou.toml roster.csv --household H004 --month 2022-12 --format table --lang zh",
    ),
    (
        "h004-lanzhou-en-unmasked.txt",
        "-p lanzhou.toml roster.csv --household H004 --month 2022-12 --format table --lang en --unmask",
    ),
    (
        "h006-lanzhou.json",
        "-p lanzhou.toml roster.csv --household H006 --month 2022-12 --format json --lang zh",
    ),
];

#[test]
fn explain_output_is_unchanged_byte_for_byte() {
    let w = workdir();
    let bless = std::env::var_os("JIUZHU_BLESS").is_some();
    let mut differ = Vec::new();
    for (name, args) in CASES {
        let mut argv = vec!["explain"];
        argv.extend(args.split(' '));
        let r = w.run(&argv);
        let got = format!("exit {}\n{}", r.code, r.stdout);
        assert!(r.code == 0 || r.code == 1, "{name}: {}", r.stderr);
        let path = stored(name);
        if bless {
            std::fs::write(&path, &got).expect("write the stored output");
            continue;
        }
        let want =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if got != want {
            differ.push(format!("{name}:\n--- stored\n{want}\n--- now\n{got}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// A triggered index month whose rules are not in force (the 低保 standard starts later) stops
/// `explain --index` with an error naming the index month and the lag; a month not triggered
/// needs no rules and is explained.
#[test]
fn explain_index_month_without_rules_in_force_is_an_error_naming_it() {
    let w = Workdir::new();
    w.write(
        "p.toml",
        "[policy]\nname = \"t\"\n[[dibao.standard]]\nfrom = \"2022-01\"\nurban = 900\nrural = 600\n\
         [price_subsidy]\nindex_lag = 1\n[[price_subsidy.trigger]]\nfrom = \"2016-01\"\ncpi = 3.5\n\
         [[price_subsidy.formula]]\nfrom = \"2016-01\"\nmode = \"fixed\"\namounts = { urban = 50, rural = 40 }\n\
         [price_subsidy.groups]\ndibao = \"own\"\n",
    );
    w.write(
        "r.csv",
        "household_id,region,residence,members,monthly_income,status\nH1,x,urban,2,100,dibao\n",
    );
    w.write(
        "i.csv",
        "month,cpi,food\n2021-12,5.0,1.0\n2022-01,1.0,1.0\n",
    );
    let run = |month: &str| {
        w.run(&[
            "explain",
            "-p",
            "p.toml",
            "r.csv",
            "--household",
            "H1",
            "--month",
            month,
            "--index",
            "i.csv",
        ])
    };
    let r = run("2022-01");
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("price subsidy for index month 2021-12 (paid 1 months later)")
            && r.stderr.contains("dibao.standard"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = run("2022-02");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("价格临时补贴: 未启动 0.00"),
        "{}",
        r.stdout
    );
}

/// A household the roster does not hold is refused in one language: Chinese by default,
/// English with `--lang en`.
#[test]
fn a_household_not_in_the_roster_is_said_in_the_language_asked() {
    let w = workdir();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "explain",
            "-p",
            "lanzhou.toml",
            "roster.csv",
            "--household",
            "NOPE",
            "--month",
            "2022-12",
        ];
        args.extend_from_slice(extra);
        w.run(&args)
    };
    let zh = run(&[]);
    assert_eq!(zh.code, 2, "{}", zh.stderr);
    assert!(
        zh.stderr.contains("花名册 roster.csv 中没有户编号 NOPE"),
        "{}",
        zh.stderr
    );
    assert!(!zh.stderr.contains("is not in"), "{}", zh.stderr);
    let en = run(&["--lang", "en"]);
    assert_eq!(en.code, 2, "{}", en.stderr);
    assert!(
        en.stderr.contains("household NOPE is not in roster.csv"),
        "{}",
        en.stderr
    );
    assert!(!en.stderr.contains("花名册"), "{}", en.stderr);
}
