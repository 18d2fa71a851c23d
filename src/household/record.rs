//! One roster record: its cells' text, checked as UTF-8 once for the whole line.
//!
//! The `csv` crate's `StringRecord` checks every cell separately, which on Chinese rosters was
//! a tenth of `check`'s work. A [`Record`] keeps the line's text as one `String`, checked once,
//! with the cells one separator byte apart (the line's own delimiters, when it came from a
//! line without quotes) and where each cell ends.

/// The cells of one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// the cells' text, each followed by one separator byte but the last
    text: String,
    /// where each cell ends in `text`
    ends: Vec<usize>,
}

impl Record {
    /// An empty record.
    pub fn new() -> Record {
        Record::default()
    }

    /// An empty record with room for `text` bytes of cells and `cells` cells, so that filling
    /// it with a usual line does not grow it step by step.
    pub fn with_capacity(text: usize, cells: usize) -> Record {
        Record {
            text: String::with_capacity(text),
            ends: Vec::with_capacity(cells),
        }
    }

    /// A record of the given cells.
    pub fn from_cells<'a>(cells: impl IntoIterator<Item = &'a str>) -> Record {
        let mut r = Record::new();
        for c in cells {
            r.push_field(c);
        }
        r
    }

    /// Replaces the cells with those of `line` (one line of text without quotes) cut at the
    /// ASCII `delimiter`.
    pub fn fill_line(&mut self, line: &str, delimiter: u8) {
        self.clear();
        self.text.push_str(line);
        let cuts = line
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == delimiter)
            .map(|(i, _)| i);
        self.ends.extend(cuts);
        self.ends.push(line.len());
    }

    /// Replaces the cells with `bytes` cut at `ends` (where each cell ends, one after another
    /// without separators); false (and the record left empty) when they are not all UTF-8 text.
    pub fn fill(&mut self, bytes: &[u8], ends: &[usize]) -> bool {
        self.clear();
        let Ok(text) = std::str::from_utf8(bytes) else {
            return false;
        };
        let mut start = 0;
        for &end in ends {
            match text.get(start..end) {
                Some(cell) => self.push_field(cell),
                None => {
                    self.clear();
                    return false;
                }
            }
            start = end;
        }
        true
    }

    /// The cell at `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + 1,
        };
        self.text.get(start..end)
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// Every cell's text, one separator byte between two cells.
    pub fn as_slice(&self) -> &str {
        &self.text
    }

    /// Keeps the first `n` cells.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.ends.len() {
            return;
        }
        match n.checked_sub(1) {
            Some(last) => self.text.truncate(self.ends[last]),
            None => self.text.clear(),
        }
        self.ends.truncate(n);
    }

    /// Replaces the cell at `i` (if there is one) with `cell`.
    pub fn set(&mut self, i: usize, cell: &str) {
        let Some(&end) = self.ends.get(i) else {
            return;
        };
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + 1,
        };
        self.text.replace_range(start..end, cell);
        let grown = cell.len() as isize - (end - start) as isize;
        for e in &mut self.ends[i..] {
            *e = e.saturating_add_signed(grown);
        }
    }

    /// Removes every cell.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Adds a cell at the end.
    pub fn push_field(&mut self, cell: &str) {
        if !self.ends.is_empty() {
            self.text.push(',');
        }
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_written() {
        let r = Record::from_cells(["H1", "", "城关镇", "3"]);
        assert_eq!(r.len(), 4);
        assert_eq!(r.get(0), Some("H1"));
        assert_eq!(r.get(1), Some(""));
        assert_eq!(r.get(2), Some("城关镇"));
        assert_eq!(r.get(4), None);
        assert_eq!(r.iter().collect::<Vec<_>>(), ["H1", "", "城关镇", "3"]);
        assert_eq!(r.as_slice(), "H1,,城关镇,3");
        let mut line = Record::new();
        line.fill_line("H1\t\t城关镇\t3", b'\t');
        assert_eq!(line.iter().collect::<Vec<_>>(), ["H1", "", "城关镇", "3"]);
        line.fill_line("", b',');
        assert_eq!(line.iter().collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn truncated_and_set_cells() {
        let mut r = Record::from_cells(["H1", "", "城关镇", "3"]);
        r.set(2, "x");
        r.set(0, "户一号");
        r.set(9, "ignored");
        assert_eq!(r.iter().collect::<Vec<_>>(), ["户一号", "", "x", "3"]);
        r.truncate(2);
        assert_eq!(r.iter().collect::<Vec<_>>(), ["户一号", ""]);
        assert_eq!(r.as_slice(), "户一号,");
        r.truncate(0);
        assert!(r.is_empty() && r.as_slice().is_empty());
    }

    #[test]
    fn filled_from_bytes_only_when_every_cell_is_text() {
        let mut r = Record::from_cells(["old"]);
        assert!(r.fill("H1七里河".as_bytes(), &[2, 11, 11]));
        assert_eq!(r.iter().collect::<Vec<_>>(), ["H1", "七里河", ""]);
        // 中 is E4 B8 AD: cut after its second byte, the joined bytes are text, the cells not
        assert!(!r.fill(b"\xE4\xB8\xAD", &[2, 3]));
        assert!(r.is_empty());
        assert!(!r.fill(b"H1\xFF", &[2, 3]));
        assert!(r.is_empty());
    }
}
