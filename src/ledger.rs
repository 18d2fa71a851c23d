//! The payment ledger (发放台账): the payments already made, so that a payout run never pays
//! the same one twice.
//!
//! Design (docs/payouts.md explains the choice): a CSV file a person can open and audit, one
//! row per payment, guarded by an exclusive lock and only ever replaced whole:
//! - the ledger is the file itself: a symbolic link is resolved to the file it points to (a
//!   link to nothing, to where that file will be created), and the lock is a sidecar
//!   `<real path>.lock` beside that real file, so every path that reaches the ledger takes the
//!   same lock; a ledger with more than one hard link is refused, because a rewrite replaces
//!   the file at one name and the other names would keep the old payments;
//! - a run that will write takes the lock before it reads the ledger and keeps it until its
//!   new rows are in, so two runs on one ledger take turns and the second sees what the first
//!   paid;
//! - every line is checked when the ledger is read: a malformed line (a bad month or amount,
//!   an unknown item, an empty field, an id that is not the id of its household, month and
//!   item — e.g. one Excel rewrote as `1.5834E+14` or one changed to upper case), a repeated
//!   payment_id or a repeated household + month + item refuses the ledger, naming the line,
//!   and nothing is paid;
//! - a payment is known as paid by its id and also by its household, month and item (and, for
//!   an item paid once, by its household and item), so an id damaged by hand does not make it
//!   payable again;
//! - new rows are added by writing the old contents plus the new rows to a temporary file in
//!   the same folder, syncing it to disk ([`Ledger::prepare`]), and renaming it over the
//!   ledger ([`Prepared::commit`], then syncing the folder): a run killed at any point leaves
//!   either the old ledger or the new one, never a half-written row; the file keeps its
//!   permissions;
//! - the lock is on the sidecar, not the ledger itself, because the rename replaces the
//!   ledger's file: a lock on the old file would not stop a run that opens the new one. The
//!   operating system drops the lock when a process dies, so a killed run never blocks the
//!   next.

use crate::lang::Lang;
use crate::month::Month;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The ledger's columns, in order.
pub const COLUMNS: &[&str] = &[
    "payment_id",
    "pay_month",
    "household_id",
    "item",
    "amount",
    "recorded_at",
    "policy_sha256",
];

/// Environment variable naming a simulated fault, for the tests of the failure cases. Read
/// only by debug builds (the tests'); a release build has no fault points.
/// `ledger-mid-write` stops the process with SIGTERM (as a kill would) after writing half of
/// the new rows to the ledger's temporary file; `ledger-full` fails that write as a full disk
/// would.
pub const FAULT_ENV: &str = "JIUZHU_FAULT";

/// Whether the simulated fault `name` is asked for (debug builds only).
#[cfg(debug_assertions)]
fn fault(name: &str) -> bool {
    std::env::var(FAULT_ENV).is_ok_and(|v| v == name)
}

/// Release builds have no fault points.
#[cfg(not(debug_assertions))]
fn fault(_name: &str) -> bool {
    false
}

/// The items a ledger may name besides `one_off:<id>` and `temporary:<kind>`.
pub const ITEMS: &[&str] = &[
    "dibao",
    "uplift",
    "tekun_basic",
    "tekun_care",
    "gradual_exit",
    "price_subsidy",
];

/// The stable id of a payment: `P` and the first 16 hex digits of SHA-256 over
/// `household_id|YYYY-MM|item`. The same household, month and item give the same id on every
/// run and machine; the letter keeps a spreadsheet from reading the id as a number (an id of
/// 16 digits would come back as `1.5834E+14`). Ledgers written before the letter was added
/// hold the 16 hex digits alone; both forms are read.
pub fn payment_id(household_id: &str, month: Month, item: &str) -> String {
    let mut id = String::with_capacity(17);
    id.push('P');
    push_id_digits(&mut id, household_id, month, item);
    id
}

/// The id older versions wrote: the 16 hex digits without the letter.
pub fn legacy_payment_id(household_id: &str, month: Month, item: &str) -> String {
    let mut id = String::with_capacity(16);
    push_id_digits(&mut id, household_id, month, item);
    id
}

