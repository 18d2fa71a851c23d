//! Guards on the source tree itself.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `rust_decimal`'s bare `round_dp` rounds half to even, and `.round()` on a float is not a
/// policy rule: every rounding goes through the named rules of `money.rs`.
#[test]
fn no_bare_rounding_outside_money_rs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("bench"), &mut files);
    let mut offenders = Vec::new();
    for f in files {
        if f.ends_with("src/money.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("round_dp")
                || code.contains(".round()")
                || code.contains("RoundingStrategy")
            {
                offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "round only through money::Rounding:\n{}",
        offenders.join("\n")
    );
}

/// Money is never a float: no `f64`/`f32` in the rules, policy and money layers.
#[test]
fn no_floats_in_the_money_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for d in ["rules", "policy"] {
        rust_files(&root.join(d), &mut files);
    }
    let mut offenders = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("f64") || code.contains("f32") {
                offenders.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "floats in money code: {offenders:?}");
}
