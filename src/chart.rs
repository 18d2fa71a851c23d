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
use anyhow::{Context, Result, bail};
use plotters::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::io::Write;

/// Width and height of every chart, in SVG pixels.
const SIZE: (u32, u32) = (960, 540);
/// At most this many bars in a histogram.
const MAX_BARS: i64 = 40;
const LOSS: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const GAIN: RGBColor = RGBColor(0x27, 0x8f, 0x4e);
const TRIGGERED: RGBColor = RGBColor(0xf5, 0xc6, 0xc0);
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
/// change with the dated trigger entries), and the triggered months shaded.
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
    // A segmented range over 0..k has k + 1 segments.
    let last = i32::try_from(n.max(1) - 1).unwrap_or(0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        // One segment per month: points sit at its centre, a triggered month shades it whole.
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 20))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d((0..last).into_segmented(), lo..hi)
            .map_err(draw_err)?;
        let label = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| months.get(i))
                .map(|m| m.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.clamp(2, 13))
            .x_label_formatter(&label)
            .x_desc(lang.pick("指数月份", "index month"))
            .y_desc(lang.pick("同比涨幅（%）", "year-on-year change (%)"))
            .label_style((FONT, 13))
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
            .map_err(draw_err)?
            .label(lang.pick("触发月份", "triggered month"))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], TRIGGERED.filled()));
        for (k, s) in series.iter().enumerate() {
            let color = SERIES[k % SERIES.len()];
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
            chart
                .draw_series(std::iter::empty::<Circle<(SegmentValue<i32>, f64), i32>>())
                .map_err(draw_err)?
                .label(s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            let threshold_name = match lang {
                Lang::Zh => format!("{} 触发线", s.name),
                Lang::En => format!("{} threshold", s.name),
            };
            let mut first = true;
            for run in runs(s.thresholds) {
                // A threshold is in force for whole months: a step across each segment.
                let steps: Vec<(SegmentValue<i32>, f64)> = run
                    .iter()
                    .flat_map(|&(i, y)| {
                        [(SegmentValue::Exact(i), y), (SegmentValue::Exact(i + 1), y)]
                    })
                    .collect();
                let drawn = chart
                    .draw_series(DashedLineSeries::new(steps, 6, 4, color.stroke_width(1)))
                    .map_err(draw_err)?;
                if first {
                    drawn.label(threshold_name.clone()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 6, y)], color.stroke_width(1))
                    });
                    first = false;
                }
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 13))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
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

/// Writes an SVG chart to `path` atomically. Only `.svg` is written: a bitmap would need
/// system font libraries to draw its text.
pub fn save(path: &str, svg: &str) -> Result<()> {
    if !path.to_ascii_lowercase().ends_with(".svg") {
        bail!(
            "--chart {path}: charts are written as .svg (open them in a browser, WPS or Office); name the file *.svg (图表只输出 SVG 格式)"
        );
    }
    let mut out = crate::output::Output::open(Some(path))
        .with_context(|| format!("cannot create the chart {path}"))?;
    out.write_all(svg.as_bytes())?;
    out.commit()
        .with_context(|| format!("cannot write the chart {path}"))
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
}
