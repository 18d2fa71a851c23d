//! The argument groups several commands share (`-p`, the roster reading options, the output
//! options). Only `cmd/` and the command line see them: the library below takes plain option
//! structs such as [`OutputOptions`], built here. The value lists of `--lang`, `--format`,
//! `--csv-encoding` and `--encoding` are given to clap here too, so the types they name stay
//! free of the command line.

use crate::household::reader::InputEncoding;
use crate::lang::Lang;
use crate::output::{CsvEncoding, Format, OutputOptions};
use clap::Args;
use clap::ValueEnum;
use clap::builder::PossibleValue;

/// `-p/--policy` and `--strict`.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// the policy file (TOML)
    #[arg(short = 'p', long = "policy", value_name = "FILE")]
    pub policy: String,
    /// refuse to evaluate months after the policy's `last_verified`
    #[arg(long)]
    pub strict: bool,
}

/// How rosters are read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// region code for a county roster without a region column
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// a local header name for a column: `--alias 保障人口=members` (repeatable)
    #[arg(long, value_name = "HEADER=COLUMN")]
    pub alias: Vec<String>,
    /// the CSV roster's encoding (default: detected: a BOM, else UTF-8, else GBK/GB18030)
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<InputEncoding>,
    /// the sheet of an .xlsx/.xls/.ods roster (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// a members file, one row per person, joined by household_id: group counts, ages and
    /// categories come from it
    #[arg(long, value_name = "FILE")]
    pub members: Option<String>,
}

/// `--format`, `-o`, `--lang`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// output format (default: table on a terminal, csv otherwise, or by the -o extension)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// write to FILE (atomically) instead of stdout; `-` is stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<String>,
    /// language of messages
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// encoding of CSV output (default: utf8-bom in a file written with -o, so that Excel and
    /// WPS show Chinese correctly; utf8 on stdout, for scripts); gb18030 for old Excel
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub csv_encoding: Option<CsvEncoding>,
}

impl From<&OutputArgs> for OutputOptions {
    fn from(args: &OutputArgs) -> OutputOptions {
        OutputOptions {
            path: args.output.clone(),
            lang: args.lang,
            csv_encoding: args.csv_encoding,
        }
    }
}

/// A [`ValueEnum`] for a library enum: each variant with its command-line name and help.
macro_rules! value_enum {
    ($t:ident, $($v:ident => $name:literal, $help:literal;)+) => {
        impl ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($t::$v),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $($t::$v => PossibleValue::new($name).help($help),)+
                })
            }
        }
    };
}

value_enum!(Lang,
    Zh => "zh", "中文";
    En => "en", "English";
);

value_enum!(Format,
    Table => "table", "aligned table for people on a terminal (IDs and accounts masked)";
    Csv => "csv", "CSV (UTF-8 with a BOM in files, see --csv-encoding)";
    Json => "json", "JSON: a header and arrays of flat objects, money as strings";
    Xlsx => "xlsx", "an .xlsx workbook";
);

value_enum!(CsvEncoding,
    Utf8 => "utf8", "UTF-8 without a BOM (scripts, databases)";
    Utf8Bom => "utf8-bom", "UTF-8 with a BOM (Excel, WPS)";
    Gb18030 => "gb18030", "GB18030, a superset of GBK that can write every character";
);

value_enum!(InputEncoding,
    Utf8 => "utf8", "UTF-8 (with or without a BOM)";
    Gbk => "gbk", "GBK, as Excel writes \"CSV\" on Chinese Windows (read as GB18030, its superset)";
    Gb18030 => "gb18030", "GB18030";
);

/// `--columns`: the output columns, chosen and ordered (for commands whose records have a
/// column schema, [`crate::output::schema`]).
#[derive(Debug, Clone, Args)]
pub struct ColumnsArgs {
    /// the columns to write, in this order, by English or Chinese name (e.g.
    /// household_id,decision,monthly_total); default: every column (a table: the usual few)
    #[arg(long, value_name = "A,B,C")]
    pub columns: Option<String>,
}
