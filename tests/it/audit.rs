//! `jiuzhu audit` end to end: a roster built to contain every kind of finding, and a clean one.

use crate::workdir::Workdir;

/// A valid 18-character ID number (GB 11643 check character) for person `n`.
fn id(n: u32) -> String {
    checked(format!(
        "6201021980{:02}{:02}{:03}",
        1 + n % 9,
        10 + n % 18,
        100 + n
    ))
}

/// A valid ID number for any `n` below 50,000 (birth years 1950 to 1999).
fn gid(n: u32) -> String {
    checked(format!(
        "620102{}{:02}{:02}{:03}",
        1950 + n / 1000,
        1 + n % 12,
        1 + n % 28,
        n % 1000
    ))
}

/// `first17` with its GB 11643 check character appended.
fn checked(first17: String) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8] = b"10X98765432";
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first17}{}", C[(sum % 11) as usize] as char)
}

fn account(n: u32) -> String {
    format!("62284800{:011}", 1000 + n)
}

const HEADER: &str = "household_id,region,residence,members,monthly_income,status,categories,care_level,months_without_income,unemployment_insured,township,head_name,head_id,bank_account,月保障金额\n";

/// One roster line; `id_n`/`acct_n` choose the head's ID and the account.
#[allow(clippy::too_many_arguments)]
fn line(
    hh: &str,
    members: &str,
    income: &str,
    status: &str,
    cats: &str,
    care: &str,
    no_income: &str,
    insured: &str,
    township: &str,
    head_id: &str,
    acct: &str,
    amount: &str,
) -> String {
    format!(
        "{hh},620102,urban,{members},{income},{status},{cats},{care},{no_income},{insured},{township},户主{hh},{head_id},{acct},{amount}\n"
    )
}

fn findings_roster() -> String {
    let mut s = String::from(HEADER);
    let t1 = "城关镇";
    let t2 = "七里河街道";
    // Enrolled 低保, per capita 1000 ≥ 914, no exit: to_review.
    s += &line(
        "R01",
        "2",
        "2000",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &id(1),
        &account(1),
        "",
    );
    // Not enrolled, per capita 500 < 914: to_enrol.
    s += &line(
        "R02",
        "2",
        "1000",
        "none",
        "",
        "",
        "",
        "",
        t1,
        &id(2),
        &account(2),
        "",
    );
    // Not enrolled, per capita 1100 < 1.5 × 914: discover_edge.
    s += &line(
        "R03",
        "2",
        "2200",
        "none",
        "",
        "",
        "",
        "",
        t1,
        &id(3),
        &account(3),
        "",
    );
    // Monitored, not enrolled, income above the edge: discover_monitored.
    s += &line(
        "R04",
        "1",
        "2000",
        "none",
        "monitored",
        "",
        "",
        "",
        t2,
        &id(4),
        &account(4),
        "",
    );
    // Three months without income, uninsured: discover_no_income.
    s += &line(
        "R05",
        "1",
        "1500",
        "none",
        "",
        "",
        "3",
        "no",
        t2,
        &id(5),
        &account(5),
        "",
    );
    // The same head enrolled as 低保 (R06) and 特困 (R07): dibao_and_tekun on both.
    s += &line(
        "R06",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t2,
        &id(6),
        &account(6),
        "",
    );
    s += &line(
        "R07",
        "1",
        "",
        "tekun",
        "",
        "partial",
        "",
        "",
        t2,
        &id(6),
        &account(7),
        "",
    );
    // The same head in two 低保 households: duplicate_person on R08 and R09.
    s += &line(
        "R08",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &id(8),
        &account(8),
        "",
    );
    s += &line(
        "R09",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &id(8),
        &account(9),
        "",
    );
    // Two households paid into one account: shared_bank_account on R10 and R11.
    s += &line(
        "R10",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &id(10),
        &account(10),
        "",
    );
    s += &line(
        "R11",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &id(11),
        &account(10),
        "",
    );
    // 914 × 3 − 1000 = 1742 by the rules; the roster pays 1800: amount_differs, overpaid 58.
    s += &line(
        "R12",
        "3",
        "1000",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &id(12),
        &account(12),
        "1800",
    );
    // Check digit wrong: malformed_id.
    let mut bad = id(13);
    let last = if bad.ends_with('1') { '2' } else { '1' };
    bad.pop();
    bad.push(last);
    s += &line(
        "R13",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t1,
        &bad,
        &account(13),
        "",
    );
    // On the deaths list: against_list.
    s += &line(
        "R14",
        "1",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t2,
        &id(14),
        &account(14),
        "",
    );
    // Unreadable members: invalid_row.
    s += &line(
        "R15",
        "x",
        "500",
        "dibao",
        "",
        "",
        "",
        "",
        t2,
        &id(15),
        &account(15),
        "",
    );
    // Income missing: undetermined.
    s += &line(
        "R16",
        "2",
        "",
        "dibao",
        "",
        "",
        "",
        "",
        t2,
        &id(16),
        &account(16),
        "",
    );
    s
}