/// Appends the id's 16 hex digits: the first 8 bytes of the SHA-256 of
/// `household_id|YYYY-MM|item`, hashed piece by piece (no text is assembled).
fn push_id_digits(out: &mut String, household_id: &str, month: Month, item: &str) {
    let mut h = Sha256::new();
    h.update(household_id.as_bytes());
    h.update(b"|");
    let (y, m) = (month.year(), month.month());
    if (0..=9999).contains(&y) {
        let y = y as u32;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        h.update([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
        ]);
    } else {
        h.update(month.to_string().as_bytes());
    }
    h.update(b"|");
    h.update(item.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in &h.finalize()[..8] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

/// Why the ledger cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file or its lock cannot be read or written.
    #[error("ledger {path}: {source}")]
    Io {
        /// the ledger
        path: PathBuf,
        /// the cause
        source: io::Error,
    },
    /// Lines of the file are not ledger lines (the message names each, up to a few).
    #[error("{message}")]
    Format {
        /// the ledger
        path: PathBuf,
        /// the first problem's line number
        line: u64,
        /// the problems, in the run's language
        message: String,
    },
}

/// What is wrong with one line of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// the header is not the ledger's
    Header(String),
    /// the line cannot be read as CSV
    Csv(String),
    /// a required field is empty
    Empty(&'static str),
    /// `pay_month` is not YYYY-MM
    Month(String),
    /// `amount` is not an amount in yuan with at most two decimals
    Amount(String),
    /// `item` is not one the tool pays
    Item(String),
    /// the payment_id reads as a number a spreadsheet rewrote (`1.5834E+14`)
    ExcelId(String),
    /// the payment_id has upper-case hex digits (edited by hand)
    UpperId(String),
    /// the payment_id is not `P` + 16 hex digits (or 16 hex digits)
    BadId(String),
    /// the payment_id is not the id of the line's household, month and item
    IdMismatch {
        /// the id written
        id: String,
        /// the id of the line's household, month and item
        expected: String,
    },
    /// the payment_id was already on an earlier line
    DuplicateId {
        /// the id
        id: String,
        /// the earlier line
        first: u64,
    },
    /// the same household, month and item was already on an earlier line
    DuplicatePayment {
        /// the earlier line
        first: u64,
    },
}

impl Problem {
    /// The problem in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Problem::Header(found) => {
                if zh {
                    format!("表头应以 {} 开头（实为 {found}）", COLUMNS.join(","))
                } else {
                    format!(
                        "the header must start with {} (found {found})",
                        COLUMNS.join(",")
                    )
                }
            }
            Problem::Csv(e) => {
                if zh {
                    format!("无法按 CSV 读取：{e}")
                } else {
                    format!("not readable as CSV: {e}")
                }
            }
            Problem::Empty(col) => {
                if zh {
                    format!("{col} 为空")
                } else {
                    format!("{col} is empty")
                }
            }
            Problem::Month(v) => {
                if zh {
                    format!("pay_month \"{v}\" 不是 YYYY-MM 格式的月份")
                } else {
                    format!("pay_month \"{v}\" is not a month written YYYY-MM")
                }
            }
            Problem::Amount(v) => {
                if zh {
                    format!("amount \"{v}\" 不是金额（元，最多两位小数）")
                } else {
                    format!("amount \"{v}\" is not an amount in yuan with at most two decimals")
                }
            }
            Problem::Item(v) => {
                if zh {
                    format!("item \"{v}\" 不是本工具发放的项目")
                } else {
                    format!("item \"{v}\" is not an item this tool pays")
                }
            }
            Problem::ExcelId(v) => {
                if zh {
                    format!(
                        "payment_id \"{v}\" 像是被电子表格改成了数字（如 1.5834E+14）：请从备份恢复台账，不要用 Excel 保存"
                    )
                } else {
                    format!(
                        "payment_id \"{v}\" looks like a number a spreadsheet rewrote (e.g. 1.5834E+14): restore the ledger from a backup, do not save it from Excel"
                    )
                }
            }
            Problem::UpperId(v) => {
                if zh {
                    format!(
                        "payment_id \"{v}\" 含大写字母：编号由本工具生成，为小写十六进制，不应手工修改"
                    )
                } else {
                    format!(
                        "payment_id \"{v}\" has upper-case letters: ids are lower-case hex written by this tool, never edited by hand"
                    )
                }
            }
            Problem::BadId(v) => {
                if zh {
                    format!("payment_id \"{v}\" 格式不符（应为 P 加 16 位十六进制数字）")
                } else {
                    format!("payment_id \"{v}\" is malformed (P and 16 hex digits expected)")
                }
            }
            Problem::IdMismatch { id, expected } => {
                if zh {
                    format!(
                        "payment_id \"{id}\" 与本行的户编号、月份和项目不符（应为 {expected}）：该行被改动过"
                    )
                } else {
                    format!(
                        "payment_id \"{id}\" is not the id of this line's household, month and item ({expected}): the line was edited"
                    )
                }
            }
            Problem::DuplicateId { id, first } => {
                if zh {
                    format!("payment_id {id} 与第 {first} 行重复")
                } else {
                    format!("payment_id {id} repeats line {first}")
                }
            }
            Problem::DuplicatePayment { first } => {
                if zh {
                    format!("同一户、同一月份、同一项目已记在第 {first} 行")
                } else {
                    format!("the same household, month and item is already on line {first}")
                }
            }
        }
    }
}

/// A problem and the line it is on (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// the line
    pub line: u64,
    /// what is wrong
    pub problem: Problem,
}

/// One payment recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// the stable payment id
    pub payment_id: String,
    /// the month it is paid for
    pub pay_month: Month,
    /// 户编号
    pub household_id: String,
    /// the item (`dibao`, `one_off:<id>`, `temporary:<kind>`, ...)
    pub item: String,
    /// the amount, stated to the fen
    pub amount: String,
    /// when the run recorded it (local time, RFC 3339)
    pub recorded_at: String,
    /// SHA-256 of the policy file the run used
    pub policy_sha256: String,
}

/// An open ledger: the payments already recorded and, for a run that writes, the lock.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    lock: Option<File>,
    /// every recorded payment id, as a fingerprint
    ids: Fingerprints,
    /// every recorded household, month and item, as a fingerprint
    paid: Fingerprints,
    /// every recorded household and once-only item, as a fingerprint
    once: Fingerprints,
    /// the ledger file, read back on a fingerprint's hit (one handle, positioned reads)
    file: Option<File>,
    rows: u64,
}

/// A set of values kept as 8-byte fingerprints, each with the byte offset of the ledger row
/// it came from: 16 bytes a value, whatever its length. A hit is confirmed against the full
/// value, read back from the ledger at that offset, so two values with one fingerprint are
/// never taken for each other.
#[derive(Debug, Default)]
struct Fingerprints {
    /// (fingerprint, offset of the row), sorted once the ledger is read
    entries: Vec<(u64, u64)>,
}

impl Fingerprints {
    fn insert(&mut self, fp: u64, offset: u64) {
        self.entries.push((fp, offset));
    }

    fn seal(&mut self) {
        self.entries.sort_unstable();
        self.entries.shrink_to_fit();
    }

