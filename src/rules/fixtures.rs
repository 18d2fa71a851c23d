//! Policies the rules' unit tests are built on.

use crate::policy::Policy;

/// A policy named `t` with the areas `(id, region)` (each named as its id), one 低保
/// standard (`urban`, `rural`) from `from`, and `body` after it.
pub(crate) fn policy_with_areas(
    areas: &[(&str, &str)],
    from: &str,
    urban: u32,
    rural: u32,
    body: &str,
) -> Policy {
    let text = policy_text(areas, from, urban, rural, body);
    Policy::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The text of [`policy_with_areas`], for a test that expects it refused.
pub(crate) fn policy_text(
    areas: &[(&str, &str)],
    from: &str,
    urban: u32,
    rural: u32,
    body: &str,
) -> String {
    let mut text = String::from("[policy]\nname = \"t\"\n");
    for (id, region) in areas {
        text += &format!("[areas.{id}]\nname = \"{id}\"\nregions = [\"{region}\"]\n");
    }
    text += &format!(
        "[[dibao.standard]]\nfrom = \"{from}\"\nurban = {urban}\nrural = {rural}\n{body}\n"
    );
    text
}
