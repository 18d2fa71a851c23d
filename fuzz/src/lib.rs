//! What the fuzz targets share: a scratch file per process (the readers under test take paths,
//! as the commands give them), and the bundled example policy to evaluate rows with.

use std::path::PathBuf;

/// The bundled Lanzhou policy, compiled in so that a target needs no file beside it.
pub const POLICY: &str = include_str!("../../policies/lanzhou-2022.toml");

/// Writes `data` to this process's scratch file with extension `ext` and returns its path.
pub fn scratch(data: &[u8], ext: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("jiuzhu-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, data).expect("the scratch file can be written");
    path
}

/// The policy every target that needs one evaluates with.
pub fn policy() -> jiuzhu::policy::Policy {
    jiuzhu::policy::Policy::parse(POLICY, "lanzhou-2022.toml").expect("the bundled policy loads")
}
