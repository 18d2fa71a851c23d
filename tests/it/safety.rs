//! Payment and file safety end to end: outputs that would overwrite inputs or each other,
//! outputs committed together or not at all, a full disk, a closed pipe, stopped runs and
//! their temporary files, hand-edited ledgers, one person paid for two households, township
//! files whose names collide.

use crate::workdir::{Run, Workdir};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_jiuzhu");

const HEADER: &str = "household_id,region,residence,members,monthly_income,status,township,head_name,head_id,bank_account";

fn payouts(w: &Workdir, extra: &[&str]) -> Run {
    payouts_in(w, "2022-12", extra)
}

fn payouts_in(w: &Workdir, month: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "payouts",
        "-p",
        "policy.toml",
        "roster.csv",
        "--from",
        month,
        "--to",
        month,
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// The files of our temporary naming left in a folder.
fn temporaries(w: &Workdir) -> Vec<String> {
    std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jiuzhu-") && n.ends_with(".tmp"))
        .collect()
}

/// Waits (generously) until `done` holds.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(120), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_read_or_written() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    let roster = w.read("roster.csv");
    // Each command line names one input (or another output) again as an output.
    let cases = [
        "check -p policy.toml roster.csv --month 2022-12 -o roster.csv",
        "check -p policy.toml roster.csv --month 2022-12 -o ./roster.csv",
        "check -p policy.toml roster.csv --month 2022-12 -o policy.toml",
        "audit -p policy.toml roster.csv --month 2022-12 -o roster.csv",
        "explain -p policy.toml roster.csv --month 2022-12 --household H001 -o roster.csv",
        "validate -p policy.toml roster.csv -o roster.csv",
        "compare -p policy.toml --with policy.toml roster.csv --month 2022-12 --chart roster.csv.svg -o roster.csv.svg",
        "subsidy -p policy.toml --index cpi.csv -o cpi.csv",
        "payouts -p policy.toml roster.csv --from 2022-12 --to 2022-12 -o roster.csv",
        "payouts -p policy.toml roster.csv --from 2022-12 --to 2022-12 --bank bank.toml --bank-out bank.toml",
    ];
    for line in cases {
        let args: Vec<&str> = line.split(' ').collect();
        let r = w.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("同一个文件"), "{args:?}: {}", r.stderr);
        assert_eq!(w.read("roster.csv"), roster, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
    }
    assert!(!w.file("roster.csv.svg").exists());
    // through links
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(w.file("roster.csv"), w.file("sym.csv")).unwrap();
        std::fs::hard_link(w.file("roster.csv"), w.file("hard.csv")).unwrap();
        for o in ["sym.csv", "hard.csv"] {
            let r = w.check(
                "policy.toml",
                "roster.csv",
                "2022-12",
                &["-o", o, "--lang", "en"],
            );
            assert_eq!(r.code, 2, "{o}: {}", r.stderr);
            assert!(
                r.stderr.contains("is the same file as ROSTER"),
                "{}",
                r.stderr
            );
        }
        assert_eq!(w.read("roster.csv"), roster);
    }
}

#[test]
fn the_ledger_and_one_output_named_twice_are_refused() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    let first = payouts(&w, &["--ledger", "paid.csv", "-o", "a.csv"]);
    assert!(first.code <= 1, "{}", first.stderr);
    let ledger = w.read("paid.csv");
    for extra in [
        vec!["--ledger", "paid.csv", "-o", "paid.csv"],
        vec![
            "--ledger",
            "paid.csv",
            "-o",
            "x.csv",
            "--bank",
            "bank.toml",
            "--bank-out",
            "paid.csv",
        ],
        vec![
            "--ledger",
            "paid.csv",
            "-o",
            "x.csv",
            "--bank",
            "bank.toml",
            "--bank-out",
            "x.csv",
        ],
        vec![
            "--ledger",
            "paid.csv",
            "-o",
            "x.csv",
            "--bank",
            "bank.toml",
            "--bank-out",
            "./x.csv",
        ],
    ] {
        let r = payouts(&w, &extra);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains("同一个文件"), "{}", r.stderr);
        assert_eq!(w.read("paid.csv"), ledger, "{extra:?}");
        assert!(!w.file("x.csv").exists());
    }
}

