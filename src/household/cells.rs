//! Cleaning and strict parsing of roster cells.
//!
//! Rosters arrive as Excel/WPS exports typed by county caseworkers, so the same
//! amount may show up as `1234.5`, `1,234.50`, `１２３４．５元` or `￥1234.50`.
//! Every parser here accepts those spellings exactly and rejects anything it
//! would otherwise have to guess at, because a wrong guess silently changes a
//! household's entitlement while a rejected cell is merely sent back for fixing.

use std::borrow::Cow;

use rust_decimal::Decimal;

pub use crate::money::MAX_AMOUNT;

/// Why a cell could not be read. `zh`/`en` give a sentence a caseworker understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellError {
    /// The cell is not an amount of money in any accepted spelling.
    NotMoney,
    /// The cell holds a negative amount or count, which a roster never legitimately contains.
    Negative,
    /// The cell is not a whole number (or has a non-zero fractional part).
    NotInteger,
    /// The cell is not a recognisable year and month in the supported range.
    NotMonth,
    /// The cell is not one of the accepted yes/no spellings.
    NotYesNo,
    /// The number is well formed but too large (or too precise) to be held exactly.
    OutOfRange,
    /// The cell is not a recognisable date in the supported range.
    NotDate,
    /// An amount above [`MAX_AMOUNT`] (10^12 yuan): no roster amount is that large; it is
    /// usually a bank card or ID number pasted into a money column.
    AmountTooLarge,
    /// A count above [`MAX_COUNT`] (persons, months).
    CountTooLarge,
}

/// The largest count a count cell (members, group counts, employed persons, months without
/// income) may hold: 10,000. Larger values are refused as `count_too_large`.
pub const MAX_COUNT: u32 = 10_000;

impl CellError {
    /// A Chinese sentence saying what is wrong and how to fix the cell.
    pub fn zh(&self) -> &'static str {
        match self {
            CellError::NotMoney => {
                "不是有效的金额：请只填写数字，如 1234.50，可带“元”或“¥”，千分位逗号须每三位一组"
            }
            CellError::Negative => "不能为负数：请核对后填写 0 或正数",
            CellError::NotInteger => "不是有效的整数：请填写不带小数的数字，如 3",
            CellError::NotMonth => {
                "不是有效的年月：请按 2024-03 或 2024年3月 的格式填写，年份须在 1900–2200 之间"
            }
            CellError::NotYesNo => "不是有效的是/否：请填写“是”或“否”",
            CellError::OutOfRange => "数值过大或小数位过多，无法准确处理：请核对是否多填了数字",
            CellError::NotDate => {
                "不是有效的日期：请按 1950-03-15 或 1950年3月15日 的格式填写，年份须在 1900–2200 之间"
            }
            CellError::AmountTooLarge => {
                "金额超过上限 1,000,000,000,000 元（一万亿元）：请核对是否误填了银行卡号、身份证号或多填了数字"
            }
            CellError::CountTooLarge => "人数或月数超过上限 10000：请核对是否多填了数字",
        }
    }

    /// An English sentence saying what is wrong and how to fix the cell.
    pub fn en(&self) -> &'static str {
        match self {
            CellError::NotMoney => {
                "Not a valid amount: enter digits only, e.g. 1234.50; a trailing 元 or a leading ¥ is allowed, and thousands separators must group three digits"
            }
            CellError::Negative => {
                "Must not be negative: check the value and enter 0 or a positive number"
            }
            CellError::NotInteger => "Not a whole number: enter a number without decimals, e.g. 3",
            CellError::NotMonth => {
                "Not a valid month: write it as 2024-03 or 2024年3月, with a year between 1900 and 2200"
            }
            CellError::NotYesNo => "Not a valid yes/no value: enter 是 (yes) or 否 (no)",
            CellError::OutOfRange => {
                "The number is too large or has too many decimal places to be handled exactly: check for extra digits"
            }
            CellError::NotDate => {
                "Not a valid date: write it as 1950-03-15 or 1950年3月15日, with a year between 1900 and 2200"
            }
            CellError::AmountTooLarge => {
                "The amount is above the maximum of 1,000,000,000,000 yuan (10^12): check for a bank card or ID number, or extra digits"
            }
            CellError::CountTooLarge => {
                "The count is above the maximum of 10000: check for extra digits"
            }
        }
    }

    /// A stable `snake_case` code for machine-readable reports; never change an existing one.
    pub fn code(&self) -> &'static str {
        match self {
            CellError::NotMoney => "not_money",
            CellError::Negative => "negative",
            CellError::NotInteger => "not_integer",
            CellError::NotMonth => "not_month",
            CellError::NotYesNo => "not_yes_no",
            CellError::OutOfRange => "out_of_range",
            CellError::NotDate => "not_date",
            CellError::AmountTooLarge => "amount_too_large",
            CellError::CountTooLarge => "count_too_large",
        }
    }
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

