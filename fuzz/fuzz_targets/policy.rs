//! A policy file: parsed and checked, then resolved for a few months; nothing may panic.
#![no_main]

use jiuzhu::month::Month;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = jiuzhu::policy::Policy::parse(text, "fuzz.toml") else {
        return;
    };
    for m in ["2016-08", "2022-01", "2022-12", "2023-03"] {
        let month: Month = m.parse().unwrap();
        let _ = policy.check_verified(month, true);
        let _ = policy.month_params(month);
    }
});
