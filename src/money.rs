//! Money and the named rounding rules (取整规则). This is the only module that rounds.
//!
//! Every amount is a [`Decimal`]; floats never carry money. A policy names how an amount is
//! rounded (`round = "yuan_up"`), and [`Rounding::apply`] is the one place where that happens.
//! Half up means half away from zero (四舍五入), never half-to-even.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

pub use rust_decimal::Decimal as Amount;

/// The largest amount a roster's money cell may hold, and the largest amount a policy may
/// name: 1,000,000,000,000 yuan (10^12, 一万亿元). Every amount below it, multiplied by a
/// household's members and summed over any roster, stays well inside a decimal's 28 digits.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The largest share or multiple a policy may name (its value, numerator and denominator):
/// 10^6. A share of 10^6 is already absurd (a care "share" without a `care_base` is a monthly
/// amount, and 1,000,000 yuan a month is far above any); the bound keeps `amount × share ×
/// members` inside a decimal's range for every amount up to [`MAX_AMOUNT`].
pub const MAX_SHARE: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// A sum of amounts that left a decimal's range (about 7.9 × 10^28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountOverflow;

impl AmountOverflow {
    /// The Chinese sentence.
    pub fn zh(self) -> &'static str {
        "金额合计超出可精确计算的范围（约 7.9×10^28 元）：请核对名册或政策中是否有误填的超大数值"
    }

    /// The English sentence.
    pub fn en(self) -> &'static str {
        "a sum of amounts is beyond the range that can be held exactly (about 7.9 × 10^28 yuan): check the roster and policy for an absurdly large value"
    }
}

impl fmt::Display for AmountOverflow {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} ({})", self.en(), self.zh())
    }
}

impl std::error::Error for AmountOverflow {}

/// `a + b`, or [`AmountOverflow`].
pub fn checked_add(a: Decimal, b: Decimal) -> Result<Decimal, AmountOverflow> {
    a.checked_add(b).ok_or(AmountOverflow)
}

/// `a × b`, or [`AmountOverflow`].
pub fn checked_mul(a: Decimal, b: Decimal) -> Result<Decimal, AmountOverflow> {
    a.checked_mul(b).ok_or(AmountOverflow)
}

/// Adds `v` to `acc` in place, or fails leaving `acc` unchanged.
pub fn add_to(acc: &mut Decimal, v: Decimal) -> Result<(), AmountOverflow> {
    *acc = checked_add(*acc, v)?;
    Ok(())
}

/// The exact sum of amounts, or [`AmountOverflow`]: the sum to use for every total (a plain
/// `.sum()` of decimals panics on overflow).
pub fn checked_sum<I: IntoIterator<Item = Decimal>>(values: I) -> Result<Decimal, AmountOverflow> {
    values.into_iter().try_fold(Decimal::ZERO, checked_add)
}

/// A named rounding rule of the policy file (`round = "..."`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 0.01, half up (到分，四舍五入)
    Fen,
    /// 0.1, half up (到角)
    Jiao,
    /// 1, half up (到元)
    Yuan,
    /// ceiling to the yuan (向上取整到元, "not lower than")
    YuanUp,
    /// floor to the yuan (向下取整到元)
    YuanDown,
    /// ceiling to the fen
    FenUp,
    /// exact, no rounding
    #[default]
    None,
}

impl Rounding {
    /// Rounds `value` by this rule.
    pub fn apply(self, value: Decimal) -> Decimal {
        match self {
            Rounding::Fen => {
                value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            }
            Rounding::Jiao => {
                value.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            }
            Rounding::Yuan => {
                value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            }
            Rounding::YuanUp => {
                value.round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity)
            }
            Rounding::YuanDown => {
                value.round_dp_with_strategy(0, RoundingStrategy::ToNegativeInfinity)
            }
            Rounding::FenUp => {
                value.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity)
            }
            Rounding::None => value,
        }
    }

    /// The name used in policy files.
    pub fn name(self) -> &'static str {
        match self {
            Rounding::Fen => "fen",
            Rounding::Jiao => "jiao",
            Rounding::Yuan => "yuan",
            Rounding::YuanUp => "yuan_up",
            Rounding::YuanDown => "yuan_down",
            Rounding::FenUp => "fen_up",
            Rounding::None => "none",
        }
    }
}

