//! A schedule kept on disk rather than in memory: each month's lines in its own unnamed
//! temporary file, in roster order, and the notices in another, so a run's memory does not
//! grow with its lines. Read back as often as the outputs need, with the holds that need the
//! whole roster (a payee shared between households) applied on the way out.

use super::item::{Item, Line, LineStatus, Notice, NoticeKind, Payee};
use crate::month::Month;
use crate::rules::approval;
use crate::rules::temporary::Kind;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

const BUFFER: usize = 1 << 16;

/// Lines and notices written in roster order, read back by month.
pub struct Spool {
    months: Vec<Month>,
    lines: Vec<BufWriter<File>>,
    notices: BufWriter<File>,
    /// lines written per month
    counts: Vec<u64>,
}

/// One payment line as read back, with its household.
#[derive(Debug, Clone)]
pub struct Spooled {
    /// the household's place in the roster (0, 1, …), the sort key of the outputs
    pub seq: u64,
    /// the household
    pub payee: Payee,
    /// the line (its `payee` index is 0)
    pub line: Line,
}

/// One notice as read back, with its household.
#[derive(Debug, Clone)]
pub struct SpooledNotice {
    /// the household's place in the roster
    pub seq: u64,
    /// the household
    pub payee: Payee,
    /// the notice (its `payee` index is 0)
    pub notice: Notice,
}

impl Spool {
    /// An empty spool for the months of a range.
    pub fn new(months: Vec<Month>) -> io::Result<Spool> {
        let lines = months
            .iter()
            .map(|_| tempfile::tempfile().map(|f| BufWriter::with_capacity(BUFFER, f)))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Spool {
            counts: vec![0; months.len()],
            months,
            lines,
            notices: BufWriter::with_capacity(BUFFER, tempfile::tempfile()?),
        })
    }

    /// The months of the range.
    pub fn months(&self) -> &[Month] {
        &self.months
    }

    /// Lines spooled in month `i` of the range.
    pub fn count(&self, i: usize) -> u64 {
        self.counts[i]
    }

    /// Adds a household's line (households in roster order, a household's lines of a month
    /// in item order).
    pub fn push_line(&mut self, seq: u64, payee: &Payee, l: &Line) -> io::Result<()> {
        let Some(i) = self.months.iter().position(|m| *m == l.pay_month) else {
            return Err(io::Error::other("a line outside the range"));
        };
        self.counts[i] += 1;
        let w = &mut self.lines[i];
        put_u64(w, seq)?;
        put_payee(w, payee)?;
        put_str(w, &l.payment_id)?;
        let (tag, n) = item_code(l.item);
        w.write_all(&[tag])?;
        put_u64(w, n)?;
        w.write_all(&l.amount.serialize())?;
        w.write_all(&[approval_code(l.approval)])?;
        put_str(w, &l.reason)?;
        w.write_all(&[status_code(l.status)])
    }

    /// Adds a household's notice (households in roster order, a household's notices in the
    /// order they are written).
    pub fn push_notice(&mut self, seq: u64, payee: &Payee, n: &Notice) -> io::Result<()> {
        let w = &mut self.notices;
        put_u64(w, seq)?;
        put_payee(w, payee)?;
        w.write_all(&[n.kind as u8])?;
        put_u64(w, n.months.len() as u64)?;
        for m in &n.months {
            put_str(w, &m.to_string())?;
        }
        put_str(w, &n.detail)
    }

    /// Ends the writing: the spool is read from here on.
    pub fn finish(&mut self) -> io::Result<()> {
        for w in self.lines.iter_mut().chain([&mut self.notices]) {
            w.flush()?;
        }
        Ok(())
    }

    /// The lines of month `i` of the range, in roster order.
    pub fn lines(&self, i: usize) -> io::Result<LineReader> {
        Ok(LineReader {
            r: reader(self.lines[i].get_ref())?,
            left: self.counts[i],
            month: self.months[i],
        })
    }

    /// The notices, in roster order.
    pub fn notices(&self) -> io::Result<NoticeReader> {
        Ok(NoticeReader {
            r: reader(self.notices.get_ref())?,
        })
    }
}

fn reader(f: &File) -> io::Result<BufReader<File>> {
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(0))?;
    Ok(BufReader::with_capacity(BUFFER, f))
}

/// Reads back one month's lines.
pub struct LineReader {
    r: BufReader<File>,
    left: u64,
    month: Month,
}

impl Iterator for LineReader {
    type Item = io::Result<Spooled>;

    fn next(&mut self) -> Option<io::Result<Spooled>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.read())
    }
}

