//! Writers: output formats, atomic files, terminal tables, masking, and the formula guard.

pub mod bank;
pub mod commit;
pub mod schema;
pub use crate::text as screen;
pub mod table;
pub mod xlsx;

use crate::household::columns::Column;
use crate::household::idcard;
use crate::lang::Lang;
use crate::month::Month;
use crate::text::guard_formula;
use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use commit::{OutputGroup, refuse_same_files};

/// Output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// aligned table for people on a terminal (IDs and accounts masked)
    Table,
    /// CSV (UTF-8 with a BOM in files, see --csv-encoding)
    Csv,
    /// JSON: a header and arrays of flat objects, money as strings
    Json,
    /// an .xlsx workbook
    Xlsx,
}

impl Format {
    /// The format to use: the one asked for, else from the output file's extension, else a
    /// table on a terminal and CSV otherwise.
    pub fn resolve(asked: Option<Format>, output: Option<&str>) -> Format {
        if let Some(f) = asked {
            return f;
        }
        match output.filter(|o| *o != "-") {
            Some(o) if o.ends_with(".json") => Format::Json,
            Some(o) if o.ends_with(".xlsx") => Format::Xlsx,
            Some(_) => Format::Csv,
            None if io::stdout().is_terminal() => Format::Table,
            None => Format::Csv,
        }
    }
}

/// The text encoding of CSV output (`--csv-encoding`).
///
/// Excel opens a CSV without a BOM in the system's ANSI code page, which on Chinese Windows is
/// GBK, so UTF-8 Chinese shows as mojibake. With a BOM (`utf8-bom`) every Excel since 2007 and
/// WPS read it right; `gb18030` suits older Excel and tools that expect the code page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 without a BOM (scripts, databases)
    Utf8,
    /// UTF-8 with a BOM (Excel, WPS)
    Utf8Bom,
    /// GB18030, a superset of GBK that can write every character
    Gb18030,
}

/// Where and how a command writes its output (what `-o`, `--lang` and `--csv-encoding` ask).
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// the file to write (atomically); `None` or `-` is stdout
    pub path: Option<String>,
    /// the language of messages about the output
    pub lang: Lang,
    /// the CSV encoding (default: UTF-8 with a BOM in a file, plain UTF-8 on stdout)
    pub csv_encoding: Option<CsvEncoding>,
}

/// Where output goes: stdout, or a file written atomically (a temporary file in the same
/// folder, renamed over the target only when [`Output::commit`] is called, or by
/// [`OutputGroup::commit`] together with the run's other outputs). An interrupted or failed
/// run leaves no partial file; on stdout, a run that stops after part of its output went out
/// says on stderr that the output is incomplete.
pub struct Output {
    target: Target,
    /// re-encodes the UTF-8 written into it (`--csv-encoding gb18030`)
    gb18030: Option<Gb18030Writer>,
    /// the language of the note about incomplete output
    lang: Lang,
    /// bytes handed to the writer
    bytes: u64,
    /// whether an explicit flush may have sent bytes on
    flushed: bool,
    /// whether writing to the target failed (it then holds nothing usable)
    failed: bool,
}

/// Set once a reader closed stdout (`jiuzhu check … | head`): the rest of the output is
/// dropped, and summaries must not claim every row was written.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether the reader of stdout closed it before the whole output was written.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Says on stderr, after a run's summary, that stdout was closed early (so not every row was
/// written), when it was.
pub fn report_closed_pipe(lang: Lang) {
    if stdout_closed() {
        eprintln!(
            "  {}",
            lang.pick(
                "注意：标准输出的读取方已提前关闭管道，输出在中途停止，并非所有行都已写出",
                "note: the reader closed stdout early: the output stopped part-way, not every row was written"
            )
        );
    }
}

const BUFFER: usize = 1 << 16;

/// Re-encodes UTF-8 to GB18030 as it streams through, keeping a character cut between two
/// writes until its remaining bytes arrive.
struct Gb18030Writer {
    encoder: encoding_rs::Encoder,
    carry: Vec<u8>,
    out: Vec<u8>,
}