    /// The values read more than once: (offset of the repeat, offset of the first row with
    /// its value), the rows at `skip` (sorted offsets) left out. Equal fingerprints are
    /// confirmed against the rows read back with `same`.
    fn repeats(
        &self,
        file: &Option<File>,
        skip: &[u64],
        same: impl Fn(&Row, &Row) -> bool,
    ) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let Some(file) = file else {
            return out;
        };
        let mut skip = skip.to_vec();
        skip.sort_unstable();
        let mut i = 0;
        while i < self.entries.len() {
            let fp = self.entries[i].0;
            let mut j = i + 1;
            while j < self.entries.len() && self.entries[j].0 == fp {
                j += 1;
            }
            if j - i > 1 {
                // rows in file order (entries sort by fingerprint, then offset)
                let rows: Vec<(u64, Row)> = self.entries[i..j]
                    .iter()
                    .filter(|e| skip.binary_search(&e.1).is_err())
                    .filter_map(|e| read_row(file, e.1).map(|r| (e.1, r)))
                    .collect();
                for (k, (at, row)) in rows.iter().enumerate() {
                    if let Some((first, _)) = rows[..k].iter().find(|(_, r)| same(r, row)) {
                        out.push((*at, *first));
                    }
                }
            }
            i = j;
        }
        out
    }

    /// The offsets of the rows whose value has fingerprint `fp`.
    fn rows(&self, fp: u64) -> impl Iterator<Item = u64> + '_ {
        let from = self.entries.partition_point(|e| e.0 < fp);
        self.entries[from..]
            .iter()
            .take_while(move |e| e.0 == fp)
            .map(|e| e.1)
    }
}

/// The 8-byte fingerprint of a value made of `parts` (a fixed hash: equal values give equal
/// fingerprints; nothing outside the run sees it).
fn fingerprint(parts: &[&str], month: Option<Month>) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    month.hash(&mut h);
    h.finish()
}

fn id_fingerprint(id: &str) -> u64 {
    fingerprint(&[id], None)
}

fn key_fingerprint(household: &str, month: Month, item: &str) -> u64 {
    fingerprint(&[household, item], Some(month))
}

fn once_fingerprint(household: &str, item: &str) -> u64 {
    fingerprint(&[household, item], None)
}

/// A ledger row read back: the fields a fingerprint's hit is confirmed against.
#[derive(Debug)]
struct Row {
    id: String,
    month: Month,
    household: String,
    item: String,
}

