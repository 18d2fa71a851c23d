//! Opening a roster (or a members file) and streaming its records: the file (or stdin), its
//! encoding, the real header row, and the rows that are not households (合计/小计 totals, notes
//! under the table).
//!
//! County files come as Excel/WPS exports: GBK CSV on Chinese Windows, UTF-8 with a BOM from
//! "CSV UTF-8", or .xlsx workbooks with a title row, a units row (`单位：元`), a column-number
//! row and a 合计 row. [`open`] takes them as they are:
//!
//! - **Encoding**: a BOM decides; else the file is strict UTF-8 if it reads as UTF-8, else strict
//!   GB18030 (a superset of GBK); else reading stops at the first line that is neither.
//!   `--encoding` forces one. A UTF-8 file goes straight to the record splitter
//!   ([`super::split`]: lines without quotes are cut directly, quoted ones by `csv_core`);
//!   GB18030 is decoded on the fly by a streaming [`Read`] adapter, so memory stays bounded.
//! - **Workbooks** (.xlsx/.xlsm/.xlsb/.xls/.ods, also recognised by their first bytes): the first
//!   sheet or `--sheet NAME`; each cell is read as a person sees it (integers without `.0`,
//!   dates as `YYYY-MM-DD`, numbers too long for Excel's 15 digits in Excel's own `1.10105E+17`
//!   form, so a damaged ID number is caught by the ID checks). A sheet's non-empty cells are
//!   held in memory (Excel caps a sheet at 1,048,576 rows); .xlsx and .xlsb are read cell by
//!   cell, so a stray value far away never allocates the rectangle up to it, a value right of
//!   [`MAX_COLUMNS`] is refused naming its cell, and a workbook declaring more than
//!   [`MAX_WORKBOOK_BYTES`] uncompressed is refused before it is inflated.
//! - **Header row**: the first row, among the first [`HEADER_SEARCH`], in which at least
//!   [`MIN_KNOWN_HEADERS`] cells name known columns; title and units rows above it are skipped,
//!   and so are a column-number row (`1, 2, 3 …`) and a units row right under it.
//! - **Rows that are not households**: a row with `合计`, `小计`, `总计` or `共计` in a cell and no
//!   household id of its own, and a note under the table (`制表人：…`, `注：…`), are skipped,
//!   never counted, and handed to [`ReadOptions::report`] as they are met. A row with a real
//!   household id is never skipped.

use super::columns::{self, HeaderMap};
use super::idcard;
use super::record::Record;
use super::split::{MAX_COLUMNS, MAX_RECORD_BYTES, Refusal, Split, Splitter};
use crate::lang::Lang;
use crate::text::screen_text;
use calamine::{Data, Reader};
use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE};
use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::{Arc, OnceLock};

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH: usize = 20;
/// How many known column names make a row the header row.
pub const MIN_KNOWN_HEADERS: usize = 3;
/// Bytes looked at to decide a file's encoding.
const SNIFF: usize = 64 * 1024;
/// Skipped rows kept for reporting; more are only counted.
const KEEP_SKIPPED: usize = 1000;

/// Why an input file cannot be read at all (as opposed to a bad cell).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// the file
        path: String,
        /// the cause
        source: io::Error,
    },
    /// The file's structure is broken (encoding, quoting).
    #[error("{path}, line {line}: {message}")]
    Broken {
        /// the file
        path: String,
        /// line number
        line: u64,
        /// what is wrong
        message: String,
    },
    /// The header row is unusable.
    #[error("{path}: {message}")]
    Header {
        /// the file
        path: String,
        /// what is wrong
        message: String,
    },
    /// The file is not in a format the tool reads (a workbook it cannot open, a missing sheet).
    #[error("{path}: {message}")]
    Format {
        /// the file
        path: String,
        /// what is wrong
        message: String,
    },
}

impl InputError {
    /// The line the error is on, when it has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            InputError::Broken { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The message without the file name.
    pub fn message(&self) -> String {
        match self {
            InputError::Io { source, .. } => source.to_string(),
            InputError::Broken { message, .. }
            | InputError::Header { message, .. }
            | InputError::Format { message, .. } => message.clone(),
        }
    }
}

/// The text encoding of a CSV roster (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEncoding {
    /// UTF-8 (with or without a BOM)
    Utf8,
    /// GBK, as Excel writes "CSV" on Chinese Windows (read as GB18030, its superset)
    Gbk,
    /// GB18030
    Gb18030,
}

/// Options for reading rosters.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// local header aliases (policy `[aliases]` plus `--alias`)
    pub aliases: BTreeMap<String, String>,
    /// `--encoding`: the CSV encoding, instead of detecting it
    pub encoding: Option<InputEncoding>,
    /// `--sheet`: the workbook sheet to read (default: the first)
    pub sheet: Option<String>,
    /// where to hand each row skipped as not data, as it is met (the command says it on stderr
    /// in its language); `None`: the rows are only kept in the table's skipped list
    pub report: Option<Notify>,
}

/// What the reader says about the file as it reads it: the command decides how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadNotice {
    /// the header row is below title or units rows, which were skipped
    HeaderBelow {
        /// the file's name as given
        file: String,
        /// the header's line (CSV) or row (sheet)
        line: u64,
        /// how many rows above it were skipped
        skipped: usize,
    },
    /// a row under the header that is not a household (a total, a note …)
    Skipped {
        /// the file's name as given
        file: String,
        /// the row that was skipped
        row: Skipped,
    },
}

impl ReadNotice {
    /// The notice in `lang`, file names and cells made safe for a terminal.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            ReadNotice::HeaderBelow {
                file,
                line,
                skipped,
            } => match lang {
                Lang::Zh => format!(
                    "{}: 表头在第 {line} 行，已跳过其上方的 {skipped} 行标题/单位行",
                    screen_text(file)
                ),
                Lang::En => format!(
                    "{}: header on line {line}; {skipped} title or units rows above it skipped",
                    screen_text(file)
                ),
            },
            ReadNotice::Skipped { file, row } => match lang {
                Lang::Zh => format!(
                    "{} 第 {} 行“{}”是{}",
                    screen_text(file),
                    row.line,
                    row.text,
                    row.reason.zh()
                ),
                Lang::En => format!(
                    "{} line {}: \"{}\" is {}",
                    screen_text(file),
                    row.line,
                    row.text,
                    row.reason.en()
                ),
            },
        }
    }
}

/// A receiver of [`ReadNotice`]s, called from the reading thread as rows are met.
#[derive(Clone)]
pub struct Notify(pub Arc<dyn Fn(&ReadNotice) + Send + Sync>);

impl Notify {
    /// A receiver calling `f`.
    pub fn new(f: impl Fn(&ReadNotice) + Send + Sync + 'static) -> Notify {
        Notify(Arc::new(f))
    }
}

impl std::fmt::Debug for Notify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notify")
    }
}

/// Why a row of the file is not read as a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// a title or units row above the header row
    AboveHeader,
    /// a row of column numbers (`1, 2, 3 …`) under the header
    ColumnNumbers,
    /// a units row (`元`, `人`) under the header
    Units,
    /// a 合计/小计 row
    Total,
    /// a note under the table (`制表人：…`, `注：…`)
    Note,
}

impl SkipReason {
    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            SkipReason::AboveHeader => "above_header",
            SkipReason::ColumnNumbers => "column_numbers",
            SkipReason::Units => "units_row",
            SkipReason::Total => "total_row",
            SkipReason::Note => "note_row",
        }
    }

    /// What the row is, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            SkipReason::AboveHeader => "表头上方的标题或单位行，已跳过",
            SkipReason::ColumnNumbers => "列序号行，已跳过",
            SkipReason::Units => "单位行，已跳过",
            SkipReason::Total => "合计/小计行，已跳过，不计为一户",
            SkipReason::Note => "表格下方的说明或签字行，已跳过，不计为一户",
        }
    }

    /// What the row is, in English.
    pub fn en(self) -> &'static str {
        match self {
            SkipReason::AboveHeader => "a title or units row above the header: skipped",
            SkipReason::ColumnNumbers => "a row of column numbers: skipped",
            SkipReason::Units => "a units row: skipped",
            SkipReason::Total => "a total (合计/小计) row: skipped, not a household",
            SkipReason::Note => "a note or signature row under the table: skipped, not a household",
        }
    }
}

