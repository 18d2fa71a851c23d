//! A payment ledger, read and checked as a payout run reads it before paying; nothing may panic.
#![no_main]

use jiuzhu::lang::Lang;
use jiuzhu::month::Month;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = jiuzhu_fuzz::scratch(data, "csv");
    if let Ok(ledger) = jiuzhu::ledger::Ledger::open(&path, false, Lang::Zh, || {}) {
        let month: Month = "2022-12".parse().unwrap();
        let _ = ledger.is_paid("P0123456789abcdef", "H001", month, "dibao");
    }
});
