//! `jiuzhu-bare`: the floor for `jiuzhu check` throughput.
//!
//! Reads a roster with the `csv` crate's `ByteRecord` and writes, for every household, its
//! first four fields and four constant fields through a buffered `csv::Writer`: the reading
//! and writing that `check` cannot avoid, without parsing, rules or formatting. The gap between
//! this pass and `check` on the same file is what the tool itself costs.

#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
Usage: jiuzhu-bare INPUT [-o OUTPUT]

Reads the roster CSV INPUT and writes each record's first four fields plus four constant
fields to OUTPUT (default standard output; '-' is standard output). Prints the number of
rows, the elapsed seconds, rows/s and MB/s (input bytes, 1 MB = 10^6 bytes) to standard error.

Exit status: 0 success, 1 read or write error, 2 usage error or unreadable input.
";

const BUFFER: usize = 1 << 16;
const HEADER_TAIL: [&[u8]; 4] = [b"month", b"decision", b"monthly_total", b"reasons"];
const ROW_TAIL: [&[u8]; 4] = [b"2022-12", b"none", b"0.00", b""];

#[derive(Debug, PartialEq, Eq)]
struct Config {
    input: OsString,
    /// `None` writes to standard output.
    output: Option<OsString>,
}

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Run(Config),
}

/// How a run failed, and so which exit status it gets.
enum Failure {
    /// The input could not be opened or the output not created: exit 2.
    Open(String),
    /// Reading or writing failed part-way: exit 1.
    Process(String),
    /// Standard output was closed by its reader: not an error.
    BrokenPipe,
}

fn main() -> ExitCode {
    let config = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            let _ = io::stdout().write_all(USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprint!("jiuzhu-bare: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let started = Instant::now();
    let result = run(&config);
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(rows) => {
            let bytes = fs::metadata(&config.input).map_or(0, |meta| meta.len());
            let megabytes = bytes as f64 / 1e6;
            let per_second = |amount: f64| if seconds > 0.0 { amount / seconds } else { 0.0 };
            eprintln!(
                "jiuzhu-bare: {rows} rows in {seconds:.3} s: {:.0} rows/s, {:.1} MB/s \
                 (input {megabytes:.1} MB)",
                per_second(rows as f64),
                per_second(megabytes),
            );
            ExitCode::SUCCESS
        }
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Open(message)) => {
            eprintln!("jiuzhu-bare: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Process(message)) => {
            eprintln!("jiuzhu-bare: {message}");
            ExitCode::from(1)
        }
    }
}

fn parse_args<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, String> {
    let mut input = None;
    let mut output: Option<Option<OsString>> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(Command::Help),
            Some("-o" | "--output") => {
                let value = args.next().ok_or("-o/--output needs a value")?;
                if output.is_some() {
                    return Err("-o/--output given twice".to_string());
                }
                output = Some((value != "-").then_some(value));
            }
            Some(text) if text.starts_with('-') => {
                return Err(format!("unexpected argument '{text}'"));
            }
            _ if input.is_none() => input = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}: only one INPUT")),
        }
    }
    Ok(Command::Run(Config {
        input: input.ok_or("INPUT is required")?,
        output: output.flatten(),
    }))
}

/// Copies the roster and returns the number of data rows.
fn run(config: &Config) -> Result<u64, Failure> {
    let input_name = config.input.to_string_lossy();
    let file = File::open(&config.input)
        .map_err(|error| Failure::Open(format!("cannot open {input_name}: {error}")))?;
    let reader = csv::ReaderBuilder::new()
        .buffer_capacity(BUFFER)
        .from_reader(file);
    match &config.output {
        None => copy(reader, io::stdout().lock(), &input_name, "standard output"),
        Some(path) => {
            let output_name = path.to_string_lossy();
            let sink = File::create(path)
                .map_err(|error| Failure::Open(format!("cannot create {output_name}: {error}")))?;
            copy(reader, sink, &input_name, &output_name).map_err(|failure| match failure {
                Failure::BrokenPipe => Failure::Process(format!("cannot write {output_name}")),
                other => other,
            })
        }
    }
}

