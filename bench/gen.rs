//! `jiuzhu-gen`: writes a synthetic household roster (CSV) for benchmarks and load tests.
//!
//! The output is a pure function of the arguments: the same `--rows`, `--seed` and
//! `--region-codes` give byte-identical files on every platform and with any number of cores,
//! so a benchmark result can name its input by the command that made it. Rows are made in
//! blocks on all cores and streamed in order through a buffered writer; the file is never held
//! in memory.

#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;

const USAGE: &str = "\
Usage: jiuzhu-gen --rows N [--seed S] [--region-codes C1,C2,...] [--chinese-headers] [-o FILE]

Writes a synthetic household roster (CSV, UTF-8, no BOM) with N households. The same
arguments always give byte-identical output.

Options:
  --rows N              number of households, 0 to 999999999 (required)
  --seed S              seed of the random generator, 0 to 18446744073709551615 (default 1)
  --region-codes LIST   comma-separated 6-digit region codes (default 620102,620103,620121)
  --chinese-headers     write the Chinese column names (户编号, 区划代码, ...)
  -o, --output FILE     write to FILE instead of standard output ('-' is standard output)
  -h, --help            print this help

Example:
  jiuzhu-gen --rows 1000000 --seed 7 -o roster-1m.csv

Exit status: 0 success, 1 write error, 2 usage error.
";

/// The household ID is `H` and nine digits, so this is the most rows one file can hold.
const MAX_ROWS: u64 = 999_999_999;
const DEFAULT_SEED: u64 = 1;
const DEFAULT_REGIONS: [[u8; 6]; 3] = [*b"620102", *b"620103", *b"620121"];
/// Blocks of rows (about 600 KB) are larger than this and go straight through to the sink.
const WRITE_BUFFER: usize = 1 << 16;
const BLOCK_ROWS: u64 = 4096;
const BLOCKS_IN_FLIGHT: usize = 2;
const MAX_MAKERS: usize = 8;

const HEADER_EN: &str = "household_id,region,residence,members,monthly_income,exempt_income,\
employment_income,employed,status,categories,elderly,severely_disabled,disabled,seriously_ill,\
minors,care_level,institutional,tier,exit_start,last_grant,months_without_income,\
unemployment_insured,pandemic,assets,township,head_name,head_id,bank_account\n";

const HEADER_ZH: &str = "户编号,区划代码,城乡类别,家庭人口,家庭月收入,不计入收入,工资性收入,\
就业人数,保障类别,其他类别,老年人数,重度残疾人数,残疾人数,重病人数,未成年人数,自理能力,集中供养,\
档次,渐退起始月,上月低保金,连续无收入月数,参加失业保险,疫情影响,家庭财产,乡镇街道,户主姓名,\
户主身份证号,银行账号\n";

/// Household income is drawn relative to this per-person line (yuan per month), close to the
/// 2022 urban 低保 standard of the default regions, so that about a third of the households
/// fall below `members × 900`.
const INCOME_LINE_CENTS: u32 = 90_000;
/// Upper bound of a household's total monthly income, in cents.
const MAX_INCOME_CENTS: u32 = 400_000;
const MAX_ASSETS: u32 = 80_000;

/// Cumulative weights (per mille) of household sizes 1 to 6: mostly two or three people.
const MEMBERS_CUMULATIVE: [u32; 6] = [140, 440, 720, 870, 960, 1000];

static CATEGORIES: [Token; 4] = tokens(["youfu", "ui", "orphan;youfu", "poverty_alleviated"]);
static TOWNSHIPS: [Token; 8] = tokens([
    "城关镇",
    "东岗街道",
    "皋兰路街道",
    "张掖路街道",
    "西湖街道",
    "敦煌路街道",
    "和平镇",
    "夏官营镇",
]);
static SURNAMES: [Token; 24] = tokens([
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "马", "孙", "朱", "胡", "郭", "何",
    "高", "罗", "郑", "梁", "谢", "宋", "唐", "韩",
]);
static GIVEN: [Token; 32] = tokens([
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "建", "国", "文", "海", "福", "春",
]);
static STATUSES: [Token; 4] = tokens(["none", "dibao", "tekun", "edge"]);
static CARE_LEVELS: [Token; 3] = tokens(["self_care", "partial", "full"]);
static PANDEMIC: [Token; 4] = tokens(["none", "patient", "quarantine", "stranded"]);
static YES_NO_EMPTY: [Token; 3] = tokens(["yes", "no", ""]);
static EMPTY: Token = token("");

/// GB 11643-1999 weights of the first 17 digits of a citizen ID number.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643-1999 check character, indexed by the weighted sum modulo 11.
const ID_CHECK: &[u8; 11] = b"10X98765432";

#[derive(Debug, Clone, PartialEq, Eq)]
struct Config {
    rows: u64,
    seed: u64,
    regions: Vec<[u8; 6]>,
    chinese_headers: bool,
    /// `None` writes to standard output.
    output: Option<OsString>,
}

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Generate(Config),
}