/// Formats an amount as it leaves the tool: stated to the fen, half up (`"618.00"`).
pub fn fmt_money(value: Decimal) -> String {
    let mut s = String::with_capacity(12);
    write_money(&mut s, value);
    s
}

/// Appends an amount stated to the fen, half up, to `out` (the allocation-free form of
/// [`fmt_money`] used by the streaming writers).
pub fn write_money(out: &mut String, value: Decimal) {
    let mut buf = [0u8; 48];
    out.push_str(money_text(value, &mut buf));
}

/// Appends an amount stated to the fen, half up, to a byte buffer (CSV lines): the same text
/// as [`write_money`], ASCII digits only.
pub fn write_money_bytes(out: &mut Vec<u8>, value: Decimal) {
    let mut buf = [0u8; 48];
    let start = money_digits(value, &mut buf);
    out.extend_from_slice(&buf[start..]);
}

/// The text of an amount stated to the fen, built in `buf`.
fn money_text(value: Decimal, buf: &mut [u8; 48]) -> &str {
    let start = money_digits(value, buf);
    std::str::from_utf8(&buf[start..]).unwrap_or("")
}

/// The amount in fen, when no rounding is needed to state it to the fen: at most two
/// decimals, or more that are all zeros (`206.0000` from a share of a standard).
fn exact_fen(value: Decimal) -> Option<i128> {
    let m = value.mantissa();
    match value.scale() {
        0 => m.checked_mul(100),
        1 => m.checked_mul(10),
        2 => Some(m),
        s => {
            // Below 10^18 the test runs in 64-bit arithmetic, far cheaper than 128-bit.
            let p = 10i64.checked_pow(s - 2)?;
            let small = i64::try_from(m).ok()?;
            (small % p == 0).then(|| i128::from(small / p))
        }
    }
}

/// The amount in fen, rounded half away from zero: the `fen` rule of [`Rounding`], worked on
/// the mantissa (a property test keeps the two equal). Used for display, where most amounts
/// with more than two decimals are quotients such as a per-capita income.
fn fen_half_away(value: Decimal) -> i128 {
    let m = value.mantissa();
    let Some(p) = value.scale().checked_sub(2).map(|e| 10i128.pow(e)) else {
        return m * 10i128.pow(2 - value.scale());
    };
    let q = m / p;
    let r = m - q * p;
    if 2 * r.abs() >= p { q + m.signum() } else { q }
}

/// Writes the text of an amount stated to the fen at the end of `buf`; returns where it
/// starts.
fn money_digits(value: Decimal, buf: &mut [u8; 48]) -> usize {
    let m = exact_fen(value).unwrap_or_else(|| fen_half_away(value));
    // Decimal's 96-bit mantissa has at most 29 digits: the text always fits the buffer. The
    // digits are written from the right, two at a time; 64-bit division is far cheaper than
    // 128-bit, which only amounts beyond 10^17 yuan need.
    let abs = m.unsigned_abs();
    let (mut yuan, fen) = match u64::try_from(abs) {
        Ok(n) => (u128::from(n / 100), n % 100),
        Err(_) => (abs / 100, (abs % 100) as u64),
    };
    let mut i = buf.len();
    let pair = |buf: &mut [u8; 48], i: &mut usize, d: u64| {
        let d = d as usize * 2;
        *i -= 2;
        buf[*i..*i + 2].copy_from_slice(&DIGIT_PAIRS[d..d + 2]);
    };
    pair(buf, &mut i, fen);
    i -= 1;
    buf[i] = b'.';
    while yuan > u128::from(u64::MAX) {
        i -= 1;
        buf[i] = b'0' + (yuan % 10) as u8;
        yuan /= 10;
    }
    let mut n = yuan as u64;
    while n >= 100 {
        pair(buf, &mut i, n % 100);
        n /= 100;
    }
    if n >= 10 {
        pair(buf, &mut i, n);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    if m < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    i
}

/// "00" to "99", for writing digits two at a time.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// An amount that displays stated to the fen (`{}` of `Yuan(x)` is `fmt_money(x)` without
/// allocating).
#[derive(Debug, Clone, Copy)]
pub struct Yuan(pub Decimal);

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut buf = [0u8; 48];
        f.write_str(money_text(self.0, &mut buf))
    }
}

