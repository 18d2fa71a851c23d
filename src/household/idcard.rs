//! Chinese resident identity numbers (GB 11643-1999).
//!
//! ID numbers in rosters are often damaged by spreadsheets: Excel keeps only 15
//! significant digits, so an 18-digit number typed into a numeric cell turns into
//! `1.10101E+17`, gains a `.0`, or has its last digits replaced by zeros. The
//! lost digits cannot be recovered from the cell, so every such case is reported
//! with a fix-it message and nothing is ever repaired by guessing.

use chrono::{Datelike, NaiveDate};

/// What is wrong with an ID number cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    /// The cell is empty.
    Empty,
    /// Excel turned it into a number in scientific notation, e.g. "1.10101E+17" or "3.20102e17"
    ScientificNotation,
    /// Excel added a trailing ".0"
    TrailingDecimal,
    /// last digits "000" and the check digit fails: likely precision lost in Excel
    ZeroedTail,
    /// Neither 18 (current) nor 15 (old) characters; holds the number of characters found.
    WrongLength(usize),
    /// Something other than digits, or an `X` anywhere but the last place of an 18-character ID.
    BadCharacter,
    /// The check character does not match the first 17 digits.
    BadCheckDigit {
        /// The check character the first 17 digits call for.
        expected: char,
        /// The check character actually written.
        found: char,
    },
    /// The embedded birth date does not exist (e.g. 30 February) or lies before 1900.
    ImpossibleBirthDate,
    /// The embedded birth date is after the reference date.
    BirthDateInFuture,
}

impl IdProblem {
    /// A stable `snake_case` code for machine-readable reports; never change an existing one.
    pub fn code(&self) -> &'static str {
        match self {
            IdProblem::Empty => "empty",
            IdProblem::ScientificNotation => "scientific_notation",
            IdProblem::TrailingDecimal => "trailing_decimal",
            IdProblem::ZeroedTail => "zeroed_tail",
            IdProblem::WrongLength(_) => "wrong_length",
            IdProblem::BadCharacter => "bad_character",
            IdProblem::BadCheckDigit { .. } => "bad_check_digit",
            IdProblem::ImpossibleBirthDate => "impossible_birth_date",
            IdProblem::BirthDateInFuture => "birth_date_in_future",
        }
    }

    /// A Chinese sentence saying what is wrong and how to fix it.
    pub fn zh(&self) -> String {
        match self {
            IdProblem::Empty => "身份证号为空：请按证件填写 18 位身份证号".to_string(),
            IdProblem::ScientificNotation => {
                "身份证号被 Excel 转成了科学计数法（如 1.10101E+17），后几位已丢失：请把该列设为文本格式后按证件重新录入".to_string()
            }
            IdProblem::TrailingDecimal => {
                "身份证号末尾多了“.0”，说明 Excel 把它当成了数字，后几位可能已丢失：请把该列设为文本格式后按证件重新录入，不要只删掉“.0”".to_string()
            }
            IdProblem::ZeroedTail => {
                "身份证号末三位变成了 000 且校验位不符，多半是 Excel 按数字保存时丢失了精度：请把该列设为文本格式后按证件重新录入".to_string()
            }
            IdProblem::WrongLength(n) => format!(
                "身份证号有 {n} 位，应为 18 位（旧证为 15 位）：请对照证件核对是否漏填或多填"
            ),
            IdProblem::BadCharacter => {
                "身份证号含有数字以外的字符（只有 18 位号码的最后一位可以是 X）：请删除空格、横线等符号后按证件重新录入".to_string()
            }
            IdProblem::BadCheckDigit { expected, found } => format!(
                "身份证号校验位不符（按前 17 位应为 {expected}，实际为 {found}）：前 17 位中可能有录错的数字，请对照证件逐位核对，不要只改最后一位"
            ),
            IdProblem::ImpossibleBirthDate => {
                "身份证号中的出生日期不存在（如 2 月 30 日）：请对照证件核对出生日期部分".to_string()
            }
            IdProblem::BirthDateInFuture => {
                "身份证号中的出生日期晚于今天：请对照证件核对出生日期部分".to_string()
            }
        }
    }

    /// An English sentence saying what is wrong and how to fix it.
    pub fn en(&self) -> String {
        match self {
            IdProblem::Empty => {
                "The ID number is empty: enter the 18-character resident ID number from the card".to_string()
            }
            IdProblem::ScientificNotation => {
                "Excel turned the ID number into scientific notation (e.g. 1.10101E+17) and its last digits are lost: format the column as text and re-enter the number from the card".to_string()
            }
            IdProblem::TrailingDecimal => {
                "The ID number ends in \".0\", so Excel stored it as a number and its last digits may be lost: format the column as text and re-enter the number from the card; do not just delete the \".0\"".to_string()
            }
            IdProblem::ZeroedTail => {
                "The ID number ends in 000 and its check digit fails, most likely because Excel stored it as a number and lost precision: format the column as text and re-enter the number from the card".to_string()
            }
            IdProblem::WrongLength(n) => format!(
                "The ID number has {n} characters but should have 18 (15 for old cards): check it against the card for missing or extra digits"
            ),
            IdProblem::BadCharacter => {
                "The ID number contains characters other than digits (only the last character of an 18-character number may be X): remove spaces, dashes and other symbols and re-enter it from the card".to_string()
            }
            IdProblem::BadCheckDigit { expected, found } => format!(
                "The check digit does not match (the first 17 digits call for {expected}, found {found}): one of the first 17 digits is probably mistyped; compare every digit with the card rather than changing the last one"
            ),
            IdProblem::ImpossibleBirthDate => {
                "The birth date inside the ID number does not exist (e.g. 30 February): check the birth-date digits against the card".to_string()
            }
            IdProblem::BirthDateInFuture => {
                "The birth date inside the ID number is later than today: check the birth-date digits against the card".to_string()
            }
        }
    }
}

