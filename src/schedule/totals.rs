//! Totals of the paid lines, exact to the fen.

use super::item::{Item, Line, LineStatus, NoticeKind};
use crate::lang::Lang;
use crate::month::Month;
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// A total of paid lines. `None` in a key means "all".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// the township, or all
    pub township: Option<String>,
    /// the month, or all
    pub month: Option<Month>,
    /// the item, or all
    pub item: Option<Item>,
    /// lines added up
    pub lines: u64,
    /// their sum
    pub amount: Decimal,
}

/// Totals of the paid lines as they go by: by month and item, by month, by item, by township
/// and month, by township, and the grand total; and the counts a run reports (lines paid and
/// held, households per notice kind). Each total is the exact sum of its lines (already
/// stated to the fen), so the totals reconcile with the lines to the fen. Its memory is
/// bounded by townships × months × items, not by the lines.
#[derive(Debug, Clone)]
pub struct Tally {
    townships: Vec<String>,
    by_township: bool,
    acc: HashMap<Key, (u64, Decimal), BuildHasherDefault<KeyHasher>>,
    /// paid lines
    pub paid: u64,
    /// held lines
    pub held: u64,
    /// the sum of the paid lines
    pub total: Decimal,
    /// households per notice kind, and the last household counted
    kinds: BTreeMap<NoticeKind, (u64, u64)>,
}

// Keys sort "all" after the named values: (is_all, value).
type Key = ((bool, usize), (bool, Option<Month>), (bool, Option<Item>));

/// A cheap hash for the tally's keys (small numbers made by the run itself, never read from
/// a file): each line adds to several totals, and the keys are sorted before they are shown.
#[derive(Debug, Default, Clone, Copy)]
struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl Tally {
    /// An empty tally over `months`: every month of the range and the grand total appear, at
    /// 0.00 when nothing is paid. `townships` (sorted) are those lines may name; with
    /// `by_township` the totals of each are kept too.
    pub fn new(months: &[Month], townships: &[String], by_township: bool) -> Tally {
        let mut acc = HashMap::default();
        for m in months {
            acc.insert(
                ((true, 0), (false, Some(*m)), (true, None)),
                (0, Decimal::ZERO),
            );
        }
        acc.insert(((true, 0), (true, None), (true, None)), (0, Decimal::ZERO));
        Tally {
            townships: townships.to_vec(),
            by_township,
            acc,
            paid: 0,
            held: 0,
            total: Decimal::ZERO,
            kinds: BTreeMap::new(),
        }
    }

    /// Adds a line (paid or held) of a household in `township`.
    pub fn add(&mut self, township: &str, l: &Line) -> Result<()> {
        if l.status != LineStatus::Pay {
            self.held += 1;
            return Ok(());
        }
        self.paid += 1;
        self.total = self.total.checked_add(l.amount).ok_or_else(too_large)?;
        let (m, i, v) = (Some(l.pay_month), Some(l.item), l.amount);
        let all = (true, 0);
        let mut add = |t: (bool, usize), m: Option<Month>, i: Option<Item>| {
            let e = self
                .acc
                .entry((t, (m.is_none(), m), (i.is_none(), i)))
                .or_insert((0, Decimal::ZERO));
            e.0 += 1;
            e.1 = e.1.checked_add(v).ok_or_else(too_large)?;
            Ok::<(), anyhow::Error>(())
        };
        add(all, m, i)?;
        add(all, m, None)?;
        add(all, None, i)?;
        add(all, None, None)?;
        if self.by_township {
            let t = match self
                .townships
                .binary_search_by(|x| x.as_str().cmp(township))
            {
                Ok(t) => (false, t),
                Err(_) => return Err(anyhow::anyhow!("a line of an unknown township")),
            };
            add(t, m, None)?;
            add(t, None, None)?;
        }
        Ok(())
    }

    /// Counts a notice of household `seq` (notices come in roster order).
    pub fn add_notice(&mut self, seq: u64, kind: NoticeKind) {
        let e = self.kinds.entry(kind).or_insert((0, u64::MAX));
        if e.1 != seq {
            e.0 += 1;
            e.1 = seq;
        }
    }

    /// Households per notice kind, in kind order.
    pub fn kinds(&self) -> impl Iterator<Item = (NoticeKind, u64)> + '_ {
        self.kinds.iter().map(|(k, (n, _))| (*k, *n))
    }

    /// Whether the run has something to fix: a held line or a notice that is a problem.
    pub fn problems(&self) -> bool {
        self.held > 0 || self.kinds.keys().any(|k| k.is_problem())
    }

    /// The totals, in order: by township (named ones first), then month, then item, "all"
    /// after the named values.
    pub fn totals(&self) -> Vec<Total> {
        let mut keys: Vec<(&Key, &(u64, Decimal))> = self.acc.iter().collect();
        keys.sort_by_key(|(k, _)| **k);
        keys.into_iter()
            .map(|(((all_t, t), (_, m), (_, i)), (lines, amount))| Total {
                township: (!all_t).then(|| self.townships[*t].clone()),
                month: *m,
                item: *i,
                lines: *lines,
                amount: *amount,
            })
            .collect()
    }
}