fn clean_roster() -> String {
    let mut s = String::from(HEADER);
    // Enrolled and eligible, paid exactly what the rules give: 914 × 2 − 600 = 1228.
    s += &line(
        "C01",
        "2",
        "600",
        "dibao",
        "",
        "",
        "",
        "",
        "城关镇",
        &id(21),
        &account(21),
        "1228",
    );
    // 特困, partial care: 1189 + 301 = 1490.
    s += &line(
        "C02",
        "1",
        "",
        "tekun",
        "",
        "partial",
        "",
        "",
        "城关镇",
        &id(22),
        &account(22),
        "1490",
    );
    // Enrolled 低保边缘 and still edge.
    s += &line(
        "C03",
        "2",
        "2200",
        "edge",
        "",
        "",
        "",
        "",
        "城关镇",
        &id(23),
        &account(23),
        "",
    );
    // Not enrolled, income well above every threshold.
    s += &line(
        "C04",
        "2",
        "6000",
        "none",
        "",
        "",
        "",
        "",
        "城关镇",
        &id(24),
        &account(24),
        "",
    );
    s
}

fn workdir(roster: &str) -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write("roster.csv", roster);
    w.write(
        "deaths.csv",
        format!(
            "身份证号,姓名,死亡日期\n{},户主R14,2022-05-03\n{},某某,2021-01-01\n",
            id(14),
            id(99)
        ),
    );
    w
}

