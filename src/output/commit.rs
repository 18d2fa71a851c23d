//! What every command does around its outputs, in one place:
//!
//! - [`refuse_same_files`]: no output may be the same file as an input (roster, members,
//!   index, policy, template, ledger) or as another output — compared by the file itself
//!   (device and inode, so symbolic and hard links are seen through), before anything is read
//!   or written;
//! - [`OutputGroup`]: the outputs of one run are committed together, only after every one of
//!   them is complete (a full disk, a missing folder or a device that refuses the bytes leaves
//!   no output committed);
//! - temporary files: every `.jiuzhu-*.tmp` the tool creates is registered, removed if the run
//!   is stopped by SIGINT, SIGTERM or SIGHUP, and stale ones (older than [`STALE_AFTER`]) of
//!   our own naming are removed next to an output when it is written.

use super::Output;
use crate::lang::Lang;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::Duration;

/// The name prefix of every temporary file the tool writes next to an output or the ledger.
pub const TEMP_PREFIX: &str = ".jiuzhu-";
/// The name suffix of those temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file of our naming older than this is left over from a run that was killed
/// (SIGKILL, a power cut): it is removed when an output is next written in its folder.
pub const STALE_AFTER: Duration = Duration::from_secs(3600);

/// The temporary files of this process not yet renamed into place.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static SIGNALS: Once = Once::new();

fn temps() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Creates a temporary file of our naming in `dir` (`.jiuzhu-<kind>….tmp`), registered so that
/// a run stopped by a signal removes it. The signal handler is set up first and the registry is
/// held while the file is created, so there is no moment when the file exists unregistered.
pub fn create_temp(dir: &Path, kind: &str) -> std::io::Result<tempfile::NamedTempFile> {
    SIGNALS.call_once(install_signal_cleanup);
    let mut held = temps();
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{kind}"))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    held.push(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Forgets a temporary file that was renamed into place or removed.
pub fn forget_temp(path: &Path) {
    temps().retain(|p| p != path);
}

/// Renames a registered temporary file over `path` with the registry held, so that a signal
/// arriving meanwhile waits for it: the file is either renamed whole or removed.
pub fn persist_temp(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    let mut held = temps();
    let tmp_path = tmp.path().to_path_buf();
    let r = tmp.persist(path).map(drop).map_err(|e| e.error);
    held.retain(|p| *p != tmp_path);
    r
}

/// Removes every registered temporary file (for the signal handler).
fn remove_temps(held: &mut Vec<PathBuf>) {
    for p in held.drain(..) {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(unix)]
fn install_signal_cleanup() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("jiuzhu-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Holding the registry until the process ends: a rename in progress finishes
                // first, and no new temporary file is registered after the cleanup.
                let mut held = temps();
                remove_temps(&mut held);
                let _ = signal_hook::low_level::emulate_default_handler(sig);
                std::process::exit(128 + sig);
            }
        });
}

#[cfg(not(unix))]
fn install_signal_cleanup() {}

/// Whether a file name is one of our temporary files.
pub fn is_our_temp(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Removes temporary files of our naming in `dir` last changed more than [`STALE_AFTER`] ago:
/// leftovers of runs killed outright. Files of other names, and recent ones (perhaps a run
/// in progress), are left alone; failures are ignored.
pub fn clean_stale(dir: &Path) {
    clean_stale_older_than(dir, STALE_AFTER);
}

fn clean_stale_older_than(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_str().is_some_and(is_our_temp) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|d| d >= age);
        if meta.is_file() && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// an existing file: its device and inode (every link to it has the same)
    #[cfg(unix)]
    Inode(u64, u64),
    /// a file that does not exist yet (or, off Unix, any file): where it is or would be
    Path(PathBuf),
}

