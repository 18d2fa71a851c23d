//! Why a household was not compared, as the run reports it (the first few, then a count).

use crate::household::cells::CellError;
use crate::lang::Lang;
use crate::month::Month;
use crate::rules::Decision;
use crate::rules::price_subsidy::HouseholdState;

/// A household left out of the comparison (or out of the weighted totals), with what to say.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// the `--weight` column is empty on this row
    WeightEmpty { line: u64, header: String },
    /// the `--weight` column is not a number on this row
    WeightUnreadable {
        line: u64,
        header: String,
        raw: String,
        error: CellError,
    },
    /// the household's first month not compared: undecided under a policy's rules or its
    /// price subsidy
    NotCompared {
        line: u64,
        household: String,
        month: Month,
        what: Undecided,
        /// the reason codes (`missing:<column>`, `price_subsidy:<outcome>` …)
        reasons: String,
    },
}

/// What was undecided about a household's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undecided {
    /// the rules' decision (undetermined or invalid)
    Rules(Decision),
    /// the rules decided; the price subsidy did not
    Subsidy(HouseholdState),
    /// nothing to name
    Nothing,
}

impl Problem {
    /// The line of the report, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Problem::WeightEmpty { line, header } => match lang {
                Lang::Zh => format!("第 {line} 行：权数列“{header}”为空"),
                Lang::En => format!("row {line}: the weight column \"{header}\" is empty"),
            },
            Problem::WeightUnreadable {
                line,
                header,
                raw,
                error,
            } => match lang {
                Lang::Zh => format!("第 {line} 行：权数列“{header}”（“{raw}”）{}", error.zh()),
                Lang::En => format!(
                    "row {line}: the weight column \"{header}\" (\"{raw}\"): {}",
                    error.en()
                ),
            },
            Problem::NotCompared {
                line,
                household,
                month,
                what,
                reasons,
            } => {
                let what = match (what, lang) {
                    (Undecided::Subsidy(s), Lang::Zh) => format!("{month} 价格临时补贴{}", s.zh()),
                    (Undecided::Subsidy(s), Lang::En) => {
                        format!("{month} price subsidy {}", s.name())
                    }
                    (Undecided::Rules(d), Lang::Zh) => d.zh().to_string(),
                    (Undecided::Rules(d), Lang::En) => d.name().to_string(),
                    (Undecided::Nothing, _) => String::new(),
                };
                match lang {
                    Lang::Zh => {
                        format!("第 {line} 行（户 {household}）：{what}，未比较（{reasons}）")
                    }
                    Lang::En => {
                        format!(
                            "row {line} (household {household}): {what}, not compared ({reasons})"
                        )
                    }
                }
            }
        }
    }
}
