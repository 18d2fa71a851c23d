//! A temporary working folder with files in it, and the real `jiuzhu` binary run inside it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder, removed when dropped.
pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What a run of the binary gave.
pub struct Run {
    /// exit code
    pub code: i32,
    /// stdout as text
    pub stdout: String,
    /// stderr as text
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// The stdout parsed as CSV rows (header first).
    pub fn csv(&self) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(self.stdout.as_bytes())
            .records()
            .map(|r| r.expect("csv").iter().map(str::to_string).collect())
            .collect()
    }

    /// The stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Workdir {
    /// A new empty folder.
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A folder with the bundled Lanzhou 2022 policy as `policy.toml` and the example roster
    /// as `roster.csv`, the inputs most end-to-end cases start from.
    pub fn bundled() -> Workdir {
        let w = Workdir::new();
        w.copy_repo_file("policies/lanzhou-2022.toml", "policy.toml");
        w.copy_repo_file("examples/roster.csv", "roster.csv");
        w
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> &Workdir {
        let p = self.file(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, contents).expect("write");
        self
    }

    /// Copies a file of the repository (e.g. `policies/lanzhou-2022.toml`) in under `name`.
    pub fn copy_repo_file(&self, repo_path: &str, name: &str) -> &Workdir {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(repo_path);
        std::fs::copy(src, self.file(name)).expect("copy");
        self
    }

    /// Reads a file as text.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).expect("read")
    }

    /// Runs `jiuzhu` with `args` in the folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    /// Runs `jiuzhu check -p POLICY ROSTER --month MONTH` with `extra` arguments after them.
    pub fn check(&self, policy: &str, roster: &str, month: &str, extra: &[&str]) -> Run {
        let mut args = vec!["check", "-p", policy, roster, "--month", month];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Runs `jiuzhu` with `args` and `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        use std::io::Write;
        use std::process::Stdio;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jiuzhu"));
        cmd.args(args)
            .current_dir(self.path())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn jiuzhu");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input)
                .expect("write stdin");
        }
        Run::from(child.wait_with_output().expect("wait"))
    }
}
