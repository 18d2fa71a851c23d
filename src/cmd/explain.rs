//! `jiuzhu explain`: the whole computation for one household, every rule tried, the values
//! compared, and each parameter with its source document and the month it took effect.

use crate::cmd::args::{InputArgs, OutputArgs, PolicyArgs};
use crate::explain::{self, Explanation};
use crate::household::columns::Column;
use crate::household::{Household, idcard};
use crate::month::Month;
use crate::output::{self, Format, Output};
use crate::pipeline::Row;
use crate::rules::Evaluation;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::Write;

/// Show how one household's decision and amounts were computed.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  jiuzhu explain -p policies/lanzhou-2022.toml examples/roster.csv --household H004 --month 2022-12"
)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// the roster: CSV (UTF-8 or GBK/GB18030) or an .xlsx/.xls/.ods workbook; `-` is stdin
    #[arg(value_name = "ROSTER")]
    pub roster: String,
    /// the household id (户编号)
    #[arg(long, value_name = "ID")]
    pub household: String,
    /// the month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Month,
    /// also show the price subsidy paid in MONTH (its index month is MONTH − index_lag), from
    /// this price index series
    #[arg(long, value_name = "FILE")]
    pub index: Option<String>,
    /// show ID numbers and bank accounts in full in the text (by default only their first 6 and
    /// last 4 characters are shown, as in tables; JSON always has them whole)
    #[arg(long)]
    pub unmask: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Runs `explain`.
pub fn run(args: ExplainArgs) -> Result<i32> {
    output::refuse_same_files(
        &super::input_files(
            &args.policy,
            &[
                ("ROSTER", Some(&args.roster)),
                ("--index", args.index.as_ref()),
            ],
            &args.input,
        ),
        &super::output_files(&args.out, &[]),
        args.out.lang,
    )?;
    let (policy, params) = super::load_policy(&args.policy, args.month, args.out.lang)?;
    let (mut source, parser) =
        super::open_roster(&args.roster, &args.input, &policy, args.out.lang)?;
    // Only this household is read, so the members file's other households are not reported
    // as strays here (check and validate report them).
    let parser = super::attach_members(parser, &args.input, &policy, &params, args.out.lang)?;
    let id_field = parser.header_map().get(Column::HouseholdId);
    let mut found: Option<(Household, Evaluation)> = None;
    let mut row = Row {
        line: 0,
        record: crate::household::record::Record::new(),
        duplicate_of: None,
    };
    // The roster's ids are normalised as they are read (NFKC, no invisible characters): so is
    // the one asked, and case is ignored as the duplicate check ignores it.
    let wanted = idcard::normalize_id(&args.household);
    while let Some(line) = source.next_record(&mut row.record)? {
        let id = id_field
            .and_then(|i| row.record.get(i))
            .unwrap_or("")
            .trim();
        if !id.eq_ignore_ascii_case(wanted.trim()) {
            continue;
        }
        if let Some((first, _)) = &found {
            row.duplicate_of = Some(first.row);
        }
        row.line = line;
        // A second row with the same id is what `check` marks invalid: explain that one.
        let repeated = row.duplicate_of.is_some();
        found = Some(crate::assess::evaluate_row(
            &policy, &params, &parser, &row, true,
        ));
        if repeated {
            break;
        }
    }
    let Some((mut h, ev)) = found else {
        let (id, roster) = (&args.household, &args.roster);
        bail!(match args.out.lang {
            crate::lang::Lang::Zh => format!("花名册 {roster} 中没有户编号 {id}"),
            crate::lang::Lang::En => format!("household {id} is not in {roster}"),
        });
    };
    let format = Format::resolve(args.out.format, args.out.output.as_deref());
    // The text is for reading (on screen, or printed): IDs masked unless asked; JSON is data
    // for scripts, whole like every output file.
    let mask = !args.unmask && format != Format::Json;
    if mask {
        mask_ids(&mut h);
    }
    let reasons = crate::assess::reasons_cell(&h, &ev);
    let mut e = Explanation::new(&policy, &parser, h, ev, args.month, args.index.as_deref())
        .map_err(|e| crate::index::in_lang(e, args.out.lang))?;
    let lang = args.out.lang;
    let mut out = Output::create(&args.out, format).context("cannot create the output file")?;
    if let Some((_, persons)) = &mut e.members
        && mask
    {
        for p in persons {
            p.id_number = idcard::mask(&p.id_number);
        }
    }
    let text = match format {
        Format::Json => {
            let mut v = output::json_header(&policy);
            if let (Some(v), serde_json::Value::Object(record)) =
                (v.as_object_mut(), serde_json::to_value(e.record(lang))?)
            {
                v.extend(record);
                v.insert("reasons".into(), reasons.into());
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Table | Format::Csv => explain::text::write(&e, lang),
        Format::Xlsx => bail!("explain writes text or json"),
    };
    output::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
    out.commit()?;
    Ok(if e.decided() {
        crate::EXIT_OK
    } else {
        crate::EXIT_ROWS
    })
}

/// Masks the household's ID numbers and bank accounts as tables do (first 6 and last 4
/// characters): its `head_id` and `bank_account`, and every reported value of an ID column,
/// `.0`-suffixed or in scientific notation alike.
fn mask_ids(h: &mut Household) {
    h.head_id = idcard::mask(&h.head_id);
    h.bank_account = idcard::mask(&h.bank_account);
    for e in h.errors.iter_mut().chain(h.warnings.iter_mut()) {
        if output::is_id_column(&e.column) {
            e.value = idcard::mask(&e.value);
        }
    }
}