impl std::fmt::Display for IdProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for IdProblem {}

/// A validated resident ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    /// The number as 18 or 15 ASCII characters, with an upper-case `X`.
    pub normalized: String,
    /// The birth date embedded in the number.
    pub birth: NaiveDate,
    /// True when the sequence digit is odd, which GB 11643 assigns to men.
    pub male: bool,
}

/// GB 11643 weights for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Computes the GB 11643 check character for 17 ASCII digits (`b'0'..=b'9'`).
///
/// Other bytes give a meaningless character rather than a panic; callers validate digits first.
pub fn check_char(first17: &[u8; 17]) -> char {
    let sum = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum::<u32>();
    CHECK_CHARS
        .get(usize::try_from(sum % 11).unwrap_or(0))
        .copied()
        .unwrap_or('1')
}

/// Maps full-width characters that Chinese input methods produce to ASCII.
fn to_ascii(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        'Ｘ' | 'ｘ' | 'x' => 'X',
        'Ｅ' => 'E',
        'ｅ' => 'e',
        '．' => '.',
        '＋' => '+',
        _ => c,
    }
}

/// Removes the wrappers spreadsheets use to force text: a leading `'` or `="…"`.
fn strip_text_wrappers(s: &str) -> &str {
    if let Some(inner) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        return inner.trim();
    }
    if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return inner.trim();
    }
    s.strip_prefix('\'').map_or(s, str::trim)
}

/// True for `1.10101E+17`, `3.20102e17` and the like.
fn is_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    all_digits(int_part) && all_digits(frac_part) && all_digits(exponent)
}

/// True for digits followed by `.0`, `.00`, … as Excel writes whole numbers.
fn has_trailing_decimal(s: &str) -> bool {
    s.split_once('.').is_some_and(|(int_part, zeros)| {
        !int_part.is_empty()
            && int_part.bytes().all(|b| b.is_ascii_digit())
            && !zeros.is_empty()
            && zeros.bytes().all(|b| b == b'0')
    })
}

