//! Charts for people who would rather look than read, written as SVG.
//!
//! Only the SVG backend of `plotters` is used: no system font library is linked, and text is
//! written as SVG `<text>` that the viewer (a browser, WPS, Office) sets in its own fonts, so
//! Chinese labels show wherever the viewer has a Chinese font. Layout estimates text width
//! roughly; the charts leave room for it.
//!
//! Money stays `Decimal` everywhere else; here amounts and counts become `f64` only as pixel
//! coordinates, after every sum has been made.

use crate::lang::Lang;
use crate::month::Month;
use anyhow::{Result, bail};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

/// Width and height of every chart, in SVG pixels.
const SIZE: (u32, u32) = (960, 540);
/// At most this many bars in a histogram.
const MAX_BARS: i64 = 40;
const LOSS: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const GAIN: RGBColor = RGBColor(0x27, 0x8f, 0x4e);
const TRIGGERED: RGBColor = RGBColor(0xf5, 0xc6, 0xc0);
const MISSING: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);
const SERIES: [RGBColor; 4] = [
    RGBColor(0x1f, 0x5f, 0xa8),
    RGBColor(0xd3, 0x6b, 0x00),
    RGBColor(0x6a, 0x3d, 0x9a),
    RGBColor(0x00, 0x80, 0x80),
];
const FONT: &str = "sans-serif";

fn draw_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("cannot draw the chart: {e:?}")
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One bar of the gains-and-losses histogram: households (weighted) whose difference `d`
/// satisfies `from ≤ d < to` (whole yuan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// lower bound, yuan, inclusive
    pub from: i64,
    /// upper bound, yuan, exclusive
    pub to: i64,
    /// households in the bar
    pub households: Decimal,
}

/// Groups differences into at most 40 bars of a round width (1, 2, 5, 10, 20, 50, … yuan).
/// `counts` maps a difference's whole-yuan floor to the households with it; zero (unchanged)
/// is left out by the caller. Bars start at multiples of their width, so no bar holds both
/// gains and losses.
pub fn bars(counts: &BTreeMap<i64, Decimal>) -> Vec<Bar> {
    let (Some((&lo, _)), Some((&hi, _))) = (counts.first_key_value(), counts.last_key_value())
    else {
        return Vec::new();
    };
    let span = hi.saturating_sub(lo).saturating_add(1);
    let mut width = 1i64;
    'outer: for magnitude in 0..18 {
        for step in [1i64, 2, 5] {
            width = step.saturating_mul(10i64.saturating_pow(magnitude));
            if span.div_euclid(width) < MAX_BARS {
                break 'outer;
            }
        }
    }
    let mut out: Vec<Bar> = Vec::new();
    for (&k, &n) in counts {
        let from = k.div_euclid(width).saturating_mul(width);
        match out.last_mut() {
            Some(b) if b.from == from => b.households += n,
            _ => out.push(Bar {
                from,
                to: from.saturating_add(width),
                households: n,
            }),
        }
    }
    out
}