/// Reads `len` bytes at `offset` (fewer at the end of the file).
fn read_at(file: &File, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut got = 0;
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        while got < len {
            match file.read_at(&mut buf[got..], offset + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        // `&File` reads and seeks too; the ledger is read back from one thread at a time
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        while got < len {
            match f.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// The row of the ledger starting at byte `offset`, read with positioned reads: a window is
/// read, and widened while the row's first four fields run past it.
fn read_row(file: &File, offset: u64) -> Option<Row> {
    let mut len = 256;
    loop {
        let buf = read_at(file, offset, len).ok()?;
        let whole = buf.len() < len;
        match first_fields(&buf, whole) {
            Some([id, month, household, item]) => {
                return Some(Row {
                    id: id.trim().to_string(),
                    month: month.trim().parse().ok()?,
                    household: household.trim().to_string(),
                    item: item.trim().to_string(),
                });
            }
            None if whole => return None,
            None => len *= 4,
        }
    }
}

/// The first four fields of the csv record at the start of `buf`, read as the ledger's csv
/// reader reads them (a field opened by `"` runs to the closing `"`, `""` inside it is one
/// `"`; a `"` further into a field is itself); `None` while the fourth field may run past
/// `buf` (and `whole` says it cannot) or the record has fewer fields.
fn first_fields(buf: &[u8], whole: bool) -> Option<[String; 4]> {
    let mut fields: [Vec<u8>; 4] = Default::default();
    let mut n = 0;
    let mut i = 0;
    while n < 4 {
        let field = &mut fields[n];
        let mut quoted = false;
        let mut start = true;
        loop {
            let Some(&b) = buf.get(i) else {
                // the window's end: the field ends here only at the end of the file
                if whole && !quoted && n == 3 {
                    n += 1;
                    break;
                }
                return None;
            };
            i += 1;
            if quoted {
                if b == b'"' {
                    if buf.get(i) == Some(&b'"') {
                        field.push(b'"');
                        i += 1;
                    } else if buf.get(i).is_none() && !whole {
                        return None;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.push(b);
                }
            } else if b == b'"' && start {
                quoted = true;
            } else if b == b',' {
                n += 1;
                break;
            } else if b == b'\n' || b == b'\r' {
                if n < 3 {
                    return None;
                }
                n += 1;
                break;
            } else {
                field.push(b);
            }
            start = false;
        }
    }
    let [a, b, c, d] = fields;
    Some([
        String::from_utf8(a).ok()?,
        String::from_utf8(b).ok()?,
        String::from_utf8(c).ok()?,
        String::from_utf8(d).ok()?,
    ])
}

/// The real file a ledger path names: links followed (a link to nothing, to where its target
/// will be), the folder made absolute. A device or pipe is refused.
fn real_path(path: &Path) -> io::Result<PathBuf> {
    let p = match crate::output::placement(path)? {
        crate::output::Placement::Replace(p) => p,
        crate::output::Placement::InPlace => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a ledger must be a plain file, not a device or pipe (台账必须是普通文件)",
            ));
        }
    };
    let name = p
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
        .to_os_string();
    let folder = std::fs::canonicalize(crate::output::folder_of(&p))?;
    Ok(folder.join(name))
}

/// Refuses a ledger with more than one hard link: the rewrite would leave the other names
/// holding the old payments, and a run through one of them would pay again.
fn refuse_hard_links(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.nlink() > 1
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the ledger has {} hard links: a run through one name would not see what a run through another paid; keep one name (copy the file, remove the links) (台账文件有多个硬链接，请只保留一个文件名)",
                    m.nlink()
                ),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl Ledger {
    /// Opens the ledger at `path` (a missing file is an empty ledger). With `write`, first
    /// takes the exclusive lock, waiting for another run that holds it; `waiting` is called
    /// once if it has to wait. Every line is checked: a ledger with any problem is refused
    /// (the error names the lines, in `lang`).
    pub fn open(
        path: &Path,
        write: bool,
        lang: Lang,
        waiting: impl FnOnce(),
    ) -> Result<Ledger, LedgerError> {
        let io_err = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        let real = real_path(path).map_err(io_err)?;
        let lock = if write {
            let f = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(lock_path(&real))
                .map_err(io_err)?;
            match f.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    waiting();
                    f.lock().map_err(io_err)?;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
            }
            Some(f)
        } else {
            None
        };
        refuse_hard_links(&real).map_err(io_err)?;
        let mut ledger = Ledger {
            path: real,
            lock,
            ids: Fingerprints::default(),
            paid: Fingerprints::default(),
            once: Fingerprints::default(),
            file: None,
            rows: 0,
        };
        let problems = ledger.read()?;
        if let Some(first) = problems.first() {
            return Err(LedgerError::Format {
                path: path.to_path_buf(),
                line: first.line,
                message: refusal(path, &problems, lang),
            });
        }
        Ok(ledger)
    }

    /// Checks the ledger at `path` without locking it: every problem, with its line (for
    /// `jiuzhu validate --ledger`). A missing file is an error.
    pub fn check(path: &Path) -> Result<(u64, Vec<LineProblem>), LedgerError> {
        let io_err = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        if !path.exists() {
            return Err(io_err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file (文件不存在)",
            )));
        }
        let mut ledger = Ledger {
            path: real_path(path).map_err(io_err)?,
            lock: None,
            ids: Fingerprints::default(),
            paid: Fingerprints::default(),
            once: Fingerprints::default(),
            file: None,
            rows: 0,
        };
        let problems = ledger.read()?;
        Ok((ledger.rows, problems))
    }

    /// Reads the ledger; returns the problems of its lines (none for a missing file).
    ///
    /// Repeated ids and repeated payments are found once the file is read, from the sorted
    /// fingerprints (equal fingerprints sit side by side; each pair is confirmed against the
    /// rows read back), so reading keeps no map besides the fingerprints themselves.
    fn read(&mut self) -> Result<Vec<LineProblem>, LedgerError> {
        let file = match File::open(&self.path) {
            Ok(f) => {
                // a second handle, to read rows back by offset
                if let Ok(f) = File::open(&self.path) {
                    self.file = Some(f);
                }
                f
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(LedgerError::Io {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        let mut problems = Vec::new();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(io::BufReader::with_capacity(1 << 16, file));
        let mut rec = csv::StringRecord::new();
        let mut line = 0u64;
        let mut seen_header = false;
        loop {
            match r.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let at = e.position().map(|p| p.line()).unwrap_or(line + 1);
                    problems.push(LineProblem {
                        line: at,
                        problem: Problem::Csv(e.to_string()),
                    });
                    // the reader cannot go on past a malformed record reliably
                    break;
                }
            }
            line = rec.position().map(|p| p.line()).unwrap_or(line + 1);
            if !seen_header {
                seen_header = true;
                let header: Vec<&str> = rec
                    .iter()
                    .map(|h| h.trim_start_matches('\u{feff}'))
                    .collect();
                if header.get(..COLUMNS.len()) != Some(COLUMNS) {
                    problems.push(LineProblem {
                        line,
                        problem: Problem::Header(header.join(",")),
                    });
                    break;
                }
                continue;
            }
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            match check_line(&rec) {
                Err(problem) => problems.push(LineProblem { line, problem }),
                Ok((id, month, household, item)) => {
                    let row = rec.position().map(|p| p.byte()).unwrap_or_default();
                    if once_only(&item) {
                        self.once.insert(once_fingerprint(&household, &item), row);
                    }
                    self.paid
                        .insert(key_fingerprint(&household, month, &item), row);
                    self.ids.insert(id_fingerprint(&id), row);
                    self.rows += 1;
                }
            }
        }
        self.ids.seal();
        self.paid.seal();
        self.once.seal();
        self.repeats(&mut problems);
        Ok(problems)
    }

    /// Finds repeated ids, then repeated payments (household, month and item) among rows whose
    /// id is not a repeat; each repeat is reported naming the first row with its value, and
    /// leaves the fingerprints, as if it had not been read.
    fn repeats(&mut self, problems: &mut Vec<LineProblem>) {
        // (offset of the repeat, offset of the first), for ids then for payments
        let same_id = |a: &Row, b: &Row| a.id == b.id;
        let id_repeats = self.ids.repeats(&self.file, &[], same_id);
        let same_payment =
            |a: &Row, b: &Row| (a.month, &a.household, &a.item) == (b.month, &b.household, &b.item);
        let skip: Vec<u64> = id_repeats.iter().map(|r| r.0).collect();
        let payment_repeats = self.paid.repeats(&self.file, &skip, same_payment);
        if id_repeats.is_empty() && payment_repeats.is_empty() {
            return;
        }
        let mut gone: Vec<u64> = id_repeats
            .iter()
            .chain(&payment_repeats)
            .map(|r| r.0)
            .collect();
        gone.sort_unstable();
        gone.dedup();
        for set in [&mut self.ids, &mut self.paid, &mut self.once] {
            set.entries.retain(|e| gone.binary_search(&e.1).is_err());
        }
        self.rows -= gone.len() as u64;
        // the lines of the rows named, from one more pass (only a ledger with repeats)
        let mut wanted: Vec<u64> = id_repeats
            .iter()
            .chain(&payment_repeats)
            .flat_map(|r| [r.0, r.1])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let lines = self.lines_at(&wanted);
        let line_of = |offset: u64| {
            wanted
                .binary_search(&offset)
                .ok()
                .and_then(|i| lines.get(i).copied())
                .unwrap_or_default()
        };
        for (at, first) in &id_repeats {
            if let Some(row) = self.row(*at) {
                problems.push(LineProblem {
                    line: line_of(*at),
                    problem: Problem::DuplicateId {
                        id: row.id,
                        first: line_of(*first),
                    },
                });
            }
        }
        for (at, first) in &payment_repeats {
            problems.push(LineProblem {
                line: line_of(*at),
                problem: Problem::DuplicatePayment {
                    first: line_of(*first),
                },
            });
        }
        problems.sort_by_key(|p| p.line);
    }

    /// The line numbers of the rows at `offsets` (sorted), by reading the file once more.
    fn lines_at(&self, offsets: &[u64]) -> Vec<u64> {
        let mut lines = vec![0; offsets.len()];
        let Ok(file) = File::open(&self.path) else {
            return lines;
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(io::BufReader::with_capacity(1 << 16, file));
        let mut rec = csv::StringRecord::new();
        while let Ok(true) = r.read_record(&mut rec) {
            if let Some(p) = rec.position()
                && let Ok(i) = offsets.binary_search(&p.byte())
            {
                lines[i] = p.line();
            }
        }
        lines
    }

    /// The ledger's row at byte `offset` read back: its id, month, household and item.
    fn row(&self, offset: u64) -> Option<Row> {
        read_row(self.file.as_ref()?, offset)
    }

    /// The ledger's real path (links resolved).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Payments recorded.
    pub fn len(&self) -> u64 {
        self.rows
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Whether a payment is already recorded: the same id, or the same household, month and
    /// item, or, for an item paid once (`one_off:*`, `temporary:*`), the same item for the
    /// same household in any month.
    ///
    /// Each recorded payment costs 32 bytes of memory here (48 for a once-only item): its id,
    /// its household, month and item, and for a once-only item its household and item, each
    /// as an 8-byte fingerprint with the 8-byte offset of its row in the file; a hit is
    /// confirmed against the full value read back from the ledger (one positioned read on the
    /// handle kept open).
    pub fn is_paid(&self, payment_id: &str, household_id: &str, month: Month, item: &str) -> bool {
        if self.rows == 0 {
            return false;
        }
        self.ids
            .rows(id_fingerprint(payment_id))
            .any(|r| self.row(r).is_some_and(|r| r.id == payment_id))
            || self
                .paid
                .rows(key_fingerprint(household_id, month, item))
                .any(|r| {
                    self.row(r).is_some_and(|r| {
                        r.month == month && r.household == household_id && r.item == item
                    })
                })
            || (once_only(item)
                && self
                    .once
                    .rows(once_fingerprint(household_id, item))
                    .any(|r| {
                        self.row(r)
                            .is_some_and(|r| r.household == household_id && r.item == item)
                    }))
    }

    /// Adds `entries` to the ledger, atomically, and releases the lock. Needs a ledger opened
    /// for writing. The ledger on disk is either as it was or holds every new entry.
    pub fn append(self, entries: &[Entry]) -> Result<(), LedgerError> {
        self.prepare(entries)?.commit()
    }

    /// Writes the ledger with `entries` added to a temporary file beside it, synced to disk,
    /// without replacing the ledger yet: [`Prepared::commit`] does. A failure (a full disk)
    /// leaves the ledger as it was. Needs a ledger opened for writing.
    pub fn prepare(self, entries: &[Entry]) -> Result<Prepared, LedgerError> {
        self.prepare_from(entries.len(), &mut entries.iter().cloned().map(Ok))
    }

    /// [`Ledger::prepare`] from `count` entries read as they come (from a schedule kept on
    /// disk): the new ledger is written as they are read, never held in memory. An error
    /// reading an entry leaves the ledger as it was.
    pub fn prepare_from(
        self,
        count: usize,
        entries: &mut dyn Iterator<Item = io::Result<Entry>>,
    ) -> Result<Prepared, LedgerError> {
        let io_err = |source| LedgerError::Io {
            path: self.path.clone(),
            source,
        };
        if self.lock.is_none() {
            return Err(io_err(io::Error::other(
                "the ledger was opened read-only (--dry-run)",
            )));
        }
        // A run that pays nothing still leaves a ledger (with its header) behind, so that the
        // file named by --ledger always exists after a run.
        if count == 0 && self.path.exists() {
            return Ok(Prepared {
                ledger: self,
                tmp: None,
            });
        }
        let dir = crate::output::folder_of(&self.path);
        let tmp = crate::output::temp_file_in(&dir, "ledger-").map_err(io_err)?;
        let mut w = BufWriter::with_capacity(1 << 16, tmp);
        let old_perms = std::fs::metadata(&self.path).map(|m| m.permissions());
        let has_old = match File::open(&self.path) {
            Ok(mut old) => io::copy(&mut old, &mut w).map_err(io_err)? > 0,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_err(e)),
        };
        let mut csv = crate::output::csv_writer(&mut w);
        if !has_old {
            csv.write_record(COLUMNS).map_err(|e| io_err(e.into()))?;
        }
        for (i, e) in entries.enumerate() {
            let e = e.map_err(io_err)?;
            if i == count / 2 && fault("ledger-mid-write") {
                let _ = csv.flush();
                drop(csv);
                let _ = w.write_all(e.payment_id.as_bytes());
                let _ = w.flush();
                let _ = w.get_ref().as_file().sync_all();
                simulate_kill();
            }
            csv.write_record([
                e.payment_id.as_str(),
                &e.pay_month.to_string(),
                &e.household_id,
                &e.item,
                &e.amount,
                &e.recorded_at,
                &e.policy_sha256,
            ])
            .map_err(|e| io_err(e.into()))?;
        }
        csv.flush().map_err(io_err)?;
        drop(csv);
        if fault("ledger-full") {
            return Err(io_err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device (simulated)",
            )));
        }
        let tmp = w.into_inner().map_err(|e| io_err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(io_err)?;
        // The ledger keeps its permissions; a new one gets the usual 0644.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = old_perms.unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
            tmp.as_file().set_permissions(perms).map_err(io_err)?;
        }
        #[cfg(not(unix))]
        let _ = old_perms;
        Ok(Prepared {
            ledger: self,
            tmp: Some(tmp),
        })
    }
}

