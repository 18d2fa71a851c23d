//! A price-index series in any encoding; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = jiuzhu_fuzz::scratch(data, "csv");
    if let Ok(series) = jiuzhu::index::IndexSeries::load(path.to_str().unwrap()) {
        let _ = series.span();
        let _ = series.areas();
    }
});
