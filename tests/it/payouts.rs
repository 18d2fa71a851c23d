//! `jiuzhu payouts` end to end: hand-checked lines, totals that reconcile, the taper, one-off
//! and temporary items, approval tiers, the ledger under re-runs, kills and concurrent runs.

use crate::workdir::{Run, Workdir};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::str::FromStr;

const BIN: &str = env!("CARGO_BIN_EXE_jiuzhu");

fn payouts(w: &Workdir, extra: &[&str]) -> Run {
    let mut args = vec!["payouts", "-p", "policy.toml", "roster.csv"];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// The rows of a payouts CSV as maps from column to value.
fn rows(r: &Run) -> Vec<std::collections::HashMap<String, String>> {
    let t = r.csv();
    let header = t[0].clone();
    t[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

type Rows = Vec<std::collections::HashMap<String, String>>;

fn with_status<'a>(
    rows: &'a Rows,
    status: &str,
) -> Vec<&'a std::collections::HashMap<String, String>> {
    rows.iter().filter(|r| r["status"] == status).collect()
}

fn amount_of(rows: &Rows, household: &str, month: &str, item: &str) -> Option<String> {
    rows.iter()
        .find(|r| {
            r["status"] == "pay"
                && r["household_id"] == household
                && r["pay_month"] == month
                && r["item"] == item
        })
        .map(|r| r["amount"].clone())
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Every total equals the sum of its paid lines, to the fen.
fn assert_totals_reconcile(rows: &Rows) {
    let pay = with_status(rows, "pay");
    let totals = with_status(rows, "total");
    assert!(!totals.is_empty());
    for t in totals {
        let sum: Decimal = pay
            .iter()
            .filter(|l| {
                (t["pay_month"].is_empty() || l["pay_month"] == t["pay_month"])
                    && (t["item"].is_empty() || l["item"] == t["item"])
                    && (t["township"].is_empty() || l["township"] == t["township"])
            })
            .map(|l| dec(&l["amount"]))
            .sum();
        assert_eq!(dec(&t["amount"]), sum, "total {t:?}");
    }
}

#[test]
fn bundled_roster_december_is_hand_checked_and_reconciles() {
    let w = Workdir::bundled();
    let r = payouts(
        &w,
        &["--from", "2022-12", "--to", "2022-12", "--format", "csv"],
    );
    assert_eq!(
        r.code, 1,
        "undetermined and invalid rows make exit 1: {}",
        r.stderr
    );
    let rows = rows(&r);
    let m = "2022-12";
    for (household, item, amount) in [
        // 914 × 3 − 1000 = 1742; one minor 10% × 914 → 91.
        ("H001", "dibao", "1742.00"),
        ("H001", "uplift", "91.00"),
        // 特困: 1.3 × 914 = 1188.2 → 1189; care 0.18 × 1670 = 300.6 → 301.
        ("H004", "tekun_basic", "1189.00"),
        ("H004", "tekun_care", "301.00"),
        // gradual exit month 4: 0.8 × 1242 = 993.60
        ("H006", "gradual_exit", "993.60"),
        // temporary items are paid in the first month of the range: H003 (低保, a patient)
        // one month of its own rural standard, 439; H008 (4 months without income,
        // uninsured) 3 × the county's urban standard 687 = 2061, both within the township's
        // 5000.
        ("H003", "temporary:pandemic", "439.00"),
        ("H008", "temporary:unemployed_uninsured", "2061.00"),
    ] {
        assert_eq!(
            amount_of(&rows, household, m, item).as_deref(),
            Some(amount),
            "{household} {item}"
        );
    }
    // to enrol (H002, not enrolled but eligible) and to review (H011) are listed, never paid
    for (id, status) in [
        ("H002", "to_enrol"),
        ("H011", "to_review"),
        ("H009", "undetermined"),
        ("H010", "invalid"),
    ] {
        assert!(
            rows.iter()
                .any(|r| r["household_id"] == id && r["status"] == status),
            "{id} should be listed as {status}"
        );
        assert!(
            !with_status(&rows, "pay")
                .iter()
                .any(|r| r["household_id"] == id),
            "{id} paid"
        );
    }
    // the regular items are routine
    assert!(
        with_status(&rows, "pay")
            .iter()
            .all(|r| r["approval"] == "routine" || r["item"].starts_with("temporary:"))
    );
    assert_totals_reconcile(&rows);
    let grand = with_status(&rows, "total")
        .into_iter()
        .find(|t| t["pay_month"].is_empty() && t["item"].is_empty() && t["township"].is_empty())
        .unwrap()["amount"]
        .clone();
    let h008 = with_status(&rows, "pay")
        .into_iter()
        .find(|r| r["household_id"] == "H008")
        .unwrap();
    assert_eq!(h008["approval"], "township");
    // 1742 + 91 + 1156 + 132 + 1189 + 301 + 571 + 676 + 993.60 + 439 + 2061
    assert_eq!(grand, "9351.60");
}

#[test]
fn the_gradual_exit_tapers_month_by_month_then_goes_to_review() {
    let w = Workdir::bundled();
    let r = payouts(
        &w,
        &["--from", "2022-08", "--to", "2023-03", "--format", "csv"],
    );
    let rows = rows(&r);
    let got: Vec<Option<String>> = [
        "2022-08", "2022-09", "2022-10", "2022-11", "2022-12", "2023-01", "2023-02", "2023-03",
    ]
    .iter()
    .map(|m| amount_of(&rows, "H006", m, "gradual_exit"))
    .collect();
    let want = [
        None,
        Some("1242.00"),
        Some("1242.00"),
        Some("993.60"),
        Some("993.60"),
        Some("745.20"),
        Some("745.20"),
        None,
    ];
    assert_eq!(got, want.map(|x| x.map(String::from)));
    let review = rows
        .iter()
        .find(|r| r["household_id"] == "H006" && r["status"] == "to_review")
        .expect("before and after the exit the household is to review");
    assert!(
        review["pay_month"].contains("2023-03") || review["pay_month"].contains("2022-08"),
        "{review:?}"
    );
    assert!(
        r.stderr.contains("的核对日期"),
        "a month after last_verified warns (in Chinese by default): {}",
        r.stderr
    );
}

#[test]
fn payment_ids_are_stable_and_unique() {
    let w = Workdir::bundled();
    let a = rows(&payouts(
        &w,
        &["--from", "2022-01", "--to", "2022-03", "--format", "csv"],
    ));
    let b = rows(&payouts(
        &w,
        &["--from", "2022-01", "--to", "2022-03", "--format", "csv"],
    ));
    let ids = |rows: &Rows| -> Vec<String> {
        rows.iter()
            .filter(|r| !r["payment_id"].is_empty())
            .map(|r| r["payment_id"].clone())
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    let set: HashSet<_> = ids(&a).into_iter().collect();
    assert_eq!(set.len(), ids(&a).len(), "no two lines share an id");
    // the first 16 hex digits of SHA-256("H001|2022-01|dibao"), on every machine
    let h001 = a
        .iter()
        .find(|r| {
            r["household_id"] == "H001" && r["pay_month"] == "2022-01" && r["item"] == "dibao"
        })
        .unwrap();
    assert_eq!(h001["payment_id"], "P521117c732b7d232");
    assert_eq!(
        h001["payment_id"],
        jiuzhu::schedule::payment_id("H001", "2022-01".parse().unwrap(), "dibao")
    );
}

const MINI_POLICY: &str = r#"
[policy]
name = "mini"
[areas.city]
name = "city"
regions = ["1"]
[areas.county]
name = "county"
regions = ["2"]
[[dibao.standard]]
from = "2019-01"
urban = 590
rural = 470
[dibao]
round = "fen"
"#;

fn mini(extra_policy: &str, roster: &str) -> Workdir {
    let w = Workdir::new();
    w.write("policy.toml", format!("{MINI_POLICY}{extra_policy}"));
    w.write("roster.csv", roster);
    w
}

const HEADER: &str = "household_id,region,residence,members,monthly_income,status,categories,months_without_income,unemployment_insured,pandemic,township,head_name,head_id,bank_account\n";

#[test]
fn one_off_items_pay_the_highest_group_once_per_person_or_per_household() {
    // Qinghai 2022: urban 低保 500, rural 低保 and 特困 400, 优抚 560 per person, highest only.
    // Rizhao 2019: urban 低保 300 per household, rural 低保 200 per person.
    let policy = r#"
[[one_off]]
id = "qh"
name = "一次性生活补贴"
pay_month = "2022-01"
unit = "person"
amounts = { dibao = { urban = 500, rural = 400 }, tekun = 400, youfu = 560 }
[[one_off]]
id = "rz"
name = "一次性生活补贴"
pay_month = "2022-02"
unit = { urban = "household", rural = "person" }
amounts = { dibao = { urban = 300, rural = 200 } }
[[one_off]]
id = "hard-hit"
name = "重灾区补贴"
pay_month = "2022-02"
areas = ["county"]
amounts = { edge = 150 }
"#;
    let roster = format!(
        "{HEADER}U3,1,urban,3,0,dibao,,,,,A,甲,,1\nR2,1,rural,2,0,dibao,youfu,,,,A,乙,,2\nT1,1,urban,1,,tekun,,,,,A,丙,,3\nE1,2,urban,2,1000,edge,,,,,B,丁,,4\nE2,1,urban,2,1000,edge,,,,,A,戊,,5\nR4,2,rural,4,0,dibao,,,,,B,己,,6\n"
    );
    let w = mini(policy, &roster);
    let r = payouts(
        &w,
        &["--from", "2022-01", "--to", "2022-02", "--format", "csv"],
    );
    let rows = rows(&r);
    assert_eq!(
        amount_of(&rows, "U3", "2022-01", "one_off:qh").as_deref(),
        Some("1500.00")
    );
    assert_eq!(
        amount_of(&rows, "R2", "2022-01", "one_off:qh").as_deref(),
        Some("1120.00"),
        "youfu 560 beats rural dibao 400"
    );
    assert_eq!(
        amount_of(&rows, "T1", "2022-01", "one_off:qh").as_deref(),
        Some("400.00")
    );
    assert_eq!(
        amount_of(&rows, "U3", "2022-02", "one_off:rz").as_deref(),
        Some("300.00"),
        "urban: per household"
    );
    assert_eq!(
        amount_of(&rows, "R4", "2022-02", "one_off:rz").as_deref(),
        Some("800.00"),
        "rural: per person"
    );
    assert_eq!(
        amount_of(&rows, "E1", "2022-02", "one_off:hard-hit").as_deref(),
        Some("150.00")
    );
    assert_eq!(
        amount_of(&rows, "E2", "2022-02", "one_off:hard-hit"),
        None,
        "outside the named areas"
    );
    assert_eq!(
        amount_of(&rows, "U3", "2022-02", "one_off:qh"),
        None,
        "only in its pay month"
    );
    assert_totals_reconcile(&rows);
}

const TEMPORARY: &str = r#"
[temporary.unemployed_uninsured]
min_months_without_income = 3
amount = { multiple = 3, of = "urban" }
[temporary.stranded]
amount = 100
unit = "person"
[[temporary.approval]]
level = "township"
up_to = 5000
[[temporary.approval]]
level = "city"
up_to = 20000
[[temporary.approval]]
level = "case_by_case"
"#;

#[test]
fn three_months_without_income_is_paid_once_two_is_not() {
    let roster = format!(
        "{HEADER}M3,1,urban,1,5000,none,,3,no,,A,甲,,1\nM2,1,urban,1,5000,none,,2,no,,A,乙,,2\nMX,1,urban,1,5000,none,,4,,,A,丙,,3\nMD,1,urban,1,0,dibao,,5,no,,A,丁,,4\n"
    );
    let w = mini(TEMPORARY, &roster);
    let r = payouts(
        &w,
        &["--from", "2022-05", "--to", "2022-07", "--format", "csv"],
    );
    let rows = rows(&r);
    let item = "temporary:unemployed_uninsured";
    // Shandong's ceiling: 3 × the urban standard 590 = 1770, paid once, in the first month.
    assert_eq!(
        amount_of(&rows, "M3", "2022-05", item).as_deref(),
        Some("1770.00")
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r["household_id"] == "M3" && r["item"] == item)
            .count(),
        1
    );
    assert!(
        !rows
            .iter()
            .any(|r| r["household_id"] == "M2" && r["item"] == item),
        "2 months is not enough"
    );
    assert!(
        !rows
            .iter()
            .any(|r| r["household_id"] == "MD" && r["item"] == item),
        "enrolled 低保 is not this rule"
    );
    let mx = rows
        .iter()
        .find(|r| r["household_id"] == "MX" && r["status"] == "undetermined")
        .unwrap();
    assert!(mx["reason"].contains("unemployment_insured"), "{mx:?}");
    assert_eq!(r.code, 1, "an undetermined rule gives exit 1");
}

#[test]
fn approval_tiers_at_their_boundaries() {
    // Jinjiang: the township approves up to 5000; 4800 → township, 5200 → the city bureau.
    let roster = format!(
        "{HEADER}P48,1,urban,48,9000,none,,,,stranded,A,甲,,1\nP50,1,urban,50,9000,none,,,,stranded,A,乙,,2\nP52,1,urban,52,9000,none,,,,stranded,A,丙,,3\nP200,1,urban,200,9000,none,,,,stranded,A,丁,,4\nP201,1,urban,201,99999,none,,,,stranded,A,戊,,5\n"
    );
    let w = mini(TEMPORARY, &roster);
    let r = payouts(
        &w,
        &["--from", "2022-05", "--to", "2022-05", "--format", "csv"],
    );
    let rows = rows(&r);
    let level = |id: &str| {
        rows.iter()
            .find(|r| r["household_id"] == id && r["status"] == "pay")
            .unwrap()["approval"]
            .clone()
    };
    assert_eq!(level("P48"), "township");
    assert_eq!(level("P50"), "township", "up to is inclusive");
    assert_eq!(level("P52"), "city");
    assert_eq!(level("P200"), "city");
    assert_eq!(level("P201"), "case_by_case");
}

#[test]
fn a_malformed_head_id_holds_every_line_of_the_household() {
    let roster = format!(
        "{HEADER}G1,1,urban,3,0,dibao,,,,,A,甲,110105194912310021,6228\nG2,1,urban,3,0,dibao,,,,,A,乙,11010519491231002X,6229\n"
    );
    let w = mini("", &roster);
    w.write("paid.csv", "");
    let r = payouts(
        &w,
        &[
            "--from", "2022-05", "--to", "2022-06", "--format", "csv", "--ledger", "paid.csv",
        ],
    );
    assert_eq!(r.code, 1);
    let rows = rows(&r);
    let held = with_status(&rows, "held");
    assert_eq!(held.len(), 2, "two months of 低保 held");
    assert!(
        held.iter()
            .all(|l| l["household_id"] == "G1" && l["reason"].contains("身份证"))
    );
    assert!(
        rows.iter()
            .any(|r| r["household_id"] == "G1" && r["status"] == "held_id")
    );
    assert_eq!(with_status(&rows, "pay").len(), 2, "G2 is paid");
    assert!(
        !w.read("paid.csv").contains("G1"),
        "held lines are not recorded as paid"
    );
}

#[test]
fn the_ledger_makes_a_rerun_pay_nothing_and_dry_run_records_nothing() {
    let w = Workdir::bundled();
    let args = [
        "--from", "2022-01", "--to", "2022-02", "--format", "csv", "--ledger", "paid.csv",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let r0 = payouts(&w, &dry);
    assert!(!w.file("paid.csv").exists(), "--dry-run adds nothing");
    let r1 = payouts(&w, &args);
    assert_eq!(
        rows(&r0).len(),
        rows(&r1).len(),
        "a dry run shows what the run pays"
    );
    let paid1 = with_status(&rows(&r1), "pay").len();
    assert!(paid1 > 10);
    let ledger = w.read("paid.csv");
    assert_eq!(ledger.lines().count(), paid1 + 1);
    assert!(ledger.starts_with("payment_id,pay_month,household_id,item,amount"));
    let r2 = payouts(&w, &args);
    assert_eq!(with_status(&rows(&r2), "pay").len(), 0, "{}", r2.stdout);
    assert!(
        r2.stderr.contains(&format!("台账中已发 {paid1} 笔")),
        "{}",
        r2.stderr
    );
    assert_eq!(w.read("paid.csv"), ledger, "nothing added");
    // A later range pays only the new months; the temporary items of January are not paid again
    // in March even though their payment id would differ.
    let r3 = payouts(
        &w,
        &[
            "--from", "2022-02", "--to", "2022-03", "--format", "csv", "--ledger", "paid.csv",
        ],
    );
    let rows3 = rows(&r3);
    assert!(
        with_status(&rows3, "pay")
            .iter()
            .all(|l| l["pay_month"] == "2022-03")
    );
    assert!(
        !with_status(&rows3, "pay")
            .iter()
            .any(|l| l["item"].starts_with("temporary:"))
    );
}

/// The files of our temporary naming left in a folder.
#[cfg(debug_assertions)]
fn temporaries(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jiuzhu-") && n.ends_with(".tmp"))
        .collect()
}

// The fault point exists in debug builds only.
#[cfg(debug_assertions)]
#[test]
fn a_run_killed_while_writing_the_ledger_leaves_it_as_it_was() {
    let w = Workdir::bundled();
    let first = payouts(
        &w,
        &[
            "--from", "2022-01", "--to", "2022-01", "--format", "csv", "--ledger", "paid.csv",
        ],
    );
    assert!(first.code <= 1);
    let before = std::fs::read(w.file("paid.csv")).unwrap();
    let status = Command::new(BIN)
        .args([
            "payouts",
            "-p",
            "policy.toml",
            "roster.csv",
            "--from",
            "2022-02",
            "--to",
            "2022-06",
            "--format",
            "csv",
            "--ledger",
            "paid.csv",
            "-o",
            "out.csv",
        ])
        .current_dir(w.path())
        .env(jiuzhu::ledger::FAULT_ENV, "ledger-mid-write")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the simulated crash stops the process");
    assert_eq!(
        std::fs::read(w.file("paid.csv")).unwrap(),
        before,
        "the ledger is exactly as it was"
    );
    assert!(
        !w.file("out.csv").exists(),
        "the outputs are committed only with the ledger"
    );
    assert_eq!(
        temporaries(w.path()),
        Vec::<String>::new(),
        "the killed run removed its temporary files"
    );
    // What the killed run would have paid, read without recording anything.
    let would = payouts(
        &w,
        &[
            "--from",
            "2022-02",
            "--to",
            "2022-06",
            "--format",
            "csv",
            "--dry-run",
            "--ledger",
            "paid.csv",
            "-o",
            "out3.csv",
        ],
    );
    assert!(would.code <= 1, "{}", would.stderr);
    // The lock died with the process, and the next run pays the same lines it would have.
    let again = payouts(
        &w,
        &[
            "--from", "2022-02", "--to", "2022-06", "--format", "csv", "--ledger", "paid.csv",
            "-o", "out2.csv",
        ],
    );
    assert!(again.code <= 1, "{}", again.stderr);
    assert_eq!(
        w.read("out3.csv"),
        w.read("out2.csv"),
        "the re-run pays the lines the killed run would have"
    );

    let ledger = w.read("paid.csv");
    assert!(ledger.len() > before.len());
    let ids: Vec<&str> = ledger
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
}

// The waiting flag is written by debug builds only.
#[cfg(debug_assertions)]
#[test]
fn a_run_waits_for_the_ledger_lock_and_skips_what_the_holder_paid() {
    let w = Workdir::bundled();
    let real = std::fs::canonicalize(w.path()).unwrap().join("paid.csv");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(jiuzhu::ledger::lock_path(&real))
        .unwrap();
    lock.lock().unwrap();
    let flag = w.file("waiting.flag");
    let mut child = Command::new(BIN)
        .args([
            "payouts",
            "-p",
            "policy.toml",
            "roster.csv",
            "--from",
            "2022-01",
            "--to",
            "2022-01",
            "--format",
            "csv",
            "--ledger",
            "paid.csv",
        ])
        .current_dir(w.path())
        .env(jiuzhu::cmd::payouts::WAITING_FLAG_ENV, &flag)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child writes the flag once it finds the lock held: wait for that event (with a
    // generous bound for a loaded machine), not for a guessed delay.
    let start = std::time::Instant::now();
    while !flag.exists() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "the run never reported waiting"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run waits while another holds the ledger"
    );
    // meanwhile "another run" records H001's 低保 for January
    let id = jiuzhu::schedule::payment_id("H001", "2022-01".parse().unwrap(), "dibao");
    w.write(
        "paid.csv",
        format!(
            "{}\n{id},2022-01,H001,dibao,1742.00,2022-01-05T00:00:00+08:00,x\n",
            jiuzhu::ledger::COLUMNS.join(",")
        ),
    );
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // said in Chinese, the default language (no longer a mixed line)
    assert!(String::from_utf8_lossy(&out.stderr).contains("正被另一次运行使用，等待其结束"));
    assert!(
        !stdout.contains(&id),
        "the id the other run paid is not paid again"
    );
    assert!(stdout.contains("H001"), "H001's other items are paid");
}

#[test]
fn two_runs_at_once_never_both_pay_an_id() {
    let w = Workdir::bundled();
    let spawn = |out: &str| {
        Command::new(BIN)
            .args([
                "payouts",
                "-p",
                "policy.toml",
                "roster.csv",
                "--from",
                "2022-01",
                "--to",
                "2022-12",
                "--format",
                "csv",
                "--ledger",
                "paid.csv",
                "-o",
                out,
            ])
            .current_dir(w.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn("a.csv"), spawn("b.csv"));
    assert!(a.wait().unwrap().code().unwrap() <= 1);
    assert!(b.wait().unwrap().code().unwrap() <= 1);
    let paid = |name: &str| -> HashSet<String> {
        let text = w.read(name);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        r.records()
            .map(|r| r.unwrap())
            .filter(|r| &r[8] == "pay")
            .map(|r| r[0].to_string())
            .collect()
    };
    let (pa, pb) = (paid("a.csv"), paid("b.csv"));
    assert!(
        pa.is_disjoint(&pb),
        "both runs paid {:?}",
        pa.intersection(&pb).collect::<Vec<_>>()
    );
    assert!(pa.len() + pb.len() > 100);
    let ledger = w.read("paid.csv");
    assert_eq!(ledger.lines().count() - 1, pa.len() + pb.len());
}

#[test]
fn json_and_xlsx_carry_the_policy_header() {
    let w = Workdir::bundled();
    let r = payouts(
        &w,
        &["--from", "2022-01", "--to", "2022-02", "--format", "json"],
    );
    let j = r.json();
    assert_eq!(j["policy"], "兰州市 2022");
    assert_eq!(j["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(j["policy_sha256"].as_str().unwrap().len(), 64);
    let sum: Decimal = j["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| dec(p["amount"].as_str().unwrap()))
        .sum();
    let grand = j["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["pay_month"].is_null() && t["item"].is_null() && t["township"].is_null())
        .unwrap();
    assert_eq!(dec(grand["amount"].as_str().unwrap()), sum);

    let r = payouts(
        &w,
        &["--from", "2022-01", "--to", "2022-02", "-o", "pay.xlsx"],
    );
    assert!(r.code <= 1, "{}", r.stderr);
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(w.file("pay.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["2022-01", "2022-02", "合计", "待处理"]);
    let sheet = wb.worksheet_range("2022-01").unwrap();
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String(format!(
            "jiuzhu {}",
            env!("CARGO_PKG_VERSION")
        )))
    );
    assert!(
        matches!(sheet.get_value((2, 0)), Some(Data::String(s)) if s.starts_with("policy_sha256: "))
    );
    let header_row = (0..10)
        .find(|r| sheet.get_value((*r, 0)) == Some(&Data::String("payment_id".into())))
        .unwrap();
    // IDs and account numbers are text cells
    assert_eq!(
        sheet.get_value((header_row + 1, 4)),
        Some(&Data::String("11010519491231002X".into()))
    );
    assert_eq!(
        sheet.get_value((header_row + 1, 5)),
        Some(&Data::String("6228480010000000011".into()))
    );
    assert_eq!(
        sheet.get_value((header_row + 1, 8)),
        Some(&Data::Float(1742.0))
    );
}

#[test]
fn split_by_township_and_the_bank_file() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    let r = payouts(
        &w,
        &[
            "--from",
            "2022-12",
            "--to",
            "2022-12",
            "-o",
            "pay.csv",
            "--bank",
            "bank.toml",
            "--split-by",
            "township",
        ],
    );
    assert!(r.code <= 1, "{}", r.stderr);
    for f in [
        "pay.csv",
        "pay.城关镇.csv",
        "pay.七里河街道.csv",
        "pay.bank.csv",
        "pay.bank.城关镇.csv",
    ] {
        assert!(w.file(f).exists(), "{f} missing: {}", r.stderr);
    }
    assert!(
        !w.read("pay.城关镇.csv").contains("七里河街道,"),
        "one township per file"
    );
    let bytes = std::fs::read(w.file("pay.bank.csv")).unwrap();
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    // one row per household and month: H001 gets 1742 + 91 = 1833
    assert!(
        text.contains("6228480010000000011,张秀兰,1833.00,人民币,低保金+分类施保金2022-12"),
        "{text}"
    );
    assert!(text.starts_with("总笔数:6,总金额:9351.60"), "{text}");
}

#[test]
fn index_with_a_policy_without_price_subsidy_stops_and_writes_nothing() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    let r = payouts(
        &w,
        &[
            "--from", "2022-12", "--to", "2022-12", "--index", "cpi.csv", "-o", "x.csv",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[price_subsidy]"), "{}", r.stderr);
    assert!(!w.file("x.csv").exists(), "nothing written");
    let r = payouts(&w, &["--from", "2022-12", "--to", "2022-11"]);
    assert_eq!(r.code, 2);
}

/// The demonstration policy, the bundled index series and roster.
fn subsidy_demo() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "policy.toml");
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    w
}

/// The amount of the `price_subsidy` line (paid or held) of a household and pay month.
fn subsidy_line(rows: &Rows, household: &str, month: &str) -> Option<String> {
    let found: Vec<&String> = rows
        .iter()
        .filter(|r| {
            (r["status"] == "pay" || r["status"] == "held")
                && r["household_id"] == household
                && r["pay_month"] == month
                && r["item"] == "price_subsidy"
        })
        .map(|r| &r["amount"])
        .collect();
    assert!(found.len() <= 1, "{household} {month}: {found:?}");
    found.first().map(|a| a.to_string())
}

#[test]
fn payouts_and_subsidy_give_the_same_amount_per_household_and_pay_month() {
    let w = subsidy_demo();
    // Pay months 2022-01..2023-03 are index months 2021-12..2023-02 (index_lag = 1).
    let p = payouts(
        &w,
        &[
            "--from", "2022-01", "--to", "2023-03", "--index", "cpi.csv", "--format", "csv",
        ],
    );
    assert!(p.code <= 1, "{}", p.stderr);
    let p = rows(&p);
    let s = w.run(&[
        "subsidy",
        "-p",
        "policy.toml",
        "--index",
        "cpi.csv",
        "--from",
        "2021-12",
        "--to",
        "2023-02",
        "roster.csv",
        "--format",
        "csv",
    ]);
    assert!(s.code <= 1, "{}", s.stderr);
    let s = rows(&s);
    assert_eq!(s.len(), 12 * 15, "every household and index month");
    let mut paid = 0;
    for r in &s {
        let (h, m) = (&r["household_id"], &r["pay_month"]);
        let want = (r["outcome"] == "paid" && dec(&r["amount"]) > Decimal::ZERO)
            .then(|| r["amount"].clone());
        assert_eq!(subsidy_line(&p, h, m), want, "{h} paid in {m}: {r:?}");
        paid += usize::from(want.is_some());
    }
    let lines = p
        .iter()
        .filter(|r| r["item"] == "price_subsidy" && r["status"] != "total")
        .count();
    assert_eq!(
        lines, paid,
        "no price_subsidy line that subsidy does not pay"
    );
    assert!(paid >= 30, "the demo pays in five months: {paid}");
    // Hand-checked (docs/price-subsidy.md): index month 2022-09 fires on food 8.8%, paid 2022-10.
    // H001 urban 低保 in the city: 914 × 8.8% = 80.432 → 80, × 3 = 240.
    assert_eq!(
        subsidy_line(&p, "H001", "2022-10").as_deref(),
        Some("240.00")
    );
    // H003 rural 低保 and 优抚 in the county: 优抚 on the urban 687 × 8.8% → 60 beats rural
    // 439 × 8.8% → 39; four persons once each at 60.
    assert_eq!(
        subsidy_line(&p, "H003", "2022-10").as_deref(),
        Some("240.00")
    );
    // Index month 2022-11 is not triggered: nothing paid in 2022-12.
    assert_eq!(subsidy_line(&p, "H001", "2022-12"), None);
    assert_totals_reconcile(&p);
    let total = p
        .iter()
        .find(|r| {
            r["status"] == "total" && r["pay_month"] == "2022-10" && r["item"] == "price_subsidy"
        })
        .unwrap();
    // subsidy's total for pay month 2022-10 is 1159.00, of which H007's 160.00 is held (its
    // head_id has a wrong check digit): 999.00 paid.
    assert_eq!(total["amount"], "999.00");
}

#[test]
fn price_subsidy_lines_are_routine_with_stable_ids_and_the_index_month_in_the_reason() {
    let w = subsidy_demo();
    let args = [
        "--from", "2022-10", "--to", "2022-10", "--index", "cpi.csv", "--format", "csv",
    ];
    let a = rows(&payouts(&w, &args));
    let b = rows(&payouts(&w, &args));
    let line = |rows: &Rows| {
        rows.iter()
            .find(|r| {
                r["household_id"] == "H001"
                    && r["pay_month"] == "2022-10"
                    && r["item"] == "price_subsidy"
            })
            .cloned()
            .unwrap()
    };
    let (la, lb) = (line(&a), line(&b));
    assert_eq!(la["payment_id"], lb["payment_id"]);
    // the first 16 hex digits of SHA-256("H001|2022-10|price_subsidy")
    assert_eq!(la["payment_id"], "P8c61a04ef89de026");
    assert_eq!(la["approval"], "routine");
    assert_eq!(la["status"], "pay");
    assert!(la["reason"].contains("2022-09"), "{}", la["reason"]);
}

#[test]
fn the_index_month_before_the_range_is_judged_by_its_own_rules() {
    // Pay month 2022-08 pays index month 2022-07, a month before the range.
    let w = subsidy_demo();
    let r = payouts(
        &w,
        &[
            "--from", "2022-08", "--to", "2022-09", "--index", "cpi.csv", "--format", "csv",
        ],
    );
    let rows = rows(&r);
    // 914 × 6.3% = 57.582 → 58, × 3.
    assert_eq!(
        subsidy_line(&rows, "H001", "2022-08").as_deref(),
        Some("174.00")
    );
    // H006's exit starts 2022-09: in 2022-07 and 2022-08 it is enrolled, above the standard
    // and not in its exit — to review, so not in the 低保 group then. From 2022-09 it is.
    assert_eq!(subsidy_line(&rows, "H006", "2022-08"), None);
    assert_eq!(subsidy_line(&rows, "H006", "2022-09"), None);
    // H007 is 低保边缘, covered only while the 2022-08..2023-02 window is in force.
    assert_eq!(subsidy_line(&rows, "H007", "2022-08"), None);
    assert_eq!(
        subsidy_line(&rows, "H007", "2022-09").as_deref(),
        Some("112.00")
    );
}

#[test]
fn to_enrol_and_to_review_households_get_the_price_subsidy_of_the_groups_they_keep() {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "policy.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    w.write(
        "roster.csv",
        "household_id,region,residence,members,monthly_income,status,categories,township\n\
         B1,620121,rural,2,0,none,youfu,T\n\
         B2,620121,rural,3,1800,dibao,,T\n\
         B3,620121,rural,3,900,dibao,,T\n\
         B4,620102,urban,2,0,none,,T\n",
    );
    let r = payouts(
        &w,
        &[
            "--from", "2022-10", "--to", "2022-10", "--index", "cpi.csv", "--format", "csv",
        ],
    );
    assert_eq!(
        r.code, 0,
        "to_enrol and to_review are decisions: {}",
        r.stderr
    );
    let rows = rows(&r);
    let m = "2022-10";
    // B1: not enrolled (status none) but eligible: to enrol. No 低保 group, but 优抚 on the
    // county's urban standard: 687 × 8.8% = 60.456 → 60, × 2.
    assert_eq!(subsidy_line(&rows, "B1", m).as_deref(), Some("120.00"));
    assert!(
        rows.iter()
            .any(|r| r["household_id"] == "B1" && r["status"] == "to_enrol")
    );
    // B2: enrolled, 600 a head is above the rural 439 (below the edge 658.50): to review — it
    // loses the 低保 group, and has no other.
    assert_eq!(subsidy_line(&rows, "B2", m), None);
    assert!(
        rows.iter()
            .any(|r| r["household_id"] == "B2" && r["status"] == "to_review")
    );
    // B3: enrolled and eligible: 439 × 8.8% = 38.632 → 39, × 3.
    assert_eq!(subsidy_line(&rows, "B3", m).as_deref(), Some("117.00"));
    // B4: eligible but not enrolled, no category: no group, no subsidy.
    assert_eq!(subsidy_line(&rows, "B4", m), None);
    // The same households through `subsidy` (index month 2022-09).
    let s = w.run(&[
        "subsidy",
        "-p",
        "policy.toml",
        "--index",
        "cpi.csv",
        "--from",
        "2022-09",
        "--to",
        "2022-09",
        "roster.csv",
        "--format",
        "csv",
    ]);
    let s = self::rows(&s);
    let amount = |h: &str| s.iter().find(|r| r["household_id"] == h).unwrap()["amount"].clone();
    assert_eq!(
        ["B1", "B2", "B3", "B4"].map(amount),
        ["120.00", "0.00", "117.00", "0.00"]
    );
}

#[test]
fn a_missing_index_month_is_undetermined_and_paid_once_its_row_is_added() {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "policy.toml");
    let full = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cpi.csv"),
    )
    .unwrap();
    let gap: String = full
        .lines()
        .filter(|l| !l.starts_with("2022-08"))
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("cpi.csv", &gap);
    w.write(
        "roster.csv",
        "household_id,region,residence,members,monthly_income,status,categories,township,bank_account\n\
         A1,620102,urban,3,1000,dibao,,T,6228\n\
         A2,620102,urban,2,0,none,,T,6229\n",
    );
    let args = [
        "--from", "2022-09", "--to", "2022-09", "--index", "cpi.csv", "--format", "csv",
        "--ledger", "paid.csv",
    ];
    let r = payouts(&w, &args);
    assert_eq!(
        r.code, 1,
        "a missing index month is undetermined: {}",
        r.stderr
    );
    assert!(r.stderr.contains("2022-08"), "{}", r.stderr);
    let first = rows(&r);
    assert_eq!(
        subsidy_line(&first, "A1", "2022-09"),
        None,
        "never paid as not triggered"
    );
    assert_eq!(
        amount_of(&first, "A1", "2022-09", "dibao").as_deref(),
        Some("1742.00"),
        "the other items are paid"
    );
    let und: Vec<_> = with_status(&first, "undetermined");
    assert_eq!(und.len(), 1, "{und:?}");
    assert_eq!(und[0]["household_id"], "A1");
    assert!(
        und[0]["reason"].starts_with("price_subsidy"),
        "{:?}",
        und[0]
    );
    // A2 (to enrol, no group) could not be paid whatever the index: not listed as undetermined.
    assert!(!w.read("paid.csv").contains("price_subsidy"));
    // The row is published: the same run with the ledger pays exactly the subsidy now.
    w.write("cpi.csv", &full);
    let r = payouts(&w, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second = rows(&r);
    let paid = with_status(&second, "pay");
    assert_eq!(paid.len(), 1, "{paid:?}");
    // index month 2022-08, food 6.1%: 914 × 6.1% = 55.754 → 56, × 3.
    assert_eq!(
        subsidy_line(&second, "A1", "2022-09").as_deref(),
        Some("168.00")
    );
    // and once only.
    let r = payouts(&w, &args);
    assert_eq!(with_status(&rows(&r), "pay").len(), 0);
    assert_eq!(w.read("paid.csv").matches("price_subsidy").count(), 1);
}

#[test]
fn index_and_roster_cannot_both_be_stdin() {
    let w = subsidy_demo();
    let r = w.run_with_stdin(
        &[
            "payouts",
            "-p",
            "policy.toml",
            "-",
            "--from",
            "2022-10",
            "--to",
            "2022-10",
            "--index",
            "-",
        ],
        Some(b"month,cpi,food\n2022-09,2.8,8.8\n"),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

fn random_roster() -> impl Strategy<Value = String> {
    let row = (
        0u8..3,
        prop::bool::ANY,
        1u32..6,
        0u32..4000,
        0u8..4,
        prop::option::of(0u32..6),
        prop::option::of(prop::bool::ANY),
        0u8..4,
        prop::bool::ANY,
    );
    prop::collection::vec(row, 1..25).prop_map(|rows| {
        let mut s = String::from(
            "household_id,region,residence,members,monthly_income,status,categories,months_without_income,unemployment_insured,pandemic,township,care_level,exit_start,last_grant\n",
        );
        for (i, (region, urban, members, income, status, months, insured, pandemic, youfu)) in rows.into_iter().enumerate() {
            let region = ["620102", "620121", "620999"][region as usize];
            let status = ["none", "dibao", "tekun", "edge"][status as usize];
            let pandemic = ["", "patient", "quarantine", "stranded"][pandemic as usize];
            s.push_str(&format!(
                "H{i},{region},{},{members},{income},{status},{},{},{},{pandemic},T{},partial,{},{}\n",
                if urban { "urban" } else { "rural" },
                if youfu { "youfu" } else { "" },
                months.map(|m| m.to_string()).unwrap_or_default(),
                insured.map(|b| if b { "yes" } else { "no" }).unwrap_or(""),
                i % 3,
                if i % 4 == 0 { "2022-03" } else { "" },
                if i % 4 == 0 { "900" } else { "" },
            ));
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn random_rosters_never_repeat_an_id_and_a_rerun_adds_nothing(roster in random_roster()) {
        let w = Workdir::bundled();
        w.write("roster.csv", &roster);
        let args = ["--from", "2022-01", "--to", "2022-06", "--format", "csv", "--ledger", "paid.csv"];
        let r1 = payouts(&w, &args);
        prop_assert!(r1.code <= 1, "{}", r1.stderr);
        let rows1 = rows(&r1);
        let ids: Vec<&String> = rows1.iter().filter(|r| r["status"] == "pay" || r["status"] == "held").map(|r| &r["payment_id"]).collect();
        prop_assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        assert_totals_reconcile(&rows1);
        let ledger = w.read("paid.csv");
        let r2 = payouts(&w, &args);
        prop_assert_eq!(with_status(&rows(&r2), "pay").len(), 0);
        prop_assert_eq!(w.read("paid.csv"), ledger);
    }

    #[test]
    fn random_rosters_get_the_price_subsidy_of_subsidy_once(roster in random_roster()) {
        let w = subsidy_demo();
        w.write("roster.csv", &roster);
        let args = ["--from", "2022-07", "--to", "2022-11", "--index", "cpi.csv", "--format", "csv", "--ledger", "paid.csv"];
        let r1 = payouts(&w, &args);
        prop_assert!(r1.code <= 1, "{}", r1.stderr);
        let p = rows(&r1);
        let ids: Vec<&String> = p.iter().filter(|r| r["status"] == "pay" || r["status"] == "held").map(|r| &r["payment_id"]).collect();
        prop_assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        assert_totals_reconcile(&p);
        let s = w.run(&["subsidy", "-p", "policy.toml", "--index", "cpi.csv", "--from", "2022-06", "--to", "2022-10", "roster.csv", "--format", "csv"]);
        prop_assert!(s.code <= 1, "{}", s.stderr);
        for r in rows(&s) {
            let want = (r["outcome"] == "paid" && dec(&r["amount"]) > Decimal::ZERO).then(|| r["amount"].clone());
            prop_assert_eq!(subsidy_line(&p, &r["household_id"], &r["pay_month"]), want, "{:?}", r);
        }
        let ledger = w.read("paid.csv");
        let r2 = payouts(&w, &args);
        prop_assert_eq!(with_status(&rows(&r2), "pay").len(), 0);
        prop_assert_eq!(w.read("paid.csv"), ledger);
    }
}

#[test]
fn with_a_bank_file_a_household_without_an_account_is_held() {
    let roster =
        format!("{HEADER}A1,1,urban,3,0,dibao,,,,,A,甲,,6228\nA2,1,urban,3,0,dibao,,,,,A,乙,,\n");
    let w = mini("", &roster);
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    let r = payouts(
        &w,
        &[
            "--from",
            "2022-05",
            "--to",
            "2022-05",
            "-o",
            "pay.csv",
            "--bank",
            "bank.toml",
            "--ledger",
            "paid.csv",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let text = w.read("pay.csv");
    assert!(
        text.lines()
            .any(|l| l.contains("A2") && l.contains(",held,")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("A2") && l.contains("no_bank_account")),
        "{text}"
    );
    let bytes = std::fs::read(w.file("pay.bank.csv")).unwrap();
    let (bank, _, _) = encoding_rs::GB18030.decode(&bytes);
    assert!(bank.contains("甲") && !bank.contains("乙"), "{bank}");
    assert!(
        !w.read("paid.csv").contains("A2"),
        "a held line is not recorded as paid"
    );
}

/// A few thousand households made from the bundled example roster: every row repeated with its
/// income, township, head ID and bank account varied, a few head IDs malformed, a few accounts
/// missing or shared with the household before, so every kind of line, notice and hold occurs.
fn pinned_roster() -> String {
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/roster.csv"),
    )
    .unwrap();
    let mut lines = template.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let mut previous_account = String::new();
    for k in 0..170u32 {
        for (r, template) in rows.iter().enumerate() {
            let mut f = template.clone();
            let n = k as usize * rows.len() + r;
            f[0] = format!("{}K{k:03}", f[0]);
            if let Ok(income) = f[4].parse::<u32>() {
                f[4] = (income + (k % 9) * 150).to_string();
            }
            if k % 3 == 1 {
                f[24] = "新区街道".into();
            }
            let body = format!(
                "{}{}{:02}{:02}{:03}",
                &f[1][..6],
                1940 + k % 50,
                r + 1,
                1 + (k / 50) % 28,
                n % 1000
            );
            let sum: u32 = body
                .bytes()
                .zip(WEIGHTS)
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            let mut check = b"10X98765432"[(sum % 11) as usize] as char;
            if k % 97 == 5 {
                check = if check == '0' { '1' } else { '0' };
            }
            f[26] = format!("{body}{check}");
            f[27] = if k % 89 == 3 {
                String::new()
            } else if k % 101 == 7 {
                previous_account.clone()
            } else {
                format!("62284800{n:011}")
            };
            previous_account = f[27].clone();
            out.push_str(&f.join(","));
            out.push('\n');
        }
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cells of every sheet of a workbook as text, one line per row.
fn workbook_text(path: &std::path::Path) -> String {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let mut text = String::new();
    for name in wb.sheet_names() {
        text.push_str(&format!("== {name}\n"));
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
    }
    text
}

/// The ledger without its `recorded_at` column (the clock of the run).
fn ledger_without_clock(text: &str) -> String {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut out = String::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let cells: Vec<&str> = rec
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 5)
            .map(|(_, c)| c)
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// The outputs of a year of payouts over 3,000 households, pinned byte for byte: every format,
/// the township files, the bank files, the ledger, a rerun against the ledger and the price
/// subsidy. Any change to what `payouts` writes changes one of these digests.
#[test]
fn a_year_of_payouts_over_thousands_of_households_is_byte_for_byte_as_pinned() {
    let w = Workdir::bundled();
    w.write("roster.csv", pinned_roster());
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    w.copy_repo_file("examples/subsidy-demo.toml", "demo.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    let year = ["--from", "2022-01", "--to", "2022-12"];
    let mut got: Vec<(String, String)> = Vec::new();
    let mut pin = |what: &str, bytes: &[u8]| got.push((what.to_string(), sha256_hex(bytes)));
    let dir = w.path().to_string_lossy().into_owned();
    let stderr = |r: &Run| r.stderr.replace(&dir, "DIR");

    let r = payouts(
        &w,
        &[
            year[0],
            year[1],
            year[2],
            year[3],
            "--ledger",
            "paid.csv",
            "-o",
            "pay.csv",
            "--bank",
            "bank.toml",
            "--split-by",
            "township",
        ],
    );
    pin("csv code", r.code.to_string().as_bytes());
    pin("csv stderr", stderr(&r).as_bytes());
    let mut files: Vec<String> = std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pay."))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        pin(f, &std::fs::read(w.file(f)).unwrap());
    }
    pin(
        "ledger",
        ledger_without_clock(&w.read("paid.csv")).as_bytes(),
    );

    // a rerun against the ledger pays nothing again
    let r = payouts(
        &w,
        &[
            year[0], year[1], year[2], year[3], "--ledger", "paid.csv", "--format", "json",
        ],
    );
    pin("rerun code", r.code.to_string().as_bytes());
    pin("rerun json", r.stdout.as_bytes());
    pin("rerun stderr", stderr(&r).as_bytes());

    for (name, extra) in [
        ("json", &["--format", "json"][..]),
        ("json en", &["--format", "json", "--lang", "en"][..]),
        ("table", &["--format", "table"][..]),
        ("csv en", &["--lang", "en"][..]),
    ] {
        let mut args = year.to_vec();
        args.extend_from_slice(extra);
        let r = payouts(&w, &args);
        pin(&format!("{name} code"), r.code.to_string().as_bytes());
        pin(&format!("{name} stdout"), r.stdout.as_bytes());
        pin(&format!("{name} stderr"), stderr(&r).as_bytes());
    }

    let r = payouts(&w, &[year[0], year[1], year[2], year[3], "-o", "book.xlsx"]);
    pin("xlsx code", r.code.to_string().as_bytes());
    pin("xlsx cells", workbook_text(&w.file("book.xlsx")).as_bytes());

    for (name, extra) in [
        ("subsidy csv", &["--format", "csv"][..]),
        ("subsidy json", &["--format", "json", "--lang", "en"][..]),
    ] {
        let mut args = vec![
            "payouts",
            "-p",
            "demo.toml",
            "roster.csv",
            "--index",
            "cpi.csv",
        ];
        args.extend_from_slice(&year);
        args.extend_from_slice(extra);
        let r = w.run(&args);
        pin(&format!("{name} code"), r.code.to_string().as_bytes());
        pin(&format!("{name} stdout"), r.stdout.as_bytes());
        pin(&format!("{name} stderr"), stderr(&r).as_bytes());
    }

    let got: Vec<String> = got.iter().map(|(w, h)| format!("{w} {h}")).collect();
    let expected: Vec<String> = PINNED.lines().map(str::to_string).collect();
    assert_eq!(got, expected, "\n{}", got.join("\n"));
}

/// What `a_year_of_payouts_over_thousands_of_households_is_byte_for_byte_as_pinned` gives:
/// an output name and the SHA-256 of its bytes.
const PINNED: &str = "\
csv code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
csv stderr 0829576e12a4ce048595638acc32aa958ee08a3f71549f80643f3e8e5ed8787e\n\
pay.bank.csv c33d8e8b28997dc921dc880bf650497bc52d1ce1171a3e4e975c03e7b5c83508\n\
pay.bank.七里河街道.csv 7f95993d9df05f2621562faa8a75dee2ab99ea62afabd81da9ee15785334911d\n\
pay.bank.城关镇.csv de3d615611580a4941b6a7d739324d88daee60ec4788fbedd72cab50d8a237b5\n\
pay.bank.安宁区.csv 30ea7834d0504320740524ce8f21bbcc7d0d55ffa48655397418778267639b64\n\
pay.bank.新区街道.csv 607ff87b2bd00b9590858f7d004417b3e6a96662079f81e5444720c26415c5b4\n\
pay.bank.榆中县城关镇.csv ab1367ea094058ab9bf654c66f7e9c9794394762fbb55c954a89498e759d3536\n\
pay.bank.永登县城关镇.csv 059f6104c4337d7baa52eef451e66f74da0e0eaa2717ed5f9e066d438a29dc25\n\
pay.bank.皋兰县石洞镇.csv b210d606188be537fe297795a93074465fe795e8adc540de62468be847a5f1c9\n\
pay.csv b66e57e6f0ed49da148391cd203fa4554d822ef765d99ca7f540434d5832197c\n\
pay.七里河街道.csv 9bf3bfbb11297717f14e7e27a5bb0ae5db68ce36a3005474d95c51e93d1125a9\n\
pay.城关镇.csv 289209c64aac52b2375d668e6e379527a4a1f239f25e8f924b6e8feef4573815\n\
pay.安宁区.csv 0e4ae32b7da2f631b37b420a4c2f6ed146a96dabd4ab1d148006b6539e1fdac7\n\
pay.新区街道.csv c35a4d1cb2e2fa0804946c3bbaff48e7b1e03e0772e15e873d6099ba2a290a06\n\
pay.榆中县城关镇.csv c76fb33082876fb33619f405c90fa42118606c039be7c17487d39d7533367b95\n\
pay.永登县城关镇.csv 47e000b371348aa62fe51e817355de24d744f560e6d4b2d022f1173df09b6848\n\
pay.皋兰县石洞镇.csv af59dc37b2b8629d8b377d71d1aebc50f9268aaa03025e5b61997badd8b00661\n\
ledger 1d1f1720917032a502164138d3d89e31121044b01ab8beb061345e9362979194\n\
rerun code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
rerun json c59bfbe6081fc50ac9d7429d73b4a9f79a3d82b0098a6e56716490e8949f248d\n\
rerun stderr 4f06921f633069795f2676bf05ca8e6b07520634cb35a9464622e7f8a9c50494\n\
json code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
json stdout e98c49912b81afc9deeb02628b3242b92f4ec6dadc2a909bc9d35121a854d336\n\
json stderr 8cce07f67b831a09435d00696b3e8371fafff5068f9a9e1a1b9e4e4eb14773f6\n\
json en code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
json en stdout f2c7125a8cb60c40feb8fa281d8bc2d708978808f70955353157dadbcc9dbf32\n\
json en stderr 29aa3aed629e80cf8819055140de3a8d80334c6b6e09ceec6a579e8ba362f62f\n\
table code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
table stdout e4e447a1727ac3232736d69614c5ce25144d7ace6ad3bd4303ddb7ae76d82ae1\n\
table stderr 8cce07f67b831a09435d00696b3e8371fafff5068f9a9e1a1b9e4e4eb14773f6\n\
csv en code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
csv en stdout 52734c272713de4127f4c4fb35863bcfa0c497a8f13d8803904399d55e57d3c4\n\
csv en stderr 29aa3aed629e80cf8819055140de3a8d80334c6b6e09ceec6a579e8ba362f62f\n\
xlsx code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
xlsx cells 15a3788198c4cbeab06b44abb69c63bcf5afbb805aeb92b4c6025777ccb98fa9\n\
subsidy csv code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
subsidy csv stdout 8ed1a67ba82ec6f308cd0f6a25f74bdff117a1a67a4924eea9a98c76f5c7518c\n\
subsidy csv stderr 6ca3d3d6ec5132160adfa95475c19f4be83493c5f59a5dd8b6da7bccbeb45bfa\n\
subsidy json code 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\n\
subsidy json stdout 66615526cde7c42a67f2d8b2d199a658dbba96f829a682383e5071e939a1131e\n\
subsidy json stderr 329793dd1db4a73acf5c4dfdd1fa8de90f60b1565541eada584d219e6594c67c\n\
";

/// Without `--index` a policy with a price subsidy is noted on stderr in one language: Chinese
/// by default, English with `--lang en`.
#[test]
fn the_no_index_note_is_said_in_the_language_asked() {
    let w = subsidy_demo();
    let zh = payouts(
        &w,
        &["--from", "2022-10", "--to", "2022-10", "--format", "csv"],
    );
    assert_eq!(zh.code, 1, "the example has invalid rows: {}", zh.stderr);
    assert!(
        zh.stderr
            .contains("未提供 --index 物价指数：本发放计划不含价格临时补贴"),
        "{}",
        zh.stderr
    );
    assert!(
        !zh.stderr.contains("price subsidies are not"),
        "{}",
        zh.stderr
    );
    let en = payouts(
        &w,
        &[
            "--from", "2022-10", "--to", "2022-10", "--format", "csv", "--lang", "en",
        ],
    );
    assert_eq!(en.code, 1, "{}", en.stderr);
    assert!(
        en.stderr
            .contains("no --index: price subsidies are not in this schedule"),
        "{}",
        en.stderr
    );
    assert!(!en.stderr.contains("物价指数"), "{}", en.stderr);
}

#[test]
fn columns_by_english_and_chinese_name_choose_and_order_the_line_columns() {
    let w = Workdir::bundled();
    let range = ["--from", "2022-11", "--to", "2022-12", "--format", "csv"];
    let whole = payouts(&w, &range).csv();
    let mut args = range.to_vec();
    args.extend(["--columns", "amount,户编号, payment_id,状态"]);
    let chosen = payouts(&w, &args);
    let chosen = chosen.csv();
    assert_eq!(
        chosen[0],
        ["amount", "household_id", "payment_id", "status"]
    );
    // the same lines (payments, notices, totals) in the same order, cut to the chosen columns
    let at = |name: &str| whole[0].iter().position(|h| h == name).unwrap();
    let cols = [
        at("amount"),
        at("household_id"),
        at("payment_id"),
        at("status"),
    ];
    assert_eq!(whole.len(), chosen.len());
    assert!(whole.len() > 10);
    for (a, b) in whole[1..].iter().zip(&chosen[1..]) {
        let cut: Vec<&String> = cols.iter().map(|&i| &a[i]).collect();
        assert_eq!(cut, b.iter().collect::<Vec<_>>());
    }
    assert!(
        chosen[1..]
            .iter()
            .any(|r| r[3] == "pay" && !r[2].is_empty())
    );
    // a column files do not hold by default is there when named, and JSON follows the choice
    let r = payouts(
        &w,
        &[
            "--from",
            "2022-12",
            "--to",
            "2022-12",
            "--format",
            "json",
            "--columns",
            "项目名称,item,amount",
        ],
    );
    let json = r.json();
    let first = &json["payments"][0];
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{first}");
    // the keys are written in the order chosen
    let lines: Vec<&str> = r.stdout.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("\"item_zh\": "))
        .unwrap();
    assert!(lines[at + 1].starts_with("\"item\": "), "{}", r.stdout);
    assert!(lines[at + 2].starts_with("\"amount\": "), "{}", r.stdout);
    assert_ne!(first["item_zh"], first["item"], "{first}");
}

#[test]
fn an_unknown_column_is_exit_2_naming_the_columns_writing_nothing_and_paying_nothing() {
    let w = Workdir::bundled();
    let jan = [
        "--from", "2022-01", "--to", "2022-01", "--ledger", "paid.csv", "-o", "jan.csv",
    ];
    assert_eq!(payouts(&w, &jan).code, 1);
    let ledger = w.read("paid.csv");
    for (lang, listed) in [("zh", "amount（金额）"), ("en", "amount (金额)")] {
        let r = payouts(
            &w,
            &[
                "--from",
                "2022-02",
                "--to",
                "2022-02",
                "--ledger",
                "paid.csv",
                "-o",
                "feb.csv",
                "--columns",
                "amount,nope",
                "--lang",
                lang,
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("nope"), "{}", r.stderr);
        assert!(r.stderr.contains(listed), "{}", r.stderr);
        assert!(r.stderr.contains("payment_id"), "{}", r.stderr);
        assert!(!w.file("feb.csv").exists(), "nothing written");
        assert_eq!(w.read("paid.csv"), ledger, "the ledger is unchanged");
    }
}

#[test]
fn columns_choose_the_table_columns_with_their_names_in_the_language_asked() {
    let w = Workdir::bundled();
    let range = ["--from", "2022-12", "--to", "2022-12", "--format", "table"];
    let mut zh = range.to_vec();
    zh.extend(["--columns", "户编号,项目,bank_account"]);
    let r = payouts(&w, &zh);
    let head = r.stdout.lines().nth(1).unwrap();
    let cells: Vec<&str> = head.split('|').map(str::trim).collect();
    assert_eq!(
        cells,
        ["", "户编号", "项目", "银行账号", ""],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("低保金"), "{}", r.stdout);
    assert!(
        r.stdout.contains("*********"),
        "accounts masked: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("6228480010000000011"), "{}", r.stdout);
    let mut en = range.to_vec();
    en.extend(["--lang", "en", "--columns", "amount,household_id"]);
    let r = payouts(&w, &en);
    let head = r.stdout.lines().nth(1).unwrap();
    let cells: Vec<&str> = head.split('|').map(str::trim).collect();
    assert_eq!(cells, ["", "amount", "household_id", ""], "{}", r.stdout);
}

#[test]
fn columns_choose_the_xlsx_line_columns_and_leave_the_other_sheets() {
    let w = Workdir::bundled();
    let r = payouts(
        &w,
        &[
            "--from",
            "2022-12",
            "--to",
            "2022-12",
            "-o",
            "out.xlsx",
            "--columns",
            "amount,户编号,item_zh",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let text = workbook_text(&w.file("out.xlsx"));
    let month = text
        .split("== ")
        .find(|s| s.starts_with("2022-12"))
        .unwrap();
    assert!(
        month.lines().any(|l| l == "amount\thousehold_id\titem_zh"),
        "{month}"
    );
    assert!(month.lines().any(|l| l == "1742\tH001\t低保金"), "{month}");
    assert!(
        text.contains("township\tpay_month\titem\titem_zh\tlines\tamount"),
        "{text}"
    );
}