impl Gb18030Writer {
    fn new() -> Gb18030Writer {
        Gb18030Writer {
            encoder: encoding_rs::GB18030.new_encoder(),
            carry: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Encodes `buf` (with any carried bytes before it) into `self.out`.
    fn encode(&mut self, buf: &[u8], last: bool) -> io::Result<()> {
        let joined;
        let bytes: &[u8] = if self.carry.is_empty() {
            buf
        } else {
            self.carry.extend_from_slice(buf);
            joined = std::mem::take(&mut self.carry);
            &joined
        };
        let (text, rest) = match std::str::from_utf8(bytes) {
            Ok(t) => (t, &[][..]),
            Err(e) if e.error_len().is_none() && !last => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                (std::str::from_utf8(good).unwrap_or_default(), rest)
            }
            Err(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "output is not UTF-8 text",
                ));
            }
        };
        self.out.clear();
        self.out.reserve(text.len() + 16);
        let mut src = text;
        loop {
            let start = self.out.len();
            self.out.resize(start + src.len() * 2 + 16, 0);
            let (result, read, written) = self.encoder.encode_from_utf8_without_replacement(
                src,
                &mut self.out[start..],
                last,
            );
            self.out.truncate(start + written);
            src = &src[read..];
            match result {
                encoding_rs::EncoderResult::InputEmpty => break,
                encoding_rs::EncoderResult::OutputFull => continue,
                encoding_rs::EncoderResult::Unmappable(c) => {
                    // GB18030 maps all of Unicode; kept for completeness
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("character {c:?} has no GB18030 form"),
                    ));
                }
            }
        }
        self.carry = rest.to_vec();
        Ok(())
    }
}

enum Target {
    Stdout(io::BufWriter<io::Stdout>),
    File {
        tmp: io::BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
        /// the path as given, for messages
        named: PathBuf,
    },
    /// a device, pipe or socket, written in place
    Special {
        file: io::BufWriter<std::fs::File>,
        named: PathBuf,
    },
    /// committed (or given up)
    Done,
}

/// How a file the tool writes reaches its path.
#[derive(Debug, PartialEq, Eq)]
pub enum Placement {
    /// Written to a temporary file in this path's folder and renamed over it. A symbolic link
    /// is followed, so the file it points to is replaced and the link stays.
    Replace(PathBuf),
    /// An existing device, pipe or socket (`/dev/null`, `/dev/stdout`, a FIFO): written in
    /// place, because renaming over it would put a plain file where the device was.
    InPlace,
}

/// Decides how to write `path` (see [`Placement`]); a folder is refused. A symbolic link to
/// nothing is followed to where its target would be, so the link stays a link.
pub fn placement(path: &Path) -> io::Result<Placement> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            format!(
                "{} is a folder, not a file (这是文件夹，不是文件)",
                path.display()
            ),
        )),
        Ok(m) if m.is_file() => std::fs::canonicalize(path).map(Placement::Replace),
        Ok(_) => Ok(Placement::InPlace),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match std::fs::read_link(path) {
            Ok(t) => {
                let t = if t.is_relative() {
                    folder_of(path).join(t)
                } else {
                    t
                };
                Ok(Placement::Replace(t))
            }
            Err(_) => Ok(Placement::Replace(path.to_path_buf())),
        },
        Err(e) => Err(e),
    }
}

/// The folder a temporary file for `path` goes in (the same file system, so the rename is
/// atomic).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temporary file in `dir` of the tool's naming, registered for removal if the run is
/// stopped by a signal; stale ones of earlier killed runs in `dir` are removed first.
pub fn temp_file_in(dir: &Path, kind: &str) -> io::Result<tempfile::NamedTempFile> {
    commit::clean_stale(dir);
    commit::create_temp(dir, kind)
}

impl Output {
    /// Opens the output: `None` or `-` is stdout.
    pub fn open(path: Option<&str>) -> io::Result<Output> {
        let target = match path.filter(|p| *p != "-") {
            None => Target::Stdout(io::BufWriter::with_capacity(BUFFER, io::stdout())),
            Some(p) => {
                let named = PathBuf::from(p);
                match placement(&named)? {
                    Placement::InPlace => Target::Special {
                        file: io::BufWriter::with_capacity(
                            BUFFER,
                            std::fs::OpenOptions::new().write(true).open(&named)?,
                        ),
                        named,
                    },
                    Placement::Replace(path) => {
                        let tmp = temp_file_in(&folder_of(&path), "")?;
                        Target::File {
                            tmp: io::BufWriter::with_capacity(BUFFER, tmp),
                            path,
                            named,
                        }
                    }
                }
            }
        };
        Ok(Output {
            target,
            gb18030: None,
            lang: Lang::default(),
            bytes: 0,
            flushed: false,
            failed: false,
        })
    }