impl std::error::Error for CellError {}

/// Maps the full-width and space characters that Chinese input methods produce
/// inside numbers to their ASCII equivalents; `None` means "leave as is".
fn ascii_equivalent(c: char) -> Option<char> {
    match c {
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        '．' => Some('.'),
        '，' => Some(','),
        '－' => Some('-'),
        '＋' => Some('+'),
        '\u{3000}' | '\u{00A0}' => Some(' '),
        _ => None,
    }
}

pub use crate::text::trim;

/// Normalise a cell: full-width digits (０-９), full-width `．` `，` `－` `＋`, the
/// ideographic space U+3000 and NBSP become ASCII, then surrounding whitespace is trimmed.
///
/// Returns `Cow::Borrowed` when nothing needed converting, which is the common
/// case for machine-written exports and keeps million-row imports allocation-free.
pub fn normalize_numeric(raw: &str) -> Cow<'_, str> {
    // `trim` already strips U+3000 and NBSP, so trimming first never changes the result.
    let trimmed = trim(raw);
    if trimmed.is_ascii() || !trimmed.chars().any(|c| ascii_equivalent(c).is_some()) {
        return Cow::Borrowed(trimmed);
    }
    let converted: String = trimmed
        .chars()
        .map(|c| ascii_equivalent(c).unwrap_or(c))
        .collect();
    Cow::Owned(converted)
}

/// True when the cell is empty or holds only whitespace (including U+3000 and NBSP).
///
/// Placeholders such as `/` are deliberately not blank here: only number cells
/// treat them as "no value", and each number parser handles that itself.
pub fn is_blank(raw: &str) -> bool {
    trim(raw).is_empty()
}

/// Dash and slash fillers caseworkers type into number cells to mean "nothing".
/// `无` is excluded on purpose: in an income column it may mean zero or unknown,
/// and that difference must be resolved by a person, not by the parser.
fn is_placeholder(s: &str) -> bool {
    matches!(s, "/" | "／" | "-" | "--" | "—" | "——" | "–")
}

/// An unsigned decimal scanned exactly: `mantissa / 10^scale`, plus the count of
/// trailing fractional zeros kept aside so `1.50` can keep its scale when it fits.
struct Scanned {
    mantissa: u128,
    scale: u32,
    trailing_zeros: u32,
}

/// Largest mantissa a `Decimal` can hold (2^96 - 1).
const DECIMAL_MAX_MANTISSA: u128 = (1u128 << 96) - 1;
/// Largest scale a `Decimal` can hold.
const DECIMAL_MAX_SCALE: u32 = 28;

/// Appends one decimal digit to a mantissa, failing instead of wrapping.
fn push_digit(mantissa: u128, digit: u8) -> Result<u128, CellError> {
    mantissa
        .checked_mul(10)
        .and_then(|m| m.checked_add(u128::from(digit)))
        .filter(|m| *m <= DECIMAL_MAX_MANTISSA)
        .ok_or(CellError::OutOfRange)
}

/// True when `s` is non-empty and all ASCII digits.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// True when the integer part is plain digits or correctly grouped thousands
/// (`1,234,567`); a misplaced comma such as `1,23,4` usually hides a typo.
fn valid_integer_part(int_part: &str) -> bool {
    let mut groups = int_part.split(',');
    let first = groups.next().unwrap_or_default();
    if !int_part.contains(',') {
        return first.bytes().all(|b| b.is_ascii_digit());
    }
    first.len() <= 3 && all_digits(first) && groups.all(|g| g.len() == 3 && all_digits(g))
}

