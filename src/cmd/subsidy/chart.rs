//! The charts of `subsidy --chart`: each area's index against its thresholds, triggered
//! months shaded.

use super::months::MonthView;
use crate::chart;
use crate::lang::Lang;
use crate::month::Month;
use crate::output::{self, Output};
use crate::policy::Policy;
use crate::rules::price_subsidy::SubsidyTable;
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::io::Write;

/// One area's index months as a chart reads them, taken from the trigger tests already made
/// ([`SubsidyTable`]): the published values, the thresholds in force in each month (they step
/// where a dated trigger entry starts or ends), and whether the month fired.
#[derive(Debug, PartialEq)]
pub struct ChartData {
    months: Vec<Month>,
    cpi: Vec<Option<Decimal>>,
    food: Vec<Option<Decimal>>,
    scpi: Vec<Option<Decimal>>,
    cpi_threshold: Vec<Option<Decimal>>,
    food_threshold: Vec<Option<Decimal>>,
    scpi_threshold: Vec<Option<Decimal>>,
    triggered: Vec<bool>,
    /// the formula read SCPI in some triggered month
    formula_reads_scpi: bool,
}

impl ChartData {
    fn of(table: &SubsidyTable, area: usize) -> ChartData {
        let mut d = ChartData {
            months: Vec::new(),
            cpi: Vec::new(),
            food: Vec::new(),
            scpi: Vec::new(),
            cpi_threshold: Vec::new(),
            food_threshold: Vec::new(),
            scpi_threshold: Vec::new(),
            triggered: Vec::new(),
            formula_reads_scpi: false,
        };
        for am in table.months.values().filter(|am| am.status.area == area) {
            let s = &am.status;
            let v = s.values.unwrap_or_default();
            let value = |p: &Option<crate::policy::Param>| p.as_ref().map(|p| p.value);
            d.months.push(s.index_month);
            d.cpi.push(v.cpi);
            d.food.push(v.food);
            d.scpi.push(v.scpi);
            d.cpi_threshold.push(value(&s.cpi_threshold));
            d.food_threshold.push(value(&s.food_threshold));
            d.scpi_threshold.push(value(&s.scpi_threshold));
            // Shaded when an index reached its threshold, also when the amount is undetermined
            // for an empty value the formula reads (the month did fire).
            d.triggered.push(s.triggered() == Some(true));
            d.formula_reads_scpi |= matches!(
                s.formula_index,
                Some((crate::policy::model::IndexKind::Scpi, _))
            );
        }
        d
    }

    /// The series drawn: CPI and food always; SCPI when it has a threshold in the range or the
    /// formula reads it (an SCPI the mechanism does not use would only crowd the chart).
    fn series(&self, lang: Lang) -> Vec<chart::IndexSeries<'_>> {
        let mut out = vec![
            chart::IndexSeries {
                name: "CPI",
                values: &self.cpi,
                thresholds: &self.cpi_threshold,
            },
            chart::IndexSeries {
                name: lang.pick("食品 CPI", "CPI food"),
                values: &self.food,
                thresholds: &self.food_threshold,
            },
        ];
        if self.formula_reads_scpi || self.scpi_threshold.iter().any(Option::is_some) {
            out.push(chart::IndexSeries {
                name: "SCPI",
                values: &self.scpi,
                thresholds: &self.scpi_threshold,
            });
        }
        out
    }

    fn svg(&self, title: &str, lang: Lang) -> Result<String> {
        chart::index_chart(
            title,
            &self.months,
            &self.series(lang),
            &self.triggered,
            lang,
        )
    }
}

/// The charts of `--chart PATH`, as (file, SVG): one chart when every area is judged alike in
/// every month (one national series and trigger), else one per area, `PATH` with `-<area id>`
/// before `.svg`.
pub fn charts(
    policy: &Policy,
    view: &MonthView,
    path: &str,
    from: Month,
    to: Month,
    lang: Lang,
) -> Result<Vec<(String, String)>> {
    let data: Vec<(usize, ChartData)> = (0..policy.area_ids.len())
        .map(|a| (a, ChartData::of(view.table, a)))
        .collect();
    let span = if from == to {
        from.to_string()
    } else {
        format!("{from}..{to}")
    };
    let title = |area: Option<&str>| {
        let area = area.map(|a| format!(" · {a}")).unwrap_or_default();
        match lang {
            Lang::Zh => format!(
                "{}{area}：价格指数与启动条件（指数月份 {span}）",
                policy.name()
            ),
            Lang::En => format!(
                "{}{area}: price index and trigger thresholds (index months {span})",
                policy.name()
            ),
        }
    };
    let alike = data.windows(2).all(|w| w[0].1 == w[1].1);
    if alike {
        let Some((_, d)) = data.first() else {
            return Ok(Vec::new());
        };
        return Ok(vec![(path.to_string(), d.svg(&title(None), lang)?)]);
    }
    let stem = &path[..path.len() - ".svg".len()];
    data.iter()
        .map(|(a, d)| {
            let id = policy.area_key(*a).unwrap_or("all");
            let name = policy
                .file
                .areas
                .get(id)
                .map_or(id, |area| area.name.as_str());
            Ok((format!("{stem}-{id}.svg"), d.svg(&title(Some(name)), lang)?))
        })
        .collect()
}

/// The charts, drawn already, as outputs of the run.
pub fn add_charts(group: &mut output::OutputGroup, charts: &[(String, String)]) -> Result<()> {
    for (path, svg) in charts {
        let out = group.push(
            Output::open(Some(path)).with_context(|| format!("cannot create the chart {path}"))?,
        );
        out.write_all(svg.as_bytes())?;
    }
    Ok(())
}
