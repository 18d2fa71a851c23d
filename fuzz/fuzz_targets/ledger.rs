//! A payment ledger, read as a payout run reads it before paying; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = jiuzhu_fuzz::scratch(data, "csv");
    if let Ok(ledger) = jiuzhu::ledger::Ledger::open(&path, false, || {}) {
        let _ = ledger.is_paid("0123456789abcdef", "H001", "dibao");
    }
});
