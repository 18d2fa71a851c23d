//! `jiuzhu check` end to end on the bundled policy and roster.

use crate::workdir::Workdir;

fn row<'a>(rows: &'a [Vec<String>], id: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn bundled_roster_gives_hand_checked_decisions_and_amounts() {
    let w = Workdir::bundled();
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["--format", "csv"]);
    assert_eq!(
        r.code, 1,
        "invalid and undetermined rows make exit 1: {}",
        r.stderr
    );
    let rows = r.csv();
    assert_eq!(
        &rows[0][..7],
        [
            "household_id",
            "township",
            "head_name",
            "head_id",
            "month",
            "area",
            "decision"
        ]
    );
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (dec, dibao, uplift, basic, care, total) = (
        col("decision"),
        col("dibao_amount"),
        col("uplift_amount"),
        col("tekun_basic"),
        col("tekun_care"),
        col("monthly_total"),
    );
    // 914 × 3 − 1000 = 1742; one minor: 10% × 914 = 91.4 → 91 (yuan).
    let h1 = row(&rows, "H001");
    assert_eq!(
        (
            h1[dec].as_str(),
            h1[dibao].as_str(),
            h1[uplift].as_str(),
            h1[total].as_str()
        ),
        ("dibao", "1742.00", "91.00", "1833.00")
    );
    // Not enrolled but eligible: income 1200 − exempt 200 − 30% of 1000 earnings = 700 counted.
    let h2 = row(&rows, "H002");
    assert_eq!((h2[dec].as_str(), h2[dibao].as_str()), ("dibao", "1128.00"));
    assert!(h2[col("reasons")].contains("not_enrolled"));
    // 特困: 1.3 × 914 = 1188.2 → 1189 (yuan_up); care 0.18 × 1670 = 300.6 → 301.
    let h4 = row(&rows, "H004");
    assert_eq!(
        (h4[dec].as_str(), h4[basic].as_str(), h4[care].as_str()),
        ("tekun", "1189.00", "301.00")
    );
    // Institutional care: 0.27 × 1670 × 1.5 = 676.35 → 676.
    assert_eq!(row(&rows, "H005")[care], "676.00");
    // Gradual exit from 2022-09: 2022-12 is month 4 → 0.8 × 1242 = 993.60.
    let h6 = row(&rows, "H006");
    assert_eq!(
        (h6[dec].as_str(), h6[total].as_str()),
        ("gradual_exit", "993.60")
    );
    assert_eq!(row(&rows, "H007")[dec], "edge");
    assert_eq!(row(&rows, "H008")[dec], "none");
    assert_eq!(row(&rows, "H009")[dec], "undetermined");
    assert!(row(&rows, "H009")[col("reasons")].contains("missing:monthly_income"));
    assert_eq!(row(&rows, "H010")[dec], "invalid");
    assert!(row(&rows, "H010")[col("reasons")].contains("not_money:monthly_income"));
    assert!(row(&rows, "H011")[col("reasons")].contains("to_review"));
    assert_eq!(rows.len(), 13, "every input row comes out exactly once");
    assert!(r.stderr.contains("共 12 户"), "{}", r.stderr);
    assert!(r.stderr.contains("7979.60"), "{}", r.stderr);
}

