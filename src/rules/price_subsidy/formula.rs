//! The per-person amount of a triggered month: the formula of its mode, `round`, `floor`,
//! `multiplier`, in that order.

use super::trigger::index_zh;
use super::*;
use crate::household::Residence;
use crate::money::{Rounding, fmt_money, fmt_plain};
use crate::policy::model::{Band, FormulaMode};
use crate::policy::{Param, Policy};
use crate::rules::{Step, Trace};
use rust_decimal::Decimal;

/// The per-person amount for residents whose amount is based on `basis` (their own residence,
/// or urban for the groups based on the urban standard), in one triggered index month.
#[derive(Debug, Clone)]
pub struct PersonAmount {
    /// the residence whose standard or amount was used
    pub basis: Residence,
    /// the formula's value before rounding (0 below the lowest band or at or below zero)
    pub raw: Decimal,
    /// after the formula's `round`
    pub rounded: Decimal,
    /// after the `floor`
    pub floored: Decimal,
    /// after the `multiplier`, stated to the fen: what one person is paid
    pub amount: Decimal,
    /// the 低保 standard used (proportional, band_share)
    pub standard: Option<Param>,
    /// the computation, for `explain`
    pub steps: Vec<Step>,
}

fn band_for(bands: &[Band], x: Decimal) -> Option<&Band> {
    // Bands are validated ascending: the band an index falls in is the last one it reaches.
    bands.iter().rev().find(|b| x >= b.at.0)
}

