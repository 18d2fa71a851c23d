//! The `jiuzhu` binary: everything happens in the library; this maps its result to an exit code.

#![forbid(unsafe_code)]

fn main() {
    std::process::exit(jiuzhu::run(std::env::args_os()));
}
