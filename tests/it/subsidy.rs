//! `jiuzhu subsidy` end to end: the published cases of the bundled policies, the month view on
//! the bundled national series, households and totals, and the errors.

use crate::workdir::{Run, Workdir};

/// The column `name` of a CSV header.
fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

/// The rows whose columns have the given values.
fn find<'a>(rows: &'a [Vec<String>], want: &[(&str, &str)]) -> Vec<&'a Vec<String>> {
    let idx: Vec<(usize, &str)> = want.iter().map(|(k, v)| (col(rows, k), *v)).collect();
    rows[1..]
        .iter()
        .filter(|r| idx.iter().all(|(i, v)| r[*i] == *v))
        .collect()
}

/// The single row with the given values.
fn one<'a>(rows: &'a [Vec<String>], want: &[(&str, &str)]) -> &'a Vec<String> {
    let found = find(rows, want);
    assert_eq!(found.len(), 1, "rows matching {want:?}: {found:?}");
    found[0]
}

fn value<'a>(rows: &'a [Vec<String>], want: &[(&str, &str)], column: &str) -> &'a str {
    &one(rows, want)[col(rows, column)]
}

const ROSTER_HEADER: &str =
    "household_id,region,residence,members,monthly_income,status,categories\n";

fn demo() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("examples/subsidy-demo.toml", "policy.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    w
}

fn subsidy(w: &Workdir, extra: &[&str]) -> Run {
    let mut args = vec!["subsidy", "-p", "policy.toml", "--index", "cpi.csv"];
    args.extend_from_slice(extra);
    w.run(&args)
}

#[test]
fn nanjing_2016_pays_one_twelfth_of_the_standard_unrounded() {
    // Published: Nanjing October 2016 CPI +3.2% → 62.5 a person, 187.5 for a family of three.
    let w = Workdir::new();
    w.copy_repo_file("policies/jiangsu-nanjing-2016.toml", "policy.toml");
    w.write("cpi.csv", "month,cpi,food\n2016-10,3.2,\n");
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}N1,320102,urban,3,600,dibao,\n"),
    );
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let urban = [
        ("index_month", "2016-10"),
        ("group", "dibao"),
        ("residence", "urban"),
    ];
    assert_eq!(value(&rows, &urban, "per_person"), "62.50");
    assert_eq!(value(&rows, &urban, "pay_month"), "2016-11");
    assert_eq!(value(&rows, &urban, "trigger"), "cpi");
    let r = subsidy(&w, &["--format", "csv", "roster.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let n1 = one(&rows, &[("household_id", "N1")]);
    assert_eq!(n1[col(&rows, "amount")], "187.50");
    assert_eq!(n1[col(&rows, "pay_month")], "2016-11");
    assert_eq!(n1[col(&rows, "persons")], "3");
}

#[test]
fn jiangsu_bands_at_a_standard_of_900_and_their_edges() {
    // Jiangsu's band_share: standard 900 at CPI 3.3% → 75; at 5.3% → 112.5. Edges: 3.0 fires and
    // is in
    // the first band, 5.0 is in the second, 2.9 does not fire.
    let w = Workdir::new();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/jiangsu-nanjing-2016.toml"
    ))
    .unwrap()
    .replace("urban = 750", "urban = 900")
    .replace("rural = 750", "rural = 900");
    w.write("policy.toml", text);
    w.write(
        "cpi.csv",
        "month,cpi,food\n2017-01,3.3,1\n2017-02,5.3,1\n2017-03,3.0,1\n2017-04,5.0,1\n2017-05,2.9,9\n",
    );
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let pp = |m: &str| {
        value(
            &rows,
            &[
                ("index_month", m),
                ("group", "dibao"),
                ("residence", "rural"),
            ],
            "per_person",
        )
        .to_string()
    };
    assert_eq!(pp("2017-01"), "75.00");
    assert_eq!(pp("2017-02"), "112.50");
    assert_eq!(pp("2017-03"), "75.00");
    assert_eq!(pp("2017-04"), "112.50");
    assert_eq!(pp("2017-05"), "0.00");
    let may = [
        ("index_month", "2017-05"),
        ("group", "dibao"),
        ("residence", "urban"),
    ];
    assert_eq!(value(&rows, &may, "triggered"), "false");
    assert_eq!(value(&rows, &may, "trigger"), "none");
}

#[test]
fn rizhao_2019_scpi_times_the_standard_to_the_yuan() {
    // Published: July 2019, urban 590 × 4.2% = 24.78 → 25, rural 470 × 4.2% = 19.74 → 20;
    // August at 4%: 23.6 → 24 and 18.8 → 19. (August's food value here is illustrative: the
    // report says only that the mechanism ran in August too.)
    let w = Workdir::new();
    w.copy_repo_file("policies/rizhao-2019.toml", "policy.toml");
    w.write(
        "cpi.csv",
        "month,cpi,food,scpi\n2019-07,2.8,8.3,4.2\n2019-08,2.9,10.0,4.0\n",
    );
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}R1,371102,urban,2,0,dibao,\nR2,371102,rural,1,0,tekun,\nR3,371102,rural,4,100,dibao,\n"),
    );
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let pp = |m: &str, g: &str, res: &str| {
        value(
            &rows,
            &[("index_month", m), ("group", g), ("residence", res)],
            "per_person",
        )
        .to_string()
    };
    assert_eq!(pp("2019-07", "dibao", "urban"), "25.00");
    assert_eq!(pp("2019-07", "dibao", "rural"), "20.00");
    assert_eq!(pp("2019-07", "tekun", "rural"), "20.00");
    assert_eq!(pp("2019-08", "dibao", "urban"), "24.00");
    assert_eq!(pp("2019-08", "dibao", "rural"), "19.00");
    let july = [
        ("index_month", "2019-07"),
        ("group", "dibao"),
        ("residence", "urban"),
    ];
    assert_eq!(value(&rows, &july, "index_used"), "scpi");
    assert_eq!(value(&rows, &july, "trigger"), "food");
    assert_eq!(value(&rows, &july, "standard"), "590.00");
    let r = subsidy(&w, &["--format", "csv", "roster.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let amount = |h: &str, m: &str| {
        value(&rows, &[("household_id", h), ("index_month", m)], "amount").to_string()
    };
    assert_eq!(amount("R1", "2019-07"), "50.00");
    assert_eq!(amount("R2", "2019-07"), "20.00");
    assert_eq!(amount("R3", "2019-08"), "76.00");
}

