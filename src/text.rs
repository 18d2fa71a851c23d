//! Text for a terminal: what a cell, a file name or a message may hold must not drive the
//! terminal. An escape sequence in a roster cell (ESC `[2J` clears the screen, ESC `]0;…` sets
//! the window title, CR overwrites a warning already printed) is shown as visible text instead,
//! and a cell echoed on screen is cut after [`MAX_ECHO_CHARS`] characters with a marker, so a
//! 10 MB cell is never echoed whole. Everything printed to a terminal passes through here:
//! tables, stderr summaries, and error messages that quote cells or file names.
//!
//! Also the text guards every layer shares: [`trim`] for cells and [`guard_formula`] for a
//! value written to a spreadsheet.

use std::borrow::Cow;
use std::fmt::Write;

/// How many characters of one echoed value (a cell, a file name) are shown.
pub const MAX_ECHO_CHARS: usize = 300;
/// How many characters of one whole message are shown.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Whether a character would act on the terminal rather than show: C0 and C1 controls and DEL,
/// and the bidirectional overrides and isolates that reorder the text around them.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Writes `c` as visible text: `\n`, `\t`, `\r` by name, others as `\x1b` or `\u{202e}`.
fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every character in `keep` kept and every other control escaped, cut after `max`
/// characters with a marker saying how many more there were.
fn shown<'a>(s: &'a str, keep: &[char], max: usize) -> Cow<'a, str> {
    let clean = !s.chars().any(|c| acts_on_terminal(c) && !keep.contains(&c));
    if clean && s.len() <= max {
        // at most `max` bytes, so at most `max` characters
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max * 4) + 16);
    let mut chars = s.chars();
    for c in chars.by_ref().take(max) {
        if acts_on_terminal(c) && !keep.contains(&c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    let rest = chars.count();
    if rest > 0 {
        let _ = write!(out, "…(+{rest} chars / 另有 {rest} 个字符)");
    }
    if out == s {
        return Cow::Borrowed(s);
    }
    Cow::Owned(out)
}

/// One value as echoed on a terminal (a cell, a file name, an id): every control character
/// escaped, line breaks included, and cut after [`MAX_ECHO_CHARS`] characters.
pub fn screen_text(s: &str) -> Cow<'_, str> {
    shown(s, &[], MAX_ECHO_CHARS)
}

/// A whole message or table for a terminal: line breaks and tabs kept, every other control
/// character escaped, cut after [`MAX_MESSAGE_CHARS`] characters.
pub fn screen_message(s: &str) -> Cow<'_, str> {
    shown(s, &['\n', '\t'], MAX_MESSAGE_CHARS)
}

/// One line of a message for a terminal (a row's problem as listed on stderr): every control
/// character escaped, line breaks included, cut after [`MAX_MESSAGE_CHARS`] characters.
pub fn screen_line(s: &str) -> Cow<'_, str> {
    shown(s, &[], MAX_MESSAGE_CHARS)
}

/// A table cell: line breaks kept (the table wraps them), other controls escaped, cut after
/// [`MAX_ECHO_CHARS`] characters.
pub fn screen_cell(s: &str) -> Cow<'_, str> {
    shown(s, &['\n'], MAX_ECHO_CHARS)
}

/// `str::trim` (Unicode whitespace, so U+3000 and NBSP too), answering at once for the usual
/// cell that begins and ends with a visible ASCII character.
#[inline]
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// True for an optional sign, digits, and an optional `.digits` part.
fn is_plain_signed_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    all_digits(int_part) && all_digits(frac_part)
}

/// Guards a text value for a CSV meant for Excel: a value starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading `'` so Excel shows it instead of running
/// it as a formula. Plain numbers such as `-12.50` or `+3` are left unchanged so
/// amounts stay numeric in the spreadsheet.
#[inline]
pub fn guard_formula(value: &str) -> Cow<'_, str> {
    let risky = value
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if !risky || is_plain_signed_number(value) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!("'{value}"))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_are_shown_not_run() {
        assert_eq!(
            screen_text("a\u{1b}[2Jb\u{7}\r\nc\u{9b}d\u{202e}e"),
            "a\\x1b[2Jb\\x07\\r\\nc\\x9bd\\u{202e}e"
        );
        assert_eq!(
            screen_message("line 1\n\u{1b}]0;t\u{7}"),
            "line 1\n\\x1b]0;t\\x07"
        );
        assert_eq!(screen_cell("a\nb\u{1b}"), "a\nb\\x1b");
        assert!(matches!(screen_text("张三 H001"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_values_are_cut_with_a_marker() {
        let long = "x".repeat(10 << 20);
        let s = screen_text(&long);
        assert!(s.starts_with(&"x".repeat(MAX_ECHO_CHARS)));
        assert!(s.len() < MAX_ECHO_CHARS + 100, "{}", s.len());
        assert!(
            s.contains(&format!("+{}", (10 << 20) - MAX_ECHO_CHARS)),
            "{s}"
        );
        let chinese = "张".repeat(MAX_ECHO_CHARS);
        assert_eq!(screen_text(&chinese), chinese);
        assert!(screen_message(&"y".repeat(MAX_MESSAGE_CHARS + 1)).contains("+1 "));
    }

    proptest! {
        #[test]
        fn nothing_that_acts_on_a_terminal_passes(s in "\\PC{0,20}[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}]{0,5}\\PC{0,20}") {
            prop_assert!(!screen_text(&s).chars().any(acts_on_terminal));
            prop_assert!(!screen_message(&s).chars().any(|c| acts_on_terminal(c) && c != '\n' && c != '\t'));
        }
    }
}
