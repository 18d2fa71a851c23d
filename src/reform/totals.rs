//! The lines of the totals: per month, the range, per year, per area, per decision pair and
//! per household size.

use super::tally::{SIZE_CAP, Tally, Totals};
use crate::lang::Lang;
use crate::month::Month;
use rust_decimal::Decimal;

/// A section of the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// one month of the range
    Month,
    /// the whole range
    Range,
    /// the average month × 12 (money only)
    PerYear,
    /// one area
    Area,
    /// one pair of decisions (base → alternative)
    Decision,
    /// one household size
    Size,
}

impl Section {
    /// The output name.
    pub fn name(self) -> &'static str {
        match self {
            Section::Month => "month",
            Section::Range => "range",
            Section::PerYear => "per_year",
            Section::Area => "area",
            Section::Decision => "decision",
            Section::Size => "size",
        }
    }

    /// The Chinese wording.
    pub fn zh(self) -> &'static str {
        match self {
            Section::Month => "月份",
            Section::Range => "区间合计",
            Section::PerYear => "年化",
            Section::Area => "地区",
            Section::Decision => "认定变化",
            Section::Size => "家庭人口",
        }
    }

    /// The wording in `lang`: Chinese, or the output name in English.
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(self.zh(), self.name())
    }
}

/// One line of the totals: a section, its key, and the tally.
#[derive(Debug, Clone)]
pub struct TotalLine {
    /// the section
    pub section: Section,
    /// the month, range, area key, `base->alt` decisions, size (`6+`, `unknown`) or `x12`
    pub key: String,
    /// the tally; on the per-year line only the money is set
    pub tally: Tally,
}

/// `first..last`, or the one month.
pub fn range_key(months: &[Month]) -> String {
    match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// The range's difference per year: the average month × 12.
pub fn per_year(total: Decimal, months: usize) -> Decimal {
    total * Decimal::from(12) / Decimal::from(months.max(1))
}

impl Totals {
    /// The lines of the totals, in the order they are written.
    pub fn lines(&self, months: &[Month]) -> Vec<TotalLine> {
        let mut lines = Vec::new();
        for (m, t) in months.iter().zip(&self.months) {
            lines.push(TotalLine {
                section: Section::Month,
                key: m.to_string(),
                tally: t.clone(),
            });
        }
        lines.push(TotalLine {
            section: Section::Range,
            key: range_key(months),
            tally: self.range.clone(),
        });
        let n = months.len();
        lines.push(TotalLine {
            section: Section::PerYear,
            key: "x12".into(),
            tally: Tally {
                base: per_year(self.range.base, n),
                alt: per_year(self.range.alt, n),
                base_subsidy: per_year(self.range.base_subsidy, n),
                alt_subsidy: per_year(self.range.alt_subsidy, n),
                ..Tally::default()
            },
        });
        for (k, t) in &self.by_area {
            lines.push(TotalLine {
                section: Section::Area,
                key: k.clone(),
                tally: t.clone(),
            });
        }
        for ((b, a), t) in &self.by_decision {
            lines.push(TotalLine {
                section: Section::Decision,
                key: format!("{}->{}", b.name(), a.name()),
                tally: t.clone(),
            });
        }
        for (k, t) in &self.by_size {
            let key = match *k {
                0 => "unknown".to_string(),
                SIZE_CAP => format!("{SIZE_CAP}+"),
                k => k.to_string(),
            };
            lines.push(TotalLine {
                section: Section::Size,
                key,
                tally: t.clone(),
            });
        }
        lines
    }
}
