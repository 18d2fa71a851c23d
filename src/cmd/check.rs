//! `jiuzhu check`: the decision and monthly amounts for every household of a roster.

mod row;

pub use row::{CHECK_ROW, COLUMNS, CheckColumn, CheckRecord, RowCtx};

use crate::assess::{MONEY, Summary, assess_rows};
use crate::cmd::args::{ColumnsArgs, InputArgs, OutputArgs, PolicyArgs};
use crate::household::RowParser;
use crate::lang::Lang;
use crate::money::fmt_money;
use crate::month::Month;
use crate::output::schema::Selection;
use crate::output::xlsx::{self, Cell, Sheet};
use crate::output::{self, Format, Output, json_str, table};
use crate::pipeline::{self, Row};
use crate::policy::MonthParams;
use crate::rules::Decision;
use crate::{EXIT_OK, EXIT_ROWS};
use anyhow::{Context, Result, bail};
use clap::Args;
use row::total_of;
use std::io::Write;

/// Decide every household of a roster for one month.
///
/// Example: jiuzhu check -p policies/lanzhou-2022.toml examples/roster.csv --month 2022-12
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  jiuzhu check -p policies/lanzhou-2022.toml examples/roster.csv --month 2022-12\n  jiuzhu check -p policy.toml roster.csv --month 2022-12 --format csv -o decisions.csv\n  jiuzhu check -p policy.toml - --month 2022-12 --format json < roster.csv"
)]
pub struct CheckArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the month decided (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub columns: ColumnsArgs,
}

/// The money totals of a run, named as their columns, in [`Summary::totals`] order.
const TOTALS: [&str; MONEY] = [
    "dibao_amount",
    "uplift_amount",
    "tekun_basic",
    "tekun_care",
    "gradual_exit_amount",
    "monthly_total",
];

/// Excel's row limit, less the header lines of the sheet.
const XLSX_MAX_ROWS: usize = 1_048_576 - 16;

struct Ctx<'a> {
    params: &'a MonthParams,
    parser: &'a RowParser<'a>,
    row: RowCtx<'a>,
    format: Format,
    columns: Selection<CheckColumn>,
}

struct ChunkOut {
    bytes: Vec<u8>,
    table: Vec<Vec<String>>,
    cells: Vec<Vec<Cell>>,
    summary: Summary,
}