#[test]
fn guangzhou_2020_doubles_the_base() {
    // Published: Guangzhou 2020-06, base 107 per person, doubled to 214.
    let w = Workdir::new();
    w.copy_repo_file("policies/guangzhou-2020.toml", "policy.toml");
    w.write("cpi.csv", "month,cpi,food\n2020-06,2.5,11.1\n");
    let r = subsidy(&w, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let rows = v["rows"].as_array().unwrap();
    let dibao = rows
        .iter()
        .find(|r| r["group"] == "dibao" && r["residence"] == "urban")
        .unwrap();
    assert_eq!(dibao["per_person"], "214.00");
    assert_eq!(dibao["triggered"], true);
    assert_eq!(v["months"][0]["urban_per_person"], "214.00");
    assert_eq!(
        v["policy"],
        "广州市价格临时补贴（2020 年 6 月，阶段性加倍）"
    );
    // a triggered month with no formula in force stops: never a guessed amount
    w.write("cpi.csv", "month,cpi,food\n2020-07,2.7,13.2\n");
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("price_subsidy.formula") && r.stderr.contains("2020-07"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn the_bundled_series_crosses_the_thresholds_and_the_2022_window() {
    let w = demo();
    let r = subsidy(
        &w,
        &["--from", "2022-06", "--to", "2023-03", "--format", "csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(
        &rows[0][..13],
        [
            "index_month",
            "pay_month",
            "triggered",
            "trigger",
            "cpi",
            "food",
            "scpi",
            "cpi_threshold",
            "food_threshold",
            "group",
            "area",
            "residence",
            "per_person"
        ]
    );
    let at = |m: &str, g: &str, area: &str, res: &str, c: &str| {
        value(
            &rows,
            &[
                ("index_month", m),
                ("group", g),
                ("area", area),
                ("residence", res),
            ],
            c,
        )
        .to_string()
    };
    // 2022-06: food 2.9 — not triggered
    assert_eq!(
        at("2022-06", "dibao", "city", "urban", "triggered"),
        "false"
    );
    // 2022-07: food 6.3 ≥ 6 before the window: national CPI threshold 3.5, edge not covered
    assert_eq!(at("2022-07", "dibao", "city", "urban", "trigger"), "food");
    assert_eq!(
        at("2022-07", "dibao", "city", "urban", "cpi_threshold"),
        "3.5"
    );
    assert_eq!(at("2022-07", "edge", "city", "urban", "covered"), "false");
    assert_eq!(at("2022-07", "edge", "city", "urban", "per_person"), "0.00");
    // 914 × 6.3% = 57.582 → 58; rural 439 × 6.3% = 27.657 → 28
    assert_eq!(
        at("2022-07", "dibao", "city", "urban", "per_person"),
        "58.00"
    );
    assert_eq!(
        at("2022-07", "dibao", "city", "rural", "per_person"),
        "28.00"
    );
    // inside the window: CPI threshold 3.0, edge and unemployment_subsidy covered
    assert_eq!(
        at("2022-08", "dibao", "city", "urban", "cpi_threshold"),
        "3.0"
    );
    assert_eq!(
        at("2022-08", "edge", "county", "urban", "per_person"),
        "42.00"
    );
    assert_eq!(
        at(
            "2022-09",
            "unemployment_subsidy",
            "city",
            "rural",
            "per_person"
        ),
        "80.00"
    );
    assert_eq!(
        at("2022-09", "youfu", "county", "rural", "per_person"),
        "60.00"
    );
    // 2022-11 food 3.7: no carry-over from October
    assert_eq!(
        at("2022-11", "dibao", "city", "urban", "triggered"),
        "false"
    );
    // 2023-01 food 6.2 triggers inside the window; 2023-03 after it
    assert_eq!(at("2023-01", "edge", "city", "urban", "covered"), "true");
    assert_eq!(at("2023-03", "edge", "city", "urban", "covered"), "false");
    assert_eq!(
        at("2023-03", "dibao", "city", "urban", "cpi_threshold"),
        "3.5"
    );
    // one row per month, area, group and residence: 10 months × 2 areas × 9 groups × 2
    assert_eq!(rows.len(), 1 + 10 * 2 * 9 * 2);
    assert!(
        r.stderr
            .contains("2022-07、2022-08、2022-09、2022-10、2023-01"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_table_reads_month_by_month() {
    let w = demo();
    let r = subsidy(
        &w,
        &["--from", "2022-01", "--to", "2022-12", "--format", "table"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("| 2022-"))
        .collect();
    assert_eq!(lines.len(), 12, "one line per index month:\n{}", r.stdout);
    let sep = lines[8];
    assert!(
        sep.contains("2022-09") && sep.contains("2022-10") && sep.contains("启动（食品）"),
        "{sep}"
    );
    assert!(
        sep.contains("80.00") && sep.contains("39.00") && sep.contains("60.00"),
        "{sep}"
    );
    assert!(lines[10].contains("未启动"), "{}", lines[10]);
    assert!(
        r.stdout.contains("五区城市") && r.stdout.contains("三县农村"),
        "{}",
        r.stdout
    );
    let r = subsidy(
        &w,
        &[
            "--from", "2022-09", "--to", "2022-09", "--format", "table", "--lang", "en",
        ],
    );
    assert!(r.stdout.contains("triggered (food)"), "{}", r.stdout);
}

#[test]
fn a_month_without_a_row_is_undetermined_never_not_triggered() {
    let w = demo();
    let series = w.read("cpi.csv");
    let without_october: String = series
        .lines()
        .filter(|l| !l.starts_with("2022-10"))
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("cpi.csv", without_october);
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}H1,620102,urban,2,100,dibao,\n"),
    );
    let r = subsidy(
        &w,
        &["--from", "2022-09", "--to", "2022-11", "--format", "csv"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let oct = [
        ("index_month", "2022-10"),
        ("group", "dibao"),
        ("area", "city"),
        ("residence", "urban"),
    ];
    assert_eq!(value(&rows, &oct, "month_status"), "missing");
    assert_eq!(value(&rows, &oct, "triggered"), "");
    assert_eq!(value(&rows, &oct, "per_person"), "");
    assert!(
        r.stderr.contains("2022-10") && r.stderr.contains("待定 1 个月"),
        "{}",
        r.stderr
    );
    let r = subsidy(
        &w,
        &[
            "--from",
            "2022-09",
            "--to",
            "2022-11",
            "--format",
            "csv",
            "roster.csv",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let h = [("household_id", "H1"), ("index_month", "2022-10")];
    assert_eq!(value(&rows, &h, "outcome"), "missing_index");
    assert_eq!(value(&rows, &h, "amount"), "");
    assert_eq!(
        value(
            &rows,
            &[("household_id", "H1"), ("index_month", "2022-09")],
            "amount"
        ),
        "160.00"
    );
    assert_eq!(
        value(
            &rows,
            &[("household_id", "H1"), ("index_month", "2022-11")],
            "outcome"
        ),
        "not_triggered"
    );
    // an empty value the trigger needs is undetermined too
    w.write("cpi.csv", "month,cpi,food\n2022-09,2.8,\n");
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 1);
    let rows = r.csv();
    assert_eq!(
        value(
            &rows,
            &[("group", "dibao"), ("area", "city"), ("residence", "urban")],
            "month_status"
        ),
        "incomplete"
    );
}

#[test]
fn households_and_totals_reconcile_exactly() {
    let w = demo();
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    let r = subsidy(
        &w,
        &[
            "--from",
            "2022-06",
            "--to",
            "2022-12",
            "--format",
            "json",
            "roster.csv",
        ],
    );
    assert_eq!(
        r.code, 1,
        "the bundled roster has an invalid row: {}",
        r.stderr
    );
    let v = r.json();
    let households = v["households"].as_array().unwrap();
    // every roster row comes out once per index month
    assert_eq!(households.len(), 12 * 7);
    let cents = |s: &str| -> i64 {
        let (a, b) = s.split_once('.').unwrap();
        a.parse::<i64>().unwrap() * 100 + b.parse::<i64>().unwrap()
    };
    let mut by_month: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for h in households {
        if h["outcome"] == "paid" {
            let m = h["pay_month"].as_str().unwrap().to_string();
            let g = h["group"].as_str().unwrap().to_string();
            let a = cents(h["amount"].as_str().unwrap());
            // amount = per person × persons, to the fen
            let pp = cents(h["per_person"].as_str().unwrap());
            assert_eq!(
                a,
                pp * h["persons"].as_str().unwrap().parse::<i64>().unwrap()
            );
            *by_month.entry((m.clone(), g)).or_default() += a;
            *by_month.entry((m, "all".into())).or_default() += a;
        }
    }
    let totals = v["totals"].as_array().unwrap();
    assert_eq!(totals.len(), by_month.len());
    for t in totals {
        let key = (
            t["pay_month"].as_str().unwrap().to_string(),
            t["group"].as_str().unwrap().to_string(),
        );
        assert_eq!(
            by_month[&key],
            cents(t["amount"].as_str().unwrap()),
            "{key:?}"
        );
    }
    // hand-checked: H001 (city, urban, 3, 低保) index 2022-09 → 914 × 8.8% → 80 × 3 = 240, paid
    // 2022-10
    let h1 = households
        .iter()
        .find(|h| h["household_id"] == "H001" && h["index_month"] == "2022-09")
        .unwrap();
    assert_eq!(
        (h1["amount"].as_str(), h1["pay_month"].as_str()),
        (Some("240.00"), Some("2022-10"))
    );
    // H003 (county, rural, 4, 低保 + 优抚): 优抚 on the county's urban standard 687 × 8.8% → 60 beats
    // rural 39
    let h3 = households
        .iter()
        .find(|h| h["household_id"] == "H003" && h["index_month"] == "2022-09")
        .unwrap();
    assert_eq!(
        (h3["group"].as_str(), h3["amount"].as_str()),
        (Some("youfu"), Some("240.00"))
    );
    // H006's gradual exit starts 2022-09: before it, enrolled but over the standard (to review)
    let h6 = |m: &str| {
        households
            .iter()
            .find(|h| h["household_id"] == "H006" && h["index_month"] == m)
            .unwrap()["outcome"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(h6("2022-08"), "not_covered");
    assert_eq!(h6("2022-09"), "paid");
    // H007 (低保边缘) is covered in the 2022 window only
    let h7 = households
        .iter()
        .find(|h| h["household_id"] == "H007" && h["index_month"] == "2022-07")
        .unwrap();
    assert_eq!(h7["outcome"], "not_covered");
    assert!(
        households
            .iter()
            .filter(|h| h["household_id"] == "H010")
            .all(|h| h["outcome"] == "invalid" && h["amount"] == "")
    );
    let all_oct = totals
        .iter()
        .find(|t| t["pay_month"] == "2022-10" && t["group"] == "all")
        .unwrap();
    assert_eq!(all_oct["amount"], "1159.00");
    // the same totals through --totals
    let r = subsidy(
        &w,
        &[
            "--from",
            "2022-06",
            "--to",
            "2022-12",
            "--format",
            "csv",
            "-o",
            "out.csv",
            "--totals",
            "totals.csv",
            "roster.csv",
        ],
    );
    assert_eq!(r.code, 1);
    let totals_csv = w.read("totals.csv");
    assert!(
        totals_csv.starts_with("pay_month,group,households,persons,amount\n"),
        "{totals_csv}"
    );
    assert!(
        totals_csv.contains("2022-10,all,7,16,1159.00"),
        "{totals_csv}"
    );
    assert!(w.read("out.csv").lines().count() == 1 + 12 * 7);
}

#[test]
fn index_lag_shifts_the_pay_month_and_the_index_month_sets_the_standard() {
    let w = Workdir::new();
    w.write(
        "policy.toml",
        r#"[policy]
name = "lag"
[[dibao.standard]]
from = "2022-01"
urban = 1000
rural = 600
[[dibao.standard]]
from = "2022-10"
urban = 2000
rural = 1200
[price_subsidy]
index_lag = 2
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "proportional"
round = "yuan"
floor = 20
[price_subsidy.groups]
dibao = "own"
"#,
    );
    w.write(
        "cpi.csv",
        "month,cpi,food\n2022-09,2.8,8.8\n2022-10,2.1,4.5\n2022-11,4.5,1.0\n",
    );
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}L1,x,urban,1,0,dibao,\n"),
    );
    let r = subsidy(&w, &["--format", "csv", "roster.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    // index 2022-09 is paid in 2022-11 at the standard of 2022-09 (1000, not the 2000 in
    // force when it is paid): 1000 × 8.8% = 88
    let sep = one(&rows, &[("index_month", "2022-09")]);
    assert_eq!(
        (
            sep[col(&rows, "pay_month")].as_str(),
            sep[col(&rows, "amount")].as_str()
        ),
        ("2022-11", "88.00")
    );
    // 2022-11: CPI 4.5 → 2000 × 4.5% = 90, paid 2023-01
    let nov = one(&rows, &[("index_month", "2022-11")]);
    assert_eq!(
        (
            nov[col(&rows, "pay_month")].as_str(),
            nov[col(&rows, "amount")].as_str()
        ),
        ("2023-01", "90.00")
    );
    // the month view too
    let r = subsidy(
        &w,
        &["--format", "csv", "--from", "2022-10", "--to", "2022-10"],
    );
    let rows = r.csv();
    assert_eq!(
        value(&rows, &[("residence", "urban")], "pay_month"),
        "2022-12"
    );
}

#[test]
fn rounding_midpoints_go_up_and_the_floor_lifts_small_amounts() {
    let w = Workdir::new();
    w.write(
        "policy.toml",
        r#"[policy]
name = "round"
[[dibao.standard]]
from = "2022-01"
urban = 500
rural = 100
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
cpi = 3.5
[[price_subsidy.formula]]
from = "2016-08"
mode = "proportional"
index = "cpi"
round = "yuan"
floor = 10
[price_subsidy.groups]
dibao = "own"
"#,
    );
    // 500 × 4.5% = 22.5 → 23 (never 22 by rounding to even); rural 100 × 4.5% = 4.5 → 5 → floor 10
    w.write("cpi.csv", "month,cpi,food\n2022-01,4.5,0\n");
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(
        value(&rows, &[("residence", "urban")], "per_person"),
        "23.00"
    );
    assert_eq!(
        value(&rows, &[("residence", "rural")], "per_person"),
        "10.00"
    );
}

#[test]
fn per_point_and_fixed_band_modes_through_the_binary() {
    let w = Workdir::new();
    let policy = |formula: &str| {
        format!(
            "[policy]\nname = \"m\"\n[[dibao.standard]]\nfrom = \"2022-01\"\nurban = 900\nrural = 600\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\nscpi = 3.0\n[[price_subsidy.formula]]\nfrom = \"2016-08\"\nindex = \"scpi\"\n{formula}\n[price_subsidy.groups]\ndibao = \"own\"\n"
        )
    };
    w.write(
        "cpi.csv",
        "month,cpi,food,scpi\n2022-01,1,1,3.2\n2022-02,1,1,3.0\n2022-03,1,1,2.99\n",
    );
    // Qingdao-style: 5 yuan for each started point of SCPI: 3.2% → 4 points → 20
    w.write("policy.toml", policy("mode = \"per_point\"\nper_point = 5"));
    let rows = subsidy(&w, &["--format", "csv"]).csv();
    let pp = |rows: &[Vec<String>], m: &str, res: &str| {
        value(
            rows,
            &[("index_month", m), ("residence", res)],
            "per_person",
        )
        .to_string()
    };
    assert_eq!(pp(&rows, "2022-01", "urban"), "20.00");
    assert_eq!(pp(&rows, "2022-02", "urban"), "15.00");
    assert_eq!(pp(&rows, "2022-03", "urban"), "0.00");
    w.write(
        "policy.toml",
        policy("mode = \"fixed_band\"\nbands = [{ at = 3.0, urban = 30, rural = 27 }, { at = 3.1, urban = 40, rural = 36 }]"),
    );
    let rows = subsidy(&w, &["--format", "csv"]).csv();
    assert_eq!(pp(&rows, "2022-01", "rural"), "36.00");
    assert_eq!(pp(&rows, "2022-02", "rural"), "27.00");
    assert_eq!(pp(&rows, "2022-02", "urban"), "30.00");
}

#[test]
fn broken_index_files_stop_the_run_and_write_nothing() {
    let w = demo();
    w.write(
        "cpi.csv",
        "month,cpi,food\n2022-09,2.8,8.8\n2022-10,2.1,7.0\n2022-09,2.9,8.8\n",
    );
    let r = subsidy(&w, &["--format", "csv", "-o", "out.csv", "--lang", "en"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line 4") && r.stderr.contains("line 2") && r.stderr.contains("2022-09"),
        "{}",
        r.stderr
    );
    assert!(
        !w.file("out.csv").exists(),
        "nothing is written on a fatal error"
    );
    w.write(
        "cpi.csv",
        "month,cpi,food\n2022-09,2.8,8,8\n2022-10,2.1,高\n",
    );
    let r = subsidy(&w, &["--format", "csv", "--lang", "en"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line 3") && r.stderr.contains("column food") && r.stderr.contains("高"),
        "{}",
        r.stderr
    );
    w.write("cpi.csv", "month,cpi\n2022-09,2.8\n");
    let r = subsidy(&w, &["--format", "csv", "--lang", "en"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no column food"), "{}", r.stderr);
    w.write("cpi.csv", "month,cpi,food,area\n2022-09,2.8,8.8,五区\n");
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("五区") && r.stderr.contains("city, county"),
        "{}",
        r.stderr
    );
    let r = subsidy(&w, &["--from", "2022-10", "--to", "2022-09"]);
    assert_eq!(r.code, 2);
    assert!(
        w.run(&["subsidy", "-p", "policy.toml", "--index", "nope.csv"])
            .code
            == 2
    );
}

#[test]
fn a_policy_without_price_subsidy_is_refused() {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.copy_repo_file("examples/cpi.csv", "cpi.csv");
    let r = subsidy(&w, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("[price_subsidy]"), "{}", r.stderr);
}

#[test]
fn per_area_series_use_the_areas_own_rows() {
    let w = demo();
    w.write(
        "cpi.csv",
        "month,cpi,food,area\n2022-09,2.8,5.0,\n2022-09,2.8,6.5,county\n",
    );
    let r = subsidy(&w, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let t = |area: &str| {
        value(
            &rows,
            &[("group", "dibao"), ("area", area), ("residence", "urban")],
            "triggered",
        )
        .to_string()
    };
    assert_eq!(t("city"), "false");
    assert_eq!(t("county"), "true");
    // areas differ: the table gives each area its own line
    let r = subsidy(&w, &["--format", "table"]);
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("| 2022-09"))
            .count(),
        2,
        "{}",
        r.stdout
    );
}

#[test]
fn explain_shows_the_price_subsidy_paid_in_the_month() {
    let w = demo();
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    let explain = |month: &str, lang: &str| {
        w.run(&[
            "explain",
            "-p",
            "policy.toml",
            "roster.csv",
            "--household",
            "H003",
            "--month",
            month,
            "--index",
            "cpi.csv",
            "--format",
            "table",
            "--lang",
            lang,
        ])
    };
    // paid in 2022-10 for index month 2022-09: 优抚 on the county's urban standard, 687 × 8.8%
    let r = explain("2022-10", "zh");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2022-10 发放，指数月份 2022-09"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("687.00 × CPI 食品 8.8% = 60.456"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("每人 60.00 元 × 4 人 = 240.00 元"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("指数文件第 22 行"), "{}", r.stdout);
    assert!(
        r.stdout.contains("ndrc-2022"),
        "the threshold cites its source: {}",
        r.stdout
    );
    let r = explain("2022-12", "en");
    assert!(r.stdout.contains("not triggered"), "{}", r.stdout);
    let r = w.run(&[
        "explain",
        "-p",
        "policy.toml",
        "roster.csv",
        "--household",
        "H003",
        "--month",
        "2022-10",
        "--index",
        "cpi.csv",
        "--format",
        "json",
    ]);
    let v = r.json();
    assert_eq!(v["price_subsidy"]["amount"], "240.00");
    assert_eq!(v["price_subsidy"]["group"], "youfu");
    assert_eq!(v["price_subsidy"]["index_month"], "2022-09");
    // a pay month whose index month has no row: undetermined, exit 1
    let r = explain("2023-08", "zh");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("待定"), "{}", r.stdout);
}

#[test]
fn the_index_can_come_from_stdin() {
    let w = demo();
    let series = w.read("cpi.csv");
    let r = w.run_with_stdin(
        &[
            "subsidy",
            "-p",
            "policy.toml",
            "--index",
            "-",
            "--from",
            "2022-09",
            "--to",
            "2022-09",
            "--format",
            "csv",
        ],
        Some(series.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2022-09,2022-10,true,food,2.8,8.8"),
        "{}",
        r.stdout
    );
    let r = w.run(&["subsidy", "-p", "policy.toml", "--index", "-", "-"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("stdin"), "{}", r.stderr);
}

/// The shaded bands of an index chart, as (x, width) in SVG pixels, left to right: rectangles
/// of `fill` as tall as the plot (the legend's swatch of the same colour is a few pixels high).
fn bands(svg: &str, fill: &str) -> Vec<(i64, i64)> {
    let attr = |rect: &str, name: &str| -> i64 {
        let start = rect.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        rect[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut out: Vec<(i64, i64)> = svg
        .split("<rect")
        .skip(1)
        .filter(|r| r.contains(&format!("fill=\"{fill}\"")) && attr(r, "height") > 100)
        .map(|r| (attr(r, "x"), attr(r, "width")))
        .collect();
    out.sort();
    out
}

/// Whether the SVG has a text element reading exactly `text`.
fn has_text(svg: &str, text: &str) -> bool {
    svg.lines().any(|l| l.trim() == text)
}

const TRIGGERED_FILL: &str = "#F5C6C0";
const MISSING_FILL: &str = "#C8C8C8";

#[test]
fn the_chart_shades_each_triggered_month_against_the_thresholds_in_force() {
    let w = demo();
    let r = subsidy(
        &w,
        &[
            "--from", "2022-06", "--to", "2023-02", "--chart", "cpi.svg", "-o", "out.csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(w.file("out.csv").exists());
    let svg = w.read("cpi.svg");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // 2022-06..2023-02 is nine months; 2022-07..2022-10 and 2023-01 fired (food ≥ 6.0).
    let b = bands(&svg, TRIGGERED_FILL);
    assert_eq!(b.len(), 5, "one band per triggered month: {b:?}");
    // Months from the first band: the offset over the mean band width, to the nearest whole
    // month in integers (bands are 28 or 29 pixels wide).
    let (widths, n) = (b.iter().map(|(_, w)| *w).sum::<i64>(), b.len() as i64);
    let months_from_first: Vec<i64> = b
        .iter()
        .map(|(x, _)| (2 * (x - b[0].0) * n + widths) / (2 * widths))
        .collect();
    assert_eq!(
        months_from_first,
        [0, 1, 2, 3, 6],
        "2022-07..10 side by side, then 2023-01: {b:?}"
    );
    assert!(bands(&svg, MISSING_FILL).is_empty());
    for name in [
        "CPI",
        "食品 CPI",
        "CPI 启动条件",
        "食品 CPI 启动条件",
        "启动月份（5 个月）",
    ] {
        assert!(has_text(&svg, name), "legend {name}");
    }
    // The CPI threshold steps from 3.5 to 3.0 with the 2022-08 window; food stays at 6.0.
    for step in ["≥3.5", "≥3.0", "≥6.0"] {
        assert!(has_text(&svg, step), "threshold label {step}");
    }
    assert!(svg.contains("2022-06..2023-02"), "the range in the title");
    // No SCPI line: the demo's triggers and formula do not use it.
    assert!(!has_text(&svg, "SCPI"));

    let r = subsidy(
        &w,
        &[
            "--from", "2022-06", "--to", "2023-02", "--chart", "en.svg", "--lang", "en", "-o",
            "out.csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = w.read("en.svg");
    for name in [
        "CPI food",
        "CPI threshold",
        "CPI food threshold",
        "triggered (5 months)",
    ] {
        assert!(has_text(&svg, name), "legend {name}");
    }
}

#[test]
fn the_chart_draws_an_scpi_the_formula_reads_and_comes_with_a_roster() {
    let w = Workdir::new();
    w.copy_repo_file("policies/rizhao-2019.toml", "policy.toml");
    w.write(
        "cpi.csv",
        "month,cpi,food,scpi\n2019-06,2.7,5.9,3.0\n2019-07,2.8,9.1,4.2\n2019-08,2.8,10.0,4.0\n",
    );
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}R1,371102,urban,2,100,dibao,\n"),
    );
    let r = subsidy(&w, &["--chart", "rz.svg", "--format", "csv", "roster.csv"]);
    assert!(r.code <= 1, "{}", r.stderr);
    let svg = w.read("rz.svg");
    assert!(has_text(&svg, "SCPI"), "the formula reads SCPI");
    assert!(
        !has_text(&svg, "SCPI 启动条件"),
        "SCPI has no threshold here"
    );
    assert_eq!(bands(&svg, TRIGGERED_FILL).len(), 2, "2019-07 and 2019-08");
}

#[test]
fn a_month_without_an_index_row_is_shaded_grey_not_left_as_not_triggered() {
    let w = demo();
    let series: String = w
        .read("cpi.csv")
        .lines()
        .filter(|l| !l.starts_with("2022-10"))
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("cpi.csv", series);
    let r = subsidy(
        &w,
        &[
            "--from", "2022-09", "--to", "2022-11", "--chart", "gap.svg", "-o", "out.csv",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let svg = w.read("gap.svg");
    assert_eq!(bands(&svg, TRIGGERED_FILL).len(), 1, "2022-09 only");
    assert_eq!(bands(&svg, MISSING_FILL).len(), 1, "2022-10");
    assert!(has_text(&svg, "缺指数，待定（1 个月）"));
}

#[test]
fn areas_judged_differently_get_a_chart_each() {
    let w = demo();
    // County food 6.5 fires there only.
    w.write(
        "cpi.csv",
        "month,cpi,food,area\n2022-09,2.8,5.0,\n2022-09,2.8,6.5,county\n",
    );
    let r = subsidy(&w, &["--chart", "cpi.svg", "-o", "out.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!w.file("cpi.svg").exists());
    let city = w.read("cpi-city.svg");
    let county = w.read("cpi-county.svg");
    assert!(city.contains("五区") && county.contains("三县"));
    assert_eq!(bands(&city, TRIGGERED_FILL).len(), 0);
    assert_eq!(bands(&county, TRIGGERED_FILL).len(), 1);
    assert!(r.stderr.contains("cpi-city.svg") && r.stderr.contains("cpi-county.svg"));

    // One national series: one chart for every area.
    let w = demo();
    let r = subsidy(
        &w,
        &[
            "--from", "2022-09", "--to", "2022-09", "--chart", "one.svg", "-o", "out.csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(w.file("one.svg").exists() && !w.file("one-city.svg").exists());
}

#[test]
fn a_chart_that_is_not_svg_is_refused_before_anything_is_written() {
    let w = demo();
    let r = subsidy(&w, &["--chart", "cpi.png", "-o", "out.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(".svg"), "{}", r.stderr);
    assert!(!w.file("out.csv").exists() && !w.file("cpi.png").exists());
}

/// A rural 低保 household of three in Lanzhou's five districts, one of them a 优抚对象, and an
/// index month that fires on food alone: September 2022, CPI 2.8% (under the window's 3.0%),
/// food 8.8% (≥ 6%). The demo formula is standard × the triggering index, to the yuan:
/// 低保 on the own (rural) standard 439 × 8.8% = 38.632 → 39; 优抚 on the urban standard
/// 914 × 8.8% = 80.432 → 80. A one-off item (Qinghai's amounts) pays 400 (rural 低保) or 560 (优抚)
/// per person.
fn members_case() -> Workdir {
    let w = demo();
    let policy = w.read("policy.toml")
        + "\n[[one_off]]\nid = \"qh\"\nname = \"一次性生活补贴\"\npay_month = \"2022-10\"\nunit = \"person\"\namounts = { dibao = { urban = 500, rural = 400 }, youfu = 560 }\n";
    w.write("policy.toml", policy);
    w.write("cpi.csv", "month,cpi,food\n2022-09,2.8,8.8\n");
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}L1,620102,rural,3,0,dibao,\n"),
    );
    w.write(
        "members.csv",
        "户编号,姓名,与户主关系,人员类别\nL1,甲,户主,\nL1,乙,配偶,优抚对象\nL1,丙,子女,\n",
    );
    w
}

#[test]
fn members_file_pays_each_person_at_their_own_highest_group() {
    let w = members_case();
    let r = subsidy(
        &w,
        &["roster.csv", "--members", "members.csv", "--format", "csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    let want = [("household_id", "L1"), ("pay_month", "2022-10")];
    // 80 for the 优抚对象 + 39 × 2 for the others = 158 (not 80 × 3 = 240).
    assert_eq!(value(&rows, &want, "amount"), "158.00");
    assert_eq!(value(&rows, &want, "persons"), "3");
    assert_eq!(value(&rows, &want, "group"), "youfu;dibao");
    assert_eq!(
        value(&rows, &want, "per_person"),
        "",
        "no single per-person amount"
    );
    // Totals per group add up to the household: youfu 1 × 80, dibao 2 × 39.
    let r = subsidy(
        &w,
        &["roster.csv", "--members", "members.csv", "--format", "json"],
    );
    let totals = r.json()["totals"].clone();
    let total = |g: &str| {
        totals
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["group"] == g)
            .map(|t| {
                (
                    t["persons"].as_u64().unwrap(),
                    t["amount"].as_str().unwrap().to_string(),
                )
            })
            .unwrap_or_else(|| panic!("no {g} total in {totals}"))
    };
    assert_eq!(total("youfu"), (1, "80.00".into()));
    assert_eq!(total("dibao"), (2, "78.00".into()));
    assert_eq!(total("all"), (3, "158.00".into()));

    // payouts reads the same rules: the same 158, and the one-off item per person,
    // 560 + 400 × 2 = 1360 (not 560 × 3).
    let p = w.run(&[
        "payouts",
        "-p",
        "policy.toml",
        "roster.csv",
        "--index",
        "cpi.csv",
        "--from",
        "2022-10",
        "--to",
        "2022-10",
        "--members",
        "members.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(p.code, 0, "{}", p.stderr);
    let lines = p.csv();
    let amount = |item: &str| value(&lines, &[("household_id", "L1"), ("item", item)], "amount");
    assert_eq!(amount("price_subsidy"), "158.00");
    assert_eq!(amount("one_off:qh"), "1360.00");

    // Without the members file every member is in every group of the household: the roster
    // names no category, so 3 × 39 = 117; with 优抚 on the roster, 3 × 80 = 240.
    let r = subsidy(&w, &["roster.csv", "--format", "csv"]);
    assert_eq!(value(&r.csv(), &want, "amount"), "117.00");
    w.write(
        "roster.csv",
        format!("{ROSTER_HEADER}L1,620102,rural,3,0,dibao,youfu\n"),
    );
    let r = subsidy(&w, &["roster.csv", "--format", "csv"]);
    assert_eq!(value(&r.csv(), &want, "amount"), "240.00");
}

#[test]
fn members_file_with_a_person_of_another_household_is_listed() {
    let w = members_case();
    w.write("members.csv", w.read("members.csv") + "Z9,赵,户主,\n");
    let r = subsidy(
        &w,
        &["roster.csv", "--members", "members.csv", "--format", "csv"],
    );
    assert_eq!(r.code, 1, "an orphan person row is a problem: {}", r.stderr);
    assert!(r.stderr.contains("Z9"), "{}", r.stderr);
    assert_eq!(
        value(&r.csv(), &[("household_id", "L1")], "amount"),
        "158.00"
    );
}

#[test]
fn csv_encoding_gb18030_is_honoured_by_subsidy_and_payouts() {
    let w = members_case();
    // a carried column in Chinese, so that the encoding shows
    w.write(
        "roster.csv",
        "household_id,region,residence,members,monthly_income,status,categories,备注\nL1,620102,rural,3,0,dibao,,王家\n",
    );
    let gbk_only = |name: &str, want: &str| {
        let bytes = std::fs::read(w.file(name)).unwrap();
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM in GB18030");
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name} is still UTF-8"
        );
        let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad);
        assert!(text.contains(want), "{text}");
    };
    let r = subsidy(
        &w,
        &[
            "roster.csv",
            "--format",
            "csv",
            "--csv-encoding",
            "gb18030",
            "-o",
            "out.csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    gbk_only("out.csv", "王家");
    let r = w.run(&[
        "payouts",
        "-p",
        "policy.toml",
        "roster.csv",
        "--index",
        "cpi.csv",
        "--from",
        "2022-10",
        "--to",
        "2022-10",
        "-o",
        "pay.csv",
        "--csv-encoding",
        "gb18030",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    gbk_only("pay.csv", "低保");
    // by default a CSV file is UTF-8 with a BOM, as check writes it
    let r = subsidy(&w, &["--format", "csv", "-o", "months.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read(w.file("months.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );
}

#[test]
fn household_rows_name_the_household_whole_in_files_and_masked_on_screen() {
    let w = demo();
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    let range = ["--from", "2022-09", "--to", "2022-09"];
    let r = subsidy(
        &w,
        &[&range[..], &["--format", "csv", "roster.csv"]].concat(),
    );
    let rows = r.csv();
    assert_eq!(
        rows[0][..5],
        [
            "household_id",
            "township",
            "head_name",
            "head_id",
            "pay_month"
        ],
        "{}",
        r.stderr
    );
    for name in ["township", "head_name", "head_id"] {
        assert_eq!(rows[0].iter().filter(|c| *c == name).count(), 1, "{name}");
    }
    let h3 = one(&rows, &[("household_id", "H003")]);
    assert_eq!(h3[1..4], ["永登县城关镇", "王桂英", "620121195503120027"]);
    assert_eq!(rows[0].last().map(String::as_str), Some("备注"));
    let v = subsidy(
        &w,
        &[&range[..], &["--format", "json", "roster.csv"]].concat(),
    )
    .json();
    let h = v["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["household_id"] == "H001")
        .unwrap();
    assert_eq!(
        (&h["township"], &h["head_name"], &h["head_id"]),
        (
            &serde_json::json!("城关镇"),
            &serde_json::json!("张秀兰"),
            &serde_json::json!("11010519491231002X")
        )
    );
    let t = subsidy(
        &w,
        &[&range[..], &["--format", "table", "roster.csv"]].concat(),
    );
    let line = t
        .stdout
        .lines()
        .find(|l| l.contains(" H001 "))
        .unwrap_or_else(|| panic!("{}", t.stdout));
    assert!(
        line.contains("张秀兰") && line.contains("110105********002X"),
        "{line}"
    );
    assert!(!t.stdout.contains("11010519491231002X"), "{}", t.stdout);

    w.write(
        "f.csv",
        format!(
            "{}F1,620102,urban,1,100,dibao,,\"=SUM(1,2)\"\n",
            ROSTER_HEADER.trim_end().to_string() + ",head_name\n"
        ),
    );
    let rows = subsidy(&w, &[&range[..], &["--format", "csv", "f.csv"]].concat()).csv();
    assert_eq!(rows[1][2], "'=SUM(1,2)", "{rows:?}");
}

/// Every output of `subsidy` on a generated roster of 3,000 households with the bundled index
/// series, byte for byte: the month view alone (csv, json, table, chart), and with the roster
/// one row per household and pay month (csv, json, table in both languages) and `--totals`.
#[test]
fn subsidy_outputs_on_a_generated_roster_are_pinned_byte_for_byte() {
    use crate::golden::{golden_workdir, pin};
    let w = golden_workdir();
    let run = |extra: &[&'static str]| {
        let mut v = vec![
            "subsidy",
            "-p",
            "demo.toml",
            "--index",
            "cpi.csv",
            "--from",
            "2022-06",
            "--to",
            "2022-12",
        ];
        v.extend_from_slice(extra);
        v
    };
    pin(&w, "subsidy-months-csv", &run(&["--format", "csv"]), &[]);
    pin(&w, "subsidy-months-json", &run(&["--format", "json"]), &[]);
    pin(
        &w,
        "subsidy-months-table",
        &run(&["--chart", "cpi.svg", "--format", "table"]),
        &["cpi.svg"],
    );
    pin(
        &w,
        "subsidy-months-table-en",
        &run(&["--format", "table", "--lang", "en"]),
        &[],
    );
    pin(
        &w,
        "subsidy-households-csv",
        &run(&["roster.csv", "--format", "csv", "--totals", "totals.csv"]),
        &["totals.csv"],
    );
    pin(
        &w,
        "subsidy-households-json",
        &run(&["roster.csv", "--format", "json"]),
        &[],
    );
    pin(
        &w,
        "subsidy-households-table",
        &run(&["roster.csv", "--format", "table"]),
        &[],
    );
    pin(
        &w,
        "subsidy-households-table-en",
        &run(&["roster.csv", "--format", "table", "--lang", "en"]),
        &[],
    );
    let lower = [
        "subsidy",
        "-p",
        "lower.toml",
        "--index",
        "cpi.csv",
        "roster.csv",
        "--format",
        "csv",
    ];
    pin(&w, "subsidy-lower-csv", &lower, &[]);
}

/// `--columns` chooses and orders the household rows' columns (English or Chinese names, and
/// the roster's carried columns by their header) in csv, json and a table of rows; an unknown
/// name is a usage error that lists the valid ones.
#[test]
fn columns_choose_and_order_the_household_rows() {
    let w = demo();
    w.write(
        "roster.csv",
        "household_id,region,residence,members,monthly_income,status,备注\nH1,620102,urban,3,600,dibao,复核\n",
    );
    let run = |extra: &[&str]| {
        let mut a = vec!["--from", "2022-09", "--to", "2022-09", "roster.csv"];
        a.extend_from_slice(extra);
        subsidy(&w, &a)
    };
    let r = run(&[
        "--format",
        "csv",
        "--columns",
        "金额,household_id,备注,outcome",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.csv();
    assert_eq!(rows[0], ["amount", "household_id", "备注", "outcome"]);
    assert_eq!(rows[1][1..], ["H1", "复核", "paid"]);
    assert!(
        rows[1][0].ends_with(".00") && rows[1][0] != "0.00",
        "{rows:?}"
    );
    let j = run(&["--format", "json", "--columns", "pay_month,persons"]);
    assert_eq!(j.code, 0, "{}", j.stderr);
    let h = &j.json()["households"][0];
    assert_eq!(h["pay_month"], "2022-10");
    assert_eq!(h["persons"], "3");
    assert_eq!(h.as_object().map(|o| o.len()), Some(2));
    let t = run(&[
        "--format",
        "table",
        "--lang",
        "en",
        "--columns",
        "household_id,outcome",
    ]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(
        t.stdout.contains("| household_id | outcome |"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout.contains("| H1           | paid    |"),
        "{}",
        t.stdout
    );
    let bad = run(&["--format", "csv", "--columns", "nope", "--lang", "en"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stdout.is_empty());
    assert!(
        bad.stderr.contains("a subsidy row has no column \"nope\"")
            && bad.stderr.contains("per_person (每人金额)")
            && bad.stderr.contains("备注"),
        "{}",
        bad.stderr
    );
}

#[test]
fn an_index_file_error_is_said_in_the_language_asked() {
    let w = demo();
    w.write(
        "cpi.csv",
        "month,cpi,food\n2022-09,2.8,8.8\n2022-10,2.1,7.0\n2022-09,2.9,8.8\n",
    );
    let zh = subsidy(&w, &["--format", "csv"]);
    assert_eq!(zh.code, 2);
    assert!(
        zh.stderr
            .contains("第 4 行：月份 2022-09 已在第 2 行出现：每个月份只能写一次"),
        "{}",
        zh.stderr
    );
    assert!(!zh.stderr.contains("already appears"), "{}", zh.stderr);
    let en = subsidy(&w, &["--format", "csv", "--lang", "en"]);
    assert_eq!(en.code, 2);
    assert!(
        en.stderr
            .contains("line 4: month 2022-09 already appears on line 2: give each month once"),
        "{}",
        en.stderr
    );
    assert!(!en.stderr.contains("出现"), "{}", en.stderr);
    w.write("cpi.csv", "month,cpi,food\n2022-09,2.8,102.8\n");
    let zh = subsidy(&w, &["--format", "csv"]);
    assert!(
        zh.stderr.contains("像是以上年为 100 的指数"),
        "{}",
        zh.stderr
    );
    assert!(!zh.stderr.contains("previous year"), "{}", zh.stderr);
    let en = subsidy(&w, &["--format", "csv", "--lang", "en"]);
    assert!(en.stderr.contains("previous year = 100"), "{}", en.stderr);
    assert!(!en.stderr.contains("指数"), "{}", en.stderr);
}