impl LineReader {
    fn read(&mut self) -> io::Result<Spooled> {
        let r = &mut self.r;
        let seq = get_u64(r)?;
        let payee = get_payee(r)?;
        let payment_id = get_str(r)?;
        let tag = get_u8(r)?;
        let n = get_u64(r)?;
        let mut amount = [0u8; 16];
        r.read_exact(&mut amount)?;
        let approval = approval_name(get_u8(r)?);
        let reason = get_str(r)?;
        let status = status_of(get_u8(r)?);
        Ok(Spooled {
            seq,
            payee,
            line: Line {
                payment_id,
                pay_month: self.month,
                payee: 0,
                item: item_of(tag, n)?,
                amount: Decimal::deserialize(amount),
                approval,
                reason,
                status,
            },
        })
    }
}

/// Reads back the notices.
pub struct NoticeReader {
    r: BufReader<File>,
}

impl Iterator for NoticeReader {
    type Item = io::Result<SpooledNotice>;

    fn next(&mut self) -> Option<io::Result<SpooledNotice>> {
        match self.r.fill_buf_empty() {
            Ok(true) => None,
            Ok(false) => Some(self.read()),
            Err(e) => Some(Err(e)),
        }
    }
}

trait AtEnd {
    fn fill_buf_empty(&mut self) -> io::Result<bool>;
}

impl AtEnd for BufReader<File> {
    fn fill_buf_empty(&mut self) -> io::Result<bool> {
        use std::io::BufRead;
        Ok(self.fill_buf()?.is_empty())
    }
}

impl NoticeReader {
    fn read(&mut self) -> io::Result<SpooledNotice> {
        let r = &mut self.r;
        let seq = get_u64(r)?;
        let payee = get_payee(r)?;
        let kind = notice_kind(get_u8(r)?)?;
        let n = get_u64(r)?;
        let mut months = Vec::with_capacity(n.min(1024) as usize);
        for _ in 0..n {
            months.push(
                get_str(r)?
                    .parse::<Month>()
                    .map_err(|_| io::Error::other("a spooled month"))?,
            );
        }
        let detail = get_str(r)?;
        Ok(SpooledNotice {
            seq,
            payee,
            notice: Notice {
                payee: 0,
                kind,
                months,
                detail,
            },
        })
    }
}

/// The notices with the shared-payee notices of `shared` (by roster place) put after each
/// household's own, as a whole schedule sorted by household and kind has them.
pub fn merge_shared(
    notices: NoticeReader,
    shared: &BTreeMap<u64, (Payee, Notice)>,
) -> impl Iterator<Item = io::Result<SpooledNotice>> + '_ {
    let mut pending = shared.iter().peekable();
    let mut notices = notices.peekable();
    std::iter::from_fn(move || {
        let next_seq = match notices.peek() {
            Some(Ok(n)) => Some(n.seq),
            Some(Err(_)) => return notices.next(),
            None => None,
        };
        match pending.peek() {
            Some((s, _)) if next_seq.is_none_or(|n| **s < n) => {
                let (s, (p, n)) = pending.next()?;
                Some(Ok(SpooledNotice {
                    seq: *s,
                    payee: p.clone(),
                    notice: n.clone(),
                }))
            }
            _ => notices.next(),
        }
    })
}

fn put_u64(w: &mut impl Write, v: u64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    put_u64(w, s.len() as u64)?;
    w.write_all(s.as_bytes())
}

fn put_payee(w: &mut impl Write, p: &Payee) -> io::Result<()> {
    put_u64(w, p.row)?;
    for s in [
        &p.id,
        &p.township,
        &p.head_name,
        &p.head_id,
        &p.bank_account,
    ] {
        put_str(w, s)?;
    }
    Ok(())
}

fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn get_str(r: &mut impl Read) -> io::Result<String> {
    let n = get_u64(r)? as usize;
    let mut b = vec![0u8; n];
    r.read_exact(&mut b)?;
    String::from_utf8(b).map_err(io::Error::other)
}

fn get_payee(r: &mut impl Read) -> io::Result<Payee> {
    Ok(Payee {
        row: get_u64(r)?,
        id: get_str(r)?,
        township: get_str(r)?,
        head_name: get_str(r)?,
        head_id: get_str(r)?,
        bank_account: get_str(r)?,
    })
}

fn item_code(item: Item) -> (u8, u64) {
    match item {
        Item::Dibao => (0, 0),
        Item::Uplift => (1, 0),
        Item::TekunBasic => (2, 0),
        Item::TekunCare => (3, 0),
        Item::GradualExit => (4, 0),
        Item::PriceSubsidy => (5, 0),
        Item::OneOff(i) => (6, i as u64),
        Item::Temporary(k) => (
            7,
            Kind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u64,
        ),
    }
}

fn item_of(tag: u8, n: u64) -> io::Result<Item> {
    Ok(match tag {
        0 => Item::Dibao,
        1 => Item::Uplift,
        2 => Item::TekunBasic,
        3 => Item::TekunCare,
        4 => Item::GradualExit,
        5 => Item::PriceSubsidy,
        6 => Item::OneOff(n as usize),
        7 => Item::Temporary(
            *Kind::ALL
                .get(n as usize)
                .ok_or_else(|| io::Error::other("a spooled item"))?,
        ),
        _ => return Err(io::Error::other("a spooled item")),
    })
}

