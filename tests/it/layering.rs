//! The layering guard: imports inside the crate point down only.
//!
//! Every `src/**/*.rs` file belongs to the module of its first path component (`src/rules/dibao.rs`
//! is `rules`, `src/lib.rs` is the crate root). Each `crate::X` it names (in a `use` line, a
//! grouped `use crate::{X, Y}`, or a path in the code) is an edge to module `X`; an edge to a
//! module of a higher layer fails the test, listing every such edge. Test modules (from the
//! first `#[cfg(test)]` of a file on) and comments are not read: a test may build fixtures from
//! any layer, and a doc link is not a dependency. Upper-case names at the crate root (the exit
//! codes `crate::EXIT_OK` …) are constants any layer may name.
//!
//! The layers, lowest first (a module may use its own layer and those below):
//!
//! 0. words and numbers: `money`, `month`, `lang`, `text` (terminal and spreadsheet safety of
//!    text), `vocab` (the roster's columns, the kinds of a household, and the zh/en wording of
//!    reasons, levels and statuses).
//! 1. the policy: `policy`, `index` (the price-index series a policy's linkage reads).
//! 2. the input: `household` (typed roster rows, read against the policy's areas and uplift
//!    groups).
//! 3. the rules: `rules`, `price_subsidy` (pure functions, one per clause of a policy).
//! 4. the domain: `pipeline` (parallel, ordered evaluation of a roster), `ledger` (the payment
//!    record a schedule appends to), `schedule`, `audit`, `reform`, `grants`, `subsidy`,
//!    `report`, `explain`, `assess`, `decide`, `check`, `validate`, `policytest`, and the
//!    presentation library the commands drive: `output` (csv, json, xlsx, table, the atomic
//!    commit of a file, the bank file) and `chart` (SVG). `output` sits here, not lower,
//!    because it names domain words (a roster's columns, a policy's header); the domain may use
//!    its file commit (the ledger does) but formats are chosen in `cmd`.
//! 5. the commands: `cmd` (arguments -> a config -> one library call -> a report).
//! 6. the command line: `cli` and the crate root (`lib.rs`).
//!
//! A module that is not in the table fails the test too: a new module is given its layer here.

use std::collections::BTreeMap;
use std::path::Path;

/// The layer table (see the module documentation).
const LAYERS: &[(&str, u8)] = &[
    ("money", 0),
    ("month", 0),
    ("lang", 0),
    ("text", 0),
    ("vocab", 0),
    ("policy", 1),
    ("index", 1),
    ("household", 2),
    ("rules", 3),
    ("price_subsidy", 3),
    ("pipeline", 4),
    ("ledger", 4),
    ("schedule", 4),
    ("audit", 4),
    ("reform", 4),
    ("grants", 4),
    ("subsidy", 4),
    ("report", 4),
    ("explain", 4),
    ("assess", 4),
    ("decide", 4),
    ("check", 4),
    ("validate", 4),
    ("policytest", 4),
    ("output", 4),
    ("chart", 4),
    ("cmd", 5),
    ("cli", 6),
    ("lib", 6),
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The module a source file belongs to, from its path under `src/`.
fn module_of(relative: &Path) -> String {
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The crate modules `source` refers to, with the line of each reference: `crate::X` paths
/// and grouped `use crate::{X, Y::Z}` imports; comments and the test module are skipped.
fn references(source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_group = false;
    for (i, line) in source.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        if in_group {
            // inside `use crate::{ … }` spread over lines
            let (inside, closed) = match rest.find('}') {
                Some(end) => (&rest[..end], true),
                None => (rest, false),
            };
            group_names(inside, i + 1, &mut out);
            in_group = !closed;
            continue;
        }
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            let preceded = before
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            rest = &rest[at + "crate::".len()..];
            if preceded {
                continue; // `$crate::`, `other_crate::` …
            }
            if let Some(group) = rest.strip_prefix('{') {
                match group.find('}') {
                    Some(end) => {
                        group_names(&group[..end], i + 1, &mut out);
                        rest = &group[end..];
                    }
                    None => {
                        group_names(group, i + 1, &mut out);
                        in_group = true;
                        break;
                    }
                }
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((i + 1, name));
            }
        }
    }
    out
}

