//! Tables for people on a terminal: ASCII borders (they align best in Chinese consoles),
//! money right-aligned, long text wrapped to the terminal's width.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets::ASCII_FULL_CONDENSED};

/// Renders rows under a header. Columns whose name is in `right` are right-aligned.
pub fn render(headers: &[&str], rows: &[Vec<String>], right: &[&str]) -> String {
    let mut t = Table::new();
    t.load_style(ASCII_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.to_vec());
    for r in rows {
        t.add_row(r.clone());
    }
    for (i, h) in headers.iter().enumerate() {
        if right.contains(h)
            && let Some(c) = t.column_mut(i)
        {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut s = t.to_string();
    s.push('\n');
    s
}
