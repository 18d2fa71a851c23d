//! Under the month table: which groups are paid on which standard; and the months' summary on
//! stderr.

use super::months::MonthView;
use crate::lang::Lang;
use crate::month::Month;
use crate::rules::price_subsidy::{AreaMonth, MonthState, group_zh};

impl MonthView<'_> {
    /// Which groups are paid on which standard, under the table.
    pub fn legend(&self, lang: Lang) -> String {
        let windowed = |g: &str| {
            self.ps
                .trigger
                .iter()
                .any(|t| t.extra_groups.iter().any(|e| e == g))
        };
        let name = |g: &str| {
            let n = match lang {
                Lang::Zh => group_zh(g).to_string(),
                Lang::En => g.to_string(),
            };
            if windowed(g) { format!("{n}*") } else { n }
        };
        let by = |want: crate::policy::model::Base| {
            self.groups
                .iter()
                .filter(|g| self.ps.groups.get(**g) == Some(&want))
                .map(|g| name(g))
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "))
        };
        use crate::policy::model::Base;
        let mut parts = Vec::new();
        for (base, zh, en) in [
            (Base::Own, "按本人城乡标准", "own residence"),
            (Base::Urban, "按城市标准", "urban standard"),
            (Base::Rural, "按农村标准", "rural standard"),
        ] {
            let list = by(base);
            if !list.is_empty() {
                parts.push(match lang {
                    Lang::Zh => format!("{list}（{zh}）"),
                    Lang::En => format!("{list} ({en})"),
                });
            }
        }
        let mut s = match lang {
            Lang::Zh => format!("补贴对象：{}", parts.join("；")),
            Lang::En => format!("groups: {}", parts.join("; ")),
        };
        if self.groups.iter().any(|g| windowed(g)) {
            s += lang.pick(
                "；* 仅在临时扩围期间",
                "; * only while a trigger entry naming them is in force",
            );
        }
        s += lang.pick(
            "。同时属于多个类别的，按最高标准发放一份。\n",
            ". A person in several groups is paid once, at the highest amount.\n",
        );
        s
    }

    pub fn print_summary(&self, lang: Lang, from: Month, to: Month) {
        let mut triggered = Vec::new();
        let mut undetermined = Vec::new();
        let mut not = 0usize;
        for (m, ams) in self.by_month() {
            let fired: Vec<&&AreaMonth> = ams
                .iter()
                .filter(|am| am.status.state == MonthState::Triggered)
                .collect();
            let open: Vec<&&AreaMonth> = ams
                .iter()
                .filter(|am| !am.status.state.is_determined())
                .collect();
            let label = |some: &[&&AreaMonth]| {
                if some.len() == ams.len() {
                    m.to_string()
                } else {
                    let names: Vec<String> = some.iter().map(|am| self.area_name(am)).collect();
                    format!("{m} ({})", names.join(" "))
                }
            };
            if !fired.is_empty() {
                triggered.push(label(&fired));
            }
            if !open.is_empty() {
                undetermined.push(label(&open));
            }
            if fired.is_empty() && open.is_empty() {
                not += 1;
            }
        }
        let months = to.since(from) + 1;
        // The months of a count, after it in brackets (with a note), when there are any.
        let listed = |items: &[String], zh_note: &str, en_note: &str| {
            if items.is_empty() {
                String::new()
            } else {
                match lang {
                    Lang::Zh => format!("（{}{zh_note}）", items.join("、")),
                    Lang::En => format!(" ({}{en_note})", items.join(", ")),
                }
            }
        };
        let triggered_list = listed(&triggered, "", "");
        let undetermined_list = listed(
            &undetermined,
            "：指数缺失或为空",
            ": index row missing or empty",
        );
        match lang {
            Lang::Zh => eprintln!(
                "jiuzhu subsidy 指数月份 {from}..{to}（{months} 个月）：启动 {} 个月{triggered_list}，未启动 {not} 个月，待定 {} 个月{undetermined_list}",
                triggered.len(),
                undetermined.len(),
            ),
            Lang::En => eprintln!(
                "jiuzhu subsidy index months {from}..{to} ({months} months): {} triggered{triggered_list}, {not} not triggered, {} undetermined{undetermined_list}",
                triggered.len(),
                undetermined.len(),
            ),
        }
    }
}
