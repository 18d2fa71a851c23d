//! The schedule of one household over the months of a range.

use super::config::{Config, SubsidyRun};
use super::item::{Item, Line, LineStatus, Notice, NoticeKind, Payee, payment_id};
use crate::household::Household;
use crate::household::Status;
use crate::household::columns::Column;
use crate::lang::Lang;
use crate::money::{Rounding, fmt_money};
use crate::month::Month;
use crate::rules::price_subsidy::{self as ps_rules, HouseholdState, MonthState, group_zh};
use crate::rules::temporary::Kind;
use crate::rules::{self, Decision, Evaluation, approval, groups, one_off, temporary};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The schedule of one household.
#[derive(Debug, Clone)]
pub struct HouseholdSchedule {
    /// who
    pub payee: Payee,
    /// its lines (payee index 0 until placed)
    pub lines: Vec<Line>,
    /// its notices (payee index 0 until placed)
    pub notices: Vec<Notice>,
}

/// The schedule of one household over the months of `cfg`: regular items for enrolled
/// households the rules still pay, one-off items in their pay month, each temporary kind once
/// (in the first month whose data meets its rule). A malformed head_id holds every line.
pub fn schedule_household(cfg: &Config, h: &Household) -> HouseholdSchedule {
    let policy = cfg.policy;
    let lang = cfg.lang;
    let payee = Payee {
        row: h.row,
        id: h.id.clone(),
        township: h.township.clone(),
        head_name: h.head_name.clone(),
        head_id: h.head_id.clone(),
        bank_account: h.bank_account.clone(),
    };
    let mut lines = Vec::new();
    let mut notes: BTreeMap<(NoticeKind, String), Vec<Month>> = BTreeMap::new();
    let mut note =
        |kind, detail: String, m: Month| notes.entry((kind, detail)).or_default().push(m);
    if !h.is_valid() {
        let detail = h
            .errors
            .iter()
            .map(|e| e.describe(lang))
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "));
        for p in &cfg.months {
            note(NoticeKind::Invalid, detail.clone(), p.month);
        }
        return finish(payee, lines, notes);
    }
    let mut temp_paid = [false; Kind::ALL.len()];
    let mut temp_missing: [Option<(Vec<Column>, Month)>; Kind::ALL.len()] = Default::default();
    // Every month's evaluation, kept: the price subsidy paid in a month reads the evaluation
    // of its index month, which is an earlier month of the range unless the lag reaches back
    // before it.
    // A month whose parameters for the household's area are those of the month before shares
    // its evaluation and sentence: the rules read the month itself only for a gradual exit.
    let month_free = h.exit_start.is_none() || policy.file.gradual_exit.is_none();
    let mut distinct: Vec<Evaluation> = Vec::new();
    let mut at: Vec<usize> = Vec::with_capacity(cfg.months.len());
    for (i, p) in cfg.months.iter().enumerate() {
        match at.last() {
            Some(&k) if month_free && same_area_params(h, &cfg.months[i - 1], p) => at.push(k),
            _ => {
                distinct.push(rules::evaluate(policy, p, h, false));
                at.push(distinct.len() - 1);
            }
        }
    }
    let evs: Vec<&Evaluation> = at.iter().map(|&k| &distinct[k]).collect();
    let messages: Vec<std::cell::OnceCell<String>> = distinct
        .iter()
        .map(|_| std::cell::OnceCell::new())
        .collect();
    for ((params, ev), &k) in cfg.months.iter().zip(&evs).zip(&at) {
        let ev: &Evaluation = ev;
        let m = params.month;
        let Some(area) = h.area.and_then(|a| params.areas.get(a)) else {
            continue;
        };
        let mut push = |item: Item, amount: Decimal, approval: &'static str, reason: String| {
            // Amounts leave the tool stated to the fen; the line is what the bank pays, so the
            // totals are sums of these rounded lines.
            let amount = Rounding::Fen.apply(amount);
            if amount > Decimal::ZERO {
                lines.push(Line {
                    payment_id: payment_id(&h.id, m, &item.name(policy)),
                    pay_month: m,
                    payee: 0,
                    item,
                    amount,
                    approval,
                    reason,
                    status: LineStatus::Pay,
                });
            }
        };
        match ev.decision {
            // undetermined for want of a policy table, not of a cell: the message says which
            Decision::Undetermined if ev.missing.is_empty() => {
                note(
                    NoticeKind::Undetermined,
                    rules::message(policy, h, ev, lang),
                    m,
                );
            }
            Decision::Undetermined => {
                let cols = missing_text(&ev.missing, lang);
                note(
                    NoticeKind::Undetermined,
                    format!("{}{cols}", lang.pick("缺少：", "missing: ")),
                    m,
                );
            }
            Decision::Invalid => {
                note(NoticeKind::Invalid, ev.reasons.join(";"), m);
            }
            _ => {}
        }
        let message = || {
            messages[k]
                .get_or_init(|| rules::message(policy, h, ev, lang))
                .clone()
        };
        match (h.status, ev.decision) {
            (Status::Tekun, Decision::Tekun) => {
                let msg = message();
                push(
                    Item::TekunBasic,
                    ev.tekun_basic,
                    approval::ROUTINE,
                    msg.clone(),
                );
                push(Item::TekunCare, ev.tekun_care, approval::ROUTINE, msg);
            }
            (Status::Dibao, Decision::Dibao) => {
                let msg = message();
                push(Item::Dibao, ev.dibao_amount, approval::ROUTINE, msg.clone());
                push(Item::Uplift, ev.uplift_amount, approval::ROUTINE, msg);
            }
            (Status::Dibao, Decision::GradualExit) => {
                push(
                    Item::GradualExit,
                    ev.gradual_exit_amount,
                    approval::ROUTINE,
                    message(),
                );
            }
            _ => {}
        }
        if ev.to_enrol(h) {
            note(NoticeKind::ToEnrol, message(), m);
        }
        if ev.to_review(h) {
            note(NoticeKind::ToReview, message(), m);
        }
        let groups = groups::household_groups(h, ev);
        let persons = groups::person_groups(h, ev);
        for (i, item) in policy.file.one_off.iter().enumerate() {
            if item.pay_month != m {
                continue;
            }
            match one_off::award(policy, item, h, &groups, persons.as_deref()) {
                one_off::Outcome::Pay(a) => push(
                    Item::OneOff(i),
                    a.amount,
                    approval::ROUTINE,
                    lang.pick(&a.zh, &a.en).to_string(),
                ),
                one_off::Outcome::Undetermined(cols) => note(
                    NoticeKind::Undetermined,
                    format!(
                        "{}: {}{}",
                        Item::OneOff(i).name(policy),
                        lang.pick("缺少：", "missing: "),
                        missing_text(&cols, lang)
                    ),
                    m,
                ),
                one_off::Outcome::NotCovered => {}
            }
        }
        if let Some(run) = &cfg.subsidy {
            match price_subsidy(cfg, run, h, m, &evs) {
                SubsidyLine::Pay(amount, reason) => {
                    push(Item::PriceSubsidy, amount, approval::ROUTINE, reason)
                }
                SubsidyLine::Notice(kind, detail) => note(kind, detail, m),
                SubsidyLine::Nothing => {}
            }
        }
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            if temp_paid[k] {
                continue;
            }
            match temporary::judge(policy, kind, area, h, &groups) {
                temporary::Outcome::Pay(a) => {
                    let amount = Rounding::Fen.apply(a.amount);
                    let route = approval::route(policy, area, &h.region, h.residence, amount);
                    let reason = format!(
                        "{}{}{}",
                        lang.pick(&a.zh, &a.en),
                        lang.pick("；审批：", "; approval: "),
                        route.describe()
                    );
                    push(Item::Temporary(kind), amount, route.level.code(), reason);
                    temp_paid[k] = true;
                }
                temporary::Outcome::Undetermined(cols) => {
                    if temp_missing[k].is_none() {
                        temp_missing[k] = Some((cols, m));
                    }
                }
                temporary::Outcome::NotApplicable(_) => {}
            }
        }
    }
    for (k, kind) in Kind::ALL.into_iter().enumerate() {
        if let (false, Some((cols, m))) = (temp_paid[k], &temp_missing[k]) {
            note(
                NoticeKind::Undetermined,
                format!(
                    "temporary:{}: {}{}",
                    kind.name(),
                    lang.pick("缺少：", "missing: "),
                    missing_text(cols, lang)
                ),
                *m,
            );
        }
    }
    if let Some(w) = h
        .warnings
        .iter()
        .find(|w| w.column == Column::HeadId.name())
    {
        let why = format!(
            "{}{}",
            lang.pick(
                "户主身份证号有误，暂缓发放：",
                "head_id is malformed, held: "
            ),
            w.reason(lang)
        );
        for l in &mut lines {
            l.status = LineStatus::Held("malformed_head_id");
            l.reason = format!("{why}{}{}", lang.pick("。", ". "), l.reason);
        }
        for l in &lines {
            note(NoticeKind::HeldId, why.clone(), l.pay_month);
        }
    }
    finish(payee, lines, notes)
}

