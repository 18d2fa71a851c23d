//! `jiuzhu check` end to end on the bundled policy and roster.

use crate::workdir::Workdir;

fn bundled() -> Workdir {
    let w = Workdir::new();
    w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
    w.copy_repo_file("examples/roster.csv", "roster.csv");
    w
}

fn row<'a>(rows: &'a [Vec<String>], id: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn bundled_roster_gives_hand_checked_decisions_and_amounts() {
    let w = bundled();
    let r = w.run(&[
        "check",
        "-p",
        "policy.toml",
        "roster.csv",
        "--month",
        "2022-12",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.code, 1,
        "invalid and undetermined rows make exit 1: {}",
        r.stderr
    );
    let rows = r.csv();
    assert_eq!(&rows[0][..4], ["household_id", "month", "area", "decision"]);
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
