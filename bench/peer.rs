//! `jiuzhu-peer`: the program a data office would write instead of using `jiuzhu check`.
//!
//! One file, one thread, serde + rust_decimal + the `csv` crate, the Lanzhou 2022 parameters
//! (policies/lanzhou-2022.toml) written into the code for the month 2022-12. For each household
//! of a roster in the generator's columns it decides 低保 (the per-capita counted income against
//! the area and residence standard, the gap rounded to the fen, the 分类施保 uplift per person of
//! a group rounded to the yuan), 特困 (1.3 × the standard rounded up to the yuan, plus care as a
//! share of the minimum wage, × 1.5 in an institution, rounded to the yuan, both × members),
//! the gradual exit of an enrolled household above the standard, and 低保边缘 (below 1.5 × the
//! standard), and writes household_id, decision, per_capita_income and monthly_total.
//!
//! What it leaves out, as such a program would: no policy file, no trace, no reasons or
//! message, no duplicate-id check, no carried columns, no workbook or GBK input, no asset test
//! (the Lanzhou file sets none). The one thing it takes from jiuzhu is the named rounding rules
//! (`money::Rounding`: to the fen half up, to the yuan half up, up to the yuan), as every
//! rounding in this repository must be named. A row it cannot read is written as `undecided` with an empty
//! total instead of the reasoned `invalid` or `undetermined` row of `check`.
//!
//! `--agree CHECK_OUTPUT` reads `jiuzhu check`'s CSV output for the same roster instead and
//! prints how many rows both decide and how many of those differ in decision, per_capita_income
//! or monthly_total (exit 1 when any differ), listing the first few.

use jiuzhu::money::Rounding;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Instant;

const USAGE: &str = "\
Usage: jiuzhu-peer INPUT [-o OUTPUT]
       jiuzhu-peer INPUT --agree CHECK_OUTPUT

Decides 低保/特困/渐退/低保边缘 for each household of the roster CSV INPUT under the Lanzhou
2022 parameters for 2022-12 (hard-coded) and writes household_id, decision, per_capita_income,
monthly_total to OUTPUT (default standard output; '-' is standard output). Prints rows, seconds,
rows/s and MB/s (input bytes, 1 MB = 10^6 bytes) to standard error.

With --agree, decides INPUT the same way and compares it with CHECK_OUTPUT, the CSV written by
`jiuzhu check --format csv` for INPUT: prints the rows both decide and how many differ in
decision, per_capita_income or monthly_total.

Exit status: 0 success (and, with --agree, no difference), 1 read or write error or a
difference, 2 usage error or unreadable input.
";

const BUFFER: usize = 1 << 16;
/// The month decided: the gradual exit counts its months up to this one.
const MONTH: (i32, i32) = (2022, 12);

/// The columns the peer reads; the others of the roster are ignored.
#[derive(Deserialize)]
struct Row<'a> {
    household_id: &'a str,
    region: &'a str,
    residence: &'a str,
    members: &'a str,
    monthly_income: &'a str,
    #[serde(default)]
    exempt_income: &'a str,
    #[serde(default)]
    employment_income: &'a str,
    #[serde(default)]
    status: &'a str,
    #[serde(default)]
    elderly: &'a str,
    #[serde(default)]
    severely_disabled: &'a str,
    #[serde(default)]
    disabled: &'a str,
    #[serde(default)]
    seriously_ill: &'a str,
    #[serde(default)]
    minors: &'a str,
    #[serde(default)]
    care_level: &'a str,
    #[serde(default)]
    institutional: &'a str,
    #[serde(default)]
    exit_start: &'a str,
    #[serde(default)]
    last_grant: &'a str,
}

/// One household's result.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    decision: &'static str,
    per_capita: Option<Decimal>,
    total: Option<Decimal>,
}

impl Outcome {
    fn undecided() -> Outcome {
        Outcome {
            decision: "undecided",
            per_capita: None,
            total: None,
        }
    }
}

/// Lanzhou 2022: the monthly 低保 standard by area and residence (the county's rural standard
/// is 5268 a year, 439 a month).
fn standard(region: &str, urban: bool) -> Option<Decimal> {
    let city = matches!(region, "620102" | "620103" | "620104" | "620105" | "620111");
    let county = matches!(region, "620121" | "620122" | "620123");
    match (city, county, urban) {
        (true, _, true) => Some(Decimal::from(914)),
        (_, true, true) => Some(Decimal::from(687)),
        (true, _, false) | (_, true, false) => Some(Decimal::from(439)),
        _ => None,
    }
}

