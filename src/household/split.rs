//! Cutting roster text into records, a line at a time.
//!
//! Nearly every line of a roster is one record without quotes: such a line is checked as UTF-8
//! once and cut at the delimiter. A line with a quote (a cell with a comma, a quote or a line
//! break in it) goes through `csv_core`'s reader, fed line after line until its record ends,
//! so quoted cells follow the CSV rules exactly. Line numbers are counted here, so a record's
//! number is the line it starts on, whatever lines or quoted breaks come before it.
//!
//! The text reaching the splitter has LF line ends only (`Decode` turns CRLF and CR into LF).

use super::record::Record;
use csv_core::ReadRecordResult;
use std::io::{self, BufRead};

/// What reading a record gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Split {
    /// a record, starting on this line
    Record(u64),
    /// a record starting on this line that is not UTF-8 text
    NotText(u64),
    /// the end of the text
    End,
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

    /// Reads the next line into `self.line`; false at the end of the text.
    fn next_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let n = self.input.read_until(b'\n', &mut self.line)?;
        if n > 0 {
            self.lines += 1;
        }
        Ok(n > 0)
    }

    /// Reads the next record into `rec`.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<Split> {
        if self.rest {
            self.rest = false;
            return self.read_quoted(rec, self.lines);
        }
        if !self.next_line()? {
            return Ok(Split::End);
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
        Ok(Split::Record(start))
    }

    /// Reads a record that has quotes, starting with the line in `self.line`.
    fn read_quoted(&mut self, rec: &mut Record, start: u64) -> io::Result<Split> {
        self.core.reset();
        let (mut at, mut out, mut ended) = (0, 0, 0);
        let mut eof = false;
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
                    eof = !self.next_line()?;
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
        // A record ends with its line's LF, but a CR the text still has (Decode turns them into
        // LF) would end it early: the rest of the line is then the next record's start.
        if !eof && at < self.line.len() {
            self.line.drain(..at);
            self.rest = true;
        }
        if !rec.fill(&self.cells[..out], &self.ends[..ended]) {
            return Ok(Split::NotText(start));
        }
        Ok(Split::Record(start))
    }
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

    #[test]
    fn a_quote_left_open_ends_with_the_text() {
        assert_eq!(
            split("a,\"open\nb\n"),
            vec![(1, vec!["a".to_string(), "open\nb\n".to_string()])]
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