/// The Excel damage a number-like cell shows, if any: scientific notation (`6.22848E+18`) or a
/// trailing `.0`. For cells that are not ID numbers but suffer the same way (bank accounts,
/// long household ids); an ID number gets the full check of [`parse_id`].
pub fn excel_damage(raw: &str) -> Option<IdProblem> {
    // The common case, on the per-row path, without allocating: every damaged form ends in
    // `E+17`, `e17`, `.0` or `.00` (or full-width text), so only the last bytes are looked at.
    let bytes = raw.trim_end().as_bytes();
    let tail = &bytes[bytes.len().saturating_sub(6)..];
    if !tail
        .iter()
        .any(|b| *b >= 0x80 || matches!(b, b'.' | b'E' | b'e'))
    {
        return None;
    }
    let text: String = strip_text_wrappers(raw.trim())
        .chars()
        .map(to_ascii)
        .collect();
    if is_scientific(&text) {
        Some(IdProblem::ScientificNotation)
    } else if has_trailing_decimal(&text) && text.len() > 10 {
        Some(IdProblem::TrailingDecimal)
    } else {
        None
    }
}

/// Reads `len` ASCII digits starting at `start` as a number.
fn number_at(digits: &[u8], start: usize, len: usize) -> Option<u32> {
    digits
        .get(start..start.checked_add(len)?)?
        .iter()
        .try_fold(0u32, |acc, b| {
            let digit = b.is_ascii_digit().then(|| u32::from(b - b'0'))?;
            acc.checked_mul(10)?.checked_add(digit)
        })
}

/// Checks the embedded birth date; years before 1900 are treated as typos since no
/// living applicant can have them.
fn birth_date(year: u32, month: u32, day: u32, today: NaiveDate) -> Result<NaiveDate, IdProblem> {
    let year = i32::try_from(year).map_err(|_| IdProblem::ImpossibleBirthDate)?;
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .filter(|d| d.year() >= 1900)
        .ok_or(IdProblem::ImpossibleBirthDate)?;
    if date > today {
        return Err(IdProblem::BirthDateInFuture);
    }
    Ok(date)
}

/// Validate an ID; `today` is the date birth dates must not be after. Trims spaces,
/// converts full-width digits and full-width X, and drops the `'` or `="…"` wrappers
/// spreadsheets use to keep numbers as text.
///
/// Never repairs a damaged number by guessing: a number Excel has mangled is
/// reported as such so the caseworker re-enters it from the card.
pub fn parse_id(raw: &str, today: NaiveDate) -> Result<IdNumber, IdProblem> {
    let inner = strip_text_wrappers(raw.trim());
    let mut text = String::with_capacity(inner.len());
    text.extend(inner.chars().map(to_ascii));
    if text.is_empty() {
        return Err(IdProblem::Empty);
    }
    if is_scientific(&text) {
        return Err(IdProblem::ScientificNotation);
    }
    if has_trailing_decimal(&text) {
        return Err(IdProblem::TrailingDecimal);
    }
    let length = text.chars().count();
    let body = text.strip_suffix('X').unwrap_or(&text);
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdProblem::BadCharacter);
    }
    match length {
        18 => parse_18(text, today),
        15 if body.len() == 15 => parse_15(text, today),
        15 => Err(IdProblem::BadCharacter),
        n => Err(IdProblem::WrongLength(n)),
    }
}

/// Validates a current 18-character number whose characters are already known to be well formed.
fn parse_18(text: String, today: NaiveDate) -> Result<IdNumber, IdProblem> {
    let (birth, male) = check_18(text.as_bytes(), today)?;
    Ok(IdNumber {
        normalized: text,
        birth,
        male,
    })
}

/// The checks of an 18-character number: zeroed tail, birth date, check digit. Returns the
/// birth date and whether the holder is male.
fn check_18(bytes: &[u8], today: NaiveDate) -> Result<(NaiveDate, bool), IdProblem> {
    let first17: &[u8; 17] = bytes
        .get(..17)
        .and_then(|s| s.try_into().ok())
        .ok_or(IdProblem::WrongLength(bytes.len()))?;
    let expected = check_char(first17);
    let found = bytes.get(17).map_or('?', |b| char::from(*b));
    if expected != found && bytes.ends_with(b"000") {
        return Err(IdProblem::ZeroedTail);
    }
    // The birth date is checked before the check digit because a caseworker can
    // verify it against the household register, which pinpoints the typo.
    let field = |start, len| number_at(bytes, start, len).ok_or(IdProblem::BadCharacter);
    let birth = birth_date(field(6, 4)?, field(10, 2)?, field(12, 2)?, today)?;
    if expected != found {
        return Err(IdProblem::BadCheckDigit { expected, found });
    }
    let male = field(16, 1)? % 2 == 1;
    Ok((birth, male))
}

