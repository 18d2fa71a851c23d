//! A bank template: loaded, checked, and used to render two payment lines; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = jiuzhu_fuzz::scratch(data, "toml");
    let Ok(template) = jiuzhu::output::bank::Template::load(&path) else {
        return;
    };
    let _ = template.render(&jiuzhu_fuzz_records());
});

/// Two lines of one household, with the characters a bank file must survive.
fn jiuzhu_fuzz_records() -> Vec<jiuzhu::output::bank::Record> {
    let line = |item: &str, amount: i64| jiuzhu::output::bank::Record {
        bank_account: "6222021234567890123".into(),
        head_name: "=张三,\"李\"".into(),
        head_id: "11010119900307663X".into(),
        household_id: "H001".into(),
        township: "城关镇".into(),
        pay_month: "2022-12".into(),
        item: item.into(),
        item_zh: "低保金".into(),
        payment_id: "0123456789abcdef".into(),
        amount: rust_decimal::Decimal::new(amount, 2),
    };
    vec![line("dibao", 174_200), line("uplift", 18_300)]
}