    /// Opens the output of a command in `format`, honouring `--csv-encoding`: a CSV file gets a
    /// UTF-8 BOM unless asked otherwise, stdout plain UTF-8 (see [`CsvEncoding`]).
    pub fn create(options: impl Into<OutputOptions>, format: Format) -> io::Result<Output> {
        let args: OutputOptions = options.into();
        let mut out = Output::open(args.path.as_deref())?;
        out.lang = args.lang;
        if format == Format::Csv {
            let encoding = args.csv_encoding.unwrap_or(if out.path().is_some() {
                CsvEncoding::Utf8Bom
            } else {
                CsvEncoding::Utf8
            });
            match encoding {
                CsvEncoding::Utf8 => {}
                CsvEncoding::Utf8Bom => out.write_raw(b"\xEF\xBB\xBF")?,
                CsvEncoding::Gb18030 => out.gb18030 = Some(Gb18030Writer::new()),
            }
        }
        Ok(out)
    }

    fn write_raw(&mut self, buf: &[u8]) -> io::Result<()> {
        self.bytes += buf.len() as u64;
        let r = match &mut self.target {
            Target::Stdout(_) if stdout_closed() => Ok(()),
            Target::Stdout(w) => closed_pipe(w.write_all(buf)),
            Target::File { tmp, .. } => tmp.write_all(buf),
            Target::Special { file, .. } => file.write_all(buf),
            Target::Done => Err(io::Error::other("output already committed")),
        };
        self.named_error(r)
    }

    /// A write error names the output it concerns (a full disk, a device refusing bytes).
    fn named_error(&mut self, r: io::Result<()>) -> io::Result<()> {
        r.map_err(|e| {
            self.failed = true;
            match self.path() {
                Some(p) => io::Error::new(
                    e.kind(),
                    match self.lang {
                        Lang::Zh => format!("无法写出 {}：{e}", p.display()),
                        Lang::En => format!("cannot write {}: {e}", p.display()),
                    },
                ),
                None => e,
            }
        })
    }

    /// The file path as given, when writing to a file.
    pub fn path(&self) -> Option<&Path> {
        match &self.target {
            Target::File { named, .. } | Target::Special { named, .. } => Some(named),
            Target::Stdout(_) | Target::Done => None,
        }
    }

    /// The output as messages name it: its path, or stdout.
    pub fn display_name(&self, lang: Lang) -> String {
        match self.path() {
            Some(p) => p.display().to_string(),
            None => lang.pick("标准输出", "stdout").to_string(),
        }
    }