/// Scans `digits[.digits]` with optional thousands separators, exactly and without
/// allocating; `malformed` is the error for text that is not such a number.
fn scan_unsigned(body: &str, malformed: CellError) -> Result<Scanned, CellError> {
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let frac_ok = frac_part.bytes().all(|b| b.is_ascii_digit());
    if !valid_integer_part(int_part) || !frac_ok || (int_part.is_empty() && frac_part.is_empty()) {
        return Err(malformed);
    }
    let mut mantissa: u128 = 0;
    for b in int_part.bytes().filter(u8::is_ascii_digit) {
        mantissa = push_digit(mantissa, b - b'0')?;
    }
    let (mut scale, mut pending_zeros) = (0u32, 0u32);
    for b in frac_part.bytes() {
        if b == b'0' {
            // Deferred so that trailing zeros beyond Decimal's precision can be
            // dropped without changing the value instead of failing.
            pending_zeros = pending_zeros.saturating_add(1);
            continue;
        }
        for _ in 0..pending_zeros {
            mantissa = push_digit(mantissa, 0)?;
        }
        scale = scale.saturating_add(pending_zeros).saturating_add(1);
        pending_zeros = 0;
        mantissa = push_digit(mantissa, b - b'0')?;
    }
    if scale > DECIMAL_MAX_SCALE {
        return Err(CellError::OutOfRange);
    }
    let trailing_zeros = pending_zeros;
    Ok(Scanned {
        mantissa,
        scale,
        trailing_zeros,
    })
}

/// Turns a scan into a `Decimal`, restoring as many written trailing zeros as fit.
fn to_decimal(s: &Scanned) -> Result<Decimal, CellError> {
    let (mut mantissa, mut scale) = (s.mantissa, s.scale);
    for _ in 0..s.trailing_zeros {
        match push_digit(mantissa, 0) {
            Ok(m) if scale < DECIMAL_MAX_SCALE => (mantissa, scale) = (m, scale + 1),
            _ => break,
        }
    }
    let signed = i128::try_from(mantissa).map_err(|_| CellError::OutOfRange)?;
    Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| CellError::OutOfRange)
}

/// Splits off one leading `+`/`-`: `Some(true)` for a minus, `Some(false)` for a plus.
fn strip_sign(s: &str) -> (Option<bool>, &str) {
    match s.strip_prefix(['-', '+']) {
        Some(rest) => (Some(s.starts_with('-')), rest.trim_start()),
        None => (None, s),
    }
}

/// Peels currency decoration off a money cell, returning (is negative, bare number).
/// A sign may stand before or after the `¥`; Excel's accounting format writes
/// negatives as `(1,234.00)`. More than one sign is ambiguous and rejected.
fn strip_money_decoration(s: &str) -> Result<(bool, &str), CellError> {
    let parens = s
        .strip_prefix(['(', '（'])
        .and_then(|r| r.strip_suffix([')', '）']));
    let (parens, s) = parens.map_or((None, s), |inner| (Some(true), inner.trim()));
    let (outer_sign, s) = strip_sign(s);
    let s = s.strip_prefix(['¥', '￥']).map_or(s, str::trim_start);
    let (inner_sign, s) = strip_sign(s);
    let s = s.strip_suffix('元').map_or(s, str::trim_end);
    let signs = [parens, outer_sign, inner_sign];
    if signs.iter().flatten().count() > 1 {
        return Err(CellError::NotMoney);
    }
    Ok((signs.contains(&Some(true)), s))
}