/// The distribution of per-household gains and losses as an SVG document: one bar per range
/// of differences, losses in red left of zero, gains in green right of it. `unchanged` is
/// stated in the caption (it would dwarf every other bar).
pub fn gains_losses_svg(
    title: &str,
    counts: &BTreeMap<i64, Decimal>,
    unchanged: Decimal,
    lang: Lang,
) -> Result<String> {
    let bars = bars(counts);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (x0, x1) = match (bars.first(), bars.last()) {
            (Some(a), Some(b)) => (a.from.min(0), b.to.max(0)),
            _ => (-1, 1),
        };
        let pad = ((x1 - x0) as f64 * 0.03).max(1.0);
        let top = bars
            .iter()
            .map(|b| to_f64(b.households))
            .fold(0.0f64, f64::max)
            .max(1.0)
            * 1.1;
        let unchanged_note = match lang {
            Lang::Zh => format!("不变 {} 户（未画出）", unchanged.normalize()),
            Lang::En => format!(
                "unchanged: {} households (not drawn)",
                unchanged.normalize()
            ),
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{title}  ·  {unchanged_note}"), (FONT, 20))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d((x0 as f64 - pad)..(x1 as f64 + pad), 0.0..top)
            .map_err(draw_err)?;
        let whole = |v: &f64| format!("{v:.0}");
        let households = |v: &f64| {
            if v.fract().abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&whole)
            .y_label_formatter(&households)
            .x_desc(lang.pick("每户变化（元）", "change per household (yuan)"))
            .y_desc(lang.pick("户数", "households"))
            .label_style((FONT, 14))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(bars.iter().map(|b| {
                let color = if b.from < 0 { LOSS } else { GAIN };
                Rectangle::new(
                    [(b.from as f64, 0.0), (b.to as f64, to_f64(b.households))],
                    color.filled(),
                )
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, top)],
                BLACK.stroke_width(1),
            )))
            .map_err(draw_err)?;
        if bars.is_empty() {
            root.draw(&Text::new(
                lang.pick("没有任何一户发生变化", "no household changes"),
                (SIZE.0 as i32 / 2 - 80, SIZE.1 as i32 / 2),
                (FONT, 22).into_font(),
            ))
            .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// One index of a price-subsidy chart, month by month (same length as the months).
#[derive(Debug, Clone, Copy)]
pub struct IndexSeries<'a> {
    /// its name as shown in the legend, e.g. `CPI` or `食品 CPI`
    pub name: &'a str,
    /// the year-on-year change in percent per month (`None`: no data for the month)
    pub values: &'a [Option<Decimal>],
    /// the trigger threshold in force per month (`None`: this index does not trigger then)
    pub thresholds: &'a [Option<Decimal>],
}