/// A ledger with its new rows written beside it, not yet in place; dropping it leaves the
/// ledger as it was (and releases the lock).
pub struct Prepared {
    ledger: Ledger,
    tmp: Option<tempfile::NamedTempFile>,
}

impl Prepared {
    /// Renames the new ledger into place and releases the lock.
    pub fn commit(mut self) -> Result<(), LedgerError> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        let path = self.ledger.path.clone();
        crate::output::commit::persist_temp(tmp, &path).map_err(|source| LedgerError::Io {
            path: path.clone(),
            source,
        })?;
        crate::output::sync_dir(&crate::output::folder_of(&path));
        // Dropping the ledger releases the lock, after the new ledger is in place.
        Ok(())
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if let Some(t) = &self.tmp {
            crate::output::commit::forget_temp(t.path());
        }
    }
}

/// Stops the process as a kill would (the fault `ledger-mid-write`): by SIGTERM where there
/// are signals, so the run's cleanup of its temporary files is exercised too.
#[cfg(debug_assertions)]
fn simulate_kill() -> ! {
    #[cfg(unix)]
    {
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTERM);
        // the signal thread removes the temporary files and ends the process
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    #[cfg(not(unix))]
    std::process::abort()
}

#[cfg(not(debug_assertions))]
fn simulate_kill() -> ! {
    std::process::abort()
}