/// Money: accepts `1234.5`, `1,234.50`, full-width digits, a trailing `元`, a leading
/// `¥`/`￥` and surrounding spaces; `(1,234.00)` is read as a negative amount.
///
/// Empty cells and the placeholders `/`, `-`, `—` give `Ok(None)`. Negative values
/// give `Err(Negative)` because no roster field holds a negative amount. More than
/// two decimal places are kept exactly, never rounded. Anything else, e.g. `12a`,
/// `1,23,4`, `1.2.3`, `abc`, `1e5`, `NaN` or `无`, gives `Err(NotMoney)`.
pub fn parse_money(raw: &str) -> Result<Option<Decimal>, CellError> {
    let value = match plain_decimal(raw) {
        Some(v) => v,
        None => match parse_money_slow(raw)? {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    if value > MAX_AMOUNT {
        return Err(CellError::AmountTooLarge);
    }
    Ok(Some(value))
}

/// The common cell, `1234` or `1234.50` in ASCII with at most 18 characters (so at most 18
/// digits, below 10^18, which an `i64` holds), read without normalising; anything else returns
/// `None` and goes the full way. The arithmetic is checked all the same, so a change to the
/// length bound can never make it wrap in a release build.
fn plain_decimal(s: &str) -> Option<Decimal> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 18 || b[0] == b'.' {
        return None;
    }
    let (mut m, mut scale, mut dot) = (0i64, 0u32, false);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                m = m.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
                if dot {
                    scale += 1;
                }
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if dot && scale == 0 {
        return None;
    }
    Decimal::try_new(m, scale).ok()
}

fn parse_money_slow(raw: &str) -> Result<Option<Decimal>, CellError> {
    let cell = normalize_numeric(raw);
    let s = cell.as_ref();
    if s.is_empty() || is_placeholder(s) {
        return Ok(None);
    }
    let (negative, body) = strip_money_decoration(s)?;
    let value = to_decimal(&scan_unsigned(body, CellError::NotMoney)?)?;
    if negative && !value.is_zero() {
        return Err(CellError::Negative);
    }
    Ok(Some(value))
}

/// Non-negative whole number such as a count of persons or months: `3`, `３`, and the
/// exactly integral `3.0`/`3.00` that Excel writes; `3.5` is rejected.
///
/// Empty cells and placeholders give `Ok(None)`; `无` is `Err(NotInteger)` because
/// whether it means zero is for a person to decide. Negative values give `Err(Negative)`.
pub fn parse_count(raw: &str) -> Result<Option<u32>, CellError> {
    let n = match parse_count_unbounded(raw)? {
        Some(n) => n,
        None => return Ok(None),
    };
    if n > MAX_COUNT {
        return Err(CellError::CountTooLarge);
    }
    Ok(Some(n))
}

fn parse_count_unbounded(raw: &str) -> Result<Option<u32>, CellError> {
    let b = raw.as_bytes();
    if !b.is_empty() && b.len() <= 9 && b.iter().all(u8::is_ascii_digit) {
        // The common cell: plain ASCII digits (below 10^9, so no overflow), read directly.
        return Ok(Some(b.iter().fold(0u32, |n, d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        })));
    }
    let cell = normalize_numeric(raw);
    let s = cell.as_ref();
    if s.is_empty() || is_placeholder(s) {
        return Ok(None);
    }
    let (sign, body) = strip_sign(s);
    let scanned = scan_unsigned(body, CellError::NotInteger)?;
    if scanned.scale != 0 {
        return Err(CellError::NotInteger);
    }
    if sign == Some(true) && scanned.mantissa != 0 {
        return Err(CellError::Negative);
    }
    u32::try_from(scanned.mantissa)
        .map(Some)
        .map_err(|_| CellError::OutOfRange)
}

/// Yes/no: yes = `yes`, `y`, `true`, `1`, `是`, `有`, `√`, `✓`; no = `no`, `n`, `false`,
/// `0`, `否`, `无`, `×`, `✗` (case-insensitive, trimmed). Empty gives `Ok(None)`.
pub fn parse_yes_no(raw: &str) -> Result<Option<bool>, CellError> {
    const YES: [&str; 8] = ["yes", "y", "true", "1", "是", "有", "√", "✓"];
    const NO: [&str; 8] = ["no", "n", "false", "0", "否", "无", "×", "✗"];
    let cell = normalize_numeric(raw);
    let s = cell.as_ref();
    if s.is_empty() {
        return Ok(None);
    }
    if YES.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Ok(Some(true))
    } else if NO.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Ok(Some(false))
    } else {
        Err(CellError::NotYesNo)
    }
}

/// Parses `min_len`–`max_len` ASCII digits; anything else is `None`.
fn digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    let fits = (min_len..=max_len).contains(&s.len()) && all_digits(s);
    fits.then(|| s.parse().ok()).flatten()
}

/// True for the time of day Excel appends to dates, e.g. `0:00` or `00:00:00.000`;
/// its value is irrelevant to the month, so only its shape is checked.
fn is_time_of_day(s: &str) -> bool {
    s.contains(':')
        && s.split([':', '.'])
            .all(|p| (1..=3).contains(&p.len()) && all_digits(p))
}

