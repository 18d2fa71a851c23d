//! Tables for people on a terminal: ASCII borders (they align best in Chinese consoles),
//! money right-aligned, long text wrapped to the terminal's width.

use super::screen::screen_cell;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets::ASCII_FULL_CONDENSED};

/// Renders rows under a header. Columns whose name is in `right` are right-aligned.
/// Every header and cell is shown as text ([`screen_cell`]): control characters escaped, a long
/// cell cut with a marker. The table fits the terminal's width; when stdout is not a terminal,
/// the width in `COLUMNS` (the shell's convention) is used if set, else lines are not wrapped.
pub fn render(headers: &[&str], rows: &[Vec<String>], right: &[&str]) -> String {
    render_width(headers, rows, right, columns_env())
}

/// The width `COLUMNS` gives (at least 20 columns) when stdout is not a terminal.
fn columns_env() -> Option<u16> {
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|w| *w >= 20)
}

/// [`render`] fitted to `width` columns, or to the terminal's width when `None`.
pub fn render_width(
    headers: &[&str],
    rows: &[Vec<String>],
    right: &[&str],
    width: Option<u16>,
) -> String {
    let mut t = Table::new();
    t.load_style(ASCII_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(|h| screen_cell(h).into_owned()));
    for r in rows {
        t.add_row(r.iter().map(|c| screen_cell(c).into_owned()));
    }
    for (i, h) in headers.iter().enumerate() {
        if right.contains(h)
            && let Some(c) = t.column_mut(i)
        {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    if let Some(w) = width {
        t.set_width(w);
    }
    let mut s = t.to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_width_is_kept() {
        let rows = [vec!["1".to_string(), "word ".repeat(30)]];
        let wide = render_width(&["a", "b"], &rows, &[], Some(200));
        assert_eq!(wide.lines().count(), 5, "{wide}");
        let narrow = render_width(&["a", "b"], &rows, &[], Some(40));
        assert!(narrow.lines().count() > 5, "{narrow}");
        assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
    }

    #[test]
    fn cells_cannot_drive_the_terminal() {
        let s = render(
            &["a\u{1b}]0;title\u{7}", "b"],
            &[vec!["\u{1b}[2J".into(), "y".repeat(1000)]],
            &[],
        );
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
        assert!(s.contains("\\x1b[2J"), "{s}");
        assert!(s.matches('y').count() < 400, "{s}");
    }
}
