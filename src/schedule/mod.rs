//! The payment schedule: who is paid what in each month of a range, one line per household,
//! month and item; what is held and why; the households reported separately (to enrol, to
//! review, undetermined, invalid, held); totals that reconcile to the fen; and the stable
//! payment ids the ledger keeps so nothing is paid twice.
//!
//! Every amount comes from the rules: the regular items from [`rules::evaluate`] month by
//! month, one-off items from [`rules::one_off`], temporary assistance from
//! [`rules::temporary`] and its approval from [`rules::approval`]. This module only decides
//! who is paid (enrolment), holds what must not be paid yet, and adds up. It reads no
//! arguments and writes no output: `jiuzhu payouts` gives it a [`Config`] and writes what
//! [`build`] returns.
//!
//! [`rules::evaluate`]: crate::rules::evaluate
//! [`rules::one_off`]: crate::rules::one_off
//! [`rules::temporary`]: crate::rules::temporary
//! [`rules::approval`]: crate::rules::approval

mod config;
mod household;
mod item;
mod spool;
mod stream;
mod totals;

pub use config::{Config, SubsidyRun};
pub use household::{HouseholdSchedule, schedule_household};
pub use item::{Item, Line, LineStatus, Notice, NoticeKind, Payee, payment_id};
pub use spool::{Spooled, SpooledNotice};
pub use stream::{Holds, Streamed, build};
pub use totals::{Tally, TooLarge, Total, checked_sum, in_lang, too_large};