const APPROVALS: [&str; 5] = [
    approval::ROUTINE,
    "township",
    "county",
    "city",
    approval::CASE_BY_CASE,
];

fn approval_code(a: &str) -> u8 {
    APPROVALS.iter().position(|x| *x == a).unwrap_or(4) as u8
}

fn approval_name(c: u8) -> &'static str {
    APPROVALS
        .get(c as usize)
        .copied()
        .unwrap_or(approval::CASE_BY_CASE)
}

const HELD: [&str; 3] = ["malformed_head_id", "no_bank_account", "shared_payee"];

fn status_code(s: LineStatus) -> u8 {
    match s {
        LineStatus::Pay => 0,
        LineStatus::Held(why) => HELD
            .iter()
            .position(|x| *x == why)
            .map_or(255, |i| i as u8 + 1),
    }
}

fn status_of(c: u8) -> LineStatus {
    match c {
        0 => LineStatus::Pay,
        c => LineStatus::Held(HELD.get(c as usize - 1).copied().unwrap_or("held")),
    }
}

const KINDS: [NoticeKind; 7] = [
    NoticeKind::ToEnrol,
    NoticeKind::ToReview,
    NoticeKind::Undetermined,
    NoticeKind::Invalid,
    NoticeKind::HeldId,
    NoticeKind::NoBankAccount,
    NoticeKind::SharedPayee,
];

fn notice_kind(c: u8) -> io::Result<NoticeKind> {
    KINDS
        .get(c as usize)
        .copied()
        .ok_or_else(|| io::Error::other("a spooled notice"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payee(id: &str) -> Payee {
        Payee {
            row: 7,
            id: id.into(),
            township: "城关镇".into(),
            head_name: "张三".into(),
            head_id: "62010219800101001X".into(),
            bank_account: String::new(),
        }
    }

    fn line(month: Month, item: Item, status: LineStatus) -> Line {
        Line {
            payment_id: super::super::payment_id("H1", month, "x"),
            pay_month: month,
            payee: 0,
            item,
            amount: Decimal::new(123456, 2),
            approval: "county",
            reason: "原因\n, \"quoted\"".into(),
            status,
        }
    }

    #[test]
    fn lines_and_notices_read_back_as_written_by_month_and_in_order() {
        let (may, june): (Month, Month) = ("2022-05".parse().unwrap(), "2022-06".parse().unwrap());
        let mut s = Spool::new(vec![may, june]).unwrap();
        let written = [
            (
                0,
                line(june, Item::Temporary(Kind::ALL[1]), LineStatus::Pay),
            ),
            (
                0,
                line(may, Item::OneOff(3), LineStatus::Held("no_bank_account")),
            ),
            (
                5,
                line(may, Item::PriceSubsidy, LineStatus::Held("shared_payee")),
            ),
        ];
        for (seq, l) in &written {
            s.push_line(*seq, &payee("H1"), l).unwrap();
        }
        let notice = Notice {
            payee: 0,
            kind: NoticeKind::SharedPayee,
            months: vec![may, june],
            detail: "细节".into(),
        };
        s.push_notice(5, &payee("H2"), &notice).unwrap();
        s.finish().unwrap();
        assert_eq!((s.count(0), s.count(1)), (2, 1));
        let may_lines: Vec<Spooled> = s.lines(0).unwrap().map(Result::unwrap).collect();
        let june_lines: Vec<Spooled> = s.lines(1).unwrap().map(Result::unwrap).collect();
        let back: Vec<(u64, &Line)> = june_lines
            .iter()
            .chain(&may_lines)
            .map(|l| (l.seq, &l.line))
            .collect();
        for ((seq, l), (bseq, b)) in written.iter().zip(back) {
            assert_eq!(*seq, bseq);
            assert_eq!(
                (
                    &l.payment_id,
                    l.pay_month,
                    l.item,
                    l.amount,
                    l.approval,
                    &l.reason,
                    l.status
                ),
                (
                    &b.payment_id,
                    b.pay_month,
                    b.item,
                    b.amount,
                    b.approval,
                    &b.reason,
                    b.status
                )
            );
        }
        assert_eq!(may_lines[0].payee.head_name, "张三");
        // read twice: the outputs read a month once per file
        assert_eq!(s.lines(0).unwrap().count(), 2);
        let notices: Vec<SpooledNotice> = s.notices().unwrap().map(Result::unwrap).collect();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].seq, 5);
        assert_eq!(notices[0].payee.id, "H2");
        assert_eq!(notices[0].notice.months, vec![may, june]);
        assert_eq!(notices[0].notice.kind, NoticeKind::SharedPayee);
        assert_eq!(notices[0].notice.detail, "细节");
    }
}
