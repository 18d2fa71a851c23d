//! One roster record: its cells' text, checked as UTF-8 once for the whole line.
//!
//! The `csv` crate's `StringRecord` checks every cell separately, which on Chinese rosters was
//! a tenth of `check`'s work. A [`Record`] is filled from the raw bytes with one check of the
//! whole record and one test per cell that it begins and ends on a character (a character
//! cut in two by a comma is valid only when the pieces are joined).

use csv::ByteRecord;

/// The cells of one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// every cell's text, one after another
    text: String,
    /// where each cell ends in `text`
    ends: Vec<usize>,
}

impl Record {
    /// An empty record.
    pub fn new() -> Record {
        Record::default()
    }

    /// A record of the given cells.
    pub fn from_cells<'a>(cells: impl IntoIterator<Item = &'a str>) -> Record {
        let mut r = Record::new();
        for c in cells {
            r.push_field(c);
        }
        r
    }

    /// Replaces the cells with those of `bytes`; false (and the record left empty) when they
    /// are not all UTF-8 text.
    pub fn fill_from(&mut self, bytes: &ByteRecord) -> bool {
        self.clear();
        let Ok(text) = std::str::from_utf8(bytes.as_slice()) else {
            return false;
        };
        for range in bytes.iter().scan(0, |at, cell| {
            let start = *at;
            *at += cell.len();
            Some(start..*at)
        }) {
            if !text.is_char_boundary(range.end) {
                self.ends.clear();
                return false;
            }
            self.ends.push(range.end);
        }
        self.text.push_str(text);
        true
    }

    /// The cell at `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
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

    /// Every cell's text joined, without separators.
    pub fn as_slice(&self) -> &str {
        &self.text
    }

    /// Removes every cell.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Adds a cell at the end.
    pub fn push_field(&mut self, cell: &str) {
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
        assert_eq!(r.as_slice(), "H1城关镇3");
    }

    #[test]
    fn filled_from_bytes_only_when_every_cell_is_text() {
        let mut r = Record::from_cells(["old"]);
        assert!(r.fill_from(&ByteRecord::from(vec!["H1", "七里河", ""])));
        assert_eq!(r.iter().collect::<Vec<_>>(), ["H1", "七里河", ""]);
        // 中 is E4 B8 AD: cut after its second byte, the joined bytes are text, the cells not
        let cut = ByteRecord::from(vec![&b"\xE4\xB8"[..], &b"\xAD"[..]]);
        assert!(!r.fill_from(&cut));
        assert!(r.is_empty());
        assert!(!r.fill_from(&ByteRecord::from(vec![&b"H1"[..], &b"\xFF"[..]])));
        assert!(r.is_empty());
    }
}