/// The identity of a path, or `None` for stdin/stdout, devices, pipes and folders (written in
/// place or refused elsewhere, never replaced).
fn identity(path: &Path) -> Option<Identity> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => None,
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::MetadataExt;
            Some(Identity::Inode(m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        Ok(_) => std::fs::canonicalize(path).ok().map(Identity::Path),
        Err(_) => {
            // Not there yet, or a link to nothing: the file a write would create.
            let target = match std::fs::read_link(path) {
                Ok(t) if t.is_relative() => super::folder_of(path).join(t),
                Ok(t) => t,
                Err(_) => path.to_path_buf(),
            };
            let name = target.file_name()?;
            let folder = std::fs::canonicalize(super::folder_of(&target)).ok()?;
            Some(Identity::Path(folder.join(name)))
        }
    }
}

/// One file of a run: what it is (`-o`, `--ledger`, `roster` …) and its path as given.
pub type Named<'a> = (&'a str, &'a str);

/// Refuses a run whose outputs include a file that is also one of its inputs, or two outputs
/// that are one file: the same device and inode, so a symbolic link, a hard link or another
/// spelling of the path is seen through. `-` (stdin, stdout) and devices are not files and
/// are not compared. Called by every command that writes, before it reads or writes anything.
pub fn refuse_same_files(inputs: &[Named], outputs: &[Named], lang: Lang) -> Result<()> {
    let ids = |files: &[Named]| -> Vec<Option<Identity>> {
        files
            .iter()
            .map(|(_, p)| {
                if p.is_empty() || *p == "-" {
                    None
                } else {
                    identity(Path::new(p))
                }
            })
            .collect()
    };
    let in_ids = ids(inputs);
    let out_ids = ids(outputs);
    for (i, (o_what, o_path)) in outputs.iter().enumerate() {
        let Some(o) = &out_ids[i] else { continue };
        for (j, (what, path)) in inputs.iter().enumerate() {
            if in_ids[j].as_ref() == Some(o) {
                match lang {
                    Lang::Zh => bail!(
                        "{o_what} {o_path} 与 {what} {path} 是同一个文件：输出会覆盖输入，未读取也未写出任何文件，请换一个输出文件名"
                    ),
                    Lang::En => bail!(
                        "{o_what} {o_path} is the same file as {what} {path}: the output would overwrite an input; nothing was read or written, name another output file"
                    ),
                }
            }
        }
        for (j, (what, path)) in outputs.iter().enumerate().take(i) {
            if out_ids[j].as_ref() == Some(o) {
                match lang {
                    Lang::Zh => bail!(
                        "{o_what} {o_path} 与 {what} {path} 是同一个文件：两个输出会互相覆盖，未写出任何文件，请分别命名"
                    ),
                    Lang::En => bail!(
                        "{o_what} {o_path} is the same file as {what} {path}: one output would replace the other; nothing was written, give them different names"
                    ),
                }
            }
        }
    }
    Ok(())
}

/// The outputs of one run, committed together: each is written to its temporary file (or
/// streamed to stdout or a device) first, and only when every one of them is complete —
/// flushed and synced without an error — are the files renamed into place. An error before
/// that drops them all: no output of the run is committed.
pub struct OutputGroup {
    outputs: Vec<Output>,
    lang: Lang,
}

impl OutputGroup {
    /// An empty group; messages in `lang`.
    pub fn new(lang: Lang) -> OutputGroup {
        OutputGroup {
            outputs: Vec::new(),
            lang,
        }
    }

    /// Adds an output; returns it, to write into.
    pub fn push(&mut self, out: Output) -> &mut Output {
        self.outputs.push(out);
        let last = self.outputs.len() - 1;
        &mut self.outputs[last]
    }

    /// The output added `i`-th.
    pub fn get(&mut self, i: usize) -> &mut Output {
        &mut self.outputs[i]
    }