/// The first path segment of each item of a `use crate::{…}` group (nested braces inside an
/// item belong to that item).
fn group_names(group: &str, line: usize, out: &mut Vec<(usize, String)>) {
    let mut depth = 0usize;
    let mut item = String::new();
    let mut flush = |item: &mut String| {
        let name: String = item
            .trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push((line, name));
        }
        item.clear();
    };
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => flush(&mut item),
            _ if depth == 0 => item.push(c),
            _ => {}
        }
    }
    flush(&mut item);
}

/// The forbidden edges of one file of `module`: references to a higher layer, and to modules
/// missing from the table.
fn forbidden_edges(file: &str, module: &str, source: &str) -> Vec<String> {
    let Some(own) = layer_of(module) else {
        return vec![format!(
            "{file}: module `{module}` has no layer in the table"
        )];
    };
    let mut found = Vec::new();
    for (line, target) in references(source) {
        if target == "self" || target == module {
            continue;
        }
        if target
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        {
            continue; // a constant of the crate root
        }
        match layer_of(&target) {
            Some(l) if l <= own => {}
            Some(l) => found.push(format!(
                "{file}:{line}: {module} (layer {own}) -> {target} (layer {l})"
            )),
            None => found.push(format!(
                "{file}:{line}: {module} -> `{target}`, a module with no layer in the table"
            )),
        }
    }
    found
}

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

#[test]
fn imports_point_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut edges = BTreeMap::new();
    for f in files {
        let relative = f.strip_prefix(&src).expect("under src");
        if relative == Path::new("main.rs") {
            continue; // the binary uses the library by its name, not `crate::`
        }
        let text = std::fs::read_to_string(&f).expect("read");
        let file = relative.display().to_string();
        for e in forbidden_edges(&file, &module_of(relative), &text) {
            edges.insert(e, ());
        }
    }
    let edges: Vec<_> = edges.into_keys().collect();
    assert!(
        edges.is_empty(),
        "imports that point up the layers (see tests/it/layering.rs for the table):\n{}",
        edges.join("\n")
    );
}

/// Nothing below the commands sees the command line: `clap` is named only in `cmd/`, `cli.rs`
/// and `lib.rs` (the value lists of library enums are given to clap in `cmd/args.rs`).
#[test]
fn only_the_commands_see_clap() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offenders = Vec::new();
    for f in files {
        let relative = f.strip_prefix(&src).expect("under src");
        let module = module_of(relative);
        if matches!(module.as_str(), "cmd" | "cli" | "lib" | "main") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("clap::") || code.contains("use clap") {
                offenders.push(format!("{}:{}", relative.display(), i + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "clap below cmd/: {offenders:?}");
}

/// The checker itself: an upward import, in each form it reads, is found; downward and
/// same-layer imports, comments and test modules are not.
#[test]
fn layering_checker_finds_an_upward_import() {
    let upward = "use crate::money::Rounding;\nuse crate::cmd::args::OutputArgs;\n";
    let found = forbidden_edges("household/x.rs", "household", upward);
    assert_eq!(
        found,
        vec!["household/x.rs:2: household (layer 2) -> cmd (layer 5)".to_string()]
    );

    let grouped = "use crate::{month::Month, rules::{self, Trace}};\n";
    assert_eq!(forbidden_edges("policy/x.rs", "policy", grouped).len(), 1);

    let spread = "use crate::{\n    money::Number,\n    output::screen,\n};\n";
    let found = forbidden_edges("rules/x.rs", "rules", spread);
    assert_eq!(
        found,
        vec!["rules/x.rs:3: rules (layer 3) -> output (layer 4)".to_string()]
    );

    let inline = "fn f() { crate::cli::dispatch(x); }\n";
    assert_eq!(forbidden_edges("cmd/x.rs", "cmd", inline).len(), 1);

    let fine = "use crate::household::Household;\n// crate::cmd in a comment\nuse crate::EXIT_OK;\n\
                #[cfg(test)]\nmod tests { use crate::cmd::args; }\n";
    assert!(forbidden_edges("rules/x.rs", "rules", fine).is_empty());

    let unknown = "use crate::elsewhere::Thing;\n";
    assert_eq!(forbidden_edges("rules/x.rs", "rules", unknown).len(), 1);
    assert_eq!(forbidden_edges("nowhere.rs", "nowhere", "").len(), 1);
}