    /// Finishes the output: flushes stdout, or renames the temporary file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.prepare()?;
        self.persist()
    }

    /// Completes the output without committing it: the last bytes encoded and flushed, a
    /// file synced to disk with its permissions set. An error here (a full disk, a device
    /// refusing the bytes) leaves the target as it was.
    pub(crate) fn prepare(&mut self) -> io::Result<()> {
        let r = self.finish();
        if self.failed {
            // already named by `write_raw`
            return r;
        }
        self.named_error(r)
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(mut g) = self.gb18030.take() {
            g.encode(&[], true)?;
            self.write_raw(&g.out)?;
        }
        match &mut self.target {
            Target::Stdout(w) => closed_pipe(w.flush()),
            Target::Special { file, .. } => file.flush(),
            Target::File { tmp, path, .. } => {
                tmp.flush()?;
                let f = tmp.get_ref().as_file();
                f.sync_all()?;
                // A temporary file is private (0600); the output keeps the permissions of the
                // file it replaces, or gets the usual 0644.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let perms = std::fs::metadata(&*path)
                        .map(|m| m.permissions())
                        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
                    f.set_permissions(perms)?;
                }
                #[cfg(not(unix))]
                let _ = path;
                Ok(())
            }
            Target::Done => Ok(()),
        }
    }

    /// Puts a prepared output in place: renames the temporary file over the target.
    pub(crate) fn persist(mut self) -> io::Result<()> {
        match std::mem::replace(&mut self.target, Target::Done) {
            Target::File { tmp, path, .. } => {
                let tmp = tmp.into_inner().map_err(|e| e.into_error())?;
                commit::persist_temp(tmp, &path)?;
                sync_dir(&folder_of(&path));
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.target, Target::Done) {
            Target::Done => {}
            Target::File { tmp, .. } => {
                // not committed: the temporary file is removed
                let (file, _) = tmp.into_parts();
                let p = file.path().to_path_buf();
                drop(file);
                commit::forget_temp(&p);
            }
            Target::Stdout(w) => {
                // Not committed: what is still buffered is dropped, and if some of the output
                // already went out, the reader is told it is incomplete.
                let (_, _unsent) = w.into_parts();
                let sent = self.flushed || self.bytes > BUFFER as u64;
                if sent && !stdout_closed() {
                    eprintln!(
                        "jiuzhu: {}",
                        self.lang.pick(
                            "注意：运行中途出错，已写到标准输出的内容不完整，请勿使用",
                            "note: the run stopped on an error after part of its output was written to stdout: that output is INCOMPLETE, do not use it"
                        )
                    );
                }
            }
            Target::Special { file, named } => {
                let (_, _unsent) = file.into_parts();
                if !self.failed && (self.flushed || self.bytes > BUFFER as u64) {
                    match self.lang {
                        Lang::Zh => eprintln!(
                            "jiuzhu: 注意：运行中途出错，已写到 {} 的内容不完整，请勿使用",
                            named.display()
                        ),
                        Lang::En => eprintln!(
                            "jiuzhu: note: the run stopped on an error after part of its output was written to {}: that output is INCOMPLETE, do not use it",
                            named.display()
                        ),
                    }
                }
            }
        }
    }
}

/// Makes a rename durable: syncs the folder's entry (no-op where folders cannot be opened).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// On stdout, a closed pipe ends the output quietly and is remembered ([`stdout_closed`]).
fn closed_pipe(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other,
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(mut g) = self.gb18030.take() {
            let r = g.encode(buf, false).and_then(|()| self.write_raw(&g.out));
            self.gb18030 = Some(g);
            return r;
        }
        self.write_raw(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flushed = true;
        match &mut self.target {
            Target::Stdout(_) if stdout_closed() => Ok(()),
            Target::Stdout(w) => closed_pipe(w.flush()),
            Target::File { tmp, .. } => tmp.flush(),
            Target::Special { file, .. } => file.flush(),
            Target::Done => Ok(()),
        }
    }
}

/// A closed pipe (`jiuzhu check ... | head`) is not an error.
pub fn ignore_broken_pipe(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes the chunks a streaming command produces ([`crate::pipeline::stream`]), in order. In
/// JSON the chunks are the items of one array, so every non-empty chunk after the first is
/// preceded by `separator`; other formats are written as they come. A closed pipe while
/// writing a chunk is not an error ([`ignore_broken_pipe`]).
pub struct ChunkWriter {
    json: bool,
    separator: &'static [u8],
    first: bool,
}

impl ChunkWriter {
    /// A writer for `format`, the JSON items separated by `separator`.
    pub fn new(format: Format, separator: &'static [u8]) -> ChunkWriter {
        ChunkWriter {
            json: format == Format::Json,
            separator,
            first: true,
        }
    }

    /// Writes one chunk's bytes to `out`.
    pub fn write<W: Write + ?Sized>(&mut self, out: &mut W, bytes: &[u8]) -> io::Result<()> {
        if self.json && !bytes.is_empty() {
            if !self.first {
                out.write_all(self.separator)?;
            }
            self.first = false;
        }
        ignore_broken_pipe(out.write_all(bytes))
    }
}

/// The problem sentence of a row left undetermined for lack of roster values, as the run
/// summaries list it: `row 7 (household H7): missing members`, with the month after the
/// household (`row 7 (household H7) 2024-03: ...`) when the problem is of one month.
pub fn missing_problem(
    row: u64,
    id: &str,
    month: Option<Month>,
    missing: &[Column],
    lang: Lang,
) -> String {
    let names: Vec<&str> = missing
        .iter()
        .map(|c| match lang {
            Lang::Zh => c.zh(),
            Lang::En => c.name(),
        })
        .collect();
    match (lang, month) {
        (Lang::Zh, None) => format!("第 {row} 行（户 {id}）：缺少 {}", names.join("、")),
        (Lang::Zh, Some(m)) => format!("第 {row} 行（户 {id}）{m}：缺少 {}", names.join("、")),
        (Lang::En, None) => format!("row {row} (household {id}): missing {}", names.join(", ")),
        (Lang::En, Some(m)) => {
            format!(
                "row {row} (household {id}) {m}: missing {}",
                names.join(", ")
            )
        }
    }
}

/// A CSV writer over any byte sink, with the settings every command uses.
pub fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(w)
}