fn main() -> ExitCode {
    let config = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Generate(config)) => config,
        Ok(Command::Help) => {
            // A closed stdout while printing help is not worth an error.
            let _ = io::stdout().write_all(USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprint!("jiuzhu-gen: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&config) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`jiuzhu-gen ... | head`) is not an error.
        Err(error) if config.output.is_none() && error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("jiuzhu-gen: {error}");
            ExitCode::from(1)
        }
    }
}

fn parse_args<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, String> {
    let mut rows = None;
    let mut seed = None;
    let mut regions = None;
    let mut chinese_headers = false;
    let mut output: Option<Option<OsString>> = None;

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            return Err(format!("unexpected argument {arg:?}"));
        };
        let (flag, inline) = match text.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (text, None),
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--chinese-headers" => {
                if inline.is_some() {
                    return Err("--chinese-headers takes no value".to_string());
                }
                if chinese_headers {
                    return Err("--chinese-headers given twice".to_string());
                }
                chinese_headers = true;
            }
            "--rows" | "--seed" | "--region-codes" | "-o" | "--output" => {
                let value = match inline {
                    Some(value) => OsString::from(value),
                    None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
                };
                match flag {
                    "--rows" => set_once(&mut rows, flag, parse_rows(&value)?)?,
                    "--seed" => set_once(&mut seed, flag, parse_seed(&value)?)?,
                    "--region-codes" => set_once(&mut regions, flag, parse_regions(&value)?)?,
                    _ => {
                        let path = (value != "-").then_some(value);
                        set_once(&mut output, "-o/--output", path)?;
                    }
                }
            }
            _ => return Err(format!("unexpected argument '{text}'")),
        }
    }

    Ok(Command::Generate(Config {
        rows: rows.ok_or("--rows is required")?,
        seed: seed.unwrap_or(DEFAULT_SEED),
        regions: regions.unwrap_or_else(|| DEFAULT_REGIONS.to_vec()),
        chinese_headers,
        output: output.flatten(),
    }))
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("{name} given twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_rows(value: &OsString) -> Result<u64, String> {
    let text = value.to_str().unwrap_or_default();
    match text.parse::<u64>() {
        Ok(rows) if rows <= MAX_ROWS => Ok(rows),
        Ok(_) => Err(format!("--rows must be at most {MAX_ROWS}, got '{text}'")),
        Err(_) => Err(format!("--rows needs a whole number, got {value:?}")),
    }
}

fn parse_seed(value: &OsString) -> Result<u64, String> {
    value
        .to_str()
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(|| format!("--seed needs an unsigned 64-bit integer, got {value:?}"))
}

fn parse_regions(value: &OsString) -> Result<Vec<[u8; 6]>, String> {
    let text = value
        .to_str()
        .ok_or_else(|| format!("--region-codes: not valid UTF-8: {value:?}"))?;
    text.split(',')
        .map(|code| {
            <[u8; 6]>::try_from(code.as_bytes())
                .ok()
                .filter(|digits| digits.iter().all(u8::is_ascii_digit))
                .ok_or_else(|| format!("--region-codes: '{code}' is not a 6-digit region code"))
        })
        .collect()
}

fn run(config: &Config) -> io::Result<()> {
    let Some(path) = &config.output else {
        return generate(config, io::stdout().lock()).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot write standard output: {error}"),
            )
        });
    };
    let shown = path.to_string_lossy();
    let file = File::create(path)
        .map_err(|error| io::Error::new(error.kind(), format!("cannot create {shown}: {error}")))?;
    // The output is left in place on failure: it may be a device or a pipe, not ours to delete.
    generate(config, file).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot write {shown} (it is incomplete): {error}"),
        )
    })
}

/// Writes the header and `config.rows` households to `sink`, making rows on as many threads as
/// the machine has cores.
fn generate<W: Write>(config: &Config, sink: W) -> io::Result<()> {
    let makers = thread::available_parallelism().map_or(1, |n| n.get().min(MAX_MAKERS));
    generate_with(config, sink, makers)
}

/// Rows are made in blocks of `BLOCK_ROWS`, each from its own random stream derived from the
/// seed and the block number, so the output is the same for any number of `makers`. Maker `k`
/// makes blocks `k`, `k + makers`, ... and this thread writes them in order; a maker is at most
/// `BLOCKS_IN_FLIGHT` blocks ahead, so memory stays a few MiB whatever the row count.
fn generate_with<W: Write>(config: &Config, sink: W, makers: usize) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, sink);
    let header = if config.chinese_headers {
        HEADER_ZH
    } else {
        HEADER_EN
    };
    out.write_all(header.as_bytes())?;

    let blocks = config.rows.div_ceil(BLOCK_ROWS);
    let makers = makers.max(1);
    thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(makers);
        for maker in 0..makers {
            let (full_sender, full_receiver) = mpsc::sync_channel::<Vec<u8>>(BLOCKS_IN_FLIGHT);
            let (empty_sender, empty_receiver) = mpsc::channel::<Vec<u8>>();
            scope.spawn(move || {
                for block in (maker as u64..blocks).step_by(makers) {
                    let mut chunk = empty_receiver.try_recv().unwrap_or_default();
                    make_block(config, block, &mut chunk);
                    if full_sender.send(chunk).is_err() {
                        return; // The writer stopped on an error, which it reports.
                    }
                }
            });
            lanes.push((full_receiver, empty_sender));
        }
        for block in 0..blocks {
            let (full, empty) = &lanes[(block % makers as u64) as usize];
            // A maker only hangs up early by panicking, which the scope then re-raises.
            let Ok(mut chunk) = full.recv() else { break };
            out.write_all(&chunk)?;
            chunk.clear();
            // The maker may be done and gone: then the chunk is simply dropped.
            let _ = empty.send(chunk);
        }
        Ok::<(), io::Error>(())
    })?;
    out.flush()
}

