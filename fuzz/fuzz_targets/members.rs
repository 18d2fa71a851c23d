//! A members file (one row per person), CSV in any encoding or a workbook; nothing may panic.
#![no_main]

use jiuzhu::household::members::Members;
use jiuzhu::household::reader::ReadOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ext = if data.starts_with(b"PK") { "xlsx" } else { "csv" };
    let path = jiuzhu_fuzz::scratch(data, ext);
    let today = chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap();
    if let Ok(m) = Members::load(path.to_str().unwrap(), &ReadOptions::default(), today) {
        let _ = m.persons().count();
    }
});
