//! The lists enrolled persons are checked against (deaths, staff, vehicles, property).

use super::ids::{PERSON, fingerprint, person_key};
use crate::household::reader::{self, ReadOptions};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;

/// Headers of the ID-number column of an `--against` list.
pub const LIST_ID_HEADERS: &[&str] = &[
    "id_number",
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "证件号码",
    "head_id",
    "户主身份证号",
];
/// Headers of the label column of an `--against` list.
pub const LIST_LABEL_HEADERS: &[&str] = &["label", "标签", "名单", "名单类别", "类别", "事由"];
/// Headers of a date column of an `--against` list (e.g. the date of death), quoted as evidence.
pub const LIST_DATE_HEADERS: &[&str] = &["date", "日期", "死亡日期", "登记日期", "发生日期"];

/// The lists persons are checked against, loaded: ID fingerprints and where each was found.
/// Held whole: a fingerprint and the entry's line, label and date per listed person.
#[derive(Default)]
pub struct Lists {
    /// each list's name (its label, or its file's stem)
    pub(super) names: Vec<String>,
    pub(super) entries: HashMap<u64, Vec<ListHit>>,
}

/// A list to load: its file and the label naming it, if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSpec {
    /// the file: CSV (UTF-8 or GBK/GB18030) or a workbook
    pub path: String,
    /// the list's name (default: the file's stem)
    pub label: Option<String>,
}

impl ListSpec {
    /// `FILE:LABEL`, unless the whole text names a file (a Windows path has a colon).
    pub fn parse(spec: &str) -> ListSpec {
        match spec.rsplit_once(':') {
            Some((p, l)) if !std::path::Path::new(spec).exists() && !p.is_empty() => ListSpec {
                path: p.to_string(),
                label: Some(l.trim().to_string()),
            },
            _ => ListSpec {
                path: spec.to_string(),
                label: None,
            },
        }
    }
}

/// Where a person was found in a list.
pub(super) struct ListHit {
    /// index in the lists' names
    pub(super) list: usize,
    pub(super) line: u64,
    pub(super) label: Option<String>,
    pub(super) date: Option<String>,
}

impl Lists {
    /// No list.
    pub fn none() -> Lists {
        Lists::default()
    }

    /// Loads the lists: each needs an ID-number column ([`LIST_ID_HEADERS`]); a label column
    /// ([`LIST_LABEL_HEADERS`]) and a date column ([`LIST_DATE_HEADERS`]) are quoted as evidence.
    pub fn load(specs: &[ListSpec], today: chrono::NaiveDate) -> Result<Lists> {
        let mut lists = Lists::default();
        for ListSpec { path, label } in specs {
            let (path, label) = (path.clone(), label.clone());
            let mut source = reader::open(&path, &ReadOptions::default())
                .with_context(|| format!("--against {path}"))?;
            let headers = source.headers().to_vec();
            let Some(id_col) = find_header(&headers, LIST_ID_HEADERS) else {
                bail!(
                    "--against {path}: no ID-number column (name it id_number or 身份证号); headers: {}",
                    headers.join(", ")
                );
            };
            let label_col = find_header(&headers, LIST_LABEL_HEADERS);
            let date_col = find_header(&headers, LIST_DATE_HEADERS);
            let name = label.clone().unwrap_or_else(|| {
                std::path::Path::new(&path)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.clone())
            });
            let list = lists.names.len();
            lists.names.push(name);
            let mut rec = crate::household::record::Record::new();
            while let Some(line) = source
                .next_record(&mut rec)
                .with_context(|| format!("--against {path}"))?
            {
                let Some(key) = person_key(rec.get(id_col).unwrap_or(""), today) else {
                    continue;
                };
                let cell = |c: Option<usize>| {
                    c.and_then(|i| rec.get(i))
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                // A label given on the command line names the list; a label column, when there
                // is one, says more about each entry.
                let own = cell(label_col);
                let label = match (&label, own) {
                    (Some(l), Some(o)) => Some(format!("{l}：{o}")),
                    (None, Some(o)) => Some(o),
                    (Some(l), None) => Some(l.clone()),
                    (None, None) => None,
                };
                lists
                    .entries
                    .entry(fingerprint(PERSON, &key))
                    .or_default()
                    .push(ListHit {
                        list,
                        line,
                        label,
                        date: cell(date_col),
                    });
            }
        }
        Ok(lists)
    }
}

/// The field index of the first header that matches one of `names`, compared as roster
/// headers are (case, spaces, a trailing unit in brackets ignored).
pub fn find_header(headers: &[String], names: &[&str]) -> Option<usize> {
    use crate::household::columns::normalize_header;
    names.iter().find_map(|n| {
        let n = normalize_header(n);
        headers.iter().position(|h| normalize_header(h) == n)
    })
}