/// Bytes that make a CSV field need quotes: the comma, the quote, CR and LF.
const NEEDS_QUOTES: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Whether a CSV field needs quotes. Eight bytes at a time, a word is looked at closely only
/// when one of its bytes is below 0x2D (the comma is 0x2C, the quote 0x22, CR 0x0D, LF 0x0A):
/// for bytes below 0x80, `(x - 0x2D…) & !x & 0x80…` is non-zero exactly when one is.
fn needs_quotes(field: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let exact = |bytes: &[u8]| bytes.iter().any(|b| NEEDS_QUOTES[usize::from(*b)]);
    let mut words = field.chunks_exact(8);
    for word in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let x = u64::from_le_bytes(eight);
        if x.wrapping_sub(ONES * 0x2D) & !x & HIGH_BITS != 0 && exact(word) {
            return true;
        }
    }
    exact(words.remainder())
}

/// CSV lines built in a byte buffer, for the writers that emit a line per household: the
/// dialect of [`csv_writer`] (comma-separated; a field holding a comma, quote, CR or LF is
/// quoted with its quotes doubled; each record ends in LF), without the csv crate's byte-by-byte
/// state machine. Records have at least two fields (a lone empty field would need quotes).
pub struct CsvBuf {
    bytes: Vec<u8>,
    line_start: bool,
}

impl CsvBuf {
    /// An empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> CsvBuf {
        CsvBuf {
            bytes: Vec::with_capacity(capacity),
            line_start: true,
        }
    }

    fn separate(&mut self) {
        if !self.line_start {
            self.bytes.push(b',');
        }
        self.line_start = false;
    }

    /// Appends a field.
    pub fn field(&mut self, field: impl AsRef<[u8]>) {
        let field = field.as_ref();
        self.separate();
        if !needs_quotes(field) {
            self.bytes.extend_from_slice(field);
            return;
        }
        self.bytes.push(b'"');
        for part in field.split_inclusive(|b| *b == b'"') {
            self.bytes.extend_from_slice(part);
            if part.last() == Some(&b'"') {
                self.bytes.push(b'"');
            }
        }
        self.bytes.push(b'"');
    }

    /// Appends an amount stated to the fen (digits never need quotes).
    pub fn money(&mut self, value: Option<rust_decimal::Decimal>) {
        self.separate();
        if let Some(v) = value {
            crate::money::write_money_bytes(&mut self.bytes, v);
        }
    }

    /// Appends a whole number.
    pub fn count(&mut self, n: u64) {
        self.separate();
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.bytes.extend_from_slice(&digits[i..]);
    }

    /// Ends the record.
    pub fn end_record(&mut self) {
        self.bytes.push(b'\n');
        self.line_start = true;
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A text cell guarded for spreadsheets (a leading `=`, `+`, `-`, `@` would run as a formula).
pub fn text_cell(value: &str) -> std::borrow::Cow<'_, str> {
    guard_formula(value)
}

