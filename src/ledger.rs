//! The payment ledger (发放台账): the payments already made, so that a payout run never pays
//! the same one twice.
//!
//! Design (docs/payouts.md explains the choice): a CSV file a person can open and audit, one
//! row per payment, guarded by an exclusive lock on a sidecar file `<ledger>.lock` and only
//! ever replaced whole:
//! - a run that will write takes the lock before it reads the ledger and keeps it until its
//!   new rows are in, so two runs on one ledger take turns and the second sees what the first
//!   paid;
//! - new rows are added by writing the old contents plus the new rows to a temporary file in
//!   the same folder, syncing it to disk, and renaming it over the ledger (then syncing the
//!   folder): a run killed at any point leaves either the old ledger or the new one, never a
//!   half-written row;
//! - the lock is on the sidecar, not the ledger itself, because the rename replaces the
//!   ledger's file: a lock on the old file would not stop a run that opens the new one. The
//!   operating system drops the lock when a process dies, so a killed run never blocks the
//!   next.

use crate::month::Month;
use std::collections::HashSet;
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

/// Environment variable naming a simulated fault, for the tests of the failure cases:
/// `ledger-mid-write` makes [`Ledger::append`] stop the process (as a kill would) after writing
/// half of the new rows to its temporary file.
pub const FAULT_ENV: &str = "JIUZHU_FAULT";

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
    /// The file is not a ledger this tool wrote.
    #[error("ledger {path}, line {line}: {message} (台账文件格式不符，未作任何发放)")]
    Format {
        /// the ledger
        path: PathBuf,
        /// line number
        line: u64,
        /// what is wrong
        message: String,
    },
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
    ids: HashSet<String>,
    once: HashSet<(String, String)>,
    rows: u64,
}

