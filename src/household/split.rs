//! Cutting roster text into records, a line at a time.
//!
//! Nearly every line of a roster is one record without quotes: such a line is checked as UTF-8
//! once and cut at the delimiter. A line with a quote (a cell with a comma, a quote or a line
//! break in it) goes through `csv_core`'s reader, fed line after line until its record ends,
//! so quoted cells follow the CSV rules exactly. Line numbers are counted here, so a record's
//! number is the line it starts on, whatever lines or quoted breaks come before it.
//!
//! The text reaching the splitter has LF line ends only (`Decode` turns CRLF and CR into LF).
//!
//! Limits a hostile or broken file cannot exceed: a record (one line, or the lines a quoted
//! cell spans) of at most [`MAX_RECORD_BYTES`], read in pieces so that a 100 MB line is never
//! held in memory; at most [`MAX_COLUMNS`] cells (empty cells past it, as Excel writes for a
//! formatted but empty range, are dropped); and a quote still open at the end of the text is an
//! error naming the line where it opened, so a stray quote cannot swallow the rows below it.

use super::record::Record;
use csv_core::ReadRecordResult;
use std::io::{self, BufRead};

/// The longest record (one line, or all the lines of a record with a quoted line break) read.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// The most cells a record may have (empty cells after them are dropped).
pub const MAX_COLUMNS: usize = 1024;

/// What reading a record gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Split {
    /// a record, starting on this line
    Record(u64),
    /// a record starting on this line that is not UTF-8 text
    NotText(u64),
    /// the end of the text
    End,
    /// a record that breaks a limit or is not closed: reading stops here
    Refused(Refusal),
}

/// Why the text cannot be read on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// a quote opened on this line is still open at the end of the text
    OpenQuote {
        /// the line the open quote is on
        line: u64,
    },
    /// the record starting on `line` is longer than [`MAX_RECORD_BYTES`]
    TooLong {
        /// the line the record starts on
        line: u64,
        /// the line of the quote the record is still inside, when it is in one
        quote: Option<u64>,
    },
    /// the record starting on `line` has more than [`MAX_COLUMNS`] non-empty cells
    TooManyColumns {
        /// the line the record starts on
        line: u64,
        /// its number of cells
        cells: usize,
    },
}

/// What reading a line gave.
enum Line {
    Read,
    End,
    TooLong,
}

/// Records out of lines of CSV text.
pub struct Splitter<R> {
    input: R,
    delimiter: u8,
    /// the line being read
    line: Vec<u8>,
    /// lines read so far
    lines: u64,
    /// `line` holds the rest of a line whose first record has been read
    rest: bool,
    /// for records with quotes
    core: csv_core::Reader,
    cells: Vec<u8>,
    ends: Vec<usize>,
}

impl<R: BufRead> Splitter<R> {
    /// A splitter of `input` cutting cells at `delimiter`.
    pub fn new(input: R, delimiter: u8) -> Splitter<R> {
        Splitter {
            input,
            delimiter,
            line: Vec::with_capacity(1024),
            lines: 0,
            rest: false,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            cells: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// Reads the next line into `self.line`, at most `budget` bytes of it: a longer line is
    /// not read on (its number is then `self.lines + 1`).
    fn next_line(&mut self, budget: usize) -> io::Result<Line> {
        self.line.clear();
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if self.line.len() + take > budget {
                return Ok(Line::TooLong);
            }
            self.line.extend_from_slice(&buf[..take]);
            self.input.consume(take);
            if done {
                break;
            }
        }
        if self.line.is_empty() {
            return Ok(Line::End);
        }
        self.lines += 1;
        Ok(Line::Read)
    }

    /// Drops empty cells past [`MAX_COLUMNS`]; refuses a record with non-empty ones.
    fn bound_columns(rec: &mut Record, start: u64) -> Split {
        if rec.len() <= MAX_COLUMNS {
            return Split::Record(start);
        }
        if rec.iter().skip(MAX_COLUMNS).all(|c| c.trim().is_empty()) {
            rec.truncate(MAX_COLUMNS);
            return Split::Record(start);
        }
        Split::Refused(Refusal::TooManyColumns {
            line: start,
            cells: rec.len(),
        })
    }

    /// Reads the next record into `rec`.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<Split> {
        if self.rest {
            self.rest = false;
            return self.read_quoted(rec, self.lines);
        }
        match self.next_line(MAX_RECORD_BYTES + 1)? {
            Line::End => return Ok(Split::End),
            Line::TooLong => {
                return Ok(Split::Refused(Refusal::TooLong {
                    line: self.lines + 1,
                    quote: None,
                }));
            }
            Line::Read => {}
        }
        let start = self.lines;
        if memchr::memchr2(b'"', b'\r', &self.line).is_some() {
            return self.read_quoted(rec, start);
        }
        let body = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
        let Ok(text) = std::str::from_utf8(body) else {
            rec.clear();
            return Ok(Split::NotText(start));
        };
        rec.fill_line(text, self.delimiter);
        Ok(Self::bound_columns(rec, start))
    }

