//! The vocabulary every layer shares: the roster's columns and the kinds of a household
//! (residence, status, care level, categories), with their Chinese and English names. It sits
//! below both the policy and the household so that neither has to import the other for a word.

pub mod columns;
pub mod kinds;
pub mod levels;
pub mod wording;

pub use kinds::{CATEGORY_NAMES, CareLevel, Categories, Pandemic, Residence, Status};
pub use levels::ApprovalLevel;