impl Ctx<'_> {
    /// Decides a chunk of rows and writes them in the run's format.
    fn work(&self, rows: &[Row]) -> ChunkOut {
        let (policy, lang) = (self.row.policy, self.row.lang);
        let mut bytes = Vec::new();
        let (mut table, mut cells) = (Vec::new(), Vec::new());
        let mut buf = String::with_capacity(256);
        let mut csv =
            (self.format == Format::Csv).then(|| output::CsvBuf::with_capacity(rows.len() * 320));
        let summary = assess_rows(policy, self.params, self.parser, rows, lang, |h, ev| {
            let rec = CheckRecord {
                ctx: &self.row,
                h,
                ev,
                total: ev.monthly_total(),
            };
            match (self.format, csv.as_mut()) {
                (Format::Csv, Some(w)) => self.columns.write_csv(w, &rec, &mut buf),
                (Format::Json, _) => {
                    if !bytes.is_empty() {
                        bytes.push(b',');
                    }
                    self.columns.write_json(&mut bytes, &rec, &mut buf);
                    bytes.push(b'\n');
                }
                (Format::Xlsx, _) => cells.push(self.columns.xlsx_cells(&rec, &mut buf)),
                (Format::Table, _) => table.push(self.columns.table_cells(&rec, &mut buf, lang)),
                _ => {}
            }
        });
        if let Some(w) = csv {
            bytes = w.into_bytes();
        }
        ChunkOut {
            bytes,
            table,
            cells,
            summary,
        }
    }
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> Result<i32> {
    output::refuse_same_files(
        &super::input_files(&args.policy, &[("ROSTER", Some(&args.roster))], &args.input),
        &super::output_files(&args.out, &[]),
        args.out.lang,
    )?;
    let (policy, params) = super::load_policy(&args.policy, args.month, args.out.lang)?;
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    let parser = super::attach_members(parser, &args.input, &policy, &params, args.out.lang)?;
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    let carried: Vec<String> = parser
        .header_map()
        .extra
        .iter()
        .map(|(_, h)| h.clone())
        .collect();
    let columns = CHECK_ROW.select(
        args.columns.columns.as_deref(),
        format,
        &carried,
        args.out.lang,
    )?;
    let ctx = Ctx {
        params: &params,
        parser: &parser,
        row: RowCtx {
            policy: &policy,
            month: args.month.to_string(),
            lang: args.out.lang,
        },
        format,
        columns,
    };
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    match format {
        Format::Csv => {
            let mut w = output::csv_writer(Vec::new());
            w.write_record(ctx.columns.csv_header())?;
            out.write_all(&w.into_inner().unwrap_or_default())?;
        }
        Format::Json => {
            let header = output::json_header(&policy);
            let mut head = serde_json::to_string(&header)?;
            head.pop();
            out.write_all(head.as_bytes())?;
            out.write_all(b",\"month\":")?;
            let mut m = Vec::new();
            json_str(&mut m, &ctx.row.month);
            out.write_all(&m)?;
            out.write_all(b",\"households\":[\n")?;
        }
        _ => {}
    }
    let mut summary = Summary::default();
    let mut table_rows = Vec::new();
    let mut xlsx_rows: Vec<Vec<Cell>> = Vec::new();
    let mut chunks = output::ChunkWriter::new(format, b",");
    let id_field = parser
        .header_map()
        .get(crate::household::columns::Column::HouseholdId);
    pipeline::stream(
        source.as_mut(),
        id_field,
        |rows| ctx.work(rows),
        |chunk| {
            summary.merge(chunk.summary)?;
            chunks.write(&mut out, &chunk.bytes)?;
            table_rows.extend(chunk.table);
            if format == Format::Xlsx {
                if xlsx_rows.len() + chunk.cells.len() > XLSX_MAX_ROWS {
                    bail!(
                        "more than {XLSX_MAX_ROWS} households do not fit one worksheet: use --format csv (一个工作表最多 {XLSX_MAX_ROWS} 户，请改用 CSV)"
                    );
                }
                xlsx_rows.extend(chunk.cells);
            }
            Ok(())
        },
    )
    .with_context(|| format!("roster {}", args.roster))?;
    match format {
        Format::Json => {
            let mut totals = serde_json::Map::new();
            totals.insert("households".into(), summary.households().to_string().into());
            for (d, c) in Decision::ALL.iter().zip(summary.counts) {
                totals.insert(d.name().into(), c.to_string().into());
            }
            for (n, v) in TOTALS.iter().zip(summary.totals) {
                totals.insert((*n).into(), fmt_money(v).into());
            }
            out.write_all(b"],\"totals\":")?;
            out.write_all(serde_json::to_string(&totals)?.as_bytes())?;
            out.write_all(b"}\n")?;
        }
        Format::Xlsx => {
            let headers: Vec<String> = ctx.columns.names().iter().map(|n| n.to_string()).collect();
            let mut totals = vec![vec![
                Cell::Text("households".into()),
                Cell::Count(summary.households()),
            ]];
            for (d, c) in Decision::ALL.iter().zip(summary.counts) {
                totals.push(vec![Cell::Text(d.name().into()), Cell::Count(c)]);
            }
            for (n, v) in TOTALS.iter().zip(summary.totals) {
                totals.push(vec![Cell::Text((*n).into()), Cell::Money(v)]);
            }
            let title = vec![format!("month {}", args.month)];
            let sheets = [
                Sheet {
                    name: format!("check {}", args.month),
                    title: title.clone(),
                    headers,
                    rows: xlsx_rows,
                },
                Sheet {
                    name: "totals".into(),
                    title,
                    headers: vec!["item".into(), "value".into()],
                    rows: totals,
                },
            ];
            out.write_all(&xlsx::workbook(&policy, &sheets)?)?;
        }
        Format::Table => {
            let lang = args.out.lang;
            let headers = ctx.columns.headings(lang);
            let t = summary.totals;
            let total_row = ctx
                .columns
                .table_total(lang.pick("合计", "total"), |c| total_of(&t, c));
            table_rows.push(total_row);
            let right = ctx.columns.money_headings(lang);
            output::ignore_broken_pipe(
                out.write_all(table::render(&headers, &table_rows, &right).as_bytes()),
            )?;
            output::ignore_broken_pipe(out.write_all(
                args.out
                    .lang
                    .pick(
                        "原因为简称；完整说明见 csv/json/xlsx 输出的 message 列，或用 jiuzhu explain 查看一户\n",
                        "reasons are short labels: the full sentence is in the message column of csv/json/xlsx output and in `jiuzhu explain`\n",
                    )
                    .as_bytes(),
            ))?;
        }
        _ => {}
    }
    let mut group = output::OutputGroup::new(args.out.lang);
    group.push(out);
    group.commit()?;
    print_summary(&summary, args.month, args.out.lang);
    output::report_closed_pipe(args.out.lang);
    let members_clean = super::report_members(&parser, args.out.lang);
    Ok(if summary.all_decided() && members_clean {
        EXIT_OK
    } else {
        EXIT_ROWS
    })
}

/// The summary on stderr: households per decision, the month's total, the first problems.
pub fn print_summary(s: &Summary, month: Month, lang: Lang) {
    let counts: Vec<String> = Decision::ALL
        .iter()
        .zip(s.counts)
        .filter(|(_, c)| *c > 0)
        .map(|(d, c)| match lang {
            Lang::Zh => format!("{} {c}", d.zh()),
            Lang::En => format!("{} {c}", d.name()),
        })
        .collect();
    let total = fmt_money(s.totals[MONEY - 1]);
    match lang {
        Lang::Zh => eprintln!(
            "jiuzhu check {month}：共 {} 户（{}），月发放合计 {total} 元",
            s.households(),
            counts.join("，")
        ),
        Lang::En => eprintln!(
            "jiuzhu check {month}: {} households ({}), monthly total {total}",
            s.households(),
            counts.join(", ")
        ),
    }
    for p in &s.problems {
        eprintln!("  {p}");
    }
    if s.problem_count > s.problems.len() as u64 {
        match lang {
            Lang::Zh => eprintln!(
                "  …… 另有 {} 个问题（见输出的 reasons 列）",
                s.problem_count - s.problems.len() as u64
            ),
            Lang::En => eprintln!(
                "  ... and {} more problems (see the reasons column)",
                s.problem_count - s.problems.len() as u64
            ),
        }
    }
}