fn money(raw: &str) -> Result<Decimal, ()> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(Decimal::ZERO);
    }
    Decimal::from_str(t).map_err(|_| ())
}

fn count(raw: &str) -> Result<u32, ()> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse().map_err(|_| ())
}

fn fen(v: Decimal) -> Decimal {
    Rounding::Fen.apply(v)
}

fn yuan(v: Decimal) -> Decimal {
    Rounding::Yuan.apply(v)
}

fn share(num: i64, scale: u32) -> Decimal {
    Decimal::new(num, scale)
}

fn decide(r: &Row) -> Outcome {
    decide_inner(r).unwrap_or_else(|()| Outcome::undecided())
}

fn decide_inner(r: &Row) -> Result<Outcome, ()> {
    let urban = match r.residence.trim() {
        "urban" | "城镇" => true,
        "rural" | "农村" => false,
        _ => return Err(()),
    };
    let standard = standard(r.region.trim(), urban).ok_or(())?;
    let members = count(r.members)?;
    if members == 0 {
        return Err(());
    }
    let n = Decimal::from(members);
    let groups = [
        count(r.elderly)?,
        count(r.severely_disabled)?,
        count(r.disabled)?,
        count(r.seriously_ill)?,
        count(r.minors)?,
    ];
    if groups.iter().map(|&g| u64::from(g)).sum::<u64>() > u64::from(members) {
        return Err(());
    }
    let status = r.status.trim();
    if status == "tekun" {
        let basic = Rounding::YuanUp.apply(share(13, 1) * standard);
        let care_share = match r.care_level.trim() {
            "self_care" => share(9, 2),
            "partial" => share(18, 2),
            "full" => share(27, 2),
            _ => return Err(()),
        };
        let mut care = care_share * Decimal::from(1670);
        match r.institutional.trim() {
            "yes" => care += share(5, 1) * care,
            "no" | "" => {}
            _ => return Err(()),
        }
        return Ok(Outcome {
            decision: "tekun",
            per_capita: None,
            total: Some((basic + yuan(care)) * n),
        });
    }
    if !matches!(status, "" | "none" | "dibao" | "edge") || r.monthly_income.trim().is_empty() {
        return Err(());
    }
    let income = money(r.monthly_income)?;
    let exempt = money(r.exempt_income)?;
    let earnings = money(r.employment_income)?;
    let deduction = (share(3, 1) * earnings).min(earnings).max(Decimal::ZERO);
    let counted = (income - exempt - deduction).max(Decimal::ZERO);
    let per_capita = counted / n;
    let mut out = Outcome {
        decision: "none",
        per_capita: Some(per_capita),
        total: Some(Decimal::ZERO),
    };
    if per_capita < standard {
        let grant = fen(standard * n - counted).max(Decimal::ZERO);
        // 分类施保 per person: seriously ill 30%, severely disabled 20%, elderly and minors 10%.
        // (group index, share in percent); `disabled` (index 2) has no uplift in Lanzhou.
        let uplift = [(3, 30), (1, 20), (0, 10), (4, 10)]
            .iter()
            .map(|&(i, pct)| yuan(share(pct, 2) * standard) * Decimal::from(groups[i]))
            .sum::<Decimal>();
        out.decision = "dibao";
        out.total = Some(grant + uplift);
        return Ok(out);
    }
    if status == "dibao" && !r.exit_start.trim().is_empty() {
        let (y, m) = r.exit_start.trim().split_once('-').ok_or(())?;
        let (y, m): (i32, i32) = (y.parse().map_err(|_| ())?, m.parse().map_err(|_| ())?);
        let k = (MONTH.0 - y) * 12 + (MONTH.1 - m);
        if (0..6).contains(&k) && per_capita < Decimal::from(2) * standard {
            let last = r.last_grant.trim();
            if last.is_empty() {
                return Err(());
            }
            let schedule = [10, 10, 8, 8, 6, 6][k as usize];
            out.decision = "gradual_exit";
            out.total = Some(fen(share(schedule, 1) * money(last)?));
            return Ok(out);
        }
    }
    if per_capita < share(15, 1) * standard {
        out.decision = "edge";
    }
    Ok(out)
}

fn text(v: Option<Decimal>) -> String {
    v.map(|v| format!("{:.2}", fen(v))).unwrap_or_default()
}

