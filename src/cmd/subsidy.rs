//! `jiuzhu subsidy`: the price-subsidy linkage (价格临时补贴) month by month: whether the
//! mechanism fired in each index month, by which index, against which thresholds, and the
//! per-person amount of every group and area; given a roster, the amount for every household
//! and pay month, with totals per pay month and group that add up to the rows exactly.
//!
//! The rules are in [`crate::rules::price_subsidy`]; this module reads the files, runs them over
//! the
//! range and writes the results.

use crate::chart;
use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::household::columns::Column;
use crate::household::{Household, Residence, RowParser};
use crate::index::IndexSeries;
use crate::lang::Lang;
use crate::money::{fmt_money, fmt_plain};
use crate::month::Month;
use crate::output::{self, Format, Output, table, text_cell};
use crate::pipeline::{self, Row};
use crate::policy::model::{FormulaMode, PriceSubsidy};
use crate::policy::{GROUPS, MonthParams, Policy};
use crate::rules::price_subsidy::{
    self as ps_rules, AreaMonth, HouseholdState, HouseholdSubsidy, MonthState, SubsidyTable,
    basis_of, covers, group_zh,
};
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;

/// The price-subsidy linkage: per index month, triggered or not, and the amounts.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu subsidy -p examples/subsidy-demo.toml --index examples/cpi.csv --from 2022-01 --to 2022-12\n  jiuzhu subsidy -p policy.toml --index cpi.csv --from 2022-07 --to 2022-10 roster.csv --format csv -o subsidy.csv --totals totals.csv\n  jiuzhu subsidy -p policy.toml --index cpi.csv --from 2022-01 --to 2023-06 --chart cpi.svg\n\n--from/--to name index months (the months the prices are about); each month's subsidy is paid index_lag months later. The trigger, the formula and the 低保 standard are those in force in the index month. An index month without a row in the index file is undetermined (exit 1), never \"not triggered\"."
)]
pub struct SubsidyArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the price index series (CSV: `month,cpi,food[,scpi][,area]`)
    #[arg(long, value_name = "FILE")]
    pub index: String,
    /// first index month (default: the first month of the index file)
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<Month>,
    /// last index month (default: the last month of the index file)
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<Month>,
    /// a roster (CSV or .xlsx/.xls/.ods workbook; `-` is stdin): compute every household's amount
    #[arg(value_name = "ROSTER")]
    pub roster: Option<String>,
    /// with a roster, also write the totals per pay month and group to FILE (CSV)
    #[arg(long, value_name = "FILE", requires = "roster")]
    pub totals: Option<String>,
    /// draw the index against its thresholds, triggered months shaded, into FILE.svg (one
    /// file per area, FILE-<area>.svg, when areas are judged differently)
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Columns of the month view (csv/json), one row per index month, area, group and residence.
pub const MONTH_COLUMNS: &[&str] = &[
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
    "per_person",
    "month_status",
    "scpi_threshold",
    "covered",
    "basis",
    "mode",
    "index_used",
    "index_value",
    "standard",
];

/// Columns of the household rows (csv/json), one row per household and pay month, before the
/// roster's carried columns.
pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "household_id",
    "township",
    "head_name",
    "head_id",
    "pay_month",
    "persons",
    "amount",
    "index_month",
    "area",
    "residence",
    "outcome",
    "group",
    "per_person",
    "groups",
    "status",
    "reasons",
    "row",
];

/// Columns of the totals: per pay month and paying group, and per pay month (`group = all`).
pub const TOTAL_COLUMNS: &[&str] = &["pay_month", "group", "households", "persons", "amount"];