/// What the price subsidy gives a household in one pay month.
enum SubsidyLine {
    /// a `price_subsidy` line: the amount and its reason
    Pay(Decimal, String),
    /// not paid, listed: undetermined (missing index or roster value) or invalid
    Notice(NoticeKind, String),
    /// nothing: the index month is not triggered, or none of the household's groups is covered
    Nothing,
}

/// Whether two months hold the same parameters for the household's area (the month aside).
fn same_area_params(
    h: &Household,
    a: &crate::policy::MonthParams,
    b: &crate::policy::MonthParams,
) -> bool {
    match h.area.map(|i| (a.areas.get(i), b.areas.get(i))) {
        None | Some((None, None)) => true,
        Some((Some(x), Some(y))) => {
            (&x.area, &x.urban, &x.rural, &x.care_base)
                == (&y.area, &y.urban, &y.rural, &y.care_base)
        }
        Some(_) => false,
    }
}

/// The price subsidy paid to `h` in `pay` — the library's reading, as `subsidy` gives it for
/// the index month `pay − index_lag`: its trigger, formula and standard, and the household's
/// groups judged by the rules of that index month (`evs` holds the evaluation of every month
/// of the range; an index month before the range is evaluated here). The household is
/// evaluated only when the outcome depends on it.
fn price_subsidy(
    cfg: &Config,
    run: &SubsidyRun,
    h: &Household,
    pay: Month,
    evs: &[&Evaluation],
) -> SubsidyLine {
    let policy = cfg.policy;
    let lang = cfg.lang;
    let Some(ps) = policy.file.price_subsidy.as_ref() else {
        return SubsidyLine::Nothing;
    };
    let im = run.table.index_month(pay);
    // A row whose region is in no area is already listed invalid by the regular items.
    let Some(am) = h.area.and_then(|a| run.table.get(a, im)) else {
        return SubsidyLine::Nothing;
    };
    let first = cfg.months.first().map_or(pay, |p| p.month);
    let early;
    let ev: Option<&Evaluation> = if im >= first {
        evs.get(im.since(first) as usize).copied()
    } else {
        early = run
            .early
            .get(&im)
            .map(|p| rules::evaluate(policy, p, h, false));
        early.as_ref()
    };
    // `with_index` resolves the parameters of every triggered index month before the range,
    // and `evs` covers the range (the lag is never negative), so a triggered month always
    // finds its evaluation.
    let s = ps_rules::paid_in(&run.table, policy, h, |_| ev, pay, false);
    let label = Item::PriceSubsidy.name(policy);
    match s.state {
        HouseholdState::Paid => {
            let fired = am.status.fired;
            let several = s.covered.len() > 1;
            // one share per group and amount paid (several only with a members file)
            let paid = |zh: bool| {
                s.shares
                    .iter()
                    .map(|x| {
                        let per = fmt_money(x.per_person);
                        if zh {
                            format!("{} 每人 {per} 元 × {} 人", group_zh(x.group), x.persons)
                        } else {
                            format!("{} {per} per person × {}", x.group, x.persons)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            let reason = match lang {
                Lang::Zh => format!(
                    "指数月份 {im} 启动（{}）：{}{}",
                    fired.zh(),
                    paid(true),
                    if several {
                        "（同属多个类别，按最高标准发放一份）"
                    } else {
                        ""
                    }
                ),
                Lang::En => format!(
                    "index month {im} triggered ({}): {}{}",
                    fired.name(),
                    paid(false),
                    if several {
                        " (in several groups: paid once, at the highest)"
                    } else {
                        ""
                    }
                ),
            };
            SubsidyLine::Pay(s.amount, reason)
        }
        HouseholdState::NotTriggered | HouseholdState::NotCovered => SubsidyLine::Nothing,
        HouseholdState::MissingIndex => {
            // Listed only for a household the month could pay: one in a group the trigger in
            // force covers (when the index month's rules are not in force, every household).
            let could = ev.is_none_or(|ev| {
                groups::household_groups(h, ev)
                    .iter()
                    .any(|g| ps_rules::covers(ps, &am.status.trigger, g).is_some())
            });
            if !could {
                return SubsidyLine::Nothing;
            }
            let lag = ps.index_lag;
            let detail = match &am.status.state {
                MonthState::Incomplete(cols) => format!(
                    "{label}: {}{}",
                    lang.pick(
                        "对应指数月份的指数值为空，待定未发放：",
                        "the index month's values are empty, undetermined, not paid: "
                    ),
                    cols.join(", ")
                ),
                _ => match lang {
                    Lang::Zh => format!(
                        "{label}: 指数文件缺少对应指数月份（发放月份前 {lag} 个月）的数据，待定未发放"
                    ),
                    Lang::En => format!(
                        "{label}: the index file has no row for the index month (pay month − {lag}), undetermined, not paid"
                    ),
                },
            };
            SubsidyLine::Notice(NoticeKind::Undetermined, detail)
        }
        HouseholdState::Undetermined => SubsidyLine::Notice(
            NoticeKind::Undetermined,
            format!(
                "{label}: {}{}",
                lang.pick("缺少：", "missing: "),
                missing_text(&s.missing, lang)
            ),
        ),
        HouseholdState::Invalid => SubsidyLine::Notice(
            NoticeKind::Invalid,
            format!(
                "{label}: {}",
                ev.map(|ev| ev.reasons.join(";")).unwrap_or_default()
            ),
        ),
    }
}

fn finish(
    payee: Payee,
    lines: Vec<Line>,
    notes: BTreeMap<(NoticeKind, String), Vec<Month>>,
) -> HouseholdSchedule {
    let notices = notes
        .into_iter()
        .map(|((kind, detail), mut months)| {
            months.sort();
            months.dedup();
            Notice {
                payee: 0,
                kind,
                months,
                detail,
            }
        })
        .collect();
    HouseholdSchedule {
        payee,
        lines,
        notices,
    }
}

fn missing_text(cols: &[Column], lang: Lang) -> String {
    cols.iter()
        .map(|c| match lang {
            Lang::Zh => format!("{}（{}）", c.zh(), c.name()),
            Lang::En => c.name().to_string(),
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}