/// The price index against its trigger thresholds as an SVG document, for `subsidy --chart`:
/// one solid line per index, its threshold as a dashed line of the same colour (thresholds
/// change with the dated trigger entries), and the triggered months shaded, one band per month.
/// `months`, every series' `values` and `thresholds`, and `triggered` have the same length.
pub fn index_chart(
    title: &str,
    months: &[Month],
    series: &[IndexSeries<'_>],
    triggered: &[bool],
    lang: Lang,
) -> Result<String> {
    let n = months.len();
    if triggered.len() != n
        || series
            .iter()
            .any(|s| s.values.len() != n || s.thresholds.len() != n)
    {
        bail!("index chart: every series needs one value and one threshold per month");
    }
    let numbers = series
        .iter()
        .flat_map(|s| s.values.iter().chain(s.thresholds.iter()))
        .flatten()
        .map(|d| to_f64(*d));
    let (lo, hi) = numbers.fold((0.0f64, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = (lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.1);
    // A segmented range over 0..k has k + 1 segments; a single month gets an empty second
    // segment beside it, since a range of one value has no width to draw on.
    let last = i32::try_from(n.saturating_sub(1).max(1)).unwrap_or(1);
    let step = label_step(n);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let root = root
            .margin(12, 0, 20, 20)
            .titled(title, (FONT, title_size(title, SIZE.0 - 40)))
            .map_err(draw_err)?;
        // The legend has a column of its own on the right, so that it never covers a line or
        // a shaded month, wherever the data lie.
        let (plot, side) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
        // One segment per month: points sit at its centre, a triggered month shades it whole.
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(64)
            .build_cartesian_2d((0..last).into_segmented(), lo..hi)
            .map_err(draw_err)?;
        // Every month has a tick; labels only on calendar-aligned months (every month, every
        // quarter, January and July …) so that they never overlap.
        let label = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| months.get(i))
                .filter(|m| (m.month() - 1) % step.min(12) == 0)
                .filter(|m| step <= 12 || m.year().rem_euclid((step / 12) as i32) == 0)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.12))
            .x_labels(n.max(2))
            .y_labels(8)
            .x_label_formatter(&label)
            .y_label_formatter(&|v: &f64| format!("{v:.1}"))
            .x_desc(lang.pick("指数月份", "index month"))
            .y_desc(lang.pick("同比涨幅（%）", "year-on-year change (%)"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(
                triggered
                    .iter()
                    .zip(0i32..)
                    .filter(|(t, _)| **t)
                    .map(|(_, i)| {
                        Rectangle::new(
                            [
                                (SegmentValue::Exact(i), lo),
                                (SegmentValue::Exact(i + 1), hi),
                            ],
                            TRIGGERED.mix(0.6).filled(),
                        )
                    }),
            )
            .map_err(draw_err)?;
        // A month without any value (no row in the index file) is undetermined, not "not
        // triggered": a grey band says so instead of a bare gap in the lines.
        let missing = missing_months(series, n);
        chart
            .draw_series(missing.iter().map(|&i| {
                Rectangle::new(
                    [
                        (SegmentValue::Exact(i), lo),
                        (SegmentValue::Exact(i + 1), hi),
                    ],
                    MISSING.mix(0.5).filled(),
                )
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(missing.iter().map(|&i| {
                EmptyElement::at((SegmentValue::CenterOf(i), hi))
                    + Text::new(
                        "?",
                        (0, 4),
                        (FONT, 18)
                            .into_font()
                            .color(&BLACK.mix(0.6))
                            .pos(Pos::new(HPos::Center, VPos::Top)),
                    )
            }))
            .map_err(draw_err)?;
        // A hairline between two triggered months, so that a run of them still reads as so
        // many months.
        chart
            .draw_series(
                triggered
                    .windows(2)
                    .zip(1i32..)
                    .filter(|(w, _)| w[0] && w[1])
                    .map(|(_, i)| {
                        PathElement::new(
                            vec![(SegmentValue::Exact(i), lo), (SegmentValue::Exact(i), hi)],
                            WHITE.stroke_width(1),
                        )
                    }),
            )
            .map_err(draw_err)?;
        for (k, s) in series.iter().enumerate() {
            let color = SERIES[k % SERIES.len()];
            for run in runs(s.thresholds) {
                // A threshold is in force for whole months: a step across each segment.
                let steps: Vec<(SegmentValue<i32>, f64)> = run
                    .iter()
                    .flat_map(|&(i, y)| {
                        [(SegmentValue::Exact(i), y), (SegmentValue::Exact(i + 1), y)]
                    })
                    .collect();
                chart
                    .draw_series(DashedLineSeries::new(steps, 8, 5, color.stroke_width(2)))
                    .map_err(draw_err)?;
            }
            // The threshold's value where it starts and wherever it steps, just above the
            // line: the axis alone does not tell 3.0 from 3.5 at a glance.
            let mut previous = None;
            for (t, i) in s.thresholds.iter().zip(0i32..) {
                if let Some(t) = t
                    && previous != Some(*t)
                {
                    let style = (FONT, 14)
                        .into_font()
                        .color(&color)
                        .pos(Pos::new(HPos::Left, VPos::Bottom));
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at((SegmentValue::Exact(i), to_f64(*t)))
                                + Text::new(format!("≥{}", fmt_pct(*t)), (4, -2), style),
                        ))
                        .map_err(draw_err)?;
                }
                previous = *t;
            }
            for run in runs(s.values) {
                let points: Vec<(SegmentValue<i32>, f64)> = run
                    .iter()
                    .map(|&(i, y)| (SegmentValue::CenterOf(i), y))
                    .collect();
                chart
                    .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                    .map_err(draw_err)?;
                chart
                    .draw_series(PointSeries::of_element(
                        points,
                        3,
                        color.filled(),
                        &|c, s, st| Circle::new(c, s, st),
                    ))
                    .map_err(draw_err)?;
            }
        }
        legend(&side, series, triggered, missing.len(), lang)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// A percentage as bulletins print it: at least one decimal (`3.0`, `8.75`).
fn fmt_pct(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() == 0 {
        format!("{n}.0")
    } else {
        n.to_string()
    }
}

/// Width of the legend column of the index chart, in SVG pixels.
const LEGEND_WIDTH: u32 = 215;

/// The legend of the index chart, in its own column: what the shading means (with the count
/// of triggered months), then each index and its threshold.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    series: &[IndexSeries<'_>],
    triggered: &[bool],
    missing: usize,
    lang: Lang,
) -> Result<()> {
    let font = (FONT, 16).into_font();
    let row = 30;
    let (x, mut y) = (8, 70);
    let text = |s: String, y: i32| Text::new(s, (x + 32, y - 8), font.clone());
    let fired = triggered.iter().filter(|t| **t).count();
    area.draw(&Rectangle::new(
        [(x, y - 8), (x + 24, y + 8)],
        TRIGGERED.mix(0.6).filled(),
    ))
    .map_err(draw_err)?;
    area.draw(&text(
        match lang {
            Lang::Zh => format!("启动月份（{fired} 个月）"),
            Lang::En => format!("triggered ({})", months_en(fired)),
        },
        y,
    ))
    .map_err(draw_err)?;
    if missing > 0 {
        y += row;
        area.draw(&Rectangle::new(
            [(x, y - 8), (x + 24, y + 8)],
            MISSING.mix(0.5).filled(),
        ))
        .map_err(draw_err)?;
        area.draw(&text(
            match lang {
                Lang::Zh => format!("缺指数，待定（{missing} 个月）"),
                Lang::En => format!("no index ({})", months_en(missing)),
            },
            y,
        ))
        .map_err(draw_err)?;
    }
    for (k, s) in series.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        y += row + 8;
        area.draw(&PathElement::new(
            vec![(x, y), (x + 24, y)],
            color.stroke_width(2),
        ))
        .map_err(draw_err)?;
        area.draw(&Circle::new((x + 12, y), 3, color.filled()))
            .map_err(draw_err)?;
        area.draw(&text(s.name.to_string(), y)).map_err(draw_err)?;
        if s.thresholds.iter().any(Option::is_some) {
            y += row;
            for (a, b) in [(0, 9), (15, 24)] {
                area.draw(&PathElement::new(
                    vec![(x + a, y), (x + b, y)],
                    color.stroke_width(2),
                ))
                .map_err(draw_err)?;
            }
            area.draw(&text(
                match lang {
                    Lang::Zh => format!("{} 启动条件", s.name),
                    Lang::En => format!("{} threshold", s.name),
                },
                y,
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// "1 month", "5 months".
fn months_en(n: usize) -> String {
    if n == 1 {
        "1 month".into()
    } else {
        format!("{n} months")
    }
}

/// The months (as segment numbers) where no series has a value.
fn missing_months(series: &[IndexSeries<'_>], n: usize) -> Vec<i32> {
    (0..n)
        .zip(0i32..)
        .filter(|&(i, _)| {
            !series.is_empty()
                && series
                    .iter()
                    .all(|s| s.values.get(i).is_none_or(Option::is_none))
        })
        .map(|(_, i)| i)
        .collect()
}

/// Months between two x-axis labels: 1, 2, 3, 6 or 12, or whole years, so that a range has
/// at most 13 labels.
fn label_step(months: usize) -> u32 {
    let mut step = 1u32;
    for s in [1u32, 2, 3, 6, 12, 24, 60, 120, 240, 600] {
        step = s;
        if months.div_ceil(s as usize) <= 13 {
            break;
        }
    }
    step
}

/// The caption's font size: 24, smaller for a long title so that it fits `width` pixels
/// (a Chinese character is about one em wide, other characters about half).
fn title_size(title: &str, width: u32) -> u32 {
    // plotters sets text at about 0.8 of the size asked for.
    let ems: f64 = title
        .chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum();
    let fits = f64::from(width) / (ems.max(1.0) * 0.8);
    (fits.floor() as u32).clamp(12, 24)
}

/// Consecutive months with a value, as (month index, value) points: a gap in the data breaks
/// the line.
fn runs(values: &[Option<Decimal>]) -> Vec<Vec<(i32, f64)>> {
    let mut out: Vec<Vec<(i32, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (v, i) in values.iter().zip(0i32..) {
        match v {
            Some(v) => current.push((i, to_f64(*v))),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One stacked series of a [`bar_chart`]: its legend name and one value per category.
#[derive(Debug, Clone)]
pub struct BarSeries {
    /// the name shown in the legend
    pub name: String,
    /// one value per category (households, yuan …), never negative
    pub values: Vec<Decimal>,
}

/// Colours of the stacked series of a [`bar_chart`], in order.
const STACK: [RGBColor; 6] = [
    RGBColor(0x1f, 0x5f, 0xa8),
    RGBColor(0xe6, 0x8a, 0x00),
    RGBColor(0xc0, 0x39, 0x2b),
    RGBColor(0x27, 0x8f, 0x4e),
    RGBColor(0x6a, 0x3d, 0x9a),
    RGBColor(0x00, 0x80, 0x80),
];

/// A horizontal stacked bar chart as an SVG document, for printed reports: one bar per
/// category (a township, an amount band), each series stacked in its own colour, the value
/// axis labelled `value_desc` (with its unit, e.g. `户数（户）`), the categories labelled
/// `category_desc`, and a legend above the plot in type that reads at print size. Every
/// series has one value per category.
pub fn bar_chart(
    title: &str,
    categories: &[String],
    series: &[BarSeries],
    category_desc: &str,
    value_desc: &str,
    lang: Lang,
) -> Result<String> {
    let n = categories.len();
    if series.iter().any(|s| s.values.len() != n) {
        bail!("bar chart: every series needs one value per category");
    }
    let stacked: Vec<f64> = (0..n)
        .map(|i| series.iter().map(|s| to_f64(s.values[i])).sum())
        .collect();
    let top = stacked.iter().copied().fold(0.0f64, f64::max).max(1.0) * 1.08;
    let width = SIZE.0;
    let rows = u32::try_from(n.max(1)).unwrap_or(1);
    let height = (150 + rows.saturating_mul(34)).clamp(260, 1400);
    // the widest category label, roughly: a Chinese character is one em, others half
    let label_ems = categories
        .iter()
        .map(|c| {
            c.chars()
                .map(|ch| if ch.is_ascii() { 0.55 } else { 1.0 })
                .sum::<f64>()
        })
        .fold(4.0f64, f64::max)
        .min(16.0);
    let label_area = (label_ems * 15.0) as u32 + 20;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let root = root
            .margin(10, 10, 16, 24)
            .titled(title, (FONT, title_size(title, width - 40)))
            .map_err(draw_err)?;
        let (legend_area, plot) = root.split_vertically(40);
        // the legend: a swatch and the name of each series, in one row
        let font = (FONT, 16).into_font();
        let mut x = 8i32;
        for (k, s) in series.iter().enumerate() {
            let color = STACK[k % STACK.len()];
            legend_area
                .draw(&Rectangle::new([(x, 8), (x + 22, 26)], color.filled()))
                .map_err(draw_err)?;
            legend_area
                .draw(&Text::new(s.name.clone(), (x + 28, 9), font.clone()))
                .map_err(draw_err)?;
            let ems: f64 = s
                .name
                .chars()
                .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
                .sum();
            x += 28 + (ems * 16.0) as i32 + 26;
        }
        let last = i32::try_from(n.saturating_sub(1).max(1)).unwrap_or(1);
        let mut chart = ChartBuilder::on(&plot)
            .margin(8)
            .x_label_area_size(48)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..top, (0..last).into_segmented())
            .map_err(draw_err)?;
        // the first category on top: segment k (from the bottom) holds category n - 1 - k
        let at = |i: usize| i32::try_from(n.saturating_sub(i + 1)).unwrap_or(0);
        let label = |y: &SegmentValue<i32>| match y {
            SegmentValue::CenterOf(k) => usize::try_from(*k)
                .ok()
                .and_then(|k| n.checked_sub(k + 1))
                .and_then(|i| categories.get(i))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        // whole numbers on the value axis when the values are whole (households)
        let whole_values = series
            .iter()
            .all(|s| s.values.iter().all(|v| v.fract().is_zero()));
        let ticks = if whole_values {
            (top.floor() as usize + 1).clamp(2, 11)
        } else {
            11
        };
        let whole = |v: &f64| {
            if v.fract().abs() < 1e-9 {
                format!("{v:.0}")
            } else if whole_values {
                String::new()
            } else {
                format!("{v:.1}")
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .x_labels(ticks)
            .y_labels(n.max(1))
            .y_label_formatter(&label)
            .x_label_formatter(&whole)
            .x_desc(value_desc)
            .y_desc(category_desc)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(draw_err)?;
        let mut base = vec![0.0f64; n];
        for (k, s) in series.iter().enumerate() {
            let color = STACK[k % STACK.len()];
            let mut bars = Vec::new();
            for (i, v) in s.values.iter().enumerate() {
                let v = to_f64(*v);
                if v <= 0.0 {
                    continue;
                }
                let y = at(i);
                bars.push(Rectangle::new(
                    [
                        (base[i], SegmentValue::Exact(y)),
                        (base[i] + v, SegmentValue::Exact(y + 1)),
                    ],
                    color.filled(),
                ));
                base[i] += v;
            }
            chart.draw_series(bars).map_err(draw_err)?;
        }
        // a white gap between neighbouring bars
        chart
            .draw_series((0..=last).map(|k| {
                PathElement::new(
                    vec![(0.0, SegmentValue::Exact(k)), (top, SegmentValue::Exact(k))],
                    WHITE.stroke_width(8),
                )
            }))
            .map_err(draw_err)?;
        if n == 0 || stacked.iter().all(|v| *v <= 0.0) {
            plot.draw(&Text::new(
                lang.pick("没有数据", "no data").to_string(),
                (width as i32 / 2 - 40, (height as i32 - 60) / 2),
                (FONT, 22).into_font(),
            ))
            .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Refuses a `--chart` path that is not `.svg`, before anything is written: only SVG is drawn,
/// since a bitmap would need system font libraries to draw its text.
pub fn check_svg_path(path: &str) -> Result<()> {
    if !path.to_ascii_lowercase().ends_with(".svg") {
        bail!(
            "--chart {path}: charts are written as .svg (open them in a browser, WPS or Office); name the file *.svg (图表只输出 SVG 格式)"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn bars_never_straddle_zero_and_keep_every_household() {
        let counts: BTreeMap<i64, Decimal> = [
            (-75, dec!(2)),
            (-1, dec!(1)),
            (0, dec!(3)),
            (36, dec!(4)),
            (108, dec!(1.5)),
        ]
        .into_iter()
        .collect();
        let b = bars(&counts);
        assert!(b.iter().all(|b| b.from >= 0 || b.to <= 0), "{b:?}");
        let total: Decimal = b.iter().map(|b| b.households).sum();
        assert_eq!(total, dec!(11.5));
        assert!(b.len() as i64 <= MAX_BARS);
        assert_eq!(
            b[0].to - b[0].from,
            5,
            "a span of 184 yuan takes bars of 5 yuan"
        );
    }

    #[test]
    fn one_value_gives_one_bar_and_none_gives_none() {
        let one: BTreeMap<i64, Decimal> = [(36, dec!(7))].into_iter().collect();
        assert_eq!(
            bars(&one),
            vec![Bar {
                from: 36,
                to: 37,
                households: dec!(7)
            }]
        );
        assert!(bars(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn charts_are_svg_documents_with_their_labels() {
        let counts: BTreeMap<i64, Decimal> = [(-20, dec!(1)), (36, dec!(3))].into_iter().collect();
        let svg = gains_losses_svg("提标测算", &counts, dec!(5), Lang::Zh).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("提标测算") && svg.contains("不变 5 户"));
        let months: Vec<Month> = ["2022-07", "2022-08", "2022-09"]
            .iter()
            .map(|m| m.parse().unwrap())
            .collect();
        let cpi = [Some(dec!(2.7)), Some(dec!(3.1)), None];
        let th = [Some(dec!(3.5)), Some(dec!(3.0)), Some(dec!(3.0))];
        let svg = index_chart(
            "CPI",
            &months,
            &[IndexSeries {
                name: "CPI",
                values: &cpi,
                thresholds: &th,
            }],
            &[false, true, false],
            Lang::En,
        )
        .unwrap();
        assert!(svg.contains("2022-08") && svg.contains("CPI threshold"));
        assert!(index_chart("x", &months, &[], &[true], Lang::En).is_err());
    }

    #[test]
    fn month_labels_step_on_the_calendar_and_never_exceed_thirteen() {
        assert_eq!(label_step(1), 1);
        assert_eq!(label_step(13), 1);
        assert_eq!(label_step(14), 2);
        assert_eq!(label_step(30), 3);
        assert_eq!(label_step(60), 6);
        assert_eq!(label_step(120), 12);
        assert_eq!(label_step(300), 24);
    }

    #[test]
    fn a_month_is_missing_only_when_no_index_has_a_value() {
        let a = [Some(dec!(1)), None, None];
        let b = [None, Some(dec!(2)), None];
        let thresholds = [Some(dec!(3.5)); 3];
        let series = [
            IndexSeries {
                name: "a",
                values: &a,
                thresholds: &thresholds,
            },
            IndexSeries {
                name: "b",
                values: &b,
                thresholds: &thresholds,
            },
        ];
        assert_eq!(missing_months(&series, 3), vec![2]);
    }

    #[test]
    fn long_titles_get_a_smaller_font() {
        assert_eq!(title_size("CPI", 920), 24);
        let long = "某某省某某市某某县城乡最低生活保障价格临时补贴联动机制：价格指数与启动条件（指数月份 2021-01..2023-06）";
        assert!(title_size(long, 920) < 24);
    }

    #[test]
    fn a_bar_chart_labels_its_axes_units_and_legend_and_escapes_its_text() {
        let categories = vec!["城关镇".to_string(), "<b>x</b>".to_string()];
        let series = vec![
            BarSeries {
                name: "在保".into(),
                values: vec![Decimal::from(3), Decimal::from(1)],
            },
            BarSeries {
                name: "待复核".into(),
                values: vec![Decimal::from(1), Decimal::ZERO],
            },
        ];
        let svg = bar_chart(
            "覆盖",
            &categories,
            &series,
            "乡镇街道",
            "户数（户）",
            Lang::Zh,
        )
        .expect("chart");
        for text in ["覆盖", "城关镇", "乡镇街道", "户数（户）", "在保", "待复核"]
        {
            assert!(svg.contains(text), "{text}");
        }
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;") && !svg.contains("<b>"));
        // one value per category, or an error (never a panic)
        let short = vec![BarSeries {
            name: "x".into(),
            values: vec![Decimal::ONE],
        }];
        assert!(bar_chart("t", &categories, &short, "a", "b", Lang::En).is_err());
        // no category at all draws an empty chart
        let empty = bar_chart("t", &[], &[], "a", "b", Lang::En).expect("empty chart");
        assert!(empty.contains("no data"));
    }
}