/// Runs `subsidy`.
pub fn run(args: SubsidyArgs) -> Result<i32> {
    let lang = args.out.lang;
    let inputs = super::input_files(
        &args.policy,
        &[
            ("--index", Some(&args.index)),
            ("ROSTER", args.roster.as_ref()),
        ],
        &args.input,
    );
    output::refuse_same_files(
        &inputs,
        &super::output_files(
            &args.out,
            &[
                ("--totals", args.totals.as_ref()),
                ("--chart", args.chart.as_ref()),
            ],
        ),
        lang,
    )?;
    let policy = super::load_policy_file(&args.policy, lang)?;
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        bail!(ps_rules::SubsidyError::NoPriceSubsidy {
            path: policy.path.clone()
        });
    };
    if args.index == "-" && args.roster.as_deref() == Some("-") {
        bail!("--index - and ROSTER - cannot both read stdin: give one of them as a file");
    }
    let index = IndexSeries::load(&args.index)?;
    let (first, last) = index.span();
    let from = args.from.unwrap_or(first);
    let to = args.to.unwrap_or(last);
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    if to.since(from) >= 1200 {
        bail!("--from {from} --to {to}: a range of at most 100 years, please");
    }
    if let Some(c) = &args.chart {
        crate::chart::check_svg_path(c)?;
    }
    if let Some(w) = policy.check_verified(to, args.policy.strict)? {
        eprintln!("jiuzhu: warning: {w}");
    }
    let table = SubsidyTable::build(&policy, &index, from, to)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    if format == Format::Xlsx {
        bail!("subsidy writes table, csv or json; .xlsx workbooks are written by payouts");
    }
    let view = MonthView::new(&policy, ps, &table, &index);
    let months_ok = table
        .months
        .values()
        .all(|am| am.status.state.is_determined());
    // Drawn before any output is written: a chart that cannot be drawn stops the run with
    // nothing written, and the files are saved only after the main output is committed.
    let charts = match &args.chart {
        Some(path) => charts(&policy, &view, path, from, to, lang)?,
        None => Vec::new(),
    };
    if charts.len() > 1 {
        let names: Vec<&str> = charts.iter().map(|(p, _)| p.as_str()).collect();
        let mut outs = super::output_files(&args.out, &[("--totals", args.totals.as_ref())]);
        outs.extend(names.iter().map(|n| ("--chart", *n)));
        output::refuse_same_files(&inputs, &outs, lang)?;
    }
    // Every output of the run is committed together, once all of them are complete.
    let mut group = output::OutputGroup::new(lang);
    let out =
        group.push(Output::create(&args.out, format).context("cannot create the output file")?);
    let code = match &args.roster {
        None => {
            let text = match format {
                Format::Csv => view.csv()?,
                Format::Json => {
                    let mut v = view.json_header(&args.index, from, to);
                    v["rows"] = Value::Array(view.rows().into_iter().map(object).collect());
                    serde_json::to_string_pretty(&v)? + "\n"
                }
                _ => view.table(lang),
            };
            output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
            add_charts(&mut group, &charts)?;
            group.commit()?;
            view.print_summary(lang, from, to);
            if months_ok { EXIT_OK } else { EXIT_ROWS }
        }
        Some(roster) => {
            let (summary, parser) =
                households(&args, roster, &policy, &table, &view, format, out, from, to)?;
            if let Some(path) = &args.totals {
                group.push(totals_output(path, &summary.totals)?);
            }
            add_charts(&mut group, &charts)?;
            group.commit()?;
            view.print_summary(lang, from, to);
            print_household_summary(&summary, lang);
            let members_clean = super::report_members(&parser, lang);
            if months_ok && summary.all_decided() && members_clean {
                EXIT_OK
            } else {
                EXIT_ROWS
            }
        }
    };
    output::report_closed_pipe(lang);
    if charts.len() > 1 {
        let names: Vec<&str> = charts.iter().map(|(p, _)| p.as_str()).collect();
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("各地区启动情况不同，按地区分别作图：{}", names.join("、")),
                Lang::En => format!(
                    "the areas are judged differently: one chart per area: {}",
                    names.join(", ")
                ),
            }
        );
    }
    Ok(code)
}