/// A row that was not read as a household, with what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// line (CSV) or row (sheet) number
    pub line: u64,
    /// why it was skipped
    pub reason: SkipReason,
    /// its non-empty cells, shortened
    pub text: String,
}

/// A source of roster records: a CSV file or a sheet.
pub trait RecordSource: Send {
    /// The file's name as given.
    fn name(&self) -> &str;
    /// The mapped header row.
    fn header_map(&self) -> &HeaderMap;
    /// The header cells as written.
    fn headers(&self) -> &[String];
    /// Reads the next data record into `rec`; returns its line number, or `None` at the end.
    fn next_record(&mut self, rec: &mut Record) -> Result<Option<u64>, InputError>;
    /// How the file was read: its encoding, or the workbook sheet.
    fn encoding(&self) -> String {
        "UTF-8".to_string()
    }
    /// The line (or sheet row) of the header row.
    fn header_line(&self) -> u64 {
        1
    }
    /// The rows read so far that were not households (the first thousand).
    fn skipped(&self) -> &[Skipped] {
        &[]
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// The encoding a file turned out to be in; set once it is decided, which for a file that is
/// ASCII at the top may be well after the first records were read.
#[derive(Debug, Clone, Default)]
struct EncodingLabel(Arc<OnceLock<&'static str>>);

impl EncodingLabel {
    fn set(&self, label: &'static str) {
        let _ = self.0.set(label);
    }

    fn get(&self) -> &'static str {
        self.0.get().copied().unwrap_or("UTF-8")
    }
}

/// A line that cannot be decoded; carried through `csv` inside an `io::Error`.
#[derive(Debug)]
struct Undecodable {
    line: u64,
    message: String,
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for Undecodable {}

fn undecodable(line: u64, message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Undecodable { line, message })
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

const NEITHER: &str = "this line is neither UTF-8 nor GBK/GB18030 text: the file is damaged or in another encoding; open it in Excel or WPS and save it again as \"CSV UTF-8\" (该行既不是 UTF-8 也不是 GBK/GB18030 编码：文件可能已损坏或是其他编码，请用 Excel/WPS 打开后另存为“CSV UTF-8”)";

enum Mode {
    /// UTF-8: bytes pass through untouched; `csv` checks them.
    Plain,
    /// ASCII so far: passed through until the first non-ASCII byte decides.
    Sniff,
    /// decoded strictly to UTF-8
    Transcode(Box<Decoder>),
    /// the decoder has seen the end of the input
    Done,
}

/// A [`Read`] that yields UTF-8 from a file in UTF-8, GB18030/GBK or UTF-16, deciding the
/// encoding as described in the module documentation. Decoding is strict: a byte sequence that
/// is not valid in the decided encoding is an error naming its line, never a replacement
/// character.
struct Decode<R> {
    inner: R,
    /// bytes read from `inner` and not yet handed on or decoded
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    mode: Mode,
    /// decoded bytes not yet handed on
    out: Vec<u8>,
    out_pos: usize,
    /// newlines already handed on (plain/sniff) or decoded (transcode)
    lines: u64,
    label: EncodingLabel,
    /// the last byte handed on was a CR (its LF, if next, is dropped)
    after_cr: bool,
    /// the last byte handed on was not a LF (one is added at the end)
    unterminated: bool,
    /// a line that cannot be decoded, reported once the text before it is handed on
    failure: Option<(u64, String)>,
}

impl<R: Read> Decode<R> {
    fn new(inner: R, forced: Option<InputEncoding>, label: EncodingLabel) -> io::Result<Decode<R>> {
        let mut d = Decode {
            inner,
            buf: Vec::with_capacity(SNIFF),
            pos: 0,
            eof: false,
            mode: Mode::Sniff,
            out: Vec::new(),
            out_pos: 0,
            lines: 0,
            label,
            after_cr: false,
            unterminated: false,
            failure: None,
        };
        d.fill(SNIFF)?;
        let head = &d.buf[..];
        let bom: Option<(&'static Encoding, usize, &'static str)> =
            if head.starts_with(b"\xEF\xBB\xBF") {
                Some((encoding_rs::UTF_8, 3, "UTF-8 (BOM)"))
            } else if head.starts_with(b"\xFF\xFE") {
                Some((UTF_16LE, 2, "UTF-16LE"))
            } else if head.starts_with(b"\xFE\xFF") {
                Some((UTF_16BE, 2, "UTF-16BE"))
            } else if head.starts_with(b"\x84\x31\x95\x33") {
                Some((GB18030, 4, "GB18030 (BOM)"))
            } else {
                None
            };
        match (bom, forced) {
            (Some((enc, len, label)), forced) => {
                let agrees = match forced {
                    None => true,
                    Some(InputEncoding::Utf8) => enc == encoding_rs::UTF_8,
                    Some(_) => enc == GB18030,
                };
                if !agrees {
                    return Err(undecodable(
                        1,
                        format!(
                            "the file starts with a {label} byte-order mark, which contradicts --encoding: drop --encoding (文件开头的 BOM 标明编码为 {label}，与 --encoding 不符：请去掉 --encoding)"
                        ),
                    ));
                }
                d.pos = len;
                d.start(enc, label);
            }
            (None, Some(InputEncoding::Utf8)) => d.start(encoding_rs::UTF_8, "UTF-8"),
            (None, Some(InputEncoding::Gbk)) => d.start(GB18030, "GBK"),
            (None, Some(InputEncoding::Gb18030)) => d.start(GB18030, "GB18030"),
            (None, None) => {
                if !d.buf.is_ascii() {
                    d.decide()?;
                } else if d.eof {
                    d.start(encoding_rs::UTF_8, "UTF-8");
                }
            }
        }
        Ok(d)
    }

    fn start(&mut self, enc: &'static Encoding, label: &'static str) {
        self.label.set(label);
        self.mode = if enc == encoding_rs::UTF_8 {
            Mode::Plain
        } else {
            Mode::Transcode(Box::new(enc.new_decoder_without_bom_handling()))
        };
    }

    /// Reads from `inner` until `buf` holds `want` unconsumed bytes or the input ends.
    fn fill(&mut self, want: usize) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        while self.buf.len() < want && !self.eof {
            let old = self.buf.len();
            self.buf.resize(want, 0);
            let n = loop {
                match self.inner.read(&mut self.buf[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(old);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(old + n);
            if n == 0 {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// Decides the encoding from the bytes at `pos` (which start with a non-ASCII byte; all
    /// before them was ASCII, the same in every candidate encoding). UTF-8 when the window reads
    /// as UTF-8, else GB18030 when it reads as GB18030. When it reads as neither, the encoding
    /// that reads further is taken, so that the records before the bad line are read and the
    /// error names that line.
    fn decide(&mut self) -> io::Result<()> {
        self.fill(SNIFF)?;
        let window = &self.buf[self.pos..];
        let utf8_good = match std::str::from_utf8(window) {
            Ok(_) => None,
            // a character cut by the end of the window, not by the end of the file
            Err(e) if e.error_len().is_none() && !self.eof => None,
            Err(e) => Some(e.valid_up_to()),
        };
        let Some(utf8_good) = utf8_good else {
            self.start(encoding_rs::UTF_8, "UTF-8");
            return Ok(());
        };
        let mut dec = GB18030.new_decoder_without_bom_handling();
        let mut scratch = vec![0u8; window.len() * 3 + 16];
        let (result, read, written) =
            dec.decode_to_utf8_without_replacement(window, &mut scratch, self.eof);
        match result {
            DecoderResult::Malformed(bad, extra) => {
                let gb_good = read.saturating_sub(usize::from(bad) + usize::from(extra));
                if gb_good == 0 && utf8_good == 0 {
                    let line = self.lines + count_newlines(&scratch[..written]) + 1;
                    return Err(undecodable(line, NEITHER.to_string()));
                }
                if utf8_good >= gb_good {
                    self.start(encoding_rs::UTF_8, "UTF-8");
                } else {
                    self.start(GB18030, "GBK/GB18030");
                }
            }
            _ => self.start(GB18030, "GBK/GB18030"),
        }
        Ok(())
    }

    fn serve(src: &[u8], dst: &mut [u8]) -> usize {
        let n = src.len().min(dst.len());
        dst[..n].copy_from_slice(&src[..n]);
        n
    }
}

impl<R: Read> Decode<R> {
    /// Line ends become LF (`\r\n` and a lone `\r` alike) and the text ends with one, so that
    /// the splitter ([`super::split`]) reads lines the way Excel and a text editor number them.
    /// In place: the output is never longer than the input. A CR inside a quoted cell becomes
    /// LF too, which a cell never needs.
    fn normalize_eol(&mut self, buf: &mut [u8]) -> usize {
        let mut read = 0;
        if self.after_cr && buf.first() == Some(&b'\n') {
            read = 1;
        }
        self.after_cr = false;
        let Some(first_cr) = memchr::memchr(b'\r', &buf[read..]) else {
            if read > 0 {
                buf.copy_within(read.., 0);
            }
            return buf.len() - read;
        };
        // Copy the text between CRs down over the dropped LFs, a line at a time.
        let mut write = 0;
        let mut cr = read + first_cr;
        loop {
            buf.copy_within(read..cr, write);
            write += cr - read;
            buf[write] = b'\n';
            write += 1;
            read = cr + 1;
            match buf.get(read) {
                Some(b'\n') => read += 1,
                Some(_) => {}
                None => {
                    self.after_cr = true;
                    return write;
                }
            }
            match memchr::memchr(b'\r', &buf[read..]) {
                Some(next) => cr = read + next,
                None => {
                    let rest = buf.len() - read;
                    buf.copy_within(read.., write);
                    return write + rest;
                }
            }
        }
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if dst.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.read_decoded(dst)?;
            if n == 0 {
                if self.unterminated {
                    self.unterminated = false;
                    dst[0] = b'\n';
                    return Ok(1);
                }
                return Ok(0);
            }
            let m = self.normalize_eol(&mut dst[..n]);
            if m > 0 {
                self.unterminated = dst[m - 1] != b'\n';
                return Ok(m);
            }
        }
    }
}

impl<R: Read> Decode<R> {
    /// Reads UTF-8 text, deciding the encoding as it goes.
    fn read_decoded(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        loop {
            match &mut self.mode {
                Mode::Plain => {
                    if self.pos < self.buf.len() {
                        let n = Self::serve(&self.buf[self.pos..], dst);
                        self.pos += n;
                        if self.pos == self.buf.len() {
                            // the sniffed bytes are handed on: free them
                            self.buf = Vec::new();
                            self.pos = 0;
                        }
                        return Ok(n);
                    }
                    return self.inner.read(dst);
                }
                Mode::Sniff => {
                    if self.pos == self.buf.len() {
                        if self.eof {
                            return Ok(0);
                        }
                        let n = self.inner.read(dst)?;
                        if n == 0 {
                            self.eof = true;
                            return Ok(0);
                        }
                        match dst[..n].iter().position(|b| !b.is_ascii()) {
                            None => {
                                self.lines += count_newlines(&dst[..n]);
                                return Ok(n);
                            }
                            Some(k) => {
                                self.buf.clear();
                                self.buf.extend_from_slice(&dst[k..n]);
                                self.pos = 0;
                                if k > 0 {
                                    self.lines += count_newlines(&dst[..k]);
                                    return Ok(k);
                                }
                            }
                        }
                    }
                    let rest = &self.buf[self.pos..];
                    match rest.iter().position(|b| !b.is_ascii()) {
                        Some(0) => self.decide()?,
                        found => {
                            let k = found.unwrap_or(rest.len());
                            let n = Self::serve(&rest[..k], dst);
                            self.lines += count_newlines(&dst[..n]);
                            self.pos += n;
                            return Ok(n);
                        }
                    }
                }
                Mode::Done => {
                    let n = Self::serve(&self.out[self.out_pos..], dst);
                    self.out_pos += n;
                    if n == 0
                        && let Some((line, message)) = self.failure.take()
                    {
                        return Err(undecodable(line, message));
                    }
                    return Ok(n);
                }
                Mode::Transcode(dec) => {
                    if self.out_pos < self.out.len() {
                        let n = Self::serve(&self.out[self.out_pos..], dst);
                        self.out_pos += n;
                        return Ok(n);
                    }
                    if let Some((line, message)) = self.failure.take() {
                        return Err(undecodable(line, message));
                    }
                    if self.pos == self.buf.len() && !self.eof {
                        self.buf.clear();
                        self.pos = 0;
                        self.buf.resize(SNIFF, 0);
                        let n = loop {
                            match self.inner.read(&mut self.buf) {
                                Ok(n) => break n,
                                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                                Err(e) => {
                                    self.buf.clear();
                                    return Err(e);
                                }
                            }
                        };
                        self.buf.truncate(n);
                        self.eof = n == 0;
                    }
                    self.out.clear();
                    self.out.resize(SNIFF, 0);
                    self.out_pos = 0;
                    let (result, read, written) = dec.decode_to_utf8_without_replacement(
                        &self.buf[self.pos..],
                        &mut self.out,
                        self.eof,
                    );
                    self.pos += read;
                    self.out.truncate(written);
                    self.lines += count_newlines(&self.out);
                    match result {
                        DecoderResult::Malformed(..) => {
                            let what = self.label.get();
                            self.mode = Mode::Done;
                            self.failure = Some((
                                self.lines + 1,
                                format!(
                                    "this line is not valid {what} text: the file is damaged or mixes encodings; open it in Excel or WPS and save it again (该行不是有效的 {what} 编码文本：文件可能已损坏或混用了多种编码，请用 Excel/WPS 打开后重新保存)"
                                ),
                            ));
                        }
                        DecoderResult::InputEmpty if self.eof => self.mode = Mode::Done,
                        DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
                    }
                }
            }
        }
    }
}

/// Sniffs the delimiter from the first line: a tab when it has more tabs than commas (Excel's
/// "Unicode text" and many exports from case-management systems), else a comma.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let tabs = first.iter().filter(|b| **b == b'\t').count();
    let commas = first.iter().filter(|b| **b == b',').count();
    if tabs > commas { b'\t' } else { b',' }
}

// ---------------------------------------------------------------------------------------------
// Raw records: CSV or a sheet

/// The non-empty cells of one worksheet, rendered as text, in row order: (row, column, text),
/// row and column counted from the sheet's top left (0-based). Only cells with text are kept,
/// so a stray value far down or far right costs one entry, not the rectangle up to it.
struct SheetRows {
    cells: Vec<(u32, u32, String)>,
    next: usize,
    /// the leftmost column with a value: field 0 of every record
    first_col: u32,
}

/// The most a workbook may hold uncompressed, as its zip directory declares it (and the most a
/// workbook file may weigh): 1 GiB.
pub const MAX_WORKBOOK_BYTES: u64 = 1 << 30;

/// A column's letters as Excel names it: 0 is `A`, 16383 is `XFD`.
fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Collects a sheet's cells, refusing a value past [`MAX_COLUMNS`] (naming its cell) and a
/// sheet whose text exceeds [`MAX_WORKBOOK_BYTES`], before either is held.
struct SheetCollector {
    cells: Vec<(u32, u32, String)>,
    bytes: u64,
}

impl SheetCollector {
    fn push(&mut self, (row, col): (u32, u32), value: &Data) -> Result<(), String> {
        let text = cell_text(value);
        if text.is_empty() {
            return Ok(());
        }
        if col as usize >= MAX_COLUMNS {
            let cell = format!("{}{}", column_letters(col), u64::from(row) + 1);
            return Err(format!(
                "cell {cell} has a value, but a roster has at most {MAX_COLUMNS} columns (up to column {}): delete what is in {cell} (or clear everything right of the table) and save again (单元格 {cell} 有内容，但花名册最多 {MAX_COLUMNS} 列（到 {} 列为止）：请删除 {cell} 的内容（或清除表格右侧的所有内容）后重新保存)",
                column_letters(MAX_COLUMNS as u32 - 1),
                column_letters(MAX_COLUMNS as u32 - 1),
            ));
        }
        self.bytes += text.len() as u64;
        if self.bytes > MAX_WORKBOOK_BYTES {
            return Err(format!(
                "the sheet's text is larger than the limit of {MAX_WORKBOOK_BYTES} bytes (1 GiB) (工作表的文字内容超过 {MAX_WORKBOOK_BYTES} 字节（1 GiB）的上限)"
            ));
        }
        self.cells.push((row, col, text.into_owned()));
        Ok(())
    }

    fn finish(mut self) -> SheetRows {
        self.cells.sort_by_key(|(r, c, _)| (*r, *c));
        let first_col = self.cells.iter().map(|(_, c, _)| *c).min().unwrap_or(0);
        SheetRows {
            cells: self.cells,
            next: 0,
            first_col,
        }
    }
}

/// Reads a sheet cell by cell: .xlsx and .xlsb are streamed, so nothing the size of the used
/// range is allocated; .xls and .ods come as calamine's range (their formats are read whole).
fn read_sheet<RS: Read + io::Seek>(
    book: &mut calamine::Sheets<RS>,
    sheet: &str,
) -> Result<SheetRows, String> {
    let mut into = SheetCollector {
        cells: Vec::new(),
        bytes: 0,
    };
    match book {
        calamine::Sheets::Xlsx(x) => {
            let mut r = x.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
            while let Some(c) = r.next_cell().map_err(|e| e.to_string())? {
                into.push(c.get_position(), &Data::from(c.get_value().clone()))?;
            }
        }
        calamine::Sheets::Xlsb(x) => {
            let mut r = x.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
            while let Some(c) = r.next_cell().map_err(|e| e.to_string())? {
                into.push(c.get_position(), &Data::from(c.get_value().clone()))?;
            }
        }
        other => {
            let range = other.worksheet_range(sheet).map_err(|e| e.to_string())?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, v) in range.used_cells() {
                let at = (
                    r0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX)),
                    c0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
                );
                into.push(at, v)?;
            }
        }
    }
    Ok(into.finish())
}

/// The uncompressed size a zip file (an .xlsx, .xlsb or .ods) declares in its central
/// directory, read without inflating anything; `None` when it is not a zip that can be read
/// so (calamine then says what is wrong). A size too large for the directory's 32-bit fields
/// counts as `u64::MAX` unless its zip64 field gives it.
fn zip_declared_size(bytes: &[u8]) -> Option<u64> {
    let u16_at = |at: usize| -> Option<u64> {
        bytes
            .get(at..at + 2)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| -> Option<u64> {
        bytes
            .get(at..at + 4)
            .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    // the end-of-central-directory record: within the last 64 KiB + 22 bytes
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let eocd = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
    let entries = u16_at(eocd + 10)?;
    let mut at = usize::try_from(u32_at(eocd + 16)?).ok()?;
    if entries == 0xFFFF || at == 0xFFFF_FFFF {
        return Some(u64::MAX);
    }
    let mut total: u64 = 0;
    for _ in 0..entries {
        if !bytes.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let mut size = u32_at(at + 24)?;
        let (name, extra, comment) = (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        let extra_at = at + 46 + usize::try_from(name).ok()?;
        if size == 0xFFFF_FFFF {
            // zip64: the extra field 0x0001 starts with the 8-byte uncompressed size
            size = u64::MAX;
            let mut e = extra_at;
            let end = extra_at + usize::try_from(extra).ok()?;
            while e + 4 <= end {
                let (id, len) = (u16_at(e)?, usize::try_from(u16_at(e + 2)?).ok()?);
                if id == 1 && len >= 8 {
                    let b = bytes.get(e + 4..e + 12)?;
                    size = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
                }
                e += 4 + len;
            }
        }
        total = total.saturating_add(size);
        at = extra_at + usize::try_from(extra + comment).ok()?;
    }
    Some(total)
}

/// Raw records before any header logic.
enum Raw {
    Csv(Box<Splitter<BufReader<Box<dyn Read + Send>>>>),
    Sheet(SheetRows),
}

impl Raw {
    /// The next non-blank record and its line (CSV) or row (sheet) number.
    fn next(&mut self, name: &str, rec: &mut Record) -> Result<Option<u64>, InputError> {
        match self {
            Raw::Csv(split) => loop {
                match split.read(rec) {
                    Ok(Split::End) => return Ok(None),
                    Ok(Split::NotText(line)) => return Err(not_utf8(name, line)),
                    Ok(Split::Refused(r)) => return Err(refused(name, &r)),
                    // Blank lines between records are not households.
                    Ok(Split::Record(_)) if rec.iter().all(|f| f.trim().is_empty()) => continue,
                    Ok(Split::Record(line)) => return Ok(Some(line)),
                    Err(e) => return Err(broken(name, &e)),
                }
            },
            Raw::Sheet(s) => loop {
                let Some(&(row, _, _)) = s.cells.get(s.next) else {
                    return Ok(None);
                };
                rec.clear();
                let mut col = s.first_col;
                while let Some((r, c, text)) = s.cells.get(s.next) {
                    if *r != row {
                        break;
                    }
                    while col < *c {
                        rec.push_field("");
                        col += 1;
                    }
                    rec.push_field(text);
                    col += 1;
                    s.next += 1;
                }
                if rec.as_slice().len() > MAX_RECORD_BYTES {
                    return Err(refused(
                        name,
                        &Refusal::TooLong {
                            line: u64::from(row) + 1,
                            quote: None,
                        },
                    ));
                }
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                return Ok(Some(u64::from(row) + 1));
            },
        }
    }
}

/// A workbook cell as a person sees it in Excel.
pub fn cell_text(d: &Data) -> Cow<'_, str> {
    match d {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(number_text(*f)),
        Data::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) if dt.is_duration() => Cow::Owned(number_text(dt.as_f64())),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            Cow::Owned(if dt.as_f64() < 1.0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            })
        }
        Data::Error(e) => Cow::Owned(e.to_string()),
    }
}

/// A number as Excel shows it in a General cell: whole numbers without `.0`; at most 15
/// significant digits (Excel keeps no more, so `0.1 + 0.2` shows as `0.3`); a whole number of
/// 16 digits or more, which Excel has already cut to 15, as `1.10105E+17`. This is display,
/// not rounding of money: the text is what the caseworker typed and sees.
pub fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == f.trunc() && f.abs() < 1e15 {
        // exact: every integer below 2^53 is a float
        return format!("{}", f as i64);
    }
    if f.abs() >= 1e15 {
        let s = format!("{f:.5E}");
        let (mantissa, exponent) = s.split_once('E').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        return format!("{mantissa}E{sign}{digits:0>2}");
    }
    let magnitude = f.abs().log10().floor() as i32 + 1;
    let decimals = (15 - magnitude).clamp(0, 20) as usize;
    let s = format!("{f:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A workbook over [`MAX_WORKBOOK_BYTES`], uncompressed or as a file.
fn too_big(name: &str, size: u64) -> InputError {
    let size = if size == u64::MAX {
        "more than 4 GiB".to_string()
    } else {
        format!("{size} bytes")
    };
    InputError::Format {
        path: name.to_string(),
        message: format!(
            "the workbook holds {size} uncompressed, more than the limit of {MAX_WORKBOOK_BYTES} bytes (1 GiB); it was not opened: save the roster alone as .xlsx or CSV (该工作簿解压后为 {size}，超过 {MAX_WORKBOOK_BYTES} 字节（1 GiB）的上限，未打开：请只把花名册另存为 .xlsx 或 CSV)"
        ),
    }
}

/// A record that is not UTF-8 text in a file read as UTF-8.
fn not_utf8(name: &str, line: u64) -> InputError {
    InputError::Broken {
        path: name.to_string(),
        line,
        message: NOT_UTF8.to_string(),
    }
}

const NOT_UTF8: &str = "this line is not valid UTF-8 although the lines before it are: the file is damaged or mixes encodings; open it in Excel or WPS and save it again as \"CSV UTF-8\" (该行不是有效的 UTF-8 文本，而前面的行是：文件可能已损坏或混用了多种编码，请用 Excel/WPS 打开后另存为“CSV UTF-8”)";

/// A record the splitter will not read: an open quote, a limit.
fn refused(name: &str, r: &Refusal) -> InputError {
    let (line, message) = match *r {
        Refusal::OpenQuote { line } => (
            line,
            "a quote (\") opened on this line is never closed: every row below it would be read as part of this cell; close the quote or remove it (该行的引号（\"）一直没有闭合：其下方各行都会被当作这个单元格的内容；请补上闭合的引号或删除该引号)".to_string(),
        ),
        Refusal::TooLong { line, quote } => {
            let (en, zh) = match quote {
                Some(q) => (
                    format!("; it is inside a quote opened on line {q}, which is probably never closed"),
                    format!("；它位于第 {q} 行开始的引号内，该引号可能没有闭合"),
                ),
                None => (String::new(), String::new()),
            };
            (
                line,
                format!(
                    "the record starting on this line is longer than the limit of {} bytes ({} MiB){en}: the file is not a roster or is damaged (从该行开始的记录超过 {} 字节（{} MiB）的上限{zh}：文件不是花名册或已损坏)",
                    MAX_RECORD_BYTES,
                    MAX_RECORD_BYTES >> 20,
                    MAX_RECORD_BYTES,
                    MAX_RECORD_BYTES >> 20
                ),
            )
        }
        Refusal::TooManyColumns { line, cells } => (
            line,
            format!(
                "this row has {cells} cells, more than the limit of {MAX_COLUMNS} columns: the file is not a roster or is damaged (该行有 {cells} 个单元格，超过 {MAX_COLUMNS} 列的上限：文件不是花名册或已损坏)"
            ),
        ),
    };
    InputError::Broken {
        path: name.to_string(),
        line,
        message,
    }
}

/// A failure to read the roster's text: a line that is neither UTF-8 nor GB18030 is named by
/// the decoder; any other error is the system's own message.
fn broken(name: &str, e: &io::Error) -> InputError {
    if let Some(u) = e.get_ref().and_then(|i| i.downcast_ref::<Undecodable>()) {
        return InputError::Broken {
            path: name.to_string(),
            line: u.line,
            message: u.message.clone(),
        };
    }
    InputError::Broken {
        path: name.to_string(),
        line: 0,
        message: e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tables: header row, skipped rows

/// A table file after its header row: the records below it, one at a time, without the rows
/// that are not data (totals, notes). Rosters and members files are both read through it.
pub struct Table {
    name: String,
    raw: Raw,
    encoding: EncodingLabel,
    sheet: Option<String>,
    header: Vec<String>,
    header_line: u64,
    pending: VecDeque<(Record, u64)>,
    key_field: Option<usize>,
    skipped: Vec<Skipped>,
    report: Option<Notify>,
    /// an error met while reading ahead for the header, returned after the rows before it
    deferred: Option<InputError>,
}

/// The byte signatures of workbooks: zip (xlsx, ods) and OLE (xls).
fn is_workbook_magic(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0")
}

fn has_ext(path: &str, exts: &[&str]) -> bool {
    std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

impl Table {
    /// Opens `path` (`-` is stdin): a CSV in any supported encoding or a workbook, and finds
    /// its header row, the first row (of the first [`HEADER_SEARCH`]) whose `score` — the
    /// number of cells naming known columns — reaches [`MIN_KNOWN_HEADERS`].
    pub fn open(
        path: &str,
        opts: &ReadOptions,
        score: &dyn Fn(&[String]) -> usize,
    ) -> Result<Table, InputError> {
        let io_err = |source| InputError::Io {
            path: path.to_string(),
            source,
        };
        if has_ext(path, &["et", "ett", "wps"]) {
            return Err(InputError::Format {
                path: path.to_string(),
                message: "WPS .et files cannot be read: in WPS save the sheet as .xlsx or as CSV (WPS 表格格式无法读取：请在 WPS 中另存为 .xlsx 或 CSV)".to_string(),
            });
        }
        let (raw, encoding, sheet) = if path == "-" {
            let mut input = BufReader::with_capacity(1 << 16, io::stdin());
            let magic = is_workbook_magic(input.fill_buf().map_err(io_err)?);
            if magic {
                let mut bytes = Vec::new();
                (&mut input)
                    .take(MAX_WORKBOOK_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(io_err)?;
                if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
                    return Err(too_big(path, bytes.len() as u64));
                }
                Table::workbook(path, bytes, opts)?
            } else {
                Table::csv(path, Box::new(input), opts)?
            }
        } else {
            let mut f = File::open(path).map_err(io_err)?;
            let mut magic = [0u8; 4];
            let n = read_up_to(&mut f, &mut magic).map_err(io_err)?;
            let workbook = has_ext(path, &["xlsx", "xlsm", "xlsb", "xls", "ods"])
                || is_workbook_magic(&magic[..n]);
            if workbook {
                let size = f.metadata().map_err(io_err)?.len();
                if size > MAX_WORKBOOK_BYTES {
                    return Err(too_big(path, size));
                }
                let bytes = std::fs::read(path).map_err(io_err)?;
                Table::workbook(path, bytes, opts)?
            } else {
                let f = File::open(path).map_err(io_err)?;
                Table::csv(path, Box::new(BufReader::with_capacity(1 << 16, f)), opts)?
            }
        };
        Table::from_parts(path, raw, encoding, sheet, opts, score)
    }

    /// Reads a CSV table from any reader (tests, generated data).
    pub fn from_reader(
        name: &str,
        input: Box<dyn Read + Send>,
        opts: &ReadOptions,
        score: &dyn Fn(&[String]) -> usize,
    ) -> Result<Table, InputError> {
        let (raw, encoding, sheet) = Table::csv(name, input, opts)?;
        Table::from_parts(name, raw, encoding, sheet, opts, score)
    }

    fn from_parts(
        name: &str,
        raw: Raw,
        encoding: EncodingLabel,
        sheet: Option<String>,
        opts: &ReadOptions,
        score: &dyn Fn(&[String]) -> usize,
    ) -> Result<Table, InputError> {
        let mut t = Table {
            name: name.to_string(),
            raw,
            encoding,
            sheet,
            header: Vec::new(),
            header_line: 1,
            pending: VecDeque::new(),
            key_field: None,
            skipped: Vec::new(),
            report: opts.report.clone(),
            deferred: None,
        };
        t.find_header(score)?;
        Ok(t)
    }

    /// A CSV from any reader.
    fn csv(
        name: &str,
        input: Box<dyn Read + Send>,
        opts: &ReadOptions,
    ) -> Result<(Raw, EncodingLabel, Option<String>), InputError> {
        if opts.sheet.is_some() {
            return Err(InputError::Format {
                path: name.to_string(),
                message: "--sheet names a sheet of a workbook (.xlsx, .xls, .ods), but this file is CSV (--sheet 只适用于 .xlsx/.xls/.ods 工作簿)".to_string(),
            });
        }
        let label = EncodingLabel::default();
        let decode = Decode::new(input, opts.encoding, label.clone()).map_err(|e| {
            match e.get_ref().and_then(|i| i.downcast_ref::<Undecodable>()) {
                Some(u) => InputError::Broken {
                    path: name.to_string(),
                    line: u.line,
                    message: u.message.clone(),
                },
                None => InputError::Io {
                    path: name.to_string(),
                    source: e,
                },
            }
        })?;
        // Tabs and commas are the same bytes in UTF-8 and GB18030; Excel's UTF-16 "Unicode
        // text" is always tab-separated.
        let delimiter = if label.get().starts_with("UTF-16") {
            b'\t'
        } else {
            sniff_delimiter(&decode.buf[decode.pos..])
        };
        let input = BufReader::with_capacity(1 << 16, Box::new(decode) as Box<dyn Read + Send>);
        let splitter = Splitter::new(input, delimiter);
        Ok((Raw::Csv(Box::new(splitter)), label, None))
    }

    /// A workbook held in memory: its first sheet, or the one `--sheet` names.
    fn workbook(
        name: &str,
        bytes: Vec<u8>,
        opts: &ReadOptions,
    ) -> Result<(Raw, EncodingLabel, Option<String>), InputError> {
        let format_err = |message: String| InputError::Format {
            path: name.to_string(),
            message,
        };
        if bytes.starts_with(b"PK\x03\x04")
            && let Some(size) = zip_declared_size(&bytes)
            && size > MAX_WORKBOOK_BYTES
        {
            return Err(too_big(name, size));
        }
        let mut book = calamine::open_workbook_auto_from_rs(io::Cursor::new(bytes)).map_err(|e| {
            format_err(format!(
                "cannot open the workbook ({e}): save it again from Excel or WPS as .xlsx (无法打开该工作簿，请用 Excel/WPS 重新另存为 .xlsx)"
            ))
        })?;
        let names = book.sheet_names();
        let sheet = match &opts.sheet {
            Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
                format_err(format!(
                    "no sheet \"{s}\"; the sheets are: {} (找不到工作表“{s}”)",
                    names.join(", ")
                ))
            })?,
            None => names.first().cloned().ok_or_else(|| {
                format_err("the workbook has no sheets (工作簿中没有工作表)".into())
            })?,
        };
        let rows = read_sheet(&mut book, &sheet).map_err(|e| {
            format_err(format!(
                "cannot read sheet \"{sheet}\": {e} (无法读取工作表“{sheet}”)"
            ))
        })?;
        let label = EncodingLabel::default();
        label.set("workbook");
        Ok((Raw::Sheet(rows), label, Some(sheet)))
    }

    /// Reads the first rows, keeps the header, queues the data rows read ahead.
    fn find_header(&mut self, score: &dyn Fn(&[String]) -> usize) -> Result<(), InputError> {
        let mut ahead: Vec<(Record, u64)> = Vec::with_capacity(HEADER_SEARCH);
        while ahead.len() < HEADER_SEARCH {
            let mut rec = Record::new();
            match self.raw.next(&self.name, &mut rec) {
                Ok(Some(line)) => ahead.push((rec, line)),
                Ok(None) => break,
                // rows before a broken line are still read (and checked) before the error
                Err(e) if ahead.len() > 1 => {
                    self.deferred = Some(e);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        if ahead.is_empty() {
            return Err(InputError::Header {
                path: self.name.clone(),
                message: "the file has no rows: it is empty (文件为空，没有任何行)".to_string(),
            });
        }
        let scores: Vec<usize> = ahead
            .iter()
            .map(|(r, _)| score(&r.iter().map(str::to_string).collect::<Vec<_>>()))
            .collect();
        let best = scores.iter().copied().max().unwrap_or(0);
        let at = scores
            .iter()
            .position(|s| *s >= MIN_KNOWN_HEADERS.min(best.max(1)))
            .unwrap_or(0);
        let mut rest = ahead.into_iter();
        for _ in 0..at {
            if let Some((rec, line)) = rest.next() {
                self.skip(line, SkipReason::AboveHeader, &rec);
            }
        }
        let (header, line) = rest.next().unwrap_or_default();
        self.header = header.iter().map(str::to_string).collect();
        self.header_line = line;
        if let Some(notify) = &self.report
            && at > 0
        {
            (notify.0)(&ReadNotice::HeaderBelow {
                file: self.name.clone(),
                line,
                skipped: at,
            });
        }
        let mut under_header = true;
        for (rec, line) in rest {
            if under_header {
                let reason = if is_column_number_row(&rec) {
                    Some(SkipReason::ColumnNumbers)
                } else if is_units_row(&rec) {
                    Some(SkipReason::Units)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    self.skip(line, reason, &rec);
                    continue;
                }
                under_header = false;
            }
            self.pending.push_back((rec, line));
        }
        Ok(())
    }

    fn skip(&mut self, line: u64, reason: SkipReason, rec: &Record) {
        let mut text: String = rec
            .iter()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some((i, _)) = text.char_indices().nth(40) {
            text.truncate(i);
            text.push('…');
        }
        if let Cow::Owned(shown) = screen_text(&text) {
            text = shown;
        }
        let row = Skipped { line, reason, text };
        if let Some(notify) = &self.report
            && reason != SkipReason::AboveHeader
        {
            (notify.0)(&ReadNotice::Skipped {
                file: self.name.clone(),
                row: row.clone(),
            });
        }
        if self.skipped.len() < KEEP_SKIPPED {
            self.skipped.push(row);
        }
    }

    /// The header cells as written.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The field of the key column (the household id): a total or note row is one whose key
    /// is empty (or itself a total label), so a row with a real id is never skipped.
    pub fn set_key_field(&mut self, field: Option<usize>) {
        self.key_field = field;
    }

    /// The next data record; its line, or `None` at the end.
    pub fn next_record(&mut self, rec: &mut Record) -> Result<Option<u64>, InputError> {
        loop {
            let line = match self.pending.pop_front() {
                Some((r, line)) => {
                    *rec = r;
                    line
                }
                None => {
                    if let Some(e) = self.deferred.take() {
                        return Err(e);
                    }
                    match self.raw.next(&self.name, rec)? {
                        Some(line) => line,
                        None => return Ok(None),
                    }
                }
            };
            if let Some(reason) = self.not_data(rec) {
                self.skip(line, reason, rec);
                continue;
            }
            return Ok(Some(line));
        }
    }

    /// Whether a record is a total or a note rather than data. Cheap for ordinary rows: every
    /// total label ends in 计, so rows without it are not looked at cell by cell.
    fn not_data(&self, rec: &Record) -> Option<SkipReason> {
        let key = self.key_field.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let real_key =
            !key.is_empty() && !is_total_label(key) && !is_count_label(key) && !is_note_label(key);
        if real_key {
            return None;
        }
        if has_ji(rec.as_slice()) && rec.iter().any(is_total_label) {
            return Some(SkipReason::Total);
        }
        if rec.iter().any(is_note_label) {
            return Some(SkipReason::Note);
        }
        None
    }

    /// How the file was read.
    pub fn encoding(&self) -> String {
        match &self.sheet {
            Some(s) => format!("sheet \"{s}\""),
            None => self.encoding.get().to_string(),
        }
    }

    /// The header's line.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The rows skipped so far.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// The file's name as given.
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn squeeze(cell: &str) -> String {
    cell.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether the text holds 计 (E8 AE A1), the last character of every total label; on the
/// per-row path, so a byte search rather than a substring search.
fn has_ji(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(0xE8, b).any(|i| b.get(i + 1..i + 3) == Some(&[0xAE, 0xA1][..]))
}

/// `合计`, `小计`, `总计`, `共计`, also `城关镇小计`, `合计：`, `总 计`.
fn is_total_label(cell: &str) -> bool {
    if !has_ji(cell) {
        return false;
    }
    let s = squeeze(cell);
    let s = s.trim_end_matches([':', '：']);
    ["合计", "小计", "总计", "共计"]
        .iter()
        .any(|w| s.starts_with(w) || s.ends_with(w))
}

/// `共 120 户`, `120户` in the id column of a total row.
fn is_count_label(cell: &str) -> bool {
    if !cell.trim_end().ends_with('户') {
        return false;
    }
    let s = squeeze(cell);
    let s = s.strip_prefix('共').unwrap_or(&s);
    s.strip_suffix('户')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Notes and signatures under a table: `制表人：`, `审核：`, `注：`, `填报日期：` …
fn is_note_label(cell: &str) -> bool {
    const MARKS: [&str; 15] = [
        "制表",
        "审核",
        "填表",
        "填报",
        "负责人",
        "单位负责人",
        "经办人",
        "复核",
        "注：",
        "注:",
        "说明",
        "备注：",
        "备注:",
        "日期：",
        "签字",
    ];
    let first = [
        '制', '审', '填', '负', '单', '经', '复', '注', '说', '备', '日', '签',
    ];
    if !cell.trim_start().starts_with(first) {
        return false;
    }
    let s = squeeze(cell);
    MARKS.iter().any(|m| s.starts_with(m))
}

/// A row of column numbers under the header: at least three cells, each `1`, `(1)`, `（1）` or
/// `①`, counting up by one.
fn is_column_number_row(rec: &Record) -> bool {
    let mut prev: Option<u32> = None;
    let mut n = 0;
    for cell in rec.iter().map(str::trim).filter(|c| !c.is_empty()) {
        let Some(v) = column_number(cell) else {
            return false;
        };
        if prev.is_some_and(|p| v != p + 1) {
            return false;
        }
        prev = Some(v);
        n += 1;
    }
    n >= 3
}

fn column_number(cell: &str) -> Option<u32> {
    let mut chars = cell.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && ('①'..='⑳').contains(&c)
    {
        return Some(u32::from(c) - u32::from('①') + 1);
    }
    let inner = cell
        .strip_prefix(['(', '（'])
        .and_then(|s| s.strip_suffix([')', '）']))
        .unwrap_or(cell);
    (!inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit()))
        .then(|| inner.parse().ok())
        .flatten()
}

/// A units row under the header: every non-empty cell a unit (`元`, `（元）`, `人`, `单位：元`).
fn is_units_row(rec: &Record) -> bool {
    let mut any = false;
    for cell in rec.iter().map(squeeze).filter(|c| !c.is_empty()) {
        let bare = cell
            .strip_prefix(['(', '（'])
            .and_then(|s| s.strip_suffix([')', '）']))
            .unwrap_or(&cell);
        let unit = bare.starts_with("单位")
            || matches!(
                bare,
                "元" | "人" | "户" | "个" | "元/月" | "元/人" | "月" | "元/年"
            );
        if !unit {
            return false;
        }
        any = true;
    }
    any
}

// ---------------------------------------------------------------------------------------------
// Rosters

/// A roster: a [`Table`] whose header is mapped to the roster's columns.
pub struct RosterSource {
    table: Table,
    map: HeaderMap,
    /// the fields of the ID-like columns, normalised as they are read
    id_fields: Vec<usize>,
}

/// How many cells of a header row name a roster column (local aliases included).
fn roster_score(aliases: &BTreeMap<String, String>) -> impl Fn(&[String]) -> usize + '_ {
    move |cells: &[String]| columns::count_known(cells.iter().map(String::as_str), aliases)
}

impl RosterSource {
    /// Opens a roster file (`-` is stdin).
    pub fn open(path: &str, opts: &ReadOptions) -> Result<RosterSource, InputError> {
        let table = Table::open(path, opts, &roster_score(&opts.aliases))?;
        RosterSource::from_table(table, opts)
    }

    fn from_table(mut table: Table, opts: &ReadOptions) -> Result<RosterSource, InputError> {
        let map = HeaderMap::from_headers(table.header().iter().map(String::as_str), &opts.aliases)
            .map_err(|message| InputError::Header {
                path: table.name().to_string(),
                message,
            })?;
        table.set_key_field(map.get(columns::Column::HouseholdId));
        let id_fields = [
            columns::Column::HouseholdId,
            columns::Column::HeadId,
            columns::Column::BankAccount,
        ]
        .into_iter()
        .filter_map(|c| map.get(c))
        .collect();
        Ok(RosterSource {
            table,
            map,
            id_fields,
        })
    }

    /// Reads a CSV roster from any reader (tests, generated data).
    pub fn from_reader(
        name: &str,
        input: Box<dyn Read + Send>,
        opts: &ReadOptions,
    ) -> Result<RosterSource, InputError> {
        let table = Table::from_reader(name, input, opts, &roster_score(&opts.aliases))?;
        RosterSource::from_table(table, opts)
    }
}

impl RecordSource for RosterSource {
    fn name(&self) -> &str {
        self.table.name()
    }

    fn header_map(&self) -> &HeaderMap {
        &self.map
    }

    fn headers(&self) -> &[String] {
        self.table.header()
    }

    fn next_record(&mut self, rec: &mut Record) -> Result<Option<u64>, InputError> {
        let line = self.table.next_record(rec)?;
        if line.is_some() {
            normalize_ids(rec, &self.id_fields);
        }
        Ok(line)
    }

    fn encoding(&self) -> String {
        self.table.encoding()
    }

    fn header_line(&self) -> u64 {
        self.table.header_line()
    }

    fn skipped(&self) -> &[Skipped] {
        self.table.skipped()
    }
}

/// Normalises the ID-like cells of a roster record where they are read, so that every later
/// comparison (the duplicate household check, the join with a members file, the ledger) sees
/// one spelling: see [`idcard::normalize_id`].
fn normalize_ids(rec: &mut Record, fields: &[usize]) {
    for &i in fields {
        let Some(cell) = rec.get(i) else {
            continue;
        };
        if let Cow::Owned(normal) = idcard::normalize_id(cell) {
            rec.set(i, &normal);
        }
    }
}

/// Opens a roster by its name: CSV in any supported encoding, or a workbook; `-` is stdin.
pub fn open(path: &str, opts: &ReadOptions) -> Result<Box<dyn RecordSource>, InputError> {
    Ok(Box::new(RosterSource::open(path, opts)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Rows = Vec<(u64, Vec<String>)>;

    fn read_all(bytes: &[u8], opts: &ReadOptions) -> Result<(RosterSource, Rows), InputError> {
        let mut src =
            RosterSource::from_reader("t.csv", Box::new(io::Cursor::new(bytes.to_vec())), opts)?;
        let mut rows = Vec::new();
        let mut rec = Record::new();
        while let Some(line) = src.next_record(&mut rec)? {
            rows.push((line, rec.iter().map(str::to_string).collect()));
        }
        Ok((src, rows))
    }

    const PLAIN: &str = "户编号,城乡类别,家庭人口,乡镇街道\nH1,城市,3,城关镇\nH2,农村,2,七里河\n";

    fn gbk(text: &str) -> Vec<u8> {
        GB18030.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_bom_gbk_and_utf16_read_alike() {
        let opts = ReadOptions::default();
        let (src, plain) = read_all(PLAIN.as_bytes(), &opts).unwrap();
        assert_eq!(src.encoding(), "UTF-8");
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[1].1[3], "七里河");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(PLAIN.as_bytes());
        let (src, rows) = read_all(&bom, &opts).unwrap();
        assert_eq!((src.encoding().as_str(), &rows), ("UTF-8 (BOM)", &plain));
        let (src, rows) = read_all(&gbk(PLAIN), &opts).unwrap();
        assert_eq!((src.encoding().as_str(), &rows), ("GBK/GB18030", &plain));
        let mut utf16 = b"\xFF\xFE".to_vec();
        for u in PLAIN.replace(',', "\t").encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let (src, rows) = read_all(&utf16, &opts).unwrap();
        assert_eq!((src.encoding().as_str(), &rows), ("UTF-16LE", &plain));
    }

    #[test]
    fn ascii_top_then_gbk_is_decided_at_the_first_chinese_byte() {
        let mut text = String::from("household_id,residence,members,township\n");
        for i in 0..5000 {
            text.push_str(&format!("H{i},urban,1,x\n"));
        }
        text.push_str("H9999,农村,2,城关镇\n");
        let (src, rows) = read_all(&gbk(&text), &ReadOptions::default()).unwrap();
        assert_eq!(src.encoding(), "GBK/GB18030");
        assert_eq!(rows.len(), 5001);
        assert_eq!(rows[5000].1[1], "农村");
        assert_eq!(rows[5000].0, 5002);
    }

    #[test]
    fn undecodable_line_is_named() {
        // valid GBK on line 2, then a byte that is neither UTF-8 nor GB18030 on line 3
        let mut bytes = gbk("户编号,城乡类别,家庭人口\nH1,城市,3\n");
        bytes.extend_from_slice(b"H2,\xFF\xFF,2\n");
        let err = read_all(&bytes, &ReadOptions::default()).err().unwrap();
        assert_eq!(err.line(), Some(3), "{err}");
        // UTF-8 at the top, GBK further down: the GBK line is named
        let mut text = PLAIN.as_bytes().to_vec();
        text.extend(std::iter::repeat_n(b"H9,urban,1,x\n".to_vec(), 7000).flatten());
        text.extend(gbk("H10,农村,1,城关镇\n"));
        let err = read_all(&text, &ReadOptions::default()).err().unwrap();
        assert_eq!(err.line(), Some(7004), "{err}");
        assert!(err.message().contains("UTF-8"), "{err}");
    }

    #[test]
    fn a_character_cut_by_a_comma_is_not_text() {
        // `\xE4\xB8` `,` `\xAD`: joined without the comma the bytes would spell 中, but no
        // field is UTF-8 on its own
        let mut text = PLAIN.as_bytes().to_vec();
        text.extend_from_slice(b"H3,\xE4\xB8,\xAD,x\n");
        let err = read_all(&text, &ReadOptions::default()).err().unwrap();
        assert_eq!(err.line(), Some(4), "{err}");
        assert!(err.message().contains("UTF-8"), "{err}");
    }

    #[test]
    fn forced_encoding_wins_and_a_contradicting_bom_is_refused() {
        let forced = ReadOptions {
            encoding: Some(InputEncoding::Gbk),
            ..ReadOptions::default()
        };
        let (src, rows) = read_all(&gbk(PLAIN), &forced).unwrap();
        assert_eq!((src.encoding().as_str(), rows.len()), ("GBK", 2));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(PLAIN.as_bytes());
        assert!(read_all(&bom, &forced).is_err());
        let utf8 = ReadOptions {
            encoding: Some(InputEncoding::Utf8),
            ..ReadOptions::default()
        };
        assert_eq!(
            read_all(&gbk(PLAIN), &utf8).err().and_then(|e| e.line()),
            Some(1)
        );
    }

    #[test]
    fn header_found_below_title_units_and_numbers_and_totals_skipped() {
        let text = "兰州市城关区低保花名册,,,\n单位：元,,,\n\n户编号,城乡类别,家庭人口,乡镇街道\n1,2,3,4\nH1,城市,3,城关镇\n,城关镇小计,3,\nH2,农村,2,七里河\n合 计,,5,\n制表人：张三,,审核人：李四,\n";
        let (src, rows) = read_all(text.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(src.header_line(), 4);
        assert_eq!(src.headers()[0], "户编号");
        let ids: Vec<(u64, &str)> = rows.iter().map(|(l, r)| (*l, r[0].as_str())).collect();
        assert_eq!(ids, [(6, "H1"), (8, "H2")]);
        let skipped: Vec<(u64, SkipReason)> =
            src.skipped().iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            skipped,
            [
                (1, SkipReason::AboveHeader),
                (2, SkipReason::AboveHeader),
                (5, SkipReason::ColumnNumbers),
                (7, SkipReason::Total),
                (9, SkipReason::Total),
                (10, SkipReason::Note),
            ]
        );
    }

    #[test]
    fn a_row_with_its_own_id_is_never_skipped() {
        let text = "户编号,城乡类别,家庭人口,备注\nH1,城市,3,合计\n,城市,2,\n";
        let (src, rows) = read_all(text.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(
            rows.len(),
            2,
            "the keyless row is a household with an error, not a total"
        );
        assert!(src.skipped().is_empty());
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        let cases: [(f64, &str); 9] = [
            (3.0, "3"),
            (1234.5, "1234.5"),
            (0.1 + 0.2, "0.3"),
            (91.399_999_999_999_99, "91.4"),
            (110_105_194_912_310_016.0, "1.10105E+17"),
            (6_228_480_010_000_000_000.0, "6.22848E+18"),
            (620_102_202_200_123.0, "620102202200123"),
            (-12.5, "-12.5"),
            (1e15, "1E+15"),
        ];
        for (f, want) in cases {
            assert_eq!(number_text(f), want, "{f}");
        }
    }

    #[test]
    fn line_ends_are_normalised_across_reads() {
        let text = b"a,b\r\nc,d\r\n\r\ne,\"x\r\ny\"\rf,g";
        // Every split of the input into two reads gives the same text.
        for split in 0..text.len() {
            let (one, two) = text.split_at(split);
            let input = io::Cursor::new(one.to_vec()).chain(io::Cursor::new(two.to_vec()));
            let mut d = Decode::new(input, Some(InputEncoding::Utf8), EncodingLabel::default())
                .expect("decode");
            let mut out = Vec::new();
            let mut buf = [0u8; 3];
            loop {
                let n = d.read(&mut buf).expect("read");
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert_eq!(out, b"a,b\nc,d\n\ne,\"x\ny\"\nf,g\n", "split at {split}");
        }
        let text = "户编号,城乡类别,家庭人口\r\nH1,城市,1\r\n\r\nH2,\"农\r\n村\",2\r\nH3,城市,3";
        let (_, rows) = read_all(text.as_bytes(), &ReadOptions::default()).unwrap();
        let lines: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4, 6]);
    }

    #[test]
    fn column_number_and_units_rows() {
        let rec = |cells: &[&str]| Record::from_cells(cells.iter().copied());
        assert!(is_column_number_row(&rec(&["1", "2", "3", ""])));
        assert!(is_column_number_row(&rec(&["（1）", "（2）", "（3）"])));
        assert!(is_column_number_row(&rec(&["①", "②", "③"])));
        assert!(!is_column_number_row(&rec(&["1", "3", "4"])));
        assert!(!is_column_number_row(&rec(&["H1", "2", "3"])));
        assert!(is_units_row(&rec(&["", "（元）", "人", ""])));
        assert!(!is_units_row(&rec(&["", "", ""])));
        assert!(
            is_total_label("合  计") && is_total_label("城关镇小计") && is_total_label("总计：")
        );
        assert!(!is_total_label("会计") && !is_total_label("计划生育"));
        assert!(is_count_label("共 12 户") && !is_count_label("户"));
    }

    /// A workbook with `cells` ((row, column, text), 0-based) on its one sheet.
    fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, c, v) in cells {
            sheet.write_string(*r, *c, *v).expect("write");
        }
        book.save_to_buffer().expect("save")
    }

    fn open_book(bytes: Vec<u8>) -> Result<Rows, InputError> {
        let (raw, enc, sheet) = Table::workbook("b.xlsx", bytes, &ReadOptions::default())?;
        let mut t = Table::from_parts(
            "b.xlsx",
            raw,
            enc,
            sheet,
            &ReadOptions::default(),
            &roster_score(&BTreeMap::new()),
        )?;
        let mut rows = Vec::new();
        let mut rec = Record::new();
        while let Some(line) = t.next_record(&mut rec)? {
            rows.push((line, rec.iter().map(str::to_string).collect()));
        }
        Ok(rows)
    }

    #[test]
    fn a_stray_cell_far_away_is_refused_or_read_without_the_rectangle() {
        let head = [
            (2, 1, "户编号"),
            (2, 2, "城乡类别"),
            (2, 3, "家庭人口"),
            (3, 1, "H1"),
            (3, 2, "城市"),
            (3, 3, "3"),
        ];
        // far down: read, the row numbered as the sheet numbers it, no million empty rows
        let mut cells = head.to_vec();
        cells.push((1_048_575, 1, "H2"));
        let rows = open_book(workbook(&cells)).expect("read");
        assert_eq!(
            rows,
            vec![
                (4, vec!["H1".into(), "城市".into(), "3".into()]),
                (1_048_576, vec!["H2".into()]),
            ]
        );
        // far right: refused naming the cell
        let mut cells = head.to_vec();
        cells.push((1_048_575, 16_383, "x"));
        let err = open_book(workbook(&cells)).expect_err("refused");
        assert!(err.message().contains("XFD1048576"), "{err}");
        assert!(err.message().contains("1024 columns"), "{err}");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(1023), "AMJ");
    }

    #[test]
    fn a_workbook_declaring_too_much_is_refused_before_inflating() {
        let bytes = workbook(&[(0, 0, "户编号"), (0, 1, "城乡类别"), (0, 2, "家庭人口")]);
        let size = zip_declared_size(&bytes).expect("a zip");
        assert!(size > 0 && size < 1 << 20, "{size}");
        // the same workbook, its sheet declared as 4 GiB less a little
        let mut big = bytes.clone();
        let eocd = big
            .windows(4)
            .rposition(|w| w == b"PK\x05\x06")
            .expect("eocd");
        let cd = u32::from_le_bytes(big[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
        assert_eq!(&big[cd..cd + 4], b"PK\x01\x02");
        big[cd + 24..cd + 28].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
        assert!(zip_declared_size(&big).unwrap() > MAX_WORKBOOK_BYTES);
        let err = open_book(big).expect_err("refused");
        assert!(err.message().contains("1073741824 bytes"), "{err}");
        assert!(zip_declared_size(b"PK\x03\x04 not a zip").is_none());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok((_, rows)) = read_all(&bytes, &ReadOptions::default()) {
                prop_assert!(rows.iter().all(|(line, _)| *line >= 1));
            }
        }

        #[test]
        fn a_broken_zip_directory_never_panics(
            head in proptest::collection::vec(any::<u8>(), 0..80),
            tail in proptest::collection::vec(any::<u8>(), 0..80),
        ) {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend(&head);
            bytes.extend_from_slice(b"PK\x01\x02");
            bytes.extend(&head);
            bytes.extend_from_slice(b"PK\x05\x06");
            bytes.extend(&tail);
            let _ = zip_declared_size(&bytes);
        }

        #[test]
        fn gbk_and_utf8_give_the_same_records(cells in proptest::collection::vec("[a-z0-9城乡镇街道低保户主张李王 ]{0,6}", 8..40)) {
            let mut text = String::from("户编号,城乡类别,家庭人口,乡镇街道\n");
            for row in cells.chunks(4) {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            let opts = ReadOptions::default();
            let utf8 = read_all(text.as_bytes(), &opts).map(|(_, r)| r).map_err(|e| e.to_string());
            let gb = read_all(&gbk(&text), &opts).map(|(_, r)| r).map_err(|e| e.to_string());
            prop_assert_eq!(utf8, gb);
        }
    }
}