/// Checks the ranges shared by every month spelling; a day, when given, must exist.
fn checked_month(year: u32, month: u32, day: Option<u32>) -> Option<(i32, u32)> {
    let year = i32::try_from(year)
        .ok()
        .filter(|y| (1900..=2200).contains(y))?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if let Some(d) = day {
        chrono::NaiveDate::from_ymd_opt(year, month, d)?;
    }
    Some((year, month))
}

/// `YYYY年M月` with an optional `D日`.
fn parse_chinese_month(s: &str) -> Option<(i32, u32)> {
    let (year, rest) = s.split_once('年')?;
    let (month, tail) = rest.split_once('月')?;
    let day = match tail.trim() {
        "" => None,
        t => Some(digits(t.strip_suffix('日')?.trim(), 1, 2)?),
    };
    checked_month(digits(year.trim(), 4, 4)?, digits(month.trim(), 1, 2)?, day)
}

/// `YYYY-MM`, `YYYY/M`, `YYYY.MM` and the same with a day, optionally followed by a time.
fn parse_separated_month(s: &str) -> Option<(i32, u32)> {
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let sep = date.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.' | '／') {
        return None;
    }
    let mut parts = date.split(sep);
    let year = digits(parts.next()?, 4, 4)?;
    let month = parts.next()?;
    let day = match parts.next() {
        Some(d) => Some(digits(d, 1, 2)?),
        None => None,
    };
    // Excel turns a typed 2024.10 into the number 2024.1, so a dotted year-month
    // must spell the month with two digits to be unambiguous.
    let month_width = if sep == '.' && day.is_none() { 2 } else { 1 };
    let month = digits(month, month_width, 2)?;
    if parts.next().is_some() {
        return None;
    }
    // A time only makes sense after a full date, which is how Excel exports date cells.
    if let Some(t) = time
        && (day.is_none() || !is_time_of_day(t))
    {
        return None;
    }
    checked_month(year, month, day)
}

/// `YYYYMM` or `YYYYMMDD`.
fn parse_compact_month(s: &str) -> Option<(i32, u32)> {
    let (year, rest) = s.split_at_checked(4)?;
    let (month, day) = rest.split_at_checked(2)?;
    let day = match day {
        "" => None,
        d => Some(digits(d, 2, 2)?),
    };
    checked_month(digits(year, 4, 4)?, digits(month, 2, 2)?, day)
}

/// A month `YYYY-MM`; also `YYYY/MM`, `YYYY.MM` (two month digits: `2024.1` may be a
/// damaged `2024.10`), `YYYY年MM月`, `YYYYMM`, `YYYY-M`, `YYYY/M`, and a
/// full date `YYYY-MM-DD`, `YYYY/M/D`, `YYYYMMDD` or `YYYY年M月D日` (its month is taken,
/// but the day must exist so a mistyped date is not half-accepted).
///
/// Returns `(year, month)` with `1 <= month <= 12` and `1900 <= year <= 2200`. Empty gives `Ok(None)`.
pub fn parse_month(raw: &str) -> Result<Option<(i32, u32)>, CellError> {
    let cell = normalize_numeric(raw);
    let s = cell.as_ref();
    if s.is_empty() {
        return Ok(None);
    }
    let parsed = if s.contains('年') {
        parse_chinese_month(s)
    } else if all_digits(s) {
        parse_compact_month(s)
    } else {
        parse_separated_month(s)
    };
    parsed.map(Some).ok_or(CellError::NotMonth)
}