/// Whether an ID is valid, as [`parse_id`] decides, without building the normalised number:
/// a plain 18-character ASCII cell (the common case on a million-row roster) is checked in
/// place.
pub fn validate_id(raw: &str, today: NaiveDate) -> Result<(), IdProblem> {
    let b = raw.trim().as_bytes();
    let plain = b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X');
    if plain {
        check_18(b, today).map(|_| ())
    } else {
        parse_id(raw, today).map(|_| ())
    }
}

/// Validates an old 15-digit number: 6-digit region, `YYMMDD` in the 1900s, 3-digit sequence.
fn parse_15(text: String, today: NaiveDate) -> Result<IdNumber, IdProblem> {
    let bytes = text.as_bytes();
    let field = |start, len| number_at(bytes, start, len).ok_or(IdProblem::BadCharacter);
    let birth = birth_date(1900 + field(6, 2)?, field(8, 2)?, field(10, 2)?, today)?;
    let male = field(14, 1)? % 2 == 1;
    Ok(IdNumber {
        normalized: text,
        birth,
        male,
    })
}

/// Age in whole years at the given date: the year counts from the birthday itself.
///
/// Someone born on 29 February reaches the next year on 1 March in common years.
/// A date before the birth gives 0.
pub fn age_at(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on <= birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Whether a character is invisible in a cell and never part of an ID: zero-width spaces and
/// joiners, the word joiner, a byte-order mark, and control characters (a line break is kept,
/// so that a cell spanning lines is still reported as such).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{2060}')
        || (c.is_control() && c != '\n' && c != '\r')
}

/// An ID-like cell (household id, ID number, bank account) as it is compared: NFKC (so
/// full-width `Ｈ００１` is `H001`), without zero-width or control characters, trimmed. Case is
/// kept: household ids are written out (and paid, and recorded in the ledger) as the roster
/// spells them, and only the duplicate check ignores ASCII case. Borrowed when the cell is
/// already so, which a machine-written roster's cells are.
pub fn normalize_id(raw: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    // every byte visible ASCII (0x21..=0x7E); no early exit, so the loop is vectorised
    if raw
        .bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(0x21) < 0x5E))
    {
        return std::borrow::Cow::Borrowed(raw);
    }
    let out: String = raw.nfkc().filter(|c| !is_invisible(*c)).collect();
    let trimmed = out.trim();
    if trimmed == raw {
        return std::borrow::Cow::Borrowed(raw);
    }
    std::borrow::Cow::Owned(trimmed.to_string())
}