/// The refusal of a ledger with problems: up to five lines named, then a count.
fn refusal(path: &Path, problems: &[LineProblem], lang: Lang) -> String {
    let shown: Vec<String> = problems
        .iter()
        .take(5)
        .map(|p| match lang {
            Lang::Zh => format!("第 {} 行：{}", p.line, p.problem.describe(lang)),
            Lang::En => format!("line {}: {}", p.line, p.problem.describe(lang)),
        })
        .collect();
    let more = problems.len().saturating_sub(shown.len());
    match lang {
        Lang::Zh => format!(
            "台账 {} 有 {} 处问题，未作任何发放（用 jiuzhu validate --ledger 查看全部）：{}{}",
            path.display(),
            problems.len(),
            shown.join("；"),
            if more > 0 {
                format!("；另有 {more} 处")
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "ledger {}: {} problem(s), nothing was paid (jiuzhu validate --ledger lists them all): {}{}",
            path.display(),
            problems.len(),
            shown.join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        ),
    }
}

/// Checks one ledger line: its id, month, household, item and amount.
fn check_line(rec: &csv::StringRecord) -> Result<(String, Month, String, String), Problem> {
    let field = |i: usize| rec.get(i).unwrap_or("").trim();
    for (i, col) in COLUMNS.iter().enumerate().take(5) {
        if field(i).is_empty() {
            return Err(Problem::Empty(col));
        }
    }
    let (id, month, household, item, amount) = (field(0), field(1), field(2), field(3), field(4));
    let b = month.as_bytes();
    let month_ok = b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit());
    let month: Month = match month.parse() {
        Ok(m) if month_ok => m,
        _ => return Err(Problem::Month(month.to_string())),
    };
    let known = ITEMS.contains(&item)
        || item.strip_prefix("one_off:").is_some_and(|s| !s.is_empty())
        || item.strip_prefix("temporary:").is_some_and(|k| {
            crate::rules::temporary::Kind::ALL
                .iter()
                .any(|kind| kind.name() == k)
        });
    if !known {
        return Err(Problem::Item(item.to_string()));
    }
    if !is_amount(amount) {
        return Err(Problem::Amount(amount.to_string()));
    }
    check_id(id)?;
    let legacy = legacy_payment_id(household, month, item);
    if id != legacy && id.strip_prefix('P') != Some(legacy.as_str()) {
        return Err(Problem::IdMismatch {
            id: id.to_string(),
            expected: payment_id(household, month, item),
        });
    }
    Ok((
        id.to_string(),
        month,
        household.to_string(),
        item.to_string(),
    ))
}

/// An amount in yuan: digits, then at most two decimals (`500`, `500.5`, `500.00`).
fn is_amount(s: &str) -> bool {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    !whole.is_empty()
        && whole.len() <= 13
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (frac.is_empty() != s.contains('.'))
}

/// The form of a payment id: `P` + 16 lower-case hex digits, or the 16 digits alone (older
/// ledgers).
fn check_id(id: &str) -> Result<(), Problem> {
    let hex = id.strip_prefix('P').unwrap_or(id);
    let lower_hex =
        |s: &str| s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if lower_hex(hex) {
        return Ok(());
    }
    let numeric = |s: &str| {
        let u = s.to_ascii_uppercase();
        !u.is_empty()
            && u.bytes().any(|b| b.is_ascii_digit())
            && u.bytes()
                .all(|b| b.is_ascii_digit() || b"+-.E,".contains(&b))
    };
    if numeric(id) {
        return Err(Problem::ExcelId(id.to_string()));
    }
    let hex_lower = hex.to_ascii_lowercase();
    if lower_hex(&hex_lower) {
        return Err(Problem::UpperId(id.to_string()));
    }
    Err(Problem::BadId(id.to_string()))
}

/// Whether an item is paid once per household whatever the month.
pub fn once_only(item: &str) -> bool {
    item.starts_with("one_off:") || item.starts_with("temporary:")
}

