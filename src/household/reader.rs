//! Opening a roster and streaming its records: the file (or stdin), its encoding, its header
//! row. Records come out one at a time into a reused buffer, so memory does not grow with the
//! file.

use super::columns::HeaderMap;
use csv::StringRecord;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};

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
}

/// Options for reading rosters.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// local header aliases (policy `[aliases]` plus `--alias`)
    pub aliases: BTreeMap<String, String>,
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
    fn next_record(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, InputError>;
}

/// A CSV roster.
pub struct CsvSource {
    name: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    map: HeaderMap,
    headers: Vec<String>,
}

impl CsvSource {
    /// Opens `path` (`-` is stdin) and reads its header row.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<CsvSource, InputError> {
        let input: Box<dyn Read + Send> = if path == "-" {
            Box::new(io::stdin())
        } else {
            let f = File::open(path).map_err(|source| InputError::Io {
                path: path.to_string(),
                source,
            })?;
            Box::new(BufReader::with_capacity(1 << 16, f))
        };
        CsvSource::from_reader(path, input, opts)
    }

    /// Reads CSV from any reader (UTF-8, a leading BOM is skipped).
    pub fn from_reader(
        name: &str,
        input: Box<dyn Read + Send>,
        opts: &ReadOptions,
    ) -> Result<CsvSource, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(input);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| broken(name, &e))?
            .iter()
            .map(str::to_string)
            .collect();
        let map = HeaderMap::from_headers(headers.iter().map(String::as_str), &opts.aliases)
            .map_err(|message| InputError::Header {
                path: name.to_string(),
                message,
            })?;
        Ok(CsvSource {
            name: name.to_string(),
            reader,
            map,
            headers,
        })
    }
}

fn broken(name: &str, e: &csv::Error) -> InputError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the file is not valid UTF-8 here: save it as \"CSV UTF-8\" (文件编码无法识别：请另存为“CSV UTF-8”格式)".to_string()
        }
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    InputError::Broken {
        path: name.to_string(),
        line,
        message,
    }
}

impl RecordSource for CsvSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn header_map(&self) -> &HeaderMap {
        &self.map
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_record(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, InputError> {
        loop {
            match self.reader.read_record(rec) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    // Blank lines between records are not households.
                    if rec.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    return Ok(Some(rec.position().map(|p| p.line()).unwrap_or(0)));
                }
                Err(e) => return Err(broken(&self.name, &e)),
            }
        }
    }
}

/// Opens a roster by its name: CSV for now; `-` is stdin.
pub fn open(path: &str, opts: &ReadOptions) -> Result<Box<dyn RecordSource>, InputError> {
    Ok(Box::new(CsvSource::open(path, opts)?))
}
