//! Assessing a roster: every household parsed, checked for a repeated id and decided for one
//! month, with the counts and totals of the run, the reason codes of a row and the short label
//! a table shows. `check` writes these rows; audit, compare, explain and payouts start from
//! the same decision.

use crate::household::{Household, RowParser};
use crate::lang::Lang;
use crate::pipeline::Row;
use crate::policy::{MonthParams, Policy};
use crate::rules::{self, Decision, Evaluation};
use rust_decimal::Decimal;

/// Money columns, in order: dibao, uplift, tekun basic, tekun care, gradual exit, total.
pub const MONEY: usize = 6;

/// Counts and totals of a run (or of one chunk of it).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// households per decision, in [`Decision::ALL`] order
    pub counts: [u64; 7],
    /// sums of the money columns
    pub totals: [Decimal; MONEY],
    /// the first problems (invalid cells, missing inputs), as sentences
    pub problems: Vec<String>,
    /// how many problems in all
    pub problem_count: u64,
    /// a money total left the decimal range (the totals are then not to be trusted)
    pub overflow: bool,
}

const KEEP_PROBLEMS: usize = 20;

impl Summary {
    /// Counts one household.
    pub fn add(&mut self, policy: &Policy, h: &Household, ev: &Evaluation, lang: Lang) {
        let i = Decision::ALL
            .iter()
            .position(|d| *d == ev.decision)
            .unwrap_or(0);
        self.counts[i] += 1;
        // Most amounts of a household are nothing; the totals are only ever stated to the fen,
        // so adding a zero (which could only change a total's scale) is skipped.
        for (t, v) in self.totals.iter_mut().zip(amounts(ev)) {
            if !v.is_zero() {
                self.overflow |= crate::money::add_to(t, v).is_err();
            }
        }
        // The sentences are made only while fewer than KEEP_PROBLEMS are kept: past them a
        // problem is only counted.
        let count = match ev.decision {
            Decision::Invalid => h.errors.len(),
            Decision::Undetermined => 1,
            _ => 0,
        };
        self.problem_count += count as u64;
        if count == 0 || self.problems.len() >= KEEP_PROBLEMS {
            return;
        }
        let problems = problem_sentences(policy, h, ev, lang);
        for p in problems {
            if self.problems.len() < KEEP_PROBLEMS {
                self.problems.push(p);
            }
        }
    }

    /// Adds a chunk's counts and totals; fails when a money total leaves the decimal range.
    pub fn merge(&mut self, other: Summary) -> Result<(), crate::money::AmountOverflow> {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.overflow |= other.overflow;
        for (a, b) in self.totals.iter_mut().zip(other.totals) {
            self.overflow |= crate::money::add_to(a, b).is_err();
        }
        self.problem_count += other.problem_count;
        for p in other.problems {
            if self.problems.len() < KEEP_PROBLEMS {
                self.problems.push(p);
            }
        }
        if self.overflow {
            return Err(crate::money::AmountOverflow);
        }
        Ok(())
    }

