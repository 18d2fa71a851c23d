//! `jiuzhu validate` end to end: every defect with its file, row and column; exit 1 when
//! anything is wrong, 0 when clean, 2 when a file cannot be opened.

use crate::rosters::id_born;
use crate::workdir::{Run, Workdir};

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w
}

fn validate(w: &Workdir, args: &[&str]) -> Run {
    let mut all = vec![
        "validate",
        "-p",
        "policy.toml",
        "--month",
        "2022-12",
        "--format",
        "csv",
    ];
    all.extend_from_slice(args);
    w.run(&all)
}

/// The listing as (file, row, column, value, severity, code) rows.
fn problems(r: &Run) -> Vec<[String; 6]> {
    let rows = r.csv();
    assert_eq!(
        rows.first().map(|h| h.join(",")).as_deref(),
        Some("file,row,household_id,head_name,column,value,severity,code,reason,fix"),
        "{}",
        r.stdout
    );
    rows.iter()
        .skip(1)
        .map(|p| [0, 1, 4, 5, 6, 7].map(|i| p[i].clone()))
        .collect()
}

fn has(list: &[[String; 6]], row: &str, column: &str, code: &str) -> bool {
    list.iter()
        .any(|p| p[1] == row && p[2] == column && p[5] == code)
}

const HEADER: &str =
    "户编号,区划代码,城乡类别,家庭人口,家庭月收入,保障类别,户主姓名,户主身份证号,银行账号\n";