fn audit(w: &Workdir, extra: &[&str]) -> crate::workdir::Run {
    let mut args = vec![
        "audit",
        "-p",
        "policy.toml",
        "roster.csv",
        "--month",
        "2022-12",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

#[test]
fn every_kind_of_finding_is_found_on_its_household_ranked_with_evidence() {
    let w = workdir(&findings_roster());
    let r = audit(&w, &["--format", "csv", "--against", "deaths.csv:死亡名单"]);
    assert_eq!(r.code, 1, "findings make exit 1: {}", r.stderr);
    let rows = r.csv();
    assert_eq!(
        rows[0],
        [
            "rank",
            "code",
            "severity",
            "household_id",
            "row",
            "township",
            "head_name",
            "head_id",
            "status",
            "decision",
            "monthly_total",
            "evidence",
            "rule",
            "action"
        ]
    );
    let found: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str()))
        .collect();
    let expected = [
        ("to_review", "R01"),
        ("to_enrol", "R02"),
        ("discover_edge", "R03"),
        ("discover_monitored", "R04"),
        ("discover_no_income", "R05"),
        ("dibao_and_tekun", "R06"),
        ("dibao_and_tekun", "R07"),
        ("duplicate_person", "R08"),
        ("duplicate_person", "R09"),
        ("shared_bank_account", "R10"),
        ("shared_bank_account", "R11"),
        ("amount_differs", "R12"),
        ("malformed_id", "R13"),
        ("against_list", "R14"),
        ("invalid_row", "R15"),
        ("undetermined", "R16"),
    ];
    assert_eq!(
        found, expected,
        "one finding per planted problem (on each household of a duplicate), in rank order"
    );
    let ranks: Vec<u32> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    let get = |code: &str| rows.iter().find(|r| r[1] == code).unwrap();
    let review = get("to_review");
    assert!(
        review[11].contains("1000.00") && review[11].contains("914.00"),
        "{}",
        review[11]
    );
    assert_eq!(review[2], "high");
    let amount = get("amount_differs");
    assert!(
        amount[11].contains("1800.00")
            && amount[11].contains("1742.00")
            && amount[11].contains("58.00"),
        "{}",
        amount[11]
    );
    assert_eq!(amount[2], "high", "overpayment is high severity");
    assert_eq!(amount[10], "1742.00");
    // every finding names its household's head, the ID whole in files
    assert_eq!((review[3].as_str(), review[6].as_str()), ("R01", "户主R01"));
    assert_eq!(review[7], id(1));
    assert!(
        get("dibao_and_tekun")[11].contains("第 8 行户 R07"),
        "names the other household by id and row: {}",
        get("dibao_and_tekun")[11]
    );
    assert!(
        get("dibao_and_tekun")[11].contains(&id(6)),
        "csv keeps the full ID"
    );
    let dead = get("against_list");
    assert!(
        dead[11].contains("死亡名单") && dead[11].contains("2022-05-03"),
        "{}",
        dead[11]
    );
    assert_eq!(get("malformed_id")[2], "error");
    assert!(get("invalid_row")[11].contains("members"));
    assert!(get("undetermined")[11].contains("monthly_income"));
    assert!(
        get("to_enrol")[12].contains("2022"),
        "the rule cites the notice"
    );
    assert!(!get("to_enrol")[13].is_empty(), "an action is suggested");
    // Summary on stderr, by finding and by township.
    assert!(
        r.stderr.contains("核查 16 户，发现 16 项问题，涉及 16 户"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("城关镇 9:") && r.stderr.contains("七里河街道 7:"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_clean_roster_has_no_findings_and_exits_zero() {
    let w = workdir(&clean_roster());
    let r = audit(&w, &["--format", "csv", "--against", "deaths.csv"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.csv().len(), 1, "the header only: {}", r.stdout);
    let j = audit(&w, &["--format", "json"]);
    assert_eq!(j.code, 0);
    let v = j.json();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["households"], "4");
    assert_eq!(v["summary"]["findings"], "0");
}

#[test]
fn json_and_table_carry_the_same_findings_and_tables_mask_id_numbers() {
    let w = workdir(&findings_roster());
    let j = audit(
        &w,
        &[
            "--format",
            "json",
            "--against",
            "deaths.csv:死亡名单",
            "--lang",
            "en",
        ],
    );
    assert_eq!(j.code, 1);
    let v = j.json();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 16);
    assert_eq!(f[0]["code"], "to_review");
    assert_eq!(v["summary"]["by_code"]["amount_differs"], "1");
    assert_eq!(v["policy"], "兰州市 2022");
    assert!(
        f[0]["evidence"]
            .as_str()
            .unwrap()
            .contains("not below the standard")
    );
    let t = audit(
        &w,
        &["--format", "table", "--against", "deaths.csv:死亡名单"],
    );
    assert_eq!(t.code, 1);
    assert!(!t.stdout.contains(&id(14)), "no full ID on screen");
    assert!(t.stdout.contains(&id(14)[..6]) && t.stdout.contains("********"));
}

#[test]
fn a_label_column_names_each_entry_and_the_file_name_names_the_list() {
    let w = workdir(&findings_roster());
    w.write(
        "staff.csv",
        format!("id_number,label\n{},工作人员亲属\n", id(10)),
    );
    let r = audit(&w, &["--format", "csv", "--against", "staff.csv"]);
    let rows = r.csv();
    let hit = rows
        .iter()
        .find(|r| r[1] == "against_list")
        .expect("listed");
    assert_eq!(hit[3], "R10");
    assert!(hit[11].contains("工作人员亲属"), "{}", hit[11]);
}

#[test]
fn bad_arguments_stop_before_any_output() {
    let w = workdir(&clean_roster());
    let r = audit(&w, &["--amount-column", "发放数", "-o", "out.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("发放数"), "{}", r.stderr);
    assert!(!w.file("out.csv").exists());
    w.write("nolist.csv", "姓名\n张三\n");
    let r = audit(&w, &["--against", "nolist.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("ID-number column"), "{}", r.stderr);
}

/// A roster of households whose persons are in a members file: every household eligible and
/// paid by the rules, heads all different, so findings come from the person rows only.
fn members_workdir(planted: bool) -> Workdir {
    let mut roster = String::from(HEADER);
    let mut members = String::from("户编号,身份证号码,姓名,与户主关系\n");
    let mut household = |hh: &str, status: &str, persons: &[(u32, &str)]| {
        let (income, care) = if status == "tekun" {
            ("", "partial")
        } else {
            ("600", "")
        };
        roster += &line(
            hh,
            &persons.len().to_string(),
            income,
            status,
            "",
            care,
            "",
            "",
            "城关镇",
            &id(persons[0].0),
            &account(persons[0].0),
            "",
        );
        for (i, (n, name)) in persons.iter().enumerate() {
            let relation = if i == 0 { "户主" } else { "配偶" };
            members += &format!("{hh},{},{name},{relation}\n", id(*n));
        }
    };
    // M01: a 低保 couple; its spouse (31) is also the spouse in M02 when planted.
    household("M01", "dibao", &[(30, "甲"), (31, "乙")]);
    if planted {
        // duplicate_person: 31 is a member of M01 and of M02
        household("M02", "dibao", &[(32, "丙"), (31, "乙")]);
        // 特困 alone (33) …
        household("M03", "tekun", &[(33, "丁")]);
        // … and a member of the 低保 household M04: dibao_and_tekun
        household("M04", "dibao", &[(34, "戊"), (33, "丁")]);
        // a member (36) on the deaths list: against_list
        household("M05", "dibao", &[(35, "己"), (36, "庚")]);
        // the same person twice in one household: duplicate_person
        household("M06", "dibao", &[(37, "辛"), (38, "壬"), (38, "壬")]);
    } else {
        household("M02", "dibao", &[(32, "丙"), (39, "癸")]);
        household("M03", "tekun", &[(33, "丁")]);
    }
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write("roster.csv", roster);
    w.write("members.csv", members);
    w.write(
        "deaths.csv",
        format!(
            "身份证号,死亡日期\n{},2022-06-01\n{},2020-01-01\n",
            id(36),
            id(98)
        ),
    );
    w
}

#[test]
fn members_bring_every_person_into_the_duplicate_and_list_checks() {
    let w = members_workdir(true);
    let args = [
        "--members",
        "members.csv",
        "--against",
        "deaths.csv:死亡名单",
        "--format",
        "csv",
    ];
    let r = audit(&w, &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let found: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("dibao_and_tekun", "M03"),
            ("dibao_and_tekun", "M04"),
            ("duplicate_person", "M01"),
            ("duplicate_person", "M02"),
            ("duplicate_person", "M06"),
            ("against_list", "M05"),
        ],
        "{}",
        r.stdout
    );
    let evidence = |hh: &str, code: &str| {
        rows.iter()
            .find(|r| r[3] == hh && r[1] == code)
            .map(|r| r[11].clone())
            .unwrap()
    };
    let dup = evidence("M02", "duplicate_person");
    assert!(
        dup.contains("成员 乙") && dup.contains(&id(31)) && dup.contains("第 2 行户 M01"),
        "names the person, the ID and the earlier household by id and row: {dup}"
    );
    let earlier = evidence("M01", "duplicate_person");
    assert!(
        earlier.contains("成员 乙") && earlier.contains("第 3 行户 M02"),
        "the earlier household names the later one: {earlier}"
    );
    let both = evidence("M04", "dibao_and_tekun");
    assert!(
        both.contains("成员 丁") && both.contains("低保") && both.contains("特困"),
        "{both}"
    );
    let twice = evidence("M06", "duplicate_person");
    assert!(twice.contains("两次") && twice.contains(&id(38)), "{twice}");
    let dead = evidence("M05", "against_list");
    assert!(
        dead.contains("成员 庚") && dead.contains("死亡名单") && dead.contains("2022-06-01"),
        "a member, not only the head, is matched: {dead}"
    );
    // Without the members file only heads are compared: none of these is found.
    let heads_only = audit(&w, &["--against", "deaths.csv", "--format", "csv"]);
    assert_eq!(heads_only.code, 0, "{}", heads_only.stdout);
}

#[test]
fn a_clean_members_file_gives_no_findings_and_a_stray_person_fails_the_run() {
    let w = members_workdir(false);
    let args = ["--members", "members.csv", "--against", "deaths.csv"];
    let r = audit(&w, &[&args[..], &["--format", "csv"]].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.csv().len(), 1, "{}", r.stdout);
    // A person whose household is not in the roster is reported, as check reports it.
    let mut members = w.read("members.csv");
    members += &format!("M99,{},某,户主\n", id(50));
    w.write("members.csv", members);
    let r = audit(&w, &[&args[..], &["--format", "csv"]].concat());
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("M99"), "{}", r.stderr);
}

#[test]
fn a_csv_file_written_with_o_starts_with_a_bom_unless_asked_otherwise() {
    let w = workdir(&clean_roster());
    let r = audit(&w, &["-o", "findings.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(w.file("findings.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFrank,code,"), "{bytes:?}");
    let r = audit(&w, &["-o", "plain.csv", "--csv-encoding", "utf8"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(w.read("plain.csv").starts_with("rank,code,"));
    // stdout stays plain UTF-8 for pipes
    let r = audit(&w, &["--format", "csv"]);
    assert!(r.stdout.starts_with("rank,"), "{}", r.stdout);
}

/// A roster of 低保 households (one person, income 500) with the given heads and accounts.
fn duplicates_roster(households: &[(&str, &str, u32, u32)]) -> String {
    let mut s = String::from(HEADER);
    for (hh, status, head, acct) in households {
        let (income, care) = if *status == "tekun" {
            ("", "partial")
        } else {
            ("500", "")
        };
        s += &line(
            hh,
            "1",
            income,
            status,
            "",
            care,
            "",
            "",
            "城关镇",
            &id(*head),
            &account(*acct),
            "",
        );
    }
    s
}

/// The (code, household_id, evidence) of each finding, from csv (`r.csv()`) rows.
fn findings_of(rows: &[Vec<String>]) -> Vec<(String, String, String)> {
    rows[1..]
        .iter()
        .map(|r| (r[1].clone(), r[3].clone(), r[11].clone()))
        .collect()
}

/// The same, from a json run.
fn json_findings_of(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("code"), s("household_id"), s("evidence"))
        })
        .collect()
}

#[test]
fn a_head_of_two_households_is_found_on_both_each_naming_the_other_by_id_and_row() {
    // D02 (row 3) and D04 (row 5) share a head; D03 (row 4) is a 特困 household whose head
    // also heads the 低保 household D05 (row 6).
    let w = workdir(&duplicates_roster(&[
        ("D01", "dibao", 41, 41),
        ("D02", "dibao", 42, 42),
        ("D03", "tekun", 43, 43),
        ("D04", "dibao", 42, 44),
        ("D05", "dibao", 43, 45),
    ]));
    let r = audit(&w, &["--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    // The earlier household's row carries its own columns, as any finding does.
    // row, township, status, decision, monthly_total
    let columns = |hh: &str| {
        let r = rows.iter().find(|r| r[3] == hh).unwrap();
        [4, 5, 8, 9, 10].map(|i| r[i].clone()).to_vec()
    };
    assert_eq!(columns("D02")[0], "3");
    assert_eq!(columns("D02")[1..], columns("D04")[1..]);
    assert_eq!(columns("D03")[1..4], ["城关镇", "tekun", "tekun"]);
    assert!(!columns("D03")[4].is_empty(), "{:?}", columns("D03"));
    let found = findings_of(&rows);
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, h, _)| (c.as_str(), h.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("dibao_and_tekun", "D03"),
            ("dibao_and_tekun", "D05"),
            ("duplicate_person", "D02"),
            ("duplicate_person", "D04"),
        ],
        "every household involved has its finding, in row order within a kind"
    );
    let ev = |hh: &str| &found.iter().find(|f| f.1 == hh).unwrap().2;
    assert_eq!(
        ev("D02"),
        &format!(
            "户主身份证号 {} 也是第 5 行户 D04（保障类别低保）的户主；本户保障类别低保",
            id(42)
        )
    );
    assert_eq!(
        ev("D04"),
        &format!(
            "户主身份证号 {} 也是第 3 行户 D02（保障类别低保）的户主；本户保障类别低保",
            id(42)
        )
    );
    assert!(
        ev("D03").contains("第 6 行户 D05（保障类别低保）")
            && ev("D03").contains("本户保障类别特困"),
        "{}",
        ev("D03")
    );
    assert!(
        ev("D05").contains("第 4 行户 D03（保障类别特困）"),
        "{}",
        ev("D05")
    );
    assert!(
        r.stderr.contains("发现 4 项问题，涉及 4 户"),
        "the earlier households count as households with findings: {}",
        r.stderr
    );

    let j = audit(&w, &["--format", "json", "--lang", "en"]);
    assert_eq!(j.code, 1);
    let v = j.json();
    let found = json_findings_of(&v);
    let ev = |hh: &str| &found.iter().find(|f| f.1 == hh).unwrap().2;
    assert_eq!(
        ev("D02"),
        &format!(
            "head ID {} also heads household D04 (row 5, enrolled as dibao); enrolment here dibao",
            id(42)
        )
    );
    assert!(
        ev("D04").contains("household D02 (row 3, enrolled as dibao)"),
        "{}",
        ev("D04")
    );
    assert!(
        ev("D03").contains("household D05 (row 6, enrolled as dibao)"),
        "{}",
        ev("D03")
    );
    assert_eq!(v["summary"]["households_with_findings"], "4");
    assert_eq!(v["summary"]["by_code"]["duplicate_person"], "2");
    assert_eq!(v["summary"]["by_code"]["dibao_and_tekun"], "2");
}

#[test]
fn three_households_sharing_an_account_each_name_the_other_two() {
    let w = workdir(&duplicates_roster(&[
        ("B01", "dibao", 51, 50),
        ("B02", "dibao", 52, 59),
        ("B03", "dibao", 53, 50),
        ("B04", "dibao", 54, 50),
    ]));
    let r = audit(&w, &["--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = findings_of(&r.csv());
    let acct = account(50);
    assert_eq!(
        found,
        [
            (
                "shared_bank_account".to_string(),
                "B01".to_string(),
                format!("银行账号 {acct} 与第 4 行户 B03、第 5 行户 B04 相同")
            ),
            (
                "shared_bank_account".to_string(),
                "B03".to_string(),
                format!("银行账号 {acct} 与第 2 行户 B01、第 5 行户 B04 相同")
            ),
            (
                "shared_bank_account".to_string(),
                "B04".to_string(),
                format!("银行账号 {acct} 与第 2 行户 B01、第 4 行户 B03 相同")
            ),
        ]
    );
    let j = audit(&w, &["--format", "json", "--lang", "en"]);
    let found = json_findings_of(&j.json());
    let evidence: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        evidence,
        [
            format!(
                "bank account {acct} is also the account of household B03 (row 4) and household B04 (row 5)"
            ),
            format!(
                "bank account {acct} is also the account of household B01 (row 2) and household B04 (row 5)"
            ),
            format!(
                "bank account {acct} is also the account of household B01 (row 2) and household B03 (row 4)"
            ),
        ]
    );
}

#[test]
fn a_person_in_two_households_of_the_members_file_is_named_on_both_in_english_json() {
    let w = members_workdir(true);
    let r = audit(
        &w,
        &[
            "--members",
            "members.csv",
            "--format",
            "json",
            "--lang",
            "en",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = json_findings_of(&r.json());
    let ev = |hh: &str, code: &str| {
        found
            .iter()
            .find(|f| f.1 == hh && f.0 == code)
            .map(|f| f.2.clone())
            .unwrap_or_else(|| panic!("no {code} on {hh}: {found:?}"))
    };
    let m01 = ev("M01", "duplicate_person");
    assert!(
        m01.starts_with("member 乙 (")
            && m01.contains(&id(31))
            && m01.contains("is also in household M02 (row 3, enrolled as dibao)"),
        "{m01}"
    );
    let m02 = ev("M02", "duplicate_person");
    assert!(
        m02.contains("household M01 (row 2, enrolled as dibao)"),
        "{m02}"
    );
    // 丁 heads the 特困 household M03 (named 户主M03 in the roster) and is a member of M04.
    let m03 = ev("M03", "dibao_and_tekun");
    assert!(
        m03.starts_with("head 户主M03 (")
            && m03.contains("household M04 (row 5, enrolled as dibao)")
            && m03.ends_with("enrolment here tekun"),
        "{m03}"
    );
    let m04 = ev("M04", "dibao_and_tekun");
    assert!(
        m04.starts_with("member 丁 (") && m04.contains("household M03 (row 4, enrolled as tekun)"),
        "{m04}"
    );
}

#[test]
fn a_roster_from_stdin_names_every_household_of_a_duplicate() {
    let roster = duplicates_roster(&[
        ("S01", "dibao", 61, 61),
        ("S02", "dibao", 61, 62),
        ("S03", "dibao", 63, 62),
    ]);
    let w = workdir(&roster);
    let r = w.run_with_stdin(
        &[
            "audit",
            "-p",
            "policy.toml",
            "-",
            "--month",
            "2022-12",
            "--format",
            "csv",
        ],
        Some(roster.as_bytes()),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = findings_of(&r.csv());
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, h, _)| (c.as_str(), h.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("duplicate_person", "S01"),
            ("duplicate_person", "S02"),
            ("shared_bank_account", "S02"),
            ("shared_bank_account", "S03"),
        ]
    );
    assert!(found[0].2.contains("第 3 行户 S02"), "{}", found[0].2);
    assert!(found[1].2.contains("第 2 行户 S01"), "{}", found[1].2);
    assert!(found[2].2.contains("第 4 行户 S03"), "{}", found[2].2);
    assert!(found[3].2.contains("第 3 行户 S02"), "{}", found[3].2);
    // the same findings as from the file
    assert_eq!(audit(&w, &["--format", "csv"]).stdout, r.stdout);
}

/// A generated roster of 3,000 households with every kind of defect at a steady rate: repeated
/// household ids, heads of two households, old 15-digit forms of a head's ID, malformed and
/// empty IDs, shared and empty accounts, unreadable and missing cells, paid amounts that differ,
/// and a members file whose persons repeat across and within households.
fn generated_workdir() -> Workdir {
    const N: u32 = 3000;
    let towns = ["城关镇", "七里河街道", "西固区", "安宁街道", ""];
    let statuses = ["dibao", "dibao", "none", "tekun", "edge", "dibao", "none"];
    let mut roster = String::from(HEADER);
    let mut members = String::from("户编号,身份证号码,姓名,与户主关系\n");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for n in 0..N {
        let r = next();
        let hh = if n % 211 == 210 {
            format!("G{:05}", n - 100)
        } else {
            format!("G{n:05}")
        };
        let size = 1 + (r % 5) as u32;
        let status = statuses[(r >> 8) as usize % statuses.len()];
        let (income, care) = match (status, n % 97, n % 101) {
            ("tekun", _, _) => (String::new(), "partial"),
            (_, 5, _) => (String::new(), ""),
            (_, _, 7) => ("abc".to_string(), ""),
            _ => (((r >> 16) % 2400 * u64::from(size)).to_string(), ""),
        };
        let cats = if n % 13 == 4 { "monitored" } else { "" };
        let (no_income, insured) = match n % 17 {
            3 => ("3", "no"),
            9 => ("2", "yes"),
            11 => ("4", ""),
            _ => ("", ""),
        };
        let head = match n {
            n if n % 29 == 28 => gid(n - 7),
            n if n % 31 == 30 => {
                // the 15-digit form of an earlier head's ID
                let full = gid(n - 3);
                format!("{}{}", &full[..6], &full[8..17])
            }
            n if n % 43 == 42 => {
                let full = gid(n);
                let last = if full.ends_with('1') { '2' } else { '1' };
                format!("{}{last}", &full[..17])
            }
            n if n % 59 == 58 => String::new(),
            n => gid(n),
        };
        let acct = match n {
            n if n % 37 == 36 => account(n - 5),
            n if n % 61 == 60 => String::new(),
            n => account(n),
        };
        let amount = match n % 11 {
            1 => "500".to_string(),
            2 => "abc".to_string(),
            3 => income.clone(),
            _ => String::new(),
        };
        roster += &line(
            &hh,
            &size.to_string(),
            &income,
            status,
            cats,
            care,
            no_income,
            insured,
            towns[n as usize % towns.len()],
            &head,
            &acct,
            &amount,
        );
        if n % 211 == 210 {
            continue;
        }
        members += &format!("{hh},{head},户主{hh},户主\n");
        for k in 1..size {
            let person = match (n % 47, k) {
                (46, 1) => gid(25_000 + (n - 3) * 8 + 1),
                _ => gid(25_000 + n * 8 + k),
            };
            members += &format!("{hh},{person},成员{n}-{k},子女\n");
            if n % 83 == 82 && k == 1 {
                members += &format!("{hh},{person},成员{n}-{k},子女\n");
            }
        }
    }
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write("roster.csv", roster);
    w.write("members.csv", members);
    w.write(
        "deaths.csv",
        format!(
            "身份证号,姓名,死亡日期\n{},某甲,2022-05-03\n{},某乙,2021-01-01\n{},某丙,\n{},某丁,2020-02-02\n",
            gid(50),
            gid(777),
            gid(25_000 + 120 * 8 + 1),
            gid(49_999)
        ),
    );
    w
}

/// The outputs of audit on the generated roster, pinned byte for byte (by their SHA-256) in
/// every format and language, with and without a members file, so that a change to how
/// findings are found, ordered or written cannot pass unseen.
#[test]
fn a_generated_roster_audits_to_the_recorded_bytes() {
    use sha2::{Digest, Sha256};
    let w = generated_workdir();
    let runs: [(&str, &[&str]); 7] = [
        ("csv zh", &["--format", "csv"]),
        ("csv en", &["--format", "csv", "--lang", "en"]),
        ("json zh", &["--format", "json"]),
        ("table zh", &["--format", "table"]),
        ("table en", &["--format", "table", "--lang", "en"]),
        (
            "csv members zh",
            &["--format", "csv", "--members", "members.csv"],
        ),
        (
            "json members en",
            &[
                "--format",
                "json",
                "--members",
                "members.csv",
                "--lang",
                "en",
            ],
        ),
    ];
    let expected: [(&str, &str); 7] = [
        (
            "ecf7a349fe6915ca8498339c7553d60b55a26320fb8085b33a5840ccafd6898d",
            "13484ba5a9f865e21cefb17e51cf08a9f3135406e50a5f42a1b68e904d1d45c0",
        ),
        (
            "4b91246c6fbcb3f4aac92a8f853962f6c5f69a7c446067f33ed649422a5cc4fc",
            "d5c2bbc0c26f3dcd499c4979458688ca48f631331ae9fcff349a03b5bf326dbf",
        ),
        (
            "55b024a0a446a0da68fdd65f657b20099cecd6a91ae5b6f63a3418b42cee892b",
            "13484ba5a9f865e21cefb17e51cf08a9f3135406e50a5f42a1b68e904d1d45c0",
        ),
        (
            "5c75010438f50ced4e1dd021847fc202e38070e939e10cd420f327025ef1e2a1",
            "13484ba5a9f865e21cefb17e51cf08a9f3135406e50a5f42a1b68e904d1d45c0",
        ),
        (
            "2e25e716ab4667beff2e26d5a4688e9be7aa92848019a291e9905ca02acc1d76",
            "d5c2bbc0c26f3dcd499c4979458688ca48f631331ae9fcff349a03b5bf326dbf",
        ),
        (
            "2d9e050cffa1a1c28b1ce52ab311773a9103e0928419454d82ce382e85f8f465",
            "a6bde6bbf8324b7561e511ea8397253ce2511efebbc7bbfcf705f61c72a5b590",
        ),
        (
            "39e2ac662fb2f901cbd9452790195725b6e4e294cb072e90c34a94b8e7c27482",
            "a094dc0c23227cf505c06cf6011329b6a743a1101c3396e8ddb179e287b8ec07",
        ),
    ];
    let hex = |s: &str| {
        Sha256::digest(s.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let mut got = Vec::new();
    for (name, extra) in runs {
        let mut args = extra.to_vec();
        args.extend_from_slice(&["--against", "deaths.csv:死亡名单"]);
        let r = audit(&w, &args);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        got.push((name, hex(&r.stdout), hex(&r.stderr), r.stdout.len()));
    }
    let differ: Vec<String> = got
        .iter()
        .zip(expected)
        .filter(|((_, out, err, _), (eo, ee))| out != eo || err != ee)
        .map(|((name, out, err, len), _)| format!("{name}: (\"{out}\", \"{err}\") {len} bytes"))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn columns_choose_and_order_the_finding_columns_by_english_or_chinese_name() {
    let w = workdir(&findings_roster());
    let full = audit(&w, &["--format", "csv"]);
    let r = audit(
        &w,
        &[
            "--format",
            "csv",
            "--columns",
            "household_id,问题代码,monthly_total",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(rows[0], ["household_id", "code", "monthly_total"]);
    // the same findings, in the same order, each with the columns asked for
    let expected: Vec<Vec<String>> = full
        .csv()
        .iter()
        .skip(1)
        .map(|r| vec![r[3].clone(), r[1].clone(), r[10].clone()])
        .collect();
    assert_eq!(rows[1..], expected[..]);
    let j = audit(&w, &["--format", "json", "--columns", "code,severity"]).json();
    let first = &j["findings"][0];
    assert_eq!(first.as_object().map(|o| o.len()), Some(2), "{first}");
    assert_eq!(first["code"], "to_review");
    assert_eq!(first["severity"], "high");
    assert!(j["summary"]["findings"].is_string());
    // a table shows the severity in words and the ID masked
    let t = audit(&w, &["--format", "table", "--columns", "severity,head_id"]);
    assert!(t.stdout.contains("严重程度"), "{}", t.stdout);
    assert!(t.stdout.contains("高"), "{}", t.stdout);
    assert!(!t.stdout.contains(&id(1)), "{}", t.stdout);
}

#[test]
fn an_unknown_column_is_a_usage_error_naming_the_columns() {
    let w = workdir(&findings_roster());
    for (lang, expect) in [("en", "the columns are"), ("zh", "可用的列")] {
        let r = audit(
            &w,
            &[
                "--format",
                "csv",
                "--columns",
                "code,nosuch",
                "--lang",
                lang,
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(r.stderr.contains("nosuch"), "{}", r.stderr);
        assert!(r.stderr.contains(expect), "{}", r.stderr);
        assert!(r.stderr.contains("evidence"), "{}", r.stderr);
    }
}
