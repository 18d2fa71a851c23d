//! The keys persons and accounts are known by, and their fingerprints: an ID number is
//! normalised (an old 15-digit number widened to 18 characters, GB 11643) so that both
//! spellings of one person meet.

use crate::household::{Status, idcard};
use std::hash::{DefaultHasher, Hasher};

/// Fingerprint of a person's or account's key, with a domain byte so that an ID number and an
/// account number never meet. 64 bits: two different keys of a million share one with a
/// chance of about one in thirty million; a shared fingerprint is a finding for a person to
/// check, never a payment changed.
pub(super) fn fingerprint(domain: u8, key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    h.write_u8(domain);
    h.write(key.as_bytes());
    h.finish()
}

/// The domain of a person's ID number.
pub(super) const PERSON: u8 = 1;
/// The domain of a bank account.
pub(super) const ACCOUNT: u8 = 2;

/// The key a person is known by: the normalised 18-character ID (an old 15-digit number is
/// widened to its 18-character form, so both spellings meet), or the cell as written,
/// upper-cased, when it does not parse.
pub(super) fn person_key(raw: &str, today: chrono::NaiveDate) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    Some(match idcard::parse_id(t, today) {
        Ok(id) if id.normalized.len() == 15 => widen_15(&id.normalized),
        Ok(id) => id.normalized,
        Err(_) => t.to_uppercase(),
    })
}

/// GB 11643: an old 15-digit number becomes 18 characters by inserting the century `19`
/// before the two-digit year and appending the check character.
fn widen_15(old: &str) -> String {
    let mut s = String::with_capacity(18);
    s.push_str(&old[..6]);
    s.push_str("19");
    s.push_str(&old[6..]);
    let first17: Option<&[u8; 17]> = s.as_bytes().get(..17).and_then(|b| b.try_into().ok());
    if let Some(f) = first17 {
        let c = idcard::check_char(f);
        s.push(c);
    }
    s
}

/// The key an account is known by: its digits and letters, without spaces or dashes.
pub(super) fn account_key(raw: &str) -> Option<String> {
    let k: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (!k.is_empty()).then_some(k)
}

/// The row-and-status word kept per key: the line (up to 2^29 − 1) and the enrolment.
pub(super) fn pack(line: u64, status: Status) -> u32 {
    let line = u32::try_from(line.min((1 << 29) - 1)).unwrap_or(0);
    let s = match status {
        Status::None => 0,
        Status::Dibao => 1,
        Status::Tekun => 2,
        Status::Edge => 3,
    };
    (line << 3) | s
}

pub(super) fn unpack(word: u32) -> (u64, Status) {
    let status = match word & 7 {
        1 => Status::Dibao,
        2 => Status::Tekun,
        3 => Status::Edge,
        _ => Status::None,
    };
    (u64::from(word >> 3), status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_words_keep_row_and_status() {
        for s in [Status::None, Status::Dibao, Status::Tekun, Status::Edge] {
            assert_eq!(unpack(pack(1_234_567, s)), (1_234_567, s));
        }
        assert_eq!(unpack(pack(u64::MAX, Status::Tekun)).0, (1 << 29) - 1);
    }

    #[test]
    fn an_old_15_digit_id_meets_its_18_character_form() {
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        // 110105491231002 is the 15-digit form of 11010519491231002X.
        assert_eq!(
            person_key("110105491231002", today).as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(
            person_key(" 11010519491231002x ", today).as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(person_key("", today), None);
        assert_eq!(person_key("abc", today).as_deref(), Some("ABC"));
    }

    #[test]
    fn account_keys_ignore_spaces_and_dashes() {
        assert_eq!(
            account_key("6228 4800-1000 0000 011").as_deref(),
            Some("6228480010000000011")
        );
        assert_eq!(account_key("  "), None);
    }
}