impl Ledger {
    /// Opens the ledger at `path` (a missing file is an empty ledger). With `write`, first
    /// takes the exclusive lock, waiting for another run that holds it; `waiting` is called
    /// once if it has to wait.
    pub fn open(path: &Path, write: bool, waiting: impl FnOnce()) -> Result<Ledger, LedgerError> {
        let io_err = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        // A link is followed (the lock and the rename act on the file it points to); a device
        // or pipe cannot hold a ledger, and renaming over it would replace it.
        let path = &match crate::output::placement(path).map_err(io_err)? {
            crate::output::Placement::Replace(p) => p,
            crate::output::Placement::InPlace => {
                return Err(io_err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a ledger must be a plain file, not a device or pipe (台账必须是普通文件)",
                )));
            }
        };
        let lock = if write {
            let f = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(lock_path(path))
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
        let mut ledger = Ledger {
            path: path.to_path_buf(),
            lock,
            ids: HashSet::new(),
            once: HashSet::new(),
            rows: 0,
        };
        ledger.read()?;
        Ok(ledger)
    }

    fn read(&mut self) -> Result<(), LedgerError> {
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(source) => {
                return Err(LedgerError::Io {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        let bad = |line: u64, message: String| LedgerError::Format {
            path: self.path.clone(),
            line,
            message,
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(io::BufReader::new(file));
        let mut rec = csv::StringRecord::new();
        let mut line = 0u64;
        let mut seen_header = false;
        loop {
            match r.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let at = e.position().map(|p| p.line()).unwrap_or(line + 1);
                    return Err(bad(at, e.to_string()));
                }
            }
            line = rec.position().map(|p| p.line()).unwrap_or(line + 1);
            if !seen_header {
                seen_header = true;
                let header: Vec<&str> = rec.iter().collect();
                if header.get(..COLUMNS.len()) != Some(COLUMNS) {
                    return Err(bad(
                        line,
                        format!(
                            "the header must start with {} (found {})",
                            COLUMNS.join(","),
                            header.join(",")
                        ),
                    ));
                }
                continue;
            }
            let id = rec.get(0).unwrap_or("").trim();
            let household = rec.get(2).unwrap_or("").trim();
            let item = rec.get(3).unwrap_or("").trim();
            if id.is_empty() || household.is_empty() || item.is_empty() {
                return Err(bad(
                    line,
                    "a row without payment_id, household_id or item".into(),
                ));
            }
            self.ids.insert(id.to_string());
            if once_only(item) {
                self.once.insert((household.to_string(), item.to_string()));
            }
            self.rows += 1;
        }
        Ok(())
    }

    /// The ledger's path.
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

    /// Whether a payment is already recorded: the same id, or, for an item paid once
    /// (`one_off:*`, `temporary:*`), the same item for the same household in any month.
    pub fn is_paid(&self, payment_id: &str, household_id: &str, item: &str) -> bool {
        self.ids.contains(payment_id)
            || (once_only(item)
                && self
                    .once
                    .contains(&(household_id.to_string(), item.to_string())))
    }

    /// Adds `entries` to the ledger, atomically, and releases the lock. Needs a ledger opened
    /// for writing. The ledger on disk is either as it was or holds every new entry.
    pub fn append(self, entries: &[Entry]) -> Result<(), LedgerError> {
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
        if entries.is_empty() && self.path.exists() {
            return Ok(());
        }
        let dir = crate::output::folder_of(&self.path);
        let tmp = tempfile::Builder::new()
            .prefix(".jiuzhu-ledger-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(io_err)?;
        let mut w = BufWriter::with_capacity(1 << 16, tmp);
        let has_old = match File::open(&self.path) {
            Ok(mut old) => io::copy(&mut old, &mut w).map_err(io_err)? > 0,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_err(e)),
        };
        let mut csv = crate::output::csv_writer(Vec::with_capacity(entries.len() * 120));
        if !has_old {
            csv.write_record(COLUMNS).map_err(|e| io_err(e.into()))?;
        }
        let fault = std::env::var(FAULT_ENV).ok();
        for (i, e) in entries.iter().enumerate() {
            if fault.as_deref() == Some("ledger-mid-write") && i == entries.len() / 2 {
                let bytes = csv.into_inner().map_err(|e| io_err(e.into_error()))?;
                let _ = w.write_all(&bytes[..bytes.len() / 2 + 1]);
                let _ = w.flush();
                let _ = w.get_ref().as_file().sync_all();
                std::process::abort();
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
        let bytes = csv.into_inner().map_err(|e| io_err(e.into_error()))?;
        w.write_all(&bytes).map_err(io_err)?;
        let tmp = w.into_inner().map_err(|e| io_err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(io_err)?;
        tmp.persist(&self.path).map_err(|e| io_err(e.error))?;
        sync_dir(&dir);
        // Dropping `self` releases the lock, after the new ledger is in place.
        Ok(())
    }
}

/// Whether an item is paid once per household whatever the month.
pub fn once_only(item: &str) -> bool {
    item.starts_with("one_off:") || item.starts_with("temporary:")
}

/// The sidecar lock file of a ledger.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Makes a rename durable: syncs the folder's entry (no-op where folders cannot be opened).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, household: &str, item: &str) -> Entry {
        Entry {
            payment_id: id.into(),
            pay_month: "2022-06".parse().unwrap(),
            household_id: household.into(),
            item: item.into(),
            amount: "500.00".into(),
            recorded_at: "2022-06-01T00:00:00+08:00".into(),
            policy_sha256: "x".into(),
        }
    }

    #[test]
    fn appends_then_remembers_ids_and_once_only_items() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let l = Ledger::open(&path, true, || {}).unwrap();
        assert!(l.is_empty());
        l.append(&[
            entry("a1", "H1", "dibao"),
            entry("b2", "H1", "temporary:stranded"),
        ])
        .unwrap();
        let l = Ledger::open(&path, true, || {}).unwrap();
        assert_eq!(l.len(), 2);
        assert!(l.is_paid("a1", "H1", "dibao"));
        assert!(!l.is_paid("zz", "H1", "dibao"));
        // a temporary item is paid once whatever the month (and so whatever its id)
        assert!(l.is_paid("zz", "H1", "temporary:stranded"));
        assert!(!l.is_paid("zz", "H2", "temporary:stranded"));
        l.append(&[entry("c3", "H2", "one_off:x")]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4, "one header, three rows:\n{text}");
        assert!(text.starts_with("payment_id,pay_month,household_id,item,amount"));
    }

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        let first = Ledger::open(&path, true, || {}).unwrap();
        let p2 = path.clone();
        let handle = std::thread::spawn(move || {
            let mut waited = false;
            let l = Ledger::open(&p2, true, || waited = true).unwrap();
            (waited, l.is_paid("a1", "H1", "dibao"))
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        first.append(&[entry("a1", "H1", "dibao")]).unwrap();
        let (waited, saw_first) = handle.join().unwrap();
        assert!(waited && saw_first);
    }

    #[test]
    fn a_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paid.csv");
        std::fs::write(&path, "id,amount\n1,2\n").unwrap();
        let err = Ledger::open(&path, false, || {}).unwrap_err();
        assert!(err.to_string().contains("header"), "{err}");
        std::fs::write(&path, format!("{}\n,2022-01,H,dibao\n", COLUMNS.join(","))).unwrap();
        assert!(Ledger::open(&path, false, || {}).is_err());
    }
}