    /// Reads a record that has quotes, starting with the line in `self.line`.
    fn read_quoted(&mut self, rec: &mut Record, start: u64) -> io::Result<Split> {
        self.core.reset();
        let (mut at, mut out, mut ended) = (0, 0, 0);
        let mut eof = false;
        // bytes of the record read so far, and where each of its lines starts in the cells
        let mut used = self.line.len();
        let mut line_starts: Vec<(usize, u64)> = vec![(0, self.lines)];
        let mut last_had_lf = self.line.ends_with(b"\n");
        loop {
            let input: &[u8] = if eof { &[] } else { &self.line[at..] };
            let (result, read, written, ends) =
                self.core
                    .read_record(input, &mut self.cells[out..], &mut self.ends[ended..]);
            at += read;
            out += written;
            ended += ends;
            match result {
                ReadRecordResult::InputEmpty => {
                    at = 0;
                    let budget = MAX_RECORD_BYTES.saturating_sub(used).saturating_add(1);
                    match self.next_line(budget)? {
                        Line::Read => {
                            used += self.line.len();
                            last_had_lf = self.line.ends_with(b"\n");
                            line_starts.push((out, self.lines));
                        }
                        Line::End => eof = true,
                        Line::TooLong => {
                            let field_start = ended.checked_sub(1).map_or(0, |i| self.ends[i]);
                            return Ok(Split::Refused(Refusal::TooLong {
                                line: start,
                                quote: Some(quote_line(&line_starts, field_start)),
                            }));
                        }
                    }
                }
                ReadRecordResult::OutputFull => {
                    let n = self.cells.len() * 2;
                    self.cells.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        // The text ended inside the record although its last line ended: only an open quote
        // keeps a record going past a line end.
        if eof && last_had_lf {
            // the record is complete: its last field is the open one
            let field_start = ended.checked_sub(2).map_or(0, |i| self.ends[i]);
            rec.clear();
            return Ok(Split::Refused(Refusal::OpenQuote {
                line: quote_line(&line_starts, field_start),
            }));
        }
        // A record ends with its line's LF, but a CR the text still has (Decode turns them into
        // LF) would end it early: the rest of the line is then the next record's start.
        if !eof && at < self.line.len() {
            self.line.drain(..at);
            self.rest = true;
        }
        if !rec.fill(&self.cells[..out], &self.ends[..ended]) {
            return Ok(Split::NotText(start));
        }
        Ok(Self::bound_columns(rec, start))
    }
}

/// The line on which the cell starting at `field_start` (an offset in the record's cells)
/// begins, given where each line of the record starts in them.
fn quote_line(line_starts: &[(usize, u64)], field_start: usize) -> u64 {
    line_starts
        .iter()
        .take_while(|(at, _)| *at <= field_start)
        .last()
        .or(line_starts.first())
        .map_or(1, |(_, line)| *line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record of `text` with its line, as the splitter reads them.
    fn split(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut s = Splitter::new(text.as_bytes(), b',');
        let mut rec = Record::new();
        let mut out = Vec::new();
        loop {
            match s.read(&mut rec).unwrap() {
                Split::Record(line) => out.push((line, rec.iter().map(str::to_string).collect())),
                Split::NotText(line) => panic!("line {line} not text"),
                Split::Refused(r) => panic!("refused: {r:?}"),
                Split::End => return out,
            }
        }
    }

    #[test]
    fn plain_and_quoted_lines_with_their_numbers() {
        let text = "a,b,c\n\nx,\"1,2\",y\n\"multi\nline\",\"say \"\"hi\"\"\"\nlast,,\n";
        let got = split(text);
        let want: Vec<(u64, Vec<&str>)> = vec![
            (1, vec!["a", "b", "c"]),
            (2, vec![""]),
            (3, vec!["x", "1,2", "y"]),
            (4, vec!["multi\nline", "say \"hi\""]),
            (6, vec!["last", "", ""]),
        ];
        let got: Vec<(u64, Vec<&str>)> = got
            .iter()
            .map(|(l, r)| (*l, r.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_record_ended_inside_a_line_leaves_the_rest_for_the_next() {
        let got = split("a\rb,\"c\"\nd\n");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".to_string()]),
                (1, vec!["b".to_string(), "c".to_string()]),
                (2, vec!["d".to_string()]),
            ]
        );
    }

    fn first(text: &[u8]) -> Split {
        let mut s = Splitter::new(text, b',');
        let mut rec = Record::new();
        loop {
            match s.read(&mut rec).unwrap() {
                Split::Record(_) => continue,
                other => return other,
            }
        }
    }

    #[test]
    fn a_quote_left_open_is_refused_naming_its_line() {
        assert_eq!(
            first(b"a,\"open\nb\n"),
            Split::Refused(Refusal::OpenQuote { line: 1 })
        );
        // a closed multi-line cell first, the open quote on the record's third line
        assert_eq!(
            first(b"h\nx,\"1\n2\",y\nz,\"open\nq\nr\n"),
            Split::Refused(Refusal::OpenQuote { line: 4 })
        );
        assert_eq!(
            first(b"h\nx,\"1\n2\",\"y\nz,open\nq\nr\n"),
            Split::Refused(Refusal::OpenQuote { line: 3 })
        );
        // no line end after the closing quote: a closed record all the same
        assert_eq!(first(b"a,\"closed\""), Split::End);
    }

    #[test]
    fn a_line_or_record_past_the_limit_is_refused_without_reading_it_all() {
        let mut long = b"h\nok\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 1));
        long.extend_from_slice(b"\nafter\n");
        assert_eq!(
            first(&long),
            Split::Refused(Refusal::TooLong {
                line: 3,
                quote: None
            })
        );
        let mut at_limit = std::iter::repeat_n(b'x', MAX_RECORD_BYTES).collect::<Vec<u8>>();
        at_limit.push(b'\n');
        assert_eq!(first(&at_limit), Split::End);
        let mut quoted = b"h\na,\"".to_vec();
        quoted
            .extend(std::iter::repeat_n(b"yyyyyyy\n".to_vec(), MAX_RECORD_BYTES / 8 + 1).flatten());
        assert_eq!(
            first(&quoted),
            Split::Refused(Refusal::TooLong {
                line: 2,
                quote: Some(2)
            })
        );
    }

    #[test]
    fn columns_past_the_limit_are_refused_unless_empty() {
        let mut wide = ",".repeat(MAX_COLUMNS + 10);
        wide.insert(0, 'a');
        wide.push('\n');
        let mut s = Splitter::new(wide.as_bytes(), b',');
        let mut rec = Record::new();
        assert_eq!(s.read(&mut rec).unwrap(), Split::Record(1));
        assert_eq!(rec.len(), MAX_COLUMNS);
        let mut full = "x,".repeat(MAX_COLUMNS);
        full.push_str("x\n");
        assert_eq!(
            first(full.as_bytes()),
            Split::Refused(Refusal::TooManyColumns {
                line: 1,
                cells: MAX_COLUMNS + 1
            })
        );
    }

    #[test]
    fn bytes_that_are_not_text_are_named_by_line() {
        let mut s = Splitter::new(&b"ok\nH1,\xFF\n\"q\xFF\"\n"[..], b',');
        let mut rec = Record::new();
        assert_eq!(s.read(&mut rec).unwrap(), Split::Record(1));
        assert_eq!(s.read(&mut rec).unwrap(), Split::NotText(2));
        assert_eq!(s.read(&mut rec).unwrap(), Split::NotText(3));
        assert_eq!(s.read(&mut rec).unwrap(), Split::End);
    }

    proptest! {
        #[test]
        fn the_same_records_as_the_csv_crate(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a 元,\"\n]{0,5}", 1..5),
                1..6,
            )
        ) {
            // Written by the csv crate, so quoting is right; read back both ways.
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for r in &rows {
                w.write_record(r).unwrap();
            }
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let ours: Vec<Vec<String>> = split(&text)
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| r.iter().any(|c| !c.is_empty()))
                .collect();
            let theirs: Vec<Vec<String>> = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
                .collect();
            prop_assert_eq!(ours, theirs);
        }
    }
}