/// One area's index months as a chart reads them, taken from the trigger tests already made
/// ([`SubsidyTable`]): the published values, the thresholds in force in each month (they step
/// where a dated trigger entry starts or ends), and whether the month fired.
#[derive(Debug, PartialEq)]
struct ChartData {
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
fn charts(
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

/// The month-by-month view: what the rules found for every index month and area.
struct MonthView<'a> {
    policy: &'a Policy,
    ps: &'a PriceSubsidy,
    table: &'a SubsidyTable,
    /// the policy's groups, in the documented group order
    groups: Vec<&'a str>,
    has_scpi: bool,
}

fn bool_value(b: Option<bool>) -> Value {
    b.map(Value::Bool).unwrap_or(Value::Null)
}

/// A percentage as statistical bulletins print it: at least one decimal (`3.0`, `-0.5`, `8.75`).
fn fmt_pct(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() == 0 {
        format!("{n}.0")
    } else {
        n.to_string()
    }
}

fn plain(v: Option<Decimal>) -> Value {
    v.map(|d| Value::String(fmt_pct(d)))
        .unwrap_or(Value::String(String::new()))
}

fn money(v: Option<Decimal>) -> Value {
    v.map(|d| Value::String(fmt_money(d)))
        .unwrap_or(Value::String(String::new()))
}

fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

fn object(fields: Vec<(&'static str, Value)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A JSON value as a CSV cell: booleans `true`/`false`, null empty.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl<'a> MonthView<'a> {
    fn new(
        policy: &'a Policy,
        ps: &'a PriceSubsidy,
        table: &'a SubsidyTable,
        index: &IndexSeries,
    ) -> MonthView<'a> {
        let mut groups: Vec<&str> = ps.groups.keys().map(String::as_str).collect();
        groups.sort_by_key(|g| GROUPS.iter().position(|k| k == g).unwrap_or(usize::MAX));
        let has_scpi = index.has_scpi
            || ps.trigger.iter().any(|t| t.scpi.is_some())
            || ps
                .formula
                .iter()
                .any(|f| f.index == crate::policy::model::IndexKind::Scpi);
        MonthView {
            policy,
            ps,
            table,
            groups,
            has_scpi,
        }
    }

    fn area_id(&self, am: &AreaMonth) -> String {
        am.status.area_key.clone().unwrap_or_default()
    }

    /// The month-level fields shared by every row of a month and area.
    fn month_fields(&self, am: &AreaMonth) -> Vec<(&'static str, Value)> {
        let s = &am.status;
        let v = s.values.unwrap_or_default();
        let determined = s.state.is_determined();
        vec![
            ("index_month", text(s.index_month.to_string())),
            ("pay_month", text(s.pay_month.to_string())),
            ("triggered", bool_value(s.triggered())),
            (
                "trigger",
                text(if determined || s.fired.any() {
                    s.fired.name()
                } else {
                    ""
                }),
            ),
            ("cpi", plain(v.cpi)),
            ("food", plain(v.food)),
            ("scpi", plain(v.scpi)),
            (
                "cpi_threshold",
                plain(s.cpi_threshold.as_ref().map(|p| p.value)),
            ),
            (
                "food_threshold",
                plain(s.food_threshold.as_ref().map(|p| p.value)),
            ),
        ]
    }

    /// The flat rows: per index month, area, group and residence.
    fn rows(&self) -> Vec<Vec<(&'static str, Value)>> {
        let mut rows = Vec::new();
        for am in self.table.months.values() {
            let s = &am.status;
            let formula = s
                .formula
                .as_ref()
                .filter(|_| s.state == MonthState::Triggered);
            for group in &self.groups {
                let base = covers(self.ps, &s.trigger, group);
                for residence in [Residence::Urban, Residence::Rural] {
                    let basis = base.and_then(|b| basis_of(b, Some(residence)));
                    let per_person = am.group_amount(self.ps, group, Some(residence));
                    let standard = basis
                        .and_then(|b| am.on(b))
                        .and_then(|p| p.standard.as_ref())
                        .map(|p| p.value);
                    let mut row = self.month_fields(am);
                    row.extend([
                        ("group", text(*group)),
                        ("area", text(self.area_id(am))),
                        ("residence", text(residence.name())),
                        ("per_person", money(per_person)),
                        ("month_status", text(s.state.name())),
                        (
                            "scpi_threshold",
                            plain(s.scpi_threshold.as_ref().map(|p| p.value)),
                        ),
                        (
                            "covered",
                            bool_value(s.triggered().map(|t| t && base.is_some())),
                        ),
                        (
                            "basis",
                            text(
                                basis
                                    .filter(|_| formula.is_some())
                                    .map(|b| b.name())
                                    .unwrap_or(""),
                            ),
                        ),
                        ("mode", text(formula.map(|f| f.mode.name()).unwrap_or(""))),
                        (
                            "index_used",
                            text(s.formula_index.map(|(k, _)| k.name()).unwrap_or("")),
                        ),
                        ("index_value", plain(s.formula_index.map(|(_, v)| v))),
                        ("standard", money(standard)),
                    ]);
                    rows.push(row);
                }
            }
        }
        rows
    }

    fn csv(&self) -> Result<String> {
        let mut w = output::csv_writer(Vec::new());
        w.write_record(MONTH_COLUMNS)?;
        for row in self.rows() {
            w.write_record(row.iter().map(|(_, v)| text_cell(&cell(v)).into_owned()))?;
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }

    /// One summary object per index month and area.
    fn month_summaries(&self) -> Vec<Value> {
        self.table
            .months
            .values()
            .map(|am| {
                let s = &am.status;
                let mut f = self.month_fields(am);
                let formula = s
                    .formula
                    .as_ref()
                    .filter(|_| s.state == MonthState::Triggered);
                let missing = match &s.state {
                    MonthState::Incomplete(cols) => cols.join(";"),
                    MonthState::Missing => "index_row".to_string(),
                    _ => String::new(),
                };
                f.extend([
                    ("area", text(self.area_id(am))),
                    ("month_status", text(s.state.name())),
                    ("missing", text(missing)),
                    (
                        "scpi_threshold",
                        plain(s.scpi_threshold.as_ref().map(|p| p.value)),
                    ),
                    ("trigger_from", text(s.trigger.from.to_string())),
                    (
                        "extra_groups",
                        text(if s.state == MonthState::Triggered {
                            s.trigger.extra_groups.join(";")
                        } else {
                            String::new()
                        }),
                    ),
                    ("mode", text(formula.map(|f| f.mode.name()).unwrap_or(""))),
                    (
                        "formula_from",
                        text(formula.map(|f| f.from.to_string()).unwrap_or_default()),
                    ),
                    (
                        "index_used",
                        text(s.formula_index.map(|(k, _)| k.name()).unwrap_or("")),
                    ),
                    ("index_value", plain(s.formula_index.map(|(_, v)| v))),
                    (
                        "urban_per_person",
                        money(am.urban.as_ref().map(|p| p.amount)),
                    ),
                    (
                        "rural_per_person",
                        money(am.rural.as_ref().map(|p| p.amount)),
                    ),
                    (
                        "index_line",
                        text(s.index_line.map(|l| l.to_string()).unwrap_or_default()),
                    ),
                ]);
                object(f)
            })
            .collect()
    }

    fn json_header(&self, index_file: &str, from: Month, to: Month) -> Value {
        let mut v = output::json_header(self.policy);
        v["index_file"] = text(index_file);
        v["from"] = text(from.to_string());
        v["to"] = text(to.to_string());
        v["index_lag"] = Value::from(self.ps.index_lag);
        v["months"] = Value::Array(self.month_summaries());
        v
    }

    /// "CPI≥3.5 食品≥6": the thresholds in force.
    fn thresholds(&self, am: &AreaMonth, lang: Lang) -> String {
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
    fn formula_brief(&self, am: &AreaMonth, lang: Lang) -> String {
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

    fn result(&self, am: &AreaMonth, lang: Lang) -> String {
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

    fn amount_cell(am: &AreaMonth, p: Option<&ps_rules::PersonAmount>) -> String {
        match am.status.state {
            MonthState::Triggered => p.map(|p| fmt_money(p.amount)).unwrap_or_default(),
            MonthState::NotTriggered => "-".into(),
            _ => "?".into(),
        }
    }

    /// The cells of a month and area that do not depend on the area's standard: the index,
    /// the thresholds, the result, the formula, the extra groups.
    fn month_cells(&self, am: &AreaMonth, lang: Lang) -> Vec<String> {
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

    fn area_name(&self, am: &AreaMonth) -> String {
        let id = self.area_id(am);
        self.policy
            .file
            .areas
            .get(&id)
            .map(|a| a.name.clone())
            .unwrap_or(id)
    }

    /// The index months of the range, each with its areas' computations.
    fn by_month(&self) -> Vec<(Month, Vec<&AreaMonth>)> {
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
    fn table(&self, lang: Lang) -> String {
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

    /// Which groups are paid on which standard, under the table.
    fn legend(&self, lang: Lang) -> String {
        let windowed = |g: &str| {
            self.ps
                .trigger
                .iter()
                .any(|t| t.extra_groups.iter().any(|e| e == g))
        };
        let name = |g: &str| {
            let n = match lang {
                Lang::Zh => group_zh(g).to_string(),
                Lang::En => g.to_string(),
            };
            if windowed(g) { format!("{n}*") } else { n }
        };
        let by = |want: crate::policy::model::Base| {
            self.groups
                .iter()
                .filter(|g| self.ps.groups.get(**g) == Some(&want))
                .map(|g| name(g))
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "))
        };
        use crate::policy::model::Base;
        let mut parts = Vec::new();
        for (base, zh, en) in [
            (Base::Own, "按本人城乡标准", "own residence"),
            (Base::Urban, "按城市标准", "urban standard"),
            (Base::Rural, "按农村标准", "rural standard"),
        ] {
            let list = by(base);
            if !list.is_empty() {
                parts.push(match lang {
                    Lang::Zh => format!("{list}（{zh}）"),
                    Lang::En => format!("{list} ({en})"),
                });
            }
        }
        let mut s = match lang {
            Lang::Zh => format!("补贴对象：{}", parts.join("；")),
            Lang::En => format!("groups: {}", parts.join("; ")),
        };
        if self.groups.iter().any(|g| windowed(g)) {
            s += lang.pick(
                "；* 仅在临时扩围期间",
                "; * only while a trigger entry naming them is in force",
            );
        }
        s += lang.pick(
            "。同时属于多个类别的，按最高标准发放一份。\n",
            ". A person in several groups is paid once, at the highest amount.\n",
        );
        s
    }

    fn print_summary(&self, lang: Lang, from: Month, to: Month) {
        let mut triggered = Vec::new();
        let mut undetermined = Vec::new();
        let mut not = 0usize;
        for (m, ams) in self.by_month() {
            let fired: Vec<&&AreaMonth> = ams
                .iter()
                .filter(|am| am.status.state == MonthState::Triggered)
                .collect();
            let open: Vec<&&AreaMonth> = ams
                .iter()
                .filter(|am| !am.status.state.is_determined())
                .collect();
            let label = |some: &[&&AreaMonth]| {
                if some.len() == ams.len() {
                    m.to_string()
                } else {
                    let names: Vec<String> = some.iter().map(|am| self.area_name(am)).collect();
                    format!("{m} ({})", names.join(" "))
                }
            };
            if !fired.is_empty() {
                triggered.push(label(&fired));
            }
            if !open.is_empty() {
                undetermined.push(label(&open));
            }
            if fired.is_empty() && open.is_empty() {
                not += 1;
            }
        }
        let months = to.since(from) + 1;
        // The months of a count, after it in brackets (with a note), when there are any.
        let listed = |items: &[String], zh_note: &str, en_note: &str| {
            if items.is_empty() {
                String::new()
            } else {
                match lang {
                    Lang::Zh => format!("（{}{zh_note}）", items.join("、")),
                    Lang::En => format!(" ({}{en_note})", items.join(", ")),
                }
            }
        };
        let triggered_list = listed(&triggered, "", "");
        let undetermined_list = listed(
            &undetermined,
            "：指数缺失或为空",
            ": index row missing or empty",
        );
        match lang {
            Lang::Zh => eprintln!(
                "jiuzhu subsidy 指数月份 {from}..{to}（{months} 个月）：启动 {} 个月{triggered_list}，未启动 {not} 个月，待定 {} 个月{undetermined_list}",
                triggered.len(),
                undetermined.len(),
            ),
            Lang::En => eprintln!(
                "jiuzhu subsidy index months {from}..{to} ({months} months): {} triggered{triggered_list}, {not} not triggered, {} undetermined{undetermined_list}",
                triggered.len(),
                undetermined.len(),
            ),
        }
    }
}

/// Totals per (pay month, group): households, persons, amount.
type Totals = BTreeMap<(Month, String), (u64, u64, Decimal)>;

#[derive(Default)]
struct Summary {
    /// household-months per outcome, in [`HouseholdState::ALL`] order
    counts: [u64; 6],
    households: u64,
    totals: Totals,
    problems: Vec<String>,
    problem_count: u64,
    /// a sum of amounts left the exact decimal range: the run stops before anything is kept
    overflow: bool,
}

const KEEP_PROBLEMS: usize = 20;

impl Summary {
    fn all_decided(&self) -> bool {
        self.counts[3..].iter().all(|c| *c == 0)
    }

    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < KEEP_PROBLEMS {
            self.problems.push(p);
        }
    }

    fn merge(&mut self, other: Summary) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.households += other.households;
        for (k, (h, p, a)) in other.totals {
            let e = self.totals.entry(k).or_default();
            e.0 += h;
            e.1 += p;
            self.overflow |= crate::money::add_to(&mut e.2, a).is_err();
        }
        self.overflow |= other.overflow;
        self.problem_count += other.problem_count - other.problems.len() as u64;
        for p in other.problems {
            self.problem(p);
        }
    }

    fn add(&mut self, s: &HouseholdSubsidy) {
        let i = HouseholdState::ALL
            .iter()
            .position(|x| *x == s.state)
            .unwrap_or(0);
        self.counts[i] += 1;
        if s.state == HouseholdState::Paid {
            // Per paying group: a household whose persons are paid at different groups (a
            // members file) counts in each of them with those persons and their amount, so
            // the groups' persons and amounts add up to the `all` line (its households may not).
            let mut groups: Vec<&str> = Vec::with_capacity(s.shares.len());
            for share in &s.shares {
                let e = self
                    .totals
                    .entry((s.pay_month, share.group.to_string()))
                    .or_default();
                if !groups.contains(&share.group) {
                    e.0 += 1;
                    groups.push(share.group);
                }
                e.1 += u64::from(share.persons);
                self.overflow |= crate::money::add_to(&mut e.2, share.amount()).is_err();
            }
            let e = self
                .totals
                .entry((s.pay_month, "all".to_string()))
                .or_default();
            e.0 += 1;
            e.1 += u64::from(s.persons.unwrap_or(0));
            self.overflow |= crate::money::add_to(&mut e.2, s.amount).is_err();
        }
    }

    /// The total paid over every pay month, exactly, or the overflow that stops the run.
    fn grand_total(&self) -> Result<Decimal, crate::money::AmountOverflow> {
        if self.overflow {
            return Err(crate::money::AmountOverflow);
        }
        crate::money::checked_sum(
            self.totals
                .iter()
                .filter(|((_, g), _)| g == "all")
                .map(|(_, t)| t.2),
        )
    }

    /// Totals rows: each pay month's groups, then its `all` line.
    fn total_rows(&self) -> Vec<(Month, &str, u64, u64, Decimal)> {
        let mut rows: Vec<_> = self
            .totals
            .iter()
            .map(|((m, g), (h, p, a))| (*m, g.as_str(), *h, *p, *a))
            .collect();
        rows.sort_by_key(|(m, g, ..)| {
            (
                *m,
                *g == "all",
                GROUPS.iter().position(|k| k == g).unwrap_or(usize::MAX),
            )
        });
        rows
    }
}

struct Ctx<'a> {
    policy: &'a Policy,
    table: &'a SubsidyTable,
    params: &'a BTreeMap<Month, MonthParams>,
    parser: &'a RowParser<'a>,
    months: Vec<Month>,
    format: Format,
    lang: Lang,
    extra_headers: Vec<String>,
}

struct ChunkOut {
    bytes: Vec<u8>,
    /// table: one line per household, one cell per pay month
    pivot: Vec<Vec<String>>,
    summary: Summary,
}

impl Ctx<'_> {
    fn parse(&self, row: &Row) -> Household {
        let mut h = self.parser.parse(row.line, |i| row.record.get(i));
        if let Some(first) = row.duplicate_of {
            h.errors.push(crate::household::RowError {
                row: row.line,
                column: "household_id".into(),
                value: h.id.clone(),
                code: "duplicate_household_id",
                zh: format!("户编号与第 {first} 行重复：每户只能出现一次"),
                en: format!("household_id repeats row {first}: each household appears once"),
            });
        }
        h
    }

    /// The household's subsidy for one index month: the household's rules are evaluated only
    /// for a triggered month, with the parameters of that index month.
    fn subsidy(&self, h: &Household, month: Month) -> HouseholdSubsidy {
        self.table.household_in(self.policy, self.params, h, month)
    }

    fn fields(&self, h: &Household, s: &HouseholdSubsidy) -> Vec<(&'static str, String)> {
        let reasons = match s.state {
            HouseholdState::Invalid => h
                .errors
                .iter()
                .map(|e| format!("{}:{}", e.code, e.column))
                .collect::<Vec<_>>()
                .join(";"),
            HouseholdState::Undetermined => s
                .missing
                .iter()
                .map(|c| format!("missing:{}", c.name()))
                .collect::<Vec<_>>()
                .join(";"),
            _ => String::new(),
        };
        let paid = s.state == HouseholdState::Paid;
        vec![
            ("household_id", h.id.clone()),
            ("township", h.township.clone()),
            ("head_name", h.head_name.clone()),
            ("head_id", h.head_id.clone()),
            ("pay_month", s.pay_month.to_string()),
            (
                "persons",
                s.persons
                    .or(h.members)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
            (
                "amount",
                if s.state.is_decided() {
                    fmt_money(s.amount)
                } else {
                    String::new()
                },
            ),
            ("index_month", s.index_month.to_string()),
            (
                "area",
                h.area
                    .and_then(|a| self.policy.area_key(a))
                    .unwrap_or("")
                    .to_string(),
            ),
            (
                "residence",
                h.residence.map(|r| r.name()).unwrap_or("").to_string(),
            ),
            ("outcome", s.state.name().to_string()),
            // Persons paid at different groups (a members file): every paying group, highest
            // first, and no single per-person amount (the amount is the sum of the shares).
            (
                "group",
                if s.shares.len() > 1 {
                    let mut g: Vec<&str> = s.shares.iter().map(|x| x.group).collect();
                    g.dedup();
                    g.join(";")
                } else {
                    s.group.unwrap_or("").to_string()
                },
            ),
            (
                "per_person",
                if paid && s.shares.len() <= 1 {
                    fmt_money(s.per_person)
                } else {
                    String::new()
                },
            ),
            ("groups", s.groups.join(";")),
            ("status", h.status.name().to_string()),
            ("reasons", reasons),
            ("row", h.row.to_string()),
        ]
    }

    fn work(&self, rows: &[Row]) -> ChunkOut {
        let mut out = ChunkOut {
            bytes: Vec::with_capacity(rows.len() * self.months.len() * 120),
            pivot: Vec::new(),
            summary: Summary::default(),
        };
        let mut csv = (self.format == Format::Csv).then(|| output::csv_writer(Vec::new()));
        for row in rows {
            let h = self.parse(row);
            out.summary.households += 1;
            if !h.is_valid() {
                for e in &h.errors {
                    out.summary.problem(e.describe(self.lang));
                }
            }
            let area = h.area.and_then(|a| self.policy.area_key(a)).unwrap_or("");
            let mut cells = vec![
                h.id.clone(),
                h.head_name.clone(),
                output::id_cell(&h.head_id, Format::Table, true).into_owned(),
                self.policy
                    .file
                    .areas
                    .get(area)
                    .map_or(area, |a| a.name.as_str())
                    .to_string(),
                h.residence
                    .map(|r| match self.lang {
                        Lang::Zh => r.zh(),
                        Lang::En => r.name(),
                    })
                    .unwrap_or("")
                    .to_string(),
                h.members.map(|m| m.to_string()).unwrap_or_default(),
            ];
            let mut groups = String::new();
            let mut total = Decimal::ZERO;
            let mut all_decided = true;
            for &m in &self.months {
                let s = self.subsidy(&h, m);
                out.summary.add(&s);
                if s.state == HouseholdState::Undetermined {
                    out.summary.problem(output::missing_problem(
                        h.row,
                        &h.id,
                        Some(s.index_month),
                        &s.missing,
                        self.lang,
                    ));
                }
                if groups.is_empty() && !s.groups.is_empty() {
                    groups = s
                        .groups
                        .iter()
                        .map(|g| match self.lang {
                            Lang::Zh => group_zh(g).to_string(),
                            Lang::En => g.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(self.lang.pick("、", ", "));
                }
                let fields = self.fields(&h, &s);
                match self.format {
                    Format::Csv => {
                        if let Some(w) = csv.as_mut() {
                            let _ = w.write_record(
                                fields
                                    .iter()
                                    .map(|(_, v)| text_cell(v).into_owned())
                                    .chain(h.extra.iter().map(|v| text_cell(v).into_owned())),
                            );
                        }
                    }
                    Format::Json => {
                        if !out.bytes.is_empty() {
                            out.bytes.extend_from_slice(b",\n");
                        }
                        let mut all: Vec<(&str, &str)> =
                            fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        for (name, v) in self.extra_headers.iter().zip(&h.extra) {
                            all.push((name, v));
                        }
                        output::json_object(&mut out.bytes, all);
                    }
                    _ => {
                        // A household's months add up to at most the run's grand total, which
                        // is checked before anything is kept; past the range, this line is
                        // discarded with the run.
                        total = crate::money::checked_add(total, s.amount).unwrap_or(total);
                        all_decided &= s.state.is_decided();
                        cells.push(match s.state {
                            HouseholdState::Paid => fmt_money(s.amount),
                            HouseholdState::NotTriggered => "-".into(),
                            HouseholdState::NotCovered => "0.00".into(),
                            HouseholdState::MissingIndex | HouseholdState::Undetermined => {
                                "?".into()
                            }
                            HouseholdState::Invalid => self.lang.pick("无效", "invalid").into(),
                        });
                    }
                }
            }
            if self.format == Format::Table {
                cells.insert(TABLE_LEAD - 1, groups);
                // A household with an undetermined month has no total yet.
                cells.push(if all_decided {
                    fmt_money(total)
                } else {
                    "?".into()
                });
                out.pivot.push(cells);
            }
        }
        if let Some(w) = csv {
            out.bytes = w.into_inner().unwrap_or_default();
        }
        out
    }
}

/// Goes through the roster, writing one row per household and index month; returns the
/// counts and totals.
// The run's inputs (arguments, policy, table, view) and outputs are all needed here; bundling
// them into a struct used once would only move the list.
#[allow(clippy::too_many_arguments)]
fn households<'p>(
    args: &SubsidyArgs,
    roster: &str,
    policy: &'p Policy,
    table: &SubsidyTable,
    view: &MonthView,
    format: Format,
    out: &mut Output,
    from: Month,
    to: Month,
) -> Result<(Summary, RowParser<'p>)> {
    // The 低保 standard and the other rules' parameters in force in each triggered index
    // month: a household's groups there depend on them.
    let params = table.triggered_params(policy)?;
    let (mut source, parser) = super::open_roster(roster, &args.input, policy, args.out.lang)?;
    // Persons' ages and uplift groups as in the first triggered index month (the means test
    // that decides the 低保 group is that month's); with no month triggered nothing depends
    // on them, and the last index month's rules read the file.
    let parser = match (&args.input.members, params.values().next()) {
        (None, _) => parser,
        (Some(_), Some(first)) => {
            super::attach_members(parser, &args.input, policy, first, args.out.lang)?
        }
        (Some(_), None) => {
            let last = policy
                .month_params(to)
                .with_context(|| format!("--members: the rules in force in {to}"))?;
            super::attach_members(parser, &args.input, policy, &last, args.out.lang)?
        }
    };
    let lang = args.out.lang;
    let extra_headers: Vec<String> = parser
        .header_map()
        .extra
        .iter()
        .map(|(_, h)| h.clone())
        .collect();
    let ctx = Ctx {
        policy,
        table,
        params: &params,
        parser: &parser,
        months: table.index_months().collect(),
        format,
        lang,
        extra_headers,
    };
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(
                HOUSEHOLD_COLUMNS
                    .iter()
                    .map(|c| c.to_string())
                    .chain(ctx.extra_headers.iter().map(|s| text_cell(s).into_owned())),
            )?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let mut head = serde_json::to_string(&view.json_header(&args.index, from, to))?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"households\":[\n")?;
        }
        _ => {}
    }
    let mut summary = Summary::default();
    let mut pivot = Vec::new();
    let mut chunks = output::ChunkWriter::new(format, b",\n");
    let id_field = parser.header_map().get(Column::HouseholdId);
    pipeline::stream(
        source.as_mut(),
        id_field,
        |rows| ctx.work(rows),
        |chunk| {
            summary.merge(chunk.summary);
            chunks.write(out, &chunk.bytes)?;
            pivot.extend(chunk.pivot);
            Ok(())
        },
    )
    .with_context(|| format!("roster {roster}"))?;
    summary
        .grand_total()
        .map_err(|e| anyhow::anyhow!("{}", lang.pick(e.zh(), e.en())))?;
    match format {
        Format::Json => {
            let totals: Vec<Value> = summary
                .total_rows()
                .into_iter()
                .map(|(m, g, h, p, a)| {
                    object(vec![
                        ("pay_month", text(m.to_string())),
                        ("group", text(g)),
                        ("households", Value::from(h)),
                        ("persons", Value::from(p)),
                        ("amount", text(fmt_money(a))),
                    ])
                })
                .collect();
            out.write_all(b"\n],\"totals\":")?;
            out.write_all(serde_json::to_string(&totals)?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        Format::Table => {
            let mut text = view.table(lang);
            text.push('\n');
            text += &household_table(&ctx, pivot, &summary);
            output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
        }
        _ => {}
    }
    Ok((summary, parser))
}

/// Columns of the household table before the pay months: household, head, head ID (masked),
/// area, residence, persons, groups.
const TABLE_LEAD: usize = 7;

/// The household table (one line per household, one column per pay month, a total line) and
/// the totals per pay month and group.
fn household_table(ctx: &Ctx, mut pivot: Vec<Vec<String>>, summary: &Summary) -> String {
    let lang = ctx.lang;
    let pay: Vec<String> = ctx
        .months
        .iter()
        .map(|m| {
            let lag = ctx
                .policy
                .file
                .price_subsidy
                .as_ref()
                .map_or(1, |p| p.index_lag);
            format!("{}{}", lang.pick("发放 ", "paid "), m.plus(lag))
        })
        .collect();
    let mut headers: Vec<&str> = vec![
        lang.pick("户编号", "household"),
        lang.pick("户主", "head"),
        lang.pick("户主身份证号", "head ID"),
        lang.pick("地区", "area"),
        lang.pick("城乡", "residence"),
        lang.pick("人数", "persons"),
        lang.pick("类别", "groups"),
    ];
    headers.extend(pay.iter().map(String::as_str));
    headers.push(lang.pick("合计", "total"));
    let mut total_row = vec![String::new(); headers.len()];
    total_row[0] = lang.pick("合计", "total").into();
    for (i, m) in ctx.months.iter().enumerate() {
        let lag = ctx
            .policy
            .file
            .price_subsidy
            .as_ref()
            .map_or(1, |p| p.index_lag);
        let t = summary
            .totals
            .get(&(m.plus(lag), "all".to_string()))
            .map(|t| t.2)
            .unwrap_or_default();
        total_row[TABLE_LEAD + i] = fmt_money(t);
    }
    let n = headers.len();
    // checked when the rows were read: the run stops before this table on an overflow
    total_row[n - 1] = fmt_money(summary.grand_total().unwrap_or_default());
    pivot.push(total_row);
    let right: Vec<&str> = headers[TABLE_LEAD..].to_vec();
    let mut s = table::render(&headers, &pivot, &right);
    s += lang.pick(
        "“-”未启动；“0.00”不在补贴范围；“?”待定（缺指数或缺数据）\n\n",
        "\"-\" not triggered; \"0.00\" no covered group; \"?\" undetermined (index or data missing)\n\n",
    );
    let th = [
        lang.pick("发放月份", "pay month"),
        lang.pick("类别", "group"),
        lang.pick("户数", "households"),
        lang.pick("人数", "persons"),
        lang.pick("金额", "amount"),
    ];
    let rows: Vec<Vec<String>> = summary
        .total_rows()
        .into_iter()
        .map(|(m, g, h, p, a)| {
            vec![
                m.to_string(),
                match (g, lang) {
                    ("all", Lang::Zh) => "合计".into(),
                    (g, Lang::Zh) => group_zh(g).to_string(),
                    (g, Lang::En) => g.to_string(),
                },
                h.to_string(),
                p.to_string(),
                fmt_money(a),
            ]
        })
        .collect();
    if !rows.is_empty() {
        s += &table::render(&th, &rows, &th[2..]);
    }
    s
}

/// The charts, drawn already, as outputs of the run.
fn add_charts(group: &mut output::OutputGroup, charts: &[(String, String)]) -> Result<()> {
    for (path, svg) in charts {
        let out = group.push(
            Output::open(Some(path)).with_context(|| format!("cannot create the chart {path}"))?,
        );
        out.write_all(svg.as_bytes())?;
    }
    Ok(())
}

/// The `--totals` file, written but not committed.
fn totals_output(path: &str, totals: &Totals) -> Result<Output> {
    let summary = Summary {
        totals: totals.clone(),
        ..Summary::default()
    };
    let mut w = output::csv_writer(Vec::new());
    w.write_record(TOTAL_COLUMNS)?;
    for (m, g, h, p, a) in summary.total_rows() {
        w.write_record([
            m.to_string(),
            g.to_string(),
            h.to_string(),
            p.to_string(),
            fmt_money(a),
        ])?;
    }
    let mut out = Output::open(Some(path)).with_context(|| format!("cannot create {path}"))?;
    out.write_all(&w.into_inner()?)?;
    Ok(out)
}

fn print_household_summary(s: &Summary, lang: Lang) {
    let counts: Vec<String> = HouseholdState::ALL
        .iter()
        .zip(s.counts)
        .filter(|(_, c)| *c > 0)
        .map(|(st, c)| match lang {
            Lang::Zh => format!("{} {c}", st.zh()),
            Lang::En => format!("{} {c}", st.name()),
        })
        .collect();
    let months: Vec<String> = s
        .total_rows()
        .into_iter()
        .filter(|(_, g, ..)| *g == "all")
        .map(|(m, _, h, _, a)| match lang {
            Lang::Zh => format!("{m} 发放 {h} 户 {} 元", fmt_money(a)),
            Lang::En => format!("{m}: {h} households, {}", fmt_money(a)),
        })
        .collect();
    // checked when the rows were read: the run stops before its summary on an overflow
    let grand = s.grand_total().unwrap_or_default();
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu subsidy：{} 户（户次：{}），发放合计 {} 元{}",
            s.households,
            counts.join("，"),
            fmt_money(grand),
            if months.is_empty() {
                String::new()
            } else {
                format!("；{}", months.join("；"))
            }
        ),
        Lang::En => eprintln!(
            "jiuzhu subsidy: {} households (household-months: {}), total paid {}{}",
            s.households,
            counts.join(", "),
            fmt_money(grand),
            if months.is_empty() {
                String::new()
            } else {
                format!("; {}", months.join("; "))
            }
        ),
    }
    for p in &s.problems {
        eprintln!("  {p}");
    }
    if s.problem_count > s.problems.len() as u64 {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "  …… 另有 {} 个问题（见输出的 reasons 列）",
                    s.problem_count - s.problems.len() as u64
                ),
                Lang::En => format!(
                    "  ... and {} more problems (see the reasons column)",
                    s.problem_count - s.problems.len() as u64
                ),
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Totals that leave the decimal range are an error of the run, never a panic or a
    /// wrapped figure: per pay month when chunks merge, and over the months in the grand total.
    #[test]
    fn totals_beyond_the_decimal_range_stop_the_run() {
        let month = |m: &str| m.parse::<Month>().unwrap();
        let chunk = |m: &str| {
            let mut s = Summary::default();
            s.totals
                .insert((month(m), "all".into()), (1, 1, Decimal::MAX));
            s
        };
        let mut one_month = chunk("2022-12");
        one_month.merge(chunk("2022-12"));
        assert!(one_month.overflow);
        assert!(one_month.grand_total().is_err());
        let mut two_months = chunk("2022-11");
        two_months.merge(chunk("2022-12"));
        assert!(!two_months.overflow);
        assert!(two_months.grand_total().is_err());
        assert_eq!(chunk("2022-12").grand_total(), Ok(Decimal::MAX));
    }
}