#[test]
fn a_clean_roster_exits_0_with_an_empty_listing() {
    let w = workdir();
    w.write(
        "clean.csv",
        format!(
            "{HEADER}A1,620102,城市,2,800,低保,甲,{},6228480010000000011\nA2,620121,农村,1,0,低保,乙,110105491231003,\n",
            id_born("620102", 1970, 1, 2, 11)
        ),
    );
    let r = validate(&w, &["clean.csv"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(problems(&r).is_empty());
    assert!(r.stderr.contains("0 个错误"), "{}", r.stderr);
    assert!(
        r.stderr.contains("clean.csv（UTF-8，表头在第 1 行）：2 行"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_id_defect_is_an_error_with_row_and_column() {
    let w = workdir();
    let good = id_born("620102", 1970, 1, 2, 11);
    let mut bad_check = good.clone();
    bad_check.replace_range(17.., if good.ends_with('1') { "2" } else { "1" });
    let zeroed = format!("{}000", &id_born("620102", 1970, 1, 2, 11)[..15]);
    let rows = [
        ("D1", "1.10105E+17".to_string(), "scientific_notation"),
        ("D2", format!("{}.0", &good[..17]), "trailing_decimal"),
        ("D3", zeroed, "zeroed_tail"),
        ("D4", good[..16].to_string(), "wrong_length"),
        (
            "D5",
            format!("{}-{}", &good[..6], &good[6..17]),
            "bad_character",
        ),
        ("D6", bad_check, "bad_check_digit"),
        (
            "D7",
            id_born("620102", 1970, 2, 30, 11),
            "impossible_birth_date",
        ),
        (
            "D8",
            id_born("620102", 2090, 1, 1, 11),
            "birth_date_in_future",
        ),
    ];
    let mut text = String::from(HEADER);
    for (id, head_id, _) in &rows {
        text.push_str(&format!("{id},620102,城市,1,100,低保,甲,{head_id},\n"));
    }
    // Two households headed by the same person, one account damaged by Excel.
    text.push_str(&format!(
        "D9,620102,城市,1,100,低保,乙,{good},6.22848E+18\n"
    ));
    text.push_str(&format!("D10,620102,城市,1,100,低保,乙,{good},\n"));
    w.write("ids.csv", text);
    let r = validate(&w, &["ids.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let list = problems(&r);
    for (i, (id, _, code)) in rows.iter().enumerate() {
        let line = (i + 2).to_string();
        assert!(
            has(&list, &line, "head_id", code),
            "{id} line {line} {code}: {list:?}"
        );
    }
    assert!(
        has(&list, "10", "bank_account", "scientific_notation"),
        "{list:?}"
    );
    assert!(has(&list, "11", "head_id", "duplicate_head_id"), "{list:?}");
    assert!(list.iter().all(|p| p[0] == "ids.csv" && p[4] == "error"));
    // Files keep IDs whole (the value is quoted as written)…
    assert!(list.iter().any(|p| p[3] == "1.10105E+17"));
    // …tables mask them, and so does --mask in files.
    let t = w.run(&[
        "validate",
        "-p",
        "policy.toml",
        "--month",
        "2022-12",
        "ids.csv",
        "--format",
        "table",
    ]);
    assert!(!t.stdout.contains(&good), "{}", t.stdout);
    assert!(
        t.stdout
            .contains(&format!("{}********{}", &good[..6], &good[14..])),
        "{}",
        t.stdout
    );
    let m = validate(&w, &["ids.csv", "--mask"]);
    assert!(!m.stdout.contains(&good));
}

#[test]
fn bad_cells_missing_inputs_and_duplicates_are_listed() {
    let w = workdir();
    w.write(
        "cells.csv",
        format!(
            "{HEADER}C1,620102,城市,3,12a,低保,,,\nC2,620102,城市,2.5,100,低保,,,\nC3,999999,城市,1,100,低保,,,\nC4,620102,城市,1,,低保,,,\nC1,620102,城市,1,100,低保,,,\nC5,620102,城乡,1,100,低保,,,\nC6,620102,城市,1,100,五保户,,,\n"
        ),
    );
    let r = validate(&w, &["cells.csv"]);
    assert_eq!(r.code, 1);
    let list = problems(&r);
    assert!(has(&list, "2", "monthly_income", "not_money"), "{list:?}");
    assert!(list.iter().any(|p| p[1] == "2" && p[3] == "12a"));
    assert!(has(&list, "3", "members", "not_integer"), "{list:?}");
    assert!(has(&list, "4", "region", "unknown_region"), "{list:?}");
    assert!(
        has(&list, "5", "monthly_income", "missing_input"),
        "{list:?}"
    );
    assert!(
        has(&list, "6", "household_id", "duplicate_household_id"),
        "{list:?}"
    );
    assert!(has(&list, "7", "residence", "bad_residence"), "{list:?}");
    assert!(has(&list, "8", "status", "bad_status"), "{list:?}");
    // The reason and the fix are separate columns.
    let rows = r.csv();
    let c1 = rows.iter().find(|p| p[1] == "2").expect("row 2");
    assert_eq!(c1[8], "家庭月收入列不是有效的金额");
    assert!(c1[9].starts_with("请只填写数字"), "{}", c1[9]);
}

#[test]
fn totals_are_notes_and_title_rows_are_skipped() {
    let w = workdir();
    w.write(
        "titled.csv",
        format!(
            "城关区 2022 年 12 月低保花名册,,,,,,,,\n单位：元,,,,,,,,\n{HEADER}1,2,3,4,5,6,7,8,9\nT1,620102,城市,2,800,低保,,,\n小计,,,2,800,,,,\nT2,620102,城市,1,300,低保,,,\n合计,,,3,1100,,,,\n"
        ),
    );
    let r = validate(&w, &["titled.csv"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let list = problems(&r);
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(list.iter().all(|p| p[4] == "note" && p[5] == "total_row"));
    assert_eq!((list[0][1].as_str(), list[1][1].as_str()), ("6", "8"));
    assert!(r.stderr.contains("表头在第 3 行"), "{}", r.stderr);
}

#[test]
fn policy_errors_are_listed_and_unreadable_files_are_fatal() {
    let w = workdir();
    w.write(
        "roster.csv",
        format!("{HEADER}A1,620102,城市,2,800,低保,,,\n"),
    );
    let text = w
        .read("policy.toml")
        .replace("source = \"lz-2022\"", "source = \"nowhere\"");
    w.write("bad.toml", text);
    let r = w.run(&[
        "validate",
        "-p",
        "bad.toml",
        "roster.csv",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = r.json();
    let first = &json["problems"][0];
    assert_eq!(first["file"], "bad.toml");
    assert!(
        first["reason"].as_str().unwrap_or("").contains("nowhere"),
        "{first}"
    );
    assert_eq!(json["files"][1]["kind"], "roster");
    // A roster that does not exist: exit 2, nothing written.
    let r = validate(&w, &["roster.csv", "missing.csv", "-o", "out.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.csv"), "{}", r.stderr);
    assert!(!w.file("out.csv").exists());
    // A roster without the required columns is a problem of that file, the others are checked.
    w.write("cols.csv", "户编号,家庭月收入\nX,100\n");
    let r = validate(&w, &["cols.csv", "roster.csv"]);
    assert_eq!(r.code, 1);
    let list = problems(&r);
    assert!(
        list.iter()
            .any(|p| p[0] == "cols.csv" && p[5] == "missing_column"),
        "{list:?}"
    );
    assert!(list.iter().all(|p| p[0] != "roster.csv"), "{list:?}");
}

#[test]
fn an_undecodable_line_is_listed_with_its_number() {
    let w = workdir();
    let mut bytes = encoding_rs::GB18030
        .encode(&format!(
            "{HEADER}A1,620102,城市,2,800,低保,,,\nA2,620102,城市,2,x,低保,,,\n"
        ))
        .0
        .into_owned();
    bytes.extend_from_slice(b"A3,620102,\xFF\xFF,1,100,,,,\n");
    w.write("broken.csv", bytes);
    let r = validate(&w, &["broken.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let list = problems(&r);
    assert!(has(&list, "3", "monthly_income", "not_money"), "{list:?}");
    assert!(
        list.iter()
            .any(|p| p[1] == "4" && p[5] == "unreadable_line"),
        "{list:?}"
    );
}

#[test]
fn members_file_defects_are_listed() {
    let w = workdir();
    w.write(
        "roster.csv",
        format!("{HEADER}M1,620102,城市,2,800,低保,,,\nM2,620102,城市,1,300,低保,,,\n"),
    );
    let good = id_born("620102", 1950, 1, 1, 11);
    w.write(
        "members.csv",
        format!(
            "户编号,姓名,身份证号码,残疾等级,重病\nM1,甲,{good},,否\nM1,乙,3.20102E+17,五级,\nM2,丙,{good},,也许\nM9,丁,{},,\n,戊,,,\n",
            id_born("620102", 1990, 5, 5, 21)
        ),
    );
    let r = validate(&w, &["roster.csv", "--members", "members.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let list = problems(&r);
    let m = |row: &str, col: &str, code: &str| {
        list.iter()
            .any(|p| p[0] == "members.csv" && p[1] == row && p[2] == col && p[5] == code)
    };
    assert!(m("3", "id_number", "scientific_notation"), "{list:?}");
    assert!(m("3", "disability", "bad_disability"), "{list:?}");
    assert!(m("4", "id_number", "duplicate_id_number"), "{list:?}");
    assert!(m("4", "seriously_ill", "not_yes_no"), "{list:?}");
    assert!(
        m("5", "household_id", "member_without_household"),
        "{list:?}"
    );
    assert!(m("6", "household_id", "missing_household_id"), "{list:?}");
    // Person problems are listed once, from the members file, not again under the roster.
    assert!(
        !list
            .iter()
            .any(|p| p[0] == "roster.csv" && p[2].contains("id_number")),
        "{list:?}"
    );
}

#[test]
fn members_count_mismatch_is_an_error_of_the_household() {
    let w = workdir();
    w.write(
        "roster.csv",
        format!("{HEADER}M1,620102,城市,3,800,低保,,,\n"),
    );
    w.write(
        "members.csv",
        format!(
            "户编号,姓名,身份证号码\nM1,甲,{}\n",
            id_born("620102", 1950, 1, 1, 11)
        ),
    );
    let r = validate(&w, &["roster.csv", "--members", "members.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        has(&problems(&r), "2", "members", "members_mismatch"),
        "{}",
        r.stdout
    );
}

#[test]
fn id_and_account_cells_stored_as_numbers_in_a_workbook_are_caught() {
    use rust_xlsxwriter::Workbook;
    let w = workdir();
    let good = id_born("620102", 1970, 1, 2, 11);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "户编号",
        "区划代码",
        "城乡类别",
        "家庭人口",
        "家庭月收入",
        "身份证号码",
        "银行卡号",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, (id, head_as_number)) in [("N1", true), ("N2", false)].iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *id).expect("id");
        sheet.write_number(r, 1, 620102).expect("region");
        sheet.write_string(r, 2, "城市").expect("residence");
        sheet.write_number(r, 3, 1).expect("members");
        sheet.write_number(r, 4, 300).expect("income");
        if *head_as_number {
            // what Excel does to an ID typed into a General cell: a float of 15 digits
            sheet
                .write_number(r, 5, good.parse::<f64>().expect("digits"))
                .expect("head id");
            sheet
                .write_number(r, 6, 6_228_480_010_000_000_011_f64)
                .expect("account");
        } else {
            sheet.write_string(r, 5, &good).expect("head id");
            sheet
                .write_string(r, 6, "6228480010000000011")
                .expect("account");
        }
    }
    w.write("numbers.xlsx", book.save_to_buffer().expect("xlsx"));
    let r = validate(&w, &["numbers.xlsx"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let list = problems(&r);
    assert!(
        has(&list, "2", "head_id", "scientific_notation"),
        "{list:?}"
    );
    assert!(
        has(&list, "2", "bank_account", "scientific_notation"),
        "{list:?}"
    );
    assert!(
        list.iter().all(|p| p[1] == "2"),
        "the text cells of row 3 are clean: {list:?}"
    );
    assert!(r.stderr.contains("sheet \"Sheet1\""), "{}", r.stderr);
}

#[test]
fn every_problem_line_names_its_household_and_head() {
    let w = workdir();
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    let r = validate(&w, &["roster.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let find = |row: &str, code: &str| {
        rows.iter()
            .find(|p| p[1] == row && p[7] == code)
            .unwrap_or_else(|| panic!("no {row} {code}: {rows:?}"))
            .clone()
    };
    let h10 = find("11", "not_money");
    assert_eq!(
        h10[..6],
        ["roster.csv", "11", "H010", "陈红", "monthly_income", "12a"]
    );
    let h9 = find("10", "missing_input");
    assert_eq!((h9[2].as_str(), h9[3].as_str()), ("H009", "冯敏"));
    let json = w
        .run(&[
            "validate",
            "-p",
            "policy.toml",
            "--month",
            "2022-12",
            "roster.csv",
            "--format",
            "json",
        ])
        .json();
    let p = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "not_money")
        .expect("not_money");
    assert_eq!(
        (&p["household_id"], &p["head_name"]),
        (&"H010".into(), &"陈红".into())
    );
    let t = w.run(&[
        "validate",
        "-p",
        "policy.toml",
        "--month",
        "2022-12",
        "roster.csv",
        "--format",
        "table",
        "--lang",
        "en",
    ]);
    let line = t
        .stdout
        .lines()
        .find(|l| l.contains("12a"))
        .unwrap_or_else(|| panic!("{}", t.stdout));
    assert!(line.contains("H010") && line.contains("陈红"), "{line}");
    assert!(t.stdout.contains("household") && t.stdout.contains("head"));

    // a formula-like name is guarded in the CSV
    w.write(
        "f.csv",
        format!("{HEADER}F1,620102,城市,1,12a,低保,\"=SUM(1,2)\",,\n"),
    );
    let rows = validate(&w, &["f.csv"]).csv();
    let f = rows.iter().find(|p| p[2] == "F1").expect("F1");
    assert_eq!(f[3], "'=SUM(1,2)");
}

#[test]
fn a_members_file_problem_names_the_household_of_the_member() {
    let w = workdir();
    w.write(
        "roster.csv",
        format!("{HEADER}M1,620102,城市,1,800,低保,,,\n"),
    );
    w.write(
        "members.csv",
        "户编号,姓名,身份证号码,残疾等级\nM1,甲,,七级\nM9,丁,,\n",
    );
    let rows = validate(&w, &["roster.csv", "--members", "members.csv"]).csv();
    let bad = rows
        .iter()
        .find(|p| p[0] == "members.csv" && p[7] == "bad_disability")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(bad[2], "M1");
    let orphan = rows
        .iter()
        .find(|p| p[7] == "member_without_household")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(orphan[2], "M9");
}

/// The checks are a library: called from Rust, they hand each problem to a sink as a plain
/// record and say what each file gave, without printing anything.
#[test]
fn the_checks_run_from_rust_and_hand_problems_to_a_sink() {
    use jiuzhu::validate::{self, Config, Problem, Severity, Sink};
    struct Collect(Vec<Problem>);
    impl Sink for Collect {
        fn problem(&mut self, p: &Problem) -> anyhow::Result<()> {
            self.0.push(p.clone());
            Ok(())
        }
    }
    let w = workdir();
    w.write(
        "two.csv",
        format!(
            "{HEADER}A1,620102,城市,2,800,低保,甲,{id},\nA1,620102,城市,1,abc,低保,乙,,\n",
            id = id_born("620102", 1970, 1, 2, 11)
        ),
    );
    let month = "2022-12".parse().expect("month");
    let policy = w.file("policy.toml").display().to_string();
    let loaded = validate::load_policy(&policy, false, month).expect("policy");
    assert!(loaded.ok && loaded.problems.is_empty());
    let cfg = Config {
        policy,
        strict: false,
        month,
        rosters: vec![w.file("two.csv").display().to_string()],
        members: None,
        region: None,
        read: Default::default(),
        today: chrono::NaiveDate::from_ymd_opt(2022, 12, 1).expect("date"),
    };
    let mut sink = Collect(Vec::new());
    let files = validate::check(&cfg, &loaded, &mut sink).expect("checked");
    let codes: Vec<(Option<u64>, &str, &str)> = sink
        .0
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.code.as_str()))
        .collect();
    assert!(
        codes.contains(&(Some(3), "monthly_income", "not_money")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(Some(3), "household_id", "duplicate_household_id")),
        "{codes:?}"
    );
    assert!(sink.0.iter().all(|p| p.severity == Severity::Error));
    assert_eq!(files.len(), 2);
    assert_eq!((files[1].kind, files[1].rows), ("roster", 2));
    assert_eq!(files[1].errors, sink.0.len() as u64);
}

/// The listing, byte for byte, in every format and language, as the command wrote it before its
/// checks moved into the library: a roster with title, total and note rows, bad cells, a
/// repeated household and unknown regions (the files are in `tests/it/golden/validate/`).
#[test]
fn the_listing_is_byte_identical_in_every_format_and_language() {
    let w = Workdir::new();
    w.write("policy.toml", include_str!("golden/validate/policy.toml"));
    w.write("small.csv", include_str!("golden/validate/roster.csv"));
    let golden = [
        (
            "csv",
            "zh",
            include_str!("golden/validate/validate-csv-zh.out"),
        ),
        (
            "csv",
            "en",
            include_str!("golden/validate/validate-csv-en.out"),
        ),
        (
            "json",
            "zh",
            include_str!("golden/validate/validate-json-zh.out"),
        ),
        (
            "json",
            "en",
            include_str!("golden/validate/validate-json-en.out"),
        ),
        (
            "table",
            "zh",
            include_str!("golden/validate/validate-table-zh.out"),
        ),
        (
            "table",
            "en",
            include_str!("golden/validate/validate-table-en.out"),
        ),
    ];
    for (format, lang, want) in golden {
        let r = w.run(&[
            "validate",
            "-p",
            "policy.toml",
            "small.csv",
            "--month",
            "2022-12",
            "--format",
            format,
            "--lang",
            lang,
        ]);
        assert_eq!(r.code, 1, "{format} {lang}: {}", r.stderr);
        let want = want.replace(
            "\"tool_version\":\"0.1.0\"",
            &format!("\"tool_version\":\"{}\"", env!("CARGO_PKG_VERSION")),
        );
        assert!(r.stdout == want, "{format} {lang}:\n{}", r.stdout);
    }
}

/// `validate` in `format` (the listing of [`validate`] is CSV).
fn validate_in(w: &Workdir, format: &str, args: &[&str]) -> Run {
    let mut all = vec![
        "validate",
        "-p",
        "policy.toml",
        "--month",
        "2022-12",
        "--format",
        format,
    ];
    all.extend_from_slice(args);
    w.run(&all)
}

fn cells_workdir() -> Workdir {
    let w = workdir();
    w.write(
        "cells.csv",
        format!("{HEADER}C1,620102,城市,3,12a,低保,,,\nC2,620102,城市,2.5,100,低保,,,\nC1,620102,城市,1,100,低保,,,\n"),
    );
    w
}

#[test]
fn columns_choose_and_order_the_problem_lines_by_english_or_chinese_name() {
    let w = cells_workdir();
    let full = validate(&w, &["cells.csv"]);
    let r = validate(&w, &["cells.csv", "--columns", "code,行,文件,value"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(rows[0], ["code", "row", "file", "value"]);
    // the same problems, in the same order, each with the columns asked for
    let expected: Vec<Vec<String>> = full
        .csv()
        .iter()
        .skip(1)
        .map(|p| vec![p[7].clone(), p[1].clone(), p[0].clone(), p[5].clone()])
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    assert_eq!(rows[1..], expected[..]);
    let j = validate_in(&w, "json", &["cells.csv", "--columns", "级别,column"]).json();
    let first = &j["problems"][0];
    assert_eq!(first.as_object().map(|o| o.len()), Some(2), "{first}");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["column"], "monthly_income");
    assert!(j["files"].is_array(), "{j}");
    // a table: the chosen columns under their names, the severity in words
    for (lang, heads, word) in [
        ("en", ["code", "severity"], "error"),
        ("zh", ["问题代码", "级别"], "错误"),
    ] {
        let t = validate_in(
            &w,
            "table",
            &[
                "cells.csv",
                "--lang",
                lang,
                "--columns",
                "问题代码,severity",
            ],
        );
        assert_eq!(t.code, 1, "{}", t.stderr);
        let head = t
            .stdout
            .lines()
            .find(|l| l.contains(heads[0]))
            .unwrap_or("");
        let (a, b) = (head.find(heads[0]), head.find(heads[1]));
        assert!(a.is_some() && b.is_some() && a < b, "{}", t.stdout);
        assert!(t.stdout.contains("not_money"), "{}", t.stdout);
        assert!(t.stdout.contains(word), "{}", t.stdout);
        assert!(!t.stdout.contains("cells.csv"), "{}", t.stdout);
    }
}

#[test]
fn an_unknown_column_is_a_usage_error_naming_the_problem_columns() {
    let w = cells_workdir();
    for (lang, expect, named) in [
        ("en", "the columns are", "fix (如何修改)"),
        ("zh", "可用的列", "fix（如何修改）"),
    ] {
        for format in ["csv", "table"] {
            let r = validate_in(
                &w,
                format,
                &["cells.csv", "--columns", "code,nosuch", "--lang", lang],
            );
            assert_eq!(r.code, 2, "{}", r.stderr);
            assert!(r.stdout.is_empty(), "{}", r.stdout);
            assert!(r.stderr.contains("nosuch"), "{}", r.stderr);
            assert!(r.stderr.contains(expect), "{}", r.stderr);
            assert!(r.stderr.contains(named), "{}", r.stderr);
            assert!(r.stderr.contains("household_id"), "{}", r.stderr);
        }
    }
}

#[test]
fn columns_choose_the_problem_lines_of_a_ledger_too() {
    let w = Workdir::new();
    w.write(
        "paid.csv",
        "payment_id,pay_month,household_id,item,amount,recorded_at,policy_sha256\nP1,2022-1x,H1,dibao,1.00,2026-12-04T18:51:11+00:00,a1\n",
    );
    let r = w.run(&[
        "validate",
        "--ledger",
        "paid.csv",
        "--format",
        "csv",
        "--columns",
        "行,code",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "row,code\n2,ledger_line\n");
    let t = w.run(&[
        "validate",
        "--ledger",
        "paid.csv",
        "--lang",
        "en",
        "--format",
        "table",
        "--columns",
        "row,reason",
    ]);
    assert_eq!(t.code, 1, "{}", t.stderr);
    assert!(t.stdout.contains("| row | reason"), "{}", t.stdout);
    assert!(t.stdout.contains("2022-1x"), "{}", t.stdout);
    let bad = w.run(&["validate", "--ledger", "paid.csv", "--columns", "原因"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("可用的列"), "{}", bad.stderr);
}