/// The sidecar lock file of a ledger (give it the real path: [`Ledger::path`]).
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn may() -> Month {
        "2022-06".parse().unwrap()
    }

    fn entry(household: &str, item: &str) -> Entry {
        Entry {
            payment_id: payment_id(household, may(), item),
            pay_month: may(),
            household_id: household.into(),
            item: item.into(),
            amount: "500.00".into(),
            recorded_at: "2022-06-01T00:00:00+08:00".into(),
            policy_sha256: "x".into(),
        }
    }

    fn open(path: &Path) -> Result<Ledger, LedgerError> {
        Ledger::open(path, true, Lang::En, || {})
    }

    fn line(e: &Entry) -> String {
        format!(
            "{},{},{},{},{},{},{}\n",
            e.payment_id,
            e.pay_month,
            e.household_id,
            e.item,
            e.amount,
            e.recorded_at,
            e.policy_sha256
        )
    }

    fn ledger_text(lines: &[String]) -> String {
        format!("{}\n{}", COLUMNS.join(","), lines.concat())
    }

    #[test]
    fn a_row_read_back_by_offset_reads_as_the_csv_reader_reads_it() {
        let long = format!("H{}", "x".repeat(700));
        let rows = [
            "P0123456789abcdef,2022-05,H1,dibao,500.00,t,s\n".to_string(),
            "\"P0123456789abcdef\",2022-05,\"H,\"\"1\"\"\n2\",dibao,1,t,s\r\n".to_string(),
            format!("P0123456789abcdef,2022-05,{long},one_off:x,1,t,s\n"),
            " P0123456789abcdef , 2022-05 ,H\"q,dibao,1".to_string(),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, rows.concat()).unwrap();
        let file = File::open(&path).unwrap();
        let mut offset = 0u64;
        for text in &rows {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            let row = read_row(&file, offset).unwrap();
            assert_eq!(row.id, rec[0].trim(), "{text}");
            assert_eq!(row.month.to_string(), rec[1].trim(), "{text}");
            assert_eq!(row.household, rec[2].trim(), "{text}");
            assert_eq!(row.item, rec[3].trim(), "{text}");
            offset += text.len() as u64;
        }
        // past the end, or a row cut short, is no row
        assert!(read_row(&file, offset + 10).is_none());
        assert!(first_fields(b"P1,2022-05,H1", true).is_none());
    }

    #[test]
    fn payment_ids_are_the_sha256_of_the_household_month_and_item() {
        let reference = |h: &str, m: Month, item: &str| {
            let digest = Sha256::digest(format!("{h}|{m}|{item}").as_bytes());
            digest
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        for (h, m, item) in [
            ("H1", may(), "dibao"),
            ("620102-0001", "2022-12".parse().unwrap(), "one_off:spring"),
            ("户一", "1999-01".parse().unwrap(), "temporary:stranded"),
            ("", "2030-10".parse().unwrap(), "uplift"),
        ] {
            let want = reference(h, m, item);
            assert_eq!(legacy_payment_id(h, m, item), want);
            assert_eq!(payment_id(h, m, item), format!("P{want}"));
        }
        assert_eq!(payment_id("H1", may(), "dibao"), "P17b1defb6c5feff1");
    }

    #[test]
    fn a_fingerprint_hit_is_confirmed_against_the_full_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        open(&path)
            .unwrap()
            .append(&[entry("H1", "dibao"), entry("H1", "one_off:x")])
            .unwrap();
        let mut l = open(&path).unwrap();
        let id = payment_id("H1", may(), "dibao");
        assert!(l.is_paid(&id, "H9", may().plus(1), "uplift"));
        assert!(l.is_paid("zz", "H1", may(), "dibao"));
        assert!(l.is_paid("zz", "H1", may().plus(5), "one_off:x"));
        // Other values given the fingerprints of recorded rows, as a collision would: the
        // rows read back do not hold them, so they are not paid.
        let other = payment_id("H2", may(), "dibao");
        let (first, second) = (l.paid.entries[0].1, l.paid.entries[1].1);
        l.ids.insert(id_fingerprint(&other), first);
        l.ids.seal();
        l.paid
            .insert(key_fingerprint("H2", may().plus(1), "dibao"), second);
        l.paid.seal();
        l.once.insert(once_fingerprint("H2", "one_off:x"), second);
        l.once.seal();
        assert!(!l.is_paid(&other, "H3", may(), "dibao"));
        assert!(!l.is_paid("zz", "H2", may().plus(1), "dibao"));
        assert!(!l.is_paid("zz", "H2", may().plus(2), "one_off:x"));
    }

    #[test]
    fn appends_then_remembers_ids_and_once_only_items() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let l = open(&path).unwrap();
        assert!(l.is_empty());
        l.append(&[entry("H1", "dibao"), entry("H1", "temporary:stranded")])
            .unwrap();
        let l = open(&path).unwrap();
        assert_eq!(l.len(), 2);
        let id = payment_id("H1", may(), "dibao");
        assert!(l.is_paid(&id, "H1", may(), "dibao"));
        assert!(!l.is_paid("zz", "H1", may().plus(1), "dibao"));
        // a temporary item is paid once whatever the month (and so whatever its id)
        assert!(l.is_paid("zz", "H1", may().plus(3), "temporary:stranded"));
        assert!(!l.is_paid("zz", "H2", may(), "temporary:stranded"));
        l.append(&[entry("H2", "one_off:x")]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4, "one header, three rows:\n{text}");
        assert!(text.starts_with("payment_id,pay_month,household_id,item,amount"));
    }

    #[test]
    fn new_ids_are_never_all_digits_and_old_ids_still_read() {
        let id = payment_id("H1", may(), "dibao");
        assert!(id.starts_with('P') && id.len() == 17, "{id}");
        assert_eq!(&id[1..], legacy_payment_id("H1", may(), "dibao"));
        // a ledger written by the old format (16 hex digits) is read, and its payments count
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let mut old = entry("H1", "dibao");
        old.payment_id = legacy_payment_id("H1", may(), "dibao");
        std::fs::write(&path, ledger_text(&[line(&old)])).unwrap();
        let l = open(&path).unwrap();
        assert!(
            l.is_paid(&id, "H1", may(), "dibao"),
            "the new id of an old payment"
        );
    }

    #[test]
    fn the_household_month_and_item_is_a_paid_key_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        open(&path)
            .unwrap()
            .append(&[entry("H1", "dibao")])
            .unwrap();
        let l = open(&path).unwrap();
        assert!(l.is_paid("Pffffffffffffffff", "H1", may(), "dibao"));
    }

    #[test]
    fn malformed_lines_are_refused_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let good = entry("H1", "dibao");
        let id_only = |id: &str| {
            let mut e = good.clone();
            e.payment_id = id.into();
            line(&e)
        };
        let cases: Vec<(String, &str)> = vec![
            (
                line(&good).replace("2022-06", "2022-1x"),
                "pay_month \"2022-1x\"",
            ),
            (line(&good).replace("500.00", "abc"), "amount \"abc\""),
            (line(&good).replace("500.00", "-5.00"), "amount \"-5.00\""),
            (line(&good).replace("500.00", "1e3"), "amount \"1e3\""),
            (line(&good).replace(",dibao,", ",bonus,"), "item \"bonus\""),
            (line(&good).replace(",H1,", ",,"), "household_id is empty"),
            (id_only(""), "payment_id is empty"),
            (id_only("1.5834E+14"), "spreadsheet rewrote"),
            (id_only("158340000000000"), "spreadsheet rewrote"),
            (id_only(&good.payment_id.to_uppercase()), "upper-case"),
            (id_only(&good.payment_id[1..].to_uppercase()), "upper-case"),
            (id_only("Pzz"), "malformed"),
            (id_only(&good.payment_id.replacen('P', "p", 1)), "malformed"),
            (id_only("é"), "malformed"),
            (id_only("P0123456789abcdef"), "not the id of this line"),
        ];
        for (bad, expect) in cases {
            std::fs::write(
                &path,
                ledger_text(&[line(&entry("H0", "dibao")), bad.clone()]),
            )
            .unwrap();
            let err = open(&path).unwrap_err().to_string();
            assert!(err.contains("line 3: "), "{bad}: {err}");
            assert!(err.contains(expect), "{bad}: {err}");
            assert!(err.contains("nothing was paid"), "{err}");
            let (_, problems) = Ledger::check(&path).unwrap();
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
        }
    }

    #[test]
    fn repeated_ids_and_repeated_payments_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let e = entry("H1", "dibao");
        std::fs::write(&path, ledger_text(&[line(&e), line(&e)])).unwrap();
        let err = open(&path).unwrap_err().to_string();
        assert!(
            err.contains("line 3: payment_id") && err.contains("repeats line 2"),
            "{err}"
        );
        // the same payment under its old and new id
        let mut old = e.clone();
        old.payment_id = legacy_payment_id("H1", may(), "dibao");
        std::fs::write(&path, ledger_text(&[line(&e), line(&old)])).unwrap();
        let err = Ledger::open(&path, false, Lang::Zh, || {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("第 3 行") && err.contains("第 2 行"), "{err}");
    }

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let first = open(&path).unwrap();
        let p2 = path.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            let l = Ledger::open(&p2, true, Lang::En, || tx.send(()).unwrap()).unwrap();
            l.is_paid("x", "H1", may(), "dibao")
        });
        // the second run says it waits once it finds the lock held: an event, not a guess
        rx.recv_timeout(std::time::Duration::from_secs(120))
            .expect("the second writer waits");
        first.append(&[entry("H1", "dibao")]).unwrap();
        assert!(handle.join().unwrap(), "it sees what the first paid");
    }

    #[cfg(unix)]
    #[test]
    fn links_reach_the_same_lock_and_hard_links_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        open(&path)
            .unwrap()
            .append(&[entry("H1", "dibao")])
            .unwrap();
        let sym = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&path, &sym).unwrap();
        let held = open(&path).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let s2 = sym.clone();
        let handle = std::thread::spawn(move || {
            let _l = Ledger::open(&s2, true, Lang::En, || tx.send(()).unwrap()).unwrap();
        });
        rx.recv_timeout(std::time::Duration::from_secs(120))
            .expect("the symlink waits for the same lock");
        drop(held);
        handle.join().unwrap();
        assert!(
            std::fs::symlink_metadata(&sym)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // a dangling link is resolved to where its file will be created
        let target = dir.path().join("new.csv");
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(&target, &dangling).unwrap();
        let l = open(&dangling).unwrap();
        assert_eq!(
            l.path(),
            std::fs::canonicalize(dir.path()).unwrap().join("new.csv")
        );
        l.append(&[entry("H1", "dibao")]).unwrap();
        assert!(target.is_file());
        assert!(
            std::fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // a hard link would split on the next rewrite: refused
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&path, &hard).unwrap();
        let err = open(&hard).unwrap_err().to_string();
        assert!(err.contains("hard links"), "{err}");
        assert!(open(&path).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_rewrite_keeps_the_ledgers_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        open(&path)
            .unwrap()
            .append(&[entry("H1", "dibao")])
            .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        open(&path)
            .unwrap()
            .append(&[entry("H2", "dibao")])
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn a_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        std::fs::write(&path, "id,amount\n1,2\n").unwrap();
        let err = Ledger::open(&path, false, Lang::En, || {}).unwrap_err();
        assert!(err.to_string().contains("header"), "{err}");
        std::fs::write(&path, format!("{}\n,2022-01,H,dibao\n", COLUMNS.join(","))).unwrap();
        assert!(Ledger::open(&path, false, Lang::En, || {}).is_err());
    }
}
