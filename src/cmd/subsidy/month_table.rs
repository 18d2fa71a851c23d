//! The month-by-month view of `subsidy` as a person reads it: the terminal table, its legend,
//! and the summary on stderr.

use super::months::{MonthView, fmt_pct};
use crate::lang::Lang;
use crate::money::{fmt_money, fmt_plain};
use crate::month::Month;
use crate::output::table;
use crate::policy::model::FormulaMode;
use crate::rules::price_subsidy::{self as ps_rules, AreaMonth, MonthState, group_zh};
use rust_decimal::Decimal;

impl MonthView<'_> {
    /// "CPI≥3.5 食品≥6": the thresholds in force.
    pub fn thresholds(&self, am: &AreaMonth, lang: Lang) -> String {
        let s = &am.status;
        let mut parts = Vec::new();
        for (name, p) in [
            ("CPI", &s.cpi_threshold),
            (lang.pick("食品", "food"), &s.food_threshold),
            ("SCPI", &s.scpi_threshold),
        ] {
            if let Some(p) = p {
                parts.push(format!("{name}≥{}", fmt_pct(p.value)));
            }
        }
        parts.join(" ")
    }

    /// How the amount was formed, in a few characters: "标准×8.8%", "标准×1/12", "5×3点".
    pub fn formula_brief(&self, am: &AreaMonth, lang: Lang) -> String {
        let s = &am.status;
        let Some(f) = s
            .formula
            .as_ref()
            .filter(|_| s.state == MonthState::Triggered)
        else {
            return String::new();
        };
        let x = s.formula_index.map(|(_, v)| v).unwrap_or_default();
        let std = lang.pick("标准", "standard");
        let mut b = match f.mode {
            FormulaMode::Proportional => format!("{std}×{}%", fmt_pct(x)),
            FormulaMode::BandShare => f
                .bands
                .iter()
                .rev()
                .find(|b| x >= b.at.0)
                .and_then(|b| b.share)
                .map(|sh| format!("{std}×{sh}"))
                .unwrap_or_else(|| lang.pick("低于最低档", "below bands").into()),
            FormulaMode::PerPoint => {
                let points = am
                    .urban
                    .as_ref()
                    .zip(f.per_point)
                    .map(|(p, per)| {
                        if per.0.is_zero() {
                            Decimal::ZERO
                        } else {
                            p.raw / per.0
                        }
                    })
                    .unwrap_or_default();
                format!(
                    "{}×{}{}",
                    fmt_plain(f.per_point.map(|n| n.0).unwrap_or_default()),
                    fmt_plain(points),
                    lang.pick("点", "pt")
                )
            }
            FormulaMode::FixedBand => f
                .bands
                .iter()
                .rev()
                .find(|b| x >= b.at.0)
                .map(|b| format!("{}≥{}", lang.pick("档", "band "), fmt_plain(b.at.0)))
                .unwrap_or_else(|| lang.pick("低于最低档", "below bands").into()),
            FormulaMode::Fixed => lang.pick("定额", "fixed").into(),
        };
        if let Some(fl) = f.floor {
            b += &format!(" {}{}", lang.pick("保底", "floor "), fmt_plain(fl.0));
        }
        if let Some(m) = f.multiplier.filter(|m| m.0 != Decimal::ONE) {
            b += &format!(" ×{}", fmt_plain(m.0));
        }
        b
    }

    pub fn result(&self, am: &AreaMonth, lang: Lang) -> String {
        let s = &am.status;
        match (&s.state, lang) {
            (MonthState::Triggered, Lang::Zh) => format!("启动（{}）", s.fired.zh()),
            (MonthState::Triggered, Lang::En) => format!("triggered ({})", s.fired.name()),
            (MonthState::NotTriggered, Lang::Zh) => "未启动".into(),
            (MonthState::NotTriggered, Lang::En) => "not triggered".into(),
            (MonthState::Missing, Lang::Zh) => "缺指数，待定".into(),
            (MonthState::Missing, Lang::En) => "no index row: undetermined".into(),
            (MonthState::Incomplete(c), Lang::Zh) if s.fired.any() => {
                format!("启动（{}），{} 为空，金额待定", s.fired.zh(), c.join("、"))
            }
            (MonthState::Incomplete(c), Lang::En) if s.fired.any() => format!(
                "triggered ({}), {} empty: amount undetermined",
                s.fired.name(),
                c.join(", ")
            ),
            (MonthState::Incomplete(c), Lang::Zh) => format!("{} 为空，待定", c.join("、")),
            (MonthState::Incomplete(c), Lang::En) => {
                format!("{} empty: undetermined", c.join(", "))
            }
        }
    }

    pub fn amount_cell(am: &AreaMonth, p: Option<&ps_rules::PersonAmount>) -> String {
        match am.status.state {
            MonthState::Triggered => p.map(|p| fmt_money(p.amount)).unwrap_or_default(),
            MonthState::NotTriggered => "-".into(),
            _ => "?".into(),
        }
    }

    /// The cells of a month and area that do not depend on the area's standard: the index,
    /// the thresholds, the result, the formula, the extra groups.
    pub fn month_cells(&self, am: &AreaMonth, lang: Lang) -> Vec<String> {
        let s = &am.status;
        let v = s.values.unwrap_or_default();
        let pct = |x: Option<Decimal>| match (s.values, x) {
            (None, _) => "?".to_string(),
            (Some(_), None) => String::new(),
            (Some(_), Some(d)) => fmt_pct(d),
        };
        let mut r = vec![pct(v.cpi), pct(v.food)];
        if self.has_scpi {
            r.push(pct(v.scpi));
        }
        let extra = if s.state == MonthState::Triggered {
            s.trigger
                .extra_groups
                .iter()
                .filter(|g| self.ps.groups.contains_key(*g))
                .map(|g| match lang {
                    Lang::Zh => group_zh(g).to_string(),
                    Lang::En => g.clone(),
                })
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "))
        } else {
            String::new()
        };
        r.extend([
            self.thresholds(am, lang),
            self.result(am, lang),
            self.formula_brief(am, lang),
            extra,
        ]);
        r
    }

    pub fn area_name(&self, am: &AreaMonth) -> String {
        let id = self.area_id(am);
        self.policy
            .file
            .areas
            .get(&id)
            .map(|a| a.name.clone())
            .unwrap_or(id)
    }

    /// The index months of the range, each with its areas' computations.
    pub fn by_month(&self) -> Vec<(Month, Vec<&AreaMonth>)> {
        let mut out: Vec<(Month, Vec<&AreaMonth>)> = Vec::new();
        for ((m, _), am) in &self.table.months {
            match out.last_mut() {
                Some((last, v)) if last == m => v.push(am),
                _ => out.push((*m, vec![am])),
            }
        }
        out
    }

    /// The table a person reads at a glance: one line per index month. When every area has
    /// the same trigger test in every month (one national series, one trigger), the areas'
    /// amounts are columns side by side; otherwise each area has its own line.
    pub fn table(&self, lang: Lang) -> String {
        let months = self.by_month();
        let areas = self.policy.has_areas();
        let side_by_side = areas
            && months.iter().all(|(_, ams)| {
                let first = self.month_cells(ams[0], lang);
                ams.iter().all(|am| self.month_cells(am, lang) == first)
            });
        let mut headers: Vec<String> = vec![
            lang.pick("指数月份", "index month").into(),
            lang.pick("发放月份", "pay month").into(),
        ];
        if areas && !side_by_side {
            headers.push(lang.pick("地区", "area").into());
        }
        headers.extend([
            lang.pick("CPI%", "CPI %").into(),
            lang.pick("食品%", "food %").into(),
        ]);
        if self.has_scpi {
            headers.push("SCPI%".into());
        }
        headers.extend([
            lang.pick("启动条件", "thresholds").into(),
            lang.pick("结果", "result").into(),
            lang.pick("计算", "formula").into(),
        ]);
        let mut money_cols = Vec::new();
        let columns: Vec<String> = if side_by_side {
            months
                .first()
                .map(|(_, ams)| {
                    ams.iter()
                        .flat_map(|am| {
                            let n = self.area_name(am);
                            [
                                format!("{n}{}", lang.pick("城市", " urban")),
                                format!("{n}{}", lang.pick("农村", " rural")),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            vec![
                lang.pick("城市每人", "urban/person").into(),
                lang.pick("农村每人", "rural/person").into(),
            ]
        };
        money_cols.extend(columns.iter().cloned());
        headers.extend(columns);
        headers.push(lang.pick("临时扩围", "extra groups").into());
        let mut rows = Vec::new();
        for (m, ams) in &months {
            let lines: Vec<Vec<&AreaMonth>> = if side_by_side {
                vec![ams.clone()]
            } else {
                ams.iter().map(|am| vec![*am]).collect()
            };
            for line in lines {
                let first = line[0];
                let mut cells = self.month_cells(first, lang);
                let extra = cells.pop().unwrap_or_default();
                let mut r = vec![m.to_string(), first.status.pay_month.to_string()];
                if areas && !side_by_side {
                    r.push(self.area_name(first));
                }
                r.extend(cells);
                for am in &line {
                    r.push(Self::amount_cell(am, am.urban.as_ref()));
                    r.push(Self::amount_cell(am, am.rural.as_ref()));
                }
                r.push(extra);
                rows.push(r);
            }
        }
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        let right: Vec<&str> = money_cols.iter().map(String::as_str).collect();
        let mut s = table::render(&h, &rows, &right);
        s += &self.legend(lang);
        s
    }
}