    /// Households in all.
    pub fn households(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Whether every row was decided.
    pub fn all_decided(&self) -> bool {
        self.counts[5] == 0 && self.counts[6] == 0
    }
}

/// The money columns of an evaluation, in [`Summary::totals`] order.
pub fn amounts(ev: &Evaluation) -> [Decimal; MONEY] {
    [
        ev.dibao_amount,
        ev.uplift_amount,
        ev.tekun_basic,
        ev.tekun_care,
        ev.gradual_exit_amount,
        ev.monthly_total(),
    ]
}

/// The `reasons` cell: stable codes separated by `;` (`missing:monthly_income`,
/// `not_money:monthly_income` for a bad cell).
pub fn reasons_cell(h: &Household, ev: &Evaluation) -> String {
    let mut s = String::new();
    write_reasons(&mut s, h, ev);
    s
}

/// [`reasons_cell`] appended to a reused buffer.
pub fn write_reasons(s: &mut String, h: &Household, ev: &Evaluation) {
    let mut push = |a: &str, b: Option<&str>| {
        if !s.is_empty() {
            s.push(';');
        }
        s.push_str(a);
        if let Some(b) = b {
            s.push(':');
            s.push_str(b);
        }
    };
    match ev.decision {
        Decision::Invalid => h.errors.iter().for_each(|e| push(e.code, Some(&e.column))),
        Decision::Undetermined if !ev.missing.is_empty() => ev
            .missing
            .iter()
            .for_each(|c| push("missing", Some(c.name()))),
        _ => ev.reasons.iter().for_each(|r| push(r, None)),
    }
    if ev.decision == Decision::Invalid || ev.decision == Decision::Undetermined {
        h.warnings
            .iter()
            .for_each(|w| push(w.code, Some(&w.column)));
    }
}

/// A few words for a terminal table saying why a row is as it is (the full sentence is
/// [`rules::message`]): the missing or invalid columns, the month of a gradual exit, a
/// household to enrol or to review, a value to check. Read from the evaluation's reason codes
/// only; empty when the decision says it all.
pub fn reason_label(h: &Household, ev: &Evaluation, lang: Lang) -> String {
    use crate::household::columns::Column;
    let column = |name: &str| match (lang, Column::by_name(name)) {
        (Lang::Zh, Some(c)) => c.zh().to_string(),
        _ => name.to_string(),
    };
    let list = |names: Vec<String>| names.join(lang.pick("、", ", "));
    let mut parts: Vec<String> = Vec::new();
    match ev.decision {
        Decision::Invalid => {
            let mut cols: Vec<String> = h.errors.iter().map(|e| column(&e.column)).collect();
            cols.dedup();
            if ev.reasons.contains(&"unknown_region") {
                cols.push(column(Column::Region.name()));
            }
            parts.push(format!(
                "{}{}",
                lang.pick("无效：", "invalid: "),
                list(cols)
            ));
        }
        Decision::Undetermined if !ev.missing.is_empty() => {
            let cols = ev.missing.iter().map(|c| column(c.name())).collect();
            parts.push(format!("{}{}", lang.pick("缺：", "missing: "), list(cols)));
        }
        Decision::Undetermined if ev.reasons.contains(&"tekun_no_policy") => {
            parts.push(lang.pick("政策无特困标准", "no tekun rule").to_string());
        }
        Decision::GradualExit => {
            if let Some(rules::ExitState::InExit(n)) = ev.exit {
                parts.push(match lang {
                    Lang::Zh => format!("渐退第{n}月"),
                    Lang::En => format!("exit month {n}"),
                });
            }
        }
        _ => {}
    }
    for code in &ev.reasons {
        match *code {
            "not_enrolled" => parts.push(lang.pick("待纳入", "to enrol").to_string()),
            "to_review" => parts.push(lang.pick("待复核", "to review").to_string()),
            _ => {}
        }
    }
    if !h.warnings.is_empty() {
        let mut cols: Vec<String> = h.warnings.iter().map(|w| column(&w.column)).collect();
        cols.dedup();
        parts.push(format!("{}{}", lang.pick("核对：", "check: "), list(cols)));
    }
    parts.join(lang.pick("；", "; "))
}

/// The problem sentences of one row, as a run's summary lists them: each invalid cell of an
/// invalid row; for an undetermined row, the cells missing, or the policy table missing when
/// no cell is. A decided row has none.
pub fn problem_sentences(
    policy: &Policy,
    h: &Household,
    ev: &Evaluation,
    lang: Lang,
) -> Vec<String> {
    match ev.decision {
        Decision::Invalid => h.errors.iter().map(|e| e.describe(lang)).collect(),
        // undetermined for want of a policy table, not of a cell: the message says which
        Decision::Undetermined if ev.missing.is_empty() => vec![format!(
            "{}{}",
            match lang {
                Lang::Zh => format!("第 {} 行（户 {}）：", h.row, h.id),
                Lang::En => format!("row {} (household {}): ", h.row, h.id),
            },
            rules::message(policy, h, ev, lang)
        )],
        Decision::Undetermined => vec![crate::output::missing_problem(
            h.row,
            &h.id,
            None,
            &ev.missing,
            lang,
        )],
        _ => Vec::new(),
    }
}

/// Evaluates one raw row: parse, mark a duplicate id, apply the rules.
pub fn evaluate_row(
    policy: &Policy,
    params: &MonthParams,
    parser: &RowParser,
    row: &Row,
    trace: bool,
) -> (Household, Evaluation) {
    let blank = Household {
        row: row.line,
        ..Household::default()
    };
    evaluate_row_into(blank, policy, params, parser, row, trace)
}

/// [`evaluate_row`] into `blank`, a household from [`Household::recycle`] whose buffers the
/// row's text reuses.
pub fn evaluate_row_into(
    blank: Household,
    policy: &Policy,
    params: &MonthParams,
    parser: &RowParser,
    row: &Row,
    trace: bool,
) -> (Household, Evaluation) {
    let mut h = parser.parse_into(blank, |i| row.record.get(i));
    if let Some(first) = row.duplicate_of {
        h.errors.push(crate::household::RowError {
            row: row.line,
            column: "household_id".into(),
            value: h.id.clone(),
            code: "duplicate_household_id",
            zh: format!("户编号与第 {first} 行重复：每户只能出现一次"),
            en: format!("household_id repeats row {first}: each household appears once"),
        });
    }
    let ev = rules::evaluate(policy, params, &h, trace);
    (h, ev)
}

/// Decides the rows of a chunk one after another, reusing one household's buffers, and hands
/// each household and its evaluation to `each`; returns the chunk's counts and totals.
pub fn assess_rows(
    policy: &Policy,
    params: &MonthParams,
    parser: &RowParser,
    rows: &[Row],
    lang: Lang,
    mut each: impl FnMut(&Household, &Evaluation),
) -> Summary {
    let mut summary = Summary::default();
    let mut spare = Household::default();
    for row in rows {
        let blank = spare.recycle(row.line);
        let (h, ev) = evaluate_row_into(blank, policy, params, parser, row, false);
        summary.add(policy, &h, &ev, lang);
        each(&h, &ev);
        spare = h;
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_beyond_the_decimal_range_are_an_error_not_a_panic() {
        let mut a = Summary::default();
        a.totals[MONEY - 1] = Decimal::MAX;
        let mut b = Summary::default();
        b.totals[MONEY - 1] = Decimal::ONE;
        assert_eq!(a.merge(b), Err(crate::money::AmountOverflow));
        let mut c = Summary::default();
        c.totals[0] = Decimal::ONE;
        let mut d = Summary::default();
        assert_eq!(d.merge(c), Ok(()));
        assert_eq!(d.totals[0], Decimal::ONE);
    }
}