/// Formats a decimal without trailing zeros (`1.30`, `0.2` → `1.3`, `0.2`), for rates and
/// shares quoted in explanations.
pub fn fmt_plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A number read from a policy file: a TOML integer, a float read through its shortest decimal
/// form (so `0.1` is exactly 0.1), or a string such as `"914"` or `"1,234.50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Number(pub Decimal);

/// Refuses a policy number beyond ±[`MAX_AMOUNT`]: no standard, amount, share or threshold is
/// that large, and a bound keeps every product of the rules inside a decimal's range.
fn within_maximum<E: serde::de::Error>(v: Decimal) -> Result<Decimal, E> {
    if v.abs() > MAX_AMOUNT {
        return Err(E::custom(format!(
            "{} is beyond the maximum of 1000000000000 (10^12) a policy number may have (数值超过上限 10^12)",
            v.normalize()
        )));
    }
    Ok(v)
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = Number::deserialize_unbounded(d)?;
        within_maximum(n.0).map(Number)
    }
}

impl Number {
    fn deserialize_unbounded<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number (integer, decimal, or a string such as \"914.50\")")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
                if !v.is_finite() {
                    return Err(E::custom("a number must be finite"));
                }
                // Rust prints the shortest decimal that reads back as the same float.
                let text = format!("{v}");
                Decimal::from_str_exact(&text)
                    .or_else(|_| Decimal::from_scientific(&text))
                    .map(Number)
                    .map_err(|_| E::custom(format!("{text} cannot be held exactly")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Number, E> {
                parse_number_text(v)
                    .map(Number)
                    .ok_or_else(|| E::custom(format!("\"{v}\" is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a policy number written as text: `"914"`, `"0.3"`, `"1,234.50"`.
fn parse_number_text(text: &str) -> Option<Decimal> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    Decimal::from_str_exact(&cleaned).ok()
}

/// An exact share, written as a number (`0.2`) or a fraction (`"1/12"`). Applying it multiplies
/// first and divides last, so `900 × 1/8` is exactly 112.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// numerator
    pub num: Decimal,
    /// denominator, never zero
    pub den: Decimal,
}

impl Share {
    /// A share that is a plain decimal.
    pub fn of(value: Decimal) -> Share {
        Share {
            num: value,
            den: Decimal::ONE,
        }
    }

    /// `value × share`, exact up to the 28 digits of a decimal.
    pub fn apply(self, value: Decimal) -> Decimal {
        value * self.num / self.den
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.den == Decimal::ONE {
            write!(f, "{}", fmt_plain(self.num))
        } else {
            write!(f, "{}/{}", fmt_plain(self.num), fmt_plain(self.den))
        }
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// A number without the bound, which is checked on the share as a whole below (an
        /// untagged enum would hide the bound's message).
        struct Unbounded(Number);
        impl<'de> Deserialize<'de> for Unbounded {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Number::deserialize_unbounded(d).map(Unbounded)
            }
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(Unbounded),
            Text(String),
        }
        let bad = |t: &str| {
            serde::de::Error::custom(format!("\"{t}\" is not a share like 0.2 or \"1/12\""))
        };
        let share = match Raw::deserialize(d)? {
            Raw::Num(n) => Ok(Share::of(n.0.0)),
            Raw::Text(t) => {
                if let Some((a, b)) = t.split_once('/') {
                    let num = parse_number_text(a).ok_or_else(|| bad(&t))?;
                    let den = parse_number_text(b).ok_or_else(|| bad(&t))?;
                    if den.is_zero() {
                        return Err(serde::de::Error::custom(format!("\"{t}\" divides by zero")));
                    }
                    Ok(Share { num, den })
                } else {
                    parse_number_text(&t).map(Share::of).ok_or_else(|| bad(&t))
                }
            }
        }?;
        let value = share.num.checked_div(share.den);
        let bounded = |v: Decimal| v.abs() <= MAX_SHARE;
        if !bounded(share.num) || !bounded(share.den) || !value.is_some_and(bounded) {
            return Err(serde::de::Error::custom(format!(
                "{share} is beyond the maximum of 1000000 (10^6) a share or multiple may have, in its value, numerator and denominator (份额或倍数超过上限 10^6)"
            )));
        }
        Ok(share)
    }
}

impl Share {
    /// The share as one number (`num / den`).
    pub fn value(self) -> Decimal {
        self.num / self.den
    }

    /// Whether the share is below zero.
    pub fn is_negative(self) -> bool {
        !self.num.is_zero() && (self.num.is_sign_negative() != self.den.is_sign_negative())
    }
}

impl FromStr for Rounding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rounding::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s))
            .map_err(|_| format!("unknown rounding rule \"{s}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn the_maximum_amount_is_ten_to_the_twelfth() {
        assert_eq!(MAX_AMOUNT, dec!(1_000_000_000_000));
        assert_eq!(checked_sum([dec!(1.5), dec!(2)]), Ok(dec!(3.5)));
        assert_eq!(checked_sum([Decimal::MAX, dec!(1)]), Err(AmountOverflow));
        assert_eq!(checked_mul(Decimal::MAX, dec!(2)), Err(AmountOverflow));
        let mut acc = Decimal::MAX;
        assert_eq!(add_to(&mut acc, dec!(1)), Err(AmountOverflow));
        assert_eq!(acc, Decimal::MAX);
    }

    #[test]
    fn half_up_is_away_from_zero_not_to_even() {
        assert_eq!(Rounding::Yuan.apply(dec!(24.5)), dec!(25));
        assert_eq!(Rounding::Yuan.apply(dec!(23.5)), dec!(24));
        assert_eq!(Rounding::Fen.apply(dec!(0.125)), dec!(0.13));
        assert_eq!(Rounding::Jiao.apply(dec!(0.25)), dec!(0.3));
        assert_eq!(Rounding::Yuan.apply(dec!(-2.5)), dec!(-3));
    }

    #[test]
    fn named_rules_match_published_figures() {
        // Rizhao 2019-07: 590 × 4.2% = 24.78 → 25; 470 × 4.2% = 19.74 → 20.
        assert_eq!(Rounding::Yuan.apply(dec!(590) * dec!(0.042)), dec!(25));
        assert_eq!(Rounding::Yuan.apply(dec!(470) * dec!(0.042)), dec!(20));
        // Sichuan 2022: 1.3 × 680 = 884, 1.3 × 480 = 624; yuan_up keeps exact yuan.
        assert_eq!(Rounding::YuanUp.apply(dec!(1.3) * dec!(680)), dec!(884));
        assert_eq!(Rounding::YuanUp.apply(dec!(1.3) * dec!(687)), dec!(894));
        assert_eq!(Rounding::YuanDown.apply(dec!(893.1)), dec!(893));
        assert_eq!(Rounding::FenUp.apply(dec!(1.001)), dec!(1.01));
        assert_eq!(Rounding::None.apply(dec!(25.8234)), dec!(25.8234));
    }

    #[test]
    fn money_is_stated_to_the_fen() {
        assert_eq!(fmt_money(dec!(618)), "618.00");
        assert_eq!(fmt_money(dec!(62.5)), "62.50");
        assert_eq!(fmt_money(dec!(0.005)), "0.01");
        assert_eq!(fmt_money(Decimal::ZERO), "0.00");
        assert_eq!(fmt_money(dec!(-0.5)), "-0.50");
        assert_eq!(fmt_money(dec!(1234567.8912)), "1234567.89");
        assert_eq!(fmt_money(dec!(0.995)), "1.00");
        assert_eq!(fmt_money(dec!(-0.005)), "-0.01");
        assert_eq!(
            fmt_money(dec!(123456789012345678901234.56)),
            "123456789012345678901234.56"
        );
        assert_eq!(fmt_money(dec!(439.000000000000000000000)), "439.00");
    }

    proptest::proptest! {
        #[test]
        fn money_text_matches_decimal_display(m in proptest::num::i128::ANY, scale in 0u32..=28) {
            let m = m % 1_000_000_000_000_000_000_000_000i128;
            let v = Decimal::from_i128_with_scale(m, scale);
            let mut r = Rounding::Fen.apply(v);
            r.rescale(2);
            proptest::prop_assert_eq!(fmt_money(v), r.to_string());
        }

        #[test]
        fn midpoints_state_half_away_from_zero(m in -1_000_000_000_000i64..1_000_000_000_000i64, zeros in 0u32..=12) {
            // x.xx5 exactly, with any number of zeros after the 5
            let v = Decimal::from_i128_with_scale((i128::from(m) * 10 + 5) * 10i128.pow(zeros), 3 + zeros);
            let mut r = Rounding::Fen.apply(v);
            r.rescale(2);
            proptest::prop_assert_eq!(fmt_money(v), r.to_string());
            proptest::prop_assert_eq!(fmt_money(-v), (-r).to_string());
        }

        #[test]
        fn trailing_zeros_and_bytes_state_the_same_amount(
            m in -10_000_000_000i64..10_000_000_000i64,
            zeros in 0u32..=9,
            scale in 0u32..=19,
        ) {
            // `206.0000`: more than two decimals, all zeros, stated without rounding
            let v = Decimal::from_i128_with_scale(i128::from(m) * 10i128.pow(zeros), scale + zeros);
            let mut r = Rounding::Fen.apply(v);
            r.rescale(2);
            let text = fmt_money(v);
            proptest::prop_assert_eq!(&text, &r.to_string());
            let mut bytes = b"x".to_vec();
            write_money_bytes(&mut bytes, v);
            proptest::prop_assert_eq!(&bytes[1..], text.as_bytes());
        }
    }

    #[test]
    fn policy_numbers_are_exact() {
        #[derive(Deserialize)]
        struct T {
            a: Number,
            b: Number,
            c: Number,
            d: Share,
            e: Share,
        }
        let t: T =
            toml::from_str("a = 0.1\nb = 914\nc = \"1,234.50\"\nd = \"1/12\"\ne = 0.2").unwrap();
        assert_eq!(t.a.0, dec!(0.1));
        assert_eq!(t.b.0, dec!(914));
        assert_eq!(t.c.0, dec!(1234.50));
        assert_eq!(t.d.apply(dec!(900)), dec!(75));
        assert_eq!(t.e.apply(dec!(1030)), dec!(206));
        assert!(toml::from_str::<T>("a = \"x\"\nb=1\nc=1\nd=1\ne=1").is_err());
    }

    #[test]
    fn policy_numbers_beyond_the_maximum_are_refused() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: Number,
            s: Option<Share>,
        }
        for bad in [
            "a = 9999999999999999999",
            "a = -1000000000001",
            "a = \"10,000,000,000,000\"",
            "a = 1\ns = 9999999999999999999",
            "a = 1\ns = \"1/0.0000001\"",
            "a = 1\ns = 1000001",
            "a = 1\ns = \"10000000/10000000\"",
        ] {
            let e = toml::from_str::<T>(bad).expect_err(bad).to_string();
            assert!(e.contains("10^12") || e.contains("10^6"), "{bad}: {e}");
        }
        let t: T = toml::from_str("a = 1\ns = 1000000").unwrap();
        assert_eq!(t.s.unwrap().value(), MAX_SHARE);
        let t: T = toml::from_str("a = 1000000000000\ns = \"1/12\"").unwrap();
        assert_eq!(t.a.0, MAX_AMOUNT);
        assert!(!t.s.unwrap().is_negative());
        assert!(
            Share {
                num: dec!(1),
                den: dec!(-2)
            }
            .is_negative()
        );
        assert!(
            !Share {
                num: dec!(-0),
                den: dec!(2)
            }
            .is_negative()
        );
    }
}
