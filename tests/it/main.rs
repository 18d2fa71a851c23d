//! The integration tests: the real binary, run in temporary folders.

mod check;
mod source;
mod workdir;