/// The per-person amount in a triggered month for residents of `basis` in the status's area.
///
/// Modes: `proportional` = standard × index / 100; `band_share` = the share of the
/// band the index falls in × standard (exact fractions: 900 × 1/8 = 112.5); `per_point` =
/// amount × each started percentage point; `fixed_band` = the band's amount for the residence;
/// `fixed` = `amounts` by area id or urban/rural (a rural resident gets `rural` when present,
/// else the area's; an urban resident the area's when present, else `urban`). An index below
/// the lowest band, or a formula at or below zero, gives 0; then the formula's `round`, then
/// max(·, `floor`), then × `multiplier`, stated to the fen (half up).
pub fn person_amount(
    policy: &Policy,
    status: &MonthStatus,
    basis: Residence,
) -> Result<PersonAmount, SubsidyError> {
    let ps = table(policy)?;
    let Some(formula) = status
        .formula
        .as_ref()
        .filter(|_| status.state == MonthState::Triggered)
    else {
        return Ok(PersonAmount {
            basis,
            raw: Decimal::ZERO,
            rounded: Decimal::ZERO,
            floored: Decimal::ZERO,
            amount: Decimal::ZERO,
            standard: None,
            steps: Vec::new(),
        });
    };
    let month = status.index_month;
    let source = source_of(policy, ps, &formula.source);
    let param = |key: &'static str, value: Decimal| Param {
        key,
        value,
        source: source.clone(),
        from: Some(formula.from),
        area: formula.area.clone(),
        note: None,
    };
    let mut tr = Trace::new(true);
    let hundred = Decimal::ONE_HUNDRED;
    let x = status.formula_index.map(|(_, v)| v).unwrap_or_default();
    let xk = status.formula_index.map(|(k, _)| index_zh(k)).unwrap_or("");
    let xn = status.formula_index.map(|(k, _)| k.name()).unwrap_or("");
    let standard = match formula.mode {
        FormulaMode::Proportional | FormulaMode::BandShare => {
            // The 低保 standard in force in the index month, not the pay month.
            let ap = policy.area_params(status.area, month)?;
            Some(ap.standard(basis).clone())
        }
        _ => None,
    };
    let area_name = status.area_key.clone().unwrap_or_default();
    let no_amount = || SubsidyError::NoAmount {
        path: policy.path.clone(),
        from: formula.from,
        residence: basis.name(),
        area: status.area_key.clone().unwrap_or_else(|| "(all)".into()),
    };
    let raw = match formula.mode {
        FormulaMode::Proportional => {
            let s = standard.as_ref().map(|p| p.value).unwrap_or_default();
            let raw = s * x / hundred;
            let params: Vec<&Param> = standard.iter().collect();
            tr.step("price_subsidy.formula", &params, || {
                (
                    format!(
                        "按比例：{}低保标准 {} × {xk} {}% = {}",
                        basis.zh(),
                        fmt_money(s),
                        fmt_plain(x),
                        fmt_plain(raw)
                    ),
                    format!(
                        "proportional: {} standard {} × {xn} {}% = {}",
                        basis.name(),
                        fmt_money(s),
                        fmt_plain(x),
                        fmt_plain(raw)
                    ),
                )
            });
            raw
        }
        FormulaMode::BandShare => {
            let s = standard.as_ref().map(|p| p.value).unwrap_or_default();
            let band = band_for(&formula.bands, x);
            let share = band.and_then(|b| b.share);
            let raw = share.map(|sh| sh.apply(s)).unwrap_or_default();
            let at = band.map(|b| b.at.0);
            let share_p =
                share.map(|sh| param("price_subsidy.formula.bands.share", sh.num / sh.den));
            let mut params: Vec<&Param> = standard.iter().collect();
            params.extend(share_p.iter());
            tr.step("price_subsidy.formula", &params, || match (at, share) {
                (Some(at), Some(sh)) => (
                    format!("按档次比例：{xk} {}% 落在 ≥{}% 档，{}低保标准 {} × {sh} = {}", fmt_plain(x), fmt_plain(at), basis.zh(), fmt_money(s), fmt_plain(raw)),
                    format!("band share: {xn} {}% falls in the band from {}%: {} standard {} × {sh} = {}", fmt_plain(x), fmt_plain(at), basis.name(), fmt_money(s), fmt_plain(raw)),
                ),
                _ => (
                    format!("按档次比例：{xk} {}% 低于最低档，计为 0", fmt_plain(x)),
                    format!("band share: {xn} {}% is below the lowest band: 0", fmt_plain(x)),
                ),
            });
            raw
        }
        FormulaMode::PerPoint => {
            let per = formula.per_point.map(|n| n.0).unwrap_or_default();
            // Each started percentage point counts: 3.2% is four points, 3.0% three.
            let points = if x > Decimal::ZERO {
                Rounding::YuanUp.apply(x)
            } else {
                Decimal::ZERO
            };
            let raw = points * per;
            let per_p = param("price_subsidy.formula.per_point", per);
            tr.step("price_subsidy.formula", &[&per_p], || {
                (
                    format!("按百分点：{xk} {}%，按 {} 个百分点（不足 1 个百分点按 1 个计）× 每点 {} 元 = {}", fmt_plain(x), fmt_plain(points), fmt_money(per), fmt_plain(raw)),
                    format!("per point: {xn} {}% is {} started point(s) × {} = {}", fmt_plain(x), fmt_plain(points), fmt_money(per), fmt_plain(raw)),
                )
            });
            raw
        }
        FormulaMode::FixedBand => {
            let band = band_for(&formula.bands, x);
            let raw = match band {
                Some(b) => {
                    let v = match basis {
                        Residence::Urban => b.urban,
                        Residence::Rural => b.rural,
                    };
                    v.ok_or_else(no_amount)?.0
                }
                None => Decimal::ZERO,
            };
            let p = param("price_subsidy.formula.bands", raw);
            tr.step("price_subsidy.formula", &[&p], || match band {
                Some(b) => (
                    format!(
                        "按档次定额：{xk} {}% 落在 ≥{}% 档，{}居民每人 {} 元",
                        fmt_plain(x),
                        fmt_plain(b.at.0),
                        basis.zh(),
                        fmt_money(raw)
                    ),
                    format!(
                        "fixed band: {xn} {}% falls in the band from {}%: {} per {} resident",
                        fmt_plain(x),
                        fmt_plain(b.at.0),
                        fmt_money(raw),
                        basis.name()
                    ),
                ),
                None => (
                    format!("按档次定额：{xk} {}% 低于最低档，计为 0", fmt_plain(x)),
                    format!(
                        "fixed band: {xn} {}% is below the lowest band: 0",
                        fmt_plain(x)
                    ),
                ),
            });
            raw
        }
        FormulaMode::Fixed => {
            let amounts = formula.amounts.as_ref();
            let get = |k: &str| amounts.and_then(|a| a.get(k)).map(|n| n.0);
            let area_amount = status.area_key.as_deref().and_then(get);
            let (raw, by) = match basis {
                Residence::Rural => match get("rural") {
                    Some(v) => (Some(v), "rural".to_string()),
                    None => (area_amount, area_name.clone()),
                },
                Residence::Urban => match area_amount {
                    Some(v) => (Some(v), area_name.clone()),
                    None => (get("urban"), "urban".to_string()),
                },
            };
            let raw = raw.ok_or_else(no_amount)?;
            let p = param("price_subsidy.formula.amounts", raw);
            tr.step("price_subsidy.formula", &[&p], || {
                (
                    format!(
                        "定额：{}居民按 amounts.{by} 每人 {} 元",
                        basis.zh(),
                        fmt_money(raw)
                    ),
                    format!(
                        "fixed: a {} resident gets amounts.{by} = {} per person",
                        basis.name(),
                        fmt_money(raw)
                    ),
                )
            });
            raw
        }
    };
    // A formula at or below zero gives 0 before the floor.
    let raw = raw.max(Decimal::ZERO);
    let rounded = formula.round.apply(raw);
    let floor = formula.floor.map(|n| n.0);
    let floored = floor.map_or(rounded, |f| rounded.max(f));
    let multiplier = formula.multiplier.map(|n| n.0).unwrap_or(Decimal::ONE);
    // Amounts leave the tool stated to the fen: the person is paid this, and a household
    // is paid it × persons, so household rows add up to the per-person table exactly.
    let amount = Rounding::Fen.apply(floored * multiplier);
    let round_name = formula.round.name();
    tr.step("price_subsidy.round", &[], || {
        (
            format!(
                "按 {round_name} 取整：{} → {}",
                fmt_plain(raw),
                fmt_plain(rounded)
            ),
            format!(
                "rounded by {round_name}: {} → {}",
                fmt_plain(raw),
                fmt_plain(rounded)
            ),
        )
    });
    if let Some(f) = floor {
        let fp = param("price_subsidy.formula.floor", f);
        tr.step("price_subsidy.floor", &[&fp], || {
            if rounded < f {
                (
                    format!(
                        "低于保底 {} 元，按保底发放：{}",
                        fmt_money(f),
                        fmt_money(floored)
                    ),
                    format!(
                        "below the floor {}: the floor is paid, {}",
                        fmt_money(f),
                        fmt_money(floored)
                    ),
                )
            } else {
                (
                    format!("不低于保底 {} 元：{}", fmt_money(f), fmt_money(floored)),
                    format!(
                        "not below the floor {}: {}",
                        fmt_money(f),
                        fmt_money(floored)
                    ),
                )
            }
        });
    }
    if let Some(m) = formula.multiplier.map(|n| n.0) {
        let mp = param("price_subsidy.formula.multiplier", m);
        tr.step("price_subsidy.multiplier", &[&mp], || {
            (
                format!(
                    "× 倍数 {}：{} × {} = {}",
                    fmt_plain(m),
                    fmt_money(floored),
                    fmt_plain(m),
                    fmt_money(amount)
                ),
                format!(
                    "× multiplier {}: {} × {} = {}",
                    fmt_plain(m),
                    fmt_money(floored),
                    fmt_plain(m),
                    fmt_money(amount)
                ),
            )
        });
    }
    let mode = formula.mode.name();
    tr.step("price_subsidy.per_person", &[], || {
        (
            format!("{}居民每人 {} 元（{mode}）", basis.zh(), fmt_money(amount)),
            format!(
                "{} per {} resident ({mode})",
                fmt_money(amount),
                basis.name()
            ),
        )
    });
    Ok(PersonAmount {
        basis,
        raw,
        rounded,
        floored,
        amount,
        standard,
        steps: tr.steps,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::policy::model::IndexKind;
    use rust_decimal::dec;

    #[test]
    fn jiangsu_band_shares_are_exact() {
        // Jiangsu's band_share: standard 900 at CPI 3.3% → 75; at 5.3% → 112.5 (no rounding).
        let p = policy("900", "900", JIANGSU);
        let idx = series("2022-01,3.3,1,\n2022-02,5.3,1,\n2022-03,5.0,1,\n2022-04,2.9,9,\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(75));
        assert_eq!(
            per_person(&p, &idx, "2022-02", Residence::Urban),
            dec!(112.5)
        );
        // exactly at a band's start falls in that band
        assert_eq!(
            per_person(&p, &idx, "2022-03", Residence::Urban),
            dec!(112.5)
        );
        let am = area_month(&p, &idx, 0, m("2022-04")).unwrap();
        assert_eq!(am.status.state, MonthState::NotTriggered);
        // Nanjing 2016-10: standard 750, CPI 3.2% → 750/12 = 62.5, unrounded.
        let p = policy("750", "750", JIANGSU);
        let idx = series("2016-10,3.2,,\n");
        let am = area_month(&p, &idx, 0, m("2016-10")).unwrap();
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(62.5));
        assert_eq!(am.status.pay_month, m("2016-11"));
        assert_eq!(am.status.fired.name(), "cpi");
    }

    #[test]
    fn rizhao_scpi_proportional_rounds_half_up_to_the_yuan() {
        // 2019-07: food 8.3% fired; urban 590 × SCPI 4.2% = 24.78 → 25, rural 470 → 19.74 → 20.
        let p = policy("590", "470", RIZHAO);
        let idx = series("2019-07,2.8,8.3,4.2\n2019-08,2.8,10.0,4.0\n2019-09,3.0,11.0,\n");
        let am = area_month(&p, &idx, 0, m("2019-07")).unwrap();
        assert_eq!(am.status.fired.name(), "food");
        assert_eq!(am.status.formula_index, Some((IndexKind::Scpi, dec!(4.2))));
        assert_eq!(am.urban.as_ref().unwrap().raw, dec!(24.78));
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(25));
        assert_eq!(am.rural.as_ref().unwrap().amount, dec!(20));
        // 2019-08: 590 × 4% = 23.6 → 24; 470 × 4% = 18.8 → 19.
        assert_eq!(per_person(&p, &idx, "2019-08", Residence::Urban), dec!(24));
        assert_eq!(per_person(&p, &idx, "2019-08", Residence::Rural), dec!(19));
        // triggered, but the SCPI the formula reads is empty: undetermined, not zero
        let am = area_month(&p, &idx, 0, m("2019-09")).unwrap();
        assert_eq!(am.status.state, MonthState::Incomplete(vec!["scpi"]));
        assert!(am.urban.is_none());
    }

    #[test]
    fn half_up_never_to_even() {
        // 500 × 4.5% = 22.5 → 23 (to even would give 22); 500 × 4.7% = 23.5 → 24.
        let p = policy("500", "500", &RIZHAO.replace("\"scpi\"", "\"cpi\""));
        let idx = series("2022-01,4.5,0,\n2022-02,4.7,0,\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(23));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Urban), dec!(24));
    }

    #[test]
    fn guangzhou_2020_doubling_applies_the_multiplier_after_the_floor() {
        let p = policy("1000", "1000", GUANGZHOU);
        let idx = series("2020-06,2.5,11.1,\n2020-07,2.7,13.2,\n");
        assert_eq!(per_person(&p, &idx, "2020-06", Residence::Urban), dec!(214));
        assert_eq!(per_person(&p, &idx, "2020-07", Residence::Urban), dec!(107));
    }

    #[test]
    fn both_indexes_fired_use_the_higher() {
        let p = policy("1000", "600", WINDOW);
        let idx = series("2022-09,6.5,6.2,\n");
        let am = area_month(&p, &idx, 0, m("2022-09")).unwrap();
        assert_eq!(am.status.fired.name(), "both");
        assert_eq!(am.status.formula_index, Some((IndexKind::Cpi, dec!(6.5))));
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(65));
    }

    #[test]
    fn the_floor_lifts_small_amounts_and_a_formula_below_zero_gives_zero_first() {
        // 100 × 6.1% = 6.1 → 6 → floor 10
        let p = policy("100", "100", WINDOW);
        let idx = series("2022-09,2.0,6.1,\n");
        assert_eq!(per_person(&p, &idx, "2022-09", Residence::Urban), dec!(10));
        // fixed_band below its lowest band: 0, then the floor
        let body = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "fixed_band"
index = "cpi"
floor = 15
bands = [{ at = 2.0, urban = 30, rural = 27 }, { at = 4.0, urban = 40, rural = 36 }]
[price_subsidy.groups]
dibao = "own"
"#;
        let p = policy("900", "600", body);
        let idx = series("2022-01,1.9,7,\n2022-02,2.0,7,\n2022-03,4.1,7,\n2022-04,-0.5,7,\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(15));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Urban), dec!(30));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Rural), dec!(27));
        assert_eq!(per_person(&p, &idx, "2022-03", Residence::Rural), dec!(36));
        assert_eq!(per_person(&p, &idx, "2022-04", Residence::Rural), dec!(15));
    }

    #[test]
    fn per_point_counts_each_started_point() {
        let body = r#"
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
scpi = 3.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "per_point"
index = "scpi"
per_point = 5
[price_subsidy.groups]
dibao = "own"
"#;
        let p = policy("900", "600", body);
        let idx = series("2022-01,1,1,3.0\n2022-02,1,1,3.01\n2022-03,1,1,4.9\n");
        assert_eq!(per_person(&p, &idx, "2022-01", Residence::Urban), dec!(15));
        assert_eq!(per_person(&p, &idx, "2022-02", Residence::Urban), dec!(20));
        assert_eq!(per_person(&p, &idx, "2022-03", Residence::Rural), dec!(25));
    }

    #[test]
    fn fixed_amounts_by_area_and_residence() {
        let text = r#"
[policy]
name = "t"
[areas.city]
name = "五区"
regions = ["620102"]
[areas.county]
name = "三县"
regions = ["620121"]
[[dibao.standard]]
from = "2022-01"
urban = 914
rural = 439
[price_subsidy]
[[price_subsidy.trigger]]
from = "2016-08"
food = 6.0
[[price_subsidy.formula]]
from = "2016-08"
mode = "fixed"
amounts = { city = 35, county = 30, rural = 20 }
[price_subsidy.groups]
dibao = "own"
youfu = "urban"
"#;
        let p = Policy::parse(text, "t.toml").unwrap();
        let idx = series("2022-09,2.8,8.8,\n");
        let city = p.area_ids.iter().position(|a| a == "city").unwrap();
        let county = p.area_ids.iter().position(|a| a == "county").unwrap();
        let am = area_month(&p, &idx, city, m("2022-09")).unwrap();
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(35));
        assert_eq!(am.rural.as_ref().unwrap().amount, dec!(20));
        let ps = p.file.price_subsidy.as_ref().unwrap();
        // a rural 优抚 person is paid as an urban resident of the area
        assert_eq!(
            am.group_amount(ps, "youfu", Some(Residence::Rural)),
            Some(dec!(35))
        );
        assert_eq!(
            am.group_amount(ps, "dibao", Some(Residence::Rural)),
            Some(dec!(20))
        );
        assert_eq!(am.group_amount(ps, "dibao", None), None);
        let am = area_month(&p, &idx, county, m("2022-09")).unwrap();
        assert_eq!(am.urban.as_ref().unwrap().amount, dec!(30));
    }

    #[test]
    fn policy_validation_refuses_incomplete_formulas() {
        let bad = |body: &str| {
            let text = format!(
                "[policy]\nname = \"t\"\n[[dibao.standard]]\nfrom = \"2016-01\"\nurban = 1\nrural = 1\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\ncpi = 3.5\n[price_subsidy.groups]\ndibao = \"own\"\n[[price_subsidy.formula]]\nfrom = \"2016-08\"\n{body}"
            );
            Policy::parse(&text, "t.toml").unwrap_err().to_string()
        };
        assert!(bad("mode = \"band_share\"").contains("needs `bands`"));
        assert!(bad("mode = \"per_point\"").contains("needs `per_point`"));
        assert!(bad("mode = \"fixed\"").contains("needs `amounts`"));
        assert!(bad("mode = \"proportional\"\nper_point = 5").contains("not used"));
        assert!(
            bad(
                "mode = \"band_share\"\nbands = [{ at = 5, share = 0.1 }, { at = 3, share = 0.2 }]"
            )
            .contains("ascend")
        );
        assert!(
            bad("mode = \"fixed_band\"\nbands = [{ at = 5, urban = 3 }]")
                .contains("fixed_band band")
        );
        assert!(bad("mode = \"fixed\"\namounts = { urban = 3 }").contains("no amount for rural"));
        assert!(
            bad("mode = \"fixed\"\namounts = { urban = 3, rural = 2, town = 1 }").contains("town")
        );
        assert!(bad("mode = \"proportional\"\nmultiplier = 0").contains("above zero"));
        assert!(bad("mode = \"proportional\"\nfloor = -1").contains("不能为负数"));
        let text = "[policy]\nname = \"t\"\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\n[price_subsidy.groups]\ndibao = \"own\"\n";
        assert!(
            Policy::parse(text, "t")
                .unwrap_err()
                .to_string()
                .contains("at least one threshold")
        );
        let text = "[policy]\nname = \"t\"\n[price_subsidy]\n[[price_subsidy.trigger]]\nfrom = \"2016-08\"\ncpi = 3\nextra_groups = [\"edge\"]\n";
        assert!(
            Policy::parse(text, "t")
                .unwrap_err()
                .to_string()
                .contains("not listed")
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// Triggered exactly when an index reaches its threshold; then the amount is the
            /// higher fired index × standard, to the yuan, never below the floor; and a higher
            /// index never pays less.
            #[test]
            fn trigger_floor_and_monotonicity(
                cpi in -50i64..150, food in -50i64..150, bump in 0i64..50, standard in 100i64..3000,
            ) {
                let p = policy(&standard.to_string(), "300", WINDOW);
                let (c, f) = (tenth(cpi), tenth(food));
                let rows = format!(
                    "2022-01,{c},{f},\n2022-02,{},{},\n",
                    tenth(cpi + bump),
                    tenth(food + bump)
                );
                let idx = series(&rows);
                let am = area_month(&p, &idx, 0, m("2022-01")).unwrap();
                let fired = c >= dec!(3.5) || f >= dec!(6.0);
                prop_assert_eq!(am.status.state == MonthState::Triggered, fired);
                let amount = am.urban.as_ref().map(|a| a.amount).unwrap_or_default();
                if fired {
                    let x = [(c >= dec!(3.5), c), (f >= dec!(6.0), f)]
                        .into_iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, v)| v)
                        .max()
                        .unwrap();
                    let expected = Rounding::Yuan
                        .apply((Decimal::from(standard) * x / Decimal::ONE_HUNDRED).max(Decimal::ZERO))
                        .max(dec!(10));
                    prop_assert_eq!(amount, expected);
                    prop_assert!(amount >= dec!(10));
                    let later = area_month(&p, &idx, 0, m("2022-02")).unwrap();
                    let later_amount = later.urban.as_ref().map(|a| a.amount).unwrap_or_default();
                    prop_assert!(later_amount >= amount, "{} < {}", later_amount, amount);
                } else {
                    prop_assert!(am.urban.is_none());
                }
            }
        }
    }
}