#[test]
fn json_totals_equal_the_sum_of_the_rows_and_money_is_text() {
    let w = Workdir::bundled();
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["--format", "json"],
    );
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["policy"], "兰州市 2022");
    assert_eq!(v["policy_sha256"].as_str().map(str::len), Some(64));
    let rows = v["households"].as_array().expect("households");
    assert_eq!(rows.len(), 12);
    let sum: rust_decimal::Decimal = rows
        .iter()
        .map(|h| {
            h["monthly_total"]
                .as_str()
                .expect("money is a string")
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(v["totals"]["monthly_total"], sum.to_string());
    assert_eq!(v["totals"]["monthly_total"], "7979.60");
    assert_eq!(v["totals"]["dibao"], "3");
    assert_eq!(rows[0]["备注"], "", "extra columns are carried through");
}

#[test]
fn english_messages_with_lang_en() {
    let w = Workdir::bundled();
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["--format", "csv", "--lang", "en"],
    );
    let rows = r.csv();
    let msg = rows[0].iter().position(|c| c == "message").unwrap();
    assert!(
        rows[1][msg].starts_with("counted per-capita income 333.33 is below"),
        "{}",
        rows[1][msg]
    );
    assert!(r.stderr.contains("12 households"), "{}", r.stderr);
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let w = Workdir::bundled();
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["-o", "out.csv"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(w.read("out.csv").lines().count(), 13);
    // A month before any standard is in force is fatal: exit 2 and nothing written.
    let r = w.check("policy.toml", "roster.csv", "2021-12", &["-o", "early.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("dibao.standard") && r.stderr.contains("2021-12"),
        "{}",
        r.stderr
    );
    assert!(!w.file("early.csv").exists());
    let leftovers: Vec<_> = std::fs::read_dir(w.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// Whether `path` is (still) a named pipe.
#[cfg(unix)]
fn is_fifo(path: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_fifo())
        .unwrap_or(false)
}

/// Makes a named pipe (FIFO) at `path` with the system's `mkfifo`.
#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn a_pipe_or_device_named_by_output_is_written_in_place_never_replaced() {
    // `-o /dev/null` or a FIFO: renaming a finished temporary file over it would put a plain
    // file where the device was (as root, for every program on the machine).
    let w = Workdir::bundled();
    let fifo = w.file("out.pipe");
    mkfifo(&fifo);
    let (tx, rx) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let text = std::fs::read_to_string(reader_path).unwrap_or_default();
        let _ = tx.send(text);
    });
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["-o", "out.pipe"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let received = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("nothing came through the pipe");
    assert_eq!(received.lines().count(), 13, "{received}");
    assert!(is_fifo(&fifo));

    // A ledger cannot live in a pipe: refused before anything is paid, the pipe left alone.
    let r = w.run(&[
        "payouts",
        "-p",
        "policy.toml",
        "roster.csv",
        "--from",
        "2022-12",
        "--to",
        "2022-12",
        "--ledger",
        "out.pipe",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("plain file"), "{}", r.stderr);
    assert!(is_fifo(&fifo));
}

#[cfg(unix)]
#[test]
fn an_output_reached_through_a_link_replaces_the_file_and_keeps_the_link() {
    let w = Workdir::bundled();
    std::fs::create_dir(w.file("reports")).unwrap();
    w.write("reports/december.csv", "old\n");
    std::os::unix::fs::symlink("reports/december.csv", w.file("latest.csv")).unwrap();
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["-o", "latest.csv"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(w.file("latest.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(w.read("reports/december.csv").lines().count(), 13);
    // the temporary file was made beside the real file and is gone
    let leftovers = std::fs::read_dir(w.file("reports")).unwrap().count();
    assert_eq!(leftovers, 1);
}

#[test]
fn a_misspelt_policy_key_is_refused_naming_its_path() {
    let w = Workdir::bundled();
    let text = w.read("policy.toml").replace("urban = 914", "urbn = 914");
    w.write("typo.toml", text);
    let r = w.check("typo.toml", "roster.csv", "2022-12", &["-o", "out.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("dibao.standard[0]") && r.stderr.contains("urbn"),
        "{}",
        r.stderr
    );
    assert!(!w.file("out.csv").exists());
}

#[test]
fn ambiguous_dated_entries_are_refused() {
    let w = Workdir::bundled();
    let text = w.read("policy.toml").replace(
        "[dibao]\n",
        "[[dibao.standard]]\nfrom = \"2022-01\"\narea = \"city\"\nurban = 900\nrural = 400\n\n[dibao]\n",
    );
    w.write("dup.toml", text);
    let r = w.check("dup.toml", "roster.csv", "2022-12", &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("ambiguous"), "{}", r.stderr);
}

#[test]
fn stale_policy_warns_and_strict_refuses() {
    let w = Workdir::bundled();
    let r = w.check("policy.toml", "roster.csv", "2023-01", &["--format", "csv"]);
    assert_eq!(r.code, 1);
    // Said in Chinese by default (the wording changed from one mixed line to one language).
    assert!(
        r.stderr.contains("的核对日期 2022-12 早于计算月份 2023-01"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("last verified"), "{}", r.stderr);
    let r = w.check("policy.toml", "roster.csv", "2023-01", &["--strict"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("核对日期 2022-12 早于计算月份 2023-01，--strict 下拒绝计算"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("refusing with --strict"), "{}", r.stderr);
}

/// The stale-policy warning and the `--strict` refusal in English with `--lang en`, with no
/// Chinese sentence beside them.
#[test]
fn stale_policy_is_said_in_english_with_lang_en() {
    let w = Workdir::bundled();
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2023-01",
        &["--format", "csv", "--lang", "en"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("was last verified 2022-12, before the month evaluated (2023-01)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("核对日期"), "{}", r.stderr);
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2023-01",
        &["--strict", "--lang", "en"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("last verified 2022-12, evaluating 2023-01; refusing with --strict"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("核对日期"), "{}", r.stderr);
}

#[test]
fn roster_from_stdin_with_chinese_headers_and_values() {
    let w = Workdir::bundled();
    let roster = "户编号,区划代码,城乡类别,家庭人口,家庭月收入,保障类别\nC1,620102,城市,3,\"1,000.00\",低保\nC2,620121,农村,1,１００元,无\n";
    let r = w.run_with_stdin(
        &[
            "check",
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
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(rows[1][0], "C1");
    assert_eq!(rows[1][9], "1742.00");
    assert_eq!(rows[2][6], "dibao");
    assert_eq!(rows[2][9], "339.00");
}

#[test]
fn duplicate_household_ids_are_invalid_after_the_first() {
    let w = Workdir::bundled();
    w.write("dup.csv", "household_id,region,residence,members,monthly_income\nA,620102,urban,1,100\nA,620102,urban,1,100\n");
    let r = w.check("policy.toml", "dup.csv", "2022-12", &["--format", "csv"]);
    assert_eq!(r.code, 1);
    let rows = r.csv();
    assert_eq!(rows[1][6], "dibao");
    assert_eq!(rows[2][6], "invalid");
    assert!(rows[2][14].contains("duplicate_household_id"));
}

#[test]
fn missing_required_column_is_fatal() {
    let w = Workdir::bundled();
    w.write(
        "bad.csv",
        "household_id,region,monthly_income\nA,620102,100\n",
    );
    let r = w.check("policy.toml", "bad.csv", "2022-12", &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("residence") && r.stderr.contains("members"),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let w = Workdir::bundled();
    assert_eq!(w.run(&["check", "-p", "policy.toml", "roster.csv"]).code, 2);
    assert_eq!(
        w.run(&[
            "check",
            "-p",
            "policy.toml",
            "roster.csv",
            "--month",
            "2022-13"
        ])
        .code,
        2
    );
    assert_eq!(
        w.run(&[
            "check",
            "-p",
            "nope.toml",
            "roster.csv",
            "--month",
            "2022-12"
        ])
        .code,
        2
    );
}

#[test]
fn explain_cites_every_parameter_with_its_source() {
    let w = Workdir::bundled();
    let r = w.run(&[
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--household",
        "H004",
        "--month",
        "2022-12",
        "--lang",
        "en",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("1.3 × urban standard 914.00 = 1188.2, rounded by yuan_up to 1189.00"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("tekun.care_base = 1670, from 2022-01, source gs-minwage"),
        "{}",
        r.stdout
    );
    let r = w.run(&[
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--household",
        "H006",
        "--month",
        "2022-12",
        "--format",
        "json",
    ]);
    let v = r.json();
    assert_eq!(v["decision"], "gradual_exit");
    let rules: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["income.counted", "dibao.eligibility", "gradual_exit.pay"]
    );
    let r = w.run(&[
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--household",
        "NOPE",
        "--month",
        "2022-12",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn init_writes_a_working_example_and_never_overwrites() {
    let w = Workdir::new();
    let r = w.run(&["init", "demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = w.check(
        "demo/policy.toml",
        "demo/roster.csv",
        "2022-12",
        &["--format", "csv"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.csv().len(), 13);
    let r = w.run(&["init", "demo"]);
    assert_eq!(r.code, 2);
}

mod properties {
    use crate::workdir::Workdir;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            (0u32..5000).prop_map(|n| n.to_string()),
            (0u32..500000).prop_map(|n| format!("{}.{:02}", n / 100, n % 100)),
            Just("12a".to_string()),
            Just("-5".to_string()),
            Just("无".to_string()),
            "[a-z低保特困,\"]{0,4}",
        ]
    }

    fn row() -> impl Strategy<Value = Vec<String>> {
        (
            prop_oneof![Just("620102"), Just("620121"), Just("999999"), Just("")],
            prop_oneof![
                Just("urban"),
                Just("rural"),
                Just("农村"),
                Just(""),
                Just("x")
            ],
            cell(),
            cell(),
            prop_oneof![
                Just("dibao"),
                Just("tekun"),
                Just("none"),
                Just("edge"),
                Just(""),
                Just("?")
            ],
            prop_oneof![Just(""), Just("full"), Just("partial")],
        )
            .prop_map(|(region, res, members, income, status, care)| {
                vec![
                    region.into(),
                    res.into(),
                    members,
                    income,
                    status.into(),
                    care.into(),
                ]
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Every input row comes out exactly once, in order, and the summary total is the sum
        /// of the rows' totals.
        #[test]
        fn every_row_comes_out_once_and_totals_reconcile(rows in proptest::collection::vec(row(), 1..40)) {
            let w = Workdir::new();
            w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
            let mut wtr = csv::Writer::from_writer(Vec::new());
            wtr.write_record(["household_id", "region", "residence", "members", "monthly_income", "status", "care_level"]).unwrap();
            for (i, r) in rows.iter().enumerate() {
                let mut rec = vec![format!("P{i}")];
                rec.extend(r.iter().cloned());
                wtr.write_record(&rec).unwrap();
            }
            w.write("roster.csv", wtr.into_inner().unwrap());
            let r = w.run(&["check", "-p", "policy.toml", "roster.csv", "--month", "2022-12", "--format", "json"]);
            prop_assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
            let v = r.json();
            let out = v["households"].as_array().unwrap();
            prop_assert_eq!(out.len(), rows.len());
            let mut sum = rust_decimal::Decimal::ZERO;
            for (i, h) in out.iter().enumerate() {
                prop_assert_eq!(h["household_id"].as_str().unwrap(), format!("P{i}"));
                let total: rust_decimal::Decimal = h["monthly_total"].as_str().unwrap().parse().unwrap();
                prop_assert!(total >= rust_decimal::Decimal::ZERO);
                sum += total;
            }
            prop_assert_eq!(v["totals"]["monthly_total"].as_str().unwrap(), crate::fmt2(sum));
            let undecided = out.iter().filter(|h| h["decision"] == "invalid" || h["decision"] == "undetermined").count();
            prop_assert_eq!(r.code == 1, undecided > 0);
        }
    }
}

/// Regression: the last batches of a roster larger than the reader's batch (16,384 rows) were
/// dropped when the reader finished before the workers.
#[test]
fn a_roster_of_several_batches_comes_out_whole() {
    let w = Workdir::bundled();
    // 40,000 households from the example's rows (the generator is in the benchmark package)
    let example = w.read("roster.csv");
    let mut lines = example.lines();
    let mut big = format!("{}\n", lines.next().unwrap());
    let rows: Vec<&str> = lines.collect();
    for i in 1..=40_000usize {
        let row = rows[i % rows.len()];
        let rest = &row[row.find(',').unwrap()..];
        big.push_str(&format!("H{i:09}{rest}\n"));
    }
    w.write("big.csv", big);
    let r = w.check(
        "policy.toml",
        "big.csv",
        "2022-12",
        &["--format", "csv", "-o", "out.csv"],
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let out = w.read("out.csv");
    assert_eq!(out.lines().count(), 40_001);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("H000040000,"), "{last}");
    assert!(r.stderr.contains("共 40000 户"), "{}", r.stderr);
}

#[test]
fn nanjing_policy_reproduces_the_domain_cases() {
    let w = Workdir::new();
    w.copy_repo_file("policies/nanjing-2022.toml", "nj.toml");
    w.write(
        "r.csv",
        "户编号,区划代码,城乡类别,家庭人口,家庭月收入\nN1,320102,城市,2,1000\nN2,320115,农村,1,1000\nN3,320106,城市,1,1030\n",
    );
    let r = w.run(&[
        "check", "-p", "nj.toml", "r.csv", "--month", "2022-07", "--format", "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    // (1030 − 500) × 2 = 1060; one person with 1000: the 20% floor, 206; at the standard: none.
    assert_eq!(
        (rows[1][6].as_str(), rows[1][9].as_str()),
        ("dibao", "1060.00")
    );
    assert_eq!(
        (rows[2][6].as_str(), rows[2][9].as_str()),
        ("dibao", "206.00")
    );
    assert!(rows[2][14].contains("dibao_floor"));
    assert_eq!(rows[3][6], "none");
    // June 2022 is before the file's first standard: refused, nothing guessed.
    let r = w.run(&["check", "-p", "nj.toml", "r.csv", "--month", "2022-06"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("2022-06") && r.stderr.contains("nanjing"),
        "{}",
        r.stderr
    );
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

#[test]
fn explain_with_members_lists_each_persons_age_and_group() {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    let head = with_check_char("62010219500101123");
    w.write(
        "roster.csv",
        format!(
            "household_id,region,residence,members,monthly_income,status,head_id\nE01,620102,urban,3,600,dibao,{head}\n"
        ),
    );
    // 72, 59 on 2022-12-01 (60 only on 12-15: elderly from January), a grandchild of 7, and
    // a daughter-in-law who is not covered.
    w.write(
        "members.csv",
        format!(
            "户编号,身份证号码,姓名,与户主关系,是否保障对象\nE01,{head},甲,户主,\nE01,{},乙,配偶,\nE01,{},丙,孙子,\nE01,{},丁,儿媳,否\n",
            with_check_char("62010219621215123"),
            with_check_char("62010220150505123"),
            with_check_char("62010219820505123"),
        ),
    );
    let args = [
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--household",
        "E01",
        "--month",
        "2022-12",
        "--members",
        "members.csv",
        "--lang",
        "en",
    ];
    let r = w.run(&[&args[..], &["--format", "table"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "persons (members file members.csv, ages on 2022-12-01):",
        "row 2 甲 (户主, 620102********",
        "aged 72, uplift group elderly",
        "row 3 乙 (配偶, 620102********",
        "aged 59, no uplift group",
        "aged 7, uplift group minors",
        "row 5 丁 (儿媳, 620102********",
        "not covered",
        // 0.1 × 914 = 91.4 → 91 per person, one elderly and one minor
        "uplift (elderly): 0.1 × 914.00 = 91.4 per person, rounded by yuan to 91.00 × 1 = 91.00",
        "uplift (minors): 0.1 × 914.00 = 91.4 per person, rounded by yuan to 91.00 × 1 = 91.00",
    ] {
        assert!(r.stdout.contains(line), "{line:?} in:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains(&head), "IDs are masked on screen");
    let v = w.run(&[&args[..], &["--format", "json"]].concat()).json();
    let persons = v["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 4);
    assert_eq!(persons[0]["id_number"], head.as_str());
    assert_eq!(persons[1]["age"], "59");
    assert_eq!(persons[1]["group"], "");
    assert_eq!(persons[3]["covered"], "no");
    // The same text written to a file for Excel/Notepad users starts with a BOM.
    let r = w.run(&[&args[..], &["-o", "e01.txt"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(w.file("e01.txt")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFhousehold E01"));
}

#[test]
fn xlsx_output_holds_every_household_and_the_totals() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let w = Workdir::bundled();
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["-o", "out.xlsx"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut book: Xlsx<_> = open_workbook(w.file("out.xlsx")).expect("an xlsx workbook");
    let names = book.sheet_names();
    assert_eq!(names, ["check 2022-12", "totals"]);
    let sheet = book.worksheet_range("check 2022-12").expect("sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert!(matches!(&rows[1][0], Data::String(s) if s.contains("兰州市 2022")));
    let header = rows
        .iter()
        .position(|r| r[0] == Data::String("household_id".into()))
        .expect("header row");
    let households = &rows[header + 1..];
    assert_eq!(households.len(), 12);
    assert_eq!(households[0][0], Data::String("H001".into()));
    assert_eq!(households[0][13], Data::Float(1833.0));
    let totals = book.worksheet_range("totals").expect("totals");
    let total = totals
        .rows()
        .find(|r| r[0] == Data::String("monthly_total".into()))
        .expect("monthly_total row");
    assert_eq!(total[1], Data::Float(7979.6));
}

#[test]
fn every_output_names_the_household_with_township_head_name_and_full_head_id() {
    let w = Workdir::bundled();
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["--format", "csv"]);
    let rows = r.csv();
    let col = |name: &str| {
        let at: Vec<usize> = (0..rows[0].len()).filter(|i| rows[0][*i] == name).collect();
        assert_eq!(at.len(), 1, "{name} once in {:?}", rows[0]);
        at[0]
    };
    assert_eq!(
        (col("township"), col("head_name"), col("head_id")),
        (1, 2, 3)
    );
    assert_eq!(
        &row(&rows, "H001")[..4],
        ["H001", "城关镇", "张秀兰", "11010519491231002X"]
    );
    assert_eq!(
        &row(&rows, "H003")[1..4],
        ["永登县城关镇", "王桂英", "620121195503120027"]
    );
    // bank_account and the free 备注 column are carried once, after the fixed columns
    assert_eq!(rows[0].last().map(String::as_str), Some("备注"));
    assert_eq!(rows[0].len(), jiuzhu::cmd::check::COLUMNS.len() + 1);

    let v = w
        .check(
            "policy.toml",
            "roster.csv",
            "2022-12",
            &["--format", "json"],
        )
        .json();
    let h1 = &v["households"][0];
    assert_eq!(
        (&h1["township"], &h1["head_name"], &h1["head_id"]),
        (
            &serde_json::json!("城关镇"),
            &serde_json::json!("张秀兰"),
            &serde_json::json!("11010519491231002X")
        )
    );

    use calamine::{Data, Reader, Xlsx, open_workbook};
    w.check("policy.toml", "roster.csv", "2022-12", &["-o", "out.xlsx"]);
    let mut book: Xlsx<_> = open_workbook(w.file("out.xlsx")).expect("an xlsx workbook");
    let sheet = book.worksheet_range("check 2022-12").expect("sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let header = rows
        .iter()
        .position(|r| r[0] == Data::String("household_id".into()))
        .expect("header row");
    assert_eq!(
        rows[header][1..4],
        ["township", "head_name", "head_id"].map(|s| Data::String(s.into()))
    );
    assert_eq!(
        rows[header + 1][1..4],
        ["城关镇", "张秀兰", "11010519491231002X"].map(|s| Data::String(s.into()))
    );
}

#[test]
fn a_head_name_that_looks_like_a_formula_is_guarded_in_csv() {
    let w = Workdir::bundled();
    w.write(
        "f.csv",
        "household_id,region,residence,members,monthly_income,township,head_name,head_id\nF1,620102,urban,1,100,@town,\"=SUM(1,2)\",620102198507150017\n",
    );
    let r = w.check("policy.toml", "f.csv", "2022-12", &["--format", "csv"]);
    let rows = r.csv();
    assert_eq!(rows[1][0], "F1", "{}", r.stderr);
    for (i, raw) in [(1, "@town"), (2, "=SUM(1,2)")] {
        assert_ne!(rows[1][i], raw, "column {i} unguarded");
        assert!(rows[1][i].ends_with(raw), "{:?}", rows[1][i]);
        assert!(
            !rows[1][i].starts_with(['=', '+', '-', '@']),
            "{:?}",
            rows[1][i]
        );
    }
    assert_eq!(rows[1][3], "620102198507150017");
}

#[test]
fn the_table_shows_short_reason_labels_and_points_to_the_full_sentence() {
    let w = Workdir::bundled();
    let zh = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["--format", "table"],
    );
    let line = |out: &str, id: &str| -> String {
        out.lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("no {id} in\n{out}"))
            .to_string()
    };
    for (id, label) in [
        ("H002", "待纳入"),
        ("H006", "渐退第4月"),
        ("H009", "缺：家庭月收入"),
        ("H010", "无效：家庭月收入"),
        ("H011", "待复核"),
        ("H012", "缺：自理能力"),
    ] {
        assert!(
            line(&zh.stdout, id).contains(label),
            "{id} {label}:\n{}",
            zh.stdout
        );
    }
    assert!(
        !zh.stdout.contains("家庭人均计算收入"),
        "no sentence:\n{}",
        zh.stdout
    );
    // the area as people call it, not the policy's key
    assert!(line(&zh.stdout, "H001").contains("五区"), "{}", zh.stdout);
    assert!(line(&zh.stdout, "H003").contains("三县"), "{}", zh.stdout);
    assert!(zh.stdout.contains("jiuzhu explain") && zh.stdout.contains("message 列"));
    let en = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["--format", "table", "--lang", "en"],
    );
    for (id, label) in [
        ("H002", "to enrol"),
        ("H006", "exit month 4"),
        ("H009", "missing: monthly_income"),
        ("H010", "invalid: monthly_income"),
        ("H011", "to review"),
        ("H012", "missing: care_level"),
    ] {
        assert!(
            line(&en.stdout, id).contains(label),
            "{id} {label}:\n{}",
            en.stdout
        );
    }
    assert!(en.stdout.contains("full sentence") && en.stdout.contains("jiuzhu explain"));
}

#[test]
fn the_table_is_one_line_per_household_at_120_columns() {
    let w = Workdir::bundled();
    for lang in ["zh", "en"] {
        let mut args = vec![
            "check",
            "-p",
            "policy.toml",
            "roster.csv",
            "--month",
            "2022-12",
        ];
        args.extend(["--format", "table", "--lang", lang]);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jiuzhu"))
            .args(&args)
            .current_dir(w.path())
            .env("COLUMNS", "120")
            .output()
            .expect("run");
        let text = String::from_utf8(out.stdout).unwrap();
        let body: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
        // the header, 12 households, the total: each on exactly one line
        assert_eq!(body.len(), 14, "{lang}:\n{text}");
        for l in text.lines().filter(|l| l.starts_with(['|', '+'])) {
            let width: usize = l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            assert!(width <= 120, "{lang}: {width} columns: {l}");
        }
    }
}

/// A roster of 1,500 households made from the bundled example: every decision, invalid and
/// undetermined rows, a duplicate id, cells needing quotes, a name that looks like a formula,
/// a carried column. Deterministic (a fixed linear congruential sequence).
fn pinned_roster() -> String {
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/roster.csv"),
    )
    .unwrap();
    let mut lines = example.lines();
    let mut out = String::from(lines.next().unwrap());
    out.push('\n');
    let base: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    for i in 0..1500u64 {
        let mut r = base[(next() % base.len() as u64) as usize].clone();
        r[0] = if i % 97 == 96 {
            format!("P{}", i - 3)
        } else {
            format!("P{i}")
        };
        match next() % 10 {
            0 => r[4] = String::new(),
            1 => r[4] = format!("{}.{:02}", next() % 9000, next() % 100),
            2 => r[3] = format!("{}", 1 + next() % 6),
            3 => r[25] = "=SUM(A1)".into(),
            4 => r[28] = "\"quoted\", with comma".into(),
            _ => r[4] = format!("{}", next() % 5000),
        }
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// check's csv, json and table outputs, byte for byte, in both languages, on a generated
/// roster: a change in column order, quoting, rounding or wording of any cell shows here. The
/// digests were taken from the outputs before they were driven by the column schema.
#[test]
fn check_outputs_are_pinned_byte_for_byte() {
    let w = Workdir::bundled();
    w.write("pin.csv", pinned_roster());
    let pinned = [
        (
            "csv",
            "zh",
            "024f8a55189a2aa0903d8b5c6328ed5f55a9611de9e847b7bdb4611902680ac7",
        ),
        (
            "csv",
            "en",
            "6bdab2f9ddba3c78fd96b9eb4477c3e6ed3e742a2660a840d441a5c6cb68cc23",
        ),
        (
            "json",
            "zh",
            "3099b903d0576f6a5103b46d3f40565a690a6ae0513858353731b27bdb009dc7",
        ),
        (
            "json",
            "en",
            "c4531d16eeb91d68247477499a532e3848c377dd16fa7f5b17c42808f8cc3636",
        ),
        (
            "table",
            "zh",
            "bc2b122c3d4ccffafcfd48e2f302f98503c49898d060102afa95ef3f2b0eee50",
        ),
        (
            "table",
            "en",
            "26ff97b6115b1fe8e5134e5d4c3c8ad12a8b7915afea26a6aa75fbf10db5d144",
        ),
    ];
    let mut got = Vec::new();
    for (format, lang, _) in pinned {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiuzhu"))
            .args([
                "check",
                "-p",
                "policy.toml",
                "pin.csv",
                "--month",
                "2022-12",
            ])
            .args(["--format", format, "--lang", lang])
            .env_remove("COLUMNS")
            .current_dir(w.path())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        got.push((format, lang, sha256_hex(&o.stdout)));
    }
    let expected: Vec<_> = pinned
        .iter()
        .map(|(f, l, h)| (*f, *l, h.to_string()))
        .collect();
    assert_eq!(got, expected);
}

/// check's xlsx workbook, every cell of every sheet with its type, on the same roster.
#[test]
fn check_xlsx_cells_are_pinned() {
    use calamine::{Reader, Xlsx, open_workbook};
    let w = Workdir::bundled();
    w.write("pin.csv", pinned_roster());
    let r = w.check("policy.toml", "pin.csv", "2022-12", &["-o", "pin.xlsx"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut book: Xlsx<_> = open_workbook(w.file("pin.xlsx")).expect("an xlsx workbook");
    let mut dump = String::new();
    for name in book.sheet_names() {
        let sheet = book.worksheet_range(&name).expect("sheet");
        dump.push_str(&format!("{name}\n"));
        for row in sheet.rows() {
            dump.push_str(&format!("{row:?}\n"));
        }
    }
    // the tool's version is in the sheet's first line; the digest is of the rest
    let dump = dump.replace(env!("CARGO_PKG_VERSION"), "VERSION");
    assert_eq!(
        sha256_hex(dump.as_bytes()),
        "135f3541b8c82f4c4bae4a8ba3d53efdd6dda3803ee5bd489c72291ab287453a"
    );
}

#[test]
fn columns_choose_and_order_the_output_by_english_or_chinese_name() {
    let w = Workdir::bundled();
    let cols = [
        "--columns",
        "household_id,认定,per_capita_income,月合计,备注",
    ];
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &[&["--format", "csv"][..], &cols].concat(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(
        rows[0],
        [
            "household_id",
            "decision",
            "per_capita_income",
            "monthly_total",
            "备注"
        ]
    );
    assert_eq!(rows[1], ["H001", "dibao", "333.33", "1833.00", ""]);
    assert_eq!(rows.len(), 13);
    let j = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &[&["--format", "json"][..], &cols].concat(),
    );
    let first = j.stdout.lines().find(|l| l.contains("H001")).unwrap();
    assert_eq!(
        first,
        r#"{"household_id":"H001","decision":"dibao","per_capita_income":"333.33","monthly_total":"1833.00","备注":""}"#
    );
    let t = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &[
            "--format",
            "table",
            "--columns",
            "head_id,decision,monthly_total",
        ],
    );
    let header = t.stdout.lines().nth(1).unwrap();
    assert!(
        header.contains("户主身份证号") && header.contains("认定"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout.contains("110105********002X"),
        "IDs masked in tables: {}",
        t.stdout
    );
    assert!(
        t.stdout.contains("低保"),
        "decisions in words: {}",
        t.stdout
    );
    assert!(!t.stdout.contains("11010519491231002X"), "{}", t.stdout);
}

#[test]
fn an_unknown_column_is_a_usage_error_listing_the_columns() {
    let w = Workdir::bundled();
    for (lang, want) in [("zh", "没有“totl”这一列"), ("en", "has no column \"totl\"")] {
        let r = w.check(
            "policy.toml",
            "roster.csv",
            "2022-12",
            &[
                "--format",
                "csv",
                "--columns",
                "household_id,totl",
                "--lang",
                lang,
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(want), "{}", r.stderr);
        assert!(
            r.stderr.contains("monthly_total") && r.stderr.contains("月合计"),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "nothing written: {}", r.stdout);
    }
}