/// A date such as a birth date: `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.MM.DD`, `YYYYMMDD`,
/// `YYYY年M月D日`, optionally followed by Excel's time of day; a year and month alone
/// (`1950-03`, `1950年3月`, `195003`) stands for the first of the month, which is how 出生年月
/// columns are written. Empty gives `Ok(None)`.
pub fn parse_date(raw: &str) -> Result<Option<chrono::NaiveDate>, CellError> {
    let cell = normalize_numeric(raw);
    let s = cell.as_ref();
    if s.is_empty() {
        return Ok(None);
    }
    let date = match s.split_once(' ') {
        Some((d, t)) if is_time_of_day(t.trim()) => d,
        Some(_) => return Err(CellError::NotDate),
        None => s,
    };
    let parts: Vec<&str> = if date.contains('年') {
        let Some(body) = date.strip_suffix('日').or_else(|| date.strip_suffix('月')) else {
            return Err(CellError::NotDate);
        };
        body.split(['年', '月']).map(str::trim).collect()
    } else if all_digits(date) {
        match date.len() {
            8 => vec![&date[..4], &date[4..6], &date[6..]],
            6 => vec![&date[..4], &date[4..]],
            _ => return Err(CellError::NotDate),
        }
    } else {
        let Some(sep) = date.chars().find(|c| !c.is_ascii_digit()) else {
            return Err(CellError::NotDate);
        };
        if !matches!(sep, '-' | '/' | '.' | '／') {
            return Err(CellError::NotDate);
        }
        date.split(sep).collect()
    };
    let (year, month, day) = match parts.as_slice() {
        [y, m] => (digits(y, 4, 4), digits(m, 1, 2), Some(1)),
        [y, m, d] => (digits(y, 4, 4), digits(m, 1, 2), digits(d, 1, 2)),
        _ => return Err(CellError::NotDate),
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(CellError::NotDate);
    };
    let year = i32::try_from(year).map_err(|_| CellError::NotDate)?;
    if !(1900..=2200).contains(&year) {
        return Err(CellError::NotDate);
    }
    chrono::NaiveDate::from_ymd_opt(year, month, day)
        .map(Some)
        .ok_or(CellError::NotDate)
}