/// Mask for screens: the first 6 and last 4 characters are kept and the rest become
/// `*`; values of 10 characters or fewer keep the first 2 and last 2 when longer
/// than 4, else are all `*`. Counts characters, not bytes, so it also suits bank
/// account numbers and full-width input.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    let (head, tail) = match n {
        0..=4 => (0, 0),
        5..=10 => (2, 2),
        _ => (6, 4),
    };
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= n.saturating_sub(tail) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use IdProblem::*;
    use proptest::prelude::*;

    #[test]
    fn id_cells_are_normalised_for_comparison() {
        for raw in [
            "H001",
            "H001\u{200B}",
            " H001",
            "Ｈ００１",
            "\u{FEFF}H\u{2060}001\u{7}",
            "Ｈ001\u{3000}",
        ] {
            assert_eq!(normalize_id(raw), "H001", "{raw:?}");
        }
        assert_eq!(normalize_id("h001"), "h001");
        assert_eq!(
            normalize_id("１１０１０５\u{200C}19491231002x"),
            "11010519491231002x"
        );
        assert!(matches!(
            normalize_id("H001"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(normalize_id("城关\u{200D}01"), "城关01");
        // a line break stays, for the row to be reported
        assert_eq!(normalize_id("H1\nH2"), "H1\nH2");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// Parses against a fixed reference date so the tests never age.
    fn parse(raw: &str) -> Result<IdNumber, IdProblem> {
        parse_id(raw, date(2025, 6, 1))
    }

    /// Builds a valid 18-character ID from 17 digits by appending the computed check character.
    fn with_check(first17: &str) -> String {
        let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap_or([b'0'; 17]);
        format!("{first17}{}", check_char(&bytes))
    }

    #[test]
    fn published_example_is_valid() {
        assert_eq!(check_char(b"11010519491231002"), 'X');
        let want = IdNumber {
            normalized: "11010519491231002X".to_string(),
            birth: date(1949, 12, 31),
            male: false,
        };
        assert_eq!(parse("11010519491231002X"), Ok(want));
    }

    #[test]
    fn constructed_ids_give_sex_and_birth() {
        let male = parse(&with_check("44030419850612001")).map(|p| (p.male, p.birth));
        assert_eq!(male, Ok((true, date(1985, 6, 12))));
        let female = parse(&with_check("32010220000229004")).map(|p| (p.male, p.birth));
        assert_eq!(female, Ok((false, date(2000, 2, 29))));
        // Sequence "100" with check character '0': a genuine tail of 000, not Excel damage.
        assert_eq!(check_char(b"11010119491231100"), '0');
        assert!(parse("110101194912311000").is_ok());
    }

    #[test]
    fn lower_case_x_full_width_and_wrappers_are_normalised() {
        let raws = [
            " 11010519491231002x ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "\u{3000}'11010519491231002X",
            "=\"11010519491231002X\"",
            "\t11010519491231002ｘ",
        ];
        for raw in raws {
            let normalized = parse(raw).map(|p| p.normalized);
            assert_eq!(normalized.as_deref(), Ok("11010519491231002X"), "{raw}");
        }
    }

    #[test]
    fn wrong_check_digit_and_birth_dates() {
        let wrong = BadCheckDigit {
            expected: 'X',
            found: '1',
        };
        assert_eq!(parse("110105194912310021"), Err(wrong));
        assert_eq!(
            parse(&with_check("11010519490230002")),
            Err(ImpossibleBirthDate)
        );
        assert_eq!(
            parse(&with_check("11010518991231002")),
            Err(ImpossibleBirthDate)
        );
        assert_eq!(
            parse(&with_check("11010520300101002")),
            Err(BirthDateInFuture)
        );
        assert!(
            parse(&with_check("11010520250601002")).is_ok(),
            "born today"
        );
        assert_eq!(
            parse(&with_check("11010520250602002")),
            Err(BirthDateInFuture)
        );
    }

    #[test]
    fn excel_damage_is_reported_not_repaired() {
        assert_eq!(parse("1.10101E+17"), Err(ScientificNotation));
        assert_eq!(parse("3.20102e17"), Err(ScientificNotation));
        // Even when the digits before ".0" were intact, the number is not trusted.
        assert_eq!(parse("110105194912310021.0"), Err(TrailingDecimal));
        assert_eq!(parse("11010519491231002.00"), Err(TrailingDecimal));
        assert_ne!(check_char(b"11010519491231000"), '0');
        assert_eq!(parse("110105194912310000"), Err(ZeroedTail));
    }

    #[test]
    fn excel_damage_of_other_long_numbers() {
        assert_eq!(excel_damage("6.22848E+18"), Some(ScientificNotation));
        assert_eq!(excel_damage("6228480010000000011.0"), Some(TrailingDecimal));
        assert_eq!(excel_damage("6228480010000000011"), None);
        assert_eq!(
            excel_damage("3.0"),
            None,
            "a short number with .0 is not an account"
        );
    }

    #[test]
    fn length_and_character_problems() {
        assert_eq!((parse(""), parse(" \u{3000}")), (Err(Empty), Err(Empty)));
        assert_eq!(parse("1101051949123100"), Err(WrongLength(16)));
        assert_eq!(parse("1101051949123100212"), Err(WrongLength(19)));
        assert_eq!(parse("１２３"), Err(WrongLength(3)));
        for raw in [
            "110105-19491231-002X",
            "1101051949123100X2",
            "11010549123100X",
            "身份证",
        ] {
            assert_eq!(parse(raw), Err(BadCharacter), "{raw}");
        }
    }

    #[test]
    fn old_fifteen_digit_ids() {
        let want = IdNumber {
            normalized: "110105491231003".to_string(),
            birth: date(1949, 12, 31),
            male: true,
        };
        assert_eq!(parse("110105491231003"), Ok(want));
        assert_eq!(parse("110105491231002").map(|p| p.male), Ok(false));
        assert_eq!(parse("110105490230002"), Err(ImpossibleBirthDate));
        assert_eq!(parse("11010549123100"), Err(WrongLength(14)));
    }

    #[test]
    fn ages_count_from_the_birthday() {
        let birth = date(1965, 6, 1);
        assert_eq!(age_at(birth, date(2025, 5, 31)), 59);
        assert_eq!(age_at(birth, date(2025, 6, 1)), 60);
        assert_eq!(age_at(birth, date(1960, 1, 1)), 0);
        let leap = date(2000, 2, 29);
        assert_eq!(age_at(leap, date(2001, 2, 28)), 0);
        assert_eq!(age_at(leap, date(2001, 3, 1)), 1);
        assert_eq!(age_at(leap, date(2004, 2, 29)), 4);
    }

    #[test]
    fn masking() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("6222021234567890123"), "622202*********0123");
        assert_eq!(mask("1234567890"), "12******90");
        assert_eq!(
            (mask("12345"), mask("1234"), mask("")),
            ("12*45".into(), "****".into(), String::new())
        );
        assert_eq!(mask("张三丰李四王五赵六钱七"), "张三丰李四王*赵六钱七");
    }

    #[test]
    fn problem_texts_name_the_fault() {
        let p = BadCheckDigit {
            expected: 'X',
            found: '1',
        };
        assert!(p.zh().contains("应为 X") && p.zh().contains("实际为 1"));
        assert!(p.en().contains("call for X") && p.en().contains("found 1"));
        assert!(WrongLength(16).zh().contains("16 位") && WrongLength(16).en().contains("16"));
        assert!(ScientificNotation.zh().contains("科学计数法"));
        assert_eq!(
            (ZeroedTail.code(), p.code()),
            ("zeroed_tail", "bad_check_digit")
        );
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC*|[0-9０-９xXＸ.．Ee+＋ 　'\"=]{0,22}") {
            prop_assert_eq!(mask(&s).chars().count(), s.chars().count());
            if let Ok(id) = parse(&s) {
                prop_assert!(matches!(id.normalized.len(), 15 | 18));
            }
            prop_assert_eq!(validate_id(&s, date(2024, 6, 1)), parse_id(&s, date(2024, 6, 1)).map(|_| ()));
        }

        #[test]
        fn validate_agrees_with_parse_on_plain_numbers(digits in "[0-9]{17}[0-9X]") {
            prop_assert_eq!(validate_id(&digits, date(2024, 6, 1)), parse_id(&digits, date(2024, 6, 1)).map(|_| ()));
        }

        #[test]
        fn check_digit_decides_validity(region in 110_000_u32..660_000, days in 0u32..40_000, seq in 0u32..1000, last in 0usize..11) {
            let birth = date(1920, 1, 1) + chrono::Days::new(u64::from(days));
            let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
            let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap_or([b'0'; 17]);
            let candidate = CHECK_CHARS.get(last).copied().unwrap_or('1');
            let result = parse_id(&format!("{first17}{candidate}"), date(2100, 1, 1));
            if candidate == check_char(&bytes) {
                prop_assert_eq!(result.map(|p| p.birth), Ok(birth));
            } else {
                prop_assert!(result.is_err());
            }
        }
    }
}