    /// Finishes every output (flush, sync), then renames every file into place. Returns the
    /// files written, as named. On an error nothing is renamed and every temporary file is
    /// removed; the message says so.
    pub fn commit(mut self) -> Result<Vec<String>> {
        let lang = self.lang;
        for out in &mut self.outputs {
            if let Err(e) = out.prepare() {
                // a file's error names it already
                let e = match out.path() {
                    Some(_) => e.to_string(),
                    None => format!("{}: {e}", out.display_name(lang)),
                };
                match lang {
                    Lang::Zh => bail!("{e}；本次运行的输出文件均未写出"),
                    Lang::En => bail!("{e}; none of this run's output files was written"),
                }
            }
        }
        let mut written = Vec::new();
        let mut outputs = std::mem::take(&mut self.outputs).into_iter();
        while let Some(out) = outputs.next() {
            let name = out.path().map(|p| p.display().to_string());
            if let Err(e) = out.persist() {
                let done = if written.is_empty() {
                    lang.pick("无", "none").to_string()
                } else {
                    written.join(", ")
                };
                let left: Vec<String> = name
                    .iter()
                    .cloned()
                    .chain(outputs.filter_map(|o| o.path().map(|p| p.display().to_string())))
                    .collect();
                match lang {
                    Lang::Zh => bail!(
                        "无法写出 {}：{e}；已写出：{done}；未写出：{}",
                        name.unwrap_or_default(),
                        left.join(", ")
                    ),
                    Lang::En => bail!(
                        "cannot write {}: {e}; written: {done}; NOT written: {}",
                        name.unwrap_or_default(),
                        left.join(", ")
                    ),
                }
            }
            written.extend(name);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_spellings_of_one_file_are_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let roster = dir.path().join("r.csv");
        std::fs::write(&roster, "x").unwrap();
        let r = roster.to_str().unwrap();
        let dotted = dir.path().join(".").join("r.csv");
        let fresh = dir.path().join("new.csv");
        let fresh2 = dir.path().join(".").join("new.csv");
        let inputs = [("roster", r)];
        assert!(refuse_same_files(&inputs, &[("-o", dotted.to_str().unwrap())], Lang::En).is_err());
        assert!(refuse_same_files(&inputs, &[("-o", fresh.to_str().unwrap())], Lang::En).is_ok());
        assert!(refuse_same_files(&inputs, &[("-o", "-")], Lang::En).is_ok());
        let two = [
            ("-o", fresh.to_str().unwrap()),
            ("--bank-out", fresh2.to_str().unwrap()),
        ];
        let err = refuse_same_files(&inputs, &two, Lang::En).unwrap_err();
        assert!(err.to_string().contains("--bank-out"), "{err}");
        #[cfg(unix)]
        {
            let hard = dir.path().join("hard.csv");
            std::fs::hard_link(&roster, &hard).unwrap();
            let sym = dir.path().join("sym.csv");
            std::os::unix::fs::symlink(&roster, &sym).unwrap();
            for o in [&hard, &sym] {
                let err = refuse_same_files(&inputs, &[("-o", o.to_str().unwrap())], Lang::Zh)
                    .unwrap_err();
                assert!(err.to_string().contains("同一个文件"), "{err}");
            }
            // a link to nothing is where the output would be created
            let dangling = dir.path().join("dangling.csv");
            std::os::unix::fs::symlink(&fresh, &dangling).unwrap();
            let two = [
                ("-o", fresh.to_str().unwrap()),
                ("--totals", dangling.to_str().unwrap()),
            ];
            assert!(refuse_same_files(&[], &two, Lang::En).is_err());
            // devices are written in place and never compared
            let null = [("-o", "/dev/null"), ("--bank-out", "/dev/null")];
            assert!(refuse_same_files(&[], &null, Lang::En).is_ok());
        }
    }

    #[test]
    fn only_old_temporaries_of_our_naming_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            ".jiuzhu-abc.tmp",
            ".jiuzhu-ledger-x.tmp",
            "keep.tmp",
            ".jiuzhu-keep.csv",
        ] {
            std::fs::write(dir.path().join(n), "x").unwrap();
        }
        clean_stale(dir.path());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            4,
            "recent: kept"
        );
        clean_stale_older_than(dir.path(), Duration::ZERO);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".jiuzhu-keep.csv", "keep.tmp"]);
    }
}
