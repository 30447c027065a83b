//! The shape of `src/`: dependencies between top-level modules run one way, down the
//! layers the README's "Code layout" names, and no source file outgrows a reader.
//!
//! Read from the source text: every `crate::name` path (including those inside
//! `use crate::{a, b}` groups) outside comments and `#[cfg(test)]` items is an edge
//! from the file's top-level module to `name`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use modules of its own layer or below, never above;
/// within a layer the edges must not form a cycle.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "vocabulary",
        &[
            "vocabulary",
            "error",
            "hash",
            "dates",
            "fonts",
            "labels",
            "language",
            "output",
            "xml",
        ],
    ),
    (
        "inputs",
        &[
            "model",
            "overlay",
            "personal",
            "profile",
            "library",
            "fhir",
            "translation",
            "xliff",
        ],
    ),
    ("select", &["select", "readability", "catalog"]),
    ("layout", &["layout"]),
    ("backends", &["render", "html", "document_reference"]),
    ("pipeline", &["pipeline"]),
    ("front ends", &["batch", "serve", "cli"]),
];

const MAX_LINES: usize = 800;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/layout/text.rs` → `layout`.
fn top_module(file: &Path) -> String {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next().unwrap().as_os_str();
    Path::new(first)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The source with comments, string literals and `#[cfg(test)]` items blanked out.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |n| i + n);
            i = end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(text.len(), |n| i + n + 2);
            i = end;
        } else if rest.starts_with("#[cfg(test)]") {
            i = skip_item(text, i + "#[cfg(test)]".len());
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|&c| c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + 2 + hashes;
            i = text[body..]
                .find(&close)
                .map_or(text.len(), |n| body + n + close.len());
        } else if rest.starts_with('"') {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            i = j + 1;
        } else if rest.starts_with("'\"'") {
            i += 3;
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The end of the item that starts after `from`: its `;` or its closing brace.
fn skip_item(text: &str, from: usize) -> usize {
    let mut depth = 0usize;
    for (offset, c) in text[from..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return from + offset + 1;
                }
            }
            ';' if depth == 0 => return from + offset + 1,
            _ => {}
        }
    }
    text.len()
}

/// Every top-level module named by a `crate::` path in `code`.
fn used_modules(code: &str) -> BTreeSet<String> {
    named_after(code, "crate::")
}

/// The first name of every path in `code` that starts with `prefix` (`crate::`,
/// `super::`), and of each entry of a group that follows it.
fn named_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices(prefix) {
        let rest = code[at + prefix.len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::x, b, c::{y, z}}`: the first name of each top-level entry.
            let mut depth = 0;
            let mut start = true;
            for (offset, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => {
                        used.insert(ident(&group[offset..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = top_module(file);
        if module == "lib" || module == "main" {
            continue;
        }
        let code = code_only(&fs::read_to_string(file).unwrap());
        let entry = edges.entry(module.clone()).or_default();
        for used in used_modules(&code) {
            if used != module {
                entry.insert(used);
            }
        }
    }
    edges
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

#[test]
fn every_module_has_a_layer() {
    let unplaced: Vec<_> = graph()
        .into_keys()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules with no layer in LAYERS (and in the README's code layout): {unplaced:?}"
    );
}

/// Overlays are resolved into an ordinary handout before selection, and FHIR input read
/// into the same: selection, layout and the page backends never learn that overlays or
/// FHIR exist (nor where a handout was found).
#[test]
fn selection_layout_and_backends_never_see_overlays_or_fhir() {
    let graph = graph();
    for module in ["select", "layout", "render", "html"] {
        let uses = graph.get(module).cloned().unwrap_or_default();
        for hidden in ["overlay", "library", "fhir", "document_reference"] {
            assert!(!uses.contains(hidden), "{module} uses {hidden}");
        }
    }
}

#[test]
fn no_module_uses_one_above_it() {
    let mut upward = Vec::new();
    for (module, uses) in graph() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for used in uses {
            if let Some(theirs) = layer_of(&used) {
                if theirs > own {
                    upward.push(format!(
                        "{module} ({}) uses {used} ({})",
                        LAYERS[own].0, LAYERS[theirs].0
                    ));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "upward dependencies:\n{}",
        upward.join("\n")
    );
}

/// A cycle in `edges`, as the path that closes it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Depth-first search; a grey node met again closes a cycle.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(1) => {
                let start = path.iter().position(|n| n == node).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut state, &mut Vec::new()))
}

#[test]
fn top_level_modules_form_no_cycle() {
    let cycle = find_cycle(&graph());
    assert!(
        cycle.is_none(),
        "modules in a cycle: {}",
        cycle.unwrap().join(" -> ")
    );
}

/// Layout's own files use each other one way too: its modules, by their `super::` and
/// `crate::layout::` paths.
#[test]
fn layout_files_form_no_cycle() {
    let dir = src().join("layout");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let names: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.file_stem())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "mod")
        .collect();
    assert!(
        names.contains("blocks") && names.contains("text"),
        "{names:?}"
    );
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = file.file_stem().unwrap().to_string_lossy().into_owned();
        if module == "mod" {
            continue;
        }
        let code = code_only(&fs::read_to_string(file).unwrap());
        let used = named_after(&code, "super::")
            .into_iter()
            .chain(named_after(&code, "crate::layout::"))
            .filter(|n| n != &module && names.contains(n))
            .collect::<Vec<_>>();
        edges.entry(module).or_default().extend(used);
    }
    let cycle = find_cycle(&edges);
    assert!(
        cycle.is_none(),
        "layout files in a cycle: {}",
        cycle.unwrap().join(" -> ")
    );
}

#[test]
fn no_source_file_is_over_the_limit() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} has {lines} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these (at most {MAX_LINES} lines each):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_reader_sees_every_kind_of_path() {
    let code = code_only(
        "use crate::a::X;\nuse crate::{b::Y, c, d::{e, f}};\n// crate::g\n\
         let s = \"crate::h\";\nfn f() { crate::i::go() }\n\
         #[cfg(test)]\nmod tests { use crate::j; }\n",
    );
    let used: Vec<String> = used_modules(&code).into_iter().collect();
    assert_eq!(used, ["a", "b", "c", "d", "i"]);
}