fn copy<R: io::Read, W: Write>(
    mut reader: csv::Reader<R>,
    sink: W,
    input_name: &str,
    output_name: &str,
) -> Result<u64, Failure> {
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(BUFFER)
        .from_writer(sink);
    let write_failed = |error: csv::Error| match error.kind() {
        csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe => Failure::BrokenPipe,
        _ => Failure::Process(format!("cannot write {output_name}: {error}")),
    };
    let read_failed =
        |error: csv::Error| Failure::Process(format!("cannot read {input_name}: {error}"));

    let header = reader.byte_headers().map_err(read_failed)?.clone();
    if header.is_empty() {
        return Ok(0);
    }
    let head = |record: &csv::ByteRecord, i: usize| -> Vec<u8> {
        record.get(i).unwrap_or_default().to_vec()
    };
    let header_fields = [
        head(&header, 0),
        head(&header, 1),
        head(&header, 2),
        head(&header, 3),
    ];
    writer
        .write_record(header_fields.iter().map(Vec::as_slice).chain(HEADER_TAIL))
        .map_err(write_failed)?;

    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record).map_err(read_failed)? {
        let field = |i: usize| record.get(i).unwrap_or_default();
        writer
            .write_record(
                [field(0), field(1), field(2), field(3)]
                    .into_iter()
                    .chain(ROW_TAIL),
            )
            .map_err(write_failed)?;
        rows += 1;
    }
    writer.flush().map_err(|error| {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Process(format!("cannot write {output_name}: {error}"))
        }
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn copied(input: &str) -> (u64, String) {
        let reader = csv::Reader::from_reader(input.as_bytes());
        let mut out = Vec::new();
        let rows = copy(reader, &mut out, "in", "out").unwrap_or_else(|_| panic!("copy failed"));
        (rows, String::from_utf8(out).unwrap())
    }

    #[test]
    fn keeps_four_fields_and_adds_four_constants() {
        let (rows, out) = copied("a,b,c,d,e\n1,2,3,4,5\n6,7,\"8,9\",10,11\n");
        assert_eq!(rows, 2);
        assert_eq!(
            out,
            "a,b,c,d,month,decision,monthly_total,reasons\n\
             1,2,3,4,2022-12,none,0.00,\n\
             6,7,\"8,9\",10,2022-12,none,0.00,\n"
        );
    }

    #[test]
    fn short_and_empty_inputs() {
        assert_eq!(copied(""), (0, String::new()));
        let (rows, out) = copied("a,b\n1,2\n");
        assert_eq!(rows, 1);
        assert_eq!(
            out,
            "a,b,,,month,decision,monthly_total,reasons\n1,2,,,2022-12,none,0.00,\n"
        );
    }

    #[test]
    fn ragged_rows_are_an_error() {
        let reader = csv::Reader::from_reader("a,b\n1,2,3\n".as_bytes());
        assert!(matches!(
            copy(reader, Vec::new(), "in", "out"),
            Err(Failure::Process(_))
        ));
    }

    #[test]
    fn parses_arguments() {
        assert_eq!(
            parse_args(args(&["in.csv", "-o", "out.csv"])),
            Ok(Command::Run(Config {
                input: "in.csv".into(),
                output: Some("out.csv".into()),
            }))
        );
        assert_eq!(
            parse_args(args(&["-o", "-", "in.csv"])),
            Ok(Command::Run(Config {
                input: "in.csv".into(),
                output: None,
            }))
        );
        assert_eq!(parse_args(args(&["--help"])), Ok(Command::Help));
        for bad in [
            &[][..],
            &["-o", "out.csv"],
            &["in.csv", "-o"],
            &["in.csv", "other.csv"],
            &["in.csv", "--bogus"],
            &["in.csv", "-o", "a", "-o", "b"],
        ] {
            assert!(parse_args(args(bad)).is_err(), "{bad:?}");
        }
    }
}
