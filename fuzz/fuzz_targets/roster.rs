//! A roster in any encoding, or a workbook (the reader decides by the file's first bytes): every
//! record is parsed into a household and evaluated; nothing may panic.
#![no_main]

use jiuzhu::household::RowParser;
use jiuzhu::household::reader::{self, ReadOptions};
use jiuzhu::household::record::Record;
use jiuzhu::month::Month;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static POLICY: OnceLock<jiuzhu::policy::Policy> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let policy = POLICY.get_or_init(jiuzhu_fuzz::policy);
    let month: Month = "2022-12".parse().unwrap();
    let params = policy.month_params(month).unwrap();
    let ext = if data.starts_with(b"PK") { "xlsx" } else { "csv" };
    let path = jiuzhu_fuzz::scratch(data, ext);
    let opts = ReadOptions::default();
    let Ok(mut source) = reader::open(path.to_str().unwrap(), &opts) else {
        return;
    };
    let today = chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap();
    let Ok(parser) = RowParser::new(policy, source.header_map().clone(), None, today) else {
        return;
    };
    let mut rec = Record::new();
    while let Ok(Some(line)) = source.next_record(&mut rec) {
        let h = parser.parse(line, |i| rec.get(i));
        let ev = jiuzhu::rules::evaluate(policy, &params, &h, true);
        let _ = format!("{ev:?}");
    }
});