enum Failure {
    Open(String),
    Process(String),
    Disagree,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut input = None;
    let mut output = None;
    let mut agree = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("-h" | "--help") => {
                let _ = io::stdout().write_all(USAGE.as_bytes());
                return ExitCode::SUCCESS;
            }
            Some(flag @ ("-o" | "--output" | "--agree")) => {
                let Some(value) = it.next() else {
                    eprint!("jiuzhu-peer: {flag} needs a value\n\n{USAGE}");
                    return ExitCode::from(2);
                };
                if flag == "--agree" {
                    agree = Some(value);
                } else {
                    output = (value != "-").then_some(value);
                }
            }
            Some(t) if t.starts_with('-') && t != "-" => {
                eprint!("jiuzhu-peer: unexpected argument '{t}'\n\n{USAGE}");
                return ExitCode::from(2);
            }
            _ if input.is_none() => input = Some(arg),
            _ => {
                eprint!("jiuzhu-peer: only one INPUT\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(input) = input else {
        eprint!("jiuzhu-peer: INPUT is required\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let result = match &agree {
        Some(check) => compare(&input, check),
        None => run(&input, output.as_ref()),
    };
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(rows) => {
            if agree.is_none() {
                let mb = fs::metadata(&input).map_or(0, |m| m.len()) as f64 / 1e6;
                let rate = |x: f64| if seconds > 0.0 { x / seconds } else { 0.0 };
                eprintln!(
                    "jiuzhu-peer: {rows} rows in {seconds:.3} s: {:.0} rows/s, {:.1} MB/s (input {mb:.1} MB)",
                    rate(rows as f64),
                    rate(mb)
                );
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Open(m)) => {
            eprintln!("jiuzhu-peer: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Process(m)) => {
            eprintln!("jiuzhu-peer: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Disagree) => ExitCode::from(1),
    }
}

fn reader(path: &OsString) -> Result<csv::Reader<File>, Failure> {
    let file = File::open(path)
        .map_err(|e| Failure::Open(format!("cannot open {}: {e}", path.to_string_lossy())))?;
    Ok(csv::ReaderBuilder::new()
        .buffer_capacity(BUFFER)
        .from_reader(file))
}

/// Calls `each` with every household's id and outcome, in roster order.
fn decide_all(
    path: &OsString,
    mut each: impl FnMut(&str, Outcome) -> Result<(), Failure>,
) -> Result<u64, Failure> {
    let name = path.to_string_lossy();
    let mut rdr = reader(path)?;
    let failed = |e: csv::Error| Failure::Process(format!("cannot read {name}: {e}"));
    let headers = rdr.headers().map_err(failed)?.clone();
    let mut record = csv::StringRecord::new();
    let mut rows = 0u64;
    while rdr.read_record(&mut record).map_err(failed)? {
        rows += 1;
        match record.deserialize::<Row>(Some(&headers)) {
            Ok(r) => each(r.household_id, decide(&r))?,
            Err(_) => each(record.get(0).unwrap_or(""), Outcome::undecided())?,
        }
    }
    Ok(rows)
}

fn run(input: &OsString, output: Option<&OsString>) -> Result<u64, Failure> {
    let sink: Box<dyn Write> =
        match output {
            None => Box::new(io::stdout().lock()),
            Some(p) => Box::new(File::create(p).map_err(|e| {
                Failure::Open(format!("cannot create {}: {e}", p.to_string_lossy()))
            })?),
        };
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(BUFFER)
        .from_writer(sink);
    let wfail = |e: csv::Error| Failure::Process(format!("cannot write: {e}"));
    w.write_record([
        "household_id",
        "decision",
        "per_capita_income",
        "monthly_total",
    ])
    .map_err(wfail)?;
    let rows = decide_all(input, |id, o| {
        w.write_record([id, o.decision, &text(o.per_capita), &text(o.total)])
            .map_err(wfail)
    })?;
    w.flush()
        .map_err(|e| Failure::Process(format!("cannot write: {e}")))?;
    Ok(rows)
}

/// Compares the peer's decisions on `input` with `check`'s output for it, row by row.
fn compare(input: &OsString, check: &OsString) -> Result<u64, Failure> {
    let name = check.to_string_lossy().into_owned();
    let mut rdr = reader(check)?;
    let failed = |e: csv::Error| Failure::Process(format!("cannot read {name}: {e}"));
    let headers = rdr.headers().map_err(failed)?.clone();
    let col = |h: &str| {
        headers
            .iter()
            .position(|x| x == h)
            .ok_or_else(|| Failure::Process(format!("{name} has no column {h}")))
    };
    let (id_col, dec_col, pc_col, total_col) = (
        col("household_id")?,
        col("decision")?,
        col("per_capita_income")?,
        col("monthly_total")?,
    );
    let mut records = rdr.into_records();
    let (mut both, mut differ, mut peer_only, mut check_only) = (0u64, 0u64, 0u64, 0u64);
    let mut by_kind: std::collections::BTreeMap<String, u64> = Default::default();
    let rows = decide_all(input, |id, o| {
        let rec = records
            .next()
            .ok_or_else(|| Failure::Process(format!("{name} has fewer rows than the roster")))?
            .map_err(failed)?;
        let (cid, cdec, cpc, ctotal) = (
            rec.get(id_col).unwrap_or(""),
            rec.get(dec_col).unwrap_or(""),
            rec.get(pc_col).unwrap_or(""),
            rec.get(total_col).unwrap_or(""),
        );
        if cid != id {
            return Err(Failure::Process(format!(
                "{name}: household {cid} where the roster has {id}"
            )));
        }
        let check_decided = !matches!(cdec, "invalid" | "undetermined");
        match (o.total.is_some(), check_decided) {
            (true, true) => {
                both += 1;
                let (ppc, ptotal) = (text(o.per_capita), text(o.total));
                if o.decision != cdec || ptotal != ctotal || ppc != cpc {
                    differ += 1;
                    *by_kind
                        .entry(format!("{cdec} -> {}", o.decision))
                        .or_default() += 1;
                    if differ <= 5 {
                        eprintln!(
                            "  {id}: check {cdec} {cpc} {ctotal}, peer {} {ppc} {ptotal}",
                            o.decision
                        );
                    }
                }
            }
            (true, false) => peer_only += 1,
            (false, true) => check_only += 1,
            (false, false) => {}
        }
        Ok(())
    })?;
    println!(
        "agreement: {rows} rows; both decide {both}; differ in decision, per_capita_income or \
         monthly_total: {differ}; \
         decided by the peer only: {peer_only}; by check only: {check_only}"
    );
    for (kind, n) in &by_kind {
        println!("  check -> peer {kind}: {n}");
    }
    if differ > 0 {
        return Err(Failure::Disagree);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decides one roster line (under the header below) and shows the result as written.
    fn decided(line: &str) -> (String, String, String) {
        let header = csv::StringRecord::from(vec![
            "household_id",
            "region",
            "residence",
            "members",
            "monthly_income",
            "exempt_income",
            "employment_income",
            "status",
            "elderly",
            "care_level",
            "institutional",
            "exit_start",
            "last_grant",
        ]);
        let record = csv::StringRecord::from(line.split(',').collect::<Vec<_>>());
        let row: Row = record.deserialize(Some(&header)).expect("row");
        let o = decide(&row);
        (o.decision.to_string(), text(o.per_capita), text(o.total))
    }

    // Each expectation is what `jiuzhu check -p policies/lanzhou-2022.toml --month 2022-12`
    // gives for the same line.
    #[test]
    fn decides_as_check_does() {
        let d = |dec: &str, pc: &str, total: &str| (dec.into(), pc.into(), total.into());
        // gap 3 × 914 − 1000 = 1742, one elderly person 10% × 914 → 91
        assert_eq!(
            decided("A,620102,urban,3,1000,,,none,1,,,,"),
            d("dibao", "333.33", "1833.00")
        );
        // 特困: ⌈1.3 × 914⌉ = 1189, care 18% × 1670 × 1.5 = 450.9 → 451, × 2
        assert_eq!(
            decided("B,620102,urban,2,,,,tekun,,partial,yes,,"),
            d("tekun", "", "3280.00")
        );
        // earnings 2000 less 30%: counted 1400, 700 a head, above 439; exit month 4 of 6: 0.8 × 300
        assert_eq!(
            decided("C,620121,rural,2,2000,,2000,dibao,,,,2022-09,300"),
            d("gradual_exit", "700.00", "240.00")
        );
        assert_eq!(
            decided("E,620121,rural,2,1000,,,none,,,,,"),
            d("edge", "500.00", "0.00")
        );
        assert_eq!(
            decided("D,999999,urban,1,1,,,none,,,,,"),
            d("undecided", "", "")
        );
    }
}