/// An ID or account number as shown: masked (first 6 and last 4 characters) in tables, and in
/// files when `--mask` is given; whole otherwise, because payout lists need it.
pub fn id_cell(value: &str, format: Format, mask: bool) -> Cow<'_, str> {
    if format == Format::Table || mask {
        Cow::Owned(idcard::mask(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether a column holds ID or account numbers, by its standard name or its header as written
/// (`身份证号码`, `银行账号`, `社保卡号` …): such columns are masked in tables.
pub fn is_id_column(name: &str) -> bool {
    matches!(name, "head_id" | "bank_account" | "id_number")
        || ["身份证", "证件号", "身份号码", "账号", "帐号", "卡号"]
            .iter()
            .any(|m| name.contains(m))
}

/// Writes a JSON string value (with quotes) into `out`.
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    // serde_json escapes exactly as JSON requires; writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Writes one flat JSON object of string values.
pub fn json_object<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = (&'a str, &'a str)>) {
    out.push(b'{');
    for (i, (k, v)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, k);
        out.push(b':');
        json_str(out, v);
    }
    out.push(b'}');
}

/// The header object every JSON output starts with.
pub fn json_header(policy: &crate::policy::Policy) -> serde_json::Value {
    serde_json::json!({
        "tool_version": env!("CARGO_PKG_VERSION"),
        "policy": policy.name(),
        "policy_sha256": policy.sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn csv_buf_writes_what_the_csv_crate_writes(
            records in (2usize..6).prop_flat_map(|width| proptest::collection::vec(
                proptest::collection::vec("[a,\"\r\n 元=-]{0,6}|[ab 元.]{0,20}[,\"\r\n]?[ab 元]{0,12}", width),
                1..5,
            ))
        ) {
            let mut ours = CsvBuf::with_capacity(0);
            let mut theirs = csv_writer(Vec::new());
            for r in &records {
                for f in r {
                    ours.field(f);
                }
                ours.end_record();
                theirs.write_record(r).unwrap();
            }
            let theirs = String::from_utf8(theirs.into_inner().unwrap()).unwrap();
            let ours = String::from_utf8(ours.into_bytes()).unwrap();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn a_special_byte_anywhere_in_a_long_field_needs_quotes() {
        for special in [b',', b'"', b'\r', b'\n'] {
            for at in 0..40 {
                let mut field = "家庭人均收入 330.78 元低于标准".as_bytes().to_vec();
                field.truncate(40);
                field[at] = special;
                assert!(needs_quotes(&field), "{special} at {at}");
            }
        }
        assert!(!needs_quotes(
            "家庭人均收入 330.78 元低于标准 914.00 元；合计 583.22 元/月".as_bytes()
        ));
        assert!(!needs_quotes(b"!#$%&'()*+ !#$%&'()*+"));
    }

    #[test]
    fn csv_buf_money_fields_are_stated_to_the_fen() {
        let mut b = CsvBuf::with_capacity(0);
        b.field("H1");
        b.money(Some(rust_decimal::Decimal::new(4390, 1)));
        b.money(None);
        b.money(Some(rust_decimal::Decimal::new(-125, 3)));
        b.count(0);
        b.count(18_446_744_073_709_551_615);
        b.end_record();
        assert_eq!(b.into_bytes(), b"H1,439.00,,-0.13,0,18446744073709551615\n");
    }

    #[test]
    fn json_chunks_are_separated_and_empty_ones_skipped() {
        let mut out = Vec::new();
        let mut w = ChunkWriter::new(Format::Json, b",\n");
        for chunk in [&b""[..], b"{\"a\":1}", b"", b"{\"b\":2}"] {
            w.write(&mut out, chunk).unwrap();
        }
        assert_eq!(out, b"{\"a\":1},\n{\"b\":2}");
        let mut out = Vec::new();
        let mut w = ChunkWriter::new(Format::Csv, b",");
        for chunk in [&b"a\n"[..], b"b\n"] {
            w.write(&mut out, chunk).unwrap();
        }
        assert_eq!(out, b"a\nb\n");
    }

    #[test]
    fn missing_problem_names_the_columns_in_the_language() {
        let cols = [Column::Members, Column::Residence];
        let m: Month = "2024-03".parse().unwrap();
        assert_eq!(
            missing_problem(7, "H7", None, &cols, Lang::En),
            "row 7 (household H7): missing members, residence"
        );
        assert_eq!(
            missing_problem(7, "H7", Some(m), &cols, Lang::En),
            "row 7 (household H7) 2024-03: missing members, residence"
        );
        assert_eq!(
            missing_problem(7, "H7", Some(m), &cols, Lang::Zh),
            format!(
                "第 7 行（户 H7）2024-03：缺少 {}、{}",
                cols[0].zh(),
                cols[1].zh()
            )
        );
    }
}