/// A sum too large for exact decimal arithmetic. Its `Display` is the Chinese wording (the
/// default language); [`TooLarge::describe`] words it in either language, and [`in_lang`]
/// rewords an error chain holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl TooLarge {
    /// The error in `lang`.
    pub fn describe(self, lang: Lang) -> &'static str {
        lang.pick(
            "金额合计超出可精确计算的范围，请检查花名册中的金额",
            "the sum of the payment lines is too large to add up exactly: check the roster's amounts",
        )
    }
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe(Lang::Zh))
    }
}

impl std::error::Error for TooLarge {}

/// The error of a sum too large for exact decimal arithmetic.
pub fn too_large() -> anyhow::Error {
    anyhow::Error::new(TooLarge)
}

/// `e` with a [`TooLarge`] in its chain said in `lang` (the contexts above it kept); any
/// other error unchanged.
pub fn in_lang(e: anyhow::Error, lang: Lang) -> anyhow::Error {
    if !e.chain().any(|c| c.is::<TooLarge>()) {
        return e;
    }
    let outer: Vec<String> = e
        .chain()
        .take_while(|c| !c.is::<TooLarge>())
        .map(|c| c.to_string())
        .collect();
    outer
        .into_iter()
        .rev()
        .fold(anyhow::anyhow!(TooLarge.describe(lang)), |acc, c| {
            acc.context(c)
        })
}

/// The exact sum of amounts, or an error (never a panic) when it overflows.
pub fn checked_sum<'a>(amounts: impl IntoIterator<Item = &'a Decimal>) -> Result<Decimal> {
    amounts.into_iter().try_fold(Decimal::ZERO, |a, b| {
        a.checked_add(*b).ok_or_else(too_large)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    /// A too-large sum is said in the language asked, in one language, the contexts above it
    /// kept; another error passes unchanged.
    #[test]
    fn too_large_is_said_in_the_language_asked() {
        let e = Err::<(), _>(too_large())
            .context("roster r.csv")
            .unwrap_err();
        let zh = format!("{:#}", in_lang(e, Lang::Zh));
        assert_eq!(
            zh,
            "roster r.csv: 金额合计超出可精确计算的范围，请检查花名册中的金额"
        );
        let e = Err::<(), _>(too_large())
            .context("roster r.csv")
            .unwrap_err();
        let en = format!("{:#}", in_lang(e, Lang::En));
        assert_eq!(
            en,
            "roster r.csv: the sum of the payment lines is too large to add up exactly: check the roster's amounts"
        );
        assert!(!en.contains("金额合计"));
        let other = in_lang(anyhow::anyhow!("else"), Lang::En);
        assert_eq!(other.to_string(), "else");
    }
}
