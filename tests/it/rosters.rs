//! Real-world rosters end to end: the bundled roster as GBK CSV (CRLF, as Excel writes it), as
//! UTF-8 with a BOM and as an .xlsx workbook with a title, units, column numbers, subtotals and a
//! 合计 row must give exactly the decisions of the plain CSV; messy cells read like clean ones;
//! members files give group counts and ages; CSV output opens in Excel; arbitrary bytes never
//! crash the tool.

use crate::workdir::{Run, Workdir};
use jiuzhu::household::idcard::check_char;
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::collections::BTreeMap;

const MONTH: &str = "2022-12";

fn bundled_roster() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/roster.csv");
    std::fs::read_to_string(p).expect("examples/roster.csv")
}

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w
}

fn check(w: &Workdir, roster: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "-p",
        "policy.toml",
        roster,
        "--month",
        MONTH,
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// `第 15 行` → `第 N 行`: messages of invalid rows name the file's own line.
fn without_line_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("第 ") {
        out.push_str(&rest[..i + "第 ".len()]);
        rest = &rest[i + "第 ".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push('N');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// Decisions by household id: every output column except `row` (which counts the file's own
/// lines, so differs when a workbook has title rows; messages name it too).
fn decisions(r: &Run) -> BTreeMap<String, Vec<(String, String)>> {
    let rows = r.csv();
    let header = rows.first().cloned().unwrap_or_default();
    rows.iter()
        .skip(1)
        .map(|row| {
            let fields = header
                .iter()
                .zip(row)
                .filter(|(h, _)| h.as_str() != "row")
                .map(|(h, v)| (h.clone(), without_line_numbers(v)))
                .collect();
            (row[0].clone(), fields)
        })
        .collect()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

/// A valid 18-digit ID for a birth date (sequence digits `seq`), check digit computed.
pub fn id_born(region: &str, y: u32, m: u32, d: u32, seq: u32) -> String {
    let first17 = format!("{region}{y:04}{m:02}{d:02}{seq:03}");
    let bytes: [u8; 17] = first17.as_bytes().try_into().expect("17 digits");
    format!("{first17}{}", check_char(&bytes))
}

/// Which cells of the bundled roster a county workbook would hold as numbers.
fn numeric_column(name: &str) -> bool {
    matches!(
        name,
        "region"
            | "members"
            | "monthly_income"
            | "exempt_income"
            | "employment_income"
            | "employed"
            | "elderly"
            | "severely_disabled"
            | "disabled"
            | "seriously_ill"
            | "minors"
            | "last_grant"
            | "months_without_income"
            | "assets"
    )
}

/// The bundled roster as a county workbook: a merged title row, a units row, the header, a
/// column-number row, the households with a 小计 row after the first four, a 合计 row and a
/// signature line at the bottom. Numbers are number cells, `exit_start` a date cell.
fn bundled_workbook() -> Vec<u8> {
    let text = bundled_roster();
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let records: Vec<Vec<String>> = rows
        .records()
        .map(|r| r.expect("csv").iter().map(str::to_string).collect())
        .collect();
    let header = &records[0];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("花名册").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let last_col = (header.len() - 1) as u16;
    sheet
        .merge_range(
            0,
            0,
            0,
            last_col,
            "兰州市 2022 年 12 月城乡低保花名册",
            &Format::new(),
        )
        .expect("title");
    sheet.write_string(1, 0, "单位：元、人").expect("units");
    let mut r = 2u32;
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(r, c as u16, h).expect("header");
    }
    r += 1;
    for c in 0..header.len() {
        sheet
            .write_number(r, c as u16, (c + 1) as f64)
            .expect("numbers");
    }
    for (i, rec) in records.iter().skip(1).enumerate() {
        r += 1;
        for (c, v) in rec.iter().enumerate() {
            let col = c as u16;
            if v.is_empty() {
                continue;
            }
            let name = header[c].as_str();
            if name == "exit_start" {
                let (y, m) = v.split_once('-').expect("month");
                let d = ExcelDateTime::from_ymd(y.parse().unwrap(), m.parse().unwrap(), 1)
                    .expect("date");
                sheet
                    .write_datetime_with_format(r, col, &d, &date)
                    .expect("date");
            } else if numeric_column(name) && v.parse::<f64>().is_ok() {
                sheet
                    .write_number(r, col, v.parse::<f64>().unwrap())
                    .expect("number");
            } else {
                sheet.write_string(r, col, v).expect("text");
            }
        }
        if i == 3 {
            r += 1;
            sheet.write_string(r, 24, "城关镇小计").expect("subtotal");
            sheet.write_number(r, 3, 10.0).expect("subtotal");
        }
    }
    r += 1;
    sheet.write_string(r, 0, "合计").expect("total");
    sheet.write_number(r, 3, 25.0).expect("total");
    r += 2;
    sheet.write_string(r, 0, "制表人：王芳").expect("note");
    sheet.write_string(r, 5, "审核人：李强").expect("note");
    book.save_to_buffer().expect("xlsx")
}

#[test]
fn gbk_bom_and_xlsx_give_the_decisions_of_the_plain_csv() {
    let w = workdir();
    let text = bundled_roster();
    w.write("plain.csv", &text);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    w.write("bom.csv", bom);
    w.write("gbk.csv", gbk(&text.replace('\n', "\r\n")));
    w.write("roster.xlsx", bundled_workbook());

    let plain = check(&w, "plain.csv", &[]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    let want = decisions(&plain);
    assert_eq!(want.len(), 12);
    for file in ["bom.csv", "gbk.csv", "roster.xlsx"] {
        let r = check(&w, file, &[]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert_eq!(decisions(&r), want, "{file}");
        assert!(r.stderr.contains("7979.60"), "{file}: {}", r.stderr);
    }
    // The GBK file's Chinese extra column comes through intact.
    let gbk_rows = check(&w, "gbk.csv", &[]).csv();
    assert!(
        gbk_rows
            .iter()
            .any(|r| r.last().is_some_and(|v| v == "新申请"))
    );
}

#[test]
fn workbook_rows_keep_their_sheet_numbers_and_totals_are_reported() {
    let w = workdir();
    w.write("roster.xlsx", bundled_workbook());
    let r = check(&w, "roster.xlsx", &[]);
    let rows = r.csv();
    let row_col = rows[0].iter().position(|h| h == "row").expect("row column");
    // Title, units, header and column numbers take sheet rows 1–4: H001 is on row 5; the
    // 小计 row after H004 pushes H005 to row 10.
    let row_of = |id: &str| rows.iter().find(|r| r[0] == id).map(|r| r[row_col].clone());
    assert_eq!(row_of("H001").as_deref(), Some("5"));
    assert_eq!(row_of("H005").as_deref(), Some("10"));
    assert_eq!(rows.len(), 13, "12 households, no total row among them");
    assert!(r.stderr.contains("表头在第 3 行"), "{}", r.stderr);
    assert!(
        r.stderr.contains("第 9 行") && r.stderr.contains("城关镇小计"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("合计/小计行，已跳过"), "{}", r.stderr);
    assert!(r.stderr.contains("制表人"), "{}", r.stderr);
    // A workbook on stdin is recognised by its first bytes.
    let piped = w.run_with_stdin(
        &[
            "check",
            "-p",
            "policy.toml",
            "-",
            "--month",
            MONTH,
            "--format",
            "csv",
        ],
        Some(&bundled_workbook()),
    );
    assert_eq!(decisions(&piped), decisions(&r));
}

/// The reader's notes on skipped rows (title rows above the header, a total row, a signature
/// row) are said in the language asked for, not in both at once.
#[test]
fn skipped_rows_are_reported_in_the_language_asked_for() {
    let w = workdir();
    w.write("roster.xlsx", bundled_workbook());
    let en = check(&w, "roster.xlsx", &["--lang", "en"]);
    assert!(en.stderr.contains("header on line 3"), "{}", en.stderr);
    assert!(
        en.stderr.contains("a total (合计/小计) row: skipped"),
        "{}",
        en.stderr
    );
    assert!(!en.stderr.contains("表头在第"), "{}", en.stderr);
    assert!(!en.stderr.contains("已跳过"), "{}", en.stderr);
    let zh = check(&w, "roster.xlsx", &[]);
    assert!(zh.stderr.contains("表头在第 3 行"), "{}", zh.stderr);
    assert!(!zh.stderr.contains("header on line"), "{}", zh.stderr);
    assert!(
        !zh.stderr.contains("skipped, not a household"),
        "{}",
        zh.stderr
    );
}

#[test]
fn sheet_is_chosen_by_name_and_a_missing_one_is_named() {
    let w = workdir();
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("说明")
        .expect("name")
        .write_string(0, 0, "本表为 2022 年 12 月花名册")
        .expect("text");
    let sheet = book.add_worksheet();
    sheet.set_name("花名册").expect("name");
    for (c, h) in ["户编号", "区划代码", "城乡类别", "家庭人口", "家庭月收入"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    sheet.write_string(1, 0, "A1").expect("id");
    sheet.write_number(1, 1, 620102).expect("region");
    sheet.write_string(1, 2, "城市").expect("residence");
    sheet.write_number(1, 3, 2).expect("members");
    sheet.write_number(1, 4, 1000.5).expect("income");
    w.write("book.xlsx", book.save_to_buffer().expect("xlsx"));
    let r = check(&w, "book.xlsx", &["--sheet", "花名册"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = decisions(&r);
    let a1: BTreeMap<_, _> = d["A1"].iter().cloned().collect();
    // 914 × 2 − 1000.5 = 827.50
    assert_eq!(
        (a1["decision"].as_str(), a1["dibao_amount"].as_str()),
        ("dibao", "827.50")
    );
    let r = check(&w, "book.xlsx", &["--sheet", "Sheet9"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("说明, 花名册"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    // The first sheet has no roster header: the missing columns are named.
    let r = check(&w, "book.xlsx", &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("household_id"), "{}", r.stderr);
}

#[test]
fn messy_cells_read_like_clean_ones() {
    let w = workdir();
    let header = "户编号,区划代码,城乡类别,家庭人口,家庭月收入,不计入收入,工资性收入,就业人数,保障类别,未成年人,自理能力,集中供养,渐退起始月,上月低保金\n";
    let clean = "M1,620102,城市,3,1234.50,0,,,低保,1,,,,\n\
                 M2,620102,城市,2,1234,,,,低保,,,,,\n\
                 M3,620102,城市,2,900,,,,低保,,,,,\n\
                 M4,620102,城市,2,900,,,,低保,,,,,\n\
                 M5,620103,城市,1,,,,,特困,,半失能,yes,,\n\
                 M6,620103,城市,1,,,,,特困,,全失能,no,,\n\
                 M7,620102,城市,3,4200,,4200,1,低保,,,,2022-09,1242\n";
    let messy = "M1, 620102 ,城镇,３,\"1,234.50\",/,-,—,低保,１,,,,\n\
                 M2,620102,城市,2,１２３４,,,,低保,,,,,\n\
                 M3,620102,城市,2.0,900元,,,,低保,,,,,\n\
                 M4,620102,城市,2,¥900,,,,低保,,,,,\n\
                 M5,620103,城市,1,,,,,特困,,半失能,集中供养,,\n\
                 M6,620103,城市,1,,,,,特困,,全失能,否,,\n\
                 M7,620102,城市,3,\"4,200.00\",,\"４，２００\",1,低保,,,,2022年9月,\"1,242.00元\"\n";
    w.write("clean.csv", format!("{header}{clean}"));
    w.write("messy.csv", format!("{header}{messy}"));
    let clean = check(&w, "clean.csv", &[]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    let messy = check(&w, "messy.csv", &[]);
    assert_eq!(messy.code, 0, "{}", messy.stderr);
    assert_eq!(decisions(&messy), decisions(&clean));
    // 914 × 3 − 1234.50 = 1507.50, one minor 91; 特困 institutional care 0.18 × 1670 × 1.5 = 450.9 → 451.
    let d = decisions(&clean);
    let m1: BTreeMap<_, _> = d["M1"].iter().cloned().collect();
    assert_eq!(
        (m1["dibao_amount"].as_str(), m1["uplift_amount"].as_str()),
        ("1507.50", "91.00")
    );
    let m5: BTreeMap<_, _> = d["M5"].iter().cloned().collect();
    assert_eq!(m5["tekun_care"], "451.00");
}

#[test]
fn cells_that_cannot_be_read_quote_the_raw_value() {
    let w = workdir();
    w.write(
        "bad.csv",
        "户编号,区划代码,城乡类别,家庭人口,家庭月收入,集中供养\n\
         B1,620102,城市,3,无,\n\
         B2,620102,城市,2.5,100,\n\
         B3,620102,城市,2,1.2.3,\n\
         B4,620102,城市,2,\"1,23,4\",\n\
         B5,620102,城乡,2,100,\n\
         B6,620102,城市,2,100,大概\n",
    );
    let r = check(&w, "bad.csv", &["--lang", "en"]);
    assert_eq!(r.code, 1);
    let d = decisions(&r);
    for (id, code) in [
        ("B1", "not_money:monthly_income"),
        ("B2", "not_integer:members"),
        ("B3", "not_money:monthly_income"),
        ("B4", "not_money:monthly_income"),
        ("B5", "bad_residence:residence"),
        ("B6", "not_yes_no:institutional"),
    ] {
        let row: BTreeMap<_, _> = d[id].iter().cloned().collect();
        assert_eq!(row["decision"], "invalid", "{id}");
        assert!(row["reasons"].contains(code), "{id}: {}", row["reasons"]);
    }
    assert!(r.stderr.contains("(\"1.2.3\")"), "{}", r.stderr);
}

#[test]
fn an_undecodable_line_stops_the_run_naming_it() {
    let w = workdir();
    let mut bytes = gbk("户编号,区划代码,城乡类别,家庭人口,家庭月收入\nA,620102,城市,1,100\n");
    bytes.extend_from_slice(b"B,620102,\xFF\xFE,1,100\n");
    w.write("broken.csv", bytes);
    let r = check(&w, "broken.csv", &["-o", "out.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 3"), "{}", r.stderr);
    assert!(!w.file("out.csv").exists(), "nothing is written");
    // Forcing UTF-8 on a GBK file names the first line.
    w.write(
        "gbk.csv",
        gbk("户编号,区划代码,城乡类别,家庭人口,家庭月收入\nA,620102,城市,1,100\n"),
    );
    let r = check(&w, "gbk.csv", &["--encoding", "utf8"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    let r = check(&w, "gbk.csv", &["--encoding", "gbk"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn csv_output_for_excel_bom_in_files_gb18030_on_request() {
    let w = workdir();
    w.write("roster.csv", bundled_roster());
    let r = check(&w, "roster.csv", &["-o", "out.csv"]);
    assert_eq!(r.code, 1);
    let bytes = std::fs::read(w.file("out.csv")).expect("out.csv");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFhousehold_id,"),
        "a BOM for Excel"
    );
    let plain = check(&w, "roster.csv", &[]);
    assert!(
        plain.stdout.starts_with("household_id,"),
        "no BOM on stdout"
    );
    assert_eq!(String::from_utf8_lossy(&bytes[3..]), plain.stdout);
    let r = check(
        &w,
        "roster.csv",
        &["-o", "gb.csv", "--csv-encoding", "gb18030"],
    );
    assert_eq!(r.code, 1);
    let gb = std::fs::read(w.file("gb.csv")).expect("gb.csv");
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&gb);
    assert!(!had_errors);
    assert_eq!(text, plain.stdout);
    assert_ne!(gb, plain.stdout.as_bytes(), "Chinese text is re-encoded");
    let r = check(
        &w,
        "roster.csv",
        &["-o", "raw.csv", "--csv-encoding", "utf8"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(w.read("raw.csv"), plain.stdout);
}

#[test]
fn members_file_gives_group_counts_by_age_and_highest_uplift() {
    let w = workdir();
    w.write(
        "roster.csv",
        "户编号,区划代码,城乡类别,家庭人口,家庭月收入,保障类别,老年人数\n\
         F1,620102,城市,4,1000,低保,\n\
         F2,620102,城市,2,800,低保,2\n\
         F3,620102,城市,2,800,低保,\n\
         F4,620102,城市,1,300,低保,\n",
    );
    // F1: a grandmother of 72 (elderly), a father with 二级 disability (severe), a child of
    // 10 (minor), and a grandfather of 75 with 一级 disability, counted once, as severely
    // disabled (20% beats 10%). F2: two adults; the roster's count of 2 elderly is overridden.
    // F3: three person rows for 2 members. F4: none. P9 belongs to no household.
    w.write(
        "members.csv",
        format!(
            "户编号,姓名,与户主关系,公民身份号码,残疾等级,重病\n\
             F1,张奶奶,母亲,{},,否\n\
             F1,张父,户主,{},肢体二级,否\n\
             F1,张小,子女,{},,否\n\
             F1,张爷爷,父亲,{},一级,\n\
             F2,李一,户主,{},,\n\
             F2,李二,配偶,{},,\n\
             F3,王一,户主,{},,\n\
             F3,王二,配偶,{},,\n\
             F3,王三,子女,{},,\n\
             P9,赵九,户主,{},,\n",
            id_born("620102", 1950, 3, 1, 2),
            id_born("620102", 1980, 6, 15, 11),
            id_born("620102", 2012, 1, 20, 13),
            id_born("620102", 1947, 7, 7, 15),
            id_born("620102", 1985, 1, 1, 17),
            id_born("620102", 1986, 1, 1, 22),
            id_born("620102", 1970, 1, 1, 31),
            id_born("620102", 1971, 1, 1, 42),
            id_born("620102", 2000, 1, 1, 51),
            id_born("620102", 1960, 1, 1, 61),
        ),
    );
    let r = check(&w, "roster.csv", &["--members", "members.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = decisions(&r);
    let get = |id: &str| -> BTreeMap<String, String> { d[id].iter().cloned().collect() };
    // 914 × 20% = 182.8 → 183 (×2), 10% = 91.4 → 91 (elderly, minor): 183 × 2 + 91 + 91 = 548.
    assert_eq!(get("F1")["uplift_amount"], "548.00");
    assert_eq!(get("F1")["decision"], "dibao");
    assert_eq!(get("F2")["uplift_amount"], "0.00");
    assert!(get("F2")["reasons"].contains("groups_differ_from_members"));
    assert_eq!(get("F3")["decision"], "invalid");
    assert!(get("F3")["reasons"].contains("members_mismatch"));
    assert_eq!(get("F4")["decision"], "invalid");
    assert!(get("F4")["reasons"].contains("members_missing"));
    assert!(
        r.stderr.contains("P9"),
        "the member without a household is listed: {}",
        r.stderr
    );
    // Without the members file the roster's own counts apply.
    let r = check(&w, "roster.csv", &[]);
    assert_eq!(
        decisions(&r)["F2"]
            .iter()
            .find(|(h, _)| h == "uplift_amount")
            .unwrap()
            .1,
        "182.00"
    );
}

#[test]
fn elderly_age_is_a_policy_key_and_ages_are_taken_on_the_first_of_the_month() {
    let w = workdir();
    w.write(
        "roster.csv",
        "户编号,区划代码,城乡类别,家庭人口,家庭月收入,保障类别\nE1,620102,城市,1,300,低保\nE2,620102,城市,1,300,低保\n",
    );
    // E1 is 65; E2 turns 60 on 1962-12-02, the day after the first of the evaluated month.
    w.write(
        "members.csv",
        format!(
            "户编号,姓名,身份证号码\nE1,甲,{}\nE2,乙,{}\n",
            id_born("620102", 1957, 5, 5, 1),
            id_born("620102", 1962, 12, 2, 3),
        ),
    );
    let uplift = |r: &Run, id: &str| {
        decisions(r)[id]
            .iter()
            .find(|(h, _)| h == "uplift_amount")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let r = check(&w, "roster.csv", &["--members", "members.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        (uplift(&r, "E1").as_str(), uplift(&r, "E2").as_str()),
        ("91.00", "0.00")
    );
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2023-01",
        &["--format", "csv", "--members", "members.csv"],
    );
    assert_eq!(uplift(&r, "E2"), "91.00", "60 on the first of January");
    let policy = w.read("policy.toml").replace(
        "uplift_stacking = \"highest\"",
        "uplift_stacking = \"highest\"\nelderly_age = 70",
    );
    w.write("policy.toml", policy);
    let r = check(&w, "roster.csv", &["--members", "members.csv"]);
    assert_eq!(
        uplift(&r, "E1"),
        "0.00",
        "65 is not elderly where the uplift starts at 70"
    );
}

#[test]
fn explain_joins_members_and_shows_what_they_change() {
    let w = workdir();
    w.write("roster.csv", bundled_roster());
    w.write("members.csv", "户编号,姓名\nH001,甲\n");
    let r = w.run(&[
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--household",
        "H001",
        "--month",
        MONTH,
        "--members",
        "members.csv",
        "--format",
        "table",
    ]);
    // H001 has 3 members in the roster but one person row: invalid, as check decides it.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("第 2 行 甲："), "{}", r.stdout);
    assert!(r.stdout.contains("家庭人口为 3"), "{}", r.stdout);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any bytes at all: the tool ends with a decision per row or a clear error, never a crash.
    #[test]
    fn arbitrary_bytes_as_a_roster_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let w = workdir();
        w.write("roster.csv", &bytes);
        let r = check(&w, "roster.csv", &[]);
        prop_assert!(r.code == 1 || r.code == 2 || r.code == 0, "exit {}: {}", r.code, r.stderr);
        if r.code == 2 {
            prop_assert!(r.stderr.contains("jiuzhu: error:"), "{}", r.stderr);
            prop_assert!(r.stdout.is_empty());
        }
    }

    /// A header and rows of arbitrary cells (including GBK-encoded ones): every row comes out
    /// once, decided or marked, and undecided rows give a reason.
    #[test]
    fn messy_rows_each_come_out_once(
        cells in proptest::collection::vec(
            proptest::collection::vec("[0-9０-９a-z,.元¥/无是否城市农村低保 -]{0,8}", 5),
            1..12,
        ),
        as_gbk in any::<bool>(),
    ) {
        let w = workdir();
        let mut text = String::from("户编号,区划代码,城乡类别,家庭人口,家庭月收入,保障类别\n");
        for (i, row) in cells.iter().enumerate() {
            let quoted: Vec<String> = row.iter().map(|c| format!("\"{c}\"")).collect();
            text.push_str(&format!("R{i},{}\n", quoted.join(",")));
        }
        w.write("roster.csv", if as_gbk { gbk(&text) } else { text.into_bytes() });
        let r = check(&w, "roster.csv", &[]);
        prop_assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
        let rows = r.csv();
        prop_assert_eq!(rows.len(), cells.len() + 1);
        let dec = rows[0].iter().position(|h| h == "decision").unwrap_or(6);
        let reasons = rows[0].iter().position(|h| h == "reasons").unwrap_or(14);
        for row in rows.iter().skip(1) {
            let known = ["dibao", "tekun", "edge", "gradual_exit", "none", "undetermined", "invalid"];
            prop_assert!(known.contains(&row[dec].as_str()), "{:?}", row);
            if row[dec] == "invalid" || row[dec] == "undetermined" {
                prop_assert!(!row[reasons].is_empty(), "{:?}", row);
            }
        }
    }
}
