//! Rules, reason codes and options that no other end-to-end test reaches: the row checks that
//! make a row `invalid` (`zero_members`, `part_exceeds_income`, `bad_category`,
//! `groups_exceed_members`, `bad_care_level`, `bad_pandemic`; the members file's
//! `bad_category` and `bad_care_level` too), a 特困 household under a policy without `[tekun]`,
//! the asset test, `--region`, `--alias`, `-j`, tier payments and `.xls`/`.ods` rosters. Every
//! expected amount is worked out by hand in the comment beside it.

use crate::workdir::{Run, Workdir};

const MONTH: &str = "2022-12";

/// A check run's CSV output, looked up by household id and column name.
struct Out {
    rows: Vec<Vec<String>>,
}

impl Out {
    fn of(r: &Run) -> Out {
        let rows = r.csv();
        assert!(!rows.is_empty(), "no CSV output: {}", r.stderr);
        Out { rows }
    }

    /// The cell of household `id` in column `name`.
    fn get(&self, id: &str, name: &str) -> &str {
        let c = self.rows[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        let row = self.rows[1..]
            .iter()
            .find(|r| r[0] == id)
            .unwrap_or_else(|| panic!("no row {id}"));
        &row[c]
    }

    /// The reason codes of household `id`.
    fn reasons(&self, id: &str) -> Vec<&str> {
        self.get(id, "reasons")
            .split(';')
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Households in the output.
    fn households(&self) -> usize {
        self.rows.len() - 1
    }
}

/// `jiuzhu check` on the bundled Lanzhou policy, CSV out, with `extra` arguments.
fn lanzhou(roster: &str, extra: &[&str]) -> (Workdir, Run) {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write("roster.csv", roster);
    let mut args = vec!["--format", "csv"];
    args.extend_from_slice(extra);
    let r = w.check("policy.toml", "roster.csv", MONTH, &args);
    (w, r)
}

// ---------------------------------------------------------------------------------------------
// Row checks: each makes the row invalid, names the column and quotes the value.
// ---------------------------------------------------------------------------------------------

const ROW_CHECKS: &str = "\
household_id,region,residence,members,monthly_income,exempt_income,employment_income,status,categories,elderly,care_level,pandemic
Z1,620102,urban,0,0,,,none,,,,
P1,620102,urban,2,500,600,,none,,,,
P2,620102,urban,2,500,,501,none,,,,
P3,620102,urban,1,500,500,,none,,,,
C1,620102,urban,1,0,,,none,优抚对象；火星人,,,
G1,620102,urban,2,0,,,none,,3,,
L1,620102,urban,1,,,,tekun,,1,卧床,
D1,620102,urban,1,0,,,none,,,,flu
";

#[test]
fn each_row_check_makes_the_row_invalid_with_its_code_and_message() {
    let (_w, r) = lanzhou(ROW_CHECKS, &[]);
    assert_eq!(r.code, 1, "invalid rows make exit 1: {}", r.stderr);
    let out = Out::of(&r);
    assert_eq!(out.households(), 8);
    let prefix = "本行数据有误，未作计算：";
    let cases = [
        (
            "Z1",
            "zero_members:members",
            "第 2 行，列 members（“0”）：家庭人口至少为 1",
        ),
        (
            "P1",
            "part_exceeds_income:exempt_income",
            "第 3 行，列 exempt_income（“600”）：不计入收入（600）大于家庭月收入（500）：它是月收入的一部分",
        ),
        (
            "P2",
            "part_exceeds_income:employment_income",
            "第 4 行，列 employment_income（“501”）：工资性收入（501）大于家庭月收入（500）：它是月收入的一部分",
        ),
        (
            "C1",
            "bad_category:categories",
            "第 6 行，列 categories（“优抚对象；火星人”）：未知的类别“火星人”；可用：优抚对象、孤儿、事实无人抚养儿童、艾滋病病毒感染儿童、领取失业保险金、领取失业补助金、脱贫人口、防止返贫监测对象、未就业困难大学生",
        ),
        (
            "G1",
            "groups_exceed_members:elderly",
            "第 7 行，列 elderly（“3”）：各类人数之和（3）超过家庭人口（2）：每人只计入补助最高的一类",
        ),
        (
            "L1",
            "bad_care_level:care_level",
            "第 8 行，列 care_level（“卧床”）：自理能力应为“全自理”“半失能”或“全失能”",
        ),
        (
            "D1",
            "bad_pandemic:pandemic",
            "第 9 行，列 pandemic（“flu”）：疫情影响应为“无”“患者”“隔离”或“滞留”",
        ),
    ];
    for (id, reasons, message) in cases {
        assert_eq!(out.get(id, "decision"), "invalid", "{id}");
        assert_eq!(out.get(id, "reasons"), reasons, "{id}");
        assert_eq!(out.get(id, "message"), format!("{prefix}{message}"), "{id}");
        // nothing is computed for an invalid row
        assert_eq!(out.get(id, "monthly_total"), "0.00", "{id}");
        assert_eq!(out.get(id, "standard"), "", "{id}");
        // and the problem is listed on stderr
        assert!(r.stderr.contains(message), "{id}: {}", r.stderr);
    }
    // A part equal to the whole income is allowed: counted 500 − 500 = 0, so the grant is the
    // full urban standard 914 × 1 − 0 = 914.00.
    assert_eq!(out.get("P3", "decision"), "dibao");
    assert_eq!(out.get("P3", "per_capita_income"), "0.00");
    assert_eq!(out.get("P3", "dibao_amount"), "914.00");
    assert!(r.stderr.contains("无效行 7"), "{}", r.stderr);
}

#[test]
fn row_check_messages_in_english() {
    let (_w, r) = lanzhou(ROW_CHECKS, &["--lang", "en"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    let prefix = "this row has unreadable cells and was not computed: ";
    let cases = [
        (
            "Z1",
            "zero_members:members",
            "row 2, column members (\"0\"): members must be at least 1",
        ),
        (
            "P1",
            "part_exceeds_income:exempt_income",
            "row 3, column exempt_income (\"600\"): exempt_income (600) exceeds monthly_income (500), of which it is a part",
        ),
        (
            "P2",
            "part_exceeds_income:employment_income",
            "row 4, column employment_income (\"501\"): employment_income (501) exceeds monthly_income (500), of which it is a part",
        ),
        (
            "C1",
            "bad_category:categories",
            "row 6, column categories (\"优抚对象；火星人\"): unknown category \"火星人\"; known: youfu, orphan, de_facto_orphan, hiv_child, ui, unemployment_subsidy, poverty_alleviated, monitored, graduate",
        ),
        (
            "G1",
            "groups_exceed_members:elderly",
            "row 7, column elderly (\"3\"): the group counts add up to 3, more than the 2 members: count each person once, in the group that pays most",
        ),
        (
            "L1",
            "bad_care_level:care_level",
            "row 8, column care_level (\"卧床\"): care_level must be self_care, partial or full",
        ),
        (
            "D1",
            "bad_pandemic:pandemic",
            "row 9, column pandemic (\"flu\"): pandemic must be none, patient, quarantine or stranded",
        ),
    ];
    for (id, reasons, message) in cases {
        assert_eq!(out.get(id, "decision"), "invalid", "{id}");
        assert_eq!(out.get(id, "reasons"), reasons, "{id}");
        assert_eq!(out.get(id, "message"), format!("{prefix}{message}"), "{id}");
        assert!(r.stderr.contains(message), "{id}: {}", r.stderr);
    }
    assert!(r.stderr.contains("invalid 7"), "{}", r.stderr);
}

/// Group counts of several columns, and one so large that the sum leaves 32 bits.
const GROUP_ROSTER: &str = "\
household_id,region,residence,members,monthly_income,status,elderly,disabled,minors
G2,620102,urban,2,0,none,2,,1
O1,620102,urban,1,0,dibao,4294967295,,1
O2,620102,urban,1,0,dibao,10000,,10000
G3,620102,urban,3,0,none,1,1,1
";

#[test]
fn groups_exceed_members_names_every_group_column_counted_and_never_overflows() {
    let (_w, r) = lanzhou(GROUP_ROSTER, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    // 2 + 1 = 3 > 2: both counted columns and both cells are named, not elderly alone.
    assert_eq!(out.get("G2", "decision"), "invalid");
    assert_eq!(
        out.get("G2", "reasons"),
        "groups_exceed_members:elderly+minors"
    );
    assert_eq!(
        out.get("G2", "message"),
        "本行数据有误，未作计算：第 2 行，列 elderly+minors（“2+1”）：各类人数之和（3）超过家庭人口（2）：每人只计入补助最高的一类"
    );
    // 4294967295 is beyond the count maximum of 10000, so the cell itself is refused and no
    // sum is formed (a wrapped u32 sum once paid 91 × 2^32 as an uplift); counts at the maximum
    // add up exactly: 10000 + 10000 = 20000 > 1.
    assert_eq!(out.get("O1", "decision"), "invalid");
    assert_eq!(out.get("O1", "reasons"), "count_too_large:elderly");
    assert_eq!(out.get("O1", "monthly_total"), "0.00");
    assert_eq!(
        out.get("O2", "reasons"),
        "groups_exceed_members:elderly+minors"
    );
    assert!(
        out.get("O2", "message")
            .contains("各类人数之和（20000）超过家庭人口（1）"),
        "{}",
        out.get("O2", "message")
    );
    for col in ["dibao_amount", "uplift_amount", "monthly_total"] {
        assert_eq!(out.get("O1", col), "0.00", "O1 {col}");
    }
    // 1 + 1 + 1 = 3 persons in 3 members is allowed: 914 × 3 − 0 = 2742.00, plus the uplifts.
    assert_eq!(out.get("G3", "decision"), "dibao");
    assert_eq!(out.get("G3", "dibao_amount"), "2742.00");
    assert!(r.stderr.contains("无效行 3"), "{}", r.stderr);

    let (_w, r) = lanzhou(GROUP_ROSTER, &["--lang", "en"]);
    let out = Out::of(&r);
    assert_eq!(
        out.get("G2", "message"),
        "this row has unreadable cells and was not computed: row 2, column elderly+minors (\"2+1\"): the group counts add up to 3, more than the 2 members: count each person once, in the group that pays most"
    );
    assert_eq!(
        out.get("O2", "message"),
        "this row has unreadable cells and was not computed: row 4, column elderly+minors (\"10000+10000\"): the group counts add up to 20000, more than the 1 members: count each person once, in the group that pays most"
    );
}

#[test]
fn zero_members_and_part_exceeds_income_quote_the_cell_as_typed() {
    let roster = "\
household_id,region,residence,members,monthly_income,exempt_income,employment_income,status
Z2,620102,urban,０,0,,,none
P4,620102,urban,2,\"1,000.50\",\"1,200\",,none
P5,620102,urban,2,1000,,1200元,none
";
    let (_w, r) = lanzhou(roster, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    let prefix = "本行数据有误，未作计算：";
    for (id, reasons, message) in [
        (
            "Z2",
            "zero_members:members",
            "第 2 行，列 members（“０”）：家庭人口至少为 1",
        ),
        (
            "P4",
            "part_exceeds_income:exempt_income",
            "第 3 行，列 exempt_income（“1,200”）：不计入收入（1200）大于家庭月收入（1000.50）：它是月收入的一部分",
        ),
        (
            "P5",
            "part_exceeds_income:employment_income",
            "第 4 行，列 employment_income（“1200元”）：工资性收入（1200）大于家庭月收入（1000）：它是月收入的一部分",
        ),
    ] {
        assert_eq!(out.get(id, "decision"), "invalid", "{id}");
        assert_eq!(out.get(id, "reasons"), reasons, "{id}");
        assert_eq!(out.get(id, "message"), format!("{prefix}{message}"), "{id}");
        assert!(r.stderr.contains(message), "{id}: {}", r.stderr);
    }
    let (_w, r) = lanzhou(roster, &["--lang", "en"]);
    let out = Out::of(&r);
    assert_eq!(
        out.get("Z2", "message"),
        "this row has unreadable cells and was not computed: row 2, column members (\"０\"): members must be at least 1"
    );
    assert_eq!(
        out.get("P4", "message"),
        "this row has unreadable cells and was not computed: row 3, column exempt_income (\"1,200\"): exempt_income (1200) exceeds monthly_income (1000.50), of which it is a part"
    );
}

// ---------------------------------------------------------------------------------------------
// A policy without [tekun]
// ---------------------------------------------------------------------------------------------

/// One standard for everywhere (no areas): urban 1000, rural 600 from 2022-01.
const SMALL_POLICY: &str = r#"
[policy]
name = "coverage"
last_verified = "2022-12"

[[dibao.standard]]
from = "2022-01"
urban = 1000
rural = 600
"#;

#[test]
fn an_enrolled_tekun_household_under_a_policy_without_tekun_is_undetermined_and_says_why() {
    let w = Workdir::new();
    w.write("policy.toml", SMALL_POLICY);
    w.write(
        "roster.csv",
        "household_id,residence,members,monthly_income,status,care_level\nT1,urban,1,,tekun,partial\nT2,rural,2,,特困,\n",
    );
    let r = w.check("policy.toml", "roster.csv", MONTH, &["--format", "csv"]);
    assert_eq!(
        r.code, 1,
        "a 特困 household the policy cannot pay is not decided: {}",
        r.stderr
    );
    let out = Out::of(&r);
    for id in ["T1", "T2"] {
        // 特困 without a means test, never 低保; no [tekun] table: no basic or care amount can
        // be computed, so the row is undetermined (not decided at 0.00). Without care shares in
        // the policy an empty care_level is not what is missing (T2).
        assert_eq!(out.get(id, "decision"), "undetermined", "{id}");
        assert_eq!(
            out.reasons(id),
            ["tekun_enrolled", "tekun_no_policy"],
            "{id}"
        );
        for col in ["dibao_amount", "tekun_basic", "tekun_care", "monthly_total"] {
            assert_eq!(out.get(id, col), "0.00", "{id} {col}");
        }
    }
    // the standard of the residence is still stated
    assert_eq!(out.get("T1", "standard"), "1000.00");
    assert_eq!(out.get("T2", "standard"), "600.00");
    let zh = "特困人员 2 人：政策文件没有特困供养标准（[tekun] 表），无法计算基本生活费和照料护理费：请在政策文件中补充 [tekun]";
    assert_eq!(out.get("T2", "message"), zh);
    assert!(r.stderr.contains("待定（缺数据） 2"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("第 3 行（户 T2）：{zh}")),
        "{}",
        r.stderr
    );

    let r = w.check(
        "policy.toml",
        "roster.csv",
        MONTH,
        &["--format", "csv", "--lang", "en"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    let en = "特困 support for 1 person(s): the policy has no [tekun] table, so basic living and care cannot be computed: add [tekun] to the policy";
    assert_eq!(out.get("T1", "message"), en);
    assert!(
        r.stderr.contains(&format!("row 2 (household T1): {en}")),
        "{}",
        r.stderr
    );

    // payouts pays nothing and lists the row as undetermined with the same sentence; audit
    // gives it as its evidence
    let r = w.run(&[
        "payouts",
        "-p",
        "policy.toml",
        "roster.csv",
        "--from",
        MONTH,
        "--to",
        MONTH,
        "--format",
        "csv",
        "--lang",
        "en",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let t1 = rows
        .iter()
        .find(|row| row[col("household_id")] == "T1")
        .unwrap();
    assert_eq!(t1[col("status")], "undetermined");
    assert_eq!(t1[col("reason")], en);
    assert!(!rows.iter().any(|row| row[col("status")] == "pay"));
    let r = w.run(&[
        "audit",
        "-p",
        "policy.toml",
        "roster.csv",
        "--month",
        MONTH,
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.csv();
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let t2 = rows
        .iter()
        .find(|row| row[col("household_id")] == "T2")
        .unwrap();
    assert_eq!(t2[col("code")], "undetermined");
    assert_eq!(t2[col("evidence")], zh);
}

// ---------------------------------------------------------------------------------------------
// The asset test (dibao.asset_limit_per_person)
// ---------------------------------------------------------------------------------------------

/// [`SMALL_POLICY`] with an asset limit of 50,000 per person and no `[edge]` table (so that a
/// household refused for its assets is `none`, whatever the edge rule makes of assets).
fn asset_policy() -> String {
    format!("{SMALL_POLICY}\n[dibao]\nasset_limit_per_person = 50000\n")
}

/// Two persons, income 100: counted per capita 100 / 2 = 50.00, below the urban 1000, so only
/// the assets decide. The limit is 50,000 × 2 = 100,000.00; the rule is assets ≤ limit × members.
const ASSET_ROSTER: &str = "\
household_id,residence,members,monthly_income,status,assets
BELOW,urban,2,100,none,99999.99
AT,urban,2,100,none,100000
ABOVE,urban,2,100,none,100000.01
EMPTY,urban,2,100,none,
ONE,urban,1,100,none,50000
";

#[test]
fn asset_test_below_at_and_above_the_limit_and_an_empty_cell() {
    let w = Workdir::new();
    w.write("policy.toml", asset_policy());
    w.write("roster.csv", ASSET_ROSTER);
    let r = w.check("policy.toml", "roster.csv", MONTH, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Out::of(&r);
    // Below and exactly at the limit pass ("at" is allowed: assets ≤ 50,000 × members).
    // Grant: standard 1000 × 2 − counted 100 = 1900.00.
    for id in ["BELOW", "AT"] {
        assert_eq!(out.get(id, "decision"), "dibao", "{id}");
        assert_eq!(out.get(id, "dibao_amount"), "1900.00", "{id}");
        assert_eq!(
            out.reasons(id),
            ["income_below_standard", "not_enrolled"],
            "{id}"
        );
        assert_eq!(
            out.get(id, "message"),
            "家庭人均计算收入 50.00 元低于低保标准 1000.00 元，2 人，低保金 1900.00 元，合计 1900.00 元/月。该户尚未纳入低保，建议及时纳入",
            "{id}"
        );
    }
    // At the limit for one person: 50,000 ≤ 50,000 × 1; grant 1000 × 1 − 100 = 900.00.
    assert_eq!(out.get("ONE", "decision"), "dibao");
    assert_eq!(out.get("ONE", "dibao_amount"), "900.00");
    // One fen above 100,000.00: refused for its assets, nothing paid.
    assert_eq!(out.get("ABOVE", "decision"), "none");
    assert!(
        out.reasons("ABOVE").contains(&"assets_over_limit"),
        "{:?}",
        out.reasons("ABOVE")
    );
    assert_eq!(out.get("ABOVE", "monthly_total"), "0.00");
    // An empty assets cell: decided on income, 1900.00 as above, and the message says the asset
    // test was not applied.
    assert_eq!(out.get("EMPTY", "decision"), "dibao");
    assert_eq!(out.get("EMPTY", "dibao_amount"), "1900.00");
    assert_eq!(
        out.reasons("EMPTY"),
        ["assets_not_given", "income_below_standard", "not_enrolled"]
    );
    assert_eq!(
        out.get("EMPTY", "message"),
        "家庭人均计算收入 50.00 元低于低保标准 1000.00 元，2 人，低保金 1900.00 元，合计 1900.00 元/月。未填写家庭财产，未做财产核查；该户尚未纳入低保，建议及时纳入"
    );
    // 1900 × 3 (BELOW, AT, EMPTY) + 900 (ONE) = 6600.00
    assert!(r.stderr.contains("6600.00"), "{}", r.stderr);

    let r = w.check(
        "policy.toml",
        "roster.csv",
        MONTH,
        &["--format", "csv", "--lang", "en"],
    );
    let out = Out::of(&r);
    assert_eq!(
        out.get("EMPTY", "message"),
        "counted per-capita income 50.00 is below the 低保 standard 1000.00; 2 person(s): grant 1900.00, total 1900.00 a month. assets not given: asset test not applied; not enrolled yet: enrol"
    );
    assert_eq!(out.get("ABOVE", "decision"), "none");
}

#[test]
fn without_an_asset_limit_assets_are_not_tested() {
    let w = Workdir::new();
    w.write("policy.toml", SMALL_POLICY);
    w.write("roster.csv", ASSET_ROSTER);
    let r = w.check("policy.toml", "roster.csv", MONTH, &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Out::of(&r);
    for id in ["BELOW", "AT", "ABOVE", "EMPTY"] {
        // 1000 × 2 − 100 = 1900.00, whatever the assets
        assert_eq!(out.get(id, "decision"), "dibao", "{id}");
        assert_eq!(out.get(id, "dibao_amount"), "1900.00", "{id}");
        assert_eq!(
            out.reasons(id),
            ["income_below_standard", "not_enrolled"],
            "{id}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// --region
// ---------------------------------------------------------------------------------------------

/// A county roster without a region column.
const NO_REGION: &str = "\
household_id,residence,members,monthly_income,status
K1,urban,2,400,dibao
K2,rural,1,0,none
";

#[test]
fn region_option_places_a_roster_without_a_region_column() {
    // Without --region the Lanzhou policy (two areas) cannot place the rows: exit 2, nothing out.
    let (_w, r) = lanzhou(NO_REGION, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("no column region") && r.stderr.contains("区划代码"),
        "{}",
        r.stderr
    );

    // 620121 is in the county area: urban 687, rural 5268 / 12 = 439.
    let (_w, r) = lanzhou(NO_REGION, &["--region", "620121"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Out::of(&r);
    assert_eq!(out.get("K1", "area"), "county");
    // 687 × 2 − 400 = 974.00
    assert_eq!(out.get("K1", "standard"), "687.00");
    assert_eq!(out.get("K1", "dibao_amount"), "974.00");
    // 439 × 1 − 0 = 439.00
    assert_eq!(out.get("K2", "standard"), "439.00");
    assert_eq!(out.get("K2", "dibao_amount"), "439.00");
    // 974 + 439 = 1413.00
    assert!(r.stderr.contains("1413.00"), "{}", r.stderr);

    // 620102 is in the city area: urban 914, so 914 × 2 − 400 = 1428.00.
    let (_w, r) = lanzhou(NO_REGION, &["--region", "620102"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Out::of(&r);
    assert_eq!(out.get("K1", "area"), "city");
    assert_eq!(out.get("K1", "dibao_amount"), "1428.00");

    // A code the policy does not know is refused before any row is read: exit 2, nothing out,
    // the code quoted with the codes the policy knows.
    // In one language: Chinese by default, English with --lang en.
    let zh = "--region 999999：政策文件的地区中没有区划代码 999999，可用的有 620102, 620103, 620104, 620105, 620111, 620121, 620122, 620123";
    let en = "--region 999999: the policy has no area with this region code: use one of 620102, 620103, 620104, 620105, 620111, 620121, 620122, 620123";
    for (extra, says, not) in [
        (&["--region", "999999"][..], zh, "the policy has no area"),
        (
            &["--region", "999999", "--lang", "en"],
            en,
            "政策文件的地区中",
        ),
    ] {
        let (_w, r) = lanzhou(NO_REGION, extra);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(r.stderr.contains(says), "{}", r.stderr);
        assert!(!r.stderr.contains(not), "{}", r.stderr);
    }
    // the same for every command that reads a roster, and for the policy compared with
    // (`small.toml` has no areas: it accepts every code, the Lanzhou policy does not)
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write("small.toml", SMALL_POLICY);
    w.write("roster.csv", NO_REGION);
    let r = w.check("small.toml", "roster.csv", MONTH, &["--region", "999999"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for args in [
        &[
            "explain",
            "-p",
            "policy.toml",
            "roster.csv",
            "--month",
            MONTH,
            "--household",
            "K1",
            "--region",
            "999999",
        ][..],
        &[
            "validate",
            "-p",
            "policy.toml",
            "roster.csv",
            "--region",
            "999999",
        ],
        &[
            "compare",
            "-p",
            "small.toml",
            "--with",
            "policy.toml",
            "roster.csv",
            "--month",
            MONTH,
            "--region",
            "999999",
        ],
    ] {
        let r = w.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("--region 999999"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_roster_without_a_region_column_is_told_about_region_option() {
    let (_w, r) = lanzhou(NO_REGION, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the roster has no column region (区划代码): add it, name it with an alias, or give the code of the whole roster with --region (花名册缺少必需的列区划代码；整份花名册同属一个区划时可用 --region 指定)"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// --alias
// ---------------------------------------------------------------------------------------------

/// Headers no built-in alias knows: 救助人口 (members, a required column) and 家庭月纯收入.
const LOCAL_HEADERS: &str = "\
户编号,区划代码,城乡类别,救助人口,家庭月纯收入,保障类别
A1,620102,城市,3,1000,低保
A2,620121,农村,2,300,无
";

#[test]
fn alias_maps_local_headers_to_roster_columns() {
    // Without aliases the required members column is missing: exit 2.
    let (_w, r) = lanzhou(LOCAL_HEADERS, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("members"), "{}", r.stderr);

    // members alone: 家庭月纯收入 is carried through as an extra column and income is unknown.
    let (_w, r) = lanzhou(LOCAL_HEADERS, &["--alias", "救助人口=members"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    assert_eq!(out.get("A1", "decision"), "undetermined");
    assert_eq!(out.get("A1", "reasons"), "missing:monthly_income");
    assert_eq!(out.get("A1", "家庭月纯收入"), "1000");

    // Both (spaces around the parts are ignored).
    let (_w, r) = lanzhou(
        LOCAL_HEADERS,
        &[
            "--alias",
            "救助人口=members",
            "--alias",
            " 家庭月纯收入 = monthly_income ",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Out::of(&r);
    // city urban: 914 × 3 − 1000 = 1742.00
    assert_eq!(out.get("A1", "decision"), "dibao");
    assert_eq!(out.get("A1", "dibao_amount"), "1742.00");
    // county rural: 439 × 2 − 300 = 578.00
    assert_eq!(out.get("A2", "dibao_amount"), "578.00");
    assert!(!out.rows[0].iter().any(|h| h == "家庭月纯收入"));

    // Malformed or unknown: exit 2 naming the option, nothing written.
    // Each said in one language: Chinese by default, English with --lang en.
    let (_w, r) = lanzhou(LOCAL_HEADERS, &["--alias", "救助人口"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("应写作 表头=列名"), "{}", r.stderr);
    assert!(!r.stderr.contains("HEADER=COLUMN"), "{}", r.stderr);
    let (_w, r) = lanzhou(LOCAL_HEADERS, &["--alias", "救助人口", "--lang", "en"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("HEADER=COLUMN"), "{}", r.stderr);
    assert!(!r.stderr.contains("表头=列名"), "{}", r.stderr);
    let (_w, r) = lanzhou(LOCAL_HEADERS, &["--alias", "救助人口=people"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("“people”不是花名册的列"), "{}", r.stderr);
    assert!(!r.stderr.contains("is not a roster column"), "{}", r.stderr);
    let (_w, r) = lanzhou(
        LOCAL_HEADERS,
        &["--alias", "救助人口=people", "--lang", "en"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("\"people\" is not a roster column"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("不是花名册的列"), "{}", r.stderr);
}

#[test]
fn an_alias_wins_over_a_built_in_header() {
    // 保障人口 is a built-in name of members; here the county uses it for the elderly count and
    // 家庭人口 for members.
    let roster = "户编号,区划代码,城乡类别,家庭人口,保障人口,家庭月收入,保障类别\nB1,620102,城市,3,1,1000,低保\n";
    let (_w, r) = lanzhou(roster, &["--alias", "保障人口=elderly"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = Out::of(&r);
    // 914 × 3 − 1000 = 1742.00; one elderly person: 10% × 914 = 91.4 → 91 (yuan).
    assert_eq!(out.get("B1", "dibao_amount"), "1742.00");
    assert_eq!(out.get("B1", "uplift_amount"), "91.00");
    assert_eq!(out.get("B1", "monthly_total"), "1833.00");
}

// ---------------------------------------------------------------------------------------------
// -j
// ---------------------------------------------------------------------------------------------

/// A roster of `n` households that reach most decisions: dibao, tekun, edge, gradual exit,
/// none, undetermined, invalid (bad money, unknown region, duplicate id), with Chinese extra
/// text. Deterministic (a fixed linear congruential sequence).
fn generated_roster(n: usize) -> String {
    let mut s = String::from(
        "household_id,region,residence,members,monthly_income,employment_income,status,elderly,care_level,exit_start,last_grant,备注\n",
    );
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    let regions = ["620102", "620103", "620121", "620122", "999999"];
    for i in 0..n {
        let region = regions[usize::try_from(next(5)).unwrap() % 4 + usize::from(i % 97 == 0)];
        let residence = if next(2) == 0 { "urban" } else { "rural" };
        let members = 1 + next(5);
        let income = next(4000 * members);
        let fen = next(100);
        let id = if i % 250 == 249 {
            format!("G{:05}", i - 1)
        } else {
            format!("G{i:05}")
        };
        let line = match i % 11 {
            0 => format!("{id},{region},{residence},1,,,tekun,1,partial,,,供养"),
            1 => format!("{id},{region},{residence},{members},,,none,,,,,收入待核"),
            2 => format!("{id},{region},{residence},{members},{income}x,,none,,,,,"),
            3 => format!(
                "{id},{region},{residence},{members},{income}.{fen:02},{income},dibao,,,2022-09,1200.50,渐退"
            ),
            _ => format!(
                "{id},{region},{residence},{members},{income}.{fen:02},,{},{},,,,",
                ["dibao", "none", "edge"][usize::try_from(next(3)).unwrap()],
                next(2)
            ),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s
}

#[test]
fn one_and_two_worker_threads_give_byte_identical_output() {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    // 3,500 rows: four chunks of 1,024 rows for the workers, the last one short.
    w.write("roster.csv", generated_roster(3500));
    let run = |threads: &[&str], format: &str| {
        let mut args = vec![];
        args.extend_from_slice(threads);
        args.extend_from_slice(&[
            "check",
            "-p",
            "policy.toml",
            "roster.csv",
            "--month",
            MONTH,
            "--format",
            format,
        ]);
        w.run(&args)
    };
    let one = run(&["-j", "1"], "csv");
    assert_eq!(one.code, 1, "{}", one.stderr);
    let out = Out::of(&one);
    assert_eq!(out.households(), 3500, "every row comes out once");
    // Every kind of decision is there, so the comparison covers every output path.
    for d in [
        "dibao",
        "tekun",
        "edge",
        "gradual_exit",
        "none",
        "undetermined",
        "invalid",
    ] {
        assert!(out.rows[1..].iter().any(|r| r[6] == d), "no {d} row");
    }
    let rows: Vec<u64> = {
        let c = out.rows[0].iter().position(|h| h == "row").unwrap();
        out.rows[1..]
            .iter()
            .map(|r| r[c].parse().unwrap())
            .collect()
    };
    assert_eq!(rows, (2..3502).collect::<Vec<u64>>(), "rows in input order");

    for threads in [&["-j", "2"][..], &["--threads", "2"], &["-j", "0"]] {
        let other = run(threads, "csv");
        assert_eq!(other.code, one.code, "{threads:?}");
        assert!(other.stdout == one.stdout, "{threads:?}: CSV differs");
        assert_eq!(other.stderr, one.stderr, "{threads:?}");
    }
    // -j after the command reads the same.
    let after = w.check(
        "policy.toml",
        "roster.csv",
        MONTH,
        &["--format", "csv", "-j", "2"],
    );
    assert!(after.stdout == one.stdout, "-j after the command");

    // A bad -j is refused by the argument parser, before --lang is known: in Chinese, the
    // default language, whatever --lang says.
    for lang in ["zh", "en"] {
        let bad = w.check(
            "policy.toml",
            "roster.csv",
            MONTH,
            &["--format", "csv", "-j", "x", "--lang", lang],
        );
        assert_eq!(bad.code, 2, "{}", bad.stderr);
        assert!(
            bad.stderr
                .contains("线程数应为 1 到 256 的整数，0 表示全部核心"),
            "{}",
            bad.stderr
        );
        assert!(
            !bad.stderr.contains("whole number of threads"),
            "{}",
            bad.stderr
        );
    }

    let json1 = run(&["-j", "1"], "json");
    let json2 = run(&["-j", "2"], "json");
    assert!(json1.stdout == json2.stdout, "JSON differs");
    assert_eq!(json1.json()["households"].as_array().unwrap().len(), 3500);
}

// ---------------------------------------------------------------------------------------------
// Tier payments (分档)
// ---------------------------------------------------------------------------------------------

/// Baoji's 2023 rural tiers A/B/C = 495/425/355 per person; the standards (urban 800, rural
/// 600) are round test figures, only for the income test.
const TIER_POLICY: &str = r#"
[policy]
name = "tiers"
last_verified = "2023-12"

[[dibao.standard]]
from = "2023-01"
urban = 800
rural = 600

[dibao]
payment = "tier"

[[dibao.tiers]]
tier = "A"
per_person = 495
residence = "rural"

[[dibao.tiers]]
tier = "B"
per_person = 425
residence = "rural"

[[dibao.tiers]]
tier = "C"
per_person = 355
residence = "rural"
"#;

const TIER_ROSTER: &str = "\
household_id,residence,members,monthly_income,status,tier
B2,rural,2,200,dibao,B
A1,rural,1,0,dibao,A
C3,rural,3,1500,dibao,C
EMPTY,rural,2,200,dibao,
HIGH,rural,2,1400,none,
";

#[test]
fn tier_payments_are_per_person_amounts_of_the_households_tier() {
    let w = Workdir::new();
    w.write("policy.toml", TIER_POLICY);
    w.write("roster.csv", TIER_ROSTER);
    let r = w.check("policy.toml", "roster.csv", "2023-06", &["--format", "csv"]);
    assert_eq!(r.code, 1, "the empty tier is undetermined: {}", r.stderr);
    let out = Out::of(&r);
    // per capita 200 / 2 = 100 < 600; tier B: 425 × 2 = 850.00 (income does not reduce it)
    assert_eq!(out.get("B2", "decision"), "dibao");
    assert_eq!(out.get("B2", "dibao_amount"), "850.00");
    assert_eq!(out.reasons("B2"), ["income_below_standard", "dibao_tier"]);
    assert_eq!(
        out.get("B2", "message"),
        "家庭人均计算收入 100.00 元低于低保标准 600.00 元，2 人，低保金 850.00 元，合计 850.00 元/月"
    );
    // tier A: 495 × 1 = 495.00
    assert_eq!(out.get("A1", "dibao_amount"), "495.00");
    // per capita 1500 / 3 = 500 < 600; tier C: 355 × 3 = 1065.00
    assert_eq!(out.get("C3", "per_capita_income"), "500.00");
    assert_eq!(out.get("C3", "dibao_amount"), "1065.00");
    // An eligible household with an empty tier cannot be paid: undetermined, tier missing.
    assert_eq!(out.get("EMPTY", "decision"), "undetermined");
    assert_eq!(out.get("EMPTY", "reasons"), "missing:tier");
    assert_eq!(out.get("EMPTY", "dibao_amount"), "0.00");
    assert_eq!(
        out.get("EMPTY", "message"),
        "缺少计算所需的数据，暂不能认定：请补充档次（tier）"
    );
    // Above the standard (1400 / 2 = 700 ≥ 600) the tier is not needed: decided none.
    assert_eq!(out.get("HIGH", "decision"), "none");
    assert_eq!(out.reasons("HIGH"), ["income_not_below_standard"]);
    // 850 + 495 + 1065 = 2410.00
    assert!(r.stderr.contains("2410.00"), "{}", r.stderr);

    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2023-06",
        &["--format", "csv", "--lang", "en"],
    );
    let out = Out::of(&r);
    assert_eq!(
        out.get("EMPTY", "message"),
        "cannot decide until these are filled in: tier"
    );
}

#[test]
fn a_tier_the_policy_does_not_define_is_an_invalid_cell_naming_the_known_tiers() {
    let w = Workdir::new();
    w.write("policy.toml", TIER_POLICY);
    // D is no tier of the policy; A is defined for rural residents only; HIGH's income is above
    // the standard, but a tier the policy does not know is still a cell to correct.
    w.write(
        "roster.csv",
        "household_id,residence,members,monthly_income,status,tier\nD2,rural,2,200,dibao,D\nU1,urban,1,0,dibao,A\nHIGH,rural,2,1400,none,X\nB2,rural,2,200,dibao,B\n",
    );
    let r = w.check("policy.toml", "roster.csv", "2023-06", &["--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    for id in ["D2", "U1", "HIGH"] {
        assert_eq!(out.get(id, "decision"), "invalid", "{id}");
        assert_eq!(out.get(id, "reasons"), "unknown_tier:tier", "{id}");
        assert_eq!(out.get(id, "monthly_total"), "0.00", "{id}");
    }
    let prefix = "本行数据有误，未作计算：";
    let d2 = "第 2 行，列 tier（“D”）：档次“D”不是政策为农村居民规定的档次：请填写 A、B、C 之一";
    let u1 = "第 3 行，列 tier（“A”）：档次“A”不是政策为城市居民规定的档次：政策没有城市居民的档次，请核对城乡类别";
    assert_eq!(out.get("D2", "message"), format!("{prefix}{d2}"));
    assert_eq!(out.get("U1", "message"), format!("{prefix}{u1}"));
    assert!(
        r.stderr.contains(d2) && r.stderr.contains(u1),
        "{}",
        r.stderr
    );
    // A known tier is paid as before: 425 × 2 = 850.00.
    assert_eq!(out.get("B2", "dibao_amount"), "850.00");
    assert!(r.stderr.contains("月发放合计 850.00 元"), "{}", r.stderr);

    let r = w.check(
        "policy.toml",
        "roster.csv",
        "2023-06",
        &["--format", "csv", "--lang", "en"],
    );
    let out = Out::of(&r);
    let prefix = "this row has unreadable cells and was not computed: ";
    assert_eq!(
        out.get("D2", "message"),
        format!(
            "{prefix}row 2, column tier (\"D\"): tier \"D\" is not a tier the policy defines for rural residents: use one of A, B, C"
        )
    );
    assert_eq!(
        out.get("U1", "message"),
        format!(
            "{prefix}row 3, column tier (\"A\"): tier \"A\" is not a tier the policy defines for urban residents: it defines none for them, check residence"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// .xls and .ods rosters
// ---------------------------------------------------------------------------------------------

/// The roster held by tests/fixtures/roster.xls and tests/fixtures/roster.ods, as plain CSV.
///
/// The two fixtures were written once by tests/fixtures/make_workbooks.py (xlwt 1.3.0 for .xls,
/// odfpy 1.4.1 for .ods): one sheet named 花名册, this header on sheet row 1 and these six
/// households below it; 区划代码, 家庭人口, 家庭月收入, 不计入收入 and 老年人数 are number cells
/// (300.5 included), everything else text cells (12a too), empty cells not written.
///
/// Lanzhou 2022-12, worked by hand:
/// - X01 city urban 914: 914 × 3 − 1000 = 1742.00; one elderly 10% × 914 = 91.4 → 91; 1833.00.
/// - X02 county rural 5268 / 12 = 439: counted 300.5 − 100 = 200.5, per capita 100.25;
///   439 × 2 − 200.5 = 677.50, not enrolled.
/// - X03 特困 city urban: 1.3 × 914 = 1188.2 → 1189 (yuan_up); partial 0.18 × 1670 = 300.6 → 301.
/// - X04 2200 / 2 = 1100 ≥ 914, below 1.5 × 914 = 1371: edge.
/// - X05 county urban 687: 3000 / 2 = 1500 ≥ 1.5 × 687 = 1030.5: none.
/// - X06 12a is not an amount: invalid.
///
/// Total 1833 + 677.5 + 1490 = 4000.50.
const WORKBOOK_ROSTER: &str = "\
户编号,区划代码,城乡类别,家庭人口,家庭月收入,不计入收入,保障类别,老年人数,自理能力,集中供养,户主姓名,备注
X01,620102,城市,3,1000,,低保,1,,,张秀兰,
X02,620121,农村,2,300.5,100,无,,,,李建国,新申请
X03,620103,城市,1,,,特困,1,半失能,否,赵福,
X04,620102,城市,2,2200,,低保边缘,,,,吴丽,
X05,620122,城市,2,3000,,无,,,,郑伟,
X06,620102,城市,2,12a,,无,,,,冯敏,收入待核
";

#[test]
fn xls_and_ods_rosters_give_the_output_of_the_plain_csv() {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write("roster.csv", WORKBOOK_ROSTER);
    w.copy_repo_file("tests/fixtures/roster.xls", "roster.xls");
    w.copy_repo_file("tests/fixtures/roster.ods", "roster.ods");
    let plain = w.check("policy.toml", "roster.csv", MONTH, &["--format", "csv"]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    let out = Out::of(&plain);
    assert_eq!(out.households(), 6);
    let expect = [
        ("X01", "dibao", "1742.00", "1833.00"),
        ("X02", "dibao", "677.50", "677.50"),
        ("X03", "tekun", "0.00", "1490.00"),
        ("X04", "edge", "0.00", "0.00"),
        ("X05", "none", "0.00", "0.00"),
        ("X06", "invalid", "0.00", "0.00"),
    ];
    for (id, decision, dibao, total) in expect {
        assert_eq!(out.get(id, "decision"), decision, "{id}");
        assert_eq!(out.get(id, "dibao_amount"), dibao, "{id}");
        assert_eq!(out.get(id, "monthly_total"), total, "{id}");
    }
    assert_eq!(out.get("X01", "uplift_amount"), "91.00");
    assert_eq!(out.get("X02", "per_capita_income"), "100.25");
    assert_eq!(
        (out.get("X03", "tekun_basic"), out.get("X03", "tekun_care")),
        ("1189.00", "301.00")
    );
    assert_eq!(out.get("X06", "reasons"), "not_money:monthly_income");
    assert_eq!(out.get("X02", "备注"), "新申请");
    assert!(plain.stderr.contains("4000.50"), "{}", plain.stderr);

    for file in ["roster.xls", "roster.ods"] {
        let r = w.check("policy.toml", file, MONTH, &["--format", "csv"]);
        assert_eq!(r.code, plain.code, "{file}: {}", r.stderr);
        assert!(
            r.stdout == plain.stdout,
            "{file} differs from the CSV:\n{}\n---\n{}",
            r.stdout,
            plain.stdout
        );
        assert_eq!(r.stderr, plain.stderr, "{file}");
        // named sheet, and the workbook on stdin recognised by its first bytes
        let named = w.check(
            "policy.toml",
            file,
            MONTH,
            &["--format", "csv", "--sheet", "花名册"],
        );
        assert!(named.stdout == plain.stdout, "{file} --sheet");
        let bytes = std::fs::read(w.file(file)).unwrap();
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
            Some(&bytes),
        );
        assert!(
            piped.stdout == plain.stdout,
            "{file} on stdin: {}",
            piped.stderr
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The same codes from a members file (--members)
// ---------------------------------------------------------------------------------------------

#[test]
fn bad_category_and_care_level_in_a_members_file_make_the_household_invalid() {
    use crate::rosters::id_born;
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.write(
        "roster.csv",
        "户编号,区划代码,城乡类别,家庭人口,家庭月收入,保障类别\nM1,620102,城市,1,300,低保\nM2,620102,城市,1,,特困\nM3,620102,城市,1,300,低保\n",
    );
    w.write(
        "members.csv",
        format!(
            "户编号,姓名,与户主关系,公民身份号码,人员类别,自理能力\nM1,甲,户主,{},火星人,\nM2,乙,户主,{},,卧床\nM3,丙,户主,{},优抚对象,\n",
            id_born("620102", 1980, 1, 1, 11),
            id_born("620102", 1940, 1, 1, 13),
            id_born("620102", 1985, 1, 1, 15),
        ),
    );
    let r = w.check(
        "policy.toml",
        "roster.csv",
        MONTH,
        &["--format", "csv", "--members", "members.csv"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = Out::of(&r);
    assert_eq!(out.get("M1", "decision"), "invalid");
    assert_eq!(out.get("M1", "reasons"), "bad_category:members.categories");
    assert_eq!(
        out.get("M1", "message"),
        "本行数据有误，未作计算：第 2 行，列 members.categories（“火星人”）：成员名单 members.csv 第 2 行（甲）：人员类别“火星人”无法识别：请填写优抚对象、孤儿、事实无人抚养儿童等，多个用“;”分隔"
    );
    assert_eq!(out.get("M2", "decision"), "invalid");
    assert_eq!(
        out.get("M2", "reasons"),
        "bad_care_level:members.care_level"
    );
    assert_eq!(
        out.get("M2", "message"),
        "本行数据有误，未作计算：第 3 行，列 members.care_level（“卧床”）：成员名单 members.csv 第 3 行（乙）：自理能力无法识别：请填写“全自理”“半失能”或“全失能”"
    );
    // A known category reads: 914 × 1 − 300 = 614.00.
    assert_eq!(out.get("M3", "decision"), "dibao");
    assert_eq!(out.get("M3", "dibao_amount"), "614.00");

    let r = w.check(
        "policy.toml",
        "roster.csv",
        MONTH,
        &[
            "--format",
            "csv",
            "--members",
            "members.csv",
            "--lang",
            "en",
        ],
    );
    let out = Out::of(&r);
    assert_eq!(
        out.get("M1", "message"),
        "this row has unreadable cells and was not computed: row 2, column members.categories (\"火星人\"): members file members.csv row 2 (甲): unknown category \"火星人\": use youfu, orphan, de_facto_orphan …, separated by \";\""
    );
    assert_eq!(
        out.get("M2", "message"),
        "this row has unreadable cells and was not computed: row 3, column members.care_level (\"卧床\"): members file members.csv row 3 (乙): care_level not understood: write self_care, partial or full (全自理/半失能/全失能)"
    );
}