pub use crate::text::guard_formula;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::dec;

    /// `1234567` → `1,234,567`.
    fn group_thousands(digits: &str) -> String {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// Splits a `|`-separated table of cells, keeping tests short.
    fn cells(table: &str) -> impl Iterator<Item = &str> {
        table.split('|')
    }

    proptest! {
        #[test]
        fn trim_is_str_trim(s in "[ a\u{3000}\u{a0}\t元1]{0,5}") {
            prop_assert_eq!(trim(&s), s.trim());
        }
    }

    #[test]
    fn normalize_and_blank() {
        assert!(matches!(
            normalize_numeric(" 1234.50 "),
            Cow::Borrowed("1234.50")
        ));
        assert!(matches!(
            normalize_numeric("\u{3000}无\u{a0}"),
            Cow::Borrowed("无")
        ));
        let owned = normalize_numeric("\u{3000}１，２３４．５０\u{3000}");
        assert!(matches!(&owned, Cow::Owned(o) if o == "1,234.50"));
        assert_eq!(normalize_numeric("－３\u{3000}＋"), "-3 +");
        assert!(is_blank("") && is_blank(" \t\u{3000}\u{a0}"));
        assert!(!is_blank("/") && !is_blank("0"));
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_parser() {
        for cell in [
            "0",
            "7",
            "007",
            "1234",
            "1234.5",
            "1234.50",
            "0.125",
            "999999999999999999",
            "9558000000000000000",
            "9999999999999999999",
            "12.",
            "1.2.3",
            ".5",
        ] {
            let fast = plain_decimal(cell);
            let full = parse_money_slow(cell);
            if let Some(v) = fast {
                assert_eq!(full, Ok(Some(v)), "{cell}");
                assert_eq!(v.scale(), full.unwrap().unwrap().scale(), "{cell}");
            }
        }
    }

    #[test]
    fn money_accepts_caseworker_spellings() {
        let raw = "1234.5|1,234.50|  12,345,678 |１２３４．５元|¥1234|￥ 1,234.50 元|0|-0.00|+7|.5|12.3456|0.001";
        let want = "1234.5|1234.50|12345678|1234.5|1234|1234.50|0|0.00|7|0.5|12.3456|0.001";
        let want: Vec<_> = cells(want)
            .map(|w| Decimal::from_str_exact(w).ok())
            .collect();
        assert_eq!(cells(raw).count(), want.len());
        for (raw, want) in cells(raw).zip(want) {
            assert_eq!(parse_money(raw), Ok(want), "{raw}");
        }
        // The written scale is kept so 1234.50 displays as written.
        assert_eq!(
            parse_money("1234.50").map(|d| d.map(|d| d.scale())),
            Ok(Some(2))
        );
        let exact = "0.1234567890123456789012345678";
        assert_eq!(
            parse_money(exact),
            Ok(Some(dec!(0.1234567890123456789012345678)))
        );
        // Zeros beyond Decimal's precision are dropped without changing the value.
        assert_eq!(
            parse_money(&format!("1.{}", "0".repeat(40))),
            Ok(Some(dec!(1)))
        );
        for raw in cells("0.00000000000000000000000000001|99999999999999999999999999999999") {
            assert_eq!(parse_money(raw), Err(CellError::OutOfRange), "{raw}");
        }
        for raw in cells("|   |\u{3000}|/|-|—|——|－|／") {
            assert_eq!(parse_money(raw), Ok(None), "{raw:?}");
        }
    }

    #[test]
    fn money_rejects_negative_and_garbage() {
        for raw in cells("-12|－１２|-¥12|¥-12.00|(1,234.00)|（5）|-0.01元") {
            assert_eq!(parse_money(raw), Err(CellError::Negative), "{raw}");
        }
        let bad = "12a|1,23,4|1.2.3|abc|1e5|NaN|inf|无|1 234|,123|1234,567|1,234.5,0|.|¥|元|--5|-(5)|12元元|¥¥1|0x10|+-1";
        for raw in cells(bad) {
            assert_eq!(parse_money(raw), Err(CellError::NotMoney), "{raw}");
        }
    }

    #[test]
    fn count_accepts_integral_values_only() {
        let ok = [3, 3, 3, 3, 1000, 0, MAX_COUNT];
        for (raw, want) in cells("3|３|3.0| 3.00 |1,000|-0|10000").zip(ok) {
            assert_eq!(parse_count(raw), Ok(Some(want)), "{raw}");
        }
        for raw in cells("10001|4294967295|999999999|1000000000|10,001") {
            assert_eq!(parse_count(raw), Err(CellError::CountTooLarge), "{raw}");
        }
        for raw in cells("3.5|无|3人|¥3|3e2") {
            assert_eq!(parse_count(raw), Err(CellError::NotInteger), "{raw}");
        }
        assert_eq!(parse_count("4294967296"), Err(CellError::OutOfRange));
        assert_eq!(parse_count("-2"), Err(CellError::Negative));
        assert_eq!((parse_count("/"), parse_count("")), (Ok(None), Ok(None)));
    }

    #[test]
    fn yes_no_spellings() {
        for raw in cells("yes|Y|TRUE|1|１|是| 有 |√") {
            assert_eq!(parse_yes_no(raw), Ok(Some(true)), "{raw}");
        }
        for raw in cells("no|N|False|0|否|无|×") {
            assert_eq!(parse_yes_no(raw), Ok(Some(false)), "{raw}");
        }
        assert_eq!(parse_yes_no("  "), Ok(None));
        for raw in cells("/|maybe|2") {
            assert_eq!(parse_yes_no(raw), Err(CellError::NotYesNo), "{raw}");
        }
    }

    #[test]
    fn month_spellings() {
        let ok = "2024-03|2024/03|2024.03|2024年03月|2024年3月|２０２４年３月|202403|2024-3|2024-03-15|2024/3/5|20240329|2024年3月5日|2024/3/5 0:00|2024-03-15 00:00:00";
        for raw in cells(ok) {
            assert_eq!(parse_month(raw), Ok(Some((2024, 3))), "{raw}");
        }
        assert_eq!(parse_month("1900-01"), Ok(Some((1900, 1))));
        assert_eq!(parse_month("2200年12月"), Ok(Some((2200, 12))));
        assert_eq!(parse_month(" "), Ok(None));
        let bad = "2024-13|2024-00|1899-12|2201-01|2024-02-30|20230229|24-03|2024|2024-03/15|2024-03-15-01|2024-3 0:00|2024-03-15 noon|2024.1|2024.3|202413|-|2024年|March 2024|2024-03-";
        for raw in cells(bad) {
            assert_eq!(parse_month(raw), Err(CellError::NotMonth), "{raw}");
        }
    }

    #[test]
    fn date_spellings() {
        let want = chrono::NaiveDate::from_ymd_opt(1950, 3, 5);
        for raw in cells(
            "1950-03-05|1950/3/5|1950.03.05|19500305|1950年3月5日|１９５０－０３－０５|1950-03-05 00:00:00",
        ) {
            assert_eq!(parse_date(raw), Ok(want), "{raw}");
        }
        let first = chrono::NaiveDate::from_ymd_opt(1950, 3, 1);
        for raw in cells("1950-03|1950年3月|195003") {
            assert_eq!(parse_date(raw), Ok(first), "{raw}");
        }
        assert_eq!(parse_date(" "), Ok(None));
        for raw in
            cells("1950-02-30|1899-12-31|50-3-5|1950|1950-03-05-1|March|1950年3|1950-03-05 noon")
        {
            assert_eq!(parse_date(raw), Err(CellError::NotDate), "{raw}");
        }
    }

    #[test]
    fn guard_formula_prefixes_dangerous_text_only() {
        for raw in cells("=SUM(A1)|@cmd|+86 138|-|-1+2|\tx|\rx|-12.") {
            assert_eq!(guard_formula(raw), format!("'{raw}"));
        }
        for raw in cells("-12.50|+3|张三||12") {
            assert!(
                matches!(guard_formula(raw), Cow::Borrowed(b) if b == raw),
                "{raw}"
            );
        }
    }

    #[test]
    fn error_codes_are_distinct_snake_case() {
        use CellError::*;
        let all = [
            NotMoney,
            Negative,
            NotInteger,
            NotMonth,
            NotYesNo,
            OutOfRange,
            NotDate,
            AmountTooLarge,
            CountTooLarge,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(CellError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(
            all.iter()
                .all(|e| e.zh().contains('：') && e.en().contains(':'))
        );
        assert_eq!(
            (NotMoney.code(), NotYesNo.code()),
            ("not_money", "not_yes_no")
        );
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC*|[0-9０-９.．,，+＋\\-－¥￥元年月日/／:() 　]{0,24}") {
            let _ = (normalize_numeric(&s), is_blank(&s), parse_money(&s), parse_count(&s));
            let _ = (parse_yes_no(&s), parse_month(&s), parse_date(&s));
            prop_assert!(guard_formula(&s).ends_with(s.as_str()));
        }

        #[test]
        fn formatted_cents_round_trip(cents in 0u64..=u64::MAX / 2) {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            let want = Decimal::try_from_i128_with_scale(i128::from(cents), 2).unwrap();
            let want = if want > MAX_AMOUNT { Err(CellError::AmountTooLarge) } else { Ok(Some(want)) };
            prop_assert_eq!(parse_money(&text), want);
        }

        /// Every digit string of 1 to 40 digits, with a sign, thousands separators and
        /// decimals, reads exactly as rust_decimal reads it, or is refused: never a wrapped
        /// value, in a debug or a release build alike (the parser's arithmetic is checked).
        #[test]
        fn digit_strings_read_as_rust_decimal_reads_them(
            sign in prop::sample::select(vec!["", "-", "+"]),
            int in "[0-9]{1,40}",
            frac in prop::option::of("[0-9]{0,40}"),
            grouped in any::<bool>(),
        ) {
            let frac = frac.map(|f| if f.is_empty() { "0".to_string() } else { f });
            let int_text = if grouped { group_thousands(&int) } else { int.clone() };
            let text = match &frac {
                Some(f) => format!("{sign}{int_text}.{f}"),
                None => format!("{sign}{int_text}"),
            };
            // The oracle reads the same number without separators; trailing fractional zeros
            // do not change the value, and rust_decimal refuses more than 28 of them.
            let plain = match &frac {
                Some(f) => format!("{int}.{}", f.trim_end_matches('0')),
                None => int.clone(),
            };
            let plain = plain.strip_suffix('.').unwrap_or(&plain).to_string();
            let want = match Decimal::from_str_exact(&plain) {
                Err(_) => Err(CellError::OutOfRange),
                Ok(v) if sign == "-" && !v.is_zero() => Err(CellError::Negative),
                Ok(v) if v > MAX_AMOUNT => Err(CellError::AmountTooLarge),
                Ok(v) => Ok(Some(v)),
            };
            let got = parse_money(&text);
            // Equal values; the written scale is kept where it fits.
            prop_assert_eq!(&got, &want, "{}", text);
        }
    }
}