/// Appends the rows of block `block` to `chunk`.
fn make_block(config: &Config, block: u64, chunk: &mut Vec<u8>) {
    let first = block * BLOCK_ROWS + 1;
    let last = (first + BLOCK_ROWS - 1).min(config.rows);
    let mut rng = Rng::for_block(config.seed, block);
    let mut line = Line::new();
    for index in first..=last {
        let household = Household::draw(&mut rng, &config.regions, index);
        line.clear();
        household.write_csv(&mut line);
        chunk.extend_from_slice(line.as_bytes());
    }
}

/// SplitMix64: tiny, fast, and its output depends on nothing but the seed. Small draws (a
/// percentage, a pick from a short table) take 16 bits each from a pool, four per step.
struct Rng {
    state: u64,
    pool: u64,
    pool_left: u32,
}

/// The SplitMix64 output function.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Largest `n` that [`Rng::below`] serves from 16 bits: the skew that leaves is under 0.4%.
const SMALL_DRAW_LIMIT: u32 = 256;

impl Rng {
    /// The stream of one block of rows: the seed and the block number, mixed so that
    /// neighbouring blocks and seeds give unrelated streams.
    fn for_block(seed: u64, block: u64) -> Self {
        Rng {
            state: mix64(seed ^ mix64(block.wrapping_add(0x9E37_79B9_7F4A_7C15))),
            pool: 0,
            pool_left: 0,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Uniform in `0..n` by multiply-shift (Lemire), without rejection: the bias is far below
    /// anything a roster shows.
    fn below(&mut self, n: u32) -> u32 {
        if n <= SMALL_DRAW_LIMIT {
            if self.pool_left == 0 {
                self.pool = self.next_u64();
                self.pool_left = 4;
            }
            let bits = (self.pool & 0xFFFF) as u32;
            self.pool >>= 16;
            self.pool_left -= 1;
            (bits * n) >> 16
        } else {
            (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
        }
    }

    /// Uniform in `0..n` for `n` up to 2^64.
    fn below_u64(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: u32, high: u32) -> u32 {
        low + self.below(high - low + 1)
    }

    /// Skewed towards zero in `0..n`: the smaller of two uniform draws.
    fn below_skewed(&mut self, n: u32) -> u32 {
        self.below(n).min(self.below(n))
    }

    fn percent(&mut self, chance: u32) -> bool {
        self.below(100) < chance
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u32) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    None = 0,
    Dibao = 1,
    Tekun = 2,
    Edge = 3,
}

/// One roster row. Money is in cents.
#[derive(Debug)]
struct Household {
    index: u64,
    region: [u8; 6],
    urban: bool,
    members: u32,
    monthly_income: u32,
    exempt_income: u32,
    employment_income: u32,
    employed: u32,
    status: Status,
    categories: &'static Token,
    /// elderly, severely_disabled, disabled, seriously_ill, minors
    groups: [u32; 5],
    care_level: &'static Token,
    institutional: &'static Token,
    /// Gradual exit (渐退): first month in 2022 (1 to 9) and the last grant in yuan.
    exit: Option<(u32, u32)>,
    months_without_income: Option<u32>,
    unemployment_insured: &'static Token,
    pandemic: &'static Token,
    assets: u32,
    township: &'static Token,
    /// Surname and one or two given-name characters; an absent second character is empty.
    head_name: [&'static Token; 3],
    head_id: [u8; 18],
    bank_account: [u8; 19],
}

impl Household {
    fn draw(rng: &mut Rng, regions: &[[u8; 6]], index: u64) -> Household {
        let region = *rng.pick(regions);
        let urban = rng.percent(60);
        let status = match rng.below(100) {
            0..25 => Status::Dibao,
            25..28 => Status::Tekun,
            28..33 => Status::Edge,
            _ => Status::None,
        };
        // 特困 supports people living alone without anyone obliged to support them.
        let members = if status == Status::Tekun {
            1
        } else {
            let roll = rng.below(1000);
            MEMBERS_CUMULATIVE
                .iter()
                .position(|&c| roll < c)
                .unwrap_or(5) as u32
                + 1
        };
        let in_exit = status == Status::Dibao && rng.below(1000) < 20;

        // Most enrolled households are below the line, a few are not (what an audit finds);
        // a few unenrolled ones are (what proactive discovery finds).
        let line = members * INCOME_LINE_CENTS;
        let below_line_chance = match status {
            Status::Tekun => 100,
            Status::Dibao if !in_exit => 75,
            Status::Dibao | Status::Edge => 0,
            Status::None => 4,
        };
        let monthly_income = if rng.percent(below_line_chance) {
            if rng.percent(12) {
                0
            } else {
                rng.below(line.min(MAX_INCOME_CENTS))
            }
        } else if line >= MAX_INCOME_CENTS {
            // Large households: the income cap lies below their line anyway.
            rng.between(MAX_INCOME_CENTS / 2, MAX_INCOME_CENTS)
        } else if status == Status::Edge {
            // 低保边缘: just above the line, up to one and a half times it.
            rng.between(line, (line * 3 / 2).min(MAX_INCOME_CENTS))
        } else {
            line + rng.below_skewed(MAX_INCOME_CENTS - line + 1)
        };

        let exempt_draw = if rng.percent(10) {
            rng.between(10_000, 30_000)
        } else {
            0
        };
        let exempt_income = if exempt_draw <= monthly_income {
            exempt_draw
        } else {
            0
        };
        let earnable = monthly_income - exempt_income;
        let employment_income = if earnable > 0 && (in_exit || rng.percent(55)) {
            (u64::from(earnable) * u64::from(rng.between(40, 100)) / 100) as u32
        } else {
            0
        };
        let employed = match employment_income {
            0 => 0,
            _ if members >= 2 && rng.percent(30) => 2,
            _ => 1,
        };

        let categories = if rng.percent(12) {
            rng.pick(&CATEGORIES)
        } else {
            &EMPTY
        };
        let groups = draw_groups(rng, status, members);
        let (care_level, institutional) = if status == Status::Tekun {
            let care = match rng.below(100) {
                0..60 => 0,
                60..85 => 1,
                _ => 2,
            };
            let institutional = if rng.percent(20) { 0 } else { 1 };
            (&CARE_LEVELS[care], &YES_NO_EMPTY[institutional])
        } else {
            (&EMPTY, &EMPTY)
        };
        let exit = in_exit.then(|| (rng.between(1, 9), rng.between(200, 1500)));
        let months_without_income = if monthly_income == 0 {
            rng.percent(85).then(|| rng.between(0, 6))
        } else {
            rng.percent(10).then_some(0)
        };
        let unemployment_insured = &YES_NO_EMPTY[match rng.below(10) {
            0..3 => 0,
            3..7 => 1,
            _ => 2,
        }];
        let pandemic = &PANDEMIC[match rng.below(100) {
            0..2 => 1,
            2..8 => 2,
            8..10 => 3,
            _ => 0,
        }];
        let spread = rng.below(MAX_ASSETS + 1);
        let assets = (u64::from(spread) * u64::from(spread) / u64::from(MAX_ASSETS)) as u32;
        let township = rng.pick(&TOWNSHIPS);
        let head_name = [
            rng.pick(&SURNAMES),
            rng.pick(&GIVEN),
            if rng.percent(70) {
                rng.pick(&GIVEN)
            } else {
                &EMPTY
            },
        ];
        let head_id = draw_id(rng, region);
        let bank_account = draw_bank_account(rng);

        Household {
            index,
            region,
            urban,
            members,
            monthly_income,
            exempt_income,
            employment_income,
            employed,
            status,
            categories,
            groups,
            care_level,
            institutional,
            exit,
            months_without_income,
            unemployment_insured,
            pandemic,
            assets,
            township,
            head_name,
            head_id,
            bank_account,
        }
    }

    fn write_csv(&self, line: &mut Line) {
        line.push_byte(b'H');
        line.push_padded(self.index, 9);
        line.push_byte(b',');
        line.push_fixed(&self.region);
        line.push_fixed(if self.urban { b",urban," } else { b",rural," });
        line.push_u32(self.members);
        line.push_byte(b',');
        line.push_money(self.monthly_income);
        line.push_byte(b',');
        line.push_money(self.exempt_income);
        line.push_byte(b',');
        line.push_money(self.employment_income);
        line.push_byte(b',');
        line.push_u32(self.employed);
        line.push_byte(b',');
        line.push_token(&STATUSES[self.status as usize]);
        line.push_byte(b',');
        line.push_token(self.categories);
        for count in self.groups {
            line.push_byte(b',');
            line.push_u32(count);
        }
        line.push_byte(b',');
        line.push_token(self.care_level);
        line.push_byte(b',');
        line.push_token(self.institutional);
        // tier stays empty: the bundled policies pay 低保 as a gap, not by tier.
        line.push_fixed(b",,");
        if let Some((month, grant)) = self.exit {
            line.push_fixed(b"2022-0");
            line.push_u32(month);
            line.push_byte(b',');
            line.push_u32(grant);
            line.push_fixed(b".00");
        } else {
            line.push_byte(b',');
        }
        line.push_byte(b',');
        if let Some(months) = self.months_without_income {
            line.push_u32(months);
        }
        line.push_byte(b',');
        line.push_token(self.unemployment_insured);
        line.push_byte(b',');
        line.push_token(self.pandemic);
        line.push_byte(b',');
        line.push_u32(self.assets);
        line.push_byte(b',');
        line.push_token(self.township);
        line.push_byte(b',');
        for part in self.head_name {
            line.push_token(part);
        }
        line.push_byte(b',');
        line.push_fixed(&self.head_id);
        line.push_byte(b',');
        line.push_fixed(&self.bank_account);
        line.push_byte(b'\n');
    }
}

/// Group counts (elderly, severely_disabled, disabled, seriously_ill, minors): each person is
/// in at most one group, so the counts add up to at most `members`; most households have none.
fn draw_groups(rng: &mut Rng, status: Status, members: u32) -> [u32; 5] {
    let mut groups = [0; 5];
    if status == Status::Tekun {
        // A 特困 person is old, disabled or an orphaned minor.
        let group = match rng.below(100) {
            0..60 => 0,
            60..80 => 1,
            80..90 => 2,
            _ => 4,
        };
        groups[group] = 1;
        return groups;
    }
    let mut left = members;
    for (group, chance) in [(0, 22), (1, 5), (2, 8), (3, 6)] {
        if left > 0 && rng.percent(chance) {
            let count = if left >= 2 && rng.percent(30) { 2 } else { 1 };
            groups[group] = count;
            left -= count;
        }
    }
    // Children live with at least one adult.
    if members >= 2 && left > 0 && rng.percent(30) {
        groups[4] = rng.between(1, (members - 1).min(left).min(3));
    }
    groups
}

/// An 18-digit citizen ID number (GB 11643-1999) registered in `region`, born 1930 to 2015.
fn draw_id(rng: &mut Rng, region: [u8; 6]) -> [u8; 18] {
    let year = rng.between(1930, 2015);
    let month = rng.between(1, 12);
    let day = rng.between(1, days_in_month(year, month));
    let sequence = rng.between(1, 999);

    let mut id = [0u8; 18];
    id[..6].copy_from_slice(&region);
    write_digits(&mut id[6..10], year.into());
    write_digits(&mut id[10..12], month.into());
    write_digits(&mut id[12..14], day.into());
    write_digits(&mut id[14..17], sequence.into());
    id[17] = id_check_char(&id[..17]);
    id
}

/// The GB 11643-1999 check character of the first 17 digits (ASCII) of an ID number.
fn id_check_char(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

/// A 19-digit UnionPay-style card number: `6228`, 14 random digits, a Luhn check digit.
fn draw_bank_account(rng: &mut Rng) -> [u8; 19] {
    let mut account = [0u8; 19];
    account[..4].copy_from_slice(b"6228");
    write_digits(&mut account[4..18], rng.below_u64(100_000_000_000_000));
    account[18] = luhn_check_digit(&account[..18]);
    account
}

/// The Luhn digit that completes `digits` (ASCII): every second digit from the right is doubled.
fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(position, digit)| {
            let value = u32::from(digit - b'0');
            if position.is_multiple_of(2) {
                let doubled = value * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                value
            }
        })
        .sum();
    b'0' + ((10 - sum % 10) % 10) as u8
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Writes `value` as exactly `out.len()` decimal digits, zero-padded on the left.
fn write_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Longest text a [`Token`] holds: the longest township name is 15 bytes of UTF-8.
const TOKEN_CAPACITY: usize = 32;

/// A short constant string stored in a fixed block, so that copying it into a [`Line`] is one
/// fixed-size move instead of a call to `memcpy` for a handful of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    bytes: [u8; TOKEN_CAPACITY],
    len: usize,
}

const fn token(text: &str) -> Token {
    let source = text.as_bytes();
    assert!(source.len() <= TOKEN_CAPACITY, "token too long");
    let mut bytes = [0u8; TOKEN_CAPACITY];
    let mut i = 0;
    while i < source.len() {
        bytes[i] = source[i];
        i += 1;
    }
    Token {
        bytes,
        len: source.len(),
    }
}

const fn tokens<const N: usize>(texts: [&str; N]) -> [Token; N] {
    let mut out = [token(""); N];
    let mut i = 0;
    while i < N {
        out[i] = token(texts[i]);
        i += 1;
    }
    out
}

/// Room for one row. The longest row the generator can produce is under 256 bytes; the rest is
/// slack for [`Line::push_token`], which always copies a whole token block.
const LINE_CAPACITY: usize = 512;

/// One CSV row being assembled in a fixed buffer.
struct Line {
    bytes: [u8; LINE_CAPACITY],
    len: usize,
}

impl Line {
    fn new() -> Self {
        Line {
            bytes: [0; LINE_CAPACITY],
            len: 0,
        }
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn push_byte(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    fn push_fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.bytes[self.len..self.len + N].copy_from_slice(bytes);
        self.len += N;
    }

    fn push_token(&mut self, token: &Token) {
        self.bytes[self.len..self.len + TOKEN_CAPACITY].copy_from_slice(&token.bytes);
        self.len += token.len;
    }

    fn push_padded(&mut self, value: u64, width: usize) {
        write_digits(&mut self.bytes[self.len..self.len + width], value);
        self.len += width;
    }

    fn push_u32(&mut self, value: u32) {
        let width = value.checked_ilog10().map_or(1, |log| log as usize + 1);
        self.push_padded(value.into(), width);
    }

    /// Cents as yuan with two decimals: 81200 → `812.00`.
    fn push_money(&mut self, cents: u32) {
        self.push_u32(cents / 100);
        self.push_byte(b'.');
        self.push_padded((cents % 100).into(), 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn config(rows: u64, seed: u64) -> Config {
        Config {
            rows,
            seed,
            regions: DEFAULT_REGIONS.to_vec(),
            chinese_headers: false,
            output: None,
        }
    }

    fn in_table(table: &[Token], text: &str) -> bool {
        table
            .iter()
            .any(|token| &token.bytes[..token.len] == text.as_bytes())
    }

    fn generated(config: &Config) -> String {
        let mut out = Vec::new();
        generate(config, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Rows as field lists, without the header. No generated field needs CSV quoting.
    fn rows(text: &str) -> Vec<Vec<&str>> {
        text.lines()
            .skip(1)
            .map(|line| line.split(',').collect())
            .collect()
    }

    fn cents(field: &str) -> u64 {
        let (yuan, fraction) = field.split_once('.').expect("two decimals");
        assert_eq!(fraction.len(), 2, "{field}");
        yuan.parse::<u64>().unwrap() * 100 + fraction.parse::<u64>().unwrap()
    }

    /// Check character computed straight from the standard's formula, independent of the
    /// generator's own table lookup.
    fn reference_check(first17: &str) -> char {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .chars()
            .zip(weights)
            .map(|(c, w)| c.to_digit(10).unwrap() * w)
            .sum();
        ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
    }

    #[test]
    fn check_char_of_published_examples() {
        // Examples printed in GB 11643-1999 and widely reproduced.
        for id in ["11010519491231002X", "440524188001010014"] {
            assert_eq!(
                id_check_char(&id.as_bytes()[..17]),
                id.as_bytes()[17],
                "{id}"
            );
            assert_eq!(
                reference_check(&id[..17]),
                id.chars().last().unwrap(),
                "{id}"
            );
        }
        assert_eq!(
            id_check_char(b"62010219800101001"),
            reference_check("62010219800101001") as u8
        );
    }

    #[test]
    fn same_seed_gives_identical_bytes() {
        let a = generated(&config(5_000, 42));
        let b = generated(&config(5_000, 42));
        assert_eq!(a, b);
        assert_ne!(a, generated(&config(5_000, 43)));
        // A shorter run is a prefix of a longer one with the same seed.
        assert!(a.starts_with(&generated(&config(100, 42))));
    }

    #[test]
    fn output_does_not_depend_on_the_number_of_threads() {
        for rows in [0, 1, BLOCK_ROWS, 2 * BLOCK_ROWS + 17] {
            let config = config(rows, 99);
            let outputs: Vec<Vec<u8>> = [1, 2, 3, 8]
                .into_iter()
                .map(|makers| {
                    let mut out = Vec::new();
                    generate_with(&config, &mut out, makers).unwrap();
                    out
                })
                .collect();
            assert!(
                outputs.windows(2).all(|pair| pair[0] == pair[1]),
                "{rows} rows"
            );
            let text = String::from_utf8(outputs[0].clone()).unwrap();
            assert_eq!(text.lines().count() as u64, rows + 1);
        }
    }

    #[test]
    fn write_errors_are_reported() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        for rows in [0, 10, 5 * BLOCK_ROWS] {
            let error = generate_with(&config(rows, 1), Full, 2).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        }
    }

    #[test]
    fn headers_match_the_roster_columns() {
        let english = generated(&config(0, 1));
        assert_eq!(english, HEADER_EN);
        let chinese = generated(&Config {
            chinese_headers: true,
            ..config(0, 1)
        });
        assert_eq!(chinese, HEADER_ZH);
        assert_eq!(english.split(',').count(), 28);
        assert_eq!(chinese.split(',').count(), 28);
        assert!(chinese.starts_with("户编号,区划代码,城乡类别,"));
        assert!(chinese.ends_with(",户主身份证号,银行账号\n"));
    }

    #[test]
    fn head_ids_are_valid_and_registered_in_the_row_region() {
        let text = generated(&config(20_000, 7));
        for row in rows(&text) {
            let (region, id) = (row[1], row[26]);
            assert_eq!(id.len(), 18, "{id}");
            assert!(id[..17].bytes().all(|b| b.is_ascii_digit()), "{id}");
            assert_eq!(
                reference_check(&id[..17]),
                id.chars().last().unwrap(),
                "{id}"
            );
            assert_eq!(&id[..6], region);
            let year: u32 = id[6..10].parse().unwrap();
            let month: u32 = id[10..12].parse().unwrap();
            let day: u32 = id[12..14].parse().unwrap();
            assert!((1930..=2015).contains(&year), "{id}");
            assert!((1..=12).contains(&month), "{id}");
            assert!(day >= 1 && day <= days_in_month(year, month), "{id}");
        }
    }

    #[test]
    fn leap_days_only_in_leap_years() {
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2012, 2), 29);
        assert_eq!(days_in_month(2015, 2), 28);
        assert_eq!(days_in_month(2015, 4), 30);
    }

    #[test]
    fn rows_keep_the_roster_invariants() {
        let text = generated(&config(50_000, 3));
        let table = rows(&text);
        assert_eq!(table.len(), 50_000);
        for (n, row) in table.iter().enumerate() {
            assert_eq!(row.len(), 28, "{row:?}");
            assert_eq!(row[0], format!("H{:09}", n + 1));
            assert!(["620102", "620103", "620121"].contains(&row[1]));
            assert!(["urban", "rural"].contains(&row[2]));
            let members: u64 = row[3].parse().unwrap();
            assert!((1..=6).contains(&members));
            let (income, exempt, employment) = (cents(row[4]), cents(row[5]), cents(row[6]));
            assert!(income <= 400_000, "{row:?}");
            assert!(exempt <= income, "{row:?}");
            assert!(employment <= income, "{row:?}");
            assert!(exempt + employment <= income, "{row:?}");
            assert!(
                exempt == 0 || (10_000..=30_000).contains(&exempt),
                "{row:?}"
            );
            let employed: u64 = row[7].parse().unwrap();
            assert_eq!(employed == 0, employment == 0, "{row:?}");
            assert!(employed <= 2 && employed <= members, "{row:?}");
            let status = row[8];
            assert!(["none", "dibao", "tekun", "edge"].contains(&status));
            assert!(
                row[9].is_empty() || in_table(&CATEGORIES, row[9]),
                "{row:?}"
            );
            let groups: u64 = row[10..15].iter().map(|c| c.parse::<u64>().unwrap()).sum();
            assert!(groups <= members, "{row:?}");
            if status == "tekun" {
                assert!(["self_care", "partial", "full"].contains(&row[15]));
                assert!(["yes", "no"].contains(&row[16]));
            } else {
                assert_eq!((row[15], row[16]), ("", ""), "{row:?}");
            }
            assert_eq!(row[17], "");
            assert_eq!(row[18].is_empty(), row[19].is_empty(), "{row:?}");
            if !row[18].is_empty() {
                assert_eq!(status, "dibao");
                assert!(
                    row[18].len() == 7 && row[18].starts_with("2022-0"),
                    "{row:?}"
                );
                assert!(row[19].ends_with(".00"), "{row:?}");
            }
            if !row[20].is_empty() {
                assert!(row[20].parse::<u32>().unwrap() <= 6);
            }
            assert!(["yes", "no", ""].contains(&row[21]));
            assert!(["none", "patient", "quarantine", "stranded"].contains(&row[22]));
            assert!(row[23].parse::<u64>().unwrap() <= 80_000);
            assert!(in_table(&TOWNSHIPS, row[24]), "{row:?}");
            assert!((2..=3).contains(&row[25].chars().count()), "{row:?}");
            let account = row[27];
            assert!(
                account.len() == 19 && account.starts_with("6228"),
                "{account}"
            );
            assert!(account.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(
                luhn_check_digit(&account.as_bytes()[..18]),
                account.as_bytes()[18]
            );
        }
    }

    #[test]
    fn mix_is_realistic() {
        let text = generated(&config(100_000, 11));
        let table = rows(&text);
        let share = |predicate: &dyn Fn(&Vec<&str>) -> bool| {
            table.iter().filter(|row| predicate(row)).count() as f64 / table.len() as f64
        };
        let below_line = share(&|row| {
            cents(row[4]) < row[3].parse::<u64>().unwrap() * u64::from(INCOME_LINE_CENTS)
        });
        assert!(
            (0.28..0.40).contains(&below_line),
            "below line {below_line}"
        );
        let status = |name: &'static str| share(&move |row: &Vec<&str>| row[8] == name);
        assert!((0.23..0.27).contains(&status("dibao")));
        assert!((0.02..0.04).contains(&status("tekun")));
        assert!((0.04..0.06).contains(&status("edge")));
        assert!((0.58..0.62).contains(&share(&|row| row[2] == "urban")));
        let exits = share(&|row| !row[18].is_empty()) / status("dibao");
        assert!((0.01..0.03).contains(&exits), "exit share of dibao {exits}");
        assert!(share(&|row| row[9].is_empty()) > 0.8);
        assert!(share(&|row| row[22] == "none") > 0.8);
        assert!(share(&|row| row[5] == "0.00") > 0.8);
        assert!(share(&|row| row[10] == "0") > 0.6);
        let two_or_three = share(&|row| row[3] == "2" || row[3] == "3");
        assert!(two_or_three > 0.5, "two or three members {two_or_three}");
    }

    #[test]
    fn region_codes_are_used_as_given() {
        let text = generated(&Config {
            regions: vec![*b"110105"],
            ..config(200, 5)
        });
        assert!(
            rows(&text)
                .iter()
                .all(|row| row[1] == "110105" && row[26].starts_with("110105"))
        );
    }

    #[test]
    fn money_and_digit_formatting() {
        let mut line = Line::new();
        for cents in [81_200, 5, 0, 400_000] {
            line.push_money(cents);
            line.push_byte(b' ');
        }
        for value in [0, 9, 10, 80_000, u32::MAX] {
            line.push_u32(value);
            line.push_byte(b' ');
        }
        line.push_padded(42, 9);
        assert_eq!(
            String::from_utf8(line.as_bytes().to_vec()).unwrap(),
            "812.00 0.05 0.00 4000.00 0 9 10 80000 4294967295 000000042"
        );
    }

    #[test]
    fn longest_possible_row_fits_the_line_buffer() {
        let longest = |table: &'static [Token]| table.iter().max_by_key(|t| t.len).unwrap();
        let household = Household {
            index: MAX_ROWS,
            region: *b"999999",
            urban: false,
            members: 6,
            monthly_income: MAX_INCOME_CENTS,
            exempt_income: MAX_INCOME_CENTS,
            employment_income: MAX_INCOME_CENTS,
            employed: 2,
            status: Status::Dibao,
            categories: longest(&CATEGORIES),
            groups: [6; 5],
            care_level: longest(&CARE_LEVELS),
            institutional: longest(&YES_NO_EMPTY),
            exit: Some((9, 1500)),
            months_without_income: Some(6),
            unemployment_insured: longest(&YES_NO_EMPTY),
            pandemic: longest(&PANDEMIC),
            assets: MAX_ASSETS,
            township: longest(&TOWNSHIPS),
            head_name: [longest(&SURNAMES), longest(&GIVEN), longest(&GIVEN)],
            head_id: [b'9'; 18],
            bank_account: [b'9'; 19],
        };
        let mut line = Line::new();
        household.write_csv(&mut line);
        assert!(line.len < 256, "{}", line.len);
        assert!(line.len + TOKEN_CAPACITY <= LINE_CAPACITY);
        assert_eq!(line.as_bytes().iter().filter(|&&b| b == b',').count(), 27);
    }

    #[test]
    fn luhn_digit_of_a_known_number() {
        // 79927398713 is the textbook Luhn example.
        assert_eq!(luhn_check_digit(b"7992739871"), b'3');
    }

    #[test]
    fn parses_arguments() {
        let parsed = parse_args(args(&[
            "--rows",
            "10",
            "--seed=9",
            "--region-codes",
            "620102,620121",
            "--chinese-headers",
            "-o",
            "out.csv",
        ]));
        assert_eq!(
            parsed,
            Ok(Command::Generate(Config {
                rows: 10,
                seed: 9,
                regions: vec![*b"620102", *b"620121"],
                chinese_headers: true,
                output: Some(OsString::from("out.csv")),
            }))
        );
        assert_eq!(
            parse_args(args(&["--rows=3", "-o", "-"])),
            Ok(Command::Generate(config(3, DEFAULT_SEED)))
        );
        assert_eq!(parse_args(args(&["--rows", "1", "-h"])), Ok(Command::Help));
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in [
            &[][..],
            &["--rows"],
            &["--rows", "-5"],
            &["--rows", "ten"],
            &["--rows", "1000000000"],
            &["--rows", "1", "--rows", "2"],
            &["--rows", "1", "--seed", "-1"],
            &["--rows", "1", "--seed", "18446744073709551616"],
            &["--rows", "1", "--region-codes", ""],
            &["--rows", "1", "--region-codes", "62010"],
            &["--rows", "1", "--region-codes", "620102,"],
            &["--rows", "1", "--region-codes", "62010x"],
            &["--rows", "1", "--region-codes", "６２０１０２"],
            &["--rows", "1", "--chinese-headers=yes"],
            &["--rows", "1", "--bogus"],
            &["--rows", "1", "extra"],
            &["--rows", "1", "-o"],
        ] {
            assert!(parse_args(args(bad)).is_err(), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn rejects_non_utf8_arguments() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![b'-', b'-', 0xff]);
        assert!(parse_args(vec![OsString::from("--rows"), OsString::from("1"), bad]).is_err());
        let bad_rows = OsString::from_vec(vec![b'1', 0xff]);
        assert!(parse_args(vec![OsString::from("--rows"), bad_rows]).is_err());
    }
}
