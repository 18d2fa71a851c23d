//! Byte-for-byte pins of `compare` and `subsidy` outputs (csv, json, table, SVG, the `--totals`
//! file, stderr and the exit code) on a generated roster of a few thousand households, so that
//! a change in how these outputs are produced cannot change what they are.
//!
//! The expected bytes live in `tests/fixtures/golden/`; `JIUZHU_BLESS=1` rewrites them (only
//! when an output is deliberately changed, said so in the commit).

use crate::workdir::Workdir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A deterministic roster of `n` households: both Lanzhou areas and an unknown region, urban
/// and rural, one to seven members, incomes around the standards, all statuses, categories
/// the price subsidy pays, a carried column, a sample weight, and a few broken rows (an
/// unreadable income, no members, an empty or unreadable weight, a repeated id).
pub fn generated_roster(n: u32) -> String {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let regions = [
        "620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123",
    ];
    let statuses = ["dibao", "none", "tekun", "dibao", "none", "edge"];
    let categories = [
        "",
        "",
        "",
        "youfu",
        "orphan",
        "unemployment_subsidy",
        "ui;youfu",
        "",
    ];
    let mut s = String::from(
        "household_id,region,residence,members,monthly_income,status,categories,township,head_name,head_id,权数,备注,care_level\n",
    );
    for i in 1..=n {
        let region = if next(97) == 0 {
            "999999"
        } else {
            regions[next(regions.len() as u64) as usize]
        };
        let residence = if next(3) == 0 { "rural" } else { "urban" };
        let members = match next(60) {
            0 => String::new(),
            k => (1 + k % 7).to_string(),
        };
        let income = match next(80) {
            0 => "abc".to_string(),
            1 => String::new(),
            k => format!("{}.{:02}", (k * 53 + next(400)) % 4200, next(100)),
        };
        let status = statuses[next(statuses.len() as u64) as usize];
        let cats = categories[next(categories.len() as u64) as usize];
        let weight = match next(150) {
            0 => String::new(),
            1 => "x".to_string(),
            k => format!("{}.{}", 1 + k % 40, k % 10),
        };
        let id = if i % 997 == 0 {
            format!("G{:05}", i - 1)
        } else {
            format!("G{i:05}")
        };
        let town = ["城关镇", "安宁街道", "七里河"][next(3) as usize];
        let head = format!("户主{}", next(1000));
        let head_id = format!("620102{:04}0101{:04}", 1940 + next(70), next(10000));
        let note = if next(10) == 0 { "复核" } else { "" };
        let care = ["full", "partial", "self_care", "", "full", "自理"][next(6) as usize];
        s += &format!(
            "{id},{region},{residence},{members},{income},{status},\"{cats}\",{town},{head},{head_id},{weight},{note},{care}\n"
        );
    }
    s
}

/// The inputs every pinned run reads: the Lanzhou policy and a reform of it, the price-subsidy
/// demonstration policy and a variant with a lower trigger in its window and a higher floor, the bundled
/// index series, and the generated roster.
pub fn golden_workdir() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    let base = w.read("policy.toml");
    w.write(
        "reform.toml",
        base.replace("\nurban = 914\n", "\nurban = 950\n")
            .replace("name = \"兰州市 2022\"", "name = \"兰州市 2022 提标\""),
    );
    w.copy_repo_file("examples/subsidy-demo.toml", "demo.toml");
    let demo = w.read("demo.toml");
    let lower =
        demo.replacen("cpi = 3.0\n", "cpi = 1.5\n", 1)
            .replacen("floor = 10\n", "floor = 60\n", 1);
    assert_ne!(
        lower, demo,
        "the demonstration policy's window trigger and floor"
    );
    w.write("lower.toml", lower);
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    w.write("roster.csv", generated_roster(3000));
    w
}

/// Runs `jiuzhu args` in `w` with a fixed environment (no `COLUMNS`) and compares stdout,
/// stderr with the exit code, and each file of `files` with the SHA-256 and length pinned in
/// `tests/fixtures/golden/<name>.sha256`. On a difference the bytes got are kept under
/// `target/golden-got/` for a diff.
pub fn pin(w: &Workdir, name: &str, args: &[&str], files: &[&str]) {
    use sha2::{Digest, Sha256};
    let o = Command::new(env!("CARGO_BIN_EXE_jiuzhu"))
        .args(args)
        .current_dir(w.path())
        .env_remove("COLUMNS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("spawn jiuzhu");
    let dir = w.path().to_string_lossy().into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).replace(&dir, "<dir>");
    let mut got: Vec<(String, Vec<u8>)> = vec![
        ("stdout".to_string(), o.stdout.clone()),
        (
            "stderr".to_string(),
            format!("exit {}\n{stderr}", o.status.code().unwrap_or(-1)).into_bytes(),
        ),
    ];
    for f in files {
        let bytes = std::fs::read(w.file(f)).unwrap_or_else(|e| panic!("{name}: {f}: {e}"));
        got.push(((*f).to_string(), bytes));
    }
    let manifest: String = got
        .iter()
        .map(|(part, bytes)| {
            let hash: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{part} {} {hash}\n", bytes.len())
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden");
    let path: PathBuf = root.join(format!("{name}.sha256"));
    if std::env::var_os("JIUZHU_BLESS").is_some() {
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(&path, &manifest).expect("write golden");
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (JIUZHU_BLESS=1 writes it)", path.display()));
    if want != manifest {
        let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/golden-got");
        let _ = std::fs::create_dir_all(&keep);
        for (part, bytes) in &got {
            let _ = std::fs::write(keep.join(format!("{name}.{part}")), bytes);
        }
        panic!(
            "{name}: outputs differ from the pinned bytes (kept in {}):\nwant:\n{want}got:\n{manifest}",
            keep.display()
        );
    }
    if std::env::var_os("JIUZHU_KEEP").is_some() {
        let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/golden-want");
        let _ = std::fs::create_dir_all(&keep);
        for (part, bytes) in &got {
            let _ = std::fs::write(keep.join(format!("{name}.{part}")), bytes);
        }
    }
}