#[test]
fn subsidy_with_its_totals_on_a_full_disk_commits_nothing() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/subsidy-demo.toml", "demo.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    let args = [
        "subsidy",
        "-p",
        "demo.toml",
        "--index",
        "cpi.csv",
        "--from",
        "2022-07",
        "--to",
        "2022-10",
        "roster.csv",
        "-o",
        "o.csv",
        "--totals",
    ];
    let ok = w.run(&[&args[..], &["t.csv"]].concat());
    assert!(ok.code <= 1, "{}", ok.stderr);
    std::fs::remove_file(w.file("o.csv")).unwrap();
    let r = w.run(&[&args[..], &["/dev/full", "--lang", "en"]].concat());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("/dev/full"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("none of this run's output files was written"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("wrote"), "{}", r.stderr);
    assert!(
        !w.file("o.csv").exists(),
        "the main output is not committed alone"
    );
    assert_eq!(temporaries(&w), Vec::<String>::new());
}

#[test]
fn compare_with_a_chart_it_cannot_write_commits_nothing() {
    let w = Workdir::bundled();
    let r = w.run(&[
        "compare",
        "-p",
        "policy.toml",
        "--with",
        "policy.toml",
        "roster.csv",
        "--month",
        "2022-12",
        "-o",
        "c.csv",
        "--chart",
        "nodir/c.svg",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nodir/c.svg"), "{}", r.stderr);
    assert!(!w.file("c.csv").exists());
}

#[test]
fn payouts_with_a_bank_file_on_a_full_disk_pays_and_commits_nothing() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    let r = payouts(
        &w,
        &[
            "--ledger",
            "paid.csv",
            "-o",
            "o.csv",
            "--bank",
            "bank.toml",
            "--bank-out",
            "/dev/full",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("/dev/full"), "{}", r.stderr);
    assert!(!r.stderr.contains("已写出"), "{}", r.stderr);
    assert!(!w.file("o.csv").exists());
    assert!(!w.file("paid.csv").exists(), "nothing recorded as paid");
    assert_eq!(temporaries(&w), Vec::<String>::new());
}

#[test]
fn an_output_on_a_full_disk_is_a_clear_error() {
    let w = Workdir::bundled();
    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2022-12",
        &["-o", "/dev/full", "--lang", "en"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("/dev/full"), "{}", r.stderr);
    assert!(!r.stderr.contains("written:"), "{}", r.stderr);
}

// The simulated full disk exists in debug builds only.
#[cfg(debug_assertions)]
#[test]
fn a_ledger_on_a_full_disk_leaves_it_unchanged_and_commits_no_output() {
    let w = Workdir::bundled();
    let first = payouts_in(&w, "2022-11", &["--ledger", "paid.csv", "-o", "nov.csv"]);
    assert!(first.code <= 1, "{}", first.stderr);
    let ledger = w.read("paid.csv");
    let (code, stderr) = december_with_fault(&w, "ledger-full");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("No space left"), "{stderr}");
    assert!(stderr.contains("台账未更新"), "{stderr}");
    assert!(!stderr.contains("已写出"), "{stderr}");
    assert_eq!(w.read("paid.csv"), ledger);
    assert!(!w.file("dec.csv").exists());
    assert_eq!(temporaries(&w), Vec::<String>::new());
}

/// `payouts` for 2022-12 with the ledger `paid.csv` and `-o dec.csv`, the fault point `fault`
/// switched on: the exit code and stderr.
fn december_with_fault(w: &Workdir, fault: &str) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args([
            "payouts",
            "-p",
            "policy.toml",
            "roster.csv",
            "--from",
            "2022-12",
            "--to",
            "2022-12",
            "--ledger",
            "paid.csv",
            "-o",
            "dec.csv",
        ])
        .current_dir(w.path())
        .env(jiuzhu::ledger::FAULT_ENV, fault)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// A release build has no fault points: the variable is ignored and the run pays and records.
#[cfg(not(debug_assertions))]
#[test]
fn release_builds_ignore_the_fault_variable() {
    for fault in ["ledger-full", "ledger-mid-write"] {
        let w = Workdir::bundled();
        let (code, stderr) = december_with_fault(&w, fault);
        assert!(code.is_some_and(|c| c <= 1), "{fault}: {stderr}");
        assert!(
            w.read("dec.csv").contains("P"),
            "{fault}: the list is written"
        );
        assert!(
            w.read("paid.csv").lines().count() > 1,
            "{fault}: the ledger records the payments"
        );
        assert_eq!(temporaries(&w), Vec::<String>::new(), "{fault}");
    }
}

/// A roster of `n` valid households.
fn big_roster(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for i in 0..n {
        s.push_str(&format!(
            "B{i:06},620102,urban,2,100,dibao,城关镇,某,,622848{i:013}\n"
        ));
    }
    s
}

#[test]
fn a_reader_closing_stdout_early_is_not_told_every_row_was_written() {
    let w = Workdir::bundled();
    w.write("big.csv", big_roster(30_000));
    let mut child = Command::new(BIN)
        .args([
            "check",
            "-p",
            "policy.toml",
            "big.csv",
            "--month",
            "2022-12",
            "--format",
            "csv",
            "--lang",
            "en",
        ])
        .current_dir(w.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Read;
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        stdout.read_exact(&mut first).unwrap();
        // like `| head -1`: the reader goes away
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{stderr}");
    assert!(stderr.contains("not every row was written"), "{stderr}");
}

#[test]
fn an_error_after_rows_went_to_stdout_says_the_output_is_incomplete() {
    let w = Workdir::bundled();
    let mut bytes = big_roster(30_000).into_bytes();
    bytes.extend_from_slice(b"X1,620102,urban,2,100,dibao,\xff\xfe\xfa,a,,1\n");
    w.write("broken.csv", bytes);
    let r = w.check(
        "policy.toml",
        "broken.csv",
        "2022-12",
        &["--format", "csv", "--lang", "en"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        !r.stdout.is_empty(),
        "rows were streamed before the bad line"
    );
    assert!(r.stderr.contains("INCOMPLETE"), "{}", r.stderr);
    // a small roster that fails is refused with nothing on stdout
    let mut small = big_roster(3).into_bytes();
    small.extend_from_slice(b"X1,620102,urban,2,100,dibao,\xff\xfe\xfa,a,,1\n");
    w.write("small.csv", small);
    let r = w.check("policy.toml", "small.csv", "2022-12", &["--format", "csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(!r.stderr.contains("INCOMPLETE"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_run_stopped_by_a_signal_removes_its_temporary_file() {
    for signal in ["TERM", "INT"] {
        let w = Workdir::bundled();
        // The roster comes on stdin and the pipe is kept open: the run has its output's
        // temporary file and waits for more rows.
        let mut child = Command::new(BIN)
            .args([
                "check",
                "-p",
                "policy.toml",
                "-",
                "--month",
                "2022-12",
                "-o",
                "out.csv",
            ])
            .current_dir(w.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        {
            use std::io::Write;
            stdin.write_all(big_roster(2000).as_bytes()).unwrap();
            stdin.flush().unwrap();
        }
        wait_for("the run creates its temporary file", || {
            !temporaries(&w).is_empty()
        });
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        drop(stdin);
        assert!(!status.success(), "{signal}");
        assert_eq!(temporaries(&w), Vec::<String>::new(), "{signal}");
        assert!(!w.file("out.csv").exists(), "{signal}");
    }
}

#[test]
fn stale_temporaries_of_killed_runs_are_cleaned_when_writing() {
    let w = Workdir::bundled();
    w.write(".jiuzhu-old.tmp", "张秀兰,11010519491231002X");
    w.write(".jiuzhu-recent.tmp", "in use");
    w.write("notes.tmp", "not ours");
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(w.file(".jiuzhu-old.tmp"))
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let r = w.check("policy.toml", "roster.csv", "2022-12", &["-o", "out.csv"]);
    assert!(r.code <= 1, "{}", r.stderr);
    assert!(!w.file(".jiuzhu-old.tmp").exists());
    assert!(w.file(".jiuzhu-recent.tmp").exists());
    assert!(w.file("notes.tmp").exists());
}

#[test]
fn a_hand_edited_ledger_is_refused_and_nothing_is_paid() {
    let w = Workdir::bundled();
    let first = payouts_in(&w, "2022-11", &["--ledger", "paid.csv", "--format", "csv"]);
    assert!(first.code <= 1, "{}", first.stderr);
    let clean = w.read("paid.csv");
    let v = w.run(&["validate", "--ledger", "paid.csv"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let id = clean
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    assert!(id.starts_with('P'), "new ids carry a letter: {id}");
    for damaged in [
        "1.5834E+14".to_string(),
        id.to_uppercase(),
        id[1..].to_string() + "0",
    ] {
        let edited = clean.replacen(&id, &damaged, 1);
        w.write("paid.csv", &edited);
        let r = payouts(
            &w,
            &["--ledger", "paid.csv", "-o", "dec.csv", "--lang", "en"],
        );
        assert_eq!(r.code, 2, "{damaged}: {}", r.stderr);
        assert!(
            r.stderr.contains("line 2: payment_id"),
            "{damaged}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("nothing was paid"), "{}", r.stderr);
        assert!(!w.file("dec.csv").exists());
        assert_eq!(w.read("paid.csv"), edited, "the ledger is left as it was");
        let v = w.run(&[
            "validate", "--ledger", "paid.csv", "--lang", "en", "--format", "csv",
        ]);
        assert_eq!(v.code, 1, "{}", v.stderr);
        assert!(v.stdout.contains("paid.csv,2,"), "{}", v.stdout);
    }
    // a repeated line and malformed month and amount: every problem listed, by line
    let second = clean.lines().nth(1).unwrap();
    let edited = format!(
        "{clean}{second}\n{}\n",
        second.replacen("2022-11", "2022-1x", 1)
    );
    w.write("paid.csv", &edited);
    let v = w.run(&[
        "validate", "--ledger", "paid.csv", "--lang", "en", "--format", "csv",
    ]);
    assert_eq!(v.code, 1);
    let n = clean.lines().count();
    assert!(
        v.stdout.contains(&format!("paid.csv,{},", n + 1)),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("repeats line 2"), "{}", v.stdout);
    assert!(v.stdout.contains("2022-1x"), "{}", v.stdout);
}

#[test]
fn an_id_edited_by_hand_does_not_make_a_payment_payable_again() {
    let w = Workdir::bundled();
    let first = payouts(&w, &["--ledger", "paid.csv", "--format", "csv"]);
    assert!(first.code <= 1, "{}", first.stderr);
    // An old ledger's ids have no letter; its payments are still paid (by id and by
    // household, month and item).
    let old: String = w
        .read("paid.csv")
        .lines()
        .map(|l| {
            let l = l.strip_prefix('P').unwrap_or(l);
            format!("{l}\n")
        })
        .collect();
    w.write("paid.csv", &old);
    let again = payouts(&w, &["--ledger", "paid.csv", "--format", "csv"]);
    assert!(again.code <= 1, "{}", again.stderr);
    assert!(
        !again
            .csv()
            .iter()
            .any(|r| r.get(8).is_some_and(|s| s == "pay")),
        "nothing is paid twice: {}",
        again.stdout
    );
}

#[test]
fn one_head_or_account_for_two_households_holds_both() {
    let w = Workdir::bundled();
    w.copy_repo_file("examples/bank-template.toml", "bank.toml");
    w.write(
        "roster.csv",
        format!(
            "{HEADER}\n\
             H001,620102,urban,2,100,dibao,城关镇,张三,11010519491231002X,6228 4800 1000 0000 001\n\
             H009,620102,urban,2,100,dibao,城关镇,张三,11010519491231002x,6228480010000000099\n\
             H002,620102,urban,2,100,dibao,城关镇,李四,620102198507150017,6228480010000000001\n\
             H003,620102,urban,2,100,dibao,城关镇,王五,620121195503120027,6228480010000000037\n"
        ),
    );
    let r = payouts(
        &w,
        &[
            "--format",
            "csv",
            "--lang",
            "en",
            "-o",
            "pay.csv",
            "--bank",
            "bank.toml",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let text = w.read("pay.csv");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let status = |id: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r[2] == id && !r[0].is_empty())
            .map(|r| r[8].clone())
            .collect()
    };
    for id in ["H001", "H009", "H002"] {
        assert!(
            !status(id).is_empty() && status(id).iter().all(|s| s == "held"),
            "{id}: {text}"
        );
    }
    assert!(status("H003").iter().all(|s| s == "pay"), "{text}");
    let reason = rows
        .iter()
        .find(|r| r[2] == "H009" && r[8] == "held")
        .map(|r| r[7].clone())
        .unwrap();
    assert!(
        reason.contains("H001") && reason.contains("H009"),
        "{reason}"
    );
    assert!(reason.contains("same head_id"), "{reason}");
    let h2 = rows
        .iter()
        .find(|r| r[2] == "H002" && r[8] == "held")
        .map(|r| r[7].clone())
        .unwrap();
    assert!(
        h2.contains("H001") && h2.contains("same bank account"),
        "{h2}"
    );
    let notices: Vec<&Vec<String>> = rows.iter().filter(|r| r[8] == "shared_payee").collect();
    assert_eq!(notices.len(), 3, "{text}");
    let bank = std::fs::read(w.file("pay.bank.csv")).unwrap();
    let (bank, _, _) = encoding_rs::GB18030.decode(&bank);
    assert!(!bank.contains("张三") && !bank.contains("李四"), "{bank}");
    assert!(bank.contains("王五"), "{bank}");
}

#[test]
fn township_names_that_give_one_file_name_are_refused() {
    let w = Workdir::bundled();
    w.write(
        "roster.csv",
        format!(
            "{HEADER}\n\
             T1,620102,urban,2,100,dibao,城关/东,甲,,6228480010000000011\n\
             T2,620102,urban,2,100,dibao,城关_东,乙,,6228480010000000029\n"
        ),
    );
    let r = payouts(
        &w,
        &[
            "--ledger",
            "paid.csv",
            "-o",
            "pay.csv",
            "--split-by",
            "township",
            "--lang",
            "en",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("城关/东") && r.stderr.contains("城关_东"),
        "{}",
        r.stderr
    );
    assert!(!w.file("pay.csv").exists());
    assert!(!w.file("pay.城关_东.csv").exists());
    assert!(!w.file("paid.csv").exists(), "nothing recorded as paid");
}

#[test]
fn township_files_add_up_to_the_whole() {
    let w = Workdir::bundled();
    let r = payouts(
        &w,
        &["-o", "pay.csv", "--split-by", "township", "--format", "csv"],
    );
    assert!(r.code <= 1, "{}", r.stderr);
    let sum_paid = |name: &str| -> rust_decimal::Decimal {
        let text = w.read(name);
        csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap())
            .filter(|r| &r[8] == "pay")
            .map(|r| r[5].parse::<rust_decimal::Decimal>().unwrap())
            .sum()
    };
    let whole = sum_paid("pay.csv");
    let parts: rust_decimal::Decimal = std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pay.") && n != "pay.csv")
        .map(|n| sum_paid(&n))
        .sum();
    assert!(whole > rust_decimal::Decimal::ZERO);
    assert_eq!(parts, whole);
}
