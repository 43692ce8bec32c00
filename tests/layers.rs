//! Imports point down the layers the README lists (Architecture, "Layers"):
//! every `crate::…` path in a file under `src/` must name a module on a line
//! below the file's own module. Reads the source text; no database.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Module name → its line in the README's list (0 = top).
fn layers() -> HashMap<String, usize> {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README.md");
    let after = readme
        .split_once("**Layers.**")
        .expect("the README's Architecture section has a **Layers.** paragraph")
        .1;
    let block = after
        .split_once("```text\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a ```text block follows **Layers.**")
        .0;
    let mut map = HashMap::new();
    for (line_no, line) in block.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        for module in line.split(',') {
            let module = module.trim().to_string();
            assert!(
                map.insert(module.clone(), line_no).is_none(),
                "{module} listed twice"
            );
        }
    }
    map
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/db/calls.rs` → `db`).
fn module_of(file: &Path) -> String {
    let rel = file
        .strip_prefix(Path::new(ROOT).join("src"))
        .expect("under src/");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The source without comments (doc comments name modules freely) and
/// without string literals' contents.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                in_string = true;
                out.push('"');
            }
            // A char literal holding a quote is not a string.
            '\'' if chars.peek() == Some(&'"') => {
                out.push('\'');
                out.push(chars.next().unwrap_or('"'));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every top-level module named after `crate::` (including each item of a
/// `crate::{a, b::c}` group), with its line number.
fn uses(code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        // `callboard::` or `some_crate::` would end in "crate::" too.
        if code[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Items of the group, split at top-level commas.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        item.push(c);
                    }
                    '}' if depth == 0 => break,
                    '}' => {
                        depth -= 1;
                        item.push(c);
                    }
                    ',' if depth == 0 => {
                        push_item(&item, line, &mut found);
                        item.clear();
                    }
                    _ => item.push(c),
                }
            }
            push_item(&item, line, &mut found);
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((name, line));
            }
        }
    }
    found
}

fn push_item(item: &str, line: usize, found: &mut Vec<(String, usize)>) {
    let name: String = item
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !name.is_empty() && name != "self" {
        found.push((name, line));
    }
}

#[test]
fn imports_point_down_the_layers() {
    let layers = layers();
    let mut files = Vec::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file);
        let Some(&own) = layers.get(&module) else {
            wrong.push(format!(
                "{}: module {module} is not in the README's list",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("readable");
        for (target, line) in uses(&code(&text)) {
            if target == module {
                continue;
            }
            match layers.get(&target) {
                None => wrong.push(format!(
                    "{}:{line}: crate::{target} is not in the README's list",
                    file.display()
                )),
                Some(&theirs) if theirs <= own => wrong.push(format!(
                    "{}:{line}: {module} uses crate::{target}, which is {} it",
                    file.display(),
                    if theirs == own { "beside" } else { "above" }
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers (README, Architecture):\n{}",
        wrong.join("\n")
    );
}

/// The checker itself: groups, nested groups, comments and strings.
#[test]
fn the_checker_reads_paths_groups_and_skips_comments() {
    let src = "use crate::{db::{self, Tx}, domain};\n\
               // use crate::server;\n\
               let s = \"crate::cli\";\n\
               let x = crate::error::AppError::Internal;\n\
               use callboard::server::x;\n";
    let names: Vec<String> = uses(&code(src)).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["db", "domain", "error"]);
}
