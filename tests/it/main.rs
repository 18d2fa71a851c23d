//! The integration tests: the real binary, run in temporary folders.

mod audit;
mod check;
mod compare;
mod coverage;
mod explain;
mod golden;
mod hostile;
mod layering;
mod numbers;
mod payouts;
mod policytest;
mod report;
mod rosters;
mod safety;
mod source;
mod subsidy;
mod validate;
mod workdir;

/// Money as the tool states it: two decimals.
pub fn fmt2(d: rust_decimal::Decimal) -> String {
    let mut d = d;
    d.rescale(2);
    d.to_string()
}
